//! Reach: the step before any record can cross to a node behind a router, where this
//! node learns whether peers can dial it and, if they cannot, holds a slot on a member's
//! relay so that they reach it through there. It decides only; it holds no swarm and
//! reads no clock. The event loop tells it what AutoNAT found and which member peers
//! offer a relay, and carries out what it asks: listen on a relayed address through a
//! given member's node.
//!
//! - **Reachable**: an address AutoNAT v2 confirmed (a peer dialed it back on a new
//!   connection). Such a node needs no relay.
//! - **Behind NAT**: every address tested failed and none is confirmed, or no address
//!   was confirmed within [`NO_DIAL_BACK_AFTER`] of the first peer connecting (a router
//!   that drops what comes in unasked, as most do, makes a peer's dial-back time out,
//!   and AutoNAT then reports nothing at all). The node then
//!   reserves a slot on up to [`WANTED_RELAYS`] member nodes that offer a relay, picking
//!   those it dialed itself (it reached them, so others can), and listens on
//!   `<relay address>/p2p/<relay>/p2p-circuit`; peers dial that, and DCUtR then tries to
//!   turn the relayed connection into a direct one.
//! - **A relay that goes away** (disconnected, its listener closed, the reservation
//!   refused) is forgotten, and another member's is asked at the next look.
//! - **A peer to ask**: rust-libp2p's AutoNAT v2 client asks only peers on connections
//!   this node dialed. A node that every peer dialed first has nobody to ask, so it
//!   dials one of them itself ([`Reach::autonat_peer_to_dial`]).

use std::collections::{BTreeMap, BTreeSet};

use std::time::Duration;

use libp2p::core::transport::ListenerId;
use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId, StreamProtocol, relay};
use tokio::time::Instant;

/// Relays a node behind NAT holds a slot on at once: two, so that one going away
/// leaves the node reachable while the next is found.
pub const WANTED_RELAYS: usize = 2;
/// Addresses remembered as tested and failed (the oldest forgotten past it).
pub const MAX_FAILED_ADDRESSES: usize = 64;
/// How long after its first peer connected a node with no address confirmed counts
/// as behind NAT: AutoNAT tests an address every 5 s, and a dial-back that works takes
/// well under a second, so six rounds with none are enough to go and find a relay.
pub const NO_DIAL_BACK_AFTER: Duration = Duration::from_secs(30);
/// How long after its first peer connected a node with no connection of its own dialing
/// waits before dialing a peer for AutoNAT to ask: its own dials at start are answered
/// well within it.
pub const OWN_DIAL_GRACE: Duration = Duration::from_secs(5);
/// The gap after the first dial for AutoNAT before the next: a dial to a peer behind
/// NAT fails only after its timeout, so the next peer is tried without waiting for it.
/// Each gap is twice the one before, up to [`AUTONAT_DIAL_MAX_GAP`]: a node whose
/// every peer is behind NAT (or on its LAN) dials none of them for good, and must not
/// knock on their routers every few seconds for as long as it runs.
pub const AUTONAT_DIAL_GAP: Duration = Duration::from_secs(5);
/// The longest gap between two dials for AutoNAT.
pub const AUTONAT_DIAL_MAX_GAP: Duration = Duration::from_secs(300);

/// How this node can be reached, in words for the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reachability {
    /// Nothing tested yet.
    Unknown,
    /// Peers can dial it directly.
    Public,
    /// Peers cannot dial it, and it holds no relay slot yet.
    BehindNat,
    /// Peers cannot dial it directly, and reach it through one or more member relays.
    Relayed,
}

impl Reachability {
    /// The word the API and `commons status` use.
    pub fn as_str(self) -> &'static str {
        match self {
            Reachability::Unknown => "unknown",
            Reachability::Public => "public",
            Reachability::BehindNat => "behind_nat",
            Reachability::Relayed => "relayed",
        }
    }
}

/// A relay slot asked for or held.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    /// Listening through it, the reservation not confirmed yet.
    Asked(ListenerId),
    /// Reserved: peers can dial this node through it.
    Held(ListenerId),
}

