//! The swarm: the step where this node's transport and protocols are put together
//! before any record moves. TCP + Noise + Yamux and QUIC on tokio, with the device key
//! as the libp2p identity (so `PeerId` ⇔ device); identify; ping; gossipsub configured
//! for records that carry their own signatures (anonymous messages, content ids,
//! nothing forwarded before ingest has judged it, peer scoring on); request-response
//! for `/commons/sync/1` and for attachments' bytes on `/commons/blob/1`; Kademlia for
//! finding peers only (it never stores or serves a record); mDNS for the LAN (off by
//! setting); limits on connections, in number and by the process's memory; and reach
//! from behind a router: AutoNAT v2 (is this node reachable, asked of its peers, and
//! answered for them), a circuit relay v2 offered to members' devices only, its client
//! (a relayed address through a member's node), and DCUtR (hole punching to turn a
//! relayed connection into a direct one). Every setting is a named constant, and each
//! configuration is validated when built.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use commons_protocol::{DeviceKeypair, MAX_SIGNED_RECORD_BYTES, NetworkId, gossip_message_id};
use libp2p::gossipsub::{
    self, IdentTopic, MessageAuthenticity, MessageId, PeerScoreParams, PeerScoreThresholds,
    TopicHash, TopicScoreParams, ValidationMode,
};
use libp2p::metrics::Registry;
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{
    Multiaddr, PeerId, StreamProtocol, Swarm, SwarmBuilder, autonat, connection_limits, dcutr,
    identify, identity, kad, mdns, memory_connection_limits, noise, ping, relay, request_response,
    tcp, yamux,
};

use super::NetworkError;
use super::blob_codec::{BLOB_STREAM_PROTOCOL, BlobCodec};
use super::relay_guard::GuardedRelay;
use super::sync_codec::{FrameBytes, SYNC_STREAM_PROTOCOL, SyncCodec};

/// What identify announces as the protocol family.
pub const IDENTIFY_PROTOCOL: &str = "/commons/id/1";
/// How long a connection with nothing going on is kept.
pub const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(60);
/// Gossipsub's heartbeat.
pub const GOSSIP_HEARTBEAT: Duration = Duration::from_secs(1);
/// The first heartbeat after start, which forms the first mesh: gossipsub's default of
/// 5 s leaves a new node's first records to sync alone.
pub const GOSSIP_FIRST_HEARTBEAT: Duration = Duration::from_millis(200);
/// How long two peers wait to mesh again after one refused the other. A device whose
/// delegation a node has not learnt yet is judged an outsider until its hello is
/// answered; a mesh request in that moment is refused, and gossipsub's default backoff
/// of 60 s then kept two members out of each other's mesh for a minute.
pub const GOSSIP_PRUNE_BACKOFF: Duration = Duration::from_secs(10);
/// A mesh request sooner than this after being refused counts as a flood (an extra
/// penalty); below the backoff, so a peer that waits out the backoff is never punished.
pub const GOSSIP_GRAFT_FLOOD_THRESHOLD: Duration = Duration::from_secs(5);
/// Room in a gossip frame beyond the largest signed record (protobuf fields, topic).
pub const GOSSIP_FRAME_OVERHEAD_BYTES: usize = 4 * 1024;
/// The largest gossip message: the largest signed record and its framing. A larger one
/// is an invalid message (its sender's score pays), and is never sent.
pub const GOSSIP_MAX_TRANSMIT_BYTES: usize = MAX_SIGNED_RECORD_BYTES + GOSSIP_FRAME_OVERHEAD_BYTES;
/// The most bytes gossipsub holds from a stream before it decodes them: room for one
/// largest message and the start of the next. rust-libp2p's gossipsub 0.50 checks its
/// limit against all it has buffered, not against one frame, and reads 8 KiB at a
/// time; with the limit at [`GOSSIP_MAX_TRANSMIT_BYTES`], a record near the largest
/// followed closely by another message closed the stream, the second message was lost,
/// and after five closings on one connection gossipsub stops reading it for good.
/// Messages stay bounded by [`GOSSIP_MAX_TRANSMIT_BYTES`], per topic.
pub const GOSSIP_MAX_BUFFERED_BYTES: usize = 2 * GOSSIP_MAX_TRANSMIT_BYTES;
/// The most bytes of control (IHAVE, IWANT, IDONTWANT, GRAFT, PRUNE) in one frame:
/// gossipsub's own default, stated because [`GOSSIP_MAX_CONTROL_IDS`] is sized by it. A
/// frame over it closes the stream that carried it.
pub const GOSSIP_MAX_CONTROL_BYTES: usize = 16 * 1024;
/// The most message ids in one IHAVE this node sends, and asked for by IWANT from one
/// peer per heartbeat. gossipsub's default, 5,000, made a 170 KB IHAVE after a burst of
/// records, which every node refuses by [`GOSSIP_MAX_CONTROL_BYTES`]: the stream closes.
/// 400 ids of 32 bytes, each with its 2 bytes of framing, and the topic fit in 16 KiB.
pub const GOSSIP_MAX_CONTROL_IDS: usize = 400;
/// How long a message id is remembered as seen.
pub const GOSSIP_DUPLICATE_CACHE_TIME: Duration = Duration::from_secs(120);
/// A gossip message larger than this is announced to the mesh with IDONTWANT as soon as
/// it arrives (or is published), so peers do not send it again. gossipsub's default,
/// 1,000 bytes, is above most records (a case study's summary is about 500): at 20
/// nodes each node received 3.6 copies of each, and 2.1 with this (docs/benchmarks.md,
/// "A hundred nodes"). An IDONTWANT costs about 40 bytes per mesh peer.
pub const GOSSIP_IDONTWANT_ABOVE_BYTES: usize = 160;
/// How long a sync request may take before it fails.
pub const SYNC_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Sync streams open at once on one connection (in and out).
pub const SYNC_MAX_CONCURRENT_STREAMS: usize = 16;
/// How long an attachment request may take before it fails: long enough for the
/// chunks a fetcher keeps in flight to one peer (8 × 256 KiB) to cross a 1 Mbit/s link.
pub const BLOB_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Attachment streams open at once on one connection (in and out): a peer's chunks in
/// flight to this node and this node's to it, with room to spare.
pub const BLOB_MAX_CONCURRENT_STREAMS: usize = 32;

