//! What a devnet's network carried while its records spread: each node's bytes
//! received, by protocol, read from its `/metrics` just before the first publish and
//! again once every node held every record, and set beside the size of the records
//! themselves. A node receives each record at least once; what it receives beyond that
//! is duplicates, gossip's control messages, sync and the connections' own traffic.

use std::collections::HashSet;

use anyhow::Context as _;
use commons_node::api::contract::records::RecordsPage;

use crate::client::Client;

/// One node's counters, from its `/metrics` text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct NodeTraffic {
    /// Bytes read from every libp2p stream (`libp2p_bandwidth_bytes_total`, inbound):
    /// gossip, sync, attachments, identify, ping, Kademlia and protocol negotiation.
    pub received: u64,
    /// Bytes of gossip messages received, duplicates included
    /// (`libp2p_gossipsub_topic_msg_recv_bytes_unfiltered_total`, every topic).
    pub gossip: u64,
    /// Bytes of sync frames read (`commons_sync_bytes_received_total`).
    pub sync: u64,
}

impl NodeTraffic {
    /// The counters in a `/metrics` text; a counter the text lacks is 0.
    pub(crate) fn parse(text: &str) -> NodeTraffic {
        let mut traffic = NodeTraffic::default();
        for line in text.lines().filter(|line| !line.starts_with('#')) {
            let Some((series, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let Ok(value) = value.parse::<f64>() else {
                continue;
            };
            // Counters are whole numbers of bytes, far below 2^53.
            let value = value as u64;
            let name = series.split('{').next().unwrap_or(series);
            match name {
                "libp2p_bandwidth_bytes_total" if series.contains("direction=\"Inbound\"") => {
                    traffic.received += value;
                }
                "libp2p_gossipsub_topic_msg_recv_bytes_unfiltered_total" => {
                    traffic.gossip += value;
                }
                "commons_sync_bytes_received_total" => traffic.sync += value,
                _ => {}
            }
        }
        traffic
    }

    /// What was received between `earlier` and `self`.
    pub(crate) fn since(&self, earlier: &NodeTraffic) -> NodeTraffic {
        NodeTraffic {
            received: self.received.saturating_sub(earlier.received),
            gossip: self.gossip.saturating_sub(earlier.gossip),
            sync: self.sync.saturating_sub(earlier.sync),
        }
    }
}

/// Every node's counters now.
pub(crate) fn snapshot(clients: &[Client]) -> anyhow::Result<Vec<NodeTraffic>> {
    clients
        .iter()
        .map(|client| {
            let mut text = Vec::new();
            client
                .download("/metrics", &[], &mut text)
                .with_context(|| format!("reading the metrics of {}", client.address()))?;
            Ok(NodeTraffic::parse(&String::from_utf8_lossy(&text)))
        })
        .collect()
}

/// The signed size in bytes of the records `ids` names, as `client`'s node holds them.
pub(crate) fn record_bytes(client: &Client, ids: &HashSet<&str>) -> anyhow::Result<u64> {
    let mut total = 0u64;
    let mut before: Option<String> = None;
    loop {
        let mut query = vec![("limit", "1000".to_owned())];
        if let Some(cursor) = &before {
            query.push(("before", cursor.clone()));
        }
        let page: RecordsPage = client.get_as("/v1/records", &query)?;
        for record in &page.records {
            if ids.contains(record.id.as_str()) {
                total += record.signed.len() as u64 / 2;
            }
        }
        match page.next {
            Some(next) => before = Some(next),
            None => return Ok(total),
        }
    }
}

/// What the nodes received while `records` records of `record_bytes` bytes in all
/// spread.
#[derive(Debug, Clone)]
pub(crate) struct TrafficReport {
    pub records: usize,
    pub record_bytes: u64,
    pub nodes: Vec<NodeTraffic>,
}

impl TrafficReport {
    fn mean_record(&self) -> f64 {
        self.record_bytes as f64 / self.records.max(1) as f64
    }

    /// Mean over the nodes of `part` of each node's traffic, per record published.
    fn per_record(&self, part: impl Fn(&NodeTraffic) -> u64) -> f64 {
        let nodes = self.nodes.len().max(1) as f64;
        let sum: u64 = self.nodes.iter().map(part).sum();
        sum as f64 / nodes / self.records.max(1) as f64
    }

    fn max_per_record(&self) -> f64 {
        self.nodes
            .iter()
            .map(|node| node.received as f64 / self.records.max(1) as f64)
            .fold(0.0, f64::max)
    }

    /// The `--json` form: `record_bytes` (the mean signed size), and per node per
    /// record `received` (mean and max), `gossip`, `sync`, `other`, and `ratio` (mean
    /// received over the record's size).
    pub(crate) fn json(&self) -> serde_json::Value {
        let received = self.per_record(|node| node.received);
        let gossip = self.per_record(|node| node.gossip);
        let sync = self.per_record(|node| node.sync);
        serde_json::json!({
            "record_bytes": self.mean_record().round(),
            "received_per_node_per_record": {
                "mean": received.round(),
                "max": self.max_per_record().round(),
                "gossip": gossip.round(),
                "sync": sync.round(),
                "other": (received - gossip - sync).max(0.0).round(),
            },
            "ratio": (received / self.mean_record().max(1.0) * 100.0).round() / 100.0,
        })
    }

    /// One line for the table.
    pub(crate) fn line(&self) -> String {
        let received = self.per_record(|node| node.received);
        format!(
            "Bytes received per node per record while they spread: {:.0} (max {:.0}; gossip \
             {:.0}, sync {:.0}, the rest {:.0}), {:.2}x the record's {:.0} bytes.\n",
            received,
            self.max_per_record(),
            self.per_record(|node| node.gossip),
            self.per_record(|node| node.sync),
            (received - self.per_record(|node| node.gossip) - self.per_record(|node| node.sync))
                .max(0.0),
            received / self.mean_record().max(1.0),
            self.mean_record(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counters_are_read_from_a_metrics_text() {
        let text = "\
# HELP commons_sync_bytes_received_total Bytes of sync frames read from peers.
# TYPE commons_sync_bytes_received_total counter
commons_sync_bytes_received_total 900
commons_sync_bytes_sent_total 1162
# TYPE libp2p_bandwidth_bytes counter
libp2p_bandwidth_bytes_total{protocols=\"/ip4/tcp\",direction=\"Outbound\"} 2950
libp2p_bandwidth_bytes_total{protocols=\"/ip4/tcp\",direction=\"Inbound\"} 2460
libp2p_bandwidth_bytes_total{protocols=\"/ip4/udp/quic-v1\",direction=\"Inbound\"} 40
libp2p_gossipsub_topic_msg_recv_bytes_unfiltered_total{hash=\"a/records\"} 405
libp2p_gossipsub_topic_msg_recv_bytes_unfiltered_total{hash=\"a/alerts\"} 100
libp2p_gossipsub_topic_msg_recv_bytes_total{hash=\"a/records\"} 405
";
        let traffic = NodeTraffic::parse(text);
        assert_eq!(
            traffic,
            NodeTraffic {
                received: 2500,
                gossip: 505,
                sync: 900,
            }
        );
        let earlier = NodeTraffic {
            received: 500,
            gossip: 5,
            sync: 0,
        };
        assert_eq!(
            traffic.since(&earlier),
            NodeTraffic {
                received: 2000,
                gossip: 500,
                sync: 900,
            }
        );
        let report = TrafficReport {
            records: 2,
            record_bytes: 1000,
            nodes: vec![traffic.since(&earlier), traffic.since(&earlier)],
        };
        let json = report.json();
        assert_eq!(json["record_bytes"], 500.0);
        assert_eq!(json["received_per_node_per_record"]["mean"], 1000.0);
        assert_eq!(json["received_per_node_per_record"]["other"], 300.0);
        assert_eq!(json["ratio"], 2.0);
    }
}
