//! What Commonware's `glue::dkg` reshare actor needs from the node (issue 8): a durable store
//! for the node's secret ceremony material ([StorageSecretStore], in the runtime's storage), the
//! per-epoch consensus schemes ([DynamicProvider], filled by its [Registrar]), and each future
//! epoch's committee and directory read from finalized state ([StateParticipants]).

use aigov_state::{StateRead, StoreError, validators};
use aigov_types::proof::{CONSENSUS_NAMESPACE, Scheme};
use aigov_types::reshare::{
    Directory, Variant, committee_cutoff, directory_address, directory_cutoff,
};
use commonware_codec::{DecodeExt as _, Encode as _};
use commonware_consensus::types::Epoch;
use commonware_cryptography::{
    bls12381::{dkg::feldman_desmedt::DealerPrivMsg, primitives::group::Share},
    certificate::{Provider, Scoped},
    ed25519,
    transcript::Summary,
};
use commonware_glue::dkg::{ParticipantsProvider, Registrar, SecretStore, types::SchemeInfo};
use commonware_runtime::Clock;
use commonware_utils::{ordered::Set, sync::Mutex};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tracing::error;

// ---------------------------------------------------------------------------------------------
// Secret store

/// Key of a [StorageSecretStore] entry: kind (1 byte), epoch (8 bytes, big-endian) and, for a
/// dealing, the SHA-256 of the encoded dealer key (32 bytes; zero otherwise).
type StoreKey = commonware_utils::sequence::FixedBytes<41>;

const KIND_SHARE: u8 = 0;
const KIND_SEED: u8 = 1;
const KIND_DEALING: u8 = 2;
/// The marker written once the store is seeded (see [StorageSecretStore::open]).
const KIND_INITIALIZED: u8 = 0xff;

fn store_key(kind: u8, epoch: u64, dealer: Option<&[u8]>) -> StoreKey {
    let mut key = [0u8; 41];
    key[0] = kind;
    key[1..9].copy_from_slice(&epoch.to_be_bytes());
    if let Some(dealer) = dealer {
        use commonware_cryptography::Hasher as _;
        let digest = commonware_cryptography::Sha256::hash(&[dealer]);
        key[9..].copy_from_slice(digest.as_ref());
    }
    StoreKey::new(key)
}

/// The node's secret ceremony material in the runtime's storage (a `Metadata` partition), so
/// that the deterministic runtime's crashes and torn writes reach it in simulations (plain
/// `std::fs` files would escape them). Every write is synced before it returns; a write that
/// cannot be synced stops the node (panics) rather than let the ceremony go on as if it were:
/// a dealer that forgets its seed after a crash deals again differently, which is equivocation.
pub struct StorageSecretStore<E: commonware_runtime::Storage + Clock + commonware_runtime::Metrics>
{
    meta: Option<commonware_storage::metadata::Metadata<E, StoreKey, Vec<u8>>>,
}

impl<E> StorageSecretStore<E>
where
    E: commonware_runtime::Storage + Clock + commonware_runtime::Metrics,
{
    /// Opens the store in `partition`. On the first open only, seeds it with the trusted
    /// dealer's epoch-0 `share` and marks it initialized, so a pruned share 0 never returns.
    pub async fn open(
        context: E,
        partition: String,
        share: Option<&Share>,
    ) -> Result<Self, String> {
        let mut meta = commonware_storage::metadata::Metadata::init(
            context,
            commonware_storage::metadata::Config {
                partition,
                codec_config: ((..).into(), ()),
            },
        )
        .await
        .map_err(|e| format!("opening the secret store: {e}"))?;
        let initialized = store_key(KIND_INITIALIZED, 0, None);
        if meta.get(&initialized).is_none() {
            if let Some(share) = share {
                meta.put(store_key(KIND_SHARE, 0, None), share.encode().to_vec());
            }
            meta = meta
                .put_sync(initialized, Vec::new())
                .await
                .map_err(|e| format!("seeding the secret store: {e}"))?;
        }
        Ok(Self { meta: Some(meta) })
    }

    async fn put(&mut self, key: StoreKey, bytes: Vec<u8>) {
        let meta = self
            .meta
            .take()
            .expect("secret store poisoned by an earlier failure");
        match meta.put_sync(key, bytes).await {
            Ok(meta) => self.meta = Some(meta),
            Err(e) => {
                error!(error = %e, "cannot store secret ceremony material durably; stopping");
                panic!("secret store: {e}");
            }
        }
    }

    fn get<T: commonware_codec::Read<Cfg = ()>>(&self, key: &StoreKey) -> Option<T> {
        let bytes = self.meta.as_ref()?.get(key)?;
        T::decode(bytes::Bytes::copy_from_slice(bytes))
            .inspect_err(|e| error!(error = %e, "corrupt secret ceremony material"))
            .ok()
    }
}

