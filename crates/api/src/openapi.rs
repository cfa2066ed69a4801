//! The OpenAPI 3.0 document, generated from the route table [crate::routes::ROUTES].
//!
//! Response bodies are the serde JSON forms of `aigov_types::api` (and the entity types it
//! wraps); their schemas here name the Rust type that defines them. The error schema is given
//! in full, since every error of every route has it.

use crate::routes::{ParamIn, ParamKind, ROUTES, RouteDoc};
use serde_json::{Map, Value, json};

/// A named schema of the components section.
#[derive(Clone, Copy, Debug)]
pub struct SchemaDoc {
    /// The component name used in `$ref`s.
    pub name: &'static str,
    /// The JSON type (`object`, `array`, `string`).
    pub json_type: &'static str,
    /// The Rust type whose serde form it is.
    pub rust_type: &'static str,
}

const fn schema(name: &'static str, json_type: &'static str, rust_type: &'static str) -> SchemaDoc {
    SchemaDoc {
        name,
        json_type,
        rust_type,
    }
}

/// Every response schema the routes refer to (besides `ErrorBody`).
pub const SCHEMAS: &[SchemaDoc] = &[
    schema(
        "SubmitTxResponse",
        "object",
        "aigov_types::api::SubmitTxResponse",
    ),
    schema("TxStatus", "object", "aigov_types::api::TxStatus"),
    schema("BlockResponse", "object", "aigov_types::api::BlockResponse"),
    schema(
        "StateResponse_Account",
        "object",
        "aigov_types::api::StateResponse<aigov_types::Account>",
    ),
    schema(
        "StateResponse_Personnel",
        "object",
        "aigov_types::api::StateResponse<aigov_types::personnel::Personnel>",
    ),
    schema(
        "StateResponse_Member",
        "object",
        "aigov_types::api::StateResponse<aigov_types::personnel::Member>",
    ),
    schema(
        "StateResponse_Organisation",
        "object",
        "aigov_types::api::StateResponse<aigov_types::personnel::Organisation>",
    ),
    schema(
        "StateResponse_u64",
        "object",
        "aigov_types::api::StateResponse<u64>",
    ),
    schema(
        "StateResponse_Receipt",
        "object",
        "aigov_types::api::StateResponse<aigov_types::Receipt>",
    ),
    schema(
        "StateResponse_EventRecord",
        "object",
        "aigov_types::api::StateResponse<aigov_types::EventRecord>",
    ),
    schema(
        "StateResponse_Params",
        "object",
        "aigov_types::api::StateResponse<aigov_types::genesis::Params>",
    ),
    schema(
        "StateResponse_hex",
        "object",
        "aigov_types::api::StateResponse<String> (value: hex of the stored bytes)",
    ),
    schema(
        "StateResponse_Proposal",
        "object",
        "aigov_types::api::StateResponse<aigov_types::governance::Proposal>",
    ),
    schema(
        "StateResponse_Ballot",
        "object",
        "aigov_types::api::StateResponse<aigov_types::governance::Ballot>",
    ),
    schema(
        "StateResponse_GovernanceParams",
        "object",
        "aigov_types::api::StateResponse<aigov_types::governance::GovernanceParams>",
    ),
    schema(
        "StateResponse_EconomyParams",
        "object",
        "aigov_types::api::StateResponse<aigov_types::economy::EconomyParams>",
    ),
    schema(
        "StateResponse_GasPrice",
        "object",
        "aigov_types::api::StateResponse<aigov_types::economy::GasPrice>",
    ),
    schema(
        "StateResponse_CreditLedger",
        "object",
        "aigov_types::api::StateResponse<aigov_types::economy::CreditLedger>",
    ),
    schema(
        "StateResponse_Purchase",
        "object",
        "aigov_types::api::StateResponse<aigov_types::economy::Purchase>",
    ),
    schema(
        "StateResponse_DutyUsage",
        "object",
        "aigov_types::api::StateResponse<aigov_types::economy::DutyUsage>",
    ),
    schema(
        "StateResponse_TreasuryLedger",
        "object",
        "aigov_types::api::StateResponse<aigov_types::treasury::TreasuryLedger>",
    ),
    schema(
        "StateResponse_Payment",
        "object",
        "aigov_types::api::StateResponse<aigov_types::treasury::Payment>",
    ),
    schema(
        "StateResponse_Bounty",
        "object",
        "aigov_types::api::StateResponse<aigov_types::treasury::Bounty>",
    ),
    schema(
        "StateResponse_Report",
        "object",
        "aigov_types::api::StateResponse<aigov_types::whistle::Report>",
    ),
    schema(
        "StateResponse_SealKey",
        "object",
        "aigov_types::api::StateResponse<Option<aigov_types::whistle::SealKey>>",
    ),
    schema(
        "StateResponse_SelectionRound",
        "object",
        "aigov_types::api::StateResponse<aigov_types::selection::SelectionRound>",
    ),
    schema(
        "StateResponse_ValidatorSet",
        "object",
        "aigov_types::api::StateResponse<aigov_types::validators::ValidatorSet>",
    ),
    schema(
        "EconomyResponse",
        "object",
        "aigov_types::api::EconomyResponse",
    ),
    schema("BountyPage", "object", "aigov_types::api::BountyPage"),
    schema(
        "StateResponse_Hardware",
        "object",
        "aigov_types::api::StateResponse<aigov_types::hardware::Hardware>",
    ),
    schema(
        "StateResponse_Inspection",
        "object",
        "aigov_types::api::StateResponse<aigov_types::hardware::Inspection>",
    ),
    schema(
        "StateResponse_Challenge",
        "object",
        "aigov_types::api::StateResponse<aigov_types::integrity::Challenge>",
    ),
    schema(
        "StateResponse_ComputeParams",
        "object",
        "aigov_types::api::StateResponse<aigov_types::hardware::ComputeParams>",
    ),
    schema(
        "StateResponse_Model",
        "object",
        "aigov_types::api::StateResponse<aigov_types::model::Model>",
    ),
    schema(
        "StateResponse_Workload",
        "object",
        "aigov_types::api::StateResponse<aigov_types::workload::Workload>",
    ),
    schema(
        "StateResponse_Run",
        "object",
        "aigov_types::api::StateResponse<aigov_types::workload::Run>",
    ),
    schema(
        "StateResponse_OtkPermit",
        "object",
        "aigov_types::api::StateResponse<aigov_types::otk::OtkPermit>",
    ),
    schema(
        "StateResponse_Template",
        "object",
        "aigov_types::api::StateResponse<aigov_types::template::Template>",
    ),
    schema(
        "StateResponse_u32",
        "object",
        "aigov_types::api::StateResponse<u32>",
    ),
    schema(
        "StateResponse_StandardVersion",
        "object",
        "aigov_types::api::StateResponse<aigov_types::template::StandardVersion>",
    ),
    schema(
        "StateResponse_Report",
        "object",
        "aigov_types::api::StateResponse<aigov_types::template::Report>",
    ),
    schema(
        "StateResponse_Certification",
        "object",
        "aigov_types::api::StateResponse<aigov_types::template::Certification>",
    ),
    schema(
        "StateResponse_Runner",
        "object",
        "aigov_types::api::StateResponse<aigov_types::template::Runner>",
    ),
    schema(
        "StateResponse_RetryGrant",
        "object",
        "aigov_types::api::StateResponse<aigov_types::template::RetryGrant>",
    ),
    schema("TemplatePage", "object", "aigov_types::api::TemplatePage"),
    schema("ReportPage", "object", "aigov_types::api::ReportPage"),
    schema(
        "ModelByContainer",
        "object",
        "aigov_types::api::ModelByContainer",
    ),
    schema("HardwarePage", "object", "aigov_types::api::HardwarePage"),
    schema("ModelPage", "object", "aigov_types::api::ModelPage"),
    schema("DevicePermits", "object", "aigov_types::api::DevicePermits"),
    schema("ProposalPage", "object", "aigov_types::api::ProposalPage"),
    schema("Ballots", "array", "Vec<aigov_types::governance::Ballot>"),
    schema("TallyResponse", "object", "aigov_types::api::TallyResponse"),
    schema("Decision", "object", "aigov_types::governance::Decision"),
    schema("Members", "array", "Vec<aigov_types::personnel::Member>"),
    schema(
        "Organisations",
        "array",
        "Vec<aigov_types::personnel::Organisation>",
    ),
    schema("PersonnelPage", "object", "aigov_types::api::PersonnelPage"),
    schema(
        "EventsResponse",
        "object",
        "aigov_types::api::EventsResponse",
    ),
    schema("EventRecord", "object", "aigov_types::EventRecord"),
    schema(
        "CheckpointResponse",
        "object",
        "aigov_types::api::CheckpointResponse",
    ),
    schema(
        "InclusionResponse",
        "object",
        "aigov_types::api::InclusionResponse",
    ),
    schema(
        "ConsistencyResponse",
        "object",
        "aigov_types::api::ConsistencyResponse",
    ),
    schema("Health", "object", "aigov_types::api::Health"),
    schema("Text", "string", "Prometheus text exposition format 0.0.4"),
    schema("OpenApi", "object", "an OpenAPI 3.0 document"),
];

