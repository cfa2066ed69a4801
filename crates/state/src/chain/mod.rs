//! Chain metadata kept in state: the last executed height and block time, the genesis hash and
//! the parameters. Stored in state (not only in headers) so that a proof of any entry can be
//! read together with the height it is current at.

pub mod keys;

use crate::store::{StateRead, StoreError, get_typed};
use aigov_types::Hash;
use aigov_types::genesis::Params;

/// The height of the last executed block (0 before genesis is applied).
pub async fn height(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::height()).await?.unwrap_or(0))
}

/// The block time of the last executed block.
pub async fn time_ms(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::time_ms()).await?.unwrap_or(0))
}

/// The genesis hash, once genesis is applied.
pub async fn genesis_hash(s: &impl StateRead) -> Result<Option<Hash>, StoreError> {
    get_typed::<Hash>(s, &keys::genesis_hash()).await
}

/// The parameters in force.
pub async fn params(s: &impl StateRead) -> Result<Params, StoreError> {
    Ok(get_typed::<Params>(s, &keys::params())
        .await?
        .unwrap_or_default())
}
