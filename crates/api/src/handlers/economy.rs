//! The economy: `GET /v1/economy` (price, parameters, credit ledger, pool, treasury in one
//! read), `GET /v1/treasury/bounties` (a page of claims), and the provable typed state reads
//! under `/v1/state/gas/…`, `/v1/state/pool/members/{id}` and `/v1/state/treasury…`.

use super::lists::{PageQuery, page_limit};
use super::state::{Answer, ProveQuery, read_typed};
use crate::Ctx;
use crate::backend::Backend;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery, public_key, slug, u64_param};
use aigov_state::{accounts, chain, gas, personnel, treasury};
use aigov_types::api::{BountyPage, EconomyResponse};
use aigov_types::economy::{CreditLedger, DutyUsage, EconomyParams, GasPrice, Purchase};
use aigov_types::treasury::{Bounty, Payment, TreasuryLedger};
use axum::Json;
use axum::extract::State;

/// `GET /v1/economy`.
pub(crate) async fn summary<B: Backend>(
    State(ctx): State<Ctx<B>>,
) -> Result<Json<EconomyResponse>, ApiError> {
    let r = ctx.backend.reader().await?;
    let mut pool_contributions = Vec::new();
    for m in personnel::queries::members(&r).await? {
        let given = accounts::pool_contribution(&r, &m.id).await?;
        if given > 0 {
            pool_contributions.push((m.id, given));
        }
    }
    Ok(Json(EconomyResponse {
        height: chain::height(&r).await?,
        price: gas::price(&r).await?,
        params: gas::params(&r).await?,
        credits: gas::ledger(&r).await?,
        pool: accounts::pool_gas(&r).await?,
        pool_contributions,
        treasury: treasury::ledger(&r).await?,
        bounties: treasury::bounty_count(&r).await?,
    }))
}

/// `GET /v1/treasury/bounties?offset=&limit=`.
pub(crate) async fn bounties<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<BountyPage>, ApiError> {
    let offset = q.offset.unwrap_or(0);
    let limit = page_limit(q.limit);
    let r = ctx.backend.reader().await?;
    let (bounties, total) = treasury::bounty_page(&r, offset, limit).await?;
    Ok(Json(BountyPage {
        bounties,
        total,
        offset,
        limit,
    }))
}

/// `GET /v1/state/gas/params`.
pub(crate) async fn params<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<EconomyParams> {
    read_typed(&ctx.backend, gas::keys::params(), q.prove).await
}

/// `GET /v1/state/gas/price`.
pub(crate) async fn price<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<GasPrice> {
    read_typed(&ctx.backend, gas::keys::price(), q.prove).await
}

/// `GET /v1/state/gas/ledger`.
pub(crate) async fn ledger<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<CreditLedger> {
    read_typed(&ctx.backend, gas::keys::ledger(), q.prove).await
}

/// `GET /v1/state/gas/purchases/{id}`.
pub(crate) async fn purchase<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Purchase> {
    let id = u64_param("purchase id", &raw)?;
    read_typed(&ctx.backend, gas::keys::purchase(id), q.prove).await
}

/// `GET /v1/state/gas/duty/{pubkey}`.
pub(crate) async fn duty<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<DutyUsage> {
    let who = public_key("pubkey", &raw)?;
    read_typed(&ctx.backend, gas::keys::duty(&who), q.prove).await
}

/// `GET /v1/state/pool/members/{id}`.
pub(crate) async fn pool_contribution<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<u64> {
    let id = slug("member id", &raw)?;
    read_typed(
        &ctx.backend,
        accounts::keys::pool_contribution(&id),
        q.prove,
    )
    .await
}

/// `GET /v1/state/treasury`.
pub(crate) async fn treasury_ledger<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<TreasuryLedger> {
    read_typed(&ctx.backend, treasury::keys::ledger(), q.prove).await
}

/// `GET /v1/state/treasury/payments/{id}`.
pub(crate) async fn payment<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Payment> {
    let id = u64_param("payment id", &raw)?;
    read_typed(&ctx.backend, treasury::keys::payment(id), q.prove).await
}

/// `GET /v1/state/treasury/bounties/{id}`.
pub(crate) async fn bounty<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Bounty> {
    let id = u64_param("bounty id", &raw)?;
    read_typed(&ctx.backend, treasury::keys::bounty(id), q.prove).await
}
