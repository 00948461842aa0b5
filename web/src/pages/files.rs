//! Attachments in the web app: the step where a person's files enter the node (an
//! upload on the case-study form, imported into the node's blob store,
//! [`commons_node::blobs`], which is not the record store) and where the files a case
//! study names leave it for the person's browser (downloads, and images shown inline).
//!
//! - **Uploads** stream from the multipart form into the blob store through a bounded
//!   channel, refused past the node's largest attachment (`max_attachment_mb`) without
//!   reading the rest; the form then lists the files so one can be removed before the
//!   case study is published. Nothing is published by an upload.
//! - **Downloads** are served by the app itself, only for a file that a version of a
//!   case study held here names, with `Content-Disposition: attachment` and
//!   `X-Content-Type-Options: nosniff`. Only PNG, JPEG, GIF and WebP images whose bytes
//!   start as their type says are shown inline, from the app's own origin, under the
//!   app's Content-Security-Policy (`img-src 'self'`).
//! - **Files not here yet** show how far their fetch has got ("fetching 43%"), or a
//!   Fetch button for files above the automatic fetch size; nothing is ever loaded from
//!   outside the node.

use std::io::Read;

use axum::Router;
use axum::body::{Body as HttpBody, Bytes};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use commons_node::blobs::{BlobStoreError, ImportLimits};
use commons_protocol::record::{is_media_type, is_safe_file_name};
use commons_protocol::{Attachment, BlobId, MAX_ATTACHMENTS, RecordId};
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::AppState;
use crate::i18n::{ArgValue, Tr};
use crate::page::{Layout, Section};
use crate::security::{MAX_FORM_BYTES, Posted, Staff};
use crate::view;

/// The most files one post of the form takes in.
pub const MAX_FILES_PER_POST: usize = 8;
/// The most fields (other than files) a multipart form may have.
pub const MAX_MULTIPART_FIELDS: usize = 200;
/// How many pieces of an upload wait between the request and the blob store's writer.
pub const UPLOAD_CHANNEL_CAPACITY: usize = 8;
/// How many pieces of a download wait between the file and the response.
pub const DOWNLOAD_CHANNEL_CAPACITY: usize = 4;
/// The size of one piece of a download.
pub const DOWNLOAD_CHUNK_BYTES: usize = 64 * 1024;
/// The image types shown inline: the ones browsers decode without running anything.
pub const INLINE_IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];
/// The media type given to a file whose browser named none the protocol accepts.
pub const UNKNOWN_MEDIA_TYPE: &str = "application/octet-stream";

/// The files' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases/{id}/files/{blob}", get(download))
        .route("/cases/{id}/files/{blob}/view", get(view_inline))
        .route("/cases/{id}/files/{blob}/fetch", post(fetch))
}

// ---- uploads ----

/// A multipart case-study form, read: its text fields, the files it brought (already
/// in the blob store), and why a file was refused.
#[derive(Debug, Default)]
pub struct Upload {
    /// The text fields, in order.
    pub fields: Vec<(String, String)>,
    /// The files taken in.
    pub files: Vec<Attachment>,
    /// Why a file was not taken in, in the person's words.
    pub refused: Option<String>,
    /// Whether the form was cut short (by a refused file): the fields after it, the
    /// button pressed among them, were not read.
    pub cut: bool,
}

