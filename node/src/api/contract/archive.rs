//! Archive import through the API.
