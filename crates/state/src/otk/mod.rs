//! The OTK issuer: one-time-key permits and the drip.
//!
//! - **Entities**: [OtkPermit]s (`{otk_id, run, stage, workload, model, hardware, device,
//!   phase, ration, not_before_ms, expiry_ms, seq, status}`), indexed by device and `seq` so an
//!   agent fetches them in order and proves each to itself offline; the drip queue (runs to
//!   serve, FIFO, so a block never scans every run).
//! - **The drip** ([end_block], after governance and the inspection hook, so a halt voted or
//!   fallen due in a block stops issuance in that block): for each queued run (at most
//!   `drip_per_block_max` per block) that is Running, it issues permits until the run has
//!   [OUTSTANDING_MAX] outstanding (the one in use and one queued ahead), while the hardware is
//!   Active and the model may receive the phase's compute. Each ration is drawn from the
//!   block's randomness in `[ration_min, ration_max]` and cut to the smallest remaining budget
//!   of the run, the workload, the hardware (for the phase) and the model (for the phase), so
//!   the committed compute never exceeds any of them. `seq` is the hardware's counter + 1.
//! - **Calls**: `otk.report_usage` by the device key: the permit becomes Reported, its unused
//!   units return to every budget, the run is queued for its next permit; `stage_done` moves
//!   the run to its next stage, or completes it after the last.
//! - Halts ([revoke_outstanding]): a halted or completed run, hardware leaving Active, a
//!   revoked model revoke the outstanding permits in the same block (their rations stay
//!   committed until their usage is reported).
//! - **Events**: `OtkIssued`, `OtkUsageReported`, `OtkRevoked`, `DripPaused`,
//!   `RunStageAdvanced`, `RunCompleted`.
//!
//! [OtkPermit]: aigov_types::otk::OtkPermit
//! [OUTSTANDING_MAX]: aigov_types::workload::OUTSTANDING_MAX

mod error;
pub mod keys;

pub use error::OtkError;

use crate::app::{BlockContext, TxCtx};
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use crate::{hardware, models, workloads};
use aigov_types::codec::{BoundedString, BoundedVec};
use aigov_types::event::{
    DripPaused, Event, OtkRevoked, OtkUsageReported, RunCompleted, RunStageAdvanced,
};
use aigov_types::hardware::{ComputeParams, HardwareStatus};
use aigov_types::otk::{OtkPermit, PermitStatus, ReportUsage};
use aigov_types::workload::{OUTSTANDING_MAX, RunStatus};
use aigov_types::{Hash, PublicKey};

/// Permit `otk_id`.
pub async fn permit(s: &impl StateRead, otk_id: u64) -> Result<Option<OtkPermit>, StoreError> {
    get_typed(s, &keys::permit(otk_id)).await
}

/// Number of permits issued (ids run from 1).
pub async fn count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::count()).await?.unwrap_or(0))
}

/// The id of the permit `device` got with `seq`.
pub async fn by_device_seq(
    s: &impl StateRead,
    device: &PublicKey,
    seq: u64,
) -> Result<Option<u64>, StoreError> {
    get_typed(s, &keys::device_seq(device, seq)).await
}

/// The latest `limit` permits of `device`, newest first (none if it is not registered).
pub async fn device_permits(
    s: &impl StateRead,
    device: &PublicKey,
    limit: u64,
) -> Result<Vec<OtkPermit>, StoreError> {
    let Some(id) = hardware::by_device(s, device).await? else {
        return Ok(Vec::new());
    };
    let Some(h) = hardware::hardware(s, id).await? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut seq = h.seq;
    while seq > 0 && (out.len() as u64) < limit {
        if let Some(otk) = by_device_seq(s, device, seq).await? {
            out.extend(permit(s, otk).await?);
        }
        seq -= 1;
    }
    Ok(out)
}

/// Runs waiting in the drip queue.
pub async fn queued(s: &impl StateRead) -> Result<u64, StoreError> {
    let head = get_typed::<u64>(s, &keys::queue_head()).await?.unwrap_or(0);
    let tail = get_typed::<u64>(s, &keys::queue_tail()).await?.unwrap_or(0);
    Ok(tail.saturating_sub(head))
}

/// Queues run `run` for the drip (it is served at the end of the block, or a later one).
pub(crate) async fn wake<S: StateRead>(o: &mut Overlay<'_, S>, run: u64) -> Result<(), StoreError> {
    let tail = get_typed::<u64>(o, &keys::queue_tail()).await?.unwrap_or(0);
    o.put_typed(keys::queue_at(tail), &run);
    o.put_typed(keys::queue_tail(), &(tail + 1));
    Ok(())
}

fn code64(s: &str) -> BoundedString<64> {
    BoundedString::new(s.chars().take(64).collect::<String>()).unwrap_or_default()
}

