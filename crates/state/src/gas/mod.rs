//! Gas: closed-loop credits, their algorithmic price, recorded purchases and each person's
//! daily duty allowance.
//!
//! - **Entities**: the [EconomyParams] in force, the [GasPrice] (milli-credits per gas), the
//!   [CreditLedger] (`issued`, `consumed`, purchase count), [Purchase]s (by id, and by
//!   member + payment reference so that a payment is recorded once), [DutyUsage] per person.
//! - **Charging** (in [crate::app]): a transaction's gas (base + bytes + its call's work) costs
//!   `gas × price / 1000` credits, rounded up, paid by the sender, or by the pool for
//!   sponsored calls. A duty draws on its sender's daily allowance; past it the duty is refused
//!   at admission (`duty_allowance_exhausted`), never charged to the person.
//! - **End of block** ([end_block]): the block's consumed credits go into the ledger, their
//!   gas tax (converted at the published rate) into the treasury, and the price moves by the
//!   published rule ([EconomyParams::next_price]) from the block's gas.
//! - **Calls**: `gas.record_purchase` — a treasury officer of a member (Active personnel with
//!   the TreasuryOfficer role; a duty) records a payment received: credits for it at the
//!   published rate go to the named account (created if needed), or to the pool for a
//!   top-up (counted as the member's contribution).
//! - **Actions**: `set_economy_params` (System, proposed and voted by tier-1 Policy only).
//! - **Events**: `GasPurchased`, `GasPriceChanged`, `EconomyParamsChanged`.
//!
//! Conservation: `issued − consumed` equals the credits of all accounts plus the pool, at
//! every height (tested as a property over random transaction sequences).
//!
//! [EconomyParams]: aigov_types::economy::EconomyParams
//! [EconomyParams::next_price]: aigov_types::economy::EconomyParams::next_price
//! [GasPrice]: aigov_types::economy::GasPrice
//! [CreditLedger]: aigov_types::economy::CreditLedger
//! [Purchase]: aigov_types::economy::Purchase
//! [DutyUsage]: aigov_types::economy::DutyUsage

mod error;
pub mod keys;

pub use error::GasError;

use crate::app::TxCtx;
use crate::error::{AdmissionError, CallError};
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use crate::{accounts, personnel, treasury};
use aigov_types::PublicKey;
use aigov_types::economy::{
    CreditLedger, DAY_MS, DutyUsage, EconomyParams, EconomyParamsError, GasPrice, Purchase,
    PurchaseCategory, RecordPurchase, purchase_key,
};
use aigov_types::event::{EconomyParamsChanged, Event, GasPriceChanged};
use aigov_types::personnel::Role;

/// The economy's parameters in force.
pub async fn params(s: &impl StateRead) -> Result<EconomyParams, StoreError> {
    Ok(get_typed::<EconomyParams>(s, &keys::params())
        .await?
        .unwrap_or_default())
}

/// The current gas price (milli-credits per gas).
pub async fn price(s: &impl StateRead) -> Result<GasPrice, StoreError> {
    match get_typed::<GasPrice>(s, &keys::price()).await? {
        Some(p) => Ok(p),
        None => Ok(GasPrice {
            price: params(s).await?.base_gas_price,
            height: 0,
        }),
    }
}

/// The credit ledger.
pub async fn ledger(s: &impl StateRead) -> Result<CreditLedger, StoreError> {
    Ok(get_typed::<CreditLedger>(s, &keys::ledger())
        .await?
        .unwrap_or_default())
}

/// Purchase `id`.
pub async fn purchase(s: &impl StateRead, id: u64) -> Result<Option<Purchase>, StoreError> {
    get_typed::<Purchase>(s, &keys::purchase(id)).await
}

/// What `who` has used of their duty allowance on the day of block time `now_ms` (usage of an
/// earlier day counts as nothing: the allowance renews daily).
pub async fn duty_used(
    s: &impl StateRead,
    who: &PublicKey,
    now_ms: u64,
) -> Result<u64, StoreError> {
    let day = now_ms / DAY_MS;
    Ok(get_typed::<DutyUsage>(s, &keys::duty(who))
        .await?
        .filter(|u| u.day == day)
        .map_or(0, |u| u.credits))
}

/// Genesis: checks and stores the parameters, the base price and the ledger of the credits
/// genesis issued.
pub(crate) fn init_genesis<S: StateRead>(
    o: &mut Overlay<'_, S>,
    params: &EconomyParams,
    issued: u64,
) -> Result<(), EconomyParamsError> {
    params.validate()?;
    o.put_typed(keys::params(), params);
    o.put_typed(
        keys::price(),
        &GasPrice {
            price: params.base_gas_price,
            height: 0,
        },
    );
    o.put_typed(
        keys::ledger(),
        &CreditLedger {
            issued,
            consumed: 0,
            purchases: 0,
            locked: 0,
        },
    );
    Ok(())
}

/// Admission: refuses a duty of `credits` when it would take `who` past their daily
/// allowance (`pending`: credits of their duties already waiting in the mempool).
pub async fn check_duty_allowance(
    s: &impl StateRead,
    params: &EconomyParams,
    who: &PublicKey,
    now_ms: u64,
    pending: u64,
    credits: u64,
) -> Result<Result<(), AdmissionError>, StoreError> {
    let allowance = params.duty_allowance_per_day;
    if allowance == 0 {
        return Ok(Ok(()));
    }
    let used = duty_used(s, who, now_ms).await?.saturating_add(pending);
    if used.saturating_add(credits) > allowance {
        return Ok(Err(AdmissionError::DutyAllowanceExhausted {
            used,
            cost: credits,
            allowance,
            renews_ms: (now_ms / DAY_MS + 1).saturating_mul(DAY_MS),
        }));
    }
    Ok(Ok(()))
}

