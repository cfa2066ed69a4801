//! Verification of the vendors' real sample evidence: each platform passes with reference
//! values taken from its sample, and fails on tampering, a wrong nonce, wrong reference
//! values, stale collateral or a broken chain.

mod common;

use aigov_attest::*;
use common::*;

fn tdx_refs() -> ReferenceValues {
    ReferenceValues::Tdx(tdx_reference())
}
fn sgx_refs() -> ReferenceValues {
    ReferenceValues::Sgx(sgx_reference())
}
fn snp_refs() -> ReferenceValues {
    ReferenceValues::SevSnp(snp_reference())
}
fn nvidia_refs() -> ReferenceValues {
    ReferenceValues::NvidiaSpdm(nvidia_reference())
}
fn nvidia_nonce() -> Freshness {
    Freshness::Nonce(h(NVIDIA_NONCE))
}

/// Applies `f` to the first field of the evidence (quote or report).
fn with_first(mut e: Evidence, f: impl FnOnce(&mut Vec<u8>)) -> Evidence {
    match &mut e {
        Evidence::TdxQuote { quote: a, .. }
        | Evidence::SgxQuote { quote: a, .. }
        | Evidence::SevSnp { report: a, .. }
        | Evidence::NvidiaSpdm { report: a, .. } => f(a),
    }
    e
}

/// Applies `f` to the second field of the evidence (collateral, VCEK or chain).
fn with_second(mut e: Evidence, f: impl FnOnce(&mut Vec<u8>)) -> Evidence {
    match &mut e {
        Evidence::TdxQuote { collateral: b, .. }
        | Evidence::SgxQuote { collateral: b, .. }
        | Evidence::SevSnp { vcek_der: b, .. }
        | Evidence::NvidiaSpdm { cert_chain: b, .. } => f(b),
    }
    e
}

fn flip(at: usize) -> impl FnOnce(&mut Vec<u8>) {
    move |b: &mut Vec<u8>| b[at] ^= 0x01
}

// ---------------------------------------------------------------- passing cases

#[test]
fn tdx_sample_verifies_up_to_date() {
    let v = verify(&tdx(), &tdx_refs(), &report_data(TDX_REPORT_DATA), NOW).unwrap();
    assert_eq!(v.platform, Platform::Tdx);
    assert_eq!(
        v.tcb,
        Tcb::Intel {
            status: TcbStatus::UpToDate,
            advisory_ids: vec![]
        }
    );
    let names: Vec<_> = v
        .measurements
        .iter()
        .map(|m| (m.name.as_str(), m.checked))
        .collect();
    assert_eq!(
        names,
        [
            ("mrtd", true),
            ("rtmr0", true),
            ("rtmr1", true),
            ("rtmr2", true),
            ("rtmr3", false)
        ]
    );
    assert_eq!(v.binding, h::<64>(TDX_REPORT_DATA));
    assert_eq!(v.evidence_digest, tdx().digest());
}

#[test]
fn sgx_sample_verifies_with_explicit_status_exception() {
    let v = verify(&sgx(), &sgx_refs(), &report_data(SGX_REPORT_DATA), NOW).unwrap();
    assert_eq!(
        v.tcb,
        Tcb::Intel {
            status: TcbStatus::ConfigurationAndSwHardeningNeeded,
            advisory_ids: vec!["INTEL-SA-00289".into(), "INTEL-SA-00615".into()]
        }
    );
    assert!(v.measurements.iter().all(|m| m.checked));
}

#[test]
fn snp_sample_verifies_to_milan_root() {
    let v = verify(&snp(), &snp_refs(), &report_data(SNP_REPORT_DATA), NOW).unwrap();
    assert_eq!(
        v.tcb,
        Tcb::Amd {
            reported: snp_reference().min_tcb,
            generation: "Milan".into()
        }
    );
    assert_eq!(v.measurements.len(), 1);
}

