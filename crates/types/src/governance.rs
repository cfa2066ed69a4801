//! Governance: proposal classes and their parameters, the typed actions a proposal executes,
//! proposals, ballots and the decision record of a concurrent-majority tally.
//!
//! Voting power comes from seats, not tokens: an Active person's weight is set by their tier
//! ([GovernanceParams::tier_weights]) and each member's counted weight is capped
//! ([GovernanceParams::member_weight_cap_bps]). A proposal passes only if the weighted totals
//! meet quorum and approval, **and** enough distinct members approve by their own majority,
//! **and** no veto bloc of members rejects it (see [ClassParams]).
//!
//! Every ratio is in basis points (1/10 000) and every comparison is done on integers
//! (cross-multiplied in `u128`), so every validator computes the same decision.

use crate::codec::{BoundedString, BoundedVec, Hash, Slug};
use crate::crypto::PublicKey;
use crate::economy::EconomyParams;
use crate::hardware::{ApproveHardware, ComputeParams, RevokeHardware};
use crate::model::{ApproveModel, RevokeModel};
use crate::personnel::{Role, Roles, TIER_MAX};
use crate::receipt::Failure;
use crate::selection::{OpenSelectionRound, RoundVote};
use crate::template::{AllowRetry, SetStandard, TemplateRef};
use crate::treasury::{PayBounty, RejectBounty, TreasuryAward};
use crate::validators::SetValidators;
use crate::whistle::{EscalateReport, ReviewReport, SetWhistleblowerKey};
use crate::workload::HaltRun;
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// One hour in milliseconds.
pub const HOUR_MS: u64 = 3_600_000;
/// One day in milliseconds.
pub const DAY_MS: u64 = 24 * HOUR_MS;
/// The longest duration any class parameter may hold (ten years): keeps every deadline far
/// from `u64` overflow and rejects nonsense values.
pub const DURATION_MAX_MS: u64 = 3_650 * DAY_MS;
/// The largest weight a tier may carry.
pub const TIER_WEIGHT_MAX: u32 = 1_000_000;
/// The most proposals that may be live at once, whatever the parameters say: the end-of-block
/// hook visits every live proposal, so this bounds its work.
pub const LIVE_PROPOSALS_MAX: u32 = 256;
/// The most actions one proposal carries.
pub const ACTIONS_MAX: usize = 16;
/// The most recusal subjects one proposal records (two per action at most).
pub const SUBJECTS_MAX: usize = 2 * ACTIONS_MAX;
/// The most members a decision record lists (the genesis bound on members).
pub const DECISION_MEMBERS_MAX: usize = 256;
/// The most recused personnel a decision record names; beyond it only the count grows.
pub const DECISION_RECUSED_MAX: usize = 256;
/// Most conflicting proposals a proposal records.
pub const CONFLICTS_MAX: usize = 16;
/// Most personnel who may delegate a class's vote to one delegate.
pub const DELEGATORS_MAX: usize = 64;
/// 100 % in basis points.
pub const BPS: u16 = 10_000;

/// What kind of decision a proposal asks for; each class has its own [ClassParams].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalClass {
    /// The safety standard, templates and safety modules.
    Safety,
    /// Reviews: models, hardware, budgets, retries, and the vetting of personnel.
    Review,
    /// The system itself: tokenomics, tier changes, and the governance parameters.
    System,
    /// Threat response: short period, higher threshold, no enactment delay.
    Emergency,
}
codec_unit_enum!(ProposalClass { 0 => Safety, 1 => Review, 2 => System, 3 => Emergency });

impl ProposalClass {
    /// Every class.
    pub const ALL: [ProposalClass; 4] = [
        ProposalClass::Safety,
        ProposalClass::Review,
        ProposalClass::System,
        ProposalClass::Emergency,
    ];

    /// The class's name as used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            ProposalClass::Safety => "safety",
            ProposalClass::Review => "review",
            ProposalClass::System => "system",
            ProposalClass::Emergency => "emergency",
        }
    }
}

impl std::str::FromStr for ProposalClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let norm = s.trim().to_ascii_lowercase();
        ProposalClass::ALL
            .into_iter()
            .find(|c| c.name() == norm)
            .ok_or_else(|| {
                format!(
                    "unknown proposal class {s:?}; expected safety, review, system or emergency"
                )
            })
    }
}

/// The rules of one proposal class. A proposal copies its class's parameters when it is
/// created and runs its whole life (and its actions) under that copy, so a later parameter
/// change never alters a vote in progress.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClassParams {
    /// Roles that may propose and vote (a person needs at least one of them).
    pub eligible_roles: Roles,
    /// Tiers `1..=lowest_tier` may propose and vote (1 is the highest tier).
    pub lowest_tier: u8,
    /// Time between submission and the start of voting (the proposer may cancel meanwhile).
    pub voting_delay_ms: u64,
    /// Length of the voting period.
    pub voting_period_ms: u64,
    /// Quorum: the share of the (capped) eligible weight that must have voted, abstentions
    /// included.
    pub quorum_bps: u16,
    /// Approval: the share `yes / (yes + no)` of the counted weight that must be reached. At
    /// least 5 001, so a tie never passes.
    pub approval_bps: u16,
    /// Concurrent majority: at least this many distinct members must each approve by their
    /// own majority (their yes weight above their no weight).
    pub min_approving_members: u16,
    /// Member veto: if at least this many members each reject by their own majority (no above
    /// yes), the proposal is defeated whatever the totals. 0 disables the veto.
    pub veto_members: u16,
    /// Timelock: time between queueing and execution.
    pub enactment_delay_ms: u64,
    /// A queued proposal not executed within this window after its eta expires.
    pub execution_window_ms: u64,
    /// Late-quorum protection: if quorum is first reached within this long before the end of
    /// voting, voting is extended to this long after the tally.
    pub late_quorum_extension_ms: u64,
    /// At most this many extensions.
    pub max_extensions: u8,
    /// Confirm period: a proposal that passes its tally must still pass this long after the
    /// end of voting (ballots may still be cast and changed meanwhile). 0 disables it.
    pub confirm_period_ms: u64,
}
codec_struct!(ClassParams {
    eligible_roles,
    lowest_tier,
    voting_delay_ms,
    voting_period_ms,
    quorum_bps,
    approval_bps,
    min_approving_members,
    veto_members,
    enactment_delay_ms,
    execution_window_ms,
    late_quorum_extension_ms,
    max_extensions,
    confirm_period_ms
});

