//! Safety selection rounds (see [aigov_types::selection]): opened by an executed Safety
//! proposal, voted with `governance.vote_round`, tallied sub-round by sub-round in the
//! end-of-block hook with tier weights and member caps, until one candidate holds more than
//! half of the counted weight (or is the last one left).
//!
//! The tally of a sub-round, at block time `now`, under the round's snapshot of the rules:
//! 1. eligible personnel are those [check_eligible] admits under the Safety rules; a member's
//!    eligible weight is the sum of their tier weights; the cap is
//!    `floor(total eligible × member_weight_cap_bps / 10 000)`;
//! 2. a ballot counts if it was cast in this sub-round, for a remaining candidate, by a person
//!    eligible now; a member above the cap has each candidate's weight from its personnel
//!    scaled by `cap / eligible` (floor, `u128`);
//! 3. `counted` is the sum of the candidates' weights. Nothing counted: the round ends
//!    without a decision. A candidate with `2 × weight > counted` wins. Otherwise the weakest
//!    is eliminated (on a tie, the one listed last) and, if one remains, it wins; else a new
//!    sub-round starts for `round_ms`.

use super::tally::check_eligible;
use super::{GovernanceError, keys, queries};
use crate::app::{BlockContext, TxCtx};
use crate::error::CallError;
use crate::personnel;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use crate::treasury;
use aigov_types::PublicKey;
use aigov_types::Slug;
use aigov_types::codec::BoundedVec;
use aigov_types::event::{
    CandidateEliminated, Event, RoundDecided, RoundOpened, RoundTallied, RoundVoteCast,
};
use aigov_types::governance::{BPS, DURATION_MAX_MS};
use aigov_types::receipt::Failure;
use aigov_types::selection::{
    CANDIDATES_MAX, CandidateWeight, LIVE_ROUNDS_MAX, OpenSelectionRound, RoundBallot, RoundStatus,
    RoundVote, SelectionRound,
};
use std::collections::{BTreeMap, BTreeSet};

type LiveRounds = BoundedVec<u64, LIVE_ROUNDS_MAX>;

/// Selection round `id`.
pub async fn round(s: &impl StateRead, id: u64) -> Result<Option<SelectionRound>, StoreError> {
    get_typed::<SelectionRound>(s, &keys::round(id)).await
}

/// Number of selection rounds (ids run from 1).
pub async fn round_count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::round_count())
        .await?
        .unwrap_or(0))
}

/// The open rounds' ids.
pub async fn live_rounds(s: &impl StateRead) -> Result<Vec<u64>, StoreError> {
    Ok(get_typed::<LiveRounds>(s, &keys::live_rounds())
        .await?
        .map(|l| l.as_slice().to_vec())
        .unwrap_or_default())
}

/// Checks an `open_selection_round` action (when proposing and when executing).
#[allow(clippy::result_large_err)]
pub(crate) fn check_open(a: &OpenSelectionRound) -> Result<(), CallError> {
    let bad = |why| Err(GovernanceError::InvalidRound(why).into());
    if a.category.as_str().trim().is_empty() {
        return bad("the category is empty");
    }
    let n = a.candidates.len();
    if !(2..=CANDIDATES_MAX).contains(&n) {
        return bad("a round needs 2 to 16 candidates");
    }
    let distinct: BTreeSet<_> = a.candidates.iter().map(|c| c.module).collect();
    if distinct.len() != n {
        return bad("two candidates have the same module digest");
    }
    if a.round_ms == 0 || a.round_ms > DURATION_MAX_MS {
        return bad("round_ms must be within 1 ms and ten years");
    }
    Ok(())
}

/// Action `open_selection_round`, run by executed Safety proposal `proposal`.
pub(crate) async fn open<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &OpenSelectionRound,
    proposal: u64,
    now: u64,
) -> Result<(), CallError> {
    check_open(a)?;
    let mut live = live_rounds(o).await?;
    if live.len() >= LIVE_ROUNDS_MAX {
        return Err(GovernanceError::InvalidRound("16 rounds are already open").into());
    }
    let gov = queries::params(o).await?;
    let id = round_count(o).await?.saturating_add(1);
    let ends_ms = now.saturating_add(a.round_ms);
    let r = SelectionRound {
        id,
        proposal,
        category: a.category.clone(),
        candidates: a.candidates.clone(),
        // At most 16 candidates: their indices fit.
        remaining: BoundedVec::truncating((0..a.candidates.len() as u16).collect()),
        award: a.award,
        round_ms: a.round_ms,
        rules: gov.safety.clone(),
        tier_weights: gov.tier_weights.clone(),
        member_weight_cap_bps: gov.member_weight_cap_bps,
        sub_round: 1,
        ends_ms,
        status: RoundStatus::Open,
        winner: None,
        payment: None,
        unpaid: None,
    };
    o.put_typed(keys::round(id), &r);
    o.put_typed(keys::round_count(), &id);
    live.push(id);
    o.put_typed(keys::live_rounds(), &LiveRounds::truncating(live));
    events.push(Event::RoundOpened(RoundOpened {
        round: id,
        proposal,
        category: a.category.clone(),
        candidates: a.candidates.len() as u16,
        ends_ms,
    }));
    Ok(())
}

