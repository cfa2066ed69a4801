//! X.509 helpers shared by the SEV-SNP and NVIDIA verifiers.

use der::asn1::ObjectIdentifier;
use x509_cert::Certificate;

use crate::AttestError;

/// Checks `not_before <= now <= not_after` for certificate `index` of a chain (leaf = 0).
pub(crate) fn check_validity(
    index: usize,
    cert: &Certificate,
    now: u64,
) -> Result<(), AttestError> {
    let v = &cert.tbs_certificate.validity;
    let not_before = v.not_before.to_unix_duration().as_secs();
    let not_after = v.not_after.to_unix_duration().as_secs();
    if now < not_before || now > not_after {
        return Err(AttestError::CertificateExpired {
            index,
            not_before,
            not_after,
            now,
        });
    }
    Ok(())
}

/// The value (content of extnValue) of the extension `oid`, if present.
pub(crate) fn extension<'a>(cert: &'a Certificate, oid: &ObjectIdentifier) -> Option<&'a [u8]> {
    cert.tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| &e.extn_id == oid)
        .map(|e| e.extn_value.as_bytes())
}
