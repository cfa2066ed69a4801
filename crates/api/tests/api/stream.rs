//! `GET /v1/events/stream`: replay, live follow, resume, lag and loss recovery, shutdown.

use crate::http::{Sse, SseClient};
use crate::support::*;
use aigov_types::event::EventRecord;
use axum::body::Body;
use axum::http::Request;
use futures::StreamExt as _;
use std::time::Duration;
use tower::ServiceExt as _;

/// Checks an SSE message against its record and returns the record.
fn record(m: &Sse) -> EventRecord {
    let r: EventRecord = serde_json::from_str(&m.data).unwrap();
    assert_eq!(m.id.as_deref(), Some(r.index.to_string().as_str()));
    assert_eq!(m.event.as_deref(), Some(r.event.kind()));
    r
}

#[tokio::test]
async fn replays_from_state_then_follows_live_without_gaps() {
    let b = TestBackend::started().await;
    b.execute(&[register(&key("p0"), 0, "fr")]).await;
    let stored = b.log_size();
    let server = Server::start(b.clone()).await;

    let mut s = SseClient::open(server.addr, "/v1/events/stream?from=0", &[]).await;
    assert_eq!(s.status, 200);
    assert_eq!(s.content_type, "text/event-stream");
    for i in 0..stored {
        let r = record(&s.next().await.unwrap());
        assert_eq!(r.index, i);
    }
    // Live: two more blocks.
    b.execute(&[register(&key("p1"), 0, "fr")]).await;
    b.execute(&[register(&key("p2"), 0, "de"), register(&key("p3"), 0, "fr")])
        .await;
    for i in stored..b.log_size() {
        let r = record(&s.next().await.unwrap());
        assert_eq!(r.index, i);
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn resumes_after_last_event_id_and_defaults_to_the_end() {
    let b = TestBackend::started().await;
    b.execute(&[register(&key("p0"), 0, "fr")]).await;
    let server = Server::start(b.clone()).await;

    // A reconnecting EventSource: the header wins over ?from.
    let mut s = SseClient::open(
        server.addr,
        "/v1/events/stream?from=0",
        &["Last-Event-ID: 4"],
    )
    .await;
    assert_eq!(record(&s.next().await.unwrap()).index, 5);

    // No start: only what is appended after connecting.
    let end = b.log_size();
    let mut tail = SseClient::open(server.addr, "/v1/events/stream", &[]).await;
    assert_eq!(tail.status, 200);
    b.execute(&[register(&key("p1"), 0, "fr")]).await;
    assert_eq!(record(&tail.next().await.unwrap()).index, end);

    // A bad Last-Event-ID is refused before the stream starts.
    let bad = SseClient::open(server.addr, "/v1/events/stream", &["Last-Event-ID: x"]).await;
    assert_eq!(bad.status, 400);
    server.shutdown().await.unwrap();
}

/// Reads `n` SSE records from a response body opened through the router.
async fn read_records(body: Body, n: usize) -> Vec<EventRecord> {
    let mut data = body.into_data_stream();
    let mut text = String::new();
    let mut out = Vec::new();
    while out.len() < n {
        let chunk = tokio::time::timeout(Duration::from_secs(10), data.next())
            .await
            .expect("stream stalled")
            .expect("stream ended")
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let block = text[..end].to_string();
            text.drain(..end + 2);
            if let Some(line) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                out.push(serde_json::from_str(line).unwrap());
            }
        }
    }
    out
}

#[tokio::test]
async fn a_lagging_subscriber_rereads_from_state() {
    // A broadcast of 2: five registrations (10 events) overflow it before the stream reads.
    let b = TestBackend::with_capacity(2).await;
    let start = b.log_size();
    let app = aigov_api::router(b.clone());
    let req = Request::get(format!("/v1/events/stream?from={start}"))
        .body(Body::empty())
        .unwrap();
    let resp = app.oneshot(req).await.unwrap();
    assert_eq!(resp.status(), 200);
    let raws: Vec<_> = (0..5)
        .map(|i| register(&key(&format!("q{i}")), 0, "fr"))
        .collect();
    b.execute(&raws).await;
    let expected = (b.log_size() - start) as usize;
    assert!(expected > 2);
    let got = read_records(resp.into_body(), expected).await;
    let idx: Vec<u64> = got.iter().map(|e| e.index).collect();
    assert_eq!(idx, (start..b.log_size()).collect::<Vec<_>>());
}

#[tokio::test]
async fn a_lost_broadcast_is_filled_from_state() {
    let b = TestBackend::started().await;
    let start = b.log_size();
    let app = aigov_api::router(b.clone());
    let req = Request::get("/v1/events/stream")
        .body(Body::empty())
        .unwrap();
    let resp = app.oneshot(req).await.unwrap();
    // The first event of the next block is never broadcast.
    b.suppress_broadcast(start);
    b.execute(&[register(&key("p0"), 0, "fr")]).await;
    let got = read_records(resp.into_body(), 2).await;
    assert_eq!(got[0].index, start);
    assert_eq!(got[1].index, start + 1);
}

#[tokio::test]
async fn shutdown_closes_open_streams() {
    let b = TestBackend::started().await;
    let server = Server::start(b.clone()).await;
    let mut s = SseClient::open(server.addr, "/v1/events/stream?from=0", &[]).await;
    assert_eq!(record(&s.next().await.unwrap()).index, 0);
    // `serve` returns even though the stream is open (and would otherwise never end).
    server.shutdown().await.unwrap();
}
