//! Fault simulation: whole validators on Commonware's deterministic runtime and simulated
//! network, seeded and reproducible, under a [Scenario] of faults (lossy and slow links,
//! partitions and heals, abrupt stops and restarts, an unclean shutdown of every validator with
//! torn writes, up to f Byzantine validators), with real signed transactions flowing.
//!
//! [run] plays a scenario for one seed and checks, returning a typed [Failure] rather than
//! panicking:
//! - finalized blocks never conflict: two validators never finalize different state at one
//!   height (sampled while running), and at the end every honest validator holds the same
//!   blocks, each linking to its parent;
//! - nothing finalized is lost: a restarted validator still holds every block it had
//!   finalized, blocks known final before an unclean shutdown survive it, and every submitted
//!   transaction ends with the same receipt at every honest validator (a client resubmits what
//!   a crash took from a mempool, as a real client does);
//! - state roots agree: each honest validator's own database produced the state root of the
//!   block at its committed height;
//! - liveness returns: once the last fault has ended, the honest validators finalize
//!   [LIVENESS_BLOCKS] more blocks and every transaction within [LIVENESS_MS] of simulated time;
//! - the faults happened: partitions applied and healed, validators stopped and restarted,
//!   Byzantine messages sent, spoiled proposals made and refused, spammers blocked;
//! - a full node (no key share) started late backfills and follows: it ends with the same
//!   blocks and receipts as the validators, its own database produced the state root of its
//!   committed block, transactions submitted to it were finalized and left its mempool, and no
//!   validator blocked it.
//!
//! Same seed, same run: every random choice comes from the seed (see [harness]).

pub mod byzantine;
pub mod harness;

use crate::app::{Tamper, TamperKind};
use aigov_api::Backend as _;
use aigov_types::proof::{CONSENSUS_NAMESPACE, Scheme};
use aigov_types::{Hash, Receipt, TxHash};
use byzantine::Mock;
use commonware_cryptography::{Digestible as _, ed25519, sha256::Digest};
use commonware_runtime::{Clock as _, Runner as _, Supervisor as _, deterministic};
use commonware_utils::{Probability, ordered::Set};
use harness::{Ctx, NetOracle, Setup, Validator};
use rand::RngExt as _;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

/// Blocks the honest validators must finalize after the last fault ends.
pub const LIVENESS_BLOCKS: u64 = 5;
/// Simulated time the chain has, after the last fault ends, to finalize [LIVENESS_BLOCKS] more
/// blocks and every transaction.
pub const LIVENESS_MS: u64 = 60_000;
/// Simulated time a run may take before the first fault ends.
pub const FAULT_PHASE_MS: u64 = 120_000;
/// A client resubmits a transaction not final after this long (simulated).
const RESUBMIT_MS: u64 = 3_000;
/// Heights per epoch in the epoch scenarios: each ceremony has ten blocks to deal before the
/// midpoint and ten to gather the dealer logs after it.
pub const EPOCH_SCENARIO_BLOCKS: u64 = 20;
/// Invalid transactions a spammer gossips: enough for every peer's [crate::gossip::MAX_STRIKES].
const SPAM_COUNT: u64 = 3 * crate::gossip::MAX_STRIKES as u64;

/// Links between every ordered pair of validators.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Links {
    /// Shortest one-way latency (each pair draws its own from the seed).
    pub latency_ms_min: u64,
    /// Longest one-way latency.
    pub latency_ms_max: u64,
    /// Jitter around a pair's latency.
    pub jitter_ms: u64,
    /// Share of messages delivered, in percent.
    pub delivered_percent: u64,
}

impl Links {
    /// Reliable links of 10–50 ms.
    pub const RELIABLE: Links = Links {
        latency_ms_min: 10,
        latency_ms_max: 50,
        jitter_ms: 5,
        delivered_percent: 100,
    };
}

/// When a partition heals.
#[derive(Clone, Copy, Debug, Serialize)]
pub enum Heal {
    /// When the honest validators' highest finalized tip reaches this height (the majority side
    /// must keep finalizing for that).
    AtHeight(u64),
    /// This long after the partition (for splits where no side has a quorum).
    AfterMs(u64),
}

/// A network partition: `side` is cut off from the others, both ways.
#[derive(Clone, Debug, Serialize)]
pub struct Partition {
    /// Validators on one side.
    pub side: Vec<usize>,
    /// Applied when the highest finalized tip reaches this height.
    pub at_height: u64,
    /// When it heals.
    pub heal: Heal,
}

/// An abrupt stop of one validator: every task aborted where it stands, possibly mid-write;
/// its storage stays as written, and it restarts on it.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Crash {
    /// The validator.
    pub who: usize,
    /// Stopped when the highest finalized tip reaches this height.
    pub at_height: u64,
    /// Restarted this long after.
    pub down_ms: u64,
}

/// An unclean shutdown of every validator at once (power loss): writes not yet synced are lost,
/// and with `torn_writes` each keeps a random prefix; then all restart on what is left.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Shutdown {
    /// Reached by the highest finalized tip; the shutdown follows a seeded 0–400 ms later.
    pub at_height: u64,
    /// Keep a random prefix of unsynced writes rather than dropping them whole.
    pub torn_writes: bool,
}

/// How Byzantine validators misbehave.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ByzantineKind {
    /// Commonware's nuller mock: nullify and finalize the same view.
    Nuller,
    /// Commonware's conflicter mock: a vote for a random digest beside every real vote.
    Conflicter,
    /// Commonware's equivocator mock: two proposals per view it leads.
    Equivocator,
    /// An honest engine whose proposals claim a wrong state root.
    BadStateRoot,
    /// An honest engine whose proposals carry a badly signed transaction.
    BadTx,
    /// An honest engine whose proposals carry the group's seed of the wrong round (its
    /// parent's parent's), executed with that seed's randomness.
    BadSeed,
    /// An honest engine that also gossips never-valid transactions.
    TxSpam,
}

/// Byzantine validators: the last `count` validators, all of one kind.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Byzantine {
    /// What they do.
    pub kind: ByzantineKind,
    /// How many (at most f of 3f+1, counting crashed ones).
    pub count: usize,
}

/// The faults of a scenario.
#[derive(Clone, Debug, Serialize)]
pub struct Faults {
    /// Every link, from the start.
    pub links: Links,
    /// A partition.
    pub partition: Option<Partition>,
    /// Abrupt stops of single validators.
    pub crashes: Vec<Crash>,
    /// An unclean shutdown of the whole network.
    pub shutdown: Option<Shutdown>,
    /// Byzantine validators.
    pub byzantine: Option<Byzantine>,
}

