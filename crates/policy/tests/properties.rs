//! Properties: decisions equal a plain-Rust reading of the same red lines on random facts, and
//! no policy text, however hostile, makes compiling or evaluating panic.

mod common;

use std::collections::BTreeSet;

use aigov_policy::{Access, Action, Phase, Scope, Subject, TemplatePolicy, pflop_of_flop};
use common::subject;
use proptest::prelude::*;

const TEMPLATE: &str = r#"
@id("bio")
forbid (principal, action in [Aigov::Action::"certify", Aigov::Action::"deploy"], resource)
when { context.report.hasTag("bio_uplift") && context.report.getTag("bio_uplift") > 2000 };

@id("cbrn-data")
forbid (principal, action, resource) when { resource.data_domains.contains("cbrn") };

@id("compute-cap")
forbid (principal, action == Aigov::Action::"train", resource)
when { resource.training_compute_pflop + context.workload.budget_pflop > 100000000000 };

@id("narrow-ood")
forbid (principal, action == Aigov::Action::"certify", resource)
when {
  resource.scope == "narrow" &&
  context.report.hasTag("ood_coding") && context.report.getTag("ood_coding") > 500
};

@id("open-weights")
forbid (principal, action == Aigov::Action::"deploy", resource)
when { resource.access == "weights" && resource.tier >= 3 };

@id("phase-mismatch")
forbid (principal, action == Aigov::Action::"run_workload", resource)
when {
  context.workload.detected_phase != "unknown" &&
  context.workload.detected_phase != context.workload.declared_phase &&
  context.workload.phase_confidence_bp >= 8000
};
"#;

/// The same red lines in plain Rust: (violated, satisfied), both sorted.
fn expected(s: &Subject, action: Action) -> (Vec<String>, Vec<String>) {
    let report = s.report.as_ref().expect("report");
    let workload = s.workload.as_ref().expect("workload");
    let score = |name: &str| report.scores.get(name).copied();
    let covers = |actions: &[Action]| actions.contains(&action);
    let mut rules: Vec<(&str, bool, bool)> = vec![
        (
            "bio",
            covers(&[Action::Certify, Action::Deploy]),
            score("bio_uplift").is_some_and(|v| v > 2000),
        ),
        ("cbrn-data", true, s.model.data_domains.contains("cbrn")),
        (
            "compute-cap",
            covers(&[Action::Train]),
            // Overflow is an evaluation error: fail closed, so violated.
            pflop_of_flop(s.model.training_compute_flop)
                .checked_add(workload.budget_pflop as i64)
                .is_none_or(|total| total > 100_000_000_000),
        ),
        (
            "narrow-ood",
            covers(&[Action::Certify]),
            s.model.scope == Scope::Narrow && score("ood_coding").is_some_and(|v| v > 500),
        ),
        (
            "open-weights",
            covers(&[Action::Deploy]),
            s.model.access == Access::Weights && s.model.tier >= 3,
        ),
        (
            "phase-mismatch",
            covers(&[Action::RunWorkload]),
            workload
                .detected_phase
                .is_some_and(|p| p != workload.declared_phase)
                && workload.phase_confidence_bp >= 8000,
        ),
    ];
    rules.sort();
    let violated = rules
        .iter()
        .filter(|(_, covered, fires)| *covered && *fires)
        .map(|(id, ..)| (*id).to_owned())
        .collect();
    let satisfied = rules
        .iter()
        .filter(|(_, covered, fires)| *covered && !*fires)
        .map(|(id, ..)| (*id).to_owned())
        .collect();
    (violated, satisfied)
}

fn phase() -> impl Strategy<Value = Phase> {
    prop_oneof![
        Just(Phase::PreTrain),
        Just(Phase::PostTrain),
        Just(Phase::Inference)
    ]
}

/// Values clustered around the thresholds, plus the extremes.
fn score() -> impl Strategy<Value = i64> {
    prop_oneof![400i64..2100, any::<i64>(), Just(i64::MIN), Just(i64::MAX),]
}

