//! Events: the typed, past-tense record of every state change, appended to the activity log.

use crate::codec::{BoundedString, BoundedVec, Hash, Slug};
use crate::crypto::PublicKey;
use crate::economy::{EconomyParams, Purchase};
use crate::governance::{
    ACTIONS_MAX, Action, Choice, ClassParams, GovernanceParams, ProposalClass, TallyOutcome,
};
use crate::hardware::{ComputeParams, Hardware, HardwareStatus, InspectionResult};
use crate::model::{Model, ModelStatus, PhaseBudgets};
use crate::otk::OtkPermit;
use crate::personnel::{PersonnelStatus, Roles};
use crate::receipt::{Failure, GasPayer, TxOutcome};
use crate::selection::CandidateWeight;
use crate::template::{
    Report, RetryGrant, Runner, StandardVersion, Template, TemplateStatus, VaultCommitment,
};
use crate::treasury::{Bounty, InflowSource, Payment};
use crate::whistle::{ReportStatus, SealKey};
use crate::workload::{HaltReason, Run, Workload};
use crate::{codec_enum, codec_struct};
use serde::{Deserialize, Serialize};

/// Genesis was applied (the first event of every chain).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisApplied {
    /// The chain id.
    pub chain_id: Slug,
    /// Hash of the genesis document.
    pub genesis_hash: Hash,
}
codec_struct!(GenesisApplied {
    chain_id,
    genesis_hash
});

/// A member (nation or supranational body) was admitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAdmitted {
    /// Its id.
    pub member: Slug,
    /// Its name.
    pub name: BoundedString<128>,
}
codec_struct!(MemberAdmitted { member, name });

/// An organisation was added under a member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationAdded {
    /// Its id.
    pub organisation: Slug,
    /// Its member.
    pub member: Slug,
}
codec_struct!(OrganisationAdded {
    organisation,
    member
});

/// An account received gas credits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GasCredited {
    /// The account.
    pub account: PublicKey,
    /// Credits added.
    pub amount: u64,
    /// Why (e.g. `genesis`).
    pub reason: BoundedString<64>,
}
codec_struct!(GasCredited {
    account,
    amount,
    reason
});

/// A person registered (Pending) or was seated at genesis (Active).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonnelRegistered {
    /// Their account.
    pub account: PublicKey,
    /// Their member.
    pub member: Slug,
    /// Their roles.
    pub roles: Roles,
    /// Their tier.
    pub tier: u8,
    /// Their status after registration.
    pub status: PersonnelStatus,
}
codec_struct!(PersonnelRegistered {
    account,
    member,
    roles,
    tier,
    status
});

/// A transaction was executed (successfully or not). Emitted last among a transaction's events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxExecuted {
    /// The transaction hash.
    pub hash: Hash,
    /// The sender.
    pub sender: PublicKey,
    /// The sender's nonce it consumed.
    pub nonce: u64,
    /// The call's name, e.g. `personnel.register`.
    pub call: BoundedString<64>,
    /// Success, or the failure's code and message.
    pub outcome: TxOutcome,
    /// Gas charged.
    pub gas_used: u64,
    /// Credits charged for it (gas × the block's price).
    pub credits: u64,
    /// Who paid.
    pub payer: GasPayer,
}
codec_struct!(TxExecuted {
    hash,
    sender,
    nonce,
    call,
    outcome,
    gas_used,
    credits,
    payer
});

/// A person's status changed (by an executed proposal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonnelStatusChanged {
    /// Their account.
    pub account: PublicKey,
    /// The status before.
    pub from: PersonnelStatus,
    /// The status after.
    pub to: PersonnelStatus,
}
codec_struct!(PersonnelStatusChanged { account, from, to });

/// A person moved to another tier (by an executed proposal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonnelTierChanged {
    /// Their account.
    pub account: PublicKey,
    /// The tier before.
    pub from: u8,
    /// The tier after.
    pub to: u8,
}
codec_struct!(PersonnelTierChanged { account, from, to });

/// A person's term was renewed (by an executed proposal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonnelTermRenewed {
    /// Their account.
    pub account: PublicKey,
    /// The new end of their term (block time, ms).
    pub term_expires_ms: u64,
}
codec_struct!(PersonnelTermRenewed {
    account,
    term_expires_ms
});

/// A proposal was submitted; it is Pending until `voting_starts_ms`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalSubmitted {
    /// Its id.
    pub proposal: u64,
    /// Its class.
    pub class: ProposalClass,
    /// Who submitted it.
    pub proposer: PublicKey,
    /// Its title.
    pub title: BoundedString<256>,
    /// Digest of its description.
    pub description_hash: Hash,
    /// What it does if executed.
    pub actions: BoundedVec<Action, ACTIONS_MAX>,
    /// Voting opens at this block time.
    pub voting_starts_ms: u64,
    /// Voting closes at this block time.
    pub voting_ends_ms: u64,
}
codec_struct!(ProposalSubmitted {
    proposal,
    class,
    proposer,
    title,
    description_hash,
    actions,
    voting_starts_ms,
    voting_ends_ms
});

/// Voting on a proposal opened (Pending → Active).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalActivated {
    /// The proposal.
    pub proposal: u64,
    /// Voting closes at this block time.
    pub voting_ends_ms: u64,
}
codec_struct!(ProposalActivated {
    proposal,
    voting_ends_ms
});

