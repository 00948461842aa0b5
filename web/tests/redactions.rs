//! Redaction by the members' vote in the web app, against a real node on redb: another
//! org's case study shows who asked to redact it and why, with the tally; our staff
//! confirm their vote with a reason on a page that says what it does (a GET publishes
//! nothing, a form without its token or reason is refused); the deciding vote drops
//! the content, and the page then says it was redacted, by whom and why. Our own case
//! study offers no vote, and the list of requests shows where each stands. The same
//! holds for a campaign, an update on its timeline, an alert and a response to it, and
//! an org's profile.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::App;
use commons_node::store::RecordQuery;
use commons_protocol::fixtures::sample_practice;
use commons_protocol::{
    Alert, AlertResponse, Body, BodyKind, Campaign, CampaignStatus, CampaignUpdate, OrgId,
    Practice, Profile, RecordId, RedactionVote, ResponseKind, Retraction, Severity, VerifiedRecord,
    Visibility,
};
use commons_web::view::now_ms;
use reqwest::StatusCode;

fn case_study(title: &str) -> Body {
    Body::Practice(Practice {
        title: title.to_owned(),
        body: "The names of the three witnesses are given in full below.".to_owned(),
        ..sample_practice(Visibility::Members)
    })
}

/// Org 1's urgent alert after a raid, which the responses in these tests answer.
fn raid_alert(now: u64) -> Body {
    Body::Alert(Alert {
        severity: Severity::Urgent,
        region: "Northern highlands".to_owned(),
        title: "Families displaced after a raid".to_owned(),
        body: "Six families left their homes overnight.".to_owned(),
        action_requested: "Offer shelter if you can.".to_owned(),
        expires_at_ms: now + 86_400_000,
    })
}

/// A response to `alert` saying the org is acting, with `note`.
fn acting_on(alert: RecordId, note: &str) -> Body {
    Body::AlertResponse(AlertResponse {
        alert,
        response: ResponseKind::Acting,
        note: note.to_owned(),
    })
}

/// An active campaign for the detained river defenders, with `goal` and `partners`.
fn river_campaign(goal: &str, partners: Vec<OrgId>) -> Body {
    Body::Campaign(Campaign {
        title: "Free the river defenders".to_owned(),
        goals: vec![goal.to_owned()],
        partners,
        status: CampaignStatus::Active,
    })
}

