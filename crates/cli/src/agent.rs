//! `aigov agent run|simulate|provision`: the hardware agent on the command line (the logic is
//! in the `aigov-agent` crate).

use crate::args::{
    AgentCmd, AgentProvisionArgs, AgentRunArgs, AgentSimulateArgs, AgentTuning, Global,
};
use aigov_agent::provision::{ProvisionOptions, Signers, provision};
use aigov_agent::{
    AgentEvent, Attestation, Device, DeviceConfig, Limits, Progress, SimOptions, Verifier, simulate,
};
use aigov_client::{Client, GroupIdentity};
use aigov_types::PrivateKey;
use aigov_types::codec::Slug;
use anyhow::{Context as _, bail};
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// `aigov agent …`.
pub fn run(global: &Global, cmd: &AgentCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        AgentCmd::Run(a) => run_one(global, a),
        AgentCmd::Simulate(a) => run_many(global, a),
        AgentCmd::Provision(a) => provision_dev(global, a),
    }
}

fn config(t: &AgentTuning, state: Option<PathBuf>) -> anyhow::Result<DeviceConfig> {
    if t.rate == 0 {
        bail!("--rate must be at least 1 unit per second");
    }
    Ok(DeviceConfig {
        rate: t.rate,
        poll_interval_ms: t.poll_ms,
        gas_limit: t.gas_limit,
        state_path: state,
        ..DeviceConfig::default()
    })
}

fn device(
    global: &Global,
    identity: &GroupIdentity,
    key: PrivateKey,
    t: &AgentTuning,
    state: PathBuf,
    answers: Answers,
) -> anyhow::Result<Device> {
    let mut verifier = Verifier::new(*identity, key.public_key());
    verifier.max_proof_age_ms = t.max_proof_age_ms;
    Ok(Device::new(
        Client::new(&global.node),
        key,
        verifier,
        DeviceConfig {
            attestation: answers.attestation,
            landmarks: answers.landmarks,
            seals: answers.seals,
            ..config(t, Some(state))?
        },
    )?)
}

/// What a device answers integrity challenges with.
#[derive(Default)]
struct Answers {
    attestation: Attestation,
    landmarks: Vec<String>,
    seals: Vec<String>,
}

/// How `agent run` answers integrity challenges.
fn attestation(a: &AgentRunArgs) -> anyhow::Result<Attestation> {
    if let Some(m) = &a.measurement {
        let h = aigov_types::Hash::from_hex(m.trim())
            .with_context(|| format!("--measurement {m:?} is not 64 hex digits"))?;
        return Ok(Attestation::DeviceKey(h));
    }
    if let Some(path) = &a.measure {
        let bytes = std::fs::read(path)
            .with_context(|| format!("measuring the image {}", path.display()))?;
        return Ok(Attestation::DeviceKey(aigov_types::Hash::digest(&[&bytes])));
    }
    if let Some(cmd) = &a.evidence_command {
        let mut parts = cmd.split_whitespace();
        let program = parts.next().context("--evidence-command is empty")?.into();
        return Ok(Attestation::Command {
            program,
            args: parts.map(str::to_string).collect(),
        });
    }
    Ok(Attestation::None)
}

