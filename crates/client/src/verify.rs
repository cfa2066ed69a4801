//! Light-client verification of [StateProof]s with nothing but the consensus group key.
//!
//! A proof is accepted only if every link holds:
//! 1. the header and the finalization decode (bounded, no trailing bytes);
//! 2. the finalization certifies exactly this header (`proposal.payload == header.digest()`) in
//!    the round the header says it was proposed in;
//! 3. the finalization's threshold signature verifies against the [GroupIdentity] under
//!    [CONSENSUS_NAMESPACE];
//! 4. the QMDB proof ties the key's value (or its absence) to the header's state root.
//!
//! Nothing here trusts the node that served the proof, and no input panics: every failure is a
//! [ProofError] that says which link broke.

use aigov_types::api::StateResponse;
use aigov_types::block::Header;
use aigov_types::codec::{Encode, Hash};
use aigov_types::genesis::Genesis;
use aigov_types::proof::{
    BlockFinalization, CONSENSUS_NAMESPACE, ExclusionProof, KeyValueProof, MAX_PROOF_DIGESTS,
    StateEncoding, StateProof, decode_group_polynomial, state_key,
};
use commonware_codec::{Copying, Decode as _, DecodeExt as _};
use commonware_consensus::Viewable as _;
use commonware_consensus::simplex::scheme::Namespace as SimplexNamespace;
use commonware_cryptography::{
    Sha256,
    bls12381::primitives::{
        group::G2,
        ops,
        variant::{MinSig, Variant},
    },
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The consensus group public key (BLS12-381 MinSig, a 96-byte compressed G2 point): the only
/// thing a light client trusts. It is the constant term of the group's public polynomial and
/// stays the same across reshares.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct GroupIdentity(<MinSig as Variant>::Public);

/// Why bytes or text are not a [GroupIdentity].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// The text is not hex.
    #[error("group key is not hex: {0}")]
    NotHex(String),
    /// The bytes are not a valid compressed G2 point in the prime-order subgroup.
    #[error("group key is not a 96-byte BLS12-381 G2 point: {0}")]
    BadPoint(String),
    /// The bytes are not an encoded group polynomial.
    #[error("group polynomial does not decode: {0}")]
    BadPolynomial(String),
}

impl GroupIdentity {
    /// Length of the encoded key.
    pub const SIZE: usize = 96;

    /// Parses the 96-byte compressed point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, IdentityError> {
        G2::decode(Copying(bytes))
            .map(Self)
            .map_err(|e| IdentityError::BadPoint(e.to_string()))
    }

    /// Parses 192 hex digits (an optional `0x` prefix and surrounding whitespace are accepted).
    pub fn from_hex(s: &str) -> Result<Self, IdentityError> {
        let s = s.trim();
        let bytes = hex::decode(s.strip_prefix("0x").unwrap_or(s))
            .map_err(|e| IdentityError::NotHex(e.to_string()))?;
        Self::from_bytes(&bytes)
    }

    /// The identity of the group whose public polynomial is `bytes` (the genesis field
    /// `group_polynomial`, decoded with [aigov_types::proof::decode_group_polynomial]): the
    /// polynomial's constant term.
    pub fn from_polynomial_bytes(bytes: &[u8]) -> Result<Self, IdentityError> {
        decode_group_polynomial(bytes)
            .map(|p| Self(*p.public()))
            .map_err(|e| IdentityError::BadPolynomial(e.to_string()))
    }

    /// The identity recorded in a genesis document.
    pub fn from_genesis(genesis: &Genesis) -> Result<Self, IdentityError> {
        Self::from_polynomial_bytes(genesis.group_polynomial.as_slice())
    }

    /// Wraps a commonware group key.
    pub fn from_public(public: <MinSig as Variant>::Public) -> Self {
        Self(public)
    }

    /// The commonware group key.
    pub fn public(&self) -> &<MinSig as Variant>::Public {
        &self.0
    }

    /// The 96-byte compressed point.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.encode().to_vec()
    }

    /// 192 lower-case hex digits.
    pub fn to_hex(&self) -> String {
        hex::encode(self.to_bytes())
    }
}

impl fmt::Display for GroupIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}
impl fmt::Debug for GroupIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GroupIdentity({})", self.to_hex())
    }
}
impl std::str::FromStr for GroupIdentity {
    type Err = IdentityError;
    fn from_str(s: &str) -> Result<Self, IdentityError> {
        Self::from_hex(s)
    }
}
impl Serialize for GroupIdentity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}
impl<'de> Deserialize<'de> for GroupIdentity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// What a verified proof establishes: in the finalized block `block_digest` at `height`, whose
/// state root is `state_root`, `key` held `value` (`None`: held nothing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedState {
    /// Height of the finalized block.
    pub height: u64,
    /// Its digest (SHA-256 of the encoded header), the payload the certificate signs.
    pub block_digest: Hash,
    /// Its state root, the QMDB root the state proof verifies against.
    pub state_root: Hash,
    /// Its block time, ms since the Unix epoch.
    pub time_ms: u64,
    /// The logical state key.
    #[serde(with = "hex_bytes")]
    pub key: Vec<u8>,
    /// The encoded value, or `None` when the key is proven absent.
    #[serde(with = "hex_opt_bytes")]
    pub value: Option<Vec<u8>>,
}

