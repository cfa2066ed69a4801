//! Light-client verification against *real* proofs: a QMDB `current::ordered::variable`
//! database on Commonware's deterministic runtime gives the state root and the QMDB proofs, a
//! 4-validator BLS12-381 threshold group dealt with `feldman_desmedt::deal` signs finalize votes
//! over the header digest, and 3 of those votes make the finalization certificate.

use aigov_client::{
    GroupIdentity, IdentityError, ProofError, VerifiedState, verify_state_proof,
    verify_state_response,
};
use aigov_types::account::Account;
use aigov_types::api::StateResponse;
use aigov_types::block::{Header, txs_root};
use aigov_types::codec::{BoundedBytes, Encode};
use aigov_types::proof::{
    BlockFinalization, CHUNK_BYTES, CONSENSUS_NAMESPACE, Scheme, SeedError, StateKey, StateProof,
    StateValue, state_key, verify_header_seed,
};
use commonware_consensus::simplex::scheme::bls12381_threshold::vrf::Seedable as _;
use commonware_consensus::simplex::types::{
    Context, Finalization, Finalize, Notarization, Notarize, Proposal,
};
use commonware_consensus::types::{Epoch, Height, Round, View};
use commonware_cryptography::bls12381::{
    dkg::feldman_desmedt::deal,
    primitives::{sharing::Mode, variant::MinSig},
};
use commonware_cryptography::{Hasher as _, Sha256, Signer as _, ed25519, sha256::Digest};
use commonware_parallel::Sequential;
use commonware_runtime::{Runner as _, Supervisor as _, buffer::paged::CacheRef, deterministic};
use commonware_storage::{
    journal::contiguous::variable::Config as VConfig,
    merkle::{full::Config as MerkleConfig, mmr},
    qmdb::{
        current::{VariableConfig, ordered::variable::Db},
        floor::Proportional,
    },
    translator::EightCap,
};
use commonware_utils::{
    N3f1, NZU16, NZU64, NZUsize, non_empty, ordered::Set, range::NonEmptyRange,
};
use proptest::prelude::*;
use rand::SeedableRng as _;
use rand::rngs::StdRng;
use std::sync::OnceLock;

/// The state database exactly as the node is expected to open it.
type StateDb = Db<
    mmr::Family,
    deterministic::Context,
    StateKey,
    StateValue,
    Sha256,
    EightCap,
    CHUNK_BYTES,
    Sequential,
>;

/// A consensus group: its identity, the encoded public polynomial, and one signer per validator.
struct Group {
    identity: GroupIdentity,
    polynomial_bytes: Vec<u8>,
    signers: Vec<Scheme>,
}

fn group(seed: u64) -> Group {
    let keys: Vec<ed25519::PrivateKey> = (0..4)
        .map(|i| ed25519::PrivateKey::from_seed(seed * 100 + i))
        .collect();
    let participants = Set::from_iter_dedup(keys.iter().map(|k| k.public_key()));
    let mut rng = StdRng::seed_from_u64(seed);
    let (output, shares) =
        deal::<MinSig, _, N3f1>(&mut rng, Mode::NonZeroCounter, participants.clone()).unwrap();
    let polynomial = output.public().clone();
    let signers = participants
        .iter()
        .map(|pk| {
            let share = shares.get_value(pk).unwrap().clone();
            Scheme::signer(
                CONSENSUS_NAMESPACE,
                participants.clone(),
                polynomial.clone(),
                share,
            )
            .unwrap()
        })
        .collect();
    Group {
        identity: GroupIdentity::from_public(*polynomial.public()),
        polynomial_bytes: polynomial.encode().to_vec(),
        signers,
    }
}

/// A finalization of `proposal` assembled from the finalize votes of validators `who`.
fn finalize(g: &Group, proposal: &Proposal<Digest>, who: &[usize]) -> BlockFinalization {
    let votes: Vec<Finalize<Scheme, Digest>> = who
        .iter()
        .map(|i| Finalize::sign(&g.signers[*i], proposal.clone()).unwrap())
        .collect();
    Finalization::from_finalizes(&g.signers[0], non_empty![@&votes], &Sequential).unwrap()
}

/// The proposal consensus would certify for `header`.
fn proposal_of(header: &Header) -> Proposal<Digest> {
    Proposal::new(
        header.context.round,
        header.context.parent.0,
        header.digest(),
    )
}

