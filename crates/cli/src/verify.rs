//! `aigov verify PROOF_FILE`: checks a light-client proof offline, trusting only the consensus
//! group key.

use crate::args::{Global, TrustArgs, VerifyArgs, VerifyWhat};
use aigov_client::{
    Client, GroupIdentity, StateProof, VerifiedState, verify_state_proof, verify_state_response,
};
use aigov_types::Hash;
use aigov_types::api::ModelByContainer;
use aigov_types::model::{Model, ModelStatus};
use aigov_types::template::Certification;
use anyhow::{Context as _, anyhow, bail};
use std::path::Path;
use std::process::ExitCode;

/// The trusted group key: `--group-key`, else the genesis at `--genesis`, else HOME/genesis.json.
pub fn trusted_identity(
    global: &Global,
    group_key: Option<&str>,
    genesis: Option<&Path>,
) -> anyhow::Result<GroupIdentity> {
    if let Some(hex) = group_key {
        return GroupIdentity::from_hex(hex).context("--group-key is not a BLS12-381 group key");
    }
    let default = global.home.join("genesis.json");
    let path = genesis.unwrap_or(&default);
    if !path.exists() {
        bail!(
            "no trusted group key: {} does not exist; pass --group-key HEX (from `aigov query health`, obtained over a channel you trust) or --genesis FILE",
            path.display()
        );
    }
    let (g, _) = aigov_chain::setup::read_genesis(path)?;
    GroupIdentity::from_genesis(&g).with_context(|| format!("the group key in {}", path.display()))
}

/// Describes a proven entry, decoding values of known keys.
pub fn describe(v: &VerifiedState, names: &crate::gov::Names) -> String {
    // The readable part of the key: its printable prefix up to the last '/'.
    let printable = v
        .key
        .iter()
        .position(|b| !(b.is_ascii_graphic()))
        .unwrap_or(v.key.len());
    let split = v.key[..printable]
        .iter()
        .rposition(|b| *b == b'/')
        .map_or(0, |p| p + 1);
    let key = String::from_utf8_lossy(&v.key[..split]).to_string();
    let value = match &v.value {
        None => "absent (proof of absence)".to_string(),
        Some(bytes) => crate::query::decode_known(&v.key, bytes, names)
            .unwrap_or_else(|| format!("0x{}", hex::encode(bytes))),
    };
    format!(
        "proof verifies: block {} (height {}, finalized by the group key), state root {}\nkey {}{}{}\nvalue {}",
        v.block_digest,
        v.height,
        v.state_root,
        key,
        hex::encode(&v.key[key.len()..]),
        key_note(&v.key),
        value
    )
}

/// What a binary key names, where it is not plain text: ` (proposal 1)`, ` (ballot of … on
/// proposal 1)`.
fn key_note(key: &[u8]) -> String {
    let id = |b: &[u8]| <[u8; 8]>::try_from(b).ok().map(u64::from_be_bytes);
    if let Some(rest) = key.strip_prefix(b"gov/prop/")
        && let Some(n) = id(rest)
    {
        return format!(" (proposal {n})");
    }
    if let Some(rest) = key.strip_prefix(b"gov/ballot/")
        && rest.len() == 40
        && let Some(n) = id(&rest[..8])
    {
        return format!(" (ballot of {} on proposal {n})", hex::encode(&rest[8..]));
    }
    String::new()
}

/// `aigov verify`.
pub fn run(global: &Global, args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    if let Some(VerifyWhat::Model {
        container_id,
        out,
        from,
        trust,
    }) = &args.what
    {
        return model(global, container_id, out.as_deref(), from.as_deref(), trust);
    }
    let path = args
        .proof
        .as_ref()
        .context("give a proof file, or `aigov verify model CONTAINER_ID`")?;
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let proof: StateProof = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a proof file (expected the JSON from `aigov query … --prove --out FILE`)",
            path.display()
        )
    })?;
    let identity = trusted_identity(
        global,
        args.trust.group_key.as_deref(),
        args.trust.genesis.as_deref(),
    )?;
    match verify_state_proof(&proof, &identity) {
        Ok(v) => {
            crate::output::print(
                global,
                &serde_json::json!({
                    "valid": true,
                    "verified": v,
                    "decoded": v.value.as_deref().and_then(|b| crate::query::decode_known_json(&v.key, b)),
                }),
                || describe(&v, &crate::gov::Names::load(global)),
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            crate::output::print(
                global,
                &serde_json::json!({"valid": false, "error": e.to_string()}),
                || format!("proof does NOT verify: {e}"),
            );
            Ok(ExitCode::from(1))
        }
    }
}

/// What the proofs of a [ModelByContainer] answer establish.
#[derive(Debug, serde::Serialize)]
pub struct ProvenModel {
    /// The container ID.
    pub container_id: Hash,
    /// The model registered under it and its certification record, if any.
    pub model: Option<(Model, Option<Certification>)>,
    /// The lowest height among the proofs (each is final at its own height).
    pub height: u64,
}

