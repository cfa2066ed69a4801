//! The one error type of evidence verification.

use crate::Platform;

/// Why a piece of evidence was rejected.
///
/// Every variant names the offending values so a rejected challenge answer can be logged and
/// explained on chain. Messages are short and lower-case (house style). Lower layers
/// (`dcap-qvl`, `sev`) report free-form errors; those are kept as text in `reason`, because
/// their types are not stable and the chain only needs the reason, not a structure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttestError {
    /// An input is larger than the bound for its kind (hostile or corrupt input).
    #[error("{what} is {len} bytes, more than the maximum {max}")]
    TooLarge {
        /// Which input.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The bound.
        max: usize,
    },
    /// An input could not be parsed.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// Which input.
        what: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// The evidence is for a different platform than the reference values.
    #[error("evidence is {evidence:?} but the reference values are for {reference:?}")]
    PlatformMismatch {
        /// The evidence's platform.
        evidence: Platform,
        /// The reference values' platform.
        reference: Platform,
    },
    /// The freshness binding has the wrong shape for this platform (64-byte report data
    /// passed for NVIDIA evidence, whose binding field is a 32-byte nonce).
    #[error("freshness binding of this kind cannot be checked for {platform:?}")]
    FreshnessKind {
        /// The evidence's platform.
        platform: Platform,
    },
    /// A DCAP quote (TDX or SGX) failed `dcap-qvl` verification: chain of trust, CRLs,
    /// signatures, QE identity, TCB matching, or a debug TD / enclave.
    #[error("dcap quote rejected: {reason}")]
    Dcap {
        /// `dcap-qvl`'s error chain.
        reason: String,
    },
    /// A DCAP collateral item is not valid at `now` (before its issue date or after its next
    /// update): stale collateral cannot vouch for the platform's current TCB.
    #[error("{what} is valid from {issued} to {next_update}, not at {now} (unix seconds)")]
    CollateralExpired {
        /// `tcb_info`, `qe_identity`, `root_ca_crl` or `pck_crl`.
        what: &'static str,
        /// Its issue date.
        issued: u64,
        /// Its next update.
        next_update: u64,
        /// The block time checked against.
        now: u64,
    },
    /// The quote's evaluated TCB status is not in the reference's allowed list.
    #[error("tcb status {status:?} is not allowed (advisories {advisory_ids:?})")]
    TcbStatusNotAllowed {
        /// The evaluated status.
        status: crate::TcbStatus,
        /// Intel security advisories that apply.
        advisory_ids: Vec<String>,
    },
    /// The evidence's report data is not the value bound to the challenge.
    #[error("report data mismatch: expected {}, got {}", hex::encode(expected.as_slice()), hex::encode(got.as_slice()))]
    ReportDataMismatch {
        /// What the challenge requires.
        expected: Box<[u8; 64]>,
        /// What the evidence carries.
        got: Box<[u8; 64]>,
    },
    /// The SPDM request nonce is not the challenge nonce.
    #[error("nonce mismatch: expected {}, got {}", hex::encode(expected.as_slice()), hex::encode(got.as_slice()))]
    NonceMismatch {
        /// The challenge nonce.
        expected: [u8; 32],
        /// The nonce in the SPDM GET_MEASUREMENTS request.
        got: [u8; 32],
    },
    /// A measurement is not in its allow-list.
    #[error("measurement {name} = {} is not allowed", hex::encode(got))]
    MeasurementMismatch {
        /// Which measurement (`mrtd`, `rtmr0`, `mrenclave`, `measurement`, `index 3`, ...).
        name: String,
        /// Its value.
        got: Vec<u8>,
    },
    /// A measurement the reference values require is absent from the evidence.
    #[error("measurement {name} is missing")]
    MeasurementMissing {
        /// Which measurement.
        name: String,
    },
    /// A numeric version or security version is below the reference minimum.
    #[error("{what} is {got}, below the minimum {min}")]
    BelowMinimum {
        /// Which number (`isv_svn`, `snp tcb bootloader`, ...).
        what: &'static str,
        /// Its value.
        got: u64,
        /// The minimum.
        min: u64,
    },
    /// A field must equal a fixed value (SGX product id, SNP VMPL, ...).
    #[error("{what} is {got}, expected {expected}")]
    Unexpected {
        /// Which field.
        what: &'static str,
        /// Its value.
        got: u64,
        /// The required value.
        expected: u64,
    },
    /// An SEV-SNP guest policy flag the reference forbids is set.
    #[error("snp guest policy {policy:#x} sets forbidden flag {flag}")]
    SnpPolicy {
        /// The policy word.
        policy: u64,
        /// The flag's name.
        flag: &'static str,
    },
    /// No built-in AMD root (Milan, Genoa, Turin) certifies the VCEK.
    #[error("vcek is not certified by a built-in amd root: {reason}")]
    SnpChain {
        /// `sev`'s last error.
        reason: String,
    },
    /// A field of the VCEK certificate disagrees with the report it signed (chip id or
    /// reported TCB): the key is for another chip or another firmware level.
    #[error(
        "vcek {what} is {}, report has {}",
        hex::encode(cert),
        hex::encode(report)
    )]
    VcekMismatch {
        /// Which field.
        what: &'static str,
        /// The certificate's value.
        cert: Vec<u8>,
        /// The report's value.
        report: Vec<u8>,
    },
    /// A certificate of a chain is invalid (index 0 is the leaf).
    #[error("certificate {index}: {reason}")]
    Certificate {
        /// Position in the chain, leaf first.
        index: usize,
        /// What is wrong.
        reason: String,
    },
    /// A certificate of a chain is not valid at `now`.
    #[error(
        "certificate {index} is valid from {not_before} to {not_after}, not at {now} (unix seconds)"
    )]
    CertificateExpired {
        /// Position in the chain, leaf first.
        index: usize,
        /// Start of validity.
        not_before: u64,
        /// End of validity.
        not_after: u64,
        /// The block time checked against.
        now: u64,
    },
    /// The evidence's signature does not verify under the certified key.
    #[error("{what} signature does not verify")]
    BadSignature {
        /// Which signature.
        what: &'static str,
    },
    /// The firmware id in the NVIDIA report differs from the one in the attestation
    /// certificate, so the certificate was not issued for this firmware.
    #[error(
        "fwid mismatch: report has {}, certificate has {}",
        hex::encode(report),
        hex::encode(cert)
    )]
    FwidMismatch {
        /// The FWID opaque field of the report.
        report: Vec<u8>,
        /// The FWID extension of the leaf certificate.
        cert: Vec<u8>,
    },
    /// Delay-based location evidence is malformed or inconsistent.
    #[error(transparent)]
    Location(#[from] crate::location::LocationError),
}

/// Shorthand for a [`AttestError::Malformed`].
pub(crate) fn malformed(what: &'static str, reason: impl Into<String>) -> AttestError {
    AttestError::Malformed {
        what,
        reason: reason.into(),
    }
}

/// Rejects an input longer than `max`.
pub(crate) fn bound(what: &'static str, bytes: &[u8], max: usize) -> Result<(), AttestError> {
    if bytes.len() > max {
        return Err(AttestError::TooLarge {
            what,
            len: bytes.len(),
            max,
        });
    }
    if bytes.is_empty() {
        return Err(malformed(what, "empty"));
    }
    Ok(())
}
