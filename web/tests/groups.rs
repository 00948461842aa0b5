//! The working-group pages against a real node: the list, a group's page with its
//! members and its records opened for this device, and writing to the group: the
//! record stored is sealed (no plaintext in it) and opens for the other member's
//! device; a record by an org that left the group says so in its byline.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{App, sealing_keypair};
use commons_node::groups::{Opened, all_of_kind, open_epoch, open_record, seal_record};
use commons_protocol::fixtures::{sample_group_founding, sample_practice};
use commons_protocol::{
    Body, BodyKind, GroupChoice, GroupVote, RecordId, SealingKeyAnnouncement, Visibility,
};
use commons_web::view::now_ms;
use reqwest::StatusCode;

/// Founder 0 (this node) founds a group and admits founder 1, whose device has
/// published its sealing key: the group's id.
async fn founded_with_founder_1(app: &mut App) -> RecordId {
    let founding = app
        .handle
        .publisher
        .publish(Body::GroupFounding(sample_group_founding()))
        .await
        .unwrap();
    app.receive(
        1,
        Body::SealingKey(SealingKeyAnnouncement {
            key: sealing_keypair(1).public(),
        }),
        now_ms(),
    )
    .await;
    app.handle
        .publisher
        .publish(Body::GroupVote(GroupVote {
            group: founding.id,
            subject: app.net.orgs[1].id(),
            choice: GroupChoice::Admit { history: false },
        }))
        .await
        .unwrap();
    founding.id
}

