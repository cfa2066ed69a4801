//! NVIDIA Hopper GPU attestation: SPDM 1.1 GET_MEASUREMENTS request + MEASUREMENTS response,
//! signed with the GPU's attestation key, certified by a 5-certificate chain ending at the
//! "NVIDIA Device Identity CA".
//!
//! This mirrors NVIDIA's own verifier (`nv-local-gpu-verifier` 2.7.3, `verifier/attestation/`,
//! `verifier/cc_admin_utils.py`, `verifier/nvml/gpu_cert_chains.py`):
//! - the report is the 37-byte request followed by the response;
//! - the signature is the last 96 bytes (raw `r || s`, ECDSA P-384), over SHA-384 of
//!   `request || response` without those 96 bytes;
//! - the nonce compared with the verifier's is the **request's** nonce;
//! - the chain must hold exactly 5 certificates; its last one is **replaced by the pinned
//!   root** (NVIDIA drops the GPU-supplied root and appends `verifier_device_root.pem`), then
//!   each certificate must be signed by the next, every one valid at the time of checking
//!   (OpenSSL `X509StoreContext` semantics: issuer names chain, issuers are CAs, no unknown
//!   critical extension);
//! - if the report's opaque data carries a FWID, it must equal the last 48 bytes of the leaf
//!   certificate's TCG DICE FWID extension (2.23.133.5.4.1 or 2.23.133.5.4.1.1).
//!
//! Deliberate differences, all stricter except the last: the request and response codes must
//! be GET_MEASUREMENTS (0xE0) and MEASUREMENTS (0x60); each DMTF measurement's declared size
//! must match its block size; block indexes must be distinct; the response must end exactly
//! after the signature; and opaque-data types unknown to NVIDIA's table are kept rather than
//! rejected (newer firmware adds types). The OCSP revocation check NVIDIA's verifier does
//! online is out of scope for an offline, deterministic verifier; the driver and VBIOS version
//! comparisons it makes against the local driver have no offline counterpart (the measurements
//! identify the firmware).

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use p384::ecdsa::signature::Verifier;
use p384::ecdsa::{Signature, VerifyingKey};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

use crate::cert::{check_validity, extension};
use crate::error::{bound, malformed};
use crate::{
    AttestError, MAX_CERT_CHAIN_BYTES, MAX_SPDM_REPORT_BYTES, Measurement, NvidiaReference, Tcb,
};

/// The "NVIDIA Device Identity CA" root certificate (DER), pinned: `verifier_device_root.pem`
/// from `nv-local-gpu-verifier` 2.7.3 (BSD-3-Clause). ECDSA P-384, valid 2021-11-05 to
/// 9999-12-31; SHA-256 `102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48`.
pub const NVIDIA_DEVICE_IDENTITY_CA_DER: &[u8] = include_bytes!("nvidia_device_identity_ca.der");

/// Length of the SPDM GET_MEASUREMENTS request at the start of the report.
const REQUEST_BYTES: usize = 37;
/// ECDSA P-384 raw signature length.
const SIGNATURE_BYTES: usize = 96;
/// Certificates in a Hopper attestation chain, root included.
const CHAIN_CERTS: usize = 5;
const SPDM_GET_MEASUREMENTS: u8 = 0xE0;
const SPDM_MEASUREMENTS: u8 = 0x60;
const DMTF_MEASUREMENT_SPEC: u8 = 1;
/// Opaque data type of the firmware id.
const OPAQUE_FWID: u16 = 20;

const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const TCG_DICE_FWID: [ObjectIdentifier; 2] = [
    ObjectIdentifier::new_unwrap("2.23.133.5.4.1"),
    ObjectIdentifier::new_unwrap("2.23.133.5.4.1.1"),
];
const BASIC_CONSTRAINTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.19");
const KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.15");
/// Critical extensions a verifier may accept (those OpenSSL understands and the chain uses).
const KNOWN_CRITICAL: [ObjectIdentifier; 7] = [
    BASIC_CONSTRAINTS,
    KEY_USAGE,
    ObjectIdentifier::new_unwrap("2.5.29.37"), // extended key usage
    ObjectIdentifier::new_unwrap("2.5.29.17"), // subject alternative name
    ObjectIdentifier::new_unwrap("2.5.29.14"), // subject key identifier
    ObjectIdentifier::new_unwrap("2.5.29.35"), // authority key identifier
    ObjectIdentifier::new_unwrap("2.5.29.32"), // certificate policies
];

