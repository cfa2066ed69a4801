//! Ed25519 keys and signatures used by accounts, with hex JSON forms and PKCS#8 v1 key files.
//!
//! Signatures follow commonware's convention: the signed bytes are
//! `varint(len(namespace)) || namespace || message` (`commonware_utils::union_unique`), so a
//! signature made for one purpose (a transaction) can never be replayed for another. The portal
//! reproduces the same bytes in WebCrypto.

use crate::codec::{Buf, BufMut, CodecError, EncodeSize, Read, ReadExt, Write};
use commonware_codec::{DecodeExt as _, Encode as _};
use commonware_cryptography::{Signer as _, Verifier as _, ed25519};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An account's Ed25519 public key (32 bytes).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicKey(pub ed25519::PublicKey);

/// An Ed25519 signature (64 bytes).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Signature(pub ed25519::Signature);

/// An Ed25519 private key. Never serialised except to a PKCS#8 key file.
#[derive(Clone)]
pub struct PrivateKey(ed25519::PrivateKey);

/// The DER prefix of a PKCS#8 v1 Ed25519 private key (RFC 8410): the 32-byte seed follows.
const PKCS8_V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];

/// Why a key file or key string could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    /// Not PEM with a `PRIVATE KEY` block.
    #[error("not a PEM 'PRIVATE KEY' file")]
    NotPem,
    /// Bad base64 inside the PEM block.
    #[error("the PEM body is not valid base64")]
    Base64,
    /// DER that is not the 48-byte PKCS#8 v1 Ed25519 form.
    #[error("not a PKCS#8 v1 Ed25519 private key (expected 48 DER bytes, got {0})")]
    NotEd25519Pkcs8(usize),
    /// A public key that is not 64 hex digits of a valid Ed25519 point.
    #[error("not an Ed25519 public key (64 hex digits expected)")]
    BadPublicKey,
}

impl PrivateKey {
    /// A fresh key from the operating system's randomness.
    pub fn generate() -> Self {
        let mut seed = [0u8; 32];
        // The operating system's generator failing is not recoverable for key generation.
        if getrandom::fill(&mut seed).is_err() {
            unreachable_key()
        }
        Self::from_seed_bytes(seed)
    }

    /// A key derived from a 32-byte seed (the RFC 8032 private key).
    pub fn from_seed_bytes(seed: [u8; 32]) -> Self {
        // 32 bytes always decode: every seed is a valid Ed25519 private key.
        match ed25519::PrivateKey::decode(seed.to_vec()) {
            Ok(k) => Self(k),
            Err(_) => unreachable_key(),
        }
    }

    /// The 32-byte seed.
    pub fn seed_bytes(&self) -> [u8; 32] {
        let enc = self.0.encode();
        let mut out = [0u8; 32];
        out.copy_from_slice(&enc[..32]);
        out
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.public_key())
    }

    /// Signs `msg` under `namespace`.
    pub fn sign(&self, namespace: &[u8], msg: &[u8]) -> Signature {
        Signature(self.0.sign(namespace, msg))
    }

    /// The commonware key (for p2p identities).
    pub fn inner(&self) -> &ed25519::PrivateKey {
        &self.0
    }

    /// PKCS#8 v1 DER (48 bytes): the form both WebCrypto and OpenSSL read.
    pub fn to_pkcs8_der(&self) -> Vec<u8> {
        let mut out = PKCS8_V1_PREFIX.to_vec();
        out.extend_from_slice(&self.seed_bytes());
        out
    }

    /// Parses PKCS#8 v1 DER.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        if der.len() != 48 || der[..16] != PKCS8_V1_PREFIX {
            return Err(KeyError::NotEd25519Pkcs8(der.len()));
        }
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&der[16..]);
        Ok(Self::from_seed_bytes(seed))
    }

    /// PEM (`-----BEGIN PRIVATE KEY-----`) around PKCS#8 v1 DER.
    pub fn to_pem(&self) -> String {
        use base64_engine::encode;
        format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            encode(&self.to_pkcs8_der())
        )
    }

    /// Parses a PEM `PRIVATE KEY` file.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let body: String = pem
            .lines()
            .map(str::trim)
            .skip_while(|l| *l != "-----BEGIN PRIVATE KEY-----")
            .skip(1)
            .take_while(|l| *l != "-----END PRIVATE KEY-----")
            .collect();
        if body.is_empty() {
            return Err(KeyError::NotPem);
        }
        let der = base64_engine::decode(&body).ok_or(KeyError::Base64)?;
        Self::from_pkcs8_der(&der)
    }
}

