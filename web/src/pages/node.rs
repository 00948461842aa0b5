//! The node pages.

use axum::Router;

use crate::AppState;

/// The node pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
