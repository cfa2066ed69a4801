//! The HTTP client against a tiny fake node (`std::net::TcpListener` with canned answers):
//! request paths and bodies, error parsing, 404 handling, polling and transport failures.

use aigov_client::http::ClientError;
use aigov_client::{Client, build_tx};
use aigov_types::api::{ErrorBody, StateResponse, TxStatus};
use aigov_types::call::Call;
use aigov_types::codec::{BoundedString, Encode, Hash, Slug};
use aigov_types::crypto::PrivateKey;
use aigov_types::personnel::{PersonnelCall, RegisterPersonnel, Role, Roles};
use aigov_types::receipt::{GasPayer, Receipt, Succeeded, TxOutcome};
use aigov_types::tx::SignedTx;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request as the fake node saw it.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    target: String,
    content_type: String,
    body: String,
}

type Handler = dyn Fn(&Seen, usize) -> (u16, String) + Send + Sync;

/// A fake node: answers every request with `handler(request, index)`, one connection per request.
struct FakeNode {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeNode {
    fn start(handler: impl Fn(&Seen, usize) -> (u16, String) + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let handler: Arc<Handler> = Arc::new(handler);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = serve(stream, &handler, &log);
            }
        });
        Self { url, seen }
    }

    fn client(&self) -> Client {
        Client::with_timeout(format!("{}/", self.url), Duration::from_secs(5))
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(
    stream: TcpStream,
    handler: &Arc<Handler>,
    log: &Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut length = 0usize;
    let mut content_type = String::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((name, value)) = h.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("content-type") {
                content_type = value.trim().to_string();
            }
        }
    }
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let seen = Seen {
        method,
        target,
        content_type,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    let index = {
        let mut log = log.lock().unwrap();
        log.push(seen.clone());
        log.len() - 1
    };
    let (status, body) = handler(&seen, index);
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

fn error_json(code: &str, message: &str) -> String {
    serde_json::to_string(&ErrorBody {
        code: code.into(),
        message: message.into(),
    })
    .unwrap()
}

fn sample_tx(nonce: u64) -> SignedTx {
    let key = PrivateKey::from_seed_bytes([5; 32]);
    build_tx(
        &key,
        &Slug::new("aigov-dev").unwrap(),
        nonce,
        20_000,
        Call::Personnel(PersonnelCall::Register(RegisterPersonnel {
            member: Slug::new("fr").unwrap(),
            organisation: None,
            roles: Roles::from_roles(&[Role::Safety]),
            tier: 3,
            name: BoundedString::new("Grace").unwrap(),
            credential: Hash::digest(&[b"credential"]),
        })),
    )
}

fn finalized_json(hash: Hash) -> String {
    let status = TxStatus::Finalized {
        receipt: Receipt {
            hash,
            height: 12,
            index: 0,
            sender: PrivateKey::from_seed_bytes([5; 32]).public_key(),
            outcome: TxOutcome::Success(Succeeded),
            gas_used: 1_234,
            credits: 1_234,
            payer: GasPayer::Pool,
            first_event: 40,
            event_count: 2,
        },
        events: vec![],
    };
    serde_json::to_string(&status).unwrap()
}

#[test]
fn submit_posts_the_hex_encoded_transaction_and_returns_its_hash() {
    let tx = sample_tx(0);
    let hash = tx.hash();
    let node = FakeNode::start(move |_, _| (202, format!("{{\"hash\":\"{hash}\"}}")));
    assert_eq!(node.client().submit(&tx).unwrap(), tx.hash());
    let seen = node.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].target, "/v1/txs");
    assert!(seen[0].content_type.starts_with("application/json"));
    let body: serde_json::Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body["tx"], hex::encode(tx.encode()));
    let decoded = SignedTx::decode_and_verify(&hex::decode(body["tx"].as_str().unwrap()).unwrap());
    assert_eq!(decoded.unwrap(), tx);
}

#[test]
fn a_node_reporting_another_hash_is_not_believed() {
    let node = FakeNode::start(|_, _| {
        (
            200,
            format!("{{\"hash\":\"{}\"}}", Hash::digest(&[b"other"])),
        )
    });
    let err = node.client().submit(&sample_tx(0)).unwrap_err();
    assert!(matches!(err, ClientError::Decode { .. }), "{err}");
}

#[test]
fn api_errors_carry_the_nodes_code_and_message() {
    let node = FakeNode::start(|_, _| {
        (
            400,
            error_json("stale_nonce", "nonce 0 is stale; the account's nonce is 3"),
        )
    });
    let err = node.client().submit(&sample_tx(0)).unwrap_err();
    assert_eq!(
        err,
        ClientError::Api {
            status: 400,
            code: "stale_nonce".into(),
            message: "nonce 0 is stale; the account's nonce is 3".into(),
        }
    );
    assert_eq!(err.code(), Some("stale_nonce"));
    assert!(err.to_string().contains("nonce 0 is stale"));
}