#[tokio::test]
async fn members_write_to_a_group_and_what_is_stored_is_sealed() {
    let mut app = App::start().await;
    let cookie = app.login().await;

    let empty = app.get("/groups", Some(&cookie)).await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(
        empty.body.contains("knows no working group yet"),
        "{}",
        empty.body
    );

    // Founder 0 (this node) founds a group and admits founder 1, whose device has
    // published its sealing key.
    let group = founded_with_founder_1(&mut app).await;

    let list = app.get("/groups", Some(&cookie)).await;
    assert!(list.body.contains("Strategic litigation"), "{}", list.body);
    assert!(
        list.body.contains("2 member organizations"),
        "{}",
        list.body
    );
    assert!(
        list.body.contains("Your organization is a member"),
        "{}",
        list.body
    );

    let path = format!("/groups/{}", group);
    let page = app.get(&path, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Nothing has been published to this group yet")
    );
    assert!(page.body.contains("Publish to the group"));

    // A record without a text is refused on the form, and nothing is published.
    let csrf = app.csrf(&cookie).await;
    let refused = app
        .post(
            &path,
            &cookie,
            &[("csrf", &csrf), ("title", "Hearing notes"), ("body", " ")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::OK, "{}", refused.body);
    assert!(refused.body.contains("Give the record a title and a text"));
    let sealed = |app: &App| {
        all_of_kind(app.handle.store.as_ref(), BodyKind::GroupRecord)
            .unwrap()
            .len()
    };
    assert_eq!(sealed(&app), 0);

    const TEXT: &str = "The community's lawyer meets the witnesses on **Thursday**.";
    let published = app
        .post(
            &path,
            &cookie,
            &[
                ("csrf", &csrf),
                ("title", "Preparing the witnesses"),
                ("summary", "Who meets whom before the hearing"),
                ("body", TEXT),
            ],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    assert_eq!(
        published.location(),
        Some(format!("{path}?done=1").as_str())
    );
    let shown = app.get(&format!("{path}?done=1"), Some(&cookie)).await;
    assert!(
        shown.body.contains("Published to the group."),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("Preparing the witnesses"),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("<strong>Thursday</strong>"),
        "the Markdown, rendered: {}",
        shown.body
    );

    // What the store holds is the ciphertext only, and it opens for founder 1's device.
    let records = all_of_kind(app.handle.store.as_ref(), BodyKind::GroupRecord).unwrap();
    assert_eq!(records.len(), 1);
    let stored = records[0].signed_bytes();
    assert!(
        !stored.windows(9).any(|window| window == b"witnesses"),
        "no plaintext in the stored record"
    );
    let opened = open_record(
        app.handle.store.as_ref(),
        &records[0],
        &app.net.orgs[1].device.public(),
        &sealing_keypair(1),
    )
    .unwrap();
    let Opened::Content(body) = opened else {
        panic!("the record opens for the other member: {opened:?}");
    };
    let Body::Practice(practice) = *body else {
        panic!("a case study");
    };
    assert_eq!(practice.body, TEXT);
    // And not for founder 2, a member of the network outside the group.
    let outside = open_record(
        app.handle.store.as_ref(),
        &records[0],
        &app.net.orgs[2].device.public(),
        &sealing_keypair(2),
    )
    .unwrap();
    assert_eq!(outside, Opened::NotForThisDevice);
    for untranslated in [">groups-", " groups-"] {
        assert!(!shown.body.contains(untranslated), "{}", shown.body);
    }
    app.stop().await;
}

/// "Who can read it" on the case-study form offers the working groups our org is in;
/// choosing one seals the case study to the group (nothing in clear is stored, and it
/// is not in the library). A file is refused (web/tests/attachments.rs).
#[tokio::test]
async fn the_case_study_form_writes_to_a_group_of_ours() {
    let app = App::start().await;
    let cookie = app.login().await;
    let form = app.get("/cases/new", Some(&cookie)).await;
    assert!(!form.body.contains("Working group:"), "no group yet");

    let founding = app
        .handle
        .publisher
        .publish(Body::GroupFounding(sample_group_founding()))
        .await
        .unwrap();
    let form = app.get("/cases/new", Some(&cookie)).await;
    assert!(
        form.body.contains("Working group: Strategic litigation"),
        "{}",
        form.body
    );
    let audience = format!("group:{}", founding.id);
    assert!(form.body.contains(&audience));
    let csrf = app.csrf(&cookie).await;

    const TEXT: &str = "The witnesses meet the lawyer at the parish hall.";
    let fields = |action: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", "Before the hearing".to_owned()),
            ("summary", "Who meets whom".to_owned()),
            ("body", TEXT.to_owned()),
            ("language", "en".to_owned()),
            ("visibility", audience.clone()),
            ("action", action.to_owned()),
        ]
    };
    // The preview keeps the choice.
    let preview_fields = fields("preview");
    let preview: Vec<(&str, &str)> = preview_fields
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let previewed = app.post("/cases/new", &cookie, &preview).await;
    assert_eq!(previewed.status, StatusCode::OK, "{}", previewed.body);
    assert!(
        previewed
            .body
            .contains(&format!(r#"value="{audience}" checked"#)),
        "{}",
        previewed.body
    );

    let publish_fields = fields("publish");
    let publish: Vec<(&str, &str)> = publish_fields
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let published = app.post("/cases/new", &cookie, &publish).await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    assert_eq!(
        published.location(),
        Some(format!("/groups/{}?done=1", founding.id).as_str())
    );
    let sealed = all_of_kind(app.handle.store.as_ref(), BodyKind::GroupRecord).unwrap();
    assert_eq!(sealed.len(), 1);
    assert!(
        !sealed[0]
            .signed_bytes()
            .windows(TEXT.len())
            .any(|window| window == TEXT.as_bytes())
    );
    assert!(
        all_of_kind(app.handle.store.as_ref(), BodyKind::Practice)
            .unwrap()
            .is_empty(),
        "nothing published in clear"
    );
    let group_page = app
        .get(&format!("/groups/{}", founding.id), Some(&cookie))
        .await;
    assert!(
        group_page.body.contains("Before the hearing"),
        "{}",
        group_page.body
    );
    let library = app.get("/cases", Some(&cookie)).await;
    assert!(!library.body.contains("Before the hearing"));
    app.stop().await;
}

/// A member that left still holds the key of the epoch it was in, so a record it seals
/// with that key after leaving opens for the others: its byline says the author is not
/// in the group now, and a current member's byline does not.
#[tokio::test]
async fn a_record_by_an_org_that_left_the_group_says_so() {
    let mut app = App::start().await;
    let cookie = app.login().await;
    let group = founded_with_founder_1(&mut app).await;
    let other = app.net.orgs[1].id();

    // Founder 0 writes through the form, which makes the epoch sealed to both devices.
    let path = format!("/groups/{}", group);
    let csrf = app.csrf(&cookie).await;
    let published = app
        .post(
            &path,
            &cookie,
            &[
                ("csrf", &csrf),
                ("title", "Preparing the witnesses"),
                ("body", "The lawyer meets the witnesses on Thursday."),
            ],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );

    // Founder 1 leaves, then seals a record with the epoch key it kept.
    app.receive(
        1,
        Body::GroupVote(GroupVote {
            group,
            subject: other,
            choice: GroupChoice::Remove,
        }),
        now_ms(),
    )
    .await;
    let epochs = all_of_kind(app.handle.store.as_ref(), BodyKind::GroupKeys).unwrap();
    assert_eq!(epochs.len(), 1);
    let Body::GroupKeys(keys) = &epochs[0].record().body else {
        panic!("an epoch");
    };
    let departed_device = app.net.orgs[1].device.public();
    let kept = open_epoch(
        keys,
        &app.handle.network,
        &departed_device,
        &sealing_keypair(1),
    )
    .unwrap()
    .expect("the epoch was sealed to founder 1's device");
    let mut after_leaving = sample_practice(Visibility::Members);
    after_leaving.title = "Change of venue for Thursday".to_owned();
    let sealed = seal_record(
        &kept,
        app.handle.network,
        group,
        epochs[0].id(),
        departed_device,
        &Body::Practice(after_leaving),
    )
    .unwrap();
    app.receive(1, sealed, now_ms()).await;

    let page = app.get(&path, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let entry_of = |title: &str| {
        let at = page
            .body
            .find(title)
            .unwrap_or_else(|| panic!("{title} on the page: {}", page.body));
        let end = page.body[at..]
            .find("</li>")
            .map_or(page.body.len(), |end| at + end);
        page.body[at..end].to_owned()
    };
    let departed = entry_of("Change of venue for Thursday");
    assert!(
        departed.contains("(not a member of the group now)"),
        "{departed}"
    );
    let ours = entry_of("Preparing the witnesses");
    assert!(!ours.contains("not a member of the group"), "{ours}");
    for untranslated in [">groups-", " groups-"] {
        assert!(!page.body.contains(untranslated), "{}", page.body);
    }
    app.stop().await;
}
