//! One device's loop. Each [Device::tick] does, in order:
//!
//! 1. **fetch**: poll the node for the device's permits (an unproven listing: it only says
//!    what to ask a proof for) and notice a revocation of the permit in use;
//! 2. **verify**: with no permit in use, fetch the lowest-`seq` new permit with its proof and
//!    check it offline ([Verifier::check]); accept it (persisting its `seq` first) or refuse it;
//! 3. **compute**: the workload gets units only from the accepted permit's [Meter], at the
//!    configured rate, until its ration is spent, it expires or it is revoked;
//! 4. **report**: send `otk.report_usage` signed by the device key (used units and telemetry
//!    of the permit's phase), after which the chain drips the next permit.
//!
//! The device never computes without an accepted, unexpired permit: with none, the tick
//! reports [AgentEvent::Waiting] and grants nothing.

use crate::AgentError;
use crate::meter::{Meter, StopReason, telemetry_for};
use crate::permit::{Refusal, Verifier};
use crate::state::{InUse, StateFile};
use aigov_client::{Client, ProofError};
use aigov_types::PrivateKey;
use aigov_types::api::TxStatus;
use aigov_types::call::Call;
use aigov_types::codec::{Hash, Slug};
use aigov_types::otk::{OtkCall, OtkPermit, PermitStatus, ReportUsage};
use aigov_types::receipt::TxOutcome;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Gas limit of a usage report (it costs a few thousand gas).
pub const DEFAULT_GAS_LIMIT: u64 = 100_000;

/// How a device runs.
#[derive(Clone, Debug)]
pub struct DeviceConfig {
    /// Compute units the modelled workload consumes per second.
    pub rate: u64,
    /// Shortest interval between two polls of the node for permits, ms.
    pub poll_interval_ms: u64,
    /// Gas limit of each usage report.
    pub gas_limit: u64,
    /// How long to wait for a usage report to be finalized.
    pub report_timeout: Duration,
    /// Where the device's state is kept (`None`: in memory only; a restart forgets the last
    /// seq, so use a file outside tests).
    pub state_path: Option<PathBuf>,
    /// How many of its latest permits to ask the node for.
    pub listing_limit: u64,
    /// How it answers integrity challenges.
    pub attestation: crate::Attestation,
    /// Landmarks (`host:port`) asked to time a round trip for each challenge answer, as the
    /// Hardware template's location policy needs.
    pub landmarks: Vec<String>,
    /// Ids of the seals the device reads as intact, reported with each answer.
    pub seals: Vec<String>,
}

impl Default for DeviceConfig {
    fn default() -> Self {
        Self {
            rate: 1_000,
            poll_interval_ms: 500,
            gas_limit: DEFAULT_GAS_LIMIT,
            report_timeout: Duration::from_secs(20),
            state_path: None,
            listing_limit: 16,
            attestation: crate::Attestation::None,
            landmarks: Vec::new(),
            seals: Vec::new(),
        }
    }
}

/// What happened during a tick, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgentEvent {
    /// No accepted permit: the workload is not computing.
    Waiting,
    /// A permit was verified offline and accepted.
    Accepted {
        /// The permit.
        permit: Box<OtkPermit>,
        /// The height of the block its proof is against.
        proof_height: u64,
    },
    /// A permit was refused; the workload does not compute with it.
    Refused {
        /// The permit asked for.
        otk_id: u64,
        /// Why.
        refusal: Refusal,
    },
    /// Units computed under the permit in use.
    Computed {
        /// The permit.
        otk_id: u64,
        /// Units granted in this tick.
        units: u64,
    },
    /// The device stopped computing with a permit.
    Stopped {
        /// The permit.
        otk_id: u64,
        /// Units used in all.
        used: u64,
        /// Why.
        reason: StopReason,
    },
    /// A usage report was finalized.
    Reported {
        /// The permit.
        otk_id: u64,
        /// Units reported used.
        used: u64,
        /// The transaction.
        tx: Hash,
    },
    /// A proven permit of this device that it cannot use (expired unused, or revoked before
    /// use) was reported with 0 units, returning its ration to the budgets.
    Released {
        /// The permit.
        otk_id: u64,
        /// The transaction.
        tx: Hash,
    },
    /// An integrity challenge to this device's hardware was answered; the chain's verdict.
    ChallengeAnswered {
        /// The challenge.
        challenge: u64,
        /// Passed or Failed.
        status: aigov_types::integrity::ChallengeStatus,
        /// Why it failed (empty if it passed).
        reason: String,
    },
    /// An integrity challenge is open and the device cannot answer it (no attestation
    /// configured, or the evidence could not be produced): it fails at its deadline.
    ChallengeUnanswered {
        /// The challenge.
        challenge: u64,
        /// Why.
        reason: String,
    },
    /// The node could not be reached or refused a request; the tick is retried later.
    NodeError(String),
}

