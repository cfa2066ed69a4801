//! Runs one node as a process: the tokio runtime, authenticated p2p (`lookup`, encrypted
//! and authenticated by each node's Ed25519 key), the engine, and the HTTP API.
//!
//! A validator holds a key share; a full node holds none and follows the chain. Every node
//! tracks the same peer set: the validators as primary peers (they drive consensus and are
//! dialed) and the full nodes as secondary peers (they only follow: validators accept their
//! connections, answer their backfill requests and send them certificates and blocks, but
//! never dial them).

use crate::app::Timing;
use crate::engine::{self, Channels, EngineConfig};
use crate::node::Node;
use aigov_types::genesis::Genesis;
use aigov_types::proof::GroupPolynomial;
use aigov_types::reshare::MAX_DKG_PARTICIPANTS;
use aigov_types::{PrivateKey, PublicKey};
use commonware_cryptography::{ChaCha20Poly1305, bls12381::primitives::group::Share};
use commonware_p2p::{Address, authenticated::lookup};
use commonware_runtime::{Metrics as _, Quota, Runner as _, Spawner as _, Supervisor as _, tokio};
use commonware_stream::{
    cups::{self, Cups},
    sake::{self, Sake},
};
use commonware_utils::{NZU32, NZUsize, ordered::Map};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Signing namespace of the p2p handshake.
pub const P2P_NAMESPACE: &[u8] = b"_AIGOV_P2P";

/// What `on_ready` learns once the node serves.
#[derive(Clone, Debug)]
pub struct Ready {
    /// Finalized height at start.
    pub height: u64,
    /// Events in the log at start.
    pub log_size: u64,
    /// The API address.
    pub api: SocketAddr,
    /// Hex of the group key.
    pub group_key: String,
}

/// Everything needed to run a node process (a validator or a full node).
pub struct RunConfig {
    /// Where the runtime keeps its storage.
    pub storage_dir: PathBuf,
    /// The genesis document.
    pub genesis: Genesis,
    /// The group polynomial from genesis.
    pub polynomial: GroupPolynomial,
    /// This node's identity key.
    pub signer: PrivateKey,
    /// This validator's key share; `None` runs a full node.
    pub share: Option<Share>,
    /// Every validator's identity and p2p address.
    pub peers: Vec<(PublicKey, SocketAddr)>,
    /// Every full node's identity and p2p address (secondary peers).
    pub full_nodes: Vec<(PublicKey, SocketAddr)>,
    /// Where p2p listens.
    pub p2p_listen: SocketAddr,
    /// The API listener, bound by the caller (so a port in use is reported before anything
    /// starts).
    pub api_listener: std::net::TcpListener,
    /// Block timing.
    pub timing: Timing,
    /// Worker threads of the runtime.
    pub worker_threads: usize,
    /// Called once the node serves.
    pub on_ready: Box<dyn FnOnce(Ready) + Send>,
}

/// Longest a restarted node waits to re-execute the blocks it had finalized before it serves.
const REPLAY_PATIENCE: Duration = Duration::from_secs(30);

/// Waits until the node's state reaches the newest block it had finalized before a restart
/// (marshal stores finalized blocks before the state that executes them is durable, and
/// replays them at start), so it never answers from older state than it answered before it
/// stopped: a client holding its last checkpoint gets a consistency proof, not a shorter log.
/// Gives up after [REPLAY_PATIENCE] (a block it must fetch from peers), and serves anyway.
async fn replay_before_serving<E>(context: &E, engine: &engine::Engine<E>)
where
    E: commonware_runtime::Clock + commonware_runtime::Spawner + commonware_storage::Context,
{
    use commonware_consensus::marshal::Identifier;
    let Some((latest, _)) = engine.marshal.get_info(Identifier::Latest).await else {
        return;
    };
    let latest = latest.get();
    if engine.index.tip().height >= latest {
        return;
    }
    tracing::info!(
        from = engine.index.tip().height,
        to = latest,
        "re-executing finalized blocks before serving"
    );
    let give_up = context.current() + REPLAY_PATIENCE;
    while engine.index.tip().height < latest {
        if context.current() >= give_up {
            tracing::warn!(
                at = engine.index.tip().height,
                latest,
                "serving before the replay finished"
            );
            return;
        }
        context.sleep(Duration::from_millis(20)).await;
    }
}

