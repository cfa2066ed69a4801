//! `POST /v1/txs` and `GET /v1/txs/{hash}`.

use crate::support::*;
use aigov_api::MAX_BODY_BYTES;
use aigov_types::api::{SubmitTxResponse, TxStatus};
use aigov_types::codec::Encode;
use aigov_types::event::Event;
use aigov_types::receipt::TxOutcome;
use aigov_types::tx::MAX_TX_BYTES;
use axum::http::Method;

#[tokio::test]
async fn a_submitted_transaction_is_pending_then_finalized_with_its_events() {
    let b = TestBackend::started().await;
    let app = aigov_api::router(b.clone());
    let raw = register(&key("dana"), 0, "fr");

    let r = submit_json(&app, &raw).await;
    assert_eq!(r.status, 202, "{}", r.text());
    let SubmitTxResponse { hash } = r.json();
    assert_eq!(hash, hash_of(&raw));

    let r = get(&app, &format!("/v1/txs/{hash}")).await;
    assert_eq!(r.status, 200);
    assert!(matches!(r.json::<TxStatus>(), TxStatus::Pending));
    assert_eq!(r.value()["status"], "pending");

    b.produce_block().await;
    let r = get(&app, &format!("/v1/txs/{hash}")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.value()["status"], "finalized");
    let TxStatus::Finalized { receipt, events } = r.json() else {
        panic!("not finalized: {}", r.text());
    };
    assert_eq!(receipt.hash, hash);
    assert_eq!(receipt.height, b.height());
    assert_eq!(events.len(), receipt.event_count as usize);
    assert_eq!(events.len(), 2);
    assert!(matches!(events[0].event, Event::PersonnelRegistered(_)));
    assert!(matches!(events.last().unwrap().event, Event::TxExecuted(_)));
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.index, receipt.first_event + i as u64);
        assert_eq!(e.tx, Some(hash));
    }
}

#[tokio::test]
async fn raw_octet_stream_bodies_are_accepted() {
    let b = TestBackend::started().await;
    let app = aigov_api::router(b.clone());
    let raw = register(&key("emil"), 0, "fr");
    let r = submit_raw(&app, &raw).await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(r.json::<SubmitTxResponse>().hash, hash_of(&raw));
    // A JSON body with a 0x prefix and a charset parameter is accepted too.
    let raw2 = register(&key("fay"), 0, "fr");
    let body = format!("{{\"tx\": \"0x{}\"}}", hex::encode(&raw2));
    let r = send(
        &app,
        Method::POST,
        "/v1/txs",
        Some(("application/json; charset=utf-8", body.into_bytes())),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text());
    assert_eq!(b.mempool_len(), 2);
}

#[tokio::test]
async fn a_failed_call_reports_failed_with_its_code() {
    let b = TestBackend::started().await;
    let app = aigov_api::router(b.clone());
    // No member `zz`: admitted (sponsored, nonce fine), but the call fails in execution.
    let raw = register(&key("gus"), 0, "zz");
    let hash = submit_json(&app, &raw)
        .await
        .json::<SubmitTxResponse>()
        .hash;
    b.produce_block().await;
    let r = get(&app, &format!("/v1/txs/{hash}")).await;
    assert_eq!(r.value()["status"], "failed", "{}", r.text());
    let TxStatus::Failed { receipt, events } = r.json() else {
        panic!("{}", r.text());
    };
    let TxOutcome::Failed(f) = &receipt.outcome else {
        panic!("{receipt:?}")
    };
    assert_eq!(f.code.as_str(), "unknown_member");
    assert_eq!(events.len(), 1);
    assert!(matches!(events[0].event, Event::TxExecuted(_)));
}

#[tokio::test]
async fn unknown_and_malformed_hashes() {
    let app = aigov_api::router(TestBackend::started().await);
    let unknown = "ab".repeat(32);
    get(&app, &format!("/v1/txs/{unknown}"))
        .await
        .error(404, "not_found");
    for bad in ["abc", "zz", &"ab".repeat(33), "%FF%FE"] {
        get(&app, &format!("/v1/txs/{bad}"))
            .await
            .error(400, "bad_request");
    }
}

