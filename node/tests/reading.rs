//! Reading records back over the control API: text search (`GET /v1/records?q=…`) and
//! one record with its provenance (`GET /v1/records/{id}`), its signature verified again
//! from the stored bytes. A node started in process on an in-memory store, the API on
//! `127.0.0.1:0`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::served::Api;
use std::sync::Arc;

use commons_node::store::{
    CommitBatch, CommitStore, IndexedStore, MemoryStore, NewRecord, RedbStore, TextIndex,
};
use commons_protocol::fixtures::{BASE_TIME_MS, sample_practice};
use commons_protocol::{Body, Visibility, decode_stored_record};
use serde_json::{Value, json};

impl Api {
    async fn publish(&self, endpoint: &str, body: Value) -> String {
        let (status, answer) = self
            .post_json(&format!("/v1/publish/{endpoint}"), body)
            .await;
        assert_eq!(status, 201, "{answer}");
        answer["id"].as_str().unwrap().to_owned()
    }

    async fn search(&self, query: &str) -> Vec<String> {
        let (status, page) = self.get_json(&format!("/v1/records?{query}")).await;
        assert_eq!(status, 200, "{page}");
        page["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|record| record["id"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn practice(title: &str, body: &str, themes: &[&str]) -> Value {
    json!({
        "title": title, "summary": "", "body": body, "themes": themes,
        "regions": ["East Africa"], "visibility": "members",
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_every_word_in_case_studies_campaigns_and_alerts() {
    let api = Api::start().await;
    let (_, status) = api.get_json("/v1/status").await;
    assert_eq!(
        status["search_index"], "none",
        "a store in memory keeps no index: {status}"
    );
    every_word_is_found(api).await;
}

/// The same searches on a node whose store has the search index beside it, as every
/// node run from a data dir has: a real redb file and a tantivy index on disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_index_finds_what_the_scan_finds() {
    let (dir, store) = indexed_store();
    every_word_is_found(Api::start_on(store).await).await;
    drop(dir);
}

/// A redb store in a temporary folder with the search index beside it.
fn indexed_store() -> (tempfile::TempDir, Arc<dyn CommitStore>) {
    let dir = tempfile::tempdir().unwrap();
    let network = common::net(3).charter.charter().network_id();
    let store: Arc<dyn CommitStore> =
        Arc::new(RedbStore::open(dir.path().join("store.redb"), network).unwrap());
    let (index, _) = TextIndex::open(&dir.path().join("search-index")).unwrap();
    let indexed: Arc<dyn CommitStore> = Arc::new(IndexedStore::with_index(store, index));
    (dir, indexed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_index_finds_other_forms_of_a_word_in_four_languages() {
    let (dir, store) = indexed_store();
    let api = Api::start_on(store).await;
    let case = |title: &str, language: &str| {
        let mut body = practice(title, "", &[]);
        body["language"] = json!(language);
        body
    };
    let english = api
        .publish("practice", case("Tenants resisting an eviction", "en"))
        .await;
    let spanish = api
        .publish("practice", case("Vecinas frente al desalojo", "es"))
        .await;
    let french = api
        .publish("practice", case("Les familles expulsées du quartier", "fr"))
        .await;
    let portuguese = api
        .publish("practice", case("Comunidades ameaçadas de remoção", "pt"))
        .await;
    let (_, status) = api.get_json("/v1/status").await;
    assert_eq!(status["search_index"], "ready", "{status}");
    assert_eq!(api.search("q=evictions").await, vec![english.clone()]);
    assert_eq!(api.search("q=resisted").await, vec![english.clone()]);
    assert_eq!(api.search("q=desalojos").await, vec![spanish.clone()]);
    assert_eq!(api.search("q=expulsée").await, vec![french.clone()]);
    assert_eq!(api.search("q=ameaçada").await, vec![portuguese.clone()]);
    // The word rule still holds: the beginning of a word finds it.
    assert_eq!(api.search("q=desal").await, vec![spanish]);
    assert!(api.search("q=viction").await.is_empty());
    api.stop().await;
    drop(dir);
}

async fn every_word_is_found(api: Api) {
    let surveys = api
        .publish(
            "practice",
            practice(
                "Tenant-led surveys of eviction risk",
                "Volunteers mapped every household.",
                &["housing"],
            ),
        )
        .await;
    let paralegals = api
        .publish(
            "practice",
            practice(
                "Paralegals at the district court",
                "Tenants answered eviction notices in time.",
                &["legal-aid"],
            ),
        )
        .await;
    let campaign = api
        .publish(
            "campaign",
            json!({"title": "No evictions in the rainy season",
                   "goals": ["A moratorium from June to October"]}),
        )
        .await;
    let alert = api
        .publish(
            "alert",
            json!({"severity": "urgent", "region": "Central America",
                   "title": "Housing defender detained", "body": "Held without a lawyer.",
                   "action_requested": "Write to the regional prosecutor."}),
        )
        .await;
    let response = api
        .publish(
            "respond",
            json!({"alert": alert, "response": "acting",
                   "note": "Our lawyers wrote to the prosecutor today."}),
        )
        .await;

    // Newest first; every word must begin a word of the record, in any case.
    assert_eq!(
        api.search("q=evict").await,
        vec![campaign.clone(), paralegals.clone(), surveys.clone()]
    );
    assert_eq!(
        api.search("q=EVICTION+tenant").await,
        vec![paralegals.clone(), surveys.clone()]
    );
    assert_eq!(
        api.search("q=household%20housing").await,
        vec![surveys.clone()]
    );
    assert_eq!(api.search("q=moratorium").await, vec![campaign.clone()]);
    assert_eq!(
        api.search("q=prosecutor").await,
        vec![response.clone(), alert.clone()]
    );
    assert_eq!(
        api.search("q=prosecutor&kind=alert").await,
        vec![alert.clone()]
    );
    assert_eq!(api.search("q=legal-aid").await, vec![paralegals.clone()]);
    assert_eq!(
        api.search("q=eviction&theme=housing").await,
        vec![surveys.clone()]
    );
    assert!(api.search("q=fisheries").await.is_empty());
    assert!(api.search("q=vict").await.is_empty(), "not inside a word");

    // Paging works as for any listing.
    let (_, first) = api.get_json("/v1/records?q=evict&limit=2").await;
    let next = first["next"].as_str().expect("a second page");
    assert_eq!(
        api.search(&format!("q=evict&limit=2&before={next}")).await,
        vec![surveys.clone()]
    );

    // A retracted record is never found: its content is gone.
    api.publish(
        "retract",
        json!({"target": surveys, "reason": "A resident withdrew consent"}),
    )
    .await;
    assert_eq!(
        api.search("q=evict&kind=practice").await,
        vec![paralegals.clone()]
    );
    assert!(api.search("q=household").await.is_empty());

    // Bounded: too long, too many words, or no words at all is a 400 that says why.
    for (query, expected) in [
        (format!("q={}", "a".repeat(257)), "at most 256"),
        (
            format!(
                "q={}",
                (0..17)
                    .map(|n| format!("w{n}"))
                    .collect::<Vec<_>>()
                    .join("+")
            ),
            "at most 16",
        ),
        ("q=%20--%20".to_owned(), "no words"),
    ] {
        let (status, error) = api.get_json(&format!("/v1/records?{query}")).await;
        assert_eq!(status, 400, "{query}: {error}");
        assert_eq!(error["reason"], "bad_query", "{error}");
        assert!(
            error["error"].as_str().unwrap().contains(expected),
            "{error}"
        );
    }
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_is_shown_with_its_provenance_and_its_signature_checked_again() {
    let api = Api::start().await;
    let id = api
        .publish(
            "practice",
            practice("Water point monitoring", "Weekly logs.", &["water"]),
        )
        .await;
    let (status, shown) = api.get_json(&format!("/v1/records/{id}")).await;
    assert_eq!(status, 200, "{shown}");
    let org = &api.net.orgs[0];
    assert_eq!(shown["retracted"], false);
    assert_eq!(shown["kind"], "practice");
    assert_eq!(shown["seq"], 2);
    assert_eq!(shown["prev"], api.net.delegations[0].id().to_string());
    let provenance = &shown["provenance"];
    assert_eq!(
        provenance["org"],
        json!({"id": org.id().to_string(), "name": org.name, "member": true})
    );
    assert_eq!(
        provenance["device"],
        json!({
            "key": org.device.public().to_string(),
            "label": "office server",
            "delegation": api.net.delegations[0].id().to_string(),
            "revoked_from": null,
            "revoked_at_seq": false,
        })
    );
    assert_eq!(provenance["signature"]["checked"], true);
    assert_eq!(provenance["signature"]["valid"], true, "{shown}");
    assert_eq!(provenance["signature"]["error"], Value::Null);
    assert!(provenance["signature"]["checked_at_ms"].as_u64().unwrap() > BASE_TIME_MS);

    // Retracted: the tombstone, its place in the feed, and the retraction with its
    // reason and its own signature checked.
    let retraction = api
        .publish(
            "retract",
            json!({"target": id, "reason": "It names a resident"}),
        )
        .await;
    let (status, shown) = api.get_json(&format!("/v1/records/{id}")).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["retracted"], true);
    assert_eq!(shown["retraction"], retraction.as_str());
    assert_eq!(shown["org"], org.id().to_string());
    assert_eq!(shown["seq"], 2);
    assert_eq!(shown["prev"], api.net.delegations[0].id().to_string());
    assert!(shown["timestamp_ms"].as_u64().unwrap() > BASE_TIME_MS);
    assert!(shown.get("body").is_none(), "the content is gone: {shown}");
    let record = &shown["retraction_record"];
    assert_eq!(record["id"], retraction.as_str());
    assert_eq!(record["reason"], "It names a resident");
    assert_eq!(record["seq"], 3);
    assert_eq!(record["signature"]["valid"], true);
    assert_eq!(shown["provenance"]["signature"]["checked"], false);
    assert_eq!(shown["provenance"]["org"]["name"], org.name.as_str());

    // Unknown and malformed ids say what to do.
    let unknown = format!("rec_{}", "ab".repeat(32));
    let (status, error) = api.get_json(&format!("/v1/records/{unknown}")).await;
    assert_eq!(status, 404);
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .contains("commons records list"),
        "{error}"
    );
    let (status, error) = api.get_json("/v1/records/rec_12").await;
    assert_eq!(status, 400);
    assert_eq!(error["reason"], "bad_id");
    assert!(
        error["error"]
            .as_str()
            .unwrap()
            .contains("64 lowercase hex digits"),
        "{error}"
    );
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stored_record_whose_signature_no_longer_verifies_is_reported() {
    // The test keeps the store's write side, which the node hands to ingest alone.
    let store = Arc::new(MemoryStore::new());
    let api = Api::start_on(store.clone()).await;
    // A record as a damaged or altered store would hand it back: its payload intact, one
    // bit of its signature flipped, read with the store's decoder, which trusts the
    // store and skips signatures.
    let mut writer = api.net.writers[0].clone();
    let record = writer
        .append(
            Body::Practice(sample_practice(Visibility::Members)),
            BASE_TIME_MS + 60_000,
        )
        .unwrap();
    let mut bytes = record.signed_bytes().to_vec();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    let network = api.net.charter.charter().network_id();
    let altered = decode_stored_record(&bytes, &network).unwrap();
    assert_eq!(altered.id(), record.id());
    store
        .commit(&CommitBatch {
            records: vec![NewRecord {
                record: altered,
                org: api.net.orgs[0].id(),
            }],
            ..CommitBatch::default()
        })
        .unwrap();

    let (status, shown) = api.get_json(&format!("/v1/records/{}", record.id())).await;
    assert_eq!(status, 200, "{shown}");
    let signature = &shown["provenance"]["signature"];
    assert_eq!(signature["checked"], true);
    assert_eq!(signature["valid"], false, "{shown}");
    let error = signature["error"].as_str().unwrap();
    assert!(error.contains("signature"), "{error}");
    assert!(
        error.contains("restore the data dir from a backup"),
        "{error}"
    );
    api.stop().await;
}