/// A ballot was cast or changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteCast {
    /// The proposal.
    pub proposal: u64,
    /// The voter.
    pub voter: PublicKey,
    /// The voter's member.
    pub member: Slug,
    /// The choice.
    pub choice: Choice,
    /// The voter's tier weight.
    pub weight: u32,
    /// The choice this ballot replaced, if the voter had voted before.
    pub previous: Option<Choice>,
    /// Digest of the rationale, if any.
    pub rationale: Option<Hash>,
}
codec_struct!(VoteCast {
    proposal,
    voter,
    member,
    choice,
    weight,
    previous,
    rationale
});

/// A proposal was tallied at the end of voting (or at the end of its confirm period). The full
/// decision record is stored in the proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalTallied {
    /// The proposal.
    pub proposal: u64,
    /// True for the re-tally at the end of the confirm period.
    pub confirming: bool,
    /// The outcome.
    pub outcome: TallyOutcome,
    /// Counted yes weight.
    pub total_yes: u64,
    /// Counted no weight.
    pub total_no: u64,
    /// Counted abstain weight.
    pub total_abstain: u64,
    /// Eligible weight (after member caps).
    pub eligible_weight: u64,
    /// Members approving by their own majority.
    pub approving_members: u16,
    /// Members rejecting by their own majority.
    pub vetoing_members: u16,
}
codec_struct!(ProposalTallied {
    proposal,
    confirming,
    outcome,
    total_yes,
    total_no,
    total_abstain,
    eligible_weight,
    approving_members,
    vetoing_members
});

/// A passed proposal was queued behind its enactment delay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalQueued {
    /// The proposal.
    pub proposal: u64,
    /// Earliest block time of execution.
    pub eta_ms: u64,
    /// It expires if not executed by this block time.
    pub expires_ms: u64,
}
codec_struct!(ProposalQueued {
    proposal,
    eta_ms,
    expires_ms
});

/// A proposal's actions ran, all of them (their own events precede this one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalExecuted {
    /// The proposal.
    pub proposal: u64,
    /// How many actions ran.
    pub actions: u16,
}
codec_struct!(ProposalExecuted { proposal, actions });

/// A proposal's execution failed; none of its actions took effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalExecutionFailed {
    /// The proposal.
    pub proposal: u64,
    /// Index of the action that failed.
    pub action: u16,
    /// Why (the action's error code and message).
    pub reason: Failure,
}
codec_struct!(ProposalExecutionFailed {
    proposal,
    action,
    reason
});

/// A proposal was withdrawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalCanceled {
    /// The proposal.
    pub proposal: u64,
    /// Who canceled it.
    pub by: PublicKey,
}
codec_struct!(ProposalCanceled { proposal, by });

/// A queued proposal was not executed within its execution window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalExpired {
    /// The proposal.
    pub proposal: u64,
    /// The deadline it missed.
    pub deadline_ms: u64,
}
codec_struct!(ProposalExpired {
    proposal,
    deadline_ms
});

/// Quorum was first reached late, so voting was extended (late-quorum protection).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VotingExtended {
    /// The proposal.
    pub proposal: u64,
    /// The new end of voting.
    pub voting_ends_ms: u64,
    /// Extensions so far.
    pub extensions: u8,
}
codec_struct!(VotingExtended {
    proposal,
    voting_ends_ms,
    extensions
});

/// One class's parameters were replaced (by an executed System proposal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassParamsChanged {
    /// The class.
    pub class: ProposalClass,
    /// Its new parameters.
    pub params: ClassParams,
}
codec_struct!(ClassParamsChanged { class, params });

/// Every governance parameter was replaced (by an executed System proposal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GovernanceParamsChanged {
    /// The new parameters.
    pub params: GovernanceParams,
}
codec_struct!(GovernanceParamsChanged { params });

/// A purchase of credits was recorded and the credits issued (to an account, or to the pool
/// for a top-up).
pub type GasPurchased = Purchase;

/// The gas price moved at the end of a block (the published algorithm; see
/// [EconomyParams::next_price]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GasPriceChanged {
    /// The price before, milli-credits per gas.
    pub from: u64,
    /// The price from the next block on.
    pub to: u64,
    /// Gas the block used.
    pub gas_used: u64,
}
codec_struct!(GasPriceChanged { from, to, gas_used });

/// The economy's parameters were replaced by an executed proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EconomyParamsChanged {
    /// The new parameters.
    pub params: EconomyParams,
}
codec_struct!(EconomyParamsChanged { params });

/// The treasury received funds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreasuryCredited {
    /// Treasury units.
    pub amount: u64,
    /// From where.
    pub source: InflowSource,
    /// Credits the gas tax was levied on (0 for other sources).
    pub credits_taxed: u64,
    /// The balance afterwards.
    pub balance: u64,
}
codec_struct!(TreasuryCredited {
    amount,
    source,
    credits_taxed,
    balance
});

/// A bounty claim was rejected by an executed proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BountyRejected {
    /// The claim.
    pub bounty: u64,
    /// The proposal.
    pub proposal: u64,
}
codec_struct!(BountyRejected { bounty, proposal });

/// A person below a class's tiers raised a threat: an Emergency proposal for the top tiers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalEscalated {
    /// The Emergency proposal.
    pub proposal: u64,
    /// Who escalated.
    pub by: PublicKey,
    /// Their tier.
    pub tier: u8,
}
codec_struct!(ProposalEscalated { proposal, by, tier });

