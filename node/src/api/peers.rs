//! The network as the operator sees it: `GET /v1/peers` (who this node is connected to
//! and how each stands), `GET /v1/sync` (each feed held here against the best head any
//! member peer reported, and what each peer delivered), and the network's part of
//! `GET /v1/status` and `/metrics`. Everything comes from one
//! [`NetworkHandle::report`], the store's heads and the roster; a node that runs
//! without a network answers 503. `GET /v1/sync/heads` is the store's heads alone, as
//! a heads file to carry by hand, and needs no network.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use commons_protocol::{DeviceKey, FeedSummary, HeadsFile, Roster};

use super::contract::{FeedHead, Peer, Reach, Relay, SyncAnswer, SyncFeed, SyncPeer};
use super::error::ApiError;
use super::{ApiState, read_store};
use crate::network::sync_serve::summary;
use crate::network::{NetworkError, NetworkHandle, NetworkMetrics, PeerReport};
use crate::store::FeedHead as LocalHead;

/// The network, or the 503 of a node that runs without one.
fn network(state: &ApiState) -> Result<&NetworkHandle, ApiError> {
    state.network.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_network",
            "this node runs without a network, so it has no peers and syncs with no one: \
             run it with `commons node run` to connect it to its peers",
        )
    })
}

/// A network that stopped answering: 503.
fn network_error(error: &NetworkError) -> ApiError {
    let reason = match error {
        NetworkError::Shutdown => "network_stopped",
        _ => "network",
    };
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        reason,
        format!("{error}: look at the node's logs, and restart it if it does not recover"),
    )
}

/// The org of `device` on `roster`, as text.
fn org_of(roster: &Roster, device: Option<&DeviceKey>) -> Option<String> {
    device
        .and_then(|device| roster.device(device))
        .map(|known| known.org.to_string())
}

/// One connected peer, every field of its report.
fn peer_answer(peer: &PeerReport, roster: &Roster) -> Peer {
    Peer {
        peer_id: peer.peer.to_string(),
        device: peer.device.map(|device| device.to_string()),
        org: org_of(roster, peer.device.as_ref()),
        member: peer.member,
        relayed: peer.relayed,
        admitted_us: peer.admitted_us,
        address: peer.address.to_string(),
        connected_ms: peer.connected_ms,
        last_sync_ms: peer.last_sync_ms,
        records_pulled: peer.records_pulled,
        feeds_reported: peer.feeds_reported as u64,
        score: peer.score.filter(|score| score.is_finite()),
        gossip: peer.gossip,
        in_mesh: peer.in_mesh,
    }
}

pub(super) async fn peers(State(state): State<Arc<ApiState>>) -> Result<Json<Vec<Peer>>, ApiError> {
    let report = network(&state)?
        .report()
        .await
        .map_err(|error| network_error(&error))?;
    let roster = state.node.roster();
    let peers = report
        .peers
        .iter()
        .map(|peer| peer_answer(peer, &roster))
        .collect();
    Ok(Json(peers))
}

/// A head as `{contiguous, max_seq, frozen}`.
fn head(contiguous: u64, max_seq: u64, frozen: bool) -> FeedHead {
    FeedHead {
        contiguous,
        max_seq,
        frozen,
    }
}

/// Every feed held here or reported by a member peer, in order of author: the local
/// head, the best known one and how many records this node lacks of the best
/// contiguous run.
fn sync_feeds(local: &[LocalHead], best_known: &[FeedSummary], roster: &Roster) -> Vec<SyncFeed> {
    let mut feeds: BTreeMap<DeviceKey, (Option<&LocalHead>, Option<&FeedSummary>)> =
        BTreeMap::new();
    for head in local {
        feeds.entry(head.author).or_default().0 = Some(head);
    }
    for best in best_known {
        feeds.entry(best.author).or_default().1 = Some(best);
    }
    feeds
        .iter()
        .map(|(author, (local, best))| {
            let have = local.map_or(0, |local| local.contiguous);
            let behind = best.map_or(0, |best| best.contiguous.saturating_sub(have));
            SyncFeed {
                author: author.to_string(),
                org: org_of(roster, Some(author)),
                local: local.map(|local| head(local.contiguous, local.max_seq, local.frozen)),
                best_known: best.map(|best| head(best.contiguous, best.max_seq, best.frozen)),
                behind,
            }
        })
        .collect()
}

pub(super) async fn sync(State(state): State<Arc<ApiState>>) -> Result<Json<SyncAnswer>, ApiError> {
    let report = network(&state)?
        .report()
        .await
        .map_err(|error| network_error(&error))?;
    let local = read_store(&state, |store| store.heads()).await?;
    let roster = state.node.roster();
    let feeds = sync_feeds(&local, &report.best_known, &roster);
    let peers = report
        .peers
        .iter()
        .map(|peer| SyncPeer {
            peer_id: peer.peer.to_string(),
            device: peer.device.map(|device| device.to_string()),
            org: org_of(&roster, peer.device.as_ref()),
            member: peer.member,
            last_sync_ms: peer.last_sync_ms,
            records_pulled: peer.records_pulled,
            feeds_reported: peer.feeds_reported as u64,
        })
        .collect();
    Ok(Json(SyncAnswer { feeds, peers }))
}

/// `GET /v1/sync/heads`: this node's heads as a heads file (docs/protocol.md §17),
/// for a disconnected site to carry to one that can export what it lacks.
pub(super) async fn heads_file(State(state): State<Arc<ApiState>>) -> Result<Response, ApiError> {
    let heads = read_store(&state, |store| store.heads()).await?;
    let feeds = heads.iter().map(summary).collect();
    let file = HeadsFile::new(state.node.network, crate::clock::now_ms(), feeds);
    let mut response = file.encode().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    Ok(response)
}