impl VerifiedState {
    /// Decodes the proven value as `T` (its canonical encoding); `Ok(None)` when absent.
    pub fn decode_value<T: commonware_codec::Read<Cfg = ()>>(
        &self,
    ) -> Result<Option<T>, ProofError> {
        self.value
            .as_deref()
            .map(|v| {
                aigov_types::codec::decode_slice::<T>(v)
                    .map_err(|e| ProofError::UndecodableValue(e.to_string()))
            })
            .transpose()
    }
}

/// Why a [StateProof] was rejected. Each variant names the link that broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The embedded block header is not a canonical header encoding.
    #[error("the proof's block header does not decode: {0}")]
    UndecodableHeader(String),
    /// The embedded finalization is not a canonical finalization encoding (including a
    /// signature that is not a valid curve point).
    #[error("the proof's finalization certificate does not decode: {0}")]
    UndecodableFinalization(String),
    /// The embedded QMDB proof does not decode.
    #[error("the proof's QMDB {kind} proof does not decode: {reason}")]
    UndecodableStateProof {
        /// `key-value` or `exclusion`.
        kind: &'static str,
        /// The decoder's complaint.
        reason: String,
    },
    /// The finalization certifies a different block than the header in the proof.
    #[error(
        "the finalization certifies block {certified}, but the proof's header has digest {header}"
    )]
    WrongPayload {
        /// The payload the certificate signs.
        certified: Hash,
        /// The digest of the proof's header.
        header: Hash,
    },
    /// The finalization's round is not one in which this header could have been finalized.
    #[error(
        "the finalization is for epoch {cert_epoch} view {cert_view} (parent view {cert_parent}), \
         but the header was proposed in epoch {header_epoch} view {header_view} (parent view {header_parent})"
    )]
    RoundMismatch {
        /// Epoch of the certified proposal.
        cert_epoch: u64,
        /// View of the certified proposal.
        cert_view: u64,
        /// Parent view of the certified proposal.
        cert_parent: u64,
        /// Epoch in the header's consensus context.
        header_epoch: u64,
        /// View in the header's consensus context.
        header_view: u64,
        /// Parent view in the header's consensus context.
        header_parent: u64,
    },
    /// The threshold signature does not verify against the trusted group key.
    #[error(
        "the finalization certificate of block {block} (height {height}, view {view}) does not verify \
         against group key {identity}: it was not signed by this chain's validators"
    )]
    BadCertificate {
        /// Digest of the block.
        block: Hash,
        /// Its height.
        height: u64,
        /// The certified view.
        view: u64,
        /// The trusted group key, hex.
        identity: String,
    },
    /// The QMDB proof does not tie the key's claimed value (or absence) to the state root.
    #[error(
        "the state proof does not show that key 0x{key} {claim} under state root {state_root} \
         (height {height})"
    )]
    BadStateProof {
        /// The logical key, hex.
        key: String,
        /// `holds the given value` or `is absent`.
        claim: &'static str,
        /// The header's state root.
        state_root: Hash,
        /// The header's height.
        height: u64,
    },
    /// A proven value does not decode as the expected type.
    #[error("the proven value does not decode as the expected type: {0}")]
    UndecodableValue(String),
    /// An API response asked to be checked carries no proof.
    #[error("the response carries no proof; ask for one with prove=true")]
    MissingProof,
    /// An API response says something other than what its proof proves.
    #[error("the response does not match its proof: {0}")]
    ResponseMismatch(String),
}

