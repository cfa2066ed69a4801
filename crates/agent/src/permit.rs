//! Permit acceptance: a pure function of a light-client proof, the trusted group key, the
//! device's own key, its clock and the last `seq` it accepted. Nothing the node says outside
//! the proof is believed: the permit is decoded from the proven value.

use aigov_client::{GroupIdentity, ProofError, StateProof, VerifiedState, verify_state_proof};
use aigov_types::PublicKey;
use aigov_types::otk::{OtkPermit, PermitStatus};

/// How old (by its block time, against the device's clock) a proof may be before the device
/// asks for a fresher one: an old proof cannot show a revocation that came after it.
pub const DEFAULT_MAX_PROOF_AGE_MS: u64 = 60_000;

/// What a device trusts: the consensus group key, its own device key, and how fresh a proof
/// must be.
#[derive(Clone, Debug)]
pub struct Verifier {
    /// The chain's group key (from genesis or `--group-key`).
    pub identity: GroupIdentity,
    /// This device's public key: only permits bound to it are accepted.
    pub device: PublicKey,
    /// Largest age of a proof's block time, ms ([DEFAULT_MAX_PROOF_AGE_MS]).
    pub max_proof_age_ms: u64,
}

/// A permit that passed every check, with the block that proves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The permit, decoded from the proven value.
    pub permit: OtkPermit,
    /// Height of the finalized block the proof is against.
    pub height: u64,
    /// That block's time, ms.
    pub block_time_ms: u64,
}

/// Why a device refuses a permit. Each variant names the check that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The proof does not verify against the trusted group key (forged or tampered).
    #[error("forged: the proof does not verify against the trusted group key: {0}")]
    Forged(ProofError),
    /// The proof verifies, but for another state entry than permit `expected`.
    #[error("the proof is for another state entry (key 0x{key}), not permit {expected}")]
    WrongEntry {
        /// The permit asked for.
        expected: u64,
        /// The proven key, hex.
        key: String,
    },
    /// The proof shows that permit `0` does not exist.
    #[error("permit {0} does not exist (proven absent)")]
    Absent(u64),
    /// The permit is bound to another device's key.
    #[error("bound to another device ({permit_device}), not this one ({mine})")]
    OtherDevice {
        /// The key the permit is bound to.
        permit_device: Box<PublicKey>,
        /// This device's key.
        mine: Box<PublicKey>,
    },
    /// The permit is spent (`Reported`) or revoked by a halt.
    #[error("not usable: its status is {0:?}")]
    NotIssued(PermitStatus),
    /// Its `seq` is not above the last one this device accepted.
    #[error("replayed: seq {seq} is not above the last accepted seq {last_seq}")]
    Replayed {
        /// The permit's seq.
        seq: u64,
        /// The last seq this device accepted.
        last_seq: u64,
    },
    /// Its validity window ended.
    #[error("expired at {expiry_ms} ms (device clock {now_ms} ms)")]
    Expired {
        /// The permit's expiry.
        expiry_ms: u64,
        /// The device's clock.
        now_ms: u64,
    },
    /// Its validity window has not begun.
    #[error("not valid before {not_before_ms} ms (device clock {now_ms} ms)")]
    NotYetValid {
        /// The permit's start.
        not_before_ms: u64,
        /// The device's clock.
        now_ms: u64,
    },
    /// The proof is against a block older than the device allows.
    #[error(
        "stale proof: block time {block_time_ms} ms is more than {max_age_ms} ms before the device clock {now_ms} ms"
    )]
    StaleProof {
        /// The proven block's time.
        block_time_ms: u64,
        /// The device's clock.
        now_ms: u64,
        /// The largest age allowed.
        max_age_ms: u64,
    },
}

