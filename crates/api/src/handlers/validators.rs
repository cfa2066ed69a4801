//! The consensus committee: `GET /v1/state/validators` (the committee as voted),
//! `GET /v1/state/validators/epochs/{epoch}` (an epoch's committee, once its snapshot is
//! written) and `GET /v1/state/validators/blocks-per-epoch`, all provable typed state reads.

use super::state::{Answer, ProveQuery, read_typed};
use crate::Ctx;
use crate::backend::Backend;
use crate::extract::{ApiPath, ApiQuery, u64_param};
use aigov_state::validators::keys;
use aigov_types::validators::ValidatorSet;
use axum::extract::State;

/// `GET /v1/state/validators`.
pub(crate) async fn pending<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<ValidatorSet> {
    read_typed(&ctx.backend, keys::pending(), q.prove).await
}

/// `GET /v1/state/validators/epochs/{epoch}`: `null` until the epoch's snapshot is written, so
/// a client can prove that an epoch's committee is not fixed yet.
pub(crate) async fn committee<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<ValidatorSet> {
    let epoch = u64_param("epoch", &raw)?;
    read_typed(&ctx.backend, keys::committee(epoch), q.prove).await
}

/// `GET /v1/state/validators/blocks-per-epoch`.
pub(crate) async fn blocks_per_epoch<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<u64> {
    read_typed(&ctx.backend, keys::blocks_per_epoch(), q.prove).await
}
