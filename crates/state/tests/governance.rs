//! Scenarios of governance: proposals, ballots, the concurrent-majority tally, the timelock and
//! execution, all through `execute_block` with signed transactions (the `Chain` harness over
//! [gov_genesis]: fr, de, eu and jp personnel; tier weights 4/2/1; short periods).

mod support;

use aigov_state::app::Pending;
use aigov_state::{AdmissionError, Mode};
use aigov_types::event::Event;
use aigov_types::governance::{
    Action, Choice, ClassParamsChange, ProposalClass, ProposalStatus, Subject, TallyOutcome,
    TierChange,
};
use aigov_types::personnel::PersonnelStatus;
use aigov_types::receipt::GasPayer;
use aigov_types::{BoundedVec, Hash};
use bytes::Bytes;
use support::gov::*;
use support::*;

use Choice::{Abstain, No, Yes};
use ProposalClass::{Emergency, Review, System};

/// Registers `name` (Pending, member fr, Safety, tier 2).
fn register_pending(c: &mut Chain, name: &str) {
    let out = c.apply(&[register(&key(name), 0)]);
    assert_eq!(failure_code(&out.receipts[0].outcome), None);
}

/// The code of a call from `name` that must fail (applied in its own block).
fn fails(c: &mut Chain, name: &str, call: aigov_types::Call) -> String {
    let r = c.send(name, call);
    failure_code(&r.outcome).unwrap_or_else(|| panic!("{name}'s call succeeded"))
}

/// The admission error of a call from `name` that must be refused: a verifier rejects the
/// block and a proposer leaves it out.
fn refused(c: &mut Chain, name: &str, call: aigov_types::Call) -> AdmissionError {
    let raw = c.signed(name, call);
    let before = c.store.clone();
    let err = c
        .try_apply(std::slice::from_ref(&raw), Mode::Verify)
        .unwrap_err();
    assert_eq!(c.store, before);
    let out = c.propose(&[raw]);
    assert!(out.included.is_empty());
    inadmissible(err).1
}

/// Kinds of the events with no transaction (emitted by the end-of-block hook).
fn hook_kinds(events: &[aigov_types::EventRecord]) -> Vec<&'static str> {
    let hooks: Vec<_> = events.iter().filter(|e| e.tx.is_none()).cloned().collect();
    kinds(&hooks)
}

/// Votes the whole Review electorate of a member: fr 7, de 8, eu 4, jp 6.
fn member_votes(member: &str, choice: Choice) -> Vec<(&'static str, Choice)> {
    GOV_PEOPLE
        .iter()
        .filter(|p| p.1 == member)
        .map(|p| (p.0, choice))
        .collect()
}

/// Runs proposal `id` to its tally (the block at `voting_ends_ms`).
fn close_voting(c: &mut Chain, id: u64) -> Vec<aigov_types::EventRecord> {
    let ends = c.proposal(id).voting_ends_ms;
    c.run_until(ends)
}

#[test]
fn a_vetting_vote_activates_a_pending_person_end_to_end() {
    let mut c = gov_chain(|_| {});
    register_pending(&mut c, "nina");
    assert_eq!(
        c.personnel(&pk("nina")).unwrap().status,
        PersonnelStatus::Pending
    );
    let alice_gas = c.account(&pk("alice")).unwrap().gas;

    // alice proposes; the pool pays.
    let out = c.ok(
        "alice",
        propose_call(Review, "Vet Nina", vec![activate("nina")]),
    );
    assert_eq!(out.receipts[0].payer, GasPayer::Pool);
    assert_eq!(c.account(&pk("alice")).unwrap().gas, alice_gas);
    assert_eq!(kinds(&out.events), ["proposal_submitted", "tx_executed"]);
    let p = c.proposal(1);
    assert_eq!(p.status, ProposalStatus::Pending);
    assert_eq!(p.proposer, pk("alice"));
    assert_eq!(p.created_ms, c.now());
    assert_eq!(p.voting_starts_ms, c.now() + BLOCK_MS);
    assert_eq!(p.voting_ends_ms, p.voting_starts_ms + 5 * BLOCK_MS);
    assert_eq!(p.params, c.gov_params().review);
    assert_eq!(p.subjects.as_slice(), [Subject::Person(pk("nina"))]);
    assert_eq!(c.live(), [1]);

    // Personnel of four members vote in the first voting block; the hook then opens voting.
    let out = c.votes(
        1,
        &[("alice", Yes), ("dora", Yes), ("jun", Yes), ("elena", Yes)],
    );
    assert!(out.receipts.iter().all(|r| r.payer == GasPayer::Pool));
    assert_eq!(hook_kinds(&out.events), ["proposal_activated"]);
    assert_eq!(c.proposal(1).status, ProposalStatus::Active);
    let Event::VoteCast(v) = &out.events[0].event else {
        panic!("{:?}", out.events[0])
    };
    assert_eq!(
        (v.proposal, v.choice, v.weight, v.previous),
        (1, Yes, 4, None)
    );
    assert_eq!(v.member, slug("fr"));

    // The tally at the end of voting: passed, queued behind the enactment delay.
    let events = close_voting(&mut c, 1);
    assert_eq!(hook_kinds(&events), ["proposal_tallied", "proposal_queued"]);
    let p = c.proposal(1);
    assert_eq!(p.status, ProposalStatus::Queued);
    assert_eq!(p.eta_ms, c.now() + 2 * BLOCK_MS);
    let d = p.decision.unwrap();
    assert_eq!(d.outcome, TallyOutcome::Passed);
    assert_eq!((d.total_yes, d.total_no, d.total_abstain), (14, 0, 0));
    assert_eq!(
        (d.eligible_weight, d.raw_eligible_weight, d.cap_weight),
        (25, 25, 10)
    );
    assert!(d.quorum_met && d.approval_met);
    assert_eq!((d.approving_members, d.vetoing_members), (4, 0));
    let fr = d
        .per_member
        .iter()
        .find(|m| m.member == slug("fr"))
        .unwrap();
    assert_eq!(
        (fr.yes, fr.eligible, fr.voters, fr.capped),
        (4, 7, 1, false)
    );
    assert_eq!(
        c.personnel(&pk("nina")).unwrap().status,
        PersonnelStatus::Pending,
        "nothing happens before the eta"
    );

    // At the eta the action runs: nina is Active.
    let events = c.run_until(p.eta_ms);
    assert_eq!(
        hook_kinds(&events),
        ["personnel_status_changed", "proposal_executed"]
    );
    let Event::PersonnelStatusChanged(ch) = &events[0].event else {
        unreachable!()
    };
    assert_eq!(
        (ch.account.clone(), ch.from, ch.to),
        (
            pk("nina"),
            PersonnelStatus::Pending,
            PersonnelStatus::Active
        )
    );
    assert_eq!(c.proposal(1).status, ProposalStatus::Executed);
    assert_eq!(
        c.personnel(&pk("nina")).unwrap().status,
        PersonnelStatus::Active
    );
    assert!(c.live().is_empty());

    // nina may now propose and vote, paid by the pool.
    let id = c.submit("nina", Review, "Renew Fleur", vec![renew("fleur")]);
    assert_eq!(id, 2);
}