impl Faults {
    /// Reliable links and nothing else.
    pub fn none() -> Self {
        Self {
            links: Links::RELIABLE,
            partition: None,
            crashes: Vec::new(),
            shutdown: None,
            byzantine: None,
        }
    }
}

/// A full node (no key share, a secondary peer of the validators) that starts late: it must
/// backfill the blocks finalized before it started, then follow the tip. Once it runs, every
/// second transaction is submitted to it (and resubmitted only to it), so it must gossip them.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LateFullNode {
    /// Started when the validators' highest finalized tip reaches this height.
    pub at_height: u64,
}

/// A named simulation: validators, faults, and the transactions a client submits meanwhile.
#[derive(Clone, Debug, Serialize)]
pub struct Scenario {
    /// Short name (`partition-minority`, `byz-nuller`, …).
    pub name: &'static str,
    /// Number of validators (3f+1).
    pub validators: usize,
    /// The faults.
    pub faults: Faults,
    /// Transactions submitted (registrations from fresh keys).
    pub txs: usize,
    /// Spacing of submissions, simulated.
    pub tx_every_ms: u64,
    /// Height every honest validator must reach at least.
    pub min_height: u64,
    /// A full node that joins late.
    pub full_node: Option<LateFullNode>,
    /// Heights per epoch: at each epoch's end the validators reshare the group key (the
    /// committee deals itself fresh shares of the same secret) and simplex restarts in the next
    /// epoch. [harness::SIM_BLOCKS_PER_EPOCH] keeps a run inside epoch 0.
    pub blocks_per_epoch: u64,
}

impl Scenario {
    fn base(name: &'static str, faults: Faults) -> Self {
        Self {
            name,
            validators: 4,
            faults,
            txs: 12,
            tx_every_ms: 250,
            min_height: 20,
            full_node: None,
            blocks_per_epoch: harness::SIM_BLOCKS_PER_EPOCH,
        }
    }

    /// A run through several short epochs: `min_height` crosses three boundaries.
    fn epochs(name: &'static str, faults: Faults) -> Self {
        Self {
            blocks_per_epoch: EPOCH_SCENARIO_BLOCKS,
            min_height: 3 * EPOCH_SCENARIO_BLOCKS + 10,
            ..Self::base(name, faults)
        }
    }

    fn byzantine(name: &'static str, kind: ByzantineKind) -> Self {
        Self::base(
            name,
            Faults {
                byzantine: Some(Byzantine { kind, count: 1 }),
                ..Faults::none()
            },
        )
    }

    /// Every scenario kind: four validators (f = 1), and seven with two Byzantine (f = 2).
    pub fn all() -> Vec<Scenario> {
        vec![
            Self::base(
                "lossy-links",
                Faults {
                    links: Links {
                        latency_ms_min: 10,
                        latency_ms_max: 50,
                        jitter_ms: 10,
                        delivered_percent: 80,
                    },
                    ..Faults::none()
                },
            ),
            Self::base(
                "slow-links",
                Faults {
                    links: Links {
                        latency_ms_min: 150,
                        latency_ms_max: 400,
                        jitter_ms: 50,
                        delivered_percent: 100,
                    },
                    ..Faults::none()
                },
            ),
            Self::base(
                "partition-minority",
                Faults {
                    partition: Some(Partition {
                        side: vec![3],
                        at_height: 5,
                        heal: Heal::AtHeight(15),
                    }),
                    ..Faults::none()
                },
            ),
            Self::base(
                "partition-split",
                Faults {
                    partition: Some(Partition {
                        side: vec![0, 1],
                        at_height: 5,
                        heal: Heal::AfterMs(4_000),
                    }),
                    ..Faults::none()
                },
            ),
            Self::base(
                "crash-restart",
                Faults {
                    crashes: vec![
                        Crash {
                            who: 2,
                            at_height: 5,
                            down_ms: 2_000,
                        },
                        Crash {
                            who: 0,
                            at_height: 14,
                            down_ms: 1_000,
                        },
                    ],
                    ..Faults::none()
                },
            ),
            Self::base(
                "unclean-shutdown",
                Faults {
                    shutdown: Some(Shutdown {
                        at_height: 8,
                        torn_writes: true,
                    }),
                    ..Faults::none()
                },
            ),
            // A full node joins at height 8: backfills, follows, and relays transactions.
            Self {
                txs: 16,
                tx_every_ms: 400,
                full_node: Some(LateFullNode { at_height: 8 }),
                ..Self::base("full-node-late", Faults::none())
            },
            Self::byzantine("byz-nuller", ByzantineKind::Nuller),
            Self::byzantine("byz-conflicter", ByzantineKind::Conflicter),
            Self::byzantine("byz-equivocator", ByzantineKind::Equivocator),
            Self::byzantine("byz-bad-state-root", ByzantineKind::BadStateRoot),
            Self::byzantine("byz-bad-tx", ByzantineKind::BadTx),
            Self::byzantine("byz-bad-seed", ByzantineKind::BadSeed),
            Self::byzantine("byz-tx-spam", ByzantineKind::TxSpam),
            // f = 2: two nullers among seven. (Two conflicters answer each other's votes
            // with more votes: a message storm that costs minutes of real time per run.)
            Self {
                validators: 7,
                faults: Faults {
                    byzantine: Some(Byzantine {
                        kind: ByzantineKind::Nuller,
                        count: 2,
                    }),
                    ..Faults::none()
                },
                ..Self::base("byz-2-of-7-nullers", Faults::none())
            },
            // Everything at once within f = 2 of 7: lossy links, an equivocating leader, one
            // validator cut off for a while, then another stopped abruptly and restarted.
            Self {
                validators: 7,
                faults: Faults {
                    links: Links {
                        latency_ms_min: 10,
                        latency_ms_max: 80,
                        jitter_ms: 10,
                        delivered_percent: 90,
                    },
                    partition: Some(Partition {
                        side: vec![1],
                        at_height: 4,
                        heal: Heal::AtHeight(10),
                    }),
                    crashes: vec![Crash {
                        who: 2,
                        at_height: 12,
                        down_ms: 1_500,
                    }],
                    byzantine: Some(Byzantine {
                        kind: ByzantineKind::Equivocator,
                        count: 1,
                    }),
                    ..Faults::none()
                },
                // The equivocator acts only when it leads the view after a certificate it
                // received (one view in seven, some lost to the links): a longer run makes
                // sure it gets its turns.
                min_height: 40,
                ..Self::base("mixed-7", Faults::none())
            },
            // Epochs of 20 blocks: the group key is reshared at every boundary and stays the
            // one every certificate verifies against; a full node that joins in epoch 1 must
            // backfill across a boundary and stay in every later epoch's peer set.
            // Submissions last about 13 s of simulated time, so some reach the full node
            // whenever the boundary's ceremony delays it.
            Self {
                full_node: Some(LateFullNode { at_height: 22 }),
                txs: 16,
                tx_every_ms: 800,
                ..Self::epochs("epochs", Faults::none())
            },
            // A validator stopped abruptly just before a boundary, restarted in the next epoch:
            // it must take its share for that epoch from its secret store and catch up.
            Self::epochs(
                "epochs-crash-at-boundary",
                Faults {
                    crashes: vec![Crash {
                        who: 1,
                        at_height: EPOCH_SCENARIO_BLOCKS - 2,
                        down_ms: 3_000,
                    }],
                    ..Faults::none()
                },
            ),
            // Power lost across the network mid-epoch, writes torn: every validator must come
            // back with the shares and dealings it had synced, and finish the ceremony.
            Self::epochs(
                "epochs-unclean-shutdown",
                Faults {
                    shutdown: Some(Shutdown {
                        at_height: EPOCH_SCENARIO_BLOCKS + 12,
                        torn_writes: true,
                    }),
                    ..Faults::none()
                },
            ),
        ]
    }

