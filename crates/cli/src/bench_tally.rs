//! `aigov bench tally`: the concurrent-majority tally of one proposal with many ballots.
//!
//! It runs in process on the state machine itself (no node): a genesis seats `people` Active
//! personnel across 25 members, one of them proposes, every one votes (blocks built by
//! `execute_block` as a proposer builds them), then the tally the end-of-block hook runs is
//! timed on the resulting state (`governance::queries::running_tally`, the same code). The
//! store is in memory, so the figure is the tally's own cost, not storage latency.

use aigov_client::build_tx;
use aigov_state::{BlockContext, MemStore, Mode, execute_block};
use aigov_types::codec::{BoundedString, BoundedVec, Hash, Slug};
use aigov_types::genesis::{Genesis, GenesisPersonnel, Params};
use aigov_types::governance::{
    CastVote, Choice, GovernanceCall, GovernanceParams, ProposalClass, SubmitProposal,
};
use aigov_types::personnel::{Member, Role, Roles};
use aigov_types::{Call, PrivateKey};
use anyhow::{Context as _, anyhow};
use bytes::Bytes;
use futures::executor::block_on;
use std::time::Instant;

const MEMBERS: usize = 25;
const GENESIS_MS: u64 = 1_800_000_000_000;

/// What the tally benchmark measured.
pub struct TallyFigures {
    /// Ballots counted.
    pub ballots: usize,
    /// Median time of one tally, ms.
    pub median_ms: f64,
    /// Time to build the state (genesis, proposal, every vote), ms.
    pub setup_ms: f64,
}

fn slug(s: &str) -> anyhow::Result<Slug> {
    Slug::new(s).map_err(|e| anyhow!("{s}: {e}"))
}

/// Seats `people` Active Policy personnel over [MEMBERS] members, votes them all on one Review
/// proposal (a third no, the rest yes), and times the tally `runs` times.
pub fn bench_tally(people: usize, runs: usize) -> anyhow::Result<TallyFigures> {
    let start = Instant::now();
    let keys: Vec<PrivateKey> = (0..people)
        .map(|i| {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
            PrivateKey::from_seed_bytes(seed)
        })
        .collect();
    let per_member = people.div_ceil(MEMBERS);
    let members: Vec<Member> = (0..MEMBERS)
        .map(|m| {
            Ok(Member {
                id: slug(&format!("m{m}"))?,
                name: BoundedString::new(format!("Member {m}")).unwrap_or_default(),
                // Tier 1 and 2 seats for a tenth each, the rest at tier 3.
                seats_per_tier: BoundedVec::truncating(vec![
                    u16::try_from(per_member / 10 + 1)?,
                    u16::try_from(per_member / 10 + 1)?,
                    u16::try_from(per_member)?,
                ]),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let personnel: Vec<GenesisPersonnel> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let within = i / MEMBERS;
            let tier = if within < per_member / 10 {
                1
            } else if within < per_member / 5 {
                2
            } else {
                3
            };
            Ok(GenesisPersonnel {
                account: k.public_key(),
                member: members[i % MEMBERS].id.clone(),
                organisation: None,
                roles: Roles::from_roles(&[Role::Policy]),
                tier,
                name: BoundedString::new(format!("p{i}")).unwrap_or_default(),
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let governance = GovernanceParams::default();
    let genesis = Genesis {
        chain_id: slug("aigov-bench-tally")?,
        genesis_time_ms: GENESIS_MS,
        params: Params::default(),
        governance: governance.clone(),
        members: BoundedVec::truncating(members),
        organisations: BoundedVec::truncating(Vec::new()),
        personnel: BoundedVec::new(personnel).context("too many personnel for a genesis")?,
        accounts: BoundedVec::truncating(Vec::new()),
        pool_gas: u64::MAX / 4,
        economy: Default::default(),
        treasury_supply: 0,
        whistleblower_key: None,
        validators: BoundedVec::truncating(Vec::new()),
        group_polynomial: Default::default(),
        blocks_per_epoch: aigov_chain::setup::DEMO_BLOCKS_PER_EPOCH,
        epoch0: Default::default(),
    };

    let mut store = MemStore::default();
    let mut height = 0u64;
    let mut time = GENESIS_MS;
    let mut apply = |txs: &[Bytes], at: u64| -> anyhow::Result<()> {
        height += 1;
        let ctx = BlockContext::unseeded(height, at);
        let out = block_on(execute_block(&store, &genesis, ctx, txs, Mode::Propose))?;
        anyhow::ensure!(
            out.included.len() == txs.len(),
            "block {height} left out {} of {} transactions",
            txs.len() - out.included.len(),
            txs.len()
        );
        store.apply(&out.writes);
        Ok(())
    };
    let tx = |k: &PrivateKey, nonce: u64, call: Call| -> Bytes {
        use aigov_types::codec::Encode;
        Bytes::from(
            build_tx(k, &genesis.chain_id, nonce, 1_000_000, call)
                .encode()
                .to_vec(),
        )
    };
    apply(&[], time)?;
    time += 1_000;
    let propose = Call::Governance(GovernanceCall::Propose(SubmitProposal {
        class: ProposalClass::Review,
        title: BoundedString::new("Bench resolution").unwrap_or_default(),
        description_hash: Hash::digest(&[b"bench"]),
        actions: BoundedVec::truncating(Vec::new()),
    }));
    apply(&[tx(&keys[0], 0, propose)], time)?;
    time += governance.review.voting_delay_ms + 1_000;
    for (chunk_index, chunk) in keys.chunks(4_000).enumerate() {
        let votes: Vec<Bytes> = chunk
            .iter()
            .enumerate()
            .map(|(j, k)| {
                let i = chunk_index * 4_000 + j;
                let choice = if i % 3 == 0 { Choice::No } else { Choice::Yes };
                let nonce = u64::from(i == 0);
                let vote = Call::Governance(GovernanceCall::Vote(CastVote {
                    proposal: 1,
                    choice,
                    rationale: None,
                }));
                tx(k, nonce, vote)
            })
            .collect();
        apply(&votes, time)?;
        time += 1_000;
    }
    let setup_ms = start.elapsed().as_secs_f64() * 1e3;

    let proposal = block_on(aigov_state::governance::queries::proposal(&store, 1))?
        .context("the bench proposal is missing")?;
    let mut times = Vec::with_capacity(runs);
    let mut counted = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let d = block_on(aigov_state::governance::queries::running_tally(
            &store, &proposal, time,
        ))?;
        times.push(t.elapsed().as_secs_f64() * 1e3);
        counted = d
            .per_member
            .as_slice()
            .iter()
            .map(|m| m.voters)
            .sum::<u32>() as usize;
    }
    anyhow::ensure!(
        counted == people,
        "the tally counted {counted} ballots of {people}"
    );
    times.sort_by(|a, b| a.total_cmp(b));
    Ok(TallyFigures {
        ballots: counted,
        median_ms: times[times.len() / 2],
        setup_ms,
    })
}
