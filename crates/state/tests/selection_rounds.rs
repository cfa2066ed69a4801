//! Scenarios of safety selection rounds: an exhaustive ballot among safety modules, opened by
//! a Safety proposal, voted by Safety-eligible personnel with tier weights and member caps,
//! decided sub-round by sub-round by the end-of-block hook, and the winner's award paid by the
//! treasury (or recorded unpaid). All through `execute_block` on [gov_genesis] (Safety
//! weights: fr 7, de 8, eu 2, jp 6; cap 9).

mod support;

use aigov_state::governance::rounds;
use aigov_state::treasury;
use aigov_types::codec::BoundedVec;
use aigov_types::event::Event;
use aigov_types::governance::{Action, Choice, GovernanceCall, ProposalClass, ProposalStatus};
use aigov_types::selection::{
    Candidate, OpenSelectionRound, RoundStatus, RoundVote, SelectionRound,
};
use aigov_types::treasury::PaymentReason;
use aigov_types::{Call, EventRecord, Hash};
use futures::executor::block_on;
use support::gov::*;
use support::*;

const SAFETY_YES: [(&str, Choice); 5] = [
    ("alice", Choice::Yes),
    ("fabien", Choice::Yes),
    ("dora", Choice::Yes),
    ("jun", Choice::Yes),
    ("jiro", Choice::Yes),
];
const ROUND_MS: u64 = 6 * BLOCK_MS;

fn candidate(name: &str) -> Candidate {
    Candidate {
        module: Hash::digest(&[b"module/", name.as_bytes()]),
        name: text(name),
        payee: pk(&format!("author-{name}")),
    }
}

/// Opens a round of `names` with `award` through a passing Safety proposal; returns its id.
fn open_round(c: &mut Chain, names: &[&str], award: u64) -> u64 {
    let action = Action::OpenSelectionRound(OpenSelectionRound {
        category: text("eval-harness"),
        candidates: BoundedVec::new(names.iter().map(|n| candidate(n)).collect()).unwrap(),
        award,
        round_ms: ROUND_MS,
    });
    let p = c.submit(
        "fabien",
        ProposalClass::Safety,
        "Select an eval harness",
        vec![action],
    );
    c.votes(p, &SAFETY_YES);
    let ends = c.proposal(p).voting_ends_ms;
    c.run_until(ends);
    let eta = c.proposal(p).eta_ms;
    c.run_until(eta);
    assert_eq!(c.proposal(p).status, ProposalStatus::Executed);
    block_on(rounds::round_count(&c.store)).unwrap()
}

fn round(c: &Chain, id: u64) -> SelectionRound {
    block_on(rounds::round(&c.store, id)).unwrap().unwrap()
}

fn vote(round: u64, candidate: u16) -> Call {
    Call::Governance(GovernanceCall::VoteRound(RoundVote { round, candidate }))
}

/// One block of round votes, each of which must succeed.
fn ballots(c: &mut Chain, id: u64, votes: &[(&str, u16)]) {
    let txs: Vec<_> = votes
        .iter()
        .map(|(who, cand)| c.signed(who, vote(id, *cand)))
        .collect();
    let out = c.apply(&txs);
    for (r, (who, _)) in out.receipts.iter().zip(votes) {
        assert_eq!(failure_code(&r.outcome), None, "{who}'s round vote failed");
    }
}

/// Runs to the end of the current sub-round; returns the events.
fn close_sub_round(c: &mut Chain, id: u64) -> Vec<EventRecord> {
    let ends = round(c, id).ends_ms;
    c.run_until(ends)
}

