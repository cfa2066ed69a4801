//! Workloads, runs and stages: the compute a model's owner asks for.
//!
//! - **Entities**: [Workload] (model, declared phase, total budget, what is committed), [Run]
//!   (workload, hardware, budget, stages, current stage, status, outstanding permits), the list
//!   of each model's runs (so that revoking a model halts them in the same block).
//! - **Calls**: `workload.create` and `workload.start_run`, by Active personnel of the model's
//!   owner (the sender pays). A training workload needs an Approved (or Training) model, an
//!   inference workload a Certified one; a run needs Active hardware with a free run slot. The
//!   first training run moves the model to `Training`. A started run is queued for the drip.
//! - **Actions**: `halt_run` (Emergency): Running → Halted, outstanding permits revoked.
//! - A run completes when its device reports its last stage done ([crate::otk]).
//! - **Events**: `WorkloadCreated`, `RunStarted`, `RunHalted` (and the OTK events).
//!
//! [Workload]: aigov_types::workload::Workload
//! [Run]: aigov_types::workload::Run

mod error;
pub mod keys;

pub use error::WorkloadError;

use crate::app::TxCtx;
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use crate::{hardware, models, otk};
use aigov_types::PublicKey;
use aigov_types::codec::BoundedVec;
use aigov_types::event::{Event, RunHalted};
use aigov_types::hardware::{HardwareStatus, RUNS_PER_HARDWARE_MAX};
use aigov_types::model::{Model, ModelStatus};
use aigov_types::workload::{
    CreateWorkload, HaltReason, HaltRun, Run, RunStatus, STAGES_MAX, StartRun, Workload,
};

/// Workload `id`.
pub async fn workload(s: &impl StateRead, id: u64) -> Result<Option<Workload>, StoreError> {
    get_typed(s, &keys::workload(id)).await
}

/// Number of workloads (ids run from 1).
pub async fn count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::count()).await?.unwrap_or(0))
}

/// Run `id`.
pub async fn run(s: &impl StateRead, id: u64) -> Result<Option<Run>, StoreError> {
    get_typed(s, &keys::run(id)).await
}

/// Number of runs (ids run from 1).
pub async fn run_count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::run_count()).await?.unwrap_or(0))
}

/// The runs of model `model`, in start order.
pub async fn runs_of_model(s: &impl StateRead, model: u64) -> Result<Vec<u64>, StoreError> {
    let n = get_typed::<u64>(s, &keys::model_run_count(model))
        .await?
        .unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..n {
        out.extend(get_typed::<u64>(s, &keys::model_run_at(model, i)).await?);
    }
    Ok(out)
}

/// Workload `id`, or [WorkloadError::UnknownWorkload].
pub(crate) async fn get_workload(s: &impl StateRead, id: u64) -> Result<Workload, CallError> {
    workload(s, id)
        .await?
        .ok_or_else(|| WorkloadError::UnknownWorkload(id).into())
}

/// Run `id`, or [WorkloadError::UnknownRun].
pub(crate) async fn get_run(s: &impl StateRead, id: u64) -> Result<Run, CallError> {
    run(s, id)
        .await?
        .ok_or_else(|| WorkloadError::UnknownRun(id).into())
}

/// Writes a workload (for the OTK issuer's budget bookkeeping).
pub(crate) fn put_workload<S: StateRead>(o: &mut Overlay<'_, S>, w: &Workload) {
    o.put_typed(keys::workload(w.id), w);
}

/// Writes a run.
pub(crate) fn put_run<S: StateRead>(o: &mut Overlay<'_, S>, r: &Run) {
    o.put_typed(keys::run(r.id), r);
}

/// True if `model` may receive compute of the workload's `phase`: training needs Approved or
/// Training, inference needs Certified.
pub(crate) fn model_ready(model: &Model, phase: aigov_types::model::Phase) -> bool {
    if phase.is_training() {
        model.status.may_train()
    } else {
        model.status == ModelStatus::Certified
    }
}

/// `workload.create`.
pub(crate) async fn create<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &CreateWorkload,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let m = models::get(o, call.model).await?;
    models::check_owner_personnel(o, sender, &m.owner, now).await?;
    if call.budget == 0 {
        return Err(WorkloadError::ZeroBudget.into());
    }
    if !model_ready(&m, call.phase) {
        return Err(WorkloadError::ModelNotReady {
            model: m.id,
            status: m.status,
            phase: call.phase,
        }
        .into());
    }
    let id = count(o).await?.saturating_add(1);
    let w = Workload {
        id,
        model: m.id,
        owner: m.owner.clone(),
        phase: call.phase,
        budget: call.budget,
        committed: 0,
        runs: 0,
        created_by: sender.clone(),
        created_height: cx.block.height,
    };
    put_workload(o, &w);
    o.put_typed(keys::count(), &id);
    cx.events.push(Event::WorkloadCreated(w));
    Ok(())
}