/// The reason phrase of an error status, as OpenAPI response descriptions.
fn error_description(status: u16) -> &'static str {
    match status {
        400 => "Malformed request or refused transaction (`bad_request` or an admission code).",
        404 => "Not found (`not_found`).",
        405 => "Method not allowed (`method_not_allowed`).",
        409 => "Already pending (`duplicate_tx`).",
        413 => "Body larger than 64 KiB (`payload_too_large`).",
        415 => "Body neither JSON nor octet-stream (`unsupported_media_type`).",
        500 => "Internal failure (`internal`).",
        503 => "Node not ready or mempool full (`unavailable`, `mempool_full`).",
        _ => "Error.",
    }
}

fn param_schema(kind: ParamKind) -> Value {
    match kind {
        ParamKind::String => json!({"type": "string"}),
        ParamKind::Integer => json!({"type": "integer", "format": "int64", "minimum": 0}),
        ParamKind::Boolean => json!({"type": "boolean"}),
    }
}

fn example_value(kind: ParamKind, example: &str) -> Value {
    match kind {
        ParamKind::String => Value::String(example.to_string()),
        ParamKind::Integer => example
            .parse::<u64>()
            .map_or_else(|_| Value::String(example.to_string()), Value::from),
        ParamKind::Boolean => Value::Bool(example == "true"),
    }
}

