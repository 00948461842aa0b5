//! Who may use the web app, and how a page is kept from being turned against the person
//! reading it. The app is for one org's own people at this machine:
//!
//! - **Sessions.** `commons open` (which needs the data dir's API token) gives a
//!   one-time link; following it redeems the ticket ([`commons_node::login`]) for a
//!   session: a random token in a cookie that is `HttpOnly`, `SameSite=Strict` and
//!   expires after [`SESSION_LIFETIME`]. Sessions live in memory and only their hash is
//!   kept. Without one, every page leads to the page that says to run `commons open`.
//! - **DNS rebinding.** Every request must name the app's own address in `Host`, and a
//!   request that says where it comes from (`Origin`) must come from the app itself.
//! - **CSRF.** Every form carries the session's token, checked on every POST.
//! - **Headers.** A strict Content-Security-Policy (no inline script, nothing from
//!   outside the node), no framing, no referrer, no caching of pages.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use commons_protocol::text::hex;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::i18n::{Lang, Tr};

/// How long a session lasts from login.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 60 * 60);
/// The most sessions at once; logging in again past it forgets the oldest.
pub const MAX_SESSIONS: usize = 256;
/// The session cookie's name.
pub const SESSION_COOKIE: &str = "commons_session";
/// The cookie holding the person's language.
pub const LANG_COOKIE: &str = "commons_lang";
/// The cookie holding when this browser last used the app (ms since the epoch), so
/// the home page can say what is new since then.
pub const SEEN_COOKIE: &str = "commons_seen";
/// The form field carrying the CSRF token.
pub const CSRF_FIELD: &str = "csrf";
/// The largest form accepted, in bytes: room for the largest case study.
pub const MAX_FORM_BYTES: usize = 256 * 1024;
/// How far back "what is new" looks for a browser that has never used the app.
pub const FIRST_VISIT_LOOKBACK: Duration = Duration::from_secs(14 * 24 * 60 * 60);

/// The Content-Security-Policy of every response: scripts, styles, images and event
/// streams from the app itself only; no inline script or style, no plugins, no frames,
/// forms posting only to the app.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

#[derive(Debug, Clone)]
struct Session {
    csrf: String,
    created: Instant,
    /// What is new is counted from here: the end of the browser's previous visit.
    since_ms: u64,
    /// Whether this browser had never used the app before this session.
    first_visit: bool,
}

/// The sessions of people logged in.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    sessions: Arc<Mutex<HashMap<String, Session>>>,
}

impl Sessions {
    /// Starts a session; returns its cookie token.
    fn start(&self, since_ms: u64, first_visit: bool, now: Instant) -> Option<String> {
        let token = random_hex()?;
        let csrf = random_hex()?;
        let mut sessions = self.lock();
        sessions
            .retain(|_, session| now.saturating_duration_since(session.created) < SESSION_LIFETIME);
        if sessions.len() >= MAX_SESSIONS
            && let Some(oldest) = sessions
                .iter()
                .min_by_key(|(_, session)| session.created)
                .map(|(key, _)| key.clone())
        {
            sessions.remove(&oldest);
        }
        sessions.insert(
            digest(&token),
            Session {
                csrf,
                created: now,
                since_ms,
                first_visit,
            },
        );
        Some(token)
    }

    fn find(&self, token: &str, now: Instant) -> Option<Session> {
        let key = digest(token);
        let mut sessions = self.lock();
        let session = sessions.get(&key)?;
        if now.saturating_duration_since(session.created) >= SESSION_LIFETIME {
            sessions.remove(&key);
            return None;
        }
        Some(session.clone())
    }

    fn end(&self, token: &str) {
        self.lock().remove(&digest(token));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        self.sessions
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn random_hex() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(hex(&bytes))
}

fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The person's language: their choice (a cookie), else their browser's.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::from_code)
        .unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .map_or(Lang::En, Lang::negotiate)
        })
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
}

/// A person let in: what every page handler takes.
#[derive(Debug, Clone)]
pub struct Staff {
    /// The token every form must carry.
    pub csrf: String,
    /// Their translator.
    pub tr: Tr,
    /// When their previous visit ended (ms since the epoch).
    pub since_ms: u64,
    /// Whether this browser had never used the app before this session: "what is new"
    /// then covers the last [`FIRST_VISIT_LOOKBACK`].
    pub first_visit: bool,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = cookie(&parts.headers, SESSION_COOKIE)
            .and_then(|token| state.sessions().find(token, Instant::now()));
        match session {
            Some(session) => Ok(Staff {
                csrf: session.csrf,
                tr: state.catalogs().tr(lang_of(&parts.headers)),
                since_ms: session.since_ms,
                first_visit: session.first_visit,
            }),
            None => Err(Redirect::to(crate::pages::login::WELCOME_PATH).into_response()),
        }
    }
}

