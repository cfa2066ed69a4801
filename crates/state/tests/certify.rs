//! Scenarios of certification: templates on chain (Cedar compiled at proposal time, approved and
//! retired by Safety votes), the versioned safety standard, report runners, reports evaluated
//! against the templates' red lines, Certified / Rejected / RenewalDue, and retries.

mod support;

use aigov_state::{certify, models, standard, templates};
use aigov_types::codec::{BoundedString, BoundedVec};
use aigov_types::event::{Event, EventRecord};
use aigov_types::governance::{Action, Choice, ProposalClass, ProposalStatus};
use aigov_types::model::{
    ApproveModel, Model, ModelCall, ModelStatus, Phase, PhaseBudgets, RegisterModel, Scope,
};
use aigov_types::personnel::{OrganisationKind, Role, Roles};
use aigov_types::template::{
    Access, AllowRetry, DeclareModel, Modality, ModelFactsDecl, ProposeTemplate, RegisterRetry,
    RegisterRunner, ReportCall, RunnerBinding, Score, SetStandard, StandardRule, SubmitReport,
    Template, TemplateCall, TemplateKind, TemplateRef, TemplateStatus, VaultCommitment, Verdict,
};
use aigov_types::{Call, Hash, Receipt};
use futures::executor::block_on;
use support::gov::*;
use support::*;

use ProposalClass::{Review, Safety};

const VOTERS: [&str; 5] = ["alice", "fabien", "dora", "jun", "jiro"];

const ARCH: &str = r#"
@id("data.cbrn")
@domain("cbrn")
forbid (principal, action, resource) when { resource.data_domains.contains("cbrn") };
"#;

const BIO_AUDIT: &str = r#"
@id("cbrn.uplift")
@level("critical")
forbid (principal, action == Aigov::Action::"certify", resource)
when { context.report.hasTag("bio_uplift") && context.report.getTag("bio_uplift") > 2000 };
"#;

const CYBER_AUDIT: &str = r#"
@id("cyber.offense")
forbid (principal, action == Aigov::Action::"certify", resource)
when { context.report.hasTag("cyber") && context.report.getTag("cyber") > 5000 };
"#;

const AUTONOMY_AUDIT: &str = r#"
@id("autonomy.replication")
forbid (principal, action == Aigov::Action::"certify", resource)
when { context.report.hasTag("self_replication") && context.report.getTag("self_replication") > 100 };
"#;

/// [gov_genesis] plus the auditor organisation `aisi` (eu), `lena` (fr, `mistral`, Software),
/// `audra` (eu, `aisi`, Auditor) and funded accounts for `lena` and the runners.
fn certify_chain() -> Chain {
    gov_chain(|g| {
        let mut orgs = g.organisations.as_slice().to_vec();
        let mut aisi = orgs[0].clone();
        aisi.id = slug("aisi");
        aisi.name = text("AI Safety Institute");
        aisi.member = slug("eu");
        aisi.kind = OrganisationKind::Auditor;
        orgs.push(aisi);
        let mut lab_runner_org = orgs[0].clone();
        lab_runner_org.id = slug("mistral-audit");
        lab_runner_org.kind = OrganisationKind::Lab;
        orgs.push(lab_runner_org);
        g.organisations = BoundedVec::new(orgs).unwrap();
        let mut people = g.personnel.as_slice().to_vec();
        let extra: [(&str, &str, Option<&str>, &[Role]); 2] = [
            ("lena", "fr", Some("mistral"), &[Role::Software]),
            ("audra", "eu", Some("aisi"), &[Role::Auditor]),
        ];
        for (name, member, org, roles) in extra {
            let mut p = people[0].clone();
            p.account = pk(name);
            p.name = text(name);
            p.member = slug(member);
            p.organisation = org.map(slug);
            p.roles = Roles::from_roles(roles);
            p.tier = 3;
            people.push(p);
        }
        g.personnel = BoundedVec::new(people).unwrap();
        let mut accounts = g.accounts.as_slice().to_vec();
        for name in ["lena", "audra", "runner-1", "runner-2", "stranger"] {
            accounts.push(aigov_types::genesis::GenesisAccount {
                account: pk(name),
                gas: 5_000_000,
            });
        }
        g.accounts = BoundedVec::new(accounts).unwrap();
    })
}

