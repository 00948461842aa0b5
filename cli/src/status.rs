//! `commons status`: the node's health, before and after a record's path. Asks the
//! running node for `GET /v1/status` (which network, org and device it is, how many
//! records, tombstones and fork proofs it holds, and when it runs its network, its peer
//! id, the addresses peers dial it at and how many peers are connected; how its
//! notification hooks fare) and prints it.

use commons_node::api::contract::{Reach, StatusAnswer};

use crate::GlobalArgs;
use crate::client::{Client, print_json};
use crate::terminal_text::one_line;

pub(crate) fn run(global: &GlobalArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let answer = client.get("/v1/status", &[])?;
    if global.json {
        print_json(&answer)
    } else {
        let status: StatusAnswer = client.read_as("/v1/status", &answer)?;
        print!("{}", human(&status, &client.address().to_string()));
        Ok(())
    }
}

/// The status as the operator reads it.
fn human(status: &StatusAnswer, api: &str) -> String {
    format!(
        "Commons node running (version {version}, up {uptime})\n\
         \x20 network   {network} ({network_name})\n\
         \x20 org       {org}\n\
         \x20 device    {device}\n\
         \x20 members   {members}\n\
         \x20 records   {records} held, {tombstones} retracted, in {feeds} feeds\n\
         \x20 forks     {forks}\n\
         \x20 store     {store}\n\
         {search}\
         \x20 api       {api}\n\
         {web}",
        version = status.version,
        uptime = duration(status.uptime_s),
        network = status.network,
        network_name = one_line(&status.network_name),
        org = status.org,
        device = status.device,
        members = status.members,
        records = status.records,
        tombstones = status.tombstones,
        feeds = status.feeds,
        forks = match status.fork_proofs {
            0 => "none".to_owned(),
            n => format!("{n} frozen feeds (see GET /v1/forks)"),
        },
        store = bytes(status.store_bytes),
        search = search_line(status),
        web = match &status.web {
            Some(web) => format!(
                "\x20 web app   {} (`commons open` lets you in)\n",
                one_line(web)
            ),
            None => "\x20 web app   off\n".to_owned(),
        },
    ) + &publishing(status)
        + &notify(status)
        + &network(status)
}

/// A line on the search index (none from a node that does not say).
fn search_line(status: &StatusAnswer) -> String {
    let state = match status.search_index.as_str() {
        "ready" => "index ready",
        "rebuilding" => {
            "index being rebuilt from the store; searches read every record until it is done"
        }
        "unavailable" => {
            "index failed; searches read every record (restarting the node rebuilds it)"
        }
        "none" => "no index; searches read every record",
        _ => return String::new(),
    };
    format!("\x20 search    {state}\n")
}

/// A line on the notification hooks: how many, what they delivered, what failed
/// (none when no hook is configured and nothing failed).
fn notify(status: &StatusAnswer) -> String {
    let notify = &status.notify;
    let (hooks, failures) = (notify.hooks, notify.failures);
    if hooks == 0 && failures == 0 {
        return String::new();
    }
    let mut line = format!(
        "\x20 notify    {hooks} hooks: {} notified, {} waiting, {failures} failed attempts",
        notify.delivered, notify.pending,
    );
    let given_up = notify.given_up;
    if given_up > 0 {
        line.push_str(&format!(", {given_up} given up"));
    }
    let dropped = notify.dropped;
    if dropped > 0 {
        line.push_str(&format!(", {dropped} dropped from a full queue"));
    }
    if failures > 0 {
        line.push_str(" (the node's log says why)");
    }
    line.push('\n');
    line
}

/// A line saying publishing is held after a restore, and why (none while it is open).
fn publishing(status: &StatusAnswer) -> String {
    if !status.publishing.held {
        return String::new();
    }
    format!(
        "  publish   HELD: {}
",
        one_line(status.publishing.message.as_deref().unwrap_or("?"))
    )
}

