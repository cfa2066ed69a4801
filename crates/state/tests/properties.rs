//! Property tests: random sequences of blocks of random transactions (valid, invalid calls,
//! replays, wrong nonces, bad signatures, tampered bytes, wrong chain, low gas limits, random
//! bytes, several senders), executed as a proposer would, then as verifiers would, with the
//! state machine's invariants checked after every block.

mod support;

use aigov_state::keys::{ACCOUNTS, ALL, LOG, PERSONNEL, POOL, RECEIPTS};
use aigov_state::{BlockContext, BlockOutput, ExecError, MemStore, Mode, execute_block};
use aigov_types::codec::{Encode, decode_slice};
use aigov_types::event::{Event, EventRecord};
use aigov_types::genesis::Genesis;
use aigov_types::log::{leaf_hash, root};
use aigov_types::personnel::{Personnel, PersonnelStatus, Roles};
use aigov_types::receipt::GasPayer;
use aigov_types::{Account, Hash, PublicKey, Receipt, SignedTx};
use bytes::Bytes;
use futures::executor::block_on;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use support::*;

/// Who sends: genesis personnel with and without credits, a funded non-personnel account, and
/// fresh keys.
const SENDERS: [&str; 8] = [
    "alice", "bruno", "clara", "funded", "fresh-0", "fresh-1", "fresh-2", "fresh-3",
];
const MEMBERS: [&str; 4] = ["fr", "de", "eu", "atlantis"];
const ORGS: [Option<&str>; 4] = [None, Some("mistral"), Some("dc-berlin"), Some("acme")];

/// One transaction to build, relative to the state at the start of its block.
#[derive(Clone, Debug)]
enum Kind {
    /// The sender's next nonce and a registration whose fields may be invalid.
    Register {
        member: usize,
        org: usize,
        roles: u8,
        tier: u8,
    },
    /// A valid registration with a nonce off by `delta` (never 0).
    WrongNonce { delta: i8 },
    /// Signed by another key.
    BadSignature,
    /// A valid transaction with one byte flipped.
    Tampered { at: usize, xor: u8 },
    /// For another chain.
    WrongChain,
    /// A gas limit below any cost.
    LowGas,
    /// The exact bytes of an earlier transaction of this run.
    Replay { of: usize },
    /// Random bytes.
    Garbage(Vec<u8>),
}

#[derive(Clone, Debug)]
struct Spec {
    sender: usize,
    kind: Kind,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        6 => (0..MEMBERS.len(), 0..ORGS.len(), any::<u8>(), 0u8..6).prop_map(
            |(member, org, roles, tier)| Kind::Register { member, org, roles, tier }
        ),
        // Mostly valid registrations: fr, no organisation, a role, tier 2.
        6 => Just(Kind::Register { member: 0, org: 0, roles: 1, tier: 2 }),
        2 => prop_oneof![-3i8..0, 1i8..4].prop_map(|delta| Kind::WrongNonce { delta }),
        1 => Just(Kind::BadSignature),
        1 => (any::<usize>(), 1u8..=255).prop_map(|(at, xor)| Kind::Tampered { at, xor }),
        1 => Just(Kind::WrongChain),
        1 => Just(Kind::LowGas),
        2 => any::<usize>().prop_map(|of| Kind::Replay { of }),
        1 => proptest::collection::vec(any::<u8>(), 0..300).prop_map(Kind::Garbage),
    ]
}

fn spec() -> impl Strategy<Value = Spec> {
    (0..SENDERS.len(), kind()).prop_map(|(sender, kind)| Spec { sender, kind })
}

/// A genesis whose pool and sponsored quota vary, so both run out in some runs.
fn genesis_strategy() -> impl Strategy<Value = Genesis> {
    (prop_oneof![0u64..120_000, Just(POOL_GAS)], 1u32..6).prop_map(|(pool, quota)| {
        let mut g = genesis();
        g.pool_gas = pool;
        g.params.sponsored_txs_per_block_max = quota;
        g
    })
}

fn blocks_strategy() -> impl Strategy<Value = Vec<Vec<Spec>>> {
    proptest::collection::vec(proptest::collection::vec(spec(), 0..8), 1..7)
}