/// A queued proposal was challenged: its execution waits for the Emergency review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalChallenged {
    /// The challenged proposal.
    pub proposal: u64,
    /// Who challenged.
    pub challenger: PublicKey,
    /// The bond locked, in credits.
    pub bond: u64,
    /// The Emergency review opened.
    pub review: u64,
}
codec_struct!(ProposalChallenged {
    proposal,
    challenger,
    bond,
    review
});

/// A dispute ended: sustained (the proposal is canceled, the bond returned) or not (the
/// proposal is queued again, the bond goes to the pool).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeResolved {
    /// The challenged proposal.
    pub proposal: u64,
    /// The review.
    pub review: u64,
    /// True if the challenge was sustained.
    pub sustained: bool,
    /// The bond.
    pub bond: u64,
}
codec_struct!(DisputeResolved {
    proposal,
    review,
    sustained,
    bond
});

/// A delegation was made (`to` set) or revoked (`to: None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteDelegated {
    /// Who delegates.
    pub delegator: PublicKey,
    /// The class.
    pub class: ProposalClass,
    /// The delegate, or `None` when revoked.
    pub to: Option<PublicKey>,
}
codec_struct!(VoteDelegated {
    delegator,
    class,
    to
});

/// An executed Emergency proposal was ratified by a regular one: it will not lapse.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyRatified {
    /// The Emergency proposal.
    pub proposal: u64,
    /// The ratifying proposal.
    pub by: u64,
}
codec_struct!(EmergencyRatified { proposal, by });

/// An Emergency proposal lapsed unratified: its reversible actions were undone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyLapsed {
    /// The Emergency proposal.
    pub proposal: u64,
    /// Actions undone.
    pub rolled_back: u16,
    /// Actions that could not be undone (final by nature, or no longer applicable).
    pub kept: u16,
}
codec_struct!(EmergencyLapsed {
    proposal,
    rolled_back,
    kept
});

/// A new proposal acts on objects that live proposals already act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalConflicts {
    /// The new proposal (flagged).
    pub proposal: u64,
    /// The earlier live proposals it conflicts with.
    pub with: BoundedVec<u64, { crate::governance::CONFLICTS_MAX }>,
}
codec_struct!(ProposalConflicts { proposal, with });

/// A live proposal was canceled: by an Emergency vote, or because executing a conflicting
/// proposal made one of its actions impossible (superseded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposalCanceledByVote {
    /// The canceled proposal.
    pub proposal: u64,
    /// The executed proposal that canceled or superseded it.
    pub by: u64,
    /// For a superseded proposal: which action can no longer run, and why.
    pub superseded: Option<Failure>,
}
codec_struct!(ProposalCanceledByVote {
    proposal,
    by,
    superseded
});
/// A hardware's status changed (approval, revocation, inspection due, re-inspection).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardwareStatusChanged {
    /// The hardware.
    pub hardware: u64,
    /// Before.
    pub from: HardwareStatus,
    /// After.
    pub to: HardwareStatus,
    /// Why (a revocation's reason, `inspection_due`, `inspection_failed`, `reinspected`…).
    pub reason: BoundedString<128>,
}
codec_struct!(HardwareStatusChanged {
    hardware,
    from,
    to,
    reason
});

/// An inspection record was filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionFiled {
    /// The inspection.
    pub inspection: u64,
    /// The hardware.
    pub hardware: u64,
    /// The record's digest (what the inspectors signed).
    pub digest: Hash,
    /// The verdict.
    pub result: InspectionResult,
    /// Inspectors who vouched for it.
    pub inspectors: u16,
    /// Distinct members of those inspectors.
    pub members: u16,
}
codec_struct!(InspectionFiled {
    inspection,
    hardware,
    digest,
    result,
    inspectors,
    members
});

/// Hardware was approved (Active) with budgets by a Review vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardwareApproved {
    /// The hardware.
    pub hardware: u64,
    /// Its budgets.
    pub budgets: PhaseBudgets,
    /// When its next periodic inspection falls due.
    pub inspection_due_ms: u64,
}
codec_struct!(HardwareApproved {
    hardware,
    budgets,
    inspection_due_ms
});

/// A model's status changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelStatusChanged {
    /// The model.
    pub model: u64,
    /// Before.
    pub from: ModelStatus,
    /// After.
    pub to: ModelStatus,
    /// Why.
    pub reason: BoundedString<128>,
}
codec_struct!(ModelStatusChanged {
    model,
    from,
    to,
    reason
});

/// A model was approved with a tier and budgets by a Review vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelApproved {
    /// The model.
    pub model: u64,
    /// Its tier.
    pub tier: u8,
    /// Its budgets.
    pub budgets: PhaseBudgets,
}
codec_struct!(ModelApproved {
    model,
    tier,
    budgets
});

/// A template changed status (approved or retired by a Safety vote).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateStatusChanged {
    /// The template.
    pub template: u64,
    /// Before.
    pub from: TemplateStatus,
    /// After.
    pub to: TemplateStatus,
    /// The proposal that decided it.
    pub proposal: u64,
}
codec_struct!(TemplateStatusChanged {
    template,
    from,
    to,
    proposal
});

