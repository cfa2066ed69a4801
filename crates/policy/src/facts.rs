//! The typed facts a template is evaluated on, and how they become Cedar entities.
//!
//! Nothing reaches Cedar but these structs: every string is bounded and every enumeration is a
//! Rust enum, so the schema's lower-case string values can only be the listed ones, and no
//! free-form JSON from a user is handed to the engine.

use std::collections::{BTreeMap, BTreeSet};

use cedar_policy::{EntityId, EntityTypeName, EntityUid, RestrictedExpression};
use serde::{Deserialize, Serialize};

use crate::error::PolicyError;

/// Longest string fact, in bytes.
pub const MAX_FACT_STRING_BYTES: usize = 128;
/// Most items in one set fact (`data_domains`, modalities, provenance).
pub const MAX_FACT_SET_ITEMS: usize = 32;
/// Most benchmark scores in one report.
pub const MAX_SCORES: usize = 128;

/// What a template decides about. Every action has the same principal (the lab) and resource
/// (the model), so a red line on the model reads the same under every action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Certify an inference model from an audit report; needs [`Subject::report`].
    Certify,
    /// Serve a certified model on a hardware; needs [`Subject::report`] and
    /// [`Subject::hardware`].
    Deploy,
    /// Start a training workload; needs [`Subject::workload`].
    Train,
    /// Run a workload on one hardware; needs [`Subject::workload`] and [`Subject::hardware`].
    RunWorkload,
}

impl Action {
    /// Every action, in schema order.
    pub const ALL: [Action; 4] = [
        Action::Certify,
        Action::Deploy,
        Action::Train,
        Action::RunWorkload,
    ];

    /// The Cedar action id: `Aigov::Action::"<name>"`.
    pub fn name(self) -> &'static str {
        match self {
            Action::Certify => "certify",
            Action::Deploy => "deploy",
            Action::Train => "train",
            Action::RunWorkload => "run_workload",
        }
    }

    /// The action whose Cedar id is `name`.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Declares a fieldless enum whose values are the schema's lower-case strings.
macro_rules! string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            /// The string Cedar sees.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
    };
}

string_enum!(
    /// Whether a model is built for one declared purpose or for general use.
    Scope {
        /// One declared purpose; out-of-domain capability is what its red lines watch.
        Narrow => "narrow",
        /// General purpose; capability limits apply.
        General => "general",
    }
);

string_enum!(
    /// A model's or a workload's phase; budgets are kept per phase.
    Phase {
        /// Pre-training.
        PreTrain => "pretrain",
        /// Post-training (fine-tuning, RL).
        PostTrain => "posttrain",
        /// Inference.
        Inference => "inference",
    }
);

string_enum!(
    /// How a model is distributed (Model Documentation Form, "access level").
    Access {
        /// Not distributed.
        None => "none",
        /// Through an API.
        Api => "api",
        /// Weights released.
        Weights => "weights",
    }
);

string_enum!(
    /// An input or output modality (Model Documentation Form).
    Modality {
        /// Text.
        Text => "text",
        /// Images.
        Image => "image",
        /// Audio.
        Audio => "audio",
        /// Video.
        Video => "video",
        /// Anything else.
        Other => "other",
    }
);

string_enum!(
    /// Where training data came from (Model Documentation Form, "provenance").
    Provenance {
        /// Web crawl.
        WebCrawl => "web_crawl",
        /// Licensed from a third party.
        Licensed => "licensed",
        /// User data.
        User => "user",
        /// Publicly available datasets.
        Public => "public",
        /// Third-party annotation.
        Annotation => "annotation",
        /// Synthetic data.
        Synthetic => "synthetic",
        /// Anything else.
        Other => "other",
    }
);

string_enum!(
    /// Whether a report answers a safeguard or an audit template.
    ReportKind {
        /// A safeguard (checked before and during workloads).
        Safeguard => "safeguard",
        /// An audit (checked before certification).
        Audit => "audit",
    }
);

