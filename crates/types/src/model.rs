//! The model registry: models of AI labs, from registration (Pending) through the Review vote
//! that assigns their tier and per-phase compute budgets (Approved), training (Training), to
//! the output of a workload registered as a new Pending model with its provenance.
//!
//! Compute is counted in **compute units** of 10^15 FLOP (one PFLOP) everywhere (model,
//! hardware, workload and run budgets, OTK rations), so 10^25 FLOP is 10^10 units and every
//! budget fits a `u64` with room to spare.
//!
//! Certification, audits, templates and the secure vault belong to the templates / safety
//! standard work; [ModelStatus] already holds their statuses so that their arrival changes no
//! encoding.

use crate::codec::{BoundedString, Hash, Slug};
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// The phase of a model or of a workload: what kind of compute it is allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Pre-training: massive corpus, huge fleets, weeks to months.
    PreTrain,
    /// Post-training: fine-tuning, alignment, adapters.
    PostTrain,
    /// Inference: forward passes only.
    Inference,
}
codec_unit_enum!(Phase { 0 => PreTrain, 1 => PostTrain, 2 => Inference });

impl Phase {
    /// Every phase.
    pub const ALL: [Phase; 3] = [Phase::PreTrain, Phase::PostTrain, Phase::Inference];

    /// The phase's name, as in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Phase::PreTrain => "pre_train",
            Phase::PostTrain => "post_train",
            Phase::Inference => "inference",
        }
    }

    /// True for the phases that train (pre- and post-training).
    pub fn is_training(self) -> bool {
        self != Phase::Inference
    }
}

impl std::str::FromStr for Phase {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        Phase::ALL
            .into_iter()
            .find(|p| p.name() == norm || p.name().replace('_', "") == norm)
            .ok_or_else(|| {
                format!("unknown phase {s:?}; expected pre_train, post_train or inference")
            })
    }
}

/// Compute units per phase: a model's or a hardware's approved budgets, or what is committed
/// against them. Budgets are kept per phase because the seed votes them per phase and phase
/// gaming (inference compute used for training) is what phase-locking prevents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhaseBudgets {
    /// Pre-training units.
    pub pre_train: u64,
    /// Post-training units.
    pub post_train: u64,
    /// Inference units.
    pub inference: u64,
}
codec_struct!(PhaseBudgets {
    pre_train,
    post_train,
    inference
});

impl PhaseBudgets {
    /// The units of `phase`.
    pub fn get(&self, phase: Phase) -> u64 {
        match phase {
            Phase::PreTrain => self.pre_train,
            Phase::PostTrain => self.post_train,
            Phase::Inference => self.inference,
        }
    }
    /// The units of `phase`, mutably.
    pub fn get_mut(&mut self, phase: Phase) -> &mut u64 {
        match phase {
            Phase::PreTrain => &mut self.pre_train,
            Phase::PostTrain => &mut self.post_train,
            Phase::Inference => &mut self.inference,
        }
    }
    /// `self[phase] - used[phase]`, never below zero.
    pub fn remaining(&self, used: &PhaseBudgets, phase: Phase) -> u64 {
        self.get(phase).saturating_sub(used.get(phase))
    }
}

/// Narrow models are held to their domain; general models to capability limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// A narrow, domain-specific model.
    Narrow,
    /// A general-purpose model.
    General,
}
codec_unit_enum!(Scope { 0 => Narrow, 1 => General });

/// Where a model stands. The statuses after `Training` belong to certification (templates and
/// the safety standard); they exist now so that the encoding never changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelStatus {
    /// Registered; waiting for a Review vote.
    Pending,
    /// Approved by a Review vote with a tier and budgets: training workloads may start.
    Approved,
    /// A training run has started on it.
    Training,
    /// Passed post-safety (certification).
    Certified,
    /// Its certification must be renewed (standard changed, or a vote asked).
    RenewalDue,
    /// Failed post-safety.
    Rejected,
    /// Revoked by an Emergency vote (final).
    Revoked,
}
codec_unit_enum!(ModelStatus {
    0 => Pending,
    1 => Approved,
    2 => Training,
    3 => Certified,
    4 => RenewalDue,
    5 => Rejected,
    6 => Revoked,
});

impl ModelStatus {
    /// True while training compute may be issued for the model.
    pub fn may_train(self) -> bool {
        matches!(self, ModelStatus::Approved | ModelStatus::Training)
    }
}

/// Compute provenance of a model produced by a run: which run, from which checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Provenance {
    /// The completed run that produced it.
    pub run: u64,
    /// Container ID of the checkpoint the run started from (the parent's container ID when it
    /// started from the parent itself).
    pub starting_checkpoint: Hash,
}
codec_struct!(Provenance {
    run,
    starting_checkpoint
});

