//! A real backend for the API tests: a `MemStore` advanced by `execute_block` over real signed
//! transactions, a mempool admitting with `SignedTx::decode_and_verify` + `admit`, RFC 6962
//! leaves of every event, and a broadcast of new events. Proofs are `None` (the node builds
//! them); everything else is what the node does.

use aigov_api::{Backend, BackendError, MempoolStatus, ProvenValue};
use aigov_state::app::Pending;
use aigov_state::{MemStore, Mode, admit, execute_block};
use aigov_types::api::{BlockHeaderJson, BlockResponse, CheckpointResponse, Health};
use aigov_types::codec::{BoundedBytes, BoundedString, BoundedVec, Encode};
use aigov_types::event::EventRecord;
use aigov_types::genesis::{GenesisAccount, GenesisPersonnel, Params};
use aigov_types::personnel::{
    Member, Organisation, OrganisationKind, PersonnelCall, RegisterPersonnel, Role, Roles,
};
use aigov_types::receipt::GasPayer;
use aigov_types::tx::MAX_TX_BYTES;
use aigov_types::{Call, Genesis, Hash, PrivateKey, PublicKey, SignedTx, Slug, Tx, TxHash};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde::de::DeserializeOwned;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::broadcast;
use tower::ServiceExt as _;

pub const CHAIN_ID: &str = "aigov-test";
pub const GENESIS_TIME_MS: u64 = 1_700_000_000_000;
pub const BLOCK_TIME_MS: u64 = 1_000;
pub const ALICE_GAS: u64 = 1_000_000;
pub const POOL_GAS: u64 = 10_000_000;
/// The treasury's genesis supply.
pub const TREASURY_SUPPLY: u64 = 50_000_000;

pub fn slug(s: &str) -> Slug {
    Slug::new(s).unwrap()
}

/// A deterministic key per name.
pub fn key(name: &str) -> PrivateKey {
    PrivateKey::from_seed_bytes(Hash::digest(&[name.as_bytes()]).0)
}

pub fn pk(name: &str) -> PublicKey {
    key(name).public_key()
}

/// Members `fr` (seats at tiers 1-3) and `de`, organisation `lab-one` under `fr`, Active
/// genesis person `alice` (tier 1 policy, with gas), and a funded pool.
pub fn genesis() -> Genesis {
    let member = |id: &str, name: &str, seats: Vec<u16>| Member {
        id: slug(id),
        name: BoundedString::new(name).unwrap(),
        seats_per_tier: BoundedVec::new(seats).unwrap(),
    };
    Genesis {
        chain_id: slug(CHAIN_ID),
        genesis_time_ms: GENESIS_TIME_MS,
        params: Params::default(),
        governance: Default::default(),
        members: BoundedVec::new(vec![
            member("fr", "France", vec![2, 3, 5]),
            member("de", "Germany", vec![1, 1]),
        ])
        .unwrap(),
        organisations: BoundedVec::new(vec![Organisation {
            id: slug("lab-one"),
            name: BoundedString::new("Lab One").unwrap(),
            member: slug("fr"),
            kind: OrganisationKind::Lab,
        }])
        .unwrap(),
        personnel: BoundedVec::new(vec![GenesisPersonnel {
            account: pk("alice"),
            member: slug("fr"),
            organisation: None,
            roles: Roles::from_roles(&[Role::Policy]),
            tier: 1,
            name: BoundedString::new("Alice").unwrap(),
        }])
        .unwrap(),
        accounts: BoundedVec::new(vec![GenesisAccount {
            account: pk("alice"),
            gas: ALICE_GAS,
        }])
        .unwrap(),
        pool_gas: POOL_GAS,
        economy: Default::default(),
        treasury_supply: TREASURY_SUPPLY,
        validators: BoundedVec::new(Vec::new()).unwrap(),
        group_polynomial: BoundedBytes::default(),
        blocks_per_epoch: 600,
        epoch0: BoundedBytes::default(),
        whistleblower_key: None,
    }
}

