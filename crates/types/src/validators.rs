//! The consensus committee as state keeps it: the set voted last, per-epoch snapshots, each
//! key's address history, and the System action that changes the set.

use crate::codec::{BoundedString, BoundedVec};
use crate::codec_struct;
use crate::crypto::PublicKey;
use crate::genesis::Validator;
use serde::{Deserialize, Serialize};

/// Most validators in one committee: the reshare participant bound
/// ([crate::reshare::MAX_DKG_PARTICIPANTS]), which every committee decodes under.
pub const MAX_COMMITTEE: usize = 64;

/// A committee: validators in the order governance gave them.
pub type ValidatorSet = BoundedVec<Validator, MAX_COMMITTEE>;

/// Action `set_validators` (System): the next committee is the current one (as last voted)
/// without `remove`, plus `add`. It takes effect at the next committee snapshot: a vote
/// executed before the midpoint of epoch `k` makes the committee of epoch `k + 2`, which signs
/// from epoch `k + 3` (after the epoch-`k + 2` ceremony hands it shares).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SetValidators {
    /// Validators joining (each run by an admitted member, at a `host:port` address).
    #[serde(default)]
    pub add: BoundedVec<Validator, MAX_COMMITTEE>,
    /// Keys of validators leaving.
    #[serde(default)]
    pub remove: BoundedVec<PublicKey, MAX_COMMITTEE>,
}
codec_struct!(SetValidators { add, remove });

/// A key's address from an epoch on: the address the reshare directory gives the key in every
/// epoch from `from_epoch` until the next entry's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressEntry {
    /// First epoch whose directory carries this address.
    pub from_epoch: u64,
    /// The address (`host:port`).
    pub address: BoundedString<128>,
}
codec_struct!(AddressEntry {
    from_epoch,
    address
});

/// A key's address history, oldest first. Only entries a future directory can still read are
/// kept, which is at most two.
pub type AddressHistory = BoundedVec<AddressEntry, 4>;

/// A `set_validators` action executed: the committee as now voted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidatorsVoted {
    /// The executed proposal.
    pub proposal: u64,
    /// The committee it voted.
    pub validators: ValidatorSet,
    /// The first epoch whose committee it is (signing from the epoch after).
    pub epoch: u64,
}
codec_struct!(ValidatorsVoted {
    proposal,
    validators,
    epoch
});