#[test]
fn a_three_candidate_round_is_decided_in_two_sub_rounds_and_the_award_is_paid() {
    let mut c = gov_chain(|_| {});
    let id = open_round(&mut c, &["alpha", "beta", "gamma"], 40_000);
    let r = round(&c, id);
    assert_eq!(
        (r.status, r.sub_round, r.remaining.len()),
        (RoundStatus::Open, 1, 3)
    );

    // Sub-round 1: alpha 6 (alice 4 + fabien 2), beta 4 (dora), gamma 2 (jiro, who first
    // voted alpha and changed): no majority of 12, gamma is eliminated.
    ballots(&mut c, id, &[("jiro", 0)]);
    ballots(
        &mut c,
        id,
        &[("alice", 0), ("fabien", 0), ("dora", 1), ("jiro", 2)],
    );
    // clara is no Safety voter.
    let refused = c.send("clara", vote(id, 0));
    assert_eq!(
        failure_code(&refused.outcome).as_deref(),
        Some("role_not_eligible")
    );
    let events = close_sub_round(&mut c, id);
    let k = kinds(&events);
    assert!(
        k.contains(&"round_tallied") && k.contains(&"candidate_eliminated"),
        "{k:?}"
    );
    let r = round(&c, id);
    assert_eq!((r.sub_round, r.remaining.as_slice()), (2, &[0u16, 1][..]));
    // Gamma is out of the running now.
    let out = c.send("jiro", vote(id, 2));
    assert_eq!(
        failure_code(&out.outcome).as_deref(),
        Some("not_a_candidate")
    );

    // Sub-round 2: ballots of sub-round 1 no longer count; beta 10 (dora 4, jun 4, jiro 2)
    // against alpha 6.
    ballots(
        &mut c,
        id,
        &[
            ("alice", 0),
            ("fabien", 0),
            ("dora", 1),
            ("jun", 1),
            ("jiro", 1),
        ],
    );
    let events = close_sub_round(&mut c, id);
    let r = round(&c, id);
    assert_eq!((r.status, r.winner), (RoundStatus::Decided, Some(1)));
    let decided = events
        .iter()
        .find_map(|e| match &e.event {
            Event::RoundDecided(d) => Some(d.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(decided.module, Some(candidate("beta").module));
    let paid = events
        .iter()
        .find_map(|e| match &e.event {
            Event::TreasuryPaid(p) => Some(p.clone()),
            _ => None,
        })
        .expect("the award is paid");
    assert_eq!(
        (paid.to, paid.amount, paid.reason, paid.proposal),
        (
            pk("author-beta"),
            40_000,
            PaymentReason::SafetyRoundAward(id),
            r.proposal
        )
    );
    assert_eq!(r.payment, Some(paid.id));
    assert!(block_on(rounds::live_rounds(&c.store)).unwrap().is_empty());
    // Closed.
    let out = c.send("dora", vote(id, 1));
    assert_eq!(failure_code(&out.outcome).as_deref(), Some("round_closed"));
}

#[test]
fn a_majority_in_the_first_sub_round_decides_at_once() {
    let mut c = gov_chain(|_| {});
    let id = open_round(&mut c, &["alpha", "beta"], 1_000);
    ballots(
        &mut c,
        id,
        &[("alice", 0), ("dora", 0), ("jun", 0), ("fabien", 1)],
    );
    let events = close_sub_round(&mut c, id);
    let k = kinds(&events);
    assert!(!k.contains(&"candidate_eliminated"), "{k:?}");
    let r = round(&c, id);
    assert_eq!(
        (r.status, r.winner, r.sub_round),
        (RoundStatus::Decided, Some(0), 1)
    );
    assert!(r.payment.is_some());
}

#[test]
fn a_round_without_votes_ends_undecided_and_pays_nothing() {
    let mut c = gov_chain(|_| {});
    let id = open_round(&mut c, &["alpha", "beta", "gamma"], 1_000);
    let outflows = block_on(treasury::ledger(&c.store)).unwrap().outflows;
    close_sub_round(&mut c, id);
    let r = round(&c, id);
    assert_eq!(
        (r.status, r.winner, r.payment),
        (RoundStatus::NoDecision, None, None)
    );
    assert_eq!(
        block_on(treasury::ledger(&c.store)).unwrap().outflows,
        outflows
    );
}

#[test]
fn a_winner_the_treasury_cannot_pay_is_recorded_unpaid() {
    let mut c = gov_chain(|g| g.treasury_supply = 0);
    let id = open_round(&mut c, &["alpha", "beta"], u64::MAX / 2);
    ballots(&mut c, id, &[("alice", 0), ("dora", 0), ("jun", 0)]);
    close_sub_round(&mut c, id);
    let r = round(&c, id);
    assert_eq!(
        (r.status, r.winner, r.payment),
        (RoundStatus::Decided, Some(0), None)
    );
    assert_eq!(
        r.unpaid.map(|f| f.code.as_str().to_string()).as_deref(),
        Some("insufficient_treasury_funds")
    );
}

#[test]
fn an_invalid_round_is_refused_when_proposing() {
    let mut c = gov_chain(|_| {});
    let one = Action::OpenSelectionRound(OpenSelectionRound {
        category: text("eval-harness"),
        candidates: BoundedVec::new(vec![candidate("alpha")]).unwrap(),
        award: 0,
        round_ms: ROUND_MS,
    });
    let out = c.send(
        "fabien",
        propose_call(ProposalClass::Safety, "Too few", vec![one]),
    );
    assert_eq!(
        failure_code(&out.outcome).as_deref(),
        Some("invalid_action")
    );
    let dup = Action::OpenSelectionRound(OpenSelectionRound {
        category: text("eval-harness"),
        candidates: BoundedVec::new(vec![candidate("alpha"), candidate("alpha")]).unwrap(),
        award: 0,
        round_ms: ROUND_MS,
    });
    let out = c.send(
        "fabien",
        propose_call(ProposalClass::Review, "Wrong class", vec![dup]),
    );
    assert_eq!(
        failure_code(&out.outcome).as_deref(),
        Some("action_not_allowed")
    );
}
