//! `simulate`: many devices in one process, for load tests. Each device has its own key,
//! state and permits; worker threads tick their share of the devices in turn, and the caller
//! gets a progress snapshot at a fixed interval and the totals at the end.

use crate::AgentError;
use crate::device::{AgentEvent, Device, Stats, now_ms};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How a simulation runs.
#[derive(Clone, Copy, Debug)]
pub struct SimOptions {
    /// Worker threads (each ticks its share of the devices in turn).
    pub threads: usize,
    /// Pause between two rounds of a worker's devices.
    pub tick: Duration,
    /// Each device stops after this many finalized usage reports (`None`: no limit).
    pub reports_per_device: Option<u64>,
    /// The whole simulation stops after this long (`None`: when every device is done).
    pub max_duration: Option<Duration>,
    /// Interval of the progress callback.
    pub progress_every: Duration,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            threads: 4,
            tick: Duration::from_millis(100),
            reports_per_device: Some(1),
            max_duration: None,
            progress_every: Duration::from_secs(1),
        }
    }
}

/// A snapshot of a running simulation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    /// Devices simulated.
    pub devices: usize,
    /// Devices that reached their report limit.
    pub done: usize,
    /// Totals over every device.
    pub stats: Stats,
    /// Time since the start.
    pub elapsed: Duration,
    /// Usage reports finalized per second since the start.
    pub reports_per_s: f64,
    /// Compute units consumed per second since the start.
    pub units_per_s: f64,
}

/// What a simulation did.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// The last progress snapshot (totals, rates).
    pub progress: Progress,
    /// Per-device totals, in the order the devices were given.
    pub per_device: Vec<Stats>,
    /// Refusals and node errors seen, with the device index (at most 100 kept).
    pub problems: Vec<(usize, String)>,
}

#[derive(Default)]
struct Shared {
    accepted: AtomicU64,
    refused: AtomicU64,
    units: AtomicU64,
    reports: AtomicU64,
    released: AtomicU64,
    node_errors: AtomicU64,
    done: AtomicU64,
}

impl Shared {
    fn count(&self, e: &AgentEvent) {
        let c = match e {
            AgentEvent::Accepted { .. } => &self.accepted,
            AgentEvent::Refused { .. } => &self.refused,
            AgentEvent::Computed { units, .. } => {
                self.units.fetch_add(*units, Ordering::Relaxed);
                return;
            }
            AgentEvent::Reported { .. } => &self.reports,
            AgentEvent::Released { .. } => &self.released,
            AgentEvent::NodeError(_) => &self.node_errors,
            AgentEvent::Waiting
            | AgentEvent::Stopped { .. }
            | AgentEvent::ChallengeAnswered { .. }
            | AgentEvent::ChallengeUnanswered { .. } => return,
        };
        c.fetch_add(1, Ordering::Relaxed);
    }

    fn stats(&self) -> Stats {
        Stats {
            accepted: self.accepted.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            units: self.units.load(Ordering::Relaxed),
            reports: self.reports.load(Ordering::Relaxed),
            released: self.released.load(Ordering::Relaxed),
            node_errors: self.node_errors.load(Ordering::Relaxed),
            // Simulated devices are provisioned without a Hardware template: never challenged.
            ..Stats::default()
        }
    }
}

/// Runs `devices` until each has made `reports_per_device` reports or `max_duration` passed,
/// calling `on_progress` every `progress_every` (and once at the end). Fails only if a
/// device cannot persist its state.
pub fn simulate(
    devices: Vec<Device>,
    opts: SimOptions,
    mut on_progress: impl FnMut(&Progress),
) -> Result<Summary, AgentError> {
    let n = devices.len();
    let threads = opts.threads.clamp(1, n.max(1));
    let shared = Arc::new(Shared::default());
    let stop = Arc::new(AtomicBool::new(false));
    let problems = Arc::new(Mutex::new(Vec::<(usize, String)>::new()));
    let mut groups: Vec<Vec<(usize, Device)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, d) in devices.into_iter().enumerate() {
        groups[i % threads].push((i, d));
    }
    let start = Instant::now();
    let snapshot = |shared: &Shared| {
        let stats = shared.stats();
        let elapsed = start.elapsed();
        let secs = elapsed.as_secs_f64().max(1e-3);
        Progress {
            devices: n,
            done: shared.done.load(Ordering::Relaxed) as usize,
            stats,
            elapsed,
            reports_per_s: stats.reports as f64 / secs,
            units_per_s: stats.units as f64 / secs,
        }
    };
    let results = std::thread::scope(|s| {
        let handles: Vec<_> = groups
            .into_iter()
            .map(|group| {
                let shared = shared.clone();
                let stop = stop.clone();
                let problems = problems.clone();
                s.spawn(move || worker(group, opts, &shared, &stop, &problems))
            })
            .collect();
        let mut last = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(50).min(opts.progress_every));
            let finished = handles.iter().all(|h| h.is_finished());
            if opts.max_duration.is_some_and(|d| start.elapsed() >= d) {
                stop.store(true, Ordering::Relaxed);
            }
            if last.elapsed() >= opts.progress_every || finished {
                on_progress(&snapshot(&shared));
                last = Instant::now();
            }
            if finished {
                break;
            }
        }
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or(Err(AgentError::WorkerPanicked)))
            .collect::<Vec<_>>()
    });
    let mut per_device = vec![Stats::default(); n];
    for r in results {
        for (i, st) in r? {
            per_device[i] = st;
        }
    }
    let progress = snapshot(&shared);
    let problems = std::mem::take(&mut *problems.lock().unwrap_or_else(|e| e.into_inner()));
    Ok(Summary {
        progress,
        per_device,
        problems,
    })
}

fn worker(
    mut group: Vec<(usize, Device)>,
    opts: SimOptions,
    shared: &Shared,
    stop: &AtomicBool,
    problems: &Mutex<Vec<(usize, String)>>,
) -> Result<Vec<(usize, Stats)>, AgentError> {
    let mut done = vec![false; group.len()];
    while !stop.load(Ordering::Relaxed) && done.iter().any(|d| !d) {
        for (k, (i, device)) in group.iter_mut().enumerate() {
            if done[k] {
                continue;
            }
            for e in device.tick(now_ms())? {
                shared.count(&e);
                if matches!(e, AgentEvent::Refused { .. } | AgentEvent::NodeError(_)) {
                    let mut p = problems.lock().unwrap_or_else(|e| e.into_inner());
                    if p.len() < 100 {
                        p.push((*i, e.to_string()));
                    }
                }
            }
            if opts
                .reports_per_device
                .is_some_and(|r| device.stats().reports >= r)
            {
                done[k] = true;
                shared.done.fetch_add(1, Ordering::Relaxed);
            }
        }
        std::thread::sleep(opts.tick);
    }
    Ok(group.into_iter().map(|(i, d)| (i, d.stats())).collect())
}
