//! Attachments: a record's files and their transfer state.

use serde::{Deserialize, Serialize};

/// `POST /v1/attachments`'s `201` (docs/api.md §15, "`POST
/// /v1/attachments?name=FILE&type=MEDIA/TYPE`"): the entry a publish's `attachments`
/// names the file by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadAnswer {
    /// The file name the record will give.
    pub name: String,
    /// Its media type, such as `application/pdf`.
    pub media_type: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its id, the hash of its bytes, `blob_…`.
    pub blob: String,
}

/// The upload's answer is the very entry a publish names the file by.
impl From<UploadAnswer> for super::requests::AttachmentRequest {
    fn from(uploaded: UploadAnswer) -> Self {
        super::requests::AttachmentRequest {
            name: uploaded.name,
            media_type: uploaded.media_type,
            size: uploaded.size,
            blob: uploaded.blob,
        }
    }
}

/// `GET /v1/records/{id}/attachments`, and the `202` of `POST
/// /v1/records/{id}/attachments/fetch` (docs/api.md §15, "`GET
/// /v1/records/{id}/attachments`"): the files a record names, each with where it stands
/// on this node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordFilesAnswer {
    /// The record, `rec_…`.
    pub record: String,
    /// Its files, in the record's order.
    pub files: Vec<RecordFile>,
}

/// One file of [`RecordFilesAnswer::files`]: the record's entry for it and its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordFile {
    /// The record's entry: name, media type, size, id.
    #[serde(flatten)]
    pub file: UploadAnswer,
    /// Where it stands here, `state` and what goes with it.
    #[serde(flatten)]
    pub state: FileState,
}

/// Where a [`RecordFile`] stands on this node: the field `state`, and the fields that
/// go with each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FileState {
    /// Held whole: it can be downloaded.
    Held,
    /// Being fetched, or a fetch stopped partway.
    Fetching {
        /// Bytes held and checked so far.
        held_bytes: u64,
        /// Whole percent held, rounded down.
        percent: u64,
        /// False for a fetch that stopped, which resumes where it stopped when fetched
        /// again.
        active: bool,
    },
    /// Neither held nor being fetched.
    NotFetched {
        /// Whether it is at most `auto_fetch_max_mb`, so fetched without being asked
        /// once a peer holding it is connected.
        auto: bool,
    },
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn file(state: FileState) -> RecordFile {
        RecordFile {
            file: UploadAnswer {
                name: "report.pdf".to_owned(),
                media_type: "application/pdf".to_owned(),
                size: 200,
                blob: "blob_1".to_owned(),
            },
            state,
        }
    }

    #[test]
    fn each_state_carries_its_own_fields() {
        let answer = RecordFilesAnswer {
            record: "rec_1".to_owned(),
            files: vec![
                file(FileState::Held),
                file(FileState::Fetching {
                    held_bytes: 86,
                    percent: 43,
                    active: true,
                }),
                file(FileState::NotFetched { auto: false }),
            ],
        };
        let value = serde_json::to_value(&answer).expect("JSON");
        let entry = json!({"name": "report.pdf", "media_type": "application/pdf",
                           "size": 200, "blob": "blob_1"});
        let with = |extra: serde_json::Value| {
            let mut fields = entry.clone();
            if let (Some(fields), Some(extra)) = (fields.as_object_mut(), extra.as_object()) {
                fields.extend(extra.clone());
            }
            fields
        };
        assert_eq!(
            value,
            json!({"record": "rec_1", "files": [
                with(json!({"state": "held"})),
                with(json!({"state": "fetching", "held_bytes": 86, "percent": 43, "active": true})),
                with(json!({"state": "not_fetched", "auto": false})),
            ]})
        );
        assert_eq!(
            serde_json::from_value::<RecordFilesAnswer>(value).expect("read back"),
            answer
        );
    }
}
