//! The gas economy: closed-loop credits, their algorithmic price, recorded purchases, and the
//! pool's per-person duty allowance.
//!
//! **Gas** measures work (a transaction's base cost, its bytes, what its call does). **Credits**
//! pay for gas: a transaction costs `gas × price / 1000` credits, where the price (milli-credits
//! per gas) follows a published, EIP-1559-like rule: it rises when blocks use more gas than the
//! target and falls back towards the base price when they use less, by at most
//! `price_adjustment_bps` per block. Credits are never transferred between users: they are
//! issued only against purchases a member's treasury officer records (or at genesis), and
//! consumed by transactions. A share of every credit consumed (`gas_tax_bps`), converted at
//! the published `credit_rate`, accrues to the shared treasury.

use crate::codec::{BoundedString, Hash, Slug};
use crate::crypto::PublicKey;
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};

/// The price unit: milli-credits per gas (1 000 = one credit per unit of gas).
pub const PRICE_SCALE: u64 = 1_000;
/// Basis points in one.
pub const BPS: u64 = 10_000;

/// The economy's parameters. Set at genesis; changed only by a System proposal that top-tier
/// Policy personnel alone may propose and vote on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EconomyParams {
    /// The floor price, milli-credits per gas: the price of an uncongested chain.
    pub base_gas_price: u64,
    /// The ceiling price, milli-credits per gas.
    pub max_gas_price: u64,
    /// Gas per block the price steers towards: fuller blocks raise it, emptier ones lower it.
    pub target_block_gas: u64,
    /// The most the price moves in one block, in basis points of the current price.
    pub price_adjustment_bps: u16,
    /// The share of every credit consumed that accrues to the treasury (basis points).
    pub gas_tax_bps: u16,
    /// The published rate: treasury units (e.g. micro-USDC) paid for 1 000 credits. Purchases
    /// convert payments to credits at this rate, and the gas tax converts credits back.
    pub credit_rate: u64,
    /// Credits of pool-paid duties each person may use per day of block time (0 = no limit):
    /// a vetted person never pays to govern, but cannot drain the pool either.
    pub duty_allowance_per_day: u64,
}
codec_struct!(EconomyParams {
    base_gas_price,
    max_gas_price,
    target_block_gas,
    price_adjustment_bps,
    gas_tax_bps,
    credit_rate,
    duty_allowance_per_day
});

impl Default for EconomyParams {
    fn default() -> Self {
        Self {
            base_gas_price: PRICE_SCALE,
            max_gas_price: 100 * PRICE_SCALE,
            // About 250 votes per block.
            target_block_gas: 2_000_000,
            price_adjustment_bps: 1_250,
            gas_tax_bps: 200,
            credit_rate: 1_000,
            duty_allowance_per_day: 2_000_000,
        }
    }
}

/// Why economy parameters are refused.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum EconomyParamsError {
    /// The base price is zero.
    #[error("base_gas_price must be at least 1")]
    ZeroBasePrice,
    /// The ceiling is below the floor.
    #[error("max_gas_price {max} is below base_gas_price {base}")]
    MaxBelowBase {
        /// Floor.
        base: u64,
        /// Ceiling.
        max: u64,
    },
    /// No target.
    #[error("target_block_gas must be at least 1")]
    ZeroTarget,
    /// The adjustment is out of range.
    #[error("price_adjustment_bps {0} must be between 1 and 5000")]
    Adjustment(u16),
    /// The tax is above 100 %.
    #[error("gas_tax_bps {0} is above 10000")]
    Tax(u16),
    /// No rate.
    #[error("credit_rate must be at least 1")]
    ZeroRate,
}

