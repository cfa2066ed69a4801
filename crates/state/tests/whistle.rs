//! Scenarios of the whistle-blower program: a fresh key files a report sealed to the reviewing
//! body's X25519 key (the pool pays); Review votes move it along; an Emergency vote escalates
//! it; only a confirmed report's reporter is rewarded by the treasury, once; malformed blobs
//! and a missing reviewing key are refused cleanly. All through `execute_block` with signed
//! transactions on [gov_genesis], sealed with `aigov_client::seal`.

mod support;

use aigov_client::seal::{ReviewerKey, open, seal};
use aigov_state::{treasury, whistle};
use aigov_types::codec::{BoundedBytes, Encode};
use aigov_types::event::Event;
use aigov_types::governance::{Action, GovernanceCall, ProposalClass, ProposalStatus};
use aigov_types::receipt::{GasPayer, TxOutcome};
use aigov_types::treasury::{PaymentReason, TreasuryAward};
use aigov_types::whistle::{
    EscalateReport, FileReport, Report, ReportStatus, ReviewOutcome, ReviewReport, SEALED_MAX,
    SealKey, SetWhistleblowerKey, WhistleCall,
};
use aigov_types::{Call, Hash};
use futures::executor::block_on;
use support::gov::*;
use support::*;

use ProposalClass::{Emergency, Review, System};

/// The reviewing body's key pair of these scenarios.
fn reviewer() -> ReviewerKey {
    ReviewerKey::from_secret(Hash::digest(&[b"aigov-test-reviewer"]).0)
}

/// [gov_genesis] with the reviewer's public key as the whistle-blower key.
fn whistle_chain() -> Chain {
    gov_chain(|g| g.whistleblower_key = Some(reviewer().public()))
}

fn file_call(blob: Vec<u8>, payload_hash: Hash) -> Call {
    Call::Whistle(WhistleCall::File(FileReport {
        sealed: BoundedBytes::new(blob).unwrap(),
        payload_hash,
    }))
}

/// A report sealed to `to`, as a `whistle.file` call.
fn sealed_report(to: &SealKey, text: &str) -> Call {
    let s = seal(to, text.as_bytes()).unwrap();
    file_call(s.blob, s.payload_hash)
}

fn report(c: &Chain, id: u64) -> Report {
    block_on(whistle::report(&c.store, id)).unwrap().unwrap()
}

fn failure(c: &mut Chain, name: &str, call: Call) -> (String, String) {
    match c.send(name, call).outcome {
        TxOutcome::Failed(f) => (f.code.as_str().to_string(), f.message.as_str().to_string()),
        TxOutcome::Success(_) => panic!("{name}'s call succeeded"),
    }
}

const REVIEWERS: [&str; 5] = ["fabien", "dora", "jun", "elena", "jiro"];
const SYSTEM: [&str; 4] = ["alice", "fabien", "dora", "jun"];
const EMERGENCY: [&str; 4] = ["alice", "fabien", "dora", "jun"];

fn review(report: u64, outcome: ReviewOutcome) -> Action {
    Action::ReviewReport(ReviewReport { report, outcome })
}

fn reward(report: u64, to: &str, amount: u64) -> Action {
    Action::AwardTreasury(TreasuryAward {
        to: pk(to),
        amount,
        reason: PaymentReason::WhistleblowerReward(report),
        memo: text("whistle-blower reward"),
    })
}

/// Confirms report `id` by a Review vote.
fn confirm(c: &mut Chain, id: u64) {
    let p = c.submit(
        "dora",
        Review,
        &format!("Confirm report {id}"),
        vec![review(id, ReviewOutcome::Confirmed)],
    );
    c.pass(p, &REVIEWERS);
    assert_eq!(c.proposal(p).status, ProposalStatus::Executed);
}

#[test]
fn a_fresh_key_files_a_sealed_report_the_pool_pays_and_only_the_reviewers_can_read_it() {
    let mut c = whistle_chain();
    let text = "Cluster 7 ran an unlicensed training run on 2026-03-02.";
    let out = c.ok("source", sealed_report(&reviewer().public(), text));
    assert_eq!(out.receipts[0].payer, GasPayer::Pool);
    assert_eq!(kinds(&out.events), ["report_filed", "tx_executed"]);

    let r = report(&c, 1);
    assert_eq!(r.reporter, pk("source"));
    assert_eq!(r.recipient, reviewer().public());
    assert_eq!(r.status, ReportStatus::Filed);
    assert_eq!(r.sealed_hash, Hash::digest(&[r.sealed.as_slice()]));
    assert_eq!(block_on(whistle::report_count(&c.store)).unwrap(), 1);
    match &out.events[0].event {
        Event::ReportFiled(e) => {
            assert_eq!((e.report, e.sealed_hash), (1, r.sealed_hash));
            assert_eq!(e.sealed_len as usize, r.sealed.len());
        }
        other => panic!("{other:?}"),
    }
    // The reviewers open what the chain holds and check the commitment; nobody else can.
    let opened = open(&reviewer(), r.sealed.as_slice()).unwrap();
    assert_eq!(opened.plaintext, text.as_bytes());
    assert_eq!(opened.payload_hash, r.payload_hash);
    assert!(open(&ReviewerKey::from_secret([1; 32]), r.sealed.as_slice()).is_err());
}

