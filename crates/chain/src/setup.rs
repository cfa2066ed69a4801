//! Key material and genesis for new chains: the trusted-dealer threshold key deal (until a DKG
//! runs), the files a validator keeps, and the demo genesis `aigov dev` writes on first start.

use aigov_types::codec::{BoundedBytes, BoundedString, BoundedVec, Slug};
use aigov_types::genesis::{Genesis, GenesisAccount, GenesisPersonnel, Params, Validator};
use aigov_types::governance::{ClassParams, GovernanceParams, HOUR_MS};
use aigov_types::personnel::{Member, Organisation, OrganisationKind, Role, Roles};
use aigov_types::proof::{GroupPolynomial, decode_group_polynomial};
use aigov_types::reshare::{DkgOutput, Epoch0Error, epoch0_info};
use aigov_types::{PrivateKey, PublicKey};
use commonware_codec::{DecodeExt as _, Encode as _};
use commonware_cryptography::bls12381::{
    dkg::feldman_desmedt::deal as fd_deal,
    primitives::{group::Share, sharing::Mode, variant::MinSig},
};
use commonware_cryptography::ed25519;
use commonware_utils::{N3f1, ordered::Set};
use rand::SeedableRng as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Errors while creating or loading key material and genesis.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A file's content is invalid.
    #[error("{path}: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Dealing failed.
    #[error("dealing the threshold key failed: {0}")]
    Deal(String),
    /// The epoch-0 `EpochInfo` cannot be made (a validator address the directory refuses).
    #[error("the epoch-0 reshare artifact: {0}")]
    Epoch0(#[from] Epoch0Error),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SetupError + '_ {
    move |source| SetupError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn invalid(path: &Path, reason: impl std::fmt::Display) -> SetupError {
    SetupError::Invalid {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// A validator's threshold key share (what [read_share] returns).
pub type KeyShare = Share;

/// Why a node's key material does not fit the genesis it runs with.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyMismatch {
    /// The group polynomial is not dealt to the genesis' validator set.
    #[error(
        "the group polynomial has {shares} shares and threshold {threshold} for {validators} validators (expected threshold {quorum})"
    )]
    Polynomial {
        /// Shares the polynomial has.
        shares: u32,
        /// Its threshold.
        threshold: u32,
        /// Validators in genesis.
        validators: usize,
        /// The threshold they need (2f+1).
        quorum: u32,
    },
    /// A share was given but the key is not a validator's.
    #[error("{key} is not a validator of this genesis, so it holds no key share")]
    NotAValidator {
        /// The node's identity (hex; a key is too large to carry in an error).
        key: String,
    },
    /// No share was given but the key is a validator's.
    #[error("{key} is validator {index} of this genesis but has no key share")]
    MissingShare {
        /// The node's identity (hex).
        key: String,
        /// Its position among the validators.
        index: u32,
    },
    /// The share is another validator's (indices differ).
    #[error("the key share has index {share}, but this validator is number {index}")]
    WrongIndex {
        /// The share's index.
        share: u32,
        /// The validator's position (sorted by key).
        index: u32,
    },
    /// The share's public key is not the polynomial's at its index.
    #[error("the key share does not match the group polynomial (another deal?)")]
    WrongShare,
}

