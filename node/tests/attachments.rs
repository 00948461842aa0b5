//! Attachments on one node, over the real control API: a node started in process on a
//! memory store with a real blob store in a temporary directory (or on a small tmpfs
//! for the full disk), the API on `127.0.0.1:0`, keys from the fixtures' fixed seeds.
//! Uploads and their limits, downloads and their headers, each file's state, the
//! per-org total, a full disk, a partial file never served, and retractions deleting
//! the bytes (published here, or heard from a peer).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::served::{TOKEN, answer};
use common::{Net, net, wait_within};

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use commons_node::blobs::BlobStore;
use commons_node::config::AttachmentPolicy;
use commons_node::ingest::{IngestSettings, Source};
use commons_node::store::MemoryStore;
use commons_node::{Node, NodeHandle, api};
use commons_protocol::blob::chunk_list_of;
use commons_protocol::fixtures::{BASE_TIME_MS, sample_practice};
use commons_protocol::{Attachment, BlobId, Body, CHUNK_BYTES, Retraction, Visibility};
use reqwest::{Client, RequestBuilder};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long anything that should happen at once may take.
const DEADLINE: Duration = Duration::from_secs(20);
const MIB: u64 = 1024 * 1024;

/// A node whose API is served on loopback, its blob store in `dir`.
struct Served {
    net: Net,
    base: String,
    client: Client,
    handle: NodeHandle,
    node: Node,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
    _dir: Option<TempDir>,
}

impl Served {
    async fn start(policy: AttachmentPolicy) -> Served {
        let dir = tempfile::tempdir().unwrap();
        let mut served = Self::start_in(&dir.path().join("blobs"), policy).await;
        served._dir = Some(dir);
        served
    }

    async fn start_in(blobs_dir: &Path, policy: AttachmentPolicy) -> Served {
        let net = net(3);
        let blobs = BlobStore::open_with_reserve(blobs_dir, policy.disk_reserve_bytes).unwrap();
        let mut node = Node::start_with_blobs(
            Arc::new(MemoryStore::new()),
            blobs,
            net.charter.charter().clone(),
            net.orgs[0].device.clone(),
            net.orgs[0].id(),
            net.delegations[0].signed_bytes(),
            IngestSettings::default(),
        )
        .await
        .unwrap();
        node.set_attachment_policy(policy);
        let handle = node.handle();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(api::serve(
            listener,
            handle.clone(),
            None,
            TOKEN.to_owned(),
            None,
            async move {
                let _ = stopped.await;
            },
        ));
        Served {
            net,
            base,
            client: Client::new(),
            handle,
            node,
            stop,
            server,
            _dir: None,
        }
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(DEADLINE, self.server)
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        drop(self.handle);
        self.node.shutdown().await;
    }

    fn blobs(&self) -> &BlobStore {
        &self.handle.blobs
    }

    fn get(&self, path: &str) -> RequestBuilder {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
    }

