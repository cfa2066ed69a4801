//! The whistle-blower program: anyone (a fresh key is fine) files a report sealed to the
//! reviewing body's X25519 key; the chain keeps the sealed blob, its SHA-256 and a commitment
//! to the plaintext; Review votes move it Filed → UnderReview → Confirmed | Dismissed; an
//! Emergency proposal may escalate it; a confirmed report's reporter may be rewarded by the
//! treasury (`award_treasury` with `PaymentReason::WhistleblowerReward(id)`).
//!
//! # The sealed format (version 1)
//!
//! ```text
//! version (1 byte = 1) || ephemeral X25519 public key (32) || nonce (12) || ciphertext || tag (16)
//! ```
//!
//! - `shared = X25519(ephemeral secret, reviewing key)`; a non-contributory (all-zero) shared
//!   secret is refused;
//! - HKDF-SHA256 with `salt = ephemeral public || reviewing public` and `ikm = shared` gives the
//!   ChaCha20-Poly1305 key (info [SEAL_INFO_KEY]) and a commitment salt (info
//!   [SEAL_INFO_COMMIT]);
//! - the AEAD's associated data is the header (`version || ephemeral public`), so neither can
//!   be swapped; the 12-byte nonce is random (the key is already unique per report);
//! - the plaintext commitment (`payload_hash`) is SHA-256 over [COMMIT_TAG], the commitment
//!   salt and the plaintext: the reviewers, who can derive the salt, check it; nobody else can
//!   test a guessed plaintext against it.
//!
//! The chain cannot decrypt: it checks the shape only ([check_sealed]). Sealing and opening
//! live in `aigov-client` (`aigov_client::seal`).

use crate::codec::{BoundedBytes, Hash};
use crate::crypto::PublicKey;
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Most bytes a sealed report may have on chain (it must fit a 4096-byte transaction).
pub const SEALED_MAX: usize = 3_000;
/// The sealed format's version byte.
pub const SEAL_VERSION: u8 = 1;
/// Header: version, ephemeral public key, nonce.
pub const SEAL_HEADER: usize = 1 + 32 + 12;
/// The Poly1305 tag.
pub const SEAL_TAG: usize = 16;
/// The shortest sealed report: a header, one byte of ciphertext and the tag.
pub const SEALED_MIN: usize = SEAL_HEADER + 1 + SEAL_TAG;
/// The longest plaintext that fits.
pub const PLAINTEXT_MAX: usize = SEALED_MAX - SEAL_HEADER - SEAL_TAG;
/// HKDF info of the AEAD key.
pub const SEAL_INFO_KEY: &[u8] = b"aigov-whistle v1 key";
/// HKDF info of the commitment salt.
pub const SEAL_INFO_COMMIT: &[u8] = b"aigov-whistle v1 commit";
/// Domain tag of the plaintext commitment.
pub const COMMIT_TAG: &[u8] = b"_AIGOV_WHISTLE_PAYLOAD";

/// An X25519 public key (the reviewing body's); 64 hex digits in JSON.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SealKey(pub [u8; 32]);

impl SealKey {
    /// Parses 64 hex digits (an optional `0x` prefix is accepted).
    pub fn from_hex(s: &str) -> Option<Self> {
        let bytes = hex::decode(s.trim().trim_start_matches("0x")).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }
}
impl fmt::Display for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}
impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SealKey({})", hex::encode(self.0))
    }
}
impl crate::codec::Write for SealKey {
    fn write(&self, buf: &mut impl crate::codec::BufMut) {
        buf.put_slice(&self.0);
    }
}
impl crate::codec::EncodeSize for SealKey {
    fn encode_size(&self) -> usize {
        32
    }
}
impl crate::codec::Read for SealKey {
    type Cfg = ();
    fn read_cfg(
        buf: &mut impl crate::codec::Buf,
        _: &(),
    ) -> Result<Self, crate::codec::CodecError> {
        use crate::codec::ReadExt;
        Ok(Self(<[u8; 32]>::read(buf)?))
    }
}
impl Serialize for SealKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(self.0))
    }
}
impl<'de> Deserialize<'de> for SealKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::from_hex(&s).ok_or_else(|| serde::de::Error::custom("expected 64 hex digits"))
    }
}

