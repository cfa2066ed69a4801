//! `aigov bench drip`: OTK permits issued and committed per second with many active devices.
//!
//! It runs in process on the state machine (no consensus, no HTTP), over an in-memory store:
//! 1. **Seeding** writes `devices` Active hardware records (each with its own Ed25519 device
//!    key and a funded account), one approved model, one workload and one Running run per
//!    device straight into state, with the drip queue holding every run. Registering a million
//!    devices through inspections and votes would measure governance, not the drip; the
//!    records are the same types the registry writes.
//! 2. **Initial drip**: empty blocks until the queue drains, each run receiving its permit in
//!    use and one queued ahead ([OUTSTANDING_MAX](aigov_types::workload::OUTSTANDING_MAX)).
//! 3. **Steady state** (the figure): every device reports the usage of its oldest permit
//!    (`otk.report_usage`, signed by the device key, verified in `Mode::Verify` like a block
//!    from a peer), and the end-of-block drip issues its next permit. Permits per second
//!    counts issued permits over the wall time of building, verifying, executing and
//!    committing (applying to the store) those blocks.
//!
//! Node memory is the process's resident set after the run.

use aigov_client::build_tx;
use aigov_state::{BlockContext, MemStore, Mode, execute_block};
use aigov_types::codec::{BoundedString, BoundedVec, Encode, Hash, Slug};
use aigov_types::genesis::{Genesis, Params};
use aigov_types::hardware::{AcceleratorKind, ComputeParams, Hardware, HardwareStatus};
use aigov_types::model::{Model, ModelStatus, Phase, PhaseBudgets, Scope};
use aigov_types::otk::{OtkCall, ReportUsage};
use aigov_types::personnel::Member;
use aigov_types::workload::{Run, RunStatus, Workload};
use aigov_types::{Account, Call, PrivateKey, PublicKey};
use anyhow::{Context as _, anyhow};
use bytes::Bytes;
use futures::executor::block_on;
use std::collections::BTreeMap;
use std::time::Instant;

const GENESIS_MS: u64 = 1_800_000_000_000;
const BLOCK_MS: u64 = 1_000;
/// Transactions per block in the steady state (the chain's own block limit is 4,096).
const BLOCK_TXS: usize = 4_000;

/// What the drip benchmark measured.
pub struct DripFigures {
    /// Permits issued and committed per second in the steady state (report → next permit).
    pub steady_per_s: f64,
    /// Permits issued per second by the initial drip (no reports).
    pub initial_per_s: f64,
    /// Resident memory after the run, MiB.
    pub rss_mib: f64,
    /// Seeding time, s.
    pub seed_s: f64,
}

fn big() -> PhaseBudgets {
    PhaseBudgets {
        pre_train: u64::MAX / 4,
        post_train: u64::MAX / 4,
        inference: u64::MAX / 4,
    }
}

/// Resident set size of this process, MiB (0 where /proc is missing).
pub fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn put(w: &mut BTreeMap<Vec<u8>, Option<Vec<u8>>>, key: Vec<u8>, value: &impl Encode) {
    w.insert(key, Some(value.encode().to_vec()));
}

