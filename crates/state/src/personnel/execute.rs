//! Execution of personnel calls and genesis seating.
use super::{PersonnelError, keys, queries};
use crate::app::TxCtx;
use crate::error::CallError;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use aigov_types::event::{
    Event, MemberAdmitted, OrganisationAdded, PersonnelRegistered, PersonnelStatusChanged,
    PersonnelTermRenewed, PersonnelTierChanged,
};
use aigov_types::personnel::{
    Member, Organisation, Personnel, PersonnelStatus, RegisterPersonnel, TIER_MAX,
};
use aigov_types::{PublicKey, Slug};

/// Appends `item` to a `count` + `idx/<n>` list.
async fn push_index<S: StateRead>(
    o: &mut Overlay<'_, S>,
    count_key: Vec<u8>,
    at: impl Fn(u64) -> Vec<u8>,
    item: &impl aigov_types::codec::Encode,
) -> Result<(), StoreError> {
    let n = get_typed::<u64>(o, &count_key).await?.unwrap_or(0);
    o.put_typed(at(n), item);
    o.put_typed(count_key, &(n + 1));
    Ok(())
}

/// Checks the member, organisation, tier and roles of a (prospective) person.
async fn check_affiliation(
    o: &impl StateRead,
    member: &Slug,
    organisation: Option<&Slug>,
    tier: u8,
    no_roles: bool,
) -> Result<(), CallError> {
    if no_roles {
        return Err(PersonnelError::NoRoles.into());
    }
    if tier == 0 || tier > TIER_MAX {
        return Err(PersonnelError::InvalidTier {
            tier,
            max: TIER_MAX,
        }
        .into());
    }
    let Some(m) = queries::member(o, member).await? else {
        return Err(PersonnelError::UnknownMember(member.clone()).into());
    };
    if m.seats_per_tier
        .as_slice()
        .get(usize::from(tier) - 1)
        .copied()
        .unwrap_or(0)
        == 0
    {
        return Err(PersonnelError::NoSeatsAtTier {
            member: member.clone(),
            tier,
        }
        .into());
    }
    if let Some(org) = organisation {
        let Some(o) = queries::organisation(o, org).await? else {
            return Err(PersonnelError::UnknownOrganisation(org.clone()).into());
        };
        if o.member != *member {
            return Err(PersonnelError::OrganisationMemberMismatch {
                organisation: org.clone(),
                actual: o.member,
                requested: member.clone(),
            }
            .into());
        }
    }
    Ok(())
}

/// `personnel.register`: the sender applies; the record starts `Pending`.
pub(crate) async fn register<S: StateRead>(
    cx: &mut TxCtx<'_, S>,
    sender: &PublicKey,
    call: &RegisterPersonnel,
) -> Result<(), CallError> {
    if queries::personnel(&cx.overlay, sender).await?.is_some() {
        return Err(PersonnelError::AlreadyRegistered(sender.clone()).into());
    }
    check_affiliation(
        &cx.overlay,
        &call.member,
        call.organisation.as_ref(),
        call.tier,
        call.roles.is_empty(),
    )
    .await?;
    let person = Personnel {
        account: sender.clone(),
        member: call.member.clone(),
        organisation: call.organisation.clone(),
        roles: call.roles,
        tier: call.tier,
        name: call.name.clone(),
        credential: call.credential,
        status: PersonnelStatus::Pending,
        registered_height: cx.block.height,
        term_expires_ms: cx.block.time_ms.saturating_add(cx.params.personnel_term_ms),
    };
    insert(&mut cx.overlay, &person).await?;
    cx.events
        .push(Event::PersonnelRegistered(PersonnelRegistered {
            account: person.account,
            member: person.member,
            roles: person.roles,
            tier: person.tier,
            status: person.status,
        }));
    Ok(())
}

async fn insert<S: StateRead>(
    o: &mut Overlay<'_, S>,
    person: &Personnel,
) -> Result<(), StoreError> {
    o.put_typed(keys::personnel(&person.account), person);
    push_index(
        o,
        keys::personnel_count(),
        keys::personnel_at,
        &person.account,
    )
    .await
}

/// Genesis: admits a member.
pub(crate) async fn admit_member<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    member: &Member,
) -> Result<(), CallError> {
    if queries::member(o, &member.id).await?.is_some() {
        return Err(PersonnelError::Duplicate {
            kind: "member",
            id: member.id.to_string(),
        }
        .into());
    }
    o.put_typed(keys::member(&member.id), member);
    push_index(o, keys::member_count(), keys::member_at, &member.id).await?;
    events.push(Event::MemberAdmitted(MemberAdmitted {
        member: member.id.clone(),
        name: member.name.clone(),
    }));
    Ok(())
}

/// Genesis: adds an organisation under an existing member.
pub(crate) async fn add_organisation<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    org: &Organisation,
) -> Result<(), CallError> {
    if queries::organisation(o, &org.id).await?.is_some() {
        return Err(PersonnelError::Duplicate {
            kind: "organisation",
            id: org.id.to_string(),
        }
        .into());
    }
    if queries::member(o, &org.member).await?.is_none() {
        return Err(PersonnelError::UnknownMember(org.member.clone()).into());
    }
    o.put_typed(keys::organisation(&org.id), org);
    push_index(
        o,
        keys::organisation_count(),
        keys::organisation_at,
        &org.id,
    )
    .await?;
    events.push(Event::OrganisationAdded(OrganisationAdded {
        organisation: org.id.clone(),
        member: org.member.clone(),
    }));
    Ok(())
}

