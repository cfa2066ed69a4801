//! Governance reads: the proposal page, typed and provable proposal, ballot and parameter
//! reads, the ballot list, the running tally and the decision record, through a vetting vote
//! executed by the real state machine ([gov_genesis]: alice (fr) and bob (de) pass a proposal).

use crate::support::*;
use aigov_api::MAX_PAGE_LIMIT;
use aigov_types::Call;
use aigov_types::api::{ProposalPage, StateResponse, TallyResponse};
use aigov_types::codec::{BoundedString, BoundedVec, Hash};
use aigov_types::governance::{
    Action, Ballot, CancelProposal, CastVote, Choice, Decision, GovernanceCall, GovernanceParams,
    PersonnelTarget, Proposal, ProposalClass, ProposalStatus, SubmitProposal, TallyOutcome,
};
use aigov_types::personnel::{Personnel, PersonnelStatus};
use axum::Router;

fn propose_activate(subject: &str, description: &[u8]) -> Call {
    Call::Governance(GovernanceCall::Propose(SubmitProposal {
        class: ProposalClass::Review,
        title: BoundedString::new("Vet the applicant").unwrap(),
        description_hash: Hash::digest(&[description]),
        actions: BoundedVec::new(vec![Action::ActivatePersonnel(PersonnelTarget {
            account: pk(subject),
        })])
        .unwrap(),
    }))
}

fn vote(proposal: u64, choice: Choice, rationale: Option<Hash>) -> Call {
    Call::Governance(GovernanceCall::Vote(CastVote {
        proposal,
        choice,
        rationale,
    }))
}

/// Submits through the API (as a client would) and produces a block.
async fn submit_and_block(b: &TestBackend, app: &Router, raws: &[Vec<u8>]) {
    for raw in raws {
        let r = submit_json(app, raw).await;
        assert_eq!(r.status, 202, "{}", r.text());
    }
    b.produce_block().await;
}

async fn proposal(app: &Router, id: u64) -> Proposal {
    let r: StateResponse<Proposal> = get(app, &format!("/v1/state/proposals/{id}")).await.json();
    r.value.unwrap_or_else(|| panic!("proposal {id} is absent"))
}

/// Produces blocks until proposal `id` has `status` (at most 20).
async fn until(b: &TestBackend, app: &Router, id: u64, status: ProposalStatus) -> Proposal {
    for _ in 0..20 {
        let p = proposal(app, id).await;
        if p.status == status {
            return p;
        }
        b.produce_block().await;
    }
    panic!("proposal {id} never reached {status:?}");
}

