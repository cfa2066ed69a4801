//! Integrity challenges: the chain asks registered hardware, semi-randomly, to prove that it
//! still runs what it was approved to run.
//!
//! - A Hardware [template](crate::template::Template) carries [HardwareReference] values: the
//!   platform (Intel TDX or SGX, AMD SEV-SNP, NVIDIA Hopper SPDM, or a device key for hardware
//!   without a TEE) and the allow-lists its measurements must match. `approve_hardware` binds
//!   the hardware to such a template.
//! - During runs the chain posts a [Challenge] for Active hardware at semi-random times drawn
//!   from the block randomness, with a nonce derived from the chain ([challenge_nonce]) and a
//!   deadline. The device answers with [ChallengeEvidence] in its vendor's own format, with the
//!   nonce bound in; every validator verifies it offline (`aigov-attest`) at the block time.
//! - A failed or missed challenge suspends the hardware (its drip halts in the same block);
//!   [IntegrityParams::failures_to_revoke] failures revoke it. A Review vote
//!   (`approve_hardware`) reinstates suspended hardware.

use crate::codec::{BoundedBytes, BoundedString, BoundedVec, Hash};
use crate::crypto::{PrivateKey, Signature};
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// Largest evidence part (a DCAP quote, its collateral, an SPDM report or certificate chain)
/// the codec accepts; the transaction's own limit ([crate::tx::MAX_ATTESTED_TX_BYTES]) bounds
/// the whole answer.
pub const MAX_EVIDENCE_PART_BYTES: usize = 64 * 1024;
/// Most allowed values in one allow-list.
pub const MAX_ALLOWED: usize = 16;
/// Most NVIDIA measurement indexes a reference pins.
pub const MAX_NVIDIA_INDEXES: usize = 64;

/// Signature namespace of a device-key answer.
pub const DEVICE_EVIDENCE_NAMESPACE: &[u8] = b"_AIGOV_INTEGRITY_DEVICE_EVIDENCE";

/// The nonce of challenge `id` to hardware `hardware`, from the block randomness: no one
/// knows it before the block that posts the challenge, so evidence cannot be prepared ahead.
pub fn challenge_nonce(randomness: &Hash, hardware: u64, id: u64) -> Hash {
    Hash::digest(&[
        b"aigov/integrity-nonce/v1",
        &randomness.0,
        &hardware.to_be_bytes(),
        &id.to_be_bytes(),
    ])
}

/// What a device key signs to answer a challenge without a TEE: the nonce and the
/// measurement of what it runs.
pub fn device_evidence_message(nonce: &Hash, measurement: &Hash) -> Vec<u8> {
    let mut m = Vec::with_capacity(64);
    m.extend_from_slice(&nonce.0);
    m.extend_from_slice(&measurement.0);
    m
}

/// An allow-list of measurement values. `any` must be chosen on purpose: an empty list
/// accepts nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Allow {
    /// Accept any value (still recorded). Must not be combined with `values`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub any: bool,
    /// The allowed values (hex).
    #[serde(default, skip_serializing_if = "BoundedVec::is_empty")]
    pub values: BoundedVec<BoundedBytes<64>, MAX_ALLOWED>,
}
codec_struct!(Allow { any, values });

/// Intel's TCB status of a DCAP-attested platform (platform and QE merged).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntelTcbStatus {
    /// Patched to the latest TCB level.
    UpToDate,
    /// Configuration changes needed.
    ConfigurationNeeded,
    /// Software hardening needed.
    SwHardeningNeeded,
    /// Both of the above.
    ConfigurationAndSwHardeningNeeded,
    /// Out of date.
    OutOfDate,
    /// Out of date, configuration needed.
    OutOfDateConfigurationNeeded,
    /// TDX 1.5: relaunch advised.
    TdRelaunchAdvised,
    /// Relaunch advised, configuration needed.
    TdRelaunchAdvisedConfigurationNeeded,
}
codec_unit_enum!(IntelTcbStatus {
    0 => UpToDate,
    1 => ConfigurationNeeded,
    2 => SwHardeningNeeded,
    3 => ConfigurationAndSwHardeningNeeded,
    4 => OutOfDate,
    5 => OutOfDateConfigurationNeeded,
    6 => TdRelaunchAdvised,
    7 => TdRelaunchAdvisedConfigurationNeeded,
});

