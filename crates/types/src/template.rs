//! Templates (policy as code), the versioned safety standard, report runners, audit reports and
//! the certification of models.
//!
//! - A [Template] is content-addressed (the digest of its off-chain spec document) plus a Cedar
//!   policy text (its red lines, `forbid` policies, compiled by `aigov-policy` when proposed).
//!   Proposed → Approved (Safety vote; immutable afterwards) → Retired.
//! - The [StandardVersion] lists, per (model-architecture template, tier, scope), the safeguard
//!   and audit templates a model must pass; a Safety vote's `set_standard` makes a new version.
//! - Registered [Runner]s file [Report]s; the chain evaluates the template's red lines (and the
//!   model's architecture template's) on the model's facts and the report, so a violated red
//!   line turns a runner's "pass" into a fail.
//! - [Certification] is each model's progress: its declared architecture and facts, the standard
//!   version it answers to, the passing report of each required template.

use crate::codec::{BoundedString, BoundedVec, Hash, Slug};
use crate::crypto::PublicKey;
use crate::model::Scope;
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// Longest policy text the codec accepts. A `template.propose` transaction must also fit in
/// [crate::tx::MAX_TX_BYTES] (4096 bytes) with its signature and other fields, so in practice
/// about 3.8 KiB of Cedar; the CLI says so before sending.
pub const MAX_POLICY_TEXT_BYTES: usize = 4096;
/// Most templates of one kind in one standard rule.
pub const MAX_RULE_TEMPLATES: usize = 16;
/// Most rules in one standard version.
pub const MAX_STANDARD_RULES: usize = 32;
/// Most benchmark scores the codec accepts in one report.
pub const MAX_REPORT_SCORES_CODEC: usize = 128;
/// Most benchmark scores a report may carry (checked with a typed error).
pub const MAX_REPORT_SCORES: usize = 64;
/// Most red-line ids recorded as violated by one report.
pub const MAX_VIOLATED: usize = 128;
/// Most keys that may open a secure-vault blob.
pub const MAX_VAULT_OPENERS: usize = 16;
/// Most items in one declared set fact (domains, modalities, provenance).
pub const MAX_FACT_ITEMS: usize = 32;
/// Highest report severity (critical).
pub const SEVERITY_MAX: u8 = 4;

/// What a template governs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    /// A model architecture: the standard is selected per architecture template; its red lines
    /// apply to every report about models declared under it.
    ModelArchitecture,
    /// A workload.
    Workload,
    /// A safeguard (checked before and during workloads, and required by the standard).
    Safeguard,
    /// An audit (post-safety, before certification).
    Audit,
    /// Hardware reference values.
    Hardware,
}
codec_unit_enum!(TemplateKind { 0 => ModelArchitecture, 1 => Workload, 2 => Safeguard, 3 => Audit, 4 => Hardware });

impl TemplateKind {
    /// Every kind.
    pub const ALL: [TemplateKind; 5] = [
        TemplateKind::ModelArchitecture,
        TemplateKind::Workload,
        TemplateKind::Safeguard,
        TemplateKind::Audit,
        TemplateKind::Hardware,
    ];

    /// The kind's name, as in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            TemplateKind::ModelArchitecture => "model_architecture",
            TemplateKind::Workload => "workload",
            TemplateKind::Safeguard => "safeguard",
            TemplateKind::Audit => "audit",
            TemplateKind::Hardware => "hardware",
        }
    }
}

impl std::str::FromStr for TemplateKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        TemplateKind::ALL
            .into_iter()
            .find(|k| k.name() == norm || k.name().replace('_', "") == norm)
            .ok_or_else(|| {
                format!(
                    "unknown template kind {s:?}; expected model_architecture, workload, safeguard, audit or hardware"
                )
            })
    }
}

/// Where a template stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateStatus {
    /// Proposed; waiting for a Safety vote.
    Proposed,
    /// Approved by a Safety vote; immutable.
    Approved,
    /// Retired by a Safety vote (final).
    Retired,
}
codec_unit_enum!(TemplateStatus { 0 => Proposed, 1 => Approved, 2 => Retired });