impl Slot {
    fn listener(&self) -> ListenerId {
        match self {
            Slot::Asked(listener) | Slot::Held(listener) => *listener,
        }
    }
}

/// What this node knows of its own reach.
#[derive(Debug, Default)]
pub struct Reach {
    confirmed: BTreeSet<Multiaddr>,
    failed: BTreeSet<Multiaddr>,
    /// Member peers that offer a relay, with the address this node dialed them at.
    offers: BTreeMap<PeerId, Multiaddr>,
    slots: BTreeMap<PeerId, Slot>,
    /// Relays whose reservation was refused or failed: not asked again until they
    /// reconnect.
    refused: BTreeSet<PeerId>,
    /// When the first peer connected: AutoNAT can test nothing before.
    first_peer_at: Option<Instant>,
}

impl Reach {
    /// A peer connected at `now`.
    pub fn peer_connected(&mut self, now: Instant) {
        self.first_peer_at.get_or_insert(now);
    }

    /// AutoNAT confirmed `addr`: peers can dial it. A relayed address is not counted:
    /// peers reaching a node through a relay does not make it reachable itself.
    pub fn confirmed(&mut self, addr: Multiaddr) {
        if is_relayed(&addr) {
            return;
        }
        self.failed.remove(&addr);
        self.confirmed.insert(addr);
    }

    /// An address confirmed earlier no longer is.
    pub fn expired(&mut self, addr: &Multiaddr) {
        self.confirmed.remove(addr);
    }

    /// AutoNAT tested `addr` and no peer could dial it.
    pub fn not_reachable(&mut self, addr: Multiaddr) {
        if self.confirmed.contains(&addr) || is_relayed(&addr) {
            return;
        }
        if self.failed.len() >= MAX_FAILED_ADDRESSES
            && let Some(oldest) = self.failed.iter().next().cloned()
        {
            self.failed.remove(&oldest);
        }
        self.failed.insert(addr);
    }

    /// `peer`, a member's device this node dialed at `addr`, offers a relay.
    pub fn offers_relay(&mut self, peer: PeerId, addr: Multiaddr) {
        if !is_relayed(&addr) {
            self.offers.insert(peer, addr);
        }
    }

    /// `peer` turned out to be behind NAT itself (reached through a punched hole): its
    /// offer goes, and any slot on it, whose listener is answered for the loop to close.
    /// It may offer again only after it reconnects and is dialed directly.
    pub fn withdraw_offer(&mut self, peer: &PeerId) -> Option<ListenerId> {
        self.offers.remove(peer);
        self.slots.remove(peer).map(|slot| slot.listener())
    }

    /// `peer` disconnected, or is no longer a member's: its offer and slot go. Answers
    /// the listener of its slot, for the loop to close.
    pub fn peer_gone(&mut self, peer: &PeerId) -> Option<ListenerId> {
        self.refused.remove(peer);
        self.withdraw_offer(peer)
    }

    /// The loop listens through `relay` as `listener`.
    pub fn asked(&mut self, relay: PeerId, listener: ListenerId) {
        self.slots.insert(relay, Slot::Asked(listener));
    }

    /// `relay` accepted the reservation.
    pub fn reserved(&mut self, relay: &PeerId) {
        if let Some(slot) = self.slots.get_mut(relay) {
            *slot = Slot::Held(slot.listener());
        }
    }

    /// A listener closed (the relay went away, or refused): its slot goes, and that
    /// relay is not asked again while it stays connected. Answers the relay.
    pub fn listener_closed(&mut self, listener: ListenerId) -> Option<PeerId> {
        let relay = self
            .slots
            .iter()
            .find(|(_, slot)| slot.listener() == listener)
            .map(|(peer, _)| *peer)?;
        self.slots.remove(&relay);
        self.refused.insert(relay);
        Some(relay)
    }

