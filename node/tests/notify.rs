//! Notifications end to end: real nodes (real swarms on loopback, a real redb store for
//! the node restarted in the middle), real hook programs run by `sh`, and a real HTTP
//! receiver (axum on loopback) that checks the webhook's signature itself. Keys come
//! from the fixtures' fixed seeds; every wait is on a condition with a deadline.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{Net, Peer, net};

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use commons_node::clock::now_ms;
use commons_node::ingest::Source;
use commons_node::metrics::Metrics;
use commons_node::network::NetworkSettings;
use commons_node::notify::{
    DELIVERY_HEADER, EVENT_HEADER, Hook, NOTIFY_SECRET_FILE, Notifier, NotifySettings,
    NotifyTarget, SIGNATURE_HEADER, classify,
};
use commons_node::store::{MemoryStore, RedbStore, Store};
use commons_protocol::body::{Alert, AlertResponse, Application};
use commons_protocol::fixtures::sample_vote;
use commons_protocol::{Body, RecordId, ResponseKind, Severity, VoteChoice};
use hmac::{Hmac, KeyInit, Mac};
use libp2p::Multiaddr;
use serde_json::Value;
use sha2::Sha256;

const DEADLINE: Duration = Duration::from_secs(30);

async fn wait_for<F, Fut>(what: &str, condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    common::wait_within(DEADLINE, what, condition).await;
}

fn settings() -> NetworkSettings {
    NetworkSettings {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse::<Multiaddr>().unwrap()],
        // Only the sync on connection and gossip are at work.
        sync_interval: Duration::from_secs(3600),
        ..NetworkSettings::loopback()
    }
}

fn alert(title: &str, expires_in: Duration) -> Body {
    Body::Alert(Alert {
        severity: Severity::Critical,
        region: "Coastal province".to_owned(),
        title: title.to_owned(),
        body: "A land defender was taken from her home before dawn.".to_owned(),
        action_requested: "Call the district police station and ask where she is held.".to_owned(),
        expires_at_ms: now_ms() + expires_in.as_millis() as u64,
    })
}

/// A hook that appends each event it is given to `log`, one line each.
fn logging_hook(dir: &Path) -> (NotifyTarget, PathBuf) {
    let log = dir.join("hook.log");
    let script = format!("cat >> '{}' && echo >> '{}'", log.display(), log.display());
    (
        NotifyTarget::new(
            Some("log".to_owned()),
            Hook::Command(vec!["sh".to_owned(), "-c".to_owned(), script]),
            Duration::from_secs(10),
        ),
        log,
    )
}

fn quick(targets: Vec<NotifyTarget>) -> NotifySettings {
    NotifySettings {
        targets,
        first_retry: Duration::from_millis(200),
        max_retry: Duration::from_secs(1),
        ..NotifySettings::default()
    }
}

