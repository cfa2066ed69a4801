//! The consensus committee (issue 8): what the reshare actor's `ParticipantsProvider` reads
//! from finalized state to learn each epoch's committee and directory.
//!
//! - **Entities**: the committee as last voted (`pending`); the committee of each epoch `e`
//!   (`participants(e)`), a snapshot written exactly once; each validator key's address
//!   history; `blocks_per_epoch` from genesis.
//! - **Genesis**: the committee is genesis' validators, and so are the snapshots of epochs 0
//!   and 1 (the players and next players of genesis' epoch-0 `EpochInfo`); every address holds
//!   from epoch 0.
//! - **Actions**: `set_validators` (System) removes and adds validators. The new committee
//!   must have from [MIN_VOTED_VALIDATORS] to [MAX_COMMITTEE] distinct keys, each run by an
//!   admitted member at an address the reshare directory can carry: the reshare actor panics
//!   on an empty or oversized committee or a directory it cannot build, so nothing a vote can
//!   pass may reach it.
//! - **Snapshots** ([end_block], after governance): at the block before the midpoint of epoch
//!   `k`, the committee as voted becomes the committee of epoch `k + 2`. The actor asks for it
//!   only after that block is final on every honest node, and nothing rewrites it, so every
//!   node reads the same committee whatever its finalized height.
//! - **Addresses**: a change executed up to that block shows in the directory of `k + 1`, a
//!   later one in that of `k + 2` (both are fixed by then); entries no future directory can
//!   read are dropped, so a key keeps at most two.
//! - **Events**: `ValidatorsVoted`.
//!
//! [MIN_VOTED_VALIDATORS]: aigov_types::reshare::MIN_VOTED_VALIDATORS

mod error;
pub mod keys;

pub use error::ValidatorError;

use crate::error::{CallError, ExecError};
use crate::personnel;
use crate::store::{Overlay, StateRead, StoreError, get_typed};
use aigov_types::PublicKey;
use aigov_types::codec::{BoundedString, BoundedVec};
use aigov_types::event::Event;
use aigov_types::genesis::Genesis;
use aigov_types::reshare::{
    MIN_BLOCKS_PER_EPOCH, MIN_VOTED_VALIDATORS, address_effective_epoch, committee_effective_epoch,
    directory_address, epoch_of, snapshot_epoch,
};
use aigov_types::validators::{
    AddressEntry, AddressHistory, MAX_COMMITTEE, SetValidators, ValidatorSet, ValidatorsVoted,
};
use std::collections::BTreeSet;

/// The committee as last voted (genesis' validators until a vote).
pub async fn pending(s: &impl StateRead) -> Result<ValidatorSet, StoreError> {
    Ok(get_typed(s, &keys::pending()).await?.unwrap_or_default())
}

/// The committee of epoch `epoch` (`participants(epoch)`), once its snapshot is written.
pub async fn committee(s: &impl StateRead, epoch: u64) -> Result<Option<ValidatorSet>, StoreError> {
    get_typed(s, &keys::committee(epoch)).await
}

/// Blocks per epoch (0 before genesis is applied).
pub async fn blocks_per_epoch(s: &impl StateRead) -> Result<u64, StoreError> {
    Ok(get_typed(s, &keys::blocks_per_epoch()).await?.unwrap_or(0))
}

/// The address history of validator key `who` (empty for a key never in a committee).
pub async fn address_history(
    s: &impl StateRead,
    who: &PublicKey,
) -> Result<AddressHistory, StoreError> {
    Ok(get_typed(s, &keys::address(who)).await?.unwrap_or_default())
}

/// The address the directory of `epoch` gives `who`: its latest entry from `epoch` or before.
pub async fn address_at(
    s: &impl StateRead,
    who: &PublicKey,
    epoch: u64,
) -> Result<Option<BoundedString<128>>, StoreError> {
    Ok(address_history(s, who)
        .await?
        .iter()
        .rev()
        .find(|e| e.from_epoch <= epoch)
        .map(|e| e.address.clone()))
}

