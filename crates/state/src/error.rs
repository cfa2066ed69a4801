//! Errors: why a transaction is refused before execution ([AdmissionError]), why its call
//! failed during execution ([TxError]), and why a whole block cannot be executed ([ExecError]).
//! Every variant has a stable `code()` shared by the API, the CLI and the failed-tx event.

use crate::certify::CertifyError;
use crate::gas::GasError;
use crate::governance::GovernanceError;
use crate::hardware::HardwareError;
use crate::integrity::IntegrityError;
use crate::models::ModelError;
use crate::otk::OtkError;
use crate::personnel::PersonnelError;
use crate::standard::StandardError;
use crate::store::StoreError;
use crate::templates::TemplateError;
use crate::treasury::TreasuryError;
use crate::validators::ValidatorError;
use crate::whistle::WhistleError;
use crate::workloads::WorkloadError;
use aigov_types::personnel::PersonnelStatus;
use aigov_types::tx::TxFormatError;
use aigov_types::{Hash, PublicKey, Slug};

/// Why a transaction may not enter the mempool or a block.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum AdmissionError {
    /// Size, encoding or signature.
    #[error(transparent)]
    Format(#[from] TxFormatError),
    /// Signed for another chain.
    #[error("transaction is for chain {got}, this is {expected}")]
    WrongChainId {
        /// This chain.
        expected: Slug,
        /// The transaction's.
        got: Slug,
    },
    /// The nonce was already used.
    #[error("nonce {got} is stale: account {sender} expects {expected}")]
    StaleNonce {
        /// The sender.
        sender: PublicKey,
        /// The next nonce.
        expected: u64,
        /// The transaction's.
        got: u64,
    },
    /// The nonce skips ahead of the account's next nonce (plus what is already pending).
    #[error("nonce {got} is ahead: account {sender} expects {expected}")]
    NonceGap {
        /// The sender.
        sender: PublicKey,
        /// The next nonce.
        expected: u64,
        /// The transaction's.
        got: u64,
    },
    /// The same transaction is already pending.
    #[error("transaction {0} is already pending")]
    Duplicate(Hash),
    /// No account and the call is not sponsored.
    #[error("account {0} does not exist; it needs gas credits before it can send this call")]
    UnknownAccount(PublicKey),
    /// The gas limit is below the transaction's cost.
    #[error("gas limit {limit} is below the cost {cost}")]
    GasLimitTooLow {
        /// The cost.
        cost: u64,
        /// The limit.
        limit: u64,
    },
    /// The sender cannot pay.
    #[error("account {sender} has {available} gas credits; the transaction costs {cost}")]
    InsufficientGas {
        /// The sender.
        sender: PublicKey,
        /// The cost.
        cost: u64,
        /// Its balance.
        available: u64,
    },
    /// The pool cannot pay for a sponsored call.
    #[error("the system pool has {available} credits left; this sponsored call costs {cost}")]
    PoolExhausted {
        /// The cost.
        cost: u64,
        /// The pool's balance.
        available: u64,
    },
    /// The block already holds its quota of sponsored calls.
    #[error("the block's quota of {max} sponsored transactions is used up; retry shortly")]
    SponsoredQuota {
        /// The quota.
        max: u32,
    },
    /// The account has used up its sponsored transactions.
    #[error(
        "account {sender} has used its {max} sponsored transactions; it needs gas credits for more"
    )]
    SponsorshipUsed {
        /// The sender.
        sender: PublicKey,
        /// The allowance.
        max: u64,
    },
    /// A duty call (governance) from an account that is not Active personnel: duties are
    /// paid by the pool and only Active personnel may send them.
    #[error(
        "account {sender} is not Active personnel ({}); only Active personnel may send governance calls",
        match status { Some(s) => format!("{s:?}"), None => "not registered".to_string() }
    )]
    NotActivePersonnel {
        /// The sender.
        sender: PublicKey,
        /// Its personnel status, if it is personnel at all.
        status: Option<PersonnelStatus>,
    },
    /// The pending pool is full.
    #[error("the mempool is full ({0} transactions); retry shortly")]
    MempoolFull(usize),
    /// A duty would take its sender past their daily allowance of pool-paid credits.
    #[error(
        "the sender has used {used} of its {allowance} credits of pool-paid duties today; this call costs {cost}; the allowance renews at block time {renews_ms}"
    )]
    DutyAllowanceExhausted {
        /// Credits used today (including duties waiting in the mempool).
        used: u64,
        /// The call's cost.
        cost: u64,
        /// The daily allowance.
        allowance: u64,
        /// When it renews (ms since the Unix epoch, block time).
        renews_ms: u64,
    },
}

