//! The model registry, minimal lifecycle: registration, the Review vote that approves a model
//! with a tier and per-phase budgets, training, and the output of a completed run registered as
//! a new Pending model with its compute provenance. Certification (templates, the safety
//! standard, audits) comes later; [ModelStatus] already has its statuses.
//!
//! - **Entities**: [Model] (owner lab, name, purpose, scope, phase, parent, container ID,
//!   documentation digest, planned training compute, tier, budgets and what is committed
//!   against them, status, provenance); the container-ID index (one model per container ID,
//!   provable present or absent).
//! - **Statuses**: `Pending` → `Approved` (`approve_model`, Review) → `Training` (its first
//!   training run starts) ; `Revoked` (`revoke_model`, Emergency; final: its running runs are
//!   halted and their outstanding permits revoked in the same block).
//! - **Calls**: `model.register` (Active personnel of the owner lab; the sender pays). With a
//!   provenance, the run must be a Completed run of the parent model.
//! - **Events**: `ModelRegistered`, `ModelApproved`, `ModelStatusChanged`.
//!
//! [Model]: aigov_types::model::Model
//! [ModelStatus]: aigov_types::model::ModelStatus

mod error;
pub mod keys;

pub use error::ModelError;

use crate::app::TxCtx;
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use crate::{hardware, personnel, workloads};
use aigov_types::codec::BoundedString;
use aigov_types::event::{Event, ModelApproved, ModelStatusChanged};
use aigov_types::model::{ApproveModel, Model, ModelStatus, RegisterModel, RevokeModel};
use aigov_types::personnel::{OrganisationKind, TIER_MAX};
use aigov_types::workload::{HaltReason, RunStatus};
use aigov_types::{Hash, PublicKey, Slug};

/// Model `id`.
pub async fn model(s: &impl StateRead, id: u64) -> Result<Option<Model>, StoreError> {
    get_typed(s, &keys::model(id)).await
}

/// The id of the model with container ID `container`.
pub async fn by_container(s: &impl StateRead, container: &Hash) -> Result<Option<u64>, StoreError> {
    get_typed(s, &keys::container(container)).await
}

/// Number of models (ids run from 1).
pub async fn count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::count()).await?.unwrap_or(0))
}

/// A page of models in id order (`offset` 0 is id 1), and the total.
pub async fn page(
    s: &impl StateRead,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Model>, u64), StoreError> {
    let total = count(s).await?;
    let out = crate::store::page_by_id(s, total, offset, limit, keys::model).await?;
    Ok((out, total))
}

/// Model `id`, or [ModelError::UnknownModel].
pub(crate) async fn get(s: &impl StateRead, id: u64) -> Result<Model, CallError> {
    model(s, id)
        .await?
        .ok_or_else(|| ModelError::UnknownModel(id).into())
}

/// Writes a model (for the OTK issuer's budget bookkeeping).
pub(crate) fn put<S: StateRead>(o: &mut Overlay<'_, S>, m: &Model) {
    o.put_typed(keys::model(m.id), m);
}

/// Checks that `who` is Active personnel of `org` at `now`.
pub(crate) async fn check_owner_personnel(
    s: &impl StateRead,
    who: &PublicKey,
    org: &Slug,
    now: u64,
) -> Result<(), CallError> {
    let ok = hardware::active_person(s, who, now)
        .await?
        .is_some_and(|p| p.organisation.as_ref() == Some(org));
    if !ok {
        return Err(ModelError::NotOwnerPersonnel(org.clone()).into());
    }
    Ok(())
}

