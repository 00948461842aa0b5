//! The members pages against a real node: the roster and applications with their
//! tallies, endorsing an applicant through the confirmation page (a vote really
//! published and counted), editing our profile, and an applicant's node applying.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{App, Net};
use commons_node::store::RecordQuery;
use commons_protocol::{Application, Body, BodyKind, OrgId, Profile, Vote, VoteChoice};
use commons_web::view::now_ms;
use reqwest::StatusCode;

/// The non-member org of the sample network.
const APPLICANT: usize = 3;

fn records(app: &App, kind: BodyKind, org: OrgId) -> Vec<Body> {
    app.handle
        .store
        .query(&RecordQuery {
            kind: Some(kind),
            org: Some(org),
            limit: 100,
            ..RecordQuery::default()
        })
        .unwrap()
        .into_iter()
        .map(|stored| stored.record.record().body.clone())
        .collect()
}

fn profile(name: &str) -> Body {
    Body::Profile(Profile {
        name: name.to_owned(),
        country: "Ghana".to_owned(),
        region: "West Africa".to_owned(),
        website: String::new(),
        working_groups: vec!["Land".to_owned()],
        languages: vec!["English".to_owned(), "Twi".to_owned()],
        description: "Paralegals who help farming villages defend their land.".to_owned(),
    })
}

/// Founder 0's app with org 3's profile and application received.
async fn with_an_application() -> (App, OrgId) {
    let mut app = App::start().await;
    let applicant = app.net.orgs[APPLICANT].id();
    let now = now_ms();
    app.receive(APPLICANT, profile("Rural Defenders Forum"), now - 2_000)
        .await;
    let application = Body::Application(Application {
        org: applicant,
        statement: "We train village paralegals and ask to share what we learn.".to_owned(),
    });
    app.receive(APPLICANT, application, now - 1_000).await;
    (app, applicant)
}

