//! The consensus committee in state: genesis' committee and snapshots, the per-epoch snapshot
//! written exactly once at the block before each epoch's midpoint, a `set_validators` System
//! vote reaching the snapshot two epochs on, and every invalid committee refused with its typed
//! error and no change to state. All through `execute_block` on [gov_genesis].

mod support;

use aigov_state::validators;
use aigov_types::event::Event;
use aigov_types::genesis::Validator;
use aigov_types::governance::{Action, Choice, ProposalClass, ProposalStatus};
use aigov_types::reshare::{committee_cutoff, snapshot_epoch};
use aigov_types::validators::{SetValidators, ValidatorSet, ValidatorsVoted};
use aigov_types::{BoundedVec, PublicKey, TxOutcome};
use futures::executor::block_on;
use proptest::prelude::*;
use std::collections::BTreeMap;
use support::gov::*;
use support::*;

const SYSTEM: [&str; 4] = ["alice", "fabien", "dora", "jun"];

fn validator(name: &str, member: &str, address: &str) -> Validator {
    Validator {
        member: slug(member),
        key: pk(name),
        address: text(address),
    }
}

fn keys(set: &ValidatorSet) -> Vec<PublicKey> {
    set.iter().map(|v| v.key.clone()).collect()
}

fn change(add: Vec<Validator>, remove: Vec<PublicKey>) -> Action {
    Action::SetValidators(SetValidators {
        add: BoundedVec::new(add).unwrap(),
        remove: BoundedVec::new(remove).unwrap(),
    })
}

/// Everything under the `val/` prefix, by reading the keys this module writes.
fn committee_state(c: &Chain, epochs: u64) -> Vec<Option<ValidatorSet>> {
    let mut out = vec![Some(block_on(validators::pending(&c.store)).unwrap())];
    for e in 0..epochs {
        out.push(block_on(validators::committee(&c.store, e)).unwrap());
    }
    out
}

/// Genesis' validators are the committee as voted and the committees of epochs 0 and 1; the
/// committee of epoch 2 appears at the block before epoch 0's midpoint, and so on.
#[test]
fn genesis_fixes_epochs_zero_and_one_and_each_midpoint_the_epoch_after_next() {
    let mut c = gov_chain(|_| {});
    let genesis: Vec<_> = c.genesis.validators.iter().map(|v| v.key.clone()).collect();
    let pending = block_on(validators::pending(&c.store)).unwrap();
    assert_eq!(keys(&pending), genesis);
    for e in [0, 1] {
        let set = block_on(validators::committee(&c.store, e))
            .unwrap()
            .unwrap();
        assert_eq!(keys(&set), genesis);
    }
    assert_eq!(
        block_on(validators::blocks_per_epoch(&c.store)).unwrap(),
        BLOCKS_PER_EPOCH
    );
    // Epoch 0 spans heights 0..=9, its midpoint is 5: the snapshot is block 4.
    while c.height < 3 {
        c.apply(&[]);
    }
    assert_eq!(block_on(validators::committee(&c.store, 2)).unwrap(), None);
    c.apply(&[]);
    assert_eq!(c.height, committee_cutoff(2, BLOCKS_PER_EPOCH).unwrap());
    assert_eq!(
        block_on(validators::committee(&c.store, 2)).unwrap(),
        Some(pending.clone())
    );
    let who = &c.genesis.validators.as_slice()[0].key;
    let address = block_on(validators::address_at(&c.store, who, 5)).unwrap();
    assert_eq!(address.unwrap().as_str(), "fr.validators.test:7000");
}

