//! Test support: a mock block producer over a [MemStore], a demo genesis and transaction
//! builders. Every scenario and property test drives `aigov-state` only through its public API
//! (`execute_block`, `admit`, `validate_genesis` and the modules' queries), with real Ed25519
//! signatures.
#![allow(dead_code)]
// `ExecError` and `AdmissionError` carry public keys; the harness returns them as they are.
#![allow(clippy::result_large_err)]

pub mod gov;

use aigov_state::app::{self, Pending};
use aigov_state::{
    AdmissionError, BlockContext, BlockOutput, ExecError, MemStore, Mode, accounts, chain, log,
    personnel,
};
use aigov_types::codec::{BoundedBytes, BoundedString, BoundedVec, Encode, decode_slice};
use aigov_types::event::{Event, EventRecord};
use aigov_types::genesis::{Genesis, GenesisAccount, GenesisPersonnel, Params, Validator};
use aigov_types::governance::{ClassParams, GovernanceParams};
use aigov_types::log::Frontier;
use aigov_types::personnel::{
    Member, Organisation, OrganisationKind, Personnel, PersonnelCall, RegisterPersonnel, Role,
    Roles,
};
use aigov_types::receipt::TxOutcome;
use aigov_types::{Account, Call, Hash, PrivateKey, PublicKey, Receipt, SignedTx, Slug, Tx};
use bytes::Bytes;
use futures::executor::block_on;

/// The chain id of every test genesis.
pub const CHAIN_ID: &str = "aigov-test";
/// Genesis time: 2023-11-14T22:13:20Z.
pub const GENESIS_TIME_MS: u64 = 1_700_000_000_000;
/// Block interval of the mock producer.
pub const BLOCK_MS: u64 = 2_000;
/// Blocks per epoch of the test genesis: short, so tests cross several epochs' validator
/// snapshots.
pub const BLOCKS_PER_EPOCH: u64 = 10;
/// Gas limit of the built transactions: above any transaction's cost.
pub const GAS_LIMIT: u64 = 100_000;
/// The pool of the default genesis.
pub const POOL_GAS: u64 = 10_000_000;
/// The treasury's genesis supply.
pub const TREASURY_SUPPLY: u64 = 50_000_000;

/// A deterministic key named `name` (its seed is SHA-256 of the name).
pub fn key(name: &str) -> PrivateKey {
    PrivateKey::from_seed_bytes(Hash::digest(&[b"aigov-test-key/", name.as_bytes()]).0)
}

/// The public key named `name`.
pub fn pk(name: &str) -> PublicKey {
    key(name).public_key()
}

/// A slug; panics on an invalid literal.
pub fn slug(s: &str) -> Slug {
    Slug::new(s).unwrap()
}

/// A bounded string; panics if too long.
pub fn text<const N: usize>(s: &str) -> BoundedString<N> {
    BoundedString::new(s).unwrap()
}

fn member(id: &str, name: &str, seats: &[u16]) -> Member {
    Member {
        id: slug(id),
        name: text(name),
        seats_per_tier: BoundedVec::new(seats.to_vec()).unwrap(),
    }
}

fn organisation(id: &str, name: &str, member: &str, kind: OrganisationKind) -> Organisation {
    Organisation {
        id: slug(id),
        name: text(name),
        member: slug(member),
        kind,
    }
}

fn genesis_person(
    name: &str,
    member: &str,
    org: Option<&str>,
    roles: &[Role],
    tier: u8,
) -> GenesisPersonnel {
    GenesisPersonnel {
        account: pk(name),
        member: slug(member),
        organisation: org.map(slug),
        roles: Roles::from_roles(roles),
        tier,
        name: text(name),
    }
}

