//! A node served over real HTTP for the API tests: started in process on a store of the
//! test's choosing, the control API on `127.0.0.1:0`, and a client that speaks to it as
//! the CLI or a script would.

use std::sync::Arc;
use std::time::Duration;

use commons_node::api;
use commons_node::network::{self, NetworkHandle, NetworkSettings};
use commons_node::store::{CommitStore, MemoryStore};
use commons_node::{Node, NodeHandle};
use commons_protocol::text::hex;
use reqwest::{Client, RequestBuilder, Response};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::{Net, net};

/// The API token of every served test node.
pub const TOKEN: &str = "5eb1c0ffee5eb1c0ffee5eb1c0ffee5eb1c0ffee5eb1c0ffee5eb1c0ffee0042";
/// How long the server and the network may take to stop.
const DEADLINE: Duration = Duration::from_secs(10);

/// A node with its API served on loopback.
pub struct Api {
    pub net: Net,
    pub base: String,
    pub client: Client,
    pub handle: NodeHandle,
    pub node: Node,
    /// The node's network and its task, when it runs one.
    pub network: Option<(NetworkHandle, JoinHandle<()>)>,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

impl Api {
    pub async fn start() -> Api {
        Self::start_on(Arc::new(MemoryStore::new())).await
    }

    pub async fn start_on(store: Arc<dyn CommitStore>) -> Api {
        Self::start_as(0, store, false).await
    }

    /// Founder `index`'s node with a real network on loopback TCP (no mDNS, and
    /// periodic sync rare enough that only the sync on connection is at work).
    pub async fn start_networked(index: usize) -> Api {
        Self::start_as(index, Arc::new(MemoryStore::new()), true).await
    }

    pub async fn start_as(index: usize, store: Arc<dyn CommitStore>, networked: bool) -> Api {
        Self::start_in(net(3), index, store, networked).await
    }

    /// Org `index` of `net` (founders of its charter, or not), as [`Api::start_as`].
    pub async fn start_in(
        net: Net,
        index: usize,
        store: Arc<dyn CommitStore>,
        networked: bool,
    ) -> Api {
        let node = net.start_node(index, store).await;
        let handle = node.handle();
        let network = if networked {
            let settings = NetworkSettings {
                listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
                sync_interval: Duration::from_secs(3600),
                ..NetworkSettings::loopback()
            };
            Some(
                network::start(settings, handle.network_link(), &net.orgs[index].device)
                    .await
                    .unwrap(),
            )
        } else {
            None
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(api::serve(
            listener,
            handle.clone(),
            network.as_ref().map(|(network, _)| network.clone()),
            TOKEN.to_owned(),
            None,
            async move {
                let _ = stopped.await;
            },
        ));
        Api {
            net,
            base,
            client: Client::new(),
            handle,
            node,
            network,
            stop,
            server,
        }
    }

    /// The node's network; panics if it runs none.
    pub fn network(&self) -> &NetworkHandle {
        &self.network.as_ref().expect("a node with a network").0
    }

    /// Stops the server (open event streams included), then the network, then the
    /// node.
    pub async fn stop(self) {
        let Api {
            handle,
            node,
            network,
            stop,
            server,
            ..
        } = self;
        let _ = stop.send(());
        tokio::time::timeout(DEADLINE, server)
            .await
            .expect("the API stops within the deadline")
            .unwrap()
            .unwrap();
        if let Some((network, task)) = network {
            network.shutdown().await.unwrap();
            tokio::time::timeout(DEADLINE, task)
                .await
                .expect("the network stops within the deadline")
                .unwrap();
        }
        drop(handle);
        node.shutdown().await;
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
    }

    pub fn post(&self, path: &str) -> RequestBuilder {
        self.client
            .post(format!("{}{path}", self.base))
            .bearer_auth(TOKEN)
    }

    pub async fn get_json(&self, path: &str) -> (u16, Value) {
        answer(self.get(path).send().await.unwrap()).await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> (u16, Value) {
        answer(self.post(path).json(&body).send().await.unwrap()).await
    }

    /// Publishes a case study and returns its id.
    pub async fn publish_practice(&self, body: Value) -> String {
        let (status, answer) = self.post_json("/v1/publish/practice", body).await;
        assert_eq!(status, 201, "{answer}");
        answer["id"].as_str().unwrap().to_owned()
    }

    pub async fn submit(&self, bytes: &[u8]) -> (u16, Value) {
        self.post_json("/v1/records", json!({ "signed": hex(bytes) }))
            .await
    }
}

pub async fn answer(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"));
    (status, value)
}