fn failure(r: &Receipt) -> (String, String) {
    match &r.outcome {
        aigov_types::TxOutcome::Failed(f) => {
            (f.code.as_str().to_string(), f.message.as_str().to_string())
        }
        _ => panic!("the call succeeded"),
    }
}

fn code_of(c: &mut Chain, name: &str, call: Call) -> String {
    failure(&c.send(name, call)).0
}

fn enact(c: &mut Chain, class: ProposalClass, actions: Vec<Action>) -> Vec<EventRecord> {
    let title = format!("{} #{}", class.name(), c.proposal_count() + 1);
    let id = c.submit("alice", class, &title, actions);
    let votes: Vec<(&str, Choice)> = VOTERS.iter().map(|v| (*v, Choice::Yes)).collect();
    c.votes(id, &votes);
    let ends = c.proposal(id).voting_ends_ms;
    let mut events = c.run_until(ends);
    let eta = c.proposal(id).eta_ms;
    events.extend(c.run_until(eta));
    assert_eq!(c.proposal(id).status, ProposalStatus::Executed, "{id}");
    events
}

fn propose_template(kind: TemplateKind, name: &str, policy: &str) -> Call {
    Call::Template(TemplateCall::Propose(ProposeTemplate {
        kind,
        name: text(name),
        spec_digest: Hash::digest(&[name.as_bytes()]),
        policy_text: BoundedString::new(policy).unwrap(),
        reference: None,
        physical: None,
    }))
}

fn template(c: &Chain, id: u64) -> Template {
    block_on(templates::template(&c.store, id))
        .unwrap()
        .unwrap()
}
fn model(c: &Chain, id: u64) -> Model {
    block_on(models::model(&c.store, id)).unwrap().unwrap()
}

/// Proposes (by fabien, Safety) and approves a template; returns its id.
fn approved_template(c: &mut Chain, kind: TemplateKind, name: &str, policy: &str) -> u64 {
    c.ok("fabien", propose_template(kind, name, policy));
    let id = block_on(templates::count(&c.store)).unwrap();
    enact(
        c,
        Safety,
        vec![Action::ApproveTemplate(TemplateRef { template: id })],
    );
    assert_eq!(template(c, id).status, TemplateStatus::Approved);
    id
}

fn rule(arch: u64, audits: &[u64], live: &[u64]) -> StandardRule {
    StandardRule {
        architecture: arch,
        tier: 2,
        scope: Scope::General,
        purpose: None,
        safeguards: BoundedVec::new(vec![]).unwrap(),
        audits: BoundedVec::new(audits.to_vec()).unwrap(),
        live_audits: BoundedVec::new(live.to_vec()).unwrap(),
    }
}

fn set_standard(c: &mut Chain, rules: Vec<StandardRule>) -> Vec<EventRecord> {
    enact(
        c,
        Safety,
        vec![Action::SetStandard(SetStandard {
            rules: BoundedVec::new(rules).unwrap(),
            reject_severity: 3,
        })],
    )
}

fn facts(domains: &[&str]) -> ModelFactsDecl {
    ModelFactsDecl {
        purpose: slug("general-assistant"),
        access: Access::Api,
        parameter_count: 70_000_000_000,
        training_energy_mwh: 1_000,
        context_window_tokens: 128_000,
        input_modalities: BoundedVec::new(vec![Modality::Text]).unwrap(),
        output_modalities: BoundedVec::new(vec![Modality::Text]).unwrap(),
        data_domains: BoundedVec::new(domains.iter().map(|d| slug(d)).collect()).unwrap(),
        data_provenance: BoundedVec::new(vec![]).unwrap(),
    }
}

