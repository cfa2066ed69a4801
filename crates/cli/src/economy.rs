//! The economy on the command line: `aigov tx gas purchase`, `aigov tx treasury
//! claim-bounty`, `aigov query gas price|balance|pool|ledger|purchase` and
//! `aigov query treasury [ledger|bounties|bounty|payment]`.

use crate::args::{GasQuery, GasTx, Global, QueryArgs, TreasuryQuery, TreasuryTx};
use crate::gov::account;
use crate::output;
use crate::query::state_with;
use aigov_client::Client;
use aigov_types::Call;
use aigov_types::codec::{BoundedString, Hash};
use aigov_types::economy::{EconomyParams, GasCall, PRICE_SCALE, PurchaseCategory, RecordPurchase};
use aigov_types::treasury::{Bounty, ClaimBounty, Payment, TreasuryCall, TreasuryLedger};
use anyhow::{Context as _, anyhow, bail};
use std::process::ExitCode;

/// The call of `aigov tx gas …`.
pub fn gas_call(global: &Global, cmd: &GasTx) -> anyhow::Result<Call> {
    match cmd {
        GasTx::Purchase {
            category,
            account: who,
            paid,
            reference,
        } => {
            let category: PurchaseCategory = category.parse().map_err(|e: String| anyhow!(e))?;
            let account = who.as_deref().map(|w| account(global, w)).transpose()?;
            match (category, &account) {
                (PurchaseCategory::PoolTopUp, Some(_)) => {
                    bail!("a pool_top_up credits the pool: leave out --account")
                }
                (c, None) if c != PurchaseCategory::PoolTopUp => {
                    bail!(
                        "a {} purchase needs --account (who receives the credits)",
                        c.name()
                    )
                }
                _ => {}
            }
            Ok(Call::Gas(GasCall::RecordPurchase(RecordPurchase {
                category,
                account,
                paid: *paid,
                reference: BoundedString::new(reference.as_str())
                    .ok_or_else(|| anyhow!("--reference is longer than 128 bytes"))?,
            })))
        }
    }
}

