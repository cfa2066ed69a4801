use aigov_types::template::{TemplateKind, TemplateStatus};

/// Why a template call or action failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// The sender is not Active Safety personnel.
    #[error("only Active Safety personnel may propose templates")]
    NotSafetyPersonnel,
    /// No name.
    #[error("a template needs a name")]
    EmptyName,
    /// Cedar refused the policy text; the message is the engine's.
    #[error("invalid policy: {0}")]
    InvalidPolicy(String),
    /// No such template.
    #[error("template {0} does not exist")]
    UnknownTemplate(u64),
    /// The template is not in a status the action applies to.
    #[error("template {template} is {status:?}; {action} needs {expected}")]
    InvalidStatus {
        /// The template.
        template: u64,
        /// Its status.
        status: TemplateStatus,
        /// The action.
        action: &'static str,
        /// What it needs.
        expected: &'static str,
    },
    /// The template is of another kind than needed.
    #[error("template {template} is a {kind:?} template; {expected} is needed here")]
    WrongKind {
        /// The template.
        template: u64,
        /// Its kind.
        kind: TemplateKind,
        /// What is needed.
        expected: &'static str,
    },
    /// Reference values given to a template that is not a Hardware one, or malformed ones.
    #[error("invalid reference values: {0}")]
    InvalidReference(String),
    /// A physical policy given to a template that is not a Hardware one, or a malformed one.
    #[error("invalid physical policy: {0}")]
    InvalidPhysical(String),
    /// The template is required by the standard in force: a new version must drop it first.
    #[error("template {0} is required by the standard in force; set a standard without it first")]
    InStandard(u64),
}

impl TemplateError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            TemplateError::NotSafetyPersonnel => "not_safety_personnel",
            TemplateError::EmptyName => "empty_name",
            TemplateError::InvalidPolicy(_) => "invalid_policy",
            TemplateError::UnknownTemplate(_) => "unknown_template",
            TemplateError::InvalidStatus { .. } => "invalid_template_status",
            TemplateError::WrongKind { .. } => "wrong_template_kind",
            TemplateError::InStandard(_) => "template_in_standard",
            TemplateError::InvalidReference(_) => "invalid_reference",
            TemplateError::InvalidPhysical(_) => "invalid_physical_policy",
        }
    }
}
