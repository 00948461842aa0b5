//! A hostile peer: a real rust-libp2p swarm that speaks the network's gossipsub topics
//! and `/commons/sync/1` the way an attacker would, for the hostile-peer suite
//! (`tests/tests/hostile.rs`, `docs/hostile-peers.md`). It is the step where bytes
//! nobody should trust reach an honest node: forged and malformed records by gossip,
//! floods, sync frames with lying length prefixes, requests over the caps, answers
//! read a few bytes at a time or not at all, and hundreds of connections at once.
//!
//! | piece | what it does |
//! |---|---|
//! | [`HostilePeer`] | one identity (an insider's device key, or a stranger's): gossipsub (anonymous, or signed, which this network refuses) and a raw sync codec, run on its own tokio runtime and driven from blocking test code |
//! | [`RawSyncCodec`] | `/commons/sync/1` with no checks: whatever bytes the test gives are written as they are, and answers are read whole, a few bytes at a time, or not at all ([`ReadMode`]) |
//! | [`Responder`] | how the peer answers an honest node's own sync requests (its hello, heads and pulls) |
//! | [`BlobResponder`] | how the peer answers an honest node's `/commons/blob/1` requests: the right chunk list, and chunks with a byte flipped ([`Tamper`]) |
//! | [`connection_storm`] | many connections at once, from distinct stranger identities or from one |
//! | record makers | [`forge_signature`], [`tamper_payload`], [`frame`], [`practice`] |
//!
//! Nothing here is a model of the node: every byte goes over loopback TCP, Noise and
//! Yamux to a real `commons node run` process.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use commons_node::network::behaviour::{GOSSIP_MAX_CONTROL_IDS, Topics, identity_of};
use commons_node::network::blob_codec::{BLOB_STREAM_PROTOCOL, BlobCodec};
use commons_node::network::sync_codec::SYNC_STREAM_PROTOCOL;
use commons_protocol::sync::{MAX_SYNC_REQUEST_BYTES, MAX_SYNC_RESPONSE_BYTES};
use commons_protocol::{
    BlobId, BlobRequest, BlobResponse, Body, ChunkList, DeviceKeypair, FeedSummary, NetworkId,
    Practice, Refusal, SyncRequest, SyncResponse, Visibility,
};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, StreamExt};
use libp2p::gossipsub::{self, MessageAuthenticity, MessageId, ValidationMode};
use libp2p::request_response::{self, OutboundRequestId, ProtocolSupport};
use libp2p::swarm::{NetworkBehaviour, SwarmEvent, dummy};
use libp2p::{Multiaddr, PeerId, StreamProtocol, Swarm, SwarmBuilder, identity, noise, tcp, yamux};
use sha2::{Digest, Sha256};
use tokio::runtime::Runtime;
use tokio::sync::{mpsc, oneshot};

/// Commands waiting for the peer's loop.
const COMMAND_QUEUE_CAPACITY: usize = 64;
/// How long a raw sync exchange may take at the attacker's end (longer than the honest
/// node's own 30 s, so the honest node is the one that gives up).
pub const RAW_SYNC_TIMEOUT: Duration = Duration::from_secs(90);
/// Raw sync streams the attacker keeps open at once per connection: more than the
/// honest node's 16, to see what it does with the rest.
pub const RAW_SYNC_MAX_STREAMS: usize = 64;
/// The largest gossip frame the attacker sends: well over the honest node's limit.
pub const ATTACKER_MAX_TRANSMIT_BYTES: usize = 1024 * 1024;
/// Ticks per second of a paced flood.
const FLOOD_TICKS_PER_SECOND: u32 = 100;
/// How long the attacker keeps an idle connection.
const ATTACKER_IDLE_TIMEOUT: Duration = Duration::from_secs(600);

/// How an answer to a raw sync request is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// The whole answer, as an honest peer would (up to the protocol's cap).
    Whole,
    /// `chunk` bytes, then a pause, until `total` bytes were read or the stream ends:
    /// a slow reader that keeps the answer in the honest node's memory.
    Trickle {
        /// Bytes per read.
        chunk: usize,
        /// Pause between reads.
        pause: Duration,
        /// Bytes read before giving up.
        total: usize,
    },
    /// Nothing at all, for `hold`: the honest node's answer sits in its send buffers.
    Never {
        /// How long the stream is held open unread.
        hold: Duration,
    },
}

/// A raw sync request: bytes written exactly as given (the length prefix included, so
/// it can lie), optionally followed by a stall with the stream still open, and how to
/// read the answer.
#[derive(Debug, Clone)]
pub struct RawRequest {
    /// The bytes written.
    pub bytes: Vec<u8>,
    /// Keep the stream open, writing nothing more, for this long after the bytes.
    pub stall: Option<Duration>,
    /// How to read the answer.
    pub read: ReadMode,
}

