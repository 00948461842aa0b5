//! Attachments in the web app against a real node: a file uploaded on the case-study
//! form (multipart, its CSRF token checked first) goes into the node's blob store, is
//! listed on the form to keep or remove, is published with the case study and
//! downloads byte for byte; an edit keeps the files unless one is removed; images show
//! inline only when their bytes are an image; a file too large is refused with words;
//! nothing is served without a session; a file not here yet says how far its fetch has
//! got or offers to fetch it.
#![allow(clippy::unwrap_used)]

mod common;

use common::{App, Page};
use commons_protocol::blob::chunk_list_of;
use commons_protocol::{Attachment, BlobId, Body, Practice, RecordId, Revised, Visibility};
use reqwest::StatusCode;
use reqwest::header;

/// One part of a multipart form.
enum Part<'a> {
    Text(&'a str, &'a str),
    File {
        field: &'a str,
        file_name: &'a str,
        media_type: &'a str,
        bytes: &'a [u8],
    },
}

const BOUNDARY: &str = "----commons-test-boundary-7MA4YWxkTrZu0gW";

/// `parts` as a multipart/form-data body, as a browser sends the form.
fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Text(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
                );
                body.extend_from_slice(value.as_bytes());
            }
            Part::File {
                field,
                file_name,
                media_type,
                bytes,
            } => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: {media_type}\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
            }
        }
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// `POST path` with a multipart body, as the app's own form would send it.
async fn post_multipart(app: &App, path: &str, cookie: &str, parts: &[Part<'_>]) -> Page {
    let request = app
        .client
        .post(format!("{}{path}", app.base))
        .header(header::COOKIE, cookie)
        .header(header::ORIGIN, &app.base)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(parts));
    App::page(request.send().await.unwrap()).await
}

/// `GET path` as bytes, with its headers.
async fn get_bytes(
    app: &App,
    path: &str,
    cookie: Option<&str>,
) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let mut request = app.client.get(format!("{}{path}", app.base));
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// A file's bytes that no two tests share: a report of `len` bytes.
fn report_bytes(len: usize, seed: u8) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut state = u32::from(seed) * 7919 + 1;
    while bytes.len() < len {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        bytes.push((state >> 16) as u8);
    }
    bytes
}

/// The smallest PNG: one transparent pixel.
const PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

/// The case-study form's text fields, in the form's order, with `action` last.
fn case_fields<'a>(csrf: &'a str, title: &'a str, visibility: &'a str) -> Vec<Part<'a>> {
    vec![
        Part::Text("csrf", csrf),
        Part::Text("title", title),
        Part::Text("summary", "What the paralegals wrote down."),
        Part::Text("body", "Paralegals took statements from every family."),
        Part::Text("themes_other", "land"),
        Part::Text("regions_other", "Mekong"),
        Part::Text("language", "en"),
        Part::Text("licence", "CC-BY-4.0"),
        Part::Text("links", ""),
        Part::Text("visibility", visibility),
        Part::Text("files_listed", "1"),
    ]
}

/// The record id a publish redirected to.
fn published_id(page: &Page) -> RecordId {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let location = page.location().expect("a redirect");
    let rest = location.strip_prefix("/cases/").expect("to the case study");
    rest.split_once('?').unwrap().0.parse().unwrap()
}

/// The files of the case study version the store holds as `id`.
fn files_of(app: &App, id: &RecordId) -> Vec<Attachment> {
    let stored = app.handle.store.record(id).unwrap().expect("stored");
    stored.record.record().body.attachments().to_vec()
}

