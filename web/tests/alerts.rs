//! The alerts pages against a real node: raising an alert through the form, the order
//! of the list (open before expired, the most urgent first), responding, and who has
//! responded so far, counted from our own response and from other orgs' arriving by
//! sync.

mod common;

use common::App;
use commons_node::store::RecordQuery;
use commons_protocol::{Alert, AlertResponse, Body, BodyKind, RecordId, ResponseKind, Severity};
use commons_web::view::now_ms;
use reqwest::StatusCode;

/// `text` as askama escapes it in a page.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

const HOUR_MS: u64 = 3_600_000;

fn alert(severity: Severity, title: &str, expires_at_ms: u64) -> Body {
    Body::Alert(Alert {
        severity,
        region: "Northern highlands".to_owned(),
        title: title.to_owned(),
        body: "Two community defenders were detained at a checkpoint.".to_owned(),
        action_requested: "Call the regional prosecutor's office.".to_owned(),
        expires_at_ms,
    })
}

/// Where `needle` is in `haystack`, which must hold it.
fn at(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not on the page"))
}

#[tokio::test]
async fn alerts_are_listed_open_first_and_most_urgent_first() {
    let mut app = App::start().await;
    let cookie = app.login().await;
    let csrf = app.csrf(&cookie).await;
    let now = now_ms();
    // An alert of org 1 that expired yesterday, then a newer one to watch.
    app.receive(
        1,
        alert(
            Severity::Critical,
            "Office search last week",
            now - 24 * HOUR_MS,
        ),
        now - 72 * HOUR_MS,
    )
    .await;
    app.receive(
        1,
        alert(
            Severity::Watch,
            "Draft law on foreign funding",
            now + 48 * HOUR_MS,
        ),
        now - 2 * HOUR_MS,
    )
    .await;

    // We raise an urgent one through the form: it comes first.
    let form = app.get("/alerts/new", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(r#"name="hours" value="168""#),
        "a week by default"
    );
    let answer = app
        .post(
            "/alerts/new",
            &cookie,
            &[
                ("csrf", &csrf),
                ("severity", "urgent"),
                ("region", "Coastal province"),
                ("title", "Eviction notice for the fishing village"),
                ("body", "Families were told to leave **within three days**."),
                ("action", "Write to the governor before Friday."),
                ("hours", "72"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.location().unwrap().to_owned();
    assert!(location.ends_with("?done=raised"), "{location}");
    let id: RecordId = location
        .trim_start_matches("/alerts/")
        .trim_end_matches("?done=raised")
        .parse()
        .unwrap();
    let stored = app.handle.store.record(&id).unwrap().expect("published");
    let Body::Alert(raised) = &stored.record.record().body else {
        panic!("not an alert");
    };
    assert_eq!(raised.severity, Severity::Urgent);
    assert_eq!(raised.region, "Coastal province");
    let open_for = raised.expires_at_ms - stored.record.record().timestamp_ms;
    assert!(open_for.abs_diff(72 * HOUR_MS) < 60_000, "{open_for}");

    let list = app.get("/alerts", Some(&cookie)).await;
    assert_eq!(list.status, StatusCode::OK);
    let ours = at(&list.body, "Eviction notice for the fishing village");
    let watch = at(&list.body, "Draft law on foreign funding");
    let expired_heading = at(&list.body, "Expired alerts (1)");
    let expired = at(&list.body, "Office search last week");
    assert!(ours < watch, "urgent before watch");
    assert!(
        watch < expired_heading && expired_heading < expired,
        "expired ones apart, after"
    );
    assert!(list.body.contains("Expires in 2 days") || list.body.contains("Expires in 47 hours"));
    assert!(list.body.contains("Expired yesterday"));

    // A critical alert arriving later goes before the urgent one.
    app.receive(
        2,
        alert(
            Severity::Critical,
            "Defender missing since this morning",
            now + 24 * HOUR_MS,
        ),
        now_ms(),
    )
    .await;
    let list = app.get("/alerts", Some(&cookie)).await;
    let critical = at(&list.body, "Defender missing since this morning");
    let ours = at(&list.body, "Eviction notice for the fishing village");
    assert!(critical < ours, "critical before urgent");
    assert!(
        list.body
            .contains(r#"<span class="badge critical">Critical</span>"#)
    );
    app.stop().await;
}

#[tokio::test]
async fn an_alert_without_what_happened_is_not_raised() {
    let app = App::start().await;
    let cookie = app.login().await;
    let csrf = app.csrf(&cookie).await;
    let answer = app
        .post(
            "/alerts/new",
            &cookie,
            &[
                ("csrf", &csrf),
                ("severity", "critical"),
                ("region", "Capital district"),
                ("title", "Radio station closed"),
                ("body", ""),
                ("hours", "0"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("Say what happened."));
    assert!(answer.body.contains("Give a number of hours from 1 to"));
    assert!(
        answer.body.contains("Radio station closed"),
        "what was typed is kept"
    );
    let alerts = app
        .handle
        .store
        .query(&RecordQuery {
            kind: Some(BodyKind::Alert),
            limit: 10,
            ..RecordQuery::default()
        })
        .unwrap();
    assert!(alerts.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn responses_are_counted_ours_and_others() {
    let mut app = App::start().await;
    let cookie = app.login().await;
    let csrf = app.csrf(&cookie).await;
    let now = now_ms();
    let id = app
        .receive(
            1,
            alert(
                Severity::Critical,
                "Journalist detained",
                now + 24 * HOUR_MS,
            ),
            now - HOUR_MS,
        )
        .await
        .id();
    let (us, other) = (&app.net.orgs[0], &app.net.orgs[2]);

    let page = app.get(&format!("/alerts/{id}"), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Two community defenders were detained"));
    assert!(page.body.contains("Call the regional prosecutor"));
    assert!(page.body.contains("0 of 2 member organizations responded"));
    let not_yet = &page.body[at(&page.body, "Not yet responded (2)")..];
    assert!(not_yet.contains(&html(&us.name)) && not_yet.contains(&html(&other.name)));
    assert!(page.body.contains(&format!("/alerts/{id}/respond")));

    let answer = app
        .post(
            &format!("/alerts/{id}/respond"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("response", "acting"),
                ("note", "We called the prosecutor's office."),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(
        answer.location(),
        Some(format!("/alerts/{id}?done=responded#responses").as_str())
    );
    let ours = app
        .handle
        .store
        .query(&RecordQuery {
            kind: Some(BodyKind::AlertResponse),
            org: Some(us.id()),
            limit: 10,
            ..RecordQuery::default()
        })
        .unwrap();
    assert_eq!(ours.len(), 1);
    assert!(matches!(
        &ours[0].record.record().body,
        Body::AlertResponse(response) if response.alert == id && response.response == ResponseKind::Acting
    ));

    let page = app
        .get(&format!("/alerts/{id}?done=responded"), Some(&cookie))
        .await;
    assert!(page.body.contains("Our response was sent"));
    assert!(page.body.contains("1 of 2 member organizations responded"));
    assert!(
        page.body.contains("Our organization responded:"),
        "our own response shown"
    );
    assert!(
        page.body
            .contains(&html("We called the prosecutor's office."))
    );
    let not_yet = &page.body[at(&page.body, "Not yet responded (1)")..];
    assert!(not_yet.contains(&html(&other.name)));
    assert!(!not_yet.contains(&format!("/members/{}\"", us.id())));
    let list = app.get("/alerts", Some(&cookie)).await;
    assert!(list.body.contains("1 of 2 member organizations responded"));
    assert!(list.body.contains("We responded"));

    // Org 2's response arrives by sync, and then it changes its mind: its latest counts.
    app.receive(
        2,
        Body::AlertResponse(AlertResponse {
            alert: id,
            response: ResponseKind::Acknowledged,
            note: String::new(),
        }),
        now_ms() - 1_000,
    )
    .await;
    app.receive(
        2,
        Body::AlertResponse(AlertResponse {
            alert: id,
            response: ResponseKind::Shared,
            note: "Passed to our lawyers' network.".to_owned(),
        }),
        now_ms(),
    )
    .await;
    let page = app.get(&format!("/alerts/{id}"), Some(&cookie)).await;
    assert!(page.body.contains("2 of 2 member organizations responded"));
    assert!(
        page.body
            .contains("Every member organization has responded.")
    );
    assert!(
        page.body
            .contains(r#"<span class="badge watch">Shared</span>"#)
    );
    assert!(
        !page
            .body
            .contains(r#"<span class="badge plain">Seen</span>"#),
        "only the latest"
    );
    // The responses are a list of stacked items (no table to cut off on a phone),
    // each with the org, its response, when and its note.
    let responses = &page.body[at(&page.body, r#"<ul class="items alerts-responses""#)..];
    let responses = &responses[..at(responses, "</ul>")];
    assert!(responses.contains(&html(&app.net.orgs[2].name)));
    assert!(responses.contains(&html("Passed to our lawyers' network.")));
    assert!(responses.contains(&html("We called the prosecutor's office.")));
    assert!(!page.body.contains("<table"));
    let list = app.get("/alerts", Some(&cookie)).await;
    assert!(list.body.contains("2 of 2 member organizations responded"));
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_alert_is_not_found() {
    let app = App::start().await;
    let cookie = app.login().await;
    let unknown = RecordId::of(b"no such alert");
    let page = app.get(&format!("/alerts/{unknown}"), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let csrf = app.csrf(&cookie).await;
    let answer = app
        .post(
            &format!("/alerts/{unknown}/respond"),
            &cookie,
            &[("csrf", &csrf), ("response", "seen")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn the_org_that_raised_an_alert_is_not_asked_to_respond() {
    let app = App::start().await;
    let cookie = app.login().await;
    let csrf = app.csrf(&cookie).await;
    let raised = app
        .post(
            "/alerts/new",
            &cookie,
            &[
                ("csrf", &csrf),
                ("severity", "urgent"),
                ("region", "River valley"),
                ("title", "Community radio threatened"),
                ("body", "The presenters received threats after a broadcast."),
                ("action", "Share the station's statement."),
                ("hours", "48"),
            ],
        )
        .await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER, "{}", raised.body);
    let location = raised.location().unwrap().to_owned();
    let page = app.get(&location, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Our organization raised this alert"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("How is our organization responding?"));
    assert!(!page.body.contains(r#"name="response""#));
    let id = location
        .trim_start_matches("/alerts/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let answer = app
        .post(
            &format!("/alerts/{id}/respond"),
            &cookie,
            &[("csrf", &csrf), ("response", "seen")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    let ours = app
        .handle
        .store
        .query(&RecordQuery {
            kind: Some(BodyKind::AlertResponse),
            org: Some(app.handle.org),
            limit: 10,
            ..RecordQuery::default()
        })
        .unwrap();
    assert!(ours.is_empty());
    app.stop().await;
}
