//! Scenarios of the governance safeguards beyond the basic lifecycle: escalation of threats by
//! lower tiers, expiring emergency powers (lapse and ratification), cancellation by an
//! Emergency vote, bonded disputes (sustained and not), delegation, and explicit execution.
//! All through `execute_block` with signed transactions on [gov_genesis].

mod support;

use aigov_types::event::Event;
use aigov_types::governance::{
    Action, ChallengeProposal, Choice, DelegateVote, ExecuteProposal, GovernanceCall,
    ProposalClass, ProposalRef, ProposalStatus,
};
use aigov_types::personnel::PersonnelStatus;
use aigov_types::{Call, Hash};
use support::gov::*;
use support::*;

use Choice::{No, Yes};
use ProposalClass::{Emergency, Review};

/// The Emergency electorate of fr, de and jp voting together: passes under the test rules.
const EMERGENCY_YES: [(&str, Choice); 4] =
    [("alice", Yes), ("fabien", Yes), ("dora", Yes), ("jun", Yes)];
/// Review voters of fr, de, jp and eu enough to pass under the test rules.
const REVIEW_YES: [(&str, Choice); 5] = [
    ("fabien", Yes),
    ("dora", Yes),
    ("jun", Yes),
    ("elena", Yes),
    ("jiro", Yes),
];

fn escalate_call(title: &str, actions: Vec<Action>) -> Call {
    match propose_call(Emergency, title, actions) {
        Call::Governance(GovernanceCall::Propose(p)) => {
            Call::Governance(GovernanceCall::Escalate(p))
        }
        _ => unreachable!(),
    }
}

fn challenge_call(proposal: u64) -> Call {
    Call::Governance(GovernanceCall::Challenge(ChallengeProposal {
        proposal,
        grounds_hash: Hash::digest(&[b"grounds"]),
    }))
}

fn delegate_call(class: ProposalClass, to: Option<&str>) -> Call {
    Call::Governance(GovernanceCall::Delegate(DelegateVote {
        class,
        to: to.map(pk),
    }))
}

fn execute_call(proposal: u64) -> Call {
    Call::Governance(GovernanceCall::Execute(ExecuteProposal { proposal }))
}

fn code(c: &mut Chain, name: &str, call: Call) -> String {
    failure_code(&c.send(name, call).outcome).unwrap_or_else(|| panic!("{name}'s call succeeded"))
}

fn kinds_of(events: &[aigov_types::EventRecord]) -> Vec<&'static str> {
    kinds(events)
}

/// Votes `votes` on `id`, closes voting and runs until the proposal is no longer waiting.
fn pass(c: &mut Chain, id: u64, votes: &[(&str, Choice)]) -> Vec<aigov_types::EventRecord> {
    c.votes(id, votes);
    let ends = c.proposal(id).voting_ends_ms;
    let mut events = c.run_until(ends);
    let eta = c.proposal(id).eta_ms;
    events.extend(c.run_until(eta));
    events
}

/// A Review proposal vetting `name` (registered Pending here), queued and not yet executed.
fn queued_vetting(c: &mut Chain, name: &str) -> u64 {
    c.apply(&[register(&key(name), 0)]);
    let id = c.submit("dora", Review, &format!("Vet {name}"), vec![activate(name)]);
    c.votes(id, &REVIEW_YES);
    let ends = c.proposal(id).voting_ends_ms;
    c.run_until(ends);
    assert_eq!(c.proposal(id).status, ProposalStatus::Queued);
    id
}

#[test]
fn a_lower_tier_person_escalates_a_threat_to_an_emergency_vote_of_the_top_tiers() {
    let mut c = gov_chain(|_| {});
    // fleur is Safety at tier 3: below the Emergency class's tiers, so she cannot propose…
    assert_eq!(
        code(
            &mut c,
            "fleur",
            propose_call(Emergency, "Suspend Berta", vec![suspend("berta")])
        ),
        "tier_not_eligible"
    );
    // …but she can escalate, and only as an Emergency proposal.
    assert_eq!(
        code(
            &mut c,
            "fleur",
            Call::Governance(GovernanceCall::Escalate(
                match propose_call(Review, "x", vec![]) {
                    Call::Governance(GovernanceCall::Propose(p)) => p,
                    _ => unreachable!(),
                }
            ))
        ),
        "escalation_not_emergency"
    );
    let out = c.ok(
        "fleur",
        escalate_call("Suspend Berta", vec![suspend("berta")]),
    );
    // No voting delay for emergencies: voting opens at the end of the same block.
    assert_eq!(
        kinds_of(&out.events),
        [
            "proposal_submitted",
            "proposal_escalated",
            "tx_executed",
            "proposal_activated"
        ]
    );
    let id = c.proposal_count();
    let p = c.proposal(id);
    assert!(p.escalated);
    assert_eq!(p.class, Emergency);
    // fleur herself still may not vote on it: the top tiers decide.
    let raw = c.signed("fleur", vote_call(id, Yes));
    let (a, b, d, j) = (
        c.signed("alice", vote_call(id, Yes)),
        c.signed("fabien", vote_call(id, Yes)),
        c.signed("dora", vote_call(id, Yes)),
        c.signed("jun", vote_call(id, Yes)),
    );
    let out = c.apply(&[raw, a, b, d, j]);
    assert_eq!(
        failure_code(&out.receipts[0].outcome).as_deref(),
        Some("tier_not_eligible")
    );
    let ends = c.proposal(id).voting_ends_ms;
    let events = c.run_until(ends);
    assert!(kinds_of(&events).contains(&"proposal_executed"));
    assert_eq!(
        c.personnel(&pk("berta")).unwrap().status,
        PersonnelStatus::Suspended
    );
}