/// The network's fields of `GET /v1/status`, all `None` without a network.
#[derive(Debug, Default)]
pub(super) struct NetworkStatus {
    /// This node's peer id.
    pub(super) peer_id: Option<String>,
    /// The addresses peers dial it at, each ending in `/p2p/<peer id>`.
    pub(super) listen: Option<Vec<String>>,
    /// How many peers are connected.
    pub(super) peers: Option<u64>,
    /// How many of them are members' devices.
    pub(super) member_peers: Option<u64>,
    /// How peers reach this node.
    pub(super) reach: Option<Reach>,
}

/// The network's fields of `GET /v1/status`: this node's peer id, the addresses peers
/// dial it at (each ending in `/p2p/<peer id>`), and how many peers are connected and
/// how many of them are members' devices. All `null` without a network; the counts and
/// addresses `null` if the network stopped answering.
pub(super) async fn status_fields(state: &Arc<ApiState>) -> NetworkStatus {
    let Some(network) = &state.network else {
        return NetworkStatus::default();
    };
    let peer_id = network.peer_id();
    let listen = network.listen_addrs().await.ok().map(|addrs| {
        addrs
            .iter()
            .map(|addr| format!("{addr}/p2p/{peer_id}"))
            .collect::<Vec<_>>()
    });
    let (peers, member_peers, reach) = match network.report().await {
        Ok(report) => (
            Some(report.peers.len() as u64),
            Some(report.peers.iter().filter(|peer| peer.member).count() as u64),
            Some(reach_answer(state, &report).await),
        ),
        Err(_) => (None, None, None),
    };
    NetworkStatus {
        peer_id: Some(peer_id.to_string()),
        listen,
        peers,
        member_peers,
        reach,
    }
}

/// How peers reach this node: `reachability` (`unknown`, `public`, `behind_nat`,
/// `relayed`), the addresses peers dialed back, the member relays it holds a slot on
/// (each with its org, when the roster knows the device), whether it offers a relay,
/// and how many connected peers it reaches only through a relay.
async fn reach_answer(state: &Arc<ApiState>, report: &crate::network::SyncReport) -> Reach {
    let reach = &report.reach;
    let roster = state.node.roster();
    let mut relays = Vec::new();
    for relay in &reach.relays {
        let device = crate::network::behaviour::device_of(relay);
        let org = device
            .and_then(|device| roster.device(&device))
            .map(|known| known.org);
        let name = match &org {
            Some(org) => super::provenance::org_name(state, org).await.ok().flatten(),
            None => None,
        };
        relays.push(Relay {
            peer_id: relay.to_string(),
            org: org.map(|org| org.to_string()),
            org_name: name,
        });
    }
    Reach {
        reachability: reach.reachability.as_str().to_owned(),
        confirmed: reach.confirmed.iter().map(ToString::to_string).collect(),
        relays,
        offers_relay: reach.offers_relay,
        relayed_peers: report.peers.iter().filter(|peer| peer.relayed).count() as u64,
    }
}

/// The network's counters for `/metrics`, empty without a network.
pub(super) fn metric_samples(
    state: &ApiState,
) -> Vec<(&'static str, &'static str, &'static str, u64)> {
    state
        .network
        .as_ref()
        .map(|network| NetworkMetrics::samples(&network.metrics()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use commons_protocol::DeviceKeypair;
    use commons_protocol::fixtures::sample_charter;

    use super::*;

    fn device(seed: u8) -> DeviceKey {
        DeviceKeypair::from_seed([seed; 32]).public()
    }

    #[test]
    fn feeds_join_local_and_best_known_heads() {
        let (a, b, c) = (device(1), device(2), device(3));
        let local = [
            LocalHead {
                author: a,
                contiguous: 3,
                max_seq: 5,
                frozen: false,
            },
            LocalHead {
                author: b,
                contiguous: 9,
                max_seq: 9,
                frozen: false,
            },
        ];
        let best = [
            FeedSummary {
                author: a,
                contiguous: 7,
                max_seq: 7,
                frozen: false,
            },
            // A peer that knows less than this node: nothing is behind.
            FeedSummary {
                author: b,
                contiguous: 4,
                max_seq: 4,
                frozen: true,
            },
            FeedSummary {
                author: c,
                contiguous: 2,
                max_seq: 2,
                frozen: false,
            },
        ];
        let (charter, _) = sample_charter(1);
        let feeds =
            serde_json::to_value(sync_feeds(&local, &best, &Roster::new(charter.charter())))
                .expect("feeds as JSON");
        let feeds = feeds.as_array().expect("a list");
        assert_eq!(feeds.len(), 3);
        let of = |key: DeviceKey| {
            feeds
                .iter()
                .find(|feed| feed["author"] == key.to_string())
                .unwrap_or_else(|| panic!("no feed {key}"))
        };
        assert_eq!(of(a)["behind"], 4);
        assert_eq!(of(a)["local"]["max_seq"], 5);
        assert_eq!(of(b)["behind"], 0);
        assert_eq!(of(b)["best_known"]["frozen"], true);
        assert_eq!(of(c)["behind"], 2);
        assert_eq!(of(c)["local"], serde_json::Value::Null);
        assert_eq!(of(c)["org"], serde_json::Value::Null);
    }
}