/// One DMTF measurement block of an SPDM MEASUREMENTS response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpdmMeasurement {
    /// Block index (1-based on Hopper).
    pub index: u8,
    /// DMTF measurement value type (e.g. 0x01 immutable ROM digest ... with bit 7 = raw).
    pub value_type: u8,
    /// The measurement value (a SHA-384 digest on Hopper).
    pub value: Vec<u8>,
}

/// A parsed NVIDIA attestation report (SPDM GET_MEASUREMENTS request + response).
///
/// Parsing only checks structure; [`crate::verify`] checks the signature and the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpdmReport {
    /// SPDM version of the response (0x11 = 1.1).
    pub spdm_version: u8,
    /// The requester's nonce: the freshness binding.
    pub nonce: [u8; 32],
    /// The certificate slot the request named.
    pub slot_id: u8,
    /// The measurement blocks, in report order.
    pub measurements: Vec<SpdmMeasurement>,
    /// The responder's nonce.
    pub response_nonce: [u8; 32],
    /// Opaque data as (type, value) pairs (NVIDIA's TLV, little-endian type and size).
    pub opaque: Vec<(u16, Vec<u8>)>,
    /// Length of the signed prefix of the report (everything before the signature).
    pub signed_len: usize,
    /// The raw `r || s` signature.
    pub signature: Vec<u8>,
}

impl SpdmReport {
    /// Parses a report (request || response). Hostile bytes give a typed error.
    pub fn parse(report: &[u8]) -> Result<Self, AttestError> {
        bound("spdm report", report, MAX_SPDM_REPORT_BYTES)?;
        let mut c = Cursor {
            buf: report,
            pos: 0,
        };
        // Request: version, code, param1, param2, nonce, slot id.
        let _req_version = c.u8()?;
        let req_code = c.u8()?;
        if req_code != SPDM_GET_MEASUREMENTS {
            return Err(c.err(format!("request code {req_code:#04x}, expected 0xe0")));
        }
        let _param1 = c.u8()?;
        let _param2 = c.u8()?;
        let nonce = c.array::<32>()?;
        let slot_id = c.u8()?;
        debug_assert_eq!(c.pos, REQUEST_BYTES);

        // Response header.
        let spdm_version = c.u8()?;
        let code = c.u8()?;
        if code != SPDM_MEASUREMENTS {
            return Err(c.err(format!("response code {code:#04x}, expected 0x60")));
        }
        let _param1 = c.u8()?;
        let _param2 = c.u8()?;
        let blocks = c.u8()?;
        if blocks == 0 {
            return Err(c.err("no measurement blocks"));
        }
        let record_len = c.u24()?;
        let record = c.take(record_len)?;
        let measurements = parse_record(record, blocks, c.pos - record_len)?;
        let response_nonce = c.array::<32>()?;
        let opaque_len = usize::from(c.u16()?);
        let opaque_start = c.pos;
        let opaque = parse_opaque(c.take(opaque_len)?, opaque_start)?;
        let signed_len = c.pos;
        let signature = c.take(SIGNATURE_BYTES)?.to_vec();
        if c.pos != report.len() {
            return Err(c.err(format!(
                "{} bytes after the signature",
                report.len() - c.pos
            )));
        }
        Ok(SpdmReport {
            spdm_version,
            nonce,
            slot_id,
            measurements,
            response_nonce,
            opaque,
            signed_len,
            signature,
        })
    }

    /// The value of opaque field `kind`, if present.
    pub fn opaque_field(&self, kind: u16) -> Option<&[u8]> {
        self.opaque
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, v)| v.as_slice())
    }
}

/// A bounds-checked reader over the report.
struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn err(&self, reason: impl std::fmt::Display) -> AttestError {
        malformed("spdm report", format!("at offset {}: {reason}", self.pos))
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], AttestError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or_else(|| {
                self.err(format!(
                    "truncated: need {n} bytes, {} left",
                    self.buf.len() - self.pos
                ))
            })?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], AttestError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8, AttestError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, AttestError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u24(&mut self) -> Result<usize, AttestError> {
        let [a, b, c] = self.array::<3>()?;
        Ok(usize::from(a) | usize::from(b) << 8 | usize::from(c) << 16)
    }
}

