//! Interop with the real `model_signing` 1.1.1: its bundles (made by `scripts/fixtures.sh`)
//! verify here against folders rebuilt from `tests/fixtures/models.json`, every field agrees
//! with what this crate computes, and every kind of tampering is caught with the right error.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use aigov_modelsign::{
    ContainerId, HashConfig, Method, ModelSignError, VerifiedModel, VerifyOptions, cmp_posix_paths,
    container_id, hash_model, public_key_hint, verify_bundle, verify_bundle_with,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

// ---------------------------------------------------------------- fixtures and folders

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn spec() -> Value {
    serde_json::from_slice(&fs::read(fixtures().join("models.json")).unwrap()).unwrap()
}

fn bundle(name: &str) -> Vec<u8> {
    fs::read(fixtures().join("bundles").join(format!("{name}.sig"))).unwrap()
}

fn pub_pem() -> String {
    fs::read_to_string(fixtures().join("pub.pem")).unwrap()
}

fn other_pub_pem() -> String {
    fs::read_to_string(fixtures().join("other_pub.pem")).unwrap()
}

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "aigov-modelsign-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = fs::remove_dir_all(&p);
        fs::create_dir_all(&p).unwrap();
        Self(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The same generator as the Python side of `scripts/fixtures.sh`.
fn lcg_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = (x * 1103515245 + 12345) % (1 << 31);
            ((x >> 16) & 0xff) as u8
        })
        .collect()
}

fn content(entry: &Value) -> Vec<u8> {
    if let Some(t) = entry.get("text") {
        return t.as_str().unwrap().as_bytes().to_vec();
    }
    let b = &entry["bytes"];
    lcg_bytes(
        b["len"].as_u64().unwrap() as usize,
        b["seed"].as_u64().unwrap(),
    )
}

