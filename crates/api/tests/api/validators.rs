//! The consensus committee: the committee as voted, each epoch's committee (null until its
//! snapshot) and blocks per epoch, before and after a `set_validators` System vote executed by
//! the real state machine.

use crate::support::*;
use aigov_types::api::StateResponse;
use aigov_types::codec::{BoundedString, BoundedVec, Hash};
use aigov_types::event::Event;
use aigov_types::genesis::{Genesis, Validator};
use aigov_types::governance::{
    Action, CastVote, Choice, GovernanceCall, Proposal, ProposalClass, ProposalStatus,
    SubmitProposal,
};
use aigov_types::validators::{SetValidators, ValidatorSet};
use aigov_types::{Call, reshare};

/// A short epoch, so that a test reaches the next snapshots in a few blocks.
const BLOCKS_PER_EPOCH: u64 = 10;

fn validator(name: &str, member: &str, port: u16) -> Validator {
    Validator {
        member: slug(member),
        key: pk(name),
        address: BoundedString::new(format!("127.0.0.1:{port}")).unwrap(),
    }
}

/// Three genesis validators of `fr` and `de`.
fn genesis_validators() -> Vec<Validator> {
    vec![
        validator("v1", "fr", 7001),
        validator("v2", "de", 7002),
        validator("v3", "fr", 7003),
    ]
}

fn with_validators(mut g: Genesis, blocks_per_epoch: u64) -> Genesis {
    g.validators = BoundedVec::new(genesis_validators()).unwrap();
    g.blocks_per_epoch = blocks_per_epoch;
    g
}

fn set(validators: Vec<Validator>) -> ValidatorSet {
    BoundedVec::new(validators).unwrap()
}

/// Produces blocks until proposal 1 is open for votes (at most 20).
async fn until_active(b: &TestBackend, app: &axum::Router) {
    for _ in 0..20 {
        let r: StateResponse<Proposal> = get(app, "/v1/state/proposals/1").await.json();
        if r.value.map(|p| p.status) == Some(ProposalStatus::Active) {
            return;
        }
        b.produce_block().await;
    }
    panic!("proposal 1 never opened");
}

async fn committee(app: &axum::Router, epoch: u64) -> StateResponse<ValidatorSet> {
    get(app, &format!("/v1/state/validators/epochs/{epoch}"))
        .await
        .json()
}

