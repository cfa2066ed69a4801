//! What the API needs from a node.

pub use aigov_state::StateRead;
use aigov_types::api::{BlockResponse, Health};
use aigov_types::event::EventRecord;
use aigov_types::proof::StateProof;
use aigov_types::tx::TxHash;
use std::future::Future;

/// Why the node could not answer. Each maps to an HTTP status and a stable code.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum BackendError {
    /// The transaction was refused before the mempool (bad signature, stale nonce, ...).
    /// `code` is the stable admission code (`AdmissionError::code`). HTTP 400 (409 for
    /// `duplicate_tx`, 503 for `mempool_full`).
    #[error("{message}")]
    Rejected {
        /// Stable code.
        code: &'static str,
        /// Human message.
        message: String,
    },
    /// Nothing there (HTTP 404).
    #[error("{0}")]
    NotFound(String),
    /// The node is starting or catching up (HTTP 503).
    #[error("{0}")]
    Unavailable(String),
    /// Storage or another internal failure (HTTP 500).
    #[error("{0}")]
    Internal(String),
}

/// Whether a transaction is in the mempool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MempoolStatus {
    /// Waiting for a block.
    Pending,
    /// Not in the mempool (never seen, or already finalized).
    Absent,
}

/// A value read from the latest finalized state, with the height it is current at, and a
/// light-client proof when asked for.
#[derive(Clone, Debug)]
pub struct ProvenValue {
    /// Height of the finalized state read.
    pub height: u64,
    /// The encoded value, or `None` when absent.
    pub value: Option<Vec<u8>>,
    /// The proof (value or absence + QMDB proof + header + finalization).
    pub proof: Option<StateProof>,
}

/// The node, as the API sees it. Implemented by `aigov-chain`.
pub trait Backend: Clone + Send + Sync + 'static {
    /// A read view of the latest finalized state.
    type Reader: StateRead + Send + Sync + 'static;

    /// Admits a transaction (decode, verify, stateful checks) into the mempool.
    fn submit(&self, tx: Vec<u8>) -> impl Future<Output = Result<TxHash, BackendError>> + Send;

    /// Whether `hash` is waiting in the mempool.
    ///
    /// `GET /v1/txs/{hash}` asks this first, then looks for the receipt in [Backend::reader]:
    /// the node should make a block's state readable before it drops the block's transactions
    /// from the mempool, or a transaction may briefly be reported as not found.
    fn mempool_status(&self, hash: &TxHash) -> MempoolStatus;

    /// A view of the latest finalized state, for `aigov-state` query functions.
    fn reader(&self) -> impl Future<Output = Result<Self::Reader, BackendError>> + Send;

    /// The value of a logical state key at the latest finalized height; with `prove`, a
    /// light-client proof for it.
    fn read(
        &self,
        key: Vec<u8>,
        prove: bool,
    ) -> impl Future<Output = Result<ProvenValue, BackendError>> + Send;

    /// The finalized block at `height` (`None` = the latest).
    fn block(
        &self,
        height: Option<u64>,
    ) -> impl Future<Output = Result<BlockResponse, BackendError>> + Send;

    /// Leaf hashes of the activity log, `0..size`, for inclusion and consistency proofs. The
    /// node keeps them in memory; `size` is at most the finalized log size (the size of the
    /// log in [Backend::reader]'s state). Exactly `size` hashes are expected; the API answers
    /// `500` otherwise.
    fn log_leaves(
        &self,
        size: u64,
    ) -> impl Future<Output = Result<Vec<aigov_types::Hash>, BackendError>> + Send;

    /// A C2SP signed note over the log checkpoint at the latest finalized height:
    /// `(size, root, height, note)`.
    fn checkpoint(
        &self,
    ) -> impl Future<Output = Result<aigov_types::api::CheckpointResponse, BackendError>> + Send;

    /// New finalized events as they are appended.
    ///
    /// Broadcast a block's events once its state is readable through [Backend::reader]: the
    /// event stream fills gaps and `Lagged` losses from state, waiting up to about two seconds
    /// for state to catch up, and ends the stream (the client resumes with `Last-Event-ID`)
    /// if it does not.
    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<EventRecord>;

    /// Health summary.
    fn health(&self) -> Health;

    /// Prometheus text exposition of the node's metrics.
    fn metrics(&self) -> String;
}
