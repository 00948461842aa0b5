//! The swarm: the step where this node's transport and protocols are put together
//! before any record moves. TCP + Noise + Yamux on tokio, with the device key as the
//! libp2p identity (so `PeerId` ⇔ device); identify; ping; gossipsub configured for
//! records that carry their own signatures (anonymous messages, content ids, nothing
//! forwarded before ingest has judged it, peer scoring on); and request-response for
//! `/commons/sync/1`. Every setting is a named constant, and each configuration is
//! validated when built.

use std::time::Duration;

use commons_protocol::{DeviceKeypair, MAX_SIGNED_RECORD_BYTES, NetworkId, gossip_message_id};
use libp2p::gossipsub::{
    self, IdentTopic, MessageAuthenticity, MessageId, PeerScoreParams, PeerScoreThresholds,
    TopicHash, TopicScoreParams, ValidationMode,
};
use libp2p::swarm::NetworkBehaviour;
use libp2p::{Swarm, SwarmBuilder, identify, identity, noise, ping, request_response, tcp, yamux};

use super::NetworkError;
use super::sync_codec::{SYNC_STREAM_PROTOCOL, SyncCodec};

/// What identify announces as the protocol family.
pub const IDENTIFY_PROTOCOL: &str = "/commons/id/1";
/// How long a connection with nothing going on is kept.
pub const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(60);
/// Gossipsub's heartbeat.
pub const GOSSIP_HEARTBEAT: Duration = Duration::from_secs(1);
/// Room in a gossip frame beyond the largest signed record (protobuf fields, topic).
pub const GOSSIP_FRAME_OVERHEAD_BYTES: usize = 4 * 1024;
/// The largest gossip frame: the largest signed record and its framing.
pub const GOSSIP_MAX_TRANSMIT_BYTES: usize = MAX_SIGNED_RECORD_BYTES + GOSSIP_FRAME_OVERHEAD_BYTES;
/// How long a message id is remembered as seen.
pub const GOSSIP_DUPLICATE_CACHE_TIME: Duration = Duration::from_secs(120);
/// How long a sync request may take before it fails.
pub const SYNC_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Sync streams open at once on one connection (in and out).
pub const SYNC_MAX_CONCURRENT_STREAMS: usize = 16;

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
#[derive(NetworkBehaviour)]
pub struct Behaviour {
    /// Gossip of new records.
    pub gossipsub: gossipsub::Behaviour,
    /// Sync: heads and ranges of feeds.
    pub sync: request_response::Behaviour<SyncCodec>,
    /// Who the peer says it is and where it listens.
    pub identify: identify::Behaviour,
    /// Liveness.
    pub ping: ping::Behaviour,
}

impl std::fmt::Debug for Behaviour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Behaviour").finish_non_exhaustive()
    }
}

/// The libp2p identity of a device: the same ed25519 key.
pub fn identity_of(device: &DeviceKeypair) -> Result<identity::Keypair, NetworkError> {
    identity::Keypair::ed25519_from_bytes(device.seed())
        .map_err(|error| NetworkError::Identity(error.to_string()))
}

/// Gossipsub's configuration: anonymous messages named by the SHA-256 of their bytes,
/// held until ingest reports on them, and frames just big enough for a signed record.
pub fn gossipsub_config() -> Result<gossipsub::Config, NetworkError> {
    gossipsub::ConfigBuilder::default()
        .heartbeat_interval(GOSSIP_HEARTBEAT)
        .validation_mode(ValidationMode::Anonymous)
        .validate_messages()
        .message_id_fn(|message: &gossipsub::Message| {
            MessageId::new(&gossip_message_id(&message.data))
        })
        .max_transmit_size(GOSSIP_MAX_TRANSMIT_BYTES)
        .duplicate_cache_time(GOSSIP_DUPLICATE_CACHE_TIME)
        .build()
        .map_err(|error| NetworkError::Config(format!("gossipsub: {error}")))
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

/// Peer scoring over both topics, validated.
pub fn peer_score(topics: &Topics) -> Result<(PeerScoreParams, PeerScoreThresholds), NetworkError> {
    let mut params = PeerScoreParams::default();
    for topic in [&topics.records, &topics.alerts] {
        params.topics.insert(topic.hash(), topic_score_params());
    }
    let thresholds = PeerScoreThresholds::default();
    params
        .validate()
        .map_err(|error| NetworkError::Config(format!("peer score: {error}")))?;
    thresholds
        .validate()
        .map_err(|error| NetworkError::Config(format!("peer score thresholds: {error}")))?;
    Ok((params, thresholds))
}

/// Every protocol, configured, and subscribed to `network`'s topics.
pub fn behaviour(
    key: &identity::Keypair,
    network: &NetworkId,
) -> Result<(Behaviour, Topics), NetworkError> {
    let topics = Topics::new(network);
    let mut gossipsub =
        gossipsub::Behaviour::new(MessageAuthenticity::Anonymous, gossipsub_config()?)
            .map_err(|error| NetworkError::Config(format!("gossipsub: {error}")))?;
    let (params, thresholds) = peer_score(&topics)?;
    gossipsub
        .with_peer_score(params, thresholds)
        .map_err(|error| NetworkError::Config(format!("peer score: {error}")))?;
    for topic in [&topics.records, &topics.alerts] {
        gossipsub
            .subscribe(topic)
            .map_err(|error| NetworkError::Config(format!("subscribe to {topic}: {error}")))?;
    }
    let sync = request_response::Behaviour::new(
        [(
            SYNC_STREAM_PROTOCOL,
            request_response::ProtocolSupport::Full,
        )],
        request_response::Config::default()
            .with_request_timeout(SYNC_REQUEST_TIMEOUT)
            .with_max_concurrent_streams(SYNC_MAX_CONCURRENT_STREAMS),
    );
    let identify = identify::Behaviour::new(
        identify::Config::new(IDENTIFY_PROTOCOL.to_owned(), key.public())
            .with_agent_version(format!("commons/{}", env!("CARGO_PKG_VERSION"))),
    );
    let ping = ping::Behaviour::new(ping::Config::new());
    Ok((
        Behaviour {
            gossipsub,
            sync,
            identify,
            ping,
        },
        topics,
    ))
}

/// A swarm for `device` on `network`, not yet listening.
pub fn build_swarm(
    device: &DeviceKeypair,
    network: &NetworkId,
) -> Result<(Swarm<Behaviour>, Topics), NetworkError> {
    let key = identity_of(device)?;
    let (behaviour, topics) = behaviour(&key, network)?;
    let swarm = SwarmBuilder::with_existing_identity(key)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|error| NetworkError::Config(format!("transport: {error}")))?
        .with_behaviour(|_| behaviour)
        .map_err(|error| NetworkError::Config(format!("behaviour: {error}")))?
        .with_swarm_config(|config| config.with_idle_connection_timeout(IDLE_CONNECTION_TIMEOUT))
        .build();
    Ok((swarm, topics))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_configurations_validate() {
        gossipsub_config().unwrap();
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
    }
}
