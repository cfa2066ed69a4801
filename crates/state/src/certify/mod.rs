//! Certification: report runners, model declarations, audit and safeguard reports evaluated
//! against the templates' red lines, the Certified / Rejected / RenewalDue transitions, and
//! retries after a rejection with a secure-vault commitment.
//!
//! - **Runners** (`report.register_runner`, a duty of Active **Auditor** personnel): a key bound
//!   to an Active hardware (a TEE runner) or to an auditor organisation (kind Auditor or
//!   SafetyOrg). Registration by Auditor personnel rather than by a Review vote keeps audits
//!   flowing; a runner is only as good as its binding, which is re-checked at every report
//!   (hardware still Active; never the model owner's organisation).
//! - **Declarations** (`model.declare`, the owner lab): the model's ModelArchitecture template
//!   and documented facts (Annex XI fields the red lines read). Training compute is the
//!   model's recorded planned compute, not a declared figure. Frozen once a report is filed.
//!   A retry, and every model derived from it, keeps the restrictive template of its grant.
//! - **Reports** (`report.submit`, by a registered runner, which pays): the model must be an
//!   inference model, Pending, Approved or RenewalDue, with a tier (its own or its parent's);
//!   the template must be required of it by the standard in force (rule for its architecture,
//!   tier and scope); live audits only once every safeguard and no-scaffolding audit of the rule
//!   has a passing report. The chain builds an [aigov_policy::Subject] from the lab, the model's
//!   record and declaration and the report, and evaluates the report's template and the
//!   model's architecture template for action `certify`: a red line that fires makes the report
//!   a Fail whatever the runner said, at no less than the standard's reject severity, and its
//!   ids are recorded. A report digest is filed once.
//! - **Transitions**: every required template passing → `Certified` (`ModelCertified`); a Fail at
//!   or above the reject severity → `Rejected` (`ModelRejected`); a lesser Fail cancels that
//!   template's earlier pass. A new standard version marks Certified models whose required set
//!   changed `RenewalDue`, keeping the passes of templates still required; new passing reports
//!   certify again.
//! - **Retries** (`allow_retry`, Review, owner recused): the Rejected model's lab may register
//!   one post-train retry (`model.register_retry`, Pending, parent = the rejected model) bound
//!   to a restrictive ModelArchitecture template; the grant records the failed output's vault
//!   commitment (encrypted blob digest and the keys that may open it).
//! - **Events**: `RunnerRegistered`, `ModelDeclared`, `AuditReportFiled`, `ModelCertified`,
//!   `ModelRejected`, `RenewalDue`, `RetryAllowed`, `RetryRegistered`, `ModelStatusChanged`.

mod error;
pub mod keys;

pub use error::CertifyError;

use crate::app::TxCtx;
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use crate::{hardware, models, personnel, standard, templates, workloads};
use aigov_policy as policy;
use aigov_types::codec::{BoundedString, BoundedVec};
use aigov_types::event::{
    Event, ModelCertified, ModelDeclared, ModelRejected, RenewalDue, RetryRegistered,
};
use aigov_types::hardware::HardwareStatus;
use aigov_types::model::{Model, ModelStatus, Phase, Scope};
use aigov_types::personnel::{OrganisationKind, Role};
use aigov_types::template::{
    AllowRetry, Certification, DeclareModel, MAX_REPORT_SCORES, ModelFactsDecl, PassedTemplate,
    RegisterRetry, RegisterRunner, Report, RetryGrant, Runner, RunnerBinding, SEVERITY_MAX,
    StandardVersion, SubmitReport, TemplateKind, Verdict,
};
use aigov_types::workload::HaltReason;
use aigov_types::{PublicKey, Slug};
use std::collections::BTreeSet;

/// Most models on the certified list. Renewal after a new standard visits each once, so this
/// bounds that work; certification beyond it fails with `certified_list_full`.
pub const MAX_CERTIFIED: usize = 4096;

type CertifiedList = BoundedVec<u64, MAX_CERTIFIED>;

/// Runner `key`.
pub async fn runner(s: &impl StateRead, key: &PublicKey) -> Result<Option<Runner>, StoreError> {
    get_typed(s, &keys::runner(key)).await
}

/// The certification record of model `id`.
pub async fn certification(
    s: &impl StateRead,
    id: u64,
) -> Result<Option<Certification>, StoreError> {
    get_typed(s, &keys::model(id)).await
}

