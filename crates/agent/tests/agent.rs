//! The agent against a real chain in the test process: permits dripped by the real state
//! machine, proven by the real node, checked offline. Refusals use those real proofs (or
//! their bytes tampered with); the end-to-end test lets the agent compute, report, and
//! receive the next permit.

mod support;

use aigov_agent::{
    AgentEvent, Device, DeviceConfig, Limits, Refusal, SimOptions, Verifier, simulate,
};
use aigov_client::{GroupIdentity, ProofError, verify_state_proof};
use aigov_types::PrivateKey;
use aigov_types::codec::{BoundedBytes, Encode};
use aigov_types::otk::{OtkPermit, PermitStatus};
use aigov_types::proof::StateProof;
use std::time::Duration;
use support::*;

/// device-1's verifier.
fn verifier(f: &Fixture) -> Verifier {
    Verifier::new(f.chain.identity, f.chain.key("device-1").public_key())
}

/// The time of the block `proof` is against.
fn block_time(f: &Fixture, proof: &StateProof) -> u64 {
    verify_state_proof(proof, &f.chain.identity)
        .unwrap()
        .time_ms
}

/// A device clock at which permit `i` of the fixture is valid and its proof fresh.
fn good_time(f: &Fixture, i: usize) -> u64 {
    let t = block_time(f, &f.proofs[i]).max(f.permits[i].not_before_ms);
    assert!(t < f.permits[i].expiry_ms);
    t + 1
}

fn first(f: &Fixture) -> (&OtkPermit, &StateProof) {
    (&f.permits[0], &f.proofs[0])
}

#[test]
fn a_genuine_permit_is_accepted() {
    let f = fixture();
    let (p, proof) = first(f);
    assert_eq!(p.seq, 1);
    let ok = verifier(f)
        .check(p.otk_id, proof, good_time(f, 0), None)
        .unwrap();
    assert_eq!(&ok.permit, p);
    assert_eq!(ok.permit.device, f.chain.key("device-1").public_key());
    // The next one, after the first was accepted.
    let ok2 = verifier(f)
        .check(f.permits[1].otk_id, &f.proofs[1], good_time(f, 1), Some(1))
        .unwrap();
    assert_eq!(ok2.permit.seq, 2);
}

#[test]
fn a_forged_permit_is_refused() {
    let f = fixture();
    let (p, proof) = first(f);
    let now = good_time(f, 0);
    let v = verifier(f);

    // A bigger ration written into the proven value.
    let mut richer = p.clone();
    richer.ration *= 100;
    let mut forged = proof.clone();
    forged.value = Some(BoundedBytes::new(richer.encode().to_vec()).unwrap());
    match v.check(p.otk_id, &forged, now, None) {
        Err(Refusal::Forged(ProofError::BadStateProof { .. })) => {}
        other => panic!("a richer ration passed: {other:?}"),
    }

    // The permit re-bound to another device.
    let mut stolen = p.clone();
    stolen.device = PrivateKey::generate().public_key();
    let mut forged = proof.clone();
    forged.value = Some(BoundedBytes::new(stolen.encode().to_vec()).unwrap());
    assert!(matches!(
        v.check(p.otk_id, &forged, now, None),
        Err(Refusal::Forged(_))
    ));

    // One byte flipped anywhere in the certificate, the header or the QMDB proof.
    for field in 0..3 {
        let mut forged = proof.clone();
        let bytes = match field {
            0 => forged.finalization.as_slice().to_vec(),
            1 => forged.header.as_slice().to_vec(),
            _ => forged.proof.as_slice().to_vec(),
        };
        for at in [0, bytes.len() / 2, bytes.len() - 1] {
            let mut b = bytes.clone();
            b[at] ^= 0x01;
            match field {
                0 => forged.finalization = BoundedBytes::new(b).unwrap(),
                1 => forged.header = BoundedBytes::new(b).unwrap(),
                _ => forged.proof = BoundedBytes::new(b).unwrap(),
            }
            let r = v.check(p.otk_id, &forged, now, None);
            assert!(
                matches!(r, Err(Refusal::Forged(_))),
                "field {field} byte {at}: {r:?}"
            );
        }
    }

    // A genuine proof checked against another chain's group key.
    let other_group = aigov_chain::setup::deal(&[PrivateKey::generate().public_key()])
        .unwrap()
        .polynomial()
        .clone();
    let other = GroupIdentity::from_polynomial_bytes(&other_group.encode()).unwrap();
    let r = Verifier::new(other, p.device.clone()).check(p.otk_id, proof, now, None);
    assert!(
        matches!(r, Err(Refusal::Forged(ProofError::BadCertificate { .. }))),
        "{r:?}"
    );
    // A missing proof is no proof (what the agent does when a node sends none).
    assert_eq!(Refusal::Forged(ProofError::MissingProof).code(), "forged");
}