#[test]
fn a_changed_vote_replaces_the_earlier_ballot() {
    let mut c = gov_chain(|_| {});
    let id = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    let first = c.now() + BLOCK_MS;
    c.votes(id, &[("dora", Yes)]);
    let out = c.ok(
        "dora",
        aigov_types::Call::Governance(aigov_types::governance::GovernanceCall::Vote(
            aigov_types::governance::CastVote {
                proposal: id,
                choice: No,
                rationale: Some(Hash::digest(&[b"changed my mind"])),
            },
        )),
    );
    let Event::VoteCast(v) = &out.events[0].event else {
        unreachable!()
    };
    assert_eq!((v.choice, v.previous), (No, Some(Yes)));
    let ballots = c.ballots(id);
    assert_eq!(ballots.len(), 1, "one ballot per person");
    let b = &ballots[0];
    assert_eq!((b.voter.clone(), b.choice), (pk("dora"), No));
    assert_eq!(b.rationale, Some(Hash::digest(&[b"changed my mind"])));
    assert_eq!((b.first_cast_ms, b.cast_ms), (first, c.now()));
    c.votes(id, &[("dora", Abstain)]);
    assert_eq!(c.ballot(id, "dora").unwrap().choice, Abstain);
    close_voting(&mut c, id);
    let d = c.proposal(id).decision.unwrap();
    assert_eq!((d.total_yes, d.total_no, d.total_abstain), (0, 0, 4));
}

#[test]
fn a_vote_before_voting_opens_fails_with_voting_not_started() {
    let mut c = gov_chain(|_| {});
    // Propose and vote in the same block: voting opens one block later.
    let txs = [
        c.signed(
            "alice",
            propose_call(Review, "Renew Fleur", vec![renew("fleur")]),
        ),
        c.signed("dora", vote_call(1, Yes)),
    ];
    let out = c.apply(&txs);
    assert_eq!(failure_code(&out.receipts[0].outcome), None);
    assert_eq!(
        failure_code(&out.receipts[1].outcome).as_deref(),
        Some("voting_not_started")
    );
    assert!(c.ballots(1).is_empty());
}

#[test]
fn a_vote_after_voting_closes_fails_with_voting_closed() {
    let mut c = gov_chain(|_| {});
    let id = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    let ends = c.proposal(id).voting_ends_ms;
    c.run_until(ends - BLOCK_MS);
    // The block at `voting_ends_ms`: its transactions run before the hook tallies.
    assert_eq!(c.next_ctx().time_ms, ends);
    assert_eq!(fails(&mut c, "dora", vote_call(id, Yes)), "voting_closed");
    assert_eq!(c.proposal(id).status, ProposalStatus::QuorumFailed);
    assert_eq!(fails(&mut c, "dora", vote_call(id, Yes)), "voting_closed");
}

#[test]
fn a_vote_on_an_unknown_proposal_fails_with_unknown_proposal() {
    let mut c = gov_chain(|_| {});
    assert_eq!(
        fails(&mut c, "dora", vote_call(99, Yes)),
        "unknown_proposal"
    );
}

#[test]
fn a_vote_by_a_role_the_class_does_not_admit_fails_with_role_not_eligible() {
    let mut c = gov_chain(|_| {});
    // System admits Policy only; bruno is Safety.
    let id = c.submit("alice", System, "Retier Fleur", vec![tier("fleur", 2)]);
    c.apply(&[]);
    assert_eq!(
        fails(&mut c, "bruno", vote_call(id, Yes)),
        "role_not_eligible"
    );
}

