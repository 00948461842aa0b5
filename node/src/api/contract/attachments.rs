//! Attachments: a record's files and their transfer state.
