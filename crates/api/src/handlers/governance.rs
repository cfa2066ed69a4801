//! Governance: `GET /v1/proposals` (a page), `GET /v1/proposals/{id}/ballots`,
//! `GET /v1/proposals/{id}/tally` and `GET /v1/proposals/{id}/decision`, read through
//! `aigov-state`'s governance queries (no proofs), and the provable typed state reads
//! `GET /v1/state/proposals/{id}`, `GET /v1/state/ballots/{id}/{account}` and
//! `GET /v1/state/governance/params`.

use super::lists::{PageQuery, page_limit};
use super::state::{Answer, ProveQuery, read_typed};
use crate::Ctx;
use crate::backend::Backend;
use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery, public_key, u64_param};
use aigov_state::chain;
use aigov_state::governance::{keys, queries};
use aigov_types::api::{ProposalPage, TallyResponse};
use aigov_types::governance::{Ballot, Decision, GovernanceParams, Proposal, ProposalStatus};
use axum::Json;
use axum::extract::State;

/// A proposal id path parameter.
fn proposal_id(raw: &str) -> Result<u64, ApiError> {
    u64_param("proposal id", raw)
}

/// Proposal `id` from `reader`, or `404 not_found`.
async fn existing<R: aigov_state::StateRead>(reader: &R, id: u64) -> Result<Proposal, ApiError> {
    queries::proposal(reader, id).await?.ok_or_else(|| {
        ApiError::NotFound(format!(
            "proposal {id} does not exist; list proposals with GET /v1/proposals"
        ))
    })
}

/// `GET /v1/proposals?offset=&limit=`.
pub(crate) async fn page<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> Result<Json<ProposalPage>, ApiError> {
    let offset = q.offset.unwrap_or(0);
    let limit = page_limit(q.limit);
    let reader = ctx.backend.reader().await?;
    let (proposals, total) = queries::proposals_page(&reader, offset, limit).await?;
    Ok(Json(ProposalPage {
        proposals,
        total,
        offset,
        limit,
    }))
}

/// `GET /v1/state/proposals/{id}`.
pub(crate) async fn proposal<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Proposal> {
    let id = proposal_id(&raw)?;
    read_typed(&ctx.backend, keys::proposal(id), q.prove).await
}

/// `GET /v1/proposals/{id}/ballots`: every ballot, in order of each voter's first ballot.
pub(crate) async fn ballots<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<Vec<Ballot>>, ApiError> {
    let id = proposal_id(&raw)?;
    let reader = ctx.backend.reader().await?;
    existing(&reader, id).await?;
    Ok(Json(queries::ballots(&reader, id).await?))
}

/// `GET /v1/state/ballots/{id}/{account}`.
pub(crate) async fn ballot<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath((raw_id, raw_account)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<Ballot> {
    let id = proposal_id(&raw_id)?;
    let voter = public_key("account", &raw_account)?;
    read_typed(&ctx.backend, keys::ballot(id, &voter), q.prove).await
}

/// `GET /v1/state/governance/params`.
pub(crate) async fn params<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiQuery(q): ApiQuery<ProveQuery>,
) -> Answer<GovernanceParams> {
    read_typed(&ctx.backend, keys::params(), q.prove).await
}

/// `GET /v1/proposals/{id}/decision`: the recorded decision, or 404 until the first tally.
pub(crate) async fn decision<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<Decision>, ApiError> {
    let id = proposal_id(&raw)?;
    let reader = ctx.backend.reader().await?;
    let p = existing(&reader, id).await?;
    match p.decision {
        Some(d) => Ok(Json(d)),
        None => Err(ApiError::NotFound(untallied(&p))),
    }
}

/// Why proposal `p` has no decision yet.
fn untallied(p: &Proposal) -> String {
    match p.status {
        ProposalStatus::Canceled => format!(
            "proposal {} was canceled before any tally; it has no decision",
            p.id
        ),
        status => format!(
            "proposal {} has not been tallied yet (status {}; voting closes at block time {} ms); its running tally is at GET /v1/proposals/{}/tally",
            p.id,
            status_name(status),
            p.voting_ends_ms,
            p.id
        ),
    }
}

fn status_name(s: ProposalStatus) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{s:?}"))
}

/// `GET /v1/proposals/{id}/tally`: the running tally while ballots are open, else the recorded
/// decision.
pub(crate) async fn tally<B: Backend>(
    State(ctx): State<Ctx<B>>,
    ApiPath(raw): ApiPath<String>,
) -> Result<Json<TallyResponse>, ApiError> {
    let id = proposal_id(&raw)?;
    let reader = ctx.backend.reader().await?;
    let p = existing(&reader, id).await?;
    let height = chain::height(&reader).await?;
    let open = matches!(
        p.status,
        ProposalStatus::Pending | ProposalStatus::Active | ProposalStatus::Succeeded
    );
    let (running, decision) = if open {
        let now = chain::time_ms(&reader).await?;
        (true, queries::running_tally(&reader, &p, now).await?)
    } else {
        match p.decision {
            Some(d) => (false, d),
            None => return Err(ApiError::NotFound(untallied(&p))),
        }
    };
    Ok(Json(TallyResponse {
        proposal: id,
        status: p.status,
        running,
        height,
        decision,
    }))
}