impl RawRequest {
    /// A request of these bytes, read whole.
    pub fn new(bytes: Vec<u8>) -> Self {
        RawRequest {
            bytes,
            stall: None,
            read: ReadMode::Whole,
        }
    }

    /// A well-formed request, framed as an honest node frames it.
    pub fn of(request: &SyncRequest) -> Self {
        RawRequest::new(frame(&request.encode()))
    }
}

/// One sync frame: a 4-byte big-endian length, then the bytes.
pub fn frame(bytes: &[u8]) -> Vec<u8> {
    let mut framed = u32::try_from(bytes.len())
        .expect("a test frame fits a u32 length")
        .to_be_bytes()
        .to_vec();
    framed.extend_from_slice(bytes);
    framed
}

/// `/commons/sync/1` with no checks at all on what is written. The codec is cloned for
/// every stream, so the read mode a request carries is remembered between writing it
/// and reading its answer.
#[derive(Debug, Clone)]
pub struct RawSyncCodec {
    read: ReadMode,
}

impl Default for RawSyncCodec {
    fn default() -> Self {
        RawSyncCodec {
            read: ReadMode::Whole,
        }
    }
}

/// Reads until the stream ends, at most `max` bytes.
async fn read_all<T: AsyncRead + Unpin + Send>(io: &mut T, max: usize) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    io.take(max as u64).read_to_end(&mut bytes).await?;
    Ok(bytes)
}

impl request_response::Codec for RawSyncCodec {
    type Protocol = StreamProtocol;
    type Request = RawRequest;
    type Response = Vec<u8>;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<RawRequest>
    where
        T: AsyncRead + Unpin + Send,
    {
        // An honest node's request to this peer: one frame, within the request cap.
        let mut prefix = [0u8; 4];
        io.read_exact(&mut prefix).await?;
        let len = u32::from_be_bytes(prefix) as usize;
        if len > MAX_SYNC_REQUEST_BYTES {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "over the cap"));
        }
        let mut bytes = vec![0u8; len];
        io.read_exact(&mut bytes).await?;
        Ok(RawRequest::new(bytes))
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Vec<u8>>
    where
        T: AsyncRead + Unpin + Send,
    {
        let cap = MAX_SYNC_RESPONSE_BYTES + 4;
        match self.read {
            ReadMode::Whole => read_all(io, cap).await,
            ReadMode::Trickle {
                chunk,
                pause,
                total,
            } => {
                let mut bytes = Vec::new();
                let mut buffer = vec![0u8; chunk.max(1)];
                while bytes.len() < total {
                    let read = io.read(&mut buffer).await?;
                    if read == 0 {
                        break;
                    }
                    bytes.extend_from_slice(&buffer[..read]);
                    tokio::time::sleep(pause).await;
                }
                Ok(bytes)
            }
            ReadMode::Never { hold } => {
                tokio::time::sleep(hold).await;
                Ok(Vec::new())
            }
        }
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        request: RawRequest,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        self.read = request.read;
        io.write_all(&request.bytes).await?;
        io.flush().await?;
        if let Some(stall) = request.stall {
            tokio::time::sleep(stall).await;
        }
        Ok(())
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: Vec<u8>,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        io.write_all(&response).await?;
        io.flush().await
    }
}

/// How the hostile peer answers an honest node's sync requests. Each answer is written
/// exactly as given (already framed), so it may be a lie of any kind.
#[derive(Debug, Clone, Default)]
pub struct Responder {
    /// The answer to a hello: the framed bytes, or none (the stream is dropped).
    pub hello: Option<Vec<u8>>,
    /// The answer to a heads request.
    pub heads: Option<Vec<u8>>,
    /// The answer to any range request.
    pub range: Option<Vec<u8>>,
    /// The answer to a fork-proofs request.
    pub fork_proofs: Option<Vec<u8>>,
}

impl Responder {
    /// Answers as a member's device that holds only its own feed up to `head` would, but
    /// serves `range_records` to any pull (valid, forged, whatever the test wants).
    pub fn member(delegation: &[u8], head: FeedSummary, range_records: Vec<Vec<u8>>) -> Self {
        let hello = SyncResponse::Hello {
            delegation: delegation.to_vec(),
            admitted: true,
        };
        let heads = SyncResponse::Heads {
            feeds: vec![head],
            more: false,
        };
        let range = SyncResponse::Records {
            records: range_records,
            more: false,
        };
        let proofs = SyncResponse::ForkProofs { proofs: Vec::new() };
        Responder {
            hello: Some(frame(&hello.encode())),
            heads: Some(frame(&heads.encode())),
            range: Some(frame(&range.encode())),
            fork_proofs: Some(frame(&proofs.encode())),
        }
    }