/// Genesis personnel (Active): `alice` (fr, tier 1, policy), `bruno` (de, tier 2, safety,
/// organisation `dc-berlin`), `clara` (eu, tier 2, auditor + inspector).
pub const GENESIS_PERSONNEL: [&str; 3] = ["alice", "bruno", "clara"];
/// Accounts credited at genesis, with their gas.
pub const GENESIS_ACCOUNTS: [(&str, u64); 3] = [
    ("alice", 1_000_000),
    ("bruno", 500_000),
    ("funded", 250_000),
];

/// Governance parameters for tests: periods of a few blocks ([BLOCK_MS]), tier weights 4/2/1,
/// a 40 % member cap, no veto, no late-quorum extension and no confirm period (scenarios turn
/// those on where they test them):
/// - Review and Safety: one block of delay, five of voting, 50 % quorum, 60 % approval, two
///   approving members, two blocks of enactment delay, a five-block execution window;
///   Review admits every role but TreasuryOfficer, Safety only Safety and Policy; tiers 1–3;
/// - System: Policy of tiers 1–2, two-thirds approval, otherwise as Review;
/// - Emergency: Safety and Policy of tiers 1–2, no delay, three blocks of voting, 30 % quorum,
///   75 % approval, no enactment delay, a two-block window;
/// - at most 8 live proposals.
pub fn test_governance() -> GovernanceParams {
    let review = ClassParams {
        eligible_roles: Roles::from_roles(&[
            Role::Policy,
            Role::Safety,
            Role::Software,
            Role::Hardware,
            Role::Inspector,
            Role::Auditor,
        ]),
        lowest_tier: 3,
        voting_delay_ms: BLOCK_MS,
        voting_period_ms: 5 * BLOCK_MS,
        quorum_bps: 5_000,
        approval_bps: 6_000,
        min_approving_members: 2,
        veto_members: 0,
        enactment_delay_ms: 2 * BLOCK_MS,
        execution_window_ms: 5 * BLOCK_MS,
        late_quorum_extension_ms: 0,
        max_extensions: 0,
        confirm_period_ms: 0,
    };
    GovernanceParams {
        tier_weights: BoundedVec::new(vec![4, 2, 1]).unwrap(),
        member_weight_cap_bps: 4_000,
        safety: ClassParams {
            eligible_roles: Roles::from_roles(&[Role::Safety, Role::Policy]),
            ..review.clone()
        },
        system: ClassParams {
            eligible_roles: Roles::from_roles(&[Role::Policy]),
            lowest_tier: 2,
            approval_bps: 6_667,
            ..review.clone()
        },
        emergency: ClassParams {
            eligible_roles: Roles::from_roles(&[Role::Safety, Role::Policy]),
            lowest_tier: 2,
            voting_delay_ms: 0,
            voting_period_ms: 3 * BLOCK_MS,
            quorum_bps: 3_000,
            approval_bps: 7_500,
            enactment_delay_ms: 0,
            execution_window_ms: 2 * BLOCK_MS,
            ..review.clone()
        },
        review,
        max_live_proposals: 8,
        emergency_ratification_ms: 20 * BLOCK_MS,
        dispute_bond: 50_000,
    }
}

