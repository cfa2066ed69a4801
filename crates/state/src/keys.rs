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

/// Every prefix, for the collision test and for tools.
pub const ALL: [&[u8]; 8] = [
    CHAIN,
    ACCOUNTS,
    POOL,
    MEMBERS,
    ORGANISATIONS,
    PERSONNEL,
    LOG,
    RECEIPTS,
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