#[test]
fn a_confirmed_report_is_rewarded_to_its_reporter_once() {
    let mut c = whistle_chain();
    c.ok("source", sealed_report(&reviewer().public(), "evidence"));

    // Under review, then confirmed, each by a Review vote.
    let p = c.submit(
        "dora",
        Review,
        "Take up report 1",
        vec![review(1, ReviewOutcome::UnderReview)],
    );
    let events = c.pass(p, &REVIEWERS);
    assert!(kinds(&events).contains(&"report_reviewed"));
    let r = report(&c, 1);
    assert_eq!(
        (r.status, r.reviewed_by),
        (ReportStatus::UnderReview, Some(p))
    );
    confirm(&mut c, 1);
    assert_eq!(report(&c, 1).status, ReportStatus::Confirmed);

    // A System award pays the reporter, with the report as its reason.
    let p = c.submit(
        "alice",
        System,
        "Reward report 1",
        vec![reward(1, "source", 75_000)],
    );
    let events = c.pass(p, &SYSTEM);
    assert_eq!(c.proposal(p).status, ProposalStatus::Executed);
    let paid = events
        .iter()
        .find_map(|e| match &e.event {
            Event::TreasuryPaid(p) => Some(p.clone()),
            _ => None,
        })
        .expect("a payment");
    assert_eq!(
        (
            paid.to.clone(),
            paid.amount,
            paid.reason.clone(),
            paid.proposal
        ),
        (
            pk("source"),
            75_000,
            PaymentReason::WhistleblowerReward(1),
            p
        )
    );
    assert_eq!(report(&c, 1).reward, Some(paid.id));
    assert_eq!(
        block_on(treasury::ledger(&c.store)).unwrap().outflows,
        75_000
    );
    // Not twice.
    let (code, message) = failure(
        &mut c,
        "alice",
        propose_call(System, "Reward it again", vec![reward(1, "source", 1)]),
    );
    assert_eq!(code, "invalid_action");
    assert!(message.contains("report_already_rewarded"), "{message}");
}

#[test]
fn an_award_for_an_unconfirmed_report_or_to_another_key_is_refused() {
    let mut c = whistle_chain();
    c.ok("source", sealed_report(&reviewer().public(), "evidence"));
    let refused = |c: &mut Chain, title: &str, action: Action| {
        let (code, message) = failure(c, "alice", propose_call(System, title, vec![action]));
        assert_eq!(code, "invalid_action");
        message
    };
    // Filed: not confirmed.
    let m = refused(&mut c, "Reward early", reward(1, "source", 10));
    assert!(m.contains("report_not_confirmed"), "{m}");
    // No such report.
    let m = refused(&mut c, "Reward nothing", reward(9, "source", 10));
    assert!(m.contains("unknown_report"), "{m}");

    // Confirmed, but to another key.
    confirm(&mut c, 1);
    let m = refused(&mut c, "Reward a friend", reward(1, "alice", 10));
    assert!(m.contains("reward_not_to_reporter"), "{m}");

    // A dismissed report is never rewarded, and its review is final.
    c.ok(
        "other-source",
        sealed_report(&reviewer().public(), "rumour"),
    );
    let p = c.submit(
        "dora",
        Review,
        "Dismiss report 2",
        vec![review(2, ReviewOutcome::Dismissed)],
    );
    c.pass(p, &REVIEWERS);
    assert_eq!(report(&c, 2).status, ReportStatus::Dismissed);
    let m = refused(&mut c, "Reward a rumour", reward(2, "other-source", 10));
    assert!(m.contains("report_not_confirmed"), "{m}");
    let (code, message) = failure(
        &mut c,
        "dora",
        propose_call(Review, "Reopen", vec![review(2, ReviewOutcome::Confirmed)]),
    );
    assert_eq!(code, "invalid_action");
    assert!(message.contains("invalid_report_transition"), "{message}");
    assert_eq!(block_on(treasury::ledger(&c.store)).unwrap().outflows, 0);
}

