//! Scenarios and properties of compute governance: the hardware registry (registration with a
//! device proof of possession, co-signed inspection records, approval by a Review vote with the
//! operator recused, periodic inspections falling due), the model registry (registration,
//! approval, training, the output registered with provenance), workloads and runs, and the OTK
//! drip (permits bound to the device, `seq` strictly increasing, rations within every budget,
//! halts in the same block).

mod support;

use aigov_state::{hardware, models, otk, workloads};
use aigov_types::codec::{BoundedString, BoundedVec};
use aigov_types::event::PhaseMismatch;
use aigov_types::event::{Event, EventRecord};
use aigov_types::governance::{Action, Choice, ProposalClass, ProposalStatus, Subject};
use aigov_types::hardware::{
    AcceleratorKind, ApproveHardware, ComputeParams, Cosignature, DEVICE_POP_NAMESPACE,
    FileInspection, Hardware, HardwareCall, HardwareStatus, INSPECTION_NAMESPACE, InspectionReport,
    InspectionResult, RegisterHardware, RevokeHardware, device_pop_message,
};
use aigov_types::model::{
    ApproveModel, Model, ModelCall, ModelStatus, Phase, PhaseBudgets, Provenance, RegisterModel,
    RevokeModel, Scope,
};
use aigov_types::otk::{OtkCall, OtkPermit, PermitStatus, ReportUsage};
use aigov_types::personnel::{Role, Roles};
use aigov_types::phase::{PhaseAction, Telemetry};
use aigov_types::workload::{
    CreateWorkload, HaltReason, HaltRun, Run, RunStatus, StartRun, WorkloadCall,
};
use aigov_types::{Call, Genesis, Hash};
use futures::executor::block_on;
use proptest::prelude::*;
use std::collections::BTreeMap;
use support::gov::*;
use support::*;

use Choice::Yes;
use ProposalClass::{Emergency, Review, System};

const REVIEWERS: [&str; 5] = ["alice", "fabien", "dora", "jun", "jiro"];
const RESPONDERS: [&str; 5] = ["alice", "fabien", "dora", "jun", "jiro"];