/// Builds a block's transactions from specs, against `c`'s current state. `history` holds every
/// transaction built so far (for replays).
fn build(c: &Chain, specs: &[Spec], history: &mut Vec<Bytes>) -> Vec<Bytes> {
    let mut next: BTreeMap<usize, u64> = BTreeMap::new();
    let mut out = Vec::new();
    for s in specs {
        let k = key(SENDERS[s.sender]);
        let nonce = *next
            .entry(s.sender)
            .or_insert_with(|| c.nonce(&k.public_key()));
        let valid = || register(&k, nonce);
        let raw = match &s.kind {
            Kind::Register {
                member,
                org,
                roles,
                tier,
            } => {
                next.insert(s.sender, nonce + 1);
                register_with(&k, nonce, |r| {
                    r.member = slug(MEMBERS[*member]);
                    r.organisation = ORGS[*org].map(slug);
                    // Bits above the seventh role do not encode; keep them out.
                    r.roles = roles_from_bits(*roles);
                    r.tier = *tier;
                })
            }
            Kind::WrongNonce { delta } => {
                let d = u64::from(delta.unsigned_abs());
                let n = if *delta > 0 || nonce < d {
                    nonce + d
                } else {
                    nonce - d
                };
                register(&k, n)
            }
            Kind::BadSignature => {
                let other = key(SENDERS[(s.sender + 1) % SENDERS.len()]);
                sign(tx(&k, nonce, register_call(registration())), &other)
            }
            Kind::Tampered { at, xor } => {
                let mut b = valid().to_vec();
                let i = at % b.len();
                b[i] ^= xor;
                Bytes::from(b)
            }
            Kind::WrongChain => {
                let mut t = tx(&k, nonce, register_call(registration()));
                t.chain_id = slug("another-chain");
                sign(t, &k)
            }
            Kind::LowGas => {
                let mut t = tx(&k, nonce, register_call(registration()));
                t.gas_limit = 100;
                sign(t, &k)
            }
            Kind::Replay { of } => {
                if history.is_empty() {
                    valid()
                } else {
                    history[of % history.len()].clone()
                }
            }
            Kind::Garbage(bytes) => Bytes::from(bytes.clone()),
        };
        history.push(raw.clone());
        out.push(raw);
    }
    out
}

fn roles_from_bits(bits: u8) -> Roles {
    let roles: Vec<_> = aigov_types::personnel::Role::ALL
        .into_iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, r)| r)
        .collect();
    Roles::from_roles(&roles)
}

fn same_output(a: &BlockOutput, b: &BlockOutput) -> Result<(), TestCaseError> {
    prop_assert_eq!(&a.writes, &b.writes);
    prop_assert_eq!(&a.receipts, &b.receipts);
    prop_assert_eq!(&a.events, &b.events);
    Ok(())
}

/// What one run produced, for comparing runs.
struct Run {
    /// Each block's transactions as given to the proposer.
    raw_blocks: Vec<Vec<Bytes>>,
    /// Each block as proposed (the included transactions).
    kept_blocks: Vec<Vec<Bytes>>,
    outputs: Vec<BlockOutput>,
    store: MemStore,
}

/// Executes the blocks as a proposer (then as verifiers of the full and the proposed block),
/// checking the invariants after each.
fn run(g: &Genesis, blocks: &[Vec<Spec>]) -> Result<Run, TestCaseError> {
    let mut c = Chain::with_genesis(g.clone());
    let mut history = Vec::new();
    let mut ledger = Ledger::default();
    let mut run = Run {
        raw_blocks: Vec::new(),
        kept_blocks: Vec::new(),
        outputs: Vec::new(),
        store: MemStore::default(),
    };
    for specs in blocks {
        let raw = build(&c, specs, &mut history);
        let proposed = c
            .execute(&raw, Mode::Propose)
            .map_err(|e| TestCaseError::fail(format!("proposing failed: {e}")))?;
        prop_assert!(proposed.included.windows(2).all(|w| w[0] < w[1]));
        prop_assert_eq!(proposed.receipts.len(), proposed.included.len());

        // A verifier of the full block rejects it exactly at the first transaction the proposer
        // left out, and otherwise computes the proposer's result.
        let first_left_out = (0..raw.len()).find(|i| !proposed.included.contains(i));
        match (c.execute(&raw, Mode::Verify), first_left_out) {
            (Ok(v), None) => same_output(&v, &proposed)?,
            (Err(ExecError::Inadmissible { index, .. }), Some(i)) => prop_assert_eq!(index, i),
            (other, expected) => {
                return Err(TestCaseError::fail(format!(
                    "verify gave {:?}, expected the first left-out index {expected:?}",
                    other.map(|o| o.included)
                )));
            }
        }
        // A verifier of the proposed block computes the same result.
        let kept: Vec<Bytes> = proposed.included.iter().map(|i| raw[*i].clone()).collect();
        let verified = c
            .execute(&kept, Mode::Verify)
            .map_err(|e| TestCaseError::fail(format!("the proposed block is invalid: {e}")))?;
        same_output(&verified, &proposed)?;
        prop_assert_eq!(&verified.included, &(0..kept.len()).collect::<Vec<_>>());

        for k in proposed.writes.keys() {
            prop_assert!(
                ALL.iter().any(|p| k.starts_with(p)),
                "write outside every module prefix: {:?}",
                String::from_utf8_lossy(k)
            );
        }

        c.store.apply(&proposed.writes);
        c.height += 1;
        ledger.record(&c, &proposed, &kept)?;
        check_invariants(&c, &ledger)?;

        run.raw_blocks.push(raw);
        run.kept_blocks.push(kept);
        run.outputs.push(proposed);
    }
    run.store = c.store;
    Ok(run)
}

