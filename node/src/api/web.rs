//! `POST /v1/web/login`: a one-time login link to the staff's web app, for `commons
//! open`. Only a caller holding the API token (so, with the data dir) gets one; the
//! link lets one browser in once ([`crate::login`]).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::ApiState;
use super::contract::web::LoginAnswer;
use super::error::ApiError;
use crate::login::{LOGIN_TICKET_LIFETIME, LoginTickets};

/// The path of the web app that redeems a login ticket: `/login?ticket=…`.
pub const LOGIN_PATH: &str = "/login";

/// What the API needs to hand out login links to the web app.
#[derive(Debug, Clone)]
pub struct WebLogin {
    /// Where the web app listens.
    pub address: SocketAddr,
    /// The tickets the web app redeems.
    pub tickets: LoginTickets,
}

impl WebLogin {
    /// The web app's address as a browser should be given it.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }
}

pub(super) async fn login_link(
    State(state): State<Arc<ApiState>>,
) -> Result<Json<LoginAnswer>, ApiError> {
    let Some(web) = &state.web else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "web_off",
            "this node does not serve the web app (web = false in config.toml, or \
             --no-web): turn it on and restart the node",
        ));
    };
    let ticket = web
        .tickets
        .mint(Instant::now())
        .map_err(|error| ApiError::internal(error.to_string()))?;
    Ok(Json(LoginAnswer {
        url: format!("{}{LOGIN_PATH}?ticket={ticket}", web.base_url()),
        web: web.base_url(),
        expires_in_s: LOGIN_TICKET_LIFETIME.as_secs(),
    }))
}