/// Revokes the outstanding permits of run `run` (the device must stop using them). Their
/// rations stay committed until the device reports what it used of them.
pub(crate) async fn revoke_outstanding<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    run: u64,
    reason: &str,
) -> Result<(), StoreError> {
    let Some(mut r) = workloads::run(o, run).await? else {
        return Ok(());
    };
    if r.outstanding.is_empty() {
        return Ok(());
    }
    for id in r.outstanding.iter().copied() {
        let Some(mut p) = permit(o, id).await? else {
            continue;
        };
        if p.status == PermitStatus::Issued {
            p.status = PermitStatus::Revoked;
            o.put_typed(keys::permit(id), &p);
            events.push(Event::OtkRevoked(OtkRevoked {
                otk_id: id,
                run,
                device: p.device.clone(),
                reason: code64(reason),
            }));
        }
    }
    r.outstanding = BoundedVec::default();
    workloads::put_run(o, &r);
    Ok(())
}

/// Returns `units` to the run, its workload, its hardware and its model (for `phase`).
async fn release<S: StateRead>(
    o: &mut Overlay<'_, S>,
    p: &OtkPermit,
    units: u64,
) -> Result<(), CallError> {
    if units == 0 {
        return Ok(());
    }
    if let Some(mut w) = workloads::workload(o, p.workload).await? {
        w.committed = w.committed.saturating_sub(units);
        workloads::put_workload(o, &w);
    }
    if let Some(mut h) = hardware::hardware(o, p.hardware).await? {
        let c = h.committed.get_mut(p.phase);
        *c = c.saturating_sub(units);
        hardware::put(o, &h);
    }
    if let Some(mut m) = models::model(o, p.model).await? {
        let c = m.committed.get_mut(p.phase);
        *c = c.saturating_sub(units);
        models::put(o, &m);
    }
    Ok(())
}

/// `otk.report_usage`.
pub(crate) async fn report_usage<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &ReportUsage,
) -> Result<(), CallError> {
    let o = &mut cx.overlay;
    let mut p = permit(o, call.otk_id)
        .await?
        .ok_or(OtkError::UnknownPermit(call.otk_id))?;
    if &p.device != sender {
        return Err(OtkError::NotTheDevice(p.otk_id).into());
    }
    if p.status == PermitStatus::Reported {
        return Err(OtkError::AlreadyReported(p.otk_id).into());
    }
    if call.used > p.ration {
        return Err(OtkError::UsageExceedsRation {
            otk_id: p.otk_id,
            ration: p.ration,
            used: call.used,
        }
        .into());
    }
    let returned = p.ration - call.used;
    p.status = PermitStatus::Reported;
    p.used = call.used;
    o.put_typed(keys::permit(p.otk_id), &p);
    release(o, &p, returned).await?;
    let mut r = workloads::get_run(o, p.run).await?;
    r.committed = r.committed.saturating_sub(returned);
    r.used = r.used.saturating_add(call.used);
    let rest: Vec<u64> = r
        .outstanding
        .iter()
        .copied()
        .filter(|x| *x != p.otk_id)
        .collect();
    r.outstanding = BoundedVec::truncating(rest);
    cx.events.push(Event::OtkUsageReported(OtkUsageReported {
        otk_id: p.otk_id,
        run: r.id,
        used: call.used,
        returned,
        stage_done: call.stage_done,
    }));
    if r.status != RunStatus::Running {
        workloads::put_run(o, &r);
        return Ok(());
    }
    if let Some(t) = &call.telemetry {
        workloads::put_run(o, &r);
        let params = crate::hardware::params(o).await?;
        if crate::phase::assess(o, &mut cx.events, &r, p.otk_id, t, &params.phase).await? {
            return Ok(());
        }
    }
    if call.stage_done {
        if r.stage.saturating_add(1) >= r.stages {
            r.status = RunStatus::Completed;
            workloads::put_run(o, &r);
            revoke_outstanding(o, &mut cx.events, r.id, "run_completed").await?;
            workloads::detach(o, &r).await?;
            cx.events.push(Event::RunCompleted(RunCompleted {
                run: r.id,
                used: r.used,
            }));
            return Ok(());
        }
        r.stage += 1;
        cx.events.push(Event::RunStageAdvanced(RunStageAdvanced {
            run: r.id,
            stage: r.stage,
        }));
    }
    workloads::put_run(o, &r);
    wake(o, r.id).await?;
    Ok(())
}