/// [gov_genesis] plus `hana` (de, `dc-berlin`, Hardware), `lena` (fr, `mistral`, Software),
/// inspectors `ines` (fr) and `ivan` (jp), `otto` (de, Inspector of `dc-berlin`), and funded
/// accounts for `hana`, `lena` and the devices `dev-1`, `dev-2`.
fn compute_chain(edit: impl FnOnce(&mut Genesis)) -> Chain {
    gov_chain(|g| {
        let mut people = g.personnel.as_slice().to_vec();
        let extra: [(&str, &str, Option<&str>, &[Role]); 5] = [
            ("hana", "de", Some("dc-berlin"), &[Role::Hardware]),
            ("lena", "fr", Some("mistral"), &[Role::Software]),
            ("ines", "fr", None, &[Role::Inspector]),
            ("ivan", "jp", None, &[Role::Inspector]),
            ("otto", "de", Some("dc-berlin"), &[Role::Inspector]),
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
        for name in ["hana", "lena", "dev-1", "dev-2"] {
            accounts.push(aigov_types::genesis::GenesisAccount {
                account: pk(name),
                gas: 5_000_000,
            });
        }
        g.accounts = BoundedVec::new(accounts).unwrap();
        edit(g);
    })
}

fn code_of(c: &mut Chain, name: &str, call: Call) -> String {
    failure_code(&c.send(name, call).outcome).unwrap_or_else(|| panic!("{name}'s call succeeded"))
}

fn register_hw_call(c: &Chain, device: &str, operator: &str) -> Call {
    let msg = device_pop_message(&c.genesis.hash(), &slug(operator), &pk(device));
    Call::Hardware(HardwareCall::Register(RegisterHardware {
        operator: slug(operator),
        device_key: pk(device),
        proof: key(device).sign(DEVICE_POP_NAMESPACE, &msg.0),
        accelerator: AcceleratorKind::NvidiaHopper,
        region: text("eu-central"),
        capabilities: BoundedVec::new(vec![text("cc-mode"), text("nvlink")]).unwrap(),
    }))
}

fn report(hw: u64, result: InspectionResult, nonce: &str) -> InspectionReport {
    InspectionReport {
        hardware: hw,
        inspected_ms: GENESIS_TIME_MS,
        members_present: BoundedVec::new(vec![slug("fr"), slug("de")]).unwrap(),
        findings: Hash::digest(&[nonce.as_bytes()]),
        seals: BoundedVec::new(vec![text("seal-0042")]).unwrap(),
        evidence: BoundedVec::new(vec![Hash::digest(&[b"photo"])]).unwrap(),
        result,
    }
}

fn inspect_call(c: &Chain, r: InspectionReport, cosigners: &[&str]) -> Call {
    let digest = r.digest(&c.genesis.hash());
    let cosigners = cosigners
        .iter()
        .map(|n| Cosignature {
            inspector: pk(n),
            signature: key(n).sign(INSPECTION_NAMESPACE, &digest.0),
        })
        .collect();
    Call::Hardware(HardwareCall::Inspect(FileInspection {
        report: r,
        cosigners: BoundedVec::new(cosigners).unwrap(),
    }))
}

fn budgets(pre: u64, post: u64, inf: u64) -> PhaseBudgets {
    PhaseBudgets {
        pre_train: pre,
        post_train: post,
        inference: inf,
    }
}

fn register_model_call(container: &str, parent: Option<u64>, prov: Option<Provenance>) -> Call {
    Call::Model(ModelCall::Register(RegisterModel {
        owner: slug("mistral"),
        name: text("Le Petit"),
        purpose: text("French legal drafting assistant"),
        scope: Scope::Narrow,
        phase: if prov.is_some() {
            Phase::Inference
        } else {
            Phase::PreTrain
        },
        parent,
        container_id: Hash::digest(&[container.as_bytes()]),
        documentation: Hash::digest(&[b"annex-xi"]),
        planned_training_compute: 1_000_000,
        provenance: prov,
    }))
}

/// Votes, closes voting and runs to the eta; returns the hook events.
fn pass(c: &mut Chain, id: u64, voters: &[&str]) -> Vec<EventRecord> {
    let votes: Vec<(&str, Choice)> = voters.iter().map(|v| (*v, Yes)).collect();
    c.votes(id, &votes);
    let ends = c.proposal(id).voting_ends_ms;
    let mut events = c.run_until(ends);
    let eta = c.proposal(id).eta_ms;
    events.extend(c.run_until(eta));
    assert_eq!(c.proposal(id).status, ProposalStatus::Executed, "{id}");
    events
}

fn enact(c: &mut Chain, class: ProposalClass, actions: Vec<Action>) -> Vec<EventRecord> {
    let title = format!("{} #{}", class.name(), c.proposal_count() + 1);
    let id = c.submit("alice", class, &title, actions);
    let voters: &[&str] = match class {
        Emergency => &RESPONDERS,
        System => &["alice", "fabien", "dora", "jun"],
        _ => &REVIEWERS,
    };
    pass(c, id, voters)
}

fn hw(c: &Chain, id: u64) -> Hardware {
    block_on(hardware::hardware(&c.store, id)).unwrap().unwrap()
}
fn model(c: &Chain, id: u64) -> Model {
    block_on(models::model(&c.store, id)).unwrap().unwrap()
}
fn run(c: &Chain, id: u64) -> Run {
    block_on(workloads::run(&c.store, id)).unwrap().unwrap()
}
fn permit(c: &Chain, id: u64) -> OtkPermit {
    block_on(otk::permit(&c.store, id)).unwrap().unwrap()
}
fn issued(events: &[EventRecord]) -> Vec<OtkPermit> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::OtkIssued(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}
fn report_call(otk_id: u64, used: u64, stage_done: bool) -> Call {
    Call::Otk(OtkCall::ReportUsage(ReportUsage {
        otk_id,
        used,
        stage_done,
        telemetry: None,
    }))
}

/// Registers `device` at `dc-berlin`, inspects it (ines with ivan) and approves it with
/// `b`; returns its id.
fn active_hardware(c: &mut Chain, device: &str, b: PhaseBudgets) -> u64 {
    bound_hardware(c, device, b, 0)
}

/// As [active_hardware], bound to Hardware template `template` (0: none).
fn bound_hardware(c: &mut Chain, device: &str, b: PhaseBudgets, template: u64) -> u64 {
    let call = register_hw_call(c, device, "dc-berlin");
    c.ok("hana", call);
    let id = block_on(hardware::count(&c.store)).unwrap();
    let call = inspect_call(c, report(id, InspectionResult::Pass, device), &["ivan"]);
    c.ok("ines", call);
    enact(
        c,
        Review,
        vec![Action::ApproveHardware(ApproveHardware {
            hardware: id,
            budgets: b,
            template,
        })],
    );
    assert_eq!(hw(c, id).status, HardwareStatus::Active);
    assert_eq!(hw(c, id).template, template);
    id
}

/// Registers a model of `mistral` and approves it with `b`; returns its id.
fn approved_model(c: &mut Chain, container: &str, b: PhaseBudgets) -> u64 {
    c.ok("lena", register_model_call(container, None, None));
    let id = block_on(models::count(&c.store)).unwrap();
    enact(
        c,
        Review,
        vec![Action::ApproveModel(ApproveModel {
            model: id,
            tier: 2,
            budgets: b,
        })],
    );
    id
}

/// A started training run of a new workload on `hardware`; returns (workload, run).
fn started_run(c: &mut Chain, model: u64, hardware: u64, budget: u64, stages: u16) -> (u64, u64) {
    c.ok(
        "lena",
        Call::Workload(WorkloadCall::Create(CreateWorkload {
            model,
            phase: Phase::PreTrain,
            budget,
        })),
    );
    let w = block_on(workloads::count(&c.store)).unwrap();
    c.ok(
        "lena",
        Call::Workload(WorkloadCall::StartRun(StartRun {
            workload: w,
            hardware,
            budget,
            stages,
        })),
    );
    (w, block_on(workloads::run_count(&c.store)).unwrap())
}

#[test]
fn hardware_is_registered_inspected_and_approved_by_a_review_vote_with_its_operator_recused() {
    let mut c = compute_chain(|_| {});
    let call = register_hw_call(&c, "dev-1", "dc-berlin");
    let out = c.ok("hana", call);
    assert_eq!(kinds(&out.events), ["hardware_registered", "tx_executed"]);
    assert_eq!(
        out.receipts[0].payer,
        aigov_types::receipt::GasPayer::Sender
    );
    let h = hw(&c, 1);
    assert_eq!(
        (h.status, h.seq, h.operator.as_str()),
        (HardwareStatus::Pending, 0, "dc-berlin")
    );
    assert_eq!(
        block_on(hardware::by_device(&c.store, &pk("dev-1"))).unwrap(),
        Some(1)
    );

    // No approval without a passing inspection.
    let approve = Action::ApproveHardware(ApproveHardware {
        hardware: 1,
        budgets: budgets(100_000, 0, 0),
        template: 0,
    });
    let id = c.submit(
        "alice",
        Review,
        "Approve dev-1 early",
        vec![approve.clone()],
    );
    // The operator's personnel are recused: bruno (dc-berlin) may not vote.
    assert!(
        c.proposal(id)
            .subjects
            .as_slice()
            .contains(&Subject::Organisation(slug("dc-berlin")))
    );
    assert_eq!(code_of(&mut c, "bruno", vote_call(id, Yes)), "recused");
    let votes: Vec<_> = REVIEWERS.iter().map(|v| (*v, Yes)).collect();
    c.votes(id, &votes);
    let ends = c.proposal(id).voting_ends_ms;
    c.run_until(ends);
    let eta = c.proposal(id).eta_ms;
    c.run_until(eta);
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    assert_eq!(
        p.execution_failure.unwrap().code.as_str(),
        "no_passing_inspection"
    );

    // ines files a record co-signed by ivan (members fr and jp); the pool pays the duty.
    let call = inspect_call(&c, report(1, InspectionResult::Pass, "first"), &["ivan"]);
    let out = c.ok("ines", call);
    assert_eq!(out.receipts[0].payer, aigov_types::receipt::GasPayer::Pool);
    let Event::InspectionFiled(f) = &out.events[0].event else {
        panic!("{:?}", out.events[0])
    };
    assert_eq!(
        (f.inspectors, f.members, f.result),
        (2, 2, InspectionResult::Pass)
    );
    let insp = block_on(hardware::inspection(&c.store, 1))
        .unwrap()
        .unwrap();
    assert_eq!(insp.inspectors.as_slice(), [pk("ines"), pk("ivan")]);

    let events = enact(&mut c, Review, vec![approve]);
    assert!(kinds(&events).contains(&"hardware_approved"));
    let h = hw(&c, 1);
    assert_eq!(h.status, HardwareStatus::Active);
    assert_eq!(h.budgets, budgets(100_000, 0, 0));
    assert_eq!(
        h.inspection_due_ms,
        insp.filed_ms + ComputeParams::default().inspection_interval_ms
    );
}

#[test]
fn hostile_hardware_registrations_and_inspections_are_refused_with_their_codes() {
    let mut c = compute_chain(|_| {});
    // Not Hardware personnel of the operator; not a datacenter; unknown organisation.
    let call = register_hw_call(&c, "dev-1", "dc-berlin");
    assert_eq!(code_of(&mut c, "lena", call), "not_operator_personnel");
    let call = register_hw_call(&c, "dev-1", "mistral");
    assert_eq!(code_of(&mut c, "hana", call), "not_a_datacenter");
    let call = register_hw_call(&c, "dev-1", "nowhere");
    assert_eq!(code_of(&mut c, "hana", call), "unknown_organisation");
    // A proof of possession by another key, or for another operator.
    let Call::Hardware(HardwareCall::Register(mut r)) = register_hw_call(&c, "dev-1", "dc-berlin")
    else {
        unreachable!()
    };
    r.proof = key("dev-2").sign(DEVICE_POP_NAMESPACE, b"whatever");
    assert_eq!(
        code_of(&mut c, "hana", Call::Hardware(HardwareCall::Register(r))),
        "invalid_device_proof"
    );
    let call = register_hw_call(&c, "dev-1", "dc-berlin");
    c.ok("hana", call);
    let call = register_hw_call(&c, "dev-1", "dc-berlin");
    assert_eq!(code_of(&mut c, "hana", call), "device_already_registered");

    // Inspections: not an inspector, the operator's own inspector, a bad or duplicate
    // co-signature, an unknown hardware, a replayed record.
    let call = inspect_call(&c, report(1, InspectionResult::Pass, "a"), &[]);
    assert_eq!(code_of(&mut c, "alice", call), "not_inspector");
    let call = inspect_call(&c, report(1, InspectionResult::Pass, "a"), &[]);
    assert_eq!(code_of(&mut c, "otto", call), "inspector_conflict");
    let call = inspect_call(&c, report(1, InspectionResult::Pass, "a"), &["ines"]);
    assert_eq!(code_of(&mut c, "ines", call), "duplicate_inspector");
    let Call::Hardware(HardwareCall::Inspect(mut f)) =
        inspect_call(&c, report(1, InspectionResult::Pass, "a"), &["ivan"])
    else {
        unreachable!()
    };
    f.report.result = InspectionResult::Fail; // the co-signature was over a passing record
    assert_eq!(
        code_of(&mut c, "ines", Call::Hardware(HardwareCall::Inspect(f))),
        "invalid_cosignature"
    );
    let call = inspect_call(&c, report(9, InspectionResult::Pass, "a"), &[]);
    assert_eq!(code_of(&mut c, "ines", call), "unknown_hardware");
    let call = inspect_call(&c, report(1, InspectionResult::Pass, "a"), &["ivan"]);
    c.ok("ines", call.clone());
    assert_eq!(code_of(&mut c, "ivan", call), "duplicate_inspection");
    assert_eq!(block_on(hardware::inspection_count(&c.store)).unwrap(), 1);
}

#[test]
fn a_model_is_approved_trained_on_dripped_permits_and_its_output_registered_with_provenance() {
    let mut c = compute_chain(|_| {});
    let h = active_hardware(&mut c, "dev-1", budgets(1_000_000, 0, 0));
    c.ok("lena", register_model_call("base-v1", None, None));
    let m = model(&c, 1);
    assert_eq!((m.status, m.tier), (ModelStatus::Pending, None));
    // Duplicate container IDs are refused; a workload needs an approved model.
    assert_eq!(
        code_of(&mut c, "lena", register_model_call("base-v1", None, None)),
        "duplicate_container_id"
    );
    let create = Call::Workload(WorkloadCall::Create(CreateWorkload {
        model: 1,
        phase: Phase::PreTrain,
        budget: 30_000,
    }));
    assert_eq!(code_of(&mut c, "lena", create), "model_not_approved");
    let approve = Action::ApproveModel(ApproveModel {
        model: 1,
        tier: 2,
        budgets: budgets(500_000, 0, 0),
    });
    let id = c.submit("alice", Review, "Approve Le Petit", vec![approve]);
    assert!(
        c.proposal(id)
            .subjects
            .as_slice()
            .contains(&Subject::Organisation(slug("mistral")))
    );
    pass(&mut c, id, &REVIEWERS);
    assert_eq!(model(&c, 1).status, ModelStatus::Approved);

    // A run starts: the model trains, and the drip issues two permits at the end of the block.
    let (_, r) = started_run(&mut c, 1, h, 30_000, 2);
    assert_eq!(model(&c, 1).status, ModelStatus::Training);
    let first = issued(&c.events());
    assert_eq!(first.len(), 2);
    let p = ComputeParams::default();
    for (i, x) in first.iter().enumerate() {
        assert_eq!(
            (x.run, x.hardware, x.device.clone(), x.seq),
            (r, h, pk("dev-1"), i as u64 + 1)
        );
        assert!(x.ration >= p.ration_min && x.ration <= p.ration_max);
        assert_eq!(x.expiry_ms, x.not_before_ms + p.permit_lifetime_ms);
    }
    assert_eq!(run(&c, r).outstanding.len(), 2);
    assert_eq!(
        block_on(otk::by_device_seq(&c.store, &pk("dev-1"), 2)).unwrap(),
        Some(first[1].otk_id)
    );

    // The device reports; the next permit follows in the same block, in seq order.
    let out = c.ok(
        "dev-1",
        report_call(first[0].otk_id, first[0].ration - 10, false),
    );
    let next = issued(&out.events);
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].seq, 3);
    assert_eq!(permit(&c, first[0].otk_id).status, PermitStatus::Reported);
    // The unused 10 units went back to every budget.
    let rr = run(&c, r);
    assert_eq!(
        rr.committed,
        first[0].ration - 10 + first[1].ration + next[0].ration
    );
    assert_eq!(hw(&c, h).committed.pre_train, rr.committed);
    assert_eq!(model(&c, 1).committed.pre_train, rr.committed);

    // Stage 0 done, then stage 1 done: the run completes and its outstanding permits go.
    c.ok("dev-1", report_call(first[1].otk_id, first[1].ration, true));
    assert_eq!(run(&c, r).stage, 1);
    let outstanding = run(&c, r).outstanding.as_slice().to_vec();
    let last = permit(&c, outstanding[0]);
    let out = c.ok("dev-1", report_call(last.otk_id, last.ration, true));
    assert!(kinds(&out.events).contains(&"run_completed"));
    let done = run(&c, r);
    assert_eq!(
        (done.status, done.outstanding.len()),
        (RunStatus::Completed, 0)
    );
    assert!(hw(&c, h).runs.is_empty());

    // The output is registered as a new Pending inference model with its provenance.
    let prov = Provenance {
        run: r,
        starting_checkpoint: model(&c, 1).container_id,
    };
    c.ok(
        "lena",
        register_model_call("base-v1-out", Some(1), Some(prov)),
    );
    let out_model = model(&c, 2);
    assert_eq!(
        (
            out_model.status,
            out_model.phase,
            out_model.parent,
            out_model.provenance
        ),
        (ModelStatus::Pending, Phase::Inference, Some(1), Some(prov))
    );
    // A provenance naming a run of another model, or no parent, is refused.
    let bad = Provenance { run: 99, ..prov };
    assert_eq!(
        code_of(&mut c, "lena", register_model_call("x", Some(1), Some(bad))),
        "invalid_provenance"
    );
    assert_eq!(
        code_of(&mut c, "lena", register_model_call("y", None, Some(prov))),
        "invalid_provenance"
    );
}