#[test]
fn error_statuses_without_an_error_body_still_become_api_errors() {
    let node = FakeNode::start(|_, i| match i {
        0 => (500, "internal meltdown".into()),
        _ => (503, String::new()),
    });
    let client = node.client();
    let err = client.health().unwrap_err();
    assert_eq!(
        err,
        ClientError::Api {
            status: 500,
            code: "http_500".into(),
            message: "internal meltdown".into(),
        }
    );
    let err = client.health().unwrap_err();
    assert!(matches!(err, ClientError::Api { status: 503, .. }), "{err}");
}

#[test]
fn malformed_success_bodies_are_decode_errors() {
    let node = FakeNode::start(|_, _| (200, "{\"status\": 7}".into()));
    let err = node.client().health().unwrap_err();
    match &err {
        ClientError::Decode { url, .. } => assert!(url.ends_with("/v1/health"), "{url}"),
        other => panic!("expected a decode error, got {other}"),
    }
}

#[test]
fn an_unknown_transaction_is_none_and_a_pending_one_is_pending() {
    let node = FakeNode::start(|_, i| match i {
        0 => (404, error_json("not_found", "no such transaction")),
        _ => (200, "{\"status\":\"pending\"}".into()),
    });
    let client = node.client();
    let h = Hash::digest(&[b"tx"]);
    assert!(client.tx_status(&h).unwrap().is_none());
    assert!(matches!(
        client.tx_status(&h).unwrap(),
        Some(TxStatus::Pending)
    ));
    assert_eq!(node.seen()[0].target, format!("/v1/txs/{h}"));
}

#[test]
fn wait_for_tx_polls_until_the_transaction_is_finalized() {
    let h = sample_tx(1).hash();
    let node = FakeNode::start(move |_, i| match i {
        0 => (404, error_json("not_found", "not yet indexed")),
        1 | 2 => (200, "{\"status\":\"pending\"}".into()),
        _ => (200, finalized_json(h)),
    });
    let status = node
        .client()
        .wait_for_tx(&h, Duration::from_secs(10))
        .unwrap();
    match status {
        TxStatus::Finalized { receipt, .. } => {
            assert_eq!(receipt.hash, h);
            assert_eq!(receipt.height, 12);
        }
        other => panic!("expected finalized, got {other:?}"),
    }
    assert_eq!(node.seen().len(), 4);
}

#[test]
fn wait_for_tx_times_out_on_a_transaction_that_stays_pending() {
    let node = FakeNode::start(|_, _| (200, "{\"status\":\"pending\"}".into()));
    let h = Hash::digest(&[b"stuck"]);
    let err = node
        .client()
        .wait_for_tx(&h, Duration::from_millis(350))
        .unwrap_err();
    match &err {
        ClientError::Timeout { what, waited_ms } => {
            assert!(what.contains(&h.to_string()));
            assert!(*waited_ms >= 350);
        }
        other => panic!("expected a timeout, got {other}"),
    }
    let polls = node.seen().len();
    assert!((2..=6).contains(&polls), "{polls} polls in 350 ms");
}

#[test]
fn wait_for_tx_stops_at_the_first_error_from_the_node() {
    let node = FakeNode::start(|_, _| (500, error_json("internal", "disk on fire")));
    let err = node
        .client()
        .wait_for_tx(&Hash::digest(&[b"x"]), Duration::from_secs(5))
        .unwrap_err();
    assert_eq!(err.code(), Some("internal"));
}

#[test]
fn an_unreachable_node_says_how_to_start_one() {
    // Bind then drop a listener: nothing listens on the port any more.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let err = Client::with_timeout(&url, Duration::from_secs(5))
        .health()
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ClientError::Transport { .. }), "{msg}");
    assert!(msg.contains(&url), "{msg}");
    assert!(msg.contains("aigov dev"), "{msg}");
    assert!(msg.contains("--node"), "{msg}");
}

