//! The control API over real HTTP: a node started in process on an in-memory store,
//! the API served on `127.0.0.1:0`, and a client that speaks to it as the CLI or a
//! script would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::served::{Api, TOKEN, answer};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use commons_node::api;
use commons_node::store::{
    CommitBatch, CommitStore, FeedHead, MemoryStore, PendingRetraction, RecordQuery, Store,
    StoreError, StoreStats, StoredRecord, Tombstone,
};
use commons_protocol::fixtures::{BASE_TIME_MS, sample_practice};
use commons_protocol::text::hex;
use commons_protocol::{
    Body, DeviceKey, FeedEntry, ForkProof, RecordId, VerifiedRecord, Visibility,
};
use reqwest::Response;
use serde_json::{Value, json};

/// How long a test waits for something that should happen at once.
const DEADLINE: Duration = Duration::from_secs(10);

fn practice_json(title: &str, themes: &[&str]) -> Value {
    json!({
        "title": title,
        "summary": "Residents mapped their own settlement.",
        "body": "## What we did\n\nA tenant-led survey.",
        "themes": themes,
        "regions": ["Southeast Asia"],
        "visibility": "public",
    })
}

fn error_reason(body: &Value) -> &str {
    body["reason"].as_str().unwrap_or_default()
}

fn error_message(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_needs_the_token() {
    let api = Api::start().await;
    for path in ["/v1/status", "/metrics", "/v1/records", "/v1/no-such-thing"] {
        let url = format!("{}{path}", api.base);
        let (status, body) = answer(api.client.get(&url).send().await.unwrap()).await;
        assert_eq!(status, 401, "{path}: {body}");
        assert!(error_message(&body).contains("api-token"), "{body}");
        assert_eq!(error_reason(&body), "unauthorized");
        let wrong = api
            .client
            .get(&url)
            .bearer_auth(TOKEN.replace('5', "6"))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status().as_u16(), 401, "{path}");
        assert_eq!(
            wrong.headers().get("www-authenticate").unwrap(),
            "Bearer",
            "{path}"
        );
    }
    let basic = api
        .client
        .get(format!("{}/v1/status", api.base))
        .header("authorization", format!("Basic {TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status().as_u16(), 401);
    let (status, _) = api.get_json("/v1/status").await;
    assert_eq!(status, 200);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_refused_with_a_json_error() {
    let api = Api::start().await;
    let malformed = api
        .post("/v1/publish/practice")
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(malformed).await;
    assert_eq!((status, error_reason(&body)), (400, "bad_json"), "{body}");

    let mut unknown_field = practice_json("A title", &[]);
    unknown_field["colour"] = json!("red");
    let (status, body) = api.post_json("/v1/publish/practice", unknown_field).await;
    assert_eq!((status, error_reason(&body)), (400, "bad_json"), "{body}");
    assert!(error_message(&body).contains("colour"), "{body}");

    let (status, body) = api
        .post_json(
            "/v1/publish/practice",
            json!({ "title": "t", "body": "b", "visibility": "secret" }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        error_message(&body).contains("expected one of public, members"),
        "{body}"
    );

    // An org id where a record id belongs.
    let (status, body) = api
        .post_json(
            "/v1/publish/update",
            json!({ "campaign": api.net.orgs[1].id().to_string(), "body": "news" }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(error_message(&body).contains("rec_"), "{body}");

    let (status, body) = api.get_json("/v1/records/rec_1234").await;
    assert_eq!((status, error_reason(&body)), (400, "bad_id"), "{body}");
    let unknown = RecordId::of(b"never published");
    let (status, body) = api.get_json(&format!("/v1/records/{unknown}")).await;
    assert_eq!((status, error_reason(&body)), (404, "not_found"), "{body}");

    for query in [
        "kind=poem",
        "limit=0",
        "limit=1001",
        "before=yesterday",
        "colour=red",
    ] {
        let (status, body) = api.get_json(&format!("/v1/records?{query}")).await;
        assert_eq!(
            (status, error_reason(&body)),
            (400, "bad_query"),
            "{query}: {body}"
        );
    }

    let (status, body) = api
        .post_json("/v1/records", json!({ "signed": "not hex" }))
        .await;
    assert_eq!((status, error_reason(&body)), (400, "bad_hex"), "{body}");

    let (status, body) = api
        .post_json(
            "/v1/publish/alert",
            json!({ "severity": "urgent", "region": "r", "title": "t", "body": "b",
                    "expires_in_hours": 2, "expires_at_ms": 1 }),
        )
        .await;
    assert_eq!(status, 400, "{body}");

    let without_type = api
        .post("/v1/publish/practice")
        .body(practice_json("t", &[]).to_string())
        .send()
        .await
        .unwrap();
    let (status, body) = answer(without_type).await;
    assert_eq!(
        (status, error_reason(&body)),
        (415, "content_type"),
        "{body}"
    );

    let (status, body) = api.get_json("/v1/nothing-here").await;
    assert_eq!((status, error_reason(&body)), (404, "not_found"), "{body}");
    let (status, body) = answer(api.post("/v1/status").send().await.unwrap()).await;
    assert_eq!(
        (status, error_reason(&body)),
        (405, "method_not_allowed"),
        "{body}"
    );
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_published_case_study_is_shown_listed_and_paged() {
    let api = Api::start().await;
    let first = api
        .publish_practice(practice_json("Tenant surveys", &["Housing", "Land"]))
        .await;
    let second = api
        .publish_practice(practice_json("Rent strikes", &["housing"]))
        .await;
    let third = api
        .publish_practice(practice_json("Seed banks", &["land"]))
        .await;
    let fourth = api
        .publish_practice(practice_json("Housing courts", &["HOUSING "]))
        .await;

    let (status, record) = api.get_json(&format!("/v1/records/{first}")).await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["id"], first.as_str());
    assert_eq!(record["kind"], "practice");
    assert_eq!(record["org"], api.net.orgs[0].id().to_string());
    assert_eq!(
        record["author"],
        api.net.orgs[0].device.public().to_string()
    );
    assert_eq!(record["seq"], 2, "seq 1 is the device's delegation");
    assert_eq!(record["prev"], api.net.delegations[0].id().to_string());
    assert_eq!(record["visibility"], "public");
    assert!(record["timestamp_ms"].as_u64().unwrap() > BASE_TIME_MS);
    let body = &record["body"];
    assert_eq!(body["title"], "Tenant surveys");
    assert_eq!(body["themes"], json!(["Housing", "Land"]));
    assert_eq!(body["language"], "en", "the default language");
    assert_eq!(body["licence"], "CC-BY-4.0", "the default licence");
    assert_eq!(body["links"], json!([]));
    let stored = api
        .handle
        .store
        .record(&first.parse().unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(record["signed"], hex(stored.record.signed_bytes()));

    // Newest first, two to a page, found by theme whatever its case.
    let (status, page) = api
        .get_json("/v1/records?kind=practice&theme=Housing&limit=2")
        .await;
    assert_eq!(status, 200, "{page}");
    let ids = |page: &Value| -> Vec<String> {
        page["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|record| record["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(ids(&page), vec![fourth.clone(), second.clone()]);
    let next = page["next"].as_str().expect("a next page");
    let (status, page) = api
        .get_json(&format!(
            "/v1/records?kind=practice&theme=Housing&limit=2&before={next}"
        ))
        .await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(ids(&page), vec![first.clone()]);
    assert_eq!(page["next"], Value::Null);

    let (_, land) = api.get_json("/v1/records?tag=land").await;
    assert_eq!(ids(&land), vec![third.clone(), first.clone()]);
    let (_, by_author) = api
        .get_json(&format!(
            "/v1/records?author={}&kind=delegation",
            api.net.orgs[0].id()
        ))
        .await;
    assert_eq!(
        ids(&by_author),
        vec![api.net.delegations[0].id().to_string()]
    );
    let (_, everything) = api.get_json("/v1/records").await;
    assert_eq!(everything["records"].as_array().unwrap().len(), 5);
    assert_eq!(everything["next"], Value::Null);
    let (_, none) = api.get_json("/v1/records?theme=fisheries").await;
    assert_eq!(none["records"], json!([]));
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_records_own_rules_come_back_as_422() {
    let api = Api::start().await;
    let (status, body) = api
        .post_json("/v1/publish/practice", practice_json("  ", &[]))
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(error_reason(&body), "invalid_fields");
    assert!(
        error_message(&body).contains("title of a practice must not be empty"),
        "{body}"
    );
    // Nothing was written, and the feed goes on at the next seq.
    let (status, body) = api
        .post_json("/v1/publish/practice", practice_json("Now titled", &[]))
        .await;
    assert_eq!((status, body["seq"].as_u64()), (201, Some(2)), "{body}");
    api.stop().await;
}

/// Many records in one request: each answered on its own, in order, a refused one taking
/// no seq and stopping nothing; the records are stored and listed like single publishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_publishes_many_records_in_one_request() {
    let api = Api::start().await;
    let mut records: Vec<Value> = (0..300)
        .map(|index| {
            let mut practice = practice_json(&format!("Survey {index}"), &["housing"]);
            practice["kind"] = json!("practice");
            practice
        })
        .collect();
    // One refused by the record's own rules, in the middle.
    records[150]["title"] = json!(" ");
    records.push(
        json!({"kind": "campaign", "title": "Stop the evictions", "goals": ["a moratorium"]}),
    );
    let (status, body) = api
        .post_json("/v1/publish/batch", json!({ "records": records }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["published"], 300, "{body}");
    assert_eq!(body["refused"], 1, "{body}");
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 301);
    assert_eq!(results[150]["reason"], "invalid_fields", "{}", results[150]);
    // Seqs follow the order given, with no hole where the refused one was (the
    // delegation is seq 1).
    let seqs: Vec<u64> = results
        .iter()
        .filter_map(|result| result["seq"].as_u64())
        .collect();
    assert_eq!(seqs, (2..302).collect::<Vec<u64>>());
    let id = results[300]["id"].as_str().unwrap();
    let (status, shown) = api.get_json(&format!("/v1/records/{id}")).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["body"]["title"], "Stop the evictions", "{shown}");

    let (_, status_after_batch) = api.get_json("/v1/status").await;

    // Refused whole, nothing published: an empty batch, an unknown kind, a revision,
    // too many records.
    let (status, body) = api
        .post_json("/v1/publish/batch", json!({ "records": [] }))
        .await;
    assert_eq!(
        (status, error_reason(&body)),
        (400, "empty_batch"),
        "{body}"
    );
    let (status, body) = api
        .post_json(
            "/v1/publish/batch",
            json!({ "records": [{"kind": "vote", "title": "x"}] }),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let mut revising = practice_json("Corrected", &[]);
    revising["kind"] = json!("practice");
    revising["revises"] = json!(id);
    let (status, body) = api
        .post_json("/v1/publish/batch", json!({ "records": [revising] }))
        .await;
    assert_eq!(
        (status, error_reason(&body)),
        (400, "revises_in_batch"),
        "{body}"
    );
    let many: Vec<Value> = (0..=api::publish::MAX_BATCH_RECORDS)
        .map(|_| json!({"kind": "update", "campaign": id, "body": "Day 3"}))
        .collect();
    let (status, body) = api
        .post_json("/v1/publish/batch", json!({ "records": many }))
        .await;
    assert_eq!((status, error_reason(&body)), (400, "too_many"), "{body}");
    // Nothing from the refused batches.
    let (status, body) = api.get_json("/v1/status").await;
    assert_eq!(status, 200);
    assert_eq!(body["records"], status_after_batch["records"], "{body}");
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_can_be_published_and_read_back() {
    let api = Api::start().await;
    let partner = api.net.orgs[1].id().to_string();
    let (status, campaign) = api
        .post_json(
            "/v1/publish/campaign",
            json!({ "title": "No evictions in the rainy season",
                    "goals": ["A moratorium from June to October"],
                    "partners": [partner],
                    "status": "planning" }),
        )
        .await;
    assert_eq!(status, 201, "{campaign}");
    let campaign_id = campaign["id"].as_str().unwrap();
    let (status, update) = api
        .post_json(
            "/v1/publish/update",
            json!({ "campaign": campaign_id, "status": "won",
                    "body": "The moratorium was signed." }),
        )
        .await;
    assert_eq!(status, 201, "{update}");
    let (status, alert) = api
        .post_json(
            "/v1/publish/alert",
            json!({ "severity": "critical", "region": "Central America",
                    "title": "Defender detained", "body": "No access to a lawyer.",
                    "action_requested": "Write to the prosecutor." }),
        )
        .await;
    assert_eq!(status, 201, "{alert}");
    let alert_id = alert["id"].as_str().unwrap();
    let (status, response) = api
        .post_json(
            "/v1/publish/respond",
            json!({ "alert": alert_id, "response": "acting", "note": "Letter sent." }),
        )
        .await;
    assert_eq!(status, 201, "{response}");

    let (_, shown) = api.get_json(&format!("/v1/records/{campaign_id}")).await;
    assert_eq!(shown["kind"], "campaign");
    assert_eq!(shown["visibility"], "members");
    assert_eq!(shown["body"]["partners"], json!([partner]));
    assert_eq!(shown["body"]["status"], "planning");
    let (_, shown) = api
        .get_json(&format!("/v1/records/{}", update["id"].as_str().unwrap()))
        .await;
    assert_eq!(shown["kind"], "campaign-update");
    assert_eq!(shown["body"]["campaign"], campaign_id);
    assert_eq!(shown["body"]["status"], "won");
    let (_, shown) = api.get_json(&format!("/v1/records/{alert_id}")).await;
    assert_eq!(shown["kind"], "alert");
    assert_eq!(shown["body"]["severity"], "critical");
    let issued = shown["timestamp_ms"].as_u64().unwrap();
    let expires = shown["body"]["expires_at_ms"].as_u64().unwrap();
    let week = 168 * 3_600_000;
    assert!(
        expires > issued && expires.abs_diff(issued + week) < 60_000,
        "an alert is current for a week by default: {shown}"
    );
    let (_, shown) = api
        .get_json(&format!("/v1/records/{}", response["id"].as_str().unwrap()))
        .await;
    assert_eq!(shown["kind"], "alert-response");
    assert_eq!(
        shown["body"],
        json!({ "alert": alert_id, "response": "acting", "note": "Letter sent." })
    );
    let (_, shown) = api
        .get_json(&format!("/v1/records/{}", api.net.delegations[0].id()))
        .await;
    assert_eq!(shown["kind"], "delegation");
    assert_eq!(shown["body"]["label"], "office server");
    assert_eq!(
        shown["body"]["device"],
        api.net.orgs[0].device.public().to_string()
    );
    assert_eq!(shown["prev"], Value::Null);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retracted_record_shows_as_a_tombstone() {
    let api = Api::start().await;
    let target = api
        .publish_practice(practice_json("Names a witness", &["housing"]))
        .await;
    let (status, retraction) = api
        .post_json(
            "/v1/publish/retract",
            json!({ "target": target, "reason": "It named someone at risk." }),
        )
        .await;
    assert_eq!(status, 201, "{retraction}");
    let (status, shown) = api.get_json(&format!("/v1/records/{target}")).await;
    assert_eq!(status, 200, "{shown}");
    // The tombstone's fields (the provenance around them is tested in reading.rs).
    let expected = json!({
        "id": target,
        "retracted": true,
        "author": api.net.orgs[0].device.public().to_string(),
        "org": api.net.orgs[0].id().to_string(),
        "seq": 2,
        "retraction": retraction["id"],
    });
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&shown[key], value, "{key}: {shown}");
    }
    let (_, listed) = api.get_json("/v1/records?kind=practice").await;
    assert_eq!(listed["records"], json!([]));
    let (_, status) = api.get_json("/v1/status").await;
    assert_eq!(status["tombstones"], 1);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_records_are_submitted_and_forgeries_refused() {
    let api = Api::start().await;
    let delegation = &api.net.delegations[1];
    let (status, body) = api.submit(delegation.signed_bytes()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["outcome"], "stored");
    assert_eq!(body["id"], delegation.id().to_string());
    let (status, body) = api.submit(delegation.signed_bytes()).await;
    assert_eq!(
        (status, &body["outcome"]),
        (200, &json!("duplicate")),
        "{body}"
    );

    let mut forged = api.net.delegations[2].signed_bytes().to_vec();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let (status, body) = api.submit(&forged).await;
    assert_eq!(
        (status, error_reason(&body)),
        (422, "bad_signature"),
        "{body}"
    );
    let (status, _) = api
        .get_json(&format!("/v1/records/{}", api.net.delegations[2].id()))
        .await;
    assert_eq!(status, 404, "a forgery is never stored");

    // The same feed signs two records with one seq: a fork.
    let mut writer = api.net.writers[1].clone();
    let mut twin = writer.clone();
    let when = BASE_TIME_MS + 60_000;
    let a = writer
        .append(Body::Practice(sample_practice(Visibility::Public)), when)
        .unwrap();
    let b = twin
        .append(Body::Practice(sample_practice(Visibility::Members)), when)
        .unwrap();
    let (status, body) = api.submit(a.signed_bytes()).await;
    assert_eq!(
        (status, &body["outcome"]),
        (201, &json!("stored")),
        "{body}"
    );
    let (status, body) = api.submit(b.signed_bytes()).await;
    assert_eq!((status, &body["outcome"]), (200, &json!("fork")), "{body}");
    assert_eq!(body["id"], b.id().to_string());
    assert_eq!(body["conflicts_with"], a.id().to_string());

    let author = api.net.orgs[1].device.public().to_string();
    let (status, forks) = api.get_json("/v1/forks").await;
    assert_eq!(status, 200);
    let forks = forks.as_array().unwrap();
    assert_eq!(forks.len(), 1, "{forks:?}");
    assert_eq!(forks[0]["author"], author);
    assert_eq!(forks[0]["seq"], 2);
    let pair = [forks[0]["first"].clone(), forks[0]["second"].clone()];
    assert!(pair.contains(&json!(a.id().to_string())) && pair.contains(&json!(b.id().to_string())));
    let proof = ForkProof::decode(
        &hex_bytes(forks[0]["proof"].as_str().unwrap()),
        &api.handle.network,
    )
    .unwrap();
    assert_eq!(proof.author().to_string(), author);

    let (_, feeds) = api.get_json("/v1/feeds").await;
    let feed = feeds
        .as_array()
        .unwrap()
        .iter()
        .find(|feed| feed["author"] == author)
        .expect("the forked feed");
    assert_eq!(
        feed,
        &json!({ "author": author, "contiguous": 2, "max_seq": 2, "frozen": true,
                 "org": api.net.orgs[1].id().to_string() })
    );
    api.stop().await;
}

fn hex_bytes(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_and_roster_describe_the_node() {
    let api = Api::start().await;
    api.publish_practice(practice_json("One", &[])).await;
    let (status, body) = api.get_json("/v1/status").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["network"], api.handle.network.to_string());
    assert_eq!(body["network_name"], "Commons sample network");
    assert_eq!(body["org"], api.net.orgs[0].id().to_string());
    assert_eq!(body["device"], api.net.orgs[0].device.public().to_string());
    assert_eq!(body["records"], 2);
    assert_eq!(body["tombstones"], 0);
    assert_eq!(body["fork_proofs"], 0);
    assert_eq!(body["members"], 3);
    assert_eq!(body["feeds"], 1);
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(body["uptime_s"].is_u64() && body["store_bytes"].is_u64());

    let (status, roster) = api.get_json("/v1/roster").await;
    assert_eq!(status, 200, "{roster}");
    let members = roster["members"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    let mine = members
        .iter()
        .find(|member| member["org"] == api.net.orgs[0].id().to_string())
        .unwrap();
    assert_eq!(mine["name"], api.net.orgs[0].name);
    assert_eq!(mine["root"], api.net.orgs[0].root.public().to_string());
    assert_eq!(
        mine["devices"],
        json!([{
            "device": api.net.orgs[0].device.public().to_string(),
            "label": "office server",
            "delegation": api.net.delegations[0].id().to_string(),
            "revoked_from": null,
        }])
    );
    assert_eq!(roster["others"], json!([]));
    assert_eq!(roster["thresholds"]["admission"], "1/2 of members");
    api.stop().await;
}

fn metric(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no {series} in\n{text}"))
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_what_ingest_did() {
    let api = Api::start().await;
    api.publish_practice(practice_json("One", &[])).await;
    api.submit(api.net.delegations[1].signed_bytes()).await;
    api.submit(api.net.delegations[1].signed_bytes()).await;
    let mut forged = api.net.delegations[2].signed_bytes().to_vec();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    api.submit(&forged).await;

    let response = api.get("/metrics").send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers().get("content-type").unwrap(),
        api::METRICS_CONTENT_TYPE
    );
    let text = response.text().await.unwrap();
    assert_eq!(metric(&text, "commons_records_stored_total"), 3);
    assert_eq!(metric(&text, "commons_records_duplicate_total"), 1);
    assert_eq!(
        metric(
            &text,
            "commons_records_rejected_total{reason=\"bad_signature\"}"
        ),
        1
    );
    assert_eq!(metric(&text, "commons_forks_total"), 0);
    assert_eq!(
        metric(&text, "commons_commits_total"),
        commons_node::metrics::Metrics::get(&api.handle.metrics.commits)
    );
    assert!(metric(&text, "commons_commits_total") >= 3);
    assert_eq!(metric(&text, "commons_commit_failures_total"), 0);
    assert_eq!(metric(&text, "commons_store_records"), 3);
    assert_eq!(metric(&text, "commons_store_tombstones"), 0);
    assert_eq!(metric(&text, "commons_store_bytes"), 0, "in memory");
    assert_eq!(metric(&text, "commons_members"), 3);
    metric(&text, "commons_uptime_seconds");
    for name in [
        "commons_records_stored_total counter",
        "commons_records_rejected_total counter",
        "commons_store_records gauge",
        "commons_uptime_seconds gauge",
    ] {
        assert!(text.contains(&format!("# TYPE {name}\n")), "{name}");
    }
    assert!(text.contains("# HELP commons_forks_total "));
    api.stop().await;
}

/// Reads server-sent events from `response` until one of type `kind` whose data has
/// `id`, or the deadline.
async fn next_event(response: &mut Response, buffer: &mut String, kind: &str, id: &str) -> Value {
    let wanted = async {
        loop {
            while let Some(end) = buffer.find("\n\n") {
                let block: String = buffer.drain(..end + 2).collect();
                let mut event = "message";
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(name) = line.strip_prefix("event:") {
                        event = name.trim();
                    } else if let Some(part) = line.strip_prefix("data:") {
                        data.push_str(part.trim_start());
                    }
                }
                if event == kind {
                    let value: Value = serde_json::from_str(&data).unwrap();
                    if value["id"] == id {
                        return value;
                    }
                }
            }
            let chunk = response
                .chunk()
                .await
                .unwrap()
                .expect("the event stream ended early");
            buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    };
    tokio::time::timeout(DEADLINE, wanted)
        .await
        .expect("the event arrives before the deadline")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_announces_stored_records() {
    let api = Api::start().await;
    let mut events = api.get("/v1/events").send().await.unwrap();
    assert_eq!(events.status().as_u16(), 200);
    assert_eq!(
        events.headers().get("content-type").unwrap(),
        "text/event-stream"
    );
    let mut buffer = String::new();
    let published = api
        .publish_practice(practice_json("Announced", &["housing"]))
        .await;
    let event = next_event(&mut events, &mut buffer, "record", &published).await;
    assert_eq!(event["kind"], "practice");
    assert_eq!(event["body"]["title"], "Announced");
    assert_eq!(event["org"], api.net.orgs[0].id().to_string());

    // Records from peers are announced too.
    let peer = &api.net.delegations[1];
    api.submit(peer.signed_bytes()).await;
    let event = next_event(&mut events, &mut buffer, "record", &peer.id().to_string()).await;
    assert_eq!(event["kind"], "delegation");
    // Stopping the API ends the stream rather than waiting for the client to leave.
    api.stop().await;
    drop(events);
}

/// A store whose disk can be made full: commits fail with [`StoreError::DiskFull`]
/// while the flag is set; reads go on.
#[derive(Debug, Default)]
struct FillableStore {
    inner: MemoryStore,
    full: AtomicBool,
}

impl CommitStore for FillableStore {
    fn commit(&self, batch: &CommitBatch) -> Result<(), StoreError> {
        if self.full.load(Ordering::SeqCst) {
            return Err(StoreError::DiskFull);
        }
        self.inner.commit(batch)
    }
}

impl Store for FillableStore {
    fn entry(&self, author: &DeviceKey, seq: u64) -> Result<Option<FeedEntry>, StoreError> {
        self.inner.entry(author, seq)
    }
    fn head(&self, author: &DeviceKey) -> Result<Option<FeedHead>, StoreError> {
        self.inner.head(author)
    }
    fn author_of(&self, id: &RecordId) -> Result<Option<DeviceKey>, StoreError> {
        self.inner.author_of(id)
    }
    fn record(&self, id: &RecordId) -> Result<Option<StoredRecord>, StoreError> {
        self.inner.record(id)
    }
    fn record_at(&self, author: &DeviceKey, seq: u64) -> Result<Option<StoredRecord>, StoreError> {
        self.inner.record_at(author, seq)
    }
    fn tombstone(&self, id: &RecordId) -> Result<Option<Tombstone>, StoreError> {
        self.inner.tombstone(id)
    }
    fn pending_retraction(
        &self,
        target: &RecordId,
    ) -> Result<Option<PendingRetraction>, StoreError> {
        self.inner.pending_retraction(target)
    }

    fn pending_retractions(&self) -> Result<Vec<PendingRetraction>, StoreError> {
        self.inner.pending_retractions()
    }
    fn heads(&self) -> Result<Vec<FeedHead>, StoreError> {
        self.inner.heads()
    }
    fn query(&self, query: &RecordQuery) -> Result<Vec<StoredRecord>, StoreError> {
        self.inner.query(query)
    }
    fn referring(
        &self,
        target: &RecordId,
        kind: Option<commons_protocol::BodyKind>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        self.inner.referring(target, kind, limit)
    }
    fn blob_references(
        &self,
        blob: &commons_protocol::BlobId,
    ) -> Result<Vec<RecordId>, StoreError> {
        self.inner.blob_references(blob)
    }
    fn governance(&self) -> Result<Vec<VerifiedRecord>, StoreError> {
        self.inner.governance()
    }
    fn fork_proofs(&self) -> Result<Vec<ForkProof>, StoreError> {
        self.inner.fork_proofs()
    }
    fn stats(&self) -> Result<StoreStats, StoreError> {
        self.inner.stats()
    }
    fn commit_count(&self) -> Result<u64, StoreError> {
        self.inner.commit_count()
    }
    fn scan_archive(
        &self,
        visit: &mut dyn FnMut(commons_node::store::ArchiveItem) -> std::ops::ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.inner.scan_archive(visit)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_507_and_publishing_resumes_once_freed() {
    let store = Arc::new(FillableStore::default());
    let api = Api::start_on(store.clone()).await;
    store.full.store(true, Ordering::SeqCst);

    let (status, body) = api
        .post_json("/v1/publish/practice", practice_json("Not yet", &[]))
        .await;
    assert_eq!((status, error_reason(&body)), (507, "disk_full"), "{body}");
    assert!(error_message(&body).contains("Free some space"), "{body}");
    let (status, body) = api.submit(api.net.delegations[1].signed_bytes()).await;
    assert_eq!(status, 507, "{body}");

    // Reads still work, and nothing was half-written.
    let (status, body) = api.get_json("/v1/status").await;
    assert_eq!((status, &body["records"]), (200, &json!(1)), "{body}");
    let (status, body) = api.get_json("/v1/records?kind=practice").await;
    assert_eq!((status, &body["records"]), (200, &json!([])), "{body}");

    store.full.store(false, Ordering::SeqCst);
    let (status, body) = api
        .post_json("/v1/publish/practice", practice_json("Now", &[]))
        .await;
    assert_eq!((status, body["seq"].as_u64()), (201, Some(2)), "{body}");
    let (_, metrics) = (
        (),
        api.get("/metrics")
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(metric(&metrics, "commons_commit_failures_total"), 2);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_network_peers_and_sync_answer_503() {
    let api = Api::start().await;
    for path in ["/v1/peers", "/v1/sync"] {
        let (status, body) = api.get_json(path).await;
        assert_eq!(status, 503, "{path}: {body}");
        assert_eq!(error_reason(&body), "no_network", "{path}: {body}");
        assert!(
            error_message(&body).contains("without a network"),
            "{path}: {body}"
        );
    }
    let (status, body) = api.get_json("/v1/status").await;
    assert_eq!(status, 200, "{body}");
    for key in ["peer_id", "listen", "peers", "member_peers"] {
        assert_eq!(body[key], Value::Null, "{key}: {body}");
    }
    let text = api
        .get("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.contains("commons_peers_connected"), "{text}");
    api.stop().await;
}

/// Polls `GET path` on `api` until `condition` holds of the answer, and returns it.
async fn wait_for_json(
    api: &Api,
    path: &str,
    what: &str,
    condition: impl Fn(&Value) -> bool,
) -> Value {
    let deadline = tokio::time::Instant::now() + NETWORK_DEADLINE;
    loop {
        let (status, body) = api.get_json(path).await;
        assert_eq!(status, 200, "{path}: {body}");
        if condition(&body) {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {NETWORK_DEADLINE:?} waiting for {what}; last {path}: {body:#}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// How long two nodes may take to connect, say hello and sync.
const NETWORK_DEADLINE: Duration = Duration::from_secs(30);
/// How often a condition on the network is checked.
const POLL: Duration = Duration::from_millis(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn peers_sync_status_and_metrics_show_a_connected_member() {
    let a = Api::start_networked(0).await;
    let published = a
        .publish_practice(practice_json("Before connecting", &[]))
        .await;
    let b = Api::start_networked(1).await;
    let a_addr = a.network().listen_addrs().await.unwrap().remove(0);
    b.network().dial(a_addr).await.unwrap();
    let a_device = a.net.orgs[0].device.public().to_string();
    let b_device = b.net.orgs[1].device.public().to_string();

    // A sees B as a member's device that admits it, once B answered A's hello.
    let peers = wait_for_json(&a, "/v1/peers", "A to see B admit it", |peers| {
        peers.as_array().is_some_and(|peers| {
            peers
                .iter()
                .any(|peer| peer["device"] == b_device && peer["admitted_us"] == true)
        })
    })
    .await;
    let peers = peers.as_array().unwrap();
    assert_eq!(peers.len(), 1, "{peers:?}");
    let peer = &peers[0];
    assert_eq!(peer["peer_id"], b.network().peer_id().to_string());
    assert_eq!(peer["org"], b.net.orgs[1].id().to_string());
    assert_eq!(peer["member"], true);
    assert!(
        peer["address"]
            .as_str()
            .unwrap()
            .starts_with("/ip4/127.0.0.1/tcp/"),
        "{peer}"
    );
    assert!(peer["connected_ms"].as_u64().unwrap() > 0, "{peer}");
    assert!(peer["records_pulled"].is_u64(), "{peer}");
    assert!(peer["feeds_reported"].is_u64(), "{peer}");
    assert!(
        peer["score"].is_number() || peer["score"].is_null(),
        "{peer}"
    );
    assert!(peer["gossip"].is_boolean(), "{peer}");

    // B pulls A's feed (the delegation and the case study) by the sync on connection,
    // and is then behind on nothing A reported.
    let sync = wait_for_json(&b, "/v1/sync", "B to hold A's feed", |sync| {
        sync["feeds"].as_array().is_some_and(|feeds| {
            feeds.iter().any(|feed| {
                feed["author"] == a_device
                    && feed["local"]["contiguous"] == 2
                    && feed["best_known"]["contiguous"] == 2
            })
        })
    })
    .await;
    let feeds = sync["feeds"].as_array().unwrap();
    let of_a = feeds
        .iter()
        .find(|feed| feed["author"] == a_device)
        .unwrap();
    assert_eq!(of_a["org"], a.net.orgs[0].id().to_string());
    assert_eq!(of_a["behind"], 0);
    assert_eq!(
        of_a["local"],
        json!({"contiguous": 2, "max_seq": 2, "frozen": false})
    );
    let own = feeds
        .iter()
        .find(|feed| feed["author"] == b_device)
        .unwrap();
    assert_eq!(own["local"]["contiguous"], 1, "{own}");
    assert_eq!(own["behind"], 0, "{own}");
    let peers = sync["peers"].as_array().unwrap();
    assert_eq!(peers.len(), 1, "{sync}");
    assert_eq!(peers[0]["device"], a_device);
    assert_eq!(peers[0]["member"], true);
    assert!(peers[0]["last_sync_ms"].as_u64().unwrap() > 0, "{sync}");
    let (_, record) = b.get_json(&format!("/v1/records/{published}")).await;
    assert_eq!(record["id"], published.as_str(), "{record}");
    // The records pulled are counted once the page is back in B's event loop.
    wait_for_json(&b, "/v1/peers", "B to count A's records pulled", |peers| {
        peers[0]["records_pulled"].as_u64().is_some_and(|n| n >= 1)
    })
    .await;

    // Status names this node on the network.
    let (status, body) = a.get_json("/v1/status").await;
    assert_eq!(status, 200, "{body}");
    let a_peer = a.network().peer_id().to_string();
    assert_eq!(body["peer_id"], a_peer);
    let listen = body["listen"].as_array().unwrap();
    assert!(!listen.is_empty(), "{body}");
    for addr in listen {
        let addr = addr.as_str().unwrap();
        assert!(
            addr.starts_with("/ip4/127.0.0.1/tcp/") && addr.ends_with(&format!("/p2p/{a_peer}")),
            "{addr}"
        );
    }
    assert_eq!(body["peers"], 1);
    assert_eq!(body["member_peers"], 1);

    // And the metrics carry the network's counters.
    let text = a
        .get("/metrics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(metric(&text, "commons_peers_connected"), 1);
    assert_eq!(metric(&text, "commons_peers_members"), 1);
    assert!(metric(&text, "commons_sync_served_total") >= 1);
    assert!(text.contains("# TYPE commons_gossip_published_total counter\n"));
    assert!(text.contains("# TYPE commons_peers_connected gauge\n"));
    // Bytes by protocol: libp2p's count of every stream's bytes, gossipsub's of its
    // messages, and the sync frames, which each side counts: what A wrote is what B
    // read once nothing is under way (a page with A's delegation and case study).
    assert!(
        text.contains("libp2p_bandwidth_bytes_total{protocols=\"/ip4/tcp\",direction=\"Inbound\"}"),
        "{text}"
    );
    assert!(
        text.contains("libp2p_gossipsub_topic_msg_recv_bytes_unfiltered_total"),
        "{text}"
    );
    let deadline = tokio::time::Instant::now() + NETWORK_DEADLINE;
    loop {
        let metrics = |api: &Api| {
            let api = api.get("/metrics");
            async move { api.send().await.unwrap().text().await.unwrap() }
        };
        let (of_a, of_b) = (metrics(&a).await, metrics(&b).await);
        let a_sent = metric(&of_a, "commons_sync_bytes_sent_total");
        let b_received = metric(&of_b, "commons_sync_bytes_received_total");
        // Both directions from one pair of reads: a periodic sync round may start
        // between the two, so a pair that differs is waited out, not judged.
        let a_received = metric(&of_a, "commons_sync_bytes_received_total");
        let b_sent = metric(&of_b, "commons_sync_bytes_sent_total");
        if a_sent >= 500 && a_sent == b_received && a_received == b_sent {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "A sent {a_sent} sync bytes, B received {b_received}; B sent {b_sent}, A received {a_received}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    b.stop().await;
    a.stop().await;
}
