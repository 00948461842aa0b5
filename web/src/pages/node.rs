//! This node: its health in words for someone who is not technical. Who it is
//! (network, org, device, how long it has run), whether it may publish (held after a
//! restore), the peers connected and whose devices they are, how far behind each feed
//! is (the store's heads against the best heads member peers reported, as
//! `commons sync` compares them), what the store holds, and plain advice for when
//! something is wrong, the advice that applies now first.

use std::collections::BTreeMap;
use std::time::Duration;

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use commons_node::network::reach::Reachability;
use commons_node::network::{PeerReport, SyncReport};
use commons_node::publish_gate::Publishing;
use commons_node::store::{FeedHead, StoreStats};
use commons_protocol::{DeviceKey, FeedSummary, Roster};

use crate::AppState;
use crate::i18n::{ArgValue, Tr};
use crate::page::{Layout, PageResult, Section, render};
use crate::security::Staff;
use crate::view::{OrgDirectory, now_ms};

/// How many feeds the page lists (those behind first); the rest are counted.
pub const FEEDS_SHOWN: usize = 200;
/// How many peers the page lists.
pub const PEERS_SHOWN: usize = 100;
/// From how many missing records in all the page calls the node far behind.
pub const FAR_BEHIND_RECORDS: u64 = 500;
/// The app's version: the workspace's, the same as the node's.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The node page's route.
pub fn routes() -> Router<AppState> {
    Router::new().route("/node", get(node_page))
}

/// One line of a table of facts.
#[derive(Debug, Clone)]
struct Fact {
    label: String,
    value: String,
    href: Option<String>,
    mono: bool,
}

/// One connected peer.
#[derive(Debug, Clone)]
struct PeerRow {
    org: String,
    member: bool,
    device: String,
    connected: String,
    last_sync: String,
    received: String,
}

/// One feed and how far behind this node is on it.
#[derive(Debug, Clone)]
struct FeedRow {
    org: String,
    device: String,
    held: String,
    state: String,
    state_class: &'static str,
    frozen: bool,
}

/// One piece of advice.
#[derive(Debug, Clone)]
struct Advice {
    id: &'static str,
    title: String,
    text: String,
    now: bool,
    /// The "applies now" badge's style: `urgent` for a problem, `watch` for a fact to know.
    class: &'static str,
}

/// The one-line state at the top.
#[derive(Debug, Clone)]
struct Summary {
    text: String,
    class: &'static str,
}

#[derive(Debug, Template)]
#[template(path = "node_health.html")]
struct NodePage {
    page: Layout,
    summary: Summary,
    facts: Vec<Fact>,
    held: Option<String>,
    held_detail: String,
    has_network: bool,
    network_error: Option<String>,
    peer_count: String,
    /// How other members reach this node (none without a network report).
    reach: Option<String>,
    peers: Vec<PeerRow>,
    feed_summary: String,
    feeds: Vec<FeedRow>,
    feeds_not_shown: Option<String>,
    storage: Vec<Fact>,
    advice: Vec<Advice>,
}

/// How other members' nodes reach this one, in a sentence: directly, through which
/// members' relays, or only when it dials them.
fn reach_sentence(
    t: &Tr,
    report: &SyncReport,
    roster: &commons_protocol::Roster,
    names: &OrgDirectory,
) -> String {
    match report.reach.reachability {
        Reachability::Public => t.msg("node-reach-public"),
        Reachability::Relayed => {
            let relays: Vec<String> = report
                .reach
                .relays
                .iter()
                .map(|relay| {
                    commons_node::network::behaviour::device_of(relay)
                        .and_then(|device| roster.device(&device))
                        .map_or_else(
                            || t.msg("node-reach-relay-unknown"),
                            |known| names.name(&known.org),
                        )
                })
                .collect();
            t.text("node-reach-relayed", "relays", &relays.join(", "))
        }
        Reachability::BehindNat => t.msg("node-reach-behind-nat"),
        Reachability::Unknown => t.msg("node-reach-unknown"),
    }
}

/// The network's answer: a report, no network at all, or a network that stopped.
enum Network {
    Absent,
    Failed(String),
    Report(SyncReport),
}

