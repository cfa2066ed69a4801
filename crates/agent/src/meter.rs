//! The enforcement model: a workload computes only with units granted by a [Meter], and a
//! meter exists only for an accepted permit. It grants at most the permit's ration, nothing
//! at or after its expiry, and nothing once stopped (a revocation).

use aigov_types::model::Phase;
use aigov_types::otk::OtkPermit;
use aigov_types::phase::Telemetry;

/// Why a meter stopped granting units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// The whole ration was used.
    RationSpent,
    /// The permit's window ended.
    Expired,
    /// The chain revoked the permit (a halt).
    Revoked,
}

impl StopReason {
    /// A short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            StopReason::RationSpent => "ration spent",
            StopReason::Expired => "permit expired",
            StopReason::Revoked => "permit revoked",
        }
    }
}

/// Compute units granted against one accepted permit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meter {
    permit: OtkPermit,
    used: u64,
    stopped: Option<StopReason>,
}

impl Meter {
    /// A meter for an accepted permit (see [crate::Verifier::check]), nothing used yet.
    pub fn new(permit: OtkPermit) -> Self {
        Self {
            permit,
            used: 0,
            stopped: None,
        }
    }

    /// A meter resumed after a restart with `used` units already spent.
    pub fn resume(permit: OtkPermit, used: u64) -> Self {
        let used = used.min(permit.ration);
        Self {
            permit,
            used,
            stopped: None,
        }
    }

    /// The permit.
    pub fn permit(&self) -> &OtkPermit {
        &self.permit
    }

    /// Units granted so far.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Units left of the ration.
    pub fn remaining(&self) -> u64 {
        self.permit.ration - self.used
    }

    /// Why it stopped, if it did.
    pub fn stopped(&self) -> Option<StopReason> {
        self.stopped
    }

    /// Stops the meter for good (e.g. the permit was revoked); later grants are 0.
    pub fn stop(&mut self, why: StopReason) {
        self.stopped.get_or_insert(why);
    }

    /// Grants up to `want` units at device time `now_ms`: never past the ration, nothing at or
    /// after the permit's expiry or before its start, nothing once stopped. A meter that can
    /// grant no more records why ([Self::stopped]).
    pub fn grant(&mut self, want: u64, now_ms: u64) -> u64 {
        if self.stopped.is_some() {
            return 0;
        }
        if now_ms >= self.permit.expiry_ms {
            self.stopped = Some(StopReason::Expired);
            return 0;
        }
        if now_ms < self.permit.not_before_ms {
            return 0;
        }
        let got = want.min(self.remaining());
        self.used += got;
        if self.remaining() == 0 {
            self.stopped = Some(StopReason::RationSpent);
        }
        got
    }
}

/// The telemetry a device reports for `used` units of a `phase` permit: the workload profile
/// [Telemetry::typical] of that phase, scaled to the units actually computed (totals and the
/// interval in proportion, so every rate the classifier derives is the profile's). `None`
/// when nothing was computed.
pub fn telemetry_for(phase: Phase, used: u64) -> Option<Telemetry> {
    if used == 0 {
        return None;
    }
    let profile = Telemetry::typical(phase);
    let per = u128::from(profile.compute_units.max(1));
    let scale = |x: u64| -> u64 {
        let v = u128::from(x) * u128::from(used) / per;
        u64::try_from(v).unwrap_or(u64::MAX)
    };
    Some(Telemetry {
        data_bytes: scale(profile.data_bytes),
        compute_units: used,
        energy_wh: scale(profile.energy_wh),
        duration_ms: scale(profile.duration_ms).max(1),
        interconnect_bytes: scale(profile.interconnect_bytes),
        output_bytes: scale(profile.output_bytes),
        ..profile
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use aigov_types::PrivateKey;
    use aigov_types::otk::PermitStatus;

    fn permit(ration: u64) -> OtkPermit {
        OtkPermit {
            otk_id: 1,
            run: 1,
            stage: 0,
            workload: 1,
            model: 1,
            hardware: 1,
            device: PrivateKey::from_seed_bytes([1; 32]).public_key(),
            phase: Phase::PreTrain,
            ration,
            not_before_ms: 1_000,
            expiry_ms: 2_000,
            seq: 1,
            status: PermitStatus::Issued,
            used: 0,
            issued_height: 3,
        }
    }

    #[test]
    fn grants_stop_at_the_ration() {
        let mut m = Meter::new(permit(100));
        assert_eq!(m.grant(60, 1_500), 60);
        assert_eq!(m.stopped(), None);
        assert_eq!(m.grant(60, 1_600), 40);
        assert_eq!(m.stopped(), Some(StopReason::RationSpent));
        assert_eq!(m.grant(1, 1_700), 0);
        assert_eq!(m.used(), 100);
    }

    #[test]
    fn nothing_is_granted_outside_the_window_or_after_a_stop() {
        let mut m = Meter::new(permit(100));
        assert_eq!(m.grant(10, 999), 0, "before not_before");
        assert_eq!(m.stopped(), None);
        assert_eq!(m.grant(10, 2_000), 0, "at expiry");
        assert_eq!(m.stopped(), Some(StopReason::Expired));
        assert_eq!(m.grant(10, 1_500), 0, "an expired meter stays stopped");
        let mut m = Meter::new(permit(100));
        assert_eq!(m.grant(10, 1_500), 10);
        m.stop(StopReason::Revoked);
        assert_eq!(m.grant(10, 1_600), 0);
        assert_eq!(m.stopped(), Some(StopReason::Revoked));
        assert_eq!(m.used(), 10);
    }

    #[test]
    fn a_resumed_meter_never_exceeds_the_ration() {
        let mut m = Meter::resume(permit(100), 500);
        assert_eq!(m.used(), 100);
        assert_eq!(m.grant(1, 1_500), 0);
    }

    #[test]
    fn telemetry_keeps_the_profile_rates_and_the_declared_phase() {
        let params = aigov_types::phase::PhaseParams::default();
        for phase in [Phase::PreTrain, Phase::PostTrain, Phase::Inference] {
            for used in [1_000, 4_321, 10_000, 100_000] {
                let t = telemetry_for(phase, used).unwrap();
                assert_eq!(t.compute_units, used);
                let v = aigov_state::phase::classify(&t, phase, &params);
                assert_eq!(v.detected, phase, "{phase:?} {used}: {v:?}");
                assert_eq!(v.mismatch_bps, 0, "{phase:?} {used}: {v:?}");
            }
        }
        assert_eq!(telemetry_for(Phase::PreTrain, 0), None);
    }
}
