//! Offline, deterministic verification of hardware attestation evidence (Intel TDX/SGX, AMD SEV-SNP, NVIDIA Hopper SPDM) with the chain's challenge nonce bound in.
//!
//! The chain challenges registered hardware semi-randomly; the hardware answers with
//! [`Evidence`] in its vendor's real format. [`verify`] checks, in this order:
//! 1. **chain of trust**: the evidence's signing key is certified by the vendor's root
//!    (Intel SGX Root CA, AMD ARK for Milan/Genoa/Turin, NVIDIA Device Identity CA), every
//!    certificate and collateral item valid at `now`;
//! 2. **signature** over the evidence;
//! 3. **TCB status** against the reference policy;
//! 4. **freshness**: the challenge nonce is bound into the evidence (see [`Freshness`],
//!    [`report_data_for`]), so evidence recorded before the challenge cannot answer it;
//! 5. **reference values**: the measurements are in the hardware template's allow-lists.
//!
//! Everything here is pure: no clock (the caller passes `now`, the block time in Unix
//! seconds), no randomness, no I/O, no floating point, every input length bounded, so every
//! validator reaches the same verdict on the same bytes. The [`location`] module checks
//! delay-based location evidence with integer arithmetic only.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

mod cert;
mod dcap;
mod error;
pub mod location;
mod nvidia;
mod snp;
mod time;

use sha2::{Digest, Sha256, Sha512};

pub use error::AttestError;
pub use nvidia::{NVIDIA_DEVICE_IDENTITY_CA_DER, SpdmMeasurement, SpdmReport};

/// Largest DCAP quote accepted (real quotes are 5-10 KiB).
pub const MAX_QUOTE_BYTES: usize = 64 * 1024;
/// Largest DCAP collateral (JSON) accepted (real collateral is 15-25 KiB; PCK CRLs grow).
pub const MAX_COLLATERAL_BYTES: usize = 1024 * 1024;
/// Size of an SEV-SNP attestation report (ABI versions 2 to 5 all use 1184 bytes).
pub const SNP_REPORT_BYTES: usize = 1184;
/// Largest VCEK/VLEK certificate (DER) accepted (real ones are ~1.4 KiB).
pub const MAX_VCEK_BYTES: usize = 16 * 1024;
/// Largest NVIDIA SPDM attestation report accepted (Hopper's is ~4 KiB).
pub const MAX_SPDM_REPORT_BYTES: usize = 64 * 1024;
/// Largest NVIDIA certificate chain (PEM) accepted (Hopper's is ~5 KiB).
pub const MAX_CERT_CHAIN_BYTES: usize = 64 * 1024;

/// Namespace hashed in front of the challenge nonce to form report data (house rule:
/// signing namespaces are `_AIGOV_<MODULE>_<OP>`).
pub const REPORT_DATA_NAMESPACE: &[u8] = b"_AIGOV_ATTEST_REPORT_DATA";

/// Namespace of the evidence digest logged on chain.
const EVIDENCE_DIGEST_NAMESPACE: &[u8] = b"_AIGOV_ATTEST_EVIDENCE";

/// The hardware platforms whose evidence this crate verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Platform {
    /// Intel Trust Domain Extensions (confidential VM), DCAP quote v4/v5.
    Tdx,
    /// Intel Software Guard Extensions (enclave), DCAP quote v3.
    Sgx,
    /// AMD Secure Encrypted Virtualization - Secure Nested Paging (confidential VM).
    SevSnp,
    /// NVIDIA Hopper GPU in confidential-computing mode, SPDM 1.1 measurements.
    NvidiaSpdm,
}

