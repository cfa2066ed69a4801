//! The node as the API sees it: the [Backend] implementation over a running [Engine].
//!
//! Transactions are admitted against the latest finalized state; reads and proofs come from
//! the committed QMDB state plus marshal's finalized blocks and certificates; the activity log's
//! leaves and live events come from the [Index].

use crate::admission::SubmitError;
use crate::db::{Dbs, FinalizedReader, StateDb};
use crate::engine::Engine;
use crate::index::{Index, Tip};
use crate::mempool::Mempool;
use aigov_api::backend::{Backend, BackendError, MempoolStatus, ProvenValue};
use aigov_state::AdmissionError;
use aigov_types::api::{BlockHeaderJson, BlockResponse, CheckpointResponse, Health};
use aigov_types::codec::{BoundedBytes, Encode};
use aigov_types::event::EventRecord;
use aigov_types::genesis::Genesis;
use aigov_types::proof::{Scheme, StateProof, state_key};
use aigov_types::{Block, Hash, PrivateKey, SignedTx, TxHash};
use bytes::Bytes;
use commonware_consensus::{
    marshal::{Identifier, core::Mailbox as MarshalMailbox, standard::Standard},
    types::Height,
};
use commonware_cryptography::Digestible as _;
use std::sync::Arc;
use std::time::Instant;

/// Reads the finalized log and tip from state into the index (at startup).
pub async fn load_index<E>(dbs: &Dbs<E>, index: &Index) -> Result<(), String>
where
    E: commonware_runtime::Spawner + commonware_storage::Context,
{
    let reader = FinalizedReader::<E>::Shared(dbs.clone());
    let err = |e: aigov_state::StoreError| format!("loading the activity log: {e}");
    let frontier = aigov_state::log::frontier(&reader).await.map_err(err)?;
    let mut records = Vec::with_capacity(frontier.size as usize);
    for i in 0..frontier.size {
        let e = aigov_state::log::event(&reader, i)
            .await
            .map_err(err)?
            .ok_or_else(|| format!("activity log event {i} is missing from state"))?;
        records.push(e);
    }
    let height = aigov_state::chain::height(&reader).await.map_err(err)?;
    let time_ms = aigov_state::chain::time_ms(&reader).await.map_err(err)?;
    let root = dbs.read().await.root();
    index.load(
        Tip {
            height,
            state_root: Hash::from_digest(&root),
            time_ms,
        },
        records,
    );
    Ok(())
}

/// The API's handle on a running validator.
pub struct Node<E: commonware_runtime::Spawner + commonware_storage::Context> {
    inner: Arc<Inner<E>>,
}

impl<E: commonware_runtime::Spawner + commonware_storage::Context> Clone for Node<E> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<E: commonware_runtime::Spawner + commonware_storage::Context> {
    mempool: Mempool,
    index: Index,
    marshal: MarshalMailbox<Scheme, Standard<Block>>,
    dbs: Dbs<E>,
    gossip: crate::gossip::Gossip,
    genesis: Arc<Genesis>,
    checkpoint_key: PrivateKey,
    group_key: String,
    started: Instant,
    runtime_metrics: Box<dyn Fn() -> String + Send + Sync>,
}

impl<E: commonware_runtime::Spawner + commonware_storage::Context> Node<E> {
    /// Wraps a running engine. `checkpoint_key` signs log checkpoints (the validator's key);
    /// `runtime_metrics` renders the runtime's own Prometheus metrics.
    pub fn new(
        engine: &Engine<E>,
        genesis: Arc<Genesis>,
        checkpoint_key: PrivateKey,
        group_key: String,
        runtime_metrics: Box<dyn Fn() -> String + Send + Sync>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                mempool: engine.mempool.clone(),
                index: engine.index.clone(),
                marshal: engine.marshal.clone(),
                dbs: engine.dbs.clone(),
                gossip: engine.gossip.clone(),
                genesis,
                checkpoint_key,
                group_key,
                started: Instant::now(),
                runtime_metrics,
            }),
        }
    }

    /// The finalized index.
    pub fn index(&self) -> &Index {
        &self.inner.index
    }

    /// The mempool.
    pub fn mempool(&self) -> &Mempool {
        &self.inner.mempool
    }

    fn reader_now(&self) -> FinalizedReader<E> {
        FinalizedReader::Shared(self.inner.dbs.clone())
    }
}

fn internal(e: impl std::fmt::Display) -> BackendError {
    BackendError::Internal(e.to_string())
}

fn rejected(e: AdmissionError) -> BackendError {
    BackendError::Rejected {
        code: e.code(),
        message: e.to_string(),
    }
}

