//! Block execution: the one place that decides the order in which things happen.
//!
//! For each block:
//! 1. on the first block, apply genesis (members, organisations, personnel, credits, pool,
//!    economy parameters and base price, treasury supply, governance parameters, the consensus
//!    committee);
//! 2. for each transaction, in block order:
//!    - a. decode and verify the signature, then **admission** ([admit]): chain id, nonce,
//!      gas limit, who pays ([Sponsorship]: the sender; the pool for an applicant, within the
//!      per-account limit and the block's quota; the pool for a duty of Active personnel,
//!      within their daily allowance), the payer's balance in credits (gas × the price in
//!      force for the whole block). An inadmissible transaction makes a block invalid (when
//!      verifying) or is left out (when proposing);
//!    - b. **charge**: consume the nonce and the gas, whatever the call's outcome;
//!    - c. run the **call** in its own overlay: on success its writes and events apply, on
//!      failure none do;
//!    - d. append the call's events, then `TxExecuted`, to the log; write the receipt;
//! 3. the **end-of-block hooks**, after every transaction: governance moves each live proposal
//!    along by block time, in id order (activation, tally, late-quorum extension, confirm,
//!    queueing, execution of due actions, expiry; see [crate::governance::hooks]); then, at the
//!    block before an epoch's midpoint, the committee as voted becomes the committee of the
//!    epoch after next ([crate::validators::end_block]); then the
//!    hardware registry flags hardware whose periodic inspection fell due
//!    ([crate::hardware::end_block]); then the OTK drip serves its queued runs with rations
//!    drawn from the block's randomness ([block_randomness], [crate::otk::end_block]), after
//!    every halt of the block; then gas
//!    books the block's consumed credits, sends their tax to the treasury and moves the price
//!    from the block's gas ([crate::gas::end_block]); their events are appended to the log
//!    with no transaction;
//! 4. write the log frontier, height and block time.

use crate::error::{AdmissionError, CallError, ExecError, TxError};
use crate::store::{Overlay, StateRead, StoreError};
use crate::{
    accounts, certify, chain, gas, governance, hardware, integrity, log::LogWriter, models, otk,
    personnel, templates, treasury, validators, whistle, workloads,
};
use aigov_types::call::Sponsorship;
use aigov_types::codec::BoundedString;
use aigov_types::economy::{EconomyParams, GasCall};
use aigov_types::event::{Event, EventRecord, GasCredited, GenesisApplied, TxExecuted};
use aigov_types::genesis::{Genesis, Params};
use aigov_types::governance::GovernanceCall;
use aigov_types::hardware::HardwareCall;
use aigov_types::model::ModelCall;
use aigov_types::otk::OtkCall;
use aigov_types::personnel::{Personnel, PersonnelCall, PersonnelStatus};
use aigov_types::receipt::{Failure, GasPayer, Succeeded, TxOutcome};
use aigov_types::template::{ReportCall, TemplateCall};
use aigov_types::treasury::TreasuryCall;
use aigov_types::tx::TxFormatError;
use aigov_types::whistle::WhistleCall;
use aigov_types::workload::WorkloadCall;
use aigov_types::{Account, Call, Hash, Receipt, SignedTx};
use bytes::Bytes;
use std::collections::BTreeMap;

/// What the state machine knows about the block being executed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockContext {
    /// The block's height (1 for the first block after genesis).
    pub height: u64,
    /// The block's time, ms since the Unix epoch.
    pub time_ms: u64,
    /// The consensus's randomness for this block: the hash of the threshold-VRF seed its
    /// header carries (the group's BLS signature over the parent's round, checked against the
    /// group key by `aigov-chain` before execution), or zero when there is none (the first
    /// block, and tests that drive the state machine without consensus).
    pub seed: Hash,
}

impl BlockContext {
    /// A context without consensus randomness (tests, benchmarks, and tools that execute
    /// blocks outside consensus): [block_randomness] then rests on state alone.
    pub fn unseeded(height: u64, time_ms: u64) -> Self {
        Self {
            height,
            time_ms,
            seed: Hash::default(),
        }
    }
}

