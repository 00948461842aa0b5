//! `gossip-baseline`: the bare rust-libp2p gossipsub figure that the network benchmarks
//! compare the node's gossip against. Two processes on loopback, nothing but TCP, Noise,
//! Yamux and gossipsub between them: anonymous messages named by the SHA-256 of their
//! bytes, no validation step, no peer scoring, no store. Whatever the node adds on top
//! of that is what its own figure costs.
//!
//! ```text
//! gossip-baseline receive --listen /ip4/127.0.0.1/tcp/0 --count N
//!     LISTEN /ip4/127.0.0.1/tcp/PORT/p2p/PEER
//!     {"received":N,"seconds":S,"per_second":R}
//! gossip-baseline send --peer /ip4/127.0.0.1/tcp/PORT/p2p/PEER --count N --size 1024
//!     {"published":N,"attempts":A,"queue_full":F,"seconds":S}
//! ```
//!
//! The receiver's clock runs from the first message it receives to the Nth, so neither
//! the connection set-up nor the wait for the subscription is in the figure; its rate
//! counts the N−1 messages that arrived after the clock started. `commons_tests::baseline`
//! runs both and reads the receiver's line.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail, ensure};
use clap::{Parser, Subcommand};
use futures::StreamExt;
use libp2p::gossipsub::{
    self, IdentTopic, MessageAuthenticity, MessageId, PublishError, ValidationMode,
};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, PeerId, Swarm, SwarmBuilder, noise, tcp, yamux};
use serde_json::json;
use sha2::{Digest, Sha256};
use tokio::time::{Instant, sleep, sleep_until};

/// The one topic both sides use.
const TOPIC: &str = "baseline";
/// Gossipsub's heartbeat, as in the node.
const HEARTBEAT: Duration = Duration::from_secs(1);
/// The largest frame either side accepts: room for 64 KiB messages and their framing.
const MAX_TRANSMIT_BYTES: usize = 70 * 1024;
/// What a frame holds besides the message: protobuf fields and the topic.
const FRAME_OVERHEAD_BYTES: usize = 1024;
/// How long the sender waits, from dialling, for the receiver to subscribe.
const SUBSCRIBE_DEADLINE: Duration = Duration::from_secs(30);
/// How long the sender waits for the send queue to drain when gossipsub says it is full.
const QUEUE_FULL_BACKOFF: Duration = Duration::from_millis(1);
/// Messages published between two polls of the swarm: enough that polling is not what
/// the sender spends its time on, few enough that a closed connection is seen soon.
const PUBLISH_BURST: u64 = 256;
/// The counter at the start of each message, which makes every attempt's bytes, and
/// so its message id, new.
const COUNTER_BYTES: usize = 8;
/// Connections are kept while the two sides are quiet (waiting for a subscription).
const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Parser)]
#[command(
    name = "gossip-baseline",
    about = "Bare rust-libp2p gossipsub throughput between two processes"
)]
struct Cli {
    #[command(subcommand)]
    role: Role,
}

