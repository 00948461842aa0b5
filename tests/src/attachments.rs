//! Attachments for the scenarios and benchmarks, through a node's control API as an
//! operator's script or the web app would: a file uploaded (`POST /v1/attachments`,
//! stored by its hash), then a case study naming it published
//! (`POST /v1/publish/practice` with `attachments`), signed by the node's publisher
//! and gossiped. Peers' own fetchers then get the file over `/commons/blob/1`.

use anyhow::{Context, Result, ensure};
use commons_node::api::contract::PublishAnswer;
use commons_node::api::contract::attachments::UploadAnswer;
use commons_node::api::contract::requests::{AttachmentRequest, PracticeRequest};
use commons_node::data_dir::DataDir;
use commons_protocol::BlobId;
use serde::Deserialize;

use crate::Api;

/// Uploads `bytes` as a file named `name` of type `application/pdf`: the attachment
/// entry to publish with (`{name, media_type, size, blob}`).
pub fn upload(api: &Api, bytes: &[u8], name: &str) -> Result<UploadAnswer> {
    let reply = api.post_bytes(
        &format!("/v1/attachments?name={name}&type=application/pdf"),
        bytes.to_vec(),
    )?;
    ensure!(
        reply.status == 201,
        "uploading {name}: {} {}",
        reply.status,
        reply.body
    );
    UploadAnswer::deserialize(&reply.body)
        .with_context(|| format!("the upload answers its entry: {}", reply.body))
}

/// The file id an upload answered.
pub fn blob_of(attachment: &UploadAnswer) -> Result<BlobId> {
    attachment
        .blob
        .parse()
        .map_err(|error| anyhow::anyhow!("a bad blob id in {attachment:?}: {error:?}"))
}

/// Publishes a case study (`visibility` `public` or `members`) carrying `attachments`
/// (entries as [`upload`] answered them); its id (`rec_…`).
pub fn publish_with(
    api: &Api,
    title: &str,
    visibility: &str,
    attachments: &[UploadAnswer],
) -> Result<String> {
    let attachments = attachments
        .iter()
        .cloned()
        .map(AttachmentRequest::from)
        .collect();
    let reply = api.post(
        "/v1/publish/practice",
        &PracticeRequest {
            title: title.to_owned(),
            summary: "Tenants documented the eviction notices and the hearing that followed."
                .to_owned(),
            body: "The report and the scanned notices are attached.".to_owned(),
            themes: vec!["housing".to_owned()],
            regions: vec!["Southeast Asia".to_owned()],
            visibility: Some(visibility.to_owned()),
            attachments,
            ..PracticeRequest::default()
        },
    )?;
    ensure!(
        reply.status == 201,
        "publishing a case study with attachments: {} {}",
        reply.status,
        reply.body
    );
    let published = PublishAnswer::deserialize(&reply.body)
        .with_context(|| format!("the publish answers an id: {}", reply.body))?;
    Ok(published.record.id)
}

/// Where the node with `data_dir` keeps `blob` once it holds it whole (nothing is
/// there before: a fetch writes elsewhere and renames the file here when complete).
pub fn held_path(data_dir: &std::path::Path, blob: &BlobId) -> std::path::PathBuf {
    DataDir::new(data_dir)
        .blobs_path()
        .join(commons_node::blobs::file_name(blob))
}
