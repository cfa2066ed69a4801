//! Transaction gossip: a transaction admitted through any validator's API is sent to every
//! other validator, which admits it into its own mempool under the same rules, so whichever
//! validator leads next can propose it.
//!
//! The validator set is a full mesh, so the originating node sends to all and receivers never
//! re-gossip. Duplicates and transactions made stale by a block are dropped quietly; a peer that
//! sends transactions that could never be valid (undecodable, badly signed, another chain) earns
//! strikes and is blocked after [MAX_STRIKES]. The p2p channel's quota rate-limits every peer.

use crate::admission::{self, SubmitError};
use crate::db::Dbs;
use crate::index::Index;
use crate::mempool::Mempool;
use aigov_state::AdmissionError;
use aigov_types::genesis::Genesis;
use bytes::Bytes;
use commonware_cryptography::ed25519;
use commonware_p2p::{Blocker, Receiver, Recipients, Sender};
use commonware_runtime::Spawner;
use futures::StreamExt as _;
use futures::channel::mpsc;
use std::collections::BTreeMap;
use std::sync::Arc;
use tracing::{debug, warn};

/// Invalid transactions a peer may send before it is blocked.
pub const MAX_STRIKES: u32 = 16;

/// Handle to send admitted transactions to the other validators.
#[derive(Clone)]
pub struct Gossip {
    outbound: mpsc::UnboundedSender<Bytes>,
}

impl Gossip {
    /// Sends an admitted transaction to every other validator.
    pub fn broadcast(&self, tx: Bytes) {
        let _ = self.outbound.unbounded_send(tx);
    }
}

/// True if the transaction could never have been valid: the sender is faulty.
fn is_malicious(e: &AdmissionError) -> bool {
    matches!(
        e,
        AdmissionError::Format(_) | AdmissionError::WrongChainId { .. }
    )
}

/// Starts the gossip tasks on `channel`.
#[allow(clippy::too_many_arguments)]
pub fn start<E, S, R, B>(
    context: E,
    channel: (S, R),
    mut blocker: B,
    dbs: Dbs<E>,
    mempool: Mempool,
    index: Index,
    genesis: Arc<Genesis>,
) -> Gossip
where
    E: Spawner + commonware_storage::Context,
    S: Sender<PublicKey = ed25519::PublicKey>,
    R: Receiver<PublicKey = ed25519::PublicKey>,
    B: Blocker<PublicKey = ed25519::PublicKey>,
{
    let (mut sender, mut receiver) = channel;
    let (outbound, mut queue) = mpsc::unbounded::<Bytes>();
    context.child("gossip_out").spawn(move |_| async move {
        while let Some(tx) = queue.next().await {
            let _ = sender.send(Recipients::All, tx, false);
        }
    });
    context.child("gossip_in").spawn(move |_| async move {
        let mut strikes: BTreeMap<ed25519::PublicKey, u32> = BTreeMap::new();
        loop {
            let (peer, message) = match receiver.recv().await {
                Ok(m) => m,
                Err(e) => {
                    debug!(error = %e, "transaction gossip channel closed");
                    return;
                }
            };
            let bytes = Bytes::copy_from_slice(message.as_ref());
            match admission::submit(&dbs, &mempool, &index, &genesis, bytes).await {
                Ok(_) => {}
                Err(SubmitError::Rejected(e)) if is_malicious(&e) => {
                    let n = strikes.entry(peer.clone()).or_default();
                    *n += 1;
                    warn!(peer = %peer, strikes = *n, error = %e, "peer gossiped an invalid transaction");
                    if *n >= MAX_STRIKES {
                        warn!(peer = %peer, "blocking peer for gossiping invalid transactions");
                        let _ = blocker.block(peer);
                    }
                }
                Err(e) => debug!(peer = %peer, error = %e, "gossiped transaction not admitted"),
            }
        }
    });
    Gossip { outbound }
}