/// A registered model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Model {
    /// Sequential id, from 1.
    pub id: u64,
    /// The lab that owns it.
    pub owner: Slug,
    /// Its name.
    pub name: BoundedString<128>,
    /// Its declared purpose.
    pub purpose: BoundedString<256>,
    /// Narrow or general.
    pub scope: Scope,
    /// The phase it is registered at (an output of training is registered at `Inference`).
    pub phase: Phase,
    /// The model it derives from, if any.
    pub parent: Option<u64>,
    /// OpenSSF Model Signing container ID (`aigov model fingerprint`), unique on chain.
    pub container_id: Hash,
    /// Digest of its documentation (EU AI Act Annex XI / GPAI model documentation form).
    pub documentation: Hash,
    /// Planned training compute, in compute units (10^15 FLOP), recorded before training.
    pub planned_training_compute: u64,
    /// Tier assigned by the Review vote (`None` while Pending).
    pub tier: Option<u8>,
    /// Budgets assigned by the Review vote, per phase.
    pub budgets: PhaseBudgets,
    /// Compute committed against the budgets (rations issued, minus what reports returned).
    pub committed: PhaseBudgets,
    /// Where it stands.
    pub status: ModelStatus,
    /// Compute provenance, for the output of a run.
    pub provenance: Option<Provenance>,
    /// Who registered it.
    pub registered_by: crate::PublicKey,
    /// Height of registration.
    pub registered_height: u64,
}
codec_struct!(Model {
    id,
    owner,
    name,
    purpose,
    scope,
    phase,
    parent,
    container_id,
    documentation,
    planned_training_compute,
    tier,
    budgets,
    committed,
    status,
    provenance,
    registered_by,
    registered_height
});

/// `model.register`: Active personnel of the owner lab register a model (Pending). The sender
/// pays (labs buy credits for registrations).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterModel {
    /// The owner lab (the sender's organisation).
    pub owner: Slug,
    /// Name (non-empty).
    pub name: BoundedString<128>,
    /// Declared purpose (non-empty).
    pub purpose: BoundedString<256>,
    /// Narrow or general.
    pub scope: Scope,
    /// Phase at registration.
    pub phase: Phase,
    /// Parent model, if any (must exist and belong to the same lab).
    pub parent: Option<u64>,
    /// Container ID (not registered before).
    pub container_id: Hash,
    /// Documentation digest.
    pub documentation: Hash,
    /// Planned training compute, in compute units.
    pub planned_training_compute: u64,
    /// Provenance, when registering the output of a completed run of `parent`.
    pub provenance: Option<Provenance>,
}
codec_struct!(RegisterModel {
    owner,
    name,
    purpose,
    scope,
    phase,
    parent,
    container_id,
    documentation,
    planned_training_compute,
    provenance
});

/// Calls of the model registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelCall {
    /// `model.register`.
    Register(RegisterModel),
    /// `model.declare`: architecture template and documented facts, for certification.
    Declare(crate::template::DeclareModel),
    /// `model.register_retry`: the retry a Review vote allowed after a rejection.
    RegisterRetry(crate::template::RegisterRetry),
}
codec_enum!(ModelCall {
    0 => Register(RegisterModel),
    1 => Declare(crate::template::DeclareModel),
    2 => RegisterRetry(crate::template::RegisterRetry),
});

/// Proposal action (Review): approve a Pending model with a tier and per-phase budgets.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ApproveModel {
    /// The model.
    pub model: u64,
    /// Its tier, 1..=[crate::personnel::TIER_MAX].
    pub tier: u8,
    /// Its budgets per phase.
    pub budgets: PhaseBudgets,
}
codec_struct!(ApproveModel {
    model,
    tier,
    budgets
});

/// Proposal action (Emergency): revoke a model. Its runs get no further permits and their
/// outstanding permits are revoked.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RevokeModel {
    /// The model.
    pub model: u64,
    /// Why.
    pub reason: BoundedString<128>,
}
codec_struct!(RevokeModel { model, reason });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Encode, decode_slice};

    #[test]
    fn phases_parse_and_budgets_index_by_phase() {
        assert_eq!("pre-train".parse::<Phase>().unwrap(), Phase::PreTrain);
        assert_eq!("posttrain".parse::<Phase>().unwrap(), Phase::PostTrain);
        assert!("training".parse::<Phase>().is_err());
        let mut b = PhaseBudgets::default();
        *b.get_mut(Phase::Inference) = 7;
        assert_eq!(b.get(Phase::Inference), 7);
        assert_eq!(
            b.remaining(&PhaseBudgets { inference: 9, ..b }, Phase::Inference),
            0
        );
        assert_eq!(decode_slice::<PhaseBudgets>(&b.encode()).unwrap(), b);
        assert!(decode_slice::<ModelStatus>(&[7u8]).is_err());
    }
}
