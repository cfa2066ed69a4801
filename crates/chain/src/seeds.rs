//! The consensus's threshold-VRF seeds, as certificates report them, so a leader can put its
//! parent's seed in the header it proposes.
//!
//! Every simplex certificate of the `bls12381_threshold::vrf` scheme carries, beside the vote
//! signature, the group's signature over the round: the seed. It is unique per round (BLS) and
//! needs a threshold of shares, so nobody can bias it or know it before the round's votes are
//! cast. [Seeded] wraps the consensus application (marshal's `Deferred`) and records each
//! notarization's, certification's and finalization's seed by round; [App](crate::app::App) reads the parent's
//! when it proposes, and every verifier checks the header's seed against the group key
//! ([aigov_types::proof::verify_header_seed]) before executing, so the cache is never trusted
//! by anyone but the leader that filled it.
//!
//! The cache is in memory: a leader restarted before it saw its parent's certificate finds no
//! seed, skips its turn (the view times out and the next leader proposes), and the chain
//! carries on.

use aigov_types::block::SeedSignature;
use aigov_types::proof::Scheme;
use commonware_actor::Feedback;
use commonware_consensus::{
    Automaton, CertifiableAutomaton, Handoff, Relay, Reporter,
    simplex::{scheme::bls12381_threshold::vrf::Certificate, types::Activity},
    types::Round,
};
use commonware_cryptography::{bls12381::primitives::variant::MinSig, sha256::Digest};
use commonware_runtime::Clock;
use commonware_utils::channel::oneshot;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How many rounds' seeds are kept: a parent is almost always one of the last few rounds (more
/// only after a run of nullified views), so this bounds memory without ever mattering.
const RETAINED: usize = 1024;

/// How often a leader looks again for a seed not yet reported.
const POLL: Duration = Duration::from_millis(5);

/// Seeds by round (epoch, then view: views restart in each epoch), shared by the reporter that
/// fills it and the application that reads it.
#[derive(Clone, Default)]
pub struct Seeds(Arc<Mutex<BTreeMap<Round, SeedSignature>>>);

impl Seeds {
    fn record(&self, round: Round, seed: SeedSignature) {
        let mut seeds = self.0.lock().expect("seed cache poisoned");
        seeds.insert(round, seed);
        // Keep the newest rounds only.
        while seeds.len() > RETAINED {
            seeds.pop_first();
        }
    }

    /// The seed of `round`, if its certificate was reported.
    pub fn get(&self, round: Round) -> Option<SeedSignature> {
        self.0
            .lock()
            .expect("seed cache poisoned")
            .get(&round)
            .copied()
    }

    /// The seed of `round`, waiting up to `patience` for its certificate to be reported (the
    /// engine may ask for a proposal just before it reports the parent's certificate).
    pub async fn wait<E: Clock>(
        &self,
        runtime: &E,
        round: Round,
        patience: Duration,
    ) -> Option<SeedSignature> {
        let give_up = runtime.current() + patience;
        loop {
            if let Some(seed) = self.get(round) {
                return Some(seed);
            }
            if runtime.current() >= give_up {
                return None;
            }
            runtime.sleep(POLL).await;
        }
    }
}

/// The consensus application with a seed recorder in front of its reporter: consensus drives
/// one value as automaton, relay and reporter (the `glue::dkg` orchestrator requires it), so
/// this forwards every automaton and relay call unchanged, including `prepare` and `certify`
/// (their trait defaults would skip the application's own: `certify` would answer `true`
/// without verifying), and records the seed of each certificate it reports before passing
/// the activity on.
#[derive(Clone)]
pub struct Seeded<A> {
    inner: A,
    seeds: Seeds,
}

impl<A> Seeded<A> {
    /// Wraps `inner`, recording into `seeds`.
    pub fn new(inner: A, seeds: Seeds) -> Self {
        Self { inner, seeds }
    }

    /// Records the seed of a certificate for `round`. The engine reports verified
    /// certificates only, whose signatures decode.
    fn record(&self, round: Round, certificate: &Certificate<MinSig>) {
        if let Some(sig) = certificate.get() {
            self.seeds.record(round, sig.seed_signature);
        }
    }
}

impl<A: Automaton> Automaton for Seeded<A> {
    type Context = A::Context;
    type Digest = A::Digest;

    fn propose(
        &mut self,
        context: Self::Context,
    ) -> impl Future<Output = oneshot::Receiver<Self::Digest>> + Send {
        self.inner.propose(context)
    }

    fn verify(
        &mut self,
        context: Self::Context,
        payload: Self::Digest,
    ) -> impl Future<Output = oneshot::Receiver<bool>> + Send {
        self.inner.verify(context, payload)
    }
}

impl<A: CertifiableAutomaton> CertifiableAutomaton for Seeded<A> {
    fn prepare(
        &mut self,
        context: Self::Context,
    ) -> impl Future<Output = oneshot::Receiver<Handoff<Self::Digest>>> + Send {
        self.inner.prepare(context)
    }

    fn certify(
        &mut self,
        round: Round,
        payload: Self::Digest,
    ) -> impl Future<Output = oneshot::Receiver<bool>> + Send {
        self.inner.certify(round, payload)
    }
}

impl<A: Relay> Relay for Seeded<A> {
    type Digest = A::Digest;
    type PublicKey = A::PublicKey;
    type Plan = A::Plan;

    fn broadcast(&mut self, payload: Self::Digest, plan: Self::Plan) -> Feedback {
        self.inner.broadcast(payload, plan)
    }
}

impl<A> Reporter for Seeded<A>
where
    A: Reporter<Activity = Activity<Scheme, Digest>>,
{
    type Activity = Activity<Scheme, Digest>;

    fn report(&mut self, activity: Self::Activity) -> Feedback {
        match &activity {
            Activity::Notarization(n) | Activity::Certification(n) => {
                self.record(n.proposal.round, &n.certificate)
            }
            Activity::Finalization(f) => self.record(f.proposal.round, &f.certificate),
            _ => {}
        }
        self.inner.report(activity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_cryptography::bls12381::primitives::group::G1;
    use commonware_math::algebra::CryptoGroup as _;

    use commonware_consensus::types::{Epoch, View};

    fn round(epoch: u64, view: u64) -> Round {
        Round::new(Epoch::new(epoch), View::new(view))
    }

    #[test]
    fn keeps_the_newest_rounds_across_epochs() {
        let seeds = Seeds::default();
        let sig = G1::generator();
        // A long epoch, then a new one whose views start again from one.
        for view in 1..=RETAINED as u64 {
            seeds.record(round(0, view), sig);
        }
        seeds.record(round(1, 1), sig);
        assert!(
            seeds.get(round(1, 1)).is_some(),
            "a new epoch's seed is kept"
        );
        assert!(seeds.get(round(0, 1)).is_none(), "the oldest is dropped");
        assert!(seeds.get(round(0, 2)).is_some());
        assert!(seeds.get(round(0, RETAINED as u64)).is_some());
    }
}
