//! Compute governance on the command line: `aigov tx hardware register|inspect`,
//! `aigov tx model register`, `aigov tx workload create|start-run`,
//! `aigov tx otk report-usage`, and `aigov query hardware ID|list`, `query inspection ID`,
//! `query model ID|list`, `query workload ID`, `query run ID`, `query otk permit ID|device KEY`.

use crate::args::{Global, HardwareTx, ModelTx, OtkQuery, OtkTx, QueryArgs, WorkloadTx};
use crate::gov::account;
use crate::output;
use crate::query::state_with;
use aigov_client::Client;
use aigov_types::codec::{BoundedString, BoundedVec, Hash, Slug};
use aigov_types::hardware::{
    AcceleratorKind, Cosignature, DEVICE_POP_NAMESPACE, FileInspection, Hardware, HardwareCall,
    INSPECTION_NAMESPACE, Inspection, InspectionReport, InspectionResult, RegisterHardware,
    device_pop_message,
};
use aigov_types::integrity::ChallengeEvidence;
use aigov_types::model::{Model, ModelCall, Phase, Provenance, RegisterModel, Scope};
use aigov_types::otk::{OtkCall, OtkPermit, ReportUsage};
use aigov_types::workload::{CreateWorkload, Run, StartRun, Workload, WorkloadCall};
use aigov_types::{Call, PublicKey, Signature};
use anyhow::{Context as _, anyhow, bail};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

fn slug(s: &str, what: &str) -> anyhow::Result<Slug> {
    Slug::new(s).map_err(|e| anyhow!("invalid {what} id {s:?}: {e}"))
}

fn hash(s: &str, what: &str) -> anyhow::Result<Hash> {
    Hash::from_hex(s).ok_or_else(|| anyhow!("{what} must be 64 hex digits, got {s:?}"))
}

fn text<const N: usize>(s: &str, what: &str) -> anyhow::Result<BoundedString<N>> {
    BoundedString::new(s).ok_or_else(|| anyhow!("{what} is longer than {N} bytes"))
}

