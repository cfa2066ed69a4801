//! The provable state reads of issue 3's last pieces: `GET /v1/state/whistle/reports/{id}`
//! (a report with its sealed blob), `GET /v1/state/whistle/key` (the reviewing key) and
//! `GET /v1/state/governance/rounds/{id}` (a safety selection round).

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

/// `GET /v1/state/governance/rounds/{id}`.
pub(crate) async fn selection_round<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<aigov_types::selection::SelectionRound> {
    let id = u64_param("round id", &raw)?;
    read_typed(
        &ctx.backend,
        aigov_state::governance::keys::round(id),
        q.prove,
    )
    .await
}
