//! Receipts: what became of each executed transaction, stored in state under its hash.

use crate::codec::{BoundedString, Hash};
use crate::crypto::PublicKey;
use crate::{codec_enum, codec_struct};
use serde::{Deserialize, Serialize};

/// A failed transaction's stable error code and human message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Stable machine-readable code, e.g. `personnel_already_registered`.
    pub code: BoundedString<64>,
    /// What went wrong, with the offending values.
    pub message: BoundedString<512>,
}
codec_struct!(Failure { code, message });

impl Failure {
    /// Builds a failure, truncating over-long text at a character boundary.
    pub fn new(code: &str, message: &str) -> Self {
        Self {
            code: truncate(code),
            message: truncate(message),
        }
    }
}

fn truncate<const MAX: usize>(s: &str) -> BoundedString<MAX> {
    let mut end = s.len().min(MAX);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    BoundedString::new(&s[..end]).unwrap_or_default()
}

/// Empty marker payload for the success variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Succeeded;
impl crate::codec::Write for Succeeded {
    fn write(&self, _: &mut impl crate::codec::BufMut) {}
}
impl crate::codec::EncodeSize for Succeeded {
    fn encode_size(&self) -> usize {
        0
    }
}
impl crate::codec::Read for Succeeded {
    type Cfg = ();
    fn read_cfg(_: &mut impl crate::codec::Buf, _: &()) -> Result<Self, crate::codec::CodecError> {
        Ok(Self)
    }
}

/// Outcome of executing a transaction. A failed transaction still pays gas and advances the
/// nonce; none of its other writes persist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum TxOutcome {
    /// Every write applied.
    Success(Succeeded),
    /// Rolled back, with the reason.
    Failed(Failure),
}
codec_enum!(TxOutcome { 0 => Success(Succeeded), 1 => Failed(Failure) });

/// Who paid a transaction's gas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GasPayer {
    /// The sender's own credits.
    Sender,
    /// The system token pool (sponsored duties and applications).
    Pool,
}
crate::codec_unit_enum!(GasPayer { 0 => Sender, 1 => Pool });

/// The record of an executed transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// The transaction hash.
    pub hash: Hash,
    /// Height of the block that executed it.
    pub height: u64,
    /// Position in the block.
    pub index: u32,
    /// The sender.
    pub sender: PublicKey,
    /// What happened.
    pub outcome: TxOutcome,
    /// Gas charged.
    pub gas_used: u64,
    /// Credits charged for it (gas × the block's price).
    pub credits: u64,
    /// Who paid it.
    pub payer: GasPayer,
    /// Index in the activity log of the first event this transaction emitted.
    pub first_event: u64,
    /// How many events it emitted.
    pub event_count: u32,
}
codec_struct!(Receipt {
    hash,
    height,
    index,
    sender,
    outcome,
    gas_used,
    credits,
    payer,
    first_event,
    event_count
});
