//! The route table: every route's method, path, documentation and handler, in one place. The
//! router is built from [ROUTES] and the OpenAPI document is generated from it, so a route
//! cannot be served without being documented, nor documented without being served.

use crate::backend::Backend;
use crate::error::ApiError;
use crate::handlers::{
    blocks, certify, compute, economy, events, governance, lists, log, node, state, txs,
    validators, whistle,
};
use crate::{Ctx, MAX_BODY_BYTES, metrics, openapi};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Method, Uri};
use axum::routing::{MethodFilter, MethodRouter, on};
use std::sync::Arc;
use tokio::sync::watch;

/// An HTTP method used by the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verb {
    /// `GET` (and `HEAD`).
    Get,
    /// `POST`.
    Post,
}

impl Verb {
    /// Lower-case name, as OpenAPI keys operations.
    pub fn as_str(self) -> &'static str {
        match self {
            Verb::Get => "get",
            Verb::Post => "post",
        }
    }

    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
        }
    }
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamIn {
    /// A `{name}` path segment.
    Path,
    /// A `?name=` query parameter.
    Query,
}

/// A parameter's JSON-schema type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// Text (hex, ids).
    String,
    /// A non-negative integer.
    Integer,
    /// `true` or `false`.
    Boolean,
}

/// A documented parameter.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Its name.
    pub name: &'static str,
    /// Path or query.
    pub location: ParamIn,
    /// Its type.
    pub kind: ParamKind,
    /// Whether it must be given (path parameters always).
    pub required: bool,
    /// What it means and its format.
    pub description: &'static str,
    /// A well-formed example value.
    pub example: &'static str,
}

/// The successful response of a route.
#[derive(Clone, Copy, Debug)]
pub struct Success {
    /// HTTP status.
    pub status: u16,
    /// What it holds.
    pub description: &'static str,
    /// Media type.
    pub content_type: &'static str,
    /// The name of its schema in the OpenAPI components ([crate::openapi::SCHEMAS]).
    pub schema: &'static str,
}

/// Which handler serves a route. Each variant appears in exactly one row of [ROUTES].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// `POST /v1/txs`.
    SubmitTx,
    /// `GET /v1/txs/{hash}`.
    TxStatus,
    /// `GET /v1/blocks/latest`.
    LatestBlock,
    /// `GET /v1/blocks/{height}`.
    BlockAt,
    /// `GET /v1/state/accounts/{pubkey}`.
    StateAccount,
    /// `GET /v1/state/personnel/{pubkey}`.
    StatePersonnel,
    /// `GET /v1/state/members/{id}`.
    StateMember,
    /// `GET /v1/state/organisations/{id}`.
    StateOrganisation,
    /// `GET /v1/state/pool`.
    StatePool,
    /// `GET /v1/state/receipts/{hash}`.
    StateReceipt,
    /// `GET /v1/state/events/{index}`.
    StateEvent,
    /// `GET /v1/state/params`.
    StateParams,
    /// `GET /v1/state/raw/{hexkey}`.
    StateRaw,
    /// `GET /v1/state/proposals/{id}`.
    StateProposal,
    /// `GET /v1/state/ballots/{id}/{account}`.
    StateBallot,
    /// `GET /v1/state/governance/params`.
    StateGovernanceParams,
    /// `GET /v1/state/gas/params`.
    StateEconomyParams,
    /// `GET /v1/state/gas/price`.
    StateGasPrice,
    /// `GET /v1/state/gas/ledger`.
    StateCreditLedger,
    /// `GET /v1/state/gas/purchases/{id}`.
    StatePurchase,
    /// `GET /v1/state/gas/duty/{pubkey}`.
    StateDutyUsage,
    /// `GET /v1/state/pool/members/{id}`.
    StatePoolContribution,
    /// `GET /v1/state/treasury`.
    StateTreasury,
    /// `GET /v1/state/treasury/payments/{id}`.
    StatePayment,
    /// `GET /v1/state/treasury/bounties/{id}`.
    StateBounty,
    /// `GET /v1/state/whistle/reports/{id}`.
    StateWhistleReport,
    /// `GET /v1/state/whistle/key`.
    StateWhistleKey,
    /// `GET /v1/state/governance/rounds/{id}`.
    StateSelectionRound,
    /// `GET /v1/state/validators`.
    StateValidators,
    /// `GET /v1/state/validators/epochs/{epoch}`.
    StateCommittee,
    /// `GET /v1/state/validators/blocks-per-epoch`.
    StateBlocksPerEpoch,
    /// `GET /v1/economy`.
    Economy,
    /// `GET /v1/treasury/bounties`.
    Bounties,
    /// `GET /v1/state/hardware/{id}`.
    StateHardware,
    /// `GET /v1/state/hardware/by-device/{pubkey}`.
    StateHardwareByDevice,
    /// `GET /v1/state/inspections/{id}`.
    StateInspection,
    /// `GET /v1/state/challenges/{id}`.
    StateChallenge,
    /// `GET /v1/state/compute/params`.
    StateComputeParams,
    /// `GET /v1/state/models/{id}`.
    StateModel,
    /// `GET /v1/state/models/by-container/{hash}`.
    StateModelByContainer,
    /// `GET /v1/state/workloads/{id}`.
    StateWorkload,
    /// `GET /v1/state/runs/{id}`.
    StateRun,
    /// `GET /v1/state/otk/permits/{id}`.
    StatePermit,
    /// `GET /v1/state/otk/devices/{pubkey}/{seq}`.
    StateDeviceSeq,
    /// `GET /v1/hardware`.
    HardwareList,
    /// `GET /v1/state/templates/{id}`.
    StateTemplate,
    /// `GET /v1/state/standard/current`.
    StateStandardCurrent,
    /// `GET /v1/state/standard/{version}`.
    StateStandardVersion,
    /// `GET /v1/state/reports/{id}`.
    StateReport,
    /// `GET /v1/state/certifications/{model}`.
    StateCertification,
    /// `GET /v1/state/runners/{pubkey}`.
    StateRunner,
    /// `GET /v1/state/retries/{model}`.
    StateRetry,
    /// `GET /v1/templates`.
    TemplateList,
    /// `GET /v1/reports`.
    ReportList,
    /// `GET /v1/models/by-container/{id}`.
    ModelByContainer,
    /// `GET /v1/models`.
    ModelList,
    /// `GET /v1/otk/devices/{pubkey}`.
    DevicePermits,
    /// `GET /v1/members`.
    Members,
    /// `GET /v1/organisations`.
    Organisations,
    /// `GET /v1/personnel`.
    Personnel,
    /// `GET /v1/proposals`.
    Proposals,
    /// `GET /v1/proposals/{id}/ballots`.
    ProposalBallots,
    /// `GET /v1/proposals/{id}/tally`.
    ProposalTally,
    /// `GET /v1/proposals/{id}/decision`.
    ProposalDecision,
    /// `GET /v1/events`.
    Events,
    /// `GET /v1/events/stream`.
    EventStream,
    /// `GET /v1/log/checkpoint`.
    Checkpoint,
    /// `GET /v1/log/proof`.
    InclusionProof,
    /// `GET /v1/log/consistency`.
    ConsistencyProof,
    /// `GET /v1/health`.
    Health,
    /// `GET /metrics`.
    Metrics,
    /// `GET /v1/openapi.json`.
    OpenApi,
}

