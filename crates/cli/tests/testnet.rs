//! Black-box test of a real network on loopback: `aigov testnet init --validators 4
//! --full-nodes 1`, then four validators and a full node as `aigov node run` processes over
//! authenticated p2p (`lookup`, the full node a secondary peer of the validators).
#![cfg(unix)]

#[allow(dead_code)]
mod common;

use aigov_client::Client;
use aigov_types::api::TxStatus;
use common::BIN;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a node may take to reach a height (debug build, five nodes on a shared machine).
const TIMEOUT: Duration = Duration::from_secs(180);

/// The network's processes, killed (SIGKILL) when dropped, and its folder, removed then.
struct Network {
    dir: PathBuf,
    api: Vec<SocketAddr>,
    children: Vec<Child>,
}

impl Drop for Network {
    fn drop(&mut self) {
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            eprintln!("node logs kept in {}", self.dir.display());
        }
    }
}

impl Network {
    /// Starts node `i` (0–3 validators, 4 the full node) from its folder's config.json.
    fn start(&mut self, i: usize) {
        let folder = if i < 4 {
            format!("node{i}")
        } else {
            "fullnode0".into()
        };
        let log = std::fs::File::create(self.dir.join(format!("{folder}.log"))).expect("log");
        let child = Command::new(BIN)
            .args(["node", "run", "--config"])
            .arg(self.dir.join(&folder).join("config.json"))
            .env("AIGOV_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("starting aigov node run");
        self.children.push(child);
    }

    fn client(&self, i: usize) -> Client {
        Client::with_timeout(format!("http://{}", self.api[i]), Duration::from_secs(5))
    }

    fn height(&self, i: usize) -> Option<u64> {
        self.client(i).health().ok().map(|h| h.height)
    }

    fn wait_height(&self, i: usize, height: u64) {
        let deadline = Instant::now() + TIMEOUT;
        while self.height(i).is_none_or(|h| h < height) {
            assert!(
                Instant::now() < deadline,
                "node {i} did not reach height {height} (at {:?})",
                self.height(i)
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// The header of node `i`'s finalized block at `height`, as JSON.
    fn header(&self, i: usize, height: u64) -> serde_json::Value {
        let b = self
            .client(i)
            .block(Some(height))
            .unwrap_or_else(|e| panic!("node {i} has no block {height}: {e}"));
        serde_json::to_value(b.header).expect("json")
    }

    fn cli(&self, node: usize, args: &[&str]) -> Output {
        common::cli_at(&self.dir, &format!("http://{}", self.api[node]), args, None)
    }
}

/// A base port with `count` consecutive free ports above it.
fn free_ports(count: u16, skip: &[u16]) -> u16 {
    let start = 20_000 + (std::process::id() % 2_000) as u16 * 10;
    (0..2_000u16)
        .map(|k| start.wrapping_add(k * 16) % 40_000 + 20_000)
        .find(|base| {
            (*base..*base + count)
                .all(|p| !skip.contains(&p) && TcpListener::bind(("127.0.0.1", p)).is_ok())
        })
        .expect("free ports")
}

fn init(dir: &Path, p2p: u16, api: u16) {
    let out = Command::new(BIN)
        .args(["testnet", "init", "--validators", "4", "--full-nodes", "1"])
        .arg("--dir")
        .arg(dir)
        .args(["--p2p-base-port", &p2p.to_string()])
        .args(["--api-base-port", &api.to_string()])
        .args(["--chain-id", "aigov-cli-testnet"])
        .output()
        .expect("running aigov testnet init");
    assert!(
        out.status.success(),
        "testnet init: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A full node started after the validators finalized a few blocks backfills them, serves a
/// proven read whose state root is the validators' at that height, and a transaction
/// submitted to it is gossiped to the validators, finalized, and seen by both.
#[test]
fn a_full_node_follows_the_validators_and_relays_transactions() {
    let dir = std::env::temp_dir().join(format!("aigov-cli-testnet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let p2p = free_ports(5, &[]);
    let api_skip: Vec<u16> = (p2p..p2p + 5).collect();
    let api = free_ports(5, &api_skip);
    init(&dir, p2p, api);
    let mut net = Network {
        dir,
        api: (0..5)
            .map(|i| SocketAddr::from(([127, 0, 0, 1], api + i)))
            .collect(),
        children: Vec::new(),
    };
    for i in 0..4 {
        net.start(i);
    }
    net.wait_height(0, 3);

    net.start(4);
    let target = net.height(0).expect("validator 0 serves");
    net.wait_height(4, target);

    // A proof is served only if the full node's own database has its block's state root.
    let read = net
        .client(4)
        .pool(true)
        .expect("a proven read from the full node");
    assert!(read.proof.is_some());
    let h = read.height;
    let (full, validator) = (net.header(4, h), net.header(0, h));
    assert_eq!(
        full["state_root"], validator["state_root"],
        "state root at {h}"
    );
    assert_eq!(full, validator, "header at {h}");

    let keys = net.cli(4, &["keys", "new", "via-full-node"]);
    assert!(
        keys.status.success(),
        "{}",
        String::from_utf8_lossy(&keys.stderr)
    );
    let out = net.cli(
        4,
        &[
            "--key",
            "via-full-node",
            "--json",
            "tx",
            "personnel",
            "register",
            "--member",
            "fr",
            "--role",
            "safety",
            "--tier",
            "3",
            "--name",
            "via-full-node",
            "--timeout",
            "120",
        ],
    );
    assert!(
        out.status.success(),
        "tx via the full node: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(status["status"], "finalized", "{status}");
    let hash = status["receipt"]["hash"]
        .as_str()
        .expect("hash")
        .to_string();
    let at = status["receipt"]["height"].as_u64().expect("height");
    net.wait_height(0, at);
    let hash = aigov_types::codec::Hash::from_hex(&hash).expect("hash");
    match net
        .client(0)
        .tx_status(&hash)
        .expect("status at validator 0")
    {
        Some(TxStatus::Finalized { receipt, .. }) => assert_eq!(receipt.height, at),
        other => panic!("at validator 0: {other:?}"),
    }
    assert_eq!(net.header(4, at), net.header(0, at));
    // Final, so gone from the full node's mempool.
    assert_eq!(net.client(4).health().expect("health").mempool, 0);
}