/// `model.register`.
pub(crate) async fn register<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &RegisterModel,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let org = personnel::queries::organisation(o, &call.owner)
        .await?
        .ok_or_else(|| ModelError::UnknownOrganisation(call.owner.clone()))?;
    if org.kind != OrganisationKind::Lab {
        return Err(ModelError::NotLab(call.owner.clone()).into());
    }
    check_owner_personnel(o, sender, &call.owner, now).await?;
    if call.name.as_str().trim().is_empty() {
        return Err(ModelError::EmptyName.into());
    }
    if call.purpose.as_str().trim().is_empty() {
        return Err(ModelError::EmptyPurpose.into());
    }
    if let Some(id) = by_container(o, &call.container_id).await? {
        return Err(ModelError::DuplicateContainer(id).into());
    }
    if let Some(parent) = call.parent {
        let p = get(o, parent).await?;
        if p.owner != call.owner {
            return Err(ModelError::ParentNotOwned(parent).into());
        }
    }
    if let Some(prov) = &call.provenance {
        let parent = call.parent.ok_or(ModelError::InvalidProvenance(
            "a run's output names its parent model",
        ))?;
        let run = workloads::run(o, prov.run)
            .await?
            .ok_or(ModelError::InvalidProvenance("the run does not exist"))?;
        if run.model != parent {
            return Err(ModelError::InvalidProvenance("the run trained another model").into());
        }
        if run.status != RunStatus::Completed {
            return Err(ModelError::InvalidProvenance("the run has not completed").into());
        }
    }
    let m = Model {
        id: 0,
        owner: call.owner.clone(),
        name: call.name.clone(),
        purpose: call.purpose.clone(),
        scope: call.scope,
        phase: call.phase,
        parent: call.parent,
        container_id: call.container_id,
        documentation: call.documentation,
        planned_training_compute: call.planned_training_compute,
        tier: None,
        budgets: Default::default(),
        committed: Default::default(),
        status: ModelStatus::Pending,
        provenance: call.provenance,
        registered_by: sender.clone(),
        registered_height: cx.block.height,
    };
    insert(o, &mut cx.events, m).await?;
    Ok(())
}

/// Stores a new model under the next id (its `id` field is overwritten), indexes its container
/// ID and emits `ModelRegistered`; returns the id. The caller has checked it.
pub(crate) async fn insert<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    mut m: Model,
) -> Result<u64, StoreError> {
    let id = count(o).await?.saturating_add(1);
    m.id = id;
    put(o, &m);
    o.put_typed(keys::count(), &id);
    o.put_typed(keys::container(&m.container_id), &id);
    events.push(Event::ModelRegistered(m));
    Ok(id)
}

/// Moves `m` to `to`, emitting the event (the caller writes `m`).
pub(crate) fn set_status(m: &mut Model, events: &mut Vec<Event>, to: ModelStatus, why: &str) {
    let from = m.status;
    if from == to {
        return;
    }
    m.status = to;
    events.push(Event::ModelStatusChanged(ModelStatusChanged {
        model: m.id,
        from,
        to,
        reason: BoundedString::new(why.chars().take(128).collect::<String>()).unwrap_or_default(),
    }));
}

/// Checks `approve_model`; returns the model.
pub(crate) async fn check_approve(
    s: &impl StateRead,
    a: &ApproveModel,
) -> Result<Model, CallError> {
    let m = get(s, a.model).await?;
    if m.status != ModelStatus::Pending {
        return Err(ModelError::InvalidStatus {
            model: m.id,
            status: m.status,
            action: "approve_model",
            expected: "Pending",
        }
        .into());
    }
    if a.tier == 0 || a.tier > TIER_MAX {
        return Err(ModelError::InvalidTier(a.tier).into());
    }
    if a.budgets == Default::default() {
        return Err(ModelError::ZeroBudget.into());
    }
    Ok(m)
}

/// Action `approve_model`.
pub(crate) async fn approve<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &ApproveModel,
) -> Result<(), CallError> {
    let mut m = check_approve(o, a).await?;
    m.tier = Some(a.tier);
    m.budgets = a.budgets;
    set_status(&mut m, events, ModelStatus::Approved, "approved");
    events.push(Event::ModelApproved(ModelApproved {
        model: m.id,
        tier: a.tier,
        budgets: a.budgets,
    }));
    put(o, &m);
    Ok(())
}

/// Checks `revoke_model`; returns the model.
pub(crate) async fn check_revoke(s: &impl StateRead, a: &RevokeModel) -> Result<Model, CallError> {
    let m = get(s, a.model).await?;
    if m.status == ModelStatus::Revoked {
        return Err(ModelError::InvalidStatus {
            model: m.id,
            status: m.status,
            action: "revoke_model",
            expected: "any status but Revoked",
        }
        .into());
    }
    Ok(m)
}

/// Action `revoke_model`: final; its running runs are halted in the same block.
pub(crate) async fn revoke<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &RevokeModel,
) -> Result<(), CallError> {
    let mut m = check_revoke(o, a).await?;
    let why = if a.reason.as_str().is_empty() {
        "revoked"
    } else {
        a.reason.as_str()
    };
    set_status(&mut m, events, ModelStatus::Revoked, why);
    put(o, &m);
    for run in workloads::runs_of_model(o, m.id).await? {
        workloads::halt(o, events, run, HaltReason::ModelRevoked).await?;
    }
    Ok(())
}

/// The organisation whose personnel are recused from a vote on model `id`.
pub(crate) async fn owner_of(s: &impl StateRead, id: u64) -> Result<Option<Slug>, StoreError> {
    Ok(model(s, id).await?.map(|m| m.owner))
}
