//! Execution of governance calls: `governance.propose`, `escalate`, `vote`, `cancel`,
//! `challenge`, `delegate`, `execute`, and the genesis parameters.

use super::queries::LiveList;
use super::tally::{check_eligible, is_recused};
use super::{GovernanceError, actions, keys, queries};
use crate::app::TxCtx;
use crate::error::CallError;
use crate::personnel;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use aigov_types::PublicKey;
use aigov_types::codec::BoundedString;
use aigov_types::codec::BoundedVec;
use aigov_types::event::{
    Event, ProposalCanceled, ProposalChallenged, ProposalConflicts, ProposalEscalated,
    ProposalSubmitted, VoteCast, VoteDelegated,
};
use aigov_types::governance::{
    Action, Ballot, CancelProposal, CastVote, ChallengeProposal, ClassParams, DELEGATORS_MAX,
    DelegateVote, Delegation, Dispute, ExecuteProposal, GovernanceParams, LIVE_PROPOSALS_MAX,
    ParamsError, Proposal, ProposalClass, ProposalRef, ProposalStatus, Subject, SubmitProposal,
    content_hash,
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

/// The rules a new proposal runs under: its class's parameters, narrowed for actions reserved
/// to tier-1 Policy personnel.
fn rules_for(gov: &GovernanceParams, call: &SubmitProposal) -> ClassParams {
    let mut params = gov.class(call.class).clone();
    if call.actions.iter().any(|a| a.top_tier_policy_only()) {
        // The seed reserves these to top-tier Policy personnel: the proposal's own copy of
        // the rules admits only them, to propose and to vote.
        params.eligible_roles = Roles::from_roles(&[Role::Policy]);
        params.lowest_tier = 1;
    }
    params
}

/// `governance.propose`: an eligible person submits a proposal; it is Pending until
/// `voting_starts_ms`.
pub(crate) async fn propose<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &SubmitProposal,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let gov = queries::params(&cx.overlay).await?;
    let params = rules_for(&gov, call);
    let proposer = person(&cx.overlay, sender).await?;
    check_eligible(&proposer, &params, call.class.name(), now)?;
    submit(cx, sender, call, params, Submission::default())
        .await
        .map(drop)
}

/// `governance.escalate`: any Active person with a running term raises a threat as an
/// Emergency proposal, voted by the Emergency class's (top-tier) electorate.
pub(crate) async fn escalate<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &SubmitProposal,
) -> Result<(), CallError> {
    if call.class != ProposalClass::Emergency {
        return Err(GovernanceError::EscalationNotEmergency.into());
    }
    let now = cx.block.time_ms;
    let gov = queries::params(&cx.overlay).await?;
    let params = rules_for(&gov, call);
    let raiser = person(&cx.overlay, sender).await?;
    // Any role and tier may raise a threat; being vetted and in term is still required.
    let open = ClassParams {
        eligible_roles: raiser.roles,
        lowest_tier: raiser.tier.max(1),
        ..params.clone()
    };
    check_eligible(&raiser, &open, "escalated emergency", now)?;
    let id = submit(
        cx,
        sender,
        call,
        params,
        Submission {
            escalated: true,
            review_of: None,
        },
    )
    .await?;
    cx.events.push(Event::ProposalEscalated(ProposalEscalated {
        proposal: id,
        by: sender.clone(),
        tier: raiser.tier,
    }));
    Ok(())
}

/// How a proposal is being submitted.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Submission {
    /// By escalation (the proposer need not be eligible for the class).
    pub escalated: bool,
    /// As the review of a challenged proposal.
    pub review_of: Option<u64>,
}

