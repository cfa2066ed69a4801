//! Execution of governance calls: `governance.propose`, `governance.vote`,
//! `governance.cancel`, and the genesis parameters.

use super::queries::LiveList;
use super::tally::{check_eligible, is_recused};
use super::{GovernanceError, actions, keys, queries};
use crate::app::TxCtx;
use crate::error::CallError;
use crate::personnel;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use aigov_types::PublicKey;
use aigov_types::codec::BoundedVec;
use aigov_types::event::{Event, ProposalCanceled, ProposalSubmitted, VoteCast};
use aigov_types::governance::Action;
use aigov_types::governance::{
    Ballot, CancelProposal, CastVote, GovernanceParams, LIVE_PROPOSALS_MAX, ParamsError, Proposal,
    ProposalStatus, Subject, SubmitProposal, content_hash,
};
use aigov_types::personnel::{Personnel, Role, Roles};
use std::collections::BTreeSet;

/// Genesis: checks and stores the governance parameters.
pub(crate) fn init_genesis<S: StateRead>(
    o: &mut Overlay<'_, S>,
    params: &GovernanceParams,
) -> Result<(), ParamsError> {
    params.validate()?;
    actions::put_params(o, params);
    Ok(())
}

/// The sender's personnel record, or [GovernanceError::NotPersonnel].
async fn person(s: &impl StateRead, who: &PublicKey) -> Result<Personnel, CallError> {
    personnel::queries::personnel(s, who)
        .await?
        .ok_or_else(|| GovernanceError::NotPersonnel(who.clone()).into())
}

/// `governance.propose`: an eligible person submits a proposal; it is Pending until
/// `voting_starts_ms`.
pub(crate) async fn propose<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &SubmitProposal,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let gov = queries::params(o).await?;
    let mut params = gov.class(call.class).clone();
    if call.actions.iter().any(|a| a.top_tier_policy_only()) {
        // The seed reserves these to top-tier Policy personnel: the proposal's own copy of
        // the rules admits only them, to propose and to vote.
        params.eligible_roles = Roles::from_roles(&[Role::Policy]);
        params.lowest_tier = 1;
    }
    let proposer = person(o, sender).await?;
    check_eligible(&proposer, &params, call.class.name(), now)?;
    if call.title.as_str().trim().is_empty() {
        return Err(GovernanceError::EmptyTitle.into());
    }
    let mut subjects = BTreeSet::new();
    for (index, action) in call.actions.iter().enumerate() {
        actions::check(o, call.class, index, action).await?;
        let claimant = match action {
            Action::PayBounty(b) => crate::treasury::bounty(o, b.bounty).await?,
            Action::RejectBounty(b) => crate::treasury::bounty(o, b.bounty).await?,
            _ => None,
        }
        .map(|b| b.claimant);
        // The operator of hardware, the owner of a model: their personnel are recused.
        for org in actions::subject_organisations(o, action).await? {
            subjects.insert(Subject::Organisation(org));
        }
        // A claimant who is personnel may not vote on their own bounty.
        if let Some(pk) = action.subject_person().or(claimant.as_ref()) {
            subjects.insert(Subject::Person(pk.clone()));
            if let Some(org) = personnel::queries::personnel(o, pk)
                .await?
                .and_then(|p| p.organisation)
            {
                subjects.insert(Subject::Organisation(org));
            }
        }
    }
    let live = queries::live_list(o).await?;
    let max = gov.max_live_proposals.min(LIVE_PROPOSALS_MAX);
    if live.len() as u64 >= u64::from(max) {
        return Err(GovernanceError::TooManyLive { max }.into());
    }
    let content = content_hash(call.class, &call.actions, &call.description_hash);
    if let Some(existing) = get_typed::<u64>(o, &keys::content(&content)).await? {
        return Err(GovernanceError::DuplicateProposal { existing }.into());
    }

    let id = queries::proposal_count(o).await?.saturating_add(1);
    let voting_starts_ms = now.saturating_add(params.voting_delay_ms);
    let voting_ends_ms = voting_starts_ms.saturating_add(params.voting_period_ms);
    let proposal = Proposal {
        id,
        class: call.class,
        proposer: sender.clone(),
        title: call.title.clone(),
        description_hash: call.description_hash,
        actions: call.actions.clone(),
        params,
        tier_weights: gov.tier_weights.clone(),
        member_weight_cap_bps: gov.member_weight_cap_bps,
        // At most two subjects per action, so this never truncates.
        subjects: BoundedVec::truncating(subjects.into_iter().collect()),
        content_hash: content,
        created_ms: now,
        voting_starts_ms,
        voting_ends_ms,
        extensions: 0,
        status: ProposalStatus::Pending,
        eta_ms: 0,
        decision: None,
        execution_failure: None,
    };
    o.put_typed(keys::proposal(id), &proposal);
    o.put_typed(keys::proposal_count(), &id);
    o.put_typed(keys::content(&content), &id);
    let mut ids = live.as_slice().to_vec();
    ids.push(id);
    // Within the bound: checked above.
    o.put_typed(keys::live(), &LiveList::truncating(ids));
    cx.events.push(Event::ProposalSubmitted(ProposalSubmitted {
        proposal: id,
        class: proposal.class,
        proposer: proposal.proposer,
        title: proposal.title,
        description_hash: proposal.description_hash,
        actions: proposal.actions,
        voting_starts_ms,
        voting_ends_ms,
    }));
    Ok(())
}