/// Verifies `proof` against the trusted group key `identity` and returns what it proves.
pub fn verify_state_proof(
    proof: &StateProof,
    identity: &GroupIdentity,
) -> Result<VerifiedState, ProofError> {
    // 1. Decode the header and the finalization.
    let header: Header = aigov_types::codec::decode_slice(proof.header.as_slice())
        .map_err(|e| ProofError::UndecodableHeader(e.to_string()))?;
    let finalization = BlockFinalization::decode(Copying(proof.finalization.as_slice()))
        .map_err(|e| ProofError::UndecodableFinalization(e.to_string()))?;
    // The signature is decoded lazily; a point off the curve is a malformed certificate.
    let Some(signature) = finalization.certificate.get() else {
        return Err(ProofError::UndecodableFinalization(
            "the threshold signature is not a valid BLS12-381 point pair".into(),
        ));
    };

    // 2. The certificate must be about this header.
    let digest = header.digest();
    if finalization.proposal.payload != digest {
        return Err(ProofError::WrongPayload {
            certified: Hash::from_digest(&finalization.proposal.payload),
            header: Hash::from_digest(&digest),
        });
    }
    check_round(&header, &finalization)?;

    // 3. The group must have signed the finalize vote for this proposal. The certificate also
    //    carries the round's seed signature (the VRF randomness); a state proof does not use
    //    the seed, so only the vote signature is checked: one pairing check and one
    //    hash-to-curve instead of a randomised batch of two.
    let namespace = SimplexNamespace::new(CONSENSUS_NAMESPACE);
    let signed = ops::verify_message::<MinSig>(
        &identity.0,
        &namespace.finalize,
        &finalization.proposal.encode(),
        &signature.vote_signature,
    );
    if signed.is_err() {
        return Err(ProofError::BadCertificate {
            block: Hash::from_digest(&digest),
            height: header.height.get(),
            view: finalization.view().get(),
            identity: identity.to_hex(),
        });
    }

    // 4. The QMDB proof must tie the key's value (or absence) to the certified state root.
    let key = state_key(proof.key.as_slice());
    let root = &header.state_root;
    let (verified, claim) =
        match &proof.value {
            Some(value) => {
                let cfg = (MAX_PROOF_DIGESTS, ());
                let p = KeyValueProof::decode_cfg(Copying(proof.proof.as_slice()), &cfg).map_err(
                    |e| ProofError::UndecodableStateProof {
                        kind: "key-value",
                        reason: e.to_string(),
                    },
                )?;
                (
                    p.verify::<Sha256, StateEncoding>(key, value.clone(), root),
                    "holds the given value",
                )
            }
            None => {
                let cfg = (MAX_PROOF_DIGESTS, ((), ()), ());
                let p = ExclusionProof::decode_cfg(Copying(proof.proof.as_slice()), &cfg).map_err(
                    |e| ProofError::UndecodableStateProof {
                        kind: "exclusion",
                        reason: e.to_string(),
                    },
                )?;
                (p.verify::<Sha256>(&key, root), "is absent")
            }
        };
    if !verified {
        return Err(ProofError::BadStateProof {
            key: hex::encode(proof.key.as_slice()),
            claim,
            state_root: Hash::from_digest(root),
            height: header.height.get(),
        });
    }

    Ok(VerifiedState {
        height: header.height.get(),
        block_digest: Hash::from_digest(&digest),
        state_root: Hash::from_digest(root),
        time_ms: header.time_ms,
        key: proof.key.as_slice().to_vec(),
        value: proof.value.as_ref().map(|v| v.as_slice().to_vec()),
    })
}

/// The header records the consensus context it was proposed in; the certificate must be for
/// that round (same epoch and view, same parent view), or, for a block re-proposed at an epoch
/// boundary, a later view of the same epoch.
fn check_round(header: &Header, finalization: &BlockFinalization) -> Result<(), ProofError> {
    let cert = &finalization.proposal;
    let ctx = &header.context;
    let same_epoch = cert.round.epoch() == ctx.round.epoch();
    let ok = same_epoch
        && (cert.round.view() > ctx.round.view()
            || (cert.round.view() == ctx.round.view() && cert.parent == ctx.parent.0));
    if ok {
        return Ok(());
    }
    Err(ProofError::RoundMismatch {
        cert_epoch: cert.round.epoch().get(),
        cert_view: cert.round.view().get(),
        cert_parent: cert.parent.get(),
        header_epoch: ctx.round.epoch().get(),
        header_view: ctx.round.view().get(),
        header_parent: ctx.parent.0.get(),
    })
}

/// Verifies the proof inside an API state response and checks that the response says what the
/// proof proves: the same height and key, and a value whose canonical encoding is the proven
/// value (or no value where absence is proven).
pub fn verify_state_response<T: Encode>(
    response: &StateResponse<T>,
    identity: &GroupIdentity,
) -> Result<VerifiedState, ProofError> {
    let proof = response.proof.as_ref().ok_or(ProofError::MissingProof)?;
    let verified = verify_state_proof(proof, identity)?;
    if !response
        .key
        .trim_start_matches("0x")
        .eq_ignore_ascii_case(&hex::encode(&verified.key))
    {
        return Err(ProofError::ResponseMismatch(format!(
            "response key 0x{} but the proof is for key 0x{}",
            response.key,
            hex::encode(&verified.key)
        )));
    }
    if response.height != verified.height {
        return Err(ProofError::ResponseMismatch(format!(
            "response is for height {} but the proof is for height {}",
            response.height, verified.height
        )));
    }
    let claimed = response.value.as_ref().map(|v| v.encode().to_vec());
    if claimed != verified.value {
        return Err(ProofError::ResponseMismatch(
            match (&claimed, &verified.value) {
                (Some(_), None) => "the response shows a value but the proof proves absence".into(),
                (None, Some(_)) => "the response shows no value but the proof proves one".into(),
                _ => "the response's value differs from the proven value".into(),
            },
        ));
    }
    Ok(verified)
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        hex::decode(s.trim_start_matches("0x")).map_err(serde::de::Error::custom)
    }
}

mod hex_opt_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_some(&hex::encode(v)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|s| hex::decode(s.trim_start_matches("0x")).map_err(serde::de::Error::custom))
            .transpose()
    }
}