/// `workload.start_run`.
pub(crate) async fn start_run<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &StartRun,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let mut w = get_workload(o, call.workload).await?;
    models::check_owner_personnel(o, sender, &w.owner, now).await?;
    if call.budget == 0 {
        return Err(WorkloadError::ZeroBudget.into());
    }
    if call.stages == 0 || call.stages > STAGES_MAX {
        return Err(WorkloadError::InvalidStages(call.stages).into());
    }
    let mut m = models::get(o, w.model).await?;
    if !model_ready(&m, w.phase) {
        return Err(WorkloadError::ModelNotReady {
            model: m.id,
            status: m.status,
            phase: w.phase,
        }
        .into());
    }
    if w.phase.is_training() {
        let missing = crate::certify::pending_safeguards(o, &m).await?;
        if !missing.is_empty() {
            return Err(WorkloadError::PreSafetyPending {
                model: m.id,
                missing,
            }
            .into());
        }
    }
    let mut h = hardware::get(o, call.hardware).await?;
    if h.status != HardwareStatus::Active {
        return Err(WorkloadError::HardwareNotActive {
            hardware: h.id,
            status: h.status,
        }
        .into());
    }
    if h.runs.len() >= RUNS_PER_HARDWARE_MAX {
        return Err(WorkloadError::HardwareBusy(h.id).into());
    }
    let id = run_count(o).await?.saturating_add(1);
    let r = Run {
        id,
        workload: w.id,
        model: m.id,
        hardware: h.id,
        phase: w.phase,
        budget: call.budget,
        committed: 0,
        used: 0,
        stages: call.stages,
        stage: 0,
        status: RunStatus::Running,
        halt: None,
        outstanding: BoundedVec::default(),
        permits: 0,
        started_by: sender.clone(),
        started_height: cx.block.height,
    };
    let mut runs = h.runs.as_slice().to_vec();
    runs.push(id);
    h.runs = BoundedVec::truncating(runs);
    hardware::put(o, &h);
    w.runs = w.runs.saturating_add(1);
    put_workload(o, &w);
    if w.phase.is_training() && m.status == ModelStatus::Approved {
        models::set_status(
            &mut m,
            &mut cx.events,
            ModelStatus::Training,
            "training_started",
        );
        models::put(o, &m);
    }
    let n = get_typed::<u64>(o, &keys::model_run_count(m.id))
        .await?
        .unwrap_or(0);
    o.put_typed(keys::model_run_at(m.id, n), &id);
    o.put_typed(keys::model_run_count(m.id), &(n + 1));
    put_run(o, &r);
    o.put_typed(keys::run_count(), &id);
    otk::wake(o, id).await?;
    cx.events.push(Event::RunStarted(r));
    Ok(())
}

/// Takes run `r` off its hardware's run list (it no longer needs a slot).
pub(crate) async fn detach<S: StateRead>(o: &mut Overlay<'_, S>, r: &Run) -> Result<(), CallError> {
    if let Some(mut h) = hardware::hardware(o, r.hardware).await? {
        let runs: Vec<u64> = h.runs.iter().copied().filter(|x| *x != r.id).collect();
        h.runs = BoundedVec::truncating(runs);
        hardware::put(o, &h);
    }
    Ok(())
}

/// Halts run `id` if it is Running (revoking its outstanding permits); returns whether it was.
pub(crate) async fn halt<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    id: u64,
    reason: HaltReason,
) -> Result<bool, CallError> {
    let r = get_run(o, id).await?;
    if r.status != RunStatus::Running {
        return Ok(false);
    }
    otk::revoke_outstanding(o, events, id, "run_halted").await?;
    let mut r = get_run(o, id).await?;
    r.status = RunStatus::Halted;
    r.halt = Some(reason);
    put_run(o, &r);
    detach(o, &r).await?;
    events.push(Event::RunHalted(RunHalted { run: id, reason }));
    Ok(true)
}

/// Checks `halt_run`; returns the run.
pub(crate) async fn check_halt(s: &impl StateRead, a: &HaltRun) -> Result<Run, CallError> {
    let r = get_run(s, a.run).await?;
    if r.status != RunStatus::Running {
        return Err(WorkloadError::RunNotRunning {
            run: r.id,
            status: r.status,
        }
        .into());
    }
    Ok(r)
}

/// Action `halt_run`.
pub(crate) async fn halt_action<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &HaltRun,
) -> Result<(), CallError> {
    check_halt(o, a).await?;
    halt(o, events, a.run, a.reason).await.map(drop)
}
