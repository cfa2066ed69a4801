//! Members, organisations and personnel: who sits in the DAO and with which roles and tiers.
//!
//! A member is a nation or supranational body; organisations (labs, datacenter operators) sit
//! under a member's jurisdiction; personnel are vetted people with roles and a tier (1 is the
//! highest). Registration makes a person `Pending`; a vetting vote (governance) makes them
//! `Active`. Genesis personnel start `Active`.

use crate::codec::{
    BoundedString, BoundedVec, Buf, BufMut, CodecError, EncodeSize, Hash, Read, ReadExt, Slug,
    Write,
};
use crate::crypto::PublicKey;
use crate::{codec_enum, codec_struct, codec_unit_enum};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A personnel role, as listed in the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Policy personnel: propose and vote on policy.
    Policy,
    /// Safety personnel: safety standard, templates, emergencies.
    Safety,
    /// Software engineers reviewing modules.
    Software,
    /// Hardware engineers reviewing accelerators.
    Hardware,
    /// Inspectors of datacenters and hardware.
    Inspector,
    /// Auditors of models.
    Auditor,
    /// Officers who record a member's payments.
    TreasuryOfficer,
}

impl Role {
    /// Every role, in bit order.
    pub const ALL: [Role; 7] = [
        Role::Policy,
        Role::Safety,
        Role::Software,
        Role::Hardware,
        Role::Inspector,
        Role::Auditor,
        Role::TreasuryOfficer,
    ];

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The role's name as used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Role::Policy => "policy",
            Role::Safety => "safety",
            Role::Software => "software",
            Role::Hardware => "hardware",
            Role::Inspector => "inspector",
            Role::Auditor => "auditor",
            Role::TreasuryOfficer => "treasury_officer",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|r| r.name() == norm)
            .ok_or_else(|| {
                let names: Vec<_> = Role::ALL.iter().map(|r| r.name()).collect();
                format!("unknown role {s:?}; expected one of {}", names.join(", "))
            })
    }
}

/// A non-empty set of roles, encoded as a one-byte bit set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Roles(u8);

impl Roles {
    /// The set holding `roles`.
    pub fn from_roles(roles: &[Role]) -> Self {
        Self(roles.iter().fold(0, |acc, r| acc | r.bit()))
    }
    /// True if `role` is in the set.
    pub fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }
    /// True if the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The roles, in bit order.
    pub fn to_vec(self) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|r| self.contains(*r))
            .collect()
    }
}

impl fmt::Debug for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.to_vec().iter().map(|r| r.name()).collect();
        write!(f, "[{}]", names.join(","))
    }
}

impl Write for Roles {
    fn write(&self, buf: &mut impl BufMut) {
        self.0.write(buf);
    }
}
impl EncodeSize for Roles {
    fn encode_size(&self) -> usize {
        1
    }
}
impl Read for Roles {
    type Cfg = ();
    fn read_cfg(buf: &mut impl Buf, _: &()) -> Result<Self, CodecError> {
        let bits = u8::read(buf)?;
        if bits >> Role::ALL.len() != 0 {
            return Err(CodecError::Invalid("Roles", "unknown role bit"));
        }
        Ok(Self(bits))
    }
}
impl Serialize for Roles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_vec().serialize(s)
    }
}
impl<'de> Deserialize<'de> for Roles {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::from_roles(&Vec::<Role>::deserialize(d)?))
    }
}

/// Lowest (numerically largest) tier the chain accepts. Tier 1 is the highest.
pub const TIER_MAX: u8 = 9;

/// Where a person stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonnelStatus {
    /// Registered, awaiting the vetting vote.
    Pending,
    /// Vetted; may act and vote within their roles and tier.
    Active,
    /// Temporarily barred by a vote.
    Suspended,
    /// Removed by a vote.
    Removed,
}
codec_unit_enum!(PersonnelStatus { 0 => Pending, 1 => Active, 2 => Suspended, 3 => Removed });

/// What kind of organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// An AI lab that registers models.
    Lab,
    /// A datacenter or hardware operator.
    Datacenter,
    /// A safety organisation authoring safety modules.
    SafetyOrg,
    /// An auditing body.
    Auditor,
}
codec_unit_enum!(OrganisationKind { 0 => Lab, 1 => Datacenter, 2 => SafetyOrg, 3 => Auditor });

/// A nation or supranational body holding seats.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// Short id, e.g. `fr` or `eu`.
    pub id: Slug,
    /// Display name.
    pub name: BoundedString<128>,
    /// Seats per tier: `seats_per_tier[t-1]` seats at tier `t`.
    pub seats_per_tier: BoundedVec<u16, { TIER_MAX as usize }>,
}
codec_struct!(Member {
    id,
    name,
    seats_per_tier
});

/// An AI lab, datacenter operator or safety organisation under a member's jurisdiction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Short id.
    pub id: Slug,
    /// Display name.
    pub name: BoundedString<128>,
    /// The member whose jurisdiction it is under.
    pub member: Slug,
    /// What it is.
    pub kind: OrganisationKind,
}
codec_struct!(Organisation {
    id,
    name,
    member,
    kind
});

/// A vetted (or pending) person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Personnel {
    /// The account (Ed25519 key) the person signs with.
    pub account: PublicKey,
    /// The member that nominated them.
    pub member: Slug,
    /// Their organisation, if any.
    pub organisation: Option<Slug>,
    /// Their roles.
    pub roles: Roles,
    /// Their tier (1 = highest).
    pub tier: u8,
    /// Display name.
    pub name: BoundedString<128>,
    /// Digest of the vetting credential (kept off chain).
    pub credential: Hash,
    /// Where they stand.
    pub status: PersonnelStatus,
    /// Height at which they registered (0 for genesis personnel).
    pub registered_height: u64,
    /// Block time (ms since the Unix epoch) at which their term ends.
    pub term_expires_ms: u64,
}
codec_struct!(Personnel {
    account,
    member,
    organisation,
    roles,
    tier,
    name,
    credential,
    status,
    registered_height,
    term_expires_ms
});

/// Apply to become personnel of `member`. The sender's key becomes the person's account. The
/// system pool sponsors this call, so a newcomer needs no gas to apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterPersonnel {
    /// The nominating member.
    pub member: Slug,
    /// Organisation, if any (must be under `member`).
    pub organisation: Option<Slug>,
    /// Requested roles (non-empty).
    pub roles: Roles,
    /// Requested tier, 1..=[TIER_MAX].
    pub tier: u8,
    /// Display name.
    pub name: BoundedString<128>,
    /// Digest of the vetting credential.
    pub credential: Hash,
}
codec_struct!(RegisterPersonnel {
    member,
    organisation,
    roles,
    tier,
    name,
    credential
});

/// Calls of the personnel module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonnelCall {
    /// Apply for membership as personnel.
    Register(RegisterPersonnel),
}
codec_enum!(PersonnelCall { 0 => Register(RegisterPersonnel) });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Encode;

    #[test]
    fn roles_round_trip_and_reject_unknown_bits() {
        let r = Roles::from_roles(&[Role::Policy, Role::TreasuryOfficer]);
        assert_eq!(crate::codec::decode_slice::<Roles>(&r.encode()).unwrap(), r);
        assert!(crate::codec::decode_slice::<Roles>(&[0x80u8]).is_err());
        assert_eq!(
            "treasury-officer".parse::<Role>().unwrap(),
            Role::TreasuryOfficer
        );
        assert!("king".parse::<Role>().is_err());
    }
}