/// `governance.vote_round`.
pub(crate) async fn vote_round<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &RoundVote,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let r = round(o, call.round)
        .await?
        .ok_or(GovernanceError::UnknownRound(call.round))?;
    if r.status != RoundStatus::Open || now >= r.ends_ms {
        return Err(GovernanceError::RoundClosed(call.round).into());
    }
    let person = personnel::queries::personnel(o, sender)
        .await?
        .ok_or_else(|| GovernanceError::NotPersonnel(sender.clone()))?;
    check_eligible(&person, &r.rules, "safety", now)?;
    if !r.remaining.iter().any(|c| *c == call.candidate) {
        return Err(GovernanceError::NotACandidate {
            round: call.round,
            candidate: call.candidate,
        }
        .into());
    }
    let before = get_typed::<RoundBallot>(o, &keys::round_ballot(r.id, sender)).await?;
    if before.is_none() {
        let n = get_typed::<u64>(o, &keys::round_voter_count(r.id))
            .await?
            .unwrap_or(0);
        o.put_typed(keys::round_voter_at(r.id, n), sender);
        o.put_typed(keys::round_voter_count(r.id), &n.saturating_add(1));
    }
    let previous = before
        .filter(|b| b.sub_round == r.sub_round)
        .map(|b| b.candidate);
    o.put_typed(
        keys::round_ballot(r.id, sender),
        &RoundBallot {
            voter: sender.clone(),
            candidate: call.candidate,
            sub_round: r.sub_round,
            cast_ms: now,
        },
    );
    cx.events.push(Event::RoundVoteCast(RoundVoteCast {
        round: r.id,
        sub_round: r.sub_round,
        voter: sender.clone(),
        candidate: call.candidate,
        previous,
    }));
    Ok(())
}

/// The counted weight of each remaining candidate in the current sub-round.
async fn tally(
    s: &impl StateRead,
    r: &SelectionRound,
    now: u64,
) -> Result<BTreeMap<u16, u64>, StoreError> {
    // Eligible weight per member, and each eligible person's member and weight.
    let mut eligible_by_member: BTreeMap<Slug, u64> = BTreeMap::new();
    let mut eligible: BTreeMap<PublicKey, (Slug, u64)> = BTreeMap::new();
    let (people, _) = personnel::queries::personnel_page(s, 0, u64::MAX).await?;
    for p in people {
        if check_eligible(&p, &r.rules, "safety", now).is_err() {
            continue;
        }
        let w = u64::from(r.tier_weight(p.tier));
        let e = eligible_by_member.entry(p.member.clone()).or_insert(0);
        *e = e.saturating_add(w);
        eligible.insert(p.account, (p.member, w));
    }
    let total: u64 = eligible_by_member
        .values()
        .fold(0u64, |a, w| a.saturating_add(*w));
    let cap =
        u64::try_from(u128::from(total) * u128::from(r.member_weight_cap_bps) / u128::from(BPS))
            .unwrap_or(u64::MAX);
    // Raw weight per (member, candidate).
    let mut raw: BTreeMap<(Slug, u16), u64> = BTreeMap::new();
    let voters = get_typed::<u64>(s, &keys::round_voter_count(r.id))
        .await?
        .unwrap_or(0);
    for n in 0..voters {
        let Some(voter) = get_typed::<PublicKey>(s, &keys::round_voter_at(r.id, n)).await? else {
            continue;
        };
        let Some(b) = get_typed::<RoundBallot>(s, &keys::round_ballot(r.id, &voter)).await? else {
            continue;
        };
        if b.sub_round != r.sub_round || !r.remaining.iter().any(|c| *c == b.candidate) {
            continue;
        }
        let Some((member, w)) = eligible.get(&voter) else {
            continue;
        };
        let e = raw.entry((member.clone(), b.candidate)).or_insert(0);
        *e = e.saturating_add(*w);
    }
    let mut weights: BTreeMap<u16, u64> = r.remaining.iter().map(|c| (*c, 0)).collect();
    for ((member, candidate), w) in raw {
        let member_eligible = eligible_by_member.get(&member).copied().unwrap_or(0);
        let counted = if member_eligible > cap && member_eligible > 0 {
            u64::try_from(u128::from(w) * u128::from(cap) / u128::from(member_eligible))
                .unwrap_or(u64::MAX)
        } else {
            w
        };
        if let Some(x) = weights.get_mut(&candidate) {
            *x = x.saturating_add(counted);
        }
    }
    Ok(weights)
}

