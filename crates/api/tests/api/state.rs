//! Typed state reads, registry lists and blocks.

use crate::support::*;
use aigov_api::MAX_PAGE_LIMIT;
use aigov_types::api::{BlockResponse, PersonnelPage, StateResponse, SubmitTxResponse};
use aigov_types::codec::Encode;
use aigov_types::event::{Event, EventRecord};
use aigov_types::genesis::Params;
use aigov_types::personnel::{Member, Organisation, Personnel, PersonnelStatus};
use aigov_types::{Account, Receipt};

#[tokio::test]
async fn typed_reads_decode_state() {
    let b = TestBackend::started().await;
    let app = aigov_api::router(b.clone());
    let alice = pk("alice");

    let r: StateResponse<Account> = get(&app, &format!("/v1/state/accounts/{alice}"))
        .await
        .json();
    assert_eq!(
        r.value,
        Some(Account {
            nonce: 0,
            gas: ALICE_GAS
        })
    );
    assert_eq!(r.height, b.height());
    assert_eq!(
        r.key,
        hex::encode(aigov_state::accounts::keys::account(&alice))
    );
    assert!(r.proof.is_none());

    let r: StateResponse<Personnel> = get(&app, &format!("/v1/state/personnel/{alice}"))
        .await
        .json();
    let p = r.value.unwrap();
    assert_eq!(
        (p.account, p.status, p.tier),
        (alice, PersonnelStatus::Active, 1)
    );

    let r: StateResponse<Member> = get(&app, "/v1/state/members/fr").await.json();
    assert_eq!(r.value.unwrap().seats_per_tier.as_slice(), &[2, 3, 5]);

    let r: StateResponse<Organisation> = get(&app, "/v1/state/organisations/lab-one").await.json();
    assert_eq!(r.value.unwrap().member.as_str(), "fr");

    let r: StateResponse<u64> = get(&app, "/v1/state/pool").await.json();
    assert_eq!(r.value, Some(POOL_GAS));

    let r: StateResponse<Params> = get(&app, "/v1/state/params?prove=false").await.json();
    assert_eq!(r.value, Some(Params::default()));

    let r: StateResponse<EventRecord> = get(&app, "/v1/state/events/0").await.json();
    let e = r.value.unwrap();
    assert_eq!(e.index, 0);
    assert!(matches!(e.event, Event::GenesisApplied(_)));

    // Raw: the pool key, value as hex of the stored bytes.
    let key = hex::encode(aigov_state::accounts::keys::pool());
    let r: StateResponse<String> = get(&app, &format!("/v1/state/raw/{key}?prove=true"))
        .await
        .json();
    assert_eq!(r.value, Some(hex::encode(POOL_GAS.encode())));
    assert_eq!(r.key, key);

    // A receipt, after a transaction.
    let raw = register(&key_of("dana"), 0, "fr");
    let hash = submit_raw(&app, &raw).await.json::<SubmitTxResponse>().hash;
    b.produce_block().await;
    let r: StateResponse<Receipt> = get(&app, &format!("/v1/state/receipts/{hash}"))
        .await
        .json();
    assert_eq!(r.value.unwrap().hash, hash);
    // The pool paid for it.
    let r: StateResponse<u64> = get(&app, "/v1/state/pool").await.json();
    assert!(r.value.unwrap() < POOL_GAS);
}

fn key_of(name: &str) -> aigov_types::PrivateKey {
    key(name)
}

#[tokio::test]
async fn absent_entries_are_null_not_404() {
    let app = aigov_api::router(TestBackend::started().await);
    let nobody = pk("nobody");
    for uri in [
        format!("/v1/state/accounts/{nobody}"),
        format!("/v1/state/personnel/{nobody}?prove=true"),
        "/v1/state/members/zz".to_string(),
        "/v1/state/organisations/none".to_string(),
        format!("/v1/state/receipts/{}", "cd".repeat(32)),
        "/v1/state/events/999999".to_string(),
        "/v1/state/raw/0102".to_string(),
    ] {
        let r = get(&app, &uri).await;
        assert_eq!(r.status, 200, "{uri}: {}", r.text());
        let v = r.value();
        assert!(v["value"].is_null(), "{uri}: {v}");
        assert!(v["height"].as_u64().unwrap() >= 1);
        assert!(v.get("proof").is_none(), "no proof from this backend: {v}");
    }
}

