//! Hostile input: empty, truncated, oversized and random bytes give typed errors, never
//! panics, for every evidence kind and every field.

mod common;

use aigov_attest::*;
use common::*;
use proptest::prelude::*;

fn refs_for(e: &Evidence) -> ReferenceValues {
    match e {
        Evidence::TdxQuote { .. } => ReferenceValues::Tdx(tdx_reference()),
        Evidence::SgxQuote { .. } => ReferenceValues::Sgx(sgx_reference()),
        Evidence::SevSnp { .. } => ReferenceValues::SevSnp(snp_reference()),
        Evidence::NvidiaSpdm { .. } => ReferenceValues::NvidiaSpdm(nvidia_reference()),
    }
}

/// Runs verification with the sample's own binding; any outcome but a panic is fine.
fn run(e: &Evidence) -> Result<Verdict, AttestError> {
    let freshness = match e {
        Evidence::TdxQuote { .. } => report_data(TDX_REPORT_DATA),
        Evidence::SgxQuote { .. } => report_data(SGX_REPORT_DATA),
        Evidence::SevSnp { .. } => report_data(SNP_REPORT_DATA),
        Evidence::NvidiaSpdm { .. } => Freshness::Nonce(h(NVIDIA_NONCE)),
    };
    verify(e, &refs_for(e), &freshness, NOW)
}

fn samples() -> [Evidence; 4] {
    [tdx(), sgx(), snp(), nvidia()]
}

fn fields(e: &mut Evidence) -> (&mut Vec<u8>, &mut Vec<u8>) {
    match e {
        Evidence::TdxQuote { quote, collateral } | Evidence::SgxQuote { quote, collateral } => {
            (quote, collateral)
        }
        Evidence::SevSnp { report, vcek_der } => (report, vcek_der),
        Evidence::NvidiaSpdm { report, cert_chain } => (report, cert_chain),
    }
}

#[test]
fn empty_fields_are_typed_errors() {
    for sample in samples() {
        for which in 0..2 {
            let mut e = sample.clone();
            let (a, b) = fields(&mut e);
            if which == 0 {
                a.clear()
            } else {
                b.clear()
            }
            let err = run(&e).unwrap_err();
            assert!(
                matches!(err, AttestError::Malformed { .. }),
                "{:?} field {which}: {err}",
                e.platform()
            );
        }
    }
}

#[test]
fn truncated_fields_are_typed_errors() {
    for sample in samples() {
        for which in 0..2 {
            for keep in [1usize, 37, 90] {
                let mut e = sample.clone();
                let (a, b) = fields(&mut e);
                let f = if which == 0 { a } else { b };
                let n = (f.len() * keep / 101).max(1);
                f.truncate(n);
                assert!(
                    run(&e).is_err(),
                    "{:?} field {which} truncated to {n}",
                    e.platform()
                );
            }
        }
    }
}

#[test]
fn oversized_fields_are_rejected_before_parsing() {
    let huge = |max: usize| vec![0u8; max + 1];
    let cases = [
        (
            Evidence::TdxQuote {
                quote: huge(MAX_QUOTE_BYTES),
                collateral: fixture("tdx_quote_collateral.json"),
            },
            MAX_QUOTE_BYTES,
        ),
        (
            Evidence::TdxQuote {
                quote: fixture("tdx_quote"),
                collateral: huge(MAX_COLLATERAL_BYTES),
            },
            MAX_COLLATERAL_BYTES,
        ),
        (
            Evidence::SgxQuote {
                quote: huge(MAX_QUOTE_BYTES),
                collateral: fixture("sgx_quote_collateral.json"),
            },
            MAX_QUOTE_BYTES,
        ),
        (
            Evidence::NvidiaSpdm {
                report: huge(MAX_SPDM_REPORT_BYTES),
                cert_chain: fixture("hopperCertChain.txt"),
            },
            MAX_SPDM_REPORT_BYTES,
        ),
        (
            Evidence::NvidiaSpdm {
                report: vec![0xE0; 64],
                cert_chain: huge(MAX_CERT_CHAIN_BYTES),
            },
            MAX_CERT_CHAIN_BYTES,
        ),
    ];
    for (e, max) in cases {
        let err = run(&e).unwrap_err();
        assert!(
            matches!(err, AttestError::TooLarge { max: m, .. } if m == max),
            "{err}"
        );
    }
    // SEV-SNP reports have one size; the VCEK is bounded.
    let mut e = snp();
    fields(&mut e).0.push(0);
    assert!(matches!(
        run(&e).unwrap_err(),
        AttestError::Malformed {
            what: "snp report",
            ..
        }
    ));
    let mut e = snp();
    *fields(&mut e).1 = huge(MAX_VCEK_BYTES);
    assert!(matches!(run(&e).unwrap_err(), AttestError::TooLarge { .. }));
}

