//! Building blocks of simulations on Commonware's deterministic runtime: seeded identities and
//! threshold key, a genesis both derive from, the simulated network with latency and jitter,
//! validators and full nodes (no key share) started with [crate::engine::start] (each under its
//! own supervising task, so it can be stopped abruptly and started again on the same storage)
//! and wrapped in [crate::node::Node], and helpers that read finalized blocks and state.
//!
//! Everything random comes from the seed: validator keys and transaction senders derive from
//! names, the threshold key from a `StdRng` seeded with the run's seed, network delays and task
//! order from the runtime's seeded generator, and block times from the runtime's simulated clock.
//!
//! The helpers that end in a check (`submit`, `wait_receipts`, `check_chain`, `watch_tips`)
//! panic when it fails: they are for hand-written tests. [super::run] never relies on them for
//! its checks and reports a typed [super::Failure] instead.

use crate::app::Timing;
use crate::db::{Dbs, FinalizedReader};
use crate::engine::{self, CHANNELS, Channels, EngineConfig};
use crate::node::Node;
use aigov_api::Backend as _;
use aigov_types::codec::{BoundedString, BoundedVec, Encode as _};
use aigov_types::genesis::Genesis;
use aigov_types::personnel::{PersonnelCall, RegisterPersonnel, Role, Roles};
use aigov_types::proof::{CONSENSUS_NAMESPACE, GroupPolynomial, Scheme, state_key};
use aigov_types::reshare::DkgOutput;
use aigov_types::{Block, Call, Hash, PrivateKey, Receipt, Slug, Tx, TxHash};
use commonware_consensus::types::Height;
use commonware_cryptography::bls12381::{
    dkg::feldman_desmedt::deal,
    primitives::{group::Share, sharing::Mode, variant::MinSig},
};
use commonware_cryptography::{Digestible as _, ed25519, sha256::Digest};
use commonware_p2p::Address;
use commonware_p2p::simulated::{self, Link, Network, Oracle};
use commonware_parallel::Sequential;
use commonware_runtime::{Clock as _, Handle, Quota, Spawner as _, Supervisor as _, deterministic};
use commonware_utils::{
    N3f1, NZU32, NZUsize, Probability,
    ordered::{Map, Set},
};
use rand::{RngExt as _, SeedableRng as _};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

/// Chain id of every simulated chain.
pub const CHAIN_ID: &str = "aigov-sim";
/// Genesis time (2023-11-14T22:13:20Z); the runtime's clock starts here.
pub const GENESIS_TIME_MS: u64 = 1_700_000_000_000;
/// Gas limit of the test transactions: above any registration's cost.
pub const GAS_LIMIT: u64 = 100_000;

/// Short block timing, so tests finalize many blocks in little simulated time.
pub const TIMING: Timing = Timing {
    min_block: Duration::from_millis(10),
    idle_block: Duration::from_millis(200),
    max_drift: Duration::from_secs(2),
};
/// Consensus leader timeout.
pub const LEADER_TIMEOUT: Duration = Duration::from_secs(1);

/// The runtime context every validator runs on.
pub type Ctx = deterministic::Context;
/// The simulated network's oracle.
pub type NetOracle = Oracle<ed25519::PublicKey, Ctx>;

/// A seeded deterministic runtime whose clock starts at genesis time and which panics if the
/// test has not finished after `timeout` of simulated time.
pub fn runner(seed: u64, timeout: Duration) -> deterministic::Runner {
    deterministic::Runner::new(config(seed, timeout))
}

/// The runtime configuration of [runner].
pub fn config(seed: u64, timeout: Duration) -> deterministic::Config {
    deterministic::Config::default()
        .with_seed(seed)
        .with_start_time(UNIX_EPOCH + Duration::from_millis(GENESIS_TIME_MS))
        .with_timeout(Some(timeout))
}

/// A key derived from `name` (its seed is SHA-256 of the name).
pub fn key(name: &str) -> PrivateKey {
    PrivateKey::from_seed_bytes(Hash::digest(&[b"aigov-sim-key/", name.as_bytes()]).0)
}