#[tokio::test]
async fn every_rejection_has_its_own_code() {
    let b = TestBackend::started().await;
    let app = aigov_api::router(b.clone());
    let dana = key("dana");

    // Bad signature: flip a bit of the signed nonce (chain-id length prefix, chain id, sender
    // key, then the big-endian nonce).
    let mut bad_sig = register(&dana, 0, "fr");
    bad_sig[1 + CHAIN_ID.len() + 32 + 7] ^= 1;
    submit_raw(&app, &bad_sig).await.error(400, "bad_signature");
    submit_json(&app, &bad_sig)
        .await
        .error(400, "bad_signature");

    // Undecodable bytes, and an empty body.
    submit_raw(&app, &[1, 2, 3])
        .await
        .error(400, "tx_undecodable");
    submit_raw(&app, &[]).await.error(400, "tx_undecodable");

    // Larger than a transaction may be, but within the body limit.
    submit_raw(&app, &vec![7u8; MAX_TX_BYTES + 1])
        .await
        .error(400, "tx_oversized");
    submit_json(&app, &vec![7u8; MAX_TX_BYTES + 1])
        .await
        .error(400, "tx_oversized");

    // Signed for another chain.
    let mut t = register_tx(&dana, 0, "fr");
    t.chain_id = slug("aigov-other");
    submit_raw(&app, &t.sign(&dana).encode())
        .await
        .error(400, "wrong_chain_id");

    // Nonce ahead of the account.
    submit_raw(&app, &register(&dana, 5, "fr"))
        .await
        .error(400, "nonce_gap");

    // Gas limit below the cost.
    let mut t = register_tx(&dana, 0, "fr");
    t.gas_limit = 1;
    submit_raw(&app, &t.sign(&dana).encode())
        .await
        .error(400, "gas_limit_too_low");

    // Accepted once; the same bytes again are a duplicate (409).
    let ok = register(&dana, 0, "fr");
    assert_eq!(submit_raw(&app, &ok).await.status, 202);
    submit_raw(&app, &ok).await.error(409, "duplicate_tx");
    // The next nonce is expected after the pending one.
    submit_raw(&app, &register(&dana, 0, "de"))
        .await
        .error(400, "stale_nonce");

    // Once executed, nonce 0 is stale.
    b.produce_block().await;
    submit_raw(&app, &ok).await.error(400, "stale_nonce");

    // `unknown_account` needs a call the pool does not sponsor; every call so far is
    // sponsored, so its mapping is covered by the unit tests of `ApiError`.
}

#[tokio::test]
async fn a_full_mempool_answers_503() {
    let b = TestBackend::started().await;
    let app = aigov_api::router(b.clone());
    for i in 0..8 {
        let r = submit_raw(&app, &register(&key(&format!("p{i}")), 0, "fr")).await;
        assert_eq!(r.status, 202);
    }
    submit_raw(&app, &register(&key("late"), 0, "fr"))
        .await
        .error(503, "mempool_full");
}

#[tokio::test]
async fn malformed_bodies_are_bad_requests() {
    let app = aigov_api::router(TestBackend::started().await);
    let json = |s: &str| Some(("application/json", s.as_bytes().to_vec()));
    for body in ["", "{", "[]", "{\"tx\": 5}", "{\"nope\": \"00\"}"] {
        send(&app, Method::POST, "/v1/txs", json(body))
            .await
            .error(400, "bad_request");
    }
    for hex in ["zz", "abc", "0xg0"] {
        let body = format!("{{\"tx\": \"{hex}\"}}");
        let msg = send(&app, Method::POST, "/v1/txs", json(&body))
            .await
            .error(400, "bad_request");
        assert!(msg.contains("hex"), "{msg}");
    }
    // Neither JSON nor bytes.
    send(
        &app,
        Method::POST,
        "/v1/txs",
        Some(("text/plain", b"00".to_vec())),
    )
    .await
    .error(415, "unsupported_media_type");
    send(&app, Method::POST, "/v1/txs", None)
        .await
        .error(415, "unsupported_media_type");
}

#[tokio::test]
async fn bodies_over_64_kib_are_payload_too_large() {
    let app = aigov_api::router(TestBackend::started().await);
    submit_raw(&app, &vec![0u8; MAX_BODY_BYTES + 1])
        .await
        .error(413, "payload_too_large");
    let huge = format!("{{\"tx\": \"{}\"}}", "00".repeat(MAX_BODY_BYTES));
    send(
        &app,
        Method::POST,
        "/v1/txs",
        Some(("application/json", huge.into_bytes())),
    )
    .await
    .error(413, "payload_too_large");
}