    /// The scenario of [Scenario::all] named `name`.
    pub fn named(name: &str) -> Option<Scenario> {
        Self::all().into_iter().find(|s| s.name == name)
    }

    /// Checks the scenario is one the chain must survive: at most f validators faulty at once
    /// (Byzantine plus stopped), indices in range.
    pub fn validate(&self) -> Result<(), Failure> {
        let n = self.validators;
        let f = n.saturating_sub(1) / 3;
        let invalid = |m: String| Err(Failure::InvalidScenario(m));
        if n == 0 {
            return invalid("no validators".into());
        }
        let byz = self.faults.byzantine.map_or(0, |b| b.count);
        if byz > f {
            return invalid(format!("{byz} Byzantine validators of {n}; at most {f}"));
        }
        let honest = n - byz;
        for c in &self.faults.crashes {
            if c.who >= honest {
                return invalid(format!("crash of validator {} (not honest)", c.who));
            }
            if byz + 1 > f {
                return invalid(format!("a crash beside {byz} Byzantine validators of {n}"));
            }
        }
        if let Some(p) = &self.faults.partition {
            if p.side.iter().any(|i| *i >= n) || p.side.is_empty() || p.side.len() >= n {
                return invalid(format!("partition side {:?} of {n}", p.side));
            }
            if let Heal::AtHeight(h) = p.heal {
                if h <= p.at_height {
                    return invalid("a partition heals after it starts".into());
                }
                if n - p.side.len() < n - f && p.side.len() < n - f {
                    return invalid("no side of the partition can reach the heal height".into());
                }
            }
        }
        if self.full_node.is_some() && self.faults.shutdown.is_some() {
            return invalid("a full node beside an unclean shutdown".into());
        }
        if self.faults.links.delivered_percent == 0 || self.faults.links.delivered_percent > 100 {
            return invalid("delivered_percent must be 1..=100".into());
        }
        if self.blocks_per_epoch < aigov_types::reshare::MIN_BLOCKS_PER_EPOCH {
            return invalid(format!("{} blocks per epoch", self.blocks_per_epoch));
        }
        Ok(())
    }
}

/// Faults that actually happened during a run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FaultStats {
    /// Partitions applied.
    pub partitions: u32,
    /// Partitions healed.
    pub heals: u32,
    /// Validators stopped abruptly.
    pub crashes: u32,
    /// Validators restarted after an abrupt stop.
    pub restarts: u32,
    /// Unclean shutdowns of the whole network.
    pub shutdowns: u32,
    /// Messages Byzantine validators sent (mock votes or invalid gossiped transactions).
    pub byzantine_messages: u64,
    /// Spoiled proposals Byzantine leaders made.
    pub spoiled_proposals: u64,
    /// Honest validators that blocked a Byzantine peer.
    pub blocked_by: u32,
    /// Blocks finalized before the full node started (it had to backfill them).
    pub full_node_behind: u64,
    /// Transactions submitted to the full node.
    pub full_node_txs: u32,
    /// Epoch boundaries finalized whose reshare succeeded (a new sharing of the same key).
    pub reshares: u32,
    /// Epoch boundaries finalized whose reshare failed (the previous sharing carried over).
    pub failed_reshares: u32,
}

/// What a passing run reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Scenario name.
    pub scenario: &'static str,
    /// Seed.
    pub seed: u64,
    /// Height every honest validator reached and was checked to.
    pub height: u64,
    /// Transactions finalized (all that were submitted).
    pub txs: usize,
    /// Median simulated time from first submission to a finalized receipt.
    pub finality_ms_p50: Option<u64>,
    /// Simulated time the run took.
    pub simulated_ms: u64,
    /// Faults that happened.
    pub faults: FaultStats,
    /// Digest of the block at `height` (the same at every honest validator).
    pub tip: String,
}