/// Onboards an existing inference model of `mistral` (General), approved at tier 2; returns
/// its id.
fn inference_model(c: &mut Chain, container: &str) -> u64 {
    c.ok(
        "lena",
        Call::Model(ModelCall::Register(RegisterModel {
            owner: slug("mistral"),
            name: text("Le Grand"),
            purpose: text("General assistant"),
            scope: Scope::General,
            phase: Phase::Inference,
            parent: None,
            container_id: Hash::digest(&[container.as_bytes()]),
            documentation: Hash::digest(&[b"annex-xi"]),
            planned_training_compute: 1_000_000,
            provenance: None,
        })),
    );
    let id = block_on(models::count(&c.store)).unwrap();
    enact(
        c,
        Review,
        vec![Action::ApproveModel(ApproveModel {
            model: id,
            tier: 2,
            budgets: PhaseBudgets {
                pre_train: 0,
                post_train: 0,
                inference: 1_000,
            },
        })],
    );
    id
}

fn declare(model: u64, architecture: u64, domains: &[&str]) -> Call {
    Call::Model(ModelCall::Declare(DeclareModel {
        model,
        architecture,
        facts: facts(domains),
    }))
}

fn register_runner(key_name: &str, binding: RunnerBinding) -> Call {
    Call::Report(ReportCall::RegisterRunner(RegisterRunner {
        key: pk(key_name),
        binding,
    }))
}

fn submit(model: u64, template: u64, result: Verdict, scores: &[(&str, i64)], nonce: &str) -> Call {
    Call::Report(ReportCall::Submit(SubmitReport {
        model,
        template,
        result,
        severity: 0,
        scores: BoundedVec::new(
            scores
                .iter()
                .map(|(n, v)| Score {
                    name: text(n),
                    value: *v,
                })
                .collect(),
        )
        .unwrap(),
        report_digest: Hash::digest(&[nonce.as_bytes()]),
        evidence: None,
    }))
}

/// Templates ARCH, BIO (audit) and CYBER (live audit), the standard v1 requiring them for
/// (ARCH, tier 2, General), runner-1 bound to `aisi`, and a declared, approved inference model.
struct Setup {
    arch: u64,
    bio: u64,
    cyber: u64,
    model: u64,
}

fn setup(c: &mut Chain, domains: &[&str]) -> Setup {
    let arch = approved_template(c, TemplateKind::ModelArchitecture, "frontier-general", ARCH);
    let bio = approved_template(c, TemplateKind::Audit, "bio-uplift-eval", BIO_AUDIT);
    let cyber = approved_template(c, TemplateKind::Audit, "cyber-range-live", CYBER_AUDIT);
    set_standard(c, vec![rule(arch, &[bio], &[cyber])]);
    c.ok(
        "audra",
        register_runner("runner-1", RunnerBinding::Organisation(slug("aisi"))),
    );
    let model = inference_model(c, "le-grand");
    c.ok("lena", declare(model, arch, domains));
    Setup {
        arch,
        bio,
        cyber,
        model,
    }
}

fn kinds_of(events: &[EventRecord]) -> Vec<&'static str> {
    events.iter().map(|e| e.event.kind()).collect()
}