/// Why a sealed blob is refused on chain (its shape; the chain cannot decrypt it).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum SealFormatError {
    /// Shorter than a header, one byte and a tag.
    #[error("a sealed report has at least {SEALED_MIN} bytes; this one has {0}")]
    TooShort(usize),
    /// Longer than [SEALED_MAX].
    #[error("a sealed report has at most {SEALED_MAX} bytes; this one has {0}")]
    TooLong(usize),
    /// An unknown version byte.
    #[error("unknown sealed-report version {0}; this chain knows version {SEAL_VERSION}")]
    Version(u8),
    /// An all-zero ephemeral key (the shared secret would be zero).
    #[error("the ephemeral key is the all-zero point")]
    EphemeralKey,
}

impl SealFormatError {
    /// Stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            SealFormatError::TooShort(_) | SealFormatError::TooLong(_) => "sealed_size",
            SealFormatError::Version(_) => "sealed_version",
            SealFormatError::EphemeralKey => "sealed_ephemeral_key",
        }
    }
}

/// Checks the shape of a sealed report: its size, version byte and a non-zero ephemeral key.
pub fn check_sealed(sealed: &[u8]) -> Result<(), SealFormatError> {
    if sealed.len() < SEALED_MIN {
        return Err(SealFormatError::TooShort(sealed.len()));
    }
    if sealed.len() > SEALED_MAX {
        return Err(SealFormatError::TooLong(sealed.len()));
    }
    if sealed[0] != SEAL_VERSION {
        return Err(SealFormatError::Version(sealed[0]));
    }
    if sealed[1..33].iter().all(|b| *b == 0) {
        return Err(SealFormatError::EphemeralKey);
    }
    Ok(())
}

/// Where a report stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Filed; nobody has taken it up.
    Filed,
    /// The reviewers are on it (set by a Review vote, or by an escalation).
    UnderReview,
    /// Confirmed by a Review vote: its reporter may be rewarded (final).
    Confirmed,
    /// Dismissed by a Review vote (final).
    Dismissed,
}
codec_unit_enum!(ReportStatus { 0 => Filed, 1 => UnderReview, 2 => Confirmed, 3 => Dismissed });

impl ReportStatus {
    /// True if a review may move a report from `self` to `to`: Filed → UnderReview, and Filed
    /// or UnderReview → Confirmed or Dismissed (a review may decide at once). Confirmed and
    /// Dismissed are final.
    pub fn can_become(self, to: ReportStatus) -> bool {
        use ReportStatus::*;
        matches!(
            (self, to),
            (Filed, UnderReview) | (Filed | UnderReview, Confirmed | Dismissed)
        )
    }
}

/// A whistle-blower report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Sequential id, from 1.
    pub id: u64,
    /// The key that filed it (and is rewarded).
    pub reporter: PublicKey,
    /// The reviewing key it was sealed to (the one in force when it was filed).
    pub recipient: SealKey,
    /// The sealed payload (see the module docs).
    pub sealed: BoundedBytes<SEALED_MAX>,
    /// SHA-256 of `sealed` (plain, no domain tag: `sha256sum` checks it).
    pub sealed_hash: Hash,
    /// The reporter's commitment to the plaintext.
    pub payload_hash: Hash,
    /// Where it stands.
    pub status: ReportStatus,
    /// Height it was filed at.
    pub filed_height: u64,
    /// Block time it was filed at.
    pub filed_ms: u64,
    /// The executed proposal that last changed its status.
    pub reviewed_by: Option<u64>,
    /// The latest executed Emergency proposal that escalated it.
    pub escalated_by: Option<u64>,
    /// The treasury payment that rewarded it.
    pub reward: Option<u64>,
}
codec_struct!(Report {
    id,
    reporter,
    recipient,
    sealed,
    sealed_hash,
    payload_hash,
    status,
    filed_height,
    filed_ms,
    reviewed_by,
    escalated_by,
    reward
});

