//! `aigov model fingerprint|verify-signature`: a model's container ID and OpenSSF Model Signing
//! bundles, offline (no node, no Python).

use crate::args::{Global, ModelCmd};
use crate::output;
use aigov_modelsign::{HashConfig, ModelSignError, VerifyOptions, hash_model, verify_bundle_with};
use anyhow::Context as _;
use std::path::Path;
use std::process::ExitCode;

/// `aigov model …`.
pub fn run(global: &Global, cmd: &ModelCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        ModelCmd::Fingerprint { path, ignore } => {
            let config = ignore
                .iter()
                .fold(HashConfig::default(), |c, p| c.ignore(p.as_str()));
            let m =
                hash_model(path, &config).with_context(|| format!("hashing {}", path.display()))?;
            let files: Vec<_> = m
                .entries
                .iter()
                .map(|e| serde_json::json!({"name": e.name, "sha256": e.digest_hex()}))
                .collect();
            output::print(
                global,
                &serde_json::json!({"container_id": m.container_id.to_string(), "files": files}),
                || m.container_id.to_string(),
            );
            Ok(ExitCode::SUCCESS)
        }
        ModelCmd::VerifySignature {
            path,
            bundle,
            public_key,
        } => {
            let bundle_bytes =
                std::fs::read(bundle).with_context(|| format!("reading {}", bundle.display()))?;
            let pem = std::fs::read_to_string(public_key)
                .with_context(|| format!("reading {}", public_key.display()))?;
            let options = VerifyOptions {
                // `model_signing sign` leaves out its own signature file when it sits in the
                // folder; do the same when checking.
                extra_ignore_paths: inside(path, bundle).into_iter().collect(),
                ..VerifyOptions::default()
            };
            match verify_bundle_with(&bundle_bytes, &pem, Some(path), &options) {
                Ok(v) => {
                    output::print(
                        global,
                        &serde_json::json!({
                            "valid": true,
                            "name": v.name,
                            "container_id": v.container_id.to_string(),
                            "files": v.resources.len(),
                            "key_hint": v.key_hint,
                        }),
                        || v.to_string(),
                    );
                    Ok(ExitCode::SUCCESS)
                }
                Err(e @ ModelSignError::Io { .. }) => Err(e).context("the model could not be read"),
                Err(e) => {
                    output::print(
                        global,
                        &serde_json::json!({"valid": false, "error": e.to_string()}),
                        || format!("signature does NOT verify: {e}"),
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

/// The bundle's path relative to the model folder, when it lies inside it.
fn inside(folder: &Path, bundle: &Path) -> Option<String> {
    let folder = folder.canonicalize().ok()?;
    let bundle = bundle.canonicalize().ok()?;
    let rel = bundle.strip_prefix(&folder).ok()?;
    Some(rel.to_str()?.replace('\\', "/"))
}