async fn node_page(State(state): State<AppState>, staff: Staff) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Node, t.msg("node-title"));
    let charter = state.node().charter.clone();
    let read = state
        .read(move |store| {
            Ok((
                store.stats()?,
                store.heads()?,
                OrgDirectory::read(store, &charter)?,
            ))
        })
        .await;
    let (stats, heads, names) = match read {
        Ok(read) => read,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let network = match state.network() {
        None => Network::Absent,
        Some(network) => match network.report().await {
            Ok(report) => Network::Report(report),
            Err(error) => Network::Failed(error.to_string()),
        },
    };
    let node = state.node();
    let roster = node.roster();
    let now = now_ms();
    let held = match node.publishing.current() {
        Publishing::Open => None,
        Publishing::Held(hold) => Some(hold),
    };

    let device_label = roster
        .device(&node.device)
        .map_or_else(|| t.msg("node-device-unnamed"), |known| known.label);
    let facts = vec![
        Fact {
            label: t.msg("node-fact-network"),
            value: node.charter.name.clone(),
            href: None,
            mono: false,
        },
        Fact {
            label: t.msg("node-fact-org"),
            value: names.name(&node.org),
            href: Some(format!("/members/{}", node.org)),
            mono: false,
        },
        Fact {
            label: t.msg("node-fact-device"),
            value: device_label,
            href: Some("/profile".to_owned()),
            mono: false,
        },
        Fact {
            label: t.msg("node-fact-uptime"),
            value: uptime(t, node.started.elapsed()),
            href: None,
            mono: false,
        },
        Fact {
            label: t.msg("node-fact-members"),
            value: t.number(roster.member_count()),
            href: Some("/members".to_owned()),
            mono: false,
        },
        Fact {
            label: t.msg("node-fact-version"),
            value: VERSION.to_owned(),
            href: None,
            mono: true,
        },
    ];

    let (peers, member_peers, peer_total) = match &network {
        Network::Report(report) => (
            report
                .peers
                .iter()
                .take(PEERS_SHOWN)
                .map(|peer| peer_row(t, peer, &roster, &names, now))
                .collect(),
            report.peers.iter().filter(|peer| peer.member).count(),
            report.peers.len(),
        ),
        _ => (Vec::new(), 0, 0),
    };
    let reach = match &network {
        Network::Report(report) => Some(reach_sentence(t, report, &roster, &names)),
        _ => None,
    };
    let peer_count = t.with(
        "node-peer-count",
        &[
            ("count", ArgValue::Number(peer_total as u64)),
            ("members", ArgValue::Number(member_peers as u64)),
        ],
    );

    let (feeds, behind_feeds, behind_records) = match &network {
        Network::Report(report) => feed_rows(
            t,
            &heads,
            &report.best_known,
            member_peers > 0,
            &roster,
            &names,
        ),
        _ => (Vec::new(), 0, 0),
    };
    let feed_total = feeds.len();
    let feed_summary = if behind_feeds == 0 {
        t.count("node-feeds-all-caught-up", feed_total)
    } else {
        t.with(
            "node-feeds-behind",
            &[
                ("records", ArgValue::Number(behind_records)),
                ("feeds", ArgValue::Number(behind_feeds as u64)),
                ("total", ArgValue::Number(feed_total as u64)),
            ],
        )
    };
    let feeds_not_shown = (feed_total > FEEDS_SHOWN)
        .then(|| t.count("node-feeds-not-shown", feed_total - FEEDS_SHOWN));
    let feeds: Vec<FeedRow> = feeds.into_iter().take(FEEDS_SHOWN).collect();

    let storage = storage_facts(t, &stats, heads.len());

    let has_network = !matches!(network, Network::Absent);
    let no_member_peers = matches!(network, Network::Report(_)) && member_peers == 0;
    let far_behind = behind_records >= FAR_BEHIND_RECORDS;
    let summary = if !has_network {
        Summary {
            text: t.msg("node-summary-no-network"),
            class: "warning",
        }
    } else if let Network::Failed(_) = network {
        Summary {
            text: t.msg("node-summary-network-failed"),
            class: "error",
        }
    } else if held.is_some() {
        Summary {
            text: t.msg("node-summary-held"),
            class: "warning",
        }
    } else if no_member_peers {
        Summary {
            text: t.msg("node-summary-no-peers"),
            class: "warning",
        }
    } else if behind_records > 0 {
        Summary {
            text: t.count("node-summary-catching-up", behind_records),
            class: "warning",
        }
    } else {
        Summary {
            text: t.count("node-summary-ok", member_peers),
            class: "success",
        }
    };

    let conditions = [
        ("no-network", !has_network),
        ("no-peers", no_member_peers),
        ("behind", far_behind),
        ("held", held.is_some()),
        ("disk", false),
        ("outsider", peers.iter().any(|peer: &PeerRow| !peer.member)),
        ("stopped", matches!(network, Network::Failed(_))),
    ];
    let mut advice: Vec<Advice> = conditions
        .into_iter()
        // Advice about having no network only where there is none.
        .filter(|(id, now)| *id != "no-network" || *now)
        .map(|(id, now)| Advice {
            id,
            title: t.msg(&format!("node-advice-{id}-title")),
            text: t.msg(&format!("node-advice-{id}")),
            now,
            class: if id == "outsider" { "watch" } else { "urgent" },
        })
        .collect();
    // What applies now first; otherwise the order above.
    advice.sort_by_key(|advice| !advice.now);

    let page = NodePage {
        summary,
        facts,
        held: held.map(|hold| {
            t.with(
                "node-held-progress",
                &[
                    ("reported", ArgValue::Number(hold.peers_reported as u64)),
                    ("waiting", ArgValue::Number(hold.peers_waiting as u64)),
                ],
            )
        }),
        held_detail: held.map(|hold| hold.message()).unwrap_or_default(),
        has_network,
        network_error: match &network {
            Network::Failed(error) => Some(t.text("node-network-failed", "detail", error)),
            _ => None,
        },
        peer_count,
        reach,
        peers,
        feed_summary,
        feeds,
        feeds_not_shown,
        storage,
        advice,
        page: layout,
    };
    Ok(render(&page))
}