#[test]
fn invalid_cedar_is_refused_with_the_engines_message_and_templates_are_approved_then_retired() {
    let mut c = certify_chain();
    // Not Safety personnel.
    assert_eq!(
        code_of(
            &mut c,
            "alice",
            propose_template(TemplateKind::Audit, "x", BIO_AUDIT)
        ),
        "not_safety_personnel"
    );
    // A syntax error, with Cedar's message and position.
    let r = c.send(
        "fabien",
        propose_template(
            TemplateKind::Audit,
            "broken",
            "@id(\"x\") forbid (principal, action, resource) when { resource.tier > };",
        ),
    );
    let (code, message) = failure(&r);
    assert_eq!(code, "invalid_policy");
    assert!(message.contains("syntax error"), "{message}");
    // An unknown attribute: the schema's strict validation, in Cedar's words.
    let r = c.send(
        "fabien",
        propose_template(
            TemplateKind::Audit,
            "typo",
            "@id(\"x\") forbid (principal, action, resource) when { resource.paramter_count > 5 };",
        ),
    );
    let (code, message) = failure(&r);
    assert_eq!(code, "invalid_policy");
    assert!(message.contains("paramter_count"), "{message}");
    // A permit is refused.
    let (code, message) = failure(&c.send(
        "fabien",
        propose_template(
            TemplateKind::Audit,
            "permit",
            "@id(\"p\") permit (principal, action, resource);",
        ),
    ));
    assert_eq!(code, "invalid_policy");
    assert!(message.contains("permit"), "{message}");
    assert_eq!(block_on(templates::count(&c.store)).unwrap(), 0);

    // A valid one: stored with its digest and red-line ids, Proposed.
    let out = c.ok(
        "fabien",
        propose_template(TemplateKind::Audit, "bio", BIO_AUDIT),
    );
    assert!(kinds_of(&out.events).contains(&"template_proposed"));
    let t = template(&c, 1);
    assert_eq!(t.status, TemplateStatus::Proposed);
    assert_eq!(t.policy_digest.0, aigov_policy::policy_digest(BIO_AUDIT));
    assert_eq!(t.red_lines.as_slice(), &[text::<64>("cbrn.uplift")]);
    // A Review proposal may not approve it.
    let (code, _) = failure(&c.send(
        "alice",
        propose_call(
            Review,
            "wrong class",
            vec![Action::ApproveTemplate(TemplateRef { template: 1 })],
        ),
    ));
    assert_eq!(code, "action_not_allowed");
    let events = enact(
        &mut c,
        Safety,
        vec![Action::ApproveTemplate(TemplateRef { template: 1 })],
    );
    assert!(kinds_of(&events).contains(&"template_status_changed"));
    assert_eq!(template(&c, 1).status, TemplateStatus::Approved);
    // Immutable: a second approval is refused when proposing.
    let (code, _) = failure(&c.send(
        "alice",
        propose_call(
            Safety,
            "again",
            vec![Action::ApproveTemplate(TemplateRef { template: 1 })],
        ),
    ));
    assert_eq!(code, "invalid_action");
    // A template the standard requires cannot be retired before the standard drops it.
    let arch = approved_template(&mut c, TemplateKind::ModelArchitecture, "arch", ARCH);
    set_standard(&mut c, vec![rule(arch, &[1], &[])]);
    let (_, message) = failure(&c.send(
        "alice",
        propose_call(
            Safety,
            "retire",
            vec![Action::RetireTemplate(TemplateRef { template: 1 })],
        ),
    ));
    assert!(message.contains("template_in_standard"), "{message}");
    set_standard(&mut c, vec![]);
    enact(
        &mut c,
        Safety,
        vec![Action::RetireTemplate(TemplateRef { template: 1 })],
    );
    assert_eq!(template(&c, 1).status, TemplateStatus::Retired);
    assert_eq!(block_on(standard::current_version(&c.store)).unwrap(), 2);
}

