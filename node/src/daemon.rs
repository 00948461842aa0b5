//! The daemon: `commons node run` in library form. It opens the store, starts the
//! node and its network, serves the control API on loopback until the shutdown signal,
//! then stops the API, the network, the publisher and ingest in that order. Every acknowledged record is already
//! durable, so a signal at any moment loses nothing acknowledged.

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;
use tracing::info;

use crate::config::Config;
use crate::data_dir::OpenedDataDir;
use crate::node::{Node, NodeError};
use crate::store::{RedbStore, StoreError};

/// The file in the data dir holding the address the running node's API listens on, so
/// the CLI finds it even when it was chosen at start (`--api-listen 127.0.0.1:0`).
pub const API_ADDRESS_FILE: &str = "api-address";

/// The file in the data dir listing, one per line, the addresses peers can dial this
/// node at (each ending in `/p2p/<peer id>`), written once the network listens.
pub const NETWORK_ADDRESSES_FILE: &str = "network-addresses";

/// Runs the node until `shutdown` resolves.
pub async fn run_node(
    opened: OpenedDataDir,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), NodeError> {
    let path = opened.dir().store_path();
    let network = opened.network();
    let store = tokio::task::spawn_blocking(move || RedbStore::open(path, network))
        .await
        .map_err(|error| StoreError::Storage(format!("opening the store failed: {error}")))??;
    let mut node = Node::start(
        Arc::new(store),
        opened.charter().charter().clone(),
        opened.device().clone(),
        opened.org(),
        opened.delegation(),
        config.ingest_settings(),
    )
    .await?;
    node.set_signed_charter(opened.charter().clone());
    if crate::restore::is_marked(opened.dir()) {
        // Before the network and the API start: nothing may be published from the
        // backup's head (see `restore`).
        let own_seq = node
            .handle()
            .store
            .head(&opened.device().public())?
            .map_or(0, |head| head.max_seq);
        let mark = opened.dir().path().join(crate::restore::RESTORE_MARK_FILE);
        node.handle().publishing.hold(mark, own_seq);
    }

    let (network_handle, network_task) = crate::network::start(
        config.network_settings().clone(),
        node.handle(),
        opened.device(),
    )
    .await?;
    let peer = network_handle.peer_id();
    let listening: Vec<String> = network_handle
        .listen_addrs()
        .await?
        .into_iter()
        .map(|addr| format!("{addr}/p2p/{peer}"))
        .collect();
    let addresses_file = opened.dir().path().join(NETWORK_ADDRESSES_FILE);
    std::fs::write(&addresses_file, listening.join("\n") + "\n").map_err(|error| {
        crate::network::NetworkError::Config(format!(
            "cannot write {}: {error}",
            addresses_file.display()
        ))
    })?;
    info!(peer = %peer, addresses = ?listening, "network listening");

    let addr = config.api_listen();
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|error| NodeError::Listen { addr, error })?;
    let bound = listener
        .local_addr()
        .map_err(|error| NodeError::Listen { addr, error })?;
    let address_file = opened.dir().path().join(API_ADDRESS_FILE);
    std::fs::write(&address_file, format!("{bound}\n"))
        .map_err(|error| NodeError::Listen { addr, error })?;
    info!(api = %bound, network = %network, device = %opened.device().public(), "node running");

    let served = crate::api::serve(
        listener,
        node.handle(),
        Some(network_handle.clone()),
        opened.api_token().to_owned(),
        shutdown,
    )
    .await;
    let _ = std::fs::remove_file(&address_file);
    let _ = std::fs::remove_file(&addresses_file);
    if network_handle.shutdown().await.is_ok() {
        let _ = network_task.await;
    }
    drop(network_handle);
    node.shutdown().await;
    served.map_err(|error| NodeError::Listen { addr: bound, error })
}
