//! `aigov tx …`: build, sign, submit, wait for finality, print the outcome.

use crate::args::{Global, PersonnelTx, TxArgs, TxModule};
use crate::output;
use aigov_client::Client;
use aigov_types::Call;
use aigov_types::api::TxStatus;
use aigov_types::codec::{BoundedString, Hash, Slug};
use aigov_types::personnel::{PersonnelCall, RegisterPersonnel, Role, Roles};
use anyhow::{Context as _, anyhow};
use std::process::ExitCode;
use std::time::Duration;

fn slug(s: &str, what: &str) -> anyhow::Result<Slug> {
    Slug::new(s).map_err(|e| anyhow!("invalid {what} id {s:?}: {e}"))
}

fn personnel_call(cmd: &PersonnelTx) -> anyhow::Result<Call> {
    match cmd {
        PersonnelTx::Register {
            member,
            roles,
            tier,
            name,
            organisation,
            credential,
        } => {
            let roles: Vec<Role> = roles
                .iter()
                .flat_map(|r| r.split(','))
                .map(|r| r.parse::<Role>().map_err(|e| anyhow!(e)))
                .collect::<anyhow::Result<_>>()?;
            let credential = match credential {
                Some(h) => Hash::from_hex(h)
                    .ok_or_else(|| anyhow!("--credential must be 64 hex digits"))?,
                None => Hash::digest(&[b"aigov-credential:", name.as_bytes()]),
            };
            Ok(Call::Personnel(PersonnelCall::Register(
                RegisterPersonnel {
                    member: slug(member, "member")?,
                    organisation: organisation
                        .as_deref()
                        .map(|o| slug(o, "organisation"))
                        .transpose()?,
                    roles: Roles::from_roles(&roles),
                    tier: *tier,
                    name: BoundedString::new(name.as_str())
                        .ok_or_else(|| anyhow!("--name is longer than 128 bytes"))?,
                    credential,
                },
            )))
        }
    }
}

/// `aigov tx …`.
pub fn run(global: &Global, args: &TxArgs) -> anyhow::Result<ExitCode> {
    let call = match &args.module {
        TxModule::Personnel(cmd) => personnel_call(cmd)?,
        TxModule::Gov(cmd) => crate::gov::call(global, cmd)?,
        TxModule::Gas(cmd) => crate::economy::gas_call(global, cmd)?,
        TxModule::Treasury(cmd) => crate::economy::treasury_call(cmd)?,
        TxModule::Hardware(cmd) => match crate::compute::hardware_call(global, cmd)? {
            Some(call) => call,
            None => return Ok(ExitCode::SUCCESS),
        },
        TxModule::Model(cmd) => crate::compute::model_call(global, cmd)?,
        TxModule::Workload(cmd) => crate::compute::workload_call(cmd)?,
        TxModule::Otk(cmd) => crate::compute::otk_call(cmd)?,
        TxModule::Whistle(cmd) => crate::whistle::call(global, cmd)?,
        TxModule::Template(cmd) => crate::certify::template_call(cmd)?,
        TxModule::Report(cmd) => match crate::certify::report_call(global, cmd)? {
            Some(call) => call,
            None => return Ok(ExitCode::SUCCESS),
        },
    };
    let key = crate::keys::signer(global)?;
    let client = Client::new(&global.node);
    let health = client.health()?;
    let chain_id = slug(&health.chain_id, "chain")?;
    let tx = client
        .build_tx(&key, &chain_id, args.gas_limit, call)
        .context("building the transaction")?;
    crate::certify::check_size(&tx)?;
    let about = match &args.module {
        TxModule::Gov(cmd) => crate::gov::proposal_of(cmd),
        TxModule::Personnel(_)
        | TxModule::Gas(_)
        | TxModule::Treasury(_)
        | TxModule::Hardware(_)
        | TxModule::Model(_)
        | TxModule::Workload(_)
        | TxModule::Otk(_)
        | TxModule::Whistle(_)
        | TxModule::Template(_)
        | TxModule::Report(_) => None,
    };
    let hash = client.submit(&tx).map_err(|e| {
        // A refusal with a known remedy: the node's words, then what to do.
        match e.code().and_then(|c| crate::gov::hint(c, about)) {
            Some(h) => anyhow!("{e}\nhint: {h}"),
            None => anyhow::Error::new(e),
        }
    })?;
    if args.no_wait {
        output::print(
            global,
            &serde_json::json!({"hash": hash, "status": "pending"}),
            || format!("submitted {hash}"),
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !global.json {
        eprintln!("submitted {hash}; waiting for finality…");
    }
    let status = client.wait_for_tx(&hash, Duration::from_secs(args.timeout))?;
    output::print(global, &status, || {
        let mut text = output::describe_tx(&hash, &status);
        if matches!(args.module, TxModule::Gov(_)) {
            let names = crate::gov::Names::load(global);
            let who = global.key.as_deref().unwrap_or("you");
            if let Some(more) = crate::gov::after_tx(&names, who, about, &status) {
                text.push('\n');
                text.push_str(&more);
            }
        }
        text
    });
    Ok(match status {
        TxStatus::Failed { .. } => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}
