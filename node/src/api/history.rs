//! `GET /v1/records/{id}/history`: every version of a profile, case study or campaign,
//! oldest first, as the store holds them ([`crate::revisions`]): the read step of a
//! record that was corrected after it was published.

use std::sync::Arc;

use super::contract::records::{HistoryAnswer, HistoryVersion};
use super::error::{ApiError, ApiPath};
use super::json::{kind_label, version_body};
use super::{ApiState, read_store};
use crate::revisions::{self, Versions};
use crate::store::{Store, StoreError};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use commons_protocol::RecordId;

/// What the store holds of the id asked for.
enum Found {
    Versions(Box<Versions>),
    /// Held, but not a record with versions (or a revision that is not one of them).
    NotRevisable {
        kind: &'static str,
    },
    /// A revision whose original is not held.
    OriginalMissing {
        original: RecordId,
    },
    Retracted,
    Nothing,
}

pub(super) async fn history(
    State(state): State<Arc<ApiState>>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<HistoryAnswer>, ApiError> {
    let id = super::record_id_in_path(&id, "A record id", "commons records list")?;
    let found = read_store(&state, move |store| find(store, &id)).await?;
    let versions = match found {
        Found::Versions(versions) => versions,
        Found::NotRevisable { kind } => {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_versions",
                format!(
                    "record {id} is of kind {kind}; only profiles, case studies and \
                     campaigns have versions"
                ),
            ));
        }
        Found::OriginalMissing { original } => {
            return Err(ApiError::not_found(format!(
                "record {id} is a new version of {original}, which this node does not hold \
                 yet; wait until it arrives (`commons sync`)"
            )));
        }
        Found::Retracted => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "retracted",
                format!(
                    "record {id} was retracted by its org, and every version of it with it; \
                     `commons records show {id}` shows the retraction"
                ),
            ));
        }
        Found::Nothing => {
            return Err(ApiError::not_found(format!(
                "this node holds no record {id}: it may not have reached this node yet (see \
                 `commons sync`), or the id is mistyped"
            )));
        }
    };
    let latest = versions.latest().record.id();
    let list = versions
        .all()
        .enumerate()
        .filter_map(|(index, version)| {
            let header = version.record.record();
            // Every version's content is of the original's kind, one with versions.
            let body = version_body(&revisions::content(version))?;
            Some(HistoryVersion {
                version: index as u64 + 1,
                id: version.record.id().to_string(),
                kind: kind_label(&header.body).to_owned(),
                timestamp_ms: header.timestamp_ms,
                author: header.author.to_string(),
                seq: header.seq,
                latest: version.record.id() == latest,
                body,
            })
        })
        .collect();
    let original = &versions.original;
    Ok(Json(HistoryAnswer {
        original: original.record.id().to_string(),
        kind: kind_label(&original.record.record().body).to_owned(),
        org: original.org.to_string(),
        latest: latest.to_string(),
        versions: list,
    }))
}

fn find(store: &dyn Store, id: &RecordId) -> Result<Found, StoreError> {
    let Some(stored) = store.record(id)? else {
        return Ok(if store.tombstone(id)?.is_some() {
            Found::Retracted
        } else {
            Found::Nothing
        });
    };
    if let Some(versions) = revisions::versions_including(store, &stored)? {
        return Ok(Found::Versions(Box::new(versions)));
    }
    Ok(match &stored.record.record().body {
        commons_protocol::Body::Revision(revision) => {
            match store.record(&revision.original)? {
                // Held, yet this revision is not one of its versions.
                Some(original) => Found::NotRevisable {
                    kind: kind_label(&original.record.record().body),
                },
                None if store.tombstone(&revision.original)?.is_some() => Found::Retracted,
                None => Found::OriginalMissing {
                    original: revision.original,
                },
            }
        }
        body => Found::NotRevisable {
            kind: kind_label(body),
        },
    })
}