/// How long the node has run, in words: "3 days, 4 hours", "12 minutes".
fn uptime(t: &Tr, elapsed: Duration) -> String {
    let minutes = elapsed.as_secs() / 60;
    let (days, hours, minutes) = (minutes / (24 * 60), (minutes / 60) % 24, minutes % 60);
    if days > 0 {
        let mut text = t.count("node-uptime-days", days);
        if hours > 0 {
            text = t.with(
                "node-uptime-and",
                &[
                    ("first", ArgValue::Text(&text)),
                    (
                        "second",
                        ArgValue::Text(&t.count("node-uptime-hours", hours)),
                    ),
                ],
            );
        }
        text
    } else if hours > 0 {
        let mut text = t.count("node-uptime-hours", hours);
        if minutes > 0 {
            text = t.with(
                "node-uptime-and",
                &[
                    ("first", ArgValue::Text(&text)),
                    (
                        "second",
                        ArgValue::Text(&t.count("node-uptime-minutes", minutes)),
                    ),
                ],
            );
        }
        text
    } else if minutes > 0 {
        t.count("node-uptime-minutes", minutes)
    } else {
        t.msg("node-uptime-just-started")
    }
}

fn peer_row(t: &Tr, peer: &PeerReport, roster: &Roster, names: &OrgDirectory, now: u64) -> PeerRow {
    let known = peer
        .device
        .as_ref()
        .and_then(|device| roster.device(device));
    let org = match (&known, peer.member) {
        (Some(known), true) => names.name(&known.org),
        (Some(known), false) => t.text("node-peer-applicant", "org", &names.name(&known.org)),
        (None, _) => t.msg("node-peer-not-member"),
    };
    PeerRow {
        org,
        member: peer.member,
        device: known.map_or_else(|| t.msg("node-peer-unknown-device"), |known| known.label),
        connected: t.ago(peer.connected_ms, now),
        last_sync: peer
            .last_sync_ms
            .map_or_else(|| t.msg("node-peer-not-synced"), |ms| t.ago(ms, now)),
        received: t.number(peer.records_pulled),
    }
}

