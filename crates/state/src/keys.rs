//! The key space: every module's prefix, in one place so that collisions are impossible and
//! visible. Module `keys.rs` files build keys under their own prefix only.
//!
//! Logical keys are `prefix || suffix`; the node stores them in QMDB under SHA-256 of the
//! logical key, so prefixes exist for readability and separation, not for ordering.

/// Chain metadata: height, block time, genesis hash, parameters.
pub const CHAIN: &[u8] = b"chain/";
/// Accounts: nonce and gas credits.
pub const ACCOUNTS: &[u8] = b"acct/";
/// The system token pool.
pub const POOL: &[u8] = b"pool/";
/// Members.
pub const MEMBERS: &[u8] = b"memb/";
/// Organisations.
pub const ORGANISATIONS: &[u8] = b"org/";
/// Personnel.
pub const PERSONNEL: &[u8] = b"pers/";
/// The activity log: frontier and events.
pub const LOG: &[u8] = b"log/";
/// Transaction receipts.
pub const RECEIPTS: &[u8] = b"rcpt/";
/// Governance: parameters, proposals, ballots, the live list.
pub const GOVERNANCE: &[u8] = b"gov/";
/// Gas: the economy's parameters, the price, the credit ledger, purchases, duty allowances.
pub const GAS: &[u8] = b"gas/";
/// The shared treasury: its ledger, payments, bounty claims.
pub const TREASURY: &[u8] = b"tres/";
/// The hardware registry: compute parameters, hardware, inspections, the inspection due-queue.
pub const HARDWARE: &[u8] = b"hw/";
/// The model registry: models and the container-ID index.
pub const MODELS: &[u8] = b"model/";
/// Workloads and runs.
pub const WORKLOADS: &[u8] = b"wl/";
/// The OTK issuer: permits, their per-device index, the drip queue.
pub const OTK: &[u8] = b"otk/";
/// Templates: their records (policy text and digest).
pub const TEMPLATES: &[u8] = b"tmpl/";
/// The safety standard: its versions.
pub const STANDARD: &[u8] = b"std/";
/// Certification: runners, model declarations, reports, the certified list, retry grants.
pub const CERTIFY: &[u8] = b"cert/";

/// The whistle-blower program: the reviewing key, reports.
pub const WHISTLE: &[u8] = b"wb/";
/// Integrity challenges: challenges, the armed set, the arming and deadline queues.
pub const INTEGRITY: &[u8] = b"intg/";

/// The consensus committee: as voted, per-epoch snapshots, address histories.
pub const VALIDATORS: &[u8] = b"val/";

/// Every prefix, for the collision test and for tools.
pub const ALL: [&[u8]; 21] = [
    CHAIN,
    ACCOUNTS,
    POOL,
    MEMBERS,
    ORGANISATIONS,
    PERSONNEL,
    LOG,
    RECEIPTS,
    GOVERNANCE,
    GAS,
    TREASURY,
    HARDWARE,
    MODELS,
    WORKLOADS,
    OTK,
    WHISTLE,
    TEMPLATES,
    STANDARD,
    CERTIFY,
    INTEGRITY,
    VALIDATORS,
];

