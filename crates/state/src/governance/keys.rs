//! Keys of the governance module, all under [GOVERNANCE]. Ids are big-endian, so proposal keys
//! sort like their ids. Lists are `count` + `idx/<n>` entries, enumerable and provable without
//! ordered iteration.
use crate::keys::{GOVERNANCE, key};
use aigov_types::governance::ProposalClass;
use aigov_types::{Hash, PublicKey};

/// The governance parameters in force (`GovernanceParams`).
pub fn params() -> Vec<u8> {
    key(GOVERNANCE, &[b"params"])
}
/// Number of proposals ever submitted (`u64`); the last id.
pub fn proposal_count() -> Vec<u8> {
    key(GOVERNANCE, &[b"count"])
}
/// Proposal `id` (`Proposal`).
pub fn proposal(id: u64) -> Vec<u8> {
    key(GOVERNANCE, &[b"prop/", &id.to_be_bytes()])
}
/// Ids of the live proposals, ascending (`BoundedVec<u64, LIVE_PROPOSALS_MAX>`).
pub fn live() -> Vec<u8> {
    key(GOVERNANCE, &[b"live"])
}
/// The live proposal with this content hash (`u64`), for duplicate detection.
pub fn content(hash: &Hash) -> Vec<u8> {
    key(GOVERNANCE, &[b"content/", &hash.0])
}
/// `voter`'s ballot on proposal `id` (`Ballot`).
pub fn ballot(id: u64, voter: &PublicKey) -> Vec<u8> {
    key(
        GOVERNANCE,
        &[b"ballot/", &id.to_be_bytes(), voter.as_bytes()],
    )
}
/// Number of voters on proposal `id` (`u64`).
pub fn voter_count(id: u64) -> Vec<u8> {
    key(GOVERNANCE, &[b"voters/", &id.to_be_bytes(), b"/count"])
}
/// The `n`th voter on proposal `id`, in order of first ballot (`PublicKey`).
pub fn voter_at(id: u64, n: u64) -> Vec<u8> {
    key(
        GOVERNANCE,
        &[b"voters/", &id.to_be_bytes(), b"/idx/", &n.to_be_bytes()],
    )
}
/// `delegator`'s delegation of `class` (`Delegation`).
pub fn delegation(class: ProposalClass, delegator: &PublicKey) -> Vec<u8> {
    key(
        GOVERNANCE,
        &[b"deleg/", &[class as u8], delegator.as_bytes()],
    )
}
/// Who delegates `class` to `delegate` (`BoundedVec<PublicKey, DELEGATORS_MAX>`), so a
/// delegate's load is bounded and visible.
pub fn delegators(class: ProposalClass, delegate: &PublicKey) -> Vec<u8> {
    key(
        GOVERNANCE,
        &[b"delegators/", &[class as u8], delegate.as_bytes()],
    )
}
/// The dispute of proposal `id` while it is challenged (`Dispute`).
pub fn dispute(id: u64) -> Vec<u8> {
    key(GOVERNANCE, &[b"dispute/", &id.to_be_bytes()])
}
/// Executed Emergency proposals that lapse unless ratified, ascending
/// (`BoundedVec<u64, LIVE_PROPOSALS_MAX>`).
pub fn lapsing() -> Vec<u8> {
    key(GOVERNANCE, &[b"lapsing"])
}
/// Selection round `id`.
pub fn round(id: u64) -> Vec<u8> {
    key(GOVERNANCE, &[b"round/", &id.to_be_bytes()])
}
/// Number of selection rounds.
pub fn round_count() -> Vec<u8> {
    key(GOVERNANCE, &[b"rounds/count"])
}
/// Open selection rounds.
pub fn live_rounds() -> Vec<u8> {
    key(GOVERNANCE, &[b"rounds/live"])
}
/// A person's ballot in round `id`.
pub fn round_ballot(id: u64, voter: &PublicKey) -> Vec<u8> {
    key(
        GOVERNANCE,
        &[b"rballot/", &id.to_be_bytes(), voter.as_bytes()],
    )
}
/// Number of distinct voters of round `id`.
pub fn round_voter_count(id: u64) -> Vec<u8> {
    key(GOVERNANCE, &[b"rvoters/", &id.to_be_bytes(), b"/count"])
}
/// The `n`th distinct voter of round `id`.
pub fn round_voter_at(id: u64, n: u64) -> Vec<u8> {
    key(
        GOVERNANCE,
        &[b"rvoters/", &id.to_be_bytes(), b"/idx/", &n.to_be_bytes()],
    )
}
