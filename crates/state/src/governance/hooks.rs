//! The end-of-block hook: moves every live proposal along by block time, in id order.
//!
//! For each live proposal, as far as the block time allows (several steps may happen in one
//! block, e.g. an Emergency proposal is tallied, queued and executed at once):
//! - `Pending` → `Active` once `now >= voting_starts_ms` (`ProposalActivated`);
//! - `Active`, once `now >= voting_ends_ms`: tally. If quorum is met now but was not met by the
//!   ballots first cast before `voting_ends_ms - late_quorum_extension_ms`, and fewer than
//!   `max_extensions` extensions were granted, voting is extended to
//!   `now + late_quorum_extension_ms` (`VotingExtended`). Otherwise the tally decides
//!   (`ProposalTallied`): `QuorumFailed`, `Defeated`, or a pass: with a confirm period it
//!   becomes `Succeeded` (ballots stay open), without one it is queued at once;
//! - `Succeeded`, once `now >= voting_ends_ms + confirm_period_ms`: tally again (with the
//!   ballots cast meanwhile); still passing → queued, else `QuorumFailed` / `Defeated`;
//! - queueing sets `eta_ms = now + enactment_delay_ms` (`ProposalQueued`);
//! - `Queued`: once `now > eta_ms + execution_window_ms` → `Expired` (`ProposalExpired`);
//!   else once `now >= eta_ms` → the actions run, in order, in their own overlay: all apply
//!   (their events, then `ProposalExecuted`) or none (`ProposalExecutionFailed` with the failing
//!   action's code and message, status `ExecutionFailed`).
//!
//! A proposal that reaches a final status leaves the live list and the duplicate index.

use super::queries::LiveList;
use super::tally::tally;
use super::{actions, keys, queries};
use crate::app::BlockContext;
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use aigov_types::event::{
    DisputeResolved, EmergencyLapsed, Event, ProposalActivated, ProposalCanceledByVote,
    ProposalExecuted, ProposalExecutionFailed, ProposalExpired, ProposalQueued, ProposalTallied,
    VotingExtended,
};
use aigov_types::genesis::Params;
use aigov_types::governance::{
    Decision, Dispute, Proposal, ProposalClass, ProposalStatus, TallyOutcome,
};
use aigov_types::receipt::Failure;

/// Runs the hook on the block's overlay, appending the events it emits to `events`.
pub(crate) async fn end_block<S: StateRead>(
    o: &mut Overlay<'_, S>,
    ctx: BlockContext,
    chain: &Params,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    lapse_due(o, ctx, chain, events).await?;
    super::rounds::end_block(o, ctx, events).await?;
    let live = queries::live_list(o).await?;
    if live.is_empty() {
        return Ok(());
    }
    let mut still_live = Vec::with_capacity(live.len());
    for id in live.iter().copied() {
        let Some(before) = queries::proposal(o, id).await? else {
            // A live id always has its proposal; drop a dangling one rather than halt.
            continue;
        };
        let mut p = before.clone();
        advance(o, &mut p, ctx, chain, events).await?;
        if p != before {
            o.put_typed(keys::proposal(id), &p);
        }
        if p.status.is_live() {
            still_live.push(id);
        } else {
            o.delete(keys::content(&p.content_hash));
        }
    }
    if still_live.len() != live.len() {
        o.put_typed(keys::live(), &LiveList::truncating(still_live));
    }
    Ok(())
}

fn tallied(p: &Proposal, d: &Decision, confirming: bool) -> Event {
    Event::ProposalTallied(ProposalTallied {
        proposal: p.id,
        confirming,
        outcome: d.outcome,
        total_yes: d.total_yes,
        total_no: d.total_no,
        total_abstain: d.total_abstain,
        eligible_weight: d.eligible_weight,
        approving_members: d.approving_members,
        vetoing_members: d.vetoing_members,
    })
}

fn queue(p: &mut Proposal, now: u64, events: &mut Vec<Event>) {
    p.status = ProposalStatus::Queued;
    p.eta_ms = now.saturating_add(p.params.enactment_delay_ms);
    events.push(Event::ProposalQueued(ProposalQueued {
        proposal: p.id,
        eta_ms: p.eta_ms,
        expires_ms: p.execution_deadline_ms(),
    }));
}

