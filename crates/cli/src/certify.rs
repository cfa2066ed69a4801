//! Certification on the command line: `aigov tx template propose`, `aigov tx report
//! register-runner|submit`, `aigov tx model declare|register-retry`.

use crate::args::{Global, ModelTx, ReportTx, TemplateTx};
use aigov_types::codec::{BoundedString, BoundedVec, Encode, Hash};
use aigov_types::model::ModelCall;
use aigov_types::template::{
    DeclareModel, MAX_REPORT_SCORES, ModelFactsDecl, ProposeTemplate, RegisterRetry,
    RegisterRunner, ReportCall, RunnerBinding, Score, SubmitReport, TemplateCall, TemplateKind,
    Verdict,
};
use aigov_types::tx::MAX_TX_BYTES;
use aigov_types::{Call, SignedTx, Slug};
use anyhow::{Context as _, anyhow, bail};
use std::path::Path;

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
    if size > MAX_TX_BYTES {
        let policy = match &tx.tx.call {
            Call::Template(TemplateCall::Propose(p)) => format!(
                " (the policy text is {} bytes; shorten it or split the red lines into several templates)",
                p.policy_text.as_str().len()
            ),
            _ => String::new(),
        };
        bail!(
            "the transaction is {size} bytes, more than the {MAX_TX_BYTES} a block accepts{policy}"
        );
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
    })))
}

/// The call of `aigov tx report …`.
pub fn report_call(global: &Global, cmd: &ReportTx) -> anyhow::Result<Call> {
    Ok(Call::Report(match cmd {
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
            ReportCall::Submit(SubmitReport {
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
            })
        }
    }))
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