/// A System vote adding two validators reaches the snapshot of the epoch its event names and
/// no earlier one; snapshots already taken never change.
#[test]
fn a_system_vote_changes_the_committee_from_the_next_snapshot_on() {
    let mut c = gov_chain(|_| {});
    let before = block_on(validators::pending(&c.store)).unwrap();
    let add = vec![
        validator("validator-jp", "jp", "10.0.0.4:7000"),
        validator("validator-jp-2", "jp", "jp2.validators.test:7000"),
    ];
    let p = c.submit(
        "alice",
        ProposalClass::System,
        "Two more",
        vec![change(add, vec![])],
    );
    let events = c.pass(p, &SYSTEM);
    assert_eq!(c.proposal(p).status, ProposalStatus::Executed);
    let voted: ValidatorsVoted = events
        .iter()
        .find_map(|e| match &e.event {
            Event::ValidatorsVoted(v) => Some(v.clone()),
            _ => None,
        })
        .expect("validators_voted");
    let executed_at = events
        .iter()
        .find(|e| matches!(e.event, Event::ValidatorsVoted(_)))
        .unwrap()
        .height;
    assert_eq!(voted.proposal, p);
    assert_eq!(voted.validators.len(), 5);
    assert_eq!(
        block_on(validators::pending(&c.store)).unwrap(),
        voted.validators
    );
    // Run two epochs past the one the vote names.
    let target = voted.epoch;
    while c.height < (target + 1) * BLOCKS_PER_EPOCH {
        c.apply(&[]);
    }
    for e in 0..target {
        let set = block_on(validators::committee(&c.store, e))
            .unwrap()
            .unwrap();
        assert_eq!(set, before, "epoch {e} (vote executed at {executed_at})");
    }
    for e in target..target + 2 {
        let set = block_on(validators::committee(&c.store, e))
            .unwrap()
            .unwrap();
        assert_eq!(set, voted.validators, "epoch {e}");
    }
    // The added validators' addresses are in the directories from the epoch before (as next
    // players), not in earlier ones.
    let jp = pk("validator-jp");
    assert_eq!(
        block_on(validators::address_at(&c.store, &jp, target - 1))
            .unwrap()
            .map(|a| a.to_string()),
        Some("10.0.0.4:7000".to_string())
    );
    assert_eq!(
        block_on(validators::address_at(&c.store, &jp, target - 2)).unwrap(),
        None
    );
}

