/// Why an OTK call failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum OtkError {
    /// No such permit.
    #[error("permit {0} does not exist")]
    UnknownPermit(u64),
    /// The sender is not the permit's device.
    #[error("permit {0} is bound to another device; only its device key may report its usage")]
    NotTheDevice(u64),
    /// Its usage was reported already (a replay).
    #[error("the usage of permit {0} was already reported")]
    AlreadyReported(u64),
    /// More used than the ration allows.
    #[error("permit {otk_id} allows {ration} units; {used} reported")]
    UsageExceedsRation {
        /// The permit.
        otk_id: u64,
        /// Its ration.
        ration: u64,
        /// Reported.
        used: u64,
    },
}

impl OtkError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            OtkError::UnknownPermit(_) => "unknown_permit",
            OtkError::NotTheDevice(_) => "not_the_device",
            OtkError::AlreadyReported(_) => "permit_already_reported",
            OtkError::UsageExceedsRation { .. } => "usage_exceeds_ration",
        }
    }
}
