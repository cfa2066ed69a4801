//! The hardware registry: datacenter accelerators bound to device keys, inspected, approved
//! with per-phase budgets, periodically re-inspected.
//!
//! - **Entities**: [Hardware] (operator, device key, accelerator, region, capabilities, status,
//!   budgets and what is committed against them, the device's last permit `seq`, its runs),
//!   [Inspection] records, the [ComputeParams] in force.
//! - **Statuses**: `Pending` → `Active` (`approve_hardware`, Review, after a passing inspection
//!   filed since the last status change) → `InspectionDue` (the periodic inspection fell due,
//!   or an inspection failed; a passing inspection makes it `Active` again) → `Revoked`
//!   (`revoke_hardware`, Review or Emergency) → `Pending` (a new inspection) → Review vote.
//! - **Calls**: `hardware.register` (Active personnel with the Hardware role of the operator
//!   datacenter; the device key's proof of possession), `hardware.inspect` (an Active Inspector
//!   files a record co-signed by other inspectors; none of them may belong to the operator; a
//!   duty paid by the pool).
//! - **End of block** ([end_block]): periodic inspections falling due, from a due-queue of
//!   one-minute buckets of block time (the hook walks buckets, never all hardware).
//! - Leaving `Active` revokes the outstanding permits of the hardware's runs in the same block;
//!   coming back wakes the runs for the drip ([crate::otk]).
//! - **Events**: `HardwareRegistered`, `InspectionFiled`, `HardwareStatusChanged`,
//!   `HardwareApproved`, `ComputeParamsChanged`.
//!
//! [Hardware]: aigov_types::hardware::Hardware
//! [Inspection]: aigov_types::hardware::Inspection
//! [ComputeParams]: aigov_types::hardware::ComputeParams

mod error;
pub mod keys;

pub use error::HardwareError;

use crate::app::{BlockContext, TxCtx};
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use crate::{chain, otk, personnel};
use aigov_types::codec::{BoundedString, BoundedVec};
use aigov_types::event::{Event, HardwareApproved, HardwareStatusChanged, InspectionFiled};
use aigov_types::hardware::{
    ApproveHardware, ComputeParams, DEVICE_POP_NAMESPACE, FileInspection, Hardware, HardwareStatus,
    INSPECTION_NAMESPACE, Inspection, InspectionResult, RegisterHardware, RevokeHardware,
    device_pop_message,
};
use aigov_types::personnel::{OrganisationKind, Personnel, PersonnelStatus, Role};
use aigov_types::{PublicKey, Slug};
use std::collections::BTreeSet;

pub use crate::due::DUE_BUCKET_MS;

/// The periodic-inspection due-queue's keys.
const DUE: crate::due::DueKeys = crate::due::DueKeys {
    count: keys::due_count,
    at: keys::due_at,
    cursor: keys::due_cursor,
    total: keys::due_total,
};

/// The compute parameters in force (defaults until a System vote sets them).
pub async fn params(s: &impl StateRead) -> Result<ComputeParams, StoreError> {
    Ok(get_typed::<ComputeParams>(s, &keys::params())
        .await?
        .unwrap_or_default())
}

/// Hardware `id`.
pub async fn hardware(s: &impl StateRead, id: u64) -> Result<Option<Hardware>, StoreError> {
    get_typed(s, &keys::hardware(id)).await
}

/// The id of the hardware bound to `device`.
pub async fn by_device(s: &impl StateRead, device: &PublicKey) -> Result<Option<u64>, StoreError> {
    get_typed(s, &keys::device(device)).await
}

/// Number of hardware entries (ids run from 1).
pub async fn count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::count()).await?.unwrap_or(0))
}

/// A page of hardware in id order (`offset` 0 is id 1), and the total.
pub async fn page(
    s: &impl StateRead,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Hardware>, u64), StoreError> {
    let total = count(s).await?;
    let out = crate::store::page_by_id(s, total, offset, limit, keys::hardware).await?;
    Ok((out, total))
}

/// Inspection `id`.
pub async fn inspection(s: &impl StateRead, id: u64) -> Result<Option<Inspection>, StoreError> {
    get_typed(s, &keys::inspection(id)).await
}

/// Number of inspections filed.
pub async fn inspection_count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::inspection_count())
        .await?
        .unwrap_or(0))
}

/// Hardware `id`, or [HardwareError::UnknownHardware].
pub(crate) async fn get(s: &impl StateRead, id: u64) -> Result<Hardware, CallError> {
    hardware(s, id)
        .await?
        .ok_or_else(|| HardwareError::UnknownHardware(id).into())
}

/// Writes a hardware entry (for the OTK issuer's budget and `seq` bookkeeping).
pub(crate) fn put<S: StateRead>(o: &mut Overlay<'_, S>, h: &Hardware) {
    o.put_typed(keys::hardware(h.id), h);
}

