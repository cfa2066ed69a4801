//! Accounts and the system token pool: nonces, gas credits, and who pays for a transaction.
//!
//! Gas credits are closed-loop accounting units: they are granted (genesis; later recorded
//! purchases) and consumed, never transferred. Sponsored calls are paid by the pool, so vetted
//! personnel and applicants never pay for their duties.

pub mod keys;

use crate::store::{Overlay, StateRead, StoreError, get_typed};
use aigov_types::{Account, PublicKey};

/// The account of `who`, if it exists.
pub async fn account(s: &impl StateRead, who: &PublicKey) -> Result<Option<Account>, StoreError> {
    get_typed::<Account>(s, &keys::account(who)).await
}

/// The pool's credits.
pub async fn pool_gas(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::pool()).await?.unwrap_or(0))
}

/// Writes an account.
pub(crate) fn put_account<S: StateRead>(o: &mut Overlay<'_, S>, who: &PublicKey, acct: &Account) {
    o.put_typed(keys::account(who), acct);
}

/// Writes the pool balance.
pub(crate) fn put_pool<S: StateRead>(o: &mut Overlay<'_, S>, gas: u64) {
    o.put_typed(keys::pool(), &gas);
}

/// Credits `member` has put into the pool.
pub async fn pool_contribution(
    s: &impl StateRead,
    member: &aigov_types::Slug,
) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::pool_contribution(member))
        .await?
        .unwrap_or(0))
}

/// Adds `credits` to the pool on behalf of `member`.
pub(crate) async fn top_up_pool<S: StateRead>(
    o: &mut Overlay<'_, S>,
    member: &aigov_types::Slug,
    credits: u64,
) -> Result<(), StoreError> {
    let pool = pool_gas(o).await?;
    put_pool(o, pool.saturating_add(credits));
    let given = pool_contribution(o, member).await?;
    o.put_typed(
        keys::pool_contribution(member),
        &given.saturating_add(credits),
    );
    Ok(())
}

/// Adds `credits` to `who`'s account, creating it if needed.
pub(crate) async fn credit<S: StateRead>(
    o: &mut Overlay<'_, S>,
    who: &PublicKey,
    credits: u64,
) -> Result<(), StoreError> {
    let mut acct = account(o, who).await?.unwrap_or_default();
    acct.gas = acct.gas.saturating_add(credits);
    put_account(o, who, &acct);
    Ok(())
}
