//! `aigov query validators`: the consensus committee as voted, and the committee of each epoch
//! (the validators its reshare ceremony deals shares to, who sign from the next epoch), each
//! provable with `--prove`.

use crate::args::{Global, QueryArgs};
use crate::output;
use crate::query::{check_proof, proof_identity, save_proof, state_or};
use aigov_client::Client;
use aigov_types::reshare::{committee_cutoff, epoch_of};
use aigov_types::validators::ValidatorSet;
use serde::Serialize;
use std::process::ExitCode;

/// What `aigov query validators` (without `--epoch`) shows, and its `--json` form.
#[derive(Debug, Serialize)]
struct Overview {
    /// The latest finalized height, when the committee as voted was read.
    height: u64,
    /// Blocks per epoch (0 only before genesis is applied).
    blocks_per_epoch: u64,
    /// The epoch of `height` (`None` while blocks per epoch is 0).
    epoch: Option<u64>,
    /// The committee as last voted.
    voted: ValidatorSet,
    /// The committees of the current and the next epoch.
    epochs: Vec<EpochCommittee>,
}

/// One epoch's committee, `None` until its snapshot is written.
#[derive(Debug, Serialize)]
struct EpochCommittee {
    epoch: u64,
    committee: Option<ValidatorSet>,
    /// The height whose block fixes it (`None` for epochs 0 and 1, fixed by genesis).
    fixed_at: Option<u64>,
}

/// `aigov query validators [--epoch E]`.
pub fn query(global: &Global, args: &QueryArgs, epoch: Option<u64>) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    match epoch {
        Some(epoch) => one_epoch(global, args, &client, epoch),
        None => overview(global, args, &client),
    }
}

/// `--epoch E`: that epoch's committee, or that it is not fixed yet.
fn one_epoch(
    global: &Global,
    args: &QueryArgs,
    client: &Client,
    epoch: u64,
) -> anyhow::Result<ExitCode> {
    let resp = client.committee(epoch, args.prove)?;
    // Only to say when an absent committee gets fixed: unproven, and not read otherwise.
    let fixed_at = match resp.value {
        None if !global.json => client
            .blocks_per_epoch(false)?
            .value
            .and_then(|bpe| committee_cutoff(epoch, bpe)),
        _ => None,
    };
    state_or(
        global,
        args,
        resp,
        |set| format!("{}\n{}", epoch_heading(epoch, set), set_text(set)),
        |height| not_fixed(epoch, fixed_at, height),
    )
}

/// Without `--epoch`: the committee as voted, the current epoch, and its and the next epoch's
/// committees. With `--prove` every entry read is checked; `--out` saves the proof of the
/// committee as voted.
fn overview(global: &Global, args: &QueryArgs, client: &Client) -> anyhow::Result<ExitCode> {
    if args.out.is_some() && !args.prove {
        anyhow::bail!("--out saves a proof: add --prove");
    }
    let prove = args.prove;
    let identity = if prove { proof_identity(global) } else { None };
    let voted = client.validators(prove)?;
    let bpe = client.blocks_per_epoch(prove)?;
    if prove {
        check_proof(identity.as_ref(), &voted, " of the committee as voted")?;
        check_proof(identity.as_ref(), &bpe, " of blocks per epoch")?;
    }
    let blocks_per_epoch = bpe.value.unwrap_or(0);
    let epoch = epoch_of(voted.height, blocks_per_epoch);
    let mut epochs = Vec::new();
    // The current and the next epoch (none before genesis is applied).
    let wanted = epoch.into_iter().flat_map(|e| [Some(e), e.checked_add(1)]);
    for e in wanted.flatten() {
        let resp = client.committee(e, prove)?;
        if prove {
            check_proof(
                identity.as_ref(),
                &resp,
                &format!(" of epoch {e}'s committee"),
            )?;
        }
        epochs.push(EpochCommittee {
            epoch: e,
            committee: resp.value,
            fixed_at: committee_cutoff(e, blocks_per_epoch),
        });
    }
    if prove {
        save_proof(args, &voted)?;
    }
    let view = Overview {
        height: voted.height,
        blocks_per_epoch,
        epoch,
        voted: voted.value.unwrap_or_default(),
        epochs,
    };
    output::print(global, &view, || overview_text(&view));
    Ok(ExitCode::SUCCESS)
}

