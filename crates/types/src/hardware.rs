//! The hardware registry: datacenter accelerators bound to a device key, physically inspected
//! by registered inspectors, approved with per-phase budgets by a Review vote, and re-inspected
//! periodically.
//!
//! The **device key** (Ed25519) is what OTK permits are bound to (Petrie 2024's offline
//! licensing: a permit names one device, so a stolen permit is useless elsewhere). Registration
//! carries a proof of possession signed by the device key, so nobody can register, and collect
//! permits for, a key they do not hold.
//!
//! **Inspection records** are a standard signed format ([InspectionReport]): the filing
//! inspector signs the transaction, every co-inspector signs the record's digest, and the chain
//! verifies each co-signature, so a record names exactly the inspectors who vouched for it.

use crate::codec::{BoundedString, BoundedVec, Encode, Hash, Slug};
use crate::crypto::{PublicKey, Signature};
use crate::model::PhaseBudgets;
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// The most capabilities a hardware entry lists.
pub const CAPABILITIES_MAX: usize = 16;
/// The most co-inspectors one record carries (besides the filing inspector).
pub const COSIGNERS_MAX: usize = 16;
/// The most members one record lists as present.
pub const MEMBERS_PRESENT_MAX: usize = 16;
/// The most seal ids one record lists.
pub const SEALS_MAX: usize = 64;
/// The most evidence digests (photos, measurements) one record lists.
pub const EVIDENCE_MAX: usize = 64;
/// The most runs one hardware holds at once.
pub const RUNS_PER_HARDWARE_MAX: usize = 4;

/// Signature namespace of a device's proof of possession.
pub const DEVICE_POP_NAMESPACE: &[u8] = b"_AIGOV_DEVICE_POP";
/// Signature namespace of an inspector's co-signature over a record digest.
pub const INSPECTION_NAMESPACE: &[u8] = b"_AIGOV_INSPECTION";

/// What kind of accelerator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcceleratorKind {
    /// NVIDIA Hopper (H100/H200).
    NvidiaHopper,
    /// NVIDIA Blackwell (B100/B200/GB200).
    NvidiaBlackwell,
    /// AMD Instinct (MI300 family).
    AmdInstinct,
    /// Google TPU.
    GoogleTpu,
    /// Intel Gaudi.
    IntelGaudi,
    /// Anything else (described by its capabilities).
    Other,
}
codec_unit_enum!(AcceleratorKind {
    0 => NvidiaHopper,
    1 => NvidiaBlackwell,
    2 => AmdInstinct,
    3 => GoogleTpu,
    4 => IntelGaudi,
    5 => Other,
});

impl AcceleratorKind {
    /// Every kind.
    pub const ALL: [AcceleratorKind; 6] = [
        AcceleratorKind::NvidiaHopper,
        AcceleratorKind::NvidiaBlackwell,
        AcceleratorKind::AmdInstinct,
        AcceleratorKind::GoogleTpu,
        AcceleratorKind::IntelGaudi,
        AcceleratorKind::Other,
    ];
    /// The kind's name, as in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            AcceleratorKind::NvidiaHopper => "nvidia_hopper",
            AcceleratorKind::NvidiaBlackwell => "nvidia_blackwell",
            AcceleratorKind::AmdInstinct => "amd_instinct",
            AcceleratorKind::GoogleTpu => "google_tpu",
            AcceleratorKind::IntelGaudi => "intel_gaudi",
            AcceleratorKind::Other => "other",
        }
    }
}

impl std::str::FromStr for AcceleratorKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        AcceleratorKind::ALL
            .into_iter()
            .find(|k| k.name() == norm)
            .ok_or_else(|| {
                let names: Vec<_> = AcceleratorKind::ALL.iter().map(|k| k.name()).collect();
                format!(
                    "unknown accelerator {s:?}; expected one of {}",
                    names.join(", ")
                )
            })
    }
}

/// Where a hardware entry stands. Only `Active` hardware receives OTK permits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HardwareStatus {
    /// Registered (or re-inspected after revocation); waiting for an inspection and a Review
    /// vote.
    Pending,
    /// Approved with budgets; computes with the permits the chain issues.
    Active,
    /// Its periodic inspection fell due, or an inspection failed: its drip halts until a
    /// passing inspection is filed.
    InspectionDue,
    /// Revoked by a vote; a new inspection makes it Pending again, then a Review vote.
    Revoked,
    /// It failed or missed an integrity challenge: its drip halts until a Review vote
    /// (`approve_hardware`) reinstates it.
    Suspended,
}
codec_unit_enum!(HardwareStatus { 0 => Pending, 1 => Active, 2 => InspectionDue, 3 => Revoked, 4 => Suspended });

