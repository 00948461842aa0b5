//! Step 3 of a devnet: start each org's node as a child process, dialing a few earlier
//! nodes ([`start_nodes`]), and wait until every node is connected and holds every
//! founder's delegation ([`wait_until_ready`]).

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, anyhow};
use commons_node::api::contract::{Peer, StatusAnswer};
use commons_node::daemon::{API_ADDRESS_FILE, NETWORK_ADDRESSES_FILE};
use commons_node::founding::FounderDir;

use super::children::Children;
use super::plan::{Plan, dial_targets};
use super::{STATUS_INTERVAL, progress, wait_for};
use crate::GlobalArgs;
use crate::client::Client;

/// Each node's log (its standard error), in its data directory.
pub(super) const LOG_FILE: &str = "node.log";
/// How long one node may take to write its addresses after it is started.
const START_DEADLINE: Duration = Duration::from_secs(30);
/// How long the nodes may take to connect and to hold every founder's delegation.
const READY_DEADLINE: Duration = Duration::from_secs(60);

/// One node of the devnet, once started.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) name: String,
    pub(super) dir: PathBuf,
    pub(super) api: SocketAddr,
    /// The address others dial it at, ending in `/p2p/<peer id>`.
    address: String,
    pub(super) peer_id: String,
    /// How many others it dials or is dialed by at start.
    degree: usize,
}

impl Node {
    /// The control API client of this node, as every operator command makes it.
    pub(super) fn client(&self) -> anyhow::Result<Client> {
        Client::connect(&GlobalArgs {
            data_dir: Some(self.dir.clone()),
            json: false,
        })
        .with_context(|| format!("could not reach the API of {}", self.name))
    }
}

/// Starts the founders' nodes one after the other, each under `children`, so that each
/// can dial nodes already started.
pub(super) fn start_nodes(
    plan: &Plan,
    founders: &[FounderDir],
    children: &mut Children,
    interrupted: &AtomicBool,
) -> anyhow::Result<Vec<Node>> {
    let exe = std::env::current_exe().context("could not find this program to run the nodes")?;
    let mut nodes: Vec<Node> = Vec::with_capacity(plan.nodes);
    for (index, founder) in founders.iter().enumerate() {
        let node = start_node(&exe, index, founder, plan, &nodes, children, interrupted)?;
        progress(&format!(
            "node {index} ({}) is up: api {}, {}",
            node.name, node.api, node.address
        ));
        nodes.push(node);
    }
    Ok(nodes)
}