/// Report `id`.
pub async fn report(s: &impl StateRead, id: u64) -> Result<Option<Report>, StoreError> {
    get_typed(s, &keys::report(id)).await
}

/// Number of reports (ids run from 1).
pub async fn report_count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::report_count())
        .await?
        .unwrap_or(0))
}

/// A page of reports in id order (`offset` 0 is id 1), and the total.
pub async fn report_page(
    s: &impl StateRead,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Report>, u64), StoreError> {
    let total = report_count(s).await?;
    let out = crate::store::page_by_id(s, total, offset, limit, keys::report).await?;
    Ok((out, total))
}

/// The models on the certified list (Certified when listed; pruned lazily).
pub async fn certified(s: &impl StateRead) -> Result<Vec<u64>, StoreError> {
    Ok(get_typed::<CertifiedList>(s, &keys::certified())
        .await?
        .map(|l| l.as_slice().to_vec())
        .unwrap_or_default())
}

/// The retry grant of Rejected model `id`.
pub async fn retry_grant(s: &impl StateRead, id: u64) -> Result<Option<RetryGrant>, StoreError> {
    get_typed(s, &keys::retry(id)).await
}

/// Writes the certified list; `false` when it is longer than [MAX_CERTIFIED].
fn put_certified<S: StateRead>(o: &mut Overlay<'_, S>, list: Vec<u64>) -> bool {
    match CertifiedList::new(list) {
        Some(list) => {
            o.put_typed(keys::certified(), &list);
            true
        }
        None => false,
    }
}

/// `report.register_runner`.
pub(crate) async fn register_runner<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &RegisterRunner,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let auditor = hardware::active_person(o, sender, now)
        .await?
        .filter(|p| p.roles.contains(Role::Auditor))
        .ok_or(CertifyError::NotAuditor)?;
    if runner(o, &call.key).await?.is_some() {
        return Err(CertifyError::DuplicateRunner(call.key.clone()).into());
    }
    match &call.binding {
        RunnerBinding::Hardware(h) => {
            let hw = hardware::hardware(o, *h)
                .await?
                .ok_or(CertifyError::InvalidBinding("no such hardware"))?;
            if hw.status != HardwareStatus::Active {
                return Err(CertifyError::InvalidBinding("the hardware is not Active").into());
            }
        }
        RunnerBinding::Organisation(org) => {
            let org = personnel::queries::organisation(o, org)
                .await?
                .ok_or(CertifyError::InvalidBinding("no such organisation"))?;
            if !matches!(
                org.kind,
                OrganisationKind::Auditor | OrganisationKind::SafetyOrg
            ) {
                return Err(CertifyError::InvalidBinding(
                    "the organisation is not an auditor or safety organisation",
                )
                .into());
            }
            if auditor.organisation.as_ref().is_some_and(|a| *a != org.id) {
                return Err(CertifyError::InvalidBinding(
                    "an auditor of one organisation cannot bind a runner to another",
                )
                .into());
            }
        }
    }
    let r = Runner {
        key: call.key.clone(),
        binding: call.binding.clone(),
        registered_by: sender.clone(),
        height: cx.block.height,
    };
    o.put_typed(keys::runner(&r.key), &r);
    cx.events.push(Event::RunnerRegistered(r));
    Ok(())
}

/// The tier the standard selects by: the model's, else its parent's.
async fn tier_of(s: &impl StateRead, m: &Model) -> Result<u8, CallError> {
    if let Some(t) = m.tier {
        return Ok(t);
    }
    if let Some(p) = m.parent
        && let Some(t) = models::model(s, p).await?.and_then(|p| p.tier)
    {
        return Ok(t);
    }
    Err(CertifyError::NoTier(m.id).into())
}

fn policy_phase(p: Phase) -> policy::Phase {
    match p {
        Phase::PreTrain => policy::Phase::PreTrain,
        Phase::PostTrain => policy::Phase::PostTrain,
        Phase::Inference => policy::Phase::Inference,
    }
}

fn scope_name(s: Scope) -> &'static str {
    match s {
        Scope::Narrow => "narrow",
        Scope::General => "general",
    }
}