/// A registered accelerator (or node), bound to its device key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hardware {
    /// Sequential id, from 1.
    pub id: u64,
    /// The datacenter organisation operating it.
    pub operator: Slug,
    /// The device key OTK permits are bound to (unique on chain).
    pub device_key: PublicKey,
    /// What it is.
    pub accelerator: AcceleratorKind,
    /// Declared location / region (checked by inspections and, later, delay-based evidence).
    pub region: BoundedString<64>,
    /// Declared capabilities (e.g. `tdx`, `sev-snp`, `cc-mode`, `nvlink`).
    pub capabilities: BoundedVec<BoundedString<32>, CAPABILITIES_MAX>,
    /// Where it stands.
    pub status: HardwareStatus,
    /// Budgets approved by the Review vote, per phase, in compute units.
    pub budgets: PhaseBudgets,
    /// Compute committed against them (rations issued, minus what reports returned).
    pub committed: PhaseBudgets,
    /// The last inspection filed, if any.
    pub last_inspection: Option<u64>,
    /// Block time of the last passing inspection (0 if none).
    pub last_pass_ms: u64,
    /// Block time at which its next periodic inspection falls due (0 until approved).
    pub inspection_due_ms: u64,
    /// Height of the last status change (an approval needs an inspection filed at or after it).
    pub status_height: u64,
    /// The last permit `seq` issued to the device (0 if none): strictly increasing.
    pub seq: u64,
    /// Runs currently on it (Running), at most [RUNS_PER_HARDWARE_MAX].
    pub runs: BoundedVec<u64, RUNS_PER_HARDWARE_MAX>,
    /// Who registered it.
    pub registered_by: PublicKey,
    /// Height of registration.
    pub registered_height: u64,
    /// The Hardware template whose reference values its integrity evidence must match (0:
    /// none yet; set by `approve_hardware`).
    #[serde(default)]
    pub template: u64,
    /// The integrity challenge it must answer (0: none open).
    #[serde(default)]
    pub challenge: u64,
    /// Integrity challenges failed or missed since it was last approved from Pending.
    #[serde(default)]
    pub integrity_failures: u32,
}
codec_struct!(Hardware {
    id,
    operator,
    device_key,
    accelerator,
    region,
    capabilities,
    status,
    budgets,
    committed,
    last_inspection,
    last_pass_ms,
    inspection_due_ms,
    status_height,
    seq,
    runs,
    registered_by,
    registered_height,
    template,
    challenge,
    integrity_failures
});

/// What a device signs to prove it holds its key when it is registered: binds the key to this
/// chain (by genesis hash) and this operator.
pub fn device_pop_message(genesis: &Hash, operator: &Slug, device_key: &PublicKey) -> Hash {
    Hash::digest(&[
        b"aigov/device-pop/v1",
        &genesis.0,
        operator.as_str().as_bytes(),
        device_key.as_bytes(),
    ])
}

/// `hardware.register`: Active Hardware personnel of a datacenter register a device (Pending).
/// The sender pays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterHardware {
    /// The operator (the sender's organisation, a datacenter).
    pub operator: Slug,
    /// The device key.
    pub device_key: PublicKey,
    /// The device's signature (namespace [DEVICE_POP_NAMESPACE]) over [device_pop_message].
    pub proof: Signature,
    /// What it is.
    pub accelerator: AcceleratorKind,
    /// Declared region (non-empty).
    pub region: BoundedString<64>,
    /// Declared capabilities.
    pub capabilities: BoundedVec<BoundedString<32>, CAPABILITIES_MAX>,
}
codec_struct!(RegisterHardware {
    operator,
    device_key,
    proof,
    accelerator,
    region,
    capabilities
});

/// An inspection's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionResult {
    /// Seals intact, location and configuration as declared.
    Pass,
    /// Something is wrong (see the findings).
    Fail,
}
codec_unit_enum!(InspectionResult { 0 => Pass, 1 => Fail });

/// The standard inspection record: what every inspector signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionReport {
    /// The hardware inspected.
    pub hardware: u64,
    /// When the physical inspection took place (ms since the Unix epoch, as declared).
    pub inspected_ms: u64,
    /// Members whose representatives were present.
    pub members_present: BoundedVec<Slug, MEMBERS_PRESENT_MAX>,
    /// Digest of the findings document (kept off chain).
    pub findings: Hash,
    /// Ids of the seals checked or applied.
    pub seals: BoundedVec<BoundedString<64>, SEALS_MAX>,
    /// Digests of the evidence (photos, measurements, attestation dumps).
    pub evidence: BoundedVec<Hash, EVIDENCE_MAX>,
    /// The verdict.
    pub result: InspectionResult,
}
codec_struct!(InspectionReport {
    hardware,
    inspected_ms,
    members_present,
    findings,
    seals,
    evidence,
    result
});