impl std::fmt::Display for AgentEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AgentEvent::Waiting => write!(f, "waiting for a permit (not computing)"),
            AgentEvent::Accepted {
                permit: p,
                proof_height,
            } => write!(
                f,
                "accepted permit {} seq {}: {} units of {} for run {} (proven at height {proof_height}, expires at {} ms)",
                p.otk_id,
                p.seq,
                p.ration,
                p.phase.name(),
                p.run,
                p.expiry_ms
            ),
            AgentEvent::Refused { otk_id, refusal } => {
                write!(f, "refused permit {otk_id}: {refusal}")
            }
            AgentEvent::Computed { otk_id, units } => {
                write!(f, "computed {units} units under permit {otk_id}")
            }
            AgentEvent::Stopped {
                otk_id,
                used,
                reason,
            } => write!(
                f,
                "stopped computing under permit {otk_id}: {} ({used} units used)",
                reason.name()
            ),
            AgentEvent::Reported { otk_id, used, tx } => {
                write!(f, "reported {used} units used of permit {otk_id} (tx {tx})")
            }
            AgentEvent::Released { otk_id, tx } => write!(
                f,
                "reported permit {otk_id} unused, returning its ration (tx {tx})"
            ),
            AgentEvent::ChallengeAnswered {
                challenge,
                status,
                reason,
            } => {
                write!(f, "answered integrity challenge {challenge}: {status:?}")?;
                if !reason.is_empty() {
                    write!(f, " ({reason})")?;
                }
                Ok(())
            }
            AgentEvent::ChallengeUnanswered { challenge, reason } => write!(
                f,
                "cannot answer integrity challenge {challenge} (it will fail at its deadline): {reason}"
            ),
            AgentEvent::NodeError(e) => write!(f, "node error (will retry): {e}"),
        }
    }
}

/// Running totals of one device (or, summed, of many).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Permits verified and accepted.
    pub accepted: u64,
    /// Permits refused.
    pub refused: u64,
    /// Compute units consumed.
    pub units: u64,
    /// Usage reports of computed permits finalized.
    pub reports: u64,
    /// Unusable permits reported unused.
    pub released: u64,
    /// Node errors met.
    pub node_errors: u64,
    /// Integrity challenges answered and passed.
    pub challenges_passed: u64,
    /// Integrity challenges failed or left unanswered.
    pub challenges_failed: u64,
}

impl Stats {
    /// Counts one event.
    pub fn count(&mut self, e: &AgentEvent) {
        match e {
            AgentEvent::Accepted { .. } => self.accepted += 1,
            AgentEvent::Refused { .. } => self.refused += 1,
            AgentEvent::Computed { units, .. } => self.units += units,
            AgentEvent::Reported { .. } => self.reports += 1,
            AgentEvent::Released { .. } => self.released += 1,
            AgentEvent::NodeError(_) => self.node_errors += 1,
            AgentEvent::ChallengeAnswered { status, .. } => {
                if *status == aigov_types::integrity::ChallengeStatus::Passed {
                    self.challenges_passed += 1;
                } else {
                    self.challenges_failed += 1;
                }
            }
            AgentEvent::ChallengeUnanswered { .. } => self.challenges_failed += 1,
            AgentEvent::Waiting | AgentEvent::Stopped { .. } => {}
        }
    }