/// Reference values of an Intel TDX trust domain.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TdxReference {
    /// TCB statuses accepted (`up_to_date` alone is the strict policy).
    pub allowed_tcb: BoundedVec<IntelTcbStatus, 8>,
    /// MRTD (48 bytes each).
    pub mrtd: Allow,
    /// RTMR0.
    pub rtmr0: Allow,
    /// RTMR1.
    pub rtmr1: Allow,
    /// RTMR2.
    pub rtmr2: Allow,
    /// RTMR3.
    pub rtmr3: Allow,
}
codec_struct!(TdxReference {
    allowed_tcb,
    mrtd,
    rtmr0,
    rtmr1,
    rtmr2,
    rtmr3
});

/// Reference values of an Intel SGX enclave.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SgxReference {
    /// TCB statuses accepted.
    pub allowed_tcb: BoundedVec<IntelTcbStatus, 8>,
    /// MRENCLAVE (32 bytes each).
    pub mrenclave: Allow,
    /// MRSIGNER (32 bytes each).
    pub mrsigner: Allow,
    /// Required ISV product id, if pinned.
    #[serde(default)]
    pub isv_prod_id: Option<u16>,
    /// Minimum ISV security version.
    #[serde(default)]
    pub min_isv_svn: u16,
}
codec_struct!(SgxReference {
    allowed_tcb,
    mrenclave,
    mrsigner,
    isv_prod_id,
    min_isv_svn
});

/// Reference values of an AMD SEV-SNP guest.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SnpReference {
    /// Launch measurement (48 bytes each).
    pub measurement: Allow,
    /// Minimum PSP bootloader SVN.
    #[serde(default)]
    pub min_bootloader: u8,
    /// Minimum PSP OS SVN.
    #[serde(default)]
    pub min_tee: u8,
    /// Minimum SNP firmware SVN.
    #[serde(default)]
    pub min_snp: u8,
    /// Minimum microcode patch level.
    #[serde(default)]
    pub min_microcode: u8,
    /// Minimum FMC SVN (Turin and later).
    #[serde(default)]
    pub min_fmc: Option<u8>,
    /// Minimum guest SVN.
    #[serde(default)]
    pub min_guest_svn: u32,
    /// Required VMPL, if pinned.
    #[serde(default)]
    pub vmpl: Option<u32>,
    /// Accept a guest whose policy allows debugging.
    #[serde(default)]
    pub allow_debug: bool,
    /// Accept a guest whose policy allows a migration agent.
    #[serde(default)]
    pub allow_migration_agent: bool,
}
codec_struct!(SnpReference {
    measurement,
    min_bootloader,
    min_tee,
    min_snp,
    min_microcode,
    min_fmc,
    min_guest_svn,
    vmpl,
    allow_debug,
    allow_migration_agent
});

/// One NVIDIA SPDM measurement index and its allowed values.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NvidiaIndex {
    /// The measurement block index (1-based).
    pub index: u8,
    /// Allowed values.
    pub allowed: BoundedVec<BoundedBytes<64>, MAX_ALLOWED>,
}
codec_struct!(NvidiaIndex { index, allowed });

/// Reference values of an NVIDIA Hopper GPU.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NvidiaReference {
    /// Indexes pinned; indexes not listed are reported but not checked.
    pub measurements: BoundedVec<NvidiaIndex, MAX_NVIDIA_INDEXES>,
}
codec_struct!(NvidiaReference { measurements });

/// Reference values of hardware without a TEE: its registered device key signs the nonce and
/// the measurement of its software stack. Weaker than vendor evidence (nothing but the key
/// vouches for the measurement); a Safety vote decides which hardware templates accept it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeviceKeyReference {
    /// Allowed measurements (32 bytes each).
    pub measurements: Allow,
}
codec_struct!(DeviceKeyReference { measurements });

