//! Evaluating templates: red lines for each action, fail-closed errors, and determinism.

mod common;

use aigov_policy::{
    Access, Action, Decision, MAX_SCORES, Phase, PolicyError, Scope, TemplatePolicy,
};
use common::{example, scores, subject};

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn a_clean_model_is_certified_and_every_covering_red_line_is_satisfied() {
    let template = example("frontier-general.cedar");
    let decision = template
        .evaluate(&subject(), Action::Certify)
        .expect("evaluates");
    assert_eq!(
        decision,
        Decision {
            allowed: true,
            violated: vec![],
            // Sorted; the deploy-only red lines do not cover certify.
            satisfied: ids(&[
                "autonomy.ml-rnd",
                "autonomy.replication",
                "cbrn.evals-missing",
                "cbrn.uplift",
                "cyber.offense",
                "data.cbrn",
                "report.failed",
                "scope.general-only",
            ]),
            errors: vec![],
        }
    );
}

#[test]
fn certify_is_refused_above_the_bio_threshold_and_allowed_at_it() {
    let template = example("frontier-general.cedar");
    let mut s = subject();
    scores(&mut s).insert("bio_uplift".into(), 2_000);
    assert!(
        template
            .evaluate(&s, Action::Certify)
            .expect("evaluates")
            .allowed
    );
    scores(&mut s).insert("bio_uplift".into(), 2_001);
    let decision = template.evaluate(&s, Action::Certify).expect("evaluates");
    assert!(!decision.allowed);
    assert_eq!(decision.violated, ids(&["cbrn.uplift"]));
    assert!(!decision.satisfied.contains(&"cbrn.uplift".to_owned()));
}

#[test]
fn a_missing_eval_fails_certification() {
    let template = example("frontier-general.cedar");
    let mut s = subject();
    scores(&mut s).remove("chem_uplift");
    let decision = template.evaluate(&s, Action::Certify).expect("evaluates");
    assert_eq!(decision.violated, ids(&["cbrn.evals-missing"]));
}

#[test]
fn several_red_lines_fire_at_once_and_are_sorted() {
    let template = example("frontier-general.cedar");
    let mut s = subject();
    scores(&mut s).insert("cyber_offense".into(), 5_000);
    scores(&mut s).insert("autonomous_replication".into(), 700); // over 500 when scaffolded
    s.model.data_domains.insert("cbrn".into());
    let decision = template.evaluate(&s, Action::Certify).expect("evaluates");
    assert_eq!(
        decision.violated,
        ids(&["autonomy.replication", "cyber.offense", "data.cbrn"])
    );
    // Without scaffolding the replication limit is 1000.
    s.report.as_mut().expect("report").scaffolded = false;
    let decision = template.evaluate(&s, Action::Certify).expect("evaluates");
    assert_eq!(decision.violated, ids(&["cyber.offense", "data.cbrn"]));
}

#[test]
fn deploy_checks_release_and_hardware() {
    let template = example("frontier-general.cedar");
    let mut s = subject();
    assert!(
        template
            .evaluate(&s, Action::Deploy)
            .expect("evaluates")
            .allowed
    );
    s.model.access = Access::Weights;
    s.model.tier = 3;
    s.hardware.as_mut().expect("hardware").attested = false;
    let decision = template.evaluate(&s, Action::Deploy).expect("evaluates");
    assert_eq!(
        decision.violated,
        ids(&["deploy.attested-hardware", "release.open-weights"])
    );
}

#[test]
fn a_data_domain_red_line_covers_every_action() {
    let template = example("frontier-general.cedar");
    let mut s = subject();
    s.model.data_domains.insert("cbrn".into());
    for action in Action::ALL {
        let decision = template.evaluate(&s, action).expect("evaluates");
        assert!(
            decision.violated.contains(&"data.cbrn".to_owned()),
            "{action}"
        );
        assert!(!decision.allowed, "{action}");
    }
}

