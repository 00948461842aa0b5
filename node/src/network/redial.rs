//! Redial: the step that brings a member's node back within reach after its last
//! connection to this node closed. It decides only; it holds no swarm and reads no
//! clock. The event loop tells it which member peers it lost and which came back, asks
//! it which are due for another dial, and dials them.
//!
//! Discovery alone does not bring such a peer back when it sits behind NAT. libp2p's
//! address books (Kademlia's routing table, identify's cache) drop an address after one
//! failed dial, and Kademlia keeps the last one whatever it is: a circuit address that
//! failed once, while the peer was moving its relay slot, leaves only the peer's
//! address inside its own router, which never answers. Nothing then tells this node
//! the peer's new circuit address until the two are connected again, so they never
//! are. A lost member is therefore also dialed through every member relay this node is
//! connected to ([`circuit_addresses`]): a peer behind NAT holds its slots on member
//! relays, and a relay where it holds none refuses the circuit at once.
//!
//! Dials back off from [`FIRST_REDIAL_AFTER`], doubling up to [`MAX_REDIAL_INTERVAL`],
//! while the peer stays away; a member that comes back or leaves the roster is
//! forgotten.

use std::collections::BTreeMap;
use std::time::Duration;

use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};
use tokio::time::Instant;

use super::reach::{circuit_through, is_relayed};

/// How long after a member's last connection closed it is first dialed again: long
/// enough for the closing to finish on both sides, short enough that a circuit a relay
/// dropped is barely noticed.
pub const FIRST_REDIAL_AFTER: Duration = Duration::from_secs(1);
/// The longest wait between two dials of a member that stays away (a node that is
/// switched off for the night costs one dial every five minutes).
pub const MAX_REDIAL_INTERVAL: Duration = Duration::from_secs(5 * 60);
/// Lost members remembered at once; past it, a newly lost one is left to discovery.
pub const MAX_LOST_MEMBERS: usize = 256;

/// A lost member: when to dial it next, and how long to wait after that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Lost {
    next: Instant,
    interval: Duration,
}

/// The member peers this node lost and dials again.
#[derive(Debug, Default)]
pub struct Redials {
    lost: BTreeMap<PeerId, Lost>,
}

impl Redials {
    pub fn new() -> Self {
        Self::default()
    }

    /// A member peer's last connection closed at `now`: it is dialed again from
    /// [`FIRST_REDIAL_AFTER`] on. Losing it again before it came back changes nothing.
    pub fn lost(&mut self, peer: PeerId, now: Instant) {
        if self.lost.contains_key(&peer) || self.lost.len() >= MAX_LOST_MEMBERS {
            return;
        }
        self.lost.insert(
            peer,
            Lost {
                next: now + FIRST_REDIAL_AFTER,
                interval: FIRST_REDIAL_AFTER,
            },
        );
    }

    /// `peer` is connected again, or no longer a member's: it is not dialed again.
    pub fn forget(&mut self, peer: &PeerId) {
        self.lost.remove(peer);
    }

    /// The lost members due for a dial at `now`; each is next due twice as long after
    /// as the last time, up to [`MAX_REDIAL_INTERVAL`].
    pub fn due(&mut self, now: Instant) -> Vec<PeerId> {
        let mut due = Vec::new();
        for (peer, lost) in &mut self.lost {
            if lost.next <= now {
                lost.interval = (lost.interval * 2).min(MAX_REDIAL_INTERVAL);
                lost.next = now + lost.interval;
                due.push(*peer);
            }
        }
        due
    }

    /// How many lost members are waiting to be dialed again.
    pub fn len(&self) -> usize {
        self.lost.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lost.is_empty()
    }
}

