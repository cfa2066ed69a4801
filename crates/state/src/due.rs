//! A due-queue over block time: ids scheduled into one-minute buckets, walked by an end-of-block
//! hook behind a cursor, a bounded amount per block. Periodic inspections falling due
//! ([crate::hardware]) and integrity challenges and their deadlines ([crate::integrity]) use it,
//! so no hook ever scans all hardware.
//!
//! Entries are never removed early: whoever pops an id re-checks the entity, so a stale entry
//! (the hardware was re-inspected, the challenge answered) costs one read and is skipped.

use crate::store::{Overlay, StateRead, StoreError, get_typed};

/// Width of a due bucket: entries are popped at most this late.
pub const DUE_BUCKET_MS: u64 = 60_000;
/// Most buckets one pop walks (catching up after a pause takes a few blocks).
const BUCKETS_PER_POP: u64 = 256;
/// Most entries one pop returns.
const ENTRIES_PER_POP: u64 = 1_024;

/// Where a queue's entries live; each module keeps them under its own prefix.
pub(crate) struct DueKeys {
    /// Number of entries in a bucket.
    pub count: fn(u64) -> Vec<u8>,
    /// Entry `n` of a bucket.
    pub at: fn(u64, u64) -> Vec<u8>,
    /// The walking cursor.
    pub cursor: fn() -> Vec<u8>,
    /// Entries not yet walked.
    pub total: fn() -> Vec<u8>,
}

/// Where the walk stands: the next bucket and how far into it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct DueCursor {
    bucket: u64,
    offset: u64,
}
aigov_types::codec_struct!(DueCursor { bucket, offset });

/// Puts `id` into the bucket of `due_ms` (never behind the cursor). With nothing scheduled the
/// cursor jumps to `now_ms`, so an idle queue costs no walk and no write.
pub(crate) async fn schedule<S: StateRead>(
    o: &mut Overlay<'_, S>,
    k: &DueKeys,
    id: u64,
    due_ms: u64,
    now_ms: u64,
) -> Result<(), StoreError> {
    let total = get_typed::<u64>(o, &(k.total)()).await?.unwrap_or(0);
    let cursor = if total == 0 {
        let c = DueCursor {
            bucket: now_ms / DUE_BUCKET_MS,
            offset: 0,
        };
        o.put_typed((k.cursor)(), &c);
        c
    } else {
        get_typed::<DueCursor>(o, &(k.cursor)())
            .await?
            .unwrap_or_default()
    };
    let bucket = (due_ms / DUE_BUCKET_MS).max(cursor.bucket);
    let n = get_typed::<u64>(o, &(k.count)(bucket)).await?.unwrap_or(0);
    o.put_typed((k.at)(bucket, n), &id);
    o.put_typed((k.count)(bucket), &(n + 1));
    o.put_typed((k.total)(), &(total + 1));
    Ok(())
}

/// Removes and returns the ids of the buckets that ended before `now_ms`, in schedule order,
/// at most [ENTRIES_PER_POP] over at most [BUCKETS_PER_POP] buckets (the rest wait for the
/// next block). Writes nothing while nothing is scheduled.
pub(crate) async fn pop_due<S: StateRead>(
    o: &mut Overlay<'_, S>,
    k: &DueKeys,
    now_ms: u64,
) -> Result<Vec<u64>, StoreError> {
    let total = get_typed::<u64>(o, &(k.total)()).await?.unwrap_or(0);
    let mut out = Vec::new();
    if total == 0 {
        return Ok(out);
    }
    let now_bucket = now_ms / DUE_BUCKET_MS;
    let start = get_typed::<DueCursor>(o, &(k.cursor)())
        .await?
        .unwrap_or_default();
    let mut cur = start;
    let (mut buckets, mut entries) = (0u64, 0u64);
    while cur.bucket < now_bucket
        && buckets < BUCKETS_PER_POP
        && entries < ENTRIES_PER_POP
        && entries < total
    {
        let n = get_typed::<u64>(o, &(k.count)(cur.bucket))
            .await?
            .unwrap_or(0);
        while cur.offset < n && entries < ENTRIES_PER_POP {
            let key = (k.at)(cur.bucket, cur.offset);
            if let Some(id) = get_typed::<u64>(o, &key).await? {
                out.push(id);
            }
            o.delete(key);
            cur.offset += 1;
            entries += 1;
        }
        if cur.offset >= n {
            if n > 0 {
                o.delete((k.count)(cur.bucket));
            }
            cur.bucket += 1;
            cur.offset = 0;
            buckets += 1;
        }
    }
    if cur != start {
        o.put_typed((k.cursor)(), &cur);
    }
    if entries > 0 {
        o.put_typed((k.total)(), &total.saturating_sub(entries));
    }
    Ok(out)
}