/// Reads the rest of a multipart form whose token was checked
/// ([`crate::security::PostedMultipart`]): text fields up to [`MAX_FORM_BYTES`] in
/// all, and each chosen file imported into the node's blob store as it arrives, at
/// most [`MAX_FILES_PER_POST`], each at most the node's largest attachment.
pub async fn read_upload(state: &AppState, t: &Tr, mut multipart: Multipart) -> Upload {
    let mut upload = Upload::default();
    let mut text_bytes = 0usize;
    let limits = ImportLimits {
        max_bytes: state.node().attachments.max_bytes,
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                upload.refused = Some(t.msg("cases-files-upload-cut"));
                upload.cut = true;
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if let Some(file_name) = field.file_name().map(str::to_owned) {
            // A file input left empty still sends a part, without a name or bytes.
            if file_name.is_empty() {
                continue;
            }
            if upload.files.len() >= MAX_FILES_PER_POST {
                upload.refused = Some(t.count("cases-files-too-many-at-once", MAX_FILES_PER_POST));
                continue;
            }
            let media_type = media_type_of(field.content_type());
            match import(state, field, limits).await {
                Ok(imported) => upload.files.push(Attachment {
                    name: safe_name(&file_name),
                    media_type,
                    size: imported.size,
                    blob: imported.blob,
                }),
                Err(error) => {
                    upload.refused = Some(import_refusal(t, &file_name, &error, limits));
                    // The rest of the form is not read: a refused file may be large.
                    upload.cut = true;
                    break;
                }
            }
            continue;
        }
        let mut value = Vec::new();
        let mut field = field;
        let mut too_long = false;
        while let Ok(Some(chunk)) = field.chunk().await {
            text_bytes += chunk.len();
            if text_bytes > MAX_FORM_BYTES {
                too_long = true;
                break;
            }
            value.extend_from_slice(&chunk);
        }
        if too_long || upload.fields.len() >= MAX_MULTIPART_FIELDS {
            upload.refused = Some(t.msg("form-too-large"));
            upload.cut = true;
            break;
        }
        upload
            .fields
            .push((name, String::from_utf8_lossy(&value).into_owned()));
    }
    upload
}

/// Why a file could not be taken in, in the person's words.
fn import_refusal(t: &Tr, file_name: &str, error: &ImportError, limits: ImportLimits) -> String {
    let name = view::excerpt(file_name, 80);
    match error {
        ImportError::Store(BlobStoreError::TooLarge { .. }) => t.with(
            "cases-files-too-large",
            &[
                ("name", ArgValue::Text(&name)),
                ("max", ArgValue::Number(limits.max_bytes / (1024 * 1024))),
            ],
        ),
        ImportError::Store(BlobStoreError::Empty) => t.text("cases-files-empty", "name", &name),
        ImportError::Store(BlobStoreError::DiskFull { .. }) => {
            t.text("cases-files-disk-full", "name", &name)
        }
        ImportError::Cut => t.msg("cases-files-upload-cut"),
        ImportError::Store(other) => t.with(
            "cases-files-failed",
            &[
                ("name", ArgValue::Text(&name)),
                ("detail", ArgValue::Text(&other.to_string())),
            ],
        ),
    }
}

/// Why an upload did not reach the blob store.
#[derive(Debug)]
enum ImportError {
    /// The blob store refused it.
    Store(BlobStoreError),
    /// The request ended before the file did.
    Cut,
}

/// A piece of an upload on its way to the blob store, or the news that the request
/// broke off (so a cut file is never taken for a whole one).
type Piece = Result<Bytes, ()>;

/// The blob store's side of an upload: what the request sends, as a `Read`.
struct ChannelReader {
    pieces: mpsc::Receiver<Piece>,
    current: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.pieces.blocking_recv() {
                Some(Ok(piece)) => self.current = piece,
                Some(Err(())) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the upload broke off",
                    ));
                }
                None => return Ok(0),
            }
        }
        let count = buffer.len().min(self.current.len());
        buffer[..count].copy_from_slice(&self.current[..count]);
        self.current = self.current.slice(count..);
        Ok(count)
    }
}

/// Streams one file part into the blob store: the request's pieces go through a
/// bounded channel to the store's import on a blocking thread, which hashes and
/// writes them and refuses the file as soon as it passes `limits`.
async fn import(
    state: &AppState,
    mut field: axum::extract::multipart::Field<'_>,
    limits: ImportLimits,
) -> Result<commons_node::blobs::ImportedBlob, ImportError> {
    let (sender, pieces) = mpsc::channel::<Piece>(UPLOAD_CHANNEL_CAPACITY);
    let blobs = state.node().blobs.clone();
    let writer = tokio::task::spawn_blocking(move || {
        blobs.import(
            ChannelReader {
                pieces,
                current: Bytes::new(),
            },
            limits,
        )
    });
    let mut broke_off = false;
    loop {
        match field.chunk().await {
            Ok(Some(piece)) => {
                // The writer stopped (a refusal): it says why below.
                if sender.send(Ok(piece)).await.is_err() {
                    break;
                }
            }
            Ok(None) => break,
            Err(_) => {
                broke_off = true;
                let _ = sender.send(Err(())).await;
                break;
            }
        }
    }
    drop(sender);
    let imported = writer.await.map_err(|_| ImportError::Cut)?;
    match imported {
        Ok(imported) if !broke_off => Ok(imported),
        Ok(_) => Err(ImportError::Cut),
        Err(BlobStoreError::Read(_)) => Err(ImportError::Cut),
        Err(error) => Err(ImportError::Store(error)),
    }
}

