//! Governance on the command line: `aigov tx gov propose|vote|cancel` and
//! `aigov query gov proposals|proposal|tally|record|ballots|ballot|params`, with the readable
//! renderings of proposals, tallies and decision records that `aigov verify` reuses.
//!
//! Actions are written `kind:args`, e.g. `activate-personnel:ada` (a keystore name or a
//! 64-hex-digit public key); see [ACTION_SYNTAX].

use crate::args::{Global, GovQuery, GovTx, QueryArgs};
use crate::output;
use aigov_client::Client;
use aigov_types::api::{TallyResponse, TxStatus};
use aigov_types::codec::{BoundedString, BoundedVec, Hash};
use aigov_types::economy::EconomyParams;
use aigov_types::event::Event;
use aigov_types::governance::{
    ACTIONS_MAX, Action, Ballot, CancelProposal, CastVote, ChallengeProposal, Choice, ClassParams,
    ClassParamsChange, Decision, DelegateVote, ExecuteProposal, GovernanceCall, GovernanceParams,
    PersonnelTarget, Proposal, ProposalClass, ProposalRef, ProposalStatus, SubmitProposal,
    TallyOutcome, TierChange,
};
use aigov_types::hardware::{ApproveHardware, ComputeParams, RevokeHardware};
use aigov_types::model::{ApproveModel, PhaseBudgets, RevokeModel};
use aigov_types::receipt::TxOutcome;
use aigov_types::template::{AllowRetry, SetStandard, TemplateRef, VaultCommitment};
use aigov_types::treasury::{PayBounty, PaymentReason, RejectBounty, TreasuryAward};
use aigov_types::validators::SetValidators;
use aigov_types::whistle::{
    EscalateReport, ReviewOutcome, ReviewReport, SealKey, SetWhistleblowerKey,
};
use aigov_types::workload::{HaltReason, HaltRun};
use aigov_types::{Call, PublicKey};
use anyhow::{Context as _, anyhow, bail};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

/// The `--action` syntax, for help and errors.
pub const ACTION_SYNTAX: &str = "\
activate-personnel:WHO        vet (or reinstate) a person: Pending/Suspended -> Active  [review, system]
suspend-personnel:WHO         Active -> Suspended                                      [review, system, emergency]
remove-personnel:WHO          -> Removed (final)                                       [review, system]
renew-personnel-term:WHO      start a new term (re-vetting)                            [review, system]
set-personnel-tier:WHO:TIER   move a person to another tier                            [system]
set-class-params:CLASS:FILE   replace one class's rules (JSON ClassParams)             [system]
set-governance-params:FILE    replace every governance parameter (JSON)                [system]
set-economy-params:FILE       replace the gas price algorithm, tax, rate (JSON; tier-1 Policy only) [system]
pay-bounty:ID:AMOUNT          pay bounty claim ID from the treasury                    [review]
reject-bounty:ID              reject bounty claim ID                                   [review]
award:WHO:AMOUNT:REASON[:MEMO] treasury award; REASON is grant, round:N or whistleblower:N [system]
cancel-proposal:N             cancel live proposal N                                   [emergency]
ratify-emergency:N            keep executed emergency proposal N from lapsing          [safety, review, system]
approve-hardware:ID:PRE:POST:INF[:TEMPLATE]  Pending hardware -> Active with per-phase budgets (compute units), bound to a Hardware template for integrity challenges; also reinstates Suspended hardware, or gives Active hardware new budgets or a new template [review]
revoke-hardware:ID[:REASON]   revoke hardware; its permits are revoked at once         [review, emergency]
approve-model:ID:TIER:PRE:POST:INF Pending model -> Approved with tier and budgets      [review]
revoke-model:ID[:REASON]      revoke a model (final); its runs halt                    [emergency]
halt-run:ID[:REASON]          halt a run; REASON emergency (default), phase_mismatch, failed_safeguard, failed_attestation [emergency]
set-compute-params:FILE       inspection interval and drip rations (JSON ComputeParams) [system]
review-report:N:OUTCOME       whistle-blower report N: under-review, confirmed or dismissed [review]
escalate-report:N             the emergency response to whistle-blower report N        [emergency]
set-whistleblower-key:HEX     the reviewing body's X25519 key (64 hex digits, or none) [system]
open-selection-round:FILE     a safety selection round (JSON: category, candidates [{module, name, payee}], award, round_ms) [safety]
approve-template:ID           Proposed template -> Approved (immutable)                [safety]
retire-template:ID            retire a template the standard no longer requires        [safety]
set-standard:FILE             a new safety standard version (JSON SetStandard: rules, reject_severity) [safety]
allow-retry:MODEL:TEMPLATE:BLOB:OPENER[,OPENER]  one restrictive retry of a Rejected model; BLOB is the
                              hex digest of the encrypted failed output in the vault, OPENERs may open it [review]
