//! Who gets in, and what is refused: each guard of the web app against a real request
//! that must be turned away (docs/web.md, "Security").

#![allow(clippy::unwrap_used)]

mod common;

use common::App;
use reqwest::StatusCode;
use reqwest::header;

/// Every section's page, for the checks that must hold on all of them.
const PAGES: [&str; 6] = ["/", "/cases", "/campaigns", "/alerts", "/members", "/node"];

#[tokio::test]
async fn without_a_session_every_page_leads_to_commons_open() {
    let app = App::start().await;
    for path in PAGES {
        let page = app.get(path, None).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location(), Some("/welcome"), "{path}");
    }
    let stale = app.get("/", Some("commons_session=0123abcd")).await;
    assert_eq!(
        stale.location(),
        Some("/welcome"),
        "an unknown session is no session"
    );
    let welcome = app.get("/welcome", None).await;
    assert_eq!(welcome.status, StatusCode::OK);
    assert!(welcome.body.contains("commons open"), "{}", welcome.body);
    app.stop().await;
}

#[tokio::test]
async fn a_login_link_works_once_and_sets_a_strict_cookie() {
    let app = App::start().await;
    let ticket = app.tickets.mint(std::time::Instant::now()).unwrap();
    let first = app.get(&format!("/login?ticket={ticket}"), None).await;
    assert_eq!(first.status, StatusCode::OK);
    let cookie = first
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("commons_session="))
        .expect("a session cookie")
        .to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Max-Age=43200", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let session = cookie.split(';').next().unwrap();
    let home = app.get("/", Some(session)).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);

    let again = app.get(&format!("/login?ticket={ticket}"), None).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN, "a link works once");
    assert!(again.headers.get(header::SET_COOKIE).is_none());
    assert!(again.body.contains("commons open"), "{}", again.body);
    let forged = app
        .get(&format!("/login?ticket={}", "ab".repeat(32)), None)
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let bare = app.get("/login", None).await;
    assert_eq!(bare.status, StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let out = app.post("/logout", &session, &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/", Some(&session)).await.location(),
        Some("/welcome")
    );
    app.stop().await;
}

#[tokio::test]
async fn a_foreign_host_is_refused_even_with_a_session() {
    // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1.
    let app = App::start().await;
    let session = app.login().await;
    for host in ["evil.example:7412", "evil.example", "127.0.0.1:1"] {
        let response = app
            .client
            .get(format!("{}/", app.base))
            .header(header::HOST, host)
            .header(header::COOKIE, &session)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::MISDIRECTED_REQUEST, "{host}");
        let body = response.text().await.unwrap();
        assert!(!body.contains("csrf"), "nothing of the page leaks: {body}");
    }
    let localhost = app
        .client
        .get(format!("{}/", app.base))
        .header(header::HOST, format!("localhost:{}", app.addr.port()))
        .header(header::COOKIE, &session)
        .send()
        .await
        .unwrap();
    assert_eq!(
        localhost.status(),
        StatusCode::OK,
        "localhost names the app too"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_form_from_another_origin_is_refused() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let response = app
        .client
        .post(format!("{}/language", app.base))
        .header(header::COOKIE, &session)
        .header(header::ORIGIN, "http://evil.example")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(common::form(&[("csrf", &csrf), ("lang", "fr")]))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(response.headers().get(header::SET_COOKIE).is_none());
    let cross_site = app
        .client
        .post(format!("{}/language", app.base))
        .header(header::COOKIE, &session)
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(common::form(&[("csrf", &csrf), ("lang", "fr")]))
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    app.stop().await;
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let app = App::start().await;
    let session = app.login().await;
    let missing = app.post("/language", &session, &[("lang", "fr")]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    let wrong = app
        .post(
            "/language",
            &session,
            &[("csrf", &"0".repeat(64)), ("lang", "fr")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(
        wrong.headers.get(header::SET_COOKIE).is_none(),
        "nothing changed"
    );
    let other_session = app.login().await;
    let others = app.csrf(&other_session).await;
    let borrowed = app
        .post("/language", &session, &[("csrf", &others), ("lang", "fr")])
        .await;
    assert_eq!(
        borrowed.status,
        StatusCode::FORBIDDEN,
        "a token is its session's own"
    );

    let csrf = app.csrf(&session).await;
    let good = app
        .post(
            "/language",
            &session,
            &[("csrf", &csrf), ("lang", "fr"), ("back", "/alerts")],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert_eq!(good.location(), Some("/alerts"));
    let offsite = app
        .post(
            "/language",
            &session,
            &[("csrf", &csrf), ("lang", "fr"), ("back", "//evil.example/")],
        )
        .await;
    assert_eq!(offsite.location(), Some("/"), "never back to another site");
    app.stop().await;
}

#[tokio::test]
async fn every_page_carries_a_strict_policy_and_no_inline_script() {
    let app = App::start().await;
    let session = app.login().await;
    let mut pages: Vec<String> = PAGES.iter().map(|path| (*path).to_owned()).collect();
    pages.push("/welcome".to_owned());
    for path in &pages {
        let page = app.get(path, Some(&session)).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        let policy = page
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "img-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
        ] {
            assert!(
                policy.contains(directive),
                "{path}: {directive} in {policy}"
            );
        }
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        assert_eq!(
            page.headers.get(header::X_FRAME_OPTIONS).unwrap(),
            "DENY",
            "{path}"
        );
        assert_eq!(page.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
        let html = page.body.to_lowercase();
        for (at, _) in html.match_indices("<script") {
            let tag = &html[at..at + html[at..].find('>').unwrap()];
            assert!(
                tag.contains("src=\"/static/"),
                "{path}: inline script {tag}"
            );
        }
        for handler in [
            " onclick=",
            " onload=",
            " onerror=",
            " style=\"",
            "javascript:",
        ] {
            assert!(!html.contains(handler), "{path}: {handler}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn assets_come_from_the_node_itself() {
    let app = App::start().await;
    for (path, kind) in [
        ("/static/app.css", "text/css"),
        ("/static/app.js", "text/javascript"),
        ("/static/icon.svg", "image/svg+xml"),
    ] {
        let page = app.get(path, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let content_type = page
            .headers
            .get(header::CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(content_type.starts_with(kind), "{path}: {content_type}");
        assert!(
            !page.body.contains("http://") && !page.body.contains("https://")
                || path.ends_with(".svg"),
            "{path} loads nothing from outside"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn the_language_menu_returns_to_its_page_without_javascript() {
    // Without the script, `back` is empty: the page the form came from is the Referer,
    // and only a page of the app itself is followed.
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    for (referer, expected) in [
        (format!("{}/members?tab=all", app.base), "/members?tab=all"),
        ("http://evil.example/members".to_owned(), "/"),
    ] {
        let response = app
            .client
            .post(format!("{}/language", app.base))
            .header(header::COOKIE, &session)
            .header(header::ORIGIN, &app.base)
            .header(header::REFERER, referer)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(common::form(&[
                ("csrf", &csrf),
                ("lang", "es"),
                ("back", ""),
            ]))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response.headers().get(header::LOCATION).unwrap(),
            expected,
            "back to the page it came from, if it is ours"
        );
    }
    let spanish = app
        .get("/", Some(&format!("{session}; commons_lang=es")))
        .await;
    assert!(
        spanish.body.contains("lang=\"es\""),
        "the page is in Spanish"
    );
    app.stop().await;
}
