//! Keys of the workloads module.
use crate::keys::{WORKLOADS, key};

/// Number of workloads (their ids run from 1).
pub fn count() -> Vec<u8> {
    key(WORKLOADS, &[b"count"])
}
/// Workload `id`.
pub fn workload(id: u64) -> Vec<u8> {
    key(WORKLOADS, &[b"id/", &id.to_be_bytes()])
}
/// Number of runs (their ids run from 1).
pub fn run_count() -> Vec<u8> {
    key(WORKLOADS, &[b"runs"])
}
/// Run `id`.
pub fn run(id: u64) -> Vec<u8> {
    key(WORKLOADS, &[b"run/", &id.to_be_bytes()])
}
/// Number of runs of model `model`.
pub fn model_run_count(model: u64) -> Vec<u8> {
    key(WORKLOADS, &[b"mruns/", &model.to_be_bytes()])
}
/// The `n`th run of model `model`.
pub fn model_run_at(model: u64, n: u64) -> Vec<u8> {
    key(
        WORKLOADS,
        &[b"mrun/", &model.to_be_bytes(), &n.to_be_bytes()],
    )
}