/// Key material of a validator set: identities, the threshold key and the genesis.
#[derive(Clone)]
pub struct Setup {
    /// Identity keys, in validator order.
    pub keys: Vec<PrivateKey>,
    /// The group polynomial.
    pub polynomial: GroupPolynomial,
    /// Each validator's share.
    pub shares: BTreeMap<ed25519::PublicKey, Share>,
    /// The genesis document.
    pub genesis: Arc<Genesis>,
    /// Identity keys of full nodes (no share; not in genesis), in full-node order.
    pub full_nodes: Vec<PrivateKey>,
}

/// Heights per epoch in the simulations unless a scenario asks for fewer: long enough that
/// no scenario crosses an epoch boundary by accident.
pub const SIM_BLOCKS_PER_EPOCH: u64 = 10_000;

impl Setup {
    /// `n` validators whose threshold key is dealt with a generator seeded by `seed`.
    pub fn new(n: usize, seed: u64) -> Self {
        let keys: Vec<PrivateKey> = (0..n).map(|i| key(&format!("validator-{i}"))).collect();
        let players = Set::from_iter_dedup(keys.iter().map(|k| k.public_key().0));
        let rng = rand::rngs::StdRng::seed_from_u64(seed);
        let (output, shares) =
            deal::<MinSig, _, N3f1>(rng, Mode::NonZeroCounter, players).expect("deal");
        let shares = shares
            .iter_pairs()
            .map(|(k, s)| (k.clone(), s.clone()))
            .collect();
        let polynomial = output.public().clone();
        let genesis = genesis(&keys, &output);
        Self {
            keys,
            polynomial,
            shares,
            genesis: Arc::new(genesis),
            full_nodes: Vec::new(),
        }
    }

    /// The same validators and key, with `blocks_per_epoch` heights per epoch (genesis changes,
    /// so does every state root).
    pub fn with_blocks_per_epoch(mut self, blocks_per_epoch: u64) -> Self {
        let mut genesis = (*self.genesis).clone();
        genesis.blocks_per_epoch = blocks_per_epoch;
        self.genesis = Arc::new(genesis);
        self
    }

    /// The same validators, and `k` full nodes whose keys derive from their names.
    pub fn with_full_nodes(mut self, k: usize) -> Self {
        self.full_nodes = (0..k).map(|j| key(&format!("full-node-{j}"))).collect();
        self
    }

    /// Every full node's identity.
    pub fn full_node_keys(&self) -> Vec<ed25519::PublicKey> {
        self.full_nodes.iter().map(|k| k.public_key().0).collect()
    }

    /// Every node's identity: the validators, then the full nodes (full node `j` is node
    /// `n + j`, the index [Validator::index] gives it).
    pub fn all_nodes(&self) -> Vec<ed25519::PublicKey> {
        let mut all = self.participants();
        all.extend(self.full_node_keys());
        all
    }

    /// Every validator's identity.
    pub fn participants(&self) -> Vec<ed25519::PublicKey> {
        self.keys.iter().map(|k| k.public_key().0).collect()
    }
}

/// The demo genesis (`crate::setup::demo_genesis_with_validators`) for the validators of
/// `keys`, with every account key derived from its name (the demo draws them from the operating
/// system, which would make every run's genesis, hence state, different).
pub fn genesis(keys: &[PrivateKey], dealt: &DkgOutput) -> Genesis {
    let validators: Vec<_> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.public_key(), format!("validator-{i}.sim:7000")))
        .collect();
    let (mut g, demo) =
        crate::setup::demo_genesis_with_validators(CHAIN_ID, GENESIS_TIME_MS, &validators, dealt)
            .expect("the sim's validator addresses are hostnames");
    let renamed: BTreeMap<_, _> = demo
        .iter()
        .map(|a| (a.key.public_key(), key(a.name).public_key()))
        .collect();
    let rename = |k: &aigov_types::PublicKey| renamed.get(k).cloned().expect("demo account");
    g.personnel = BoundedVec::truncating(
        g.personnel
            .iter()
            .cloned()
            .map(|mut p| {
                p.account = rename(&p.account);
                p
            })
            .collect(),
    );
    g.accounts = BoundedVec::truncating(
        g.accounts
            .iter()
            .cloned()
            .map(|mut a| {
                a.account = rename(&a.account);
                a
            })
            .collect(),
    );
    g.blocks_per_epoch = SIM_BLOCKS_PER_EPOCH;
    futures::executor::block_on(aigov_state::validate_genesis(&g)).expect("valid genesis");
    g
}