#[tokio::test]
async fn an_application_is_listed_with_its_tally_and_endorsed_through_a_confirmation() {
    let (app, applicant) = with_an_application().await;
    let ours = app.handle.org;
    let cookie = app.login().await;

    let roster = app.get("/members", Some(&cookie)).await;
    assert_eq!(roster.status, StatusCode::OK, "{}", roster.body);
    assert!(roster.body.contains("Applications"), "{}", roster.body);
    assert!(roster.body.contains("Rural Defenders Forum"));
    assert!(roster.body.contains("We train village paralegals"));
    assert!(
        roster.body.contains("0 of 2 endorsements"),
        "{}",
        roster.body
    );
    assert!(roster.body.contains("Waiting for your vote"));

    let org_page = app
        .get(&format!("/members/{applicant}"), Some(&cookie))
        .await;
    assert_eq!(org_page.status, StatusCode::OK, "{}", org_page.body);
    let vote_path = format!("/members/{applicant}/vote?choice=admit");
    assert!(org_page.body.contains(&vote_path), "{}", org_page.body);
    assert!(org_page.body.contains("Applying to join"));
    assert!(org_page.body.contains("Ghana"));

    // The confirmation names the consequence, and a GET alone publishes nothing.
    let confirm = app.get(&vote_path, Some(&cookie)).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm
            .body
            .contains("lets its devices publish to the whole network"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("cannot be taken back"));
    assert!(records(&app, BodyKind::Vote, ours).is_empty());

    // Without the form's token the vote is refused.
    let forged = app
        .post(
            &format!("/members/{applicant}/vote"),
            &cookie,
            &[("choice", "admit")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(records(&app, BodyKind::Vote, ours).is_empty());

    let csrf = confirm.csrf().expect("the confirmation's form");
    let voted = app
        .post(
            &format!("/members/{applicant}/vote"),
            &cookie,
            &[("csrf", &csrf), ("choice", "admit")],
        )
        .await;
    assert_eq!(voted.status, StatusCode::SEE_OTHER, "{}", voted.body);
    let back = voted.location().expect("a redirect").to_owned();
    assert_eq!(back, format!("/members/{applicant}?done=admit"));
    assert_eq!(
        records(&app, BodyKind::Vote, ours),
        vec![Body::Vote(Vote {
            subject: applicant,
            choice: VoteChoice::Admit,
        })]
    );
    let after = app.get(&back, Some(&cookie)).await;
    assert!(
        after
            .body
            .contains("Your endorsement was published. Now: 1 of 2 endorsements"),
        "{}",
        after.body
    );
    assert!(
        after
            .body
            .contains("Your organization has endorsed this application.")
    );
    assert!(
        !after.body.contains(&vote_path),
        "no second endorsement offered"
    );

    let roster = app.get("/members", Some(&cookie)).await;
    assert!(
        roster.body.contains("1 of 2 endorsements"),
        "{}",
        roster.body
    );
    assert!(roster.body.contains("You endorsed it"));

    // Endorsing twice is refused, and publishes nothing more.
    let again = app
        .post(
            &format!("/members/{applicant}/vote"),
            &cookie,
            &[("csrf", &csrf), ("choice", "admit")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(records(&app, BodyKind::Vote, ours).len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn the_second_endorsement_admits_and_the_roster_shows_the_new_member() {
    let (mut app, applicant) = with_an_application().await;
    let cookie = app.login().await;
    // Founder 1 endorsed it already: ours completes the decision.
    let endorsement = Body::Vote(Vote {
        subject: applicant,
        choice: VoteChoice::Admit,
    });
    app.receive(1, endorsement, now_ms()).await;
    let confirm = app
        .get(
            &format!("/members/{applicant}/vote?choice=admit"),
            Some(&cookie),
        )
        .await;
    assert!(
        confirm
            .body
            .contains("Your endorsement completes the decision"),
        "{}",
        confirm.body
    );
    let csrf = confirm.csrf().unwrap();
    let voted = app
        .post(
            &format!("/members/{applicant}/vote"),
            &cookie,
            &[("csrf", &csrf), ("choice", "admit")],
        )
        .await;
    let after = app.get(voted.location().unwrap(), Some(&cookie)).await;
    assert!(after.body.contains("is now a member"), "{}", after.body);
    // Right after admitting, the page does not lead with a red "Propose removal": it
    // is a quiet button below the profile; the red one waits on the confirmation.
    let removal =
        format!(r#"<a class="button secondary" href="/members/{applicant}/vote?choice=remove">"#);
    assert!(after.body.contains(&removal), "{}", after.body);
    assert!(!after.body.contains("button danger"));
    let leave = after
        .body
        .find("If this organization must leave the network")
        .expect("the removal heading");
    assert!(after.body.find(r#"id="org-profile""#).unwrap() < leave);
    let confirm_removal = app
        .get(
            &format!("/members/{applicant}/vote?choice=remove"),
            Some(&cookie),
        )
        .await;
    assert!(
        confirm_removal.body.contains("danger"),
        "{}",
        confirm_removal.body
    );
    assert!(app.handle.roster().is_member(&applicant));
    let roster = app.get("/members", Some(&cookie)).await;
    assert!(roster.body.contains("No organization is waiting to join."));
    assert!(
        roster.body.contains("4 member organizations"),
        "{}",
        roster.body
    );
    app.stop().await;
}

#[tokio::test]
async fn removal_proposals_show_their_tally_and_we_cannot_remove_ourselves() {
    let mut app = App::start().await;
    let ours = app.handle.org;
    let cookie = app.login().await;
    let target = app.net.orgs[2].id();
    let proposal = Body::Vote(Vote {
        subject: target,
        choice: VoteChoice::Remove,
    });
    app.receive(1, proposal, now_ms()).await;
    let roster = app.get("/members", Some(&cookie)).await;
    assert!(roster.body.contains("Proposals to remove a member"));
    assert!(
        roster.body.contains("1 of 2 votes to remove"),
        "{}",
        roster.body
    );

    let page = app.get(&format!("/members/{target}"), Some(&cookie)).await;
    assert!(
        page.body
            .contains(&format!("/members/{target}/vote?choice=remove"))
    );
    let confirm = app
        .get(
            &format!("/members/{target}/vote?choice=remove"),
            Some(&cookie),
        )
        .await;
    assert!(
        confirm.body.contains("cuts its devices off"),
        "{}",
        confirm.body
    );

    let ourselves = app
        .get(
            &format!("/members/{ours}/vote?choice=remove"),
            Some(&cookie),
        )
        .await;
    assert_eq!(ourselves.status, StatusCode::CONFLICT);
    let own_page = app.get(&format!("/members/{ours}"), Some(&cookie)).await;
    assert!(
        !own_page.body.contains("choice=remove"),
        "{}",
        own_page.body
    );
    let unknown = app.get("/members/org_nonsense", Some(&cookie)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn editing_our_profile_publishes_it_and_the_roster_shows_the_new_name() {
    let app = App::start().await;
    let ours = app.handle.org;
    let cookie = app.login().await;
    let form = app.get("/profile", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    // "Tenants' Voice Alliance", its apostrophe escaped in the attribute.
    let founder_name = app.net.orgs[0].name.replace('\'', "&#39;");
    assert!(
        form.body.contains(&format!(r#"value="{founder_name}""#)),
        "prefilled with the charter's name: {}",
        form.body
    );
    assert!(form.body.contains("This device"), "our device is marked");
    assert!(form.body.contains("commons devices add --label"));

    let csrf = form.csrf().unwrap();
    let empty = app
        .post("/profile", &cookie, &[("csrf", &csrf), ("name", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.body.contains("Give your organization"),
        "{}",
        empty.body
    );
    assert!(records(&app, BodyKind::Profile, ours).is_empty());

    let saved = app
        .post(
            "/profile",
            &cookie,
            &[
                ("csrf", &csrf),
                ("name", "Tenants United"),
                ("country", "Kenya"),
                ("region", "East Africa"),
                ("website", "tenants.example"),
                ("working_groups", "Housing, Strategic litigation"),
                ("languages", "English, Kiswahili"),
                (
                    "description",
                    "We organize tenants in informal settlements.",
                ),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), Some("/profile?done=saved"));
    let published = records(&app, BodyKind::Profile, ours);
    let Some(Body::Profile(profile)) = published.first() else {
        panic!("no profile published: {published:?}");
    };
    assert_eq!(profile.name, "Tenants United");
    assert_eq!(profile.website, "https://tenants.example");
    assert_eq!(
        profile.working_groups,
        vec!["Housing", "Strategic litigation"]
    );

    let again = app.get("/profile?done=saved", Some(&cookie)).await;
    assert!(again.body.contains("Your profile was published"));
    assert!(
        again.body.contains(r#"value="English, Kiswahili""#),
        "{}",
        again.body
    );
    let roster = app.get("/members", Some(&cookie)).await;
    assert!(roster.body.contains("Tenants United"), "{}", roster.body);
    assert!(roster.body.contains("Kenya · East Africa"));
    app.stop().await;
}

#[tokio::test]
async fn an_applicants_node_offers_to_apply_and_cannot_vote() {
    let app = App::start_as(Net::new(4), APPLICANT).await;
    let ours = app.handle.org;
    let founder = app.net.orgs[0].id();
    let cookie = app.login().await;
    let roster = app.get("/members", Some(&cookie)).await;
    assert_eq!(roster.status, StatusCode::OK, "{}", roster.body);
    assert!(roster.body.contains("not a member yet"), "{}", roster.body);
    assert!(roster.body.contains(r#"href="/members/apply""#));
    assert!(!roster.body.contains("Waiting for your vote"));

    let founder_page = app.get(&format!("/members/{founder}"), Some(&cookie)).await;
    assert!(
        !founder_page.body.contains("/vote?choice="),
        "{}",
        founder_page.body
    );
    assert!(founder_page.body.contains("Only member organizations vote"));
    let refused = app
        .get(
            &format!("/members/{founder}/vote?choice=remove"),
            Some(&cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let csrf = app.csrf(&cookie).await;
    let posted = app
        .post(
            &format!("/members/{founder}/vote"),
            &cookie,
            &[("csrf", &csrf), ("choice", "remove")],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    assert!(records(&app, BodyKind::Vote, ours).is_empty());

    let form = app.get("/members/apply", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    // Without a profile, the form asks who the org is: members would see an id otherwise.
    assert!(form.body.contains(r#"name="name""#), "{}", form.body);
    assert!(form.body.contains(r#"name="country""#));
    assert!(form.body.contains(r#"name="description""#));
    assert!(form.body.contains("has no profile yet"));
    let statement = "We defend land rights in the north and ask to join.";
    let nameless = app
        .post(
            "/members/apply",
            &cookie,
            &[("csrf", &csrf), ("statement", statement)],
        )
        .await;
    assert_eq!(nameless.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(nameless.body.contains("Give your organization&#39;s name"));
    assert!(nameless.body.contains(statement), "the statement is kept");
    assert!(records(&app, BodyKind::Application, ours).is_empty());
    assert!(records(&app, BodyKind::Profile, ours).is_empty());

    let applied = app
        .post(
            "/members/apply",
            &cookie,
            &[
                ("csrf", &csrf),
                ("name", " Northern Land Defenders "),
                ("country", "Uganda"),
                ("region", "East Africa"),
                ("description", "Community paralegals for land disputes."),
                ("statement", statement),
            ],
        )
        .await;
    assert_eq!(applied.status, StatusCode::SEE_OTHER, "{}", applied.body);
    assert_eq!(applied.location(), Some("/members?done=applied"));
    assert_eq!(
        records(&app, BodyKind::Profile, ours),
        vec![Body::Profile(Profile {
            name: "Northern Land Defenders".to_owned(),
            country: "Uganda".to_owned(),
            region: "East Africa".to_owned(),
            website: String::new(),
            working_groups: Vec::new(),
            languages: Vec::new(),
            description: "Community paralegals for land disputes.".to_owned(),
        })]
    );
    assert_eq!(
        records(&app, BodyKind::Application, ours),
        vec![Body::Application(Application {
            org: ours,
            statement: statement.to_owned(),
        })]
    );
    // The profile went out first, so a member's node names the applicant.
    let seq_of = |kind| {
        app.handle
            .store
            .query(&RecordQuery {
                kind: Some(kind),
                org: Some(ours),
                limit: 1,
                ..RecordQuery::default()
            })
            .unwrap()[0]
            .record
            .record()
            .seq
    };
    assert!(seq_of(BodyKind::Profile) < seq_of(BodyKind::Application));
    let after = app.get("/members?done=applied", Some(&cookie)).await;
    assert!(after.body.contains("Your application was published"));
    assert!(
        after.body.contains("Your organization applied on"),
        "{}",
        after.body
    );
    assert!(after.body.contains(statement));
    assert!(after.body.contains("0 of 2 endorsements"));
    // The header names the org now, not its short id.
    assert!(after.body.contains("Northern Land Defenders"));

    // A second application: the form is filled from the profile, and an unchanged
    // profile is not published again.
    let again = app.get("/members/apply", Some(&cookie)).await;
    assert!(
        again.body.contains(r#"value="Northern Land Defenders""#),
        "{}",
        again.body
    );
    assert!(again.body.contains("Filled in from your organization"));
    let reapplied = app
        .post(
            "/members/apply",
            &cookie,
            &[
                ("csrf", &csrf),
                ("name", "Northern Land Defenders"),
                ("country", "Uganda"),
                ("region", "East Africa"),
                ("description", "Community paralegals for land disputes."),
                ("statement", "We ask again, with two new districts."),
            ],
        )
        .await;
    assert_eq!(
        reapplied.status,
        StatusCode::SEE_OTHER,
        "{}",
        reapplied.body
    );
    assert_eq!(records(&app, BodyKind::Profile, ours).len(), 1);
    assert_eq!(records(&app, BodyKind::Application, ours).len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn a_members_node_does_not_offer_to_apply() {
    let app = App::start().await;
    let cookie = app.login().await;
    let form = app.get("/members/apply", Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::SEE_OTHER);
    assert_eq!(form.location(), Some("/members"));
    app.stop().await;
}

#[tokio::test]
async fn an_endorsement_is_withdrawn_by_a_later_vote() {
    let (app, applicant) = with_an_application().await;
    let ours = app.handle.org;
    let cookie = app.login().await;
    let csrf = app.csrf(&cookie).await;
    let vote = |choice: &'static str| {
        let path = format!("/members/{applicant}/vote");
        let fields = [("csrf", csrf.clone()), ("choice", choice.to_owned())];
        let app = &app;
        let cookie = cookie.clone();
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post(&path, &cookie, &fields).await
        }
    };
    assert_eq!(
        vote("withdraw").await.status,
        StatusCode::CONFLICT,
        "nothing to withdraw yet"
    );
    assert_eq!(vote("admit").await.status, StatusCode::SEE_OTHER);
    let page = app
        .get(&format!("/members/{applicant}"), Some(&cookie))
        .await;
    assert!(page.body.contains("choice=withdraw"), "{}", page.body);
    let withdrawn = vote("withdraw").await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    let after = app.get(withdrawn.location().unwrap(), Some(&cookie)).await;
    assert!(
        after
            .body
            .contains("Your vote was withdrawn. Now: 0 of 2 endorsements"),
        "{}",
        after.body
    );
    // The later vote replaces the endorsement: a vote to remove, which does nothing to
    // an org that is not a member.
    let votes = records(&app, BodyKind::Vote, ours);
    assert_eq!(
        votes.first(),
        Some(&Body::Vote(Vote {
            subject: applicant,
            choice: VoteChoice::Remove,
        }))
    );
    assert!(!app.handle.roster().is_member(&applicant));
    assert!(
        after.body.contains("choice=admit"),
        "it can be endorsed again"
    );
    app.stop().await;
}
