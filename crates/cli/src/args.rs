//! Command-line arguments (clap derive; doc comments are the help text).

use clap::{ArgGroup, Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

/// aigov: the international AI-governance chain — node, command line and light-client verifier.
///
/// Start a local chain with `aigov dev`, then act as one of its demo accounts, e.g.
/// `aigov --key alice query personnel-list`.
#[derive(Parser, Debug)]
#[command(name = "aigov", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// The node's API URL.
    #[arg(
        long,
        global = true,
        env = "AIGOV_NODE",
        default_value = "http://127.0.0.1:8700"
    )]
    pub node: String,
    /// The keystore key to sign with (a name from `aigov keys list`).
    #[arg(long, global = true, env = "AIGOV_KEY")]
    pub key: Option<String>,
    /// Home folder holding the keystore (`HOME/keystore/NAME.pem`). `aigov dev` puts its demo
    /// accounts' keys in its data folder's keystore, which is this default.
    #[arg(
        long,
        global = true,
        env = "AIGOV_HOME",
        default_value = "./.aigov/dev"
    )]
    pub home: PathBuf,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

/// What to do.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a single-validator development chain with demo members, personnel and accounts.
    ///
    /// On first start it creates the validator's keys, a demo genesis, the demo accounts'
    /// keys in DATA_DIR/keystore and the demo reviewing body's whistle-blower key in
    /// DATA_DIR/whistle-reviewer.json; later starts resume the chain where it stopped.
    Dev(DevArgs),
    /// Manage the keystore's Ed25519 account keys (PKCS#8 PEM files).
    Keys(KeysArgs),
    /// Sign and submit a transaction, then wait until it is finalized.
    Tx(TxArgs),
    /// Read from the chain: state (optionally with a light-client proof), blocks, events.
    Query(QueryArgs),
    /// Check a light-client proof file offline against the consensus group key.
    ///
    /// Exit code 0: the proof verifies; 1: it does not; 2: it could not be checked.
    Verify(VerifyArgs),
    /// Create the keys, genesis and configuration files of a multi-validator network.
    Testnet(TestnetArgs),
    /// Run one node of a network: a validator, or a full node that follows the chain and
    /// serves the API without a key share.
    Node(NodeArgs),
    /// Measure performance against this machine's limit; prints a table, `--out` writes JSON.
    ///
    /// Starts its own node on a fresh chain in a temporary folder. Build with --release.
    Bench(BenchArgs),
    /// Model files, offline: the container ID a model is registered under, and OpenSSF Model
    /// Signing signatures (the `model-signing` tool's key-mode bundles).
    #[command(subcommand)]
    Model(ModelCmd),
    /// The whistle-blower program, offline: the reviewing body's key pair, and opening a
    /// sealed report with it. (File a report with `aigov tx whistle file`.)
    #[command(subcommand)]
    Whistle(WhistleCmd),
    /// The hardware agent: holds a device key, fetches the OTK permits the chain drips to it,
    /// verifies each offline with its light-client proof, computes only under a valid,
    /// unexpired, in-order permit, and reports usage and telemetry.
    #[command(subcommand)]
    Agent(AgentCmd),
    /// Run a landmark: a timing server that signs round-trip times to devices, the location
    /// evidence of integrity challenges. A device connects with its challenge's nonce, signs
    /// the landmark's fresh probes with its device key, and gets back the fastest round trip
    /// signed by the landmark's key (--key NAME or --key-file FILE). List that key and the
    /// landmark's coordinates in a Hardware template's physical policy (`aigov tx template
    /// propose --physical`). Needs no chain access.
    Landmark(LandmarkArgs),
}

/// `aigov landmark`.
#[derive(Args, Debug)]
pub struct LandmarkArgs {
    /// The landmark's signing key as a PKCS#8 PEM file (instead of the global --key NAME).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Where to listen.
    #[arg(long, default_value = "0.0.0.0:7400")]
    pub listen: String,
}

/// `aigov agent`.
#[derive(Subcommand, Debug)]
pub enum AgentCmd {
    /// Run one device: poll its permits, verify each offline against the group key, compute
    /// its ration at --rate (a modelled workload consuming units), report the units used with
    /// telemetry of the permit's phase (a transaction signed by the device key, paid from its
    /// account), then take the next permit. Without a valid permit it does not compute.
    ///
    /// The device key is --key NAME (keystore) or --key-file FILE; its hardware must be
    /// registered and Active with a run on it (see `aigov agent provision`). The last accepted
    /// seq is kept in --state (default HOME/agent/DEVICE.json), so a restart never accepts a
    /// replayed permit.
    ///
    /// Example on `aigov dev` after the README's compute steps: `aigov --key device-1 agent run --once`.
    Run(AgentRunArgs),
    /// Run N devices in one process, for load tests: each its own key (the first N `*.pem`
    /// files of --keys, by name) and state file (--state-dir, default KEYS/state), with a
    /// progress display on stderr (permits verified and refused, units computed, reports
    /// sent, rates) and a summary at the end.
    ///
    /// The devices must be registered, Active hardware with runs; on a dev chain,
    /// `aigov agent provision N --keys DIR` creates and provisions them.
    Simulate(AgentSimulateArgs),
    /// On a dev chain (`aigov dev`), create N device keys in --keys (device-001.pem, …; kept
    /// if present) and provision them with the demo accounts of HOME's keystore: hiro
    /// (nordic-compute) registers each device, erin inspects it, a Review vote by alice, bob
    /// and carol approves them with a new model of lena's lab, frank buys each device credits
    /// for its usage reports, and lena starts a pre-training workload with one run per device.
    /// Takes about as long as one Review vote (about 45 s on `aigov dev`).
    Provision(AgentProvisionArgs),
}

/// How a device computes and reports.
#[derive(Args, Debug, Clone)]
pub struct AgentTuning {
    /// Compute units the modelled workload consumes per second.
    #[arg(long, default_value_t = 1000)]
    pub rate: u64,
    /// Interval between two polls of the node for permits, in milliseconds.
    #[arg(long, default_value_t = 500)]
    pub poll_ms: u64,
    /// Longest age of a permit's proof (its block time against this machine's clock), in
    /// milliseconds; an older proof is fetched again.
    #[arg(long, default_value_t = aigov_agent::permit::DEFAULT_MAX_PROOF_AGE_MS)]
    pub max_proof_age_ms: u64,
    /// Gas limit of each usage report.
    #[arg(long, default_value_t = aigov_agent::device::DEFAULT_GAS_LIMIT)]
    pub gas_limit: u64,
}

