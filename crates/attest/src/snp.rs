//! AMD SEV-SNP attestation reports.
//!
//! The chain of trust (ARK → ASK → VCEK, RSA-PSS/SHA-384) is checked with `sev` against the
//! AMD roots built into it, trying Milan, Genoa and Turin in that order; the first that
//! certifies the VCEK names the processor generation. The report signature
//! (ECDSA P-384/SHA-384 over bytes `0..0x2A0`) is checked here over the raw bytes as
//! received, not over a re-encoding, so the verified bytes are exactly the logged bytes.
//! As AMD's `snpguest verify attestation` does, the VCEK's hwID and TCB extensions must
//! equal the report's CHIP_ID and REPORTED_TCB: a VCEK is specific to one chip at one
//! firmware level. VLEK-signed reports (cloud providers' keys) are not accepted.

use der::Decode;
use der::asn1::ObjectIdentifier;
use p384::ecdsa::signature::Verifier;
use p384::ecdsa::{Signature, VerifyingKey};
use sev::certs::snp::{Certificate as SevCertificate, Chain, Verifiable, builtin, ca};
use x509_cert::Certificate;

use crate::cert::{check_validity, extension};
use crate::error::{bound, malformed};
use crate::{
    AttestError, MAX_VCEK_BYTES, Measurement, SNP_REPORT_BYTES, SnpReference, SnpTcb, Tcb,
    check_measurement, check_report_data,
};

/// Output of a platform verifier: TCB, measurements, freshness binding found.
type Outcome = (Tcb, Vec<Measurement>, Vec<u8>);

const SIGNED_BYTES: usize = 0x2A0;
const POLICY_MIGRATE_MA: u64 = 1 << 18;
const POLICY_DEBUG: u64 = 1 << 19;

const OID_BL_SPL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.3.1");
const OID_TEE_SPL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.3.2");
const OID_SNP_SPL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.3.3");
const OID_UCODE_SPL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.3.8");
const OID_FMC_SPL: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.3.9");
const OID_HW_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.3704.1.4");

#[derive(Clone, Copy, PartialEq, Eq)]
enum Generation {
    Milan,
    Genoa,
    Turin,
}

impl Generation {
    fn name(self) -> &'static str {
        match self {
            Generation::Milan => "Milan",
            Generation::Genoa => "Genoa",
            Generation::Turin => "Turin",
        }
    }

    fn roots(self) -> std::io::Result<ca::Chain> {
        let (ark, ask) = match self {
            Generation::Milan => (builtin::milan::ark()?, builtin::milan::ask()?),
            Generation::Genoa => (builtin::genoa::ark()?, builtin::genoa::ask()?),
            Generation::Turin => (builtin::turin::ark()?, builtin::turin::ask()?),
        };
        Ok(ca::Chain { ark, ask })
    }

    /// Decodes a TCB_VERSION word (its layout changed with Turin).
    fn tcb(self, b: [u8; 8]) -> SnpTcb {
        match self {
            Generation::Milan | Generation::Genoa => SnpTcb {
                bootloader: b[0],
                tee: b[1],
                snp: b[6],
                microcode: b[7],
                fmc: None,
            },
            Generation::Turin => SnpTcb {
                fmc: Some(b[0]),
                bootloader: b[1],
                tee: b[2],
                snp: b[3],
                microcode: b[7],
            },
        }
    }
}

fn u32_at(r: &[u8], off: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&r[off..off + 4]);
    u32::from_le_bytes(b)
}

fn array<const N: usize>(r: &[u8], off: usize) -> [u8; N] {
    let mut b = [0u8; N];
    b.copy_from_slice(&r[off..off + N]);
    b
}