/// What the test itself remembers of a run, independent of state.
#[derive(Default)]
struct Ledger {
    /// Hashes of every included transaction, in order.
    included: Vec<Hash>,
    /// Included transactions per sender.
    per_sender: BTreeMap<PublicKey, u64>,
    /// Events returned by the blocks, in order.
    events: Vec<EventRecord>,
}

impl Ledger {
    fn record(
        &mut self,
        c: &Chain,
        out: &BlockOutput,
        kept: &[Bytes],
    ) -> Result<(), TestCaseError> {
        for (raw, r) in kept.iter().zip(&out.receipts) {
            let stx = SignedTx::decode_and_verify(raw)
                .map_err(|e| TestCaseError::fail(format!("an included tx is invalid: {e}")))?;
            prop_assert_eq!(stx.hash(), r.hash);
            prop_assert_eq!(r.height, c.height);
            self.included.push(r.hash);
            *self.per_sender.entry(stx.tx.sender).or_default() += 1;
        }
        self.events.extend(out.events.iter().cloned());
        Ok(())
    }
}

fn check_invariants(c: &Chain, ledger: &Ledger) -> Result<(), TestCaseError> {
    let g = &c.genesis;

    // (b) The activity log: the stored frontier covers exactly the stored events, gap-free,
    // in height order, and its root is the RFC 6962 root of their leaf hashes.
    let frontier = c.frontier();
    let stored: Vec<(Vec<u8>, EventRecord)> = entries(&c.store, &[LOG, b"ev/"].concat());
    prop_assert_eq!(stored.len() as u64, frontier.size);
    for (i, (k, e)) in stored.iter().enumerate() {
        prop_assert_eq!(k, &aigov_state::log::keys::event(i as u64));
        prop_assert_eq!(e.index, i as u64);
    }
    let events: Vec<EventRecord> = stored.into_iter().map(|(_, e)| e).collect();
    prop_assert!(events.windows(2).all(|w| w[0].height <= w[1].height));
    let leaves: Vec<Hash> = events.iter().map(|e| leaf_hash(&e.encode())).collect();
    prop_assert_eq!(frontier.root(), root(&leaves));
    prop_assert_eq!(
        &events,
        &ledger.events,
        "the log is what the blocks returned"
    );
    let genesis_events = events.iter().take_while(|e| e.height == 0).count();
    prop_assert!(events[..genesis_events].iter().all(|e| e.tx.is_none()));
    // After genesis, an event without a transaction is an end-of-block hook's: here (no
    // proposals) only the economy's, after every transaction of its block.
    for (i, e) in events.iter().enumerate().skip(genesis_events) {
        if e.tx.is_none() {
            prop_assert!(matches!(
                e.event,
                Event::TreasuryCredited(_) | Event::GasPriceChanged(_)
            ));
            prop_assert!(
                events[i..]
                    .iter()
                    .take_while(|n| n.height == e.height)
                    .all(|n| n.tx.is_none())
            );
        }
    }
    let hook_events = events[genesis_events..]
        .iter()
        .filter(|e| e.tx.is_none())
        .count() as u64;

    // (c) Every included transaction has exactly one receipt and exactly one TxExecuted
    // event, the last of its events; every event after genesis belongs to one receipt.
    let receipts: Vec<(Vec<u8>, Receipt)> = entries(&c.store, RECEIPTS);
    prop_assert_eq!(receipts.len(), ledger.included.len());
    let unique: BTreeSet<_> = ledger.included.iter().collect();
    prop_assert_eq!(
        unique.len(),
        ledger.included.len(),
        "a transaction executed twice"
    );
    let mut executed: BTreeMap<Hash, usize> = BTreeMap::new();
    for e in &events {
        if let Event::TxExecuted(t) = &e.event {
            prop_assert_eq!(e.tx, Some(t.hash));
            *executed.entry(t.hash).or_default() += 1;
        }
    }
    prop_assert_eq!(executed.len(), receipts.len());
    let mut covered = genesis_events as u64;
    for (k, r) in &receipts {
        prop_assert_eq!(k, &aigov_state::log::keys::receipt(&r.hash));
        prop_assert!(unique.contains(&r.hash));
        prop_assert_eq!(executed.get(&r.hash), Some(&1));
        prop_assert!(r.event_count >= 1);
        let span = r.first_event as usize..r.first_event as usize + r.event_count as usize;
        prop_assert!(span.end <= events.len());
        let own = &events[span];
        prop_assert!(
            own.iter()
                .all(|e| e.tx == Some(r.hash) && e.height == r.height)
        );
        let (last, rest) = own.split_last().unwrap_or_else(|| unreachable!());
        let Event::TxExecuted(t) = &last.event else {
            return Err(TestCaseError::fail(
                "a transaction's last event is not TxExecuted",
            ));
        };
        prop_assert!(
            rest.iter()
                .all(|e| !matches!(e.event, Event::TxExecuted(_)))
        );
        prop_assert_eq!(
            (&t.sender, &t.outcome, t.gas_used, t.credits, t.payer),
            (&r.sender, &r.outcome, r.gas_used, r.credits, r.payer)
        );
        // A failed call emits nothing but its TxExecuted.
        if failure_code(&r.outcome).is_some() {
            prop_assert_eq!(r.event_count, 1);
        }
        covered += u64::from(r.event_count);
    }
    prop_assert_eq!(
        covered + hook_events,
        frontier.size,
        "every event belongs to genesis, a receipt or an end-of-block hook"
    );

    // (d) Credits are conserved: credits held plus credits spent equal credits granted, and
    // the ledger in state says the same.
    let accounts: Vec<(Vec<u8>, Account)> = entries(&c.store, ACCOUNTS);
    let held: u128 = accounts.iter().map(|(_, a)| u128::from(a.gas)).sum();
    let pool: u128 = u128::from(c.pool());
    let spent: u128 = receipts.iter().map(|(_, r)| u128::from(r.credits)).sum();
    prop_assert_eq!(held + pool + spent, genesis_gas_total(g));
    prop_assert_eq!(entries::<u64>(&c.store, POOL).len(), 1);
    let credit_ledger = block_on(aigov_state::gas::ledger(&c.store))
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(u128::from(credit_ledger.issued), genesis_gas_total(g));
    prop_assert_eq!(u128::from(credit_ledger.consumed), spent);

    // The treasury: balance = inflows − outflows, and the inflows are the genesis supply
    // plus the gas tax the log records.
    let treasury = block_on(aigov_state::treasury::ledger(&c.store))
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(treasury.balance, treasury.inflows - treasury.outflows);
    let logged: u64 = events
        .iter()
        .filter_map(|e| match &e.event {
            Event::TreasuryCredited(t) => Some(t.amount),
            _ => None,
        })
        .sum();
    prop_assert_eq!(treasury.inflows, logged);

    // (e) Nonces: each account's nonce is the number of its included transactions, and every
    // sender of an included transaction has an account.
    for (k, a) in &accounts {
        let who: PublicKey = decode_slice(&k[ACCOUNTS.len()..])
            .map_err(|e| TestCaseError::fail(format!("account key: {e}")))?;
        prop_assert_eq!(a.nonce, ledger.per_sender.get(&who).copied().unwrap_or(0));
    }
    for (who, n) in &ledger.per_sender {
        prop_assert_eq!(c.account(who).map(|a| a.nonce), Some(*n));
    }

    // Every personnel record has its PersonnelRegistered event, and the registry's count and
    // index agree with the records.
    let people: Vec<(Vec<u8>, Personnel)> = entries(&c.store, &[PERSONNEL, b"id/"].concat());
    let registered = events
        .iter()
        .filter(|e| matches!(e.event, Event::PersonnelRegistered(_)))
        .count();
    prop_assert_eq!(people.len(), registered);
    let (page, total) = block_on(aigov_state::personnel::queries::personnel_page(
        &c.store,
        0,
        u64::MAX,
    ))
    .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(total as usize, people.len());
    prop_assert_eq!(page.len(), people.len());
    let successes = receipts
        .iter()
        .filter(|(_, r)| failure_code(&r.outcome).is_none())
        .count();
    prop_assert_eq!(people.len(), g.personnel.len() + successes);

    // (g) Every state change has an event: replaying the log alone rebuilds the accounts, the
    // pool and the personnel registry.
    let replayed = replay_log(&events, g.pool_gas)?;
    let stored_accounts: BTreeMap<PublicKey, Account> = accounts
        .iter()
        .map(|(k, a)| decode_slice(&k[ACCOUNTS.len()..]).map(|who| (who, a.clone())))
        .collect::<Result<_, _>>()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&replayed.accounts, &stored_accounts);
    prop_assert_eq!(replayed.pool, c.pool());
    let stored_people: BTreeMap<PublicKey, _> = people
        .iter()
        .map(|(_, p)| {
            (
                p.account.clone(),
                (p.member.clone(), p.roles, p.tier, p.status),
            )
        })
        .collect();
    prop_assert_eq!(&replayed.personnel, &stored_people);
    Ok(())
}

