//! Archive import through the API.

use serde::{Deserialize, Serialize};

use super::ErrorAnswer;

/// `POST /v1/archive/import`'s `200` (docs/api.md §13, "`POST /v1/archive/import`"):
/// how the batch's records were taken in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportAnswer {
    /// Records stored.
    pub stored: u64,
    /// Records already held.
    pub duplicates: u64,
    /// Records that proved a fork, kept as its proof.
    pub forks: u64,
    /// Records refused, in the request's order.
    pub refused: Vec<ImportRefusal>,
}

/// One record of [`ImportAnswer::refused`]: where it was in the batch, and why it was
/// refused, as the API's other errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRefusal {
    /// Its place in the request's `records`, from 0.
    pub index: u64,
    /// Why, for people and for scripts.
    #[serde(flatten)]
    pub refusal: ErrorAnswer,
}
