//! Scenarios and properties of the economy: recorded purchases, credits charged at the
//! algorithmic price, the pool paying duties within each person's daily allowance, the gas tax
//! reaching the treasury, bounty claims paid only by an executed Review vote, and economy
//! parameters changed only by tier-1 Policy personnel.

mod support;

use aigov_state::AdmissionError;
use aigov_state::{gas, treasury};
use aigov_types::economy::{DAY_MS, EconomyParams, GasCall, PurchaseCategory, RecordPurchase};
use aigov_types::event::Event;
use aigov_types::governance::{Action, Choice, ProposalClass, ProposalStatus};
use aigov_types::personnel::Role;
use aigov_types::receipt::GasPayer;
use aigov_types::treasury::{
    BountyStatus, ClaimBounty, PayBounty, PaymentReason, TreasuryAward, TreasuryCall,
};
use aigov_types::{BoundedVec, Call, Genesis, Hash};
use futures::executor::block_on;
use proptest::prelude::*;
use support::gov::*;
use support::*;

use Choice::{No, Yes};
use ProposalClass::{Review, System};

/// [gov_genesis] plus `tessa`, a treasury officer of fr (tier 3), and `edit`.
fn economy_chain(edit: impl FnOnce(&mut Genesis)) -> Chain {
    gov_chain(|g| {
        let mut people = g.personnel.as_slice().to_vec();
        let mut tessa = people[0].clone();
        tessa.account = pk("tessa");
        tessa.name = text("tessa");
        tessa.roles = aigov_types::personnel::Roles::from_roles(&[Role::TreasuryOfficer]);
        tessa.tier = 3;
        people.push(tessa);
        g.personnel = BoundedVec::new(people).unwrap();
        edit(g);
    })
}

fn purchase(category: PurchaseCategory, account: Option<&str>, paid: u64, reference: &str) -> Call {
    Call::Gas(GasCall::RecordPurchase(RecordPurchase {
        category,
        account: account.map(pk),
        paid,
        reference: text(reference),
    }))
}

fn claim(title: &str, requested: u64) -> Call {
    Call::Treasury(TreasuryCall::ClaimBounty(ClaimBounty {
        title: text(title),
        report_hash: Hash::digest(&[title.as_bytes()]),
        requested,
    }))
}

fn code_of(c: &mut Chain, name: &str, call: Call) -> String {
    failure_code(&c.send(name, call).outcome).unwrap_or_else(|| panic!("{name}'s call succeeded"))
}

/// Votes every Review-eligible person of fr, de and jp yes (enough to pass under the test
/// rules), closes voting and runs to the proposal's eta; returns the hook events.
fn pass(c: &mut Chain, id: u64, voters: &[&str]) -> Vec<aigov_types::EventRecord> {
    let votes: Vec<(&str, Choice)> = voters.iter().map(|v| (*v, Yes)).collect();
    c.votes(id, &votes);
    let ends = c.proposal(id).voting_ends_ms;
    c.run_until(ends);
    let eta = c.proposal(id).eta_ms;
    c.run_until(eta)
}

const REVIEWERS: [&str; 6] = ["alice", "fabien", "dora", "bruno", "jun", "jiro"];

#[test]
fn a_treasury_officer_records_a_purchase_and_credits_are_issued_at_the_published_rate() {
    let mut c = economy_chain(|g| g.economy.credit_rate = 2_000);
    let issued = block_on(gas::ledger(&c.store)).unwrap().issued;
    let out = c.ok(
        "tessa",
        purchase(
            PurchaseCategory::ModelRegistration,
            Some("lab"),
            5_000_000,
            "wire-2026-0042",
        ),
    );
    // 5 000 000 units at 2 000 units per 1 000 credits.
    let Event::GasPurchased(p) = &out.events[0].event else {
        panic!("{:?}", out.events[0])
    };
    assert_eq!((p.credits, p.paid, p.id), (2_500_000, 5_000_000, 1));
    assert_eq!(p.member.as_str(), "fr");
    assert_eq!(c.account(&pk("lab")).unwrap().gas, 2_500_000);
    let ledger = block_on(gas::ledger(&c.store)).unwrap();
    assert_eq!(ledger.issued, issued + 2_500_000);
    assert_eq!(ledger.purchases, 1);
    assert_eq!(
        block_on(gas::purchase(&c.store, 1)).unwrap().as_ref(),
        Some(p)
    );
    // Recording it is a duty: the officer paid nothing.
    assert_eq!(out.receipts[0].payer, GasPayer::Pool);

    // The same payment cannot be recorded twice; other mistakes are named.
    let dup = purchase(
        PurchaseCategory::ModelRegistration,
        Some("lab"),
        5_000_000,
        "wire-2026-0042",
    );
    assert_eq!(code_of(&mut c, "tessa", dup), "duplicate_purchase");
    let top_up_with_account = purchase(PurchaseCategory::PoolTopUp, Some("lab"), 10, "x");
    assert_eq!(
        code_of(&mut c, "tessa", top_up_with_account),
        "purchase_account_mismatch"
    );
    let nobody = purchase(PurchaseCategory::ModuleDevelopment, None, 10, "y");
    assert_eq!(
        code_of(&mut c, "tessa", nobody),
        "purchase_account_mismatch"
    );
    let zero = purchase(PurchaseCategory::ModuleDevelopment, Some("lab"), 0, "z");
    assert_eq!(code_of(&mut c, "tessa", zero), "zero_payment");
    let dust = purchase(PurchaseCategory::ModuleDevelopment, Some("lab"), 1, "dust");
    assert_eq!(code_of(&mut c, "tessa", dust), "payment_too_small");
    // Active personnel without the role may not.
    let by_alice = purchase(PurchaseCategory::ModelRegistration, Some("lab"), 9, "w");
    assert_eq!(code_of(&mut c, "alice", by_alice), "not_treasury_officer");
    assert_eq!(c.account(&pk("lab")).unwrap().gas, 2_500_000);
}