/// Why a parameter set is refused (at genesis, or by a proposal that would install it).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ParamsError {
    /// A class lists no eligible role.
    #[error("class {0}: at least one eligible role is required")]
    NoEligibleRoles(&'static str),
    /// A class's lowest tier is outside `1..=TIER_MAX`.
    #[error("class {class}: lowest tier {tier} is outside 1..={TIER_MAX}")]
    LowestTier {
        /// The class.
        class: &'static str,
        /// The value given.
        tier: u8,
    },
    /// A ratio above 100 %, or an approval threshold that lets a tie pass.
    #[error("class {class}: {field} is {value} bps; it must be within {min}..=10000")]
    Ratio {
        /// The class (or `governance`).
        class: &'static str,
        /// The field.
        field: &'static str,
        /// The value given.
        value: u16,
        /// Its minimum.
        min: u16,
    },
    /// A duration that is zero where it may not be, or longer than [DURATION_MAX_MS].
    #[error("class {class}: {field} is {value} ms; it must be within {min}..={DURATION_MAX_MS}")]
    Duration {
        /// The class.
        class: &'static str,
        /// The field.
        field: &'static str,
        /// The value given.
        value: u64,
        /// Its minimum.
        min: u64,
    },
    /// A class requires no approving member.
    #[error("class {0}: min_approving_members must be at least 1")]
    NoApprovingMembers(&'static str),
    /// The tier weight table is empty, too heavy, or gives a tier more weight than a higher one.
    #[error(
        "tier weights {0:?} must be non-empty, at most {TIER_WEIGHT_MAX} each, start above 0 and never increase"
    )]
    TierWeights(Vec<u32>),
    /// `max_live_proposals` outside `1..=LIVE_PROPOSALS_MAX`.
    #[error("max_live_proposals is {0}; it must be within 1..={LIVE_PROPOSALS_MAX}")]
    MaxLive(u32),
}

impl ClassParams {
    /// Checks the parameters of `class`.
    pub fn validate(&self, class: ProposalClass) -> Result<(), ParamsError> {
        let name = class.name();
        if self.eligible_roles.is_empty() {
            return Err(ParamsError::NoEligibleRoles(name));
        }
        if self.lowest_tier == 0 || self.lowest_tier > TIER_MAX {
            return Err(ParamsError::LowestTier {
                class: name,
                tier: self.lowest_tier,
            });
        }
        for (field, value, min) in [
            ("quorum_bps", self.quorum_bps, 0),
            ("approval_bps", self.approval_bps, BPS / 2 + 1),
        ] {
            if value < min || value > BPS {
                return Err(ParamsError::Ratio {
                    class: name,
                    field,
                    value,
                    min,
                });
            }
        }
        for (field, value, min) in [
            ("voting_delay_ms", self.voting_delay_ms, 0),
            ("voting_period_ms", self.voting_period_ms, 1),
            ("enactment_delay_ms", self.enactment_delay_ms, 0),
            ("execution_window_ms", self.execution_window_ms, 1),
            ("late_quorum_extension_ms", self.late_quorum_extension_ms, 0),
            ("confirm_period_ms", self.confirm_period_ms, 0),
        ] {
            if value < min || value > DURATION_MAX_MS {
                return Err(ParamsError::Duration {
                    class: name,
                    field,
                    value,
                    min,
                });
            }
        }
        if self.min_approving_members == 0 {
            return Err(ParamsError::NoApprovingMembers(name));
        }
        Ok(())
    }

    /// True if a person with `roles` at `tier` may propose and vote in this class (status,
    /// term and recusal are checked separately).
    pub fn admits(&self, roles: Roles, tier: u8) -> bool {
        self.admits_roles(roles) && self.admits_tier(tier)
    }

    /// True if `roles` shares a role with the eligible roles.
    pub fn admits_roles(&self, roles: Roles) -> bool {
        Role::ALL
            .iter()
            .any(|r| roles.contains(*r) && self.eligible_roles.contains(*r))
    }

    /// True if `tier` is within `1..=lowest_tier`.
    pub fn admits_tier(&self, tier: u8) -> bool {
        tier >= 1 && tier <= self.lowest_tier
    }
}

/// Governance parameters: the tier weight table, the member cap, and each class's rules.
/// Set at genesis; changed only by a System proposal.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GovernanceParams {
    /// Weight of a tier-`t` person is `tier_weights[t-1]`; tiers past the end weigh nothing.
    /// Must be non-increasing: a higher tier never weighs less than a lower one.
    pub tier_weights: BoundedVec<u32, { TIER_MAX as usize }>,
    /// A member's counted weight is scaled down so that its eligible weight counts for at most
    /// this share of the total eligible weight (of all members, before capping).
    pub member_weight_cap_bps: u16,
    /// Safety class.
    pub safety: ClassParams,
    /// Review class.
    pub review: ClassParams,
    /// System class.
    pub system: ClassParams,
    /// Emergency class.
    pub emergency: ClassParams,
    /// The most proposals that may be live (Pending, Active, Succeeded or Queued) at once, at
    /// most [LIVE_PROPOSALS_MAX].
    pub max_live_proposals: u32,
    /// Expiring emergency powers: an executed Emergency proposal's reversible actions are
    /// rolled back unless a regular proposal ratifies it within this long.
    #[serde(default = "default_ratification_ms")]
    pub emergency_ratification_ms: u64,
    /// Credits a challenger locks to dispute a queued proposal (returned if the challenge is
    /// sustained, forfeited to the pool otherwise), so disputes are not free to spam.
    #[serde(default = "default_dispute_bond")]
    pub dispute_bond: u64,
}
codec_struct!(GovernanceParams {
    tier_weights,
    member_weight_cap_bps,
    safety,
    review,
    system,
    emergency,
    max_live_proposals,
    emergency_ratification_ms,
    dispute_bond
});

fn default_ratification_ms() -> u64 {
    14 * DAY_MS
}

fn default_dispute_bond() -> u64 {
    100_000
}

impl GovernanceParams {
    /// The parameters of `class`.
    pub fn class(&self, class: ProposalClass) -> &ClassParams {
        match class {
            ProposalClass::Safety => &self.safety,
            ProposalClass::Review => &self.review,
            ProposalClass::System => &self.system,
            ProposalClass::Emergency => &self.emergency,
        }
    }

    /// The parameters of `class`, mutably.
    pub fn class_mut(&mut self, class: ProposalClass) -> &mut ClassParams {
        match class {
            ProposalClass::Safety => &mut self.safety,
            ProposalClass::Review => &mut self.review,
            ProposalClass::System => &mut self.system,
            ProposalClass::Emergency => &mut self.emergency,
        }
    }