/// A model's architecture template and facts were declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelDeclared {
    /// The model.
    pub model: u64,
    /// Its ModelArchitecture template.
    pub architecture: u64,
}
codec_struct!(ModelDeclared {
    model,
    architecture
});

/// A model was certified: every template its standard rule requires has a passing report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelCertified {
    /// The model.
    pub model: u64,
    /// The standard version it was certified under.
    pub standard_version: u32,
    /// The passing reports, one per required template.
    pub reports: BoundedVec<u64, 64>,
}
codec_struct!(ModelCertified {
    model,
    standard_version,
    reports
});

/// A model was rejected by a failing report at or above the standard's reject severity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRejected {
    /// The model.
    pub model: u64,
    /// The report.
    pub report: u64,
    /// Its severity.
    pub severity: u8,
}
codec_struct!(ModelRejected {
    model,
    report,
    severity
});

/// A new standard version changed a certified model's required set: its certification must be
/// renewed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalDue {
    /// The model.
    pub model: u64,
    /// The version it was certified under.
    pub from_version: u32,
    /// The new version.
    pub to_version: u32,
    /// Templates it must now pass again or anew.
    pub missing: BoundedVec<u64, 64>,
}
codec_struct!(RenewalDue {
    model,
    from_version,
    to_version,
    missing
});

/// The retry of a Rejected model was registered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryRegistered {
    /// The Rejected model.
    pub failed: u64,
    /// The retry (a new Pending post-train model).
    pub model: u64,
    /// Its restrictive template.
    pub restrictive_template: u64,
    /// The failed output's vault commitment.
    pub vault: VaultCommitment,
}
codec_struct!(RetryRegistered {
    failed,
    model,
    restrictive_template,
    vault
});

/// A device reported its usage of a permit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtkUsageReported {
    /// The permit.
    pub otk_id: u64,
    /// Its run.
    pub run: u64,
    /// Units used.
    pub used: u64,
    /// Units returned to the budgets (ration − used).
    pub returned: u64,
    /// The device said the run's stage is done.
    pub stage_done: bool,
}
codec_struct!(OtkUsageReported {
    otk_id,
    run,
    used,
    returned,
    stage_done
});

/// A permit was revoked (its run halted or completed, its hardware or model lost its status).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtkRevoked {
    /// The permit.
    pub otk_id: u64,
    /// Its run.
    pub run: u64,
    /// Its device.
    pub device: PublicKey,
    /// Why (a stable code such as `run_halted`, `hardware_not_active`).
    pub reason: BoundedString<64>,
}
codec_struct!(OtkRevoked {
    otk_id,
    run,
    device,
    reason
});

/// A run was halted for good.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunHalted {
    /// The run.
    pub run: u64,
    /// Why.
    pub reason: HaltReason,
}
codec_struct!(RunHalted { run, reason });

/// Phase detection found a usage report's telemetry pointing to another phase than the
/// workload declared, strongly enough to act ([crate::phase::PhaseParams]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseMismatch {
    /// The run.
    pub run: u64,
    /// Its workload.
    pub workload: u64,
    /// The permit the report was about.
    pub otk_id: u64,
    /// The phase the workload declared.
    pub declared: crate::model::Phase,
    /// The phase the telemetry points to.
    pub detected: crate::model::Phase,
    /// The detected phase's share of the classifier's points, bps.
    pub confidence_bps: u16,
    /// How much it outscores the declared phase, bps.
    pub mismatch_bps: u16,
    /// What followed.
    pub action: crate::phase::PhaseAction,
}
codec_struct!(PhaseMismatch {
    run,
    workload,
    otk_id,
    declared,
    detected,
    confidence_bps,
    mismatch_bps,
    action
});

/// The chain posted an integrity challenge to a hardware ([crate::integrity]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeIssued {
    /// The challenge.
    pub challenge: u64,
    /// The hardware.
    pub hardware: u64,
    /// The nonce its evidence must bind.
    pub nonce: crate::codec::Hash,
    /// Block time by which it must be answered (ms).
    pub deadline_ms: u64,
}
codec_struct!(ChallengeIssued {
    challenge,
    hardware,
    nonce,
    deadline_ms
});

/// An integrity challenge was answered (Passed or Failed) or its deadline passed (Missed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeClosed {
    /// The challenge.
    pub challenge: u64,
    /// The hardware.
    pub hardware: u64,
    /// Passed, Failed or Missed.
    pub status: crate::integrity::ChallengeStatus,
    /// Digest of the evidence (zero if Missed).
    pub evidence_digest: crate::codec::Hash,
    /// Why it failed (empty if Passed).
    pub reason: BoundedString<256>,
}
codec_struct!(ChallengeClosed {
    challenge,
    hardware,
    status,
    evidence_digest,
    reason
});

/// A run moved to its next stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunStageAdvanced {
    /// The run.
    pub run: u64,
    /// Its new stage (0-based).
    pub stage: u16,
}
codec_struct!(RunStageAdvanced { run, stage });

/// A run completed its last stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunCompleted {
    /// The run.
    pub run: u64,
    /// Units its device reported used.
    pub used: u64,
}
codec_struct!(RunCompleted { run, used });

/// The drip could not serve a run it visited (it stays Running and is served again once the
/// condition clears: hardware re-approved or re-inspected).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DripPaused {
    /// The run.
    pub run: u64,
    /// Why (a stable code: `hardware_not_active`, `model_not_approved`, `budget_exhausted`).
    pub cause: BoundedString<64>,
}
codec_struct!(DripPaused { run, cause });