/// Genesis: seats a person as `Active`.
pub(crate) async fn seat_genesis_personnel<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    person: Personnel,
) -> Result<(), CallError> {
    if queries::personnel(o, &person.account).await?.is_some() {
        return Err(PersonnelError::Duplicate {
            kind: "personnel",
            id: person.account.to_string(),
        }
        .into());
    }
    check_affiliation(
        o,
        &person.member,
        person.organisation.as_ref(),
        person.tier,
        person.roles.is_empty(),
    )
    .await?;
    insert(o, &person).await?;
    events.push(Event::PersonnelRegistered(PersonnelRegistered {
        account: person.account,
        member: person.member,
        roles: person.roles,
        tier: person.tier,
        status: person.status,
    }));
    Ok(())
}

/// True if a person may go from `from` to `to`: Pending or Suspended → Active (vetting,
/// reinstatement), Active → Suspended, and anything but Removed → Removed. These are the only
/// status edges; only executed governance proposals take them.
pub fn transition_allowed(from: PersonnelStatus, to: PersonnelStatus) -> bool {
    use PersonnelStatus::*;
    matches!(
        (from, to),
        (Pending | Suspended, Active)
            | (Active, Suspended)
            | (Pending | Active | Suspended, Removed)
    )
}

/// The person `account`, or [PersonnelError::UnknownPersonnel].
async fn existing(s: &impl StateRead, account: &PublicKey) -> Result<Personnel, CallError> {
    queries::personnel(s, account)
        .await?
        .ok_or_else(|| PersonnelError::UnknownPersonnel(account.clone()).into())
}

/// Checks that `account` may go to status `to` now; returns the record.
pub(crate) async fn check_status_change(
    s: &impl StateRead,
    account: &PublicKey,
    to: PersonnelStatus,
) -> Result<Personnel, CallError> {
    let person = existing(s, account).await?;
    if !transition_allowed(person.status, to) {
        return Err(PersonnelError::InvalidTransition {
            account: account.clone(),
            from: person.status,
            to,
        }
        .into());
    }
    Ok(person)
}

/// Moves `account` to status `to` (governance origin), emitting `PersonnelStatusChanged`.
pub(crate) async fn set_status<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    account: &PublicKey,
    to: PersonnelStatus,
) -> Result<(), CallError> {
    let mut person = check_status_change(o, account, to).await?;
    let from = person.status;
    person.status = to;
    o.put_typed(keys::personnel(account), &person);
    events.push(Event::PersonnelStatusChanged(PersonnelStatusChanged {
        account: account.clone(),
        from,
        to,
    }));
    Ok(())
}

/// Checks that `account` may move to `tier` now (a valid tier with seats at their member, not
/// their current one, not removed); returns the record.
pub(crate) async fn check_tier_change(
    s: &impl StateRead,
    account: &PublicKey,
    tier: u8,
) -> Result<Personnel, CallError> {
    let person = existing(s, account).await?;
    if person.status == PersonnelStatus::Removed {
        return Err(PersonnelError::Removed(account.clone()).into());
    }
    if person.tier == tier {
        return Err(PersonnelError::TierUnchanged {
            account: account.clone(),
            tier,
        }
        .into());
    }
    check_affiliation(s, &person.member, None, tier, person.roles.is_empty()).await?;
    Ok(person)
}

/// Moves `account` to `tier` (governance origin), emitting `PersonnelTierChanged`.
pub(crate) async fn set_tier<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    account: &PublicKey,
    tier: u8,
) -> Result<(), CallError> {
    let mut person = check_tier_change(o, account, tier).await?;
    let from = person.tier;
    person.tier = tier;
    o.put_typed(keys::personnel(account), &person);
    events.push(Event::PersonnelTierChanged(PersonnelTierChanged {
        account: account.clone(),
        from,
        to: tier,
    }));
    Ok(())
}

/// Checks that `account` may have its term renewed (exists, not removed); returns the record.
pub(crate) async fn check_renewal(
    s: &impl StateRead,
    account: &PublicKey,
) -> Result<Personnel, CallError> {
    let person = existing(s, account).await?;
    if person.status == PersonnelStatus::Removed {
        return Err(PersonnelError::Removed(account.clone()).into());
    }
    Ok(person)
}

/// Starts a new term for `account` ending at `term_expires_ms` (governance origin: re-vetting),
/// emitting `PersonnelTermRenewed`.
pub(crate) async fn renew_term<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    account: &PublicKey,
    term_expires_ms: u64,
) -> Result<(), CallError> {
    let mut person = check_renewal(o, account).await?;
    person.term_expires_ms = term_expires_ms;
    o.put_typed(keys::personnel(account), &person);
    events.push(Event::PersonnelTermRenewed(PersonnelTermRenewed {
        account: account.clone(),
        term_expires_ms,
    }));
    Ok(())
}
