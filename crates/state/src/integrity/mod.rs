//! Integrity challenges: semi-random attestation checks of Active hardware during its runs.
//!
//! - **Entities**: [Challenge] (hardware, nonce, the Hardware template whose reference values
//!   apply, deadline, status, evidence digest, why it failed); the **armed set** (Active
//!   hardware bound to a template, waiting for its next challenge); two due-queues
//!   ([crate::due]): hardware to re-arm after a passed challenge, and challenge deadlines.
//! - **Which hardware and when**: each block challenges armed hardware at the rate
//!   `armed × Δt / mean_wait` (its fraction drawn from the block randomness), picking positions
//!   in the armed set from the same randomness. The wait of each armed hardware is therefore
//!   memoryless: nothing in state tells when its challenge comes. Work per block is the number
//!   of challenges issued, never the number of hardware.
//! - **Nonce**: [challenge_nonce] of the block randomness, so no evidence predates the block.
//! - **Call** `hardware.answer_challenge`, signed by the device key: the evidence is verified
//!   offline against the template's reference values at the block time ([aigov_attest] for
//!   Intel TDX/SGX, AMD SEV-SNP and NVIDIA SPDM; a device-key signature for hardware without a
//!   TEE). Evidence that does not verify fails the challenge (recorded, not refused).
//! - **Failure** (Failed, or Missed at the deadline): the hardware is Suspended (its permits
//!   revoked in the same block, [crate::hardware]); [IntegrityParams::failures_to_revoke]
//!   failures revoke it. A Review vote (`approve_hardware`) reinstates suspended hardware and
//!   re-arms it.
//! - **Events**: `ChallengeIssued`, `ChallengeClosed` (and the hardware's status changes).
//!
//! [IntegrityParams::failures_to_revoke]: aigov_types::integrity::IntegrityParams

mod error;
pub mod keys;

pub use error::IntegrityError;

use crate::app::{BlockContext, TxCtx};
use crate::due::{DueKeys, pop_due, schedule};
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use crate::{chain, hardware, templates};
use aigov_attest::{AllowList, Evidence, Freshness, ReferenceValues, location};
use aigov_types::codec::{BoundedString, BoundedVec};
use aigov_types::event::{ChallengeClosed, ChallengeIssued, Event};
use aigov_types::hardware::{Hardware, HardwareStatus, InspectionResult, SEALS_MAX};
use aigov_types::integrity::{
    Allow, AnswerChallenge, Challenge, ChallengeEvidence, ChallengeStatus,
    DEVICE_EVIDENCE_NAMESPACE, HardwareReference, IntelTcbStatus, challenge_nonce,
    device_evidence_message,
};
use aigov_types::physical::{
    GeoPoint, LANDMARK_NAMESPACE, MAX_RTT_US, PhysicalEvidence, PhysicalPolicy, round_trip_message,
};
use aigov_types::{Hash, PublicKey};
use std::collections::BTreeSet;

/// Most challenges one block issues (a backlog after a long pause spreads over blocks).
const ISSUED_PER_BLOCK_MAX: u64 = 256;

const ARM: DueKeys = DueKeys {
    count: keys::arm_count,
    at: keys::arm_at,
    cursor: keys::arm_cursor,
    total: keys::arm_total,
};
const DEADLINE: DueKeys = DueKeys {
    count: keys::deadline_count,
    at: keys::deadline_at,
    cursor: keys::deadline_cursor,
    total: keys::deadline_total,
};

/// Challenge `id`.
pub async fn challenge(s: &impl StateRead, id: u64) -> Result<Option<Challenge>, StoreError> {
    get_typed(s, &keys::challenge(id)).await
}

/// Number of challenges (ids run from 1).
pub async fn count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::count()).await?.unwrap_or(0))
}

/// Number of armed hardware.
pub async fn armed_count(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed::<u64>(s, &keys::armed_count())
        .await?
        .unwrap_or(0))
}

/// Adds `hardware` to the armed set (no-op if it is there).
pub(crate) async fn arm<S: StateRead>(
    o: &mut Overlay<'_, S>,
    hardware: u64,
) -> Result<(), StoreError> {
    if get_typed::<u64>(o, &keys::armed_pos(hardware))
        .await?
        .is_some()
    {
        return Ok(());
    }
    let n = armed_count(o).await?;
    o.put_typed(keys::armed_at(n), &hardware);
    o.put_typed(keys::armed_pos(hardware), &n);
    o.put_typed(keys::armed_count(), &(n + 1));
    Ok(())
}

