//! `/v1/attachments` and `/v1/records/{id}/attachments`: files for case studies, the
//! step before a record names them (an upload is stored in the blob store, checked
//! and named by its hash) and after (a download of a file held whole; where each file
//! of a record stands; asking the network to fetch them). Uploads go to the blob
//! store, never to the record store: a record naming the file is published through
//! the publisher like any other ([`super::publish`]).

use std::io::{self, Read};
use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use commons_protocol::body::Attachment;
use commons_protocol::record::{is_media_type, is_safe_file_name};
use commons_protocol::{BlobId, RecordId};
use futures::StreamExt;
use serde::Deserialize;
use tokio::sync::mpsc;

use super::contract::attachments::{
    FileState as FileStateAnswer, RecordFile, RecordFilesAnswer, UploadAnswer,
};
use super::contract::requests::AttachmentRequest;
use super::error::{ApiError, ApiPath, ApiQuery};
use super::json::FromText;
use super::{ApiState, read_store};
use crate::attachments::{self, AttachmentError, FileState};
use crate::blobs::{BlobStore, BlobStoreError, FetchProgress, ImportLimits};
use crate::config::AttachmentPolicy;
use crate::network::NetworkError;

/// Pieces of an upload or a download in flight between the connection and the disk.
const STREAM_CAPACITY: usize = 8;
/// The size of each piece of a download, in bytes.
const DOWNLOAD_PIECE_BYTES: usize = 64 * 1024;
/// The most bytes of a refused upload read and dropped before answering.
const DRAIN_MAX_BYTES: u64 = 16 * 1024 * 1024;
/// How long a refused upload is read for before answering.
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(5);
/// The media type of a download whose type no live record vouches for.
const OCTET_STREAM: &str = "application/octet-stream";

/// The answer for a blob store failure: 507 for a full disk (as a full record store),
/// 413 for a file over the limit, 400 for an empty or unreadable upload, 500 otherwise.
pub(super) fn blob_error(error: BlobStoreError) -> ApiError {
    let message = error.to_string();
    match error {
        BlobStoreError::DiskFull { .. } => {
            ApiError::new(StatusCode::INSUFFICIENT_STORAGE, "disk_full", message)
        }
        BlobStoreError::TooLarge { .. } => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
        }
        BlobStoreError::Empty => ApiError::bad_request("empty_file", message),
        BlobStoreError::Read(_) => ApiError::bad_request("bad_body", message),
        _ => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "attachments", message),
    }
}

/// The answer for a publish whose files do not pass ([`attachments::check_publish`]).
pub(super) fn attachment_error(error: AttachmentError) -> ApiError {
    let message = error.to_string();
    match error {
        AttachmentError::NotHeld { .. } | AttachmentError::WrongSize { .. } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "attachment_not_held",
            message,
        ),
        AttachmentError::TooLarge { .. } => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
        }
        AttachmentError::OrgTotal { .. } => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "org_total", message)
        }
        AttachmentError::Store(store) => ApiError::store(&store),
        AttachmentError::Blobs(blobs) => blob_error(blobs),
    }
}

/// Runs blob store work off the async threads.
async fn with_blobs<T, F>(state: &ApiState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&BlobStore) -> Result<T, BlobStoreError> + Send + 'static,
{
    let blobs = state.node.blobs.clone();
    tokio::task::spawn_blocking(move || work(&blobs))
        .await
        .map_err(|error| ApiError::internal(format!("an attachment task failed: {error}")))?
        .map_err(blob_error)
}

/// Checks the files a case study is about to name (held here with the size given,
/// within the limits): 422 "upload it first" if not.
pub(super) async fn check_files(state: &ApiState, files: Vec<Attachment>) -> Result<(), ApiError> {
    if files.is_empty() {
        return Ok(());
    }
    let (store, blobs) = (state.node.store.clone(), state.node.blobs.clone());
    let (policy, org) = (state.node.attachments, state.node.org);
    tokio::task::spawn_blocking(move || {
        attachments::check_publish(store.as_ref(), &blobs, &policy, org, &files)
    })
    .await
    .map_err(|error| ApiError::internal(format!("an attachment check failed: {error}")))?
    .map_err(attachment_error)
}