    /// The voting weight of a person at `tier` (0 for tiers past the table).
    pub fn tier_weight(&self, tier: u8) -> u32 {
        usize::from(tier)
            .checked_sub(1)
            .and_then(|i| self.tier_weights.as_slice().get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Checks the whole parameter set.
    pub fn validate(&self) -> Result<(), ParamsError> {
        let w = self.tier_weights.as_slice();
        let heavy = w.iter().any(|x| *x > TIER_WEIGHT_MAX);
        let increasing = w.windows(2).any(|p| p[1] > p[0]);
        if w.is_empty() || w[0] == 0 || heavy || increasing {
            return Err(ParamsError::TierWeights(w.to_vec()));
        }
        if self.member_weight_cap_bps == 0 || self.member_weight_cap_bps > BPS {
            return Err(ParamsError::Ratio {
                class: "governance",
                field: "member_weight_cap_bps",
                value: self.member_weight_cap_bps,
                min: 1,
            });
        }
        if self.max_live_proposals == 0 || self.max_live_proposals > LIVE_PROPOSALS_MAX {
            return Err(ParamsError::MaxLive(self.max_live_proposals));
        }
        if self.emergency_ratification_ms == 0 || self.emergency_ratification_ms > DURATION_MAX_MS {
            return Err(ParamsError::Duration {
                class: "governance",
                field: "emergency_ratification_ms",
                value: self.emergency_ratification_ms,
                min: 1,
            });
        }
        for class in ProposalClass::ALL {
            self.class(class).validate(class)?;
        }
        Ok(())
    }
}

impl Default for GovernanceParams {
    /// Genesis defaults, chosen for an international body that decides deliberately and
    /// responds to threats fast:
    ///
    /// - **Tier weights** halve from tier 1 (256) to tier 9 (1): a top-tier seat counts as two
    ///   seats of the tier below, so seniority matters without making lower tiers irrelevant.
    /// - **Member cap** 25 %: no member's personnel count for more than a quarter of the
    ///   eligible weight, however many seats it fills.
    /// - **Safety** (safety standard, templates): Safety and Policy personnel of tiers 1–3; two
    ///   days to read, a week to vote, 40 % quorum, 60 % approval, at least three members
    ///   approving and a three-member veto; a two-day timelock and a one-day confirm period.
    /// - **Review** (models, hardware, budgets, vetting of personnel): every technical role
    ///   plus Policy, tiers 1–3, the same timing as Safety; a simple-majority-plus threshold
    ///   (55 %) because reviews are frequent and technical, but still three approving members.
    /// - **System** (tokenomics, tier changes, these parameters): Policy personnel of tiers 1–2
    ///   only; 50 % quorum, two-thirds approval, four approving members, a two-member veto and
    ///   a 72-hour timelock (the seed's "48–72 hours"), because these rules govern all others.
    /// - **Emergency** (threat response): Safety and Policy personnel of tiers 1–2; no voting
    ///   delay, a one-day vote, 75 % approval, no enactment delay and no confirm period, so a
    ///   response takes effect as soon as the vote closes; two members must approve and there
    ///   is no veto (a threat must not be blocked by one bloc).
    /// - Every class: a queued proposal expires unless executed within its window; a quorum
    ///   first reached in the last stretch of voting extends it (late-quorum protection).
    /// - **64 live proposals** at most.
    fn default() -> Self {
        let deliberate = |roles: &[Role], lowest_tier: u8| ClassParams {
            eligible_roles: Roles::from_roles(roles),
            lowest_tier,
            voting_delay_ms: 2 * DAY_MS,
            voting_period_ms: 7 * DAY_MS,
            quorum_bps: 4_000,
            approval_bps: 6_000,
            min_approving_members: 3,
            veto_members: 3,
            enactment_delay_ms: 2 * DAY_MS,
            execution_window_ms: 14 * DAY_MS,
            late_quorum_extension_ms: DAY_MS,
            max_extensions: 2,
            confirm_period_ms: DAY_MS,
        };
        let safety = deliberate(&[Role::Safety, Role::Policy], 3);
        let review = ClassParams {
            approval_bps: 5_500,
            ..deliberate(
                &[
                    Role::Policy,
                    Role::Safety,
                    Role::Software,
                    Role::Hardware,
                    Role::Inspector,
                    Role::Auditor,
                ],
                3,
            )
        };
        let system = ClassParams {
            quorum_bps: 5_000,
            approval_bps: 6_667,
            min_approving_members: 4,
            veto_members: 2,
            enactment_delay_ms: 3 * DAY_MS,
            confirm_period_ms: 2 * DAY_MS,
            ..deliberate(&[Role::Policy], 2)
        };
        let emergency = ClassParams {
            eligible_roles: Roles::from_roles(&[Role::Safety, Role::Policy]),
            lowest_tier: 2,
            voting_delay_ms: 0,
            voting_period_ms: DAY_MS,
            quorum_bps: 3_000,
            approval_bps: 7_500,
            min_approving_members: 2,
            veto_members: 0,
            enactment_delay_ms: 0,
            execution_window_ms: DAY_MS,
            late_quorum_extension_ms: HOUR_MS,
            max_extensions: 1,
            confirm_period_ms: 0,
        };
        Self {
            tier_weights: BoundedVec::truncating(vec![256, 128, 64, 32, 16, 8, 4, 2, 1]),
            member_weight_cap_bps: 2_500,
            safety,
            review,
            system,
            emergency,
            max_live_proposals: 64,
            emergency_ratification_ms: default_ratification_ms(),
            dispute_bond: default_dispute_bond(),
        }
    }
}

/// A person targeted by a personnel action.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PersonnelTarget {
    /// The person's account.
    pub account: PublicKey,
}
codec_struct!(PersonnelTarget { account });

/// A new tier for a person.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TierChange {
    /// The person's account.
    pub account: PublicKey,
    /// The new tier (the member must have seats at it).
    pub tier: u8,
}
codec_struct!(TierChange { account, tier });

/// New parameters for one class.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClassParamsChange {
    /// The class.
    pub class: ProposalClass,
    /// Its new parameters.
    pub params: ClassParams,
}
codec_struct!(ClassParamsChange { class, params });

/// A proposal an action refers to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProposalRef {
    /// The proposal id.
    pub proposal: u64,
}
codec_struct!(ProposalRef { proposal });

/// What an action acts on, for conflict detection.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Object {
    /// A person's record.
    Person(PublicKey),
    /// One class's rules.
    ClassParams(ProposalClass),
    /// The governance parameters.
    GovernanceParams,
    /// The economy's parameters.
    EconomyParams,
    /// A bounty claim.
    Bounty(u64),
    /// Another proposal.
    Proposal(u64),
    /// A hardware record.
    Hardware(u64),
    /// A model.
    Model(u64),
    /// A run.
    Run(u64),
    /// The compute parameters.
    ComputeParams,
    /// A whistle-blower report.
    Report(u64),
    /// The whistle-blower program's reviewing key.
    WhistleblowerKey,
    /// A template.
    Template(u64),
    /// The safety standard.
    Standard,
    /// The consensus committee.
    Validators,
}