/// Removes `hardware` from the armed set (no-op if absent): the last entry takes its place.
async fn disarm<S: StateRead>(o: &mut Overlay<'_, S>, hardware: u64) -> Result<(), StoreError> {
    let Some(pos) = get_typed::<u64>(o, &keys::armed_pos(hardware)).await? else {
        return Ok(());
    };
    let n = armed_count(o).await?;
    let last = n.saturating_sub(1);
    if pos != last
        && let Some(moved) = get_typed::<u64>(o, &keys::armed_at(last)).await?
    {
        o.put_typed(keys::armed_at(pos), &moved);
        o.put_typed(keys::armed_pos(moved), &pos);
    }
    o.delete(keys::armed_at(last));
    o.delete(keys::armed_pos(hardware));
    o.put_typed(keys::armed_count(), &last);
    Ok(())
}

/// Whether `h` can be challenged: Active, bound to a template, no challenge open.
fn challengeable(h: &Hardware) -> bool {
    h.status == HardwareStatus::Active && h.template != 0 && h.challenge == 0
}

/// `hardware.answer_challenge`.
pub(crate) async fn answer<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &AnswerChallenge,
) -> Result<(), CallError> {
    let now = cx.block.time_ms;
    let height = cx.block.height;
    let o = &mut cx.overlay;
    let id = hardware::by_device(o, sender)
        .await?
        .ok_or(IntegrityError::NotADevice)?;
    let mut c = challenge(o, call.challenge)
        .await?
        .ok_or(IntegrityError::UnknownChallenge(call.challenge))?;
    if c.hardware != id {
        return Err(IntegrityError::OtherHardware {
            challenge: c.id,
            hardware: c.hardware,
        }
        .into());
    }
    if c.status != ChallengeStatus::Open {
        return Err(IntegrityError::Closed {
            challenge: c.id,
            status: c.status,
        }
        .into());
    }
    if now > c.deadline_ms {
        return Err(IntegrityError::Expired {
            challenge: c.id,
            deadline_ms: c.deadline_ms,
        }
        .into());
    }
    let mut h = hardware::get(o, id).await?;
    let template = templates::template(o, c.template).await?;
    c.closed_height = height;
    c.evidence_digest = evidence_digest(&call.evidence);
    let verdict = match template.as_ref().and_then(|t| t.reference.as_ref()) {
        Some(r) => verify(&h.device_key, &c.nonce, r, &call.evidence, now),
        None => Err(format!("template {} has no reference values", c.template)),
    };
    let verdict = match (verdict, template.and_then(|t| t.physical)) {
        (Ok(()), Some(policy)) => {
            let seals = match h.last_inspection {
                Some(i) => hardware::inspection(o, i)
                    .await?
                    .filter(|i| i.report.result == InspectionResult::Pass)
                    .map(|i| i.report.seals),
                None => None,
            };
            verify_physical(
                &policy,
                &h.device_key,
                &c.nonce,
                seals.as_ref(),
                &call.physical,
            )
        }
        (verdict, _) => verdict,
    };
    h.challenge = 0;
    match verdict {
        Ok(()) => {
            c.status = ChallengeStatus::Passed;
            close(o, &mut cx.events, &c);
            let p = hardware::params(o).await?;
            schedule(
                o,
                &ARM,
                h.id,
                now.saturating_add(p.integrity.interval_ms),
                now,
            )
            .await?;
            hardware::put(o, &h);
        }
        Err(why) => {
            c.status = ChallengeStatus::Failed;
            c.reason = reason(&why);
            fail(o, &mut cx.events, &mut h, &c, height).await?;
        }
    }
    Ok(())
}

/// Records a closed challenge and its event.
fn close<S: StateRead>(o: &mut Overlay<'_, S>, events: &mut Vec<Event>, c: &Challenge) {
    o.put_typed(keys::challenge(c.id), c);
    events.push(Event::ChallengeClosed(ChallengeClosed {
        challenge: c.id,
        hardware: c.hardware,
        status: c.status,
        evidence_digest: c.evidence_digest,
        reason: c.reason.clone(),
    }));
}

/// A failed or missed challenge: suspends the hardware, or revokes it at the failure limit.
async fn fail<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    h: &mut Hardware,
    c: &Challenge,
    height: u64,
) -> Result<(), StoreError> {
    close(o, events, c);
    let p = hardware::params(o).await?;
    h.challenge = 0;
    h.integrity_failures = h.integrity_failures.saturating_add(1);
    let (to, why) = if h.integrity_failures >= p.integrity.failures_to_revoke {
        (HardwareStatus::Revoked, "integrity_failures")
    } else {
        (HardwareStatus::Suspended, "integrity_challenge_failed")
    };
    if h.status != HardwareStatus::Revoked {
        hardware::set_status(o, events, h, to, why, height).await?;
    }
    hardware::put(o, h);
    Ok(())
}