#[test]
fn a_vote_by_a_tier_below_the_class_lowest_fails_with_tier_not_eligible() {
    let mut c = gov_chain(|_| {});
    // System admits tiers 1–2; dieter is a tier-3 Policy person.
    let id = c.submit("alice", System, "Retier Fleur", vec![tier("fleur", 2)]);
    c.apply(&[]);
    assert_eq!(
        fails(&mut c, "dieter", vote_call(id, Yes)),
        "tier_not_eligible"
    );
}

#[test]
fn a_vote_by_a_pending_person_or_a_non_personnel_account_is_refused_at_admission() {
    let mut c = gov_chain(|_| {});
    register_pending(&mut c, "nina");
    let id = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    c.apply(&[]);
    let err = refused(&mut c, "nina", vote_call(id, Yes));
    assert_eq!(err.code(), "not_active_personnel");
    assert_eq!(
        err,
        AdmissionError::NotActivePersonnel {
            sender: pk("nina"),
            status: Some(PersonnelStatus::Pending)
        }
    );
    // A funded account that is not personnel cannot pay for a duty itself either.
    let err = refused(&mut c, "funded", vote_call(id, Yes));
    assert_eq!(
        err,
        AdmissionError::NotActivePersonnel {
            sender: pk("funded"),
            status: None
        }
    );
    let err = c
        .admit(
            &c.signed("nobody", propose_call(Review, "x", vec![])),
            Pending::default(),
        )
        .unwrap_err();
    assert_eq!(err.code(), "not_active_personnel");
}

#[test]
fn the_subject_of_an_action_and_their_organisation_are_recused() {
    let mut c = gov_chain(|_| {});
    // bruno and berta both work for dc-berlin.
    let id = c.submit("alice", Review, "Suspend Bruno", vec![suspend("bruno")]);
    let p = c.proposal(id);
    assert_eq!(
        p.subjects.as_slice(),
        [
            Subject::Person(pk("bruno")),
            Subject::Organisation(slug("dc-berlin"))
        ]
    );
    c.apply(&[]);
    assert_eq!(fails(&mut c, "bruno", vote_call(id, No)), "recused");
    assert_eq!(fails(&mut c, "berta", vote_call(id, No)), "recused");
    c.votes(id, &[("dora", Yes), ("dieter", Yes)]);
    close_voting(&mut c, id);
    let d = c.proposal(id).decision.unwrap();
    let mut recused = d.recused.as_slice().to_vec();
    recused.sort();
    let mut expected = vec![pk("bruno"), pk("berta")];
    expected.sort();
    assert_eq!((recused, d.recused_count), (expected, 2));
    // de counts dora and dieter only: 4 + 1.
    let de = d
        .per_member
        .iter()
        .find(|m| m.member == slug("de"))
        .unwrap();
    assert_eq!((de.eligible, de.yes), (5, 5));
    assert_eq!(d.raw_eligible_weight, 25 - 3);
}

#[test]
fn too_little_turnout_fails_the_quorum() {
    let mut c = gov_chain(|_| {});
    let id = c.submit("alice", Review, "Resolution", vec![]);
    c.votes(id, &[("alice", Yes), ("dora", Yes), ("jun", No)]);
    let events = close_voting(&mut c, id);
    assert_eq!(hook_kinds(&events), ["proposal_tallied"]);
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::QuorumFailed);
    let d = p.decision.unwrap();
    // 12 of 25 voted: below half.
    assert_eq!((d.total_yes + d.total_no, d.eligible_weight), (12, 25));
    assert_eq!(d.outcome, TallyOutcome::QuorumFailed);
    assert!(c.live().is_empty());
}

#[test]
fn a_weighted_majority_below_the_approval_threshold_is_defeated() {
    let mut c = gov_chain(|_| {});
    let id = c.submit("alice", Review, "Resolution", vec![]);
    let mut votes = member_votes("fr", Yes);
    votes.extend(member_votes("eu", Yes));
    votes.extend(member_votes("de", No));
    votes.extend(member_votes("jp", No));
    c.votes(id, &votes);
    close_voting(&mut c, id);
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::Defeated);
    let d = p.decision.unwrap();
    assert_eq!((d.total_yes, d.total_no), (11, 14));
    assert_eq!(d.outcome, TallyOutcome::ApprovalFailed);
    assert_eq!((d.approving_members, d.vetoing_members), (2, 2));
}

#[test]
fn a_weighted_majority_of_too_few_members_is_blocked_by_the_concurrent_majority_rule() {
    let mut c = gov_chain(|g| g.governance.review.min_approving_members = 3);
    let id = c.submit("alice", Review, "Resolution", vec![]);
    let mut votes = member_votes("fr", Yes);
    votes.extend(member_votes("de", Yes));
    votes.extend(member_votes("eu", Abstain));
    votes.extend(member_votes("jp", Abstain));
    c.votes(id, &votes);
    close_voting(&mut c, id);
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::Defeated);
    let d = p.decision.unwrap();
    // Unanimous among those who took sides, full turnout: only the member count fails.
    assert!(d.quorum_met && d.approval_met);
    assert_eq!((d.total_yes, d.total_no, d.total_abstain), (15, 0, 10));
    assert_eq!(d.approving_members, 2);
    assert_eq!(d.outcome, TallyOutcome::TooFewApprovingMembers);
}

