//! The campaigns pages.

use axum::Router;

use crate::AppState;

/// The campaigns pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
}
