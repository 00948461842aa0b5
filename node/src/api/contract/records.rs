//! Reading and submitting records: the record JSON (docs/api.md §6–§8), a record's history and provenance.
