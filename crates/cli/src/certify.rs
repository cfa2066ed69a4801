//! Certification on the command line: `aigov tx template propose`, `aigov tx report
//! register-runner|submit`, `aigov tx model declare|register-retry`, and the queries `aigov
//! query template|standard|report|certification|runner|retry`.

use crate::args::{Global, ModelTx, QueryArgs, ReportTx, TemplateTx};
use crate::output;
use crate::query::state_with;
use aigov_client::Client;
use aigov_types::codec::{BoundedString, BoundedVec, Encode, Hash};
use aigov_types::model::ModelCall;
use aigov_types::template::{
    Certification, DeclareModel, MAX_REPORT_SCORES, ModelFactsDecl, ProposeTemplate, RegisterRetry,
    RegisterRunner, Report, ReportCall, RunnerBinding, Score, StandardVersion, SubmitReport,
    Template, TemplateCall, TemplateKind, Verdict,
};
use aigov_types::tx::MAX_TX_BYTES;
use aigov_types::{Call, PublicKey, SignedTx, Slug};
use anyhow::{Context as _, anyhow, bail};
use std::path::Path;
use std::process::ExitCode;

fn file_digest(path: &Path, what: &str) -> anyhow::Result<Hash> {
    let bytes =
        std::fs::read(path).with_context(|| format!("reading {what} {}", path.display()))?;
    Ok(Hash::digest(&[&bytes]))
}

fn hex_hash(s: &str, what: &str) -> anyhow::Result<Hash> {
    Hash::from_hex(s.trim()).ok_or_else(|| anyhow!("{what} {s:?} is not 64 hex digits"))
}

/// Refuses a transaction larger than the chain accepts, saying why (a template's policy text is
/// what usually gets there).
pub fn check_size(tx: &SignedTx) -> anyhow::Result<()> {
    let size = tx.encode().len();
    let max = tx.tx.call.max_tx_bytes();
    if size > max {
        let policy = match &tx.tx.call {
            Call::Template(TemplateCall::Propose(p)) => format!(
                " (the policy text is {} bytes; shorten it or split the red lines into several templates)",
                p.policy_text.as_str().len()
            ),
            _ => String::new(),
        };
        bail!("the transaction is {size} bytes, more than the {max} a block accepts{policy}");
    }
    Ok(())
}

/// The call of `aigov tx template …`.
pub fn template_call(cmd: &TemplateTx) -> anyhow::Result<Call> {
    let TemplateTx::Propose {
        kind,
        name,
        spec,
        policy,
        reference,
        physical,
    } = cmd;
    let kind: TemplateKind = kind.parse().map_err(|e: String| anyhow!(e))?;
    let text = std::fs::read_to_string(policy)
        .with_context(|| format!("reading the policy {}", policy.display()))?;
    let len = text.len();
    let policy_text = BoundedString::new(text).ok_or_else(|| {
        anyhow!(
            "the policy is {len} bytes; a template.propose transaction must fit in {MAX_TX_BYTES} bytes"
        )
    })?;
    // Check it here too, with the same engine the chain runs, for a message before paying.
    aigov_policy::TemplatePolicy::compile(policy_text.as_str())
        .map_err(|e| anyhow!("{}: {e}", policy.display()))?;
    Ok(Call::Template(TemplateCall::Propose(ProposeTemplate {
        kind,
        name: BoundedString::new(name.as_str())
            .ok_or_else(|| anyhow!("--name is longer than 128 bytes"))?,
        spec_digest: file_digest(spec, "the spec")?,
        policy_text,
        reference: reference
            .as_deref()
            .map(|path| {
                read_checked(
                    path,
                    "reference values (one of tdx, sgx, sev_snp, nvidia_spdm, device_key)",
                    aigov_types::integrity::HardwareReference::validate,
                )
            })
            .transpose()?,
        physical: physical
            .as_deref()
            .map(|path| {
                read_checked(
                    path,
                    "a physical policy (seals, region, landmarks, min_landmarks)",
                    aigov_types::physical::PhysicalPolicy::validate,
                )
            })
            .transpose()?,
    })))
}

/// A JSON file of `what`, decoded and structurally checked with `validate`.
fn read_checked<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
    what: &str,
    validate: impl Fn(&T) -> Result<(), String>,
) -> anyhow::Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: T =
        serde_json::from_str(&text).with_context(|| format!("{} is not {what}", path.display()))?;
    validate(&value).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok(value)
}

