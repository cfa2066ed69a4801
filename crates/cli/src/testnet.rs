//! `aigov testnet init` and `aigov node run`: a real multi-validator network, each validator a
//! process with its own data folder, keys and configuration file, and full nodes (no key share)
//! that follow it and serve the API.

use crate::args::{Global, NodeArgs, NodeCommand, TestnetArgs, TestnetCommand};
use aigov_chain::app::Timing;
use aigov_chain::run::{Ready, RunConfig};
use aigov_chain::setup;
use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A full node as the other nodes know it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FullNodePeer {
    /// Its Ed25519 identity (hex).
    pub key: aigov_types::PublicKey,
    /// Its p2p address (validators accept connections from this IP only).
    pub address: SocketAddr,
}

/// One node's configuration file: a validator's if it names a `share`, else a full node's.
/// Relative paths are relative to the file's folder.
#[derive(Serialize, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Where the node keeps its data.
    pub data_dir: PathBuf,
    /// The genesis document shared by every node.
    pub genesis: PathBuf,
    /// This node's Ed25519 identity key (PKCS#8 PEM): a validator's is in genesis, a full
    /// node's in `full_nodes`. (`validator_key` in files written before full nodes existed.)
    #[serde(alias = "validator_key")]
    pub identity_key: PathBuf,
    /// This validator's threshold key share; absent for a full node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<PathBuf>,
    /// Where p2p listens (a validator's public address is the one in genesis).
    pub p2p_listen: SocketAddr,
    /// Where the HTTP API listens.
    pub api_listen: SocketAddr,
    /// The network's full nodes, the same list in every node's file: validators accept their
    /// connections and send them blocks and certificates, but never dial them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub full_nodes: Vec<FullNodePeer>,
    /// Longest wait for transactions before an empty block, ms.
    #[serde(default = "default_idle")]
    pub idle_block_ms: u64,
    /// Batching window between blocks, ms.
    #[serde(default = "default_min")]
    pub min_block_ms: u64,
}

fn default_idle() -> u64 {
    1000
}
fn default_min() -> u64 {
    20
}

fn resolve(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// What `aigov testnet init` creates.
pub struct InitPlan<'a> {
    /// Output folder.
    pub dir: &'a Path,
    /// Number of validators.
    pub validators: usize,
    /// Number of full nodes.
    pub full_nodes: usize,
    /// One shared host, or one per validator.
    pub hosts: &'a [String],
    /// One host per full node (with one host per validator).
    pub full_node_hosts: &'a [String],
    /// Base p2p port.
    pub p2p_port: u16,
    /// Base API port.
    pub api_port: u16,
    /// The chain id.
    pub chain_id: &'a str,
    /// Heights per epoch.
    pub blocks_per_epoch: u64,
}