/// A Hardware template's reference values, per platform.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HardwareReference {
    /// Intel TDX.
    Tdx(TdxReference),
    /// Intel SGX.
    Sgx(SgxReference),
    /// AMD SEV-SNP.
    SevSnp(SnpReference),
    /// NVIDIA Hopper SPDM.
    NvidiaSpdm(NvidiaReference),
    /// A device key, no TEE.
    DeviceKey(DeviceKeyReference),
}
codec_enum!(HardwareReference {
    0 => Tdx(TdxReference),
    1 => Sgx(SgxReference),
    2 => SevSnp(SnpReference),
    3 => NvidiaSpdm(NvidiaReference),
    4 => DeviceKey(DeviceKeyReference),
});

impl HardwareReference {
    /// The platform's name, as in JSON.
    pub fn platform(&self) -> &'static str {
        match self {
            HardwareReference::Tdx(_) => "tdx",
            HardwareReference::Sgx(_) => "sgx",
            HardwareReference::SevSnp(_) => "sev_snp",
            HardwareReference::NvidiaSpdm(_) => "nvidia_spdm",
            HardwareReference::DeviceKey(_) => "device_key",
        }
    }

    /// Structural checks (done when the template is proposed): an allow-list is `any` or
    /// values, never both; measurement lengths fit the platform; NVIDIA indexes are distinct.
    pub fn validate(&self) -> Result<(), String> {
        fn allow(name: &str, a: &Allow, len: usize) -> Result<(), String> {
            if a.any && !a.values.is_empty() {
                return Err(format!("{name}: `any` and `values` are exclusive"));
            }
            if let Some(v) = a.values.iter().find(|v| v.len() != len) {
                return Err(format!(
                    "{name}: values are {len} bytes, one is {} bytes",
                    v.len()
                ));
            }
            Ok(())
        }
        match self {
            HardwareReference::Tdx(r) => {
                for (n, a) in [
                    ("mrtd", &r.mrtd),
                    ("rtmr0", &r.rtmr0),
                    ("rtmr1", &r.rtmr1),
                    ("rtmr2", &r.rtmr2),
                    ("rtmr3", &r.rtmr3),
                ] {
                    allow(n, a, 48)?;
                }
            }
            HardwareReference::Sgx(r) => {
                allow("mrenclave", &r.mrenclave, 32)?;
                allow("mrsigner", &r.mrsigner, 32)?;
            }
            HardwareReference::SevSnp(r) => allow("measurement", &r.measurement, 48)?,
            HardwareReference::NvidiaSpdm(r) => {
                let mut seen = std::collections::BTreeSet::new();
                for m in r.measurements.iter() {
                    if !seen.insert(m.index) {
                        return Err(format!("nvidia index {} is listed twice", m.index));
                    }
                }
            }
            HardwareReference::DeviceKey(r) => allow("measurements", &r.measurements, 32)?,
        }
        Ok(())
    }
}

/// An Intel DCAP quote and the collateral it is verified against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteEvidence {
    /// The raw quote.
    pub quote: BoundedBytes<MAX_EVIDENCE_PART_BYTES>,
    /// `dcap-qvl`'s collateral JSON.
    pub collateral: BoundedBytes<MAX_EVIDENCE_PART_BYTES>,
}
codec_struct!(QuoteEvidence { quote, collateral });

/// An AMD SEV-SNP report and its VCEK certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnpEvidence {
    /// The raw report (1184 bytes).
    pub report: BoundedBytes<2048>,
    /// The VCEK certificate, DER.
    pub vcek: BoundedBytes<16384>,
}
codec_struct!(SnpEvidence { report, vcek });

/// An NVIDIA SPDM measurement report and the GPU's certificate chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpdmEvidence {
    /// GET_MEASUREMENTS request followed by the response.
    pub report: BoundedBytes<MAX_EVIDENCE_PART_BYTES>,
    /// The certificate chain, PEM, leaf first.
    pub cert_chain: BoundedBytes<MAX_EVIDENCE_PART_BYTES>,
}
codec_struct!(SpdmEvidence { report, cert_chain });

/// A device-key answer: the measurement and the device key's signature over
/// [device_evidence_message].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKeyEvidence {
    /// What the device runs.
    pub measurement: Hash,
    /// Over `DEVICE_EVIDENCE_NAMESPACE`, the nonce and the measurement.
    pub signature: Signature,
}
codec_struct!(DeviceKeyEvidence {
    measurement,
    signature
});

