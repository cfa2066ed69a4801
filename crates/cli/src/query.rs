//! `aigov query …`: reads state, blocks and events; with `--prove`, checks the node's
//! light-client proof against the trusted group key and can save it for `aigov verify`.

use crate::args::{Global, QueryArgs, QueryWhat};
use crate::output::{self, pretty};
use aigov_client::{Client, GroupIdentity, verify_state_response};
use aigov_types::api::StateResponse;
use aigov_types::codec::{Encode, Slug, decode_slice};
use aigov_types::{Hash, PublicKey};
use anyhow::{Context as _, anyhow, bail};
use serde::Serialize;
use std::process::ExitCode;

/// Resolves a public key (hex) or keystore name; `None` falls back to `--key`.
pub(crate) fn who(global: &Global, arg: Option<&str>) -> anyhow::Result<PublicKey> {
    match arg {
        Some(s) if s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit()) => {
            PublicKey::from_hex(s).map_err(|e| anyhow!("{s}: {e}"))
        }
        Some(name) => Ok(crate::keys::load(&global.home, name)?.public_key()),
        None => Ok(crate::keys::signer(global)
            .context("name an account (public key or keystore name) or pass --key")?
            .public_key()),
    }
}

/// `aigov query NOUN ID|list`: one entry by id (provable, rendered with `text`), or a page of
/// the list (no proof). `items` takes a page apart into its entries and total.
#[allow(clippy::too_many_arguments)]
pub(crate) fn one_or_list<T: Serialize + Encode, P: Serialize>(
    global: &Global,
    args: &QueryArgs,
    noun: (&str, &str),
    id: &str,
    one: impl FnOnce(u64, bool) -> Result<StateResponse<T>, aigov_client::ClientError>,
    page: impl FnOnce() -> Result<P, aigov_client::ClientError>,
    items: impl Fn(&P) -> (&[T], u64),
    text: fn(&T) -> String,
) -> anyhow::Result<ExitCode> {
    let (singular, plural) = noun;
    if id != "list" {
        let id: u64 = id
            .parse()
            .map_err(|_| anyhow!("{id:?}: expected a {singular} id or `list`"))?;
        return state_with(global, args, one(id, args.prove)?, text);
    }
    if args.prove {
        bail!("the list has no proof; prove one {singular} with `query {singular} ID --prove`");
    }
    let page = page()?;
    output::print(global, &page, || {
        let (entries, total) = items(&page);
        let mut lines: Vec<String> = entries.iter().map(text).collect();
        lines.push(format!("({} of {total} {plural})", entries.len()));
        lines.join("\n")
    });
    Ok(ExitCode::SUCCESS)
}