/// One line per validator: key (hex), member, address.
fn set_text(set: &ValidatorSet) -> String {
    if set.is_empty() {
        return "  (no validators)".to_string();
    }
    set.iter()
        .map(|v| format!("  {} {:<8} {}", v.key, v.member.as_str(), v.address))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A committee on its own (as `aigov verify` describes a proven one): its size, then
/// [set_text].
pub fn committee_text(set: &ValidatorSet) -> String {
    format!("committee of {}:\n{}", count(set), set_text(set))
}

/// `N validator(s)`.
fn count(set: &ValidatorSet) -> String {
    match set.len() {
        1 => "1 validator".to_string(),
        n => format!("{n} validators"),
    }
}

/// The heading of an epoch's committee, saying what the committee does.
fn epoch_heading(epoch: u64, set: &ValidatorSet) -> String {
    format!(
        "epoch {epoch} committee ({}; dealt shares in epoch {epoch}, signs from epoch {}):",
        count(set),
        epoch.saturating_add(1)
    )
}

/// An epoch whose committee is not written yet.
fn not_fixed(epoch: u64, fixed_at: Option<u64>, height: u64) -> String {
    match fixed_at {
        Some(at) => format!(
            "epoch {epoch} committee: not fixed yet (height {height}); the block at height {at} fixes it"
        ),
        None => format!("epoch {epoch} committee: not fixed yet (height {height})"),
    }
}

fn overview_text(v: &Overview) -> String {
    let mut out = vec![
        format!("committee as voted ({}):", count(&v.voted)),
        set_text(&v.voted),
    ];
    match v.epoch {
        Some(epoch) => out.push(format!(
            "height {}: epoch {epoch} ({} blocks per epoch)",
            v.height, v.blocks_per_epoch
        )),
        None => out.push(format!(
            "height {}: no epochs yet (blocks per epoch unknown)",
            v.height
        )),
    }
    for e in &v.epochs {
        match &e.committee {
            Some(set) => {
                out.push(epoch_heading(e.epoch, set));
                out.push(set_text(set));
            }
            None => out.push(not_fixed(e.epoch, e.fixed_at, v.height)),
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use aigov_types::codec::{BoundedString, BoundedVec, Slug};
    use aigov_types::genesis::Validator;

    fn validator(seed: u8, member: &str, address: &str) -> Validator {
        Validator {
            member: Slug::new(member).unwrap(),
            key: aigov_types::PrivateKey::from_seed_bytes([seed; 32]).public_key(),
            address: BoundedString::new(address).unwrap(),
        }
    }

    fn set(v: Vec<Validator>) -> ValidatorSet {
        BoundedVec::new(v).unwrap()
    }

    #[test]
    fn one_line_per_validator_with_key_member_and_address() {
        let a = validator(1, "fr", "10.0.0.1:7000");
        let b = validator(2, "de", "de.validators.test:7000");
        let text = set_text(&set(vec![a.clone(), b.clone()]));
        assert_eq!(
            text,
            format!(
                "  {} fr       10.0.0.1:7000\n  {} de       de.validators.test:7000",
                a.key, b.key
            )
        );
        assert_eq!(set_text(&set(Vec::new())), "  (no validators)");
    }

    #[test]
    fn the_overview_names_the_epoch_and_each_committee_or_when_it_is_fixed() {
        let a = validator(1, "fr", "10.0.0.1:7000");
        let b = validator(2, "de", "10.0.0.2:7000");
        let view = Overview {
            height: 1234,
            blocks_per_epoch: 600,
            epoch: Some(2),
            voted: set(vec![a.clone(), b.clone()]),
            epochs: vec![
                EpochCommittee {
                    epoch: 2,
                    committee: Some(set(vec![a.clone()])),
                    fixed_at: committee_cutoff(2, 600),
                },
                EpochCommittee {
                    epoch: 3,
                    committee: None,
                    fixed_at: committee_cutoff(3, 600),
                },
            ],
        };
        let text = overview_text(&view);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "committee as voted (2 validators):");
        assert!(lines[1].contains(&a.key.to_string()) && lines[2].contains(&b.key.to_string()));
        assert_eq!(lines[3], "height 1234: epoch 2 (600 blocks per epoch)");
        assert_eq!(
            lines[4],
            "epoch 2 committee (1 validator; dealt shares in epoch 2, signs from epoch 3):"
        );
        assert!(lines[5].contains(&a.key.to_string()));
        assert_eq!(
            lines[6],
            "epoch 3 committee: not fixed yet (height 1234); the block at height 899 fixes it"
        );
        assert_eq!(lines.len(), 7);

        // JSON: the same facts, absent committees as null.
        let json = serde_json::to_value(&view).unwrap();
        assert_eq!(json["epoch"], 2);
        assert_eq!(json["voted"].as_array().unwrap().len(), 2);
        assert!(json["epochs"][1]["committee"].is_null());
        assert_eq!(json["epochs"][1]["fixed_at"], 899);
    }

    #[test]
    fn before_genesis_there_is_no_epoch() {
        let view = Overview {
            height: 0,
            blocks_per_epoch: 0,
            epoch: epoch_of(0, 0),
            voted: set(Vec::new()),
            epochs: Vec::new(),
        };
        assert_eq!(
            overview_text(&view),
            "committee as voted (0 validators):\n  (no validators)\nheight 0: no epochs yet (blocks per epoch unknown)"
        );
    }

    #[test]
    fn epoch_committees_without_a_cutoff_say_so() {
        assert_eq!(
            not_fixed(1, None, 5),
            "epoch 1 committee: not fixed yet (height 5)"
        );
    }

    #[test]
    fn val_keys_decode_in_proof_descriptions() {
        use aigov_types::codec::Encode;
        let s = set(vec![validator(1, "fr", "10.0.0.1:7000")]);
        let bytes = s.encode();
        for key in [
            aigov_state::validators::keys::pending(),
            aigov_state::validators::keys::committee(7),
        ] {
            let json = crate::query::decode_known_json(&key, &bytes).unwrap();
            assert_eq!(json, serde_json::to_value(&s).unwrap());
        }
        let bpe = 600u64.encode();
        let key = aigov_state::validators::keys::blocks_per_epoch();
        assert_eq!(
            crate::query::decode_known_json(&key, &bpe),
            Some(serde_json::json!(600))
        );
        let global = Global {
            node: String::new(),
            key: None,
            home: std::path::PathBuf::from("/nonexistent/aigov-home"),
            json: false,
        };
        let names = crate::gov::Names::load(&global);
        let text = crate::query::decode_known(
            &aigov_state::validators::keys::committee(3),
            &bytes,
            &names,
        )
        .unwrap();
        assert_eq!(text, format!("committee of 1 validator:\n{}", set_text(&s)));
        assert_eq!(
            crate::query::decode_known(&key, &bpe, &names).as_deref(),
            Some("600")
        );
    }
}