/// A template.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// Sequential id, from 1.
    pub id: u64,
    /// Its kind.
    pub kind: TemplateKind,
    /// Its name.
    pub name: BoundedString<128>,
    /// Digest of its off-chain spec document (content address).
    pub spec_digest: Hash,
    /// The Cedar policy text: its red lines.
    pub policy_text: BoundedString<MAX_POLICY_TEXT_BYTES>,
    /// SHA-256 of the policy text (`aigov_policy::policy_digest`).
    pub policy_digest: Hash,
    /// The `@id`s of its red lines, sorted.
    pub red_lines: BoundedVec<BoundedString<64>, 64>,
    /// Where it stands.
    pub status: TemplateStatus,
    /// Who proposed it.
    pub proposed_by: PublicKey,
    /// Height of the proposal.
    pub proposed_height: u64,
    /// The proposal that approved it.
    pub approved_by: Option<u64>,
    /// Hardware templates: the reference values integrity evidence must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<crate::integrity::HardwareReference>,
    /// Hardware templates: the seal and location evidence every challenge answer must carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical: Option<crate::physical::PhysicalPolicy>,
}
codec_struct!(Template {
    id,
    kind,
    name,
    spec_digest,
    policy_text,
    policy_digest,
    red_lines,
    status,
    proposed_by,
    proposed_height,
    approved_by,
    reference,
    physical
});

/// `template.propose`: Active Safety personnel propose a template. The policy is compiled at
/// once; invalid Cedar is refused with the engine's message (`invalid_policy`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposeTemplate {
    /// Its kind.
    pub kind: TemplateKind,
    /// Its name (non-empty).
    pub name: BoundedString<128>,
    /// Digest of the off-chain spec document.
    pub spec_digest: Hash,
    /// The Cedar policy text.
    pub policy_text: BoundedString<MAX_POLICY_TEXT_BYTES>,
    /// Reference values (Hardware templates only, which integrity challenges need).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<crate::integrity::HardwareReference>,
    /// Seal and location policy (Hardware templates only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physical: Option<crate::physical::PhysicalPolicy>,
}
codec_struct!(ProposeTemplate {
    kind,
    name,
    spec_digest,
    policy_text,
    reference,
    physical
});

/// Calls of the template registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateCall {
    /// `template.propose`.
    Propose(ProposeTemplate),
}
codec_enum!(TemplateCall {
    0 => Propose(ProposeTemplate),
});

/// Proposal action (Safety): approve or retire a template.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TemplateRef {
    /// The template.
    pub template: u64,
}
codec_struct!(TemplateRef { template });

/// What one (architecture, tier, scope, declared purpose) must pass.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StandardRule {
    /// An Approved ModelArchitecture template.
    pub architecture: u64,
    /// The model tier.
    pub tier: u8,
    /// Narrow or general.
    pub scope: Scope,
    /// The declared purpose (`ModelFactsDecl::purpose`) it is for; `None`: any purpose. A rule
    /// naming the model's purpose is chosen over one for any purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<Slug>,
    /// Approved Safeguard templates.
    pub safeguards: BoundedVec<u64, MAX_RULE_TEMPLATES>,
    /// Approved Audit templates run without scaffolding (first).
    pub audits: BoundedVec<u64, MAX_RULE_TEMPLATES>,
    /// Approved Audit templates run live, with full scaffolding: accepted only once every
    /// safeguard and no-scaffolding audit of the rule has a passing report.
    pub live_audits: BoundedVec<u64, MAX_RULE_TEMPLATES>,
}
codec_struct!(StandardRule {
    architecture,
    tier,
    scope,
    purpose,
    safeguards,
    audits,
    live_audits
});

