//! The stylesheet, the script and the icon, compiled into the binary so that the app
//! loads nothing from outside the node and works with no network at all.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

/// The stylesheet.
pub const APP_CSS: &str = include_str!("../static/app.css");
/// The one script: live notices from the node's event stream, and small niceties.
/// Every flow works without it.
pub const APP_JS: &str = include_str!("../static/app.js");
/// The app's icon.
pub const ICON_SVG: &str = include_str!("../static/icon.svg");

/// How long a browser may keep an asset before asking again: an hour, so a new
/// version of the node is picked up the same day.
const ASSET_CACHE: &str = "private, max-age=3600";

/// The assets' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/static/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/static/icon.svg",
            get(|| async { asset("image/svg+xml", ICON_SVG) }),
        )
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static(ASSET_CACHE)),
        ],
        body,
    )
}