/// Seeds `devices` devices, drains the initial drip and measures the steady state.
pub fn bench_drip(devices: usize) -> anyhow::Result<DripFigures> {
    let seed_start = Instant::now();
    let slug = |s: &str| Slug::new(s).map_err(|e| anyhow!("{s}: {e}"));
    let genesis = Genesis {
        chain_id: slug("aigov-bench-drip")?,
        genesis_time_ms: GENESIS_MS,
        params: Params::default(),
        governance: Default::default(),
        members: BoundedVec::truncating(vec![Member {
            id: slug("m0")?,
            name: BoundedString::new("Member").unwrap_or_default(),
            seats_per_tier: BoundedVec::truncating(vec![1, 1, 1]),
        }]),
        organisations: BoundedVec::truncating(Vec::new()),
        personnel: BoundedVec::truncating(Vec::new()),
        accounts: BoundedVec::truncating(Vec::new()),
        pool_gas: 1_000_000_000,
        economy: Default::default(),
        treasury_supply: 0,
        whistleblower_key: None,
        validators: BoundedVec::truncating(Vec::new()),
        group_polynomial: Default::default(),
        blocks_per_epoch: aigov_chain::setup::DEMO_BLOCKS_PER_EPOCH,
        epoch0: Default::default(),
    };
    let mut store = MemStore::default();
    let mut height = 0u64;
    let mut time = GENESIS_MS;
    let mut apply = |store: &mut MemStore, txs: &[Bytes], mode: Mode| -> anyhow::Result<usize> {
        height += 1;
        time += BLOCK_MS;
        let ctx = BlockContext::unseeded(height, time);
        let out = block_on(execute_block(&*store, &genesis, ctx, txs, mode))?;
        store.apply(&out.writes);
        Ok(out
            .events
            .iter()
            .filter(|e| matches!(e.event, aigov_types::Event::OtkIssued(_)))
            .count())
    };
    apply(&mut store, &[], Mode::Verify)?;

    // Seed: the records the registries would hold after registration, inspection and votes.
    let keys: Vec<PrivateKey> = (0..devices)
        .map(|i| {
            let mut seed = [7u8; 32];
            seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
            PrivateKey::from_seed_bytes(seed)
        })
        .collect();
    let owner = slug("lab")?;
    let operator = slug("dc")?;
    let anyone = keys.first().context("at least one device")?.public_key();
    let mut w = BTreeMap::new();
    let params = ComputeParams {
        drip_per_block_max: 50_000,
        ..ComputeParams::default()
    };
    put(&mut w, aigov_state::hardware::keys::params(), &params);
    let model = Model {
        id: 1,
        owner: owner.clone(),
        name: BoundedString::new("bench-model").unwrap_or_default(),
        purpose: BoundedString::new("benchmark").unwrap_or_default(),
        scope: Scope::General,
        phase: Phase::PreTrain,
        parent: None,
        container_id: Hash::digest(&[b"bench-model"]),
        documentation: Hash::default(),
        planned_training_compute: 0,
        tier: Some(1),
        budgets: big(),
        committed: PhaseBudgets::default(),
        status: ModelStatus::Training,
        provenance: None,
        registered_by: anyone.clone(),
        registered_height: 1,
    };
    put(&mut w, aigov_state::models::keys::model(1), &model);
    put(&mut w, aigov_state::models::keys::count(), &1u64);
    let workload = Workload {
        id: 1,
        model: 1,
        owner,
        phase: Phase::PreTrain,
        budget: u64::MAX / 4,
        committed: 0,
        runs: u32::try_from(devices)?,
        created_by: anyone.clone(),
        created_height: 1,
    };
    put(&mut w, aigov_state::workloads::keys::workload(1), &workload);
    put(&mut w, aigov_state::workloads::keys::count(), &1u64);
    for (i, k) in keys.iter().enumerate() {
        let id = i as u64 + 1;
        let device: PublicKey = k.public_key();
        let hw = Hardware {
            id,
            operator: operator.clone(),
            device_key: device.clone(),
            accelerator: AcceleratorKind::NvidiaHopper,
            region: BoundedString::new("eu-north").unwrap_or_default(),
            capabilities: BoundedVec::truncating(Vec::new()),
            status: HardwareStatus::Active,
            budgets: big(),
            committed: PhaseBudgets::default(),
            last_inspection: None,
            last_pass_ms: GENESIS_MS,
            inspection_due_ms: u64::MAX,
            status_height: 1,
            seq: 0,
            runs: BoundedVec::truncating(vec![id]),
            registered_by: anyone.clone(),
            registered_height: 1,
            // Not bound to a Hardware template: the drip bench measures permits only.
            template: 0,
            challenge: 0,
            integrity_failures: 0,
        };
        put(&mut w, aigov_state::hardware::keys::hardware(id), &hw);
        put(&mut w, aigov_state::hardware::keys::device(&device), &id);
        let run = Run {
            id,
            workload: 1,
            model: 1,
            hardware: id,
            phase: Phase::PreTrain,
            budget: u64::MAX / 4,
            committed: 0,
            used: 0,
            stages: 1,
            stage: 0,
            status: RunStatus::Running,
            halt: None,
            outstanding: BoundedVec::truncating(Vec::new()),
            permits: 0,
            started_by: anyone.clone(),
            started_height: 1,
        };
        put(&mut w, aigov_state::workloads::keys::run(id), &run);
        put(&mut w, aigov_state::otk::keys::queue_at(i as u64), &id);
        put(
            &mut w,
            aigov_state::accounts::keys::account(&device),
            &Account {
                nonce: 0,
                gas: 1_000_000_000,
            },
        );
    }
    put(
        &mut w,
        aigov_state::hardware::keys::count(),
        &(devices as u64),
    );
    put(
        &mut w,
        aigov_state::workloads::keys::run_count(),
        &(devices as u64),
    );
    put(&mut w, aigov_state::otk::keys::queue_head(), &0u64);
    put(
        &mut w,
        aigov_state::otk::keys::queue_tail(),
        &(devices as u64),
    );
    store.apply(&w);
    drop(w);
    let seed_s = seed_start.elapsed().as_secs_f64();

    // The initial drip: every run gets its permit in use and one queued ahead.
    let start = Instant::now();
    let mut issued = 0usize;
    while issued < 2 * devices {
        let n = apply(&mut store, &[], Mode::Verify)?;
        anyhow::ensure!(n > 0, "the drip stalled after {issued} permits");
        issued += n;
    }
    let initial_per_s = issued as f64 / start.elapsed().as_secs_f64();

    // The steady state: each device reports its oldest permit and gets the next. The devices
    // sign their reports first (that is the agents' work, not the node's); the clock runs over
    // the blocks only.
    let mut blocks = Vec::new();
    for (chunk_index, chunk) in keys.chunks(BLOCK_TXS).enumerate() {
        let txs: Vec<Bytes> = chunk
            .iter()
            .enumerate()
            .map(|(j, k)| {
                let run = (chunk_index * BLOCK_TXS + j) as u64 + 1;
                let r = block_on(aigov_state::workloads::run(&store, run))?
                    .context("a seeded run is missing")?;
                let otk_id = *r
                    .outstanding
                    .as_slice()
                    .first()
                    .context("a run without a permit")?;
                let call = Call::Otk(OtkCall::ReportUsage(ReportUsage {
                    otk_id,
                    used: 500,
                    stage_done: false,
                    telemetry: None,
                }));
                Ok(Bytes::from(
                    build_tx(k, &genesis.chain_id, 0, 100_000, call)
                        .encode()
                        .to_vec(),
                ))
            })
            .collect::<anyhow::Result<_>>()?;
        blocks.push(txs);
    }
    let start = Instant::now();
    let mut steady = 0usize;
    for txs in &blocks {
        steady += apply(&mut store, txs, Mode::Verify)?;
    }
    // Runs woken in the last block are served at the end of that same block.
    let steady_per_s = steady as f64 / start.elapsed().as_secs_f64();
    anyhow::ensure!(
        steady == devices,
        "the steady state issued {steady} permits for {devices} reports"
    );
    Ok(DripFigures {
        steady_per_s,
        initial_per_s,
        rss_mib: rss_mib(),
        seed_s,
    })
}