/// `aigov testnet init`.
pub fn init(plan: &InitPlan<'_>) -> anyhow::Result<()> {
    let InitPlan {
        dir,
        validators,
        full_nodes,
        hosts,
        full_node_hosts,
        p2p_port,
        api_port,
        chain_id,
        blocks_per_epoch,
    } = *plan;
    let max = aigov_types::reshare::MAX_DKG_PARTICIPANTS.get() as usize;
    if validators == 0 || validators > max {
        bail!("--validators must be between 1 and {max}");
    }
    if blocks_per_epoch < aigov_types::reshare::MIN_BLOCKS_PER_EPOCH {
        bail!(
            "--blocks-per-epoch must be at least {}",
            aigov_types::reshare::MIN_BLOCKS_PER_EPOCH
        );
    }
    if full_nodes > 100 {
        bail!("--full-nodes must be at most 100");
    }
    if hosts.len() != 1 && hosts.len() != validators {
        bail!(
            "--hosts lists {} hosts for {validators} validators",
            hosts.len()
        );
    }
    if hosts.len() > 1 && full_node_hosts.len() != full_nodes {
        bail!(
            "--full-node-hosts lists {} hosts for {full_nodes} full nodes (needed with --hosts)",
            full_node_hosts.len()
        );
    }
    if hosts.len() == 1 && !full_node_hosts.is_empty() && full_node_hosts.len() != full_nodes {
        bail!(
            "--full-node-hosts lists {} hosts for {full_nodes} full nodes",
            full_node_hosts.len()
        );
    }
    // With one shared host, nodes differ by port (validators first, then full nodes); with a
    // host each, they share the base ports.
    let addr = |i: usize, base: u16| -> String {
        if hosts.len() == 1 {
            format!("{}:{}", hosts[0], base as usize + i)
        } else {
            format!("{}:{base}", hosts[i])
        }
    };
    let full_addr = |j: usize, base: u16| -> String {
        if full_node_hosts.is_empty() {
            format!("{}:{}", hosts[0], base as usize + validators + j)
        } else {
            format!("{}:{base}", full_node_hosts[j])
        }
    };
    if (p2p_port as usize + validators + full_nodes)
        .max(api_port as usize + validators + full_nodes)
        > u16::MAX as usize + 1
    {
        bail!(
            "the base ports leave no room for {validators} validators and {full_nodes} full nodes"
        );
    }
    if dir.join("genesis.json").exists() {
        bail!(
            "{} already holds a testnet; remove it or pick another --dir",
            dir.display()
        );
    }
    let keys: Vec<aigov_types::PrivateKey> = (0..validators)
        .map(|_| aigov_types::PrivateKey::generate())
        .collect();
    let dealt = setup::deal(&keys.iter().map(|k| k.public_key()).collect::<Vec<_>>())?;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let addresses: Vec<(aigov_types::PublicKey, String)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.public_key(), addr(i, p2p_port)))
        .collect();
    let (mut genesis, accounts) =
        setup::demo_genesis_with_validators(chain_id, now_ms, &addresses, &dealt.output)?;
    genesis.blocks_per_epoch = blocks_per_epoch;
    let full_keys: Vec<aigov_types::PrivateKey> = (0..full_nodes)
        .map(|_| aigov_types::PrivateKey::generate())
        .collect();
    let mut full_peers = Vec::new();
    for (j, k) in full_keys.iter().enumerate() {
        full_peers.push(FullNodePeer {
            key: k.public_key(),
            address: full_addr(j, p2p_port)
                .parse()
                .with_context(|| format!("full node {j}'s address"))?,
        });
    }
    for (j, key) in full_keys.iter().enumerate() {
        let node_dir = dir.join(format!("fullnode{j}"));
        setup::write_key(&node_dir.join("node.pem"), key)?;
        write_config(
            &node_dir,
            "node.pem",
            None,
            (full_addr(j, p2p_port), full_addr(j, api_port)),
            &full_peers,
        )?;
    }
    for (i, key) in keys.iter().enumerate() {
        let node_dir = dir.join(format!("node{i}"));
        setup::write_key(&node_dir.join("validator.pem"), key)?;
        let share = dealt
            .shares
            .get(&key.public_key().0)
            .context("missing share")?;
        setup::write_share(&node_dir.join("validator.share"), share)?;
        write_config(
            &node_dir,
            "validator.pem",
            Some("validator.share"),
            (addr(i, p2p_port), addr(i, api_port)),
            &full_peers,
        )?;
    }
    for a in &accounts {
        setup::write_key(
            &dir.join("keystore").join(format!("{}.pem", a.name)),
            &a.key,
        )?;
    }
    setup::write_genesis(&dir.join("genesis.json"), &genesis)?;
    eprintln!(
        "created a {validators}-validator testnet ({chain_id}) with {full_nodes} full node(s) in {}",
        dir.display()
    );
    for i in 0..validators {
        eprintln!(
            "  aigov node run --config {}   # API http://{}",
            dir.join(format!("node{i}")).join("config.json").display(),
            addr(i, api_port)
        );
    }
    for (j, key) in full_keys.iter().enumerate() {
        // Its key is what a `set-validators` proposal names to make it a validator.
        eprintln!(
            "  aigov node run --config {}   # full node {}, API http://{}",
            dir.join(format!("fullnode{j}"))
                .join("config.json")
                .display(),
            key.public_key(),
            full_addr(j, api_port)
        );
    }
    eprintln!(
        "demo account keys: {} (use --home {})",
        dir.join("keystore").display(),
        dir.display()
    );
    Ok(())
}

