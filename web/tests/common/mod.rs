//! The web app served over real HTTP for its tests: a sample network's founder node
//! started in process on a real redb store in a temporary directory, the app on
//! `127.0.0.1:0`, and a client that speaks to it as a browser would (cookies kept by
//! hand, redirects not followed, so each step can be checked).
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use commons_node::ingest::{IngestSettings, Ingested, Source};
use commons_node::login::LoginTickets;
use commons_node::store::RedbStore;
use commons_node::{Node, NodeHandle};
use commons_protocol::fixtures::{SampleOrg, delegated_feeds, sample_charter};
use commons_protocol::{Body, FeedWriter, SignedCharter, VerifiedRecord};
use commons_web::AppState;
use reqwest::header::{self, HeaderMap};
use reqwest::{Client, StatusCode, redirect};
use tempfile::TempDir;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long the server may take to stop.
const DEADLINE: Duration = Duration::from_secs(10);

/// A sample network: three founders and `orgs - 3` other orgs, each with its feed's
/// writer and delegation.
pub struct Net {
    pub charter: SignedCharter,
    pub orgs: Vec<SampleOrg>,
    pub writers: Vec<FeedWriter>,
    pub delegations: Vec<VerifiedRecord>,
}

impl Net {
    pub fn new(orgs: u8) -> Net {
        let (charter, _) = sample_charter(3);
        let orgs: Vec<SampleOrg> = (0..orgs).map(SampleOrg::new).collect();
        let (writers, delegations) = delegated_feeds(&orgs, charter.charter().network_id());
        Net {
            charter,
            orgs,
            writers,
            delegations,
        }
    }
}

/// A page's answer.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// Where a redirect leads.
    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|value| value.to_str().ok())
    }

    /// The value of the first `name="csrf"` field on the page.
    pub fn csrf(&self) -> Option<String> {
        let at = self.body.find(r#"name="csrf" value=""#)?;
        let rest = &self.body[at + r#"name="csrf" value=""#.len()..];
        Some(rest[..rest.find('"')?].to_owned())
    }
}

/// The web app of founder `index` of a sample network, served on loopback.
pub struct App {
    pub net: Net,
    pub base: String,
    pub addr: SocketAddr,
    pub client: Client,
    pub node: Node,
    pub handle: NodeHandle,
    pub tickets: LoginTickets,
    stop: watch::Sender<bool>,
    server: JoinHandle<std::io::Result<()>>,
    _dir: TempDir,
}

impl App {
    /// Founder 0's app, on a network of three founders and one other org.
    pub async fn start() -> App {
        Self::start_as(Net::new(4), 0).await
    }

    pub async fn start_as(net: Net, index: usize) -> App {
        let dir = tempfile::tempdir().unwrap();
        let network = net.charter.charter().network_id();
        let store = RedbStore::open(dir.path().join("store.redb"), network).unwrap();
        let mut node = Node::start(
            Arc::new(store),
            net.charter.charter().clone(),
            net.orgs[index].device.clone(),
            net.orgs[index].id(),
            net.delegations[index].signed_bytes(),
            IngestSettings::default(),
        )
        .await
        .unwrap();
        // As `commons node run` gives it from `sealing.key` (here from a fixed seed), so
        // the working-group pages can seal and open.
        node.set_sealing_key(sealing_keypair(index));
        let handle = node.handle();
        // Every delegation, so the other orgs' records are accepted.
        for delegation in &net.delegations {
            handle
                .ingest
                .submit(delegation.signed_bytes().to_vec(), Source::Sync)
                .await
                .unwrap();
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let tickets = LoginTickets::new();
        let (stop, stopping) = watch::channel(false);
        let state = AppState::new(
            handle.clone(),
            None,
            tickets.clone(),
            addr,
            stopping.clone(),
        );
        let app = commons_web::app(state);
        let mut until_stopped = stopping;
        let server = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = until_stopped.wait_for(|stop| *stop).await;
                })
                .await
        });
        App {
            net,
            base: format!("http://{addr}"),
            addr,
            client: Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap(),
            node,
            handle,
            tickets,
            stop,
            server,
            _dir: dir,
        }
    }

    /// Another org's record, signed by its own device, taken in as if it came by sync.
    pub async fn receive(&mut self, index: usize, body: Body, timestamp_ms: u64) -> VerifiedRecord {
        let record = self.net.writers[index].append(body, timestamp_ms).unwrap();
        let answer = self
            .handle
            .ingest
            .submit(record.signed_bytes().to_vec(), Source::Sync)
            .await
            .unwrap();
        assert!(matches!(answer, Ingested::Stored { .. }), "{answer:?}");
        record
    }

    /// Logs in as `commons open` would and returns the session's `Cookie` header value.
    pub async fn login(&self) -> String {
        let ticket = self.tickets.mint(Instant::now()).unwrap();
        let page = self.get(&format!("/login?ticket={ticket}"), None).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let set = page
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("commons_session="))
            .expect("a session cookie");
        set.split(';').next().unwrap().to_owned()
    }

    /// `GET path` with the session `cookie`, from the app's own address.
    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Page {
        let mut request = self.client.get(format!("{}{path}", self.base));
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        Self::page(request.send().await.unwrap()).await
    }

    /// `POST path` with form `fields`, as a page of the app itself would.
    pub async fn post(&self, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Page {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header(header::COOKIE, cookie)
            .header(header::ORIGIN, &self.base)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(fields));
        Self::page(request.send().await.unwrap()).await
    }

    /// The session's CSRF token, read from its home page.
    pub async fn csrf(&self, cookie: &str) -> String {
        self.get("/", Some(cookie))
            .await
            .csrf()
            .expect("a csrf field")
    }

    pub async fn page(response: reqwest::Response) -> Page {
        Page {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.unwrap(),
        }
    }

    /// Stops the server, then the node.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        tokio::time::timeout(DEADLINE, self.server)
            .await
            .expect("the web app stops")
            .unwrap()
            .unwrap();
        drop(self.handle);
        self.node.shutdown().await;
    }
}

/// Sample org `index`'s sealing key pair (seed `[0x50 + index; 32]`).
pub fn sealing_keypair(index: usize) -> commons_protocol::SealingKeypair {
    commons_protocol::SealingKeypair::from_seed([0x50 + u8::try_from(index).unwrap(); 32])
}

/// `fields` as an urlencoded form body.
pub fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