/// `who` if they are Active personnel whose term runs at `now`.
pub(crate) async fn active_person(
    s: &impl StateRead,
    who: &PublicKey,
    now: u64,
) -> Result<Option<Personnel>, StoreError> {
    Ok(personnel::queries::personnel(s, who)
        .await?
        .filter(|p| p.status == PersonnelStatus::Active && p.term_expires_ms > now))
}

/// `hardware.register`.
pub(crate) async fn register<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &RegisterHardware,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let org = personnel::queries::organisation(o, &call.operator)
        .await?
        .ok_or_else(|| HardwareError::UnknownOrganisation(call.operator.clone()))?;
    if org.kind != OrganisationKind::Datacenter {
        return Err(HardwareError::NotDatacenter(call.operator.clone()).into());
    }
    let ok = active_person(o, sender, now).await?.is_some_and(|p| {
        p.organisation.as_ref() == Some(&call.operator) && p.roles.contains(Role::Hardware)
    });
    if !ok {
        return Err(HardwareError::NotOperatorPersonnel(call.operator.clone()).into());
    }
    if call.region.as_str().trim().is_empty() {
        return Err(HardwareError::EmptyRegion.into());
    }
    if let Some(id) = by_device(o, &call.device_key).await? {
        return Err(HardwareError::DeviceKeyTaken(id).into());
    }
    let genesis = chain::genesis_hash(o).await?.unwrap_or_default();
    let msg = device_pop_message(&genesis, &call.operator, &call.device_key);
    if !call
        .device_key
        .verify(DEVICE_POP_NAMESPACE, &msg.0, &call.proof)
    {
        return Err(HardwareError::InvalidDeviceProof.into());
    }
    let id = count(o).await?.saturating_add(1);
    let h = Hardware {
        id,
        operator: call.operator.clone(),
        device_key: call.device_key.clone(),
        accelerator: call.accelerator,
        region: call.region.clone(),
        capabilities: call.capabilities.clone(),
        status: HardwareStatus::Pending,
        budgets: Default::default(),
        committed: Default::default(),
        last_inspection: None,
        last_pass_ms: 0,
        inspection_due_ms: 0,
        status_height: cx.block.height,
        seq: 0,
        runs: BoundedVec::default(),
        registered_by: sender.clone(),
        registered_height: cx.block.height,
        template: 0,
        challenge: 0,
        integrity_failures: 0,
    };
    put(o, &h);
    o.put_typed(keys::count(), &id);
    o.put_typed(keys::device(&h.device_key), &id);
    cx.events.push(Event::HardwareRegistered(h));
    Ok(())
}

fn reason(s: &str) -> BoundedString<128> {
    BoundedString::new(s.chars().take(128).collect::<String>()).unwrap_or_default()
}

/// Moves `h` to `to` (emitting the event); leaving `Active` revokes its runs' outstanding
/// permits, (re)entering it wakes its runs for the drip.
pub(crate) async fn set_status<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    h: &mut Hardware,
    to: HardwareStatus,
    why: &str,
    height: u64,
) -> Result<(), StoreError> {
    let from = h.status;
    if from == to {
        return Ok(());
    }
    h.status = to;
    h.status_height = height;
    events.push(Event::HardwareStatusChanged(HardwareStatusChanged {
        hardware: h.id,
        from,
        to,
        reason: reason(why),
    }));
    // The runs' writes go through the OTK issuer; `h` is written by the caller afterwards, so
    // it must not be read back in between.
    for run in h.runs.iter().copied() {
        if to == HardwareStatus::Active {
            otk::wake(o, run).await?;
        } else if from == HardwareStatus::Active {
            otk::revoke_outstanding(o, events, run, "hardware_not_active").await?;
        }
    }
    Ok(())
}

/// Puts hardware `id`'s periodic inspection into the due-queue.
async fn schedule<S: StateRead>(
    o: &mut Overlay<'_, S>,
    id: u64,
    due_ms: u64,
    now_ms: u64,
) -> Result<(), StoreError> {
    crate::due::schedule(o, &DUE, id, due_ms, now_ms).await
}

