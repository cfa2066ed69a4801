//! `Call`: every action a transaction can carry, one variant per state module.
//!
//! The encoding is a module tag then the module's own call enum, so modules add calls without
//! renumbering each other.

use crate::codec_enum;
use crate::economy::GasCall;
use crate::governance::GovernanceCall;
use crate::hardware::HardwareCall;
use crate::model::ModelCall;
use crate::otk::OtkCall;
use crate::personnel::PersonnelCall;
use crate::template::{ReportCall, TemplateCall};
use crate::treasury::TreasuryCall;
use crate::whistle::WhistleCall;
use crate::workload::WorkloadCall;
use serde::{Deserialize, Serialize};

/// An action of some module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    /// Personnel registry.
    Personnel(PersonnelCall),
    /// Governance: proposals and votes.
    Governance(GovernanceCall),
    /// Gas credits: recorded purchases.
    Gas(GasCall),
    /// The shared treasury: bounty claims.
    Treasury(TreasuryCall),
    /// The hardware registry: registrations and inspections.
    Hardware(HardwareCall),
    /// The model registry.
    Model(ModelCall),
    /// Workloads and runs.
    Workload(WorkloadCall),
    /// The OTK issuer: usage reports.
    Otk(OtkCall),
    /// The whistle-blower program: sealed reports.
    Whistle(WhistleCall),
    /// Templates: proposals.
    Template(TemplateCall),
    /// Report runners and their reports.
    Report(ReportCall),
}
codec_enum!(Call {
    0 => Personnel(PersonnelCall),
    1 => Governance(GovernanceCall),
    2 => Gas(GasCall),
    3 => Treasury(TreasuryCall),
    4 => Hardware(HardwareCall),
    5 => Model(ModelCall),
    6 => Workload(WorkloadCall),
    7 => Otk(OtkCall),
    10 => Whistle(WhistleCall),
    11 => Template(TemplateCall),
    12 => Report(ReportCall),
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
    /// The pool pays for a duty of vetted personnel (proposing, voting, recording purchases):
    /// personnel never pay to govern. Only Active personnel may send these calls, and each
    /// person's duties draw on a daily allowance (`duty_allowance_per_day`), so one person
    /// cannot drain the pool; anyone else is refused at admission.
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
            Call::Governance(GovernanceCall::Escalate(_)) => "governance.escalate",
            Call::Governance(GovernanceCall::Challenge(_)) => "governance.challenge",
            Call::Governance(GovernanceCall::Delegate(_)) => "governance.delegate",
            Call::Governance(GovernanceCall::Execute(_)) => "governance.execute",
            Call::Governance(GovernanceCall::VoteRound(_)) => "governance.vote_round",
            Call::Gas(GasCall::RecordPurchase(_)) => "gas.record_purchase",
            Call::Treasury(TreasuryCall::ClaimBounty(_)) => "treasury.claim_bounty",
            Call::Hardware(HardwareCall::Register(_)) => "hardware.register",
            Call::Hardware(HardwareCall::Inspect(_)) => "hardware.inspect",
            Call::Hardware(HardwareCall::AnswerChallenge(_)) => "hardware.answer_challenge",
            Call::Model(ModelCall::Register(_)) => "model.register",
            Call::Model(ModelCall::Declare(_)) => "model.declare",
            Call::Model(ModelCall::RegisterRetry(_)) => "model.register_retry",
            Call::Template(TemplateCall::Propose(_)) => "template.propose",
            Call::Report(ReportCall::RegisterRunner(_)) => "report.register_runner",
            Call::Report(ReportCall::Submit(_)) => "report.submit",
            Call::Workload(WorkloadCall::Create(_)) => "workload.create",
            Call::Workload(WorkloadCall::StartRun(_)) => "workload.start_run",
            Call::Otk(OtkCall::ReportUsage(_)) => "otk.report_usage",
            Call::Whistle(WhistleCall::File(_)) => "whistle.file",
        }
    }

    /// Who pays this call's gas.
    pub fn sponsorship(&self) -> Sponsorship {
        match self {
            // Anyone may apply to be personnel, claim a bounty or blow the whistle, without
            // funds (a whistle-blower should not need an account that identifies them).
            Call::Personnel(PersonnelCall::Register(_))
            | Call::Treasury(TreasuryCall::ClaimBounty(_))
            | Call::Whistle(WhistleCall::File(_)) => Sponsorship::Applicant,
            // Recording a purchase is a treasury officer's duty, filing an inspection an
            // inspector's.
            // Proposing a template is Safety personnel's duty, registering a runner an
            // auditor's.
            Call::Governance(_)
            | Call::Gas(_)
            | Call::Hardware(HardwareCall::Inspect(_))
            | Call::Template(_)
            | Call::Report(ReportCall::RegisterRunner(_)) => Sponsorship::Duty,
            // Operators and labs pay for their registrations, workloads and runs (they buy
            // credits); a device pays for its usage reports from the credits its operator
            // bought for its key.
            Call::Hardware(HardwareCall::Register(_))
            // A device answers its integrity challenges from its own credits too.
            | Call::Hardware(HardwareCall::AnswerChallenge(_))
            | Call::Model(_)
            | Call::Workload(_)
            | Call::Otk(_)
            // A runner pays for its reports from credits its operator bought for its key.
            | Call::Report(ReportCall::Submit(_)) => Sponsorship::Unsponsored,
        }
    }

    /// True for calls that carry attestation evidence, the only ones that may exceed
    /// [crate::tx::MAX_TX_BYTES] (up to [crate::tx::MAX_ATTESTED_TX_BYTES]).
    pub fn carries_evidence(&self) -> bool {
        match self {
            Call::Hardware(HardwareCall::AnswerChallenge(_)) => true,
            Call::Report(ReportCall::Submit(s)) => s.evidence.is_some(),
            _ => false,
        }
    }

    /// The largest signed transaction this call may travel in.
    pub fn max_tx_bytes(&self) -> usize {
        if self.carries_evidence() {
            crate::tx::MAX_ATTESTED_TX_BYTES
        } else {
            crate::tx::MAX_TX_BYTES
        }
    }

    /// True when the system pool pays this call's gas rather than the sender (an applicant's
    /// call or a personnel duty).
    pub fn is_sponsored(&self) -> bool {
        self.sponsorship() != Sponsorship::Unsponsored
    }
}
