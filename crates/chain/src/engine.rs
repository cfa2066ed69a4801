//! Wires one validator: buffered broadcast and marshal (block dissemination, backfill,
//! finalized archive), glue::stateful (speculative and finalized QMDB state), and
//! `glue::dkg`: the reshare actor and the orchestrator, which runs one simplex per epoch
//! (BLS12-381 threshold certificates with a VRF).
//!
//! Generic over the runtime and the network, so the same wiring runs on the tokio runtime with
//! authenticated p2p (`aigov dev`, `aigov node run`) and on the deterministic runtime with the
//! simulated network (tests).

use crate::app::{App, Timing};
use crate::db::{self, Dbs};
use crate::index::Index;
use crate::mempool::Mempool;
use crate::peers::WithFullNodes;
use aigov_types::Block;
use aigov_types::genesis::Genesis;
use aigov_types::proof::{CONSENSUS_NAMESPACE, GroupPolynomial, MAX_VALUE_BYTES, Scheme};
use aigov_types::reshare::MAX_DKG_PARTICIPANTS;
use commonware_broadcast::buffered;
use commonware_consensus::Reporters;
use commonware_consensus::{
    marshal::{
        self,
        core::{Actor as MarshalActor, Mailbox as MarshalMailbox},
        resolver::p2p as marshal_resolver,
        standard::{Deferred, Standard},
    },
    simplex::{self, elector::RoundRobin},
    types::{Epoch, FixedEpocher, ViewDelta},
};
use commonware_cryptography::bls12381::{
    dkg::feldman_desmedt::Reveal,
    primitives::sharing::{Mode, ModeVersion},
};
use commonware_cryptography::{
    Digestible as _, Sha256, bls12381::primitives::group::Share, certificate::ConstantProvider,
    ed25519, sha256::Digest,
};
use commonware_glue::dkg::{
    fence::Fence,
    orchestrator, reshare,
    state_sync::{Config as StateSyncConfig, Plan as StateSyncPlan},
};
use commonware_glue::stateful::{
    Config as StatefulConfig, Stateful, SyncPlan,
    db::{DatabaseSet, SyncEngineConfig, p2p as qmdb_resolver},
};
use commonware_p2p::utils::mux::{Muxer, SubReceiver, SubSender};
use commonware_p2p::{Address, AddressableManager, Blocker, Receiver, Sender};
use commonware_parallel::Sequential;
use commonware_runtime::{Clock, Handle, Metrics, Spawner, buffer::paged::CacheRef};
use commonware_storage::{archive::prunable, mmr, translator::TwoCap};
use commonware_utils::{
    NZDuration, NZU16, NZU64, NZUsize,
    ordered::{Map, Set},
};
use std::num::{NonZeroU64, NonZeroUsize};
use std::sync::Arc;
use std::time::Duration;

const SYNC_BATCH: std::num::NonZeroU64 = NZU64!(64);
const IO: NonZeroUsize = NZUsize!(1 << 16);

/// The six p2p channels a validator uses.
pub struct Channels<S, R> {
    /// Simplex votes.
    pub votes: (S, R),
    /// Simplex certificates.
    pub certs: (S, R),
    /// Simplex certificate resolver.
    pub resolver: (S, R),
    /// Marshal backfill.
    pub backfill: (S, R),
    /// Block broadcast.
    pub broadcast: (S, R),
    /// QMDB state sync.
    pub state_sync: (S, R),
    /// Transaction gossip.
    pub txs: (S, R),
    /// The reshare actor's DKG messages (dealings and acknowledgements).
    pub dkg: (S, R),
}

/// Channel ids, in the order of [Channels].
pub const CHANNELS: [u64; 8] = [0, 1, 2, 3, 4, 5, 6, 7];

/// The first epoch, the one the simulation's Byzantine mocks act in.
pub const EPOCH: Epoch = Epoch::zero();

/// Frames a consensus channel by epoch, as `glue::dkg`'s orchestrator does: each message
/// travels as `varint(epoch) ‖ message` (a `commonware_p2p` mux subchannel), and traffic for
/// other epochs is dropped. Returns the channel of `epoch`.
pub async fn epoch_channel<E, S, R>(
    context: &E,
    name: &'static str,
    (sender, receiver): (S, R),
    epoch: Epoch,
) -> Result<(SubSender<S>, SubReceiver<S::PublicKey>), String>
where
    E: Spawner + Metrics,
    S: Sender,
    R: Receiver<PublicKey = S::PublicKey>,
{
    let (mux, mut handle) = Muxer::new(context.child(name), sender, receiver);
    // The muxer runs while the subchannel's receiver lives.
    mux.start();
    handle
        .register(epoch.get())
        .await
        .map_err(|e| format!("{name}: opening the channel of epoch {epoch}: {e}"))
}

