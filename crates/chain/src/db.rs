//! The state database: QMDB `current::ordered::variable` (authenticated current values with
//! proofs of value and of absence), wrapped for glue::stateful, plus adapters that let
//! `aigov-state` read it through [StateRead].
//!
//! Keys are SHA-256 of the logical key ([state_key]): fixed size, uniformly spread over the
//! index (so its translator never degenerates on common prefixes). Values are bounded bytes.

use aigov_state::{StateRead, StoreError};
use aigov_types::proof::{CHUNK_BYTES, StateKey, StateValue, state_key};
use commonware_cryptography::{Sha256, sha256::Digest};
use commonware_glue::stateful::db::{DatabaseSet, Reader, Shared};
use commonware_parallel::Sequential;
use commonware_runtime::buffer::paged::CacheRef;
use commonware_storage::{
    journal::contiguous::variable::Config as VariableLogConfig,
    merkle::full::Config as MerkleConfig,
    mmr,
    qmdb::current::{VariableConfig, ordered::variable},
    translator::EightCap,
};
use commonware_utils::{NZU64, NZUsize};
use std::num::NonZeroUsize;

/// The state database.
pub type StateDb<E> =
    variable::Db<mmr::Family, E, StateKey, StateValue, Sha256, EightCap, CHUNK_BYTES, Sequential>;
/// The state database as glue manages it.
pub type Dbs<E> = Shared<StateDb<E>>;
/// A speculative batch (one block's writes over its parent's state).
pub type Batch<E> = <Dbs<E> as DatabaseSet<E>>::Unmerkleized;
/// A merkleized batch.
pub type Merkleized<E> = <Dbs<E> as DatabaseSet<E>>::Merkleized;

const IO: NonZeroUsize = NZUsize!(1 << 16);

/// Configuration of the state database under `prefix`.
pub fn config(
    prefix: &str,
    page_cache: CacheRef,
) -> VariableConfig<EightCap, ((), ()), Sequential> {
    VariableConfig {
        merkle_config: MerkleConfig {
            journal_partition: format!("{prefix}-state-mmr-journal"),
            metadata_partition: format!("{prefix}-state-mmr-metadata"),
            items_per_blob: NZU64!(4096),
            write_buffer: IO,
            replay_buffer: IO,
            strategy: Sequential,
            page_cache: page_cache.clone(),
        },
        journal_config: VariableLogConfig {
            partition: format!("{prefix}-state-log"),
            items_per_section: NZU64!(4096),
            compression: None,
            codec_config: ((), ()),
            page_cache,
            write_buffer: IO,
            replay_buffer: IO,
        },
        grafted_metadata_partition: format!("{prefix}-state-grafted"),
        translator: EightCap,
        init_cache: Some(NZUsize!(1024)),
        init_buffer: NZUsize!(1 << 20),
        init_concurrency: (),
    }
}

fn read_error(e: impl std::fmt::Display) -> StoreError {
    StoreError::Read(e.to_string())
}

/// Reads a speculative batch (a block being built or verified) by logical key.
pub struct BatchReader<'a, E: commonware_runtime::Spawner + commonware_storage::Context>(
    pub &'a Batch<E>,
);

impl<E> StateRead for BatchReader<'_, E>
where
    E: commonware_runtime::Spawner + commonware_storage::Context,
{
    async fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let v = self.0.get(&state_key(key)).await.map_err(read_error)?;
        Ok(v.map(StateValue::into_inner))
    }
}

/// Reads committed state by logical key, through glue's [Shared] handle (the API's view of the
/// latest finalized state) or a [Reader] (handed to `finalized`). Each read takes the database
/// lock briefly; reads spanning several keys may straddle a block.
pub enum FinalizedReader<E: commonware_runtime::Spawner + commonware_storage::Context> {
    /// The database handle from `subscribe_databases`.
    Shared(Dbs<E>),
    /// The read-only handle passed to `finalized`.
    Reader(Reader<StateDb<E>>),
}

impl<E> StateRead for FinalizedReader<E>
where
    E: commonware_runtime::Spawner + commonware_storage::Context,
{
    async fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        let k = state_key(key);
        let v = match self {
            Self::Shared(s) => s.read().await.get(&k).await,
            Self::Reader(r) => r.read().await.get(&k).await,
        }
        .map_err(read_error)?;
        Ok(v.map(StateValue::into_inner))
    }
}

/// The digest type of roots.
pub type Root = Digest;