/// Decodes the value of a known state key into readable text (JSON for most entries, a
/// summary for governance proposals and ballots). `names` maps keys to keystore names.
pub fn decode_known(key: &[u8], bytes: &[u8], names: &crate::gov::Names) -> Option<String> {
    use aigov_types::governance::{Ballot, GovernanceParams, Proposal};
    use aigov_types::personnel::{Member, Organisation, Personnel};
    fn j<T: aigov_types::codec::Read<Cfg = ()> + Serialize>(b: &[u8]) -> Option<String> {
        decode_slice::<T>(b).ok().map(|v| pretty(&v))
    }
    let k = String::from_utf8_lossy(key);
    if k.starts_with("gov/prop/") {
        decode_slice::<Proposal>(bytes)
            .ok()
            .map(|p| crate::gov::describe_proposal(names, &p))
    } else if k.starts_with("gov/ballot/") {
        decode_slice::<Ballot>(bytes).ok().map(|b| {
            format!(
                "ballot of {} ({}) on this proposal: {} with weight {}{}\n{}",
                names.of(&b.voter),
                b.member,
                serde_json::to_value(b.choice)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                b.weight,
                b.rationale
                    .map(|h| format!(", rationale {h}"))
                    .unwrap_or_default(),
                pretty(&b)
            )
        })
    } else if k == "gov/params" {
        j::<GovernanceParams>(bytes)
    } else if k == "gov/count"
        || k.starts_with("gov/content/")
        || k.starts_with("gov/voters/") && k.ends_with("/count")
    {
        j::<u64>(bytes)
    } else if k == "gov/live" {
        j::<aigov_state::governance::queries::LiveList>(bytes)
    } else if k.starts_with("chain/params") {
        j::<aigov_types::genesis::Params>(bytes)
    } else if k.starts_with("pers/id/") {
        j::<Personnel>(bytes)
    } else if k.starts_with("memb/id/") {
        j::<Member>(bytes)
    } else if k.starts_with("org/id/") {
        j::<Organisation>(bytes)
    } else if k.starts_with("acct/") {
        j::<aigov_types::Account>(bytes)
    } else if k.starts_with("rcpt/") {
        j::<aigov_types::Receipt>(bytes)
    } else if k.starts_with("log/ev/") {
        j::<aigov_types::EventRecord>(bytes)
    } else if k.starts_with("otk/permit/") {
        decode_slice::<aigov_types::otk::OtkPermit>(bytes)
            .ok()
            .map(|p| format!("{}\n{}", crate::compute::permit_text(&p), pretty(&p)))
    } else if k.starts_with("hw/id/") {
        decode_slice::<aigov_types::hardware::Hardware>(bytes)
            .ok()
            .map(|h| format!("{}\n{}", crate::compute::hardware_text(&h), pretty(&h)))
    } else if k.starts_with("model/id/") {
        decode_slice::<aigov_types::model::Model>(bytes)
            .ok()
            .map(|m| format!("{}\n{}", crate::compute::model_text(&m), pretty(&m)))
    } else if k.starts_with("wl/run/") {
        j::<aigov_types::workload::Run>(bytes)
    } else if k.starts_with("wl/id/") {
        j::<aigov_types::workload::Workload>(bytes)
    } else if k.starts_with("hw/insp/") {
        j::<aigov_types::hardware::Inspection>(bytes)
    } else if k == "val/pending" || k.starts_with("val/epoch/") {
        decode_slice::<aigov_types::validators::ValidatorSet>(bytes)
            .ok()
            .map(|s| crate::validators::committee_text(&s))
    } else if k.starts_with("val/addr/") {
        j::<aigov_types::validators::AddressHistory>(bytes)
    } else if k.starts_with("pool/")
        || k.starts_with("chain/height")
        || k.starts_with("chain/time")
        || k.starts_with("hw/device/")
        || k.starts_with("model/container/")
        || k.starts_with("otk/dev/")
        || k == "val/bpe"
    {
        j::<u64>(bytes)
    } else {
        None
    }
}