/// The block's randomness: SHA-256 of a domain tag, the consensus seed ([BlockContext::seed]),
/// the activity log's root as the parent left it, and the height. It sizes OTK rations and
/// picks which hardware an integrity challenge goes to, and when.
///
/// The seed is what makes it unbiasable: a BLS threshold signature over the parent's round,
/// unique for that round, which no coalition below the threshold can compute, so nobody knows
/// it before the parent is notarized, by which time the parent's contents are fixed. The log
/// root (which commits to every event up to the parent) keeps draws distinct when there is no
/// seed; alone, it could be ground by the parent's proposer (reordering its transactions,
/// nudging its time). What remains: once the parent is notarized, everyone can compute this
/// block's draws (one block ahead, well inside any challenge deadline), and a leader could
/// decline to propose, costing it its turn, to skip one draw.
pub fn block_randomness(seed: &Hash, parent_log_root: &Hash, height: u64) -> Hash {
    Hash::digest(&[
        b"aigov/block-randomness/v2",
        &seed.0,
        &parent_log_root.0,
        &height.to_be_bytes(),
    ])
}

/// Whether the block is being built (leave out inadmissible transactions) or checked (reject
/// the block if any transaction is inadmissible).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Building a proposal from the node's own mempool. Signatures are **not** re-checked: the
    /// caller vouches that every transaction passed [SignedTx::decode_and_verify] on admission
    /// (the mempool admits nothing else). Peers verify the resulting block in `Verify` mode.
    Propose,
    /// Verifying or replaying a block.
    Verify,
}

/// The result of executing a block.
#[derive(Debug, Default)]
pub struct BlockOutput {
    /// Every write, in key order.
    pub writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// Receipts of the executed transactions, in block order.
    pub receipts: Vec<Receipt>,
    /// Events appended to the log, in order.
    pub events: Vec<EventRecord>,
    /// Indices (into the given transactions) that were executed. In `Verify` mode, all.
    pub included: Vec<usize>,
}

/// A transaction's execution context: its own overlay (dropped if the call fails), the block
/// context, the parameters in force and the events it emits.
pub struct TxCtx<'t, B: StateRead> {
    /// The transaction's writes, over the block's.
    pub overlay: Overlay<'t, B>,
    /// The block.
    pub block: BlockContext,
    /// Parameters in force.
    pub params: Params,
    /// Events emitted so far.
    pub events: Vec<Event>,
}

/// Gas of a call beyond the per-transaction base and per-byte cost.
pub fn call_gas(call: &Call) -> u64 {
    match call {
        Call::Personnel(PersonnelCall::Register(_)) => 5_000,
        Call::Governance(GovernanceCall::Propose(_)) => 20_000,
        Call::Governance(GovernanceCall::Vote(_)) => 3_000,
        Call::Governance(GovernanceCall::Cancel(_)) => 2_000,
        Call::Governance(GovernanceCall::Escalate(_)) => 20_000,
        Call::Governance(GovernanceCall::Challenge(_)) => 25_000,
        Call::Governance(GovernanceCall::Delegate(_)) => 3_000,
        // Runs a whole proposal's actions: priced like proposing.
        Call::Governance(GovernanceCall::Execute(_)) => 20_000,
        Call::Governance(GovernanceCall::VoteRound(_)) => 3_000,
        Call::Gas(GasCall::RecordPurchase(_)) => 5_000,
        Call::Treasury(TreasuryCall::ClaimBounty(_)) => 5_000,
        Call::Hardware(HardwareCall::Register(_)) => 10_000,
        // A signature check per co-inspector.
        Call::Hardware(HardwareCall::Inspect(f)) => {
            5_000u64.saturating_add(2_000u64.saturating_mul(f.cosigners.len() as u64))
        }
        // Certificate chains, collateral and a signature: a few milliseconds of verification.
        Call::Hardware(HardwareCall::AnswerChallenge(_)) => 30_000,
        Call::Model(ModelCall::Register(_)) => 10_000,
        Call::Model(ModelCall::Declare(_)) => 5_000,
        Call::Model(ModelCall::RegisterRetry(_)) => 10_000,
        // Compiling Cedar: about a millisecond for a realistic template, 10 ms at the caps.
        Call::Template(TemplateCall::Propose(_)) => 30_000,
        Call::Report(ReportCall::RegisterRunner(_)) => 5_000,
        // Compiles and evaluates two templates.
        Call::Report(ReportCall::Submit(_)) => 30_000,
        Call::Workload(WorkloadCall::Create(_)) => 5_000,
        Call::Workload(WorkloadCall::StartRun(_)) => 5_000,
        Call::Otk(OtkCall::ReportUsage(_)) => 2_000,
        // The sealed blob is paid by the byte like any transaction.
        Call::Whistle(WhistleCall::File(_)) => 5_000,
    }
}