impl ProvenModel {
    /// True when the proven model is Certified.
    pub fn certified(&self) -> bool {
        matches!(&self.model, Some((m, _)) if m.status == ModelStatus::Certified)
    }
}

/// Checks every part of a [ModelByContainer] answer against the group key: each proof verifies,
/// is for the key this container (and the model it names) lives under, and agrees with the
/// value the answer shows. A server can withhold an answer but cannot forge one.
pub fn check_model(
    answer: &ModelByContainer,
    container: &Hash,
    identity: &GroupIdentity,
) -> anyhow::Result<ProvenModel> {
    use aigov_state::{certify, models};
    if answer.container_id != *container {
        bail!(
            "the answer is about container {}, not {container}",
            answer.container_id
        );
    }
    let expect_key = |v: &VerifiedState, key: Vec<u8>, what: &str| {
        if v.key == key {
            Ok(())
        } else {
            Err(anyhow!("the {what} proof is for another state key"))
        }
    };
    let id = verify_state_response(&answer.id, identity).context("the container's proof")?;
    expect_key(&id, models::keys::container(container), "container")?;
    let Some(model_id) = answer.id.value else {
        return Ok(ProvenModel {
            container_id: *container,
            model: None,
            height: id.height,
        });
    };
    let model = answer
        .model
        .as_ref()
        .context("the answer names a model but omits its record")?;
    let m = verify_state_response(model, identity).context("the model's proof")?;
    expect_key(&m, models::keys::model(model_id), "model")?;
    let record = model
        .value
        .clone()
        .ok_or_else(|| anyhow!("model {model_id} is proven absent, yet the container names it"))?;
    if record.id != model_id || record.container_id != *container {
        bail!("model {model_id}'s record does not carry container {container}");
    }
    let cert = answer
        .certification
        .as_ref()
        .context("the answer omits the certification record")?;
    let c = verify_state_response(cert, identity).context("the certification's proof")?;
    expect_key(&c, certify::keys::model(model_id), "certification")?;
    Ok(ProvenModel {
        container_id: *container,
        model: Some((record, cert.value.clone())),
        height: id.height.min(m.height).min(c.height),
    })
}

fn proven_model_text(p: &ProvenModel) -> String {
    match &p.model {
        None => format!(
            "no model is registered under container {}: its absence is proven at height {}",
            p.container_id, p.height
        ),
        Some((m, cert)) => {
            let mut s = format!(
                "container {} is model #{} {:?} of {}: {:?}{}",
                p.container_id,
                m.id,
                m.name.as_str(),
                m.owner,
                m.status,
                m.tier.map(|t| format!(", tier {t}")).unwrap_or_default()
            );
            match cert {
                Some(c) => {
                    s.push_str(&format!(
                        "\nstandard version {}, {} template(s) passed",
                        c.standard_version,
                        c.passed.len()
                    ));
                    match c.certified_height {
                        Some(h) => s.push_str(&format!(", certified at height {h}")),
                        None => s.push_str(", never certified"),
                    }
                    if let Some(r) = c.rejected_by {
                        s.push_str(&format!(", rejected by report {r}"));
                    }
                }
                None => s.push_str("\nno certification record (nothing declared yet)"),
            }
            s.push_str(&format!(
                "\nproven at height {} by the consensus group key",
                p.height
            ));
            s
        }
    }
}

/// `aigov verify model CONTAINER_ID`.
fn model(
    global: &Global,
    container_id: &str,
    out: Option<&Path>,
    from: Option<&Path>,
    trust: &TrustArgs,
) -> anyhow::Result<ExitCode> {
    let container = Hash::from_hex(container_id.trim()).ok_or_else(|| {
        anyhow!("{container_id:?} is not a container ID (64 hex digits, from `aigov model fingerprint DIR`)")
    })?;
    let identity = trusted_identity(global, trust.group_key.as_deref(), trust.genesis.as_deref())?;
    let answer: ModelByContainer = match from {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| {
                format!(
                    "{} is not a saved answer of `aigov verify model … --out FILE`",
                    path.display()
                )
            })?
        }
        None => Client::new(&global.node).model_by_container(&container)?,
    };
    if let Some(path) = out {
        aigov_chain::setup::write_atomic(path, &serde_json::to_vec_pretty(&answer)?)?;
        eprintln!("answer and proofs written to {}", path.display());
    }
    match check_model(&answer, &container, &identity) {
        Ok(p) => {
            crate::output::print(
                global,
                &serde_json::json!({"valid": true, "certified": p.certified(), "proven": p}),
                || proven_model_text(&p),
            );
            Ok(ExitCode::from(if p.certified() { 0 } else { 3 }))
        }
        Err(e) => {
            crate::output::print(
                global,
                &serde_json::json!({"valid": false, "error": format!("{e:#}")}),
                || format!("the answer does NOT verify: {e:#}"),
            );
            Ok(ExitCode::from(1))
        }
    }
}
