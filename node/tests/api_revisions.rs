//! Revisions through the control API, on a real redb store: publishing a new version
//! with `"revises"`, reading the version shown in listings and single reads, the history
//! of versions, and the refusals (unknown, another org's, another kind, retracted).
#![allow(clippy::unwrap_used)]

mod common;

use common::served::Api;

use std::sync::Arc;

use commons_node::store::RedbStore;
use commons_protocol::fixtures::{BASE_TIME_MS, SampleOrg, sample_practice, sample_profile};
use commons_protocol::text::hex;
use commons_protocol::{Body, Revised, Revision, Visibility};
use serde_json::{Value, json};

async fn start() -> (Api, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let network = common::net(3).charter.charter().network_id();
    let store = RedbStore::open(dir.path().join("store.redb"), network).unwrap();
    (Api::start_on(Arc::new(store)).await, dir)
}

fn practice_json(title: &str) -> Value {
    json!({
        "title": title,
        "summary": "Paralegals sat at the court's door on market days.",
        "body": "## What we did\n\nWe trained six paralegals.",
        "themes": ["legal-aid"],
        "regions": ["East Africa"],
        "visibility": "public",
    })
}

fn revising(mut body: Value, id: &str) -> Value {
    body["revises"] = json!(id);
    body
}

fn reason(body: &Value) -> &str {
    body["reason"].as_str().unwrap_or_default()
}

