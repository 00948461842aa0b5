//! The daemon: `commons node run` in library form. It opens the store, starts the
//! node, its notifications and its network, serves the control API (and, when given
//! one, the staff's web app) on loopback until the shutdown signal, then stops the API
//! and the web app, the network, the notifications, the publisher and ingest in that
//! order. Every acknowledged record is already durable, so a signal at any moment
//! loses nothing acknowledged.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::api::WebLogin;
use crate::config::Config;
use crate::data_dir::OpenedDataDir;
use crate::login::LoginTickets;
use crate::network::NetworkHandle;
use crate::node::{Node, NodeError, NodeHandle};
use crate::store::{RedbStore, StoreError};

/// The file in the data dir holding the address the running node's API listens on, so
/// the CLI finds it even when it was chosen at start (`--api-listen 127.0.0.1:0`).
pub const API_ADDRESS_FILE: &str = "api-address";

/// The file in the data dir listing, one per line, the addresses peers can dial this
/// node at (each ending in `/p2p/<peer id>`), written once the network listens.
pub const NETWORK_ADDRESSES_FILE: &str = "network-addresses";

/// The file in the data dir holding the address the web app listens on, while it does.
pub const WEB_ADDRESS_FILE: &str = "web-address";

/// What the staff's web app is given to serve: the node to read and publish through,
/// its network, and the login tickets the control API mints.
#[derive(Debug, Clone)]
pub struct WebContext {
    /// The running node.
    pub node: NodeHandle,
    /// Its network.
    pub network: NetworkHandle,
    /// The one-time login tickets (`commons open`).
    pub tickets: LoginTickets,
    /// Where the web app listens (its own address, for the Host and Origin checks).
    pub address: SocketAddr,
    /// The data dir, for the web app's own files.
    pub data_dir: std::path::PathBuf,
    /// Turns `true` when the node stops: long-lived responses (event streams) end then,
    /// so the server can stop.
    pub stopping: watch::Receiver<bool>,
}

/// Builds the web app over a running node. The node does not know the web app's
/// pages: the binary hands it `commons_web::router`, so the web app can build on the
/// node as a library without the node depending on it.
pub type WebApp = fn(WebContext) -> axum::Router;

/// Runs the node until `shutdown` resolves, serving `web` too when it is given and
/// the configuration has not turned it off.
pub async fn run_node(
    opened: OpenedDataDir,
    config: Config,
    web: Option<WebApp>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), NodeError> {
    let path = opened.dir().store_path();
    let network = opened.network();
    let index_path = opened.dir().search_index_path();
    let store = tokio::task::spawn_blocking(move || -> Result<_, NodeError> {
        let store: Arc<dyn crate::store::CommitStore> = Arc::new(RedbStore::open(path, network)?);
        Ok(crate::store::IndexedStore::open(store, &index_path)?)
    })
    .await
    .map_err(|source| StoreError::TaskFailed {
        what: "opening the store",
        source,
    })??;
    let blobs_path = opened.dir().blobs_path();
    let reserve = config.attachment_policy().disk_reserve_bytes;
    let blobs = tokio::task::spawn_blocking(move || {
        crate::blobs::BlobStore::open_with_reserve(blobs_path, reserve)
    })
    .await
    .map_err(|source| StoreError::TaskFailed {
        what: "opening the blob store",
        source,
    })??;
    let mut node = Node::start_with_blobs(
        Arc::new(store),
        blobs,
        opened.charter().charter().clone(),
        opened.device().clone(),
        opened.org(),
        opened.delegation(),
        config.ingest_settings(),
    )
    .await?;
    node.set_signed_charter(opened.charter().clone());
    node.set_attachment_policy(config.attachment_policy());
    node.set_sealing_key(opened.dir().sealing_key().map_err(NodeError::SealingKey)?);
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

    // Before the network: records it brings are heard from the first one.
    let notifier = crate::notify::Notifier::start(
        opened.dir().path(),
        config.notify_settings().clone(),
        node.handle(),
    )
    .await?;

    let (network_handle, network_task) = crate::network::start(
        config.network_settings().clone(),
        node.handle().network_link(),
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
    std::fs::write(&addresses_file, listening.join("\n") + "\n").map_err(|source| {
        crate::network::NetworkError::WriteFile {
            path: addresses_file.clone(),
            source: Arc::new(source),
        }
    })?;
    info!(peer = %peer, addresses = ?listening, "network listening");

    let addr = config.api_listen();
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|error| NodeError::Listen { addr, error })?;
    let bound = listener
        .local_addr()
        .map_err(|error| NodeError::Listen { addr, error })?;
    // One signal stops both servers.
    let (stop, stopping) = watch::channel(false);
    let signalled = async move {
        shutdown.await;
        let _ = stop.send(true);
    };
    let web_served = match (web, config.web_listen()) {
        (Some(app), Some(web_addr)) => {
            let listener =
                TcpListener::bind(web_addr)
                    .await
                    .map_err(|error| NodeError::WebListen {
                        addr: web_addr,
                        error,
                    })?;
            let web_bound = listener
                .local_addr()
                .map_err(|error| NodeError::WebListen {
                    addr: web_addr,
                    error,
                })?;
            let web_file = opened.dir().path().join(WEB_ADDRESS_FILE);
            std::fs::write(&web_file, format!("{web_bound}\n")).map_err(|error| {
                NodeError::WebListen {
                    addr: web_addr,
                    error,
                }
            })?;
            let tickets = LoginTickets::new();
            let router = app(WebContext {
                node: node.handle(),
                network: network_handle.clone(),
                tickets: tickets.clone(),
                address: web_bound,
                data_dir: opened.dir().path().to_path_buf(),
                stopping: stopping.clone(),
            });
            info!(web = %web_bound, "web app listening: `commons open` gives a login link");
            let mut web_stopping = stopping;
            let task = tokio::spawn(async move {
                let served = axum::serve(listener, router)
                    .with_graceful_shutdown(async move {
                        let _ = web_stopping.wait_for(|stop| *stop).await;
                    })
                    .await;
                if let Err(error) = &served {
                    warn!(%error, "the web app stopped with an error");
                }
                let _ = std::fs::remove_file(&web_file);
            });
            Some((
                task,
                WebLogin {
                    address: web_bound,
                    tickets,
                },
            ))
        }
        _ => None,
    };
    // Written last: a script that waits for this file finds the web app's too.
    let address_file = opened.dir().path().join(API_ADDRESS_FILE);
    std::fs::write(&address_file, format!("{bound}\n"))
        .map_err(|error| NodeError::Listen { addr, error })?;
    info!(api = %bound, network = %network, device = %opened.device().public(), "node running");

    let served = crate::api::serve(
        listener,
        node.handle(),
        Some(network_handle.clone()),
        opened.api_token().to_owned(),
        web_served.as_ref().map(|(_, login)| login.clone()),
        signalled,
    )
    .await;
    if let Some((task, _)) = web_served {
        let _ = task.await;
    }
    let _ = std::fs::remove_file(&address_file);
    let _ = std::fs::remove_file(&addresses_file);
    if network_handle.shutdown().await.is_ok() {
        let _ = network_task.await;
    }
    drop(network_handle);
    notifier.shutdown().await;
    node.shutdown().await;
    served.map_err(|error| NodeError::Listen { addr: bound, error })
}