string_enum!(
    /// A report's verdict.
    ReportResult {
        /// Passed.
        Pass => "pass",
        /// Failed.
        Fail => "fail",
    }
);

/// The organisation accountable for the model: the request's principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabFacts {
    /// Registry id; the Cedar entity id.
    pub id: String,
    /// Registered name.
    pub name: String,
    /// Jurisdiction of registration, ISO 3166-1 alpha-2 lower case.
    pub jurisdiction: String,
}

/// A registered model: the request's resource. Fields follow the model registry and the EU AI
/// Act documentation that labs already write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFacts {
    /// Registry id; the Cedar entity id.
    pub id: String,
    /// Model name.
    pub name: String,
    /// Declared purpose, a slug.
    pub purpose: String,
    /// Narrow or general.
    pub scope: Scope,
    /// Tier assigned by the Review vote.
    pub tier: u8,
    /// Current phase.
    pub phase: Phase,
    /// Distribution access level.
    pub access: Access,
    /// Parameter count.
    pub parameter_count: u64,
    /// Cumulative training compute of the model and its lineage, planned or measured, in FLOP.
    /// Cedar sees it as `training_compute_pflop` (floor, saturating) and `training_compute_log10`.
    pub training_compute_flop: u128,
    /// Training energy, MWh.
    pub training_energy_mwh: u64,
    /// Context window, tokens.
    pub context_window_tokens: u64,
    /// Input modalities.
    pub input_modalities: BTreeSet<Modality>,
    /// Output modalities.
    pub output_modalities: BTreeSet<Modality>,
    /// Subject areas of the training data, slugs (`cbrn`, `biology`, `code`).
    pub data_domains: BTreeSet<String>,
    /// Provenance of the training data.
    pub data_provenance: BTreeSet<Provenance>,
}

/// A registered hardware a run is placed on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardwareFacts {
    /// Registry id; the Cedar entity id.
    pub id: String,
    /// Accelerator kind, a slug.
    pub accelerator: String,
    /// Declared region, ISO 3166-1 alpha-2 lower case.
    pub region: String,
    /// Number of devices.
    pub device_count: u64,
    /// Runs inside a TEE, sealed.
    pub tee: bool,
    /// The last integrity challenge passed and none is overdue.
    pub attested: bool,
    /// Approved compute budget, PFLOP.
    pub compute_budget_pflop: u64,
    /// Memory, GiB.
    pub memory_gib: u64,
}

/// A workload of the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadFacts {
    /// Registry id; the Cedar entity id.
    pub id: String,
    /// The phase the lab declared.
    pub declared_phase: Phase,
    /// The phase the classifier detected from telemetry, if any yet (`"unknown"` otherwise).
    pub detected_phase: Option<Phase>,
    /// The classifier's confidence in basis points, at most 10 000.
    pub phase_confidence_bp: u16,
    /// Total budget, PFLOP.
    pub budget_pflop: u64,
    /// Used so far, PFLOP.
    pub used_pflop: u64,
}

/// A signed safeguard or audit report about the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportFacts {
    /// Report id; the Cedar entity id.
    pub id: String,
    /// Id of the safeguard or audit template answered.
    pub template: String,
    /// Safeguard or audit.
    pub kind: ReportKind,
    /// Pass or fail.
    pub result: ReportResult,
    /// Severity, 0 (informational) to 4 (critical).
    pub severity: u8,
    /// Whether the evaluation ran with full scaffolding.
    pub scaffolded: bool,
    /// Benchmark scores by name (a slug), in each benchmark's integer unit (basis points for
    /// rates). Cedar sees them as the report's tags.
    pub scores: BTreeMap<String, i64>,
}

/// Everything one evaluation may read. Which optional parts are required depends on the
/// [`Action`]; parts an action does not use are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// The principal.
    pub lab: LabFacts,
    /// The resource.
    pub model: ModelFacts,
    /// For `certify` and `deploy`.
    pub report: Option<ReportFacts>,
    /// For `train` and `run_workload`.
    pub workload: Option<WorkloadFacts>,
    /// For `deploy` and `run_workload`.
    pub hardware: Option<HardwareFacts>,
}

