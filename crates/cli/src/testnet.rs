//! `aigov testnet init` and `aigov node run`: a real multi-validator network, each validator a
//! process with its own data folder, keys and configuration file.

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

/// One validator's configuration file. Relative paths are relative to the file's folder.
#[derive(Serialize, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Where the node keeps its data.
    pub data_dir: PathBuf,
    /// The genesis document shared by every validator.
    pub genesis: PathBuf,
    /// This validator's Ed25519 identity key (PKCS#8 PEM).
    pub validator_key: PathBuf,
    /// This validator's threshold key share.
    pub share: PathBuf,
    /// Where p2p listens (its public address is the one in genesis).
    pub p2p_listen: SocketAddr,
    /// Where the HTTP API listens.
    pub api_listen: SocketAddr,
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

/// `aigov testnet init`.
fn init(
    dir: &Path,
    validators: usize,
    hosts: &[String],
    p2p_port: u16,
    api_port: u16,
    chain_id: &str,
) -> anyhow::Result<()> {
    if validators == 0 || validators > 100 {
        bail!("--validators must be between 1 and 100");
    }
    if hosts.len() != 1 && hosts.len() != validators {
        bail!(
            "--hosts lists {} hosts for {validators} validators",
            hosts.len()
        );
    }
    // With one shared host, validators differ by port; with a host each, they share the ports.
    let addr = |i: usize, base: u16| -> String {
        if hosts.len() == 1 {
            format!("{}:{}", hosts[0], base as usize + i)
        } else {
            format!("{}:{base}", hosts[i])
        }
    };
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
    let (genesis, accounts) =
        setup::demo_genesis_with_validators(chain_id, now_ms, &addresses, &dealt.polynomial);
    for (i, key) in keys.iter().enumerate() {
        let node_dir = dir.join(format!("node{i}"));
        setup::write_key(&node_dir.join("validator.pem"), key)?;
        let share = dealt
            .shares
            .get(&key.public_key().0)
            .context("missing share")?;
        setup::write_share(&node_dir.join("validator.share"), share)?;
        let cfg = NodeConfig {
            data_dir: PathBuf::from("data"),
            genesis: PathBuf::from("../genesis.json"),
            validator_key: PathBuf::from("validator.pem"),
            share: PathBuf::from("validator.share"),
            p2p_listen: addr(i, p2p_port).parse()?,
            api_listen: addr(i, api_port).parse()?,
            idle_block_ms: default_idle(),
            min_block_ms: default_min(),
        };
        setup::write_atomic(
            &node_dir.join("config.json"),
            &serde_json::to_vec_pretty(&cfg)?,
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
        "created a {validators}-validator testnet ({chain_id}) in {}",
        dir.display()
    );
    for i in 0..validators {
        eprintln!(
            "  aigov node run --config {}   # API http://{}",
            dir.join(format!("node{i}")).join("config.json").display(),
            addr(i, api_port)
        );
    }
    eprintln!(
        "demo account keys: {} (use --home {})",
        dir.join("keystore").display(),
        dir.display()
    );
    Ok(())
}

/// `aigov testnet …`.
pub fn run_testnet(_global: &Global, args: &TestnetArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        TestnetCommand::Init {
            validators,
            dir,
            host,
            hosts,
            p2p_base_port,
            api_base_port,
            chain_id,
        } => {
            let hosts = if hosts.is_empty() {
                vec![host.clone()]
            } else {
                hosts.clone()
            };
            init(
                dir,
                *validators,
                &hosts,
                *p2p_base_port,
                *api_base_port,
                chain_id,
            )?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a validator from a configuration file.
pub fn run_node(_global: &Global, args: &NodeArgs) -> anyhow::Result<ExitCode> {
    let NodeCommand::Run { config } = &args.command;
    let text =
        std::fs::read_to_string(config).with_context(|| format!("reading {}", config.display()))?;
    let cfg: NodeConfig = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a node configuration", config.display()))?;
    let base = config.parent().unwrap_or(Path::new("."));
    let data_dir = resolve(base, &cfg.data_dir);
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let lock_path = data_dir.join("LOCK");
    let lock =
        File::create(&lock_path).with_context(|| format!("creating {}", lock_path.display()))?;
    if lock.try_lock().is_err() {
        bail!("another aigov node is using {}", data_dir.display());
    }
    let (genesis, polynomial) = setup::read_genesis(&resolve(base, &cfg.genesis))?;
    futures::executor::block_on(aigov_state::validate_genesis(&genesis))
        .context("invalid genesis")?;
    let signer = setup::read_key(&resolve(base, &cfg.validator_key))?;
    let share = setup::read_share(&resolve(base, &cfg.share))?;
    if !genesis
        .validators
        .iter()
        .any(|v| v.key == signer.public_key())
    {
        bail!(
            "{} is not a validator of this genesis",
            cfg.validator_key.display()
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
    let api_listener = std::net::TcpListener::bind(cfg.api_listen).with_context(|| {
        format!(
            "cannot listen on {} (API); is another node using it?",
            cfg.api_listen
        )
    })?;
    let chain_id = genesis.chain_id.to_string();
    let me = signer.public_key();
    let run_cfg = RunConfig {
        storage_dir: data_dir.join("db"),
        peers,
        genesis,
        polynomial,
        signer,
        share: Some(share),
        full_nodes: Vec::new(),
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
                "aigov node {me}: chain {chain_id} at height {}, API http://{}/v1/health",
                r.height, r.api
            );
        }),
    };
    aigov_chain::run::run(run_cfg).map_err(anyhow::Error::msg)?;
    Ok(ExitCode::SUCCESS)
}
