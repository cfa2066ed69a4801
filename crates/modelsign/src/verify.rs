//! Offline verification of `model_signing` key-mode bundles.
//!
//! A bundle is a Sigstore bundle v0.3 whose `dsseEnvelope` carries an in-toto Statement v1
//! with the `https://model_signing/signature/v1.0` predicate. In key mode there is no
//! certificate and no transparency-log entry: the trust is the public key alone, so the
//! check is the ECDSA P-256 / SHA-256 signature over the DSSE pre-authentication encoding,
//! then the statement's internal consistency, then (optionally) the folder itself.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::{DecodePublicKey as _, EncodePublicKey as _, LineEnding};
use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use crate::hash::{ItemKey, cmp_names, hash_model, root_digest};
use crate::{ContainerId, HashConfig, ManifestEntry, Method, ModelSignError};

/// Largest bundle accepted. Real bundles are a few kilobytes plus ~150 bytes per file.
pub const MAX_BUNDLE_BYTES: usize = 16 << 20;
/// The Sigstore bundle media type `model_signing` writes and requires in key mode.
pub const BUNDLE_MEDIA_TYPE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
/// The DSSE payload type of an in-toto statement.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The in-toto statement type.
pub const STATEMENT_TYPE: &str = "https://in-toto.io/Statement/v1";
/// The model signing predicate type (v1.0; the pre-1.0 `Digests/v0.1` form is refused).
pub const PREDICATE_TYPE: &str = "https://model_signing/signature/v1.0";

/// How the signer serialized the model, as recorded in `predicate.serialization`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Serialization {
    /// Files or shards (with the shard size).
    pub method: Method,
    /// The per-item hash; always `sha256` here (others are refused).
    pub hash_type: String,
    /// Whether symbolic links to files were followed.
    pub allow_symlinks: bool,
    /// Paths the signer left out, relative to the model (includes the git paths and the
    /// signature file when the CLI applied them). Any file under these is unsigned.
    pub ignore_paths: Vec<String>,
}

impl Serialization {
    /// The hashing configuration that reproduces the signer's manifest.
    pub fn hash_config(&self, ignore_git_paths: bool) -> HashConfig {
        HashConfig {
            method: self.method,
            allow_symlinks: self.allow_symlinks,
            ignore_paths: self.ignore_paths.clone(),
            ignore_git_paths,
        }
    }
}

/// Knobs of [`verify_bundle_with`]; the default is what `model_signing`'s library does when
/// verifying.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Leave the git paths out when rehashing the folder, on top of the recorded ignore paths
    /// (`model_signing` does, by default).
    pub ignore_git_paths: bool,
    /// More paths to leave out when rehashing, relative to the folder: e.g. the bundle's own
    /// file name when it sits inside the folder but was not there at signing time.
    pub extra_ignore_paths: Vec<String>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            ignore_git_paths: true,
            extra_ignore_paths: Vec::new(),
        }
    }
}

/// What a valid bundle says, once its signature and consistency (and optionally the folder)
/// have been checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedModel {
    /// `subject[0].name`: the signer's folder name. Informative only, it is not checked.
    pub name: String,
    /// `subject[0].digest.sha256`: the model's container ID.
    pub container_id: ContainerId,
    /// `predicate.resources`, in their (canonical) order.
    pub resources: Vec<ManifestEntry>,
    /// `predicate.serialization`.
    pub serialization: Serialization,
    /// `verificationMaterial.publicKey.hint` (SHA-256 of the signer's public key PEM), if any.
    pub key_hint: Option<String>,
    /// Whether a folder was rehashed and matched.
    pub folder_checked: bool,
}

impl fmt::Display for VerifiedModel {
    /// One line for humans: `model NAME: container ID …, N files (files, sha256), …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (items, method) = match self.serialization.method {
            Method::Files => ("files", "files".to_string()),
            Method::Shards { shard_size } => ("shards", format!("shards of {shard_size} bytes")),
        };
        write!(
            f,
            "model {:?}: container ID {}, {} {} ({}, {}), signature valid",
            self.name,
            self.container_id,
            self.resources.len(),
            items,
            method,
            self.serialization.hash_type
        )?;
        if self.folder_checked {
            write!(f, ", folder matches")?;
        }
        Ok(())
    }
}

/// How a folder differs from a signed manifest, by item name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ManifestDiff {
    /// Items in both whose digests differ.
    pub changed: Vec<String>,
    /// Signed items absent from the folder.
    pub missing: Vec<String>,
    /// Folder items the signature does not cover.
    pub extra: Vec<String>,
}

