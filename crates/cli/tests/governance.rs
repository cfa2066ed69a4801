//! Governance through the real node: the `aigov` binary started as `aigov dev` (its demo
//! genesis carries the fast governance preset: 2 s voting delay, 30 s vote, 5 s confirm
//! period, 5 s timelock, two approving members for Review), driven through the CLI as a
//! newcomer's vetting vote would be, with the refusals a user meets on the way.
#![cfg(unix)]

#[allow(dead_code)]
mod common;

use aigov_client::ClientError;
use aigov_types::Call;
use aigov_types::api::TxStatus;
use aigov_types::codec::Hash;
use aigov_types::event::Event;
use aigov_types::governance::{
    CastVote, Choice, GovernanceCall, Proposal, ProposalStatus, TallyOutcome,
};
use aigov_types::personnel::PersonnelStatus;
use aigov_types::receipt::TxOutcome;
use common::{GAS_LIMIT, Node};
use std::process::Output;
use std::time::{Duration, Instant};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn describe(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        stdout(o),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs the CLI and asserts its exit code.
#[track_caller]
fn cli(node: &Node, args: &[&str], code: i32) -> Output {
    let out = node.cli(args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "aigov {}: {}",
        args.join(" "),
        describe(&out)
    );
    out
}

/// A `tx … --json` output: the finalized transaction status.
#[track_caller]
fn tx_json(out: &Output) -> TxStatus {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not a transaction status ({e}): {}", describe(out)))
}

fn failure_code(status: &TxStatus) -> Option<String> {
    match status {
        TxStatus::Finalized { receipt, .. } | TxStatus::Failed { receipt, .. } => {
            match &receipt.outcome {
                TxOutcome::Success(_) => None,
                TxOutcome::Failed(f) => Some(f.code.as_str().to_string()),
            }
        }
        TxStatus::Pending => panic!("still pending"),
    }
}

fn proposal(node: &Node, id: u64) -> Proposal {
    node.client()
        .proposal(id, false)
        .expect("GET /v1/state/proposals/{id}")
        .value
        .unwrap_or_else(|| panic!("proposal {id} does not exist"))
}

/// Polls until proposal `id` has `status`.
fn wait_status(node: &Node, id: u64, status: ProposalStatus, timeout: Duration) -> Proposal {
    let deadline = Instant::now() + timeout;
    loop {
        let p = proposal(node, id);
        if p.status == status {
            return p;
        }
        assert!(
            Instant::now() < deadline,
            "proposal {id} is {:?}, not {status:?}, after {timeout:?}",
            p.status
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_newcomer_is_vetted_by_two_members_through_the_cli_and_the_executed_proposal_verifies() {
    let started = Instant::now();
    let node = Node::start();
    let client = node.client();

    // A newcomer applies (Pending).
    cli(&node, &["keys", "new", "newcomer"], 0);
    let newcomer = node.key("newcomer").public_key();
    cli(
        &node,
        &[
            "--key",
            "newcomer",
            "tx",
            "personnel",
            "register",
            "--member",
            "fr",
            "--role",
            "safety",
            "--tier",
            "2",
            "--name",
            "Ada Newcomer",
        ],
        0,
    );

    // Governance is a duty of Active personnel: the Pending newcomer and a stranger are
    // refused at admission, with the code and a hint, and nothing is spent.
    for who in ["newcomer", "stranger"] {
        if who == "stranger" {
            cli(&node, &["keys", "new", "stranger"], 0);
        }
        let out = cli(&node, &["--key", who, "tx", "gov", "vote", "1", "yes"], 2);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not_active_personnel"), "{}", describe(&out));
        assert!(err.contains("hint:"), "{}", describe(&out));
    }
    let stranger = node.key("stranger");
    let tx = client
        .build_tx(
            &stranger,
            &node.chain_id(),
            GAS_LIMIT,
            Call::Governance(GovernanceCall::Vote(CastVote {
                proposal: 1,
                choice: Choice::Yes,
                rationale: None,
            })),
        )
        .expect("building a vote");
    match client.submit(&tx) {
        Err(ClientError::Api { status, code, .. }) => {
            assert_eq!((status, code.as_str()), (400, "not_active_personnel"))
        }
        other => panic!("a stranger's vote was not refused: {other:?}"),
    }
    assert!(
        client
            .account(&stranger.public_key(), false)
            .expect("GET account")
            .value
            .is_none(),
        "a refused duty created an account"
    );

    // alice (fr, policy, tier 1) proposes to vet the newcomer, with a description file.
    let desc = node.scratch().join("vetting.md");
    std::fs::write(
        &desc,
        "Ada's credentials were checked by the French delegation.\n",
    )
    .expect("writing the description");
    let out = cli(
        &node,
        &[
            "--key",
            "alice",
            "--json",
            "tx",
            "gov",
            "propose",
            "--class",
            "review",
            "--title",
            "Vet Ada Newcomer",
            "--description-file",
            desc.to_str().expect("a UTF-8 path"),
            "--action",
            "activate-personnel:newcomer",
        ],
        0,
    );
    let TxStatus::Finalized { events, .. } = tx_json(&out) else {
        panic!("the proposal failed: {}", describe(&out));
    };
    let id = events
        .iter()
        .find_map(|e| match &e.event {
            Event::ProposalSubmitted(s) => Some(s.proposal),
            _ => None,
        })
        .expect("a proposal_submitted event");
    let p = proposal(&node, id);
    assert_eq!(p.status, ProposalStatus::Pending);
    assert_eq!(
        p.description_hash,
        Hash::digest(&[&std::fs::read(&desc).expect("reading the description")])
    );
    assert_eq!(
        p.voting_ends_ms - p.voting_starts_ms,
        aigov_chain::setup::DEV_VOTING_PERIOD_MS
    );
    let id_s = id.to_string();

    // Someone else's cancel fails with not_proposer (the chain's code, printed with a hint).
    let out = cli(&node, &["--key", "bob", "tx", "gov", "cancel", &id_s], 1);
    assert!(stdout(&out).contains("not_proposer"), "{}", describe(&out));
    assert!(
        stdout(&out).contains("only the proposer may cancel"),
        "{}",
        describe(&out)
    );

    // Voting opens; personnel of two members (fr, de) vote yes, alice with a rationale.
    wait_status(&node, id, ProposalStatus::Active, Duration::from_secs(10));
    let why = Hash::digest(&[b"credentials checked"]).to_string();
    let out = cli(
        &node,
        &[
            "--key",
            "alice",
            "tx",
            "gov",
            "vote",
            &id_s,
            "yes",
            "--rationale-hash",
            &why,
        ],
        0,
    );
    assert!(
        stdout(&out).contains("alice (fr) voted yes"),
        "{}",
        describe(&out)
    );
    cli(
        &node,
        &["--key", "bob", "tx", "gov", "vote", &id_s, "yes"],
        0,
    );

    // The running tally already passes (2 approving members, 50 % turnout).
    let out = cli(&node, &["--json", "query", "gov", "tally", &id_s], 0);
    let tally: aigov_types::api::TallyResponse =
        serde_json::from_slice(&out.stdout).expect("a tally");
    assert!(tally.running);
    assert_eq!(tally.decision.outcome, TallyOutcome::Passed);
    assert_eq!(tally.decision.approving_members, 2);
    let out = cli(&node, &["query", "gov", "tally", &id_s], 0);
    assert!(
        stdout(&out).contains("running tally") && stdout(&out).contains("PASSED"),
        "{}",
        describe(&out)
    );

    // Meanwhile, the chain's own codes for an unknown proposal and a wrong class.
    let out = cli(
        &node,
        &["--key", "carol", "--json", "tx", "gov", "vote", "999", "no"],
        1,
    );
    assert_eq!(
        failure_code(&tx_json(&out)).as_deref(),
        Some("unknown_proposal")
    );
    let out = cli(
        &node,
        &[
            "--key",
            "alice",
            "tx",
            "gov",
            "propose",
            "--class",
            "emergency",
            "--title",
            "Vet by emergency",
            "--description",
            "no",
            "--action",
            "activate-personnel:newcomer",
        ],
        1,
    );
    assert!(
        stdout(&out).contains("action_not_allowed"),
        "{}",
        describe(&out)
    );
    let out = cli(&node, &["query", "gov", "record", &id_s], 1);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not been tallied yet"),
        "{}",
        describe(&out)
    );

    // Tallied at the end of voting, confirmed, queued, executed: the newcomer is Active.
    let p = wait_status(&node, id, ProposalStatus::Executed, Duration::from_secs(50));
    let decision = p.decision.expect("a decision record");
    assert_eq!(decision.outcome, TallyOutcome::Passed);
    let person = client
        .personnel(&newcomer, false)
        .expect("GET personnel")
        .value
        .expect("the newcomer's record");
    assert_eq!(person.status, PersonnelStatus::Active);

    // A vote after the period fails with voting_closed.
    let out = cli(
        &node,
        &["--key", "carol", "--json", "tx", "gov", "vote", &id_s, "no"],
        1,
    );
    assert_eq!(
        failure_code(&tx_json(&out)).as_deref(),
        Some("voting_closed")
    );

    // The decision record: per-member tallies, ballots with their rationale, no dissent.
    let out = cli(&node, &["--json", "query", "gov", "record", &id_s], 0);
    let record: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a record");
    assert_eq!(record["outcome"], "passed");
    assert_eq!(record["status"], "executed");
    assert_eq!(record["ballots"].as_array().map(Vec::len), Some(2));
    assert_eq!(record["ballots"][0]["rationale"], why.as_str());
    assert_eq!(
        record["dissent"]["ballots"].as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(
        record["decision"]["per_member"].as_array().map(Vec::len),
        Some(5)
    );
    let out = cli(&node, &["query", "gov", "record", &id_s], 0);
    let text = stdout(&out);
    for needle in ["PASSED", "quorum", "fr ", "de ", "alice", "bob", &why] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }

    // The executed proposal, proven and verified offline.
    let proof = node.scratch().join("proposal.json");
    let proof_s = proof.to_str().expect("a UTF-8 path");
    cli(
        &node,
        &[
            "query", "gov", "proposal", &id_s, "--prove", "--out", proof_s,
        ],
        0,
    );
    let genesis = node.genesis_path();
    let out = cli(
        &node,
        &[
            "verify",
            proof_s,
            "--genesis",
            genesis.to_str().expect("a UTF-8 path"),
        ],
        0,
    );
    let text = stdout(&out);
    for needle in [
        "proof verifies",
        &format!("(proposal {id})"),
        "EXECUTED",
        "activate-personnel:newcomer",
        "Vet Ada Newcomer",
        "PASSED",
    ] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
    let out = cli(&node, &["--json", "verify", proof_s], 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["valid"], true);
    assert_eq!(v["decoded"]["status"], "executed");

    // The proposal list and the parameters (provable).
    let out = cli(&node, &["query", "gov", "proposals"], 0);
    assert!(stdout(&out).contains("executed"), "{}", describe(&out));
    let out = cli(&node, &["query", "gov", "params", "--prove"], 0);
    assert!(stdout(&out).contains("review"), "{}", describe(&out));

    eprintln!("governance end to end took {:?}", started.elapsed());
}