#[test]
fn enough_members_rejecting_by_their_own_majority_veto_a_passing_proposal() {
    let mut c = gov_chain(|g| g.governance.review.veto_members = 2);
    let id = c.submit("alice", Review, "Resolution", vec![]);
    let mut votes = member_votes("fr", Yes);
    votes.extend(member_votes("de", Yes));
    // eu rejects 2 to 0 (clara abstains); jp rejects 2 to 0 (jun does not vote).
    votes.extend([("elena", No), ("clara", Abstain), ("jiro", No)]);
    c.votes(id, &votes);
    close_voting(&mut c, id);
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::Defeated);
    let d = p.decision.unwrap();
    assert!(
        d.quorum_met && d.approval_met,
        "the totals alone would pass"
    );
    assert_eq!((d.total_yes, d.total_no), (15, 4));
    assert_eq!((d.approving_members, d.vetoing_members), (2, 2));
    assert_eq!(d.outcome, TallyOutcome::Vetoed);
}

/// Five more tier-1 Policy personnel for fr: fr's Review weight becomes 27 of 45.
fn heavy_fr(g: &mut aigov_types::Genesis) {
    let mut people = g.personnel.as_slice().to_vec();
    for n in 0..5 {
        let mut p = people[0].clone();
        p.account = pk(&format!("fr-{n}"));
        p.name = text(&format!("fr-{n}"));
        people.push(p);
    }
    g.personnel = BoundedVec::new(people).unwrap();
    g.governance.review.quorum_bps = 6_000;
    g.governance.review.min_approving_members = 1;
}

fn fr_votes_alone(c: &mut Chain) -> aigov_types::governance::Decision {
    let id = c.submit("alice", Review, "Resolution", vec![]);
    let mut votes = member_votes("fr", Yes);
    let extra: Vec<String> = (0..5).map(|n| format!("fr-{n}")).collect();
    votes.extend(extra.iter().map(|n| (n.as_str(), Yes)));
    c.votes(id, &votes);
    close_voting(c, id);
    c.proposal(id).decision.unwrap()
}

#[test]
fn a_member_with_many_high_tier_personnel_cannot_pass_a_proposal_alone_under_the_cap() {
    let mut c = gov_chain(heavy_fr);
    let d = fr_votes_alone(&mut c);
    // fr's 27 counts as the cap, 40 % of 45 = 18; the others count 18 in full.
    let fr = d
        .per_member
        .iter()
        .find(|m| m.member == slug("fr"))
        .unwrap();
    assert_eq!(
        (fr.eligible, fr.counted_eligible, fr.capped),
        (27, 18, true)
    );
    assert_eq!(
        (d.raw_eligible_weight, d.cap_weight, d.eligible_weight),
        (45, 18, 36)
    );
    assert_eq!(d.total_yes, 18);
    assert!(!d.quorum_met, "18 of 36 is below the 60 % quorum");
    assert_eq!(d.outcome, TallyOutcome::QuorumFailed);
    for m in d.per_member.iter() {
        assert!(m.counted_eligible <= d.cap_weight);
    }

    // Without the cap the same ballots would pass: 27 of 45 is 60 %.
    let mut c = gov_chain(|g| {
        heavy_fr(g);
        g.governance.member_weight_cap_bps = 10_000;
    });
    let d = fr_votes_alone(&mut c);
    assert_eq!(d.outcome, TallyOutcome::Passed);
}

#[test]
fn the_proposer_may_cancel_while_pending_but_not_after_voting_opens_and_nobody_else_may() {
    let mut c = gov_chain(|g| g.governance.review.voting_delay_ms = 3 * BLOCK_MS);
    let id = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    assert_eq!(fails(&mut c, "dora", cancel_call(id)), "not_proposer");
    let out = c.ok("alice", cancel_call(id));
    assert_eq!(kinds(&out.events), ["proposal_canceled", "tx_executed"]);
    assert_eq!(c.proposal(id).status, ProposalStatus::Canceled);
    assert!(c.live().is_empty());
    assert_eq!(fails(&mut c, "alice", cancel_call(id)), "not_cancelable");
    assert_eq!(fails(&mut c, "dora", vote_call(id, Yes)), "voting_closed");
    // The same proposal may be submitted again once the first is closed.
    let again = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    let starts = c.proposal(again).voting_starts_ms;
    c.run_until(starts);
    assert_eq!(c.proposal(again).status, ProposalStatus::Active);
    assert_eq!(fails(&mut c, "alice", cancel_call(again)), "not_cancelable");
    assert_eq!(fails(&mut c, "alice", cancel_call(99)), "unknown_proposal");
}

