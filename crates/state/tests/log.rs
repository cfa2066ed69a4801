//! Scenarios of the activity log kept in state: genesis events, per-transaction events, the
//! RFC 6962 frontier, inclusion and consistency proofs against it, and receipts.

mod support;

use aigov_types::Hash;
use aigov_types::codec::Encode;
use aigov_types::event::{Event, EventRecord};
use aigov_types::log::{
    consistency_proof, empty_root, inclusion_proof, leaf_hash, root, verify_consistency,
    verify_inclusion,
};
use futures::executor::block_on;
use support::*;

fn leaves(events: &[EventRecord]) -> Vec<Hash> {
    events.iter().map(|e| leaf_hash(&e.encode())).collect()
}

#[test]
fn the_log_is_empty_before_the_first_block() {
    let c = Chain::new();
    assert_eq!(c.frontier().size, 0);
    assert_eq!(c.frontier().root(), empty_root());
}

#[test]
fn genesis_emits_one_event_per_entity_in_a_fixed_order_at_height_zero() {
    let c = Chain::started();
    let events = c.events();
    let mut expected = vec!["genesis_applied"];
    expected.extend(["member_admitted"; 3]);
    expected.extend(["organisation_added"; 2]);
    expected.extend(["personnel_registered"; 3]);
    expected.extend(["gas_credited"; 3]);
    assert_eq!(kinds(&events), expected);
    for (i, e) in events.iter().enumerate() {
        assert_eq!((e.index, e.height, e.tx), (i as u64, 0, None));
    }
    let Event::GenesisApplied(g) = &events[0].event else {
        unreachable!()
    };
    assert_eq!(g.chain_id, slug(CHAIN_ID));
    assert_eq!(g.genesis_hash, c.genesis.hash());
    assert_eq!(
        block_on(aigov_state::chain::genesis_hash(&c.store)).unwrap(),
        Some(c.genesis.hash())
    );
    for (e, (name, gas)) in events[9..].iter().zip(GENESIS_ACCOUNTS) {
        let Event::GasCredited(credit) = &e.event else {
            unreachable!()
        };
        assert_eq!((&credit.account, credit.amount), (&pk(name), gas));
        assert_eq!(credit.reason.as_str(), "genesis");
    }
}

#[test]
fn the_first_block_returns_the_genesis_events_and_its_transactions_events() {
    let mut c = Chain::new();
    let out = c.apply(&[register(&key("dana"), 0)]);
    assert_eq!(out.events, c.events());
    // 13 genesis events (the last the treasury's supply), the transaction's 2, then the gas
    // tax reaching the treasury at the end of the block.
    assert_eq!(out.events.len(), 13 + 2 + 1);
    assert_eq!(out.receipts[0].first_event, 13);
    assert_eq!(out.events[15].event.kind(), "treasury_credited");
    assert_eq!(out.receipts[0].height, 1);
}

#[test]
fn the_stored_frontier_is_the_rfc6962_root_of_every_stored_event() {
    let mut c = Chain::started();
    for n in 0..5u8 {
        let txs: Vec<_> = (0..n)
            .map(|i| register(&key(&format!("p{n}-{i}")), 0))
            .collect();
        c.apply(&txs);
        let events = c.events();
        let f = c.frontier();
        assert_eq!(f.size, events.len() as u64);
        assert_eq!(f.root(), root(&leaves(&events)));
        assert_eq!(f.peaks.len() as u32, f.size.count_ones());
    }
}

#[test]
fn every_event_is_provable_against_the_stored_root() {
    let mut c = Chain::started();
    c.apply(&[
        register(&key("dana"), 0),
        register_with(&key("emil"), 0, |r| r.tier = 0),
    ]);
    let events = c.events();
    let l = leaves(&events);
    let f = c.frontier();
    let r = f.root();
    for (i, e) in events.iter().enumerate() {
        let proof = inclusion_proof(&l, i as u64).unwrap();
        assert!(verify_inclusion(
            i as u64,
            f.size,
            &leaf_hash(&e.encode()),
            &proof,
            &r
        ));
        // The stored bytes are the leaf data.
        let stored = c
            .store
            .entries
            .get(&aigov_state::log::keys::event(i as u64))
            .unwrap();
        assert_eq!(stored.as_slice(), e.encode().as_ref());
    }
}

#[test]
fn the_log_only_grows_each_block_is_consistent_with_the_last() {
    let mut c = Chain::started();
    let mut old = c.frontier();
    for n in 1..6u8 {
        c.apply(&[register(&key(&format!("p{n}")), 0)]);
        let new = c.frontier();
        assert!(new.size > old.size);
        let l = leaves(&c.events());
        let proof = consistency_proof(&l, old.size).unwrap();
        assert!(verify_consistency(
            old.size,
            new.size,
            &old.root(),
            &new.root(),
            &proof
        ));
        old = new;
    }
}

#[test]
fn every_transaction_ends_its_events_with_tx_executed_and_its_receipt_points_at_them() {
    let mut c = Chain::started();
    let txs = [
        register(&key("dana"), 0),
        register_with(&key("emil"), 0, |r| r.member = slug("nowhere")),
        register(&key("dana"), 1),
        register(&key("fritz"), 0),
    ];
    let out = c.apply(&txs);
    assert_eq!(out.receipts.len(), 4);
    let mut next = out.events[0].index;
    for (i, r) in out.receipts.iter().enumerate() {
        assert_eq!(r.hash, hash_of(&txs[i]));
        assert_eq!(r.index, i as u32);
        assert_eq!(r.first_event, next, "receipts cover the log without gaps");
        let evs = c.events_of(r);
        assert!(
            evs.iter()
                .all(|e| e.tx == Some(r.hash) && e.height == r.height)
        );
        let (last, rest) = evs.split_last().unwrap();
        let done = tx_executed(last).unwrap();
        assert_eq!(done.hash, r.hash);
        assert_eq!(done.outcome, r.outcome);
        assert!(rest.iter().all(|e| tx_executed(e).is_none()));
        next += u64::from(r.event_count);
    }
    // After the transactions, only the end-of-block hooks' events (no transaction).
    let hooks = out.events.iter().filter(|e| e.tx.is_none()).count() as u64;
    assert_eq!(next + hooks, c.frontier().size);
    let counts: Vec<_> = out.receipts.iter().map(|r| r.event_count).collect();
    assert_eq!(counts, [2, 1, 1, 2]);
}

#[test]
fn a_failed_transaction_records_its_code_and_message_in_tx_executed() {
    let mut c = Chain::started();
    let out = c.apply(&[register_with(&key("dana"), 0, |r| r.tier = 42)]);
    let done = tx_executed(&out.events[0]).unwrap();
    let aigov_types::TxOutcome::Failed(f) = &done.outcome else {
        panic!("expected a failure")
    };
    assert_eq!(f.code.as_str(), "invalid_tier");
    assert_eq!(f.message.as_str(), "tier 42 is outside 1..=9");
}

#[test]
fn receipts_are_stored_under_the_transaction_hash_and_unknown_hashes_have_none() {
    let mut c = Chain::started();
    let raw = register(&key("dana"), 0);
    let out = c.apply(std::slice::from_ref(&raw));
    assert_eq!(c.receipt(&hash_of(&raw)).as_ref(), Some(&out.receipts[0]));
    assert_eq!(c.receipt(&Hash::digest(&[b"nothing"])), None);
    assert_eq!(c.event(c.frontier().size), None);
}