/// Checks that a node with identity `key` and `share` (`None` for a full node) fits the
/// validators of genesis and their `polynomial`: a validator has its own share, which lies on
/// the polynomial; a full node is not a validator. Consensus would otherwise panic or sign as
/// someone else.
pub fn check_keys(
    polynomial: &GroupPolynomial,
    validators: &[PublicKey],
    key: &PublicKey,
    share: Option<&Share>,
) -> Result<(), KeyMismatch> {
    use commonware_utils::ordered::Quorum as _;
    let set = Set::from_iter_dedup(validators.iter().map(|v| v.0.clone()));
    let quorum = set.quorum::<N3f1>();
    if polynomial.total().get() as usize != set.len() || polynomial.required() != quorum {
        return Err(KeyMismatch::Polynomial {
            shares: polynomial.total().get(),
            threshold: polynomial.required(),
            validators: set.len(),
            quorum,
        });
    }
    let index = set.index(&key.0);
    match (index, share) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(KeyMismatch::NotAValidator {
            key: key.to_string(),
        }),
        (Some(index), None) => Err(KeyMismatch::MissingShare {
            key: key.to_string(),
            index: index.get(),
        }),
        (Some(index), Some(share)) => {
            if share.index != index {
                return Err(KeyMismatch::WrongIndex {
                    share: share.index.get(),
                    index: index.get(),
                });
            }
            match polynomial.partial_public(share.index) {
                Ok(public) if public == share.public::<MinSig>() => Ok(()),
                _ => Err(KeyMismatch::WrongShare),
            }
        }
    }
}

/// A threshold key dealt to a validator set by a trusted dealer.
pub struct Dealt {
    /// The whole dealt output, not just its polynomial: resharing (issue 8) starts from it,
    /// and an `Output` cannot be rebuilt from a polynomial (its fields are private).
    pub output: DkgOutput,
    /// Each validator's share.
    pub shares: BTreeMap<ed25519::PublicKey, Share>,
}

impl Dealt {
    /// The public polynomial (its constant term is the group key).
    pub fn polynomial(&self) -> &GroupPolynomial {
        self.output.public()
    }
}

/// Deals a BLS12-381 threshold key (`N3f1`: any 2f+1 of 3f+1 sign) to `validators`, with the
/// operating system's randomness. Production networks replace this with a DKG.
pub fn deal(validators: &[PublicKey]) -> Result<Dealt, SetupError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| SetupError::Deal(e.to_string()))?;
    let rng = rand::rngs::StdRng::from_seed(seed);
    let players = Set::from_iter_dedup(validators.iter().map(|v| v.0.clone()));
    let (output, shares) = fd_deal::<MinSig, _, N3f1>(rng, Mode::NonZeroCounter, players)
        .map_err(|e| SetupError::Deal(format!("{e:?}")))?;
    let shares = shares
        .iter_pairs()
        .map(|(k, s)| (k.clone(), s.clone()))
        .collect();
    Ok(Dealt { output, shares })
}

/// Hex of the group key (the polynomial's constant term): what light clients trust.
pub fn group_key_hex(polynomial: &GroupPolynomial) -> String {
    hex::encode(polynomial.public().encode())
}

/// Writes `contents` to `path` atomically (temporary file + rename), creating parent folders.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<(), SetupError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, contents).map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

/// Writes a private key as a PKCS#8 PEM file readable only by its owner.
pub fn write_key(path: &Path, key: &PrivateKey) -> Result<(), SetupError> {
    write_atomic(path, key.to_pem().as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io(path))?;
    }
    Ok(())
}

/// Reads a PKCS#8 PEM private key file.
pub fn read_key(path: &Path) -> Result<PrivateKey, SetupError> {
    let pem = std::fs::read_to_string(path).map_err(io(path))?;
    PrivateKey::from_pem(&pem).map_err(|e| invalid(path, e))
}

/// Writes a key share (hex of its encoding).
pub fn write_share(path: &Path, share: &Share) -> Result<(), SetupError> {
    write_atomic(path, hex::encode(share.encode()).as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io(path))?;
    }
    Ok(())
}

/// Reads a key share.
pub fn read_share(path: &Path) -> Result<Share, SetupError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let bytes = hex::decode(text.trim()).map_err(|e| invalid(path, e))?;
    Share::decode(bytes::Bytes::from(bytes)).map_err(|e| invalid(path, e))
}

/// Writes a genesis document as pretty JSON.
pub fn write_genesis(path: &Path, genesis: &Genesis) -> Result<(), SetupError> {
    let json = serde_json::to_vec_pretty(genesis).map_err(|e| invalid(path, e))?;
    write_atomic(path, &json)
}