#[test]
fn usage_reports_from_another_key_replayed_or_oversized_are_refused() {
    let mut c = compute_chain(|_| {});
    let h = active_hardware(&mut c, "dev-1", budgets(1_000_000, 0, 0));
    let m = approved_model(&mut c, "base", budgets(1_000_000, 0, 0));
    started_run(&mut c, m, h, 50_000, 1);
    let p = issued(&c.events())[0].clone();
    assert_eq!(
        code_of(&mut c, "dev-2", report_call(p.otk_id, 1, false)),
        "not_the_device"
    );
    assert_eq!(
        code_of(&mut c, "dev-1", report_call(999, 1, false)),
        "unknown_permit"
    );
    assert_eq!(
        code_of(&mut c, "dev-1", report_call(p.otk_id, p.ration + 1, false)),
        "usage_exceeds_ration"
    );
    c.ok("dev-1", report_call(p.otk_id, 5, false));
    assert_eq!(
        code_of(&mut c, "dev-1", report_call(p.otk_id, 5, false)),
        "permit_already_reported"
    );
    // A device key without credits is refused at admission, never charged.
    let raw = c.signed("dev-9", report_call(p.otk_id, 1, false));
    assert_eq!(
        c.admit(&raw, Default::default()).unwrap_err().code(),
        "unknown_account"
    );
}

fn report_with(otk_id: u64, used: u64, t: Telemetry) -> Call {
    Call::Otk(OtkCall::ReportUsage(ReportUsage {
        otk_id,
        used,
        stage_done: false,
        telemetry: Some(t),
    }))
}

