//! Scenarios of the personnel registry: genesis seating and `personnel.register`.

mod support;

use aigov_state::app::tx_cost;
use aigov_state::personnel::queries;
use aigov_types::Call;
use aigov_types::event::Event;
use aigov_types::personnel::{PersonnelStatus, Role, Roles, TIER_MAX};
use aigov_types::receipt::GasPayer;
use futures::executor::block_on;
use std::collections::BTreeSet;
use support::*;

#[test]
fn genesis_seats_members_organisations_and_active_personnel() {
    let c = Chain::started();
    let g = &c.genesis;

    let members = block_on(queries::members(&c.store)).unwrap();
    assert_eq!(members, g.members.as_slice());
    let orgs = block_on(queries::organisations(&c.store)).unwrap();
    assert_eq!(orgs, g.organisations.as_slice());

    let (people, total) = block_on(queries::personnel_page(&c.store, 0, 100)).unwrap();
    assert_eq!(total, 3);
    let names: Vec<_> = people.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, GENESIS_PERSONNEL);
    for p in &people {
        assert_eq!(p.status, PersonnelStatus::Active);
        assert_eq!(p.registered_height, 0);
        assert_eq!(
            p.term_expires_ms,
            GENESIS_TIME_MS + g.params.personnel_term_ms
        );
    }
    let bruno = c.personnel(&pk("bruno")).unwrap();
    assert_eq!(bruno.organisation, Some(slug("dc-berlin")));
    assert_eq!(bruno.member, slug("de"));

    for (name, gas) in GENESIS_ACCOUNTS {
        assert_eq!(
            c.account(&pk(name)).unwrap(),
            aigov_types::Account { nonce: 0, gas }
        );
    }
    assert_eq!(c.pool(), POOL_GAS);
    // Genesis personnel without credits have no account.
    assert_eq!(c.account(&pk("clara")), None);
}

#[test]
fn a_newcomer_with_a_fresh_key_registers_as_pending_personnel_and_the_pool_pays() {
    let mut c = Chain::started();
    let dana = key("dana");
    assert_eq!(c.account(&dana.public_key()), None);
    let raw = register_with(&dana, 0, |r| {
        r.organisation = Some(slug("mistral"));
        r.roles = Roles::from_roles(&[Role::Safety, Role::Software]);
        r.tier = 3;
        r.name = text("Dana");
    });
    let hash = hash_of(&raw);
    let cost = tx_cost(&c.params(), &call_of(&raw), raw.len());
    let pool_before = c.pool();
    let log_before = c.frontier().size;

    let out = c.apply(std::slice::from_ref(&raw));

    // The record: Pending, with the call's fields and a term from the block time.
    let p = c.personnel(&dana.public_key()).unwrap();
    assert_eq!(p.status, PersonnelStatus::Pending);
    assert_eq!(p.member, slug("fr"));
    assert_eq!(p.organisation, Some(slug("mistral")));
    assert_eq!(p.roles, Roles::from_roles(&[Role::Safety, Role::Software]));
    assert_eq!(p.tier, 3);
    assert_eq!(p.name.as_str(), "Dana");
    assert_eq!(p.registered_height, 2);
    assert_eq!(
        p.term_expires_ms,
        GENESIS_TIME_MS + 2 * BLOCK_MS + c.params().personnel_term_ms
    );
    let (page, total) = block_on(queries::personnel_page(&c.store, 3, 10)).unwrap();
    assert_eq!((page, total), (vec![p.clone()], 4));

    // The pool paid; the fresh key now has an account with nonce 1 and no credits.
    assert_eq!(c.pool(), pool_before - cost);
    let acct = c.account(&dana.public_key()).unwrap();
    assert_eq!(acct, aigov_types::Account { nonce: 1, gas: 0 });

    // Receipt, in the output and in state.
    assert_eq!(out.included, vec![0]);
    assert_eq!(out.receipts.len(), 1);
    let r = &out.receipts[0];
    assert_eq!(c.receipt(&hash).as_ref(), Some(r));
    assert_eq!(failure_code(&r.outcome), None);
    assert_eq!((r.hash, r.height, r.index), (hash, 2, 0));
    assert_eq!(r.sender, dana.public_key());
    assert_eq!((r.gas_used, r.payer), (cost, GasPayer::Pool));
    assert_eq!((r.first_event, r.event_count), (log_before, 2));

    // Events: PersonnelRegistered then TxExecuted, both tagged with the tx (then the block's
    // gas tax reaching the treasury, with no tx).
    assert_eq!(out.events[..2], c.events_of(r));
    assert_eq!(kinds(&out.events), ["personnel_registered", "tx_executed"]);
    let Event::PersonnelRegistered(reg) = &out.events[0].event else {
        unreachable!()
    };
    assert_eq!(reg.account, dana.public_key());
    assert_eq!(reg.status, PersonnelStatus::Pending);
    assert_eq!(reg.tier, 3);
    let done = tx_executed(&out.events[1]).unwrap();
    assert_eq!(done.hash, hash);
    assert_eq!(done.nonce, 0);
    assert_eq!(done.call.as_str(), "personnel.register");
    assert_eq!((done.gas_used, done.payer), (cost, GasPayer::Pool));
    assert_eq!(done.outcome, r.outcome);
    for e in &out.events[..2] {
        assert_eq!((e.height, e.tx), (2, Some(hash)));
    }
}