/// The events a logging hook was given.
fn logged(log: &Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

fn ids(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|event| event["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn connected(net: &Net, peer: &Peer, to: &Peer, from: usize) {
    peer.net.dial(to.addr.clone()).await.unwrap();
    let device = net.orgs[from].device.public();
    wait_for("the peer to pull the other's delegation", || async {
        peer.contiguous(&device) >= 1
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alert_runs_the_hook_once_at_each_other_node_even_one_restarted_in_the_middle() {
    let net = net(3);
    let (dir_a, dir_b, dir_c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let network = net.charter.charter().network_id();
    let store_b = dir_b.path().join("store.redb");

    let a = Peer::start_with(&net, 0, Arc::new(MemoryStore::new()), settings()).await;
    let (hook_a, log_a) = logging_hook(dir_a.path());
    let notify_a = Notifier::start(dir_a.path(), quick(vec![hook_a]), a.handle.clone())
        .await
        .unwrap();
    let b = Peer::start_with(
        &net,
        1,
        Arc::new(RedbStore::open(&store_b, network).unwrap()),
        settings(),
    )
    .await;
    let (hook_b, log_b) = logging_hook(dir_b.path());
    let notify_b = Notifier::start(dir_b.path(), quick(vec![hook_b.clone()]), b.handle.clone())
        .await
        .unwrap();
    let c = Peer::start_with(&net, 2, Arc::new(MemoryStore::new()), settings()).await;
    let (hook_c, log_c) = logging_hook(dir_c.path());
    let notify_c = Notifier::start(dir_c.path(), quick(vec![hook_c]), c.handle.clone())
        .await
        .unwrap();
    connected(&net, &b, &a, 0).await;
    connected(&net, &c, &a, 0).await;

    let first = a
        .handle
        .publisher
        .publish(alert(
            "Defender detained in the coastal province",
            Duration::from_secs(3600),
        ))
        .await
        .unwrap()
        .id;
    let first_event = format!("alert:{first}");
    for (node, log) in [("B", &log_b), ("C", &log_c)] {
        wait_for(
            &format!("{node}'s hook to run for the first alert"),
            || async { ids(&logged(log)).contains(&first_event) },
        )
        .await;
    }
    let at_c = logged(&log_c);
    assert_eq!(at_c[0]["event"], "alert");
    assert_eq!(at_c[0]["record"]["id"], first.to_string());
    assert_eq!(at_c[0]["record"]["body"]["severity"], "critical");
    assert_eq!(at_c[0]["for_org"], net.orgs[2].id().to_string());
    assert!(
        at_c[0]["summary"]
            .as_str()
            .unwrap()
            .contains("Defender detained in the coastal province"),
        "{at_c:?}"
    );

    // B stops; a second alert is published while it is down; B restarts on the same
    // store and notification file and gets the alert by sync.
    notify_b.shutdown().await;
    b.stop().await;
    let second = a
        .handle
        .publisher
        .publish(alert(
            "Eviction under way at the riverside settlement",
            Duration::from_secs(3600),
        ))
        .await
        .unwrap()
        .id;
    let b = Peer::start_with(
        &net,
        1,
        Arc::new(RedbStore::open(&store_b, network).unwrap()),
        settings(),
    )
    .await;
    let notify_b = Notifier::start(dir_b.path(), quick(vec![hook_b]), b.handle.clone())
        .await
        .unwrap();
    b.net.dial(a.addr.clone()).await.unwrap();
    wait_for(
        "B's hook to run for the alert published while it was down",
        || async { ids(&logged(&log_b)).contains(&format!("alert:{second}")) },
    )
    .await;

    // C answers A's first alert: A (and only A) is told.
    let answer = c
        .handle
        .publisher
        .publish(Body::AlertResponse(AlertResponse {
            alert: first,
            response: ResponseKind::Acting,
            note: "Our lawyer is on her way to the station.".to_owned(),
        }))
        .await
        .unwrap()
        .id;
    wait_for("A's hook to run for C's answer", || async {
        ids(&logged(&log_a)).contains(&format!("alert_response:{answer}"))
    })
    .await;

    // A third alert, waited for everywhere, bounds what else could still be on its way.
    let third = a
        .handle
        .publisher
        .publish(alert(
            "Journalist's office raided",
            Duration::from_secs(3600),
        ))
        .await
        .unwrap()
        .id;
    for (node, log) in [("B", &log_b), ("C", &log_c)] {
        wait_for(
            &format!("{node}'s hook to run for the third alert"),
            || async { ids(&logged(log)).contains(&format!("alert:{third}")) },
        )
        .await;
    }
    let expected: Vec<String> = [first, second, third]
        .iter()
        .map(|id| format!("alert:{id}"))
        .collect();
    assert_eq!(
        ids(&logged(&log_b)),
        expected,
        "B: each alert once, in order"
    );
    assert_eq!(
        ids(&logged(&log_c)),
        expected,
        "C: each alert once, in order"
    );
    let at_a = logged(&log_a);
    assert_eq!(
        ids(&at_a),
        vec![format!("alert_response:{answer}")],
        "A is not told of its own alerts, only of the answer"
    );
    assert_eq!(at_a[0]["alert"]["id"], first.to_string());
    assert_eq!(at_a[0]["record"]["body"]["response"], "acting");
    // The hook logs the event before it exits; the delivery is struck off, and the
    // gauge lowered, only after that.
    wait_for("B's deliveries to be struck off", || async {
        Metrics::get(&b.handle.metrics.notify_pending) == 0
    })
    .await;
    assert_eq!(Metrics::get(&b.handle.metrics.notify_failures), 0);

    for (notifier, peer) in [(notify_a, a), (notify_b, b), (notify_c, c)] {
        notifier.shutdown().await;
        peer.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_alert_does_not_notify() {
    let net = net(2);
    let a = net.start_node(1, Arc::new(MemoryStore::new())).await;
    let handle = a.handle();
    let mut writer = net.writers[0].clone();
    let now = now_ms();
    let record = writer
        .append(alert("Short-lived call", Duration::from_secs(60)), now)
        .unwrap();
    let Body::Alert(body) = &record.record().body else {
        unreachable!()
    };
    let expires = body.expires_at_ms;
    let roster = handle.roster();
    let store: &dyn Store = handle.store.as_ref();
    let ours = net.orgs[1].id();
    let theirs = net.orgs[0].id();
    assert!(
        classify(store, &roster, ours, &record, theirs, expires - 1)
            .unwrap()
            .is_some()
    );
    assert!(
        classify(store, &roster, ours, &record, theirs, expires)
            .unwrap()
            .is_none(),
        "an alert past its expiry is not notified"
    );
    assert!(
        classify(store, &roster, theirs, &record, theirs, now)
            .unwrap()
            .is_none(),
        "an org is not notified of its own alert"
    );
    drop(handle);
    a.shutdown().await;
}

/// What the receiver was sent.
#[derive(Default)]
struct Received {
    deliveries: Mutex<Vec<(HeaderMap, Bytes)>>,
}

async fn receive(
    State(received): State<Arc<Received>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    received.deliveries.lock().unwrap().push((headers, body));
    StatusCode::NO_CONTENT
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_is_signed_and_reaches_a_receiver_that_was_down_at_first_across_a_restart() {
    let net = net(2);
    let dir_b = tempfile::tempdir().unwrap();
    // A port for the receiver, closed for now: the first attempts are refused.
    let probe = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = probe.local_addr().unwrap();
    drop(probe);

    let a = Peer::start_with(&net, 0, Arc::new(MemoryStore::new()), settings()).await;
    let b = Peer::start_with(&net, 1, Arc::new(MemoryStore::new()), settings()).await;
    let hook = NotifyTarget::new(
        None,
        Hook::Webhook(format!("http://{addr}/hooks/commons")),
        Duration::from_secs(5),
    );
    let notify_b = Notifier::start(dir_b.path(), quick(vec![hook]), b.handle.clone())
        .await
        .unwrap();
    let secret_path = dir_b.path().join(NOTIFY_SECRET_FILE);
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&secret_path)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the secret is private to the node's user"
        );
    }
    connected(&net, &b, &a, 0).await;

    let published = a
        .handle
        .publisher
        .publish(alert(
            "Community radio taken off air",
            Duration::from_secs(3600),
        ))
        .await
        .unwrap()
        .id;
    wait_for(
        "B's webhook to fail twice while the receiver is down",
        || async { Metrics::get(&b.handle.metrics.notify_failures) >= 2 },
    )
    .await;
    assert_eq!(Metrics::get(&b.handle.metrics.notify_pending), 1);
    assert_eq!(Metrics::get(&b.handle.metrics.notify_delivered), 0);

    // B's notifications stop and start again over the same file: the delivery is
    // still pending, and resumes.
    notify_b.shutdown().await;
    let hook = NotifyTarget::new(
        None,
        Hook::Webhook(format!("http://{addr}/hooks/commons")),
        Duration::from_secs(5),
    );
    let notify_b = Notifier::start(dir_b.path(), quick(vec![hook]), b.handle.clone())
        .await
        .unwrap();
    assert_eq!(Metrics::get(&b.handle.metrics.notify_pending), 1);

    // The receiver comes up.
    let received = Arc::new(Received::default());
    let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
    let app = Router::new()
        .route("/hooks/commons", post(receive))
        .with_state(received.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    wait_for("the receiver to get the alert once it is back", || async {
        !received.deliveries.lock().unwrap().is_empty()
    })
    .await;
    wait_for("B to record the delivery", || async {
        Metrics::get(&b.handle.metrics.notify_pending) == 0
    })
    .await;

    let (headers, body) = received.deliveries.lock().unwrap()[0].clone();
    // The receiver's own check: HMAC-SHA256 of the body under the secret file's text.
    let secret = std::fs::read_to_string(&secret_path).unwrap();
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.trim().as_bytes()).unwrap();
    mac.update(&body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let signature = headers[SIGNATURE_HEADER].to_str().unwrap();
    assert_eq!(signature, format!("sha256={expected}"));
    let mut forged = body.to_vec();
    forged[10] ^= 1;
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.trim().as_bytes()).unwrap();
    mac.update(&forged);
    assert!(
        mac.verify_slice(&hex_bytes(&expected)).is_err(),
        "a changed body does not match the signature"
    );
    assert_eq!(headers[EVENT_HEADER], "alert");
    assert_eq!(
        headers[DELIVERY_HEADER].to_str().unwrap(),
        format!("alert:{published}")
    );
    let event: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(event["record"]["id"], published.to_string());
    assert_eq!(received.deliveries.lock().unwrap().len(), 1);
    assert_eq!(Metrics::get(&b.handle.metrics.notify_delivered), 1);

    notify_b.shutdown().await;
    b.stop().await;
    a.stop().await;
    server.abort();
}

fn hex_bytes(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hook_that_hangs_does_not_hold_ingest() {
    let net = net(2);
    let dir = tempfile::tempdir().unwrap();
    let node = net.start_node(1, Arc::new(MemoryStore::new())).await;
    let handle = node.handle();
    // A hook that never returns by itself (a shell waiting on a child): killed, both of
    // them, after its timeout, and retried later.
    let pids = dir.path().join("pids");
    let hang = NotifyTarget::new(
        Some("hangs".to_owned()),
        Hook::Command(vec![
            "sh".to_owned(),
            "-c".to_owned(),
            format!("echo $$ >> '{}'; sleep 600; true", pids.display()),
        ]),
        Duration::from_secs(2),
    );
    let notifier = Notifier::start(
        dir.path(),
        NotifySettings {
            targets: vec![hang],
            first_retry: Duration::from_secs(600),
            ..NotifySettings::default()
        },
        handle.clone(),
    )
    .await
    .unwrap();

    // Alerts from another org, as gossip would bring them, while the hook hangs.
    handle
        .ingest
        .submit(net.delegations[0].signed_bytes().to_vec(), Source::Gossip)
        .await
        .unwrap();
    let mut writer = net.writers[0].clone();
    let start = now_ms();
    let mut ids: Vec<RecordId> = Vec::new();
    let began = Instant::now();
    for i in 0..200u64 {
        let record = writer
            .append(
                alert(&format!("Alert {i}"), Duration::from_secs(3600)),
                start + i,
            )
            .unwrap();
        ids.push(record.id());
        handle
            .ingest
            .submit(record.signed_bytes().to_vec(), Source::Gossip)
            .await
            .unwrap();
    }
    let stored_in = began.elapsed();
    assert!(
        stored_in < Duration::from_secs(20),
        "200 records took {stored_in:?} to be stored while the hook hung"
    );
    for id in &ids {
        assert!(handle.store.record(id).unwrap().is_some());
    }
    wait_for(
        "every alert to be taken in while the hook hangs",
        || async { Metrics::get(&handle.metrics.notify_events) == 200 },
    )
    .await;
    wait_for("the hanging hook to be killed at its timeout", || async {
        Metrics::get(&handle.metrics.notify_failures) >= 1
    })
    .await;
    assert_eq!(Metrics::get(&handle.metrics.notify_delivered), 0);
    assert_eq!(Metrics::get(&handle.metrics.notify_pending), 200);
    let shell: u32 = std::fs::read_to_string(&pids)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    wait_for("the hanging hook's shell to be gone", || async {
        // Gone, or a zombie waiting to be reaped: not running either way.
        std::fs::read_to_string(format!("/proc/{shell}/stat"))
            .map_or(true, |stat| stat.contains(") Z "))
    })
    .await;

    let stopping = Instant::now();
    notifier.shutdown().await;
    assert!(stopping.elapsed() < Duration::from_secs(5));
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_and_a_vote_waiting_for_our_org_notify_until_we_vote() {
    // Three founders (orgs 0, 1, 2); org 3 is not a member. This node is org 1's.
    let net = net(4);
    let dir = tempfile::tempdir().unwrap();
    let node = net.start_node(1, Arc::new(MemoryStore::new())).await;
    let handle = node.handle();
    let (hook, log) = logging_hook(dir.path());
    let notifier = Notifier::start(dir.path(), quick(vec![hook]), handle.clone())
        .await
        .unwrap();
    let submit = |bytes: Vec<u8>| {
        let handle = handle.clone();
        async move {
            handle.ingest.submit(bytes, Source::Gossip).await.unwrap();
        }
    };
    for index in [0, 2, 3] {
        submit(net.delegations[index].signed_bytes().to_vec()).await;
    }
    let mut writers = net.writers.clone();
    let now = now_ms();
    let applicant = net.orgs[3].id();
    let application = writers[3]
        .append(
            Body::Application(Application {
                org: applicant,
                statement: "We defend the rights of street vendors in the capital.".to_owned(),
            }),
            now,
        )
        .unwrap();
    submit(application.signed_bytes().to_vec()).await;
    let first_vote = writers[0]
        .append(sample_vote(applicant, VoteChoice::Admit), now + 1)
        .unwrap();
    submit(first_vote.signed_bytes().to_vec()).await;
    let waiting = [
        format!("vote_waiting:{}", application.id()),
        format!("vote_waiting:{}", first_vote.id()),
    ];
    wait_for("the application and the first vote to notify", || async {
        ids(&logged(&log)) == waiting
    })
    .await;
    let events = logged(&log);
    assert_eq!(events[0]["subject"], applicant.to_string());
    assert_eq!(events[0]["asks"], "admit");
    assert_eq!(events[1]["record"]["org"], net.orgs[0].id().to_string());

    // Our org votes; a later vote by another org no longer waits for us.
    handle
        .publisher
        .publish(sample_vote(applicant, VoteChoice::Admit))
        .await
        .unwrap();
    let later_vote = writers[2]
        .append(sample_vote(applicant, VoteChoice::Admit), now_ms())
        .unwrap();
    submit(later_vote.signed_bytes().to_vec()).await;
    // An alert after it bounds what could still be on its way.
    let alert = writers[0]
        .append(
            alert("Vendors' stalls seized", Duration::from_secs(3600)),
            now_ms(),
        )
        .unwrap();
    submit(alert.signed_bytes().to_vec()).await;
    let with_alert = format!("alert:{}", alert.id());
    wait_for("the alert to notify", || async {
        ids(&logged(&log)).contains(&with_alert)
    })
    .await;
    assert_eq!(
        ids(&logged(&log)),
        [waiting[0].clone(), waiting[1].clone(), with_alert],
        "the vote cast after ours did not notify"
    );

    notifier.shutdown().await;
    drop(handle);
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_larger_than_the_queue_is_taken_in_whole_and_once() {
    let net = net(2);
    let dir = tempfile::tempdir().unwrap();
    let node = net.start_node(1, Arc::new(MemoryStore::new())).await;
    let handle = node.handle();
    // No hook: what is measured is the taking in, which a burst must not lose.
    let notifier = Notifier::start(dir.path(), NotifySettings::default(), handle.clone())
        .await
        .unwrap();
    handle
        .ingest
        .submit(net.delegations[0].signed_bytes().to_vec(), Source::Gossip)
        .await
        .unwrap();
    const BURST: u64 = 3 * commons_node::notify::NOTIFY_QUEUE_CAPACITY as u64;
    let mut writer = net.writers[0].clone();
    let start = now_ms();
    let records: Vec<Vec<u8>> = (0..BURST)
        .map(|i| {
            writer
                .append(
                    alert(&format!("Burst {i}"), Duration::from_secs(3600)),
                    start + i,
                )
                .unwrap()
                .signed_bytes()
                .to_vec()
        })
        .collect();
    for answer in handle.ingest.submit_many(records, Source::Sync).await {
        answer.unwrap();
    }
    wait_for("every alert of the burst to be taken in", || async {
        Metrics::get(&handle.metrics.notify_events) >= BURST
    })
    .await;
    // One more, waited for, bounds what else could still be on its way.
    let last = writer
        .append(
            alert("After the burst", Duration::from_secs(3600)),
            now_ms() + BURST,
        )
        .unwrap();
    handle
        .ingest
        .submit(last.signed_bytes().to_vec(), Source::Gossip)
        .await
        .unwrap();
    wait_for("the alert after the burst to be taken in", || async {
        Metrics::get(&handle.metrics.notify_events) > BURST
    })
    .await;
    assert_eq!(
        Metrics::get(&handle.metrics.notify_events),
        BURST + 1,
        "each alert taken in once (dropped from the queue: {})",
        Metrics::get(&handle.metrics.notify_dropped)
    );
    // Three times the queue, at once: the listener cannot but drop some, which the look
    // through the store then finds.
    assert!(Metrics::get(&handle.metrics.notify_dropped) > 0);
    notifier.shutdown().await;
    drop(handle);
    node.shutdown().await;
}
