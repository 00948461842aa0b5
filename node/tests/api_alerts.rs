//! Who has seen an alert, through the control API on a real redb store: an alert raised
//! by this node's org, answered by two member orgs (one of them twice), one member
//! silent, and an org that is not a member refused; `GET /v1/alerts/{id}` says
//! exactly that and `GET /v1/alerts` counts it, pages, and the refusals.
#![allow(clippy::unwrap_used)]

mod common;

use common::served::Api;

use std::sync::Arc;

use commons_node::clock::now_ms;
use commons_node::store::RedbStore;
use commons_protocol::fixtures::{sample_charter, sample_practice};
use commons_protocol::{AlertResponse, Body, RecordId, ResponseKind, Visibility};
use serde_json::{Value, json};

/// Four founders (orgs 0 to 3) and org 4, which is not a member; the API is org 0's.
async fn start() -> (Api, tempfile::TempDir) {
    let (charter, _) = sample_charter(4);
    let net = common::net_with(charter, 0..5);
    let dir = tempfile::tempdir().unwrap();
    let network = net.charter.charter().network_id();
    let store = RedbStore::open(dir.path().join("store.redb"), network).unwrap();
    let api = Api::start_in(net, 0, Arc::new(store), false).await;
    for delegation in &api.net.delegations[1..] {
        let (status, body) = api.submit(delegation.signed_bytes()).await;
        assert_eq!(status, 201, "{body}");
    }
    (api, dir)
}

fn alert_json(title: &str) -> Value {
    json!({
        "severity": "urgent",
        "region": "Highlands",
        "title": title,
        "body": "Two land defenders were taken from a community meeting by police.",
        "action_requested": "Ask the provincial prosecutor where they are held.",
        "expires_in_hours": 48,
    })
}

/// Org `who` answers `alert`, signed by its own device and handed to the node as
/// signed bytes (the path a gossiped record takes into the store).
async fn answer(api: &mut Api, who: usize, alert: &str, response: ResponseKind, note: &str) {
    let body = Body::AlertResponse(AlertResponse {
        alert: alert.parse::<RecordId>().unwrap(),
        response,
        note: note.to_owned(),
    });
    let record = api.net.writers[who].append(body, now_ms()).unwrap();
    let (status, body) = api.submit(record.signed_bytes()).await;
    assert_eq!(status, 201, "{body}");
}