    /// Answers every request with `NotAMember`, except the hello, answered with
    /// `delegation` (which may well be someone else's).
    pub fn stranger(delegation: &[u8]) -> Self {
        let hello = SyncResponse::Hello {
            delegation: delegation.to_vec(),
            admitted: false,
        };
        let refused = frame(&SyncResponse::Refused(Refusal::NotAMember).encode());
        Responder {
            hello: Some(frame(&hello.encode())),
            heads: Some(refused.clone()),
            range: Some(refused.clone()),
            fork_proofs: Some(refused),
        }
    }

    fn answer(&self, request: &[u8]) -> Option<Vec<u8>> {
        match SyncRequest::decode(request).ok()? {
            SyncRequest::Hello { .. } => self.hello.clone(),
            SyncRequest::Heads { .. } | SyncRequest::Announce { .. } => self.heads.clone(),
            SyncRequest::Range { .. } => self.range.clone(),
            SyncRequest::ForkProofs => self.fork_proofs.clone(),
        }
    }
}

/// Which chunks a [`BlobResponder`] serves wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tamper {
    /// None: an honest server.
    Nothing,
    /// Every chunk, with one byte flipped (its length right, its hash wrong).
    EveryChunk,
    /// The chunk list: one hash flipped, so it no longer hashes to the file's id.
    ChunkList,
}

/// How the hostile peer answers `/commons/blob/1`: it holds some files whole (their
/// bytes given by the test) and serves their chunk lists and chunks, tampered with as
/// [`Tamper`] says; `NotHeld` for anything else. It serves anyone, member or not.
#[derive(Debug, Clone)]
pub struct BlobResponder {
    files: HashMap<BlobId, (ChunkList, Arc<Vec<u8>>)>,
    tamper: Tamper,
}

impl BlobResponder {
    /// Serves `files` (each file's whole bytes), tampered with as `tamper` says.
    pub fn new(files: Vec<Vec<u8>>, tamper: Tamper) -> Result<Self, String> {
        let mut held = HashMap::new();
        for bytes in files {
            let list =
                commons_protocol::blob::chunk_list_of(&bytes).map_err(|error| error.to_string())?;
            held.insert(list.root(), (list, Arc::new(bytes)));
        }
        Ok(BlobResponder {
            files: held,
            tamper,
        })
    }

    fn answer(&self, request: &BlobRequest) -> BlobResponse {
        let Some((list, bytes)) = self.files.get(&request.blob()) else {
            return BlobResponse::NotHeld;
        };
        match request {
            BlobRequest::ChunkList { .. } => {
                let mut list = list.clone();
                if self.tamper == Tamper::ChunkList
                    && let Some(first) = list.hashes.first_mut()
                {
                    first[0] ^= 0x01;
                }
                BlobResponse::ChunkList(list)
            }
            BlobRequest::Chunk { index, .. } => {
                let Ok(range) = list.range(*index) else {
                    return BlobResponse::NotHeld;
                };
                let mut chunk = bytes[range.start as usize..range.end as usize].to_vec();
                let middle = chunk.len() / 2;
                if self.tamper == Tamper::EveryChunk
                    && let Some(middle) = chunk.get_mut(middle)
                {
                    *middle ^= 0x01;
                }
                BlobResponse::Chunk(chunk)
            }
        }
    }
}

/// The hostile peer's protocols.
#[derive(NetworkBehaviour)]
struct HostileBehaviour {
    gossipsub: gossipsub::Behaviour,
    sync: request_response::Behaviour<RawSyncCodec>,
    blob: request_response::Behaviour<BlobCodec>,
}

/// Whether the peer's gossip carries libp2p signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GossipMode {
    /// Anonymous, as the network's gossip is: each message is judged by what it holds.
    Anonymous,
    /// Signed by the peer's libp2p key, with its peer id and a seqno: the network's
    /// nodes refuse every such message in gossipsub itself (it validates anonymously).
    Signed,
}

/// What a flood sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FloodReport {
    /// Messages gossipsub took for sending.
    pub sent: usize,
    /// Messages it refused (no peer, queues full).
    pub refused: usize,
    /// How long it took.
    pub elapsed: Duration,
}

enum Command {
    Dial {
        addr: Multiaddr,
        reply: oneshot::Sender<Result<(), String>>,
    },
    Connected {
        reply: oneshot::Sender<Vec<PeerId>>,
    },
    GossipPeers {
        reply: oneshot::Sender<usize>,
    },
    Publish {
        alert: bool,
        data: Vec<u8>,
        reply: oneshot::Sender<Result<(), String>>,
    },
    Flood {
        messages: Vec<Vec<u8>>,
        per_second: u32,
        reply: oneshot::Sender<FloodReport>,
    },
    Sync {
        peer: PeerId,
        request: RawRequest,
        reply: oneshot::Sender<Result<Vec<u8>, String>>,
    },
    Respond {
        responder: Responder,
    },
    ServeBlobs {
        responder: Option<BlobResponder>,
    },
    AskBlob {
        peer: PeerId,
        request: BlobRequest,
        reply: oneshot::Sender<Result<BlobResponse, String>>,
    },
    Answered {
        reply: oneshot::Sender<HashMap<&'static str, usize>>,
    },
}

