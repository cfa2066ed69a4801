//! Storage behind a trait: the state machine reads through [StateRead] and writes into an
//! [Overlay], which the node later commits (QMDB in `aigov-chain`, a `BTreeMap` in tests).

use aigov_types::codec::{CodecError, Encode, Read, decode_slice};
use std::collections::BTreeMap;
use std::future::Future;

/// A storage failure. Fatal for the block being executed: the node retries or halts, it never
/// turns this into a transaction failure (which would fork honest validators).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The backing store failed to read.
    #[error("state read failed: {0}")]
    Read(String),
    /// A stored value did not decode: state is corrupt or a module changed its format.
    #[error("state value under key {key} is corrupt: {reason}")]
    Corrupt {
        /// The logical key, hex.
        key: String,
        /// The decoding error.
        reason: String,
    },
}

/// Read access to state by logical key.
pub trait StateRead: Sync {
    /// The value stored under `key`, if any.
    fn get(&self, key: &[u8]) -> impl Future<Output = Result<Option<Vec<u8>>, StoreError>> + Send;
}

/// Reads and decodes a typed value.
pub async fn get_typed<T: Read<Cfg = ()>>(
    store: &impl StateRead,
    key: &[u8],
) -> Result<Option<T>, StoreError> {
    match store.get(key).await? {
        None => Ok(None),
        Some(bytes) => decode_slice::<T>(&bytes)
            .map(Some)
            .map_err(|e: CodecError| StoreError::Corrupt {
                key: hex_key(key),
                reason: e.to_string(),
            }),
    }
}

/// A key for error messages: printable prefix, hex remainder.
pub(crate) fn hex_key(key: &[u8]) -> String {
    let split = key.iter().position(|b| *b == b'/').map_or(0, |p| p + 1);
    let (prefix, rest) = key.split_at(split);
    let mut out = String::from_utf8_lossy(prefix).into_owned();
    for b in rest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Writes buffered over a reader; reads see the buffered writes first. Overlays stack, which is
/// how a transaction's writes are applied all-or-nothing on top of its block's.
pub struct Overlay<'a, S: StateRead> {
    base: &'a S,
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl<'a, S: StateRead> Overlay<'a, S> {
    /// An empty overlay over `base`.
    pub fn new(base: &'a S) -> Self {
        Self {
            base,
            writes: BTreeMap::new(),
        }
    }

    /// Buffers `value` under `key`.
    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.writes.insert(key, Some(value));
    }

    /// Buffers an encodable value.
    pub fn put_typed(&mut self, key: Vec<u8>, value: &impl Encode) {
        self.put(key, value.encode().to_vec());
    }

    /// Buffers a deletion.
    pub fn delete(&mut self, key: Vec<u8>) {
        self.writes.insert(key, None);
    }

    /// Applies another overlay's writes on top of this one's.
    pub fn absorb(&mut self, writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>) {
        self.writes.extend(writes);
    }

    /// The buffered writes, in key order.
    pub fn into_writes(self) -> BTreeMap<Vec<u8>, Option<Vec<u8>>> {
        self.writes
    }
}

impl<S: StateRead> StateRead for Overlay<'_, S> {
    async fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.writes.get(key) {
            Some(v) => Ok(v.clone()),
            None => self.base.get(key).await,
        }
    }
}

/// An in-memory store for tests, simulations and tools.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemStore {
    /// The entries.
    pub entries: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl MemStore {
    /// Applies a block's writes.
    pub fn apply(&mut self, writes: &BTreeMap<Vec<u8>, Option<Vec<u8>>>) {
        for (k, v) in writes {
            match v {
                Some(v) => {
                    self.entries.insert(k.clone(), v.clone());
                }
                None => {
                    self.entries.remove(k);
                }
            }
        }
    }
}

impl StateRead for MemStore {
    async fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.entries.get(key).cloned())
    }
}