/// Kademlia's protocol name: a Commons DHT, apart from the public IPFS one.
pub const KAD_PROTOCOL: StreamProtocol = StreamProtocol::new("/commons/kad/1");

/// The weight of the score this node gives by itself (admission, bad sync pages).
pub const APP_SCORE_WEIGHT: f64 = 1.0;
/// The score of a peer that is not a member's device: below the publish threshold, so
/// no record is gossiped to it, and above the graylist, so its subscriptions are still
/// heard and it can be promoted the moment the roster admits it.
pub const NON_MEMBER_APP_SCORE: f64 = -60.0;
/// What each provably bad record served by sync costs a peer.
pub const BAD_SYNC_RECORD_APP_SCORE: f64 = -10.0;

/// The weight of each gossip topic in the score.
pub const TOPIC_WEIGHT: f64 = 1.0;
/// P1, time in mesh: a small reward for staying, per second, capped.
pub const TIME_IN_MESH_WEIGHT: f64 = 0.01;
/// P1's cap (in quanta of one second).
pub const TIME_IN_MESH_CAP: f64 = 3600.0;
/// P2, first deliveries of valid records: the main reward.
pub const FIRST_DELIVERIES_WEIGHT: f64 = 1.0;
/// P2's decay per decay interval.
pub const FIRST_DELIVERIES_DECAY: f64 = 0.5;
/// P2's cap.
pub const FIRST_DELIVERIES_CAP: f64 = 100.0;
/// P4, invalid deliveries (bad signature, malformed): squared, so one forged record
/// costs 10, two 40, three 90, which is past the graylist threshold.
pub const INVALID_DELIVERIES_WEIGHT: f64 = -10.0;
/// P4's decay per decay interval: forgiven slowly.
pub const INVALID_DELIVERIES_DECAY: f64 = 0.9;

/// The two gossip topics of one network.
#[derive(Debug, Clone)]
pub struct Topics {
    /// `commons/<network>/records`: every record.
    pub records: IdentTopic,
    /// `commons/<network>/alerts`: alerts of the System of Solidarity.
    pub alerts: IdentTopic,
}

impl Topics {
    /// The topics of `network`.
    pub fn new(network: &NetworkId) -> Self {
        Topics {
            records: IdentTopic::new(format!("commons/{network}/records")),
            alerts: IdentTopic::new(format!("commons/{network}/alerts")),
        }
    }

    /// Whether `topic` is one of this network's.
    pub fn contains(&self, topic: &TopicHash) -> bool {
        *topic == self.records.hash() || *topic == self.alerts.hash()
    }
}

