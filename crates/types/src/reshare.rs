//! Resharing the consensus key (issue 8): the types Commonware's `glue::dkg` puts in blocks and
//! genesis, fixed to aigov's choices (MinSig, Ed25519 identities, an address directory), their
//! codec limits, and the epoch arithmetic the state machine shares with the node.
//!
//! The limits here are consensus rules: every node must decode payloads with the same
//! [MAX_DKG_PARTICIPANTS] and [ModeVersion], so they are constants, and `blocks_per_epoch` is
//! fixed in genesis. Changing any of them needs a new chain.

use crate::codec::{CodecError, Encode, Hash};
use crate::genesis::Genesis;
use crate::validators::MAX_COMMITTEE;
use commonware_codec::Decode as _;
use commonware_cryptography::{
    bls12381::{
        dkg::feldman_desmedt::Output,
        primitives::{sharing::ModeVersion, variant::MinSig},
    },
    ed25519,
};
use commonware_glue::dkg::{network::Addresses, types};
use commonware_p2p::{Address, Ingress};
use commonware_utils::{Hostname, ordered::Set};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;

/// Most members of one committee (dealers, players or next players). It bounds the decoding
/// of every reshare payload, hence every block's size (a payload for 64 participants is about
/// 77 KB), which is why it is far below [crate::proof::MAX_VALIDATORS].
pub const MAX_DKG_PARTICIPANTS: NonZeroU32 = match NonZeroU32::new(MAX_COMMITTEE as u32) {
    Some(n) => n,
    None => NonZeroU32::MIN,
};

/// Fewest members a committee set by vote may have: below four, `3f + 1` tolerates no fault.
/// Genesis may have fewer (a one-validator dev chain).
pub const MIN_VOTED_VALIDATORS: usize = 4;

/// Shortest epoch: the snapshot of epoch 0 is taken at `blocks_per_epoch / 2 - 1`, which must
/// be an executed block (height ≥ 1), not genesis.
pub const MIN_BLOCKS_PER_EPOCH: u64 = 4;

/// Largest encoded epoch-0 [EpochInfo] genesis accepts (above
/// `EpochInfo::max_encode_size(MAX_DKG_PARTICIPANTS)`).
pub const MAX_EPOCH_INFO_BYTES: usize = 131_072;

/// The BLS variant of the consensus key.
pub type Variant = MinSig;
/// The reshare directory: each peer's p2p address, carried in every [EpochInfo].
pub type Directory = Addresses<ed25519::PublicKey>;
/// A ceremony's public output (the polynomial and who holds shares of it).
pub type DkgOutput = Output<Variant, ed25519::PublicKey>;
/// The public description of an epoch: outcome, output, players, next players, directory.
pub type EpochInfo = types::EpochInfo<Variant, ed25519::PublicKey, Directory>;
/// What a block may carry for resharing: a dealer log, or the next epoch's [EpochInfo] (in
/// an epoch's final block and in genesis).
pub type Payload = types::Payload<Variant, ed25519::PublicKey, Directory>;

/// The codec configuration of [Payload] and [EpochInfo]: [MAX_DKG_PARTICIPANTS] and mode
/// version 0 (`Mode::NonZeroCounter`, what `setup::deal` uses).
pub fn codec_cfg() -> (NonZeroU32, ModeVersion) {
    (MAX_DKG_PARTICIPANTS, ModeVersion::v0())
}

/// Decodes a whole byte slice as an [EpochInfo] (no trailing bytes).
pub fn decode_epoch_info(bytes: &[u8]) -> Result<EpochInfo, CodecError> {
    EpochInfo::decode_cfg(commonware_codec::Copying(bytes), &codec_cfg())
}

/// The header's commitment to a payload: SHA-256 of its encoding.
pub fn payload_root(payload: &Payload) -> Hash {
    Hash::digest(&[&payload.encode()])
}

/// A one-line description of a payload (it has no `Debug`): its kind, and for an [EpochInfo]
/// its epoch and outcome.
pub fn describe(payload: &Payload) -> String {
    match payload {
        Payload::DealerLog(_) => "DealerLog".to_string(),
        Payload::EpochInfo(info) => format!("EpochInfo({}, {:?})", info.epoch.get(), info.outcome),
    }
}

/// Why a validator's `host:port` is not a directory address.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// No `:port`, or the port is not a number.
    #[error("{0:?} is not host:port")]
    Format(String),
    /// The host is neither an IP address nor a valid hostname.
    #[error("{0:?} is neither an IP address nor a valid hostname")]
    Host(String),
}