impl StandardRule {
    /// Every template the rule requires, sorted and deduplicated.
    pub fn required(&self) -> Vec<u64> {
        let mut all: Vec<u64> = self
            .safeguards
            .iter()
            .chain(self.audits.iter())
            .chain(self.live_audits.iter())
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The templates that must pass before a live audit is accepted.
    pub fn before_live(&self) -> Vec<u64> {
        let mut all: Vec<u64> = self
            .safeguards
            .iter()
            .chain(self.audits.iter())
            .copied()
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// Proposal action (Safety): a new version of the safety standard.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SetStandard {
    /// The rules, at most one per (architecture, tier, scope, purpose).
    pub rules: BoundedVec<StandardRule, MAX_STANDARD_RULES>,
    /// A failing report at or above this severity (1..=4) rejects the model.
    pub reject_severity: u8,
}
codec_struct!(SetStandard {
    rules,
    reject_severity
});

/// One version of the safety standard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardVersion {
    /// Version number, from 1.
    pub version: u32,
    /// The rules.
    pub rules: BoundedVec<StandardRule, MAX_STANDARD_RULES>,
    /// A failing report at or above this severity rejects the model.
    pub reject_severity: u8,
    /// The proposal that set it.
    pub proposal: u64,
    /// Height at which it took effect.
    pub height: u64,
}
codec_struct!(StandardVersion {
    version,
    rules,
    reject_severity,
    proposal,
    height
});

impl StandardVersion {
    /// The rule for a model of (architecture, tier, scope) declaring `purpose`: the one naming
    /// that purpose, else the one for any purpose, if any.
    pub fn rule(
        &self,
        architecture: u64,
        tier: u8,
        scope: Scope,
        purpose: Option<&Slug>,
    ) -> Option<&StandardRule> {
        let matching = |r: &&StandardRule| {
            r.architecture == architecture && r.tier == tier && r.scope == scope
        };
        purpose
            .and_then(|p| {
                self.rules
                    .iter()
                    .filter(matching)
                    .find(|r| r.purpose.as_ref() == Some(p))
            })
            .or_else(|| {
                self.rules
                    .iter()
                    .filter(matching)
                    .find(|r| r.purpose.is_none())
            })
    }
}

/// What a runner is bound to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunnerBinding {
    /// An Active hardware of the registry (a TEE runner).
    Hardware(u64),
    /// An auditor organisation (kind Auditor or SafetyOrg).
    Organisation(Slug),
}
codec_enum!(RunnerBinding {
    0 => Hardware(u64),
    1 => Organisation(Slug),
});

/// A registered report runner: a key that files reports, bound to hardware or an auditor
/// organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runner {
    /// The runner's key (it sends `report.submit`).
    pub key: PublicKey,
    /// What it is bound to.
    pub binding: RunnerBinding,
    /// The Auditor personnel who registered it.
    pub registered_by: PublicKey,
    /// Height of registration.
    pub height: u64,
}
codec_struct!(Runner {
    key,
    binding,
    registered_by,
    height
});

/// `report.register_runner`: Active Auditor personnel register a runner key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRunner {
    /// The runner's key.
    pub key: PublicKey,
    /// What it is bound to.
    pub binding: RunnerBinding,
}
codec_struct!(RegisterRunner { key, binding });

/// A report's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Passed.
    Pass,
    /// Failed.
    Fail,
}
codec_unit_enum!(Verdict { 0 => Pass, 1 => Fail });

/// One benchmark score: a slug name and an integer (basis points for rates).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    /// Benchmark name, `[a-z0-9][a-z0-9_.-]*`.
    pub name: BoundedString<64>,
    /// Its value.
    pub value: i64,
}
codec_struct!(Score { name, value });

/// `report.submit`: a registered runner files a safeguard or audit report about a model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitReport {
    /// The model.
    pub model: u64,
    /// The Approved Safeguard or Audit template answered.
    pub template: u64,
    /// The runner's verdict.
    pub result: Verdict,
    /// Severity, 0 (informational) to 4 (critical).
    pub severity: u8,
    /// Benchmark scores (at most [MAX_REPORT_SCORES], unique names).
    pub scores: BoundedVec<Score, MAX_REPORT_SCORES_CODEC>,
    /// Digest of the full report (held off chain); unique on chain.
    pub report_digest: Hash,
    /// Attestation evidence of the runner's TEE, binding [SubmitReport::binding] as its nonce:
    /// required of runners bound to hardware (checked against the hardware's template), not
    /// given by runners of auditor organisations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<crate::integrity::ChallengeEvidence>,
}
codec_struct!(SubmitReport {
    model,
    template,
    result,
    severity,
    scores,
    report_digest,
    evidence
});

impl SubmitReport {
    /// The nonce a TEE runner's evidence binds: SHA-256 over the runner's key and the report
    /// without its evidence. Evidence made for another report, or by another runner, does not
    /// verify for this one.
    pub fn binding(&self, runner: &PublicKey) -> Hash {
        let bare = SubmitReport {
            evidence: None,
            ..self.clone()
        };
        Hash::digest(&[
            b"aigov/report-binding/v1",
            runner.as_bytes(),
            &crate::codec::Encode::encode(&bare),
        ])
    }
}