/// Every protocol this node speaks.
///
/// The limits come first: the derived behaviour offers a new connection to each field
/// in order and stops at the first that denies it, so a protocol listed before a limit
/// would already have taken the connection in. Request-response does, and never lets go
/// of a connection denied after it: its next sync request could go to that connection
/// and never be answered (and debug builds panic when the peer disconnects).
#[derive(NetworkBehaviour)]
pub struct Behaviour {
    /// How many connections, of which kinds.
    pub limits: connection_limits::Behaviour,
    /// No new connection while the process is over its memory bound.
    pub memory: memory_connection_limits::Behaviour,
    /// Gossip of new records.
    pub gossipsub: gossipsub::Behaviour,
    /// Sync: heads and ranges of feeds.
    pub sync: request_response::Behaviour<SyncCodec>,
    /// Attachments: chunk lists and chunks of files.
    pub blob: request_response::Behaviour<BlobCodec>,
    /// Who the peer says it is and where it listens.
    pub identify: identify::Behaviour,
    /// Liveness.
    pub ping: ping::Behaviour,
    /// Finding peers (never records).
    pub kad: Toggle<kad::Behaviour<kad::store::MemoryStore>>,
    /// Finding peers on the LAN, when enabled.
    pub mdns: Toggle<mdns::tokio::Behaviour>,
    /// Whether this node is reachable: its candidate addresses tested by peers.
    pub autonat: autonat::v2::client::Behaviour,
    /// Testing peers' addresses for them, by dialing back.
    pub autonat_server: autonat::v2::server::Behaviour,
    /// A circuit relay for members' devices behind NAT ([`RelayAccess`]), guarded so
    /// that a change in what it offers cannot kill a relayed connection.
    pub relay: GuardedRelay,
    /// Reserving a slot on a member's relay, and connections through it.
    pub relay_client: relay::client::Behaviour,
    /// Hole punching: a relayed connection upgraded to a direct one.
    pub dcutr: dcutr::Behaviour,
}

/// Who may reserve a slot on this node's relay or open a circuit through it: the
/// devices of members that are connected now, as the event loop last set them, and
/// only while this node offers a relay. Anyone else is denied before the relay counts
/// them. Cheap to clone; the relay's limiters hold one copy.
#[derive(Debug, Clone, Default)]
pub struct RelayAccess {
    state: Arc<RwLock<RelayAccessState>>,
}

#[derive(Debug, Default)]
struct RelayAccessState {
    offering: bool,
    members: HashSet<PeerId>,
}

impl RelayAccess {
    /// Access for `members` while `offering`.
    pub fn new(offering: bool) -> Self {
        let access = RelayAccess::default();
        if let Ok(mut state) = access.state.write() {
            state.offering = offering;
        }
        access
    }

    /// Whether `peer` may use the relay now.
    pub fn allows(&self, peer: &PeerId) -> bool {
        self.state
            .read()
            .is_ok_and(|state| state.offering && state.members.contains(peer))
    }

    /// The connected members' devices, replacing the previous set.
    pub fn set_members(&self, members: impl IntoIterator<Item = PeerId>) {
        if let Ok(mut state) = self.state.write() {
            state.members = members.into_iter().collect();
        }
    }

    /// Whether this node offers its relay at all.
    pub fn offering(&self) -> bool {
        self.state.read().is_ok_and(|state| state.offering)
    }
}

/// What this node's relay allows, when it offers one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayLimits {
    /// Offer the relay to members' devices at all.
    pub offer: bool,
    /// Slots reserved at once, in all.
    pub max_reservations: usize,
    /// How long a reservation lasts before its device renews it.
    pub reservation_duration: Duration,
    /// Circuits through the relay at once, in all.
    pub max_circuits: usize,
    /// Circuits at once with one device at either end.
    pub max_circuits_per_peer: usize,
    /// How long one circuit may last; its peers connect again after (directly, if hole
    /// punching worked).
    pub max_circuit_duration: Duration,
    /// Bytes one circuit may carry, each way.
    pub max_circuit_bytes: u64,
}

/// Default: offer a relay to members' devices.
pub const DEFAULT_RELAY_OFFER: bool = true;
/// Default: slots reserved at once (a member's device holds one or two).
pub const DEFAULT_RELAY_MAX_RESERVATIONS: usize = 64;
/// Default: how long a reservation lasts (libp2p's default; renewed before it ends).
pub const DEFAULT_RELAY_RESERVATION_DURATION: Duration = Duration::from_secs(60 * 60);
/// Default: circuits at once, in all.
pub const DEFAULT_RELAY_MAX_CIRCUITS: usize = 32;
/// Default: circuits at once per device.
pub const DEFAULT_RELAY_MAX_CIRCUITS_PER_PEER: usize = 8;
/// Default: how long one circuit may last (30 min: a catch-up of a year of records).
pub const DEFAULT_RELAY_MAX_CIRCUIT_DURATION: Duration = Duration::from_secs(30 * 60);
/// Default: bytes one circuit may carry (256 MiB: libp2p's 128 KiB is meant for hole
/// punching alone, and a sync page is up to 2 MiB; members that cannot hole-punch keep
/// syncing through the relay).
pub const DEFAULT_RELAY_MAX_CIRCUIT_BYTES: u64 = 256 * 1024 * 1024;

impl Default for RelayLimits {
    fn default() -> Self {
        RelayLimits {
            offer: DEFAULT_RELAY_OFFER,
            max_reservations: DEFAULT_RELAY_MAX_RESERVATIONS,
            reservation_duration: DEFAULT_RELAY_RESERVATION_DURATION,
            max_circuits: DEFAULT_RELAY_MAX_CIRCUITS,
            max_circuits_per_peer: DEFAULT_RELAY_MAX_CIRCUITS_PER_PEER,
            max_circuit_duration: DEFAULT_RELAY_MAX_CIRCUIT_DURATION,
            max_circuit_bytes: DEFAULT_RELAY_MAX_CIRCUIT_BYTES,
        }
    }
}

