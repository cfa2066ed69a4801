//! Keys of the hardware registry.
use crate::keys::{HARDWARE, key};
use aigov_types::{Hash, PublicKey};

/// The compute parameters (inspections and drip).
pub fn params() -> Vec<u8> {
    key(HARDWARE, &[b"params"])
}
/// Number of hardware entries (their ids run from 1).
pub fn count() -> Vec<u8> {
    key(HARDWARE, &[b"count"])
}
/// Hardware `id`.
pub fn hardware(id: u64) -> Vec<u8> {
    key(HARDWARE, &[b"id/", &id.to_be_bytes()])
}
/// The hardware bound to a device key.
pub fn device(device: &PublicKey) -> Vec<u8> {
    key(HARDWARE, &[b"device/", device.as_bytes()])
}
/// Number of inspections (their ids run from 1).
pub fn inspection_count() -> Vec<u8> {
    key(HARDWARE, &[b"inspections"])
}
/// Inspection `id`.
pub fn inspection(id: u64) -> Vec<u8> {
    key(HARDWARE, &[b"insp/", &id.to_be_bytes()])
}
/// The inspection filed with a record digest (refuses a replayed record).
pub fn inspection_digest(digest: &Hash) -> Vec<u8> {
    key(HARDWARE, &[b"digest/", &digest.0])
}
/// Number of entries in the due bucket `bucket`.
pub fn due_count(bucket: u64) -> Vec<u8> {
    key(HARDWARE, &[b"duen/", &bucket.to_be_bytes()])
}
/// Entry `n` of the due bucket `bucket`: a hardware id whose inspection falls due in it.
pub fn due_at(bucket: u64, n: u64) -> Vec<u8> {
    key(
        HARDWARE,
        &[b"due/", &bucket.to_be_bytes(), &n.to_be_bytes()],
    )
}
/// How far the end-of-block hook has walked the due buckets.
pub fn due_cursor() -> Vec<u8> {
    key(HARDWARE, &[b"cursor"])
}
/// Number of due entries not yet walked (0: the hook does nothing).
pub fn due_total() -> Vec<u8> {
    key(HARDWARE, &[b"duetotal"])
}