#[test]
fn every_read_uses_its_documented_path() {
    let pk = PrivateKey::from_seed_bytes([8; 32]).public_key();
    let h = Hash::digest(&[b"r"]);
    let node = FakeNode::start(|seen, _| {
        let t = seen.target.as_str();
        let body = if t.starts_with("/v1/state/") {
            "{\"height\":3,\"key\":\"00\",\"value\":null}".to_string()
        } else if t == "/v1/members" || t == "/v1/organisations" || t.ends_with("/ballots") {
            "[]".to_string()
        } else if t.starts_with("/v1/events") {
            "{\"events\":[],\"log_size\":0}".to_string()
        } else {
            // Not a valid shape for the other endpoints: only the path matters here.
            "{}".to_string()
        };
        (200, body)
    });
    let c = node.client();
    c.account(&pk, true).unwrap();
    c.account(&pk, false).unwrap();
    c.personnel(&pk, true).unwrap();
    c.member(&Slug::new("fr").unwrap(), true).unwrap();
    c.pool(false).unwrap();
    c.receipt(&h, true).unwrap();
    c.raw_state("0xAbCd", true).unwrap();
    c.organisation(&Slug::new("lab-1").unwrap(), false).unwrap();
    c.event(42, true).unwrap();
    c.params(false).unwrap();
    c.members().unwrap();
    c.organisations().unwrap();
    c.events(5, 20).unwrap();
    let _ = c.block(None);
    let _ = c.block(Some(7));
    let _ = c.checkpoint();
    let _ = c.inclusion_proof(3, 10);
    let _ = c.consistency_proof(4, 9);
    let _ = c.personnel_page(20, 10);
    c.proposal(3, true).unwrap();
    c.proposal(4, false).unwrap();
    c.ballot(3, &pk, true).unwrap();
    c.governance_params(false).unwrap();
    c.validators(true).unwrap();
    c.committee(7, false).unwrap();
    c.committee(0, true).unwrap();
    c.blocks_per_epoch(false).unwrap();
    c.ballots(3).unwrap();
    let _ = c.proposals_page(10, 5);
    let _ = c.tally(3);
    let _ = c.decision(3);
    let _ = c.health();
    let targets: Vec<String> = node.seen().into_iter().map(|s| s.target).collect();
    assert_eq!(
        targets,
        vec![
            format!("/v1/state/accounts/{pk}?prove=true"),
            format!("/v1/state/accounts/{pk}"),
            format!("/v1/state/personnel/{pk}?prove=true"),
            "/v1/state/members/fr?prove=true".to_string(),
            "/v1/state/pool".to_string(),
            format!("/v1/state/receipts/{h}?prove=true"),
            "/v1/state/raw/abcd?prove=true".to_string(),
            "/v1/state/organisations/lab-1".to_string(),
            "/v1/state/events/42?prove=true".to_string(),
            "/v1/state/params".to_string(),
            "/v1/members".to_string(),
            "/v1/organisations".to_string(),
            "/v1/events?from=5&limit=20".to_string(),
            "/v1/blocks/latest".to_string(),
            "/v1/blocks/7".to_string(),
            "/v1/log/checkpoint".to_string(),
            "/v1/log/proof?index=3&size=10".to_string(),
            "/v1/log/consistency?from=4&to=9".to_string(),
            "/v1/personnel?offset=20&limit=10".to_string(),
            "/v1/state/proposals/3?prove=true".to_string(),
            "/v1/state/proposals/4".to_string(),
            format!("/v1/state/ballots/3/{pk}?prove=true"),
            "/v1/state/governance/params".to_string(),
            "/v1/state/validators?prove=true".to_string(),
            "/v1/state/validators/epochs/7".to_string(),
            "/v1/state/validators/epochs/0?prove=true".to_string(),
            "/v1/state/validators/blocks-per-epoch".to_string(),
            "/v1/proposals/3/ballots".to_string(),
            "/v1/proposals?offset=10&limit=5".to_string(),
            "/v1/proposals/3/tally".to_string(),
            "/v1/proposals/3/decision".to_string(),
            "/v1/health".to_string(),
        ]
    );
}

#[test]
fn a_raw_key_that_is_not_hex_is_refused_before_any_request() {
    let node = FakeNode::start(|_, _| (200, "{}".into()));
    let err = node.client().raw_state("not hex", false).unwrap_err();
    assert!(matches!(err, ClientError::InvalidArgument(_)), "{err}");
    assert!(node.seen().is_empty());
}

#[test]
fn next_nonce_is_the_account_nonce_or_zero() {
    let node = FakeNode::start(|_, i| match i {
        0 => (
            200,
            "{\"height\":9,\"key\":\"61\",\"value\":{\"nonce\":5,\"gas\":100}}".into(),
        ),
        _ => (200, "{\"height\":9,\"key\":\"61\",\"value\":null}".into()),
    });
    let c = node.client();
    let pk = PrivateKey::from_seed_bytes([1; 32]).public_key();
    assert_eq!(c.next_nonce(&pk).unwrap(), 5);
    assert_eq!(c.next_nonce(&pk).unwrap(), 0);
}

#[test]
fn typed_state_responses_decode() {
    let node = FakeNode::start(|_, _| {
        (
            200,
            "{\"height\":9,\"key\":\"706f6f6c2f676173\",\"value\":77}".into(),
        )
    });
    let r: StateResponse<u64> = node.client().pool(false).unwrap();
    assert_eq!((r.height, r.value, r.proof.is_none()), (9, Some(77), true));
}

#[test]
fn an_untallied_decision_is_a_not_found_carrying_the_nodes_reason() {
    let node = FakeNode::start(|_, _| {
        (
            404,
            error_json(
                "not_found",
                "proposal 3 has not been tallied yet (status active; voting closes at block time 9 ms)",
            ),
        )
    });
    let err = node.client().decision(3).unwrap_err();
    assert_eq!(err.code(), Some("not_found"));
    assert!(err.to_string().contains("not been tallied yet"), "{err}");
}

#[test]
fn governance_parameters_decode() {
    let params = aigov_types::governance::GovernanceParams::default();
    let body = serde_json::json!({"height": 4, "key": "00", "value": params}).to_string();
    let node = FakeNode::start(move |_, _| (200, body.clone()));
    let r = node.client().governance_params(false).unwrap();
    assert_eq!(r.value, Some(params));
}
