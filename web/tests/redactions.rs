//! Redaction by the members' vote in the web app, against a real node on redb: another
//! org's case study shows who asked to redact it and why, with the tally; our staff
//! confirm their vote with a reason on a page that says what it does (a GET publishes
//! nothing, a form without its token or reason is refused); the deciding vote drops
//! the content, and the page then says it was redacted, by whom and why. Our own case
//! study offers no vote, and the list of requests shows where each stands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::App;
use commons_node::store::RecordQuery;
use commons_protocol::fixtures::sample_practice;
use commons_protocol::{Body, BodyKind, Practice, RedactionVote, Visibility};
use commons_web::view::now_ms;
use reqwest::StatusCode;

fn case_study(title: &str) -> Body {
    Body::Practice(Practice {
        title: title.to_owned(),
        body: "The names of the three witnesses are given in full below.".to_owned(),
        ..sample_practice(Visibility::Members)
    })
}

fn our_votes(app: &App) -> usize {
    app.handle
        .store
        .query(&RecordQuery {
            kind: Some(BodyKind::RedactionVote),
            org: Some(app.handle.org),
            limit: 100,
            ..RecordQuery::default()
        })
        .unwrap()
        .len()
}

#[tokio::test]
async fn a_request_is_seen_voted_on_and_decides_the_redaction() {
    let mut app = App::start().await;
    let now = now_ms();
    let theirs = app
        .receive(
            1,
            case_study("Night of the riverside eviction"),
            now - 3_000,
        )
        .await;
    let id = theirs.id();
    let cookie = app.login().await;

    // Nobody asked yet: the page offers the request.
    let page = app.get(&format!("/cases/{id}"), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Request redaction…"), "{}", page.body);

    // Org 2 asks, with its reason.
    app.receive(
        2,
        Body::RedactionVote(RedactionVote {
            target: id,
            target_author: theirs.record().author,
            reason: "It names witnesses who have since been threatened.".to_owned(),
        }),
        now - 2_000,
    )
    .await;
    let page = app.get(&format!("/cases/{id}"), Some(&cookie)).await;
    assert!(
        page.body.contains("1 of 2 votes needed to redact it"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("witnesses who have since been threatened")
    );
    assert!(page.body.contains("Vote to redact…"));
    let members = app.get("/members", Some(&cookie)).await;
    assert!(
        members.body.contains("1 request is waiting for votes."),
        "{}",
        members.body
    );
    let listed = app.get("/redactions", Some(&cookie)).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert!(listed.body.contains("Night of the riverside eviction"));
    assert!(listed.body.contains("Waiting for your vote"));

    // The confirmation says what a vote does; a GET publishes nothing.
    let path = format!("/cases/{id}/redact");
    let confirm = app.get(&path, Some(&cookie)).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm.body.contains("cannot block the redaction"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("cannot be withdrawn"));
    assert_eq!(our_votes(&app), 0);
    let csrf = confirm.csrf().expect("the confirmation's form");

    // Without its token, or without a reason, nothing is published.
    let forged = app.post(&path, &cookie, &[("reason", "no token")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let blank = app
        .post(&path, &cookie, &[("csrf", &csrf), ("reason", "   ")])
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("Give a reason"), "{}", blank.body);
    assert_eq!(our_votes(&app), 0);

    // Our vote is the second of two: the content goes.
    let voted = app
        .post(
            &path,
            &cookie,
            &[
                ("csrf", &csrf),
                ("reason", "Agreed: the witnesses asked us."),
            ],
        )
        .await;
    assert_eq!(voted.status, StatusCode::SEE_OTHER, "{}", voted.body);
    let back = voted.location().expect("a redirect").to_owned();
    assert_eq!(back, format!("/cases/{id}?done=redacted"));
    assert_eq!(our_votes(&app), 1);
    assert_eq!(app.handle.store.record(&id).unwrap(), None);
    assert!(app.handle.store.tombstone(&id).unwrap().is_some());
    let after = app.get(&back, Some(&cookie)).await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.body);
    assert!(
        after.body.contains("This case study was redacted"),
        "{}",
        after.body
    );
    assert!(
        after.body.contains("Redacted by the members&#39; vote")
            || after.body.contains("Redacted by the members' vote"),
        "{}",
        after.body
    );
    assert!(!after.body.contains("The names of the three witnesses"));
    let listed = app.get("/redactions", Some(&cookie)).await;
    assert!(
        listed.body.contains("No redaction is being asked for."),
        "{}",
        listed.body
    );
    assert!(listed.body.contains("Content gone"), "{}", listed.body);
    app.stop().await;
}

#[tokio::test]
async fn our_own_case_study_offers_retraction_not_a_vote() {
    let app = App::start().await;
    let ours = app
        .handle
        .publisher
        .publish(case_study("Our own testimony"))
        .await
        .unwrap();
    let cookie = app.login().await;
    let page = app.get(&format!("/cases/{}", ours.id), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("Request redaction…"), "{}", page.body);
    assert!(page.body.contains("retract it yourself"));
    let refused = app
        .get(&format!("/cases/{}/redact", ours.id), Some(&cookie))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        refused.body.contains("retract it instead"),
        "{}",
        refused.body
    );
    app.stop().await;
}