/// Ends the round with `winner` (pays the award if due).
async fn decide<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    r: &mut SelectionRound,
    winner: Option<u16>,
    ctx: BlockContext,
) -> Result<(), StoreError> {
    r.winner = winner;
    r.status = match winner {
        Some(_) => RoundStatus::Decided,
        None => RoundStatus::NoDecision,
    };
    let candidate = winner.and_then(|w| r.candidates.as_slice().get(usize::from(w)).cloned());
    if let (Some(c), true) = (&candidate, r.award > 0) {
        // Pay in its own overlay: a failure writes nothing and is recorded.
        let mut inner = Overlay::new(&*o);
        let mut paid_events = Vec::new();
        let by = treasury::Authority {
            proposal: r.proposal,
            height: ctx.height,
        };
        match treasury::pay_round_award(&mut inner, &mut paid_events, &c.payee, r.award, r.id, by)
            .await
        {
            Ok(payment) => {
                let writes = inner.into_writes();
                o.absorb(writes);
                events.extend(paid_events);
                r.payment = Some(payment);
            }
            Err(CallError::Store(e)) => return Err(e),
            Err(CallError::Tx(e)) => {
                r.unpaid = Some(Failure::new(e.code(), &e.to_string()));
            }
        }
    }
    events.push(Event::RoundDecided(RoundDecided {
        round: r.id,
        winner,
        module: candidate.map(|c| c.module),
        payment: r.payment,
        unpaid: r.unpaid.clone(),
    }));
    Ok(())
}

/// End-of-block: tallies every open round whose sub-round has ended, in id order.
pub(crate) async fn end_block<S: StateRead>(
    o: &mut Overlay<'_, S>,
    ctx: BlockContext,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let live = live_rounds(o).await?;
    if live.is_empty() {
        return Ok(());
    }
    let mut still = Vec::with_capacity(live.len());
    for id in live.iter().copied() {
        let Some(mut r) = round(o, id).await? else {
            continue;
        };
        if r.status != RoundStatus::Open {
            continue;
        }
        if ctx.time_ms < r.ends_ms {
            still.push(id);
            continue;
        }
        let weights = tally(o, &r, ctx.time_ms).await?;
        let counted = weights.values().fold(0u64, |a, w| a.saturating_add(*w));
        events.push(Event::RoundTallied(RoundTallied {
            round: id,
            sub_round: r.sub_round,
            weights: BoundedVec::truncating(
                weights
                    .iter()
                    .map(|(c, w)| CandidateWeight {
                        candidate: *c,
                        weight: *w,
                    })
                    .collect(),
            ),
            counted,
        }));
        if counted == 0 {
            decide(o, events, &mut r, None, ctx).await?;
        } else if let Some((c, _)) = weights
            .iter()
            .find(|(_, w)| u128::from(**w) * 2 > u128::from(counted))
        {
            decide(o, events, &mut r, Some(*c), ctx).await?;
        } else {
            // The weakest; on a tie the one listed last (iteration is in index order and
            // `<=` keeps the later one).
            let mut weakest = None;
            for (c, w) in &weights {
                if weakest.is_none_or(|(_, lw)| *w <= lw) {
                    weakest = Some((*c, *w));
                }
            }
            if let Some((out, _)) = weakest {
                r.remaining = BoundedVec::truncating(
                    r.remaining.iter().copied().filter(|c| *c != out).collect(),
                );
                events.push(Event::CandidateEliminated(CandidateEliminated {
                    round: id,
                    sub_round: r.sub_round,
                    candidate: out,
                }));
            }
            if let [last] = r.remaining.as_slice() {
                let last = *last;
                decide(o, events, &mut r, Some(last), ctx).await?;
            } else {
                r.sub_round = r.sub_round.saturating_add(1);
                r.ends_ms = ctx.time_ms.saturating_add(r.round_ms);
            }
        }
        if r.status == RoundStatus::Open {
            still.push(id);
        }
        o.put_typed(keys::round(id), &r);
    }
    if still != live {
        o.put_typed(keys::live_rounds(), &LiveRounds::truncating(still));
    }
    Ok(())
}