set-validators:FILE           change the consensus committee (JSON: {add: [{member, key, address}], remove: [KEY]};
                              4 to 64 validators, each run by an admitted member, address host:port; voted
                              before an epoch's midpoint, the new committee signs three epochs later) [system]
WHO is a keystore name or a 64-hex-digit public key; a FILE may also be the --json output of
`aigov query gov params`.";

// ---------------------------------------------------------------------------------------------
// Names

/// Keystore names of public keys, for readable output (a key not in the keystore is shown in
/// full).
pub struct Names(BTreeMap<PublicKey, String>);

impl Names {
    /// The keystore under `--home` (empty if there is none).
    pub fn load(global: &Global) -> Self {
        let map = crate::keys::list(&global.home)
            .unwrap_or_default()
            .into_iter()
            .map(|(name, key)| (key.public_key(), name))
            .collect();
        Self(map)
    }

    /// `alice`, or the key's hex.
    pub fn of(&self, pk: &PublicKey) -> String {
        self.0.get(pk).cloned().unwrap_or_else(|| pk.to_string())
    }

    /// `alice (19bf…)`, or the key's hex.
    pub fn long(&self, pk: &PublicKey) -> String {
        match self.0.get(pk) {
            Some(name) => format!("{name} ({pk})"),
            None => pk.to_string(),
        }
    }
}

/// A public key (64 hex digits) or a keystore name.
pub fn account(global: &Global, s: &str) -> anyhow::Result<PublicKey> {
    let s = s.trim();
    if s.len() == 64 && s.chars().all(|c| c.is_ascii_hexdigit()) {
        return PublicKey::from_hex(s).map_err(|e| anyhow!("{s}: {e}"));
    }
    Ok(crate::keys::load(&global.home, s)
        .with_context(|| {
            format!("{s:?} is neither a public key (64 hex digits) nor a keystore name")
        })?
        .public_key())
}

// ---------------------------------------------------------------------------------------------
// Actions

/// Reads a JSON file, unwrapping the `value` of a state response (`aigov query … --json`).
fn json_file(path: &str) -> anyhow::Result<serde_json::Value> {
    let text = std::fs::read_to_string(Path::new(path))
        .with_context(|| format!("reading parameter file {path}"))?;
    let mut v: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{path} is not JSON"))?;
    if let Some(inner) = v.get_mut("value").map(serde_json::Value::take) {
        v = inner;
    }
    Ok(v)
}

/// Parses one `--action kind:args`.
pub fn parse_action(global: &Global, spec: &str) -> anyhow::Result<Action> {
    let bad = |why: String| anyhow!("--action {spec:?}: {why}\nactions:\n{ACTION_SYNTAX}");
    let (kind, rest) = spec
        .split_once(':')
        .ok_or_else(|| bad("expected kind:args".into()))?;
    let kind = kind.trim().to_ascii_lowercase().replace('_', "-");
    let person = |s: &str| -> anyhow::Result<PersonnelTarget> {
        Ok(PersonnelTarget {
            account: account(global, s).map_err(|e| bad(format!("{e:#}")))?,
        })
    };
    Ok(match kind.as_str() {
        "activate-personnel" => Action::ActivatePersonnel(person(rest)?),
        "suspend-personnel" => Action::SuspendPersonnel(person(rest)?),
        "remove-personnel" => Action::RemovePersonnel(person(rest)?),
        "renew-personnel-term" => Action::RenewPersonnelTerm(person(rest)?),
        "set-personnel-tier" => {
            let (who, tier) = rest
                .rsplit_once(':')
                .ok_or_else(|| bad("expected set-personnel-tier:WHO:TIER".into()))?;
            let tier: u8 = tier
                .trim()
                .parse()
                .map_err(|_| bad(format!("tier {tier:?} is not a number")))?;
            Action::SetPersonnelTier(TierChange {
                account: person(who)?.account,
                tier,
            })
        }
        "set-class-params" => {
            let (class, file) = rest
                .split_once(':')
                .ok_or_else(|| bad("expected set-class-params:CLASS:FILE".into()))?;
            let class: ProposalClass = class.parse().map_err(|e: String| bad(e))?;
            let mut v = json_file(file)?;
            // A whole parameter set (e.g. `aigov query gov params --json`): take the class.
            if v.get("tier_weights").is_some() {
                v = v.get(class.name()).cloned().unwrap_or_default();
            }
            let params: ClassParams = serde_json::from_value(v).with_context(|| {
                format!("{file} does not hold {} class parameters", class.name())
            })?;
            Action::SetClassParams(ClassParamsChange { class, params })
        }
        "set-governance-params" => {
            let params: GovernanceParams = serde_json::from_value(json_file(rest)?)
                .with_context(|| format!("{rest} does not hold governance parameters"))?;
            Action::SetGovernanceParams(params)
        }
        "set-economy-params" => {
            let mut v = json_file(rest)?;
            // `aigov query gas price --json` holds the parameters under `params`.
            if let Some(inner) = v.get("params").cloned() {
                v = inner;
            }
            let params: EconomyParams = serde_json::from_value(v)
                .with_context(|| format!("{rest} does not hold economy parameters"))?;
            Action::SetEconomyParams(params)
        }
        "cancel-proposal" => Action::CancelProposal(ProposalRef {
            proposal: number(rest).map_err(bad)?,
        }),
        "ratify-emergency" => Action::RatifyEmergency(ProposalRef {
            proposal: number(rest).map_err(bad)?,
        }),
        "pay-bounty" => {
            let (id, amount) = rest
                .split_once(':')
                .ok_or_else(|| bad("expected pay-bounty:ID:AMOUNT".into()))?;
            Action::PayBounty(PayBounty {
                bounty: number(id).map_err(bad)?,
                amount: number(amount).map_err(bad)?,
            })
        }
        "reject-bounty" => Action::RejectBounty(RejectBounty {
            bounty: number(rest).map_err(bad)?,
        }),
        "award" => {
            let mut parts = rest.splitn(4, ':');
            let (Some(who), Some(amount), Some(reason)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(bad("expected award:WHO:AMOUNT:REASON[:MEMO]".into()));
            };
            let memo = parts.next().unwrap_or("");
            let (reason, id) = match reason.split_once(':') {
                Some((r, id)) => (r, Some(id)),
                None => (reason, None),
            };
            // REASON may itself be `round:N`, which `splitn` split: take N from the memo slot.
            let (id, memo) = match (id, reason) {
                (Some(id), _) => (Some(id.to_string()), memo.to_string()),
                (None, "round" | "whistleblower") => match memo.split_once(':') {
                    Some((id, memo)) => (Some(id.to_string()), memo.to_string()),
                    None => (Some(memo.to_string()), String::new()),
                },
                (None, _) => (None, memo.to_string()),
            };
            let reason = match (reason, id) {
                ("grant", None) => PaymentReason::Grant,
                ("round", Some(n)) => PaymentReason::SafetyRoundAward(number(&n).map_err(bad)?),
                ("whistleblower", Some(n)) => {
                    PaymentReason::WhistleblowerReward(number(&n).map_err(bad)?)
                }
                (other, _) => {
                    return Err(bad(format!(
                        "award reason {other:?}: expected grant, round:N or whistleblower:N"
                    )));
                }
            };
            Action::AwardTreasury(TreasuryAward {
                to: person(who)?.account,
                amount: number(amount).map_err(bad)?,
                reason,
                memo: BoundedString::new(memo)
                    .ok_or_else(|| bad("the memo is longer than 128 bytes".into()))?,
            })
        }
        "approve-hardware" => {
            let p: Vec<&str> = rest.split(':').collect();
            let (id, pre, post, inf, template) = match p.as_slice() {
                [id, pre, post, inf] => (id, pre, post, inf, "0"),
                [id, pre, post, inf, t] => (id, pre, post, inf, *t),
                _ => {
                    return Err(bad(
                        "expected approve-hardware:ID:PRE:POST:INF[:TEMPLATE]".into(),
                    ));
                }
            };
            Action::ApproveHardware(ApproveHardware {
                hardware: number(id).map_err(bad)?,
                budgets: budgets(pre, post, inf).map_err(bad)?,
                template: number(template).map_err(bad)?,
            })
        }
        "revoke-hardware" => {
            let (id, reason) = rest.split_once(':').unwrap_or((rest, ""));
            Action::RevokeHardware(RevokeHardware {
                hardware: number(id).map_err(bad)?,
                reason: BoundedString::new(reason)
                    .ok_or_else(|| bad("the reason is longer than 128 bytes".into()))?,
            })
        }
        "approve-model" => {
            let p: Vec<&str> = rest.split(':').collect();
            let [id, tier, pre, post, inf] = p.as_slice() else {
                return Err(bad("expected approve-model:ID:TIER:PRE:POST:INF".into()));
            };
            Action::ApproveModel(ApproveModel {
                model: number(id).map_err(bad)?,
                tier: u8::try_from(number(tier).map_err(bad)?)
                    .map_err(|_| bad(format!("tier {tier:?} is out of range")))?,
                budgets: budgets(pre, post, inf).map_err(bad)?,
            })
        }
        "revoke-model" => {
            let (id, reason) = rest.split_once(':').unwrap_or((rest, ""));
            Action::RevokeModel(RevokeModel {
                model: number(id).map_err(bad)?,
                reason: BoundedString::new(reason)
                    .ok_or_else(|| bad("the reason is longer than 128 bytes".into()))?,
            })
        }
        "halt-run" => {
            let (id, reason) = rest.split_once(':').unwrap_or((rest, "emergency"));
            Action::HaltRun(HaltRun {
                run: number(id).map_err(bad)?,
                reason: reason.parse::<HaltReason>().map_err(bad)?,
            })
        }
        "set-compute-params" => {
            let params: ComputeParams = serde_json::from_value(json_file(rest)?)
                .with_context(|| format!("{rest} does not hold compute parameters"))?;
            Action::SetComputeParams(params)
        }
        "review-report" => {
            let (id, outcome) = rest
                .split_once(':')
                .ok_or_else(|| bad("expected review-report:N:OUTCOME".into()))?;
            let outcome = match outcome.trim().to_ascii_lowercase().replace('_', "-").as_str() {
                "under-review" | "review" => ReviewOutcome::UnderReview,
                "confirmed" | "confirm" => ReviewOutcome::Confirmed,
                "dismissed" | "dismiss" => ReviewOutcome::Dismissed,
                other => {
                    return Err(bad(format!(
                        "outcome {other:?}: expected under-review, confirmed or dismissed"
                    )));
                }
            };
            Action::ReviewReport(ReviewReport {
                report: number(id).map_err(bad)?,
                outcome,
            })
        }
        "open-selection-round" => {
            let round: aigov_types::selection::OpenSelectionRound =
                serde_json::from_value(json_file(rest)?)
                    .with_context(|| format!("{rest} does not hold a selection round"))?;
            Action::OpenSelectionRound(round)
        }
        "escalate-report" => Action::EscalateReport(EscalateReport {
            report: number(rest).map_err(bad)?,
        }),
        "set-whistleblower-key" => Action::SetWhistleblowerKey(SetWhistleblowerKey {
            key: match rest.trim() {
                "none" | "" => None,
                hex => Some(SealKey::from_hex(hex).ok_or_else(|| {
                    bad("expected the reviewing key as 64 hex digits (aigov whistle keygen), or none".into())
                })?),
            },
        }),
        "approve-template" => Action::ApproveTemplate(TemplateRef {
            template: number(rest).map_err(bad)?,
        }),
        "retire-template" => Action::RetireTemplate(TemplateRef {
            template: number(rest).map_err(bad)?,
        }),
        "set-standard" => {
            let mut v = json_file(rest)?;
            // `aigov query standard --json` holds a whole version: keep rules and severity.
            if let Some(o) = v.as_object_mut() {
                o.retain(|k, _| k == "rules" || k == "reject_severity");
            }
            let standard: SetStandard = serde_json::from_value(v).with_context(|| {
                format!(
                    "{rest} does not hold a standard ({{\"rules\": [...], \"reject_severity\": N}})"
                )
            })?;
            Action::SetStandard(standard)
        }
        "allow-retry" => {
            let p: Vec<&str> = rest.split(':').collect();
            let [model, template, blob, openers] = p.as_slice() else {
                return Err(bad(
                    "expected allow-retry:MODEL:TEMPLATE:BLOB:OPENER[,OPENER]".into(),
                ));
            };
            let blob = Hash::from_hex(blob.trim())
                .ok_or_else(|| bad(format!("{blob:?} is not a 64-hex-digit digest")))?;
            let openers = openers
                .split(',')
                .map(|o| account(global, o).map_err(|e| bad(format!("{e:#}"))))
                .collect::<anyhow::Result<Vec<_>>>()?;
            Action::AllowRetry(AllowRetry {
                model: number(model).map_err(bad)?,
                restrictive_template: number(template).map_err(bad)?,
                vault: VaultCommitment {
                    blob,
                    openers: BoundedVec::new(openers)
                        .ok_or_else(|| bad("at most 16 openers".into()))?,
                },
            })
        }
        "set-validators" => {
            let change: SetValidators = serde_json::from_value(json_file(rest)?).with_context(|| {
                format!(
                    "{rest} does not hold a validator change ({{\"add\": [{{\"member\", \"key\", \"address\"}}], \"remove\": [KEY]}})"
                )
            })?;
            Action::SetValidators(change)
        }
        other => return Err(bad(format!("unknown action kind {other:?}"))),
    })
}

/// Per-phase budgets from three integers.
fn budgets(pre: &str, post: &str, inf: &str) -> Result<PhaseBudgets, String> {
    Ok(PhaseBudgets {
        pre_train: number(pre)?,
        post_train: number(post)?,
        inference: number(inf)?,
    })
}

/// A non-negative integer argument.
fn number(s: &str) -> Result<u64, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a non-negative integer"))
}

