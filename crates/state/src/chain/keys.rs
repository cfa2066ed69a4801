//! Keys of the chain-metadata module.
use crate::keys::{CHAIN, key};

/// Last executed height.
pub fn height() -> Vec<u8> {
    key(CHAIN, &[b"height"])
}
/// Last block time.
pub fn time_ms() -> Vec<u8> {
    key(CHAIN, &[b"time"])
}
/// Genesis hash.
pub fn genesis_hash() -> Vec<u8> {
    key(CHAIN, &[b"genesis"])
}
/// Parameters in force.
pub fn params() -> Vec<u8> {
    key(CHAIN, &[b"params"])
}