#[test]
fn a_model_is_certified_once_every_required_audit_passes_with_live_audits_last() {
    let mut c = certify_chain();
    let s = setup(&mut c, &["code", "law"]);
    // The live audit first: refused, no-scaffolding audits come first.
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(s.model, s.cyber, Verdict::Pass, &[("cyber", 10)], "r0")
        ),
        "audit_order"
    );
    c.ok(
        "runner-1",
        submit(s.model, s.bio, Verdict::Pass, &[("bio_uplift", 150)], "r1"),
    );
    assert_eq!(model(&c, s.model).status, ModelStatus::Approved);
    let out = c.ok(
        "runner-1",
        submit(s.model, s.cyber, Verdict::Pass, &[("cyber", 4000)], "r2"),
    );
    let kinds = kinds_of(&out.events);
    assert!(kinds.contains(&"audit_report_filed"));
    assert!(kinds.contains(&"model_certified"), "{kinds:?}");
    assert_eq!(model(&c, s.model).status, ModelStatus::Certified);
    let cert = block_on(certify::certification(&c.store, s.model))
        .unwrap()
        .unwrap();
    assert_eq!(cert.standard_version, 1);
    assert_eq!(cert.passed.len(), 2);
    assert!(cert.certified_height.is_some());
    let live = block_on(certify::report(&c.store, 2)).unwrap().unwrap();
    assert!(live.scaffolded);
    assert!(live.violated.is_empty());
    assert_eq!(
        block_on(certify::certified(&c.store)).unwrap(),
        vec![s.model]
    );
    // The declaration is frozen now.
    assert_eq!(
        code_of(&mut c, "lena", declare(s.model, s.arch, &[])),
        "declaration_frozen"
    );
}

#[test]
fn a_red_line_turns_a_runners_pass_into_a_fail_rejects_the_model_and_a_retry_stays_restricted() {
    let mut c = certify_chain();
    let s = setup(&mut c, &["code"]);
    let out = c.ok(
        "runner-1",
        submit(s.model, s.bio, Verdict::Pass, &[("bio_uplift", 2500)], "r1"),
    );
    let report = block_on(certify::report(&c.store, 1)).unwrap().unwrap();
    assert_eq!(report.claimed, Verdict::Pass);
    assert_eq!(report.verdict, Verdict::Fail);
    assert_eq!(report.severity, 3);
    assert_eq!(
        report
            .violated
            .iter()
            .map(|v| v.as_str().to_string())
            .collect::<Vec<_>>(),
        vec![format!("{}:cbrn.uplift", s.bio)]
    );
    assert!(kinds_of(&out.events).contains(&"model_rejected"));
    assert_eq!(model(&c, s.model).status, ModelStatus::Rejected);
    // No more reports on a Rejected model.
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(s.model, s.bio, Verdict::Pass, &[], "r2")
        ),
        "model_not_certifiable"
    );

    // A Review vote allows one restrictive retry, recording the vault commitment.
    let restrictive =
        approved_template(&mut c, TemplateKind::ModelArchitecture, "restricted", ARCH);
    assert_eq!(
        code_of(
            &mut c,
            "lena",
            Call::Model(ModelCall::RegisterRetry(RegisterRetry {
                failed: s.model,
                container_id: Hash::digest(&[b"retry"]),
                documentation: Hash::digest(&[b"doc"]),
                planned_training_compute: 10,
            }))
        ),
        "no_retry_grant"
    );
    let vault = VaultCommitment {
        blob: Hash::digest(&[b"encrypted failed output"]),
        openers: BoundedVec::new(vec![pk("runner-1")]).unwrap(),
    };
    let events = enact(
        &mut c,
        Review,
        vec![Action::AllowRetry(AllowRetry {
            model: s.model,
            restrictive_template: restrictive,
            vault: vault.clone(),
        })],
    );
    assert!(kinds_of(&events).contains(&"retry_allowed"));
    let out = c.ok(
        "lena",
        Call::Model(ModelCall::RegisterRetry(RegisterRetry {
            failed: s.model,
            container_id: Hash::digest(&[b"retry"]),
            documentation: Hash::digest(&[b"doc"]),
            planned_training_compute: 10,
        })),
    );
    assert!(kinds_of(&out.events).contains(&"retry_registered"));
    let retry = block_on(models::count(&c.store)).unwrap();
    let m = model(&c, retry);
    assert_eq!(
        (m.parent, m.phase, m.status),
        (Some(s.model), Phase::PostTrain, ModelStatus::Pending)
    );
    let grant = block_on(certify::retry_grant(&c.store, s.model))
        .unwrap()
        .unwrap();
    assert_eq!((grant.retry, grant.vault), (Some(retry), vault));
    // The retry keeps the restrictive template: it cannot declare another architecture.
    assert_eq!(
        code_of(&mut c, "lena", declare(retry, s.arch, &[])),
        "invalid_fact"
    );
    c.ok("lena", declare(retry, restrictive, &[]));
    // A grant is used once.
    assert_eq!(
        code_of(
            &mut c,
            "lena",
            Call::Model(ModelCall::RegisterRetry(RegisterRetry {
                failed: s.model,
                container_id: Hash::digest(&[b"retry-2"]),
                documentation: Hash::digest(&[b"doc"]),
                planned_training_compute: 10,
            }))
        ),
        "no_retry_grant"
    );
}

