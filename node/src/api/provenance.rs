//! `GET /v1/records/{id}`: one record read back with its whole provenance, the last step
//! of its path. Besides the record itself (or, once retracted, its tombstone), the answer
//! says which org and device signed it (names and labels from the charter, the org's
//! profile and the roster), where it sits in the device's feed, and whether its
//! signature verifies: the stored signed bytes are decoded and verified again for this
//! request, not taken on the word of the ingest that stored them.

use std::sync::Arc;

use super::contract::records::{
    HeldRecord, Provenance, ProvenanceDevice, ProvenanceOrg, RecordAnswer, RetractedRecord,
    RetractionRecord, SignatureCheck,
};
use super::error::{ApiError, ApiPath};
use super::json::{add_versions, record_json};
use super::{ApiState, read_store};
use crate::clock::now_ms;
use crate::revisions::{self, Versions};
use crate::store::{RecordQuery, Store, StoreError, StoredRecord, Tombstone};
use axum::Json;
use axum::extract::State;
use commons_protocol::{Body, BodyKind, DeviceKey, OrgId, RecordId, Roster, validate_record};

/// What the store holds of one id.
enum Found {
    Held(Box<StoredRecord>, Option<Box<Versions>>),
    Retracted {
        tombstone: Tombstone,
        /// The tombstone's place in its feed: (timestamp, prev).
        entry: Option<(u64, Option<RecordId>)>,
        /// The retraction record, if held.
        retraction: Option<Box<StoredRecord>>,
    },
    Nothing,
}