/// Reads a genesis document and checks that its group polynomial decodes and its epoch-0
/// `EpochInfo` fits it ([Genesis::epoch0]).
pub fn read_genesis(path: &Path) -> Result<(Genesis, GroupPolynomial), SetupError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    let genesis: Genesis = serde_json::from_slice(&bytes).map_err(|e| invalid(path, e))?;
    let poly = decode_group_polynomial(genesis.group_polynomial.as_slice())
        .map_err(|e| invalid(path, format!("group_polynomial: {e}")))?;
    genesis.epoch0().map_err(|e| invalid(path, e))?;
    Ok((genesis, poly))
}

/// Blocks per epoch of the demo chains (`aigov dev`, `aigov testnet init`): ten minutes at
/// one block a second, within the 600–3600 the reshare plan suggests (shorter epochs leave
/// the committee's leaders too few turns to include their dealer logs).
pub const DEMO_BLOCKS_PER_EPOCH: u64 = 600;

/// A demo account: its keystore name and key.
pub struct DemoAccount {
    /// Keystore name (e.g. `alice`).
    pub name: &'static str,
    /// Its key.
    pub key: PrivateKey,
}

fn slug(s: &str) -> Slug {
    // Only called with the literal ids below, all valid.
    Slug::new(s).unwrap_or_else(|_| Slug::new("invalid").unwrap_or_else(|_| unreachable!()))
}

fn text<const N: usize>(s: &str) -> BoundedString<N> {
    BoundedString::new(s).unwrap_or_default()
}

/// The demo genesis for `aigov dev`: five members with seats on three tiers, a lab, a
/// datacenter and a safety institute, tiered personnel covering every role, funded accounts,
/// a funded system pool, one validator, and the [dev_governance_params] preset (a whole vote
/// takes about 45 seconds). `dealt` is the trusted deal to the validator.
pub fn demo_genesis(
    chain_id: &str,
    genesis_time_ms: u64,
    validator: &PublicKey,
    validator_address: &str,
    dealt: &DkgOutput,
) -> Result<(Genesis, Vec<DemoAccount>), SetupError> {
    demo_genesis_with_validators(
        chain_id,
        genesis_time_ms,
        &[(validator.clone(), validator_address.to_string())],
        dealt,
    )
}

/// How long voting lasts under [dev_governance_params], in milliseconds.
pub const DEV_VOTING_PERIOD_MS: u64 = 30_000;

