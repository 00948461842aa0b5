//! The control API: the operator's window onto the node. HTTP with JSON, on loopback
//! only (the config refuses any other address), every request carrying the bearer
//! token from the data dir's `api-token` file. Through it a record is *created* (the
//! `publish` endpoints hand a body to this device's publisher, `POST /v1/records`
//! hands signed bytes to the one ingest path), and the rest of a record's path is
//! *watched*: the store's records, feeds, roster and fork proofs, the stream of records
//! as they are stored, the peers and how sync with them stands, and the counters. The
//! API never writes to the store itself.
//!
//! | part | file |
//! |---|---|
//! | routes, token check, serving and shutdown | this file |
//! | the contract: the serde types of requests and answers, shared with the clients | [`contract`] |
//! | the error shape and the extractors that produce it | [`error`] |
//! | records as JSON, request fields from text | [`json`] |
//! | the publish endpoints and raw submit | [`publish`] |
//! | attachments: upload, download, each file's state, fetch | [`attachments`] |
//! | status, records (and search), feeds, roster, forks | `reads` |
//! | alerts with who has answered them and who has not yet | `alerts` |
//! | one record with its provenance, its signature checked again | `provenance` |
//! | every version of a profile, case study or campaign | `history` |
//! | peers, sync, and the network's part of status and metrics | `peers` |
//! | the server-sent event stream | `events` |
//! | archive export and import | `archive` |
//! | login links for the staff's web app | `web` |
//! | Prometheus metrics | `prometheus` |
//!
//! Every endpoint is described in `docs/api.md`.

mod alerts;
mod archive;
pub mod attachments;
pub use crate::contract;
pub mod error;
mod events;
mod groups;
mod history;
pub use crate::json;
mod peers;
mod prometheus;
mod provenance;
pub mod publish;
mod reads;
mod redactions;
mod web;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::info;

pub use archive::MAX_IMPORT_BODY_BYTES;
pub use error::ApiError;
pub use events::{KEEP_ALIVE_INTERVAL, sse_until_stopped};
pub use prometheus::CONTENT_TYPE as METRICS_CONTENT_TYPE;
pub use reads::{DEFAULT_PAGE_SIZE, VERSION};
pub use web::{LOGIN_PATH, WebLogin};

use crate::network::NetworkHandle;
use crate::node::NodeHandle;
use crate::store::{Store, StoreError};

/// The largest request body accepted, in bytes: room for the largest signed record in
/// hex, or the largest case study, with JSON around it.
pub const MAX_REQUEST_BYTES: usize = 512 * 1024;

/// What every handler shares.
#[derive(Debug)]
struct ApiState {
    node: NodeHandle,
    /// The node's network, when it runs one.
    network: Option<NetworkHandle>,
    token: String,
    /// The web app's login links, when the node serves the web app.
    web: Option<WebLogin>,
    /// Becomes `true` when the server shuts down, to end the event streams.
    stopping: watch::Receiver<bool>,
}

/// The API's routes over `node`, each requiring `Authorization: Bearer <token>`.
///
/// Event streams opened on this router end only when the node's ingest ends; use
/// [`serve`] to have them end with the server.
pub fn router(node: NodeHandle, network: Option<NetworkHandle>, token: String) -> Router {
    let (_, stopping) = watch::channel(false);
    build(node, network, token, None, stopping)
}

/// Serves the API on `listener` until `shutdown` completes, then lets the requests under
/// way finish (event streams end at once) and returns.
///
/// Drop every other [`NodeHandle`] and await this before [`crate::Node::shutdown`]: the
/// server holds handles until it returns.
pub async fn serve(
    listener: TcpListener,
    node: NodeHandle,
    network: Option<NetworkHandle>,
    token: String,
    web: Option<WebLogin>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop, stopping) = watch::channel(false);
    let app = build(node, network, token, web, stopping);
    if let Ok(addr) = listener.local_addr() {
        info!(%addr, "control API listening");
    }
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            let _ = stop.send(true);
        })
        .await?;
    info!("control API stopped");
    Ok(())
}

