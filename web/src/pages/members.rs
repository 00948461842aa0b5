//! The members pages.

use axum::Router;

use crate::AppState;

/// The members pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