/// The gas a transaction of `size` encoded bytes costs.
pub fn tx_cost(params: &Params, call: &Call, size: usize) -> u64 {
    params
        .tx_base_gas
        .saturating_add(params.tx_gas_per_byte.saturating_mul(size as u64))
        .saturating_add(call_gas(call))
}

/// What a sender already has waiting in a mempool: admission of one more transaction must
/// account for it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// Transactions pending.
    pub count: u64,
    /// Their total cost to the sender's own credits.
    pub cost: u64,
    /// Their total cost to the pool (sponsored calls), which counts against the sender's
    /// daily duty allowance.
    pub sponsored: u64,
}

/// Who pays how much for an admitted transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Charge {
    /// Payer.
    pub payer: GasPayer,
    /// Gas.
    pub gas: u64,
    /// Credits: the gas at the current price.
    pub credits: u64,
}

/// The rules admission applies: the chain's and the economy's parameters, the gas price and
/// the block time (which day's duty allowance applies).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Chain parameters.
    pub chain: Params,
    /// Economy parameters.
    pub economy: EconomyParams,
    /// Gas price, milli-credits per gas.
    pub price: u64,
    /// Block time, ms.
    pub now_ms: u64,
}

impl Rules {
    /// The rules in force in state `s` at block time `now_ms`.
    pub async fn load(s: &impl StateRead, now_ms: u64) -> Result<Self, StoreError> {
        Ok(Self {
            chain: chain::params(s).await?,
            economy: gas::params(s).await?,
            price: gas::price(s).await?.price,
            now_ms,
        })
    }
}

