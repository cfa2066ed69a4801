//! Real vendor samples (see tests/fixtures/README.md) and reference values taken from them.
#![allow(dead_code)]

use aigov_attest::*;

/// 2025-07-01T00:00:00Z: inside both DCAP samples' collateral windows
/// (TCB info 2025-06-19 .. 2025-07-19) and every certificate's validity.
pub const NOW: u64 = 1_751_328_000;

pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn hex_fixture(name: &str) -> Vec<u8> {
    hex::decode(String::from_utf8(fixture(name)).unwrap().trim()).unwrap()
}

pub fn h<const N: usize>(s: &str) -> [u8; N] {
    hex::decode(s).unwrap().try_into().unwrap()
}

pub fn tdx() -> Evidence {
    Evidence::TdxQuote {
        quote: fixture("tdx_quote"),
        collateral: fixture("tdx_quote_collateral.json"),
    }
}

pub fn sgx() -> Evidence {
    Evidence::SgxQuote {
        quote: fixture("sgx_quote"),
        collateral: fixture("sgx_quote_collateral.json"),
    }
}

pub fn snp() -> Evidence {
    Evidence::SevSnp {
        report: hex_fixture("report_milan.hex"),
        vcek_der: fixture("vcek_milan.der"),
    }
}

pub fn nvidia() -> Evidence {
    Evidence::NvidiaSpdm {
        report: hex_fixture("hopperAttestationReport.txt"),
        cert_chain: fixture("hopperCertChain.txt"),
    }
}

/// The samples' own report data / nonce (fixed when the samples were made).
pub const TDX_REPORT_DATA: &str = "9a9d48e7f6799642d3d1b34e1e5e1742d4bb02dd6ddd551862c1211d35c304f9eca3efdbb481601c163cf52493d6e44aed55d51ec39b7e518fadb92c2b523f20";
/// "Hello, world!" padded with zeros.
pub const SGX_REPORT_DATA: &str = "48656c6c6f2c20776f726c6421000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
pub const SNP_REPORT_DATA: &str = "d447b55d197491bfe15cf298f9de9986b7a7c4be2468b4f6e2d53b71d7c645810b0f2cdfca0040433be063fc1a8293f0f3f8dae7b79fecb3d1cd82bd6a93ebfd";
pub const NVIDIA_NONCE: &str = "931d8dd0add203ac3d8b4fbde75e115278eefcdceac5b87671a748f32364dfcb";

pub fn report_data(s: &str) -> Freshness {
    Freshness::ReportData(Box::new(h(s)))
}

pub fn tdx_reference() -> TdxReference {
    TdxReference {
        allowed_tcb_statuses: vec![TcbStatus::UpToDate],
        mrtd: AllowList::OneOf(vec![h(
            "91eb2b44d141d4ece09f0c75c2c53d247a3c68edd7fafe8a3520c942a604a407de03ae6dc5f87f27428b2538873118b7",
        )]),
        rtmr0: AllowList::OneOf(vec![h(
            "44c0197b39157fdd7a4dcc44767f9d6b0bb3977c7a8e347b8492f827fe9d9e5c48aca29b220b80b6a540cf994b9bc9c0",
        )]),
        rtmr1: AllowList::OneOf(vec![h(
            "0084452c01668329d4bc06acdf58a7205c26743304509973949e5619bf81a6a7aea8c323c173019b3093d54e579e9378",
        )]),
        rtmr2: AllowList::OneOf(vec![h(
            "d833feef2cd945148aa38ead2c53e9b7f138190aaaebfc551dccd829fc207aa3ba80b70870d7330733642e01d48c3132",
        )]),
        rtmr3: AllowList::Any,
    }
}

pub fn sgx_reference() -> SgxReference {
    SgxReference {
        // The sample platform needs configuration and software hardening (INTEL-SA-00289,
        // INTEL-SA-00615): accepting it is an explicit policy choice.
        allowed_tcb_statuses: vec![
            TcbStatus::UpToDate,
            TcbStatus::ConfigurationAndSwHardeningNeeded,
        ],
        mrenclave: AllowList::OneOf(vec![h(
            "33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb",
        )]),
        mrsigner: AllowList::OneOf(vec![h(
            "815f42f11cf64430c30bab7816ba596a1da0130c3b028b673133a66cf9a3e0e6",
        )]),
        isv_prod_id: Some(0),
        min_isv_svn: 0,
    }
}

pub fn snp_reference() -> SnpReference {
    SnpReference {
        measurement: AllowList::OneOf(vec![h(
            "7a1e5c266c0108dbc9bb94fa926951320940915d0aafb42464bd88b579ea158d3e1a0dc39b2c60bd95b9c480cd81841f",
        )]),
        min_tcb: SnpTcb {
            bootloader: 3,
            tee: 0,
            snp: 8,
            microcode: 115,
            fmc: None,
        },
        min_guest_svn: 0,
        vmpl: Some(0),
        allow_debug: false,
        allow_migration_agent: false,
    }
}

pub fn nvidia_reference() -> NvidiaReference {
    let m = |index, v: &str| NvidiaMeasurementReference {
        index,
        allowed: vec![hex::decode(v).unwrap()],
    };
    NvidiaReference {
        measurements: vec![
            m(
                2,
                "8048dfd18fe229bf16eb9d30cca0f11a24dafe6eb731de1462984645a0b189b77c4e4e17de727a5e19e3d07de51da338",
            ),
            m(
                3,
                "164f445c3e282ca8e4ab07c2179b8e02c8e3a2ceb83f9fae8dddaee70aa57207d87792d1481b46c02f9dba6e1fe1e77e",
            ),
            m(
                10,
                "059b32e712a153f490dbfb7976a9e275d789e28bd4803c357def2b6123327c430526bfaecc200f496d4e149fc5eade03",
            ),
        ],
    }
}