#[test]
fn a_lower_tier_person_escalates_a_report_to_an_emergency_vote() {
    let mut c = whistle_chain();
    c.ok(
        "source",
        sealed_report(&reviewer().public(), "imminent misuse"),
    );
    // fleur (Safety, tier 3) cannot propose an Emergency, but escalates it.
    let call = match propose_call(
        Emergency,
        "Respond to report 1",
        vec![Action::EscalateReport(EscalateReport { report: 1 })],
    ) {
        Call::Governance(GovernanceCall::Propose(p)) => {
            Call::Governance(GovernanceCall::Escalate(p))
        }
        _ => unreachable!(),
    };
    c.ok("fleur", call);
    let id = c.proposal_count();
    let events = c.pass(id, &EMERGENCY);
    assert_eq!(c.proposal(id).status, ProposalStatus::Executed);
    let k = kinds(&events);
    assert!(
        k.contains(&"report_reviewed") && k.contains(&"report_escalated"),
        "{k:?}"
    );
    let r = report(&c, 1);
    assert_eq!(
        (r.status, r.escalated_by),
        (ReportStatus::UnderReview, Some(id))
    );
    // Only an Emergency proposal carries it.
    let (code, _) = failure(
        &mut c,
        "dora",
        propose_call(
            Review,
            "Escalate by review",
            vec![Action::EscalateReport(EscalateReport { report: 1 })],
        ),
    );
    assert_eq!(code, "action_not_allowed");
}

#[test]
fn malformed_blobs_and_a_missing_reviewing_key_are_refused_cleanly() {
    // No reviewing key at genesis: nobody could read a report.
    let mut c = gov_chain(|_| {});
    let to = reviewer().public();
    assert_eq!(
        failure(&mut c, "source", sealed_report(&to, "x")).0,
        "no_reviewing_key"
    );
    // A System proposal sets the key; now reports are accepted.
    let set = Action::SetWhistleblowerKey(SetWhistleblowerKey { key: Some(to) });
    let p = c.submit("alice", System, "Reviewing key", vec![set]);
    let events = c.pass(p, &SYSTEM);
    assert!(kinds(&events).contains(&"whistleblower_key_changed"));
    assert_eq!(
        block_on(whistle::reviewing_key(&c.store)).unwrap(),
        Some(to)
    );

    // Garbage of every kind fails the call with its code and files nothing.
    let good = seal(&to, b"a report").unwrap();
    let mut version = good.blob.clone();
    version[0] = 9;
    let mut zero_key = good.blob.clone();
    zero_key[1..33].fill(0);
    for (name, blob, code) in [
        ("g1", vec![], "sealed_size"),
        ("g2", good.blob[..40].to_vec(), "sealed_size"),
        ("g3", version, "sealed_version"),
        ("g4", zero_key, "sealed_ephemeral_key"),
    ] {
        let (got, _) = failure(&mut c, name, file_call(blob, good.payload_hash));
        assert_eq!(got, code);
    }
    assert_eq!(block_on(whistle::report_count(&c.store)).unwrap(), 0);

    // Oversized: a blob one byte over the bound does not even decode, so it is refused at
    // admission (and never reaches a block).
    let full = file_call(vec![1; SEALED_MAX], good.payload_hash);
    let raw = c.signed("g5", full).to_vec();
    let marker = [vec![1u8; 16], good.payload_hash.0.to_vec()].concat();
    let at = raw
        .windows(marker.len())
        .position(|w| w == marker.as_slice())
        .unwrap();
    let mut over = raw[..at].to_vec();
    over.push(1);
    over.extend_from_slice(&raw[at..]);
    // The length prefix (a varint of 3000 → 3001, same width) sits right before the blob.
    let prefix = at + 16 - SEALED_MAX - 2;
    let len = SEALED_MAX as u64 + 1;
    over[prefix] = (len as u8 & 0x7f) | 0x80;
    over[prefix + 1] = (len >> 7) as u8;
    let err = c.admit(&over, Default::default()).unwrap_err();
    assert_eq!(err.code(), "tx_undecodable", "{err}");
    // The largest blob fits in a transaction and is filed.
    let big = seal(&to, &vec![b'x'; aigov_types::whistle::PLAINTEXT_MAX]).unwrap();
    assert_eq!(big.blob.len(), SEALED_MAX);
    let call = file_call(big.blob, big.payload_hash);
    assert!(call.encode().len() < aigov_types::tx::MAX_TX_BYTES);
    c.ok("g6", call);
    assert_eq!(report(&c, 1).sealed.len(), SEALED_MAX);
}
