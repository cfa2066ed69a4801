//! The whistle-blower program on the command line: `aigov whistle keygen|open`,
//! `aigov tx whistle file`, `aigov query whistle report|key`. Sealing and opening happen on
//! this machine (`aigov_client::seal`); the node only ever sees the sealed blob.

use crate::args::{Global, QueryArgs, WhistleCmd, WhistleQuery, WhistleTx};
use crate::output;
use crate::query::state_with;
use aigov_client::Client;
use aigov_client::seal::{ReviewerKey, open, seal};
use aigov_types::Call;
use aigov_types::codec::{BoundedBytes, Hash};
use aigov_types::whistle::{FileReport, Report, SealKey, WhistleCall};
use anyhow::{Context as _, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::ExitCode;

/// The reviewing body's key file.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    /// X25519 secret, hex.
    secret: String,
    /// X25519 public key, hex.
    public: SealKey,
}

fn write_private(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    if path.exists() {
        bail!("{} exists; refusing to overwrite a key", path.display());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    use std::io::Write as _;
    opts.open(path)
        .and_then(|mut f| f.write_all(contents))
        .with_context(|| format!("writing {}", path.display()))
}

/// Writes the reviewing body's key pair to `path` (created, readable only by the owner; an
/// existing file is never overwritten).
pub fn write_key_file(path: &Path, key: &ReviewerKey) -> anyhow::Result<()> {
    let file = KeyFile {
        secret: hex::encode(key.secret()),
        public: key.public(),
    };
    write_private(path, &serde_json::to_vec_pretty(&file)?)
}

fn read_key(path: &Path) -> anyhow::Result<ReviewerKey> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let f: KeyFile = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not an `aigov whistle keygen` key file",
            path.display()
        )
    })?;
    let secret: [u8; 32] = hex::decode(f.secret.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| anyhow!("{}: the secret is not 64 hex digits", path.display()))?;
    let key = ReviewerKey::from_secret(secret);
    if key.public() != f.public {
        bail!(
            "{}: the public key does not match the secret",
            path.display()
        );
    }
    Ok(key)
}

/// `aigov whistle …`.
pub fn run(global: &Global, cmd: &WhistleCmd) -> anyhow::Result<ExitCode> {
    match cmd {
        WhistleCmd::Keygen { out } => {
            let key = ReviewerKey::generate()?;
            write_key_file(out, &key)?;
            output::print(
                global,
                &serde_json::json!({ "public": key.public(), "file": out }),
                || {
                    format!(
                        "reviewing key written to {} (keep it secret)\npublic key: {}\n\
                         install it with a System proposal: --action set-whistleblower-key:{}",
                        out.display(),
                        key.public(),
                        key.public()
                    )
                },
            );
            Ok(ExitCode::SUCCESS)
        }
        WhistleCmd::Open {
            reviewer_key,
            report,
            out,
        } => {
            let key = read_key(reviewer_key)?;
            let client = Client::new(&global.node);
            let r = client
                .whistle_report(*report, false)?
                .value
                .ok_or_else(|| anyhow!("report {report} does not exist"))?;
            if r.recipient != key.public() {
                eprintln!(
                    "warning: report {report} is sealed to {}, not to this key ({})",
                    r.recipient,
                    key.public()
                );
            }
            if Hash::digest(&[r.sealed.as_slice()]) != r.sealed_hash {
                eprintln!("the sealed blob does not match its hash on chain");
                return Ok(ExitCode::from(1));
            }
            let opened = match open(&key, r.sealed.as_slice()) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("report {report} does not open: {e}");
                    return Ok(ExitCode::from(1));
                }
            };
            let matches = opened.payload_hash == r.payload_hash;
            if let Some(path) = out {
                aigov_chain::setup::write_atomic(path, &opened.plaintext)?;
            }
            let text = String::from_utf8_lossy(&opened.plaintext).to_string();
            output::print(
                global,
                &serde_json::json!({
                    "report": r.id,
                    "status": r.status,
                    "commitment_matches": matches,
                    "text": if out.is_none() { Some(&text) } else { None },
                }),
                || {
                    let mut s = format!(
                        "report #{} ({:?}), commitment {}",
                        r.id,
                        r.status,
                        if matches { "matches" } else { "DOES NOT MATCH" }
                    );
                    match out {
                        Some(p) => s.push_str(&format!("\nwritten to {}", p.display())),
                        None => {
                            s.push_str("\n\n");
                            s.push_str(&text);
                        }
                    }
                    s
                },
            );
            Ok(if matches {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
    }
}

/// The call of `aigov tx whistle …`.
pub fn call(global: &Global, cmd: &WhistleTx) -> anyhow::Result<Call> {
    match cmd {
        WhistleTx::File {
            to_key,
            genesis,
            file,
        } => {
            let to = match (to_key, genesis) {
                (Some(hex), _) => SealKey::from_hex(hex)
                    .ok_or_else(|| anyhow!("--to-key must be 64 hex digits"))?,
                (None, true) => Client::new(&global.node)
                    .whistle_key(false)?
                    .value
                    .flatten()
                    .ok_or_else(|| anyhow!("the chain has no reviewing key yet"))?,
                (None, false) => bail!("give --to-key HEX or --genesis"),
            };
            let text =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let sealed = seal(&to, &text)?;
            Ok(Call::Whistle(WhistleCall::File(FileReport {
                sealed: BoundedBytes::new(sealed.blob)
                    .ok_or_else(|| anyhow!("the sealed report does not fit"))?,
                payload_hash: sealed.payload_hash,
            })))
        }
    }
}

fn report_text(r: &Report) -> String {
    let mut s = format!(
        "report #{} {:?}, filed by {} at height {}\n  sealed to {} ({} bytes, sha256 {})\n  commitment {}",
        r.id,
        r.status,
        r.reporter,
        r.filed_height,
        r.recipient,
        r.sealed.len(),
        r.sealed_hash,
        r.payload_hash
    );
    if let Some(p) = r.reviewed_by {
        s.push_str(&format!("\n  last reviewed by proposal {p}"));
    }
    if let Some(p) = r.escalated_by {
        s.push_str(&format!("\n  escalated by emergency proposal {p}"));
    }
    if let Some(p) = r.reward {
        s.push_str(&format!("\n  rewarded by payment #{p}"));
    }
    s
}

/// `aigov query whistle …`.
pub fn query(global: &Global, args: &QueryArgs, what: &WhistleQuery) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    match what {
        WhistleQuery::Report { id } => state_with(
            global,
            args,
            client.whistle_report(*id, args.prove)?,
            report_text,
        ),
        WhistleQuery::Key => {
            state_with(global, args, client.whistle_key(args.prove)?, |k| match k {
                Some(k) => format!("reviewing key: {k}"),
                None => "no reviewing key: reports are refused until a System proposal sets one"
                    .to_string(),
            })
        }
    }
}