impl EconomyParams {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), EconomyParamsError> {
        if self.base_gas_price == 0 {
            return Err(EconomyParamsError::ZeroBasePrice);
        }
        if self.max_gas_price < self.base_gas_price {
            return Err(EconomyParamsError::MaxBelowBase {
                base: self.base_gas_price,
                max: self.max_gas_price,
            });
        }
        if self.target_block_gas == 0 {
            return Err(EconomyParamsError::ZeroTarget);
        }
        if self.price_adjustment_bps == 0 || self.price_adjustment_bps > 5_000 {
            return Err(EconomyParamsError::Adjustment(self.price_adjustment_bps));
        }
        if u64::from(self.gas_tax_bps) > BPS {
            return Err(EconomyParamsError::Tax(self.gas_tax_bps));
        }
        if self.credit_rate == 0 {
            return Err(EconomyParamsError::ZeroRate);
        }
        Ok(())
    }

    /// The price after a block that used `gas_used`, from `price`: the published algorithm.
    ///
    /// `price ± price × min(|gas_used − target|, target) / target × adjustment`, rounded
    /// towards no change (but at least +1 when above target, so a small price still rises),
    /// clamped to `[base_gas_price, max_gas_price]`. Integer-only, so every node agrees; the
    /// change per block is at most `price × adjustment / 10 000` (+1).
    pub fn next_price(&self, price: u64, gas_used: u64) -> u64 {
        let target = u128::from(self.target_block_gas.max(1));
        let p = u128::from(price);
        let used = u128::from(gas_used);
        let adj = u128::from(self.price_adjustment_bps);
        let next = if used > target {
            let excess = (used - target).min(target);
            let delta = (p * excess * adj / target / u128::from(BPS)).max(1);
            p.saturating_add(delta)
        } else {
            let shortfall = target - used;
            let delta = p * shortfall * adj / target / u128::from(BPS);
            p.saturating_sub(delta)
        };
        let clamped = next.clamp(
            u128::from(self.base_gas_price),
            u128::from(self.max_gas_price.max(self.base_gas_price)),
        );
        u64::try_from(clamped).unwrap_or(u64::MAX)
    }

    /// Credits charged for `gas` at `price` (rounded up: a transaction never costs nothing).
    pub fn credits_for(gas: u64, price: u64) -> u64 {
        let c = (u128::from(gas) * u128::from(price)).div_ceil(u128::from(PRICE_SCALE));
        u64::try_from(c).unwrap_or(u64::MAX)
    }

    /// Credits bought by a payment of `paid` treasury units (rounded down).
    pub fn credits_for_payment(&self, paid: u64) -> u64 {
        let c = u128::from(paid) * 1_000 / u128::from(self.credit_rate.max(1));
        u64::try_from(c).unwrap_or(u64::MAX)
    }

    /// Treasury units the gas tax yields on `credits` consumed (rounded down).
    pub fn tax_on(&self, credits: u64) -> u64 {
        let t = u128::from(credits) * u128::from(self.gas_tax_bps) * u128::from(self.credit_rate)
            / u128::from(BPS)
            / 1_000;
        u64::try_from(t).unwrap_or(u64::MAX)
    }
}

/// The current gas price.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GasPrice {
    /// Milli-credits per gas.
    pub price: u64,
    /// The height of the block whose end set it (0 = genesis).
    pub height: u64,
}
codec_struct!(GasPrice { price, height });

/// The credit ledger: the totals that make conservation checkable by anyone. At every height,
/// `issued − consumed` equals the credits held by all accounts, the pool and `locked`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditLedger {
    /// Credits ever issued (genesis and recorded purchases).
    pub issued: u64,
    /// Credits ever consumed by transactions.
    pub consumed: u64,
    /// Purchases recorded.
    pub purchases: u64,
    /// Credits locked out of accounts (dispute bonds), until returned or forfeited to the pool.
    pub locked: u64,
}
codec_struct!(CreditLedger {
    issued,
    consumed,
    purchases,
    locked
});

/// What a purchase of credits was for (the seed's funding categories).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PurchaseCategory {
    /// A lab registering and certifying models.
    ModelRegistration,
    /// An operator registering hardware.
    HardwareRegistration,
    /// Registering personnel.
    PersonnelRegistration,
    /// Developing a safety module.
    ModuleDevelopment,
    /// A member topping up the system pool (credits go to the pool, not an account).
    PoolTopUp,
}
codec_unit_enum!(PurchaseCategory {
    0 => ModelRegistration,
    1 => HardwareRegistration,
    2 => PersonnelRegistration,
    3 => ModuleDevelopment,
    4 => PoolTopUp,
});

impl PurchaseCategory {
    /// Every category.
    pub const ALL: [PurchaseCategory; 5] = [
        PurchaseCategory::ModelRegistration,
        PurchaseCategory::HardwareRegistration,
        PurchaseCategory::PersonnelRegistration,
        PurchaseCategory::ModuleDevelopment,
        PurchaseCategory::PoolTopUp,
    ];
    /// The name, as in JSON.
    pub fn name(self) -> &'static str {
        match self {
            PurchaseCategory::ModelRegistration => "model_registration",
            PurchaseCategory::HardwareRegistration => "hardware_registration",
            PurchaseCategory::PersonnelRegistration => "personnel_registration",
            PurchaseCategory::ModuleDevelopment => "module_development",
            PurchaseCategory::PoolTopUp => "pool_top_up",
        }
    }
}

impl std::str::FromStr for PurchaseCategory {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        PurchaseCategory::ALL
            .into_iter()
            .find(|c| c.name() == norm)
            .ok_or_else(|| {
                format!(
                    "unknown purchase category {s:?}; expected model_registration, \
                     hardware_registration, personnel_registration, module_development or \
                     pool_top_up"
                )
            })
    }
}

