//! aigov's shared vocabulary: ids, transactions, calls, events, blocks, the activity-log
//! hashing and the light-client proof format.
//!
//! Everything here is data plus its canonical encoding (commonware-codec). There is no I/O, no
//! clock and no randomness: the state machine, the node, the client SDK and the portal all agree
//! on these bytes. Every decoder bounds every length, so decoding hostile bytes fails cleanly
//! instead of allocating or panicking.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod account;
pub mod api;
pub mod block;
pub mod call;
pub mod codec;
pub mod crypto;
pub mod economy;
pub mod event;
pub mod genesis;
pub mod governance;
pub mod hardware;
pub mod integrity;
pub mod log;
pub mod model;
pub mod otk;
pub mod personnel;
pub mod phase;
pub mod physical;
pub mod proof;
pub mod receipt;
pub mod reshare;
pub mod selection;
pub mod template;
pub mod treasury;
pub mod tx;
pub mod validators;
pub mod whistle;
pub mod workload;

pub use account::Account;
pub use block::{Block, Header};
pub use call::Call;
pub use codec::{BoundedBytes, BoundedString, BoundedVec, Hash, Slug};
pub use crypto::{PrivateKey, PublicKey, Signature};
pub use event::{Event, EventRecord};
pub use genesis::Genesis;
pub use receipt::{Receipt, TxOutcome};
pub use tx::{SignedTx, Tx, TxHash};
