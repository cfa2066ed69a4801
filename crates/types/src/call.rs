//! `Call`: every action a transaction can carry, one variant per state module.
//!
//! The encoding is a module tag then the module's own call enum, so modules add calls without
//! renumbering each other.

use crate::codec_enum;
use crate::personnel::PersonnelCall;
use serde::{Deserialize, Serialize};

/// An action of some module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    /// Personnel registry.
    Personnel(PersonnelCall),
}
codec_enum!(Call { 0 => Personnel(PersonnelCall) });

impl Call {
    /// A short name for logs and metrics, e.g. `personnel.register`.
    pub fn name(&self) -> &'static str {
        match self {
            Call::Personnel(PersonnelCall::Register(_)) => "personnel.register",
        }
    }

    /// True when the system pool pays this call's gas rather than the sender, so a fresh key
    /// with no account may send it.
    pub fn is_sponsored(&self) -> bool {
        matches!(self, Call::Personnel(PersonnelCall::Register(_)))
    }
}