/// Finds the built-in AMD root that certifies the VCEK; checks every certificate's validity.
fn chain_of_trust(vcek_der: &[u8], now: u64) -> Result<Generation, AttestError> {
    let vek = SevCertificate::from_der(vcek_der).map_err(|e| malformed("vcek", e.to_string()))?;
    let mut last = String::new();
    for generation in [Generation::Milan, Generation::Genoa, Generation::Turin] {
        let ca = generation.roots().map_err(|e| AttestError::SnpChain {
            reason: e.to_string(),
        })?;
        let chain = Chain {
            ca,
            vek: vek.clone(),
        };
        match (&chain).verify() {
            Ok(_) => {
                let certs = [chain.vek, chain.ca.ask, chain.ca.ark];
                for (index, c) in certs.into_iter().enumerate() {
                    check_validity(index, &Certificate::from(c), now)?;
                }
                return Ok(generation);
            }
            Err(e) => last = format!("{}: {e}", generation.name()),
        }
    }
    Err(AttestError::SnpChain { reason: last })
}

/// Reads an SPL extension (DER INTEGER) of the VCEK.
fn spl(vcek: &Certificate, oid: &ObjectIdentifier, what: &'static str) -> Result<u8, AttestError> {
    let raw =
        extension(vcek, oid).ok_or_else(|| malformed("vcek", format!("no {what} extension")))?;
    u8::from_der(raw).map_err(|e| malformed("vcek", format!("{what}: {e}")))
}

/// Checks the VCEK was issued for this chip and this reported TCB.
fn vcek_matches(
    vcek: &Certificate,
    generation: Generation,
    report: &[u8],
    reported: &SnpTcb,
) -> Result<(), AttestError> {
    let chip_id: [u8; 64] = array(report, 0x1A0);
    let hw_id =
        extension(vcek, &OID_HW_ID).ok_or_else(|| malformed("vcek", "no hwID extension"))?;
    // hwID is the raw chip id in the extension value (64 bytes, Turin: 8 bytes); some
    // issuers wrap it in an OCTET STRING.
    let hw_id = der::asn1::OctetStringRef::from_der(hw_id)
        .map(|o| o.as_bytes())
        .unwrap_or(hw_id);
    let expected_len = if generation == Generation::Turin {
        8
    } else {
        64
    };
    if hw_id.len() != expected_len || hw_id != &chip_id[..expected_len] {
        return Err(AttestError::VcekMismatch {
            what: "hwid",
            cert: hw_id.to_vec(),
            report: chip_id[..expected_len].to_vec(),
        });
    }
    let mut pairs = vec![
        (
            "bootloader spl",
            spl(vcek, &OID_BL_SPL, "blSPL")?,
            reported.bootloader,
        ),
        ("tee spl", spl(vcek, &OID_TEE_SPL, "teeSPL")?, reported.tee),
        ("snp spl", spl(vcek, &OID_SNP_SPL, "snpSPL")?, reported.snp),
        (
            "microcode spl",
            spl(vcek, &OID_UCODE_SPL, "ucodeSPL")?,
            reported.microcode,
        ),
    ];
    if let Some(fmc) = reported.fmc {
        pairs.push(("fmc spl", spl(vcek, &OID_FMC_SPL, "fmcSPL")?, fmc));
    }
    for (what, cert, report) in pairs {
        if cert != report {
            return Err(AttestError::VcekMismatch {
                what,
                cert: vec![cert],
                report: vec![report],
            });
        }
    }
    Ok(())
}

/// Reads one little-endian signature component (72 bytes, of which 48 are used).
fn component(raw: &[u8], off: usize) -> Result<[u8; 48], AttestError> {
    let field = &raw[off..off + 72];
    if field[48..].iter().any(|&b| b != 0) {
        return Err(malformed(
            "snp report",
            "signature component wider than 384 bits",
        ));
    }
    let mut be: [u8; 48] = array(field, 0);
    be.reverse();
    Ok(be)
}