/// Attestation evidence, as the hardware's agent submits it, in the vendors' own formats.
///
/// Kept as raw bytes: what is verified is exactly what is hashed into the on-chain log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Evidence {
    /// An Intel TDX DCAP quote and the PCCS collateral it is verified against.
    TdxQuote {
        /// The raw quote (v4 or v5), at most [`MAX_QUOTE_BYTES`].
        quote: Vec<u8>,
        /// `dcap-qvl`'s `QuoteCollateralV3` as JSON (CRLs, TCB info, QE identity and their
        /// issuer chains), at most [`MAX_COLLATERAL_BYTES`].
        collateral: Vec<u8>,
    },
    /// An Intel SGX DCAP quote and its collateral.
    SgxQuote {
        /// The raw quote (v3), at most [`MAX_QUOTE_BYTES`].
        quote: Vec<u8>,
        /// Collateral JSON as for [`Evidence::TdxQuote`].
        collateral: Vec<u8>,
    },
    /// An AMD SEV-SNP attestation report and the VCEK certificate that signed it.
    SevSnp {
        /// The raw report, exactly [`SNP_REPORT_BYTES`].
        report: Vec<u8>,
        /// The VCEK certificate (DER) for this chip and reported TCB, from AMD's KDS or the
        /// host's certificate table; at most [`MAX_VCEK_BYTES`].
        vcek_der: Vec<u8>,
    },
    /// An NVIDIA Hopper attestation report and the GPU's certificate chain.
    NvidiaSpdm {
        /// SPDM GET_MEASUREMENTS request (37 bytes) followed by the MEASUREMENTS response,
        /// as returned by `nvmlDeviceGetConfComputeGpuAttestationReport`; at most
        /// [`MAX_SPDM_REPORT_BYTES`].
        report: Vec<u8>,
        /// The GPU's attestation certificate chain, PEM, leaf first, five certificates, as
        /// returned by `nvmlDeviceGetConfComputeGpuCertificate`; at most
        /// [`MAX_CERT_CHAIN_BYTES`].
        cert_chain: Vec<u8>,
    },
}

impl Evidence {
    /// The platform this evidence comes from.
    pub fn platform(&self) -> Platform {
        match self {
            Evidence::TdxQuote { .. } => Platform::Tdx,
            Evidence::SgxQuote { .. } => Platform::Sgx,
            Evidence::SevSnp { .. } => Platform::SevSnp,
            Evidence::NvidiaSpdm { .. } => Platform::NvidiaSpdm,
        }
    }

    /// SHA-256 of the evidence under a fixed encoding, for the on-chain log: the namespace
    /// `_AIGOV_ATTEST_EVIDENCE`, a platform tag byte, then each field as a 4-byte big-endian
    /// length and its bytes. The digest commits to every byte verified, so the log proves
    /// which evidence a verdict was reached on while the (large) evidence stays off chain.
    pub fn digest(&self) -> [u8; 32] {
        let (tag, a, b): (u8, &[u8], &[u8]) = match self {
            Evidence::TdxQuote { quote, collateral } => (1, quote, collateral),
            Evidence::SgxQuote { quote, collateral } => (2, quote, collateral),
            Evidence::SevSnp { report, vcek_der } => (3, report, vcek_der),
            Evidence::NvidiaSpdm { report, cert_chain } => (4, report, cert_chain),
        };
        let mut h = Sha256::new();
        h.update(EVIDENCE_DIGEST_NAMESPACE);
        h.update([tag]);
        for field in [a, b] {
            // Every field is bounded far below 4 GiB before it is verified; saturate rather
            // than panic for an unverified oversized input.
            let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
            h.update(len.to_be_bytes());
            h.update(field);
        }
        h.finalize().into()
    }
}

/// What must be bound into the evidence for it to answer this challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// The chain's 32-byte challenge nonce. TDX, SGX and SEV-SNP evidence must carry
    /// [`report_data_for`]`(nonce)` as report data; NVIDIA evidence must carry the nonce
    /// itself as the SPDM GET_MEASUREMENTS nonce (a 32-byte field, as NVIDIA's verifier
    /// compares it). This is what the state machine uses.
    Nonce([u8; 32]),
    /// Lower level: the exact 64-byte report data expected (TDX, SGX, SEV-SNP only). For
    /// evidence bound by another derivation, and for the vendors' sample evidence, whose
    /// report data is fixed.
    ReportData(Box<[u8; 64]>),
}

impl Freshness {
    /// The 64-byte report data this binding requires.
    fn report_data(&self) -> [u8; 64] {
        match self {
            Freshness::Nonce(nonce) => report_data_for(nonce),
            Freshness::ReportData(data) => **data,
        }
    }
}