struct Fixture {
    group: Group,
    other: Group,
    header: Header,
    /// A proof that `ALICE` holds `alice_value()`.
    present: StateProof,
    /// A proof that `NOBODY` is absent.
    absent: StateProof,
    /// A proof that `BOB` holds `bob_value()`.
    bob: StateProof,
    /// A proof that `CAROL` (written in block 1, deleted in block 2) is absent.
    carol_absent: StateProof,
}

const ALICE: &[u8] = b"acct/alice";
const BOB: &[u8] = b"acct/bob";
const CAROL: &[u8] = b"acct/carol";
const NOBODY: &[u8] = b"acct/nobody";

fn alice_value() -> Account {
    Account { nonce: 4, gas: 900 }
}
fn bob_value() -> Account {
    Account { nonce: 0, gas: 12 }
}

fn sv(bytes: Vec<u8>) -> StateValue {
    BoundedBytes::new(bytes).unwrap()
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(build_fixture)
}

fn build_fixture() -> Fixture {
    let runner = deterministic::Runner::seeded(7);
    let (root, ops_root, range, kv_alice, kv_bob, excl, excl_carol) =
        runner.start(|context| async move {
            let page_cache = CacheRef::new(NZU16!(4096), NZUsize!(64));
            let cfg = VariableConfig {
                merkle_config: MerkleConfig {
                    journal_partition: "state-mmr-journal".into(),
                    metadata_partition: "state-mmr-metadata".into(),
                    items_per_blob: NZU64!(4096),
                    write_buffer: NZUsize!(1 << 16),
                    replay_buffer: NZUsize!(1 << 16),
                    strategy: Sequential,
                    page_cache: page_cache.clone(),
                },
                journal_config: VConfig {
                    partition: "state-log".into(),
                    items_per_section: NZU64!(4096),
                    compression: None,
                    codec_config: ((), ()),
                    page_cache,
                    write_buffer: NZUsize!(1 << 16),
                    replay_buffer: NZUsize!(1 << 16),
                },
                grafted_metadata_partition: "state-grafted".into(),
                translator: EightCap,
                init_cache: Some(NZUsize!(1024)),
                init_buffer: NZUsize!(1 << 20),
                init_concurrency: (),
            };
            let db = StateDb::init(context.child("state"), cfg, None)
                .await
                .unwrap();

            // Block 1 writes three accounts; block 2 deletes one, so the state has history.
            let batch = db
                .new_batch()
                .write(
                    state_key(ALICE),
                    Some(sv(Account::default().encode().to_vec())),
                )
                .write(state_key(BOB), Some(sv(bob_value().encode().to_vec())))
                .write(state_key(CAROL), Some(sv(vec![1, 2, 3])))
                .merkleize(&db, None, &mut Proportional)
                .await
                .unwrap();
            let db = db.apply_batch(batch).await.unwrap().commit().await.unwrap();
            let batch = db
                .new_batch()
                .write(state_key(ALICE), Some(sv(alice_value().encode().to_vec())))
                .write(state_key(CAROL), None)
                .merkleize(&db, None, &mut Proportional)
                .await
                .unwrap();
            let speculative = batch.root();
            let db = db.apply_batch(batch).await.unwrap().commit().await.unwrap();
            assert_eq!(db.root(), speculative);

            let kv_alice = db.key_value_proof(state_key(ALICE)).await.unwrap();
            let kv_bob = db.key_value_proof(state_key(BOB)).await.unwrap();
            let excl = db.exclusion_proof(&state_key(NOBODY)).await.unwrap();
            let excl_carol = db.exclusion_proof(&state_key(CAROL)).await.unwrap();
            assert!(db.key_value_proof(state_key(CAROL)).await.is_err());
            let range = NonEmptyRange::new(db.sync_boundary()..db.bounds().end).unwrap();
            (
                db.root(),
                db.ops_root(),
                range,
                kv_alice,
                kv_bob,
                excl,
                excl_carol,
            )
        });

    let (group, other) = (group(1), group(2));
    let leader = ed25519::PrivateKey::from_seed(100).public_key();
    // The parent's round (view 7) was certified: its certificate carries the round's seed.
    let parent_round = Round::new(Epoch::zero(), View::new(7));
    let parent_cert = finalize(
        &group,
        &Proposal::new(parent_round, View::new(5), Sha256::hash(&[b"block 2"])),
        &[0, 1, 2],
    );
    let header = Header {
        context: Context {
            round: Round::new(Epoch::zero(), View::new(9)),
            leader,
            parent: (View::new(7), Sha256::hash(&[b"block 2"])),
        },
        parent: Sha256::hash(&[b"block 2"]),
        height: Height::new(3),
        time_ms: 1_800_000_000_000,
        txs_root: txs_root(&[]),
        tx_count: 0,
        reshare_root: None,
        state_root: root,
        ops_root,
        range,
        seed: Some(parent_cert.seed().signature),
    };
    // The header's seed is the group's, for the parent's round, and no other group's.
    verify_header_seed(&group.signers[0], &header).unwrap();
    assert!(verify_header_seed(&other.signers[0], &header).is_err());
    let mut wrong_round = header.clone();
    wrong_round.context.parent.0 = View::new(6);
    assert_eq!(
        verify_header_seed(&group.signers[0], &wrong_round),
        Err(SeedError::Invalid(Round::new(Epoch::zero(), View::new(6))))
    );
    let fin = finalize(&group, &proposal_of(&header), &[0, 1, 3]);
    let proof = |key: &[u8], value: Option<Vec<u8>>, qmdb: Vec<u8>| StateProof {
        key: BoundedBytes::new(key.to_vec()).unwrap(),
        value: value.map(sv),
        proof: BoundedBytes::new(qmdb).unwrap(),
        header: BoundedBytes::new(header.encode().to_vec()).unwrap(),
        finalization: BoundedBytes::new(fin.encode().to_vec()).unwrap(),
    };
    Fixture {
        present: proof(
            ALICE,
            Some(alice_value().encode().to_vec()),
            kv_alice.encode().to_vec(),
        ),
        bob: proof(
            BOB,
            Some(bob_value().encode().to_vec()),
            kv_bob.encode().to_vec(),
        ),
        absent: proof(NOBODY, None, excl.encode().to_vec()),
        carol_absent: proof(CAROL, None, excl_carol.encode().to_vec()),
        group,
        other,
        header,
    }
}

