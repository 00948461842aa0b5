//! Attachments for the scenarios and benchmarks: a file stored in a node's blob store
//! the way an upload stores it, and a case study carrying files signed by the node's
//! own device and taken in through its control API (`POST /v1/records`), which is the
//! one ingest path a publish takes too. The node then serves the files to its peers,
//! whose own fetchers get them over `/commons/blob/1`.

use anyhow::{Context, Result, anyhow};
use commons_node::blobs::{BlobStore, ImportLimits};
use commons_node::data_dir::DataDir;
use commons_node::publish::now_ms;
use commons_protocol::{Attachment, BlobId, Body, FeedWriter, Visibility};

use crate::TestNode;
use crate::load::head_position;

/// The largest file stored here: the node's default `max_attachment_mb`.
pub const MAX_STORED_BYTES: u64 = 64 * 1024 * 1024;

/// Stores `bytes` in `node`'s blob store (`<data dir>/blobs`), checked, fsynced and
/// renamed into place as an upload is: the attachment entry to publish with.
pub fn store_attachment(node: &TestNode, bytes: &[u8], name: &str) -> Result<Attachment> {
    let blobs = BlobStore::open(DataDir::new(node.data_dir()).blobs_path())
        .context("opening the node's blob store")?;
    let imported = blobs
        .import(
            bytes,
            ImportLimits {
                max_bytes: MAX_STORED_BYTES,
            },
        )
        .context("storing the file")?;
    Ok(Attachment {
        name: name.to_owned(),
        media_type: "application/pdf".to_owned(),
        size: imported.size,
        blob: imported.blob,
    })
}

/// Signs a case study carrying `attachments` with `node`'s own device, continuing its
/// feed, and submits it through `POST /v1/records`; its id (`rec_…`). The node must not
/// publish anything else meanwhile.
pub fn publish_signed(
    node: &TestNode,
    title: &str,
    visibility: Visibility,
    attachments: &[Attachment],
) -> Result<String> {
    let opened = DataDir::new(node.data_dir()).open()?;
    let position = head_position(node.api(), &opened)?;
    let mut writer = FeedWriter::new(opened.device().clone(), opened.network(), position);
    let Body::Practice(mut practice) = crate::hostile::practice(title) else {
        return Err(anyhow!("the sample body is not a case study"));
    };
    practice.visibility = visibility;
    practice.attachments = attachments.to_vec();
    let record = writer
        .append(Body::Practice(practice), now_ms())
        .context("signing the case study")?;
    let reply = node.api().submit(record.signed_bytes())?;
    anyhow::ensure!(
        reply.status == 201,
        "submitting the case study: {} {}",
        reply.status,
        reply.body
    );
    Ok(record.id().to_string())
}

/// Where `node` keeps `blob` once it holds it whole (nothing is there before).
pub fn held_path(node_data_dir: &std::path::Path, blob: &BlobId) -> std::path::PathBuf {
    DataDir::new(node_data_dir)
        .blobs_path()
        .join(commons_node::blobs::file_name(blob))
}