/// Stateful admission checks, shared by the mempool and block execution. The signature must
/// already have been checked.
pub async fn admit(
    s: &impl StateRead,
    chain_id: &aigov_types::Slug,
    rules: &Rules,
    stx: &SignedTx,
    size: usize,
    pending: Pending,
) -> Result<Result<Charge, AdmissionError>, StoreError> {
    let tx = &stx.tx;
    let params = &rules.chain;
    if tx.chain_id != *chain_id {
        return Ok(Err(AdmissionError::WrongChainId {
            expected: chain_id.clone(),
            got: tx.chain_id.clone(),
        }));
    }
    let account = accounts::account(s, &tx.sender).await?;
    let sponsorship = tx.call.sponsorship();
    let sponsored = sponsorship != Sponsorship::Unsponsored;
    let base_nonce = account.as_ref().map_or(0, |a| a.nonce);
    if account.is_none() && !sponsored {
        return Ok(Err(AdmissionError::UnknownAccount(tx.sender.clone())));
    }
    let expected = base_nonce.saturating_add(pending.count);
    if tx.nonce < expected {
        return Ok(Err(AdmissionError::StaleNonce {
            sender: tx.sender.clone(),
            expected,
            got: tx.nonce,
        }));
    }
    if tx.nonce > expected {
        return Ok(Err(AdmissionError::NonceGap {
            sender: tx.sender.clone(),
            expected,
            got: tx.nonce,
        }));
    }
    let gas = tx_cost(params, &tx.call, size);
    if tx.gas_limit < gas {
        return Ok(Err(AdmissionError::GasLimitTooLow {
            cost: gas,
            limit: tx.gas_limit,
        }));
    }
    let credits = EconomyParams::credits_for(gas, rules.price);
    if sponsorship == Sponsorship::Applicant && expected >= params.sponsored_txs_per_account_max {
        return Ok(Err(AdmissionError::SponsorshipUsed {
            sender: tx.sender.clone(),
            max: params.sponsored_txs_per_account_max,
        }));
    }
    if sponsorship == Sponsorship::Duty {
        let status = personnel::queries::personnel(s, &tx.sender)
            .await?
            .map(|p| p.status);
        if status != Some(PersonnelStatus::Active) {
            return Ok(Err(AdmissionError::NotActivePersonnel {
                sender: tx.sender.clone(),
                status,
            }));
        }
        if let Err(e) = gas::check_duty_allowance(
            s,
            &rules.economy,
            &tx.sender,
            rules.now_ms,
            pending.sponsored,
            credits,
        )
        .await?
        {
            return Ok(Err(e));
        }
    }
    if sponsored {
        let available = accounts::pool_gas(s).await?;
        if available < credits {
            return Ok(Err(AdmissionError::PoolExhausted {
                cost: credits,
                available,
            }));
        }
        return Ok(Ok(Charge {
            payer: GasPayer::Pool,
            gas,
            credits,
        }));
    }
    let available = account.map_or(0, |a| a.gas).saturating_sub(pending.cost);
    if available < credits {
        return Ok(Err(AdmissionError::InsufficientGas {
            sender: tx.sender.clone(),
            cost: credits,
            available,
        }));
    }
    Ok(Ok(Charge {
        payer: GasPayer::Sender,
        gas,
        credits,
    }))
}

/// Runs a call against its own overlay.
async fn dispatch<B: StateRead>(
    cx: &mut TxCtx<'_, B>,
    tx: &aigov_types::Tx,
) -> Result<(), CallError> {
    match &tx.call {
        Call::Personnel(PersonnelCall::Register(call)) => {
            personnel::register(cx, &tx.sender, call).await
        }
        Call::Governance(GovernanceCall::Propose(call)) => {
            governance::propose(cx, &tx.sender, call).await
        }
        Call::Governance(GovernanceCall::Vote(call)) => {
            governance::vote(cx, &tx.sender, call).await
        }
        Call::Governance(GovernanceCall::Cancel(call)) => {
            governance::cancel(cx, &tx.sender, call).await
        }
        Call::Governance(GovernanceCall::Escalate(call)) => {
            governance::escalate(cx, &tx.sender, call).await
        }
        Call::Governance(GovernanceCall::Challenge(call)) => {
            governance::challenge(cx, &tx.sender, call).await
        }
        Call::Governance(GovernanceCall::Delegate(call)) => {
            governance::delegate(cx, &tx.sender, call).await
        }
        Call::Governance(GovernanceCall::Execute(call)) => governance::execute_now(cx, call).await,
        Call::Governance(GovernanceCall::VoteRound(call)) => {
            governance::vote_round(cx, &tx.sender, call).await
        }
        Call::Gas(GasCall::RecordPurchase(call)) => {
            gas::record_purchase(cx, &tx.sender, call).await
        }
        Call::Treasury(TreasuryCall::ClaimBounty(call)) => {
            treasury::claim_bounty(cx, &tx.sender, call).await
        }
        Call::Hardware(HardwareCall::Register(call)) => {
            hardware::register(cx, &tx.sender, call).await
        }
        Call::Hardware(HardwareCall::Inspect(call)) => {
            hardware::inspect(cx, &tx.sender, call).await
        }
        Call::Hardware(HardwareCall::AnswerChallenge(call)) => {
            integrity::answer(cx, &tx.sender, call).await
        }
        Call::Model(ModelCall::Register(call)) => models::register(cx, &tx.sender, call).await,
        Call::Model(ModelCall::Declare(call)) => certify::declare(cx, &tx.sender, call).await,
        Call::Model(ModelCall::RegisterRetry(call)) => {
            certify::register_retry(cx, &tx.sender, call).await
        }
        Call::Template(TemplateCall::Propose(call)) => {
            templates::propose(cx, &tx.sender, call).await
        }
        Call::Report(ReportCall::RegisterRunner(call)) => {
            certify::register_runner(cx, &tx.sender, call).await
        }
        Call::Report(ReportCall::Submit(call)) => certify::submit(cx, &tx.sender, call).await,
        Call::Workload(WorkloadCall::Create(call)) => workloads::create(cx, &tx.sender, call).await,
        Call::Workload(WorkloadCall::StartRun(call)) => {
            workloads::start_run(cx, &tx.sender, call).await
        }
        Call::Otk(OtkCall::ReportUsage(call)) => otk::report_usage(cx, &tx.sender, call).await,
        Call::Whistle(WhistleCall::File(call)) => whistle::file(cx, &tx.sender, call).await,
    }
}