/// Header as JSON.
pub fn header_json(block: &Block) -> BlockHeaderJson {
    let h = &block.header;
    BlockHeaderJson {
        height: h.height.get(),
        digest: Hash::from_digest(&block.digest()),
        parent: Hash::from_digest(&h.parent),
        time_ms: h.time_ms,
        epoch: h.context.round.epoch().get(),
        view: h.context.round.view().get(),
        proposer: hex::encode(h.context.leader.as_ref()),
        txs_root: h.txs_root,
        tx_count: h.tx_count,
        state_root: Hash::from_digest(&h.state_root),
        seed: h.seed.as_ref().map(|s| hex::encode(s.encode())),
        randomness: h.randomness(),
    }
}

/// C2SP signed-note key id: the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key).
fn note_key_id(name: &str, public: &[u8]) -> [u8; 4] {
    let h = Hash::digest(&[name.as_bytes(), b"\n", &[0x01], public]);
    [h.0[0], h.0[1], h.0[2], h.0[3]]
}

/// Signs a C2SP checkpoint body as a signed note with raw Ed25519 (as `note` verifiers expect).
pub fn sign_note(key: &PrivateKey, name: &str, body: &str) -> String {
    use ed25519_dalek::Signer as _;
    let sk = ed25519_dalek::SigningKey::from_bytes(&key.seed_bytes());
    let sig = sk.sign(body.as_bytes());
    let mut blob = note_key_id(name, key.public_key().as_bytes()).to_vec();
    blob.extend_from_slice(&sig.to_bytes());
    format!(
        "{body}\n\u{2014} {name} {}\n",
        aigov_types::crypto::base64_engine::encode(&blob)
    )
}

