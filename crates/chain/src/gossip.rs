//! Transaction gossip: a transaction admitted through any node's API is sent to every peer the
//! node is connected to, which admits it into its own mempool under the same rules, so whichever
//! validator leads next can propose it. A full node is connected to every validator (it is
//! their secondary peer), so what it admits reaches them too; since it never proposes, it
//! also resends the transactions submitted to it until a block includes them ([rebroadcast]).
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
use aigov_types::{SignedTx, TxHash};
use bytes::Bytes;
use commonware_cryptography::ed25519;
use commonware_p2p::{Blocker, Receiver, Recipients, Sender};
use commonware_runtime::{Clock, Spawner};
use futures::StreamExt as _;
use futures::channel::mpsc;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::{debug, warn};

/// Invalid transactions a peer may send before it is blocked.
pub const MAX_STRIKES: u32 = 16;

/// Transactions a node sent, by hash, kept for [rebroadcast].
type Sent = Arc<Mutex<BTreeMap<TxHash, Bytes>>>;

/// Handle to send admitted transactions to the connected peers.
#[derive(Clone)]
pub struct Gossip {
    outbound: mpsc::UnboundedSender<Bytes>,
    /// What this node sent, when [rebroadcast] resends it.
    sent: Option<Sent>,
}

impl Gossip {
    /// Sends an admitted transaction to every connected peer.
    pub fn broadcast(&self, tx: Bytes) {
        if let Some(sent) = &self.sent
            && let Ok(stx) = SignedTx::decode_bounded(&tx)
        {
            let mut sent = sent.lock().unwrap_or_else(|p| p.into_inner());
            if sent.len() < REBROADCAST_MAX {
                sent.insert(stx.hash(), tx.clone());
            }
        }
        let _ = self.outbound.unbounded_send(tx);
    }
}

/// How often a full node resends its pending transactions.
pub const REBROADCAST_EVERY: Duration = Duration::from_secs(2);

/// Most transactions a full node tracks for resending, and counts as left out per round (the
/// oldest first).
pub const REBROADCAST_MAX: usize = 1024;

/// For a node that never proposes (a full node): every `every`, resends the transactions
/// `gossip` sent that are still in `mempool`, so one sent before the validators were connected,
/// or lost on the way, still reaches them (they drop duplicates quietly); and counts each round
/// as a proposal that left the oldest pending transactions out, so what never executes (its
/// own or gossiped to it) is evicted after [crate::mempool::MAX_MISSES] rounds, as a
/// validator's proposals evict it. At most [REBROADCAST_MAX] transactions are tracked.
pub fn rebroadcast<E: Spawner + Clock>(
    context: E,
    gossip: &mut Gossip,
    mempool: Mempool,
    every: Duration,
) {
    let sent = Sent::default();
    gossip.sent = Some(sent.clone());
    let outbound = gossip.outbound.clone();
    context.spawn(move |context| async move {
        loop {
            context.sleep(every).await;
            let resend: Vec<Bytes> = {
                let mut sent = sent.lock().unwrap_or_else(|p| p.into_inner());
                sent.retain(|hash, _| mempool.contains(hash));
                sent.values().cloned().collect()
            };
            if !resend.is_empty() {
                debug!(txs = resend.len(), "resending transactions not final yet");
            }
            for tx in resend {
                let _ = outbound.unbounded_send(tx);
            }
            let oldest = mempool.peek(REBROADCAST_MAX);
            if !oldest.is_empty() {
                mempool.left_out(&oldest);
            }
        }
    });
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
    Gossip {
        outbound,
        sent: None,
    }
}