/// Parses the measurement record: `blocks` DMTF blocks, exactly filling it.
fn parse_record(
    record: &[u8],
    blocks: u8,
    base: usize,
) -> Result<Vec<SpdmMeasurement>, AttestError> {
    let mut c = Cursor {
        buf: record,
        pos: 0,
    };
    let at = |c: &Cursor, reason: String| {
        malformed(
            "spdm report",
            format!("measurement record at offset {}: {reason}", base + c.pos),
        )
    };
    let mut out: Vec<SpdmMeasurement> = Vec::with_capacity(usize::from(blocks));
    for _ in 0..blocks {
        let index = c.u8()?;
        let spec = c.u8()?;
        if spec != DMTF_MEASUREMENT_SPEC {
            return Err(at(
                &c,
                format!("block {index} specification {spec}, expected 1 (dmtf)"),
            ));
        }
        let size = usize::from(c.u16()?);
        let block = c.take(size)?;
        let mut b = Cursor { buf: block, pos: 0 };
        let value_type = b.u8()?;
        let value_size = usize::from(b.u16()?);
        if value_size + 3 != size {
            return Err(at(
                &c,
                format!("block {index} value size {value_size} does not fill block size {size}"),
            ));
        }
        let value = b.take(value_size)?.to_vec();
        if out.iter().any(|m| m.index == index) {
            return Err(at(&c, format!("duplicate block index {index}")));
        }
        out.push(SpdmMeasurement {
            index,
            value_type,
            value,
        });
    }
    if c.pos != record.len() {
        return Err(at(
            &c,
            format!("{} bytes after the last block", record.len() - c.pos),
        ));
    }
    Ok(out)
}

/// Parses opaque data: little-endian (type u16, size u16, value) entries exactly filling it.
fn parse_opaque(data: &[u8], base: usize) -> Result<Vec<(u16, Vec<u8>)>, AttestError> {
    let mut c = Cursor { buf: data, pos: 0 };
    let mut out = Vec::new();
    while c.pos < data.len() {
        let kind = c.u16()?;
        let size = usize::from(c.u16()?);
        let value = c.take(size).map_err(|_| {
            malformed(
                "spdm report",
                format!(
                    "opaque field {kind} at offset {} overruns opaque data",
                    base + c.pos
                ),
            )
        })?;
        out.push((kind, value.to_vec()));
    }
    Ok(out)
}

/// Parses the PEM chain and puts the pinned root in place of the supplied one.
fn parse_chain(pem: &[u8]) -> Result<Vec<Certificate>, AttestError> {
    bound("cert chain", pem, MAX_CERT_CHAIN_BYTES)?;
    let mut certs =
        Certificate::load_pem_chain(pem).map_err(|e| malformed("cert chain", e.to_string()))?;
    if certs.len() != CHAIN_CERTS {
        return Err(malformed(
            "cert chain",
            format!("{} certificates, expected {CHAIN_CERTS}", certs.len()),
        ));
    }
    let root = Certificate::from_der(NVIDIA_DEVICE_IDENTITY_CA_DER)
        .map_err(|e| malformed("pinned root", e.to_string()))?;
    certs[CHAIN_CERTS - 1] = root;
    Ok(certs)
}

/// The P-384 key of a certificate.
fn p384_key(index: usize, cert: &Certificate) -> Result<VerifyingKey, AttestError> {
    VerifyingKey::from_sec1_bytes(
        cert.tbs_certificate
            .subject_public_key_info
            .subject_public_key
            .raw_bytes(),
    )
    .map_err(|_| AttestError::Certificate {
        index,
        reason: "public key is not a p-384 point".into(),
    })
}

