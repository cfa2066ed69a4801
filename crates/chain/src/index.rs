//! What the node remembers about finalized history beyond state: the latest finalized height
//! and block, the activity log's leaf hashes (to build inclusion and consistency proofs), and
//! the live event stream. Rebuilt from state at startup, so it is never a second source of
//! truth.

use aigov_types::Hash;
use aigov_types::codec::Encode;
use aigov_types::event::EventRecord;
use aigov_types::log::leaf_hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tokio::sync::broadcast;

/// A finalized block, as the index tracks it.
#[derive(Clone, Debug, Default)]
pub struct Tip {
    /// Height.
    pub height: u64,
    /// State root after it.
    pub state_root: Hash,
    /// Its time.
    pub time_ms: u64,
}

/// Finalized-history index, shared by the application (writer) and the API (readers).
#[derive(Clone)]
pub struct Index {
    inner: Arc<Shared>,
}

struct Shared {
    tip: RwLock<Tip>,
    leaves: RwLock<Vec<Hash>>,
    events: broadcast::Sender<EventRecord>,
    finalized_txs: AtomicU64,
    finalized_blocks: AtomicU64,
}

impl Default for Index {
    fn default() -> Self {
        Self::new()
    }
}

impl Index {
    /// An empty index.
    pub fn new() -> Self {
        let (events, _) = broadcast::channel(4096);
        Self {
            inner: Arc::new(Shared {
                tip: RwLock::new(Tip::default()),
                leaves: RwLock::new(Vec::new()),
                events,
                finalized_txs: AtomicU64::new(0),
                finalized_blocks: AtomicU64::new(0),
            }),
        }
    }

    /// The latest finalized block.
    pub fn tip(&self) -> Tip {
        self.inner
            .tip
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Number of events in the finalized log.
    pub fn log_size(&self) -> u64 {
        self.inner
            .leaves
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .len() as u64
    }

    /// The first `size` leaf hashes.
    pub fn leaves(&self, size: u64) -> Option<Vec<Hash>> {
        let leaves = self.inner.leaves.read().unwrap_or_else(|p| p.into_inner());
        leaves.get(..size as usize).map(<[Hash]>::to_vec)
    }

    /// Subscribes to newly finalized events.
    pub fn subscribe(&self) -> broadcast::Receiver<EventRecord> {
        self.inner.events.subscribe()
    }

    /// Transactions finalized since start.
    pub fn finalized_txs(&self) -> u64 {
        self.inner.finalized_txs.load(Ordering::Relaxed)
    }

    /// Blocks finalized since start.
    pub fn finalized_blocks(&self) -> u64 {
        self.inner.finalized_blocks.load(Ordering::Relaxed)
    }

    /// Records a finalized block and the events it appended (which must continue the log
    /// exactly; earlier ones, replayed after a restart, are ignored).
    pub fn finalized(&self, tip: Tip, events: Vec<EventRecord>, txs: u64) {
        {
            let mut leaves = self.inner.leaves.write().unwrap_or_else(|p| p.into_inner());
            for e in events {
                if e.index == leaves.len() as u64 {
                    leaves.push(leaf_hash(&e.encode()));
                    let _ = self.inner.events.send(e);
                }
            }
        }
        self.inner.finalized_txs.fetch_add(txs, Ordering::Relaxed);
        self.inner.finalized_blocks.fetch_add(1, Ordering::Relaxed);
        *self.inner.tip.write().unwrap_or_else(|p| p.into_inner()) = tip;
    }

    /// Loads the log at startup.
    pub fn load(&self, tip: Tip, records: impl IntoIterator<Item = EventRecord>) {
        let mut leaves = self.inner.leaves.write().unwrap_or_else(|p| p.into_inner());
        leaves.clear();
        leaves.extend(records.into_iter().map(|e| leaf_hash(&e.encode())));
        *self.inner.tip.write().unwrap_or_else(|p| p.into_inner()) = tip;
    }
}
