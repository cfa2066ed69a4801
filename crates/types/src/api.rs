//! JSON shapes of the HTTP API (`/v1/...`), shared by the server (`aigov-api`) and the client
//! SDK (`aigov-client`) so the two cannot drift apart.

use crate::codec::Hash;
use crate::event::EventRecord;
use crate::governance::{Decision, Proposal, ProposalStatus};
use crate::personnel::Personnel;
use crate::proof::StateProof;
use crate::receipt::Receipt;
use serde::{Deserialize, Serialize};

/// `POST /v1/txs` request: the hex-encoded signed transaction.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubmitTxRequest {
    /// Hex of the canonical `SignedTx` encoding.
    pub tx: String,
}

/// `POST /v1/txs` success.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SubmitTxResponse {
    /// The transaction hash.
    pub hash: Hash,
}

/// Every error response: a stable code, a message for people, and the HTTP status.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ErrorBody {
    /// Stable machine-readable code (e.g. `bad_signature`, `stale_nonce`, `not_found`).
    pub code: String,
    /// What was wrong and what to do.
    pub message: String,
}

/// `GET /v1/txs/{hash}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum TxStatus {
    /// In the mempool, not yet in a finalized block.
    Pending,
    /// In a finalized block and executed successfully.
    Finalized {
        /// The receipt.
        receipt: Receipt,
        /// Events the transaction emitted (the last is `tx_executed`).
        events: Vec<EventRecord>,
    },
    /// In a finalized block; the call failed (gas was still charged).
    Failed {
        /// The receipt (its outcome holds the code and message).
        receipt: Receipt,
        /// Events the transaction emitted.
        events: Vec<EventRecord>,
    },
}

/// A block header, readable.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlockHeaderJson {
    /// Height.
    pub height: u64,
    /// Block digest (SHA-256 of the encoded header).
    pub digest: Hash,
    /// Parent digest.
    pub parent: Hash,
    /// Block time, ms since the Unix epoch.
    pub time_ms: u64,
    /// Consensus epoch.
    pub epoch: u64,
    /// Consensus view.
    pub view: u64,
    /// The proposer's p2p key, hex.
    pub proposer: String,
    /// Root over the transactions.
    pub txs_root: Hash,
    /// Number of transactions.
    pub tx_count: u32,
    /// State root after the block.
    pub state_root: Hash,
    /// The threshold-VRF seed the block carries (hex of the group's BLS signature over its
    /// parent's round); absent for the first block.
    pub seed: Option<String>,
    /// What the block's draws (OTK rations, integrity challenges) start from: the seed's
    /// hash, zero without a seed.
    pub randomness: Hash,
}

/// `GET /v1/blocks/latest` and `GET /v1/blocks/{height}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlockResponse {
    /// The header, readable.
    pub header: BlockHeaderJson,
    /// Hex of the encoded header (what the certificate signs, via its digest).
    pub header_hex: String,
    /// Hashes of the transactions, in order.
    pub txs: Vec<Hash>,
    /// Hex of the encoded finalization certificate, if this node has it.
    pub finalization: Option<String>,
}

/// `GET /v1/state/...`: a typed value, the height it is current at, and (with `?prove=true`)
/// a light-client proof.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StateResponse<T> {
    /// Height of the state read.
    pub height: u64,
    /// Hex of the logical key.
    pub key: String,
    /// The value, or `null` if absent.
    pub value: Option<T>,
    /// The proof, when asked for.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub proof: Option<StateProof>,
}

/// `GET /v1/events?from=N&limit=M`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventsResponse {
    /// The events, in log order.
    pub events: Vec<EventRecord>,
    /// Size of the log at the time of the read.
    pub log_size: u64,
}

/// `GET /v1/personnel?offset=&limit=`: a page of personnel, in registration order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PersonnelPage {
    /// The personnel records of this page.
    pub personnel: Vec<Personnel>,
    /// Number of personnel records in state.
    pub total: u64,
    /// Position of the first record of this page.
    pub offset: u64,
    /// The page size used (the requested limit, capped by the server).
    pub limit: u64,
}

/// `GET /v1/proposals?offset=&limit=`: a page of proposals, in id order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProposalPage {
    /// The proposals of this page.
    pub proposals: Vec<Proposal>,
    /// Number of proposals ever submitted (ids run from 1 to this).
    pub total: u64,
    /// Number of proposals skipped (the first of this page has id `offset + 1`).
    pub offset: u64,
    /// The page size used (the requested limit, capped by the server).
    pub limit: u64,
}

/// `GET /v1/proposals/{id}/tally`: where a proposal's vote stands.
///
/// While ballots are open (`pending`, `active`, or `succeeded` in its confirm period) this is
/// the **running** tally: the decision the proposal would get if it were tallied at the latest
/// finalized block time, computed from the ballots so far (nothing is recorded). Afterwards it
/// is the **recorded** decision of the proposal's last tally.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TallyResponse {
    /// The proposal.
    pub proposal: u64,
    /// Its status.
    pub status: ProposalStatus,
    /// True for a running tally (ballots still open), false for the recorded decision.
    pub running: bool,
    /// Height of the finalized state read.
    pub height: u64,
    /// The tally (`tallied_ms` is the block time it was computed at).
    pub decision: Decision,
}