fn run_one(global: &Global, a: &AgentRunArgs) -> anyhow::Result<ExitCode> {
    let (key, name) = crate::keys::file_or_named(global, a.key_file.as_deref(), "the device key")?;
    let identity = crate::verify::trusted_identity(
        global,
        a.trust.group_key.as_deref(),
        a.trust.genesis.as_deref(),
    )?;
    let pk = key.public_key();
    let state = a.state.clone().unwrap_or_else(|| {
        global
            .home
            .join("agent")
            .join(format!("{}.json", name.unwrap_or_else(|| pk.to_string())))
    });
    // Fail early, with the node's own words, if the device is not registered hardware.
    let listing = Client::new(&global.node).device_permits(&pk, 1)?;
    let Some(hw) = listing.hardware else {
        bail!(
            "no hardware is registered with device key {pk}; register it first (`aigov tx hardware register --device …`, or `aigov agent provision` on a dev chain)"
        );
    };
    let attestation = attestation(a)?;
    if attestation == Attestation::None && hw.template != 0 {
        eprintln!(
            "agent: warning: hardware #{} is bound to Hardware template {} but no attestation is configured (--measurement, --measure or --evidence-command): its integrity challenges will fail and suspend it",
            hw.id, hw.template
        );
    }
    let answers = Answers {
        attestation,
        landmarks: a.landmark.clone(),
        seals: a.seal.clone(),
    };
    let mut d = device(global, &identity, key, &a.tuning, state.clone(), answers)?;
    let limits = Limits {
        max_reports: if a.once { Some(1) } else { a.max_permits },
        max_duration: a.duration.map(Duration::from_secs),
        max_challenges: a.max_challenges,
    };
    eprintln!(
        "agent: device {pk} (hardware #{} {:?}), state {}, last accepted seq {}, {} units/s",
        hw.id,
        hw.status,
        state.display(),
        d.last_seq().map_or("none".into(), |s| s.to_string()),
        a.tuning.rate
    );
    let stats = aigov_agent::run(&mut d, Duration::from_millis(50), limits, |e| {
        if !matches!(e, AgentEvent::Computed { .. }) && !global.json {
            println!("{e}");
        }
    })?;
    crate::output::print(
        global,
        &serde_json::json!({
            "device": pk,
            "accepted": stats.accepted,
            "refused": stats.refused,
            "units": stats.units,
            "reports": stats.reports,
            "node_errors": stats.node_errors,
            "challenges_passed": stats.challenges_passed,
            "challenges_failed": stats.challenges_failed,
            "last_seq": d.last_seq(),
        }),
        || {
            format!(
                "agent: {} permit(s) accepted, {} refused, {} units computed, {} usage report(s) finalized, {} challenge(s) passed, {} failed or unanswered",
                stats.accepted,
                stats.refused,
                stats.units,
                stats.reports,
                stats.challenges_passed,
                stats.challenges_failed
            )
        },
    );
    Ok(ExitCode::SUCCESS)
}

/// The first `n` `*.pem` files of `dir`, by name.
fn key_files(dir: &Path, n: usize) -> anyhow::Result<Vec<(String, PrivateKey)>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading the keys folder {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pem"))
        .collect();
    files.sort();
    if files.len() < n {
        bail!(
            "{} holds {} key file(s) (*.pem), fewer than the {n} devices asked for; create and provision them with `aigov agent provision {n} --keys {}` on a dev chain",
            dir.display(),
            files.len(),
            dir.display()
        );
    }
    files
        .into_iter()
        .take(n)
        .map(|p| {
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let key = aigov_chain::setup::read_key(&p)
                .with_context(|| format!("the device key file {}", p.display()))?;
            Ok((name, key))
        })
        .collect()
}

fn progress_line(p: &Progress) -> String {
    format!(
        "devices {}/{} done | permits verified {} refused {} | units {} ({:.0}/s) | reports {} ({:.1}/s) | node errors {} | {:.0} s",
        p.done,
        p.devices,
        p.stats.accepted,
        p.stats.refused,
        p.stats.units,
        p.units_per_s,
        p.stats.reports,
        p.reports_per_s,
        p.stats.node_errors,
        p.elapsed.as_secs_f64()
    )
}