/// The network's lines of the status: peer id, listen addresses and peers, for a node
/// that runs its network (none otherwise).
fn network(status: &StatusAnswer) -> String {
    let Some(peer_id) = &status.peer_id else {
        return String::new();
    };
    let mut out = format!("\x20 peer id   {}\n", one_line(peer_id));
    let listen = status.listen.as_deref().unwrap_or_default();
    for (index, addr) in listen.iter().enumerate() {
        let label = if index == 0 { "listen" } else { "" };
        out.push_str(&format!("\x20 {label:<8}  {}\n", one_line(addr)));
    }
    if let Some(peers) = status.peers {
        let members = status.member_peers.unwrap_or(0);
        out.push_str(&format!(
            "\x20 peers     {peers} connected, {members} of them members' devices (see `commons peers`)\n"
        ));
    }
    if let Some(reach_answer) = &status.reach {
        out.push_str(&reach(reach_answer));
    }
    out
}

/// The lines on how peers reach this node (none from a node that does not say).
fn reach(reach: &Reach) -> String {
    let relays: Vec<String> = reach
        .relays
        .iter()
        .map(|relay| match (&relay.org_name, &relay.org) {
            (Some(name), _) => format!("{}'s relay", one_line(name)),
            (None, Some(org)) => format!("the relay of {}", one_line(org)),
            (None, None) => format!("the relay at {}", one_line(&relay.peer_id)),
        })
        .collect();
    let line = match reach.reachability.as_str() {
        "public" => format!(
            "reachable from the internet at {}",
            reach.confirmed.first().map_or("?", String::as_str)
        ),
        "relayed" => format!("behind NAT, reachable through {}", relays.join(" and ")),
        "behind_nat" => "behind NAT, and no member's relay holds a slot for it yet: \
                         peers reach it only when it dials them"
            .to_owned(),
        "unknown" => "not known yet (peers have not tested this node's addresses)".to_owned(),
        _ => return String::new(),
    };
    let mut out = format!("\x20 reach     {line}\n");
    if reach.offers_relay && reach.reachability == "public" {
        out.push_str("\x20           offers a relay to members' devices behind NAT\n");
    }
    out
}

/// `seconds` as `3d 4h`, `2h 15m`, `5m 3s` or `42s`.
fn duration(seconds: u64) -> String {
    let (days, hours, minutes, secs) = (
        seconds / 86_400,
        seconds / 3_600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {minutes}m")
    } else if minutes > 0 {
        format!("{minutes}m {secs}s")
    } else {
        format!("{secs}s")
    }
}