/// An action in the `--action` syntax, with keystore names where known.
pub fn describe_action(names: &Names, a: &Action) -> String {
    match a {
        Action::ActivatePersonnel(t) => format!("activate-personnel:{}", names.of(&t.account)),
        Action::SuspendPersonnel(t) => format!("suspend-personnel:{}", names.of(&t.account)),
        Action::RemovePersonnel(t) => format!("remove-personnel:{}", names.of(&t.account)),
        Action::RenewPersonnelTerm(t) => {
            format!("renew-personnel-term:{}", names.of(&t.account))
        }
        Action::SetPersonnelTier(t) => {
            format!("set-personnel-tier:{}:{}", names.of(&t.account), t.tier)
        }
        Action::SetClassParams(c) => format!(
            "set-class-params:{} ({})",
            c.class.name(),
            describe_class_rules(&c.params)
        ),
        Action::SetGovernanceParams(p) => format!(
            "set-governance-params (tier weights {:?}, member cap {}, {} live at most)",
            p.tier_weights.as_slice(),
            pct(p.member_weight_cap_bps),
            p.max_live_proposals
        ),
        Action::SetEconomyParams(p) => format!(
            "set-economy-params (base price {} milli-credits/gas, max {}, target {} gas/block, \
             tax {}, rate {} per 1000 credits)",
            p.base_gas_price,
            p.max_gas_price,
            p.target_block_gas,
            pct(p.gas_tax_bps),
            p.credit_rate
        ),
        Action::PayBounty(b) => format!("pay-bounty:{}:{}", b.bounty, b.amount),
        Action::CancelProposal(r) => format!("cancel-proposal:{}", r.proposal),
        Action::RatifyEmergency(r) => format!("ratify-emergency:{}", r.proposal),
        Action::SustainChallenge(r) => format!("sustain-challenge:{}", r.proposal),
        Action::RejectBounty(b) => format!("reject-bounty:{}", b.bounty),
        Action::ReviewReport(r) => format!(
            "review-report:{}:{}",
            r.report,
            match r.outcome {
                ReviewOutcome::UnderReview => "under-review",
                ReviewOutcome::Confirmed => "confirmed",
                ReviewOutcome::Dismissed => "dismissed",
            }
        ),
        Action::EscalateReport(r) => format!("escalate-report:{}", r.report),
        Action::OpenSelectionRound(a) => format!(
            "open-selection-round:{}:{} candidates:award {}:rounds of {}",
            a.category,
            a.candidates.len(),
            a.award,
            duration(a.round_ms)
        ),
        Action::SetWhistleblowerKey(k) => format!(
            "set-whistleblower-key:{}",
            k.key.map_or("none".to_string(), |k| k.to_string())
        ),
        Action::AwardTreasury(a) => format!(
            "award:{}:{}:{}{}",
            names.of(&a.to),
            a.amount,
            match &a.reason {
                PaymentReason::Grant => "grant".to_string(),
                PaymentReason::SafetyRoundAward(n) => format!("round:{n}"),
                PaymentReason::WhistleblowerReward(n) => format!("whistleblower:{n}"),
                PaymentReason::Bounty(n) => format!("bounty:{n}"),
            },
            if a.memo.as_str().is_empty() {
                String::new()
            } else {
                format!(":{}", a.memo)
            }
        ),
        Action::ApproveHardware(a) => format!(
            "approve-hardware:{}:{}:{}:{}{}",
            a.hardware,
            a.budgets.pre_train,
            a.budgets.post_train,
            a.budgets.inference,
            if a.template == 0 {
                String::new()
            } else {
                format!(":{}", a.template)
            }
        ),
        Action::RevokeHardware(a) => with_reason("revoke-hardware", a.hardware, a.reason.as_str()),
        Action::ApproveModel(a) => format!(
            "approve-model:{}:{}:{}:{}:{}",
            a.model, a.tier, a.budgets.pre_train, a.budgets.post_train, a.budgets.inference
        ),
        Action::RevokeModel(a) => with_reason("revoke-model", a.model, a.reason.as_str()),
        Action::HaltRun(a) => format!("halt-run:{}:{}", a.run, a.reason.name()),
        Action::SetComputeParams(p) => format!(
            "set-compute-params (inspections every {} ms, rations {}..{} units, permits valid {} ms)",
            p.inspection_interval_ms, p.ration_min, p.ration_max, p.permit_lifetime_ms
        ),
        Action::ApproveTemplate(t) => format!("approve-template:{}", t.template),
        Action::RetireTemplate(t) => format!("retire-template:{}", t.template),
        Action::SetStandard(a) => format!(
            "set-standard ({} rules, reject at severity {}+)",
            a.rules.len(),
            a.reject_severity
        ),
        Action::AllowRetry(a) => format!(
            "allow-retry:{}:{}:{}:{}",
            a.model,
            a.restrictive_template,
            a.vault.blob,
            a.vault
                .openers
                .iter()
                .map(|k| names.of(k))
                .collect::<Vec<_>>()
                .join(",")
        ),
        Action::SetValidators(a) => {
            let add: Vec<String> = a
                .add
                .iter()
                .map(|v| format!("{}@{} ({})", names.of(&v.key), v.address, v.member))
                .collect();
            let remove: Vec<String> = a.remove.iter().map(|k| names.of(k)).collect();
            format!(
                "set-validators (add [{}], remove [{}])",
                add.join(", "),
                remove.join(", ")
            )
        }
    }
}

