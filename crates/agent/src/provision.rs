//! Provisioning devices for the agent on a development chain: the whole compute-governance
//! path, through ordinary signed transactions. The operator's Hardware personnel registers
//! each device (with its proof of possession), an inspector files a passing inspection, a
//! Review proposal (at most [ACTIONS_MAX] actions each) approves the hardware (and a new
//! model), a treasury officer buys credits for each device's account (usage reports are paid
//! by the device), and the lab's Software personnel starts a pre-training workload with one
//! run per device. The drip then issues permits to every device.
//!
//! It needs the signers' keys, so it is for dev and test chains (`aigov agent provision` on
//! `aigov dev`), not for production, where each of these steps is a different party's act.

use crate::AgentError;
use aigov_client::Client;
use aigov_types::api::TxStatus;
use aigov_types::call::Call;
use aigov_types::codec::{BoundedString, BoundedVec, Hash, Slug};
use aigov_types::economy::{GasCall, PurchaseCategory, RecordPurchase};
use aigov_types::event::{Event, EventRecord};
use aigov_types::governance::{
    ACTIONS_MAX, Action, CastVote, Choice, GovernanceCall, ProposalClass, ProposalStatus,
    SubmitProposal,
};
use aigov_types::hardware::{
    AcceleratorKind, ApproveHardware, DEVICE_POP_NAMESPACE, FileInspection, HardwareCall,
    InspectionReport, InspectionResult, RegisterHardware, device_pop_message,
};
use aigov_types::model::{ApproveModel, ModelCall, Phase, PhaseBudgets, RegisterModel, Scope};
use aigov_types::receipt::TxOutcome;
use aigov_types::workload::{CreateWorkload, StartRun, WorkloadCall};
use aigov_types::{PrivateKey, PublicKey};
use std::time::{Duration, Instant};

/// Gas limit of provisioning transactions.
const GAS_LIMIT: u64 = 2_000_000;

/// Transactions submitted before waiting for them (one sender, consecutive nonces).
const BATCH: usize = 32;

/// Who signs each step.
pub struct Signers {
    /// Hardware personnel of the operator: registers the devices.
    pub operator_staff: PrivateKey,
    /// The operator (a datacenter organisation).
    pub operator: Slug,
    /// An Active Inspector not of the operator: files the inspections.
    pub inspector: PrivateKey,
    /// Members present at the inspection.
    pub inspection_members: Vec<Slug>,
    /// Proposes the Review vote.
    pub proposer: PrivateKey,
    /// Vote yes on it (enough to pass it).
    pub voters: Vec<PrivateKey>,
    /// Software personnel of the lab: registers the model and starts the workload and runs.
    pub lab_staff: PrivateKey,
    /// The lab.
    pub lab: Slug,
    /// A treasury officer: records a credit purchase for each device account (`None`: the
    /// devices are funded already).
    pub treasury: Option<PrivateKey>,
}

/// What to provision.
#[derive(Clone, Debug)]
pub struct ProvisionOptions {
    /// Budget of each run (and of each device's hardware and model share), compute units.
    pub run_budget: u64,
    /// Stages of each run.
    pub stages: u16,
    /// Treasury units paid for each device's credits.
    pub device_paid: u64,
    /// How long to wait for the Review vote to execute.
    pub vote_timeout: Duration,
    /// The Hardware template to bind the devices to (0: none, so they are never challenged).
    pub template: u64,
}

impl Default for ProvisionOptions {
    fn default() -> Self {
        Self {
            run_budget: 100_000,
            stages: 2,
            device_paid: 100_000,
            vote_timeout: Duration::from_secs(180),
            template: 0,
        }
    }
}

/// What was created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provisioned {
    /// Hardware ids, in device order.
    pub hardware: Vec<u64>,
    /// The model.
    pub model: u64,
    /// The workload.
    pub workload: u64,
    /// Run ids, in device order.
    pub runs: Vec<u64>,
}

fn fail(step: &str, e: impl std::fmt::Display) -> AgentError {
    AgentError::Provision(format!("{step}: {e}"))
}

fn text<const N: usize>(s: &str) -> BoundedString<N> {
    BoundedString::new(&s[..s.len().min(N)]).unwrap_or_default()
}

/// Submits `calls` from `key` with consecutive nonces, `BATCH` at a time, and returns each
/// one's events; any failed call is an error naming `step`.
fn send_all(
    client: &Client,
    chain: &Slug,
    key: &PrivateKey,
    calls: Vec<Call>,
    step: &str,
) -> Result<Vec<Vec<EventRecord>>, AgentError> {
    let mut out = Vec::new();
    for chunk in calls.chunks(BATCH) {
        let nonce = client
            .next_nonce(&key.public_key())
            .map_err(|e| fail(step, e))?;
        let mut hashes = Vec::new();
        for (i, call) in chunk.iter().enumerate() {
            let tx = aigov_client::build_tx(key, chain, nonce + i as u64, GAS_LIMIT, call.clone());
            hashes.push(client.submit(&tx).map_err(|e| fail(step, e))?);
        }
        for h in hashes {
            match client
                .wait_for_tx(&h, Duration::from_secs(60))
                .map_err(|e| fail(step, e))?
            {
                TxStatus::Finalized { events, .. } => out.push(events),
                TxStatus::Failed { receipt, .. } => {
                    let why = match receipt.outcome {
                        TxOutcome::Failed(f) => {
                            format!("{} ({})", f.message.as_str(), f.code.as_str())
                        }
                        TxOutcome::Success(_) => "failed".into(),
                    };
                    return Err(fail(step, why));
                }
                TxStatus::Pending => return Err(fail(step, "still pending")),
            }
        }
    }
    Ok(out)
}