/// A file name the protocol accepts: the browser's, without any folder, control
/// characters or surrounding spaces, shortened if needed; "file" if nothing is left.
pub fn safe_name(given: &str) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or(given);
    let mut name: String = base.chars().filter(|c| !c.is_control()).collect();
    name = name.trim().to_owned();
    while name.len() > commons_protocol::record::MAX_ATTACHMENT_NAME_BYTES {
        // Keep the extension: cut from the stem.
        let cut = match name.rfind('.') {
            Some(dot) if dot > 0 && name.len() - dot <= 16 => dot - 1,
            _ => name.len() - 1,
        };
        let mut at = cut;
        while !name.is_char_boundary(at) {
            at -= 1;
        }
        name.remove(at);
    }
    if is_safe_file_name(&name) {
        name
    } else {
        "file".to_owned()
    }
}

/// The media type a browser gave a file, if the protocol accepts it (lowercase,
/// without parameters), else [`UNKNOWN_MEDIA_TYPE`].
pub fn media_type_of(given: Option<&str>) -> String {
    let media_type = given
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if is_media_type(&media_type) {
        media_type
    } else {
        UNKNOWN_MEDIA_TYPE.to_owned()
    }
}

/// `name`, or `name` with " (2)", " (3)"… before its extension, so that no two files
/// of one case study share a name (the protocol refuses that).
pub fn unique_name(name: &str, taken: &[Attachment]) -> String {
    if !taken.iter().any(|file| file.name == name) {
        return name.to_owned();
    }
    let (stem, extension) = match name.rfind('.') {
        Some(dot) if dot > 0 => (&name[..dot], &name[dot..]),
        _ => (name, ""),
    };
    (2..=MAX_ATTACHMENTS + 1)
        .map(|n| format!("{stem} ({n}){extension}"))
        .find(|candidate| !taken.iter().any(|file| file.name == *candidate))
        .unwrap_or_else(|| name.to_owned())
}

/// A file as the form carries it between posts: `blob size media-type name`.
pub fn form_value(file: &Attachment) -> String {
    format!(
        "{} {} {} {}",
        file.blob, file.size, file.media_type, file.name
    )
}

/// A file from the form's hidden field, if it reads as one.
pub fn parse_form_value(value: &str) -> Option<Attachment> {
    let mut parts = value.splitn(4, ' ');
    let blob: BlobId = parts.next()?.parse().ok()?;
    let size: u64 = parts.next()?.parse().ok()?;
    let media_type = parts.next()?.to_owned();
    let name = parts.next()?.to_owned();
    (is_media_type(&media_type) && is_safe_file_name(&name) && size > 0).then_some(Attachment {
        name,
        media_type,
        size,
        blob,
    })
}

// ---- reading ----

/// A file of a case study, as its page lists it.
#[derive(Debug, Clone)]
pub struct FileView {
    /// Its name.
    pub name: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in words ("2.4 MB").
    pub size: String,
    /// Where it downloads from, when it is here.
    pub href: Option<String>,
    /// Where it shows inline from, for an image that is here.
    pub image: Option<String>,
    /// How far its fetch has got, in whole percent, while it is being fetched.
    pub fetching: Option<u32>,
    /// Where its Fetch button posts, for a file not here and not being fetched.
    pub fetch_action: Option<String>,
    /// Whether it is larger than the node fetches by itself.
    pub large: bool,
}

/// A size in words: bytes, KB or MB (decimal tenths where they help).
pub fn size_text(t: &Tr, size: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if size < KB {
        t.count("cases-files-bytes", size)
    } else if size < MB {
        t.count("cases-files-kb", size.div_ceil(KB))
    } else {
        let tenths = (size * 10).div_ceil(MB);
        t.with(
            "cases-files-mb",
            &[
                ("whole", ArgValue::Number(tenths / 10)),
                ("tenth", ArgValue::Number(tenths % 10)),
            ],
        )
    }
}

