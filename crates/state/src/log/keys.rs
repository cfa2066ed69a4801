//! Keys of the activity log and receipts.
use crate::keys::{LOG, RECEIPTS, key};
use aigov_types::Hash;

/// The RFC 6962 frontier.
pub fn frontier() -> Vec<u8> {
    key(LOG, &[b"frontier"])
}
/// Event `index`.
pub fn event(index: u64) -> Vec<u8> {
    key(LOG, &[b"ev/", &index.to_be_bytes()])
}
/// Receipt of transaction `hash`.
pub fn receipt(hash: &Hash) -> Vec<u8> {
    key(RECEIPTS, &[&hash.0])
}
