//! Personnel registry: members, organisations and vetted personnel.
//!
//! - **Entities**: [Member] (nation or supranational body), [Organisation] (under a member),
//!   [Personnel] (account, member, roles, tier, term).
//! - **Statuses**: `Pending` (registered) → `Active` (vetting vote; genesis personnel start
//!   here) → `Suspended` / `Removed`; Suspended → Active (reinstatement); anything but Removed →
//!   Removed ([transition_allowed]). Only executed governance proposals change a status, a tier
//!   or a term, through this module's `set_status`, `set_tier` and `renew_term`.
//! - **Calls**: `personnel.register` — anyone applies with their own key; the pool sponsors it.
//! - **Events**: `MemberAdmitted`, `OrganisationAdded`, `PersonnelRegistered`,
//!   `PersonnelStatusChanged`, `PersonnelTierChanged`, `PersonnelTermRenewed`.
//!
//! [Member]: aigov_types::personnel::Member
//! [Organisation]: aigov_types::personnel::Organisation
//! [Personnel]: aigov_types::personnel::Personnel

mod error;
mod execute;
pub mod keys;
pub mod queries;

pub use error::PersonnelError;
pub use execute::transition_allowed;
pub(crate) use execute::{
    add_organisation, admit_member, check_renewal, check_status_change, check_tier_change,
    register, renew_term, seat_genesis_personnel, set_status, set_tier,
};