impl<E> Backend for Node<E>
where
    E: commonware_runtime::Spawner + commonware_storage::Context,
{
    type Reader = FinalizedReader<E>;

    async fn submit(&self, tx: Vec<u8>) -> Result<TxHash, BackendError> {
        let i = &self.inner;
        let bytes = Bytes::from(tx);
        let hash =
            crate::admission::submit(&i.dbs, &i.mempool, &i.index, &i.genesis, bytes.clone())
                .await
                .map_err(|e| match e {
                    SubmitError::Rejected(e) => rejected(e),
                    SubmitError::Unavailable(m) => BackendError::Unavailable(m),
                    SubmitError::Internal(m) => BackendError::Internal(m),
                })?;
        i.gossip.broadcast(bytes);
        Ok(hash)
    }

    fn mempool_status(&self, hash: &TxHash) -> MempoolStatus {
        if self.inner.mempool.contains(hash) {
            MempoolStatus::Pending
        } else {
            MempoolStatus::Absent
        }
    }

    async fn reader(&self) -> Result<Self::Reader, BackendError> {
        Ok(self.reader_now())
    }

    async fn read(&self, key: Vec<u8>, prove: bool) -> Result<ProvenValue, BackendError> {
        let logical = BoundedBytes::new(key.clone()).ok_or_else(|| {
            BackendError::NotFound(format!(
                "state keys are at most {} bytes",
                aigov_types::proof::MAX_KEY_BYTES
            ))
        })?;
        // Value, height and proof under one read lock, so they describe the same state.
        let (height, value, proof_bytes, root) = {
            let db: &StateDb<E> = &*self.inner.dbs.read().await;
            let height_key = state_key(&aigov_state::chain::keys::height());
            let height = match db.get(&height_key).await.map_err(internal)? {
                Some(v) => {
                    aigov_types::codec::decode_slice::<u64>(v.as_slice()).map_err(internal)?
                }
                None => 0,
            };
            let k = state_key(&key);
            let value = db.get(&k).await.map_err(internal)?;
            let proof = if prove {
                Some(match &value {
                    Some(_) => db
                        .key_value_proof(k)
                        .await
                        .map_err(internal)?
                        .encode()
                        .to_vec(),
                    None => db
                        .exclusion_proof(&k)
                        .await
                        .map_err(internal)?
                        .encode()
                        .to_vec(),
                })
            } else {
                None
            };
            (height, value, proof, db.root())
        };
        let value = value.map(|v| v.into_inner());
        let proof = match proof_bytes {
            None => None,
            Some(bytes) => {
                if height == 0 {
                    return Err(BackendError::Unavailable(
                        "no block is finalized yet; retry in a moment".into(),
                    ));
                }
                let block = self
                    .inner
                    .marshal
                    .get_block(Identifier::Height(Height::new(height)))
                    .await
                    .ok_or_else(|| {
                        BackendError::Unavailable(format!(
                            "block {height} is not stored yet; retry"
                        ))
                    })?;
                let block = block.inner().clone();
                if block.header.state_root != root {
                    return Err(BackendError::Unavailable(
                        "state advanced during the read; retry".into(),
                    ));
                }
                let finalization = self
                    .inner
                    .marshal
                    .get_finalization(Height::new(height))
                    .await
                    .ok_or_else(|| BackendError::Unavailable(format!("no finalization certificate stored for block {height}; retry after the next block")))?;
                Some(StateProof {
                    key: logical,
                    value: value
                        .clone()
                        .map(|v| BoundedBytes::new(v).unwrap_or_default()),
                    proof: BoundedBytes::new(bytes).ok_or_else(|| internal("proof too large"))?,
                    header: BoundedBytes::new(block.header.encode().to_vec())
                        .ok_or_else(|| internal("header too large"))?,
                    finalization: BoundedBytes::new(finalization.encode().to_vec())
                        .ok_or_else(|| internal("certificate too large"))?,
                })
            }
        };
        Ok(ProvenValue {
            height,
            value,
            proof,
        })
    }

    async fn block(&self, height: Option<u64>) -> Result<BlockResponse, BackendError> {
        let height = height.unwrap_or_else(|| self.inner.index.tip().height);
        if height == 0 {
            return Err(BackendError::NotFound(
                "height 0 is the genesis placeholder; the first block is height 1".into(),
            ));
        }
        let block = self
            .inner
            .marshal
            .get_block(Identifier::Height(Height::new(height)))
            .await
            .ok_or_else(|| {
                BackendError::NotFound(format!("no finalized block at height {height}"))
            })?;
        let block = block.inner().clone();
        let finalization = self
            .inner
            .marshal
            .get_finalization(Height::new(height))
            .await;
        let txs = block
            .txs
            .iter()
            .filter_map(|raw| SignedTx::decode_bounded(raw).ok().map(|s| s.hash()))
            .collect();
        Ok(BlockResponse {
            header: header_json(&block),
            header_hex: hex::encode(block.header.encode()),
            txs,
            finalization: finalization.map(|f| hex::encode(f.encode())),
        })
    }

    async fn log_leaves(&self, size: u64) -> Result<Vec<Hash>, BackendError> {
        self.inner.index.leaves(size).ok_or_else(|| {
            BackendError::NotFound(format!(
                "the log has only {} events",
                self.inner.index.log_size()
            ))
        })
    }

    async fn checkpoint(&self) -> Result<CheckpointResponse, BackendError> {
        let tip = self.inner.index.tip();
        let size = self.inner.index.log_size();
        let leaves = self.inner.index.leaves(size).unwrap_or_default();
        let root = aigov_types::log::root(&leaves);
        let origin = format!("aigov/{}", self.inner.genesis.chain_id);
        let body = aigov_types::log::checkpoint_body(&origin, size, &root);
        let name = format!(
            "{origin}/{}",
            &self.inner.checkpoint_key.public_key().to_string()[..16]
        );
        let note = sign_note(&self.inner.checkpoint_key, &name, &body);
        Ok(CheckpointResponse {
            size,
            root,
            height: tip.height,
            note,
        })
    }

    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<EventRecord> {
        self.inner.index.subscribe()
    }

    fn health(&self) -> Health {
        Health {
            status: "ok".into(),
            chain_id: self.inner.genesis.chain_id.to_string(),
            height: self.inner.index.tip().height,
            mempool: self.inner.mempool.len(),
            group_key: self.inner.group_key.clone(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }

    fn metrics(&self) -> String {
        let i = &self.inner;
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str, value: String| {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"
            ));
        };
        metric(
            "aigov_finalized_height",
            "gauge",
            "Latest finalized block height.",
            i.index.tip().height.to_string(),
        );
        metric(
            "aigov_finalized_blocks_total",
            "counter",
            "Blocks finalized since start.",
            i.index.finalized_blocks().to_string(),
        );
        metric(
            "aigov_finalized_txs_total",
            "counter",
            "Transactions finalized since start.",
            i.index.finalized_txs().to_string(),
        );
        metric(
            "aigov_mempool_txs",
            "gauge",
            "Transactions waiting in the mempool.",
            i.mempool.len().to_string(),
        );
        metric(
            "aigov_log_events",
            "gauge",
            "Events in the activity log.",
            i.index.log_size().to_string(),
        );
        metric(
            "aigov_uptime_seconds",
            "gauge",
            "Seconds since the node started.",
            i.started.elapsed().as_secs().to_string(),
        );
        out.push_str(&(i.runtime_metrics)());
        out
    }
}
