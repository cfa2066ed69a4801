//! Workloads and runs: the compute a model's owner asks for, split into runs on named
//! registered hardware, each run made of stages (so that hardware can be phase-locked stage by
//! stage). Runs receive compute only through OTK permits ([crate::otk]).

use crate::codec::{BoundedVec, Slug};
use crate::crypto::PublicKey;
use crate::model::Phase;
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// The most permits a run has outstanding (issued, not yet reported): the one in use and one
/// queued ahead, so the run never waits on the chain's latency.
pub const OUTSTANDING_MAX: usize = 2;
/// The most stages a run declares.
pub const STAGES_MAX: u16 = 1_024;

/// A workload: a model, a declared phase and a total budget, executed as runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    /// Sequential id, from 1.
    pub id: u64,
    /// The model it computes on.
    pub model: u64,
    /// The model's owner.
    pub owner: Slug,
    /// The declared phase (permits carry it; phase detection checks it).
    pub phase: Phase,
    /// Total budget over all its runs, compute units.
    pub budget: u64,
    /// Compute committed against it.
    pub committed: u64,
    /// Runs started.
    pub runs: u32,
    /// Who created it.
    pub created_by: PublicKey,
    /// Height of creation.
    pub created_height: u64,
}
codec_struct!(Workload {
    id,
    model,
    owner,
    phase,
    budget,
    committed,
    runs,
    created_by,
    created_height
});

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Served by the drip while every condition holds.
    Running,
    /// Stopped for good (see its halt reason).
    Halted,
    /// Its device reported its last stage done.
    Completed,
}
codec_unit_enum!(RunStatus { 0 => Running, 1 => Halted, 2 => Completed });

/// Why a run was halted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HaltReason {
    /// An Emergency vote halted it.
    Emergency,
    /// Phase detection found the compute does not match the declared phase.
    PhaseMismatch,
    /// A safeguard failed at or above the cancel severity.
    FailedSafeguard,
    /// An integrity attestation of its hardware failed.
    FailedAttestation,
    /// Its model was revoked.
    ModelRevoked,
}
codec_unit_enum!(HaltReason {
    0 => Emergency,
    1 => PhaseMismatch,
    2 => FailedSafeguard,
    3 => FailedAttestation,
    4 => ModelRevoked,
});

impl HaltReason {
    /// The reason's name, as in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            HaltReason::Emergency => "emergency",
            HaltReason::PhaseMismatch => "phase_mismatch",
            HaltReason::FailedSafeguard => "failed_safeguard",
            HaltReason::FailedAttestation => "failed_attestation",
            HaltReason::ModelRevoked => "model_revoked",
        }
    }
}

impl std::str::FromStr for HaltReason {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        [
            HaltReason::Emergency,
            HaltReason::PhaseMismatch,
            HaltReason::FailedSafeguard,
            HaltReason::FailedAttestation,
            HaltReason::ModelRevoked,
        ]
        .into_iter()
        .find(|r| r.name() == norm)
        .ok_or_else(|| format!("unknown halt reason {s:?}; expected emergency, phase_mismatch, failed_safeguard or failed_attestation"))
    }
}

/// A run: part of a workload on one named hardware, with its own budget, made of stages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    /// Sequential id, from 1.
    pub id: u64,
    /// Its workload.
    pub workload: u64,
    /// The workload's model.
    pub model: u64,
    /// The hardware it runs on.
    pub hardware: u64,
    /// The workload's phase.
    pub phase: Phase,
    /// Its budget, compute units.
    pub budget: u64,
    /// Compute committed against it: rations of outstanding (and revoked, unreported) permits
    /// plus what reports said was used.
    pub committed: u64,
    /// Compute its device reported used.
    pub used: u64,
    /// Declared stages (1..=[STAGES_MAX]).
    pub stages: u16,
    /// The current stage (0-based).
    pub stage: u16,
    /// Where it stands.
    pub status: RunStatus,
    /// Why it was halted.
    pub halt: Option<HaltReason>,
    /// Permits issued and not yet reported (oldest first), at most [OUTSTANDING_MAX].
    pub outstanding: BoundedVec<u64, OUTSTANDING_MAX>,
    /// Permits issued so far.
    pub permits: u64,
    /// Who started it.
    pub started_by: PublicKey,
    /// Height it started at.
    pub started_height: u64,
}
codec_struct!(Run {
    id,
    workload,
    model,
    hardware,
    phase,
    budget,
    committed,
    used,
    stages,
    stage,
    status,
    halt,
    outstanding,
    permits,
    started_by,
    started_height
});

/// `workload.create`: Active personnel of the model's owner create a workload. The sender pays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateWorkload {
    /// The model.
    pub model: u64,
    /// Declared phase: a training phase needs an Approved (or Training) model; inference
    /// needs a Certified one.
    pub phase: Phase,
    /// Total budget, compute units (at least 1).
    pub budget: u64,
}
codec_struct!(CreateWorkload {
    model,
    phase,
    budget
});

/// `workload.start_run`: Active personnel of the model's owner start a run of a workload on
/// Active hardware. The drip serves it from the end of the block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartRun {
    /// The workload.
    pub workload: u64,
    /// The hardware.
    pub hardware: u64,
    /// The run's budget, compute units (at least 1).
    pub budget: u64,
    /// Its stages (1..=[STAGES_MAX]).
    pub stages: u16,
}
codec_struct!(StartRun {
    workload,
    hardware,
    budget,
    stages
});

/// Calls of the workloads module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkloadCall {
    /// `workload.create`.
    Create(CreateWorkload),
    /// `workload.start_run`.
    StartRun(StartRun),
}
codec_enum!(WorkloadCall {
    0 => Create(CreateWorkload),
    1 => StartRun(StartRun),
});

/// Proposal action (Emergency): halt a run for good; its outstanding permits are revoked in
/// the same block.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct HaltRun {
    /// The run.
    pub run: u64,
    /// Why.
    pub reason: HaltReason,
}
codec_struct!(HaltRun { run, reason });