/// The report data that binds a challenge nonce into TDX, SGX and SEV-SNP evidence:
/// `SHA-512(REPORT_DATA_NAMESPACE || nonce)`.
///
/// Why a hash and not `nonce || zeros`: report data is the one caller-chosen field of these
/// reports, and software inside the TEE also uses it for other things (typically binding a TLS
/// or signing key's hash). Hashing under a namespace that nothing else uses means a report
/// produced for any other purpose can never be mistaken for an answer to a chain challenge,
/// and it fills all 64 bytes. The chain's nonce is itself derived from consensus randomness
/// and the challenge id, so the hash adds no guessing surface.
pub fn report_data_for(nonce: &[u8; 32]) -> [u8; 64] {
    let mut h = Sha512::new();
    h.update(REPORT_DATA_NAMESPACE);
    h.update(nonce);
    h.finalize().into()
}

/// An explicit allow-list: `Any` must be chosen on purpose, never by an empty list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowList<T> {
    /// Any value is accepted (e.g. an RTMR extended at run time that the template does not
    /// pin). The value is still reported in the [`Verdict`].
    Any,
    /// The value must equal one of these. An empty list accepts nothing.
    OneOf(Vec<T>),
}

impl<T: PartialEq> AllowList<T> {
    /// Whether `value` is allowed, and whether it was actually checked.
    fn check(&self, value: &T) -> (bool, bool) {
        match self {
            AllowList::Any => (true, false),
            AllowList::OneOf(list) => (list.contains(value), true),
        }
    }
}

/// Intel's TCB status of a DCAP-attested platform, after merging platform and QE status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TcbStatus {
    /// Patched to the latest TCB level.
    UpToDate,
    /// Up to date in firmware, but the platform configuration needs changes (e.g. HT on).
    ConfigurationNeeded,
    /// Up to date, but software hardening is needed against a known advisory.
    SwHardeningNeeded,
    /// Both of the above.
    ConfigurationAndSwHardeningNeeded,
    /// The platform's TCB is out of date.
    OutOfDate,
    /// Out of date and configuration needed.
    OutOfDateConfigurationNeeded,
    /// TDX 1.5: launched on an out-of-date TCB, since updated in place; relaunch advised.
    TdRelaunchAdvised,
    /// As `TdRelaunchAdvised`, and configuration needed.
    TdRelaunchAdvisedConfigurationNeeded,
}

/// Reference values for an Intel TDX trust domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TdxReference {
    /// TCB statuses accepted. `vec![TcbStatus::UpToDate]` is the strict policy; anything
    /// else is a deliberate, recorded exception. Revoked is always rejected.
    pub allowed_tcb_statuses: Vec<TcbStatus>,
    /// Allowed MRTD (the TD's initial contents: firmware image).
    pub mrtd: AllowList<[u8; 48]>,
    /// Allowed RTMR0 (firmware configuration).
    pub rtmr0: AllowList<[u8; 48]>,
    /// Allowed RTMR1 (OS loader / kernel).
    pub rtmr1: AllowList<[u8; 48]>,
    /// Allowed RTMR2 (kernel command line, initrd).
    pub rtmr2: AllowList<[u8; 48]>,
    /// Allowed RTMR3 (application-defined, often runtime).
    pub rtmr3: AllowList<[u8; 48]>,
}

/// Reference values for an Intel SGX enclave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgxReference {
    /// TCB statuses accepted (see [`TdxReference::allowed_tcb_statuses`]).
    pub allowed_tcb_statuses: Vec<TcbStatus>,
    /// Allowed MRENCLAVE (the enclave's code and data).
    pub mrenclave: AllowList<[u8; 32]>,
    /// Allowed MRSIGNER (hash of the enclave signer's key).
    pub mrsigner: AllowList<[u8; 32]>,
    /// Required ISV product id, if pinned.
    pub isv_prod_id: Option<u16>,
    /// Minimum ISV security version.
    pub min_isv_svn: u16,
}