fn reason(s: &str) -> BoundedString<256> {
    BoundedString::new(s.chars().take(256).collect::<String>()).unwrap_or_default()
}

/// The digest logged for evidence: [aigov_attest::Evidence::digest] for vendor evidence.
pub(crate) fn evidence_digest(e: &ChallengeEvidence) -> Hash {
    match to_attest_evidence(e) {
        Some(v) => Hash(v.digest()),
        None => Hash::digest(&[
            b"aigov/device-evidence/v1",
            &aigov_types::codec::Encode::encode(e),
        ]),
    }
}

/// Verifies `evidence` for a challenge with `nonce` against `reference` at block time
/// `now_ms`. Pure: every validator reaches the same verdict.
pub fn verify(
    device: &PublicKey,
    nonce: &Hash,
    reference: &HardwareReference,
    evidence: &ChallengeEvidence,
    now_ms: u64,
) -> Result<(), String> {
    if reference.platform() != evidence.platform() {
        return Err(format!(
            "{} evidence, but the template's reference values are for {}",
            evidence.platform(),
            reference.platform()
        ));
    }
    if let (ChallengeEvidence::DeviceKey(e), HardwareReference::DeviceKey(r)) =
        (evidence, reference)
    {
        let msg = device_evidence_message(nonce, &e.measurement);
        if !device.verify(DEVICE_EVIDENCE_NAMESPACE, &msg, &e.signature) {
            return Err(
                "the device key's signature over the nonce and measurement does not verify".into(),
            );
        }
        return match allow::<32>("measurement", &r.measurements)? {
            AllowList::Any => Ok(()),
            AllowList::OneOf(v) if v.contains(&e.measurement.0) => Ok(()),
            AllowList::OneOf(_) => Err(format!(
                "measurement {} is not among the template's reference values",
                e.measurement
            )),
        };
    }
    let reference = to_attest_reference(reference)?;
    let evidence = to_attest_evidence(evidence).ok_or("evidence of no vendor platform")?;
    aigov_attest::verify(
        &evidence,
        &reference,
        &Freshness::Nonce(nonce.0),
        now_ms / 1000,
    )
    .map(|_| ())
    .map_err(|e| e.to_string())
}

/// Verifies the physical part of an answer (seal state, landmarks' round trips) for a
/// challenge with `nonce` against the template's `policy`. `inspected` holds the seals of the
/// hardware's last inspection if it passed. Pure, integer-only: every validator agrees.
pub fn verify_physical(
    policy: &PhysicalPolicy,
    device: &PublicKey,
    nonce: &Hash,
    inspected: Option<&BoundedVec<BoundedString<64>, SEALS_MAX>>,
    evidence: &PhysicalEvidence,
) -> Result<(), String> {
    if policy.seals {
        let Some(inspected) = inspected else {
            return Err("no passing inspection has recorded this hardware's seals".into());
        };
        let reported: BTreeSet<&str> = evidence.seals.iter().map(|s| s.as_str()).collect();
        let recorded: BTreeSet<&str> = inspected.iter().map(|s| s.as_str()).collect();
        if let Some(s) = recorded.difference(&reported).next() {
            return Err(format!("seal {s} is not reported intact"));
        }
        if let Some(s) = reported.difference(&recorded).next() {
            return Err(format!("seal {s} is not one the last inspection recorded"));
        }
    }
    let Some(region) = &policy.region else {
        return Ok(());
    };
    let mut landmarks = Vec::with_capacity(evidence.round_trips.len());
    let mut trips = Vec::with_capacity(evidence.round_trips.len());
    for rt in evidence.round_trips.iter() {
        let Some(l) = policy.landmark(&rt.landmark) else {
            return Err(format!(
                "landmark {} is not listed by the template",
                rt.landmark
            ));
        };
        let name = l.name.as_str();
        if trips
            .iter()
            .any(|t: &location::RoundTrip| t.landmark == name)
        {
            return Err(format!("landmark {name} measured twice"));
        }
        if rt.rtt_us > MAX_RTT_US {
            return Err(format!(
                "landmark {name}'s round trip of {} µs is too long",
                rt.rtt_us
            ));
        }
        let msg = round_trip_message(nonce, device, rt.rtt_us);
        if !rt.landmark.verify(LANDMARK_NAMESPACE, &msg, &rt.signature) {
            return Err(format!("landmark {name}'s signature does not verify"));
        }
        landmarks.push(location::Landmark {
            name: name.to_string(),
            at: coordinate(l.at),
        });
        trips.push(location::RoundTrip {
            landmark: name.to_string(),
            rtt_us: rt.rtt_us,
        });
    }
    if trips.len() < usize::from(policy.min_landmarks) {
        return Err(format!(
            "{} landmark(s) vouch for the location; the template asks {}",
            trips.len(),
            policy.min_landmarks
        ));
    }
    let region = location::Region {
        centre: coordinate(region.centre),
        radius_m: region.radius_m,
    };
    location::proves_within(&region, &landmarks, &trips)
        .map(|_| ())
        .map_err(|e| format!("location: {e}"))
}

