//! The shared treasury: a separate ledger in an external currency unit (integers, e.g.
//! micro-USDC). Money moves in only from the genesis supply and the gas tax, and out only by an
//! executed proposal; every movement is an event naming its reason (and its proposal).
//!
//! - **Entities**: the [TreasuryLedger] (`balance = inflows − outflows`), [Payment]s (by id,
//!   each with the proposal that authorised it), [Bounty] claims.
//! - **Calls**: `treasury.claim_bounty` — anyone (a fresh key is fine: the pool pays, within
//!   the applicant quota) files a claim with a report digest and an amount asked.
//! - **Actions** (run by executed proposals): `pay_bounty` (Review; the claim must be
//!   Claimed, the treasury must hold the amount), `reject_bounty` (Review), `award_treasury`
//!   (System: safety-round awards, whistle-blower rewards, grants). A whistle-blower reward
//!   (`WhistleblowerReward(id)`) is refused unless the report is Confirmed, not yet rewarded,
//!   and paid to its reporter ([crate::whistle]); the payment is recorded in the report.
//! - **Events**: `TreasuryCredited` (genesis, gas tax), `TreasuryPaid`, `BountyClaimed`,
//!   `BountyRejected`.
//!
//! [TreasuryLedger]: aigov_types::treasury::TreasuryLedger
//! [Payment]: aigov_types::treasury::Payment
//! [Bounty]: aigov_types::treasury::Bounty

mod error;
pub mod keys;

pub use error::TreasuryError;

use crate::app::TxCtx;
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use aigov_types::PublicKey;
use aigov_types::codec::BoundedString;
use aigov_types::event::{BountyRejected, Event, TreasuryCredited};
use aigov_types::treasury::{
    Bounty, BountyStatus, ClaimBounty, InflowSource, PayBounty, Payment, PaymentReason,
    RejectBounty, TreasuryAward, TreasuryLedger,
};

/// The treasury's ledger.
pub async fn ledger(s: &impl StateRead) -> Result<TreasuryLedger, StoreError> {
    Ok(get_typed::<TreasuryLedger>(s, &keys::ledger())
        .await?
        .unwrap_or_default())
}

/// Payment `id`.
pub async fn payment(s: &impl StateRead, id: u64) -> Result<Option<Payment>, StoreError> {
    get_typed::<Payment>(s, &keys::payment(id)).await
}

/// Bounty claim `id`.
pub async fn bounty(s: &impl StateRead, id: u64) -> Result<Option<Bounty>, StoreError> {
    get_typed::<Bounty>(s, &keys::bounty(id)).await
}

/// Number of bounty claims (their ids run from 1).
pub async fn bounty_count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::bounty_count())
        .await?
        .unwrap_or(0))
}

/// A page of bounty claims in id order (`offset` 0 is id 1), and the total.
pub async fn bounty_page(
    s: &impl StateRead,
    offset: u64,
    limit: u64,
) -> Result<(Vec<Bounty>, u64), StoreError> {
    let total = bounty_count(s).await?;
    let out = crate::store::page_by_id(s, total, offset, limit, keys::bounty).await?;
    Ok((out, total))
}

/// Adds an inflow and emits its event.
async fn receive<S: StateRead>(
    o: &mut Overlay<'_, S>,
    amount: u64,
    source: InflowSource,
    credits_taxed: u64,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let mut l = ledger(o).await?;
    l.balance = l.balance.saturating_add(amount);
    l.inflows = l.inflows.saturating_add(amount);
    o.put_typed(keys::ledger(), &l);
    events.push(Event::TreasuryCredited(TreasuryCredited {
        amount,
        source,
        credits_taxed,
        balance: l.balance,
    }));
    Ok(())
}

/// Genesis: the initial supply (recorded even when zero, so the ledger always exists).
pub(crate) async fn init_genesis<S: StateRead>(
    o: &mut Overlay<'_, S>,
    supply: u64,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    receive(o, supply, InflowSource::Genesis, 0, events).await
}

/// The gas tax on a block's consumed credits (nothing when it rounds to zero).
pub(crate) async fn credit_gas_tax<S: StateRead>(
    o: &mut Overlay<'_, S>,
    amount: u64,
    credits_taxed: u64,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    if amount == 0 {
        return Ok(());
    }
    receive(o, amount, InflowSource::GasTax, credits_taxed, events).await
}

/// `treasury.claim_bounty`.
pub(crate) async fn claim_bounty<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &ClaimBounty,
) -> Result<(), CallError> {
    if call.title.as_str().trim().is_empty() {
        return Err(TreasuryError::EmptyTitle.into());
    }
    if call.requested == 0 {
        return Err(TreasuryError::ZeroAmount.into());
    }
    let o = &mut cx.overlay;
    let id = bounty_count(o).await?.saturating_add(1);
    let b = Bounty {
        id,
        claimant: sender.clone(),
        title: call.title.clone(),
        report_hash: call.report_hash,
        requested: call.requested,
        status: BountyStatus::Claimed,
        payment: None,
        filed_height: cx.block.height,
    };
    o.put_typed(keys::bounty(id), &b);
    o.put_typed(keys::bounty_count(), &id);
    cx.events.push(Event::BountyClaimed(b));
    Ok(())
}