/// Writes one node's `config.json` in `node_dir` (paths relative to it): its identity key,
/// its key share (validators only), its (p2p, API) listen addresses, and the full nodes.
fn write_config(
    node_dir: &Path,
    identity_key: &str,
    share: Option<&str>,
    (p2p, api): (String, String),
    full_nodes: &[FullNodePeer],
) -> anyhow::Result<()> {
    let cfg = NodeConfig {
        data_dir: PathBuf::from("data"),
        genesis: PathBuf::from("../genesis.json"),
        identity_key: PathBuf::from(identity_key),
        share: share.map(PathBuf::from),
        p2p_listen: p2p.parse()?,
        api_listen: api.parse()?,
        full_nodes: full_nodes.to_vec(),
        idle_block_ms: default_idle(),
        min_block_ms: default_min(),
    };
    setup::write_atomic(
        &node_dir.join("config.json"),
        &serde_json::to_vec_pretty(&cfg)?,
    )?;
    Ok(())
}

/// `aigov testnet …`.
pub fn run_testnet(_global: &Global, args: &TestnetArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        TestnetCommand::Init {
            validators,
            full_nodes,
            dir,
            host,
            hosts,
            full_node_hosts,
            p2p_base_port,
            api_base_port,
            chain_id,
            blocks_per_epoch,
        } => {
            let hosts = if hosts.is_empty() {
                vec![host.clone()]
            } else {
                hosts.clone()
            };
            init(&InitPlan {
                dir,
                validators: *validators,
                full_nodes: *full_nodes,
                hosts: &hosts,
                full_node_hosts,
                p2p_port: *p2p_base_port,
                api_port: *api_base_port,
                chain_id,
                blocks_per_epoch: *blocks_per_epoch,
            })?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A node configuration checked against its genesis, ready to run.
pub struct Loaded {
    /// The folder the node keeps its data in.
    pub data_dir: PathBuf,
    /// What `aigov_chain::run` needs, but the API listener, timing and callback.
    pub genesis: aigov_types::genesis::Genesis,
    /// The group polynomial from genesis.
    pub polynomial: aigov_types::proof::GroupPolynomial,
    /// The node's identity.
    pub signer: aigov_types::PrivateKey,
    /// Its share (`None`: a full node).
    pub share: Option<setup::KeyShare>,
    /// Validators' identities and addresses, from genesis.
    pub peers: Vec<(aigov_types::PublicKey, SocketAddr)>,
    /// Full nodes' identities and addresses, from the file.
    pub full_nodes: Vec<(aigov_types::PublicKey, SocketAddr)>,
    /// The file itself.
    pub cfg: NodeConfig,
}

/// Reads `config` and everything it names, and checks the node's keys against genesis: a
/// validator's share must be its own and lie on the group polynomial; a full node must not be
/// a validator and must be in `full_nodes` (which the validators share).
pub fn load(config: &Path) -> anyhow::Result<Loaded> {
    let text =
        std::fs::read_to_string(config).with_context(|| format!("reading {}", config.display()))?;
    let cfg: NodeConfig = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a node configuration", config.display()))?;
    let base = config.parent().unwrap_or(Path::new("."));
    let (genesis, polynomial) = setup::read_genesis(&resolve(base, &cfg.genesis))?;
    futures::executor::block_on(aigov_state::validate_genesis(&genesis))
        .context("invalid genesis")?;
    let signer = setup::read_key(&resolve(base, &cfg.identity_key))?;
    let share = match &cfg.share {
        Some(path) => Some(setup::read_share(&resolve(base, path))?),
        None => None,
    };
    let validators: Vec<aigov_types::PublicKey> =
        genesis.validators.iter().map(|v| v.key.clone()).collect();
    setup::check_keys(
        &polynomial,
        &validators,
        &signer.public_key(),
        share.as_ref(),
    )
    .with_context(|| {
        format!(
            "{} does not fit {}",
            config.display(),
            cfg.genesis.display()
        )
    })?;
    if share.is_none() && !cfg.full_nodes.iter().any(|p| p.key == signer.public_key()) {
        bail!(
            "{}: this full node ({}) is not in the file's full_nodes; list it there and in every \
             validator's config.json, or the validators refuse its connections",
            config.display(),
            signer.public_key()
        );
    }
    let mut peers = Vec::new();
    for v in genesis.validators.iter() {
        let addr: SocketAddr = v.address.as_str().parse().with_context(|| {
            format!(
                "validator {} has an invalid address {:?} in genesis",
                v.key,
                v.address.as_str()
            )
        })?;
        peers.push((v.key.clone(), addr));
    }
    let mut full_nodes = Vec::new();
    for p in &cfg.full_nodes {
        if validators.contains(&p.key) {
            bail!(
                "{}: full node {} is a validator of this genesis",
                config.display(),
                p.key
            );
        }
        if full_nodes.iter().any(|(k, _)| *k == p.key) {
            bail!("{}: full node {} is listed twice", config.display(), p.key);
        }
        full_nodes.push((p.key.clone(), p.address));
    }
    Ok(Loaded {
        data_dir: resolve(base, &cfg.data_dir),
        genesis,
        polynomial,
        signer,
        share,
        peers,
        full_nodes,
        cfg,
    })
}

/// Runs a validator or a full node from a configuration file.
pub fn run_node(_global: &Global, args: &NodeArgs) -> anyhow::Result<ExitCode> {
    let NodeCommand::Run { config } = &args.command;
    let Loaded {
        data_dir,
        genesis,
        polynomial,
        signer,
        share,
        peers,
        full_nodes,
        cfg,
    } = load(config)?;
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let lock_path = data_dir.join("LOCK");
    let lock =
        File::create(&lock_path).with_context(|| format!("creating {}", lock_path.display()))?;
    if lock.try_lock().is_err() {
        bail!("another aigov node is using {}", data_dir.display());
    }
    let api_listener = std::net::TcpListener::bind(cfg.api_listen).with_context(|| {
        format!(
            "cannot listen on {} (API); is another node using it?",
            cfg.api_listen
        )
    })?;
    let chain_id = genesis.chain_id.to_string();
    let me = signer.public_key();
    let kind = if share.is_some() {
        "validator"
    } else {
        "full node"
    };
    let run_cfg = RunConfig {
        storage_dir: data_dir.join("db"),
        peers,
        full_nodes,
        genesis,
        polynomial,
        signer,
        share,
        p2p_listen: cfg.p2p_listen,
        api_listener,
        timing: Timing {
            min_block: Duration::from_millis(cfg.min_block_ms),
            idle_block: Duration::from_millis(cfg.idle_block_ms.max(50)),
            ..Timing::default()
        },
        worker_threads: 2,
        on_ready: Box::new(move |r: Ready| {
            eprintln!(
                "aigov {kind} {me}: chain {chain_id} at height {}, API http://{}/v1/health",
                r.height, r.api
            );
        }),
    };
    aigov_chain::run::run(run_cfg).map_err(anyhow::Error::msg)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system's temporary directory.
    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("aigov-testnet-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn init_local(dir: &Path, validators: usize, full_nodes: usize) {
        init(&InitPlan {
            dir,
            validators,
            full_nodes,
            hosts: &["127.0.0.1".to_string()],
            full_node_hosts: &[],
            p2p_port: 40400,
            api_port: 40700,
            chain_id: "aigov-test",
            blocks_per_epoch: 600,
        })
        .expect("init");
    }

    fn edit(path: &Path, change: impl FnOnce(&mut serde_json::Value)) {
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
        change(&mut v);
        std::fs::write(path, serde_json::to_vec_pretty(&v).expect("json")).expect("write");
    }

    /// Full nodes get a folder without a share, and every node's file lists the same full
    /// nodes (so the validators accept them), each at its own ports.
    #[test]
    fn init_writes_full_nodes_every_config_lists() {
        let dir = temp_dir("init");
        init_local(&dir, 4, 2);
        let mut lists = Vec::new();
        let mut ports = std::collections::BTreeSet::new();
        for (name, validator) in [
            ("node0", true),
            ("node3", true),
            ("fullnode0", false),
            ("fullnode1", false),
        ] {
            let loaded = load(&dir.join(name).join("config.json"))
                .unwrap_or_else(|e| panic!("{name}: {e:#}"));
            assert_eq!(loaded.share.is_some(), validator, "{name}");
            assert!(!dir.join(name).join("validator.share").exists() || validator);
            assert_eq!(loaded.peers.len(), 4);
            assert!(ports.insert(loaded.cfg.p2p_listen.port()));
            assert!(ports.insert(loaded.cfg.api_listen.port()));
            lists.push(loaded.full_nodes);
        }
        assert_eq!(lists[0].len(), 2);
        assert!(lists.iter().all(|l| *l == lists[0]));
        let full0 = load(&dir.join("fullnode0").join("config.json")).expect("load");
        assert_eq!(lists[0][0].0, full0.signer.public_key());
        assert_eq!(full0.cfg.p2p_listen.port(), 40404);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    /// `--blocks-per-epoch` reaches genesis; too short an epoch, or more validators than a
    /// committee holds, is refused before anything is written.
    #[test]
    fn init_sets_the_epoch_length_and_refuses_what_resharing_cannot_do() {
        let dir = temp_dir("epochs");
        let plan = |validators, blocks_per_epoch| InitPlan {
            dir: &dir,
            validators,
            full_nodes: 0,
            hosts: &[],
            full_node_hosts: &[],
            p2p_port: 40400,
            api_port: 40700,
            chain_id: "aigov-test",
            blocks_per_epoch,
        };
        let hosts = ["127.0.0.1".to_string()];
        let err = init(&InitPlan {
            hosts: &hosts,
            ..plan(4, 3)
        })
        .unwrap_err();
        assert!(err.to_string().contains("--blocks-per-epoch"), "{err}");
        let err = init(&InitPlan {
            hosts: &hosts,
            ..plan(65, 600)
        })
        .unwrap_err();
        assert!(err.to_string().contains("between 1 and 64"), "{err}");
        assert!(!dir.join("genesis.json").exists());
        init(&InitPlan {
            hosts: &hosts,
            ..plan(4, 20)
        })
        .expect("init");
        let genesis: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("genesis.json")).expect("genesis"))
                .expect("json");
        assert_eq!(genesis["blocks_per_epoch"], 20);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    /// A file written before full nodes existed (`validator_key`, no `full_nodes`) still loads.
    #[test]
    fn a_validator_config_of_the_earlier_format_loads() {
        let dir = temp_dir("old");
        init_local(&dir, 1, 0);
        let path = dir.join("node0").join("config.json");
        edit(&path, |v| {
            let key = v["identity_key"].take();
            v.as_object_mut().expect("object").remove("identity_key");
            v["validator_key"] = key;
        });
        assert!(load(&path).expect("load").share.is_some());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    /// Keys that do not fit genesis are refused before anything starts, each with its reason.
    #[test]
    fn mismatched_keys_are_refused_with_the_reason() {
        let dir = temp_dir("mismatch");
        init_local(&dir, 4, 1);
        let err = |path: &Path| format!("{:#}", load(path).err().expect("refused"));

        // A validator with another validator's share.
        let v0 = dir.join("node0").join("config.json");
        edit(&v0, |v| v["share"] = "../node1/validator.share".into());
        assert!(err(&v0).contains("index"), "{}", err(&v0));
        // A validator without a share.
        edit(&v0, |v| {
            v.as_object_mut().expect("object").remove("share");
        });
        assert!(err(&v0).contains("has no key share"), "{}", err(&v0));

        // A full node given a share.
        let f0 = dir.join("fullnode0").join("config.json");
        edit(&f0, |v| v["share"] = "../node1/validator.share".into());
        assert!(err(&f0).contains("not a validator"), "{}", err(&f0));
        // A full node missing from the list the validators share.
        edit(&f0, |v| {
            v.as_object_mut().expect("object").remove("share");
            v["full_nodes"] = serde_json::json!([]);
        });
        assert!(
            err(&f0).contains("not in the file's full_nodes"),
            "{}",
            err(&f0)
        );

        // A share of another deal (another testnet) at the right index.
        let other = temp_dir("mismatch-other");
        init_local(&other, 4, 0);
        let v2 = dir.join("node2").join("config.json");
        let foreign = other.join("node2").join("validator.share");
        edit(&v2, |v| v["share"] = foreign.display().to_string().into());
        let e = err(&v2);
        assert!(
            e.contains("does not match the group polynomial") || e.contains("index"),
            "{e}"
        );
        std::fs::remove_dir_all(&dir).expect("clean up");
        std::fs::remove_dir_all(&other).expect("clean up");
    }
}