/// The addresses `peer` may be reached at through `relays` (each a member relay's peer
/// id and the address this node dialed it at): `<address>/p2p/<relay>/p2p-circuit/p2p/
/// <peer>`. A relay reached only through another relay cannot carry a circuit, and
/// `peer` is not dialed through itself.
pub fn circuit_addresses<'a>(
    peer: PeerId,
    relays: impl IntoIterator<Item = (PeerId, &'a Multiaddr)>,
) -> Vec<Multiaddr> {
    relays
        .into_iter()
        .filter(|(relay, address)| *relay != peer && !is_relayed(address))
        .map(|(relay, address)| circuit_through(address, relay).with(Protocol::P2p(peer)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use libp2p::identity::Keypair;

    fn peer(seed: u8) -> PeerId {
        Keypair::ed25519_from_bytes([seed; 32])
            .expect("a 32-byte seed is an ed25519 key")
            .public()
            .to_peer_id()
    }

    #[test]
    fn a_lost_member_is_dialed_after_a_second_then_less_and_less_often() {
        let start = Instant::now();
        let mut redials = Redials::new();
        let member = peer(1);
        redials.lost(member, start);
        assert!(redials.due(start).is_empty(), "not dialed while closing");
        assert_eq!(redials.due(start + FIRST_REDIAL_AFTER), vec![member]);
        let mut at = start + FIRST_REDIAL_AFTER;
        let mut gaps = Vec::new();
        for _ in 0..12 {
            let mut next = at;
            while redials.due(next).is_empty() {
                next += Duration::from_millis(500);
            }
            gaps.push(next - at);
            at = next;
        }
        assert_eq!(gaps[0], Duration::from_secs(2));
        assert_eq!(gaps[1], Duration::from_secs(4));
        assert!(gaps.windows(2).all(|pair| pair[0] <= pair[1]), "{gaps:?}");
        assert_eq!(gaps.last(), Some(&MAX_REDIAL_INTERVAL));
    }

    #[test]
    fn a_member_lost_again_before_it_came_back_keeps_its_wait() {
        let start = Instant::now();
        let mut redials = Redials::new();
        let member = peer(1);
        redials.lost(member, start);
        redials.due(start + FIRST_REDIAL_AFTER);
        redials.lost(member, start + FIRST_REDIAL_AFTER);
        assert!(
            redials
                .due(start + FIRST_REDIAL_AFTER + FIRST_REDIAL_AFTER)
                .is_empty(),
            "still waiting two seconds"
        );
    }

    #[test]
    fn a_member_that_came_back_is_not_dialed() {
        let start = Instant::now();
        let mut redials = Redials::new();
        let (back, away) = (peer(1), peer(2));
        redials.lost(back, start);
        redials.lost(away, start);
        redials.forget(&back);
        assert_eq!(redials.due(start + MAX_REDIAL_INTERVAL), vec![away]);
        assert_eq!(redials.len(), 1);
    }

    #[test]
    fn lost_members_are_bounded() {
        let start = Instant::now();
        let mut redials = Redials::new();
        for index in 0..MAX_LOST_MEMBERS + 10 {
            let key = Keypair::generate_ed25519();
            redials.lost(key.public().to_peer_id(), start);
            assert!(redials.len() <= MAX_LOST_MEMBERS, "at {index}");
        }
        assert_eq!(redials.len(), MAX_LOST_MEMBERS);
    }

    #[test]
    fn a_member_is_dialed_through_each_relay_reached_directly() {
        let (member, relay_one, relay_two, relayed_relay) = (peer(1), peer(2), peer(3), peer(4));
        let one: Multiaddr = format!("/ip4/10.77.0.1/tcp/7411/p2p/{relay_one}")
            .parse()
            .expect("an address");
        let two: Multiaddr = "/ip4/10.77.0.2/tcp/7411".parse().expect("an address");
        let through_another: Multiaddr =
            format!("/ip4/10.77.0.1/tcp/7411/p2p/{relay_one}/p2p-circuit")
                .parse()
                .expect("an address");
        let addresses = circuit_addresses(
            member,
            [
                (relay_one, &one),
                (relay_two, &two),
                (relayed_relay, &through_another),
                (member, &two),
            ],
        );
        let expected: Vec<Multiaddr> = [
            format!("/ip4/10.77.0.1/tcp/7411/p2p/{relay_one}/p2p-circuit/p2p/{member}"),
            format!("/ip4/10.77.0.2/tcp/7411/p2p/{relay_two}/p2p-circuit/p2p/{member}"),
        ]
        .iter()
        .map(|text| text.parse().expect("an address"))
        .collect();
        assert_eq!(addresses, expected);
    }
}