/// The largest p2p message the engine sends. Sized for the largest committee a vote can make
/// ([MAX_DKG_PARTICIPANTS]), not for genesis': every node must accept what any future epoch's
/// validators send.
pub fn max_message_size() -> u32 {
    let n = MAX_DKG_PARTICIPANTS.get();
    let op_size = MAX_VALUE_BYTES + 256;
    let sizes = [
        // Simplex messages carry their epoch's subchannel prefix.
        commonware_glue::dkg::orchestrator::max_payload_size::<Scheme, Digest>(n),
        marshal::max_payload_size::<Standard<Block>, Scheme>(n, &()),
        qmdb_resolver::max_payload_size::<mmr::Family, Digest>(SYNC_BATCH, op_size),
        commonware_glue::dkg::max_payload_size::<aigov_types::reshare::Variant, ed25519::PublicKey>(
            MAX_DKG_PARTICIPANTS,
        ),
    ];
    commonware_p2p::max_message_size(&sizes)
}

/// Everything a validator needs besides its runtime and network.
pub struct EngineConfig {
    /// Storage partition prefix (several validators may share one runtime in tests).
    pub prefix: String,
    /// This validator's p2p identity.
    pub signer: ed25519::PrivateKey,
    /// Every validator's p2p identity.
    pub participants: Vec<ed25519::PublicKey>,
    /// The group's public polynomial.
    pub polynomial: GroupPolynomial,
    /// This validator's key share; `None` runs a full node, which follows consensus as an
    /// observer (verifies certificates, never proposes or votes) and executes every block.
    pub share: Option<Share>,
    /// The genesis document.
    pub genesis: Arc<Genesis>,
    /// Block timing.
    pub timing: Timing,
    /// Consensus leader timeout (must exceed `timing.idle_block`).
    pub leader_timeout: Duration,
    /// The full nodes this node knows of: they join every epoch's peer set as secondary peers
    /// (they are in no epoch's committee), so validators keep serving them.
    pub full_nodes: Map<ed25519::PublicKey, Address>,
}

/// Handles to a running validator, from which the node's API is served.
pub struct Engine<E: Spawner + commonware_storage::Context> {
    /// Pending transactions.
    pub mempool: Mempool,
    /// Finalized history.
    pub index: Index,
    /// Marshal: finalized blocks and certificates.
    pub marshal: MarshalMailbox<Scheme, Standard<Block>>,
    /// The state database.
    pub dbs: Dbs<E>,
    /// Sends admitted transactions to the other validators.
    pub gossip: crate::gossip::Gossip,
    /// The consensus engine task.
    pub handle: Handle<()>,
}

fn archive_cfg<C>(
    prefix: &str,
    name: &str,
    page_cache: CacheRef,
    codec_config: C,
) -> prunable::Config<TwoCap, C> {
    prunable::Config {
        translator: TwoCap,
        metadata_partition: format!("{prefix}-{name}-metadata"),
        key_partition: format!("{prefix}-{name}-key"),
        key_page_cache: page_cache,
        value_partition: format!("{prefix}-{name}-value"),
        compression: None,
        codec_config,
        items_per_section: NZU64!(4096),
        key_write_buffer: IO,
        value_write_buffer: IO,
        replay_buffer: IO,
    }
}

/// Fault injection the engine is started with: a Byzantine leader's [crate::app::Tamper] in
/// simulations (feature `sim`), nothing otherwise.
#[cfg(feature = "sim")]
type Tampering = Option<crate::app::Tamper>;
#[cfg(not(feature = "sim"))]
type Tampering = NoTamper;

/// Without feature `sim`, no fault can be injected.
#[cfg(not(feature = "sim"))]
#[derive(Default)]
struct NoTamper;

/// Starts a validator and returns once its state is loaded and consensus is running.
pub async fn start<E, S, R, C, B>(
    context: E,
    cfg: EngineConfig,
    channels: Channels<S, R>,
    peers: C,
    blocker: B,
) -> Result<Engine<E>, String>
where
    E: Spawner
        + Clock
        + Metrics
        + commonware_storage::Context
        + commonware_runtime::Network
        + rand::Rng
        + rand::CryptoRng,
    S: Sender<PublicKey = ed25519::PublicKey>,
    R: Receiver<PublicKey = ed25519::PublicKey>,
    C: AddressableManager<PublicKey = ed25519::PublicKey>,
    B: Blocker<PublicKey = ed25519::PublicKey>,
{
    start_inner(context, cfg, channels, peers, blocker, Tampering::default()).await
}