#[tokio::test]
async fn genesis_committee_epochs_and_blocks_per_epoch() {
    let b = TestBackend::with_genesis(with_validators(genesis(), 600)).await;
    let app = aigov_api::router(b.clone());
    let genesis_set = set(genesis_validators());

    let r: StateResponse<ValidatorSet> = get(&app, "/v1/state/validators").await.json();
    assert_eq!(r.value.as_ref(), Some(&genesis_set));
    assert_eq!(r.height, b.height());
    assert_eq!(r.key, hex::encode(aigov_state::validators::keys::pending()));
    assert!(r.proof.is_none());

    // Genesis fixes epochs 0 and 1; epoch 2's is written at the block before epoch 0's
    // midpoint (height 299 here), so it is not there yet.
    for epoch in [0, 1] {
        let r = committee(&app, epoch).await;
        assert_eq!(r.value.as_ref(), Some(&genesis_set), "epoch {epoch}");
        assert_eq!(
            r.key,
            hex::encode(aigov_state::validators::keys::committee(epoch))
        );
    }
    for epoch in [2, u64::MAX] {
        let r = get(
            &app,
            &format!("/v1/state/validators/epochs/{epoch}?prove=true"),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert!(r.value()["value"].is_null(), "epoch {epoch}: {}", r.text());
    }

    let r: StateResponse<u64> = get(&app, "/v1/state/validators/blocks-per-epoch?prove=false")
        .await
        .json();
    assert_eq!(r.value, Some(600));
    assert_eq!(
        r.key,
        hex::encode(aigov_state::validators::keys::blocks_per_epoch())
    );
}

#[tokio::test]
async fn without_genesis_validators_the_committee_is_empty() {
    let app = aigov_api::router(TestBackend::started().await);
    let r: StateResponse<ValidatorSet> = get(&app, "/v1/state/validators").await.json();
    assert_eq!(r.value, Some(set(Vec::new())));
    let r: StateResponse<u64> = get(&app, "/v1/state/validators/blocks-per-epoch")
        .await
        .json();
    assert_eq!(r.value, Some(600));
}

#[tokio::test]
async fn malformed_epochs_are_400() {
    let app = aigov_api::router(TestBackend::started().await);
    for uri in [
        "/v1/state/validators/epochs/-1",
        "/v1/state/validators/epochs/one",
        "/v1/state/validators/epochs/1.5",
        "/v1/state/validators/epochs/0x1",
        "/v1/state/validators/epochs/18446744073709551616",
        "/v1/state/validators/epochs/%20",
        "/v1/state/validators?prove=maybe",
        "/v1/state/validators/epochs/1?prove=2",
        "/v1/state/validators/blocks-per-epoch?prove=yes!",
    ] {
        let m = get(&app, uri).await.error(400, "bad_request");
        assert!(!m.is_empty(), "{uri}");
    }
    let m = get(&app, "/v1/state/validators/epochs/x")
        .await
        .error(400, "bad_request");
    assert!(m.contains("epoch must be a non-negative integer"), "{m}");
}

/// A System vote adding a validator changes the committee as voted at once, and the committee
/// of the epoch its event names once that epoch's snapshot is written; earlier epochs keep
/// theirs.
#[tokio::test]
async fn a_set_validators_vote_shows_in_the_committee_and_later_in_an_epoch() {
    let b = TestBackend::with_genesis(with_validators(gov_genesis(), BLOCKS_PER_EPOCH)).await;
    let app = aigov_api::router(b.clone());
    let added = validator("v4", "de", 7004);
    let propose = Call::Governance(GovernanceCall::Propose(SubmitProposal {
        class: ProposalClass::System,
        title: BoundedString::new("A fourth validator").unwrap(),
        description_hash: Hash::digest(&[b"v4"]),
        actions: BoundedVec::new(vec![Action::SetValidators(SetValidators {
            add: BoundedVec::new(vec![added.clone()]).unwrap(),
            remove: BoundedVec::new(Vec::new()).unwrap(),
        })])
        .unwrap(),
    }));
    b.execute(&[signed(&key("alice"), 0, propose)]).await;
    let vote = |who: &str, nonce| {
        let call = Call::Governance(GovernanceCall::Vote(CastVote {
            proposal: 1,
            choice: Choice::Yes,
            rationale: None,
        }));
        signed(&key(who), nonce, call)
    };
    until_active(&b, &app).await;
    b.execute(&[vote("alice", 1), vote("bob", 0)]).await;

    let mut event = None;
    for _ in 0..20 {
        event = b
            .produce_block()
            .await
            .into_iter()
            .find_map(|e| match e.event {
                Event::ValidatorsVoted(v) => Some((e.height, v)),
                _ => None,
            });
        if event.is_some() {
            break;
        }
    }
    let (executed_at, event) = event.expect("the vote never executed");
    let mut list = genesis_validators();
    list.push(added);
    let voted = set(list);
    assert_eq!(event.validators, voted);
    let r: StateResponse<ValidatorSet> = get(&app, "/v1/state/validators").await.json();
    assert_eq!(r.value.as_ref(), Some(&voted));

    let first = event.epoch;
    assert_eq!(
        reshare::committee_effective_epoch(executed_at, BLOCKS_PER_EPOCH),
        Some(first)
    );
    let cutoff = reshare::committee_cutoff(first, BLOCKS_PER_EPOCH).unwrap();
    assert!(committee(&app, first).await.value.is_none());
    while b.height() < cutoff {
        b.produce_block().await;
    }
    assert_eq!(committee(&app, first).await.value.as_ref(), Some(&voted));
    for epoch in 0..first {
        assert_eq!(
            committee(&app, epoch).await.value,
            Some(set(genesis_validators())),
            "epoch {epoch} (vote executed at height {executed_at})"
        );
    }
}