/// Creates a proposal after its proposer was checked: title, actions, live limit, duplicates,
/// recusal subjects, conflicts with live proposals. Returns its id.
pub(crate) async fn submit<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &SubmitProposal,
    params: ClassParams,
    how: Submission,
) -> Result<u64, CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let gov = queries::params(o).await?;
    if call.title.as_str().trim().is_empty() {
        return Err(GovernanceError::EmptyTitle.into());
    }
    let mut subjects = BTreeSet::new();
    let mut objects = BTreeSet::new();
    for (index, action) in call.actions.iter().enumerate() {
        actions::check(o, call.class, index, action).await?;
        objects.extend(action.object());
        // The operator of hardware, the owner of a model: their personnel are recused.
        for org in actions::subject_organisations(o, action).await? {
            subjects.insert(Subject::Organisation(org));
        }
        let claimant = match action {
            Action::PayBounty(b) => crate::treasury::bounty(o, b.bounty).await?,
            Action::RejectBounty(b) => crate::treasury::bounty(o, b.bounty).await?,
            _ => None,
        }
        .map(|b| b.claimant)
        .or(match action {
            // A reporter who is personnel may not vote on their own report.
            Action::ReviewReport(r) => crate::whistle::report(o, r.report)
                .await?
                .map(|r| r.reporter),
            _ => None,
        });
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
    // Conflict detection: earlier live proposals acting on the same objects.
    let mut conflicts = Vec::new();
    if !objects.is_empty() {
        for other in live.iter().copied() {
            let Some(q) = queries::proposal(o, other).await? else {
                continue;
            };
            if q.actions
                .iter()
                .any(|a| a.object().is_some_and(|x| objects.contains(&x)))
            {
                conflicts.push(other);
            }
        }
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
        escalated: how.escalated,
        conflicts: BoundedVec::truncating(conflicts.clone()),
        dispute: None,
        review_of: how.review_of,
        lapses_ms: 0,
        ratified_by: None,
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
    if !conflicts.is_empty() {
        cx.events.push(Event::ProposalConflicts(ProposalConflicts {
            proposal: id,
            with: BoundedVec::truncating(conflicts),
        }));
    }
    Ok(id)
}

/// `governance.challenge`: during a queued proposal's enactment window, a person eligible
/// for its class locks the dispute bond; the proposal is Disputed and an Emergency review
/// (carrying `sustain_challenge`) decides: sustained, it is canceled and the bond returned;
/// otherwise it is queued again and the bond goes to the pool.
pub(crate) async fn challenge<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &ChallengeProposal,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let mut p = existing(&cx.overlay, call.proposal).await?;
    let refuse = |why| GovernanceError::NotChallengeable {
        proposal: call.proposal,
        why,
    };
    if p.class == ProposalClass::Emergency {
        return Err(refuse("emergency proposals take effect at once").into());
    }
    if p.status != ProposalStatus::Queued {
        return Err(refuse("it is not queued").into());
    }
    if now >= p.eta_ms {
        return Err(refuse("its enactment delay has passed").into());
    }
    let challenger = person(&cx.overlay, sender).await?;
    check_eligible(&challenger, &p.params, p.class.name(), now)?;
    let gov = queries::params(&cx.overlay).await?;
    let bond = gov.dispute_bond;
    if let Err(available) = crate::gas::lock(&mut cx.overlay, sender, bond).await? {
        return Err(GovernanceError::InsufficientBond { bond, available }.into());
    }
    // The review's id is the next one; the challenged proposal must be Disputed before the
    // review's `sustain_challenge` is checked.
    let review = queries::proposal_count(&cx.overlay)
        .await?
        .saturating_add(1);
    p.status = ProposalStatus::Disputed;
    p.dispute = Some(review);
    cx.overlay.put_typed(keys::proposal(p.id), &p);
    let title = format!("Challenge of proposal {}", p.id);
    let call_review = SubmitProposal {
        class: ProposalClass::Emergency,
        title: BoundedString::new(title).unwrap_or_default(),
        description_hash: call.grounds_hash,
        actions: BoundedVec::truncating(vec![Action::SustainChallenge(ProposalRef {
            proposal: p.id,
        })]),
    };
    let id = submit(
        cx,
        sender,
        &call_review,
        gov.emergency.clone(),
        Submission {
            escalated: true,
            review_of: Some(p.id),
        },
    )
    .await?;
    debug_assert_eq!(id, review);
    cx.overlay.put_typed(
        keys::dispute(p.id),
        &Dispute {
            proposal: p.id,
            challenger: sender.clone(),
            bond,
            review: id,
            grounds_hash: call.grounds_hash,
        },
    );
    cx.events
        .push(Event::ProposalChallenged(ProposalChallenged {
            proposal: p.id,
            challenger: sender.clone(),
            bond,
            review: id,
        }));
    Ok(())
}