pub(super) async fn show(
    State(state): State<Arc<ApiState>>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RecordAnswer>, ApiError> {
    let id = super::record_id_in_path(&id, "A record id", "commons records list")?;
    let found = read_store(&state, move |store| find(store, &id)).await?;
    let roster = state.node.roster();
    let checked_at_ms = now_ms();
    match found {
        Found::Held(stored, versions) => {
            let header = stored.record.record();
            let org_name = org_name(&state, &stored.org).await?;
            let verified = verify(&state, stored.record.signed_bytes(), &id);
            let mut record = record_json(&stored.record, &stored.org);
            if let Some(versions) = versions {
                add_versions(&mut record, &versions);
            }
            Ok(Json(RecordAnswer::Held(Box::new(HeldRecord {
                record,
                retracted: false,
                provenance: Provenance {
                    org: Some(org_json(&roster, &stored.org, org_name)),
                    device: device_json(&roster, &header.author, header.seq),
                    signature: checked(verified, checked_at_ms),
                },
            }))))
        }
        Found::Retracted {
            tombstone,
            entry,
            retraction,
        } => {
            let org = roster.device(&tombstone.author).map(|device| device.org);
            let org_name = match &org {
                Some(org) => org_name(&state, org).await?,
                None => None,
            };
            // A tombstone names the retraction, or the vote that decided a redaction.
            let redacted = retraction.as_ref().is_some_and(|stored| {
                matches!(stored.record.record().body, Body::RedactionVote(_))
            });
            let retraction_record = retraction.map(|stored| {
                let verified = verify(&state, stored.record.signed_bytes(), &stored.record.id());
                let header = stored.record.record();
                let reason = match &header.body {
                    Body::Retraction(retraction) => retraction.reason.clone(),
                    Body::RedactionVote(vote) => vote.reason.clone(),
                    _ => String::new(),
                };
                RetractionRecord {
                    id: stored.record.id().to_string(),
                    author: header.author.to_string(),
                    seq: header.seq,
                    timestamp_ms: header.timestamp_ms,
                    reason,
                    signature: checked(verified, checked_at_ms),
                }
            });
            Ok(Json(RecordAnswer::Retracted(Box::new(RetractedRecord {
                id: tombstone.target.to_string(),
                retracted: true,
                redacted,
                author: tombstone.author.to_string(),
                org: org.map(|org| org.to_string()),
                seq: tombstone.seq,
                retraction: tombstone.retraction.to_string(),
                timestamp_ms: entry.map(|(timestamp, _)| timestamp),
                prev: entry
                    .and_then(|(_, prev)| prev)
                    .map(|prev| prev.to_string()),
                retraction_record,
                provenance: Provenance {
                    org: org.map(|org| org_json(&roster, &org, org_name)),
                    device: device_json(&roster, &tombstone.author, tombstone.seq),
                    // The content and its signature went with the retraction.
                    signature: SignatureCheck {
                        checked: false,
                        valid: None,
                        error: None,
                        checked_at_ms: None,
                    },
                },
            }))))
        }
        Found::Nothing => Err(ApiError::not_found(format!(
            "this node holds no record {id}: it may not have reached this node yet (see \
             `commons sync`), or the id is mistyped; `commons records list` and `commons \
             records search TEXT` show the ids this node holds"
        ))),
    }
}

fn find(store: &dyn Store, id: &RecordId) -> Result<Found, StoreError> {
    if let Some(stored) = store.record(id)? {
        let versions = revisions::versions_including(store, &stored)?.map(Box::new);
        return Ok(Found::Held(Box::new(stored), versions));
    }
    let Some(tombstone) = store.tombstone(id)? else {
        return Ok(Found::Nothing);
    };
    let entry = store
        .entry(&tombstone.author, tombstone.seq)?
        .map(|entry| (entry.timestamp_ms, entry.prev));
    let retraction = store.record(&tombstone.retraction)?.map(Box::new);
    Ok(Found::Retracted {
        tombstone,
        entry,
        retraction,
    })
}

/// Verifies `signed` again from its bytes, as if it had just arrived: canonical
/// decoding, every stateless rule, the device's signature and any root signature in the
/// body, and that its id is `id`. Says why not, for the operator.
fn verify(state: &ApiState, signed: &[u8], id: &RecordId) -> Result<(), String> {
    let verified = validate_record(signed, &state.node.network).map_err(|error| {
        format!(
            "{error}: the stored bytes no longer verify, so the store is damaged or was \
             altered; restore the data dir from a backup"
        )
    })?;
    if verified.id() != *id {
        return Err(format!(
            "the stored bytes are those of {}, not {id}: the store is damaged or was \
             altered; restore the data dir from a backup",
            verified.id()
        ));
    }
    Ok(())
}

/// The org's name: its founder name in the charter, else the name in the latest version
/// of its newest profile held, else none.
pub(super) async fn org_name(
    state: &Arc<ApiState>,
    org: &OrgId,
) -> Result<Option<String>, ApiError> {
    if let Some(founder) = state
        .node
        .charter
        .founders
        .iter()
        .find(|founder| founder.org == *org)
    {
        return Ok(Some(founder.name.clone()));
    }
    let query = RecordQuery {
        kind: Some(BodyKind::Profile),
        org: Some(*org),
        limit: 1,
        ..RecordQuery::default()
    };
    let profile = read_store(state, move |store| {
        store
            .query(&query)?
            .first()
            .map(|stored| revisions::latest_body(store, stored))
            .transpose()
    })
    .await?;
    Ok(match profile {
        Some(Body::Profile(profile)) => Some(profile.name),
        _ => None,
    })
}

/// A signature checked now: whether it verifies, and why not.
fn checked(verified: Result<(), String>, checked_at_ms: u64) -> SignatureCheck {
    SignatureCheck {
        checked: true,
        valid: Some(verified.is_ok()),
        error: verified.err(),
        checked_at_ms: Some(checked_at_ms),
    }
}

fn org_json(roster: &Roster, org: &OrgId, name: Option<String>) -> ProvenanceOrg {
    ProvenanceOrg {
        id: org.to_string(),
        name,
        member: roster.is_member(org),
    }
}

/// The signing device as the roster knows it, and whether its org had revoked it by
/// `seq`.
fn device_json(roster: &Roster, device: &DeviceKey, seq: u64) -> ProvenanceDevice {
    let known = roster.device(device);
    ProvenanceDevice {
        key: device.to_string(),
        label: known.as_ref().map(|known| known.label.clone()),
        delegation: known.as_ref().map(|known| known.delegation.to_string()),
        revoked_from: known.as_ref().and_then(|known| known.revoked_from),
        revoked_at_seq: known
            .as_ref()
            .and_then(|known| known.revoked_from)
            .is_some_and(|from| seq >= from),
    }
}