/// What an executed proposal does, with the governance origin. Actions of one proposal run in
/// order and all-or-nothing.
///
/// Which classes may carry which action (checked when proposing):
///
/// | action | classes |
/// |---|---|
/// | `activate_personnel` (vetting; also reinstates a suspended person) | Review, System |
/// | `renew_personnel_term` (re-vetting) | Review, System |
/// | `suspend_personnel` | Review, System, Emergency |
/// | `remove_personnel` | Review, System |
/// | `set_personnel_tier` | System (the seed's "tier changes for personnel") |
/// | `set_class_params`, `set_governance_params` | System |
/// | `set_economy_params` (gas price algorithm, gas tax, rate; proposed and voted by tier-1 Policy only) | System |
/// | `pay_bounty`, `reject_bounty` | Review |
/// | `award_treasury` (safety-round awards, whistle-blower rewards, grants) | System |
/// | `cancel_proposal` (any live proposal) | Emergency |
/// | `ratify_emergency` (keeps an executed Emergency proposal from lapsing) | Safety, Review, System |
/// | `sustain_challenge` (only in the review a challenge opened) | Emergency |
/// | `approve_hardware` (Pending → Active with budgets) | Review |
/// | `revoke_hardware` | Review, Emergency |
/// | `approve_model` (Pending → Approved with tier and budgets) | Review |
/// | `revoke_model` | Emergency |
/// | `halt_run` | Emergency |
/// | `set_compute_params` (inspection interval, drip rations) | System |
/// | `approve_template` (Proposed → Approved, immutable), `retire_template` | Safety |
/// | `set_standard` (a new version of the safety standard) | Safety |
/// | `allow_retry` (a Rejected model's lab may register one restrictive retry) | Review |
///
/// Hardware and model actions recuse the personnel of the operator / owner organisation
/// ([Subject::Organisation]), resolved from state when proposing.
/// | `review_report` (a whistle-blower report: under review, confirmed, dismissed) | Review |
/// | `escalate_report` (the Emergency response to a whistle-blower report) | Emergency |
/// | `set_whistleblower_key` (the reviewing body's X25519 key) | System |
/// | `open_selection_round` (a safety-module selection round, see [crate::selection]) | Safety |
/// | `set_validators` (the consensus committee, see [crate::validators]) | System |
///
/// A proposal with no action at all is a recorded resolution, allowed in every class.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Pending or Suspended → Active.
    ActivatePersonnel(PersonnelTarget),
    /// Active → Suspended.
    SuspendPersonnel(PersonnelTarget),
    /// Pending, Active or Suspended → Removed (final).
    RemovePersonnel(PersonnelTarget),
    /// Moves a person to another tier.
    SetPersonnelTier(TierChange),
    /// Starts a new term for a person (from the execution's block time).
    RenewPersonnelTerm(PersonnelTarget),
    /// Replaces one class's parameters, for proposals created afterwards.
    SetClassParams(ClassParamsChange),
    /// Replaces every governance parameter, for proposals created afterwards.
    SetGovernanceParams(GovernanceParams),
    /// Replaces the economy's parameters (price algorithm, tax, rate, duty allowance).
    SetEconomyParams(EconomyParams),
    /// Pays a bug-bounty claim from the treasury.
    PayBounty(PayBounty),
    /// Rejects a bug-bounty claim.
    RejectBounty(RejectBounty),
    /// Pays an award from the treasury.
    AwardTreasury(TreasuryAward),
    /// Cancels a live proposal (Emergency: the seed's "canceled by an Emergency vote").
    CancelProposal(ProposalRef),
    /// Ratifies an executed Emergency proposal within its window, so its actions do not lapse
    /// (a regular class: Safety, Review or System).
    RatifyEmergency(ProposalRef),
    /// Sustains the challenge of a disputed proposal: it is canceled and the bond returned.
    /// Only the Emergency review a challenge opened may carry it.
    SustainChallenge(ProposalRef),
    /// Approves hardware with budgets.
    ApproveHardware(ApproveHardware),
    /// Revokes hardware.
    RevokeHardware(RevokeHardware),
    /// Approves a model with a tier and budgets.
    ApproveModel(ApproveModel),
    /// Revokes a model.
    RevokeModel(RevokeModel),
    /// Halts a run.
    HaltRun(HaltRun),
    /// Replaces the compute parameters (inspections, drip).
    SetComputeParams(ComputeParams),
    /// Moves a whistle-blower report along (Review).
    ReviewReport(ReviewReport),
    /// Links an Emergency proposal to the whistle-blower report it responds to; the report is
    /// put UnderReview if it was still Filed.
    EscalateReport(EscalateReport),
    /// Replaces the reviewing body's X25519 key that reports are sealed to (System).
    SetWhistleblowerKey(SetWhistleblowerKey),
    /// Opens a safety selection round (Safety).
    OpenSelectionRound(OpenSelectionRound),
    /// Approves a Proposed template (immutable afterwards).
    ApproveTemplate(TemplateRef),
    /// Retires a template.
    RetireTemplate(TemplateRef),
    /// Makes a new version of the safety standard.
    SetStandard(SetStandard),
    /// Allows a Rejected model's lab one restrictive retry.
    AllowRetry(AllowRetry),
    /// Changes the consensus committee (System).
    SetValidators(SetValidators),
}
codec_enum!(Action {
    0 => ActivatePersonnel(PersonnelTarget),
    1 => SuspendPersonnel(PersonnelTarget),
    2 => RemovePersonnel(PersonnelTarget),
    3 => SetPersonnelTier(TierChange),
    4 => RenewPersonnelTerm(PersonnelTarget),
    5 => SetClassParams(ClassParamsChange),
    6 => SetGovernanceParams(GovernanceParams),
    7 => SetEconomyParams(EconomyParams),
    8 => PayBounty(PayBounty),
    9 => RejectBounty(RejectBounty),
    10 => AwardTreasury(TreasuryAward),
    20 => CancelProposal(ProposalRef),
    21 => RatifyEmergency(ProposalRef),
    22 => SustainChallenge(ProposalRef),
    11 => ApproveHardware(ApproveHardware),
    12 => RevokeHardware(RevokeHardware),
    13 => ApproveModel(ApproveModel),
    14 => RevokeModel(RevokeModel),
    15 => HaltRun(HaltRun),
    16 => SetComputeParams(ComputeParams),
    30 => ReviewReport(ReviewReport),
    31 => EscalateReport(EscalateReport),
    32 => SetWhistleblowerKey(SetWhistleblowerKey),
    33 => OpenSelectionRound(OpenSelectionRound),
    40 => ApproveTemplate(TemplateRef),
    41 => RetireTemplate(TemplateRef),
    42 => SetStandard(SetStandard),
    43 => AllowRetry(AllowRetry),
    17 => SetValidators(SetValidators),
});