fn with_reason(kind: &str, id: u64, reason: &str) -> String {
    if reason.is_empty() {
        format!("{kind}:{id}")
    } else {
        format!("{kind}:{id}:{reason}")
    }
}

// ---------------------------------------------------------------------------------------------
// Transactions

/// The call of `aigov tx gov …`.
pub fn call(global: &Global, cmd: &GovTx) -> anyhow::Result<Call> {
    Ok(Call::Governance(match cmd {
        GovTx::Propose {
            class,
            title,
            description,
            description_file,
            description_hash,
            actions,
        } => {
            let class: ProposalClass = class.parse().map_err(|e: String| anyhow!(e))?;
            GovernanceCall::Propose(submission(
                global,
                class,
                title,
                (description, description_file, description_hash),
                actions,
            )?)
        }
        GovTx::Escalate {
            title,
            description,
            description_file,
            description_hash,
            actions,
        } => GovernanceCall::Escalate(submission(
            global,
            ProposalClass::Emergency,
            title,
            (description, description_file, description_hash),
            actions,
        )?),
        GovTx::Challenge {
            proposal,
            grounds,
            grounds_file,
        } => {
            let grounds_hash = match (grounds, grounds_file) {
                (Some(text), _) => Hash::digest(&[text.as_bytes()]),
                (None, Some(path)) => {
                    Hash::digest(&[&std::fs::read(path)
                        .with_context(|| format!("reading {}", path.display()))?])
                }
                (None, None) => bail!("give your grounds: --grounds TEXT or --grounds-file FILE"),
            };
            GovernanceCall::Challenge(ChallengeProposal {
                proposal: *proposal,
                grounds_hash,
            })
        }
        GovTx::Delegate { class, to, revoke } => {
            let class: ProposalClass = class.parse().map_err(|e: String| anyhow!(e))?;
            let to = match (to, revoke) {
                (_, true) => None,
                (Some(who), false) => Some(account(global, who)?),
                (None, false) => bail!("name the delegate with --to, or --revoke"),
            };
            GovernanceCall::Delegate(DelegateVote { class, to })
        }
        GovTx::Execute { proposal } => GovernanceCall::Execute(ExecuteProposal {
            proposal: *proposal,
        }),
        GovTx::Vote {
            proposal,
            choice,
            rationale_hash,
            rationale_file,
        } => {
            let choice = match choice.trim().to_ascii_lowercase().as_str() {
                "yes" | "y" | "for" => Choice::Yes,
                "no" | "n" | "against" => Choice::No,
                "abstain" => Choice::Abstain,
                other => bail!("unknown choice {other:?}; expected yes, no or abstain"),
            };
            let rationale =
                match (rationale_hash, rationale_file) {
                    (Some(h), _) => Some(
                        Hash::from_hex(h)
                            .ok_or_else(|| anyhow!("--rationale-hash must be 64 hex digits"))?,
                    ),
                    (None, Some(path)) => Some(Hash::digest(&[&std::fs::read(path)
                        .with_context(|| format!("reading {}", path.display()))?])),
                    (None, None) => None,
                };
            GovernanceCall::Vote(CastVote {
                proposal: *proposal,
                choice,
                rationale,
            })
        }
        GovTx::VoteRound { round, candidate } => {
            GovernanceCall::VoteRound(aigov_types::selection::RoundVote {
                round: *round,
                candidate: *candidate,
            })
        }
        GovTx::Cancel { proposal } => GovernanceCall::Cancel(CancelProposal {
            proposal: *proposal,
        }),
    }))
}