/// Calls of the report runners.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportCall {
    /// `report.register_runner`.
    RegisterRunner(RegisterRunner),
    /// `report.submit`.
    Submit(SubmitReport),
}
codec_enum!(ReportCall {
    0 => RegisterRunner(RegisterRunner),
    1 => Submit(SubmitReport),
});

/// A filed report, with the chain's verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Sequential id, from 1.
    pub id: u64,
    /// The model.
    pub model: u64,
    /// The template answered.
    pub template: u64,
    /// Its kind (Safeguard or Audit).
    pub kind: TemplateKind,
    /// The runner.
    pub runner: PublicKey,
    /// What the runner said.
    pub claimed: Verdict,
    /// What counts: a fail if the runner says so or a red line fired.
    pub verdict: Verdict,
    /// Severity (raised to the standard's reject severity when a red line fired).
    pub severity: u8,
    /// Whether it was a live audit (full scaffolding).
    pub scaffolded: bool,
    /// Scores.
    pub scores: BoundedVec<Score, MAX_REPORT_SCORES_CODEC>,
    /// Digest of the full report.
    pub report_digest: Hash,
    /// Red lines that fired, `<template id>:<red line @id>`, sorted.
    pub violated: BoundedVec<BoundedString<96>, MAX_VIOLATED>,
    /// The standard version it was filed under.
    pub standard_version: u32,
    /// Height of filing.
    pub height: u64,
    /// Digest of the TEE evidence that came with it (runners bound to hardware).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_digest: Option<Hash>,
}
codec_struct!(Report {
    id,
    model,
    template,
    kind,
    runner,
    claimed,
    verdict,
    severity,
    scaffolded,
    scores,
    report_digest,
    violated,
    standard_version,
    height,
    evidence_digest
});

/// How a model is distributed (Model Documentation Form).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Not distributed.
    None,
    /// Through an API.
    Api,
    /// Weights released.
    Weights,
}
codec_unit_enum!(Access { 0 => None, 1 => Api, 2 => Weights });

/// An input or output modality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Modality {
    /// Text.
    Text,
    /// Images.
    Image,
    /// Audio.
    Audio,
    /// Video.
    Video,
    /// Anything else.
    Other,
}
codec_unit_enum!(Modality { 0 => Text, 1 => Image, 2 => Audio, 3 => Video, 4 => Other });

/// Where training data came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataProvenance {
    /// Web crawl.
    WebCrawl,
    /// Licensed.
    Licensed,
    /// User data.
    User,
    /// Public datasets.
    Public,
    /// Third-party annotation.
    Annotation,
    /// Synthetic.
    Synthetic,
    /// Anything else.
    Other,
}
codec_unit_enum!(DataProvenance { 0 => WebCrawl, 1 => Licensed, 2 => User, 3 => Public, 4 => Annotation, 5 => Synthetic, 6 => Other });

/// The machine-readable part of a model's documentation (EU AI Act Annex XI / Model
/// Documentation Form) that red lines read. Training compute is not declared here: the chain
/// takes the model's recorded planned training compute.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFactsDecl {
    /// Declared purpose as a slug (`legal-drafting`).
    pub purpose: Slug,
    /// Access level.
    pub access: Access,
    /// Parameter count.
    pub parameter_count: u64,
    /// Training energy, MWh.
    pub training_energy_mwh: u64,
    /// Context window, tokens.
    pub context_window_tokens: u64,
    /// Input modalities.
    pub input_modalities: BoundedVec<Modality, 8>,
    /// Output modalities.
    pub output_modalities: BoundedVec<Modality, 8>,
    /// Subject areas of the training data.
    pub data_domains: BoundedVec<Slug, MAX_FACT_ITEMS>,
    /// Provenance of the training data.
    pub data_provenance: BoundedVec<DataProvenance, 8>,
}
codec_struct!(ModelFactsDecl {
    purpose,
    access,
    parameter_count,
    training_energy_mwh,
    context_window_tokens,
    input_modalities,
    output_modalities,
    data_domains,
    data_provenance
});

