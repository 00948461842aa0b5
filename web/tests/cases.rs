//! Case studies end to end over real requests: writing one through the form (preview,
//! validation, publish), finding it in the library by words and filters, paging, its
//! page with provenance, retracting ours and being refused another org's, and a
//! hostile member's Markdown rendered inert.

mod common;

use common::{App, Page};
use commons_node::store::RecordQuery;
use commons_protocol::{Body, BodyKind, Practice, RecordId, Visibility};
use commons_web::pages::cases::PAGE_SIZE;
use reqwest::StatusCode;

/// A case study body as another org's node would publish it.
fn practice(title: &str, body: &str, themes: &[&str], regions: &[&str], language: &str) -> Body {
    Body::Practice(Practice {
        title: title.to_owned(),
        summary: format!("A short account of {title}."),
        body: body.to_owned(),
        themes: themes.iter().map(|tag| (*tag).to_owned()).collect(),
        regions: regions.iter().map(|tag| (*tag).to_owned()).collect(),
        language: language.to_owned(),
        licence: "CC-BY-4.0".to_owned(),
        links: vec!["https://example.org/report".to_owned()],
        visibility: Visibility::Members,
        attachments: Vec::new(),
    })
}

/// A moment in the recent past, so records sort in the order they were made.
fn minutes_ago(minutes: u64) -> u64 {
    commons_web::view::now_ms() - minutes * 60_000
}

/// How many case studies a library page lists.
fn listed(page: &Page) -> usize {
    page.body.matches(r#"<li class="item">"#).count()
}

/// The href of the library's "older" link, HTML entities undone.
fn older_link(page: &Page) -> Option<String> {
    let at = page.body.find(r#"rel="next""#)?;
    let before = &page.body[..at];
    let start = before.rfind("href=\"")? + "href=\"".len();
    let end = start + before[start..].find('"')?;
    Some(
        before[start..end]
            .replace("&amp;", "&")
            .replace("&#38;", "&")
            .replace("&#x2f;", "/")
            .replace("&#x3d;", "="),
    )
}

/// The practices the store holds, newest first.
fn held_practices(app: &App) -> Vec<Practice> {
    app.handle
        .store
        .query(&RecordQuery {
            kind: Some(BodyKind::Practice),
            limit: 1000,
            ..RecordQuery::default()
        })
        .expect("the store answers")
        .into_iter()
        .filter_map(|stored| match &stored.record.record().body {
            Body::Practice(practice) => Some(practice.clone()),
            _ => None,
        })
        .collect()
}

/// The form fields of a case study about eviction defence.
fn form_fields<'a>(csrf: &'a str, action: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("title", "Stopping evictions with a tenants' hotline"),
        ("summary", "Volunteers answered calls and went to the door."),
        (
            "body",
            "## What we did\n\nA **hotline** staffed by volunteers.\n\n- calls\n- visits",
        ),
        ("theme", "housing"),
        ("themes_other", "Legal aid"),
        ("regions_other", "West Africa"),
        ("language", "en"),
        ("licence", "CC-BY-4.0"),
        ("links", "https://example.org/hotline"),
        ("visibility", "public"),
        ("action", action),
    ]
}

/// The record id a publish redirected to.
fn published_id(page: &Page) -> RecordId {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.location().expect("a redirect");
    let rest = location.strip_prefix("/cases/").expect("to the case study");
    let (id, query) = rest.split_once('?').expect("with a notice");
    assert_eq!(query, "done=published");
    id.parse().expect("a record id")
}