/// A proposal's content from the command line: class, title, description source, actions.
fn submission(
    global: &Global,
    class: ProposalClass,
    title: &str,
    description: (
        &Option<String>,
        &Option<std::path::PathBuf>,
        &Option<String>,
    ),
    actions: &[String],
) -> anyhow::Result<SubmitProposal> {
    let description_hash = match description {
        (Some(text), _, _) => Hash::digest(&[text.as_bytes()]),
        (_, Some(path), _) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            Hash::digest(&[&bytes])
        }
        (_, _, Some(h)) => {
            Hash::from_hex(h).ok_or_else(|| anyhow!("--description-hash must be 64 hex digits"))?
        }
        (None, None, None) => bail!(
            "a proposal needs a description: --description TEXT, --description-file FILE or --description-hash HEX"
        ),
    };
    if actions.len() > ACTIONS_MAX {
        bail!(
            "a proposal carries at most {ACTIONS_MAX} actions, {} given",
            actions.len()
        );
    }
    let actions = actions
        .iter()
        .map(|a| parse_action(global, a))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(SubmitProposal {
        class,
        title: BoundedString::new(title)
            .ok_or_else(|| anyhow!("--title is longer than 256 bytes"))?,
        description_hash,
        actions: BoundedVec::truncating(actions),
    })
}

/// What to do about a governance failure or refusal code, naming proposal `id` when known.
pub fn hint(code: &str, id: Option<u64>) -> Option<String> {
    let text = hint_text(code)?;
    Some(match id {
        Some(n) => text.replace(" N`", &format!(" {n}`")),
        None => text.to_string(),
    })
}

fn hint_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "not_active_personnel" => {
            "proposing, voting and canceling are duties of Active personnel; an applicant stays Pending until a vetting vote activates them (see `aigov query personnel`)"
        }
        "not_personnel" => "register first with `aigov tx personnel register`",
        "unknown_proposal" => "list proposals with `aigov query gov proposals`",
        "voting_not_started" => {
            "voting opens after the class's voting delay; see `aigov query gov proposal N`"
        }
        "voting_closed" => "see the outcome with `aigov query gov record N`",
        "not_proposer" => "only the proposer may cancel a proposal",
        "not_cancelable" => "a proposal can be canceled only while Pending, before voting opens",
        "action_not_allowed" => {
            "actions and the classes that may carry them:\nactivate/renew/remove-personnel: review, system; suspend-personnel: review, system, emergency; set-personnel-tier, set-class-params, set-governance-params: system"
        }
        "role_not_eligible" | "tier_not_eligible" => {
            "each class admits some roles and tiers; see `aigov query gov params`"
        }
        "recused" => "a proposal about a person (or their organisation) is decided without them",
        "duplicate_proposal" => {
            "an identical proposal is still live; vote on it (`aigov query gov proposals`)"
        }
        "term_expired" => "the term must be renewed by a vote (renew-personnel-term) first",
        "invalid_action" => {
            "the action is impossible on the current state (e.g. the person is already Active)"
        }
        _ => return None,
    })
}

/// The proposal a governance transaction is about, if it names one.
pub fn proposal_of(cmd: &GovTx) -> Option<u64> {
    match cmd {
        GovTx::Vote { proposal, .. }
        | GovTx::Cancel { proposal }
        | GovTx::Challenge { proposal, .. }
        | GovTx::Execute { proposal } => Some(*proposal),
        GovTx::Propose { .. }
        | GovTx::Escalate { .. }
        | GovTx::Delegate { .. }
        | GovTx::VoteRound { .. } => None,
    }
}

/// Readable lines to print after a governance transaction about proposal `id`.
pub fn after_tx(
    names: &Names,
    key_name: &str,
    id: Option<u64>,
    status: &TxStatus,
) -> Option<String> {
    let (receipt, events) = match status {
        TxStatus::Finalized { receipt, events } | TxStatus::Failed { receipt, events } => {
            (receipt, events)
        }
        TxStatus::Pending => return None,
    };
    if let TxOutcome::Failed(f) = &receipt.outcome {
        return hint(f.code.as_str(), id).map(|h| format!("hint: {h}"));
    }
    events.iter().find_map(|e| match &e.event {
        Event::ProposalSubmitted(s) => Some(format!(
            "proposal {} ({}) submitted by {}: voting opens {} and closes {}\n  vote:   aigov --key NAME tx gov vote {} yes\n  follow: aigov query gov tally {}",
            s.proposal,
            s.class.name(),
            names.of(&s.proposer),
            when(s.voting_starts_ms),
            when(s.voting_ends_ms),
            s.proposal,
            s.proposal
        )),
        Event::VoteCast(v) => Some(format!(
            "{key_name} ({}) voted {} on proposal {} with weight {}{}",
            v.member,
            choice_name(v.choice),
            v.proposal,
            v.weight,
            v.previous
                .map(|p| format!(" (was {})", choice_name(p)))
                .unwrap_or_default()
        )),
        Event::ProposalCanceled(c) => Some(format!("proposal {} canceled", c.proposal)),
        _ => None,
    })
}

// ---------------------------------------------------------------------------------------------
// Formatting

/// Basis points as a percentage.
pub fn pct(bps: u16) -> String {
    format!("{}.{:02} %", bps / 100, bps % 100)
}

/// `num / den` as a percentage with one decimal.
fn ratio(num: u64, den: u64) -> String {
    if den == 0 {
        return "-".into();
    }
    let per_mille = u128::from(num) * 1000 / u128::from(den);
    format!("{}.{} %", per_mille / 10, per_mille % 10)
}