/// The policy engine's subject for model `m` with declared `facts` (and a report, if any).
async fn subject(
    s: &impl StateRead,
    m: &Model,
    tier: u8,
    facts: &ModelFactsDecl,
    report: Option<policy::ReportFacts>,
) -> Result<policy::Subject, CallError> {
    use aigov_types::template::{Access, DataProvenance, Modality};
    let org = personnel::queries::organisation(s, &m.owner)
        .await?
        .ok_or_else(|| models::ModelError::UnknownOrganisation(m.owner.clone()))?;
    let modality = |x: &Modality| match x {
        Modality::Text => policy::Modality::Text,
        Modality::Image => policy::Modality::Image,
        Modality::Audio => policy::Modality::Audio,
        Modality::Video => policy::Modality::Video,
        Modality::Other => policy::Modality::Other,
    };
    let provenance = |x: &DataProvenance| match x {
        DataProvenance::WebCrawl => policy::Provenance::WebCrawl,
        DataProvenance::Licensed => policy::Provenance::Licensed,
        DataProvenance::User => policy::Provenance::User,
        DataProvenance::Public => policy::Provenance::Public,
        DataProvenance::Annotation => policy::Provenance::Annotation,
        DataProvenance::Synthetic => policy::Provenance::Synthetic,
        DataProvenance::Other => policy::Provenance::Other,
    };
    let subject = policy::Subject {
        lab: policy::LabFacts {
            id: org.id.to_string(),
            name: org.name.as_str().to_string(),
            jurisdiction: org.member.to_string(),
        },
        model: policy::ModelFacts {
            id: m.id.to_string(),
            name: m.name.as_str().to_string(),
            purpose: facts.purpose.to_string(),
            scope: match m.scope {
                Scope::Narrow => policy::Scope::Narrow,
                Scope::General => policy::Scope::General,
            },
            tier,
            phase: policy_phase(m.phase),
            access: match facts.access {
                Access::None => policy::Access::None,
                Access::Api => policy::Access::Api,
                Access::Weights => policy::Access::Weights,
            },
            parameter_count: facts.parameter_count,
            // Compute units are PFLOP (10^15 FLOP).
            training_compute_flop: u128::from(m.planned_training_compute)
                .saturating_mul(1_000_000_000_000_000),
            training_energy_mwh: facts.training_energy_mwh,
            context_window_tokens: facts.context_window_tokens,
            input_modalities: facts.input_modalities.iter().map(modality).collect(),
            output_modalities: facts.output_modalities.iter().map(modality).collect(),
            data_domains: facts.data_domains.iter().map(Slug::to_string).collect(),
            data_provenance: facts.data_provenance.iter().map(provenance).collect(),
        },
        report,
        workload: None,
        hardware: None,
    };
    subject
        .check()
        .map_err(|e| CertifyError::InvalidFact(e.to_string()))?;
    Ok(subject)
}

/// `model.declare`.
pub(crate) async fn declare<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &DeclareModel,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let m = models::get(o, call.model).await?;
    models::check_owner_personnel(o, sender, &m.owner, now).await?;
    if matches!(m.status, ModelStatus::Revoked | ModelStatus::Rejected) {
        return Err(models::ModelError::InvalidStatus {
            model: m.id,
            status: m.status,
            action: "model.declare",
            expected: "a status before certification",
        }
        .into());
    }
    let existing = certification(o, m.id).await?;
    // A retry, and what derives from it, stays bound to its restrictive template.
    let mut restricted_to = existing
        .as_ref()
        .filter(|c| c.restricted)
        .map(|c| c.architecture);
    if restricted_to.is_none()
        && let Some(p) = m.parent
    {
        restricted_to = certification(o, p)
            .await?
            .filter(|c| c.restricted)
            .map(|c| c.architecture);
    }
    if existing.as_ref().is_some_and(|c| c.frozen) {
        return Err(CertifyError::DeclarationFrozen(m.id).into());
    }
    if let Some(t) = restricted_to
        && t != call.architecture
    {
        return Err(CertifyError::InvalidFact(format!(
            "the model is bound to restrictive template {t}"
        ))
        .into());
    }
    templates::approved(
        o,
        call.architecture,
        &[TemplateKind::ModelArchitecture],
        "a model_architecture template",
        "model.declare",
    )
    .await?;
    // Checks every fact against the policy engine's bounds now, not at the first report.
    subject(o, &m, m.tier.unwrap_or(1), &call.facts, None).await?;
    let c = Certification {
        model: m.id,
        architecture: call.architecture,
        facts: Some(call.facts.clone()),
        frozen: false,
        restricted: restricted_to.is_some(),
        standard_version: 0,
        passed: BoundedVec::truncating(Vec::new()),
        certified_height: None,
        rejected_by: None,
    };
    o.put_typed(keys::model(m.id), &c);
    cx.events.push(Event::ModelDeclared(ModelDeclared {
        model: m.id,
        architecture: call.architecture,
    }));
    Ok(())
}

