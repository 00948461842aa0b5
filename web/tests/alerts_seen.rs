//! Who has seen our alert, in the web app against a real node on a real redb store: a
//! network of four founders; our org raises an alert through the form, two orgs answer
//! it (arriving as by sync), one stays silent. The alert's page lists who responded
//! and who has not yet, the home page says "2 of 3" under our recent alerts, and the
//! live event stream carries another org's new alert, and another org's answer to ours,
//! with what a browser notification needs (the alert's title, and that it should
//! notify), and neither our own alert nor an answer to another org's as notifying; and
//! an application and a proposal to remove a member as votes that wait for ours.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{App, Net};
use commons_protocol::fixtures::{SampleOrg, delegated_feeds, sample_charter};
use commons_protocol::{
    Alert, AlertResponse, Application, Body, RecordId, ResponseKind, Severity, Vote, VoteChoice,
};
use commons_web::view::now_ms;
use reqwest::StatusCode;
use serde_json::Value;

const HOUR_MS: u64 = 3_600_000;
const DEADLINE: Duration = Duration::from_secs(10);

/// `text` as askama escapes it in a page.
fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Four founders and org 4, which is not a member; the app is org 0's.
async fn start() -> App {
    let (charter, _) = sample_charter(4);
    let orgs: Vec<SampleOrg> = (0..5).map(SampleOrg::new).collect();
    let (writers, delegations) = delegated_feeds(&orgs, charter.charter().network_id());
    App::start_as(
        Net {
            charter,
            orgs,
            writers,
            delegations,
        },
        0,
    )
    .await
}

fn answer(alert: RecordId, response: ResponseKind, note: &str) -> Body {
    Body::AlertResponse(AlertResponse {
        alert,
        response,
        note: note.to_owned(),
    })
}

/// The `record` events of a server-sent stream, read until `enough` of them came.
async fn record_events(response: &mut reqwest::Response, enough: usize) -> Vec<Value> {
    let mut text = String::new();
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + DEADLINE;
    while events.len() < enough {
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .expect("the events arrive within the deadline")
            .unwrap()
            .expect("the stream stays open");
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let block: String = text.drain(..end + 2).collect();
            if block.contains("event: record")
                && let Some(data) = block.lines().find_map(|line| line.strip_prefix("data: "))
            {
                events.push(serde_json::from_str(data).unwrap());
            }
        }
    }
    events
}