/// SEV-SNP TCB component security versions (as in the report's REPORTED_TCB).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SnpTcb {
    /// PSP bootloader SVN.
    pub bootloader: u8,
    /// PSP OS (TEE) SVN.
    pub tee: u8,
    /// SNP firmware SVN.
    pub snp: u8,
    /// CPU microcode patch level.
    pub microcode: u8,
    /// FMC firmware SVN (Turin and later; `None` before).
    pub fmc: Option<u8>,
}

/// Reference values for an AMD SEV-SNP guest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnpReference {
    /// Allowed launch measurements.
    pub measurement: AllowList<[u8; 48]>,
    /// Minimum reported TCB, component by component (the VCEK is derived from it).
    pub min_tcb: SnpTcb,
    /// Minimum guest SVN.
    pub min_guest_svn: u32,
    /// Required VMPL of the requesting software, if pinned (0 = the most privileged).
    pub vmpl: Option<u32>,
    /// Accept a guest whose policy allows debugging (its memory readable by the host).
    pub allow_debug: bool,
    /// Accept a guest whose policy allows a migration agent.
    pub allow_migration_agent: bool,
}

/// An NVIDIA measurement block's allowed values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NvidiaMeasurementReference {
    /// The SPDM measurement block index (1-based).
    pub index: u8,
    /// Allowed values (NVIDIA's RIMs list alternatives per index).
    pub allowed: Vec<Vec<u8>>,
}

/// Reference values for an NVIDIA Hopper GPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NvidiaReference {
    /// Expected measurement values per index; each listed index must be present and match.
    /// Indexes not listed are reported but not checked (NVIDIA's golden RIMs likewise leave
    /// some indexes inactive).
    pub measurements: Vec<NvidiaMeasurementReference>,
}

/// A hardware template's reference values for one platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceValues {
    /// For [`Evidence::TdxQuote`].
    Tdx(TdxReference),
    /// For [`Evidence::SgxQuote`].
    Sgx(SgxReference),
    /// For [`Evidence::SevSnp`].
    SevSnp(SnpReference),
    /// For [`Evidence::NvidiaSpdm`].
    NvidiaSpdm(NvidiaReference),
}

impl ReferenceValues {
    /// The platform these reference values are for.
    pub fn platform(&self) -> Platform {
        match self {
            ReferenceValues::Tdx(_) => Platform::Tdx,
            ReferenceValues::Sgx(_) => Platform::Sgx,
            ReferenceValues::SevSnp(_) => Platform::SevSnp,
            ReferenceValues::NvidiaSpdm(_) => Platform::NvidiaSpdm,
        }
    }
}

/// The platform's security level as its vendor's scheme states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tcb {
    /// Intel DCAP: the evaluated status and the advisories that apply.
    Intel {
        /// Merged platform and QE status.
        status: TcbStatus,
        /// Intel security advisory ids (e.g. `INTEL-SA-00615`).
        advisory_ids: Vec<String>,
    },
    /// AMD SEV-SNP: the reported TCB the VCEK was derived from, and the processor
    /// generation whose root certified it.
    Amd {
        /// Reported TCB.
        reported: SnpTcb,
        /// `Milan`, `Genoa` or `Turin`.
        generation: String,
    },
    /// NVIDIA: no TCB status scheme; the firmware is identified by its measurements and the
    /// FWID (if the report carries one, it matched the certificate's).
    Nvidia {
        /// The firmware id from the report's opaque data, if present.
        fwid: Option<Vec<u8>>,
    },
}

/// A measurement read from verified evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measurement {
    /// Its name (`mrtd`, `rtmr0`..`rtmr3`, `mrenclave`, `mrsigner`, `measurement`,
    /// `index N`).
    pub name: String,
    /// Its value.
    pub value: Vec<u8>,
    /// Whether a reference allow-list was checked (false for [`AllowList::Any`] and for
    /// NVIDIA indexes the reference does not list).
    pub checked: bool,
}