/// A claim that is still open, or why not.
async fn open_claim(s: &impl StateRead, id: u64) -> Result<Bounty, CallError> {
    let b = bounty(s, id)
        .await?
        .ok_or(TreasuryError::UnknownBounty(id))?;
    if b.status != BountyStatus::Claimed {
        return Err(TreasuryError::BountyDecided {
            bounty: id,
            status: b.status,
        }
        .into());
    }
    Ok(b)
}

/// Checks, when proposing, that a bounty can be paid or rejected (the claim is open; for a
/// payment, the amount is at least 1). The balance is checked at execution: the gas tax may
/// fill the treasury meanwhile.
pub(crate) async fn check_bounty_action(
    s: &impl StateRead,
    bounty: u64,
    amount: Option<u64>,
) -> Result<PublicKey, CallError> {
    if amount == Some(0) {
        return Err(TreasuryError::ZeroAmount.into());
    }
    Ok(open_claim(s, bounty).await?.claimant)
}

/// Checks an award, when proposing and again when executing: an amount, not a bounty, and a
/// whistle-blower reward only for a Confirmed, not yet rewarded report, paid to its reporter.
pub(crate) async fn check_award(s: &impl StateRead, a: &TreasuryAward) -> Result<(), CallError> {
    if a.amount == 0 {
        return Err(TreasuryError::ZeroAmount.into());
    }
    match a.reason {
        PaymentReason::Bounty(_) => Err(TreasuryError::BountyAsAward.into()),
        PaymentReason::WhistleblowerReward(report) => {
            crate::whistle::check_reward(s, report, &a.to).await
        }
        PaymentReason::SafetyRoundAward(_) | PaymentReason::Grant => Ok(()),
    }
}

/// What authorises a spend: the executed proposal and the block.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Authority {
    /// The proposal.
    pub proposal: u64,
    /// The height.
    pub height: u64,
}

/// Pays `amount` to `to` out of the treasury, recording the payment; returns its id.
async fn pay<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    to: &PublicKey,
    amount: u64,
    reason: PaymentReason,
    memo: BoundedString<128>,
    by: Authority,
) -> Result<u64, CallError> {
    if amount == 0 {
        return Err(TreasuryError::ZeroAmount.into());
    }
    let mut l = ledger(o).await?;
    if l.balance < amount {
        return Err(TreasuryError::InsufficientFunds {
            balance: l.balance,
            amount,
        }
        .into());
    }
    l.balance -= amount;
    l.outflows = l.outflows.saturating_add(amount);
    l.payments = l.payments.saturating_add(1);
    let p = Payment {
        id: l.payments,
        to: to.clone(),
        amount,
        reason,
        memo,
        proposal: by.proposal,
        height: by.height,
    };
    o.put_typed(keys::ledger(), &l);
    o.put_typed(keys::payment(p.id), &p);
    events.push(Event::TreasuryPaid(p));
    Ok(l.payments)
}

/// Action `pay_bounty`.
pub(crate) async fn pay_bounty<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &PayBounty,
    by: Authority,
) -> Result<(), CallError> {
    let mut b = open_claim(o, a.bounty).await?;
    let memo = BoundedString::new(format!("bounty {}", b.id)).unwrap_or_default();
    let id = pay(
        o,
        events,
        &b.claimant,
        a.amount,
        PaymentReason::Bounty(b.id),
        memo,
        by,
    )
    .await?;
    b.status = BountyStatus::Paid;
    b.payment = Some(id);
    o.put_typed(keys::bounty(b.id), &b);
    Ok(())
}

/// Action `reject_bounty`.
pub(crate) async fn reject_bounty<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &RejectBounty,
    by: Authority,
) -> Result<(), CallError> {
    let mut b = open_claim(o, a.bounty).await?;
    b.status = BountyStatus::Rejected;
    o.put_typed(keys::bounty(b.id), &b);
    events.push(Event::BountyRejected(BountyRejected {
        bounty: b.id,
        proposal: by.proposal,
    }));
    Ok(())
}

/// Action `award_treasury`.
pub(crate) async fn award<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &TreasuryAward,
    by: Authority,
) -> Result<(), CallError> {
    check_award(o, a).await?;
    let payment = pay(
        o,
        events,
        &a.to,
        a.amount,
        a.reason.clone(),
        a.memo.clone(),
        by,
    )
    .await?;
    if let PaymentReason::WhistleblowerReward(report) = a.reason {
        crate::whistle::record_reward(o, report, payment).await?;
    }
    Ok(())
}

/// A safety selection round's award to its winner, authorised by the proposal that opened the
/// round; returns the payment id. Nothing is written when it fails (e.g. the treasury cannot
/// pay).
pub(crate) async fn pay_round_award<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    to: &PublicKey,
    amount: u64,
    round: u64,
    by: Authority,
) -> Result<u64, CallError> {
    let memo = BoundedString::new(format!("selection round {round}")).unwrap_or_default();
    pay(
        o,
        events,
        to,
        amount,
        PaymentReason::SafetyRoundAward(round),
        memo,
        by,
    )
    .await
}