impl InspectionReport {
    /// The record's digest on the chain with genesis hash `genesis`: what co-inspectors sign
    /// (namespace [INSPECTION_NAMESPACE]) and what the chain indexes to refuse a replay.
    pub fn digest(&self, genesis: &Hash) -> Hash {
        Hash::digest(&[b"aigov/inspection/v1", &genesis.0, &self.encode()])
    }
}

/// One co-inspector's signature over an [InspectionReport::digest].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cosignature {
    /// The inspector.
    pub inspector: PublicKey,
    /// The signature.
    pub signature: Signature,
}
codec_struct!(Cosignature {
    inspector,
    signature
});

/// `hardware.inspect`: an Active Inspector files a record, with the co-signatures of the other
/// inspectors. A duty: the pool pays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileInspection {
    /// The record.
    pub report: InspectionReport,
    /// Co-inspectors' signatures (distinct Active Inspectors, not the sender).
    pub cosigners: BoundedVec<Cosignature, COSIGNERS_MAX>,
}
codec_struct!(FileInspection { report, cosigners });

/// A filed inspection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// Sequential id, from 1.
    pub id: u64,
    /// The record's digest.
    pub digest: Hash,
    /// The record.
    pub report: InspectionReport,
    /// Every inspector who vouched for it: the filing inspector first, then the co-signers.
    pub inspectors: BoundedVec<PublicKey, { COSIGNERS_MAX + 1 }>,
    /// The distinct members of those inspectors.
    pub inspector_members: BoundedVec<Slug, { COSIGNERS_MAX + 1 }>,
    /// Height it was filed at.
    pub filed_height: u64,
    /// Block time it was filed at.
    pub filed_ms: u64,
}
codec_struct!(Inspection {
    id,
    digest,
    report,
    inspectors,
    inspector_members,
    filed_height,
    filed_ms
});

/// Calls of the hardware registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HardwareCall {
    /// `hardware.register`.
    Register(RegisterHardware),
    /// `hardware.inspect`.
    Inspect(FileInspection),
    /// `hardware.answer_challenge`.
    AnswerChallenge(crate::integrity::AnswerChallenge),
}
codec_enum!(HardwareCall {
    0 => Register(RegisterHardware),
    1 => Inspect(FileInspection),
    2 => AnswerChallenge(crate::integrity::AnswerChallenge),
});

/// Proposal action (Review): Pending → Active with approved per-phase budgets. Needs a passing
/// inspection filed since the hardware's last status change, by inspectors of at least
/// [ComputeParams::min_inspector_members] members. It also reinstates Suspended hardware (an
/// integrity failure, not a physical one: no new inspection is needed), and sets new budgets
/// or binds a new template for Active hardware (no new inspection either).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ApproveHardware {
    /// The hardware.
    pub hardware: u64,
    /// Its budgets per phase, in compute units.
    pub budgets: PhaseBudgets,
    /// An Approved Hardware template with reference values: integrity challenges check the
    /// hardware's evidence against it. 0: keep the one bound before (none: not challenged).
    #[serde(default)]
    pub template: u64,
}
codec_struct!(ApproveHardware {
    hardware,
    budgets,
    template
});

/// Proposal action (Review, Emergency): revoke hardware. Its outstanding permits are revoked in
/// the same block and its runs get no further permits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RevokeHardware {
    /// The hardware.
    pub hardware: u64,
    /// Why.
    pub reason: BoundedString<128>,
}
codec_struct!(RevokeHardware { hardware, reason });

/// Parameters of hardware inspections and of the OTK drip. Kept in state by the hardware
/// module (defaults until a System vote changes them), so no genesis format changes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ComputeParams {
    /// Time from a passing inspection to the next periodic one.
    pub inspection_interval_ms: u64,
    /// Distinct members the inspectors of an approving inspection must come from.
    pub min_inspector_members: u8,
    /// Smallest ration a permit carries (unless less budget remains), compute units.
    pub ration_min: u64,
    /// Largest ration a permit carries, compute units.
    pub ration_max: u64,
    /// How long a permit is valid after issuance.
    pub permit_lifetime_ms: u64,
    /// Most runs the drip serves per block (the rest wait in its queue for the next block).
    pub drip_per_block_max: u32,
    /// Inference permits (for Certified models) carry rations and lifetimes this many times
    /// larger: serving is steady and low-risk, so the chain meters it more coarsely.
    #[serde(default = "default_inference_scale")]
    pub inference_scale: u32,
    /// Phase detection's thresholds and the mismatch strengths that flag, halt or cancel.
    #[serde(default)]
    pub phase: crate::phase::PhaseParams,
    /// Integrity challenges: how often, how long to answer, how many failures revoke.
    #[serde(default)]
    pub integrity: crate::integrity::IntegrityParams,
}
codec_struct!(ComputeParams {
    inspection_interval_ms,
    min_inspector_members,
    ration_min,
    ration_max,
    permit_lifetime_ms,
    drip_per_block_max,
    inference_scale,
    phase,
    integrity
});

