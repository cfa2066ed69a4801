//! Scenarios of admission: what may enter a block, what a proposer leaves out, and what makes
//! a verifier reject a block. Also genesis validation.

mod support;

use aigov_state::app::{Charge, Pending, tx_cost};
use aigov_state::{AdmissionError, ExecError, Mode, validate_genesis};
use aigov_types::codec::{BoundedVec, Encode};
use aigov_types::genesis::{GenesisAccount, GenesisPersonnel};
use aigov_types::personnel::{Organisation, OrganisationKind, Role, Roles};
use aigov_types::receipt::GasPayer;
use aigov_types::tx::MAX_TX_BYTES;
use aigov_types::{Genesis, SignedTx};
use bytes::Bytes;
use futures::executor::block_on;
use support::*;

/// Checks that, on `c`'s next block, the transaction at `bad` of `txs` is inadmissible with
/// `code`: verifying rejects the block (and nothing is applied), proposing leaves it out and
/// executes every other transaction.
fn refused(c: &mut Chain, txs: &[Bytes], bad: usize, code: &str) {
    let before = c.store.clone();
    let height = c.height;
    let err = c.try_apply(txs, Mode::Verify).unwrap_err();
    let (index, error) = inadmissible(err);
    assert_eq!((index, error.code()), (bad, code), "{error}");
    assert_eq!(c.store, before, "a rejected block changes nothing");
    assert_eq!(c.height, height);

    let out = c.propose(txs);
    let expected: Vec<usize> = (0..txs.len()).filter(|i| *i != bad).collect();
    assert_eq!(out.included, expected);
    assert_eq!(out.receipts.len(), expected.len());
    for (r, i) in out.receipts.iter().zip(&expected) {
        assert_eq!(r.hash, hash_of(&txs[*i]));
    }
    // What the proposer built verifies, on the same parent, to the same writes.
    let mut replay = Chain::with_genesis(c.genesis.clone());
    replay.store = before;
    replay.height = height;
    let kept: Vec<Bytes> = expected.iter().map(|i| txs[*i].clone()).collect();
    let verified = replay.apply(&kept);
    assert_eq!(verified.writes, out.writes);
    assert_eq!(verified.receipts, out.receipts);
    assert_eq!(verified.events, out.events);
}

#[test]
fn a_transaction_for_another_chain_is_inadmissible_with_wrong_chain_id() {
    let mut c = Chain::started();
    let dana = key("dana");
    let mut t = tx(&dana, 0, register_call(registration()));
    t.chain_id = slug("aigov-other");
    let txs = [register(&key("emil"), 0), sign(t, &dana)];
    refused(&mut c, &txs, 1, "wrong_chain_id");
    assert_eq!(c.account(&dana.public_key()), None);
}

#[test]
fn a_stale_nonce_is_inadmissible() {
    let mut c = Chain::started();
    let dana = key("dana");
    c.apply(&[register(&dana, 0)]);
    // Replaying the exact same bytes is the commonest stale nonce.
    let txs = [register(&dana, 0), register(&key("emil"), 0)];
    refused(&mut c, &txs, 0, "stale_nonce");
    assert_eq!(c.nonce(&dana.public_key()), 1);
}

#[test]
fn a_transaction_replayed_within_one_block_is_inadmissible() {
    let mut c = Chain::started();
    let raw = register(&key("dana"), 0);
    refused(&mut c, &[raw.clone(), raw], 1, "stale_nonce");
}

#[test]
fn a_nonce_gap_is_inadmissible() {
    let mut c = Chain::started();
    let dana = key("dana");
    refused(&mut c, &[register(&dana, 1)], 0, "nonce_gap");
    assert_eq!(c.account(&dana.public_key()), None);
    // A funded account at nonce 0 likewise.
    let funded = key("funded");
    refused(
        &mut c,
        &[register(&funded, 0), register(&funded, 2)],
        1,
        "nonce_gap",
    );
}

#[test]
fn a_gas_limit_below_the_cost_is_inadmissible() {
    let mut c = Chain::started();
    let dana = key("dana");
    let probe = register(&dana, 0);
    let cost = tx_cost(
        &c.params(),
        &SignedTx::decode_bounded(&probe).unwrap().tx.call,
        probe.len(),
    );
    // A limit one below the cost (fixed-width field: the size, hence the cost, is unchanged).
    let mut t = tx(&dana, 0, register_call(registration()));
    t.gas_limit = cost - 1;
    let low = sign(t.clone(), &dana);
    assert_eq!(low.len(), probe.len());
    refused(&mut c, &[low], 0, "gas_limit_too_low");
    // Exactly the cost is enough.
    t.gas_limit = cost;
    let exact = sign(t, &dana);
    let out = c.apply(&[exact]);
    assert_eq!(out.receipts[0].gas_used, cost);
}