#[derive(Debug, Subcommand)]
enum Role {
    /// Listen, print `LISTEN <multiaddr>`, wait for COUNT messages on the topic, then
    /// print the rate as one JSON line.
    Receive {
        /// Where to listen.
        #[arg(long, default_value = "/ip4/127.0.0.1/tcp/0")]
        listen: Multiaddr,
        /// How many messages to wait for (at least 2: the first starts the clock).
        #[arg(long)]
        count: u64,
        /// Give up (exit non-zero) after this many seconds.
        #[arg(long, default_value_t = 300)]
        timeout_secs: u64,
    },
    /// Dial the receiver, wait for its subscription, publish COUNT messages of SIZE
    /// bytes as fast as gossipsub takes them, then stay until the receiver disconnects.
    Send {
        /// The receiver's address, as it printed it (with `/p2p/<peer id>`).
        #[arg(long)]
        peer: Multiaddr,
        /// How many messages to publish.
        #[arg(long)]
        count: u64,
        /// The size of each message in bytes.
        #[arg(long, default_value_t = 1024)]
        size: usize,
        /// Give up (exit non-zero) after this many seconds.
        #[arg(long, default_value_t = 300)]
        timeout_secs: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("gossip-baseline: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    // One thread per process: the two processes already have a core each on the
    // benchmark machine, and a single thread spares the swarm's connection tasks the
    // hand-offs between workers.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    match cli.role {
        Role::Receive {
            listen,
            count,
            timeout_secs,
        } => {
            ensure!(count >= 2, "--count must be at least 2");
            runtime.block_on(receive(listen, count, Duration::from_secs(timeout_secs)))
        }
        Role::Send {
            peer,
            count,
            size,
            timeout_secs,
        } => {
            ensure!(count >= 1, "--count must be at least 1");
            let largest = MAX_TRANSMIT_BYTES - FRAME_OVERHEAD_BYTES;
            ensure!(
                (COUNTER_BYTES..=largest).contains(&size),
                "--size must be between {COUNTER_BYTES} and {largest} bytes"
            );
            runtime.block_on(send(peer, count, size, Duration::from_secs(timeout_secs)))
        }
    }
}

/// Bare gossipsub: anonymous, content-addressed, every message accepted as it arrives.
fn gossipsub_config() -> Result<gossipsub::Config> {
    gossipsub::ConfigBuilder::default()
        .heartbeat_interval(HEARTBEAT)
        .validation_mode(ValidationMode::Anonymous)
        .message_id_fn(|message: &gossipsub::Message| {
            MessageId::new(Sha256::digest(&message.data).as_slice())
        })
        .max_transmit_size(MAX_TRANSMIT_BYTES)
        .build()
        .map_err(|error| anyhow!("gossipsub configuration: {error}"))
}

/// A swarm with a fresh identity on TCP (no Nagle delay) + Noise + Yamux, as the node
/// builds its own.
fn build_swarm() -> Result<Swarm<gossipsub::Behaviour>> {
    let behaviour = gossipsub::Behaviour::new(MessageAuthenticity::Anonymous, gossipsub_config()?)
        .map_err(|error| anyhow!("gossipsub: {error}"))?;
    let swarm = SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .context("TCP transport")?
        .with_behaviour(|_| behaviour)
        .map_err(|error| anyhow!("behaviour: {error}"))?
        .with_swarm_config(|config| config.with_idle_connection_timeout(IDLE_CONNECTION_TIMEOUT))
        .build();
    Ok(swarm)
}

async fn receive(listen: Multiaddr, count: u64, timeout: Duration) -> Result<()> {
    let mut swarm = build_swarm()?;
    swarm
        .behaviour_mut()
        .subscribe(&IdentTopic::new(TOPIC))
        .context("subscribing")?;
    swarm
        .listen_on(listen.clone())
        .with_context(|| format!("listening on {listen}"))?;

    let deadline = sleep(timeout);
    tokio::pin!(deadline);
    let mut announced = false;
    let mut first: Option<Instant> = None;
    let mut received = 0u64;
    loop {
        tokio::select! {
            () = &mut deadline => {
                bail!("received {received} of {count} messages in {timeout:?}");
            }
            event = swarm.select_next_some() => match event {
                SwarmEvent::NewListenAddr { address, .. } if !announced => {
                    announced = true;
                    let peer = *swarm.local_peer_id();
                    let address = address.with_p2p(peer).unwrap_or_else(|address| address);
                    // The parent reads this line to know whom to dial.
                    println!("LISTEN {address}");
                }
                SwarmEvent::Behaviour(gossipsub::Event::Message { .. }) => {
                    received += 1;
                    let started = *first.get_or_insert_with(Instant::now);
                    if received == count {
                        let seconds = started.elapsed().as_secs_f64();
                        let per_second = (count - 1) as f64 / seconds;
                        println!(
                            "{}",
                            json!({ "received": count, "seconds": seconds, "per_second": per_second })
                        );
                        return Ok(());
                    }
                }
                _ => {}
            },
        }
    }
}

/// The peer id in `/p2p/…` of `address`, if it has one.
fn peer_of(address: &Multiaddr) -> Option<PeerId> {
    address.iter().find_map(|protocol| match protocol {
        Protocol::P2p(peer) => Some(peer),
        _ => None,
    })
}

async fn send(peer: Multiaddr, count: u64, size: usize, timeout: Duration) -> Result<()> {
    let mut swarm = build_swarm()?;
    let topic = IdentTopic::new(TOPIC).hash();
    let expected = peer_of(&peer);
    swarm
        .dial(peer.clone())
        .with_context(|| format!("dialling {peer}"))?;
    let end = Instant::now() + timeout;

    // The sender does not subscribe: it publishes through fanout (flood publishing),
    // and the receiver has nobody to gossip back to.
    let subscribed_by = Instant::now() + SUBSCRIBE_DEADLINE.min(timeout);
    let receiver = loop {
        tokio::select! {
            () = sleep_until(subscribed_by) => {
                bail!("{peer} did not subscribe to {TOPIC:?} within {SUBSCRIBE_DEADLINE:?}");
            }
            event = swarm.select_next_some() => match event {
                SwarmEvent::Behaviour(gossipsub::Event::Subscribed { peer_id, topic: subscribed })
                    if subscribed == topic && expected.is_none_or(|expected| expected == peer_id) =>
                {
                    break peer_id;
                }
                SwarmEvent::OutgoingConnectionError { error, .. } => {
                    bail!("cannot reach {peer}: {error}");
                }
                _ => {}
            },
        }
    };

    let started = Instant::now();
    let mut payload = vec![0u8; size];
    let mut attempts = 0u64;
    let mut published = 0u64;
    let mut queue_full = 0u64;
    let mut backing_off = false;
    let deadline = sleep_until(end);
    tokio::pin!(deadline);
    while published < count {
        tokio::select! {
            biased;
            () = &mut deadline => {
                bail!("published {published} of {count} messages in {timeout:?}");
            }
            event = swarm.select_next_some() => {
                if closes(&event, receiver) {
                    bail!("the receiver disconnected after {published} of {count} messages");
                }
            }
            () = sleep(QUEUE_FULL_BACKOFF), if backing_off => backing_off = false,
            () = std::future::ready(()), if !backing_off => {
                for _ in 0..PUBLISH_BURST.min(count - published) {
                    payload[..COUNTER_BYTES].copy_from_slice(&attempts.to_be_bytes());
                    attempts += 1;
                    match swarm.behaviour_mut().publish(topic.clone(), payload.clone()) {
                        Ok(_) => published += 1,
                        // The id of these bytes is now marked as seen, so the next
                        // attempt carries the next counter, not these bytes again.
                        Err(PublishError::AllQueuesFull(_)) => {
                            queue_full += 1;
                            backing_off = true;
                            break;
                        }
                        Err(error) => bail!("publishing message {published}: {error}"),
                    }
                }
            }
        }
    }
    println!(
        "{}",
        json!({
            "published": published,
            "attempts": attempts,
            "queue_full": queue_full,
            "seconds": started.elapsed().as_secs_f64(),
        })
    );

    // Queued messages still have to leave: stay until the receiver, having counted
    // them, goes away.
    loop {
        tokio::select! {
            () = &mut deadline => {
                bail!("the receiver was still connected after {timeout:?}");
            }
            event = swarm.select_next_some() => {
                if closes(&event, receiver) {
                    return Ok(());
                }
            }
        }
    }
}

/// Whether `event` is the last connection to `peer` closing.
fn closes(event: &SwarmEvent<gossipsub::Event>, peer: PeerId) -> bool {
    matches!(
        event,
        SwarmEvent::ConnectionClosed { peer_id, num_established: 0, .. } if *peer_id == peer
    )
}