    fn post(&self, path: &str) -> RequestBuilder {
        self.client
            .post(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
    }

    async fn get_json(&self, path: &str) -> (u16, Value) {
        answer(self.get(path).send().await.unwrap()).await
    }

    async fn post_json(&self, path: &str, body: Value) -> (u16, Value) {
        answer(self.post(path).json(&body).send().await.unwrap()).await
    }

    async fn upload(&self, name: &str, media_type: &str, bytes: Vec<u8>) -> (u16, Value) {
        let query = format!(
            "/v1/attachments?name={}&type={}",
            urlencode(name),
            urlencode(media_type)
        );
        answer(self.post(&query).body(bytes).send().await.unwrap()).await
    }

    /// Uploads `bytes`, asserting it is stored; the file entry for a publish.
    async fn uploaded(&self, name: &str, media_type: &str, bytes: Vec<u8>) -> Value {
        let (status, file) = self.upload(name, media_type, bytes).await;
        assert_eq!(status, 201, "{file}");
        file
    }

    async fn publish(&self, title: &str, files: Vec<Value>) -> (u16, Value) {
        self.post_json(
            "/v1/publish/practice",
            json!({
                "title": title,
                "body": "What the residents did, step by step.",
                "visibility": "members",
                "attachments": files,
            }),
        )
        .await
    }

    async fn retract(&self, id: &str) {
        let (status, body) = self
            .post_json("/v1/publish/retract", json!({ "target": id }))
            .await;
        assert_eq!(status, 201, "{body}");
    }

    /// Bytes in the blob store's `tmp/` and `partial/`: what a refused write must
    /// not leave.
    fn leftovers(&self) -> usize {
        ["tmp", "partial"]
            .iter()
            .map(|dir| {
                std::fs::read_dir(self.blobs().dir().join(dir))
                    .unwrap()
                    .count()
            })
            .sum()
    }
}

impl Served {
    /// Sends `pieces` as a chunked body (no length) over a raw connection; the status
    /// and body of the answer. Stops sending if the server answers first.
    async fn chunked_upload(&self, path: &str, pieces: Vec<Vec<u8>>) -> (u16, String) {
        use std::io::{Read, Write};
        let addr = self.base.trim_start_matches("http://").to_owned();
        let path = path.to_owned();
        tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(&addr).unwrap();
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\
                 Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(head.as_bytes()).unwrap();
            for piece in pieces {
                let mut chunk = format!("{:x}\r\n", piece.len()).into_bytes();
                chunk.extend_from_slice(&piece);
                chunk.extend_from_slice(b"\r\n");
                if stream.write_all(&chunk).is_err() {
                    break;
                }
            }
            let _ = stream.write_all(b"0\r\n\r\n");
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
            let answer = String::from_utf8_lossy(&answer).into_owned();
            let status = answer
                .split_whitespace()
                .nth(1)
                .and_then(|code| code.parse().ok())
                .unwrap_or(0);
            (status, answer)
        })
        .await
        .unwrap()
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

fn reason(body: &Value) -> &str {
    body["reason"].as_str().unwrap_or_default()
}

fn message(body: &Value) -> &str {
    body["error"].as_str().unwrap_or_default()
}

/// `len` bytes of a file, different for each `seed`.
fn file(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| ((i * 31 + usize::from(seed) * 7) % 251) as u8 ^ seed)
        .collect()
}

fn policy() -> AttachmentPolicy {
    AttachmentPolicy {
        max_bytes: 2 * MIB,
        per_org_bytes: 4 * MIB,
        auto_fetch_max_bytes: MIB,
        disk_reserve_bytes: 0,
    }
}

