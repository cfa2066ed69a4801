//! Property tests of governance over random electorates, parameters and ballots (cast, changed,
//! refused), executed block by block through `execute_block`:
//! - one counted ballot per person: the stored ballots are exactly the last successful vote of
//!   each voter;
//! - only eligible weight counts: the decision equals a reference tally computed here from the
//!   genesis electorate, the final ballots and the rules (roles, tiers, terms, recusal, caps);
//! - caps hold: no member's counted weight exceeds the cap;
//! - the tally is deterministic and independent of the order in which ballots were cast;
//! - actions execute at most once, only after the proposal passed, and never before its eta.

mod support;

use aigov_types::event::Event;
use aigov_types::governance::{BPS, Choice, Decision, ProposalClass, ProposalStatus, TallyOutcome};
use aigov_types::personnel::{Role, Roles};
use aigov_types::{BoundedVec, Genesis};
use bytes::Bytes;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use support::gov::*;
use support::*;

/// Members of [gov_genesis]; `eu` has no tier-1 seat.
const MEMBERS: [&str; 4] = ["fr", "de", "eu", "jp"];
/// The voting blocks of the Review class under [test_governance].
const VOTING_BLOCKS: u8 = 5;

#[derive(Clone, Debug)]
struct Person {
    member: usize,
    roles: Roles,
    tier: u8,
}

#[derive(Clone, Debug)]
struct Case {
    /// `p0` (fr, Policy, tier 1: the proposer), `p1` (the subject of the action, recused),
    /// then random personnel.
    people: Vec<Person>,
    cap_bps: u16,
    quorum_bps: u16,
    approval_bps: u16,
    min_members: u16,
    veto_members: u16,
    /// Personnel terms, in blocks after genesis (some end during the vote).
    term_blocks: u64,
    /// (voting block, voter — `people.len()` is an outsider —, choice).
    ballots: Vec<(u8, usize, Choice)>,
}

fn name(i: usize) -> String {
    format!("p{i}")
}

fn person() -> impl Strategy<Value = Person> {
    (0..MEMBERS.len(), 1u8..128, 1u8..=3).prop_map(|(member, bits, tier)| {
        let roles: Vec<Role> = Role::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .map(|(_, r)| r)
            .collect();
        // eu has no tier-1 seat.
        let tier = if member == 2 && tier == 1 { 2 } else { tier };
        Person {
            member,
            roles: Roles::from_roles(&roles),
            tier,
        }
    })
}

fn choice() -> impl Strategy<Value = Choice> {
    prop_oneof![Just(Choice::Yes), Just(Choice::No), Just(Choice::Abstain)]
}

fn case() -> impl Strategy<Value = Case> {
    proptest::collection::vec(person(), 1..9).prop_flat_map(|rest| {
        let mut people = vec![Person {
            member: 0,
            roles: Roles::from_roles(&[Role::Policy]),
            tier: 1,
        }];
        people.extend(rest);
        let n = people.len();
        (
            Just(people),
            1_000u16..=BPS,
            0u16..=BPS,
            (BPS / 2 + 1)..=BPS,
            1u16..=4,
            0u16..=3,
            prop_oneof![3 => Just(1_000u64), 1 => 3u64..10],
            proptest::collection::vec((0..VOTING_BLOCKS, 0..=n, choice()), 0..30),
        )
            .prop_map(
                |(
                    people,
                    cap_bps,
                    quorum_bps,
                    approval_bps,
                    min_members,
                    veto_members,
                    term_blocks,
                    ballots,
                )| Case {
                    people,
                    cap_bps,
                    quorum_bps,
                    approval_bps,
                    min_members,
                    veto_members,
                    term_blocks,
                    ballots,
                },
            )
    })
}

fn genesis_of(case: &Case) -> Genesis {
    let mut g = gov_genesis();
    g.personnel = BoundedVec::new(
        case.people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut gp = g.personnel.as_slice()[0].clone();
                gp.account = pk(&name(i));
                gp.name = text(&name(i));
                gp.member = slug(MEMBERS[p.member]);
                gp.organisation = None;
                gp.roles = p.roles;
                gp.tier = p.tier;
                gp
            })
            .collect(),
    )
    .unwrap();
    g.params.personnel_term_ms = case.term_blocks * BLOCK_MS;
    let r = &mut g.governance.review;
    r.quorum_bps = case.quorum_bps;
    r.approval_bps = case.approval_bps;
    r.min_approving_members = case.min_members;
    r.veto_members = case.veto_members;
    g.governance.member_weight_cap_bps = case.cap_bps;
    g
}