/// Applies the genesis document (first block only).
async fn apply_genesis<S: StateRead>(
    o: &mut Overlay<'_, S>,
    log: &mut LogWriter,
    genesis: &Genesis,
) -> Result<(), ExecError> {
    let bad = |e: CallError| match e {
        CallError::Store(s) => ExecError::Store(s),
        CallError::Tx(t) => ExecError::Genesis(t.to_string()),
    };
    let mut events = vec![Event::GenesisApplied(GenesisApplied {
        chain_id: genesis.chain_id.clone(),
        genesis_hash: genesis.hash(),
    })];
    for m in genesis.members.iter() {
        personnel::admit_member(o, &mut events, m)
            .await
            .map_err(bad)?;
    }
    for org in genesis.organisations.iter() {
        personnel::add_organisation(o, &mut events, org)
            .await
            .map_err(bad)?;
    }
    let term_end = genesis
        .genesis_time_ms
        .saturating_add(genesis.params.personnel_term_ms);
    for p in genesis.personnel.iter() {
        let person = Personnel {
            account: p.account.clone(),
            member: p.member.clone(),
            organisation: p.organisation.clone(),
            roles: p.roles,
            tier: p.tier,
            name: p.name.clone(),
            credential: Hash::default(),
            status: PersonnelStatus::Active,
            registered_height: 0,
            term_expires_ms: term_end,
        };
        personnel::seat_genesis_personnel(o, &mut events, person)
            .await
            .map_err(bad)?;
    }
    let mut credited = BTreeMap::new();
    for a in genesis.accounts.iter() {
        if credited.insert(a.account.clone(), a.gas).is_some() {
            return Err(ExecError::Genesis(format!(
                "account {} is credited twice",
                a.account
            )));
        }
        accounts::put_account(
            o,
            &a.account,
            &Account {
                nonce: 0,
                gas: a.gas,
            },
        );
        events.push(Event::GasCredited(GasCredited {
            account: a.account.clone(),
            amount: a.gas,
            reason: BoundedString::new("genesis").unwrap_or_default(),
        }));
    }
    accounts::put_pool(o, genesis.pool_gas);
    let issued = credited
        .values()
        .try_fold(genesis.pool_gas, |sum, gas| sum.checked_add(*gas))
        .ok_or_else(|| ExecError::Genesis("the credits granted overflow u64".into()))?;
    gas::init_genesis(o, &genesis.economy, issued)
        .map_err(|e| ExecError::Genesis(format!("economy parameters: {e}")))?;
    treasury::init_genesis(o, genesis.treasury_supply, &mut events).await?;
    whistle::init_genesis(o, genesis.whistleblower_key, &mut events);
    governance::init_genesis(o, &genesis.governance)
        .map_err(|e| ExecError::Genesis(format!("governance parameters: {e}")))?;
    validators::init_genesis(o, genesis)?;
    o.put_typed(chain::keys::params(), &genesis.params);
    o.put_typed(chain::keys::genesis_hash(), &genesis.hash());
    for e in events {
        log.append(o, 0, None, e);
    }
    Ok(())
}

