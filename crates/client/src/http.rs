//! A typed, blocking client of the node's HTTP API (`/v1/...`), over `ureq`.
//!
//! Every method maps to one endpoint and returns the shared JSON shapes of
//! [aigov_types::api]. Answers are *not* trusted: ask for a proof (`prove = true`) and check it
//! with [crate::verify_state_response] when it matters.

use crate::tx::build_tx;
use aigov_types::account::Account;
use aigov_types::api::{
    BlockResponse, CheckpointResponse, ConsistencyResponse, ErrorBody, EventsResponse, Health,
    InclusionResponse, PersonnelPage, ProposalPage, StateResponse, SubmitTxRequest,
    SubmitTxResponse, TallyResponse, TxStatus,
};
use aigov_types::call::Call;
use aigov_types::codec::{Encode, Hash, Slug};
use aigov_types::crypto::{PrivateKey, PublicKey};
use aigov_types::event::EventRecord;
use aigov_types::genesis::Params;
use aigov_types::governance::{Ballot, Decision, GovernanceParams, Proposal};
use aigov_types::personnel::{Member, Organisation, Personnel};
use aigov_types::receipt::Receipt;
use aigov_types::tx::{SignedTx, TxHash};
use aigov_types::validators::ValidatorSet;
use serde::de::DeserializeOwned;
use std::time::{Duration, Instant};

/// The address `aigov dev` serves on.
pub const DEFAULT_NODE_URL: &str = "http://127.0.0.1:8700";

/// How long one HTTP request may take before it fails.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How often [Client::wait_for_tx] polls.
pub const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Largest response body read (events pages and proofs stay far below it).
const MAX_BODY_BYTES: u64 = 64 << 20;

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The node answered with an error.
    #[error("the node refused the request (HTTP {status}, {code}): {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// Stable error code from the node (`http_<status>` if the body was not an error body).
        code: String,
        /// What was wrong and what to do, from the node.
        message: String,
    },
    /// The node could not be reached (refused, unresolvable, dropped, timed out).
    #[error(
        "could not reach the aigov node at {url} ({reason}); start a local node with `aigov dev`, \
         or point to a running one with --node <URL>"
    )]
    Transport {
        /// The node base URL.
        url: String,
        /// What the transport reported.
        reason: String,
    },
    /// The node answered, but not with the JSON this client expects (a different version?).
    #[error("unexpected answer from the node at {url}: {reason}")]
    Decode {
        /// The request URL.
        url: String,
        /// What did not parse.
        reason: String,
    },
    /// A wait ended before the awaited state was reached.
    #[error("gave up after {waited_ms} ms waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long it waited, in milliseconds.
        waited_ms: u64,
    },
    /// An argument the caller passed is malformed (checked before any request is sent).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl ClientError {
    /// The node's stable error code, if the node answered with an error.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { code, .. } => Some(code),
            _ => None,
        }
    }
}

/// A client of one node's HTTP API. Cheap to clone; connections are pooled.
#[derive(Clone, Debug)]
pub struct Client {
    base: String,
    agent: ureq::Agent,
}

impl Client {
    /// A client of the node at `base_url` (e.g. `http://127.0.0.1:8700`; a trailing `/` is
    /// ignored), with [DEFAULT_REQUEST_TIMEOUT].
    pub fn new(base_url: impl Into<String>) -> Self {
        Self::with_timeout(base_url, DEFAULT_REQUEST_TIMEOUT)
    }

    /// A client whose requests each fail after `timeout`.
    pub fn with_timeout(base_url: impl Into<String>, timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build();
        Self {
            base: base_url.into().trim_end_matches('/').to_string(),
            agent: config.into(),
        }
    }

    /// The node base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// `GET /v1/health`.
    pub fn health(&self) -> Result<Health, ClientError> {
        self.get("/v1/health")
    }