fn find<T>(
    events: &[EventRecord],
    f: impl Fn(&Event) -> Option<T>,
    step: &str,
) -> Result<T, AgentError> {
    events
        .iter()
        .find_map(|e| f(&e.event))
        .ok_or_else(|| fail(step, "the expected event is missing"))
}

/// The chain's genesis hash (device proofs of possession and inspection digests bind it).
fn genesis_hash(client: &Client) -> Result<Hash, AgentError> {
    let v = client
        .raw_state(&hex::encode(b"chain/genesis"), false)
        .map_err(|e| fail("reading the genesis hash", e))?
        .value
        .ok_or_else(|| fail("reading the genesis hash", "absent"))?;
    let bytes = hex::decode(v).map_err(|e| fail("reading the genesis hash", e))?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| fail("reading the genesis hash", "not 32 bytes"))?;
    Ok(Hash(arr))
}

/// Provisions `devices` (see the module documentation), reporting each step to `progress`.
pub fn provision(
    client: &Client,
    s: &Signers,
    devices: &[PrivateKey],
    opts: &ProvisionOptions,
    mut progress: impl FnMut(&str),
) -> Result<Provisioned, AgentError> {
    let n = devices.len() as u64;
    let health = client.health().map_err(|e| fail("reaching the node", e))?;
    let chain = Slug::new(health.chain_id.as_str()).map_err(|e| fail("the chain id", e))?;
    let genesis = genesis_hash(client)?;
    let now_ms = crate::device::now_ms();

    progress(&format!(
        "registering {n} device(s) as hardware of {}",
        s.operator
    ));
    let calls = devices
        .iter()
        .map(|d| {
            let msg = device_pop_message(&genesis, &s.operator, &d.public_key());
            Call::Hardware(HardwareCall::Register(RegisterHardware {
                operator: s.operator.clone(),
                device_key: d.public_key(),
                proof: d.sign(DEVICE_POP_NAMESPACE, &msg.0),
                accelerator: AcceleratorKind::NvidiaHopper,
                region: text("eu-north"),
                capabilities: BoundedVec::default(),
            }))
        })
        .collect();
    let regs = send_all(
        client,
        &chain,
        &s.operator_staff,
        calls,
        "registering hardware",
    )?;
    let hardware = regs
        .iter()
        .map(|ev| {
            find(
                ev,
                |e| match e {
                    Event::HardwareRegistered(h) => Some(h.id),
                    _ => None,
                },
                "registering hardware",
            )
        })
        .collect::<Result<Vec<_>, _>>()?;

    progress("filing a passing inspection of each");
    let members = BoundedVec::new(s.inspection_members.clone())
        .ok_or_else(|| fail("inspection", "too many members present"))?;
    let calls = hardware
        .iter()
        .map(|id| {
            Call::Hardware(HardwareCall::Inspect(FileInspection {
                report: InspectionReport {
                    hardware: *id,
                    inspected_ms: now_ms,
                    members_present: members.clone(),
                    findings: Hash::digest(&[
                        b"aigov-agent provisioning: seals intact",
                        &id.to_be_bytes(),
                    ]),
                    seals: BoundedVec::default(),
                    evidence: BoundedVec::default(),
                    result: InspectionResult::Pass,
                },
                cosigners: BoundedVec::truncating(Vec::new()),
            }))
        })
        .collect();
    send_all(client, &chain, &s.inspector, calls, "inspecting hardware")?;

    progress("registering a model");
    let container = Hash::digest(&[b"aigov-agent provisioned model", &now_ms.to_be_bytes()]);
    let ev = send_all(
        client,
        &chain,
        &s.lab_staff,
        vec![Call::Model(ModelCall::Register(RegisterModel {
            owner: s.lab.clone(),
            name: text("Agent load-test model"),
            purpose: text("Pre-training under OTK permits, for agent load tests"),
            scope: Scope::General,
            phase: Phase::PreTrain,
            parent: None,
            container_id: container,
            documentation: Hash::digest(&[b"aigov-agent provisioned model doc"]),
            planned_training_compute: opts.run_budget.saturating_mul(n),
            provenance: None,
        }))],
        "registering the model",
    )?;
    let model = find(
        &ev[0],
        |e| match e {
            Event::ModelRegistered(m) => Some(m.id),
            _ => None,
        },
        "registering the model",
    )?;

    let mut actions: Vec<Action> = hardware
        .iter()
        .map(|id| {
            Action::ApproveHardware(ApproveHardware {
                hardware: *id,
                budgets: PhaseBudgets {
                    pre_train: opts.run_budget.saturating_mul(10),
                    post_train: 0,
                    inference: 0,
                },
                template: opts.template,
            })
        })
        .collect();
    actions.push(Action::ApproveModel(ApproveModel {
        model,
        tier: 2,
        budgets: PhaseBudgets {
            pre_train: opts.run_budget.saturating_mul(n),
            post_train: 0,
            inference: 0,
        },
    }));
    let proposals: Vec<Call> = actions
        .chunks(ACTIONS_MAX)
        .enumerate()
        .map(|(i, a)| {
            let title = format!(
                "Approve {n} agent device(s) and their model (part {})",
                i + 1
            );
            Call::Governance(GovernanceCall::Propose(SubmitProposal {
                class: ProposalClass::Review,
                title: text(&title),
                description_hash: Hash::digest(&[title.as_bytes()]),
                actions: BoundedVec::truncating(a.to_vec()),
            }))
        })
        .collect();
    progress(&format!(
        "proposing {} Review vote(s) to approve them",
        proposals.len()
    ));
    let ev = send_all(
        client,
        &chain,
        &s.proposer,
        proposals,
        "proposing the approval",
    )?;
    let ids = ev
        .iter()
        .map(|e| {
            find(
                e,
                |e| match e {
                    Event::ProposalSubmitted(p) => Some(p.proposal),
                    _ => None,
                },
                "proposing the approval",
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    wait_status(client, &ids, opts.vote_timeout, |st| {
        st != ProposalStatus::Pending
    })?;
    progress("voting yes");
    for v in &s.voters {
        let calls = ids
            .iter()
            .map(|id| {
                Call::Governance(GovernanceCall::Vote(CastVote {
                    proposal: *id,
                    choice: Choice::Yes,
                    rationale: None,
                }))
            })
            .collect();
        send_all(client, &chain, v, calls, "voting")?;
    }
    progress("waiting for the vote to pass and execute");
    wait_status(client, &ids, opts.vote_timeout, |st| {
        st == ProposalStatus::Executed
    })?;

    if let Some(t) = &s.treasury {
        progress("buying credits for each device's usage reports");
        let calls = devices
            .iter()
            .map(|d| {
                Call::Gas(GasCall::RecordPurchase(RecordPurchase {
                    category: PurchaseCategory::HardwareRegistration,
                    account: Some(d.public_key()),
                    paid: opts.device_paid,
                    reference: text(&format!("agent-{}-{now_ms}", d.public_key())),
                }))
            })
            .collect();
        send_all(client, &chain, t, calls, "buying device credits")?;
    }

    progress("starting a pre-training workload with one run per device");
    let ev = send_all(
        client,
        &chain,
        &s.lab_staff,
        vec![Call::Workload(WorkloadCall::Create(CreateWorkload {
            model,
            phase: Phase::PreTrain,
            budget: opts.run_budget.saturating_mul(n),
        }))],
        "creating the workload",
    )?;
    let workload = find(
        &ev[0],
        |e| match e {
            Event::WorkloadCreated(w) => Some(w.id),
            _ => None,
        },
        "creating the workload",
    )?;
    let calls = hardware
        .iter()
        .map(|h| {
            Call::Workload(WorkloadCall::StartRun(StartRun {
                workload,
                hardware: *h,
                budget: opts.run_budget,
                stages: opts.stages,
            }))
        })
        .collect();
    let ev = send_all(client, &chain, &s.lab_staff, calls, "starting the runs")?;
    let runs = ev
        .iter()
        .map(|e| {
            find(
                e,
                |e| match e {
                    Event::RunStarted(r) => Some(r.id),
                    _ => None,
                },
                "starting the runs",
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Provisioned {
        hardware,
        model,
        workload,
        runs,
    })
}

/// The public keys of `devices`, for display.
pub fn public_keys(devices: &[PrivateKey]) -> Vec<PublicKey> {
    devices.iter().map(PrivateKey::public_key).collect()
}

fn wait_status(
    client: &Client,
    ids: &[u64],
    timeout: Duration,
    ok: impl Fn(ProposalStatus) -> bool,
) -> Result<(), AgentError> {
    let start = Instant::now();
    for id in ids {
        loop {
            let st = client
                .proposal(*id, false)
                .map_err(|e| fail("reading the proposal", e))?
                .value
                .ok_or_else(|| fail("reading the proposal", format!("proposal {id} is missing")))?
                .status;
            if ok(st) {
                break;
            }
            if matches!(
                st,
                ProposalStatus::Defeated
                    | ProposalStatus::QuorumFailed
                    | ProposalStatus::Canceled
                    | ProposalStatus::Expired
                    | ProposalStatus::ExecutionFailed
                    | ProposalStatus::Lapsed
            ) {
                return Err(fail(
                    "the approval vote",
                    format!("proposal {id} ended {st:?}"),
                ));
            }
            if start.elapsed() > timeout {
                return Err(fail(
                    "the approval vote",
                    format!(
                        "proposal {id} is still {st:?} after {} s",
                        timeout.as_secs()
                    ),
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    Ok(())
}