fn passed_set(c: &Certification) -> BTreeSet<u64> {
    c.passed.iter().map(|p| p.template).collect()
}

/// Keeps only the passes of templates in `required`.
fn keep_passes(c: &mut Certification, required: &[u64]) {
    let kept: Vec<PassedTemplate> = c
        .passed
        .iter()
        .filter(|p| required.contains(&p.template))
        .copied()
        .collect();
    c.passed = BoundedVec::truncating(kept);
}

/// The safeguards the standard in force requires of a declared model that have no passing
/// report yet: what stands between a training model and its compute (pre-safety). Empty for a
/// model that has not declared, or with no standard or no rule for it.
pub(crate) async fn pending_safeguards(
    s: &impl StateRead,
    m: &Model,
) -> Result<Vec<u64>, CallError> {
    let Some(c) = certification(s, m.id).await? else {
        return Ok(Vec::new());
    };
    let (Some(facts), Some(std)) = (&c.facts, standard::current(s).await?) else {
        return Ok(Vec::new());
    };
    let Ok(tier) = tier_of(s, m).await else {
        return Ok(Vec::new());
    };
    let Some(rule) = std.rule(c.architecture, tier, m.scope, Some(&facts.purpose)) else {
        return Ok(Vec::new());
    };
    let have = passed_set(&c);
    Ok(rule
        .safeguards
        .iter()
        .copied()
        .filter(|t| !have.contains(t))
        .collect())
}

/// Checks a TEE runner's evidence: made by its hardware (against the hardware's template) for
/// exactly this report ([SubmitReport::binding] as the nonce). Returns its digest.
async fn tee_evidence(
    s: &impl StateRead,
    hw: &aigov_types::hardware::Hardware,
    runner: &PublicKey,
    call: &SubmitReport,
    now_ms: u64,
) -> Result<aigov_types::Hash, CallError> {
    let evidence = call
        .evidence
        .as_ref()
        .ok_or_else(|| CertifyError::EvidenceRequired(runner.clone()))?;
    let reference = match hw.template {
        0 => None,
        t => templates::template(s, t).await?.and_then(|t| t.reference),
    }
    .ok_or(CertifyError::NoReference(hw.id))?;
    crate::integrity::verify(
        &hw.device_key,
        &call.binding(runner),
        &reference,
        evidence,
        now_ms,
    )
    .map_err(CertifyError::InvalidEvidence)?;
    Ok(crate::integrity::evidence_digest(evidence))
}