/// The ration of the `n`th permit of run `run` of phase `phase`, drawn from the block's
/// randomness `seed` in `[ration_min, ration_max]`, scaled for inference
/// ([ComputeParams::for_phase]), before any budget cut.
pub fn ration(
    seed: &Hash,
    run: u64,
    n: u64,
    p: &ComputeParams,
    phase: aigov_types::model::Phase,
) -> u64 {
    let (ration_min, ration_max, _) = p.for_phase(phase);
    let h = Hash::digest(&[
        b"aigov/otk-ration/v1",
        &seed.0,
        &run.to_be_bytes(),
        &n.to_be_bytes(),
    ]);
    let mut x = [0u8; 8];
    x.copy_from_slice(&h.0[..8]);
    let x = u128::from(u64::from_be_bytes(x));
    let min = ration_min.min(ration_max);
    let span = u128::from(ration_max - min) + 1;
    // `min + x % span <= ration_max`, which fits a u64.
    u64::try_from(u128::from(min) + x % span).unwrap_or(ration_max)
}

/// End of block: the drip. Serves at most `drip_per_block_max` queued runs.
pub(crate) async fn end_block<S: StateRead>(
    o: &mut Overlay<'_, S>,
    ctx: BlockContext,
    seed: &Hash,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let head = get_typed::<u64>(o, &keys::queue_head()).await?.unwrap_or(0);
    let tail = get_typed::<u64>(o, &keys::queue_tail()).await?.unwrap_or(0);
    if head >= tail {
        return Ok(());
    }
    let params = hardware::params(o).await?;
    let mut at = head;
    let end = tail.min(head.saturating_add(u64::from(params.drip_per_block_max)));
    while at < end {
        let key = keys::queue_at(at);
        let run = get_typed::<u64>(o, &key).await?;
        o.delete(key);
        at += 1;
        if let Some(run) = run {
            match serve(o, ctx, seed, run, &params, events).await {
                Ok(()) => {}
                Err(CallError::Store(e)) => return Err(e),
                // A dangling run or record is skipped rather than halting the chain.
                Err(CallError::Tx(_)) => {}
            }
        }
    }
    o.put_typed(keys::queue_head(), &at);
    Ok(())
}

/// Tops run `run` up to [OUTSTANDING_MAX] outstanding permits while every condition holds.
async fn serve<S: StateRead>(
    o: &mut Overlay<'_, S>,
    ctx: BlockContext,
    seed: &Hash,
    run: u64,
    params: &ComputeParams,
    events: &mut Vec<Event>,
) -> Result<(), CallError> {
    let mut r = workloads::get_run(o, run).await?;
    if r.status != RunStatus::Running {
        return Ok(());
    }
    let paused = |cause: &str| {
        Event::DripPaused(DripPaused {
            run,
            cause: code64(cause),
        })
    };
    while r.outstanding.len() < OUTSTANDING_MAX {
        let mut h = hardware::get(o, r.hardware).await?;
        if h.status != HardwareStatus::Active {
            events.push(paused("hardware_not_active"));
            break;
        }
        let mut m = models::get(o, r.model).await?;
        if !workloads::model_ready(&m, r.phase) {
            events.push(paused("model_not_approved"));
            break;
        }
        let mut w = workloads::get_workload(o, r.workload).await?;
        let remaining = [
            r.budget.saturating_sub(r.committed),
            w.budget.saturating_sub(w.committed),
            h.budgets.remaining(&h.committed, r.phase),
            m.budgets.remaining(&m.committed, r.phase),
        ]
        .into_iter()
        .min()
        .unwrap_or(0);
        if remaining == 0 {
            events.push(paused("budget_exhausted"));
            break;
        }
        let units = ration(seed, r.id, r.permits, params, r.phase).min(remaining);
        let (_, _, lifetime_ms) = params.for_phase(r.phase);
        let otk_id = count(o).await?.saturating_add(1);
        h.seq = h.seq.saturating_add(1);
        let p = OtkPermit {
            otk_id,
            run: r.id,
            stage: r.stage,
            workload: w.id,
            model: m.id,
            hardware: h.id,
            device: h.device_key.clone(),
            phase: r.phase,
            ration: units,
            not_before_ms: ctx.time_ms,
            expiry_ms: ctx.time_ms.saturating_add(lifetime_ms),
            seq: h.seq,
            status: PermitStatus::Issued,
            used: 0,
            issued_height: ctx.height,
        };
        r.committed = r.committed.saturating_add(units);
        r.permits = r.permits.saturating_add(1);
        let mut outstanding = r.outstanding.as_slice().to_vec();
        outstanding.push(otk_id);
        r.outstanding = BoundedVec::truncating(outstanding);
        w.committed = w.committed.saturating_add(units);
        let c = h.committed.get_mut(r.phase);
        *c = c.saturating_add(units);
        let c = m.committed.get_mut(r.phase);
        *c = c.saturating_add(units);
        workloads::put_run(o, &r);
        workloads::put_workload(o, &w);
        hardware::put(o, &h);
        models::put(o, &m);
        o.put_typed(keys::permit(otk_id), &p);
        o.put_typed(keys::count(), &otk_id);
        o.put_typed(keys::device_seq(&h.device_key, h.seq), &otk_id);
        events.push(Event::OtkIssued(p));
    }
    Ok(())
}
