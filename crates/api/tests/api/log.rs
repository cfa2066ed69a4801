//! Event pages, the checkpoint, and RFC 6962 inclusion and consistency proofs.

use crate::support::*;
use aigov_types::api::{
    CheckpointResponse, ConsistencyResponse, EventsResponse, InclusionResponse,
};
use aigov_types::codec::Encode;
use aigov_types::log::{leaf_hash, verify_consistency, verify_inclusion};

/// A backend with a few blocks of events.
async fn busy() -> TestBackend {
    let b = TestBackend::started().await;
    b.execute(&[register(&key("p0"), 0, "fr"), register(&key("p1"), 0, "de")])
        .await;
    b.execute(&[register(&key("p2"), 0, "fr")]).await;
    b
}

#[tokio::test]
async fn events_are_paged_in_log_order() {
    let b = busy().await;
    let app = aigov_api::router(b.clone());
    let size = b.log_size();
    assert!(size > 10);

    let all: EventsResponse = get(&app, "/v1/events").await.json();
    assert_eq!(all.log_size, size);
    assert_eq!(all.events.len() as u64, size);
    for (i, e) in all.events.iter().enumerate() {
        assert_eq!(e.index, i as u64);
    }

    let page: EventsResponse = get(&app, "/v1/events?from=3&limit=4").await.json();
    let idx: Vec<u64> = page.events.iter().map(|e| e.index).collect();
    assert_eq!(idx, [3, 4, 5, 6]);
    assert_eq!(page.events, all.events[3..7]);

    let tail: EventsResponse = get(&app, &format!("/v1/events?from={}", size - 2))
        .await
        .json();
    assert_eq!(tail.events.len(), 2);
    let past: EventsResponse = get(&app, &format!("/v1/events?from={}", size + 5))
        .await
        .json();
    assert!(past.events.is_empty());
    let none: EventsResponse = get(&app, "/v1/events?limit=0").await.json();
    assert!(none.events.is_empty());
    let huge: EventsResponse = get(
        &app,
        &format!("/v1/events?from={}&limit={}", u64::MAX, u64::MAX),
    )
    .await
    .json();
    assert!(huge.events.is_empty());
}

#[tokio::test]
async fn events_limit_is_capped() {
    let b = TestBackend::started().await;
    // 1000+ events: genesis plus 8 registrations (2 events each) per block.
    let mut n = 0;
    while b.log_size() <= 1010 {
        let raws: Vec<_> = (0..8)
            .map(|i| {
                n += 1;
                register(&key(&format!("k{n}-{i}")), 0, "fr")
            })
            .collect();
        b.execute(&raws).await;
    }
    let app = aigov_api::router(b.clone());
    let page: EventsResponse = get(&app, "/v1/events?limit=5000").await.json();
    assert_eq!(page.events.len(), 1000);
    let page: EventsResponse = get(&app, "/v1/events").await.json();
    assert_eq!(page.events.len(), 100);
}

#[tokio::test]
async fn inclusion_proofs_verify() {
    let b = busy().await;
    let app = aigov_api::router(b.clone());
    let size = b.log_size();
    let cp: CheckpointResponse = get(&app, "/v1/log/checkpoint").await.json();
    assert_eq!(cp.size, size);

    // Default size: the current log; every index.
    for index in 0..size {
        let p: InclusionResponse = get(&app, &format!("/v1/log/proof?index={index}"))
            .await
            .json();
        assert_eq!((p.size, p.root), (size, cp.root));
        assert_eq!(p.event.index, index);
        let leaf = hex::decode(&p.leaf).unwrap();
        assert_eq!(leaf, p.event.encode().to_vec());
        assert!(verify_inclusion(
            index,
            p.size,
            &leaf_hash(&leaf),
            &p.path,
            &p.root
        ));
        // Tampered leaf fails.
        assert!(!verify_inclusion(
            index,
            p.size,
            &leaf_hash(b"x"),
            &p.path,
            &p.root
        ));
    }
    // An older tree size.
    for s in [1, 2, 7, size - 1] {
        let p: InclusionResponse = get(&app, &format!("/v1/log/proof?index=0&size={s}"))
            .await
            .json();
        assert_eq!(p.size, s);
        let leaf = hex::decode(&p.leaf).unwrap();
        assert!(verify_inclusion(0, s, &leaf_hash(&leaf), &p.path, &p.root));
    }
}

#[tokio::test]
async fn inclusion_proof_ranges_are_checked() {
    let b = busy().await;
    let app = aigov_api::router(b.clone());
    let size = b.log_size();
    for q in [
        format!("index={size}"),
        format!("index=0&size={}", size + 1),
        "index=0&size=0".to_string(),
        "index=5&size=5".to_string(),
        format!("index={}", u64::MAX),
    ] {
        get(&app, &format!("/v1/log/proof?{q}"))
            .await
            .error(400, "bad_request");
    }
}

#[tokio::test]
async fn consistency_proofs_verify() {
    let b = TestBackend::started().await;
    let app = aigov_api::router(b.clone());
    let first: CheckpointResponse = get(&app, "/v1/log/checkpoint").await.json();
    b.execute(&[register(&key("p0"), 0, "fr")]).await;
    b.execute(&[register(&key("p1"), 0, "fr")]).await;
    let second: CheckpointResponse = get(&app, "/v1/log/checkpoint").await.json();
    assert!(second.size > first.size);

    let p: ConsistencyResponse = get(
        &app,
        &format!("/v1/log/consistency?from={}&to={}", first.size, second.size),
    )
    .await
    .json();
    assert_eq!((p.from_root, p.to_root), (first.root, second.root));
    assert!(verify_consistency(
        p.from,
        p.to,
        &p.from_root,
        &p.to_root,
        &p.path
    ));
    assert!(!verify_consistency(
        p.from,
        p.to,
        &leaf_hash(b"x"),
        &p.to_root,
        &p.path
    ));

    // `to` defaults to the current size; every `from` verifies.
    for from in 1..=second.size {
        let p: ConsistencyResponse = get(&app, &format!("/v1/log/consistency?from={from}"))
            .await
            .json();
        assert_eq!(p.to, second.size);
        assert!(
            verify_consistency(from, p.to, &p.from_root, &p.to_root, &p.path),
            "{from}"
        );
    }

    for q in [
        "from=0".to_string(),
        format!("from={}", second.size + 1),
        format!("from=1&to={}", second.size + 1),
        "from=3&to=2".to_string(),
    ] {
        get(&app, &format!("/v1/log/consistency?{q}"))
            .await
            .error(400, "bad_request");
    }
}
