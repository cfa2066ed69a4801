//! Keys of integrity challenges.
use crate::keys::{INTEGRITY, key};

/// Number of challenges (their ids run from 1).
pub fn count() -> Vec<u8> {
    key(INTEGRITY, &[b"count"])
}
/// Challenge `id`.
pub fn challenge(id: u64) -> Vec<u8> {
    key(INTEGRITY, &[b"id/", &id.to_be_bytes()])
}
/// Number of armed hardware (waiting for a challenge).
pub fn armed_count() -> Vec<u8> {
    key(INTEGRITY, &[b"armedn"])
}
/// Armed hardware at position `i` (a dense array: removal swaps the last entry in).
pub fn armed_at(i: u64) -> Vec<u8> {
    key(INTEGRITY, &[b"armed/", &i.to_be_bytes()])
}
/// The position of armed hardware `hardware`.
pub fn armed_pos(hardware: u64) -> Vec<u8> {
    key(INTEGRITY, &[b"armpos/", &hardware.to_be_bytes()])
}
/// Arming queue: entries in bucket `bucket`.
pub fn arm_count(bucket: u64) -> Vec<u8> {
    key(INTEGRITY, &[b"armqn/", &bucket.to_be_bytes()])
}
/// Arming queue: entry `n` of bucket `bucket` (a hardware id).
pub fn arm_at(bucket: u64, n: u64) -> Vec<u8> {
    key(
        INTEGRITY,
        &[b"armq/", &bucket.to_be_bytes(), &n.to_be_bytes()],
    )
}
/// Arming queue: the cursor.
pub fn arm_cursor() -> Vec<u8> {
    key(INTEGRITY, &[b"armqcur"])
}
/// Arming queue: entries not yet walked.
pub fn arm_total() -> Vec<u8> {
    key(INTEGRITY, &[b"armqtot"])
}
/// Deadline queue: entries in bucket `bucket`.
pub fn deadline_count(bucket: u64) -> Vec<u8> {
    key(INTEGRITY, &[b"dlqn/", &bucket.to_be_bytes()])
}
/// Deadline queue: entry `n` of bucket `bucket` (a challenge id).
pub fn deadline_at(bucket: u64, n: u64) -> Vec<u8> {
    key(
        INTEGRITY,
        &[b"dlq/", &bucket.to_be_bytes(), &n.to_be_bytes()],
    )
}
/// Deadline queue: the cursor.
pub fn deadline_cursor() -> Vec<u8> {
    key(INTEGRITY, &[b"dlqcur"])
}
/// Deadline queue: entries not yet walked.
pub fn deadline_total() -> Vec<u8> {
    key(INTEGRITY, &[b"dlqtot"])
}
