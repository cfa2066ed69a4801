//! Output: JSON with `--json`, readable text otherwise. Data goes to stdout, diagnostics to
//! stderr.

use crate::args::Global;
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