/// The call inside an encoded transaction.
fn call_of(raw: &[u8]) -> Call {
    aigov_types::SignedTx::decode_bounded(raw).unwrap().tx.call
}

/// On a started chain, lets `setup` apply what it needs and build one transaction, which must
/// fail with `code`; checks that it charged gas, consumed the nonce and changed nothing else.
fn fails_with(code: &str, setup: impl FnOnce(&mut Chain) -> bytes::Bytes) {
    let mut c = Chain::started();
    let raw = setup(&mut c);
    let stx = aigov_types::SignedTx::decode_bounded(&raw).unwrap();
    let sender = stx.tx.sender.clone();
    let cost = tx_cost(&c.params(), &stx.tx.call, raw.len());
    let before = c.store.clone();
    let person_before = c.personnel(&sender);
    let nonce_before = c.nonce(&sender);
    let gas_before = c.account(&sender).map_or(0, |a| a.gas);
    let pool_before = c.pool();
    let log_before = c.frontier().size;

    let out = c.apply(std::slice::from_ref(&raw));

    let r = &out.receipts[0];
    assert_eq!(failure_code(&r.outcome).as_deref(), Some(code), "{r:?}");
    assert_eq!(r.gas_used, cost);
    assert_eq!(c.nonce(&sender), nonce_before + 1);
    assert_eq!(
        c.pool(),
        pool_before - cost,
        "the pool pays the failed call"
    );
    assert_eq!(c.account(&sender).unwrap().gas, gas_before);
    assert_eq!(c.personnel(&sender), person_before);
    // One event only: TxExecuted with the failure.
    assert_eq!(kinds(&out.events), ["tx_executed"]);
    assert_eq!(out.events[0].index, log_before);
    assert_eq!(tx_executed(&out.events[0]).unwrap().outcome, r.outcome);
    // Nothing else was written: only the account, the pool, the receipt, the log, the
    // credit and treasury ledgers (the gas consumed and its tax) and the chain metadata.
    let expected: BTreeSet<Vec<u8>> = [
        aigov_state::accounts::keys::account(&sender),
        aigov_state::accounts::keys::pool(),
        aigov_state::log::keys::receipt(&r.hash),
        aigov_state::log::keys::event(log_before),
        aigov_state::log::keys::event(log_before + 1),
        aigov_state::gas::keys::ledger(),
        aigov_state::treasury::keys::ledger(),
        aigov_state::log::keys::frontier(),
        aigov_state::chain::keys::height(),
        aigov_state::chain::keys::time_ms(),
    ]
    .into();
    assert_eq!(
        out.writes.keys().cloned().collect::<BTreeSet<_>>(),
        expected
    );
    for (k, v) in &before.entries {
        if !expected.contains(k) {
            assert_eq!(c.store.entries.get(k), Some(v));
        }
    }
}

#[test]
fn registering_twice_fails_with_already_registered_but_charges_gas_and_consumes_the_nonce() {
    fails_with("already_registered", |c| {
        let dana = key("dana");
        let first = c.apply(&[register(&dana, 0)]);
        assert_eq!(failure_code(&first.receipts[0].outcome), None);
        register_with(&dana, 1, |r| r.tier = 1)
    });
}

#[test]
fn a_second_registration_leaves_the_first_record_and_the_registry_size_alone() {
    let mut c = Chain::started();
    let dana = key("dana");
    let first = c.apply(&[register(&dana, 0)]);
    assert_eq!(failure_code(&first.receipts[0].outcome), None);
    let person = c.personnel(&dana.public_key()).unwrap();
    let pool = c.pool();
    let (_, count) = block_on(queries::personnel_page(&c.store, 0, 0)).unwrap();

    let again = register_with(&dana, 1, |r| r.tier = 1);
    let cost = tx_cost(&c.params(), &call_of(&again), again.len());
    let out = c.apply(&[again]);

    assert_eq!(
        failure_code(&out.receipts[0].outcome).as_deref(),
        Some("already_registered")
    );
    assert_eq!(c.personnel(&dana.public_key()), Some(person));
    assert_eq!(c.nonce(&dana.public_key()), 2);
    assert_eq!(c.pool(), pool - cost);
    assert_eq!(
        block_on(queries::personnel_page(&c.store, 0, 0)).unwrap().1,
        count
    );
}

