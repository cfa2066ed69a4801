//! Governance: multilateral, tiered voting on typed proposals.
//!
//! - **Entities**: [Proposal] (class, proposer, title, description hash, up to 16 typed
//!   [Action]s, its own copy of the rules in force when created, recusal subjects, status,
//!   the decision record), [Ballot] (one per person and proposal, changeable), the
//!   [GovernanceParams] (tier weights, member cap, one [ClassParams] per class).
//! - **Statuses** ([ProposalStatus]), moved by block time in the end-of-block hook ([hooks]):
//!   ```text
//!   Pending ──voting_starts──▶ Active ──voting_ends──▶ tally ─┬─▶ QuorumFailed
//!      │                        ▲    │                        ├─▶ Defeated (approval, members, veto)
//!      │ cancel (proposer)      └────┘ late quorum:           └─▶ passed
//!      ▼                        extend (≤ max_extensions)           │ with a confirm period:
//!   Canceled                                                        │ Succeeded, re-tally at its end
//!                                                                   ▼
//!   Queued ──eta──▶ actions, all or nothing ─▶ Executed | ExecutionFailed
//!   Queued ──eta + execution_window passed──▶ Expired
//!   ```
//! - **Calls** (duties: the pool pays, and admission refuses senders who are not Active
//!   personnel):
//!   - `governance.propose` — Active personnel with an eligible role and tier for the class and
//!     a running term; every action must suit the class ([Action::classes]) and be possible on
//!     the current state; at most `max_live_proposals` live; no live duplicate (same class,
//!     actions and description hash). Ids are sequential from 1.
//!   - `governance.vote` — while voting is open by block time (and during a confirm period),
//!     by Active personnel with an eligible role and tier, a running term, and not recused (the
//!     subject person of an action and the personnel of their organisation are). A new ballot
//!     replaces the voter's earlier one.
//!   - `governance.cancel` — the proposer only, while Pending and before voting opens.
//!   - `governance.escalate` — any Active person in term raises an Emergency proposal.
//!   - `governance.challenge` — a bonded challenge of a queued proposal before its eta: it is
//!     Disputed until the Emergency review it opens ends.
//!   - `governance.delegate` — a class's vote to a same-member, same-role person (or revoke).
//!   - `governance.execute` — runs a queued proposal past its eta in the transaction.
//! - **Safeguards**: conflict detection between live proposals acting on the same object
//!   (re-checked when one executes), expiring emergency powers (lapse unless ratified), disputes
//!   decided by an Emergency review, one-level delegation in the tally.
//! - **Tally**: a concurrent majority with member caps, integer-only ([tally]).
//! - **Execution**: actions run with the governance origin, through the owning module's
//!   functions (personnel status, tier and term), all or nothing ([actions]).
//! - **Events**: `ProposalSubmitted`, `ProposalActivated`, `VoteCast`, `ProposalTallied`,
//!   `VotingExtended`, `ProposalQueued`, `ProposalExecuted`, `ProposalExecutionFailed`,
//!   `ProposalCanceled`, `ProposalExpired`, `ClassParamsChanged`, `GovernanceParamsChanged`, and
//!   the personnel module's `PersonnelStatusChanged`, `PersonnelTierChanged`,
//!   `PersonnelTermRenewed` from executed actions.
//!
//! The whistle-blower program's actions (`review_report`, `escalate_report`,
//! `set_whistleblower_key`) run through [crate::whistle]. Safety selection rounds
//! (`open_selection_round`, `governance.vote_round`, the exhaustive ballot in the end-of-block
//! hook) are in [rounds].
//!
//! [Proposal]: aigov_types::governance::Proposal
//! [Action]: aigov_types::governance::Action
//! [Action::classes]: aigov_types::governance::Action::classes
//! [Ballot]: aigov_types::governance::Ballot
//! [GovernanceParams]: aigov_types::governance::GovernanceParams
//! [ClassParams]: aigov_types::governance::ClassParams
//! [ProposalStatus]: aigov_types::governance::ProposalStatus

pub mod actions;
mod error;
mod execute;
pub mod hooks;
pub mod keys;
pub mod queries;
pub mod rounds;
pub mod tally;

pub use error::GovernanceError;
pub(crate) use execute::{
    cancel, challenge, delegate, escalate, execute_now, init_genesis, propose, vote,
};
pub(crate) use hooks::end_block;
pub(crate) use rounds::vote_round;
