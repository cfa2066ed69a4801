//! `GET /v1/health`, `GET /metrics` and `GET /v1/openapi.json`.

use crate::Ctx;
use crate::backend::Backend;
use aigov_types::api::Health;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

/// The Prometheus text format's content type.
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4";

/// `GET /v1/health`.
pub(crate) async fn health<B: Backend>(State(ctx): State<Ctx<B>>) -> Json<Health> {
    Json(ctx.backend.health())
}

/// `GET /metrics`: the node's metrics, then the API's counters.
pub(crate) async fn metrics<B: Backend>(State(ctx): State<Ctx<B>>) -> impl IntoResponse {
    let mut text = ctx.backend.metrics();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&ctx.metrics.render());
    ([(header::CONTENT_TYPE, PROMETHEUS_TEXT)], text)
}

/// `GET /v1/openapi.json`.
pub(crate) async fn openapi<B: Backend>(State(ctx): State<Ctx<B>>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        ctx.openapi.as_str().to_owned(),
    )
}
