//! The route table, the OpenAPI document, fallbacks, health and metrics.

use crate::http;
use crate::support::*;
use aigov_api::routes::{ParamIn, ROUTES, Verb};
use aigov_types::api::{ErrorBody, Health};
use axum::body::Body;
use axum::http::{Method, Request, header};
use tower::ServiceExt as _;

/// A request URI for a documented route: path parameters and required query parameters
/// filled with their documented examples.
fn example_uri(r: &aigov_api::routes::RouteDoc) -> String {
    let mut uri = r.path.to_string();
    let mut query = Vec::new();
    for p in r.params {
        match p.location {
            ParamIn::Path => uri = uri.replace(&format!("{{{}}}", p.name), p.example),
            ParamIn::Query if p.required => query.push(format!("{}={}", p.name, p.example)),
            ParamIn::Query => {}
        }
    }
    if !query.is_empty() {
        uri = format!("{uri}?{}", query.join("&"));
    }
    uri
}

#[tokio::test]
async fn every_documented_route_is_routed() {
    let app = aigov_api::router(TestBackend::started().await);
    for r in ROUTES {
        let uri = example_uri(r);
        let method = match r.verb {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
        };
        let req = Request::builder()
            .method(method)
            .uri(&uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let resp = app.clone().oneshot(req).await.unwrap();
        let status = resp.status().as_u16();
        assert_ne!(status, 405, "{uri}");
        assert!(status < 500, "{uri}: {status}");
        // Streams never end: only the complete responses are read.
        if r.success.content_type != "text/event-stream" && status == 404 {
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            let e: ErrorBody = serde_json::from_slice(&body).unwrap();
            assert!(!e.message.starts_with("no route"), "{uri}: {}", e.message);
        }
    }
    // The request counters only know matched routes: each documented one is there.
    let metrics = get(&app, "/metrics").await.text();
    for r in ROUTES {
        if r.path != "/metrics" {
            assert!(
                metrics.contains(&format!("route=\"{}\"", r.path)),
                "{} not counted:\n{metrics}",
                r.path
            );
        }
    }
    assert!(!metrics.contains("route=\"unmatched\""), "{metrics}");
}

#[tokio::test]
async fn openapi_lists_every_route_and_only_those() {
    let app = aigov_api::router(TestBackend::started().await);
    let r = get(&app, "/v1/openapi.json").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/json"
    );
    let doc = r.value();
    assert_eq!(doc["openapi"], "3.0.3");
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (_, item) in paths {
        operations += item.as_object().unwrap().len();
    }
    assert_eq!(operations, ROUTES.len());
    for route in ROUTES {
        let op = &doc["paths"][route.path][route.verb.as_str()];
        assert_eq!(op["operationId"], route.operation_id, "{}", route.path);
        assert!(op["responses"][route.success.status.to_string()].is_object());
        let params = op["parameters"].as_array().unwrap();
        assert_eq!(params.len(), route.params.len(), "{}", route.path);
    }
    for path in [
        "/v1/txs",
        "/v1/txs/{hash}",
        "/v1/blocks/latest",
        "/v1/blocks/{height}",
        "/v1/state/accounts/{pubkey}",
        "/v1/state/personnel/{pubkey}",
        "/v1/state/members/{id}",
        "/v1/state/organisations/{id}",
        "/v1/state/pool",
        "/v1/state/receipts/{hash}",
        "/v1/state/events/{index}",
        "/v1/state/params",
        "/v1/state/raw/{hexkey}",
        "/v1/state/proposals/{id}",
        "/v1/state/ballots/{id}/{account}",
        "/v1/state/governance/params",
        "/v1/state/validators",
        "/v1/state/validators/epochs/{epoch}",
        "/v1/state/validators/blocks-per-epoch",
        "/v1/proposals",
        "/v1/proposals/{id}/ballots",
        "/v1/proposals/{id}/tally",
        "/v1/proposals/{id}/decision",
        "/v1/members",
        "/v1/organisations",
        "/v1/personnel",
        "/v1/events",
        "/v1/events/stream",
        "/v1/log/checkpoint",
        "/v1/log/proof",
        "/v1/log/consistency",
        "/v1/health",
        "/metrics",
        "/v1/openapi.json",
    ] {
        assert!(paths.contains_key(path), "{path} missing");
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = aigov_api::router(TestBackend::started().await);
    for uri in [
        "/",
        "/v1",
        "/v2/txs",
        "/v1/txs/",
        "/v1/state/nothing/x",
        "/v1/blocks/1/2",
    ] {
        get(&app, uri).await.error(404, "not_found");
    }
    send(&app, Method::DELETE, "/v1/txs", None)
        .await
        .error(405, "method_not_allowed");
    send(&app, Method::GET, "/v1/txs", None)
        .await
        .error(405, "method_not_allowed");
    send(&app, Method::POST, "/v1/health", None)
        .await
        .error(405, "method_not_allowed");
}

#[tokio::test]
async fn hostile_paths_never_fail_the_server() {
    let app = aigov_api::router(TestBackend::started().await);
    let long = "a".repeat(10_000);
    let segments = [
        "%00",
        "%FF%FE",
        "..",
        "%2e%2e",
        "%2F",
        "0x",
        "0x00",
        "",
        " ",
        "%20",
        "é",
        &long,
        "18446744073709551615",
        "99999999999999999999999",
    ];
    for s in segments {
        for prefix in [
            "/v1/txs/",
            "/v1/blocks/",
            "/v1/state/accounts/",
            "/v1/state/personnel/",
            "/v1/state/members/",
            "/v1/state/organisations/",
            "/v1/state/receipts/",
            "/v1/state/events/",
            "/v1/state/raw/",
            "/v1/state/proposals/",
            "/v1/state/validators/epochs/",
            "/v1/state/ballots/1/",
            "/v1/state/ballots/{}/1",
            "/v1/proposals/{}/ballots",
            "/v1/proposals/{}/tally",
            "/v1/proposals/{}/decision",
            "/v1/proposals?offset=",
            "/v1/events?from=",
            "/v1/personnel?limit=",
            "/v1/log/proof?index=",
            "/v1/log/consistency?from=",
        ] {
            let uri = if prefix.contains("{}") {
                prefix.replace("{}", s)
            } else {
                format!("{prefix}{s}")
            };
            let Ok(req) = Request::builder().uri(&uri).body(Body::empty()) else {
                continue; // not even a valid URI
            };
            let resp = app.clone().oneshot(req).await.unwrap();
            let status = resp.status();
            assert!(status.as_u16() < 500, "{uri}: {status}");
            if !status.is_success() {
                let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                    .await
                    .unwrap();
                let e: ErrorBody = serde_json::from_slice(&body)
                    .unwrap_or_else(|_| panic!("{uri}: {}", String::from_utf8_lossy(&body)));
                assert!(e.message.len() < 400, "{uri}: message too long");
            }
        }
    }
}

#[tokio::test]
async fn health_and_metrics() {
    let b = TestBackend::started().await;
    let app = aigov_api::router(b.clone());
    let h: Health = get(&app, "/v1/health").await.json();
    assert_eq!((h.status.as_str(), h.height), ("ok", 1));

    get(&app, "/nope").await;
    let r = get(&app, "/metrics").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).unwrap(),
        "text/plain; version=0.0.4"
    );
    let text = r.text();
    assert!(
        text.starts_with("# TYPE aigov_node_height gauge\naigov_node_height 1\n"),
        "{text}"
    );
    assert!(
        text.contains("aigov_api_requests_total{route=\"/v1/health\",status=\"2xx\"} 1\n"),
        "{text}"
    );
    assert!(
        text.contains("aigov_api_requests_total{route=\"unmatched\",status=\"4xx\"} 1\n"),
        "{text}"
    );
    assert!(text.contains("# TYPE aigov_api_requests_total counter\n"));
    assert!(text.contains("aigov_api_event_streams 0\n"));
}

#[tokio::test]
async fn serves_on_a_real_socket_and_shuts_down() {
    let b = TestBackend::started().await;
    let server = Server::start(b.clone()).await;
    let (status, body) = http::get(server.addr, "/v1/health").await;
    assert_eq!(status, 200);
    let h: Health = serde_json::from_str(&body).unwrap();
    assert_eq!(h.chain_id, CHAIN_ID);

    let (status, body) = http::get(server.addr, "/v1/state/members/fr").await;
    assert_eq!(status, 200);
    assert!(body.contains("\"France\""), "{body}");

    let (status, body) = http::get(server.addr, "/nowhere").await;
    assert_eq!(status, 404);
    let e: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(e.code, "not_found");

    server.shutdown().await.unwrap();
}