fn default_inference_scale() -> u32 {
    ComputeParams::default().inference_scale
}

impl Default for ComputeParams {
    fn default() -> Self {
        Self {
            // Twice a year.
            inspection_interval_ms: 182 * 24 * 3_600_000,
            min_inspector_members: 1,
            // 10^18 to 10^19 FLOP per permit: minutes of a node's compute.
            ration_min: 1_000,
            ration_max: 10_000,
            permit_lifetime_ms: 3_600_000,
            drip_per_block_max: 20_000,
            inference_scale: 10,
            phase: crate::phase::PhaseParams::default(),
            integrity: crate::integrity::IntegrityParams::default(),
        }
    }
}

/// Why [ComputeParams] are invalid.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ComputeParamsError {
    /// `ration_min` is zero or above `ration_max`.
    #[error("rations need 1 <= ration_min <= ration_max, got {min}..{max}")]
    Rations {
        /// Min.
        min: u64,
        /// Max.
        max: u64,
    },
    /// A duration is zero or beyond ten years.
    #[error("{0} must be between 1 ms and ten years")]
    Duration(&'static str),
    /// No inspector member required, or no run served per block.
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    /// Phase detection's thresholds contradict each other.
    #[error("phase detection: {0}")]
    Phase(&'static str),
}

impl ComputeParams {
    /// The ration bounds and permit lifetime of a permit for `phase`: inference ones are
    /// [Self::inference_scale] times larger (saturating).
    pub fn for_phase(&self, phase: crate::model::Phase) -> (u64, u64, u64) {
        let k = if phase.is_training() {
            1
        } else {
            u64::from(self.inference_scale)
        };
        (
            self.ration_min.saturating_mul(k),
            self.ration_max.saturating_mul(k),
            self.permit_lifetime_ms.saturating_mul(k),
        )
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), ComputeParamsError> {
        if self.ration_min == 0 || self.ration_min > self.ration_max {
            return Err(ComputeParamsError::Rations {
                min: self.ration_min,
                max: self.ration_max,
            });
        }
        let max = crate::governance::DURATION_MAX_MS;
        for (name, v) in [
            ("inspection_interval_ms", self.inspection_interval_ms),
            ("permit_lifetime_ms", self.permit_lifetime_ms),
            ("integrity.interval_ms", self.integrity.interval_ms),
            ("integrity.deadline_ms", self.integrity.deadline_ms),
            ("integrity.mean_wait_ms", self.integrity.mean_wait_ms),
        ] {
            if v == 0 || v > max {
                return Err(ComputeParamsError::Duration(name));
            }
        }
        if self.min_inspector_members == 0 {
            return Err(ComputeParamsError::Zero("min_inspector_members"));
        }
        if self.integrity.failures_to_revoke == 0 {
            return Err(ComputeParamsError::Zero("integrity.failures_to_revoke"));
        }
        if self.drip_per_block_max == 0 {
            return Err(ComputeParamsError::Zero("drip_per_block_max"));
        }
        if self.inference_scale == 0 {
            return Err(ComputeParamsError::Zero("inference_scale"));
        }
        self.phase.validate().map_err(ComputeParamsError::Phase)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::decode_slice;

    #[test]
    fn default_params_are_valid_and_bad_ones_are_named() {
        assert_eq!(ComputeParams::default().validate(), Ok(()));
        let bad = ComputeParams {
            ration_min: 5,
            ration_max: 4,
            ..Default::default()
        };
        assert!(matches!(
            bad.validate(),
            Err(ComputeParamsError::Rations { .. })
        ));
        let p = ComputeParams::default();
        assert_eq!(decode_slice::<ComputeParams>(&p.encode()).unwrap(), p);
        assert_eq!(
            "nvidia-hopper".parse::<AcceleratorKind>().unwrap(),
            AcceleratorKind::NvidiaHopper
        );
    }

    #[test]
    fn the_inspection_digest_binds_the_chain_and_every_field() {
        let r = InspectionReport {
            hardware: 1,
            inspected_ms: 5,
            members_present: BoundedVec::truncating(vec![]),
            findings: Hash::digest(&[b"f"]),
            seals: BoundedVec::truncating(vec![]),
            evidence: BoundedVec::truncating(vec![]),
            result: InspectionResult::Pass,
        };
        let g = Hash::digest(&[b"g"]);
        let mut failed = r.clone();
        failed.result = InspectionResult::Fail;
        assert_ne!(r.digest(&g), failed.digest(&g));
        assert_ne!(r.digest(&g), r.digest(&Hash::digest(&[b"other"])));
    }
}
