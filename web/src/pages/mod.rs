//! The pages, one module per section. Each module's `routes()` is merged here; every
//! page takes a [`crate::security::Staff`] (a person let in) and every form a
//! [`crate::security::Posted`] (its CSRF token checked), so a route cannot forget
//! either.

use axum::Router;

use crate::AppState;

pub mod alerts;
pub mod campaigns;
pub mod cases;
pub mod events;
pub mod files;
pub mod gone;
pub mod groups;
pub mod history;
pub mod home;
pub mod login;
pub mod members;
pub mod node;
pub mod redactions;

/// Every page's route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(login::routes())
        .merge(home::routes())
        .merge(events::routes())
        .merge(cases::routes())
        .merge(files::routes())
        .merge(campaigns::routes())
        .merge(alerts::routes())
        .merge(members::routes())
        .merge(groups::routes())
        .merge(redactions::routes())
        .merge(node::routes())
        .fallback(not_found)
}

async fn not_found(
    staff: Result<crate::security::Staff, axum::response::Response>,
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match staff {
        Ok(staff) => crate::page::Layout::new(
            &state,
            &staff,
            crate::page::Section::Home,
            staff.tr.msg("error-not-found-title"),
        )
        .not_found()
        .into_response(),
        Err(redirect) => redirect,
    }
}
