//! Keys of the gas module.
use crate::keys::{GAS, key};
use aigov_types::{Hash, PublicKey};

/// The economy's parameters in force.
pub fn params() -> Vec<u8> {
    key(GAS, &[b"params"])
}
/// The current gas price.
pub fn price() -> Vec<u8> {
    key(GAS, &[b"price"])
}
/// The credit ledger (issued, consumed, purchases).
pub fn ledger() -> Vec<u8> {
    key(GAS, &[b"ledger"])
}
/// Purchase `id`.
pub fn purchase(id: u64) -> Vec<u8> {
    key(GAS, &[b"purchase/", &id.to_be_bytes()])
}
/// The purchase id recorded under a (member, payment reference) identity.
pub fn reference(identity: &Hash) -> Vec<u8> {
    key(GAS, &[b"ref/", &identity.0])
}
/// A person's duty-allowance usage.
pub fn duty(who: &PublicKey) -> Vec<u8> {
    key(GAS, &[b"duty/", who.as_bytes()])
}