/// What a reader of the activity log alone knows about state.
struct Replayed {
    accounts: BTreeMap<PublicKey, Account>,
    pool: u64,
    personnel: BTreeMap<PublicKey, (aigov_types::Slug, Roles, u8, PersonnelStatus)>,
}

/// Rebuilds accounts, pool and personnel from events (the pool's genesis balance is in the
/// genesis document, whose hash the first event records).
fn replay_log(events: &[EventRecord], genesis_pool: u64) -> Result<Replayed, TestCaseError> {
    let mut r = Replayed {
        accounts: BTreeMap::new(),
        pool: genesis_pool,
        personnel: BTreeMap::new(),
    };
    for e in events {
        match &e.event {
            Event::GasCredited(c) => {
                r.accounts.entry(c.account.clone()).or_default().gas += c.amount;
            }
            Event::TxExecuted(t) => {
                let a = r.accounts.entry(t.sender.clone()).or_default();
                a.nonce += 1;
                match t.payer {
                    GasPayer::Sender => {
                        prop_assert!(a.gas >= t.credits, "a sender paid more than it had");
                        a.gas -= t.credits;
                    }
                    GasPayer::Pool => {
                        prop_assert!(r.pool >= t.credits, "the pool paid more than it had");
                        r.pool -= t.credits;
                    }
                }
            }
            Event::GasPurchased(p) => match &p.account {
                Some(who) => r.accounts.entry(who.clone()).or_default().gas += p.credits,
                None => r.pool += p.credits,
            },
            Event::PersonnelRegistered(p) => {
                let fresh = r
                    .personnel
                    .insert(
                        p.account.clone(),
                        (p.member.clone(), p.roles, p.tier, p.status),
                    )
                    .is_none();
                prop_assert!(fresh, "a person registered twice");
            }
            Event::PersonnelStatusChanged(c) => {
                let Some(p) = r.personnel.get_mut(&c.account) else {
                    return Err(TestCaseError::fail("a status change for unknown personnel"));
                };
                prop_assert_eq!(p.3, c.from);
                p.3 = c.to;
            }
            Event::PersonnelTierChanged(c) => {
                let Some(p) = r.personnel.get_mut(&c.account) else {
                    return Err(TestCaseError::fail("a tier change for unknown personnel"));
                };
                prop_assert_eq!(p.2, c.from);
                p.2 = c.to;
            }
            // Governance events change governance state only (its own properties check it).
            Event::GenesisApplied(_)
            | Event::GasPriceChanged(_)
            | Event::EconomyParamsChanged(_)
            | Event::TreasuryCredited(_)
            | Event::TreasuryPaid(_)
            | Event::BountyClaimed(_)
            | Event::BountyRejected(_)
            | Event::ProposalEscalated(_)
            | Event::ProposalChallenged(_)
            | Event::DisputeResolved(_)
            | Event::VoteDelegated(_)
            | Event::EmergencyRatified(_)
            | Event::EmergencyLapsed(_)
            | Event::ProposalConflicts(_)
            | Event::ProposalCanceledByVote(_)
            | Event::ReportFiled(_)
            | Event::ReportReviewed(_)
            | Event::ReportEscalated(_)
            | Event::WhistleblowerKeyChanged(_)
            | Event::PhaseMismatch(_)
            | Event::ChallengeIssued(_)
            | Event::ChallengeClosed(_)
            | Event::RoundOpened(_)
            | Event::RoundVoteCast(_)
            | Event::RoundTallied(_)
            | Event::CandidateEliminated(_)
            | Event::RoundDecided(_)
            | Event::MemberAdmitted(_)
            | Event::OrganisationAdded(_)
            | Event::PersonnelTermRenewed(_)
            | Event::ProposalSubmitted(_)
            | Event::ProposalActivated(_)
            | Event::VoteCast(_)
            | Event::ProposalTallied(_)
            | Event::ProposalQueued(_)
            | Event::ProposalExecuted(_)
            | Event::ProposalExecutionFailed(_)
            | Event::ProposalCanceled(_)
            | Event::ProposalExpired(_)
            | Event::VotingExtended(_)
            | Event::ClassParamsChanged(_)
            | Event::GovernanceParamsChanged(_) => {}
            // Compute events change compute state only (`tests/compute.rs` checks it).
            Event::HardwareRegistered(_)
            | Event::HardwareStatusChanged(_)
            | Event::InspectionFiled(_)
            | Event::HardwareApproved(_)
            | Event::ModelRegistered(_)
            | Event::ModelStatusChanged(_)
            | Event::ModelApproved(_)
            | Event::WorkloadCreated(_)
            | Event::RunStarted(_)
            | Event::OtkIssued(_)
            | Event::OtkUsageReported(_)
            | Event::OtkRevoked(_)
            | Event::RunHalted(_)
            | Event::RunStageAdvanced(_)
            | Event::RunCompleted(_)
            | Event::DripPaused(_)
            | Event::ComputeParamsChanged(_) => {}
            // Certification events change certification state only (`tests/certify.rs`).
            Event::TemplateProposed(_)
            | Event::TemplateStatusChanged(_)
            | Event::StandardSet(_)
            | Event::RunnerRegistered(_)
            | Event::ModelDeclared(_)
            | Event::AuditReportFiled(_)
            | Event::ModelCertified(_)
            | Event::ModelRejected(_)
            | Event::RenewalDue(_)
            | Event::RetryAllowed(_)
            | Event::RetryRegistered(_) => {}
            // The committee is not balance state.
            Event::ValidatorsVoted(_) => {}
        }
    }
    Ok(r)
}