fn operation(r: &RouteDoc) -> Value {
    let params: Vec<Value> = r
        .params
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "in": match p.location { ParamIn::Path => "path", ParamIn::Query => "query" },
                "required": p.required,
                "description": p.description,
                "schema": param_schema(p.kind),
                "example": example_value(p.kind, p.example),
            })
        })
        .collect();
    let mut responses = Map::new();
    responses.insert(
        r.success.status.to_string(),
        json!({
            "description": r.success.description,
            "content": {
                r.success.content_type: {
                    "schema": {"$ref": format!("#/components/schemas/{}", r.success.schema)}
                }
            }
        }),
    );
    for status in r.errors {
        responses.insert(
            status.to_string(),
            json!({
                "description": error_description(*status),
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/ErrorBody"}
                    }
                }
            }),
        );
    }
    let mut op = json!({
        "operationId": r.operation_id,
        "tags": [r.tag],
        "summary": r.summary,
        "description": r.description,
        "parameters": params,
        "responses": responses,
    });
    if r.endpoint == crate::routes::Endpoint::SubmitTx {
        op["requestBody"] = json!({
            "required": true,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["tx"],
                        "properties": {
                            "tx": {
                                "type": "string",
                                "description": "Hex of the canonical SignedTx encoding."
                            }
                        }
                    }
                },
                "application/octet-stream": {
                    "schema": {"type": "string", "format": "binary"}
                }
            }
        });
    }
    op
}

/// The OpenAPI 3.0 document describing every route of [ROUTES].
pub fn document() -> Value {
    let mut paths = Map::new();
    for r in ROUTES {
        let item = paths
            .entry(r.path.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(ops) = item {
            ops.insert(r.verb.as_str().to_string(), operation(r));
        }
    }
    let mut schemas = Map::new();
    schemas.insert(
        "ErrorBody".to_string(),
        json!({
            "type": "object",
            "description": "Every error response (`aigov_types::api::ErrorBody`).",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "description": "Stable machine-readable code, e.g. `bad_signature`."
                },
                "message": {
                    "type": "string",
                    "description": "What was wrong and what to do."
                }
            }
        }),
    );
    for s in SCHEMAS {
        schemas.insert(
            s.name.to_string(),
            json!({
                "type": s.json_type,
                "description": format!("The JSON form of `{}`.", s.rust_type),
            }),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "aigov node API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "HTTP API of an aigov node: submit transactions, read and prove \
                            state, read blocks, governance proposals, ballots and decisions, \
                            follow and prove the activity log.",
        },
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_referenced_schema_is_defined() {
        let doc = document();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for r in ROUTES {
            assert!(
                schemas.contains_key(r.success.schema),
                "{}",
                r.success.schema
            );
        }
        // Every $ref resolves.
        for part in text.split("#/components/schemas/").skip(1) {
            let name: String = part.chars().take_while(|c| *c != '"').collect();
            assert!(schemas.contains_key(&name), "{name}");
        }
    }

    #[test]
    fn every_route_is_an_operation() {
        let doc = document();
        for r in ROUTES {
            let op = &doc["paths"][r.path][r.verb.as_str()];
            assert_eq!(op["operationId"], r.operation_id);
        }
    }
}
