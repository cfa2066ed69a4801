//! Signed transactions: `Tx { chain_id, sender, nonce, gas_limit, call }` plus an Ed25519
//! signature over its canonical encoding under the `_AIGOV_TX` namespace.

use crate::call::Call;
use crate::codec::{CodecError, DecodeExt, Encode, Hash, Slug};
use crate::codec_struct;
use crate::crypto::{PrivateKey, PublicKey, Signature};
use serde::Serialize;

/// Signing namespace of transactions.
pub const TX_NAMESPACE: &[u8] = b"_AIGOV_TX";

/// Largest encoded signed transaction accepted anywhere (API, mempool, block), except those
/// carrying attestation evidence ([MAX_ATTESTED_TX_BYTES]).
pub const MAX_TX_BYTES: usize = 4096;

/// Largest encoded signed transaction whose call carries attestation evidence
/// ([Call::carries_evidence]): a DCAP quote with its collateral is 20-40 KiB. Blocks stay
/// bounded by [crate::block::MAX_BLOCK_TX_BYTES] in total.
pub const MAX_ATTESTED_TX_BYTES: usize = 64 * 1024;

/// A transaction's identity: SHA-256 of the unsigned transaction's encoding. Signatures are not
/// part of it, so one transaction has one hash however it was signed.
pub type TxHash = Hash;

/// The unsigned transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tx {
    /// The chain this transaction is for (replay protection across chains).
    pub chain_id: Slug,
    /// The signing account.
    pub sender: PublicKey,
    /// Must equal the sender's account nonce when executed (replay protection).
    pub nonce: u64,
    /// Most gas the sender allows this transaction to use.
    pub gas_limit: u64,
    /// What to do.
    pub call: Call,
}
codec_struct!(Tx {
    chain_id,
    sender,
    nonce,
    gas_limit,
    call
});

impl Tx {
    /// The transaction hash.
    pub fn hash(&self) -> TxHash {
        Hash::digest(&[&self.encode()])
    }

    /// Signs the transaction with `key`; the key must be the sender's.
    pub fn sign(self, key: &PrivateKey) -> SignedTx {
        let signature = key.sign(TX_NAMESPACE, &self.encode());
        SignedTx {
            tx: self,
            signature,
        }
    }
}

/// A transaction and its signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignedTx {
    /// The transaction.
    pub tx: Tx,
    /// The sender's signature over `tx`'s encoding.
    pub signature: Signature,
}
codec_struct!(SignedTx { tx, signature });

/// Why bytes are not an acceptable signed transaction (checks that need no state).
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum TxFormatError {
    /// Larger than [MAX_TX_BYTES].
    #[error("transaction is {size} bytes; the limit is {max}")]
    Oversized {
        /// Size received.
        size: usize,
        /// Limit.
        max: usize,
    },
    /// Not a canonical encoding of a signed transaction.
    #[error("transaction bytes do not decode: {0}")]
    Undecodable(String),
    /// The signature does not verify for the sender.
    #[error("signature does not verify for sender {0}")]
    BadSignature(PublicKey),
}

impl TxFormatError {
    /// Stable error code shared by the API, CLI and events.
    pub fn code(&self) -> &'static str {
        match self {
            TxFormatError::Oversized { .. } => "tx_oversized",
            TxFormatError::Undecodable(_) => "tx_undecodable",
            TxFormatError::BadSignature(_) => "bad_signature",
        }
    }
}

// `TxFormatError::BadSignature` names the sender's key, which makes the error large; these run
// once per transaction, so the size does not matter and the key in the message does.
#[allow(clippy::result_large_err)]
impl SignedTx {
    /// Decodes `bytes` (size-checked first), without checking the signature. Only calls that
    /// carry attestation evidence may exceed [MAX_TX_BYTES].
    pub fn decode_bounded(bytes: &[u8]) -> Result<Self, TxFormatError> {
        let oversized = |max| TxFormatError::Oversized {
            size: bytes.len(),
            max,
        };
        if bytes.len() > MAX_ATTESTED_TX_BYTES {
            return Err(oversized(MAX_ATTESTED_TX_BYTES));
        }
        let decoded = Self::decode(bytes::Bytes::copy_from_slice(bytes));
        match decoded {
            Ok(stx) if bytes.len() > stx.tx.call.max_tx_bytes() => {
                Err(oversized(stx.tx.call.max_tx_bytes()))
            }
            Ok(stx) => Ok(stx),
            // Large bytes that are not a transaction: the size is the clearer complaint.
            Err(_) if bytes.len() > MAX_TX_BYTES => Err(oversized(MAX_TX_BYTES)),
            Err(e) => Err(TxFormatError::Undecodable(CodecError::to_string(&e))),
        }
    }

    /// Decodes `bytes` and checks the signature: everything that needs no state.
    pub fn decode_and_verify(bytes: &[u8]) -> Result<Self, TxFormatError> {
        let stx = Self::decode_bounded(bytes)?;
        stx.verify()?;
        Ok(stx)
    }

    /// Checks the signature.
    pub fn verify(&self) -> Result<(), TxFormatError> {
        if self
            .tx
            .sender
            .verify(TX_NAMESPACE, &self.tx.encode(), &self.signature)
        {
            Ok(())
        } else {
            Err(TxFormatError::BadSignature(self.tx.sender.clone()))
        }
    }

