//! The safety standard: versioned sets of required safeguard and audit templates, one rule per
//! (model-architecture template, tier, scope).
//!
//! - **Entities**: [StandardVersion] (version from 1, rules, reject severity, the proposal that
//!   set it); the version in force.
//! - **Actions**: `set_standard` (Safety): every template a rule names must be Approved and of
//!   the right kind (architecture, safeguard, audit), tiers in range, one rule per (architecture,
//!   tier, scope), at least one audit per rule, reject severity 1..=4. The new version takes
//!   effect at once; every Certified model whose required set changed becomes `RenewalDue`
//!   (one `RenewalDue` event each; the work is bounded by the certified list, see
//!   [crate::certify::MAX_CERTIFIED]).
//! - **Events**: `StandardSet`, then `RenewalDue` and `ModelStatusChanged` per affected model.
//!
//! [StandardVersion]: aigov_types::template::StandardVersion

mod error;
pub mod keys;

pub use error::StandardError;

use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use crate::{certify, templates};
use aigov_types::event::Event;
use aigov_types::personnel::TIER_MAX;
use aigov_types::template::{SEVERITY_MAX, SetStandard, StandardVersion, TemplateKind};
use std::collections::BTreeSet;

/// The version in force (0: none yet).
pub async fn current_version(s: &impl StateRead) -> Result<u32, StoreError> {
    Ok(get_typed::<u32>(s, &keys::current()).await?.unwrap_or(0))
}

/// Version `v`.
pub async fn version(s: &impl StateRead, v: u32) -> Result<Option<StandardVersion>, StoreError> {
    get_typed(s, &keys::version(v)).await
}

/// The version in force, if any.
pub async fn current(s: &impl StateRead) -> Result<Option<StandardVersion>, StoreError> {
    match current_version(s).await? {
        0 => Ok(None),
        v => version(s, v).await,
    }
}

/// True when the version in force requires template `id` (or selects by it).
pub(crate) async fn requires(s: &impl StateRead, id: u64) -> Result<bool, StoreError> {
    Ok(current(s).await?.is_some_and(|v| {
        v.rules
            .iter()
            .any(|r| r.architecture == id || r.required().contains(&id))
    }))
}

/// Checks `set_standard`.
pub(crate) async fn check(s: &impl StateRead, a: &SetStandard) -> Result<(), CallError> {
    if a.reject_severity == 0 || a.reject_severity > SEVERITY_MAX {
        return Err(StandardError::InvalidSeverity(a.reject_severity).into());
    }
    let mut seen = BTreeSet::new();
    for (i, r) in a.rules.iter().enumerate() {
        if r.tier == 0 || r.tier > TIER_MAX {
            return Err(StandardError::InvalidTier {
                rule: i,
                tier: r.tier,
            }
            .into());
        }
        if !seen.insert((r.architecture, r.tier, r.scope as u8, r.purpose.clone())) {
            return Err(StandardError::DuplicateRule { rule: i }.into());
        }
        if r.audits.is_empty() && r.live_audits.is_empty() {
            return Err(StandardError::NoAudit { rule: i }.into());
        }
        templates::approved(
            s,
            r.architecture,
            &[TemplateKind::ModelArchitecture],
            "a model_architecture template",
            "set_standard",
        )
        .await?;
        for t in r.safeguards.iter() {
            templates::approved(
                s,
                *t,
                &[TemplateKind::Safeguard],
                "a safeguard template",
                "set_standard",
            )
            .await?;
        }
        for t in r.audits.iter().chain(r.live_audits.iter()) {
            templates::approved(
                s,
                *t,
                &[TemplateKind::Audit],
                "an audit template",
                "set_standard",
            )
            .await?;
        }
    }
    Ok(())
}

/// Action `set_standard`: a new version, then renewal of every certified model whose required
/// set changed.
pub(crate) async fn set<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &SetStandard,
    proposal: u64,
    height: u64,
) -> Result<(), CallError> {
    check(o, a).await?;
    let previous = current(o).await?;
    let v = StandardVersion {
        version: current_version(o).await?.saturating_add(1),
        rules: a.rules.clone(),
        reject_severity: a.reject_severity,
        proposal,
        height,
    };
    o.put_typed(keys::version(v.version), &v);
    o.put_typed(keys::current(), &v.version);
    events.push(Event::StandardSet(v.clone()));
    certify::on_new_standard(o, events, previous.as_ref(), &v).await
}
