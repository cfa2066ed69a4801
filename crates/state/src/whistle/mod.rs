//! The whistle-blower program: sealed reports from any key, reviewed by vote, escalated to
//! Emergency votes, rewarded by the treasury once confirmed.
//!
//! - **Entities**: [Report] (reporter, the reviewing key it is sealed to, the sealed blob, its
//!   SHA-256, the plaintext commitment, status, the proposals that reviewed and escalated it,
//!   the reward payment); the reviewing body's X25519 key ([SealKey]).
//! - **Calls**: `whistle.file` — anyone (a fresh key is fine: the pool pays, within the
//!   applicant quota) files a sealed report; refused if no reviewing key is set
//!   (`no_reviewing_key`) or the blob's shape is wrong (`sealed_size`, `sealed_version`,
//!   `sealed_ephemeral_key`; the chain cannot decrypt, see [aigov_types::whistle]).
//! - **Actions** (run by executed proposals): `review_report` (Review: Filed → UnderReview,
//!   Filed | UnderReview → Confirmed | Dismissed; the reporter, if personnel, is recused),
//!   `escalate_report` (Emergency: links the proposal, Filed → UnderReview; not for a
//!   dismissed report), `set_whistleblower_key` (System). The treasury's `award_treasury`
//!   with `WhistleblowerReward(id)` pays only a Confirmed, not yet rewarded report, only to its
//!   reporter (`check_reward`, `record_reward`).
//! - **Events**: `ReportFiled`, `ReportReviewed`, `ReportEscalated`,
//!   `WhistleblowerKeyChanged`; the reward is the treasury's `TreasuryPaid`.
//!
//! [Report]: aigov_types::whistle::Report
//! [SealKey]: aigov_types::whistle::SealKey

mod error;
pub mod keys;

pub use error::WhistleError;

use crate::app::TxCtx;
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use aigov_types::event::{
    Event, ReportEscalated, ReportFiled, ReportReviewed, WhistleblowerKeyChanged,
};
use aigov_types::whistle::{FileReport, Report, ReportStatus, ReviewReport, SealKey, check_sealed};
use aigov_types::{Hash, PublicKey};

/// The reviewing body's key in force, if any.
pub async fn reviewing_key(s: &impl StateRead) -> Result<Option<SealKey>, StoreError> {
    Ok(get_typed::<Option<SealKey>>(s, &keys::reviewing_key())
        .await?
        .flatten())
}

/// Report `id`.
pub async fn report(s: &impl StateRead, id: u64) -> Result<Option<Report>, StoreError> {
    get_typed::<Report>(s, &keys::report(id)).await
}

/// Number of reports filed (their ids run from 1).
pub async fn report_count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::report_count())
        .await?
        .unwrap_or(0))
}

/// Sets the reviewing key and emits its event.
fn put_key<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    key: Option<SealKey>,
    proposal: Option<u64>,
) {
    o.put_typed(keys::reviewing_key(), &key);
    events.push(Event::WhistleblowerKeyChanged(WhistleblowerKeyChanged {
        key,
        proposal,
    }));
}

/// Genesis: the reviewing key, if the genesis sets one.
pub(crate) fn init_genesis<S: StateRead>(
    o: &mut Overlay<'_, S>,
    key: Option<SealKey>,
    events: &mut Vec<Event>,
) {
    if key.is_some() {
        put_key(o, events, key, None);
    }
}

/// `whistle.file`.
pub(crate) async fn file<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &FileReport,
) -> Result<(), CallError> {
    let o = &mut cx.overlay;
    let recipient = reviewing_key(o)
        .await?
        .ok_or(WhistleError::NoReviewingKey)?;
    check_sealed(call.sealed.as_slice()).map_err(WhistleError::from)?;
    let id = report_count(o).await?.saturating_add(1);
    let sealed_hash = Hash::digest(&[call.sealed.as_slice()]);
    let r = Report {
        id,
        reporter: sender.clone(),
        recipient,
        sealed: call.sealed.clone(),
        sealed_hash,
        payload_hash: call.payload_hash,
        status: ReportStatus::Filed,
        filed_height: cx.block.height,
        filed_ms: cx.block.time_ms,
        reviewed_by: None,
        escalated_by: None,
        reward: None,
    };
    o.put_typed(keys::report(id), &r);
    o.put_typed(keys::report_count(), &id);
    cx.events.push(Event::ReportFiled(ReportFiled {
        report: id,
        reporter: sender.clone(),
        recipient,
        sealed_hash,
        // At most SEALED_MAX bytes.
        sealed_len: u32::try_from(call.sealed.len()).unwrap_or(u32::MAX),
        payload_hash: call.payload_hash,
    }));
    Ok(())
}

