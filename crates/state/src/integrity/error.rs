use aigov_types::integrity::ChallengeStatus;

/// Why an integrity call failed. Evidence that does not verify is not an error: it is
/// recorded as a failed challenge.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum IntegrityError {
    /// The sender is not a registered device key.
    #[error("the sender is not a registered device key")]
    NotADevice,
    /// No such challenge.
    #[error("challenge {0} does not exist")]
    UnknownChallenge(u64),
    /// The challenge is to another hardware.
    #[error("challenge {challenge} is to hardware {hardware}, not this device's")]
    OtherHardware {
        /// The challenge.
        challenge: u64,
        /// Its hardware.
        hardware: u64,
    },
    /// The challenge was already answered or missed.
    #[error("challenge {challenge} is {status:?}, no longer open")]
    Closed {
        /// The challenge.
        challenge: u64,
        /// Its status.
        status: ChallengeStatus,
    },
    /// The deadline passed (the chain marks it missed at the next block).
    #[error("challenge {challenge}'s deadline passed at {deadline_ms} ms")]
    Expired {
        /// The challenge.
        challenge: u64,
        /// Its deadline.
        deadline_ms: u64,
    },
}

impl IntegrityError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            IntegrityError::NotADevice => "not_a_device",
            IntegrityError::UnknownChallenge(_) => "unknown_challenge",
            IntegrityError::OtherHardware { .. } => "challenge_other_hardware",
            IntegrityError::Closed { .. } => "challenge_closed",
            IntegrityError::Expired { .. } => "challenge_expired",
        }
    }
}