/// Cedar entity type names, parsed once.
pub(crate) struct TypeNames {
    pub lab: EntityTypeName,
    pub model: EntityTypeName,
    pub hardware: EntityTypeName,
    pub workload: EntityTypeName,
    pub report: EntityTypeName,
    pub action: EntityTypeName,
}

/// One Cedar entity to be: its uid, attributes and tags.
pub(crate) struct EntityParts {
    pub uid: EntityUid,
    pub attrs: Vec<(String, RestrictedExpression)>,
    pub tags: Vec<(String, RestrictedExpression)>,
}

fn check_string(field: &'static str, value: &str) -> Result<(), PolicyError> {
    if value.len() > MAX_FACT_STRING_BYTES {
        return Err(PolicyError::BadFact {
            field,
            reason: format!(
                "{} bytes, more than the {MAX_FACT_STRING_BYTES} allowed",
                value.len()
            ),
        });
    }
    Ok(())
}

/// Slugs name things templates compare with literals: `[a-z0-9][a-z0-9_.-]*`, bounded.
fn check_slug(field: &'static str, value: &str) -> Result<(), PolicyError> {
    check_string(field, value)?;
    let mut bytes = value.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !first_ok
        || !bytes.all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-' || b == b'.'
        })
    {
        return Err(PolicyError::BadFact {
            field,
            reason: format!("{value:?} is not a slug ([a-z0-9][a-z0-9_.-]*)"),
        });
    }
    Ok(())
}

fn check_set_len(field: &'static str, len: usize) -> Result<(), PolicyError> {
    if len > MAX_FACT_SET_ITEMS {
        return Err(PolicyError::BadFact {
            field,
            reason: format!("{len} items, more than the {MAX_FACT_SET_ITEMS} allowed"),
        });
    }
    Ok(())
}

fn long(field: &'static str, value: u64) -> Result<RestrictedExpression, PolicyError> {
    let value = i64::try_from(value).map_err(|_| PolicyError::BadFact {
        field,
        reason: format!("{value} does not fit Cedar's 64-bit signed integer"),
    })?;
    Ok(RestrictedExpression::new_long(value))
}

fn string(value: &str) -> RestrictedExpression {
    RestrictedExpression::new_string(value.to_owned())
}

fn set_of<'a>(items: impl IntoIterator<Item = &'a str>) -> RestrictedExpression {
    RestrictedExpression::new_set(items.into_iter().map(string))
}

fn uid(type_name: &EntityTypeName, id: &str) -> EntityUid {
    EntityUid::from_type_name_and_id(type_name.clone(), EntityId::new(id))
}

/// PFLOP (10^15 FLOP, rounded down) as a Cedar Long, saturating at `i64::MAX`.
pub fn pflop_of_flop(flop: u128) -> i64 {
    i64::try_from(flop / 1_000_000_000_000_000).unwrap_or(i64::MAX)
}

/// `floor(log10(flop))`, computed on integers; 0 for 0 and for values below 10.
pub fn log10_of_flop(flop: u128) -> i64 {
    // u128::ilog10 is exact integer arithmetic; at most 38.
    flop.checked_ilog10().map_or(0, i64::from)
}

impl LabFacts {
    fn check(&self) -> Result<(), PolicyError> {
        check_string("lab.id", &self.id)?;
        check_string("lab.name", &self.name)?;
        check_slug("lab.jurisdiction", &self.jurisdiction)
    }

    pub(crate) fn entity(&self, types: &TypeNames) -> EntityParts {
        EntityParts {
            uid: uid(&types.lab, &self.id),
            attrs: vec![
                ("name".into(), string(&self.name)),
                ("jurisdiction".into(), string(&self.jurisdiction)),
            ],
            tags: Vec::new(),
        }
    }
}