/// A hostile peer: a swarm on a runtime of its own, driven by blocking calls.
pub struct HostilePeer {
    runtime: Runtime,
    commands: mpsc::Sender<Command>,
    peer_id: PeerId,
}

impl std::fmt::Debug for HostilePeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostilePeer")
            .field("peer_id", &self.peer_id)
            .finish_non_exhaustive()
    }
}

/// The attacker's gossipsub: the network's topics, big frames, and a message id made
/// unique per publish, so that its own duplicate cache never stops it replaying the
/// same bytes (the honest nodes compute their own ids from the content). Its IHAVEs
/// are as small as a node's: with gossipsub's default, the IHAVE it sends after a
/// flood is too large for the honest nodes, which close its stream each time; after
/// five, they stop reading its gossip, and its later messages would go unjudged.
fn hostile_gossipsub(
    key: &identity::Keypair,
    mode: GossipMode,
) -> Result<gossipsub::Behaviour, String> {
    let counter = Arc::new(AtomicUsize::new(0));
    let config = gossipsub::ConfigBuilder::default()
        .validation_mode(match mode {
            GossipMode::Anonymous => ValidationMode::Anonymous,
            GossipMode::Signed => ValidationMode::Permissive,
        })
        .max_transmit_size(ATTACKER_MAX_TRANSMIT_BYTES)
        .connection_handler_queue_len(100_000)
        .max_control_messages_sent(GOSSIP_MAX_CONTROL_IDS)
        .heartbeat_initial_delay(Duration::from_millis(200))
        .message_id_fn(move |message: &gossipsub::Message| {
            let mut hash = Sha256::new();
            hash.update(&message.data);
            hash.update(counter.fetch_add(1, Ordering::Relaxed).to_be_bytes());
            MessageId::new(&hash.finalize())
        })
        .build()
        .map_err(|error| error.to_string())?;
    let authenticity = match mode {
        GossipMode::Anonymous => MessageAuthenticity::Anonymous,
        GossipMode::Signed => MessageAuthenticity::Signed(key.clone()),
    };
    gossipsub::Behaviour::new(authenticity, config).map_err(str::to_owned)
}

impl HostilePeer {
    /// A peer with `device`'s key as its identity (an insider holding a member device's
    /// key, or a stranger's key), on `network`'s topics, answering sync as `responder`.
    pub fn start(
        device: &DeviceKeypair,
        network: &NetworkId,
        mode: GossipMode,
        responder: Responder,
    ) -> Result<HostilePeer, String> {
        let key = identity_of(device).map_err(|error| error.to_string())?;
        let peer_id = key.public().to_peer_id();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .thread_name("hostile-peer")
            .build()
            .map_err(|error| error.to_string())?;
        let topics = Topics::new(network);
        let swarm = {
            let _guard = runtime.enter();
            let mut gossipsub = hostile_gossipsub(&key, mode)?;
            for topic in [&topics.records, &topics.alerts] {
                gossipsub
                    .subscribe(topic)
                    .map_err(|error| error.to_string())?;
            }
            let sync = request_response::Behaviour::with_codec(
                RawSyncCodec::default(),
                [(SYNC_STREAM_PROTOCOL, ProtocolSupport::Full)],
                request_response::Config::default()
                    .with_request_timeout(RAW_SYNC_TIMEOUT)
                    .with_max_concurrent_streams(RAW_SYNC_MAX_STREAMS),
            );
            let blob = request_response::Behaviour::new(
                [(BLOB_STREAM_PROTOCOL, ProtocolSupport::Full)],
                request_response::Config::default().with_request_timeout(RAW_SYNC_TIMEOUT),
            );
            SwarmBuilder::with_existing_identity(key)
                .with_tokio()
                .with_tcp(
                    tcp::Config::default().nodelay(true),
                    noise::Config::new,
                    yamux::Config::default,
                )
                .map_err(|error| error.to_string())?
                .with_behaviour(|_| HostileBehaviour {
                    gossipsub,
                    sync,
                    blob,
                })
                .map_err(|error| error.to_string())?
                .with_swarm_config(|config| {
                    config.with_idle_connection_timeout(ATTACKER_IDLE_TIMEOUT)
                })
                .build()
        };
        let (commands, receiver) = mpsc::channel(COMMAND_QUEUE_CAPACITY);
        runtime.spawn(
            HostileLoop {
                swarm,
                topics,
                responder,
                blob_responder: None,
                pending: HashMap::new(),
                blob_pending: HashMap::new(),
                answered: HashMap::new(),
                flood: None,
            }
            .run(receiver),
        );
        Ok(HostilePeer {
            runtime,
            commands,
            peer_id,
        })
    }

