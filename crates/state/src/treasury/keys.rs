//! Keys of the treasury module.
use crate::keys::{TREASURY, key};

/// The treasury's ledger.
pub fn ledger() -> Vec<u8> {
    key(TREASURY, &[b"ledger"])
}
/// Payment `id`.
pub fn payment(id: u64) -> Vec<u8> {
    key(TREASURY, &[b"payment/", &id.to_be_bytes()])
}
/// Bounty claim `id`.
pub fn bounty(id: u64) -> Vec<u8> {
    key(TREASURY, &[b"bounty/", &id.to_be_bytes()])
}
/// Number of bounty claims.
pub fn bounty_count() -> Vec<u8> {
    key(TREASURY, &[b"bounties"])
}
