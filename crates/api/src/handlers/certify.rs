//! Templates, the safety standard and certification: provable typed reads under `/v1/state/…`,
//! the lists `GET /v1/templates` and `GET /v1/reports`, and `GET /v1/models/by-container/{id}`,
//! the public check of a model by its container ID (every part proven).

use super::lists::{PageQuery, page_limit};
use super::state::{Answer, ProveQuery, read_typed};
use crate::Ctx;
use crate::backend::Backend;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery, hash, public_key, u64_param};
use aigov_state::{certify, models, standard, templates};
use aigov_types::api::{ModelByContainer, ReportPage, TemplatePage};
use aigov_types::template::{Certification, Report, RetryGrant, Runner, StandardVersion, Template};
use axum::Json;
use axum::extract::State;

/// `GET /v1/state/templates/{id}`.
pub(crate) async fn template<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Template> {
    let id = u64_param("template id", &raw)?;
    read_typed(&ctx.backend, templates::keys::template(id), q.prove).await
}

/// `GET /v1/state/standard/current`: the version number in force (0: none yet).
pub(crate) async fn standard_current<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<u32> {
    read_typed(&ctx.backend, standard::keys::current(), q.prove).await
}

/// `GET /v1/state/standard/{version}`.
pub(crate) async fn standard_version<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<StandardVersion> {
    let v = u64_param("standard version", &raw)?;
    let v = u32::try_from(v)
        .map_err(|_| ApiError::BadRequest(format!("standard version {v} is out of range")))?;
    read_typed(&ctx.backend, standard::keys::version(v), q.prove).await
}

/// `GET /v1/state/reports/{id}`.
pub(crate) async fn report<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Report> {
    let id = u64_param("report id", &raw)?;
    read_typed(&ctx.backend, certify::keys::report(id), q.prove).await
}

/// `GET /v1/state/certifications/{model}`.
pub(crate) async fn certification<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Certification> {
    let id = u64_param("model id", &raw)?;
    read_typed(&ctx.backend, certify::keys::model(id), q.prove).await
}

/// `GET /v1/state/runners/{pubkey}`.
pub(crate) async fn runner<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Runner> {
    let who = public_key("pubkey", &raw)?;
    read_typed(&ctx.backend, certify::keys::runner(&who), q.prove).await
}

/// `GET /v1/state/retries/{model}`: the retry grant of a Rejected model.
pub(crate) async fn retry<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<RetryGrant> {
    let id = u64_param("model id", &raw)?;
    read_typed(&ctx.backend, certify::keys::retry(id), q.prove).await
}

/// `GET /v1/templates?offset=&limit=`.
pub(crate) async fn template_page<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<TemplatePage>, ApiError> {
    let offset = q.offset.unwrap_or(0);
    let limit = page_limit(q.limit);
    let r = ctx.backend.reader().await?;
    let (templates, total) = templates::page(&r, offset, limit).await?;
    Ok(Json(TemplatePage {
        templates,
        total,
        offset,
        limit,
    }))
}

/// `GET /v1/reports?offset=&limit=`.
pub(crate) async fn report_page<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ReportPage>, ApiError> {
    let offset = q.offset.unwrap_or(0);
    let limit = page_limit(q.limit);
    let r = ctx.backend.reader().await?;
    let (reports, total) = certify::report_page(&r, offset, limit).await?;
    Ok(Json(ReportPage {
        reports,
        total,
        offset,
        limit,
    }))
}

/// `GET /v1/models/by-container/{id}`: the model registered under a container ID, its record
/// and its certification, each with its proof (always: this route exists to be checked).
/// The parts are read one after another, so a block finalized in between can put them at
/// different heights; each proof is valid at its own.
pub(crate) async fn by_container<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<ModelByContainer>, ApiError> {
    let container_id = hash("container id", &raw)?;
    let Json(id) =
        read_typed::<B, u64>(&ctx.backend, models::keys::container(&container_id), true).await?;
    let (model, certification) = match id.value {
        None => (None, None),
        Some(m) => {
            let Json(model) = read_typed(&ctx.backend, models::keys::model(m), true).await?;
            let Json(cert) = read_typed(&ctx.backend, certify::keys::model(m), true).await?;
            (Some(model), Some(cert))
        }
    };
    Ok(Json(ModelByContainer {
        container_id,
        id,
        model,
        certification,
    }))
}