    /// Adds another device's totals.
    pub fn add(&mut self, o: &Stats) {
        self.accepted += o.accepted;
        self.refused += o.refused;
        self.units += o.units;
        self.reports += o.reports;
        self.released += o.released;
        self.node_errors += o.node_errors;
        self.challenges_passed += o.challenges_passed;
        self.challenges_failed += o.challenges_failed;
    }
}

/// A usage report waiting to be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PendingReport {
    otk_id: u64,
    /// A permit the device computed with (not one it releases unused).
    computed: bool,
    used: u64,
    call: ReportUsage,
}

/// The device clock: ms since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// One hardware device: its key, its trust anchor, its state and the permit it computes with.
pub struct Device {
    client: Client,
    key: PrivateKey,
    verifier: Verifier,
    config: DeviceConfig,
    state: StateFile,
    chain_id: Option<Slug>,
    meter: Option<Meter>,
    pending: Option<PendingReport>,
    refused: BTreeSet<u64>,
    last_poll_ms: Option<u64>,
    last_compute_ms: u64,
    /// Thousandths of a unit earned but not yet granted (rates below 1000 units/s).
    carry_milli: u64,
    waiting: bool,
    stats: Stats,
    /// Challenges answered (or given up on), so each is handled once.
    challenges_seen: BTreeSet<u64>,
}

impl Device {
    /// A device using `key`, talking to the node through `client`, trusting `verifier`'s
    /// group key (its `device` must be `key`'s public key). Loads the state file; a permit
    /// left in use by a previous run is reported first (its units used if they were recorded,
    /// else its whole ration: a device never under-reports).
    pub fn new(
        client: Client,
        key: PrivateKey,
        verifier: Verifier,
        config: DeviceConfig,
    ) -> Result<Self, AgentError> {
        if verifier.device != key.public_key() {
            return Err(AgentError::KeyMismatch);
        }
        let state = StateFile::open(config.state_path.clone(), &verifier.device)?;
        let pending = state.get().in_use.as_ref().map(|u| {
            let used = u.used.unwrap_or(u.ration);
            PendingReport {
                otk_id: u.otk_id,
                computed: true,
                used,
                call: ReportUsage {
                    otk_id: u.otk_id,
                    used,
                    stage_done: false,
                    telemetry: None,
                },
            }
        });
        Ok(Self {
            client,
            key,
            verifier,
            config,
            state,
            chain_id: None,
            meter: None,
            pending,
            refused: BTreeSet::new(),
            last_poll_ms: None,
            last_compute_ms: 0,
            carry_milli: 0,
            waiting: false,
            stats: Stats::default(),
            challenges_seen: BTreeSet::new(),
        })
    }

    /// The device's public key.
    pub fn public_key(&self) -> aigov_types::PublicKey {
        self.verifier.device.clone()
    }

    /// Totals so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The last accepted seq (persisted).
    pub fn last_seq(&self) -> Option<u64> {
        self.state.get().last_seq
    }

    /// The permit being computed with, if any.
    pub fn in_use(&self) -> Option<&OtkPermit> {
        self.meter.as_ref().map(Meter::permit)
    }

    /// One step of the loop at device time `now_ms`: fetch, verify, compute, report. Node
    /// errors become [AgentEvent::NodeError] (the next tick retries); only a failure to
    /// persist the state is an error.
    pub fn tick(&mut self, now_ms: u64) -> Result<Vec<AgentEvent>, AgentError> {
        let mut events = Vec::new();
        // 1. Fetch.
        let poll_due = self
            .last_poll_ms
            .is_none_or(|t| now_ms.saturating_sub(t) >= self.config.poll_interval_ms);
        // The listing also carries the device's hardware record, whose open challenge step 5
        // answers: one request per poll serves both.
        let (listing, open_challenge) = if poll_due {
            self.last_poll_ms = Some(now_ms);
            match self
                .client
                .device_permits(&self.verifier.device, self.config.listing_limit)
            {
                Ok(l) => (Some(l.permits), l.hardware.map_or(0, |h| h.challenge)),
                Err(e) => {
                    events.push(AgentEvent::NodeError(e.to_string()));
                    (None, 0)
                }
            }
        } else {
            (None, 0)
        };
        if let (Some(m), Some(permits)) = (self.meter.as_mut(), &listing)
            && permits
                .iter()
                .any(|p| p.otk_id == m.permit().otk_id && p.status == PermitStatus::Revoked)
        {
            m.stop(StopReason::Revoked);
        }
        // 2. Verify.
        if self.meter.is_none()
            && self.pending.is_none()
            && let Some(permits) = &listing
        {
            self.take_next(permits, now_ms, &mut events)?;
        }
        // 3. Compute.
        self.compute(now_ms, &mut events)?;
        // 4. Report.
        self.report(&mut events)?;
        // 5. Answer the chain's integrity challenge to this device's hardware, if one is open.
        if open_challenge != 0 {
            self.answer_challenge(open_challenge, &mut events);
        }
        for e in &events {
            self.stats.count(e);
        }
        Ok(events)
    }

