//! Reach, at this node's relay: libp2p's circuit relay server with one guard in front
//! of it, so that a change in what the relay offers cannot kill a relayed connection.
//!
//! libp2p-relay 0.22 counts every connection, relayed ones too, and when it starts or
//! stops offering the hop protocol (it decides that itself from this node's confirmed
//! external addresses) it sends the new status to each of those connections' handlers.
//! A relayed connection has no relay handler, only a placeholder that cannot take the
//! message, and libp2p-swarm 0.48 then panics in that connection's task
//! (`handler/either.rs`, "entered unreachable code"). The task dies without telling the
//! swarm: this node goes on counting the connection as open while the other end sees it
//! closed, so neither dials the other again. A node behind NAT met this each time
//! AutoNAT confirmed its relayed address while a circuit was open (the NAT lab's failure
//! of 2026-12-06, in docs/faults.md).
//!
//! [`GuardedRelay`] passes everything through both ways, except a message for a relayed
//! connection's handler, which it drops: there is no relay handler there to configure.

use std::collections::HashSet;
use std::task::{Context, Poll};

use libp2p::core::Endpoint;
use libp2p::core::transport::PortUse;
use libp2p::swarm::{
    ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, NotifyHandler, THandler,
    THandlerInEvent, THandlerOutEvent, ToSwarm,
};
use libp2p::{Multiaddr, PeerId, relay};

/// libp2p's relay server, which never sends a message to a relayed connection's handler.
pub struct GuardedRelay {
    relay: relay::Behaviour,
    /// The relayed connections open now: each entered at `ConnectionEstablished` and
    /// left at `ConnectionClosed`, as the relay's own count of connections is.
    relayed: HashSet<ConnectionId>,
}

impl std::fmt::Debug for GuardedRelay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedRelay")
            .field("relayed", &self.relayed.len())
            .finish_non_exhaustive()
    }
}

impl GuardedRelay {
    /// `relay`, guarded.
    pub fn new(relay: relay::Behaviour) -> Self {
        Self {
            relay,
            relayed: HashSet::new(),
        }
    }
}

impl NetworkBehaviour for GuardedRelay {
    type ConnectionHandler = THandler<relay::Behaviour>;
    type ToSwarm = relay::Event;

