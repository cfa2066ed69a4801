//! Output: JSON with `--json`, readable text otherwise. Data goes to stdout, diagnostics to
//! stderr.

use crate::args::Global;
use crate::gov;
use aigov_types::Hash;
use aigov_types::api::TxStatus;
use aigov_types::event::{Event, EventRecord};
use aigov_types::receipt::TxOutcome;
use serde::Serialize;

/// Prints `value` as JSON with `--json`, else the text `human` renders.
pub fn print(global: &Global, value: &impl Serialize, human: impl FnOnce() -> String) {
    if global.json {
        println!(
            "{}",
            serde_json::to_string_pretty(value)
                .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
        );
    } else {
        println!("{}", human());
    }
}

/// Pretty JSON of any value, for the text output of records.
pub fn pretty(value: &impl Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// One line per event.
pub fn describe_event(e: &EventRecord) -> String {
    let body = match &e.event {
        Event::TxExecuted(t) => match &t.outcome {
            TxOutcome::Success(_) => {
                format!("{} by {} succeeded (gas {})", t.call, t.sender, t.gas_used)
            }
            TxOutcome::Failed(f) => format!(
                "{} by {} failed: {} ({}) (gas {})",
                t.call, t.sender, f.message, f.code, t.gas_used
            ),
        },
        Event::ProposalSubmitted(p) => format!(
            "proposal {} ({}) submitted by {}: {:?}; voting {} to {}",
            p.proposal,
            p.class.name(),
            p.proposer,
            p.title.as_str(),
            gov::utc(p.voting_starts_ms),
            gov::utc(p.voting_ends_ms)
        ),
        Event::ProposalActivated(p) => format!(
            "proposal {}: voting open until {}",
            p.proposal,
            gov::utc(p.voting_ends_ms)
        ),
        Event::VoteCast(v) => format!(
            "{} ({}) voted {} on proposal {} with weight {}{}{}",
            v.voter,
            v.member,
            gov::choice_name(v.choice),
            v.proposal,
            v.weight,
            v.previous
                .map(|c| format!(" (was {})", gov::choice_name(c)))
                .unwrap_or_default(),
            v.rationale
                .map(|h| format!(", rationale {h}"))
                .unwrap_or_default()
        ),
        Event::ProposalTallied(t) => format!(
            "proposal {}{}: {} (yes {}, no {}, abstain {} of {} eligible; {} approving, {} rejecting members)",
            t.proposal,
            if t.confirming {
                " re-tallied after its confirm period"
            } else {
                " tallied"
            },
            gov::outcome_name(t.outcome).to_uppercase(),
            t.total_yes,
            t.total_no,
            t.total_abstain,
            t.eligible_weight,
            t.approving_members,
            t.vetoing_members
        ),
        Event::VotingExtended(v) => format!(
            "proposal {}: late quorum, voting extended to {} (extension {})",
            v.proposal,
            gov::utc(v.voting_ends_ms),
            v.extensions
        ),
        Event::ProposalQueued(q) => format!(
            "proposal {} queued: executes from {} (expires {})",
            q.proposal,
            gov::utc(q.eta_ms),
            gov::utc(q.expires_ms)
        ),
        Event::ProposalExecuted(x) => {
            format!("proposal {} executed ({} action(s))", x.proposal, x.actions)
        }
        Event::ProposalExecutionFailed(x) => format!(
            "proposal {} FAILED at action {}: {} ({}); none of its actions took effect",
            x.proposal,
            x.action + 1,
            x.reason.message,
            x.reason.code
        ),
        Event::ProposalCanceled(c) => format!("proposal {} canceled by {}", c.proposal, c.by),
        Event::ProposalExpired(x) => format!(
            "proposal {} expired (not executed by {})",
            x.proposal,
            gov::utc(x.deadline_ms)
        ),
        Event::PersonnelStatusChanged(c) => format!(
            "personnel {}: {} -> {}",
            c.account,
            format!("{:?}", c.from).to_lowercase(),
            format!("{:?}", c.to).to_lowercase()
        ),
        Event::PersonnelTierChanged(c) => {
            format!("personnel {}: tier {} -> {}", c.account, c.from, c.to)
        }
        Event::HardwareRegistered(h) => format!(
            "hardware #{} of {} registered (Pending), device {}",
            h.id, h.operator, h.device_key
        ),
        Event::HardwareStatusChanged(c) => format!(
            "hardware #{}: {:?} -> {:?} ({})",
            c.hardware, c.from, c.to, c.reason
        ),
        Event::InspectionFiled(i) => format!(
            "inspection #{} of hardware #{}: {:?} by {} inspector(s) of {} member(s)",
            i.inspection, i.hardware, i.result, i.inspectors, i.members
        ),
        Event::ModelRegistered(m) => format!(
            "model #{} {:?} of {} registered (Pending), container {}",
            m.id,
            m.name.as_str(),
            m.owner,
            m.container_id
        ),
        Event::ModelStatusChanged(c) => format!(
            "model #{}: {:?} -> {:?} ({})",
            c.model, c.from, c.to, c.reason
        ),
        Event::RunStarted(r) => format!(
            "run #{} of workload #{} started on hardware #{} (budget {}, {} stage(s))",
            r.id, r.workload, r.hardware, r.budget, r.stages
        ),
        Event::OtkIssued(p) => crate::compute::permit_text(p),
        Event::OtkUsageReported(u) => format!(
            "permit #{} of run #{}: {} used, {} returned{}",
            u.otk_id,
            u.run,
            u.used,
            u.returned,
            if u.stage_done { ", stage done" } else { "" }
        ),
        Event::OtkRevoked(r) => format!(
            "permit #{} of run #{} revoked ({})",
            r.otk_id, r.run, r.reason
        ),
        Event::RunHalted(h) => format!("run #{} halted ({})", h.run, h.reason.name()),
        Event::DripPaused(d) => format!("drip paused for run #{} ({})", d.run, d.cause),
        Event::PhaseMismatch(m) => format!(
            "run #{} declared {} but its telemetry looks like {} ({:.1} % stronger, confidence {:.1} %): {}",
            m.run,
            m.declared.name(),
            m.detected.name(),
            f64::from(m.mismatch_bps) / 100.0,
            f64::from(m.confidence_bps) / 100.0,
            match m.action {
                aigov_types::phase::PhaseAction::Flagged => "flagged for reviewers",
                aigov_types::phase::PhaseAction::HaltedRun => "run halted",
                aigov_types::phase::PhaseAction::CanceledWorkload => {
                    "workload canceled (every run halted)"
                }
            }
        ),
        Event::ChallengeIssued(c) => format!(
            "integrity challenge #{} to hardware {}: answer by {} ms with nonce {}",
            c.challenge, c.hardware, c.deadline_ms, c.nonce
        ),
        Event::ChallengeClosed(c) => format!(
            "integrity challenge #{} to hardware {} {:?}{}",
            c.challenge,
            c.hardware,
            c.status,
            if c.reason.as_str().is_empty() {
                String::new()
            } else {
                format!(": {}", c.reason)
            }
        ),
        other => serde_json::to_string(other).unwrap_or_default(),
    };
    format!(
        "#{:<6} h{:<6} {:<22} {body}",
        e.index,
        e.height,
        e.event.kind()
    )
}

/// A transaction's status as text.
pub fn describe_tx(hash: &Hash, status: &TxStatus) -> String {
    match status {
        TxStatus::Pending => format!("{hash}: pending in the mempool"),
        TxStatus::Finalized { receipt, events } | TxStatus::Failed { receipt, events } => {
            let verdict = match &receipt.outcome {
                TxOutcome::Success(_) => "succeeded".to_string(),
                TxOutcome::Failed(f) => format!("FAILED: {} ({})", f.message, f.code),
            };
            let mut out = format!(
                "{hash}: finalized at height {} (tx #{}), {verdict}\ngas used {} (paid by {:?})\nevents:",
                receipt.height, receipt.index, receipt.gas_used, receipt.payer
            );
            for e in events {
                out.push_str("\n  ");
                out.push_str(&describe_event(e));
            }
            out
        }
    }
}