fn mismatches(events: &[EventRecord]) -> Vec<PhaseMismatch> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::PhaseMismatch(m) => Some(m.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn phase_detection_flags_a_weak_mismatch_and_cancels_the_workload_on_disguised_compute() {
    let mut c = compute_chain(|_| {});
    let h1 = active_hardware(&mut c, "dev-1", budgets(1_000_000, 0, 0));
    let h2 = active_hardware(&mut c, "dev-2", budgets(1_000_000, 0, 0));
    let m = approved_model(&mut c, "base", budgets(1_000_000, 0, 0));
    let (w, r1) = started_run(&mut c, m, h1, 50_000, 4);
    c.ok(
        "lena",
        Call::Workload(WorkloadCall::StartRun(StartRun {
            workload: w,
            hardware: h2,
            budget: 50_000,
            stages: 4,
        })),
    );
    let r2 = block_on(workloads::run_count(&c.store)).unwrap();
    let next = |c: &Chain, r: u64| run(c, r).outstanding.as_slice()[0];

    // Honest pre-training telemetry: nothing to say, the drip goes on.
    let out = c.ok(
        "dev-1",
        report_with(next(&c, r1), 10, Telemetry::typical(Phase::PreTrain)),
    );
    assert!(mismatches(&out.events).is_empty());
    assert!(kinds(&out.events).contains(&"otk_issued"));

    // A fine-tune's telemetry under a pre-training declaration: recorded for reviewers only.
    let out = c.ok(
        "dev-1",
        report_with(next(&c, r1), 10, Telemetry::typical(Phase::PostTrain)),
    );
    let flagged = mismatches(&out.events);
    assert_eq!(flagged.len(), 1, "{:?}", kinds(&out.events));
    assert_eq!(
        (flagged[0].declared, flagged[0].detected, flagged[0].action),
        (Phase::PreTrain, Phase::PostTrain, PhaseAction::Flagged)
    );
    assert_eq!(run(&c, r1).status, RunStatus::Running);
    assert!(kinds(&out.events).contains(&"otk_issued"));

    // Serving traffic where pre-training was approved: every run of the workload halts in the
    // same block, their permits are revoked and nothing more is issued.
    let out = c.ok(
        "dev-1",
        report_with(next(&c, r1), 10, Telemetry::typical(Phase::Inference)),
    );
    let cancel = mismatches(&out.events);
    assert_eq!(cancel.len(), 1);
    assert_eq!(cancel[0].action, PhaseAction::CanceledWorkload);
    assert_eq!(cancel[0].mismatch_bps, 10_000);
    for r in [r1, r2] {
        let run = run(&c, r);
        assert_eq!(
            (run.status, run.halt),
            (RunStatus::Halted, Some(HaltReason::PhaseMismatch))
        );
        assert!(run.outstanding.is_empty());
    }
    assert!(!kinds(&out.events).contains(&"otk_issued"));
    assert!(issued(&c.events()).iter().all(|p| {
        let now = permit(&c, p.otk_id);
        now.status != PermitStatus::Issued
    }));
}

/// The chain of the safeguard scenarios: an auditor organisation `aisi` (eu) with Auditor
/// `audra` and its runner `runner-1`; Approved templates: an architecture (cbrn red line), a
/// safeguard (`rsi`) and an audit (`bio`); a standard requiring them of narrow tier-2 models.
/// Returns (chain, arch, guard, audit).
fn safeguard_chain() -> (Chain, u64, u64, u64) {
    use aigov_types::personnel::OrganisationKind;
    use aigov_types::template::{
        ProposeTemplate, RegisterRunner, ReportCall, RunnerBinding, SetStandard, StandardRule,
        TemplateCall, TemplateKind, TemplateRef,
    };
    let mut c = compute_chain(|g| {
        let mut orgs = g.organisations.as_slice().to_vec();
        let mut aisi = orgs[0].clone();
        aisi.id = slug("aisi");
        aisi.member = slug("eu");
        aisi.kind = OrganisationKind::Auditor;
        orgs.push(aisi);
        g.organisations = BoundedVec::new(orgs).unwrap();
        let mut people = g.personnel.as_slice().to_vec();
        let mut audra = people[0].clone();
        audra.account = pk("audra");
        audra.member = slug("eu");
        audra.organisation = Some(slug("aisi"));
        audra.roles = Roles::from_roles(&[Role::Auditor]);
        audra.tier = 3;
        people.push(audra);
        g.personnel = BoundedVec::new(people).unwrap();
        let mut accounts = g.accounts.as_slice().to_vec();
        for name in ["audra", "runner-1", "runner-2"] {
            accounts.push(aigov_types::genesis::GenesisAccount {
                account: pk(name),
                gas: 5_000_000,
            });
        }
        g.accounts = BoundedVec::new(accounts).unwrap();
    });
    // An architecture template and a data-domain safeguard, approved; a standard requiring
    // the safeguard (and an audit, which only the output model will take).
    let template = |c: &mut Chain, kind, name: &str, policy: &str| {
        c.ok(
            "fabien",
            Call::Template(TemplateCall::Propose(ProposeTemplate {
                kind,
                name: text(name),
                spec_digest: Hash::digest(&[name.as_bytes()]),
                policy_text: BoundedString::new(policy).unwrap(),
                reference: None,
                physical: None,
            })),
        );
        let id = block_on(aigov_state::templates::count(&c.store)).unwrap();
        enact(
            c,
            ProposalClass::Safety,
            vec![Action::ApproveTemplate(TemplateRef { template: id })],
        );
        id
    };
    let arch = template(
        &mut c,
        TemplateKind::ModelArchitecture,
        "frontier",
        r#"@id("data.cbrn") forbid (principal, action, resource) when { resource.data_domains.contains("cbrn") };"#,
    );
    let guard = template(
        &mut c,
        TemplateKind::Safeguard,
        "rsi-monitor",
        r#"@id("rsi") forbid (principal, action == Aigov::Action::"certify", resource) when { context.report.hasTag("rsi") && context.report.getTag("rsi") > 10 };"#,
    );
    let audit = template(
        &mut c,
        TemplateKind::Audit,
        "bio-eval",
        r#"@id("bio") forbid (principal, action == Aigov::Action::"certify", resource) when { context.report.hasTag("bio") && context.report.getTag("bio") > 10 };"#,
    );
    enact(
        &mut c,
        ProposalClass::Safety,
        vec![Action::SetStandard(SetStandard {
            rules: BoundedVec::new(vec![StandardRule {
                architecture: arch,
                tier: 2,
                // The harness's models are narrow (a legal drafting assistant).
                scope: Scope::Narrow,
                purpose: None,
                safeguards: BoundedVec::new(vec![guard]).unwrap(),
                audits: BoundedVec::new(vec![audit]).unwrap(),
                live_audits: BoundedVec::new(vec![]).unwrap(),
            }])
            .unwrap(),
            reject_severity: 3,
        })],
    );
    c.ok(
        "audra",
        Call::Report(ReportCall::RegisterRunner(RegisterRunner {
            key: pk("runner-1"),
            binding: RunnerBinding::Organisation(slug("aisi")),
        })),
    );
    (c, arch, guard, audit)
}

#[test]
fn training_waits_for_pre_safety_safeguards_and_a_severe_failure_halts_its_runs() {
    use aigov_types::template::{ReportCall, SubmitReport, Verdict};
    let (mut c, arch, guard, audit) = safeguard_chain();
    // A model in training, declared, on two running runs.
    let h1 = active_hardware(&mut c, "dev-1", budgets(1_000_000, 0, 0));
    let h2 = active_hardware(&mut c, "dev-2", budgets(1_000_000, 0, 0));
    let m = approved_model(&mut c, "base", budgets(1_000_000, 0, 0));
    declare(&mut c, m, arch);
    c.ok(
        "lena",
        Call::Workload(WorkloadCall::Create(CreateWorkload {
            model: m,
            phase: Phase::PreTrain,
            budget: 100_000,
        })),
    );
    let w = block_on(workloads::count(&c.store)).unwrap();
    let start = |hardware| {
        Call::Workload(WorkloadCall::StartRun(StartRun {
            workload: w,
            hardware,
            budget: 50_000,
            stages: 4,
        }))
    };
    let report = |template: u64, scores: &[(&str, i64)], digest: &str| {
        Call::Report(ReportCall::Submit(SubmitReport {
            model: m,
            template,
            result: Verdict::Pass,
            severity: 0,
            scores: BoundedVec::new(
                scores
                    .iter()
                    .map(|(n, v)| aigov_types::template::Score {
                        name: text(n),
                        value: *v,
                    })
                    .collect(),
            )
            .unwrap(),
            report_digest: Hash::digest(&[digest.as_bytes()]),
            evidence: None,
        }))
    };
    // No compute before the pre-safety safeguard passes; audits wait for the output.
    assert_eq!(code_of(&mut c, "lena", start(h1)), "pre_safety_pending");
    assert_eq!(
        code_of(&mut c, "runner-1", report(audit, &[("bio", 1)], "a1")),
        "safeguards_only_in_training"
    );
    let out = c.ok("runner-1", report(guard, &[("rsi", 2)], "s1"));
    assert!(kinds(&out.events).contains(&"audit_report_filed"));
    c.ok("lena", start(h1));
    c.ok("lena", start(h2));
    let r2 = block_on(workloads::run_count(&c.store)).unwrap();
    let r1 = r2 - 1;
    assert_eq!(model(&c, m).status, ModelStatus::Training);
    // The runner says pass, but the red line fires: a fail at the reject severity halts both
    // runs of the model in the same block, revoking their permits.
    let out = c.ok("runner-1", report(guard, &[("rsi", 50)], "s2"));
    assert_eq!(
        kinds(&out.events)
            .iter()
            .filter(|k| **k == "run_halted")
            .count(),
        2
    );
    for r in [r1, r2] {
        let run = run(&c, r);
        assert_eq!(
            (run.status, run.halt),
            (RunStatus::Halted, Some(HaltReason::FailedSafeguard))
        );
        assert!(run.outstanding.is_empty());
    }
    assert_eq!(model(&c, m).status, ModelStatus::Training);
    // The failure took the safeguard's pass away: no new run until it passes again.
    assert_eq!(code_of(&mut c, "lena", start(h1)), "pre_safety_pending");
}

#[test]
fn a_halt_strength_mismatch_halts_only_its_run() {
    // Pre-training scale reported under a post-training declaration.
    let mut c = compute_chain(|_| {});
    let h = active_hardware(&mut c, "dev-1", budgets(0, 1_000_000, 0));
    let m = approved_model(&mut c, "tune", budgets(0, 1_000_000, 0));
    c.ok(
        "lena",
        Call::Workload(WorkloadCall::Create(CreateWorkload {
            model: m,
            phase: Phase::PostTrain,
            budget: 50_000,
        })),
    );
    let w = block_on(workloads::count(&c.store)).unwrap();
    c.ok(
        "lena",
        Call::Workload(WorkloadCall::StartRun(StartRun {
            workload: w,
            hardware: h,
            budget: 50_000,
            stages: 2,
        })),
    );
    let r = block_on(workloads::run_count(&c.store)).unwrap();
    let otk = run(&c, r).outstanding.as_slice()[0];
    let out = c.ok(
        "dev-1",
        report_with(otk, 10, Telemetry::typical(Phase::PreTrain)),
    );
    let m = mismatches(&out.events);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].action, PhaseAction::HaltedRun, "{:?}", m[0]);
    assert_eq!(run(&c, r).status, RunStatus::Halted);
}

proptest! {
    /// Rations drawn from any seed stay in the phase's bounds: training ones in
    /// [ration_min, ration_max], inference ones `inference_scale` times larger, with lifetimes
    /// scaled alike.
    #[test]
    fn inference_rations_and_lifetimes_are_scaled_and_stay_in_bounds(
        seed in any::<[u8; 32]>(), run in any::<u64>(), n in any::<u64>(),
        min in 1u64..1_000_000, extra in 0u64..1_000_000, scale in 1u32..1_000,
    ) {
        let p = ComputeParams {
            ration_min: min,
            ration_max: min + extra,
            inference_scale: scale,
            ..Default::default()
        };
        let seed = Hash(seed);
        for phase in [Phase::PreTrain, Phase::PostTrain] {
            let r = otk::ration(&seed, run, n, &p, phase);
            prop_assert!((min..=min + extra).contains(&r));
            prop_assert_eq!(p.for_phase(phase).2, p.permit_lifetime_ms);
        }
        let k = u64::from(scale);
        let r = otk::ration(&seed, run, n, &p, Phase::Inference);
        prop_assert!((min * k..=(min + extra) * k).contains(&r), "{r}");
        prop_assert_eq!(p.for_phase(Phase::Inference).2, p.permit_lifetime_ms * k);
    }
}

/// Rations are drawn from the block's consensus seed: the same block on the same state gives
/// the same permits under one seed, and other seeds cut other rations (always within bounds).
#[test]
fn the_drip_draws_its_rations_from_the_consensus_seed() {
    let mut c = compute_chain(|_| {});
    let h = active_hardware(&mut c, "dev-1", budgets(1_000_000, 0, 0));
    let m = approved_model(&mut c, "base", budgets(1_000_000, 0, 0));
    c.ok(
        "lena",
        Call::Workload(WorkloadCall::Create(CreateWorkload {
            model: m,
            phase: Phase::PreTrain,
            budget: 500_000,
        })),
    );
    let w = block_on(workloads::count(&c.store)).unwrap();
    // The block that starts the run issues its first permits.
    let start = c.signed(
        "lena",
        Call::Workload(WorkloadCall::StartRun(StartRun {
            workload: w,
            hardware: h,
            budget: 500_000,
            stages: 1,
        })),
    );
    let rations = |c: &mut Chain, seed: u8| -> Vec<u64> {
        c.seed = aigov_types::Hash([seed; 32]);
        let out = c
            .execute(std::slice::from_ref(&start), aigov_state::Mode::Verify)
            .unwrap();
        let permits = issued(&out.events);
        assert!(!permits.is_empty(), "the run's first block issues a permit");
        permits.iter().map(|p| p.ration).collect()
    };
    assert_eq!(rations(&mut c, 1), rations(&mut c, 1), "one seed, one draw");
    let draws: std::collections::BTreeSet<Vec<u64>> = (1..=8).map(|s| rations(&mut c, s)).collect();
    assert!(
        draws.len() > 1,
        "eight seeds cut the same rations: {draws:?}"
    );
    let params = ComputeParams::default();
    for r in draws.iter().flatten() {
        assert!((params.ration_min..=params.ration_max).contains(r), "{r}");
    }
}