/// `hardware.inspect`.
pub(crate) async fn inspect<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &FileInspection,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let height = cx.block.height;
    let o = &mut cx.overlay;
    let r = &call.report;
    let mut h = get(o, r.hardware).await?;
    for m in r.members_present.iter() {
        if personnel::queries::member(o, m).await?.is_none() {
            return Err(HardwareError::UnknownMember(m.clone()).into());
        }
    }
    let genesis = chain::genesis_hash(o).await?.unwrap_or_default();
    let digest = r.digest(&genesis);
    if let Some(id) = get_typed::<u64>(o, &keys::inspection_digest(&digest)).await? {
        return Err(HardwareError::DuplicateInspection(id).into());
    }
    // The sender vouches by signing the transaction; every co-signer by signing the digest.
    let mut inspectors = vec![sender.clone()];
    for c in call.cosigners.iter() {
        if !c
            .inspector
            .verify(INSPECTION_NAMESPACE, &digest.0, &c.signature)
        {
            return Err(HardwareError::InvalidCosignature(c.inspector.clone()).into());
        }
        inspectors.push(c.inspector.clone());
    }
    let mut seen = BTreeSet::new();
    let mut members = BTreeSet::new();
    for who in &inspectors {
        if !seen.insert(who.clone()) {
            return Err(HardwareError::DuplicateInspector(who.clone()).into());
        }
        let p = active_person(o, who, now)
            .await?
            .filter(|p| p.roles.contains(Role::Inspector))
            .ok_or_else(|| HardwareError::NotInspector(who.clone()))?;
        if p.organisation.as_ref() == Some(&h.operator) {
            return Err(HardwareError::InspectorConflict(who.clone()).into());
        }
        members.insert(p.member);
    }
    let id = inspection_count(o).await?.saturating_add(1);
    let record = Inspection {
        id,
        digest,
        report: r.clone(),
        inspectors: BoundedVec::truncating(inspectors),
        inspector_members: BoundedVec::truncating(members.into_iter().collect()),
        filed_height: height,
        filed_ms: now,
    };
    o.put_typed(keys::inspection(id), &record);
    o.put_typed(keys::inspection_count(), &id);
    o.put_typed(keys::inspection_digest(&digest), &id);
    cx.events.push(Event::InspectionFiled(InspectionFiled {
        inspection: id,
        hardware: h.id,
        digest,
        result: r.result,
        inspectors: record.inspectors.len() as u16,
        members: record.inspector_members.len() as u16,
    }));
    h.last_inspection = Some(id);
    let p = params(o).await?;
    match r.result {
        InspectionResult::Pass => {
            h.last_pass_ms = now;
            let enough = record.inspector_members.len() >= usize::from(p.min_inspector_members);
            match h.status {
                HardwareStatus::Active | HardwareStatus::InspectionDue if enough => {
                    h.inspection_due_ms = now.saturating_add(p.inspection_interval_ms);
                    schedule(o, h.id, h.inspection_due_ms, now).await?;
                    set_status(
                        o,
                        &mut cx.events,
                        &mut h,
                        HardwareStatus::Active,
                        "reinspected",
                        height,
                    )
                    .await?;
                }
                HardwareStatus::Revoked => {
                    set_status(
                        o,
                        &mut cx.events,
                        &mut h,
                        HardwareStatus::Pending,
                        "reinspected",
                        height,
                    )
                    .await?;
                }
                _ => {}
            }
        }
        InspectionResult::Fail => {
            if h.status == HardwareStatus::Active {
                set_status(
                    o,
                    &mut cx.events,
                    &mut h,
                    HardwareStatus::InspectionDue,
                    "inspection_failed",
                    height,
                )
                .await?;
            }
        }
    }
    put(o, &h);
    Ok(())
}

/// Checks `approve_hardware` (when proposing and again at execution); returns the hardware.
pub(crate) async fn check_approve(
    s: &impl StateRead,
    a: &ApproveHardware,
) -> Result<Hardware, CallError> {
    let h = get(s, a.hardware).await?;
    if !matches!(
        h.status,
        HardwareStatus::Pending | HardwareStatus::Suspended | HardwareStatus::Active
    ) {
        return Err(HardwareError::InvalidStatus {
            hardware: h.id,
            status: h.status,
            action: "approve_hardware",
            expected: "Pending, Suspended or Active",
        }
        .into());
    }
    if a.budgets == Default::default() {
        return Err(HardwareError::ZeroBudget.into());
    }
    if a.template != 0 {
        let t = crate::templates::approved(
            s,
            a.template,
            &[aigov_types::template::TemplateKind::Hardware],
            "an Approved Hardware template",
            "approve_hardware",
        )
        .await?;
        if t.reference.is_none() {
            return Err(HardwareError::NoReferenceValues(t.id).into());
        }
    }
    Ok(h)
}