#[tokio::test]
async fn our_alert_shows_who_responded_and_who_has_not_yet() {
    let mut app = start().await;
    let cookie = app.login().await;
    let csrf = app.csrf(&cookie).await;
    let raised = app
        .post(
            "/alerts/new",
            &cookie,
            &[
                ("csrf", &csrf),
                ("severity", "critical"),
                ("region", "Coastal district"),
                ("title", "Community radio host detained"),
                (
                    "body",
                    "Taken from the station after a programme on land titles.",
                ),
                ("action", "Call the district police commander."),
                ("hours", "48"),
            ],
        )
        .await;
    assert_eq!(raised.status, StatusCode::SEE_OTHER, "{}", raised.body);
    let location = raised.location().unwrap().to_owned();
    let id: RecordId = location
        .trim_start_matches("/alerts/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    let now = now_ms();
    app.receive(1, answer(id, ResponseKind::Acknowledged, ""), now)
        .await;
    app.receive(
        1,
        answer(id, ResponseKind::Acting, "We wrote to the commander."),
        now + 1,
    )
    .await;
    app.receive(2, answer(id, ResponseKind::Shared, ""), now + 2)
        .await;

    let page = app.get(&format!("/alerts/{id}"), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("2 of 3 member organizations responded"),
        "{}",
        page.body
    );
    let names: Vec<String> = app.net.orgs.iter().map(|org| html(&org.name)).collect();
    let start = page
        .body
        .find(r#"<ul class="items alerts-responses""#)
        .unwrap();
    let responses = &page.body[start..];
    let responses = &responses[..responses.find("</ul>").unwrap()];
    assert!(responses.contains(&names[1]) && responses.contains(&names[2]));
    assert!(responses.contains(&html("We wrote to the commander.")));
    assert!(!responses.contains(&names[3]));
    assert!(
        !responses.contains(r#"<span class="badge plain">Seen</span>"#),
        "org 1's latest answer counts"
    );
    let not_yet = &page.body[page.body.find("Not yet responded (1)").unwrap()..];
    assert!(not_yet.contains(&names[3]), "{not_yet}");
    assert!(!not_yet.contains(&names[1]) && !not_yet.contains(&names[2]));

    // Home: our recent alerts, each with how many members have responded.
    let home = app.get("/", Some(&cookie)).await;
    let ours = &home.body[home.body.find(r#"id="home-ours""#).unwrap()..];
    let ours = &ours[..ours.find("</section>").unwrap()];
    assert!(ours.contains("Community radio host detained"), "{ours}");
    assert!(
        ours.contains("2 of 3 member organizations responded"),
        "{ours}"
    );
    assert!(ours.contains(&format!("/alerts/{id}")));
    // The notification button is there for the script to show; never asked on load.
    assert!(
        home.body
            .contains(r#"<button type="button" id="notify-button" class="button small secondary" hidden>Notify me of new alerts</button>"#),
        "{}",
        home.body
    );
    app.stop().await;
}

#[tokio::test]
async fn the_event_stream_says_which_alerts_should_notify() {
    let mut app = start().await;
    let cookie = app.login().await;
    let mut stream = app
        .client
        .get(format!("{}/events", app.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let now = now_ms();
    let theirs = app
        .receive(
            1,
            Body::Alert(Alert {
                severity: Severity::Urgent,
                region: "River delta".to_owned(),
                title: "Eviction under way".to_owned(),
                body: "Bulldozers arrived at dawn.".to_owned(),
                action_requested: String::new(),
                expires_at_ms: now + HOUR_MS,
            }),
            now,
        )
        .await;
    let expired = app
        .receive(
            2,
            Body::Alert(Alert {
                severity: Severity::Watch,
                region: "Capital".to_owned(),
                title: "Hearing postponed".to_owned(),
                body: "The court adjourned.".to_owned(),
                action_requested: String::new(),
                expires_at_ms: now - HOUR_MS,
            }),
            now - 2 * HOUR_MS,
        )
        .await;
    // Our own alert, then another org's answer to it and another to theirs.
    let ours = app
        .handle
        .publisher
        .publish(Body::Alert(Alert {
            severity: Severity::Critical,
            region: "Highlands".to_owned(),
            title: "Defenders detained at a checkpoint".to_owned(),
            body: "Two defenders were held on the road.".to_owned(),
            action_requested: String::new(),
            expires_at_ms: now + HOUR_MS,
        }))
        .await
        .unwrap();
    let to_ours = app
        .receive(2, answer(ours.id, ResponseKind::Acting, ""), now_ms())
        .await;
    app.receive(3, answer(theirs.id(), ResponseKind::Shared, ""), now_ms())
        .await;
    let events = record_events(&mut stream, 5).await;
    assert_eq!(events[0]["kind"], "alert");
    assert_eq!(events[0]["href"], format!("/alerts/{}", theirs.id()));
    assert_eq!(events[0]["title"], "Eviction under way");
    assert_eq!(events[0]["notify"], true);
    assert_eq!(events[1]["href"], format!("/alerts/{}", expired.id()));
    assert_eq!(
        events[1]["notify"], false,
        "an expired alert does not notify"
    );
    assert_eq!(events[2]["href"], format!("/alerts/{}", ours.id));
    assert_eq!(
        events[2]["notify"], false,
        "our own alert does not notify us"
    );
    assert_eq!(events[3]["kind"], "response");
    assert_eq!(events[3]["id"], to_ours.id().to_string());
    assert_eq!(events[3]["href"], format!("/alerts/{}", ours.id));
    assert_eq!(events[3]["title"], "Defenders detained at a checkpoint");
    assert_eq!(events[3]["notify"], true, "an answer to our alert notifies");
    assert_eq!(events[4]["kind"], "response");
    assert_eq!(
        events[4].get("notify"),
        None,
        "an answer to another org's alert does not"
    );
    // Votes that wait for ours: org 4 applies, org 1 proposes to remove org 2; org 2's
    // vote to admit org 4 asks nothing of us.
    app.receive(
        4,
        Body::Application(Application {
            org: app.net.orgs[4].id(),
            statement: "We document evictions in three port cities.".to_owned(),
        }),
        now_ms(),
    )
    .await;
    let removal = Body::Vote(Vote {
        subject: app.net.orgs[2].id(),
        choice: VoteChoice::Remove,
    });
    app.receive(1, removal, now_ms()).await;
    let admit = Body::Vote(Vote {
        subject: app.net.orgs[4].id(),
        choice: VoteChoice::Admit,
    });
    app.receive(3, admit, now_ms()).await;
    let votes = record_events(&mut stream, 3).await;
    assert_eq!(votes[0]["kind"], "application");
    assert_eq!(votes[0]["notify"], true, "{}", votes[0]);
    assert_eq!(
        votes[0]["href"],
        format!("/members/{}", app.net.orgs[4].id())
    );
    assert!(votes[0]["title"].as_str().unwrap().contains("asks to join"));
    assert_eq!(votes[1]["kind"], "vote");
    assert_eq!(votes[1]["notify"], true, "{}", votes[1]);
    assert_eq!(
        votes[1]["href"],
        format!("/members/{}", app.net.orgs[2].id())
    );
    let title = votes[1]["title"].as_str().unwrap();
    assert!(
        title.contains("Proposed: remove") && title.contains(&app.net.orgs[2].name),
        "{title}"
    );
    assert_eq!(votes[2]["kind"], "vote");
    assert_eq!(
        votes[2].get("notify"),
        None,
        "an admission vote asks nothing of us"
    );
    drop(stream);
    app.stop().await;
}
