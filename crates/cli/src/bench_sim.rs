//! `aigov bench sim`: every fault scenario of `aigov_chain::sim` over many seeds.
//!
//! Each run is a whole network of validators on Commonware's deterministic runtime and
//! simulated network (simulated time, so a run takes well under a second of real time), under
//! one scenario's faults, with the safety, no-loss, state-root and liveness checks of
//! `aigov_chain::sim::run`. The figure is how many seeds passed; a failed seed replays exactly
//! with `cargo test` or another `aigov bench sim` run, and the bench exits non-zero.

use aigov_chain::sim::{self, Scenario};
use serde::Serialize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Seeds per scenario with `--quick` (the all-benches smoke run).
pub const QUICK_SEEDS: u64 = 2;
/// Seeds per scenario by default.
pub const DEFAULT_SEEDS: u64 = 20;

/// One scenario over every seed.
#[derive(Serialize, Clone, Debug)]
pub struct ScenarioResult {
    /// Scenario name.
    pub scenario: &'static str,
    /// Seeds run (0..seeds).
    pub seeds_run: u64,
    /// Seeds that passed every check.
    pub passed: u64,
    /// Seeds that failed, with the failed check.
    pub failed: Vec<FailedSeed>,
    /// Median over passing seeds of each run's median submit→finalized time, simulated ms.
    pub finality_ms_p50: Option<u64>,
    /// Median finalized height a run was checked to.
    pub height_p50: Option<u64>,
    /// Real time spent on this scenario, all seeds, ms.
    pub real_ms: u64,
}

/// A seed that failed.
#[derive(Serialize, Clone, Debug)]
pub struct FailedSeed {
    /// The seed.
    pub seed: u64,
    /// The failed check.
    pub failure: String,
}

fn median(mut v: Vec<u64>) -> Option<u64> {
    v.sort_unstable();
    v.get(v.len() / 2).copied()
}

/// Runs every scenario over seeds `0..seeds`, on as many threads as there are cores (each run
/// is single-threaded and independent). Engine logs are silenced: the checks report failures.
pub fn bench_sim(seeds: u64) -> Vec<ScenarioResult> {
    let scenarios = Scenario::all();
    let jobs: Vec<(usize, u64)> = (0..scenarios.len())
        .flat_map(|s| (0..seeds).map(move |seed| (s, seed)))
        .collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, u64, sim::Outcome, u64)>> = Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let j = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(s, seed)) = jobs.get(j) else {
                        return;
                    };
                    let started = Instant::now();
                    let outcome = tracing::subscriber::with_default(
                        tracing::subscriber::NoSubscriber::default(),
                        || sim::run(seed, &scenarios[s]),
                    );
                    let ms = started.elapsed().as_millis() as u64;
                    if let Err(f) = &outcome {
                        eprintln!("sim: {} seed {seed} FAILED: {f}", scenarios[s].name);
                    }
                    if let Ok(mut r) = results.lock() {
                        r.push((s, seed, outcome, ms));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(s, seed, _, _)| (*s, *seed));
    scenarios
        .iter()
        .enumerate()
        .map(|(i, sc)| {
            let mine: Vec<_> = results.iter().filter(|r| r.0 == i).collect();
            let mut failed = Vec::new();
            let mut finality = Vec::new();
            let mut heights = Vec::new();
            for (_, seed, outcome, _) in &mine {
                match outcome {
                    Ok(r) => {
                        finality.extend(r.finality_ms_p50);
                        heights.push(r.height);
                    }
                    Err(f) => failed.push(FailedSeed {
                        seed: *seed,
                        failure: f.to_string(),
                    }),
                }
            }
            ScenarioResult {
                scenario: sc.name,
                seeds_run: mine.len() as u64,
                passed: mine.len() as u64 - failed.len() as u64,
                failed,
                finality_ms_p50: median(finality),
                height_p50: median(heights),
                real_ms: mine.iter().map(|r| r.3).sum(),
            }
        })
        .collect()
}

/// Prints the table of `results`.
pub fn print_table(results: &[ScenarioResult]) {
    println!(
        "{:<20} {:>5} {:>6} {:>9} {:>8} {:>8}  failed seeds",
        "scenario", "seeds", "passed", "p50 final", "height", "real s"
    );
    for r in results {
        let failed: Vec<String> = r.failed.iter().map(|f| f.seed.to_string()).collect();
        println!(
            "{:<20} {:>5} {:>6} {:>9} {:>8} {:>8.1}  {}",
            r.scenario,
            r.seeds_run,
            r.passed,
            r.finality_ms_p50
                .map_or("-".to_string(), |ms| format!("{ms} ms")),
            r.height_p50.map_or("-".to_string(), |h| h.to_string()),
            r.real_ms as f64 / 1000.0,
            if failed.is_empty() {
                "-".to_string()
            } else {
                failed.join(",")
            }
        );
    }
    let run: u64 = results.iter().map(|r| r.seeds_run).sum();
    let passed: u64 = results.iter().map(|r| r.passed).sum();
    println!(
        "{passed} of {run} runs passed (p50 final: simulated submit→finalized, median over seeds)"
    );
}

/// True if every seed of every scenario passed.
pub fn all_passed(results: &[ScenarioResult]) -> bool {
    results.iter().all(|r| r.failed.is_empty())
}
