//! The mempool: admitted transactions waiting for a block.
//!
//! A transaction enters only after the stateless checks (size, encoding, signature) and the
//! stateful ones (`aigov_state::admit` against the latest finalized state, counting what the
//! sender already has pending). Proposals *read* from it; a transaction leaves only when a
//! finalized block includes it or finalized state makes it stale, so a dropped proposal never
//! loses a transaction.

use aigov_state::app::Pending;
use aigov_types::{PublicKey, TxHash};
use bytes::Bytes;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// Most transactions held at once.
pub const MEMPOOL_MAX: usize = 50_000;

/// Proposals that may leave a transaction out before it is evicted: enough to ride out a
/// full block or a sponsored quota, few enough that a transaction that can never execute does
/// not linger.
pub const MAX_MISSES: u32 = 16;

#[derive(Clone)]
struct Entry {
    bytes: Bytes,
    sender: PublicKey,
    nonce: u64,
    cost: u64,
    sponsored: bool,
    seq: u64,
    /// Proposals that left this transaction out.
    misses: u32,
}

#[derive(Default)]
struct Inner {
    by_hash: HashMap<TxHash, Entry>,
    /// sender → nonce → hash (nonces are contiguous per sender).
    by_sender: BTreeMap<PublicKey, BTreeMap<u64, TxHash>>,
    /// arrival order → hash.
    order: BTreeMap<u64, TxHash>,
    next_seq: u64,
}

/// Why the mempool refused a transaction that passed admission.
#[derive(Debug, PartialEq, Eq)]
pub enum InsertError {
    /// Already pending.
    Duplicate,
    /// Full.
    Full,
    /// Another transaction took this nonce meanwhile.
    NonceTaken {
        /// The nonce now expected.
        expected: u64,
    },
}

/// Shared handle to the mempool.
#[derive(Clone, Default)]
pub struct Mempool {
    inner: Arc<Mutex<Inner>>,
    notify: Arc<Notify>,
}

impl Mempool {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A poisoned lock means a panic elsewhere already; the data is still consistent
        // because every mutation below completes without panicking.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What `sender` has pending (count, cost to its own credits, cost to the pool).
    pub fn pending(&self, sender: &PublicKey) -> Pending {
        let inner = self.lock();
        let Some(txs) = inner.by_sender.get(sender) else {
            return Pending::default();
        };
        let (mut cost, mut sponsored) = (0u64, 0u64);
        for e in txs.values().filter_map(|h| inner.by_hash.get(h)) {
            let total = if e.sponsored {
                &mut sponsored
            } else {
                &mut cost
            };
            *total = total.saturating_add(e.cost);
        }
        Pending {
            count: txs.len() as u64,
            cost,
            sponsored,
        }
    }

    /// True if `hash` is pending.
    pub fn contains(&self, hash: &TxHash) -> bool {
        self.lock().by_hash.contains_key(hash)
    }