impl ManifestDiff {
    /// Compares an expected (signed) manifest with an actual (rehashed) one.
    pub fn between(expected: &[ManifestEntry], actual: &[ManifestEntry]) -> Self {
        let exp: BTreeMap<&str, &[u8; 32]> = expected
            .iter()
            .map(|e| (e.name.as_str(), &e.digest))
            .collect();
        let act: BTreeMap<&str, &[u8; 32]> = actual
            .iter()
            .map(|e| (e.name.as_str(), &e.digest))
            .collect();
        let mut d = Self::default();
        for (name, digest) in &exp {
            match act.get(name) {
                None => d.missing.push((*name).to_string()),
                Some(a) if a != digest => d.changed.push((*name).to_string()),
                Some(_) => {}
            }
        }
        d.extra = act
            .keys()
            .filter(|n| !exp.contains_key(*n))
            .map(|n| (*n).to_string())
            .collect();
        d
    }

    /// True when the manifests agree.
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

impl fmt::Display for ManifestDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 10;
        let mut first = true;
        for (label, names) in [
            ("changed", &self.changed),
            ("missing", &self.missing),
            ("extra", &self.extra),
        ] {
            if names.is_empty() {
                continue;
            }
            if !first {
                write!(f, "; ")?;
            }
            first = false;
            let shown: Vec<&str> = names.iter().take(SHOWN).map(String::as_str).collect();
            write!(f, "{label} {}", shown.join(", "))?;
            if names.len() > SHOWN {
                write!(f, " (+{} more)", names.len() - SHOWN)?;
            }
        }
        Ok(())
    }
}

/// Verifies a `model_signing` key-mode bundle against a P-256 public key (SPKI PEM, as
/// `openssl ec -pubout` writes it), and, when `dir` is given, against the model folder.
///
/// This is the check `model_signing verify key DIR --signature BUNDLE --public_key PEM` makes,
/// done offline in Rust so the chain and the CLI need no Python. Uses
/// [`VerifyOptions::default`].
pub fn verify_bundle(
    bundle_json: &[u8],
    public_key_pem: &str,
    dir: Option<&Path>,
) -> Result<VerifiedModel, ModelSignError> {
    verify_bundle_with(bundle_json, public_key_pem, dir, &VerifyOptions::default())
}

/// [`verify_bundle`] with explicit options.
pub fn verify_bundle_with(
    bundle_json: &[u8],
    public_key_pem: &str,
    dir: Option<&Path>,
    options: &VerifyOptions,
) -> Result<VerifiedModel, ModelSignError> {
    if bundle_json.len() > MAX_BUNDLE_BYTES {
        return Err(ModelSignError::BundleTooLarge {
            size: bundle_json.len(),
            max: MAX_BUNDLE_BYTES,
        });
    }
    let bundle: Bundle = serde_json::from_slice(bundle_json).map_err(ModelSignError::BundleJson)?;
    if bundle.media_type != BUNDLE_MEDIA_TYPE {
        return Err(ModelSignError::MediaType {
            got: bundle.media_type,
        });
    }
    let envelope = bundle
        .dsse_envelope
        .ok_or(ModelSignError::MissingEnvelope)?;
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(ModelSignError::PayloadType {
            got: envelope.payload_type,
        });
    }
    let [signature] = envelope.signatures.as_slice() else {
        return Err(ModelSignError::SignatureCount {
            got: envelope.signatures.len(),
        });
    };

    let key = parse_public_key(public_key_pem)?;
    let key_hint = bundle
        .verification_material
        .and_then(|m| m.public_key)
        .and_then(|k| k.hint)
        .filter(|h| !h.is_empty());
    if let Some(hint) = &key_hint {
        let ours = key_hint_of(&key)?;
        if *hint != ours {
            return Err(ModelSignError::KeyHintMismatch {
                hint: hint.clone(),
                key: ours,
            });
        }
    }

    let payload = STANDARD
        .decode(&envelope.payload)
        .map_err(|source| ModelSignError::Base64 {
            field: "payload",
            source,
        })?;
    let sig_der = STANDARD
        .decode(&signature.sig)
        .map_err(|source| ModelSignError::Base64 {
            field: "signature",
            source,
        })?;
    let sig = Signature::from_der(&sig_der).map_err(|_| ModelSignError::SignatureEncoding)?;
    key.verify(&pae(IN_TOTO_PAYLOAD_TYPE, &payload), &sig)
        .map_err(|_| ModelSignError::BadSignature)?;

    let mut model = parse_statement(&payload)?;
    model.key_hint = key_hint;

    if let Some(dir) = dir {
        let mut config = model.serialization.hash_config(options.ignore_git_paths);
        config
            .ignore_paths
            .extend(options.extra_ignore_paths.iter().cloned());
        let actual = hash_model(dir, &config)?;
        let diff = ManifestDiff::between(&model.resources, &actual.entries);
        if !diff.is_empty() {
            return Err(ModelSignError::ModelMismatch(diff));
        }
        debug_assert_eq!(actual.container_id, model.container_id);
        model.folder_checked = true;
    }
    Ok(model)
}