fn blob_of(file: &Value) -> BlobId {
    file["blob"].as_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_is_stored_by_its_hash_and_downloaded_with_safe_headers() {
    let served = Served::start(policy()).await;
    let bytes = file(CHUNK_BYTES * 2 + 1234, 1);
    let expected = chunk_list_of(&bytes).unwrap().root();
    let uploaded = served
        .uploaded(
            "résultats de l'enquête.pdf",
            "application/pdf",
            bytes.clone(),
        )
        .await;
    assert_eq!(
        uploaded,
        json!({
            "name": "résultats de l'enquête.pdf",
            "media_type": "application/pdf",
            "size": bytes.len(),
            "blob": expected.to_string(),
        })
    );
    assert!(served.blobs().has(&expected));

    // No live record names it yet: served as bytes, whatever type is asked.
    let response = served
        .get(&format!("/v1/attachments/{expected}?type=application/pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream"
    );
    assert_eq!(response.bytes().await.unwrap(), bytes);

    let (status, published) = served.publish("Survey results", vec![uploaded]).await;
    assert_eq!(status, 201, "{published}");
    let id = published["id"].as_str().unwrap().to_owned();

    // Now the record vouches for the type and the name.
    let response = served
        .get(&format!("/v1/attachments/{expected}?type=application/pdf"))
        .send()
        .await
        .unwrap();
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"r_sultats de l'enqu_te.pdf\"; \
         filename*=UTF-8''r%C3%A9sultats%20de%20l%27enqu%C3%AAte.pdf"
    );
    assert_eq!(headers["content-length"], bytes.len().to_string().as_str());
    assert_eq!(response.bytes().await.unwrap(), bytes);
    // A type no record lists is not honoured.
    let response = served
        .get(&format!("/v1/attachments/{expected}?type=text/html"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "application/octet-stream"
    );

    let (status, listed) = served
        .get_json(&format!("/v1/records/{id}/attachments"))
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["files"][0]["state"], "held");
    assert_eq!(listed["files"][0]["blob"], expected.to_string());
    let (_, record) = served.get_json(&format!("/v1/records/{id}")).await;
    assert_eq!(
        record["record"]["body"]["attachments"][0]["name"]
            .as_str()
            .or(record["body"]["attachments"][0]["name"].as_str()),
        Some("résultats de l'enquête.pdf"),
        "{record}"
    );

    // Bad requests.
    let (status, body) = served.upload("../etc/passwd", "text/plain", vec![1]).await;
    assert_eq!((status, reason(&body)), (400, "bad_field"), "{body}");
    let (status, body) = served.upload("notes.txt", "Text/Plain", vec![1]).await;
    assert_eq!((status, reason(&body)), (400, "bad_field"), "{body}");
    let (status, body) = served.upload("empty.txt", "text/plain", Vec::new()).await;
    assert_eq!((status, reason(&body)), (400, "empty_file"), "{body}");
    let missing = BlobId::from_bytes([7; 32]);
    let (status, body) = served.get_json(&format!("/v1/attachments/{missing}")).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = served.get_json("/v1/attachments/blob_12").await;
    assert_eq!((status, reason(&body)), (400, "bad_id"), "{body}");
    // Fetching needs the network.
    let (status, body) = served
        .post_json(&format!("/v1/records/{id}/attachments/fetch"), json!({}))
        .await;
    assert_eq!(status, 503, "{body}");
    assert!(
        message(&body).contains("the network is not running"),
        "{body}"
    );
    assert_eq!(served.leftovers(), 0);
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_over_the_size_limit_are_refused_and_nothing_is_kept() {
    let served = Served::start(policy()).await;
    // Declared too large: refused before the body is read.
    let (status, body) = served
        .upload("big.zip", "application/zip", file(2 * MIB as usize + 1, 2))
        .await;
    assert_eq!((status, reason(&body)), (413, "too_large"), "{body}");
    assert!(message(&body).contains(&(2 * MIB).to_string()), "{body}");

    // Streamed without a length (chunked): refused once it passes the limit.
    let pieces: Vec<Vec<u8>> = (0..40).map(|i| file(64 * 1024, i)).collect();
    let (status, body) = served
        .chunked_upload("/v1/attachments?name=big.zip&type=application/zip", pieces)
        .await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("too_large"), "{body}");
    assert!(served.blobs().list().unwrap().is_empty());
    assert_eq!(served.leftovers(), 0);

    // Exactly at the limit is fine.
    let at_limit = served
        .uploaded("ok.zip", "application/zip", file(2 * MIB as usize, 3))
        .await;
    assert_eq!(at_limit["size"], 2 * MIB);

    // A publish naming a file not held, or with another size, is refused.
    let mut other_size = at_limit.clone();
    other_size["size"] = json!(1000);
    let (status, body) = served.publish("Wrong size", vec![other_size]).await;
    assert_eq!(
        (status, reason(&body)),
        (422, "attachment_not_held"),
        "{body}"
    );
    let mut not_held = at_limit.clone();
    not_held["blob"] = json!(BlobId::from_bytes([9; 32]).to_string());
    let (status, body) = served.publish("Not uploaded", vec![not_held]).await;
    assert_eq!(
        (status, reason(&body)),
        (422, "attachment_not_held"),
        "{body}"
    );
    assert!(
        message(&body).contains("upload it first with POST /v1/attachments"),
        "{body}"
    );
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_orgs_files_stay_within_its_total() {
    let served = Served::start(AttachmentPolicy {
        per_org_bytes: 3 * MIB,
        ..policy()
    })
    .await;
    let first = served
        .uploaded("a.pdf", "application/pdf", file(2 * MIB as usize, 4))
        .await;
    let second = served
        .uploaded("b.pdf", "application/pdf", file(MIB as usize + 1, 5))
        .await;
    let (status, published) = served.publish("First", vec![first.clone()]).await;
    assert_eq!(status, 201, "{published}");
    let first_id = published["id"].as_str().unwrap().to_owned();

    // 2 MiB + 1 MiB + 1 byte: over.
    let (status, body) = served.publish("Second", vec![second.clone()]).await;
    assert_eq!((status, reason(&body)), (422, "org_total"), "{body}");
    assert!(
        message(&body).contains("max_attachments_per_org_mb"),
        "{body}"
    );
    // The same file again is counted once: a second case study with it fits.
    let (status, body) = served.publish("First again", vec![first.clone()]).await;
    assert_eq!(status, 201, "{body}");
    let again_id = body["id"].as_str().unwrap().to_owned();

    // Once neither record names the first file, the second fits.
    served.retract(&first_id).await;
    served.retract(&again_id).await;
    let gone = blob_of(&first);
    let blobs = served.blobs().clone();
    wait_within(DEADLINE, "the first file's bytes to be deleted", || {
        let blobs = blobs.clone();
        async move { !blobs.has(&gone) }
    })
    .await;
    // The second was uploaded and never published, so it is kept as an upload.
    assert!(served.blobs().has(&blob_of(&second)));
    let (status, body) = served.publish("Second", vec![second]).await;
    assert_eq!(status, 201, "{body}");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_that_would_eat_the_reserve_answers_507_and_leaves_nothing() {
    let served = Served::start(AttachmentPolicy {
        // More than any disk has free.
        disk_reserve_bytes: 1 << 60,
        ..policy()
    })
    .await;
    let (status, body) = served
        .upload("report.pdf", "application/pdf", file(300_000, 6))
        .await;
    assert_eq!((status, reason(&body)), (507, "disk_full"), "{body}");
    assert!(
        message(&body).contains("Free some space and retry"),
        "{body}"
    );
    assert!(served.blobs().list().unwrap().is_empty());
    assert_eq!(served.leftovers(), 0);
    // A fetch is refused the same way before it writes anything.
    let bytes = file(300_000, 7);
    let list = chunk_list_of(&bytes).unwrap();
    let refused = served.blobs().begin_fetch(&list.root(), list.clone());
    assert!(refused.unwrap_err().to_string().contains("Free some space"),);
    assert_eq!(served.leftovers(), 0);
    served.stop().await;
}

/// A tmpfs mounted on a fresh temporary directory; unmounted on drop.
struct Tmpfs {
    dir: Option<TempDir>,
}

impl Tmpfs {
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700")])
            .arg("tmpfs")
            .arg(dir.path())
            .output()
            .map_err(|error| format!("mount could not run: {error}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
        }
        Ok(Tmpfs { dir: Some(dir) })
    }

    fn path(&self) -> &Path {
        self.dir.as_ref().unwrap().path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let Some(dir) = self.dir.take() else { return };
        let unmounted = Command::new("umount")
            .arg(dir.path())
            .status()
            .is_ok_and(|status| status.success());
        if !unmounted {
            let _ = Command::new("umount").arg("-l").arg(dir.path()).status();
        }
        drop(dir);
    }
}

/// A real full disk: the blob store on a 3 MiB tmpfs with no reserve. A 5 MiB upload
/// is refused with 507 (at once when its length is given; when the disk fills under it
/// when it is not), leaving the disk as it was; a small one then fits. Mounting needs root (CI runs as root); elsewhere the test says it is skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_really_full_disk_answers_507_and_leaves_nothing() {
    let tmpfs = match Tmpfs::mount("3m") {
        Ok(tmpfs) => tmpfs,
        Err(error) => {
            eprintln!("skipped: cannot mount a tmpfs ({error})");
            return;
        }
    };
    let served = Served::start_in(
        &tmpfs.path().join("blobs"),
        AttachmentPolicy {
            max_bytes: 8 * MIB,
            ..policy()
        },
    )
    .await;
    let (status, body) = served
        .upload("video.mp4", "video/mp4", file(5 * MIB as usize, 8))
        .await;
    assert_eq!((status, reason(&body)), (507, "disk_full"), "{body}");
    // Without a length, the disk really fills while it is written (ENOSPC).
    let pieces: Vec<Vec<u8>> = (0..80).map(|i| file(64 * 1024, i)).collect();
    let (status, body) = served
        .chunked_upload("/v1/attachments?name=video.mp4&type=video/mp4", pieces)
        .await;
    assert_eq!(status, 507, "{body}");
    assert!(body.contains("Free some space"), "{body}");
    assert_eq!(served.leftovers(), 0);
    assert!(served.blobs().list().unwrap().is_empty());
    assert!(served.blobs().usage().unwrap() < 64 * 1024);
    // A fetch of a file bigger than the disk is refused before it writes.
    let bytes = file(4 * MIB as usize, 9);
    let list = chunk_list_of(&bytes).unwrap();
    assert!(
        served
            .blobs()
            .begin_fetch(&list.root(), list.clone())
            .is_err()
    );
    assert_eq!(served.leftovers(), 0);
    let small = served
        .uploaded("notes.txt", "text/plain", file(100_000, 10))
        .await;
    assert!(served.blobs().has(&blob_of(&small)));
    served.stop().await;
    drop(tmpfs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_file_is_never_served_and_its_progress_is_shown() {
    let served = Served::start(policy()).await;
    // A case study from another org names a file this node does not hold.
    let bytes = file(CHUNK_BYTES * 4, 11);
    let list = chunk_list_of(&bytes).unwrap();
    let blob = list.root();
    let mut practice = sample_practice(Visibility::Members);
    practice.attachments.push(Attachment {
        name: "testimony.pdf".into(),
        media_type: "application/pdf".into(),
        size: bytes.len() as u64,
        blob,
    });
    let mut writer = served.net.writers[1].clone();
    let record = writer
        .append(Body::Practice(practice), BASE_TIME_MS + 10)
        .unwrap();
    let id = record.id();
    served
        .handle
        .ingest
        .submit(
            served.net.delegations[1].signed_bytes().to_vec(),
            Source::Import,
        )
        .await
        .unwrap();
    served
        .handle
        .ingest
        .submit(record.signed_bytes().to_vec(), Source::Gossip)
        .await
        .unwrap();

    let (status, listed) = served
        .get_json(&format!("/v1/records/{id}/attachments"))
        .await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["files"][0]["state"], "not_fetched");
    // 1 MiB is the automatic limit here: this file is exactly 1 MiB.
    assert_eq!(listed["files"][0]["auto"], true);

    let partial = served.blobs().begin_fetch(&blob, list.clone()).unwrap();
    for index in [0, 2, 3] {
        let range = list.range(index).unwrap();
        partial
            .write_chunk(index, &bytes[range.start as usize..range.end as usize])
            .unwrap();
    }
    let (_, listed) = served
        .get_json(&format!("/v1/records/{id}/attachments"))
        .await;
    assert_eq!(listed["files"][0]["state"], "fetching", "{listed}");
    assert_eq!(listed["files"][0]["percent"], 75);
    assert_eq!(listed["files"][0]["held_bytes"], CHUNK_BYTES * 3);
    let (status, body) = served.get_json(&format!("/v1/attachments/{blob}")).await;
    assert_eq!(status, 404, "{body}");
    assert!(message(&body).contains("does not hold"), "{body}");

    let range = list.range(1).unwrap();
    partial
        .write_chunk(1, &bytes[range.start as usize..range.end as usize])
        .unwrap();
    partial.finish().unwrap();
    let response = served
        .get(&format!("/v1/attachments/{blob}?type=application/pdf"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.bytes().await.unwrap(), bytes);
    let (_, listed) = served
        .get_json(&format!("/v1/records/{id}/attachments"))
        .await;
    assert_eq!(listed["files"][0]["state"], "held");
    served.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retraction_deletes_the_bytes_unless_a_live_record_still_names_them() {
    let served = Served::start(policy()).await;
    let shared = served
        .uploaded(
            "form.odt",
            "application/vnd.oasis.opendocument.text",
            file(50_000, 12),
        )
        .await;
    let only = served
        .uploaded("photo.jpg", "image/jpeg", file(700_000, 13))
        .await;
    let (_, first) = served
        .publish("With both", vec![shared.clone(), only.clone()])
        .await;
    let (_, second) = served.publish("With the form", vec![shared.clone()]).await;
    let pending = served
        .uploaded("draft.txt", "text/plain", file(1000, 14))
        .await;

    served.retract(first["id"].as_str().unwrap()).await;
    let (photo, form) = (blob_of(&only), blob_of(&shared));
    let blobs = served.blobs().clone();
    wait_within(DEADLINE, "the photo's bytes to be deleted", || {
        let blobs = blobs.clone();
        async move { !blobs.has(&photo) }
    })
    .await;
    // Still named by the second case study; the upload waits for its record.
    assert!(served.blobs().has(&form));
    assert!(served.blobs().has(&blob_of(&pending)));
    let (status, _) = served.get_json(&format!("/v1/attachments/{photo}")).await;
    assert_eq!(status, 404);

    served.retract(second["id"].as_str().unwrap()).await;
    wait_within(DEADLINE, "the form's bytes to be deleted", || {
        let blobs = blobs.clone();
        async move { !blobs.has(&form) }
    })
    .await;
    assert!(served.blobs().has(&blob_of(&pending)));
    served.stop().await;
}

/// A peer's case study and its retraction arrive as from the network (gossip): the
/// bytes this node fetched for it are deleted when the retraction is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retraction_heard_from_a_peer_deletes_the_bytes_fetched_for_it() {
    let served = Served::start(policy()).await;
    let bytes = file(CHUNK_BYTES + 99, 15);
    let list = chunk_list_of(&bytes).unwrap();
    let blob = list.root();
    let mut practice = sample_practice(Visibility::Members);
    practice.attachments.push(Attachment {
        name: "survey.csv".into(),
        media_type: "text/csv".into(),
        size: bytes.len() as u64,
        blob,
    });
    let mut writer = served.net.writers[1].clone();
    let record = writer
        .append(Body::Practice(practice), BASE_TIME_MS + 10)
        .unwrap();
    let retraction = writer
        .append(
            Body::Retraction(Retraction {
                target: record.id(),
                reason: "published by mistake".into(),
            }),
            BASE_TIME_MS + 20,
        )
        .unwrap();
    let ingest = &served.handle.ingest;
    ingest
        .submit(
            served.net.delegations[1].signed_bytes().to_vec(),
            Source::Gossip,
        )
        .await
        .unwrap();
    ingest
        .submit(record.signed_bytes().to_vec(), Source::Gossip)
        .await
        .unwrap();
    // Fetched as the network's fetcher does.
    let partial = served.blobs().begin_fetch(&blob, list.clone()).unwrap();
    for index in 0..2 {
        let range = list.range(index).unwrap();
        partial
            .write_chunk(index, &bytes[range.start as usize..range.end as usize])
            .unwrap();
    }
    partial.finish().unwrap();
    assert!(served.blobs().has(&blob));

    ingest
        .submit(retraction.signed_bytes().to_vec(), Source::Gossip)
        .await
        .unwrap();
    let blobs = served.blobs().clone();
    wait_within(
        DEADLINE,
        "the retracted record's bytes to be deleted",
        || {
            let blobs = blobs.clone();
            async move { !blobs.has(&blob) && blobs.usage().unwrap() == 0 }
        },
    )
    .await;
    served.stop().await;
}

/// Two real nodes on loopback TCP: B fetches the file of A's case study over
/// `/commons/blob/1` as soon as the record arrives; A retracts the case study; the
/// bytes are deleted at A and, once the retraction reaches it, at B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retraction_deletes_the_bytes_at_the_author_and_at_a_peer() {
    use common::Peer;
    use commons_node::blobs::ImportLimits;
    use commons_node::network::NetworkSettings;

    let net = net(3);
    let settings = || NetworkSettings {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        sync_interval: Duration::from_secs(1),
        ..NetworkSettings::loopback()
    };
    let a = Peer::start_with(&net, 0, Arc::new(MemoryStore::new()), settings()).await;
    let b = Peer::start_with(&net, 1, Arc::new(MemoryStore::new()), settings()).await;
    b.net.dial(a.addr.clone()).await.unwrap();

    let bytes = file(CHUNK_BYTES * 3 + 77, 16);
    let blobs = a.handle.blobs.clone();
    let owned = bytes.clone();
    let imported = tokio::task::spawn_blocking(move || {
        blobs.import(&owned[..], ImportLimits { max_bytes: 8 * MIB })
    })
    .await
    .unwrap()
    .unwrap();
    let mut practice = sample_practice(Visibility::Members);
    practice.attachments.push(Attachment {
        name: "evidence.pdf".into(),
        media_type: "application/pdf".into(),
        size: imported.size,
        blob: imported.blob,
    });
    let study = a
        .handle
        .publisher
        .publish(Body::Practice(practice))
        .await
        .unwrap();
    let blob = imported.blob;
    let at_b = b.handle.blobs.clone();
    wait_within(Duration::from_secs(60), "B to fetch the file", || {
        let at_b = at_b.clone();
        async move { at_b.has(&blob) }
    })
    .await;

    a.handle
        .publisher
        .publish(Body::Retraction(Retraction {
            target: study.id,
            reason: "a resident asked to be left out".into(),
        }))
        .await
        .unwrap();
    let at_a = a.handle.blobs.clone();
    wait_within(
        Duration::from_secs(60),
        "the bytes to go at A and at B",
        || {
            let (at_a, at_b) = (at_a.clone(), at_b.clone());
            async move { !at_a.has(&blob) && !at_b.has(&blob) && at_b.usage().unwrap() == 0 }
        },
    )
    .await;
    assert!(b.handle.store.tombstone(&study.id).unwrap().is_some());
    b.stop().await;
    a.stop().await;
}

/// B keeps at most five chunks' worth of one org's files by automatic fetching: A's
/// first case study's file is fetched, the second's (which would pass that total) is
/// not until someone at B asks for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_fetches_an_orgs_files_automatically_only_within_its_total() {
    use common::Peer;
    use commons_node::blobs::ImportLimits;
    use commons_node::network::{FetchLimits, NetworkSettings};
    use std::sync::atomic::Ordering;

    let net = net(3);
    let settings = |per_org_bytes| NetworkSettings {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        sync_interval: Duration::from_secs(1),
        attachments: FetchLimits {
            per_org_bytes,
            ..FetchLimits::default()
        },
        ..NetworkSettings::loopback()
    };
    let a = Peer::start_with(&net, 0, Arc::new(MemoryStore::new()), settings(u64::MAX)).await;
    let b = Peer::start_with(
        &net,
        1,
        Arc::new(MemoryStore::new()),
        settings(CHUNK_BYTES as u64 * 5),
    )
    .await;
    b.net.dial(a.addr.clone()).await.unwrap();

    let mut blobs = Vec::new();
    for seed in [21, 22] {
        let bytes = file(CHUNK_BYTES * 3, seed);
        let at_a = a.handle.blobs.clone();
        let imported = tokio::task::spawn_blocking(move || {
            at_a.import(&bytes[..], ImportLimits { max_bytes: 8 * MIB })
        })
        .await
        .unwrap()
        .unwrap();
        let mut practice = sample_practice(Visibility::Members);
        practice.attachments.push(Attachment {
            name: format!("survey-{seed}.pdf"),
            media_type: "application/pdf".into(),
            size: imported.size,
            blob: imported.blob,
        });
        a.handle
            .publisher
            .publish(Body::Practice(practice))
            .await
            .unwrap();
        blobs.push(imported.blob);
        if seed == 21 {
            let (at_b, blob) = (b.handle.blobs.clone(), imported.blob);
            wait_within(Duration::from_secs(60), "B to fetch the first file", || {
                let at_b = at_b.clone();
                async move { at_b.has(&blob) }
            })
            .await;
        }
    }
    let metrics = b.net.metrics();
    wait_within(
        Duration::from_secs(60),
        "B to give the second file's automatic fetch up",
        || {
            let metrics = metrics.clone();
            async move { metrics.blob_fetches_failed.load(Ordering::Relaxed) >= 1 }
        },
    )
    .await;
    assert!(!b.handle.blobs.has(&blobs[1]));
    b.net.fetch_attachment(blobs[1]).await.unwrap();
    let (at_b, blob) = (b.handle.blobs.clone(), blobs[1]);
    wait_within(
        Duration::from_secs(60),
        "B to fetch the second file when asked",
        || {
            let at_b = at_b.clone();
            async move { at_b.has(&blob) }
        },
    )
    .await;
    b.stop().await;
    a.stop().await;
}