#[test]
fn a_sponsored_call_the_pool_cannot_pay_is_inadmissible_with_pool_exhausted() {
    let mut g = genesis();
    let probe = register(&key("dana"), 0);
    let cost = tx_cost(
        &g.params,
        &SignedTx::decode_bounded(&probe).unwrap().tx.call,
        probe.len(),
    );
    // Enough for one registration and a bit.
    g.pool_gas = cost + cost / 2;
    let mut c = Chain::with_genesis(g);
    c.apply(&[]);
    let txs = [register(&key("dana"), 0), register(&key("emil"), 0)];
    refused(&mut c, &txs, 1, "pool_exhausted");
    assert_eq!(c.pool(), cost / 2);
    // Once the pool is empty no fresh key can register.
    refused(&mut c, &[register(&key("emil"), 0)], 0, "pool_exhausted");
}

#[test]
fn a_proposer_leaves_sponsored_calls_beyond_the_block_quota_out_and_a_verifier_rejects_them() {
    let mut g = genesis();
    g.params.sponsored_txs_per_block_max = 2;
    let mut c = Chain::with_genesis(g);
    c.apply(&[]);
    let txs = [
        register(&key("dana"), 0),
        register(&key("emil"), 0),
        register(&key("fritz"), 0),
    ];
    let err = c.execute(&txs, Mode::Verify).unwrap_err();
    let (index, error) = inadmissible(err);
    assert_eq!(index, 2);
    assert_eq!(error, AdmissionError::SponsoredQuota { max: 2 });
    let out = c.propose(&txs);
    assert_eq!(out.included, [0, 1]);
    assert_eq!(c.account(&pk("fritz")), None);
    // The next block has a fresh quota.
    let out = c.apply(&[register(&key("fritz"), 0)]);
    assert_eq!(out.included, [0]);
}

#[test]
fn the_pool_pays_for_at_most_the_sponsored_quota_of_transactions_per_block() {
    // One key sending failing registrations: each is admitted (the pool pays), but no more
    // than the quota per block.
    let mut g = genesis();
    g.params.sponsored_txs_per_block_max = 3;
    let mut c = Chain::with_genesis(g);
    c.apply(&[]);
    let dana = key("dana");
    let txs: Vec<Bytes> = (0..5)
        .map(|n| register_with(&dana, n, |r| r.tier = 0))
        .collect();
    let pool = c.pool();
    let out = c.propose(&txs);
    assert_eq!(out.included, [0, 1, 2]);
    let spent: u64 = out.receipts.iter().map(|r| r.gas_used).sum();
    assert_eq!(c.pool(), pool - spent);
    assert_eq!(c.nonce(&dana.public_key()), 3);
}

#[test]
fn the_sponsored_quota_counts_admitted_calls_even_when_they_fail() {
    let mut g = genesis();
    g.params.sponsored_txs_per_block_max = 1;
    let mut c = Chain::with_genesis(g);
    c.apply(&[]);
    let txs = [
        register_with(&key("dana"), 0, |r| r.tier = 0),
        register(&key("emil"), 0),
    ];
    refused(&mut c, &txs, 1, "sponsored_quota");
}

#[test]
fn undecodable_bytes_are_inadmissible() {
    let mut c = Chain::started();
    let good = register(&key("dana"), 0);
    refused(&mut c, &[Bytes::new()], 0, "tx_undecodable");
    refused(
        &mut c,
        &[Bytes::from_static(b"\xff\x00garbage")],
        0,
        "tx_undecodable",
    );
    // Trailing bytes after a valid transaction.
    let mut trailing = good.to_vec();
    trailing.push(0);
    refused(&mut c, &[Bytes::from(trailing)], 0, "tx_undecodable");
    // A truncated transaction.
    refused(
        &mut c,
        &[good.slice(..good.len() - 1), register(&key("emil"), 0)],
        0,
        "tx_undecodable",
    );
}

#[test]
fn an_oversized_transaction_is_inadmissible() {
    let mut c = Chain::started();
    let big = Bytes::from(vec![0u8; MAX_TX_BYTES + 1]);
    refused(&mut c, &[register(&key("dana"), 0), big], 1, "tx_oversized");
}