proptest! {
    // Each case runs up to 6 blocks of up to 8 transactions, each block executed three times
    // and the whole run replayed twice: a few milliseconds a case in a debug build.
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// (a)–(g): invariants after every block; the proposer's and verifiers' results agree; and
    /// executing the same blocks again on fresh stores gives identical writes and stores.
    #[test]
    fn random_blocks_keep_every_invariant_and_execute_deterministically(
        g in genesis_strategy(),
        blocks in blocks_strategy(),
    ) {
        let first = run(&g, &blocks)?;

        // Replay the same raw blocks as a proposer on a fresh store.
        let mut again = Chain::with_genesis(g.clone());
        for (raw, expected) in first.raw_blocks.iter().zip(&first.outputs) {
            let out = again.try_apply(raw, Mode::Propose)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            same_output(&out, expected)?;
            prop_assert_eq!(&out.included, &expected.included);
        }
        prop_assert_eq!(&again.store, &first.store);

        // Replay the proposed blocks as a verifier on a fresh store.
        let mut verifier = Chain::with_genesis(g.clone());
        for (kept, expected) in first.kept_blocks.iter().zip(&first.outputs) {
            let out = verifier.try_apply(kept, Mode::Verify)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            same_output(&out, expected)?;
        }
        prop_assert_eq!(&verifier.store, &first.store);
    }

    /// (f) No input panics: random bytes and mutated transactions, in either mode, at any
    /// height and time. A verifier includes nothing that does not decode and verify.
    #[test]
    fn arbitrary_blocks_never_panic(
        garbage in proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..400), 0..6),
        flips in proptest::collection::vec((any::<usize>(), 1u8..=255), 0..6),
        height in prop_oneof![Just(1u64), Just(2u64), any::<u64>()],
        time_ms in any::<u64>(),
        started in any::<bool>(),
    ) {
        let mut c = Chain::new();
        if started {
            c.apply(&[]);
        }
        let mut txs: Vec<Bytes> = garbage.into_iter().map(Bytes::from).collect();
        for (n, (at, xor)) in flips.into_iter().enumerate() {
            let mut b = register(&key(&format!("flip-{n}")), 0).to_vec();
            let i = at % b.len();
            b[i] ^= xor;
            txs.push(Bytes::from(b));
        }
        // A seed as consensus would give: a distinct value per block.
        let seed = aigov_types::Hash::digest(&[b"test seed", &height.to_be_bytes()]);
        let ctx = BlockContext {
            height,
            time_ms,
            seed,
        };
        for mode in [Mode::Propose, Mode::Verify] {
            if let Ok(out) = block_on(execute_block(&c.store, &c.genesis, ctx, &txs, mode)) {
                prop_assert_eq!(ctx.height, c.height + 1);
                // A verifier includes nothing that does not decode and verify; a proposer
                // trusts its mempool's signature checks but includes nothing undecodable.
                for i in &out.included {
                    match mode {
                        Mode::Verify => prop_assert!(SignedTx::decode_and_verify(&txs[*i]).is_ok()),
                        Mode::Propose => prop_assert!(SignedTx::decode_bounded(&txs[*i]).is_ok()),
                    }
                }
            }
        }
    }

    /// Transactions are malleable in neither bytes nor hash: whatever decodes and verifies is
    /// the canonical encoding of what was signed, so its size (and so its cost) and its hash
    /// are fixed by the signer.
    #[test]
    fn whatever_verifies_is_the_canonical_encoding(
        at in any::<usize>(),
        xor in 1u8..=255,
        extra in proptest::collection::vec(any::<u8>(), 0..3),
    ) {
        let raw = register(&key("dana"), 0);
        let mut b = raw.to_vec();
        let i = at % b.len();
        b[i] ^= xor;
        b.extend(extra);
        if let Ok(stx) = SignedTx::decode_and_verify(&b) {
            prop_assert_eq!(stx.encode().to_vec(), b);
        }
        let stx = SignedTx::decode_and_verify(&raw).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(stx.encode(), raw);
    }
}