/// `aigov agent run`.
#[derive(Args, Debug)]
pub struct AgentRunArgs {
    /// The device key as a PKCS#8 PEM file (instead of the global --key NAME).
    #[arg(long)]
    pub key_file: Option<PathBuf>,
    /// Stop after the first permit's usage is reported.
    #[arg(long, conflicts_with = "max_permits")]
    pub once: bool,
    /// Stop after K permits' usage is reported.
    #[arg(long, value_name = "K")]
    pub max_permits: Option<u64>,
    /// Stop after this many seconds.
    #[arg(long, value_name = "SECS")]
    pub duration: Option<u64>,
    /// Stop after K integrity challenges were answered (or found unanswerable).
    #[arg(long, value_name = "K")]
    pub max_challenges: Option<u64>,
    /// The state file (last accepted seq, permit in use).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Answer integrity challenges as hardware without a TEE: the device key signs each
    /// challenge's nonce and this measurement (SHA-256 of the software image, 64 hex digits),
    /// which the hardware's template must allow …
    #[arg(long, conflicts_with_all = ["measure", "evidence_command"])]
    pub measurement: Option<String>,
    /// … or the SHA-256 of this image file, measured at start …
    #[arg(long, value_name = "FILE", conflicts_with = "evidence_command")]
    pub measure: Option<PathBuf>,
    /// … or run this command (split on spaces) with the nonce and the report data to bind
    /// (hex) as its last two arguments; it prints vendor evidence JSON (`{"tdx": …}`, …).
    /// Without any of the three, challenges go unanswered and fail at their deadlines.
    #[arg(long, value_name = "COMMAND")]
    pub evidence_command: Option<String>,
    /// A landmark (`HOST:PORT`, see `aigov landmark`) to time a round trip to for each
    /// challenge answer, when the hardware's template asks for location evidence. Repeat for
    /// several; one that fails is reported and left out.
    #[arg(long, value_name = "HOST:PORT")]
    pub landmark: Vec<String>,
    /// The id of a seal the device reads as intact, reported with each challenge answer (the
    /// template may require exactly the seals its last passing inspection recorded). Repeat
    /// for each seal.
    #[arg(long, value_name = "ID")]
    pub seal: Vec<String>,
    #[command(flatten)]
    pub tuning: AgentTuning,
    /// Whose key to trust.
    #[command(flatten)]
    pub trust: TrustArgs,
}

/// `aigov agent simulate`.
#[derive(Args, Debug)]
pub struct AgentSimulateArgs {
    /// How many devices.
    pub n: usize,
    /// Folder of device key files (`*.pem`); the first N by name are used.
    #[arg(long)]
    pub keys: PathBuf,
    /// Folder of the devices' state files. Default: KEYS/state.
    #[arg(long)]
    pub state_dir: Option<PathBuf>,
    /// Each device stops after this many reported permits.
    #[arg(long, default_value_t = 1)]
    pub permits: u64,
    /// Stop the whole simulation after this many seconds.
    #[arg(long, value_name = "SECS")]
    pub duration: Option<u64>,
    /// Worker threads ticking the devices.
    #[arg(long, default_value_t = 4)]
    pub threads: usize,
    #[command(flatten)]
    pub tuning: AgentTuning,
    /// Whose key to trust.
    #[command(flatten)]
    pub trust: TrustArgs,
}

/// `aigov agent provision`.
#[derive(Args, Debug)]
pub struct AgentProvisionArgs {
    /// How many devices.
    pub n: usize,
    /// Folder for the device keys (created if needed).
    #[arg(long)]
    pub keys: PathBuf,
    /// Budget of each device's run, in compute units.
    #[arg(long, default_value_t = 100_000)]
    pub run_budget: u64,
    /// Stages of each run.
    #[arg(long, default_value_t = 2)]
    pub stages: u16,
}

