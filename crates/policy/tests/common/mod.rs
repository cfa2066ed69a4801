//! Subjects shared by the integration tests.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use aigov_policy::{
    Access, HardwareFacts, LabFacts, Modality, ModelFacts, Phase, Provenance, ReportFacts,
    ReportKind, ReportResult, Scope, Subject, TemplatePolicy, WorkloadFacts,
};

/// Reads and compiles a shipped example template.
pub fn example(name: &str) -> TemplatePolicy {
    let path = format!("{}/examples/templates/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("example template");
    TemplatePolicy::compile(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A general-purpose model, inference phase, with a clean audit report, a sealed hardware and
/// an in-budget training workload.
pub fn subject() -> Subject {
    Subject {
        lab: LabFacts {
            id: "org-1".into(),
            name: "Example Lab".into(),
            jurisdiction: "fr".into(),
        },
        model: ModelFacts {
            id: "model-7".into(),
            name: "Example-70B".into(),
            purpose: "general-assistant".into(),
            scope: Scope::General,
            tier: 2,
            phase: Phase::Inference,
            access: Access::Api,
            parameter_count: 70_000_000_000,
            training_compute_flop: 8 * 10u128.pow(24),
            training_energy_mwh: 4_000,
            context_window_tokens: 128_000,
            input_modalities: BTreeSet::from([Modality::Text, Modality::Image]),
            output_modalities: BTreeSet::from([Modality::Text]),
            data_domains: BTreeSet::from(["code".to_owned(), "general".to_owned()]),
            data_provenance: BTreeSet::from([Provenance::WebCrawl, Provenance::Licensed]),
        },
        report: Some(ReportFacts {
            id: "report-3".into(),
            template: "audit-frontier-v1".into(),
            kind: ReportKind::Audit,
            result: ReportResult::Pass,
            severity: 0,
            scaffolded: true,
            scores: BTreeMap::from([
                ("bio_uplift".to_owned(), 900),
                ("chem_uplift".to_owned(), 700),
                ("cyber_offense".to_owned(), 1_200),
                ("autonomous_replication".to_owned(), 100),
                ("ml_rnd_acceleration".to_owned(), 1_500),
            ]),
        }),
        workload: Some(WorkloadFacts {
            id: "workload-2".into(),
            declared_phase: Phase::PostTrain,
            detected_phase: Some(Phase::PostTrain),
            phase_confidence_bp: 9_300,
            budget_pflop: 1_000_000_000,
            used_pflop: 10_000_000,
        }),
        hardware: Some(HardwareFacts {
            id: "hw-9".into(),
            accelerator: "h100".into(),
            region: "fr".into(),
            device_count: 1_024,
            tee: true,
            attested: true,
            compute_budget_pflop: 5_000_000_000,
            memory_gib: 81_920,
        }),
    }
}

/// The subject's report scores, mutable.
pub fn scores(subject: &mut Subject) -> &mut BTreeMap<String, i64> {
    &mut subject.report.as_mut().expect("report").scores
}