/// An update to `campaign` with `body` and no change of status.
fn update_to(campaign: RecordId, body: &str) -> Body {
    Body::CampaignUpdate(CampaignUpdate {
        campaign,
        status: None,
        body: body.to_owned(),
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

/// Org 2 asks to redact `record`, with `reason`.
async fn requested_by_org_2(app: &mut App, record: &VerifiedRecord, reason: &str, at: u64) {
    app.receive(
        2,
        Body::RedactionVote(RedactionVote {
            target: record.id(),
            target_author: record.record().author,
            reason: reason.to_owned(),
        }),
        at,
    )
    .await;
}

/// Our staff's vote through the form at `path`, with the form's token `csrf`: where
/// the app sends them next.
async fn voted_on_page(app: &App, cookie: &str, path: &str, csrf: &str, reason: &str) -> String {
    let voted = app
        .post(path, cookie, &[("csrf", csrf), ("reason", reason)])
        .await;
    assert_eq!(voted.status, StatusCode::SEE_OTHER, "{}", voted.body);
    voted.location().expect("a redirect").to_owned()
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
    requested_by_org_2(
        &mut app,
        &theirs,
        "It names witnesses who have since been threatened.",
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
    let back = voted_on_page(
        &app,
        &cookie,
        &path,
        &csrf,
        "Agreed: the witnesses asked us.",
    )
    .await;
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

/// An update on another org's campaign that gives away where a detained defender's
/// family stays: a member asks, our staff see the request on the timeline, confirm
/// with a reason, and the deciding vote takes the update off every page. Our own
/// update offers no vote.
#[tokio::test]
async fn a_campaign_update_is_redacted_from_the_timeline_by_vote() {
    let mut app = App::start().await;
    let now = now_ms();
    let campaign = app
        .receive(
            1,
            river_campaign(
                "Release of the four detained defenders",
                vec![app.net.orgs[0].id()],
            ),
            now - 10_000,
        )
        .await
        .id();
    const DANGER: &str = "Their families are staying at the parish house on Calle Sol 14.";
    let theirs = app
        .receive(1, update_to(campaign, DANGER), now - 5_000)
        .await;
    let update = theirs.id();
    let ours = app
        .handle
        .publisher
        .publish(update_to(
            campaign,
            "We delivered the petition to the prosecutor.",
        ))
        .await
        .unwrap()
        .id;
    let cookie = app.login().await;
    let page_path = format!("/campaigns/{campaign}");
    let vote_path = format!("/campaigns/{campaign}/updates/{update}/redact");

    // Nobody asked yet: their update offers the request, ours does not.
    let page = app.get(&page_path, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!(r#"href="{vote_path}""#)),
        "{}",
        page.body
    );
    assert!(page.body.contains("Request redaction of this update…"));
    assert!(
        !page.body.contains(&format!("/updates/{ours}/redact")),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("any member can ask the network to redact it")
    );
    let refused = app
        .get(
            &format!("/campaigns/{campaign}/updates/{ours}/redact"),
            Some(&cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        refused.body.contains("commons publish retract"),
        "{}",
        refused.body
    );
    // The update under another campaign's address is no page.
    let elsewhere = app
        .get(
            &format!("/campaigns/{update}/updates/{update}/redact"),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::NOT_FOUND,
        "{}",
        elsewhere.body
    );

    // Org 2 asks.
    requested_by_org_2(
        &mut app,
        &theirs,
        "It gives away where the families are hiding.",
        now - 2_000,
    )
    .await;
    let page = app.get(&page_path, Some(&cookie)).await;
    assert!(
        page.body
            .contains("1 of 2 votes needed to redact this update"),
        "{}",
        page.body
    );
    assert!(page.body.contains("where the families are hiding"));
    assert!(page.body.contains("Vote to redact this update…"));
    let listed = app.get("/redactions", Some(&cookie)).await;
    assert!(
        listed.body.contains("Free the river defenders"),
        "{}",
        listed.body
    );
    assert!(listed.body.contains("Campaign update"), "{}", listed.body);
    assert!(
        listed
            .body
            .contains(&format!("/campaigns/{campaign}#update-{update}")),
        "{}",
        listed.body
    );

    // The confirmation quotes the update and says what a vote does; a GET publishes
    // nothing, and a blank reason is refused.
    let confirm = app.get(&vote_path, Some(&cookie)).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm.body.contains("Redact this campaign update"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("Update to Free the river defenders"));
    assert!(confirm.body.contains("Calle Sol 14"));
    assert!(confirm.body.contains("cannot block the redaction"));
    assert!(confirm.body.contains(&format!(r#"action="{vote_path}""#)));
    assert_eq!(our_votes(&app), 0);
    let csrf = confirm.csrf().expect("the confirmation's form");
    let blank = app
        .post(&vote_path, &cookie, &[("csrf", &csrf), ("reason", " ")])
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(our_votes(&app), 0);

    // Ours is the deciding vote: the text is gone from the store and the timeline.
    let back = voted_on_page(
        &app,
        &cookie,
        &vote_path,
        &csrf,
        "Agreed: the families asked us.",
    )
    .await;
    assert_eq!(back, format!("{page_path}?done=redacted#updates"));
    assert_eq!(our_votes(&app), 1);
    assert_eq!(app.handle.store.record(&update).unwrap(), None);
    assert!(app.handle.store.tombstone(&update).unwrap().is_some());
    let after = app.get(&back, Some(&cookie)).await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.body);
    assert!(
        after.body.contains("every node drops the content"),
        "{}",
        after.body
    );
    assert!(!after.body.contains("Calle Sol"), "{}", after.body);
    assert!(after.body.contains("We delivered the petition"));
    for untranslated in [">redaction-", " redaction-"] {
        assert!(!after.body.contains(untranslated), "{}", after.body);
        assert!(!confirm.body.contains(untranslated), "{}", confirm.body);
    }
    app.stop().await;
}

/// An alert of another org that says where a defender who fled is hiding: the alert's
/// page shows the request and its reason, the vote's page takes ours, and once the
/// alert is redacted its page says the members took it down, not its org.
#[tokio::test]
async fn an_alert_is_redacted_by_vote_and_its_page_says_by_whom() {
    let mut app = App::start().await;
    let now = now_ms();
    let theirs = app
        .receive(
            1,
            Body::Alert(Alert {
                severity: Severity::Urgent,
                region: "Northern highlands".to_owned(),
                title: "Defender in hiding after a raid".to_owned(),
                body: "She is staying with her cousin above the bakery in San Isidro.".to_owned(),
                action_requested: "Call the regional prosecutor's office.".to_owned(),
                expires_at_ms: now + 86_400_000,
            }),
            now - 5_000,
        )
        .await;
    let id = theirs.id();
    let cookie = app.login().await;
    let page_path = format!("/alerts/{id}");
    let vote_path = format!("/alerts/{id}/redact");

    let page = app.get(&page_path, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!(r#"href="{vote_path}""#)),
        "{}",
        page.body
    );
    assert!(page.body.contains("If this alert puts someone in danger"));

    requested_by_org_2(
        &mut app,
        &theirs,
        "It says where she is hiding.",
        now - 2_000,
    )
    .await;
    let page = app.get(&page_path, Some(&cookie)).await;
    assert!(
        page.body
            .contains("1 of 2 votes needed to redact this alert"),
        "{}",
        page.body
    );
    assert!(page.body.contains("It says where she is hiding."));
    assert!(page.body.contains("Vote to redact…"));
    let listed = app.get("/redactions", Some(&cookie)).await;
    assert!(
        listed.body.contains("Defender in hiding after a raid"),
        "{}",
        listed.body
    );

    let confirm = app.get(&vote_path, Some(&cookie)).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm.body.contains("Redact this alert"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("cannot block the redaction"));
    assert!(confirm.body.contains(&format!(r#"action="{vote_path}""#)));
    let csrf = confirm.csrf().expect("the confirmation's form");
    let back = voted_on_page(
        &app,
        &cookie,
        &vote_path,
        &csrf,
        "Agreed: her lawyer asked us.",
    )
    .await;
    assert_eq!(back, format!("{page_path}?done=redacted"));
    assert_eq!(our_votes(&app), 1);
    assert_eq!(app.handle.store.record(&id).unwrap(), None);
    let after = app.get(&back, Some(&cookie)).await;
    assert_eq!(after.status, StatusCode::GONE, "{}", after.body);
    assert!(
        after
            .body
            .contains("Enough member organizations voted that this alert put someone in danger"),
        "{}",
        after.body
    );
    assert!(!after.body.contains("San Isidro"));
    assert!(!after.body.contains("retracted it"), "{}", after.body);
    app.stop().await;
}

/// Our own alert offers retraction by the operator, not a vote.
#[tokio::test]
async fn our_own_alert_offers_no_vote() {
    let app = App::start().await;
    let ours = app
        .handle
        .publisher
        .publish(Body::Alert(Alert {
            severity: Severity::Urgent,
            region: "Northern highlands".to_owned(),
            title: "Our office was raided".to_owned(),
            body: "Computers were taken.".to_owned(),
            action_requested: String::new(),
            expires_at_ms: now_ms() + 86_400_000,
        }))
        .await
        .unwrap()
        .id;
    let cookie = app.login().await;
    let page = app.get(&format!("/alerts/{ours}"), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        !page.body.contains(&format!("/alerts/{ours}/redact")),
        "{}",
        page.body
    );
    assert!(page.body.contains("retract it yourself"), "{}", page.body);
    let refused = app
        .get(&format!("/alerts/{ours}/redact"), Some(&cookie))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        refused.body.contains("commons publish retract"),
        "{}",
        refused.body
    );
    app.stop().await;
}

/// Another org's campaign whose goals name defenders whose families asked for silence:
/// its page shows the request beside the coalition, our staff vote on the vote's page,
/// and the redacted campaign's page says the members took it down, not its org.
#[tokio::test]
async fn a_campaign_is_redacted_by_vote_and_its_page_says_by_whom() {
    let mut app = App::start().await;
    let now = now_ms();
    let campaign = app
        .receive(
            1,
            river_campaign("Release of Ana and Tomás, held since March", Vec::new()),
            now - 5_000,
        )
        .await;
    let id = campaign.id();
    let cookie = app.login().await;
    let page_path = format!("/campaigns/{id}");
    let vote_path = format!("/campaigns/{id}/redact");
    let page = app.get(&page_path, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!(r#"href="{vote_path}""#)),
        "{}",
        page.body
    );

    requested_by_org_2(
        &mut app,
        &campaign,
        "It names them against their families' wish.",
        now - 2_000,
    )
    .await;
    let page = app.get(&page_path, Some(&cookie)).await;
    assert!(
        page.body
            .contains("1 of 2 votes needed to redact this campaign"),
        "{}",
        page.body
    );
    let confirm = app.get(&vote_path, Some(&cookie)).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm.body.contains("Redact this campaign"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("Its updates stay."));
    let csrf = confirm.csrf().expect("the confirmation's form");
    let back = voted_on_page(&app, &cookie, &vote_path, &csrf, "Agreed.").await;
    assert_eq!(back, format!("{page_path}?done=redacted"));
    assert_eq!(app.handle.store.record(&id).unwrap(), None);
    let page = app.get(&back, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
    assert!(
        page.body
            .contains("Enough member organizations voted that this campaign put someone in danger"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Tomás"));
    app.stop().await;
}

/// A response to another org's alert whose note says where a family is sheltering:
/// the alert's page shows the request under that response, and the deciding vote,
/// cast on the response's own vote page, takes the note off the page.
#[tokio::test]
async fn a_response_to_an_alert_is_redacted_by_vote() {
    let mut app = App::start().await;
    let now = now_ms();
    let alert = app.receive(1, raid_alert(now), now - 10_000).await.id();
    const DANGER: &str = "We are sheltering two of the families at our office on Calle Luna.";
    let theirs = app.receive(2, acting_on(alert, DANGER), now - 5_000).await;
    let response = theirs.id();
    let cookie = app.login().await;
    let page_path = format!("/alerts/{alert}");
    let vote_path = format!("/alerts/{alert}/responses/{response}/redact");
    let page = app.get(&page_path, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!(r#"href="{vote_path}""#)),
        "{}",
        page.body
    );
    assert!(page.body.contains("Request redaction of this response…"));

    // Founder 1 (the alert's raiser) asks this time.
    app.receive(
        1,
        Body::RedactionVote(RedactionVote {
            target: response,
            target_author: theirs.record().author,
            reason: "It says where the families are.".to_owned(),
        }),
        now - 2_000,
    )
    .await;
    let page = app.get(&page_path, Some(&cookie)).await;
    assert!(
        page.body
            .contains("1 of 2 votes needed to redact this response"),
        "{}",
        page.body
    );
    let listed = app.get("/redactions", Some(&cookie)).await;
    assert!(listed.body.contains("Alert response"), "{}", listed.body);
    assert!(
        listed
            .body
            .contains(&format!("/alerts/{alert}#response-{response}")),
        "{}",
        listed.body
    );
    // Under another alert's address, the response is no page.
    let elsewhere = app
        .get(
            &format!("/alerts/{response}/responses/{response}/redact"),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::NOT_FOUND,
        "{}",
        elsewhere.body
    );
    let confirm = app.get(&vote_path, Some(&cookie)).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm
            .body
            .contains("Response to Families displaced after a raid")
    );
    assert!(confirm.body.contains("Calle Luna"), "the note is quoted");
    let csrf = confirm.csrf().expect("the confirmation's form");
    let back = voted_on_page(&app, &cookie, &vote_path, &csrf, "Agreed.").await;
    assert_eq!(back, format!("{page_path}?done=redacted#responses"));
    assert_eq!(app.handle.store.record(&response).unwrap(), None);
    let after = app.get(&back, Some(&cookie)).await;
    assert_eq!(after.status, StatusCode::OK, "{}", after.body);
    assert!(
        after.body.contains("every node drops the content"),
        "{}",
        after.body
    );
    assert!(!after.body.contains("Calle Luna"), "{}", after.body);
    app.stop().await;
}

fn profile(description: &str) -> Body {
    Body::Profile(Profile {
        name: "Río Verde Land Defenders".to_owned(),
        country: "Honduras".to_owned(),
        region: "Central America".to_owned(),
        website: String::new(),
        working_groups: vec!["Land".to_owned()],
        languages: vec!["Spanish".to_owned()],
        description: description.to_owned(),
    })
}

/// Org 1's newest profile gives the home town of a coordinator who is being followed:
/// its org's page offers the vote under the profile, the deciding vote drops it on
/// this node, and the page then shows org 1's earlier profile in its place. An address
/// that pairs the profile with another org is not a way to vote on it, and our own
/// profile offers no vote.
#[tokio::test]
async fn a_profile_is_redacted_by_vote_and_an_earlier_one_shows() {
    let mut app = App::start().await;
    let now = now_ms();
    let org = app.net.orgs[1].id();
    app.receive(
        1,
        profile("Paralegals who help farming villages keep their land."),
        now - 9_000,
    )
    .await;
    let newest = app
        .receive(
            1,
            profile("Our coordinator Marta Flores works from her home in Tocoa."),
            now - 5_000,
        )
        .await;
    let id = newest.id();
    let cookie = app.login().await;
    let page_path = format!("/members/{org}");
    let vote_path = format!("/members/{org}/profiles/{id}/redact");
    let page = app.get(&page_path, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Marta Flores"), "{}", page.body);
    assert!(
        page.body.contains(&format!(r#"href="{vote_path}""#)),
        "{}",
        page.body
    );

    let elsewhere = format!("/members/{}/profiles/{id}/redact", app.net.orgs[2].id());
    let page = app.get(&elsewhere, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", page.body);

    requested_by_org_2(
        &mut app,
        &newest,
        "It says where a coordinator who is being followed lives.",
        now - 2_000,
    )
    .await;
    let page = app.get(&page_path, Some(&cookie)).await;
    assert!(
        page.body
            .contains("1 of 2 votes needed to redact this profile"),
        "{}",
        page.body
    );
    assert!(page.body.contains("who is being followed lives"));
    let list = app.get("/redactions", Some(&cookie)).await;
    assert!(
        list.body.contains(&format!(r#"href="{page_path}""#)),
        "{}",
        list.body
    );
    assert!(list.body.contains("Río Verde Land Defenders"));

    let confirm = app.get(&vote_path, Some(&cookie)).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm.body.contains("Redact this profile"),
        "{}",
        confirm.body
    );
    assert!(
        confirm.body.contains("Profile of Río Verde Land Defenders"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("an earlier profile it published"));
    let csrf = confirm.csrf().expect("the confirmation's form");
    let before = our_votes(&app);
    let refused = app
        .post(&vote_path, &cookie, &[("csrf", &csrf), ("reason", "  ")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(our_votes(&app), before);

    let back = voted_on_page(&app, &cookie, &vote_path, &csrf, "Agreed.").await;
    assert_eq!(back, format!("{page_path}?done=redacted"));
    assert_eq!(our_votes(&app), before + 1);
    assert_eq!(app.handle.store.record(&id).unwrap(), None);
    let page = app.get(&back, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(!page.body.contains("Marta Flores"), "{}", page.body);
    assert!(!page.body.contains("Tocoa"));
    assert!(
        page.body.contains("keep their land"),
        "the earlier profile shows: {}",
        page.body
    );
    assert!(page.body.contains("Your vote was the last one needed"));

    // Our own profile: the panel says how to retract it, and the vote is refused.
    let ours = app.handle.org;
    let own = app
        .handle
        .publisher
        .publish(profile("Our own description."))
        .await
        .unwrap();
    let page = app.get(&format!("/members/{ours}"), Some(&cookie)).await;
    let own_vote = format!("/members/{ours}/profiles/{}/redact", own.id);
    assert!(!page.body.contains(&own_vote), "{}", page.body);
    assert!(page.body.contains("retract it yourself"), "{}", page.body);
    let refused = app.get(&own_vote, Some(&cookie)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(
        refused.body.contains("commons publish retract"),
        "{}",
        refused.body
    );
    app.stop().await;
}

/// A campaign redacted by vote leaves its updates, each another org's record, on the
/// page that says the campaign is gone: members still read them there and can redact
/// each in turn.
#[tokio::test]
async fn a_redacted_campaigns_updates_stay_listed_and_each_can_be_redacted() {
    let mut app = App::start().await;
    let now = now_ms();
    let campaign = app
        .receive(
            1,
            river_campaign(
                "Release of Ana and Tomás, held since March",
                vec![app.net.orgs[2].id()],
            ),
            now - 10_000,
        )
        .await;
    let id = campaign.id();
    const DANGER: &str = "Ana's mother is staying with us at Calle Sol 14.";
    let update = app.receive(2, update_to(id, DANGER), now - 8_000).await;
    let cookie = app.login().await;

    // The campaign goes by vote: org 2 asks, ours decides.
    requested_by_org_2(
        &mut app,
        &campaign,
        "It names them against their families' wish.",
        now - 6_000,
    )
    .await;
    let vote_path = format!("/campaigns/{id}/redact");
    let confirm = app.get(&vote_path, Some(&cookie)).await;
    let csrf = confirm.csrf().expect("the confirmation's form");
    let back = voted_on_page(&app, &cookie, &vote_path, &csrf, "Agreed.").await;
    assert_eq!(app.handle.store.record(&id).unwrap(), None);

    // Its page says it is gone, and lists the update still held, with its own panel.
    let page = app.get(&back, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
    assert!(
        page.body
            .contains("Enough member organizations voted that this campaign put someone in danger"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Tomás"), "{}", page.body);
    assert!(
        page.body.contains("Updates to it still kept here"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Calle Sol 14"), "{}", page.body);
    assert!(
        page.body
            .contains(&format!(r#"id="update-{}""#, update.id()))
    );
    let update_vote = format!("/campaigns/{id}/updates/{}/redact", update.id());
    assert!(
        page.body.contains(&format!(r#"href="{update_vote}""#)),
        "{}",
        page.body
    );

    // Org 1 asks to redact the update too: the gone page shows the tally.
    app.receive(
        1,
        Body::RedactionVote(RedactionVote {
            target: update.id(),
            target_author: update.record().author,
            reason: "It says where Ana's mother is.".to_owned(),
        }),
        now - 2_000,
    )
    .await;
    let page = app.get(&format!("/campaigns/{id}"), Some(&cookie)).await;
    assert!(
        page.body
            .contains("1 of 2 votes needed to redact this update"),
        "{}",
        page.body
    );
    // Its vote page says what it is, though the campaign's title is gone.
    let confirm = app.get(&update_vote, Some(&cookie)).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm
            .body
            .contains("Update to a campaign that was taken down"),
        "{}",
        confirm.body
    );
    let listed = app.get("/redactions", Some(&cookie)).await;
    assert!(
        listed
            .body
            .contains("Update to a campaign that was taken down"),
        "{}",
        listed.body
    );
    let csrf = confirm.csrf().expect("the confirmation's form");
    let back = voted_on_page(&app, &cookie, &update_vote, &csrf, "Agreed.").await;
    assert_eq!(app.handle.store.record(&update.id()).unwrap(), None);
    let page = app.get(&back, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
    assert!(!page.body.contains("Calle Sol 14"), "{}", page.body);
    assert!(
        !page.body.contains("Updates to it still kept here"),
        "{}",
        page.body
    );
    app.stop().await;
}

/// An alert its org retracted leaves the responses to it listed, each with the way to
/// ask for its redaction.
#[tokio::test]
async fn a_retracted_alerts_responses_stay_listed() {
    let mut app = App::start().await;
    let now = now_ms();
    let alert = app.receive(1, raid_alert(now), now - 10_000).await.id();
    let response = app
        .receive(
            2,
            acting_on(
                alert,
                "Two families are with us at the office on Calle Luna.",
            ),
            now - 5_000,
        )
        .await
        .id();
    app.receive(
        1,
        Body::Retraction(Retraction {
            target: alert,
            reason: String::new(),
        }),
        now - 2_000,
    )
    .await;
    let cookie = app.login().await;
    let page = app.get(&format!("/alerts/{alert}"), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::GONE, "{}", page.body);
    assert!(page.body.contains("retracted it"), "{}", page.body);
    assert!(!page.body.contains("Six families"), "{}", page.body);
    assert!(
        page.body.contains("Responses to it still kept here"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Calle Luna"), "{}", page.body);
    assert!(page.body.contains(&format!(r#"id="response-{response}""#)));
    assert!(page.body.contains("Request redaction of this response…"));
    let vote_path = format!("/alerts/{alert}/responses/{response}/redact");
    assert!(
        page.body.contains(&format!(r#"href="{vote_path}""#)),
        "{}",
        page.body
    );
    let confirm = app.get(&vote_path, Some(&cookie)).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm
            .body
            .contains("Response to an alert that was taken down"),
        "{}",
        confirm.body
    );
    app.stop().await;
}