/// `aigov whistle`.
#[derive(Subcommand, Debug)]
pub enum WhistleCmd {
    /// Create the reviewing body's X25519 key pair: the secret goes to --out (readable only by
    /// you), the public key is printed; a System proposal `set-whistleblower-key:PUBLIC`
    /// makes reports be sealed to it.
    Keygen {
        /// Where to write the key pair (JSON with `secret` and `public`, hex).
        #[arg(long)]
        out: PathBuf,
    },
    /// Fetch a report's sealed blob from the node, decrypt it with the reviewing key, and
    /// check it against the hashes on chain. Exit code 1 if it does not open or match.
    Open {
        /// The key pair written by `aigov whistle keygen` (`aigov dev` writes the demo's to
        /// DATA_DIR/whistle-reviewer.json).
        #[arg(long)]
        reviewer_key: PathBuf,
        /// The report id.
        #[arg(long)]
        report: u64,
        /// Write the report here instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Whistle-blower transactions.
#[derive(Subcommand, Debug)]
pub enum WhistleTx {
    /// File a report, sealed on this machine to the reviewing body's key (X25519 +
    /// HKDF-SHA256 + ChaCha20-Poly1305): only the sealed blob, its SHA-256 and a commitment
    /// to the text go on chain. Any key may file (the pool pays); sign with a fresh key
    /// (`aigov keys new`) so the report is not linked to you.
    File {
        /// The reviewing key, 64 hex digits.
        #[arg(long, conflicts_with = "genesis", required_unless_present = "genesis")]
        to_key: Option<String>,
        /// Seal to the reviewing key in force on chain (read from the node).
        #[arg(long, alias = "chain-key")]
        genesis: bool,
        /// The report (at most 2939 bytes).
        #[arg(long)]
        file: PathBuf,
    },
}

/// Whistle-blower queries.
#[derive(Subcommand, Debug)]
pub enum WhistleQuery {
    /// One report: status, reporter, hashes, reviews, reward (the sealed blob with --json).
    Report {
        /// Its id.
        id: u64,
    },
    /// The reviewing body's key in force.
    Key,
}

/// `aigov model`.
#[derive(Subcommand, Debug)]
pub enum ModelCmd {
    /// Print a model folder's (or single file's) container ID: SHA-256 over the SHA-256 of
    /// every file, in path order, exactly as OpenSSF Model Signing computes it (`.git*` at the
    /// top level is left out, as the tool does). With --json, the per-file manifest too.
    Fingerprint {
        /// The model folder or file.
        path: PathBuf,
        /// Leave out this path, relative to the folder (repeat for several), e.g. `model.sig`.
        #[arg(long = "ignore")]
        ignore: Vec<String>,
    },
    /// Check an OpenSSF Model Signing key-mode bundle (`model_signing sign key …`) offline: the
    /// ECDSA P-256 signature over the DSSE envelope, the in-toto statement, and every file of
    /// the folder against the signed manifest.
    ///
    /// Exit code 0: valid; 1: invalid (a file changed, a wrong key, a tampered bundle); 2: could
    /// not be checked.
    VerifySignature {
        /// The model folder or file.
        path: PathBuf,
        /// The bundle (`model.sig`).
        bundle: PathBuf,
        /// The signer's public key, PEM (`openssl ec -pubout`).
        #[arg(long)]
        public_key: PathBuf,
    },
}

/// `aigov bench`.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Which benchmark (all by default; `limit` always runs, as the reference).
    #[arg(value_enum)]
    pub what: Option<BenchWhat>,
    /// A short smoke run (seconds; for CI): figures are rough.
    #[arg(long)]
    pub quick: bool,
    /// Write the figures as JSON to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Seeds per fault scenario for `sim` (0..N; default 20, 2 with --quick).
    #[arg(long)]
    pub seeds: Option<u64>,
}

/// Benchmarks.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchWhat {
    /// Everything below.
    All,
    /// Single Ed25519 verifications per second on all cores.
    Limit,
    /// Finalized transactions per second on one validator.
    Tx,
    /// Submit-to-finalized latency.
    Finality,
    /// Light-client proof size and verification time.
    Proof,
    /// Finalized ballots per second: 10,000 Active personnel vote on one proposal, one
    /// validator, over HTTP.
    Gov,
    /// Time to tally one proposal with 10,000 ballots (the concurrent-majority rule), in
    /// process.
    Tally,
    /// OTK permits issued and committed per second with 100,000 and 1,000,000 active devices
    /// (in process), and memory.
    Drip,
    /// Fault simulation: every scenario (lossy and slow links, partitions, crashes, unclean
    /// shutdown, Byzantine validators) over --seeds seeds on the deterministic runtime; prints
    /// how many passed and exits non-zero if any failed.
    Sim,
}

/// `aigov tx`.
#[derive(Args, Debug)]
pub struct TxArgs {
    /// Most gas the transaction may use.
    #[arg(long, default_value_t = 100_000, global = true)]
    pub gas_limit: u64,
    /// Return once the node accepted the transaction, without waiting for finality.
    #[arg(long, global = true)]
    pub no_wait: bool,
    /// How long to wait for finality, in seconds.
    #[arg(long, default_value_t = 30, global = true)]
    pub timeout: u64,
    #[command(subcommand)]
    pub module: TxModule,
}

/// Transaction modules.
#[derive(Subcommand, Debug)]
pub enum TxModule {
    /// Personnel registry.
    #[command(subcommand)]
    Personnel(PersonnelTx),
    /// Governance: propose, vote, cancel. Duties of Active personnel: the system pool pays.
    #[command(subcommand)]
    Gov(GovTx),
    /// Gas credits: record a purchase (treasury officers).
    #[command(subcommand)]
    Gas(GasTx),
    /// The shared treasury: claim a bug bounty (anyone; spending needs a proposal).
    #[command(subcommand)]
    Treasury(TreasuryTx),
    /// The hardware registry: register a device (Hardware personnel of a datacenter), file an
    /// inspection (inspectors).
    #[command(subcommand)]
    Hardware(HardwareTx),
    /// The model registry: register a model (personnel of its lab).
    #[command(subcommand)]
    Model(ModelTx),
    /// Workloads and runs (personnel of the model's lab).
    #[command(subcommand)]
    Workload(WorkloadTx),
    /// The OTK issuer: report a permit's usage (signed by the device key, `--key DEVICE`).
    #[command(subcommand)]
    Otk(OtkTx),
    /// The whistle-blower program: file a sealed report (anyone; the pool pays).
    #[command(subcommand)]
    Whistle(WhistleTx),
    /// Templates: propose one (Active Safety personnel; a Safety vote approves it).
    #[command(subcommand)]
    Template(TemplateTx),
    /// Report runners (Auditor personnel register them) and their reports.
    #[command(subcommand)]
    Report(ReportTx),
}

/// Template transactions.
#[derive(Subcommand, Debug)]
pub enum TemplateTx {
    /// Propose a template: its Cedar red lines are compiled on chain, and refused with the
    /// engine's message if invalid. The whole transaction must fit in 4096 bytes.
    Propose {
        /// model_architecture, workload, safeguard, audit or hardware.
        #[arg(long)]
        kind: String,
        /// Its name.
        #[arg(long)]
        name: String,
        /// The off-chain spec document (its SHA-256 goes on chain).
        #[arg(long)]
        spec: PathBuf,
        /// The Cedar policy file (`forbid` red lines, each with an `@id`).
        #[arg(long)]
        policy: PathBuf,
        /// Hardware templates: a JSON file of the reference values integrity evidence must
        /// match, e.g. `{"device_key": {"measurements": {"values": ["<64 hex>"]}}}` or
        /// `{"tdx": {"allowed_tcb": ["up_to_date"], "mrtd": {"values": ["<96 hex>"]}, …}}`.
        #[arg(long, value_name = "FILE")]
        reference: Option<PathBuf>,
        /// Hardware templates: a JSON file of the physical policy every challenge answer must
        /// meet: seals as the last passing inspection recorded them, and the device within a
        /// region as landmarks' signed round trips bound it, e.g. `{"seals": true, "region":
        /// {"centre": {"lat_udeg": 52520000, "lon_udeg": 13405000}, "radius_m": 50000},
        /// "landmarks": [{"name": "berlin-1", "key": "<64 hex>", "at": {"lat_udeg": …,
        /// "lon_udeg": …}}], "min_landmarks": 1}`. Coordinates are micro-degrees.
        #[arg(long, value_name = "FILE")]
        physical: Option<PathBuf>,
    },
}