    /// Its peer id.
    pub fn peer_id(&self) -> PeerId {
        self.peer_id
    }

    fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> T {
        let (reply, answer) = oneshot::channel();
        self.commands
            .blocking_send(make(reply))
            .expect("the hostile peer's loop runs");
        answer
            .blocking_recv()
            .expect("the hostile peer's loop answers")
    }

    /// Dials `addr`.
    pub fn dial(&self, addr: &str) -> Result<(), String> {
        let addr: Multiaddr = addr.parse().map_err(|error| format!("{error}"))?;
        self.ask(|reply| Command::Dial { addr, reply })
    }

    /// The peers it is connected to.
    pub fn connected(&self) -> Vec<PeerId> {
        self.ask(|reply| Command::Connected { reply })
    }

    /// How many peers it knows to be subscribed to the records topic.
    pub fn gossip_peers(&self) -> usize {
        self.ask(|reply| Command::GossipPeers { reply })
    }

    /// Publishes `data` on the records topic (or the alerts topic).
    pub fn publish(&self, data: Vec<u8>, alert: bool) -> Result<(), String> {
        self.ask(|reply| Command::Publish { alert, data, reply })
    }

    /// Publishes every message on the records topic, `per_second` of them each second;
    /// returns when the last was handed to gossipsub.
    pub fn flood(&self, messages: Vec<Vec<u8>>, per_second: u32) -> FloodReport {
        self.ask(|reply| Command::Flood {
            messages,
            per_second,
            reply,
        })
    }

    /// Sends one raw sync request to `peer` and returns what was read back, or why the
    /// exchange failed.
    pub fn sync(&self, peer: PeerId, request: RawRequest) -> Result<Vec<u8>, String> {
        self.ask(|reply| Command::Sync {
            peer,
            request,
            reply,
        })
    }

    /// Sends raw sync requests to `peer` all at once; returns each outcome, in order.
    pub fn sync_many(
        &self,
        peer: PeerId,
        requests: Vec<RawRequest>,
    ) -> Vec<Result<Vec<u8>, String>> {
        let answers: Vec<_> = requests
            .into_iter()
            .map(|request| {
                let (reply, answer) = oneshot::channel();
                self.commands
                    .blocking_send(Command::Sync {
                        peer,
                        request,
                        reply,
                    })
                    .expect("the hostile peer's loop runs");
                answer
            })
            .collect();
        answers
            .into_iter()
            .map(|answer| {
                answer
                    .blocking_recv()
                    .unwrap_or_else(|_| Err("the loop dropped the request".to_owned()))
            })
            .collect()
    }

    /// From now on, answers honest nodes' sync requests as `responder`.
    pub fn respond_with(&self, responder: Responder) {
        self.commands
            .blocking_send(Command::Respond { responder })
            .expect("the hostile peer's loop runs");
    }

    /// From now on, answers honest nodes' `/commons/blob/1` requests as `responder`
    /// (`None`: the requests are dropped unanswered, the default).
    pub fn serve_blobs(&self, responder: Option<BlobResponder>) {
        self.commands
            .blocking_send(Command::ServeBlobs { responder })
            .expect("the hostile peer's loop runs");
    }

    /// Sends one `/commons/blob/1` request to `peer`, as any device may: its answer,
    /// or why none came.
    pub fn ask_blob(&self, peer: PeerId, request: BlobRequest) -> Result<BlobResponse, String> {
        self.ask(|reply| Command::AskBlob {
            peer,
            request,
            reply,
        })
    }

    /// How many requests of each kind honest nodes sent it, and it answered.
    pub fn answered(&self) -> HashMap<&'static str, usize> {
        self.ask(|reply| Command::Answered { reply })
    }
}

impl Drop for HostilePeer {
    fn drop(&mut self) {
        // The loop ends with its command channel; the runtime's threads are stopped
        // without waiting for streams that are stalled on purpose.
        let runtime = std::mem::replace(
            &mut self.runtime,
            tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("an empty runtime builds"),
        );
        runtime.shutdown_background();
    }
}

struct Flood {
    messages: std::vec::IntoIter<Vec<u8>>,
    per_tick: usize,
    report: FloodReport,
    started: tokio::time::Instant,
    reply: oneshot::Sender<FloodReport>,
}

