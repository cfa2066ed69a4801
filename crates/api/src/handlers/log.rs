//! `GET /v1/log/checkpoint`, `GET /v1/log/proof` and `GET /v1/log/consistency`: the activity
//! log's signed checkpoint and its RFC 6962 proofs, computed over the node's leaf hashes.

use crate::Ctx;
use crate::backend::Backend;
use crate::error::ApiError;
use crate::extract::ApiQuery;
use aigov_types::Hash;
use aigov_types::api::{CheckpointResponse, ConsistencyResponse, InclusionResponse};
use aigov_types::codec::Encode;
use aigov_types::log::{consistency_proof, inclusion_proof, leaf_hash, root};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

/// `GET /v1/log/checkpoint`.
pub(crate) async fn checkpoint<B: Backend>(
    State(ctx): State<Ctx<B>>,
) -> Result<Json<CheckpointResponse>, ApiError> {
    Ok(Json(ctx.backend.checkpoint().await?))
}

/// The finalized log size.
async fn log_size<B: Backend>(backend: &B) -> Result<u64, ApiError> {
    let reader = backend.reader().await?;
    Ok(aigov_state::log::frontier(&reader).await?.size)
}

/// The first `size` leaf hashes, checked to be exactly that many.
async fn leaves<B: Backend>(backend: &B, size: u64) -> Result<Vec<Hash>, ApiError> {
    let leaves = backend.log_leaves(size).await?;
    if leaves.len() as u64 != size {
        return Err(ApiError::Internal(format!(
            "the node returned {} log leaves for a tree of {size}",
            leaves.len()
        )));
    }
    Ok(leaves)
}

/// Runs Merkle hashing (linear in the log size) off the async workers.
async fn hashing<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("proof computation failed: {e}")))
}

/// `?index=&size=`.
#[derive(Debug, Deserialize)]
pub(crate) struct InclusionQuery {
    index: u64,
    size: Option<u64>,
}

/// `GET /v1/log/proof?index=I&size=N`.
pub(crate) async fn inclusion<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<InclusionQuery>,
) -> Result<Json<InclusionResponse>, ApiError> {
    let reader = ctx.backend.reader().await?;
    let current = aigov_state::log::frontier(&reader).await?.size;
    let size = q.size.unwrap_or(current);
    if size == 0 || size > current {
        return Err(ApiError::BadRequest(format!(
            "size must be 1 to the log size {current}, got {size}"
        )));
    }
    if q.index >= size {
        return Err(ApiError::BadRequest(format!(
            "index must be below size {size}, got {}",
            q.index
        )));
    }
    let Some(event) = aigov_state::log::event(&reader, q.index).await? else {
        return Err(ApiError::Internal(format!(
            "event {} is missing from state",
            q.index
        )));
    };
    let leaf = event.encode().to_vec();
    let leaves = leaves(&ctx.backend, size).await?;
    let index = q.index;
    let (expected, path, tree_root) = hashing(move || {
        let expected = leaves.get(index as usize).copied();
        (expected, inclusion_proof(&leaves, index), root(&leaves))
    })
    .await?;
    if expected != Some(leaf_hash(&leaf)) {
        return Err(ApiError::Internal(format!(
            "the node's leaf {index} does not hash the stored event"
        )));
    }
    let Some(path) = path else {
        return Err(ApiError::Internal(format!(
            "no inclusion path for leaf {index} of {size}"
        )));
    };
    Ok(Json(InclusionResponse {
        event,
        leaf: hex::encode(&leaf),
        size,
        root: tree_root,
        path,
    }))
}

/// `?from=&to=`.
#[derive(Debug, Deserialize)]
pub(crate) struct ConsistencyQuery {
    from: u64,
    to: Option<u64>,
}

/// `GET /v1/log/consistency?from=M&to=N`.
pub(crate) async fn consistency<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ConsistencyQuery>,
) -> Result<Json<ConsistencyResponse>, ApiError> {
    let current = log_size(&ctx.backend).await?;
    let to = q.to.unwrap_or(current);
    if to > current {
        return Err(ApiError::BadRequest(format!(
            "to must be at most the log size {current}, got {to}"
        )));
    }
    if q.from == 0 || q.from > to {
        return Err(ApiError::BadRequest(format!(
            "from must be 1 to {to}, got {}",
            q.from
        )));
    }
    let from = q.from;
    let leaves = leaves(&ctx.backend, to).await?;
    let (from_root, to_root, path) = hashing(move || {
        let from_root = root(&leaves[..from as usize]);
        (from_root, root(&leaves), consistency_proof(&leaves, from))
    })
    .await?;
    let Some(path) = path else {
        return Err(ApiError::Internal(format!(
            "no consistency path from {from} to {to}"
        )));
    };
    Ok(Json(ConsistencyResponse {
        from,
        to,
        from_root,
        to_root,
        path,
    }))
}