/// [genesis] with a second voter for governance: `bob` (de, tier 1, policy), and fast
/// governance rules: every class votes for 3 s after a 2 s delay, with no confirm period, a
/// 1 s timelock and two approving members (so alice and bob together pass a proposal).
pub fn gov_genesis() -> Genesis {
    use aigov_types::governance::{ClassParams, GovernanceParams};
    let mut g = genesis();
    let mut personnel = g.personnel.as_slice().to_vec();
    personnel.push(GenesisPersonnel {
        account: pk("bob"),
        member: slug("de"),
        organisation: None,
        roles: Roles::from_roles(&[Role::Policy]),
        tier: 1,
        name: BoundedString::new("Bob").unwrap(),
    });
    g.personnel = BoundedVec::new(personnel).unwrap();
    let fast = |c: ClassParams| ClassParams {
        voting_delay_ms: 2 * BLOCK_TIME_MS,
        voting_period_ms: 3 * BLOCK_TIME_MS,
        min_approving_members: 2,
        veto_members: 2,
        enactment_delay_ms: BLOCK_TIME_MS,
        late_quorum_extension_ms: 0,
        confirm_period_ms: 0,
        ..c
    };
    let d = GovernanceParams::default();
    g.governance = GovernanceParams {
        safety: fast(d.safety.clone()),
        review: fast(d.review.clone()),
        system: fast(d.system.clone()),
        emergency: fast(d.emergency.clone()),
        ..d
    };
    g
}

/// Signed bytes of `call` from `who` with `nonce`.
pub fn signed(who: &PrivateKey, nonce: u64, call: Call) -> Vec<u8> {
    Tx {
        chain_id: slug(CHAIN_ID),
        sender: who.public_key(),
        nonce,
        gas_limit: 100_000,
        call,
    }
    .sign(who)
    .encode()
    .to_vec()
}

/// An unsigned `personnel.register` for `member`.
pub fn register_tx(who: &PrivateKey, nonce: u64, member: &str) -> Tx {
    Tx {
        chain_id: slug(CHAIN_ID),
        sender: who.public_key(),
        nonce,
        gas_limit: 100_000,
        call: Call::Personnel(PersonnelCall::Register(RegisterPersonnel {
            member: slug(member),
            organisation: None,
            roles: Roles::from_roles(&[Role::Safety]),
            tier: 2,
            name: BoundedString::new("Applicant").unwrap(),
            credential: Hash::digest(&[b"credential"]),
        })),
    }
}

/// Signed `personnel.register` bytes.
pub fn register(who: &PrivateKey, nonce: u64, member: &str) -> Vec<u8> {
    register_tx(who, nonce, member).sign(who).encode().to_vec()
}

/// The hash of signed transaction bytes.
pub fn hash_of(raw: &[u8]) -> Hash {
    SignedTx::decode_and_verify(raw).unwrap().hash()
}

struct PendingTx {
    hash: TxHash,
    sender: PublicKey,
    /// What it costs the sender's own credits (0 when the pool pays).
    own_cost: u64,
    /// What it costs the pool (0 when the sender pays).
    pool_cost: u64,
    raw: Bytes,
}

struct Chain {
    store: MemStore,
    height: u64,
    time_ms: u64,
    mempool: Vec<PendingTx>,
    blocks: Vec<BlockResponse>,
    leaves: Vec<Hash>,
    /// Event indices never broadcast (to simulate a lost broadcast).
    unannounced: BTreeSet<u64>,
}

struct Inner {
    genesis: Genesis,
    chain: Mutex<Chain>,
    events: broadcast::Sender<EventRecord>,
    mempool_max: usize,
}

/// The test node.
#[derive(Clone)]
pub struct TestBackend(Arc<Inner>);

impl TestBackend {
    /// A node that has executed block 1 (genesis), with a broadcast of `capacity` events.
    pub async fn with_capacity(capacity: usize) -> Self {
        Self::with_genesis_and_capacity(genesis(), capacity).await
    }

    /// A node on `genesis` that has executed block 1.
    pub async fn with_genesis(genesis: Genesis) -> Self {
        Self::with_genesis_and_capacity(genesis, 1024).await
    }

    async fn with_genesis_and_capacity(genesis: Genesis, capacity: usize) -> Self {
        let (events, _) = broadcast::channel(capacity);
        let b = Self(Arc::new(Inner {
            genesis,
            chain: Mutex::new(Chain {
                store: MemStore::default(),
                height: 0,
                time_ms: GENESIS_TIME_MS,
                mempool: Vec::new(),
                blocks: Vec::new(),
                leaves: Vec::new(),
                unannounced: BTreeSet::new(),
            }),
            events,
            mempool_max: 8,
        }));
        b.produce_block().await;
        b
    }

    pub async fn started() -> Self {
        Self::with_capacity(1024).await
    }