/// Report transactions.
#[derive(Subcommand, Debug)]
pub enum ReportTx {
    /// Register a runner key (you must be Active Auditor personnel).
    RegisterRunner {
        /// The runner's keystore name or public key.
        #[arg(long)]
        runner: String,
        /// Bind it to an Active hardware id …
        #[arg(long, conflicts_with = "organisation")]
        hardware: Option<u64>,
        /// … or to an auditor organisation.
        #[arg(long, required_unless_present = "hardware")]
        organisation: Option<String>,
    },
    /// File a report about a model (`--key RUNNER`).
    Submit {
        /// The model id.
        #[arg(long)]
        model: u64,
        /// The safeguard or audit template id.
        #[arg(long)]
        template: u64,
        /// pass or fail.
        #[arg(long)]
        result: String,
        /// Severity, 0 to 4.
        #[arg(long, default_value_t = 0)]
        severity: u8,
        /// A score NAME=INTEGER (repeatable).
        #[arg(long = "score")]
        scores: Vec<String>,
        /// The full report file (its SHA-256 goes on chain) …
        #[arg(long, conflicts_with = "report_digest")]
        report: Option<PathBuf>,
        /// … or its digest, 64 hex digits.
        #[arg(long, required_unless_present = "report")]
        report_digest: Option<String>,
        /// Runners bound to hardware (TEE): the hardware's device key (keystore name) signs the
        /// report's binding and `--tee-measurement` (hardware whose template takes device-key
        /// evidence) …
        #[arg(long, requires = "tee_measurement", conflicts_with = "evidence")]
        tee_device: Option<String>,
        /// … the SHA-256 of the enclave image that produced the report, 64 hex digits.
        #[arg(long, requires = "tee_device")]
        tee_measurement: Option<String>,
        /// Or vendor evidence JSON (as for `tx hardware answer-challenge`) whose nonce is the
        /// report's binding; print the binding with `--print-binding`.
        #[arg(long, value_name = "FILE")]
        evidence: Option<PathBuf>,
        /// Print the nonce TEE evidence must bind for this report, and exit without sending.
        #[arg(long)]
        print_binding: bool,
    },
}

/// Hardware transactions.
#[derive(Subcommand, Debug)]
pub enum HardwareTx {
    /// Register a device (Pending). The device key signs a proof of possession, so it must be
    /// in the keystore; you (`--key`) must be Active Hardware personnel of the operator.
    Register {
        /// The operator (a datacenter organisation).
        #[arg(long)]
        operator: String,
        /// The device key's keystore name.
        #[arg(long)]
        device: String,
        /// nvidia_hopper, nvidia_blackwell, amd_instinct, google_tpu, intel_gaudi or other.
        #[arg(long, default_value = "nvidia_hopper")]
        accelerator: String,
        /// Declared region.
        #[arg(long)]
        region: String,
        /// A capability (repeatable), e.g. cc-mode, tdx, nvlink.
        #[arg(long = "capability")]
        capabilities: Vec<String>,
    },
    /// File an inspection record (you must be an Active Inspector, not of the operator).
    /// Co-inspectors sign the record's digest: name them with --cosigner (keystore names,
    /// signed here) or give --cosignature PUBKEY:SIGNATURE made elsewhere
    /// (`aigov tx hardware inspect … --print-digest` shows what to sign).
    Inspect {
        /// The hardware id.
        #[arg(long)]
        hardware: u64,
        /// pass or fail.
        #[arg(long)]
        result: String,
        /// A file holding the findings (its SHA-256 goes on chain).
        #[arg(long, conflicts_with = "findings_hash")]
        findings: Option<PathBuf>,
        /// The findings' SHA-256, 64 hex digits.
        #[arg(long, required_unless_present = "findings")]
        findings_hash: Option<String>,
        /// A member present (repeatable).
        #[arg(long = "member")]
        members: Vec<String>,
        /// A seal id checked or applied (repeatable).
        #[arg(long = "seal")]
        seals: Vec<String>,
        /// An evidence digest, 64 hex digits (repeatable).
        #[arg(long = "evidence")]
        evidence: Vec<String>,
        /// When the inspection took place, ms since the Unix epoch (default: now).
        #[arg(long)]
        inspected_ms: Option<u64>,
        /// A co-inspector's keystore name (repeatable).
        #[arg(long = "cosigner")]
        cosigners: Vec<String>,
        /// A co-inspector's PUBKEY:SIGNATURE over the digest (repeatable).
        #[arg(long = "cosignature")]
        cosignatures: Vec<String>,
        /// Print the record's digest and exit without sending.
        #[arg(long)]
        print_digest: bool,
    },
    /// Answer an integrity challenge to your device (`--key` must be the device key; see
    /// `aigov query challenge ID` for its nonce and deadline). Either the device key signs the
    /// nonce and the measurement of what it runs (hardware without a TEE, `--measurement`), or
    /// `--evidence FILE` gives vendor evidence with the nonce bound in, as JSON:
    /// `{"tdx": {"quote": HEX, "collateral": HEX}}`, `{"sgx": …}`,
    /// `{"sev_snp": {"report": HEX, "vcek": HEX}}` or
    /// `{"nvidia_spdm": {"report": HEX, "cert_chain": HEX}}`. Evidence that does not verify
    /// fails the challenge (and suspends the hardware): it is recorded, not refused.
    AnswerChallenge {
        /// The challenge id.
        #[arg(long)]
        challenge: u64,
        /// SHA-256 of the software stack the device runs, 64 hex digits (device-key answer).
        #[arg(
            long,
            required_unless_present = "evidence",
            conflicts_with = "evidence"
        )]
        measurement: Option<String>,
        /// Vendor evidence as JSON (see above).
        #[arg(long, value_name = "FILE")]
        evidence: Option<PathBuf>,
        /// The id of a seal the device reads as intact (repeat for each), if the hardware's
        /// template asks for seal state.
        #[arg(long, value_name = "ID")]
        seal: Vec<String>,
        /// A landmark (`HOST:PORT`, see `aigov landmark`) to time a round trip to, signed by
        /// --key as the device, if the template asks for location evidence (repeat for each).
        #[arg(long, value_name = "HOST:PORT")]
        landmark: Vec<String>,
    },
}