#[test]
fn a_badly_signed_transaction_makes_a_block_invalid() {
    let mut c = Chain::started();
    let dana = key("dana");
    // Signed by someone else.
    let forged = sign(tx(&dana, 0, register_call(registration())), &key("mallory"));
    // Signed by the sender, then the call tampered with.
    let mut tampered = tx(&dana, 0, register_call(registration())).sign(&dana);
    tampered.tx.gas_limit += 1;
    // Signed under another namespace.
    let t = tx(&dana, 0, register_call(registration()));
    let sig = dana.sign(b"_AIGOV_OTHER", &t.encode());
    let wrong_ns = SignedTx {
        tx: t,
        signature: sig,
    }
    .encode();
    for bad in [forged, tampered.encode(), wrong_ns] {
        let before = c.store.clone();
        let err = c
            .try_apply(&[register(&key("emil"), 0), bad], Mode::Verify)
            .unwrap_err();
        let (index, error) = inadmissible(err);
        assert_eq!((index, error.code()), (1, "bad_signature"), "{error}");
        assert_eq!(c.store, before, "a rejected block changes nothing");
    }
    assert_eq!(c.account(&dana.public_key()), None);
    assert_eq!(c.personnel(&dana.public_key()), None);
}

/// `Mode::Propose` trusts the mempool, which admits only verified transactions: the proposer
/// does not check signatures twice. The block it builds is what peers verify.
#[test]
fn a_proposer_does_not_recheck_signatures_its_mempool_checked() {
    let mut c = Chain::started();
    let dana = key("dana");
    let forged = sign(tx(&dana, 0, register_call(registration())), &key("mallory"));
    let out = block_on(aigov_state::execute_block(
        &c.store,
        &c.genesis,
        aigov_state::BlockContext::unseeded(c.height + 1, 1 << 40),
        std::slice::from_ref(&forged),
        Mode::Propose,
    ))
    .unwrap();
    assert_eq!(out.included, vec![0]);
    // Peers reject that block.
    let err = c.try_apply(&[forged], Mode::Verify).unwrap_err();
    assert_eq!(inadmissible(err).1.code(), "bad_signature");
}

#[test]
fn a_rejected_block_leaves_the_chain_able_to_execute_a_valid_block_at_the_same_height() {
    let mut c = Chain::started();
    let bad = [register(&key("dana"), 0), Bytes::from_static(b"nope")];
    let before = c.store.clone();
    assert!(c.try_apply(&bad, Mode::Verify).is_err());
    assert_eq!(c.store, before);
    let out = c.apply(&bad[..1]);
    assert_eq!(out.receipts[0].height, 2);
}

#[test]
fn a_block_at_the_wrong_height_is_an_internal_error() {
    let c = Chain::started();
    for height in [0, 1, 3, u64::MAX] {
        let ctx = aigov_state::BlockContext::unseeded(height, GENESIS_TIME_MS);
        let err = block_on(aigov_state::execute_block(
            &c.store,
            &c.genesis,
            ctx,
            &[],
            Mode::Verify,
        ))
        .unwrap_err();
        assert!(
            matches!(err, ExecError::Internal { module: "app", .. }),
            "{err}"
        );
    }
}

#[test]
fn an_empty_block_only_moves_height_and_time() {
    let mut c = Chain::started();
    let out = c.apply(&[]);
    assert!(out.receipts.is_empty() && out.events.is_empty() && out.included.is_empty());
    let keys: Vec<_> = out.writes.keys().cloned().collect();
    let mut expected = vec![
        aigov_state::chain::keys::height(),
        aigov_state::chain::keys::time_ms(),
        aigov_state::log::keys::frontier(),
    ];
    expected.sort();
    assert_eq!(keys, expected);
    assert_eq!(block_on(aigov_state::chain::height(&c.store)).unwrap(), 2);
    assert_eq!(
        block_on(aigov_state::chain::time_ms(&c.store)).unwrap(),
        GENESIS_TIME_MS + 2 * BLOCK_MS
    );
}

#[test]
fn a_corrupt_state_value_fails_the_block_with_a_store_error_not_a_panic() {
    let mut c = Chain::started();
    c.store
        .entries
        .insert(aigov_state::accounts::keys::pool(), vec![1, 2, 3]);
    let err = c
        .execute(&[register(&key("dana"), 0)], Mode::Propose)
        .unwrap_err();
    assert!(
        matches!(&err, ExecError::Store(aigov_state::StoreError::Corrupt { key, .. }) if key.starts_with("pool/")),
        "{err}"
    );
}