/// `count` bytes with a binary unit.
fn bytes(count: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if count < 1024 {
        return format!("{count} bytes");
    }
    // Precision beyond what a status line shows does not matter here.
    #[allow(clippy::cast_precision_loss)]
    let mut value = count as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A status as a node answers it, from its JSON.
    fn typed(status: serde_json::Value) -> StatusAnswer {
        serde_json::from_value(status).expect("a status")
    }

    #[test]
    fn durations_show_the_two_largest_units() {
        assert_eq!(duration(42), "42s");
        assert_eq!(duration(303), "5m 3s");
        assert_eq!(duration(5321), "1h 28m");
        assert_eq!(duration(3 * 86_400 + 4 * 3_600 + 59), "3d 4h");
    }

    #[test]
    fn sizes_use_binary_units() {
        assert_eq!(bytes(0), "0 bytes");
        assert_eq!(bytes(1023), "1023 bytes");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(8 * 1024 * 1024), "8.0 MiB");
    }

    #[test]
    fn human_status_names_the_node() {
        let status = serde_json::json!({
            "network": "net_1", "network_name": "Sample\u{1b}[31m", "org": "org_2",
            "device": "dev_3", "uptime_s": 61, "records": 5, "tombstones": 1,
            "fork_proofs": 0, "store_bytes": 2048, "members": 1, "feeds": 1,
            "version": "0.1.0",
        });
        let text = human(&typed(status.clone()), "127.0.0.1:7390");
        assert!(text.starts_with("Commons node running (version 0.1.0, up 1m 1s)\n"));
        assert!(text.contains("net_1 (Sample[31m)"), "{text}");
        assert!(text.contains("5 held, 1 retracted, in 1 feeds"), "{text}");
        assert!(text.contains("2.0 KiB"), "{text}");
        assert!(text.contains("127.0.0.1:7390"), "{text}");
        assert!(
            !text.contains("peer id"),
            "no network, no peer lines: {text}"
        );
    }

    #[test]
    fn human_status_says_how_the_search_index_stands() {
        let with = |state: &str| human(&typed(serde_json::json!({ "search_index": state })), "x");
        assert!(with("ready").contains("  search    index ready\n"));
        assert!(
            with("rebuilding").contains("being rebuilt from the store; searches read every record"),
        );
        assert!(with("unavailable").contains("restarting the node rebuilds it"));
        let older = human(&typed(serde_json::json!({})), "x");
        assert!(
            !older.contains("search"),
            "a node that does not say: no line"
        );
    }

    #[test]
    fn human_status_shows_notification_failures() {
        let status = serde_json::json!({
            "network": "net_1", "network_name": "Sample", "org": "org_2",
            "device": "dev_3", "uptime_s": 61, "records": 5, "tombstones": 1,
            "fork_proofs": 0, "store_bytes": 2048, "members": 1, "feeds": 1,
            "version": "0.1.0",
            "notify": { "hooks": 2, "events": 4, "delivered": 7, "failures": 3,
                        "given_up": 1, "dropped": 0, "pending": 1 },
        });
        let text = human(&typed(status.clone()), "127.0.0.1:7390");
        assert!(
            text.contains(
                "  notify    2 hooks: 7 notified, 1 waiting, 3 failed attempts, 1 given up (the node's log says why)\n"
            ),
            "{text}"
        );
        let quiet = serde_json::json!({ "notify": { "hooks": 0, "failures": 0 } });
        assert!(!human(&typed(quiet), "x").contains("notify"));
    }

    #[test]
    fn human_status_shows_the_network_when_it_runs() {
        let status = serde_json::json!({
            "network": "net_1", "network_name": "Sample", "org": "org_2",
            "device": "dev_3", "uptime_s": 61, "records": 5, "tombstones": 1,
            "fork_proofs": 0, "store_bytes": 2048, "members": 1, "feeds": 1,
            "version": "0.1.0", "peer_id": "12D3KooWPeer",
            "listen": ["/ip4/127.0.0.1/tcp/7411/p2p/12D3KooWPeer",
                       "/ip4/127.0.0.1/udp/7411/quic-v1/p2p/12D3KooWPeer"],
            "peers": 3, "member_peers": 2,
        });
        let text = human(&typed(status.clone()), "127.0.0.1:7390");
        let relayed = |reach: serde_json::Value| {
            let mut with = status.clone();
            with["reach"] = reach;
            human(&typed(with), "127.0.0.1:7390")
        };
        assert!(
            relayed(serde_json::json!({
                "reachability": "relayed", "confirmed": [], "offers_relay": true,
                "relays": [{"peer_id": "12D3KooWRelay", "org": "org_9",
                            "org_name": "Tenants' Voice Alliance"}],
            }))
            .ends_with(
                "  reach     behind NAT, reachable through Tenants' Voice Alliance's relay\n"
            )
        );
        assert!(
            relayed(serde_json::json!({
                "reachability": "public", "offers_relay": true, "relays": [],
                "confirmed": ["/ip4/198.51.100.7/tcp/7411"],
            }))
            .ends_with(
                "  reach     reachable from the internet at /ip4/198.51.100.7/tcp/7411\n\
                 \x20           offers a relay to members' devices behind NAT\n"
            )
        );
        assert!(
            text.ends_with(
                "  peer id   12D3KooWPeer\n\
                 \x20 listen    /ip4/127.0.0.1/tcp/7411/p2p/12D3KooWPeer\n\
                 \x20           /ip4/127.0.0.1/udp/7411/quic-v1/p2p/12D3KooWPeer\n\
                 \x20 peers     3 connected, 2 of them members' devices (see `commons peers`)\n"
            ),
            "{text}"
        );
    }
}