/// The files of case study `case` as its page lists them: here (a download link, and
/// an image shown inline), being fetched (how far), or not here (a Fetch button).
pub async fn file_views(
    state: &AppState,
    t: &Tr,
    case: &RecordId,
    files: &[Attachment],
) -> Vec<FileView> {
    let blobs = state.node().blobs.clone();
    let wanted: Vec<BlobId> = files.iter().map(|file| file.blob).collect();
    let held: Vec<bool> =
        tokio::task::spawn_blocking(move || wanted.iter().map(|blob| blobs.has(blob)).collect())
            .await
            .unwrap_or_else(|_| vec![false; files.len()]);
    let auto_fetch = state.node().attachments.auto_fetch_max_bytes;
    let mut views = Vec::with_capacity(files.len());
    for (file, here) in files.iter().zip(held) {
        let base = format!("/cases/{case}/files/{}", file.blob);
        let mut view = FileView {
            name: file.name.clone(),
            media_type: file.media_type.clone(),
            size: size_text(t, file.size),
            href: None,
            image: None,
            fetching: None,
            fetch_action: None,
            large: file.size > auto_fetch,
        };
        if here {
            view.href = Some(base.clone());
            if INLINE_IMAGE_TYPES.contains(&file.media_type.as_str()) {
                view.image = Some(format!("{base}/view"));
            }
        } else {
            let mut progress = match state.network() {
                Some(network) => network.fetch_progress(file.blob).await.ok().flatten(),
                None => None,
            };
            if progress.is_none() {
                // A fetch stopped partway (the node restarted) resumes from disk.
                let blobs = state.node().blobs.clone();
                let blob = file.blob;
                progress = tokio::task::spawn_blocking(move || blobs.fetch_progress(&blob))
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .flatten()
                    .map(|progress| (progress.held_bytes, progress.size));
            }
            match progress {
                Some((held_bytes, size)) => {
                    let size = if size == 0 { file.size } else { size };
                    let percent = (u128::from(held_bytes) * 100)
                        .checked_div(u128::from(size))
                        .unwrap_or(0)
                        .min(99);
                    view.fetching = Some(u32::try_from(percent).unwrap_or(99));
                }
                None => view.fetch_action = Some(format!("{base}/fetch")),
            }
        }
        views.push(view);
    }
    views
}

/// The file `blob` if a version of case study `case` names it.
async fn file_of(
    state: &AppState,
    case: &str,
    blob: &str,
) -> Result<Option<(RecordId, Attachment)>, commons_node::store::StoreError> {
    let (Ok(case), Ok(blob)) = (
        case.trim().parse::<RecordId>(),
        blob.trim().parse::<BlobId>(),
    ) else {
        return Ok(None);
    };
    state
        .read(move |store| {
            let Some(versions) = view::read_versions(store, &case)? else {
                return Ok(None);
            };
            // The newest version's name for the file first.
            let mut all: Vec<_> = versions.all().collect();
            all.reverse();
            Ok(all.into_iter().find_map(|stored| {
                view::content_of(stored)
                    .attachments()
                    .iter()
                    .find(|file| file.blob == blob)
                    .cloned()
                    .map(|file| (case, file))
            }))
        })
        .await
}

/// A `Content-Disposition` value naming `name`: an ASCII fallback and the UTF-8 name
/// (RFC 6266, RFC 8187).
pub fn disposition(kind: &str, name: &str) -> String {
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
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// Whether `head`, a file's first bytes, starts as an image of `media_type` does.
pub fn looks_like(media_type: &str, head: &[u8]) -> bool {
    match media_type {
        "image/png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => head.starts_with(&[0xff, 0xd8, 0xff]),
        "image/gif" => head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a"),
        "image/webp" => head.len() >= 12 && head.starts_with(b"RIFF") && &head[8..12] == b"WEBP",
        _ => false,
    }
}

/// How a file is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Serve {
    /// To be saved.
    Download,
    /// Shown in the page: images of [`INLINE_IMAGE_TYPES`] only.
    Inline,
}

async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path((case, blob)): Path<(String, String)>,
) -> Response {
    serve(&state, &staff, &case, &blob, Serve::Download).await
}

async fn view_inline(
    State(state): State<AppState>,
    staff: Staff,
    Path((case, blob)): Path<(String, String)>,
) -> Response {
    serve(&state, &staff, &case, &blob, Serve::Inline).await
}

