//! The route handlers, one file per group of routes.

pub(crate) mod blocks;
pub(crate) mod certify;
pub(crate) mod compute;
pub(crate) mod economy;
pub(crate) mod events;
pub(crate) mod governance;
pub(crate) mod lists;
pub(crate) mod log;
pub(crate) mod node;
pub(crate) mod state;
pub(crate) mod txs;
pub(crate) mod validators;
pub(crate) mod whistle;