/// Every committee the reshare actor could not take is refused when proposing, with its own
/// code, and leaves the committee untouched; one that became invalid before execution is
/// canceled as superseded, again without change.
#[test]
fn invalid_committees_are_refused_with_typed_errors_and_change_nothing() {
    let mut c = gov_chain(|_| {});
    let genesis = c.genesis.validators.as_slice().to_vec();
    let fr = genesis[0].key.clone();
    let jp = || validator("validator-jp", "jp", "10.0.0.4:7000");
    let many: Vec<Validator> = (0..62)
        .map(|i| validator(&format!("extra-{i}"), "de", &format!("10.1.0.{i}:7000")))
        .collect();
    let cases: Vec<(Action, &str)> = vec![
        (change(vec![], vec![]), "no_validator_change"),
        (change(vec![], vec![fr.clone()]), "too_few_validators"),
        (change(vec![jp()], vec![fr.clone()]), "too_few_validators"),
        (change(vec![jp()], vec![pk("nobody")]), "not_a_validator"),
        (
            change(vec![jp()], vec![fr.clone(), fr.clone()]),
            "duplicate_validator",
        ),
        (change(vec![jp(), jp()], vec![]), "duplicate_validator"),
        (
            change(vec![genesis[1].clone()], vec![]),
            "duplicate_validator",
        ),
        (
            change(
                vec![validator("validator-xx", "xx", "10.0.0.9:7000")],
                vec![],
            ),
            "unknown_member",
        ),
        (
            change(vec![validator("validator-jp", "jp", "no port")], vec![]),
            "invalid_validator_address",
        ),
        (
            change(vec![validator("validator-jp", "jp", "bad_host:1")], vec![]),
            "invalid_validator_address",
        ),
        (change(many, vec![]), "too_many_validators"),
    ];
    let before = committee_state(&c, 4);
    for (action, code) in cases {
        let r = c.send(
            "alice",
            propose_call(ProposalClass::System, "bad", vec![action]),
        );
        let TxOutcome::Failed(f) = &r.outcome else {
            panic!("a proposal expecting {code} was accepted");
        };
        assert_eq!(f.code.as_str(), "invalid_action");
        assert!(
            f.message.as_str().ends_with(&format!("({code})")),
            "{}",
            f.message
        );
    }
    // Only System proposals may carry it.
    let r = c.send(
        "alice",
        propose_call(
            ProposalClass::Review,
            "wrong",
            vec![change(vec![jp()], vec![])],
        ),
    );
    assert_eq!(
        failure_code(&r.outcome).as_deref(),
        Some("action_not_allowed")
    );
    assert_eq!(committee_state(&c, 4)[0], before[0]);

    // Two proposals adding the same validator: both valid when made, the second fails.
    let p1 = c.submit(
        "alice",
        ProposalClass::System,
        "Add jp",
        vec![change(vec![jp()], vec![])],
    );
    let p2 = c.submit(
        "dora",
        ProposalClass::System,
        "Add jp too",
        vec![change(vec![jp()], vec![])],
    );
    let votes: Vec<(&str, Choice)> = SYSTEM.iter().map(|v| (*v, Choice::Yes)).collect();
    c.votes(p1, &votes);
    c.votes(p2, &votes);
    let ends = c.proposal(p2).voting_ends_ms;
    c.run_until(ends);
    let eta = c.proposal(p1).eta_ms.max(c.proposal(p2).eta_ms);
    c.run_until(eta);
    let after_p1 = block_on(validators::pending(&c.store)).unwrap();
    assert_eq!(c.proposal(p1).status, ProposalStatus::Executed);
    assert_eq!(after_p1.len(), 4);
    // Both act on the committee: once p1 executes, p2 is re-checked and, no longer valid,
    // canceled as superseded with the reason, without touching the committee.
    assert_eq!(c.proposal(p2).status, ProposalStatus::Canceled);
    assert_eq!(block_on(validators::pending(&c.store)).unwrap(), after_p1);
    let superseded = c.events().into_iter().find_map(|e| match e.event {
        Event::ProposalCanceledByVote(x) if x.proposal == p2 => x.superseded,
        _ => None,
    });
    let why = superseded.expect("superseded");
    assert!(
        why.code.as_str() == "duplicate_validator"
            || why.message.as_str().contains("(duplicate_validator)"),
        "{why:?}"
    );
}

/// Which `val/epoch/…` keys a block writes: the committee snapshots.
fn snapshot_writes(writes: &BTreeMap<Vec<u8>, Option<Vec<u8>>>, upto: u64) -> Vec<u64> {
    (0..upto)
        .filter(|e| writes.contains_key(&validators::keys::committee(*e)))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the epoch length, every snapshot is written exactly once — genesis' two at
    /// block 1, epoch `e`'s at its cutoff, the block before the midpoint of `e - 2` — and two
    /// runs of the same blocks write the same bytes.
    #[test]
    fn each_snapshot_is_written_exactly_once_and_deterministically(
        bpe in 4u64..24,
        blocks in 1u64..90,
    ) {
        let run = || {
            let mut c = Chain::with_genesis({
                let mut g = gov_genesis();
                g.blocks_per_epoch = bpe;
                g
            });
            let mut written: BTreeMap<u64, u64> = BTreeMap::new();
            let mut all = Vec::new();
            for _ in 0..blocks {
                let out = c.apply(&[]);
                for e in snapshot_writes(&out.writes, blocks + 3) {
                    prop_assert!(written.insert(e, c.height).is_none(), "epoch {} twice", e);
                }
                all.push(out.writes);
            }
            Ok((written, all))
        };
        let (written, first) = run()?;
        let (_, second) = run()?;
        prop_assert_eq!(first, second);
        let mut expected = BTreeMap::from([(0, 1), (1, 1)]);
        for h in 1..=blocks {
            if let Some(k) = snapshot_epoch(h, bpe) {
                expected.insert(k + 2, h);
            }
        }
        for (e, h) in &expected {
            if *e >= 2 {
                prop_assert_eq!(committee_cutoff(*e, bpe), Some(*h));
            }
        }
        prop_assert_eq!(written, expected);
    }
}
