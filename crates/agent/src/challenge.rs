//! Integrity challenges: how the device proves, when the chain asks at a random block, that it
//! still runs what its Hardware template allows.
//!
//! The chain posts a challenge with a nonce drawn from that block's randomness and a deadline
//! (`aigov_state::integrity`); the agent sees it on its hardware record, produces evidence
//! binding the nonce, and answers with `hardware.answer_challenge` signed by the device key. A
//! failed or missed challenge suspends the hardware and halts its drip, so an agent that
//! cannot attest should say so loudly rather than stay silent.

use aigov_types::integrity::ChallengeEvidence;
use aigov_types::{Hash, PrivateKey};
use std::path::PathBuf;

/// How the device produces evidence for a challenge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Attestation {
    /// It does not answer: its challenges fail at their deadlines (and suspend the hardware).
    #[default]
    None,
    /// Hardware without a TEE, under a template of `device_key` reference values: the device
    /// key signs the nonce and this measurement (SHA-256 of the software image it runs).
    DeviceKey(Hash),
    /// A program producing vendor evidence (a TDX/SGX quote, an SEV-SNP report, NVIDIA's SPDM
    /// measurements): run with the nonce and the 64-byte report data to bind (both hex) as
    /// its last two arguments, it prints the evidence as JSON (`{"tdx": {"quote": …,
    /// "collateral": …}}`, …) on stdout.
    Command {
        /// The program.
        program: PathBuf,
        /// Its leading arguments.
        args: Vec<String>,
    },
}

impl Attestation {
    /// Evidence answering a challenge with `nonce`, signed or produced for `key`'s device.
    pub fn evidence(&self, key: &PrivateKey, nonce: &Hash) -> Result<ChallengeEvidence, String> {
        match self {
            Attestation::None => Err("no attestation is configured".into()),
            Attestation::DeviceKey(measurement) => {
                Ok(ChallengeEvidence::device_key(key, nonce, *measurement))
            }
            Attestation::Command { program, args } => {
                let report_data = aigov_attest::report_data_for(&nonce.0);
                let out = std::process::Command::new(program)
                    .args(args)
                    .arg(hex::encode(nonce.0))
                    .arg(hex::encode(report_data))
                    .output()
                    .map_err(|e| format!("running {}: {e}", program.display()))?;
                if !out.status.success() {
                    return Err(format!(
                        "{} exited with {}: {}",
                        program.display(),
                        out.status,
                        String::from_utf8_lossy(&out.stderr).trim()
                    ));
                }
                serde_json::from_slice(&out.stdout).map_err(|e| {
                    format!(
                        "{} did not print evidence JSON (tdx, sgx, sev_snp, nvidia_spdm or device_key): {e}",
                        program.display()
                    )
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aigov_types::integrity::{DEVICE_EVIDENCE_NAMESPACE, device_evidence_message};

    #[test]
    fn device_key_evidence_signs_the_nonce_and_measurement() {
        let key = PrivateKey::from_seed_bytes([3; 32]);
        let m = Hash::digest(&[b"image"]);
        let nonce = Hash::digest(&[b"nonce"]);
        let ChallengeEvidence::DeviceKey(e) =
            Attestation::DeviceKey(m).evidence(&key, &nonce).unwrap()
        else {
            panic!("not device-key evidence")
        };
        assert_eq!(e.measurement, m);
        let msg = device_evidence_message(&nonce, &m);
        assert!(
            key.public_key()
                .verify(DEVICE_EVIDENCE_NAMESPACE, &msg, &e.signature)
        );
        let other = device_evidence_message(&Hash::digest(&[b"other"]), &m);
        assert!(
            !key.public_key()
                .verify(DEVICE_EVIDENCE_NAMESPACE, &other, &e.signature)
        );
        assert!(Attestation::None.evidence(&key, &nonce).is_err());
    }

    #[test]
    fn a_command_s_output_is_the_evidence_and_its_failure_an_error() {
        let key = PrivateKey::from_seed_bytes([3; 32]);
        let nonce = Hash::digest(&[b"nonce"]);
        // `sh -c SCRIPT NAME NONCE REPORT_DATA`: echo device-key evidence naming the nonce as
        // its measurement, to show the arguments arrive.
        let script = r#"printf '{"device_key":{"measurement":"%s","signature":"%0128d"}}' "$1" 0"#;
        let cmd = Attestation::Command {
            program: "sh".into(),
            args: vec!["-c".into(), script.into(), "evidence".into()],
        };
        let ChallengeEvidence::DeviceKey(e) = cmd.evidence(&key, &nonce).unwrap() else {
            panic!("not device-key evidence")
        };
        assert_eq!(e.measurement, nonce);
        let failing = Attestation::Command {
            program: "sh".into(),
            args: vec!["-c".into(), "echo no TEE >&2; exit 3".into(), "x".into()],
        };
        let err = failing.evidence(&key, &nonce).unwrap_err();
        assert!(err.contains("no TEE"), "{err}");
        let garbage = Attestation::Command {
            program: "sh".into(),
            args: vec!["-c".into(), "echo hello".into(), "x".into()],
        };
        assert!(garbage.evidence(&key, &nonce).unwrap_err().contains("JSON"));
    }
}
