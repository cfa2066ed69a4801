//! Keys of the consensus committee.
use crate::keys::{VALIDATORS, key};
use aigov_types::PublicKey;

/// The committee as last voted ([aigov_types::validators::ValidatorSet]).
pub fn pending() -> Vec<u8> {
    key(VALIDATORS, &[b"pending"])
}
/// Blocks per epoch, from genesis (`u64`).
pub fn blocks_per_epoch() -> Vec<u8> {
    key(VALIDATORS, &[b"bpe"])
}
/// The committee of epoch `e` (`participants(e)`): written once, at its snapshot.
pub fn committee(e: u64) -> Vec<u8> {
    key(VALIDATORS, &[b"epoch/", &e.to_be_bytes()])
}
/// The address history of a validator key ([aigov_types::validators::AddressHistory]), kept
/// for as long as the key may appear in an epoch's directory (forever).
pub fn address(who: &PublicKey) -> Vec<u8> {
    key(VALIDATORS, &[b"addr/", who.as_bytes()])
}
