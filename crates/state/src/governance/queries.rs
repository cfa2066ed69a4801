//! Read access to governance state, for the API and for other modules.
use super::keys;
use crate::store::{StateRead, StoreError, get_typed};
use aigov_types::PublicKey;
use aigov_types::codec::BoundedVec;
use aigov_types::governance::{Ballot, Decision, GovernanceParams, LIVE_PROPOSALS_MAX, Proposal};

/// The ids of live proposals, ascending.
pub type LiveList = BoundedVec<u64, { LIVE_PROPOSALS_MAX as usize }>;

/// The governance parameters in force (the defaults before genesis is applied).
pub async fn params(s: &impl StateRead) -> Result<GovernanceParams, StoreError> {
    Ok(get_typed(s, &keys::params()).await?.unwrap_or_default())
}

/// Proposal `id`.
pub async fn proposal(s: &impl StateRead, id: u64) -> Result<Option<Proposal>, StoreError> {
    get_typed(s, &keys::proposal(id)).await
}

/// Number of proposals ever submitted (ids run from 1 to this).
pub async fn proposal_count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::proposal_count())
        .await?
        .unwrap_or(0))
}

/// A page of proposals in id order: ids `offset+1 ..= offset+limit`, and the total.
pub async fn proposals_page(
    s: &impl StateRead,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Proposal>, u64), StoreError> {
    let total = proposal_count(s).await?;
    let mut out = Vec::new();
    for n in offset..total.min(offset.saturating_add(limit)) {
        out.extend(proposal(s, n + 1).await?);
    }
    Ok((out, total))
}

/// `voter`'s ballot on proposal `id`.
pub async fn ballot(
    s: &impl StateRead,
    id: u64,
    voter: &PublicKey,
) -> Result<Option<Ballot>, StoreError> {
    get_typed(s, &keys::ballot(id, voter)).await
}

/// Every ballot on proposal `id`, in order of each voter's first ballot.
pub async fn ballots(s: &impl StateRead, id: u64) -> Result<Vec<Ballot>, StoreError> {
    let n = get_typed::<u64>(s, &keys::voter_count(id))
        .await?
        .unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..n {
        if let Some(voter) = get_typed::<PublicKey>(s, &keys::voter_at(id, i)).await? {
            out.extend(ballot(s, id, &voter).await?);
        }
    }
    Ok(out)
}

/// The decision proposal `p` would get if it were tallied at block time `now`, from the
/// ballots cast so far: the running tally shown while voting is open. Nothing is written, and
/// no late-quorum extension or status change is applied.
pub async fn running_tally(
    s: &impl StateRead,
    p: &Proposal,
    now: u64,
) -> Result<Decision, StoreError> {
    Ok(super::tally::tally(s, p, now, None).await?.decision)
}

/// The ids of live proposals (Pending, Active, Succeeded, Queued), ascending.
pub async fn live_proposals(s: &impl StateRead) -> Result<Vec<u64>, StoreError> {
    Ok(live_list(s).await?.as_slice().to_vec())
}

pub(crate) async fn live_list(s: &impl StateRead) -> Result<LiveList, StoreError> {
    Ok(get_typed::<LiveList>(s, &keys::live())
        .await?
        .unwrap_or_default())
}
