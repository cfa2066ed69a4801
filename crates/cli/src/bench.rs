//! `aigov bench …`: measured performance. Each benchmark builds its own load (transactions signed
//! by many fresh keys), runs against a real node started in this process (consensus, QMDB,
//! HTTP API on loopback), prints a table and can write JSON. Figures are medians or rates with
//! the machine's core count beside them; they are measurements, not assertions.

// Declared here rather than in main.rs: it is only ever reached through `aigov bench`.
#[path = "bench_sim.rs"]
mod bench_sim;

use crate::args::{BenchArgs, BenchWhat, Global};
use aigov_chain::app::Timing;
use aigov_chain::run::{Ready, RunConfig};
use aigov_chain::setup;
use aigov_client::{Client, GroupIdentity, verify_state_proof};
use aigov_types::api::TxStatus;
use aigov_types::codec::{BoundedString, Encode, Hash, Slug};
use aigov_types::personnel::{PersonnelCall, RegisterPersonnel, Role, Roles};
use aigov_types::{Call, PrivateKey, SignedTx, Tx};
use anyhow::{Context as _, bail};
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// One measured figure.
#[derive(Serialize, Clone, Debug)]
struct Figure {
    bench: &'static str,
    metric: String,
    value: f64,
    unit: &'static str,
    goal: Option<String>,
    met: Option<bool>,
}

#[derive(Serialize)]
struct Report {
    machine: Machine,
    quick: bool,
    figures: Vec<Figure>,
}

#[derive(Serialize)]
struct Machine {
    cores: usize,
    cpu: String,
    os: String,
    build: &'static str,
    aigov_version: &'static str,
}

fn machine() -> Machine {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    Machine {
        cores: cores(),
        cpu,
        os: std::env::consts::OS.into(),
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        aigov_version: env!("CARGO_PKG_VERSION"),
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Percentile of sorted data (nearest rank).
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `limit`: single (non-batched) Ed25519 verifications per second on all cores — the ceiling
/// for signed transactions on this machine.
fn bench_limit(duration: Duration) -> f64 {
    let threads = cores();
    let stop = Arc::new(AtomicBool::new(false));
    let total = Arc::new(AtomicU64::new(0));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let stop = stop.clone();
            let total = total.clone();
            std::thread::spawn(move || {
                let items: Vec<_> = (0..64u64)
                    .map(|i| {
                        let k = PrivateKey::from_seed_bytes(
                            [(t as u8).wrapping_mul(31).wrapping_add(i as u8); 32],
                        );
                        let msg = (t as u64 * 1000 + i).to_be_bytes().repeat(20);
                        let sig = k.sign(aigov_types::tx::TX_NAMESPACE, &msg);
                        (k.public_key(), msg, sig)
                    })
                    .collect();
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    for (pk, msg, sig) in &items {
                        assert!(pk.verify(aigov_types::tx::TX_NAMESPACE, msg, sig));
                    }
                    n += items.len() as u64;
                }
                total.fetch_add(n, Ordering::Relaxed);
            })
        })
        .collect();
    let start = Instant::now();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        let _ = h.join();
    }
    total.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// Validators running in this process on a fresh chain in a temporary folder, talking over
/// authenticated p2p on loopback. `client` talks to validator 0.
struct BenchNode {
    client: Client,
    chain_id: Slug,
    genesis_path: PathBuf,
    dir: PathBuf,
}