/// `POST /v1/attachments` query.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    name: String,
    #[serde(rename = "type")]
    media_type: String,
}

/// An upload's body as a blocking reader: pieces arrive from the connection through a
/// bounded channel.
struct ChannelReader {
    pieces: mpsc::Receiver<Result<Bytes, io::Error>>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.pieces.blocking_recv() {
                Some(Ok(piece)) => self.current = piece,
                Some(Err(error)) => return Err(error),
                None => return Ok(0),
            }
        }
        let n = buffer.len().min(self.current.len());
        buffer[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// `POST /v1/attachments?name=FILE&type=MEDIA/TYPE`, the file's bytes as the body:
/// stored by its hash, refused past `max_attachment_mb` (413) or when the disk would
/// keep less than the reserve free (507), with nothing left behind either way.
pub(super) async fn upload(
    State(state): State<Arc<ApiState>>,
    ApiQuery(query): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<UploadAnswer>), ApiError> {
    if !is_safe_file_name(&query.name) {
        return Err(ApiError::bad_request(
            "bad_field",
            "`name` must be a file name: not empty, at most 255 bytes, no `/`, `\\` or control characters",
        ));
    }
    if !is_media_type(&query.media_type) {
        return Err(ApiError::bad_request(
            "bad_field",
            "`type` must be a media type such as application/pdf (lowercase type/subtype, no parameters)",
        ));
    }
    let max_bytes = state.node.attachments.max_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if let Some(length) = declared
        && length > max_bytes
    {
        drain(body, length).await;
        return Err(blob_error(BlobStoreError::TooLarge { max: max_bytes }));
    }
    let (sender, pieces) = mpsc::channel(STREAM_CAPACITY);
    let mut stream = body.into_data_stream();
    let pump = async {
        while let Some(piece) = stream.next().await {
            let piece = piece.map_err(io::Error::other);
            if sender.send(piece).await.is_err() {
                // The import stopped (over the limit, or the disk): read no more.
                break;
            }
        }
        drop(sender);
    };
    let import = with_blobs(&state, move |blobs| {
        let reader = ChannelReader {
            pieces,
            current: Bytes::new(),
        };
        blobs.import_expecting(reader, ImportLimits { max_bytes }, declared)
    });
    let ((), imported) = tokio::join!(pump, import);
    let rest = Body::from_stream(stream);
    let imported = match imported {
        Ok(imported) => imported,
        Err(error) => {
            drain(rest, declared.unwrap_or(u64::MAX)).await;
            return Err(error);
        }
    };
    Ok((
        StatusCode::CREATED,
        Json(UploadAnswer {
            name: query.name,
            media_type: query.media_type,
            size: imported.size,
            blob: imported.blob.to_string(),
        }),
    ))
}

/// Reads and drops what is left of a refused upload, up to [`DRAIN_MAX_BYTES`] and for
/// at most [`DRAIN_TIME`], so that the client, still sending, reads the answer rather
/// than a reset connection; a longer body is cut off.
async fn drain(body: Body, declared: u64) {
    if declared > DRAIN_MAX_BYTES && declared != u64::MAX {
        return;
    }
    let mut stream = body.into_data_stream();
    let mut seen = 0u64;
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        while let Some(Ok(piece)) = stream.next().await {
            seen = seen.saturating_add(piece.len() as u64);
            if seen > DRAIN_MAX_BYTES {
                break;
            }
        }
    })
    .await;
}

fn parse_blob(text: &str) -> Result<BlobId, ApiError> {
    BlobId::parse_text(text).map_err(|error| {
        ApiError::bad_request(
            "bad_id",
            format!("{error}. An attachment id is `blob_` and 64 lowercase hex digits"),
        )
    })
}

fn parse_record(text: &str) -> Result<RecordId, ApiError> {
    RecordId::parse_text(text).map_err(|error| {
        ApiError::bad_request(
            "bad_id",
            format!(
                "{error}. A record id is `rec_` and 64 lowercase hex digits, as \
                 `commons records list` shows them"
            ),
        )
    })
}

