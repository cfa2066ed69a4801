//! Keys of the accounts module.
use crate::keys::{ACCOUNTS, POOL, key};
use aigov_types::PublicKey;

/// An account.
pub fn account(who: &PublicKey) -> Vec<u8> {
    key(ACCOUNTS, &[who.as_bytes()])
}
/// The system pool balance.
pub fn pool() -> Vec<u8> {
    key(POOL, &[b"gas"])
}