fn id() -> &'static GroupIdentity {
    &fixture().group.identity
}

fn with_header(p: &StateProof, header: &Header) -> StateProof {
    StateProof {
        header: BoundedBytes::new(header.encode().to_vec()).unwrap(),
        ..p.clone()
    }
}

fn with_finalization(p: &StateProof, f: &BlockFinalization) -> StateProof {
    StateProof {
        finalization: BoundedBytes::new(f.encode().to_vec()).unwrap(),
        ..p.clone()
    }
}

fn bytes<const N: usize>(v: &[u8]) -> BoundedBytes<N> {
    BoundedBytes::new(v.to_vec()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Accepted proofs

#[test]
fn a_value_proof_verifies_against_the_group_key_alone() {
    let f = fixture();
    let v: VerifiedState = verify_state_proof(&f.present, id()).unwrap();
    assert_eq!(v.height, 3);
    assert_eq!(v.block_digest.to_digest(), f.header.digest());
    assert_eq!(v.state_root.to_digest(), f.header.state_root);
    assert_eq!(v.time_ms, f.header.time_ms);
    assert_eq!(v.key, ALICE);
    assert_eq!(v.decode_value::<Account>().unwrap(), Some(alice_value()));
    // Another key under the same certified header.
    let b = verify_state_proof(&f.bob, id()).unwrap();
    assert_eq!(b.decode_value::<Account>().unwrap(), Some(bob_value()));
}

#[test]
fn an_absence_proof_verifies() {
    let v = verify_state_proof(&fixture().absent, id()).unwrap();
    assert_eq!(v.key, NOBODY);
    assert_eq!(v.value, None);
    assert_eq!(v.decode_value::<Account>().unwrap(), None);
}

#[test]
fn a_deleted_key_is_provably_absent_but_its_old_value_is_not_provable() {
    // CAROL was written in block 1 and deleted in block 2: its absence is provable, and its
    // old value cannot be passed off with another key's proof.
    let f = fixture();
    let v = verify_state_proof(&f.carol_absent, id()).unwrap();
    assert_eq!((v.key.as_slice(), v.value), (CAROL, None));
    let forged = StateProof {
        value: Some(sv(vec![1, 2, 3])),
        ..f.carol_absent.clone()
    };
    assert!(verify_state_proof(&forged, id()).is_err());
    let forged = StateProof {
        key: bytes(CAROL),
        value: Some(sv(vec![1, 2, 3])),
        ..f.present.clone()
    };
    assert!(matches!(
        verify_state_proof(&forged, id()),
        Err(ProofError::BadStateProof { .. })
    ));
}

#[test]
fn proofs_survive_a_json_round_trip() {
    let f = fixture();
    for p in [&f.present, &f.absent] {
        let json = serde_json::to_string(p).unwrap();
        let back: StateProof = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, p);
        verify_state_proof(&back, id()).unwrap();
    }
}

#[test]
fn a_certificate_in_a_later_view_of_the_same_epoch_is_a_reproposal_and_verifies() {
    let f = fixture();
    let mut prop = proposal_of(&f.header);
    prop.round = Round::new(Epoch::zero(), View::new(12));
    prop.parent = View::new(9);
    let fin = finalize(&f.group, &prop, &[1, 2, 3]);
    verify_state_proof(&with_finalization(&f.present, &fin), id()).unwrap();
}

#[test]
fn any_quorum_of_validators_makes_the_same_certificate() {
    let f = fixture();
    let a = finalize(&f.group, &proposal_of(&f.header), &[0, 1, 2]);
    let b = finalize(&f.group, &proposal_of(&f.header), &[1, 2, 3]);
    assert_eq!(a.encode(), b.encode());
    // Proposal (epoch, view, parent view as varints; 32-byte digest) + two 48-byte G1
    // signatures (vote and VRF seed): 131 bytes here.
    assert_eq!(a.encode().len(), f.present.finalization.len());
    assert_eq!(a.encode().len(), 3 + 32 + 96);
    verify_state_proof(&with_finalization(&f.present, &b), id()).unwrap();
}

#[test]
fn fewer_than_a_quorum_of_votes_cannot_form_a_certificate() {
    let f = fixture();
    let prop = proposal_of(&f.header);
    let votes: Vec<Finalize<Scheme, Digest>> = [0usize, 2]
        .iter()
        .map(|i| Finalize::sign(&f.group.signers[*i], prop.clone()).unwrap())
        .collect();
    assert!(
        Finalization::from_finalizes(&f.group.signers[0], non_empty![@&votes], &Sequential)
            .is_err()
    );
}

// ---------------------------------------------------------------------------------------------
// The group identity

#[test]
fn the_identity_is_the_constant_term_of_the_dealt_polynomial() {
    let f = fixture();
    let from_poly = GroupIdentity::from_polynomial_bytes(&f.group.polynomial_bytes).unwrap();
    assert_eq!(&from_poly, id());
    assert_eq!(id().to_bytes().len(), GroupIdentity::SIZE);
    assert_eq!(id().to_hex().len(), 2 * GroupIdentity::SIZE);
    assert_eq!(&GroupIdentity::from_hex(&id().to_hex()).unwrap(), id());
    assert_eq!(
        &GroupIdentity::from_hex(&format!("0x{}\n", id().to_hex())).unwrap(),
        id()
    );
    let json = serde_json::to_string(id()).unwrap();
    assert_eq!(&serde_json::from_str::<GroupIdentity>(&json).unwrap(), id());
    assert_ne!(f.other.identity, f.group.identity);
}

#[test]
fn malformed_identities_and_polynomials_are_rejected() {
    let f = fixture();
    assert!(matches!(
        GroupIdentity::from_hex("zz"),
        Err(IdentityError::NotHex(_))
    ));
    assert!(matches!(
        GroupIdentity::from_bytes(&id().to_bytes()[..95]),
        Err(IdentityError::BadPoint(_))
    ));
    assert!(matches!(
        GroupIdentity::from_bytes(&[0xff; 96]),
        Err(IdentityError::BadPoint(_))
    ));
    let poly = &f.group.polynomial_bytes;
    assert!(matches!(
        GroupIdentity::from_polynomial_bytes(&poly[..poly.len() - 1]),
        Err(IdentityError::BadPolynomial(_))
    ));
    let mut trailing = poly.clone();
    trailing.push(0);
    assert!(matches!(
        GroupIdentity::from_polynomial_bytes(&trailing),
        Err(IdentityError::BadPolynomial(_))
    ));
    assert!(GroupIdentity::from_polynomial_bytes(&[]).is_err());
}

// ---------------------------------------------------------------------------------------------
// Rejected proofs: each with the error naming the broken link

#[test]
fn a_tampered_value_is_rejected() {
    let f = fixture();
    let forged = StateProof {
        value: Some(sv(Account {
            nonce: 4,
            gas: 1_000_000,
        }
        .encode()
        .to_vec())),
        ..f.present.clone()
    };
    assert!(matches!(
        verify_state_proof(&forged, id()),
        Err(ProofError::BadStateProof {
            claim: "holds the given value",
            ..
        })
    ));
}

#[test]
fn a_value_proof_for_another_key_is_rejected() {
    let f = fixture();
    // Bob's proof, claiming Alice's key (with Bob's value, and with Alice's).
    for value in [bob_value(), alice_value()] {
        let forged = StateProof {
            key: bytes(ALICE),
            value: Some(sv(value.encode().to_vec())),
            ..f.bob.clone()
        };
        assert!(matches!(
            verify_state_proof(&forged, id()),
            Err(ProofError::BadStateProof { .. })
        ));
    }
    // Alice's proof for a key that does not exist.
    let forged = StateProof {
        key: bytes(NOBODY),
        ..f.present.clone()
    };
    assert!(matches!(
        verify_state_proof(&forged, id()),
        Err(ProofError::BadStateProof { .. })
    ));
}

#[test]
fn an_absence_proof_cannot_hide_a_present_key() {
    let f = fixture();
    for key in [ALICE, BOB] {
        let forged = StateProof {
            key: bytes(key),
            ..f.absent.clone()
        };
        assert!(matches!(
            verify_state_proof(&forged, id()),
            Err(ProofError::BadStateProof {
                claim: "is absent",
                ..
            })
        ));
    }
}

#[test]
fn proof_kinds_cannot_be_swapped() {
    let f = fixture();
    // A value proof presented as absence.
    let forged = StateProof {
        value: None,
        ..f.present.clone()
    };
    assert!(matches!(
        verify_state_proof(&forged, id()),
        Err(ProofError::UndecodableStateProof { .. } | ProofError::BadStateProof { .. })
    ));
    // An absence proof presented with a value.
    let forged = StateProof {
        value: Some(sv(alice_value().encode().to_vec())),
        ..f.absent.clone()
    };
    assert!(matches!(
        verify_state_proof(&forged, id()),
        Err(ProofError::UndecodableStateProof { .. } | ProofError::BadStateProof { .. })
    ));
}

#[test]
fn a_tampered_header_no_longer_matches_the_certificate() {
    let f = fixture();
    let mut h = f.header.clone();
    h.state_root = Sha256::hash(&[b"a root with a different state"]);
    assert!(matches!(
        verify_state_proof(&with_header(&f.present, &h), id()),
        Err(ProofError::WrongPayload { .. })
    ));
    let mut h = f.header.clone();
    h.height = Height::new(4);
    assert!(matches!(
        verify_state_proof(&with_header(&f.present, &h), id()),
        Err(ProofError::WrongPayload { .. })
    ));
    // One byte of the encoded header, anywhere.
    let enc = f.present.header.as_slice();
    for i in 0..enc.len() {
        let mut b = enc.to_vec();
        b[i] ^= 0x01;
        let p = StateProof {
            header: bytes(&b),
            ..f.present.clone()
        };
        assert!(
            matches!(
                verify_state_proof(&p, id()),
                Err(ProofError::WrongPayload { .. } | ProofError::UndecodableHeader(_))
            ),
            "header byte {i}"
        );
    }
}

#[test]
fn a_finalization_over_another_digest_is_rejected() {
    let f = fixture();
    let mut prop = proposal_of(&f.header);
    prop.payload = Sha256::hash(&[b"some other block"]);
    let fin = finalize(&f.group, &prop, &[0, 1, 2]);
    assert!(matches!(
        verify_state_proof(&with_finalization(&f.present, &fin), id()),
        Err(ProofError::WrongPayload { .. })
    ));
}

#[test]
fn a_finalization_from_an_earlier_round_than_the_header_is_rejected() {
    let f = fixture();
    for (view, parent) in [(8, 7), (9, 8)] {
        let mut prop = proposal_of(&f.header);
        prop.round = Round::new(Epoch::zero(), View::new(view));
        prop.parent = View::new(parent);
        let fin = finalize(&f.group, &prop, &[0, 1, 2]);
        assert!(matches!(
            verify_state_proof(&with_finalization(&f.present, &fin), id()),
            Err(ProofError::RoundMismatch { .. })
        ));
    }
    let mut prop = proposal_of(&f.header);
    prop.round = Round::new(Epoch::new(1), View::new(9));
    let fin = finalize(&f.group, &prop, &[0, 1, 2]);
    assert!(matches!(
        verify_state_proof(&with_finalization(&f.present, &fin), id()),
        Err(ProofError::RoundMismatch { .. })
    ));
}

#[test]
fn a_certificate_checked_against_another_group_key_is_rejected() {
    let f = fixture();
    for p in [&f.present, &f.absent] {
        assert!(matches!(
            verify_state_proof(p, &f.other.identity),
            Err(ProofError::BadCertificate { .. })
        ));
    }
}

#[test]
fn a_notarization_passed_off_as_a_finalization_is_rejected() {
    // A notarized block may still be dropped; only the finalize vote's signature proves it.
    let f = fixture();
    let prop = proposal_of(&f.header);
    let votes: Vec<Notarize<Scheme, Digest>> = [0, 1, 2]
        .iter()
        .map(|i| Notarize::sign(&f.group.signers[*i], prop.clone()).unwrap())
        .collect();
    let n = Notarization::from_notarizes(&f.group.signers[0], non_empty![@&votes], &Sequential)
        .unwrap();
    let fin = BlockFinalization {
        proposal: n.proposal,
        certificate: n.certificate,
    };
    assert!(matches!(
        verify_state_proof(&with_finalization(&f.present, &fin), id()),
        Err(ProofError::BadCertificate { .. })
    ));
}

#[test]
fn a_certificate_made_by_another_group_is_rejected() {
    // Another group certifies a header with a forged state root that the forger fully controls.
    let f = fixture();
    let fin = finalize(&f.other, &proposal_of(&f.header), &[0, 1, 2]);
    assert!(matches!(
        verify_state_proof(&with_finalization(&f.present, &fin), id()),
        Err(ProofError::BadCertificate { .. })
    ));
}

#[test]
fn a_certificate_under_another_namespace_is_rejected() {
    let f = fixture();
    let g = group(1);
    // Same shares, but votes signed for another application.
    let keys: Vec<ed25519::PrivateKey> = (0..4)
        .map(|i| ed25519::PrivateKey::from_seed(100 + i))
        .collect();
    let participants = Set::from_iter_dedup(keys.iter().map(|k| k.public_key()));
    let mut rng = StdRng::seed_from_u64(1);
    let (output, shares) =
        deal::<MinSig, _, N3f1>(&mut rng, Mode::NonZeroCounter, participants.clone()).unwrap();
    assert_eq!(
        GroupIdentity::from_public(*output.public().public()),
        g.identity
    );
    let signers: Vec<Scheme> = participants
        .iter()
        .map(|pk| {
            Scheme::signer(
                b"_SOME_OTHER_APP",
                participants.clone(),
                output.public().clone(),
                shares.get_value(pk).unwrap().clone(),
            )
            .unwrap()
        })
        .collect();
    let prop = proposal_of(&f.header);
    let votes: Vec<Finalize<Scheme, Digest>> = signers
        .iter()
        .take(3)
        .map(|s| Finalize::sign(s, prop.clone()).unwrap())
        .collect();
    let fin = Finalization::from_finalizes(&signers[0], non_empty![@&votes], &Sequential).unwrap();
    assert!(matches!(
        verify_state_proof(&with_finalization(&f.present, &fin), id()),
        Err(ProofError::BadCertificate { .. })
    ));
}

#[test]
fn garbage_and_truncated_fields_fail_cleanly() {
    let f = fixture();
    let p = &f.present;
    type Expect = fn(&ProofError) -> bool;
    let cases: Vec<(StateProof, Expect)> = vec![
        (
            StateProof {
                header: bytes(&[]),
                ..p.clone()
            },
            |e| matches!(e, ProofError::UndecodableHeader(_)),
        ),
        (
            StateProof {
                header: bytes(&p.header.as_slice()[..p.header.len() - 1]),
                ..p.clone()
            },
            |e| matches!(e, ProofError::UndecodableHeader(_)),
        ),
        (
            StateProof {
                header: bytes(&[p.header.as_slice(), &[0]].concat()),
                ..p.clone()
            },
            |e| matches!(e, ProofError::UndecodableHeader(_)),
        ),
        (
            StateProof {
                finalization: bytes(&[]),
                ..p.clone()
            },
            |e| matches!(e, ProofError::UndecodableFinalization(_)),
        ),
        (
            StateProof {
                finalization: bytes(&p.finalization.as_slice()[..p.finalization.len() - 1]),
                ..p.clone()
            },
            |e| matches!(e, ProofError::UndecodableFinalization(_)),
        ),
        (
            StateProof {
                finalization: bytes(&[p.finalization.as_slice(), &[0]].concat()),
                ..p.clone()
            },
            |e| matches!(e, ProofError::UndecodableFinalization(_)),
        ),
        (
            StateProof {
                finalization: bytes(&[0xab; 131]),
                ..p.clone()
            },
            |e| matches!(e, ProofError::UndecodableFinalization(_)),
        ),
        (
            StateProof {
                proof: bytes(&[]),
                ..p.clone()
            },
            |e| {
                matches!(
                    e,
                    ProofError::UndecodableStateProof {
                        kind: "key-value",
                        ..
                    }
                )
            },
        ),
        (
            StateProof {
                proof: bytes(&p.proof.as_slice()[..p.proof.len() / 2]),
                ..p.clone()
            },
            |e| matches!(e, ProofError::UndecodableStateProof { .. }),
        ),
        (
            StateProof {
                proof: bytes(&[p.proof.as_slice(), &[0]].concat()),
                ..p.clone()
            },
            |e| matches!(e, ProofError::UndecodableStateProof { .. }),
        ),
        (
            StateProof {
                proof: bytes(&[7u8; 300]),
                ..f.absent.clone()
            },
            |e| {
                matches!(
                    e,
                    ProofError::UndecodableStateProof {
                        kind: "exclusion",
                        ..
                    }
                )
            },
        ),
    ];
    for (i, (proof, expected)) in cases.iter().enumerate() {
        let err = verify_state_proof(proof, id()).unwrap_err();
        assert!(expected(&err), "case {i}: unexpected error {err}");
        assert!(!err.to_string().is_empty());
    }
    // A signature that is not a curve point: overwrite the two 48-byte G1 signatures.
    let mut fin = p.finalization.as_slice().to_vec();
    let sig_start = fin.len() - 96;
    fin[sig_start..].fill(0xff);
    let err = verify_state_proof(
        &StateProof {
            finalization: bytes(&fin),
            ..p.clone()
        },
        id(),
    )
    .unwrap_err();
    assert!(
        matches!(err, ProofError::UndecodableFinalization(_)),
        "{err}"
    );
}

#[test]
fn flipping_any_byte_of_the_finalization_or_the_qmdb_proof_is_rejected() {
    let f = fixture();
    for base in [&f.present, &f.absent] {
        let fin = base.finalization.as_slice();
        for i in 0..fin.len() {
            let mut b = fin.to_vec();
            b[i] ^= 0x01;
            let p = StateProof {
                finalization: bytes(&b),
                ..base.clone()
            };
            assert!(
                verify_state_proof(&p, id()).is_err(),
                "finalization byte {i}"
            );
        }
        let qmdb = base.proof.as_slice();
        for i in 0..qmdb.len() {
            for mask in [0x01u8, 0x80] {
                let mut b = qmdb.to_vec();
                b[i] ^= mask;
                let p = StateProof {
                    proof: bytes(&b),
                    ..base.clone()
                };
                assert!(
                    verify_state_proof(&p, id()).is_err(),
                    "qmdb proof byte {i} mask {mask:#x} (absent: {})",
                    base.value.is_none()
                );
            }
        }
    }
}

#[test]
fn error_messages_name_what_failed() {
    let f = fixture();
    let err = verify_state_proof(&f.present, &f.other.identity).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("does not verify against group key"), "{msg}");
    assert!(msg.contains(&f.other.identity.to_hex()), "{msg}");
    let forged = StateProof {
        value: Some(sv(vec![0])),
        ..f.present.clone()
    };
    let msg = verify_state_proof(&forged, id()).unwrap_err().to_string();
    assert!(msg.contains(&hex::encode(ALICE)), "{msg}");
    assert!(msg.contains("height 3"), "{msg}");
}