/// A link with `latency` ± `jitter` that delivers `delivered_percent` of the messages.
pub fn link(latency_ms: u64, jitter_ms: u64, delivered_percent: u64) -> Link {
    Link {
        latency: Duration::from_millis(latency_ms),
        jitter: Duration::from_millis(jitter_ms),
        success_rate: Probability::new(delivered_percent, 100).expect("percentage"),
    }
}

/// Starts the simulated network for `participants`, linking every ordered pair with a latency
/// drawn from 10–50 ms (by the runtime's generator), 5 ms of jitter, and a delivery rate of
/// `delivered_percent`.
pub async fn network(
    context: &Ctx,
    participants: &[ed25519::PublicKey],
    delivered_percent: u64,
) -> NetOracle {
    let oracle = empty_network(context, participants).await;
    // Latencies come from the runtime's generator, so they change with the seed.
    let mut rng = context.child("links");
    for a in participants {
        for b in participants {
            if a != b {
                let latency = rng.random_range(10..=50);
                oracle
                    .add_link(a.clone(), b.clone(), link(latency, 5, delivered_percent))
                    .await
                    .expect("link");
            }
        }
    }
    oracle
}

/// Starts the simulated network for `participants`, without any link yet.
pub async fn empty_network(context: &Ctx, participants: &[ed25519::PublicKey]) -> NetOracle {
    empty_network_with(context, participants, &[]).await
}

/// Starts the simulated network for `participants` (primary peers) and `full_nodes`
/// (secondary peers, as `run` tracks them), without any link yet.
pub async fn empty_network_with(
    context: &Ctx,
    participants: &[ed25519::PublicKey],
    full_nodes: &[ed25519::PublicKey],
) -> NetOracle {
    let (network, oracle) = Network::new_with_split_peers(
        context.child("network"),
        simulated::Config {
            max_size: engine::max_message_size(),
            // As `run` sizes it: the network panics on a larger set.
            max_peers_per_set: NZUsize!(
                3 * aigov_types::reshare::MAX_DKG_PARTICIPANTS.get() as usize + full_nodes.len()
            ),
            disconnect_on_block: true,
            // An epoch's set and the one before it, while nodes cross the boundary.
            tracked_peer_sets: NZUsize!(2),
        },
        participants.iter().cloned(),
        full_nodes.iter().cloned(),
    )
    .await;
    network.start();
    oracle
}

/// Removes every link to and from `who` (a crash, as the others see it).
pub async fn isolate(oracle: &NetOracle, participants: &[ed25519::PublicKey], who: usize) {
    for (i, p) in participants.iter().enumerate() {
        if i != who {
            oracle
                .remove_link(participants[who].clone(), p.clone())
                .await
                .expect("remove link");
            oracle
                .remove_link(p.clone(), participants[who].clone())
                .await
                .expect("remove link");
        }
    }
}

/// Links `who` to every other participant again.
pub async fn reconnect(oracle: &NetOracle, participants: &[ed25519::PublicKey], who: usize) {
    for (i, p) in participants.iter().enumerate() {
        if i != who {
            oracle
                .add_link(participants[who].clone(), p.clone(), link(30, 5, 100))
                .await
                .expect("link");
            oracle
                .add_link(p.clone(), participants[who].clone(), link(30, 5, 100))
                .await
                .expect("link");
        }
    }
}

/// A running validator, or a full node (then `index` is `n + j` for full node `j` of `n`
/// validators).
pub struct Validator {
    /// Its index.
    pub index: usize,
    /// The engine's handles.
    pub engine: engine::Engine<Ctx>,
    /// The API's view of it.
    pub node: Node<Ctx>,
    /// The task every one of its tasks descends from: aborting it stops the validator at once,
    /// mid-write if it was writing (an abrupt stop; what was written stays in storage).
    pub supervisor: Handle<()>,
}

impl Validator {
    /// Stops the validator abruptly: every task it runs is aborted where it stands.
    pub fn kill(self) {
        self.supervisor.abort();
    }
}

/// A simulated p2p sender.
pub type SimSender = simulated::Sender<ed25519::PublicKey, Ctx>;
/// A simulated p2p receiver.
pub type SimReceiver = simulated::Receiver<ed25519::PublicKey>;
/// A validator's channels on the simulated network.
pub type SimChannels = Channels<SimSender, SimReceiver>;