/// The chain's genesis hash, read from the node (device proofs and inspection digests bind it).
fn genesis_hash(client: &Client) -> anyhow::Result<Hash> {
    let key = hex::encode(b"chain/genesis");
    let v = client
        .raw_state(&key, false)?
        .value
        .context("the node has no genesis hash yet")?;
    let bytes = hex::decode(v).context("the node returned a non-hex value")?;
    Ok(Hash(bytes.try_into().map_err(|_| {
        anyhow!("the genesis hash is not 32 bytes")
    })?))
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The call of `aigov tx hardware …`; `None` when only the digest was printed.
pub fn hardware_call(global: &Global, cmd: &HardwareTx) -> anyhow::Result<Option<Call>> {
    let client = Client::new(&global.node);
    match cmd {
        HardwareTx::Register {
            operator,
            device,
            accelerator,
            region,
            capabilities,
        } => {
            let operator = slug(operator, "operator")?;
            let device = crate::keys::load(&global.home, device)
                .with_context(|| format!("the device key {device:?} must be in the keystore"))?;
            let genesis = genesis_hash(&client)?;
            let msg = device_pop_message(&genesis, &operator, &device.public_key());
            let caps = capabilities
                .iter()
                .map(|c| text::<32>(c, "a capability"))
                .collect::<anyhow::Result<Vec<_>>>()?;
            Ok(Some(Call::Hardware(HardwareCall::Register(
                RegisterHardware {
                    operator,
                    device_key: device.public_key(),
                    proof: device.sign(DEVICE_POP_NAMESPACE, &msg.0),
                    accelerator: accelerator
                        .parse::<AcceleratorKind>()
                        .map_err(|e| anyhow!(e))?,
                    region: text(region, "--region")?,
                    capabilities: BoundedVec::new(caps)
                        .ok_or_else(|| anyhow!("at most 16 capabilities"))?,
                },
            ))))
        }
        HardwareTx::Inspect {
            hardware,
            result,
            findings,
            findings_hash,
            members,
            seals,
            evidence,
            inspected_ms,
            cosigners,
            cosignatures,
            print_digest,
        } => {
            let findings =
                match (findings, findings_hash) {
                    (Some(path), _) => Hash::digest(&[&std::fs::read(path)
                        .with_context(|| format!("reading {}", path.display()))?]),
                    (None, Some(h)) => hash(h, "--findings-hash")?,
                    (None, None) => bail!("give --findings FILE or --findings-hash HEX"),
                };
            let result = match result.trim().to_ascii_lowercase().as_str() {
                "pass" => InspectionResult::Pass,
                "fail" => InspectionResult::Fail,
                other => bail!("--result {other:?}: expected pass or fail"),
            };
            let report = InspectionReport {
                hardware: *hardware,
                inspected_ms: inspected_ms.unwrap_or_else(now_ms),
                members_present: BoundedVec::new(
                    members
                        .iter()
                        .map(|m| slug(m, "member"))
                        .collect::<anyhow::Result<_>>()?,
                )
                .ok_or_else(|| anyhow!("at most 16 members present"))?,
                findings,
                seals: BoundedVec::new(
                    seals
                        .iter()
                        .map(|s| text::<64>(s, "a seal id"))
                        .collect::<anyhow::Result<_>>()?,
                )
                .ok_or_else(|| anyhow!("at most 64 seals"))?,
                evidence: BoundedVec::new(
                    evidence
                        .iter()
                        .map(|e| hash(e, "--evidence"))
                        .collect::<anyhow::Result<_>>()?,
                )
                .ok_or_else(|| anyhow!("at most 64 evidence digests"))?,
                result,
            };
            let digest = report.digest(&genesis_hash(&client)?);
            if *print_digest {
                output::print(
                    global,
                    &serde_json::json!({"digest": digest, "report": report}),
                    || {
                        format!(
                            "record digest {digest} (co-inspectors sign it with namespace _AIGOV_INSPECTION; the record must be sent with the same --inspected-ms)"
                        )
                    },
                );
                return Ok(None);
            }
            let mut sigs = Vec::new();
            for name in cosigners {
                let k = crate::keys::load(&global.home, name)?;
                sigs.push(Cosignature {
                    inspector: k.public_key(),
                    signature: k.sign(INSPECTION_NAMESPACE, &digest.0),
                });
            }
            for c in cosignatures {
                let (pk, sig) = c
                    .split_once(':')
                    .ok_or_else(|| anyhow!("--cosignature expects PUBKEY:SIGNATURE"))?;
                let inspector = PublicKey::from_hex(pk).map_err(|e| anyhow!("{pk}: {e}"))?;
                let signature: Signature = serde_json::from_value(serde_json::json!(sig))
                    .map_err(|e| anyhow!("--cosignature signature: {e}"))?;
                sigs.push(Cosignature {
                    inspector,
                    signature,
                });
            }
            Ok(Some(Call::Hardware(HardwareCall::Inspect(
                FileInspection {
                    report,
                    cosigners: BoundedVec::new(sigs)
                        .ok_or_else(|| anyhow!("at most 16 co-signers"))?,
                },
            ))))
        }
        HardwareTx::AnswerChallenge {
            challenge,
            measurement,
            evidence,
            seal,
            landmark,
        } => Ok(Some(answer_call(
            global,
            &client,
            *challenge,
            (measurement, evidence),
            (seal, landmark),
        )?)),
    }
}

/// The call of `aigov tx hardware answer-challenge`: the evidence from a file, or the device
/// key's signature over the challenge's nonce and `measurement`; with the seals given and
/// the landmarks' round trips, measured now with the device key.
fn answer_call(
    global: &Global,
    client: &Client,
    challenge: u64,
    (measurement, evidence): (&Option<String>, &Option<std::path::PathBuf>),
    (seals, landmarks): (&[String], &[String]),
) -> anyhow::Result<Call> {
    use aigov_types::integrity::{AnswerChallenge, ChallengeStatus};
    let c = client
        .challenge(challenge, false)?
        .value
        .ok_or_else(|| anyhow!("challenge {challenge} does not exist"))?;
    if c.status != ChallengeStatus::Open {
        bail!("challenge {challenge} is {:?}, no longer open", c.status);
    }
    let evidence = match (measurement, evidence) {
        (_, Some(path)) => read_evidence(path)?,
        (Some(m), None) => ChallengeEvidence::device_key(
            &crate::keys::signer(global)?,
            &c.nonce,
            hash(m, "--measurement")?,
        ),
        (None, None) => bail!("give --measurement or --evidence"),
    };
    let seals = seals
        .iter()
        .map(|s| {
            BoundedString::new(s.clone()).ok_or_else(|| anyhow!("seal id {s:?} is over 64 bytes"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut round_trips = Vec::new();
    if !landmarks.is_empty() {
        let device = crate::keys::signer(global)?;
        for addr in landmarks {
            let rt = aigov_agent::landmark::measure(addr, &device, &c.nonce)?;
            eprintln!(
                "landmark {addr}: round trip {} µs, signed by {}",
                rt.rtt_us, rt.landmark
            );
            round_trips.push(rt);
        }
    }
    Ok(Call::Hardware(HardwareCall::AnswerChallenge(
        AnswerChallenge {
            challenge,
            evidence,
            physical: aigov_types::physical::PhysicalEvidence {
                seals: BoundedVec::new(seals).ok_or_else(|| anyhow!("at most 64 seals"))?,
                round_trips: BoundedVec::new(round_trips)
                    .ok_or_else(|| anyhow!("at most 16 landmarks"))?,
            },
        },
    )))
}

/// Vendor evidence from a JSON file (`{"tdx": …}`, `{"sev_snp": …}`, …).
pub fn read_evidence(path: &std::path::Path) -> anyhow::Result<ChallengeEvidence> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the evidence {}", path.display()))?;
    serde_json::from_str::<ChallengeEvidence>(&text).with_context(|| {
        format!(
            "{} is not evidence JSON (one of tdx, sgx, sev_snp, nvidia_spdm, device_key)",
            path.display()
        )
    })
}

/// Text of an integrity challenge.
fn challenge_text(c: &aigov_types::integrity::Challenge) -> String {
    let mut s = format!(
        "challenge #{} to hardware {}: {:?}\n  nonce {}\n  issued at height {} ({} ms), deadline {} ms\n  template {}",
        c.id,
        c.hardware,
        c.status,
        c.nonce,
        c.issued_height,
        c.issued_ms,
        c.deadline_ms,
        c.template
    );
    if c.closed_height != 0 {
        s.push_str(&format!("\n  closed at height {}", c.closed_height));
    }
    if c.evidence_digest != Hash::default() {
        s.push_str(&format!("\n  evidence {}", c.evidence_digest));
    }
    if !c.reason.as_str().is_empty() {
        s.push_str(&format!("\n  reason: {}", c.reason));
    }
    s
}

/// `aigov query challenge ID`.
pub fn challenge_query(global: &Global, args: &QueryArgs, id: u64) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    state_with(
        global,
        args,
        client.challenge(id, args.prove)?,
        challenge_text,
    )
}

/// The call of `aigov tx model …`.
pub fn model_call(global: &Global, cmd: &ModelTx) -> anyhow::Result<Call> {
    if let Some(call) = crate::certify::model_call(cmd)? {
        return Ok(call);
    }
    let ModelTx::Register {
        owner,
        name,
        purpose,
        scope,
        phase,
        parent,
        container_id,
        documentation,
        planned_compute,
        run,
        starting_checkpoint,
    } = cmd
    else {
        bail!("not a model registration");
    };
    let scope = match scope.trim().to_ascii_lowercase().as_str() {
        "narrow" => Scope::Narrow,
        "general" => Scope::General,
        other => bail!("--scope {other:?}: expected narrow or general"),
    };
    let provenance = match run {
        Some(run) => {
            let starting_checkpoint = match starting_checkpoint {
                Some(h) => hash(h, "--starting-checkpoint")?,
                None => {
                    let parent = parent.context("--run needs --parent")?;
                    Client::new(&global.node)
                        .model(parent, false)?
                        .value
                        .with_context(|| format!("parent model {parent} does not exist"))?
                        .container_id
                }
            };
            Some(Provenance {
                run: *run,
                starting_checkpoint,
            })
        }
        None => None,
    };
    Ok(Call::Model(ModelCall::Register(RegisterModel {
        owner: slug(owner, "owner")?,
        name: text(name, "--name")?,
        purpose: text(purpose, "--purpose")?,
        scope,
        phase: phase.parse::<Phase>().map_err(|e| anyhow!(e))?,
        parent: *parent,
        container_id: hash(container_id, "--container-id")?,
        documentation: match documentation {
            Some(h) => hash(h, "--documentation")?,
            None => Hash::digest(&[b"aigov-model-doc:", name.as_bytes()]),
        },
        planned_training_compute: *planned_compute,
        provenance,
    })))
}

/// The call of `aigov tx workload …`.
pub fn workload_call(cmd: &WorkloadTx) -> anyhow::Result<Call> {
    Ok(Call::Workload(match cmd {
        WorkloadTx::Create {
            model,
            phase,
            budget,
        } => WorkloadCall::Create(CreateWorkload {
            model: *model,
            phase: phase.parse::<Phase>().map_err(|e| anyhow!(e))?,
            budget: *budget,
        }),
        WorkloadTx::StartRun {
            workload,
            hardware,
            budget,
            stages,
        } => WorkloadCall::StartRun(StartRun {
            workload: *workload,
            hardware: *hardware,
            budget: *budget,
            stages: *stages,
        }),
    }))
}

/// The call of `aigov tx otk …`.
pub fn otk_call(cmd: &OtkTx) -> anyhow::Result<Call> {
    let OtkTx::ReportUsage {
        otk,
        used,
        stage_done,
        telemetry,
    } = cmd;
    let telemetry = match telemetry {
        None => None,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Some(serde_json::from_str(&text).with_context(|| {
                format!(
                    "{} does not hold telemetry (JSON: data_bytes, compute_units, peak_memory_mib, precision, batch_size, energy_wh, duration_ms, backward_share_bps, device_count, interconnect_bytes, output_bytes)",
                    path.display()
                )
            })?)
        }
    };
    Ok(Call::Otk(OtkCall::ReportUsage(ReportUsage {
        otk_id: *otk,
        used: *used,
        stage_done: *stage_done,
        telemetry,
    })))
}

fn budgets_text(b: &aigov_types::model::PhaseBudgets) -> String {
    format!(
        "pre-train {}, post-train {}, inference {}",
        b.pre_train, b.post_train, b.inference
    )
}

/// One line about a hardware entry.
pub fn hardware_text(h: &Hardware) -> String {
    format!(
        "hardware #{} {:?} of {} ({}, {}), device {}\n  budgets {}; committed {}\n  last seq {}, runs {:?}, inspection due at {} ms",
        h.id,
        h.status,
        h.operator,
        h.accelerator.name(),
        h.region,
        h.device_key,
        budgets_text(&h.budgets),
        budgets_text(&h.committed),
        h.seq,
        h.runs.as_slice(),
        h.inspection_due_ms
    )
}

fn inspection_text(i: &Inspection) -> String {
    format!(
        "inspection #{} of hardware {}: {:?}, digest {}, {} inspector(s) of {:?}, filed at height {}",
        i.id,
        i.report.hardware,
        i.report.result,
        i.digest,
        i.inspectors.len(),
        i.inspector_members
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>(),
        i.filed_height
    )
}

/// One line about a model.
pub fn model_text(m: &Model) -> String {
    format!(
        "model #{} {:?} {:?} of {} ({:?}, {}), container {}{}{}\n  budgets {}; committed {}",
        m.id,
        m.status,
        m.name.as_str(),
        m.owner,
        m.scope,
        m.phase.name(),
        m.container_id,
        m.tier.map(|t| format!(", tier {t}")).unwrap_or_default(),
        m.provenance
            .map(|p| format!(
                ", from run {} (checkpoint {})",
                p.run, p.starting_checkpoint
            ))
            .unwrap_or_default(),
        budgets_text(&m.budgets),
        budgets_text(&m.committed)
    )
}

fn workload_text(w: &Workload) -> String {
    format!(
        "workload #{} of model {} ({}): {} phase, budget {}, committed {}, {} run(s)",
        w.id,
        w.model,
        w.owner,
        w.phase.name(),
        w.budget,
        w.committed,
        w.runs
    )
}

fn run_text(r: &Run) -> String {
    format!(
        "run #{} {:?}{} of workload {} on hardware {}: stage {}/{}, budget {}, committed {}, used {}, {} permit(s), outstanding {:?}",
        r.id,
        r.status,
        r.halt
            .map(|h| format!(" ({})", h.name()))
            .unwrap_or_default(),
        r.workload,
        r.hardware,
        r.stage + 1,
        r.stages,
        r.budget,
        r.committed,
        r.used,
        r.permits,
        r.outstanding.as_slice()
    )
}

/// One line about a permit.
pub fn permit_text(p: &OtkPermit) -> String {
    format!(
        "permit #{} seq {} {:?}: {} units of {} for run {} stage {} on hardware {} (device {}), valid {}..{} ms{}",
        p.otk_id,
        p.seq,
        p.status,
        p.ration,
        p.phase.name(),
        p.run,
        p.stage,
        p.hardware,
        p.device,
        p.not_before_ms,
        p.expiry_ms,
        if p.used > 0 {
            format!(", used {}", p.used)
        } else {
            String::new()
        }
    )
}

/// `aigov query inspection ID`.
pub fn inspection_query(global: &Global, args: &QueryArgs, id: u64) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    state_with(
        global,
        args,
        client.inspection(id, args.prove)?,
        inspection_text,
    )
}

/// `aigov query workload ID`.
pub fn workload_query(global: &Global, args: &QueryArgs, id: u64) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    state_with(
        global,
        args,
        client.workload(id, args.prove)?,
        workload_text,
    )
}

/// `aigov query run ID`.
pub fn run_query(global: &Global, args: &QueryArgs, id: u64) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    state_with(global, args, client.run(id, args.prove)?, run_text)
}

/// `aigov query otk permit ID|device KEY`.
pub fn otk_query(global: &Global, args: &QueryArgs, what: &OtkQuery) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    match what {
        OtkQuery::Permit { id } => {
            state_with(global, args, client.permit(*id, args.prove)?, permit_text)
        }
        OtkQuery::Device { device, limit } => {
            if args.prove {
                bail!(
                    "the device view has no proof; prove each permit with `query otk permit ID --prove`"
                );
            }
            let device = account(global, device)?;
            let d = client.device_permits(&device, *limit)?;
            output::print(global, &d, || {
                let mut lines = vec![match &d.hardware {
                    Some(h) => hardware_text(h),
                    None => format!("no hardware is bound to {device}"),
                }];
                lines.extend(d.permits.iter().map(permit_text));
                lines.push(format!("(height {})", d.height));
                lines.join("\n")
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}
