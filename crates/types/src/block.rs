//! The chain's block: a header that consensus certifies, and the transactions it carries.
//!
//! The block digest is SHA-256 of the *header* alone; the header commits to the transactions
//! through `txs_root` (an RFC 6962 tree over the encoded transactions). A light-client proof
//! therefore carries a ~250-byte header, never a whole block. Likewise for the reshare
//! payload (a dealer log or the next epoch's `EpochInfo`, 0.8 to 77 KB): the block body carries
//! it and the header commits to it by `reshare_root`.

use crate::codec::{Buf, BufMut, CodecError, Encode, EncodeSize, Hash, Read, ReadExt, Write};
use crate::log;
use crate::reshare::{self, EpochInfo, Payload};
use bytes::Bytes;
use commonware_codec::{FixedSize, MaxEncodeSize, RangeCfg};
use commonware_consensus::{
    Block as ConsensusBlock, BoundedBlock, CertifiableBlock, Heightable,
    simplex::types::Context,
    types::{Epoch, Height, Round, View},
};
use commonware_cryptography::{
    Digest as _, Digestible, Hasher, Sha256,
    bls12381::primitives::variant::{MinSig, Variant},
    ed25519,
    sha256::Digest,
};
use commonware_glue::dkg::ReshareBlock;
use commonware_storage::mmr::Location;
use commonware_utils::range::NonEmptyRange;
use std::fmt;

/// The consensus context a block is proposed in (round, leader, parent view).
pub type Ctx = Context<Digest, ed25519::PublicKey>;

/// Most transactions in one block.
pub const MAX_BLOCK_TXS: usize = 4096;

/// Most bytes of (encoded) transactions in one block: as many as [MAX_BLOCK_TXS] transactions
/// of [crate::tx::MAX_TX_BYTES], whatever mix of sizes fills it.
pub const MAX_BLOCK_TX_BYTES: usize = MAX_BLOCK_TXS * crate::tx::MAX_TX_BYTES;

/// Upper bound of a varint length prefix.
const MAX_LEN_PREFIX: usize = 10;

/// What consensus certifies about a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The simplex context it was proposed in (required by marshal's `Deferred` wrapper).
    pub context: Ctx,
    /// Parent block digest.
    pub parent: Digest,
    /// Height (genesis is 0).
    pub height: Height,
    /// Block time, ms since the Unix epoch; strictly greater than the parent's.
    pub time_ms: u64,
    /// RFC 6962 root over the encoded transactions.
    pub txs_root: Hash,
    /// Number of transactions.
    pub tx_count: u32,
    /// SHA-256 of the encoded reshare payload the block carries ([Block::reshare]), if any.
    pub reshare_root: Option<Hash>,
    /// Canonical root of the QMDB `current::ordered` state after this block: what state
    /// proofs verify against.
    pub state_root: Digest,
    /// QMDB operations root and range: the state-sync target.
    pub ops_root: Digest,
    /// QMDB operation range `[sync boundary, tip)`.
    pub range: NonEmptyRange<Location>,
    /// The consensus's threshold-VRF seed of the parent's round ([Header::seed_round]): the
    /// group's BLS signature over that round, recovered from the parent's certificate. No
    /// validator can bias or predict it before the parent is notarized, and every verifier
    /// checks it against the group key before executing. `None` only when the parent is the
    /// genesis block (view zero has no certificate).
    pub seed: Option<SeedSignature>,
}

impl Write for Header {
    fn write(&self, buf: &mut impl BufMut) {
        self.context.write(buf);
        self.parent.write(buf);
        self.height.write(buf);
        self.time_ms.write(buf);
        self.txs_root.write(buf);
        self.tx_count.write(buf);
        self.reshare_root.write(buf);
        self.state_root.write(buf);
        self.ops_root.write(buf);
        self.range.write(buf);
        self.seed.write(buf);
    }
}
impl EncodeSize for Header {
    fn encode_size(&self) -> usize {
        self.context.encode_size()
            + self.parent.encode_size()
            + self.height.encode_size()
            + self.time_ms.encode_size()
            + self.txs_root.encode_size()
            + self.tx_count.encode_size()
            + self.reshare_root.encode_size()
            + self.state_root.encode_size()
            + self.ops_root.encode_size()
            + self.range.encode_size()
            + self.seed.encode_size()
    }
}
impl Read for Header {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        Ok(Self {
            context: Ctx::read(buf)?,
            parent: Digest::read(buf)?,
            height: Height::read(buf)?,
            time_ms: u64::read(buf)?,
            txs_root: Hash::read(buf)?,
            tx_count: u32::read(buf)?,
            reshare_root: Option::<Hash>::read(buf)?,
            state_root: Digest::read(buf)?,
            ops_root: Digest::read(buf)?,
            range: NonEmptyRange::read(buf)?,
            seed: Option::<SeedSignature>::read(buf)?,
        })
    }
}
impl MaxEncodeSize for Header {
    const MAX_ENCODE_SIZE: usize = Ctx::MAX_ENCODE_SIZE
        + Digest::SIZE
        + Height::MAX_ENCODE_SIZE
        + 8
        + 32
        + 4
        + 1
        + 32
        + 2 * Digest::SIZE
        + NonEmptyRange::<Location>::MAX_ENCODE_SIZE
        + 1
        + SeedSignature::SIZE;
}