/// A form posted by a person let in, its CSRF token checked: the only way a page
/// handler reads a POST body.
#[derive(Debug)]
pub struct Posted<T> {
    /// Who posted it.
    pub staff: Staff,
    /// The form's fields.
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| refusal(StatusCode::PAYLOAD_TOO_LARGE, "form-too-large", &staff.tr))?;
        let fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| refusal(StatusCode::BAD_REQUEST, "form-unreadable", &staff.tr))?;
        let presented = fields
            .iter()
            .find(|(name, _)| name == CSRF_FIELD)
            .map(|(_, value)| value.as_str());
        if !presented.is_some_and(|token| same_text(token, &staff.csrf)) {
            return Err(refusal(StatusCode::FORBIDDEN, "form-expired", &staff.tr));
        }
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|_| refusal(StatusCode::BAD_REQUEST, "form-unreadable", &staff.tr))?;
        Ok(Posted { staff, form })
    }
}

/// The longest CSRF field read from a multipart form, in bytes (a token is 64).
const MAX_MULTIPART_TOKEN_BYTES: usize = 256;

/// A multipart form (one with files) posted by a person let in, its CSRF token checked
/// before any file is read: the token is the hidden field every form of the app starts
/// with, so no file's bytes are taken in for a request that is not the person's own.
/// Before it may come at most [`MAX_FIELDS_BEFORE_TOKEN`] short text fields: the
/// button pressed, when it sits outside the form (`form="…"`, as the preview's
/// "Publish" does), comes first in the browser's order. A file before the token is
/// refused. The handler reads the remaining parts from `multipart`, bounding what it
/// keeps.
#[derive(Debug)]
pub struct PostedMultipart {
    /// Who posted it.
    pub staff: Staff,
    /// The short text fields that came before the token, in order.
    pub before: Vec<(String, String)>,
    /// The parts after the token.
    pub multipart: axum::extract::Multipart,
}

/// The most text fields read before a multipart form's CSRF token.
pub const MAX_FIELDS_BEFORE_TOKEN: usize = 4;

impl FromRequest<AppState> for PostedMultipart {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let request = Request::from_parts(parts, body);
        let mut multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(|_| refusal(StatusCode::BAD_REQUEST, "form-unreadable", &staff.tr))?;
        let expired = || refusal(StatusCode::FORBIDDEN, "form-expired", &staff.tr);
        let mut before = Vec::new();
        loop {
            let Ok(Some(mut field)) = multipart.next_field().await else {
                return Err(expired());
            };
            if field.file_name().is_some() {
                return Err(expired());
            }
            let name = field.name().unwrap_or_default().to_owned();
            let mut value = Vec::new();
            while let Ok(Some(chunk)) = field.chunk().await {
                if value.len() + chunk.len() > MAX_MULTIPART_TOKEN_BYTES {
                    return Err(expired());
                }
                value.extend_from_slice(&chunk);
            }
            drop(field);
            let value = String::from_utf8(value).unwrap_or_default();
            if name == CSRF_FIELD {
                if !same_text(&value, &staff.csrf) {
                    return Err(expired());
                }
                break;
            }
            if before.len() >= MAX_FIELDS_BEFORE_TOKEN {
                return Err(expired());
            }
            before.push((name, value));
        }
        Ok(PostedMultipart {
            staff,
            before,
            multipart,
        })
    }
}

fn same_text(given: &str, expected: &str) -> bool {
    let (given, expected) = (given.as_bytes(), expected.as_bytes());
    let mut difference = usize::from(given.len() != expected.len());
    for (index, byte) in expected.iter().enumerate() {
        difference |= usize::from(byte ^ given.get(index).copied().unwrap_or(0));
    }
    !expected.is_empty() && std::hint::black_box(difference) == 0
}

/// A plain-text refusal, in the person's language.
fn refusal(status: StatusCode, id: &str, tr: &Tr) -> Response {
    (status, tr.msg(id)).into_response()
}

/// The `Host` values that name this app: its address, and `localhost` with its port.
#[derive(Debug, Clone)]
pub struct OwnHosts {
    hosts: Vec<String>,
    origins: Vec<String>,
}

impl OwnHosts {
    /// The names of an app listening on `address`.
    pub fn of(address: SocketAddr) -> OwnHosts {
        let port = address.port();
        let mut hosts = vec![address.to_string()];
        if address.ip().is_loopback() {
            hosts.push(format!("localhost:{port}"));
        }
        let origins = hosts.iter().map(|host| format!("http://{host}")).collect();
        OwnHosts { hosts, origins }
    }

    /// Whether `host` (a `Host` header, or the host of a URL) names this app.
    pub fn is_own_host(&self, host: &str) -> bool {
        self.hosts.iter().any(|own| own.eq_ignore_ascii_case(host))
    }

    fn is_own_origin(&self, origin: &str) -> bool {
        self.origins
            .iter()
            .any(|own| own.eq_ignore_ascii_case(origin))
    }
}