impl Action {
    /// The action's name, as in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Action::ActivatePersonnel(_) => "activate_personnel",
            Action::SuspendPersonnel(_) => "suspend_personnel",
            Action::RemovePersonnel(_) => "remove_personnel",
            Action::SetPersonnelTier(_) => "set_personnel_tier",
            Action::RenewPersonnelTerm(_) => "renew_personnel_term",
            Action::SetClassParams(_) => "set_class_params",
            Action::SetGovernanceParams(_) => "set_governance_params",
            Action::SetEconomyParams(_) => "set_economy_params",
            Action::PayBounty(_) => "pay_bounty",
            Action::RejectBounty(_) => "reject_bounty",
            Action::AwardTreasury(_) => "award_treasury",
            Action::CancelProposal(_) => "cancel_proposal",
            Action::RatifyEmergency(_) => "ratify_emergency",
            Action::SustainChallenge(_) => "sustain_challenge",
            Action::ApproveHardware(_) => "approve_hardware",
            Action::RevokeHardware(_) => "revoke_hardware",
            Action::ApproveModel(_) => "approve_model",
            Action::RevokeModel(_) => "revoke_model",
            Action::HaltRun(_) => "halt_run",
            Action::SetComputeParams(_) => "set_compute_params",
            Action::ReviewReport(_) => "review_report",
            Action::EscalateReport(_) => "escalate_report",
            Action::SetWhistleblowerKey(_) => "set_whistleblower_key",
            Action::OpenSelectionRound(_) => "open_selection_round",
            Action::ApproveTemplate(_) => "approve_template",
            Action::RetireTemplate(_) => "retire_template",
            Action::SetStandard(_) => "set_standard",
            Action::AllowRetry(_) => "allow_retry",
            Action::SetValidators(_) => "set_validators",
        }
    }

    /// The classes whose proposals may carry this action (see the table on [Action]).
    pub fn classes(&self) -> &'static [ProposalClass] {
        use ProposalClass::*;
        match self {
            Action::ActivatePersonnel(_)
            | Action::RenewPersonnelTerm(_)
            | Action::RemovePersonnel(_) => &[Review, System],
            Action::SuspendPersonnel(_) => &[Review, System, Emergency],
            Action::SetPersonnelTier(_)
            | Action::SetClassParams(_)
            | Action::SetGovernanceParams(_)
            | Action::SetEconomyParams(_)
            | Action::AwardTreasury(_)
            | Action::SetComputeParams(_)
            | Action::SetWhistleblowerKey(_)
            | Action::SetValidators(_) => &[System],
            Action::PayBounty(_)
            | Action::RejectBounty(_)
            | Action::ApproveHardware(_)
            | Action::ApproveModel(_)
            | Action::ReviewReport(_) => &[Review],
            Action::AllowRetry(_) => &[Review],
            Action::ApproveTemplate(_) | Action::RetireTemplate(_) | Action::SetStandard(_) => {
                &[Safety]
            }
            Action::RevokeHardware(_) => &[Review, Emergency],
            Action::RevokeModel(_)
            | Action::HaltRun(_)
            | Action::CancelProposal(_)
            | Action::SustainChallenge(_)
            | Action::EscalateReport(_) => &[Emergency],
            Action::RatifyEmergency(_) => &[Safety, Review, System],
            Action::OpenSelectionRound(_) => &[Safety],
        }
    }

    /// What this action acts on, for conflict detection: two live proposals acting on the
    /// same object are linked, and executing one re-checks the other.
    pub fn object(&self) -> Option<Object> {
        Some(match self {
            Action::ActivatePersonnel(t)
            | Action::SuspendPersonnel(t)
            | Action::RemovePersonnel(t)
            | Action::RenewPersonnelTerm(t) => Object::Person(t.account.clone()),
            Action::SetPersonnelTier(t) => Object::Person(t.account.clone()),
            Action::SetClassParams(c) => Object::ClassParams(c.class),
            Action::SetGovernanceParams(_) => Object::GovernanceParams,
            Action::SetEconomyParams(_) => Object::EconomyParams,
            Action::PayBounty(b) => Object::Bounty(b.bounty),
            Action::RejectBounty(b) => Object::Bounty(b.bounty),
            Action::CancelProposal(r)
            | Action::RatifyEmergency(r)
            | Action::SustainChallenge(r) => Object::Proposal(r.proposal),
            Action::ApproveHardware(a) => Object::Hardware(a.hardware),
            Action::RevokeHardware(a) => Object::Hardware(a.hardware),
            Action::ApproveModel(a) => Object::Model(a.model),
            Action::RevokeModel(a) => Object::Model(a.model),
            Action::HaltRun(a) => Object::Run(a.run),
            Action::SetComputeParams(_) => Object::ComputeParams,
            Action::ReviewReport(r) => Object::Report(r.report),
            Action::EscalateReport(r) => Object::Report(r.report),
            Action::SetWhistleblowerKey(_) => Object::WhistleblowerKey,
            Action::AwardTreasury(_) | Action::OpenSelectionRound(_) => return None,
            Action::ApproveTemplate(t) | Action::RetireTemplate(t) => Object::Template(t.template),
            Action::SetStandard(_) => Object::Standard,
            Action::AllowRetry(a) => Object::Model(a.model),
            Action::SetValidators(_) => Object::Validators,
        })
    }

    /// The action that undoes this one when an Emergency proposal lapses, if it can be undone:
    /// a suspension is lifted. Cancellations and dispute outcomes are final.
    pub fn inverse(&self) -> Option<Action> {
        match self {
            Action::SuspendPersonnel(t) => Some(Action::ActivatePersonnel(t.clone())),
            _ => None,
        }
    }

    /// True for actions that only top-tier (tier 1) Policy personnel may propose and vote on,
    /// whatever their class's own rules: the seed reserves the gas price algorithm to them. A
    /// proposal carrying one narrows its copy of the class rules accordingly.
    pub fn top_tier_policy_only(&self) -> bool {
        matches!(self, Action::SetEconomyParams(_))
    }

    /// The person this action is about, if any. That person, and the personnel of their
    /// organisation, are recused from voting on the proposal (their member is not: members
    /// nominate their own personnel, and the member cap and the concurrent-majority rule
    /// already keep one member from deciding alone).
    pub fn subject_person(&self) -> Option<&PublicKey> {
        match self {
            Action::ActivatePersonnel(t)
            | Action::SuspendPersonnel(t)
            | Action::RemovePersonnel(t)
            | Action::RenewPersonnelTerm(t) => Some(&t.account),
            Action::SetPersonnelTier(t) => Some(&t.account),
            // The payee of an award may not vote it to themselves.
            Action::AwardTreasury(a) => Some(&a.to),
            Action::SetClassParams(_)
            | Action::SetGovernanceParams(_)
            | Action::SetEconomyParams(_)
            | Action::PayBounty(_)
            | Action::RejectBounty(_)
            | Action::CancelProposal(_)
            | Action::RatifyEmergency(_)
            | Action::SustainChallenge(_)
            | Action::ApproveHardware(_)
            | Action::RevokeHardware(_)
            | Action::ApproveModel(_)
            | Action::RevokeModel(_)
            | Action::HaltRun(_)
            | Action::SetComputeParams(_) => None,
            // The reporter of a report under review is recused when proposing (state lookup).
            Action::ReviewReport(_)
            | Action::EscalateReport(_)
            | Action::SetWhistleblowerKey(_)
            | Action::OpenSelectionRound(_)
            | Action::ApproveTemplate(_)
            | Action::RetireTemplate(_)
            | Action::SetStandard(_)
            | Action::AllowRetry(_)
            | Action::SetValidators(_) => None,
        }
    }
}

/// Whose personnel must recuse themselves from a proposal: the owner of its subject.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// One person (the subject of a personnel action).
    Person(PublicKey),
    /// Every person of an organisation (e.g. the lab that owns a model).
    Organisation(Slug),
    /// Every person of a member.
    Member(Slug),
}
codec_enum!(Subject {
    0 => Person(PublicKey),
    1 => Organisation(Slug),
    2 => Member(Slug),
});

/// Where a proposal stands. Live: `Pending`, `Active`, `Succeeded` (confirming), `Queued`;
/// every other status is final.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Submitted; voting starts at `voting_starts_ms`. The proposer may cancel.
    Pending,
    /// Voting.
    Active,
    /// Voting ended with quorum but without enough approval, approving members, or with a veto.
    Defeated,
    /// Voting ended without quorum.
    QuorumFailed,
    /// Passed its tally; in its confirm period (ballots still open) until it is queued.
    Succeeded,
    /// Passed; waiting for its enactment delay (`eta_ms`).
    Queued,
    /// Its actions ran.
    Executed,
    /// Withdrawn by its proposer before voting.
    Canceled,
    /// Not executed within its execution window.
    Expired,
    /// Its actions were attempted and one failed; none took effect.
    ExecutionFailed,
    /// Queued, but challenged during its enactment window: execution waits for the Emergency
    /// review the challenge opened (`dispute`).
    Disputed,
    /// An executed Emergency proposal that no regular proposal ratified in time: its
    /// reversible actions were rolled back.
    Lapsed,
}
codec_unit_enum!(ProposalStatus {
    0 => Pending,
    1 => Active,
    2 => Defeated,
    3 => QuorumFailed,
    4 => Succeeded,
    5 => Queued,
    6 => Executed,
    7 => Canceled,
    8 => Expired,
    9 => ExecutionFailed,
    10 => Disputed,
    11 => Lapsed,
});