impl Header {
    /// The block digest: SHA-256 of the header's encoding.
    pub fn digest(&self) -> Digest {
        Sha256::hash(&[&self.encode()])
    }

    /// The round whose seed [Header::seed] must be: the parent's view in this block's epoch,
    /// or `None` when the parent is genesis (view zero).
    pub fn seed_round(&self) -> Option<Round> {
        seed_round(&self.context)
    }

    /// The block's consensus randomness: SHA-256 of a domain tag and the seed signature, or
    /// zero when the block carries no seed. What the state machine draws from
    /// (`aigov_state::BlockContext::seed`).
    pub fn randomness(&self) -> Hash {
        Self::randomness_of(self.seed.as_ref())
    }

    /// [Header::randomness] of a header carrying `seed`.
    pub fn randomness_of(seed: Option<&SeedSignature>) -> Hash {
        match seed {
            Some(sig) => Hash::digest(&[b"aigov/consensus-seed/v1", &sig.encode()]),
            None => Hash::default(),
        }
    }
}

/// The round whose seed a block proposed in `context` carries: its parent's view in its own
/// epoch, or `None` when the parent is genesis (view zero, no certificate).
pub fn seed_round(context: &Ctx) -> Option<Round> {
    let parent_view = context.parent.0;
    (parent_view != View::zero()).then(|| Round::new(context.round.epoch(), parent_view))
}

/// A threshold-VRF seed: the group's BLS12-381 (MinSig, G1) signature over a round.
pub type SeedSignature = <MinSig as Variant>::Signature;

/// A block: header plus the encoded signed transactions it orders, and the reshare payload
/// the `glue::dkg` wrapper selected for it.
#[derive(Clone, PartialEq, Eq)]
pub struct Block {
    /// The certified header.
    pub header: Header,
    /// Encoded [crate::SignedTx]s, in execution order.
    pub txs: Vec<Bytes>,
    /// The reshare payload: a dealer log, or the next epoch's `EpochInfo` in an epoch's final
    /// block (and epoch 0's in genesis). The header's `reshare_root` commits to it.
    pub reshare: Option<Payload>,
}

// By hand: the payload has no `Debug`, so it shows as its kind and epoch.
impl fmt::Debug for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Block")
            .field("header", &self.header)
            .field("txs", &self.txs)
            .field("reshare", &self.reshare.as_ref().map(reshare::describe))
            .finish()
    }
}

/// RFC 6962 root over encoded transactions.
pub fn txs_root(txs: &[Bytes]) -> Hash {
    let leaves: Vec<Hash> = txs.iter().map(|t| log::leaf_hash(t)).collect();
    log::root(&leaves)
}

impl Write for Block {
    fn write(&self, buf: &mut impl BufMut) {
        self.header.write(buf);
        self.txs.write(buf);
        self.reshare.write(buf);
    }
}
impl EncodeSize for Block {
    fn encode_size(&self) -> usize {
        self.header.encode_size() + self.txs.encode_size() + self.reshare.encode_size()
    }
}
impl Read for Block {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        let header = Header::read(buf)?;
        let count: RangeCfg<usize> = (..=MAX_BLOCK_TXS).into();
        let size: RangeCfg<usize> = (..=crate::tx::MAX_ATTESTED_TX_BYTES).into();
        let txs = Vec::<Bytes>::read_cfg(buf, &(count, size))?;
        if txs.iter().map(Bytes::len).sum::<usize>() > MAX_BLOCK_TX_BYTES {
            return Err(CodecError::Invalid(
                "Block",
                "transactions exceed the block's bytes",
            ));
        }
        // A block whose header does not commit to its transactions does not exist.
        if txs.len() != header.tx_count as usize || txs_root(&txs) != header.txs_root {
            return Err(CodecError::Invalid(
                "Block",
                "transactions do not match header",
            ));
        }
        let reshare = Option::<Payload>::read_cfg(buf, &reshare::codec_cfg())?;
        // Nor does one whose header does not commit to its payload.
        if reshare.as_ref().map(reshare::payload_root) != header.reshare_root {
            return Err(CodecError::Invalid(
                "Block",
                "reshare payload does not match header",
            ));
        }
        Ok(Self {
            header,
            txs,
            reshare,
        })
    }
}