    fn chain(&self) -> std::sync::MutexGuard<'_, Chain> {
        self.0.chain.lock().unwrap()
    }

    pub fn height(&self) -> u64 {
        self.chain().height
    }

    pub fn log_size(&self) -> u64 {
        self.chain().leaves.len() as u64
    }

    pub fn mempool_len(&self) -> usize {
        self.chain().mempool.len()
    }

    /// The event at `index` will not be broadcast.
    pub fn suppress_broadcast(&self, index: u64) {
        self.chain().unannounced.insert(index);
    }

    /// Executes the mempool as the next block (proposer mode), commits it, then broadcasts its
    /// events. Returns the events.
    pub async fn produce_block(&self) -> Vec<EventRecord> {
        let (store, height, time_ms, pending) = {
            let mut c = self.chain();
            let pending = std::mem::take(&mut c.mempool);
            (
                c.store.clone(),
                c.height + 1,
                c.time_ms + BLOCK_TIME_MS,
                pending,
            )
        };
        let txs: Vec<Bytes> = pending.iter().map(|p| p.raw.clone()).collect();
        let ctx = aigov_state::BlockContext::unseeded(height, time_ms);
        let out = execute_block(&store, &self.0.genesis, ctx, &txs, Mode::Propose)
            .await
            .unwrap();
        let mut announce = Vec::new();
        {
            let mut c = self.chain();
            c.store.apply(&out.writes);
            c.height = height;
            c.time_ms = time_ms;
            for e in &out.events {
                let leaf = aigov_types::log::leaf_hash(&e.encode());
                c.leaves.push(leaf);
                if !c.unannounced.contains(&e.index) {
                    announce.push(e.clone());
                }
            }
            let digest = Hash::digest(&[b"block", &height.to_be_bytes()]);
            let parent = c.blocks.last().map(|b| b.header.digest).unwrap_or_default();
            let tx_hashes: Vec<Hash> = out.receipts.iter().map(|r| r.hash).collect();
            c.blocks.push(BlockResponse {
                header: BlockHeaderJson {
                    height,
                    digest,
                    parent,
                    time_ms,
                    epoch: 0,
                    view: height,
                    proposer: "00".repeat(32),
                    txs_root: aigov_types::block::txs_root(&txs),
                    tx_count: tx_hashes.len() as u32,
                    state_root: Hash::digest(&[b"state", &height.to_be_bytes()]),
                    seed: None,
                    randomness: Hash::default(),
                },
                header_hex: String::new(),
                txs: tx_hashes,
                finalization: None,
            });
        }
        for e in announce {
            let _ = self.0.events.send(e);
        }
        out.events
    }

    /// Submits through the backend directly and produces a block.
    pub async fn execute(&self, raws: &[Vec<u8>]) -> Vec<EventRecord> {
        for raw in raws {
            self.submit(raw.clone()).await.unwrap();
        }
        self.produce_block().await
    }
}

fn rejected(code: &'static str, message: impl ToString) -> BackendError {
    BackendError::Rejected {
        code,
        message: message.to_string(),
    }
}

impl Backend for TestBackend {
    type Reader = MemStore;

    async fn submit(&self, tx: Vec<u8>) -> Result<TxHash, BackendError> {
        let stx = SignedTx::decode_and_verify(&tx).map_err(|e| rejected(e.code(), &e))?;
        let hash = stx.hash();
        let (store, pending) = {
            let c = self.chain();
            if c.mempool.iter().any(|p| p.hash == hash) {
                let e = aigov_state::AdmissionError::Duplicate(hash);
                return Err(rejected(e.code(), &e));
            }
            if c.mempool.len() >= self.0.mempool_max {
                let e = aigov_state::AdmissionError::MempoolFull(c.mempool.len());
                return Err(rejected(e.code(), &e));
            }
            let mine = c.mempool.iter().filter(|p| p.sender == stx.tx.sender);
            let pending = mine.fold(Pending::default(), |acc, p| Pending {
                count: acc.count + 1,
                cost: acc.cost + p.own_cost,
                sponsored: acc.sponsored + p.pool_cost,
            });
            (c.store.clone(), pending)
        };
        let now = aigov_state::chain::time_ms(&store)
            .await
            .map_err(|e| BackendError::Internal(e.to_string()))?;
        let rules = aigov_state::app::Rules::load(&store, now)
            .await
            .map_err(|e| BackendError::Internal(e.to_string()))?;
        let charge = admit(
            &store,
            &self.0.genesis.chain_id,
            &rules,
            &stx,
            tx.len(),
            pending,
        )
        .await
        .map_err(|e| BackendError::Internal(e.to_string()))?
        .map_err(|e| rejected(e.code(), &e))?;
        assert!(tx.len() <= MAX_TX_BYTES);
        self.chain().mempool.push(PendingTx {
            hash,
            sender: stx.tx.sender.clone(),
            own_cost: if charge.payer == GasPayer::Sender {
                charge.credits
            } else {
                0
            },
            pool_cost: if charge.payer == GasPayer::Pool {
                charge.credits
            } else {
                0
            },
            raw: Bytes::from(tx),
        });
        Ok(hash)
    }