#[test]
fn an_emergency_suspension_takes_effect_when_its_vote_closes_and_the_suspended_cannot_vote() {
    let mut c = gov_chain(|_| {});
    // No voting delay: the hook of the proposing block opens voting.
    let out = c.ok(
        "alice",
        propose_call(Emergency, "Suspend Jiro", vec![suspend("jiro")]),
    );
    assert_eq!(hook_kinds(&out.events), ["proposal_activated"]);
    let id = 1;
    c.votes(
        id,
        &[("alice", Yes), ("dora", Yes), ("elena", Yes), ("jun", Yes)],
    );
    let events = close_voting(&mut c, id);
    // Tallied, queued and executed by the same hook: no enactment delay.
    assert_eq!(
        hook_kinds(&events),
        [
            "proposal_tallied",
            "proposal_queued",
            "personnel_status_changed",
            "proposal_executed"
        ]
    );
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::Executed);
    assert_eq!(p.eta_ms, p.voting_ends_ms);
    assert_eq!(
        c.personnel(&pk("jiro")).unwrap().status,
        PersonnelStatus::Suspended
    );
    // A suspended person's duties are refused at admission.
    let other = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    c.apply(&[]);
    let err = refused(&mut c, "jiro", vote_call(other, Yes));
    assert_eq!(
        err,
        AdmissionError::NotActivePersonnel {
            sender: pk("jiro"),
            status: Some(PersonnelStatus::Suspended)
        }
    );
}

#[test]
fn a_class_parameter_change_applies_only_to_proposals_created_after_it() {
    let mut c = gov_chain(|_| {});
    let mut stricter = c.gov_params().review;
    stricter.quorum_bps = 9_000;
    let change = Action::SetClassParams(ClassParamsChange {
        class: Review,
        params: stricter.clone(),
    });
    // The change and a Review proposal are submitted in the same block.
    let txs = [
        c.signed(
            "alice",
            propose_call(System, "Stricter reviews", vec![change]),
        ),
        c.signed(
            "dora",
            propose_call(Review, "Renew Fleur", vec![renew("fleur")]),
        ),
    ];
    c.apply(&txs);
    let (system, before) = (1, 2);
    c.votes(
        system,
        &[("alice", Yes), ("fabien", Yes), ("dora", Yes), ("jun", Yes)],
    );
    // 14 of 25 on the Review proposal: enough under the old quorum (50 %), not the new (90 %).
    c.votes(
        before,
        &[("alice", Yes), ("dora", Yes), ("jun", Yes), ("elena", Yes)],
    );
    close_voting(&mut c, system);
    let events = c.run_until(c.proposal(system).eta_ms);
    assert!(hook_kinds(&events).contains(&"class_params_changed"));
    assert_eq!(c.proposal(system).status, ProposalStatus::Executed);
    assert_eq!(c.gov_params().review, stricter);

    // The earlier proposal runs under the parameters it was created with.
    assert_eq!(c.proposal(before).params.quorum_bps, 5_000);
    c.run_until(c.proposal(before).eta_ms);
    assert_eq!(c.proposal(before).status, ProposalStatus::Executed);

    // A later one runs under the new parameters: the same turnout no longer suffices.
    let after = c.submit("dora", Review, "Renew Jiro", vec![renew("jiro")]);
    assert_eq!(c.proposal(after).params, stricter);
    c.votes(
        after,
        &[("alice", Yes), ("dora", Yes), ("jun", Yes), ("elena", Yes)],
    );
    close_voting(&mut c, after);
    assert_eq!(c.proposal(after).status, ProposalStatus::QuorumFailed);
}

#[test]
fn executing_a_proposal_cancels_a_conflicting_one_it_made_impossible() {
    let mut c = gov_chain(|_| {});
    register_pending(&mut c, "nina");
    let alice_term = c.personnel(&pk("alice")).unwrap().term_expires_ms;
    // Both are valid when proposed and both act on nina: the second is flagged as
    // conflicting with the first.
    let first = c.signed(
        "dora",
        propose_call(Review, "Remove Nina", vec![remove("nina")]),
    );
    // Two transactions of one sender in one block: consecutive nonces.
    let second = {
        let k = key("dora");
        sign(
            tx(
                &k,
                c.nonce(&k.public_key()) + 1,
                propose_call(
                    Review,
                    "Renew Alice, vet Nina",
                    vec![renew("alice"), activate("nina")],
                ),
            ),
            &k,
        )
    };
    let out = c.apply(&[first, second]);
    assert!(
        out.receipts
            .iter()
            .all(|r| failure_code(&r.outcome).is_none())
    );
    let flagged = out
        .events
        .iter()
        .find_map(|e| match &e.event {
            Event::ProposalConflicts(f) => Some(f.clone()),
            _ => None,
        })
        .expect("the second proposal is flagged");
    assert_eq!(
        (flagged.proposal, flagged.with.as_slice()),
        (2, &[1u64][..])
    );
    assert_eq!(c.proposal(2).conflicts.as_slice(), &[1]);
    for id in [1, 2] {
        c.votes(
            id,
            &[
                ("fabien", Yes),
                ("dora", Yes),
                ("jun", Yes),
                ("elena", Yes),
                ("jiro", Yes),
            ],
        );
    }
    close_voting(&mut c, 1);
    // Executing the removal re-checks the second proposal: nina can no longer be vetted, so
    // it is canceled as superseded instead of failing later.
    let events = c.run_until(c.proposal(1).eta_ms);
    assert_eq!(
        hook_kinds(&events),
        [
            "personnel_status_changed",
            "proposal_executed",
            "proposal_canceled_by_vote"
        ]
    );
    assert_eq!(
        c.personnel(&pk("nina")).unwrap().status,
        PersonnelStatus::Removed
    );
    let p = c.proposal(2);
    assert_eq!(p.status, ProposalStatus::Canceled);
    let Event::ProposalCanceledByVote(f) = &events[2].event else {
        unreachable!()
    };
    assert_eq!((f.proposal, f.by), (2, 1));
    assert_eq!(
        f.superseded.as_ref().unwrap().code.as_str(),
        "invalid_action"
    );
    // Nothing of the second proposal ran.
    assert_eq!(
        c.personnel(&pk("alice")).unwrap().term_expires_ms,
        alice_term
    );
    c.apply(&[]);
    assert!(c.live().is_empty());
}