/// `report.submit`.
pub(crate) async fn submit<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &SubmitReport,
) -> Result<(), CallError> {
    let height = cx.block.height;
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let r = runner(o, sender)
        .await?
        .ok_or_else(|| CertifyError::UnknownRunner(sender.clone()))?;
    if call.severity > SEVERITY_MAX {
        return Err(CertifyError::InvalidSeverity(call.severity).into());
    }
    if call.scores.len() > MAX_REPORT_SCORES {
        return Err(CertifyError::TooManyScores {
            count: call.scores.len(),
            max: MAX_REPORT_SCORES,
        }
        .into());
    }
    let mut scores = std::collections::BTreeMap::new();
    for sc in call.scores.iter() {
        if scores
            .insert(sc.name.as_str().to_string(), sc.value)
            .is_some()
        {
            return Err(CertifyError::DuplicateScore(sc.name.as_str().to_string()).into());
        }
    }
    if let Some(id) = get_typed::<u64>(o, &keys::digest(&call.report_digest)).await? {
        return Err(CertifyError::DuplicateReport(id).into());
    }
    let mut m = models::get(o, call.model).await?;
    let evidence_digest = match &r.binding {
        RunnerBinding::Hardware(h) => {
            let hw = hardware::hardware(o, *h).await?;
            let hw = match hw {
                Some(hw) if hw.status == HardwareStatus::Active => hw,
                _ => return Err(CertifyError::RunnerInactive(sender.clone()).into()),
            };
            if hw.operator == m.owner {
                return Err(CertifyError::RunnerConflict(sender.clone()).into());
            }
            Some(tee_evidence(o, &hw, sender, call, now).await?)
        }
        RunnerBinding::Organisation(org) => {
            if *org == m.owner {
                return Err(CertifyError::RunnerConflict(sender.clone()).into());
            }
            if call.evidence.is_some() {
                return Err(CertifyError::EvidenceUnexpected(sender.clone()).into());
            }
            None
        }
    };
    let certifiable = m.phase == Phase::Inference
        && matches!(
            m.status,
            ModelStatus::Pending | ModelStatus::Approved | ModelStatus::RenewalDue
        );
    // A model approved for training, or training: its safeguards (pre-safety, and during its
    // runs) take reports too; a severe failure halts its runs.
    let training = m.phase != Phase::Inference
        && matches!(m.status, ModelStatus::Approved | ModelStatus::Training);
    if !certifiable && !training {
        return Err(CertifyError::NotCertifiable {
            model: m.id,
            status: m.status,
            phase: m.phase.name(),
        }
        .into());
    }
    let mut c = certification(o, m.id)
        .await?
        .ok_or(CertifyError::NotDeclared(m.id))?;
    let facts = c.facts.clone().ok_or(CertifyError::NotDeclared(m.id))?;
    let tier = tier_of(o, &m).await?;
    let std = standard::current(o)
        .await?
        .ok_or(standard::StandardError::NoStandard)?;
    let rule = std
        .rule(c.architecture, tier, m.scope, Some(&facts.purpose))
        .ok_or_else(|| CertifyError::NoRule {
            version: std.version,
            architecture: c.architecture,
            tier,
            scope: scope_name(m.scope),
            purpose: facts.purpose.clone(),
        })?
        .clone();
    let t = templates::approved(
        o,
        call.template,
        &[TemplateKind::Safeguard, TemplateKind::Audit],
        "a safeguard or audit template",
        "report.submit",
    )
    .await?;
    if training && t.kind != TemplateKind::Safeguard {
        return Err(CertifyError::TrainingSafeguardsOnly {
            model: m.id,
            template: t.id,
        }
        .into());
    }
    let required = rule.required();
    if !required.contains(&call.template) {
        return Err(CertifyError::NotRequired {
            model: m.id,
            template: call.template,
        }
        .into());
    }
    if c.standard_version != std.version {
        keep_passes(&mut c, &required);
        c.standard_version = std.version;
    }
    let live = rule.live_audits.iter().any(|x| *x == call.template)
        && !rule.before_live().contains(&call.template);
    if live {
        let have = passed_set(&c);
        let missing: Vec<u64> = rule
            .before_live()
            .into_iter()
            .filter(|x| !have.contains(x))
            .collect();
        if !missing.is_empty() {
            return Err(CertifyError::AuditOrder {
                template: call.template,
                missing,
            }
            .into());
        }
    }
    // Evaluate the report's template and the model's architecture template.
    let id = report_count(o).await?.saturating_add(1);
    let facts_report = policy::ReportFacts {
        id: id.to_string(),
        template: t.id.to_string(),
        kind: if t.kind == TemplateKind::Safeguard {
            policy::ReportKind::Safeguard
        } else {
            policy::ReportKind::Audit
        },
        result: match call.result {
            Verdict::Pass => policy::ReportResult::Pass,
            Verdict::Fail => policy::ReportResult::Fail,
        },
        severity: call.severity,
        scaffolded: live,
        scores,
    };
    let subj = subject(o, &m, tier, &facts, Some(facts_report))
        .await
        .map_err(|e| match e {
            CallError::Tx(crate::TxError::Certify(CertifyError::InvalidFact(msg))) => {
                CertifyError::InvalidReport(msg).into()
            }
            other => other,
        })?;
    let arch = templates::get(o, c.architecture).await?;
    let mut violated = Vec::new();
    for tpl in [&t, &arch] {
        let compiled = templates::compile(tpl)?;
        let decision = compiled
            .evaluate(&subj, policy::Action::Certify)
            .map_err(|e| CertifyError::InvalidReport(e.to_string()))?;
        for v in decision.violated {
            violated.extend(BoundedString::<96>::new(format!("{}:{v}", tpl.id)));
        }
    }
    violated.sort();
    violated.dedup();
    let fired = !violated.is_empty();
    let verdict = if fired || call.result == Verdict::Fail {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    let severity = if fired {
        call.severity.max(std.reject_severity)
    } else {
        call.severity
    };
    let rep = Report {
        id,
        model: m.id,
        template: t.id,
        kind: t.kind,
        runner: sender.clone(),
        claimed: call.result,
        verdict,
        severity,
        scaffolded: live,
        scores: call.scores.clone(),
        report_digest: call.report_digest,
        violated: BoundedVec::truncating(violated),
        standard_version: std.version,
        height,
        evidence_digest,
    };
    o.put_typed(keys::report(id), &rep);
    o.put_typed(keys::report_count(), &id);
    o.put_typed(keys::digest(&call.report_digest), &id);
    cx.events.push(Event::AuditReportFiled(rep));
    c.frozen = true;
    let mut passed: Vec<PassedTemplate> = c
        .passed
        .iter()
        .filter(|p| p.template != t.id)
        .copied()
        .collect();
    if verdict == Verdict::Pass {
        passed.push(PassedTemplate {
            template: t.id,
            report: id,
        });
        passed.sort_by_key(|p| p.template);
    }
    c.passed = BoundedVec::truncating(passed);
    if training {
        // No certification for a model in training; a safeguard failing at or above the
        // standard's reject severity cancels its compute: every running run halts now, and
        // the drip with it.
        if verdict == Verdict::Fail && severity >= std.reject_severity {
            for run in workloads::runs_of_model(o, m.id).await? {
                workloads::halt(o, &mut cx.events, run, HaltReason::FailedSafeguard).await?;
            }
        }
        o.put_typed(keys::model(m.id), &c);
        return Ok(());
    }
    if verdict == Verdict::Fail && severity >= std.reject_severity {
        c.rejected_by = Some(id);
        models::set_status(
            &mut m,
            &mut cx.events,
            ModelStatus::Rejected,
            "post-safety report failed",
        );
        cx.events.push(Event::ModelRejected(ModelRejected {
            model: m.id,
            report: id,
            severity,
        }));
    } else if required.iter().all(|x| passed_set(&c).contains(x)) {
        c.certified_height = Some(height);
        c.rejected_by = None;
        models::set_status(
            &mut m,
            &mut cx.events,
            ModelStatus::Certified,
            "every required report passed",
        );
        cx.events.push(Event::ModelCertified(ModelCertified {
            model: m.id,
            standard_version: std.version,
            reports: BoundedVec::truncating(c.passed.iter().map(|p| p.report).collect()),
        }));
        let mut list = certified(o).await?;
        if let Err(at) = list.binary_search(&m.id) {
            list.insert(at, m.id);
        }
        if !put_certified(o, list) {
            return Err(CertifyError::CertifiedListFull(MAX_CERTIFIED).into());
        }
    }
    o.put_typed(keys::model(m.id), &c);
    models::put(o, &m);
    Ok(())
}

/// After a new standard version: every Certified model whose required set changed becomes
/// RenewalDue. Visits the certified list once (at most [MAX_CERTIFIED] models) and prunes the
/// models that are no longer Certified.
pub(crate) async fn on_new_standard<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    previous: Option<&StandardVersion>,
    new: &StandardVersion,
) -> Result<(), CallError> {
    let mut still = Vec::new();
    for id in certified(o).await? {
        let Some(mut m) = models::model(o, id).await? else {
            continue;
        };
        if m.status != ModelStatus::Certified {
            continue;
        }
        let Some(mut c) = certification(o, id).await? else {
            continue;
        };
        let tier = tier_of(o, &m).await?;
        let purpose = c.facts.as_ref().map(|f| &f.purpose);
        let old: Vec<u64> = previous
            .and_then(|p| p.rule(c.architecture, tier, m.scope, purpose))
            .map(|r| r.required())
            .unwrap_or_default();
        let now: Vec<u64> = new
            .rule(c.architecture, tier, m.scope, purpose)
            .map(|r| r.required())
            .unwrap_or_default();
        let from_version = c.standard_version;
        c.standard_version = new.version;
        if old == now {
            still.push(id);
            o.put_typed(keys::model(id), &c);
            continue;
        }
        keep_passes(&mut c, &now);
        let have = passed_set(&c);
        let missing: Vec<u64> = now.into_iter().filter(|x| !have.contains(x)).collect();
        if missing.is_empty() {
            // Fewer requirements, all already passed: still certified, nothing to re-audit.
            still.push(id);
            o.put_typed(keys::model(id), &c);
            continue;
        }
        models::set_status(
            &mut m,
            events,
            ModelStatus::RenewalDue,
            "the safety standard changed",
        );
        events.push(Event::RenewalDue(RenewalDue {
            model: id,
            from_version,
            to_version: new.version,
            missing: BoundedVec::truncating(missing),
        }));
        o.put_typed(keys::model(id), &c);
        models::put(o, &m);
    }
    if !put_certified(o, still) {
        return Err(CertifyError::CertifiedListFull(MAX_CERTIFIED).into());
    }
    Ok(())
}

