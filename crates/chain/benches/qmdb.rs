//! One block's state writes committed to QMDB (`current::ordered::variable`, the node's state
//! database) on the tokio runtime and a real disk: build the batch, merkleize it, apply it and
//! commit it durably — the per-block cost the node pays after executing transactions. Batches
//! of 100, 1,000 and 10,000 writes of 64-byte values over a database that already holds
//! 100,000 keys (updates of existing keys, the common case: accounts, runs, permits).
//! Kept short: 10 samples, 5 s of measurement each.

use aigov_chain::db::{StateDb, config};
use aigov_types::codec::BoundedBytes;
use aigov_types::proof::{StateKey, StateValue, state_key};
use commonware_runtime::buffer::paged::CacheRef;
use commonware_runtime::{Runner as _, Supervisor as _, tokio};
use commonware_storage::qmdb::floor::Proportional;
use commonware_utils::{NZU16, NZUsize};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::time::{Duration, Instant};

const PRELOAD: u64 = 100_000;

fn key(i: u64) -> StateKey {
    state_key(format!("bench/key/{i}").as_bytes())
}

fn value(i: u64, round: u64) -> StateValue {
    let mut v = vec![0u8; 64];
    v[..8].copy_from_slice(&i.to_be_bytes());
    v[8..16].copy_from_slice(&round.to_be_bytes());
    BoundedBytes::new(v).expect("64 bytes fit")
}

/// Writes `writes` in one batch over `db`, merkleizes, applies and durably commits it.
async fn commit(
    db: StateDb<tokio::Context>,
    writes: impl Iterator<Item = (StateKey, StateValue)>,
) -> StateDb<tokio::Context> {
    let mut batch = db.new_batch();
    for (k, v) in writes {
        batch = batch.write(k, Some(v));
    }
    let batch = batch
        .merkleize(&db, None, &mut Proportional)
        .await
        .expect("merkleize");
    db.apply_batch(batch)
        .await
        .expect("apply")
        .commit()
        .await
        .expect("commit")
}

/// Runs `iters` commits of `size` writes each on a fresh preloaded database; returns the time
/// spent in those commits only.
fn commits(size: u64, iters: u64) -> Duration {
    let dir = std::env::temp_dir().join(format!(
        "aigov-bench-qmdb-{}-{size}-{iters}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let cfg = tokio::Config::new()
        .with_storage_directory(&dir)
        .with_worker_threads(2);
    let elapsed = tokio::Runner::new(cfg).start(|context| async move {
        let page_cache = CacheRef::new(NZU16!(4096), NZUsize!(8192));
        let mut db = StateDb::init(context.child("state"), config("bench", page_cache), None)
            .await
            .expect("the database opens");
        // Preload in blocks of 10,000.
        for chunk in 0..PRELOAD / 10_000 {
            let range = chunk * 10_000..(chunk + 1) * 10_000;
            db = commit(db, range.map(|i| (key(i), value(i, 0)))).await;
        }
        let start = Instant::now();
        for round in 1..=iters {
            // Spread over the preloaded keys, different ones each round.
            let keys = (0..size).map(|j| (round * 7_919 + j * 104_729) % PRELOAD);
            db = commit(db, keys.map(|i| (key(i), value(i, round)))).await;
        }
        let elapsed = start.elapsed();
        db.destroy().await.expect("destroy");
        elapsed
    });
    let _ = std::fs::remove_dir_all(&dir);
    elapsed
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("qmdb_block_commit");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for size in [100u64, 1_000, 10_000] {
        g.throughput(Throughput::Elements(size));
        g.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, &size| {
            b.iter_custom(|iters| commits(size, iters));
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
