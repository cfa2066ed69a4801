//! aigov's HTTP API (JSON, OpenAPI 3, server-sent events, Prometheus metrics), served by the
//! node.
//!
//! The API sees the node only through [Backend]: it can submit transactions, read state
//! through `aigov-state`'s query functions, fetch blocks and proofs, and follow the event
//! stream. It never reaches into consensus or storage internals.
//!
//! - [router] builds the [axum::Router] for a backend; [serve] runs it on a listener until a
//!   shutdown future resolves (open event streams are closed so that shutdown completes).
//! - [routes::ROUTES] is the one route table: the router is built from it and the OpenAPI
//!   document (`GET /v1/openapi.json`) is generated from it, so the two cannot drift apart.
//! - Every error is an [aigov_types::api::ErrorBody] `{code, message}` with a matching HTTP
//!   status ([ApiError]); no input makes a handler panic.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod backend;
pub mod error;
mod extract;
mod handlers;
mod metrics;
pub mod openapi;
pub mod routes;
mod stream;

pub use backend::{Backend, BackendError, MempoolStatus, ProvenValue, StateRead};
pub use error::ApiError;

use axum::Router;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::watch;

/// Largest request body accepted (`POST /v1/txs`); larger bodies get `413 payload_too_large`.
/// Room for the largest transaction ([aigov_types::tx::MAX_ATTESTED_TX_BYTES], an integrity
/// challenge's answer) as hex in JSON.
pub const MAX_BODY_BYTES: usize = 2 * aigov_types::tx::MAX_ATTESTED_TX_BYTES + 1024;

/// Default page size of the list endpoints (`/v1/events`, `/v1/personnel`).
pub const DEFAULT_PAGE_LIMIT: u64 = 100;

/// Largest page size of the list endpoints; larger requested limits are capped to it.
pub const MAX_PAGE_LIMIT: u64 = 1000;

/// What every handler sees: the backend, the API's own counters, the pre-rendered OpenAPI
/// document, and the shutdown signal that ends event streams.
pub(crate) struct Ctx<B> {
    pub(crate) backend: B,
    pub(crate) metrics: Arc<metrics::ApiMetrics>,
    pub(crate) openapi: Arc<String>,
    pub(crate) shutdown: watch::Receiver<bool>,
}

impl<B: Clone> Clone for Ctx<B> {
    fn clone(&self) -> Self {
        Self {
            backend: self.backend.clone(),
            metrics: self.metrics.clone(),
            openapi: self.openapi.clone(),
            shutdown: self.shutdown.clone(),
        }
    }
}

/// The API's router over `backend`, with every route of [routes::ROUTES], JSON 404/405
/// fallbacks and request counting. Event streams opened through it end only when the client
/// goes away or the backend's broadcast closes; use [serve] to have them end on shutdown.
pub fn router<B: Backend>(backend: B) -> Router {
    // A receiver whose sender is gone: streams treat that as "never shut down".
    let (_, shutdown) = watch::channel(false);
    routes::build(backend, shutdown)
}

/// Serves the API on `listener` until `shutdown` resolves, then stops accepting connections,
/// ends open event streams and waits for in-flight requests to finish.
pub async fn serve<B: Backend>(
    backend: B,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (tx, rx) = watch::channel(false);
    let app = routes::build(backend, rx);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Ends every open event stream, so the graceful shutdown does not wait on them.
            let _ = tx.send(true);
        })
        .await
}