/// Model transactions.
#[derive(Subcommand, Debug)]
pub enum ModelTx {
    /// Register a model (Pending) for a Review vote.
    Register {
        /// The owner lab.
        #[arg(long)]
        owner: String,
        /// Its name.
        #[arg(long)]
        name: String,
        /// Its declared purpose.
        #[arg(long)]
        purpose: String,
        /// narrow or general.
        #[arg(long, default_value = "general")]
        scope: String,
        /// pre_train, post_train or inference.
        #[arg(long, default_value = "pre_train")]
        phase: String,
        /// Parent model id.
        #[arg(long)]
        parent: Option<u64>,
        /// Container ID (`aigov model fingerprint DIR`), 64 hex digits.
        #[arg(long)]
        container_id: String,
        /// Documentation digest, 64 hex digits (default: digest of the name).
        #[arg(long)]
        documentation: Option<String>,
        /// Planned training compute, in compute units (10^15 FLOP).
        #[arg(long, default_value_t = 0)]
        planned_compute: u64,
        /// For a run's output: the completed run.
        #[arg(long, requires = "parent")]
        run: Option<u64>,
        /// For a run's output: the starting checkpoint's container ID (default: the parent's).
        #[arg(long, requires = "run")]
        starting_checkpoint: Option<String>,
    },
    /// Declare a model's architecture template and documented facts (JSON `ModelFactsDecl`:
    /// purpose, access, parameter_count, training_energy_mwh, context_window_tokens,
    /// input_modalities, output_modalities, data_domains, data_provenance). Frozen at the
    /// first report.
    Declare {
        /// The model id.
        #[arg(long)]
        model: u64,
        /// The ModelArchitecture template id.
        #[arg(long)]
        architecture: u64,
        /// The facts, a JSON file.
        #[arg(long)]
        facts: PathBuf,
    },
    /// Register the retry a Review vote allowed for a Rejected model.
    RegisterRetry {
        /// The Rejected model.
        #[arg(long)]
        failed: u64,
        /// Container ID of the retry's starting checkpoint, 64 hex digits.
        #[arg(long)]
        container_id: String,
        /// Documentation digest, 64 hex digits (default: digest of the container ID).
        #[arg(long)]
        documentation: Option<String>,
        /// Planned training compute, in compute units.
        #[arg(long, default_value_t = 0)]
        planned_compute: u64,
    },
}

/// Workload transactions.
#[derive(Subcommand, Debug)]
pub enum WorkloadTx {
    /// Create a workload of a model.
    Create {
        /// The model id.
        #[arg(long)]
        model: u64,
        /// pre_train, post_train or inference.
        #[arg(long)]
        phase: String,
        /// Total budget, compute units.
        #[arg(long)]
        budget: u64,
    },
    /// Start a run of a workload on Active hardware; the drip serves it from this block on.
    StartRun {
        /// The workload id.
        #[arg(long)]
        workload: u64,
        /// The hardware id.
        #[arg(long)]
        hardware: u64,
        /// The run's budget, compute units.
        #[arg(long)]
        budget: u64,
        /// Its stages.
        #[arg(long, default_value_t = 1)]
        stages: u16,
    },
}

/// OTK transactions.
#[derive(Subcommand, Debug)]
pub enum OtkTx {
    /// Report what the device used of a permit (sign with the device key: `--key DEVICE`);
    /// the next permit follows at the end of the block.
    ReportUsage {
        /// The permit id.
        #[arg(long)]
        otk: u64,
        /// Units used (at most its ration).
        #[arg(long)]
        used: u64,
        /// The run's current stage is done.
        #[arg(long)]
        stage_done: bool,
        /// What the device measured over the permit's interval (JSON `Telemetry`); phase
        /// detection checks it against the workload's declared phase.
        #[arg(long)]
        telemetry: Option<PathBuf>,
    },
}

/// Gas transactions.
#[derive(Subcommand, Debug)]
pub enum GasTx {
    /// Record a payment your member received and issue its credits at the published rate
    /// (`aigov query gas price` shows it). Treasury officers only; a duty, so the pool pays.
    /// A payment reference is recorded once per member.
    Purchase {
        /// model_registration, hardware_registration, personnel_registration,
        /// module_development or pool_top_up.
        #[arg(long)]
        category: String,
        /// Who receives the credits (keystore name or public key); not with pool_top_up.
        #[arg(long)]
        account: Option<String>,
        /// The payment, in treasury units (e.g. micro-USDC).
        #[arg(long)]
        paid: u64,
        /// The external payment reference (bank transfer id, invoice number).
        #[arg(long)]
        reference: String,
    },
}

/// Treasury transactions.
#[derive(Subcommand, Debug)]
pub enum TreasuryTx {
    /// File a bug-bounty claim for a Review vote. Any key may claim (the pool pays, within the
    /// applicant quota); the report stays off chain, its SHA-256 goes on chain.
    ClaimBounty {
        /// A short title.
        #[arg(long)]
        title: String,
        /// A file holding the report (its SHA-256 goes on chain).
        #[arg(long, conflicts_with = "report_hash")]
        report: Option<PathBuf>,
        /// The report's SHA-256, 64 hex digits.
        #[arg(long, required_unless_present = "report")]
        report_hash: Option<String>,
        /// The amount asked for, in treasury units.
        #[arg(long)]
        amount: u64,
    },
}