/// The directory address of a validator's `host:port` (genesis and `set_validators` keep them
/// as text). An IP socket address dials and filters by that address. A hostname dials by DNS;
/// its egress IP is unknown, so it is recorded as unspecified and a node dialing validators by
/// name must not filter incoming connections by IP. Pure and deterministic: the state machine
/// uses it to refuse addresses the reshare directory could not carry.
pub fn directory_address(text: &str) -> Result<Address, AddressError> {
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Ok(Address::Symmetric(socket));
    }
    let (host, port) = text
        .rsplit_once(':')
        .ok_or_else(|| AddressError::Format(text.to_string()))?;
    let port: u16 = port
        .parse()
        .map_err(|_| AddressError::Format(text.to_string()))?;
    let host = Hostname::new(host).map_err(|_| AddressError::Host(text.to_string()))?;
    Ok(Address::Asymmetric {
        ingress: Ingress::Dns { host, port },
        egress: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port),
    })
}

/// The epoch of `height` with `blocks_per_epoch` blocks per epoch (as Commonware's
/// `FixedEpocher`: epoch `e` spans `e·B .. (e+1)·B`, so epoch 0 holds genesis). `None` when
/// `blocks_per_epoch` is zero.
pub fn epoch_of(height: u64, blocks_per_epoch: u64) -> Option<u64> {
    height.checked_div(blocks_per_epoch)
}

/// The midpoint of `epoch` (`FixedEpocher::midpoint`): the first height of its second half.
pub fn midpoint(epoch: u64, blocks_per_epoch: u64) -> Option<u64> {
    epoch
        .checked_mul(blocks_per_epoch)?
        .checked_add(blocks_per_epoch / 2)
}

/// The height whose finalized state fixes the committee of `epoch` (`participants(epoch)`):
/// the block before the midpoint of `epoch - 2`. The reshare actor asks for it while building
/// or verifying the final block of `epoch - 2`, after it applied every block before that
/// midpoint, so every honest node has this height finalized by then. `None` for epochs 0 and
/// 1, which genesis fixes.
pub fn committee_cutoff(epoch: u64, blocks_per_epoch: u64) -> Option<u64> {
    midpoint(epoch.checked_sub(2)?, blocks_per_epoch)?.checked_sub(1)
}

/// The height whose finalized state fixes the directory (addresses) of `epoch`: the block
/// before the midpoint of `epoch - 1` (the reshare actor asks for it at the final block of
/// `epoch - 1`). `None` for epoch 0, whose directory genesis carries.
pub fn directory_cutoff(epoch: u64, blocks_per_epoch: u64) -> Option<u64> {
    midpoint(epoch.checked_sub(1)?, blocks_per_epoch)?.checked_sub(1)
}

/// If `height` is a snapshot height (the block before its epoch's midpoint), the epoch `k` it
/// belongs to: that block's state fixes the committee of `k + 2` and the directory of `k + 1`.
pub fn snapshot_epoch(height: u64, blocks_per_epoch: u64) -> Option<u64> {
    let epoch = epoch_of(height, blocks_per_epoch)?;
    (height.checked_add(1)? == midpoint(epoch, blocks_per_epoch)?).then_some(epoch)
}

/// The first epoch whose directory shows an address change executed at `height`: the next
/// epoch if the change precedes this epoch's snapshot (at or before the block before the
/// midpoint), else the one after.
pub fn address_effective_epoch(height: u64, blocks_per_epoch: u64) -> Option<u64> {
    let epoch = epoch_of(height, blocks_per_epoch)?;
    let step = if height < midpoint(epoch, blocks_per_epoch)? {
        1
    } else {
        2
    };
    epoch.checked_add(step)
}

/// The first epoch whose committee (`participants`) a `set_validators` vote executed at
/// `height` makes: the snapshot at the block before this epoch's midpoint (which runs after
/// the block's governance) fixes the committee two epochs on, so `epoch + 2` up to that block
/// and `epoch + 3` after it. That committee signs from the epoch after.
pub fn committee_effective_epoch(height: u64, blocks_per_epoch: u64) -> Option<u64> {
    address_effective_epoch(height, blocks_per_epoch)?.checked_add(1)
}