    /// How this node can be reached at `now`.
    pub fn reachability(&self, now: Instant) -> Reachability {
        if !self.confirmed.is_empty() {
            Reachability::Public
        } else if self
            .slots
            .values()
            .any(|slot| matches!(slot, Slot::Held(_)))
        {
            Reachability::Relayed
        } else if self.unreachable(now) {
            Reachability::BehindNat
        } else {
            Reachability::Unknown
        }
    }

    /// No address confirmed, and one failed or none came in time.
    fn unreachable(&self, now: Instant) -> bool {
        self.confirmed.is_empty()
            && (!self.failed.is_empty()
                || self
                    .first_peer_at
                    .is_some_and(|first| now.duration_since(first) >= NO_DIAL_BACK_AFTER))
    }

    /// The addresses AutoNAT confirmed.
    pub fn confirmed_addresses(&self) -> impl Iterator<Item = &Multiaddr> {
        self.confirmed.iter()
    }

    /// The relays this node holds a slot on.
    pub fn relays(&self) -> impl Iterator<Item = &PeerId> {
        self.slots
            .iter()
            .filter(|(_, slot)| matches!(slot, Slot::Held(_)))
            .map(|(peer, _)| peer)
    }

    /// Which peer to dial so that AutoNAT has a peer to ask whether this node is
    /// reachable, at `now`: none while an address is confirmed or `dialed_any` (a
    /// connection this node dialed directly stands), nor within [`OWN_DIAL_GRACE`] of
    /// the first peer connecting; else the one after `last` among `peers` (the member
    /// peers connected directly, in the order to try them), so that a peer that cannot
    /// be dialed (one behind NAT) is not the only one tried.
    ///
    /// rust-libp2p's AutoNAT v2 client gives an inbound connection only the handler that
    /// takes dial-backs, never the one that sends requests. A public member whose peers
    /// all dialed it before it dialed them would have no peer to ask, confirm nothing,
    /// and after [`NO_DIAL_BACK_AFTER`] call itself behind NAT (the NAT lab failed that
    /// way in CI on 2026-12-06).
    pub fn autonat_peer_to_dial(
        &self,
        now: Instant,
        dialed_any: bool,
        peers: &[PeerId],
        last: Option<&PeerId>,
    ) -> Option<PeerId> {
        let waited = self
            .first_peer_at
            .is_some_and(|first| now.duration_since(first) >= OWN_DIAL_GRACE);
        if !self.confirmed.is_empty() || dialed_any || !waited {
            return None;
        }
        let after = last
            .and_then(|last| peers.iter().position(|peer| peer == last))
            .map_or(0, |index| index + 1);
        peers.get(after).or_else(|| peers.first()).copied()
    }

    /// The next relay to ask for a slot, and the address to listen through it at: only
    /// while peers cannot dial this node and it holds fewer than [`WANTED_RELAYS`].
    pub fn next_relay(&self, now: Instant) -> Option<(PeerId, Multiaddr)> {
        if !self.unreachable(now) || self.slots.len() >= WANTED_RELAYS {
            return None;
        }
        self.offers
            .iter()
            .find(|(peer, _)| !self.slots.contains_key(peer) && !self.refused.contains(peer))
            .map(|(peer, addr)| (*peer, circuit_through(addr, *peer)))
    }
}

/// How long to wait after the `dials`-th dial for AutoNAT (counted from 0) before the
/// next: [`AUTONAT_DIAL_GAP`], doubled each time, at most [`AUTONAT_DIAL_MAX_GAP`].
pub fn autonat_dial_gap(dials: u32) -> Duration {
    AUTONAT_DIAL_GAP
        .checked_mul(1u32.checked_shl(dials).unwrap_or(u32::MAX))
        .unwrap_or(AUTONAT_DIAL_MAX_GAP)
        .min(AUTONAT_DIAL_MAX_GAP)
}

