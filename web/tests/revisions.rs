//! Editing and history against a real node: "Edit" on our own case study publishes a
//! revision through the node's publisher that the page, the library and the history
//! then show; another org's case study has no Edit and a forged edit is refused; the
//! version shown follows the one rule (greatest timestamp, then id) whatever order the
//! revisions arrived in; campaigns are edited the same way.
#![allow(clippy::unwrap_used)]

mod common;

use common::{App, Page};
use commons_node::ingest::{Ingested, Source};
use commons_node::store::RecordQuery;
use commons_protocol::{
    Body, BodyKind, Campaign, CampaignStatus, Delegation, DeviceKeypair, FeedPosition, FeedWriter,
    Practice, RecordId, Revised, Revision, Visibility,
};
use commons_web::view::now_ms;
use reqwest::StatusCode;

/// A moment in the recent past, so records sort in the order they were made.
fn minutes_ago(minutes: u64) -> u64 {
    now_ms() - minutes * 60_000
}

fn practice(title: &str, body: &str) -> Practice {
    Practice {
        title: title.to_owned(),
        summary: format!("How {title} went."),
        body: body.to_owned(),
        themes: vec!["housing".to_owned()],
        regions: vec!["Andes".to_owned()],
        language: "en".to_owned(),
        licence: "CC-BY-4.0".to_owned(),
        links: Vec::new(),
        visibility: Visibility::Members,
        attachments: Vec::new(),
    }
}

const FIRST_BODY: &str = "We met tenants every week.\nWe wrote to the mayor.\nThe court delayed the evictions.\nForty families stayed.";
const SECOND_BODY: &str = "We met tenants every week.\nWe wrote to the mayor twice.\nThe court delayed the evictions.\nForty-two families stayed.";

/// The edit form's fields for a new version of our case study.
fn edit_fields<'a>(csrf: &'a str, title: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", title),
        ("summary", "How the tenants' committee held on."),
        ("body", body),
        ("themes_other", "housing"),
        ("regions_other", "Andes"),
        ("language", "en"),
        ("licence", "CC-BY-4.0"),
        ("links", ""),
        ("visibility", "members"),
        ("action", "publish"),
    ]
}

/// The revisions of `original` the store holds.
fn revisions_of(app: &App, original: &RecordId) -> Vec<Revision> {
    app.handle
        .store
        .query(&RecordQuery {
            kind: Some(BodyKind::Revision),
            limit: 1000,
            ..RecordQuery::default()
        })
        .unwrap()
        .into_iter()
        .filter_map(|stored| match &stored.record.record().body {
            Body::Revision(revision) if revision.original == *original => Some(revision.clone()),
            _ => None,
        })
        .collect()
}