#[tokio::test]
async fn malformed_path_and_query_parameters_are_400() {
    let app = aigov_api::router(TestBackend::started().await);
    let long_key = "ab".repeat(257);
    for uri in [
        "/v1/state/accounts/xyz",
        "/v1/state/accounts/00",
        "/v1/state/personnel/not-a-key",
        "/v1/state/members/FR",
        "/v1/state/members/a%20b",
        "/v1/state/organisations/toolong-toolong-toolong-toolong-x",
        "/v1/state/receipts/1234",
        "/v1/state/events/-1",
        "/v1/state/events/1.5",
        "/v1/state/events/18446744073709551616",
        "/v1/state/raw/zz",
        "/v1/state/raw/abc",
        &format!("/v1/state/raw/{long_key}"),
        "/v1/state/pool?prove=maybe",
        "/v1/blocks/abc",
        "/v1/blocks/-3",
        "/v1/txs/not-hex",
        "/v1/personnel?limit=-1",
        "/v1/personnel?offset=x",
        "/v1/events?from=nope",
        "/v1/events/stream?from=-1",
        "/v1/log/proof",
        "/v1/log/proof?index=x",
        "/v1/log/consistency",
    ] {
        let r = get(&app, uri).await;
        r.error(400, "bad_request");
    }
}

#[tokio::test]
async fn registry_lists_and_personnel_paging() {
    let b = TestBackend::started().await;
    let app = aigov_api::router(b.clone());
    let members: Vec<Member> = get(&app, "/v1/members").await.json();
    let ids: Vec<_> = members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids, ["fr", "de"]);
    let orgs: Vec<Organisation> = get(&app, "/v1/organisations").await.json();
    assert_eq!(orgs.len(), 1);

    let names = ["p0", "p1", "p2", "p3"];
    let raws: Vec<_> = names.iter().map(|n| register(&key(n), 0, "fr")).collect();
    b.execute(&raws).await;

    let page: PersonnelPage = get(&app, "/v1/personnel").await.json();
    assert_eq!((page.total, page.offset, page.limit), (5, 0, 100));
    assert_eq!(page.personnel.len(), 5);
    assert_eq!(page.personnel[0].account, pk("alice"));

    let page: PersonnelPage = get(&app, "/v1/personnel?offset=1&limit=2").await.json();
    let got: Vec<_> = page.personnel.iter().map(|p| p.account.clone()).collect();
    assert_eq!(got, [pk("p0"), pk("p1")]);
    assert_eq!(page.total, 5);

    let page: PersonnelPage = get(&app, "/v1/personnel?offset=10").await.json();
    assert!(page.personnel.is_empty());
    let page: PersonnelPage = get(&app, "/v1/personnel?limit=5000").await.json();
    assert_eq!(page.limit, MAX_PAGE_LIMIT);
    let page: PersonnelPage = get(
        &app,
        &format!("/v1/personnel?offset={}&limit={}", u64::MAX, u64::MAX),
    )
    .await
    .json();
    assert!(page.personnel.is_empty());
}

#[tokio::test]
async fn blocks_latest_by_height_and_missing() {
    let b = TestBackend::started().await;
    let app = aigov_api::router(b.clone());
    b.produce_block().await;
    let latest: BlockResponse = get(&app, "/v1/blocks/latest").await.json();
    assert_eq!(latest.header.height, 2);
    let first: BlockResponse = get(&app, "/v1/blocks/1").await.json();
    assert_eq!(first.header.height, 1);
    assert_eq!(latest.header.parent, first.header.digest);
    get(&app, "/v1/blocks/99").await.error(404, "not_found");
}