    /// `POST /v1/txs`: admits a signed transaction into the mempool and returns its hash.
    pub fn submit(&self, tx: &SignedTx) -> Result<TxHash, ClientError> {
        let req = SubmitTxRequest {
            tx: hex::encode(tx.encode()),
        };
        let url = self.url("/v1/txs");
        let resp: SubmitTxResponse = self.send(&url, self.agent.post(&url).send_json(&req))?;
        let local = tx.hash();
        if resp.hash != local {
            return Err(ClientError::Decode {
                url,
                reason: format!(
                    "the node reports hash {} for transaction {local}",
                    resp.hash
                ),
            });
        }
        Ok(resp.hash)
    }

    /// `GET /v1/txs/{hash}`: the transaction's status, or `None` if the node does not know it.
    pub fn tx_status(&self, hash: &Hash) -> Result<Option<TxStatus>, ClientError> {
        self.get_opt(&format!("/v1/txs/{hash}"))
    }

    /// Polls [Self::tx_status] every [POLL_INTERVAL] until the transaction is in a finalized
    /// block (`Finalized` or `Failed`), or fails with [ClientError::Timeout] after `timeout`.
    pub fn wait_for_tx(&self, hash: &Hash, timeout: Duration) -> Result<TxStatus, ClientError> {
        let start = Instant::now();
        loop {
            match self.tx_status(hash)? {
                Some(TxStatus::Pending) | None => {}
                Some(done) => return Ok(done),
            }
            let elapsed = start.elapsed();
            if elapsed >= timeout {
                return Err(ClientError::Timeout {
                    what: format!("transaction {hash} to be finalized"),
                    waited_ms: elapsed.as_millis() as u64,
                });
            }
            std::thread::sleep(POLL_INTERVAL.min(timeout - elapsed));
        }
    }

    /// Submits `tx` and waits for it to be finalized (see [Self::wait_for_tx]).
    pub fn submit_and_wait(
        &self,
        tx: &SignedTx,
        timeout: Duration,
    ) -> Result<TxStatus, ClientError> {
        let hash = self.submit(tx)?;
        self.wait_for_tx(&hash, timeout)
    }

    /// `GET /v1/blocks/latest` (`None`) or `GET /v1/blocks/{height}`.
    pub fn block(&self, height: Option<u64>) -> Result<BlockResponse, ClientError> {
        match height {
            Some(h) => self.get(&format!("/v1/blocks/{h}")),
            None => self.get("/v1/blocks/latest"),
        }
    }

    /// `GET /v1/state/accounts/{pk}`.
    pub fn account(
        &self,
        account: &PublicKey,
        prove: bool,
    ) -> Result<StateResponse<Account>, ClientError> {
        self.get(&state_path(&format!("accounts/{account}"), prove))
    }

    /// The nonce `account`'s next transaction must carry (0 for an account that does not exist
    /// yet).
    pub fn next_nonce(&self, account: &PublicKey) -> Result<u64, ClientError> {
        Ok(self
            .account(account, false)?
            .value
            .map(|a| a.nonce)
            .unwrap_or(0))
    }

    /// Builds and signs a transaction from `key` carrying the sender's current nonce.
    pub fn build_tx(
        &self,
        key: &PrivateKey,
        chain_id: &Slug,
        gas_limit: u64,
        call: Call,
    ) -> Result<SignedTx, ClientError> {
        let nonce = self.next_nonce(&key.public_key())?;
        Ok(build_tx(key, chain_id, nonce, gas_limit, call))
    }

    /// `GET /v1/state/personnel/{pk}`.
    pub fn personnel(
        &self,
        account: &PublicKey,
        prove: bool,
    ) -> Result<StateResponse<Personnel>, ClientError> {
        self.get(&state_path(&format!("personnel/{account}"), prove))
    }

    /// `GET /v1/state/members/{id}`.
    pub fn member(&self, id: &Slug, prove: bool) -> Result<StateResponse<Member>, ClientError> {
        self.get(&state_path(&format!("members/{id}"), prove))
    }

    /// `GET /v1/state/organisations/{id}`.
    pub fn organisation(
        &self,
        id: &Slug,
        prove: bool,
    ) -> Result<StateResponse<Organisation>, ClientError> {
        self.get(&state_path(&format!("organisations/{id}"), prove))
    }

    /// `GET /v1/state/events/{index}`: one activity-log event as stored in state.
    pub fn event(
        &self,
        index: u64,
        prove: bool,
    ) -> Result<StateResponse<EventRecord>, ClientError> {
        self.get(&state_path(&format!("events/{index}"), prove))
    }