/// A safety selection round opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundOpened {
    /// The round.
    pub round: u64,
    /// The Safety proposal that opened it.
    pub proposal: u64,
    /// The category.
    pub category: BoundedString<64>,
    /// How many candidates.
    pub candidates: u16,
    /// When the first sub-round ends.
    pub ends_ms: u64,
}
codec_struct!(RoundOpened {
    round,
    proposal,
    category,
    candidates,
    ends_ms
});

/// A ballot in a selection round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundVoteCast {
    /// The round.
    pub round: u64,
    /// The sub-round.
    pub sub_round: u16,
    /// The voter.
    pub voter: PublicKey,
    /// The candidate.
    pub candidate: u16,
    /// Their earlier choice in this sub-round, if changed.
    pub previous: Option<u16>,
}
codec_struct!(RoundVoteCast {
    round,
    sub_round,
    voter,
    candidate,
    previous
});

/// A sub-round was tallied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundTallied {
    /// The round.
    pub round: u64,
    /// The sub-round.
    pub sub_round: u16,
    /// Each remaining candidate's counted weight, in candidate order.
    pub weights: BoundedVec<CandidateWeight, 16>,
    /// The total counted weight.
    pub counted: u64,
}
codec_struct!(RoundTallied {
    round,
    sub_round,
    weights,
    counted
});

/// The weakest candidate of a sub-round was eliminated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateEliminated {
    /// The round.
    pub round: u64,
    /// The sub-round.
    pub sub_round: u16,
    /// The candidate.
    pub candidate: u16,
}
codec_struct!(CandidateEliminated {
    round,
    sub_round,
    candidate
});

/// A selection round ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundDecided {
    /// The round.
    pub round: u64,
    /// The winner's index (`None`: no votes, no winner).
    pub winner: Option<u16>,
    /// The winning module.
    pub module: Option<Hash>,
    /// The award's payment, if paid.
    pub payment: Option<u64>,
    /// Why the award was not paid, if it was due.
    pub unpaid: Option<Failure>,
}
codec_struct!(RoundDecided {
    round,
    winner,
    module,
    payment,
    unpaid
});

/// A whistle-blower report was filed (the sealed blob itself is in the report's state entry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFiled {
    /// The report id.
    pub report: u64,
    /// Who filed it.
    pub reporter: PublicKey,
    /// The reviewing key it is sealed to.
    pub recipient: SealKey,
    /// SHA-256 of the sealed blob.
    pub sealed_hash: Hash,
    /// Its length in bytes.
    pub sealed_len: u32,
    /// The commitment to the plaintext.
    pub payload_hash: Hash,
}
codec_struct!(ReportFiled {
    report,
    reporter,
    recipient,
    sealed_hash,
    sealed_len,
    payload_hash
});

/// An executed proposal changed a report's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportReviewed {
    /// The report.
    pub report: u64,
    /// Its status before.
    pub from: ReportStatus,
    /// Its status now.
    pub to: ReportStatus,
    /// The proposal.
    pub proposal: u64,
}
codec_struct!(ReportReviewed {
    report,
    from,
    to,
    proposal
});

/// An executed Emergency proposal responded to a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportEscalated {
    /// The report.
    pub report: u64,
    /// The Emergency proposal.
    pub proposal: u64,
}
codec_struct!(ReportEscalated { report, proposal });

/// The reviewing body's key changed (at genesis: no proposal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhistleblowerKeyChanged {
    /// The new key (`None`: reports are refused).
    pub key: Option<SealKey>,
    /// The System proposal that set it.
    pub proposal: Option<u64>,
}
codec_struct!(WhistleblowerKeyChanged { key, proposal });

