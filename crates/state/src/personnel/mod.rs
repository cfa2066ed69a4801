//! Personnel registry: members, organisations and vetted personnel.
//!
//! - **Entities**: [Member] (nation or supranational body), [Organisation] (under a member),
//!   [Personnel] (account, member, roles, tier, term).
//! - **Statuses**: `Pending` (registered) → `Active` (vetting vote; genesis personnel start
//!   here) → `Suspended` / `Removed`. The votes arrive with the governance module.
//! - **Calls**: `personnel.register` — anyone applies with their own key; the pool sponsors it.
//! - **Events**: `MemberAdmitted`, `OrganisationAdded`, `PersonnelRegistered`.
//!
//! [Member]: aigov_types::personnel::Member
//! [Organisation]: aigov_types::personnel::Organisation
//! [Personnel]: aigov_types::personnel::Personnel

mod error;
mod execute;
pub mod keys;
pub mod queries;

pub use error::PersonnelError;
pub(crate) use execute::{add_organisation, admit_member, register, seat_genesis_personnel};