impl ProposalStatus {
    /// True while the end-of-block hook still has work to do on the proposal.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            ProposalStatus::Pending
                | ProposalStatus::Active
                | ProposalStatus::Succeeded
                | ProposalStatus::Queued
                | ProposalStatus::Disputed
        )
    }
}

/// A ballot's choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// For.
    Yes,
    /// Against.
    No,
    /// Counts towards quorum only.
    Abstain,
}
codec_unit_enum!(Choice { 0 => Yes, 1 => No, 2 => Abstain });

/// How a tally ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TallyOutcome {
    /// Quorum, approval and approving members met, no veto.
    Passed,
    /// Too little of the eligible weight voted.
    QuorumFailed,
    /// `yes / (yes + no)` below the approval threshold.
    ApprovalFailed,
    /// Fewer members approved by their own majority than the class requires.
    TooFewApprovingMembers,
    /// Enough members rejected by their own majority to veto.
    Vetoed,
}
codec_unit_enum!(TallyOutcome {
    0 => Passed,
    1 => QuorumFailed,
    2 => ApprovalFailed,
    3 => TooFewApprovingMembers,
    4 => Vetoed,
});

impl TallyOutcome {
    /// The status a proposal takes on this outcome.
    pub fn status(self) -> ProposalStatus {
        match self {
            TallyOutcome::Passed => ProposalStatus::Succeeded,
            TallyOutcome::QuorumFailed => ProposalStatus::QuorumFailed,
            TallyOutcome::ApprovalFailed
            | TallyOutcome::TooFewApprovingMembers
            | TallyOutcome::Vetoed => ProposalStatus::Defeated,
        }
    }
}

/// One person's vote on one proposal. A new ballot from the same person replaces it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    /// The voter.
    pub voter: PublicKey,
    /// The voter's member.
    pub member: Slug,
    /// The choice.
    pub choice: Choice,
    /// The voter's tier weight when casting (the tally recomputes it from the current tier).
    pub weight: u32,
    /// Digest of a published rationale, if any.
    pub rationale: Option<Hash>,
    /// Block time of the latest cast.
    pub cast_ms: u64,
    /// Block time of the first cast (what counts for late-quorum protection).
    pub first_cast_ms: u64,
}
codec_struct!(Ballot {
    voter,
    member,
    choice,
    weight,
    rationale,
    cast_ms,
    first_cast_ms
});

/// One member's part of a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberTally {
    /// The member.
    pub member: Slug,
    /// Yes weight of its counted ballots (before the cap).
    pub yes: u64,
    /// No weight (before the cap).
    pub no: u64,
    /// Abstain weight (before the cap).
    pub abstain: u64,
    /// Eligible weight of its personnel (before the cap).
    pub eligible: u64,
    /// Eligible weight counted after the cap (`<= eligible`, `<= Decision::cap_weight`).
    pub counted_eligible: u64,
    /// True if the cap scaled this member's weights down.
    pub capped: bool,
    /// Counted ballots.
    pub voters: u32,
    /// Personnel counted through their delegate's ballot (they cast none themselves).
    pub delegated: u32,
}
codec_struct!(MemberTally {
    member,
    yes,
    no,
    abstain,
    eligible,
    counted_eligible,
    capped,
    voters,
    delegated
});

impl MemberTally {
    /// Approves by its own majority.
    pub fn approves(&self) -> bool {
        self.yes > self.no
    }
    /// Rejects by its own majority.
    pub fn rejects(&self) -> bool {
        self.no > self.yes
    }
    /// Scales a weight of this member by the cap (`w × counted_eligible / eligible`, floor).
    pub fn scale(&self, w: u64) -> u64 {
        if self.eligible == 0 || !self.capped {
            return w;
        }
        let scaled = u128::from(w) * u128::from(self.counted_eligible) / u128::from(self.eligible);
        u64::try_from(scaled).unwrap_or(u64::MAX)
    }
}

/// The decision record of a tally: totals, per-member tallies, recusals and the outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// Block time of the tally.
    pub tallied_ms: u64,
    /// Counted yes weight (after member caps).
    pub total_yes: u64,
    /// Counted no weight.
    pub total_no: u64,
    /// Counted abstain weight.
    pub total_abstain: u64,
    /// Eligible weight after member caps (the quorum's base).
    pub eligible_weight: u64,
    /// Eligible weight before caps.
    pub raw_eligible_weight: u64,
    /// The most any member's eligible weight counts for.
    pub cap_weight: u64,
    /// Quorum met.
    pub quorum_met: bool,
    /// Approval threshold met.
    pub approval_met: bool,
    /// Members approving by their own majority.
    pub approving_members: u16,
    /// Members rejecting by their own majority.
    pub vetoing_members: u16,
    /// Every member's tally, in member-id order.
    pub per_member: BoundedVec<MemberTally, DECISION_MEMBERS_MAX>,
    /// Personnel who would have been eligible but are recused (first [DECISION_RECUSED_MAX]).
    pub recused: BoundedVec<PublicKey, DECISION_RECUSED_MAX>,
    /// How many personnel were recused.
    pub recused_count: u32,
    /// Ballots not counted: their voters are no longer eligible (suspended, term expired,
    /// role or tier changed) at tally time.
    pub uncounted_ballots: u32,
    /// The outcome.
    pub outcome: TallyOutcome,
}
codec_struct!(Decision {
    tallied_ms,
    total_yes,
    total_no,
    total_abstain,
    eligible_weight,
    raw_eligible_weight,
    cap_weight,
    quorum_met,
    approval_met,
    approving_members,
    vetoing_members,
    per_member,
    recused,
    recused_count,
    uncounted_ballots,
    outcome
});

