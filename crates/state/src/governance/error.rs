use aigov_types::PublicKey;
use aigov_types::governance::{ParamsError, ProposalStatus};
use aigov_types::personnel::PersonnelStatus;

/// Why a governance call failed. Every variant has a stable [code](GovernanceError::code).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum GovernanceError {
    /// No proposal with this id.
    #[error("proposal {0} does not exist")]
    UnknownProposal(u64),
    /// The sender has no personnel record.
    #[error("account {0} is not personnel")]
    NotPersonnel(PublicKey),
    /// The sender is personnel but not Active.
    #[error("personnel {account} is {status:?}, not Active")]
    NotActive {
        /// The person.
        account: PublicKey,
        /// Their status.
        status: PersonnelStatus,
    },
    /// The person's term has ended: re-vetting (a term renewal) comes first.
    #[error("the term of personnel {account} ended at {expired_ms}; it must be renewed first")]
    TermExpired {
        /// The person.
        account: PublicKey,
        /// When their term ended.
        expired_ms: u64,
    },
    /// None of the person's roles is eligible for the class.
    #[error("personnel {account} holds no role eligible for {class} proposals")]
    RoleNotEligible {
        /// The person.
        account: PublicKey,
        /// The class.
        class: &'static str,
    },
    /// The person's tier is below the class's lowest tier.
    #[error("personnel {account} is tier {tier}; {class} proposals admit tiers 1 to {lowest}")]
    TierNotEligible {
        /// The person.
        account: PublicKey,
        /// Their tier.
        tier: u8,
        /// The class.
        class: &'static str,
        /// The class's lowest tier.
        lowest: u8,
    },
    /// The person is recused: the proposal is about them or their organisation.
    #[error(
        "personnel {account} is recused from proposal {proposal} (it concerns them or their organisation)"
    )]
    Recused {
        /// The person.
        account: PublicKey,
        /// The proposal.
        proposal: u64,
    },
    /// Voting has not opened yet.
    #[error("voting on proposal {proposal} opens at {starts_ms}")]
    VotingNotStarted {
        /// The proposal.
        proposal: u64,
        /// When voting opens.
        starts_ms: u64,
    },
    /// Voting is over (or the proposal never reached it).
    #[error("voting on proposal {proposal} is closed (status {status:?})")]
    VotingClosed {
        /// The proposal.
        proposal: u64,
        /// Its status.
        status: ProposalStatus,
    },
    /// Only the proposer may cancel.
    #[error("only the proposer {proposer} may cancel proposal {proposal}")]
    NotProposer {
        /// The proposal.
        proposal: u64,
        /// Its proposer.
        proposer: PublicKey,
    },
    /// Cancelation is possible only while Pending, before voting opens.
    #[error(
        "proposal {proposal} is {status:?}; only a pending proposal can be canceled before voting opens"
    )]
    NotCancelable {
        /// The proposal.
        proposal: u64,
        /// Its status.
        status: ProposalStatus,
    },
    /// Too many proposals are live.
    #[error("{max} proposals are already live; wait for one to close")]
    TooManyLive {
        /// The limit.
        max: u32,
    },
    /// A live proposal has the same class, actions and description.
    #[error("proposal {existing} with the same class, actions and description is still live")]
    DuplicateProposal {
        /// The live proposal.
        existing: u64,
    },
    /// The title is empty.
    #[error("a proposal needs a title")]
    EmptyTitle,
    /// The class may not carry this action.
    #[error("action {index} ({action}) is not allowed in {class} proposals")]
    ActionNotAllowed {
        /// Its position.
        index: u16,
        /// The action.
        action: &'static str,
        /// The class.
        class: &'static str,
    },
    /// The action could not run on the current state (unknown person, impossible status or
    /// tier change, invalid parameters…).
    #[error("action {index} ({action}) is invalid: {message} ({code})")]
    InvalidAction {
        /// Its position.
        index: u16,
        /// The action.
        action: &'static str,
        /// The underlying error's code.
        code: &'static str,
        /// The underlying error's message.
        message: String,
    },
    /// Parameters a proposal would install are invalid.
    #[error("invalid governance parameters: {0}")]
    InvalidParams(#[from] ParamsError),
    /// An escalation that is not an Emergency proposal.
    #[error("an escalation raises an emergency proposal; use the emergency class")]
    EscalationNotEmergency,
    /// A challenge outside a proposal's enactment window, or of an Emergency proposal.
    #[error(
        "proposal {proposal} cannot be challenged: {why} (only a queued, non-emergency proposal may be, before its eta)"
    )]
    NotChallengeable {
        /// The proposal.
        proposal: u64,
        /// Why not.
        why: &'static str,
    },
    /// The challenger cannot lock the bond.
    #[error("the dispute bond is {bond} credits; the challenger has {available}")]
    InsufficientBond {
        /// The bond.
        bond: u64,
        /// The challenger's credits.
        available: u64,
    },
    /// A delegation to someone who may not receive it.
    #[error("cannot delegate to {delegate}: {why}")]
    InvalidDelegate {
        /// The delegate.
        delegate: PublicKey,
        /// Why not.
        why: &'static str,
    },
    /// A proposal that is not queued past its eta.
    #[error(
        "proposal {proposal} is {status:?}; only a queued proposal past its eta ({eta_ms}) executes"
    )]
    NotExecutable {
        /// The proposal.
        proposal: u64,
        /// Its status.
        status: ProposalStatus,
        /// Its eta (0 before queueing).
        eta_ms: u64,
    },
    /// An action on a proposal in the wrong state.
    #[error("proposal {proposal} is {status:?}: {why}")]
    WrongProposalState {
        /// The proposal.
        proposal: u64,
        /// Its status.
        status: ProposalStatus,
        /// What was expected.
        why: &'static str,
    },
    /// No selection round with this id.
    #[error("selection round {0} does not exist")]
    UnknownRound(u64),
    /// The round is decided (or ended without a decision).
    #[error("selection round {0} is closed")]
    RoundClosed(u64),
    /// A ballot for a candidate that is not (or no longer) in the running.
    #[error("candidate {candidate} is not in the running in round {round}")]
    NotACandidate {
        /// The round.
        round: u64,
        /// The candidate.
        candidate: u16,
    },
    /// An `open_selection_round` that cannot open.
    #[error("invalid selection round: {0}")]
    InvalidRound(&'static str),
}