/// How many case studies a library page lists.
fn listed(page: &Page) -> usize {
    page.body.matches(r#"<li class="item">"#).count()
}

/// Our own case study, published through the node's publisher as the form would.
async fn ours(app: &App, title: &str, body: &str) -> RecordId {
    app.handle
        .publisher
        .publish(Body::Practice(practice(title, body)))
        .await
        .unwrap()
        .id
}

#[tokio::test]
async fn editing_our_case_study_publishes_a_revision_the_pages_show() {
    let app = App::start().await;
    let id = ours(&app, "Tenants hold the line", FIRST_BODY).await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;

    let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!(r#"href="/cases/{id}/edit""#)));
    assert!(!page.body.contains("history of"), "not edited yet");

    let form = app.get(&format!("/cases/{id}/edit"), Some(&session)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains(r#"value="Tenants hold the line""#),
        "prefilled"
    );
    assert!(
        form.body.contains("Forty families stayed."),
        "the body prefilled"
    );
    assert!(form.body.contains(&format!(r#"action="/cases/{id}/edit""#)));

    // A preview publishes nothing.
    let mut preview = edit_fields(&csrf, "Tenants held the line", SECOND_BODY);
    preview.retain(|(name, _)| *name != "action");
    preview.push(("action", "preview"));
    let previewed = app
        .post(&format!("/cases/{id}/edit"), &session, &preview)
        .await;
    assert_eq!(previewed.status, StatusCode::OK, "{}", previewed.body);
    assert!(revisions_of(&app, &id).is_empty());

    // Browsers send a text area's lines ended by CR LF.
    let crlf_body = SECOND_BODY.replace('\n', "\r\n");
    let done = app
        .post(
            &format!("/cases/{id}/edit"),
            &session,
            &edit_fields(&csrf, "Tenants held the line", &crlf_body),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        Some(format!("/cases/{id}?done=edited").as_str())
    );

    let revisions = revisions_of(&app, &id);
    assert_eq!(revisions.len(), 1, "one revision, naming the original");
    let Revised::Practice(new) = &revisions[0].content else {
        panic!("a revised case study");
    };
    assert_eq!(new.title, "Tenants held the line");
    assert_eq!(new.body, SECOND_BODY, "stored with LF line ends");
    assert!(
        app.handle.store.record(&id).unwrap().is_some(),
        "the original stays"
    );

    let shown = app.get(done.location().unwrap(), Some(&session)).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.body.contains("The new version was published"));
    assert!(shown.body.contains("Tenants held the line"));
    assert!(shown.body.contains("Forty-two families stayed."));
    assert!(!shown.body.contains("Forty families stayed."));
    assert!(shown.body.contains("edited "), "says it was edited");
    assert!(
        shown
            .body
            .contains(&format!(r#"href="/cases/{id}/history""#))
    );

    let library = app.get("/cases", Some(&session)).await;
    assert_eq!(listed(&library), 1, "listed once");
    assert!(library.body.contains("Tenants held the line"));
    assert!(!library.body.contains("Tenants hold the line"));

    // Saving the same version again publishes nothing.
    let again = app
        .post(
            &format!("/cases/{id}/edit"),
            &session,
            &edit_fields(&csrf, "Tenants held the line", SECOND_BODY),
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("Nothing was changed"));
    assert_eq!(revisions_of(&app, &id).len(), 1);

    // A revision's own id leads to the case study.
    let revision_id = app
        .handle
        .store
        .referring(&id, Some(BodyKind::Revision), 10)
        .unwrap()[0]
        .record
        .id();
    let by_revision = app
        .get(&format!("/cases/{revision_id}"), Some(&session))
        .await;
    assert_eq!(by_revision.status, StatusCode::SEE_OTHER);
    assert_eq!(
        by_revision.location(),
        Some(format!("/cases/{id}").as_str())
    );
    app.stop().await;
}

#[tokio::test]
async fn the_history_shows_every_version_and_what_changed() {
    let app = App::start().await;
    let id = ours(&app, "Tenants hold the line", FIRST_BODY).await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let done = app
        .post(
            &format!("/cases/{id}/edit"),
            &session,
            &edit_fields(&csrf, "Tenants held the line", SECOND_BODY),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    let history = app
        .get(&format!("/cases/{id}/history"), Some(&session))
        .await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.body);
    let body = &history.body;
    assert!(body.contains("Version 2"));
    assert!(body.contains("First version"));
    let newest = body.find("Version 2").unwrap();
    let oldest = body.find("First version").unwrap();
    assert!(newest < oldest, "newest first");
    // The fields named, the title before and after, the body line by line.
    assert!(body.contains("<dt>Title</dt>"));
    assert!(body.contains("<dt>Text</dt>"));
    assert!(
        !body.contains("<dt>Themes</dt>"),
        "unchanged fields are not named"
    );
    assert!(body.contains("Tenants hold the line</bdi></del>"));
    assert!(body.contains("Tenants held the line</bdi></ins>"));
    assert!(body.contains("Removed line: </span>We wrote to the mayor.</del>"));
    assert!(body.contains("Added line: </span>We wrote to the mayor twice.</ins>"));
    assert!(body.contains("Removed line: </span>Forty families stayed.</del>"));
    assert!(body.contains("Added line: </span>Forty-two families stayed.</ins>"));
    assert!(
        !body.contains("Removed line: </span>We met tenants every week."),
        "unchanged lines are context, not changes"
    );
    // Who published each version: the org, and the device that signed.
    let org = app.net.orgs[0].name.replace('\'', "&#39;");
    assert_eq!(
        body.matches(&format!(
            "<bdi>{org}</bdi></a> · signed by <bdi>office server</bdi>"
        ))
        .count(),
        2
    );
    app.stop().await;
}

#[tokio::test]
async fn retracting_an_edited_case_study_retracts_every_version() {
    let app = App::start().await;
    let id = ours(&app, "Tenants hold the line", FIRST_BODY).await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let done = app
        .post(
            &format!("/cases/{id}/edit"),
            &session,
            &edit_fields(&csrf, "Tenants held the line", SECOND_BODY),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let revision = app
        .handle
        .store
        .referring(&id, Some(BodyKind::Revision), 10)
        .unwrap()[0]
        .record
        .id();

    let done = app
        .post(
            &format!("/cases/{id}/retract"),
            &session,
            &[("csrf", &csrf), ("reason", "The families asked us to.")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    for version in [id, revision] {
        assert!(app.handle.store.record(&version).unwrap().is_none());
        assert!(
            app.handle.store.tombstone(&version).unwrap().is_some(),
            "each version has its own tombstone"
        );
    }
    let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
    assert!(page.body.contains("This case study was retracted"));
    assert!(!page.body.contains("Tenants held the line"));
    app.stop().await;
}

#[tokio::test]
async fn another_orgs_case_study_cannot_be_edited_here() {
    let mut app = App::start().await;
    let theirs = app
        .receive(
            1,
            Body::Practice(practice("Their water committee", FIRST_BODY)),
            minutes_ago(10),
        )
        .await
        .id();
    let session = app.login().await;
    let csrf = app.csrf(&session).await;

    let page = app.get(&format!("/cases/{theirs}"), Some(&session)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains(&format!("/cases/{theirs}/edit")),
        "no Edit"
    );

    let form = app
        .get(&format!("/cases/{theirs}/edit"), Some(&session))
        .await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    assert!(form.body.contains("Only the organization that published"));

    let forged = app
        .post(
            &format!("/cases/{theirs}/edit"),
            &session,
            &edit_fields(&csrf, "Taken over", SECOND_BODY),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(revisions_of(&app, &theirs).is_empty(), "nothing published");

    // And without the session's token, nothing is even read.
    let no_token = app
        .post(
            &format!("/cases/{theirs}/edit"),
            &session,
            &edit_fields("not the token", "Taken over", SECOND_BODY),
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn the_version_shown_is_the_latest_by_timestamp_whatever_the_arrival_order() {
    let mut app = App::start().await;
    let original = app
        .receive(
            1,
            Body::Practice(practice("Seed banks", "First words.")),
            minutes_ago(30),
        )
        .await
        .id();
    let revise = |title: &str| {
        Body::Revision(Revision {
            original,
            content: Revised::Practice(practice(title, "Corrected words.")),
        })
    };
    // A second device of the same org (a laptop) edits it too. Its edit is dated
    // later but arrives first; the office server's, dated earlier, arrives after it.
    let network = app.net.charter.charter().network_id();
    let org = &app.net.orgs[1];
    let laptop = DeviceKeypair::from_seed([0x51; 32]);
    let mut laptop_feed = FeedWriter::new(laptop.clone(), network, FeedPosition::EMPTY);
    let delegation = Body::Delegation(Delegation::sign(
        &org.root,
        network,
        org.id(),
        laptop.public(),
        "field laptop",
    ));
    for record in [
        laptop_feed.append(delegation, minutes_ago(29)).unwrap(),
        laptop_feed
            .append(revise("Seed banks, corrected"), minutes_ago(5))
            .unwrap(),
    ] {
        let answer = app
            .handle
            .ingest
            .submit(record.signed_bytes().to_vec(), Source::Sync)
            .await
            .unwrap();
        assert!(matches!(answer, Ingested::Stored { .. }), "{answer:?}");
    }
    app.receive(1, revise("Seed banks, an older draft"), minutes_ago(20))
        .await;
    let session = app.login().await;

    let page = app.get(&format!("/cases/{original}"), Some(&session)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Seed banks, corrected"), "{}", page.body);
    assert!(!page.body.contains("an older draft"));
    assert!(page.body.contains("history of 3 versions"));
    assert!(
        page.body.contains("field laptop"),
        "the device of the version shown"
    );

    let library = app.get("/cases", Some(&session)).await;
    assert_eq!(listed(&library), 1);
    assert!(library.body.contains("Seed banks, corrected"));

    let history = app
        .get(&format!("/cases/{original}/history"), Some(&session))
        .await;
    assert_eq!(history.status, StatusCode::OK);
    let body = &history.body;
    let shown_at = body.find("Shown now").unwrap();
    let corrected_at = body.find("Seed banks, corrected</bdi></ins>").unwrap();
    let older_at = body.find("Seed banks, an older draft</bdi></ins>").unwrap();
    assert!(
        shown_at < corrected_at && corrected_at < older_at,
        "newest first"
    );
    assert!(body.contains("signed by <bdi>field laptop</bdi>"));
    assert!(body.contains("signed by <bdi>office server</bdi>"));
    app.stop().await;
}

#[tokio::test]
async fn our_campaign_is_edited_and_its_history_kept() {
    let mut app = App::start().await;
    let partner = app.net.orgs[1].id();
    let campaign = app
        .handle
        .publisher
        .publish(Body::Campaign(Campaign {
            title: "Stop the dam".to_owned(),
            goals: vec!["A public hearing".to_owned()],
            partners: Vec::new(),
            status: CampaignStatus::Planning,
        }))
        .await
        .unwrap()
        .id;
    let theirs = app
        .receive(
            2,
            Body::Campaign(Campaign {
                title: "Their campaign".to_owned(),
                goals: Vec::new(),
                partners: vec![app.handle.org],
                status: CampaignStatus::Active,
            }),
            minutes_ago(3),
        )
        .await
        .id();
    let session = app.login().await;
    let csrf = app.csrf(&session).await;

    let page = app
        .get(&format!("/campaigns/{campaign}"), Some(&session))
        .await;
    assert!(page.body.contains(&format!("/campaigns/{campaign}/edit")));
    let form = app
        .get(&format!("/campaigns/{campaign}/edit"), Some(&session))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains(r#"value="Stop the dam""#));
    assert!(form.body.contains("A public hearing"));

    let partner_text = partner.to_string();
    let done = app
        .post(
            &format!("/campaigns/{campaign}/edit"),
            &session,
            &[
                ("csrf", csrf.as_str()),
                ("title", "Stop the dam on the Rio Verde"),
                ("goals", "A public hearing\r\nAn independent study"),
                ("partner", partner_text.as_str()),
                ("status", "active"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        Some(format!("/campaigns/{campaign}?done=edited").as_str())
    );
    let revisions = revisions_of(&app, &campaign);
    assert_eq!(revisions.len(), 1);
    let Revised::Campaign(new) = &revisions[0].content else {
        panic!("a revised campaign");
    };
    assert_eq!(new.partners, vec![partner]);
    assert_eq!(new.status, CampaignStatus::Active);

    let shown = app.get(done.location().unwrap(), Some(&session)).await;
    assert!(shown.body.contains("Stop the dam on the Rio Verde"));
    assert!(shown.body.contains("An independent study"));
    assert!(shown.body.contains("Active"));
    assert!(
        shown
            .body
            .contains(&format!("/campaigns/{campaign}/history"))
    );
    let list = app.get("/campaigns?tab=ours", Some(&session)).await;
    assert!(list.body.contains("Stop the dam on the Rio Verde"));

    let history = app
        .get(&format!("/campaigns/{campaign}/history"), Some(&session))
        .await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("<dt>Goals</dt>"));
    assert!(
        history
            .body
            .contains("Added: </span><bdi>An independent study</bdi></ins>")
    );
    assert!(history.body.contains("<dt>Partners</dt>"));
    assert!(history.body.contains("<dt>Status</dt>"));

    // A campaign we partner in but do not lead: no Edit, and a forged one refused.
    let theirs_page = app
        .get(&format!("/campaigns/{theirs}"), Some(&session))
        .await;
    assert!(
        !theirs_page
            .body
            .contains(&format!("/campaigns/{theirs}/edit"))
    );
    let forged = app
        .post(
            &format!("/campaigns/{theirs}/edit"),
            &session,
            &[
                ("csrf", csrf.as_str()),
                ("title", "Ours now"),
                ("status", "won"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(revisions_of(&app, &theirs).is_empty());
    app.stop().await;
}
