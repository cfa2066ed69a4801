//! The API against a real state machine: every route through the router (and, where it
//! matters, through a real socket), every rejection with its own code.

mod governance;
mod http;
mod log;
mod routes;
mod state;
mod stream;
mod support;
mod txs;
mod validators;