/// `model.declare`: the owner lab declares a model's architecture template and documented
/// facts. Frozen once the first report about the model is filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclareModel {
    /// The model.
    pub model: u64,
    /// An Approved ModelArchitecture template.
    pub architecture: u64,
    /// The facts.
    pub facts: ModelFactsDecl,
}
codec_struct!(DeclareModel {
    model,
    architecture,
    facts
});

/// A secure-vault commitment: the failed output's encrypted blob and who may open it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VaultCommitment {
    /// Digest of the encrypted blob.
    pub blob: Hash,
    /// Keys that may open it (the system's audit runners), at least one.
    pub openers: BoundedVec<PublicKey, MAX_VAULT_OPENERS>,
}
codec_struct!(VaultCommitment { blob, openers });

/// Proposal action (Review): allow the lab of a Rejected model one restrictive post-train retry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AllowRetry {
    /// The Rejected model.
    pub model: u64,
    /// An Approved ModelArchitecture template the retry is bound to (the restrictive one).
    pub restrictive_template: u64,
    /// Where the failed output is held.
    pub vault: VaultCommitment,
}
codec_struct!(AllowRetry {
    model,
    restrictive_template,
    vault
});

/// A retry allowed by a Review vote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryGrant {
    /// The Rejected model.
    pub model: u64,
    /// The template the retry is bound to.
    pub restrictive_template: u64,
    /// The failed output's vault commitment.
    pub vault: VaultCommitment,
    /// The proposal that allowed it.
    pub proposal: u64,
    /// The retry model, once registered.
    pub retry: Option<u64>,
}
codec_struct!(RetryGrant {
    model,
    restrictive_template,
    vault,
    proposal,
    retry
});

/// `model.register_retry`: the lab registers the allowed retry, a post-train model whose parent
/// is the Rejected model, bound to the grant's restrictive template (Pending: a Review vote
/// approves its budgets as for any model).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRetry {
    /// The Rejected model.
    pub failed: u64,
    /// Container ID of the retry's starting checkpoint (not registered before).
    pub container_id: Hash,
    /// Documentation digest.
    pub documentation: Hash,
    /// Planned training compute, in compute units.
    pub planned_training_compute: u64,
}
codec_struct!(RegisterRetry {
    failed,
    container_id,
    documentation,
    planned_training_compute
});

/// A model's certification progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    /// The model.
    pub model: u64,
    /// Its ModelArchitecture template.
    pub architecture: u64,
    /// Its declared facts (`None` for a retry not yet declared).
    pub facts: Option<ModelFactsDecl>,
    /// True once a report was filed: the declaration is frozen.
    pub frozen: bool,
    /// True when the architecture was set by a retry grant (the lab may not change it).
    pub restricted: bool,
    /// The standard version it answers to (0: none yet).
    pub standard_version: u32,
    /// The passing report of each required template, by template id (sorted).
    pub passed: BoundedVec<PassedTemplate, 64>,
    /// When it was last certified.
    pub certified_height: Option<u64>,
    /// The report that rejected it.
    pub rejected_by: Option<u64>,
}
codec_struct!(Certification {
    model,
    architecture,
    facts,
    frozen,
    restricted,
    standard_version,
    passed,
    certified_height,
    rejected_by
});

/// A required template with its passing report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassedTemplate {
    /// The template.
    pub template: u64,
    /// The passing report.
    pub report: u64,
}
codec_struct!(PassedTemplate { template, report });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Encode, decode_slice};

    #[test]
    fn kinds_parse_and_rules_list_their_templates() {
        assert_eq!(
            "model-architecture".parse::<TemplateKind>().unwrap(),
            TemplateKind::ModelArchitecture
        );
        assert_eq!(
            "Audit".parse::<TemplateKind>().unwrap(),
            TemplateKind::Audit
        );
        assert!("policy".parse::<TemplateKind>().is_err());
        let rule = StandardRule {
            architecture: 1,
            tier: 2,
            scope: Scope::General,
            purpose: None,
            safeguards: BoundedVec::new(vec![4]).unwrap(),
            audits: BoundedVec::new(vec![3, 2]).unwrap(),
            live_audits: BoundedVec::new(vec![5, 2]).unwrap(),
        };
        assert_eq!(rule.required(), vec![2, 3, 4, 5]);
        assert_eq!(rule.before_live(), vec![2, 3, 4]);
        assert_eq!(decode_slice::<StandardRule>(&rule.encode()).unwrap(), rule);
    }
}