/// Action `approve_hardware`: needs a passing inspection filed since the last status change,
/// by inspectors of enough members. Suspended hardware (an integrity failure) is reinstated
/// without one. Either way it is armed for integrity challenges if bound to a template.
/// Active hardware keeps its standing and gets the new budgets and, if given, template (new
/// firmware, a new physical policy): the new template applies from its next challenge.
pub(crate) async fn approve<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &ApproveHardware,
    ctx: BlockContext,
) -> Result<(), CallError> {
    let mut h = check_approve(o, a).await?;
    let was_bound = h.template != 0;
    if a.template != 0 {
        h.template = a.template;
    }
    if h.status == HardwareStatus::Active {
        h.budgets = a.budgets;
        events.push(Event::HardwareApproved(HardwareApproved {
            hardware: h.id,
            budgets: h.budgets,
            inspection_due_ms: h.inspection_due_ms,
        }));
        put(o, &h);
        // Bound for the first time: arm it. Bound before: it is armed, waiting to be re-armed
        // or challenged already, and keeps its place.
        if !was_bound && h.template != 0 {
            crate::integrity::arm(o, h.id).await?;
        }
        return Ok(());
    }
    // Suspended hardware failed an integrity challenge, not its physical inspection: the
    // vote reinstates it as it stands. Pending hardware needs a passing inspection since its
    // last status change, and starts a new periodic-inspection cycle and failure count.
    let why = if h.status == HardwareStatus::Suspended {
        "reinstated"
    } else {
        let insp = match h.last_inspection {
            Some(id) => inspection(o, id).await?,
            None => None,
        }
        .filter(|i| i.report.result == InspectionResult::Pass && i.filed_height >= h.status_height)
        .ok_or(HardwareError::NoPassingInspection(h.id))?;
        let p = params(o).await?;
        let have = insp.inspector_members.len() as u16;
        let need = u16::from(p.min_inspector_members);
        if have < need {
            return Err(HardwareError::TooFewInspectorMembers { have, need }.into());
        }
        h.integrity_failures = 0;
        h.inspection_due_ms = insp
            .filed_ms
            .saturating_add(p.inspection_interval_ms)
            .max(ctx.time_ms);
        schedule(o, h.id, h.inspection_due_ms, ctx.time_ms).await?;
        "approved"
    };
    h.budgets = a.budgets;
    set_status(o, events, &mut h, HardwareStatus::Active, why, ctx.height).await?;
    events.push(Event::HardwareApproved(HardwareApproved {
        hardware: h.id,
        budgets: h.budgets,
        inspection_due_ms: h.inspection_due_ms,
    }));
    put(o, &h);
    if h.template != 0 {
        crate::integrity::arm(o, h.id).await?;
    }
    Ok(())
}

/// Checks `revoke_hardware`; returns the hardware.
pub(crate) async fn check_revoke(
    s: &impl StateRead,
    a: &RevokeHardware,
) -> Result<Hardware, CallError> {
    let h = get(s, a.hardware).await?;
    if h.status == HardwareStatus::Revoked {
        return Err(HardwareError::InvalidStatus {
            hardware: h.id,
            status: h.status,
            action: "revoke_hardware",
            expected: "any status but Revoked",
        }
        .into());
    }
    Ok(h)
}

/// Action `revoke_hardware`.
pub(crate) async fn revoke<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &RevokeHardware,
    height: u64,
) -> Result<(), CallError> {
    let mut h = check_revoke(o, a).await?;
    let why = if a.reason.as_str().is_empty() {
        "revoked"
    } else {
        a.reason.as_str()
    };
    set_status(o, events, &mut h, HardwareStatus::Revoked, why, height).await?;
    put(o, &h);
    Ok(())
}

/// Action `set_compute_params`.
#[allow(clippy::result_large_err)] // errors carry keys, as everywhere; runs once per action
pub(crate) fn set_params<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    p: &ComputeParams,
) -> Result<(), CallError> {
    p.validate().map_err(HardwareError::from)?;
    o.put_typed(keys::params(), p);
    events.push(Event::ComputeParamsChanged(p.clone()));
    Ok(())
}

/// The organisation whose personnel are recused from a vote on hardware `id`.
pub(crate) async fn operator_of(s: &impl StateRead, id: u64) -> Result<Option<Slug>, StoreError> {
    Ok(hardware(s, id).await?.map(|h| h.operator))
}

/// End of block: flags Active hardware whose periodic inspection fell due (`InspectionDue`,
/// its runs' outstanding permits revoked), from the due-queue; stale entries (the hardware was
/// re-inspected since) are skipped.
pub(crate) async fn end_block<S: StateRead>(
    o: &mut Overlay<'_, S>,
    ctx: BlockContext,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    for id in crate::due::pop_due(o, &DUE, ctx.time_ms).await? {
        let Some(mut h) = hardware(o, id).await? else {
            continue;
        };
        if h.status == HardwareStatus::Active && h.inspection_due_ms <= ctx.time_ms {
            set_status(
                o,
                events,
                &mut h,
                HardwareStatus::InspectionDue,
                "inspection_due",
                ctx.height,
            )
            .await?;
            put(o, &h);
        }
    }
    Ok(())
}