/// Every event of every module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Event {
    /// See [GenesisApplied].
    GenesisApplied(GenesisApplied),
    /// See [MemberAdmitted].
    MemberAdmitted(MemberAdmitted),
    /// See [OrganisationAdded].
    OrganisationAdded(OrganisationAdded),
    /// See [GasCredited].
    GasCredited(GasCredited),
    /// See [PersonnelRegistered].
    PersonnelRegistered(PersonnelRegistered),
    /// See [TxExecuted].
    TxExecuted(TxExecuted),
    /// See [PersonnelStatusChanged].
    PersonnelStatusChanged(PersonnelStatusChanged),
    /// See [PersonnelTierChanged].
    PersonnelTierChanged(PersonnelTierChanged),
    /// See [PersonnelTermRenewed].
    PersonnelTermRenewed(PersonnelTermRenewed),
    /// See [ProposalSubmitted].
    ProposalSubmitted(ProposalSubmitted),
    /// See [ProposalActivated].
    ProposalActivated(ProposalActivated),
    /// See [VoteCast].
    VoteCast(VoteCast),
    /// See [ProposalTallied].
    ProposalTallied(ProposalTallied),
    /// See [ProposalQueued].
    ProposalQueued(ProposalQueued),
    /// See [ProposalExecuted].
    ProposalExecuted(ProposalExecuted),
    /// See [ProposalExecutionFailed].
    ProposalExecutionFailed(ProposalExecutionFailed),
    /// See [ProposalCanceled].
    ProposalCanceled(ProposalCanceled),
    /// See [ProposalExpired].
    ProposalExpired(ProposalExpired),
    /// See [VotingExtended].
    VotingExtended(VotingExtended),
    /// See [ClassParamsChanged].
    ClassParamsChanged(ClassParamsChanged),
    /// See [GovernanceParamsChanged].
    GovernanceParamsChanged(GovernanceParamsChanged),
    /// See [GasPurchased].
    GasPurchased(GasPurchased),
    /// See [GasPriceChanged].
    GasPriceChanged(GasPriceChanged),
    /// See [EconomyParamsChanged].
    EconomyParamsChanged(EconomyParamsChanged),
    /// See [TreasuryCredited].
    TreasuryCredited(TreasuryCredited),
    /// A payment out of the treasury, authorised by an executed proposal.
    TreasuryPaid(Payment),
    /// A bug-bounty claim was filed.
    BountyClaimed(Bounty),
    /// See [BountyRejected].
    BountyRejected(BountyRejected),
    /// See [ProposalEscalated].
    ProposalEscalated(ProposalEscalated),
    /// See [ProposalChallenged].
    ProposalChallenged(ProposalChallenged),
    /// See [DisputeResolved].
    DisputeResolved(DisputeResolved),
    /// See [VoteDelegated].
    VoteDelegated(VoteDelegated),
    /// See [EmergencyRatified].
    EmergencyRatified(EmergencyRatified),
    /// See [EmergencyLapsed].
    EmergencyLapsed(EmergencyLapsed),
    /// See [ProposalConflicts].
    ProposalConflicts(ProposalConflicts),
    /// See [ProposalCanceledByVote].
    ProposalCanceledByVote(ProposalCanceledByVote),
    /// Hardware was registered (Pending).
    HardwareRegistered(Hardware),
    /// See [HardwareStatusChanged].
    HardwareStatusChanged(HardwareStatusChanged),
    /// See [InspectionFiled].
    InspectionFiled(InspectionFiled),
    /// See [HardwareApproved].
    HardwareApproved(HardwareApproved),
    /// A model was registered (Pending).
    ModelRegistered(Model),
    /// See [ModelStatusChanged].
    ModelStatusChanged(ModelStatusChanged),
    /// See [ModelApproved].
    ModelApproved(ModelApproved),
    /// A workload was created.
    WorkloadCreated(Workload),
    /// A run started.
    RunStarted(Run),
    /// An OTK permit was issued.
    OtkIssued(OtkPermit),
    /// See [OtkUsageReported].
    OtkUsageReported(OtkUsageReported),
    /// See [OtkRevoked].
    OtkRevoked(OtkRevoked),
    /// See [RunHalted].
    RunHalted(RunHalted),
    /// See [RunStageAdvanced].
    RunStageAdvanced(RunStageAdvanced),
    /// See [RunCompleted].
    RunCompleted(RunCompleted),
    /// See [DripPaused].
    DripPaused(DripPaused),
    /// The compute parameters (inspections, drip) changed.
    ComputeParamsChanged(ComputeParams),
    /// See [PhaseMismatch].
    PhaseMismatch(PhaseMismatch),
    /// See [ChallengeIssued].
    ChallengeIssued(ChallengeIssued),
    /// See [ChallengeClosed].
    ChallengeClosed(ChallengeClosed),
    /// See [ReportFiled].
    ReportFiled(ReportFiled),
    /// See [ReportReviewed].
    ReportReviewed(ReportReviewed),
    /// See [ReportEscalated].
    ReportEscalated(ReportEscalated),
    /// See [WhistleblowerKeyChanged].
    WhistleblowerKeyChanged(WhistleblowerKeyChanged),
    /// See [RoundOpened].
    RoundOpened(RoundOpened),
    /// See [RoundVoteCast].
    RoundVoteCast(RoundVoteCast),
    /// See [RoundTallied].
    RoundTallied(RoundTallied),
    /// See [CandidateEliminated].
    CandidateEliminated(CandidateEliminated),
    /// See [RoundDecided].
    RoundDecided(RoundDecided),
    /// A template was proposed (its policy compiled).
    TemplateProposed(Template),
    /// See [TemplateStatusChanged].
    TemplateStatusChanged(TemplateStatusChanged),
    /// A new version of the safety standard took effect.
    StandardSet(StandardVersion),
    /// A report runner was registered.
    RunnerRegistered(Runner),
    /// See [ModelDeclared].
    ModelDeclared(ModelDeclared),
    /// A report was filed, with the chain's verdict.
    AuditReportFiled(Report),
    /// See [ModelCertified].
    ModelCertified(ModelCertified),
    /// See [ModelRejected].
    ModelRejected(ModelRejected),
    /// See [RenewalDue].
    RenewalDue(RenewalDue),
    /// See [crate::validators::ValidatorsVoted].
    ValidatorsVoted(crate::validators::ValidatorsVoted),
    /// A Review vote allowed a retry.
    RetryAllowed(RetryGrant),
    /// See [RetryRegistered].
    RetryRegistered(RetryRegistered),
}
codec_enum!(Event {
    0 => GenesisApplied(GenesisApplied),
    1 => MemberAdmitted(MemberAdmitted),
    2 => OrganisationAdded(OrganisationAdded),
    3 => GasCredited(GasCredited),
    4 => PersonnelRegistered(PersonnelRegistered),
    5 => TxExecuted(TxExecuted),
    6 => PersonnelStatusChanged(PersonnelStatusChanged),
    7 => PersonnelTierChanged(PersonnelTierChanged),
    8 => PersonnelTermRenewed(PersonnelTermRenewed),
    9 => ProposalSubmitted(ProposalSubmitted),
    10 => ProposalActivated(ProposalActivated),
    11 => VoteCast(VoteCast),
    12 => ProposalTallied(ProposalTallied),
    13 => ProposalQueued(ProposalQueued),
    14 => ProposalExecuted(ProposalExecuted),
    15 => ProposalExecutionFailed(ProposalExecutionFailed),
    16 => ProposalCanceled(ProposalCanceled),
    17 => ProposalExpired(ProposalExpired),
    18 => VotingExtended(VotingExtended),
    19 => ClassParamsChanged(ClassParamsChanged),
    20 => GovernanceParamsChanged(GovernanceParamsChanged),
    21 => GasPurchased(GasPurchased),
    22 => GasPriceChanged(GasPriceChanged),
    23 => EconomyParamsChanged(EconomyParamsChanged),
    24 => TreasuryCredited(TreasuryCredited),
    25 => TreasuryPaid(Payment),
    26 => BountyClaimed(Bounty),
    27 => BountyRejected(BountyRejected),
    60 => ProposalEscalated(ProposalEscalated),
    61 => ProposalChallenged(ProposalChallenged),
    62 => DisputeResolved(DisputeResolved),
    63 => VoteDelegated(VoteDelegated),
    64 => EmergencyRatified(EmergencyRatified),
    65 => EmergencyLapsed(EmergencyLapsed),
    66 => ProposalConflicts(ProposalConflicts),
    67 => ProposalCanceledByVote(ProposalCanceledByVote),
    28 => HardwareRegistered(Hardware),
    29 => HardwareStatusChanged(HardwareStatusChanged),
    30 => InspectionFiled(InspectionFiled),
    31 => HardwareApproved(HardwareApproved),
    32 => ModelRegistered(Model),
    33 => ModelStatusChanged(ModelStatusChanged),
    34 => ModelApproved(ModelApproved),
    35 => WorkloadCreated(Workload),
    36 => RunStarted(Run),
    37 => OtkIssued(OtkPermit),
    38 => OtkUsageReported(OtkUsageReported),
    39 => OtkRevoked(OtkRevoked),
    40 => RunHalted(RunHalted),
    41 => RunStageAdvanced(RunStageAdvanced),
    42 => RunCompleted(RunCompleted),
    43 => DripPaused(DripPaused),
    44 => ComputeParamsChanged(ComputeParams),
    45 => PhaseMismatch(PhaseMismatch),
    46 => ChallengeIssued(ChallengeIssued),
    47 => ChallengeClosed(ChallengeClosed),
    70 => ReportFiled(ReportFiled),
    71 => ReportReviewed(ReportReviewed),
    72 => ReportEscalated(ReportEscalated),
    73 => WhistleblowerKeyChanged(WhistleblowerKeyChanged),
    80 => RoundOpened(RoundOpened),
    81 => RoundVoteCast(RoundVoteCast),
    82 => RoundTallied(RoundTallied),
    83 => CandidateEliminated(CandidateEliminated),
    84 => RoundDecided(RoundDecided),
    90 => TemplateProposed(Template),
    91 => TemplateStatusChanged(TemplateStatusChanged),
    92 => StandardSet(StandardVersion),
    93 => RunnerRegistered(Runner),
    94 => ModelDeclared(ModelDeclared),
    95 => AuditReportFiled(Report),
    96 => ModelCertified(ModelCertified),
    97 => ModelRejected(ModelRejected),
    98 => RenewalDue(RenewalDue),
    99 => RetryAllowed(RetryGrant),
    100 => RetryRegistered(RetryRegistered),
    110 => ValidatorsVoted(crate::validators::ValidatorsVoted),
});

