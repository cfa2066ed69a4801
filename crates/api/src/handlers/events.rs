//! `GET /v1/events` (a page of the activity log) and `GET /v1/events/stream` (server-sent
//! events: replay from state, then follow).

use crate::Ctx;
use crate::backend::Backend;
use crate::error::ApiError;
use crate::extract::{ApiQuery, u64_param};
use crate::handlers::lists::page_limit;
use crate::stream::Follower;
use aigov_types::api::EventsResponse;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::response::sse::{KeepAlive, Sse};
use serde::Deserialize;

/// `?from=&limit=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EventsQuery {
    from: Option<u64>,
    limit: Option<u64>,
}

/// `GET /v1/events?from=N&limit=M`.
pub(crate) async fn page<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<EventsQuery>,
) -> Result<Json<EventsResponse>, ApiError> {
    let reader = ctx.backend.reader().await?;
    let log_size = aigov_state::log::frontier(&reader).await?.size;
    let from = q.from.unwrap_or(0);
    let end = log_size.min(from.saturating_add(page_limit(q.limit)));
    let mut events = Vec::new();
    for index in from..end {
        match aigov_state::log::event(&reader, index).await? {
            Some(e) => events.push(e),
            None => {
                return Err(ApiError::Internal(format!(
                    "event {index} of {log_size} is missing from state"
                )));
            }
        }
    }
    Ok(Json(EventsResponse { events, log_size }))
}

/// `?from=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct StreamQuery {
    from: Option<u64>,
}

/// The header a reconnecting `EventSource` sends with the last id it received.
const LAST_EVENT_ID: &str = "last-event-id";

/// `GET /v1/events/stream?from=N`.
pub(crate) async fn stream<B: Backend>(
    State(ctx): State<Ctx<B>>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<StreamQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let resume = match headers.get(LAST_EVENT_ID) {
        None => None,
        Some(v) => {
            let text = v.to_str().map_err(|_| {
                ApiError::BadRequest("Last-Event-ID must be an event index".to_string())
            })?;
            Some(u64_param("Last-Event-ID", text.trim())?.saturating_add(1))
        }
    };
    let follower = Follower::start(
        ctx.backend.clone(),
        resume.or(q.from),
        ctx.shutdown.clone(),
        ctx.metrics.stream_opened(),
    )
    .await?;
    Ok(Sse::new(follower.into_stream()).keep_alive(KeepAlive::default()))
}
