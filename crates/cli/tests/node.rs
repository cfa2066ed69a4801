//! Black-box tests of the real node: the `aigov` binary started as `aigov dev` on a temporary
//! data folder, driven over its HTTP API on loopback and through the CLI, as a user would.
//!
//! One node serves every test but the restart test, which kills its own; the tests that use
//! the shared node take turns (see `common::shared_node`), so each can compare global state
//! (the pool, the log) before and after what it does.
#![cfg(unix)]

mod common;

use aigov_client::ClientError;
use aigov_types::api::TxStatus;
use aigov_types::codec::{Encode, Hash, Slug};
use aigov_types::event::{Event, EventRecord};
use aigov_types::personnel::PersonnelStatus;
use aigov_types::receipt::{GasPayer, TxOutcome};
use aigov_types::{PrivateKey, PublicKey, Tx};
use common::{
    FINALITY_TIMEOUT, GAS_LIMIT, Node, Response, SseStream, post_json, post_tx_bytes,
    register_call, register_call_for, register_tx, request, shared_node, wait_final,
};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Everything an admission refusal must leave as it was. The height is left out: empty blocks
/// keep coming, and change nothing here.
#[derive(Debug, PartialEq)]
struct Snapshot {
    pool: Option<u64>,
    log_size: u64,
    mempool: usize,
    personnel_total: u64,
    /// Account and personnel record of each watched key, as JSON.
    watched: Vec<(serde_json::Value, serde_json::Value)>,
}

fn snapshot(node: &Node, watched: &[PublicKey]) -> Snapshot {
    let c = node.client();
    let watched = watched
        .iter()
        .map(|pk| {
            let account = c.account(pk, false).expect("GET account").value;
            let person = c.personnel(pk, false).expect("GET personnel").value;
            (
                serde_json::to_value(account).expect("account as JSON"),
                serde_json::to_value(person).expect("personnel as JSON"),
            )
        })
        .collect();
    Snapshot {
        pool: c.pool(false).expect("GET pool").value,
        log_size: c.events(0, 1).expect("GET events").log_size,
        mempool: c.health().expect("GET health").mempool,
        personnel_total: c.personnel_page(0, 1).expect("GET personnel").total,
        watched,
    }
}

/// Status and code of a raw refusal (which must also say what was wrong).
fn refusal(resp: Response) -> (u16, String) {
    assert_eq!(
        resp.header("content-type"),
        Some("application/json"),
        "{}",
        resp.text()
    );
    let body = resp.error();
    assert!(!body.message.is_empty(), "{body:?}");
    (resp.status, body.code)
}

/// Status and code of a refusal through the typed client.
fn typed_refusal(result: Result<Hash, ClientError>) -> (u16, String) {
    match result {
        Err(ClientError::Api {
            status,
            code,
            message,
        }) => {
            assert!(!message.is_empty(), "{code}: no message");
            (status, code)
        }
        other => panic!("expected the node to refuse the transaction, got {other:?}"),
    }
}

/// Runs `submit` and checks it is refused with `status` and `code` and that nothing in
/// [Snapshot] changed. `unknown` lists transaction hashes the node must still not know.
#[track_caller]
fn assert_refused(
    node: &Node,
    watched: &[PublicKey],
    what: &str,
    expected: (u16, &str),
    unknown: &[Hash],
    submit: impl FnOnce() -> (u16, String),
) {
    let before = snapshot(node, watched);
    let (status, code) = submit();
    assert_eq!(
        (status, code.as_str()),
        expected,
        "{what}: wrong status or code"
    );
    let after = snapshot(node, watched);
    assert_eq!(before, after, "{what}: a refused submission changed state");
    for hash in unknown {
        let resp = request(node.addr, "GET", &format!("/v1/txs/{hash}"), None, b"");
        assert_eq!(
            resp.status,
            404,
            "{what}: the refused transaction {hash} is known: {}",
            resp.text()
        );
    }
}

/// The receipt and events of a finalized transaction, whether its call succeeded or failed.
fn receipt_of(status: &TxStatus) -> (&aigov_types::Receipt, &[EventRecord]) {
    match status {
        TxStatus::Finalized { receipt, events } | TxStatus::Failed { receipt, events } => {
            (receipt, events)
        }
        TxStatus::Pending => panic!("the transaction is still pending"),
    }
}

fn failure_code(status: &TxStatus) -> Option<String> {
    match &receipt_of(status).0.outcome {
        TxOutcome::Success(_) => None,
        TxOutcome::Failed(f) => Some(f.code.as_str().to_string()),
    }
}

/// Deterministic pseudo-random bytes (xorshift64*).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

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

/// `aigov verify FILE --genesis GENESIS`.
fn verify(node: &Node, file: &Path) -> Output {
    let genesis = node.genesis_path();
    node.cli(&[
        "verify",
        file.to_str().expect("a UTF-8 path"),
        "--genesis",
        genesis.to_str().expect("a UTF-8 path"),
    ])
}

/// Writes a copy of the proof file `proof` with one byte of the hex field `field` changed.
fn tamper(proof: &serde_json::Value, field: &str, out: &Path) {
    let mut p = proof.clone();
    let hex_text = p[field]
        .as_str()
        .unwrap_or_else(|| panic!("the proof has no hex field {field:?}"));
    let mut bytes = hex::decode(hex_text).expect("a hex field");
    assert!(!bytes.is_empty(), "field {field} is empty");
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    p[field] = serde_json::Value::String(hex::encode(bytes));
    std::fs::write(out, serde_json::to_vec_pretty(&p).expect("JSON")).expect("writing a proof");
}