/// What one run produced.
struct Outcome {
    chain: Chain,
    /// Each voter's last successful choice.
    last: BTreeMap<String, Choice>,
}

/// Proposes `renew p1` as `p0`, then casts `ballots` (each block's in the given order) in the
/// voting blocks, then runs well past any eta.
fn run(case: &Case, ballots: &[(u8, usize, Choice)]) -> Result<Outcome, TestCaseError> {
    let mut c = Chain::with_genesis(genesis_of(case));
    c.apply(&[]);
    let id = c.submit(
        &name(0),
        ProposalClass::Review,
        "Renew p1",
        vec![renew("p1")],
    );
    prop_assert_eq!(id, 1);
    let mut last = BTreeMap::new();
    for block in 0..VOTING_BLOCKS {
        let mut nonces: BTreeMap<String, u64> = BTreeMap::new();
        let mut senders = Vec::new();
        let txs: Vec<Bytes> = ballots
            .iter()
            .filter(|b| b.0 == block)
            .map(|(_, voter, choice)| {
                let who = if *voter == case.people.len() {
                    "outsider".to_string()
                } else {
                    name(*voter)
                };
                let k = key(&who);
                let n = *nonces
                    .entry(who.clone())
                    .or_insert_with(|| c.nonce(&k.public_key()));
                nonces.insert(who.clone(), n + 1);
                senders.push((who, *choice));
                sign(tx(&k, n, vote_call(id, *choice)), &k)
            })
            .collect();
        let out = c.propose(&txs);
        for (r, i) in out.receipts.iter().zip(&out.included) {
            if failure_code(&r.outcome).is_none() {
                let (who, choice) = &senders[*i];
                last.insert(who.clone(), *choice);
            }
        }
    }
    let ends = c.proposal(id).voting_ends_ms;
    c.run_until(ends + 20 * BLOCK_MS);
    Ok(Outcome { chain: c, last })
}

