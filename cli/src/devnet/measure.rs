//! Step 7 of a devnet: what it measured ([`Outcome`]), from the publish calls' start
//! and the moment each node's event stream announced each record: every record's
//! latency until the last node held it, and per node ([`node_outcomes`]) that of its own
//! records until every node held them and of the others' until it held them.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use commons_node::api::contract::{Peer, StatusAnswer};

use super::converge::Converged;
use super::events::{Observed, lock};
use super::nodes::Node;
use super::plan::Plan;
use super::publish::{Published, Publishing};
use crate::archive::Exported;
use crate::client::Client;
use crate::traffic::TrafficReport;

/// What a devnet run measured.
#[derive(Debug)]
pub(super) struct Outcome {
    /// The archive written with --export, and what it holds.
    pub(super) exported: Option<(PathBuf, Exported)>,
    pub(super) network: String,
    pub(super) nodes: Vec<NodeOutcome>,
    pub(super) published: usize,
    /// How many of each kind were published.
    pub(super) published_by_kind: BTreeMap<&'static str, u64>,
    /// Publish-to-last-node latency of each record, in ms, sorted.
    pub(super) latencies_ms: Vec<f64>,
    /// How long each publish call took, in ms, sorted.
    pub(super) calls_ms: Vec<f64>,
    /// From the first publish call until every node held every record.
    pub(super) converged: Duration,
    /// Bytes each node received while the records spread.
    pub(super) traffic: TrafficReport,
    /// The whole run, from creating the directories to the report.
    pub(super) wall: Duration,
}

/// A node at the end of the run.
#[derive(Debug)]
pub(super) struct NodeOutcome {
    pub(super) name: String,
    pub(super) peer_id: String,
    pub(super) records: u64,
    pub(super) peers: Option<u64>,
    pub(super) api: SocketAddr,
    /// Its data directory, if it outlives the report (--keep, --keep-running).
    pub(super) data_dir: Option<PathBuf>,
    /// Publish-to-last-node latency of the records this node published, in ms, sorted.
    pub(super) sent_ms: Vec<f64>,
    /// Publish-to-this-node latency of the records the other nodes published, in ms,
    /// sorted.
    pub(super) arrival_ms: Vec<f64>,
    /// The published records this node holds, by kind.
    pub(super) held_by_kind: BTreeMap<&'static str, u64>,
}

impl Outcome {
    /// The outcome of the run that began at `started` and founded `network`, once its
    /// `nodes` are measured and the archive `exported` (with --export).
    pub(super) fn new(
        network: String,
        nodes: Vec<NodeOutcome>,
        publishing: &Publishing,
        observed: &Mutex<Observed>,
        converged: Converged,
        exported: Option<(PathBuf, Exported)>,
        started: Instant,
    ) -> Outcome {
        let published = &publishing.published;
        let latencies_ms = latencies(published, &lock(observed));
        let mut calls_ms: Vec<f64> = published
            .iter()
            .map(|record| record.call.as_secs_f64() * 1000.0)
            .collect();
        calls_ms.sort_by(f64::total_cmp);
        Outcome {
            exported,
            network,
            nodes,
            published: published.len(),
            published_by_kind: count_kinds(published.iter()),
            latencies_ms,
            calls_ms,
            converged: converged.after,
            traffic: converged.traffic,
            wall: started.elapsed(),
        }
    }
}

/// Each node at the end of the run: what it holds, its peers, and the latencies of the
/// records it published and of those it received.
pub(super) fn node_outcomes(
    plan: &Plan,
    nodes: &[Node],
    clients: &[Client],
    publishing: &Publishing,
    observed: &Mutex<Observed>,
    converged: &Converged,
) -> Vec<NodeOutcome> {
    let published = &publishing.published;
    let observed = lock(observed);
    nodes
        .iter()
        .zip(clients)
        .zip(&converged.statuses)
        .enumerate()
        .map(|(index, ((node, client), status))| NodeOutcome {
            name: node.name.clone(),
            peer_id: node.peer_id.clone(),
            records: status.records,
            peers: peer_count(client, status),
            api: node.api,
            data_dir: (plan.keep || plan.keep_running).then(|| node.dir.clone()),
            sent_ms: sent_latencies(index, published, &observed),
            arrival_ms: arrival_latencies(index, published, &observed),
            held_by_kind: held_by_kind(index, published, &observed),
        })
        .collect()
}

/// Each record's publish-to-last-node latency in ms, sorted.
fn latencies(published: &[Published], observed: &Observed) -> Vec<f64> {
    let mut latencies: Vec<f64> = published
        .iter()
        .filter_map(|record| {
            observed
                .seen
                .iter()
                .map(|seen| seen.get(&record.id))
                .collect::<Option<Vec<_>>>()
                .and_then(|times| times.into_iter().max().copied())
                .map(|last| last.saturating_duration_since(record.started).as_secs_f64() * 1000.0)
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    latencies
}

/// The publish-to-last-node latencies, in ms and sorted, of the records node `index`
/// published.
fn sent_latencies(index: usize, published: &[Published], observed: &Observed) -> Vec<f64> {
    let own: Vec<Published> = published
        .iter()
        .filter(|record| record.node == index)
        .cloned()
        .collect();
    latencies(&own, observed)
}

/// The publish-to-this-node latencies, in ms and sorted, of the records the other nodes
/// published: when node `index`'s event stream announced each.
fn arrival_latencies(index: usize, published: &[Published], observed: &Observed) -> Vec<f64> {
    let seen = &observed.seen[index];
    let mut latencies: Vec<f64> = published
        .iter()
        .filter(|record| record.node != index)
        .filter_map(|record| {
            seen.get(&record.id).map(|arrived| {
                arrived
                    .saturating_duration_since(record.started)
                    .as_secs_f64()
                    * 1000.0
            })
        })
        .collect();
    latencies.sort_by(f64::total_cmp);
    latencies
}

/// The published records node `index` announced holding, by kind. A record id is the
/// hash of the record's payload, kind included, so holding the id is holding a record
/// of the kind it was published as.
fn held_by_kind(
    index: usize,
    published: &[Published],
    observed: &Observed,
) -> BTreeMap<&'static str, u64> {
    let seen = &observed.seen[index];
    count_kinds(
        published
            .iter()
            .filter(|record| seen.contains_key(&record.id)),
    )
}

/// How many of `records` are of each kind.
fn count_kinds<'a>(records: impl Iterator<Item = &'a Published>) -> BTreeMap<&'static str, u64> {
    let mut counts = BTreeMap::new();
    for record in records {
        *counts.entry(record.kind).or_insert(0) += 1;
    }
    counts
}

/// Connected peers: `peers` in `GET /v1/status`, else the length of `GET /v1/peers`.
fn peer_count(client: &Client, status: &StatusAnswer) -> Option<u64> {
    if let Some(peers) = status.peers {
        return Some(peers);
    }
    let peers: Vec<Peer> = client.get_as("/v1/peers", &[]).ok()?;
    u64::try_from(peers.len()).ok()
}