fn coordinate(p: GeoPoint) -> location::Coordinate {
    location::Coordinate {
        lat_udeg: p.lat_udeg,
        lon_udeg: p.lon_udeg,
    }
}

fn allow<const N: usize>(name: &str, a: &Allow) -> Result<AllowList<[u8; N]>, String> {
    if a.any {
        return Ok(AllowList::Any);
    }
    a.values
        .iter()
        .map(|v| {
            <[u8; N]>::try_from(v.as_slice())
                .map_err(|_| format!("{name}: a reference value is not {N} bytes"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(AllowList::OneOf)
}

fn tcb(s: &IntelTcbStatus) -> aigov_attest::TcbStatus {
    use aigov_attest::TcbStatus as T;
    match s {
        IntelTcbStatus::UpToDate => T::UpToDate,
        IntelTcbStatus::ConfigurationNeeded => T::ConfigurationNeeded,
        IntelTcbStatus::SwHardeningNeeded => T::SwHardeningNeeded,
        IntelTcbStatus::ConfigurationAndSwHardeningNeeded => T::ConfigurationAndSwHardeningNeeded,
        IntelTcbStatus::OutOfDate => T::OutOfDate,
        IntelTcbStatus::OutOfDateConfigurationNeeded => T::OutOfDateConfigurationNeeded,
        IntelTcbStatus::TdRelaunchAdvised => T::TdRelaunchAdvised,
        IntelTcbStatus::TdRelaunchAdvisedConfigurationNeeded => {
            T::TdRelaunchAdvisedConfigurationNeeded
        }
    }
}

/// The on-chain reference values in `aigov-attest`'s terms.
fn to_attest_reference(r: &HardwareReference) -> Result<ReferenceValues, String> {
    Ok(match r {
        HardwareReference::Tdx(r) => ReferenceValues::Tdx(aigov_attest::TdxReference {
            allowed_tcb_statuses: r.allowed_tcb.iter().map(tcb).collect(),
            mrtd: allow("mrtd", &r.mrtd)?,
            rtmr0: allow("rtmr0", &r.rtmr0)?,
            rtmr1: allow("rtmr1", &r.rtmr1)?,
            rtmr2: allow("rtmr2", &r.rtmr2)?,
            rtmr3: allow("rtmr3", &r.rtmr3)?,
        }),
        HardwareReference::Sgx(r) => ReferenceValues::Sgx(aigov_attest::SgxReference {
            allowed_tcb_statuses: r.allowed_tcb.iter().map(tcb).collect(),
            mrenclave: allow("mrenclave", &r.mrenclave)?,
            mrsigner: allow("mrsigner", &r.mrsigner)?,
            isv_prod_id: r.isv_prod_id,
            min_isv_svn: r.min_isv_svn,
        }),
        HardwareReference::SevSnp(r) => ReferenceValues::SevSnp(aigov_attest::SnpReference {
            measurement: allow("measurement", &r.measurement)?,
            min_tcb: aigov_attest::SnpTcb {
                bootloader: r.min_bootloader,
                tee: r.min_tee,
                snp: r.min_snp,
                microcode: r.min_microcode,
                fmc: r.min_fmc,
            },
            min_guest_svn: r.min_guest_svn,
            vmpl: r.vmpl,
            allow_debug: r.allow_debug,
            allow_migration_agent: r.allow_migration_agent,
        }),
        HardwareReference::NvidiaSpdm(r) => {
            ReferenceValues::NvidiaSpdm(aigov_attest::NvidiaReference {
                measurements: r
                    .measurements
                    .iter()
                    .map(|m| aigov_attest::NvidiaMeasurementReference {
                        index: m.index,
                        allowed: m.allowed.iter().map(|v| v.as_slice().to_vec()).collect(),
                    })
                    .collect(),
            })
        }
        HardwareReference::DeviceKey(_) => {
            return Err("device-key reference values have no vendor evidence".into());
        }
    })
}

/// Vendor evidence in `aigov-attest`'s terms (`None` for a device-key answer).
fn to_attest_evidence(e: &ChallengeEvidence) -> Option<Evidence> {
    Some(match e {
        ChallengeEvidence::Tdx(q) => Evidence::TdxQuote {
            quote: q.quote.as_slice().to_vec(),
            collateral: q.collateral.as_slice().to_vec(),
        },
        ChallengeEvidence::Sgx(q) => Evidence::SgxQuote {
            quote: q.quote.as_slice().to_vec(),
            collateral: q.collateral.as_slice().to_vec(),
        },
        ChallengeEvidence::SevSnp(s) => Evidence::SevSnp {
            report: s.report.as_slice().to_vec(),
            vcek_der: s.vcek.as_slice().to_vec(),
        },
        ChallengeEvidence::NvidiaSpdm(n) => Evidence::NvidiaSpdm {
            report: n.report.as_slice().to_vec(),
            cert_chain: n.cert_chain.as_slice().to_vec(),
        },
        ChallengeEvidence::DeviceKey(_) => return None,
    })
}

/// Draws a number below `n` (> 0) from the block randomness, for draw `what`/`j`.
fn draw(randomness: &Hash, what: &[u8], j: u64, n: u64) -> u64 {
    let h = Hash::digest(&[
        b"aigov/integrity-draw/v1",
        &randomness.0,
        what,
        &j.to_be_bytes(),
    ]);
    let mut b = [0u8; 8];
    b.copy_from_slice(&h.0[..8]);
    u64::from_be_bytes(b) % n
}

/// End of block: marks challenges past their deadline Missed, re-arms hardware whose
/// interval passed, and issues this block's challenges to armed hardware.
pub(crate) async fn end_block<S: StateRead>(
    o: &mut Overlay<'_, S>,
    ctx: BlockContext,
    randomness: &Hash,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    for id in pop_due(o, &DEADLINE, ctx.time_ms).await? {
        let Some(mut c) = challenge(o, id).await? else {
            continue;
        };
        if c.status != ChallengeStatus::Open || c.deadline_ms >= ctx.time_ms {
            continue;
        }
        let Some(mut h) = hardware::hardware(o, c.hardware).await? else {
            continue;
        };
        c.status = ChallengeStatus::Missed;
        c.closed_height = ctx.height;
        c.reason = reason("no answer before the deadline");
        fail(o, events, &mut h, &c, ctx.height).await?;
    }
    for id in pop_due(o, &ARM, ctx.time_ms).await? {
        if let Some(h) = hardware::hardware(o, id).await?
            && challengeable(&h)
        {
            arm(o, id).await?;
        }
    }
    issue(o, ctx, randomness, events).await
}

/// Issues this block's challenges: `armed × Δt / mean_wait` of them (the fraction drawn), to
/// positions drawn in the armed set.
async fn issue<S: StateRead>(
    o: &mut Overlay<'_, S>,
    ctx: BlockContext,
    randomness: &Hash,
    events: &mut Vec<Event>,
) -> Result<(), StoreError> {
    let armed = armed_count(o).await?;
    if armed == 0 {
        return Ok(());
    }
    let p = hardware::params(o).await?.integrity;
    let dt = ctx.time_ms.saturating_sub(chain::time_ms(o).await?);
    let wait = p.mean_wait_ms.max(1);
    let rate = u128::from(armed) * u128::from(dt);
    let mut k = u64::try_from(rate / u128::from(wait)).unwrap_or(u64::MAX);
    let frac = u64::try_from(rate % u128::from(wait)).unwrap_or(0);
    if draw(randomness, b"count", 0, wait) < frac {
        k = k.saturating_add(1);
    }
    let first = count(o).await?;
    let mut next = first;
    for j in 0..k.min(ISSUED_PER_BLOCK_MAX) {
        let n = armed_count(o).await?;
        if n == 0 {
            break;
        }
        let pos = draw(randomness, b"pick", j, n);
        let Some(hw) = get_typed::<u64>(o, &keys::armed_at(pos)).await? else {
            break;
        };
        disarm(o, hw).await?;
        let Some(mut h) = hardware::hardware(o, hw).await? else {
            continue;
        };
        // Armed hardware that left Active (or was re-bound) is dropped; approval re-arms it.
        if !challengeable(&h) {
            continue;
        }
        // Challenges come during runs: idle hardware stays armed for later.
        if h.runs.is_empty() {
            arm(o, hw).await?;
            continue;
        }
        next += 1;
        let c = Challenge {
            id: next,
            hardware: hw,
            nonce: challenge_nonce(randomness, hw, next),
            template: h.template,
            issued_height: ctx.height,
            issued_ms: ctx.time_ms,
            deadline_ms: ctx.time_ms.saturating_add(p.deadline_ms),
            status: ChallengeStatus::Open,
            closed_height: 0,
            evidence_digest: Hash::default(),
            reason: BoundedString::default(),
        };
        o.put_typed(keys::challenge(next), &c);
        schedule(o, &DEADLINE, next, c.deadline_ms, ctx.time_ms).await?;
        h.challenge = next;
        hardware::put(o, &h);
        events.push(Event::ChallengeIssued(ChallengeIssued {
            challenge: next,
            hardware: hw,
            nonce: c.nonce,
            deadline_ms: c.deadline_ms,
        }));
    }
    if next != first {
        o.put_typed(keys::count(), &next);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The verification every validator runs on an answer, with the vendors' real samples
    //! (`crates/attest/tests/fixtures`) in the chain's own encoding.
    use super::*;
    use aigov_types::codec::{BoundedBytes, BoundedVec};
    use aigov_types::integrity::{
        NvidiaIndex, NvidiaReference, QuoteEvidence, SnpEvidence, SnpReference, SpdmEvidence,
        TdxReference,
    };

    /// 2025-07-01, inside the samples' certificate and collateral windows (ms).
    const NOW_MS: u64 = 1_751_328_000_000;
    const NVIDIA_NONCE: &str = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../attest/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }
    fn hex_fixture(name: &str) -> Vec<u8> {
        hex::decode(String::from_utf8(fixture(name)).unwrap().trim()).unwrap()
    }
    fn bytes<const N: usize>(v: Vec<u8>) -> BoundedBytes<N> {
        BoundedBytes::new(v).unwrap()
    }
    fn one(hex_value: &str) -> Allow {
        Allow {
            any: false,
            values: BoundedVec::new(vec![bytes(hex::decode(hex_value).unwrap())]).unwrap(),
        }
    }
    fn nvidia_evidence() -> ChallengeEvidence {
        ChallengeEvidence::NvidiaSpdm(SpdmEvidence {
            report: bytes(hex_fixture("hopperAttestationReport.txt")),
            cert_chain: bytes(fixture("hopperCertChain.txt")),
        })
    }
    fn nvidia_reference() -> HardwareReference {
        let m = |index, v: &str| NvidiaIndex {
            index,
            allowed: BoundedVec::new(vec![bytes(hex::decode(v).unwrap())]).unwrap(),
        };
        HardwareReference::NvidiaSpdm(NvidiaReference {
            measurements: BoundedVec::new(vec![
                m(2, "8048dfd18fe229bf16eb9d30cca0f11a24dafe6eb731de1462984645a0b189b77c4e4e17de727a5e19e3d07de51da338"),
                m(3, "164f445c3e282ca8e4ab07c2179b8e02c8e3a2ceb83f9fae8dddaee70aa57207d87792d1481b46c02f9dba6e1fe1e77e"),
            ])
            .unwrap(),
        })
    }
    fn device() -> PublicKey {
        aigov_types::PrivateKey::from_seed_bytes([1; 32]).public_key()
    }

    #[test]
    fn real_nvidia_evidence_answers_a_challenge_with_its_nonce_and_fails_otherwise() {
        let nonce = Hash::from_hex(NVIDIA_NONCE).unwrap();
        let (r, e) = (nvidia_reference(), nvidia_evidence());
        verify(&device(), &nonce, &r, &e, NOW_MS).unwrap();
        // Deterministic: the same verdict every time.
        assert_eq!(
            verify(&device(), &nonce, &r, &e, NOW_MS),
            verify(&device(), &nonce, &r, &e, NOW_MS)
        );
        // Another challenge's nonce: the evidence is stale.
        let other = Hash::digest(&[b"another challenge"]);
        let err = verify(&device(), &other, &r, &e, NOW_MS).unwrap_err();
        assert!(err.to_lowercase().contains("nonce"), "{err}");
        // A flipped byte in the measurements breaks the signature.
        let ChallengeEvidence::NvidiaSpdm(s) = &e else {
            unreachable!()
        };
        let mut report = s.report.as_slice().to_vec();
        let at = report.len() - 200;
        report[at] ^= 1;
        let tampered = ChallengeEvidence::NvidiaSpdm(SpdmEvidence {
            report: bytes(report),
            cert_chain: s.cert_chain.clone(),
        });
        assert!(verify(&device(), &nonce, &r, &tampered, NOW_MS).is_err());
        // Outside the certificates' validity (year 2000: before they were issued).
        assert!(verify(&device(), &nonce, &r, &e, 946_684_800_000).is_err());
        // Evidence of another platform than the template's.
        let dk = HardwareReference::DeviceKey(aigov_types::integrity::DeviceKeyReference {
            measurements: Allow {
                any: true,
                values: BoundedVec::default(),
            },
        });
        let err = verify(&device(), &nonce, &dk, &e, NOW_MS).unwrap_err();
        assert!(err.contains("nvidia_spdm evidence"), "{err}");
    }

    #[test]
    fn real_tdx_and_snp_evidence_verify_up_to_the_nonce_binding() {
        // The samples' report data was fixed when they were made, so no chain nonce matches:
        // the verdict must come from the binding check, after the certificate chains,
        // signatures and TCB passed.
        let nonce = Hash::digest(&[b"chain challenge"]);
        let tdx = ChallengeEvidence::Tdx(QuoteEvidence {
            quote: bytes(fixture("tdx_quote")),
            collateral: bytes(fixture("tdx_quote_collateral.json")),
        });
        let any = Allow {
            any: true,
            values: BoundedVec::default(),
        };
        let tdx_ref = HardwareReference::Tdx(TdxReference {
            allowed_tcb: BoundedVec::new(vec![IntelTcbStatus::UpToDate]).unwrap(),
            mrtd: any.clone(),
            rtmr0: any.clone(),
            rtmr1: any.clone(),
            rtmr2: any.clone(),
            rtmr3: any.clone(),
        });
        let err = verify(&device(), &nonce, &tdx_ref, &tdx, NOW_MS).unwrap_err();
        assert!(err.to_lowercase().contains("report data"), "{err}");
        let snp = ChallengeEvidence::SevSnp(SnpEvidence {
            report: bytes(hex_fixture("report_milan.hex")),
            vcek: bytes(fixture("vcek_milan.der")),
        });
        let snp_ref = HardwareReference::SevSnp(SnpReference {
            measurement: one(
                "7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9c480cd81841f",
            ),
            min_bootloader: 0,
            min_tee: 0,
            min_snp: 0,
            min_microcode: 0,
            min_fmc: None,
            min_guest_svn: 0,
            vmpl: None,
            allow_debug: false,
            allow_migration_agent: false,
        });
        let err = verify(&device(), &nonce, &snp_ref, &snp, NOW_MS).unwrap_err();
        assert!(err.to_lowercase().contains("report data"), "{err}");
    }
}

#[cfg(test)]
mod physical_tests {
    //! The seal and location checks of an answer: every way to fail, and what passes.
    use super::*;
    use aigov_types::PrivateKey;
    use aigov_types::physical::{GeoRegion, Landmark, RoundTrip};

    // Frankfurt, and Paris about 480 km away.
    const FRANKFURT: GeoPoint = GeoPoint {
        lat_udeg: 50_110_922,
        lon_udeg: 8_682_127,
    };
    const PARIS: GeoPoint = GeoPoint {
        lat_udeg: 48_856_613,
        lon_udeg: 2_352_222,
    };

    fn key(seed: u8) -> PrivateKey {
        PrivateKey::from_seed_bytes([seed; 32])
    }
    fn text(s: &str) -> BoundedString<64> {
        BoundedString::new(s.to_string()).unwrap()
    }
    fn policy() -> PhysicalPolicy {
        let landmark = |name: &str, seed, at| Landmark {
            name: text(name),
            key: key(seed).public_key(),
            at,
        };
        PhysicalPolicy {
            seals: true,
            region: Some(GeoRegion {
                centre: FRANKFURT,
                radius_m: 100_000,
            }),
            landmarks: BoundedVec::new(vec![
                landmark("frankfurt", 10, FRANKFURT),
                landmark("paris", 11, PARIS),
            ])
            .unwrap(),
            min_landmarks: 2,
        }
    }
    fn nonce() -> Hash {
        Hash([7; 32])
    }
    fn device() -> PrivateKey {
        key(1)
    }
    /// Landmark `seed`'s signed round trip of `rtt_us` to `device` for `nonce`.
    fn trip(seed: u8, rtt_us: u64, nonce: &Hash, device: &PublicKey) -> RoundTrip {
        RoundTrip {
            landmark: key(seed).public_key(),
            rtt_us,
            signature: key(seed).sign(
                LANDMARK_NAMESPACE,
                &round_trip_message(nonce, device, rtt_us),
            ),
        }
    }
    fn seals(ids: &[&str]) -> BoundedVec<BoundedString<64>, SEALS_MAX> {
        BoundedVec::new(ids.iter().map(|s| text(s)).collect()).unwrap()
    }
    fn evidence(s: &[&str], trips: Vec<RoundTrip>) -> PhysicalEvidence {
        PhysicalEvidence {
            seals: seals(s),
            round_trips: BoundedVec::new(trips).unwrap(),
        }
    }
    /// 0.5 ms from Frankfurt (≤ 50 km), 5 ms from Paris (≤ 500 km): inside the region.
    fn good_trips() -> Vec<RoundTrip> {
        let d = device().public_key();
        vec![trip(10, 500, &nonce(), &d), trip(11, 5_000, &nonce(), &d)]
    }
    fn check(e: &PhysicalEvidence) -> Result<(), String> {
        let inspected = seals(&["S-1", "S-2"]);
        verify_physical(
            &policy(),
            &device().public_key(),
            &nonce(),
            Some(&inspected),
            e,
        )
    }
    fn fails_with(e: &PhysicalEvidence, why: &str) {
        let err = check(e).unwrap_err();
        assert!(err.contains(why), "{err:?} lacks {why:?}");
    }

    #[test]
    fn intact_seals_and_round_trips_within_the_region_pass() {
        check(&evidence(&["S-2", "S-1"], good_trips())).unwrap();
        // A seals-only policy ignores round trips; a location-only one ignores seals.
        let mut p = policy();
        p.region = None;
        p.landmarks = BoundedVec::default();
        p.min_landmarks = 0;
        let inspected = seals(&["S-1"]);
        let d = device().public_key();
        verify_physical(
            &p,
            &d,
            &nonce(),
            Some(&inspected),
            &evidence(&["S-1"], vec![]),
        )
        .unwrap();
        let mut p = policy();
        p.seals = false;
        verify_physical(&p, &d, &nonce(), None, &evidence(&[], good_trips())).unwrap();
    }

    #[test]
    fn a_broken_extra_or_unrecorded_seal_fails() {
        fails_with(
            &evidence(&["S-1"], good_trips()),
            "seal S-2 is not reported intact",
        );
        fails_with(
            &evidence(&["S-1", "S-2", "S-9"], good_trips()),
            "seal S-9 is not one the last inspection recorded",
        );
        let d = device().public_key();
        let err = verify_physical(
            &policy(),
            &d,
            &nonce(),
            None,
            &evidence(&["S-1"], good_trips()),
        )
        .unwrap_err();
        assert!(err.contains("no passing inspection"), "{err}");
    }

    #[test]
    fn forged_foreign_replayed_or_missing_round_trips_fail() {
        let d = device().public_key();
        let s = ["S-1", "S-2"];
        // A landmark the template does not list.
        let mut trips = good_trips();
        trips[1] = trip(12, 5_000, &nonce(), &d);
        fails_with(&evidence(&s, trips), "not listed");
        // The same landmark twice.
        let trips = vec![trip(10, 500, &nonce(), &d), trip(10, 600, &nonce(), &d)];
        fails_with(&evidence(&s, trips), "measured twice");
        // A time edited after signing.
        let mut trips = good_trips();
        trips[0].rtt_us = 100;
        fails_with(&evidence(&s, trips), "signature does not verify");
        // Measured for another challenge (replayed), or for another device.
        let mut trips = good_trips();
        trips[0] = trip(10, 500, &Hash([8; 32]), &d);
        fails_with(
            &evidence(&s, trips),
            "frankfurt's signature does not verify",
        );
        let mut trips = good_trips();
        trips[0] = trip(10, 500, &nonce(), &key(2).public_key());
        fails_with(&evidence(&s, trips), "signature does not verify");
        // Too long to mean anything.
        let mut trips = good_trips();
        trips[1] = trip(11, MAX_RTT_US + 1, &nonce(), &d);
        fails_with(&evidence(&s, trips), "too long");
        // Fewer landmarks than the template asks.
        fails_with(
            &evidence(&s, good_trips()[..1].to_vec()),
            "1 landmark(s) vouch",
        );
        fails_with(&evidence(&s, vec![]), "0 landmark(s) vouch");
    }

    #[test]
    fn round_trips_that_contradict_or_do_not_prove_the_region_fail() {
        let d = device().public_key();
        let s = ["S-1", "S-2"];
        // 1 ms from Paris (≤ 100 km from Paris) cannot be within 100 km of Frankfurt.
        let trips = vec![trip(10, 500, &nonce(), &d), trip(11, 1_000, &nonce(), &d)];
        fails_with(&evidence(&s, trips), "location: landmark \"paris\" is");
        // 2 ms from Frankfurt (≤ 200 km) and 5 ms from Paris: consistent, but nothing puts
        // the device inside a 100 km region. Adding delay cannot help a device.
        let trips = vec![trip(10, 2_000, &nonce(), &d), trip(11, 5_000, &nonce(), &d)];
        fails_with(
            &evidence(&s, trips),
            "location: no landmark's bound lies inside",
        );
    }
}