/// What a peer's identify message on one connection says of whether it offers a
/// relay: `Some` from a direct connection, `None` (nothing learned) from a circuit or
/// a connection this node does not know. libp2p's relay serves no slots or circuits
/// over a circuit, so a relay's protocol list there leaves the hop protocol out; taken
/// at its word, a public member that once reached this node through another member's
/// relay would stop counting as a relay, and a lost member would not be dialed through
/// it (the NAT lab's redial failed that way in CI on 2026-12-06).
/// `over_circuit` is whether the connection is relayed, if known.
pub fn relay_offer_seen(protocols: &[StreamProtocol], over_circuit: Option<bool>) -> Option<bool> {
    match over_circuit {
        Some(false) => Some(protocols.contains(&relay::HOP_PROTOCOL_NAME)),
        Some(true) | None => None,
    }
}

/// Whether `addr` goes through a relay.
pub fn is_relayed(addr: &Multiaddr) -> bool {
    addr.iter().any(|part| matches!(part, Protocol::P2pCircuit))
}

/// `<addr>/p2p/<relay>/p2p-circuit`: listening there asks `relay` for a slot.
pub fn circuit_through(addr: &Multiaddr, relay: PeerId) -> Multiaddr {
    let mut through: Multiaddr = addr
        .iter()
        .filter(|part| !matches!(part, Protocol::P2p(_)))
        .collect();
    through.push(Protocol::P2p(relay));
    through.push(Protocol::P2pCircuit);
    through
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn peer(seed: u8) -> PeerId {
        libp2p::identity::Keypair::ed25519_from_bytes([seed; 32])
            .unwrap()
            .public()
            .to_peer_id()
    }

    fn addr(text: &str) -> Multiaddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_node_that_dialed_no_peer_dials_one_in_turn_for_autonat() {
        let start = Instant::now();
        let mut reach = Reach::default();
        let peers = [peer(1), peer(2), peer(3)];
        // Before any peer, and within the grace after the first: its own dials may
        // still be under way.
        assert_eq!(reach.autonat_peer_to_dial(start, false, &peers, None), None);
        reach.peer_connected(start);
        let early = start + OWN_DIAL_GRACE - Duration::from_millis(1);
        assert_eq!(reach.autonat_peer_to_dial(early, false, &peers, None), None);
        let later = start + OWN_DIAL_GRACE;
        assert_eq!(
            reach.autonat_peer_to_dial(later, false, &peers, None),
            Some(peer(1))
        );
        // In turn, and round again: a peer behind NAT cannot be dialed.
        assert_eq!(
            reach.autonat_peer_to_dial(later, false, &peers, Some(&peer(1))),
            Some(peer(2))
        );
        assert_eq!(
            reach.autonat_peer_to_dial(later, false, &peers, Some(&peer(3))),
            Some(peer(1))
        );
        // A last peer since gone starts the turn again.
        assert_eq!(
            reach.autonat_peer_to_dial(later, false, &peers, Some(&peer(9))),
            Some(peer(1))
        );
        assert_eq!(reach.autonat_peer_to_dial(later, false, &[], None), None);
        // A connection of its own dialing gives AutoNAT a peer to ask.
        assert_eq!(reach.autonat_peer_to_dial(later, true, &peers, None), None);
        // Confirmed: nothing to ask.
        reach.confirmed(addr("/ip4/10.77.0.3/tcp/7411"));
        assert_eq!(reach.autonat_peer_to_dial(later, false, &peers, None), None);
    }

    #[test]
    fn dials_for_autonat_come_further_apart_up_to_a_bound() {
        assert_eq!(autonat_dial_gap(0), AUTONAT_DIAL_GAP);
        assert_eq!(autonat_dial_gap(1), AUTONAT_DIAL_GAP * 2);
        assert_eq!(autonat_dial_gap(3), AUTONAT_DIAL_GAP * 8);
        assert_eq!(autonat_dial_gap(6), AUTONAT_DIAL_MAX_GAP);
        assert_eq!(autonat_dial_gap(40), AUTONAT_DIAL_MAX_GAP);
        assert_eq!(autonat_dial_gap(u32::MAX), AUTONAT_DIAL_MAX_GAP);
    }

    /// The protocols libp2p's relay accepts streams of on a connection it reached this
    /// node by, at `local`.
    fn relay_protocols_on(relay: &mut relay::Behaviour, local: &Multiaddr) -> Vec<StreamProtocol> {
        use libp2p::core::UpgradeInfo;
        use libp2p::swarm::{ConnectionHandler, ConnectionId, NetworkBehaviour};
        let handler = relay
            .handle_established_inbound_connection(
                ConnectionId::new_unchecked(1),
                peer(2),
                local,
                &addr("/ip4/10.77.0.9/tcp/40000"),
            )
            .unwrap();
        handler
            .listen_protocol()
            .upgrade()
            .protocol_info()
            .into_iter()
            .filter_map(|name| StreamProtocol::try_from_owned(name.as_ref().to_string()).ok())
            .collect()
    }

    #[test]
    fn libp2p_relay_lists_no_hop_protocol_over_a_circuit() {
        // Why `relay_offer_seen` ignores what comes over a circuit: if a later
        // libp2p-relay serves hops there too, this fails and the rule can go.
        let mut relay = relay::Behaviour::new(peer(1), relay::Config::default());
        relay.set_status(Some(relay::Status::Enable));
        let direct = relay_protocols_on(&mut relay, &addr("/ip4/10.77.0.1/tcp/7411"));
        assert!(direct.contains(&relay::HOP_PROTOCOL_NAME), "{direct:?}");
        let circuit = addr("/ip4/10.77.0.2/tcp/7411")
            .with(Protocol::P2p(peer(3)))
            .with(Protocol::P2pCircuit);
        let over_circuit = relay_protocols_on(&mut relay, &circuit);
        assert!(
            !over_circuit.contains(&relay::HOP_PROTOCOL_NAME),
            "{over_circuit:?}"
        );
        assert_eq!(relay_offer_seen(&over_circuit, Some(true)), None);
        assert_eq!(relay_offer_seen(&direct, Some(false)), Some(true));
    }

    #[test]
    fn only_a_direct_connection_says_whether_a_peer_offers_a_relay() {
        let with_hop = [
            StreamProtocol::new("/ipfs/id/1.0.0"),
            relay::HOP_PROTOCOL_NAME,
        ];
        let without_hop = [StreamProtocol::new("/ipfs/id/1.0.0")];
        assert_eq!(relay_offer_seen(&with_hop, Some(false)), Some(true));
        assert_eq!(relay_offer_seen(&without_hop, Some(false)), Some(false));
        // The same relay seen over a circuit lists no hop protocol: that says nothing.
        assert_eq!(relay_offer_seen(&without_hop, Some(true)), None);
        assert_eq!(relay_offer_seen(&with_hop, Some(true)), None);
        assert_eq!(relay_offer_seen(&without_hop, None), None);
    }

    #[test]
    fn a_node_peers_can_dial_wants_no_relay() {
        let mut reach = Reach::default();
        let now = Instant::now();
        assert_eq!(reach.reachability(now), Reachability::Unknown);
        reach.offers_relay(peer(1), addr("/ip4/203.0.113.5/tcp/7411"));
        assert_eq!(reach.next_relay(now), None, "nothing tested yet");
        reach.confirmed(addr("/ip4/198.51.100.7/tcp/7411"));
        assert_eq!(reach.reachability(now), Reachability::Public);
        assert_eq!(reach.next_relay(now), None);
    }

    #[test]
    fn a_node_behind_nat_reserves_two_relays_and_replaces_one_that_goes() {
        let mut reach = Reach::default();
        let now = Instant::now();
        reach.not_reachable(addr("/ip4/198.51.100.7/tcp/40211"));
        assert_eq!(reach.reachability(now), Reachability::BehindNat);
        assert_eq!(reach.next_relay(now), None, "no member offers a relay yet");
        for seed in [1, 2, 3] {
            reach.offers_relay(peer(seed), addr(&format!("/ip4/203.0.113.{seed}/tcp/7411")));
        }
        // A relayed address is never a relay's address.
        reach.offers_relay(
            peer(4),
            circuit_through(&addr("/ip4/203.0.113.9/tcp/1"), peer(1)),
        );
        let (first, through) = reach.next_relay(now).unwrap();
        let seed = [1u8, 2, 3]
            .into_iter()
            .find(|seed| peer(*seed) == first)
            .unwrap();
        assert_eq!(
            through,
            addr(&format!(
                "/ip4/203.0.113.{seed}/tcp/7411/p2p/{first}/p2p-circuit"
            ))
        );
        reach.asked(first, ListenerId::next());
        let (second, _) = reach.next_relay(now).unwrap();
        assert_ne!(first, second);
        let second_listener = ListenerId::next();
        reach.asked(second, second_listener);
        assert_eq!(reach.next_relay(now), None, "two is enough");
        assert_eq!(
            reach.reachability(now),
            Reachability::BehindNat,
            "none reserved yet"
        );
        reach.reserved(&first);
        assert_eq!(reach.reachability(now), Reachability::Relayed);
        // AutoNAT confirms the relayed address too: that does not make the node public.
        reach.confirmed(circuit_through(&addr("/ip4/203.0.113.1/tcp/7411"), first));
        assert_eq!(reach.reachability(now), Reachability::Relayed);
        assert_eq!(reach.relays().collect::<Vec<_>>(), vec![&first]);
        // The second refuses: its listener closes, it is not asked again, the third is.
        assert_eq!(reach.listener_closed(second_listener), Some(second));
        let (third, _) = reach.next_relay(now).unwrap();
        assert!(third != first && third != second);
        // A relay reached only through a punched hole is withdrawn, slot and all.
        let punched = peer(9);
        reach.offers_relay(punched, addr("/ip4/198.51.100.9/tcp/7411"));
        reach.asked(punched, ListenerId::next());
        assert!(reach.withdraw_offer(&punched).is_some());
        assert!(
            reach
                .next_relay(now)
                .is_none_or(|(next, _)| next != punched)
        );
        // The first goes away: its slot goes with it.
        assert!(reach.peer_gone(&first).is_some());
        assert_eq!(reach.reachability(now), Reachability::BehindNat);
    }

    #[test]
    fn no_dial_back_in_time_counts_as_behind_nat() {
        // A router that drops unasked packets: AutoNAT's tests time out and say nothing.
        let mut reach = Reach::default();
        let start = Instant::now();
        assert_eq!(
            reach.reachability(start + NO_DIAL_BACK_AFTER),
            Reachability::Unknown
        );
        reach.peer_connected(start);
        reach.offers_relay(peer(1), addr("/ip4/203.0.113.1/tcp/7411"));
        let early = start + NO_DIAL_BACK_AFTER / 2;
        assert_eq!(reach.reachability(early), Reachability::Unknown);
        assert_eq!(reach.next_relay(early), None);
        let late = start + NO_DIAL_BACK_AFTER;
        assert_eq!(reach.reachability(late), Reachability::BehindNat);
        assert!(reach.next_relay(late).is_some());
        // A later peer does not restart the wait; a confirmation ends it.
        reach.peer_connected(late);
        assert_eq!(reach.reachability(late), Reachability::BehindNat);
        reach.confirmed(addr("/ip4/198.51.100.7/tcp/7411"));
        assert_eq!(reach.reachability(late), Reachability::Public);
        assert_eq!(reach.next_relay(late), None);
    }

    #[test]
    fn a_confirmed_address_is_not_marked_failed_and_failures_are_bounded() {
        let mut reach = Reach::default();
        let now = Instant::now();
        let public = addr("/ip4/198.51.100.7/tcp/7411");
        reach.confirmed(public.clone());
        reach.not_reachable(public.clone());
        assert_eq!(reach.reachability(now), Reachability::Public);
        reach.expired(&public);
        for port in 0..(MAX_FAILED_ADDRESSES as u16 + 10) {
            reach.not_reachable(addr(&format!("/ip4/198.51.100.7/tcp/{port}")));
        }
        assert_eq!(reach.failed.len(), MAX_FAILED_ADDRESSES);
        assert_eq!(reach.reachability(now), Reachability::BehindNat);
    }
}