/// A proposal: what it would do, under which rules, and where it stands. It keeps its own copy
/// of the rules in force when it was created (class parameters, tier weights, member cap), so
/// a later parameter change never alters it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// Sequential id, from 1.
    pub id: u64,
    /// Its class.
    pub class: ProposalClass,
    /// Who submitted it.
    pub proposer: PublicKey,
    /// A short title.
    pub title: BoundedString<256>,
    /// Digest of the full description (kept off chain).
    pub description_hash: Hash,
    /// What it does when executed, in order.
    pub actions: BoundedVec<Action, ACTIONS_MAX>,
    /// Its class's parameters when it was created: it runs under these.
    pub params: ClassParams,
    /// The tier weights when it was created (its tallies use these).
    pub tier_weights: BoundedVec<u32, { TIER_MAX as usize }>,
    /// The member cap when it was created (its tallies use this).
    pub member_weight_cap_bps: u16,
    /// Whose personnel are recused (derived from the actions when proposing).
    pub subjects: BoundedVec<Subject, SUBJECTS_MAX>,
    /// Identity of (class, actions, description) for duplicate detection.
    pub content_hash: Hash,
    /// Block time of submission.
    pub created_ms: u64,
    /// Voting opens at this block time.
    pub voting_starts_ms: u64,
    /// Voting closes at this block time (moved by late-quorum extensions).
    pub voting_ends_ms: u64,
    /// Late-quorum extensions so far.
    pub extensions: u8,
    /// Where it stands.
    pub status: ProposalStatus,
    /// When queued: the earliest block time of execution (0 before).
    pub eta_ms: u64,
    /// The latest tally's record.
    pub decision: Option<Decision>,
    /// Why execution failed, when it did.
    pub execution_failure: Option<Failure>,
    /// Submitted by escalation: a person below the class's tiers raised a threat.
    pub escalated: bool,
    /// Live proposals acting on the same objects when this one was submitted (conflict
    /// detection): executing either re-checks the other.
    pub conflicts: BoundedVec<u64, CONFLICTS_MAX>,
    /// The Emergency review opened by a challenge of this proposal, while disputed.
    pub dispute: Option<u64>,
    /// For a review opened by a challenge: the challenged proposal.
    pub review_of: Option<u64>,
    /// An executed Emergency proposal lapses at this block time unless ratified (0: nothing
    /// to lapse).
    pub lapses_ms: u64,
    /// The regular proposal that ratified this Emergency one.
    pub ratified_by: Option<u64>,
}
codec_struct!(Proposal {
    id,
    class,
    proposer,
    title,
    description_hash,
    actions,
    params,
    tier_weights,
    member_weight_cap_bps,
    subjects,
    content_hash,
    created_ms,
    voting_starts_ms,
    voting_ends_ms,
    extensions,
    status,
    eta_ms,
    decision,
    execution_failure,
    escalated,
    conflicts,
    dispute,
    review_of,
    lapses_ms,
    ratified_by
});

impl Proposal {
    /// The voting weight of a person at `tier` under this proposal's tier weights.
    pub fn tier_weight(&self, tier: u8) -> u32 {
        usize::from(tier)
            .checked_sub(1)
            .and_then(|i| self.tier_weights.as_slice().get(i))
            .copied()
            .unwrap_or(0)
    }
    /// The end of the confirm period (equal to `voting_ends_ms` when there is none).
    pub fn confirm_ends_ms(&self) -> u64 {
        self.voting_ends_ms
            .saturating_add(self.params.confirm_period_ms)
    }
    /// The last block time at which a queued proposal may still execute.
    pub fn execution_deadline_ms(&self) -> u64 {
        self.eta_ms.saturating_add(self.params.execution_window_ms)
    }
}

/// The identity of a proposal's content for duplicate detection: SHA-256 over a domain tag,
/// the class, the encoded actions and the description hash.
pub fn content_hash(
    class: ProposalClass,
    actions: &BoundedVec<Action, ACTIONS_MAX>,
    description_hash: &Hash,
) -> Hash {
    use crate::codec::Encode;
    Hash::digest(&[
        b"_AIGOV_GOVERNANCE_PROPOSAL",
        &class.encode(),
        &actions.encode(),
        &description_hash.0,
    ])
}

/// Submit a proposal. The sender must be Active personnel eligible for the class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitProposal {
    /// Its class.
    pub class: ProposalClass,
    /// A short title (non-empty).
    pub title: BoundedString<256>,
    /// Digest of the full description.
    pub description_hash: Hash,
    /// What it does when executed.
    pub actions: BoundedVec<Action, ACTIONS_MAX>,
}
codec_struct!(SubmitProposal {
    class,
    title,
    description_hash,
    actions
});

/// Cast (or change) a ballot on a proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CastVote {
    /// The proposal id.
    pub proposal: u64,
    /// The choice.
    pub choice: Choice,
    /// Digest of a published rationale, if any.
    pub rationale: Option<Hash>,
}
codec_struct!(CastVote {
    proposal,
    choice,
    rationale
});

/// Withdraw one's own proposal before voting starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelProposal {
    /// The proposal id.
    pub proposal: u64,
}
codec_struct!(CancelProposal { proposal });

/// Challenge a queued proposal during its enactment window, locking the dispute bond.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeProposal {
    /// The proposal.
    pub proposal: u64,
    /// Digest of the published grounds.
    pub grounds_hash: Hash,
}
codec_struct!(ChallengeProposal {
    proposal,
    grounds_hash
});

/// Delegate one's vote on a class to another Active person of the same member sharing a role
/// (`to: None` revokes). A direct ballot by the delegator overrides the delegate's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegateVote {
    /// The class.
    pub class: ProposalClass,
    /// The delegate, or `None` to revoke.
    pub to: Option<PublicKey>,
}
codec_struct!(DelegateVote { class, to });

/// Execute a queued proposal whose enactment delay has passed, in this transaction (the
/// end-of-block hook would at the end of the block; this gives the caller the outcome in its
/// receipt).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecuteProposal {
    /// The proposal.
    pub proposal: u64,
}
codec_struct!(ExecuteProposal { proposal });

/// A standing delegation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    /// Who delegates.
    pub delegator: PublicKey,
    /// To whom.
    pub delegate: PublicKey,
    /// For which class.
    pub class: ProposalClass,
    /// Block time it was made.
    pub since_ms: u64,
}
codec_struct!(Delegation {
    delegator,
    delegate,
    class,
    since_ms
});

/// A dispute: the challenger's bond held while the Emergency review runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    /// The challenged proposal.
    pub proposal: u64,
    /// Who challenged.
    pub challenger: PublicKey,
    /// The bond locked, in credits.
    pub bond: u64,
    /// The Emergency review.
    pub review: u64,
    /// Digest of the grounds.
    pub grounds_hash: Hash,
}
codec_struct!(Dispute {
    proposal,
    challenger,
    bond,
    review,
    grounds_hash
});