    /// The transaction hash.
    pub fn hash(&self) -> TxHash {
        self.tx.hash()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::BoundedString;
    use crate::personnel::{PersonnelCall, RegisterPersonnel, Role, Roles};
    use proptest::prelude::*;

    pub(crate) fn sample(key: &PrivateKey, nonce: u64, tier: u8) -> SignedTx {
        Tx {
            chain_id: Slug::new("aigov-test").unwrap(),
            sender: key.public_key(),
            nonce,
            gas_limit: 10_000,
            call: Call::Personnel(PersonnelCall::Register(RegisterPersonnel {
                member: Slug::new("fr").unwrap(),
                organisation: None,
                roles: Roles::from_roles(&[Role::Safety]),
                tier,
                name: BoundedString::new("Ada").unwrap(),
                credential: Hash::digest(&[b"cred"]),
            })),
        }
        .sign(key)
    }

    /// A signed answer to an integrity challenge carrying `part` bytes of quote.
    fn answer(key: &PrivateKey, part: usize) -> Vec<u8> {
        use crate::integrity::{AnswerChallenge, ChallengeEvidence, QuoteEvidence};
        Tx {
            chain_id: Slug::new("aigov-test").unwrap(),
            sender: key.public_key(),
            nonce: 0,
            gas_limit: 100_000,
            call: Call::Hardware(crate::hardware::HardwareCall::AnswerChallenge(
                AnswerChallenge {
                    challenge: 1,
                    evidence: ChallengeEvidence::Tdx(QuoteEvidence {
                        quote: crate::BoundedBytes::new(vec![7; part]).unwrap(),
                        collateral: crate::BoundedBytes::new(vec![8; part]).unwrap(),
                    }),
                    physical: Default::default(),
                },
            )),
        }
        .sign(key)
        .encode()
        .to_vec()
    }

    #[test]
    fn only_evidence_may_exceed_the_ordinary_size_limit() {
        let k = PrivateKey::from_seed_bytes([2; 32]);
        // 40 KiB of evidence (a DCAP quote and its collateral) is accepted...
        let big = answer(&k, 20 * 1024);
        assert!(big.len() > MAX_TX_BYTES);
        SignedTx::decode_and_verify(&big).unwrap();
        // ...but not beyond the attested limit,
        let huge = answer(&k, MAX_ATTESTED_TX_BYTES / 2);
        assert_eq!(
            SignedTx::decode_bounded(&huge).unwrap_err(),
            TxFormatError::Oversized {
                size: huge.len(),
                max: MAX_ATTESTED_TX_BYTES
            }
        );
        // and any other call stays within MAX_TX_BYTES even when it decodes (a template's
        // policy text may be up to 4096 bytes on its own).
        let mut stx = sample(&k, 0, 2);
        stx.tx.call = Call::Template(crate::template::TemplateCall::Propose(
            crate::template::ProposeTemplate {
                kind: crate::template::TemplateKind::Audit,
                name: BoundedString::new("big").unwrap(),
                spec_digest: Hash::default(),
                policy_text: BoundedString::new("a".repeat(4096)).unwrap(),
                reference: None,
                physical: None,
            },
        ));
        let stx = stx.tx.sign(&k);
        let big_other = stx.encode();
        assert!(big_other.len() > MAX_TX_BYTES);
        assert_eq!(
            SignedTx::decode_bounded(&big_other).unwrap_err(),
            TxFormatError::Oversized {
                size: big_other.len(),
                max: MAX_TX_BYTES
            }
        );
    }

    #[test]
    fn signed_round_trip_and_tamper() {
        let k = PrivateKey::from_seed_bytes([1; 32]);
        let stx = sample(&k, 3, 2);
        let bytes = stx.encode();
        let back = SignedTx::decode_and_verify(&bytes).unwrap();
        assert_eq!(back, stx);
        // Flip one byte of the nonce: the signature no longer verifies.
        let mut bad = bytes.to_vec();
        let nonce_pos = 1 + "aigov-test".len() + 32;
        bad[nonce_pos + 7] ^= 1;
        assert!(matches!(
            SignedTx::decode_and_verify(&bad),
            Err(TxFormatError::BadSignature(_))
        ));
        assert!(matches!(
            SignedTx::decode_and_verify(&vec![0u8; MAX_TX_BYTES + 1]),
            Err(TxFormatError::Oversized { .. })
        ));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = SignedTx::decode_and_verify(&bytes);
        }

        #[test]
        fn round_trip(seed in any::<[u8; 32]>(), nonce in any::<u64>(), tier in 1u8..9) {
            let k = PrivateKey::from_seed_bytes(seed);
            let stx = sample(&k, nonce, tier);
            let back = SignedTx::decode_and_verify(&stx.encode()).unwrap();
            prop_assert_eq!(back.hash(), stx.hash());
            prop_assert_eq!(back, stx);
        }

        #[test]
        fn truncations_fail_cleanly(cut in 0usize..200) {
            let k = PrivateKey::from_seed_bytes([9; 32]);
            let bytes = sample(&k, 1, 1).encode();
            let cut = cut.min(bytes.len() - 1);
            prop_assert!(SignedTx::decode_and_verify(&bytes[..cut]).is_err());
        }
    }
}