    /// `GET /v1/state/params`: the chain parameters.
    pub fn params(&self, prove: bool) -> Result<StateResponse<Params>, ClientError> {
        self.get(&state_path("params", prove))
    }

    /// `GET /v1/members`: every member.
    pub fn members(&self) -> Result<Vec<Member>, ClientError> {
        self.get("/v1/members")
    }

    /// `GET /v1/organisations`: every organisation.
    pub fn organisations(&self) -> Result<Vec<Organisation>, ClientError> {
        self.get("/v1/organisations")
    }

    /// `GET /v1/personnel?offset=&limit=`: a page of personnel in registration order (the node
    /// caps `limit`).
    pub fn personnel_page(&self, offset: u64, limit: u64) -> Result<PersonnelPage, ClientError> {
        self.get(&format!("/v1/personnel?offset={offset}&limit={limit}"))
    }

    /// `GET /v1/state/pool`: the system token pool's gas credits.
    pub fn pool(&self, prove: bool) -> Result<StateResponse<u64>, ClientError> {
        self.get(&state_path("pool", prove))
    }

    /// `GET /v1/economy`: price, parameters, credit ledger, pool and treasury in one read.
    pub fn economy(&self) -> Result<aigov_types::api::EconomyResponse, ClientError> {
        self.get("/v1/economy")
    }

