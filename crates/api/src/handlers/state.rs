//! `GET /v1/state/...`: typed reads of single state entries at the latest finalized height,
//! with a light-client proof on `?prove=true`. An absent entry answers `value: null`.

use crate::Ctx;
use crate::backend::Backend;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery, hash, public_key, slug, u64_param};
use aigov_state::{accounts, chain, log, personnel};
use aigov_types::api::StateResponse;
use aigov_types::codec::{Read, decode_slice};
use aigov_types::event::EventRecord;
use aigov_types::genesis::Params;
use aigov_types::personnel::{Member, Organisation, Personnel};
use aigov_types::proof::MAX_KEY_BYTES;
use aigov_types::{Account, Receipt};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};

/// `?prove=true|false`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProveQuery {
    #[serde(default)]
    pub(crate) prove: bool,
}

pub(crate) type Answer<T> = Result<Json<StateResponse<T>>, ApiError>;

/// Reads `key` and decodes its value as `T`.
pub(crate) async fn read_typed<B: Backend, T: Read<Cfg = ()> + Serialize>(
    backend: &B,
    key: Vec<u8>,
    prove: bool,
) -> Answer<T> {
    read_with(backend, key, prove, |bytes| {
        decode_slice::<T>(bytes).map_err(|e| e.to_string())
    })
    .await
}

/// Reads `key` and turns its bytes into the response value with `decode`.
async fn read_with<B: Backend, T: Serialize>(
    backend: &B,
    key: Vec<u8>,
    prove: bool,
    decode: impl Fn(&[u8]) -> Result<T, String>,
) -> Answer<T> {
    let key_hex = hex::encode(&key);
    let read = backend.read(key, prove).await?;
    let value = match read.value {
        None => None,
        Some(bytes) => Some(decode(&bytes).map_err(|e| {
            ApiError::Internal(format!(
                "the value under key {key_hex} does not decode as {}: {e}",
                std::any::type_name::<T>()
            ))
        })?),
    };
    Ok(Json(StateResponse {
        height: read.height,
        key: key_hex,
        value,
        proof: read.proof,
    }))
}

/// `GET /v1/state/accounts/{pubkey}`.
pub(crate) async fn account<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Account> {
    let who = public_key("pubkey", &raw)?;
    read_typed(&ctx.backend, accounts::keys::account(&who), q.prove).await
}

/// `GET /v1/state/personnel/{pubkey}`.
pub(crate) async fn personnel<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Personnel> {
    let who = public_key("pubkey", &raw)?;
    read_typed(&ctx.backend, personnel::keys::personnel(&who), q.prove).await
}

/// `GET /v1/state/members/{id}`.
pub(crate) async fn member<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Member> {
    let id = slug("member id", &raw)?;
    read_typed(&ctx.backend, personnel::keys::member(&id), q.prove).await
}

/// `GET /v1/state/organisations/{id}`.
pub(crate) async fn organisation<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Organisation> {
    let id = slug("organisation id", &raw)?;
    read_typed(&ctx.backend, personnel::keys::organisation(&id), q.prove).await
}

/// `GET /v1/state/pool`.
pub(crate) async fn pool<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<u64> {
    read_typed(&ctx.backend, accounts::keys::pool(), q.prove).await
}

/// `GET /v1/state/receipts/{hash}`.
pub(crate) async fn receipt<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Receipt> {
    let h = hash("hash", &raw)?;
    read_typed(&ctx.backend, log::keys::receipt(&h), q.prove).await
}

/// `GET /v1/state/events/{index}`.
pub(crate) async fn event<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<EventRecord> {
    let index = u64_param("index", &raw)?;
    read_typed(&ctx.backend, log::keys::event(index), q.prove).await
}

/// `GET /v1/state/params`.
pub(crate) async fn params<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Params> {
    read_typed(&ctx.backend, chain::keys::params(), q.prove).await
}

/// `GET /v1/state/raw/{hexkey}`: any logical key; the value as hex.
pub(crate) async fn raw<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<String> {
    let text = raw.strip_prefix("0x").unwrap_or(&raw);
    let key = hex::decode(text).map_err(|e| {
        ApiError::BadRequest(format!(
            "hexkey {} is not hex: {e}",
            crate::extract::echo(&raw)
        ))
    })?;
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(ApiError::BadRequest(format!(
            "a state key is 1 to {MAX_KEY_BYTES} bytes, got {}",
            key.len()
        )));
    }
    read_with(&ctx.backend, key, q.prove, |bytes| Ok(hex::encode(bytes))).await
}