/// A duration in ms, short: `0 s`, `30 s`, `5 min`, `2 h`, `3 d`.
pub fn duration(ms: u64) -> String {
    let s = ms / 1000;
    if !ms.is_multiple_of(1000) && s < 60 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else if s < 120 {
        format!("{s} s")
    } else if s < 2 * 3600 {
        format!("{} min", s / 60)
    } else if s < 2 * 86_400 {
        format!("{} h", s / 3600)
    } else {
        format!("{} d", s / 86_400)
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// A block time as UTC date and time, with how far it is from now.
pub fn when(ms: u64) -> String {
    let now = now_ms();
    let rel = if ms >= now {
        format!("in {}", duration(ms - now))
    } else {
        format!("{} ago", duration(now - ms))
    };
    format!("{} ({rel})", utc(ms))
}

/// A block time as UTC date and time.
pub fn utc(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn json_name(v: &impl Serialize) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// `active`, `executed`, …
pub fn status_name(s: ProposalStatus) -> String {
    json_name(&s)
}

/// `passed`, `quorum failed`, …
pub fn outcome_name(o: TallyOutcome) -> &'static str {
    match o {
        TallyOutcome::Passed => "passed",
        TallyOutcome::QuorumFailed => "quorum failed",
        TallyOutcome::ApprovalFailed => "approval threshold missed",
        TallyOutcome::TooFewApprovingMembers => "too few approving members",
        TallyOutcome::Vetoed => "vetoed by members",
    }
}

/// `yes`, `no`, `abstain`.
pub fn choice_name(c: Choice) -> &'static str {
    match c {
        Choice::Yes => "yes",
        Choice::No => "no",
        Choice::Abstain => "abstain",
    }
}

fn roles(p: &ClassParams) -> String {
    let r: Vec<_> = p.eligible_roles.to_vec().iter().map(|r| r.name()).collect();
    r.join(",")
}

/// One line of a class's rules.
pub fn describe_class_rules(p: &ClassParams) -> String {
    format!(
        "roles {}, tiers 1-{}; delay {}, vote {}, confirm {}, timelock {}; quorum {}, approval {}, >= {} approving members, veto at {}",
        roles(p),
        p.lowest_tier,
        duration(p.voting_delay_ms),
        duration(p.voting_period_ms),
        duration(p.confirm_period_ms),
        duration(p.enactment_delay_ms),
        pct(p.quorum_bps),
        pct(p.approval_bps),
        p.min_approving_members,
        if p.veto_members == 0 {
            "none".to_string()
        } else {
            format!("{} rejecting members", p.veto_members)
        }
    )
}

/// A proposal, readable (also what `aigov verify` prints for a proven proposal).
pub fn describe_proposal(names: &Names, p: &Proposal) -> String {
    let mut out = vec![
        format!(
            "proposal {} · {} · {}",
            p.id,
            p.class.name(),
            status_name(p.status).to_uppercase()
        ),
        format!("title        {}", p.title),
        format!("proposer     {}", names.long(&p.proposer)),
        format!("description  sha256 {}", p.description_hash),
    ];
    if p.actions.is_empty() {
        out.push("actions      none (a recorded resolution)".into());
    }
    for (i, a) in p.actions.iter().enumerate() {
        let label = if i == 0 { "actions" } else { "" };
        out.push(format!(
            "{label:<12} {}. {}",
            i + 1,
            describe_action(names, a)
        ));
    }
    out.push(format!("submitted    {}", when(p.created_ms)));
    out.push(format!("voting       opens {}", when(p.voting_starts_ms)));
    out.push(format!(
        "             closes {}{}",
        when(p.voting_ends_ms),
        if p.extensions > 0 {
            format!(" (extended {} time(s) for a late quorum)", p.extensions)
        } else {
            String::new()
        }
    ));
    if p.params.confirm_period_ms > 0 {
        out.push(format!("confirm      until {}", when(p.confirm_ends_ms())));
    }
    if p.eta_ms > 0 {
        out.push(format!(
            "timelock     executes from {}, expires {}",
            when(p.eta_ms),
            when(p.execution_deadline_ms())
        ));
    }
    out.push(format!("rules        {}", describe_class_rules(&p.params)));
    match &p.decision {
        Some(d) => out.push(format!("decision     {}", decision_line(d, &p.params))),
        None => out.push("decision     not tallied yet".into()),
    }
    if let Some(f) = &p.execution_failure {
        out.push(format!("execution    FAILED: {} ({})", f.message, f.code));
    }
    out.join("\n")
}

/// One line: outcome and totals.
fn decision_line(d: &Decision, p: &ClassParams) -> String {
    format!(
        "{} — yes {}, no {}, abstain {} of {} eligible (turnout {}, approval {}), {} approving / {} rejecting members{}",
        outcome_name(d.outcome).to_uppercase(),
        d.total_yes,
        d.total_no,
        d.total_abstain,
        d.eligible_weight,
        ratio(
            d.total_yes + d.total_no + d.total_abstain,
            d.eligible_weight
        ),
        ratio(d.total_yes, d.total_yes + d.total_no),
        d.approving_members,
        d.vetoing_members,
        if d.recused_count > 0 {
            format!(", {} recused", d.recused_count)
        } else {
            String::new()
        }
    ) + &format!(
        " [needs quorum {}, approval {}]",
        pct(p.quorum_bps),
        pct(p.approval_bps)
    )
}

fn check(ok: bool) -> &'static str {
    if ok { "ok" } else { "NOT MET" }
}

/// A tally, readable: the four conditions of the concurrent majority and every member's part.
pub fn describe_tally(d: &Decision, p: &ClassParams) -> String {
    let turnout = d.total_yes + d.total_no + d.total_abstain;
    let veto = p.veto_members > 0 && d.vetoing_members >= p.veto_members;
    let mut out = vec![
        format!(
            "counted weight  yes {}  no {}  abstain {}  of {} eligible ({} before member caps; cap {} per member)",
            d.total_yes,
            d.total_no,
            d.total_abstain,
            d.eligible_weight,
            d.raw_eligible_weight,
            d.cap_weight
        ),
        format!(
            "quorum          turnout {} (needs {})   {}",
            ratio(turnout, d.eligible_weight),
            pct(p.quorum_bps),
            check(d.quorum_met)
        ),
        format!(
            "approval        yes {} of yes+no (needs {})   {}",
            ratio(d.total_yes, d.total_yes + d.total_no),
            pct(p.approval_bps),
            check(d.approval_met)
        ),
        format!(
            "members         {} approving (needs {})   {}",
            d.approving_members,
            p.min_approving_members,
            check(d.approving_members >= p.min_approving_members)
        ),
        if p.veto_members == 0 {
            format!(
                "veto            {} rejecting (no veto in this class)",
                d.vetoing_members
            )
        } else {
            format!(
                "veto            {} rejecting (vetoes at {})   {}",
                d.vetoing_members,
                p.veto_members,
                if veto { "VETOED" } else { "ok" }
            )
        },
        format!(
            "{:<8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}  verdict",
            "member", "eligible", "counted", "yes", "no", "abstain", "voters"
        ),
    ];
    for m in d.per_member.iter() {
        let verdict = if m.approves() {
            "approves"
        } else if m.rejects() {
            "rejects"
        } else if m.voters == 0 {
            "-"
        } else {
            "split/abstains"
        };
        out.push(format!(
            "{:<8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>7}  {verdict}{}",
            m.member.as_str(),
            m.eligible,
            m.counted_eligible,
            m.yes,
            m.no,
            m.abstain,
            m.voters,
            if m.capped { " (capped)" } else { "" }
        ));
    }
    if d.uncounted_ballots > 0 {
        out.push(format!(
            "{} ballot(s) not counted: their voters are no longer eligible",
            d.uncounted_ballots
        ));
    }
    out.join("\n")
}

