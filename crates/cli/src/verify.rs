//! `aigov verify PROOF_FILE`: checks a light-client proof offline, trusting only the consensus
//! group key.

use crate::args::{Global, VerifyArgs};
use aigov_client::{GroupIdentity, StateProof, VerifiedState, verify_state_proof};
use anyhow::{Context as _, bail};
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
    let text = std::fs::read_to_string(&args.proof)
        .with_context(|| format!("reading {}", args.proof.display()))?;
    let proof: StateProof = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a proof file (expected the JSON from `aigov query … --prove --out FILE`)",
            args.proof.display()
        )
    })?;
    let identity = trusted_identity(global, args.group_key.as_deref(), args.genesis.as_deref())?;
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