#[test]
fn errors_name_the_offending_values() {
    let err = SpdmReport::parse(&[0x11, 0x42]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed spdm report: at offset 2: request code 0x42, expected 0xe0"
    );
    let err = SpdmReport::parse(&[0x11, 0xE0, 0, 0]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed spdm report: at offset 4: truncated: need 32 bytes, 0 left"
    );
}

fn cases(n: u32) -> ProptestConfig {
    ProptestConfig {
        cases: n,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(256))]

    #[test]
    fn spdm_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = SpdmReport::parse(&bytes);
    }

    #[test]
    fn spdm_parser_survives_sample_mutations(at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>()) {
        let mut e = nvidia();
        let (report, _) = fields(&mut e);
        let i = at.index(report.len());
        report[i] = byte;
        let _ = SpdmReport::parse(report);
        let n = cut.index(report.len());
        let _ = SpdmReport::parse(&report[..n]);
    }

    #[test]
    fn nvidia_random_fields_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096), which in 0..2usize) {
        let mut e = nvidia();
        let (a, b) = fields(&mut e);
        *(if which == 0 { a } else { b }) = bytes;
        prop_assert!(run(&e).is_err());
    }

    #[test]
    fn nvidia_chain_mutations_never_panic(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut e = nvidia();
        let (_, chain) = fields(&mut e);
        let i = at.index(chain.len());
        chain[i] = byte;
        let _ = run(&e);
    }

    #[test]
    fn snp_random_fields_never_panic(bytes in proptest::collection::vec(any::<u8>(), SNP_REPORT_BYTES..=SNP_REPORT_BYTES), vcek in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut e = snp();
        *fields(&mut e).0 = bytes;
        prop_assert!(run(&e).is_err());
        let mut e = snp();
        *fields(&mut e).1 = vcek;
        prop_assert!(run(&e).is_err());
    }

    #[test]
    fn snp_mutations_never_panic(at in any::<prop::sample::Index>(), byte in any::<u8>(), which in 0..2usize) {
        let mut e = snp();
        let (a, b) = fields(&mut e);
        let f = if which == 0 { a } else { b };
        let i = at.index(f.len());
        f[i] = byte;
        let _ = run(&e);
    }
}

proptest! {
    // DCAP verification parses the whole collateral each time: fewer cases.
    #![proptest_config(cases(32))]

    #[test]
    fn dcap_random_quote_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..6000), sgx_quote in any::<bool>()) {
        let mut e = if sgx_quote { sgx() } else { tdx() };
        *fields(&mut e).0 = bytes;
        prop_assert!(run(&e).is_err());
    }

    #[test]
    fn dcap_quote_mutations_never_panic(at in any::<prop::sample::Index>(), byte in any::<u8>(), cut in any::<prop::sample::Index>(), sgx_quote in any::<bool>()) {
        let mut e = if sgx_quote { sgx() } else { tdx() };
        let quote = fields(&mut e).0;
        let i = at.index(quote.len());
        quote[i] = byte;
        let _ = run(&e);
        let quote = fields(&mut e).0;
        let n = cut.index(quote.len());
        quote.truncate(n);
        prop_assert!(run(&e).is_err());
    }

    #[test]
    fn dcap_random_collateral_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let mut e = tdx();
        *fields(&mut e).1 = bytes;
        prop_assert!(run(&e).is_err());
    }

    #[test]
    fn dcap_collateral_mutations_never_panic(at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let mut e = tdx();
        let collateral = fields(&mut e).1;
        let i = at.index(collateral.len());
        collateral[i] = byte;
        let _ = run(&e);
    }
}