/// A check that failed (or a run that could not be set up).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize)]
pub enum Failure {
    /// The scenario asks for more than the chain is built to survive.
    #[error("invalid scenario: {0}")]
    InvalidScenario(String),
    /// A validator did not start or restart.
    #[error("validator {validator} did not start: {reason}")]
    Start {
        /// The validator.
        validator: usize,
        /// Why.
        reason: String,
    },
    /// Two honest validators finalized different blocks or state at one height.
    #[error("conflicting finalized blocks at height {height} (validators {a} and {b})")]
    Conflict {
        /// The height.
        height: u64,
        /// One validator.
        a: usize,
        /// The other.
        b: usize,
    },
    /// A validator's finalized tip went back.
    #[error("validator {validator}: finalized tip went back from {from} to {to}")]
    TipWentBack {
        /// The validator.
        validator: usize,
        /// Tip before.
        from: u64,
        /// Tip after.
        to: u64,
    },
    /// A finalized block is missing, or does not extend its parent.
    #[error("validator {validator} lost the finalized block at height {height}")]
    LostBlock {
        /// The validator.
        validator: usize,
        /// The height.
        height: u64,
    },
    /// A submitted transaction never got a receipt at a validator, or got a different one.
    #[error("validator {validator}: transaction {tx} lost or different (at height {height})")]
    LostTx {
        /// The validator.
        validator: usize,
        /// Transaction hash.
        tx: String,
        /// The height the validator had reached.
        height: u64,
    },
    /// A validator's own database disagrees with the state root of its committed block.
    #[error("validator {validator}: state root at height {height} differs from the block's")]
    StateRoot {
        /// The validator.
        validator: usize,
        /// The height.
        height: u64,
    },
    /// A finalized block's header does not carry the group's seed of its parent's round.
    #[error("the finalized block at height {height} carries a wrong seed")]
    BadSeed {
        /// The height.
        height: u64,
    },
    /// An epoch's last block does not carry the next epoch's `EpochInfo`, or that sharing is
    /// not of the group's key.
    #[error("epoch boundary at height {height}: {reason}")]
    Reshare {
        /// The boundary block's height.
        height: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// A finalized transaction is still pending in a node's mempool.
    #[error("node {node}: finalized transaction {tx} still in the mempool")]
    StaleMempool {
        /// The node.
        node: usize,
        /// Transaction hash.
        tx: String,
    },
    /// A node blocked another that did nothing wrong (the full node).
    #[error("node {by} blocked node {who}")]
    Blocked {
        /// The blocking node.
        by: String,
        /// The blocked node.
        who: usize,
    },
    /// A block proposed by a Byzantine leader that spoils every proposal was finalized.
    #[error("a spoiled block of a Byzantine leader was finalized at height {height}")]
    InvalidBlockFinalized {
        /// The height.
        height: u64,
    },
    /// The chain did not finalize enough blocks and transactions in time.
    #[error(
        "no liveness: finalized tip {height} after {waited_ms} ms (needed {needed}, {pending} txs pending)"
    )]
    Liveness {
        /// Lowest honest finalized tip.
        height: u64,
        /// Height that was needed.
        needed: u64,
        /// Simulated time waited since the last fault ended (or since the start).
        waited_ms: u64,
        /// Transactions not yet final.
        pending: usize,
    },
    /// A fault of the scenario did not happen, so the run proves nothing about it.
    #[error("fault not exercised: {0}")]
    FaultNotApplied(String),
    /// The runtime or an engine panicked.
    #[error("panic: {0}")]
    Panic(String),
}

/// The result of one run.
pub type Outcome = Result<Report, Failure>;

/// Checks the last block of an epoch (height `h`): it carries the next epoch's `EpochInfo`,
/// whose public polynomial keeps the group's key. Counts the outcome.
fn check_boundary(
    setup: &Setup,
    block: &aigov_types::Block,
    h: u64,
    stats: &mut FaultStats,
) -> Result<(), Failure> {
    let fail = |reason: String| Failure::Reshare { height: h, reason };
    let epoch = h / setup.genesis.blocks_per_epoch + 1;
    let Some(aigov_types::reshare::Payload::EpochInfo(info)) = &block.reshare else {
        return Err(fail("no EpochInfo".into()));
    };
    if info.epoch.get() != epoch {
        return Err(fail(format!(
            "EpochInfo of epoch {}, not {epoch}",
            info.epoch.get()
        )));
    }
    if info.output.public().public() != setup.polynomial.public() {
        return Err(fail(format!("epoch {epoch}'s sharing is of another key")));
    }
    match info.outcome {
        commonware_glue::dkg::types::EpochOutcome::Success => stats.reshares += 1,
        commonware_glue::dkg::types::EpochOutcome::Failure => stats.failed_reshares += 1,
    }
    Ok(())
}

/// Plays `scenario` with `seed` and checks it. Never panics on a failed check; a panic inside
/// the engine or runtime is caught and reported as [Failure::Panic].
pub fn run(seed: u64, scenario: &Scenario) -> Outcome {
    scenario.validate()?;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| play(seed, scenario)));
    match result {
        Ok(outcome) => outcome,
        Err(panic) => Err(Failure::Panic(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown".into()),
        )),
    }
}

/// A submitted transaction.
#[derive(Clone)]
struct TxRecord {
    raw: Vec<u8>,
    /// Submitted (and resubmitted) to the full node only.
    via_full_node: bool,
    hash: TxHash,
    first_ms: u64,
    last_ms: u64,
    final_ms: Option<u64>,
}

/// What one life of the network hands to the next (across an unclean shutdown), and finally
/// to the checks.
#[derive(Clone, Default)]
struct Ledger {
    /// State root first seen finalized at each height, by any honest validator.
    roots: BTreeMap<u64, (Hash, usize)>,
    /// Blocks every honest validator had finalized when a shutdown was triggered.
    digests: Vec<Digest>,
    txs: Vec<TxRecord>,
    stats: FaultStats,
    /// When the last fault ended: (simulated ms, highest honest tip).
    calm: Option<(u64, u64)>,
}

/// Shared counters the Byzantine actors add to, across lives.
#[derive(Clone, Default)]
struct Counters {
    messages: Arc<AtomicU64>,
    spoiled: Arc<AtomicU64>,
}

fn runtime_config(seed: u64, scenario: &Scenario) -> deterministic::Config {
    // A backstop only: the run's own deadlines end it first with a typed failure.
    let cfg = harness::config(
        seed,
        Duration::from_millis(FAULT_PHASE_MS + LIVENESS_MS + 120_000),
    );
    match scenario.faults.shutdown {
        Some(s) if s.torn_writes => {
            let rate = |p| Probability::new(p, 100).expect("a percentage");
            cfg.with_storage_fault_config(deterministic::FaultConfig::default().write(
                deterministic::WriteConfig {
                    failure_rate: rate(0),
                    retention_rate: rate(50),
                    mode: deterministic::PartialWriteMode::Prefix,
                },
            ))
        }
        _ => cfg,
    }
}

fn play(seed: u64, scenario: &Scenario) -> Outcome {
    let counters = Counters::default();
    let cfg = runtime_config(seed, scenario);
    let ledger = Ledger::default();
    let result = match scenario.faults.shutdown {
        None => {
            let (s, c) = (scenario.clone(), counters.clone());
            deterministic::Runner::new(cfg)
                .start(|context| async move { life(context, seed, &s, c, ledger, 0).await })
        }
        Some(_) => {
            let (s, c) = (scenario.clone(), counters.clone());
            let (first, checkpoint) =
                deterministic::Runner::new(cfg).start_and_recover(|context| async move {
                    life(context, seed, &s, c, ledger, 0).await
                });
            let ledger = match first {
                Ok(LifeEnd::Shutdown(ledger)) => ledger,
                Ok(LifeEnd::Done(_)) => {
                    return Err(Failure::FaultNotApplied("the shutdown never came".into()));
                }
                Err(e) => return Err(e),
            };
            let (s, c) = (scenario.clone(), counters.clone());
            deterministic::Runner::from(checkpoint)
                .start(|context| async move { life(context, seed, &s, c, ledger, 1).await })
        }
    }?;
    match result {
        LifeEnd::Done(report) => Ok(*report),
        LifeEnd::Shutdown(_) => Err(Failure::FaultNotApplied(
            "a second shutdown was requested".into(),
        )),
    }
}