#[tokio::test]
async fn a_vetting_vote_through_every_governance_read() {
    let b = TestBackend::with_genesis(gov_genesis()).await;
    let app = aigov_api::router(b.clone());

    // Before any proposal.
    let page: ProposalPage = get(&app, "/v1/proposals").await.json();
    assert_eq!((page.proposals.len(), page.total), (0, 0));
    assert_eq!((page.offset, page.limit), (0, 100));
    let r: StateResponse<Proposal> = get(&app, "/v1/state/proposals/1").await.json();
    assert!(r.value.is_none());
    assert_eq!(
        r.key,
        hex::encode(aigov_state::governance::keys::proposal(1))
    );
    for route in ["ballots", "tally", "decision"] {
        let m = get(&app, &format!("/v1/proposals/1/{route}"))
            .await
            .error(404, "not_found");
        assert!(m.contains("proposal 1 does not exist"), "{m}");
    }
    let r: StateResponse<GovernanceParams> = get(&app, "/v1/state/governance/params").await.json();
    assert_eq!(r.value, Some(gov_genesis().governance));
    assert_eq!(r.height, b.height());

    // ada applies; alice proposes to vet her.
    b.execute(&[register(&key("ada"), 0, "fr")]).await;
    submit_and_block(
        &b,
        &app,
        &[signed(&key("alice"), 0, propose_activate("ada", b"ada"))],
    )
    .await;
    let p = proposal(&app, 1).await;
    assert_eq!(
        (p.status, p.proposer.clone()),
        (ProposalStatus::Pending, pk("alice"))
    );
    let page: ProposalPage = get(&app, "/v1/proposals?offset=0&limit=10").await.json();
    assert_eq!((page.total, page.limit), (1, 10));
    assert_eq!(page.proposals, vec![p.clone()]);
    let page: ProposalPage = get(&app, "/v1/proposals?offset=1").await.json();
    assert!(page.proposals.is_empty() && page.total == 1);
    let page: ProposalPage = get(&app, "/v1/proposals?limit=100000").await.json();
    assert_eq!(page.limit, MAX_PAGE_LIMIT);

    // Pending: a running tally with nobody voting, and no decision yet.
    let t: TallyResponse = get(&app, "/v1/proposals/1/tally").await.json();
    assert!(t.running);
    assert_eq!(
        (t.proposal, t.status, t.height),
        (1, ProposalStatus::Pending, b.height())
    );
    assert_eq!(t.decision.outcome, TallyOutcome::QuorumFailed);
    assert_eq!(
        t.decision.recused_count, 0,
        "ada is Pending, so not eligible at all"
    );
    let m = get(&app, "/v1/proposals/1/decision")
        .await
        .error(404, "not_found");
    assert!(m.contains("not been tallied yet (status pending"), "{m}");
    let ballots: Vec<Ballot> = get(&app, "/v1/proposals/1/ballots").await.json();
    assert!(ballots.is_empty());

    // Active: alice (with a rationale) and bob vote yes.
    until(&b, &app, 1, ProposalStatus::Active).await;
    let why = Hash::digest(&[b"her credentials check out"]);
    submit_and_block(
        &b,
        &app,
        &[
            signed(&key("alice"), 1, vote(1, Choice::Yes, Some(why))),
            signed(&key("bob"), 0, vote(1, Choice::Yes, None)),
        ],
    )
    .await;
    let ballots: Vec<Ballot> = get(&app, "/v1/proposals/1/ballots").await.json();
    let voters: Vec<_> = ballots.iter().map(|b| b.voter.clone()).collect();
    assert_eq!(voters, vec![pk("alice"), pk("bob")]);
    assert_eq!(ballots[0].rationale, Some(why));
    assert_eq!((ballots[1].member.as_str(), ballots[1].weight), ("de", 256));
    let r: StateResponse<Ballot> = get(&app, &format!("/v1/state/ballots/1/{}", pk("alice")))
        .await
        .json();
    assert_eq!(r.value.as_ref(), Some(&ballots[0]));
    assert_eq!(
        r.key,
        hex::encode(aigov_state::governance::keys::ballot(1, &pk("alice")))
    );
    let r: StateResponse<Ballot> = get(&app, &format!("/v1/state/ballots/1/{}", pk("ada")))
        .await
        .json();
    assert!(r.value.is_none());

    // The running tally already passes: both members approve, all eligible weight voted.
    let t: TallyResponse = get(&app, "/v1/proposals/1/tally").await.json();
    assert!(t.running);
    assert_eq!(t.status, ProposalStatus::Active);
    let d = &t.decision;
    assert_eq!(d.outcome, TallyOutcome::Passed);
    assert_eq!((d.approving_members, d.total_no), (2, 0));
    assert_eq!(d.total_yes, d.eligible_weight);
    assert_eq!(d.per_member.len(), 2);

    // Tallied, queued, executed: the recorded decision, and ada is Active.
    let p = until(&b, &app, 1, ProposalStatus::Executed).await;
    let recorded = p.decision.clone().unwrap();
    let d: Decision = get(&app, "/v1/proposals/1/decision").await.json();
    assert_eq!(d, recorded);
    assert_eq!(d.outcome, TallyOutcome::Passed);
    let t: TallyResponse = get(&app, "/v1/proposals/1/tally").await.json();
    assert!(!t.running);
    assert_eq!((t.status, t.decision), (ProposalStatus::Executed, recorded));
    let r: StateResponse<Personnel> = get(&app, &format!("/v1/state/personnel/{}", pk("ada")))
        .await
        .json();
    assert_eq!(r.value.unwrap().status, PersonnelStatus::Active);
}

#[tokio::test]
async fn a_canceled_proposal_has_no_tally_and_bad_ids_are_bad_requests() {
    let b = TestBackend::with_genesis(gov_genesis()).await;
    let app = aigov_api::router(b.clone());
    b.execute(&[register(&key("ada"), 0, "fr")]).await;
    submit_and_block(
        &b,
        &app,
        &[signed(&key("alice"), 0, propose_activate("ada", b"ada"))],
    )
    .await;
    // Canceled in the block right after (voting opens two seconds after submission).
    let cancel = Call::Governance(GovernanceCall::Cancel(CancelProposal { proposal: 1 }));
    b.execute(&[signed(&key("alice"), 1, cancel)]).await;
    assert_eq!(proposal(&app, 1).await.status, ProposalStatus::Canceled);
    for route in ["tally", "decision"] {
        let m = get(&app, &format!("/v1/proposals/1/{route}"))
            .await
            .error(404, "not_found");
        assert!(m.contains("canceled before any tally"), "{m}");
    }
    let ballots: Vec<Ballot> = get(&app, "/v1/proposals/1/ballots").await.json();
    assert!(ballots.is_empty());

    for uri in [
        "/v1/state/proposals/one",
        "/v1/state/proposals/-1",
        "/v1/state/ballots/x/00",
        "/v1/state/ballots/1/zz",
        "/v1/proposals/1.5/ballots",
        "/v1/proposals/x/tally",
        "/v1/proposals/x/decision",
        "/v1/proposals?offset=-1",
        "/v1/proposals?limit=many",
        "/v1/state/governance/params?prove=maybe",
    ] {
        get(&app, uri).await.error(400, "bad_request");
    }
    let m = get(&app, "/v1/proposals/99/ballots")
        .await
        .error(404, "not_found");
    assert!(m.contains("proposal 99 does not exist"), "{m}");
}
