//! aigov's HTTP API (JSON, OpenAPI 3, server-sent events, Prometheus metrics), served by the
//! node.
//!
//! The API sees the node only through [Backend]: it can submit transactions, read state
//! through `aigov-state`'s query functions, fetch blocks and proofs, and follow the event
//! stream. It never reaches into consensus or storage internals.
#![forbid(unsafe_code)]

pub mod backend;

pub use backend::{Backend, BackendError, StateRead};
