//! `commons peers`: who the running node is connected to, the step where records cross
//! between nodes. Asks for `GET /v1/peers` and prints one row per peer: its device and
//! org, whether this node's roster counts it as a member's device and whether it
//! admits this node, its address, when sync last heard from it, how many records were
//! pulled from it and its gossip score. Also the table and time helpers that
//! `commons sync` shares.

use commons_node::api::contract::Peer;

use crate::GlobalArgs;
use crate::client::{Client, print_json};
use crate::terminal_text::one_line;

/// Characters of a key or id shown in a table: the prefix and 8 hex digits
/// (`dev_4ed32f63`, `org_5c9c6df2`).
pub(crate) const SHORT_ID_CHARS: usize = 12;
/// Characters of a libp2p peer id kept at its end when a peer has no device key (every
/// ed25519 peer id starts alike, so its end tells peers apart).
const PEER_ID_TAIL_CHARS: usize = 8;
/// The most characters of an address shown in the table (`--json` has it whole).
const ADDRESS_CHARS: usize = 40;

pub(crate) fn run(global: &GlobalArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let answer = client.get("/v1/peers", &[])?;
    if global.json {
        return print_json(&answer);
    }
    let peers: Vec<Peer> = client.read_as("/v1/peers", &answer)?;
    if peers.is_empty() {
        println!("{NO_PEERS}");
    } else {
        print!("{}", table(&peers, commons_node::clock::now_ms()));
    }
    Ok(())
}

/// What `commons peers` and `commons sync` say when no peer is connected.
pub(crate) const NO_PEERS: &str = "No peers connected. The node dials the `bootstrap` peers of \
     its config.toml (or `commons node run --bootstrap MULTIADDR`) and finds others on the \
     local network with mDNS.";

/// The peers as a table.
fn table(peers: &[Peer], now_ms: u64) -> String {
    let rows: Vec<Vec<String>> = peers
        .iter()
        .map(|peer| {
            vec![
                peer_name(peer.device.as_deref(), &peer.peer_id),
                short_or_dash(peer.org.as_deref()),
                yes_no(Some(peer.member)),
                yes_no(peer.admitted_us),
                truncate(&one_line(&peer.address), ADDRESS_CHARS),
                ago(now_ms, peer.last_sync_ms),
                peer.records_pulled.to_string(),
                score(peer.score),
            ]
        })
        .collect();
    columns(
        &[
            "PEER",
            "ORG",
            "MEMBER",
            "ADMITS US",
            "ADDRESS",
            "LAST SYNC",
            "PULLED",
            "SCORE",
        ],
        &rows,
    )
}

/// A peer as a table shows it: its device's short form, else the end of its peer id.
pub(crate) fn peer_name(device: Option<&str>, peer_id: &str) -> String {
    if let Some(device) = device {
        return short(device);
    }
    let id = one_line(peer_id);
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= PEER_ID_TAIL_CHARS {
        return id;
    }
    let tail: String = chars[chars.len() - PEER_ID_TAIL_CHARS..].iter().collect();
    format!("peer …{tail}")
}

/// The short form of a key or id in text form: `dev_4ed32f63`.
pub(crate) fn short(text: &str) -> String {
    one_line(text).chars().take(SHORT_ID_CHARS).collect()
}

/// The short form of a key or id, or `-` for none.
pub(crate) fn short_or_dash(text: Option<&str>) -> String {
    text.map_or_else(|| "-".to_owned(), short)
}

/// `yes`, `no`, or `?` when not known yet.
pub(crate) fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    }
    .to_owned()
}

/// A gossip score with one decimal, or `-` when gossipsub has none.
fn score(value: Option<f64>) -> String {
    match value {
        // No `-0.0`.
        Some(score) if score.abs() < 0.05 => "0.0".to_owned(),
        Some(score) => format!("{score:.1}"),
        None => "-".to_owned(),
    }
}

