//! aigov's deterministic state machine: a pure function of (state, block), one module per seed
//! component.
//!
//! Nothing here knows about networks, clocks or randomness: a block's context (height, block
//! time) is handed in, storage sits behind [StateRead], and every write goes to an [Overlay]
//! that the node commits to QMDB after the block. Iteration is over `BTreeMap`s only, there is
//! no floating point, and every decoded value is bounded, so every validator computes the same
//! state root from the same block.
//!
//! Modules own disjoint key prefixes ([keys]) and talk to each other only through their
//! `queries` functions. [app] runs a block: genesis on the first block, then each
//! transaction's admission checks, gas charge, call and receipt, then the end-of-block hooks
//! (governance, the committee snapshot, inspections falling due, the OTK drip, gas), in one
//! documented order.
#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod accounts;
pub mod app;
pub mod certify;
pub mod chain;
mod due;
pub mod error;
pub mod gas;
pub mod governance;
pub mod hardware;
pub mod integrity;
pub mod keys;
pub mod log;
pub mod models;
pub mod otk;
pub mod personnel;
pub mod phase;
pub mod standard;
pub mod store;
pub mod templates;
pub mod treasury;
pub mod validators;
pub mod whistle;
pub mod workloads;

pub use app::{BlockContext, BlockOutput, Mode, admit, execute_block, validate_genesis};
pub use error::{AdmissionError, CallError, ExecError, TxError};
pub use store::{MemStore, Overlay, StateRead, StoreError};