#[test]
fn nvidia_sample_verifies_to_pinned_root() {
    let v = verify(&nvidia(), &nvidia_refs(), &nvidia_nonce(), NOW).unwrap();
    assert_eq!(v.measurements.len(), 64);
    assert_eq!(v.measurements.iter().filter(|m| m.checked).count(), 3);
    let Tcb::Nvidia { fwid: Some(fwid) } = v.tcb else {
        panic!("no fwid")
    };
    assert_eq!(fwid.len(), 48);
    assert_eq!(v.binding, h::<32>(NVIDIA_NONCE));
}

#[test]
fn verification_is_deterministic() {
    let a = verify(&nvidia(), &nvidia_refs(), &nvidia_nonce(), NOW).unwrap();
    let b = verify(&nvidia(), &nvidia_refs(), &nvidia_nonce(), NOW).unwrap();
    assert_eq!(a, b);
}

// ---------------------------------------------------------------- one-byte tampering

#[test]
fn tdx_tampered_mrtd_fails_signature() {
    // Header 48 bytes + TD report offset 136 = MRTD.
    let e = with_first(tdx(), flip(48 + 136));
    let err = verify(&e, &tdx_refs(), &report_data(TDX_REPORT_DATA), NOW).unwrap_err();
    assert!(matches!(err, AttestError::Dcap { .. }), "{err}");
}

#[test]
fn sgx_tampered_mrenclave_fails_signature() {
    let e = with_first(sgx(), flip(48 + 64));
    let err = verify(&e, &sgx_refs(), &report_data(SGX_REPORT_DATA), NOW).unwrap_err();
    assert!(matches!(err, AttestError::Dcap { .. }), "{err}");
}

#[test]
fn dcap_tampered_collateral_fails() {
    // Change one character of the signed TCB info body.
    let e = with_second(tdx(), |c| {
        let s = String::from_utf8(c.clone()).unwrap();
        *c = s
            .replacen("\\\"tcbType\\\":0", "\\\"tcbType\\\":1", 1)
            .into_bytes();
    });
    assert_ne!(e, tdx());
    let err = verify(&e, &tdx_refs(), &report_data(TDX_REPORT_DATA), NOW).unwrap_err();
    assert!(matches!(err, AttestError::Dcap { .. }), "{err}");
}

#[test]
fn snp_tampered_measurement_fails_signature() {
    let e = with_first(snp(), flip(0x90));
    let err = verify(&e, &snp_refs(), &report_data(SNP_REPORT_DATA), NOW).unwrap_err();
    assert_eq!(err, AttestError::BadSignature { what: "snp report" });
}

#[test]
fn snp_tampered_vcek_fails_chain() {
    // A byte inside the VCEK's signed body (its public key).
    let e = with_second(snp(), |c| {
        let n = c.len();
        c[n - 200] ^= 0x01;
    });
    let err = verify(&e, &snp_refs(), &report_data(SNP_REPORT_DATA), NOW).unwrap_err();
    assert!(
        matches!(
            err,
            AttestError::SnpChain { .. } | AttestError::Malformed { .. }
        ),
        "{err}"
    );
}

#[test]
fn nvidia_tampered_measurement_fails_signature() {
    // Request 37 + response header 8 + block header 4 + DMTF header 3: first value byte of
    // block 1.
    let e = with_first(nvidia(), flip(37 + 8 + 4 + 3));
    let err = verify(&e, &nvidia_refs(), &nvidia_nonce(), NOW).unwrap_err();
    assert_eq!(
        err,
        AttestError::BadSignature {
            what: "spdm report"
        }
    );
}

#[test]
fn nvidia_tampered_request_nonce_fails_signature() {
    // The signature covers the request too: changing the nonce breaks it before the nonce
    // is even compared.
    let e = with_first(nvidia(), flip(4));
    let err = verify(&e, &nvidia_refs(), &nvidia_nonce(), NOW).unwrap_err();
    assert_eq!(
        err,
        AttestError::BadSignature {
            what: "spdm report"
        }
    );
}

// ---------------------------------------------------------------- nonce binding