prop_compose! {
    fn random_subject()(
        bio in proptest::option::of(score()),
        ood in proptest::option::of(score()),
        narrow in any::<bool>(),
        weights in any::<bool>(),
        tier in 0u8..6,
        domains in proptest::sample::subsequence(vec!["cbrn", "biology", "code"], 0..=3),
        flop in prop_oneof![0u128..10u128.pow(27), Just(u128::MAX)],
        budget in prop_oneof![0u64..200_000_000_000, 0u64..=i64::MAX as u64],
        declared in phase(),
        detected in proptest::option::of(phase()),
        confidence in 0u16..=10_000,
        action in proptest::sample::select(Action::ALL.to_vec()),
    ) -> (Subject, Action) {
        let mut s = subject();
        let report = s.report.as_mut().expect("report");
        report.scores.clear();
        if let Some(v) = bio { report.scores.insert("bio_uplift".into(), v); }
        if let Some(v) = ood { report.scores.insert("ood_coding".into(), v); }
        s.model.scope = if narrow { Scope::Narrow } else { Scope::General };
        s.model.access = if weights { Access::Weights } else { Access::Api };
        s.model.tier = tier;
        s.model.data_domains = domains.into_iter().map(str::to_owned).collect::<BTreeSet<_>>();
        s.model.training_compute_flop = flop;
        let workload = s.workload.as_mut().expect("workload");
        workload.budget_pflop = budget;
        workload.declared_phase = declared;
        workload.detected_phase = detected;
        workload.phase_confidence_bp = confidence;
        (s, action)
    }
}

/// Tokens of Cedar's grammar, to build hostile text the parser gets far into.
const TOKENS: &[&str] = &[
    "forbid",
    "permit",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "principal",
    "action",
    "resource",
    "context",
    "when",
    "unless",
    "if",
    "then",
    "else",
    "in",
    "has",
    "like",
    "is",
    "&&",
    "||",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "!",
    ".",
    ",",
    ";",
    ":",
    "::",
    "@id",
    "@",
    "\"x\"",
    "\"",
    "\\",
    "1",
    "9223372036854775807",
    "-9223372036854775808",
    "Aigov",
    "Aigov::Action::\"certify\"",
    "Aigov::Model",
    "?principal",
    "?resource",
    "//",
    "\n",
    "hasTag",
    "getTag",
    "contains",
    "containsAll",
    "containsAny",
    "isEmpty",
    "decimal",
    "ip",
    "datetime",
    "duration",
    "\"*\"",
    "tier",
    "report",
    "scores",
    "\u{202e}",
    "é",
    " ",
];

const VALID: &str = include_str!("../examples/templates/frontier-general.cedar");

/// Compiles `text`; when it compiles, evaluates it for every action. Neither may panic.
fn compile_and_run(text: &str) {
    if let Ok(template) = TemplatePolicy::compile(text) {
        let s = subject();
        for action in Action::ALL {
            template
                .evaluate(&s, action)
                .expect("a complete subject evaluates");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn decisions_equal_the_plain_rust_reading((s, action) in random_subject()) {
        let template = TemplatePolicy::compile(TEMPLATE).expect("compiles");
        let decision = template.evaluate(&s, action).expect("evaluates");
        let (violated, satisfied) = expected(&s, action);
        prop_assert_eq!(&decision.violated, &violated);
        prop_assert_eq!(&decision.satisfied, &satisfied);
        prop_assert_eq!(decision.allowed, violated.is_empty());
        // Same inputs, same decision.
        prop_assert_eq!(template.evaluate(&s, action).expect("evaluates"), decision);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,600}") {
        compile_and_run(&text);
    }

    #[test]
    fn token_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(TOKENS), 0..400)) {
        compile_and_run(&tokens.join(" "));
        compile_and_run(&tokens.concat());
    }

    #[test]
    fn mutated_templates_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, proptest::sample::select(TOKENS)), 1..12)
    ) {
        let mut text = VALID.to_owned();
        for (at, kind, token) in edits {
            let mut pos = at.index(text.len() + 1);
            while !text.is_char_boundary(pos) {
                pos -= 1;
            }
            match kind {
                0 => text.insert_str(pos, token),
                1 => {
                    let mut end = (pos + token.len()).min(text.len());
                    while !text.is_char_boundary(end) {
                        end -= 1;
                    }
                    text.replace_range(pos..end, "");
                }
                _ => text.insert_str(pos, &token.repeat(40)),
            }
        }
        compile_and_run(&text);
    }
}
