//! Byzantine validators for simulations.
//!
//! Consensus-level misbehaviour reuses Commonware's own simplex mocks, which replace a
//! validator's voter with an actor that signs with its real share:
//! [nuller](commonware_consensus::simplex::mocks::nuller) (nullify and finalize the same view),
//! [conflicter](commonware_consensus::simplex::mocks::conflicter) (notarize and finalize a random
//! digest besides every real one) and
//! [equivocator](commonware_consensus::simplex::mocks::equivocator) (two proposals for one view,
//! to different validators). Their vote sender is wrapped in [Counting], so a run can show they
//! actually sent something.
//!
//! aigov-specific misbehaviour runs the honest engine with one thing spoiled: a leader whose
//! proposals carry a wrong state root or a badly signed transaction
//! ([crate::app::Tamper]), and a validator that gossips transactions that can never be valid
//! on the transaction channel ([spam]) until its peers block it ([crate::gossip::MAX_STRIKES]).

use super::harness::{CHAIN_ID, Ctx, GAS_LIMIT, SimReceiver, SimSender, key};
use aigov_types::codec::{BoundedString, Encode as _};
use aigov_types::personnel::{PersonnelCall, RegisterPersonnel, Role, Roles};
use aigov_types::proof::Scheme;
use aigov_types::{Call, Hash, Slug, Tx};
use commonware_actor::{Feedback, Unreliable};
use commonware_consensus::simplex::{elector::RoundRobin, mocks};
use commonware_consensus::types::Epoch;
use commonware_cryptography::{Sha256, ed25519};
use commonware_p2p::{CheckedSender, LimitedSender, Recipients, Sender as _};
use commonware_runtime::{Clock as _, Handle, IoBufs, Spawner as _, Supervisor as _};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// A p2p sender that counts the messages it sends.
#[derive(Clone)]
pub struct Counting<S> {
    inner: S,
    sent: Arc<AtomicU64>,
}

impl<S> Counting<S> {
    /// Wraps `inner`, adding every message it sends to `sent`.
    pub fn new(inner: S, sent: Arc<AtomicU64>) -> Self {
        Self { inner, sent }
    }
}

/// The checked sender of [Counting].
pub struct CountingChecked<C> {
    inner: C,
    sent: Arc<AtomicU64>,
}

impl<S: LimitedSender> LimitedSender for Counting<S> {
    type PublicKey = S::PublicKey;
    type Checked<'a>
        = CountingChecked<S::Checked<'a>>
    where
        Self: 'a;

    fn check(
        &mut self,
        recipients: Recipients<Self::PublicKey>,
    ) -> Result<Self::Checked<'_>, SystemTime> {
        let sent = self.sent.clone();
        self.inner
            .check(recipients)
            .map(|inner| CountingChecked { inner, sent })
    }
}

impl<C: CheckedSender> CheckedSender for CountingChecked<C> {
    type PublicKey = C::PublicKey;

    fn recipients(&self) -> Vec<Self::PublicKey> {
        self.inner.recipients()
    }

    fn send(self, message: impl Into<IoBufs> + Send, priority: bool) -> Unreliable<Feedback> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        self.inner.send(message, priority)
    }
}

/// Which simplex mock replaces a validator's voter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mock {
    /// Nullifies and finalizes the same view.
    Nuller,
    /// Votes for a random digest beside every real one.
    Conflicter,
    /// Sends two different proposals for its views, to different validators.
    Equivocator,
}

/// Starts `mock` for a validator holding `scheme` (its real signing share) on its vote and
/// certificate channels, framed by epoch as honest engines frame them
/// ([crate::engine::epoch_channel]): a mock on the raw channels would have its messages
/// misrouted by every honest validator and prove nothing. Every vote it sends is added to
/// `sent`. Mocks act in [crate::engine::EPOCH].
pub async fn start_mock(
    context: &Ctx,
    mock: Mock,
    scheme: Scheme,
    votes: (SimSender, SimReceiver),
    certs: (SimSender, SimReceiver),
    sent: Arc<AtomicU64>,
) -> Result<Handle<()>, String> {
    use crate::engine::{EPOCH, epoch_channel};
    let (vote_sender, vote_receiver) = epoch_channel(context, "byz_vote_mux", votes, EPOCH).await?;
    let certs = epoch_channel(context, "byz_certificate_mux", certs, EPOCH).await?;
    let votes = (Counting::new(vote_sender, sent), vote_receiver);
    let ctx = context.child("byzantine");
    Ok(match mock {
        Mock::Nuller => {
            mocks::nuller::Nuller::<_, _, Sha256>::new(ctx, mocks::nuller::Config { scheme })
                .start(votes)
        }
        Mock::Conflicter => mocks::conflicter::Conflicter::<_, _, Sha256>::new(
            ctx,
            mocks::conflicter::Config { scheme },
        )
        .start(votes),
        Mock::Equivocator => {
            mocks::equivocator::Equivocator::<_, _, RoundRobin<Sha256>, Sha256>::new(
                ctx,
                mocks::equivocator::Config {
                    scheme,
                    elector: RoundRobin::<Sha256>::default(),
                    epoch: Epoch::zero(),
                    // Payloads go to an in-memory relay nobody reads: honest validators get
                    // blocks only through marshal, so they never see these payloads and must
                    // refuse to notarize digests they cannot fetch.
                    relay: Arc::new(mocks::relay::Relay::new()),
                },
            )
            .start(votes, certs)
        }
    })
}

/// Transactions that can never be valid, by kind: undecodable bytes, a well-signed
/// transaction for another chain, a transaction whose signature does not verify.
pub fn invalid_tx(n: u64) -> Vec<u8> {
    let signer = key(&format!("spam-{n}"));
    let tx = |chain: &str| Tx {
        chain_id: Slug::new(chain).unwrap_or_else(|_| Slug::new("x").expect("slug")),
        sender: signer.public_key(),
        nonce: 0,
        gas_limit: GAS_LIMIT,
        call: Call::Personnel(PersonnelCall::Register(RegisterPersonnel {
            member: Slug::new("fr").expect("slug"),
            organisation: None,
            roles: Roles::from_roles(&[Role::Safety]),
            tier: 2,
            name: BoundedString::new("spam").expect("name"),
            credential: Hash::digest(&[b"spam/", &n.to_be_bytes()]),
        })),
    };
    match n % 3 {
        0 => {
            let mut garbage = b"not a transaction/".to_vec();
            garbage.extend_from_slice(&n.to_be_bytes());
            garbage
        }
        1 => tx("another-chain").sign(&signer).encode().to_vec(),
        _ => {
            let mut raw = tx(CHAIN_ID).sign(&signer).encode().to_vec();
            if let Some(last) = raw.last_mut() {
                *last ^= 0x01;
            }
            raw
        }
    }
}

/// Gossips `count` invalid transactions on the transaction channel through `sender`, one every
/// `every`, and adds each to `sent`.
pub fn spam(
    context: &Ctx,
    mut sender: SimSender,
    count: u64,
    every: Duration,
    sent: Arc<AtomicU64>,
) -> Handle<()> {
    context.child("spam").spawn(move |context| async move {
        for n in 0..count {
            context.sleep(every).await;
            let _ = sender.send(Recipients::All, invalid_tx(n), false);
            sent.fetch_add(1, Ordering::Relaxed);
        }
    })
}

/// A validator's identity key as the p2p layer knows it.
pub fn identity(name: &str) -> ed25519::PublicKey {
    key(name).public_key().0
}