impl<E> SecretStore for StorageSecretStore<E>
where
    E: commonware_runtime::Storage + Clock + commonware_runtime::Metrics,
{
    async fn put_share(&mut self, epoch: Epoch, share: Share) {
        self.put(
            store_key(KIND_SHARE, epoch.get(), None),
            share.encode().to_vec(),
        )
        .await;
    }

    async fn get_share(&mut self, epoch: Epoch) -> Option<Share> {
        self.get(&store_key(KIND_SHARE, epoch.get(), None))
    }

    async fn put_seed(&mut self, epoch: Epoch, seed: Summary) {
        self.put(
            store_key(KIND_SEED, epoch.get(), None),
            seed.encode().to_vec(),
        )
        .await;
    }

    async fn get_seed(&mut self, epoch: Epoch) -> Option<Summary> {
        self.get(&store_key(KIND_SEED, epoch.get(), None))
    }

    async fn put_dealing<P: commonware_cryptography::PublicKey>(
        &mut self,
        epoch: Epoch,
        dealer: P,
        private: DealerPrivMsg,
    ) {
        let key = store_key(KIND_DEALING, epoch.get(), Some(&dealer.encode()));
        self.put(key, private.encode().to_vec()).await;
    }

    async fn get_dealing<P: commonware_cryptography::PublicKey>(
        &mut self,
        epoch: Epoch,
        dealer: &P,
    ) -> Option<DealerPrivMsg> {
        self.get(&store_key(
            KIND_DEALING,
            epoch.get(),
            Some(&dealer.encode()),
        ))
    }

    async fn prune(&mut self, min: Epoch) {
        let Some(mut meta) = self.meta.take() else {
            return;
        };
        meta.retain(|key, _| {
            let k: &[u8] = key.as_ref();
            k[0] == KIND_INITIALIZED
                || u64::from_be_bytes(k[1..9].try_into().expect("8 bytes")) >= min.get()
        });
        match meta.sync().await {
            Ok(meta) => self.meta = Some(meta),
            Err(e) => {
                error!(error = %e, "cannot prune secret ceremony material durably; stopping");
                panic!("secret store: {e}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Schemes

/// Epochs of schemes kept below the newest registered: the orchestrator only needs the active
/// epoch and the one it leaves, so this is a wide margin.
const SCHEMES_KEPT: u64 = 16;

/// The consensus scheme of each epoch, as the reshare actor registers them: the
/// orchestrator's `certificate::Provider`.
#[derive(Clone, Default)]
pub struct DynamicProvider {
    schemes: Arc<Mutex<BTreeMap<Epoch, Arc<Scheme>>>>,
}

impl DynamicProvider {
    /// Installs `scheme` for `epoch`, forgetting schemes more than 16 epochs below the newest.
    pub fn insert(&self, epoch: Epoch, scheme: Scheme) {
        let mut schemes = self.schemes.lock();
        schemes.insert(epoch, Arc::new(scheme));
        if let Some(newest) = schemes.keys().next_back().copied() {
            let floor = Epoch::new(newest.get().saturating_sub(SCHEMES_KEPT));
            schemes.retain(|e, _| *e >= floor);
        }
    }

    /// The epochs that have a scheme.
    pub fn epochs(&self) -> Vec<Epoch> {
        self.schemes.lock().keys().copied().collect()
    }
}

impl Provider for DynamicProvider {
    type Scope = Epoch;
    type Scheme = Scheme;

    fn scoped(&self, scope: Epoch) -> Option<Scoped<Scheme>> {
        self.scheme(scope).map(Scoped::scheme)
    }

    fn scheme(&self, scope: Epoch) -> Option<Arc<Scheme>> {
        self.schemes.lock().get(&scope).cloned()
    }
}

/// The consensus scheme `info` describes: a signer with a share, a member without one, a
/// verifier outside the committee.
pub fn scheme(info: SchemeInfo<Variant, ed25519::PublicKey>) -> Scheme {
    match info {
        SchemeInfo::Verifier {
            participants,
            sharing,
        } => Scheme::verifier(CONSENSUS_NAMESPACE, participants, sharing),
        SchemeInfo::Member {
            participants,
            sharing,
            public_key,
        } => match Scheme::member(
            CONSENSUS_NAMESPACE,
            participants.clone(),
            sharing.clone(),
            &public_key,
        ) {
            Some(s) => s,
            // Not a participant after all: it can still verify.
            None => Scheme::verifier(CONSENSUS_NAMESPACE, participants, sharing),
        },
        SchemeInfo::Signer {
            participants,
            sharing,
            share,
        } => match Scheme::signer(
            CONSENSUS_NAMESPACE,
            participants.clone(),
            sharing.clone(),
            share,
        ) {
            Some(s) => s,
            None => {
                // The ceremony would never hand out such a share; verify rather than sign.
                error!("the epoch's share does not match its polynomial; verifying only");
                Scheme::verifier(CONSENSUS_NAMESPACE, participants, sharing)
            }
        },
    }
}

/// Registers each epoch's scheme into a [DynamicProvider].
#[derive(Clone, Default)]
pub struct SchemeRegistrar {
    provider: DynamicProvider,
}

impl SchemeRegistrar {
    /// A registrar filling `provider`.
    pub fn new(provider: DynamicProvider) -> Self {
        Self { provider }
    }
}

impl Registrar for SchemeRegistrar {
    type Variant = Variant;
    type PublicKey = ed25519::PublicKey;

    async fn register(&self, epoch: Epoch, info: SchemeInfo<Variant, ed25519::PublicKey>) {
        self.provider.insert(epoch, scheme(info));
    }
}

// ---------------------------------------------------------------------------------------------
// Participants

/// Where [StateParticipants] reads finalized state.
pub trait FinalizedState: Send + Sync + 'static {
    /// A reader of the latest finalized state.
    type Reader: StateRead + Send;
    /// The latest finalized state, once the node has one.
    fn reader(&self) -> Option<Self::Reader>;
}

/// Finalized state through the handle `glue::stateful` hands out (`subscribe_databases`),
/// set once the databases are open.
pub struct SharedDatabases<E: commonware_runtime::Spawner + commonware_storage::Context>(
    pub Arc<Mutex<Option<crate::db::Dbs<E>>>>,
);

impl<E> FinalizedState for SharedDatabases<E>
where
    E: commonware_runtime::Spawner + commonware_storage::Context,
{
    type Reader = crate::db::FinalizedReader<E>;
    fn reader(&self) -> Option<Self::Reader> {
        self.0
            .lock()
            .clone()
            .map(crate::db::FinalizedReader::Shared)
    }
}

/// How often [StateParticipants] looks again while finalized state is below a cutoff.
const POLL: Duration = Duration::from_millis(10);

/// The reshare actor's `ParticipantsProvider`: each future epoch's committee and directory,
/// read from finalized state (`aigov_state::validators`) once it has passed the epoch's
/// cutoff. Snapshots are written once, and an address history only changes (or drops) entries
/// for directories not yet fixed, so every node gives the same answer whatever its finalized
/// height past the cutoff (for a directory still to be fixed, which is all the actor asks).
///
/// It waits (polling) only for the cutoff, which the actor's own progress guarantees is
/// finalized when it asks: waiting on anything later would stall the actor.
pub struct StateParticipants<E: Clock, F: FinalizedState> {
    context: E,
    state: F,
    blocks_per_epoch: u64,
}

/// Why [StateParticipants] cannot answer yet (logged; it tries again).
#[derive(Debug, thiserror::Error)]
enum Unanswered {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("finalized state has no committee for epoch {0}")]
    NoCommittee(u64),
    #[error("finalized state has no address for {key} in epoch {epoch}")]
    NoAddress { key: String, epoch: u64 },
    #[error("the address of {key} in epoch {epoch}: {reason}")]
    BadAddress {
        key: String,
        epoch: u64,
        reason: String,
    },
}

impl<E: Clock, F: FinalizedState> StateParticipants<E, F> {
    /// A provider reading `state`, with genesis' `blocks_per_epoch`.
    pub fn new(context: E, state: F, blocks_per_epoch: u64) -> Self {
        Self {
            context,
            state,
            blocks_per_epoch,
        }
    }

    /// Finalized state at `cutoff` or later (`None` for epochs genesis fixes: genesis applied).
    async fn past(&self, cutoff: Option<u64>) -> Result<Option<F::Reader>, StoreError> {
        let Some(reader) = self.state.reader() else {
            return Ok(None);
        };
        let height = aigov_state::chain::height(&reader).await?;
        Ok((height >= cutoff.unwrap_or(1).max(1)).then_some(reader))
    }

    async fn try_participants(
        &self,
        epoch: u64,
    ) -> Result<Option<Set<ed25519::PublicKey>>, Unanswered> {
        let cutoff = committee_cutoff(epoch, self.blocks_per_epoch);
        let Some(reader) = self.past(cutoff).await? else {
            return Ok(None);
        };
        let set = validators::committee(&reader, epoch)
            .await?
            .ok_or(Unanswered::NoCommittee(epoch))?;
        Ok(Some(Set::from_iter_dedup(
            set.iter().map(|v| v.key.0.clone()),
        )))
    }

    async fn try_directory(
        &self,
        epoch: u64,
        peers: &Set<ed25519::PublicKey>,
    ) -> Result<Option<Directory>, Unanswered> {
        let cutoff = directory_cutoff(epoch, self.blocks_per_epoch);
        let Some(reader) = self.past(cutoff).await? else {
            return Ok(None);
        };
        let mut entries = Vec::with_capacity(peers.len());
        for peer in peers.iter() {
            let key = aigov_types::PublicKey(peer.clone());
            let address = validators::address_at(&reader, &key, epoch)
                .await?
                .ok_or_else(|| Unanswered::NoAddress {
                    key: key.to_string(),
                    epoch,
                })?;
            let address =
                directory_address(address.as_str()).map_err(|e| Unanswered::BadAddress {
                    key: key.to_string(),
                    epoch,
                    reason: e.to_string(),
                })?;
            entries.push((peer.clone(), address));
        }
        Ok(Some(entries.into_iter().collect()))
    }
}

impl<E, F> ParticipantsProvider for StateParticipants<E, F>
where
    E: Clock + Send + Sync + 'static,
    F: FinalizedState,
{
    type PublicKey = ed25519::PublicKey;
    type Directory = Directory;

    async fn participants(&mut self, epoch: Epoch) -> Set<ed25519::PublicKey> {
        loop {
            match self.try_participants(epoch.get()).await {
                Ok(Some(set)) => return set,
                Ok(None) => {}
                // Past the cutoff the snapshot exists on every honest node: this is a bug or a
                // storage failure, and answering anything else would fork.
                Err(e) => error!(epoch = epoch.get(), error = %e, "committee unavailable"),
            }
            self.context.sleep(POLL).await;
        }
    }

    async fn directory(&mut self, epoch: Epoch, peers: Set<ed25519::PublicKey>) -> Directory {
        loop {
            match self.try_directory(epoch.get(), &peers).await {
                Ok(Some(directory)) => return directory,
                Ok(None) => {}
                Err(e) => error!(epoch = epoch.get(), error = %e, "directory unavailable"),
            }
            self.context.sleep(POLL).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::setup;
    use aigov_state::{BlockContext, MemStore, Mode, execute_block};
    use aigov_types::PrivateKey;
    use aigov_types::codec::{BoundedString, BoundedVec};
    use aigov_types::genesis::{Genesis, Validator};
    use aigov_types::validators::{AddressEntry, AddressHistory, ValidatorSet};
    use commonware_cryptography::bls12381::primitives::group::Scalar;
    use commonware_cryptography::certificate::{Membership, Scheme as _};
    use commonware_runtime::{Runner as _, Spawner as _, Supervisor as _, deterministic};
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Shares, seeds and dealings round-trip through the store; pruning removes whole
    /// epochs; a reopened store is never seeded again, so a pruned epoch-0 share stays gone.
    #[test]
    fn the_storage_store_keeps_secrets_across_reopens_and_seeds_epoch_zero_once() {
        let keys: Vec<_> = (0..4)
            .map(|_| PrivateKey::generate().public_key())
            .collect();
        let dealt = setup::deal(&keys).unwrap();
        let share0 = dealt.shares[&keys[0].0].clone();
        let share1 = dealt.shares[&keys[1].0].clone();
        deterministic::Runner::default().start(|context| async move {
            let partition = "secrets".to_string();
            let mut store =
                StorageSecretStore::open(context.child("a"), partition.clone(), Some(&share0))
                    .await
                    .unwrap();
            assert_eq!(store.get_share(Epoch::zero()).await, Some(share0.clone()));
            let seed = commonware_cryptography::transcript::Transcript::new(
                b"test",
                commonware_cryptography::transcript::Version::V1,
            )
            .summarize();
            let dealing = DealerPrivMsg::new(Scalar::from(7u64));
            let dealer = &keys[2].0;
            store.put_share(Epoch::new(1), share1.clone()).await;
            store.put_seed(Epoch::new(1), seed).await;
            store
                .put_dealing(Epoch::new(1), dealer.clone(), dealing.clone())
                .await;
            store.put_seed(Epoch::new(2), seed).await;
            assert_eq!(store.get_dealing(Epoch::new(1), &keys[3].0).await, None);
            store.prune(Epoch::new(1)).await;
            assert_eq!(store.get_share(Epoch::zero()).await, None);
            drop(store);

            // Reopened (with a share again): what was synced is there, epoch 0 is not re-seeded.
            let mut store =
                StorageSecretStore::open(context.child("b"), partition.clone(), Some(&share0))
                    .await
                    .unwrap();
            assert_eq!(store.get_share(Epoch::zero()).await, None);
            assert_eq!(store.get_share(Epoch::new(1)).await, Some(share1));
            assert_eq!(store.get_seed(Epoch::new(1)).await, Some(seed));
            assert_eq!(
                store.get_dealing(Epoch::new(1), dealer).await,
                Some(dealing)
            );
            store.prune(Epoch::new(2)).await;
            assert_eq!(store.get_seed(Epoch::new(1)).await, None);
            assert_eq!(store.get_seed(Epoch::new(2)).await, Some(seed));
        });
    }

    /// The registrar installs a signer, a member or a verifier as the info says, and the
    /// provider forgets epochs far below the newest.
    #[test]
    fn the_registrar_installs_each_role() {
        let keys: Vec<_> = (0..4)
            .map(|_| PrivateKey::generate().public_key())
            .collect();
        let dealt = setup::deal(&keys).unwrap();
        let participants = dealt.output.players().clone();
        let sharing = dealt.output.public().clone();
        let outsider = PrivateKey::generate().public_key().0;
        deterministic::Runner::default().start(|_| async move {
            let provider = DynamicProvider::default();
            let registrar = SchemeRegistrar::new(provider.clone());
            let me = &keys[0].0;
            let infos = [
                SchemeInfo::new(
                    me,
                    participants.clone(),
                    sharing.clone(),
                    Some(dealt.shares[me].clone()),
                ),
                SchemeInfo::new(me, participants.clone(), sharing.clone(), None),
                SchemeInfo::new(&outsider, participants.clone(), sharing.clone(), None),
            ];
            for (e, info) in infos.into_iter().enumerate() {
                registrar.register(Epoch::new(e as u64), info).await;
            }
            let me_in = |e: u64| provider.scheme(Epoch::new(e)).unwrap().me();
            assert!(matches!(me_in(0), Some(Membership::Signer(_))));
            assert!(matches!(me_in(1), Some(Membership::Member(_))));
            assert!(me_in(2).is_none());
            assert!(provider.scoped(Epoch::new(3)).is_none());
            let verifier = SchemeInfo::new(&outsider, participants, sharing, None);
            registrar.register(Epoch::new(40), verifier).await;
            assert_eq!(provider.epochs(), vec![Epoch::new(40)]);
        });
    }

    /// Finalized state held in memory, as the node's database would hand it out.
    #[derive(Clone, Default)]
    struct MemState(Arc<Mutex<Option<MemStore>>>);

    impl FinalizedState for MemState {
        type Reader = MemStore;
        fn reader(&self) -> Option<MemStore> {
            self.0.lock().clone()
        }
    }

    const BPE: u64 = 10;

    /// Four validators at socket addresses, ten blocks per epoch.
    fn genesis() -> (Genesis, Vec<ed25519::PublicKey>) {
        let keys: Vec<_> = (0..4)
            .map(|i| PrivateKey::from_seed_bytes([i + 1; 32]).public_key())
            .collect();
        let dealt = setup::deal(&keys).unwrap();
        let validators: Vec<_> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), format!("10.0.0.{}:7000", i + 1)))
            .collect();
        let (mut g, _) =
            setup::demo_genesis_with_validators("aigov-dkg", 1_000, &validators, &dealt.output)
                .unwrap();
        g.blocks_per_epoch = BPE;
        (g, keys.into_iter().map(|k| k.0).collect())
    }

    /// Executes empty blocks up to `height` on `store`.
    fn advance(genesis: &Genesis, store: &mut MemStore, height: u64) {
        let from = futures::executor::block_on(aigov_state::chain::height(store)).unwrap();
        for h in from + 1..=height {
            let ctx = BlockContext::unseeded(h, genesis.genesis_time_ms + h * 1_000);
            let out =
                futures::executor::block_on(execute_block(store, genesis, ctx, &[], Mode::Verify))
                    .unwrap();
            store.apply(&out.writes);
        }
    }

    /// The committee of an epoch is answered only once finalized state passed its cutoff, and
    /// then always the same, whatever was voted since; the directory holds exactly the peers
    /// asked for, at the addresses in force for the epoch.
    #[test]
    fn participants_wait_for_the_cutoff_and_never_change_after_it() {
        let (genesis, keys) = genesis();
        let genesis_set = Set::from_iter_dedup(keys.iter().cloned());
        deterministic::Runner::default().start(|context| async move {
            let state = MemState::default();
            let mut store = MemStore::default();
            advance(&genesis, &mut store, 2);
            *state.0.lock() = Some(store.clone());

            // participants(2) is fixed at block 4 (before epoch 0's midpoint).
            let done = Arc::new(AtomicBool::new(false));
            let asked = {
                let done = done.clone();
                let mut provider =
                    StateParticipants::new(context.child("provider"), state.clone(), BPE);
                context.child("ask").spawn(move |_| async move {
                    let set = provider.participants(Epoch::new(2)).await;
                    done.store(true, Ordering::SeqCst);
                    set
                })
            };
            context.sleep(Duration::from_millis(100)).await;
            assert!(!done.load(Ordering::SeqCst), "answered before the cutoff");
            advance(&genesis, &mut store, 4);
            *state.0.lock() = Some(store.clone());
            assert_eq!(asked.await.unwrap(), genesis_set);

            // A committee voted after the snapshot (here: written as governance would) does
            // not change epoch 2's, and becomes epoch 3's at block 14.
            let mut next: Vec<Validator> = genesis.validators.as_slice()[1..].to_vec();
            let newcomer = PrivateKey::from_seed_bytes([9; 32]).public_key();
            next.push(Validator {
                member: genesis.validators.as_slice()[0].member.clone(),
                key: newcomer.clone(),
                address: BoundedString::new("new.validators.test:7000").unwrap(),
            });
            let history: AddressHistory = BoundedVec::truncating(vec![AddressEntry {
                from_epoch: 2,
                address: BoundedString::new("new.validators.test:7000").unwrap(),
            }]);
            let set = ValidatorSet::new(next).unwrap();
            store.apply(&BTreeMap::from([
                (validators::keys::pending(), Some(set.encode().to_vec())),
                (
                    validators::keys::address(&newcomer),
                    Some(history.encode().to_vec()),
                ),
            ]));
            advance(&genesis, &mut store, 20);
            *state.0.lock() = Some(store.clone());
            let mut provider =
                StateParticipants::new(context.child("provider"), state.clone(), BPE);
            assert_eq!(provider.participants(Epoch::new(2)).await, genesis_set);
            let voted = provider.participants(Epoch::new(3)).await;
            assert!(voted.position(&newcomer.0).is_some());
            assert!(voted.position(&keys[0]).is_none());
            assert_eq!(voted.len(), 4);

            // Epoch 2's peers: the dealers and players (genesis') and next players (voted).
            let peers = Set::from_iter_dedup(keys.iter().cloned().chain([newcomer.0.clone()]));
            let directory = provider.directory(Epoch::new(2), peers.clone()).await;
            assert!(commonware_glue::dkg::network::Directory::matches(
                &directory, &peers
            ));
            assert_eq!(
                directory.get(&keys[1]),
                Some(&commonware_p2p::Address::Symmetric(
                    "10.0.0.2:7000".parse().unwrap()
                ))
            );
            // Epoch 1's directory predates the newcomer: it cannot be asked with it.
            assert!(matches!(
                provider.try_directory(1, &peers).await,
                Err(Unanswered::NoAddress { epoch: 1, .. })
            ));
        });
    }
}