// ---------------------------------------------------------------------------------------------
// API responses

fn response(
    value: Option<Account>,
    proof: Option<StateProof>,
    key: &[u8],
) -> StateResponse<Account> {
    StateResponse {
        height: 3,
        key: hex::encode(key),
        value,
        proof,
    }
}

#[test]
fn a_state_response_must_say_what_its_proof_proves() {
    let f = fixture();
    let ok = response(Some(alice_value()), Some(f.present.clone()), ALICE);
    assert_eq!(verify_state_response(&ok, id()).unwrap().key, ALICE);
    let ok = response(None, Some(f.absent.clone()), NOBODY);
    assert!(verify_state_response(&ok, id()).unwrap().value.is_none());

    let lying_value = response(Some(bob_value()), Some(f.present.clone()), ALICE);
    assert!(matches!(
        verify_state_response(&lying_value, id()),
        Err(ProofError::ResponseMismatch(_))
    ));
    let hiding = response(None, Some(f.present.clone()), ALICE);
    assert!(matches!(
        verify_state_response(&hiding, id()),
        Err(ProofError::ResponseMismatch(_))
    ));
    let inventing = response(Some(alice_value()), Some(f.absent.clone()), NOBODY);
    assert!(matches!(
        verify_state_response(&inventing, id()),
        Err(ProofError::ResponseMismatch(_))
    ));
    let wrong_key = response(Some(alice_value()), Some(f.present.clone()), BOB);
    assert!(matches!(
        verify_state_response(&wrong_key, id()),
        Err(ProofError::ResponseMismatch(_))
    ));
    let mut other_height = response(Some(alice_value()), Some(f.present.clone()), ALICE);
    other_height.height = 4;
    assert!(matches!(
        verify_state_response(&other_height, id()),
        Err(ProofError::ResponseMismatch(_))
    ));
    let unproven = response(Some(alice_value()), None, ALICE);
    assert_eq!(
        verify_state_response(&unproven, id()),
        Err(ProofError::MissingProof)
    );
}