/// Decodes the value of a known state key as JSON (for `aigov verify --json`).
pub fn decode_known_json(key: &[u8], bytes: &[u8]) -> Option<serde_json::Value> {
    use aigov_types::governance::{Ballot, GovernanceParams, Proposal};
    use aigov_types::personnel::{Member, Organisation, Personnel};
    fn j<T: aigov_types::codec::Read<Cfg = ()> + Serialize>(b: &[u8]) -> Option<serde_json::Value> {
        decode_slice::<T>(b)
            .ok()
            .and_then(|v| serde_json::to_value(v).ok())
    }
    let k = String::from_utf8_lossy(key);
    type Decode = fn(&[u8]) -> Option<serde_json::Value>;
    let prefixes: [(&str, Decode); 34] = [
        ("gov/prop/", j::<Proposal>),
        ("gov/ballot/", j::<Ballot>),
        ("gov/params", j::<GovernanceParams>),
        ("pers/id/", j::<Personnel>),
        ("memb/id/", j::<Member>),
        ("org/id/", j::<Organisation>),
        ("acct/", j::<aigov_types::Account>),
        ("gas/params", j::<aigov_types::economy::EconomyParams>),
        ("gas/price", j::<aigov_types::economy::GasPrice>),
        ("gas/ledger", j::<aigov_types::economy::CreditLedger>),
        ("gas/purchase/", j::<aigov_types::economy::Purchase>),
        ("gas/duty/", j::<aigov_types::economy::DutyUsage>),
        ("tres/ledger", j::<aigov_types::treasury::TreasuryLedger>),
        ("tres/payment/", j::<aigov_types::treasury::Payment>),
        ("tres/bounty/", j::<aigov_types::treasury::Bounty>),
        ("wb/report/", j::<aigov_types::whistle::Report>),
        ("gov/round/", j::<aigov_types::selection::SelectionRound>),
        ("wb/key", j::<Option<aigov_types::whistle::SealKey>>),
        ("rcpt/", j::<aigov_types::Receipt>),
        ("log/ev/", j::<aigov_types::EventRecord>),
        ("otk/permit/", j::<aigov_types::otk::OtkPermit>),
        ("otk/dev/", j::<u64>),
        ("hw/id/", j::<aigov_types::hardware::Hardware>),
        ("hw/insp/", j::<aigov_types::hardware::Inspection>),
        ("hw/device/", j::<u64>),
        ("model/id/", j::<aigov_types::model::Model>),
        ("model/container/", j::<u64>),
        ("wl/id/", j::<aigov_types::workload::Workload>),
        ("wl/run/", j::<aigov_types::workload::Run>),
        ("hw/params", j::<aigov_types::hardware::ComputeParams>),
        ("val/pending", j::<aigov_types::validators::ValidatorSet>),
        ("val/epoch/", j::<aigov_types::validators::ValidatorSet>),
        ("val/bpe", j::<u64>),
        ("val/addr/", j::<aigov_types::validators::AddressHistory>),
    ];
    prefixes
        .iter()
        .find(|(p, _)| k.starts_with(p))
        .and_then(|(_, f)| f(bytes))
}

/// Prints a state response; with `--prove`, verifies it and optionally saves the proof.
fn state<T: Serialize + Encode>(
    global: &Global,
    args: &QueryArgs,
    resp: StateResponse<T>,
) -> anyhow::Result<ExitCode> {
    state_with(global, args, resp, |v| pretty(v))
}

/// [state], with the value rendered as text by `human`.
pub fn state_with<T: Serialize + Encode>(
    global: &Global,
    args: &QueryArgs,
    resp: StateResponse<T>,
    human: impl FnOnce(&T) -> String,
) -> anyhow::Result<ExitCode> {
    state_or(global, args, resp, human, |height| {
        format!("absent (height {height})")
    })
}

/// [state_with], with an absent value described by `absent` (given the height read at).
pub(crate) fn state_or<T: Serialize + Encode>(
    global: &Global,
    args: &QueryArgs,
    resp: StateResponse<T>,
    human: impl FnOnce(&T) -> String,
    absent: impl FnOnce(u64) -> String,
) -> anyhow::Result<ExitCode> {
    if args.prove {
        check_proof(proof_identity(global).as_ref(), &resp, "")?;
        save_proof(args, &resp)?;
    } else if args.out.is_some() {
        bail!("--out saves a proof: add --prove");
    }
    output::print(global, &resp, || match &resp.value {
        Some(v) => format!("{}\n(height {})", human(v), resp.height),
        None => absent(resp.height),
    });
    Ok(ExitCode::SUCCESS)
}

/// The group key `--prove` checks proofs against, or `None` after a warning: without a trusted
/// key the proofs are still fetched (and can be saved for `aigov verify`), just not checked.
pub(crate) fn proof_identity(global: &Global) -> Option<GroupIdentity> {
    match crate::verify::trusted_identity(global, None, None) {
        Ok(identity) => Some(identity),
        Err(e) => {
            eprintln!("warning: proof not checked locally: {e:#}");
            None
        }
    }
}

