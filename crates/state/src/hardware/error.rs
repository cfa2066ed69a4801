use aigov_types::Slug;
use aigov_types::hardware::{ComputeParamsError, HardwareStatus};

/// Why a hardware call or action failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum HardwareError {
    /// No such organisation.
    #[error("organisation {0} does not exist")]
    UnknownOrganisation(Slug),
    /// The operator is not a datacenter.
    #[error("organisation {0} is not a datacenter operator")]
    NotDatacenter(Slug),
    /// The sender is not Active Hardware personnel of the operator.
    #[error("the sender is not Active personnel with the Hardware role of operator {0}")]
    NotOperatorPersonnel(Slug),
    /// The device key is already registered.
    #[error("this device key is already registered as hardware {0}")]
    DeviceKeyTaken(u64),
    /// The device's proof of possession does not verify.
    #[error("the device key's proof of possession does not verify for this chain and operator")]
    InvalidDeviceProof,
    /// No region declared.
    #[error("the hardware needs a declared region")]
    EmptyRegion,
    /// No such hardware.
    #[error("hardware {0} does not exist")]
    UnknownHardware(u64),
    /// An inspector (the sender or a co-signer) is not an Active Inspector.
    #[error("{0} is not Active personnel with the Inspector role (or their term expired)")]
    NotInspector(aigov_types::PublicKey),
    /// A co-signature does not verify over the record digest.
    #[error("the co-signature of {0} does not verify over the record digest")]
    InvalidCosignature(aigov_types::PublicKey),
    /// The same inspector appears twice.
    #[error("inspector {0} appears twice in the record")]
    DuplicateInspector(aigov_types::PublicKey),
    /// An inspector works for the operator.
    #[error("inspector {0} belongs to the operator and may not inspect its hardware")]
    InspectorConflict(aigov_types::PublicKey),
    /// The same record was filed before.
    #[error("this inspection record was already filed as inspection {0}")]
    DuplicateInspection(u64),
    /// A member listed as present does not exist.
    #[error("member {0} does not exist")]
    UnknownMember(Slug),
    /// The hardware is not in a status the action applies to.
    #[error("hardware {hardware} is {status:?}; {action} needs {expected}")]
    InvalidStatus {
        /// The hardware.
        hardware: u64,
        /// Its status.
        status: HardwareStatus,
        /// The action.
        action: &'static str,
        /// What it needs.
        expected: &'static str,
    },
    /// The template named has no reference values to check evidence against.
    #[error("template {0} has no reference values; integrity challenges need them")]
    NoReferenceValues(u64),
    /// No passing inspection since the last status change.
    #[error("hardware {0} has no passing inspection filed since its last status change")]
    NoPassingInspection(u64),
    /// The inspectors come from too few members.
    #[error("the inspection's inspectors come from {have} member(s); {need} are required")]
    TooFewInspectorMembers {
        /// Distinct members.
        have: u16,
        /// Required.
        need: u16,
    },
    /// Every budget is zero.
    #[error("at least one phase budget must be above zero")]
    ZeroBudget,
    /// Invalid compute parameters.
    #[error("invalid compute parameters: {0}")]
    InvalidParams(#[from] ComputeParamsError),
}

impl HardwareError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            HardwareError::UnknownOrganisation(_) => "unknown_organisation",
            HardwareError::NotDatacenter(_) => "not_a_datacenter",
            HardwareError::NotOperatorPersonnel(_) => "not_operator_personnel",
            HardwareError::DeviceKeyTaken(_) => "device_already_registered",
            HardwareError::InvalidDeviceProof => "invalid_device_proof",
            HardwareError::EmptyRegion => "empty_region",
            HardwareError::UnknownHardware(_) => "unknown_hardware",
            HardwareError::NotInspector(_) => "not_inspector",
            HardwareError::InvalidCosignature(_) => "invalid_cosignature",
            HardwareError::DuplicateInspector(_) => "duplicate_inspector",
            HardwareError::InspectorConflict(_) => "inspector_conflict",
            HardwareError::DuplicateInspection(_) => "duplicate_inspection",
            HardwareError::UnknownMember(_) => "unknown_member",
            HardwareError::InvalidStatus { .. } => "invalid_hardware_status",
            HardwareError::NoPassingInspection(_) => "no_passing_inspection",
            HardwareError::NoReferenceValues(_) => "no_reference_values",
            HardwareError::TooFewInspectorMembers { .. } => "too_few_inspector_members",
            HardwareError::ZeroBudget => "zero_budget",
            HardwareError::InvalidParams(_) => "invalid_compute_params",
        }
    }
}