/// The p2p channels of `who`, registered on the simulated network.
pub async fn register_channels(
    oracle: &NetOracle,
    who: &ed25519::PublicKey,
) -> Result<SimChannels, String> {
    let control = oracle.control(who.clone());
    let quota = Quota::per_second(NZU32!(1024));
    let mut registered = Vec::new();
    for ch in CHANNELS {
        registered.push(
            control
                .register(ch, quota)
                .await
                .map_err(|e| format!("registering channel {ch}: {e}"))?,
        );
    }
    let mut registered = registered.into_iter();
    let mut next = || registered.next().ok_or("a channel per id");
    Ok(Channels {
        votes: next()?,
        certs: next()?,
        resolver: next()?,
        backfill: next()?,
        broadcast: next()?,
        state_sync: next()?,
        txs: next()?,
        dkg: next()?,
    })
}

/// The engine configuration of validator `i` of `setup`, its storage under `v{i}`.
pub fn engine_config(setup: &Setup, i: usize) -> EngineConfig {
    let me = setup.keys[i].public_key().0;
    EngineConfig {
        prefix: format!("v{i}"),
        signer: setup.keys[i].inner().clone(),
        participants: setup.participants(),
        polynomial: setup.polynomial.clone(),
        share: Some(setup.shares[&me].clone()),
        genesis: setup.genesis.clone(),
        timing: TIMING,
        leader_timeout: LEADER_TIMEOUT,
        full_nodes: full_node_directory(setup),
    }
}

/// The full nodes of `setup` with made-up addresses (the simulated network routes by key).
pub fn full_node_directory(setup: &Setup) -> Map<ed25519::PublicKey, Address> {
    Map::from_iter_dedup(
        setup
            .full_node_keys()
            .into_iter()
            .enumerate()
            .map(|(j, k)| {
                let port = 8000 + u16::try_from(j).unwrap_or(0);
                (k, Address::from(SocketAddr::from(([127, 0, 0, 1], port))))
            }),
    )
}

/// Starts validator `i` of `setup` on the simulated network, its storage under `v{i}` (a
/// restart opens the same storage). `tamper` makes it a Byzantine leader.
pub async fn try_start_validator(
    context: &Ctx,
    oracle: &NetOracle,
    setup: &Setup,
    i: usize,
    tamper: Option<crate::app::Tamper>,
) -> Result<Validator, String> {
    let me = setup.keys[i].public_key().0;
    let channels = register_channels(oracle, &me).await?;
    start_on(context, oracle, setup, i, channels, tamper).await
}

/// The engine configuration of full node `j` of `setup`: no share, storage under `f{j}`.
pub fn full_node_config(setup: &Setup, j: usize) -> EngineConfig {
    EngineConfig {
        prefix: format!("f{j}"),
        signer: setup.full_nodes[j].inner().clone(),
        share: None,
        ..engine_config(setup, 0)
    }
}

/// Starts full node `j` of `setup` on the simulated network (registered as a secondary peer by
/// [empty_network_with]), its storage under `f{j}`. Its [Validator::index] is `n + j`.
pub async fn try_start_full_node(
    context: &Ctx,
    oracle: &NetOracle,
    setup: &Setup,
    j: usize,
) -> Result<Validator, String> {
    let key = setup.full_nodes[j].clone();
    let channels = register_channels(oracle, &key.public_key().0).await?;
    let cfg = full_node_config(setup, j);
    start_engine(
        context,
        oracle,
        setup,
        setup.keys.len() + j,
        key,
        cfg,
        channels,
        None,
    )
    .await
}

/// Starts validator `i` of `setup` on `channels` (already registered for it).
pub async fn start_on(
    context: &Ctx,
    oracle: &NetOracle,
    setup: &Setup,
    i: usize,
    channels: SimChannels,
    tamper: Option<crate::app::Tamper>,
) -> Result<Validator, String> {
    let cfg = engine_config(setup, i);
    let key = setup.keys[i].clone();
    start_engine(context, oracle, setup, i, key, cfg, channels, tamper).await
}