/// `prefix || parts...`.
pub fn key(prefix: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut k = prefix.to_vec();
    for p in parts {
        k.extend_from_slice(p);
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_keys_sort_like_their_indices() {
        let ns = [
            0u64,
            1,
            2,
            255,
            256,
            65_535,
            1 << 32,
            u64::MAX - 1,
            u64::MAX,
        ];
        let builders: [fn(u64) -> Vec<u8>; 29] = [
            crate::log::keys::event,
            crate::personnel::keys::member_at,
            crate::personnel::keys::organisation_at,
            crate::personnel::keys::personnel_at,
            crate::governance::keys::proposal,
            |n| crate::governance::keys::voter_at(7, n),
            crate::gas::keys::purchase,
            crate::treasury::keys::payment,
            crate::treasury::keys::bounty,
            crate::hardware::keys::hardware,
            crate::hardware::keys::inspection,
            crate::hardware::keys::due_count,
            |n| crate::hardware::keys::due_at(7, n),
            |n| crate::hardware::keys::due_at(n, 0),
            crate::models::keys::model,
            crate::workloads::keys::workload,
            crate::workloads::keys::run,
            |n| crate::workloads::keys::model_run_at(3, n),
            crate::otk::keys::permit,
            crate::otk::keys::queue_at,
            crate::templates::keys::template,
            crate::certify::keys::report,
            crate::certify::keys::model,
            crate::certify::keys::retry,
            |n| {
                crate::otk::keys::device_seq(
                    &aigov_types::PrivateKey::from_seed_bytes([1; 32]).public_key(),
                    n,
                )
            },
            crate::whistle::keys::report,
            crate::governance::keys::round,
            |n| crate::governance::keys::round_voter_at(7, n),
            crate::validators::keys::committee,
        ];
        for build in builders {
            for w in ns.windows(2) {
                assert!(build(w[0]) < build(w[1]), "{} vs {}", w[0], w[1]);
            }
        }
        for w in [0u32, 1, 255, 256, u32::MAX].windows(2) {
            assert!(crate::standard::keys::version(w[0]) < crate::standard::keys::version(w[1]));
        }
    }

    #[test]
    fn every_key_builder_stays_under_its_module_prefix() {
        use aigov_types::{Hash, PrivateKey, Slug};
        let id = Slug::new("fr").unwrap();
        let who = PrivateKey::from_seed_bytes([7; 32]).public_key();
        let hash = Hash::digest(&[b"tx"]);
        let class = aigov_types::governance::ProposalClass::Review;
        let cases: [(&[u8], Vec<u8>); 90] = [
            (CHAIN, crate::chain::keys::height()),
            (CHAIN, crate::chain::keys::time_ms()),
            (CHAIN, crate::chain::keys::genesis_hash()),
            (CHAIN, crate::chain::keys::params()),
            (ACCOUNTS, crate::accounts::keys::account(&who)),
            (POOL, crate::accounts::keys::pool()),
            (MEMBERS, crate::personnel::keys::member(&id)),
            (MEMBERS, crate::personnel::keys::member_count()),
            (MEMBERS, crate::personnel::keys::member_at(0)),
            (ORGANISATIONS, crate::personnel::keys::organisation(&id)),
            (ORGANISATIONS, crate::personnel::keys::organisation_count()),
            (ORGANISATIONS, crate::personnel::keys::organisation_at(0)),
            (PERSONNEL, crate::personnel::keys::personnel(&who)),
            (PERSONNEL, crate::personnel::keys::personnel_count()),
            (PERSONNEL, crate::personnel::keys::personnel_at(0)),
            (LOG, crate::log::keys::event(0)),
            (RECEIPTS, crate::log::keys::receipt(&hash)),
            (GOVERNANCE, crate::governance::keys::params()),
            (GOVERNANCE, crate::governance::keys::proposal_count()),
            (GOVERNANCE, crate::governance::keys::proposal(0)),
            (GOVERNANCE, crate::governance::keys::live()),
            (GOVERNANCE, crate::governance::keys::content(&hash)),
            (GOVERNANCE, crate::governance::keys::ballot(0, &who)),
            (GOVERNANCE, crate::governance::keys::voter_count(0)),
            (GOVERNANCE, crate::governance::keys::voter_at(0, 0)),
            (GOVERNANCE, crate::governance::keys::delegation(class, &who)),
            (GOVERNANCE, crate::governance::keys::delegators(class, &who)),
            (GOVERNANCE, crate::governance::keys::dispute(0)),
            (GOVERNANCE, crate::governance::keys::lapsing()),
            (GOVERNANCE, crate::governance::keys::round(0)),
            (GOVERNANCE, crate::governance::keys::round_count()),
            (GOVERNANCE, crate::governance::keys::live_rounds()),
            (GOVERNANCE, crate::governance::keys::round_ballot(0, &who)),
            (GOVERNANCE, crate::governance::keys::round_voter_count(0)),
            (GOVERNANCE, crate::governance::keys::round_voter_at(0, 0)),
            (POOL, crate::accounts::keys::pool_contribution(&id)),
            (GAS, crate::gas::keys::params()),
            (GAS, crate::gas::keys::price()),
            (GAS, crate::gas::keys::ledger()),
            (GAS, crate::gas::keys::purchase(0)),
            (GAS, crate::gas::keys::reference(&hash)),
            (GAS, crate::gas::keys::duty(&who)),
            (TREASURY, crate::treasury::keys::ledger()),
            (TREASURY, crate::treasury::keys::payment(0)),
            (TREASURY, crate::treasury::keys::bounty(0)),
            (TREASURY, crate::treasury::keys::bounty_count()),
            (HARDWARE, crate::hardware::keys::params()),
            (HARDWARE, crate::hardware::keys::count()),
            (HARDWARE, crate::hardware::keys::hardware(0)),
            (HARDWARE, crate::hardware::keys::device(&who)),
            (HARDWARE, crate::hardware::keys::inspection_count()),
            (HARDWARE, crate::hardware::keys::inspection(0)),
            (HARDWARE, crate::hardware::keys::inspection_digest(&hash)),
            (HARDWARE, crate::hardware::keys::due_count(0)),
            (HARDWARE, crate::hardware::keys::due_at(0, 0)),
            (HARDWARE, crate::hardware::keys::due_cursor()),
            (HARDWARE, crate::hardware::keys::due_total()),
            (MODELS, crate::models::keys::count()),
            (MODELS, crate::models::keys::model(0)),
            (MODELS, crate::models::keys::container(&hash)),
            (WORKLOADS, crate::workloads::keys::count()),
            (WORKLOADS, crate::workloads::keys::workload(0)),
            (WORKLOADS, crate::workloads::keys::run_count()),
            (WORKLOADS, crate::workloads::keys::run(0)),
            (WORKLOADS, crate::workloads::keys::model_run_count(0)),
            (WORKLOADS, crate::workloads::keys::model_run_at(0, 0)),
            (OTK, crate::otk::keys::count()),
            (OTK, crate::otk::keys::permit(0)),
            (OTK, crate::otk::keys::device_seq(&who, 0)),
            (OTK, crate::otk::keys::queue_head()),
            (OTK, crate::otk::keys::queue_tail()),
            (OTK, crate::otk::keys::queue_at(0)),
            (WHISTLE, crate::whistle::keys::reviewing_key()),
            (WHISTLE, crate::whistle::keys::report_count()),
            (WHISTLE, crate::whistle::keys::report(0)),
            (TEMPLATES, crate::templates::keys::count()),
            (TEMPLATES, crate::templates::keys::template(0)),
            (STANDARD, crate::standard::keys::current()),
            (STANDARD, crate::standard::keys::version(0)),
            (CERTIFY, crate::certify::keys::runner(&who)),
            (CERTIFY, crate::certify::keys::model(0)),
            (CERTIFY, crate::certify::keys::report_count()),
            (CERTIFY, crate::certify::keys::report(0)),
            (CERTIFY, crate::certify::keys::digest(&hash)),
            (CERTIFY, crate::certify::keys::certified()),
            (CERTIFY, crate::certify::keys::retry(0)),
            (VALIDATORS, crate::validators::keys::pending()),
            (VALIDATORS, crate::validators::keys::blocks_per_epoch()),
            (VALIDATORS, crate::validators::keys::committee(0)),
            (VALIDATORS, crate::validators::keys::address(&who)),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for (prefix, key) in &cases {
            assert!(key.starts_with(prefix), "{key:?}");
            assert!(seen.insert(key.clone()), "two builders give {key:?}");
        }
        assert!(seen.insert(crate::log::keys::frontier()));
    }

    #[test]
    fn no_prefix_is_a_prefix_of_another() {
        for (i, a) in ALL.iter().enumerate() {
            assert_eq!(a.last(), Some(&b'/'));
            for (j, b) in ALL.iter().enumerate() {
                if i != j {
                    assert!(!b.starts_with(a), "{:?} is a prefix of {:?}", a, b);
                }
            }
        }
    }
}
