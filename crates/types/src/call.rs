//! `Call`: every action a transaction can carry, one variant per state module.
//!
//! The encoding is a module tag then the module's own call enum, so modules add calls without
//! renumbering each other.

use crate::codec_enum;
use crate::governance::GovernanceCall;
use crate::personnel::PersonnelCall;
use serde::{Deserialize, Serialize};

/// An action of some module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    /// Personnel registry.
    Personnel(PersonnelCall),
    /// Governance: proposals and votes.
    Governance(GovernanceCall),
}
codec_enum!(Call {
    0 => Personnel(PersonnelCall),
    1 => Governance(GovernanceCall),
});

/// Who pays a call's gas.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sponsorship {
    /// The sender pays from its own credits; it must have an account.
    Unsponsored,
    /// The pool pays for an application by a newcomer, who may have no account yet. Bounded
    /// per account (`sponsored_txs_per_account_max`, counted by nonce) and per block
    /// (`sponsored_txs_per_block_max`), since anyone can make a fresh key.
    Applicant,
    /// The pool pays for a duty of vetted personnel (proposing, voting): personnel never pay
    /// to govern. Only Active personnel may send these calls, so they are bounded by the
    /// number of personnel and need no quota; anyone else is refused at admission.
    Duty,
}

impl Call {
    /// A short name for logs and metrics, e.g. `personnel.register`.
    pub fn name(&self) -> &'static str {
        match self {
            Call::Personnel(PersonnelCall::Register(_)) => "personnel.register",
            Call::Governance(GovernanceCall::Propose(_)) => "governance.propose",
            Call::Governance(GovernanceCall::Vote(_)) => "governance.vote",
            Call::Governance(GovernanceCall::Cancel(_)) => "governance.cancel",
        }
    }

    /// Who pays this call's gas.
    pub fn sponsorship(&self) -> Sponsorship {
        match self {
            Call::Personnel(PersonnelCall::Register(_)) => Sponsorship::Applicant,
            Call::Governance(_) => Sponsorship::Duty,
        }
    }

    /// True when the system pool pays this call's gas rather than the sender (an applicant's
    /// call or a personnel duty).
    pub fn is_sponsored(&self) -> bool {
        self.sponsorship() != Sponsorship::Unsponsored
    }
}
