//! Keys of the OTK issuer.
use crate::keys::{OTK, key};
use aigov_types::PublicKey;

/// Number of permits issued (their ids run from 1).
pub fn count() -> Vec<u8> {
    key(OTK, &[b"count"])
}
/// Permit `otk_id`.
pub fn permit(otk_id: u64) -> Vec<u8> {
    key(OTK, &[b"permit/", &otk_id.to_be_bytes()])
}
/// The permit a device got with `seq` (what an agent fetches and proves, in order).
pub fn device_seq(device: &PublicKey, seq: u64) -> Vec<u8> {
    key(OTK, &[b"dev/", device.as_bytes(), &seq.to_be_bytes()])
}
/// The drip queue's head (next position to serve).
pub fn queue_head() -> Vec<u8> {
    key(OTK, &[b"qhead"])
}
/// The drip queue's tail (next free position).
pub fn queue_tail() -> Vec<u8> {
    key(OTK, &[b"qtail"])
}
/// Position `n` of the drip queue: a run to serve.
pub fn queue_at(n: u64) -> Vec<u8> {
    key(OTK, &[b"q/", &n.to_be_bytes()])
}
