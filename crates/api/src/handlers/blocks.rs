//! `GET /v1/blocks/latest` and `GET /v1/blocks/{height}`.

use crate::Ctx;
use crate::backend::Backend;
use crate::error::ApiError;
use crate::extract::{ApiPath, u64_param};
use aigov_types::api::BlockResponse;
use axum::Json;
use axum::extract::State;

/// `GET /v1/blocks/latest`.
pub(crate) async fn latest<B: Backend>(
    State(ctx): State<Ctx<B>>,
) -> Result<Json<BlockResponse>, ApiError> {
    Ok(Json(ctx.backend.block(None).await?))
}

/// `GET /v1/blocks/{height}`.
pub(crate) async fn at<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<BlockResponse>, ApiError> {
    let height = u64_param("height", &raw)?;
    Ok(Json(ctx.backend.block(Some(height)).await?))
}