impl ModelFacts {
    fn check(&self) -> Result<(), PolicyError> {
        check_string("model.id", &self.id)?;
        check_string("model.name", &self.name)?;
        check_slug("model.purpose", &self.purpose)?;
        check_set_len("model.input_modalities", self.input_modalities.len())?;
        check_set_len("model.output_modalities", self.output_modalities.len())?;
        check_set_len("model.data_domains", self.data_domains.len())?;
        check_set_len("model.data_provenance", self.data_provenance.len())?;
        for domain in &self.data_domains {
            check_slug("model.data_domains", domain)?;
        }
        Ok(())
    }

    pub(crate) fn entity(&self, types: &TypeNames) -> Result<EntityParts, PolicyError> {
        let attrs = vec![
            ("name".into(), string(&self.name)),
            ("purpose".into(), string(&self.purpose)),
            ("scope".into(), string(self.scope.as_str())),
            (
                "tier".into(),
                RestrictedExpression::new_long(self.tier.into()),
            ),
            ("phase".into(), string(self.phase.as_str())),
            ("access".into(), string(self.access.as_str())),
            (
                "parameter_count".into(),
                long("model.parameter_count", self.parameter_count)?,
            ),
            (
                "training_compute_pflop".into(),
                RestrictedExpression::new_long(pflop_of_flop(self.training_compute_flop)),
            ),
            (
                "training_compute_log10".into(),
                RestrictedExpression::new_long(log10_of_flop(self.training_compute_flop)),
            ),
            (
                "training_energy_mwh".into(),
                long("model.training_energy_mwh", self.training_energy_mwh)?,
            ),
            (
                "context_window_tokens".into(),
                long("model.context_window_tokens", self.context_window_tokens)?,
            ),
            (
                "input_modalities".into(),
                set_of(self.input_modalities.iter().map(|m| m.as_str())),
            ),
            (
                "output_modalities".into(),
                set_of(self.output_modalities.iter().map(|m| m.as_str())),
            ),
            (
                "data_domains".into(),
                set_of(self.data_domains.iter().map(String::as_str)),
            ),
            (
                "data_provenance".into(),
                set_of(self.data_provenance.iter().map(|p| p.as_str())),
            ),
        ];
        Ok(EntityParts {
            uid: uid(&types.model, &self.id),
            attrs,
            tags: Vec::new(),
        })
    }
}

impl HardwareFacts {
    fn check(&self) -> Result<(), PolicyError> {
        check_string("hardware.id", &self.id)?;
        check_slug("hardware.accelerator", &self.accelerator)?;
        check_slug("hardware.region", &self.region)
    }

    pub(crate) fn entity(&self, types: &TypeNames) -> Result<EntityParts, PolicyError> {
        Ok(EntityParts {
            uid: uid(&types.hardware, &self.id),
            attrs: vec![
                ("accelerator".into(), string(&self.accelerator)),
                ("region".into(), string(&self.region)),
                (
                    "device_count".into(),
                    long("hardware.device_count", self.device_count)?,
                ),
                ("tee".into(), RestrictedExpression::new_bool(self.tee)),
                (
                    "attested".into(),
                    RestrictedExpression::new_bool(self.attested),
                ),
                (
                    "compute_budget_pflop".into(),
                    long("hardware.compute_budget_pflop", self.compute_budget_pflop)?,
                ),
                (
                    "memory_gib".into(),
                    long("hardware.memory_gib", self.memory_gib)?,
                ),
            ],
            tags: Vec::new(),
        })
    }
}

impl WorkloadFacts {
    fn check(&self) -> Result<(), PolicyError> {
        check_string("workload.id", &self.id)?;
        if self.phase_confidence_bp > 10_000 {
            return Err(PolicyError::BadFact {
                field: "workload.phase_confidence_bp",
                reason: format!("{} is more than 10000", self.phase_confidence_bp),
            });
        }
        Ok(())
    }