/// The hidden `file` fields of a form page, entities undone.
fn listed_files(page: &Page) -> Vec<String> {
    page.body
        .match_indices(r#"name="file" value=""#)
        .map(|(at, pattern)| {
            let rest = &page.body[at + pattern.len()..];
            rest[..rest.find('"').unwrap()]
                .replace("&#32;", " ")
                .replace("&#x20;", " ")
                .replace("&#x2f;", "/")
                .replace("&#47;", "/")
        })
        .collect()
}

#[tokio::test]
async fn a_file_uploaded_with_a_case_study_downloads_byte_for_byte() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let report = report_bytes(600 * 1024, 1);

    let mut parts = case_fields(&csrf, "Statements from the river villages", "members");
    parts.push(Part::File {
        field: "upload",
        file_name: "statements 2025.pdf",
        media_type: "application/pdf",
        bytes: &report,
    });
    parts.push(Part::Text("action", "publish"));
    let done = post_multipart(&app, "/cases/new", &session, &parts).await;
    let id = published_id(&done);

    let files = files_of(&app, &id);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "statements 2025.pdf");
    assert_eq!(files[0].media_type, "application/pdf");
    assert_eq!(files[0].size, report.len() as u64);
    assert_eq!(files[0].blob, chunk_list_of(&report).unwrap().root());
    assert!(
        app.handle.blobs.has(&files[0].blob),
        "in the node's blob store"
    );

    let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
    assert_eq!(page.status, StatusCode::OK);
    let href = format!("/cases/{id}/files/{}", files[0].blob);
    assert!(
        page.body.contains(&format!(r#"href="{href}""#)),
        "{}",
        page.body
    );
    assert!(page.body.contains("statements 2025.pdf"));
    assert!(page.body.contains("application/pdf · 600 KB"));
    assert!(
        !page.body.contains(r#"<img src="/cases/"#),
        "a PDF is not shown inline"
    );

    let (status, headers, bytes) = get_bytes(&app, &href, Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, report, "the same bytes");
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"statements 2025.pdf\"; filename*=UTF-8''statements%202025.pdf"
    );
    assert_eq!(headers[header::CONTENT_LENGTH], report.len().to_string());

    // A members-only case study's file: not without a session.
    let (status, headers, bytes) = get_bytes(&app, &href, None).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(headers[header::LOCATION], "/welcome");
    assert!(bytes.len() < 1024 && !bytes.starts_with(b"%PDF"));
    // Nor a blob the case study does not name, nor one under another case study.
    let other = BlobId::from_bytes([9; 32]);
    let (status, _, _) =
        get_bytes(&app, &format!("/cases/{id}/files/{other}"), Some(&session)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn files_are_listed_on_the_form_and_can_be_removed_before_publishing() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let first = report_bytes(10_000, 2);
    let second = report_bytes(20_000, 3);

    let mut parts = case_fields(&csrf, "Two reports", "members");
    parts.push(Part::File {
        field: "upload",
        file_name: "first.pdf",
        media_type: "application/pdf",
        bytes: &first,
    });
    parts.push(Part::File {
        field: "upload",
        file_name: "C:\\Users\\field\\second.pdf",
        media_type: "application/pdf",
        bytes: &second,
    });
    parts.push(Part::Text("action", "attach"));
    let form = post_multipart(&app, "/cases/new", &session, &parts).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let listed = listed_files(&form);
    assert_eq!(listed.len(), 2, "both listed: {listed:?}");
    assert!(form.body.contains("first.pdf") && form.body.contains("second.pdf"));
    assert!(!form.body.contains("Users"), "no folder kept");
    assert_eq!(
        app.handle.store.stats().unwrap().records,
        4,
        "nothing published by an upload (the four delegations only)"
    );

    // Remove the first, publish with the second, as the listed form sends it.
    let first_blob = chunk_list_of(&first).unwrap().root().to_string();
    let mut parts = case_fields(&csrf, "Two reports", "members");
    for value in &listed {
        parts.push(Part::Text("file", value));
    }
    parts.push(Part::Text("remove", &first_blob));
    parts.push(Part::Text("action", "publish"));
    let done = post_multipart(&app, "/cases/new", &session, &parts).await;
    let id = published_id(&done);
    let files = files_of(&app, &id);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name, "second.pdf");

    // A listed file the node does not hold (a forged field) is dropped, not published.
    let forged = format!(
        "{} 100 application/pdf forged.pdf",
        BlobId::from_bytes([3; 32])
    );
    let mut parts = case_fields(&csrf, "Forged", "members");
    parts.push(Part::Text("file", &forged));
    parts.push(Part::Text("action", "publish"));
    let done = post_multipart(&app, "/cases/new", &session, &parts).await;
    let id = published_id(&done);
    assert!(files_of(&app, &id).is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_multipart_form_without_its_token_first_takes_in_nothing() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let bytes = report_bytes(5_000, 4);
    let file = Part::File {
        field: "upload",
        file_name: "planted.pdf",
        media_type: "application/pdf",
        bytes: &bytes,
    };
    let blob = chunk_list_of(&bytes).unwrap().root();

    // No token.
    let page = post_multipart(&app, "/cases/new", &session, &[Part::Text("title", "x")]).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // A wrong token.
    let page = post_multipart(
        &app,
        "/cases/new",
        &session,
        &[Part::Text("csrf", "not the token"), file],
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // The right token, but after the file: the file would be read first.
    let file = Part::File {
        field: "upload",
        file_name: "planted.pdf",
        media_type: "application/pdf",
        bytes: &bytes,
    };
    let page = post_multipart(
        &app,
        "/cases/new",
        &session,
        &[file, Part::Text("csrf", &csrf)],
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!app.handle.blobs.has(&blob), "no byte of it was kept");
    // More short fields before the token than a button outside the form explains.
    let page = post_multipart(
        &app,
        "/cases/new",
        &session,
        &[
            Part::Text("a", "1"),
            Part::Text("b", "2"),
            Part::Text("c", "3"),
            Part::Text("d", "4"),
            Part::Text("e", "5"),
            Part::Text("csrf", &csrf),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    app.stop().await;
}

/// The preview's "Publish" button sits above the form (`form="cases-form"`), so the
/// browser sends its field before the token: the case study is published.
#[tokio::test]
async fn the_publish_button_outside_the_form_comes_first_and_publishes() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let mut parts = vec![Part::Text("action", "publish")];
    parts.extend(case_fields(
        &csrf,
        "Statements taken at the river settlements",
        "members",
    ));
    let done = post_multipart(&app, "/cases/new", &session, &parts).await;
    let id = published_id(&done);
    assert!(app.handle.store.record(&id).unwrap().is_some());
    app.stop().await;
}

#[tokio::test]
async fn a_file_larger_than_the_limit_is_refused_in_words() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let max = app.handle.attachments.max_bytes;
    let big = vec![7u8; usize::try_from(max).unwrap() + 1];

    let mut parts = case_fields(&csrf, "Too big", "members");
    parts.push(Part::File {
        field: "upload",
        file_name: "video.mp4",
        media_type: "video/mp4",
        bytes: &big,
    });
    parts.push(Part::Text("action", "publish"));
    let page = post_multipart(&app, "/cases/new", &session, &parts).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    let mib = max / (1024 * 1024);
    assert!(
        page.body.contains(&format!("is larger than {mib} MB")),
        "{}",
        page.body
    );
    assert!(page.body.contains("Too big"), "what was written is kept");
    assert_eq!(
        app.handle.store.stats().unwrap().records,
        4,
        "nothing published"
    );
    assert!(app.handle.blobs.list().unwrap().is_empty(), "nothing kept");
    app.stop().await;
}

#[tokio::test]
async fn an_image_is_shown_inline_only_when_its_bytes_are_an_image() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let fake = b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec();

    let mut parts = case_fields(&csrf, "A photo of the meeting", "public");
    parts.push(Part::File {
        field: "upload",
        file_name: "meeting.png",
        media_type: "image/png",
        bytes: PIXEL_PNG,
    });
    parts.push(Part::File {
        field: "upload",
        file_name: "not-a-picture.png",
        media_type: "image/png",
        bytes: &fake,
    });
    parts.push(Part::Text("action", "publish"));
    let done = post_multipart(&app, "/cases/new", &session, &parts).await;
    let id = published_id(&done);
    let png = chunk_list_of(PIXEL_PNG).unwrap().root();
    let svg = chunk_list_of(&fake).unwrap().root();

    let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
    let src = format!("/cases/{id}/files/{png}/view");
    assert!(
        page.body
            .contains(&format!(r#"<img src="{src}" alt="meeting.png""#)),
        "{}",
        page.body
    );
    let policy = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(policy.contains("img-src 'self';"), "{policy}");
    assert!(
        !policy.contains("img-src 'self' "),
        "nothing more than the app itself"
    );

    let (status, headers, bytes) = get_bytes(&app, &src, Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PIXEL_PNG);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );

    // Bytes that are not a PNG are not shown as one, though they can be downloaded.
    let (status, _, _) = get_bytes(
        &app,
        &format!("/cases/{id}/files/{svg}/view"),
        Some(&session),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, headers, _) =
        get_bytes(&app, &format!("/cases/{id}/files/{svg}"), Some(&session)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    app.stop().await;
}

#[tokio::test]
async fn an_edit_keeps_the_files_unless_one_is_removed() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let report = report_bytes(30_000, 5);
    let mut parts = case_fields(&csrf, "Evidence kept", "members");
    parts.push(Part::File {
        field: "upload",
        file_name: "evidence.pdf",
        media_type: "application/pdf",
        bytes: &report,
    });
    parts.push(Part::Text("action", "publish"));
    let id = published_id(&post_multipart(&app, "/cases/new", &session, &parts).await);

    let form = app.get(&format!("/cases/{id}/edit"), Some(&session)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains(r#"enctype="multipart/form-data""#));
    let listed = listed_files(&form);
    assert_eq!(listed.len(), 1, "the file is listed on the edit form");

    // A new title, the file kept.
    let mut parts = case_fields(&csrf, "Evidence kept, corrected", "members");
    parts.push(Part::Text("file", &listed[0]));
    parts.push(Part::Text("action", "publish"));
    let done = post_multipart(&app, &format!("/cases/{id}/edit"), &session, &parts).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let revision = app.handle.store.referring(&id, None, 10).unwrap().remove(0);
    let Body::Revision(revision) = &revision.record.record().body else {
        panic!("a revision");
    };
    let Revised::Practice(Practice { attachments, .. }) = &revision.content else {
        panic!("of a case study");
    };
    assert_eq!(attachments, &files_of(&app, &id), "the same file kept");

    // The file removed in a further edit.
    let blob = attachments[0].blob.to_string();
    let mut parts = case_fields(&csrf, "Evidence kept, corrected", "members");
    parts.push(Part::Text("file", &listed[0]));
    parts.push(Part::Text("remove", &blob));
    parts.push(Part::Text("action", "publish"));
    let done = post_multipart(&app, &format!("/cases/{id}/edit"), &session, &parts).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let page = app.get(&format!("/cases/{id}"), Some(&session)).await;
    assert!(!page.body.contains("evidence.pdf"), "no longer listed");
    let history = app
        .get(&format!("/cases/{id}/history"), Some(&session))
        .await;
    assert!(history.body.contains("<dt>Files</dt>"));
    assert!(
        history
            .body
            .contains("Removed: </span><bdi>evidence.pdf</bdi></del>")
    );
    app.stop().await;
}

#[tokio::test]
async fn a_file_not_here_yet_offers_a_fetch_or_says_how_far_it_got() {
    let mut app = App::start().await;
    let small = report_bytes(3 * 256 * 1024 + 10, 6);
    let small_list = chunk_list_of(&small).unwrap();
    let large_size = app.handle.attachments.auto_fetch_max_bytes + 1;
    let large_blob = BlobId::from_bytes([0x44; 32]);
    let files = vec![
        Attachment {
            name: "hearing.pdf".to_owned(),
            media_type: "application/pdf".to_owned(),
            size: small.len() as u64,
            blob: small_list.root(),
        },
        Attachment {
            name: "hearing-video.mp4".to_owned(),
            media_type: "video/mp4".to_owned(),
            size: large_size,
            blob: large_blob,
        },
    ];
    let theirs = app
        .receive(
            1,
            Body::Practice(Practice {
                title: "The hearing".to_owned(),
                summary: String::new(),
                body: "The court heard the families.".to_owned(),
                themes: Vec::new(),
                regions: Vec::new(),
                language: "en".to_owned(),
                licence: "CC-BY-4.0".to_owned(),
                links: Vec::new(),
                visibility: Visibility::Members,
                attachments: files,
            }),
            commons_web::view::now_ms() - 60_000,
        )
        .await
        .id();
    // Two of the small file's four chunks arrived before the fetch stopped.
    let partial = app
        .handle
        .blobs
        .begin_fetch(&small_list.root(), small_list.clone())
        .unwrap();
    for index in 0..2u32 {
        let range = small_list.range(index).unwrap();
        partial
            .write_chunk(index, &small[range.start as usize..range.end as usize])
            .unwrap();
    }
    drop(partial);

    let session = app.login().await;
    let page = app.get(&format!("/cases/{theirs}"), Some(&session)).await;
    assert_eq!(page.status, StatusCode::OK);
    let percent = 2 * 256 * 1024 * 100 / small.len();
    assert!(
        page.body.contains(&format!("fetching {percent}%")),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("it is large, so it is fetched only when someone asks")
    );
    let fetch = format!("/cases/{theirs}/files/{large_blob}/fetch");
    assert!(page.body.contains(&format!(r#"action="{fetch}""#)));
    assert!(
        !page
            .body
            .contains(&format!(r#"href="/cases/{theirs}/files/{large_blob}""#)),
        "no download link for a file not here"
    );
    // Without a network (this harness runs none) the fetch says so.
    let csrf = app.csrf(&session).await;
    let answer = app.post(&fetch, &session, &[("csrf", &csrf)]).await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(answer.body.contains("not connected to the network"));
    // And a download of a file not here leads back to its page.
    let (status, headers, _) = get_bytes(
        &app,
        &format!("/cases/{theirs}/files/{large_blob}"),
        Some(&session),
    )
    .await;
    assert!(status.is_redirection());
    assert_eq!(headers[header::LOCATION], format!("/cases/{theirs}#files"));
    app.stop().await;
}

/// A case study written to a working group cannot carry files yet (their bytes would
/// travel and be stored in clear): the form says so and nothing is published.
#[tokio::test]
async fn a_file_is_refused_for_a_working_group() {
    let app = App::start().await;
    let session = app.login().await;
    let csrf = app.csrf(&session).await;
    let group = app
        .handle
        .publisher
        .publish(Body::GroupFounding(
            commons_protocol::fixtures::sample_group_founding(),
        ))
        .await
        .unwrap();
    let audience = format!("group:{}", group.id);
    let report = report_bytes(10 * 1024, 3);
    let mut parts = case_fields(&csrf, "Hearing files", &audience);
    parts.push(Part::File {
        field: "upload",
        file_name: "witness list.pdf",
        media_type: "application/pdf",
        bytes: &report,
    });
    parts.push(Part::Text("action", "publish"));
    let refused = post_multipart(&app, "/cases/new", &session, &parts).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("Files cannot go to a working group yet"),
        "{}",
        refused.body
    );
    let stored = app.handle.store.stats().unwrap();
    for kind in [
        commons_protocol::BodyKind::Practice,
        commons_protocol::BodyKind::GroupRecord,
    ] {
        assert!(
            commons_node::groups::all_of_kind(app.handle.store.as_ref(), kind)
                .unwrap()
                .is_empty(),
            "nothing published: {stored:?}"
        );
    }
    app.stop().await;
}