#[test]
fn an_unratified_emergency_suspension_lapses_and_is_rolled_back() {
    let mut c = gov_chain(|_| {});
    let id = c.submit("alice", Emergency, "Suspend Berta", vec![suspend("berta")]);
    pass(&mut c, id, &EMERGENCY_YES);
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::Executed);
    assert!(p.lapses_ms > c.now());
    assert_eq!(
        c.personnel(&pk("berta")).unwrap().status,
        PersonnelStatus::Suspended
    );
    let events = c.run_until(p.lapses_ms);
    let lapsed = events
        .iter()
        .find_map(|e| match &e.event {
            Event::EmergencyLapsed(l) => Some(l.clone()),
            _ => None,
        })
        .expect("the measure lapses");
    assert_eq!(
        (lapsed.proposal, lapsed.rolled_back, lapsed.kept),
        (id, 1, 0)
    );
    assert_eq!(c.proposal(id).status, ProposalStatus::Lapsed);
    assert_eq!(
        c.personnel(&pk("berta")).unwrap().status,
        PersonnelStatus::Active
    );
    // Too late to ratify.
    assert_eq!(
        code(
            &mut c,
            "dora",
            propose_call(
                Review,
                "Ratify",
                vec![Action::RatifyEmergency(ProposalRef { proposal: id })]
            )
        ),
        "invalid_action"
    );
}

#[test]
fn a_regular_proposal_ratifies_an_emergency_measure_before_it_lapses() {
    let mut c = gov_chain(|_| {});
    let id = c.submit("alice", Emergency, "Suspend Berta", vec![suspend("berta")]);
    pass(&mut c, id, &EMERGENCY_YES);
    let lapses = c.proposal(id).lapses_ms;
    let ratify = c.submit(
        "dora",
        Review,
        "Ratify the suspension of Berta",
        vec![Action::RatifyEmergency(ProposalRef { proposal: id })],
    );
    let events = pass(&mut c, ratify, &REVIEW_YES);
    assert!(c.now() < lapses, "ratified in time");
    assert!(kinds_of(&events).contains(&"emergency_ratified"));
    assert_eq!(c.proposal(id).ratified_by, Some(ratify));
    let events = c.run_until(lapses + BLOCK_MS);
    assert!(!kinds_of(&events).contains(&"emergency_lapsed"));
    assert_eq!(c.proposal(id).status, ProposalStatus::Executed);
    assert_eq!(
        c.personnel(&pk("berta")).unwrap().status,
        PersonnelStatus::Suspended
    );
}

#[test]
fn an_emergency_vote_cancels_a_live_proposal() {
    // A long timelock, so the emergency vote closes before the vetting would execute.
    let mut c = gov_chain(|g| g.governance.review.enactment_delay_ms = 20 * BLOCK_MS);
    let target = queued_vetting(&mut c, "nina");
    let id = c.submit(
        "alice",
        Emergency,
        "Stop the vetting of Nina",
        vec![Action::CancelProposal(ProposalRef { proposal: target })],
    );
    let events = pass(&mut c, id, &EMERGENCY_YES);
    let canceled = events
        .iter()
        .find_map(|e| match &e.event {
            Event::ProposalCanceledByVote(x) => Some(x.clone()),
            _ => None,
        })
        .expect("canceled by the vote");
    assert_eq!((canceled.proposal, canceled.by), (target, id));
    assert!(canceled.superseded.is_none());
    assert_eq!(c.proposal(target).status, ProposalStatus::Canceled);
    c.run_until(c.now() + 10 * BLOCK_MS);
    assert_eq!(
        c.personnel(&pk("nina")).unwrap().status,
        PersonnelStatus::Pending
    );
    // Only an Emergency proposal may carry it.
    assert_eq!(
        code(
            &mut c,
            "dora",
            propose_call(
                Review,
                "Cancel",
                vec![Action::CancelProposal(ProposalRef { proposal: target })]
            )
        ),
        "action_not_allowed"
    );
}

