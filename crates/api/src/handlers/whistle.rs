//! The whistle-blower program's provable state reads: `GET /v1/state/whistle/reports/{id}`
//! (a report with its sealed blob) and `GET /v1/state/whistle/key` (the reviewing key).

use super::state::{Answer, ProveQuery, read_typed};
use crate::Ctx;
use crate::backend::Backend;
use crate::extract::{ApiPath, ApiQuery, u64_param};
use aigov_state::whistle;
use aigov_types::whistle::{Report, SealKey};
use axum::extract::State;

/// `GET /v1/state/whistle/reports/{id}`.
pub(crate) async fn report<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Report> {
    let id = u64_param("report id", &raw)?;
    read_typed(&ctx.backend, whistle::keys::report(id), q.prove).await
}

/// `GET /v1/state/whistle/key`.
pub(crate) async fn key<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Option<SealKey>> {
    read_typed(&ctx.backend, whistle::keys::reviewing_key(), q.prove).await
}