impl Refusal {
    /// Whether the permit can never become acceptable, so the device stops asking for it.
    /// A forged or stale proof may be followed by a genuine or fresher one; a permit not yet
    /// valid becomes valid; everything else is final.
    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            Refusal::Forged(_) | Refusal::StaleProof { .. } | Refusal::NotYetValid { .. }
        )
    }

    /// A short stable name (`forged`, `other_device`, `expired`, …) for logs and counters.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Forged(_) => "forged",
            Refusal::WrongEntry { .. } => "wrong_entry",
            Refusal::Absent(_) => "absent",
            Refusal::OtherDevice { .. } => "other_device",
            Refusal::NotIssued(_) => "not_issued",
            Refusal::Replayed { .. } => "replayed",
            Refusal::Expired { .. } => "expired",
            Refusal::NotYetValid { .. } => "not_yet_valid",
            Refusal::StaleProof { .. } => "stale_proof",
        }
    }
}

/// The state key of permit `otk_id` (what its proof must be about).
pub fn permit_key(otk_id: u64) -> Vec<u8> {
    aigov_state::otk::keys::permit(otk_id)
}

impl Verifier {
    /// A verifier for `device` trusting `identity`, with [DEFAULT_MAX_PROOF_AGE_MS].
    pub fn new(identity: GroupIdentity, device: PublicKey) -> Self {
        Self {
            identity,
            device,
            max_proof_age_ms: DEFAULT_MAX_PROOF_AGE_MS,
        }
    }

    /// Decides whether the device may compute with permit `otk_id`, proven by `proof`, at
    /// device time `now_ms`, having last accepted `last_seq` (`None`: never accepted one).
    ///
    /// In order: the proof verifies against the group key ([Refusal::Forged]); it is about
    /// permit `otk_id` ([Refusal::WrongEntry]) and proves a value ([Refusal::Absent]); the
    /// permit is bound to this device ([Refusal::OtherDevice]), `Issued`
    /// ([Refusal::NotIssued]), above `last_seq` ([Refusal::Replayed]), inside its window
    /// ([Refusal::Expired], [Refusal::NotYetValid]); and the proof is fresh
    /// ([Refusal::StaleProof]).
    pub fn check(
        &self,
        otk_id: u64,
        proof: &StateProof,
        now_ms: u64,
        last_seq: Option<u64>,
    ) -> Result<Accepted, Refusal> {
        let verified = verify_state_proof(proof, &self.identity).map_err(Refusal::Forged)?;
        let permit = self.decode(otk_id, &verified)?;
        if permit.device != self.device {
            return Err(Refusal::OtherDevice {
                permit_device: Box::new(permit.device),
                mine: Box::new(self.device.clone()),
            });
        }
        if permit.status != PermitStatus::Issued {
            return Err(Refusal::NotIssued(permit.status));
        }
        if let Some(last_seq) = last_seq
            && permit.seq <= last_seq
        {
            return Err(Refusal::Replayed {
                seq: permit.seq,
                last_seq,
            });
        }
        if now_ms >= permit.expiry_ms {
            return Err(Refusal::Expired {
                expiry_ms: permit.expiry_ms,
                now_ms,
            });
        }
        if now_ms < permit.not_before_ms {
            return Err(Refusal::NotYetValid {
                not_before_ms: permit.not_before_ms,
                now_ms,
            });
        }
        if now_ms.saturating_sub(verified.time_ms) > self.max_proof_age_ms {
            return Err(Refusal::StaleProof {
                block_time_ms: verified.time_ms,
                now_ms,
                max_age_ms: self.max_proof_age_ms,
            });
        }
        Ok(Accepted {
            permit,
            height: verified.height,
            block_time_ms: verified.time_ms,
        })
    }

    fn decode(&self, otk_id: u64, verified: &VerifiedState) -> Result<OtkPermit, Refusal> {
        if verified.key != permit_key(otk_id) {
            return Err(Refusal::WrongEntry {
                expected: otk_id,
                key: hex::encode(&verified.key),
            });
        }
        let permit = verified
            .decode_value::<OtkPermit>()
            .map_err(Refusal::Forged)?
            .ok_or(Refusal::Absent(otk_id))?;
        // The chain writes permit `n` under key `n`; anything else is not a permit it issued.
        if permit.otk_id != otk_id {
            return Err(Refusal::WrongEntry {
                expected: otk_id,
                key: hex::encode(&verified.key),
            });
        }
        Ok(permit)
    }
}