/// The decision the rules call for, computed from the case alone.
fn reference(case: &Case, last: &BTreeMap<String, Choice>, tallied_ms: u64) -> Decision {
    let weights = [4u64, 2, 1];
    let term_end = GENESIS_TIME_MS + case.term_blocks * BLOCK_MS;
    let review = test_governance().review;
    let mut eligible: BTreeMap<&str, u64> = BTreeMap::new();
    let mut yes: BTreeMap<&str, u64> = BTreeMap::new();
    let mut no: BTreeMap<&str, u64> = BTreeMap::new();
    let mut abstain: BTreeMap<&str, u64> = BTreeMap::new();
    let mut voters: BTreeMap<&str, u32> = BTreeMap::new();
    let (mut recused, mut uncounted) = (Vec::new(), 0u32);
    for (i, p) in case.people.iter().enumerate() {
        let m = MEMBERS[p.member];
        let can = term_end > tallied_ms
            && Role::ALL
                .iter()
                .any(|r| p.roles.contains(*r) && review.eligible_roles.contains(*r))
            && p.tier <= review.lowest_tier;
        let choice = last.get(&name(i));
        if !can || i == 1 {
            if can {
                recused.push(pk(&name(i)));
            }
            uncounted += u32::from(choice.is_some());
            continue;
        }
        let w = weights[usize::from(p.tier) - 1];
        *eligible.entry(m).or_default() += w;
        if let Some(ch) = choice {
            let slot = match ch {
                Choice::Yes => &mut yes,
                Choice::No => &mut no,
                Choice::Abstain => &mut abstain,
            };
            *slot.entry(m).or_default() += w;
            *voters.entry(m).or_default() += 1;
        }
    }
    let total: u64 = eligible.values().sum();
    let cap = total * u64::from(case.cap_bps) / 10_000;
    let mut d = Decision {
        tallied_ms,
        total_yes: 0,
        total_no: 0,
        total_abstain: 0,
        eligible_weight: 0,
        raw_eligible_weight: total,
        cap_weight: cap,
        quorum_met: false,
        approval_met: false,
        approving_members: 0,
        vetoing_members: 0,
        per_member: BoundedVec::new(Vec::new()).unwrap(),
        recused: BoundedVec::new(recused.clone()).unwrap(),
        recused_count: recused.len() as u32,
        uncounted_ballots: uncounted,
        outcome: TallyOutcome::Passed,
    };
    let mut per_member = Vec::new();
    let mut members: Vec<&str> = MEMBERS.to_vec();
    members.sort();
    for m in members {
        let e = eligible.get(m).copied().unwrap_or(0);
        let counted = e.min(cap);
        let scale = |w: u64| if e > cap { w * cap / e } else { w };
        let (y, n, a) = (
            yes.get(m).copied().unwrap_or(0),
            no.get(m).copied().unwrap_or(0),
            abstain.get(m).copied().unwrap_or(0),
        );
        d.total_yes += scale(y);
        d.total_no += scale(n);
        d.total_abstain += scale(a);
        d.eligible_weight += counted;
        d.approving_members += u16::from(y > n);
        d.vetoing_members += u16::from(n > y);
        per_member.push(aigov_types::governance::MemberTally {
            member: slug(m),
            yes: y,
            no: n,
            abstain: a,
            eligible: e,
            counted_eligible: counted,
            capped: e > cap,
            voters: voters.get(m).copied().unwrap_or(0),
            delegated: 0,
        });
    }
    d.per_member = BoundedVec::new(per_member).unwrap();
    let turnout = d.total_yes + d.total_no + d.total_abstain;
    d.quorum_met = d.eligible_weight > 0
        && u128::from(turnout) * 10_000
            >= u128::from(case.quorum_bps) * u128::from(d.eligible_weight);
    let decided = d.total_yes + d.total_no;
    d.approval_met = decided > 0
        && u128::from(d.total_yes) * 10_000 >= u128::from(case.approval_bps) * u128::from(decided);
    d.outcome = if !d.quorum_met {
        TallyOutcome::QuorumFailed
    } else if case.veto_members > 0 && d.vetoing_members >= case.veto_members {
        TallyOutcome::Vetoed
    } else if !d.approval_met {
        TallyOutcome::ApprovalFailed
    } else if d.approving_members < case.min_members {
        TallyOutcome::TooFewApprovingMembers
    } else {
        TallyOutcome::Passed
    };
    d
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let Outcome { chain: c, last } = run(case, &case.ballots)?;
    let p = c.proposal(1);
    let d = p.decision.clone().expect("tallied");

    // One counted ballot per person: the stored ballots are each voter's last successful vote.
    let ballots = c.ballots(1);
    let voters: BTreeSet<_> = ballots.iter().map(|b| b.voter.clone()).collect();
    prop_assert_eq!(voters.len(), ballots.len(), "a voter has two ballots");
    let stored: BTreeMap<_, _> = ballots
        .iter()
        .map(|b| (b.voter.clone(), b.choice))
        .collect();
    let expected: BTreeMap<_, _> = last.iter().map(|(n, ch)| (pk(n), *ch)).collect();
    prop_assert_eq!(&stored, &expected);
    prop_assert!(!last.contains_key("outsider"), "an outsider voted");
    prop_assert!(!last.contains_key("p1"), "the recused subject voted");

    // Only eligible weight counts, capped: the decision is the reference tally.
    prop_assert_eq!(&d, &reference(case, &last, d.tallied_ms));
    for m in d.per_member.iter() {
        prop_assert!(m.counted_eligible <= d.cap_weight);
        prop_assert!(m.scale(m.yes) + m.scale(m.no) + m.scale(m.abstain) <= m.counted_eligible);
    }

    // Deterministic and independent of ballot order: the final ballots, cast at once in
    // reverse order on a fresh chain, give the same decision.
    let mut replay: Vec<(u8, usize, Choice)> = last
        .iter()
        .map(|(n, ch)| (0, n[1..].parse().unwrap_or(0), *ch))
        .collect();
    replay.reverse();
    let again = run(case, &replay)?;
    prop_assert_eq!(again.chain.proposal(1).decision, Some(d.clone()));

    // Actions execute at most once, only if the proposal passed, never before its eta.
    let mut renewals = 0;
    let mut executed_at = Vec::new();
    for e in c.events() {
        match &e.event {
            Event::PersonnelTermRenewed(r) => {
                prop_assert_eq!(&r.account, &pk("p1"));
                renewals += 1;
            }
            Event::ProposalExecuted(x) => {
                prop_assert_eq!(x.proposal, 1);
                executed_at.push(GENESIS_TIME_MS + e.height * BLOCK_MS);
            }
            _ => {}
        }
    }
    prop_assert!(renewals <= 1 && executed_at.len() <= 1);
    if d.outcome == TallyOutcome::Passed {
        prop_assert_eq!(p.status, ProposalStatus::Executed);
        prop_assert_eq!(renewals, 1);
        prop_assert!(executed_at[0] >= p.eta_ms);
    } else {
        prop_assert_eq!(p.status, d.outcome.status());
        prop_assert_eq!(renewals, 0);
        prop_assert!(executed_at.is_empty());
    }
    prop_assert!(c.live().is_empty());
    Ok(())
}

