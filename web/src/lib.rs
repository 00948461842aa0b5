//! # commons-web
//!
//! The staff's web app: the window a member organization's people have onto Commons.
//! Every node serves it on loopback to its own org ([`commons_node::WebContext`]); it
//! reads the node's store and asks the node's publisher to publish, exactly like the
//! control API, and never writes to the store itself. Pages are rendered on the server
//! from compile-time checked templates (askama), so every flow works with JavaScript
//! off; one small script (`static/app.js`) adds live notices from the node's event
//! stream.
//!
//! | part | module |
//! |---|---|
//! | who may come in, and the headers that keep pages safe | [`security`] |
//! | the UI's words in people's languages (Fluent catalogs) | [`i18n`] |
//! | Markdown from peers, rendered and sanitized | [`markdown`] |
//! | the layout every page shares, and rendering | [`page`] |
//! | what pages show of records, orgs and devices | [`view`] |
//! | stylesheet and script, compiled in | [`assets`] |
//! | the pages | [`pages`] |
//!
//! The security model, the pages and how to add a language are in `docs/web.md`.

pub mod assets;
pub mod i18n;
pub mod markdown;
pub mod page;
pub mod pages;
pub mod security;
pub mod view;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::middleware::from_fn_with_state;
use commons_node::login::LoginTickets;
use commons_node::network::NetworkHandle;
use commons_node::store::{Store, StoreError};
use commons_node::{NodeHandle, WebContext};

use crate::i18n::Catalogs;
use crate::security::{OwnHosts, Sessions};

/// What every page handler shares; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    node: NodeHandle,
    network: Option<NetworkHandle>,
    tickets: LoginTickets,
    sessions: Sessions,
    catalogs: Catalogs,
    own_hosts: OwnHosts,
    /// Becomes `true` when the node stops, to end the event streams.
    stopping: tokio::sync::watch::Receiver<bool>,
    /// Our org's name as its latest profile gives it, for the header of every page.
    our_name: Arc<std::sync::RwLock<String>>,
}

impl AppState {
    /// The app's state over a running node. `network` is `None` for a node run without
    /// one (tests and benchmarks of the pages alone).
    pub fn new(
        node: NodeHandle,
        network: Option<NetworkHandle>,
        tickets: LoginTickets,
        address: SocketAddr,
        stopping: tokio::sync::watch::Receiver<bool>,
    ) -> AppState {
        // The catalogs are compiled in and checked by the tests: a syntax error in one
        // is a build that must not ship, so it shows up as English for that language.
        let catalogs = Catalogs::load().unwrap_or_else(|error| {
            tracing::error!(%error, "a message catalog does not load");
            Catalogs::english_only()
        });
        let our_name = Arc::new(std::sync::RwLock::new(our_org_name(&node)));
        keep_our_name(&node, our_name.clone());
        AppState {
            inner: Arc::new(Inner {
                node,
                network,
                tickets,
                sessions: Sessions::default(),
                catalogs,
                own_hosts: OwnHosts::of(address),
                stopping,
                our_name,
            }),
        }
    }

    /// The node.
    pub fn node(&self) -> &NodeHandle {
        &self.inner.node
    }

    /// The node's network, when it runs one.
    pub fn network(&self) -> Option<&NetworkHandle> {
        self.inner.network.as_ref()
    }

    /// The login tickets `commons open` hands out.
    pub fn tickets(&self) -> &LoginTickets {
        &self.inner.tickets
    }

    /// The sessions of people let in.
    pub fn sessions(&self) -> &Sessions {
        &self.inner.sessions
    }

    /// The message catalogs.
    pub fn catalogs(&self) -> &Catalogs {
        &self.inner.catalogs
    }

    /// The app's own addresses.
    pub fn own_hosts(&self) -> &OwnHosts {
        &self.inner.own_hosts
    }

    /// Our org's name, as its latest profile (or the charter) gives it.
    pub fn our_name(&self) -> String {
        self.inner
            .our_name
            .read()
            .map(|name| name.clone())
            .unwrap_or_default()
    }

    /// A receiver that turns `true` when the node stops.
    pub fn stopping(&self) -> tokio::sync::watch::Receiver<bool> {
        self.inner.stopping.clone()
    }

    /// Runs a store read off the async threads.
    pub async fn read<T, F>(&self, read: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.inner.node.store.clone();
        tokio::task::spawn_blocking(move || read(store.as_ref()))
            .await
            .map_err(|source| StoreError::TaskFailed {
                what: "a store read",
                source,
            })?
    }
}

/// Our org's name: its latest profile's, else the charter's for a founder, else its
/// short id.
fn our_org_name(node: &NodeHandle) -> String {
    view::OrgDirectory::read(node.store.as_ref(), &node.charter)
        .map(|names| names.name(&node.org))
        .unwrap_or_else(|_| view::short_org(&node.org))
}

/// Follows our org's new profiles, so the header shows its name as soon as it changes.
fn keep_our_name(node: &NodeHandle, our_name: Arc<std::sync::RwLock<String>>) {
    let mut stored = node.ingest.subscribe();
    let ours = node.org;
    tokio::spawn(async move {
        loop {
            match stored.recv().await {
                Ok(event) if event.org == ours => {
                    if let commons_protocol::Body::Profile(profile) = &event.record.record().body
                        && !profile.name.trim().is_empty()
                        && let Ok(mut name) = our_name.write()
                    {
                        *name = profile.name.clone();
                    }
                }
                Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

/// The web app over a running node: what `commons node run` mounts.
pub fn router(context: WebContext) -> Router {
    app(AppState::new(
        context.node,
        Some(context.network),
        context.tickets,
        context.address,
        context.stopping,
    ))
}

/// The web app's routes over `state`, behind the host, origin and header guard.
pub fn app(state: AppState) -> Router {
    pages::routes()
        .merge(assets::routes())
        .layer(from_fn_with_state(state.clone(), security::guard))
        .with_state(state)
}