/// Starts node `index` as a child of this process, dialing its [`dial_targets`] among
/// the nodes already started, and waits until it has written its API and network
/// addresses.
fn start_node(
    exe: &Path,
    index: usize,
    founder: &FounderDir,
    plan: &Plan,
    started: &[Node],
    children: &mut Children,
    interrupted: &AtomicBool,
) -> anyhow::Result<Node> {
    let dir = founder.dir.path().to_owned();
    let log_path = dir.join(LOG_FILE);
    let log = File::create(&log_path)
        .with_context(|| format!("could not create {}", log_path.display()))?;
    let targets = dial_targets(index, plan.dial);
    let mut command = Command::new(exe);
    command
        .arg("--data-dir")
        .arg(&dir)
        .args([
            "node",
            "run",
            "--api-listen",
            "127.0.0.1:0",
            "--web-listen",
            "127.0.0.1:0",
        ])
        .args(["--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"]);
    for &target in &targets {
        command.arg("--bootstrap").arg(&started[target].address);
    }
    // Flags beat these, but a stray one must not change what the devnet measures.
    command
        .env_remove("COMMONS_API_LISTEN")
        .env_remove("COMMONS_WEB_LISTEN")
        .env_remove("COMMONS_DATA_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    let child = command
        .spawn()
        .with_context(|| format!("could not start node {index} ({})", exe.display()))?;
    let slot = children.push(child, &founder.org_name, &log_path);

    let api_path = dir.join(API_ADDRESS_FILE);
    let addresses_path = dir.join(NETWORK_ADDRESSES_FILE);
    let what = format!("node {index} ({}) to start", founder.org_name);
    let (api, address) = wait_for(&what, START_DEADLINE, interrupted, || {
        children.check_running(slot)?;
        // The node writes its network addresses, then its API address: once the API
        // address is there, both files are whole.
        let Ok(api_text) = std::fs::read_to_string(&api_path) else {
            return Ok(None);
        };
        let Ok(api) = api_text.trim().parse::<SocketAddr>() else {
            return Ok(None);
        };
        let addresses = std::fs::read_to_string(&addresses_path)
            .with_context(|| format!("could not read {}", addresses_path.display()))?;
        let address = addresses
            .lines()
            .map(str::trim)
            .find(|line| line.contains("/p2p/"))
            .ok_or_else(|| {
                anyhow!(
                    "{} holds no address ending in /p2p/<peer id>",
                    addresses_path.display()
                )
            })?;
        Ok(Some((api, address.to_owned())))
    })?;
    let peer_id = address
        .rsplit_once("/p2p/")
        .map(|(_, peer)| peer.to_owned())
        .unwrap_or_default();
    let later = (index + 1..plan.nodes)
        .filter(|&later| dial_targets(later, plan.dial).contains(&index))
        .count();
    Ok(Node {
        name: founder.org_name.clone(),
        dir,
        api,
        address,
        peer_id,
        degree: targets.len() + later,
    })
}

/// Waits until every node has a gossip mesh peer and holds every founder's delegation, so that the
/// latencies measure records travelling a connected network rather than nodes
/// starting. Not being ready in time is reported but not fatal: convergence, which is
/// checked next, says precisely what is missing.
pub(super) fn wait_until_ready(
    plan: &Plan,
    nodes: &[Node],
    clients: &[Client],
    children: &mut Children,
    interrupted: &AtomicBool,
) -> anyhow::Result<()> {
    progress("waiting until every node has a gossip mesh and every founder's delegation");
    let expected = u64::try_from(plan.nodes).unwrap_or(u64::MAX);
    let mut lacking = Vec::new();
    let result = wait_for("the nodes to connect", READY_DEADLINE, interrupted, || {
        children.check_all()?;
        lacking.clear();
        for (index, (node, client)) in nodes.iter().zip(clients).enumerate() {
            let status: StatusAnswer = client.get_as("/v1/status", &[])?;
            let records = status.records;
            // A node whose status has no peer count yet is judged by its records alone.
            let peers = status.peers;
            // Records published before a node has a gossip mesh reach the others only
            // by sync rounds, which would time sync, not gossip.
            let meshed = records >= expected
                && peers != Some(0)
                && client
                    .get_as::<Vec<Peer>>("/v1/peers", &[])?
                    .iter()
                    .any(|peer| peer.in_mesh);
            if !meshed {
                lacking.push(format!(
                    "node {index} ({}) has {} peers (its topology gives it {}), none in its \
                     gossip mesh yet, and {records} of {expected} delegations",
                    node.name,
                    peers.map_or_else(|| "?".to_owned(), |peers| peers.to_string()),
                    node.degree,
                ));
            }
        }
        if lacking.is_empty() {
            return Ok(Some(()));
        }
        std::thread::sleep(STATUS_INTERVAL);
        Ok(None)
    });
    match result {
        Ok(()) => Ok(()),
        Err(error) if interrupted.load(Ordering::SeqCst) => Err(error),
        Err(error) if error.to_string().starts_with("timed out") => {
            progress(&format!(
                "not every node is ready after {} s, publishing anyway: {}",
                READY_DEADLINE.as_secs(),
                lacking.join("; ")
            ));
            Ok(())
        }
        Err(error) => Err(error),
    }
}
