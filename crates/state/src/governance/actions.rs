//! Proposal actions: the check made when proposing (the action suits the class and could run
//! on the current state) and the execution with the governance origin. Personnel actions go
//! through the personnel module's own setters, never its keys.

use super::{GovernanceError, keys, queries};
use crate::error::CallError;
use crate::store::{Overlay, StateRead, get_typed};
use crate::{
    certify, hardware, models, personnel, standard, templates, treasury, validators, whistle,
    workloads,
};
use aigov_types::event::{
    ClassParamsChanged, DisputeResolved, EmergencyRatified, Event, GovernanceParamsChanged,
    ProposalCanceledByVote,
};
use aigov_types::genesis::Params;
use aigov_types::governance::{Action, Dispute, Proposal, ProposalClass, ProposalStatus};
use aigov_types::personnel::PersonnelStatus;

/// Wraps a failure of action `index` as [GovernanceError::InvalidAction].
fn invalid(index: usize, action: &Action, e: CallError) -> CallError {
    match e {
        CallError::Store(s) => CallError::Store(s),
        CallError::Tx(t) => GovernanceError::InvalidAction {
            index: u16::try_from(index).unwrap_or(u16::MAX),
            action: action.name(),
            code: t.code(),
            message: t.to_string(),
        }
        .into(),
    }
}

/// Checks, when proposing, that action `index` suits `class` and could run on `s` now.
/// Execution checks again: state may change in between.
pub(crate) async fn check(
    s: &impl StateRead,
    class: ProposalClass,
    index: usize,
    action: &Action,
) -> Result<(), CallError> {
    if !action.classes().contains(&class) {
        return Err(GovernanceError::ActionNotAllowed {
            index: u16::try_from(index).unwrap_or(u16::MAX),
            action: action.name(),
            class: class.name(),
        }
        .into());
    }
    let result: Result<(), CallError> = match action {
        Action::ActivatePersonnel(t) => {
            personnel::check_status_change(s, &t.account, PersonnelStatus::Active)
                .await
                .map(drop)
        }
        Action::SuspendPersonnel(t) => {
            personnel::check_status_change(s, &t.account, PersonnelStatus::Suspended)
                .await
                .map(drop)
        }
        Action::RemovePersonnel(t) => {
            personnel::check_status_change(s, &t.account, PersonnelStatus::Removed)
                .await
                .map(drop)
        }
        Action::SetPersonnelTier(t) => personnel::check_tier_change(s, &t.account, t.tier)
            .await
            .map(drop),
        Action::RenewPersonnelTerm(t) => personnel::check_renewal(s, &t.account).await.map(drop),
        Action::SetClassParams(c) => c
            .params
            .validate(c.class)
            .map_err(|e| GovernanceError::from(e).into()),
        Action::SetGovernanceParams(p) => p.validate().map_err(|e| GovernanceError::from(e).into()),
        Action::SetEconomyParams(p) => p
            .validate()
            .map_err(|e| crate::gas::GasError::from(e).into()),
        Action::PayBounty(b) => treasury::check_bounty_action(s, b.bounty, Some(b.amount))
            .await
            .map(drop),
        Action::RejectBounty(b) => treasury::check_bounty_action(s, b.bounty, None)
            .await
            .map(drop),
        Action::AwardTreasury(a) => treasury::check_award(s, a).await,
        Action::CancelProposal(r) => {
            target(s, r.proposal, |p| {
                p.status
                    .is_live()
                    .then_some(())
                    .ok_or("only a live proposal may be canceled")
            })
            .await
        }
        Action::RatifyEmergency(r) => target(s, r.proposal, ratifiable).await,
        Action::SustainChallenge(r) => {
            target(s, r.proposal, |p| {
                (p.status == ProposalStatus::Disputed)
                    .then_some(())
                    .ok_or("only a disputed proposal's challenge may be sustained")
            })
            .await
        }
        Action::ApproveHardware(a) => hardware::check_approve(s, a).await.map(drop),
        Action::RevokeHardware(a) => hardware::check_revoke(s, a).await.map(drop),
        Action::ApproveModel(a) => models::check_approve(s, a).await.map(drop),
        Action::RevokeModel(a) => models::check_revoke(s, a).await.map(drop),
        Action::HaltRun(a) => workloads::check_halt(s, a).await.map(drop),
        Action::SetComputeParams(p) => p
            .validate()
            .map_err(|e| hardware::HardwareError::from(e).into()),
        Action::ReviewReport(r) => whistle::check_review(s, r).await.map(drop),
        Action::EscalateReport(r) => whistle::check_escalation(s, r.report).await,
        Action::SetWhistleblowerKey(_) => Ok(()),
        Action::OpenSelectionRound(a) => super::rounds::check_open(a),
        Action::ApproveTemplate(t) => templates::check_approve(s, t).await.map(drop),
        Action::RetireTemplate(t) => templates::check_retire(s, t).await.map(drop),
        Action::SetStandard(a) => standard::check(s, a).await,
        Action::AllowRetry(a) => certify::check_allow_retry(s, a).await,
        Action::SetValidators(a) => validators::check(s, a).await.map(drop),
    };
    result.map_err(|e| invalid(index, action, e))
}