    fn mempool_status(&self, hash: &TxHash) -> MempoolStatus {
        if self.chain().mempool.iter().any(|p| p.hash == *hash) {
            MempoolStatus::Pending
        } else {
            MempoolStatus::Absent
        }
    }

    async fn reader(&self) -> Result<MemStore, BackendError> {
        Ok(self.chain().store.clone())
    }

    async fn read(&self, key: Vec<u8>, _prove: bool) -> Result<ProvenValue, BackendError> {
        let c = self.chain();
        Ok(ProvenValue {
            height: c.height,
            value: c.store.entries.get(&key).cloned(),
            proof: None,
        })
    }

    async fn block(&self, height: Option<u64>) -> Result<BlockResponse, BackendError> {
        let c = self.chain();
        let found = match height {
            None => c.blocks.last(),
            Some(h) => c.blocks.iter().find(|b| b.header.height == h),
        };
        found
            .cloned()
            .ok_or_else(|| BackendError::NotFound(format!("no finalized block at {height:?}")))
    }

    async fn log_leaves(&self, size: u64) -> Result<Vec<Hash>, BackendError> {
        let c = self.chain();
        c.leaves
            .get(..size as usize)
            .map(<[Hash]>::to_vec)
            .ok_or_else(|| BackendError::Internal(format!("log has {} leaves", c.leaves.len())))
    }

    async fn checkpoint(&self) -> Result<CheckpointResponse, BackendError> {
        let c = self.chain();
        let root = aigov_types::log::root(&c.leaves);
        let size = c.leaves.len() as u64;
        Ok(CheckpointResponse {
            size,
            root,
            height: c.height,
            note: format!(
                "{}\n— test AAAA\n",
                aigov_types::log::checkpoint_body(CHAIN_ID, size, &root)
            ),
        })
    }

    fn subscribe(&self) -> broadcast::Receiver<EventRecord> {
        self.0.events.subscribe()
    }

    fn health(&self) -> Health {
        let c = self.chain();
        Health {
            status: "ok".into(),
            chain_id: CHAIN_ID.into(),
            height: c.height,
            mempool: c.mempool.len(),
            group_key: "00".into(),
            version: "test".into(),
        }
    }

    fn metrics(&self) -> String {
        format!(
            "# TYPE aigov_node_height gauge\naigov_node_height {}",
            self.height()
        )
    }
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{e}: {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn value(&self) -> serde_json::Value {
        self.json()
    }

    /// Asserts an `ErrorBody` with `status` and `code`; returns the message.
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> String {
        let body: aigov_types::api::ErrorBody = self.json();
        assert_eq!(
            (self.status.as_u16(), body.code.as_str()),
            (status, code),
            "{}",
            body.message
        );
        assert_eq!(
            self.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/json"
        );
        body.message
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request through the router (no socket).
pub async fn send(app: &Router, method: Method, uri: &str, body: Option<(&str, Vec<u8>)>) -> Reply {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match body {
        Some((content_type, bytes)) => {
            req = req.header(header::CONTENT_TYPE, content_type);
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    let response = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Method::GET, uri, None).await
}

/// `POST /v1/txs` with JSON `{"tx": hex}`.
pub async fn submit_json(app: &Router, raw: &[u8]) -> Reply {
    let body = serde_json::json!({ "tx": hex::encode(raw) }).to_string();
    send(
        app,
        Method::POST,
        "/v1/txs",
        Some(("application/json", body.into_bytes())),
    )
    .await
}

/// `POST /v1/txs` with the raw bytes.
pub async fn submit_raw(app: &Router, raw: &[u8]) -> Reply {
    send(
        app,
        Method::POST,
        "/v1/txs",
        Some(("application/octet-stream", raw.to_vec())),
    )
    .await
}

/// A server on 127.0.0.1:0 running `aigov_api::serve`.
pub struct Server {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Server {
    pub async fn start(backend: TestBackend) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(aigov_api::serve(backend, listener, async move {
            let _ = stopped.await;
        }));
        Self {
            addr,
            stop: Some(stop),
            handle: Some(handle),
        }
    }

    /// Requests shutdown and waits for `serve` to return.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let handle = self.handle.take().unwrap();
        tokio::time::timeout(std::time::Duration::from_secs(10), handle)
            .await
            .expect("serve did not stop within 10 s")
            .unwrap()
    }
}
