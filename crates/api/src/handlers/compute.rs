//! Compute governance: provable typed reads of hardware, inspections, models, workloads, runs
//! and OTK permits under `/v1/state/…`, and the lists `GET /v1/hardware`, `GET /v1/models`,
//! `GET /v1/otk/devices/{pubkey}` (a device's latest permits, for its agent).

use super::lists::{PageQuery, page_limit};
use super::state::{Answer, ProveQuery, read_typed};
use crate::Ctx;
use crate::backend::Backend;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery, hash, public_key, u64_param};
use aigov_state::{chain, hardware, integrity, models, otk, workloads};
use aigov_types::api::{DevicePermits, HardwarePage, ModelPage};
use aigov_types::hardware::{ComputeParams, Hardware, Inspection};
use aigov_types::integrity::Challenge;
use aigov_types::model::Model;
use aigov_types::otk::OtkPermit;
use aigov_types::workload::{Run, Workload};
use axum::Json;
use axum::extract::State;

/// `GET /v1/state/hardware/{id}`.
pub(crate) async fn hardware_entry<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Hardware> {
    let id = u64_param("hardware id", &raw)?;
    read_typed(&ctx.backend, hardware::keys::hardware(id), q.prove).await
}

/// `GET /v1/state/hardware/by-device/{pubkey}`.
pub(crate) async fn hardware_by_device<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<u64> {
    let who = public_key("pubkey", &raw)?;
    read_typed(&ctx.backend, hardware::keys::device(&who), q.prove).await
}

/// `GET /v1/state/inspections/{id}`.
pub(crate) async fn inspection<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Inspection> {
    let id = u64_param("inspection id", &raw)?;
    read_typed(&ctx.backend, hardware::keys::inspection(id), q.prove).await
}

/// `GET /v1/state/challenges/{id}`.
pub(crate) async fn challenge<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Challenge> {
    let id = u64_param("challenge id", &raw)?;
    read_typed(&ctx.backend, integrity::keys::challenge(id), q.prove).await
}

/// `GET /v1/state/compute/params` (`null` while the defaults apply).
pub(crate) async fn params<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<ComputeParams> {
    read_typed(&ctx.backend, hardware::keys::params(), q.prove).await
}

/// `GET /v1/state/models/{id}`.
pub(crate) async fn model<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Model> {
    let id = u64_param("model id", &raw)?;
    read_typed(&ctx.backend, models::keys::model(id), q.prove).await
}

/// `GET /v1/state/models/by-container/{hash}`.
pub(crate) async fn model_by_container<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<u64> {
    let id = hash("container id", &raw)?;
    read_typed(&ctx.backend, models::keys::container(&id), q.prove).await
}

/// `GET /v1/state/workloads/{id}`.
pub(crate) async fn workload<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Workload> {
    let id = u64_param("workload id", &raw)?;
    read_typed(&ctx.backend, workloads::keys::workload(id), q.prove).await
}

/// `GET /v1/state/runs/{id}`.
pub(crate) async fn run<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Run> {
    let id = u64_param("run id", &raw)?;
    read_typed(&ctx.backend, workloads::keys::run(id), q.prove).await
}

/// `GET /v1/state/otk/permits/{id}`.
pub(crate) async fn permit<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<OtkPermit> {
    let id = u64_param("permit id", &raw)?;
    read_typed(&ctx.backend, otk::keys::permit(id), q.prove).await
}

/// `GET /v1/state/otk/devices/{pubkey}/{seq}`.
pub(crate) async fn device_seq<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath((raw, seq)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<u64> {
    let who = public_key("pubkey", &raw)?;
    let seq = u64_param("seq", &seq)?;
    read_typed(&ctx.backend, otk::keys::device_seq(&who, seq), q.prove).await
}

/// `GET /v1/hardware?offset=&limit=`.
pub(crate) async fn hardware_page<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<HardwarePage>, ApiError> {
    let offset = q.offset.unwrap_or(0);
    let limit = page_limit(q.limit);
    let r = ctx.backend.reader().await?;
    let (hardware, total) = hardware::page(&r, offset, limit).await?;
    Ok(Json(HardwarePage {
        hardware,
        total,
        offset,
        limit,
    }))
}

/// `GET /v1/models?offset=&limit=`.
pub(crate) async fn model_page<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ModelPage>, ApiError> {
    let offset = q.offset.unwrap_or(0);
    let limit = page_limit(q.limit);
    let r = ctx.backend.reader().await?;
    let (models, total) = models::page(&r, offset, limit).await?;
    Ok(Json(ModelPage {
        models,
        total,
        offset,
        limit,
    }))
}

/// `GET /v1/otk/devices/{pubkey}?limit=`.
pub(crate) async fn device<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<DevicePermits>, ApiError> {
    let who = public_key("pubkey", &raw)?;
    let limit = page_limit(q.limit.or(Some(10)));
    let r = ctx.backend.reader().await?;
    let hw = match hardware::by_device(&r, &who).await? {
        Some(id) => hardware::hardware(&r, id).await?,
        None => None,
    };
    Ok(Json(DevicePermits {
        height: chain::height(&r).await?,
        hardware: hw,
        permits: otk::device_permits(&r, &who, limit).await?,
    }))
}