/// How a life ends.
enum LifeEnd {
    /// Checked; the run is over.
    Done(Box<Report>),
    /// Stopped uncleanly; the next life continues from the ledger.
    Shutdown(Ledger),
}

fn now_ms(context: &Ctx) -> u64 {
    context
        .current()
        .duration_since(UNIX_EPOCH + Duration::from_millis(harness::GENESIS_TIME_MS))
        .map_or(0, |d| d.as_millis() as u64)
}

async fn add_links(
    context: &Ctx,
    oracle: &NetOracle,
    participants: &[ed25519::PublicKey],
    links: &Links,
    pairs: impl Iterator<Item = (usize, usize)>,
) {
    // Latencies come from the runtime's generator, so they change with the seed.
    let mut rng = context.child("links");
    for (a, b) in pairs {
        let latency = rng.random_range(links.latency_ms_min..=links.latency_ms_max);
        // An existing link (never removed) is refused; it keeps its latency.
        let _ = oracle
            .add_link(
                participants[a].clone(),
                participants[b].clone(),
                harness::link(latency, links.jitter_ms, links.delivered_percent),
            )
            .await;
    }
}

fn all_pairs(n: usize) -> impl Iterator<Item = (usize, usize)> {
    (0..n).flat_map(move |a| (0..n).filter(move |b| *b != a).map(move |b| (a, b)))
}

fn cross_pairs(side: &[usize], n: usize) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for a in side {
        for b in (0..n).filter(|b| !side.contains(b)) {
            pairs.push((*a, b));
            pairs.push((b, *a));
        }
    }
    pairs
}

