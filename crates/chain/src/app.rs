//! The consensus application, written against glue::stateful: it builds blocks from the
//! mempool (`propose`), re-executes peers' blocks and checks every commitment (`process`), and
//! feeds the finalized index and the mempool when a block is final (`finalized`).
//!
//! Execution itself is `aigov_state::execute_block`; this file only moves bytes between it,
//! the QMDB batch and the block header.

use crate::db::{BatchReader, Dbs, FinalizedReader, Merkleized};
use crate::index::{Index, Tip};
use crate::mempool::Mempool;
use crate::seeds::Seeds;
use aigov_state::{BlockContext, BlockOutput, Mode};
use aigov_types::block::{Ctx, MAX_BLOCK_TX_BYTES, MAX_BLOCK_TXS, seed_round, txs_root};
use aigov_types::genesis::Genesis;
use aigov_types::proof::{Scheme, StateValue, state_key, verify_header_seed};
use aigov_types::{Block, Hash, Header, SignedTx};
use bytes::Bytes;
use commonware_consensus::{
    Heightable as _,
    marshal::ancestry::Ancestry,
    types::{Height, Round},
};
use commonware_cryptography::Digestible as _;
/// What the reshare application hands the proposer: the payload the block must carry.
pub type ReshareInput = commonware_glue::dkg::reshare::Input<
    (),
    aigov_types::reshare::Variant,
    commonware_cryptography::ed25519::PrivateKey,
    aigov_types::reshare::Directory,
>;

use commonware_glue::stateful::{
    Application, Finality, Input, Proposed,
    db::{DatabaseSet, Merkleized as _, Unmerkleized as _},
};
use commonware_runtime::{Clock, Spawner};
use commonware_storage::qmdb::sync::Target;
use commonware_utils::non_empty_range;
use futures::StreamExt as _;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tracing::{debug, info, warn};

/// Block timing.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Shortest spacing between a block and its parent: a batching window, so a burst of
    /// transactions shares a block.
    pub min_block: Duration,
    /// Longest a leader waits for transactions before proposing an empty block. Must stay well
    /// below consensus' leader timeout.
    pub idle_block: Duration,
    /// How far ahead of the local clock a peer's block time may be before the block waits.
    pub max_drift: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            min_block: Duration::from_millis(20),
            idle_block: Duration::from_millis(1000),
            max_drift: Duration::from_millis(2000),
        }
    }
}

/// The application glue::stateful drives.
#[derive(Clone)]
pub struct App {
    /// The height-zero block.
    pub genesis_block: Block,
    /// The genesis document (applied by the first block).
    pub genesis: Arc<Genesis>,
    /// Pending transactions.
    pub mempool: Mempool,
    /// Finalized history.
    pub index: Index,
    /// Block timing.
    pub timing: Timing,
    /// The consensus's seeds by round, for the headers this validator proposes.
    pub seeds: Seeds,
    /// Checks headers' seeds against the group key.
    pub verifier: Scheme,
    /// The orchestrator's partition prefix: epoch `e`'s simplex journal is the partition
    /// `{consensus_partition}_consensus_{e}`, removed once it can no longer be needed.
    pub consensus_partition: String,
    /// Fault injection for simulations: makes this validator a Byzantine leader.
    #[cfg(feature = "sim")]
    pub tamper: Option<Tamper>,
}

/// How a Byzantine leader spoils its proposals (simulations only, feature `sim`).
#[cfg(feature = "sim")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TamperKind {
    /// The header claims a state root the transactions do not produce.
    BadStateRoot,
    /// The block carries a transaction whose signature does not verify (header commitments
    /// recomputed, so only execution can tell).
    BadTx,
    /// The header carries a seed of the group, but of the wrong round: the parent's parent's
    /// (or none, when that is not known), with the state executed from its randomness, so only
    /// the seed check can tell.
    BadSeed,
}

/// A Byzantine leader: every block this validator proposes is made invalid in the way of
/// [TamperKind], and counted, so a simulation can check honest validators refused them.
#[cfg(feature = "sim")]
#[derive(Clone, Debug)]
pub struct Tamper {
    /// What is spoiled.
    pub kind: TamperKind,
    /// Proposals spoiled so far.
    pub spoiled: Arc<std::sync::atomic::AtomicU64>,
}

