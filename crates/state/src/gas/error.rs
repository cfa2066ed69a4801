use aigov_types::economy::{EconomyParamsError, PurchaseCategory};
use aigov_types::{PublicKey, Slug};

/// Why a gas call or an economy action failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum GasError {
    /// The sender is not a treasury officer.
    #[error("account {0} is not a treasury officer; only treasury officers record purchases")]
    NotTreasuryOfficer(PublicKey),
    /// A payment of nothing.
    #[error("a purchase must record a payment of at least 1 unit")]
    ZeroPayment,
    /// The payment buys less than one credit at the published rate.
    #[error("a payment of {paid} buys no credit at the rate of {rate} units per 1000 credits")]
    PaymentTooSmall {
        /// The payment.
        paid: u64,
        /// The rate.
        rate: u64,
    },
    /// No payment reference.
    #[error("a purchase needs a payment reference")]
    EmptyReference,
    /// A pool top-up names an account, or another category names none.
    #[error(
        "a {} purchase {}",
        category.name(),
        if *category == PurchaseCategory::PoolTopUp { "credits the pool and must not name an account" } else { "must name the account to credit" }
    )]
    AccountMismatch {
        /// The category.
        category: PurchaseCategory,
    },
    /// The same payment was recorded before.
    #[error(
        "payment reference {reference:?} of member {member} was already recorded as purchase {existing}"
    )]
    DuplicatePurchase {
        /// The member.
        member: Slug,
        /// The reference.
        reference: String,
        /// The earlier purchase.
        existing: u64,
    },
    /// Invalid economy parameters.
    #[error("invalid economy parameters: {0}")]
    InvalidParams(#[from] EconomyParamsError),
}

impl GasError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            GasError::NotTreasuryOfficer(_) => "not_treasury_officer",
            GasError::ZeroPayment => "zero_payment",
            GasError::PaymentTooSmall { .. } => "payment_too_small",
            GasError::EmptyReference => "empty_reference",
            GasError::AccountMismatch { .. } => "purchase_account_mismatch",
            GasError::DuplicatePurchase { .. } => "duplicate_purchase",
            GasError::InvalidParams(_) => "invalid_economy_params",
        }
    }
}
