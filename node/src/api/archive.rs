//! The archive endpoints: `GET /v1/archive` streams an export of the store (a bundle
//! or JSON lines, [`crate::archive`]), all of it or what was signed since a time;
//! `POST /v1/archive` streams the same export limited to what a disconnected site
//! lacks, by the heads file in its body; `POST /v1/archive/import` hands an archive's
//! records, a bounded batch at a time, to the one ingest path.

use std::ops::ControlFlow;
use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use commons_protocol::{HeadsFile, NetworkId};
use serde::Deserialize;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tracing::{info, warn};

use super::ApiState;
use super::contract::ErrorAnswer;
use super::contract::archive::{ImportAnswer, ImportRefusal};
use super::contract::requests::ImportRequest;
use super::error::{ApiError, ApiJson, ApiQuery};
use super::json::from_hex;
use crate::archive::{ArchiveFormat, Since, export_with};
use crate::ingest::{Ingested, MAX_RECORDS_PER_REQUEST, Source};

/// The largest import request body: a batch of up to [`MAX_RECORDS_PER_REQUEST`]
/// records in hex, with JSON around them. The CLI sends smaller batches.
pub const MAX_IMPORT_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Export chunks in flight between the store scan and the client: with
/// `EXPORT_CHUNK_BYTES` each, the most an export holds in memory.
const EXPORT_CHUNKS_IN_FLIGHT: usize = 4;

/// `GET /v1/archive` parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExportParams {
    format: Option<String>,
    public_only: Option<bool>,
    /// Carry the bytes of the files the exported records name (bundles only).
    with_attachments: Option<bool>,
    /// Only what was signed at or after this time, in ms since the Unix epoch (and
    /// every governance record); `GET` only.
    since_ms: Option<u64>,
}

/// `GET /v1/archive`: every record, or those signed since `since_ms`.
pub(super) async fn export_archive(
    State(state): State<Arc<ApiState>>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let since = params.since_ms.map_or(Since::Everything, Since::Time);
    export(&state, &params, since)
}

/// `POST /v1/archive`: what the site whose heads file is the body lacks.
pub(super) async fn export_archive_since_heads(
    State(state): State<Arc<ApiState>>,
    ApiQuery(params): ApiQuery<ExportParams>,
    body: Bytes,
) -> Result<Response, ApiError> {
    if params.since_ms.is_some() {
        return Err(ApiError::bad_request(
            "bad_query",
            "give either a heads file or since_ms, not both",
        ));
    }
    let heads = HeadsFile::decode(&body, &state.node.network)
        .map_err(|error| ApiError::bad_request("bad_heads_file", error.to_string()))?;
    export(&state, &params, Since::Heads(heads))
}

fn export(state: &ApiState, params: &ExportParams, since: Since) -> Result<Response, ApiError> {
    let format = match params.format.as_deref() {
        None => ArchiveFormat::Bundle,
        Some(name) => ArchiveFormat::from_name(name).ok_or_else(|| {
            ApiError::bad_request(
                "bad_query",
                format!("format must be `bundle` or `jsonl`, not `{name}`"),
            )
        })?,
    };
    let public_only = params.public_only.unwrap_or(false);
    let with_attachments = params.with_attachments.unwrap_or(false);
    if with_attachments && format != ArchiveFormat::Bundle {
        return Err(ApiError::bad_request(
            "bad_query",
            "attachments travel only in a bundle: JSON lines name each file (name, media \
             type, size, id) without its bytes",
        ));
    }
    let blobs = with_attachments.then(|| state.node.blobs.clone());
    let charter = state.node.signed_charter.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_signed_charter",
            "this node was started without its signed charter file, which an archive must \
             carry: run it with `commons node run`",
        )
    })?;
    let store = state.node.store.clone();
    let (chunks, body) = mpsc::channel::<Result<Bytes, std::io::Error>>(EXPORT_CHUNKS_IN_FLIGHT);
    tokio::task::spawn_blocking(move || {
        let sent = chunks.clone();
        let result = export_with(
            store.as_ref(),
            &charter,
            format,
            public_only,
            blobs.as_ref(),
            &since,
            &mut |chunk| match sent.blocking_send(Ok(Bytes::from(chunk))) {
                Ok(()) => ControlFlow::Continue(()),
                Err(_) => ControlFlow::Break(()),
            },
        );
        match result {
            Ok(summary) => info!(
                format = format.name(),
                public_only,
                records = summary.records,
                feeds = summary.feeds,
                attachments = summary.attachments,
                attachments_absent = summary.attachments_absent,
                "archive exported"
            ),
            Err(error) => {
                warn!(%error, "archive export failed");
                // Ends the body with an error, so the client never takes a cut-short
                // export for a whole one.
                let _ = chunks.blocking_send(Err(std::io::Error::other(error.to_string())));
            }
        }
    });
    let content_type = match format {
        ArchiveFormat::Bundle => "application/octet-stream",
        ArchiveFormat::Jsonl => "application/x-ndjson",
    };
    let mut response = Body::from_stream(ReceiverStream::new(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(response)
}

pub(super) async fn import_archive(
    State(state): State<Arc<ApiState>>,
    ApiJson(request): ApiJson<ImportRequest>,
) -> Result<(StatusCode, Json<ImportAnswer>), ApiError> {
    let network: NetworkId = request.network.trim().parse().map_err(|_| {
        ApiError::bad_request(
            "bad_network",
            "`network` must be a network id such as net_ followed by 64 hex digits",
        )
    })?;
    if network != state.node.network {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "wrong_network",
            format!(
                "the archive belongs to network {network}, but this node is on network {} \
                 ({}): import it into a node of that network",
                state.node.network, state.node.charter.name
            ),
        ));
    }
    if request.records.len() > MAX_RECORDS_PER_REQUEST {
        return Err(ApiError::bad_request(
            "too_many",
            format!(
                "at most {MAX_RECORDS_PER_REQUEST} records per import request; send the rest in \
                 further requests"
            ),
        ));
    }
    let mut records = Vec::with_capacity(request.records.len());
    for (index, text) in request.records.iter().enumerate() {
        records.push(from_hex(text.trim()).ok_or_else(|| {
            ApiError::bad_request(
                "bad_hex",
                format!("record {index} is not a signed record in hex digits"),
            )
        })?);
    }
    let answers = state.node.ingest.submit_many(records, Source::Import).await;
    let mut imported = ImportAnswer::default();
    for (index, answer) in answers.into_iter().enumerate() {
        match answer {
            Ok(Ingested::Stored { .. }) => imported.stored += 1,
            Ok(Ingested::Duplicate { .. }) => imported.duplicates += 1,
            Ok(Ingested::Fork { .. }) => imported.forks += 1,
            Err(error) => imported.refused.push(ImportRefusal {
                index: index as u64,
                refusal: ErrorAnswer {
                    error: error.to_string(),
                    reason: error.reason().to_owned(),
                },
            }),
        }
    }
    Ok((StatusCode::OK, Json(imported)))
}