/// One life of the network: start every validator on the storage the previous life left,
/// check nothing finalized was lost, drive faults and transactions, and either stop uncleanly
/// (a scheduled shutdown) or run to the end and check.
async fn life(
    context: Ctx,
    seed: u64,
    scenario: &Scenario,
    counters: Counters,
    mut ledger: Ledger,
    life: usize,
) -> Result<LifeEnd, Failure> {
    let n = scenario.validators;
    let setup = Setup::new(n, seed)
        .with_blocks_per_epoch(scenario.blocks_per_epoch)
        .with_full_nodes(usize::from(scenario.full_node.is_some()));
    let participants = setup.participants();
    let byz = scenario.faults.byzantine;
    let byz_count = byz.map_or(0, |b| b.count);
    let honest: Vec<usize> = (0..n - byz_count).collect();
    let oracle =
        harness::empty_network_with(&context, &participants, &setup.full_node_keys()).await;
    let mut full: Option<Validator> = None;
    let mut full_last_tip = 0u64;
    add_links(
        &context,
        &oracle,
        &participants,
        &scenario.faults.links,
        all_pairs(n),
    )
    .await;

    // Validators: honest ones, then the Byzantine ones.
    let mut running: Vec<Option<Validator>> = Vec::new();
    for i in 0..n {
        let started = match byz.filter(|_| i >= n - byz_count).map(|b| b.kind) {
            None => harness::try_start_validator(&context, &oracle, &setup, i, None)
                .await
                .map(Some),
            Some(kind) => start_byzantine(&context, &oracle, &setup, i, kind, &counters).await,
        };
        running.push(started.map_err(|reason| Failure::Start {
            validator: i,
            reason,
        })?);
    }

    // Recovered after an unclean shutdown: every block known final everywhere is still there.
    for &i in &honest {
        let v = running[i].as_ref().expect("honest validators run");
        for (h, d) in ledger.digests.iter().enumerate() {
            let height = h as u64 + 1;
            match harness::block(v, height).await {
                Some(b) if b.digest() == *d => {}
                _ => {
                    return Err(Failure::LostBlock {
                        validator: i,
                        height,
                    });
                }
            }
        }
    }

    let start_ms = now_ms(&context);
    let mut last_tips = vec![0u64; n];
    for &i in &honest {
        last_tips[i] = running[i]
            .as_ref()
            .map_or(0, |v| v.engine.index.tip().height);
    }
    // Fault schedule state.
    let mut partition_applied_ms: Option<u64> = None;
    let mut partition_done = scenario.faults.partition.is_none() || ledger.stats.heals > 0;
    // Each crash: its plan, when it went down and its tip then, whether it is back.
    type CrashState = (Crash, Option<(u64, u64)>, bool);
    let mut crashes: Vec<CrashState> = scenario
        .faults
        .crashes
        .iter()
        .map(|c| (*c, None, false))
        .collect();
    if life > 0 {
        // Single-validator crashes belong to the first life.
        for c in &mut crashes {
            c.2 = true;
        }
    }
    let shutdown_pending = scenario.faults.shutdown.is_some() && life == 0;
    let mut tick: u64 = 0;

    loop {
        context.sleep(Duration::from_millis(10)).await;
        tick += 1;
        let now = now_ms(&context);

        // Sample tips: never back, never two roots at one height.
        let mut top = 0;
        let mut bottom = u64::MAX;
        for &i in &honest {
            let Some(v) = running[i].as_ref() else {
                continue;
            };
            let tip = v.engine.index.tip();
            if tip.height < last_tips[i] {
                return Err(Failure::TipWentBack {
                    validator: i,
                    from: last_tips[i],
                    to: tip.height,
                });
            }
            last_tips[i] = tip.height;
            if tip.height > 0 {
                match ledger.roots.get(&tip.height) {
                    Some((root, by)) if *root != tip.state_root => {
                        return Err(Failure::Conflict {
                            height: tip.height,
                            a: *by,
                            b: i,
                        });
                    }
                    Some(_) => {}
                    None => {
                        ledger.roots.insert(tip.height, (tip.state_root, i));
                    }
                }
            }
            top = top.max(tip.height);
            bottom = bottom.min(tip.height);
        }

        // The full node: started late, on links to every validator; then its tip is sampled
        // like a validator's (never back, the same state root at a height).
        if let Some(f) = scenario.full_node {
            if full.is_none() && top >= f.at_height {
                add_links(
                    &context,
                    &oracle,
                    &setup.all_nodes(),
                    &scenario.faults.links,
                    (0..n).flat_map(|i| [(i, n), (n, i)]),
                )
                .await;
                let v = harness::try_start_full_node(&context, &oracle, &setup, 0)
                    .await
                    .map_err(|reason| Failure::Start {
                        validator: n,
                        reason,
                    })?;
                ledger.stats.full_node_behind = top.saturating_sub(v.engine.index.tip().height);
                full = Some(v);
            }
            if let Some(v) = &full {
                let tip = v.engine.index.tip();
                if tip.height < full_last_tip {
                    return Err(Failure::TipWentBack {
                        validator: n,
                        from: full_last_tip,
                        to: tip.height,
                    });
                }
                full_last_tip = tip.height;
                if let Some((root, by)) = ledger.roots.get(&tip.height)
                    && *root != tip.state_root
                {
                    return Err(Failure::Conflict {
                        height: tip.height,
                        a: *by,
                        b: n,
                    });
                }
            }
        }

        // Partition and heal.
        if let Some(p) = &scenario.faults.partition {
            if partition_applied_ms.is_none() && !partition_done && top >= p.at_height {
                for (a, b) in cross_pairs(&p.side, n) {
                    let _ = oracle
                        .remove_link(participants[a].clone(), participants[b].clone())
                        .await;
                }
                partition_applied_ms = Some(now);
                ledger.stats.partitions += 1;
            }
            if let Some(at) = partition_applied_ms {
                let heal = match p.heal {
                    Heal::AtHeight(h) => top >= h,
                    Heal::AfterMs(ms) => now >= at + ms,
                };
                if heal {
                    add_links(
                        &context,
                        &oracle,
                        &participants,
                        &scenario.faults.links,
                        cross_pairs(&p.side, n).into_iter(),
                    )
                    .await;
                    partition_applied_ms = None;
                    partition_done = true;
                    ledger.stats.heals += 1;
                }
            }
        }

        // Abrupt stops and restarts, one validator down at a time (at most f faulty).
        let someone_down = crashes.iter().any(|c| c.1.is_some() && !c.2);
        for (crash, down, restarted) in &mut crashes {
            if *restarted {
                continue;
            }
            match down {
                None if top >= crash.at_height && !someone_down => {
                    if let Some(v) = running[crash.who].take() {
                        *down = Some((now, v.engine.index.tip().height));
                        v.kill();
                        ledger.stats.crashes += 1;
                    }
                }
                Some((at, tip_before)) if now >= *at + crash.down_ms => {
                    let v =
                        harness::try_start_validator(&context, &oracle, &setup, crash.who, None)
                            .await
                            .map_err(|reason| Failure::Start {
                                validator: crash.who,
                                reason,
                            })?;
                    // Nothing it had finalized is lost: the blocks are there, and its tip
                    // starts no lower than the finalized state it had stored.
                    for height in 1..=*tip_before {
                        let Some(b) = harness::block(&v, height).await else {
                            return Err(Failure::LostBlock {
                                validator: crash.who,
                                height,
                            });
                        };
                        if let Some((root, by)) = ledger.roots.get(&height)
                            && Hash::from_digest(&b.header.state_root) != *root
                        {
                            return Err(Failure::Conflict {
                                height,
                                a: *by,
                                b: crash.who,
                            });
                        }
                    }
                    last_tips[crash.who] = v.engine.index.tip().height;
                    running[crash.who] = Some(v);
                    *restarted = true;
                    ledger.stats.restarts += 1;
                }
                _ => {}
            }
        }

        // Unclean shutdown: note what every honest validator has finalized, then stop a
        // seeded moment later, mid-stream.
        if shutdown_pending
            && let Some(s) = scenario.faults.shutdown
            && bottom != u64::MAX
            && top >= s.at_height
        {
            let v = running[honest[0]]
                .as_ref()
                .expect("no crashes beside a shutdown");
            ledger.digests.clear();
            for height in 1..=bottom {
                match harness::block(v, height).await {
                    Some(b) => ledger.digests.push(b.digest()),
                    None => {
                        return Err(Failure::LostBlock {
                            validator: honest[0],
                            height,
                        });
                    }
                }
            }
            ledger.stats.shutdowns += 1;
            let ms = context.child("shutdown").random_range(0..400);
            submit_due(
                &context,
                scenario,
                &running,
                &honest,
                None,
                &mut ledger,
                now,
            )
            .await;
            context.sleep(Duration::from_millis(ms)).await;
            return Ok(LifeEnd::Shutdown(ledger));
        }

        // The last fault ended: liveness is measured from here.
        let calm = partition_done && crashes.iter().all(|c| c.2) && !shutdown_pending;
        if calm && ledger.calm.is_none() {
            ledger.calm = Some((now, top));
        }

        // Transactions: submit on schedule once block 1 exists, resubmit what is slow.
        if bottom >= 1 || top >= 1 {
            submit_due(
                &context,
                scenario,
                &running,
                &honest,
                full.as_ref(),
                &mut ledger,
                now,
            )
            .await;
        }
        if tick.is_multiple_of(2) {
            poll_receipts(&running, &honest, &mut ledger, now).await;
        }

        // Done: every transaction final, enough blocks after the calm.
        let pending = ledger.txs.iter().filter(|t| t.final_ms.is_none()).count();
        let all_submitted = ledger.txs.len() >= scenario.txs;
        let needed = ledger.calm.map_or(u64::MAX, |(_, h)| {
            (h + LIVENESS_BLOCKS).max(scenario.min_height)
        });
        // A full node must have followed to the same height.
        let full_done = scenario.full_node.is_none() || full_last_tip >= bottom;
        if all_submitted && pending == 0 && bottom != u64::MAX && bottom >= needed && full_done {
            break;
        }
        let waited = match ledger.calm {
            Some((at, _)) => now.saturating_sub(at),
            None => now.saturating_sub(start_ms),
        };
        let limit = if ledger.calm.is_some() {
            LIVENESS_MS
        } else {
            FAULT_PHASE_MS
        };
        if waited > limit {
            return Err(Failure::Liveness {
                height: if bottom == u64::MAX { 0 } else { bottom },
                needed: if needed == u64::MAX { 0 } else { needed },
                waited_ms: waited,
                pending,
            });
        }
    }

    let end_ms = now_ms(&context);
    check_end(
        &context,
        scenario,
        seed,
        &setup,
        &oracle,
        &running,
        &honest,
        full.as_ref(),
        &counters,
        ledger,
        end_ms,
    )
    .await
    .map(|r| LifeEnd::Done(Box::new(r)))
}