#[test]
fn an_expired_permit_is_refused() {
    let f = fixture();
    let (p, proof) = first(f);
    let mut v = verifier(f);
    // Freshness is not what is tested here.
    v.max_proof_age_ms = u64::MAX;
    for now in [p.expiry_ms, p.expiry_ms + 1, p.expiry_ms + 86_400_000] {
        match v.check(p.otk_id, proof, now, None) {
            Err(Refusal::Expired { expiry_ms, now_ms }) => {
                assert_eq!((expiry_ms, now_ms), (p.expiry_ms, now));
            }
            other => panic!("at {now}: {other:?}"),
        }
    }
    assert!(v.check(p.otk_id, proof, p.expiry_ms - 1, None).is_ok());
    // And before its window.
    let r = v.check(p.otk_id, proof, p.not_before_ms - 1, None);
    assert!(matches!(r, Err(Refusal::NotYetValid { .. })), "{r:?}");
}

#[test]
fn a_replayed_permit_is_refused() {
    let f = fixture();
    let (p, proof) = first(f);
    let v = verifier(f);
    let now = good_time(f, 0);
    for last in [p.seq, p.seq + 1, 1_000] {
        match v.check(p.otk_id, proof, now, Some(last)) {
            Err(Refusal::Replayed { seq, last_seq }) => assert_eq!((seq, last_seq), (p.seq, last)),
            other => panic!("last seq {last}: {other:?}"),
        }
    }
    // The second permit presented after itself.
    let r = v.check(f.permits[1].otk_id, &f.proofs[1], good_time(f, 1), Some(2));
    assert!(matches!(r, Err(Refusal::Replayed { .. })), "{r:?}");
}

#[test]
fn another_devices_permit_is_refused() {
    let f = fixture();
    let (p, proof) = first(f);
    let now = good_time(f, 0);
    // Another registered device, and a key that is no device at all.
    for other in [f.chain.key("dev-a"), PrivateKey::generate()] {
        let v = Verifier::new(f.chain.identity, other.public_key());
        match v.check(p.otk_id, proof, now, None) {
            Err(Refusal::OtherDevice {
                permit_device,
                mine,
            }) => {
                assert_eq!(*permit_device, p.device);
                assert_eq!(*mine, other.public_key());
            }
            r => panic!("{r:?}"),
        }
    }
}

#[test]
fn a_proof_of_another_entry_or_a_stale_proof_is_refused() {
    let f = fixture();
    let v = verifier(f);
    // Permit 2's genuine proof offered as permit 1.
    let r = v.check(f.permits[0].otk_id, &f.proofs[1], good_time(f, 1), None);
    assert!(matches!(r, Err(Refusal::WrongEntry { .. })), "{r:?}");
    // A proof from more than a minute before the device clock.
    let (p, proof) = first(f);
    let late = block_time(f, proof) + v.max_proof_age_ms + 1;
    assert!(late < p.expiry_ms);
    let r = v.check(p.otk_id, proof, late, None);
    assert!(matches!(r, Err(Refusal::StaleProof { .. })), "{r:?}");
    assert!(!r.unwrap_err().is_final());
}

#[test]
fn a_device_trusting_another_group_never_computes() {
    let f = fixture();
    let other_group = aigov_chain::setup::deal(&[PrivateKey::generate().public_key()])
        .unwrap()
        .polynomial()
        .clone();
    let other = GroupIdentity::from_polynomial_bytes(&other_group.encode()).unwrap();
    let key = f.chain.key("device-1");
    let mut d = Device::new(
        f.chain.client(),
        key.clone(),
        Verifier::new(other, key.public_key()),
        DeviceConfig {
            poll_interval_ms: 0,
            ..DeviceConfig::default()
        },
    )
    .unwrap();
    let mut events = Vec::new();
    for _ in 0..5 {
        events.extend(d.tick(aigov_agent::device::now_ms()).unwrap());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        events.iter().any(|e| matches!(
            e,
            AgentEvent::Refused {
                refusal: Refusal::Forged(_),
                ..
            }
        )),
        "{events:?}"
    );
    assert!(events.contains(&AgentEvent::Waiting), "{events:?}");
    assert_eq!(d.stats().units, 0);
    assert_eq!(d.stats().accepted, 0);
    assert_eq!(d.last_seq(), None);
}

