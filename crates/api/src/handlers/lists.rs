//! `GET /v1/members`, `GET /v1/organisations`, `GET /v1/personnel`: registry listings read
//! through `aigov-state`'s personnel queries (no proofs).

use crate::backend::Backend;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::{Ctx, DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use aigov_state::personnel::queries;
use aigov_types::api::PersonnelPage;
use aigov_types::personnel::{Member, Organisation};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

/// `?offset=&limit=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    pub(crate) offset: Option<u64>,
    pub(crate) limit: Option<u64>,
}

/// The effective page size: the default when absent, capped at [MAX_PAGE_LIMIT].
pub(crate) fn page_limit(limit: Option<u64>) -> u64 {
    limit.unwrap_or(DEFAULT_PAGE_LIMIT).min(MAX_PAGE_LIMIT)
}

/// `GET /v1/members`.
pub(crate) async fn members<B: Backend>(
    State(ctx): State<Ctx<B>>,
) -> Result<Json<Vec<Member>>, ApiError> {
    let reader = ctx.backend.reader().await?;
    Ok(Json(queries::members(&reader).await?))
}

/// `GET /v1/organisations`.
pub(crate) async fn organisations<B: Backend>(
    State(ctx): State<Ctx<B>>,
) -> Result<Json<Vec<Organisation>>, ApiError> {
    let reader = ctx.backend.reader().await?;
    Ok(Json(queries::organisations(&reader).await?))
}

/// `GET /v1/personnel?offset=&limit=`.
pub(crate) async fn personnel<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<PersonnelPage>, ApiError> {
    let offset = q.offset.unwrap_or(0);
    let limit = page_limit(q.limit);
    let reader = ctx.backend.reader().await?;
    let (personnel, total) = queries::personnel_page(&reader, offset, limit).await?;
    Ok(Json(PersonnelPage {
        personnel,
        total,
        offset,
        limit,
    }))
}