/// Verifies the report signature with the VCEK's key.
fn check_signature(vcek: &Certificate, raw: &[u8]) -> Result<(), AttestError> {
    let key = VerifyingKey::from_sec1_bytes(
        vcek.tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    )
    .map_err(|_| malformed("vcek", "public key is not a p-384 point"))?;
    let (r, s) = (component(raw, 0x2A0)?, component(raw, 0x2E8)?);
    let sig = Signature::from_scalars(r, s)
        .map_err(|_| AttestError::BadSignature { what: "snp report" })?;
    key.verify(&raw[..SIGNED_BYTES], &sig)
        .map_err(|_| AttestError::BadSignature { what: "snp report" })
}

fn at_least(what: &'static str, got: u8, min: u8) -> Result<(), AttestError> {
    if got < min {
        return Err(AttestError::BelowMinimum {
            what,
            got: got.into(),
            min: min.into(),
        });
    }
    Ok(())
}

/// Verifies an SEV-SNP report and its VCEK.
pub(crate) fn verify(
    report: &[u8],
    vcek_der: &[u8],
    reference: &SnpReference,
    report_data: &[u8; 64],
    now: u64,
) -> Result<Outcome, AttestError> {
    if report.len() != SNP_REPORT_BYTES {
        return Err(malformed(
            "snp report",
            format!("{} bytes, expected {SNP_REPORT_BYTES}", report.len()),
        ));
    }
    bound("vcek", vcek_der, MAX_VCEK_BYTES)?;
    let version = u32_at(report, 0x00);
    if !(2..=5).contains(&version) {
        return Err(malformed(
            "snp report",
            format!("unsupported version {version}"),
        ));
    }
    let sig_algo = u32_at(report, 0x34);
    if sig_algo != 1 {
        return Err(malformed(
            "snp report",
            format!("signature algorithm {sig_algo}, expected 1 (ecdsa p-384 sha-384)"),
        ));
    }

    // Chain of trust, then signature.
    let generation = chain_of_trust(vcek_der, now)?;
    let vcek = Certificate::from_der(vcek_der).map_err(|e| malformed("vcek", e.to_string()))?;
    check_signature(&vcek, report)?;
    let reported = generation.tcb(array(report, 0x180));
    vcek_matches(&vcek, generation, report, &reported)?;

    // TCB and guest policy.
    let min = &reference.min_tcb;
    at_least("snp tcb bootloader", reported.bootloader, min.bootloader)?;
    at_least("snp tcb tee", reported.tee, min.tee)?;
    at_least("snp tcb snp", reported.snp, min.snp)?;
    at_least("snp tcb microcode", reported.microcode, min.microcode)?;
    if let Some(min_fmc) = min.fmc {
        at_least("snp tcb fmc", reported.fmc.unwrap_or(0), min_fmc)?;
    }
    let policy = u64::from_le_bytes(array(report, 0x08));
    if policy & POLICY_DEBUG != 0 && !reference.allow_debug {
        return Err(AttestError::SnpPolicy {
            policy,
            flag: "debug",
        });
    }
    if policy & POLICY_MIGRATE_MA != 0 && !reference.allow_migration_agent {
        return Err(AttestError::SnpPolicy {
            policy,
            flag: "migrate_ma",
        });
    }
    let guest_svn = u32_at(report, 0x04);
    if guest_svn < reference.min_guest_svn {
        return Err(AttestError::BelowMinimum {
            what: "snp guest svn",
            got: guest_svn.into(),
            min: reference.min_guest_svn.into(),
        });
    }
    let vmpl = u32_at(report, 0x30);
    if let Some(required) = reference.vmpl
        && vmpl != required
    {
        return Err(AttestError::Unexpected {
            what: "snp vmpl",
            got: vmpl.into(),
            expected: required.into(),
        });
    }

    // Freshness, then reference values.
    let found: [u8; 64] = array(report, 0x50);
    check_report_data(report_data, &found)?;
    let mut m = Vec::with_capacity(1);
    check_measurement(
        &mut m,
        "measurement",
        &array::<48>(report, 0x90),
        &reference.measurement,
    )?;
    Ok((
        Tcb::Amd {
            reported,
            generation: generation.name().to_string(),
        },
        m,
        found.to_vec(),
    ))
}
