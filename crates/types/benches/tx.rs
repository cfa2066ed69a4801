//! The hot path of every transaction a node receives: decoding the signed bytes (bounded,
//! canonical) and checking the Ed25519 signature, for a vote (the most frequent call) and a
//! proposal carrying actions. Kept short: 20 samples, 2 s of measurement each.

use aigov_types::codec::{BoundedString, BoundedVec, Encode, Hash, Slug};
use aigov_types::governance::{
    Action, CastVote, Choice, GovernanceCall, PersonnelTarget, ProposalClass, SubmitProposal,
};
use aigov_types::{Call, PrivateKey, SignedTx, Tx};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

fn signed(call: Call) -> Vec<u8> {
    let key = PrivateKey::from_seed_bytes([9; 32]);
    Tx {
        chain_id: Slug::new("aigov-bench").expect("a valid slug"),
        sender: key.public_key(),
        nonce: 42,
        gas_limit: 100_000,
        call,
    }
    .sign(&key)
    .encode()
    .to_vec()
}

fn bench(c: &mut Criterion) {
    let vote = signed(Call::Governance(GovernanceCall::Vote(CastVote {
        proposal: 7,
        choice: Choice::Yes,
        rationale: Some(Hash::digest(&[b"why"])),
    })));
    let who = PrivateKey::from_seed_bytes([3; 32]).public_key();
    let propose = signed(Call::Governance(GovernanceCall::Propose(SubmitProposal {
        class: ProposalClass::Review,
        title: BoundedString::new("Vet sixteen newcomers").expect("short"),
        description_hash: Hash::digest(&[b"description"]),
        actions: BoundedVec::truncating(vec![
            Action::ActivatePersonnel(PersonnelTarget {
                account: who
            });
            16
        ]),
    })));
    let mut g = c.benchmark_group("tx");
    g.bench_function("vote/decode", |b| {
        b.iter(|| SignedTx::decode_bounded(black_box(&vote)).expect("decodes"))
    });
    g.bench_function("vote/decode_and_verify", |b| {
        b.iter(|| SignedTx::decode_and_verify(black_box(&vote)).expect("verifies"))
    });
    g.bench_function("propose16/decode_and_verify", |b| {
        b.iter(|| SignedTx::decode_and_verify(black_box(&propose)).expect("verifies"))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