/// Checks that `resp` carries a proof, and that it verifies against `identity` when there is
/// one; reports on stderr, naming the entry with the `what` prefix (empty for a single entry).
pub(crate) fn check_proof<T: Serialize + Encode>(
    identity: Option<&GroupIdentity>,
    resp: &StateResponse<T>,
    what: &str,
) -> anyhow::Result<()> {
    resp.proof
        .as_ref()
        .with_context(|| format!("the node returned no proof{what}"))?;
    if let Some(identity) = identity {
        let v = verify_state_response(resp, identity)
            .with_context(|| format!("the node's proof{what} does not verify"))?;
        eprintln!(
            "proof{what} checked: height {} block {} (finalized by the group key)",
            v.height, v.block_digest
        );
    }
    Ok(())
}

/// Writes the proof of `resp` to `--out`, if given.
pub(crate) fn save_proof<T>(args: &QueryArgs, resp: &StateResponse<T>) -> anyhow::Result<()> {
    let (Some(path), Some(proof)) = (&args.out, &resp.proof) else {
        return Ok(());
    };
    let json = serde_json::to_vec_pretty(proof)?;
    aigov_chain::setup::write_atomic(path, &json)?;
    eprintln!(
        "proof written to {} (check it with `aigov verify {}`)",
        path.display(),
        path.display()
    );
    Ok(())
}