impl Digestible for Block {
    type Digest = Digest;
    fn digest(&self) -> Digest {
        self.header.digest()
    }
}
impl Heightable for Block {
    fn height(&self) -> Height {
        self.header.height
    }
}
impl ConsensusBlock for Block {
    fn parent(&self) -> Digest {
        self.header.parent
    }
}
impl CertifiableBlock for Block {
    type Context = Ctx;
    fn context(&self) -> Ctx {
        self.header.context.clone()
    }
}
impl BoundedBlock for Block {
    fn max_encode_size(_: &()) -> usize {
        Header::MAX_ENCODE_SIZE
            + MAX_LEN_PREFIX
            + MAX_BLOCK_TXS * MAX_LEN_PREFIX
            + MAX_BLOCK_TX_BYTES
            + 1
            + Payload::max_encode_size(reshare::MAX_DKG_PARTICIPANTS)
    }
}

impl ReshareBlock for Block {
    type Variant = MinSig;
    type PublicKey = ed25519::PublicKey;
    type Directory = reshare::Directory;
    fn payload(&self) -> Option<Payload> {
        self.reshare.clone()
    }
}

impl Block {
    /// The height-zero block. Never executed: its commitments are those of an empty database.
    /// Its time is the genesis time, so block 1 is later than genesis. It carries the epoch-0
    /// `EpochInfo` (`info0`, from [crate::Genesis::epoch0]), where resharing starts.
    pub fn genesis(
        time_ms: u64,
        ops_root: Digest,
        range: NonEmptyRange<Location>,
        info0: EpochInfo,
    ) -> Self {
        let reshare = Payload::EpochInfo(info0);
        let header = Header {
            context: Context {
                round: Round::new(Epoch::zero(), View::zero()),
                leader: genesis_leader(),
                parent: (View::zero(), Digest::EMPTY),
            },
            parent: Digest::EMPTY,
            height: Height::zero(),
            time_ms,
            txs_root: txs_root(&[]),
            tx_count: 0,
            reshare_root: Some(reshare::payload_root(&reshare)),
            state_root: Digest::EMPTY,
            ops_root,
            range,
            seed: None,
        };
        Self {
            header,
            txs: Vec::new(),
            reshare: Some(reshare),
        }
    }
}

/// A fixed placeholder leader for the genesis block (which no one proposes).
fn genesis_leader() -> ed25519::PublicKey {
    use commonware_cryptography::Signer as _;
    ed25519::PrivateKey::from_seed(0).public_key()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::decode_slice;

    fn genesis_block() -> Block {
        let range = commonware_utils::non_empty_range!(Location::new(0), Location::new(1));
        Block::genesis(1, Digest::EMPTY, range, reshare::tests::info(4))
    }

    /// The genesis block carries epoch 0's `EpochInfo`, committed to by its header, and
    /// round-trips; a body whose payload differs from the header's commitment does not decode.
    #[test]
    fn the_header_commits_to_the_reshare_payload() {
        let block = genesis_block();
        assert!(matches!(block.payload(), Some(Payload::EpochInfo(ref i)) if i.epoch.get() == 0));
        let bytes = block.encode();
        assert!(bytes.len() <= Block::max_encode_size(&()));
        assert_eq!(decode_slice::<Block>(&bytes).unwrap(), block);
        assert!(format!("{block:?}").contains("EpochInfo(0, Success)"));

        let mut dropped = block.clone();
        dropped.reshare = None;
        assert!(decode_slice::<Block>(&dropped.encode()).is_err());
        let mut uncommitted = block.clone();
        uncommitted.header.reshare_root = None;
        assert!(decode_slice::<Block>(&uncommitted.encode()).is_err());
        let mut other = block;
        other.header.reshare_root = Some(Hash::digest(&[b"other"]));
        assert!(decode_slice::<Block>(&other.encode()).is_err());
    }
}