// --- `admit`, as the mempool calls it -------------------------------------------------------

#[test]
fn admit_charges_the_pool_for_a_sponsored_call_from_a_fresh_key() {
    let c = Chain::started();
    let raw = register(&key("dana"), 0);
    let cost = tx_cost(
        &c.params(),
        &SignedTx::decode_bounded(&raw).unwrap().tx.call,
        raw.len(),
    );
    assert_eq!(
        c.admit(&raw, Pending::default()),
        Ok(Charge {
            payer: GasPayer::Pool,
            gas: cost,
            credits: cost,
        })
    );
}

#[test]
fn admit_expects_the_nonce_after_what_the_sender_already_has_pending() {
    let mut c = Chain::started();
    let dana = key("dana");
    c.apply(&[register(&dana, 0)]);
    let one = Pending {
        count: 1,
        ..Pending::default()
    };
    // On chain the next nonce is 1; with one pending it is 2.
    assert!(c.admit(&register(&dana, 2), one).is_ok());
    assert_eq!(
        c.admit(&register(&dana, 1), one),
        Err(AdmissionError::StaleNonce {
            sender: dana.public_key(),
            expected: 2,
            got: 1
        })
    );
    assert_eq!(
        c.admit(&register(&dana, 3), one),
        Err(AdmissionError::NonceGap {
            sender: dana.public_key(),
            expected: 2,
            got: 3
        })
    );
    // A fresh key with pending transactions: its account does not exist yet.
    let emil = key("emil");
    let two = Pending {
        count: 2,
        ..Pending::default()
    };
    assert!(c.admit(&register(&emil, 2), two).is_ok());
    assert_eq!(
        c.admit(&register(&emil, 0), two).unwrap_err().code(),
        "stale_nonce"
    );
}

#[test]
fn admit_checks_the_chain_id_before_anything_else() {
    let c = Chain::started();
    let dana = key("dana");
    let mut t = tx(&dana, 7, register_call(registration()));
    t.chain_id = slug("elsewhere");
    t.gas_limit = 0;
    assert_eq!(
        c.admit(&sign(t, &dana), Pending::default()),
        Err(AdmissionError::WrongChainId {
            expected: slug(CHAIN_ID),
            got: slug("elsewhere")
        })
    );
}

#[test]
fn admit_refuses_a_sponsored_call_the_pool_cannot_pay() {
    let mut g = genesis();
    g.pool_gas = 10;
    let mut c = Chain::with_genesis(g);
    c.apply(&[]);
    let err = c
        .admit(&register(&key("dana"), 0), Pending::default())
        .unwrap_err();
    assert!(
        matches!(err, AdmissionError::PoolExhausted { available: 10, .. }),
        "{err}"
    );
}

#[test]
fn the_only_call_today_is_sponsored_so_an_unknown_account_is_never_refused() {
    // `UnknownAccount` and `InsufficientGas` apply to calls the sender pays for; every call
    // that exists today (`personnel.register`) is sponsored. This pins that down: when a
    // non-sponsored call is added, this test fails and those paths need scenarios here.
    let call = register_call(registration());
    assert!(call.is_sponsored());
    let c = Chain::started();
    assert!(
        c.admit(&register(&key("nobody"), 0), Pending::default())
            .is_ok()
    );
    assert_eq!(
        AdmissionError::UnknownAccount(pk("nobody")).code(),
        "unknown_account"
    );
}

#[test]
fn admission_and_execution_charge_the_same_cost() {
    let mut c = Chain::started();
    let raw = register_with(&key("dana"), 0, |r| r.name = text(&"x".repeat(128)));
    let charge = c.admit(&raw, Pending::default()).unwrap();
    let out = c.apply(&[raw]);
    assert_eq!(out.receipts[0].gas_used, charge.gas);
    assert_eq!(out.receipts[0].credits, charge.credits);
    assert_eq!(out.receipts[0].payer, charge.payer);
}

// --- Genesis validation ---------------------------------------------------------------------

fn invalid(g: &Genesis, needle: &str) {
    let err = block_on(validate_genesis(g)).unwrap_err();
    assert!(
        matches!(&err, ExecError::Genesis(m) if m.contains(needle)),
        "expected a genesis error mentioning {needle:?}, got {err}"
    );
    // Executing the first block on it fails the same way.
    let c = Chain::with_genesis(g.clone());
    assert_eq!(c.execute(&[], Mode::Verify).unwrap_err(), err);
}

