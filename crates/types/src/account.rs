//! Accounts: the nonce that orders an Ed25519 key's transactions and its gas credits.

use crate::codec_struct;
use serde::{Deserialize, Serialize};

/// An account's state. Created by genesis, by a credit, or by the first accepted sponsored call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The nonce the account's next transaction must carry.
    pub nonce: u64,
    /// Gas credits (closed-loop accounting units; not transferable).
    pub gas: u64,
}
codec_struct!(Account { nonce, gas });