// ---------------------------------------------------------------------------------------------
// Hostile bytes never panic

fn field_strategy() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..64),
        proptest::collection::vec(any::<u8>(), 64..400),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_in_any_field_never_panic(
        field in 0usize..5,
        data in field_strategy(),
        absent in any::<bool>(),
    ) {
        let f = fixture();
        let mut p = if absent { f.absent.clone() } else { f.present.clone() };
        match field {
            0 => p.key = bytes(&data[..data.len().min(256)]),
            1 => p.value = Some(sv(data)),
            2 => p.proof = bytes(&data),
            3 => p.header = bytes(&data),
            _ => p.finalization = bytes(&data),
        }
        let result = verify_state_proof(&p, id());
        // A random key may well lie in the proven-absent span: that is a correct answer.
        if !(field == 0 && absent) {
            prop_assert!(result.is_err());
        }
    }

    #[test]
    fn arbitrary_mutations_of_a_valid_proof_never_panic(
        field in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..6),
        absent in any::<bool>(),
    ) {
        let f = fixture();
        let mut p = if absent { f.absent.clone() } else { f.present.clone() };
        let target = match field {
            0 => p.proof.as_slice().to_vec(),
            1 => p.header.as_slice().to_vec(),
            _ => p.finalization.as_slice().to_vec(),
        };
        let mut b = target.clone();
        for (idx, byte) in &edits {
            let i = idx.index(b.len());
            b[i] = *byte;
        }
        match field {
            0 => p.proof = bytes(&b),
            1 => p.header = bytes(&b),
            _ => p.finalization = bytes(&b),
        }
        let result = verify_state_proof(&p, id());
        if b != target {
            prop_assert!(result.is_err());
        }
    }

    #[test]
    fn arbitrary_identities_never_panic(data in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = GroupIdentity::from_bytes(&data);
        let _ = GroupIdentity::from_polynomial_bytes(&data);
        let _ = GroupIdentity::from_hex(&hex::encode(&data));
    }
}