#[test]
fn the_generator_reaches_success_failure_and_every_refusal() {
    // A fixed, hand-picked run that exercises each kind at least once, so a change to the
    // generator or to the harness cannot silently make the properties vacuous.
    let mut g = genesis();
    g.params.sponsored_txs_per_block_max = 3;
    let reg = |sender, tier| Spec {
        sender,
        kind: Kind::Register {
            member: 0,
            org: 0,
            roles: 1,
            tier,
        },
    };
    let blocks = vec![
        vec![reg(4, 2), reg(5, 0), reg(0, 2), reg(6, 2)],
        vec![
            Spec {
                sender: 4,
                kind: Kind::WrongNonce { delta: -1 },
            },
            Spec {
                sender: 5,
                kind: Kind::BadSignature,
            },
            Spec {
                sender: 6,
                kind: Kind::Tampered { at: 40, xor: 1 },
            },
            Spec {
                sender: 7,
                kind: Kind::WrongChain,
            },
            Spec {
                sender: 7,
                kind: Kind::LowGas,
            },
            Spec {
                sender: 1,
                kind: Kind::Replay { of: 0 },
            },
            Spec {
                sender: 1,
                kind: Kind::Garbage(vec![1, 2, 3]),
            },
            reg(7, 3),
        ],
    ];
    let r = run(&g, &blocks).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.outputs[0].included, [0, 1, 2]);
    let codes: Vec<_> = r.outputs[0]
        .receipts
        .iter()
        .map(|x| failure_code(&x.outcome))
        .collect();
    assert_eq!(
        codes,
        [
            None,
            Some("invalid_tier".into()),
            Some("already_registered".into())
        ]
    );
    assert_eq!(r.outputs[1].included, [7]);
    // The store holds a value under every module prefix that has state.
    for p in [ACCOUNTS, POOL, PERSONNEL, LOG, RECEIPTS] {
        assert!(r.store.entries.keys().any(|k| k.starts_with(p)));
    }
}