/// The proposal `id`, or [GovernanceError::UnknownProposal].
async fn existing(s: &impl StateRead, id: u64) -> Result<Proposal, CallError> {
    queries::proposal(s, id)
        .await?
        .ok_or_else(|| GovernanceError::UnknownProposal(id).into())
}

/// Checks that proposal `p` takes ballots at block time `now`: while voting is open
/// (`voting_starts_ms <= now < voting_ends_ms`, by block time, whatever the hook has recorded
/// yet), and during the confirm period of a proposal that passed its tally.
// The error names the person's key, which makes it large; this runs once per call.
#[allow(clippy::result_large_err)]
fn check_open(p: &Proposal, now: u64) -> Result<(), GovernanceError> {
    match p.status {
        ProposalStatus::Pending | ProposalStatus::Active if now < p.voting_starts_ms => {
            Err(GovernanceError::VotingNotStarted {
                proposal: p.id,
                starts_ms: p.voting_starts_ms,
            })
        }
        ProposalStatus::Pending | ProposalStatus::Active if now < p.voting_ends_ms => Ok(()),
        ProposalStatus::Succeeded if now < p.confirm_ends_ms() => Ok(()),
        status => Err(GovernanceError::VotingClosed {
            proposal: p.id,
            status,
        }),
    }
}

/// `governance.vote`: an eligible, non-recused person casts or changes their ballot.
pub(crate) async fn vote<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &CastVote,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let p = existing(o, call.proposal).await?;
    check_open(&p, now)?;
    let voter = person(o, sender).await?;
    check_eligible(&voter, &p.params, p.class.name(), now)?;
    if is_recused(&voter, p.subjects.as_slice()) {
        return Err(GovernanceError::Recused {
            account: sender.clone(),
            proposal: p.id,
        }
        .into());
    }
    let previous = queries::ballot(o, p.id, sender).await?;
    if previous.is_none() {
        let n = get_typed::<u64>(o, &keys::voter_count(p.id))
            .await?
            .unwrap_or(0);
        o.put_typed(keys::voter_at(p.id, n), sender);
        o.put_typed(keys::voter_count(p.id), &(n + 1));
    }
    let ballot = Ballot {
        voter: sender.clone(),
        member: voter.member.clone(),
        choice: call.choice,
        weight: p.tier_weight(voter.tier),
        rationale: call.rationale,
        cast_ms: now,
        first_cast_ms: previous.as_ref().map_or(now, |b| b.first_cast_ms),
    };
    o.put_typed(keys::ballot(p.id, sender), &ballot);
    cx.events.push(Event::VoteCast(VoteCast {
        proposal: p.id,
        voter: ballot.voter,
        member: ballot.member,
        choice: ballot.choice,
        weight: ballot.weight,
        previous: previous.map(|b| b.choice),
        rationale: ballot.rationale,
    }));
    Ok(())
}

/// `governance.cancel`: the proposer withdraws a Pending proposal before voting opens.
pub(crate) async fn cancel<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &CancelProposal,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let mut p = existing(o, call.proposal).await?;
    if p.proposer != *sender {
        return Err(GovernanceError::NotProposer {
            proposal: p.id,
            proposer: p.proposer,
        }
        .into());
    }
    if p.status != ProposalStatus::Pending || now >= p.voting_starts_ms {
        let status = if p.status == ProposalStatus::Pending {
            ProposalStatus::Active
        } else {
            p.status
        };
        return Err(GovernanceError::NotCancelable {
            proposal: p.id,
            status,
        }
        .into());
    }
    p.status = ProposalStatus::Canceled;
    close(o, &p).await?;
    cx.events.push(Event::ProposalCanceled(ProposalCanceled {
        proposal: p.id,
        by: sender.clone(),
    }));
    Ok(())
}

/// Stores a proposal that reached a final status and drops it from the live list and the
/// duplicate index.
pub(crate) async fn close<S: StateRead>(
    o: &mut Overlay<'_, S>,
    p: &Proposal,
) -> Result<(), StoreError> {
    o.put_typed(keys::proposal(p.id), p);
    o.delete(keys::content(&p.content_hash));
    let live = queries::live_list(o).await?;
    let ids: Vec<u64> = live.iter().copied().filter(|id| *id != p.id).collect();
    o.put_typed(keys::live(), &LiveList::truncating(ids));
    Ok(())
}
