//! The campaigns pages against a real node: starting a campaign through the form,
//! finding it under "Ours", posting an update and reading it in the timeline, and the
//! coalition rule (only the lead org and its partners post updates).

mod common;

use common::{App, Page};
use commons_node::store::RecordQuery;
use commons_protocol::{
    Body, BodyKind, Campaign, CampaignStatus, CampaignUpdate, RecordId, Retraction,
};
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

/// Starts a campaign through the form and returns its id (from the redirect).
async fn start_campaign(app: &App, cookie: &str, csrf: &str, fields: &[(&str, &str)]) -> RecordId {
    let mut all = vec![("csrf", csrf)];
    all.extend_from_slice(fields);
    let answer = app.post("/campaigns/new", cookie, &all).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let location = answer.location().expect("a redirect").to_owned();
    assert!(location.ends_with("?done=started"), "{location}");
    let id = location
        .trim_start_matches("/campaigns/")
        .trim_end_matches("?done=started");
    id.parse().expect("a record id")
}

/// The part of a list page that holds its campaigns.
fn listed(page: &Page) -> &str {
    let start = page.body.find("<main").unwrap_or(0);
    &page.body[start..]
}

#[tokio::test]
async fn a_campaign_started_through_the_form_is_listed_under_ours() {
    let app = App::start().await;
    let cookie = app.login().await;
    let csrf = app.csrf(&cookie).await;
    let partner = &app.net.orgs[1];
    let non_member = &app.net.orgs[3];

    let form = app.get("/campaigns/new", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains(&html(&partner.name)),
        "member orgs are offered as partners"
    );
    assert!(form.body.contains(&html(&app.net.orgs[2].name)));
    assert!(
        !form
            .body
            .contains(&format!("value=\"{}\"", non_member.id())),
        "an org that is not a member is not offered"
    );
    assert!(
        !form
            .body
            .contains(&format!("value=\"{}\"", app.net.orgs[0].id())),
        "our own org is the lead, not a partner"
    );

    let partner_id = partner.id().to_string();
    let id = start_campaign(
        &app,
        &cookie,
        &csrf,
        &[
            ("title", "Homes before highways"),
            ("goals", "- Stop the evictions in the river district\n\nA public hearing before any demolition\n"),
            ("partner", &partner_id),
            ("status", "planning"),
        ],
    )
    .await;

    let stored = app.handle.store.record(&id).unwrap().expect("published");
    assert_eq!(stored.org, app.net.orgs[0].id());
    let Body::Campaign(campaign) = &stored.record.record().body else {
        panic!("not a campaign: {:?}", stored.record.record().body);
    };
    assert_eq!(campaign.title, "Homes before highways");
    assert_eq!(
        campaign.goals,
        vec![
            "Stop the evictions in the river district",
            "A public hearing before any demolition"
        ]
    );
    assert_eq!(campaign.partners, vec![partner.id()]);
    assert_eq!(campaign.status, CampaignStatus::Planning);

    let page = app
        .get(&format!("/campaigns/{id}?done=started"), Some(&cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The campaign was started"), "the notice");
    assert!(
        page.body
            .contains("<li><bdi>A public hearing before any demolition</bdi></li>")
    );
    assert!(page.body.contains(&format!("/members/{}", partner.id())));
    assert!(page.body.contains("Planning"));

    let ours = app.get("/campaigns?tab=ours", Some(&cookie)).await;
    assert!(listed(&ours).contains("Homes before highways"));
    assert!(listed(&ours).contains("2 goals"));
    assert!(listed(&ours).contains("Ours (1)"));
    let partnering = app.get("/campaigns?tab=partner", Some(&cookie)).await;
    assert!(!listed(&partnering).contains("Homes before highways"));
    let all = app.get("/campaigns?tab=all", Some(&cookie)).await;
    assert!(listed(&all).contains("Homes before highways"));
    // With no tab named, the page opens on ours, since we lead one.
    let first = app.get("/campaigns", Some(&cookie)).await;
    assert!(
        first
            .body
            .contains(r#"href="/campaigns?tab=ours" aria-current="page""#)
    );
    app.stop().await;
}

#[tokio::test]
async fn a_campaign_without_a_title_is_not_started() {
    let app = App::start().await;
    let cookie = app.login().await;
    let csrf = app.csrf(&cookie).await;
    let answer = app
        .post(
            "/campaigns/new",
            &cookie,
            &[
                ("csrf", &csrf),
                ("title", "  "),
                ("goals", "Keep this goal"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body.contains("Give the campaign a title."));
    assert!(
        answer.body.contains("Keep this goal"),
        "what was typed is kept"
    );
    let campaigns = app
        .handle
        .store
        .query(&RecordQuery {
            kind: Some(BodyKind::Campaign),
            limit: 10,
            ..RecordQuery::default()
        })
        .unwrap();
    assert!(campaigns.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn an_update_posted_to_our_campaign_is_in_its_timeline() {
    let mut app = App::start().await;
    let cookie = app.login().await;
    let csrf = app.csrf(&cookie).await;
    let partner_id = app.net.orgs[1].id().to_string();
    let id = start_campaign(
        &app,
        &cookie,
        &csrf,
        &[
            ("title", "Clean water for Lomas"),
            ("partner", &partner_id),
            ("status", "active"),
        ],
    )
    .await;

    // A partner's update arrives first; ours follows and is newer.
    app.receive(
        1,
        Body::CampaignUpdate(CampaignUpdate {
            campaign: id,
            status: None,
            body: "We delivered the petition to the water board.".to_owned(),
        }),
        now_ms() - 60_000,
    )
    .await;
    let answer = app
        .post(
            &format!("/campaigns/{id}/updates"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("body", "The board agreed to **repair the main pipe**."),
                ("status", "won"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    assert_eq!(
        answer.location(),
        Some(format!("/campaigns/{id}?done=update#updates").as_str())
    );
    let updates = app
        .handle
        .store
        .query(&RecordQuery {
            kind: Some(BodyKind::CampaignUpdate),
            org: Some(app.net.orgs[0].id()),
            limit: 10,
            ..RecordQuery::default()
        })
        .unwrap();
    assert_eq!(updates.len(), 1);
    assert!(matches!(
        &updates[0].record.record().body,
        Body::CampaignUpdate(update) if update.campaign == id && update.status == Some(CampaignStatus::Won)
    ));

    let page = app
        .get(&format!("/campaigns/{id}?done=update"), Some(&cookie))
        .await;
    assert!(page.body.contains("Your update was posted."));
    let ours = page
        .body
        .find("<strong>repair the main pipe</strong>")
        .expect("our update, its Markdown rendered");
    let theirs = page
        .body
        .find("We delivered the petition")
        .expect("the partner's update");
    assert!(ours < theirs, "the newest update comes first");
    assert!(
        page.body.contains(r#"<span class="badge ok">Won</span>"#),
        "the new status"
    );
    // The list takes the status and the date from the updates.
    let list = app.get("/campaigns?tab=ours", Some(&cookie)).await;
    assert!(list.body.contains("Won"));
    assert!(list.body.contains("latest update"));

    // An empty update is not posted.
    let empty = app
        .post(
            &format!("/campaigns/{id}/updates"),
            &cookie,
            &[("csrf", &csrf), ("body", " "), ("status", "")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Write the update before posting it."));
    app.stop().await;
}

#[tokio::test]
async fn only_the_coalition_posts_updates() {
    let mut app = App::start().await;
    let cookie = app.login().await;
    let csrf = app.csrf(&cookie).await;
    let now = now_ms();
    // Org 1 leads a campaign with org 2; we are not in it.
    let theirs = app
        .receive(
            1,
            Body::Campaign(Campaign {
                title: "Land titles for the coastal villages".to_owned(),
                goals: vec!["Collective titles for twelve villages".to_owned()],
                partners: vec![app.net.orgs[2].id()],
                status: CampaignStatus::Active,
            }),
            now - 120_000,
        )
        .await
        .id();
    // Org 1 leads another with us as a partner.
    let with_us = app
        .receive(
            1,
            Body::Campaign(Campaign {
                title: "Teachers' right to organize".to_owned(),
                goals: Vec::new(),
                partners: vec![app.net.orgs[0].id()],
                status: CampaignStatus::Active,
            }),
            now - 60_000,
        )
        .await
        .id();

    let page = app
        .get(&format!("/campaigns/{theirs}"), Some(&cookie))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("/updates\""),
        "no update form is offered"
    );
    assert!(
        page.body
            .contains("Only the lead organization and its partners post updates")
    );
    let refused = app
        .post(
            &format!("/campaigns/{theirs}/updates"),
            &cookie,
            &[("csrf", &csrf), ("body", "We would like to help.")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let ours = app
        .handle
        .store
        .query(&RecordQuery {
            kind: Some(BodyKind::CampaignUpdate),
            org: Some(app.net.orgs[0].id()),
            limit: 10,
            ..RecordQuery::default()
        })
        .unwrap();
    assert!(ours.is_empty(), "nothing was published");

    // Org 2 is outside the second campaign's coalition: its update (the protocol lets
    // it through) is marked, and its status change is not taken as the campaign's.
    app.receive(
        2,
        Body::CampaignUpdate(CampaignUpdate {
            campaign: with_us,
            status: Some(CampaignStatus::Closed),
            body: "This campaign is over.".to_owned(),
        }),
        now - 30_000,
    )
    .await;
    let page = app
        .get(&format!("/campaigns/{with_us}"), Some(&cookie))
        .await;
    assert!(page.body.contains("This campaign is over."));
    assert!(page.body.contains("outside this campaign"));
    assert!(
        page.body
            .contains(r#"<p><span class="badge ok">Active</span>"#)
    );

    let partnering = app.get("/campaigns?tab=partner", Some(&cookie)).await;
    assert!(
        partnering
            .body
            .contains(&html("Teachers' right to organize"))
    );
    assert!(
        !partnering
            .body
            .contains("Land titles for the coastal villages")
    );
    let page = app
        .get(&format!("/campaigns/{with_us}"), Some(&cookie))
        .await;
    assert!(page.body.contains("We are a partner"));
    assert!(
        page.body.contains(&format!("/campaigns/{with_us}/updates")),
        "a partner may post"
    );
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_campaign_is_not_found() {
    let mut app = App::start().await;
    let cookie = app.login().await;
    let unknown = RecordId::of(b"no such campaign");
    let page = app
        .get(&format!("/campaigns/{unknown}"), Some(&cookie))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let garbage = app.get("/campaigns/not-an-id", Some(&cookie)).await;
    assert_eq!(garbage.status, StatusCode::NOT_FOUND);

    // A campaign its org took back says so.
    let now = now_ms();
    let retracted = app
        .receive(
            1,
            Body::Campaign(Campaign {
                title: "A campaign announced too early".to_owned(),
                goals: Vec::new(),
                partners: Vec::new(),
                status: CampaignStatus::Planning,
            }),
            now - 60_000,
        )
        .await
        .id();
    app.receive(
        1,
        Body::Retraction(Retraction {
            target: retracted,
            reason: String::new(),
        }),
        now - 30_000,
    )
    .await;
    let page = app
        .get(&format!("/campaigns/{retracted}"), Some(&cookie))
        .await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.body.contains("retracted this campaign"));
    assert!(!page.body.contains("announced too early"));
    app.stop().await;
}