/// Checks the chain leaf → pinned root; returns the leaf's key.
fn check_chain(certs: &[Certificate], now: u64) -> Result<VerifyingKey, AttestError> {
    for (index, cert) in certs.iter().enumerate() {
        let fail = |reason: String| AttestError::Certificate { index, reason };
        check_validity(index, cert, now)?;
        for e in cert.tbs_certificate.extensions.iter().flatten() {
            if e.critical && !KNOWN_CRITICAL.contains(&e.extn_id) {
                return Err(fail(format!("unknown critical extension {}", e.extn_id)));
            }
        }
        if index > 0 {
            // An issuer: must be a CA allowed to sign certificates, within its path length.
            let bc = extension(cert, &BASIC_CONSTRAINTS)
                .map(BasicConstraints::from_der)
                .transpose()
                .map_err(|e| fail(format!("basic constraints: {e}")))?;
            let Some(bc) = bc.filter(|bc| bc.ca) else {
                return Err(fail("issuer is not a ca".into()));
            };
            if let Some(max) = bc.path_len_constraint
                && index - 1 > usize::from(max)
            {
                return Err(fail(format!(
                    "path length {} exceeds constraint {max}",
                    index - 1
                )));
            }
            if let Some(ku) = extension(cert, &KEY_USAGE) {
                let ku = KeyUsage::from_der(ku).map_err(|e| fail(format!("key usage: {e}")))?;
                if !ku.0.contains(KeyUsages::KeyCertSign) {
                    return Err(fail("issuer key usage lacks keyCertSign".into()));
                }
            }
        }
        let Some(issuer) = certs.get(index + 1) else {
            // The pinned root: trusted as configured, like an OpenSSL store anchor.
            continue;
        };
        if cert.tbs_certificate.issuer != issuer.tbs_certificate.subject {
            return Err(fail(format!(
                "issuer {} is not the next certificate's subject {}",
                cert.tbs_certificate.issuer, issuer.tbs_certificate.subject
            )));
        }
        if cert.signature_algorithm.oid != ECDSA_WITH_SHA384
            || cert.tbs_certificate.signature.oid != ECDSA_WITH_SHA384
        {
            return Err(fail(format!(
                "signature algorithm {}, expected ecdsa-with-sha384",
                cert.signature_algorithm.oid
            )));
        }
        let key = p384_key(index + 1, issuer)?;
        let sig = cert
            .signature
            .as_bytes()
            .and_then(|b| Signature::from_der(b).ok())
            .ok_or_else(|| fail("signature is not a der ecdsa signature".into()))?;
        let tbs = cert
            .tbs_certificate
            .to_der()
            .map_err(|e| fail(format!("re-encoding: {e}")))?;
        key.verify(&tbs, &sig)
            .map_err(|_| fail("signature by the next certificate does not verify".into()))?;
    }
    match certs.first() {
        Some(leaf) => p384_key(0, leaf),
        None => Err(malformed("cert chain", "empty")),
    }
}

/// The leaf certificate's FWID: the last 48 bytes of the TCG DICE FWID extension.
fn cert_fwid(leaf: &Certificate) -> Vec<u8> {
    TCG_DICE_FWID
        .iter()
        .find_map(|oid| extension(leaf, oid))
        .map(|v| v[v.len().saturating_sub(48)..].to_vec())
        .unwrap_or_default()
}

/// Verifies an NVIDIA attestation report against its chain and the challenge nonce.
pub(crate) fn verify(
    report: &[u8],
    cert_chain: &[u8],
    reference: &NvidiaReference,
    nonce: &[u8; 32],
    now: u64,
) -> Result<(Tcb, Vec<Measurement>, Vec<u8>), AttestError> {
    // Bound both inputs before parsing either.
    bound("spdm report", report, MAX_SPDM_REPORT_BYTES)?;
    bound("cert chain", cert_chain, MAX_CERT_CHAIN_BYTES)?;
    let parsed = SpdmReport::parse(report)?;
    let certs = parse_chain(cert_chain)?;
    let key = check_chain(&certs, now)?;

    // Signature: last 96 bytes, over everything before them.
    let sig = Signature::from_slice(&parsed.signature).map_err(|_| AttestError::BadSignature {
        what: "spdm report",
    })?;
    key.verify(&report[..parsed.signed_len], &sig)
        .map_err(|_| AttestError::BadSignature {
            what: "spdm report",
        })?;

    // The certificate must be for the firmware that signed.
    let fwid = parsed
        .opaque_field(OPAQUE_FWID)
        .filter(|f| !f.is_empty())
        .map(<[u8]>::to_vec);
    if let Some(report_fwid) = &fwid {
        let cert = certs.first().map(cert_fwid).unwrap_or_default();
        if &cert != report_fwid {
            return Err(AttestError::FwidMismatch {
                report: report_fwid.clone(),
                cert,
            });
        }
    }

    // Freshness.
    if &parsed.nonce != nonce {
        return Err(AttestError::NonceMismatch {
            expected: *nonce,
            got: parsed.nonce,
        });
    }

    // Reference values.
    for r in &reference.measurements {
        let name = format!("index {}", r.index);
        let found = parsed
            .measurements
            .iter()
            .find(|m| m.index == r.index)
            .ok_or_else(|| AttestError::MeasurementMissing { name: name.clone() })?;
        if !r.allowed.contains(&found.value) {
            return Err(AttestError::MeasurementMismatch {
                name,
                got: found.value.clone(),
            });
        }
    }
    let measurements = parsed
        .measurements
        .iter()
        .map(|m| Measurement {
            name: format!("index {}", m.index),
            value: m.value.clone(),
            checked: reference.measurements.iter().any(|r| r.index == m.index),
        })
        .collect();
    Ok((Tcb::Nvidia { fwid }, measurements, parsed.nonce.to_vec()))
}
