//! `commons-relay-probe`: asks a node's circuit relay for a slot and for a circuit to
//! another device, the way any libp2p peer could, and prints what the relay answered.
//! The NAT lab (`tests/tests/nat.rs`) runs it on the lab's "internet" with a stranger's
//! key, to check that a member's relay serves members' devices only, and with a
//! member's device key, to check that the probe itself works.
//!
//! ```text
//! commons-relay-probe --relay /ip4/10.77.0.1/tcp/7411/p2p/12D3… --target 12D3… \
//!     [--key-file DEVICE_KEY]
//! {"reservation":"accepted","circuit":"denied: …"}
//! ```
//!
//! Each answer is `accepted`/`connected`, `denied: <the relay's reason>`, or
//! `failed: <why>` when the relay gave no answer at all.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use commons_node::files::read_secret;
use commons_node::network::behaviour::identity_of;
use commons_protocol::DeviceKeypair;
use futures::StreamExt;
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{Multiaddr, PeerId, SwarmBuilder, noise, relay, tcp, yamux};
use tokio::time::timeout;

/// How long the relay has to answer each request.
const ANSWER_DEADLINE: Duration = Duration::from_secs(30);
/// The stranger's key when no `--key-file` is given: fixed, so runs compare.
const STRANGER_SEED: [u8; 32] = [0x5a; 32];

#[derive(Debug, Parser)]
#[command(
    name = "commons-relay-probe",
    about = "Ask a node's relay for a slot and a circuit, and print its answers (for the NAT lab)"
)]
struct Args {
    /// The relay's address, ending in `/p2p/<its peer id>`.
    #[arg(long)]
    relay: Multiaddr,
    /// The device to ask a circuit to (one that holds a slot on the relay).
    #[arg(long)]
    target: PeerId,
    /// A device key file to probe as (default: a stranger's fixed key).
    #[arg(long)]
    key_file: Option<PathBuf>,
}

#[derive(NetworkBehaviour)]
struct Probe {
    relay_client: relay::client::Behaviour,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("commons-relay-probe: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<()> {
    let seed = match &args.key_file {
        Some(path) => read_secret(path).with_context(|| format!("reading {}", path.display()))?,
        None => STRANGER_SEED,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting a runtime")?;
    let (reservation, circuit) = runtime.block_on(probe(seed, &args.relay, args.target))?;
    println!(
        "{}",
        serde_json::json!({ "reservation": reservation, "circuit": circuit })
    );
    Ok(())
}

async fn probe(seed: [u8; 32], relay: &Multiaddr, target: PeerId) -> Result<(String, String)> {
    let key = identity_of(&DeviceKeypair::from_seed(seed)).context("the probe's key")?;
    let mut swarm = SwarmBuilder::with_existing_identity(key)
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )?
        .with_relay_client(noise::Config::new, yamux::Config::default)?
        .with_behaviour(|_, relay_client| Probe { relay_client })?
        .with_swarm_config(|config| config.with_idle_connection_timeout(ANSWER_DEADLINE))
        .build();

    let through = relay.clone().with(Protocol::P2pCircuit);
    let listener = swarm.listen_on(through.clone())?;
    let reservation = timeout(ANSWER_DEADLINE, async {
        loop {
            match swarm.select_next_some().await {
                SwarmEvent::Behaviour(ProbeEvent::RelayClient(
                    relay::client::Event::ReservationReqAccepted { .. },
                )) => return "accepted".to_owned(),
                SwarmEvent::ListenerClosed {
                    listener_id,
                    reason: Err(error),
                    ..
                } if listener_id == listener => return format!("denied: {}", chain(&error)),
                SwarmEvent::ListenerClosed { listener_id, .. } if listener_id == listener => {
                    return "failed: the relay closed the slot without a reason".to_owned();
                }
                SwarmEvent::ListenerError { error, .. } => {
                    return format!("failed: {}", chain(&error));
                }
                _ => {}
            }
        }
    })
    .await
    .unwrap_or_else(|_| format!("failed: no answer within {ANSWER_DEADLINE:?}"));

    swarm.dial(through.with(Protocol::P2p(target)))?;
    let circuit = timeout(ANSWER_DEADLINE, async {
        loop {
            match swarm.select_next_some().await {
                SwarmEvent::ConnectionEstablished { peer_id, .. } if peer_id == target => {
                    return "connected".to_owned();
                }
                SwarmEvent::OutgoingConnectionError {
                    peer_id: Some(peer_id),
                    error,
                    ..
                } if peer_id == target => return format!("denied: {}", chain(&error)),
                _ => {}
            }
        }
    })
    .await
    .unwrap_or_else(|_| format!("failed: no answer within {ANSWER_DEADLINE:?}"));
    Ok((reservation, circuit))
}

/// An error and its causes, on one line: the relay's own reason is the innermost.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
