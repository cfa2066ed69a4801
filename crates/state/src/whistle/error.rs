use aigov_types::whistle::{ReportStatus, SealFormatError};

/// Why a whistle-blower call or action failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum WhistleError {
    /// No reviewing key is set: nobody could read a report.
    #[error("no reviewing key is set; reports are accepted once a System proposal sets one")]
    NoReviewingKey,
    /// The sealed blob has the wrong shape.
    #[error(transparent)]
    Sealed(#[from] SealFormatError),
    /// No such report.
    #[error("report {0} does not exist")]
    UnknownReport(u64),
    /// A review that does not follow Filed → UnderReview → Confirmed | Dismissed.
    #[error("report {report} is {from:?}; it cannot become {to:?}")]
    InvalidTransition {
        /// The report.
        report: u64,
        /// Its status.
        from: ReportStatus,
        /// The status asked for.
        to: ReportStatus,
    },
    /// A dismissed report cannot be escalated.
    #[error("report {0} was dismissed; it cannot be escalated")]
    ReportDismissed(u64),
    /// A reward for a report that is not Confirmed.
    #[error("report {report} is {status:?}; only a confirmed report is rewarded")]
    NotConfirmed {
        /// The report.
        report: u64,
        /// Its status.
        status: ReportStatus,
    },
    /// A reward paid to another key than the reporter's.
    #[error("the reward for report {0} must be paid to the key that filed it")]
    RewardNotToReporter(u64),
    /// The report was already rewarded.
    #[error("report {report} was already rewarded by payment {payment}")]
    AlreadyRewarded {
        /// The report.
        report: u64,
        /// The payment.
        payment: u64,
    },
}

impl WhistleError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            WhistleError::NoReviewingKey => "no_reviewing_key",
            WhistleError::Sealed(e) => e.code(),
            WhistleError::UnknownReport(_) => "unknown_report",
            WhistleError::InvalidTransition { .. } => "invalid_report_transition",
            WhistleError::ReportDismissed(_) => "report_dismissed",
            WhistleError::NotConfirmed { .. } => "report_not_confirmed",
            WhistleError::RewardNotToReporter(_) => "reward_not_to_reporter",
            WhistleError::AlreadyRewarded { .. } => "report_already_rewarded",
        }
    }
}
