//! The web app's login link.

use serde::{Deserialize, Serialize};

/// `POST /v1/web/login`'s answer (docs/api.md §14): a link that lets one browser in,
/// once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginAnswer {
    /// The link, `http://…/login?ticket=…`.
    pub url: String,
    /// Where the web app listens, `http://…`.
    pub web: String,
    /// How long the link works, in seconds.
    pub expires_in_s: u64,
}
