use aigov_types::Slug;
use aigov_types::model::ModelStatus;

/// Why a model call or action failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// No such organisation.
    #[error("organisation {0} does not exist")]
    UnknownOrganisation(Slug),
    /// The owner is not a lab.
    #[error("organisation {0} is not an AI lab")]
    NotLab(Slug),
    /// The sender is not Active personnel of the owner.
    #[error("the sender is not Active personnel of {0}")]
    NotOwnerPersonnel(Slug),
    /// No name.
    #[error("a model needs a name")]
    EmptyName,
    /// No declared purpose.
    #[error("a model needs a declared purpose")]
    EmptyPurpose,
    /// The container ID is registered already.
    #[error("this container ID is already registered as model {0}")]
    DuplicateContainer(u64),
    /// No such model.
    #[error("model {0} does not exist")]
    UnknownModel(u64),
    /// The parent belongs to another lab.
    #[error("parent model {0} belongs to another organisation")]
    ParentNotOwned(u64),
    /// The model is not in a status the action applies to.
    #[error("model {model} is {status:?}; {action} needs {expected}")]
    InvalidStatus {
        /// The model.
        model: u64,
        /// Its status.
        status: ModelStatus,
        /// The action.
        action: &'static str,
        /// What it needs.
        expected: &'static str,
    },
    /// A tier outside 1..=TIER_MAX.
    #[error("tier {0} is outside 1..=9")]
    InvalidTier(u8),
    /// Every budget is zero.
    #[error("at least one phase budget must be above zero")]
    ZeroBudget,
    /// The provenance does not hold.
    #[error("invalid provenance: {0}")]
    InvalidProvenance(&'static str),
}

impl ModelError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            ModelError::UnknownOrganisation(_) => "unknown_organisation",
            ModelError::NotLab(_) => "not_a_lab",
            ModelError::NotOwnerPersonnel(_) => "not_owner_personnel",
            ModelError::EmptyName => "empty_name",
            ModelError::EmptyPurpose => "empty_purpose",
            ModelError::DuplicateContainer(_) => "duplicate_container_id",
            ModelError::UnknownModel(_) => "unknown_model",
            ModelError::ParentNotOwned(_) => "parent_not_owned",
            ModelError::InvalidStatus { .. } => "invalid_model_status",
            ModelError::InvalidTier(_) => "invalid_tier",
            ModelError::ZeroBudget => "zero_budget",
            ModelError::InvalidProvenance(_) => "invalid_provenance",
        }
    }
}