/// Why genesis' epoch-0 [EpochInfo] does not fit the rest of genesis.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Epoch0Error {
    /// `blocks_per_epoch` is below [MIN_BLOCKS_PER_EPOCH].
    #[error("blocks_per_epoch is {0}; it must be at least {MIN_BLOCKS_PER_EPOCH}")]
    BlocksPerEpoch(u64),
    /// The bytes do not decode.
    #[error("epoch0 does not decode: {0}")]
    Decode(String),
    /// Not a successful epoch-0 artifact.
    #[error("epoch0 must be the successful artifact of epoch 0, found epoch {epoch} ({outcome})")]
    NotEpochZero {
        /// Its epoch.
        epoch: u64,
        /// Its outcome.
        outcome: String,
    },
    /// `group_polynomial` is not the output's polynomial.
    #[error("group_polynomial is not the polynomial of epoch0's output")]
    Polynomial,
    /// The output's players, the players or the next players are not genesis' validators.
    #[error("epoch0's {0} are not genesis' validators")]
    Committee(&'static str),
    /// A validator's address is not a directory address.
    #[error("validator {key}: {error}")]
    Address {
        /// The validator (hex: a key is too large to carry in an error).
        key: String,
        /// Why.
        error: AddressError,
    },
    /// The directory is not genesis' validators' addresses.
    #[error("epoch0's directory is not the validators' addresses")]
    Directory,
}

/// The directory of `validators` (`(key, host:port)`), as genesis' epoch-0 [EpochInfo] carries
/// it. Fails on an address [directory_address] refuses.
pub fn directory<'a>(
    validators: impl IntoIterator<Item = (&'a crate::PublicKey, &'a str)>,
) -> Result<Directory, Epoch0Error> {
    validators
        .into_iter()
        .map(|(key, address)| {
            directory_address(address)
                .map(|a| (key.0.clone(), a))
                .map_err(|error| Epoch0Error::Address {
                    key: key.to_string(),
                    error,
                })
        })
        .collect()
}

/// The epoch-0 [EpochInfo] of a trusted deal to `validators`: a successful epoch 0 whose
/// players and next players are the dealt committee, as the reshare actor expects of genesis.
pub fn epoch0_info(
    output: DkgOutput,
    validators: &[(crate::PublicKey, String)],
) -> Result<EpochInfo, Epoch0Error> {
    let directory = directory(validators.iter().map(|(k, a)| (k, a.as_str())))?;
    let committee = output.players().clone();
    Ok(EpochInfo {
        outcome: types::EpochOutcome::Success,
        epoch: commonware_consensus::types::Epoch::zero(),
        output,
        players: committee.clone(),
        next_players: committee,
        directory,
    })
}

