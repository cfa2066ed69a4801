//! Keys of the template registry.
use crate::keys::{TEMPLATES, key};

/// Number of templates (their ids run from 1).
pub fn count() -> Vec<u8> {
    key(TEMPLATES, &[b"count"])
}
/// Template `id`.
pub fn template(id: u64) -> Vec<u8> {
    key(TEMPLATES, &[b"id/", &id.to_be_bytes()])
}