/// One route: how it is called, what it answers, and which handler serves it.
#[derive(Clone, Copy, Debug)]
pub struct RouteDoc {
    /// Method.
    pub verb: Verb,
    /// Path template (`{name}` for path parameters, as in OpenAPI).
    pub path: &'static str,
    /// Handler.
    pub endpoint: Endpoint,
    /// OpenAPI operation id.
    pub operation_id: &'static str,
    /// OpenAPI tag (group).
    pub tag: &'static str,
    /// One line.
    pub summary: &'static str,
    /// Details.
    pub description: &'static str,
    /// Parameters.
    pub params: &'static [Param],
    /// The success response.
    pub success: Success,
    /// Error statuses it may answer (each with an `ErrorBody`).
    pub errors: &'static [u16],
}

const JSON: &str = "application/json";

const fn path(name: &'static str, description: &'static str, example: &'static str) -> Param {
    Param {
        name,
        location: ParamIn::Path,
        kind: ParamKind::String,
        required: true,
        description,
        example,
    }
}

const fn query(
    name: &'static str,
    kind: ParamKind,
    required: bool,
    description: &'static str,
    example: &'static str,
) -> Param {
    Param {
        name,
        location: ParamIn::Query,
        kind,
        required,
        description,
        example,
    }
}

const fn ok(description: &'static str, schema: &'static str) -> Success {
    Success {
        status: 200,
        description,
        content_type: JSON,
        schema,
    }
}

const HASH_EXAMPLE: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const PUBKEY_EXAMPLE: &str = "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";

const PROVE: Param = query(
    "prove",
    ParamKind::Boolean,
    false,
    "With `true`, include a light-client proof of the value (or of its absence).",
    "false",
);

const ID_PARAM: Param = path("id", "Id, a positive integer.", "1");
const MODEL_PARAM: Param = path("model", "A model id, a positive integer.", "1");
const PUBKEY_PARAM: Param = path(
    "pubkey",
    "Ed25519 public key, 64 hex digits.",
    PUBKEY_EXAMPLE,
);
const PAGE_PARAMS: &[Param] = &[
    query(
        "offset",
        ParamKind::Integer,
        false,
        "Entries to skip (default 0).",
        "0",
    ),
    query(
        "limit",
        ParamKind::Integer,
        false,
        "Page size (default 100, capped at 1000).",
        "100",
    ),
];
const PROPOSAL_ID: Param = path(
    "id",
    "Proposal id, a positive integer (ids run from 1).",
    "1",
);

/// Errors of a typed state read.
const STATE_ERRORS: &[u16] = &[400, 500, 503];

/// A typed state read.
const fn state_route(
    path: &'static str,
    endpoint: Endpoint,
    operation_id: &'static str,
    summary: &'static str,
    params: &'static [Param],
    schema: &'static str,
) -> RouteDoc {
    RouteDoc {
        verb: Verb::Get,
        path,
        endpoint,
        operation_id,
        tag: "state",
        summary,
        description: "Reads one state entry at the latest finalized height. An absent entry is \
                      not an error: `value` is `null` and, with `?prove=true`, the proof shows \
                      the absence.",
        params,
        success: ok(
            "The value (or null), the height it is current at, and the proof if asked for.",
            schema,
        ),
        errors: STATE_ERRORS,
    }
}

