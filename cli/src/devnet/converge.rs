//! Step 6 of a devnet: wait until every node holds every published record
//! ([`converge`]), reading back the records of a node whose event stream skipped some
//! ([`held_ids`]), or say which node misses what ([`not_converged`]); and the traffic
//! the records took to spread.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail};
use commons_node::api::contract::StatusAnswer;
use commons_node::api::contract::records::RecordsPage;

use super::children::Children;
use super::events::{Observed, lock};
use super::nodes::{LOG_FILE, Node};
use super::plan::Plan;
use super::publish::{Published, Publishing};
use super::report::short_peer_id;
use super::{POLL_INTERVAL, STATUS_INTERVAL};
use crate::client::Client;
use crate::traffic::TrafficReport;

/// Records per page when a lagged stream's node is read back.
const PAGE_LIMIT: usize = 1000;

/// The network, converged.
#[derive(Debug)]
pub(super) struct Converged {
    /// Each node's `GET /v1/status` once it held every record.
    pub(super) statuses: Vec<StatusAnswer>,
    /// From the first publish call until every node held every record.
    pub(super) after: Duration,
    /// Bytes each node received while the records spread.
    pub(super) traffic: TrafficReport,
}

/// Waits until every node holds every published record and the delegations; then
/// reads how many bytes each node received meanwhile.
pub(super) fn converge(
    plan: &Plan,
    nodes: &[Node],
    clients: &[Client],
    publishing: &Publishing,
    observed: &Mutex<Observed>,
    children: &mut Children,
    interrupted: &AtomicBool,
) -> anyhow::Result<Converged> {
    let published = &publishing.published;
    let expected = u64::try_from(plan.records + plan.nodes).unwrap_or(u64::MAX);
    let statuses = wait_for_convergence(
        plan,
        nodes,
        clients,
        published,
        observed,
        expected,
        publishing.start,
        children,
        interrupted,
    )?;
    let after = publishing.start.elapsed();
    let traffic_after = crate::traffic::snapshot(clients)?;
    let ids: HashSet<&str> = published.iter().map(|record| record.id.as_str()).collect();
    let traffic = TrafficReport {
        records: published.len(),
        record_bytes: crate::traffic::record_bytes(&clients[0], &ids)?,
        nodes: traffic_after
            .iter()
            .zip(&publishing.traffic_before)
            .map(|(after, before)| after.since(before))
            .collect(),
    };
    Ok(Converged {
        statuses,
        after,
        traffic,
    })
}

/// Waits until every node's stream has announced every published record and every
/// node's status counts `expected` records; answers the final statuses.
#[allow(clippy::too_many_arguments)]
fn wait_for_convergence(
    plan: &Plan,
    nodes: &[Node],
    clients: &[Client],
    published: &[Published],
    observed: &Mutex<Observed>,
    expected: u64,
    publish_start: Instant,
    children: &mut Children,
    interrupted: &AtomicBool,
) -> anyhow::Result<Vec<StatusAnswer>> {
    let deadline = plan.converge_deadline();
    let mut last_status = publish_start;
    let mut statuses: Vec<Option<StatusAnswer>> = vec![None; nodes.len()];
    loop {
        if interrupted.load(Ordering::SeqCst) {
            bail!("interrupted while waiting for the records to reach every node");
        }
        children.check_all()?;
        let missing = missing_per_node(published, &lock(observed));
        // A stream that lagged skipped some announcements: read that node's records.
        let lagged: Vec<usize> = {
            let observed = lock(observed);
            (0..nodes.len())
                .filter(|&index| observed.lagged[index] && missing[index] > 0)
                .collect()
        };
        for index in lagged {
            let ids = held_ids(&clients[index])?;
            let now = Instant::now();
            let mut observed = lock(observed);
            for id in ids {
                observed.seen[index].entry(id).or_insert(now);
            }
            observed.lagged[index] = false;
        }
        let all_seen = missing.iter().all(|missing| *missing == 0);
        let timed_out = publish_start.elapsed() > deadline;
        if all_seen || timed_out || last_status.elapsed() >= STATUS_INTERVAL {
            for (status, client) in statuses.iter_mut().zip(clients) {
                *status = Some(client.get_as("/v1/status", &[])?);
            }
            last_status = Instant::now();
            let counts_match = statuses
                .iter()
                .all(|status| status.as_ref().map(|status| status.records) == Some(expected));
            if all_seen && counts_match {
                return Ok(statuses.into_iter().flatten().collect());
            }
        }
        if timed_out {
            return Err(not_converged(
                plan,
                nodes,
                published,
                &lock(observed),
                &statuses,
                expected,
            ));
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

/// How many published records each node's stream has not announced.
fn missing_per_node(published: &[Published], observed: &Observed) -> Vec<usize> {
    observed
        .seen
        .iter()
        .map(|seen| {
            published
                .iter()
                .filter(|record| !seen.contains_key(&record.id))
                .count()
        })
        .collect()
}

/// Every record id `client`'s node holds, page by page.
fn held_ids(client: &Client) -> anyhow::Result<HashSet<String>> {
    let mut ids = HashSet::new();
    let mut before: Option<String> = None;
    loop {
        let mut query = vec![("limit", PAGE_LIMIT.to_string())];
        if let Some(cursor) = &before {
            query.push(("before", cursor.clone()));
        }
        let page: RecordsPage = client.get_as("/v1/records", &query)?;
        ids.extend(page.records.into_iter().map(|record| record.id));
        match page.next {
            Some(next) => before = Some(next),
            None => return Ok(ids),
        }
    }
}

/// The error of a devnet that did not converge: which nodes miss how many records,
/// and whose.
fn not_converged(
    plan: &Plan,
    nodes: &[Node],
    published: &[Published],
    observed: &Observed,
    statuses: &[Option<StatusAnswer>],
    expected: u64,
) -> anyhow::Error {
    let mut lines = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        let held = statuses[index].as_ref().map(|status| status.records);
        let mut missing_from = vec![0usize; nodes.len()];
        for record in published {
            if !observed.seen[index].contains_key(&record.id) {
                missing_from[record.node] += 1;
            }
        }
        let missing: usize = missing_from.iter().sum();
        if missing == 0 && held == Some(expected) {
            continue;
        }
        let publishers: Vec<String> = missing_from
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(publisher, count)| format!("{count} from node {publisher}"))
            .collect();
        lines.push(format!(
            "node {index} ({}, peer {}) misses {missing} of the {} published records{} and \
             holds {} of {expected} records (the delegations included); log: {}",
            node.name,
            short_peer_id(&node.peer_id),
            published.len(),
            if publishers.is_empty() {
                String::new()
            } else {
                format!(" ({})", publishers.join(", "))
            },
            held.map_or_else(|| "?".to_owned(), |held| held.to_string()),
            node.dir.join(LOG_FILE).display(),
        ));
    }
    anyhow!(
        "the devnet did not converge within {} s: {} of {} nodes lack records:\n  {}\n\
         rerun with --keep to keep the logs, and RUST_LOG=commons_node=debug for detail",
        plan.converge_deadline().as_secs(),
        lines.len(),
        nodes.len(),
        lines.join("\n  ")
    )
}