impl Event {
    /// The event's type name, as in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::GenesisApplied(_) => "genesis_applied",
            Event::MemberAdmitted(_) => "member_admitted",
            Event::OrganisationAdded(_) => "organisation_added",
            Event::GasCredited(_) => "gas_credited",
            Event::PersonnelRegistered(_) => "personnel_registered",
            Event::TxExecuted(_) => "tx_executed",
            Event::PersonnelStatusChanged(_) => "personnel_status_changed",
            Event::PersonnelTierChanged(_) => "personnel_tier_changed",
            Event::PersonnelTermRenewed(_) => "personnel_term_renewed",
            Event::ProposalSubmitted(_) => "proposal_submitted",
            Event::ProposalActivated(_) => "proposal_activated",
            Event::VoteCast(_) => "vote_cast",
            Event::ProposalTallied(_) => "proposal_tallied",
            Event::ProposalQueued(_) => "proposal_queued",
            Event::ProposalExecuted(_) => "proposal_executed",
            Event::ProposalExecutionFailed(_) => "proposal_execution_failed",
            Event::ProposalCanceled(_) => "proposal_canceled",
            Event::ProposalExpired(_) => "proposal_expired",
            Event::VotingExtended(_) => "voting_extended",
            Event::ClassParamsChanged(_) => "class_params_changed",
            Event::GovernanceParamsChanged(_) => "governance_params_changed",
            Event::GasPurchased(_) => "gas_purchased",
            Event::GasPriceChanged(_) => "gas_price_changed",
            Event::EconomyParamsChanged(_) => "economy_params_changed",
            Event::TreasuryCredited(_) => "treasury_credited",
            Event::TreasuryPaid(_) => "treasury_paid",
            Event::BountyClaimed(_) => "bounty_claimed",
            Event::BountyRejected(_) => "bounty_rejected",
            Event::ProposalEscalated(_) => "proposal_escalated",
            Event::ProposalChallenged(_) => "proposal_challenged",
            Event::DisputeResolved(_) => "dispute_resolved",
            Event::VoteDelegated(_) => "vote_delegated",
            Event::EmergencyRatified(_) => "emergency_ratified",
            Event::EmergencyLapsed(_) => "emergency_lapsed",
            Event::ProposalConflicts(_) => "proposal_conflicts",
            Event::ProposalCanceledByVote(_) => "proposal_canceled_by_vote",
            Event::HardwareRegistered(_) => "hardware_registered",
            Event::HardwareStatusChanged(_) => "hardware_status_changed",
            Event::InspectionFiled(_) => "inspection_filed",
            Event::HardwareApproved(_) => "hardware_approved",
            Event::ModelRegistered(_) => "model_registered",
            Event::ModelStatusChanged(_) => "model_status_changed",
            Event::ModelApproved(_) => "model_approved",
            Event::WorkloadCreated(_) => "workload_created",
            Event::RunStarted(_) => "run_started",
            Event::OtkIssued(_) => "otk_issued",
            Event::OtkUsageReported(_) => "otk_usage_reported",
            Event::OtkRevoked(_) => "otk_revoked",
            Event::RunHalted(_) => "run_halted",
            Event::RunStageAdvanced(_) => "run_stage_advanced",
            Event::RunCompleted(_) => "run_completed",
            Event::DripPaused(_) => "drip_paused",
            Event::ComputeParamsChanged(_) => "compute_params_changed",
            Event::PhaseMismatch(_) => "phase_mismatch",
            Event::ChallengeIssued(_) => "challenge_issued",
            Event::ChallengeClosed(_) => "challenge_closed",
            Event::ReportFiled(_) => "report_filed",
            Event::ReportReviewed(_) => "report_reviewed",
            Event::ReportEscalated(_) => "report_escalated",
            Event::WhistleblowerKeyChanged(_) => "whistleblower_key_changed",
            Event::RoundOpened(_) => "round_opened",
            Event::RoundVoteCast(_) => "round_vote_cast",
            Event::RoundTallied(_) => "round_tallied",
            Event::CandidateEliminated(_) => "candidate_eliminated",
            Event::RoundDecided(_) => "round_decided",
            Event::TemplateProposed(_) => "template_proposed",
            Event::TemplateStatusChanged(_) => "template_status_changed",
            Event::StandardSet(_) => "standard_set",
            Event::RunnerRegistered(_) => "runner_registered",
            Event::ModelDeclared(_) => "model_declared",
            Event::AuditReportFiled(_) => "audit_report_filed",
            Event::ModelCertified(_) => "model_certified",
            Event::ModelRejected(_) => "model_rejected",
            Event::RenewalDue(_) => "renewal_due",
            Event::RetryAllowed(_) => "retry_allowed",
            Event::RetryRegistered(_) => "retry_registered",
            Event::ValidatorsVoted(_) => "validators_voted",
        }
    }
}