/// `GET /v1/attachments/{blob}` query: the name and type to serve it as, honoured only
/// if a live record lists the file with them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    name: Option<String>,
    #[serde(rename = "type")]
    media_type: Option<String>,
}

/// `Content-Disposition: attachment` for `name` (RFC 6266): an ASCII fallback and the
/// exact name in RFC 8187 encoding.
pub fn content_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' && c != '%' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in name.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// `GET /v1/attachments/{blob}`: the file's bytes, if held whole. Served as
/// `application/octet-stream` unless `type` is a media type a live record lists for
/// it, always as a download (`Content-Disposition: attachment`) with
/// `X-Content-Type-Options: nosniff`.
pub(super) async fn download(
    State(state): State<Arc<ApiState>>,
    ApiPath(blob): ApiPath<String>,
    ApiQuery(query): ApiQuery<DownloadQuery>,
) -> Result<Response, ApiError> {
    let blob = parse_blob(&blob)?;
    let listed = read_store(&state, move |store| {
        let mut listed = Vec::new();
        for id in store.blob_references(&blob)? {
            if let Some(stored) = store.record(&id)? {
                listed.extend(
                    stored
                        .record
                        .record()
                        .body
                        .attachments()
                        .iter()
                        .filter(|file| file.blob == blob)
                        .cloned(),
                );
            }
        }
        Ok(listed)
    })
    .await?;
    let Some(file) = with_blobs(&state, move |blobs| blobs.open_read(&blob)).await? else {
        return Err(ApiError::not_found(format!(
            "this node does not hold {blob} whole: ask for it with \
             POST /v1/records/{{id}}/attachments/fetch and wait until its state is `held`"
        )));
    };
    let size = file
        .metadata()
        .map_err(|error| ApiError::internal(format!("cannot read {blob}: {error}")))?
        .len();
    let media_type = query
        .media_type
        .filter(|wanted| listed.iter().any(|file| file.media_type == *wanted))
        .unwrap_or_else(|| OCTET_STREAM.to_owned());
    let name = query
        .name
        .filter(|wanted| listed.iter().any(|file| file.name == *wanted))
        .or_else(|| listed.first().map(|file| file.name.clone()))
        .unwrap_or_else(|| blob.to_string());

    let (sender, receiver) = mpsc::channel::<Result<Bytes, io::Error>>(STREAM_CAPACITY);
    tokio::task::spawn_blocking(move || {
        let mut file = file;
        loop {
            let mut piece = vec![0u8; DOWNLOAD_PIECE_BYTES];
            match file.read(&mut piece) {
                Ok(0) => break,
                Ok(n) => {
                    piece.truncate(n);
                    if sender.blocking_send(Ok(Bytes::from(piece))).is_err() {
                        // The client went away.
                        break;
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => {
                    let _ = sender.blocking_send(Err(error));
                    break;
                }
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(receiver);
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    let header_value = |text: &str| {
        HeaderValue::from_str(text)
            .map_err(|error| ApiError::internal(format!("a header could not be made: {error}")))
    };
    headers.insert(header::CONTENT_TYPE, header_value(&media_type)?);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    headers.insert(
        header::CONTENT_DISPOSITION,
        header_value(&content_disposition(&name))?,
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    Ok(response)
}

/// One file of a record, with its state on this node.
fn file_answer(file: &Attachment, state: &FileState) -> RecordFile {
    let state = match state {
        FileState::Held => FileStateAnswer::Held,
        FileState::Fetching(progress) => FileStateAnswer::Fetching {
            held_bytes: progress.held_bytes,
            percent: u64::from(progress.percent()),
            active: progress.active,
        },
        FileState::NotFetched { auto } => FileStateAnswer::NotFetched { auto: *auto },
    };
    RecordFile {
        file: UploadAnswer {
            name: file.name.clone(),
            media_type: file.media_type.clone(),
            size: file.size,
            blob: file.blob.to_string(),
        },
        state,
    }
}

/// The files a record names, with their states; 404 if the record is not held.
async fn record_files(
    state: &ApiState,
    id: RecordId,
) -> Result<Vec<(Attachment, FileState)>, ApiError> {
    let record = read_store(state, move |store| store.record(&id)).await?;
    let Some(record) = record else {
        let retracted = read_store(state, move |store| store.tombstone(&id)).await?;
        return Err(ApiError::not_found(if retracted.is_some() {
            format!("{id} was retracted: its files are gone")
        } else {
            format!("this node does not hold {id}")
        }));
    };
    let files = record.record.record().body.attachments().to_vec();
    let policy: AttachmentPolicy = state.node.attachments;
    let listed = files.clone();
    let states = with_blobs(state, move |blobs| {
        listed
            .iter()
            .map(|file| attachments::file_state(blobs, &policy, file))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    let mut answer = Vec::with_capacity(files.len());
    for (file, mut file_state) in files.into_iter().zip(states) {
        // A fetch queued by the network but not yet writing (its chunk list not yet
        // found) is fetching too, at 0 %.
        if matches!(file_state, FileState::NotFetched { .. })
            && let Some(network) = &state.network
            && let Ok(Some((held_bytes, _))) = network.fetch_progress(file.blob).await
        {
            file_state = FileState::Fetching(FetchProgress {
                held_bytes,
                size: file.size,
                active: true,
            });
        }
        answer.push((file, file_state));
    }
    Ok(answer)
}

/// `GET /v1/records/{id}/attachments`: `{record, files: [{name, media_type, size, blob,
/// state, …}]}`, `state` being `held`, `fetching` (with `held_bytes` and `percent`)
/// or `not_fetched` (with `auto`: whether it is small enough to be fetched without
/// being asked).
pub(super) async fn list(
    State(state): State<Arc<ApiState>>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RecordFilesAnswer>, ApiError> {
    let id = parse_record(&id)?;
    let files = record_files(&state, id).await?;
    Ok(Json(files_answer(id, &files)))
}

/// The answer of [`list`] and [`fetch`]: the record's files as [`record_files`] found
/// them.
fn files_answer(id: RecordId, files: &[(Attachment, FileState)]) -> RecordFilesAnswer {
    RecordFilesAnswer {
        record: id.to_string(),
        files: files
            .iter()
            .map(|(file, state)| file_answer(file, state))
            .collect(),
    }
}

/// `POST /v1/records/{id}/attachments/fetch`: asks the network to fetch every file of
/// the record not held yet (whatever its size, up to `max_attachment_mb`); answers 202
/// with the files' states at once. 503 when the node runs no network.
pub(super) async fn fetch(
    State(state): State<Arc<ApiState>>,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, Json<RecordFilesAnswer>), ApiError> {
    let id = parse_record(&id)?;
    let Some(network) = state.network.clone() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_network",
            "the network is not running: start the node with its network to fetch files from peers",
        ));
    };
    let files = record_files(&state, id).await?;
    for (file, file_state) in &files {
        if matches!(file_state, FileState::Held) {
            continue;
        }
        network.fetch_attachment(file.blob).await.map_err(|error| {
            let message = error.to_string();
            match error {
                NetworkError::TooLarge { .. } => {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
                }
                NetworkError::NotNamed { .. } => ApiError::not_found(message),
                NetworkError::Shutdown => ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "no_network",
                    "the network is not running (it has shut down)",
                ),
                _ => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "network", message),
            }
        })?;
    }
    let files = record_files(&state, id).await?;
    Ok((StatusCode::ACCEPTED, Json(files_answer(id, &files))))
}

/// The protocol's entry for a file a publish request names.
pub(super) fn into_attachment(file: AttachmentRequest) -> Result<Attachment, ApiError> {
    Ok(Attachment {
        blob: super::publish::parsed(&file.blob)?,
        name: file.name,
        media_type: file.media_type,
        size: file.size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_keep_the_name_exactly_and_an_ascii_fallback() {
        assert_eq!(
            content_disposition("report 2024.pdf"),
            "attachment; filename=\"report 2024.pdf\"; filename*=UTF-8''report%202024.pdf"
        );
        assert_eq!(
            content_disposition("témoignage \"final\".pdf"),
            "attachment; filename=\"t_moignage _final_.pdf\"; \
             filename*=UTF-8''t%C3%A9moignage%20%22final%22.pdf"
        );
        assert!(HeaderValue::from_str(&content_disposition("شهادة.pdf")).is_ok());
    }
}