/// The call of `aigov tx report …`.
pub fn report_call(global: &Global, cmd: &ReportTx) -> anyhow::Result<Option<Call>> {
    Ok(Some(Call::Report(match cmd {
        ReportTx::RegisterRunner {
            runner,
            hardware,
            organisation,
        } => ReportCall::RegisterRunner(RegisterRunner {
            key: crate::gov::account(global, runner)?,
            binding: match (hardware, organisation) {
                (Some(h), _) => RunnerBinding::Hardware(*h),
                (None, Some(o)) => RunnerBinding::Organisation(
                    Slug::new(o.as_str()).map_err(|e| anyhow!("--organisation: {e}"))?,
                ),
                (None, None) => bail!("give --hardware or --organisation"),
            },
        }),
        ReportTx::Submit {
            model,
            template,
            result,
            severity,
            scores,
            report,
            report_digest,
            tee_device,
            tee_measurement,
            evidence,
            print_binding,
        } => {
            let result = match result.trim().to_ascii_lowercase().as_str() {
                "pass" => Verdict::Pass,
                "fail" => Verdict::Fail,
                other => bail!("--result {other:?}: expected pass or fail"),
            };
            if scores.len() > MAX_REPORT_SCORES {
                bail!("{} scores, at most {MAX_REPORT_SCORES}", scores.len());
            }
            let scores = scores
                .iter()
                .map(|s| {
                    let (name, value) = s
                        .split_once('=')
                        .ok_or_else(|| anyhow!("--score {s:?}: expected NAME=INTEGER"))?;
                    Ok(Score {
                        name: BoundedString::new(name.trim())
                            .ok_or_else(|| anyhow!("score name {name:?} is over 64 bytes"))?,
                        value: value
                            .trim()
                            .parse()
                            .map_err(|_| anyhow!("--score {s:?}: {value:?} is not an integer"))?,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let mut submit = SubmitReport {
                model: *model,
                template: *template,
                result,
                severity: *severity,
                scores: BoundedVec::new(scores).ok_or_else(|| anyhow!("too many scores"))?,
                report_digest: match (report, report_digest) {
                    (Some(p), _) => file_digest(p, "the report")?,
                    (None, Some(h)) => hex_hash(h, "--report-digest")?,
                    (None, None) => bail!("give --report or --report-digest"),
                },
                evidence: None,
            };
            // The binding names the runner: the key that signs the transaction.
            let binding = submit.binding(&crate::keys::signer(global)?.public_key());
            if *print_binding {
                crate::output::print(global, &serde_json::json!({ "binding": binding }), || {
                    format!(
                        "TEE evidence for this report must bind the nonce {binding} (report data: aigov_attest::report_data_for(nonce))"
                    )
                });
                return Ok(None);
            }
            submit.evidence = match (tee_device, tee_measurement, evidence) {
                (_, _, Some(path)) => Some(crate::compute::read_evidence(path)?),
                (Some(device), Some(m), None) => {
                    Some(aigov_types::integrity::ChallengeEvidence::device_key(
                        &crate::keys::load(&global.home, device)?,
                        &binding,
                        hex_hash(m, "--tee-measurement")?,
                    ))
                }
                _ => None,
            };
            ReportCall::Submit(submit)
        }
    })))
}

/// The certification calls of `aigov tx model …` (`None` for a registration).
pub fn model_call(cmd: &ModelTx) -> anyhow::Result<Option<Call>> {
    Ok(Some(Call::Model(match cmd {
        ModelTx::Register { .. } => return Ok(None),
        ModelTx::Declare {
            model,
            architecture,
            facts,
        } => {
            let text = std::fs::read_to_string(facts)
                .with_context(|| format!("reading {}", facts.display()))?;
            let facts: ModelFactsDecl = serde_json::from_str(&text)
                .with_context(|| format!("{} does not hold model facts", facts.display()))?;
            ModelCall::Declare(DeclareModel {
                model: *model,
                architecture: *architecture,
                facts,
            })
        }
        ModelTx::RegisterRetry {
            failed,
            container_id,
            documentation,
            planned_compute,
        } => ModelCall::RegisterRetry(RegisterRetry {
            failed: *failed,
            container_id: hex_hash(container_id, "--container-id")?,
            documentation: match documentation {
                Some(h) => hex_hash(h, "--documentation")?,
                None => Hash::digest(&[b"aigov-model-doc:", container_id.as_bytes()]),
            },
            planned_training_compute: *planned_compute,
        }),
    })))
}

fn list_of(ids: impl Iterator<Item = u64>) -> String {
    let ids: Vec<String> = ids.map(|t| t.to_string()).collect();
    if ids.is_empty() {
        "none".to_string()
    } else {
        ids.join(", ")
    }
}

pub(crate) fn template_text(t: &Template) -> String {
    let red_lines: Vec<&str> = t.red_lines.iter().map(|r| r.as_str()).collect();
    format!(
        "template #{} {:?} {} {:?}, spec {}\n  policy {} ({} bytes), red lines: {}{}",
        t.id,
        t.status,
        t.kind.name(),
        t.name.as_str(),
        t.spec_digest,
        t.policy_digest,
        t.policy_text.as_str().len(),
        if red_lines.is_empty() {
            "none".to_string()
        } else {
            red_lines.join(", ")
        },
        t.approved_by
            .map(|p| format!("\n  approved by proposal {p}"))
            .unwrap_or_default()
    )
}

fn standard_text(v: &StandardVersion) -> String {
    let mut s = format!(
        "safety standard version {} (proposal {}, height {}): {} rule(s); a fail at severity {} or above rejects",
        v.version,
        v.proposal,
        v.height,
        v.rules.len(),
        v.reject_severity
    );
    for r in v.rules.iter() {
        s.push_str(&format!(
            "\n  architecture {} tier {} {:?} {}: safeguards {}; audits {}; live audits {}",
            r.architecture,
            r.tier,
            r.scope,
            r.purpose
                .as_ref()
                .map_or("any purpose".to_string(), |p| format!("purpose {p}")),
            list_of(r.safeguards.iter().copied()),
            list_of(r.audits.iter().copied()),
            list_of(r.live_audits.iter().copied())
        ));
    }
    s
}

pub(crate) fn report_text(r: &Report) -> String {
    let scores: Vec<String> = r
        .scores
        .iter()
        .map(|s| format!("{}={}", s.name.as_str(), s.value))
        .collect();
    let mut s = format!(
        "report #{} on model {} for template {} ({}{}): {:?} (runner said {:?}), severity {}\n  runner {}, digest {}, standard v{}, height {}",
        r.id,
        r.model,
        r.template,
        r.kind.name(),
        if r.scaffolded { ", live" } else { "" },
        r.verdict,
        r.claimed,
        r.severity,
        r.runner,
        r.report_digest,
        r.standard_version,
        r.height
    );
    if !scores.is_empty() {
        s.push_str(&format!("\n  scores {}", scores.join(", ")));
    }
    if !r.violated.is_empty() {
        let v: Vec<&str> = r.violated.iter().map(|v| v.as_str()).collect();
        s.push_str(&format!("\n  red lines fired: {}", v.join(", ")));
    }
    s
}

fn certification_text(c: &Certification) -> String {
    let passed: Vec<String> = c
        .passed
        .iter()
        .map(|p| format!("{} (report {})", p.template, p.report))
        .collect();
    format!(
        "model {}: architecture template {}{}, standard v{}, declaration {}\n  passed: {}\n  {}{}",
        c.model,
        c.architecture,
        if c.restricted {
            " (set by a retry grant)"
        } else {
            ""
        },
        c.standard_version,
        match (&c.facts, c.frozen) {
            (None, _) => "not made yet",
            (Some(_), true) => "frozen",
            (Some(_), false) => "open",
        },
        if passed.is_empty() {
            "none".to_string()
        } else {
            passed.join(", ")
        },
        c.certified_height
            .map(|h| format!("certified at height {h}"))
            .unwrap_or_else(|| "never certified".to_string()),
        c.rejected_by
            .map(|r| format!(", rejected by report {r}"))
            .unwrap_or_default()
    )
}

/// `aigov query standard [VERSION]`.
pub fn standard_query(
    global: &Global,
    args: &QueryArgs,
    version: Option<u32>,
) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    let version = match version {
        Some(v) => v,
        None => match client.standard_current(false)?.value.unwrap_or(0) {
            0 => {
                output::print(global, &serde_json::json!({"version": 0}), || {
                    "no safety standard yet: a Safety vote's set-standard makes version 1"
                        .to_string()
                });
                return Ok(ExitCode::SUCCESS);
            }
            v => v,
        },
    };
    state_with(
        global,
        args,
        client.standard_version(version, args.prove)?,
        standard_text,
    )
}

/// `aigov query certification MODEL`.
pub fn certification_query(
    global: &Global,
    args: &QueryArgs,
    model: u64,
) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    state_with(
        global,
        args,
        client.certification(model, args.prove)?,
        certification_text,
    )
}

/// `aigov query runner KEY`.
pub fn runner_query(
    global: &Global,
    args: &QueryArgs,
    key: &PublicKey,
) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    state_with(global, args, client.runner(key, args.prove)?, |r| {
        format!(
            "runner {} bound to {}, registered by {} at height {}",
            r.key,
            match &r.binding {
                RunnerBinding::Hardware(h) => format!("hardware {h} (TEE)"),
                RunnerBinding::Organisation(o) => format!("organisation {o}"),
            },
            r.registered_by,
            r.height
        )
    })
}

/// `aigov query retry MODEL`.
pub fn retry_query(global: &Global, args: &QueryArgs, model: u64) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    state_with(global, args, client.retry_grant(model, args.prove)?, |g| {
        format!(
            "retry of model {} allowed by proposal {}, bound to template {}; vault blob {}{}",
            g.model,
            g.proposal,
            g.restrictive_template,
            g.vault.blob,
            g.retry
                .map(|r| format!("; registered as model {r}"))
                .unwrap_or_else(|| "; not registered yet".to_string())
        )
    })
}