/// The relay's configuration: `limits`, libp2p's own rate limits per peer and per
/// address, and before them [`RelayAccess`], so a device that is not a connected
/// member's is denied a slot and a circuit.
pub fn relay_config(limits: &RelayLimits, access: &RelayAccess) -> relay::Config {
    let mut config = relay::Config {
        max_reservations: limits.max_reservations,
        max_reservations_per_peer: 2,
        reservation_duration: limits.reservation_duration,
        max_circuits: limits.max_circuits,
        max_circuits_per_peer: limits.max_circuits_per_peer,
        max_circuit_duration: limits.max_circuit_duration,
        max_circuit_bytes: limits.max_circuit_bytes,
        ..relay::Config::default()
    };
    let reservations = access.clone();
    config.reservation_rate_limiters.insert(
        0,
        Box::new(move |peer: PeerId, _: &Multiaddr, _| reservations.allows(&peer)),
    );
    let circuits = access.clone();
    config.circuit_src_rate_limiters.insert(
        0,
        Box::new(move |peer: PeerId, _: &Multiaddr, _| circuits.allows(&peer)),
    );
    config
}

/// The connection limits and switches the swarm is built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwarmOptions {
    /// Find peers on the LAN with mDNS.
    pub mdns: bool,
    /// Find peers through the peers already connected, with Kademlia. Off, a node
    /// connects only to its bootstrap peers, the LAN (mDNS) and who dials it: a fixed
    /// topology, as in a devnet or a benchmark.
    pub kademlia: bool,
    /// Established connections in all.
    pub max_connections: u32,
    /// Established connections with one peer.
    pub max_connections_per_peer: u32,
    /// Incoming connections still in their handshake.
    pub max_pending_incoming: u32,
    /// No new connection is accepted or dialed while the process uses more memory.
    pub max_memory_bytes: usize,
    /// Gossip messages queued to one peer's connection before gossipsub refuses more
    /// (`AllQueuesFull` when every peer's queue is full).
    pub gossip_queue_len: usize,
    /// The relay this node offers members' devices.
    pub relay: RelayLimits,
}

/// Default: established connections in all.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 128;
/// Default: established connections with one peer: one dialed each way, plus one for
/// an AutoNAT dial-back (a new connection, which a limit of two refused whenever the
/// two peers had dialed each other, so a public node never learnt it was reachable)
/// and one for a hole punch beside the relayed connection it replaces.
pub const DEFAULT_MAX_CONNECTIONS_PER_PEER: u32 = 4;
/// Default: incoming connections still in their handshake.
pub const DEFAULT_MAX_PENDING_INCOMING: u32 = 32;
/// Default: the memory past which no new connection is made (1 GiB).
pub const DEFAULT_MAX_MEMORY_BYTES: usize = 1024 * 1024 * 1024;
/// Default: gossip messages queued per connection (gossipsub's own default).
pub const DEFAULT_GOSSIP_QUEUE_LEN: usize = 5000;

impl Default for SwarmOptions {
    fn default() -> Self {
        SwarmOptions {
            mdns: true,
            kademlia: true,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_connections_per_peer: DEFAULT_MAX_CONNECTIONS_PER_PEER,
            max_pending_incoming: DEFAULT_MAX_PENDING_INCOMING,
            max_memory_bytes: DEFAULT_MAX_MEMORY_BYTES,
            gossip_queue_len: DEFAULT_GOSSIP_QUEUE_LEN,
            relay: RelayLimits::default(),
        }
    }
}

impl std::fmt::Debug for Behaviour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Behaviour").finish_non_exhaustive()
    }
}

/// The libp2p identity of a device: the same ed25519 key.
pub fn identity_of(device: &DeviceKeypair) -> Result<identity::Keypair, NetworkError> {
    identity::Keypair::ed25519_from_bytes(device.seed())
        .map_err(|error| NetworkError::Identity(Arc::new(error)))
}

/// The device behind a peer id: a Commons node's peer id is its device key, inlined.
/// `None` for any other kind of id.
pub fn device_of(peer: &libp2p::PeerId) -> Option<commons_protocol::DeviceKey> {
    let multihash = peer.as_ref();
    // Multihash code 0 is "identity": the id is the public key itself.
    if multihash.code() != 0 {
        return None;
    }
    let key = identity::PublicKey::try_decode_protobuf(multihash.digest()).ok()?;
    let ed25519 = key.try_into_ed25519().ok()?;
    commons_protocol::DeviceKey::from_bytes(ed25519.to_bytes()).ok()
}