#[test]
fn chain_nonce_binds_through_report_data_for() {
    let nonce = [0x42; 32];
    for (e, r) in [
        (tdx(), tdx_refs()),
        (sgx(), sgx_refs()),
        (snp(), snp_refs()),
    ] {
        let err = verify(&e, &r, &Freshness::Nonce(nonce), NOW).unwrap_err();
        let AttestError::ReportDataMismatch { expected, got } = err else {
            panic!("{err}")
        };
        assert_eq!(*expected, report_data_for(&nonce));
        assert_ne!(*got, report_data_for(&nonce));
    }
}

#[test]
fn wrong_report_data_fails_for_tdx_sgx_snp() {
    let mut wrong: [u8; 64] = h(TDX_REPORT_DATA);
    wrong[63] ^= 1;
    let f = Freshness::ReportData(Box::new(wrong));
    for (e, r) in [
        (tdx(), tdx_refs()),
        (sgx(), sgx_refs()),
        (snp(), snp_refs()),
    ] {
        let err = verify(&e, &r, &f, NOW).unwrap_err();
        assert!(
            matches!(err, AttestError::ReportDataMismatch { .. }),
            "{err}"
        );
    }
}

#[test]
fn nvidia_wrong_nonce_fails() {
    let mut wrong: [u8; 32] = h(NVIDIA_NONCE);
    wrong[0] ^= 1;
    let err = verify(&nvidia(), &nvidia_refs(), &Freshness::Nonce(wrong), NOW).unwrap_err();
    assert_eq!(
        err,
        AttestError::NonceMismatch {
            expected: wrong,
            got: h(NVIDIA_NONCE)
        }
    );
}

#[test]
fn nvidia_rejects_report_data_binding() {
    let err = verify(
        &nvidia(),
        &nvidia_refs(),
        &report_data(SNP_REPORT_DATA),
        NOW,
    )
    .unwrap_err();
    assert_eq!(
        err,
        AttestError::FreshnessKind {
            platform: Platform::NvidiaSpdm
        }
    );
}

// ---------------------------------------------------------------- reference values

#[test]
fn tdx_mrtd_mismatch_fails() {
    let mut r = tdx_reference();
    r.mrtd = AllowList::OneOf(vec![[0; 48]]);
    let err = verify(
        &tdx(),
        &ReferenceValues::Tdx(r),
        &report_data(TDX_REPORT_DATA),
        NOW,
    )
    .unwrap_err();
    assert!(
        matches!(err, AttestError::MeasurementMismatch { ref name, .. } if name == "mrtd"),
        "{err}"
    );
}

#[test]
fn tdx_empty_allow_list_accepts_nothing() {
    let mut r = tdx_reference();
    r.rtmr3 = AllowList::OneOf(vec![]);
    let err = verify(
        &tdx(),
        &ReferenceValues::Tdx(r),
        &report_data(TDX_REPORT_DATA),
        NOW,
    )
    .unwrap_err();
    assert!(
        matches!(err, AttestError::MeasurementMismatch { ref name, .. } if name == "rtmr3"),
        "{err}"
    );
}

#[test]
fn sgx_mrsigner_mismatch_fails() {
    let mut r = sgx_reference();
    r.mrsigner = AllowList::OneOf(vec![[1; 32]]);
    let err = verify(
        &sgx(),
        &ReferenceValues::Sgx(r),
        &report_data(SGX_REPORT_DATA),
        NOW,
    )
    .unwrap_err();
    assert!(
        matches!(err, AttestError::MeasurementMismatch { ref name, .. } if name == "mrsigner"),
        "{err}"
    );
}