/// `aigov query …`.
pub fn run(global: &Global, args: &QueryArgs) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    let prove = args.prove;
    let no_proof = |what: &str| -> anyhow::Result<()> {
        if prove {
            bail!(
                "{what} has no light-client proof; --prove applies to state queries (account, personnel, member, pool, validators, gov proposal, gov ballot, gov params, gas price|balance|pool|ledger|purchase, treasury ledger|bounty|payment)"
            );
        }
        Ok(())
    };
    match &args.what {
        QueryWhat::Health => {
            no_proof("health")?;
            let h = client.health()?;
            output::print(global, &h, || {
                format!(
                    "{} at height {} ({} pending)\ngroup key {}\nversion {}",
                    h.chain_id, h.height, h.mempool, h.group_key, h.version
                )
            });
        }
        QueryWhat::Block { height } => {
            no_proof("a block")?;
            let b = client.block(*height)?;
            output::print(global, &b, || pretty(&b));
        }
        QueryWhat::Tx { hash } => {
            no_proof("a transaction")?;
            let h = Hash::from_hex(hash)
                .ok_or_else(|| anyhow!("a transaction hash is 64 hex digits"))?;
            match client.tx_status(&h)? {
                Some(s) => output::print(global, &s, || output::describe_tx(&h, &s)),
                None => {
                    output::print(
                        global,
                        &serde_json::json!({"hash": h, "status": "unknown"}),
                        || format!("{h}: unknown to this node"),
                    );
                    return Ok(ExitCode::from(1));
                }
            }
        }
        QueryWhat::Account { who: w } => {
            return state(
                global,
                args,
                client.account(&who(global, w.as_deref())?, prove)?,
            );
        }
        QueryWhat::Personnel { who: w } => {
            return state(
                global,
                args,
                client.personnel(&who(global, w.as_deref())?, prove)?,
            );
        }
        QueryWhat::Member { id } => {
            let id = Slug::new(id.as_str()).map_err(|e| anyhow!("member id {id:?}: {e}"))?;
            return state(global, args, client.member(&id, prove)?);
        }
        QueryWhat::Pool => return state(global, args, client.pool(prove)?),
        QueryWhat::Members => {
            no_proof("the member list")?;
            let members = client.members()?;
            output::print(global, &members, || {
                members
                    .iter()
                    .map(|m| {
                        format!(
                            "{:<8} {:<36} seats per tier {:?}",
                            m.id,
                            m.name,
                            m.seats_per_tier.as_slice()
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        QueryWhat::PersonnelList { offset, limit } => {
            no_proof("the personnel list")?;
            let page = client.personnel_page(*offset, *limit)?;
            output::print(global, &page, || {
                let mut lines: Vec<String> = page
                    .personnel
                    .iter()
                    .map(|p| {
                        let roles: Vec<_> = p.roles.to_vec().iter().map(|r| r.name()).collect();
                        format!(
                            "{} {:<4} tier {} {:<9} {:<24} {}",
                            p.account,
                            p.member,
                            p.tier,
                            format!("{:?}", p.status).to_lowercase(),
                            p.name,
                            roles.join(",")
                        )
                    })
                    .collect();
                lines.push(format!(
                    "({} of {} personnel records)",
                    page.personnel.len(),
                    page.total
                ));
                lines.join("\n")
            });
        }
        QueryWhat::Events { from, limit } => {
            no_proof("the event list")?;
            let r = client.events(*from, *limit)?;
            output::print(global, &r, || {
                let mut lines: Vec<String> = r.events.iter().map(output::describe_event).collect();
                lines.push(format!("({} events in the log)", r.log_size));
                lines.join("\n")
            });
        }
        QueryWhat::Gov(what) => return crate::gov::query(global, args, what),
        QueryWhat::Gas(what) => return crate::economy::gas_query(global, args, what),
        QueryWhat::Treasury { what } => {
            return crate::economy::treasury_query(global, args, what.as_ref());
        }
        QueryWhat::Hardware { id, offset, limit } => {
            return one_or_list(
                global,
                args,
                ("hardware", "hardware"),
                id,
                |id, prove| client.hardware(id, prove),
                || client.hardware_page(*offset, *limit),
                |p| (&p.hardware, p.total),
                crate::compute::hardware_text,
            );
        }
        QueryWhat::Inspection { id } => return crate::compute::inspection_query(global, args, *id),
        QueryWhat::Challenge { id } => return crate::compute::challenge_query(global, args, *id),
        QueryWhat::Model { id, offset, limit } => {
            return one_or_list(
                global,
                args,
                ("model", "models"),
                id,
                |id, prove| client.model(id, prove),
                || client.model_page(*offset, *limit),
                |p| (&p.models, p.total),
                crate::compute::model_text,
            );
        }
        QueryWhat::Template { id, offset, limit } => {
            return one_or_list(
                global,
                args,
                ("template", "templates"),
                id,
                |id, prove| client.template(id, prove),
                || client.template_page(*offset, *limit),
                |p| (&p.templates, p.total),
                crate::certify::template_text,
            );
        }
        QueryWhat::Standard { number } => {
            return crate::certify::standard_query(global, args, *number);
        }
        QueryWhat::Report { id, offset, limit } => {
            return one_or_list(
                global,
                args,
                ("report", "reports"),
                id,
                |id, prove| client.audit_report(id, prove),
                || client.report_page(*offset, *limit),
                |p| (&p.reports, p.total),
                crate::certify::report_text,
            );
        }
        QueryWhat::Certification { model } => {
            return crate::certify::certification_query(global, args, *model);
        }
        QueryWhat::Runner { who: w } => {
            let key = who(global, Some(w))?;
            return crate::certify::runner_query(global, args, &key);
        }
        QueryWhat::Retry { model } => return crate::certify::retry_query(global, args, *model),
        QueryWhat::Workload { id } => return crate::compute::workload_query(global, args, *id),
        QueryWhat::Run { id } => return crate::compute::run_query(global, args, *id),
        QueryWhat::Otk(what) => return crate::compute::otk_query(global, args, what),
        QueryWhat::Whistle(what) => return crate::whistle::query(global, args, what),
        QueryWhat::Validators { epoch } => return crate::validators::query(global, args, *epoch),
        QueryWhat::Checkpoint => {
            no_proof("the checkpoint")?;
            let c = client.checkpoint()?;
            output::print(global, &c, || c.note.clone());
        }
    }
    Ok(ExitCode::SUCCESS)
}