    /// Verifies the permits the listing names, lowest seq first, until one is accepted or a
    /// refusal may resolve later.
    fn take_next(
        &mut self,
        permits: &[OtkPermit],
        now_ms: u64,
        events: &mut Vec<AgentEvent>,
    ) -> Result<(), AgentError> {
        let last = self.state.get().last_seq;
        let mut candidates: Vec<&OtkPermit> = permits
            .iter()
            .filter(|p| {
                p.status != PermitStatus::Reported
                    && last.is_none_or(|s| p.seq > s)
                    && !self.refused.contains(&p.otk_id)
            })
            .collect();
        candidates.sort_by_key(|p| p.seq);
        for c in candidates {
            let proof = match self.client.permit(c.otk_id, true) {
                Ok(r) => r.proof,
                Err(e) => {
                    events.push(AgentEvent::NodeError(e.to_string()));
                    return Ok(());
                }
            };
            let checked = match &proof {
                Some(proof) => self.verifier.check(c.otk_id, proof, now_ms, last),
                None => Err(Refusal::Forged(ProofError::MissingProof)),
            };
            match checked {
                Ok(accepted) => {
                    let p = accepted.permit;
                    // Persisted before the first unit is granted: a restart never accepts
                    // this seq again.
                    self.state.update(|s| {
                        s.last_seq = Some(p.seq);
                        s.in_use = Some(InUse {
                            otk_id: p.otk_id,
                            seq: p.seq,
                            ration: p.ration,
                            used: None,
                        });
                    })?;
                    self.last_compute_ms = now_ms;
                    self.carry_milli = 0;
                    self.waiting = false;
                    events.push(AgentEvent::Accepted {
                        permit: Box::new(p.clone()),
                        proof_height: accepted.height,
                    });
                    self.meter = Some(Meter::new(p));
                    return Ok(());
                }
                Err(refusal) => {
                    let final_ = refusal.is_final();
                    // A proven permit of this device that it can no longer use (expired
                    // unused, or revoked before use): report it unused so its ration returns
                    // to the budgets and the drip goes on.
                    let release = matches!(
                        refusal,
                        Refusal::Expired { .. } | Refusal::NotIssued(PermitStatus::Revoked)
                    );
                    events.push(AgentEvent::Refused {
                        otk_id: c.otk_id,
                        refusal,
                    });
                    if final_ {
                        self.refused.insert(c.otk_id);
                    }
                    if release {
                        self.pending = Some(PendingReport {
                            otk_id: c.otk_id,
                            computed: false,
                            used: 0,
                            call: ReportUsage {
                                otk_id: c.otk_id,
                                used: 0,
                                stage_done: false,
                                telemetry: None,
                            },
                        });
                        return Ok(());
                    }
                    if !final_ {
                        return Ok(());
                    }
                }
            }
        }
        Ok(())
    }

