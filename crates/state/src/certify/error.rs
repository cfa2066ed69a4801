use aigov_types::PublicKey;
use aigov_types::model::ModelStatus;

/// Why a runner, declaration, report or retry call or action failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum CertifyError {
    /// The sender is not Active Auditor personnel.
    #[error("only Active Auditor personnel may register report runners")]
    NotAuditor,
    /// The runner key is registered already.
    #[error("runner {0} is registered already")]
    DuplicateRunner(PublicKey),
    /// The binding is not an Active hardware or an auditor organisation.
    #[error("invalid runner binding: {0}")]
    InvalidBinding(&'static str),
    /// The sender is not a registered runner.
    #[error("account {0} is not a registered report runner")]
    UnknownRunner(PublicKey),
    /// The runner's binding no longer holds (hardware not Active).
    #[error("runner {0} is bound to hardware that is not Active")]
    RunnerInactive(PublicKey),
    /// A runner bound to hardware sent no TEE evidence.
    #[error("runner {0} is bound to hardware: its report needs TEE evidence binding the report")]
    EvidenceRequired(PublicKey),
    /// A runner of an auditor organisation sent evidence (it has no hardware to check it against).
    #[error("runner {0} belongs to an organisation, not hardware: its reports carry no evidence")]
    EvidenceUnexpected(PublicKey),
    /// The runner's hardware is bound to no template with reference values.
    #[error("the runner's hardware {0} has no Hardware template to check evidence against")]
    NoReference(u64),
    /// The evidence does not verify for this report.
    #[error("the report's TEE evidence does not verify: {0}")]
    InvalidEvidence(String),
    /// The runner belongs to the model's owner.
    #[error("runner {0} is bound to the model's own organisation")]
    RunnerConflict(PublicKey),
    /// The model has no declaration.
    #[error("model {0} has no declared architecture and facts (model.declare)")]
    NotDeclared(u64),
    /// The declaration is frozen (a report was filed).
    #[error("model {0}'s declaration is frozen: a report about it was filed")]
    DeclarationFrozen(u64),
    /// A declared fact is out of bounds.
    #[error("invalid fact: {0}")]
    InvalidFact(String),
    /// The model may not be certified in its phase or status.
    #[error(
        "model {model} is {status:?} at phase {phase}; reports need an inference model that is Pending, Approved or RenewalDue, or (safeguards only) a model Approved for or in training"
    )]
    NotCertifiable {
        /// The model.
        model: u64,
        /// Its status.
        status: ModelStatus,
        /// Its phase's name.
        phase: &'static str,
    },
    /// Only safeguards run on a model in training; audits wait for its output.
    #[error(
        "model {model} is in training: only safeguard reports are taken (template {template} is an audit; audit the output model)"
    )]
    TrainingSafeguardsOnly {
        /// The model.
        model: u64,
        /// The audit template.
        template: u64,
    },
    /// The model has no tier (nor its parent).
    #[error("model {0} has no tier: a Review vote must approve it (or its parent) first")]
    NoTier(u64),
    /// The standard has no rule for the model.
    #[error(
        "the standard (version {version}) has no rule for architecture {architecture}, tier {tier}, {scope}, purpose {purpose} (nor one for any purpose)"
    )]
    NoRule {
        /// The version.
        version: u32,
        /// The architecture template.
        architecture: u64,
        /// The tier.
        tier: u8,
        /// The scope.
        scope: &'static str,
        /// The model's declared purpose.
        purpose: aigov_types::Slug,
    },
    /// The template is not required for the model.
    #[error("template {template} is not required of model {model} by the standard")]
    NotRequired {
        /// The model.
        model: u64,
        /// The template.
        template: u64,
    },
    /// A live audit before every no-scaffolding audit and safeguard passed.
    #[error(
        "live audit {template} comes after every safeguard and no-scaffolding audit; still missing: {missing:?}"
    )]
    AuditOrder {
        /// The live audit.
        template: u64,
        /// What is missing.
        missing: Vec<u64>,
    },
    /// More scores than allowed.
    #[error("{count} scores, more than the {max} allowed")]
    TooManyScores {
        /// How many.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A score name repeats.
    #[error("score {0:?} appears twice")]
    DuplicateScore(String),
    /// The report's facts do not fit the policy engine's bounds.
    #[error("invalid report: {0}")]
    InvalidReport(String),
    /// Severity above 4.
    #[error("severity {0} is above 4")]
    InvalidSeverity(u8),
    /// The report digest was filed already.
    #[error("a report with this digest was filed already (report {0})")]
    DuplicateReport(u64),
    /// A retry was asked for a model not Rejected, or without a grant.
    #[error("model {0} has no unused retry grant")]
    NoRetryGrant(u64),
    /// The vault commitment names nobody.
    #[error("a vault commitment needs at least one opener")]
    NoVaultOpener,
    /// A grant exists already.
    #[error("model {0} already has a retry grant")]
    DuplicateRetry(u64),
    /// The certified list is full.
    #[error("the certified list holds its maximum of {0} models")]
    CertifiedListFull(usize),
}

impl CertifyError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            CertifyError::NotAuditor => "not_auditor",
            CertifyError::DuplicateRunner(_) => "duplicate_runner",
            CertifyError::InvalidBinding(_) => "invalid_runner_binding",
            CertifyError::UnknownRunner(_) => "unknown_runner",
            CertifyError::RunnerInactive(_) => "runner_inactive",
            CertifyError::EvidenceRequired(_) => "report_evidence_required",
            CertifyError::EvidenceUnexpected(_) => "report_evidence_unexpected",
            CertifyError::NoReference(_) => "runner_hardware_unbound",
            CertifyError::InvalidEvidence(_) => "report_evidence_invalid",
            CertifyError::RunnerConflict(_) => "runner_conflict",
            CertifyError::NotDeclared(_) => "model_not_declared",
            CertifyError::DeclarationFrozen(_) => "declaration_frozen",
            CertifyError::InvalidFact(_) => "invalid_fact",
            CertifyError::NotCertifiable { .. } => "model_not_certifiable",
            CertifyError::TrainingSafeguardsOnly { .. } => "safeguards_only_in_training",
            CertifyError::NoTier(_) => "model_without_tier",
            CertifyError::NoRule { .. } => "no_standard_rule",
            CertifyError::NotRequired { .. } => "template_not_required",
            CertifyError::AuditOrder { .. } => "audit_order",
            CertifyError::TooManyScores { .. } => "too_many_scores",
            CertifyError::DuplicateScore(_) => "duplicate_score",
            CertifyError::InvalidReport(_) => "invalid_report",
            CertifyError::InvalidSeverity(_) => "invalid_severity",
            CertifyError::DuplicateReport(_) => "duplicate_report",
            CertifyError::NoRetryGrant(_) => "no_retry_grant",
            CertifyError::NoVaultOpener => "no_vault_opener",
            CertifyError::DuplicateRetry(_) => "duplicate_retry",
            CertifyError::CertifiedListFull(_) => "certified_list_full",
        }
    }
}