/// Writes genesis' committee: the committee as voted, the snapshots of epochs 0 and 1, every
/// address from epoch 0, and `blocks_per_epoch`.
#[allow(clippy::result_large_err)] // ExecError carries a sender's key, as everywhere else
pub(crate) fn init_genesis<S: StateRead>(
    o: &mut Overlay<'_, S>,
    genesis: &Genesis,
) -> Result<(), ExecError> {
    if genesis.blocks_per_epoch < MIN_BLOCKS_PER_EPOCH {
        return Err(ExecError::Genesis(format!(
            "blocks_per_epoch is {}; it must be at least {MIN_BLOCKS_PER_EPOCH}",
            genesis.blocks_per_epoch
        )));
    }
    let set = ValidatorSet::new(genesis.validators.as_slice().to_vec()).ok_or_else(|| {
        ExecError::Genesis(format!(
            "{} validators; resharing supports at most {MAX_COMMITTEE}",
            genesis.validators.len()
        ))
    })?;
    for v in set.iter() {
        let history: AddressHistory = BoundedVec::truncating(vec![AddressEntry {
            from_epoch: 0,
            address: v.address.clone(),
        }]);
        o.put_typed(keys::address(&v.key), &history);
    }
    o.put_typed(keys::pending(), &set);
    o.put_typed(keys::committee(0), &set);
    o.put_typed(keys::committee(1), &set);
    o.put_typed(keys::blocks_per_epoch(), &genesis.blocks_per_epoch);
    Ok(())
}

/// Checks `set_validators` against the committee as voted and returns the new committee: the
/// kept validators in their order, then the added ones.
pub(crate) async fn check(
    s: &impl StateRead,
    a: &SetValidators,
) -> Result<ValidatorSet, CallError> {
    if a.add.is_empty() && a.remove.is_empty() {
        return Err(ValidatorError::NoChange.into());
    }
    let current = pending(s).await?;
    let mut removed = BTreeSet::new();
    for key in a.remove.iter() {
        if !current.iter().any(|v| v.key == *key) {
            return Err(ValidatorError::NotAValidator(key.clone()).into());
        }
        if !removed.insert(key) {
            return Err(ValidatorError::DuplicateKey(key.clone()).into());
        }
    }
    let mut next: Vec<_> = current
        .iter()
        .filter(|v| !removed.contains(&v.key))
        .cloned()
        .collect();
    let mut keys: BTreeSet<_> = next.iter().map(|v| v.key.clone()).collect();
    for v in a.add.iter() {
        if !keys.insert(v.key.clone()) {
            return Err(ValidatorError::DuplicateKey(v.key.clone()).into());
        }
        if let Err(e) = directory_address(v.address.as_str()) {
            return Err(ValidatorError::InvalidAddress {
                key: v.key.clone(),
                reason: e.to_string(),
            }
            .into());
        }
        next.push(v.clone());
    }
    // Every member of the new committee, kept or added, must be admitted.
    for v in &next {
        if personnel::queries::member(s, &v.member).await?.is_none() {
            return Err(ValidatorError::UnknownMember {
                key: v.key.clone(),
                member: v.member.clone(),
            }
            .into());
        }
    }
    if next.len() < MIN_VOTED_VALIDATORS {
        return Err(ValidatorError::TooFew {
            count: next.len(),
            min: MIN_VOTED_VALIDATORS,
        }
        .into());
    }
    let count = next.len();
    ValidatorSet::new(next).ok_or_else(|| {
        ValidatorError::TooMany {
            count,
            max: MAX_COMMITTEE,
        }
        .into()
    })
}

/// Action `set_validators`, executed by `proposal` at `height`: the committee as voted
/// becomes the new one, and the added validators' addresses enter their histories.
pub(crate) async fn set<S: StateRead>(
    o: &mut Overlay<'_, S>,
    events: &mut Vec<Event>,
    a: &SetValidators,
    proposal: u64,
    height: u64,
) -> Result<(), CallError> {
    let next = check(o, a).await?;
    let bpe = blocks_per_epoch(o).await?;
    for v in a.add.iter() {
        record_address(o, &v.key, &v.address, height, bpe).await?;
    }
    o.put_typed(keys::pending(), &next);
    events.push(Event::ValidatorsVoted(ValidatorsVoted {
        proposal,
        validators: next,
        epoch: committee_effective_epoch(height, bpe).unwrap_or(0),
    }));
    Ok(())
}