/// Runs the node until the process is stopped. Returns an error only if it cannot start.
pub fn run(cfg: RunConfig) -> Result<(), String> {
    let runtime_cfg = tokio::Config::new()
        .with_storage_directory(&cfg.storage_dir)
        .with_worker_threads(cfg.worker_threads)
        .with_catch_panics(false);
    tokio::Runner::new(runtime_cfg).start(|context| async move {
        let signer = cfg.signer.inner().clone();
        let mut p2p_cfg = lookup::Config::local(
            Cups::<_, ChaCha20Poly1305>::new(
                Sake {
                    signer: signer.clone(),
                    synchrony_bound: Duration::from_secs(5),
                    max_handshake_age: Duration::from_secs(10),
                    version: sake::Version::V1,
                },
                cups::Version::V1,
            ),
            P2P_NAMESPACE,
            cfg.p2p_listen,
            // An epoch's peers are its dealers, players and next players (each at most a
            // committee) and every full node; a larger set would panic the network.
            NZUsize!(3 * MAX_DKG_PARTICIPANTS.get() as usize + cfg.full_nodes.len()),
            engine::max_message_size(),
            NZUsize!(1024),
        );
        // The peer sets kept: the current epoch's and the one before, while nodes cross a
        // boundary. Each channel's inbound queue (and the shared outbound one) is preallocated
        // for a quota burst from every peer of every kept set, so this and the bursts below
        // are what the network costs in memory: about 200 MB here.
        p2p_cfg.tracked_peer_sets = NZUsize!(2);
        let (mut network, oracle) = lookup::Network::new(context.child("network"), p2p_cfg);
        let to_map = |list: &[(PublicKey, SocketAddr)], what: &str| {
            Map::<_, Address>::try_from(
                list.iter()
                    .map(|(k, a)| (k.0.clone(), Address::from(*a)))
                    .collect::<Vec<_>>(),
            )
            .map_err(|_| format!("duplicate {what} keys"))
        };
        // Which peers to connect to comes from each epoch's committee (genesis' for epoch 0):
        // the engine activates them, with these full nodes added.
        let validators = to_map(&cfg.peers, "validator")?;
        let full_nodes = to_map(&cfg.full_nodes, "full node")?;
        // Per-peer message rates and bursts. Receivers size their queues from the bursts
        // (burst x peers of the kept sets), so they bound memory as well as abuse: consensus
        // sends a few messages per view, blocks and backfill one per block, transactions many.
        // A send over a recipient's quota is dropped for it, so transactions get a larger burst.
        let quota = Quota::per_second(NZU32!(1_024)).allow_burst(NZU32!(64));
        let tx_quota = Quota::per_second(NZU32!(8_192)).allow_burst(NZU32!(512));
        let channels = Channels {
            votes: network.register(0, quota),
            certs: network.register(1, quota),
            resolver: network.register(2, quota),
            backfill: network.register(3, quota),
            broadcast: network.register(4, quota),
            state_sync: network.register(5, quota),
            txs: network.register(6, tx_quota),
            dkg: network.register(7, quota),
        };
        network.start();

        let genesis = Arc::new(cfg.genesis);
        let group_key = crate::setup::group_key_hex(&cfg.polynomial);
        let engine_cfg = EngineConfig {
            prefix: "aigov".into(),
            signer,
            participants: validators.keys().iter().cloned().collect(),
            polynomial: cfg.polynomial,
            share: cfg.share,
            genesis: genesis.clone(),
            timing: cfg.timing,
            leader_timeout: cfg.timing.idle_block * 3,
            full_nodes,
        };
        let engine = engine::start(
            context.child("engine"),
            engine_cfg,
            channels,
            oracle.clone(),
            oracle,
        )
        .await?;
        replay_before_serving(&context, &engine).await;
        let metrics_ctx = context.child("metrics");
        let node = Node::new(
            &engine,
            genesis,
            cfg.signer,
            group_key.clone(),
            Box::new(move || metrics_ctx.encode()),
        );

        cfg.api_listener
            .set_nonblocking(true)
            .map_err(|e| format!("API listener: {e}"))?;
        let api_addr = cfg
            .api_listener
            .local_addr()
            .map_err(|e| format!("API listener: {e}"))?;
        let listener = ::tokio::net::TcpListener::from_std(cfg.api_listener)
            .map_err(|e| format!("API listener: {e}"))?;
        let api_node = node.clone();
        context.child("api").spawn(move |_| async move {
            if let Err(e) = aigov_api::serve(api_node, listener, futures::future::pending()).await {
                tracing::error!(error = %e, "API server stopped");
            }
        });
        (cfg.on_ready)(Ready {
            height: node.index().tip().height,
            log_size: node.index().log_size(),
            api: api_addr,
            group_key,
        });
        let _ = engine.handle.await;
        Err("consensus engine stopped".to_string())
    })
}