    fn compute(&mut self, now_ms: u64, events: &mut Vec<AgentEvent>) -> Result<(), AgentError> {
        let Some(meter) = self.meter.as_mut() else {
            if self.pending.is_none() && !self.waiting {
                self.waiting = true;
                events.push(AgentEvent::Waiting);
            }
            return Ok(());
        };
        let elapsed = now_ms.saturating_sub(self.last_compute_ms);
        self.last_compute_ms = now_ms;
        let milli =
            u128::from(self.config.rate) * u128::from(elapsed) + u128::from(self.carry_milli);
        let want = u64::try_from(milli / 1_000).unwrap_or(u64::MAX);
        self.carry_milli = (milli % 1_000) as u64;
        let got = meter.grant(want, now_ms);
        let otk_id = meter.permit().otk_id;
        if got > 0 {
            events.push(AgentEvent::Computed { otk_id, units: got });
        }
        if let Some(reason) = meter.stopped() {
            let used = meter.used();
            let call = ReportUsage {
                otk_id,
                used,
                stage_done: false,
                telemetry: telemetry_for(meter.permit().phase, used),
            };
            self.state.update(|s| {
                if let Some(u) = s.in_use.as_mut() {
                    u.used = Some(used);
                }
            })?;
            events.push(AgentEvent::Stopped {
                otk_id,
                used,
                reason,
            });
            self.pending = Some(PendingReport {
                otk_id,
                computed: true,
                used,
                call,
            });
            self.meter = None;
        }
        Ok(())
    }

    fn report(&mut self, events: &mut Vec<AgentEvent>) -> Result<(), AgentError> {
        let Some(p) = self.pending.clone() else {
            return Ok(());
        };
        match self.send(&p) {
            Ok(tx) => {
                self.state.update(|s| {
                    if s.in_use.as_ref().is_some_and(|u| u.otk_id == p.otk_id) {
                        s.in_use = None;
                    }
                })?;
                self.pending = None;
                // Poll again at once: the next permit is already dripped.
                self.last_poll_ms = None;
                events.push(if p.computed {
                    AgentEvent::Reported {
                        otk_id: p.otk_id,
                        used: p.used,
                        tx,
                    }
                } else {
                    AgentEvent::Released {
                        otk_id: p.otk_id,
                        tx,
                    }
                });
            }
            Err(e) => events.push(AgentEvent::NodeError(e)),
        }
        Ok(())
    }

    /// The seals it reports and the landmarks' signed round trips for a challenge with
    /// `nonce`. A landmark that fails is reported and left out: the chain decides whether
    /// the rest suffice.
    fn physical_evidence(
        &self,
        nonce: &aigov_types::Hash,
        events: &mut Vec<AgentEvent>,
    ) -> aigov_types::physical::PhysicalEvidence {
        let seals = self
            .config
            .seals
            .iter()
            .filter_map(|s| aigov_types::BoundedString::new(s.clone()))
            .collect();
        let mut round_trips = Vec::new();
        for addr in &self.config.landmarks {
            match crate::landmark::measure(addr, &self.key, nonce) {
                Ok(rt) => round_trips.push(rt),
                Err(e) => events.push(AgentEvent::NodeError(e.to_string())),
            }
        }
        aigov_types::physical::PhysicalEvidence {
            seals: aigov_types::BoundedVec::truncating(seals),
            round_trips: aigov_types::BoundedVec::truncating(round_trips),
        }
    }

    /// Answers challenge `open`, open on the device's hardware (at most once each).
    fn answer_challenge(&mut self, open: u64, events: &mut Vec<AgentEvent>) {
        use aigov_types::integrity::{AnswerChallenge, ChallengeStatus};
        if !self.challenges_seen.insert(open) {
            return;
        }
        let c = match self.client.challenge(open, false) {
            Ok(r) => match r.value {
                Some(c) if c.status == ChallengeStatus::Open => c,
                _ => return,
            },
            Err(e) => {
                self.challenges_seen.remove(&open);
                return events.push(AgentEvent::NodeError(e.to_string()));
            }
        };
        let evidence = match self.config.attestation.evidence(&self.key, &c.nonce) {
            Ok(e) => e,
            Err(reason) => {
                return events.push(AgentEvent::ChallengeUnanswered {
                    challenge: c.id,
                    reason,
                });
            }
        };
        let physical = self.physical_evidence(&c.nonce, events);
        let call = Call::Hardware(aigov_types::hardware::HardwareCall::AnswerChallenge(
            AnswerChallenge {
                challenge: c.id,
                evidence,
                physical,
            },
        ));
        match self.submit(call) {
            Ok(TxStatus::Finalized { events: log, .. }) => {
                let closed = log.iter().find_map(|e| match &e.event {
                    aigov_types::Event::ChallengeClosed(x) if x.challenge == c.id => Some(x),
                    _ => None,
                });
                events.push(match closed {
                    Some(x) => AgentEvent::ChallengeAnswered {
                        challenge: c.id,
                        status: x.status,
                        reason: x.reason.as_str().to_string(),
                    },
                    None => AgentEvent::NodeError(format!(
                        "the answer to challenge {} has no verdict in its events",
                        c.id
                    )),
                });
            }
            Ok(TxStatus::Failed { receipt, .. }) => {
                let reason = match receipt.outcome {
                    TxOutcome::Failed(f) => format!("{} ({})", f.message.as_str(), f.code.as_str()),
                    TxOutcome::Success(_) => "refused".into(),
                };
                events.push(AgentEvent::ChallengeUnanswered {
                    challenge: c.id,
                    reason,
                });
            }
            Ok(TxStatus::Pending) | Err(_) => {
                // Try again at the next poll, while the deadline allows.
                self.challenges_seen.remove(&c.id);
                events.push(AgentEvent::NodeError(format!(
                    "the answer to challenge {} was not finalized",
                    c.id
                )));
            }
        }
    }

