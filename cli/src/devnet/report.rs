//! Step 9 of a devnet: the report of what it measured, as a table or as JSON
//! ([`Outcome::table`], [`Outcome::json`]), and, with `--keep-running`, how to point
//! `commons` at each node ([`print_hints`]).

use commons_node::daemon::WEB_ADDRESS_FILE;
use commons_protocol::text::hex;
use serde_json::{Value, json};

use super::measure::Outcome;
use super::nodes::{LOG_FILE, Node};
use super::plan::Plan;
use super::progress;

impl Outcome {
    /// The `--json` report: `network`; `nodes`, each with `name`, `peer_id`, `records`
    /// (held, delegations included), `peers`, `api`, `data_dir` (`null` once removed),
    /// `publish_to_everywhere_ms` (its own records until the last node held them) and
    /// `arrival_ms` (the others' records until it held them), each `{p50, p99,
    /// records}`, and `held_by_kind`; `records_published` and `published_by_kind`;
    /// `latency_ms` (every record until the last node, `{p50, p99, max}`);
    /// `publish_call_ms`; `converged_ms`; `traffic` (bytes received per node per
    /// record while they spread, by protocol: [`TrafficReport::json`]); `wall_ms`
    /// (until this report).
    ///
    /// [`TrafficReport::json`]: crate::traffic::TrafficReport::json
    pub(super) fn json(&self) -> Value {
        let nodes: Vec<Value> = self
            .nodes
            .iter()
            .map(|node| {
                json!({
                    "name": node.name,
                    "peer_id": node.peer_id,
                    "records": node.records,
                    "peers": node.peers,
                    "api": node.api.to_string(),
                    "data_dir": node.data_dir.as_ref().map(|dir| dir.display().to_string()),
                    "publish_to_everywhere_ms": {
                        "p50": round_ms(percentile(&node.sent_ms, 50.0)),
                        "p99": round_ms(percentile(&node.sent_ms, 99.0)),
                        "records": node.sent_ms.len(),
                    },
                    "arrival_ms": {
                        "p50": round_ms(percentile(&node.arrival_ms, 50.0)),
                        "p99": round_ms(percentile(&node.arrival_ms, 99.0)),
                        "records": node.arrival_ms.len(),
                    },
                    "held_by_kind": node.held_by_kind,
                })
            })
            .collect();
        let export = self.exported.as_ref().and_then(|(path, exported)| {
            exported.report.as_ref().map(|report| {
                json!({
                    "file": path.display().to_string(),
                    "bytes": exported.bytes,
                    "records": report.records,
                    "feeds": report.feeds.len(),
                    "root_hash": hex(&report.root),
                })
            })
        });
        json!({
            "network": self.network,
            "export": export,
            "nodes": nodes,
            "records_published": self.published,
            "published_by_kind": self.published_by_kind,
            "latency_ms": {
                "p50": round_ms(percentile(&self.latencies_ms, 50.0)),
                "p99": round_ms(percentile(&self.latencies_ms, 99.0)),
                "max": round_ms(self.latencies_ms.last().copied().unwrap_or(0.0)),
            },
            "publish_call_ms": {
                "p50": round_ms(percentile(&self.calls_ms, 50.0)),
                "p99": round_ms(percentile(&self.calls_ms, 99.0)),
            },
            "converged_ms": round_ms(self.converged.as_secs_f64() * 1000.0),
            "traffic": self.traffic.json(),
            "wall_ms": round_ms(self.wall.as_secs_f64() * 1000.0),
        })
    }