    pub(crate) fn entity(&self, types: &TypeNames) -> Result<EntityParts, PolicyError> {
        Ok(EntityParts {
            uid: uid(&types.workload, &self.id),
            attrs: vec![
                (
                    "declared_phase".into(),
                    string(self.declared_phase.as_str()),
                ),
                (
                    "detected_phase".into(),
                    string(self.detected_phase.map_or("unknown", Phase::as_str)),
                ),
                (
                    "phase_confidence_bp".into(),
                    RestrictedExpression::new_long(self.phase_confidence_bp.into()),
                ),
                (
                    "budget_pflop".into(),
                    long("workload.budget_pflop", self.budget_pflop)?,
                ),
                (
                    "used_pflop".into(),
                    long("workload.used_pflop", self.used_pflop)?,
                ),
            ],
            tags: Vec::new(),
        })
    }
}

impl ReportFacts {
    fn check(&self) -> Result<(), PolicyError> {
        check_string("report.id", &self.id)?;
        check_string("report.template", &self.template)?;
        if self.severity > 4 {
            return Err(PolicyError::BadFact {
                field: "report.severity",
                reason: format!("{} is more than 4", self.severity),
            });
        }
        if self.scores.len() > MAX_SCORES {
            return Err(PolicyError::BadFact {
                field: "report.scores",
                reason: format!(
                    "{} scores, more than the {MAX_SCORES} allowed",
                    self.scores.len()
                ),
            });
        }
        for name in self.scores.keys() {
            check_slug("report.scores", name)?;
        }
        Ok(())
    }

    pub(crate) fn entity(&self, types: &TypeNames) -> EntityParts {
        EntityParts {
            uid: uid(&types.report, &self.id),
            attrs: vec![
                ("template".into(), string(&self.template)),
                ("kind".into(), string(self.kind.as_str())),
                ("result".into(), string(self.result.as_str())),
                (
                    "severity".into(),
                    RestrictedExpression::new_long(self.severity.into()),
                ),
                (
                    "scaffolded".into(),
                    RestrictedExpression::new_bool(self.scaffolded),
                ),
            ],
            tags: self
                .scores
                .iter()
                .map(|(name, score)| (name.clone(), RestrictedExpression::new_long(*score)))
                .collect(),
        }
    }
}

impl Subject {
    /// Checks every bound. Evaluation calls it; it is public so a state machine can refuse a
    /// malformed subject at the edge, before any template runs.
    pub fn check(&self) -> Result<(), PolicyError> {
        self.lab.check()?;
        self.model.check()?;
        if let Some(report) = &self.report {
            report.check()?;
        }
        if let Some(workload) = &self.workload {
            workload.check()?;
        }
        if let Some(hardware) = &self.hardware {
            hardware.check()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compute_conversions_are_exact_integers() {
        assert_eq!(pflop_of_flop(0), 0);
        assert_eq!(pflop_of_flop(999_999_999_999_999), 0);
        assert_eq!(pflop_of_flop(10u128.pow(25)), 10_000_000_000);
        assert_eq!(pflop_of_flop(u128::MAX), i64::MAX);
        assert_eq!(log10_of_flop(0), 0);
        assert_eq!(log10_of_flop(9), 0);
        assert_eq!(log10_of_flop(10u128.pow(25)), 25);
        assert_eq!(log10_of_flop(10u128.pow(25) - 1), 24);
        assert_eq!(log10_of_flop(99 * 10u128.pow(24)), 25);
    }

    #[test]
    fn slugs_are_checked() {
        assert!(check_slug("f", "cbrn").is_ok());
        assert!(check_slug("f", "bio_uplift-v2.1").is_ok());
        assert!(check_slug("f", "").is_err());
        assert!(check_slug("f", "CBRN").is_err());
        assert!(check_slug("f", "_x").is_err());
        assert!(check_slug("f", "a b").is_err());
        assert!(check_slug("f", &"a".repeat(MAX_FACT_STRING_BYTES + 1)).is_err());
    }

    #[test]
    fn action_names_round_trip() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(action));
        }
        assert_eq!(Action::from_name("fly"), None);
    }
}