proptest! {
    // Each case runs about 30 blocks twice: a few milliseconds in a debug build.
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_ballots_keep_the_tally_invariants(case in case()) {
        check(&case)?;
    }
}

#[test]
fn the_generator_reaches_every_outcome() {
    // A fixed electorate: p0 fr/Policy/1 (4), p1 fr (recused), p2 de/Safety/1 (4),
    // p3 jp/Safety/2 (2), p4 eu/TreasuryOfficer/2 (not eligible in Review).
    let people = vec![
        Person {
            member: 0,
            roles: Roles::from_roles(&[Role::Policy]),
            tier: 1,
        },
        Person {
            member: 0,
            roles: Roles::from_roles(&[Role::Safety]),
            tier: 2,
        },
        Person {
            member: 1,
            roles: Roles::from_roles(&[Role::Safety]),
            tier: 1,
        },
        Person {
            member: 3,
            roles: Roles::from_roles(&[Role::Safety]),
            tier: 2,
        },
        Person {
            member: 2,
            roles: Roles::from_roles(&[Role::TreasuryOfficer]),
            tier: 2,
        },
    ];
    let base = Case {
        people,
        cap_bps: BPS,
        quorum_bps: 5_000,
        approval_bps: 6_000,
        min_members: 2,
        veto_members: 0,
        term_blocks: 1_000,
        ballots: vec![],
    };
    let with = |edit: &dyn Fn(&mut Case)| {
        let mut c = base.clone();
        edit(&mut c);
        c
    };
    use Choice::*;
    let cases = [
        (with(&|_| {}), TallyOutcome::QuorumFailed),
        (
            with(&|c| c.ballots = vec![(0, 0, Yes), (1, 2, Yes), (2, 3, No), (3, 4, Yes)]),
            TallyOutcome::Passed,
        ),
        (
            with(&|c| c.ballots = vec![(0, 0, Yes), (1, 2, No), (2, 0, No)]),
            TallyOutcome::ApprovalFailed,
        ),
        (
            with(&|c| c.ballots = vec![(0, 0, Yes), (0, 2, Abstain)]),
            TallyOutcome::TooFewApprovingMembers,
        ),
        (
            with(&|c| {
                c.veto_members = 1;
                c.ballots = vec![(0, 0, Yes), (0, 2, Yes), (0, 3, No)];
            }),
            TallyOutcome::Vetoed,
        ),
        // Terms end during the vote: the ballots cast before are not counted.
        (
            with(&|c| {
                c.term_blocks = 5;
                c.ballots = vec![(0, 0, Yes), (0, 2, Yes), (4, 3, Yes)];
            }),
            TallyOutcome::QuorumFailed,
        ),
    ];
    for (case, outcome) in cases {
        check(&case).unwrap_or_else(|e| panic!("{e}"));
        let out = run(&case, &case.ballots).unwrap_or_else(|e| panic!("{e}"));
        let d = out.chain.proposal(1).decision.unwrap();
        assert_eq!(d.outcome, outcome, "{case:?}");
        if case.term_blocks == 5 {
            assert_eq!(d.uncounted_ballots, 2);
        }
    }
}