/// Checks `allow_retry`.
pub(crate) async fn check_allow_retry(s: &impl StateRead, a: &AllowRetry) -> Result<(), CallError> {
    let m = models::get(s, a.model).await?;
    if m.status != ModelStatus::Rejected {
        return Err(models::ModelError::InvalidStatus {
            model: m.id,
            status: m.status,
            action: "allow_retry",
            expected: "Rejected",
        }
        .into());
    }
    if retry_grant(s, m.id).await?.is_some() {
        return Err(CertifyError::DuplicateRetry(m.id).into());
    }
    if a.vault.openers.is_empty() {
        return Err(CertifyError::NoVaultOpener.into());
    }
    templates::approved(
        s,
        a.restrictive_template,
        &[TemplateKind::ModelArchitecture],
        "a model_architecture template",
        "allow_retry",
    )
    .await?;
    Ok(())
}

/// Action `allow_retry`.
pub(crate) async fn allow_retry<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &AllowRetry,
    proposal: u64,
) -> Result<(), CallError> {
    check_allow_retry(o, a).await?;
    let g = RetryGrant {
        model: a.model,
        restrictive_template: a.restrictive_template,
        vault: a.vault.clone(),
        proposal,
        retry: None,
    };
    o.put_typed(keys::retry(a.model), &g);
    events.push(Event::RetryAllowed(g));
    Ok(())
}

