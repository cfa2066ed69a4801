//! Keys of the accounts module.
use crate::keys::{ACCOUNTS, POOL, key};
use aigov_types::{PublicKey, Slug};

/// An account.
pub fn account(who: &PublicKey) -> Vec<u8> {
    key(ACCOUNTS, &[who.as_bytes()])
}
/// The system pool balance.
pub fn pool() -> Vec<u8> {
    key(POOL, &[b"gas"])
}
/// Credits a member has put into the pool (top-ups), for the members' accounts of who funds it.
pub fn pool_contribution(member: &Slug) -> Vec<u8> {
    key(POOL, &[b"member/", member.as_str().as_bytes()])
}
