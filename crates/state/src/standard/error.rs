/// Why a `set_standard` action failed (template checks fail with [crate::templates::TemplateError]).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum StandardError {
    /// A tier outside 1..=TIER_MAX.
    #[error("rule {rule}: tier {tier} is outside 1..=9")]
    InvalidTier {
        /// The rule's index.
        rule: usize,
        /// The tier.
        tier: u8,
    },
    /// Two rules for one (architecture, tier, scope, purpose).
    #[error("rule {rule} repeats an earlier rule's architecture, tier, scope and purpose")]
    DuplicateRule {
        /// The rule's index.
        rule: usize,
    },
    /// A rule that requires nothing would certify without any audit.
    #[error("rule {rule} requires no audit: every rule needs at least one")]
    NoAudit {
        /// The rule's index.
        rule: usize,
    },
    /// The reject severity is outside 1..=4.
    #[error("reject severity {0} is outside 1..=4")]
    InvalidSeverity(u8),
    /// No standard is in force.
    #[error("no safety standard is in force yet")]
    NoStandard,
}

impl StandardError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            StandardError::InvalidTier { .. } => "invalid_tier",
            StandardError::DuplicateRule { .. } => "duplicate_rule",
            StandardError::NoAudit { .. } => "rule_without_audit",
            StandardError::InvalidSeverity(_) => "invalid_severity",
            StandardError::NoStandard => "no_standard",
        }
    }
}