#[test]
fn rations_never_exceed_the_smallest_remaining_budget_and_the_drip_pauses_when_it_is_spent() {
    let mut c = compute_chain(|_| {});
    // The hardware's pre-train budget (2 500) is the smallest: 1 000..10 000 rations are cut.
    let h = active_hardware(&mut c, "dev-1", budgets(2_500, 0, 0));
    let m = approved_model(&mut c, "base", budgets(1_000_000, 0, 0));
    let (_, r) = started_run(&mut c, m, h, 50_000, 1);
    let all = issued(&c.events());
    let total: u64 = all.iter().map(|p| p.ration).sum();
    assert!(total <= 2_500);
    assert_eq!(hw(&c, h).committed.pre_train, total);
    // Everything reported used: the budget is spent, nothing more is issued.
    let mut last = Vec::new();
    for p in &all {
        last = c.ok("dev-1", report_call(p.otk_id, p.ration, false)).events;
    }
    let total_now: u64 = run(&c, r).committed;
    assert!(total_now <= 2_500, "{total_now}");
    if total_now == 2_500 {
        assert!(kinds(&last).contains(&"drip_paused"));
    }
    // A training workload cannot use the inference budget: none was approved for the phase.
    assert_eq!(hw(&c, h).committed.inference, 0);
}

#[test]
fn revocation_an_inspection_falling_due_and_a_halt_stop_the_drip_in_the_same_block() {
    let mut c = compute_chain(|_| {});
    // Short periodic inspections: five minutes of block time.
    enact(
        &mut c,
        System,
        vec![Action::SetComputeParams(ComputeParams {
            inspection_interval_ms: 300_000,
            ..ComputeParams::default()
        })],
    );
    let h = active_hardware(&mut c, "dev-1", budgets(1_000_000, 0, 0));
    let m = approved_model(&mut c, "base", budgets(1_000_000, 0, 0));
    let (_, r) = started_run(&mut c, m, h, 500_000, 3);
    assert_eq!(run(&c, r).outstanding.len(), 2);

    // The inspection falls due: the hardware leaves Active and its permits are revoked in the
    // block that notices.
    let due = hw(&c, h).inspection_due_ms;
    let events = c.run_until(due + hardware::DUE_BUCKET_MS);
    assert_eq!(hw(&c, h).status, HardwareStatus::InspectionDue);
    assert_eq!(
        kinds(&events)
            .iter()
            .filter(|k| **k == "otk_revoked")
            .count(),
        2
    );
    assert!(run(&c, r).outstanding.is_empty());
    // A report of a revoked permit still returns its unused units, but no permit follows.
    let revoked = issued(&c.events())[1].clone();
    assert_eq!(permit(&c, revoked.otk_id).status, PermitStatus::Revoked);
    let out = c.ok("dev-1", report_call(revoked.otk_id, 0, false));
    assert!(issued(&out.events).is_empty());
    assert!(kinds(&out.events).contains(&"drip_paused"));

    // A passing inspection makes it Active again and the drip resumes, seq still increasing.
    let seq = hw(&c, h).seq;
    let call = inspect_call(&c, report(h, InspectionResult::Pass, "periodic"), &["ivan"]);
    let out = c.ok("ines", call);
    assert_eq!(hw(&c, h).status, HardwareStatus::Active);
    let resumed = issued(&out.events);
    assert_eq!(resumed.len(), 2);
    assert_eq!(resumed[0].seq, seq + 1);

    // An Emergency revocation: no permit in the executing block, the outstanding ones revoked.
    let id = c.submit(
        "alice",
        Emergency,
        "Seal breach at dc-berlin",
        vec![Action::RevokeHardware(RevokeHardware {
            hardware: h,
            reason: text("seal breach"),
        })],
    );
    let votes: Vec<_> = RESPONDERS.iter().map(|v| (*v, Yes)).collect();
    c.votes(id, &votes);
    let ends = c.proposal(id).voting_ends_ms;
    let events = c.run_until(ends);
    assert_eq!(c.proposal(id).status, ProposalStatus::Executed);
    assert_eq!(hw(&c, h).status, HardwareStatus::Revoked);
    assert!(issued(&events).is_empty());
    assert!(run(&c, r).outstanding.is_empty());
    // Re-inspection makes it Pending; it takes a Review vote to compute again.
    let call = inspect_call(
        &c,
        report(h, InspectionResult::Pass, "after breach"),
        &["ivan"],
    );
    c.ok("ines", call);
    assert_eq!(hw(&c, h).status, HardwareStatus::Pending);
    let events = enact(
        &mut c,
        Review,
        vec![Action::ApproveHardware(ApproveHardware {
            hardware: h,
            budgets: budgets(1_000_000, 0, 0),
            template: 0,
        })],
    );
    assert_eq!(issued(&events).len(), 2);

    // An Emergency halt: final.
    let events = enact(
        &mut c,
        Emergency,
        vec![Action::HaltRun(HaltRun {
            run: r,
            reason: HaltReason::PhaseMismatch,
        })],
    );
    assert!(kinds(&events).contains(&"run_halted"));
    let halted = run(&c, r);
    assert_eq!(
        (halted.status, halted.halt),
        (RunStatus::Halted, Some(HaltReason::PhaseMismatch))
    );
    let count = block_on(otk::count(&c.store)).unwrap();
    for _ in 0..5 {
        c.apply(&[]);
    }
    assert_eq!(block_on(otk::count(&c.store)).unwrap(), count);
    // Revoking the model halts its other runs too.
    let h2 = active_hardware(&mut c, "dev-2", budgets(1_000_000, 0, 0));
    let (_, r2) = started_run(&mut c, m, h2, 10_000, 1);
    enact(
        &mut c,
        Emergency,
        vec![Action::RevokeModel(RevokeModel {
            model: m,
            reason: text("red line crossed"),
        })],
    );
    assert_eq!(model(&c, m).status, ModelStatus::Revoked);
    assert_eq!(run(&c, r2).halt, Some(HaltReason::ModelRevoked));
}

// --- Properties ------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Step {
    /// The device reports the oldest outstanding permit of run `run % runs`.
    Report {
        run: u8,
        used_pct: u8,
        stage_done: bool,
    },
    /// A replayed or foreign report (must fail, change nothing but gas and nonce).
    Hostile {
        run: u8,
        foreign: bool,
    },
    /// Start one more run.
    Start {
        hw: u8,
        budget: u32,
    },
    /// The device of hardware `hw` answers its open integrity challenge, if any, with the
    /// allowed image or another one (a failure suspends the hardware).
    Answer {
        hw: u8,
        good: bool,
    },
    Empty,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0u8..4, 0u8..=100, prop::bool::weighted(0.15))
            .prop_map(|(run, used_pct, stage_done)| Step::Report { run, used_pct, stage_done }),
        1 => (0u8..4, any::<bool>()).prop_map(|(run, foreign)| Step::Hostile { run, foreign }),
        1 => (0u8..2, 1u32..40_000).prop_map(|(hw, budget)| Step::Start { hw, budget }),
        2 => (0u8..2, prop::bool::weighted(0.7)).prop_map(|(hw, good)| Step::Answer { hw, good }),
        1 => Just(Step::Empty),
    ]
}

/// Checks every budget invariant on the current state and the seq order of every permit.
fn check_invariants(c: &Chain) -> Result<(), TestCaseError> {
    let permits: Vec<(Vec<u8>, OtkPermit)> = entries(&c.store, b"otk/permit/");
    let mut per_run: BTreeMap<u64, u64> = BTreeMap::new();
    let mut per_device: BTreeMap<Vec<u8>, Vec<u64>> = BTreeMap::new();
    for (_, p) in &permits {
        let held = match p.status {
            PermitStatus::Reported => p.used,
            _ => p.ration,
        };
        *per_run.entry(p.run).or_default() += held;
        per_device
            .entry(p.device.as_bytes().to_vec())
            .or_default()
            .push(p.seq);
    }
    for n in 1..=block_on(workloads::run_count(&c.store)).unwrap() {
        let r = run(c, n);
        prop_assert!(r.committed <= r.budget, "run {} over budget", n);
        prop_assert_eq!(per_run.get(&n).copied().unwrap_or(0), r.committed);
        prop_assert!(r.outstanding.len() <= 2);
        // Leaving Active (suspension, revocation) revokes the run's permits in that block.
        if hw(c, r.hardware).status != HardwareStatus::Active {
            prop_assert!(
                r.outstanding.is_empty(),
                "run {} holds permits on inactive hardware",
                n
            );
        }
        let w = block_on(workloads::workload(&c.store, r.workload))
            .unwrap()
            .unwrap();
        prop_assert!(w.committed <= w.budget);
    }
    for n in 1..=block_on(hardware::count(&c.store)).unwrap() {
        let h = hw(c, n);
        for ph in Phase::ALL {
            prop_assert!(h.committed.get(ph) <= h.budgets.get(ph));
        }
        let seqs = per_device
            .get(h.device_key.as_bytes())
            .cloned()
            .unwrap_or_default();
        prop_assert_eq!(seqs.len() as u64, h.seq);
        // An open challenge is this hardware's and still Open; failures below the limit
        // leave it Suspended at worst.
        if h.challenge != 0 {
            let ch = block_on(aigov_state::integrity::challenge(&c.store, h.challenge))
                .unwrap()
                .unwrap();
            prop_assert_eq!(ch.hardware, n);
            prop_assert_eq!(ch.status, aigov_types::integrity::ChallengeStatus::Open);
        }
        prop_assert_eq!(
            h.status == HardwareStatus::Revoked,
            h.integrity_failures >= 3,
            "hardware {} has {} failures but is {:?}",
            n,
            h.integrity_failures,
            h.status
        );
    }
    for n in 1..=block_on(models::count(&c.store)).unwrap() {
        let m = model(c, n);
        for ph in Phase::ALL {
            prop_assert!(m.committed.get(ph) <= m.budgets.get(ph));
        }
    }
    // seq strictly increasing per device, in issuance (log) order.
    let mut last: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
    for e in c.events() {
        if let Event::OtkIssued(p) = &e.event {
            let prev = last
                .insert(p.device.as_bytes().to_vec(), p.seq)
                .unwrap_or(0);
            prop_assert!(p.seq > prev, "seq {} after {}", p.seq, prev);
        }
    }
    Ok(())
}

