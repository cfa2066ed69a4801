//! The concurrent-majority tally, integer-only.
//!
//! At tally time (block time `now`), for the proposal's own snapshot of the rules:
//! 1. a person is **eligible** if Active, their term runs past `now`, they hold an eligible
//!    role, their tier is within `1..=lowest_tier`, and they are not recused; their weight is
//!    their current tier's weight;
//! 2. a member's **eligible weight** is the sum over its eligible personnel; the **cap** is
//!    `floor(total eligible × member_weight_cap_bps / 10 000)`; a member above it has its
//!    eligible, yes, no and abstain weights scaled by `cap / eligible` (floor, in `u128`);
//! 3. a ballot counts only if its voter is eligible now (one ballot per person: a changed vote
//!    replaces the earlier one), with the voter's current weight; an eligible person without a
//!    ballot who delegated the class counts with their delegate's counted ballot (one level);
//! 4. **quorum**: `(yes + no + abstain) × 10 000 ≥ quorum_bps × eligible` (counted weights,
//!    and some eligible weight at all); **approval**: `yes × 10 000 ≥ approval_bps × (yes + no)`
//!    with `yes + no > 0`;
//! 5. a member **approves** if its own yes weight exceeds its no weight and **rejects** if the
//!    reverse;
//! 6. the outcome, in this order: no quorum → `QuorumFailed`; `veto_members > 0` and at least
//!    that many members reject → `Vetoed`; approval missed → `ApprovalFailed`; fewer than
//!    `min_approving_members` approve → `TooFewApprovingMembers`; else `Passed`.
//!
//! Every sum is commutative and members are visited in id order (`BTreeMap`), so the result
//! does not depend on the order in which ballots were cast.

use super::{GovernanceError, keys};
use crate::personnel;
use crate::store::{StateRead, StoreError, get_typed};
use aigov_types::codec::BoundedVec;
use aigov_types::governance::{
    BPS, Ballot, Choice, ClassParams, Decision, Delegation, MemberTally, Proposal, Subject,
    TallyOutcome,
};
use aigov_types::personnel::{Personnel, PersonnelStatus};
use aigov_types::{PublicKey, Slug};
use std::collections::BTreeMap;

/// Checks that `person` may vote (or propose) under `params` at block time `now`: Active, term
/// running, an eligible role, an eligible tier. Recusal is checked apart ([is_recused]).
// The error names the person's key, which makes it large; this runs once per call.
#[allow(clippy::result_large_err)]
pub(crate) fn check_eligible(
    person: &Personnel,
    params: &ClassParams,
    class: &'static str,
    now: u64,
) -> Result<(), GovernanceError> {
    if person.status != PersonnelStatus::Active {
        return Err(GovernanceError::NotActive {
            account: person.account.clone(),
            status: person.status,
        });
    }
    if person.term_expires_ms <= now {
        return Err(GovernanceError::TermExpired {
            account: person.account.clone(),
            expired_ms: person.term_expires_ms,
        });
    }
    if !params.admits_roles(person.roles) {
        return Err(GovernanceError::RoleNotEligible {
            account: person.account.clone(),
            class,
        });
    }
    if !params.admits_tier(person.tier) {
        return Err(GovernanceError::TierNotEligible {
            account: person.account.clone(),
            tier: person.tier,
            class,
            lowest: params.lowest_tier,
        });
    }
    Ok(())
}

/// True if `person` is recused by one of `subjects`: the subject is them, their organisation
/// or their member.
pub(crate) fn is_recused(person: &Personnel, subjects: &[Subject]) -> bool {
    subjects.iter().any(|s| match s {
        Subject::Person(pk) => *pk == person.account,
        Subject::Organisation(org) => person.organisation.as_ref() == Some(org),
        Subject::Member(m) => person.member == *m,
    })
}

/// The result of a tally.
pub(crate) struct Tally {
    /// The decision record.
    pub(crate) decision: Decision,
    /// Whether quorum was already met counting only ballots first cast at or before the
    /// cutoff (late-quorum protection); `true` when no cutoff was asked for.
    pub(crate) quorum_met_at_cutoff: bool,
}

/// `a × 10 000 ≥ bps × b`, in `u128`.
fn meets(a: u64, bps: u16, b: u64) -> bool {
    u128::from(a) * u128::from(BPS) >= u128::from(bps) * u128::from(b)
}

