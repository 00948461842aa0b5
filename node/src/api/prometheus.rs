//! `GET /metrics`: the node's counters, the store's sizes and, when the node runs a
//! network, the network's counters, in the Prometheus text format (version 0.0.4), for
//! a scraper on the same machine.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use super::error::ApiError;
use super::{ApiState, peers, read_store};
use crate::metrics::Metrics;

/// The content type of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

pub(super) async fn metrics(
    State(state): State<Arc<ApiState>>,
) -> Result<impl IntoResponse, ApiError> {
    let stats = read_store(&state, |store| store.stats()).await?;
    let node = &state.node;
    let counters = &node.metrics;
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, samples: &[(String, u64)]| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    let one = |value: u64| [(String::new(), value)];
    metric(
        "commons_records_stored_total",
        "counter",
        "Records stored, whatever their source.",
        &one(Metrics::get(&counters.stored)),
    );
    metric(
        "commons_records_duplicate_total",
        "counter",
        "Records received again when already held.",
        &one(Metrics::get(&counters.duplicates)),
    );
    let rejected: Vec<(String, u64)> = counters
        .rejected()
        .into_iter()
        .map(|(reason, count)| (format!("{{reason=\"{reason}\"}}"), count))
        .collect();
    metric(
        "commons_records_rejected_total",
        "counter",
        "Records refused, by reason.",
        &rejected,
    );
    metric(
        "commons_forks_total",
        "counter",
        "Forks found (two records of one feed with the same seq).",
        &one(Metrics::get(&counters.forks)),
    );
    metric(
        "commons_commits_total",
        "counter",
        "Group commits written to the store.",
        &one(Metrics::get(&counters.commits)),
    );
    metric(
        "commons_commit_failures_total",
        "counter",
        "Group commits that failed (nothing of them was stored).",
        &one(Metrics::get(&counters.commit_failures)),
    );
    metric(
        "commons_store_records",
        "gauge",
        "Records held with their content.",
        &one(stats.records),
    );
    metric(
        "commons_store_tombstones",
        "gauge",
        "Retracted records held as tombstones.",
        &one(stats.tombstones),
    );
    metric(
        "commons_store_bytes",
        "gauge",
        "Size of the store on disk, in bytes.",
        &one(stats.bytes),
    );
    metric(
        "commons_members",
        "gauge",
        "Member orgs on the current roster.",
        &one(node.roster().member_count() as u64),
    );
    metric(
        "commons_publishing_held",
        "gauge",
        "1 while publishing is held after a restore from a backup, until caught up.",
        &one(u64::from(node.publishing.is_held())),
    );
    metric(
        "commons_uptime_seconds",
        "gauge",
        "Seconds since the node started.",
        &one(node.started.elapsed().as_secs()),
    );
    for (name, kind, help, value) in [
        (
            "commons_notify_hooks",
            "gauge",
            "Notification hooks configured ([[notify]] in config.toml).",
            &counters.notify_hooks,
        ),
        (
            "commons_notify_events_total",
            "counter",
            "Events taken in to notify (alerts, answers to ours, votes waiting).",
            &counters.notify_events,
        ),
        (
            "commons_notify_delivered_total",
            "counter",
            "Notifications a hook took.",
            &counters.notify_delivered,
        ),
        (
            "commons_notify_failures_total",
            "counter",
            "Notification attempts that failed (each retry counts).",
            &counters.notify_failures,
        ),
        (
            "commons_notify_given_up_total",
            "counter",
            "Notifications given up after their hook kept failing.",
            &counters.notify_given_up,
        ),
        (
            "commons_notify_dropped_total",
            "counter",
            "Records dropped from the full notification queue (found again in the store).",
            &counters.notify_dropped,
        ),
        (
            "commons_notify_pending",
            "gauge",
            "Notifications waiting for their hook.",
            &counters.notify_pending,
        ),
    ] {
        metric(name, kind, help, &one(Metrics::get(value)));
    }
    for (name, help, kind, value) in peers::metric_samples(&state) {
        metric(name, kind, help, &one(value));
    }
    if let Some(network) = &state.network {
        out.push_str(&network.metrics().libp2p_text());
    }
    Ok(([(header::CONTENT_TYPE, CONTENT_TYPE)], out))
}
