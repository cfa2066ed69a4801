//! Admission into the mempool, shared by the API (`POST /v1/txs`) and p2p gossip: stateless
//! checks (size, encoding, signature), then `aigov_state::admit` against the latest finalized
//! state, counting what the sender already has pending.

use crate::db::{Dbs, FinalizedReader};
use crate::index::Index;
use crate::mempool::{InsertError, MEMPOOL_MAX, Mempool};
use aigov_state::AdmissionError;
use aigov_types::genesis::Genesis;
use aigov_types::receipt::GasPayer;
use aigov_types::{SignedTx, TxHash};
use bytes::Bytes;

/// Why a transaction was not admitted.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SubmitError {
    /// Refused, with the admission error's stable code.
    #[error(transparent)]
    Rejected(#[from] AdmissionError),
    /// The node cannot admit anything yet (genesis not finalized).
    #[error("{0}")]
    Unavailable(String),
    /// Storage failed.
    #[error("{0}")]
    Internal(String),
}

/// Admits `bytes` into `mempool` and returns the transaction hash.
pub async fn submit<E>(
    dbs: &Dbs<E>,
    mempool: &Mempool,
    index: &Index,
    genesis: &Genesis,
    bytes: Bytes,
) -> Result<TxHash, SubmitError>
where
    E: commonware_runtime::Spawner + commonware_storage::Context,
{
    let stx = SignedTx::decode_and_verify(&bytes).map_err(AdmissionError::from)?;
    let hash = stx.hash();
    if mempool.contains(&hash) {
        return Err(AdmissionError::Duplicate(hash).into());
    }
    if index.tip().height == 0 {
        return Err(SubmitError::Unavailable(
            "the chain has not finalized its first block (genesis) yet; retry in a moment".into(),
        ));
    }
    let reader = FinalizedReader::<E>::Shared(dbs.clone());
    let internal = |e: aigov_state::StoreError| SubmitError::Internal(e.to_string());
    // The duty allowance's day is that of the latest finalized block: the closest block time
    // a node knows without trusting its own clock.
    let now = aigov_state::chain::time_ms(&reader)
        .await
        .map_err(internal)?;
    let rules = aigov_state::app::Rules::load(&reader, now)
        .await
        .map_err(internal)?;
    let pending = mempool.pending(&stx.tx.sender);
    let charge = aigov_state::admit(
        &reader,
        &genesis.chain_id,
        &rules,
        &stx,
        bytes.len(),
        pending,
    )
    .await
    .map_err(internal)??;
    let sponsored = charge.payer == GasPayer::Pool;
    mempool
        .insert(
            hash,
            bytes,
            stx.tx.sender.clone(),
            stx.tx.nonce,
            charge.credits,
            sponsored,
            pending.count,
        )
        .map_err(|e| match e {
            InsertError::Duplicate => AdmissionError::Duplicate(hash),
            InsertError::Full => AdmissionError::MempoolFull(MEMPOOL_MAX),
            InsertError::NonceTaken { expected } => AdmissionError::StaleNonce {
                sender: stx.tx.sender.clone(),
                expected,
                got: stx.tx.nonce,
            },
        })?;
    Ok(hash)
}