/// Governance transactions.
#[derive(Subcommand, Debug)]
pub enum GovTx {
    /// Submit a proposal. It is Pending for the class's voting delay (you may cancel it
    /// meanwhile), then open for votes; if it passes it is queued and its actions run,
    /// atomically, after the timelock.
    #[command(
        group(
            ArgGroup::new("describe")
                .required(true)
                .args(["description", "description_file", "description_hash"])
        ),
        after_help = crate::gov::ACTION_SYNTAX
    )]
    Propose {
        /// The class: safety, review, system or emergency (each has its own rules, see
        /// `aigov query gov params`).
        #[arg(long)]
        class: String,
        /// A short title.
        #[arg(long)]
        title: String,
        /// The full description as text (its SHA-256 goes on chain).
        #[arg(long)]
        description: Option<String>,
        /// A file holding the full description (its SHA-256 goes on chain).
        #[arg(long)]
        description_file: Option<PathBuf>,
        /// The SHA-256 of the description, 64 hex digits.
        #[arg(long)]
        description_hash: Option<String>,
        /// An action, `kind:args` (repeat for several; they run in order, all or nothing),
        /// e.g. `activate-personnel:ada`. None makes a recorded resolution. Kinds below.
        #[arg(long = "action")]
        actions: Vec<String>,
    },
    /// Cast or change your ballot on a proposal while voting is open.
    Vote {
        /// The proposal id.
        proposal: u64,
        /// yes, no or abstain (abstentions count towards quorum only).
        choice: String,
        /// SHA-256 of your published rationale, 64 hex digits.
        #[arg(long, conflicts_with = "rationale_file")]
        rationale_hash: Option<String>,
        /// A file holding your rationale (its SHA-256 goes on chain).
        #[arg(long)]
        rationale_file: Option<PathBuf>,
    },
    /// Vote (or change your vote) in a safety selection round: one remaining candidate of the
    /// current sub-round (Safety-eligible personnel).
    VoteRound {
        /// The round id.
        round: u64,
        /// The candidate's index in the round's list (from 0).
        candidate: u16,
    },
    /// Withdraw your own proposal while it is Pending, before voting opens.
    Cancel {
        /// The proposal id.
        proposal: u64,
    },
    /// Raise a threat as an Emergency proposal, whatever your tier: the Emergency class's
    /// top-tier electorate votes on it at once. What it does takes effect when it passes, but
    /// lapses (suspensions are lifted) unless a regular proposal ratifies it in time.
    #[command(
        group(
            clap::ArgGroup::new("description_source")
                .required(true)
                .args(["description", "description_file", "description_hash"])
        ),
        after_help = crate::gov::ACTION_SYNTAX
    )]
    Escalate {
        /// A short title.
        #[arg(long)]
        title: String,
        /// The threat, as text (its SHA-256 goes on chain).
        #[arg(long)]
        description: Option<String>,
        /// A file describing the threat (its SHA-256 goes on chain).
        #[arg(long)]
        description_file: Option<PathBuf>,
        /// The SHA-256 of the description, 64 hex digits.
        #[arg(long)]
        description_hash: Option<String>,
        /// An emergency action, `kind:args` (repeat for several), e.g. `suspend-personnel:eve`.
        #[arg(long = "action")]
        actions: Vec<String>,
    },
    /// Challenge a queued proposal during its enactment delay: locks the dispute bond from your
    /// credits and opens an Emergency review. Sustained, the proposal is canceled and the bond
    /// returned; otherwise it executes and the bond goes to the pool.
    Challenge {
        /// The proposal id.
        proposal: u64,
        /// Your grounds, as text (their SHA-256 goes on chain).
        #[arg(long, conflicts_with = "grounds_file")]
        grounds: Option<String>,
        /// A file holding your grounds.
        #[arg(long, required_unless_present = "grounds")]
        grounds_file: Option<PathBuf>,
    },
    /// Delegate your vote on one class to another Active person of your member who shares one
    /// of your roles (or revoke it). Your own ballot always overrides your delegate's.
    Delegate {
        /// The class: safety, review, system or emergency.
        #[arg(long)]
        class: String,
        /// The delegate (keystore name or public key).
        #[arg(long, conflicts_with = "revoke", required_unless_present = "revoke")]
        to: Option<String>,
        /// Revoke your delegation of this class.
        #[arg(long)]
        revoke: bool,
    },
    /// Execute a queued proposal whose enactment delay has passed, now (the chain also does at
    /// the end of the block).
    Execute {
        /// The proposal id.
        proposal: u64,
    },
}

/// Personnel transactions.
#[derive(Subcommand, Debug)]
pub enum PersonnelTx {
    /// Apply to become personnel of a member; the signing key becomes your account. The
    /// system pool pays the gas, so a brand-new key can apply. The record starts Pending until
    /// a vetting vote.
    Register {
        /// The nominating member's id (see `aigov query members`).
        #[arg(long)]
        member: String,
        /// A role (repeat for several): policy, safety, software, hardware, inspector,
        /// auditor, treasury_officer.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Requested tier (1 is the highest).
        #[arg(long)]
        tier: u8,
        /// Your display name.
        #[arg(long)]
        name: String,
        /// Your organisation's id, if any (must be under the member).
        #[arg(long)]
        organisation: Option<String>,
        /// SHA-256 of your vetting credential (64 hex digits); defaults to the hash of your name.
        #[arg(long)]
        credential: Option<String>,
    },
}

/// `aigov query`.
#[derive(Args, Debug)]
pub struct QueryArgs {
    /// Ask the node for a light-client proof, check it against the group key, and print it.
    #[arg(long, global = true)]
    pub prove: bool,
    /// With --prove: write the proof to this file (for `aigov verify`).
    #[arg(long, global = true)]
    pub out: Option<PathBuf>,
    #[command(subcommand)]
    pub what: QueryWhat,
}

