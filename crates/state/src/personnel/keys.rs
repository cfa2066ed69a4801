//! Keys of the personnel module. Lists are kept as `count` + `idx/<n>` entries so that they can
//! be enumerated (and proven) without ordered iteration.
use crate::keys::{MEMBERS, ORGANISATIONS, PERSONNEL, key};
use aigov_types::{PublicKey, Slug};

/// A member.
pub fn member(id: &Slug) -> Vec<u8> {
    key(MEMBERS, &[b"id/", id.as_str().as_bytes()])
}
/// Number of members.
pub fn member_count() -> Vec<u8> {
    key(MEMBERS, &[b"count"])
}
/// The `n`th member's id.
pub fn member_at(n: u64) -> Vec<u8> {
    key(MEMBERS, &[b"idx/", &n.to_be_bytes()])
}
/// An organisation.
pub fn organisation(id: &Slug) -> Vec<u8> {
    key(ORGANISATIONS, &[b"id/", id.as_str().as_bytes()])
}
/// Number of organisations.
pub fn organisation_count() -> Vec<u8> {
    key(ORGANISATIONS, &[b"count"])
}
/// The `n`th organisation's id.
pub fn organisation_at(n: u64) -> Vec<u8> {
    key(ORGANISATIONS, &[b"idx/", &n.to_be_bytes()])
}
/// A person, by account.
pub fn personnel(account: &PublicKey) -> Vec<u8> {
    key(PERSONNEL, &[b"id/", account.as_bytes()])
}
/// Number of personnel records.
pub fn personnel_count() -> Vec<u8> {
    key(PERSONNEL, &[b"count"])
}
/// The `n`th person's account.
pub fn personnel_at(n: u64) -> Vec<u8> {
    key(PERSONNEL, &[b"idx/", &n.to_be_bytes()])
}