/// Every feed held here or reported by a member peer, behind first: its rows, how
/// many feeds are behind and by how many records in all.
fn feed_rows(
    t: &Tr,
    local: &[FeedHead],
    best_known: &[FeedSummary],
    member_peers: bool,
    roster: &Roster,
    names: &OrgDirectory,
) -> (Vec<FeedRow>, usize, u64) {
    let mut feeds: BTreeMap<DeviceKey, (Option<&FeedHead>, Option<&FeedSummary>)> = BTreeMap::new();
    for head in local {
        feeds.entry(head.author).or_default().0 = Some(head);
    }
    for best in best_known {
        feeds.entry(best.author).or_default().1 = Some(best);
    }
    let (mut behind_feeds, mut behind_records) = (0, 0);
    let mut rows: Vec<(u8, u64, FeedRow)> = feeds
        .iter()
        .map(|(author, (local, best))| {
            let have = local.map_or(0, |head| head.contiguous);
            let known = roster.device(author);
            let (rank, behind, state, state_class) = match best {
                Some(best) if best.contiguous > have => {
                    let behind = best.contiguous - have;
                    behind_feeds += 1;
                    behind_records += behind;
                    (0, behind, t.count("node-feed-behind", behind), "urgent")
                }
                Some(_) => (2, 0, t.msg("node-feed-up-to-date"), "ok"),
                None if member_peers => (1, 0, t.msg("node-feed-not-reported"), "plain"),
                None => (1, 0, t.msg("node-feed-waiting"), "watch"),
            };
            let row = FeedRow {
                org: known.as_ref().map_or_else(
                    || t.msg("node-feed-unknown-org"),
                    |known| names.name(&known.org),
                ),
                device: known
                    .map_or_else(|| t.msg("node-peer-unknown-device"), |known| known.label),
                held: t.count("node-feed-held", have),
                state,
                state_class,
                frozen: local.is_some_and(|head| head.frozen) || best.is_some_and(|b| b.frozen),
            };
            (rank, behind, row)
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.0, std::cmp::Reverse(a.1), a.2.org.to_lowercase()).cmp(&(
            b.0,
            std::cmp::Reverse(b.1),
            b.2.org.to_lowercase(),
        ))
    });
    (
        rows.into_iter().map(|(_, _, row)| row).collect(),
        behind_feeds,
        behind_records,
    )
}

fn storage_facts(t: &Tr, stats: &StoreStats, feeds: usize) -> Vec<Fact> {
    let fact = |label: &str, value: String| Fact {
        label: t.msg(label),
        value,
        href: None,
        mono: false,
    };
    let mut facts = vec![
        fact("node-storage-records", t.number(stats.records)),
        fact("node-storage-retracted", t.number(stats.tombstones)),
        fact("node-storage-feeds", t.number(feeds)),
        fact("node-storage-size", human_bytes(t, stats.bytes)),
    ];
    if stats.fork_proofs > 0 {
        facts.push(fact("node-storage-frozen", t.number(stats.fork_proofs)));
    }
    facts
}