#[test]
fn the_agent_computes_reports_and_receives_the_next_permit() {
    let f = fixture();
    let c = f.chain;
    let key = c.key("device-1");
    let state = c.path("device-1.json");
    let config = DeviceConfig {
        rate: 50_000,
        poll_interval_ms: 100,
        state_path: Some(state.clone()),
        ..DeviceConfig::default()
    };
    let mut d = Device::new(c.client(), key.clone(), verifier(f), config.clone()).unwrap();
    let mut events = Vec::new();
    let stats = aigov_agent::run(
        &mut d,
        Duration::from_millis(20),
        Limits {
            max_reports: Some(2),
            max_duration: Some(Duration::from_secs(60)),
            max_challenges: None,
        },
        |e| {
            eprintln!("device-1: {e}");
            events.push(e.clone());
        },
    )
    .unwrap();
    assert_eq!(stats.reports, 2, "{events:?}");
    assert_eq!(stats.refused, 0, "{events:?}");
    // Permits 1 and 2 accepted in seq order; all their units computed and reported.
    let accepted: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            AgentEvent::Accepted { permit, .. } => Some(permit.seq),
            _ => None,
        })
        .collect();
    assert_eq!(accepted, vec![1, 2]);
    let rations = f.permits[0].ration + f.permits[1].ration;
    assert_eq!(stats.units, rations);
    // No unit is computed outside an accepted permit: every Computed follows an Accepted of
    // the same permit and precedes its Stopped.
    let mut current = None;
    for e in &events {
        match e {
            AgentEvent::Accepted { permit, .. } => current = Some(permit.otk_id),
            AgentEvent::Computed { otk_id, .. } => assert_eq!(Some(*otk_id), current),
            AgentEvent::Stopped { .. } => current = None,
            _ => {}
        }
    }
    // The chain recorded both reports and dripped the next permits (seq 3 and 4).
    let reported = wait_permits(c, &key.public_key(), 2, PermitStatus::Reported);
    for p in &reported {
        assert_eq!(p.used, p.ration, "{p:?}");
    }
    let issued = wait_permits(c, &key.public_key(), 2, PermitStatus::Issued);
    let mut seqs: Vec<u64> = issued.iter().map(|p| p.seq).collect();
    seqs.sort();
    assert_eq!(seqs, vec![3, 4]);
    let run = c
        .client()
        .run(f.permits[0].run, false)
        .unwrap()
        .value
        .unwrap();
    assert_eq!(run.used, rations);

    // A spent permit, freshly proven, is refused.
    let fresh = c
        .client()
        .permit(f.permits[0].otk_id, true)
        .unwrap()
        .proof
        .unwrap();
    let r = verifier(f).check(
        f.permits[0].otk_id,
        &fresh,
        aigov_agent::device::now_ms(),
        None,
    );
    assert_eq!(r, Err(Refusal::NotIssued(PermitStatus::Reported)));

    // A restarted agent remembers seq 2: the old proof of the (then Issued) permit 1 is a
    // replay to it, and so is permit 2's.
    drop(d);
    let d = Device::new(c.client(), key.clone(), verifier(f), config).unwrap();
    assert_eq!(d.last_seq(), Some(2));
    let mut v = verifier(f);
    v.max_proof_age_ms = u64::MAX;
    for i in 0..2 {
        let r = v.check(
            f.permits[i].otk_id,
            &f.proofs[i],
            good_time(f, i),
            d.last_seq(),
        );
        assert!(matches!(r, Err(Refusal::Replayed { .. })), "{r:?}");
    }
}

