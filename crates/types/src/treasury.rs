//! The shared treasury: a separate ledger in an established external currency unit (integers,
//! e.g. micro-USDC), funded by an initial supply and the gas tax, paying safety-round awards,
//! bug bounties and whistle-blower rewards, each only by an executed proposal.

use crate::codec::{BoundedString, Hash};
use crate::crypto::PublicKey;
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// The treasury's ledger. `balance = inflows − outflows` at every height.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreasuryLedger {
    /// What it holds, in treasury units.
    pub balance: u64,
    /// Everything ever received (initial supply and gas tax).
    pub inflows: u64,
    /// Everything ever paid out.
    pub outflows: u64,
    /// Payments made (their ids run from 1).
    pub payments: u64,
}
codec_struct!(TreasuryLedger {
    balance,
    inflows,
    outflows,
    payments
});

/// Where an inflow came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InflowSource {
    /// The genesis supply.
    Genesis,
    /// The gas tax on one block's consumed credits.
    GasTax,
}
codec_unit_enum!(InflowSource { 0 => Genesis, 1 => GasTax });

/// Why a payment was made.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentReason {
    /// A bug bounty (its claim id).
    Bounty(u64),
    /// The award for a winning safety module of a selection round (the round id).
    SafetyRoundAward(u64),
    /// A reward for a confirmed whistle-blower report (the report id).
    WhistleblowerReward(u64),
    /// Any other grant the members voted for.
    Grant,
}

// By hand: `codec_enum!` wants a payload in every variant, and `Grant` has none.
impl crate::codec::Write for PaymentReason {
    fn write(&self, buf: &mut impl crate::codec::BufMut) {
        let (tag, id): (u8, Option<u64>) = match self {
            PaymentReason::Bounty(id) => (0, Some(*id)),
            PaymentReason::SafetyRoundAward(id) => (1, Some(*id)),
            PaymentReason::WhistleblowerReward(id) => (2, Some(*id)),
            PaymentReason::Grant => (3, None),
        };
        tag.write(buf);
        if let Some(id) = id {
            id.write(buf);
        }
    }
}
impl crate::codec::EncodeSize for PaymentReason {
    fn encode_size(&self) -> usize {
        match self {
            PaymentReason::Grant => 1,
            _ => 1 + 8,
        }
    }
}
impl crate::codec::Read for PaymentReason {
    type Cfg = ();
    fn read_cfg(
        buf: &mut impl crate::codec::Buf,
        _: &(),
    ) -> Result<Self, crate::codec::CodecError> {
        use crate::codec::ReadExt;
        match u8::read(buf)? {
            0 => Ok(PaymentReason::Bounty(u64::read(buf)?)),
            1 => Ok(PaymentReason::SafetyRoundAward(u64::read(buf)?)),
            2 => Ok(PaymentReason::WhistleblowerReward(u64::read(buf)?)),
            3 => Ok(PaymentReason::Grant),
            other => Err(crate::codec::CodecError::InvalidEnum(other)),
        }
    }
}

/// A payment out of the treasury. The transfer itself happens off chain, in the currency; this
/// is the authorisation and the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// Sequential id, from 1.
    pub id: u64,
    /// The payee.
    pub to: PublicKey,
    /// Treasury units.
    pub amount: u64,
    /// Why.
    pub reason: PaymentReason,
    /// A note.
    pub memo: BoundedString<128>,
    /// The executed proposal that authorised it.
    pub proposal: u64,
    /// The height it was made at.
    pub height: u64,
}
codec_struct!(Payment {
    id,
    to,
    amount,
    reason,
    memo,
    proposal,
    height
});

/// Where a bounty claim stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BountyStatus {
    /// Filed; waiting for a Review vote.
    Claimed,
    /// Paid by an executed proposal.
    Paid,
    /// Rejected by an executed proposal.
    Rejected,
}
codec_unit_enum!(BountyStatus { 0 => Claimed, 1 => Paid, 2 => Rejected });

/// A bug-bounty claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bounty {
    /// Sequential id, from 1.
    pub id: u64,
    /// Who claims (and is paid).
    pub claimant: PublicKey,
    /// A short title.
    pub title: BoundedString<256>,
    /// Digest of the report (kept off chain, disclosed to the reviewers).
    pub report_hash: Hash,
    /// What the claimant asks for, in treasury units.
    pub requested: u64,
    /// Where it stands.
    pub status: BountyStatus,
    /// The payment, once paid.
    pub payment: Option<u64>,
    /// The height it was filed at.
    pub filed_height: u64,
}
codec_struct!(Bounty {
    id,
    claimant,
    title,
    report_hash,
    requested,
    status,
    payment,
    filed_height
});

/// `treasury.claim_bounty`: anyone (a fresh key is fine; the pool pays, within the applicant
/// quota) files a bug-bounty claim for a Review vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimBounty {
    /// A short title (non-empty).
    pub title: BoundedString<256>,
    /// Digest of the report.
    pub report_hash: Hash,
    /// The amount asked for, in treasury units (at least 1).
    pub requested: u64,
}
codec_struct!(ClaimBounty {
    title,
    report_hash,
    requested
});

/// Calls of the treasury module. Spending is not a call: only proposal actions spend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TreasuryCall {
    /// `treasury.claim_bounty`.
    ClaimBounty(ClaimBounty),
}
codec_enum!(TreasuryCall {
    0 => ClaimBounty(ClaimBounty),
});

/// Proposal action: pay a bounty claim (Review).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PayBounty {
    /// The claim.
    pub bounty: u64,
    /// The amount (at most the treasury's balance; may differ from what was asked).
    pub amount: u64,
}
codec_struct!(PayBounty { bounty, amount });

/// Proposal action: reject a bounty claim (Review).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RejectBounty {
    /// The claim.
    pub bounty: u64,
}
codec_struct!(RejectBounty { bounty });

/// Proposal action: a treasury award (System): a safety-round award, a whistle-blower reward
/// or a grant.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TreasuryAward {
    /// The payee.
    pub to: PublicKey,
    /// Treasury units (at least 1).
    pub amount: u64,
    /// Why (not a bounty: bounties are paid with [PayBounty]).
    pub reason: PaymentReason,
    /// A note.
    pub memo: BoundedString<128>,
}
codec_struct!(TreasuryAward {
    to,
    amount,
    reason,
    memo
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Encode, decode_slice};

    #[test]
    fn reasons_round_trip_in_both_encodings() {
        for r in [
            PaymentReason::Bounty(3),
            PaymentReason::SafetyRoundAward(1),
            PaymentReason::WhistleblowerReward(9),
            PaymentReason::Grant,
        ] {
            assert_eq!(decode_slice::<PaymentReason>(&r.encode()).unwrap(), r);
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(serde_json::from_str::<PaymentReason>(&json).unwrap(), r);
        }
    }
}
