//! The light-client proof: a state entry's value (or its absence), the QMDB proof to a block's
//! state root, that block's header, and the header's finalization certificate.
//!
//! `aigov-client` verifies it with nothing but the consensus group key: the certificate proves
//! the header was finalized, the header carries the state root, and the QMDB proof ties the
//! key's value (or absence) to that root.

use crate::block::Header;
use crate::codec::{BoundedBytes, Hash};
use crate::codec_struct;
use commonware_consensus::simplex::{scheme::bls12381_threshold::vrf, types::Finalization};
use commonware_consensus::types::Round;
use commonware_cryptography::{
    bls12381::primitives::{
        sharing::{ModeVersion, Sharing},
        variant::MinSig,
    },
    ed25519, sha256,
};
use commonware_storage::{
    mmr,
    qmdb::{any::value::VariableEncoding, current::ordered::proof::constant},
};

/// Signing namespace of consensus messages (votes and certificates). Light clients need it to
/// check a finalization certificate.
pub const CONSENSUS_NAMESPACE: &[u8] = b"_AIGOV_CONSENSUS";

/// Largest value stored under one state key.
pub const MAX_VALUE_BYTES: usize = 65536;
/// Largest logical state key.
pub const MAX_KEY_BYTES: usize = 256;
/// Bitmap chunk size of the state database (bytes), a QMDB `current` parameter.
pub const CHUNK_BYTES: usize = 32;
/// Most digests a decoded QMDB proof may carry.
pub const MAX_PROOF_DIGESTS: usize = 512;

/// The consensus signing scheme: BLS12-381 threshold certificates with a VRF, participants
/// identified by Ed25519 keys.
pub type Scheme = vrf::Scheme<ed25519::PublicKey, MinSig>;
/// A finalization certificate over a block digest.
pub type BlockFinalization = Finalization<Scheme, sha256::Digest>;

/// A state value as QMDB stores it.
pub type StateValue = BoundedBytes<MAX_VALUE_BYTES>;
/// QMDB's key: SHA-256 of the logical key (uniformly spread, fixed size).
pub type StateKey = sha256::Digest;
/// Value encoding of the state database.
pub type StateEncoding = VariableEncoding<StateValue>;
/// Proof that a key holds a value.
pub type KeyValueProof =
    constant::KeyValueProof<mmr::Family, StateKey, sha256::Digest, CHUNK_BYTES>;
/// Proof that a key holds no value.
pub type ExclusionProof =
    constant::ExclusionProof<mmr::Family, StateKey, StateEncoding, sha256::Digest, CHUNK_BYTES>;

/// Most participants of the consensus group: the decode bound of the group polynomial (the same
/// bound as genesis `validators`).
pub const MAX_VALIDATORS: u32 = 1024;

/// The consensus group's public polynomial (`feldman_desmedt::deal::<MinSig, _, N3f1>` with
/// `Mode::NonZeroCounter`, or a DKG's output). Its constant term, [Sharing::public], is the group
/// key that light clients trust.
pub type GroupPolynomial = Sharing<MinSig>;

/// Decodes the genesis `group_polynomial` bytes: the commonware encoding of a [GroupPolynomial]
/// for at most [MAX_VALIDATORS] participants, `ModeVersion::v0` (mode `NonZeroCounter`), with no
/// trailing bytes.
pub fn decode_group_polynomial(bytes: &[u8]) -> Result<GroupPolynomial, commonware_codec::Error> {
    use commonware_codec::Decode as _;
    let max = std::num::NonZeroU32::MIN.saturating_add(MAX_VALIDATORS - 1);
    let cfg = (max, ModeVersion::v0());
    GroupPolynomial::decode_cfg(commonware_codec::Copying(bytes), &cfg)
}

/// The QMDB key of a logical key.
pub fn state_key(logical: &[u8]) -> StateKey {
    Hash::digest(&[logical]).to_digest()
}

/// A light-client proof of one state entry. JSON with hex strings in files and over the API.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StateProof {
    /// The logical state key.
    pub key: BoundedBytes<MAX_KEY_BYTES>,
    /// Its encoded value, or `None` for a proof of absence.
    pub value: Option<StateValue>,
    /// The encoded QMDB proof ([KeyValueProof] or [ExclusionProof]).
    pub proof: BoundedBytes<65536>,
    /// The encoded block [Header] whose state root the proof is against.
    pub header: BoundedBytes<1024>,
    /// The encoded [BlockFinalization] of that header's digest.
    pub finalization: BoundedBytes<4096>,
}
codec_struct!(StateProof {
    key,
    value,
    proof,
    header,
    finalization
});

impl StateProof {
    /// Decodes the embedded header.
    pub fn decode_header(&self) -> Result<Header, commonware_codec::Error> {
        use commonware_codec::DecodeExt as _;
        Header::decode(self.header.as_slice().to_vec())
    }
}

/// Why a header's consensus seed is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    /// The parent is not genesis, so its certificate carries a seed the header must repeat.
    #[error("the header carries no seed, but its parent (view {0}) has one")]
    Missing(u64),
    /// The parent is genesis, whose view has no certificate and so no seed.
    #[error("the header carries a seed, but its parent is genesis")]
    Unexpected,
    /// The signature is not the group's over the parent's round.
    #[error("the header's seed is not the group's signature over round {0}")]
    Invalid(Round),
}

/// Checks a header's threshold-VRF seed ([Header::seed]) against the group key: present
/// exactly when the parent is not genesis, and then the group's signature over the parent's
/// round. The signature is unique per round (BLS), so a proposer has no choice of seed: what
/// it carries is what the parent's certificate recovered.
pub fn verify_header_seed(scheme: &Scheme, header: &Header) -> Result<(), SeedError> {
    match (header.seed_round(), &header.seed) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(SeedError::Unexpected),
        (Some(round), None) => Err(SeedError::Missing(round.view().get())),
        (Some(round), Some(sig)) => {
            if vrf::Seed::new(round, *sig).verify(scheme) {
                Ok(())
            } else {
                Err(SeedError::Invalid(round))
            }
        }
    }
}