/// Starts node `i` (identity `key`) with `cfg` on `channels`, under its own supervising task.
#[allow(clippy::too_many_arguments)]
async fn start_engine(
    context: &Ctx,
    oracle: &NetOracle,
    setup: &Setup,
    i: usize,
    key: PrivateKey,
    cfg: EngineConfig,
    channels: SimChannels,
    tamper: Option<crate::app::Tamper>,
) -> Result<Validator, String> {
    let me = key.public_key().0;
    let control = oracle.control(me);
    // Addressable, as the reshare actor's DKG manager needs (the addresses are ignored here).
    let manager = oracle.socket_manager();
    let (started, on_start) = futures::channel::oneshot::channel();
    // Every task of the engine is spawned from this task's context, so they all descend from it
    // and abort with it. It idles until then.
    let supervisor =
        context
            .child("validator")
            .with_attribute("index", i)
            .spawn(move |ctx| async move {
                let engine = match tamper {
                    None => {
                        engine::start(ctx.child("engine"), cfg, channels, manager, control).await
                    }
                    Some(t) => {
                        engine::start_tampered(
                            ctx.child("engine"),
                            cfg,
                            channels,
                            manager,
                            control,
                            t,
                        )
                        .await
                    }
                };
                let _ = started.send(engine);
                futures::future::pending::<()>().await;
            });
    let engine = on_start
        .await
        .map_err(|_| format!("node {i} stopped while starting"))??;
    let node = Node::new(
        &engine,
        setup.genesis.clone(),
        key,
        crate::setup::group_key_hex(&setup.polynomial),
        Box::new(String::new),
    );
    Ok(Validator {
        index: i,
        engine,
        node,
        supervisor,
    })
}

/// Starts validator `i` of `setup` on the simulated network, its storage under `v{i}`.
///
/// # Panics
/// If the engine does not start.
pub async fn start_validator(
    context: &Ctx,
    oracle: &NetOracle,
    setup: &Setup,
    i: usize,
) -> Validator {
    try_start_validator(context, oracle, setup, i, None)
        .await
        .expect("engine starts")
}

/// Starts a network of reliable links and validators `which` of `setup`.
pub async fn start_all(
    context: &Ctx,
    setup: &Setup,
    which: impl IntoIterator<Item = usize>,
) -> (NetOracle, Vec<Validator>) {
    start_lossy(context, setup, which, 100).await
}

/// Starts a network whose links deliver `delivered_percent` of the messages, and validators
/// `which` of `setup`.
pub async fn start_lossy(
    context: &Ctx,
    setup: &Setup,
    which: impl IntoIterator<Item = usize>,
    delivered_percent: u64,
) -> (NetOracle, Vec<Validator>) {
    let oracle = network(context, &setup.participants(), delivered_percent).await;
    let mut validators = Vec::new();
    for i in which {
        validators.push(start_validator(context, &oracle, setup, i).await);
    }
    watch_tips(context, &validators);
    (oracle, validators)
}

/// Watches every validator's finalized tip (every millisecond of simulated time) and panics,
/// failing the test, if one ever goes back or changes its state root at the same height.
pub fn watch_tips(context: &Ctx, validators: &[Validator]) {
    for v in validators {
        let index = v.engine.index.clone();
        let i = v.index;
        context.child("watch").spawn(move |context| async move {
            let mut last = index.tip();
            loop {
                context.sleep(Duration::from_millis(1)).await;
                let tip = index.tip();
                assert!(
                    tip.height >= last.height,
                    "validator {i}: finalized tip went back from {} to {}",
                    last.height,
                    tip.height
                );
                if tip.height == last.height {
                    assert_eq!(
                        tip.state_root, last.state_root,
                        "validator {i}: root changed"
                    );
                }
                last = tip;
            }
        });
    }
}