/// Starts validator `i` as a Byzantine one of `kind`. Mocks run no engine (`None`).
async fn start_byzantine(
    context: &Ctx,
    oracle: &NetOracle,
    setup: &Setup,
    i: usize,
    kind: ByzantineKind,
    counters: &Counters,
) -> Result<Option<Validator>, String> {
    let me = setup.keys[i].public_key().0;
    let channels = harness::register_channels(oracle, &me).await?;
    let mock = match kind {
        ByzantineKind::Nuller => Some(Mock::Nuller),
        ByzantineKind::Conflicter => Some(Mock::Conflicter),
        ByzantineKind::Equivocator => Some(Mock::Equivocator),
        _ => None,
    };
    if let Some(mock) = mock {
        let scheme = Scheme::signer(
            CONSENSUS_NAMESPACE,
            Set::from_iter_dedup(setup.participants()),
            setup.polynomial.clone(),
            setup.shares[&me].clone(),
        )
        .ok_or("share does not match the polynomial")?;
        byzantine::start_mock(
            context,
            mock,
            scheme,
            channels.votes,
            channels.certs,
            counters.messages.clone(),
        )
        .await?;
        return Ok(None);
    }
    let tamper = match kind {
        ByzantineKind::BadStateRoot => Some(TamperKind::BadStateRoot),
        ByzantineKind::BadTx => Some(TamperKind::BadTx),
        ByzantineKind::BadSeed => Some(TamperKind::BadSeed),
        _ => None,
    }
    .map(|kind| Tamper {
        kind,
        spoiled: counters.spoiled.clone(),
    });
    let spam = (kind == ByzantineKind::TxSpam).then(|| channels.txs.0.clone());
    let v = harness::start_on(context, oracle, setup, i, channels, tamper).await?;
    if let Some(sender) = spam {
        byzantine::spam(
            context,
            sender,
            SPAM_COUNT,
            Duration::from_millis(100),
            counters.messages.clone(),
        );
    }
    Ok(Some(v))
}

/// Submits the transactions due by `now` and resubmits those not final after [RESUBMIT_MS],
/// each to a running honest validator chosen round-robin (a refusal is retried later). Once a
/// full node runs, every second new transaction goes to it instead, and is resubmitted only to
/// it: reaching the validators is its gossip's job.
async fn submit_due(
    _context: &Ctx,
    scenario: &Scenario,
    running: &[Option<Validator>],
    honest: &[usize],
    full: Option<&Validator>,
    ledger: &mut Ledger,
    now: u64,
) {
    let live: Vec<&Validator> = honest.iter().filter_map(|i| running[*i].as_ref()).collect();
    if live.is_empty() {
        return;
    }
    let due = if ledger.txs.is_empty() {
        1
    } else {
        let first = ledger.txs[0].first_ms;
        ((now.saturating_sub(first) / scenario.tx_every_ms.max(1)) as usize + 1).min(scenario.txs)
    };
    while ledger.txs.len() < due {
        let j = ledger.txs.len();
        let (raw, hash) = harness::registration(&format!("sim-{j}"), 0);
        let via_full_node = full.is_some() && j % 2 == 1;
        let v = match full {
            Some(f) if via_full_node => f,
            _ => live[j % live.len()],
        };
        if v.node.submit(raw.clone()).await.is_err() {
            // Not admitted (e.g. before block 1): try again next tick.
            return;
        }
        if via_full_node {
            ledger.stats.full_node_txs += 1;
        }
        ledger.txs.push(TxRecord {
            raw,
            via_full_node,
            hash,
            first_ms: now,
            last_ms: now,
            final_ms: None,
        });
    }
    for (j, t) in ledger.txs.iter_mut().enumerate() {
        if t.final_ms.is_none() && now >= t.last_ms + RESUBMIT_MS {
            let v = match full {
                Some(f) if t.via_full_node => f,
                _ => live[(j + (now / RESUBMIT_MS) as usize) % live.len()],
            };
            let _ = v.node.submit(t.raw.clone()).await;
            t.last_ms = now;
        }
    }
}

/// Marks transactions whose receipt a running honest validator holds as final.
async fn poll_receipts(
    running: &[Option<Validator>],
    honest: &[usize],
    ledger: &mut Ledger,
    now: u64,
) {
    let Some(v) = honest.iter().find_map(|i| running[*i].as_ref()) else {
        return;
    };
    for t in ledger.txs.iter_mut().filter(|t| t.final_ms.is_none()) {
        if let Ok(Some(_)) = read_receipt(v, &t.hash).await {
            t.final_ms = Some(now);
        }
    }
}

async fn read_receipt(v: &Validator, hash: &TxHash) -> Result<Option<Receipt>, String> {
    aigov_state::log::receipt(
        &crate::db::FinalizedReader::Shared(v.engine.dbs.clone()),
        hash,
    )
    .await
    .map_err(|e| e.to_string())
}

