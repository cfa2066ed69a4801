//! Evaluating a realistic template (the frontier example: ten red lines) on one subject, and
//! compiling it. Kept short by default: 20 samples, 2 s of measurement each.

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::time::Duration;

use aigov_policy::{
    Access, Action, HardwareFacts, LabFacts, Modality, ModelFacts, Phase, Provenance, ReportFacts,
    ReportKind, ReportResult, Scope, Subject, TemplatePolicy,
};
use criterion::{Criterion, criterion_group, criterion_main};

const TEMPLATE: &str = include_str!("../examples/templates/frontier-general.cedar");

fn subject() -> Subject {
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
        workload: None,
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

fn evaluate(c: &mut Criterion) {
    let template = TemplatePolicy::compile(TEMPLATE).expect("compiles");
    let subject = subject();
    assert!(
        template
            .evaluate(&subject, Action::Certify)
            .expect("evaluates")
            .allowed
    );
    c.bench_function("evaluate/frontier-10-red-lines/certify", |b| {
        b.iter(|| template.evaluate(black_box(&subject), black_box(Action::Certify)))
    });
    c.bench_function("evaluate/frontier-10-red-lines/deploy", |b| {
        b.iter(|| template.evaluate(black_box(&subject), black_box(Action::Deploy)))
    });
    c.bench_function("compile/frontier-10-red-lines", |b| {
        b.iter(|| TemplatePolicy::compile(black_box(TEMPLATE)))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = evaluate
}
criterion_main!(benches);
