//! The cases pages.

use axum::Router;

use crate::AppState;

/// The cases pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
