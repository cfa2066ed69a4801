//! Phase detection: scores a usage report's telemetry as pre-training, post-training or
//! inference, and acts when it contradicts the workload's declared phase.
//!
//! - **Classifier** ([classify]): each feature of the seed's appendix table votes points for the
//!   phases it is typical of, with a weight for how telling it is (forward-only vs backward
//!   passes weighs most; a fleet of devices next). Rates (interconnect per device-second,
//!   energy per device-hour, output share) come from the report's own totals, so the length of
//!   the interval does not bias it. Integers only: the verdict is a pure function of the report
//!   and the parameters, identical on every validator.
//! - **Actions** ([assess], run by `otk.report_usage`): a mismatch at least `flag_bps` strong
//!   is recorded (`phase_mismatch`, for reviewers to escalate); at least `halt_bps` halts the
//!   run; at least `cancel_bps` halts every run of the workload. Halts revoke outstanding
//!   permits in the same block, so the drip stops at once.
//! - The thresholds are `ComputeParams::phase`, changed by a System vote.

use crate::error::CallError;
use crate::store::{Overlay, StateRead};
use crate::workloads;
use aigov_types::event::{Event, PhaseMismatch};
use aigov_types::model::Phase;
use aigov_types::phase::{PhaseAction, PhaseParams, PhaseVerdict, Telemetry};
use aigov_types::workload::{HaltReason, Run};

const PRE: usize = 0;
const POST: usize = 1;
const INF: usize = 2;

fn index(p: Phase) -> usize {
    match p {
        Phase::PreTrain => PRE,
        Phase::PostTrain => POST,
        Phase::Inference => INF,
    }
}

/// `num / den`, or `None` when the denominator is zero (the feature then abstains).
fn rate(num: u128, den: u128) -> Option<u128> {
    num.checked_div(den)
}

/// Scores `t` against the appendix table and compares the winner with `declared`.
pub fn classify(t: &Telemetry, declared: Phase, p: &PhaseParams) -> PhaseVerdict {
    let mut s = [0u16; 3];
    let mut vote = |phases: &[usize], points: u16| {
        for &i in phases {
            s[i] += points;
        }
    };
    // Workload type: forward and backward passes vs forward only. The strongest signal.
    if t.backward_share_bps >= p.training_backward_min_bps {
        vote(&[PRE, POST], 4);
    } else if t.backward_share_bps <= p.inference_backward_max_bps {
        vote(&[INF], 4);
    } else {
        // A small backward share: adapters / PEFT updating a subset.
        vote(&[POST], 2);
    }
    // Accelerators: a fleet vs single or few devices.
    if t.device_count >= p.pretrain_devices_min {
        vote(&[PRE], 3);
    } else if t.device_count <= p.posttrain_devices_max {
        vote(&[POST], 2);
        vote(&[INF], 1);
    }
    // Memory per device: "80–141 GB+", "moderate/high", "10–20 GB".
    if t.peak_memory_mib >= p.pretrain_memory_min_mib {
        vote(&[PRE], 2);
    } else if t.peak_memory_mib <= p.inference_memory_max_mib {
        vote(&[INF], 2);
    } else {
        vote(&[POST], 1);
    }
    // Precision: quantized formats are for inference.
    if t.precision.quantized() {
        vote(&[INF], 1);
    } else {
        vote(&[PRE, POST], 1);
    }
    // Batch size: "512–4096+", "8–128", "1–32" (the last two overlap).
    if t.batch_size >= p.pretrain_batch_min {
        vote(&[PRE], 1);
    } else {
        if t.batch_size <= p.inference_batch_max {
            vote(&[INF], 1);
        }
        if t.batch_size <= p.posttrain_batch_max && t.batch_size >= 8 {
            vote(&[POST], 1);
        }
    }
    let device_ms = u128::from(t.duration_ms) * u128::from(t.device_count);
    // Interconnect per device-second: gradient all-reduce across a fleet.
    if let Some(per_s) = rate(u128::from(t.interconnect_bytes) * 1_000, device_ms) {
        if per_s >= u128::from(p.pretrain_interconnect_min) {
            vote(&[PRE], 2);
        } else if per_s * 10 < u128::from(p.pretrain_interconnect_min) {
            vote(&[POST, INF], 1);
        }
    }
    // Energy per device-hour: flat out (training) vs idle between queries (inference).
    if let Some(wh) = rate(u128::from(t.energy_wh) * 3_600_000, device_ms) {
        if wh >= u128::from(p.training_energy_min_wh) {
            vote(&[PRE, POST], 1);
        } else if wh <= u128::from(p.inference_energy_max_wh) {
            vote(&[INF], 1);
        }
    }
    // Output: answers stream out of inference; training emits checkpoints only.
    let io = u128::from(t.data_bytes) + u128::from(t.output_bytes);
    if let Some(share) = rate(u128::from(t.output_bytes) * 10_000, io) {
        if share >= u128::from(p.inference_output_min_bps) {
            vote(&[INF], 1);
        } else {
            vote(&[PRE, POST], 1);
        }
    }
    verdict(s, declared)
}

/// The winner (the declared phase on a tie, else the first of [Phase::ALL]), its share of
/// the points and its lead over the declared phase.
fn verdict(s: [u16; 3], declared: Phase) -> PhaseVerdict {
    let best = s.iter().copied().max().unwrap_or(0);
    let d = index(declared);
    let detected = if s[d] == best {
        declared
    } else {
        Phase::ALL
            .into_iter()
            .find(|p| s[index(*p)] == best)
            .unwrap_or(declared)
    };
    let total: u32 = s.iter().map(|x| u32::from(*x)).sum();
    let bps = |num: u32, den: u32| {
        u16::try_from(num.saturating_mul(10_000).checked_div(den).unwrap_or(0)).unwrap_or(10_000)
    };
    PhaseVerdict {
        detected,
        scores: s,
        confidence_bps: bps(u32::from(best), total),
        mismatch_bps: bps(u32::from(best - s[d]), u32::from(best)),
    }
}

/// Checks a usage report's telemetry for run `run` (already updated with the usage) and acts
/// on a mismatch. Returns whether the run was halted (its drip stops).
pub(crate) async fn assess<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    run: &Run,
    otk_id: u64,
    telemetry: &Telemetry,
    params: &PhaseParams,
) -> Result<bool, CallError> {
    let w = workloads::get_workload(o, run.workload).await?;
    let v = classify(telemetry, w.phase, params);
    if v.detected == w.phase || v.mismatch_bps < params.flag_bps {
        return Ok(false);
    }
    let action = if v.mismatch_bps >= params.cancel_bps {
        PhaseAction::CanceledWorkload
    } else if v.mismatch_bps >= params.halt_bps {
        PhaseAction::HaltedRun
    } else {
        PhaseAction::Flagged
    };
    events.push(Event::PhaseMismatch(PhaseMismatch {
        run: run.id,
        workload: w.id,
        otk_id,
        declared: w.phase,
        detected: v.detected,
        confidence_bps: v.confidence_bps,
        mismatch_bps: v.mismatch_bps,
        action,
    }));
    match action {
        PhaseAction::Flagged => Ok(false),
        PhaseAction::HaltedRun => {
            workloads::halt(o, events, run.id, HaltReason::PhaseMismatch).await?;
            Ok(true)
        }
        PhaseAction::CanceledWorkload => {
            for other in workloads::runs_of_model(o, w.model).await? {
                if workloads::get_run(o, other).await?.workload == w.id {
                    workloads::halt(o, events, other, HaltReason::PhaseMismatch).await?;
                }
            }
            Ok(true)
        }
    }
}

#[cfg(test)]
mod tests;
