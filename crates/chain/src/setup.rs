//! Key material and genesis for new chains: the trusted-dealer threshold key deal (until a DKG
//! runs), the files a validator keeps, and the demo genesis `aigov dev` writes on first start.

use aigov_types::codec::{BoundedBytes, BoundedString, BoundedVec, Slug};
use aigov_types::genesis::{Genesis, GenesisAccount, GenesisPersonnel, Params, Validator};
use aigov_types::governance::GovernanceParams;
use aigov_types::personnel::{Member, Organisation, OrganisationKind, Role, Roles};
use aigov_types::proof::{GroupPolynomial, decode_group_polynomial};
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

/// A threshold key dealt to a validator set by a trusted dealer.
pub struct Dealt {
    /// The public polynomial (its constant term is the group key).
    pub polynomial: GroupPolynomial,
    /// Each validator's share.
    pub shares: BTreeMap<ed25519::PublicKey, Share>,
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
    Ok(Dealt {
        polynomial: output.public().clone(),
        shares,
    })
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

/// Reads a genesis document and checks its group polynomial decodes.
pub fn read_genesis(path: &Path) -> Result<(Genesis, GroupPolynomial), SetupError> {
    let bytes = std::fs::read(path).map_err(io(path))?;
    let genesis: Genesis = serde_json::from_slice(&bytes).map_err(|e| invalid(path, e))?;
    let poly = decode_group_polynomial(genesis.group_polynomial.as_slice())
        .map_err(|e| invalid(path, format!("group_polynomial: {e}")))?;
    Ok((genesis, poly))
}

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
/// a funded system pool, and one validator.
pub fn demo_genesis(
    chain_id: &str,
    genesis_time_ms: u64,
    validator: &PublicKey,
    validator_address: &str,
    polynomial: &GroupPolynomial,
) -> (Genesis, Vec<DemoAccount>) {
    demo_genesis_with_validators(
        chain_id,
        genesis_time_ms,
        &[(validator.clone(), validator_address.to_string())],
        polynomial,
    )
}

/// The demo members, in order; validators are assigned to them round-robin.
pub const DEMO_MEMBERS: [&str; 5] = ["fr", "de", "jp", "br", "eu"];

/// [demo_genesis] with several validators (`key`, `host:port`), run by the demo members in
/// turn.
pub fn demo_genesis_with_validators(
    chain_id: &str,
    genesis_time_ms: u64,
    validators: &[(PublicKey, String)],
    polynomial: &GroupPolynomial,
) -> (Genesis, Vec<DemoAccount>) {
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
    let people: [(&str, &str, &str, &[Role], u8); 7] = [
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
    ];
    let mut accounts = Vec::new();
    let mut personnel = Vec::new();
    for (name, display, member, roles, tier) in people {
        let key = PrivateKey::generate();
        personnel.push(GenesisPersonnel {
            account: key.public_key(),
            member: slug(member),
            organisation: None,
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
        governance: GovernanceParams::default(),
        members: BoundedVec::truncating(members),
        organisations: BoundedVec::truncating(organisations),
        personnel: BoundedVec::truncating(personnel),
        accounts: BoundedVec::truncating(funded),
        pool_gas: 1_000_000_000,
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
    };
    (genesis, accounts)
}