/// Every route of the API.
pub const ROUTES: &[RouteDoc] = &[
    RouteDoc {
        verb: Verb::Post,
        path: "/v1/txs",
        endpoint: Endpoint::SubmitTx,
        operation_id: "submit_tx",
        tag: "transactions",
        summary: "Submit a signed transaction",
        description: "The body is either JSON `{\"tx\": \"<hex>\"}` (`Content-Type: \
                      application/json`) or the raw encoded signed transaction \
                      (`Content-Type: application/octet-stream`), at most 64 KiB. The node \
                      checks size, encoding, signature, chain id, nonce and gas before the \
                      mempool; a refusal answers with its stable code (`bad_signature`, \
                      `tx_undecodable`, `tx_oversized`, `wrong_chain_id`, `stale_nonce`, \
                      `nonce_gap`, `unknown_account`, `gas_limit_too_low`, \
                      `insufficient_gas`, `pool_exhausted`, ...; `duplicate_tx` is 409 and \
                      `mempool_full` 503).",
        params: &[],
        success: Success {
            status: 202,
            description: "Accepted into the mempool; poll `GET /v1/txs/{hash}`.",
            content_type: JSON,
            schema: "SubmitTxResponse",
        },
        errors: &[400, 409, 413, 415, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/txs/{hash}",
        endpoint: Endpoint::TxStatus,
        operation_id: "tx_status",
        tag: "transactions",
        summary: "A transaction's status",
        description: "`pending` while in the mempool; `finalized` or `failed` with its receipt \
                      and events once executed in a finalized block (a failed transaction \
                      still paid gas).",
        params: &[path(
            "hash",
            "Transaction hash, 64 hex digits.",
            HASH_EXAMPLE,
        )],
        success: ok("The status.", "TxStatus"),
        errors: &[400, 404, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/blocks/latest",
        endpoint: Endpoint::LatestBlock,
        operation_id: "latest_block",
        tag: "blocks",
        summary: "The latest finalized block",
        description: "Header, transaction hashes and finalization certificate.",
        params: &[],
        success: ok("The block.", "BlockResponse"),
        errors: &[404, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/blocks/{height}",
        endpoint: Endpoint::BlockAt,
        operation_id: "block_at",
        tag: "blocks",
        summary: "A finalized block by height",
        description: "Header, transaction hashes and finalization certificate.",
        params: &[path("height", "Block height, a non-negative integer.", "1")],
        success: ok("The block.", "BlockResponse"),
        errors: &[400, 404, 500, 503],
    },
    state_route(
        "/v1/state/accounts/{pubkey}",
        Endpoint::StateAccount,
        "state_account",
        "An account (nonce and gas credits)",
        &[
            path(
                "pubkey",
                "Ed25519 public key, 64 hex digits.",
                PUBKEY_EXAMPLE,
            ),
            PROVE,
        ],
        "StateResponse_Account",
    ),
    state_route(
        "/v1/state/personnel/{pubkey}",
        Endpoint::StatePersonnel,
        "state_personnel",
        "A person, by account",
        &[
            path(
                "pubkey",
                "Ed25519 public key, 64 hex digits.",
                PUBKEY_EXAMPLE,
            ),
            PROVE,
        ],
        "StateResponse_Personnel",
    ),
    state_route(
        "/v1/state/members/{id}",
        Endpoint::StateMember,
        "state_member",
        "A member (nation or supranational body)",
        &[
            path("id", "Member id: 1-32 of a-z, 0-9, '-', '_'.", "fr"),
            PROVE,
        ],
        "StateResponse_Member",
    ),
    state_route(
        "/v1/state/organisations/{id}",
        Endpoint::StateOrganisation,
        "state_organisation",
        "An organisation",
        &[
            path(
                "id",
                "Organisation id: 1-32 of a-z, 0-9, '-', '_'.",
                "lab-one",
            ),
            PROVE,
        ],
        "StateResponse_Organisation",
    ),
    state_route(
        "/v1/state/pool",
        Endpoint::StatePool,
        "state_pool",
        "The system token pool's credits",
        &[PROVE],
        "StateResponse_u64",
    ),
    state_route(
        "/v1/state/receipts/{hash}",
        Endpoint::StateReceipt,
        "state_receipt",
        "A transaction's receipt",
        &[
            path("hash", "Transaction hash, 64 hex digits.", HASH_EXAMPLE),
            PROVE,
        ],
        "StateResponse_Receipt",
    ),
    state_route(
        "/v1/state/events/{index}",
        Endpoint::StateEvent,
        "state_event",
        "An activity-log event, by index",
        &[
            path("index", "Event index, a non-negative integer.", "0"),
            PROVE,
        ],
        "StateResponse_EventRecord",
    ),
    state_route(
        "/v1/state/params",
        Endpoint::StateParams,
        "state_params",
        "The chain parameters in force",
        &[PROVE],
        "StateResponse_Params",
    ),
    state_route(
        "/v1/state/raw/{hexkey}",
        Endpoint::StateRaw,
        "state_raw",
        "Any state entry by logical key; the value as hex",
        &[
            path(
                "hexkey",
                "The logical key, hex (at most 256 bytes).",
                "706f6f6c2f676173",
            ),
            PROVE,
        ],
        "StateResponse_hex",
    ),
    state_route(
        "/v1/state/proposals/{id}",
        Endpoint::StateProposal,
        "state_proposal",
        "A governance proposal: actions, rules, status, decision record",
        &[PROPOSAL_ID, PROVE],
        "StateResponse_Proposal",
    ),
    state_route(
        "/v1/state/ballots/{id}/{account}",
        Endpoint::StateBallot,
        "state_ballot",
        "One person's ballot on a proposal",
        &[
            PROPOSAL_ID,
            path(
                "account",
                "The voter's Ed25519 public key, 64 hex digits.",
                PUBKEY_EXAMPLE,
            ),
            PROVE,
        ],
        "StateResponse_Ballot",
    ),
    state_route(
        "/v1/state/governance/params",
        Endpoint::StateGovernanceParams,
        "state_governance_params",
        "The governance parameters in force (tier weights, member cap, each class's rules)",
        &[PROVE],
        "StateResponse_GovernanceParams",
    ),
    state_route(
        "/v1/state/gas/params",
        Endpoint::StateEconomyParams,
        "state_economy_params",
        "The economy's parameters in force (gas price algorithm, gas tax, credit rate, duty allowance)",
        &[PROVE],
        "StateResponse_EconomyParams",
    ),
    state_route(
        "/v1/state/gas/price",
        Endpoint::StateGasPrice,
        "state_gas_price",
        "The current gas price (milli-credits per gas) and the height that set it",
        &[PROVE],
        "StateResponse_GasPrice",
    ),
    state_route(
        "/v1/state/gas/ledger",
        Endpoint::StateCreditLedger,
        "state_credit_ledger",
        "The credit ledger: credits ever issued and consumed, purchases recorded",
        &[PROVE],
        "StateResponse_CreditLedger",
    ),
    state_route(
        "/v1/state/gas/purchases/{id}",
        Endpoint::StatePurchase,
        "state_purchase",
        "A recorded purchase of credits",
        &[path("id", "Purchase id, a positive integer.", "1"), PROVE],
        "StateResponse_Purchase",
    ),
    state_route(
        "/v1/state/gas/duty/{pubkey}",
        Endpoint::StateDutyUsage,
        "state_duty_usage",
        "What a person has used of their daily allowance of pool-paid duties",
        &[
            path(
                "pubkey",
                "Ed25519 public key, 64 hex digits.",
                PUBKEY_EXAMPLE,
            ),
            PROVE,
        ],
        "StateResponse_DutyUsage",
    ),
    state_route(
        "/v1/state/pool/members/{id}",
        Endpoint::StatePoolContribution,
        "state_pool_contribution",
        "Credits a member has put into the system pool",
        &[
            path("id", "Member id: 1-32 of a-z, 0-9, '-', '_'.", "fr"),
            PROVE,
        ],
        "StateResponse_u64",
    ),
    state_route(
        "/v1/state/treasury",
        Endpoint::StateTreasury,
        "state_treasury",
        "The treasury's ledger: balance, inflows, outflows, payments",
        &[PROVE],
        "StateResponse_TreasuryLedger",
    ),
    state_route(
        "/v1/state/treasury/payments/{id}",
        Endpoint::StatePayment,
        "state_treasury_payment",
        "A payment out of the treasury, with the proposal that authorised it",
        &[path("id", "Payment id, a positive integer.", "1"), PROVE],
        "StateResponse_Payment",
    ),
    state_route(
        "/v1/state/treasury/bounties/{id}",
        Endpoint::StateBounty,
        "state_bounty",
        "A bug-bounty claim",
        &[
            path("id", "Bounty claim id, a positive integer.", "1"),
            PROVE,
        ],
        "StateResponse_Bounty",
    ),
    state_route(
        "/v1/state/whistle/reports/{id}",
        Endpoint::StateWhistleReport,
        "state_whistle_report",
        "A whistle-blower report: its sealed blob (hex), hashes, status, reviews and reward",
        &[path("id", "Report id, a positive integer.", "1"), PROVE],
        "StateResponse_Report",
    ),
    state_route(
        "/v1/state/whistle/key",
        Endpoint::StateWhistleKey,
        "state_whistle_key",
        "The reviewing body's X25519 key that whistle-blower reports are sealed to",
        &[PROVE],
        "StateResponse_SealKey",
    ),
    state_route(
        "/v1/state/governance/rounds/{id}",
        Endpoint::StateSelectionRound,
        "state_selection_round",
        "A safety selection round: candidates, remaining, sub-round, winner, award payment",
        &[path("id", "Round id, a positive integer.", "1"), PROVE],
        "StateResponse_SelectionRound",
    ),
    state_route(
        "/v1/state/validators",
        Endpoint::StateValidators,
        "state_validators",
        "The consensus committee as last voted (genesis' validators until a `set_validators` vote)",
        &[PROVE],
        "StateResponse_ValidatorSet",
    ),
    state_route(
        "/v1/state/validators/epochs/{epoch}",
        Endpoint::StateCommittee,
        "state_committee",
        "The committee of an epoch: the validators its reshare ceremony deals shares to, who sign from the next epoch (null until fixed at the block before the midpoint of epoch - 2; genesis fixes epochs 0 and 1)",
        &[
            path(
                "epoch",
                "Epoch, a non-negative integer (height / blocks per epoch).",
                "0",
            ),
            PROVE,
        ],
        "StateResponse_ValidatorSet",
    ),
    state_route(
        "/v1/state/validators/blocks-per-epoch",
        Endpoint::StateBlocksPerEpoch,
        "state_blocks_per_epoch",
        "Blocks per epoch, fixed by genesis (epoch of a height = height / blocks per epoch)",
        &[PROVE],
        "StateResponse_u64",
    ),
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/economy",
        endpoint: Endpoint::Economy,
        operation_id: "economy",
        tag: "economy",
        summary: "Price, parameters, credit ledger, pool and treasury in one read",
        description: "Everything at the latest finalized height, unproven; each figure is \
                      provable on its own under `/v1/state/gas/...`, `/v1/state/pool` and \
                      `/v1/state/treasury`. The price history is the log's \
                      `gas_price_changed` events.",
        params: &[],
        success: ok("The economy.", "EconomyResponse"),
        errors: &[500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/treasury/bounties",
        endpoint: Endpoint::Bounties,
        operation_id: "bounties",
        tag: "economy",
        summary: "A page of bug-bounty claims, in id order",
        description: "Claims `offset+1 ..= offset+limit` with their status (claimed, paid, \
                      rejected) and, once paid, the payment id.",
        params: &[
            query(
                "offset",
                ParamKind::Integer,
                false,
                "Claims to skip (default 0).",
                "0",
            ),
            query(
                "limit",
                ParamKind::Integer,
                false,
                "Page size (default 100, capped at 1000).",
                "100",
            ),
        ],
        success: ok("The claims.", "BountyPage"),
        errors: &[400, 500, 503],
    },
    state_route(
        "/v1/state/hardware/{id}",
        Endpoint::StateHardware,
        "state_hardware",
        "A hardware entry: operator, device key, status, budgets and what is committed, last permit seq, runs",
        &[ID_PARAM, PROVE],
        "StateResponse_Hardware",
    ),
    state_route(
        "/v1/state/hardware/by-device/{pubkey}",
        Endpoint::StateHardwareByDevice,
        "state_hardware_by_device",
        "The id of the hardware bound to a device key (absence is provable)",
        &[PUBKEY_PARAM, PROVE],
        "StateResponse_u64",
    ),
    state_route(
        "/v1/state/inspections/{id}",
        Endpoint::StateInspection,
        "state_inspection",
        "An inspection record: the signed report, its digest, the inspectors and their members",
        &[ID_PARAM, PROVE],
        "StateResponse_Inspection",
    ),
    state_route(
        "/v1/state/challenges/{id}",
        Endpoint::StateChallenge,
        "state_challenge",
        "An integrity challenge: the hardware, the nonce its evidence must bind, the deadline, and how it closed (passed, failed with the reason, missed)",
        &[ID_PARAM, PROVE],
        "StateResponse_Challenge",
    ),
    state_route(
        "/v1/state/compute/params",
        Endpoint::StateComputeParams,
        "state_compute_params",
        "The compute parameters set by a System vote (null while the defaults apply)",
        &[PROVE],
        "StateResponse_ComputeParams",
    ),
    state_route(
        "/v1/state/models/{id}",
        Endpoint::StateModel,
        "state_model",
        "A model: owner, container ID, status, tier, budgets, provenance",
        &[ID_PARAM, PROVE],
        "StateResponse_Model",
    ),
    state_route(
        "/v1/state/models/by-container/{hash}",
        Endpoint::StateModelByContainer,
        "state_model_by_container",
        "The id of the model with a container ID (absence is provable)",
        &[
            path(
                "hash",
                "OpenSSF Model Signing container ID, 64 hex digits.",
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            ),
            PROVE,
        ],
        "StateResponse_u64",
    ),
    state_route(
        "/v1/state/workloads/{id}",
        Endpoint::StateWorkload,
        "state_workload",
        "A workload: model, declared phase, budget and what is committed",
        &[ID_PARAM, PROVE],
        "StateResponse_Workload",
    ),
    state_route(
        "/v1/state/runs/{id}",
        Endpoint::StateRun,
        "state_run",
        "A run: hardware, budget, stage, status, outstanding permits",
        &[ID_PARAM, PROVE],
        "StateResponse_Run",
    ),
    state_route(
        "/v1/state/otk/permits/{id}",
        Endpoint::StatePermit,
        "state_otk_permit",
        "An OTK permit: device, ration, validity window, seq, status (what an agent checks offline)",
        &[ID_PARAM, PROVE],
        "StateResponse_OtkPermit",
    ),
    state_route(
        "/v1/state/otk/devices/{pubkey}/{seq}",
        Endpoint::StateDeviceSeq,
        "state_otk_device_seq",
        "The id of the permit a device got with a given seq",
        &[
            PUBKEY_PARAM,
            path("seq", "The permit's seq, a positive integer.", "1"),
            PROVE,
        ],
        "StateResponse_u64",
    ),
    state_route(
        "/v1/state/templates/{id}",
        Endpoint::StateTemplate,
        "state_template",
        "A template: kind, status, spec digest, the Cedar policy text and its digest, red-line ids",
        &[ID_PARAM, PROVE],
        "StateResponse_Template",
    ),
    state_route(
        "/v1/state/standard/current",
        Endpoint::StateStandardCurrent,
        "state_standard_current",
        "The safety standard version in force (absent or 0: none yet)",
        &[PROVE],
        "StateResponse_u32",
    ),
    state_route(
        "/v1/state/standard/{version}",
        Endpoint::StateStandardVersion,
        "state_standard_version",
        "A version of the safety standard: its rules (per architecture template, tier, purpose and scope) and where it came from",
        &[
            path("version", "The version, a positive integer.", "1"),
            PROVE,
        ],
        "StateResponse_StandardVersion",
    ),
    state_route(
        "/v1/state/reports/{id}",
        Endpoint::StateReport,
        "state_report",
        "A safeguard or audit report: runner, model, template, verdict, severity, scores, digest, red lines fired",
        &[ID_PARAM, PROVE],
        "StateResponse_Report",
    ),
    state_route(
        "/v1/state/certifications/{model}",
        Endpoint::StateCertification,
        "state_certification",
        "A model's certification record: architecture, declared facts, standard version, passed templates, certification height",
        &[MODEL_PARAM, PROVE],
        "StateResponse_Certification",
    ),
    state_route(
        "/v1/state/runners/{pubkey}",
        Endpoint::StateRunner,
        "state_runner",
        "A registered report runner: its kind (TEE or TCME) and what it is bound to",
        &[PUBKEY_PARAM, PROVE],
        "StateResponse_Runner",
    ),
    state_route(
        "/v1/state/retries/{model}",
        Endpoint::StateRetry,
        "state_retry",
        "The retry grant of a Rejected model: restrictive template, secure-vault commitment, who may open it",
        &[MODEL_PARAM, PROVE],
        "StateResponse_RetryGrant",
    ),
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/templates",
        endpoint: Endpoint::TemplateList,
        operation_id: "templates",
        tag: "certification",
        summary: "A page of templates, in id order",
        description: "No proofs; prove single entries with `/v1/state/templates/{id}`.",
        params: PAGE_PARAMS,
        success: ok("The templates.", "TemplatePage"),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/reports",
        endpoint: Endpoint::ReportList,
        operation_id: "reports",
        tag: "certification",
        summary: "A page of safeguard and audit reports, in id order",
        description: "No proofs; prove single entries with `/v1/state/reports/{id}`.",
        params: PAGE_PARAMS,
        success: ok("The reports.", "ReportPage"),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/models/by-container/{id}",
        endpoint: Endpoint::ModelByContainer,
        operation_id: "model_by_container",
        tag: "certification",
        summary: "Public verification of a model by its container ID",
        description: "The model id registered under an OpenSSF Model Signing container ID, the \
                      model's record (status, tier) and its certification record (standard \
                      version, certification height), each with a light-client proof; for an \
                      unknown ID, the proof of its absence. `aigov verify model ID` checks all \
                      of it against the consensus group key.",
        params: &[path(
            "id",
            "OpenSSF Model Signing container ID, 64 hex digits.",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        )],
        success: ok("The proven answer.", "ModelByContainer"),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/hardware",
        endpoint: Endpoint::HardwareList,
        operation_id: "hardware",
        tag: "compute",
        summary: "A page of hardware, in id order",
        description: "No proofs; prove single entries with `/v1/state/hardware/{id}`.",
        params: PAGE_PARAMS,
        success: ok("The hardware.", "HardwarePage"),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/models",
        endpoint: Endpoint::ModelList,
        operation_id: "models",
        tag: "compute",
        summary: "A page of models, in id order",
        description: "No proofs; prove single entries with `/v1/state/models/{id}`.",
        params: PAGE_PARAMS,
        success: ok("The models.", "ModelPage"),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/otk/devices/{pubkey}",
        endpoint: Endpoint::DevicePermits,
        operation_id: "otk_device",
        tag: "compute",
        summary: "A device's hardware entry and its latest permits, newest first",
        description: "What a hardware agent polls; it proves each permit it uses with \
                      `/v1/state/otk/permits/{id}?prove=true` and refuses one out of seq \
                      order, expired, revoked or bound to another key.",
        params: &[
            PUBKEY_PARAM,
            query(
                "limit",
                ParamKind::Integer,
                false,
                "Most permits (default 10, capped at 1000).",
                "10",
            ),
        ],
        success: ok("The device's permits.", "DevicePermits"),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/members",
        endpoint: Endpoint::Members,
        operation_id: "members",
        tag: "registries",
        summary: "All members, in admission order",
        description: "No proofs; prove single entries with `/v1/state/members/{id}`.",
        params: &[],
        success: ok("The members.", "Members"),
        errors: &[500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/organisations",
        endpoint: Endpoint::Organisations,
        operation_id: "organisations",
        tag: "registries",
        summary: "All organisations, in order of addition",
        description: "No proofs; prove single entries with `/v1/state/organisations/{id}`.",
        params: &[],
        success: ok("The organisations.", "Organisations"),
        errors: &[500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/personnel",
        endpoint: Endpoint::Personnel,
        operation_id: "personnel",
        tag: "registries",
        summary: "A page of personnel, in registration order",
        description: "No proofs; prove single entries with `/v1/state/personnel/{pubkey}`.",
        params: &[
            query(
                "offset",
                ParamKind::Integer,
                false,
                "Position of the first record (default 0).",
                "0",
            ),
            query(
                "limit",
                ParamKind::Integer,
                false,
                "Page size (default 100, capped at 1000).",
                "100",
            ),
        ],
        success: ok("The page and the total.", "PersonnelPage"),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/proposals",
        endpoint: Endpoint::Proposals,
        operation_id: "proposals",
        tag: "governance",
        summary: "A page of governance proposals, in id order",
        description: "Proposals with ids `offset+1 ..= offset+limit` and the number of \
                      proposals ever submitted. No proofs; prove single proposals with \
                      `/v1/state/proposals/{id}`.",
        params: &[
            query(
                "offset",
                ParamKind::Integer,
                false,
                "Number of proposals to skip (default 0).",
                "0",
            ),
            query(
                "limit",
                ParamKind::Integer,
                false,
                "Page size (default 100, capped at 1000).",
                "100",
            ),
        ],
        success: ok("The page and the total.", "ProposalPage"),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/proposals/{id}/ballots",
        endpoint: Endpoint::ProposalBallots,
        operation_id: "proposal_ballots",
        tag: "governance",
        summary: "Every ballot on a proposal",
        description: "One ballot per voter (a changed vote replaces the earlier one), in order \
                      of each voter's first ballot, with choice, weight, rationale hash and \
                      times. No proofs; prove one ballot with \
                      `/v1/state/ballots/{id}/{account}`.",
        params: &[PROPOSAL_ID],
        success: ok("The ballots.", "Ballots"),
        errors: &[400, 404, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/proposals/{id}/tally",
        endpoint: Endpoint::ProposalTally,
        operation_id: "proposal_tally",
        tag: "governance",
        summary: "Where a proposal's vote stands: running tally or decision",
        description: "While ballots are open (`pending`, `active`, or `succeeded` in its \
                      confirm period), the running tally: the concurrent-majority decision \
                      the proposal would get at the latest finalized block time, from the \
                      ballots so far (`running: true`). Afterwards, the recorded decision of \
                      its last tally (`running: false`). 404 for an unknown proposal or one \
                      canceled before any tally.",
        params: &[PROPOSAL_ID],
        success: ok("The tally.", "TallyResponse"),
        errors: &[400, 404, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/proposals/{id}/decision",
        endpoint: Endpoint::ProposalDecision,
        operation_id: "proposal_decision",
        tag: "governance",
        summary: "A proposal's decision record",
        description: "The record of its latest tally: totals, quorum and approval, approving \
                      and vetoing members, every member's tally (before and after the member \
                      cap), recusals, uncounted ballots and the outcome. 404 until the \
                      proposal is tallied (see `/v1/proposals/{id}/tally` for the running \
                      tally). The record is part of the proposal, so \
                      `/v1/state/proposals/{id}?prove=true` proves it.",
        params: &[PROPOSAL_ID],
        success: ok("The decision record.", "Decision"),
        errors: &[400, 404, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/events",
        endpoint: Endpoint::Events,
        operation_id: "events",
        tag: "activity log",
        summary: "A page of activity-log events",
        description: "Events `from .. from+limit` in log order, and the log size at the time \
                      of the read.",
        params: &[
            query(
                "from",
                ParamKind::Integer,
                false,
                "Index of the first event (default 0).",
                "0",
            ),
            query(
                "limit",
                ParamKind::Integer,
                false,
                "Page size (default 100, capped at 1000).",
                "100",
            ),
        ],
        success: ok("The events.", "EventsResponse"),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/events/stream",
        endpoint: Endpoint::EventStream,
        operation_id: "event_stream",
        tag: "activity log",
        summary: "Follow the activity log (server-sent events)",
        description: "Replays stored events from `from` (or from the `Last-Event-ID` header \
                      plus one, when reconnecting), then follows new finalized events, with no \
                      gap and no duplicate. Without either, starts at the current end of the \
                      log. Each message has `id: <index>`, `event: <event type>` and `data: \
                      <EventRecord JSON>`.",
        params: &[query(
            "from",
            ParamKind::Integer,
            false,
            "Index of the first event to send (default: the current log size).",
            "0",
        )],
        success: Success {
            status: 200,
            description: "An endless `text/event-stream`.",
            content_type: "text/event-stream",
            schema: "EventRecord",
        },
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/log/checkpoint",
        endpoint: Endpoint::Checkpoint,
        operation_id: "log_checkpoint",
        tag: "activity log",
        summary: "The signed log checkpoint",
        description: "Size and RFC 6962 root of the activity log at the latest finalized \
                      height, as a C2SP signed note.",
        params: &[],
        success: ok("The checkpoint.", "CheckpointResponse"),
        errors: &[500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/log/proof",
        endpoint: Endpoint::InclusionProof,
        operation_id: "log_inclusion_proof",
        tag: "activity log",
        summary: "RFC 6962 inclusion proof of one event",
        description: "Proves that event `index` is leaf `index` of the log tree of `size` \
                      leaves. The leaf data is the event record's canonical encoding.",
        params: &[
            query(
                "index",
                ParamKind::Integer,
                true,
                "Event index; less than `size`.",
                "0",
            ),
            query(
                "size",
                ParamKind::Integer,
                false,
                "Tree size, 1 to the current log size (default: the current size).",
                "1",
            ),
        ],
        success: ok(
            "The event, its leaf, the root and the audit path.",
            "InclusionResponse",
        ),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/log/consistency",
        endpoint: Endpoint::ConsistencyProof,
        operation_id: "log_consistency_proof",
        tag: "activity log",
        summary: "RFC 6962 consistency proof between two log sizes",
        description: "Proves that the log of `to` leaves extends the log of `from` leaves.",
        params: &[
            query(
                "from",
                ParamKind::Integer,
                true,
                "The older size, at least 1.",
                "1",
            ),
            query(
                "to",
                ParamKind::Integer,
                false,
                "The newer size, `from` to the current log size (default: the current size).",
                "1",
            ),
        ],
        success: ok("Both roots and the path.", "ConsistencyResponse"),
        errors: &[400, 500, 503],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/health",
        endpoint: Endpoint::Health,
        operation_id: "health",
        tag: "node",
        summary: "Node health",
        description: "Chain id, height, mempool size, group key and software version.",
        params: &[],
        success: ok("The summary.", "Health"),
        errors: &[],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/metrics",
        endpoint: Endpoint::Metrics,
        operation_id: "metrics",
        tag: "node",
        summary: "Prometheus metrics",
        description: "The node's metrics and the API's request counters \
                      (`aigov_api_requests_total{route, status}`), in the Prometheus text \
                      format 0.0.4.",
        params: &[],
        success: Success {
            status: 200,
            description: "Prometheus text exposition.",
            content_type: "text/plain; version=0.0.4",
            schema: "Text",
        },
        errors: &[],
    },
    RouteDoc {
        verb: Verb::Get,
        path: "/v1/openapi.json",
        endpoint: Endpoint::OpenApi,
        operation_id: "openapi",
        tag: "node",
        summary: "This OpenAPI document",
        description: "Generated from the API's route table.",
        params: &[],
        success: ok("OpenAPI 3.0 document.", "OpenApi"),
        errors: &[],
    },
];

/// The handler of a route, accepting only the route's method.
fn method_router<B: Backend>(doc: &RouteDoc) -> MethodRouter<Ctx<B>> {
    let f = doc.verb.filter();
    match doc.endpoint {
        Endpoint::SubmitTx => on(f, txs::submit::<B>).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)),
        Endpoint::TxStatus => on(f, txs::status::<B>),
        Endpoint::LatestBlock => on(f, blocks::latest::<B>),
        Endpoint::BlockAt => on(f, blocks::at::<B>),
        Endpoint::StateAccount => on(f, state::account::<B>),
        Endpoint::StatePersonnel => on(f, state::personnel::<B>),
        Endpoint::StateMember => on(f, state::member::<B>),
        Endpoint::StateOrganisation => on(f, state::organisation::<B>),
        Endpoint::StatePool => on(f, state::pool::<B>),
        Endpoint::StateReceipt => on(f, state::receipt::<B>),
        Endpoint::StateEvent => on(f, state::event::<B>),
        Endpoint::StateParams => on(f, state::params::<B>),
        Endpoint::StateRaw => on(f, state::raw::<B>),
        Endpoint::StateProposal => on(f, governance::proposal::<B>),
        Endpoint::StateBallot => on(f, governance::ballot::<B>),
        Endpoint::StateGovernanceParams => on(f, governance::params::<B>),
        Endpoint::Proposals => on(f, governance::page::<B>),
        Endpoint::ProposalBallots => on(f, governance::ballots::<B>),
        Endpoint::ProposalTally => on(f, governance::tally::<B>),
        Endpoint::ProposalDecision => on(f, governance::decision::<B>),
        Endpoint::StateEconomyParams => on(f, economy::params::<B>),
        Endpoint::StateGasPrice => on(f, economy::price::<B>),
        Endpoint::StateCreditLedger => on(f, economy::ledger::<B>),
        Endpoint::StatePurchase => on(f, economy::purchase::<B>),
        Endpoint::StateDutyUsage => on(f, economy::duty::<B>),
        Endpoint::StatePoolContribution => on(f, economy::pool_contribution::<B>),
        Endpoint::StateTreasury => on(f, economy::treasury_ledger::<B>),
        Endpoint::StatePayment => on(f, economy::payment::<B>),
        Endpoint::StateBounty => on(f, economy::bounty::<B>),
        Endpoint::StateWhistleReport => on(f, whistle::report::<B>),
        Endpoint::StateWhistleKey => on(f, whistle::key::<B>),
        Endpoint::StateSelectionRound => on(f, whistle::selection_round::<B>),
        Endpoint::StateValidators => on(f, validators::pending::<B>),
        Endpoint::StateCommittee => on(f, validators::committee::<B>),
        Endpoint::StateBlocksPerEpoch => on(f, validators::blocks_per_epoch::<B>),
        Endpoint::Economy => on(f, economy::summary::<B>),
        Endpoint::Bounties => on(f, economy::bounties::<B>),
        Endpoint::StateHardware => on(f, compute::hardware_entry::<B>),
        Endpoint::StateHardwareByDevice => on(f, compute::hardware_by_device::<B>),
        Endpoint::StateInspection => on(f, compute::inspection::<B>),
        Endpoint::StateChallenge => on(f, compute::challenge::<B>),
        Endpoint::StateComputeParams => on(f, compute::params::<B>),
        Endpoint::StateModel => on(f, compute::model::<B>),
        Endpoint::StateModelByContainer => on(f, compute::model_by_container::<B>),
        Endpoint::StateWorkload => on(f, compute::workload::<B>),
        Endpoint::StateRun => on(f, compute::run::<B>),
        Endpoint::StatePermit => on(f, compute::permit::<B>),
        Endpoint::StateDeviceSeq => on(f, compute::device_seq::<B>),
        Endpoint::StateTemplate => on(f, certify::template::<B>),
        Endpoint::StateStandardCurrent => on(f, certify::standard_current::<B>),
        Endpoint::StateStandardVersion => on(f, certify::standard_version::<B>),
        Endpoint::StateReport => on(f, certify::report::<B>),
        Endpoint::StateCertification => on(f, certify::certification::<B>),
        Endpoint::StateRunner => on(f, certify::runner::<B>),
        Endpoint::StateRetry => on(f, certify::retry::<B>),
        Endpoint::TemplateList => on(f, certify::template_page::<B>),
        Endpoint::ReportList => on(f, certify::report_page::<B>),
        Endpoint::ModelByContainer => on(f, certify::by_container::<B>),
        Endpoint::HardwareList => on(f, compute::hardware_page::<B>),
        Endpoint::ModelList => on(f, compute::model_page::<B>),
        Endpoint::DevicePermits => on(f, compute::device::<B>),
        Endpoint::Members => on(f, lists::members::<B>),
        Endpoint::Organisations => on(f, lists::organisations::<B>),
        Endpoint::Personnel => on(f, lists::personnel::<B>),
        Endpoint::Events => on(f, events::page::<B>),
        Endpoint::EventStream => on(f, events::stream::<B>),
        Endpoint::Checkpoint => on(f, log::checkpoint::<B>),
        Endpoint::InclusionProof => on(f, log::inclusion::<B>),
        Endpoint::ConsistencyProof => on(f, log::consistency::<B>),
        Endpoint::Health => on(f, node::health::<B>),
        Endpoint::Metrics => on(f, node::metrics::<B>),
        Endpoint::OpenApi => on(f, node::openapi::<B>),
    }
}

/// Builds the router: every row of [ROUTES], the JSON 404 and 405 fallbacks, and the request
/// counters.
pub(crate) fn build<B: Backend>(backend: B, shutdown: watch::Receiver<bool>) -> Router {
    let metrics = Arc::new(metrics::ApiMetrics::new());
    let ctx = Ctx {
        backend,
        metrics: metrics.clone(),
        openapi: Arc::new(openapi::document().to_string()),
        shutdown,
    };
    let mut router: Router<Ctx<B>> = Router::new();
    for doc in ROUTES {
        router = router.route(doc.path, method_router::<B>(doc));
    }
    router
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            metrics::track,
        ))
        .with_state(ctx)
}

async fn not_found(method: Method, uri: Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no route for {method} {}; see /v1/openapi.json",
        crate::extract::echo(uri.path())
    ))
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed {
        method: method.to_string(),
        path: crate::extract::echo(uri.path()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn paths_operation_ids_and_endpoints_are_unique() {
        let mut routes = BTreeSet::new();
        let mut ids = BTreeSet::new();
        let mut endpoints = Vec::new();
        for r in ROUTES {
            assert!(routes.insert((r.path, r.verb.as_str())), "{}", r.path);
            assert!(ids.insert(r.operation_id), "{}", r.operation_id);
            assert!(!endpoints.contains(&r.endpoint), "{:?}", r.endpoint);
            endpoints.push(r.endpoint);
        }
    }

    #[test]
    fn path_parameters_match_the_template() {
        for r in ROUTES {
            let in_template: BTreeSet<&str> = r
                .path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            let documented: BTreeSet<&str> = r
                .params
                .iter()
                .filter(|p| p.location == ParamIn::Path)
                .map(|p| p.name)
                .collect();
            assert_eq!(in_template, documented, "{}", r.path);
            for p in r.params {
                assert!(p.required || p.location == ParamIn::Query, "{}", r.path);
            }
        }
    }
}