/// Evidence answering a challenge, in the vendors' own formats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeEvidence {
    /// Intel TDX.
    Tdx(QuoteEvidence),
    /// Intel SGX.
    Sgx(QuoteEvidence),
    /// AMD SEV-SNP.
    SevSnp(SnpEvidence),
    /// NVIDIA Hopper.
    NvidiaSpdm(SpdmEvidence),
    /// A device key.
    DeviceKey(DeviceKeyEvidence),
}
codec_enum!(ChallengeEvidence {
    0 => Tdx(QuoteEvidence),
    1 => Sgx(QuoteEvidence),
    2 => SevSnp(SnpEvidence),
    3 => NvidiaSpdm(SpdmEvidence),
    4 => DeviceKey(DeviceKeyEvidence),
});

impl ChallengeEvidence {
    /// Device-key evidence: `device` signs `nonce` and `measurement` (hardware without a TEE).
    pub fn device_key(device: &PrivateKey, nonce: &Hash, measurement: Hash) -> Self {
        ChallengeEvidence::DeviceKey(DeviceKeyEvidence {
            measurement,
            signature: device.sign(
                DEVICE_EVIDENCE_NAMESPACE,
                &device_evidence_message(nonce, &measurement),
            ),
        })
    }

    /// The platform's name, as in [HardwareReference::platform].
    pub fn platform(&self) -> &'static str {
        match self {
            ChallengeEvidence::Tdx(_) => "tdx",
            ChallengeEvidence::Sgx(_) => "sgx",
            ChallengeEvidence::SevSnp(_) => "sev_snp",
            ChallengeEvidence::NvidiaSpdm(_) => "nvidia_spdm",
            ChallengeEvidence::DeviceKey(_) => "device_key",
        }
    }
}

/// Where a challenge stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChallengeStatus {
    /// Waiting for the device's evidence.
    Open,
    /// Answered with evidence that verified.
    Passed,
    /// Answered with evidence that did not verify.
    Failed,
    /// Not answered before its deadline.
    Missed,
}
codec_unit_enum!(ChallengeStatus { 0 => Open, 1 => Passed, 2 => Failed, 3 => Missed });

/// An integrity challenge to one hardware.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// Sequential id, from 1.
    pub id: u64,
    /// The hardware challenged.
    pub hardware: u64,
    /// The nonce the evidence must bind ([challenge_nonce]).
    pub nonce: Hash,
    /// The Hardware template whose reference values apply.
    pub template: u64,
    /// Height of the block that posted it.
    pub issued_height: u64,
    /// Block time it was posted (ms).
    pub issued_ms: u64,
    /// Block time by which it must be answered (ms).
    pub deadline_ms: u64,
    /// Where it stands.
    pub status: ChallengeStatus,
    /// Height of the answer or of the deadline passing (0 while Open).
    pub closed_height: u64,
    /// Digest of the evidence answered (zero if none).
    pub evidence_digest: Hash,
    /// Why it failed (empty unless Failed or Missed).
    pub reason: BoundedString<256>,
}
codec_struct!(Challenge {
    id,
    hardware,
    nonce,
    template,
    issued_height,
    issued_ms,
    deadline_ms,
    status,
    closed_height,
    evidence_digest,
    reason
});

/// `hardware.answer_challenge`: the device (signing with its device key) answers a challenge.
/// Evidence that does not verify is recorded (the challenge Failed), not refused: a device
/// that sends bad evidence has answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerChallenge {
    /// The challenge.
    pub challenge: u64,
    /// The evidence.
    pub evidence: ChallengeEvidence,
    /// Seal state and landmarks' round trips, as the template's physical policy asks.
    #[serde(default)]
    pub physical: crate::physical::PhysicalEvidence,
}
codec_struct!(AnswerChallenge {
    challenge,
    evidence,
    physical
});

/// Parameters of integrity challenges (part of [crate::hardware::ComputeParams]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct IntegrityParams {
    /// Least time from a passed challenge to the hardware's next (it is then "armed").
    pub interval_ms: u64,
    /// Mean wait of armed hardware for its challenge: each block challenges armed hardware
    /// at random, at this rate, so no one can tell when the next comes.
    pub mean_wait_ms: u64,
    /// Time the device has to answer.
    pub deadline_ms: u64,
    /// Failed or missed challenges (since the hardware's last approval from Pending) that
    /// revoke it; fewer suspend it.
    pub failures_to_revoke: u32,
}
codec_struct!(IntegrityParams {
    interval_ms,
    mean_wait_ms,
    deadline_ms,
    failures_to_revoke
});

