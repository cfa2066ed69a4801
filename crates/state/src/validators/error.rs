use aigov_types::{PublicKey, Slug};

/// Why a `set_validators` action is refused. The reshare actor panics on an empty or
/// oversized committee or a directory it cannot build, so every one of these is checked
/// before a vote can reach it.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ValidatorError {
    /// Nothing added and nothing removed.
    #[error("set_validators adds and removes no validator")]
    NoChange,
    /// A removed key is not in the committee.
    #[error("{0} is not a validator of the committee as voted")]
    NotAValidator(PublicKey),
    /// A key appears twice in the new committee (or is removed twice).
    #[error("validator {0} appears twice")]
    DuplicateKey(PublicKey),
    /// A validator's member is not an admitted member.
    #[error("validator {key} is run by {member}, which is not an admitted member")]
    UnknownMember {
        /// The validator.
        key: PublicKey,
        /// Its member.
        member: Slug,
    },
    /// A validator's address is not `host:port`.
    #[error("validator {key}: {reason}")]
    InvalidAddress {
        /// The validator.
        key: PublicKey,
        /// Why.
        reason: String,
    },
    /// The new committee is too small to tolerate a fault.
    #[error("the new committee would have {count} validators; it needs at least {min}")]
    TooFew {
        /// Its size.
        count: usize,
        /// The minimum.
        min: usize,
    },
    /// The new committee is larger than resharing supports.
    #[error("the new committee would have {count} validators; at most {max} are supported")]
    TooMany {
        /// Its size.
        count: usize,
        /// The maximum.
        max: usize,
    },
}

impl ValidatorError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ValidatorError::NoChange => "no_validator_change",
            ValidatorError::NotAValidator(_) => "not_a_validator",
            ValidatorError::DuplicateKey(_) => "duplicate_validator",
            ValidatorError::UnknownMember { .. } => "unknown_member",
            ValidatorError::InvalidAddress { .. } => "invalid_validator_address",
            ValidatorError::TooFew { .. } => "too_few_validators",
            ValidatorError::TooMany { .. } => "too_many_validators",
        }
    }
}
