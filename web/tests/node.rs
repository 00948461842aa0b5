//! The node page against a real node: what the store holds, in words and numbers, and
//! a node run without a network said plainly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::App;
use commons_protocol::{Body, Profile};
use commons_web::view::now_ms;
use reqwest::StatusCode;

#[tokio::test]
async fn the_node_page_shows_the_store_and_says_there_is_no_network() {
    let mut app = App::start().await;
    let cookie = app.login().await;
    let profile = Body::Profile(Profile {
        name: "Health Rights Forum".to_owned(),
        country: String::new(),
        region: String::new(),
        website: String::new(),
        working_groups: Vec::new(),
        languages: Vec::new(),
        description: String::new(),
    });
    app.receive(2, profile, now_ms()).await;
    let stats = app.handle.store.stats().unwrap();
    assert!(stats.records >= 5, "{stats:?}");

    let page = app.get("/node", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let body = &page.body;
    assert!(
        body.contains(&format!(
            "<dt>Records held</dt>\n    <dd>{}</dd>",
            stats.records
        )),
        "{body}"
    );
    assert!(body.contains("runs without a network"), "{body}");
    assert!(
        body.contains("Commons sample network"),
        "the network's name: {body}"
    );
    assert!(
        body.contains("Tenants&#39; Voice Alliance"),
        "our org's name"
    );
    assert!(
        body.contains("Publishing: open</span> What you write here goes out"),
        "{body}"
    );
    assert!(body.contains("When something is wrong"));
    assert!(
        body.contains("Applies now"),
        "the no-network advice applies"
    );
    for untranslated in [">node-", " node-"] {
        assert!(
            !body.contains(untranslated),
            "a message id left as is: {body}"
        );
    }

    let spanish = app
        .client
        .get(format!("{}/node", app.base))
        .header("cookie", format!("{cookie}; commons_lang=es"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(spanish.contains("Cuando algo va mal"), "{spanish}");
    assert!(spanish.contains("funciona sin red"), "{spanish}");
    app.stop().await;
}
