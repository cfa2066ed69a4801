//! The crate's one error enum.

use std::path::PathBuf;

use crate::verify::ManifestDiff;

/// Everything that can go wrong while hashing a model folder or verifying a bundle.
///
/// Bundles and folders are external input: every malformed value maps to a variant naming the
/// offending value, so callers (the CLI, the chain's model registry) can report it and never
/// panic on it.
#[derive(Debug, thiserror::Error)]
pub enum ModelSignError {
    /// A file or directory of the model could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The operating-system error.
        source: std::io::Error,
    },
    /// The model contains a symbolic link and the configuration does not allow them
    /// (`model_signing` refuses them by default, even inside ignored folders).
    #[error("symlink {} refused (allow_symlinks is off)", path.display())]
    Symlink {
        /// The symbolic link.
        path: PathBuf,
    },
    /// A path is neither a regular file nor a directory (socket, FIFO, device, broken link).
    #[error("{} is neither a regular file nor a directory", path.display())]
    NotFileOrDir {
        /// The offending path.
        path: PathBuf,
    },
    /// A file name is not UTF-8, so it has no name in the manifest's JSON.
    #[error("file name {} is not utf-8", path.display())]
    NonUtf8Path {
        /// The offending path.
        path: PathBuf,
    },
    /// A file changed size while it was being hashed by shards.
    #[error("{} changed while it was being hashed", path.display())]
    FileChanged {
        /// The file.
        path: PathBuf,
    },
    /// The shard size is zero or not an integer.
    #[error("invalid shard size {got}")]
    ShardSize {
        /// The value found.
        got: String,
    },
    /// A string is not a 64-digit hex container ID.
    #[error("invalid container id {got:?}")]
    InvalidContainerId {
        /// The string given.
        got: String,
    },
    /// The bundle is larger than [`crate::MAX_BUNDLE_BYTES`].
    #[error("bundle is {size} bytes, more than the {max} allowed")]
    BundleTooLarge {
        /// The bundle's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The bundle is not JSON of the Sigstore bundle shape.
    #[error("bundle is not a sigstore bundle: {0}")]
    BundleJson(#[source] serde_json::Error),
    /// The bundle's `mediaType` is not the Sigstore bundle v0.3 type.
    #[error("unexpected bundle media type {got:?}")]
    MediaType {
        /// The media type found.
        got: String,
    },
    /// The bundle carries no DSSE envelope (e.g. a plain message signature).
    #[error("bundle has no dsse envelope")]
    MissingEnvelope,
    /// The DSSE envelope's `payloadType` is not in-toto JSON.
    #[error("unexpected dsse payload type {got:?}")]
    PayloadType {
        /// The payload type found.
        got: String,
    },
    /// The envelope does not carry exactly one signature.
    #[error("expected one dsse signature, found {got}")]
    SignatureCount {
        /// The number of signatures found.
        got: usize,
    },
    /// A base64 field of the envelope does not decode.
    #[error("{field} is not valid base64: {source}")]
    Base64 {
        /// Which field (`payload` or `signature`).
        field: &'static str,
        /// The decoding error.
        source: base64::DecodeError,
    },
    /// The public key is not a P-256 SubjectPublicKeyInfo PEM.
    #[error("public key is not a p-256 spki pem: {reason}")]
    PublicKey {
        /// Why parsing failed.
        reason: String,
    },
    /// The bundle names a different public key (its hint is SHA-256 of the key's PEM).
    #[error("bundle was signed by key {hint}, not by the given key {key}")]
    KeyHintMismatch {
        /// The hint recorded in the bundle.
        hint: String,
        /// The hint of the given key.
        key: String,
    },
    /// The signature is not a DER-encoded ECDSA signature.
    #[error("signature is not a der ecdsa signature")]
    SignatureEncoding,
    /// The ECDSA signature does not verify over the DSSE pre-authentication encoding.
    #[error("signature does not verify with the given key")]
    BadSignature,
    /// The signed payload is not an in-toto statement of the expected shape.
    #[error("payload is not an in-toto statement: {0}")]
    StatementJson(#[source] serde_json::Error),
    /// The statement's `_type` is not in-toto Statement v1.
    #[error("unexpected statement type {got:?}")]
    StatementType {
        /// The type found.
        got: String,
    },
    /// The statement's `predicateType` is not the model signing v1.0 predicate.
    #[error("unexpected predicate type {got:?}")]
    PredicateType {
        /// The predicate type found.
        got: String,
    },
    /// The statement does not have exactly one subject.
    #[error("expected one subject, found {got}")]
    SubjectCount {
        /// The number of subjects found.
        got: usize,
    },
    /// The subject's SHA-256 digest is missing or not 64 lower-case hex digits.
    #[error("invalid subject digest {got:?}")]
    SubjectDigest {
        /// The digest found (empty when missing).
        got: String,
    },
    /// The predicate's `serialization.method` is unknown.
    #[error("unknown serialization method {got:?}")]
    SerializationMethod {
        /// The method found.
        got: String,
    },
    /// The predicate's `serialization.hash_type` is not `sha256`.
    #[error("unsupported hash type {got:?} (only sha256)")]
    HashType {
        /// The hash type found.
        got: String,
    },
    /// A resource's algorithm does not match the serialization.
    #[error("resource {name:?} has algorithm {got:?}, expected {expected:?}")]
    ResourceAlgorithm {
        /// The resource's name.
        name: String,
        /// The algorithm found.
        got: String,
        /// The algorithm the serialization implies.
        expected: String,
    },
    /// A resource's digest is not 32 bytes of hex.
    #[error("resource {name:?} has invalid digest {got:?}")]
    ResourceDigest {
        /// The resource's name.
        name: String,
        /// The digest found.
        got: String,
    },
    /// A resource's name is not a normalised relative path (or `path:start:end` for shards).
    #[error("invalid resource name {name:?}")]
    ResourceName {
        /// The name found.
        name: String,
    },
    /// Resources are not in `model_signing`'s canonical order, or repeat a name: the subject
    /// digest would then not be the folder's container ID.
    #[error("resource {name:?} is out of order or repeated")]
    ResourcesNotCanonical {
        /// The first resource out of place.
        name: String,
    },
    /// The resources do not hash to the subject digest.
    #[error("resources hash to {computed}, but the subject digest is {subject}")]
    RootDigestMismatch {
        /// The subject digest.
        subject: String,
        /// The digest recomputed from the resources.
        computed: String,
    },
    /// The folder's files differ from the signed manifest.
    #[error("model folder does not match the signed manifest: {0}")]
    ModelMismatch(ManifestDiff),
}