// ---------------------------------------------------------------------------------------------
// 1. Admission refusals

// `unknown_account` and `insufficient_gas` cannot be produced over the API yet: the only call
// that exists, `personnel.register`, is sponsored (the pool pays, and a sender needs no
// account), so admission never reaches those checks. `pool_exhausted`, `sponsored_quota` and
// `mempool_full` need a drained pool, 64 sponsored calls in one block or 50 000 pending
// transactions, which a test of this size does not reach.
#[test]
fn every_admission_refusal_answers_its_own_code_and_changes_nothing() {
    let node = shared_node();
    let client = node.client();
    let chain = node.chain_id();
    let alice = node.key("alice");
    let fresh = PrivateKey::generate(); // never has a transaction finalized
    let replayer = PrivateKey::generate();
    let duplicator = PrivateKey::generate();
    let sponsored = PrivateKey::generate();
    let watched = [
        alice.public_key(),
        fresh.public_key(),
        replayer.public_key(),
        duplicator.public_key(),
        sponsored.public_key(),
    ];
    let w = &watched[..];
    let good = register_tx(&fresh, &chain, 0, "Fresh Face");
    let good_bytes = good.encode().to_vec();
    let good_hash = good.hash();

    // bad_signature: one flipped byte of the signature (its R half, so it still decodes) ...
    let mut flipped = good_bytes.clone();
    let sig_at = flipped.len() - 64;
    flipped[sig_at] ^= 0x01;
    assert_refused(
        &node,
        w,
        "flipped signature byte",
        (400, "bad_signature"),
        &[good_hash],
        || refusal(post_tx_bytes(&node, &flipped)),
    );
    // ... and a valid signature by someone other than the sender.
    let forged = Tx {
        chain_id: chain.clone(),
        sender: alice.public_key(),
        nonce: client
            .next_nonce(&alice.public_key())
            .expect("alice's nonce"),
        gas_limit: GAS_LIMIT,
        call: register_call("Not Alice"),
    }
    .sign(&fresh);
    assert_refused(
        &node,
        w,
        "signed by another key",
        (400, "bad_signature"),
        &[forged.hash()],
        || refusal(post_tx_bytes(&node, &forged.encode())),
    );

    // tx_undecodable: noise, a truncated transaction, a trailing byte, nothing at all.
    let mut trailing = good_bytes.clone();
    trailing.push(0);
    for (what, bytes) in [
        ("random bytes", noise(300, 7)),
        ("truncated", good_bytes[..good_bytes.len() - 1].to_vec()),
        ("cut in half", good_bytes[..good_bytes.len() / 2].to_vec()),
        ("trailing byte", trailing.clone()),
        ("empty", Vec::new()),
    ] {
        assert_refused(
            &node,
            w,
            what,
            (400, "tx_undecodable"),
            &[good_hash],
            || refusal(post_tx_bytes(&node, &bytes)),
        );
    }
    // The raw body form is checked the same way.
    assert_refused(
        &node,
        w,
        "trailing byte, raw body",
        (400, "tx_undecodable"),
        &[good_hash],
        || {
            refusal(request(
                node.addr,
                "POST",
                "/v1/txs",
                Some("application/octet-stream"),
                &trailing,
            ))
        },
    );

    // tx_oversized: above 4096 bytes, before any decoding.
    let mut oversized = good_bytes.clone();
    oversized.resize(aigov_types::tx::MAX_TX_BYTES + 1, 0);
    assert_refused(
        &node,
        w,
        "4097 bytes",
        (400, "tx_oversized"),
        &[good_hash],
        || refusal(post_tx_bytes(&node, &oversized)),
    );
    assert_refused(
        &node,
        w,
        "6000 bytes of noise, raw body",
        (400, "tx_oversized"),
        &[],
        || {
            refusal(request(
                node.addr,
                "POST",
                "/v1/txs",
                Some("application/octet-stream"),
                &noise(6000, 11),
            ))
        },
    );

    // wrong_chain_id.
    let other_chain = aigov_client::build_tx(
        &fresh,
        &Slug::new("another-chain").expect("a slug"),
        0,
        GAS_LIMIT,
        register_call("Fresh Face"),
    );
    assert_refused(
        &node,
        w,
        "another chain's transaction",
        (400, "wrong_chain_id"),
        &[other_chain.hash()],
        || typed_refusal(client.submit(&other_chain)),
    );

    // nonce_gap: a fresh account expects nonce 0; alice expects her current nonce.
    let gap = register_tx(&fresh, &chain, 1, "Fresh Face");
    assert_refused(
        &node,
        w,
        "nonce 1 of a fresh key",
        (400, "nonce_gap"),
        &[gap.hash()],
        || typed_refusal(client.submit(&gap)),
    );
    let alice_nonce = client.next_nonce(&alice.public_key()).expect("nonce");
    let alice_gap = register_tx(&alice, &chain, alice_nonce + 5, "Alice Again");
    assert_refused(
        &node,
        w,
        "alice's nonce + 5",
        (400, "nonce_gap"),
        &[alice_gap.hash()],
        || typed_refusal(client.submit(&alice_gap)),
    );

    // gas_limit_too_low: a registration costs about 7 700 gas.
    for limit in [0, 1_000] {
        let cheap = aigov_client::build_tx(&fresh, &chain, 0, limit, register_call("Fresh Face"));
        assert_refused(
            &node,
            w,
            &format!("gas limit {limit}"),
            (400, "gas_limit_too_low"),
            &[cheap.hash()],
            || typed_refusal(client.submit(&cheap)),
        );
    }

    // stale_nonce: replaying a finalized transaction, and a new one reusing its nonce.
    let first = register_tx(&replayer, &chain, 0, "Rita Replay");
    let status = client
        .submit_and_wait(&first, FINALITY_TIMEOUT)
        .expect("a registration");
    assert!(matches!(status, TxStatus::Finalized { .. }), "{status:?}");
    assert_refused(
        &node,
        w,
        "replay of a finalized transaction",
        (400, "stale_nonce"),
        &[],
        || typed_refusal(client.submit(&first)),
    );
    let reuse = register_tx(&replayer, &chain, 0, "Rita Reuse");
    assert_refused(
        &node,
        w,
        "a used nonce",
        (400, "stale_nonce"),
        &[reuse.hash()],
        || typed_refusal(client.submit(&reuse)),
    );

    // duplicate_tx: the same transaction twice while it is pending. The second submission
    // follows the first at once; should the block finalize in between, the replay is stale
    // instead. Either way it must be refused, and only one copy may take effect.
    let before = snapshot(&node, w);
    let dup = register_tx(&duplicator, &chain, 0, "Dana Double");
    let hash = client.submit(&dup).expect("the first submission");
    let second = typed_refusal(client.submit(&dup));
    // Pending only ever turns final: pending now means pending at the second submission.
    let still_pending = matches!(client.tx_status(&hash), Ok(Some(TxStatus::Pending)));
    if still_pending {
        assert_eq!(
            second,
            (409, "duplicate_tx".to_string()),
            "the same transaction submitted twice while pending"
        );
    } else {
        assert!(
            second == (409, "duplicate_tx".to_string())
                || second == (400, "stale_nonce".to_string()),
            "the same transaction submitted twice: {second:?}"
        );
    }
    eprintln!("the same transaction submitted twice (still pending: {still_pending}): {second:?}");
    let done = wait_final(&client, &hash);
    let (receipt, events) = receipt_of(&done);
    node.wait_mempool_empty();
    let after = snapshot(&node, w);
    assert_eq!(
        after.pool,
        before.pool.map(|p| p - receipt.credits),
        "pool paid once"
    );
    // The transaction's own events, and the gas tax its block sent to the treasury.
    assert_eq!(
        after.log_size,
        before.log_size + events.len() as u64 + 1,
        "one transaction's events"
    );
    assert_eq!(after.personnel_total, before.personnel_total + 1);
    let account = client
        .account(&duplicator.public_key(), false)
        .expect("GET account")
        .value
        .expect("the account exists");
    assert_eq!(account.nonce, 1, "the duplicate consumed no nonce");

    // sponsorship_used: the pool pays for 3 transactions per account. Three registrations (the
    // first succeeds, the next two fail with already_registered and still use the allowance),
    // then a fourth is refused.
    let txs: Vec<_> = (0..3)
        .map(|n| register_tx(&sponsored, &chain, n, "Sam Sponsored"))
        .collect();
    let hashes: Vec<Hash> = txs
        .iter()
        .map(|tx| client.submit(tx).expect("a sponsored registration"))
        .collect();
    let outcomes: Vec<Option<String>> = hashes
        .iter()
        .map(|h| {
            let s = wait_final(&client, h);
            assert_eq!(receipt_of(&s).0.payer, GasPayer::Pool);
            failure_code(&s)
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            None,
            Some("already_registered".to_string()),
            Some("already_registered".to_string())
        ]
    );
    node.wait_mempool_empty();
    let fourth = register_tx(&sponsored, &chain, 3, "Sam Sponsored");
    assert_refused(
        &node,
        w,
        "a 4th sponsored transaction",
        (400, "sponsorship_used"),
        &[fourth.hash()],
        || typed_refusal(client.submit(&fourth)),
    );
    let account = client
        .account(&sponsored.public_key(), false)
        .expect("GET account")
        .value
        .expect("the account exists");
    assert_eq!((account.nonce, account.gas), (3, 0));
    // The allowance counts pending transactions too: a 4th sent while 3 wait is refused.
    let eager = PrivateKey::generate();
    let pending: Vec<Hash> = (0..3)
        .map(|n| {
            let tx = register_tx(&eager, &chain, n, "Eve Eager");
            client.submit(&tx).expect("a sponsored registration")
        })
        .collect();
    let fourth = register_tx(&eager, &chain, 3, "Eve Eager");
    assert_eq!(
        typed_refusal(client.submit(&fourth)),
        (400, "sponsorship_used".to_string()),
        "a 4th sponsored transaction while 3 are pending"
    );
    for h in &pending {
        wait_final(&client, h);
    }
    node.wait_mempool_empty();
    assert!(client.tx_status(&fourth.hash()).expect("GET tx").is_none());

    // bad_request: the body is not {"tx": "<hex>"}.
    for (what, body) in [
        ("non-hex", r#"{"tx":"zz"}"#),
        ("odd-length hex", r#"{"tx":"abc"}"#),
        ("truncated JSON", r#"{"tx":"#),
        ("no tx field", r#"{"hash":"00"}"#),
        ("tx not a string", r#"{"tx":5}"#),
        ("not JSON", "tx=00"),
        ("empty body", ""),
    ] {
        assert_refused(&node, w, what, (400, "bad_request"), &[good_hash], || {
            refusal(post_json(&node, body))
        });
    }

    // 413: a body above aigov_api::MAX_BODY_BYTES (room for a 64 KiB attested transaction as
    // hex), in either form.
    let huge = format!("{{\"tx\":\"{}\"}}", "00".repeat(80_000));
    assert_refused(
        &node,
        w,
        "160 KB JSON body",
        (413, "payload_too_large"),
        &[],
        || refusal(post_json(&node, &huge)),
    );
    assert_refused(
        &node,
        w,
        "140 KB raw body",
        (413, "payload_too_large"),
        &[],
        || {
            refusal(request(
                node.addr,
                "POST",
                "/v1/txs",
                Some("application/octet-stream"),
                &noise(140_000, 3),
            ))
        },
    );

    // 415: any other content type, or none.
    let json = format!("{{\"tx\":\"{}\"}}", hex::encode(&good_bytes));
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        assert_refused(
            &node,
            w,
            &format!("content type {ct:?}"),
            (415, "unsupported_media_type"),
            &[good_hash],
            || refusal(request(node.addr, "POST", "/v1/txs", ct, json.as_bytes())),
        );
    }

    // After all that, the untouched transaction is still admissible, in either body form:
    // JSON (with a charset parameter and a 0x prefix) or raw bytes.
    let resp = request(
        node.addr,
        "POST",
        "/v1/txs",
        Some("application/json; charset=utf-8"),
        format!("{{\"tx\":\"0x{}\"}}", hex::encode(&good_bytes)).as_bytes(),
    );
    assert_eq!(resp.status, 202, "{}", resp.text());
    let accepted: aigov_types::api::SubmitTxResponse =
        serde_json::from_slice(&resp.body).expect("a SubmitTxResponse");
    assert_eq!(accepted.hash, good_hash);
    let status = wait_final(&client, &good_hash);
    assert!(matches!(status, TxStatus::Finalized { .. }), "{status:?}");
    let raw = register_tx(&PrivateKey::generate(), &chain, 0, "Rob Raw");
    let resp = request(
        node.addr,
        "POST",
        "/v1/txs",
        Some("application/octet-stream"),
        &raw.encode(),
    );
    assert_eq!(resp.status, 202, "{}", resp.text());
    let status = wait_final(&client, &raw.hash());
    assert!(matches!(status, TxStatus::Finalized { .. }), "{status:?}");
}

// ---------------------------------------------------------------------------------------------
// 2. The CLI: register, prove, verify offline, tamper

#[test]
fn a_newcomer_registers_through_the_cli_and_its_proof_verifies_offline_until_one_byte_changes() {
    let node = shared_node();
    let client = node.client();
    let name = format!("newcomer-{}", std::process::id());
    let out = node.cli(&["keys", "new", &name]);
    assert!(out.status.success(), "keys new: {}", describe(&out));
    let pk = node.key(&name).public_key();
    assert!(stdout(&out).contains(&pk.to_string()), "{}", describe(&out));
    let pool_before = client.pool(false).expect("pool").value.expect("a pool");

    let out = node.cli(&[
        "--key",
        &name,
        "--json",
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
    ]);
    assert!(out.status.success(), "register: {}", describe(&out));
    let status: TxStatus = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("register --json output ({e}): {}", describe(&out)));
    let TxStatus::Finalized { receipt, events } = status else {
        panic!("the registration did not succeed: {}", describe(&out));
    };
    assert_eq!(receipt.sender, pk);
    assert_eq!(
        receipt.payer,
        GasPayer::Pool,
        "a newcomer's registration is sponsored"
    );
    assert!(receipt.gas_used > 0);
    assert!(
        events
            .iter()
            .any(|e| matches!(&e.event, Event::PersonnelRegistered(r) if r.account == pk)),
        "{events:?}"
    );

    let person = client
        .personnel(&pk, false)
        .expect("GET personnel")
        .value
        .expect("the record exists");
    assert_eq!(person.status, PersonnelStatus::Pending);
    assert_eq!(person.name.as_str(), "Ada Newcomer");
    assert_eq!(person.member.to_string(), "fr");
    assert_eq!(person.tier, 2);
    assert_eq!(person.registered_height, receipt.height);
    let pool_after = client.pool(false).expect("pool").value.expect("a pool");
    assert_eq!(
        pool_after,
        pool_before - receipt.gas_used,
        "the pool paid exactly the gas used"
    );
    let account = client
        .account(&pk, false)
        .expect("GET account")
        .value
        .expect("the account exists now");
    assert_eq!(
        (account.nonce, account.gas),
        (1, 0),
        "the newcomer paid nothing"
    );

    // Registering twice: the call fails with its own code, and the CLI exits 1.
    let out = node.cli(&[
        "--key",
        &name,
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
        "Ada Again",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        stdout(&out).contains("already_registered"),
        "{}",
        describe(&out)
    );

    // Prove the record, save the proof, check it offline.
    let dir = node.scratch();
    let proof_path = dir.join(format!("{name}.proof.json"));
    let out = node.cli(&[
        "--key",
        &name,
        "query",
        "personnel",
        "--prove",
        "--out",
        proof_path.to_str().expect("a UTF-8 path"),
    ]);
    assert!(out.status.success(), "query --prove: {}", describe(&out));
    assert!(stdout(&out).contains("Ada Newcomer"), "{}", describe(&out));
    let out = verify(&node, &proof_path);
    assert_eq!(out.status.code(), Some(0), "verify: {}", describe(&out));
    assert!(
        stdout(&out).contains("proof verifies") && stdout(&out).contains("Ada Newcomer"),
        "{}",
        describe(&out)
    );

    // One changed byte in the header, the certificate or the state proof: exit 1.
    let proof: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&proof_path).expect("the proof file"))
            .expect("the proof file is JSON");
    for field in ["header", "finalization", "proof"] {
        let bad = dir.join(format!("{name}.bad-{field}.json"));
        tamper(&proof, field, &bad);
        let out = verify(&node, &bad);
        assert_eq!(
            out.status.code(),
            Some(1),
            "a proof with one byte of `{field}` changed: {}",
            describe(&out)
        );
        assert!(
            stdout(&out).contains("does NOT verify"),
            "{}",
            describe(&out)
        );
    }

    // A file that is not a proof cannot be checked: exit 2.
    let garbage = dir.join("garbage.json");
    std::fs::write(&garbage, noise(500, 5)).expect("writing garbage");
    let out = verify(&node, &garbage);
    assert_eq!(out.status.code(), Some(2), "garbage: {}", describe(&out));
    std::fs::write(&garbage, "{\"key\": 1}").expect("writing garbage");
    let out = verify(&node, &garbage);
    assert_eq!(
        out.status.code(),
        Some(2),
        "JSON garbage: {}",
        describe(&out)
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Transaction status

#[test]
fn a_transaction_goes_from_pending_to_finalized_with_its_events_a_failed_one_reports_its_code_and_an_unknown_one_is_404()
 {
    let node = shared_node();
    let client = node.client();
    let chain = node.chain_id();

    // Pending, then finalized. A block follows a submission within ~20 ms; should the test be
    // descheduled for that long, the first status read may already be final: try again.
    let mut observed = None;
    for attempt in 0..3 {
        let key = PrivateKey::generate();
        let tx = register_tx(&key, &chain, 0, "Tess Status");
        let hash = client.submit(&tx).expect("submit");
        let first = client.tx_status(&hash).expect("GET tx").expect("known");
        let last = wait_final(&client, &hash);
        if matches!(first, TxStatus::Pending) {
            observed = Some((key, hash, last));
            break;
        }
        eprintln!("attempt {attempt}: the transaction was final before its first status read");
    }
    let (key, hash, status) = observed.expect("a submitted transaction is reported pending");
    let TxStatus::Finalized { receipt, events } = &status else {
        panic!("expected a successful transaction: {status:?}");
    };
    let tip = client.health().expect("health").height;
    assert_eq!(receipt.hash, hash);
    assert!(receipt.height >= 1 && receipt.height <= tip, "{receipt:?}");
    assert_eq!(receipt.sender, key.public_key());
    assert!(matches!(receipt.outcome, TxOutcome::Success(_)));
    let kinds: Vec<&str> = events.iter().map(|e| e.event.kind()).collect();
    assert_eq!(kinds, ["personnel_registered", "tx_executed"]);
    assert_eq!(events.len() as u32, receipt.event_count);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.index, receipt.first_event + i as u64);
        assert_eq!((e.height, e.tx), (receipt.height, Some(hash)));
    }
    let block = client.block(Some(receipt.height)).expect("GET block");
    assert_eq!(block.header.height, receipt.height);
    assert_eq!(block.txs.get(receipt.index as usize), Some(&hash));
    // The same answer again, and from the state's own receipt.
    let again = client.tx_status(&hash).expect("GET tx").expect("known");
    assert_eq!(receipt_of(&again).0, receipt);
    let stored = client.receipt(&hash, false).expect("GET receipt").value;
    assert_eq!(stored.as_ref(), Some(receipt));

    // A failed call: registering again fails with its own code, and still pays.
    let tx = register_tx(&key, &chain, 1, "Tess Twice");
    let hash2 = client.submit(&tx).expect("submit");
    let status = wait_final(&client, &hash2);
    let TxStatus::Failed { receipt, events } = &status else {
        panic!("expected a failed transaction: {status:?}");
    };
    assert_eq!(failure_code(&status).as_deref(), Some("already_registered"));
    assert!(receipt.gas_used > 0);
    assert_eq!(receipt.payer, GasPayer::Pool);
    let last = events.last().expect("a tx_executed event");
    assert!(
        matches!(&last.event, Event::TxExecuted(t) if t.hash == hash2 && matches!(t.outcome, TxOutcome::Failed(_))),
        "{last:?}"
    );
    let person = client.personnel(&key.public_key(), false).expect("GET");
    assert_eq!(
        person.value.map(|p| p.name.as_str().to_string()).as_deref(),
        Some("Tess Status"),
        "the failed call changed nothing"
    );
    // Another code: an unknown member.
    let stranger = PrivateKey::generate();
    let tx = aigov_client::build_tx(
        &stranger,
        &chain,
        0,
        GAS_LIMIT,
        register_call_for("Una Known", "zz"),
    );
    let status = client
        .submit_and_wait(&tx, FINALITY_TIMEOUT)
        .expect("submit");
    assert!(matches!(status, TxStatus::Failed { .. }), "{status:?}");
    assert_eq!(failure_code(&status).as_deref(), Some("unknown_member"));

    // Unknown: 404 with its code; malformed: 400.
    let unknown = Hash::digest(&[b"never submitted"]);
    assert!(client.tx_status(&unknown).expect("GET tx").is_none());
    let resp = request(node.addr, "GET", &format!("/v1/txs/{unknown}"), None, b"");
    assert_eq!(
        (resp.status, resp.error().code.as_str()),
        (404, "not_found")
    );
    let resp = request(node.addr, "GET", "/v1/txs/not-a-hash", None, b"");
    assert_eq!(
        (resp.status, resp.error().code.as_str()),
        (400, "bad_request")
    );
}

// ---------------------------------------------------------------------------------------------
// 4. kill -9 and restart

/// How the submitter thread of the restart test ended.
#[derive(Debug)]
enum SubmitterEnd {
    /// The node stopped answering.
    NodeGone,
    /// The node refused a transaction (shown through `Debug`).
    Refused(#[allow(dead_code)] ClientError),
}

/// What the restart test saw of the chain just before a kill.
struct BeforeKill {
    height: u64,
    log: aigov_types::api::EventsResponse,
    checkpoint: aigov_types::api::CheckpointResponse,
    block_digest: Hash,
}

/// Streams registrations (each from a fresh key) into `node` until at least `new_final` more
/// of them are reported finalized (recorded in `finalized` with their heights), then kills the
/// node with SIGKILL while the stream is still running. Returns what it submitted.
fn stream_then_kill(
    node: &mut Node,
    round: u32,
    new_final: usize,
    finalized: &mut BTreeMap<Hash, u64>,
) -> (Vec<Hash>, BeforeKill) {
    let client = node.client();
    let chain = node.chain_id();
    let submitted: Arc<Mutex<Vec<Hash>>> = Arc::default();
    let submitter = {
        let (client, submitted) = (client.clone(), submitted.clone());
        std::thread::spawn(move || {
            for n in 0u64.. {
                let name = format!("Stream {round}-{n}");
                let tx = register_tx(&PrivateKey::generate(), &chain, 0, &name);
                match client.submit(&tx) {
                    Ok(h) => submitted.lock().expect("lock").push(h),
                    Err(e @ ClientError::Api { .. }) => return SubmitterEnd::Refused(e),
                    Err(_) => return SubmitterEnd::NodeGone,
                }
                // Brisk at first, then slower: after a kill, consensus may take a few
                // seconds to resume, and a backlog only slows the test down.
                let pause = if n < 20 { 15 } else { 200 };
                std::thread::sleep(Duration::from_millis(pause));
            }
            unreachable!("the stream ends when the node goes away")
        })
    };
    let target = finalized.len() + new_final;
    let deadline = Instant::now() + Duration::from_secs(30);
    while finalized.len() < target {
        assert!(
            Instant::now() < deadline,
            "round {round}: too few transactions finalized in 30 s"
        );
        assert!(
            !submitter.is_finished(),
            "round {round}: the submitter stopped early"
        );
        let hashes: Vec<Hash> = submitted.lock().expect("lock").clone();
        for h in &hashes {
            if finalized.contains_key(h) {
                continue;
            }
            if let Some(s @ TxStatus::Finalized { .. }) = client.tx_status(h).expect("GET tx") {
                finalized.insert(*h, receipt_of(&s).0.height);
            }
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    let height = client.health().expect("health").height;
    let before = BeforeKill {
        height,
        log: client.events(0, 1000).expect("events"),
        checkpoint: client.checkpoint().expect("checkpoint"),
        block_digest: client.block(Some(height)).expect("block").header.digest,
    };
    assert!(
        !submitter.is_finished(),
        "round {round}: the submitter must still be running at the kill"
    );
    node.kill9();
    let end = submitter.join().expect("the submitter thread");
    assert!(
        matches!(end, SubmitterEnd::NodeGone),
        "round {round}: the submitter ended with {end:?}"
    );
    let submitted = submitted.lock().expect("lock").clone();
    (submitted, before)
}

#[test]
fn a_node_killed_mid_stream_restarts_with_every_finalized_transaction_and_keeps_going() {
    let mut node = Node::start();
    let chain = node.chain_id();
    let mut finalized: BTreeMap<Hash, u64> = BTreeMap::new();
    let mut height_after = 0;
    // Three rounds: each kill lands at another point of block production and storage writes.
    for round in 0..3 {
        let (submitted, before) = stream_then_kill(&mut node, round, 5, &mut finalized);
        node.restart();
        let client = node.client();
        height_after = client.health().expect("health").height;
        assert!(
            height_after >= before.height,
            "round {round}: height went back from {} to {height_after}",
            before.height
        );
        let log = client.events(0, 1000).expect("events");
        assert!(
            log.log_size >= before.log.log_size,
            "round {round}: the log shrank from {} to {} events",
            before.log.log_size,
            log.log_size
        );
        assert_eq!(
            log.events[..before.log.events.len()],
            before.log.events[..],
            "round {round}: the log's history changed"
        );
        // The rebuilt log extends the one signed before the kill.
        let checkpoint = client.checkpoint().expect("checkpoint");
        let proof = client
            .consistency_proof(before.checkpoint.size, checkpoint.size)
            .expect("a consistency proof");
        assert_eq!(proof.from_root, before.checkpoint.root, "round {round}");
        assert!(
            aigov_types::log::verify_consistency(
                before.checkpoint.size,
                checkpoint.size,
                &before.checkpoint.root,
                &checkpoint.root,
                &proof.path
            ),
            "round {round}: the log after the restart is not consistent with the one before"
        );
        let digest = client
            .block(Some(before.height))
            .expect("block")
            .header
            .digest;
        assert_eq!(
            digest, before.block_digest,
            "round {round}: block {} changed",
            before.height
        );
        // Every transaction seen final, in this round or an earlier one, still is.
        for (hash, height) in &finalized {
            match client.tx_status(hash).expect("GET tx") {
                Some(s @ TxStatus::Finalized { .. }) => assert_eq!(
                    receipt_of(&s).0.height,
                    *height,
                    "round {round}: {hash} moved to another block"
                ),
                other => panic!(
                    "round {round}: {hash} was finalized at height {height} before a kill; \
                     now {other:?}"
                ),
            }
        }
        // What was still pending at the kill is either final now or unknown, never half there.
        for hash in submitted.iter().filter(|h| !finalized.contains_key(h)) {
            let s = client.tx_status(hash).expect("GET tx");
            assert!(
                matches!(s, None | Some(TxStatus::Finalized { .. })),
                "round {round}: {hash}: {s:?}"
            );
        }
        eprintln!(
            "restart round {round}: {} submitted, {} final in all, kill -9 at height {} (log {}); \
             resumed at height {height_after} (log {})",
            submitted.len(),
            finalized.len(),
            before.height,
            before.log.log_size,
            log.log_size
        );
    }

    // The chain goes on: new blocks, and a new transaction finalized in one.
    let client = node.client();
    let tx = register_tx(&PrivateKey::generate(), &chain, 0, "After Restart");
    let status = client
        .submit_and_wait(&tx, FINALITY_TIMEOUT)
        .expect("a registration after the restart");
    assert!(matches!(status, TxStatus::Finalized { .. }), "{status:?}");
    let (receipt, _) = receipt_of(&status);
    assert!(receipt.height > height_after);
    node.wait_height_above(receipt.height, Duration::from_secs(10));
}

// ---------------------------------------------------------------------------------------------
// 5. The event stream

#[test]
fn the_event_stream_replays_the_log_from_genesis_then_delivers_a_new_registration() {
    let node = shared_node();
    let client = node.client();
    let chain = node.chain_id();
    let page = client.events(0, 1000).expect("GET events");
    assert_eq!(
        page.events.len() as u64,
        page.log_size,
        "one page holds the log"
    );

    let mut stream = SseStream::open(
        node.addr,
        "/v1/events/stream?from=0",
        Duration::from_secs(10),
    );
    assert_eq!(stream.status, 200);
    assert!(
        stream.content_type.starts_with("text/event-stream"),
        "{}",
        stream.content_type
    );
    let mut next = |expected_index: u64| -> EventRecord {
        let sse = stream.next_event().expect("the stream ended");
        let record: EventRecord = serde_json::from_str(&sse.data)
            .unwrap_or_else(|e| panic!("event data is not an EventRecord ({e}): {sse:?}"));
        assert_eq!(sse.id, Some(expected_index.to_string()), "{sse:?}");
        assert_eq!(record.index, expected_index);
        assert_eq!(sse.event.as_deref(), Some(record.event.kind()));
        record
    };
    // Replay: the whole log as stored, starting with genesis.
    for expected in &page.events {
        assert_eq!(&next(expected.index), expected);
    }
    let genesis: Vec<&EventRecord> = page.events.iter().filter(|e| e.height == 0).collect();
    assert!(matches!(page.events[0].event, Event::GenesisApplied(_)));
    assert_eq!(
        genesis
            .iter()
            .filter(|e| matches!(e.event, Event::MemberAdmitted(_)))
            .count(),
        5,
        "the demo genesis admits five members"
    );

    // Live: a new registration's events arrive next, as finalized.
    let key = PrivateKey::generate();
    let tx = register_tx(&key, &chain, 0, "Sasha Stream");
    let status = client
        .submit_and_wait(&tx, FINALITY_TIMEOUT)
        .expect("a registration");
    let (_, events) = receipt_of(&status);
    assert_eq!(events.first().map(|e| e.index), Some(page.log_size));
    for expected in events {
        assert_eq!(&next(expected.index), expected);
    }
    assert!(
        matches!(&events[0].event, Event::PersonnelRegistered(r) if r.account == key.public_key())
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Absence proofs

#[test]
fn an_absence_proof_of_an_unknown_account_verifies_offline_and_says_absent() {
    let node = shared_node();
    let nobody = PrivateKey::generate().public_key().to_string();
    let path = node.scratch().join(format!("absent-{}.json", &nobody[..8]));
    let out = node.cli(&[
        "query",
        "personnel",
        &nobody,
        "--prove",
        "--out",
        path.to_str().expect("a UTF-8 path"),
    ]);
    assert!(out.status.success(), "query --prove: {}", describe(&out));
    assert!(stdout(&out).contains("absent"), "{}", describe(&out));
    let proof: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("the proof file")).expect("JSON");
    assert!(proof["value"].is_null(), "{proof}");

    let out = verify(&node, &path);
    assert_eq!(out.status.code(), Some(0), "verify: {}", describe(&out));
    assert!(
        stdout(&out).contains("absent (proof of absence)"),
        "{}",
        describe(&out)
    );

    // Claiming a value with the absence proof does not verify.
    let mut present = proof.clone();
    present["value"] = serde_json::Value::String("00".into());
    let bad = node
        .scratch()
        .join(format!("present-{}.json", &nobody[..8]));
    std::fs::write(&bad, serde_json::to_vec(&present).expect("JSON")).expect("write");
    let out = verify(&node, &bad);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
}

// ---------------------------------------------------------------------------------------------
// The committee

/// `query validators` shows genesis' validator as the committee as voted and as the committee
/// of the current and next epochs, checks every proof with --prove, saves one `aigov verify`
/// accepts, and says that a far epoch's committee is not fixed yet.
#[test]
fn the_committee_as_voted_and_by_epoch_reads_and_proves_through_the_cli() {
    let node = shared_node();
    let (genesis, _) = aigov_chain::setup::read_genesis(&node.genesis_path()).expect("genesis");
    let keys: Vec<String> = genesis
        .validators
        .iter()
        .map(|v| v.key.to_string())
        .collect();
    assert!(!keys.is_empty());

    let out = node.cli(&["query", "validators", "--prove"]);
    assert!(out.status.success(), "{}", describe(&out));
    let text = stdout(&out);
    assert!(text.starts_with("committee as voted ("), "{text}");
    for k in &keys {
        // The committee as voted, and the current and next epochs' committees.
        assert_eq!(text.matches(k.as_str()).count(), 3, "{text}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    for what in [
        "of the committee as voted",
        "of blocks per epoch",
        "committee checked",
    ] {
        assert!(stderr.contains(what), "{what}: {}", describe(&out));
    }

    let out = node.cli(&["--json", "query", "validators"]);
    assert!(out.status.success(), "{}", describe(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let bpe = v["blocks_per_epoch"].as_u64().expect("blocks_per_epoch");
    assert_eq!(bpe, genesis.blocks_per_epoch);
    let epoch = v["epoch"].as_u64().expect("epoch");
    assert_eq!(epoch, v["height"].as_u64().unwrap() / bpe);
    let key_list = |set: &serde_json::Value| -> Vec<String> {
        set.as_array()
            .expect("a committee")
            .iter()
            .map(|v| v["key"].as_str().expect("a key").to_string())
            .collect()
    };
    assert_eq!(key_list(&v["voted"]), keys);
    assert_eq!(v["epochs"][0]["epoch"], epoch);
    assert_eq!(key_list(&v["epochs"][0]["committee"]), keys);
    assert_eq!(v["epochs"][1]["epoch"], epoch + 1);

    // One epoch's committee, its proof saved and checked offline.
    let path = node.scratch().join("committee-0.json");
    let path_s = path.to_str().expect("a UTF-8 path");
    let out = node.cli(&[
        "query",
        "validators",
        "--epoch",
        "0",
        "--prove",
        "--out",
        path_s,
    ]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(
        stdout(&out).starts_with("epoch 0 committee ("),
        "{}",
        describe(&out)
    );
    let out = verify(&node, &path);
    assert_eq!(out.status.code(), Some(0), "verify: {}", describe(&out));
    assert!(stdout(&out).contains(&keys[0]), "{}", describe(&out));

    let out = node.cli(&["query", "validators", "--epoch", "1000000"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(
        stdout(&out).contains("epoch 1000000 committee: not fixed yet"),
        "{}",
        describe(&out)
    );
    let out = node.cli(&["query", "validators", "--epoch", "-1"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
}

/// An answer to an integrity challenge carrying Intel's real TDX sample (a quote and its
/// collateral, ~20 KiB: five times an ordinary transaction's limit) goes through the API, the
/// mempool, a block and execution, where it fails for what it is (the sender is no device),
/// and pays for its bytes.
#[test]
fn an_attested_answer_larger_than_an_ordinary_transaction_travels_through_a_block() {
    use aigov_types::hardware::HardwareCall;
    use aigov_types::integrity::{AnswerChallenge, ChallengeEvidence, QuoteEvidence};
    let node = shared_node();
    let client = node.client();
    let key = node.key("datacenter");
    let fixture = |name: &str| {
        let path = format!(
            "{}/../attest/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        aigov_types::BoundedBytes::new(std::fs::read(&path).expect(&path)).expect("fits")
    };
    let call = aigov_types::Call::Hardware(HardwareCall::AnswerChallenge(AnswerChallenge {
        challenge: 1,
        evidence: ChallengeEvidence::Tdx(QuoteEvidence {
            quote: fixture("tdx_quote"),
            collateral: fixture("tdx_quote_collateral.json"),
        }),
        physical: Default::default(),
    }));
    let nonce = client
        .account(&key.public_key(), false)
        .expect("GET account")
        .value
        .map_or(0, |a| a.nonce);
    let tx = aigov_client::build_tx(&key, &node.chain_id(), nonce, 1_000_000, call);
    let size = tx.encode().len();
    assert!(size > 4 * aigov_types::tx::MAX_TX_BYTES, "{size} bytes");
    let status = client
        .submit_and_wait(&tx, FINALITY_TIMEOUT)
        .expect("submit");
    assert_eq!(failure_code(&status).as_deref(), Some("not_a_device"));
    let (receipt, _) = receipt_of(&status);
    assert!(receipt.gas_used > 10 * size as u64, "{receipt:?}");
    let block = client.block(Some(receipt.height)).expect("GET block");
    assert_eq!(block.txs.get(receipt.index as usize), Some(&receipt.hash));
}