/// No permit was issued in `events` (one block's) unless, at the end of that block, its
/// hardware is Active, its model may train and its run is Running.
fn check_issuance(c: &Chain, events: &[EventRecord]) -> Result<(), TestCaseError> {
    for p in issued(events) {
        prop_assert_eq!(hw(c, p.hardware).status, HardwareStatus::Active);
        prop_assert!(model(c, p.model).status.may_train());
        let r = run(c, p.run);
        prop_assert!(r.status == RunStatus::Running || r.status == RunStatus::Completed);
        prop_assert!(r.halt.is_none());
    }
    Ok(())
}

/// A chain with two Active hardware (budgets 60 000 and 25 000), an approved model (budget
/// 80 000), and one run started on each.
/// The image the property chain's Hardware template allows.
fn allowed_image() -> Hash {
    Hash::digest(&[b"allowed image"])
}

fn property_chain() -> Chain {
    use aigov_types::integrity::IntegrityParams;
    let mut c = compute_chain(|_| {});
    enact(
        &mut c,
        System,
        vec![Action::SetComputeParams(ComputeParams {
            ration_min: 500,
            ration_max: 6_000,
            // Challenges every few blocks (blocks are 2 s apart); three failures revoke.
            integrity: IntegrityParams {
                interval_ms: 4_000,
                mean_wait_ms: 10_000,
                deadline_ms: 8_000,
                failures_to_revoke: 3,
            },
            ..ComputeParams::default()
        })],
    );
    let t = device_key_template(&mut c, allowed_image());
    let h1 = bound_hardware(&mut c, "dev-1", budgets(60_000, 0, 0), t);
    let h2 = bound_hardware(&mut c, "dev-2", budgets(25_000, 0, 0), t);
    let m = approved_model(&mut c, "base", budgets(80_000, 0, 0));
    started_run(&mut c, m, h1, 40_000, 4);
    started_run(&mut c, m, h2, 40_000, 4);
    c
}