/// Moves `p` through every step due at block time `now`.
async fn advance<S: StateRead>(
    o: &mut Overlay<'_, S>,
    p: &mut Proposal,
    ctx: BlockContext,
    chain: &Params,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let now = ctx.time_ms;
    loop {
        match p.status {
            ProposalStatus::Pending if now >= p.voting_starts_ms => {
                p.status = ProposalStatus::Active;
                events.push(Event::ProposalActivated(ProposalActivated {
                    proposal: p.id,
                    voting_ends_ms: p.voting_ends_ms,
                }));
            }
            ProposalStatus::Active if now >= p.voting_ends_ms => {
                let ext = p.params.late_quorum_extension_ms;
                let cutoff = (ext > 0).then(|| p.voting_ends_ms.saturating_sub(ext));
                let t = tally(o, p, now, cutoff).await?;
                if t.decision.quorum_met
                    && !t.quorum_met_at_cutoff
                    && p.extensions < p.params.max_extensions
                {
                    p.extensions += 1;
                    p.voting_ends_ms = now.saturating_add(ext);
                    events.push(Event::VotingExtended(VotingExtended {
                        proposal: p.id,
                        voting_ends_ms: p.voting_ends_ms,
                        extensions: p.extensions,
                    }));
                    return Ok(());
                }
                events.push(tallied(p, &t.decision, false));
                let outcome = t.decision.outcome;
                p.decision = Some(t.decision);
                match outcome {
                    TallyOutcome::Passed if p.params.confirm_period_ms > 0 => {
                        p.status = ProposalStatus::Succeeded;
                    }
                    TallyOutcome::Passed => queue(p, now, events),
                    other => p.status = other.status(),
                }
            }
            ProposalStatus::Succeeded if now >= p.confirm_ends_ms() => {
                let t = tally(o, p, now, None).await?;
                events.push(tallied(p, &t.decision, true));
                let outcome = t.decision.outcome;
                p.decision = Some(t.decision);
                match outcome {
                    TallyOutcome::Passed => queue(p, now, events),
                    other => p.status = other.status(),
                }
            }
            ProposalStatus::Queued if now > p.execution_deadline_ms() => {
                p.status = ProposalStatus::Expired;
                events.push(Event::ProposalExpired(ProposalExpired {
                    proposal: p.id,
                    deadline_ms: p.execution_deadline_ms(),
                }));
            }
            ProposalStatus::Queued if now >= p.eta_ms => execute(o, p, ctx, chain, events).await?,
            ProposalStatus::Disputed => {
                // Waits for the review; a review that ended without sustaining the challenge
                // upholds the proposal: queued again (from now, if its eta passed meanwhile),
                // the bond forfeited to the pool. A sustained challenge cancels it in the
                // review's own execution (`sustain_challenge`).
                let Some(review) = p.dispute else {
                    return Ok(());
                };
                let done = queries::proposal(o, review)
                    .await?
                    .is_none_or(|r| !r.status.is_live());
                if !done {
                    return Ok(());
                }
                if let Some(d) = get_typed::<Dispute>(o, &keys::dispute(p.id)).await? {
                    crate::gas::release(o, None, d.bond).await?;
                    o.delete(keys::dispute(p.id));
                    events.push(Event::DisputeResolved(DisputeResolved {
                        proposal: p.id,
                        review,
                        sustained: false,
                        bond: d.bond,
                    }));
                }
                p.dispute = None;
                p.status = ProposalStatus::Queued;
                p.eta_ms = p.eta_ms.max(now);
            }
            _ => return Ok(()),
        }
    }
}

/// Runs `p`'s actions all-or-nothing in an overlay over the block's; after a success, an
/// Emergency proposal with reversible actions starts its ratification window, and every live
/// proposal conflicting with `p` is re-checked (canceled as superseded if it can no longer
/// run).
pub(crate) async fn execute<S: StateRead>(
    o: &mut Overlay<'_, S>,
    p: &mut Proposal,
    ctx: BlockContext,
    chain: &Params,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let origin = actions::Origin {
        proposal: p.id,
        height: ctx.height,
        now_ms: ctx.time_ms,
    };
    let mut inner = Overlay::new(&*o);
    let mut emitted = Vec::new();
    let mut failed = None;
    for (index, action) in p.actions.iter().enumerate() {
        match actions::run(&mut inner, &mut emitted, action, origin, chain).await {
            Ok(()) => {}
            Err(CallError::Store(e)) => return Err(e),
            Err(CallError::Tx(e)) => {
                failed = Some((index, Failure::new(e.code(), &e.to_string())));
                break;
            }
        }
    }
    let count = u16::try_from(p.actions.len()).unwrap_or(u16::MAX);
    match failed {
        None => {
            let writes = inner.into_writes();
            o.absorb(writes);
            events.extend(emitted);
            p.status = ProposalStatus::Executed;
            events.push(Event::ProposalExecuted(ProposalExecuted {
                proposal: p.id,
                actions: count,
            }));
            if p.class == ProposalClass::Emergency
                && p.actions.iter().any(|a| a.inverse().is_some())
            {
                let gov = queries::params(o).await?;
                p.lapses_ms = ctx.time_ms.saturating_add(gov.emergency_ratification_ms);
                let mut ids = lapsing(o).await?;
                ids.push(p.id);
                o.put_typed(keys::lapsing(), &LiveList::truncating(ids));
            }
            recheck_conflicts(o, p, events).await?;
        }
        Some((index, reason)) => {
            drop(inner);
            p.status = ProposalStatus::ExecutionFailed;
            p.execution_failure = Some(reason.clone());
            events.push(Event::ProposalExecutionFailed(ProposalExecutionFailed {
                proposal: p.id,
                action: u16::try_from(index).unwrap_or(u16::MAX),
                reason,
            }));
        }
    }
    Ok(())
}