#[test]
fn sgx_strict_tcb_policy_rejects_sample() {
    let mut r = sgx_reference();
    r.allowed_tcb_statuses = vec![TcbStatus::UpToDate];
    let err = verify(
        &sgx(),
        &ReferenceValues::Sgx(r),
        &report_data(SGX_REPORT_DATA),
        NOW,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            AttestError::TcbStatusNotAllowed {
                status: TcbStatus::ConfigurationAndSwHardeningNeeded,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn sgx_min_isv_svn_enforced() {
    let mut r = sgx_reference();
    r.min_isv_svn = 1;
    let err = verify(
        &sgx(),
        &ReferenceValues::Sgx(r),
        &report_data(SGX_REPORT_DATA),
        NOW,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            AttestError::BelowMinimum {
                what: "isv_svn",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn snp_measurement_mismatch_fails() {
    let mut r = snp_reference();
    r.measurement = AllowList::OneOf(vec![[0; 48]]);
    let err = verify(
        &snp(),
        &ReferenceValues::SevSnp(r),
        &report_data(SNP_REPORT_DATA),
        NOW,
    )
    .unwrap_err();
    assert!(
        matches!(err, AttestError::MeasurementMismatch { ref name, .. } if name == "measurement"),
        "{err}"
    );
}

#[test]
fn snp_minimum_tcb_enforced() {
    let mut r = snp_reference();
    r.min_tcb.microcode = 116;
    let err = verify(
        &snp(),
        &ReferenceValues::SevSnp(r),
        &report_data(SNP_REPORT_DATA),
        NOW,
    )
    .unwrap_err();
    assert_eq!(
        err,
        AttestError::BelowMinimum {
            what: "snp tcb microcode",
            got: 115,
            min: 116
        }
    );
}

#[test]
fn nvidia_measurement_mismatch_fails() {
    let mut r = nvidia_reference();
    r.measurements[1].allowed = vec![vec![0; 48]];
    let err = verify(
        &nvidia(),
        &ReferenceValues::NvidiaSpdm(r),
        &nvidia_nonce(),
        NOW,
    )
    .unwrap_err();
    assert!(
        matches!(err, AttestError::MeasurementMismatch { ref name, .. } if name == "index 3"),
        "{err}"
    );
}

#[test]
fn nvidia_missing_index_fails() {
    let mut r = nvidia_reference();
    r.measurements.push(NvidiaMeasurementReference {
        index: 200,
        allowed: vec![],
    });
    let err = verify(
        &nvidia(),
        &ReferenceValues::NvidiaSpdm(r),
        &nvidia_nonce(),
        NOW,
    )
    .unwrap_err();
    assert_eq!(
        err,
        AttestError::MeasurementMissing {
            name: "index 200".into()
        }
    );
}

#[test]
fn platform_mismatch_fails() {
    let err = verify(&tdx(), &sgx_refs(), &report_data(TDX_REPORT_DATA), NOW).unwrap_err();
    assert_eq!(
        err,
        AttestError::PlatformMismatch {
            evidence: Platform::Tdx,
            reference: Platform::Sgx
        }
    );
}

// ---------------------------------------------------------------- time

/// TCB info nextUpdate of the TDX sample: 2025-07-19T10:16:03Z.
const TDX_TCB_NEXT_UPDATE: u64 = 1_752_920_163;

#[test]
fn tdx_expired_collateral_fails() {
    let now = TDX_TCB_NEXT_UPDATE + 1;
    let err = verify(&tdx(), &tdx_refs(), &report_data(TDX_REPORT_DATA), now).unwrap_err();
    assert!(
        matches!(
            err,
            AttestError::CollateralExpired {
                what: "tcb_info",
                next_update: TDX_TCB_NEXT_UPDATE,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn tdx_expired_crl_fails() {
    // The sample's PCK CRL expires first, at 2025-07-19T10:00:35Z.
    let next_update = 1_752_919_235;
    verify(
        &tdx(),
        &tdx_refs(),
        &report_data(TDX_REPORT_DATA),
        next_update - 1,
    )
    .unwrap();
    let err = verify(
        &tdx(),
        &tdx_refs(),
        &report_data(TDX_REPORT_DATA),
        next_update,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            AttestError::CollateralExpired {
                what: "pck_crl" | "root_ca_crl",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn sgx_expired_collateral_fails() {
    // SGX sample: TCB info valid to 2025-07-19T10:56:11Z.
    let now = 1_752_922_571 + 1;
    let err = verify(&sgx(), &sgx_refs(), &report_data(SGX_REPORT_DATA), now).unwrap_err();
    assert!(
        matches!(err, AttestError::CollateralExpired { .. }),
        "{err}"
    );
}

#[test]
fn dcap_collateral_not_yet_issued_fails() {
    let now = 1_735_689_600; // 2025-01-01
    let err = verify(&tdx(), &tdx_refs(), &report_data(TDX_REPORT_DATA), now).unwrap_err();
    assert!(
        matches!(err, AttestError::CollateralExpired { .. }),
        "{err}"
    );
}

#[test]
fn snp_vcek_expired_fails() {
    let now = 1_900_000_000; // 2030-03-17 .. VCEK valid to 2030-04-03; ARK/ASK to 2045
    verify(&snp(), &snp_refs(), &report_data(SNP_REPORT_DATA), now).unwrap();
    let now = 1_902_000_000; // 2030-04-09
    let err = verify(&snp(), &snp_refs(), &report_data(SNP_REPORT_DATA), now).unwrap_err();
    assert!(
        matches!(err, AttestError::CertificateExpired { index: 0, .. }),
        "{err}"
    );
}

#[test]
fn nvidia_chain_not_yet_valid_fails() {
    let now = 1_600_000_000; // 2020-09-13, before the leaf's notBefore (2020-10-17)
    let err = verify(&nvidia(), &nvidia_refs(), &nvidia_nonce(), now).unwrap_err();
    assert!(
        matches!(err, AttestError::CertificateExpired { index: 0, .. }),
        "{err}"
    );
}

// ---------------------------------------------------------------- certificate chains

fn pem_blocks(chain: &[u8]) -> Vec<String> {
    let s = String::from_utf8(chain.to_vec()).unwrap();
    s.split_inclusive("-----END CERTIFICATE-----")
        .map(|b| b.trim().to_string())
        .filter(|b| b.starts_with("-----BEGIN"))
        .collect()
}

#[test]
fn nvidia_swapped_certificates_fail() {
    let e = with_second(nvidia(), |c| {
        let mut blocks = pem_blocks(c);
        blocks.swap(1, 2);
        *c = blocks.join("\n").into_bytes();
    });
    let err = verify(&e, &nvidia_refs(), &nvidia_nonce(), NOW).unwrap_err();
    assert!(
        matches!(err, AttestError::Certificate { index: 0, .. }),
        "{err}"
    );
}

#[test]
fn nvidia_chain_of_four_fails() {
    let e = with_second(nvidia(), |c| {
        let blocks = pem_blocks(c);
        *c = blocks[..4].join("\n").into_bytes();
    });
    let err = verify(&e, &nvidia_refs(), &nvidia_nonce(), NOW).unwrap_err();
    assert!(
        matches!(
            err,
            AttestError::Malformed {
                what: "cert chain",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn nvidia_supplied_root_is_replaced_by_pinned_root() {
    // Like NVIDIA's verifier, the GPU-supplied root is dropped: a self-made root in its place
    // changes nothing, because the chain is checked up to the pinned root.
    let e = with_second(nvidia(), |c| {
        let mut blocks = pem_blocks(c);
        blocks[4] = blocks[3].clone();
        *c = blocks.join("\n").into_bytes();
    });
    verify(&e, &nvidia_refs(), &nvidia_nonce(), NOW).unwrap();
}

#[test]
fn nvidia_leaf_from_another_issuer_fails() {
    // Replace the leaf with the intermediate above it: the report's signature no longer
    // matches the key, and the FWID no longer matches.
    let e = with_second(nvidia(), |c| {
        let mut blocks = pem_blocks(c);
        blocks[0] = blocks[1].clone();
        *c = blocks.join("\n").into_bytes();
    });
    let err = verify(&e, &nvidia_refs(), &nvidia_nonce(), NOW).unwrap_err();
    assert!(
        matches!(err, AttestError::Certificate { index: 0, .. }),
        "{err}"
    );
}

#[test]
fn pinned_root_is_nvidia_device_identity_ca() {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(NVIDIA_DEVICE_IDENTITY_CA_DER);
    assert_eq!(
        hex::encode(digest),
        "102bf659d5419614c9d8e6aecebc80454eb26b1df6a769ac720b9a690b167b48"
    );
}