#[cold]
fn unreachable_key() -> ! {
    // A 32-byte array always decodes to a key; kept out of line so the lint stays meaningful.
    #[allow(clippy::panic)]
    {
        panic!("ed25519 key material unavailable")
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({})", self.public_key())
    }
}

impl PublicKey {
    /// Verifies `sig` over `msg` under `namespace`.
    pub fn verify(&self, namespace: &[u8], msg: &[u8], sig: &Signature) -> bool {
        self.0.verify(namespace, msg, &sig.0)
    }
    /// The 32 raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_ref()
    }
    /// Parses 64 hex digits.
    pub fn from_hex(s: &str) -> Result<Self, KeyError> {
        let bytes = hex::decode(s.trim_start_matches("0x")).map_err(|_| KeyError::BadPublicKey)?;
        ed25519::PublicKey::decode(bytes)
            .map(Self)
            .map_err(|_| KeyError::BadPublicKey)
    }
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.as_bytes()))
    }
}
impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}
impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", hex::encode(self.0.as_ref()))
    }
}

impl Write for PublicKey {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}
impl EncodeSize for PublicKey {
    fn encode_size(&self) -> usize {
        self.0.encode_size()
    }
}
impl Read for PublicKey {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        Ok(Self(ed25519::PublicKey::read(buf)?))
    }
}
impl Write for Signature {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}
impl EncodeSize for Signature {
    fn encode_size(&self) -> usize {
        self.0.encode_size()
    }
}
impl Read for Signature {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        Ok(Self(ed25519::Signature::read(buf)?))
    }
}

impl Serialize for PublicKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}
impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::from_hex(&s).map_err(serde::de::Error::custom)
    }
}
impl Serialize for Signature {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0.as_ref()))
    }
}
// Calls that carry signatures (device proofs, inspection co-signatures) are JSON too.
impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let bytes = hex::decode(s.trim_start_matches("0x")).map_err(serde::de::Error::custom)?;
        ed25519::Signature::decode(bytes::Bytes::from(bytes))
            .map(Self)
            .map_err(|_| serde::de::Error::custom("not an Ed25519 signature (128 hex digits)"))
    }
}

/// Minimal standard base64 (RFC 4648, with padding), so `types` needs no extra dependency.
pub mod base64_engine {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// Encodes `data`.
    pub fn encode(data: &[u8]) -> String {
        let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
        for chunk in data.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    /// Decodes `s`, or `None` if it is not canonical padded base64.
    pub fn decode(s: &str) -> Option<Vec<u8>> {
        let s = s.as_bytes();
        if !s.len().is_multiple_of(4) {
            return None;
        }
        let mut out = Vec::with_capacity(s.len() / 4 * 3);
        for chunk in s.chunks(4) {
            let mut n = 0u32;
            let mut pad = 0;
            for (i, &c) in chunk.iter().enumerate() {
                let v = match c {
                    b'A'..=b'Z' => c - b'A',
                    b'a'..=b'z' => c - b'a' + 26,
                    b'0'..=b'9' => c - b'0' + 52,
                    b'+' => 62,
                    b'/' => 63,
                    b'=' if i >= 2 => {
                        pad += 1;
                        0
                    }
                    _ => return None,
                };
                if pad > 0 && c != b'=' {
                    return None;
                }
                n = (n << 6) | u32::from(v);
            }
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(&bytes[..3 - pad]);
        }
        if encode(&out).as_bytes() != s {
            return None;
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip_and_rfc8410_vector() {
        // RFC 8410 section 10.3 example private key.
        let pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n";
        let key = PrivateKey::from_pem(pem).unwrap();
        assert_eq!(key.to_pem(), pem);
        assert_eq!(
            key.public_key().to_string(),
            "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1"
        );
    }

    #[test]
    fn rejects_v2_and_garbage() {
        assert_eq!(PrivateKey::from_pem("hello").err(), Some(KeyError::NotPem));
        let v2 = vec![0u8; 83];
        assert_eq!(
            PrivateKey::from_pkcs8_der(&v2).err(),
            Some(KeyError::NotEd25519Pkcs8(83))
        );
    }

    #[test]
    fn sign_verify_namespaced() {
        let k = PrivateKey::generate();
        let sig = k.sign(b"_A", b"msg");
        assert!(k.public_key().verify(b"_A", b"msg", &sig));
        assert!(!k.public_key().verify(b"_B", b"msg", &sig));
    }

    #[test]
    fn base64_round_trip() {
        for n in 0..20 {
            let data: Vec<u8> = (0..n).map(|i| (i * 37) as u8).collect();
            assert_eq!(
                base64_engine::decode(&base64_engine::encode(&data)).unwrap(),
                data
            );
        }
        assert!(base64_engine::decode("abc").is_none());
    }
}