/// Gives `who` `address` from the first directory not yet fixed at `height`, keeping only the
/// entries a directory still to be fixed can read: the latest one in force by the next epoch,
/// and any later one.
async fn record_address<S: StateRead>(
    o: &mut Overlay<'_, S>,
    who: &PublicKey,
    address: &BoundedString<128>,
    height: u64,
    bpe: u64,
) -> Result<(), StoreError> {
    let (Some(epoch), Some(from)) = (epoch_of(height, bpe), address_effective_epoch(height, bpe))
    else {
        return Ok(());
    };
    let mut history = address_history(o, who).await?.as_slice().to_vec();
    // A change made earlier in this epoch for the same directory is replaced.
    history.retain(|e| e.from_epoch < from);
    // Directories up to this epoch's are fixed: only the entry in force for the next matters.
    if let Some(i) = history
        .iter()
        .rposition(|e| e.from_epoch <= epoch.saturating_add(1))
    {
        history.drain(..i);
    }
    if history.last().map(|e| &e.address) != Some(address) {
        history.push(AddressEntry {
            from_epoch: from,
            address: address.clone(),
        });
    }
    o.put_typed(keys::address(who), &BoundedVec::<_, 4>::truncating(history));
    Ok(())
}

/// The end-of-block hook, after governance: at the block before its epoch's midpoint, the
/// committee as voted becomes the committee of the epoch after next. A snapshot is never
/// rewritten.
pub(crate) async fn end_block<S: StateRead>(
    o: &mut Overlay<'_, S>,
    height: u64,
) -> Result<(), ExecError> {
    let bpe = blocks_per_epoch(o).await?;
    let Some(epoch) = snapshot_epoch(height, bpe) else {
        return Ok(());
    };
    let target = epoch.saturating_add(2);
    if committee(o, target).await?.is_some() {
        return Err(ExecError::Internal {
            module: "validators",
            message: format!("the committee of epoch {target} is already fixed"),
        });
    }
    let set = pending(o).await?;
    o.put_typed(keys::committee(target), &set);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::MemStore;
    use futures::executor::block_on;

    fn text(s: &str) -> BoundedString<128> {
        BoundedString::new(s).unwrap()
    }

    fn history(o: &Overlay<'_, MemStore>, who: &PublicKey) -> Vec<(u64, String)> {
        block_on(address_history(o, who))
            .unwrap()
            .iter()
            .map(|e| (e.from_epoch, e.address.to_string()))
            .collect()
    }

    /// Each change lands in the first directory not yet fixed; what no future directory can
    /// read is dropped, so a history never holds more than two entries.
    #[test]
    fn address_changes_reach_only_directories_not_yet_fixed() {
        let store = MemStore::default();
        let mut o = Overlay::new(&store);
        let who = aigov_types::PrivateKey::from_seed_bytes([3; 32]).public_key();
        let bpe = 10; // epoch k spans 10k..10k+9, its snapshot block is 10k+4
        let at = |o: &Overlay<'_, MemStore>, e| block_on(address_at(o, &who, e)).unwrap();
        block_on(record_address(&mut o, &who, &text("a:1"), 2, bpe)).unwrap();
        assert_eq!(history(&o, &who), vec![(1, "a:1".into())]);
        assert_eq!(at(&o, 0), None);
        // After epoch 0's snapshot: epoch 1's directory is fixed, so from epoch 2.
        block_on(record_address(&mut o, &who, &text("b:1"), 7, bpe)).unwrap();
        assert_eq!(
            history(&o, &who),
            vec![(1, "a:1".into()), (2, "b:1".into())]
        );
        // Changed again for the same directory: replaced.
        block_on(record_address(&mut o, &who, &text("c:1"), 9, bpe)).unwrap();
        assert_eq!(
            history(&o, &who),
            vec![(1, "a:1".into()), (2, "c:1".into())]
        );
        // Back to what epoch 1 already has: nothing new for epoch 2.
        block_on(record_address(&mut o, &who, &text("a:1"), 9, bpe)).unwrap();
        assert_eq!(history(&o, &who), vec![(1, "a:1".into())]);
        block_on(record_address(&mut o, &who, &text("d:1"), 9, bpe)).unwrap();
        // In epoch 3 before its snapshot: epochs 1 and 2 are fixed and only epoch 4 on reads.
        block_on(record_address(&mut o, &who, &text("e:1"), 31, bpe)).unwrap();
        assert_eq!(
            history(&o, &who),
            vec![(2, "d:1".into()), (4, "e:1".into())]
        );
        assert_eq!(
            (at(&o, 3).unwrap().as_str(), at(&o, 9).unwrap().as_str()),
            ("d:1", "e:1")
        );
        for h in 40..200 {
            let a = format!("h{}:1", h % 3);
            block_on(record_address(&mut o, &who, &text(&a), h, bpe)).unwrap();
            assert!(history(&o, &who).len() <= 2);
        }
    }
}