/// Proposal `id` if `ok` accepts it, else [GovernanceError::WrongProposalState] (or
/// [GovernanceError::UnknownProposal]).
async fn target(
    s: &impl StateRead,
    id: u64,
    ok: impl FnOnce(&Proposal) -> Result<(), &'static str>,
) -> Result<(), CallError> {
    let p = queries::proposal(s, id)
        .await?
        .ok_or(GovernanceError::UnknownProposal(id))?;
    ok(&p).map_err(|why| {
        GovernanceError::WrongProposalState {
            proposal: id,
            status: p.status,
            why,
        }
        .into()
    })
}

/// An executed Emergency proposal still waiting for ratification.
fn ratifiable(p: &Proposal) -> Result<(), &'static str> {
    if p.class != ProposalClass::Emergency || p.status != ProposalStatus::Executed {
        return Err("only an executed emergency proposal may be ratified");
    }
    if p.lapses_ms == 0 {
        return Err("it has nothing that could lapse");
    }
    if p.ratified_by.is_some() {
        return Err("it is already ratified");
    }
    Ok(())
}

/// Where an action runs from: the executed proposal, at a block.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Origin {
    /// The proposal being executed.
    pub proposal: u64,
    /// The block's height.
    pub height: u64,
    /// The block's time.
    pub now_ms: u64,
}