    /// Signs `call` with the device key (its next nonce) and waits for it to be final.
    fn submit(&mut self, call: Call) -> Result<TxStatus, String> {
        let chain_id = match &self.chain_id {
            Some(c) => c.clone(),
            None => {
                let h = self.client.health().map_err(|e| e.to_string())?;
                let c = Slug::new(h.chain_id.as_str())
                    .map_err(|e| format!("the node's chain id {:?}: {e}", h.chain_id))?;
                self.chain_id = Some(c.clone());
                c
            }
        };
        let tx = self
            .client
            .build_tx(&self.key, &chain_id, self.config.gas_limit, call)
            .map_err(|e| e.to_string())?;
        self.client
            .submit_and_wait(&tx, self.config.report_timeout)
            .map_err(|e| e.to_string())
    }

    /// Sends a report and waits for it; a permit reported already counts as reported.
    fn send(&mut self, p: &PendingReport) -> Result<Hash, String> {
        let status = self.submit(Call::Otk(OtkCall::ReportUsage(p.call.clone())))?;
        let hash = match &status {
            TxStatus::Finalized { receipt, .. } | TxStatus::Failed { receipt, .. } => receipt.hash,
            TxStatus::Pending => Hash::default(),
        };
        match status {
            TxStatus::Finalized { .. } => Ok(hash),
            TxStatus::Failed { receipt, .. } => match receipt.outcome {
                TxOutcome::Failed(f) if f.code.as_str() == "permit_already_reported" => Ok(hash),
                TxOutcome::Failed(f) => Err(format!(
                    "usage report of permit {} failed: {} ({})",
                    p.otk_id,
                    f.message.as_str(),
                    f.code.as_str()
                )),
                TxOutcome::Success(_) => Ok(hash),
            },
            TxStatus::Pending => Err(format!(
                "usage report of permit {} is still pending",
                p.otk_id
            )),
        }
    }
}

/// When [run] stops.
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    /// Stop once this many usage reports are finalized (`--once` is 1).
    pub max_reports: Option<u64>,
    /// Stop after this long.
    pub max_duration: Option<Duration>,
    /// Stop once this many integrity challenges were answered (passed or failed).
    pub max_challenges: Option<u64>,
}

/// Ticks `device` every `tick` until `limits` are met (forever if none), passing every event
/// to `on_event`. Returns the device's totals.
pub fn run(
    device: &mut Device,
    tick: Duration,
    limits: Limits,
    mut on_event: impl FnMut(&AgentEvent),
) -> Result<Stats, AgentError> {
    let start = std::time::Instant::now();
    loop {
        for e in device.tick(now_ms())? {
            on_event(&e);
        }
        if limits
            .max_reports
            .is_some_and(|k| device.stats().reports >= k)
            || limits.max_duration.is_some_and(|d| start.elapsed() >= d)
            || limits.max_challenges.is_some_and(|k| {
                let s = device.stats();
                s.challenges_passed + s.challenges_failed >= k
            })
        {
            return Ok(device.stats());
        }
        std::thread::sleep(tick);
    }
}