#[test]
fn narrow_models_are_held_to_out_of_domain_limits() {
    let template = example("narrow-protein.cedar");
    let mut s = subject();
    s.model.scope = Scope::Narrow;
    s.model.purpose = "protein-design".into();
    s.model.parameter_count = 3_000_000_000;
    s.model.training_compute_flop = 5 * 10u128.pow(22);
    s.model.input_modalities = [aigov_policy::Modality::Text].into();
    s.model.data_domains = ["biology".to_owned()].into();
    let report = s.report.as_mut().expect("report");
    report.scores = [
        ("ood_general_knowledge".to_owned(), 800),
        ("ood_coding".to_owned(), 200),
        ("pathogen_design".to_owned(), 40),
    ]
    .into();
    let decision = template.evaluate(&s, Action::Certify).expect("evaluates");
    assert!(decision.allowed, "{decision:?}");

    scores(&mut s).insert("ood_coding".into(), 600);
    let decision = template.evaluate(&s, Action::Certify).expect("evaluates");
    assert_eq!(decision.violated, ids(&["ood.coding"]));

    // A general model under a narrow template is refused whatever it does.
    s.model.scope = Scope::General;
    let decision = template.evaluate(&s, Action::Train).expect("evaluates");
    assert_eq!(decision.violated, ids(&["scope.narrow-only"]));

    // No pathogen-design score: the unless clause cannot hold, the red line fires.
    s.model.scope = Scope::Narrow;
    scores(&mut s).remove("pathogen_design");
    let decision = template.evaluate(&s, Action::Deploy).expect("evaluates");
    assert_eq!(
        decision.violated,
        ids(&["ood.coding", "ood.pathogen-design"])
    );
}

#[test]
fn train_is_refused_over_the_compute_cap() {
    let template = example("training-workload.cedar");
    let mut s = subject();
    s.model.phase = Phase::PreTrain;
    assert!(
        template
            .evaluate(&s, Action::Train)
            .expect("evaluates")
            .allowed
    );
    // 9.95e25 FLOP so far plus this workload's 10^24 FLOP budget passes 10^26.
    s.model.training_compute_flop = 995 * 10u128.pow(23);
    let decision = template.evaluate(&s, Action::Train).expect("evaluates");
    assert_eq!(decision.violated, ids(&["compute.cap"]));
    // Tier 1 above 10^25 FLOP breaks the systemic-risk red line as well.
    s.model.tier = 1;
    let decision = template.evaluate(&s, Action::Train).expect("evaluates");
    assert_eq!(
        decision.violated,
        ids(&["compute.cap", "compute.systemic-tier"])
    );
}

#[test]
fn an_erroring_red_line_fails_closed() {
    let template = example("training-workload.cedar");
    let mut s = subject();
    // The sum in `compute.cap` overflows Cedar's 64-bit integers.
    s.workload.as_mut().expect("workload").budget_pflop = i64::MAX as u64;
    let decision = template.evaluate(&s, Action::Train).expect("evaluates");
    assert!(!decision.allowed);
    assert_eq!(decision.violated, ids(&["compute.cap"]));
    assert_eq!(decision.errors.len(), 1);
    assert_eq!(decision.errors[0].id, "compute.cap");
    assert!(
        decision.errors[0].message.contains("integer overflow"),
        "{:?}",
        decision.errors
    );
    assert!(!decision.satisfied.contains(&"compute.cap".to_owned()));
}

#[test]
fn run_workload_checks_phase_budget_and_hardware() {
    let template = example("training-workload.cedar");
    let mut s = subject();
    assert!(
        template
            .evaluate(&s, Action::RunWorkload)
            .expect("evaluates")
            .allowed
    );

    let workload = s.workload.as_mut().expect("workload");
    workload.detected_phase = Some(Phase::PreTrain);
    workload.phase_confidence_bp = 7_999;
    assert!(
        template
            .evaluate(&s, Action::RunWorkload)
            .expect("evaluates")
            .allowed
    );
    s.workload.as_mut().expect("workload").phase_confidence_bp = 8_000;
    let decision = template
        .evaluate(&s, Action::RunWorkload)
        .expect("evaluates");
    assert_eq!(decision.violated, ids(&["phase.mismatch"]));

    let workload = s.workload.as_mut().expect("workload");
    workload.detected_phase = None;
    workload.used_pflop = workload.budget_pflop;
    s.hardware.as_mut().expect("hardware").tee = false;
    let decision = template
        .evaluate(&s, Action::RunWorkload)
        .expect("evaluates");
    assert_eq!(
        decision.violated,
        ids(&["budget.exhausted", "hardware.sealed"])
    );
}