/// Gossipsub's configuration: anonymous messages named by the SHA-256 of their bytes,
/// held until ingest reports on them, messages on `topics` just big enough for a signed
/// record, control frames that every node reads, and `queue_len` messages queued per
/// connection.
pub fn gossipsub_config(
    queue_len: usize,
    topics: &Topics,
) -> Result<gossipsub::Config, NetworkError> {
    let mut builder = gossipsub::ConfigBuilder::default();
    for topic in [&topics.records, &topics.alerts] {
        builder.max_transmit_size_for_topic(GOSSIP_MAX_TRANSMIT_BYTES, topic.hash());
    }
    builder
        .connection_handler_queue_len(queue_len)
        .heartbeat_interval(GOSSIP_HEARTBEAT)
        .heartbeat_initial_delay(GOSSIP_FIRST_HEARTBEAT)
        .prune_backoff(GOSSIP_PRUNE_BACKOFF)
        .graft_flood_threshold(GOSSIP_GRAFT_FLOOD_THRESHOLD)
        .validation_mode(ValidationMode::Anonymous)
        .validate_messages()
        .message_id_fn(|message: &gossipsub::Message| {
            MessageId::new(&gossip_message_id(&message.data))
        })
        .max_transmit_size(GOSSIP_MAX_BUFFERED_BYTES)
        .max_control_message_size(GOSSIP_MAX_CONTROL_BYTES)
        .max_control_messages_sent(GOSSIP_MAX_CONTROL_IDS)
        .duplicate_cache_time(GOSSIP_DUPLICATE_CACHE_TIME)
        .idontwant_message_size_threshold(GOSSIP_IDONTWANT_ABOVE_BYTES)
        .idontwant_on_publish(true)
        .build()
        .map_err(|error| config("gossipsub", error))
}

/// The score of one topic. Mesh delivery rates (P3, P3b) are off: records are few and
/// bursty, and a quiet member must not be pruned for having nothing to say.
pub fn topic_score_params() -> TopicScoreParams {
    TopicScoreParams {
        topic_weight: TOPIC_WEIGHT,
        time_in_mesh_weight: TIME_IN_MESH_WEIGHT,
        time_in_mesh_quantum: Duration::from_secs(1),
        time_in_mesh_cap: TIME_IN_MESH_CAP,
        first_message_deliveries_weight: FIRST_DELIVERIES_WEIGHT,
        first_message_deliveries_decay: FIRST_DELIVERIES_DECAY,
        first_message_deliveries_cap: FIRST_DELIVERIES_CAP,
        mesh_message_deliveries_weight: 0.0,
        mesh_failure_penalty_weight: 0.0,
        invalid_message_deliveries_weight: INVALID_DELIVERIES_WEIGHT,
        invalid_message_deliveries_decay: INVALID_DELIVERIES_DECAY,
        ..TopicScoreParams::default()
    }
}

/// Peer scoring over both topics, validated. The IP colocation penalty is off: peers
/// are admitted by the roster, not counted by address, and several member orgs may
/// well share one address (an office, a VPN, a devnet on loopback).
pub fn peer_score(topics: &Topics) -> Result<(PeerScoreParams, PeerScoreThresholds), NetworkError> {
    let mut params = PeerScoreParams {
        app_specific_weight: APP_SCORE_WEIGHT,
        ip_colocation_factor_weight: 0.0,
        ..PeerScoreParams::default()
    };
    for topic in [&topics.records, &topics.alerts] {
        params.topics.insert(topic.hash(), topic_score_params());
    }
    let thresholds = PeerScoreThresholds::default();
    params
        .validate()
        .map_err(|error| config("peer score", error))?;
    thresholds
        .validate()
        .map_err(|error| config("peer score thresholds", error))?;
    Ok((params, thresholds))
}

/// Kademlia for peer routing: a server (every node answers lookups), with inbound
/// records and provider announcements filtered out, so the DHT can never be a source
/// of records or fill this node's memory on a peer's word. Its periodic bootstrap is
/// off: the event loop looks for peers only while it has fewer than its target, since
/// each lookup dials every peer it meets. (libp2p-kad 0.49 still looks up by itself when
/// its routing table gains a peer while it knows fewer than 20; only
/// `SwarmOptions::kademlia = false` stops that, for a fixed topology.)
pub fn kademlia(peer: libp2p::PeerId) -> kad::Behaviour<kad::store::MemoryStore> {
    let mut config = kad::Config::new(KAD_PROTOCOL);
    config
        .set_record_filtering(kad::StoreInserts::FilterBoth)
        .set_periodic_bootstrap_interval(None);
    let mut kad = kad::Behaviour::with_config(peer, kad::store::MemoryStore::new(peer), config);
    kad.set_mode(Some(kad::Mode::Server));
    kad
}

