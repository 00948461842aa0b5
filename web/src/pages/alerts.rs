//! The alerts pages.

use axum::Router;

use crate::AppState;

/// The alerts pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