/// Polls `done` every 20 ms of simulated time until it holds. The runner's timeout bounds it.
pub async fn wait_until<F, Fut>(context: &Ctx, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    while !done().await {
        context.sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until every validator's finalized tip is at least `height`.
pub async fn wait_height(context: &Ctx, validators: &[Validator], height: u64) {
    wait_until(context, || async {
        validators
            .iter()
            .all(|v| v.engine.index.tip().height >= height)
    })
    .await;
}

/// A signed, encoded personnel registration from a fresh key named `name` (sponsored by the
/// pool, so the sender needs no account).
pub fn registration(name: &str, nonce: u64) -> (Vec<u8>, TxHash) {
    let call = Call::Personnel(PersonnelCall::Register(RegisterPersonnel {
        member: Slug::new("fr").expect("slug"),
        organisation: None,
        roles: Roles::from_roles(&[Role::Safety]),
        tier: 2,
        name: BoundedString::new(name).expect("name"),
        credential: Hash::digest(&[b"credential/", name.as_bytes()]),
    }));
    signed(name, nonce, call)
}

/// `call` sent by the key named `name` ([key]; the demo personnel's accounts are keyed so
/// by [genesis]) with `nonce`: the signed encoding and its hash.
pub fn signed(name: &str, nonce: u64, call: Call) -> (Vec<u8>, TxHash) {
    let k = key(name);
    let tx = Tx {
        chain_id: Slug::new(CHAIN_ID).expect("slug"),
        sender: k.public_key(),
        nonce,
        gas_limit: GAS_LIMIT,
        call,
    };
    let hash = tx.hash();
    (tx.sign(&k).encode().to_vec(), hash)
}

/// Submits `tx` to `v`'s node the way the API does; panics if it is refused.
pub async fn submit(v: &Validator, tx: Vec<u8>) -> TxHash {
    v.node
        .submit(tx)
        .await
        .unwrap_or_else(|e| panic!("validator {} refused a transaction: {e:?}", v.index))
}

/// The receipt of `hash` in `v`'s finalized state.
pub async fn receipt(v: &Validator, hash: &TxHash) -> Option<Receipt> {
    aigov_state::log::receipt(&FinalizedReader::Shared(v.engine.dbs.clone()), hash)
        .await
        .expect("read receipt")
}

/// Waits until every one of `hashes` has a receipt in `v`'s finalized state.
pub async fn wait_receipts(context: &Ctx, v: &Validator, hashes: &[TxHash]) -> Vec<Receipt> {
    wait_until(context, || async {
        for h in hashes {
            if receipt(v, h).await.is_none() {
                return false;
            }
        }
        true
    })
    .await;
    let mut out = Vec::new();
    for h in hashes {
        out.push(receipt(v, h).await.expect("receipt"));
    }
    out
}

/// The finalized block at `height` from `v`'s marshal.
pub async fn block(v: &Validator, height: u64) -> Option<Block> {
    v.engine
        .marshal
        .get_block(Height::new(height))
        .await
        .map(|b| b.inner().clone())
}

/// The height and state root of `v`'s committed state, read under one lock.
pub async fn committed(dbs: &Dbs<Ctx>) -> (u64, Digest) {
    let db = dbs.read().await;
    let height = match db
        .get(&state_key(&aigov_state::chain::keys::height()))
        .await
        .expect("read height")
    {
        Some(v) => aigov_types::codec::decode_slice::<u64>(v.as_slice()).expect("height"),
        None => 0,
    };
    (height, db.root())
}

/// Checks `v`'s finalized chain from height 1 to `to`: every block is stored and links to its
/// parent, and every finalization certificate stored for these heights certifies its block
/// and verifies against the group key alone (as a light client checks it); at least one must
/// exist (a block finalized only as an ancestor of a later one has none of its own). Returns
/// the block digests, height 1 first.
pub async fn check_chain(v: &Validator, setup: &Setup, to: u64) -> Vec<Digest> {
    let verifier = Scheme::certificate_verifier(CONSENSUS_NAMESPACE, *setup.polynomial.public());
    let mut rng = rand::rngs::StdRng::seed_from_u64(to);
    let mut digests = Vec::new();
    let mut parent: Option<Digest> = None;
    let mut certified = 0;
    for h in 1..=to {
        let b = block(v, h)
            .await
            .unwrap_or_else(|| panic!("validator {} has no block at {h}", v.index));
        assert_eq!(b.header.height.get(), h);
        if let Some(p) = parent {
            assert_eq!(
                b.header.parent,
                p,
                "block {h} does not extend block {}",
                h - 1
            );
        }
        parent = Some(b.digest());
        digests.push(b.digest());
        if let Some(f) = v.engine.marshal.get_finalization(Height::new(h)).await {
            assert_eq!(
                f.proposal.payload,
                b.digest(),
                "finalization certifies block {h}"
            );
            assert!(
                f.verify(&mut rng, &verifier, &Sequential),
                "finalization of block {h} verifies against the group key"
            );
            certified += 1;
        }
    }
    assert!(
        certified > 0,
        "validator {} stores no finalization up to {to}",
        v.index
    );
    digests
}
