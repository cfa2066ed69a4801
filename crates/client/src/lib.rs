//! aigov's Rust SDK: light-client proof verification, a typed HTTP API client and a transaction builder.
//!
//! - [verify_state_proof] checks a [StateProof] — a state entry's value or absence, its QMDB
//!   proof, the block header and the block's finalization certificate — against nothing but the
//!   consensus [GroupIdentity]. No node and no network are involved; a hardware agent or an edge
//!   device trusts the group key and nothing else.
//! - [Client] is a blocking client of the node's HTTP API (`/v1/...`) returning the shared
//!   shapes of [aigov_types::api]; [ClientError] tells an unreachable node from a refusal.
//! - [build_tx] builds and signs a transaction.
//! - [seal] seals whistle-blower reports to the reviewing body's X25519 key and opens them.
//!
//! ```no_run
//! use aigov_client::{Client, GroupIdentity, verify_state_response};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let genesis_group_key = "";
//! let identity = GroupIdentity::from_hex(genesis_group_key)?;
//! let client = Client::new(aigov_client::DEFAULT_NODE_URL);
//! let pool = client.pool(true)?;
//! let proven = verify_state_response(&pool, &identity)?;
//! println!("pool holds {:?} credits at height {}", pool.value, proven.height);
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod http;
pub mod seal;
pub mod tx;
pub mod verify;

pub use aigov_types::proof::StateProof;
pub use http::{Client, ClientError, DEFAULT_NODE_URL};
pub use tx::build_tx;
pub use verify::{
    GroupIdentity, IdentityError, ProofError, VerifiedState, verify_state_proof,
    verify_state_response,
};