impl Default for IntegrityParams {
    fn default() -> Self {
        Self {
            // About four challenges a day per device, at unpredictable times.
            interval_ms: 3 * 3_600_000,
            mean_wait_ms: 3 * 3_600_000,
            // Long enough for a quote and a round trip to the chain.
            deadline_ms: 10 * 60_000,
            failures_to_revoke: 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Encode, decode_slice};

    #[test]
    fn reference_roundtrips_and_validates() {
        let r = HardwareReference::DeviceKey(DeviceKeyReference {
            measurements: Allow {
                any: false,
                values: BoundedVec::new(vec![BoundedBytes::new(vec![1; 32]).unwrap()]).unwrap(),
            },
        });
        assert_eq!(decode_slice::<HardwareReference>(&r.encode()).unwrap(), r);
        assert!(r.validate().is_ok());
        let bad = HardwareReference::DeviceKey(DeviceKeyReference {
            measurements: Allow {
                any: true,
                values: BoundedVec::new(vec![BoundedBytes::new(vec![1; 31]).unwrap()]).unwrap(),
            },
        });
        assert!(bad.validate().unwrap_err().contains("exclusive"));
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<HardwareReference>(&json).unwrap(), r);
    }

    /// Every prefix of an answer, an answer with a byte too many, an unknown evidence tag and a
    /// part over its bound are decode errors, never a panic or a shorter answer.
    #[test]
    fn hostile_answer_encodings_do_not_decode() {
        let device = PrivateKey::from_seed_bytes([7; 32]);
        let answers = [
            AnswerChallenge {
                challenge: 3,
                evidence: ChallengeEvidence::device_key(&device, &Hash([1; 32]), Hash([2; 32])),
                physical: Default::default(),
            },
            AnswerChallenge {
                challenge: u64::MAX,
                evidence: ChallengeEvidence::Tdx(QuoteEvidence {
                    quote: BoundedBytes::new(vec![0xab; 300]).unwrap(),
                    collateral: BoundedBytes::new(b"{}".to_vec()).unwrap(),
                }),
                physical: Default::default(),
            },
            AnswerChallenge {
                challenge: 1,
                evidence: ChallengeEvidence::SevSnp(SnpEvidence {
                    report: BoundedBytes::new(vec![1; 1184]).unwrap(),
                    vcek: BoundedBytes::new(vec![2; 10]).unwrap(),
                }),
                physical: Default::default(),
            },
        ];
        for answer in &answers {
            let bytes = answer.encode();
            assert_eq!(&decode_slice::<AnswerChallenge>(&bytes).unwrap(), answer);
            for cut in 0..bytes.len() {
                assert!(
                    decode_slice::<AnswerChallenge>(&bytes[..cut]).is_err(),
                    "{cut}"
                );
            }
            let mut longer = bytes.to_vec();
            longer.push(0);
            assert!(decode_slice::<AnswerChallenge>(&longer).is_err());
        }
        // The evidence tag follows the challenge id (eight bytes).
        let mut unknown = answers[0].encode().to_vec();
        assert_eq!(unknown[8], 4, "the device-key tag");
        unknown[8] = 5;
        assert!(decode_slice::<AnswerChallenge>(&unknown).is_err());
        // An SEV-SNP report part over its 2 KiB bound: the length alone refuses it.
        let mut oversized = 1u64.encode().to_vec();
        oversized.push(2);
        oversized.extend(BoundedBytes::<4096>::new(vec![0; 3000]).unwrap().encode());
        oversized.extend(BoundedBytes::<16>::default().encode());
        assert!(decode_slice::<AnswerChallenge>(&oversized).is_err());
    }

    #[test]
    fn nonces_differ_per_hardware_and_id() {
        let r = Hash::digest(&[b"x"]);
        assert_ne!(challenge_nonce(&r, 1, 1), challenge_nonce(&r, 2, 1));
        assert_ne!(challenge_nonce(&r, 1, 1), challenge_nonce(&r, 1, 2));
    }
}