/// The transactions of a step on `c` (possibly none).
fn step_txs(c: &Chain, s: &Step) -> Vec<bytes::Bytes> {
    let runs = block_on(workloads::run_count(&c.store)).unwrap();
    match s {
        Step::Report {
            run: n,
            used_pct,
            stage_done,
        } => {
            let r = run(c, u64::from(*n) % runs + 1);
            let Some(otk_id) = r.outstanding.as_slice().first().copied() else {
                return vec![];
            };
            let p = permit(c, otk_id);
            let used = p.ration * u64::from(*used_pct) / 100;
            let device = if p.hardware == 1 { "dev-1" } else { "dev-2" };
            vec![c.signed(device, report_call(otk_id, used, *stage_done))]
        }
        Step::Hostile { run: n, foreign } => {
            let r = run(c, u64::from(*n) % runs + 1);
            let Some(otk_id) = r.outstanding.as_slice().first().copied() else {
                return vec![];
            };
            let p = permit(c, otk_id);
            let own = if p.hardware == 1 { "dev-1" } else { "dev-2" };
            let other = if p.hardware == 1 { "dev-2" } else { "dev-1" };
            if *foreign {
                vec![c.signed(other, report_call(otk_id, 0, false))]
            } else {
                vec![c.signed(own, report_call(otk_id, p.ration + 1, true))]
            }
        }
        Step::Start { hw: h, budget } => {
            let call = Call::Workload(WorkloadCall::StartRun(StartRun {
                workload: 1,
                hardware: u64::from(*h) + 1,
                budget: u64::from(*budget),
                stages: 2,
            }));
            vec![c.signed("lena", call)]
        }
        Step::Answer { hw: h, good } => {
            let id = u64::from(*h) + 1;
            let open = hw(c, id).challenge;
            if open == 0 {
                return vec![];
            }
            let device = if id == 1 { "dev-1" } else { "dev-2" };
            let image = if *good {
                allowed_image()
            } else {
                Hash::digest(&[b"another image"])
            };
            vec![c.signed(device, answer_call(c, open, device, image))]
        }
        Step::Empty => vec![],
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Over random reports (partial use, stage ends), hostile reports, new runs and integrity
    /// challenges answered well, badly or not at all (suspending and revoking hardware):
    /// committed compute never exceeds any run's, workload's, hardware's (per phase) or
    /// model's (per phase) budget; it equals what permits hold; `seq` is strictly increasing
    /// per device; no permit is issued for non-Active hardware, a model that may not train, or
    /// a halted run, and none is outstanding on hardware that is not Active; and the same
    /// blocks on a fresh chain give the same state (determinism).
    #[test]
    fn the_drip_keeps_every_budget_and_order_invariant(steps in prop::collection::vec(step(), 1..30)) {
        let mut c = property_chain();
        let mut twin = property_chain();
        prop_assert_eq!(&c.store, &twin.store);
        for (i, s) in steps.iter().enumerate() {
            let txs = step_txs(&c, s);
            let out = c.apply(&txs);
            let twin_out = twin.apply(&txs);
            prop_assert_eq!(&out.events, &twin_out.events);
            check_issuance(&c, &out.events)?;
            check_invariants(&c)?;
            // Halfway, an Emergency halt of run 1: nothing is issued to it afterwards.
            if i == steps.len() / 2 {
                let before = block_on(otk::count(&c.store)).unwrap();
                let halted_run = run(&c, 1);
                if halted_run.status == RunStatus::Running {
                    let id = c.submit("alice", Emergency, &format!("halt {i}"),
                        vec![Action::HaltRun(HaltRun { run: 1, reason: HaltReason::Emergency })]);
                    twin.submit("alice", Emergency, &format!("halt {i}"),
                        vec![Action::HaltRun(HaltRun { run: 1, reason: HaltReason::Emergency })]);
                    let votes: Vec<_> = RESPONDERS.iter().map(|v| (*v, Yes)).collect();
                    c.votes(id, &votes);
                    twin.votes(id, &votes);
                    let ends = c.proposal(id).voting_ends_ms;
                    c.run_until(ends);
                    twin.run_until(ends);
                    prop_assert_eq!(run(&c, 1).status, RunStatus::Halted);
                    let after: Vec<OtkPermit> = (before + 1..=block_on(otk::count(&c.store)).unwrap())
                        .map(|n| permit(&c, n))
                        .collect();
                    // Whatever was issued after the halt went to other runs.
                    let since = c.proposal(id).eta_ms;
                    prop_assert!(after.iter().all(|p| p.run != 1 || p.not_before_ms < since));
                }
            }
        }
        prop_assert_eq!(&c.store, &twin.store);
    }
}

#[test]
fn hostile_bytes_in_compute_calls_decode_to_errors_not_panics() {
    use aigov_types::codec::{Encode, decode_slice};
    let call = Call::Otk(OtkCall::ReportUsage(ReportUsage {
        otk_id: 1,
        used: 2,
        stage_done: true,
        telemetry: Some(aigov_types::phase::Telemetry {
            data_bytes: 1,
            compute_units: 2,
            peak_memory_mib: 3,
            precision: aigov_types::phase::Precision::Int8,
            batch_size: 4,
            energy_wh: 5,
            duration_ms: 6,
            backward_share_bps: 7,
            device_count: 8,
            interconnect_bytes: 9,
            output_bytes: 10,
        }),
    }));
    let bytes = call.encode();
    for cut in 0..bytes.len() {
        assert!(decode_slice::<Call>(&bytes[..cut]).is_err());
    }
    // An inspection record with more co-signers than allowed does not decode.
    let c = compute_chain(|_| {});
    let Call::Hardware(HardwareCall::Inspect(f)) =
        inspect_call(&c, report(1, InspectionResult::Pass, "x"), &["ivan"])
    else {
        unreachable!()
    };
    let mut raw = Vec::new();
    raw.extend(f.report.encode());
    raw.extend(vec![f.cosigners.as_slice()[0].clone(); 17].encode());
    assert!(decode_slice::<FileInspection>(&raw).is_err());
    let _: BoundedString<8> = text("ok");
}

// ------------------------------------------------------------------ integrity challenges

/// Proposes and approves (Safety) a Hardware template whose device-key reference values allow
/// `measurement`; returns its id.
fn device_key_template(c: &mut Chain, measurement: Hash) -> u64 {
    physical_template(c, measurement, None)
}

/// As [device_key_template], with a physical policy.
fn physical_template(
    c: &mut Chain,
    measurement: Hash,
    physical: Option<aigov_types::physical::PhysicalPolicy>,
) -> u64 {
    use aigov_types::template::{TemplateCall, TemplateRef};
    c.ok(
        "fabien",
        Call::Template(TemplateCall::Propose(hardware_template(
            measurement,
            physical,
        ))),
    );
    let id = block_on(aigov_state::templates::count(&c.store)).unwrap();
    enact(
        c,
        ProposalClass::Safety,
        vec![Action::ApproveTemplate(TemplateRef { template: id })],
    );
    id
}

fn hardware_template(
    measurement: Hash,
    physical: Option<aigov_types::physical::PhysicalPolicy>,
) -> aigov_types::template::ProposeTemplate {
    use aigov_types::integrity::{Allow, DeviceKeyReference, HardwareReference};
    use aigov_types::template::{ProposeTemplate, TemplateKind};
    let reference = HardwareReference::DeviceKey(DeviceKeyReference {
        measurements: Allow {
            any: false,
            values: BoundedVec::new(vec![
                aigov_types::BoundedBytes::new(measurement.0.to_vec()).unwrap(),
            ])
            .unwrap(),
        },
    });
    ProposeTemplate {
        kind: TemplateKind::Hardware,
        name: text("rack-node"),
        spec_digest: Hash::digest(&[b"rack-node spec"]),
        policy_text: BoundedString::new(
            r#"@id("data.cbrn") forbid (principal, action, resource) when { resource.data_domains.contains("cbrn") };"#,
        )
        .unwrap(),
        reference: Some(reference),
        physical,
    }
}

fn answer_call(c: &Chain, challenge: u64, signer: &str, measurement: Hash) -> Call {
    physical_answer(c, challenge, signer, measurement, |_| Default::default())
}

/// An answer whose physical evidence `physical` makes from the challenge's nonce.
fn physical_answer(
    c: &Chain,
    challenge: u64,
    signer: &str,
    measurement: Hash,
    physical: impl FnOnce(&Hash) -> aigov_types::physical::PhysicalEvidence,
) -> Call {
    use aigov_types::integrity::{AnswerChallenge, ChallengeEvidence};
    let nonce = block_on(aigov_state::integrity::challenge(&c.store, challenge))
        .unwrap()
        .map(|ch| ch.nonce)
        .unwrap_or_default();
    Call::Hardware(HardwareCall::AnswerChallenge(AnswerChallenge {
        challenge,
        evidence: ChallengeEvidence::device_key(&key(signer), &nonce, measurement),
        physical: physical(&nonce),
    }))
}

/// Runs blocks until hardware `h` has an open challenge (at most a simulated day).
fn await_challenge(c: &mut Chain, h: u64) -> (u64, Vec<EventRecord>) {
    let mut events = Vec::new();
    let until = c.now() + 24 * 3_600_000;
    while hw(c, h).challenge == 0 {
        assert!(c.now() < until, "no challenge came to hardware {h}");
        c.skip(60_000);
        events.extend(c.apply(&[]).events);
    }
    (hw(c, h).challenge, events)
}

/// A compute chain whose System vote made challenges frequent (a mean wait of 30 minutes, 5
/// to answer), revoking at `failures_to_revoke`.
fn challenged_chain(failures_to_revoke: u32) -> Chain {
    let mut c = compute_chain(|_| {});
    let params = ComputeParams {
        integrity: aigov_types::integrity::IntegrityParams {
            interval_ms: 10 * 60_000,
            mean_wait_ms: 30 * 60_000,
            deadline_ms: 5 * 60_000,
            failures_to_revoke,
        },
        ..ComputeParams::default()
    };
    enact(&mut c, System, vec![Action::SetComputeParams(params)]);
    c
}

/// Sends dev-1's answer `call` and returns the verdict of the one challenge it closed.
fn verdict(c: &mut Chain, call: Call) -> aigov_types::event::ChallengeClosed {
    let shut = closed(&c.ok("dev-1", call).events);
    assert_eq!(shut.len(), 1, "{shut:?}");
    shut[0].clone()
}

fn closed(events: &[EventRecord]) -> Vec<aigov_types::event::ChallengeClosed> {
    events
        .iter()
        .filter_map(|e| match &e.event {
            Event::ChallengeClosed(x) => Some(x.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn integrity_challenges_suspend_on_failure_reinstate_by_vote_and_revoke_at_the_limit() {
    use aigov_types::integrity::ChallengeStatus;
    // Frequent challenges, two failures revoke.
    let mut c = challenged_chain(2);
    let good = Hash::digest(&[b"approved stack"]);
    let t = device_key_template(&mut c, good);

    let h = bound_hardware(&mut c, "dev-1", budgets(10_000_000, 0, 0), t);
    let m = approved_model(&mut c, "integrity-model", budgets(10_000_000, 0, 0));
    let (_, r) = started_run(&mut c, m, h, 10_000_000, 1);
    assert_eq!(run(&c, r).status, RunStatus::Running);

    // 1. A challenge comes; the nonce is the chain's.
    let (ch, events) = await_challenge(&mut c, h);
    let challenge = block_on(aigov_state::integrity::challenge(&c.store, ch))
        .unwrap()
        .unwrap();
    assert_eq!(challenge.status, ChallengeStatus::Open);
    assert!(events.iter().any(|e| matches!(&e.event,
        Event::ChallengeIssued(i) if i.challenge == ch && i.nonce == challenge.nonce)));
    // Someone else's key, a non-device: refused, nothing changes.
    let call = answer_call(&c, ch, "dev-2", good);
    assert_eq!(code_of(&mut c, "dev-2", call), "not_a_device");
    assert_eq!(hw(&c, h).status, HardwareStatus::Active);

    // 2. Evidence of a stack the template does not allow: Failed, Suspended, permits revoked
    // in the same block, and the drip stops.
    let call = answer_call(&c, ch, "dev-1", Hash::digest(&[b"tampered stack"]));
    let out = c.ok("dev-1", call);
    let shut = closed(&out.events);
    assert_eq!(shut.len(), 1);
    assert_eq!(shut[0].status, ChallengeStatus::Failed);
    assert!(
        shut[0].reason.as_str().contains("not among"),
        "{}",
        shut[0].reason.as_str()
    );
    assert_eq!(hw(&c, h).status, HardwareStatus::Suspended);
    assert_eq!(hw(&c, h).integrity_failures, 1);
    assert!(
        out.events
            .iter()
            .any(|e| matches!(e.event, Event::OtkRevoked(_)))
    );
    let later = c.run_until(c.now() + 20_000);
    assert!(issued(&later).is_empty(), "suspended hardware got a permit");
    // A closed challenge cannot be answered again.
    let call = answer_call(&c, ch, "dev-1", good);
    assert_eq!(code_of(&mut c, "dev-1", call), "challenge_closed");

    // 3. A Review vote reinstates it; the drip resumes.
    let events = enact(
        &mut c,
        Review,
        vec![Action::ApproveHardware(ApproveHardware {
            hardware: h,
            budgets: budgets(10_000_000, 0, 0),
            template: 0,
        })],
    );
    assert_eq!(hw(&c, h).status, HardwareStatus::Active);
    assert!(!issued(&events).is_empty(), "the drip did not resume");

    // 4. The next challenge answered with the approved stack passes.
    let (ch2, _) = await_challenge(&mut c, h);
    assert!(ch2 > ch);
    let call = answer_call(&c, ch2, "dev-1", good);
    let out = c.ok("dev-1", call);
    assert_eq!(closed(&out.events)[0].status, ChallengeStatus::Passed);
    assert_eq!(hw(&c, h).status, HardwareStatus::Active);
    assert_eq!(hw(&c, h).challenge, 0);

    // 5. A missed deadline is the second failure: revoked.
    let (ch3, _) = await_challenge(&mut c, h);
    let deadline = block_on(aigov_state::integrity::challenge(&c.store, ch3))
        .unwrap()
        .unwrap()
        .deadline_ms;
    let events = c.run_until(deadline + 2 * hardware::DUE_BUCKET_MS);
    let shut = closed(&events);
    assert_eq!(shut.len(), 1);
    assert_eq!(shut[0].status, ChallengeStatus::Missed);
    assert_eq!(hw(&c, h).status, HardwareStatus::Revoked);
    assert_eq!(hw(&c, h).integrity_failures, 2);
    // Too late to answer now.
    let call = answer_call(&c, ch3, "dev-1", good);
    assert_eq!(code_of(&mut c, "dev-1", call), "challenge_closed");
}

#[test]
fn a_template_s_physical_policy_makes_every_answer_show_its_seals_and_location() {
    use aigov_types::integrity::ChallengeStatus;
    use aigov_types::physical::{
        GeoPoint, GeoRegion, LANDMARK_NAMESPACE, Landmark, PhysicalEvidence, PhysicalPolicy,
        RoundTrip, round_trip_message,
    };
    use aigov_types::template::{TemplateCall, TemplateKind};
    let mut c = challenged_chain(3);
    let berlin = GeoPoint {
        lat_udeg: 52_520_008,
        lon_udeg: 13_404_954,
    };
    let policy = PhysicalPolicy {
        seals: true,
        region: Some(GeoRegion {
            centre: berlin,
            radius_m: 50_000,
        }),
        landmarks: BoundedVec::new(vec![Landmark {
            name: text("berlin-1"),
            key: pk("landmark-1"),
            at: berlin,
        }])
        .unwrap(),
        min_landmarks: 1,
    };
    let good = Hash::digest(&[b"approved stack"]);

    // Malformed policies, or one on a template of another kind, are refused at proposal.
    let mut bad = policy.clone();
    bad.min_landmarks = 2;
    let call = Call::Template(TemplateCall::Propose(hardware_template(good, Some(bad))));
    assert_eq!(code_of(&mut c, "fabien", call), "invalid_physical_policy");
    let mut other_kind = hardware_template(good, Some(policy.clone()));
    other_kind.kind = TemplateKind::Workload;
    other_kind.reference = None;
    let call = Call::Template(TemplateCall::Propose(other_kind));
    assert_eq!(code_of(&mut c, "fabien", call), "invalid_physical_policy");

    let t = physical_template(&mut c, good, Some(policy));
    let h = bound_hardware(&mut c, "dev-1", budgets(10_000_000, 0, 0), t);
    let m = approved_model(&mut c, "physical-model", budgets(10_000_000, 0, 0));
    started_run(&mut c, m, h, 10_000_000, 1);
    // The landmark timed 0.2 ms (≤ 20 km from Berlin) for this challenge and device.
    let timed = |nonce: &Hash, rtt_us: u64, seals: &[&str]| PhysicalEvidence {
        seals: BoundedVec::new(seals.iter().map(|s| text(s)).collect()).unwrap(),
        round_trips: BoundedVec::new(vec![RoundTrip {
            landmark: pk("landmark-1"),
            rtt_us,
            signature: key("landmark-1").sign(
                LANDMARK_NAMESPACE,
                &round_trip_message(nonce, &pk("dev-1"), rtt_us),
            ),
        }])
        .unwrap(),
    };

    // 1. Platform evidence alone is not enough: no seals, no landmark.
    let (ch, _) = await_challenge(&mut c, h);
    let call = answer_call(&c, ch, "dev-1", good);
    let shut = verdict(&mut c, call);
    assert_eq!(shut.status, ChallengeStatus::Failed);
    assert!(
        shut.reason.as_str().contains("seal-0042"),
        "{}",
        shut.reason
    );
    assert_eq!(hw(&c, h).status, HardwareStatus::Suspended);
    enact(
        &mut c,
        Review,
        vec![Action::ApproveHardware(ApproveHardware {
            hardware: h,
            budgets: budgets(10_000_000, 0, 0),
            template: 0,
        })],
    );

    // 2. The inspection's seal intact and the landmark's round trip: Passed.
    let (ch, _) = await_challenge(&mut c, h);
    let call = physical_answer(&c, ch, "dev-1", good, |n| timed(n, 200, &["seal-0042"]));
    let shut = verdict(&mut c, call);
    assert_eq!(shut.status, ChallengeStatus::Passed, "{}", shut.reason);
    assert_eq!(hw(&c, h).status, HardwareStatus::Active);

    // 3. A round trip too slow to place it in the region (6 ms: up to 600 km): Failed.
    let (ch, _) = await_challenge(&mut c, h);
    let call = physical_answer(&c, ch, "dev-1", good, |n| timed(n, 6_000, &["seal-0042"]));
    let shut = verdict(&mut c, call);
    assert_eq!(shut.status, ChallengeStatus::Failed);
    assert!(
        shut.reason.as_str().starts_with("location"),
        "{}",
        shut.reason
    );
    assert_eq!(hw(&c, h).status, HardwareStatus::Suspended);
    assert_eq!(hw(&c, h).integrity_failures, 2);
}

#[test]
fn a_review_vote_rebinds_active_hardware_to_new_budgets_and_a_template() {
    let mut c = challenged_chain(3);
    let h = active_hardware(&mut c, "dev-1", budgets(1_000, 0, 0));
    let before = hw(&c, h);
    assert_eq!(before.template, 0);
    let t = device_key_template(&mut c, Hash::digest(&[b"firmware v2"]));
    let events = enact(
        &mut c,
        Review,
        vec![Action::ApproveHardware(ApproveHardware {
            hardware: h,
            budgets: budgets(5_000, 0, 0),
            template: t,
        })],
    );
    let after = hw(&c, h);
    assert_eq!(after.status, HardwareStatus::Active);
    assert_eq!((after.template, after.budgets), (t, budgets(5_000, 0, 0)));
    // Its standing is unchanged: same inspection cycle, no status change.
    assert_eq!(after.inspection_due_ms, before.inspection_due_ms);
    assert!(
        !events
            .iter()
            .any(|e| matches!(&e.event, Event::HardwareStatusChanged(x) if x.hardware == h))
    );
    // Bound now, so challenged during its runs.
    let m = approved_model(&mut c, "rebound-model", budgets(5_000, 0, 0));
    started_run(&mut c, m, h, 5_000, 1);
    let (ch, _) = await_challenge(&mut c, h);
    assert!(ch > 0);
}

/// Declares model `m` under `arch` (narrow facts, code data).
fn declare(c: &mut Chain, m: u64, arch: u64) {
    use aigov_types::template::{Access, DeclareModel, Modality, ModelFactsDecl};
    c.ok(
        "lena",
        Call::Model(ModelCall::Declare(DeclareModel {
            model: m,
            architecture: arch,
            facts: ModelFactsDecl {
                purpose: slug("general-assistant"),
                access: Access::Api,
                parameter_count: 7_000_000_000,
                training_energy_mwh: 100,
                context_window_tokens: 8_192,
                input_modalities: BoundedVec::new(vec![Modality::Text]).unwrap(),
                output_modalities: BoundedVec::new(vec![Modality::Text]).unwrap(),
                data_domains: BoundedVec::new(vec![slug("code")]).unwrap(),
                data_provenance: BoundedVec::new(vec![]).unwrap(),
            },
        })),
    );
}

#[test]
fn a_tee_runner_s_report_needs_evidence_of_its_hardware_binding_that_very_report() {
    use aigov_types::integrity::ChallengeEvidence;
    use aigov_types::template::{RegisterRunner, ReportCall, RunnerBinding, SubmitReport, Verdict};
    let (mut c, arch, guard, _) = safeguard_chain();
    let image = Hash::digest(&[b"eval enclave image"]);
    let t = device_key_template(&mut c, image);
    // tee-box: hardware of dc-berlin (not the lab), bound to the template.
    let h = bound_hardware(&mut c, "dev-1", budgets(1_000, 0, 0), t);
    c.ok(
        "audra",
        Call::Report(ReportCall::RegisterRunner(RegisterRunner {
            key: pk("runner-2"),
            binding: RunnerBinding::Hardware(h),
        })),
    );
    let m = approved_model(&mut c, "tee-audited", budgets(1_000_000, 0, 0));
    declare(&mut c, m, arch);
    let bare = SubmitReport {
        model: m,
        template: guard,
        result: Verdict::Pass,
        severity: 0,
        scores: BoundedVec::new(vec![]).unwrap(),
        report_digest: Hash::digest(&[b"tee report 1"]),
        evidence: None,
    };
    let attested = |r: &SubmitReport, signer: &str, measurement: Hash| {
        let nonce = r.binding(&pk("runner-2"));
        SubmitReport {
            evidence: Some(ChallengeEvidence::device_key(
                &key(signer),
                &nonce,
                measurement,
            )),
            ..r.clone()
        }
    };
    let send = |c: &mut Chain, r: SubmitReport| {
        code_of(c, "runner-2", Call::Report(ReportCall::Submit(r)))
    };
    // No evidence.
    assert_eq!(send(&mut c, bare.clone()), "report_evidence_required");
    // Evidence made for another report (another digest).
    let other = SubmitReport {
        report_digest: Hash::digest(&[b"tee report 0"]),
        ..bare.clone()
    };
    let mut stale = attested(&other, "dev-1", image);
    stale.report_digest = bare.report_digest;
    assert_eq!(send(&mut c, stale), "report_evidence_invalid");
    // Signed by another key than the hardware's device key.
    assert_eq!(
        send(&mut c, attested(&bare, "dev-2", image)),
        "report_evidence_invalid"
    );
    // An image the template does not allow.
    let wrong = Hash::digest(&[b"patched image"]);
    assert_eq!(
        send(&mut c, attested(&bare, "dev-1", wrong)),
        "report_evidence_invalid"
    );
    // The real thing: filed, with the evidence's digest on record.
    c.ok(
        "runner-2",
        Call::Report(ReportCall::Submit(attested(&bare, "dev-1", image))),
    );
    let filed = block_on(aigov_state::certify::report(&c.store, 1))
        .unwrap()
        .unwrap();
    assert_eq!(filed.report_digest, bare.report_digest);
    assert!(filed.evidence_digest.is_some());
}