#[test]
fn a_red_line_of_the_architecture_template_fails_a_report_on_declared_facts() {
    let mut c = certify_chain();
    let s = setup(&mut c, &["cbrn"]);
    c.ok(
        "runner-1",
        submit(s.model, s.bio, Verdict::Pass, &[("bio_uplift", 1)], "r1"),
    );
    let report = block_on(certify::report(&c.store, 1)).unwrap().unwrap();
    assert_eq!(report.verdict, Verdict::Fail);
    assert_eq!(
        report.violated.as_slice(),
        &[text::<96>(&format!("{}:data.cbrn", s.arch))]
    );
    assert_eq!(model(&c, s.model).status, ModelStatus::Rejected);
}

#[test]
fn a_new_standard_version_marks_a_certified_model_renewal_due_and_new_reports_certify_it_again() {
    let mut c = certify_chain();
    let s = setup(&mut c, &["code"]);
    c.ok(
        "runner-1",
        submit(s.model, s.bio, Verdict::Pass, &[("bio_uplift", 1)], "r1"),
    );
    c.ok(
        "runner-1",
        submit(s.model, s.cyber, Verdict::Pass, &[("cyber", 1)], "r2"),
    );
    assert_eq!(model(&c, s.model).status, ModelStatus::Certified);

    // The same required set under a new version changes nothing.
    let events = set_standard(&mut c, vec![rule(s.arch, &[s.bio], &[s.cyber])]);
    assert!(!kinds_of(&events).contains(&"renewal_due"));
    assert_eq!(model(&c, s.model).status, ModelStatus::Certified);

    // A new audit: the model is due for renewal, with only the new audit missing.
    let autonomy = approved_template(&mut c, TemplateKind::Audit, "autonomy", AUTONOMY_AUDIT);
    let events = set_standard(&mut c, vec![rule(s.arch, &[s.bio, autonomy], &[s.cyber])]);
    let due: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.event {
            Event::RenewalDue(r) => Some(r.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].model, due[0].from_version, due[0].to_version),
        (s.model, 2, 3)
    );
    assert_eq!(due[0].missing.as_slice(), &[autonomy]);
    assert_eq!(model(&c, s.model).status, ModelStatus::RenewalDue);
    assert!(block_on(certify::certified(&c.store)).unwrap().is_empty());

    // A failing report below the reject severity does not reject; a pass certifies again.
    c.ok(
        "runner-1",
        submit(s.model, autonomy, Verdict::Fail, &[], "r3"),
    );
    assert_eq!(model(&c, s.model).status, ModelStatus::RenewalDue);
    let out = c.ok(
        "runner-1",
        submit(
            s.model,
            autonomy,
            Verdict::Pass,
            &[("self_replication", 3)],
            "r4",
        ),
    );
    assert!(kinds_of(&out.events).contains(&"model_certified"));
    assert_eq!(model(&c, s.model).status, ModelStatus::Certified);
    let cert = block_on(certify::certification(&c.store, s.model))
        .unwrap()
        .unwrap();
    assert_eq!(cert.standard_version, 3);
    assert_eq!(cert.passed.len(), 3);
}