/// The governance preset of the demo chains (`aigov dev`, `aigov testnet init`): the rules of
/// [GovernanceParams::default] (roles, tiers, tier weights, the 25 % member cap, quorum and
/// approval thresholds) on a time scale where a newcomer runs a whole vote in under a minute.
/// Production genesis keeps [GovernanceParams::default] (days, not seconds).
///
/// - **Timing**: voting opens 2 s after submission (Safety, Review, System: long enough to
///   try `cancel`; Emergency at once), lasts [DEV_VOTING_PERIOD_MS] (30 s) in every class; a
///   passing Safety, Review or System proposal must keep passing through a 5 s confirm period
///   and then waits out a 5 s timelock, so it executes about 42 s after submission; an
///   Emergency proposal executes as soon as its vote closes. A quorum first reached in the
///   last 5 s extends voting once by 5 s. Queued proposals expire after an hour.
/// - **Concurrent majority, sized for the five demo members and nine demo personnel**:
///   - Review (vetting, suspension, removal, term renewal, hardware and models): eligible are
///     alice (fr, tier 1), bob (de, 1), carol (jp, 2), dave (br, 2), erin (eu, 2), grace (de,
///     3), hiro (de, 3, of the datacenter) and lena (fr, 3, of the lab) — frank is a treasury
///     officer — for weights fr 320, de 384, jp/br/eu 128 each (1088); the 25 % cap (272)
///     scales fr and de down, leaving 928 counted. **Two approving members** are needed (the
///     default's three would make a newcomer's first vote a chore) and three rejecting members
///     veto. alice and bob voting yes pass a vetting vote (217 + 181 = 398 of 928 counted =
///     43 % turnout against the 40 % quorum, 100 % approval, two members); dave and erin alone
///     do not (256 = 28 %, no quorum).
///   - System (tier changes, parameters): only Policy personnel of tiers 1-2 — alice (fr) and
///     dave (br) — so both must approve (k = 2), and both rejecting veto.
///   - Safety: Safety and Policy personnel of tiers 1-3 in fr, de, jp and br: three of those
///     four members must approve (the default k = 3), three veto.
///   - Emergency: Safety and Policy of tiers 1-2 in fr, de, jp and br: two must approve (the
///     default), no veto.
pub fn dev_governance_params() -> GovernanceParams {
    let d = GovernanceParams::default();
    let fast =
        |c: ClassParams, voting_delay_ms: u64, k: u16, veto: u16, enact_ms: u64| ClassParams {
            voting_delay_ms,
            voting_period_ms: DEV_VOTING_PERIOD_MS,
            min_approving_members: k,
            veto_members: veto,
            enactment_delay_ms: enact_ms,
            execution_window_ms: HOUR_MS,
            late_quorum_extension_ms: 5_000,
            max_extensions: 1,
            confirm_period_ms: if enact_ms == 0 { 0 } else { 5_000 },
            ..c
        };
    GovernanceParams {
        safety: fast(d.safety.clone(), 2_000, 3, 3, 5_000),
        review: fast(d.review.clone(), 2_000, 2, 3, 5_000),
        system: fast(d.system.clone(), 2_000, 2, 2, 5_000),
        emergency: fast(d.emergency.clone(), 0, 2, 0, 0),
        // An unratified emergency measure lapses after two minutes, so a demo can show it.
        emergency_ratification_ms: 120_000,
        dispute_bond: 10_000,
        ..d
    }
}

/// The demo members, in order; validators are assigned to them round-robin.
pub const DEMO_MEMBERS: [&str; 5] = ["fr", "de", "jp", "br", "eu"];