/// Every protocol, configured, and subscribed to `network`'s topics; `relay_client`
/// from the transport's builder, the relay's access from `access`.
pub fn behaviour(
    key: &identity::Keypair,
    network: &NetworkId,
    options: &SwarmOptions,
    traffic: &Traffic,
    registry: &mut Registry,
    relay_client: relay::client::Behaviour,
    access: &RelayAccess,
) -> Result<(Behaviour, Topics), NetworkError> {
    let topics = Topics::new(network);
    let mut gossipsub = gossipsub::Behaviour::new(
        MessageAuthenticity::Anonymous,
        gossipsub_config(options.gossip_queue_len, &topics)?,
    )
    .map_err(|error| config("gossipsub", error))?
    .with_metrics(
        registry.sub_registry_with_prefix("libp2p_gossipsub"),
        gossipsub::MetricsConfig::default(),
    );
    gossipsub.register_topics_for_metrics(vec![topics.records.hash(), topics.alerts.hash()]);
    let (params, thresholds) = peer_score(&topics)?;
    gossipsub
        .with_peer_score(params, thresholds)
        .map_err(|error| config("peer score", error))?;
    for topic in [&topics.records, &topics.alerts] {
        gossipsub
            .subscribe(topic)
            .map_err(|error| config("subscribe to a topic", error))?;
    }
    let sync = request_response::Behaviour::with_codec(
        SyncCodec::counting(Arc::clone(&traffic.sync)),
        [(
            SYNC_STREAM_PROTOCOL,
            request_response::ProtocolSupport::Full,
        )],
        request_response::Config::default()
            .with_request_timeout(SYNC_REQUEST_TIMEOUT)
            .with_max_concurrent_streams(SYNC_MAX_CONCURRENT_STREAMS),
    );
    let blob = request_response::Behaviour::with_codec(
        BlobCodec::counting(Arc::clone(&traffic.blob)),
        [(
            BLOB_STREAM_PROTOCOL,
            request_response::ProtocolSupport::Full,
        )],
        request_response::Config::default()
            .with_request_timeout(BLOB_REQUEST_TIMEOUT)
            .with_max_concurrent_streams(BLOB_MAX_CONCURRENT_STREAMS),
    );
    let identify = identify::Behaviour::new(
        identify::Config::new(IDENTIFY_PROTOCOL.to_owned(), key.public())
            .with_agent_version(format!("commons/{}", env!("CARGO_PKG_VERSION")))
            // A relayed address a node behind NAT gains later reaches its peers (and
            // through Kademlia, their peers) at once, not at the next identify round.
            .with_push_listen_addr_updates(true),
    );
    let ping = ping::Behaviour::new(ping::Config::new());
    let peer = key.public().to_peer_id();
    let mdns = if options.mdns {
        Some(
            mdns::tokio::Behaviour::new(mdns::Config::default(), peer)
                .map_err(|error| config("mDNS", error))?,
        )
    } else {
        None
    };
    let limits = connection_limits::Behaviour::new(
        connection_limits::ConnectionLimits::default()
            .with_max_established(Some(options.max_connections))
            .with_max_established_per_peer(Some(options.max_connections_per_peer))
            .with_max_pending_incoming(Some(options.max_pending_incoming)),
    );
    let memory = memory_connection_limits::Behaviour::with_max_bytes(options.max_memory_bytes);
    Ok((
        Behaviour {
            limits,
            memory,
            gossipsub,
            sync,
            blob,
            identify,
            ping,
            kad: options.kademlia.then(|| kademlia(peer)).into(),
            mdns: mdns.into(),
            autonat: autonat::v2::client::Behaviour::default(),
            autonat_server: autonat::v2::server::Behaviour::default(),
            relay: GuardedRelay::new(relay::Behaviour::new(
                peer,
                relay_config(&options.relay, access),
            )),
            relay_client,
            dcutr: dcutr::Behaviour::new(peer),
        },
        topics,
    ))
}

/// Where a swarm counts the bytes it moves, by protocol: the sync and attachment
/// frames here; every stream's bytes and gossipsub's messages in libp2p's registry.
#[derive(Debug, Default)]
pub struct Traffic {
    /// `/commons/sync/1` frames.
    pub sync: Arc<FrameBytes>,
    /// `/commons/blob/1` frames.
    pub blob: Arc<FrameBytes>,
}

/// A swarm for `device` on `network`, not yet listening, its counters unread, its
/// relay open to no one.
pub fn build_swarm(
    device: &DeviceKeypair,
    network: &NetworkId,
    options: &SwarmOptions,
) -> Result<(Swarm<Behaviour>, Topics), NetworkError> {
    build_counted_swarm(
        device,
        network,
        options,
        &Traffic::default(),
        &mut Registry::default(),
        &RelayAccess::default(),
    )
}

