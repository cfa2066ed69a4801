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

/// Entries `offset+1 ..= offset+limit` of a list whose ids run from 1 to `total`, each stored
/// under `key(id)`: the one paging rule every registry's list query shares.
pub async fn page_by_id<T: Read<Cfg = ()>>(
    store: &impl StateRead,
    total: u64,
    offset: u64,
    limit: u64,
    key: impl Fn(u64) -> Vec<u8>,
) -> Result<Vec<T>, StoreError> {
    let mut out = Vec::new();
    for id in offset.saturating_add(1)..=total.min(offset.saturating_add(limit)) {
        out.extend(get_typed::<T>(store, &key(id)).await?);
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;

    fn base() -> MemStore {
        let mut s = MemStore::default();
        s.entries.insert(b"a".to_vec(), b"1".to_vec());
        s.entries.insert(b"b".to_vec(), b"2".to_vec());
        s
    }

    fn get(s: &impl StateRead, k: &[u8]) -> Option<Vec<u8>> {
        block_on(s.get(k)).unwrap()
    }

    #[test]
    fn an_overlay_reads_its_own_writes_first_then_its_base() {
        let b = base();
        let mut o = Overlay::new(&b);
        assert_eq!(get(&o, b"a"), Some(b"1".to_vec()));
        o.put(b"a".to_vec(), b"9".to_vec());
        o.delete(b"b".to_vec());
        o.put(b"c".to_vec(), b"3".to_vec());
        assert_eq!(get(&o, b"a"), Some(b"9".to_vec()));
        assert_eq!(get(&o, b"b"), None, "a deletion hides the base value");
        assert_eq!(get(&o, b"c"), Some(b"3".to_vec()));
        assert_eq!(get(&b, b"a"), Some(b"1".to_vec()), "the base is untouched");
    }

    #[test]
    fn a_dropped_inner_overlay_leaves_the_outer_unchanged_and_an_absorbed_one_applies() {
        let b = base();
        let mut block = Overlay::new(&b);
        block.put(b"x".to_vec(), b"block".to_vec());
        {
            let mut tx = Overlay::new(&block);
            tx.put(b"x".to_vec(), b"tx".to_vec());
            tx.delete(b"a".to_vec());
            assert_eq!(get(&tx, b"x"), Some(b"tx".to_vec()));
            // Dropped: a failed call.
        }
        assert_eq!(get(&block, b"x"), Some(b"block".to_vec()));
        assert_eq!(get(&block, b"a"), Some(b"1".to_vec()));
        let mut tx = Overlay::new(&block);
        tx.put(b"x".to_vec(), b"tx".to_vec());
        tx.delete(b"a".to_vec());
        let writes = tx.into_writes();
        block.absorb(writes);
        assert_eq!(get(&block, b"x"), Some(b"tx".to_vec()));
        assert_eq!(get(&block, b"a"), None);

        let writes = block.into_writes();
        let keys: Vec<_> = writes.keys().cloned().collect();
        assert_eq!(
            keys,
            [b"a".to_vec(), b"x".to_vec()],
            "writes come in key order"
        );
        let mut committed = b.clone();
        committed.apply(&writes);
        assert_eq!(get(&committed, b"a"), None);
        assert_eq!(get(&committed, b"b"), Some(b"2".to_vec()));
        assert_eq!(get(&committed, b"x"), Some(b"tx".to_vec()));
    }

    #[test]
    fn a_value_that_does_not_decode_is_reported_as_corrupt_with_a_readable_key() {
        let mut s = MemStore::default();
        let key = [b"acct/".as_slice(), &[0xab, 0x01]].concat();
        s.entries.insert(key.clone(), vec![1, 2, 3]);
        let err = block_on(get_typed::<u64>(&s, &key)).unwrap_err();
        assert!(
            matches!(&err, StoreError::Corrupt { key, .. } if key == "acct/ab01"),
            "{err}"
        );
        assert_eq!(block_on(get_typed::<u64>(&s, b"acct/none")).unwrap(), None);
        assert_eq!(hex_key(&[0xff, 0x00]), "ff00", "no separator: all hex");
    }
}
