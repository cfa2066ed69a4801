//! The genesis document: who the members, organisations, personnel and validators are, the
//! chain's and governance's parameters and its consensus group key. Its hash is recorded in
//! the first event.

use crate::codec::{BoundedBytes, BoundedString, BoundedVec, Encode, Hash, Slug};
use crate::codec_struct;
use crate::crypto::PublicKey;
use crate::economy::EconomyParams;
use crate::governance::GovernanceParams;
use crate::personnel::{Member, Organisation, Roles};
use crate::whistle::SealKey;
use serde::{Deserialize, Serialize};

/// Chain parameters fixed at genesis (later changed only by System proposals).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Gas every transaction pays before its call's own cost.
    pub tx_base_gas: u64,
    /// Gas per byte of the encoded signed transaction.
    pub tx_gas_per_byte: u64,
    /// Most sponsored (pool-paid) transactions per block: bounds what fresh keys can cost.
    pub sponsored_txs_per_block_max: u32,
    /// Most sponsored transactions one account may send (counted by its nonce): a fresh key
    /// gets a few tries at applying, not an endless drain on the pool.
    pub sponsored_txs_per_account_max: u64,
    /// Length of a personnel term, in milliseconds of block time.
    pub personnel_term_ms: u64,
}
codec_struct!(Params {
    tx_base_gas,
    tx_gas_per_byte,
    sponsored_txs_per_block_max,
    sponsored_txs_per_account_max,
    personnel_term_ms
});

impl Default for Params {
    fn default() -> Self {
        Self {
            tx_base_gas: 1_000,
            tx_gas_per_byte: 10,
            sponsored_txs_per_block_max: 64,
            sponsored_txs_per_account_max: 3,
            personnel_term_ms: 2 * 365 * 24 * 3600 * 1000,
        }
    }
}

/// A person seated at genesis (Active).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisPersonnel {
    /// Their account.
    pub account: PublicKey,
    /// Their member.
    pub member: Slug,
    /// Their organisation.
    pub organisation: Option<Slug>,
    /// Their roles.
    pub roles: Roles,
    /// Their tier.
    pub tier: u8,
    /// Display name.
    pub name: BoundedString<128>,
}
codec_struct!(GenesisPersonnel {
    account,
    member,
    organisation,
    roles,
    tier,
    name
});

/// Gas credits granted at genesis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisAccount {
    /// The account.
    pub account: PublicKey,
    /// Its credits.
    pub gas: u64,
}
codec_struct!(GenesisAccount { account, gas });

/// A validator: a member's node, identified on p2p by its Ed25519 key.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Validator {
    /// The member running it.
    pub member: Slug,
    /// Its p2p identity key.
    pub key: PublicKey,
    /// Its p2p address (`host:port`).
    pub address: BoundedString<128>,
}
codec_struct!(Validator {
    member,
    key,
    address
});

/// The genesis document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Genesis {
    /// The chain id every transaction must carry.
    pub chain_id: Slug,
    /// Block time of genesis (ms since the Unix epoch).
    pub genesis_time_ms: u64,
    /// Parameters.
    pub params: Params,
    /// Governance parameters: tier weights, member cap, and each proposal class's rules.
    /// Absent in JSON means the defaults ([GovernanceParams::default]).
    #[serde(default)]
    pub governance: GovernanceParams,
    /// Members.
    pub members: BoundedVec<Member, 256>,
    /// Organisations.
    pub organisations: BoundedVec<Organisation, 4096>,
    /// Personnel seated at genesis.
    pub personnel: BoundedVec<GenesisPersonnel, 16384>,
    /// Gas credits granted at genesis.
    pub accounts: BoundedVec<GenesisAccount, 16384>,
    /// Credits in the system token pool.
    pub pool_gas: u64,
    /// The economy's parameters: gas price algorithm, gas tax, credit rate, duty allowance.
    /// Absent in JSON means the defaults ([EconomyParams::default]).
    #[serde(default)]
    pub economy: EconomyParams,
    /// The treasury's initial supply, in treasury units (e.g. micro-USDC).
    #[serde(default)]
    pub treasury_supply: u64,
    /// Validators.
    pub validators: BoundedVec<Validator, 1024>,
    /// The consensus group's public polynomial (commonware encoding, hex in JSON). Its constant
    /// term is the group key that light clients trust.
    pub group_polynomial: BoundedBytes<65536>,
    /// Blocks per epoch of the consensus committee (resharing runs once per epoch). A
    /// consensus constant: changing it needs a new chain. At least
    /// [crate::reshare::MIN_BLOCKS_PER_EPOCH].
    pub blocks_per_epoch: u64,
    /// The epoch-0 [crate::reshare::EpochInfo] (commonware encoding, hex in JSON): the trusted
    /// deal's whole output, the validators as players and next players, and their addresses.
    /// Resharing starts from it; [Genesis::epoch0] checks it against `group_polynomial` and
    /// `validators`.
    pub epoch0: BoundedBytes<{ crate::reshare::MAX_EPOCH_INFO_BYTES }>,
    /// The reviewing body's X25519 key that whistle-blower reports are sealed to (changed
    /// later only by a System proposal's `set_whistleblower_key`). Absent: no reports are
    /// accepted until a proposal sets one.
    #[serde(default)]
    pub whistleblower_key: Option<SealKey>,
}
codec_struct!(Genesis {
    chain_id,
    genesis_time_ms,
    params,
    governance,
    members,
    organisations,
    personnel,
    accounts,
    pool_gas,
    economy,
    treasury_supply,
    validators,
    group_polynomial,
    blocks_per_epoch,
    epoch0,
    whistleblower_key
});

impl Genesis {
    /// The genesis hash: SHA-256 over a domain tag and the canonical encoding.
    pub fn hash(&self) -> Hash {
        Hash::digest(&[b"_AIGOV_GENESIS", &self.encode()])
    }
}
