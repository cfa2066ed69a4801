//! Intel TDX and SGX DCAP quotes, verified with `dcap-qvl` against Intel's SGX Root CA
//! (built into `dcap-qvl`).
//!
//! `dcap-qvl` checks: the root CA against its CRL, the TCB info and QE identity signatures and
//! issuer chains, the PCK certificate chain against the PCK CRL, the QE report signature and
//! its binding of the attestation key, the quote signature, the TCB level match, debug
//! attributes (rejected), and Revoked (rejected). This module adds: input bounds, a typed check
//! of the collateral's validity window at `now`, the TCB status policy, report data binding,
//! and the measurement allow-lists.

use dcap_qvl::QuoteCollateralV3;
use dcap_qvl::quote::Report;
use dcap_qvl::verify::QuoteVerifier;
use der::Decode;
use x509_cert::crl::CertificateList;

use crate::error::{bound, malformed};
use crate::time::parse_rfc3339_utc;
use crate::{
    AttestError, MAX_COLLATERAL_BYTES, MAX_QUOTE_BYTES, Measurement, SgxReference, Tcb, TcbStatus,
    TdxReference, check_measurement, check_report_data,
};

/// What a verified quote yields for the reference checks.
struct Verified {
    status: TcbStatus,
    advisory_ids: Vec<String>,
    report: Report,
}

/// Output of a platform verifier: TCB, measurements, freshness binding found.
type Outcome = (Tcb, Vec<Measurement>, Vec<u8>);

fn map_status(status: &str) -> Result<TcbStatus, AttestError> {
    Ok(match status {
        "UpToDate" => TcbStatus::UpToDate,
        "ConfigurationNeeded" => TcbStatus::ConfigurationNeeded,
        "SWHardeningNeeded" => TcbStatus::SwHardeningNeeded,
        "ConfigurationAndSWHardeningNeeded" => TcbStatus::ConfigurationAndSwHardeningNeeded,
        "OutOfDate" => TcbStatus::OutOfDate,
        "OutOfDateConfigurationNeeded" => TcbStatus::OutOfDateConfigurationNeeded,
        "TDRelaunchAdvised" => TcbStatus::TdRelaunchAdvised,
        "TDRelaunchAdvisedConfigurationNeeded" => TcbStatus::TdRelaunchAdvisedConfigurationNeeded,
        other => {
            return Err(AttestError::Dcap {
                reason: format!("unknown tcb status {other}"),
            });
        }
    })
}

/// Reads `issueDate` and `nextUpdate` of a signed collateral JSON body.
fn validity(what: &'static str, body: &str) -> Result<(u64, u64), AttestError> {
    let v: serde_json::Value =
        serde_json::from_str(body).map_err(|e| malformed(what, e.to_string()))?;
    let date = |field: &str| -> Result<u64, AttestError> {
        v.get(field)
            .and_then(|d| d.as_str())
            .and_then(parse_rfc3339_utc)
            .ok_or_else(|| malformed(what, format!("missing or bad {field}")))
    };
    Ok((date("issueDate")?, date("nextUpdate")?))
}

/// Valid from `issued` up to, not including, `next_update` (webpki's CRL rule, applied to all
/// items so the typed check is never looser than `dcap-qvl`'s).
fn window(what: &'static str, issued: u64, next_update: u64, now: u64) -> Result<(), AttestError> {
    if now < issued || now >= next_update {
        return Err(AttestError::CollateralExpired {
            what,
            issued,
            next_update,
            now,
        });
    }
    Ok(())
}

/// Parses the collateral and checks TCB info, QE identity and both CRLs are valid at `now`.
///
/// `dcap-qvl` checks the same windows, but reports them as text; checking here first gives
/// the chain a typed reason for the most common failure (collateral not refreshed).
fn collateral_at(collateral: &[u8], now: u64) -> Result<QuoteCollateralV3, AttestError> {
    bound("collateral", collateral, MAX_COLLATERAL_BYTES)?;
    let c: QuoteCollateralV3 =
        serde_json::from_slice(collateral).map_err(|e| malformed("collateral", e.to_string()))?;
    for (what, body) in [("tcb_info", &c.tcb_info), ("qe_identity", &c.qe_identity)] {
        let (issued, next_update) = validity(what, body)?;
        window(what, issued, next_update, now)?;
    }
    for (what, der) in [("root_ca_crl", &c.root_ca_crl), ("pck_crl", &c.pck_crl)] {
        let crl = CertificateList::from_der(der).map_err(|e| malformed(what, e.to_string()))?;
        let issued = crl.tbs_cert_list.this_update.to_unix_duration().as_secs();
        let next_update = crl
            .tbs_cert_list
            .next_update
            .ok_or_else(|| malformed(what, "no nextUpdate"))?
            .to_unix_duration()
            .as_secs();
        window(what, issued, next_update, now)?;
    }
    Ok(c)
}

