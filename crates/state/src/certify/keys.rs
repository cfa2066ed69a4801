//! Keys of certification: runners, model declarations, reports, the certified list, retries.
use crate::keys::{CERTIFY, key};
use aigov_types::{Hash, PublicKey};

/// Runner `key`.
pub fn runner(k: &PublicKey) -> Vec<u8> {
    key(CERTIFY, &[b"runner/", k.as_bytes()])
}
/// Certification record of model `id`.
pub fn model(id: u64) -> Vec<u8> {
    key(CERTIFY, &[b"model/", &id.to_be_bytes()])
}
/// Number of reports (ids run from 1).
pub fn report_count() -> Vec<u8> {
    key(CERTIFY, &[b"rcount"])
}
/// Report `id`.
pub fn report(id: u64) -> Vec<u8> {
    key(CERTIFY, &[b"report/", &id.to_be_bytes()])
}
/// The report with digest `d` (a report is filed once).
pub fn digest(d: &Hash) -> Vec<u8> {
    key(CERTIFY, &[b"digest/", &d.0])
}
/// The ids of the models certified under some version, sorted (bounded).
pub fn certified() -> Vec<u8> {
    key(CERTIFY, &[b"certified"])
}
/// The retry grant of Rejected model `id`.
pub fn retry(id: u64) -> Vec<u8> {
    key(CERTIFY, &[b"retry/", &id.to_be_bytes()])
}
