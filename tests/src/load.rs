//! Load for the measurements: 1 KiB case studies signed with a node's own device key,
//! continuing its feed, and submitted through the control API by many clients at
//! once. Shared by `commons-measure` and `commons-bench`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use anyhow::{Context, Result, ensure};
use commons_node::api::contract::records::{RecordsPage, SubmitAnswer};
use commons_node::clock::now_ms;
use commons_node::data_dir::OpenedDataDir;
use commons_protocol::{Body, FeedPosition, FeedWriter, Practice, RecordId, Visibility};

use serde::Deserialize;

use crate::Api;

/// The size of each record's signed bytes.
pub const RECORD_BYTES: usize = 1024;

/// Themes and regions the records are spread over, so the tag index is realistic.
pub const THEMES: [&str; 8] = [
    "housing",
    "land",
    "water",
    "labour",
    "migration",
    "health",
    "education",
    "participatory-documentation",
];
pub const REGIONS: [&str; 6] = [
    "Southeast Asia",
    "East Africa",
    "Central America",
    "Andes",
    "South Asia",
    "Balkans",
];

/// Where the node's own feed stands, from `GET /v1/feeds` and its newest record.
pub fn head_position(api: &Api, opened: &OpenedDataDir) -> Result<FeedPosition> {
    let device = opened.device().public().to_string();
    let feed = api
        .feed_of(&device)
        .context("the node's own feed is not listed")?;
    let max_seq = feed.max_seq;
    let newest = api
        .get(&format!("/v1/records?author={}&limit=1", opened.org()))?
        .expect_status(200, "GET /v1/records");
    let page = RecordsPage::deserialize(&newest)
        .with_context(|| format!("GET /v1/records answered {newest}"))?;
    let record = page
        .records
        .first()
        .context("the node holds none of its own records")?;
    ensure!(
        record.seq == max_seq && record.author == device,
        "the newest record of the org is not the head of its feed: {record:?}"
    );
    let id: RecordId = record
        .id
        .parse()
        .map_err(|error| anyhow::anyhow!("bad record id: {error:?}"))?;
    Ok(FeedPosition {
        seq: max_seq,
        id: Some(id),
        timestamp_ms: record.timestamp_ms,
    })
}

/// Case study number `n`, kept among members, its body `padding` bytes long.
pub fn practice(n: usize, padding: usize) -> Body {
    Body::Practice(Practice {
        title: format!("Measured case study {n}"),
        summary: "Residents surveyed their own settlement.".to_owned(),
        body: "x".repeat(padding),
        themes: vec![THEMES[n % THEMES.len()].to_owned()],
        regions: vec![REGIONS[n % REGIONS.len()].to_owned()],
        language: "en".to_owned(),
        licence: "CC-BY-4.0".to_owned(),
        links: Vec::new(),
        visibility: Visibility::Members,
        attachments: Vec::new(),
    })
}

/// Signs `count` records continuing the device's feed from `position`, each of
/// [`RECORD_BYTES`] signed bytes (within a few bytes, as the seq's varint grows).
pub fn sign_records(
    opened: &OpenedDataDir,
    position: FeedPosition,
    count: usize,
) -> Result<Vec<Vec<u8>>> {
    let writer = FeedWriter::new(opened.device().clone(), opened.network(), position);
    let probe = writer
        .clone()
        .append(practice(0, 0), now_ms())
        .context("signing")?;
    let padding = RECORD_BYTES.saturating_sub(probe.signed_bytes().len());
    let mut writer = writer;
    let mut records = Vec::with_capacity(count);
    for n in 0..count {
        let record = writer
            .append(practice(n, padding), now_ms())
            .context("signing")?;
        records.push(record.into_signed_bytes());
    }
    Ok(records)
}

/// Submits every record through `POST /v1/records` with `concurrency` clients, each
/// taking the next record in seq order. Returns the failures.
pub fn submit_all(api: &Api, records: &[Vec<u8>], concurrency: usize) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..concurrency {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(record) = records.get(index) else {
                        break;
                    };
                    let failure = match api.submit(record) {
                        Ok(reply)
                            if reply.status == 201
                                && matches!(
                                    SubmitAnswer::deserialize(&reply.body),
                                    Ok(SubmitAnswer::Stored { .. })
                                ) =>
                        {
                            None
                        }
                        Ok(reply) => {
                            Some(format!("record {index}: {} {}", reply.status, reply.body))
                        }
                        Err(error) => Some(format!("record {index}: {error}")),
                    };
                    if let Some(failure) = failure
                        && let Ok(mut failures) = failures.lock()
                    {
                        failures.push(failure);
                    }
                }
            });
        }
    });
    failures.into_inner().unwrap_or_default()
}