#[test]
fn a_sustained_challenge_cancels_the_proposal_and_returns_the_bond() {
    let mut c = gov_chain(|_| {});
    let target = queued_vetting(&mut c, "nina");
    let bond = c.gov_params().dispute_bond;
    let before = c.account(&pk("alice")).unwrap().gas;
    let out = c.ok("alice", challenge_call(target));
    let review = c.proposal_count();
    let challenged = out
        .events
        .iter()
        .find_map(|e| match &e.event {
            Event::ProposalChallenged(x) => Some(x.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(
        (challenged.proposal, challenged.bond, challenged.review),
        (target, bond, review)
    );
    assert_eq!(c.proposal(target).status, ProposalStatus::Disputed);
    assert_eq!(c.proposal(review).review_of, Some(target));
    assert_eq!(c.account(&pk("alice")).unwrap().gas, before - bond);
    // Execution waits for the review, even past the eta.
    c.votes(review, &EMERGENCY_YES);
    let mut events = c.run_until(c.proposal(target).eta_ms + BLOCK_MS);
    assert!(c.now() < c.proposal(review).voting_ends_ms);
    assert_eq!(c.proposal(target).status, ProposalStatus::Disputed);
    events.extend(c.run_until(c.proposal(review).voting_ends_ms));
    let resolved = events
        .iter()
        .find_map(|e| match &e.event {
            Event::DisputeResolved(x) => Some(x.clone()),
            _ => None,
        })
        .unwrap();
    assert!(resolved.sustained);
    assert_eq!(c.proposal(target).status, ProposalStatus::Canceled);
    assert_eq!(c.account(&pk("alice")).unwrap().gas, before);
    c.run_until(c.now() + 10 * BLOCK_MS);
    assert_eq!(
        c.personnel(&pk("nina")).unwrap().status,
        PersonnelStatus::Pending
    );
}

#[test]
fn an_unsustained_challenge_lets_the_proposal_execute_and_forfeits_the_bond_to_the_pool() {
    let mut c = gov_chain(|_| {});
    let target = queued_vetting(&mut c, "nina");
    let bond = c.gov_params().dispute_bond;
    let before = c.account(&pk("alice")).unwrap().gas;
    c.ok("alice", challenge_call(target));
    let review = c.proposal_count();
    let pool = c.pool();
    c.votes(review, &[("dora", No), ("jun", No), ("elena", No)]);
    let ends = c.proposal(review).voting_ends_ms;
    let mut events = c.run_until(ends);
    events.extend(c.run_until(c.now() + 3 * BLOCK_MS));
    assert_eq!(c.proposal(review).status, ProposalStatus::Defeated);
    let resolved = events
        .iter()
        .find_map(|e| match &e.event {
            Event::DisputeResolved(x) => Some(x.clone()),
            _ => None,
        })
        .unwrap();
    assert!(!resolved.sustained);
    assert_eq!(c.proposal(target).status, ProposalStatus::Executed);
    assert_eq!(
        c.personnel(&pk("nina")).unwrap().status,
        PersonnelStatus::Active
    );
    assert_eq!(c.account(&pk("alice")).unwrap().gas, before - bond);
    // The pool got the bond (and paid for the blocks' duties meanwhile).
    assert!(
        c.pool() + 200_000 > pool + bond,
        "bond forfeited to the pool"
    );
}

#[test]
fn a_challenge_needs_a_queued_proposal_before_its_eta_an_eligible_challenger_and_the_bond() {
    let mut c = gov_chain(|g| {
        g.governance.dispute_bond = 600_000;
        g.governance.review.enactment_delay_ms = 10 * BLOCK_MS;
    });
    c.apply(&[register(&key("nina"), 0)]);
    let id = c.submit("dora", Review, "Vet nina", vec![activate("nina")]);
    assert_eq!(
        code(&mut c, "alice", challenge_call(id)),
        "not_challengeable"
    );
    c.votes(id, &REVIEW_YES);
    let ends = c.proposal(id).voting_ends_ms;
    c.run_until(ends);
    // bruno has 500 000 credits; the bond is 600 000.
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::Queued, "{p:?}");
    assert!(c.next_ctx().time_ms < p.eta_ms);
    assert_eq!(
        code(&mut c, "bruno", challenge_call(id)),
        "insufficient_bond"
    );
    // clara (Auditor, Inspector) is Review-eligible at tier 2 but has no credits either.
    assert_eq!(
        code(&mut c, "clara", challenge_call(id)),
        "insufficient_bond"
    );
    // Past the eta it is too late.
    c.run_until(c.proposal(id).eta_ms);
    assert_eq!(
        code(&mut c, "alice", challenge_call(id)),
        "not_challengeable"
    );
    // Emergency measures cannot be challenged.
    let e = c.submit("alice", Emergency, "Suspend Berta", vec![suspend("berta")]);
    assert_eq!(
        code(&mut c, "alice", challenge_call(e)),
        "not_challengeable"
    );
}

#[test]
fn a_delegate_votes_for_the_delegator_unless_the_delegator_votes_themselves() {
    let mut c = gov_chain(|_| {});
    // fleur (fr, Safety) delegates Review to fabien (fr, Policy + Safety).
    let out = c.ok("fleur", delegate_call(Review, Some("fabien")));
    assert_eq!(kinds_of(&out.events), ["vote_delegated", "tx_executed"]);
    let id = c.submit("dora", Review, "A resolution", vec![]);
    c.votes(id, &[("fabien", Yes)]);
    let d = aigov_state::governance::queries::running_tally;
    let tally = futures::executor::block_on(d(&c.store, &c.proposal(id), c.now())).unwrap();
    let fr = tally
        .per_member
        .as_slice()
        .iter()
        .find(|m| m.member.as_str() == "fr")
        .unwrap()
        .clone();
    // fabien (tier 2: 2) and fleur through him (tier 3: 1).
    assert_eq!((fr.yes, fr.voters, fr.delegated), (3, 1, 1));
    // fleur's own ballot overrides.
    c.votes(id, &[("fleur", No)]);
    let tally = futures::executor::block_on(d(&c.store, &c.proposal(id), c.now())).unwrap();
    let fr = tally
        .per_member
        .as_slice()
        .iter()
        .find(|m| m.member.as_str() == "fr")
        .unwrap()
        .clone();
    assert_eq!((fr.yes, fr.no, fr.voters, fr.delegated), (2, 1, 2, 0));
    // Revoked, the delegation no longer counts.
    c.ok("fleur", delegate_call(Review, None));
    // Invalid delegations are named.
    assert_eq!(
        code(&mut c, "fleur", delegate_call(Review, Some("fleur"))),
        "invalid_delegate"
    );
    assert_eq!(
        code(&mut c, "fleur", delegate_call(Review, Some("dora"))),
        "invalid_delegate",
        "another member"
    );
    assert_eq!(
        code(&mut c, "fleur", delegate_call(Review, Some("alice"))),
        "invalid_delegate",
        "no shared role (alice is Policy only)"
    );
}

#[test]
fn execute_runs_a_queued_proposal_in_the_transaction_once_its_delay_passed() {
    let mut c = gov_chain(|_| {});
    let id = queued_vetting(&mut c, "nina");
    assert_eq!(code(&mut c, "alice", execute_call(id)), "not_executable");
    let eta = c.proposal(id).eta_ms;
    // The next block is at the eta: execute in a transaction of that block.
    while c.next_ctx().time_ms < eta {
        c.apply(&[]);
    }
    let out = c.ok("alice", execute_call(id));
    assert_eq!(
        kinds_of(&out.events),
        [
            "personnel_status_changed",
            "proposal_executed",
            "tx_executed"
        ]
    );
    assert_eq!(c.proposal(id).status, ProposalStatus::Executed);
    assert!(c.live().is_empty());
    assert_eq!(code(&mut c, "alice", execute_call(id)), "not_executable");
}

#[test]
fn execute_after_the_execution_window_fails_and_the_proposal_has_expired() {
    let mut c = gov_chain(|_| {});
    let id = queued_vetting(&mut c, "nina");
    let deadline = c.proposal(id).execution_deadline_ms();
    // No block between the eta and the end of the window (the chain was halted): the next
    // block expires it rather than executing it late, and an explicit execute is refused.
    c.skip(deadline + BLOCK_MS - c.now());
    let events = c.apply(&[]).events;
    assert!(kinds_of(&events).contains(&"proposal_expired"));
    assert_eq!(c.proposal(id).status, ProposalStatus::Expired);
    assert_eq!(code(&mut c, "alice", execute_call(id)), "not_executable");
    assert_eq!(
        c.personnel(&pk("nina")).unwrap().status,
        PersonnelStatus::Pending
    );
}