#[test]
fn a_rule_for_the_declared_purpose_is_chosen_over_the_rule_for_any_purpose() {
    let mut c = certify_chain();
    let s = setup(&mut c, &["code"]);
    let autonomy = approved_template(&mut c, TemplateKind::Audit, "autonomy", AUTONOMY_AUDIT);
    let for_purpose = |purpose: &str, audits: &[u64]| StandardRule {
        purpose: Some(slug(purpose)),
        ..rule(s.arch, audits, &[s.cyber])
    };
    // Two rules for one purpose are refused; rules for different purposes are not.
    let twice = propose_call(
        Safety,
        "twice",
        vec![Action::SetStandard(SetStandard {
            rules: BoundedVec::new(vec![
                for_purpose("general-assistant", &[s.bio]),
                for_purpose("general-assistant", &[autonomy]),
            ])
            .unwrap(),
            reject_severity: 3,
        })],
    );
    let (code, message) = failure(&c.send("alice", twice));
    assert_eq!(code, "invalid_action");
    assert!(message.contains("repeats an earlier rule"), "{message}");
    // v2: any purpose needs bio; the model's purpose (general-assistant) also needs autonomy;
    // another purpose (legal-drafting) needs only autonomy and does not apply to it.
    set_standard(
        &mut c,
        vec![
            rule(s.arch, &[s.bio], &[s.cyber]),
            for_purpose("general-assistant", &[s.bio, autonomy]),
            for_purpose("legal-drafting", &[autonomy]),
        ],
    );
    c.ok(
        "runner-1",
        submit(s.model, s.bio, Verdict::Pass, &[("bio_uplift", 1)], "p1"),
    );
    // Under the any-purpose rule the live audit would now be accepted; the purpose's rule
    // still wants autonomy first.
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(s.model, s.cyber, Verdict::Pass, &[("cyber", 1)], "p2")
        ),
        "audit_order"
    );
    c.ok(
        "runner-1",
        submit(
            s.model,
            autonomy,
            Verdict::Pass,
            &[("self_replication", 1)],
            "p3",
        ),
    );
    let out = c.ok(
        "runner-1",
        submit(s.model, s.cyber, Verdict::Pass, &[("cyber", 1)], "p4"),
    );
    assert!(kinds_of(&out.events).contains(&"model_certified"));
    let cert = block_on(certify::certification(&c.store, s.model))
        .unwrap()
        .unwrap();
    let passed: Vec<u64> = cert.passed.iter().map(|p| p.template).collect();
    assert_eq!(passed, vec![s.bio, s.cyber, autonomy]);

    // A new version dropping the purpose's rule falls back to the any-purpose rule: fewer
    // templates, all passed, so the model stays Certified under the new version.
    let events = set_standard(&mut c, vec![rule(s.arch, &[s.bio], &[s.cyber])]);
    assert!(!kinds_of(&events).contains(&"renewal_due"));
    assert_eq!(model(&c, s.model).status, ModelStatus::Certified);
    let cert = block_on(certify::certification(&c.store, s.model))
        .unwrap()
        .unwrap();
    assert_eq!(cert.standard_version, 3);
    let passed: Vec<u64> = cert.passed.iter().map(|p| p.template).collect();
    assert_eq!(passed, vec![s.bio, s.cyber]);
    // A purpose-specific rule adding a template makes it due again, missing only that one.
    let events = set_standard(
        &mut c,
        vec![
            rule(s.arch, &[s.bio], &[s.cyber]),
            for_purpose("general-assistant", &[s.bio, autonomy]),
        ],
    );
    assert!(kinds_of(&events).contains(&"renewal_due"));
    assert_eq!(model(&c, s.model).status, ModelStatus::RenewalDue);
}