/// An event with its place in the log: the leaf data of the activity log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Position in the activity log (0-based, gap-free).
    pub index: u64,
    /// Height of the block that emitted it.
    pub height: u64,
    /// The transaction that emitted it, if any (block hooks and genesis have none).
    pub tx: Option<Hash>,
    /// The event.
    pub event: Event,
}
codec_struct!(EventRecord {
    index,
    height,
    tx,
    event
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Encode, decode_slice};
    use crate::governance::Choice;

    #[test]
    fn governance_events_round_trip_in_both_encodings_and_json_names_their_kind() {
        let who = crate::PrivateKey::from_seed_bytes([3; 32]).public_key();
        let events = [
            Event::VoteCast(VoteCast {
                proposal: 7,
                voter: who.clone(),
                member: Slug::new("fr").unwrap(),
                choice: Choice::Abstain,
                weight: 4,
                previous: Some(Choice::Yes),
                rationale: Some(Hash::digest(&[b"why"])),
            }),
            Event::ProposalTallied(ProposalTallied {
                proposal: 7,
                confirming: false,
                outcome: TallyOutcome::Vetoed,
                total_yes: 10,
                total_no: 3,
                total_abstain: 1,
                eligible_weight: 20,
                approving_members: 2,
                vetoing_members: 2,
            }),
            Event::ProposalExecutionFailed(ProposalExecutionFailed {
                proposal: 7,
                action: 1,
                reason: Failure::new("invalid_status_transition", "no"),
            }),
            Event::PersonnelStatusChanged(PersonnelStatusChanged {
                account: who,
                from: PersonnelStatus::Pending,
                to: PersonnelStatus::Active,
            }),
        ];
        for e in events {
            assert_eq!(decode_slice::<Event>(&e.encode()).unwrap(), e);
            let json = serde_json::to_value(&e).unwrap();
            assert_eq!(json["type"], e.kind());
            assert_eq!(serde_json::from_value::<Event>(json).unwrap(), e);
        }
    }
}