#[test]
fn a_failing_action_leaves_no_partial_effect() {
    let mut c = gov_chain(|g| g.treasury_supply = 1_000);
    let dieter_term = c.personnel(&pk("dieter")).unwrap().term_expires_ms;
    // The renewal can run; the award cannot (the treasury holds too little), which only
    // execution finds out.
    let award = Action::AwardTreasury(aigov_types::treasury::TreasuryAward {
        to: pk("nina"),
        amount: 1_000_000_000,
        reason: aigov_types::treasury::PaymentReason::Grant,
        memo: text("too much"),
    });
    let id = c.submit(
        "alice",
        System,
        "Renew Dieter and fund Nina",
        vec![renew("dieter"), award],
    );
    c.votes(
        id,
        &[("alice", Yes), ("fabien", Yes), ("dora", Yes), ("jun", Yes)],
    );
    close_voting(&mut c, id);
    let events = c.run_until(c.proposal(id).eta_ms);
    assert_eq!(hook_kinds(&events), ["proposal_execution_failed"]);
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    let reason = p.execution_failure.unwrap();
    assert_eq!(reason.code.as_str(), "insufficient_treasury_funds");
    let failed = events
        .iter()
        .find_map(|e| match &e.event {
            Event::ProposalExecutionFailed(f) => Some(f.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!((failed.proposal, failed.action), (id, 1));
    // The renewal that ran first was rolled back with the failure.
    assert_eq!(
        c.personnel(&pk("dieter")).unwrap().term_expires_ms,
        dieter_term
    );
    assert!(c.live().is_empty());
}

#[test]
fn a_queued_proposal_not_executed_within_its_window_expires() {
    let mut c = gov_chain(|_| {});
    register_pending(&mut c, "nina");
    let id = c.submit("alice", Review, "Vet Nina", vec![activate("nina")]);
    c.votes(
        id,
        &[("alice", Yes), ("dora", Yes), ("jun", Yes), ("elena", Yes)],
    );
    close_voting(&mut c, id);
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::Queued);
    // The chain stalls past the execution window: the next block expires it.
    c.skip(p.execution_deadline_ms() - c.now());
    let out = c.apply(&[]);
    assert_eq!(hook_kinds(&out.events), ["proposal_expired"]);
    assert_eq!(c.proposal(id).status, ProposalStatus::Expired);
    assert_eq!(
        c.personnel(&pk("nina")).unwrap().status,
        PersonnelStatus::Pending
    );
    assert!(c.live().is_empty());
}

#[test]
fn a_quorum_reached_late_extends_voting_once_and_the_extensions_are_capped() {
    let late = |c: &mut Chain| {
        let id = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
        let ends = c.proposal(id).voting_ends_ms;
        // Quorum is reached in the last voting block.
        c.run_until(ends - 2 * BLOCK_MS);
        c.votes(
            id,
            &[("alice", Yes), ("dora", Yes), ("jun", Yes), ("elena", Yes)],
        );
        (id, ends)
    };
    let mut c = gov_chain(|g| {
        g.governance.review.late_quorum_extension_ms = 3 * BLOCK_MS;
        g.governance.review.max_extensions = 1;
    });
    let (id, ends) = late(&mut c);
    let events = c.run_until(ends);
    assert_eq!(hook_kinds(&events), ["voting_extended"]);
    let p = c.proposal(id);
    assert_eq!((p.status, p.extensions), (ProposalStatus::Active, 1));
    assert_eq!(p.voting_ends_ms, ends + 3 * BLOCK_MS);
    // Voting is open during the extension.
    c.votes(id, &[("jiro", No)]);
    // At the new end quorum was already met before the extension: no second one.
    let events = c.run_until(p.voting_ends_ms);
    assert_eq!(hook_kinds(&events), ["proposal_tallied", "proposal_queued"]);
    assert_eq!(c.proposal(id).decision.unwrap().total_no, 2);

    // With no extension allowed the same late quorum decides at once.
    let mut c = gov_chain(|g| {
        g.governance.review.late_quorum_extension_ms = 3 * BLOCK_MS;
        g.governance.review.max_extensions = 0;
    });
    let (id, ends) = late(&mut c);
    let events = c.run_until(ends);
    assert_eq!(hook_kinds(&events), ["proposal_tallied", "proposal_queued"]);
    assert_eq!(c.proposal(id).extensions, 0);

    // A quorum reached before the last stretch extends nothing.
    let mut c = gov_chain(|g| {
        g.governance.review.late_quorum_extension_ms = 2 * BLOCK_MS;
        g.governance.review.max_extensions = 3;
    });
    let id = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    c.votes(
        id,
        &[("alice", Yes), ("dora", Yes), ("jun", Yes), ("elena", Yes)],
    );
    let events = close_voting(&mut c, id);
    assert_eq!(hook_kinds(&events), ["proposal_tallied", "proposal_queued"]);
}

#[test]
fn a_proposal_must_keep_passing_through_its_confirm_period() {
    let confirm = |g: &mut aigov_types::Genesis| {
        g.governance.review.confirm_period_ms = 3 * BLOCK_MS;
    };
    let yes = [("alice", Yes), ("dora", Yes), ("jun", Yes), ("elena", Yes)];

    // Still passing at the end of the confirm period: queued then.
    let mut c = gov_chain(confirm);
    let id = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    c.votes(id, &yes);
    let events = close_voting(&mut c, id);
    assert_eq!(hook_kinds(&events), ["proposal_tallied"]);
    assert_eq!(c.proposal(id).status, ProposalStatus::Succeeded);
    let events = c.run_until(c.proposal(id).confirm_ends_ms());
    assert_eq!(hook_kinds(&events), ["proposal_tallied", "proposal_queued"]);
    let Event::ProposalTallied(t) = &events[0].event else {
        unreachable!()
    };
    assert!(t.confirming);
    assert_eq!(c.proposal(id).status, ProposalStatus::Queued);

    // Voters who change their minds during the confirm period defeat it.
    let mut c = gov_chain(confirm);
    let id = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    c.votes(id, &yes);
    close_voting(&mut c, id);
    assert_eq!(c.proposal(id).status, ProposalStatus::Succeeded);
    c.votes(id, &[("dora", No), ("jun", No), ("jiro", No)]);
    let events = c.run_until(c.proposal(id).confirm_ends_ms());
    assert_eq!(hook_kinds(&events), ["proposal_tallied"]);
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::Defeated);
    assert_eq!(p.decision.unwrap().outcome, TallyOutcome::ApprovalFailed);
    assert_eq!(fails(&mut c, "dora", vote_call(id, Yes)), "voting_closed");
}

#[test]
fn proposing_a_duplicate_of_a_live_proposal_fails_with_duplicate_proposal() {
    let mut c = gov_chain(|_| {});
    c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    // Same class, actions and description, from anyone.
    let code = fails(
        &mut c,
        "dora",
        propose_call(Review, "Renew Fleur", vec![renew("fleur")]),
    );
    assert_eq!(code, "duplicate_proposal");
    // Another description or another class is another proposal.
    c.submit("dora", Review, "Renew Fleur (again)", vec![renew("fleur")]);
    c.submit("dora", System, "Renew Fleur", vec![renew("fleur")]);
    assert_eq!(c.live(), [1, 2, 3]);
}

#[test]
fn proposals_are_checked_against_their_class_and_the_current_state() {
    let mut c = gov_chain(|_| {});
    let params = Action::SetClassParams(ClassParamsChange {
        class: Review,
        params: c.gov_params().review,
    });
    let cases: Vec<(&str, aigov_types::Call, &str)> = vec![
        (
            "alice",
            propose_call(Review, "Params", vec![params]),
            "action_not_allowed",
        ),
        (
            "alice",
            propose_call(Emergency, "Vet", vec![activate("dora")]),
            "action_not_allowed",
        ),
        (
            "alice",
            propose_call(Review, "Vet Dora", vec![activate("dora")]),
            "invalid_action",
        ),
        (
            "alice",
            propose_call(Review, "Vet a stranger", vec![activate("stranger")]),
            "invalid_action",
        ),
        (
            "alice",
            propose_call(System, "Tier 9", vec![tier("fleur", 9)]),
            "invalid_action",
        ),
        (
            "alice",
            propose_call(System, "Same tier", vec![tier("fleur", 3)]),
            "invalid_action",
        ),
        ("alice", propose_call(Review, " ", vec![]), "empty_title"),
        (
            "bruno",
            propose_call(System, "Retier", vec![tier("fleur", 2)]),
            "role_not_eligible",
        ),
        (
            "dieter",
            propose_call(System, "Retier", vec![tier("fleur", 2)]),
            "tier_not_eligible",
        ),
    ];
    for (who, call, code) in cases {
        assert_eq!(fails(&mut c, who, call), code);
    }
    let mut bad = c.gov_params().review;
    bad.approval_bps = 5_000;
    let invalid = Action::SetClassParams(ClassParamsChange {
        class: Review,
        params: bad,
    });
    assert_eq!(
        fails(
            &mut c,
            "alice",
            propose_call(System, "Ties pass", vec![invalid])
        ),
        "invalid_action"
    );
    assert_eq!(c.proposal_count(), 0);
    // A resolution without actions is a proposal of any class.
    c.submit("alice", ProposalClass::Safety, "Adopt the charter", vec![]);
}

#[test]
fn no_more_than_the_live_limit_of_proposals_may_be_open() {
    let mut c = gov_chain(|g| {
        g.governance.max_live_proposals = 3;
        g.governance.review.voting_delay_ms = 10 * BLOCK_MS;
    });
    for n in 0..3 {
        c.submit("alice", Review, &format!("Resolution {n}"), vec![]);
    }
    assert_eq!(
        fails(
            &mut c,
            "alice",
            propose_call(Review, "One too many", vec![])
        ),
        "too_many_live_proposals"
    );
    c.ok("alice", cancel_call(3));
    c.submit("alice", Review, "One too many", vec![]);
}

#[test]
fn an_expired_term_votes_no_more_until_a_renewal_vote_re_vets_the_person() {
    // Genesis terms end 40 blocks after genesis; alice's is renewed by a vote meanwhile.
    let mut c = gov_chain(|g| g.params.personnel_term_ms = 40 * BLOCK_MS);
    let id = c.submit("dora", Review, "Renew Alice", vec![renew("alice")]);
    c.votes(
        id,
        &[("dora", Yes), ("jun", Yes), ("elena", Yes), ("fabien", Yes)],
    );
    close_voting(&mut c, id);
    let events = c.run_until(c.proposal(id).eta_ms);
    assert_eq!(
        hook_kinds(&events),
        ["personnel_term_renewed", "proposal_executed"]
    );
    let renewed = c.personnel(&pk("alice")).unwrap().term_expires_ms;
    assert_eq!(renewed, c.now() + 40 * BLOCK_MS);

    c.run_until(GENESIS_TIME_MS + 40 * BLOCK_MS);
    // Every other term has ended: they are still Active (admitted) but may not act.
    assert_eq!(
        fails(
            &mut c,
            "dora",
            propose_call(Review, "Renew Dora", vec![renew("dora")])
        ),
        "term_expired"
    );
    let id = c.submit("alice", Review, "Renew Dora", vec![renew("dora")]);
    c.apply(&[]);
    assert_eq!(fails(&mut c, "dora", vote_call(id, Yes)), "term_expired");
    c.votes(id, &[("alice", Yes)]);
    // The expired are not eligible weight either.
    close_voting(&mut c, id);
    // alice alone is eligible: her member is capped at 40 % of her own weight.
    let d = c.proposal(id).decision.unwrap();
    assert_eq!(
        (d.raw_eligible_weight, d.cap_weight, d.total_yes),
        (4, 1, 1)
    );
}

#[test]
fn duties_are_paid_by_the_pool_and_do_not_count_against_the_sponsored_quota() {
    let mut c = gov_chain(|g| g.params.sponsored_txs_per_block_max = 1);
    let id = c.submit("alice", Review, "Renew Fleur", vec![renew("fleur")]);
    let pool = c.pool();
    let out = c.votes(
        id,
        &[("alice", Yes), ("dora", Yes), ("jun", Yes), ("elena", Yes)],
    );
    assert_eq!(out.included.len(), 4);
    let spent: u64 = out.receipts.iter().map(|r| r.gas_used).sum();
    assert!(out.receipts.iter().all(|r| r.payer == GasPayer::Pool));
    assert_eq!(c.pool(), pool - spent);
    // clara has no account: her first duty creates it, with no credits.
    assert_eq!(c.account(&pk("clara")), None);
    c.votes(id, &[("clara", Yes)]);
    assert_eq!(c.account(&pk("clara")).unwrap().gas, 0);
    // An applicant still counts against the quota.
    let txs: Vec<Bytes> = vec![register(&key("nina"), 0), register(&key("omar"), 0)];
    let out = c.propose(&txs);
    assert_eq!(out.included, [0]);
}

/// `set_personnel_tier` of `name`.
fn tier(name: &str, tier: u8) -> Action {
    Action::SetPersonnelTier(TierChange {
        account: pk(name),
        tier,
    })
}

#[test]
fn a_system_vote_moves_a_person_to_another_tier() {
    let mut c = gov_chain(|_| {});
    let id = c.submit("alice", System, "Promote Fleur", vec![tier("fleur", 2)]);
    c.votes(
        id,
        &[("alice", Yes), ("fabien", Yes), ("dora", Yes), ("jun", Yes)],
    );
    close_voting(&mut c, id);
    let events = c.run_until(c.proposal(id).eta_ms);
    assert_eq!(
        hook_kinds(&events),
        ["personnel_tier_changed", "proposal_executed"]
    );
    assert_eq!(c.personnel(&pk("fleur")).unwrap().tier, 2);
}

#[test]
fn a_vote_with_an_invalid_choice_does_not_decode_and_is_inadmissible() {
    use aigov_types::codec::Encode;
    let mut c = gov_chain(|_| {});
    let id = c.submit("alice", Review, "Resolution", vec![]);
    c.apply(&[]);
    let k = key("dora");
    let t = tx(&k, c.nonce(&k.public_key()), vote_call(id, Abstain));
    // The call ends with the choice's tag and the rationale's `None` tag.
    let mut bytes = t.encode().to_vec();
    let n = bytes.len();
    assert_eq!(&bytes[n - 2..], [2, 0]);
    bytes[n - 2] = 3;
    // Properly signed, so only the choice is wrong.
    let signature = k.sign(aigov_types::tx::TX_NAMESPACE, &bytes);
    bytes.extend_from_slice(&signature.encode());
    let before = c.store.clone();
    let err = c
        .try_apply(&[Bytes::from(bytes)], Mode::Verify)
        .unwrap_err();
    assert_eq!(inadmissible(err).1.code(), "tx_undecodable");
    assert_eq!(c.store, before);
}
