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

#[derive(Clone)]
struct Entry {
    bytes: Bytes,
    sender: PublicKey,
    nonce: u64,
    cost: u64,
    sponsored: bool,
    seq: u64,
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

    /// What `sender` has pending (count, and cost to its own credits).
    pub fn pending(&self, sender: &PublicKey) -> Pending {
        let inner = self.lock();
        let Some(txs) = inner.by_sender.get(sender) else {
            return Pending::default();
        };
        let cost = txs
            .values()
            .filter_map(|h| inner.by_hash.get(h))
            .filter(|e| !e.sponsored)
            .map(|e| e.cost)
            .sum();
        Pending {
            count: txs.len() as u64,
            cost,
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

    /// Drops a transaction (e.g. one that finalized state shows can never execute).
    pub fn evict(&self, hash: &TxHash) {
        remove(&mut self.lock(), hash);
    }

    /// The sender and nonce of a pending transaction.
    pub fn sender_of(&self, hash: &TxHash) -> Option<(PublicKey, u64)> {
        self.lock()
            .by_hash
            .get(hash)
            .map(|e| (e.sender.clone(), e.nonce))
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