/// The call of `aigov tx treasury …`.
pub fn treasury_call(cmd: &TreasuryTx) -> anyhow::Result<Call> {
    match cmd {
        TreasuryTx::ClaimBounty {
            title,
            report,
            report_hash,
            amount,
        } => {
            let report_hash = match (report, report_hash) {
                (Some(path), _) => {
                    let bytes = std::fs::read(path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    Hash::digest(&[&bytes])
                }
                (None, Some(h)) => Hash::from_hex(h)
                    .ok_or_else(|| anyhow!("--report-hash must be 64 hex digits"))?,
                (None, None) => bail!("give --report FILE or --report-hash HEX"),
            };
            Ok(Call::Treasury(TreasuryCall::ClaimBounty(ClaimBounty {
                title: BoundedString::new(title.as_str())
                    .ok_or_else(|| anyhow!("--title is longer than 256 bytes"))?,
                report_hash,
                requested: *amount,
            })))
        }
    }
}

/// `1.125 credits/gas` from milli-credits.
fn price_text(milli: u64) -> String {
    format!(
        "{}.{:03} credits/gas",
        milli / PRICE_SCALE,
        milli % PRICE_SCALE
    )
}

fn bps(v: u16) -> String {
    format!("{}.{:02} %", v / 100, v % 100)
}

fn params_text(p: &EconomyParams) -> String {
    format!(
        "base price {}, ceiling {}\n\
         target {} gas per block; moves at most {} per block\n\
         gas tax {} of credits consumed, converted at {} treasury units per 1000 credits\n\
         duty allowance {} credits per person per day{}",
        price_text(p.base_gas_price),
        price_text(p.max_gas_price),
        p.target_block_gas,
        bps(p.price_adjustment_bps),
        bps(p.gas_tax_bps),
        p.credit_rate,
        p.duty_allowance_per_day,
        if p.duty_allowance_per_day == 0 {
            " (no limit)"
        } else {
            ""
        }
    )
}

fn treasury_text(t: &TreasuryLedger) -> String {
    format!(
        "balance {} (in {}, out {}; {} payments)",
        t.balance, t.inflows, t.outflows, t.payments
    )
}

fn bounty_text(b: &Bounty) -> String {
    format!(
        "bounty #{} {:?} by {}: {:?}, asks {}{} (filed at height {}, report {})",
        b.id,
        b.status,
        b.claimant,
        b.title.as_str(),
        b.requested,
        b.payment
            .map(|p| format!(", paid by payment #{p}"))
            .unwrap_or_default(),
        b.filed_height,
        b.report_hash
    )
}

fn payment_text(p: &Payment) -> String {
    format!(
        "payment #{} of {} to {} for {:?} ({}), authorised by proposal {} at height {}",
        p.id, p.amount, p.to, p.reason, p.memo, p.proposal, p.height
    )
}

/// `aigov query gas …`.
pub fn gas_query(global: &Global, args: &QueryArgs, what: &GasQuery) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    let prove = args.prove;
    match what {
        GasQuery::Price => {
            if prove {
                // The price alone is what a light client needs to check a charge.
                return state_with(global, args, client.gas_price(prove)?, |p| {
                    format!("{} (set at height {})", price_text(p.price), p.height)
                });
            }
            let e = client.economy()?;
            output::print(global, &e, || {
                format!(
                    "gas price {} (set at height {})\n{}\n(height {})",
                    price_text(e.price.price),
                    e.price.height,
                    params_text(&e.params),
                    e.height
                )
            });
        }
        GasQuery::Balance { who } => {
            let who = match who {
                Some(w) => account(global, w)?,
                None => crate::keys::signer(global)?.public_key(),
            };
            return state_with(global, args, client.account(&who, prove)?, |a| {
                format!("{} credits (next nonce {})", a.gas, a.nonce)
            });
        }
        GasQuery::Pool => {
            if prove {
                return state_with(global, args, client.pool(prove)?, |p| {
                    format!("{p} credits in the pool")
                });
            }
            let e = client.economy()?;
            output::print(global, &e, || {
                let mut lines = vec![format!("{} credits in the pool", e.pool)];
                for (m, given) in &e.pool_contributions {
                    lines.push(format!("  {m:<8} put in {given}"));
                }
                lines.push(format!("(height {})", e.height));
                lines.join("\n")
            });
        }
        GasQuery::Ledger => {
            return state_with(global, args, client.credit_ledger(prove)?, |l| {
                format!(
                    "{} credits issued, {} consumed, {} outstanding; {} purchases recorded",
                    l.issued,
                    l.consumed,
                    l.issued.saturating_sub(l.consumed),
                    l.purchases
                )
            });
        }
        GasQuery::History { limit, scan } => {
            if prove {
                bail!(
                    "price moves are log events: prove one with its index (`aigov query events`, `GET /v1/log/proof`)"
                );
            }
            let mut moves = Vec::new();
            let mut end = client.events(0, 1)?.log_size;
            let floor = end.saturating_sub(*scan);
            while end > floor && moves.len() < *limit {
                let from = end.saturating_sub(1_000).max(floor);
                let page = client.events(from, u32::try_from(end - from).unwrap_or(1_000))?;
                for e in page.events.iter().rev() {
                    if let aigov_types::Event::GasPriceChanged(c) = &e.event {
                        moves.push(serde_json::json!({
                            "index": e.index,
                            "height": e.height,
                            "from": c.from,
                            "to": c.to,
                            "gas_used": c.gas_used,
                        }));
                        if moves.len() >= *limit {
                            break;
                        }
                    }
                }
                end = from;
            }
            output::print(global, &moves, || {
                if moves.is_empty() {
                    return "no price move in the events scanned: the price has stayed at its base"
                        .to_string();
                }
                moves
                    .iter()
                    .map(|m| {
                        format!(
                            "height {:>8}: {} -> {} (block gas {}; event #{})",
                            m["height"],
                            price_text(m["from"].as_u64().unwrap_or(0)),
                            price_text(m["to"].as_u64().unwrap_or(0)),
                            m["gas_used"],
                            m["index"]
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        GasQuery::Purchase { id } => {
            return state_with(global, args, client.purchase(*id, prove)?, |p| {
                format!(
                    "purchase #{} ({}) recorded by {} of {}: paid {}, {} credits to {}, reference {:?}, height {}",
                    p.id,
                    p.category.name(),
                    p.officer,
                    p.member,
                    p.paid,
                    p.credits,
                    p.account
                        .as_ref()
                        .map_or("the pool".to_string(), |a| a.to_string()),
                    p.reference.as_str(),
                    p.height
                )
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `aigov query treasury …`.
pub fn treasury_query(
    global: &Global,
    args: &QueryArgs,
    what: Option<&TreasuryQuery>,
) -> anyhow::Result<ExitCode> {
    let client = Client::new(&global.node);
    let prove = args.prove;
    match what.unwrap_or(&TreasuryQuery::Ledger) {
        TreasuryQuery::Ledger => state_with(global, args, client.treasury(prove)?, treasury_text),
        TreasuryQuery::Bounty { id } => {
            state_with(global, args, client.bounty(*id, prove)?, bounty_text)
        }
        TreasuryQuery::Payment { id } => {
            state_with(global, args, client.payment(*id, prove)?, payment_text)
        }
        TreasuryQuery::Bounties { offset, limit } => {
            if prove {
                bail!(
                    "the bounty list has no proof; prove one claim with `query treasury bounty ID --prove`"
                );
            }
            let page = client.bounties(*offset, *limit)?;
            output::print(global, &page, || {
                let mut lines: Vec<String> = page.bounties.iter().map(bounty_text).collect();
                lines.push(format!(
                    "({} of {} claims)",
                    page.bounties.len(),
                    page.total
                ));
                lines.join("\n")
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}