#[test]
fn an_action_needs_its_facts() {
    let template = example("training-workload.cedar");
    let mut s = subject();
    s.workload = None;
    assert_eq!(
        template.evaluate(&s, Action::Train),
        Err(PolicyError::MissingFact {
            action: "train",
            fact: "workload"
        })
    );
    let mut s = subject();
    s.hardware = None;
    assert_eq!(
        template.evaluate(&s, Action::RunWorkload),
        Err(PolicyError::MissingFact {
            action: "run_workload",
            fact: "hardware"
        })
    );
    // Facts an action does not use may be absent.
    s.report = None;
    assert!(template.evaluate(&s, Action::Train).is_ok());
    let frontier = example("frontier-general.cedar");
    assert_eq!(
        frontier.evaluate(&s, Action::Certify),
        Err(PolicyError::MissingFact {
            action: "certify",
            fact: "report"
        })
    );
}

#[test]
fn malformed_facts_are_refused() {
    let template = example("frontier-general.cedar");
    let bad = |edit: &dyn Fn(&mut aigov_policy::Subject)| {
        let mut s = subject();
        edit(&mut s);
        match template.evaluate(&s, Action::Certify) {
            Err(PolicyError::BadFact { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(
        bad(&|s| {
            s.model.data_domains.insert("CBRN".into());
        }),
        "model.data_domains"
    );
    assert_eq!(bad(&|s| s.model.name = "x".repeat(129)), "model.name");
    assert_eq!(
        bad(&|s| s.model.parameter_count = u64::MAX),
        "model.parameter_count"
    );
    assert_eq!(
        bad(&|s| {
            let scores = scores(s);
            for i in 0..=MAX_SCORES {
                scores.insert(format!("s{i}"), 0);
            }
        }),
        "report.scores"
    );
    assert_eq!(
        bad(&|s| s.report.as_mut().expect("report").severity = 5),
        "report.severity"
    );
    assert_eq!(
        bad(&|s| s.workload.as_mut().expect("workload").phase_confidence_bp = 10_001),
        "workload.phase_confidence_bp"
    );
}

#[test]
fn evaluation_is_deterministic() {
    let text = std::fs::read_to_string(format!(
        "{}/examples/templates/frontier-general.cedar",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("template");
    let one = TemplatePolicy::compile(&text).expect("compiles");
    let two = TemplatePolicy::compile(&text).expect("compiles");
    let mut s = subject();
    scores(&mut s).insert("bio_uplift".into(), 9_000);
    scores(&mut s).insert("cyber_offense".into(), 9_000);
    s.model.data_domains.insert("cbrn".into());
    for action in Action::ALL {
        let first = one.evaluate(&s, action).expect("evaluates");
        for _ in 0..20 {
            assert_eq!(one.evaluate(&s, action).expect("evaluates"), first);
            assert_eq!(two.evaluate(&s, action).expect("evaluates"), first);
        }
        // Byte-equal once encoded.
        let a = serde_json::to_vec(&first).expect("json");
        let b = serde_json::to_vec(&two.evaluate(&s, action).expect("evaluates")).expect("json");
        assert_eq!(a, b);
    }
}

#[test]
fn the_deepest_admitted_policy_runs_on_a_small_thread_stack() {
    // At the depth limit, Cedar needs about 0.5 MiB; on a 256 KiB thread it would stop with a
    // "recursion limit" error (or overflow). The crate moves the work to a larger stack, so the
    // answer is the same as on a big thread.
    let text = format!(
        "@id(\"deep\") forbid (principal, action == Aigov::Action::\"certify\", resource) when {{ {}resource.tier > 0 }};",
        "1 + ".repeat(84)
    );
    let run = |stack: usize| {
        let text = text.clone();
        std::thread::Builder::new()
            .stack_size(stack)
            .spawn(move || {
                let template = TemplatePolicy::compile(&text).expect("compiles");
                template
                    .evaluate(&subject(), Action::Certify)
                    .expect("evaluates")
            })
            .expect("thread")
            .join()
            .expect("no panic")
    };
    let small = run(256 * 1024);
    let large = run(16 * 1024 * 1024);
    assert_eq!(small, large);
    assert!(small.errors.is_empty(), "{:?}", small.errors);
    assert_eq!(small.violated, ids(&["deep"]));
}

#[test]
fn templates_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<TemplatePolicy>();
    shareable::<Decision>();
}