/// The final checks, once every honest validator is at `needed` and every transaction final.
#[allow(clippy::too_many_arguments)]
async fn check_end(
    context: &Ctx,
    scenario: &Scenario,
    seed: u64,
    setup: &Setup,
    oracle: &NetOracle,
    running: &[Option<Validator>],
    honest: &[usize],
    full: Option<&Validator>,
    counters: &Counters,
    mut ledger: Ledger,
    end_ms: u64,
) -> Outcome {
    // A full node is held to every check an honest validator is (same blocks, its own state
    // root, same receipts); it comes last, so `live[0]` is a validator.
    let live: Vec<&Validator> = honest
        .iter()
        .filter_map(|i| running[*i].as_ref())
        .chain(full)
        .collect();
    let height = live
        .iter()
        .map(|v| v.engine.index.tip().height)
        .min()
        .unwrap_or(0);

    // Same blocks everywhere, each extending its parent, and what was known before kept.
    let bpe = scenario.blocks_per_epoch;
    let seed_verifier =
        Scheme::certificate_verifier(CONSENSUS_NAMESPACE, *setup.polynomial.public());
    let mut reference: Vec<Digest> = Vec::new();
    for (k, v) in live.iter().enumerate() {
        let mut parent = None;
        for h in 1..=height {
            let Some(b) = harness::block(v, h).await else {
                return Err(Failure::LostBlock {
                    validator: v.index,
                    height: h,
                });
            };
            if parent.is_some_and(|p| b.header.parent != p) {
                return Err(Failure::LostBlock {
                    validator: v.index,
                    height: h,
                });
            }
            let d = b.digest();
            parent = Some(d);
            if k == 0 {
                // Each block drew from its parent round's seed, as the group signed it; only
                // an epoch's first block has none (its parent is the last epoch's last block,
                // certified by another simplex instance).
                let first_of_epoch = h == 1 || h % bpe == 0;
                if aigov_types::proof::verify_header_seed(&seed_verifier, &b.header).is_err()
                    || b.header.seed.is_none() != first_of_epoch
                {
                    return Err(Failure::BadSeed { height: h });
                }
                if (h + 1) % bpe == 0 {
                    check_boundary(setup, &b, h, &mut ledger.stats)?;
                }
                reference.push(d);
            } else if reference[h as usize - 1] != d {
                return Err(Failure::Conflict {
                    height: h,
                    a: live[0].index,
                    b: v.index,
                });
            }
            if let Some(known) = ledger.digests.get(h as usize - 1)
                && *known != d
            {
                return Err(Failure::LostBlock {
                    validator: v.index,
                    height: h,
                });
            }
            if let Some((root, by)) = ledger.roots.get(&h)
                && Hash::from_digest(&b.header.state_root) != *root
            {
                return Err(Failure::Conflict {
                    height: h,
                    a: *by,
                    b: v.index,
                });
            }
        }
        // Its own database produced the state root of its committed block.
        let (h, root) = harness::committed(&v.engine.dbs).await;
        match harness::block(v, h).await {
            Some(b) if b.header.state_root == root => {}
            _ => {
                return Err(Failure::StateRoot {
                    validator: v.index,
                    height: h,
                });
            }
        }
    }

    // The full node: it really started behind, transactions went through it, its mempool
    // let go of every finalized one, and no validator blocked it.
    if scenario.full_node.is_some() {
        let Some(f) = full else {
            return Err(Failure::FaultNotApplied(
                "the full node never started".into(),
            ));
        };
        if ledger.stats.full_node_behind == 0 {
            return Err(Failure::FaultNotApplied(
                "the full node started with nothing to backfill".into(),
            ));
        }
        if ledger.stats.full_node_txs == 0 {
            return Err(Failure::FaultNotApplied(
                "no transaction was submitted to the full node".into(),
            ));
        }
        for t in &ledger.txs {
            if f.node.mempool_status(&t.hash) != aigov_api::backend::MempoolStatus::Absent {
                return Err(Failure::StaleMempool {
                    node: f.index,
                    tx: t.hash.to_string(),
                });
            }
        }
        let me = setup.full_nodes[0].public_key().0;
        let blocked = oracle.blocked().await.unwrap_or_default();
        if let Some((by, _)) = blocked.iter().find(|(_, who)| *who == me) {
            return Err(Failure::Blocked {
                by: by.to_string(),
                who: f.index,
            });
        }
    }

    // A leader that spoils every proposal never has one finalized.
    if let Some(b) = scenario.faults.byzantine
        && matches!(
            b.kind,
            ByzantineKind::BadStateRoot | ByzantineKind::BadTx | ByzantineKind::BadSeed
        )
        && let Some(v) = live.first()
    {
        let spoilers: Vec<_> = (scenario.validators - b.count..scenario.validators)
            .map(|i| setup.keys[i].public_key().0)
            .collect();
        for h in 1..=height {
            if let Some(block) = harness::block(v, h).await
                && spoilers.contains(&block.header.context.leader)
            {
                return Err(Failure::InvalidBlockFinalized { height: h });
            }
        }
    }

    // Every transaction: the same receipt at every honest validator.
    for t in &ledger.txs {
        let mut first: Option<Receipt> = None;
        for v in &live {
            let lost = || Failure::LostTx {
                validator: v.index,
                tx: t.hash.to_string(),
                height: v.engine.index.tip().height,
            };
            let r = read_receipt(v, &t.hash).await.map_err(|_| lost())?;
            let Some(r) = r else { return Err(lost()) };
            match &first {
                None => first = Some(r),
                Some(f) if *f != r => return Err(lost()),
                Some(_) => {}
            }
        }
    }

    // The faults happened.
    let stats = &mut ledger.stats;
    stats.byzantine_messages = counters.messages.load(Ordering::Relaxed);
    stats.spoiled_proposals = counters.spoiled.load(Ordering::Relaxed);
    let not = |m: &str| Err(Failure::FaultNotApplied(m.into()));
    if scenario.faults.partition.is_some() && (stats.partitions == 0 || stats.heals == 0) {
        return not("partition");
    }
    if stats.restarts as usize != scenario.faults.crashes.len() {
        return not("crash and restart");
    }
    if scenario.faults.shutdown.is_some() && stats.shutdowns == 0 {
        return not("unclean shutdown");
    }
    if height >= 2 * bpe && stats.reshares == 0 {
        return not("no epoch's reshare succeeded");
    }
    if let Some(b) = scenario.faults.byzantine {
        match b.kind {
            ByzantineKind::BadStateRoot | ByzantineKind::BadTx | ByzantineKind::BadSeed => {
                if stats.spoiled_proposals == 0 {
                    return not("no spoiled proposal was made");
                }
            }
            _ => {
                if stats.byzantine_messages == 0 {
                    return not("the Byzantine validators sent nothing");
                }
            }
        }
        if b.kind == ByzantineKind::TxSpam {
            let blocked = oracle.blocked().await.unwrap_or_default();
            let spammers: Vec<_> = (scenario.validators - b.count..scenario.validators)
                .map(|i| setup.keys[i].public_key().0)
                .collect();
            stats.blocked_by = honest
                .iter()
                .filter(|i| {
                    let me = setup.keys[**i].public_key().0;
                    spammers
                        .iter()
                        .all(|s| blocked.iter().any(|(by, who)| *by == me && who == s))
                })
                .count() as u32;
            if stats.blocked_by as usize != honest.len() {
                return not("the spammer was not blocked by every honest validator");
            }
        }
    }

    let mut latencies: Vec<u64> = ledger
        .txs
        .iter()
        .filter_map(|t| t.final_ms.map(|f| f.saturating_sub(t.first_ms)))
        .collect();
    latencies.sort_unstable();
    let _ = context;
    Ok(Report {
        scenario: scenario.name,
        seed,
        height,
        txs: ledger.txs.len(),
        finality_ms_p50: latencies.get(latencies.len() / 2).copied(),
        simulated_ms: end_ms,
        faults: ledger.stats,
        tip: reference.last().map(|d| d.to_string()).unwrap_or_default(),
    })
}
