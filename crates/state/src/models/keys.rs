//! Keys of the model registry.
use crate::keys::{MODELS, key};
use aigov_types::Hash;

/// Number of models (their ids run from 1).
pub fn count() -> Vec<u8> {
    key(MODELS, &[b"count"])
}
/// Model `id`.
pub fn model(id: u64) -> Vec<u8> {
    key(MODELS, &[b"id/", &id.to_be_bytes()])
}
/// The model with a container ID (provable presence or absence for verifiers).
pub fn container(id: &Hash) -> Vec<u8> {
    key(MODELS, &[b"container/", &id.0])
}
