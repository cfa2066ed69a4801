//! `aigov dev`: a single-validator chain in one process, created on first start and resumed on
//! every later one.

use crate::args::{DevArgs, Global};
use aigov_chain::app::Timing;
use aigov_chain::run::{Ready, RunConfig};
use aigov_chain::setup;
use anyhow::{Context as _, bail};
use std::fs::File;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The dev chain's id.
pub const DEV_CHAIN_ID: &str = "aigov-dev";

struct Paths {
    genesis: std::path::PathBuf,
    validator_key: std::path::PathBuf,
    share: std::path::PathBuf,
    reviewer_key: std::path::PathBuf,
    storage: std::path::PathBuf,
    lock: std::path::PathBuf,
}

fn paths(dir: &Path) -> Paths {
    Paths {
        genesis: dir.join("genesis.json"),
        validator_key: dir.join("validator.pem"),
        share: dir.join("validator.share"),
        reviewer_key: dir.join("whistle-reviewer.json"),
        storage: dir.join("db"),
        lock: dir.join("LOCK"),
    }
}

/// Creates a new dev chain in `dir`: validator key, key share, demo genesis, demo keystore.
/// The genesis file is written last, so a crash midway leaves no half-made chain behind.
fn create(dir: &Path, p: &Paths) -> anyhow::Result<()> {
    let validator = aigov_types::PrivateKey::generate();
    let dealt = setup::deal(&[validator.public_key()])?;
    let share = dealt
        .shares
        .values()
        .next()
        .context("the deal produced no share")?
        .clone();
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let (mut genesis, accounts) = setup::demo_genesis(
        DEV_CHAIN_ID,
        now_ms,
        &validator.public_key(),
        "127.0.0.1:0",
        &dealt.output,
    )?;
    // The demo's reviewing body: reports filed on the dev chain are sealed to this key, and
    // `aigov whistle open --reviewer-key DATA_DIR/whistle-reviewer.json` opens them.
    let reviewer = aigov_client::seal::ReviewerKey::generate()?;
    genesis.whistleblower_key = Some(reviewer.public());
    // No genesis yet, so a key file here is from a creation that crashed midway: replace it.
    match std::fs::remove_file(&p.reviewer_key) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("removing {}", p.reviewer_key.display()));
        }
        _ => {}
    }
    crate::whistle::write_key_file(&p.reviewer_key, &reviewer)?;
    setup::write_key(&p.validator_key, &validator)?;
    setup::write_share(&p.share, &share)?;
    for a in &accounts {
        let path = crate::keys::dir(dir).join(format!("{}.pem", a.name));
        setup::write_key(&path, &a.key)?;
    }
    setup::write_genesis(&p.genesis, &genesis)?;
    eprintln!("created a new dev chain in {}", dir.display());
    eprintln!(
        "demo accounts (keystore {}):",
        crate::keys::dir(dir).display()
    );
    for person in genesis.personnel.iter() {
        let name = accounts
            .iter()
            .find(|a| a.key.public_key() == person.account)
            .map_or("?", |a| a.name);
        let roles: Vec<_> = person.roles.to_vec().iter().map(|r| r.name()).collect();
        eprintln!(
            "  {name:<10} {} tier {} ({})",
            person.member,
            person.tier,
            roles.join(", ")
        );
    }
    eprintln!("  lab, datacenter (funded accounts)");
    eprintln!(
        "whistle-blower reports are sealed to {}; its secret is in {}",
        reviewer.public(),
        p.reviewer_key.display()
    );
    Ok(())
}

/// `aigov dev`.
pub fn run(_global: &Global, args: &DevArgs) -> anyhow::Result<ExitCode> {
    let dir = &args.data_dir;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let p = paths(dir);
    // One node per data folder: a second one would corrupt the storage.
    let lock = File::create(&p.lock).with_context(|| format!("creating {}", p.lock.display()))?;
    if lock.try_lock().is_err() {
        bail!(
            "another aigov node is using {}; stop it or pass a different --data-dir",
            dir.display()
        );
    }
    if !p.genesis.exists() {
        create(dir, &p)?;
    }
    let (genesis, polynomial) = setup::read_genesis(&p.genesis)?;
    futures::executor::block_on(aigov_state::validate_genesis(&genesis))
        .with_context(|| format!("{} is not a valid genesis", p.genesis.display()))?;
    let signer = setup::read_key(&p.validator_key)?;
    let share = setup::read_share(&p.share)?;
    if !genesis
        .validators
        .iter()
        .any(|v| v.key == signer.public_key())
    {
        bail!(
            "{} is not a validator of this genesis",
            p.validator_key.display()
        );
    }
    let api_listener = std::net::TcpListener::bind(args.listen).with_context(|| {
        format!("cannot listen on {} (is another aigov node running?); pick another address with --listen", args.listen)
    })?;
    let timing = Timing {
        min_block: Duration::from_millis(args.min_block_ms),
        idle_block: Duration::from_millis(args.idle_block_ms.max(50)),
        ..Timing::default()
    };
    let chain_id = genesis.chain_id.to_string();
    let data_dir = dir.display().to_string();
    let cfg = RunConfig {
        storage_dir: p.storage,
        peers: vec![(signer.public_key(), args.p2p)],
        genesis,
        polynomial,
        signer,
        share: Some(share),
        full_nodes: Vec::new(),
        p2p_listen: args.p2p,
        api_listener,
        timing,
        worker_threads: 2,
        on_ready: Box::new(move |r: Ready| {
            eprintln!(
                "aigov dev: chain {chain_id} at height {}, {} events in the log\n  API     http://{}/v1/health\n  data    {data_dir}\n  group key {}…\nstop with Ctrl-C; a restart resumes from the last finalized block",
                r.height,
                r.log_size,
                r.api,
                &r.group_key[..16.min(r.group_key.len())]
            );
        }),
    };
    aigov_chain::run::run(cfg).map_err(anyhow::Error::msg)?;
    Ok(ExitCode::SUCCESS)
}
