//! Coming in and going out: the page that says to run `commons open`, the one-time
//! login link it prints, logging out, and choosing a language.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::AppState;
use crate::i18n::{Lang, Tr};
use crate::page::render;
use crate::security::{self, Posted};
use crate::view::now_ms;

/// Where a person without a session is sent.
pub const WELCOME_PATH: &str = "/welcome";

/// The login, logout and language routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(WELCOME_PATH, get(welcome))
        .route(commons_node::api::LOGIN_PATH, get(login))
        .route("/logout", post(logout))
        .route("/language", post(language))
}

/// The page for a person not let in: it says how to get in.
#[derive(Debug, Template)]
#[template(path = "welcome.html")]
struct Welcome {
    t: Tr,
    /// Why they are here: no session, or a link that no longer works.
    problem: Option<String>,
}

impl Welcome {
    fn lang(&self) -> &'static str {
        self.t.lang().code()
    }

    fn dir(&self) -> &'static str {
        self.t.lang().dir()
    }
}

/// The page that takes a person in after a good link: a same-site step, so that the
/// `SameSite=Strict` cookie is sent on the next request even when the link was opened
/// from another program.
#[derive(Debug, Template)]
#[template(path = "login_done.html")]
struct LoginDone {
    t: Tr,
    /// The app's page to open: `/` unless the link named one.
    next: String,
}

impl LoginDone {
    fn lang(&self) -> &'static str {
        self.t.lang().code()
    }

    fn dir(&self) -> &'static str {
        self.t.lang().dir()
    }
}

async fn welcome(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let tr = state.catalogs().tr(security::lang_of(&headers));
    render(&Welcome {
        t: tr,
        problem: None,
    })
}

#[derive(Debug, Deserialize)]
struct LoginQuery {
    ticket: Option<String>,
    /// A page of the app to open once in (`commons open --page /alerts`).
    next: Option<String>,
}

/// `path` if it is a page of this app (a local path), else `/`: a link may never send
/// a person on to another site.
pub fn local_path(path: Option<String>) -> String {
    path.filter(|path| {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.contains('\\')
            && !path.chars().any(char::is_control)
    })
    .unwrap_or_else(|| "/".to_owned())
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    let tr = state.catalogs().tr(security::lang_of(&headers));
    let now = now_ms();
    let session = query
        .ticket
        .as_deref()
        .and_then(|ticket| security::redeem(&state, ticket, &headers, now));
    match session {
        Some(token) => {
            tracing::info!("a person logged in to the web app");
            let mut response = render(&LoginDone {
                t: tr,
                next: local_path(query.next),
            });
            let cookies = response.headers_mut();
            if let Ok(value) = security::session_cookie(&token).parse() {
                cookies.append(header::SET_COOKIE, value);
            }
            response
        }
        None => {
            let problem = Some(tr.msg("welcome-link-used"));
            let mut response = render(&Welcome { t: tr, problem });
            *response.status_mut() = StatusCode::FORBIDDEN;
            response
        }
    }
}

/// The path of the `Referer`, when it is a page of this app.
fn same_origin_path(state: &AppState, headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let rest = referer.strip_prefix("http://")?;
    let (host, path) = rest.split_at(rest.find('/')?);
    state.own_hosts().is_own_host(host).then(|| path.to_owned())
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Deserialize)]
struct Empty {}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Posted { .. }: Posted<Empty>,
) -> Response {
    security::end_session(&state, &headers);
    let mut response = Redirect::to(WELCOME_PATH).into_response();
    let cookies = response.headers_mut();
    for cookie in [
        security::expired_session_cookie(),
        security::seen_cookie(now_ms()),
    ] {
        if let Ok(value) = cookie.parse() {
            cookies.append(header::SET_COOKIE, value);
        }
    }
    response
}

#[derive(Debug, Deserialize)]
struct LanguageForm {
    lang: String,
    /// The page to go back to.
    back: Option<String>,
}

async fn language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Posted { form, .. }: Posted<LanguageForm>,
) -> Response {
    // The script fills `back` in; without it, the page the form was sent from (the
    // Referer, sent to the app itself only) is where the person was.
    let back = local_path(
        form.back
            .filter(|back| !back.is_empty())
            .or_else(|| same_origin_path(&state, &headers)),
    );
    let mut response = Redirect::to(&back).into_response();
    if let Some(lang) = Lang::from_code(&form.lang)
        && let Ok(value) = security::lang_cookie(lang).parse()
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        for (given, expected) in [
            (Some("/alerts"), "/alerts"),
            (
                Some("/cases?q=land&theme=water"),
                "/cases?q=land&theme=water",
            ),
            (Some("//evil.example/"), "/"),
            (Some("https://evil.example/"), "/"),
            (Some("/\\evil.example"), "/"),
            (Some("/\nSet-Cookie: x"), "/"),
            (Some(""), "/"),
            (None, "/"),
        ] {
            assert_eq!(local_path(given.map(str::to_owned)), expected, "{given:?}");
        }
    }
}