impl Genesis {
    /// Decodes genesis' epoch-0 [EpochInfo] and checks it against the rest of genesis:
    /// `blocks_per_epoch` is at least [MIN_BLOCKS_PER_EPOCH]; it is the successful artifact of
    /// epoch 0; its output's polynomial is `group_polynomial` (kept so light clients read the
    /// group key as before); the output's players, the players and the next players are the
    /// validators; and its directory is their addresses.
    pub fn epoch0(&self) -> Result<EpochInfo, Epoch0Error> {
        if self.blocks_per_epoch < MIN_BLOCKS_PER_EPOCH {
            return Err(Epoch0Error::BlocksPerEpoch(self.blocks_per_epoch));
        }
        let info = decode_epoch_info(self.epoch0.as_slice())
            .map_err(|e| Epoch0Error::Decode(e.to_string()))?;
        if info.epoch.get() != 0 || info.outcome != types::EpochOutcome::Success {
            return Err(Epoch0Error::NotEpochZero {
                epoch: info.epoch.get(),
                outcome: format!("{:?}", info.outcome),
            });
        }
        if info.output.public().encode().as_ref() != self.group_polynomial.as_slice() {
            return Err(Epoch0Error::Polynomial);
        }
        let validators = Set::from_iter_dedup(self.validators.iter().map(|v| v.key.0.clone()));
        for (what, set) in [
            ("output players", info.output.players()),
            ("players", &info.players),
            ("next players", &info.next_players),
        ] {
            if *set != validators {
                return Err(Epoch0Error::Committee(what));
            }
        }
        let expected = directory(self.validators.iter().map(|v| (&v.key, v.address.as_str())))?;
        if info.directory != expected {
            return Err(Epoch0Error::Directory);
        }
        Ok(info)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use commonware_consensus::types::{Epoch, Epocher as _, FixedEpocher, Height};
    use commonware_cryptography::bls12381::{
        dkg::feldman_desmedt::deal, primitives::sharing::Mode,
    };
    use commonware_utils::{N3f1, TestRng};

    fn keys(n: u8) -> Vec<crate::PublicKey> {
        (0..n)
            .map(|i| crate::PrivateKey::from_seed_bytes([i + 1; 32]).public_key())
            .collect()
    }

    pub(crate) fn info(n: u8) -> EpochInfo {
        let keys = keys(n);
        let players = Set::from_iter_dedup(keys.iter().map(|k| k.0.clone()));
        let (output, _) =
            deal::<MinSig, _, N3f1>(TestRng::new(7), Mode::NonZeroCounter, players).unwrap();
        let validators: Vec<_> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), format!("10.0.0.{}:7000", i + 1)))
            .collect();
        epoch0_info(output, &validators).unwrap()
    }

    /// The epoch arithmetic is Commonware's `FixedEpocher`'s.
    #[test]
    fn epoch_arithmetic_matches_the_fixed_epocher() {
        for b in [4u64, 5, 20, 101] {
            let epocher = FixedEpocher::new(std::num::NonZeroU64::new(b).unwrap());
            for h in 0..(6 * b) {
                let e = epocher.containing(Height::new(h)).unwrap();
                assert_eq!(epoch_of(h, b), Some(e.epoch().get()));
                let mid = epocher.midpoint(e.epoch()).unwrap().get();
                assert_eq!(midpoint(e.epoch().get(), b), Some(mid));
                assert_eq!(snapshot_epoch(h, b).is_some(), h + 1 == mid, "b={b} h={h}");
            }
            for e in 2..6u64 {
                let cut = epocher.midpoint(Epoch::new(e - 2)).unwrap().get() - 1;
                assert_eq!(committee_cutoff(e, b), Some(cut));
                // The cutoff block is the snapshot block of epoch e - 2, and it is executed.
                assert_eq!(snapshot_epoch(cut, b), Some(e - 2));
                assert!(cut >= 1);
            }
            assert_eq!(committee_cutoff(1, b), None);
            assert_eq!(directory_cutoff(0, b), None);
            assert_eq!(directory_cutoff(3, b), Some(midpoint(2, b).unwrap() - 1));
        }
        assert_eq!(epoch_of(7, 0), None);
        assert_eq!(snapshot_epoch(7, 0), None);
    }

    /// A change executed up to the snapshot block shows in the next epoch's directory, one
    /// after it in the epoch after.
    #[test]
    fn address_changes_take_effect_after_the_next_snapshot() {
        let b = 10;
        assert_eq!(address_effective_epoch(1, b), Some(1));
        assert_eq!(address_effective_epoch(4, b), Some(1)); // the snapshot block itself
        assert_eq!(address_effective_epoch(5, b), Some(2));
        assert_eq!(address_effective_epoch(9, b), Some(2));
        assert_eq!(address_effective_epoch(10, b), Some(2));
        assert_eq!(address_effective_epoch(15, b), Some(3));
    }

    #[test]
    fn directory_addresses_are_ip_sockets_or_hostnames() {
        assert_eq!(
            directory_address("127.0.0.1:7000"),
            Ok(Address::Symmetric("127.0.0.1:7000".parse().unwrap()))
        );
        assert!(directory_address("[::1]:7000").is_ok());
        assert!(matches!(
            directory_address("validator-0.sim:7000"),
            Ok(Address::Asymmetric {
                ingress: Ingress::Dns { port: 7000, .. },
                ..
            })
        ));
        for bad in [
            "",
            "no-port",
            "host:",
            "host:99999",
            "bad host:1",
            ":80",
            "a..b:1",
        ] {
            assert!(directory_address(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_largest_epoch_info_fits_genesis_and_round_trips() {
        assert!(EpochInfo::max_encode_size(MAX_DKG_PARTICIPANTS) <= MAX_EPOCH_INFO_BYTES);
        let info = info(4);
        let bytes = info.encode();
        assert_eq!(decode_epoch_info(&bytes).unwrap(), info);
        let payload = Payload::EpochInfo(info);
        assert_eq!(describe(&payload), "EpochInfo(0, Success)");
        assert_eq!(payload_root(&payload), Hash::digest(&[&payload.encode()]));
    }
}