fn run_many(global: &Global, a: &AgentSimulateArgs) -> anyhow::Result<ExitCode> {
    if a.n == 0 {
        bail!("simulate at least one device");
    }
    let identity = crate::verify::trusted_identity(
        global,
        a.trust.group_key.as_deref(),
        a.trust.genesis.as_deref(),
    )?;
    let keys = key_files(&a.keys, a.n)?;
    let state_dir = a.state_dir.clone().unwrap_or_else(|| a.keys.join("state"));
    let devices = keys
        .into_iter()
        .map(|(name, key)| {
            device(
                global,
                &identity,
                key,
                &a.tuning,
                state_dir.join(format!("{name}.json")),
                // Provisioned devices are not bound to a Hardware template.
                Answers::default(),
            )
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let tty = std::io::stderr().is_terminal();
    eprintln!(
        "agent simulate: {} device(s), {} permit(s) each, {} units/s each, {} thread(s); states in {}",
        a.n,
        a.permits,
        a.tuning.rate,
        a.threads,
        state_dir.display()
    );
    let summary = simulate(
        devices,
        SimOptions {
            threads: a.threads,
            tick: Duration::from_millis(50),
            reports_per_device: Some(a.permits),
            max_duration: a.duration.map(Duration::from_secs),
            progress_every: if tty {
                Duration::from_millis(250)
            } else {
                Duration::from_secs(5)
            },
        },
        |p| {
            let mut err = std::io::stderr();
            if tty {
                let _ = write!(err, "\r\x1b[2K{}", progress_line(p));
            } else {
                let _ = writeln!(err, "{}", progress_line(p));
            }
            let _ = err.flush();
        },
    )?;
    if tty {
        eprintln!();
    }
    for (i, problem) in summary.problems.iter().take(10) {
        eprintln!("  device {i}: {problem}");
    }
    let p = summary.progress;
    crate::output::print(
        global,
        &serde_json::json!({
            "devices": p.devices,
            "done": p.done,
            "accepted": p.stats.accepted,
            "refused": p.stats.refused,
            "units": p.stats.units,
            "reports": p.stats.reports,
            "node_errors": p.stats.node_errors,
            "elapsed_s": p.elapsed.as_secs_f64(),
            "reports_per_s": p.reports_per_s,
            "units_per_s": p.units_per_s,
        }),
        || format!("summary: {}", progress_line(&p)),
    );
    Ok(if p.done == p.devices {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "{} of {} device(s) did not finish their permits",
            p.devices - p.done,
            p.devices
        );
        ExitCode::from(1)
    })
}

fn provision_dev(global: &Global, a: &AgentProvisionArgs) -> anyhow::Result<ExitCode> {
    if a.n == 0 {
        bail!("provision at least one device");
    }
    let demo = |name: &str| {
        crate::keys::load(&global.home, name).with_context(|| {
            format!("provisioning uses the demo account {name:?} of `aigov dev` (pass --home to its data folder)")
        })
    };
    let slug = |s: &str| Slug::new(s).map_err(|e| anyhow::anyhow!("{s}: {e}"));
    let signers = Signers {
        operator_staff: demo("hiro")?,
        operator: slug("nordic-compute")?,
        inspector: demo("erin")?,
        inspection_members: vec![slug("de")?, slug("eu")?],
        proposer: demo("alice")?,
        voters: vec![demo("alice")?, demo("bob")?, demo("carol")?],
        lab_staff: demo("lena")?,
        lab: slug("frontier-lab")?,
        treasury: Some(demo("frank")?),
    };
    std::fs::create_dir_all(&a.keys).with_context(|| format!("creating {}", a.keys.display()))?;
    let mut devices = Vec::new();
    for i in 1..=a.n {
        let path = a.keys.join(format!("device-{i:03}.pem"));
        let key = if path.exists() {
            aigov_chain::setup::read_key(&path)?
        } else {
            let k = PrivateKey::generate();
            aigov_chain::setup::write_key(&path, &k)?;
            k
        };
        devices.push(key);
    }
    let client = Client::new(&global.node);
    let done = provision(
        &client,
        &signers,
        &devices,
        &ProvisionOptions {
            run_budget: a.run_budget,
            stages: a.stages,
            ..ProvisionOptions::default()
        },
        |step| eprintln!("provision: {step}"),
    )?;
    crate::output::print(
        global,
        &serde_json::json!({
            "keys": a.keys,
            "hardware": done.hardware,
            "model": done.model,
            "workload": done.workload,
            "runs": done.runs,
        }),
        || {
            format!(
                "{} device(s) in {}: hardware {:?}, model {}, workload {}, runs {:?}\nrun them: aigov agent simulate {} --keys {}",
                a.n,
                a.keys.display(),
                done.hardware,
                done.model,
                done.workload,
                done.runs,
                a.n,
                a.keys.display()
            )
        },
    );
    Ok(ExitCode::SUCCESS)
}