/// The executed Emergency proposals waiting for ratification.
async fn lapsing(s: &impl StateRead) -> Result<Vec<u64>, StoreError> {
    Ok(get_typed::<LiveList>(s, &keys::lapsing())
        .await?
        .map(|l| l.as_slice().to_vec())
        .unwrap_or_default())
}

/// Drops proposal `id` from the lapse watch list (it was ratified).
pub(crate) async fn stop_lapse<S: StateRead>(
    o: &mut Overlay<'_, S>,
    id: u64,
) -> Result<(), StoreError> {
    let ids: Vec<u64> = lapsing(o).await?.into_iter().filter(|x| *x != id).collect();
    o.put_typed(keys::lapsing(), &LiveList::truncating(ids));
    Ok(())
}

/// Rolls back every unratified Emergency proposal whose window closed: each reversible action
/// is undone if it still can be (e.g. a suspended person is reinstated; one removed since stays
/// removed), the rest are kept.
async fn lapse_due<S: StateRead>(
    o: &mut Overlay<'_, S>,
    ctx: BlockContext,
    chain: &Params,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let ids = lapsing(o).await?;
    if ids.is_empty() {
        return Ok(());
    }
    let mut keep = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(mut p) = queries::proposal(o, id).await? else {
            continue;
        };
        if p.ratified_by.is_some() || p.status != ProposalStatus::Executed {
            continue;
        }
        if ctx.time_ms < p.lapses_ms {
            keep.push(id);
            continue;
        }
        let origin = actions::Origin {
            proposal: id,
            height: ctx.height,
            now_ms: ctx.time_ms,
        };
        let (mut rolled_back, mut kept) = (0u16, 0u16);
        for action in p.actions.iter() {
            let Some(undo) = action.inverse() else {
                kept = kept.saturating_add(1);
                continue;
            };
            // Each undo on its own: one that no longer applies leaves the others.
            let mut inner = Overlay::new(&*o);
            let mut emitted = Vec::new();
            match actions::run(&mut inner, &mut emitted, &undo, origin, chain).await {
                Ok(()) => {
                    let writes = inner.into_writes();
                    o.absorb(writes);
                    events.extend(emitted);
                    rolled_back = rolled_back.saturating_add(1);
                }
                Err(CallError::Store(e)) => return Err(e),
                Err(CallError::Tx(_)) => kept = kept.saturating_add(1),
            }
        }
        p.status = ProposalStatus::Lapsed;
        o.put_typed(keys::proposal(id), &p);
        events.push(Event::EmergencyLapsed(EmergencyLapsed {
            proposal: id,
            rolled_back,
            kept,
        }));
    }
    o.put_typed(keys::lapsing(), &LiveList::truncating(keep));
    Ok(())
}

/// After `p` executed: every other live proposal acting on one of its objects is checked
/// again against the new state; one whose action can no longer run is canceled (superseded),
/// rather than left to fail at its own execution.
async fn recheck_conflicts<S: StateRead>(
    o: &mut Overlay<'_, S>,
    p: &Proposal,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let objects: std::collections::BTreeSet<_> =
        p.actions.iter().filter_map(|a| a.object()).collect();
    if objects.is_empty() {
        return Ok(());
    }
    for id in queries::live_list(o).await?.iter().copied() {
        if id == p.id {
            continue;
        }
        let Some(mut q) = queries::proposal(o, id).await? else {
            continue;
        };
        if !q.status.is_live()
            || !q
                .actions
                .iter()
                .any(|a| a.object().is_some_and(|x| objects.contains(&x)))
        {
            continue;
        }
        for (index, action) in q.actions.iter().enumerate() {
            match actions::check(o, q.class, index, action).await {
                Ok(()) => {}
                Err(CallError::Store(e)) => return Err(e),
                Err(CallError::Tx(e)) => {
                    let failure = Failure::new(e.code(), &e.to_string());
                    q.status = ProposalStatus::Canceled;
                    o.put_typed(keys::proposal(id), &q);
                    events.push(Event::ProposalCanceledByVote(ProposalCanceledByVote {
                        proposal: id,
                        by: p.id,
                        superseded: Some(failure),
                    }));
                    break;
                }
            }
        }
    }
    Ok(())
}