async fn serve(state: &AppState, staff: &Staff, case: &str, blob: &str, how: Serve) -> Response {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Cases, t.msg("cases-title"));
    let file = match file_of(state, case, blob).await {
        Ok(Some(found)) => found,
        Ok(None) => return layout.not_found().into_response(),
        Err(error) => return layout.store_failure(&error).into_response(),
    };
    let (case, file) = file;
    if how == Serve::Inline && !INLINE_IMAGE_TYPES.contains(&file.media_type.as_str()) {
        return layout.not_found().into_response();
    }
    let blobs = state.node().blobs.clone();
    let wanted = file.blob;
    let opened = tokio::task::spawn_blocking(move || -> Result<_, BlobStoreError> {
        let Some(mut reader) = blobs.open_read(&wanted)? else {
            return Ok(None);
        };
        let size = reader.metadata().map_err(BlobStoreError::Read)?.len();
        let mut head = [0u8; 12];
        let mut read = 0;
        while read < head.len() {
            match reader.read(&mut head[read..]) {
                Ok(0) => break,
                Ok(count) => read += count,
                Err(error) => return Err(BlobStoreError::Read(error)),
            }
        }
        Ok(Some((reader, size, head[..read].to_vec())))
    })
    .await;
    let (reader, size, head) = match opened {
        Ok(Ok(Some(opened))) => opened,
        Ok(Ok(None)) => {
            // Named by the case study but not here (yet): its page says how far the
            // fetch has got.
            return Redirect::to(&format!("/cases/{case}#files")).into_response();
        }
        Ok(Err(error)) => {
            tracing::warn!(%error, blob = %file.blob, "an attachment could not be read");
            let message = t.msg("cases-files-unreadable");
            return layout
                .failure(StatusCode::INTERNAL_SERVER_ERROR, message)
                .into_response();
        }
        Err(_) => {
            let message = t.msg("cases-files-unreadable");
            return layout
                .failure(StatusCode::INTERNAL_SERVER_ERROR, message)
                .into_response();
        }
    };
    if how == Serve::Inline && !looks_like(&file.media_type, &head) {
        // An image whose bytes say otherwise is not shown; it can still be downloaded.
        return layout.not_found().into_response();
    }
    let body = HttpBody::from_stream(stream_file(reader, head));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    let content_type = match how {
        Serve::Inline => file.media_type.as_str(),
        Serve::Download if is_media_type(&file.media_type) => file.media_type.as_str(),
        Serve::Download => UNKNOWN_MEDIA_TYPE,
    };
    let kind = match how {
        Serve::Inline => "inline",
        Serve::Download => "attachment",
    };
    let values = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).ok(),
        ),
        (
            header::CONTENT_LENGTH,
            HeaderValue::from_str(&size.to_string()).ok(),
        ),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition(kind, &file.name)).ok(),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            Some(HeaderValue::from_static("nosniff")),
        ),
        // The bytes of an id never change; the browser may keep them for this session.
        (
            header::CACHE_CONTROL,
            Some(HeaderValue::from_static("private, max-age=3600")),
        ),
    ];
    for (name, value) in values {
        if let Some(value) = value {
            headers.insert(name, value);
        }
    }
    response
}

/// A file's bytes as a stream: read on a blocking thread, `head` (already read) first,
/// through a bounded channel, so a slow browser holds at most
/// [`DOWNLOAD_CHANNEL_CAPACITY`] pieces in memory.
fn stream_file(
    mut reader: std::fs::File,
    head: Vec<u8>,
) -> tokio_stream::wrappers::ReceiverStream<Result<Bytes, std::io::Error>> {
    let (sender, receiver) = mpsc::channel(DOWNLOAD_CHANNEL_CAPACITY);
    tokio::task::spawn_blocking(move || {
        if !head.is_empty() && sender.blocking_send(Ok(Bytes::from(head))).is_err() {
            return;
        }
        loop {
            let mut buffer = vec![0u8; DOWNLOAD_CHUNK_BYTES];
            match reader.read(&mut buffer) {
                Ok(0) => return,
                Ok(count) => {
                    buffer.truncate(count);
                    // The browser went away: stop reading.
                    if sender.blocking_send(Ok(Bytes::from(buffer))).is_err() {
                        return;
                    }
                }
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
                Err(error) => {
                    let _ = sender.blocking_send(Err(error));
                    return;
                }
            }
        }
    });
    tokio_stream::wrappers::ReceiverStream::new(receiver)
}