/// The demo genesis:
/// - members `fr` (seats 2/3/5 at tiers 1/2/3), `de` (1/2/4), `eu` (0/2/2: no tier-1 seat);
///   no member has seats below tier 3;
/// - organisations `mistral` (lab, fr) and `dc-berlin` (datacenter, de);
/// - [GENESIS_PERSONNEL], Active; [GENESIS_ACCOUNTS] funded; a pool of [POOL_GAS];
/// - one validator per member; default chain parameters, [test_governance] parameters.
pub fn genesis() -> Genesis {
    Genesis {
        chain_id: slug(CHAIN_ID),
        genesis_time_ms: GENESIS_TIME_MS,
        params: Params::default(),
        governance: test_governance(),
        members: BoundedVec::new(vec![
            member("fr", "France", &[2, 3, 5]),
            member("de", "Germany", &[1, 2, 4]),
            member("eu", "European Union", &[0, 2, 2]),
        ])
        .unwrap(),
        organisations: BoundedVec::new(vec![
            organisation("mistral", "Mistral AI", "fr", OrganisationKind::Lab),
            organisation("dc-berlin", "Berlin DC", "de", OrganisationKind::Datacenter),
        ])
        .unwrap(),
        personnel: BoundedVec::new(vec![
            genesis_person("alice", "fr", None, &[Role::Policy], 1),
            genesis_person("bruno", "de", Some("dc-berlin"), &[Role::Safety], 2),
            genesis_person("clara", "eu", None, &[Role::Auditor, Role::Inspector], 2),
        ])
        .unwrap(),
        accounts: BoundedVec::new(
            GENESIS_ACCOUNTS
                .iter()
                .map(|(n, gas)| GenesisAccount {
                    account: pk(n),
                    gas: *gas,
                })
                .collect(),
        )
        .unwrap(),
        pool_gas: POOL_GAS,
        economy: Default::default(),
        treasury_supply: TREASURY_SUPPLY,
        validators: BoundedVec::new(
            ["fr", "de", "eu"]
                .iter()
                .map(|m| Validator {
                    member: slug(m),
                    key: pk(&format!("validator-{m}")),
                    address: text(&format!("{m}.validators.test:7000")),
                })
                .collect(),
        )
        .unwrap(),
        group_polynomial: BoundedBytes::default(),
        blocks_per_epoch: BLOCKS_PER_EPOCH,
        epoch0: BoundedBytes::default(),
        whistleblower_key: None,
    }
}

/// Credits in existence at genesis: every account's plus the pool's.
pub fn genesis_gas_total(g: &Genesis) -> u128 {
    g.accounts.iter().map(|a| u128::from(a.gas)).sum::<u128>() + u128::from(g.pool_gas)
}

/// A valid registration: member `fr`, no organisation, role safety, tier 2.
pub fn registration() -> RegisterPersonnel {
    RegisterPersonnel {
        member: slug("fr"),
        organisation: None,
        roles: Roles::from_roles(&[Role::Safety]),
        tier: 2,
        name: text("Newcomer"),
        credential: Hash::digest(&[b"credential"]),
    }
}

/// Wraps a registration in a [Call].
pub fn register_call(r: RegisterPersonnel) -> Call {
    Call::Personnel(PersonnelCall::Register(r))
}

/// An unsigned transaction of the test chain from `key` with [GAS_LIMIT].
pub fn tx(key: &PrivateKey, nonce: u64, call: Call) -> Tx {
    Tx {
        chain_id: slug(CHAIN_ID),
        sender: key.public_key(),
        nonce,
        gas_limit: GAS_LIMIT,
        call,
    }
}

/// Signs and encodes.
pub fn sign(tx: Tx, key: &PrivateKey) -> Bytes {
    tx.sign(key).encode()
}

/// A signed, encoded registration with the default fields.
pub fn register(key: &PrivateKey, nonce: u64) -> Bytes {
    register_with(key, nonce, |_| {})
}

/// A signed, encoded registration whose fields `edit` changes.
pub fn register_with(
    key: &PrivateKey,
    nonce: u64,
    edit: impl FnOnce(&mut RegisterPersonnel),
) -> Bytes {
    let mut r = registration();
    edit(&mut r);
    sign(tx(key, nonce, register_call(r)), key)
}

/// The hash of an encoded signed transaction.
pub fn hash_of(raw: &[u8]) -> Hash {
    SignedTx::decode_bounded(raw).unwrap().hash()
}

/// A failed outcome's code, or `None` on success.
pub fn failure_code(outcome: &TxOutcome) -> Option<String> {
    match outcome {
        TxOutcome::Success(_) => None,
        TxOutcome::Failed(f) => Some(f.code.as_str().to_string()),
    }
}

/// The admission error inside an [ExecError::Inadmissible], with its index.
pub fn inadmissible(e: ExecError) -> (usize, AdmissionError) {
    match e {
        ExecError::Inadmissible { index, error } => (index, error),
        other => panic!("expected an inadmissible transaction, got {other:?}"),
    }
}

