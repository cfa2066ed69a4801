//! Read access to the personnel registry, for the API and for other modules.
use super::keys;
use crate::store::{StateRead, StoreError, get_typed};
use aigov_types::personnel::{Member, Organisation, Personnel};
use aigov_types::{PublicKey, Slug};

/// A member by id.
pub async fn member(s: &impl StateRead, id: &Slug) -> Result<Option<Member>, StoreError> {
    get_typed(s, &keys::member(id)).await
}

/// An organisation by id.
pub async fn organisation(
    s: &impl StateRead,
    id: &Slug,
) -> Result<Option<Organisation>, StoreError> {
    get_typed(s, &keys::organisation(id)).await
}

/// A person by account.
pub async fn personnel(
    s: &impl StateRead,
    account: &PublicKey,
) -> Result<Option<Personnel>, StoreError> {
    get_typed(s, &keys::personnel(account)).await
}

async fn count(s: &impl StateRead, key: &[u8]) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, key).await?.unwrap_or(0))
}

/// All members, in admission order.
pub async fn members(s: &impl StateRead) -> Result<Vec<Member>, StoreError> {
    let mut out = Vec::new();
    for n in 0..count(s, &keys::member_count()).await? {
        if let Some(id) = get_typed::<Slug>(s, &keys::member_at(n)).await? {
            out.extend(member(s, &id).await?);
        }
    }
    Ok(out)
}

/// All organisations, in order of addition.
pub async fn organisations(s: &impl StateRead) -> Result<Vec<Organisation>, StoreError> {
    let mut out = Vec::new();
    for n in 0..count(s, &keys::organisation_count()).await? {
        if let Some(id) = get_typed::<Slug>(s, &keys::organisation_at(n)).await? {
            out.extend(organisation(s, &id).await?);
        }
    }
    Ok(out)
}

/// A page of personnel, in registration order: `offset..offset+limit`, and the total.
pub async fn personnel_page(
    s: &impl StateRead,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Personnel>, u64), StoreError> {
    let total = count(s, &keys::personnel_count()).await?;
    let mut out = Vec::new();
    for n in offset..total.min(offset.saturating_add(limit)) {
        if let Some(acct) = get_typed::<PublicKey>(s, &keys::personnel_at(n)).await? {
            out.extend(personnel(s, &acct).await?);
        }
    }
    Ok((out, total))
}