fn org(api: &Api, index: usize) -> String {
    api.net.orgs[index].id().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_shows_who_answered_and_who_has_not_yet() {
    let (mut api, _dir) = start().await;
    let (status, raised) = api
        .post_json("/v1/publish/alert", alert_json("Land defenders detained"))
        .await;
    assert_eq!(status, 201, "{raised}");
    let alert = raised["id"].as_str().unwrap().to_owned();

    // Org 1 first says it has seen it, then that it acts: the later answer counts.
    answer(&mut api, 1, &alert, ResponseKind::Acknowledged, "").await;
    answer(
        &mut api,
        1,
        &alert,
        ResponseKind::Acting,
        "We called the prosecutor's office.",
    )
    .await;
    answer(&mut api, 2, &alert, ResponseKind::Shared, "").await;
    // Org 4 is not a member: the node refuses its answer, and it is not asked.
    let refused = api.net.writers[4]
        .append(
            Body::AlertResponse(AlertResponse {
                alert: alert.parse().unwrap(),
                response: ResponseKind::Acting,
                note: String::new(),
            }),
            now_ms(),
        )
        .unwrap();
    let (status, body) = api.submit(refused.signed_bytes()).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (422, Some("not_a_member"))
    );

    let (status, shown) = api.get_json(&format!("/v1/alerts/{alert}")).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["id"], alert);
    assert_eq!(shown["org"], org(&api, 0));
    assert_eq!(shown["ours"], true);
    assert_eq!(shown["title"], "Land defenders detained");
    assert_eq!(shown["severity"], "urgent");
    assert_eq!(shown["expired"], false);
    assert_eq!(shown["responses_cut"], false);
    assert_eq!(
        shown["counts"],
        json!({"acknowledged": 0, "acting": 1, "shared": 1, "not_yet": 1,
               "responded": 2, "asked": 3})
    );
    let orgs = shown["orgs"].as_array().unwrap();
    let states: Vec<(String, String)> = orgs
        .iter()
        .map(|each| {
            (
                each["org"].as_str().unwrap().to_owned(),
                each["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut expected = vec![
        (org(&api, 1), "acting".to_owned()),
        (org(&api, 2), "shared".to_owned()),
        (org(&api, 3), "not_yet".to_owned()),
    ];
    expected.sort();
    assert_eq!(
        states, expected,
        "the raiser and the non-member are not asked"
    );
    let first = orgs
        .iter()
        .find(|each| each["org"] == org(&api, 1))
        .unwrap();
    assert_eq!(first["note"], "We called the prosecutor's office.");
    assert_eq!(first["name"], api.net.orgs[1].name);
    assert!(first["timestamp_ms"].as_u64().unwrap() > 0);
    assert!(first["response"].as_str().unwrap().starts_with("rec_"));
    let silent = orgs
        .iter()
        .find(|each| each["org"] == org(&api, 3))
        .unwrap();
    assert_eq!(silent["timestamp_ms"], Value::Null);
    assert_eq!(silent["response"], Value::Null);

    // The list counts the same.
    let (status, listed) = api.get_json("/v1/alerts").await;
    assert_eq!(status, 200, "{listed}");
    let alerts = listed["alerts"].as_array().unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0]["id"], alert);
    assert_eq!(alerts[0]["counts"], shown["counts"]);
    assert_eq!(alerts[0].get("orgs"), None, "the list gives counts only");
    assert_eq!(listed["next"], Value::Null);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_answer_to_another_orgs_alert_and_paging() {
    let (mut api, _dir) = start().await;
    let (_, older) = api
        .post_json("/v1/publish/alert", alert_json("Office searched"))
        .await;
    // Org 2 raises an alert; this node's org answers it through the API.
    let raised = api.net.writers[2]
        .append(
            Body::Alert(commons_protocol::Alert {
                severity: commons_protocol::Severity::Critical,
                region: "River delta".to_owned(),
                title: "Eviction under way".to_owned(),
                body: "Bulldozers arrived at dawn.".to_owned(),
                action_requested: "Call the housing ministry.".to_owned(),
                expires_at_ms: now_ms() + 3_600_000,
            }),
            now_ms(),
        )
        .unwrap();
    let (status, _) = api.submit(raised.signed_bytes()).await;
    assert_eq!(status, 201);
    let theirs = raised.id().to_string();
    let (status, body) = api
        .post_json(
            "/v1/publish/respond",
            json!({"alert": theirs, "response": "acknowledged"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    answer(&mut api, 3, &theirs, ResponseKind::Acting, "").await;

    let (_, first) = api.get_json("/v1/alerts?limit=1").await;
    let page = first["alerts"].as_array().unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0]["id"], theirs, "the newest first");
    assert_eq!(page[0]["ours"], false);
    assert_eq!(page[0]["our_state"], "acknowledged");
    assert_eq!(page[0]["org"], org(&api, 2));
    assert_eq!(page[0]["org_name"], api.net.orgs[2].name);
    assert_eq!(page[0]["severity"], "critical");
    assert_eq!(
        page[0]["counts"],
        json!({"acknowledged": 1, "acting": 1, "shared": 0, "not_yet": 1,
               "responded": 2, "asked": 3})
    );
    let next = first["next"].as_str().unwrap();
    let (_, second) = api
        .get_json(&format!("/v1/alerts?limit=1&before={next}"))
        .await;
    let page = second["alerts"].as_array().unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0]["id"], older["id"]);
    assert_eq!(page[0]["our_state"], Value::Null);
    assert_eq!(page[0]["counts"]["not_yet"], 3);
    assert_eq!(second["next"], Value::Null);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_is_not_an_alert_is_refused_with_a_reason() {
    let (api, _dir) = start().await;
    let (status, body) = api.get_json("/v1/alerts/rec_nothex").await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (400, Some("bad_id")),
        "{body}"
    );
    let unknown = format!("rec_{}", "ab".repeat(32));
    let (status, body) = api.get_json(&format!("/v1/alerts/{unknown}")).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (404, Some("not_found")),
        "{body}"
    );
    let practice = api
        .publish_practice(serde_json::to_value(practice_fields()).unwrap())
        .await;
    let (status, body) = api.get_json(&format!("/v1/alerts/{practice}")).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (422, Some("not_an_alert")),
        "{body}"
    );
    let (_, raised) = api
        .post_json("/v1/publish/alert", alert_json("Raised by mistake"))
        .await;
    let alert = raised["id"].as_str().unwrap();
    let (status, body) = api
        .post_json("/v1/publish/retract", json!({"target": alert}))
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = api.get_json(&format!("/v1/alerts/{alert}")).await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (404, Some("retracted")),
        "{body}"
    );
    let (_, listed) = api.get_json("/v1/alerts").await;
    assert_eq!(
        listed["alerts"],
        json!([]),
        "a retracted alert is not listed"
    );
    let (status, body) = api.get_json("/v1/alerts?limit=0").await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (400, Some("bad_query")),
        "{body}"
    );
    api.stop().await;
}

fn practice_fields() -> Value {
    let practice = sample_practice(Visibility::Public);
    json!({
        "title": practice.title,
        "summary": practice.summary,
        "body": practice.body,
        "themes": practice.themes,
        "regions": practice.regions,
        "visibility": "public",
    })
}
