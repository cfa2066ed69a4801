//! Compiling templates: what is accepted, what is refused, and what the errors say.

use aigov_policy::{
    Action, MAX_EXPR_DEPTH, MAX_NESTING, MAX_POLICIES, MAX_TEXT_BYTES, PolicyError, TemplatePolicy,
    policy_digest,
};

const BIO: &str = r#"
@id("bio")
@domain("cbrn")
@level("critical")
forbid (principal, action == Aigov::Action::"certify", resource)
when { context.report.hasTag("bio_uplift") && context.report.getTag("bio_uplift") > 2000 };
"#;

fn refuse(text: &str) -> PolicyError {
    match TemplatePolicy::compile(text) {
        Ok(_) => panic!("compiled: {text}"),
        Err(e) => e,
    }
}

#[test]
fn a_red_line_compiles_with_its_annotations_and_actions() {
    let template = TemplatePolicy::compile(BIO).expect("compiles");
    let [red_line] = template.red_lines() else {
        panic!("one red line")
    };
    assert_eq!(red_line.id, "bio");
    assert_eq!(red_line.actions, [Action::Certify]);
    assert_eq!(red_line.annotations["domain"], "cbrn");
    assert_eq!(red_line.annotations["level"], "critical");
    assert!(!red_line.annotations.contains_key("id"));
    assert_eq!(template.text(), BIO);
}