/// A size in the largest unit that fits, to one decimal below 10 ("3.4 MB", "120 KB").
fn human_bytes(t: &Tr, bytes: u64) -> String {
    const UNITS: [&str; 5] = [
        "node-size-bytes",
        "node-size-kb",
        "node-size-mb",
        "node-size-gb",
        "node-size-tb",
    ];
    let mut unit = 0;
    let mut scale: u64 = 1;
    while unit + 1 < UNITS.len() && bytes / scale >= 1024 {
        scale *= 1024;
        unit += 1;
    }
    // In tenths of the unit, rounded, so one decimal survives.
    let tenths = ((u128::from(bytes) * 10 + u128::from(scale) / 2) / u128::from(scale)) as u64;
    let size = if unit > 0 && tenths < 100 && !tenths.is_multiple_of(10) {
        format!(
            "{}{}{}",
            t.number(tenths / 10),
            t.msg("node-decimal-mark"),
            tenths % 10
        )
    } else {
        t.number(tenths / 10)
    };
    t.text(UNITS[unit], "size", &size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Catalogs, Lang};

    fn english() -> Tr {
        Catalogs::load().expect("catalogs load").tr(Lang::En)
    }

    #[test]
    fn sizes_are_written_in_human_units() {
        let t = english();
        assert_eq!(human_bytes(&t, 0), "0 bytes");
        assert_eq!(human_bytes(&t, 1023), "1,023 bytes");
        assert_eq!(human_bytes(&t, 1536), "1.5 KB");
        assert_eq!(human_bytes(&t, 5 * 1024 * 1024), "5 MB");
        assert_eq!(human_bytes(&t, 120 * 1024 * 1024), "120 MB");
        let french = Catalogs::load().expect("catalogs load").tr(Lang::Fr);
        assert_eq!(human_bytes(&french, 3_565_158), "3,4 Mo");
    }

    #[test]
    fn uptime_is_written_in_words() {
        let t = english();
        assert_eq!(uptime(&t, Duration::from_secs(20)), "just started");
        assert_eq!(uptime(&t, Duration::from_secs(60)), "1 minute");
        assert_eq!(
            uptime(&t, Duration::from_secs(3 * 3600 + 120)),
            "3 hours and 2 minutes"
        );
        assert_eq!(
            uptime(&t, Duration::from_secs(2 * 86_400 + 3600)),
            "2 days and 1 hour"
        );
    }

    #[test]
    fn feeds_behind_come_first_in_words() {
        use commons_protocol::DeviceKeypair;
        use commons_protocol::fixtures::sample_charter;
        let t = english();
        let device = |seed: u8| DeviceKeypair::from_seed([seed; 32]).public();
        let (a, b, c) = (device(1), device(2), device(3));
        let head = |author, contiguous| FeedHead {
            author,
            contiguous,
            max_seq: contiguous,
            frozen: false,
        };
        let best = |author, contiguous| FeedSummary {
            author,
            contiguous,
            max_seq: contiguous,
            frozen: false,
        };
        let (charter, _) = sample_charter(1);
        let roster = Roster::new(charter.charter());
        let names = OrgDirectory::default();
        let (rows, behind_feeds, behind_records) = feed_rows(
            &t,
            &[head(a, 5), head(b, 3)],
            &[best(a, 5), best(b, 40)],
            true,
            &roster,
            &names,
        );
        assert_eq!((behind_feeds, behind_records), (1, 37));
        assert_eq!(rows[0].state, "37 records behind, catching up");
        assert_eq!(rows[1].state, "up to date");
        let (rows, _, _) = feed_rows(&t, &[head(c, 2)], &[], false, &roster, &names);
        assert_eq!(rows[0].state, "waiting for peers");
    }

    #[test]
    fn reach_is_said_in_words_naming_the_relays_org() {
        use commons_node::network::behaviour::identity_of;
        use commons_node::network::{ReachReport, SyncReport};
        use commons_protocol::fixtures::{delegated_feeds, sample_charter};
        let (charter, orgs) = sample_charter(2);
        let network = charter.charter().network_id();
        let (_, delegations) = delegated_feeds(&orgs, network);
        let roster = Roster::fold(charter.charter(), &delegations, []);
        let names = OrgDirectory::default();
        let peer_of = |device: &commons_protocol::DeviceKeypair| {
            identity_of(device)
                .expect("a device key is a libp2p key")
                .public()
                .to_peer_id()
        };
        let stranger = commons_protocol::DeviceKeypair::from_seed([0x77; 32]);
        let report = |reachability, relays| SyncReport {
            reach: ReachReport {
                reachability,
                relays,
                ..ReachReport::default()
            },
            ..SyncReport::default()
        };
        let sentence = |t: &Tr, reachability, relays| {
            reach_sentence(t, &report(reachability, relays), &roster, &names)
        };
        let t = english();
        let relayed = sentence(
            &t,
            Reachability::Relayed,
            vec![peer_of(&orgs[1].device), peer_of(&stranger)],
        );
        assert_eq!(
            relayed,
            format!(
                "This node is behind a router: other members reach it through the relay of {}, a member.",
                names.name(&orgs[1].id())
            ),
            "the relay's org is named, an unknown device is 'a member'"
        );
        for reachability in [
            Reachability::Public,
            Reachability::BehindNat,
            Reachability::Unknown,
        ] {
            assert_ne!(sentence(&t, reachability, Vec::new()), relayed);
        }
        let arabic = Catalogs::load().expect("catalogs load").tr(Lang::Ar);
        let in_arabic = sentence(
            &arabic,
            Reachability::Relayed,
            vec![peer_of(&orgs[1].device)],
        );
        assert!(
            in_arabic.contains(&names.name(&orgs[1].id())) && !in_arabic.contains("router"),
            "Arabic names the relay's org in an Arabic sentence: {in_arabic}"
        );
    }
}