/// `gas.record_purchase`: a treasury officer records a payment received by their member, and
/// credits are issued for it at the published rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordPurchase {
    /// What the credits are for.
    pub category: PurchaseCategory,
    /// Who receives the credits; must be absent for a pool top-up and present otherwise.
    pub account: Option<PublicKey>,
    /// The payment, in treasury units (e.g. micro-USDC).
    pub paid: u64,
    /// The external payment reference (bank transfer id, invoice): one purchase per reference
    /// and member, so a payment cannot be recorded twice.
    pub reference: BoundedString<128>,
}
codec_struct!(RecordPurchase {
    category,
    account,
    paid,
    reference
});

/// A recorded purchase, kept in state under its member and reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purchase {
    /// Sequential id, from 1.
    pub id: u64,
    /// The member whose officer recorded it.
    pub member: Slug,
    /// The officer.
    pub officer: PublicKey,
    /// What for.
    pub category: PurchaseCategory,
    /// Who received the credits (`None`: the pool).
    pub account: Option<PublicKey>,
    /// The payment, in treasury units.
    pub paid: u64,
    /// Credits issued.
    pub credits: u64,
    /// The payment reference.
    pub reference: BoundedString<128>,
    /// The height it was recorded at.
    pub height: u64,
}
codec_struct!(Purchase {
    id,
    member,
    officer,
    category,
    account,
    paid,
    credits,
    reference,
    height
});

/// The identity of a purchase for duplicate detection: SHA-256 over the member and reference.
pub fn purchase_key(member: &Slug, reference: &str) -> Hash {
    Hash::digest(&[
        b"_AIGOV_GAS_PURCHASE",
        member.as_str().as_bytes(),
        &[0],
        reference.as_bytes(),
    ])
}

/// What one person has used of their daily duty allowance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyUsage {
    /// The day (block time in ms / 86 400 000).
    pub day: u64,
    /// Credits of duties paid by the pool that day.
    pub credits: u64,
}
codec_struct!(DutyUsage { day, credits });

/// Milliseconds in a day of block time.
pub const DAY_MS: u64 = 86_400_000;

/// Calls of the gas module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GasCall {
    /// `gas.record_purchase` (a duty of treasury officers: the pool pays).
    RecordPurchase(RecordPurchase),
}
codec_enum!(GasCall {
    0 => RecordPurchase(RecordPurchase),
});

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        EconomyParams::default().validate().unwrap();
        let p = EconomyParams {
            max_gas_price: 1,
            base_gas_price: 2,
            ..Default::default()
        };
        assert_eq!(
            p.validate().unwrap_err().to_string(),
            "max_gas_price 1 is below base_gas_price 2"
        );
        let p = EconomyParams {
            gas_tax_bps: 10_001,
            ..Default::default()
        };
        assert!(p.validate().is_err());
    }

    #[test]
    fn price_rises_with_full_blocks_and_falls_back_to_base() {
        let p = EconomyParams::default();
        let full = p.next_price(p.base_gas_price, 2 * p.target_block_gas);
        assert_eq!(full, 1_125);
        assert_eq!(p.next_price(full, 0), 1_000);
        assert_eq!(p.next_price(1_000, p.target_block_gas), 1_000);
        assert_eq!(p.next_price(1_000, 0), 1_000, "never below base");
    }

    #[test]
    fn conversions_round_as_documented() {
        let p = EconomyParams::default();
        assert_eq!(EconomyParams::credits_for(7_750, 1_000), 7_750);
        assert_eq!(EconomyParams::credits_for(1, 1_001), 2, "rounded up");
        assert_eq!(p.credits_for_payment(5_000_000), 5_000_000);
        // 2 % of 1 000 000 credits at 1 000 units per 1 000 credits.
        assert_eq!(p.tax_on(1_000_000), 20_000);
    }

    proptest! {
        #[test]
        fn price_moves_at_most_the_adjustment_per_block_and_stays_in_bounds(
            base in 1u64..1_000_000,
            span in 0u64..1_000_000,
            target in 1u64..10_000_000,
            adj in 1u16..=5_000,
            start in 0u64..2_000_000,
            used in 0u64..50_000_000,
        ) {
            let p = EconomyParams {
                base_gas_price: base,
                max_gas_price: base + span,
                target_block_gas: target,
                price_adjustment_bps: adj,
                ..Default::default()
            };
            let price = start.clamp(base, base + span);
            let next = p.next_price(price, used);
            prop_assert!(next >= base && next <= base + span);
            let bound = u128::from(price) * u128::from(adj) / 10_000 + 1;
            prop_assert!(u128::from(next.abs_diff(price)) <= bound);
            prop_assert_eq!(next, p.next_price(price, used));
            if used > target { prop_assert!(next >= price); }
            if used <= target { prop_assert!(next <= price); }
        }
    }
}