#[derive(Debug, Default, Deserialize)]
struct FetchForm {}

/// `POST /cases/{id}/files/{blob}/fetch`: asks the network for a file the case study
/// names (one above the automatic fetch size, or one still waiting for a peer).
async fn fetch(
    State(state): State<AppState>,
    Path((case, blob)): Path<(String, String)>,
    Posted { staff, .. }: Posted<FetchForm>,
) -> Response {
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Cases, t.msg("cases-title"));
    let (case, file) = match file_of(&state, &case, &blob).await {
        Ok(Some(found)) => found,
        Ok(None) => return layout.not_found().into_response(),
        Err(error) => return layout.store_failure(&error).into_response(),
    };
    let Some(network) = state.network() else {
        let message = t.msg("cases-files-no-network");
        return layout
            .failure(StatusCode::SERVICE_UNAVAILABLE, message)
            .into_response();
    };
    match network.fetch_attachment(file.blob).await {
        Ok(()) => Redirect::to(&format!("/cases/{case}?done=fetching#files")).into_response(),
        Err(error) => {
            let message = t.text("cases-files-fetch-failed", "detail", &error.to_string());
            layout
                .failure(StatusCode::SERVICE_UNAVAILABLE, message)
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_folders_and_control_characters() {
        assert_eq!(safe_name("C:\\Users\\ana\\report.pdf"), "report.pdf");
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name(" photo\u{7}.jpg "), "photo.jpg");
        assert_eq!(safe_name(".."), "file");
        assert_eq!(safe_name(""), "file");
        let long = format!("{}.pdf", "a".repeat(400));
        let cut = safe_name(&long);
        assert!(cut.len() <= commons_protocol::record::MAX_ATTACHMENT_NAME_BYTES);
        assert!(cut.ends_with(".pdf"));
    }

    #[test]
    fn media_types_are_taken_only_as_the_protocol_writes_them() {
        assert_eq!(media_type_of(Some("image/PNG")), "image/png");
        assert_eq!(
            media_type_of(Some("text/plain; charset=utf-8")),
            "text/plain"
        );
        assert_eq!(media_type_of(Some("not a type")), UNKNOWN_MEDIA_TYPE);
        assert_eq!(media_type_of(None), UNKNOWN_MEDIA_TYPE);
    }

    #[test]
    fn form_values_round_trip() {
        let file = Attachment {
            name: "survey results 2024.ods".to_owned(),
            media_type: "application/vnd.oasis.opendocument.spreadsheet".to_owned(),
            size: 12_345,
            blob: BlobId::from_bytes([7; 32]),
        };
        assert_eq!(parse_form_value(&form_value(&file)), Some(file));
        assert_eq!(parse_form_value("blob_zz 1 a/b x"), None);
        assert_eq!(parse_form_value(""), None);
    }

    #[test]
    fn names_are_made_unique() {
        let taken = vec![Attachment {
            name: "photo.jpg".to_owned(),
            media_type: "image/jpeg".to_owned(),
            size: 1,
            blob: BlobId::from_bytes([1; 32]),
        }];
        assert_eq!(unique_name("photo.jpg", &taken), "photo (2).jpg");
        assert_eq!(unique_name("other.jpg", &taken), "other.jpg");
    }

    #[test]
    fn images_must_start_as_their_type_says() {
        assert!(looks_like("image/png", b"\x89PNG\r\n\x1a\n...."));
        assert!(!looks_like("image/png", b"<svg onload=alert(1)>"));
        assert!(looks_like("image/gif", b"GIF89a......"));
        assert!(looks_like("image/webp", b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!looks_like("image/svg+xml", b"<svg"));
    }

    #[test]
    fn dispositions_carry_an_ascii_and_a_utf8_name() {
        assert_eq!(
            disposition("attachment", "informe final.pdf"),
            "attachment; filename=\"informe final.pdf\"; filename*=UTF-8''informe%20final.pdf"
        );
        assert_eq!(
            disposition("attachment", "تقرير\".pdf"),
            "attachment; filename=\"______.pdf\"; filename*=UTF-8''%D8%AA%D9%82%D8%B1%D9%8A%D8%B1%22.pdf"
        );
    }
}