struct HostileLoop {
    swarm: Swarm<HostileBehaviour>,
    topics: Topics,
    responder: Responder,
    blob_responder: Option<BlobResponder>,
    pending: HashMap<OutboundRequestId, oneshot::Sender<Result<Vec<u8>, String>>>,
    blob_pending: HashMap<OutboundRequestId, oneshot::Sender<Result<BlobResponse, String>>>,
    answered: HashMap<&'static str, usize>,
    flood: Option<Flood>,
}

impl HostileLoop {
    async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let mut tick = tokio::time::interval(Duration::from_secs(1) / FLOOD_TICKS_PER_SECOND);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        loop {
            tokio::select! {
                command = commands.recv() => match command {
                    Some(command) => self.on_command(command),
                    None => break,
                },
                event = self.swarm.select_next_some() => self.on_swarm(event),
                _ = tick.tick(), if self.flood.is_some() => self.flood_tick(),
            }
        }
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Dial { addr, reply } => {
                let _ = reply.send(self.swarm.dial(addr).map_err(|error| error.to_string()));
            }
            Command::Connected { reply } => {
                let _ = reply.send(self.swarm.connected_peers().copied().collect());
            }
            Command::GossipPeers { reply } => {
                let records = self.topics.records.hash();
                let count = self
                    .swarm
                    .behaviour()
                    .gossipsub
                    .all_peers()
                    .filter(|(_, topics)| topics.contains(&&records))
                    .count();
                let _ = reply.send(count);
            }
            Command::Publish { alert, data, reply } => {
                let topic = if alert {
                    self.topics.alerts.clone()
                } else {
                    self.topics.records.clone()
                };
                let result = self
                    .swarm
                    .behaviour_mut()
                    .gossipsub
                    .publish(topic, data)
                    .map(|_| ())
                    .map_err(|error| error.to_string());
                let _ = reply.send(result);
            }
            Command::Flood {
                messages,
                per_second,
                reply,
            } => {
                let per_tick = (per_second / FLOOD_TICKS_PER_SECOND).max(1) as usize;
                self.flood = Some(Flood {
                    messages: messages.into_iter(),
                    per_tick,
                    report: FloodReport::default(),
                    started: tokio::time::Instant::now(),
                    reply,
                });
            }
            Command::Sync {
                peer,
                request,
                reply,
            } => {
                let id = self.swarm.behaviour_mut().sync.send_request(&peer, request);
                self.pending.insert(id, reply);
            }
            Command::Respond { responder } => self.responder = responder,
            Command::ServeBlobs { responder } => self.blob_responder = responder,
            Command::AskBlob {
                peer,
                request,
                reply,
            } => {
                let id = self.swarm.behaviour_mut().blob.send_request(&peer, request);
                self.blob_pending.insert(id, reply);
            }
            Command::Answered { reply } => {
                let _ = reply.send(self.answered.clone());
            }
        }
    }

    fn flood_tick(&mut self) {
        let Some(flood) = self.flood.as_mut() else {
            return;
        };
        for _ in 0..flood.per_tick {
            let Some(message) = flood.messages.next() else {
                let Some(flood) = self.flood.take() else {
                    return;
                };
                let mut report = flood.report;
                report.elapsed = flood.started.elapsed();
                let _ = flood.reply.send(report);
                return;
            };
            let topic = self.topics.records.clone();
            match self.swarm.behaviour_mut().gossipsub.publish(topic, message) {
                Ok(_) => flood.report.sent += 1,
                Err(_) => flood.report.refused += 1,
            }
        }
    }

    fn on_blob(&mut self, event: request_response::Event<BlobRequest, BlobResponse>) {
        match event {
            request_response::Event::Message { message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => {
                    let kind = match request {
                        BlobRequest::ChunkList { .. } => "blob_chunk_list",
                        BlobRequest::Chunk { .. } => "blob_chunk",
                    };
                    *self.answered.entry(kind).or_default() += 1;
                    if let Some(responder) = &self.blob_responder {
                        let answer = responder.answer(&request);
                        let _ = self
                            .swarm
                            .behaviour_mut()
                            .blob
                            .send_response(channel, answer);
                    }
                }
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some(reply) = self.blob_pending.remove(&request_id) {
                        let _ = reply.send(Ok(response));
                    }
                }
            },
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => {
                if let Some(reply) = self.blob_pending.remove(&request_id) {
                    let _ = reply.send(Err(error.to_string()));
                }
            }
            _ => {}
        }
    }

    fn on_swarm(&mut self, event: SwarmEvent<HostileBehaviourEvent>) {
        let event = match event {
            SwarmEvent::Behaviour(HostileBehaviourEvent::Sync(event)) => event,
            SwarmEvent::Behaviour(HostileBehaviourEvent::Blob(event)) => {
                self.on_blob(event);
                return;
            }
            _ => return,
        };
        match event {
            request_response::Event::Message { message, .. } => match message {
                request_response::Message::Request {
                    request, channel, ..
                } => {
                    let kind = match SyncRequest::decode(&request.bytes) {
                        Ok(SyncRequest::Hello { .. }) => "hello",
                        Ok(SyncRequest::Heads { .. }) => "heads",
                        Ok(SyncRequest::Range { .. }) => "range",
                        Ok(SyncRequest::ForkProofs) => "fork_proofs",
                        Ok(SyncRequest::Announce { .. }) => "announce",
                        Err(_) => "malformed",
                    };
                    *self.answered.entry(kind).or_default() += 1;
                    if let Some(answer) = self.responder.answer(&request.bytes) {
                        let _ = self
                            .swarm
                            .behaviour_mut()
                            .sync
                            .send_response(channel, answer);
                    }
                }
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some(reply) = self.pending.remove(&request_id) {
                        let _ = reply.send(Ok(response));
                    }
                }
            },
            request_response::Event::OutboundFailure {
                request_id, error, ..
            } => {
                if let Some(reply) = self.pending.remove(&request_id) {
                    let _ = reply.send(Err(error.to_string()));
                }
            }
            _ => {}
        }
    }
}