#[test]
fn simulate_runs_several_devices_in_one_process() {
    let f = fixture();
    let c = f.chain;
    let devices = ["dev-a", "dev-b"]
        .iter()
        .map(|name| {
            let key = c.key(name);
            Device::new(
                c.client(),
                key.clone(),
                Verifier::new(c.identity, key.public_key()),
                DeviceConfig {
                    rate: 50_000,
                    poll_interval_ms: 100,
                    state_path: Some(c.path(&format!("{name}.json"))),
                    ..DeviceConfig::default()
                },
            )
            .unwrap()
        })
        .collect();
    let mut snapshots = 0;
    let summary = simulate(
        devices,
        SimOptions {
            threads: 2,
            tick: Duration::from_millis(20),
            reports_per_device: Some(2),
            max_duration: Some(Duration::from_secs(60)),
            progress_every: Duration::from_millis(200),
        },
        |_| snapshots += 1,
    )
    .unwrap();
    let s = summary.progress;
    assert_eq!(s.devices, 2);
    assert_eq!(s.done, 2, "{summary:?}");
    assert_eq!(s.stats.reports, 4, "{summary:?}");
    assert_eq!(s.stats.accepted, 4);
    assert_eq!(s.stats.refused, 0, "{:?}", summary.problems);
    assert!(s.stats.units >= 4 * 1_000);
    assert!(snapshots >= 1);
    for (i, st) in summary.per_device.iter().enumerate() {
        assert_eq!(st.reports, 2, "device {i}");
    }
    for name in ["dev-a", "dev-b"] {
        wait_permits(c, &c.key(name).public_key(), 2, PermitStatus::Reported);
    }
}

// ------------------------------------------------------------------ integrity challenges

/// Sends `call` from the demo account `name` and waits for it; it must succeed. Returns its
/// events.
fn must(c: &Chain, name: &str, call: aigov_types::Call) -> Vec<aigov_types::EventRecord> {
    use aigov_types::api::TxStatus;
    let key = c.key(name);
    let client = c.client();
    let chain = aigov_types::Slug::new("aigov-agent-test").unwrap();
    let nonce = client.next_nonce(&key.public_key()).unwrap();
    let tx = aigov_client::build_tx(&key, &chain, nonce, 1_000_000, call);
    match client
        .submit_and_wait(&tx, Duration::from_secs(30))
        .unwrap()
    {
        TxStatus::Finalized { events, .. } => events,
        other => panic!("{name}'s call did not succeed: {other:?}"),
    }
}