#[test]
fn registering_in_the_same_block_twice_fails_the_second_time() {
    let mut c = Chain::started();
    let dana = key("dana");
    let out = c.apply(&[register(&dana, 0), register(&dana, 1)]);
    assert_eq!(failure_code(&out.receipts[0].outcome), None);
    assert_eq!(
        failure_code(&out.receipts[1].outcome).as_deref(),
        Some("already_registered")
    );
    assert_eq!(c.nonce(&dana.public_key()), 2);
}

#[test]
fn a_genesis_personnel_registering_fails_with_already_registered() {
    fails_with("already_registered", |_| register(&key("bruno"), 0));
}

#[test]
fn registering_under_an_unknown_member_fails_with_unknown_member() {
    fails_with("unknown_member", |_| {
        register_with(&key("dana"), 0, |r| r.member = slug("atlantis"))
    });
}

#[test]
fn registering_with_an_organisation_of_another_member_fails_with_organisation_member_mismatch() {
    fails_with("organisation_member_mismatch", |_| {
        register_with(&key("dana"), 0, |r| {
            r.member = slug("fr");
            r.organisation = Some(slug("dc-berlin"));
        })
    });
}

#[test]
fn registering_with_an_unknown_organisation_fails_with_unknown_organisation() {
    fails_with("unknown_organisation", |_| {
        register_with(&key("dana"), 0, |r| r.organisation = Some(slug("acme")))
    });
}

#[test]
fn registering_at_tier_zero_fails_with_invalid_tier() {
    fails_with("invalid_tier", |_| {
        register_with(&key("dana"), 0, |r| r.tier = 0)
    });
}

#[test]
fn registering_below_the_lowest_tier_fails_with_invalid_tier() {
    fails_with("invalid_tier", |_| {
        register_with(&key("dana"), 0, |r| r.tier = TIER_MAX + 1)
    });
    fails_with("invalid_tier", |_| {
        register_with(&key("dana"), 0, |r| r.tier = u8::MAX)
    });
}

#[test]
fn registering_at_a_tier_where_the_member_has_no_seats_fails_with_no_seats_at_tier() {
    // `eu` has zero seats at tier 1.
    fails_with("no_seats_at_tier", |_| {
        register_with(&key("dana"), 0, |r| {
            r.member = slug("eu");
            r.tier = 1;
        })
    });
    // `fr` lists seats for tiers 1 to 3 only.
    fails_with("no_seats_at_tier", |_| {
        register_with(&key("dana"), 0, |r| r.tier = 4)
    });
    fails_with("no_seats_at_tier", |_| {
        register_with(&key("dana"), 0, |r| r.tier = TIER_MAX)
    });
}

#[test]
fn registering_without_roles_fails_with_no_roles() {
    fails_with("no_roles", |_| {
        register_with(&key("dana"), 0, |r| r.roles = Roles::default())
    });
}

#[test]
fn a_failed_registration_does_not_stop_the_next_transaction_of_the_block() {
    let mut c = Chain::started();
    let dana = key("dana");
    let emil = key("emil");
    let out = c.apply(&[
        register_with(&dana, 0, |r| r.tier = 0),
        register(&emil, 0),
        register(&dana, 1),
    ]);
    let codes: Vec<_> = out
        .receipts
        .iter()
        .map(|r| failure_code(&r.outcome))
        .collect();
    assert_eq!(codes, [Some("invalid_tier".to_string()), None, None]);
    assert_eq!(
        c.personnel(&dana.public_key()).unwrap().status,
        PersonnelStatus::Pending
    );
    assert!(c.personnel(&emil.public_key()).is_some());
    let indices: Vec<_> = out.receipts.iter().map(|r| r.index).collect();
    assert_eq!(indices, [0, 1, 2]);
}

#[test]
fn a_funded_account_registers_without_paying_its_own_credits() {
    let mut c = Chain::started();
    let funded = key("funded");
    let gas = c.account(&funded.public_key()).unwrap().gas;
    let out = c.apply(&[register(&funded, 0)]);
    assert_eq!(out.receipts[0].payer, GasPayer::Pool);
    assert_eq!(
        c.account(&funded.public_key()).unwrap(),
        aigov_types::Account { nonce: 1, gas }
    );
}