    /// Number of pending transactions.
    pub fn len(&self) -> usize {
        self.lock().by_hash.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds an admitted transaction. `expected_count` is the sender's pending count that
    /// admission assumed: if it changed meanwhile, the nonce is no longer next.
    #[allow(clippy::too_many_arguments)]
    pub fn insert(
        &self,
        hash: TxHash,
        bytes: Bytes,
        sender: PublicKey,
        nonce: u64,
        cost: u64,
        sponsored: bool,
        expected_count: u64,
    ) -> Result<(), InsertError> {
        let mut inner = self.lock();
        if inner.by_hash.contains_key(&hash) {
            return Err(InsertError::Duplicate);
        }
        if inner.by_hash.len() >= MEMPOOL_MAX {
            return Err(InsertError::Full);
        }
        let count = inner.by_sender.get(&sender).map_or(0, |m| m.len() as u64);
        if count != expected_count {
            let next = inner
                .by_sender
                .get(&sender)
                .and_then(|m| m.keys().next_back())
                .map_or(nonce, |n| n + 1);
            return Err(InsertError::NonceTaken { expected: next });
        }
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.order.insert(seq, hash);
        inner
            .by_sender
            .entry(sender.clone())
            .or_default()
            .insert(nonce, hash);
        inner.by_hash.insert(
            hash,
            Entry {
                bytes,
                sender,
                nonce,
                cost,
                sponsored,
                seq,
                misses: 0,
            },
        );
        drop(inner);
        self.notify.notify_waiters();
        Ok(())
    }

    /// Up to `max` pending transactions in arrival order (each sender's in nonce order).
    /// They stay pending until finalized.
    pub fn peek(&self, max: usize) -> Vec<Bytes> {
        let inner = self.lock();
        inner
            .order
            .values()
            .take(max)
            .filter_map(|h| inner.by_hash.get(h).map(|e| e.bytes.clone()))
            .collect()
    }

    /// Waits until a transaction is inserted (or returns at once if any is pending).
    pub async fn wait_nonempty(&self) {
        loop {
            let notified = self.notify.notified();
            if !self.is_empty() {
                return;
            }
            notified.await;
        }
    }

    /// Removes transactions included in a finalized block, then every pending transaction of
    /// the affected senders whose nonce is below `next_nonce(sender)` (now stale).
    pub fn finalized(&self, included: &[TxHash], next_nonce: &BTreeMap<PublicKey, u64>) {
        let mut inner = self.lock();
        for h in included {
            remove(&mut inner, h);
        }
        for (sender, next) in next_nonce {
            let stale: Vec<TxHash> = inner
                .by_sender
                .get(sender)
                .map(|m| m.range(..*next).map(|(_, h)| *h).collect())
                .unwrap_or_default();
            for h in stale {
                remove(&mut inner, &h);
            }
        }
    }

    /// Records that a proposal left `txs` out; evicts those left out of [MAX_MISSES]
    /// proposals. Returns how many were evicted.
    pub fn left_out(&self, txs: &[Bytes]) -> usize {
        let mut inner = self.lock();
        let mut evict = Vec::new();
        for raw in txs {
            let Ok(stx) = aigov_types::SignedTx::decode_bounded(raw) else {
                continue;
            };
            let hash = stx.hash();
            if let Some(e) = inner.by_hash.get_mut(&hash) {
                e.misses += 1;
                if e.misses >= MAX_MISSES {
                    evict.push(hash);
                }
            }
        }
        for h in &evict {
            remove(&mut inner, h);
        }
        evict.len()
    }
}

fn remove(inner: &mut Inner, hash: &TxHash) {
    if let Some(e) = inner.by_hash.remove(hash) {
        inner.order.remove(&e.seq);
        if let Some(m) = inner.by_sender.get_mut(&e.sender) {
            m.remove(&e.nonce);
            if m.is_empty() {
                inner.by_sender.remove(&e.sender);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aigov_types::codec::{BoundedString, Encode, Hash, Slug};
    use aigov_types::personnel::{PersonnelCall, RegisterPersonnel, Role, Roles};
    use aigov_types::{Call, PrivateKey, Tx};

    fn tx(key: &PrivateKey, nonce: u64) -> (TxHash, Bytes) {
        let stx = Tx {
            chain_id: Slug::new("t").unwrap(),
            sender: key.public_key(),
            nonce,
            gas_limit: 1,
            call: Call::Personnel(PersonnelCall::Register(RegisterPersonnel {
                member: Slug::new("fr").unwrap(),
                organisation: None,
                roles: Roles::from_roles(&[Role::Policy]),
                tier: 1,
                name: BoundedString::new("x").unwrap(),
                credential: Hash::default(),
            })),
        }
        .sign(key);
        (stx.hash(), stx.encode())
    }

    #[test]
    fn nonces_must_follow_what_is_pending() {
        let m = Mempool::default();
        let k = PrivateKey::from_seed_bytes([1; 32]);
        let (h0, b0) = tx(&k, 0);
        let (h1, b1) = tx(&k, 1);
        m.insert(h0, b0.clone(), k.public_key(), 0, 1, false, 0)
            .unwrap();
        assert_eq!(
            m.insert(h0, b0, k.public_key(), 0, 1, false, 0),
            Err(InsertError::Duplicate)
        );
        // Admission assumed nothing pending, but one transaction is: the nonce is taken.
        assert_eq!(
            m.insert(h1, b1.clone(), k.public_key(), 1, 1, false, 0),
            Err(InsertError::NonceTaken { expected: 1 })
        );
        m.insert(h1, b1, k.public_key(), 1, 1, false, 1).unwrap();
        assert_eq!(
            m.pending(&k.public_key()),
            Pending {
                count: 2,
                cost: 2,
                sponsored: 0
            }
        );
        assert_eq!(m.peek(10).len(), 2);
    }

    #[test]
    fn finalization_removes_included_and_stale() {
        let m = Mempool::default();
        let k = PrivateKey::from_seed_bytes([2; 32]);
        let txs: Vec<_> = (0..3).map(|n| tx(&k, n)).collect();
        for (n, (h, b)) in txs.iter().enumerate() {
            m.insert(*h, b.clone(), k.public_key(), n as u64, 1, false, n as u64)
                .unwrap();
        }
        // Block included nonce 0; the account's next nonce is now 2 (nonce 1 used elsewhere).
        let next = BTreeMap::from([(k.public_key(), 2)]);
        m.finalized(&[txs[0].0], &next);
        assert!(!m.contains(&txs[0].0) && !m.contains(&txs[1].0));
        assert!(m.contains(&txs[2].0));
    }

    #[test]
    fn a_transaction_left_out_of_too_many_proposals_is_evicted() {
        let m = Mempool::default();
        let k = PrivateKey::from_seed_bytes([3; 32]);
        let (h, b) = tx(&k, 0);
        m.insert(h, b.clone(), k.public_key(), 0, 1, true, 0)
            .unwrap();
        for _ in 1..MAX_MISSES {
            assert_eq!(m.left_out(std::slice::from_ref(&b)), 0);
        }
        assert!(m.contains(&h));
        assert_eq!(m.left_out(std::slice::from_ref(&b)), 1);
        assert!(!m.contains(&h));
        assert!(m.is_empty());
    }
}