/// Tallies proposal `p` at block time `now`. With `cutoff_ms`, also reports whether quorum was
/// met by the ballots first cast at or before it.
pub(crate) async fn tally(
    s: &impl StateRead,
    p: &Proposal,
    now: u64,
    cutoff_ms: Option<u64>,
) -> Result<Tally, StoreError> {
    let params = &p.params;
    let class = p.class.name();

    let mut members: BTreeMap<Slug, MemberTally> = BTreeMap::new();
    for m in personnel::queries::members(s).await? {
        members.insert(m.id.clone(), empty_tally(m.id));
    }
    // Eligible personnel and their weights, by account.
    let mut eligible: BTreeMap<PublicKey, (Slug, u64)> = BTreeMap::new();
    let mut recused = Vec::new();
    let mut recused_count = 0u32;
    let (people, _) = personnel::queries::personnel_page(s, 0, u64::MAX).await?;
    for person in people {
        if check_eligible(&person, params, class, now).is_err() {
            continue;
        }
        if is_recused(&person, p.subjects.as_slice()) {
            recused_count = recused_count.saturating_add(1);
            recused.push(person.account);
            continue;
        }
        let w = u64::from(p.tier_weight(person.tier));
        let t = members
            .entry(person.member.clone())
            .or_insert_with(|| empty_tally(person.member.clone()));
        t.eligible = t.eligible.saturating_add(w);
        eligible.insert(person.account, (person.member, w));
    }

    // Ballots: one per voter; counted only if the voter is eligible now.
    let mut early: BTreeMap<Slug, u64> = BTreeMap::new();
    let mut counted: BTreeMap<PublicKey, (Choice, u64)> = BTreeMap::new();
    let mut uncounted = 0u32;
    let voters = get_typed::<u64>(s, &keys::voter_count(p.id))
        .await?
        .unwrap_or(0);
    for n in 0..voters {
        let Some(voter) = get_typed::<PublicKey>(s, &keys::voter_at(p.id, n)).await? else {
            continue;
        };
        let Some(ballot) = get_typed::<Ballot>(s, &keys::ballot(p.id, &voter)).await? else {
            continue;
        };
        let Some((member, w)) = eligible.get(&voter) else {
            uncounted = uncounted.saturating_add(1);
            continue;
        };
        counted.insert(voter.clone(), (ballot.choice, ballot.first_cast_ms));
        count(
            &mut members,
            &mut early,
            member,
            *w,
            ballot.choice,
            ballot.first_cast_ms,
            cutoff_ms,
            false,
        );
    }

    // Delegations: an eligible person without a ballot of their own counts with their
    // delegate's counted ballot on this class (one level: a delegate's own delegation is not
    // followed). A direct ballot always wins, since only non-voters are looked up.
    for (account, (member, w)) in &eligible {
        if counted.contains_key(account) {
            continue;
        }
        let Some(d) = get_typed::<Delegation>(s, &keys::delegation(p.class, account)).await? else {
            continue;
        };
        let Some((choice, first_cast_ms)) = counted.get(&d.delegate).copied() else {
            continue;
        };
        count(
            &mut members,
            &mut early,
            member,
            *w,
            choice,
            first_cast_ms,
            cutoff_ms,
            true,
        );
    }

    // Member caps.
    let raw_total: u64 = members
        .values()
        .fold(0u64, |acc, t| acc.saturating_add(t.eligible));
    let cap = u128::from(raw_total) * u128::from(p.member_weight_cap_bps) / u128::from(BPS);
    let cap = u64::try_from(cap).unwrap_or(u64::MAX);
    let (mut yes, mut no, mut abstain, mut eligible_weight, mut early_turnout) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let (mut approving, mut vetoing) = (0u16, 0u16);
    for t in members.values_mut() {
        t.capped = t.eligible > cap;
        t.counted_eligible = t.eligible.min(cap);
        yes = yes.saturating_add(t.scale(t.yes));
        no = no.saturating_add(t.scale(t.no));
        abstain = abstain.saturating_add(t.scale(t.abstain));
        eligible_weight = eligible_weight.saturating_add(t.counted_eligible);
        if let Some(e) = early.get(&t.member) {
            early_turnout = early_turnout.saturating_add(t.scale(*e));
        }
        if t.approves() {
            approving = approving.saturating_add(1);
        }
        if t.rejects() {
            vetoing = vetoing.saturating_add(1);
        }
    }
    let turnout = yes.saturating_add(no).saturating_add(abstain);
    let quorum =
        |turnout: u64| eligible_weight > 0 && meets(turnout, params.quorum_bps, eligible_weight);
    let quorum_met = quorum(turnout);
    let decided = yes.saturating_add(no);
    let approval_met = decided > 0 && meets(yes, params.approval_bps, decided);
    let outcome = if !quorum_met {
        TallyOutcome::QuorumFailed
    } else if params.veto_members > 0 && vetoing >= params.veto_members {
        TallyOutcome::Vetoed
    } else if !approval_met {
        TallyOutcome::ApprovalFailed
    } else if approving < params.min_approving_members {
        TallyOutcome::TooFewApprovingMembers
    } else {
        TallyOutcome::Passed
    };
    let decision = Decision {
        tallied_ms: now,
        total_yes: yes,
        total_no: no,
        total_abstain: abstain,
        eligible_weight,
        raw_eligible_weight: raw_total,
        cap_weight: cap,
        quorum_met,
        approval_met,
        approving_members: approving,
        vetoing_members: vetoing,
        per_member: BoundedVec::truncating(members.into_values().collect()),
        recused: BoundedVec::truncating(recused),
        recused_count,
        uncounted_ballots: uncounted,
        outcome,
    };
    Ok(Tally {
        decision,
        quorum_met_at_cutoff: cutoff_ms.is_none() || quorum(early_turnout),
    })
}

/// Adds weight `w` with `choice` to `member`'s tally (and to its early turnout when the ballot
/// was first cast by the cutoff).
#[allow(clippy::too_many_arguments)]
fn count(
    members: &mut BTreeMap<Slug, MemberTally>,
    early: &mut BTreeMap<Slug, u64>,
    member: &Slug,
    w: u64,
    choice: Choice,
    first_cast_ms: u64,
    cutoff_ms: Option<u64>,
    delegated: bool,
) {
    let Some(t) = members.get_mut(member) else {
        return;
    };
    let slot = match choice {
        Choice::Yes => &mut t.yes,
        Choice::No => &mut t.no,
        Choice::Abstain => &mut t.abstain,
    };
    *slot = slot.saturating_add(w);
    if delegated {
        t.delegated = t.delegated.saturating_add(1);
    } else {
        t.voters = t.voters.saturating_add(1);
    }
    if cutoff_ms.is_some_and(|c| first_cast_ms <= c) {
        let e = early.entry(member.clone()).or_default();
        *e = e.saturating_add(w);
    }
}

fn empty_tally(member: Slug) -> MemberTally {
    MemberTally {
        member,
        yes: 0,
        no: 0,
        abstain: 0,
        eligible: 0,
        counted_eligible: 0,
        capped: false,
        voters: 0,
        delegated: 0,
    }
}