/// `GET /v1/log/checkpoint`: the log's size and root, signed by the node (C2SP signed note).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CheckpointResponse {
    /// Number of events.
    pub size: u64,
    /// RFC 6962 root.
    pub root: Hash,
    /// Height at which the log had this size.
    pub height: u64,
    /// The signed note text (`origin\nsize\nroot\n\n— name signature\n`).
    pub note: String,
}

/// `GET /v1/log/proof?index=I&size=N`: RFC 6962 inclusion proof of one event.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InclusionResponse {
    /// The event.
    pub event: EventRecord,
    /// Hex of the leaf data (the encoded event record).
    pub leaf: String,
    /// Tree size the proof is for.
    pub size: u64,
    /// Root of that tree.
    pub root: Hash,
    /// Audit path.
    pub path: Vec<Hash>,
}

/// `GET /v1/log/consistency?from=M&to=N`: RFC 6962 consistency proof between two log sizes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConsistencyResponse {
    /// The older tree size.
    pub from: u64,
    /// The newer tree size.
    pub to: u64,
    /// Root of the older tree.
    pub from_root: Hash,
    /// Root of the newer tree.
    pub to_root: Hash,
    /// The consistency path.
    pub path: Vec<Hash>,
}

/// `GET /v1/health`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Health {
    /// `ok` when the node is serving.
    pub status: String,
    /// Chain id.
    pub chain_id: String,
    /// Latest finalized height.
    pub height: u64,
    /// Transactions waiting.
    pub mempool: usize,
    /// Hex of the consensus group key (light clients' trust anchor).
    pub group_key: String,
    /// Node software version.
    pub version: String,
}

/// `GET /v1/economy`: the whole economy at the latest finalized height, in one read (each
/// figure is also provable on its own under `/v1/state/gas/…`, `/v1/state/pool` and
/// `/v1/state/treasury`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EconomyResponse {
    /// The finalized height read.
    pub height: u64,
    /// The current gas price.
    pub price: crate::economy::GasPrice,
    /// The economy's parameters in force.
    pub params: crate::economy::EconomyParams,
    /// The credit ledger.
    pub credits: crate::economy::CreditLedger,
    /// Credits in the system token pool.
    pub pool: u64,
    /// What each member has put into the pool, by member id (members with none omitted).
    pub pool_contributions: Vec<(crate::Slug, u64)>,
    /// The treasury's ledger.
    pub treasury: crate::treasury::TreasuryLedger,
    /// Number of bounty claims (ids run from 1).
    pub bounties: u64,
}

/// `GET /v1/treasury/bounties`: a page of bounty claims.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BountyPage {
    /// The claims of this page, in id order.
    pub bounties: Vec<crate::treasury::Bounty>,
    /// Number of claims ever filed.
    pub total: u64,
    /// Claims skipped (the first of this page has id `offset + 1`).
    pub offset: u64,
    /// The page size used.
    pub limit: u64,
}

/// `GET /v1/hardware`: a page of hardware.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HardwarePage {
    /// The hardware of this page, in id order.
    pub hardware: Vec<crate::hardware::Hardware>,
    /// Number of hardware entries ever registered.
    pub total: u64,
    /// Entries skipped (the first of this page has id `offset + 1`).
    pub offset: u64,
    /// The page size used.
    pub limit: u64,
}

/// `GET /v1/models`: a page of models.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModelPage {
    /// The models of this page, in id order.
    pub models: Vec<crate::model::Model>,
    /// Number of models ever registered.
    pub total: u64,
    /// Models skipped (the first of this page has id `offset + 1`).
    pub offset: u64,
    /// The page size used.
    pub limit: u64,
}

/// `GET /v1/otk/devices/{pubkey}`: a device's hardware entry and its latest permits. An agent
/// proves each permit it uses with `/v1/state/otk/permits/{id}?prove=true`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DevicePermits {
    /// The height read.
    pub height: u64,
    /// The hardware bound to the key, if any.
    pub hardware: Option<crate::hardware::Hardware>,
    /// Its latest permits, newest (highest `seq`) first.
    pub permits: Vec<crate::otk::OtkPermit>,
}

/// `GET /v1/templates`: a page of templates.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TemplatePage {
    /// The templates of this page, in id order.
    pub templates: Vec<crate::template::Template>,
    /// Number of templates ever proposed.
    pub total: u64,
    /// Templates skipped (the first of this page has id `offset + 1`).
    pub offset: u64,
    /// The page size used.
    pub limit: u64,
}

/// `GET /v1/reports`: a page of safeguard and audit reports.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReportPage {
    /// The reports of this page, in id order.
    pub reports: Vec<crate::template::Report>,
    /// Number of reports ever filed.
    pub total: u64,
    /// Reports skipped (the first of this page has id `offset + 1`).
    pub offset: u64,
    /// The page size used.
    pub limit: u64,
}

/// `GET /v1/models/by-container/{id}`: what the chain says of a container ID, each part with
/// its light-client proof, so a verifier trusts only the consensus group key: the id bound to
/// the container (or its proven absence), the model record, and its certification record.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ModelByContainer {
    /// The container ID asked about.
    pub container_id: Hash,
    /// The model id registered under it (`value` null, with a proof of absence, if none).
    pub id: StateResponse<u64>,
    /// The model (absent when `id` is).
    pub model: Option<StateResponse<crate::model::Model>>,
    /// Its certification record (absent when `id` is; `value` null if it never declared).
    pub certification: Option<StateResponse<crate::template::Certification>>,
}
