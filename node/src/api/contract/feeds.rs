//! Feeds, roster and forks (docs/api.md §9).
