//! The keystore: `HOME/keystore/NAME.pem`, Ed25519 PKCS#8 v1 PEM files (the form WebCrypto and
//! OpenSSL read), and the `aigov keys` commands.

use crate::args::{Global, KeysArgs, KeysCommand};
use aigov_types::PrivateKey;
use anyhow::{Context as _, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The keystore folder under `home`.
pub fn dir(home: &Path) -> PathBuf {
    home.join("keystore")
}

fn check_name(name: &str) -> anyhow::Result<()> {
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        bail!("invalid key name {name:?}: use 1-64 letters, digits, '-' or '_'");
    }
    Ok(())
}

/// Loads the key `name`.
pub fn load(home: &Path, name: &str) -> anyhow::Result<PrivateKey> {
    check_name(name)?;
    let path = dir(home).join(format!("{name}.pem"));
    if !path.exists() {
        let known: Vec<String> = list(home)
            .unwrap_or_default()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        bail!(
            "no key named {name:?} in {} (known: {}); create one with `aigov keys new {name}` or pass --home",
            dir(home).display(),
            if known.is_empty() {
                "none".into()
            } else {
                known.join(", ")
            }
        );
    }
    Ok(aigov_chain::setup::read_key(&path)?)
}

/// Loads the key named by `--key`.
pub fn signer(global: &Global) -> anyhow::Result<PrivateKey> {
    let Some(name) = &global.key else {
        bail!("this command signs a transaction: pass --key NAME (see `aigov keys list`)");
    };
    load(&global.home, name)
}

/// The key of a long-running role (a device, a landmark): `--key-file FILE` if given, else
/// the keystore's `--key NAME` (then also returned). `what` names it in errors.
pub fn file_or_named(
    global: &Global,
    file: Option<&Path>,
    what: &str,
) -> anyhow::Result<(PrivateKey, Option<String>)> {
    match (file, &global.key) {
        (Some(path), _) => Ok((
            aigov_chain::setup::read_key(path)
                .with_context(|| format!("{what} file {}", path.display()))?,
            None,
        )),
        (None, Some(name)) => Ok((load(&global.home, name)?, Some(name.clone()))),
        (None, None) => bail!("{what} is needed: pass --key NAME (keystore) or --key-file FILE"),
    }
}

/// Saves a key under `name`, refusing to overwrite.
pub fn save(home: &Path, name: &str, key: &PrivateKey) -> anyhow::Result<PathBuf> {
    check_name(name)?;
    let path = dir(home).join(format!("{name}.pem"));
    if path.exists() {
        bail!("a key named {name:?} already exists at {}", path.display());
    }
    aigov_chain::setup::write_key(&path, key)?;
    Ok(path)
}

/// Every key, sorted by name.
pub fn list(home: &Path) -> anyhow::Result<Vec<(String, PrivateKey)>> {
    let d = dir(home);
    if !d.exists() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("pem") {
            continue;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        out.push((name, aigov_chain::setup::read_key(&path)?));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// `aigov keys …`.
pub fn run(global: &Global, args: &KeysArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        KeysCommand::New { name } => {
            let key = PrivateKey::generate();
            let path = save(&global.home, name, &key)?;
            if global.json {
                println!(
                    "{}",
                    serde_json::json!({"name": name, "public_key": key.public_key(), "path": path})
                );
            } else {
                println!(
                    "created key {name}\npublic key: {}\nfile: {}",
                    key.public_key(),
                    path.display()
                );
            }
        }
        KeysCommand::List => {
            let keys = list(&global.home)?;
            if global.json {
                let rows: Vec<_> = keys
                    .iter()
                    .map(|(n, k)| serde_json::json!({"name": n, "public_key": k.public_key()}))
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
            } else if keys.is_empty() {
                eprintln!(
                    "no keys in {}; create one with `aigov keys new NAME`",
                    dir(&global.home).display()
                );
            } else {
                for (n, k) in keys {
                    println!("{n:<16} {}", k.public_key());
                }
            }
        }
        KeysCommand::Show { name } => {
            let key = load(&global.home, name)?;
            if global.json {
                println!(
                    "{}",
                    serde_json::json!({"name": name, "public_key": key.public_key()})
                );
            } else {
                println!("{}", key.public_key());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