fn build(
    node: NodeHandle,
    network: Option<NetworkHandle>,
    token: String,
    web: Option<WebLogin>,
    stopping: watch::Receiver<bool>,
) -> Router {
    let state = Arc::new(ApiState {
        node,
        network,
        token,
        web,
        stopping,
    });
    Router::new()
        .route("/v1/status", get(reads::status))
        .route("/v1/publish/practice", post(publish::practice))
        .route("/v1/publish/campaign", post(publish::campaign))
        .route("/v1/publish/update", post(publish::update))
        .route(
            "/v1/publish/batch",
            post(publish::batch).layer(DefaultBodyLimit::max(publish::MAX_BATCH_BODY_BYTES)),
        )
        .route("/v1/publish/alert", post(publish::alert))
        .route("/v1/publish/respond", post(publish::respond))
        .route("/v1/publish/retract", post(publish::retract))
        .route("/v1/publish/profile", post(publish::profile))
        .route("/v1/publish/application", post(publish::application))
        .route("/v1/publish/vote", post(publish::vote))
        .route("/v1/publish/revocation", post(publish::revocation))
        .route("/v1/publish/redaction", post(redactions::publish))
        .route("/v1/redactions", get(redactions::list))
        .route("/v1/publish/group", post(groups::found))
        .route("/v1/publish/group-vote", post(groups::vote))
        .route("/v1/groups", get(groups::list))
        .route("/v1/groups/{group}", get(groups::show))
        .route("/v1/groups/{group}/records", get(groups::records))
        .route("/v1/publish/group-record", post(groups::publish_sealed))
        .route("/v1/records", get(reads::list).post(publish::submit))
        .route("/v1/records/{id}", get(provenance::show))
        .route("/v1/records/{id}/history", get(history::history))
        .route("/v1/records/{id}/attachments", get(attachments::list))
        .route(
            "/v1/records/{id}/attachments/fetch",
            post(attachments::fetch),
        )
        .route(
            "/v1/attachments",
            // The body is streamed to disk and limited by max_attachment_mb there.
            post(attachments::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/v1/attachments/{blob}", get(attachments::download))
        .route("/v1/alerts", get(alerts::list))
        .route("/v1/alerts/{id}", get(alerts::show))
        .route("/v1/feeds", get(reads::feeds))
        .route("/v1/roster", get(reads::roster))
        .route("/v1/forks", get(reads::forks))
        .route("/v1/peers", get(peers::peers))
        .route("/v1/sync", get(peers::sync))
        .route("/v1/sync/heads", get(peers::heads_file))
        .route("/v1/events", get(events::events))
        .route(
            "/v1/archive",
            get(archive::export_archive)
                .post(archive::export_archive_since_heads)
                .layer(DefaultBodyLimit::max(
                    commons_protocol::heads_file::MAX_HEADS_FILE_BYTES,
                )),
        )
        .route(
            "/v1/archive/import",
            post(archive::import_archive)
                .layer(DefaultBodyLimit::max(archive::MAX_IMPORT_BODY_BYTES)),
        )
        .route("/v1/web/login", post(web::login_link))
        .route("/metrics", get(prometheus::metrics))
        .fallback(no_such_endpoint)
        .method_not_allowed_fallback(method_not_allowed)
        // Outermost last: the token is checked before anything else, unknown paths
        // included, so the API says nothing to a caller without it.
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(from_fn_with_state(state.clone(), require_token))
        .with_state(state)
}

async fn no_such_endpoint() -> ApiError {
    ApiError::not_found("no such endpoint: see docs/api.md for the API's endpoints")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method: see docs/api.md",
    )
}

async fn require_token(
    State(state): State<Arc<ApiState>>,
    request: Request,
    next: Next,
) -> Response {
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(bearer_token);
    match presented {
        Some(token) if same_token(token.as_bytes(), state.token.as_bytes()) => {
            next.run(request).await
        }
        _ => ApiError::unauthorized().into_response(),
    }
}

/// The token of an `Authorization: Bearer <token>` header value.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
}

/// Whether `given` is `expected`, in a time that depends only on `expected`'s length
/// (which is public: 64 hex digits). An empty expected token matches nothing.
fn same_token(given: &[u8], expected: &[u8]) -> bool {
    let mut difference = usize::from(given.len() != expected.len());
    for (index, byte) in expected.iter().enumerate() {
        let other = given.get(index).copied().unwrap_or(0);
        difference |= usize::from(byte ^ other);
    }
    !expected.is_empty() && std::hint::black_box(difference) == 0
}

/// Runs a store read off the async threads.
async fn read_store<T, F>(state: &ApiState, read: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
{
    let store = state.node.store.clone();
    tokio::task::spawn_blocking(move || read(store.as_ref()))
        .await
        .map_err(|error| ApiError::internal(format!("a store read failed: {error}")))?
        .map_err(ApiError::from)
}

/// The record id in a request's path, or a 400 `bad_id` saying what an id looks like:
/// `subject` names it ("A record id"), `listing` is the command that shows such ids.
fn record_id_in_path(
    text: &str,
    subject: &str,
    listing: &str,
) -> Result<commons_protocol::RecordId, ApiError> {
    <commons_protocol::RecordId as json::FromText>::parse_text(text).map_err(|error| {
        ApiError::bad_request(
            "bad_id",
            format!(
                "{error}. {subject} is `rec_` and 64 lowercase hex digits, as `{listing}` shows them"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        let token = b"0123456789abcdef";
        assert!(same_token(token, token));
        assert!(!same_token(b"0123456789abcdee", token));
        assert!(!same_token(b"0123456789abcde", token));
        assert!(!same_token(b"0123456789abcdef0", token));
        assert!(!same_token(b"", token));
        assert!(!same_token(b"", b""));
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
    }
}