/// Proposes `actions` in `class` (alice), votes yes with `voters`, waits for execution.
fn enact(
    c: &Chain,
    class: aigov_types::governance::ProposalClass,
    actions: Vec<aigov_types::governance::Action>,
    voters: &[&str],
) {
    use aigov_types::governance::{
        CastVote, Choice, GovernanceCall, ProposalStatus, SubmitProposal,
    };
    use aigov_types::{BoundedVec, Call, Event, Hash};
    let title = format!("{} for the integrity test", class.name());
    let events = must(
        c,
        "alice",
        Call::Governance(GovernanceCall::Propose(SubmitProposal {
            class,
            title: aigov_types::BoundedString::new(title.as_str()).unwrap(),
            description_hash: Hash::digest(&[title.as_bytes()]),
            actions: BoundedVec::new(actions).unwrap(),
        })),
    );
    let id = events
        .iter()
        .find_map(|e| match &e.event {
            Event::ProposalSubmitted(p) => Some(p.proposal),
            _ => None,
        })
        .unwrap();
    for v in voters {
        must(
            c,
            v,
            Call::Governance(GovernanceCall::Vote(CastVote {
                proposal: id,
                choice: Choice::Yes,
                rationale: None,
            })),
        );
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let st = c
            .client()
            .proposal(id, false)
            .unwrap()
            .value
            .unwrap()
            .status;
        if st == ProposalStatus::Executed {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "proposal {id} is {st:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Runs `name`'s agent with `image` as its measurement until it answered one challenge.
fn answer_one(c: &Chain, name: &str, image: aigov_types::Hash) -> Vec<AgentEvent> {
    let key = c.key(name);
    let verifier = Verifier::new(c.identity, key.public_key());
    let config = DeviceConfig {
        rate: 50_000,
        poll_interval_ms: 100,
        attestation: aigov_agent::Attestation::DeviceKey(image),
        ..DeviceConfig::default()
    };
    let mut d = Device::new(c.client(), key, verifier, config).unwrap();
    let mut events = Vec::new();
    aigov_agent::run(
        &mut d,
        Duration::from_millis(20),
        Limits {
            max_reports: None,
            max_duration: Some(Duration::from_secs(90)),
            max_challenges: Some(1),
        },
        |e| {
            eprintln!("{name}: {e}");
            events.push(e.clone());
        },
    )
    .unwrap();
    events
}

#[test]
fn the_agent_answers_integrity_challenges_and_a_wrong_image_suspends_its_hardware() {
    use aigov_agent::provision::{ProvisionOptions, provision};
    use aigov_types::governance::{Action, ProposalClass};
    use aigov_types::hardware::{ComputeParams, HardwareStatus};
    use aigov_types::integrity::{
        Allow, ChallengeStatus, DeviceKeyReference, HardwareReference, IntegrityParams,
    };
    use aigov_types::template::{ProposeTemplate, TemplateCall, TemplateKind, TemplateRef};
    use aigov_types::{BoundedString, BoundedVec, Call, Event, Hash};
    // The shared devices are provisioned first, so the governance accounts are free after.
    let c = fixture().chain;
    // Challenges within a second or two of arming; a Safety-approved template allowing one
    // image.
    enact(
        c,
        ProposalClass::System,
        vec![Action::SetComputeParams(ComputeParams {
            integrity: IntegrityParams {
                interval_ms: 1_000,
                mean_wait_ms: 1_000,
                deadline_ms: 60_000,
                failures_to_revoke: 3,
            },
            ..ComputeParams::default()
        })],
        &["alice", "dave"],
    );
    let good = Hash::digest(&[b"rack image v3"]);
    let events = must(
        c,
        "bob",
        Call::Template(TemplateCall::Propose(ProposeTemplate {
            kind: TemplateKind::Hardware,
            name: BoundedString::new("rack-node-v3").unwrap(),
            spec_digest: Hash::digest(&[b"rack node v3"]),
            policy_text: BoundedString::new(
                r#"@id("hw.tee") forbid (principal, action == Aigov::Action::"run_workload", resource) when { !context.hardware.tee };"#,
            )
            .unwrap(),
            reference: Some(HardwareReference::DeviceKey(DeviceKeyReference {
                measurements: Allow {
                    any: false,
                    values: BoundedVec::new(vec![BoundedBytes::new(good.0.to_vec()).unwrap()])
                        .unwrap(),
                },
            })),
            physical: None,
        })),
    );
    let template = events
        .iter()
        .find_map(|e| match &e.event {
            Event::TemplateProposed(t) => Some(t.id),
            _ => None,
        })
        .unwrap();
    enact(
        c,
        ProposalClass::Safety,
        vec![Action::ApproveTemplate(TemplateRef { template })],
        &["alice", "bob", "carol"],
    );
    // Two devices bound to it, each with a running run.
    let devices = [c.key("dev-good"), c.key("dev-bad")];
    let p = provision(
        &c.client(),
        &signers(c),
        &devices,
        &ProvisionOptions {
            template,
            ..ProvisionOptions::default()
        },
        |s| eprintln!("provisioning: {s}"),
    )
    .unwrap();
    let status = |i: usize| {
        c.client()
            .hardware(p.hardware[i], false)
            .unwrap()
            .value
            .unwrap()
            .status
    };
    assert_eq!(status(0), HardwareStatus::Active);

    // The approved image passes and the hardware stays Active.
    let events = answer_one(c, "dev-good", good);
    assert!(
        events.iter().any(|e| matches!(
            e,
            AgentEvent::ChallengeAnswered {
                status: ChallengeStatus::Passed,
                ..
            }
        )),
        "{events:?}"
    );
    assert_eq!(status(0), HardwareStatus::Active);

    // Another image fails: the chain suspends the hardware, so its drip halts.
    let events = answer_one(c, "dev-bad", Hash::digest(&[b"patched image"]));
    let reason = events
        .iter()
        .find_map(|e| match e {
            AgentEvent::ChallengeAnswered {
                status: ChallengeStatus::Failed,
                reason,
                ..
            } => Some(reason.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no failed challenge: {events:?}"));
    assert!(reason.contains("not among"), "{reason}");
    assert_eq!(status(1), HardwareStatus::Suspended);
    let listing = c
        .client()
        .device_permits(&devices[1].public_key(), 32)
        .unwrap();
    assert!(
        listing
            .permits
            .iter()
            .all(|p| p.status != PermitStatus::Issued),
        "a suspended device holds an issued permit"
    );
}
