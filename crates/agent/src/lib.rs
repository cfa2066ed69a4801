//! aigov's hardware agent. It holds a device key, fetches the OTK permits the chain drips to
//! that key, verifies each one offline with its light-client proof against nothing but the
//! consensus group key, and lets the (modelled) workload compute only with units granted by
//! a valid, unexpired, in-order permit. It reports the units used, with telemetry of the
//! permit's phase, in a usage report signed by the device key; the chain then drips the next
//! permit.
//!
//! - [Verifier::check] is the acceptance decision, a pure function of the proof, the group
//!   key, the device key, the device clock and the last accepted `seq`; every way to fail is a
//!   [Refusal].
//! - [Meter] is the enforcement model: compute units exist only as grants of an accepted
//!   permit, within its ration and window.
//! - [Device] is one device's loop ([Device::tick]: fetch, verify, compute, report, answer
//!   the chain's integrity challenges with [Attestation] evidence), with its last accepted
//!   `seq` persisted in a state file so a restart never accepts a replay.
//! - [simulate] runs many devices in one process for load tests; [provision::provision]
//!   registers and approves devices on a development chain so they receive permits.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod challenge;
pub mod device;
pub mod landmark;
pub mod meter;
pub mod permit;
pub mod provision;
pub mod simulate;
pub mod state;

pub use challenge::Attestation;
pub use device::{AgentEvent, Device, DeviceConfig, Limits, Stats, run};
pub use meter::{Meter, StopReason, telemetry_for};
pub use permit::{Accepted, Refusal, Verifier};
pub use simulate::{Progress, SimOptions, Summary, simulate};
pub use state::{DeviceState, StateFile};

/// Why the agent cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The state file cannot be read or written.
    #[error("agent state file {path}: {reason}")]
    State {
        /// The file.
        path: String,
        /// What failed.
        reason: String,
    },
    /// The verifier's device key is not the signing key's public key.
    #[error("the verifier's device key is not the public key of the device's signing key")]
    KeyMismatch,
    /// A provisioning step failed (which step, and why).
    #[error("provisioning failed at {0}")]
    Provision(String),
    /// A simulation worker thread panicked.
    #[error("a simulation worker thread panicked")]
    WorkerPanicked,
}
