//! Step 4 of a devnet: subscribe to every node's `/v1/events` stream ([`subscribe`]),
//! and follow each in the background ([`watch_events`]), noting when it announces each
//! record ([`Observed`]), for the later steps to time.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use commons_node::api::contract::events::{LAGGED_EVENT, RECORD_EVENT};

use super::nodes::Node;
use super::wait_for;
use crate::client::Client;

/// How long the event streams may take to open.
const SUBSCRIBE_DEADLINE: Duration = Duration::from_secs(15);
/// How long opening an event stream may take (the node is on this machine).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The most bytes of an event stream held while waiting for the end of a line: an event
/// is one record's JSON, far below this.
const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// What the event streams have seen, shared between their tasks and the main thread.
#[derive(Debug)]
pub(super) struct Observed {
    /// For each node, when its stream announced each record id.
    pub(super) seen: Vec<HashMap<String, Instant>>,
    /// Whether each node's stream has opened.
    subscribed: Vec<bool>,
    /// Whether each node's stream skipped records (then they are read back).
    pub(super) lagged: Vec<bool>,
    /// Why a stream ended early.
    failed: Vec<Option<String>>,
}

impl Observed {
    fn new(nodes: usize) -> Self {
        Observed {
            seen: vec![HashMap::new(); nodes],
            subscribed: vec![false; nodes],
            lagged: vec![false; nodes],
            failed: vec![None; nodes],
        }
    }

    fn failure(&self) -> Option<(usize, &str)> {
        self.failed
            .iter()
            .enumerate()
            .find_map(|(index, failed)| failed.as_deref().map(|error| (index, error)))
    }
}

pub(super) fn lock(observed: &Mutex<Observed>) -> MutexGuard<'_, Observed> {
    // A panicking stream task cannot leave the maps half-updated: recover them.
    observed
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Opens every node's event stream on `runtime`, with the token of its `clients`, and
/// waits until each has said it is subscribed.
pub(super) fn subscribe(
    runtime: &tokio::runtime::Runtime,
    nodes: &[Node],
    clients: &[Client],
    interrupted: &AtomicBool,
) -> anyhow::Result<Arc<Mutex<Observed>>> {
    let observed = Arc::new(Mutex::new(Observed::new(nodes.len())));
    for (index, (node, client)) in nodes.iter().zip(clients).enumerate() {
        let token = client.token().to_owned();
        runtime.spawn(watch_events(index, node.api, token, observed.clone()));
    }
    wait_for(
        "every node's event stream",
        SUBSCRIBE_DEADLINE,
        interrupted,
        || {
            let observed = lock(&observed);
            if let Some((index, error)) = observed.failure() {
                bail!(
                    "the event stream of node {index} ({}) failed: {error}",
                    nodes[index].name
                );
            }
            Ok(observed.subscribed.iter().all(|yes| *yes).then_some(()))
        },
    )?;
    Ok(observed)
}

/// What an event stream said.
#[derive(Debug, Clone, PartialEq, Eq)]
enum StreamItem {
    /// The `: subscribed` comment: every record stored from now on is announced.
    Subscribed,
    /// A `record` event, with the record's id.
    Record(String),
    /// A `lagged` event: records were skipped.
    Lagged,
}

/// Splits a server-sent event stream (docs/api.md, section 10) into what the devnet
/// needs: the subscription comment, record ids and lag notices.
#[derive(Debug, Default)]
struct EventParser {
    buffer: Vec<u8>,
    event: String,
    id: String,
}

impl EventParser {
    fn feed(&mut self, bytes: &[u8]) -> anyhow::Result<Vec<StreamItem>> {
        self.buffer.extend_from_slice(bytes);
        let mut items = Vec::new();
        while let Some(end) = self.buffer.iter().position(|byte| *byte == b'\n') {
            let line: Vec<u8> = self.buffer.drain(..=end).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                // Only the event's name and id: the record's JSON is not needed to note
                // when it arrived.
                match self.event.as_str() {
                    RECORD_EVENT if !self.id.is_empty() => {
                        items.push(StreamItem::Record(std::mem::take(&mut self.id)));
                    }
                    LAGGED_EVENT => items.push(StreamItem::Lagged),
                    _ => {}
                }
                self.event.clear();
                self.id.clear();
            } else if let Some(comment) = line.strip_prefix(':') {
                if comment.trim() == "subscribed" {
                    items.push(StreamItem::Subscribed);
                }
            } else if let Some(value) = line.strip_prefix("event:") {
                value.trim().clone_into(&mut self.event);
            } else if let Some(value) = line.strip_prefix("id:") {
                value.trim().clone_into(&mut self.id);
            }
        }
        if self.buffer.len() > MAX_LINE_BYTES {
            bail!("the event stream sent a line longer than {MAX_LINE_BYTES} bytes");
        }
        Ok(items)
    }
}

/// Follows node `index`'s `/v1/events`, noting when each record is announced, until the
/// stream ends. A failure is noted for the main thread rather than returned, since no
/// one awaits this task.
async fn watch_events(
    index: usize,
    api: SocketAddr,
    token: String,
    observed: Arc<Mutex<Observed>>,
) {
    if let Err(error) = follow_stream(index, api, &token, &observed).await {
        lock(&observed).failed[index] = Some(format!("{error:#}"));
    }
}

async fn follow_stream(
    index: usize,
    api: SocketAddr,
    token: &str,
    observed: &Mutex<Observed>,
) -> anyhow::Result<()> {
    // No overall timeout: the stream lasts as long as the node. So not `Client`, whose
    // requests have one, and which runs on a runtime of its own.
    let http = reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .context("could not set up the HTTP client")?;
    let mut response = http
        .get(format!("http://{api}/v1/events"))
        .bearer_auth(token)
        .header(reqwest::header::ACCEPT, "text/event-stream")
        .send()
        .await
        .with_context(|| format!("could not open the event stream at {api}"))?;
    if !response.status().is_success() {
        bail!("GET /v1/events at {api} answered {}", response.status());
    }
    let mut parser = EventParser::default();
    while let Some(chunk) = response
        .chunk()
        .await
        .with_context(|| format!("the event stream at {api} broke"))?
    {
        let now = Instant::now();
        let items = parser.feed(&chunk)?;
        if items.is_empty() {
            continue;
        }
        let mut observed = lock(observed);
        for item in items {
            match item {
                StreamItem::Subscribed => observed.subscribed[index] = true,
                StreamItem::Record(id) => {
                    observed.seen[index].entry(id).or_insert(now);
                }
                StreamItem::Lagged => observed.lagged[index] = true,
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parser_finds_records_lags_and_the_subscription() {
        let mut parser = EventParser::default();
        let stream = ": subscribed\n\nevent: record\nid: rec_1\ndata: {\"id\":\"rec_1\"}\n\n\
                      : keep-alive\n\nevent: lagged\ndata: {\"missed\":12}\n\n";
        // Fed in pieces that split lines, as a network would.
        let mut items = Vec::new();
        for piece in stream.as_bytes().chunks(7) {
            items.extend(parser.feed(piece).unwrap());
        }
        assert_eq!(
            items,
            vec![
                StreamItem::Subscribed,
                StreamItem::Record("rec_1".to_owned()),
                StreamItem::Lagged
            ]
        );
        let items = parser
            .feed(b"event: record\r\nid: rec_2\r\ndata: {}\r\n\r\n")
            .unwrap();
        assert_eq!(items, vec![StreamItem::Record("rec_2".to_owned())]);
    }
}