/// At most `max` characters of `text`, the last one `…` if it was cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// How long before `now_ms` a time was: `12 s ago`, `5 min ago`, `3 h ago`, `2 d ago`;
/// `never` for none.
pub(crate) fn ago(now_ms: u64, then_ms: Option<u64>) -> String {
    let Some(then_ms) = then_ms else {
        return "never".to_owned();
    };
    let seconds = now_ms.saturating_sub(then_ms) / 1000;
    if seconds < 120 {
        format!("{seconds} s ago")
    } else if seconds < 2 * 3600 {
        format!("{} min ago", seconds / 60)
    } else if seconds < 2 * 86_400 {
        format!("{} h ago", seconds / 3600)
    } else {
        format!("{} d ago", seconds / 86_400)
    }
}

/// Rows under headers, each column as wide as its widest cell, two spaces apart; the
/// last column is not padded.
pub(crate) fn columns(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers
        .iter()
        .map(|header| header.chars().count())
        .collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut out = String::new();
        for (index, (cell, width)) in cells.zip(&widths).enumerate() {
            if index + 1 == widths.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<width$}  "));
            }
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        out
    };
    let mut out = line(&mut headers.iter().copied());
    for row in rows {
        out.push_str(&line(&mut row.iter().map(String::as_str)));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const NOW: u64 = 1_767_261_630_000;

    #[test]
    fn times_ago_use_the_largest_fitting_unit() {
        assert_eq!(ago(NOW, None), "never");
        assert_eq!(ago(NOW, Some(NOW)), "0 s ago");
        assert_eq!(ago(NOW, Some(NOW - 12_400)), "12 s ago");
        assert_eq!(ago(NOW, Some(NOW - 119_000)), "119 s ago");
        assert_eq!(ago(NOW, Some(NOW - 5 * 60_000)), "5 min ago");
        assert_eq!(ago(NOW, Some(NOW - 3 * 3_600_000)), "3 h ago");
        assert_eq!(ago(NOW, Some(NOW - 3 * 86_400_000)), "3 d ago");
        assert_eq!(ago(NOW, Some(NOW + 5_000)), "0 s ago", "a time ahead");
    }

    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let text = columns(
            &["A", "LONG HEADER", "C"],
            &[vec![
                "wide cell".to_owned(),
                "x".to_owned(),
                "last".to_owned(),
            ]],
        );
        assert_eq!(
            text,
            "A          LONG HEADER  C\nwide cell  x            last\n"
        );
    }

    #[test]
    fn the_table_shows_each_peer_in_short() {
        let peers = [
            json!({
                "peer_id": "12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo",
                "device": "dev_4ed32f63bf35f0eeefcb25f28a2e1fbdc873ae2835671b0c9460f5f12e4556a8",
                "org": "org_5c9c6df261c9cb840475776aaefcd944b405328fab28f9b3a95ef40490d3de84",
                "member": true, "admitted_us": true,
                "address": "/ip4/192.0.2.7/tcp/7411", "connected_ms": NOW - 60_000,
                "last_sync_ms": NOW - 12_000, "records_pulled": 1288, "feeds_reported": 57,
                "score": 1.5, "gossip": true,
            }),
            json!({
                "peer_id": "12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp",
                "device": null, "org": null, "member": false, "admitted_us": null,
                "address": "/ip4/192.0.2.8/udp/7411/quic-v1\u{1b}[2J", "connected_ms": NOW,
                "last_sync_ms": null, "records_pulled": 0, "feeds_reported": 0,
                "score": -0.0, "gossip": false,
            }),
        ];
        let peers: Vec<Peer> = peers
            .into_iter()
            .map(|peer| serde_json::from_value(peer).expect("a peer"))
            .collect();
        let text = table(&peers, NOW);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("PEER "), "{text}");
        assert!(lines[0].ends_with("PULLED  SCORE"), "{text}");
        for expected in [
            "dev_4ed32f63 ",
            " org_5c9c6df2 ",
            " yes ",
            " /ip4/192.0.2.7/tcp/7411 ",
            " 12 s ago ",
            " 1288 ",
        ] {
            assert!(lines[1].contains(expected), "{expected:?}: {text}");
        }
        assert!(lines[1].ends_with(" 1.5"), "{text}");
        for expected in ["peer …vnc6iDEp", " - ", " no ", " ? ", " never ", " 0 "] {
            assert!(lines[2].contains(expected), "{expected:?}: {text}");
        }
        assert!(lines[2].ends_with(" 0.0"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}
