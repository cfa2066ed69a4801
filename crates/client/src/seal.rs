//! Sealing whistle-blower reports to the reviewing body's X25519 key, and opening them.
//!
//! The format (version 1, see [aigov_types::whistle]):
//! `version || ephemeral public (32) || nonce (12) || ChaCha20-Poly1305(ciphertext || tag)`,
//! with the key from HKDF-SHA256 over the X25519 shared secret (salt: ephemeral public ||
//! reviewing public) and the header as associated data. A fresh ephemeral key per report, so
//! a report cannot be linked to the reporter's other reports by its key.

use aigov_types::Hash;
use aigov_types::whistle::{
    COMMIT_TAG, PLAINTEXT_MAX, SEAL_HEADER, SEAL_INFO_COMMIT, SEAL_INFO_KEY, SEAL_TAG,
    SEAL_VERSION, SealKey, check_sealed,
};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};

/// Why sealing or opening failed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SealError {
    /// The plaintext does not fit a report.
    #[error("the report is {0} bytes; at most {PLAINTEXT_MAX} fit on chain")]
    TooLong(usize),
    /// An empty report.
    #[error("the report is empty")]
    Empty,
    /// The blob is not a sealed report (size, version, key).
    #[error("not a sealed report: {0}")]
    Format(String),
    /// The shared secret is zero (a low-order key).
    #[error("the key exchange is degenerate (a low-order public key)")]
    LowOrder,
    /// Authentication failed: the wrong key, or the blob was altered.
    #[error("the report does not open with this key (wrong key, or altered)")]
    Authentication,
    /// The operating system's randomness failed.
    #[error("no randomness available: {0}")]
    Random(String),
}

/// A reviewer's X25519 key pair.
#[derive(Clone)]
pub struct ReviewerKey(StaticSecret);

impl ReviewerKey {
    /// A fresh key pair from the operating system's randomness.
    pub fn generate() -> Result<Self, SealError> {
        Ok(Self(StaticSecret::from(random::<32>()?)))
    }
    /// The key pair of a 32-byte secret.
    pub fn from_secret(secret: [u8; 32]) -> Self {
        Self(StaticSecret::from(secret))
    }
    /// The secret, to store (keep it private).
    pub fn secret(&self) -> [u8; 32] {
        self.0.to_bytes()
    }
    /// The public key reports are sealed to.
    pub fn public(&self) -> SealKey {
        SealKey(PublicKey::from(&self.0).to_bytes())
    }
}

impl std::fmt::Debug for ReviewerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ReviewerKey({})", self.public())
    }
}

/// A sealed report: the blob and the plaintext commitment to put on chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sealed {
    /// `version || ephemeral public || nonce || ciphertext || tag`.
    pub blob: Vec<u8>,
    /// The commitment to the plaintext (checkable only with the reviewing key).
    pub payload_hash: Hash,
}

fn random<const N: usize>() -> Result<[u8; N], SealError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| SealError::Random(e.to_string()))?;
    Ok(out)
}

/// The AEAD key and the commitment salt of an exchange.
fn derive(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> ([u8; 32], [u8; 32]) {
    let mut salt = [0u8; 64];
    salt[..32].copy_from_slice(ephemeral);
    salt[32..].copy_from_slice(recipient);
    let hk = Hkdf::<Sha256>::new(Some(&salt), shared);
    let mut key = [0u8; 32];
    let mut commit = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's limit of 8160: these never fail.
    let _ = hk.expand(SEAL_INFO_KEY, &mut key);
    let _ = hk.expand(SEAL_INFO_COMMIT, &mut commit);
    (key, commit)
}

fn commitment(salt: &[u8; 32], plaintext: &[u8]) -> Hash {
    Hash::digest(&[COMMIT_TAG, salt, plaintext])
}

/// Seals `plaintext` to the reviewing key `to`, with a fresh ephemeral key and nonce.
pub fn seal(to: &SealKey, plaintext: &[u8]) -> Result<Sealed, SealError> {
    seal_with(to, plaintext, random::<32>()?, random::<12>()?)
}

/// [seal] with a given ephemeral secret and nonce (tests; never reuse either).
pub fn seal_with(
    to: &SealKey,
    plaintext: &[u8],
    ephemeral_secret: [u8; 32],
    nonce: [u8; 12],
) -> Result<Sealed, SealError> {
    if plaintext.is_empty() {
        return Err(SealError::Empty);
    }
    if plaintext.len() > PLAINTEXT_MAX {
        return Err(SealError::TooLong(plaintext.len()));
    }
    let secret = StaticSecret::from(ephemeral_secret);
    let ephemeral = PublicKey::from(&secret).to_bytes();
    let shared = secret.diffie_hellman(&PublicKey::from(to.0));
    if !shared.was_contributory() {
        return Err(SealError::LowOrder);
    }
    let (key, salt) = derive(shared.as_bytes(), &ephemeral, &to.0);
    let mut blob = Vec::with_capacity(SEAL_HEADER + plaintext.len() + SEAL_TAG);
    blob.push(SEAL_VERSION);
    blob.extend_from_slice(&ephemeral);
    blob.extend_from_slice(&nonce);
    let cipher = ChaCha20Poly1305::new(&key.into());
    let ct = cipher
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: plaintext,
                aad: &blob[..33],
            },
        )
        .map_err(|_| SealError::Authentication)?;
    blob.extend_from_slice(&ct);
    Ok(Sealed {
        blob,
        payload_hash: commitment(&salt, plaintext),
    })
}

