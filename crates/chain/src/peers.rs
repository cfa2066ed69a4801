//! Who each epoch's p2p peer set holds.
//!
//! `glue::dkg` activates one peer set per epoch (its id is the epoch): the epoch's dealers,
//! players and next players, resolved through the addresses the epoch's `EpochInfo` carries.
//! Full nodes are in no `EpochInfo` (they hold no share), so with glue's own
//! `AddressableManager` they would fall out of every peer set from epoch 1 on and stop
//! following the chain. [WithFullNodes] resolves the epoch's peers the same way and adds the
//! node's configured full nodes as secondary peers of every epoch: validators keep sending
//! them blocks and certificates and answering their backfill requests.

use commonware_consensus::types::Epoch;
use commonware_cryptography::ed25519::PublicKey;
use commonware_glue::dkg::network::{Addresses, Manager, MissingAddress};
use commonware_p2p::{
    Address, AddressableManager, AddressableTrackedPeers, PeerSetSubscription, Provider,
    TrackedPeers,
};
use commonware_utils::ordered::{Map, Set};

/// A DKG peer manager that adds the configured full nodes to every epoch's peer set.
#[derive(Clone)]
pub struct WithFullNodes<M> {
    manager: M,
    full_nodes: Map<PublicKey, Address>,
}

impl<M> WithFullNodes<M> {
    /// Wraps the p2p network's peer manager; `full_nodes` join every epoch as secondary peers.
    pub fn new(manager: M, full_nodes: Map<PublicKey, Address>) -> Self {
        Self {
            manager,
            full_nodes,
        }
    }
}

impl<M> std::fmt::Debug for WithFullNodes<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithFullNodes")
            .field("full_nodes", &self.full_nodes.len())
            .finish_non_exhaustive()
    }
}

impl<M: AddressableManager<PublicKey = PublicKey>> Provider for WithFullNodes<M> {
    type PublicKey = PublicKey;

    async fn peer_set(&mut self, id: u64) -> Option<TrackedPeers<PublicKey>> {
        self.manager.peer_set(id).await
    }

    async fn subscribe(&mut self) -> PeerSetSubscription<PublicKey> {
        self.manager.subscribe().await
    }
}

impl<M: AddressableManager<PublicKey = PublicKey>> Manager for WithFullNodes<M> {
    type Directory = Addresses<PublicKey>;
    type Error = MissingAddress<PublicKey>;

    fn track(
        &mut self,
        epoch: Epoch,
        peers: TrackedPeers<PublicKey>,
        directory: &Addresses<PublicKey>,
    ) -> Result<(), Self::Error> {
        // As glue's own manager: a participant without an address activates nothing.
        if let Some(peer) = peers
            .primary
            .iter()
            .chain(peers.secondary.iter())
            .find(|peer| directory.get(peer).is_none())
        {
            return Err(MissingAddress(peer.clone()));
        }
        let primary = Map::from_iter_dedup(resolve(&peers.primary, directory));
        let secondary = resolve(&peers.secondary, directory)
            .chain(
                self.full_nodes
                    .iter_pairs()
                    .map(|(k, a)| (k.clone(), a.clone())),
            )
            .collect::<Vec<_>>();
        // A key in both roles is allowed; the network favours its primary role.
        let tracked = AddressableTrackedPeers::new(primary, Map::from_iter_dedup(secondary));
        // The network ignores (and logs) a set id it already has: the orchestrator and the
        // reshare actor both activate each epoch.
        let _ = self.manager.track(epoch.get(), tracked);
        Ok(())
    }
}

/// Those of `peers` that `directory` has an address for, with it.
fn resolve<'a>(
    peers: &'a Set<PublicKey>,
    directory: &'a Addresses<PublicKey>,
) -> impl Iterator<Item = (PublicKey, Address)> + 'a {
    peers
        .iter()
        .filter_map(|peer| Some((peer.clone(), directory.get(peer)?.clone())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use commonware_actor::Feedback;
    use commonware_cryptography::{Signer as _, ed25519::PrivateKey};
    use commonware_utils::sync::Mutex;
    use std::net::SocketAddr;
    use std::sync::Arc;

    type Tracked = Arc<Mutex<Vec<(u64, AddressableTrackedPeers<PublicKey>)>>>;

    /// Records what is tracked.
    #[derive(Clone, Debug, Default)]
    struct Recorder(Tracked);

    impl Provider for Recorder {
        type PublicKey = PublicKey;

        async fn peer_set(&mut self, _: u64) -> Option<TrackedPeers<PublicKey>> {
            None
        }

        async fn subscribe(&mut self) -> PeerSetSubscription<PublicKey> {
            commonware_utils::channel::mpsc::unbounded_channel().1
        }
    }

    impl AddressableManager for Recorder {
        fn track<R>(&mut self, id: u64, peers: R) -> Feedback
        where
            R: Into<AddressableTrackedPeers<PublicKey>> + Send,
        {
            self.0.lock().push((id, peers.into()));
            Feedback::Ok
        }

        fn overwrite(&mut self, _: Map<PublicKey, Address>) -> Feedback {
            Feedback::Ok
        }
    }

    fn peer(i: u16) -> (PublicKey, Address) {
        let key = PrivateKey::from_seed(u64::from(i)).public_key();
        let addr: SocketAddr = format!("10.0.0.{i}:7000").parse().expect("address");
        (key, Address::from(addr))
    }

    #[test]
    fn every_epoch_gets_its_participants_and_the_full_nodes() {
        let validators: Vec<_> = (1..=4).map(peer).collect();
        let full = peer(9);
        let directory = Addresses::from_iter(validators.iter().cloned());
        let recorder = Recorder::default();
        let mut manager =
            WithFullNodes::new(recorder.clone(), Map::from_iter_dedup([full.clone()]));
        let keys = Set::from_iter_dedup(validators.iter().map(|(k, _)| k.clone()));
        for epoch in [0, 1, 7] {
            manager
                .track(
                    Epoch::new(epoch),
                    TrackedPeers::new(keys.clone(), Set::default()),
                    &directory,
                )
                .expect("every participant has an address");
        }
        let tracked = recorder.0.lock().clone();
        assert_eq!(
            tracked.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            [0, 1, 7]
        );
        for (_, peers) in tracked {
            assert_eq!(peers.primary.keys(), &keys);
            assert_eq!(
                peers.primary.get_value(&validators[2].0),
                Some(&validators[2].1)
            );
            assert_eq!(peers.secondary.len(), 1);
            assert_eq!(peers.secondary.get_value(&full.0), Some(&full.1));
        }
    }

    #[test]
    fn a_participant_without_an_address_activates_nothing() {
        let validators: Vec<_> = (1..=4).map(peer).collect();
        let directory = Addresses::from_iter(validators[..3].iter().cloned());
        let recorder = Recorder::default();
        let mut manager = WithFullNodes::new(recorder.clone(), Map::default());
        let keys = Set::from_iter_dedup(validators.iter().map(|(k, _)| k.clone()));
        let err = manager
            .track(
                Epoch::new(1),
                TrackedPeers::new(keys, Set::default()),
                &directory,
            )
            .expect_err("validator 4 has no address");
        assert_eq!(err, MissingAddress(validators[3].0.clone()));
        assert!(recorder.0.lock().is_empty());
    }
}