/// Runs `dcap-qvl` on a quote.
fn verify_quote(quote: &[u8], collateral: &[u8], now: u64) -> Result<Verified, AttestError> {
    bound("quote", quote, MAX_QUOTE_BYTES)?;
    bound("collateral", collateral, MAX_COLLATERAL_BYTES)?;
    let collateral = collateral_at(collateral, now)?;
    let report = QuoteVerifier::new_prod()
        .verify(quote, &collateral, now)
        .map_err(|e| AttestError::Dcap {
            reason: format!("{e:#}"),
        })?;
    Ok(Verified {
        status: map_status(&report.status)?,
        advisory_ids: report.advisory_ids,
        report: report.report,
    })
}

fn check_status(allowed: &[TcbStatus], v: &Verified) -> Result<(), AttestError> {
    if !allowed.contains(&v.status) {
        return Err(AttestError::TcbStatusNotAllowed {
            status: v.status,
            advisory_ids: v.advisory_ids.clone(),
        });
    }
    Ok(())
}

/// Verifies a TDX quote (any TD report version: 1.0, 1.5, 1.5ex).
pub(crate) fn verify_tdx(
    quote: &[u8],
    collateral: &[u8],
    reference: &TdxReference,
    report_data: &[u8; 64],
    now: u64,
) -> Result<Outcome, AttestError> {
    let v = verify_quote(quote, collateral, now)?;
    let td = match &v.report {
        Report::TD10(r) => r,
        Report::TD15(r) => &r.base,
        Report::TD15Ex(r) => &r.base.base,
        Report::SgxEnclave(_) => {
            return Err(AttestError::PlatformMismatch {
                evidence: crate::Platform::Sgx,
                reference: crate::Platform::Tdx,
            });
        }
    };
    check_status(&reference.allowed_tcb_statuses, &v)?;
    check_report_data(report_data, &td.report_data)?;
    let mut m = Vec::with_capacity(5);
    check_measurement(&mut m, "mrtd", &td.mr_td, &reference.mrtd)?;
    check_measurement(&mut m, "rtmr0", &td.rt_mr0, &reference.rtmr0)?;
    check_measurement(&mut m, "rtmr1", &td.rt_mr1, &reference.rtmr1)?;
    check_measurement(&mut m, "rtmr2", &td.rt_mr2, &reference.rtmr2)?;
    check_measurement(&mut m, "rtmr3", &td.rt_mr3, &reference.rtmr3)?;
    let binding = td.report_data.to_vec();
    Ok((
        Tcb::Intel {
            status: v.status,
            advisory_ids: v.advisory_ids,
        },
        m,
        binding,
    ))
}

/// Verifies an SGX quote.
pub(crate) fn verify_sgx(
    quote: &[u8],
    collateral: &[u8],
    reference: &SgxReference,
    report_data: &[u8; 64],
    now: u64,
) -> Result<Outcome, AttestError> {
    let v = verify_quote(quote, collateral, now)?;
    let Report::SgxEnclave(e) = &v.report else {
        return Err(AttestError::PlatformMismatch {
            evidence: crate::Platform::Tdx,
            reference: crate::Platform::Sgx,
        });
    };
    check_status(&reference.allowed_tcb_statuses, &v)?;
    check_report_data(report_data, &e.report_data)?;
    let mut m = Vec::with_capacity(2);
    check_measurement(&mut m, "mrenclave", &e.mr_enclave, &reference.mrenclave)?;
    check_measurement(&mut m, "mrsigner", &e.mr_signer, &reference.mrsigner)?;
    if let Some(prod) = reference.isv_prod_id
        && e.isv_prod_id != prod
    {
        return Err(AttestError::Unexpected {
            what: "isv_prod_id",
            got: e.isv_prod_id.into(),
            expected: prod.into(),
        });
    }
    if e.isv_svn < reference.min_isv_svn {
        return Err(AttestError::BelowMinimum {
            what: "isv_svn",
            got: e.isv_svn.into(),
            min: reference.min_isv_svn.into(),
        });
    }
    let binding = e.report_data.to_vec();
    Ok((
        Tcb::Intel {
            status: v.status,
            advisory_ids: v.advisory_ids,
        },
        m,
        binding,
    ))
}