impl GovernanceError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            GovernanceError::UnknownProposal(_) => "unknown_proposal",
            GovernanceError::NotPersonnel(_) => "not_personnel",
            GovernanceError::NotActive { .. } => "not_active_personnel",
            GovernanceError::TermExpired { .. } => "term_expired",
            GovernanceError::RoleNotEligible { .. } => "role_not_eligible",
            GovernanceError::TierNotEligible { .. } => "tier_not_eligible",
            GovernanceError::Recused { .. } => "recused",
            GovernanceError::VotingNotStarted { .. } => "voting_not_started",
            GovernanceError::VotingClosed { .. } => "voting_closed",
            GovernanceError::NotProposer { .. } => "not_proposer",
            GovernanceError::NotCancelable { .. } => "not_cancelable",
            GovernanceError::TooManyLive { .. } => "too_many_live_proposals",
            GovernanceError::DuplicateProposal { .. } => "duplicate_proposal",
            GovernanceError::EmptyTitle => "empty_title",
            GovernanceError::ActionNotAllowed { .. } => "action_not_allowed",
            GovernanceError::InvalidAction { .. } => "invalid_action",
            GovernanceError::InvalidParams(_) => "invalid_params",
            GovernanceError::EscalationNotEmergency => "escalation_not_emergency",
            GovernanceError::NotChallengeable { .. } => "not_challengeable",
            GovernanceError::InsufficientBond { .. } => "insufficient_bond",
            GovernanceError::InvalidDelegate { .. } => "invalid_delegate",
            GovernanceError::NotExecutable { .. } => "not_executable",
            GovernanceError::WrongProposalState { .. } => "wrong_proposal_state",
            GovernanceError::UnknownRound(_) => "unknown_round",
            GovernanceError::RoundClosed(_) => "round_closed",
            GovernanceError::NotACandidate { .. } => "not_a_candidate",
            GovernanceError::InvalidRound(_) => "invalid_round",
        }
    }
}