/// The outcome of a successful verification, for the on-chain log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The platform.
    pub platform: Platform,
    /// The platform's security level.
    pub tcb: Tcb,
    /// Every measurement read from the evidence; those with `checked` matched their
    /// allow-list.
    pub measurements: Vec<Measurement>,
    /// The freshness binding found in the evidence: 64-byte report data, or the 32-byte
    /// SPDM nonce.
    pub binding: Vec<u8>,
    /// [`Evidence::digest`] of the evidence verified.
    pub evidence_digest: [u8; 32],
}

/// Verifies `evidence` against a hardware template's `reference` values, requires the
/// challenge's `freshness` binding, and checks certificates and collateral at `now` (block
/// time, Unix seconds).
///
/// Deterministic: the same inputs give the same result on every node.
pub fn verify(
    evidence: &Evidence,
    reference: &ReferenceValues,
    freshness: &Freshness,
    now: u64,
) -> Result<Verdict, AttestError> {
    let platform = evidence.platform();
    if platform != reference.platform() {
        return Err(AttestError::PlatformMismatch {
            evidence: platform,
            reference: reference.platform(),
        });
    }
    let (tcb, measurements, binding) = match (evidence, reference) {
        (Evidence::TdxQuote { quote, collateral }, ReferenceValues::Tdx(r)) => {
            dcap::verify_tdx(quote, collateral, r, &freshness.report_data(), now)?
        }
        (Evidence::SgxQuote { quote, collateral }, ReferenceValues::Sgx(r)) => {
            dcap::verify_sgx(quote, collateral, r, &freshness.report_data(), now)?
        }
        (Evidence::SevSnp { report, vcek_der }, ReferenceValues::SevSnp(r)) => {
            snp::verify(report, vcek_der, r, &freshness.report_data(), now)?
        }
        (Evidence::NvidiaSpdm { report, cert_chain }, ReferenceValues::NvidiaSpdm(r)) => {
            let Freshness::Nonce(nonce) = freshness else {
                return Err(AttestError::FreshnessKind { platform });
            };
            nvidia::verify(report, cert_chain, r, nonce, now)?
        }
        // Unreachable after the platform check above; kept as an error, not a panic.
        _ => {
            return Err(AttestError::PlatformMismatch {
                evidence: platform,
                reference: reference.platform(),
            });
        }
    };
    Ok(Verdict {
        platform,
        tcb,
        measurements,
        binding,
        evidence_digest: evidence.digest(),
    })
}

/// Checks a measurement against its allow-list and records it.
pub(crate) fn check_measurement<const N: usize>(
    out: &mut Vec<Measurement>,
    name: &str,
    value: &[u8; N],
    allow: &AllowList<[u8; N]>,
) -> Result<(), AttestError> {
    let (ok, checked) = allow.check(value);
    if !ok {
        return Err(AttestError::MeasurementMismatch {
            name: name.to_string(),
            got: value.to_vec(),
        });
    }
    out.push(Measurement {
        name: name.to_string(),
        value: value.to_vec(),
        checked,
    });
    Ok(())
}

/// Compares the report data found with the one required.
pub(crate) fn check_report_data(expected: &[u8; 64], got: &[u8; 64]) -> Result<(), AttestError> {
    if expected != got {
        return Err(AttestError::ReportDataMismatch {
            expected: Box::new(*expected),
            got: Box::new(*got),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_data_is_namespaced_sha512() {
        let nonce = [7u8; 32];
        let rd = report_data_for(&nonce);
        let mut h = Sha512::new();
        h.update(b"_AIGOV_ATTEST_REPORT_DATA");
        h.update(nonce);
        assert_eq!(rd.to_vec(), h.finalize().to_vec());
        assert_ne!(report_data_for(&[8u8; 32]), rd);
    }

    #[test]
    fn digest_separates_fields_and_platforms() {
        let a = Evidence::TdxQuote {
            quote: vec![1, 2],
            collateral: vec![3],
        };
        let b = Evidence::TdxQuote {
            quote: vec![1],
            collateral: vec![2, 3],
        };
        let c = Evidence::SgxQuote {
            quote: vec![1, 2],
            collateral: vec![3],
        };
        assert_ne!(a.digest(), b.digest());
        assert_ne!(a.digest(), c.digest());
        assert_eq!(a.digest(), a.clone().digest());
    }
}