/// Runs one action with the governance origin.
pub(crate) async fn run<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    action: &Action,
    origin: Origin,
    chain: &Params,
) -> Result<(), CallError> {
    let now = origin.now_ms;
    let by = treasury::Authority {
        proposal: origin.proposal,
        height: origin.height,
    };
    match action {
        Action::ActivatePersonnel(t) => {
            personnel::set_status(o, events, &t.account, PersonnelStatus::Active).await
        }
        Action::SuspendPersonnel(t) => {
            personnel::set_status(o, events, &t.account, PersonnelStatus::Suspended).await
        }
        Action::RemovePersonnel(t) => {
            personnel::set_status(o, events, &t.account, PersonnelStatus::Removed).await
        }
        Action::SetPersonnelTier(t) => personnel::set_tier(o, events, &t.account, t.tier).await,
        Action::RenewPersonnelTerm(t) => {
            let term_end = now.saturating_add(chain.personnel_term_ms);
            personnel::renew_term(o, events, &t.account, term_end).await
        }
        Action::SetClassParams(c) => {
            c.params.validate(c.class).map_err(GovernanceError::from)?;
            let mut params = queries::params(o).await?;
            *params.class_mut(c.class) = c.params.clone();
            put_params(o, &params);
            events.push(Event::ClassParamsChanged(ClassParamsChanged {
                class: c.class,
                params: c.params.clone(),
            }));
            Ok(())
        }
        Action::SetGovernanceParams(p) => {
            p.validate().map_err(GovernanceError::from)?;
            put_params(o, p);
            events.push(Event::GovernanceParamsChanged(GovernanceParamsChanged {
                params: p.clone(),
            }));
            Ok(())
        }
        Action::SetEconomyParams(p) => crate::gas::set_params(o, events, p),
        Action::PayBounty(b) => treasury::pay_bounty(o, events, b, by).await,
        Action::RejectBounty(b) => treasury::reject_bounty(o, events, b, by).await,
        Action::AwardTreasury(a) => treasury::award(o, events, a, by).await,
        Action::CancelProposal(r) => {
            target(o, r.proposal, |p| {
                (p.status.is_live() && p.id != origin.proposal)
                    .then_some(())
                    .ok_or("only another live proposal may be canceled")
            })
            .await?;
            let mut p = queries::proposal(o, r.proposal)
                .await?
                .ok_or(GovernanceError::UnknownProposal(r.proposal))?;
            // A challenge of a canceled proposal is moot: its bond goes back.
            if let Some(d) = get_typed::<Dispute>(o, &keys::dispute(p.id)).await? {
                crate::gas::release(o, Some(&d.challenger), d.bond).await?;
                o.delete(keys::dispute(p.id));
            }
            p.status = ProposalStatus::Canceled;
            p.dispute = None;
            o.put_typed(keys::proposal(p.id), &p);
            events.push(Event::ProposalCanceledByVote(ProposalCanceledByVote {
                proposal: p.id,
                by: origin.proposal,
                superseded: None,
            }));
            Ok(())
        }
        Action::RatifyEmergency(r) => {
            target(o, r.proposal, ratifiable).await?;
            let mut p = queries::proposal(o, r.proposal)
                .await?
                .ok_or(GovernanceError::UnknownProposal(r.proposal))?;
            if now >= p.lapses_ms {
                return Err(GovernanceError::WrongProposalState {
                    proposal: p.id,
                    status: p.status,
                    why: "its ratification window has closed",
                }
                .into());
            }
            p.ratified_by = Some(origin.proposal);
            o.put_typed(keys::proposal(p.id), &p);
            super::hooks::stop_lapse(o, p.id).await?;
            events.push(Event::EmergencyRatified(EmergencyRatified {
                proposal: p.id,
                by: origin.proposal,
            }));
            Ok(())
        }
        Action::SustainChallenge(r) => {
            target(o, r.proposal, |p| {
                (p.status == ProposalStatus::Disputed && p.dispute == Some(origin.proposal))
                    .then_some(())
                    .ok_or("only the review a challenge opened may sustain it")
            })
            .await?;
            let mut p = queries::proposal(o, r.proposal)
                .await?
                .ok_or(GovernanceError::UnknownProposal(r.proposal))?;
            let bond = match get_typed::<Dispute>(o, &keys::dispute(p.id)).await? {
                Some(d) => {
                    crate::gas::release(o, Some(&d.challenger), d.bond).await?;
                    o.delete(keys::dispute(p.id));
                    d.bond
                }
                None => 0,
            };
            p.status = ProposalStatus::Canceled;
            p.dispute = None;
            o.put_typed(keys::proposal(p.id), &p);
            events.push(Event::DisputeResolved(DisputeResolved {
                proposal: p.id,
                review: origin.proposal,
                sustained: true,
                bond,
            }));
            Ok(())
        }
        Action::ApproveHardware(a) => {
            let ctx = crate::app::BlockContext::unseeded(origin.height, now);
            hardware::approve(o, events, a, ctx).await
        }
        Action::RevokeHardware(a) => hardware::revoke(o, events, a, origin.height).await,
        Action::ApproveModel(a) => models::approve(o, events, a).await,
        Action::RevokeModel(a) => models::revoke(o, events, a).await,
        Action::HaltRun(a) => workloads::halt_action(o, events, a).await,
        Action::SetComputeParams(p) => hardware::set_params(o, events, p),
        Action::ReviewReport(r) => whistle::review(o, events, r, origin.proposal).await,
        Action::EscalateReport(r) => whistle::escalate(o, events, r.report, origin.proposal).await,
        Action::SetWhistleblowerKey(k) => {
            whistle::set_key(o, events, k.key, origin.proposal);
            Ok(())
        }
        Action::OpenSelectionRound(a) => {
            super::rounds::open(o, events, a, origin.proposal, now).await
        }
        Action::ApproveTemplate(t) => templates::approve(o, events, t, origin.proposal).await,
        Action::RetireTemplate(t) => templates::retire(o, events, t, origin.proposal).await,
        Action::SetStandard(a) => standard::set(o, events, a, origin.proposal, origin.height).await,
        Action::AllowRetry(a) => certify::allow_retry(o, events, a, origin.proposal).await,
        Action::SetValidators(a) => {
            validators::set(o, events, a, origin.proposal, origin.height).await
        }
    }
}

/// The organisations whose personnel are recused from a vote on `action`: the operator of the
/// hardware, the owner of the model, both for a run.
pub(crate) async fn subject_organisations(
    s: &impl StateRead,
    action: &Action,
) -> Result<Vec<aigov_types::Slug>, crate::store::StoreError> {
    Ok(match action {
        Action::ApproveHardware(a) => hardware::operator_of(s, a.hardware)
            .await?
            .into_iter()
            .collect(),
        Action::RevokeHardware(a) => hardware::operator_of(s, a.hardware)
            .await?
            .into_iter()
            .collect(),
        Action::ApproveModel(a) => models::owner_of(s, a.model).await?.into_iter().collect(),
        Action::RevokeModel(a) => models::owner_of(s, a.model).await?.into_iter().collect(),
        Action::AllowRetry(a) => certify::owner_of(s, a.model).await?.into_iter().collect(),
        Action::HaltRun(a) => match workloads::run(s, a.run).await? {
            Some(r) => {
                let mut orgs: Vec<_> = models::owner_of(s, r.model).await?.into_iter().collect();
                orgs.extend(hardware::operator_of(s, r.hardware).await?);
                orgs
            }
            None => Vec::new(),
        },
        _ => Vec::new(),
    })
}

/// Writes the governance parameters.
pub(crate) fn put_params<S: StateRead>(
    o: &mut Overlay<'_, S>,
    params: &aigov_types::governance::GovernanceParams,
) {
    o.put_typed(keys::params(), params);
}