/// `governance.delegate`: delegate (or revoke) one's vote on a class.
pub(crate) async fn delegate<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &DelegateVote,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let me = person(o, sender).await?;
    let class = call.class;
    if let Some(to) = &call.to {
        let refuse = |why| GovernanceError::InvalidDelegate {
            delegate: to.clone(),
            why,
        };
        if to == sender {
            return Err(refuse("one cannot delegate to oneself").into());
        }
        let d = personnel::queries::personnel(o, to)
            .await?
            .ok_or_else(|| refuse("not personnel"))?;
        if d.status != aigov_types::personnel::PersonnelStatus::Active {
            return Err(refuse("not Active personnel").into());
        }
        if d.member != me.member {
            return Err(refuse("personnel of another member").into());
        }
        if !d.roles.to_vec().iter().any(|r| me.roles.contains(*r)) {
            return Err(refuse("shares no role with the delegator").into());
        }
        let list = delegators(o, class, to).await?;
        if list.len() >= DELEGATORS_MAX && !list.contains(sender) {
            return Err(refuse("already holds the most delegations for this class").into());
        }
    }
    // Drop the standing delegation, if any.
    if let Some(old) = get_typed::<Delegation>(o, &keys::delegation(class, sender)).await? {
        let rest: Vec<PublicKey> = delegators(o, class, &old.delegate)
            .await?
            .into_iter()
            .filter(|k| k != sender)
            .collect();
        o.put_typed(
            keys::delegators(class, &old.delegate),
            &BoundedVec::<PublicKey, DELEGATORS_MAX>::truncating(rest),
        );
        o.delete(keys::delegation(class, sender));
    }
    if let Some(to) = &call.to {
        let mut list = delegators(o, class, to).await?;
        list.push(sender.clone());
        o.put_typed(
            keys::delegators(class, to),
            &BoundedVec::<PublicKey, DELEGATORS_MAX>::truncating(list),
        );
        o.put_typed(
            keys::delegation(class, sender),
            &Delegation {
                delegator: sender.clone(),
                delegate: to.clone(),
                class,
                since_ms: now,
            },
        );
    }
    cx.events.push(Event::VoteDelegated(VoteDelegated {
        delegator: sender.clone(),
        class,
        to: call.to.clone(),
    }));
    Ok(())
}

/// Who delegates `class` to `delegate`.
async fn delegators(
    s: &impl StateRead,
    class: ProposalClass,
    delegate: &PublicKey,
) -> Result<Vec<PublicKey>, StoreError> {
    Ok(
        get_typed::<BoundedVec<PublicKey, DELEGATORS_MAX>>(s, &keys::delegators(class, delegate))
            .await?
            .map(|l| l.as_slice().to_vec())
            .unwrap_or_default(),
    )
}

/// `governance.execute`: runs a queued proposal past its eta now, in this transaction.
pub(crate) async fn execute_now<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    call: &ExecuteProposal,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let mut p = existing(&cx.overlay, call.proposal).await?;
    if p.status != ProposalStatus::Queued || now < p.eta_ms || now > p.execution_deadline_ms() {
        return Err(GovernanceError::NotExecutable {
            proposal: p.id,
            status: p.status,
            eta_ms: p.eta_ms,
        }
        .into());
    }
    let params = cx.params.clone();
    super::hooks::execute(&mut cx.overlay, &mut p, cx.block, &params, &mut cx.events).await?;
    close(&mut cx.overlay, &p).await?;
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