impl Drop for BenchNode {
    fn drop(&mut self) {
        // The node threads keep running until the process exits; their files can go.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A free loopback address (bound, then released: good enough for a benchmark).
fn free_addr() -> anyhow::Result<std::net::SocketAddr> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

fn start_node() -> anyhow::Result<BenchNode> {
    start_network(1, 0)
}

/// The key of bench voter `i` (derived, so the node's genesis and the load agree).
fn voter_key(i: usize) -> PrivateKey {
    let mut seed = [0x5a; 32];
    seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
    PrivateKey::from_seed_bytes(seed)
}

/// Members `v0`..`v4` and `voters` Active Policy personnel at tier 3 spread over them, for the
/// governance load.
fn add_voters(genesis: &mut aigov_types::Genesis, voters: usize) -> anyhow::Result<()> {
    use aigov_types::genesis::GenesisPersonnel;
    use aigov_types::personnel::Member;
    const MEMBERS: usize = 5;
    let mut members = genesis.members.as_slice().to_vec();
    for m in 0..MEMBERS {
        members.push(Member {
            id: Slug::new(format!("v{m}")).map_err(|e| anyhow::anyhow!("{e}"))?,
            name: BoundedString::new(format!("Bench member {m}")).unwrap_or_default(),
            seats_per_tier: aigov_types::BoundedVec::truncating(vec![
                0,
                0,
                u16::try_from(voters.div_ceil(MEMBERS))?,
            ]),
        });
    }
    genesis.members = aigov_types::BoundedVec::new(members).context("too many members")?;
    let mut people = genesis.personnel.as_slice().to_vec();
    for i in 0..voters {
        people.push(GenesisPersonnel {
            account: voter_key(i).public_key(),
            member: Slug::new(format!("v{}", i % MEMBERS)).map_err(|e| anyhow::anyhow!("{e}"))?,
            organisation: None,
            roles: Roles::from_roles(&[Role::Policy]),
            tier: 3,
            name: BoundedString::new(format!("bench voter {i}")).unwrap_or_default(),
        });
    }
    genesis.personnel =
        aigov_types::BoundedVec::new(people).context("too many personnel for a genesis")?;
    Ok(())
}

/// Starts `n` validators, each with its own runtime, storage, p2p port and API; with
/// `voters`, the genesis seats that many bench voters ([add_voters]).
fn start_network(n: usize, voters: usize) -> anyhow::Result<BenchNode> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("aigov-bench-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let keys: Vec<PrivateKey> = (0..n).map(|_| PrivateKey::generate()).collect();
    let dealt = setup::deal(&keys.iter().map(|k| k.public_key()).collect::<Vec<_>>())?;
    let p2p: Vec<std::net::SocketAddr> =
        (0..n).map(|_| free_addr()).collect::<anyhow::Result<_>>()?;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let validators: Vec<_> = keys
        .iter()
        .zip(&p2p)
        .map(|(k, a)| (k.public_key(), a.to_string()))
        .collect();
    let (mut genesis, _) =
        setup::demo_genesis_with_validators("aigov-bench", now_ms, &validators, &dealt.output)?;
    // The load is applications from fresh keys: let a block carry as many as it can hold.
    genesis.params.sponsored_txs_per_block_max = aigov_types::block::MAX_BLOCK_TXS as u32;
    genesis.pool_gas = u64::MAX / 4;
    if voters > 0 {
        add_voters(&mut genesis, voters)?;
    }
    let genesis_path = dir.join("genesis.json");
    setup::write_genesis(&genesis_path, &genesis)?;
    let peers: Vec<_> = keys
        .iter()
        .zip(&p2p)
        .map(|(k, a)| (k.public_key(), *a))
        .collect();
    let (ready_tx, ready_rx) = mpsc::channel();
    for (i, key) in keys.into_iter().enumerate() {
        let share = dealt
            .shares
            .get(&key.public_key().0)
            .context("no share")?
            .clone();
        let ready_tx = ready_tx.clone();
        let cfg = RunConfig {
            storage_dir: dir.join(format!("node{i}")),
            peers: peers.clone(),
            genesis: genesis.clone(),
            polynomial: dealt.polynomial().clone(),
            signer: key,
            share: Some(share),
            full_nodes: Vec::new(),
            p2p_listen: p2p[i],
            api_listener: std::net::TcpListener::bind("127.0.0.1:0")?,
            timing: Timing::default(),
            worker_threads: if n == 1 { cores() } else { 1 },
            on_ready: Box::new(move |r: Ready| {
                let _ = ready_tx.send((i, r));
            }),
        };
        // The runtime drives the node's root future on this thread: give it a
        // main-thread-sized stack (spawned threads get 2 MiB, too little in debug builds).
        std::thread::Builder::new()
            .name(format!("bench-node-{i}"))
            .stack_size(64 << 20)
            .spawn(move || {
                if let Err(e) = aigov_chain::run::run(cfg) {
                    eprintln!("bench node {i} stopped: {e}");
                }
            })?;
    }
    let mut api = None;
    for _ in 0..n {
        let (i, ready) = ready_rx
            .recv_timeout(Duration::from_secs(60))
            .context("a bench node did not start")?;
        if i == 0 {
            api = Some(ready.api);
        }
    }
    let client = Client::new(format!(
        "http://{}",
        api.context("validator 0 did not start")?
    ));
    let start = Instant::now();
    while client.health().map(|h| h.height).unwrap_or(0) < 1 {
        if start.elapsed() > Duration::from_secs(60) {
            bail!("the bench network did not finalize its first block");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(BenchNode {
        client,
        chain_id: genesis.chain_id,
        genesis_path,
        dir,
    })
}

/// A registration from a fresh key: the transaction a newcomer sends.
fn registration(chain_id: &Slug, i: usize) -> SignedTx {
    let key = PrivateKey::generate();
    Tx {
        chain_id: chain_id.clone(),
        sender: key.public_key(),
        nonce: 0,
        gas_limit: 100_000,
        call: Call::Personnel(PersonnelCall::Register(RegisterPersonnel {
            member: Slug::new(["fr", "de", "jp", "br", "eu"][i % 5])
                .unwrap_or_else(|_| unreachable!()),
            organisation: None,
            roles: Roles::from_roles(&[Role::Safety]),
            tier: 3,
            name: BoundedString::new(format!("bench applicant {i}")).unwrap_or_default(),
            credential: Hash::digest(&[&(i as u64).to_be_bytes()]),
        })),
    }
    .sign(&key)
}

/// Submits `txs` over HTTP from 4 client threads (retrying on a full mempool) and waits until
/// the mempool is empty; returns (seconds to submit, seconds until all finalized).
fn submit_all(node: &BenchNode, txs: &[SignedTx]) -> anyhow::Result<(f64, f64)> {
    let senders = 4usize;
    let chunks: Vec<Vec<SignedTx>> = txs
        .chunks(txs.len().div_ceil(senders).max(1))
        .map(<[SignedTx]>::to_vec)
        .collect();
    let start = Instant::now();
    let handles: Vec<_> = chunks
        .into_iter()
        .map(|chunk| {
            let client = node.client.clone();
            std::thread::spawn(move || -> anyhow::Result<()> {
                for tx in &chunk {
                    loop {
                        match client.submit(tx) {
                            Ok(_) => break,
                            Err(e) if e.code() == Some("mempool_full") => {
                                std::thread::sleep(Duration::from_millis(5))
                            }
                            Err(e) => return Err(e.into()),
                        }
                    }
                }
                Ok(())
            })
        })
        .collect();
    for h in handles {
        h.join()
            .map_err(|_| anyhow::anyhow!("a submitter thread panicked"))??;
    }
    let submitted = start.elapsed().as_secs_f64();
    loop {
        let h = node.client.health()?;
        if h.mempool == 0 {
            break;
        }
        if start.elapsed() > Duration::from_secs(600) {
            bail!(
                "transactions were not finalized within 10 minutes ({} pending)",
                h.mempool
            );
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Ok((submitted, start.elapsed().as_secs_f64()))
}

/// `gov`: one Review proposal, then a ballot from each of `voters` Active personnel, finalized
/// on one validator; returns finalized ballots per second.
fn bench_votes(node: &BenchNode, voters: usize) -> anyhow::Result<f64> {
    use aigov_types::governance::{
        CastVote, Choice, GovernanceCall, ProposalClass, SubmitProposal,
    };
    let tx = |i: usize, nonce: u64, call: Call| {
        let key = voter_key(i);
        Tx {
            chain_id: node.chain_id.clone(),
            sender: key.public_key(),
            nonce,
            gas_limit: 100_000,
            call,
        }
        .sign(&key)
    };
    let propose = tx(
        0,
        0,
        Call::Governance(GovernanceCall::Propose(SubmitProposal {
            class: ProposalClass::Review,
            title: BoundedString::new("Bench resolution").unwrap_or_default(),
            description_hash: Hash::digest(&[b"bench"]),
            actions: aigov_types::BoundedVec::truncating(Vec::new()),
        })),
    );
    let hash = node.client.submit(&propose)?;
    let status = node.client.wait_for_tx(&hash, Duration::from_secs(30))?;
    let id = match status {
        TxStatus::Finalized { events, .. } => events
            .iter()
            .find_map(|e| match &e.event {
                aigov_types::Event::ProposalSubmitted(p) => Some(p.proposal),
                _ => None,
            })
            .context("the bench proposal was not submitted")?,
        other => bail!("the bench proposal failed: {other:?}"),
    };
    eprintln!("gov: signing {voters} ballots on proposal {id}…");
    let ballots: Vec<SignedTx> = (0..voters)
        .map(|i| {
            let vote = Call::Governance(GovernanceCall::Vote(CastVote {
                proposal: id,
                choice: if i % 3 == 0 { Choice::No } else { Choice::Yes },
                rationale: None,
            }));
            tx(i, u64::from(i == 0), vote)
        })
        .collect();
    // Voting opens after the class's voting delay (2 s on the dev preset).
    let start = Instant::now();
    loop {
        let p = node
            .client
            .proposal(id, false)?
            .value
            .context("no proposal")?;
        if p.status == aigov_types::governance::ProposalStatus::Active {
            break;
        }
        if start.elapsed() > Duration::from_secs(30) {
            bail!("the bench proposal did not open for votes");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let (_, elapsed) = submit_all(node, &ballots)?;
    spot_check(node, &ballots)?;
    Ok(voters as f64 / elapsed)
}

/// `tx`: finalized transactions per second on one validator, submitted over HTTP by several
/// client threads.
fn bench_tx(node: &BenchNode, count: usize) -> anyhow::Result<(f64, f64)> {
    eprintln!("tx: signing {count} registrations from fresh keys…");
    let txs: Vec<SignedTx> = (0..count)
        .map(|i| registration(&node.chain_id, i))
        .collect();
    let (submitted, elapsed) = submit_all(node, &txs)?;
    // Spot-check that they really executed.
    spot_check(node, &txs)?;
    Ok((count as f64 / elapsed, count as f64 / submitted))
}

/// Checks that every twentieth of `txs` finalized successfully.
fn spot_check(node: &BenchNode, txs: &[SignedTx]) -> anyhow::Result<()> {
    for tx in txs.iter().step_by((txs.len() / 20).max(1)) {
        match node.client.tx_status(&tx.hash())? {
            Some(TxStatus::Finalized { .. }) => {}
            other => bail!(
                "transaction {} did not finalize successfully: {other:?}",
                tx.hash()
            ),
        }
    }
    Ok(())
}

/// `finality`: submit-to-finalized latency, one transaction at a time, in steady state: one
/// untimed transaction first, because a freshly started network spends its first seconds
/// connecting peers and timing out views whose leader was not reachable yet (the first
/// transaction after start took about 2 s on loopback, every later one about 0.1 s).
fn bench_finality(node: &BenchNode, count: usize) -> anyhow::Result<Vec<f64>> {
    let finalize = |i: usize| -> anyhow::Result<f64> {
        let tx = registration(&node.chain_id, 1_000_000 + i);
        let hash = tx.hash();
        let t0 = Instant::now();
        node.client.submit(&tx)?;
        loop {
            match node.client.tx_status(&hash)? {
                Some(TxStatus::Finalized { .. }) | Some(TxStatus::Failed { .. }) => break,
                _ => std::thread::sleep(Duration::from_micros(500)),
            }
            if t0.elapsed() > Duration::from_secs(30) {
                bail!("transaction {hash} not finalized within 30 s");
            }
        }
        Ok(t0.elapsed().as_secs_f64() * 1000.0)
    };
    finalize(count)?;
    let mut latencies = Vec::with_capacity(count);
    for i in 0..count {
        latencies.push(finalize(i)?);
        // Spread submissions over block boundaries.
        std::thread::sleep(Duration::from_millis(7 * (i as u64 % 5)));
    }
    latencies.sort_by(f64::total_cmp);
    Ok(latencies)
}

/// `proof`: light-client proof size and verification time (value and absence).
fn bench_proof(node: &BenchNode, runs: usize) -> anyhow::Result<Vec<Figure>> {
    let (genesis, _) = setup::read_genesis(&node.genesis_path)?;
    let identity = GroupIdentity::from_genesis(&genesis)?;
    let present = genesis
        .personnel
        .as_slice()
        .first()
        .context("no genesis personnel")?
        .account
        .clone();
    let absent = PrivateKey::generate().public_key();
    let mut figures = Vec::new();
    for (label, who) in [("value", present), ("absence", absent)] {
        let resp = node.client.personnel(&who, true)?;
        let proof = resp.proof.context("the node returned no proof")?;
        let size = proof.encode().len();
        let json = serde_json::to_vec(&proof)?.len();
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let t0 = Instant::now();
            verify_state_proof(&proof, &identity)?;
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        let median = percentile(&times, 50.0);
        figures.push(Figure {
            bench: "proof",
            metric: format!("{label} proof size (binary; {json} B as JSON)"),
            value: size as f64,
            unit: "B",
            goal: Some("≤ 2048 B".into()),
            met: Some(size <= 2048),
        });
        figures.push(Figure {
            bench: "proof",
            metric: format!("{label} proof verification, median of {runs}"),
            value: median,
            unit: "ms",
            goal: Some("≤ 1 ms".into()),
            met: Some(median <= 1.0),
        });
    }
    Ok(figures)
}

fn print_table(report: &Report) {
    let m = &report.machine;
    println!(
        "aigov bench — {} cores, {}, {} build{}",
        m.cores,
        m.cpu,
        m.build,
        if report.quick {
            ", --quick (smoke run: figures are rough)"
        } else {
            ""
        }
    );
    println!(
        "{:<10} {:<58} {:>14} {:<6} {:<16} met",
        "bench", "metric", "value", "unit", "goal"
    );
    for f in &report.figures {
        let met = match f.met {
            Some(true) => "yes",
            Some(false) => "no",
            None => "",
        };
        println!(
            "{:<10} {:<58} {:>14.3} {:<6} {:<16} {}",
            f.bench,
            f.metric,
            f.value,
            f.unit,
            f.goal.clone().unwrap_or_default(),
            met
        );
    }
}

/// `aigov bench …`.
pub fn run(global: &Global, args: &BenchArgs) -> anyhow::Result<ExitCode> {
    if cfg!(debug_assertions) && !args.quick {
        eprintln!("warning: this is a debug build; build with --release for meaningful figures");
    }
    let quick = args.quick;
    let what = args.what.unwrap_or(BenchWhat::All);
    if what == BenchWhat::Sim {
        return run_sim(global, args);
    }
    let mut figures = Vec::new();
    let wants = |w: BenchWhat| what == BenchWhat::All || what == w;
    // Bench nodes keep running until the process exits; their folders are removed (on drop)
    // only after the report, so no node loses its files while it still runs.
    let mut nodes = Vec::new();

    // The ceiling, measured in the same run as everything it is compared with.
    let limit = bench_limit(Duration::from_millis(if quick { 300 } else { 3000 }));
    figures.push(Figure {
        bench: "limit",
        metric: format!("single Ed25519 verifications/s on {} cores", cores()),
        value: limit,
        unit: "1/s",
        goal: None,
        met: None,
    });

    if wants(BenchWhat::Tx) || wants(BenchWhat::Finality) || wants(BenchWhat::Proof) {
        let node = start_node()?;
        if wants(BenchWhat::Tx) {
            let (tps, submit_rate) = bench_tx(&node, if quick { 500 } else { 20_000 })?;
            figures.push(Figure {
                bench: "tx",
                metric: "finalized registrations/s, one validator, via HTTP".into(),
                value: tps,
                unit: "tx/s",
                goal: None,
                met: None,
            });
            figures.push(Figure {
                bench: "tx",
                metric: "  ratio to limit".into(),
                value: tps / limit,
                unit: "",
                goal: Some("≥ 0.5".into()),
                met: Some(tps / limit >= 0.5),
            });
            figures.push(Figure {
                bench: "tx",
                metric: "  admission rate (HTTP submit, 4 client threads)".into(),
                value: submit_rate,
                unit: "tx/s",
                goal: None,
                met: None,
            });
        }
        if wants(BenchWhat::Finality) {
            let lat = bench_finality(&node, if quick { 20 } else { 300 })?;
            let (p50, p99) = (percentile(&lat, 50.0), percentile(&lat, 99.0));
            figures.push(Figure {
                bench: "finality",
                metric: format!("submit→finalized p50, one validator ({} txs)", lat.len()),
                value: p50,
                unit: "ms",
                goal: None,
                met: None,
            });
            figures.push(Figure {
                bench: "finality",
                metric: "submit→finalized p99, one validator".into(),
                value: p99,
                unit: "ms",
                goal: None,
                met: None,
            });
        }
        if wants(BenchWhat::Proof) {
            figures.extend(bench_proof(&node, if quick { 50 } else { 1000 })?);
        }
        nodes.push(node);
    }
    if wants(BenchWhat::Gov) {
        let voters = if quick { 500 } else { 10_000 };
        eprintln!("gov: starting a validator with {voters} voters in its genesis…");
        let node = start_network(1, voters)?;
        let rate = bench_votes(&node, voters)?;
        nodes.push(node);
        figures.push(Figure {
            bench: "gov",
            metric: format!("finalized ballots/s on one proposal, one validator ({voters} voters)"),
            value: rate,
            unit: "tx/s",
            goal: None,
            met: None,
        });
        figures.push(Figure {
            bench: "gov",
            metric: "  ratio to limit".into(),
            value: rate / limit,
            unit: "",
            goal: None,
            met: None,
        });
    }
    if wants(BenchWhat::Tally) {
        let people = if quick { 1_000 } else { 10_000 };
        eprintln!("tally: seating {people} personnel and casting their ballots…");
        let t = crate::bench_tally::bench_tally(people, if quick { 3 } else { 21 })?;
        figures.push(Figure {
            bench: "tally",
            metric: format!(
                "tally of {} ballots, 25 members, concurrent majority (median)",
                t.ballots
            ),
            value: t.median_ms,
            unit: "ms",
            goal: None,
            met: None,
        });
        figures.push(Figure {
            bench: "tally",
            metric: "  building that state (genesis, proposal, every vote)".into(),
            value: t.setup_ms,
            unit: "ms",
            goal: None,
            met: None,
        });
    }
    if wants(BenchWhat::Drip) {
        // Largest last: the resident set only grows, so each figure is an upper bound for
        // its size.
        let sizes: &[usize] = if quick {
            &[10_000]
        } else {
            &[100_000, 1_000_000]
        };
        for &devices in sizes {
            eprintln!("drip: seeding {devices} active devices…");
            let d = crate::bench_drip::bench_drip(devices)?;
            figures.push(Figure {
                bench: "drip",
                metric: format!(
                    "permits issued+committed/s, {devices} devices (report → next permit)"
                ),
                value: d.steady_per_s,
                unit: "1/s",
                goal: Some("≥ 16,700/s".into()),
                met: Some(d.steady_per_s >= 16_700.0),
            });
            figures.push(Figure {
                bench: "drip",
                metric: format!("  initial drip, {devices} devices (no reports)"),
                value: d.initial_per_s,
                unit: "1/s",
                goal: None,
                met: None,
            });
            figures.push(Figure {
                bench: "drip",
                metric: format!(
                    "  resident memory after {devices} devices (in-memory state; seeded in {:.1} s)",
                    d.seed_s
                ),
                value: d.rss_mib,
                unit: "MiB",
                goal: Some("≤ 2048 MiB".into()),
                met: Some(d.rss_mib <= 2048.0),
            });
        }
    }
    if wants(BenchWhat::Finality) {
        eprintln!("finality: starting 4 validators on loopback…");
        let net = start_network(4, 0)?;
        let lat = bench_finality(&net, if quick { 20 } else { 200 })?;
        nodes.push(net);
        let (p50, p99) = (percentile(&lat, 50.0), percentile(&lat, 99.0));
        figures.push(Figure {
            bench: "finality",
            metric: format!(
                "submit→finalized p50, 4 validators, loopback p2p ({} txs)",
                lat.len()
            ),
            value: p50,
            unit: "ms",
            goal: Some("≤ 200 ms".into()),
            met: Some(p50 <= 200.0),
        });
        figures.push(Figure {
            bench: "finality",
            metric: "submit→finalized p99, 4 validators, loopback p2p".into(),
            value: p99,
            unit: "ms",
            goal: None,
            met: None,
        });
    }
    // Fault simulation: correctness over seeds rather than speed. In the all-benches run it
    // takes QUICK_SEEDS seeds with --quick (a few seconds in release) and --seeds otherwise.
    let mut sim_ok = true;
    if wants(BenchWhat::Sim) {
        let seeds = sim_seeds(args);
        eprintln!("sim: every fault scenario over {seeds} seeds…");
        let results = bench_sim::bench_sim(seeds);
        sim_ok = bench_sim::all_passed(&results);
        for r in &results {
            figures.push(Figure {
                bench: "sim",
                metric: format!("{}: seeds passed", r.scenario),
                value: r.passed as f64,
                unit: "",
                goal: Some(format!("all {}", r.seeds_run)),
                met: Some(r.failed.is_empty()),
            });
        }
    }
    let report = Report {
        machine: machine(),
        quick,
        figures,
    };
    emit(global, args, &report, print_table)?;
    drop(nodes);
    Ok(if sim_ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Writes `report` to `--out` if given, then prints it as JSON (`--json`) or with `text`.
fn emit<T: Serialize>(
    global: &Global,
    args: &BenchArgs,
    report: &T,
    text: impl FnOnce(&T),
) -> anyhow::Result<()> {
    if let Some(path) = &args.out {
        setup::write_atomic(path, &serde_json::to_vec_pretty(report)?)?;
        eprintln!("wrote {}", path.display());
    }
    if global.json {
        println!("{}", serde_json::to_string_pretty(report)?);
    } else {
        text(report);
    }
    Ok(())
}

fn sim_seeds(args: &BenchArgs) -> u64 {
    args.seeds.unwrap_or(if args.quick {
        bench_sim::QUICK_SEEDS
    } else {
        bench_sim::DEFAULT_SEEDS
    })
}

/// What `aigov bench sim --out` writes.
#[derive(Serialize)]
struct SimReport {
    machine: Machine,
    seeds: u64,
    scenarios: Vec<bench_sim::ScenarioResult>,
    passed: bool,
}

/// `aigov bench sim`: every fault scenario over `--seeds` seeds; exit code 1 if any failed.
fn run_sim(global: &Global, args: &BenchArgs) -> anyhow::Result<ExitCode> {
    let seeds = sim_seeds(args);
    let started = Instant::now();
    let scenarios = bench_sim::bench_sim(seeds);
    let report = SimReport {
        machine: machine(),
        seeds,
        passed: bench_sim::all_passed(&scenarios),
        scenarios,
    };
    emit(global, args, &report, |r| {
        let m = &r.machine;
        println!(
            "aigov bench sim — {seeds} seeds per scenario, {} cores, {} build, {:.1} s",
            m.cores,
            m.build,
            started.elapsed().as_secs_f64()
        );
        bench_sim::print_table(&r.scenarios);
    })?;
    Ok(if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