/// A swarm for `device` on `network`, not yet listening, counting the bytes it moves
/// into `traffic` and `registry` (libp2p's bandwidth of every stream, by transport, and
/// gossipsub's messages, by topic).
pub fn build_counted_swarm(
    device: &DeviceKeypair,
    network: &NetworkId,
    options: &SwarmOptions,
    traffic: &Traffic,
    registry: &mut Registry,
    access: &RelayAccess,
) -> Result<(Swarm<Behaviour>, Topics), NetworkError> {
    let key = identity_of(device)?;
    let builder = SwarmBuilder::with_existing_identity(key.clone())
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|error| config("transport", error))?
        .with_quic()
        .with_relay_client(noise::Config::new, yamux::Config::default)
        .map_err(|error| config("relay transport", error))?
        .with_bandwidth_metrics(registry);
    // The behaviour needs the relay client the transport made, so it is built here.
    let mut topics = None;
    let swarm = builder
        .with_behaviour(|_, relay_client| {
            let (behaviour, made) = behaviour(
                &key,
                network,
                options,
                traffic,
                registry,
                relay_client,
                access,
            )?;
            topics = Some(made);
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(behaviour)
        })
        .map_err(|error| config("behaviour", error))?
        .with_swarm_config(|config| config.with_idle_connection_timeout(IDLE_CONNECTION_TIMEOUT))
        .build();
    let topics = topics.ok_or_else(|| config("behaviour", std::io::Error::other("not built")))?;
    Ok((swarm, topics))
}