#[test]
fn hostile_runner_and_report_inputs_are_refused_with_typed_errors() {
    let mut c = certify_chain();
    let s = setup(&mut c, &["code"]);
    // Only Auditor personnel register runners; a key once; auditor organisations only.
    assert_eq!(
        code_of(
            &mut c,
            "lena",
            register_runner("runner-2", RunnerBinding::Organisation(slug("aisi")))
        ),
        "not_auditor"
    );
    assert_eq!(
        code_of(
            &mut c,
            "audra",
            register_runner("runner-1", RunnerBinding::Organisation(slug("aisi")))
        ),
        "duplicate_runner"
    );
    assert_eq!(
        code_of(
            &mut c,
            "audra",
            register_runner("runner-2", RunnerBinding::Organisation(slug("mistral")))
        ),
        "invalid_runner_binding"
    );
    assert_eq!(
        code_of(
            &mut c,
            "audra",
            register_runner("runner-2", RunnerBinding::Hardware(42))
        ),
        "invalid_runner_binding"
    );
    // A report from a key that is not a registered runner.
    assert_eq!(
        code_of(
            &mut c,
            "stranger",
            submit(s.model, s.bio, Verdict::Pass, &[], "x1")
        ),
        "unknown_runner"
    );
    // Unknown template, unknown model, a template the standard does not require.
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(s.model, 999, Verdict::Pass, &[], "x2")
        ),
        "unknown_template"
    );
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(999, s.bio, Verdict::Pass, &[], "x3")
        ),
        "unknown_model"
    );
    let extra = approved_template(&mut c, TemplateKind::Audit, "extra", AUTONOMY_AUDIT);
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(s.model, extra, Verdict::Pass, &[], "x4")
        ),
        "template_not_required"
    );
    // Too many scores, a repeated score, a score name the engine refuses, a bad severity.
    let many: Vec<(String, i64)> = (0..65).map(|i| (format!("s{i}"), i)).collect();
    let many: Vec<(&str, i64)> = many.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(s.model, s.bio, Verdict::Pass, &many, "x5")
        ),
        "too_many_scores"
    );
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(s.model, s.bio, Verdict::Pass, &[("a", 1), ("a", 2)], "x6")
        ),
        "duplicate_score"
    );
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(s.model, s.bio, Verdict::Pass, &[("Bad Name", 1)], "x7")
        ),
        "invalid_report"
    );
    let mut bad = submit(s.model, s.bio, Verdict::Pass, &[], "x8");
    if let Call::Report(ReportCall::Submit(r)) = &mut bad {
        r.severity = 9;
    }
    assert_eq!(code_of(&mut c, "runner-1", bad), "invalid_severity");
    // A replayed report digest.
    c.ok(
        "runner-1",
        submit(s.model, s.bio, Verdict::Pass, &[], "once"),
    );
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(s.model, s.bio, Verdict::Pass, &[], "once")
        ),
        "duplicate_report"
    );
    // A model nobody declared, and a declaration by someone outside the lab.
    let other = inference_model(&mut c, "undeclared");
    assert_eq!(
        code_of(
            &mut c,
            "runner-1",
            submit(other, s.bio, Verdict::Pass, &[], "x9")
        ),
        "model_not_declared"
    );
    assert_eq!(
        code_of(&mut c, "audra", declare(other, s.arch, &[])),
        "not_owner_personnel"
    );
    // Declaring under a template that is not an architecture.
    assert_eq!(
        code_of(&mut c, "lena", declare(other, s.bio, &[])),
        "wrong_template_kind"
    );
    // A standard naming an unknown template is refused when proposing.
    let (code, message) = failure(&c.send(
        "alice",
        propose_call(
            Safety,
            "bad standard",
            vec![Action::SetStandard(SetStandard {
                rules: BoundedVec::new(vec![rule(s.arch, &[777], &[])]).unwrap(),
                reject_severity: 3,
            })],
        ),
    ));
    assert_eq!(code, "invalid_action");
    assert!(message.contains("unknown_template"), "{message}");
}
