//! Safety selection rounds: an exhaustive ballot among safety modules of one category.
//!
//! A Safety proposal's `open_selection_round` action opens a round when it executes; the
//! round keeps a snapshot of the Safety class's rules, the tier weights and the member cap.
//! Safety-eligible personnel vote `governance.vote_round { round, candidate }` for one
//! remaining candidate (changeable within the sub-round; ballots of earlier sub-rounds do not
//! count). At each sub-round's end the end-of-block hook tallies with tier weights and member
//! caps (as `governance/tally.rs`): a candidate with more than half the counted weight wins;
//! otherwise the weakest is eliminated — on a tie, the one listed **last** among the tied —
//! and a new sub-round starts; when one candidate remains it wins. A sub-round in which no
//! weight is counted ends the round undecided. The winner is recorded and the award is paid
//! from the treasury (`SafetyRoundAward(round)`, authorised by the opening proposal); if the
//! treasury cannot pay, the decision records it unpaid.

use crate::codec::{BoundedString, BoundedVec, Hash};
use crate::crypto::PublicKey;
use crate::governance::ClassParams;
use crate::personnel::TIER_MAX;
use crate::receipt::Failure;
use crate::{codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// Most candidates of a round.
pub const CANDIDATES_MAX: usize = 16;
/// Most rounds open at once (the end-of-block hook visits each).
pub const LIVE_ROUNDS_MAX: usize = 16;

/// A competing safety module.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Candidate {
    /// Digest of the module (its template's content address).
    pub module: Hash,
    /// Its name.
    pub name: BoundedString<128>,
    /// Who receives the award if it wins (its authors).
    pub payee: PublicKey,
}
codec_struct!(Candidate {
    module,
    name,
    payee
});

/// Proposal action `open_selection_round` (Safety).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OpenSelectionRound {
    /// The safety-module category (non-empty).
    pub category: BoundedString<64>,
    /// 2 to [CANDIDATES_MAX] candidates with distinct module digests.
    pub candidates: BoundedVec<Candidate, CANDIDATES_MAX>,
    /// The winner's award in treasury units (0: none).
    pub award: u64,
    /// Length of each sub-round.
    pub round_ms: u64,
}
codec_struct!(OpenSelectionRound {
    category,
    candidates,
    award,
    round_ms
});

/// `governance.vote_round`: a ballot for one remaining candidate of the current sub-round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundVote {
    /// The round.
    pub round: u64,
    /// The candidate's index in the round's list.
    pub candidate: u16,
}
codec_struct!(RoundVote { round, candidate });

/// Where a round stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    /// Voting.
    Open,
    /// A winner was chosen.
    Decided,
    /// A sub-round counted no weight: no winner.
    NoDecision,
}
codec_unit_enum!(RoundStatus { 0 => Open, 1 => Decided, 2 => NoDecision });

/// A selection round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectionRound {
    /// Sequential id, from 1.
    pub id: u64,
    /// The Safety proposal that opened it (and authorises the award).
    pub proposal: u64,
    /// The category.
    pub category: BoundedString<64>,
    /// The candidates.
    pub candidates: BoundedVec<Candidate, CANDIDATES_MAX>,
    /// Indices of the candidates still in the running.
    pub remaining: BoundedVec<u16, CANDIDATES_MAX>,
    /// The award.
    pub award: u64,
    /// Length of a sub-round.
    pub round_ms: u64,
    /// The Safety class's rules when it opened.
    pub rules: ClassParams,
    /// The tier weights when it opened.
    pub tier_weights: BoundedVec<u32, { TIER_MAX as usize }>,
    /// The member cap when it opened.
    pub member_weight_cap_bps: u16,
    /// The current sub-round, from 1.
    pub sub_round: u16,
    /// When the current sub-round ends.
    pub ends_ms: u64,
    /// Where it stands.
    pub status: RoundStatus,
    /// The winner's index.
    pub winner: Option<u16>,
    /// The award's payment.
    pub payment: Option<u64>,
    /// Why the award could not be paid.
    pub unpaid: Option<Failure>,
}
codec_struct!(SelectionRound {
    id,
    proposal,
    category,
    candidates,
    remaining,
    award,
    round_ms,
    rules,
    tier_weights,
    member_weight_cap_bps,
    sub_round,
    ends_ms,
    status,
    winner,
    payment,
    unpaid
});

impl SelectionRound {
    /// The weight of `tier` under the round's snapshot.
    pub fn tier_weight(&self, tier: u8) -> u32 {
        usize::from(tier)
            .checked_sub(1)
            .and_then(|i| self.tier_weights.as_slice().get(i))
            .copied()
            .unwrap_or(0)
    }
}

/// One person's ballot in a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundBallot {
    /// The voter.
    pub voter: PublicKey,
    /// The candidate.
    pub candidate: u16,
    /// The sub-round it was cast in (it counts only there).
    pub sub_round: u16,
    /// Block time.
    pub cast_ms: u64,
}
codec_struct!(RoundBallot {
    voter,
    candidate,
    sub_round,
    cast_ms
});

/// A candidate's counted weight in a sub-round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateWeight {
    /// The candidate's index.
    pub candidate: u16,
    /// Its counted weight (after member caps).
    pub weight: u64,
}
codec_struct!(CandidateWeight { candidate, weight });