/// `model.register_retry`.
pub(crate) async fn register_retry<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &RegisterRetry,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let o = &mut cx.overlay;
    let failed = models::get(o, call.failed).await?;
    models::check_owner_personnel(o, sender, &failed.owner, now).await?;
    let mut grant = retry_grant(o, failed.id)
        .await?
        .filter(|g| g.retry.is_none() && failed.status == ModelStatus::Rejected)
        .ok_or(CertifyError::NoRetryGrant(failed.id))?;
    if let Some(id) = models::by_container(o, &call.container_id).await? {
        return Err(models::ModelError::DuplicateContainer(id).into());
    }
    let m = Model {
        id: 0,
        owner: failed.owner.clone(),
        name: failed.name.clone(),
        purpose: failed.purpose.clone(),
        scope: failed.scope,
        phase: Phase::PostTrain,
        parent: Some(failed.id),
        container_id: call.container_id,
        documentation: call.documentation,
        planned_training_compute: call.planned_training_compute,
        tier: None,
        budgets: Default::default(),
        committed: Default::default(),
        status: ModelStatus::Pending,
        provenance: None,
        registered_by: sender.clone(),
        registered_height: cx.block.height,
    };
    let id = models::insert(o, &mut cx.events, m).await?;
    let facts = certification(o, failed.id).await?.and_then(|c| c.facts);
    let c = Certification {
        model: id,
        architecture: grant.restrictive_template,
        facts,
        frozen: false,
        restricted: true,
        standard_version: 0,
        passed: BoundedVec::truncating(Vec::new()),
        certified_height: None,
        rejected_by: None,
    };
    o.put_typed(keys::model(id), &c);
    grant.retry = Some(id);
    o.put_typed(keys::retry(failed.id), &grant);
    cx.events.push(Event::RetryRegistered(RetryRegistered {
        failed: failed.id,
        model: id,
        restrictive_template: grant.restrictive_template,
        vault: grant.vault,
    }));
    Ok(())
}

/// The organisation whose personnel are recused from `allow_retry` on model `id`.
pub(crate) async fn owner_of(s: &impl StateRead, id: u64) -> Result<Option<Slug>, StoreError> {
    models::owner_of(s, id).await
}
