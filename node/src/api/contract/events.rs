//! The event stream, `GET /v1/events` (docs/api.md §10).