/// A mock block producer: executes blocks at consecutive heights, [BLOCK_MS] apart, and applies
/// their writes to a [MemStore].
pub struct Chain {
    /// The genesis every block is executed with.
    pub genesis: Genesis,
    /// The state after the last applied block.
    pub store: MemStore,
    /// Height of the last applied block (0 before the first).
    pub height: u64,
    /// Block time added to every later block by [Chain::skip] (a gap in the chain).
    pub skipped_ms: u64,
    /// The consensus randomness every later block is executed with (zero: none).
    pub seed: Hash,
}

impl Default for Chain {
    fn default() -> Self {
        Self::new()
    }
}

impl Chain {
    /// A chain of the demo [genesis], before its first block.
    pub fn new() -> Self {
        Self::with_genesis(genesis())
    }

    /// A chain of `genesis`, before its first block.
    pub fn with_genesis(genesis: Genesis) -> Self {
        Self {
            genesis,
            store: MemStore::default(),
            height: 0,
            skipped_ms: 0,
            seed: Hash::default(),
        }
    }

    /// A chain of the demo genesis with its first (empty) block applied, so genesis is in state.
    pub fn started() -> Self {
        let mut c = Self::new();
        c.apply(&[]);
        c
    }

    /// The context of the next block.
    pub fn next_ctx(&self) -> BlockContext {
        let height = self.height + 1;
        BlockContext {
            height,
            time_ms: GENESIS_TIME_MS + height * BLOCK_MS + self.skipped_ms,
            seed: self.seed,
        }
    }

    /// Block time of the last applied block.
    pub fn now(&self) -> u64 {
        GENESIS_TIME_MS + self.height * BLOCK_MS + self.skipped_ms
    }

    /// Leaves a gap of `ms` before the next block (no block is produced meanwhile).
    pub fn skip(&mut self, ms: u64) {
        self.skipped_ms += ms;
    }

    /// Executes the next block on the current state without applying it.
    ///
    /// `Mode::Propose` is run as the node runs it: on what its mempool would hold, i.e. only
    /// transactions whose signature verifies (the proposer does not re-check them), with
    /// `included` mapped back to positions in `txs`.
    pub fn execute(&self, txs: &[Bytes], mode: Mode) -> Result<BlockOutput, ExecError> {
        if mode == Mode::Verify {
            return block_on(app::execute_block(
                &self.store,
                &self.genesis,
                self.next_ctx(),
                txs,
                mode,
            ));
        }
        let admitted: Vec<usize> = (0..txs.len())
            .filter(|i| SignedTx::decode_and_verify(&txs[*i]).is_ok())
            .collect();
        let pool: Vec<Bytes> = admitted.iter().map(|i| txs[*i].clone()).collect();
        let mut out = block_on(app::execute_block(
            &self.store,
            &self.genesis,
            self.next_ctx(),
            &pool,
            mode,
        ))?;
        out.included = out.included.iter().map(|i| admitted[*i]).collect();
        Ok(out)
    }

    /// Executes the next block and, if it executes, applies its writes.
    pub fn try_apply(&mut self, txs: &[Bytes], mode: Mode) -> Result<BlockOutput, ExecError> {
        let out = self.execute(txs, mode)?;
        self.store.apply(&out.writes);
        self.height += 1;
        Ok(out)
    }

    /// Verifies and applies the next block; panics if it is invalid.
    pub fn apply(&mut self, txs: &[Bytes]) -> BlockOutput {
        self.try_apply(txs, Mode::Verify)
            .unwrap_or_else(|e| panic!("block {} is invalid: {e}", self.height + 1))
    }

    /// Builds a proposal from `txs` (leaving out the inadmissible) and applies it.
    pub fn propose(&mut self, txs: &[Bytes]) -> BlockOutput {
        self.try_apply(txs, Mode::Propose)
            .unwrap_or_else(|e| panic!("proposal {} failed: {e}", self.height + 1))
    }