    pub(super) fn table(&self, plan: &Plan) -> String {
        let width = self
            .nodes
            .iter()
            .map(|node| node.name.chars().count())
            .max()
            .unwrap_or(0)
            .max("node".len());
        let mut out = format!(
            "Devnet of {} nodes, each dialing up to {} others: {} records published\n\n",
            plan.nodes, plan.dial, self.published
        );
        out.push_str(&format!(
            "{:>3}  {:<width$}  {:<14}  {:>7}  {:>5}  {:>17}  {:>17}\n",
            "", "", "", "", "", "its records to all", "others' to it"
        ));
        out.push_str(&format!(
            "{:>3}  {:<width$}  {:<14}  {:>7}  {:>5}  {:>8} {:>8}  {:>8} {:>8}\n",
            "#", "node", "peer id", "records", "peers", "p50 ms", "p99 ms", "p50 ms", "p99 ms"
        ));
        for (index, node) in self.nodes.iter().enumerate() {
            out.push_str(&format!(
                "{index:>3}  {:<width$}  {:<14}  {:>7}  {:>5}  {:>8.1} {:>8.1}  {:>8.1} {:>8.1}\n",
                node.name,
                short_peer_id(&node.peer_id),
                node.records,
                node.peers
                    .map_or_else(|| "?".to_owned(), |peers| peers.to_string()),
                percentile(&node.sent_ms, 50.0),
                percentile(&node.sent_ms, 99.0),
                percentile(&node.arrival_ms, 50.0),
                percentile(&node.arrival_ms, 99.0),
            ));
        }
        let kinds: Vec<String> = self
            .published_by_kind
            .iter()
            .map(|(kind, count)| format!("{count} {kind}"))
            .collect();
        out.push_str(&format!(
            "\nPublished: {}; every node holds every one.\n",
            kinds.join(", ")
        ));
        out.push_str(&format!(
            "Records held include the {} devices' delegations. \"Its records to all\": from \
             the publish call until the last node held it; \"others' to it\": until this \
             node held it.\n\
             Publish to last node: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms\n\
             The publish call alone: p50 {:.1} ms, p99 {:.1} ms\n\
             Every node held every record {:.2} s after the first publish; {:.1} s in all.\n",
            plan.nodes,
            percentile(&self.latencies_ms, 50.0),
            percentile(&self.latencies_ms, 99.0),
            self.latencies_ms.last().copied().unwrap_or(0.0),
            percentile(&self.calls_ms, 50.0),
            percentile(&self.calls_ms, 99.0),
            self.converged.as_secs_f64(),
            self.wall.as_secs_f64(),
        ));
        out.push_str(&self.traffic.line());
        if let Some((path, exported)) = &self.exported
            && let Some(report) = &exported.report
        {
            out.push_str(&format!(
                "\nArchive: {} records of {} feeds in {} ({} bytes), verified.\n\
                 root hash  {}\n\
                 Check it offline, with no node running: commons archive verify {}\n",
                report.records,
                report.feeds.len(),
                path.display(),
                exported.bytes,
                hex(&report.root),
                path.display(),
            ));
        }
        out
    }
}

/// `ms` to a tenth of a millisecond, as a JSON number.
fn round_ms(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

/// A peer id as a table shows it: every Commons peer id starts `12D3KooW`, so the end
/// is what tells them apart.
pub(super) fn short_peer_id(peer_id: &str) -> String {
    let chars: Vec<char> = peer_id.chars().collect();
    if chars.len() <= 12 {
        return peer_id.to_owned();
    }
    let tail: String = chars[chars.len() - 8..].iter().collect();
    format!("12D3…{tail}")
}

/// The nearest-rank `p`th percentile of `sorted` (ascending), 0 when empty.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // The rank is at most the length, so these conversions lose nothing that matters.
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// How to point `commons` at each node of a devnet that keeps running: on standard
/// output for people, on standard error (beside the progress lines) with --json, so that
/// standard output stays one JSON document.
pub(super) fn print_hints(json: bool, nodes: &[Node], plan: &Plan) {
    let mut lines = vec![
        "The devnet keeps running. Point commons at any of its nodes with --data-dir, and open \
         each org's web app with `open` (it prints a one-time login link):"
            .to_owned(),
    ];
    for (index, node) in nodes.iter().enumerate() {
        lines.push(format!("  node {index}  {}", node.name));
        lines.push(format!(
            "    commons --data-dir {} open",
            node.dir.display()
        ));
        lines.push(format!(
            "    commons --data-dir {} status",
            node.dir.display()
        ));
        if let Ok(web) = std::fs::read_to_string(node.dir.join(WEB_ADDRESS_FILE)) {
            lines.push(format!("    web app http://{}", web.trim()));
        }
        lines.push(format!(
            "    api {}  peer {}  log {}",
            node.api,
            node.peer_id,
            node.dir.join(LOG_FILE).display()
        ));
    }
    if let Some(node) = nodes.get(1) {
        lines.push(format!(
            "For example: commons --data-dir {} records search eviction",
            node.dir.display()
        ));
    }
    let parent = nodes
        .first()
        .and_then(|node| node.dir.parent())
        .map(|dir| dir.display().to_string())
        .unwrap_or_default();
    lines.push(if plan.keep {
        format!("Press Ctrl-C to stop every node (their directories stay in {parent}).")
    } else {
        format!("Press Ctrl-C to stop every node and remove {parent} (--keep keeps it).")
    });
    for line in lines {
        if json {
            progress(&line);
        } else {
            println!("{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 50.0);
        assert_eq!(percentile(&values, 99.0), 99.0);
        assert_eq!(percentile(&values, 100.0), 100.0);
        assert_eq!(percentile(&[7.0], 99.0), 7.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
        assert_eq!(percentile(&[1.0, 2.0, 3.0], 50.0), 2.0);
    }

    #[test]
    fn peer_ids_are_shortened_to_their_end() {
        assert_eq!(
            short_peer_id("12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo"),
            "12D3…kSCVe2Xo"
        );
        assert_eq!(short_peer_id("short"), "short");
    }
}