/// [demo_genesis] with several validators (`key`, `host:port`), run by the demo members in
/// turn. Used by `aigov dev` and `aigov testnet init`; its governance is the fast
/// [dev_governance_params] preset, never the production defaults. `dealt` is the trusted deal
/// to the validators: genesis carries it whole in the epoch-0 `EpochInfo`, and its polynomial
/// as `group_polynomial`. Fails on a validator address the reshare directory refuses.
pub fn demo_genesis_with_validators(
    chain_id: &str,
    genesis_time_ms: u64,
    validators: &[(PublicKey, String)],
    dealt: &DkgOutput,
) -> Result<(Genesis, Vec<DemoAccount>), SetupError> {
    let polynomial = dealt.public();
    let epoch0 = epoch0_info(dealt.clone(), validators)?;
    let members = [
        ("fr", "French Republic"),
        ("de", "Federal Republic of Germany"),
        ("jp", "Japan"),
        ("br", "Federative Republic of Brazil"),
        ("eu", "European Union"),
    ];
    let members: Vec<Member> = members
        .iter()
        .map(|(id, name)| Member {
            id: slug(id),
            name: text(name),
            seats_per_tier: BoundedVec::truncating(vec![2, 4, 8]),
        })
        .collect();
    let organisations = vec![
        Organisation {
            id: slug("frontier-lab"),
            name: text("Frontier Lab"),
            member: slug("fr"),
            kind: OrganisationKind::Lab,
        },
        Organisation {
            id: slug("nordic-compute"),
            name: text("Nordic Compute"),
            member: slug("de"),
            kind: OrganisationKind::Datacenter,
        },
        Organisation {
            id: slug("safety-institute"),
            name: text("AI Safety Institute"),
            member: slug("jp"),
            kind: OrganisationKind::SafetyOrg,
        },
    ];
    let people: [(&str, &str, &str, &[Role], u8); 9] = [
        ("alice", "Alice Martin", "fr", &[Role::Policy], 1),
        ("bob", "Bob Weber", "de", &[Role::Safety], 1),
        (
            "carol",
            "Carol Sato",
            "jp",
            &[Role::Safety, Role::Auditor],
            2,
        ),
        ("dave", "Dave Costa", "br", &[Role::Policy], 2),
        (
            "erin",
            "Erin Dupont",
            "eu",
            &[Role::Inspector, Role::Hardware],
            2,
        ),
        ("frank", "Frank Moreau", "fr", &[Role::TreasuryOfficer], 1),
        (
            "grace",
            "Grace Keller",
            "de",
            &[Role::Software, Role::Safety],
            3,
        ),
        // The datacenter's and the lab's own personnel: they register hardware and models,
        // start runs (and, being of those organisations, are recused from votes on them).
        ("hiro", "Hiro Lindqvist", "de", &[Role::Hardware], 3),
        ("lena", "Lena Moulin", "fr", &[Role::Software], 3),
    ];
    let organisation_of = |name: &str| match name {
        "hiro" => Some(slug("nordic-compute")),
        "lena" => Some(slug("frontier-lab")),
        _ => None,
    };
    let mut accounts = Vec::new();
    let mut personnel = Vec::new();
    for (name, display, member, roles, tier) in people {
        let key = PrivateKey::generate();
        personnel.push(GenesisPersonnel {
            account: key.public_key(),
            member: slug(member),
            organisation: organisation_of(name),
            roles: Roles::from_roles(roles),
            tier,
            name: text(display),
        });
        accounts.push(DemoAccount { name, key });
    }
    accounts.push(DemoAccount {
        name: "lab",
        key: PrivateKey::generate(),
    });
    accounts.push(DemoAccount {
        name: "datacenter",
        key: PrivateKey::generate(),
    });
    // A device of the datacenter: its key signs the proof of possession and usage reports
    // (its account holds the credits its operator bought for it).
    accounts.push(DemoAccount {
        name: "device-1",
        key: PrivateKey::generate(),
    });
    let funded = accounts
        .iter()
        .map(|a| GenesisAccount {
            account: a.key.public_key(),
            gas: 10_000_000,
        })
        .collect();
    let genesis = Genesis {
        chain_id: slug(chain_id),
        genesis_time_ms,
        params: Params::default(),
        governance: dev_governance_params(),
        members: BoundedVec::truncating(members),
        organisations: BoundedVec::truncating(organisations),
        personnel: BoundedVec::truncating(personnel),
        accounts: BoundedVec::truncating(funded),
        pool_gas: 1_000_000_000,
        economy: Default::default(),
        treasury_supply: 1_000_000_000_000,
        validators: BoundedVec::truncating(
            validators
                .iter()
                .enumerate()
                .map(|(i, (key, address))| Validator {
                    member: slug(DEMO_MEMBERS[i % DEMO_MEMBERS.len()]),
                    key: key.clone(),
                    address: text(address),
                })
                .collect(),
        ),
        group_polynomial: BoundedBytes::new(polynomial.encode().to_vec()).unwrap_or_default(),
        blocks_per_epoch: DEMO_BLOCKS_PER_EPOCH,
        epoch0: BoundedBytes::new(epoch0.encode().to_vec()).unwrap_or_default(),
        // The reviewing body generates its key (`aigov whistle keygen`); a System proposal sets it.
        whistleblower_key: None,
    };
    Ok((genesis, accounts))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aigov_state::{BlockContext, MemStore, Mode, execute_block, governance, personnel};
    use aigov_types::codec::Hash;
    use aigov_types::governance::{
        Action, CastVote, Choice, GovernanceCall, PersonnelTarget, ProposalClass, ProposalStatus,
        SubmitProposal, TallyOutcome,
    };
    use aigov_types::personnel::{PersonnelCall, PersonnelStatus, RegisterPersonnel};
    use aigov_types::{Call, Tx};
    use bytes::Bytes;

    /// Each kind of key mismatch is told apart, and a validator's own share or a full node
    /// without one passes.
    #[test]
    fn check_keys_tells_validators_full_nodes_and_mismatches_apart() {
        let keys: Vec<PrivateKey> = (0..4).map(|_| PrivateKey::generate()).collect();
        let publics: Vec<PublicKey> = keys.iter().map(|k| k.public_key()).collect();
        let dealt = deal(&publics).expect("deal");
        let other = deal(&publics).expect("deal");
        let share = |d: &Dealt, k: &PublicKey| d.shares[&k.0].clone();
        let full = PrivateKey::generate().public_key();
        let p = dealt.polynomial();
        // The output is the whole deal: dealt to these validators, and its polynomial.
        let players = Set::from_iter_dedup(publics.iter().map(|k| k.0.clone()));
        assert_eq!(dealt.output.players(), &players);
        for k in &publics {
            assert_eq!(check_keys(p, &publics, k, Some(&share(&dealt, k))), Ok(()));
        }
        assert_eq!(check_keys(p, &publics, &full, None), Ok(()));
        assert!(matches!(
            check_keys(p, &publics, &full, Some(&share(&dealt, &publics[0]))),
            Err(KeyMismatch::NotAValidator { .. })
        ));
        assert!(matches!(
            check_keys(p, &publics, &publics[0], None),
            Err(KeyMismatch::MissingShare { .. })
        ));
        // Another validator's share, and a share of another deal at the right index.
        let (a, b) = (&publics[0], &publics[1]);
        assert!(matches!(
            check_keys(p, &publics, a, Some(&share(&dealt, b))),
            Err(KeyMismatch::WrongIndex { .. })
        ));
        assert_eq!(
            check_keys(p, &publics, a, Some(&share(&other, a))),
            Err(KeyMismatch::WrongShare)
        );
        // A polynomial dealt to three of the four.
        let three = deal(&publics[..3]).expect("deal");
        assert!(matches!(
            check_keys(three.polynomial(), &publics, &full, None),
            Err(KeyMismatch::Polynomial { .. })
        ));
    }

    /// The deal is kept whole: genesis carries it in an epoch-0 `EpochInfo` that fits the
    /// validators and `group_polynomial`, and a genesis whose parts disagree is refused.
    #[test]
    fn genesis_carries_the_whole_deal_as_epoch_zero() {
        let keys: Vec<PublicKey> = (0..4)
            .map(|_| PrivateKey::generate().public_key())
            .collect();
        let dealt = deal(&keys).expect("deal");
        let players = Set::from_iter_dedup(keys.iter().map(|k| k.0.clone()));
        assert_eq!(dealt.output.players(), &players);
        let validators: Vec<_> = keys
            .iter()
            .enumerate()
            .map(|(i, k)| (k.clone(), format!("127.0.0.1:{}", 7000 + i)))
            .collect();
        let (genesis, _) =
            demo_genesis_with_validators("aigov-test", 1, &validators, &dealt.output).unwrap();
        let info = genesis.epoch0().unwrap();
        assert_eq!(info.output, dealt.output);
        assert_eq!((&info.players, &info.next_players), (&players, &players));

        let other = deal(&keys).expect("deal");
        let mut mixed = genesis.clone();
        mixed.group_polynomial = BoundedBytes::new(other.polynomial().encode().to_vec()).unwrap();
        assert_eq!(mixed.epoch0(), Err(Epoch0Error::Polynomial));
        let mut moved = genesis.clone();
        let mut list = moved.validators.as_slice().to_vec();
        list[0].address = text("127.0.0.1:9999");
        moved.validators = BoundedVec::truncating(list);
        assert_eq!(moved.epoch0(), Err(Epoch0Error::Directory));
        let mut short = genesis;
        short.blocks_per_epoch = 3;
        assert_eq!(short.epoch0(), Err(Epoch0Error::BlocksPerEpoch(3)));
        // An address the directory cannot carry is refused when making genesis.
        let bad = vec![(keys[0].clone(), "not an address".to_string())];
        let one = deal(&keys[..1]).expect("deal");
        assert!(matches!(
            demo_genesis_with_validators("aigov-test", 1, &bad, &one.output),
            Err(SetupError::Epoch0(Epoch0Error::Address { .. }))
        ));
    }

    /// The demo genesis on a `MemStore`, driven block by block at chosen block times.
    struct Demo {
        genesis: Genesis,
        keys: BTreeMap<&'static str, PrivateKey>,
        nonces: BTreeMap<PublicKey, u64>,
        store: MemStore,
        height: u64,
        time_ms: u64,
    }

    impl Demo {
        fn new() -> Self {
            let validator = PrivateKey::from_seed_bytes([9; 32]);
            let dealt = deal(&[validator.public_key()]).unwrap();
            let (genesis, accounts) = demo_genesis(
                "aigov-dev",
                1_700_000_000_000,
                &validator.public_key(),
                "127.0.0.1:0",
                &dealt.output,
            )
            .unwrap();
            futures::executor::block_on(aigov_state::validate_genesis(&genesis)).unwrap();
            let mut keys: BTreeMap<_, _> = accounts.into_iter().map(|a| (a.name, a.key)).collect();
            keys.insert("ada", PrivateKey::from_seed_bytes([7; 32]));
            let mut d = Self {
                time_ms: genesis.genesis_time_ms,
                genesis,
                keys,
                nonces: BTreeMap::new(),
                store: MemStore::default(),
                height: 0,
            };
            d.block(1_000, Vec::new());
            d
        }

        fn pk(&self, name: &str) -> PublicKey {
            self.keys[name].public_key()
        }

        /// Executes a block `dt_ms` after the previous one; panics if a transaction failed.
        fn block(&mut self, dt_ms: u64, calls: Vec<(&str, Call)>) {
            let txs: Vec<Bytes> = calls
                .into_iter()
                .map(|(name, call)| {
                    let key = &self.keys[name];
                    let nonce = self.nonces.entry(key.public_key()).or_default();
                    let tx = Tx {
                        chain_id: self.genesis.chain_id.clone(),
                        sender: key.public_key(),
                        nonce: *nonce,
                        gas_limit: 100_000,
                        call,
                    };
                    *nonce += 1;
                    Bytes::from(tx.sign(key).encode().to_vec())
                })
                .collect();
            self.height += 1;
            self.time_ms += dt_ms;
            let ctx = BlockContext::unseeded(self.height, self.time_ms);
            let out = futures::executor::block_on(execute_block(
                &self.store,
                &self.genesis,
                ctx,
                &txs,
                Mode::Verify,
            ))
            .unwrap();
            for r in &out.receipts {
                assert!(
                    matches!(r.outcome, aigov_types::TxOutcome::Success(_)),
                    "{:?}",
                    r.outcome
                );
            }
            self.store.apply(&out.writes);
        }

        fn propose(&mut self, who: &str, subject: &str) {
            let account = self.pk(subject);
            self.block(
                1_000,
                vec![(
                    who,
                    Call::Governance(GovernanceCall::Propose(SubmitProposal {
                        class: ProposalClass::Review,
                        title: text("Vet a newcomer"),
                        description_hash: Hash::digest(&[subject.as_bytes()]),
                        actions: BoundedVec::truncating(vec![Action::ActivatePersonnel(
                            PersonnelTarget { account },
                        )]),
                    })),
                )],
            );
        }

        fn votes(&mut self, proposal: u64, voters: &[&'static str]) {
            let calls = voters
                .iter()
                .map(|v| {
                    (
                        *v,
                        Call::Governance(GovernanceCall::Vote(CastVote {
                            proposal,
                            choice: Choice::Yes,
                            rationale: None,
                        })),
                    )
                })
                .collect();
            self.block(1_000, calls);
        }

        /// Idle blocks, one a second, for `seconds`.
        fn wait(&mut self, seconds: u64) {
            for _ in 0..seconds {
                self.block(1_000, Vec::new());
            }
        }

        fn proposal(&self, id: u64) -> aigov_types::governance::Proposal {
            futures::executor::block_on(governance::queries::proposal(&self.store, id))
                .unwrap()
                .unwrap()
        }
    }

    #[test]
    fn the_demo_personnel_pass_a_vetting_vote_within_a_minute_with_two_members() {
        let mut d = Demo::new();
        let ada = d.pk("ada");
        d.block(
            1_000,
            vec![(
                "ada",
                Call::Personnel(PersonnelCall::Register(RegisterPersonnel {
                    member: slug("fr"),
                    organisation: None,
                    roles: Roles::from_roles(&[Role::Safety]),
                    tier: 2,
                    name: text("Ada"),
                    credential: Hash::digest(&[b"ada"]),
                })),
            )],
        );
        let start = d.time_ms;
        // Proposal 1: alice and bob (two members) vote yes. Proposal 2: dave and erin only.
        d.propose("alice", "ada");
        d.block(1_000, Vec::new());
        d.wait(2);
        assert_eq!(d.proposal(1).status, ProposalStatus::Active);
        d.votes(1, &["alice", "bob"]);
        d.wait(45);
        let p = d.proposal(1);
        assert_eq!(p.status, ProposalStatus::Executed, "{p:?}");
        let decision = p.decision.unwrap();
        assert_eq!(decision.outcome, TallyOutcome::Passed);
        assert_eq!(decision.approving_members, 2);
        assert_eq!(
            (decision.raw_eligible_weight, decision.eligible_weight),
            (1088, 928)
        );
        assert_eq!(decision.total_yes, 217 + 181);
        let ada_now = futures::executor::block_on(personnel::queries::personnel(&d.store, &ada))
            .unwrap()
            .unwrap();
        assert_eq!(ada_now.status, PersonnelStatus::Active);
        assert!(d.time_ms - start <= 60_000, "{} ms", d.time_ms - start);

        // Two members without the weight for quorum do not pass a vetting vote.
        d.block(
            1_000,
            vec![(
                "dave",
                Call::Governance(GovernanceCall::Propose(SubmitProposal {
                    class: ProposalClass::Review,
                    title: text("Suspend Ada"),
                    description_hash: Hash::digest(&[b"suspend"]),
                    actions: BoundedVec::truncating(vec![Action::SuspendPersonnel(
                        PersonnelTarget { account: ada },
                    )]),
                })),
            )],
        );
        d.wait(3);
        d.votes(2, &["dave", "erin"]);
        d.wait(40);
        let p = d.proposal(2);
        assert_eq!(p.status, ProposalStatus::QuorumFailed, "{p:?}");
    }

    #[test]
    fn the_dev_preset_is_valid_and_production_keeps_the_defaults() {
        let p = dev_governance_params();
        p.validate().unwrap();
        let d = GovernanceParams::default();
        assert_eq!(p.tier_weights, d.tier_weights);
        assert_eq!(p.member_weight_cap_bps, d.member_weight_cap_bps);
        for class in ProposalClass::ALL {
            let (dev, prod) = (p.class(class), d.class(class));
            assert_eq!(dev.eligible_roles, prod.eligible_roles);
            assert_eq!(dev.quorum_bps, prod.quorum_bps);
            assert_eq!(dev.approval_bps, prod.approval_bps);
            assert!(dev.min_approving_members >= 2, "{class:?}");
            assert!(
                dev.voting_delay_ms
                    + dev.voting_period_ms
                    + dev.confirm_period_ms
                    + dev.enactment_delay_ms
                    <= 45_000
            );
        }
        assert_eq!(p.emergency.enactment_delay_ms, 0);
    }
}
