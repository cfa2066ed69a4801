//! The template registry: policy as code.
//!
//! - **Entities**: [Template] (kind, name, spec digest of the off-chain document, Cedar policy
//!   text and its digest, red-line ids, status).
//! - **Statuses**: `Proposed` (`template.propose`) → `Approved` (`approve_template`, Safety;
//!   immutable afterwards) → `Retired` (`retire_template`, Safety; refused while the standard
//!   in force requires it). A Proposed template may also be retired (withdrawn).
//! - **Calls**: `template.propose` (Active Safety personnel; a duty). The policy is compiled
//!   with [aigov_policy::TemplatePolicy::compile] at once; invalid Cedar is refused with the
//!   engine's message (`invalid_policy`). State holds only the text and its digest; compiling
//!   again at evaluation time gives the same policy (Cedar is pinned).
//! - **Events**: `TemplateProposed`, `TemplateStatusChanged`.
//!
//! [Template]: aigov_types::template::Template

mod error;
pub mod keys;

pub use error::TemplateError;

use crate::app::TxCtx;
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use crate::{hardware, standard};
use aigov_policy::TemplatePolicy;
use aigov_types::codec::{BoundedString, BoundedVec};
use aigov_types::event::{Event, TemplateStatusChanged};
use aigov_types::personnel::Role;
use aigov_types::template::{ProposeTemplate, Template, TemplateKind, TemplateRef, TemplateStatus};
use aigov_types::{Hash, PublicKey};

/// Template `id`.
pub async fn template(s: &impl StateRead, id: u64) -> Result<Option<Template>, StoreError> {
    get_typed(s, &keys::template(id)).await
}

/// Number of templates (ids run from 1).
pub async fn count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::count()).await?.unwrap_or(0))
}

/// A page of templates in id order (`offset` 0 is id 1), and the total.
pub async fn page(
    s: &impl StateRead,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Template>, u64), StoreError> {
    let total = count(s).await?;
    let out = crate::store::page_by_id(s, total, offset, limit, keys::template).await?;
    Ok((out, total))
}

/// Template `id`, or [TemplateError::UnknownTemplate].
pub(crate) async fn get(s: &impl StateRead, id: u64) -> Result<Template, CallError> {
    template(s, id)
        .await?
        .ok_or_else(|| TemplateError::UnknownTemplate(id).into())
}

/// Template `id`, which must be Approved and of `kind` (`what` names the need in errors).
pub(crate) async fn approved(
    s: &impl StateRead,
    id: u64,
    kinds: &[TemplateKind],
    what: &'static str,
    action: &'static str,
) -> Result<Template, CallError> {
    let t = get(s, id).await?;
    if !kinds.contains(&t.kind) {
        return Err(TemplateError::WrongKind {
            template: id,
            kind: t.kind,
            expected: what,
        }
        .into());
    }
    if t.status != TemplateStatus::Approved {
        return Err(TemplateError::InvalidStatus {
            template: id,
            status: t.status,
            action,
            expected: "Approved",
        }
        .into());
    }
    Ok(t)
}

/// Compiles a stored template's policy. It compiled when proposed and Cedar is pinned, so a
/// failure here means a broken invariant; it is reported as `invalid_policy`, never a panic.
pub(crate) fn compile(t: &Template) -> Result<TemplatePolicy, TemplateError> {
    TemplatePolicy::compile(t.policy_text.as_str())
        .map_err(|e| TemplateError::InvalidPolicy(e.to_string()))
}

/// `template.propose`.
pub(crate) async fn propose<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &ProposeTemplate,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let safety = hardware::active_person(o, sender, now)
        .await?
        .is_some_and(|p| p.roles.contains(Role::Safety));
    if !safety {
        return Err(TemplateError::NotSafetyPersonnel.into());
    }
    if call.name.as_str().trim().is_empty() {
        return Err(TemplateError::EmptyName.into());
    }
    if let Some(r) = &call.reference {
        if call.kind != TemplateKind::Hardware {
            return Err(TemplateError::InvalidReference(format!(
                "only Hardware templates carry reference values, not {}",
                call.kind.name()
            ))
            .into());
        }
        r.validate().map_err(TemplateError::InvalidReference)?;
    }
    if let Some(p) = &call.physical {
        if call.kind != TemplateKind::Hardware {
            return Err(TemplateError::InvalidPhysical(format!(
                "only Hardware templates carry a physical policy, not {}",
                call.kind.name()
            ))
            .into());
        }
        p.validate().map_err(TemplateError::InvalidPhysical)?;
    }
    let policy = TemplatePolicy::compile(call.policy_text.as_str())
        .map_err(|e| TemplateError::InvalidPolicy(e.to_string()))?;
    let red_lines = policy
        .red_lines()
        .iter()
        .filter_map(|r| BoundedString::new(r.id.clone()))
        .collect();
    let id = count(o).await?.saturating_add(1);
    let t = Template {
        id,
        kind: call.kind,
        name: call.name.clone(),
        spec_digest: call.spec_digest,
        policy_text: call.policy_text.clone(),
        policy_digest: Hash(policy.digest()),
        red_lines: BoundedVec::truncating(red_lines),
        status: TemplateStatus::Proposed,
        proposed_by: sender.clone(),
        proposed_height: cx.block.height,
        approved_by: None,
        reference: call.reference.clone(),
        physical: call.physical.clone(),
    };
    o.put_typed(keys::template(id), &t);
    o.put_typed(keys::count(), &id);
    cx.events.push(Event::TemplateProposed(t));
    Ok(())
}

/// Checks `approve_template`.
pub(crate) async fn check_approve(
    s: &impl StateRead,
    a: &TemplateRef,
) -> Result<Template, CallError> {
    let t = get(s, a.template).await?;
    if t.status != TemplateStatus::Proposed {
        return Err(TemplateError::InvalidStatus {
            template: t.id,
            status: t.status,
            action: "approve_template",
            expected: "Proposed",
        }
        .into());
    }
    Ok(t)
}

/// Checks `retire_template`.
pub(crate) async fn check_retire(
    s: &impl StateRead,
    a: &TemplateRef,
) -> Result<Template, CallError> {
    let t = get(s, a.template).await?;
    if t.status == TemplateStatus::Retired {
        return Err(TemplateError::InvalidStatus {
            template: t.id,
            status: t.status,
            action: "retire_template",
            expected: "Proposed or Approved",
        }
        .into());
    }
    if standard::requires(s, t.id).await? {
        return Err(TemplateError::InStandard(t.id).into());
    }
    Ok(t)
}

fn set_status<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    mut t: Template,
    to: TemplateStatus,
    proposal: u64,
) {
    let from = t.status;
    t.status = to;
    if to == TemplateStatus::Approved {
        t.approved_by = Some(proposal);
    }
    o.put_typed(keys::template(t.id), &t);
    events.push(Event::TemplateStatusChanged(TemplateStatusChanged {
        template: t.id,
        from,
        to,
        proposal,
    }));
}

/// Action `approve_template`.
pub(crate) async fn approve<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &TemplateRef,
    proposal: u64,
) -> Result<(), CallError> {
    let t = check_approve(o, a).await?;
    set_status(o, events, t, TemplateStatus::Approved, proposal);
    Ok(())
}

/// Action `retire_template`.
pub(crate) async fn retire<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &TemplateRef,
    proposal: u64,
) -> Result<(), CallError> {
    let t = check_retire(o, a).await?;
    set_status(o, events, t, TemplateStatus::Retired, proposal);
    Ok(())
}