    /// `GET /v1/state/gas/price`.
    pub fn gas_price(
        &self,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::economy::GasPrice>, ClientError> {
        self.get(&state_path("gas/price", prove))
    }

    /// `GET /v1/state/gas/params`.
    pub fn economy_params(
        &self,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::economy::EconomyParams>, ClientError> {
        self.get(&state_path("gas/params", prove))
    }

    /// `GET /v1/state/gas/ledger`.
    pub fn credit_ledger(
        &self,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::economy::CreditLedger>, ClientError> {
        self.get(&state_path("gas/ledger", prove))
    }

    /// `GET /v1/state/gas/purchases/{id}`.
    pub fn purchase(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::economy::Purchase>, ClientError> {
        self.get(&state_path(&format!("gas/purchases/{id}"), prove))
    }

    /// `GET /v1/state/treasury`.
    pub fn treasury(
        &self,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::treasury::TreasuryLedger>, ClientError> {
        self.get(&state_path("treasury", prove))
    }

    /// `GET /v1/state/treasury/bounties/{id}`.
    pub fn bounty(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::treasury::Bounty>, ClientError> {
        self.get(&state_path(&format!("treasury/bounties/{id}"), prove))
    }

    /// `GET /v1/state/whistle/reports/{id}`: a whistle-blower report, with its sealed blob.
    pub fn whistle_report(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::whistle::Report>, ClientError> {
        self.get(&state_path(&format!("whistle/reports/{id}"), prove))
    }

    /// `GET /v1/state/whistle/key`: the reviewing body's X25519 key in force (`null`: none).
    pub fn whistle_key(
        &self,
        prove: bool,
    ) -> Result<StateResponse<Option<aigov_types::whistle::SealKey>>, ClientError> {
        self.get(&state_path("whistle/key", prove))
    }

    /// `GET /v1/state/treasury/payments/{id}`.
    pub fn payment(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::treasury::Payment>, ClientError> {
        self.get(&state_path(&format!("treasury/payments/{id}"), prove))
    }

    /// `GET /v1/treasury/bounties?offset=&limit=`.
    pub fn bounties(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<aigov_types::api::BountyPage, ClientError> {
        self.get(&format!(
            "/v1/treasury/bounties?offset={offset}&limit={limit}"
        ))
    }

    /// `GET /v1/state/hardware/{id}`.
    pub fn hardware(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::hardware::Hardware>, ClientError> {
        self.get(&state_path(&format!("hardware/{id}"), prove))
    }

    /// `GET /v1/state/inspections/{id}`.
    pub fn inspection(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::hardware::Inspection>, ClientError> {
        self.get(&state_path(&format!("inspections/{id}"), prove))
    }

    /// `GET /v1/state/challenges/{id}`: an integrity challenge.
    pub fn challenge(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::integrity::Challenge>, ClientError> {
        self.get(&state_path(&format!("challenges/{id}"), prove))
    }

    /// `GET /v1/hardware?offset=&limit=`.
    pub fn hardware_page(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<aigov_types::api::HardwarePage, ClientError> {
        self.get(&format!("/v1/hardware?offset={offset}&limit={limit}"))
    }

    /// `GET /v1/state/models/{id}`.
    pub fn model(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::model::Model>, ClientError> {
        self.get(&state_path(&format!("models/{id}"), prove))
    }

    /// `GET /v1/models?offset=&limit=`.
    pub fn model_page(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<aigov_types::api::ModelPage, ClientError> {
        self.get(&format!("/v1/models?offset={offset}&limit={limit}"))
    }

    /// `GET /v1/state/templates/{id}`.
    pub fn template(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::template::Template>, ClientError> {
        self.get(&state_path(&format!("templates/{id}"), prove))
    }

    /// `GET /v1/templates?offset=&limit=`.
    pub fn template_page(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<aigov_types::api::TemplatePage, ClientError> {
        self.get(&format!("/v1/templates?offset={offset}&limit={limit}"))
    }

    /// `GET /v1/state/standard/current`: the version in force (absent or 0: none).
    pub fn standard_current(&self, prove: bool) -> Result<StateResponse<u32>, ClientError> {
        self.get(&state_path("standard/current", prove))
    }

    /// `GET /v1/state/standard/{version}`.
    pub fn standard_version(
        &self,
        version: u32,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::template::StandardVersion>, ClientError> {
        self.get(&state_path(&format!("standard/{version}"), prove))
    }

    /// `GET /v1/state/reports/{id}`: a safeguard or audit report.
    pub fn audit_report(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::template::Report>, ClientError> {
        self.get(&state_path(&format!("reports/{id}"), prove))
    }

    /// `GET /v1/reports?offset=&limit=`.
    pub fn report_page(
        &self,
        offset: u64,
        limit: u64,
    ) -> Result<aigov_types::api::ReportPage, ClientError> {
        self.get(&format!("/v1/reports?offset={offset}&limit={limit}"))
    }

    /// `GET /v1/state/certifications/{model}`.
    pub fn certification(
        &self,
        model: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::template::Certification>, ClientError> {
        self.get(&state_path(&format!("certifications/{model}"), prove))
    }

    /// `GET /v1/state/runners/{pubkey}`.
    pub fn runner(
        &self,
        key: &PublicKey,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::template::Runner>, ClientError> {
        self.get(&state_path(&format!("runners/{key}"), prove))
    }

    /// `GET /v1/state/retries/{model}`.
    pub fn retry_grant(
        &self,
        model: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::template::RetryGrant>, ClientError> {
        self.get(&state_path(&format!("retries/{model}"), prove))
    }

    /// `GET /v1/models/by-container/{id}`: the model under a container ID, every part proven.
    pub fn model_by_container(
        &self,
        container_id: &Hash,
    ) -> Result<aigov_types::api::ModelByContainer, ClientError> {
        self.get(&format!("/v1/models/by-container/{container_id}"))
    }

    /// `GET /v1/state/workloads/{id}`.
    pub fn workload(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::workload::Workload>, ClientError> {
        self.get(&state_path(&format!("workloads/{id}"), prove))
    }

    /// `GET /v1/state/runs/{id}`.
    pub fn run(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::workload::Run>, ClientError> {
        self.get(&state_path(&format!("runs/{id}"), prove))
    }

    /// `GET /v1/state/otk/permits/{id}`.
    pub fn permit(
        &self,
        id: u64,
        prove: bool,
    ) -> Result<StateResponse<aigov_types::otk::OtkPermit>, ClientError> {
        self.get(&state_path(&format!("otk/permits/{id}"), prove))
    }

    /// `GET /v1/otk/devices/{pubkey}?limit=`.
    pub fn device_permits(
        &self,
        device: &PublicKey,
        limit: u64,
    ) -> Result<aigov_types::api::DevicePermits, ClientError> {
        self.get(&format!("/v1/otk/devices/{device}?limit={limit}"))
    }

    /// `GET /v1/state/receipts/{hash}`.
    pub fn receipt(&self, hash: &Hash, prove: bool) -> Result<StateResponse<Receipt>, ClientError> {
        self.get(&state_path(&format!("receipts/{hash}"), prove))
    }

    /// `GET /v1/state/raw/{hexkey}`: any logical key; the value is the hex of its encoding.
    pub fn raw_state(
        &self,
        key_hex: &str,
        prove: bool,
    ) -> Result<StateResponse<String>, ClientError> {
        let key = key_hex.trim().trim_start_matches("0x");
        if hex::decode(key).is_err() {
            return Err(ClientError::InvalidArgument(format!(
                "state key {key_hex:?} is not hex"
            )));
        }
        self.get(&state_path(
            &format!("raw/{}", key.to_ascii_lowercase()),
            prove,
        ))
    }

    /// `GET /v1/proposals?offset=&limit=`: a page of governance proposals in id order (ids
    /// `offset+1 ..= offset+limit`; the node caps `limit`) and the number ever submitted.
    pub fn proposals_page(&self, offset: u64, limit: u64) -> Result<ProposalPage, ClientError> {
        self.get(&format!("/v1/proposals?offset={offset}&limit={limit}"))
    }

    /// `GET /v1/state/proposals/{id}`: a proposal (its actions, rules, status and decision
    /// record); `value` is `None` for an unknown id, with a proof of absence when asked for.
    pub fn proposal(&self, id: u64, prove: bool) -> Result<StateResponse<Proposal>, ClientError> {
        self.get(&state_path(&format!("proposals/{id}"), prove))
    }

    /// `GET /v1/proposals/{id}/ballots`: every ballot on proposal `id`, in order of each
    /// voter's first ballot. An unknown proposal is an [ClientError::Api] 404 `not_found`.
    pub fn ballots(&self, id: u64) -> Result<Vec<Ballot>, ClientError> {
        self.get(&format!("/v1/proposals/{id}/ballots"))
    }

    /// `GET /v1/state/ballots/{id}/{voter}`: one person's ballot on proposal `id`.
    pub fn ballot(
        &self,
        id: u64,
        voter: &PublicKey,
        prove: bool,
    ) -> Result<StateResponse<Ballot>, ClientError> {
        self.get(&state_path(&format!("ballots/{id}/{voter}"), prove))
    }

    /// `GET /v1/state/governance/params`: the governance parameters in force.
    pub fn governance_params(
        &self,
        prove: bool,
    ) -> Result<StateResponse<GovernanceParams>, ClientError> {
        self.get(&state_path("governance/params", prove))
    }

    /// `GET /v1/state/validators`: the consensus committee as last voted (genesis' validators
    /// until a `set_validators` System vote). It takes effect at a later epoch's snapshot; see
    /// [Self::committee].
    pub fn validators(&self, prove: bool) -> Result<StateResponse<ValidatorSet>, ClientError> {
        self.get(&state_path("validators", prove))
    }

    /// `GET /v1/state/validators/epochs/{epoch}`: the committee of `epoch` (the validators its
    /// reshare ceremony deals shares to, who sign from the next epoch). `value` is `None` until
    /// the snapshot is written, at the block before the midpoint of epoch `epoch - 2` (genesis
    /// fixes epochs 0 and 1), with a proof of absence when asked for.
    pub fn committee(
        &self,
        epoch: u64,
        prove: bool,
    ) -> Result<StateResponse<ValidatorSet>, ClientError> {
        self.get(&state_path(&format!("validators/epochs/{epoch}"), prove))
    }

    /// `GET /v1/state/validators/blocks-per-epoch`: fixed by genesis; the epoch of height `h`
    /// is `h / blocks_per_epoch` ([aigov_types::reshare::epoch_of]).
    pub fn blocks_per_epoch(&self, prove: bool) -> Result<StateResponse<u64>, ClientError> {
        self.get(&state_path("validators/blocks-per-epoch", prove))
    }

    /// `GET /v1/proposals/{id}/tally`: the running tally while ballots are open, else the
    /// recorded decision. An unknown proposal, or one canceled before any tally, is an
    /// [ClientError::Api] 404 `not_found`.
    pub fn tally(&self, id: u64) -> Result<TallyResponse, ClientError> {
        self.get(&format!("/v1/proposals/{id}/tally"))
    }

    /// `GET /v1/proposals/{id}/decision`: the decision record of the proposal's latest tally.
    /// Until it is tallied (and for an unknown proposal) the node answers [ClientError::Api]
    /// 404 `not_found`, whose message says which.
    pub fn decision(&self, id: u64) -> Result<Decision, ClientError> {
        self.get(&format!("/v1/proposals/{id}/decision"))
    }

    /// `GET /v1/events?from=&limit=`: up to `limit` events of the activity log from index
    /// `from`.
    pub fn events(&self, from: u64, limit: u32) -> Result<EventsResponse, ClientError> {
        self.get(&format!("/v1/events?from={from}&limit={limit}"))
    }

    /// `GET /v1/log/checkpoint`: the activity log's signed checkpoint.
    pub fn checkpoint(&self) -> Result<CheckpointResponse, ClientError> {
        self.get("/v1/log/checkpoint")
    }

    /// `GET /v1/log/proof?index=&size=`: the inclusion proof of event `index` in the log of
    /// `size` events. Check it with [aigov_types::log::verify_inclusion].
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<InclusionResponse, ClientError> {
        self.get(&format!("/v1/log/proof?index={index}&size={size}"))
    }

    /// `GET /v1/log/consistency?from=&to=`: the consistency proof between log sizes `from` and
    /// `to`. Check it with [aigov_types::log::verify_consistency].
    pub fn consistency_proof(
        &self,
        from: u64,
        to: u64,
    ) -> Result<ConsistencyResponse, ClientError> {
        self.get(&format!("/v1/log/consistency?from={from}&to={to}"))
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let url = self.url(path);
        self.send(&url, self.agent.get(&url).call())
    }

    /// Like [Self::get], with HTTP 404 mapped to `None`.
    fn get_opt<T: DeserializeOwned>(&self, path: &str) -> Result<Option<T>, ClientError> {
        match self.get(path) {
            Ok(v) => Ok(Some(v)),
            Err(ClientError::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    fn send<T: DeserializeOwned>(
        &self,
        url: &str,
        result: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<T, ClientError> {
        let mut resp = result.map_err(|e| self.transport(e))?;
        let status = resp.status();
        let body = resp
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_string()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) | ureq::Error::Io(_) => ClientError::Decode {
                    url: url.to_string(),
                    reason: e.to_string(),
                },
                other => self.transport(other),
            })?;
        if status.is_success() {
            return serde_json::from_str(&body).map_err(|e| ClientError::Decode {
                url: url.to_string(),
                reason: e.to_string(),
            });
        }
        Err(api_error(status.as_u16(), status.canonical_reason(), &body))
    }

    fn transport(&self, e: ureq::Error) -> ClientError {
        let reason = match e {
            ureq::Error::ConnectionFailed => "connection refused or failed".to_string(),
            ureq::Error::HostNotFound => "host not found".to_string(),
            ureq::Error::Timeout(t) => format!("timed out ({t})"),
            other => other.to_string(),
        };
        ClientError::Transport {
            url: self.base.clone(),
            reason,
        }
    }
}

/// `/v1/state/{rest}` with `?prove=true` when asked.
fn state_path(rest: &str, prove: bool) -> String {
    if prove {
        format!("/v1/state/{rest}?prove=true")
    } else {
        format!("/v1/state/{rest}")
    }
}

/// An error status with its body: the node's [ErrorBody] when it sent one, else the body text.
fn api_error(status: u16, reason: Option<&str>, body: &str) -> ClientError {
    if let Ok(ErrorBody { code, message }) = serde_json::from_str::<ErrorBody>(body) {
        return ClientError::Api {
            status,
            code,
            message,
        };
    }
    let text: String = body.trim().chars().take(512).collect();
    let message = if text.is_empty() {
        reason.unwrap_or("no details").to_string()
    } else {
        text
    };
    ClientError::Api {
        status,
        code: format!("http_{status}"),
        message,
    }
}
