use aigov_types::personnel::PersonnelStatus;
use aigov_types::{PublicKey, Slug};

/// Why a personnel call failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum PersonnelError {
    /// No such member.
    #[error("member {0} does not exist")]
    UnknownMember(Slug),
    /// No such organisation.
    #[error("organisation {0} does not exist")]
    UnknownOrganisation(Slug),
    /// The organisation belongs to another member.
    #[error("organisation {organisation} is under member {actual}, not {requested}")]
    OrganisationMemberMismatch {
        /// The organisation.
        organisation: Slug,
        /// Its member.
        actual: Slug,
        /// The member named in the call.
        requested: Slug,
    },
    /// The account already has a personnel record.
    #[error("account {0} is already registered as personnel")]
    AlreadyRegistered(PublicKey),
    /// Tier outside 1..=max.
    #[error("tier {tier} is outside 1..={max}")]
    InvalidTier {
        /// Requested.
        tier: u8,
        /// Lowest tier.
        max: u8,
    },
    /// The member has no seats at the requested tier.
    #[error("member {member} has no seats at tier {tier}")]
    NoSeatsAtTier {
        /// The member.
        member: Slug,
        /// The tier.
        tier: u8,
    },
    /// No roles requested.
    #[error("at least one role is required")]
    NoRoles,
    /// No personnel record for the account.
    #[error("account {0} is not registered as personnel")]
    UnknownPersonnel(PublicKey),
    /// The status change is not one of the allowed edges (Pending or Suspended → Active,
    /// Active → Suspended, anything but Removed → Removed).
    #[error("personnel {account} cannot go from {from:?} to {to:?}")]
    InvalidTransition {
        /// The person.
        account: PublicKey,
        /// Their status.
        from: PersonnelStatus,
        /// The status asked for.
        to: PersonnelStatus,
    },
    /// The person already holds the tier asked for.
    #[error("personnel {account} is already at tier {tier}")]
    TierUnchanged {
        /// The person.
        account: PublicKey,
        /// The tier.
        tier: u8,
    },
    /// The person was removed; nothing more can change for them.
    #[error("personnel {0} was removed")]
    Removed(PublicKey),
    /// A genesis id appears twice.
    #[error("{kind} {id} appears twice")]
    Duplicate {
        /// What kind of entity.
        kind: &'static str,
        /// Its id.
        id: String,
    },
}

impl PersonnelError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            PersonnelError::UnknownMember(_) => "unknown_member",
            PersonnelError::UnknownOrganisation(_) => "unknown_organisation",
            PersonnelError::OrganisationMemberMismatch { .. } => "organisation_member_mismatch",
            PersonnelError::AlreadyRegistered(_) => "already_registered",
            PersonnelError::InvalidTier { .. } => "invalid_tier",
            PersonnelError::NoSeatsAtTier { .. } => "no_seats_at_tier",
            PersonnelError::NoRoles => "no_roles",
            PersonnelError::UnknownPersonnel(_) => "unknown_personnel",
            PersonnelError::InvalidTransition { .. } => "invalid_status_transition",
            PersonnelError::TierUnchanged { .. } => "tier_unchanged",
            PersonnelError::Removed(_) => "personnel_removed",
            PersonnelError::Duplicate { .. } => "duplicate",
        }
    }
}