/// Starts a Byzantine validator whose every proposal is spoiled by `tamper` (simulations only):
/// the rest of the engine is the honest one, so it votes, relays and executes like the others.
#[cfg(feature = "sim")]
pub async fn start_tampered<E, S, R, C, B>(
    context: E,
    cfg: EngineConfig,
    channels: Channels<S, R>,
    peers: C,
    blocker: B,
    tamper: crate::app::Tamper,
) -> Result<Engine<E>, String>
where
    E: Spawner
        + Clock
        + Metrics
        + commonware_storage::Context
        + commonware_runtime::Network
        + rand::Rng
        + rand::CryptoRng,
    S: Sender<PublicKey = ed25519::PublicKey>,
    R: Receiver<PublicKey = ed25519::PublicKey>,
    C: AddressableManager<PublicKey = ed25519::PublicKey>,
    B: Blocker<PublicKey = ed25519::PublicKey>,
{
    start_inner(context, cfg, channels, peers, blocker, Some(tamper)).await
}

async fn start_inner<E, S, R, C, B>(
    context: E,
    cfg: EngineConfig,
    channels: Channels<S, R>,
    peers: C,
    blocker: B,
    tamper: Tampering,
) -> Result<Engine<E>, String>
where
    E: Spawner
        + Clock
        + Metrics
        + commonware_storage::Context
        + commonware_runtime::Network
        + rand::Rng
        + rand::CryptoRng,
    S: Sender<PublicKey = ed25519::PublicKey>,
    R: Receiver<PublicKey = ed25519::PublicKey>,
    C: AddressableManager<PublicKey = ed25519::PublicKey>,
    B: Blocker<PublicKey = ed25519::PublicKey>,
{
    #[cfg(not(feature = "sim"))]
    let NoTamper = tamper;
    let me = commonware_cryptography::Signer::public_key(&cfg.signer);
    let participants = Set::from_iter_dedup(cfg.participants.iter().cloned());
    // Commonware panics on a polynomial dealt to another set; refuse it instead.
    let quorum = commonware_utils::ordered::Quorum::quorum::<commonware_utils::N3f1>(&participants);
    if cfg.polynomial.total().get() as usize != participants.len()
        || cfg.polynomial.required() != quorum
    {
        return Err(format!(
            "the group polynomial ({} shares, threshold {}) is not dealt to these {} validators",
            cfg.polynomial.total(),
            cfg.polynomial.required(),
            participants.len()
        ));
    }
    // A validator's share must match the group polynomial (the reshare actor would otherwise
    // register a scheme it cannot sign with). A full node has none: it verifies certificates,
    // has nothing to sign with and never leads. Simplex takes each epoch's scheme from the
    // reshare actor's registrar.
    if let Some(share) = cfg.share.clone() {
        Scheme::signer(
            CONSENSUS_NAMESPACE,
            participants.clone(),
            cfg.polynomial.clone(),
            share,
        )
        .ok_or("this validator's key share does not match the group polynomial")?;
    }
    let full_node = cfg.share.is_none();
    // Marshal verifies every epoch's certificates against the group's constant identity (a
    // reshare keeps it), not against one epoch's participants.
    let provider = ConstantProvider::<_, Epoch>::new(Scheme::certificate_verifier(
        CONSENSUS_NAMESPACE,
        *cfg.polynomial.public(),
    ));
    let prefix = cfg.prefix.clone();
    let blocks_per_epoch =
        NonZeroU64::new(cfg.genesis.blocks_per_epoch).ok_or("genesis: blocks_per_epoch is 0")?;
    // Both glue actors activate each epoch's peers; both must keep the full nodes in.
    let manager = WithFullNodes::new(peers.clone(), cfg.full_nodes.clone());

    // Block gossip and backfill.
    let resolver = marshal_resolver::init(
        context.child("marshal_resolver"),
        marshal_resolver::Config {
            public_key: me.clone(),
            peer_provider: peers.clone(),
            blocker: blocker.clone(),
            mailbox_size: NZUsize!(1024),
            fetch_timeout: NZDuration!(Duration::from_secs(2)),
            fetch_retry_delay: Duration::from_millis(100),
            priority_requests: false,
            priority_responses: false,
        },
        channels.backfill,
    );
    let (broadcast_engine, buffer) = buffered::Engine::new(
        context.child("broadcast"),
        buffered::Config {
            public_key: me.clone(),
            mailbox_size: NZUsize!(1024),
            deque_size: 10,
            priority: false,
            codec_config: (),
            peer_provider: peers.clone(),
            strategy: Sequential,
        },
    );
    broadcast_engine.start(channels.broadcast);

    // Finalized archive (never pruned: every finalized block and certificate is kept).
    let page_cache = CacheRef::new(NZU16!(4096), NZUsize!(1024));
    let finalizations = prunable::Archive::init(
        context.child("finalizations_by_height"),
        archive_cfg(&prefix, "finalizations", page_cache.clone(), ()),
    )
    .await
    .map_err(|e| format!("opening the finalizations archive: {e}"))?;
    let blocks = prunable::Archive::init(
        context.child("finalized_blocks"),
        archive_cfg(&prefix, "blocks", page_cache.clone(), ()),
    )
    .await
    .map_err(|e| format!("opening the blocks archive: {e}"))?;

    let initial = <Dbs<E> as DatabaseSet<E>>::initial_sync_targets();
    let info0 = cfg.genesis.epoch0().map_err(|e| format!("genesis: {e}"))?;
    let genesis_block = Block::genesis(
        cfg.genesis.genesis_time_ms,
        initial.root,
        initial.range.clone(),
        info0,
    );
    let plan = SyncPlan::init(context.child("plan"), &prefix).await;
    let _ = plan.should_sync(false);

    let epocher = FixedEpocher::new(blocks_per_epoch);
    let (marshal_actor, marshal_mailbox, floor) =
        MarshalActor::<_, Standard<Block>, _, _, _, _, _>::init(
            context.child("marshal"),
            finalizations,
            blocks,
            marshal::Config {
                provider: provider.clone(),
                epocher: epocher.clone(),
                start: plan.marshal_start(commonware_cryptography::Digested::precomputed(
                    genesis_block.clone(),
                    genesis_block.digest(),
                )),
                partition_prefix: format!("{prefix}-marshal"),
                mailbox_size: NZUsize!(1024),
                view_retention: ViewDelta::new(10),
                prunable_items_per_section: NZU64!(4096),
                page_cache: page_cache.clone(),
                replay_buffer: IO,
                key_write_buffer: IO,
                value_write_buffer: IO,
                block_codec_config: (),
                max_repair: NZUsize!(10),
                max_pending_acks: NZUsize!(4),
                strategy: Sequential,
            },
        )
        .await;

    // State sync is not served yet (see `sync`); the channel stays registered so peers agree
    // on the channel layout.
    let qmdb_mailbox = crate::sync::NoStateSync::default();
    drop(channels.state_sync);

    // The reshare actor: its secrets live in the runtime's storage, seeded once with the
    // trusted dealer's epoch-0 share. At each epoch's midpoint it deals the next epoch's shares
    // to the committee state has voted, and it registers each epoch's scheme in `schemes`, from
    // which the orchestrator runs that epoch's simplex.
    let secret_store = crate::dkg::StorageSecretStore::open(
        context.child("secret_store"),
        format!("{prefix}-secrets"),
        cfg.share.as_ref(),
    )
    .await?;
    let schemes = crate::dkg::DynamicProvider::default();
    let finalized_dbs = crate::dkg::SharedDatabases::<E>(Default::default());
    let (fence, gate) = Fence::new();
    let dkg_state_sync = StateSyncPlan::init(
        context.child("dkg_state_sync_plan"),
        StateSyncConfig {
            partition_prefix: format!("{prefix}-dkg"),
            max_participants: MAX_DKG_PARTICIPANTS,
            max_supported_mode: ModeVersion::v0(),
        },
        None,
    )
    .await;
    let (reshare_actor, reshare_mailbox) = reshare::Actor::new(
        context.child("reshare"),
        reshare::Config {
            signer: cfg.signer.clone(),
            manager: manager.clone(),
            blocker: blocker.clone(),
            participants_provider: crate::dkg::StateParticipants::new(
                context.child("participants"),
                crate::dkg::SharedDatabases(finalized_dbs.0.clone()),
                blocks_per_epoch.get(),
            ),
            secret_store,
            strategy: Sequential,
            registrar: crate::dkg::SchemeRegistrar::new(schemes.clone()),
            marshal: marshal_mailbox.clone(),
            state_sync: dkg_state_sync.clone(),
            fence,
            namespace: CONSENSUS_NAMESPACE,
            sharing_mode: Mode::NonZeroCounter,
            reveal: Reveal::V1,
            mailbox_size: NZUsize!(1024),
            partition_prefix: format!("{prefix}-reshare"),
            page_cache: page_cache.clone(),
            write_buffer: IO,
            replay_buffer: IO,
            max_participants: MAX_DKG_PARTICIPANTS,
            blocks_per_epoch,
        },
    );
    let reshare_handle = reshare_actor.start(channels.dkg);

    let mempool = Mempool::default();
    let index = Index::new();
    let orchestrator_partition = format!("{prefix}-orchestrator");
    let seeds = crate::seeds::Seeds::default();
    let application = App {
        genesis_block: genesis_block.clone(),
        genesis: cfg.genesis.clone(),
        mempool: mempool.clone(),
        index: index.clone(),
        timing: cfg.timing,
        seeds: seeds.clone(),
        verifier: Scheme::certificate_verifier(CONSENSUS_NAMESPACE, *cfg.polynomial.public()),
        consensus_partition: orchestrator_partition.clone(),
        #[cfg(feature = "sim")]
        tamper,
    };
    let (stateful, stateful_mailbox) = Stateful::new(
        context.child("stateful"),
        StatefulConfig {
            application,
            db_config: db::config(&prefix, page_cache.clone()),
            provider: mempool.clone(),
            marshal: (marshal_mailbox.clone(), floor),
            mailbox_size: NZUsize!(1024),
            plan,
            resolvers: qmdb_mailbox,
            sync_config: SyncEngineConfig {
                fetch_batch_size: SYNC_BATCH,
                apply_batch_size: NZU64!(1024),
                max_outstanding_requests: NZUsize!(8),
            },
            prune_config: None,
            strategy: Sequential,
        },
    );
    let deferred = Deferred::new(
        context.child("deferred"),
        reshare::Application::new(
            stateful_mailbox.clone(),
            reshare_mailbox.clone(),
            blocks_per_epoch,
        ),
        marshal_mailbox.clone(),
        epocher,
    );
    // Records each certificate's seed for the next proposal, then on to marshal.
    let application = crate::seeds::Seeded::new(deferred, seeds);
    let (orchestrator, orchestrator_mailbox) = orchestrator::Actor::new(
        context.child("orchestrator"),
        orchestrator::Config {
            oracle: blocker.clone(),
            manager: manager.clone(),
            provider: schemes.clone(),
            marshal: marshal_mailbox.clone(),
            application,
            strategy: Sequential,
            simplex: orchestrator::SimplexConfig {
                elector: RoundRobin::<Sha256>::default(),
                mailbox_size: NZUsize!(1024),
                replay_buffer: IO,
                write_buffer: IO,
                page_cache: page_cache.clone(),
                leader_timeout: cfg.leader_timeout,
                certification_timeout: cfg.leader_timeout * 2,
                timeout_retry: Duration::from_secs(5),
                fetch_timeout: NZDuration!(Duration::from_secs(1)),
                fetch_retry_delay: Duration::from_millis(100),
                view_retention: ViewDelta::new(10),
                skip: simplex::SkipPolicy::Enabled {
                    timeout: Duration::from_secs(12),
                    budget: simplex::SkipBudget::Participants,
                },
                forward: simplex::ForwardPolicy::Disabled,
                track_historical_votes: false,
            },
            gate,
            state_sync: dkg_state_sync.clone(),
            blocks_per_epoch,
            mailbox_size: NZUsize!(1024),
            partition_prefix: orchestrator_partition,
        },
    );
    marshal_actor.start(
        Reporters::from((
            stateful_mailbox.clone(),
            Reporters::from((orchestrator_mailbox, reshare_mailbox)),
        )),
        buffer,
        resolver,
    );
    stateful.start();

    // Load the finalized index from state before consensus starts, so nothing finalizes
    // meanwhile: the log's leaves and the tip.
    let dbs = stateful_mailbox.subscribe_databases().await;
    *finalized_dbs.0.lock() = Some(dbs.clone());
    crate::node::load_index(&dbs, &index).await?;

    let mut gossip = crate::gossip::start(
        context.child("tx_gossip"),
        channels.txs,
        blocker.clone(),
        dbs.clone(),
        mempool.clone(),
        index.clone(),
        cfg.genesis.clone(),
    );
    if full_node {
        // A full node never proposes: it resends what was submitted to it until a block
        // includes it, so a transaction sent before the validators were reachable still
        // arrives.
        crate::gossip::rebroadcast(
            context.child("tx_rebroadcast"),
            &mut gossip,
            mempool.clone(),
            crate::gossip::REBROADCAST_EVERY,
        );
    }

    // One simplex per epoch, its scheme from `schemes` once the reshare actor registered it.
    let simplex_handle = orchestrator.start(channels.votes, channels.certs, channels.resolver);
    let handle = Handle::from_future(Handle::select([simplex_handle, reshare_handle]));
    Ok(Engine {
        mempool,
        index,
        marshal: marshal_mailbox,
        dbs,
        gossip,
        handle,
    })
}
