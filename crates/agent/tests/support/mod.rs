//! A real chain in the test process: one validator (`aigov_chain::run::run`, the node `aigov
//! dev` runs) on a fresh demo genesis whose Review votes take seconds, its API on loopback.
//! The compute path is then set up through real transactions ([aigov_agent::provision]):
//! devices registered, inspected, approved by a vote, a workload with one run per device, so
//! the drip issues real permits with real light-client proofs.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aigov_agent::provision::{ProvisionOptions, Provisioned, Signers, provision};
use aigov_chain::app::Timing;
use aigov_chain::run::{RunConfig, run};
use aigov_chain::setup;
use aigov_client::{Client, GroupIdentity};
use aigov_types::codec::{BoundedVec, Slug};
use aigov_types::genesis::GenesisAccount;
use aigov_types::{PrivateKey, PublicKey};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A running chain and the keys of its demo accounts.
pub struct Chain {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    /// The trusted group key.
    pub identity: GroupIdentity,
    /// Demo keys by name (`alice`, …, `device-1`) plus `dev-a`, `dev-b`, `dev-c`, `dev-good`,
    /// `dev-bad`.
    pub keys: BTreeMap<String, PrivateKey>,
    /// A folder for the tests' files.
    pub dir: PathBuf,
}

impl Chain {
    /// A client of the node.
    pub fn client(&self) -> Client {
        Client::with_timeout(&self.url, Duration::from_secs(20))
    }

    /// A demo key.
    pub fn key(&self, name: &str) -> PrivateKey {
        self.keys
            .get(name)
            .unwrap_or_else(|| panic!("no key {name}"))
            .clone()
    }

    /// A fresh file path in the test folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

fn slug(s: &str) -> Slug {
    Slug::new(s).unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the node (once per test binary) and waits for height 1.
pub fn chain() -> &'static Chain {
    static CHAIN: OnceLock<Chain> = OnceLock::new();
    CHAIN.get_or_init(start)
}

fn start() -> Chain {
    let dir = std::env::temp_dir().join(format!("aigov-agent-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let validator = PrivateKey::generate();
    let dealt = setup::deal(&[validator.public_key()]).unwrap();
    let share = dealt.shares.values().next().unwrap().clone();
    let now_ms = aigov_agent::device::now_ms();
    let (mut genesis, accounts) = setup::demo_genesis(
        "aigov-agent-test",
        now_ms,
        &validator.public_key(),
        "127.0.0.1:0",
        &dealt.output,
    )
    .unwrap();
    // Votes in seconds: open at once, close after 3 s, execute right after (Review for the
    // approvals, Safety and System for the integrity test's template and parameters).
    for r in [
        &mut genesis.governance.review,
        &mut genesis.governance.safety,
        &mut genesis.governance.system,
    ] {
        r.voting_delay_ms = 0;
        r.voting_period_ms = 3_000;
        r.confirm_period_ms = 0;
        r.enactment_delay_ms = 0;
        r.late_quorum_extension_ms = 0;
        r.max_extensions = 0;
    }
    let mut keys: BTreeMap<String, PrivateKey> = accounts
        .into_iter()
        .map(|a| (a.name.to_string(), a.key))
        .collect();
    // Devices of the simulation tests (funded by provisioning) and an unregistered one.
    let mut funded = genesis.accounts.as_slice().to_vec();
    for name in ["dev-a", "dev-b", "dev-c", "dev-good", "dev-bad"] {
        let k = PrivateKey::generate();
        funded.push(GenesisAccount {
            account: k.public_key(),
            gas: 10_000_000,
        });
        keys.insert(name.to_string(), k);
    }
    genesis.accounts = BoundedVec::new(funded).unwrap();
    let identity = GroupIdentity::from_genesis(&genesis).unwrap();
    let api_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let api = api_listener.local_addr().unwrap();
    let p2p = std::net::SocketAddr::from(([127, 0, 0, 1], free_port()));
    let cfg = RunConfig {
        storage_dir: dir.join("db"),
        peers: vec![(validator.public_key(), p2p)],
        genesis,
        polynomial: dealt.polynomial().clone(),
        signer: validator,
        share: Some(share),
        full_nodes: Vec::new(),
        p2p_listen: p2p,
        api_listener,
        timing: Timing {
            min_block: Duration::from_millis(20),
            idle_block: Duration::from_millis(200),
            ..Timing::default()
        },
        worker_threads: 2,
        on_ready: Box::new(|_| {}),
    };
    // The runtime drives the node's root future on this thread: give it a main-thread-sized
    // stack (spawned threads get 2 MiB, too little in debug builds).
    std::thread::Builder::new()
        .name("test-node".into())
        .stack_size(64 << 20)
        .spawn(move || {
            if let Err(e) = run(cfg) {
                eprintln!("the test node stopped: {e}");
            }
        })
        .unwrap();
    let url = format!("http://{api}");
    let client = Client::with_timeout(&url, Duration::from_secs(2));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(h) = client.health()
            && h.height >= 1
        {
            break;
        }
        assert!(Instant::now() < deadline, "the test node did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    Chain {
        url,
        identity,
        keys,
        dir,
    }
}

/// The demo chain's signers for [provision].
pub fn signers(c: &Chain) -> Signers {
    Signers {
        operator_staff: c.key("hiro"),
        operator: slug("nordic-compute"),
        inspector: c.key("erin"),
        inspection_members: vec![slug("de"), slug("eu")],
        proposer: c.key("alice"),
        voters: vec![c.key("alice"), c.key("bob"), c.key("carol")],
        lab_staff: c.key("lena"),
        lab: slug("frontier-lab"),
        treasury: None,
    }
}

/// What the tests share: `device-1`, `dev-a` and `dev-b` provisioned with one run each
/// (once per test binary), and the proofs of `device-1`'s first two permits, fetched before
/// any test uses them.
pub struct Fixture {
    /// The chain.
    pub chain: &'static Chain,
    /// What provisioning created.
    pub provisioned: Provisioned,
    /// `device-1`'s permits of seq 1 and 2, as issued.
    pub permits: Vec<aigov_types::otk::OtkPermit>,
    /// Their proofs, in the same order.
    pub proofs: Vec<aigov_types::proof::StateProof>,
}

/// The shared fixture.
pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let c = chain();
        let devices = [c.key("device-1"), c.key("dev-a"), c.key("dev-b")];
        let provisioned = provision(
            &c.client(),
            &signers(c),
            &devices,
            &ProvisionOptions::default(),
            |s| eprintln!("provisioning: {s}"),
        )
        .unwrap();
        let mut permits = wait_permits(
            c,
            &c.key("device-1").public_key(),
            2,
            aigov_types::otk::PermitStatus::Issued,
        );
        permits.sort_by_key(|p| p.seq);
        let proofs = permits
            .iter()
            .map(|p| c.client().permit(p.otk_id, true).unwrap().proof.unwrap())
            .collect();
        Fixture {
            chain: c,
            provisioned,
            permits,
            proofs,
        }
    })
}

/// Waits until `device` holds at least `n` permits with `status`.
pub fn wait_permits(
    c: &Chain,
    device: &PublicKey,
    n: usize,
    status: aigov_types::otk::PermitStatus,
) -> Vec<aigov_types::otk::OtkPermit> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let l = c.client().device_permits(device, 32).unwrap();
        let ps: Vec<_> = l
            .permits
            .into_iter()
            .filter(|p| p.status == status)
            .collect();
        if ps.len() >= n {
            return ps;
        }
        assert!(
            Instant::now() < deadline,
            "device {device} has {} permits {status:?}, expected {n}",
            ps.len()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