    /// `admit` against the current state.
    pub fn admit(&self, raw: &[u8], pending: Pending) -> Result<app::Charge, AdmissionError> {
        let stx = SignedTx::decode_and_verify(raw)?;
        let now = block_on(chain::time_ms(&self.store)).unwrap();
        let rules = block_on(app::Rules::load(&self.store, now)).unwrap();
        block_on(app::admit(
            &self.store,
            &self.genesis.chain_id,
            &rules,
            &stx,
            raw.len(),
            pending,
        ))
        .unwrap()
    }

    /// The parameters in force.
    pub fn params(&self) -> Params {
        block_on(chain::params(&self.store)).unwrap()
    }

    /// An account.
    pub fn account(&self, who: &PublicKey) -> Option<Account> {
        block_on(accounts::account(&self.store, who)).unwrap()
    }

    /// An account's next nonce (0 if it has none).
    pub fn nonce(&self, who: &PublicKey) -> u64 {
        self.account(who).map_or(0, |a| a.nonce)
    }

    /// The pool's credits.
    pub fn pool(&self) -> u64 {
        block_on(accounts::pool_gas(&self.store)).unwrap()
    }

    /// A person.
    pub fn personnel(&self, who: &PublicKey) -> Option<Personnel> {
        block_on(personnel::queries::personnel(&self.store, who)).unwrap()
    }

    /// A member.
    pub fn member(&self, id: &str) -> Option<Member> {
        block_on(personnel::queries::member(&self.store, &slug(id))).unwrap()
    }

    /// The receipt of a transaction.
    pub fn receipt(&self, hash: &Hash) -> Option<Receipt> {
        block_on(log::receipt(&self.store, hash)).unwrap()
    }

    /// The log frontier.
    pub fn frontier(&self) -> Frontier {
        block_on(log::frontier(&self.store)).unwrap()
    }

    /// Event `index`.
    pub fn event(&self, index: u64) -> Option<EventRecord> {
        block_on(log::event(&self.store, index)).unwrap()
    }

    /// Every event in the log, in order (by the frontier's size).
    pub fn events(&self) -> Vec<EventRecord> {
        (0..self.frontier().size)
            .map(|i| self.event(i).unwrap_or_else(|| panic!("event {i} missing")))
            .collect()
    }

    /// The events a receipt points at.
    pub fn events_of(&self, r: &Receipt) -> Vec<EventRecord> {
        (r.first_event..r.first_event + u64::from(r.event_count))
            .map(|i| self.event(i).unwrap())
            .collect()
    }
}

/// Entries of `store` whose key starts with `prefix`, decoded as `T`.
pub fn entries<T: aigov_types::codec::Read<Cfg = ()>>(
    store: &MemStore,
    prefix: &[u8],
) -> Vec<(Vec<u8>, T)> {
    store
        .entries
        .range(prefix.to_vec()..)
        .take_while(|(k, _)| k.starts_with(prefix))
        .map(|(k, v)| {
            let t =
                decode_slice::<T>(v).unwrap_or_else(|e| panic!("entry {k:?} does not decode: {e}"));
            (k.clone(), t)
        })
        .collect()
}

/// The kind names of events, for compact assertions, without the economy's end-of-block
/// bookkeeping (the gas tax reaching the treasury, price moves), which `tests/economy.rs`
/// checks on its own.
pub fn kinds(events: &[EventRecord]) -> Vec<&'static str> {
    events
        .iter()
        .map(|e| e.event.kind())
        .filter(|k| !matches!(*k, "treasury_credited" | "gas_price_changed"))
        .collect()
}

/// The `TxExecuted` payload of an event, if it is one.
pub fn tx_executed(e: &EventRecord) -> Option<&aigov_types::event::TxExecuted> {
    match &e.event {
        Event::TxExecuted(t) => Some(t),
        _ => None,
    }
}