/// What to query.
#[derive(Subcommand, Debug)]
pub enum QueryWhat {
    /// The node's health and chain.
    Health,
    /// A finalized block (the latest by default).
    Block {
        /// Its height.
        height: Option<u64>,
    },
    /// A transaction's status, receipt and events.
    Tx {
        /// Its hash.
        hash: String,
    },
    /// An account's nonce and gas credits.
    Account {
        /// A public key (hex) or keystore name; defaults to --key.
        who: Option<String>,
    },
    /// One person's record.
    Personnel {
        /// A public key (hex) or keystore name; defaults to --key.
        who: Option<String>,
    },
    /// One member.
    Member {
        /// Its id.
        id: String,
    },
    /// All members.
    Members,
    /// Personnel, in registration order.
    PersonnelList {
        /// Skip this many.
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Show at most this many.
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// The system token pool's gas credits.
    Pool,
    /// Events of the activity log.
    Events {
        /// First event index.
        #[arg(long, default_value_t = 0)]
        from: u64,
        /// Most events.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// The activity log's signed checkpoint.
    Checkpoint,
    /// Governance: proposals, tallies, decision records, ballots, parameters.
    #[command(subcommand)]
    Gov(GovQuery),
    /// Gas: the price and its parameters, balances, the pool, the credit ledger, purchases.
    #[command(subcommand)]
    Gas(GasQuery),
    /// The shared treasury: its ledger, bounty claims, payments.
    Treasury {
        #[command(subcommand)]
        what: Option<TreasuryQuery>,
    },
    /// Hardware: one entry by id, or `list`.
    Hardware {
        /// A hardware id, or `list`.
        id: String,
        /// Skip this many (list).
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Show at most this many (list).
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// An inspection record.
    Inspection {
        /// Its id.
        id: u64,
    },
    /// An integrity challenge: its hardware, nonce, deadline and outcome.
    Challenge {
        /// Its id.
        id: u64,
    },
    /// Models: one by id, or `list` (the default).
    #[command(visible_alias = "models")]
    Model {
        /// A model id, or `list`.
        #[arg(default_value = "list")]
        id: String,
        /// Skip this many (list).
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Show at most this many (list).
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// Templates (policy-as-code): one by id, or `list` (the default).
    #[command(visible_alias = "templates")]
    Template {
        /// A template id, or `list`.
        #[arg(default_value = "list")]
        id: String,
        /// Skip this many (list).
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Show at most this many (list).
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// The safety standard: the version in force, or VERSION.
    Standard {
        /// A version number (default: the one in force).
        #[arg(value_name = "VERSION")]
        number: Option<u32>,
    },
    /// Safeguard and audit reports: one by id, or `list` (the default).
    #[command(visible_alias = "reports")]
    Report {
        /// A report id, or `list`.
        #[arg(default_value = "list")]
        id: String,
        /// Skip this many (list).
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Show at most this many (list).
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// A model's certification record: architecture, declaration, standard version, passed
    /// templates, certification height.
    Certification {
        /// The model id.
        model: u64,
    },
    /// A registered report runner.
    Runner {
        /// Its public key (hex) or keystore name.
        who: String,
    },
    /// The retry grant of a Rejected model.
    Retry {
        /// The Rejected model's id.
        model: u64,
    },
    /// A workload.
    Workload {
        /// Its id.
        id: u64,
    },
    /// A run.
    Run {
        /// Its id.
        id: u64,
    },
    /// OTK permits: `permit ID` or `device KEY`.
    #[command(subcommand)]
    Otk(OtkQuery),
    /// The whistle-blower program: reports and the reviewing key.
    #[command(subcommand)]
    Whistle(WhistleQuery),
    /// The consensus committee (validator set): as voted, and per epoch.
    ///
    /// An epoch's committee is the validator set that epoch's key-resharing ceremony deals
    /// shares of the group key to; it signs blocks from the next epoch on. A `set_validators`
    /// System vote changes the committee as voted at once; the block before the midpoint of
    /// epoch k copies the committee as voted into epoch k + 2's committee, fixed from then on.
    ///
    /// Without --epoch: the committee as voted, the current epoch (of the latest height), and
    /// the committees of the current and the next epoch.
    Validators {
        /// Show only this epoch's committee (or that it is not fixed yet).
        #[arg(long)]
        epoch: Option<u64>,
    },
}

/// OTK queries.
#[derive(Subcommand, Debug)]
pub enum OtkQuery {
    /// One permit (with --prove, checked like an agent would).
    Permit {
        /// Its id.
        id: u64,
    },
    /// A device's hardware entry and latest permits.
    Device {
        /// The device key (hex) or keystore name.
        #[arg(value_name = "KEY")]
        device: String,
        /// Most permits.
        #[arg(long, default_value_t = 10)]
        limit: u64,
    },
}

/// Gas queries.
#[derive(Subcommand, Debug)]
pub enum GasQuery {
    /// The current gas price (milli-credits per gas), the parameters of its algorithm, the gas
    /// tax and the credit rate.
    Price,
    /// An account's gas credits.
    Balance {
        /// A public key (hex) or keystore name; defaults to --key.
        who: Option<String>,
    },
    /// The system pool's credits and what each member put in.
    Pool,
    /// The credit ledger: credits issued, consumed, purchases recorded.
    Ledger,
    /// A recorded purchase.
    Purchase {
        /// Its id.
        id: u64,
    },
    /// The price's history: the latest moves (`gas_price_changed` events of the activity log,
    /// each provable with `aigov query events` and the log's inclusion proofs), newest first.
    History {
        /// Show at most this many moves.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Look back through at most this many events of the log.
        #[arg(long, default_value_t = 100_000)]
        scan: u64,
    },
}

/// Treasury queries (the ledger by default).
#[derive(Subcommand, Debug)]
pub enum TreasuryQuery {
    /// Balance, inflows, outflows, payments.
    Ledger,
    /// Bounty claims in id order.
    Bounties {
        /// Skip this many.
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Show at most this many.
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// One bounty claim.
    Bounty {
        /// Its id.
        id: u64,
    },
    /// One payment.
    Payment {
        /// Its id.
        id: u64,
    },
}

/// Governance queries.
#[derive(Subcommand, Debug)]
pub enum GovQuery {
    /// Proposals in id order: class, status, proposer, title, end of voting.
    Proposals {
        /// Skip this many.
        #[arg(long, default_value_t = 0)]
        offset: u64,
        /// Show at most this many.
        #[arg(long, default_value_t = 100)]
        limit: u64,
    },
    /// One proposal: actions, rules, timeline, status and decision (with --prove --out FILE,
    /// a light-client proof for `aigov verify`).
    Proposal {
        /// The proposal id.
        id: u64,
    },
    /// Where a vote stands: the running tally while ballots are open, else the decision.
    Tally {
        /// The proposal id.
        id: u64,
    },
    /// The decision record: per-member tallies, recusals, ballots with rationale hashes, and
    /// dissent. Exit code 1 while the proposal is not tallied yet.
    Record {
        /// The proposal id.
        id: u64,
    },
    /// Every ballot on a proposal.
    Ballots {
        /// The proposal id.
        id: u64,
    },
    /// One person's ballot (provable).
    Ballot {
        /// The proposal id.
        id: u64,
        /// The voter: a public key (hex) or keystore name; defaults to --key.
        who: Option<String>,
    },
    /// The governance parameters in force: tier weights, member cap, each class's rules.
    Params,
}

/// `aigov verify`.
#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct VerifyArgs {
    /// What to check against the chain instead of a proof file.
    #[command(subcommand)]
    pub what: Option<VerifyWhat>,
    /// The proof file (from `aigov query … --prove --out FILE`).
    #[arg(required = true)]
    pub proof: Option<PathBuf>,
    /// Whose key to trust.
    #[command(flatten)]
    pub trust: TrustArgs,
}

/// The consensus group key a verification trusts.
#[derive(Args, Debug, Clone)]
pub struct TrustArgs {
    /// The consensus group key to trust (hex). Default: the one in --genesis.
    #[arg(long)]
    pub group_key: Option<String>,
    /// A genesis file whose group key to trust. Default: HOME/genesis.json.
    #[arg(long)]
    pub genesis: Option<PathBuf>,
}

/// `aigov verify …` subcommands.
#[derive(Subcommand, Debug)]
pub enum VerifyWhat {
    /// Ask the node what the chain says of a model's container ID and check every part with
    /// light-client proofs: the model bound to it (or that none is), its status and tier, the
    /// standard version and certification height. Trusts only the group key.
    ///
    /// Exit code 0: proven Certified; 3: proven, but not Certified (unknown, Pending,
    /// RenewalDue, Rejected, Revoked…); 1: a proof does not verify; 2: could not be checked.
    Model {
        /// The OpenSSF Model Signing container ID (`aigov model fingerprint DIR`), 64 hex
        /// digits.
        container_id: String,
        /// Save the node's answer with its proofs (check it again later with `--from FILE`).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Check a saved answer instead of asking the node.
        #[arg(long, conflicts_with = "out")]
        from: Option<PathBuf>,
        /// Whose key to trust.
        #[command(flatten)]
        trust: TrustArgs,
    },
}

/// `aigov dev`.
#[derive(Args, Debug)]
pub struct DevArgs {
    /// Folder for the chain's data, keys and genesis.
    #[arg(long, default_value = "./.aigov/dev")]
    pub data_dir: PathBuf,
    /// Address the HTTP API and portal listen on.
    #[arg(long, default_value = "127.0.0.1:8700")]
    pub listen: SocketAddr,
    /// Address the validator's p2p listens on (0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    pub p2p: SocketAddr,
    /// Longest wait for transactions before an empty block, in milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub idle_block_ms: u64,
    /// Batching window: shortest spacing between blocks, in milliseconds.
    #[arg(long, default_value_t = 20)]
    pub min_block_ms: u64,
}

/// `aigov keys`.
#[derive(Args, Debug)]
pub struct KeysArgs {
    #[command(subcommand)]
    pub command: KeysCommand,
}

/// Keystore commands.
#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Create a new key.
    New {
        /// Its name (letters, digits, '-', '_').
        name: String,
    },
    /// List keys and their public keys.
    List,
    /// Show one key's public key.
    Show {
        /// Its name.
        name: String,
    },
}

/// `aigov testnet`.
#[derive(Args, Debug)]
pub struct TestnetArgs {
    #[command(subcommand)]
    pub command: TestnetCommand,
}

/// Testnet commands.
#[derive(Subcommand, Debug)]
pub enum TestnetCommand {
    /// Deal the threshold key, write genesis, one folder per validator (`nodeI`: key, share,
    /// config.json), one per full node (`fullnodeJ`: key and config.json, no share) and the
    /// demo accounts' keystore. Every config.json lists the full nodes, so the validators
    /// accept their connections.
    Init {
        /// Number of validators (1 to 64, the most one committee can hold).
        #[arg(long, default_value_t = 4)]
        validators: usize,
        /// Number of full nodes: they hold no key share, never propose or vote, re-execute
        /// every finalized block and serve the API. With one --host, full node J uses the base
        /// ports + validators + J.
        #[arg(long, default_value_t = 0)]
        full_nodes: usize,
        /// Output folder.
        #[arg(long, default_value = "./testnet")]
        dir: PathBuf,
        /// Host (IP) the validators listen on and are reached at.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// One host per validator, comma-separated (e.g. one per network namespace); each then
        /// uses the base ports. Overrides --host.
        #[arg(long, value_delimiter = ',')]
        hosts: Vec<String>,
        /// One host per full node, comma-separated; required with --hosts and --full-nodes.
        /// Each uses the base ports.
        #[arg(long, value_delimiter = ',')]
        full_node_hosts: Vec<String>,
        /// p2p port of validator 0 (validator i uses base + i).
        #[arg(long, default_value_t = 30400)]
        p2p_base_port: u16,
        /// API port of validator 0 (validator i uses base + i).
        #[arg(long, default_value_t = 8701)]
        api_base_port: u16,
        /// The chain id.
        #[arg(long, default_value = "aigov-testnet")]
        chain_id: String,
        /// Heights per epoch (at least 4). At the end of each epoch the validators reshare the
        /// group key among the committee state has voted for that epoch (a `set-validators`
        /// System proposal changes it); the group key itself never changes.
        #[arg(long, default_value_t = aigov_chain::setup::DEMO_BLOCKS_PER_EPOCH)]
        blocks_per_epoch: u64,
    },
}

/// `aigov node`.
#[derive(Args, Debug)]
pub struct NodeArgs {
    #[command(subcommand)]
    pub command: NodeCommand,
}

/// Node commands.
#[derive(Subcommand, Debug)]
pub enum NodeCommand {
    /// Run a node from its configuration file (written by `aigov testnet init`): a validator
    /// if the file names a key share, otherwise a full node. A full node holds no share: it
    /// follows consensus as an observer, backfills finalized blocks from the validators,
    /// re-executes each one (checking its state root), serves the same API as a validator and
    /// gossips the transactions submitted to it to the validators. Its key must be listed in
    /// the validators' config.json (`full_nodes`), or they refuse its connections.
    Run {
        /// The node's config.json.
        #[arg(long)]
        config: PathBuf,
    },
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory as _;

    /// Clap's own consistency checks over every subcommand: duplicate argument ids (a
    /// subcommand's `key` shadowing the global `--key` panics at parse time), bad defaults,
    /// conflicting names.
    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