fn person(name: &str, member: &str, org: Option<&str>, tier: u8) -> GenesisPersonnel {
    GenesisPersonnel {
        account: pk(name),
        member: slug(member),
        organisation: org.map(slug),
        roles: Roles::from_roles(&[Role::Policy]),
        tier,
        name: text(name),
    }
}

fn push_personnel(g: &mut Genesis, p: GenesisPersonnel) {
    let mut v = g.personnel.as_slice().to_vec();
    v.push(p);
    g.personnel = BoundedVec::new(v).unwrap();
}

#[test]
fn the_demo_genesis_is_valid() {
    block_on(validate_genesis(&genesis())).unwrap();
}

#[test]
fn genesis_validation_rejects_a_duplicate_member() {
    let mut g = genesis();
    let mut m = g.members.as_slice().to_vec();
    let mut dup = m[0].clone();
    dup.name = text("Another France");
    m.push(dup);
    g.members = BoundedVec::new(m).unwrap();
    invalid(&g, "member fr appears twice");
}

#[test]
fn genesis_validation_rejects_a_duplicate_organisation() {
    let mut g = genesis();
    let mut o = g.organisations.as_slice().to_vec();
    o.push(o[0].clone());
    g.organisations = BoundedVec::new(o).unwrap();
    invalid(&g, "organisation mistral appears twice");
}

#[test]
fn genesis_validation_rejects_duplicate_personnel() {
    let mut g = genesis();
    push_personnel(&mut g, person("alice", "de", None, 3));
    invalid(&g, "personnel");
}

#[test]
fn genesis_validation_rejects_an_organisation_under_an_unknown_member() {
    let mut g = genesis();
    let mut o = g.organisations.as_slice().to_vec();
    o.push(Organisation {
        id: slug("acme"),
        name: text("Acme"),
        member: slug("atlantis"),
        kind: OrganisationKind::Lab,
    });
    g.organisations = BoundedVec::new(o).unwrap();
    invalid(&g, "member atlantis does not exist");
}

#[test]
fn genesis_validation_rejects_personnel_of_an_unknown_member_or_organisation() {
    let mut g = genesis();
    push_personnel(&mut g, person("dana", "atlantis", None, 1));
    invalid(&g, "member atlantis does not exist");

    let mut g = genesis();
    push_personnel(&mut g, person("dana", "fr", Some("acme"), 1));
    invalid(&g, "organisation acme does not exist");

    let mut g = genesis();
    push_personnel(&mut g, person("dana", "fr", Some("dc-berlin"), 1));
    invalid(&g, "organisation dc-berlin is under member de, not fr");
}

#[test]
fn genesis_validation_rejects_personnel_without_a_seat_or_roles() {
    let mut g = genesis();
    push_personnel(&mut g, person("dana", "eu", None, 1));
    invalid(&g, "no seats at tier 1");

    let mut g = genesis();
    push_personnel(&mut g, person("dana", "fr", None, 0));
    invalid(&g, "tier 0");

    let mut g = genesis();
    let mut p = person("dana", "fr", None, 1);
    p.roles = Roles::default();
    push_personnel(&mut g, p);
    invalid(&g, "role");
}

#[test]
fn genesis_validation_rejects_an_account_credited_twice() {
    let mut g = genesis();
    let mut a = g.accounts.as_slice().to_vec();
    a.push(GenesisAccount {
        account: pk("funded"),
        gas: 1,
    });
    g.accounts = BoundedVec::new(a).unwrap();
    invalid(&g, "credited twice");
}

#[test]
fn genesis_validation_rejects_a_validator_of_an_unknown_member() {
    let mut g = genesis();
    let mut v = g.validators.as_slice().to_vec();
    v[1].member = slug("atlantis");
    g.validators = BoundedVec::new(v).unwrap();
    let err = block_on(validate_genesis(&g)).unwrap_err();
    assert!(
        matches!(&err, ExecError::Genesis(m) if m.contains("member atlantis")),
        "{err}"
    );
}

#[test]
fn genesis_validation_rejects_a_validator_key_listed_twice() {
    let mut g = genesis();
    let mut v = g.validators.as_slice().to_vec();
    v[2].key = v[0].key.clone();
    g.validators = BoundedVec::new(v).unwrap();
    let err = block_on(validate_genesis(&g)).unwrap_err();
    assert!(
        matches!(&err, ExecError::Genesis(m) if m.contains("appears twice")),
        "{err}"
    );
}