fn describe_ballots(names: &Names, ballots: &[Ballot]) -> String {
    if ballots.is_empty() {
        return "no ballots".into();
    }
    ballots
        .iter()
        .map(|b| {
            format!(
                "{:<8} {:<4} weight {:<4} {:<7} {}{}",
                choice_name(b.choice),
                b.member.as_str(),
                b.weight,
                names.of(&b.voter),
                b.rationale
                    .map(|h| format!("rationale {h} "))
                    .unwrap_or_default(),
                if b.cast_ms != b.first_cast_ms {
                    format!("(changed {})", when(b.cast_ms))
                } else {
                    format!("(cast {})", when(b.cast_ms))
                }
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn describe_params(p: &GovernanceParams) -> String {
    let mut out = vec![
        format!(
            "tier weights {:?} (tier 1 first); member cap {}; at most {} live proposals",
            p.tier_weights.as_slice(),
            pct(p.member_weight_cap_bps),
            p.max_live_proposals
        ),
        format!(
            "{:<10} {:<45} {:<6} {:>6} {:>6} {:>8} {:>8} {:>8} {:>7} {:>5} {:>8} {:>8} {:>8}",
            "class",
            "roles",
            "tiers",
            "delay",
            "vote",
            "confirm",
            "timelock",
            "quorum",
            "approve",
            "k",
            "veto",
            "window",
            "late+"
        ),
    ];
    for class in ProposalClass::ALL {
        let c = p.class(class);
        out.push(format!(
            "{:<10} {:<45} {:<6} {:>6} {:>6} {:>8} {:>8} {:>8} {:>7} {:>5} {:>8} {:>8} {:>8}",
            class.name(),
            roles(c),
            format!("1-{}", c.lowest_tier),
            duration(c.voting_delay_ms),
            duration(c.voting_period_ms),
            duration(c.confirm_period_ms),
            duration(c.enactment_delay_ms),
            pct(c.quorum_bps),
            pct(c.approval_bps),
            c.min_approving_members,
            if c.veto_members == 0 {
                "none".into()
            } else {
                c.veto_members.to_string()
            },
            duration(c.execution_window_ms),
            format!(
                "{}x{}",
                c.max_extensions,
                duration(c.late_quorum_extension_ms)
            ),
        ));
    }
    out.push("k: distinct members that must each approve; veto: members rejecting that defeat it; late+: late-quorum extensions".into());
    out.join("\n")
}

// ---------------------------------------------------------------------------------------------
// Queries

/// The decision record of `aigov query gov record N`.
#[derive(Serialize)]
struct Record {
    proposal: u64,
    class: ProposalClass,
    title: String,
    status: ProposalStatus,
    outcome: Option<TallyOutcome>,
    decision: Option<Decision>,
    /// Every ballot, with its rationale hash.
    ballots: Vec<Ballot>,
    /// Members and ballots that opposed the outcome (no when it passed, yes when it did not).
    dissent: Dissent,
    execution_failure: Option<aigov_types::receipt::Failure>,
}

#[derive(Serialize)]
struct Dissent {
    members: Vec<String>,
    ballots: Vec<PublicKey>,
}

fn dissent(d: &Decision, ballots: &[Ballot]) -> Dissent {
    let passed = d.outcome == TallyOutcome::Passed;
    let members = d
        .per_member
        .iter()
        .filter(|m| if passed { m.rejects() } else { m.approves() })
        .map(|m| m.member.to_string())
        .collect();
    let against = if passed { Choice::No } else { Choice::Yes };
    let ballots = ballots
        .iter()
        .filter(|b| b.choice == against)
        .map(|b| b.voter.clone())
        .collect();
    Dissent { members, ballots }
}

fn describe_record(names: &Names, p: &Proposal, r: &Record) -> String {
    let mut out = vec![format!(
        "decision record of proposal {} ({}, {}): {}",
        p.id,
        p.class.name(),
        status_name(p.status),
        p.title
    )];
    match &r.decision {
        Some(d) => {
            out.push(format!(
                "outcome         {} (tallied {})",
                outcome_name(d.outcome).to_uppercase(),
                when(d.tallied_ms)
            ));
            out.push(describe_tally(d, &p.params));
            if d.recused_count > 0 {
                let listed: Vec<_> = d.recused.iter().map(|r| names.of(r)).collect();
                out.push(format!(
                    "recused         {} ({})",
                    d.recused_count,
                    listed.join(", ")
                ));
            } else {
                out.push("recused         none".into());
            }
        }
        None => out.push("not tallied yet".into()),
    }
    out.push("ballots:".into());
    out.push(describe_ballots(names, &r.ballots));
    let dissenters: Vec<_> = r.dissent.ballots.iter().map(|b| names.of(b)).collect();
    out.push(format!(
        "dissent         members {}; ballots {}",
        if r.dissent.members.is_empty() {
            "none".into()
        } else {
            r.dissent.members.join(", ")
        },
        if dissenters.is_empty() {
            "none".into()
        } else {
            dissenters.join(", ")
        }
    ));
    if let Some(f) = &r.execution_failure {
        out.push(format!(
            "execution       FAILED: {} ({})",
            f.message, f.code
        ));
    }
    out.join("\n")
}

fn proposal_or_fail(client: &Client, id: u64) -> anyhow::Result<Proposal> {
    client.proposal(id, false)?.value.ok_or_else(|| {
        anyhow!(
            "proposal {id} does not exist (unknown_proposal); list proposals with `aigov query gov proposals`"
        )
    })
}

/// `aigov query gov …`.
pub fn query(global: &Global, args: &QueryArgs, what: &GovQuery) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    let names = Names::load(global);
    let no_proof = |what: &str| -> anyhow::Result<()> {
        if args.prove {
            bail!(
                "{what} has no light-client proof; --prove applies to `query gov proposal`, `query gov ballot` and `query gov params` (a proposal's proof covers its decision record)"
            );
        }
        Ok(())
    };
    match what {
        GovQuery::Proposals { offset, limit } => {
            no_proof("the proposal list")?;
            let page = client.proposals_page(*offset, *limit)?;
            output::print(global, &page, || {
                let mut lines: Vec<String> = page
                    .proposals
                    .iter()
                    .map(|p| {
                        format!(
                            "#{:<4} {:<9} {:<16} {:<10} {:<40} voting closes {}",
                            p.id,
                            p.class.name(),
                            status_name(p.status),
                            names.of(&p.proposer),
                            p.title.to_string(),
                            when(p.voting_ends_ms)
                        )
                    })
                    .collect();
                lines.push(format!(
                    "({} of {} proposals)",
                    page.proposals.len(),
                    page.total
                ));
                lines.join("\n")
            });
        }
        GovQuery::Proposal { id } => {
            let resp = client.proposal(*id, args.prove)?;
            if resp.value.is_none() && !args.prove {
                bail!(
                    "proposal {id} does not exist (unknown_proposal); list proposals with `aigov query gov proposals`"
                );
            }
            return crate::query::state_with(global, args, resp, |p| describe_proposal(&names, p));
        }
        GovQuery::Ballot { id, who } => {
            let voter = match who {
                Some(w) => account(global, w)?,
                None => crate::keys::signer(global)
                    .context("name a voter (public key or keystore name) or pass --key")?
                    .public_key(),
            };
            let resp = client.ballot(*id, &voter, args.prove)?;
            return crate::query::state_with(global, args, resp, |b| {
                describe_ballots(&names, std::slice::from_ref(b))
            });
        }
        GovQuery::Params => {
            let resp = client.governance_params(args.prove)?;
            return crate::query::state_with(global, args, resp, describe_params);
        }
        GovQuery::Tally { id } => {
            no_proof("a tally")?;
            let p = proposal_or_fail(&client, *id)?;
            let t: TallyResponse = client.tally(*id)?;
            output::print(global, &t, || {
                let head = if t.running {
                    format!(
                        "proposal {} ({}, {}): running tally at {} — if voting closed now it would be {}",
                        t.proposal,
                        p.class.name(),
                        status_name(t.status),
                        when(t.decision.tallied_ms),
                        outcome_name(t.decision.outcome).to_uppercase()
                    )
                } else {
                    format!(
                        "proposal {} ({}, {}): decided {} — {}",
                        t.proposal,
                        p.class.name(),
                        status_name(t.status),
                        when(t.decision.tallied_ms),
                        outcome_name(t.decision.outcome).to_uppercase()
                    )
                };
                format!("{head}\n{}", describe_tally(&t.decision, &p.params))
            });
        }
        GovQuery::Record { id } => {
            no_proof("a decision record (prove the proposal instead)")?;
            let p = proposal_or_fail(&client, *id)?;
            let ballots = client.ballots(*id)?;
            let record = Record {
                proposal: p.id,
                class: p.class,
                title: p.title.to_string(),
                status: p.status,
                outcome: p.decision.as_ref().map(|d| d.outcome),
                dissent: p.decision.as_ref().map_or(
                    Dissent {
                        members: Vec::new(),
                        ballots: Vec::new(),
                    },
                    |d| dissent(d, &ballots),
                ),
                decision: p.decision.clone(),
                ballots,
                execution_failure: p.execution_failure.clone(),
            };
            output::print(global, &record, || describe_record(&names, &p, &record));
            if record.decision.is_none() {
                if !global.json {
                    eprintln!(
                        "proposal {id} has not been tallied yet (status {}); its running tally: `aigov query gov tally {id}`",
                        status_name(p.status)
                    );
                }
                return Ok(ExitCode::from(1));
            }
        }
        GovQuery::Ballots { id } => {
            no_proof("the ballot list (prove one ballot with `query gov ballot N WHO --prove`)")?;
            let ballots = client.ballots(*id)?;
            output::print(global, &ballots, || describe_ballots(&names, &ballots));
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn global(home: PathBuf) -> Global {
        Global {
            node: "http://127.0.0.1:1".into(),
            key: None,
            home,
            json: false,
        }
    }

    fn temp_home() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "aigov-gov-test-{}-{}",
            std::process::id(),
            now_ms()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn every_action_kind_parses_and_renders_back() {
        let home = temp_home();
        let ada = aigov_types::PrivateKey::from_seed_bytes([4; 32]);
        crate::keys::save(&home, "ada", &ada).unwrap();
        let g = global(home.clone());
        let names = Names::load(&g);
        let params = GovernanceParams::default();
        let file = home.join("params.json");
        // The --json output of `aigov query gov params`.
        std::fs::write(
            &file,
            serde_json::json!({"height": 3, "key": "00", "value": params}).to_string(),
        )
        .unwrap();
        let f = file.display().to_string();
        let hex = ada.public_key().to_string();
        for (spec, back) in [
            ("activate-personnel:ada", "activate-personnel:ada"),
            (
                &format!("activate_personnel:{hex}") as &str,
                "activate-personnel:ada",
            ),
            ("suspend-personnel:ada", "suspend-personnel:ada"),
            ("remove-personnel:ada", "remove-personnel:ada"),
            ("renew-personnel-term:ada", "renew-personnel-term:ada"),
            ("set-personnel-tier:ada:3", "set-personnel-tier:ada:3"),
        ] {
            let a = parse_action(&g, spec).unwrap();
            assert_eq!(describe_action(&names, &a), back);
        }
        let a = parse_action(&g, &format!("set-class-params:review:{f}")).unwrap();
        assert_eq!(
            a,
            Action::SetClassParams(ClassParamsChange {
                class: ProposalClass::Review,
                params: params.review.clone()
            })
        );
        let a = parse_action(&g, &format!("set-governance-params:{f}")).unwrap();
        assert_eq!(a, Action::SetGovernanceParams(params.clone()));
        // A committee change from a JSON file (either list may be left out).
        let other = aigov_types::PrivateKey::from_seed_bytes([5; 32]).public_key();
        let change = home.join("validators.json");
        std::fs::write(
            &change,
            serde_json::json!({
                "add": [{"member": "fr", "key": hex, "address": "10.0.0.1:7000"}],
                "remove": [other.to_string()],
            })
            .to_string(),
        )
        .unwrap();
        let a = parse_action(&g, &format!("set-validators:{}", change.display())).unwrap();
        assert_eq!(
            describe_action(&names, &a),
            format!("set-validators (add [ada@10.0.0.1:7000 (fr)], remove [{other}])")
        );
        std::fs::write(&change, r#"{"remove": []}"#).unwrap();
        let a = parse_action(&g, &format!("set-validators:{}", change.display())).unwrap();
        assert_eq!(
            describe_action(&names, &a),
            "set-validators (add [], remove [])"
        );
        std::fs::write(&change, r#"{"add": "nope"}"#).unwrap();
        assert!(parse_action(&g, &format!("set-validators:{}", change.display())).is_err());
        for bad in [
            "activate-personnel",
            "activate-personnel:nobody",
            "frobnicate:ada",
            "set-personnel-tier:ada",
            "set-personnel-tier:ada:x",
            "set-class-params:nope:x.json",
            "set-governance-params:/nonexistent.json",
        ] {
            let e = parse_action(&g, bad).unwrap_err();
            assert!(!format!("{e:#}").is_empty(), "{bad}");
        }
        let e = format!("{:#}", parse_action(&g, "frobnicate:ada").unwrap_err());
        assert!(e.contains("activate-personnel:WHO"), "{e}");
        let _ = std::fs::remove_dir_all(home);
    }

    #[test]
    fn times_durations_and_ratios_read_well() {
        assert!(when(0).starts_with("1970-01-01 00:00:00 UTC"));
        assert!(when(1_700_000_000_000).starts_with("2023-11-14 22:13:20 UTC"));
        assert!(when(951_782_400_000).starts_with("2000-02-29 00:00:00 UTC"));
        assert_eq!(duration(0), "0 s");
        assert_eq!(duration(30_000), "30 s");
        assert_eq!(duration(1_500), "1.5 s");
        assert_eq!(duration(300_000), "5 min");
        assert_eq!(duration(3_600_000), "60 min");
        assert_eq!(duration(7 * 86_400_000), "7 d");
        assert_eq!(pct(5_500), "55.00 %");
        assert_eq!(pct(6_667), "66.67 %");
        assert_eq!(ratio(432, 864), "50.0 %");
        assert_eq!(ratio(1, 0), "-");
    }
}
