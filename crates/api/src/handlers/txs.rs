//! `POST /v1/txs` and `GET /v1/txs/{hash}`.

use crate::backend::{Backend, MempoolStatus};
use crate::error::ApiError;
use crate::extract::{ApiPath, hash};
use crate::{Ctx, MAX_BODY_BYTES};
use aigov_types::api::{SubmitTxRequest, SubmitTxResponse, TxStatus};
use aigov_types::receipt::TxOutcome;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};

/// How the body of `POST /v1/txs` is encoded.
enum BodyFormat {
    Json,
    Raw,
}

fn body_format(headers: &HeaderMap) -> Result<BodyFormat, ApiError> {
    let unsupported = |got: &str| {
        ApiError::UnsupportedMediaType(format!(
            "send the transaction as application/json {{\"tx\": \"<hex>\"}} or as \
             application/octet-stream bytes; got content type {}",
            crate::extract::echo(got)
        ))
    };
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(unsupported(""));
    };
    let Ok(text) = value.to_str() else {
        return Err(unsupported("<not ascii>"));
    };
    let essence = text.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(BodyFormat::Json)
    } else if essence.eq_ignore_ascii_case("application/octet-stream") {
        Ok(BodyFormat::Raw)
    } else {
        Err(unsupported(text))
    }
}

/// The signed transaction's bytes from a request body.
fn tx_bytes(format: BodyFormat, body: &[u8]) -> Result<Vec<u8>, ApiError> {
    match format {
        BodyFormat::Raw => Ok(body.to_vec()),
        BodyFormat::Json => {
            let req: SubmitTxRequest = serde_json::from_slice(body).map_err(|e| {
                ApiError::BadRequest(format!("body is not JSON {{\"tx\": \"<hex>\"}}: {e}"))
            })?;
            let text = req.tx.trim();
            let text = text.strip_prefix("0x").unwrap_or(text);
            hex::decode(text).map_err(|e| ApiError::BadRequest(format!("tx is not valid hex: {e}")))
        }
    }
}

/// `POST /v1/txs`: admits a signed transaction into the mempool.
pub(crate) async fn submit<B: Backend>(
    State(ctx): State<Ctx<B>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<SubmitTxResponse>), ApiError> {
    let format = body_format(&headers)?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge {
                max: MAX_BODY_BYTES,
            }
        } else {
            ApiError::BadRequest(format!("could not read the body: {}", e.body_text()))
        }
    })?;
    let tx = tx_bytes(format, &body)?;
    let hash = ctx.backend.submit(tx).await?;
    Ok((StatusCode::ACCEPTED, Json(SubmitTxResponse { hash })))
}

/// `GET /v1/txs/{hash}`: pending, finalized or failed, with the receipt and events.
pub(crate) async fn status<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<TxStatus>, ApiError> {
    let hash = hash("hash", &raw)?;
    if ctx.backend.mempool_status(&hash) == MempoolStatus::Pending {
        return Ok(Json(TxStatus::Pending));
    }
    let reader = ctx.backend.reader().await?;
    let Some(receipt) = aigov_state::log::receipt(&reader, &hash).await? else {
        return Err(ApiError::NotFound(format!(
            "transaction {hash} is neither pending nor in a finalized block"
        )));
    };
    let mut events = Vec::with_capacity(receipt.event_count as usize);
    let first = receipt.first_event;
    for index in first..first.saturating_add(u64::from(receipt.event_count)) {
        match aigov_state::log::event(&reader, index).await? {
            Some(e) => events.push(e),
            None => {
                return Err(ApiError::Internal(format!(
                    "event {index} of transaction {hash}'s receipt is missing from state"
                )));
            }
        }
    }
    Ok(Json(match receipt.outcome {
        TxOutcome::Success(_) => TxStatus::Finalized { receipt, events },
        TxOutcome::Failed(_) => TxStatus::Failed { receipt, events },
    }))
}