/// `whistle.file`: anyone (a fresh key is fine; the pool pays within the applicant quota)
/// files a sealed report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    /// The sealed payload.
    pub sealed: BoundedBytes<SEALED_MAX>,
    /// The commitment to the plaintext.
    pub payload_hash: Hash,
}
codec_struct!(FileReport {
    sealed,
    payload_hash
});

/// Calls of the whistle-blower module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhistleCall {
    /// `whistle.file`.
    File(FileReport),
}
codec_enum!(WhistleCall {
    0 => File(FileReport),
});

/// What a review decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewOutcome {
    /// The reviewers take it up.
    UnderReview,
    /// Confirmed.
    Confirmed,
    /// Dismissed.
    Dismissed,
}
codec_unit_enum!(ReviewOutcome { 0 => UnderReview, 1 => Confirmed, 2 => Dismissed });

impl ReviewOutcome {
    /// The status it gives a report.
    pub fn status(self) -> ReportStatus {
        match self {
            ReviewOutcome::UnderReview => ReportStatus::UnderReview,
            ReviewOutcome::Confirmed => ReportStatus::Confirmed,
            ReviewOutcome::Dismissed => ReportStatus::Dismissed,
        }
    }
}

/// Proposal action `review_report` (Review): moves a report along.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReviewReport {
    /// The report.
    pub report: u64,
    /// The decision.
    pub outcome: ReviewOutcome,
}
codec_struct!(ReviewReport { report, outcome });

/// Proposal action `escalate_report` (Emergency): the proposal responds to this report; when
/// it executes, the report is linked to it and, if still Filed, put UnderReview.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EscalateReport {
    /// The report.
    pub report: u64,
}
codec_struct!(EscalateReport { report });

/// Proposal action `set_whistleblower_key` (System): the reviewing body's X25519 key that
/// reports are sealed to (`None`: no reports accepted).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SetWhistleblowerKey {
    /// The new key.
    pub key: Option<SealKey>,
}
codec_struct!(SetWhistleblowerKey { key });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Encode, decode_slice};

    #[test]
    fn the_shape_check_refuses_short_long_versions_and_zero_keys() {
        let mut ok = vec![SEAL_VERSION];
        ok.extend([7u8; 32]);
        ok.extend([0u8; 12 + 1 + 16]);
        assert_eq!(check_sealed(&ok), Ok(()));
        assert!(matches!(
            check_sealed(&ok[..SEALED_MIN - 1]),
            Err(SealFormatError::TooShort(_))
        ));
        assert!(matches!(
            check_sealed(&vec![1u8; SEALED_MAX + 1]),
            Err(SealFormatError::TooLong(_))
        ));
        let mut v2 = ok.clone();
        v2[0] = 2;
        assert_eq!(check_sealed(&v2), Err(SealFormatError::Version(2)));
        let mut zero = ok.clone();
        zero[1..33].fill(0);
        assert_eq!(check_sealed(&zero), Err(SealFormatError::EphemeralKey));
    }

    #[test]
    fn transitions_are_forward_only() {
        use ReportStatus::*;
        assert!(Filed.can_become(UnderReview));
        assert!(Filed.can_become(Confirmed));
        assert!(UnderReview.can_become(Dismissed));
        assert!(!UnderReview.can_become(UnderReview));
        assert!(!Confirmed.can_become(Dismissed));
        assert!(!Dismissed.can_become(Confirmed));
    }

    #[test]
    fn a_full_report_fits_a_transaction_and_round_trips() {
        let call = crate::Call::Whistle(WhistleCall::File(FileReport {
            sealed: BoundedBytes::new(vec![1; SEALED_MAX]).unwrap(),
            payload_hash: Hash::digest(&[b"p"]),
        }));
        // Tx envelope: chain id, sender, nonce, gas limit, signature: well under 1 KiB.
        assert!(call.encode().len() + 1024 < crate::tx::MAX_TX_BYTES);
        assert_eq!(decode_slice::<crate::Call>(&call.encode()).unwrap(), call);
        let k = SealKey([9; 32]);
        let json = serde_json::to_string(&k).unwrap();
        assert_eq!(serde_json::from_str::<SealKey>(&json).unwrap(), k);
    }
}