#[cfg(feature = "sim")]
impl Tamper {
    /// Spoils `block` (whose header the honest code just built).
    fn spoil(&self, block: &mut Block) {
        match self.kind {
            TamperKind::BadStateRoot => {
                let mut root = block.header.state_root.as_ref().to_vec();
                root[0] ^= 0xff;
                let mut fixed = [0u8; 32];
                fixed.copy_from_slice(&root);
                block.header.state_root = fixed.into();
            }
            // Spoiled before execution, in `propose`.
            TamperKind::BadSeed => {}
            TamperKind::BadTx => {
                // A well-formed transaction from this block's height, its signature broken.
                let raw = block
                    .txs
                    .first()
                    .cloned()
                    .unwrap_or_else(|| Bytes::from(vec![0u8; 100]));
                let mut raw = raw.to_vec();
                if let Some(last) = raw.last_mut() {
                    *last ^= 0x01;
                }
                block.txs.push(Bytes::from(raw));
                block.header.txs_root = txs_root(&block.txs);
                block.header.tx_count = block.txs.len() as u32;
            }
        }
        self.spoiled
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// How long a leader waits for its parent's seed to be reported before giving up its turn.
const SEED_PATIENCE: Duration = Duration::from_millis(500);

fn ms_since_epoch(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Executes `txs` on `batch` and merkleizes the result.
async fn execute<E>(
    batch: <Dbs<E> as DatabaseSet<E>>::Unmerkleized,
    genesis: &Genesis,
    ctx: BlockContext,
    txs: &[Bytes],
    mode: Mode,
) -> Result<(Merkleized<E>, BlockOutput), String>
where
    E: Spawner + commonware_storage::Context,
{
    let out = aigov_state::execute_block(&BatchReader::<E>(&batch), genesis, ctx, txs, mode)
        .await
        .map_err(|e| e.to_string())?;
    let mut batch = batch;
    for (k, v) in &out.writes {
        let value = match v {
            Some(bytes) => Some(StateValue::new(bytes.clone()).ok_or_else(|| {
                format!("state value of {} bytes exceeds the limit", bytes.len())
            })?),
            None => None,
        };
        batch = batch.write(state_key(k), value);
    }
    let merkleized = batch.merkleize().await.map_err(|e| e.to_string())?;
    Ok((merkleized, out))
}

/// The parent's block time, read from its state (genesis time before the first block).
async fn parent_time<E>(
    batch: &<Dbs<E> as DatabaseSet<E>>::Unmerkleized,
    genesis: &Genesis,
) -> Result<u64, String>
where
    E: Spawner + commonware_storage::Context,
{
    let reader = BatchReader::<E>(batch);
    let t = aigov_state::chain::time_ms(&reader)
        .await
        .map_err(|e| e.to_string())?;
    Ok(if t == 0 { genesis.genesis_time_ms } else { t })
}

impl<E> Application<E> for App
where
    E: Spawner + Clock + commonware_storage::Context,
{
    type SigningScheme = Scheme;
    type Context = Ctx;
    type Block = Block;
    type Databases = Dbs<E>;
    type Captured = ();
    type Provider = Mempool;
    /// The reshare payload `glue::dkg`'s reshare application selected for the block (issue 8).
    type Input = ReshareInput;

    fn sync_targets(block: &Block) -> <Dbs<E> as DatabaseSet<E>>::SyncTargets {
        Target::new(block.header.ops_root, block.header.range.clone())
    }

    async fn genesis(&mut self) -> Block {
        self.genesis_block.clone()
    }

    async fn propose(
        &mut self,
        (runtime, context): (E, Ctx),
        ancestry: impl Ancestry<Block>,
        batches: <Dbs<E> as DatabaseSet<E>>::Unmerkleized,
        input: Input<ReshareInput, Mempool>,
    ) -> Option<Proposed<Self, E>> {
        let mut ancestry = ancestry;
        let parent = ancestry.next().await?;
        let parent_digest = parent.digest();
        let height = parent.height().get() + 1;
        let parent_time = parent.inner().header.time_ms;

        // Pace: wait for transactions (up to the idle interval), then for the batching window.
        let mempool = input.provider;
        // A dealer log from the epoch's midpoint on, the next epoch's info in its last block.
        let reshare = input.upstream.payload;
        let idle_at = UNIX_EPOCH + Duration::from_millis(parent_time) + self.timing.idle_block;
        // The first block applies genesis: build it at once rather than idling.
        if height > 1 && mempool.is_empty() && runtime.current() < idle_at {
            let sleep = Box::pin(runtime.sleep_until(idle_at));
            let arrival = Box::pin(mempool.wait_nonempty());
            futures::future::select(sleep, arrival).await;
        }
        let batch_at = UNIX_EPOCH + Duration::from_millis(parent_time) + self.timing.min_block;
        if runtime.current() < batch_at {
            runtime.sleep_until(batch_at).await;
        }

        // The parent's seed: the randomness this block draws from. Certificates are reported as
        // the engine moves to the next view, so it is normally here already.
        let seed = if let Some(seed_round) = seed_round(&context) {
            let wanted = seed_round;
            #[cfg(feature = "sim")]
            let wanted = match &self.tamper {
                Some(t) if t.kind == TamperKind::BadSeed => {
                    t.spoiled.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    Round::new(seed_round.epoch(), parent.inner().header.context.parent.0)
                }
                _ => wanted,
            };
            match self.seeds.wait(&runtime, wanted, SEED_PATIENCE).await {
                Some(seed) => Some(seed),
                None if wanted != seed_round => None,
                None => {
                    // Restarted since the parent's certificate: let the view time out.
                    warn!(height, round = %seed_round, "parent's seed unknown; not proposing");
                    return None;
                }
            }
        } else {
            None
        };
        let randomness = Header::randomness_of(seed.as_ref());

        let time_ms = ms_since_epoch(runtime.current()).max(parent_time + 1);
        let mut candidates = mempool.peek(MAX_BLOCK_TXS);
        // Attested transactions are larger: keep the block within its byte bound too.
        let mut bytes = 0usize;
        let fits = candidates
            .iter()
            .take_while(|tx| {
                bytes += tx.len();
                bytes <= MAX_BLOCK_TX_BYTES
            })
            .count();
        candidates.truncate(fits);
        let ctx = BlockContext {
            height,
            time_ms,
            seed: randomness,
        };
        let (merkleized, out) =
            match execute::<E>(batches, &self.genesis, ctx, &candidates, Mode::Propose).await {
                Ok(r) => r,
                Err(e) => {
                    warn!(height, error = %e, "could not build a block");
                    return None;
                }
            };
        let included: Vec<Bytes> = out
            .included
            .iter()
            .map(|i| candidates[*i].clone())
            .collect();
        // A transaction left out now may fit a later block (quota, nonce order) or may never
        // execute (its nonce was used, the pool ran dry): the mempool counts the misses and
        // evicts a transaction left out of too many proposals.
        if included.len() < candidates.len() {
            let mut kept = out.included.iter().peekable();
            let left_out: Vec<Bytes> = candidates
                .iter()
                .enumerate()
                .filter(|(i, _)| {
                    if kept.peek() == Some(&i) {
                        kept.next();
                        false
                    } else {
                        true
                    }
                })
                .map(|(_, tx)| tx.clone())
                .collect();
            let evicted = mempool.left_out(&left_out);
            debug!(
                height,
                left_out = left_out.len(),
                evicted,
                "proposal left transactions out"
            );
        }
        let header = Header {
            context,
            parent: parent_digest,
            height: Height::new(height),
            time_ms,
            txs_root: txs_root(&included),
            tx_count: included.len() as u32,
            reshare_root: reshare.as_ref().map(aigov_types::reshare::payload_root),
            state_root: merkleized.root(),
            ops_root: merkleized.ops_root(),
            range: non_empty_range!(merkleized.sync_boundary(), merkleized.bounds().tip.size),
            seed,
        };
        #[allow(unused_mut)]
        let mut block = Block {
            header,
            txs: included,
            reshare,
        };
        #[cfg(feature = "sim")]
        if let Some(t) = &self.tamper {
            t.spoil(&mut block);
        }
        Some(Proposed { block, merkleized })
    }

    async fn process(
        &mut self,
        (runtime, _context): (E, Ctx),
        ancestry: impl Ancestry<Block>,
        batches: <Dbs<E> as DatabaseSet<E>>::Unmerkleized,
        finality: Finality,
    ) -> Option<<Dbs<E> as DatabaseSet<E>>::Merkleized> {
        let block = ancestry.peek()?.inner().clone();
        let h = block.header.height.get();
        // The seed decides this block's draws: a wrong one is refused before anything runs. A
        // finalized block's was checked by the quorum that certified it.
        if finality == Finality::Candidate
            && let Err(e) = verify_header_seed(&self.verifier, &block.header)
        {
            warn!(height = h, error = %e, "block seed refused");
            return None;
        }
        let parent_time = match parent_time::<E>(&batches, &self.genesis).await {
            Ok(t) => t,
            Err(e) => {
                warn!(height = h, error = %e, "could not read parent state");
                return None;
            }
        };
        if block.header.time_ms <= parent_time {
            warn!(
                height = h,
                time = block.header.time_ms,
                parent_time,
                "block time not after parent's"
            );
            return None;
        }
        if finality == Finality::Candidate {
            // A block from the future waits for the local clock (bounded by the drift), so a
            // proposer cannot push block time arbitrarily ahead.
            let block_at = UNIX_EPOCH + Duration::from_millis(block.header.time_ms);
            let latest_ok = runtime.current() + self.timing.max_drift;
            if block_at > latest_ok {
                let wait_until = block_at - self.timing.max_drift;
                if wait_until > runtime.current() + Duration::from_secs(10) {
                    warn!(height = h, "block time too far in the future");
                    return None;
                }
                runtime.sleep_until(wait_until).await;
            }
        }
        let ctx = BlockContext {
            height: h,
            time_ms: block.header.time_ms,
            seed: block.header.randomness(),
        };
        let (merkleized, _) =
            match execute::<E>(batches, &self.genesis, ctx, &block.txs, Mode::Verify).await {
                Ok(r) => r,
                Err(e) => {
                    warn!(height = h, error = %e, ?finality, "block failed execution");
                    return None;
                }
            };
        if merkleized.root() != block.header.state_root {
            warn!(height = h, ?finality, "block state root mismatch");
            return None;
        }
        Some(merkleized)
    }

    async fn capture(
        &mut self,
        _context: (E, Ctx),
        _block: &Block,
        _batches: &<Dbs<E> as DatabaseSet<E>>::Merkleized,
        _readers: <Dbs<E> as DatabaseSet<E>>::Readers,
    ) {
    }

    async fn finalized(
        &mut self,
        context: (E, Ctx),
        block: &Block,
        _captured: (),
        readers: <Dbs<E> as DatabaseSet<E>>::Readers,
    ) {
        let reader = FinalizedReader::<E>::Reader(readers);
        let height = block.header.height.get();
        // Events this block appended: from what the index has to the new log size.
        let size = match aigov_state::log::frontier(&reader).await {
            Ok(f) => f.size,
            Err(e) => {
                warn!(height, error = %e, "finalized: cannot read log frontier");
                return;
            }
        };
        let mut events = Vec::new();
        for i in self.index.log_size()..size {
            match aigov_state::log::event(&reader, i).await {
                Ok(Some(e)) => events.push(e),
                Ok(None) | Err(_) => {
                    warn!(height, index = i, "finalized: missing event");
                    break;
                }
            }
        }
        // Mempool: drop what the block included and what its senders can no longer use.
        let mut included = Vec::with_capacity(block.txs.len());
        let mut next_nonce = BTreeMap::new();
        for raw in &block.txs {
            if let Ok(stx) = SignedTx::decode_bounded(raw) {
                included.push(stx.hash());
                if let std::collections::btree_map::Entry::Vacant(v) =
                    next_nonce.entry(stx.tx.sender.clone())
                {
                    let n = aigov_state::accounts::account(&reader, &stx.tx.sender)
                        .await
                        .ok()
                        .flatten()
                        .map_or(0, |a| a.nonce);
                    v.insert(n);
                }
            }
        }
        self.mempool.finalized(&included, &next_nonce);
        let tip = Tip {
            height,
            state_root: Hash::from_digest(&block.header.state_root),
            time_ms: block.header.time_ms,
        };
        if !block.txs.is_empty() {
            info!(height, txs = block.txs.len(), events = events.len(), root = %tip.state_root, "finalized");
        } else {
            debug!(height, "finalized empty block");
        }
        self.index.finalized(tip, events, block.txs.len() as u64);
        self.remove_old_journal(&context.0, height).await;
    }
}

impl App {
    /// At the first block of epoch `e`, removes epoch `e - 2`'s simplex journal (glue's
    /// orchestrator never does, so a node would keep one per epoch forever). Epoch `e - 1`'s
    /// stays: a node that restarts before it has acknowledged `e - 1`'s last block resumes in
    /// `e - 1` and must find its own votes there, or it could vote twice. Nothing can resume
    /// in `e - 2` once a block of `e` is final. A crash between this block's commit and the
    /// removal leaves that one journal behind.
    async fn remove_old_journal<E: commonware_runtime::Storage>(&self, context: &E, height: u64) {
        let bpe = self.genesis.blocks_per_epoch;
        let Some(epoch) = aigov_types::reshare::epoch_of(height, bpe) else {
            return;
        };
        if epoch < 2 || !height.is_multiple_of(bpe) {
            return;
        }
        let partition = format!("{}_consensus_{}", self.consensus_partition, epoch - 2);
        match context.remove(&partition, None).await {
            Ok(()) => debug!(%partition, "removed an old epoch's consensus journal"),
            Err(e) => debug!(%partition, error = %e, "no old consensus journal to remove"),
        }
    }
}