/// Checks a genesis document by applying it to an empty store, then checks its validators
/// (distinct keys, admitted members), which the first block does not read.
pub async fn validate_genesis(genesis: &Genesis) -> Result<(), ExecError> {
    let empty = crate::store::MemStore::default();
    let mut o = Overlay::new(&empty);
    let mut log = LogWriter::load(&o).await?;
    apply_genesis(&mut o, &mut log, genesis).await?;
    // Validators are not state, but they must be distinct and run by admitted members.
    let mut validators = std::collections::BTreeSet::new();
    for v in genesis.validators.iter() {
        if personnel::queries::member(&o, &v.member).await?.is_none() {
            return Err(ExecError::Genesis(format!(
                "validator {} is run by member {}, which does not exist",
                v.key, v.member
            )));
        }
        if !validators.insert(&v.key) {
            return Err(ExecError::Genesis(format!(
                "validator {} appears twice",
                v.key
            )));
        }
    }
    Ok(())
}

/// Executes a block on `base` (the parent's state) and returns its writes, receipts and events.
pub async fn execute_block<S: StateRead>(
    base: &S,
    genesis: &Genesis,
    ctx: BlockContext,
    txs: &[Bytes],
    mode: Mode,
) -> Result<BlockOutput, ExecError> {
    let mut block = Overlay::new(base);
    let mut log = LogWriter::load(&block).await?;
    let randomness = block_randomness(&ctx.seed, &log.root(), ctx.height);
    let parent_height = chain::height(&block).await?;
    if ctx.height != parent_height + 1 {
        return Err(ExecError::Internal {
            module: "app",
            message: format!(
                "block {} executed on the state of height {parent_height}",
                ctx.height
            ),
        });
    }
    if parent_height == 0 {
        apply_genesis(&mut block, &mut log, genesis).await?;
    }
    let rules = Rules::load(&block, ctx.time_ms).await?;
    let params = rules.chain.clone();
    let mut receipts = Vec::new();
    let mut included = Vec::new();
    let mut sponsored = 0u32;
    // What the block's transactions used, for the end-of-block price and ledger update.
    let mut block_gas = 0u64;
    let mut block_credits = 0u64;

    let decoded = decode_txs(txs, mode);
    for (index, (raw, decoded)) in txs.iter().zip(decoded).enumerate() {
        #[allow(clippy::result_large_err)]
        let refuse = |error: AdmissionError| -> Result<(), ExecError> {
            match mode {
                Mode::Verify => Err(ExecError::Inadmissible { index, error }),
                Mode::Propose => Ok(()),
            }
        };
        let stx = match decoded {
            Ok(stx) => stx,
            Err(e) => {
                refuse(e.into())?;
                continue;
            }
        };
        let charge = match admit(
            &block,
            &genesis.chain_id,
            &rules,
            &stx,
            raw.len(),
            Pending::default(),
        )
        .await?
        {
            Ok(c) => c,
            Err(e) => {
                refuse(e)?;
                continue;
            }
        };
        // Only applications count against the block's quota: duties are bounded by the number
        // of Active personnel.
        if stx.tx.call.sponsorship() == Sponsorship::Applicant {
            if sponsored >= params.sponsored_txs_per_block_max {
                refuse(AdmissionError::SponsoredQuota {
                    max: params.sponsored_txs_per_block_max,
                })?;
                continue;
            }
            sponsored += 1;
        }
        let tx = &stx.tx;
        let hash = tx.hash();

        // Charge: the nonce and gas are consumed whatever the call does.
        let mut account = accounts::account(&block, &tx.sender)
            .await?
            .unwrap_or_default();
        account.nonce += 1;
        match charge.payer {
            GasPayer::Sender => account.gas -= charge.credits.min(account.gas),
            GasPayer::Pool => {
                let pool = accounts::pool_gas(&block).await?;
                accounts::put_pool(&mut block, pool.saturating_sub(charge.credits));
                if stx.tx.call.sponsorship() == Sponsorship::Duty {
                    gas::use_duty_allowance(&mut block, &tx.sender, ctx.time_ms, charge.credits)
                        .await?;
                }
            }
        }
        accounts::put_account(&mut block, &tx.sender, &account);
        block_gas = block_gas.saturating_add(charge.gas);
        block_credits = block_credits.saturating_add(charge.credits);

        // The call, all or nothing.
        let mut cx = TxCtx {
            overlay: Overlay::new(&block),
            block: ctx,
            params: params.clone(),
            events: Vec::new(),
        };
        let result = dispatch(&mut cx, tx).await;
        let (outcome, events) = match result {
            Ok(()) => {
                let events = cx.events;
                let writes = cx.overlay.into_writes();
                block.absorb(writes);
                (TxOutcome::Success(Succeeded), events)
            }
            Err(CallError::Tx(e)) => (failure(&e), Vec::new()),
            Err(CallError::Store(e)) => return Err(e.into()),
        };

        let first_event = log.next_index();
        for e in events {
            log.append(&mut block, ctx.height, Some(hash), e);
        }
        log.append(
            &mut block,
            ctx.height,
            Some(hash),
            Event::TxExecuted(TxExecuted {
                hash,
                sender: tx.sender.clone(),
                nonce: tx.nonce,
                call: BoundedString::new(tx.call.name()).unwrap_or_default(),
                outcome: outcome.clone(),
                gas_used: charge.gas,
                credits: charge.credits,
                payer: charge.payer,
            }),
        );
        let receipt = Receipt {
            hash,
            height: ctx.height,
            index: receipts.len() as u32,
            sender: tx.sender.clone(),
            outcome,
            gas_used: charge.gas,
            credits: charge.credits,
            payer: charge.payer,
            first_event,
            event_count: (log.next_index() - first_event) as u32,
        };
        block.put_typed(crate::log::keys::receipt(&hash), &receipt);
        receipts.push(receipt);
        included.push(index);
    }

    // End-of-block hooks.
    let mut hook_events = Vec::new();
    governance::end_block(&mut block, ctx, &params, &mut hook_events).await?;
    // After governance, so a vote executed in this block is in the snapshot it takes.
    validators::end_block(&mut block, ctx.height).await?;
    hardware::end_block(&mut block, ctx, &mut hook_events).await?;
    integrity::end_block(&mut block, ctx, &randomness, &mut hook_events).await?;
    otk::end_block(&mut block, ctx, &randomness, &mut hook_events).await?;
    gas::end_block(
        &mut block,
        ctx.height,
        block_gas,
        block_credits,
        &mut hook_events,
    )
    .await?;
    for e in hook_events {
        log.append(&mut block, ctx.height, None, e);
    }

    log.finish(&mut block);
    block.put_typed(chain::keys::height(), &ctx.height);
    block.put_typed(chain::keys::time_ms(), &ctx.time_ms);
    let events = std::mem::take(&mut log.appended);
    Ok(BlockOutput {
        writes: block.into_writes(),
        receipts,
        events,
        included,
    })
}

/// Decodes every transaction; in `Verify` mode also checks every signature, spread over the
/// machine's cores when the block is large (the verdicts do not depend on how it is split).
#[allow(clippy::result_large_err)] // the error carries the sender's key, as everywhere else
fn decode_txs(txs: &[Bytes], mode: Mode) -> Vec<Result<SignedTx, TxFormatError>> {
    let check = |raw: &Bytes| match mode {
        Mode::Propose => SignedTx::decode_bounded(raw),
        Mode::Verify => SignedTx::decode_and_verify(raw),
    };
    const PARALLEL_FROM: usize = 64;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if mode == Mode::Propose || txs.len() < PARALLEL_FROM || threads < 2 {
        return txs.iter().map(check).collect();
    }
    let chunk = txs.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = txs
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(check).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                // A panic in a verifier thread is a bug; re-raise it rather than hide it.
                h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    })
}

fn failure(e: &TxError) -> TxOutcome {
    TxOutcome::Failed(Failure::new(e.code(), &e.to_string()))
}
