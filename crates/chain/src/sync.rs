//! State sync source. Commonware 2026.10's p2p QMDB resolver (`glue::stateful::db::p2p`)
//! requires operations whose codec needs no configuration, which holds for fixed-size values
//! only; aigov's state has variable-size values. Until a variable-value resolver exists
//! (tracked with the multi-validator work), nodes never state-sync: a node that starts behind
//! replays finalized blocks from marshal's backfill, which reaches the same state root.

use aigov_types::proof::{StateKey, StateValue};
use commonware_cryptography::sha256::Digest;
use commonware_glue::stateful::db::{AttachableResolver, Shared};
use commonware_storage::{
    merkle::Family,
    mmr,
    qmdb::{
        any::{operation::Operation, ordered::Update, value::VariableEncoding},
        sync::{Request, Source, source},
    },
};
use std::marker::PhantomData;

/// Why the source cannot answer.
#[derive(Debug, thiserror::Error)]
#[error("state sync is not available on this node; it replays blocks instead")]
pub struct SyncUnavailable;

/// A state-sync source that never serves (see the module docs).
pub struct NoStateSync<F = mmr::Family>(PhantomData<fn() -> F>);

impl<F> Clone for NoStateSync<F> {
    fn clone(&self) -> Self {
        Self(PhantomData)
    }
}

impl<F> Default for NoStateSync<F> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl Source for NoStateSync<mmr::Family> {
    type Family = mmr::Family;
    type Digest = Digest;
    type Op = Operation<mmr::Family, Update<StateKey, VariableEncoding<StateValue>>>;
    type Error = SyncUnavailable;

    async fn serve(&self, _request: Request<Self::Family>) -> source::Result<Self> {
        Err(SyncUnavailable)
    }
}

impl<DB: Send + Sync + 'static, F: Family> AttachableResolver<DB> for NoStateSync<F> {
    async fn attach_database(&self, _db: Shared<DB>) {}
}