impl AdmissionError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            AdmissionError::Format(e) => e.code(),
            AdmissionError::WrongChainId { .. } => "wrong_chain_id",
            AdmissionError::StaleNonce { .. } => "stale_nonce",
            AdmissionError::NonceGap { .. } => "nonce_gap",
            AdmissionError::Duplicate(_) => "duplicate_tx",
            AdmissionError::UnknownAccount(_) => "unknown_account",
            AdmissionError::GasLimitTooLow { .. } => "gas_limit_too_low",
            AdmissionError::InsufficientGas { .. } => "insufficient_gas",
            AdmissionError::PoolExhausted { .. } => "pool_exhausted",
            AdmissionError::SponsoredQuota { .. } => "sponsored_quota",
            AdmissionError::SponsorshipUsed { .. } => "sponsorship_used",
            AdmissionError::NotActivePersonnel { .. } => "not_active_personnel",
            AdmissionError::MempoolFull(_) => "mempool_full",
            AdmissionError::DutyAllowanceExhausted { .. } => "duty_allowance_exhausted",
        }
    }
}

/// Why an admitted transaction's call failed. The transaction still pays gas and consumes its
/// nonce; its other writes are dropped.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum TxError {
    /// Personnel module.
    #[error(transparent)]
    Personnel(#[from] PersonnelError),
    /// Governance module.
    #[error(transparent)]
    Governance(#[from] GovernanceError),
    /// Gas module.
    #[error(transparent)]
    Gas(#[from] GasError),
    /// Treasury module.
    #[error(transparent)]
    Treasury(#[from] TreasuryError),
    /// Hardware registry.
    #[error(transparent)]
    Hardware(#[from] HardwareError),
    /// Integrity challenges.
    #[error(transparent)]
    Integrity(#[from] IntegrityError),
    /// Model registry.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// Workloads and runs.
    #[error(transparent)]
    Workload(#[from] WorkloadError),
    /// OTK issuer.
    #[error(transparent)]
    Otk(#[from] OtkError),
    /// Whistle-blower module.
    #[error(transparent)]
    Whistle(#[from] WhistleError),
    /// Template registry.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The safety standard.
    #[error(transparent)]
    Standard(#[from] StandardError),
    /// Runners, reports and certification.
    #[error(transparent)]
    Certify(#[from] CertifyError),
    /// The consensus committee.
    #[error(transparent)]
    Validators(#[from] ValidatorError),
}

impl TxError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            TxError::Personnel(e) => e.code(),
            TxError::Governance(e) => e.code(),
            TxError::Gas(e) => e.code(),
            TxError::Treasury(e) => e.code(),
            TxError::Hardware(e) => e.code(),
            TxError::Integrity(e) => e.code(),
            TxError::Model(e) => e.code(),
            TxError::Workload(e) => e.code(),
            TxError::Otk(e) => e.code(),
            TxError::Whistle(e) => e.code(),
            TxError::Template(e) => e.code(),
            TxError::Standard(e) => e.code(),
            TxError::Certify(e) => e.code(),
            TxError::Validators(e) => e.code(),
        }
    }
}

/// Why a block cannot be executed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ExecError {
    /// Storage failed: retry, never vote on the result.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The block carries a transaction that may not be in a block: the proposer is faulty.
    #[error("transaction {index} of the block is inadmissible: {error}")]
    Inadmissible {
        /// Its position.
        index: usize,
        /// Why.
        error: AdmissionError,
    },
    /// The genesis document is invalid.
    #[error("invalid genesis: {0}")]
    Genesis(String),
    /// A module failed while it must not (an internal invariant was broken).
    #[error("internal error in {module}: {message}")]
    Internal {
        /// The module.
        module: &'static str,
        /// What broke.
        message: String,
    },
}

/// The result of a module's call handler: the call failed ([TxError], the transaction is
/// rolled back but stays in the block) or storage failed ([StoreError], the block cannot be
/// executed). Keeping both in one type lets handlers use `?` on either.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The call failed.
    #[error(transparent)]
    Tx(#[from] TxError),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<PersonnelError> for CallError {
    fn from(e: PersonnelError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<GovernanceError> for CallError {
    fn from(e: GovernanceError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<GasError> for CallError {
    fn from(e: GasError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<TreasuryError> for CallError {
    fn from(e: TreasuryError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<HardwareError> for CallError {
    fn from(e: HardwareError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<IntegrityError> for CallError {
    fn from(e: IntegrityError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<ModelError> for CallError {
    fn from(e: ModelError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<WorkloadError> for CallError {
    fn from(e: WorkloadError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<OtkError> for CallError {
    fn from(e: OtkError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<WhistleError> for CallError {
    fn from(e: WhistleError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<TemplateError> for CallError {
    fn from(e: TemplateError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<StandardError> for CallError {
    fn from(e: StandardError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<ValidatorError> for CallError {
    fn from(e: ValidatorError) -> Self {
        CallError::Tx(e.into())
    }
}

impl From<CertifyError> for CallError {
    fn from(e: CertifyError) -> Self {
        CallError::Tx(e.into())
    }
}