    fn handle_pending_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        local_addr: &Multiaddr,
        remote_addr: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        self.relay
            .handle_pending_inbound_connection(connection_id, local_addr, remote_addr)
    }

    fn handle_established_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        peer: PeerId,
        local_addr: &Multiaddr,
        remote_addr: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.relay.handle_established_inbound_connection(
            connection_id,
            peer,
            local_addr,
            remote_addr,
        )
    }

    fn handle_pending_outbound_connection(
        &mut self,
        connection_id: ConnectionId,
        maybe_peer: Option<PeerId>,
        addresses: &[Multiaddr],
        effective_role: Endpoint,
    ) -> Result<Vec<Multiaddr>, ConnectionDenied> {
        self.relay.handle_pending_outbound_connection(
            connection_id,
            maybe_peer,
            addresses,
            effective_role,
        )
    }

    fn handle_established_outbound_connection(
        &mut self,
        connection_id: ConnectionId,
        peer: PeerId,
        addr: &Multiaddr,
        role_override: Endpoint,
        port_use: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.relay.handle_established_outbound_connection(
            connection_id,
            peer,
            addr,
            role_override,
            port_use,
        )
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        match event {
            FromSwarm::ConnectionEstablished(established) if established.endpoint.is_relayed() => {
                self.relayed.insert(established.connection_id);
            }
            FromSwarm::ConnectionClosed(closed) => {
                self.relayed.remove(&closed.connection_id);
            }
            _ => {}
        }
        self.relay.on_swarm_event(event);
    }

    fn on_connection_handler_event(
        &mut self,
        peer: PeerId,
        connection_id: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        self.relay
            .on_connection_handler_event(peer, connection_id, event);
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<ToSwarm<relay::Event, THandlerInEvent<Self>>> {
        loop {
            match self.relay.poll(cx) {
                Poll::Ready(ToSwarm::NotifyHandler {
                    peer_id,
                    handler: NotifyHandler::One(connection),
                    ..
                }) if self.relayed.contains(&connection) => {
                    tracing::debug!(
                        peer = %peer_id,
                        ?connection,
                        "the relay's message for a relayed connection is dropped: it has no relay handler"
                    );
                }
                other => return other,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::task::Waker;

    use libp2p::core::ConnectedPoint;
    use libp2p::multiaddr::Protocol;
    use libp2p::swarm::behaviour::{ConnectionEstablished, ExternalAddrConfirmed};

    use super::*;

    fn peer(seed: u8) -> PeerId {
        libp2p::identity::Keypair::ed25519_from_bytes([seed; 32])
            .expect("a 32-byte seed is an ed25519 key")
            .public()
            .to_peer_id()
    }

    fn address(text: &str) -> Multiaddr {
        text.parse().expect("an address")
    }

    fn dialed(address: Multiaddr) -> ConnectedPoint {
        ConnectedPoint::Dialer {
            address,
            role_override: Endpoint::Dialer,
            port_use: PortUse::Reuse,
        }
    }

    /// Tells `behaviour` of two connections, one direct and one relayed, then that an
    /// external address was confirmed (the relay starts offering the hop protocol), and
    /// returns the connections the relay then sent a message to.
    fn notified_after_status_change<B>(behaviour: &mut B) -> Vec<ConnectionId>
    where
        B: NetworkBehaviour,
    {
        let relay = peer(1);
        let other = peer(2);
        let direct_address = address("/ip4/10.77.0.2/tcp/7411");
        let relayed_address = address("/ip4/10.77.0.1/tcp/7411")
            .with(Protocol::P2p(relay))
            .with(Protocol::P2pCircuit)
            .with(Protocol::P2p(other));
        let direct = ConnectionId::new_unchecked(1);
        let relayed = ConnectionId::new_unchecked(2);
        for (connection, endpoint, others) in [
            (direct, dialed(direct_address), 0),
            (relayed, dialed(relayed_address), 1),
        ] {
            behaviour.on_swarm_event(FromSwarm::ConnectionEstablished(ConnectionEstablished {
                peer_id: other,
                connection_id: connection,
                endpoint: &endpoint,
                failed_addresses: &[],
                other_established: others,
            }));
        }
        let public = address("/ip4/203.0.113.7/tcp/7411");
        behaviour.on_swarm_event(FromSwarm::ExternalAddrConfirmed(ExternalAddrConfirmed {
            addr: &public,
        }));

        let mut cx = Context::from_waker(Waker::noop());
        let mut notified = Vec::new();
        while let Poll::Ready(action) = behaviour.poll(&mut cx) {
            if let ToSwarm::NotifyHandler {
                handler: NotifyHandler::One(connection),
                ..
            } = action
            {
                notified.push(connection);
            }
        }
        notified.sort();
        notified
    }

    fn relay_server() -> relay::Behaviour {
        relay::Behaviour::new(peer(3), relay::Config::default())
    }

    #[test]
    fn libp2p_relay_sends_its_status_to_relayed_connections_too() {
        // The reason for the guard. If a later libp2p-relay stops doing this, this
        // test fails, and the guard can go.
        let notified = notified_after_status_change(&mut relay_server());
        assert_eq!(
            notified,
            vec![
                ConnectionId::new_unchecked(1),
                ConnectionId::new_unchecked(2)
            ]
        );
    }

    #[test]
    fn the_guarded_relay_sends_its_status_to_direct_connections_only() {
        let notified = notified_after_status_change(&mut GuardedRelay::new(relay_server()));
        assert_eq!(notified, vec![ConnectionId::new_unchecked(1)]);
    }

    #[test]
    fn a_closed_relayed_connection_is_forgotten() {
        let mut guarded = GuardedRelay::new(relay_server());
        notified_after_status_change(&mut guarded);
        assert_eq!(guarded.relayed.len(), 1);
        let endpoint = dialed(address("/ip4/10.77.0.1/tcp/7411/p2p-circuit"));
        guarded.on_swarm_event(FromSwarm::ConnectionClosed(
            libp2p::swarm::behaviour::ConnectionClosed {
                peer_id: peer(2),
                connection_id: ConnectionId::new_unchecked(2),
                endpoint: &endpoint,
                cause: None,
                remaining_established: 1,
            },
        ));
        assert!(guarded.relayed.is_empty());
    }

    /// Three real swarms on loopback TCP: a relay, a member holding a slot on it, and a
    /// member that dials the other through the relay and only then has its first
    /// external address confirmed, as node 3 of the NAT lab did. Unguarded, that
    /// member's relay server sends its new status to the relayed connection, whose task
    /// panics: the other end sees the connection close and the pings on it stop.
    mod over_tcp {
        use std::time::Duration;

        use futures::StreamExt;
        use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
        use libp2p::{Swarm, SwarmBuilder, identity, noise, ping, tcp, yamux};
        use tokio::time::Instant;

        use super::*;

        /// How long each step may take; on loopback each takes milliseconds.
        const STEP_DEADLINE: Duration = Duration::from_secs(20);
        const PING_INTERVAL: Duration = Duration::from_millis(100);
        /// Pings answered on the relayed connection after the change, to count it alive.
        const PINGS_AFTER_CHANGE: usize = 5;

        #[derive(NetworkBehaviour)]
        struct Member {
            relay_client: relay::client::Behaviour,
            relay: GuardedRelay,
            ping: ping::Behaviour,
        }

        fn member(seed: u8) -> Swarm<Member> {
            let key = identity::Keypair::ed25519_from_bytes([seed; 32])
                .expect("a 32-byte seed is an ed25519 key");
            SwarmBuilder::with_existing_identity(key)
                .with_tokio()
                .with_tcp(
                    tcp::Config::default(),
                    noise::Config::new,
                    yamux::Config::default,
                )
                .expect("a TCP transport")
                .with_relay_client(noise::Config::new, yamux::Config::default)
                .expect("a relay client transport")
                .with_behaviour(|key, relay_client| Member {
                    relay_client,
                    relay: GuardedRelay::new(relay::Behaviour::new(
                        key.public().to_peer_id(),
                        relay::Config::default(),
                    )),
                    ping: ping::Behaviour::new(ping::Config::new().with_interval(PING_INTERVAL)),
                })
                .expect("the behaviour")
                // Nothing here keeps a connection busy but pings, which do not hold it.
                .with_swarm_config(|config| {
                    config.with_idle_connection_timeout(Duration::from_secs(60))
                })
                .build()
        }

        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Who {
            Relay,
            Listener,
            Dialer,
        }

        struct Lab {
            relay: Swarm<Member>,
            listener: Swarm<Member>,
            dialer: Swarm<Member>,
        }

        impl Lab {
            /// Drives all three swarms until `wanted` returns something, or fails the
            /// test saying `what` did not happen within [`STEP_DEADLINE`].
            async fn until<T>(
                &mut self,
                what: &str,
                mut wanted: impl FnMut(Who, SwarmEvent<MemberEvent>) -> Option<T>,
            ) -> T {
                let deadline = Instant::now() + STEP_DEADLINE;
                loop {
                    let (who, event) = tokio::select! {
                        event = self.relay.select_next_some() => (Who::Relay, event),
                        event = self.listener.select_next_some() => (Who::Listener, event),
                        event = self.dialer.select_next_some() => (Who::Dialer, event),
                        () = tokio::time::sleep_until(deadline) => {
                            panic!("{what}: not within {STEP_DEADLINE:?}")
                        }
                    };
                    if let Some(found) = wanted(who, event) {
                        return found;
                    }
                }
            }
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn a_relayed_connection_outlives_the_relays_status_change() {
            let mut lab = Lab {
                relay: member(11),
                listener: member(12),
                dialer: member(13),
            };
            let relay_id = *lab.relay.local_peer_id();
            let listener_id = *lab.listener.local_peer_id();
            lab.relay
                .listen_on(address("/ip4/127.0.0.1/tcp/0"))
                .expect("the relay listens");
            let relay_address = lab
                .until("the relay listens", |who, event| match event {
                    SwarmEvent::NewListenAddr { address, .. } if who == Who::Relay => Some(address),
                    _ => None,
                })
                .await;
            // A relay offers the hop protocol once it has an external address.
            lab.relay.add_external_address(relay_address.clone());
            let circuit = relay_address
                .with(Protocol::P2p(relay_id))
                .with(Protocol::P2pCircuit);
            lab.listener
                .listen_on(circuit.clone())
                .expect("the listener asks for a slot");
            lab.until("the listener holds a slot", |who, event| match event {
                SwarmEvent::Behaviour(MemberEvent::RelayClient(
                    relay::client::Event::ReservationReqAccepted { .. },
                )) if who == Who::Listener => Some(()),
                _ => None,
            })
            .await;

            lab.dialer
                .dial(circuit.with(Protocol::P2p(listener_id)))
                .expect("the dialer dials through the relay");
            let relayed = lab
                .until(
                    "the dialer connects through the relay",
                    |who, event| match event {
                        SwarmEvent::ConnectionEstablished {
                            peer_id,
                            connection_id,
                            endpoint,
                            ..
                        } if who == Who::Dialer
                            && peer_id == listener_id
                            && endpoint.is_relayed() =>
                        {
                            Some(connection_id)
                        }
                        _ => None,
                    },
                )
                .await;

            // The dialer's first external address: its relay server starts offering
            // the hop protocol and tells the connections it counts.
            lab.dialer
                .add_external_address(address("/ip4/203.0.113.7/tcp/7411"));
            let mut pings = 0;
            lab.until(
                "pings answered on the relayed connection",
                |who, event| match event {
                    SwarmEvent::ConnectionClosed {
                        peer_id,
                        connection_id,
                        cause,
                        ..
                    } if (who == Who::Dialer && connection_id == relayed)
                        || (who == Who::Listener && !peer_id.eq(&relay_id)) =>
                    {
                        panic!("the relayed connection closed at the {who:?}: {cause:?}")
                    }
                    SwarmEvent::Behaviour(MemberEvent::Ping(ping::Event {
                        connection,
                        result: Ok(_),
                        ..
                    })) if who == Who::Dialer && connection == relayed => {
                        pings += 1;
                        (pings == PINGS_AFTER_CHANGE).then_some(())
                    }
                    _ => None,
                },
            )
            .await;
        }
    }
}
