//! The aigov node: Commonware simplex consensus, marshal, glue::stateful over QMDB, mempool,
//! execution, finalized index and proofs.
#![forbid(unsafe_code)]

pub mod admission;
pub mod app;
pub mod db;
pub mod dkg;
pub mod engine;
pub mod gossip;
pub mod index;
pub mod mempool;
pub mod node;
pub mod peers;
pub mod run;
pub mod seeds;
pub mod setup;
#[cfg(feature = "sim")]
pub mod sim;
pub mod sync;