fn model_spec(name: &str) -> Value {
    spec()["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap()
        .clone()
}

/// Rebuilds model `name` under a fresh scratch dir; returns (scratch, model folder).
fn build(name: &str) -> (Scratch, PathBuf) {
    let s = Scratch::new();
    let root = s.0.join(name);
    fs::create_dir(&root).unwrap();
    for e in model_spec(name)["entries"].as_array().unwrap() {
        let p = root.join(e["path"].as_str().unwrap());
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        if e.get("dir").is_some() {
            fs::create_dir_all(&p).unwrap();
        } else if let Some(target) = e.get("symlink") {
            std::os::unix::fs::symlink(target.as_str().unwrap(), &p).unwrap();
        } else {
            fs::write(&p, content(e)).unwrap();
        }
    }
    (s, root)
}

fn build_single() -> (Scratch, PathBuf) {
    let s = Scratch::new();
    let single = &spec()["single_file"];
    let p = s.0.join(single["name"].as_str().unwrap());
    fs::write(&p, content(single)).unwrap();
    (s, p)
}

/// The statement inside a bundle, decoded.
fn statement(bundle: &[u8]) -> Value {
    let b: Value = serde_json::from_slice(bundle).unwrap();
    let payload = STANDARD
        .decode(b["dsseEnvelope"]["payload"].as_str().unwrap())
        .unwrap();
    serde_json::from_slice(&payload).unwrap()
}

/// Checks every field of a verified bundle against the raw statement and our own hashing.
fn assert_fields_agree(v: &VerifiedModel, bundle: &[u8], dir: &Path) {
    let st = statement(bundle);
    let subject = &st["subject"][0];
    assert_eq!(v.name, subject["name"].as_str().unwrap());
    assert_eq!(
        v.container_id.to_string(),
        subject["digest"]["sha256"].as_str().unwrap()
    );
    let resources = st["predicate"]["resources"].as_array().unwrap();
    assert_eq!(v.resources.len(), resources.len());
    for (ours, theirs) in v.resources.iter().zip(resources) {
        assert_eq!(ours.name, theirs["name"].as_str().unwrap());
        assert_eq!(ours.digest_hex(), theirs["digest"].as_str().unwrap());
    }
    let ser = &st["predicate"]["serialization"];
    assert_eq!(
        v.serialization.hash_type,
        ser["hash_type"].as_str().unwrap()
    );
    assert_eq!(
        v.serialization.allow_symlinks,
        ser["allow_symlinks"].as_bool().unwrap()
    );
    let ignore: Vec<&str> = ser["ignore_paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(v.serialization.ignore_paths, ignore);
    let b: Value = serde_json::from_slice(bundle).unwrap();
    assert_eq!(
        v.key_hint.as_deref(),
        b["verificationMaterial"]["publicKey"]["hint"].as_str()
    );
    assert_eq!(v.key_hint, Some(public_key_hint(&pub_pem()).unwrap()));

    // Our own hashing of the rebuilt folder, with the signer's serialization, gives the
    // signer's manifest and container ID.
    let ours = hash_model(dir, &v.serialization.hash_config(true)).unwrap();
    assert_eq!(ours.container_id, v.container_id);
    assert_eq!(ours.entries, v.resources);
    assert!(v.folder_checked);
}

// ---------------------------------------------------------------- real bundles verify

#[test]
fn tricky_names_verify_and_container_id_is_the_subject_digest() {
    let (_s, dir) = build("tricky");
    let b = bundle("tricky");
    let v = verify_bundle(&b, &pub_pem(), Some(&dir)).unwrap();
    assert_fields_agree(&v, &b, &dir);
    assert_eq!(container_id(&dir).unwrap(), v.container_id);
    assert_eq!(v.serialization.method, Method::Files);

    let names: Vec<&str> = v.resources.iter().map(|r| r.name.as_str()).collect();
    // Component order, not string order.
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(pos("a/x") < pos("a-b/g") && pos("a-b/g") < pos("a-b.txt"));
    // Hidden files and empty files are in; empty folders add nothing; only top-level git
    // paths are left out.
    for n in [
        ".hidden/h",
        ".dotfile",
        "empty.txt",
        "sub/.gitignore",
        "sub/.git/config",
    ] {
        assert!(names.contains(&n), "{n} should be signed");
    }
    for n in [
        ".gitignore",
        ".gitattributes",
        ".git/HEAD",
        ".github/workflows/ci.yml",
    ] {
        assert!(!names.contains(&n), "{n} should be ignored");
    }
    assert!(!names.iter().any(|n| n.starts_with("void")));
    // The expected list, independently: the spec's files minus the git paths, sorted.
    let mut expected: Vec<String> = model_spec("tricky")["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e.get("dir").is_none())
        .map(|e| e["path"].as_str().unwrap().to_string())
        .filter(|p| !p.starts_with(".git"))
        .collect();
    expected.sort_by(|a, b| cmp_posix_paths(a, b));
    assert_eq!(names, expected);
    assert!(v.to_string().contains(&v.container_id.to_string()));
}

#[test]
fn recorded_ignore_paths_and_the_signature_inside_the_folder_are_honoured() {
    let (_s, dir) = build("ignores");
    let b = bundle("ignores");
    fs::write(dir.join("model.sig"), &b).unwrap();
    let v = verify_bundle(&b, &pub_pem(), Some(&dir)).unwrap();
    assert_fields_agree(&v, &b, &dir);
    assert!(v.serialization.ignore_paths.iter().any(|p| p == "notes"));
    assert!(
        v.serialization
            .ignore_paths
            .iter()
            .any(|p| p == "model.sig")
    );
    let names: Vec<&str> = v.resources.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["model.safetensors", "notes.md", "tokenizer.json"]);

    // The default config hashes notes/ and model.sig too, so it differs...
    assert_ne!(container_id(&dir).unwrap(), v.container_id);
    // ...and ignoring what the CLI ignored gives the subject digest.
    let cfg = HashConfig::default().ignore("notes").ignore("model.sig");
    assert_eq!(hash_model(&dir, &cfg).unwrap().container_id, v.container_id);

    // Files under an ignored path are unsigned: adding one does not break verification.
    fs::write(dir.join("notes/later.md"), "added after signing").unwrap();
    verify_bundle(&b, &pub_pem(), Some(&dir)).unwrap();
}

#[test]
fn shard_serialization_verifies() {
    let (_s, dir) = build("shards");
    let b = bundle("shards");
    let v = verify_bundle(&b, &pub_pem(), Some(&dir)).unwrap();
    assert_fields_agree(&v, &b, &dir);
    assert_eq!(v.serialization.method, Method::Shards { shard_size: 1000 });
    let names: Vec<&str> = v.resources.iter().map(|r| r.name.as_str()).collect();
    // Empty files have no shard.
    assert_eq!(
        names,
        [
            "big.bin:0:1000",
            "big.bin:1000:2000",
            "big.bin:2000:2500",
            "d/small:0:6",
            "exact.bin:0:1000"
        ]
    );

    let mut f = fs::read(dir.join("big.bin")).unwrap();
    f[1500] ^= 1;
    fs::write(dir.join("big.bin"), f).unwrap();
    match verify_bundle(&b, &pub_pem(), Some(&dir)) {
        Err(ModelSignError::ModelMismatch(d)) => {
            assert_eq!(d.changed, ["big.bin:1000:2000"]);
            assert!(d.missing.is_empty() && d.extra.is_empty());
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
}

#[test]
fn symlinks_are_refused_by_default_and_followed_when_the_bundle_allows_them() {
    let (_s, dir) = build("symlinks");
    assert!(matches!(
        container_id(&dir),
        Err(ModelSignError::Symlink { .. })
    ));
    let b = bundle("symlinks");
    let v = verify_bundle(&b, &pub_pem(), Some(&dir)).unwrap();
    assert_fields_agree(&v, &b, &dir);
    assert!(v.serialization.allow_symlinks);
    let names: Vec<&str> = v.resources.iter().map(|r| r.name.as_str()).collect();
    // A link to a file is hashed as its target; a link to a directory is skipped.
    assert_eq!(names, ["link.txt", "real/weights.bin", "top.txt"]);
    assert_eq!(v.resources[0].digest, v.resources[2].digest);
    let cfg = HashConfig {
        allow_symlinks: true,
        ..HashConfig::default()
    };
    assert_eq!(hash_model(&dir, &cfg).unwrap().container_id, v.container_id);
}

#[test]
fn a_single_file_model_is_named_dot() {
    let (_s, file) = build_single();
    let b = bundle("single");
    let v = verify_bundle(&b, &pub_pem(), Some(&file)).unwrap();
    assert_fields_agree(&v, &b, &file);
    assert_eq!(v.resources.len(), 1);
    assert_eq!(v.resources[0].name, ".");
    assert_eq!(container_id(&file).unwrap(), v.container_id);
}

#[test]
fn bundles_verify_without_a_folder() {
    for name in ["tricky", "ignores", "shards", "symlinks", "single"] {
        let v = verify_bundle(&bundle(name), &pub_pem(), None).unwrap();
        assert!(!v.folder_checked);
        assert_eq!(
            v.container_id,
            statement(&bundle(name))["subject"][0]["digest"]["sha256"]
                .as_str()
                .unwrap()
                .parse::<ContainerId>()
                .unwrap()
        );
    }
}

#[test]
fn ordering_matches_python_pure_posix_path() {
    let o: Value =
        serde_json::from_slice(&fs::read(fixtures().join("ordering.json")).unwrap()).unwrap();
    let strs = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    let mut ours = strs(&o["input"]);
    let python = strs(&o["sorted"]);
    assert!(ours.len() > 300);
    ours.sort_by(|a, b| cmp_posix_paths(a, b));
    assert_eq!(ours, python);
    let mut plain = strs(&o["input"]);
    plain.sort();
    assert_ne!(plain, python, "the sample should tell the two orders apart");
}

// ---------------------------------------------------------------- tampering is caught

fn edit_bundle(b: &[u8], f: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(b).unwrap();
    f(&mut v);
    serde_json::to_vec(&v).unwrap()
}

fn err(b: &[u8], pem: &str, dir: Option<&Path>) -> ModelSignError {
    match verify_bundle(b, pem, dir) {
        Err(e) => e,
        Ok(v) => panic!("expected an error, verified {v}"),
    }
}

#[test]
fn one_tampered_payload_byte_breaks_the_signature() {
    let b = bundle("tricky");
    let tampered = edit_bundle(&b, |v| {
        let mut p = STANDARD
            .decode(v["dsseEnvelope"]["payload"].as_str().unwrap())
            .unwrap();
        // Change one hex digit of the subject digest (the payload stays valid JSON).
        let at = p.windows(11).position(|w| w == b"\"sha256\": \"").unwrap() + 11;
        p[at] = if p[at] == b'0' { b'1' } else { b'0' };
        v["dsseEnvelope"]["payload"] = STANDARD.encode(p).into();
    });
    assert!(matches!(
        err(&tampered, &pub_pem(), None),
        ModelSignError::BadSignature
    ));
}

#[test]
fn one_tampered_signature_byte_is_rejected() {
    let b = bundle("tricky");
    let tampered = edit_bundle(&b, |v| {
        let mut s = STANDARD
            .decode(v["dsseEnvelope"]["signatures"][0]["sig"].as_str().unwrap())
            .unwrap();
        let last = s.len() - 1;
        s[last] ^= 0x01;
        v["dsseEnvelope"]["signatures"][0]["sig"] = STANDARD.encode(s).into();
    });
    assert!(matches!(
        err(&tampered, &pub_pem(), None),
        ModelSignError::BadSignature
    ));
}

#[test]
fn a_wrong_public_key_is_rejected_by_hint_and_by_signature() {
    let b = bundle("tricky");
    let e = err(&b, &other_pub_pem(), None);
    assert!(matches!(e, ModelSignError::KeyHintMismatch { .. }), "{e}");
    // Without the hint the signature check itself catches it.
    let no_hint = edit_bundle(&b, |v| {
        v["verificationMaterial"]["publicKey"]
            .as_object_mut()
            .unwrap()
            .remove("hint");
    });
    assert!(matches!(
        err(&no_hint, &other_pub_pem(), None),
        ModelSignError::BadSignature
    ));
    verify_bundle(&no_hint, &pub_pem(), None).unwrap();
}

#[test]
fn a_modified_file_is_named() {
    let (_s, dir) = build("tricky");
    fs::write(dir.join("a/x"), "y\n").unwrap();
    match err(&bundle("tricky"), &pub_pem(), Some(&dir)) {
        ModelSignError::ModelMismatch(d) => {
            assert_eq!(d.changed, ["a/x"]);
            assert!(d.missing.is_empty() && d.extra.is_empty());
            let msg = ModelSignError::ModelMismatch(d).to_string();
            assert!(msg.contains("changed a/x"), "{msg}");
        }
        e => panic!("{e}"),
    }
}

#[test]
fn an_added_file_is_named_but_git_files_are_not() {
    let (_s, dir) = build("tricky");
    fs::write(dir.join(".git/ORIG_HEAD"), "x").unwrap();
    verify_bundle(&bundle("tricky"), &pub_pem(), Some(&dir)).unwrap();
    fs::write(dir.join("a-b/new.bin"), "extra").unwrap();
    fs::write(dir.join("void/inner/also"), "").unwrap();
    match err(&bundle("tricky"), &pub_pem(), Some(&dir)) {
        ModelSignError::ModelMismatch(d) => {
            assert_eq!(d.extra, ["a-b/new.bin", "void/inner/also"]);
            assert!(d.changed.is_empty() && d.missing.is_empty());
        }
        e => panic!("{e}"),
    }
}

#[test]
fn a_removed_file_is_named() {
    let (_s, dir) = build("tricky");
    fs::remove_file(dir.join("empty.txt")).unwrap();
    fs::remove_file(dir.join("nested/deep/er/weights.bin")).unwrap();
    match err(&bundle("tricky"), &pub_pem(), Some(&dir)) {
        ModelSignError::ModelMismatch(d) => {
            assert_eq!(d.missing, ["empty.txt", "nested/deep/er/weights.bin"]);
            assert!(d.changed.is_empty() && d.extra.is_empty());
        }
        e => panic!("{e}"),
    }
}

#[test]
fn a_bundle_inside_the_folder_can_be_ignored_explicitly() {
    let (_s, dir) = build("tricky");
    fs::write(dir.join("tricky.sig"), bundle("tricky")).unwrap();
    assert!(matches!(
        err(&bundle("tricky"), &pub_pem(), Some(&dir)),
        ModelSignError::ModelMismatch(_)
    ));
    let opts = VerifyOptions {
        extra_ignore_paths: vec!["tricky.sig".into()],
        ..VerifyOptions::default()
    };
    verify_bundle_with(&bundle("tricky"), &pub_pem(), Some(&dir), &opts).unwrap();
}

#[test]
fn truncated_garbage_and_oversized_bundles_are_typed_errors() {
    let b = bundle("tricky");
    for bad in [&b[..b.len() / 2], b"", b"\x00\xff garbage", b"[]", b"{}"] {
        let e = err(bad, &pub_pem(), None);
        assert!(matches!(e, ModelSignError::BundleJson(_)), "{e}");
    }
    let huge = vec![b' '; aigov_modelsign::MAX_BUNDLE_BYTES + 1];
    assert!(matches!(
        err(&huge, &pub_pem(), None),
        ModelSignError::BundleTooLarge { .. }
    ));
}

#[test]
fn envelope_shape_errors_are_typed() {
    let b = bundle("tricky");
    type Edit = Box<dyn Fn(&mut Value)>;
    type Check = fn(&ModelSignError) -> bool;
    let cases: Vec<(Edit, Check)> = vec![
        (
            Box::new(|v| v["dsseEnvelope"]["payloadType"] = "application/json".into()),
            |e| matches!(e, ModelSignError::PayloadType { got } if got == "application/json"),
        ),
        (
            Box::new(|v| {
                v["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.2".into()
            }),
            |e| matches!(e, ModelSignError::MediaType { .. }),
        ),
        (
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("dsseEnvelope");
            }),
            |e| matches!(e, ModelSignError::MissingEnvelope),
        ),
        (
            Box::new(|v| {
                let s = v["dsseEnvelope"]["signatures"][0].clone();
                v["dsseEnvelope"]["signatures"]
                    .as_array_mut()
                    .unwrap()
                    .push(s);
            }),
            |e| matches!(e, ModelSignError::SignatureCount { got: 2 }),
        ),
        (
            Box::new(|v| v["dsseEnvelope"]["signatures"] = json!([])),
            |e| matches!(e, ModelSignError::SignatureCount { got: 0 }),
        ),
        (
            Box::new(|v| v["dsseEnvelope"]["payload"] = "not base64!".into()),
            |e| {
                matches!(
                    e,
                    ModelSignError::Base64 {
                        field: "payload",
                        ..
                    }
                )
            },
        ),
        (
            Box::new(|v| v["dsseEnvelope"]["signatures"][0]["sig"] = "AAAA".into()),
            |e| matches!(e, ModelSignError::SignatureEncoding),
        ),
        (Box::new(|v| v["dsseEnvelope"]["payload"] = 7.into()), |e| {
            matches!(e, ModelSignError::BundleJson(_))
        }),
    ];
    for (edit, check) in cases {
        let e = err(&edit_bundle(&b, edit), &pub_pem(), None);
        assert!(check(&e), "unexpected error: {e}");
    }
    let e = err(
        &b,
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        None,
    );
    assert!(matches!(e, ModelSignError::PublicKey { .. }), "{e}");
}

// ---------------------------------------------------------------- statement checks
//
// These need statements model_signing would never sign, so they are signed here with a fixed
// test key; the envelope and PAE are built exactly as model_signing builds them.

mod forged {
    use super::*;
    use p256::ecdsa::signature::Signer as _;
    use p256::ecdsa::{Signature, SigningKey};
    use p256::pkcs8::{EncodePublicKey as _, LineEnding};

    fn key() -> SigningKey {
        SigningKey::from_slice(&[7u8; 32]).unwrap()
    }

    fn pem() -> String {
        key()
            .verifying_key()
            .to_public_key_pem(LineEnding::LF)
            .unwrap()
    }

    fn sign(statement: &Value) -> Vec<u8> {
        let payload = serde_json::to_vec_pretty(statement).unwrap();
        let t = "application/vnd.in-toto+json";
        let mut pae = format!("DSSEv1 {} {} {} ", t.len(), t, payload.len()).into_bytes();
        pae.extend_from_slice(&payload);
        let sig: Signature = key().sign(&pae);
        serde_json::to_vec(&json!({
            "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {"publicKey": {}, "tlogEntries": []},
            "dsseEnvelope": {
                "payload": STANDARD.encode(&payload),
                "payloadType": t,
                "signatures": [{"sig": STANDARD.encode(sig.to_der().as_bytes()), "keyid": ""}]
            }
        }))
        .unwrap()
    }

    /// The real tricky statement, edited.
    fn forged(f: impl FnOnce(&mut Value)) -> Result<VerifiedModel, ModelSignError> {
        let mut st = statement(&bundle("tricky"));
        f(&mut st);
        verify_bundle(&sign(&st), &pem(), None)
    }

    #[test]
    fn the_unedited_statement_verifies_under_the_test_key() {
        let v = forged(|_| {}).unwrap();
        assert_eq!(v.key_hint, None);
    }

    #[test]
    fn statement_errors_are_typed() {
        let e = forged(|s| s["_type"] = "https://in-toto.io/Statement/v0.1".into()).unwrap_err();
        assert!(matches!(e, ModelSignError::StatementType { .. }), "{e}");
        let e = forged(|s| s["predicateType"] = "https://model_signing/Digests/v0.1".into())
            .unwrap_err();
        assert!(matches!(e, ModelSignError::PredicateType { .. }), "{e}");
        let e = forged(|s| {
            let sub = s["subject"][0].clone();
            s["subject"].as_array_mut().unwrap().push(sub);
        })
        .unwrap_err();
        assert!(matches!(e, ModelSignError::SubjectCount { got: 2 }), "{e}");
        let e = forged(|s| {
            let d = s["subject"][0]["digest"]["sha256"]
                .as_str()
                .unwrap()
                .to_uppercase();
            s["subject"][0]["digest"]["sha256"] = d.into();
        })
        .unwrap_err();
        assert!(matches!(e, ModelSignError::SubjectDigest { .. }), "{e}");
        let e =
            forged(|s| s["predicate"]["serialization"]["hash_type"] = "blake3".into()).unwrap_err();
        assert!(matches!(e, ModelSignError::HashType { .. }), "{e}");
        let e =
            forged(|s| s["predicate"]["serialization"]["method"] = "tensors".into()).unwrap_err();
        assert!(
            matches!(e, ModelSignError::SerializationMethod { .. }),
            "{e}"
        );
        let e = forged(|s| {
            s["predicate"]["serialization"]["method"] = "shards".into();
            s["predicate"]["serialization"]["shard_size"] = 0.5.into();
        })
        .unwrap_err();
        assert!(matches!(e, ModelSignError::ShardSize { .. }), "{e}");
        let e =
            forged(|s| s["predicate"]["resources"][0]["algorithm"] = "blake2b".into()).unwrap_err();
        assert!(matches!(e, ModelSignError::ResourceAlgorithm { .. }), "{e}");
        let e = forged(|s| s["predicate"]["resources"][0]["digest"] = "abcd".into()).unwrap_err();
        assert!(matches!(e, ModelSignError::ResourceDigest { .. }), "{e}");
        let e = forged(|s| s["predicate"]["resources"][0]["name"] = "../etc/passwd".into())
            .unwrap_err();
        assert!(matches!(e, ModelSignError::ResourceName { .. }), "{e}");
        let e = forged(|s| {
            s["predicate"].as_object_mut().unwrap().remove("resources");
        })
        .unwrap_err();
        assert!(matches!(e, ModelSignError::StatementJson(_)), "{e}");
    }

    #[test]
    fn resources_must_hash_to_the_subject() {
        let e = forged(|s| {
            s["predicate"]["resources"].as_array_mut().unwrap().pop();
        })
        .unwrap_err();
        assert!(
            matches!(e, ModelSignError::RootDigestMismatch { .. }),
            "{e}"
        );
        let e = forged(|s| s["predicate"]["resources"][0]["digest"] = "00".repeat(32).into())
            .unwrap_err();
        assert!(
            matches!(e, ModelSignError::RootDigestMismatch { .. }),
            "{e}"
        );
    }

    #[test]
    fn resources_must_be_in_canonical_order_without_repeats() {
        // Plain string order (a-b.txt, a-b/g, a/x) is not model_signing's order.
        let e = forged(|s| {
            let r = s["predicate"]["resources"].as_array_mut().unwrap();
            r.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
        })
        .unwrap_err();
        assert!(
            matches!(e, ModelSignError::ResourcesNotCanonical { .. }),
            "{e}"
        );
        let e = forged(|s| {
            let r = s["predicate"]["resources"].as_array_mut().unwrap();
            let first = r[0].clone();
            r.insert(0, first);
        })
        .unwrap_err();
        assert!(
            matches!(e, ModelSignError::ResourcesNotCanonical { .. }),
            "{e}"
        );
    }

    #[test]
    fn an_integer_shard_size_is_accepted_too() {
        let mut st = statement(&bundle("shards"));
        st["predicate"]["serialization"]["shard_size"] = 1000.into();
        let v = verify_bundle(&sign(&st), &pem(), None).unwrap();
        assert_eq!(v.serialization.method, Method::Shards { shard_size: 1000 });
    }
}

#[test]
fn symlinks_and_special_files_are_refused_even_in_ignored_folders() {
    // model_signing checks every path it walks, ignored or not (checked against 1.1.1).
    let (_s, dir) = build("tricky");
    std::os::unix::fs::symlink("../a/x", dir.join(".git/link")).unwrap();
    assert!(matches!(
        container_id(&dir),
        Err(ModelSignError::Symlink { .. })
    ));
    assert!(matches!(
        err(&bundle("tricky"), &pub_pem(), Some(&dir)),
        ModelSignError::Symlink { .. }
    ));
    fs::remove_file(dir.join(".git/link")).unwrap();

    let _sock = std::os::unix::net::UnixListener::bind(dir.join(".git/sock")).unwrap();
    assert!(matches!(
        container_id(&dir),
        Err(ModelSignError::NotFileOrDir { .. })
    ));
    fs::remove_file(dir.join(".git/sock")).unwrap();

    // A broken link is an error even when links are allowed.
    std::os::unix::fs::symlink("nowhere", dir.join("dangling")).unwrap();
    let cfg = HashConfig {
        allow_symlinks: true,
        ..HashConfig::default()
    };
    assert!(matches!(
        hash_model(&dir, &cfg),
        Err(ModelSignError::NotFileOrDir { .. })
    ));
}

#[test]
fn a_missing_folder_is_an_io_error() {
    let s = Scratch::new();
    let e = container_id(&s.0.join("absent")).unwrap_err();
    assert!(matches!(e, ModelSignError::Io { .. }), "{e}");
}