/// The `hint` `model_signing` records for a key: hex SHA-256 of its SPKI PEM (LF endings,
/// 64-column base64, as Python's `cryptography` writes it).
///
/// Useful to tell which registered key signed a bundle before trying any.
pub fn public_key_hint(public_key_pem: &str) -> Result<String, ModelSignError> {
    key_hint_of(&parse_public_key(public_key_pem)?)
}

fn parse_public_key(pem: &str) -> Result<VerifyingKey, ModelSignError> {
    VerifyingKey::from_public_key_pem(pem.trim()).map_err(|e| ModelSignError::PublicKey {
        reason: e.to_string(),
    })
}

fn key_hint_of(key: &VerifyingKey) -> Result<String, ModelSignError> {
    let pem = key
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| ModelSignError::PublicKey {
            reason: e.to_string(),
        })?;
    Ok(hex::encode(Sha256::digest(pem.as_bytes())))
}

/// DSSE v1 pre-authentication encoding: `"DSSEv1" SP len(type) SP type SP len(body) SP body`.
fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "DSSEv1 {} {} {} ",
        payload_type.len(),
        payload_type,
        payload.len()
    )
    .into_bytes();
    out.extend_from_slice(payload);
    out
}

fn parse_statement(payload: &[u8]) -> Result<VerifiedModel, ModelSignError> {
    let st: Statement = serde_json::from_slice(payload).map_err(ModelSignError::StatementJson)?;
    if st.type_ != STATEMENT_TYPE {
        return Err(ModelSignError::StatementType { got: st.type_ });
    }
    if st.predicate_type != PREDICATE_TYPE {
        return Err(ModelSignError::PredicateType {
            got: st.predicate_type,
        });
    }
    let [subject] = st.subject.as_slice() else {
        return Err(ModelSignError::SubjectCount {
            got: st.subject.len(),
        });
    };
    let subject_hex = subject.digest.get("sha256").cloned().unwrap_or_default();
    let container_id: ContainerId = match subject_hex.parse() {
        Ok(id) if ContainerId::to_string(&id) == subject_hex => id,
        _ => return Err(ModelSignError::SubjectDigest { got: subject_hex }),
    };
    let predicate: Predicate =
        serde_json::from_value(st.predicate).map_err(ModelSignError::StatementJson)?;
    let serialization = parse_serialization(predicate.serialization)?;
    let resources = parse_resources(&serialization, predicate.resources)?;

    let computed = root_digest(&resources);
    if computed != container_id {
        return Err(ModelSignError::RootDigestMismatch {
            subject: container_id.to_string(),
            computed: computed.to_string(),
        });
    }
    Ok(VerifiedModel {
        name: subject.name.clone(),
        container_id,
        resources,
        serialization,
        key_hint: None,
        folder_checked: false,
    })
}

fn parse_serialization(raw: RawSerialization) -> Result<Serialization, ModelSignError> {
    let method = match raw.method.as_str() {
        "files" => Method::Files,
        "shards" => {
            // model_signing writes the shard size through a protobuf Struct, so it comes out
            // as a JSON float (`1000.0`); accept any integral positive number.
            let n = raw.shard_size.ok_or_else(|| ModelSignError::ShardSize {
                got: "missing".into(),
            })?;
            let size = n
                .as_u64()
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f <= 9_007_199_254_740_992.0)
                        .map(|f| f as u64)
                })
                .filter(|s| *s > 0)
                .ok_or_else(|| ModelSignError::ShardSize { got: n.to_string() })?;
            Method::Shards { shard_size: size }
        }
        _ => return Err(ModelSignError::SerializationMethod { got: raw.method }),
    };
    if raw.hash_type != "sha256" {
        return Err(ModelSignError::HashType { got: raw.hash_type });
    }
    Ok(Serialization {
        method,
        hash_type: raw.hash_type,
        allow_symlinks: raw.allow_symlinks,
        ignore_paths: raw.ignore_paths,
    })
}