/// An opened report: the plaintext and the commitment it matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The report.
    pub plaintext: Vec<u8>,
    /// Its commitment, to compare with the one on chain.
    pub payload_hash: Hash,
}

/// Opens a sealed report with the reviewer's key: fails on the wrong key, on any altered or
/// missing byte.
pub fn open(key: &ReviewerKey, blob: &[u8]) -> Result<Opened, SealError> {
    check_sealed(blob).map_err(|e| SealError::Format(e.to_string()))?;
    let mut ephemeral = [0u8; 32];
    ephemeral.copy_from_slice(&blob[1..33]);
    let mut nonce = [0u8; 12];
    nonce.copy_from_slice(&blob[33..SEAL_HEADER]);
    let shared = key.0.diffie_hellman(&PublicKey::from(ephemeral));
    if !shared.was_contributory() {
        return Err(SealError::LowOrder);
    }
    let (k, salt) = derive(shared.as_bytes(), &ephemeral, &key.public().0);
    let cipher = ChaCha20Poly1305::new(&k.into());
    let plaintext = cipher
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: &blob[SEAL_HEADER..],
                aad: &blob[..33],
            },
        )
        .map_err(|_| SealError::Authentication)?;
    let payload_hash = commitment(&salt, &plaintext);
    Ok(Opened {
        plaintext,
        payload_hash,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reviewer() -> ReviewerKey {
        ReviewerKey::from_secret([42; 32])
    }

    #[test]
    fn a_sealed_report_opens_with_the_reviewing_key_and_matches_its_commitment() {
        let r = reviewer();
        let text = b"Lab X trained past its compute budget on cluster 7.";
        let s = seal(&r.public(), text).unwrap();
        assert_eq!(s.blob.len(), SEAL_HEADER + text.len() + SEAL_TAG);
        assert_eq!(s.blob[0], SEAL_VERSION);
        let o = open(&r, &s.blob).unwrap();
        assert_eq!(o.plaintext, text);
        assert_eq!(o.payload_hash, s.payload_hash);
        // Two seals of the same text differ (fresh ephemeral key and nonce), and so do their
        // commitments: a reader of the chain cannot tell two reports are the same.
        let again = seal(&r.public(), text).unwrap();
        assert_ne!(again.blob, s.blob);
        assert_ne!(again.payload_hash, s.payload_hash);
        // The largest report fits; one byte more does not.
        let big = vec![7u8; PLAINTEXT_MAX];
        let s = seal(&r.public(), &big).unwrap();
        assert_eq!(s.blob.len(), aigov_types::whistle::SEALED_MAX);
        assert_eq!(open(&r, &s.blob).unwrap().plaintext, big);
        assert_eq!(
            seal(&r.public(), &[0; PLAINTEXT_MAX + 1]),
            Err(SealError::TooLong(PLAINTEXT_MAX + 1))
        );
        assert_eq!(seal(&r.public(), b""), Err(SealError::Empty));
    }

    #[test]
    fn the_wrong_key_fails() {
        let s = seal(&reviewer().public(), b"report").unwrap();
        let other = ReviewerKey::from_secret([43; 32]);
        assert_eq!(open(&other, &s.blob), Err(SealError::Authentication));
    }

    #[test]
    fn any_flipped_byte_fails() {
        let r = reviewer();
        let s = seal(&r.public(), b"a short report").unwrap();
        for i in 0..s.blob.len() {
            let mut bad = s.blob.clone();
            bad[i] ^= 0x01;
            assert!(open(&r, &bad).is_err(), "flipping byte {i} went unnoticed");
        }
    }

    #[test]
    fn a_truncated_or_extended_blob_fails() {
        let r = reviewer();
        let s = seal(&r.public(), b"a short report").unwrap();
        for n in 0..s.blob.len() {
            assert!(open(&r, &s.blob[..n]).is_err(), "{n} bytes opened");
        }
        let mut longer = s.blob.clone();
        longer.push(0);
        assert_eq!(open(&r, &longer), Err(SealError::Authentication));
    }

    #[test]
    fn a_low_order_reviewing_key_is_refused() {
        assert_eq!(seal(&SealKey([0; 32]), b"x"), Err(SealError::LowOrder));
    }

    #[test]
    fn sealing_is_deterministic_given_its_randomness() {
        let to = reviewer().public();
        let a = seal_with(&to, b"r", [1; 32], [2; 12]).unwrap();
        let b = seal_with(&to, b"r", [1; 32], [2; 12]).unwrap();
        assert_eq!(a, b);
    }
}
