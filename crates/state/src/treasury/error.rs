use aigov_types::treasury::BountyStatus;

/// Why a treasury call or action failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum TreasuryError {
    /// A claim without a title.
    #[error("a bounty claim needs a title")]
    EmptyTitle,
    /// An amount of nothing.
    #[error("the amount must be at least 1")]
    ZeroAmount,
    /// No such claim.
    #[error("bounty claim {0} does not exist")]
    UnknownBounty(u64),
    /// The claim was already decided.
    #[error("bounty claim {bounty} is {status:?}, not Claimed")]
    BountyDecided {
        /// The claim.
        bounty: u64,
        /// Its status.
        status: BountyStatus,
    },
    /// The treasury cannot pay.
    #[error("the treasury holds {balance}; the payment is {amount}")]
    InsufficientFunds {
        /// Its balance.
        balance: u64,
        /// The payment.
        amount: u64,
    },
    /// An award given a bounty reason: bounties are paid with `pay_bounty`, against a claim.
    #[error("bounties are paid with pay_bounty, against their claim, not as an award")]
    BountyAsAward,
}

impl TreasuryError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            TreasuryError::EmptyTitle => "empty_title",
            TreasuryError::ZeroAmount => "zero_amount",
            TreasuryError::UnknownBounty(_) => "unknown_bounty",
            TreasuryError::BountyDecided { .. } => "bounty_decided",
            TreasuryError::InsufficientFunds { .. } => "insufficient_treasury_funds",
            TreasuryError::BountyAsAward => "bounty_as_award",
        }
    }
}