#[tokio::test]
async fn a_case_study_written_in_the_form_is_published_and_found() {
    let mut app = App::start().await;
    app.receive(
        1,
        practice(
            "Seed banks in dry lands",
            "Farmers kept seeds.",
            &["land"],
            &["sahel"],
            "fr",
        ),
        minutes_ago(30),
    )
    .await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;

    let form = app.get("/cases/new", Some(&session)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains(r#"value="land""#),
        "the network's themes are offered"
    );
    assert!(form.body.contains(r#"value="CC-BY-4.0""#));

    let done = app
        .post("/cases/new", &session, &form_fields(&csrf, "publish"))
        .await;
    let id = published_id(&done);
    let held = app.handle.store.record(&id).unwrap().expect("stored");
    assert_eq!(held.org, app.handle.org);
    let Body::Practice(practice) = &held.record.record().body else {
        panic!("a practice");
    };
    assert_eq!(practice.title, "Stopping evictions with a tenants' hotline");
    assert_eq!(practice.themes, vec!["housing", "Legal aid"]);
    assert_eq!(practice.regions, vec!["West Africa"]);
    assert_eq!(practice.visibility, Visibility::Public);
    assert_eq!(practice.links, vec!["https://example.org/hotline"]);

    let shown = app.get(done.location().unwrap(), Some(&session)).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.body.contains("Your case study was published"),
        "the notice"
    );
    assert!(
        shown.body.contains("<strong>hotline</strong>"),
        "Markdown rendered"
    );
    assert!(
        shown.body.contains(&app.handle.device.to_string()),
        "the signing device"
    );
    assert!(shown.body.contains("Valid"), "the signature checked");
    assert!(
        shown.body.contains(&format!("/cases/{id}/retract")),
        "ours: retract offered"
    );
    assert!(
        shown.body.contains(
            r#"<a href="https://example.org/hotline" rel="noopener noreferrer nofollow">"#
        )
    );

    let library = app.get("/cases", Some(&session)).await;
    assert_eq!(library.status, StatusCode::OK);
    assert_eq!(listed(&library), 2);
    assert!(
        library.body.contains("tenants&#39; hotline")
            || library.body.contains("tenants&#x27; hotline")
    );

    let found = app.get("/cases?q=evict+hotl", Some(&session)).await;
    assert_eq!(listed(&found), 1, "every word, by its start");
    assert!(found.body.contains(&format!("/cases/{id}")));
    let missed = app.get("/cases?q=hotline+glacier", Some(&session)).await;
    assert_eq!(listed(&missed), 0);
    assert!(missed.body.contains("No case study on this node matches"));

    let housing = app.get("/cases?theme=housing", Some(&session)).await;
    assert_eq!(listed(&housing), 1);
    assert!(housing.body.contains(&format!("/cases/{id}")));
    let legal = app.get("/cases?theme=legal+aid", Some(&session)).await;
    assert_eq!(listed(&legal), 1, "a typed theme is a filter too");
    let land = app.get("/cases?theme=land", Some(&session)).await;
    assert_eq!(listed(&land), 1);
    assert!(!land.body.contains(&format!("/cases/{id}")));
    let both = app
        .get("/cases?theme=housing&region=west+africa", Some(&session))
        .await;
    assert_eq!(listed(&both), 1, "theme and region together");
    let crossed = app
        .get("/cases?theme=housing&region=sahel", Some(&session))
        .await;
    assert_eq!(listed(&crossed), 0);
    let french = app.get("/cases?lang=fr", Some(&session)).await;
    assert_eq!(listed(&french), 1);
    assert!(french.body.contains("Seed banks"));
    let ours = app
        .get(&format!("/cases?org={}", app.handle.org), Some(&session))
        .await;
    assert_eq!(listed(&ours), 1);
    let future = app.get("/cases?since=2999-01-01", Some(&session)).await;
    assert_eq!(listed(&future), 0);
    let past = app.get("/cases?since=2000-01-01", Some(&session)).await;
    assert_eq!(listed(&past), 2);
    let bad_date = app.get("/cases?since=someday", Some(&session)).await;
    assert_eq!(bad_date.status, StatusCode::OK);
    assert!(bad_date.body.contains("This is not a date"));
    app.stop().await;
}

#[tokio::test]
async fn preview_shows_the_rendered_text_and_publishes_nothing() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let preview = app
        .post("/cases/new", &session, &form_fields(&csrf, "preview"))
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("It is not published yet"));
    assert!(preview.body.contains("<h2>What we did</h2>"), "rendered");
    assert!(preview.body.contains("<strong>hotline</strong>"));
    assert!(
        preview.body.contains("## What we did"),
        "the text is kept in the form"
    );
    assert!(preview.body.contains(r#"value="housing, Legal aid""#));
    assert!(preview.body.contains(r#"value="public" checked"#));
    // Publish is offered right in the preview box, submitting the same form, so the
    // writer need not scroll past the whole form.
    let publish_here = r#"<button type="submit" form="cases-form" name="action" value="publish">"#;
    let in_preview = preview
        .body
        .find(publish_here)
        .expect("publish in the preview");
    assert!(
        in_preview
            < preview
                .body
                .find(r#"<form method="post" action="/cases/new""#)
                .unwrap()
    );
    assert!(
        held_practices(&app).is_empty(),
        "a preview publishes nothing"
    );
    // Pressing it sends the form's fields with action=publish: the same request.
    let published = app
        .post("/cases/new", &session, &form_fields(&csrf, "publish"))
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    assert_eq!(held_practices(&app).len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_form_with_mistakes_keeps_the_text_and_says_what_to_fix() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let page = app
        .post(
            "/cases/new",
            &session,
            &[
                ("csrf", &csrf),
                ("title", "  "),
                ("summary", "Kept summary"),
                ("body", "Our careful account of the campaign."),
                ("language", "en"),
                ("licence", "CC-BY-4.0"),
                ("links", "javascript:alert(1)"),
                ("visibility", "members"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Give the case study a title."));
    assert!(page.body.contains("is not a web address"));
    assert!(page.body.contains("Our careful account of the campaign."));
    assert!(page.body.contains("Kept summary"));
    assert!(!page.body.contains("javascript:alert(1)</a>"));
    let empty_body = app
        .post(
            "/cases/new",
            &session,
            &[
                ("csrf", &csrf),
                ("title", "A title"),
                ("body", ""),
                ("language", "en"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(empty_body.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty_body.body.contains("Write the case study itself."));
    assert!(empty_body.body.contains(r#"value="A title""#));
    let huge = "word ".repeat(20_000);
    let too_big = app
        .post(
            "/cases/new",
            &session,
            &[
                ("csrf", &csrf),
                ("title", "Long"),
                ("body", &huge),
                ("language", "en"),
                ("action", "publish"),
            ],
        )
        .await;
    assert_eq!(too_big.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_big.body.contains("fit in one record"));
    assert!(held_practices(&app).is_empty());
    app.stop().await;
}

#[tokio::test]
async fn the_library_pages_through_more_than_a_page_keeping_its_filters() {
    let mut app = App::start().await;
    let total = PAGE_SIZE + 5;
    for index in 0..total {
        let themes: &[&str] = if index % 2 == 0 {
            &["water"]
        } else {
            &["health"]
        };
        app.receive(
            1,
            practice(
                &format!("Well committee number {index:02}"),
                "Neighbours ran the well together.",
                themes,
                &["andes"],
                "es",
            ),
            minutes_ago(120 - index as u64),
        )
        .await;
    }
    let session = app.login().await;
    let first = app.get("/cases", Some(&session)).await;
    assert_eq!(listed(&first), PAGE_SIZE);
    assert!(
        first.body.contains(&format!("number {:02}", total - 1)),
        "newest first"
    );
    let next = older_link(&first).expect("an older page");
    assert!(next.contains("before="), "{next}");
    let second = app.get(&next, Some(&session)).await;
    assert_eq!(listed(&second), total - PAGE_SIZE);
    assert!(second.body.contains("number 00"));
    assert!(
        !second.body.contains(&format!("number {:02}", total - 1)),
        "no overlap"
    );
    assert!(older_link(&second).is_none(), "the last page");
    assert!(second.body.contains("Back to the newest"));

    // 13 water case studies: one page, then the filter again on the next page
    // through a search that matches all of them and a language checked after the query.
    let water = app.get("/cases?theme=water&lang=es", Some(&session)).await;
    assert_eq!(listed(&water), total.div_ceil(2));
    assert!(older_link(&water).is_none());
    let words = app
        .get("/cases?q=well+committee&region=andes", Some(&session))
        .await;
    assert_eq!(listed(&words), PAGE_SIZE);
    let next = older_link(&words).expect("an older page");
    assert!(next.contains("q=well+committee"), "{next}");
    assert!(next.contains("region=andes"), "{next}");
    let rest = app.get(&next, Some(&session)).await;
    assert_eq!(listed(&rest), total - PAGE_SIZE);
    app.stop().await;
}

#[tokio::test]
async fn we_retract_our_own_case_study_and_not_another_orgs() {
    let mut app = App::start().await;
    let theirs = app
        .receive(
            1,
            practice(
                "Their radio programme",
                "On air every week.",
                &["media"],
                &[],
                "en",
            ),
            minutes_ago(10),
        )
        .await
        .id();
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let ours = published_id(
        &app.post("/cases/new", &session, &form_fields(&csrf, "publish"))
            .await,
    );

    let their_page = app.get(&format!("/cases/{theirs}"), Some(&session)).await;
    assert_eq!(their_page.status, StatusCode::OK);
    assert!(
        !their_page.body.contains("/retract"),
        "no retract for theirs"
    );
    let refused = app
        .get(&format!("/cases/{theirs}/retract"), Some(&session))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = app
        .post(
            &format!("/cases/{theirs}/retract"),
            &session,
            &[("csrf", &csrf), ("reason", "not ours to take back")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        app.handle.store.record(&theirs).unwrap().is_some(),
        "still held"
    );

    let confirm = app
        .get(&format!("/cases/{ours}/retract"), Some(&session))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.body.contains("drops its content"));
    assert!(confirm.body.contains("permanent"));
    let no_reason = app
        .post(
            &format!("/cases/{ours}/retract"),
            &session,
            &[("csrf", &csrf), ("reason", " ")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.handle.store.tombstone(&ours).unwrap().is_none());

    let reason = "The tenants named in it asked us to take it down.";
    let done = app
        .post(
            &format!("/cases/{ours}/retract"),
            &session,
            &[("csrf", &csrf), ("reason", reason)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        Some(format!("/cases/{ours}?done=retracted").as_str())
    );
    assert!(app.handle.store.tombstone(&ours).unwrap().is_some());
    assert!(
        app.handle.store.record(&ours).unwrap().is_none(),
        "content dropped"
    );

    let tombstone = app.get(done.location().unwrap(), Some(&session)).await;
    assert_eq!(
        tombstone.status,
        StatusCode::OK,
        "a retracted page, not a 404"
    );
    assert!(tombstone.body.contains("This case study was retracted"));
    assert!(
        tombstone
            .body
            .contains("The tenants named in it asked us to take it down.")
    );
    assert!(
        tombstone.body.contains("The case study was retracted."),
        "the notice"
    );
    assert!(
        !tombstone.body.contains("hotline"),
        "nothing of the content"
    );

    let library = app.get("/cases", Some(&session)).await;
    assert_eq!(listed(&library), 1, "a retracted case study is not listed");
    assert!(library.body.contains("Their radio programme"));
    let again = app
        .get(&format!("/cases/{ours}/retract"), Some(&session))
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "already retracted");
    app.stop().await;
}

#[tokio::test]
async fn a_hostile_members_case_study_renders_inert() {
    let mut app = App::start().await;
    let hostile = "Read this.\n\n<script>alert('owned')</script>\n\n\
        [click me](javascript:alert(document.cookie))\n\n\
        <img src=x onerror=alert(1)>\n\n\
        ![x](https://tracker.example/p.png)\n\n\
        <a href=\"https://example.org\" onclick=\"steal()\">a fair link</a>";
    let body = Body::Practice(Practice {
        title: "<script>alert('title')</script> Our report".to_owned(),
        summary: "A summary with <i>markup</i> in it.".to_owned(),
        body: hostile.to_owned(),
        themes: vec!["<b>bold</b>".to_owned()],
        regions: Vec::new(),
        language: "en\" onmouseover=\"alert(3)".to_owned(),
        licence: "CC-BY-4.0".to_owned(),
        links: vec![
            "javascript:alert(4)".to_owned(),
            "https://example.org/annex".to_owned(),
        ],
        visibility: Visibility::Members,
        attachments: Vec::new(),
    });
    let id = app.receive(1, body, minutes_ago(5)).await.id();
    let session = app.login().await;
    for path in [format!("/cases/{id}"), "/cases".to_owned()] {
        let page = app.get(&path, Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let html = page.body.to_lowercase();
        for needle in [
            "<script>",
            "javascript:",
            "onerror",
            "onclick",
            "onmouseover=\"",
            "tracker.example",
            "<b>bold",
            "<i>markup",
        ] {
            assert!(!html.contains(needle), "{path}: {needle} in the page");
        }
        assert_eq!(
            html.matches("<img").count(),
            html.matches(r#"<img src="/static/"#).count(),
            "{path}: no image but the app's own"
        );
        assert!(
            page.body.contains("Our report"),
            "{path}: the text is still shown"
        );
    }
    let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
    assert!(page.body.contains("Read this."));
    assert!(page.body.contains(">a fair link</a>"));
    assert!(page.body.contains("One link is not shown"));
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_or_malformed_id_is_not_found() {
    let app = App::start().await;
    let session = app.login().await;
    let unknown = RecordId::of(b"no such case study");
    for path in [
        format!("/cases/{unknown}"),
        "/cases/rec_nothex".to_owned(),
        "/cases/..%2F..%2Fetc".to_owned(),
        format!("/cases/{unknown}/retract"),
    ] {
        let page = app.get(&path, Some(&session)).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.body.contains("There is nothing at this address"),
            "{path}"
        );
    }
    app.stop().await;
}