#[test]
fn the_digest_is_sha256_of_the_exact_text() {
    let template = TemplatePolicy::compile(BIO).expect("compiles");
    assert_eq!(template.digest(), policy_digest(BIO));
    assert_eq!(template.digest_hex(), hex::encode(policy_digest(BIO)));
    // A known vector: SHA-256 of "abc".
    assert_eq!(
        hex::encode(policy_digest("abc")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    // No normalisation: whitespace changes the address.
    let spaced = format!("{BIO}\n");
    let other = TemplatePolicy::compile(&spaced).expect("compiles");
    assert_ne!(other.digest(), template.digest());
}

#[test]
fn action_scopes_decide_which_actions_a_red_line_covers() {
    let text = r#"
@id("all") forbid (principal, action, resource) when { resource.tier > 9 };
@id("two") forbid (principal, action in [Aigov::Action::"train", Aigov::Action::"run_workload"], resource)
  when { resource.tier > 9 };
@id("typed") forbid (principal is Aigov::Lab, action == Aigov::Action::"deploy", resource is Aigov::Model)
  when { resource.tier > 9 };
"#;
    let template = TemplatePolicy::compile(text).expect("compiles");
    let actions: Vec<_> = template
        .red_lines()
        .iter()
        .map(|r| (r.id.as_str(), r.actions.clone()))
        .collect();
    assert_eq!(
        actions,
        [
            ("all", Action::ALL.to_vec()),
            ("two", vec![Action::Train, Action::RunWorkload]),
            ("typed", vec![Action::Deploy]),
        ]
    );
}

#[test]
fn a_syntax_error_is_located() {
    let err = refuse("@id(\"a\")\nforbid (principal, action, resource)\nwhen { resource.tier > };");
    let PolicyError::Syntax { diagnostics } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(diagnostics[0].line, Some(3));
    assert_eq!(diagnostics[0].column, Some(24));
    assert!(err.to_string().contains("unexpected token `}`"), "{err}");
    assert!(err.to_string().starts_with("syntax error: 3:24:"), "{err}");
}

#[test]
fn an_unknown_attribute_is_refused_with_a_suggestion() {
    let err = refuse(
        "@id(\"a\") forbid (principal, action, resource) when { resource.colour == \"red\" };",
    );
    let PolicyError::Invalid { diagnostics } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert!(d.message.contains("attribute `colour`"), "{d}");
    assert_eq!(d.policy.as_deref(), Some("a"));
    assert_eq!(
        (d.line, d.column),
        (Some(1), Some(54)),
        "points at `resource.colour`"
    );
    assert!(err.to_string().contains("did you mean `scope`?"), "{err}");
}

#[test]
fn a_type_mismatch_is_refused() {
    let err =
        refuse("@id(\"a\") forbid (principal, action, resource) when { resource.tier == \"3\" };");
    assert!(matches!(err, PolicyError::Invalid { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("the types Long and String are not compatible"),
        "{err}"
    );
}

#[test]
fn a_score_must_be_tested_before_it_is_read() {
    let err = refuse(
        r#"@id("a") forbid (principal, action == Aigov::Action::"certify", resource)
           when { context.report.getTag("bio_uplift") > 2000 };"#,
    );
    assert!(
        err.to_string()
            .contains("unable to guarantee safety of access to tag"),
        "{err}"
    );
}

#[test]
fn a_context_fact_needs_an_action_that_has_it() {
    // `train` has no report: reading one needs the action scoped to certify or deploy.
    let err = refuse(
        "@id(\"a\") forbid (principal, action, resource) when { context.report.severity > 1 };",
    );
    let text = err.to_string();
    assert!(
        text.contains("attribute `report` in context for Aigov::Action::\"train\" not found"),
        "{text}"
    );
}

#[test]
fn unknown_actions_and_impossible_policies_are_refused() {
    let err = refuse("@id(\"a\") forbid (principal, action == Aigov::Action::\"fly\", resource);");
    assert!(
        err.to_string()
            .contains("unrecognized action `Aigov::Action::\"fly\"`"),
        "{err}"
    );
    let err = refuse("@id(\"a\") forbid (principal, action, resource) when { false };");
    assert!(err.to_string().contains("policy is impossible"), "{err}");
}

#[test]
fn bidirectional_control_characters_are_refused() {
    // Trojan-source: text that reads differently from how it evaluates.
    let err = refuse(
        "@id(\"a\") forbid (principal, action, resource) when { resource.name == \"\u{202e}lmth\" };",
    );
    assert!(err.to_string().contains("BIDI control characters"), "{err}");
}

#[test]
fn a_missing_id_is_refused_with_the_policys_position() {
    let text = format!(
        "{BIO}\n// second\nforbid (principal, action, resource) when {{ resource.tier > 3 }};"
    );
    let err = refuse(&text);
    assert_eq!(err, PolicyError::MissingId { line: 9, column: 1 });
    assert!(err.to_string().contains("has no @id"), "{err}");
}

#[test]
fn ids_must_be_valid_and_unique() {
    let one = |id: &str| {
        format!("@id(\"{id}\") forbid (principal, action, resource) when {{ resource.tier > 3 }};")
    };
    for bad in [
        "",
        "-x",
        "a b",
        "aigov/default-permit",
        "é",
        &"x".repeat(65),
    ] {
        let err = refuse(&one(bad));
        assert!(matches!(err, PolicyError::BadId { .. }), "{bad:?}: {err:?}");
    }
    for good in ["cbrn.uplift", "CBRN-4", "rsp:asl3", "a_b"] {
        TemplatePolicy::compile(&one(good)).unwrap_or_else(|e| panic!("{good}: {e}"));
    }
    let err = refuse(&format!("{}\n{}", one("x"), one("x")));
    assert_eq!(err, PolicyError::DuplicateId { id: "x".into() });
}

#[test]
fn permits_slots_and_pinned_scopes_are_refused() {
    let err = refuse("@id(\"p\") permit (principal, action, resource);");
    assert_eq!(err, PolicyError::NotForbid { id: "p".into() });
    let err = refuse("@id(\"s\") forbid (principal, action, resource == ?resource);");
    assert_eq!(err, PolicyError::Slot { id: "s".into() });
    let err = refuse("@id(\"e\") forbid (principal == Aigov::Lab::\"x\", action, resource);");
    assert!(
        matches!(
            err,
            PolicyError::PinnedScope {
                variable: "principal",
                ..
            }
        ),
        "{err:?}"
    );
    let err = refuse("@id(\"e\") forbid (principal, action, resource in Aigov::Model::\"m\");");
    assert!(
        matches!(
            err,
            PolicyError::PinnedScope {
                variable: "resource",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn empty_text_is_refused() {
    assert_eq!(refuse(""), PolicyError::Empty);
    assert_eq!(refuse("// nothing but a comment\n"), PolicyError::Empty);
}

#[test]
fn too_large_text_is_refused_before_parsing() {
    let text = format!("{BIO}//{}", "x".repeat(MAX_TEXT_BYTES));
    let err = refuse(&text);
    assert!(
        matches!(
            err,
            PolicyError::TooLarge {
                max: MAX_TEXT_BYTES,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("more than the 16384 allowed"),
        "{err}"
    );
}

#[test]
fn too_many_policies_are_refused() {
    let text: String = (0..=MAX_POLICIES)
        .map(|i| format!("@id(\"r{i}\") forbid (principal, action, resource) when {{ resource.tier > {i} }};\n"))
        .collect();
    assert!(text.len() <= MAX_TEXT_BYTES);
    let err = refuse(&text);
    assert_eq!(
        err,
        PolicyError::TooManyPolicies {
            count: MAX_POLICIES + 1,
            max: MAX_POLICIES
        }
    );
    // At the limit it compiles.
    let at_limit: String = text
        .lines()
        .take(MAX_POLICIES)
        .collect::<Vec<_>>()
        .join("\n");
    TemplatePolicy::compile(&at_limit).expect("64 policies");
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    // 300 parentheses would overflow a 2 MiB stack inside Cedar's parser.
    let text = format!(
        "@id(\"a\") forbid (principal, action, resource) when {{ {}true{} }};",
        "(".repeat(300),
        ")".repeat(300)
    );
    let err = refuse(&text);
    assert!(
        matches!(
            err,
            PolicyError::TooDeep {
                max: MAX_NESTING,
                ..
            }
        ),
        "{err:?}"
    );
    let chain = format!(
        "@id(\"a\") forbid (principal, action, resource) when {{ {}1 > 0 }};",
        "1 + ".repeat(200)
    );
    let err = refuse(&chain);
    assert!(
        matches!(
            err,
            PolicyError::TooDeep {
                max: MAX_EXPR_DEPTH,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn realistic_depth_compiles() {
    // Ten score clauses in one condition stay well under the depth bound.
    let clauses: Vec<String> = (0..10)
        .map(|i| {
            format!("(context.report.hasTag(\"s{i}\") && context.report.getTag(\"s{i}\") > {i})")
        })
        .collect();
    let text = format!(
        "@id(\"a\") forbid (principal, action == Aigov::Action::\"certify\", resource) when {{ {} }};",
        clauses.join(" || ")
    );
    TemplatePolicy::compile(&text).expect("compiles");
}