fn parse_resources(
    serialization: &Serialization,
    raw: Vec<RawResource>,
) -> Result<Vec<ManifestEntry>, ModelSignError> {
    let expected_alg = match serialization.method {
        Method::Files => "sha256".to_string(),
        Method::Shards { shard_size } => format!("sha256-sharded-{shard_size}"),
    };
    let mut out: Vec<ManifestEntry> = Vec::with_capacity(raw.len());
    let mut paths = BTreeSet::new();
    for r in raw {
        if r.algorithm != expected_alg {
            return Err(ModelSignError::ResourceAlgorithm {
                name: r.name,
                got: r.algorithm,
                expected: expected_alg,
            });
        }
        let mut digest = [0u8; 32];
        if hex::decode_to_slice(&r.digest, &mut digest).is_err() {
            return Err(ModelSignError::ResourceDigest {
                name: r.name,
                got: r.digest,
            });
        }
        let key = parse_key(&r.name, serialization.method).ok_or_else(|| {
            ModelSignError::ResourceName {
                name: r.name.clone(),
            }
        })?;
        paths.insert(key.path.to_string());
        if let Some(prev) = out.last() {
            let prev_key = parse_key(&prev.name, serialization.method).ok_or_else(|| {
                ModelSignError::ResourceName {
                    name: prev.name.clone(),
                }
            })?;
            if cmp_names(&prev_key, &key) != std::cmp::Ordering::Less {
                return Err(ModelSignError::ResourcesNotCanonical { name: r.name });
            }
        }
        out.push(ManifestEntry {
            name: r.name,
            digest,
        });
    }
    // `.` names the model itself when it is a single file; it cannot sit beside other files.
    if paths.contains(".") && paths.len() > 1 {
        return Err(ModelSignError::ResourceName { name: ".".into() });
    }
    Ok(out)
}

/// Parses a resource name into its sort key; `None` if it is not one `model_signing` makes.
fn parse_key(name: &str, method: Method) -> Option<ItemKey<'_>> {
    let key = match method {
        Method::Files => ItemKey {
            path: name,
            start: 0,
            end: 0,
        },
        Method::Shards { shard_size } => {
            let mut it = name.split(':');
            let (path, start, end) = (it.next()?, it.next()?, it.next()?);
            if it.next().is_some() {
                return None;
            }
            let num = |s: &str| -> Option<u64> {
                let v: u64 = s.parse().ok()?;
                (v.to_string() == s).then_some(v)
            };
            let (start, end) = (num(start)?, num(end)?);
            if start >= end || end - start > shard_size || start % shard_size != 0 {
                return None;
            }
            ItemKey { path, start, end }
        }
    };
    let normal = key.path == "."
        || key
            .path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..");
    normal.then_some(key)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    media_type: String,
    verification_material: Option<VerificationMaterial>,
    dsse_envelope: Option<Envelope>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct VerificationMaterial {
    public_key: Option<PublicKeyId>,
}

#[derive(Deserialize)]
struct PublicKeyId {
    hint: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    payload: String,
    payload_type: String,
    signatures: Vec<DsseSignature>,
}

#[derive(Deserialize)]
struct DsseSignature {
    sig: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Statement {
    #[serde(rename = "_type")]
    type_: String,
    subject: Vec<Subject>,
    predicate_type: String,
    predicate: serde_json::Value,
}

#[derive(Deserialize)]
struct Subject {
    name: String,
    digest: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Predicate {
    serialization: RawSerialization,
    resources: Vec<RawResource>,
}

#[derive(Deserialize)]
struct RawSerialization {
    method: String,
    hash_type: String,
    allow_symlinks: bool,
    #[serde(default)]
    ignore_paths: Vec<String>,
    shard_size: Option<serde_json::Number>,
}

#[derive(Deserialize)]
struct RawResource {
    name: String,
    algorithm: String,
    digest: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // From the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn shard_names_must_be_canonical() {
        let m = Method::Shards { shard_size: 10 };
        assert!(parse_key("a/b:0:10", m).is_some());
        assert!(parse_key("a/b:10:15", m).is_some());
        for bad in [
            "a:0:11",
            "a:5:10",
            "a:01:10",
            "a:10:10",
            "a:0",
            "a:b:0:10",
            "../a:0:10",
            "/a:0:1",
        ] {
            assert!(parse_key(bad, m).is_none(), "{bad}");
        }
    }

    #[test]
    fn file_names_must_be_normalised() {
        for bad in ["", "/a", "a//b", "./a", "a/..", "a/"] {
            assert!(parse_key(bad, Method::Files).is_none(), "{bad:?}");
        }
        assert!(parse_key(".", Method::Files).is_some());
    }

    #[test]
    fn garbage_public_keys_are_typed_errors() {
        assert!(matches!(
            parse_public_key("nope"),
            Err(ModelSignError::PublicKey { .. })
        ));
        let ed25519 = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";
        assert!(matches!(
            parse_public_key(ed25519),
            Err(ModelSignError::PublicKey { .. })
        ));
    }

    #[test]
    fn diff_reports_each_kind() {
        let e = |n: &str, b: u8| ManifestEntry {
            name: n.into(),
            digest: [b; 32],
        };
        let d = ManifestDiff::between(&[e("a", 1), e("b", 2)], &[e("a", 9), e("c", 3)]);
        assert_eq!(d.changed, ["a"]);
        assert_eq!(d.missing, ["b"]);
        assert_eq!(d.extra, ["c"]);
        assert_eq!(d.to_string(), "changed a; missing b; extra c");
    }
}