fn message(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_study_is_revised_and_every_read_shows_the_latest_version() {
    let (api, _dir) = start().await;
    let original = api
        .publish_practice(practice_json("Paralegals at the court"))
        .await;
    let (status, first) = api
        .post_json(
            "/v1/publish/practice",
            revising(practice_json("Paralegals at two courts"), &original),
        )
        .await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["original"], json!(original));
    assert_eq!(first["versions"], json!(2));
    let first = first["id"].as_str().unwrap().to_owned();
    // Naming a revision revises its original.
    let (status, second) = api
        .post_json(
            "/v1/publish/practice",
            revising(practice_json("Paralegals at three courts"), &first),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    assert_eq!(second["original"], json!(original));
    let second = second["id"].as_str().unwrap().to_owned();

    // The listing holds the original once, with the latest content beside its own.
    let (status, listed) = api.get_json("/v1/records?kind=practice").await;
    assert_eq!(status, 200, "{listed}");
    let records = listed["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{listed}");
    assert_eq!(records[0]["id"], json!(original));
    assert_eq!(records[0]["body"]["title"], "Paralegals at the court");
    assert_eq!(records[0]["latest"], json!(second));
    assert_eq!(records[0]["versions"], json!(3));
    assert_eq!(
        records[0]["latest_body"]["title"],
        "Paralegals at three courts"
    );

    // One record: the original and a revision both say which version is shown.
    for id in [&original, &first] {
        let (status, record) = api.get_json(&format!("/v1/records/{id}")).await;
        assert_eq!(status, 200, "{record}");
        assert_eq!(record["latest"], json!(second));
        assert_eq!(record["original"], json!(original));
        assert_eq!(record["versions"], json!(3));
    }
    let (_, revision) = api.get_json(&format!("/v1/records/{first}")).await;
    assert_eq!(revision["kind"], "revision");
    assert_eq!(revision["body"]["original"], json!(original));
    assert_eq!(revision["body"]["content_kind"], "practice");
    assert_eq!(
        revision["body"]["content"]["title"],
        "Paralegals at two courts"
    );

    // The history, oldest first, from any version's id.
    let (status, history) = api.get_json(&format!("/v1/records/{second}/history")).await;
    assert_eq!(status, 200, "{history}");
    assert_eq!(history["original"], json!(original));
    assert_eq!(history["latest"], json!(second));
    let versions = history["versions"].as_array().unwrap();
    let titles: Vec<&str> = versions
        .iter()
        .map(|v| v["body"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec![
            "Paralegals at the court",
            "Paralegals at two courts",
            "Paralegals at three courts"
        ]
    );
    let device = api.net.orgs[0].device.public().to_string();
    assert!(versions.iter().all(|v| v["author"] == json!(device)));
    assert_eq!(
        versions
            .iter()
            .map(|v| v["latest"].as_bool().unwrap())
            .collect::<Vec<_>>(),
        vec![false, false, true]
    );
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revision_of_an_unknown_foreign_other_kind_or_retracted_record_is_refused() {
    let (api, _dir) = start().await;
    let ours = api.publish_practice(practice_json("Ours")).await;

    let unknown = format!("rec_{}", "ab".repeat(32));
    let (status, body) = api
        .post_json(
            "/v1/publish/practice",
            revising(practice_json("x"), &unknown),
        )
        .await;
    assert_eq!((status, reason(&body)), (404, "not_found"), "{body}");

    let (status, body) = api
        .post_json(
            "/v1/publish/campaign",
            json!({ "title": "A campaign", "revises": ours }),
        )
        .await;
    assert_eq!((status, reason(&body)), (422, "wrong_kind"), "{body}");
    assert!(
        message(&body).contains("kind practice, not campaign"),
        "{body}"
    );

    // Another org's case study, taken in as a peer's.
    let theirs = api.net.writers[1]
        .clone()
        .append(
            Body::Practice(sample_practice(Visibility::Public)),
            BASE_TIME_MS + 60_000,
        )
        .unwrap();
    for record in [&api.net.delegations[1].clone(), &theirs] {
        let (status, body) = api.submit(record.signed_bytes()).await;
        assert_eq!(status, 201, "{body}");
    }
    let (status, body) = api
        .post_json(
            "/v1/publish/practice",
            revising(
                practice_json("Not ours to change"),
                &theirs.id().to_string(),
            ),
        )
        .await;
    assert_eq!((status, reason(&body)), (422, "other_org"), "{body}");
    assert!(message(&body).contains("another org"), "{body}");

    // An alert has no versions.
    let (status, alert) = api
        .post_json(
            "/v1/publish/alert",
            json!({ "severity": "urgent", "region": "East Africa", "title": "Raid", "body": "An office was raided." }),
        )
        .await;
    assert_eq!(status, 201, "{alert}");
    let alert = alert["id"].as_str().unwrap();
    let (status, body) = api.get_json(&format!("/v1/records/{alert}/history")).await;
    assert_eq!((status, reason(&body)), (422, "no_versions"), "{body}");

    // Retracted: no new version, no history.
    let (status, body) = api
        .post_json("/v1/publish/retract", json!({ "target": ours }))
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = api
        .post_json(
            "/v1/publish/practice",
            revising(practice_json("Back"), &ours),
        )
        .await;
    assert_eq!(
        (status, reason(&body)),
        (409, "revision_of_retracted"),
        "{body}"
    );
    assert!(message(&body).contains("retracted"), "{body}");
    let (status, body) = api.get_json(&format!("/v1/records/{ours}/history")).await;
    assert_eq!((status, reason(&body)), (404, "retracted"), "{body}");
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_orgs_name_comes_from_the_latest_version_of_its_profile() {
    let (api, _dir) = start().await;
    // An org that is not a member yet introduces itself, then corrects its name.
    let network = api.net.charter.charter().network_id();
    let applicant = SampleOrg::new(5);
    let mut writer = applicant.writer(network);
    let delegation = writer
        .append(applicant.delegation(network), BASE_TIME_MS)
        .unwrap();
    let mut profile = sample_profile();
    profile.name = "Coastal Fishers Legal Cente".into();
    let first = writer
        .append(Body::Profile(profile.clone()), BASE_TIME_MS + 1)
        .unwrap();
    profile.name = "Coastal Fishers Legal Centre".into();
    let corrected = writer
        .append(
            Body::Revision(Revision {
                original: first.id(),
                content: Revised::Profile(profile),
            }),
            BASE_TIME_MS + 2,
        )
        .unwrap();
    for record in [&delegation, &first, &corrected] {
        let (status, body) = api
            .post_json(
                "/v1/records",
                json!({ "signed": hex(record.signed_bytes()) }),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let (_, roster) = api.get_json("/v1/roster").await;
    let entry = roster["others"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["org"] == json!(applicant.id().to_string()))
        .unwrap()
        .clone();
    assert_eq!(entry["name"], "Coastal Fishers Legal Centre", "{roster}");

    // Our own profile, revised through the API.
    let (status, ours) = api
        .post_json(
            "/v1/publish/profile",
            json!({ "name": "Tenants' Rights Network" }),
        )
        .await;
    assert_eq!(status, 201, "{ours}");
    let (status, revised) = api
        .post_json(
            "/v1/publish/profile",
            json!({ "name": "Tenants' Rights Network (Mombasa)", "revises": ours["id"] }),
        )
        .await;
    assert_eq!(status, 201, "{revised}");
    let (_, listed) = api.get_json("/v1/records?kind=profile").await;
    let own = listed["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|record| record["id"] == ours["id"])
        .unwrap()
        .clone();
    assert_eq!(
        own["latest_body"]["name"],
        "Tenants' Rights Network (Mombasa)"
    );
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retracting_a_version_retracts_each_one_and_the_archive_still_verifies() {
    let (api, _dir) = start().await;
    let original = api.publish_practice(practice_json("v1")).await;
    let mut versions = vec![original.clone()];
    for title in ["v2", "v3"] {
        let (status, body) = api
            .post_json(
                "/v1/publish/practice",
                revising(practice_json(title), &original),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        versions.push(body["id"].as_str().unwrap().to_owned());
    }
    let (status, body) = api
        .post_json(
            "/v1/publish/retract",
            json!({ "target": versions[1], "reason": "It names a client." }),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let mut also: Vec<String> = body["also_retracted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    also.sort();
    let mut expected = vec![versions[0].clone(), versions[2].clone()];
    expected.sort();
    assert_eq!(also, expected, "{body}");
    for id in &versions {
        let (status, record) = api.get_json(&format!("/v1/records/{id}")).await;
        assert_eq!(status, 200, "{record}");
        assert_eq!(record["retracted"], json!(true), "{record}");
    }
    // Each tombstone names a retraction of its own record, so the archive verifies.
    let mut bytes = Vec::new();
    commons_node::archive::export(
        api.handle.store.as_ref(),
        &api.net.charter,
        commons_node::archive::ArchiveFormat::Bundle,
        false,
        &mut |chunk| {
            bytes.extend(chunk);
            std::ops::ControlFlow::Continue(())
        },
    )
    .unwrap();
    let report = commons_protocol::archive::verify_bundle(&bytes, Default::default());
    assert!(report.is_ok(), "{report:?}");
    api.stop().await;
}
