//! One-time-key (OTK) permits: the chain's licences for compute, after offline chip licensing
//! (Petrie 2024; RAND's hardware-enabled mechanisms). A permit is a state entry, provable to a
//! light client, bound to one device key, carrying a ration of compute units, a validity window
//! and a `seq` strictly increasing per device, so the device refuses replays and never computes
//! without a valid, unexpired, in-order permit.

use crate::crypto::PublicKey;
use crate::model::Phase;
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// Where a permit stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PermitStatus {
    /// Issued; the device may compute with it (in `seq` order, within its window).
    Issued,
    /// Its device reported its usage: it is spent.
    Reported,
    /// Revoked by a halt (hardware no longer Active, model revoked, run halted or completed):
    /// the device must stop using it. Its usage may still be reported, which returns the
    /// unused part of its ration to the budgets.
    Revoked,
}
codec_unit_enum!(PermitStatus { 0 => Issued, 1 => Reported, 2 => Revoked });

/// An OTK permit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtkPermit {
    /// Global id, from 1.
    pub otk_id: u64,
    /// The run it serves.
    pub run: u64,
    /// The run's stage when issued.
    pub stage: u16,
    /// The run's workload.
    pub workload: u64,
    /// The workload's model.
    pub model: u64,
    /// The hardware.
    pub hardware: u64,
    /// The device key it is bound to.
    pub device: PublicKey,
    /// The phase the compute is allowed for.
    pub phase: Phase,
    /// Compute units it allows.
    pub ration: u64,
    /// Valid from (block time of issuance, ms).
    pub not_before_ms: u64,
    /// Valid until (ms).
    pub expiry_ms: u64,
    /// Strictly increasing per device.
    pub seq: u64,
    /// Where it stands.
    pub status: PermitStatus,
    /// Units reported used (once Reported).
    pub used: u64,
    /// Height of issuance.
    pub issued_height: u64,
}
codec_struct!(OtkPermit {
    otk_id,
    run,
    stage,
    workload,
    model,
    hardware,
    device,
    phase,
    ration,
    not_before_ms,
    expiry_ms,
    seq,
    status,
    used,
    issued_height
});

/// `otk.report_usage`: the device (its key is the sender) reports what it used of a permit;
/// the drip then issues the next. `stage_done` says the run's current stage is finished (the
/// last stage completes the run). The device's account pays (its operator buys its credits).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportUsage {
    /// The permit.
    pub otk_id: u64,
    /// Units used (at most its ration).
    pub used: u64,
    /// The run's current stage is done.
    pub stage_done: bool,
    /// What the device measured over the permit's interval; phase detection checks it
    /// against the workload's declared phase.
    #[serde(default)]
    pub telemetry: Option<crate::phase::Telemetry>,
}
codec_struct!(ReportUsage {
    otk_id,
    used,
    stage_done,
    telemetry
});

/// Calls of the OTK issuer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OtkCall {
    /// `otk.report_usage`.
    ReportUsage(ReportUsage),
}
codec_enum!(OtkCall {
    0 => ReportUsage(ReportUsage),
});