/// Report `id`, or [WhistleError::UnknownReport].
async fn existing(s: &impl StateRead, id: u64) -> Result<Report, CallError> {
    report(s, id)
        .await?
        .ok_or_else(|| WhistleError::UnknownReport(id).into())
}

/// Checks a review (when proposing and again when executing); returns the report's reporter,
/// who is recused from the vote.
pub(crate) async fn check_review(
    s: &impl StateRead,
    r: &ReviewReport,
) -> Result<PublicKey, CallError> {
    let rep = existing(s, r.report).await?;
    let to = r.outcome.status();
    if !rep.status.can_become(to) {
        return Err(WhistleError::InvalidTransition {
            report: r.report,
            from: rep.status,
            to,
        }
        .into());
    }
    Ok(rep.reporter)
}

/// Action `review_report`.
pub(crate) async fn review<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    r: &ReviewReport,
    proposal: u64,
) -> Result<(), CallError> {
    check_review(o, r).await?;
    let mut rep = existing(o, r.report).await?;
    let from = rep.status;
    rep.status = r.outcome.status();
    rep.reviewed_by = Some(proposal);
    o.put_typed(keys::report(rep.id), &rep);
    events.push(Event::ReportReviewed(ReportReviewed {
        report: rep.id,
        from,
        to: rep.status,
        proposal,
    }));
    Ok(())
}

/// Checks an escalation: the report exists and was not dismissed.
pub(crate) async fn check_escalation(s: &impl StateRead, id: u64) -> Result<(), CallError> {
    let rep = existing(s, id).await?;
    if rep.status == ReportStatus::Dismissed {
        return Err(WhistleError::ReportDismissed(id).into());
    }
    Ok(())
}

/// Action `escalate_report`: links the Emergency proposal; a Filed report is now UnderReview.
pub(crate) async fn escalate<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    id: u64,
    proposal: u64,
) -> Result<(), CallError> {
    check_escalation(o, id).await?;
    let mut rep = existing(o, id).await?;
    rep.escalated_by = Some(proposal);
    if rep.status == ReportStatus::Filed {
        rep.status = ReportStatus::UnderReview;
        events.push(Event::ReportReviewed(ReportReviewed {
            report: id,
            from: ReportStatus::Filed,
            to: ReportStatus::UnderReview,
            proposal,
        }));
    }
    o.put_typed(keys::report(id), &rep);
    events.push(Event::ReportEscalated(ReportEscalated {
        report: id,
        proposal,
    }));
    Ok(())
}

/// Action `set_whistleblower_key`.
pub(crate) fn set_key<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    key: Option<SealKey>,
    proposal: u64,
) {
    put_key(o, events, key, Some(proposal));
}

/// Checks a whistle-blower reward (treasury `award_treasury` with `WhistleblowerReward(id)`):
/// the report is Confirmed, not yet rewarded, and the payee is its reporter.
pub(crate) async fn check_reward(
    s: &impl StateRead,
    id: u64,
    to: &PublicKey,
) -> Result<(), CallError> {
    let rep = existing(s, id).await?;
    if rep.status != ReportStatus::Confirmed {
        return Err(WhistleError::NotConfirmed {
            report: id,
            status: rep.status,
        }
        .into());
    }
    if let Some(payment) = rep.reward {
        return Err(WhistleError::AlreadyRewarded {
            report: id,
            payment,
        }
        .into());
    }
    if rep.reporter != *to {
        return Err(WhistleError::RewardNotToReporter(id).into());
    }
    Ok(())
}

/// Records the payment that rewarded report `id` (after [check_reward] and the payment; its
/// event is the treasury's `TreasuryPaid`).
pub(crate) async fn record_reward<S: StateRead>(
    o: &mut Overlay<'_, S>,
    id: u64,
    payment: u64,
) -> Result<(), CallError> {
    let mut rep = existing(o, id).await?;
    rep.reward = Some(payment);
    o.put_typed(keys::report(id), &rep);
    Ok(())
}
