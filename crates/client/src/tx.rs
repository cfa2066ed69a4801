//! Building and signing transactions.

use aigov_types::call::Call;
use aigov_types::codec::Slug;
use aigov_types::crypto::PrivateKey;
use aigov_types::tx::{SignedTx, Tx};

/// Builds the transaction `call` from `key`'s account and signs it: `chain_id` must be the
/// chain's id and `nonce` the account's current nonce (see [crate::Client::next_nonce]);
/// `gas_limit` caps the gas the sender allows it to use.
pub fn build_tx(
    key: &PrivateKey,
    chain_id: &Slug,
    nonce: u64,
    gas_limit: u64,
    call: Call,
) -> SignedTx {
    Tx {
        chain_id: chain_id.clone(),
        sender: key.public_key(),
        nonce,
        gas_limit,
        call,
    }
    .sign(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aigov_types::codec::{BoundedString, Encode, Hash};
    use aigov_types::personnel::{PersonnelCall, RegisterPersonnel, Role, Roles};

    #[test]
    fn built_transactions_verify_and_carry_the_arguments() {
        let key = PrivateKey::from_seed_bytes([3; 32]);
        let chain = Slug::new("aigov-dev").unwrap();
        let call = Call::Personnel(PersonnelCall::Register(RegisterPersonnel {
            member: Slug::new("fr").unwrap(),
            organisation: None,
            roles: Roles::from_roles(&[Role::Policy]),
            tier: 2,
            name: BoundedString::new("Ada").unwrap(),
            credential: Hash::digest(&[b"cred"]),
        }));
        let stx = build_tx(&key, &chain, 7, 50_000, call.clone());
        let back = SignedTx::decode_and_verify(&stx.encode()).unwrap();
        assert_eq!(back, stx);
        assert_eq!(back.tx.sender, key.public_key());
        assert_eq!(back.tx.chain_id, chain);
        assert_eq!(back.tx.nonce, 7);
        assert_eq!(back.tx.gas_limit, 50_000);
        assert_eq!(back.tx.call, call);
    }
}
