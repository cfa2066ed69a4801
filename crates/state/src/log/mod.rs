//! The activity log and receipts, kept in state: every event is a leaf of an RFC 6962 Merkle
//! tree whose frontier lives under `log/frontier`, and every executed transaction has a
//! receipt under `rcpt/<hash>`. Because both are state, they are covered by the block's state
//! root and provable to a light client like any other entry.

pub mod keys;

use crate::store::{Overlay, StateRead, StoreError, get_typed};
use aigov_types::codec::Encode;
use aigov_types::event::{Event, EventRecord};
use aigov_types::log::{Frontier, leaf_hash};
use aigov_types::{Hash, Receipt};

/// The log's frontier (size and subtree roots).
pub async fn frontier(s: &impl StateRead) -> Result<Frontier, StoreError> {
    Ok(get_typed::<Frontier>(s, &keys::frontier())
        .await?
        .unwrap_or_default())
}

/// The event at `index`.
pub async fn event(s: &impl StateRead, index: u64) -> Result<Option<EventRecord>, StoreError> {
    get_typed(s, &keys::event(index)).await
}

/// The receipt of transaction `hash`.
pub async fn receipt(s: &impl StateRead, hash: &Hash) -> Result<Option<Receipt>, StoreError> {
    get_typed(s, &keys::receipt(hash)).await
}

/// Appends events during a block; writes the frontier once at the end.
pub(crate) struct LogWriter {
    frontier: Frontier,
    /// Records appended in this block, in order.
    pub(crate) appended: Vec<EventRecord>,
}

impl LogWriter {
    /// Loads the frontier.
    pub(crate) async fn load(s: &impl StateRead) -> Result<Self, StoreError> {
        Ok(Self {
            frontier: frontier(s).await?,
            appended: Vec::new(),
        })
    }

    /// The log's root as loaded (before this block's events): commits to every event up to
    /// the parent block, and so to the parent's whole history.
    pub(crate) fn root(&self) -> Hash {
        self.frontier.root()
    }

    /// The index the next event will get.
    pub(crate) fn next_index(&self) -> u64 {
        self.frontier.size
    }

    /// Appends one event.
    pub(crate) fn append<S: StateRead>(
        &mut self,
        o: &mut Overlay<'_, S>,
        height: u64,
        tx: Option<Hash>,
        event: Event,
    ) -> u64 {
        let index = self.frontier.size;
        let record = EventRecord {
            index,
            height,
            tx,
            event,
        };
        let bytes = record.encode();
        self.frontier.push(leaf_hash(&bytes));
        o.put(keys::event(index), bytes.to_vec());
        self.appended.push(record);
        index
    }

    /// Writes the frontier.
    pub(crate) fn finish<S: StateRead>(&self, o: &mut Overlay<'_, S>) {
        o.put_typed(keys::frontier(), &self.frontier);
    }
}