/// Refuses a request whose `Host` is not the app's own (a page of another site whose
/// name was rebound to 127.0.0.1), or whose `Origin`, when given, is not the app
/// itself; then adds the security headers to whatever the app answers.
pub async fn guard(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let hosts = state.own_hosts();
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let mut response = if !hosts.is_own_host(host) {
        (
            StatusCode::MISDIRECTED_REQUEST,
            "This Commons node's web app answers only at its own address. Open the link \
             that `commons open` prints.",
        )
            .into_response()
    } else if request
        .headers()
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|origin| !hosts.is_own_origin(origin))
        || (request.method() != Method::GET
            && request.method() != Method::HEAD
            && request.headers().get(header::ORIGIN).is_none()
            && request
                .headers()
                .get("sec-fetch-site")
                .and_then(|value| value.to_str().ok())
                .is_some_and(|site| site != "same-origin" && site != "none"))
    {
        (
            StatusCode::FORBIDDEN,
            "This request came from another site and was refused.",
        )
            .into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // `same-origin`, not `no-referrer`: under `no-referrer` browsers send
    // `Origin: null` with every form POST, which the origin check above refuses, so no
    // form of the app would work in a real browser (tests/tests/web_browser.rs). Other
    // sites still get no referrer.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Redeems a login ticket: a new session, its cookie, and when its "what is new"
/// starts. `None` when the ticket is unknown, used or stale.
pub fn redeem(state: &AppState, ticket: &str, headers: &HeaderMap, now_ms: u64) -> Option<String> {
    if !state.tickets().redeem(ticket, Instant::now()) {
        return None;
    }
    let seen = cookie(headers, SEEN_COOKIE)
        .and_then(|seen| seen.parse::<u64>().ok())
        .filter(|seen| *seen <= now_ms);
    let since_ms =
        seen.unwrap_or_else(|| now_ms.saturating_sub(FIRST_VISIT_LOOKBACK.as_millis() as u64));
    state
        .sessions()
        .start(since_ms, seen.is_none(), Instant::now())
}

/// Ends the session named in `headers`, if any.
pub fn end_session(state: &AppState, headers: &HeaderMap) {
    if let Some(token) = cookie(headers, SESSION_COOKIE) {
        state.sessions().end(token);
    }
}

/// The `Set-Cookie` value for a new session.
pub fn session_cookie(token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}",
        SESSION_LIFETIME.as_secs()
    )
}

/// The `Set-Cookie` value that ends a session in the browser.
pub fn expired_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The `Set-Cookie` value remembering the person's language for a year.
pub fn lang_cookie(lang: Lang) -> String {
    format!(
        "{LANG_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000",
        lang.code()
    )
}

/// The `Set-Cookie` value remembering when this browser last used the app.
pub fn seen_cookie(now_ms: u64) -> String {
    format!("{SEEN_COOKIE}={now_ms}; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_hosts_are_the_address_and_localhost() {
        let hosts = OwnHosts::of("127.0.0.1:7412".parse().unwrap());
        assert!(hosts.is_own_host("127.0.0.1:7412"));
        assert!(hosts.is_own_host("localhost:7412"));
        assert!(hosts.is_own_host("LOCALHOST:7412"));
        assert!(!hosts.is_own_host("evil.example:7412"));
        assert!(!hosts.is_own_host("127.0.0.1:7413"));
        assert!(!hosts.is_own_host("127.0.0.1"));
        assert!(hosts.is_own_origin("http://localhost:7412"));
        assert!(!hosts.is_own_origin("http://evil.example:7412"));
        assert!(!hosts.is_own_origin("null"));
    }

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; commons_session_x=2; commons_session=abc"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "b"), None);
    }

    #[test]
    fn sessions_expire_and_end() {
        let sessions = Sessions::default();
        let now = Instant::now();
        let token = sessions.start(5, false, now).unwrap();
        assert_eq!(sessions.find(&token, now).unwrap().since_ms, 5);
        assert!(sessions.find(&token, now + SESSION_LIFETIME).is_none());
        let token = sessions.start(5, true, now).unwrap();
        sessions.end(&token);
        assert!(sessions.find(&token, now).is_none());
        assert!(sessions.find("not a token", now).is_none());
    }

    proptest::proptest! {
        #[test]
        fn any_cookie_header_is_read_without_panic(value in ".{0,300}") {
            let mut headers = HeaderMap::new();
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(header::COOKIE, value);
            }
            let _ = cookie(&headers, SESSION_COOKIE);
            let _ = lang_of(&headers);
        }
    }

    #[test]
    fn csrf_tokens_compare_exactly() {
        assert!(same_text("abc", "abc"));
        assert!(!same_text("abd", "abc"));
        assert!(!same_text("ab", "abc"));
        assert!(!same_text("", ""));
    }
}
