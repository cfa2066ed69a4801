//! Keys of the safety standard.
use crate::keys::{STANDARD, key};

/// The version in force (`u32`; absent before the first `set_standard`).
pub fn current() -> Vec<u8> {
    key(STANDARD, &[b"current"])
}
/// Version `v`.
pub fn version(v: u32) -> Vec<u8> {
    key(STANDARD, &[b"v/", &v.to_be_bytes()])
}
