//! Events: the typed, past-tense record of every state change, appended to the activity log.

use crate::codec::{BoundedString, Hash, Slug};
use crate::crypto::PublicKey;
use crate::personnel::{PersonnelStatus, Roles};
use crate::receipt::{GasPayer, TxOutcome};
use crate::{codec_enum, codec_struct};
use serde::{Deserialize, Serialize};

/// Genesis was applied (the first event of every chain).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisApplied {
    /// The chain id.
    pub chain_id: Slug,
    /// Hash of the genesis document.
    pub genesis_hash: Hash,
}
codec_struct!(GenesisApplied {
    chain_id,
    genesis_hash
});

/// A member (nation or supranational body) was admitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAdmitted {
    /// Its id.
    pub member: Slug,
    /// Its name.
    pub name: BoundedString<128>,
}
codec_struct!(MemberAdmitted { member, name });

/// An organisation was added under a member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationAdded {
    /// Its id.
    pub organisation: Slug,
    /// Its member.
    pub member: Slug,
}
codec_struct!(OrganisationAdded {
    organisation,
    member
});

/// An account received gas credits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GasCredited {
    /// The account.
    pub account: PublicKey,
    /// Credits added.
    pub amount: u64,
    /// Why (e.g. `genesis`).
    pub reason: BoundedString<64>,
}
codec_struct!(GasCredited {
    account,
    amount,
    reason
});

/// A person registered (Pending) or was seated at genesis (Active).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonnelRegistered {
    /// Their account.
    pub account: PublicKey,
    /// Their member.
    pub member: Slug,
    /// Their roles.
    pub roles: Roles,
    /// Their tier.
    pub tier: u8,
    /// Their status after registration.
    pub status: PersonnelStatus,
}
codec_struct!(PersonnelRegistered {
    account,
    member,
    roles,
    tier,
    status
});

/// A transaction was executed (successfully or not). Emitted last among a transaction's events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxExecuted {
    /// The transaction hash.
    pub hash: Hash,
    /// The sender.
    pub sender: PublicKey,
    /// The sender's nonce it consumed.
    pub nonce: u64,
    /// The call's name, e.g. `personnel.register`.
    pub call: BoundedString<64>,
    /// Success, or the failure's code and message.
    pub outcome: TxOutcome,
    /// Gas charged.
    pub gas_used: u64,
    /// Who paid.
    pub payer: GasPayer,
}
codec_struct!(TxExecuted {
    hash,
    sender,
    nonce,
    call,
    outcome,
    gas_used,
    payer
});

/// Every event of every module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Event {
    /// See [GenesisApplied].
    GenesisApplied(GenesisApplied),
    /// See [MemberAdmitted].
    MemberAdmitted(MemberAdmitted),
    /// See [OrganisationAdded].
    OrganisationAdded(OrganisationAdded),
    /// See [GasCredited].
    GasCredited(GasCredited),
    /// See [PersonnelRegistered].
    PersonnelRegistered(PersonnelRegistered),
    /// See [TxExecuted].
    TxExecuted(TxExecuted),
}
codec_enum!(Event {
    0 => GenesisApplied(GenesisApplied),
    1 => MemberAdmitted(MemberAdmitted),
    2 => OrganisationAdded(OrganisationAdded),
    3 => GasCredited(GasCredited),
    4 => PersonnelRegistered(PersonnelRegistered),
    5 => TxExecuted(TxExecuted),
});

impl Event {
    /// The event's type name, as in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::GenesisApplied(_) => "genesis_applied",
            Event::MemberAdmitted(_) => "member_admitted",
            Event::OrganisationAdded(_) => "organisation_added",
            Event::GasCredited(_) => "gas_credited",
            Event::PersonnelRegistered(_) => "personnel_registered",
            Event::TxExecuted(_) => "tx_executed",
        }
    }
}

/// An event with its place in the log: the leaf data of the activity log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Position in the activity log (0-based, gap-free).
    pub index: u64,
    /// Height of the block that emitted it.
    pub height: u64,
    /// The transaction that emitted it, if any (block hooks and genesis have none).
    pub tx: Option<Hash>,
    /// The event.
    pub event: Event,
}
codec_struct!(EventRecord {
    index,
    height,
    tx,
    event
});