/// Records `credits` of pool-paid duties against `who`'s allowance for the day of `now_ms`.
pub(crate) async fn use_duty_allowance<S: StateRead>(
    o: &mut Overlay<'_, S>,
    who: &PublicKey,
    now_ms: u64,
    credits: u64,
) -> Result<(), StoreError> {
    let day = now_ms / DAY_MS;
    let used = duty_used(o, who, now_ms).await?;
    o.put_typed(
        keys::duty(who),
        &DutyUsage {
            day,
            credits: used.saturating_add(credits),
        },
    );
    Ok(())
}

/// End of block: books the block's consumed credits, sends their gas tax to the treasury and
/// moves the price by the published rule from the block's gas.
pub(crate) async fn end_block<S: StateRead>(
    o: &mut Overlay<'_, S>,
    height: u64,
    gas_used: u64,
    credits_consumed: u64,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let params = params(o).await?;
    if credits_consumed > 0 {
        let mut l = ledger(o).await?;
        l.consumed = l.consumed.saturating_add(credits_consumed);
        o.put_typed(keys::ledger(), &l);
        treasury::credit_gas_tax(o, params.tax_on(credits_consumed), credits_consumed, events)
            .await?;
    }
    let current = price(o).await?;
    let next = params.next_price(current.price, gas_used);
    if next != current.price {
        o.put_typed(
            keys::price(),
            &GasPrice {
                price: next,
                height,
            },
        );
        events.push(Event::GasPriceChanged(GasPriceChanged {
            from: current.price,
            to: next,
            gas_used,
        }));
    }
    Ok(())
}

/// `gas.record_purchase`.
pub(crate) async fn record_purchase<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &RecordPurchase,
) -> Result<(), CallError> {
    let height = cx.block.height;
    let o = &mut cx.overlay;
    // Admission let only Active personnel through; the role is checked here.
    let officer = personnel::queries::personnel(o, sender)
        .await?
        .filter(|p| p.roles.contains(Role::TreasuryOfficer))
        .ok_or_else(|| GasError::NotTreasuryOfficer(sender.clone()))?;
    if call.paid == 0 {
        return Err(GasError::ZeroPayment.into());
    }
    if call.reference.as_str().trim().is_empty() {
        return Err(GasError::EmptyReference.into());
    }
    let to_pool = call.category == PurchaseCategory::PoolTopUp;
    if to_pool != call.account.is_none() {
        return Err(GasError::AccountMismatch {
            category: call.category,
        }
        .into());
    }
    let params = params(o).await?;
    let credits = params.credits_for_payment(call.paid);
    if credits == 0 {
        return Err(GasError::PaymentTooSmall {
            paid: call.paid,
            rate: params.credit_rate,
        }
        .into());
    }
    let identity = purchase_key(&officer.member, call.reference.as_str());
    if let Some(existing) = get_typed::<u64>(o, &keys::reference(&identity)).await? {
        return Err(GasError::DuplicatePurchase {
            member: officer.member.clone(),
            reference: call.reference.to_string(),
            existing,
        }
        .into());
    }

    match &call.account {
        Some(who) => accounts::credit(o, who, credits).await?,
        None => accounts::top_up_pool(o, &officer.member, credits).await?,
    }
    let mut l = ledger(o).await?;
    l.issued = l.issued.saturating_add(credits);
    l.purchases = l.purchases.saturating_add(1);
    let purchase = Purchase {
        id: l.purchases,
        member: officer.member,
        officer: sender.clone(),
        category: call.category,
        account: call.account.clone(),
        paid: call.paid,
        credits,
        reference: call.reference.clone(),
        height,
    };
    o.put_typed(keys::ledger(), &l);
    o.put_typed(keys::purchase(purchase.id), &purchase);
    o.put_typed(keys::reference(&identity), &purchase.id);
    cx.events.push(Event::GasPurchased(purchase));
    Ok(())
}

/// Locks `amount` of `who`'s credits (a dispute bond); returns `who`'s balance if too low.
pub(crate) async fn lock<S: StateRead>(
    o: &mut Overlay<'_, S>,
    who: &PublicKey,
    amount: u64,
) -> Result<Result<(), u64>, StoreError> {
    let mut acct = accounts::account(o, who).await?.unwrap_or_default();
    if acct.gas < amount {
        return Ok(Err(acct.gas));
    }
    acct.gas -= amount;
    accounts::put_account(o, who, &acct);
    let mut l = ledger(o).await?;
    l.locked = l.locked.saturating_add(amount);
    o.put_typed(keys::ledger(), &l);
    Ok(Ok(()))
}

/// Releases `amount` locked credits: back to `who`, or to the pool when `None` (forfeited).
pub(crate) async fn release<S: StateRead>(
    o: &mut Overlay<'_, S>,
    to: Option<&PublicKey>,
    amount: u64,
) -> Result<(), StoreError> {
    let mut l = ledger(o).await?;
    l.locked = l.locked.saturating_sub(amount);
    o.put_typed(keys::ledger(), &l);
    match to {
        Some(who) => accounts::credit(o, who, amount).await,
        None => {
            let pool = accounts::pool_gas(o).await?;
            accounts::put_pool(o, pool.saturating_add(amount));
            Ok(())
        }
    }
}

/// Action `set_economy_params`.
#[allow(clippy::result_large_err)] // errors carry keys, as everywhere; runs once per action
pub(crate) fn set_params<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    params: &EconomyParams,
) -> Result<(), CallError> {
    params.validate().map_err(GasError::from)?;
    o.put_typed(keys::params(), params);
    events.push(Event::EconomyParamsChanged(EconomyParamsChanged {
        params: params.clone(),
    }));
    Ok(())
}