/// A configuration error from libp2p, keeping what it said.
fn config(
    what: &'static str,
    source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> NetworkError {
    NetworkError::Config {
        what,
        source: Arc::from(source.into()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use futures::StreamExt;
    use libp2p::swarm::SwarmEvent;

    /// The gossipsub configuration of a node of the network "a charter".
    fn node_gossip_config() -> gossipsub::Config {
        gossipsub_config(
            DEFAULT_GOSSIP_QUEUE_LEN,
            &Topics::new(&NetworkId::of(b"a charter")),
        )
        .unwrap()
    }

    #[test]
    fn two_members_refused_a_mesh_while_unknown_retry_within_seconds() {
        let config = node_gossip_config();
        // gossipsub's default backoff is 60 s; a member judged an outsider for the
        // moment before its hello is answered must not wait that long to mesh.
        assert_eq!(config.prune_backoff(), GOSSIP_PRUNE_BACKOFF);
        assert!(config.prune_backoff() <= Duration::from_secs(10));
        // A peer that waits out the backoff is never penalised as a flood.
        assert!(config.graft_flood_threshold() < config.prune_backoff());
    }

    #[test]
    fn a_record_of_a_few_hundred_bytes_is_announced_with_idontwant() {
        let config = node_gossip_config();
        // The smallest records that travel often (an alert's answer, a short update)
        // are a few hundred bytes: each copy saved is worth the 40-byte IDONTWANT.
        assert!(config.idontwant_message_size_threshold() < 300);
        assert!(config.idontwant_on_publish());
    }

    #[test]
    fn the_relay_serves_connected_members_devices_only() {
        let member = identity::Keypair::ed25519_from_bytes([1; 32])
            .unwrap()
            .public()
            .to_peer_id();
        let stranger = identity::Keypair::ed25519_from_bytes([2; 32])
            .unwrap()
            .public()
            .to_peer_id();
        let at: Multiaddr = "/ip4/198.51.100.7/tcp/7411".parse().unwrap();
        let access = RelayAccess::new(true);
        let mut config = relay_config(&RelayLimits::default(), &access);
        let (max_circuit_bytes, max_circuits) = (config.max_circuit_bytes, config.max_circuits);
        let mut asks = |peer: PeerId| {
            let now = std::time::Instant::now();
            (
                config.reservation_rate_limiters[0].try_next(peer, &at, now),
                config.circuit_src_rate_limiters[0].try_next(peer, &at, now),
            )
        };
        assert_eq!(asks(member), (false, false), "not connected yet");
        access.set_members([member]);
        assert_eq!(asks(member), (true, true));
        assert_eq!(asks(stranger), (false, false));
        access.set_members([]);
        assert_eq!(asks(member), (false, false), "no longer a member's");
        // A node that does not offer a relay serves nobody.
        let closed = RelayAccess::new(false);
        closed.set_members([member]);
        assert!(!closed.allows(&member));
        // The limits given are the limits configured.
        let limits = RelayLimits::default();
        assert_eq!(max_circuit_bytes, limits.max_circuit_bytes);
        assert_eq!(max_circuits, limits.max_circuits);
        // A circuit carries many sync pages, not only a hole-punching handshake.
        assert!(max_circuit_bytes >= 64 * u64::from(commons_protocol::sync::MAX_PAGE_BYTES));
    }

    #[test]
    fn an_ihave_of_the_most_ids_fits_in_the_control_bytes_every_node_reads() {
        let config = node_gossip_config();
        assert_eq!(config.max_control_messages_sent(), GOSSIP_MAX_CONTROL_IDS);
        assert_eq!(config.max_control_message_size(), GOSSIP_MAX_CONTROL_BYTES);
        // A message id's bytes: the SHA-256, its field tag and its length.
        const ID_WIRE_BYTES: usize = 32 + 2;
        // The frame's control field holds one IHAVE: a tag and a length of up to 3 bytes
        // at each of the three levels (RPC, control, IHAVE), the topic and the ids.
        let topics = Topics::new(&NetworkId::of(b"a charter"));
        let topic = topics
            .records
            .hash()
            .as_str()
            .len()
            .max(topics.alerts.hash().as_str().len());
        let ihave = 3 * (1 + 3) + (1 + 2 + topic) + GOSSIP_MAX_CONTROL_IDS * ID_WIRE_BYTES;
        assert!(
            ihave <= GOSSIP_MAX_CONTROL_BYTES,
            "an IHAVE of {GOSSIP_MAX_CONTROL_IDS} ids takes {ihave} bytes"
        );
        // Gossip still covers a burst: several hundred records in one heartbeat.
        assert!(config.max_control_messages_sent() >= 300);
    }

    /// A swarm of gossipsub alone, configured as a node's, on TCP, subscribed to the
    /// records topic of `topics`.
    fn gossip_swarm(seed: u8, topics: &Topics) -> Swarm<gossipsub::Behaviour> {
        let key = identity::Keypair::ed25519_from_bytes([seed; 32]).unwrap();
        let config = gossipsub_config(DEFAULT_GOSSIP_QUEUE_LEN, topics).unwrap();
        let records = topics.records.clone();
        SwarmBuilder::with_existing_identity(key)
            .with_tokio()
            .with_tcp(
                tcp::Config::default().nodelay(true),
                noise::Config::new,
                yamux::Config::default,
            )
            .unwrap()
            .with_behaviour(move |_| {
                let mut gossip =
                    gossipsub::Behaviour::new(MessageAuthenticity::Anonymous, config).unwrap();
                gossip.subscribe(&records).unwrap();
                gossip
            })
            .unwrap()
            .build()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn records_of_the_largest_size_sent_back_to_back_all_arrive_by_gossip() {
        const RECORDS: usize = 24;
        let topics = Topics::new(&NetworkId::of(b"a charter"));
        let mut sender = gossip_swarm(1, &topics);
        let mut receiver = gossip_swarm(2, &topics);
        receiver
            .listen_on("/ip4/127.0.0.1/tcp/0".parse().unwrap())
            .unwrap();
        let address = loop {
            if let SwarmEvent::NewListenAddr { address, .. } = receiver.select_next_some().await {
                break address;
            }
        };
        let (arrived_tx, mut arrived) = tokio::sync::watch::channel(0usize);
        let receiving = tokio::spawn(async move {
            let mut count = 0;
            loop {
                if let SwarmEvent::Behaviour(gossipsub::Event::Message {
                    propagation_source,
                    message_id,
                    ..
                }) = receiver.select_next_some().await
                {
                    receiver.behaviour_mut().report_message_validation_result(
                        &message_id,
                        &propagation_source,
                        gossipsub::MessageAcceptance::Accept,
                    );
                    count += 1;
                    let _ = arrived_tx.send(count);
                }
            }
        });
        sender.dial(address).unwrap();
        let records_topic = topics.records.hash();
        let delivered = tokio::time::timeout(Duration::from_secs(60), async {
            loop {
                if let SwarmEvent::Behaviour(gossipsub::Event::Subscribed { topic, .. }) =
                    sender.select_next_some().await
                    && topic == records_topic
                {
                    break;
                }
            }
            // Each as large as a signed record may be, all queued at once, so that the
            // frames follow one another on the stream.
            for index in 0..RECORDS {
                let mut record = vec![0x5c; MAX_SIGNED_RECORD_BYTES];
                record[..8].copy_from_slice(&(index as u64).to_be_bytes());
                sender
                    .behaviour_mut()
                    .publish(topics.records.clone(), record)
                    .unwrap();
            }
            loop {
                tokio::select! {
                    _ = sender.select_next_some() => {}
                    changed = arrived.changed() => {
                        changed.unwrap();
                        if *arrived.borrow() == RECORDS {
                            break;
                        }
                    }
                }
            }
        })
        .await;
        receiving.abort();
        assert!(
            delivered.is_ok(),
            "{} of {RECORDS} records arrived by gossip",
            *arrived.borrow()
        );
    }

    #[test]
    fn the_configurations_validate() {
        node_gossip_config();
        let topics = Topics::new(&NetworkId::of(b"a charter"));
        peer_score(&topics).unwrap();
        assert!(topics.records.to_string().ends_with("/records"));
        assert!(topics.contains(&topics.alerts.hash()));
    }

    #[test]
    fn the_libp2p_identity_is_the_device_key() {
        let device = DeviceKeypair::from_seed([7; 32]);
        let key = identity_of(&device).unwrap();
        let public = key.public().try_into_ed25519().unwrap();
        assert_eq!(public.to_bytes(), *device.public().as_bytes());
        assert_eq!(device_of(&key.public().to_peer_id()), Some(device.public()));
        assert_eq!(device_of(&libp2p::PeerId::random()), None);
    }
}
