//! The request bodies of `POST /v1/publish/*` and the other writes.