/// What a connection storm saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StormReport {
    /// Connections dialed.
    pub dialed: usize,
    /// Connections that were established at some point.
    pub established: usize,
    /// Connections established and still open when the storm ended.
    pub open_at_end: usize,
    /// Dials that failed, or connections the honest node closed.
    pub refused_or_closed: usize,
}

/// Opens `count` connections at once to `addr` and holds them for `hold`: from `count`
/// distinct stranger identities (fixed seeds from `seed_base`) if `distinct`, else all
/// from one identity. Each identity is a full swarm (TCP, Noise, Yamux) that speaks
/// nothing else, so the honest node's own requests on it fail at negotiation.
pub fn connection_storm(
    addr: &str,
    count: usize,
    distinct: bool,
    seed_base: u8,
    hold: Duration,
) -> Result<StormReport, String> {
    let addr: Multiaddr = addr.parse().map_err(|error| format!("{error}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .thread_name("connection-storm")
        .build()
        .map_err(|error| error.to_string())?;
    let identities = if distinct { count } else { 1 };
    let dials_each = count / identities;
    let report = runtime.block_on(async move {
        let mut tasks = tokio::task::JoinSet::new();
        for index in 0..identities {
            let mut seed = [seed_base; 32];
            seed[..8].copy_from_slice(&(index as u64).to_be_bytes());
            let device = DeviceKeypair::from_seed(seed);
            let key = identity_of(&device).map_err(|error| error.to_string())?;
            let mut swarm: Swarm<dummy::Behaviour> = SwarmBuilder::with_existing_identity(key)
                .with_tokio()
                .with_tcp(
                    tcp::Config::default().nodelay(true),
                    noise::Config::new,
                    yamux::Config::default,
                )
                .map_err(|error| error.to_string())?
                .with_behaviour(|_| dummy::Behaviour)
                .map_err(|error| error.to_string())?
                .with_swarm_config(|config| config.with_idle_connection_timeout(hold * 2))
                .build();
            let addr = addr.clone();
            tasks.spawn(async move {
                let mut report = StormReport::default();
                for _ in 0..dials_each {
                    let dial = libp2p::swarm::dial_opts::DialOpts::unknown_peer_id()
                        .address(addr.clone())
                        .build();
                    report.dialed += 1;
                    if swarm.dial(dial).is_err() {
                        report.refused_or_closed += 1;
                    }
                }
                let end = tokio::time::Instant::now() + hold;
                let mut open = 0usize;
                loop {
                    tokio::select! {
                        () = tokio::time::sleep_until(end) => break,
                        event = swarm.select_next_some() => match event {
                            SwarmEvent::ConnectionEstablished { .. } => {
                                report.established += 1;
                                open += 1;
                            }
                            SwarmEvent::ConnectionClosed { .. } => {
                                report.refused_or_closed += 1;
                                open = open.saturating_sub(1);
                            }
                            SwarmEvent::OutgoingConnectionError { .. } => {
                                report.refused_or_closed += 1;
                            }
                            _ => {}
                        },
                    }
                }
                report.open_at_end = open;
                report
            });
        }
        let mut total = StormReport::default();
        while let Some(joined) = tasks.join_next().await {
            let report = joined.map_err(|error| error.to_string())?;
            total.dialed += report.dialed;
            total.established += report.established;
            total.open_at_end += report.open_at_end;
            total.refused_or_closed += report.refused_or_closed;
        }
        Ok::<StormReport, String>(total)
    })?;
    runtime.shutdown_background();
    Ok(report)
}

/// A public case study with this title, for a feed the test writes itself.
pub fn practice(title: &str) -> Body {
    Body::Practice(Practice {
        title: title.to_owned(),
        summary:
            "Community paralegals documented land disputes and took them to the district office."
                .to_owned(),
        body: "## Context\n\nFamilies faced eviction from land they had farmed for decades.\n\n\
               ## What we did\n\nParalegals trained in each village recorded every claim.\n"
            .to_owned(),
        themes: vec!["land".to_owned(), "paralegals".to_owned()],
        regions: vec!["East Africa".to_owned()],
        language: "en".to_owned(),
        licence: "CC-BY-4.0".to_owned(),
        links: Vec::new(),
        visibility: Visibility::Public,
        attachments: Vec::new(),
    })
}

/// The same signed record with one bit of its signature flipped: a forged signature.
pub fn forge_signature(signed: &[u8]) -> Vec<u8> {
    let mut forged = signed.to_vec();
    if let Some(last) = forged.last_mut() {
        *last ^= 0x01;
    }
    forged
}

/// The same signed record with one byte of its payload changed (a letter of its text)
/// and the original signature kept: a record claiming to be someone's that they never
/// signed. Changes the first lowercase ASCII letter found after the header.
pub fn tamper_payload(signed: &[u8]) -> Vec<u8> {
    let mut tampered = signed.to_vec();
    let body_start = tampered.len().min(120);
    let end = tampered.len().saturating_sub(64);
    if let Some(byte) = tampered[body_start..end]
        .iter_mut()
        .find(|byte| byte.is_ascii_lowercase())
    {
        *byte = byte.to_ascii_uppercase();
    }
    tampered
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use commons_protocol::{
        FeedPosition, FeedWriter, NetworkId, RecordError, RecordId, validate_record,
    };

    #[test]
    fn forged_and_tampered_records_fail_their_signature() {
        let network = NetworkId::of(b"a charter");
        let position = FeedPosition {
            seq: 1,
            id: Some(RecordId::of(b"a delegation")),
            timestamp_ms: 1,
        };
        let record = FeedWriter::new(DeviceKeypair::from_seed([3; 32]), network, position)
            .append(practice("Tenant surveys"), 2)
            .unwrap();
        let signed = record.signed_bytes();
        assert!(validate_record(signed, &network).is_ok());
        for bad in [forge_signature(signed), tamper_payload(signed)] {
            assert_ne!(bad, signed);
            assert!(matches!(
                validate_record(&bad, &network),
                Err(RecordError::BadSignature)
            ));
        }
    }

    #[test]
    fn a_tampering_blob_responder_serves_bytes_that_fail_their_check() {
        let bytes: Vec<u8> = (0..commons_protocol::CHUNK_BYTES + 100)
            .map(|i| (i % 253) as u8)
            .collect();
        let list = commons_protocol::blob::chunk_list_of(&bytes).unwrap();
        let blob = list.root();
        let honest = BlobResponder::new(vec![bytes.clone()], Tamper::Nothing).unwrap();
        let chunk = BlobRequest::Chunk { blob, index: 1 };
        match honest.answer(&chunk) {
            BlobResponse::Chunk(served) => list.verify_chunk(1, &served).unwrap(),
            other => panic!("expected a chunk, got {other:?}"),
        }
        let flipping = BlobResponder::new(vec![bytes.clone()], Tamper::EveryChunk).unwrap();
        match flipping.answer(&chunk) {
            BlobResponse::Chunk(served) => {
                assert_eq!(served.len(), 100);
                assert!(list.verify_chunk(1, &served).is_err());
            }
            other => panic!("expected a chunk, got {other:?}"),
        }
        let lying = BlobResponder::new(vec![bytes], Tamper::ChunkList).unwrap();
        match lying.answer(&BlobRequest::ChunkList { blob }) {
            BlobResponse::ChunkList(served) => assert!(served.check(&blob).is_err()),
            other => panic!("expected a chunk list, got {other:?}"),
        }
        let unknown = BlobRequest::ChunkList {
            blob: BlobId::from_bytes([9; 32]),
        };
        assert_eq!(honest.answer(&unknown), BlobResponse::NotHeld);
    }

    #[test]
    fn a_member_responder_answers_each_request_kind() {
        let head = FeedSummary {
            author: DeviceKeypair::from_seed([1; 32]).public(),
            contiguous: 3,
            max_seq: 3,
            frozen: false,
        };
        let responder = Responder::member(b"delegation", head, vec![b"record".to_vec()]);
        let heads = responder
            .answer(&SyncRequest::Heads { after: None }.encode())
            .unwrap();
        assert_eq!(
            SyncResponse::decode(&heads[4..]).unwrap(),
            SyncResponse::Heads {
                feeds: vec![head],
                more: false
            }
        );
        assert_eq!(responder.answer(b"\xff\xff"), None);
    }
}