#[test]
fn a_pool_top_up_funds_the_pool_and_counts_as_the_member_contribution() {
    let mut c = economy_chain(|_| {});
    let before = c.pool();
    let out = c.ok(
        "tessa",
        purchase(PurchaseCategory::PoolTopUp, None, 3_000_000, "fr-q4"),
    );
    let cost = out.receipts[0].credits;
    assert_eq!(c.pool(), before - cost + 3_000_000);
    let fr = block_on(aigov_state::accounts::pool_contribution(
        &c.store,
        &slug("fr"),
    ))
    .unwrap();
    assert_eq!(fr, 3_000_000);
}

#[test]
fn voting_costs_the_voter_nothing_and_draws_on_the_pool_within_the_daily_allowance() {
    let mut c = economy_chain(|g| g.economy.duty_allowance_per_day = 40_000);
    let alice_gas = c.account(&pk("alice")).unwrap().gas;
    let id = c.submit("alice", Review, "Resolution", vec![]);
    let pool = c.pool();
    let out = c.votes(id, &[("alice", Yes)]);
    let r = &out.receipts[0];
    assert_eq!(r.payer, GasPayer::Pool);
    assert_eq!(c.pool(), pool - r.credits);
    assert_eq!(c.account(&pk("alice")).unwrap().gas, alice_gas);
    let used = block_on(gas::duty_used(&c.store, &pk("alice"), c.now())).unwrap();
    assert!(used >= r.credits && used <= 40_000, "{used}");

    // Changing the vote again and again exhausts alice's allowance: the next duty is refused
    // at admission (never charged to her), with when it renews.
    let mut refused = None;
    for n in 0..10 {
        let choice = if n % 2 == 0 { No } else { Yes };
        let raw = c.signed("alice", vote_call(id, choice));
        match c.admit(&raw, Default::default()) {
            Ok(_) => {
                c.apply(&[raw]);
            }
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    let Some(AdmissionError::DutyAllowanceExhausted {
        allowance,
        renews_ms,
        ..
    }) = refused
    else {
        panic!("the allowance never ran out: {refused:?}")
    };
    assert_eq!(allowance, 40_000);
    assert_eq!(renews_ms % DAY_MS, 0);
    assert_eq!(c.account(&pk("alice")).unwrap().gas, alice_gas);
    // Others still vote; and alice may again the next day.
    c.votes(id, &[("dora", Yes)]);
    c.skip(renews_ms - c.now());
    c.apply(&[]);
    let raw = c.signed("alice", cancel_call(id));
    assert!(c.admit(&raw, Default::default()).is_ok());
}

#[test]
fn the_price_rises_with_blocks_above_target_charges_more_and_falls_back_to_base() {
    let mut c = economy_chain(|g| g.economy.target_block_gas = 5_000);
    let base = EconomyParams::default().base_gas_price;
    assert_eq!(block_on(gas::price(&c.store)).unwrap().price, base);
    let id = c.submit("alice", Review, "Resolution", vec![]);
    // The proposal's block used more than the 5 000 target: the price rose at its end.
    let raised = block_on(gas::price(&c.store)).unwrap();
    assert!(raised.price > base);
    assert_eq!(raised.height, c.height);
    let out = c.votes(id, &[("alice", Yes), ("dora", Yes)]);
    let r = &out.receipts[0];
    assert_eq!(
        r.credits,
        EconomyParams::credits_for(r.gas_used, raised.price)
    );
    assert!(r.credits > r.gas_used);
    assert!(
        out.events
            .iter()
            .any(|e| matches!(e.event, Event::GasPriceChanged(_)))
    );
    // Empty blocks bring it back down, never below base.
    for _ in 0..40 {
        c.apply(&[]);
    }
    assert_eq!(block_on(gas::price(&c.store)).unwrap().price, base);
}

#[test]
fn the_gas_tax_of_every_block_reaches_the_treasury_at_the_published_rate() {
    let mut c = economy_chain(|_| {});
    let before = block_on(treasury::ledger(&c.store)).unwrap();
    assert_eq!(before.balance, TREASURY_SUPPLY);
    let out = c.ok("alice", propose_call(Review, "Resolution", vec![]));
    let credits = out.receipts[0].credits;
    let tax = EconomyParams::default().tax_on(credits);
    assert!(tax > 0);
    let after = block_on(treasury::ledger(&c.store)).unwrap();
    assert_eq!(after.balance, before.balance + tax);
    assert_eq!(after.inflows, before.inflows + tax);
    let Some(Event::TreasuryCredited(t)) = out.events.last().map(|e| &e.event) else {
        panic!("no treasury event")
    };
    assert_eq!((t.amount, t.credits_taxed), (tax, credits));
}

#[test]
fn a_bounty_claimed_by_a_fresh_key_is_paid_only_after_a_review_vote_executes() {
    let mut c = economy_chain(|_| {});
    // A fresh key claims: the pool pays, as for an applicant.
    let out = c.ok("hunter", claim("Replay of vote ballots", 250_000));
    assert_eq!(out.receipts[0].payer, GasPayer::Pool);
    let b = block_on(treasury::bounty(&c.store, 1)).unwrap().unwrap();
    assert_eq!((b.status, b.requested), (BountyStatus::Claimed, 250_000));

    // Nothing is paid by the claim, nor by a defeated proposal.
    let balance = block_on(treasury::ledger(&c.store)).unwrap().balance;
    let pay = Action::PayBounty(PayBounty {
        bounty: 1,
        amount: 200_000,
    });
    let defeated = c.submit("alice", Review, "Pay the replay bounty", vec![pay.clone()]);
    let votes: Vec<_> = REVIEWERS.iter().map(|v| (*v, No)).collect();
    c.votes(defeated, &votes);
    let ends = c.proposal(defeated).voting_ends_ms;
    c.run_until(ends);
    assert_eq!(c.proposal(defeated).status, ProposalStatus::Defeated);
    let ledger = block_on(treasury::ledger(&c.store)).unwrap();
    assert!(ledger.balance >= balance && ledger.outflows == 0);

    // A passing Review vote pays it, once.
    let id = c.submit("dora", Review, "Pay the replay bounty, again", vec![pay]);
    let events = pass(&mut c, id, &REVIEWERS);
    assert_eq!(c.proposal(id).status, ProposalStatus::Executed);
    let paid = events
        .iter()
        .find_map(|e| match &e.event {
            Event::TreasuryPaid(p) => Some(p.clone()),
            _ => None,
        })
        .expect("a payment event");
    assert_eq!(
        (
            paid.to.clone(),
            paid.amount,
            paid.reason.clone(),
            paid.proposal
        ),
        (pk("hunter"), 200_000, PaymentReason::Bounty(1), id)
    );
    let b = block_on(treasury::bounty(&c.store, 1)).unwrap().unwrap();
    assert_eq!((b.status, b.payment), (BountyStatus::Paid, Some(1)));
    let ledger = block_on(treasury::ledger(&c.store)).unwrap();
    assert_eq!(ledger.outflows, 200_000);
    assert_eq!(ledger.balance, ledger.inflows - ledger.outflows);
    assert_eq!(
        block_on(treasury::payment(&c.store, 1)).unwrap(),
        Some(paid)
    );
    // It cannot be paid twice.
    let again = Action::PayBounty(PayBounty {
        bounty: 1,
        amount: 1,
    });
    assert_eq!(
        code_of(
            &mut c,
            "alice",
            propose_call(Review, "Pay it twice", vec![again])
        ),
        "invalid_action"
    );
}

#[test]
fn an_award_beyond_the_balance_fails_at_execution_and_pays_nothing() {
    let mut c = economy_chain(|g| g.treasury_supply = 1_000);
    let award = Action::AwardTreasury(TreasuryAward {
        to: pk("hunter"),
        amount: 1_000_000_000,
        reason: PaymentReason::Grant,
        memo: text("too much"),
    });
    let id = c.submit("alice", System, "Grant", vec![award]);
    pass(&mut c, id, &["alice", "fabien", "dora", "jun"]);
    let p = c.proposal(id);
    assert_eq!(p.status, ProposalStatus::ExecutionFailed);
    assert_eq!(
        p.execution_failure.unwrap().code.as_str(),
        "insufficient_treasury_funds"
    );
    assert_eq!(block_on(treasury::ledger(&c.store)).unwrap().outflows, 0);
}

#[test]
fn only_tier_one_policy_personnel_propose_and_vote_economy_parameters() {
    let mut c = economy_chain(|_| {});
    let new = EconomyParams {
        gas_tax_bps: 500,
        ..EconomyParams::default()
    };
    let change = || vec![Action::SetEconomyParams(new.clone())];
    // fabien is Policy at tier 2: System admits him, the economy restriction does not.
    assert_eq!(
        code_of(
            &mut c,
            "fabien",
            propose_call(System, "Raise the gas tax", change())
        ),
        "tier_not_eligible"
    );
    let id = c.submit("alice", System, "Raise the gas tax", change());
    let p = c.proposal(id);
    assert_eq!(p.params.lowest_tier, 1);
    assert_eq!(
        p.params.eligible_roles,
        aigov_types::personnel::Roles::from_roles(&[Role::Policy])
    );
    c.run_until(p.voting_starts_ms);
    assert_eq!(
        code_of(&mut c, "fabien", vote_call(id, Yes)),
        "tier_not_eligible"
    );
    let events = pass(&mut c, id, &["alice", "dora", "jun"]);
    assert!(
        events
            .iter()
            .any(|e| matches!(e.event, Event::EconomyParamsChanged(_)))
    );
    assert_eq!(block_on(gas::params(&c.store)).unwrap(), new);
    // Invalid parameters are refused when proposing.
    let bad = Action::SetEconomyParams(EconomyParams {
        price_adjustment_bps: 0,
        ..EconomyParams::default()
    });
    assert_eq!(
        code_of(&mut c, "alice", propose_call(System, "Freeze", vec![bad])),
        "invalid_action"
    );
}

/// One step of the random economy.
#[derive(Clone, Debug)]
enum Step {
    Purchase {
        category: usize,
        paid: u64,
        reference: u8,
    },
    Claim {
        hunter: u8,
        requested: u64,
    },
    Propose,
    Empty,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0usize..5, 0u64..3_000_000, 0u8..6).prop_map(|(category, paid, reference)| {
            Step::Purchase {
                category,
                paid,
                reference,
            }
        }),
        (0u8..4, 0u64..1_000).prop_map(|(hunter, requested)| Step::Claim { hunter, requested }),
        Just(Step::Propose),
        Just(Step::Empty),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Conservation over random sequences: credits issued − consumed = credits held by
    /// accounts and the pool; treasury inflows − outflows = balance; the ledgers agree with
    /// the log; nothing goes negative (saturation would show as a mismatch).
    #[test]
    fn credits_and_the_treasury_are_conserved(steps in prop::collection::vec(step(), 1..24)) {
        let mut c = economy_chain(|g| g.economy.target_block_gas = 8_000);
        for (i, s) in steps.iter().enumerate() {
            match s {
                Step::Purchase { category, paid, reference } => {
                    let category = PurchaseCategory::ALL[*category];
                    let account = (category != PurchaseCategory::PoolTopUp).then_some("lab");
                    c.send("tessa", purchase(category, account, *paid, &format!("ref-{reference}")));
                }
                Step::Claim { hunter, requested } => {
                    let raw = c.signed(&format!("hunter-{hunter}"), claim("bug", *requested));
                    // Past the applicant quota the claim is refused, never charged.
                    c.propose(&[raw]);
                }
                Step::Propose => {
                    c.send("alice", propose_call(Review, &format!("r{i}"), vec![]));
                }
                Step::Empty => {
                    c.apply(&[]);
                }
            }
            let ledger = block_on(gas::ledger(&c.store)).unwrap();
            let accounts: Vec<(Vec<u8>, aigov_types::Account)> =
                entries(&c.store, aigov_state::keys::ACCOUNTS);
            let held: u128 = accounts.iter().map(|(_, a)| u128::from(a.gas)).sum();
            prop_assert_eq!(
                u128::from(ledger.issued) - u128::from(ledger.consumed),
                held + u128::from(c.pool())
            );
            let t = block_on(treasury::ledger(&c.store)).unwrap();
            prop_assert_eq!(t.balance, t.inflows - t.outflows);
            let events = c.events();
            let consumed: u64 = events.iter().filter_map(|e| match &e.event {
                Event::TxExecuted(x) => Some(x.credits),
                _ => None,
            }).sum();
            prop_assert_eq!(consumed, ledger.consumed);
            let taxed: u64 = events.iter().filter_map(|e| match &e.event {
                Event::TreasuryCredited(x) => Some(x.amount),
                _ => None,
            }).sum();
            prop_assert_eq!(taxed, t.inflows);
            let bought: u64 = events.iter().filter_map(|e| match &e.event {
                Event::GasPurchased(p) => Some(p.credits),
                _ => None,
            }).sum();
            prop_assert_eq!(u128::from(bought) + genesis_gas_total(&c.genesis), u128::from(ledger.issued));
        }
    }
}