/// Calls of the governance module. All are duties: the pool pays, and only Active personnel
/// may send them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GovernanceCall {
    /// `governance.propose`.
    Propose(SubmitProposal),
    /// `governance.vote`.
    Vote(CastVote),
    /// `governance.cancel`.
    Cancel(CancelProposal),
    /// `governance.escalate`: any Active person raises a threat as an Emergency proposal for
    /// the top tiers, whatever their own tier or role.
    Escalate(SubmitProposal),
    /// `governance.challenge`.
    Challenge(ChallengeProposal),
    /// `governance.delegate`.
    Delegate(DelegateVote),
    /// `governance.execute`.
    Execute(ExecuteProposal),
    /// `governance.vote_round`: a ballot in a safety selection round.
    VoteRound(RoundVote),
}
codec_enum!(GovernanceCall {
    0 => Propose(SubmitProposal),
    1 => Vote(CastVote),
    2 => Cancel(CancelProposal),
    3 => Escalate(SubmitProposal),
    4 => Challenge(ChallengeProposal),
    5 => Delegate(DelegateVote),
    6 => Execute(ExecuteProposal),
    7 => VoteRound(RoundVote),
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Encode, decode_slice};
    use crate::proof::MAX_VALUE_BYTES;

    fn pk(n: u8) -> PublicKey {
        crate::PrivateKey::from_seed_bytes([n; 32]).public_key()
    }

    #[test]
    fn the_defaults_are_valid_and_round_trip() {
        let p = GovernanceParams::default();
        p.validate().unwrap();
        assert_eq!(decode_slice::<GovernanceParams>(&p.encode()).unwrap(), p);
        assert_eq!(p.tier_weight(1), 256);
        assert_eq!(p.tier_weight(9), 1);
        assert_eq!(p.tier_weight(0), 0);
        assert_eq!(p.tier_weight(10), 0);
        assert_eq!(p.emergency.enactment_delay_ms, 0);
        assert!(p.system.admits(Roles::from_roles(&[Role::Policy]), 2));
        assert!(!p.system.admits(Roles::from_roles(&[Role::Policy]), 3));
        assert!(!p.system.admits(Roles::from_roles(&[Role::Safety]), 1));
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<GovernanceParams>(&json).unwrap(), p);
    }

    #[test]
    fn invalid_parameters_are_refused() {
        let ok = GovernanceParams::default();
        let check = |edit: &dyn Fn(&mut GovernanceParams)| {
            let mut p = ok.clone();
            edit(&mut p);
            p.validate()
        };
        assert!(matches!(
            check(&|p| p.review.approval_bps = 5_000),
            Err(ParamsError::Ratio {
                field: "approval_bps",
                ..
            })
        ));
        assert!(check(&|p| p.review.quorum_bps = 10_001).is_err());
        assert!(check(&|p| p.system.lowest_tier = 0).is_err());
        assert!(check(&|p| p.system.lowest_tier = TIER_MAX + 1).is_err());
        assert!(check(&|p| p.safety.eligible_roles = Roles::default()).is_err());
        assert!(check(&|p| p.safety.voting_period_ms = 0).is_err());
        assert!(check(&|p| p.safety.execution_window_ms = 0).is_err());
        assert!(check(&|p| p.safety.enactment_delay_ms = DURATION_MAX_MS + 1).is_err());
        assert!(check(&|p| p.emergency.min_approving_members = 0).is_err());
        assert!(check(&|p| p.member_weight_cap_bps = 0).is_err());
        assert!(check(&|p| p.max_live_proposals = LIVE_PROPOSALS_MAX + 1).is_err());
        assert!(check(&|p| p.tier_weights = BoundedVec::truncating(vec![1, 2])).is_err());
        assert!(check(&|p| p.tier_weights = BoundedVec::truncating(vec![])).is_err());
        assert!(check(&|p| p.tier_weights = BoundedVec::truncating(vec![0])).is_err());
        assert!(check(&|p| p.tier_weights = BoundedVec::truncating(vec![5, 5, 0])).is_ok());
    }

    #[test]
    fn actions_declare_their_classes_and_subjects() {
        let t = PersonnelTarget { account: pk(1) };
        let activate = Action::ActivatePersonnel(t.clone());
        assert_eq!(activate.subject_person(), Some(&pk(1)));
        assert!(!activate.classes().contains(&ProposalClass::Emergency));
        assert!(
            Action::SuspendPersonnel(t)
                .classes()
                .contains(&ProposalClass::Emergency)
        );
        let params = Action::SetGovernanceParams(GovernanceParams::default());
        assert_eq!(params.subject_person(), None);
        assert_eq!(params.classes(), [ProposalClass::System]);
        assert_eq!(
            decode_slice::<Action>(&params.encode()).unwrap(),
            params,
            "actions round-trip"
        );
        let json = serde_json::to_value(&params).unwrap();
        assert!(json.get("set_governance_params").is_some());
    }

    #[test]
    fn the_largest_proposal_fits_in_one_state_value() {
        let member = Slug::new("m".repeat(Slug::MAX)).unwrap();
        let tally = MemberTally {
            member: member.clone(),
            yes: u64::MAX,
            no: u64::MAX,
            abstain: u64::MAX,
            eligible: u64::MAX,
            counted_eligible: u64::MAX,
            capped: true,
            voters: u32::MAX,
            delegated: u32::MAX,
        };
        let params = GovernanceParams::default();
        let p = Proposal {
            id: u64::MAX,
            class: ProposalClass::System,
            proposer: pk(1),
            title: BoundedString::new("t".repeat(256)).unwrap(),
            description_hash: Hash::default(),
            actions: BoundedVec::new(vec![
                Action::SetGovernanceParams(params.clone());
                ACTIONS_MAX
            ])
            .unwrap(),
            params: params.system.clone(),
            tier_weights: params.tier_weights.clone(),
            member_weight_cap_bps: params.member_weight_cap_bps,
            subjects: BoundedVec::new(vec![Subject::Organisation(member.clone()); SUBJECTS_MAX])
                .unwrap(),
            content_hash: Hash::default(),
            created_ms: 0,
            voting_starts_ms: 0,
            voting_ends_ms: 0,
            extensions: 0,
            status: ProposalStatus::Queued,
            eta_ms: 0,
            decision: Some(Decision {
                tallied_ms: 0,
                total_yes: 0,
                total_no: 0,
                total_abstain: 0,
                eligible_weight: 0,
                raw_eligible_weight: 0,
                cap_weight: 0,
                quorum_met: true,
                approval_met: true,
                approving_members: 0,
                vetoing_members: 0,
                per_member: BoundedVec::new(vec![tally; DECISION_MEMBERS_MAX]).unwrap(),
                recused: BoundedVec::new(vec![pk(2); DECISION_RECUSED_MAX]).unwrap(),
                recused_count: 0,
                uncounted_ballots: 0,
                outcome: TallyOutcome::Passed,
            }),
            execution_failure: Some(Failure::new(&"c".repeat(64), &"m".repeat(512))),
            escalated: true,
            conflicts: BoundedVec::new(vec![u64::MAX; CONFLICTS_MAX]).unwrap(),
            dispute: Some(u64::MAX),
            review_of: Some(u64::MAX),
            lapses_ms: u64::MAX,
            ratified_by: Some(u64::MAX),
        };
        let size = p.encode().len();
        assert!(size < MAX_VALUE_BYTES, "{size} bytes");
        assert_eq!(decode_slice::<Proposal>(&p.encode()).unwrap(), p);
    }

    #[test]
    fn a_cap_scales_weights_down_by_floor() {
        let t = MemberTally {
            member: Slug::new("fr").unwrap(),
            yes: 10,
            no: 5,
            abstain: 0,
            eligible: 30,
            counted_eligible: 20,
            capped: true,
            voters: 2,
            delegated: 0,
        };
        assert_eq!(t.scale(10), 6);
        assert_eq!(t.scale(30), 20);
        assert!(t.approves() && !t.rejects());
        let none = BoundedVec::new(Vec::new()).unwrap();
        let h = |class| content_hash(class, &none, &Hash::default());
        assert_eq!(h(ProposalClass::Review), h(ProposalClass::Review));
        assert_ne!(h(ProposalClass::Review), h(ProposalClass::System));
    }
}
