//! Keys of the whistle-blower module.
use crate::keys::{WHISTLE, key};

/// The reviewing body's X25519 key (`Option<SealKey>`).
pub fn reviewing_key() -> Vec<u8> {
    key(WHISTLE, &[b"key"])
}
/// Number of reports filed.
pub fn report_count() -> Vec<u8> {
    key(WHISTLE, &[b"count"])
}
/// Report `id`.
pub fn report(id: u64) -> Vec<u8> {
    key(WHISTLE, &[b"report/", &id.to_be_bytes()])
}
