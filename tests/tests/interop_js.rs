//! Interoperability with an independent implementation: js-libp2p peers
//! (`tests/interop-js/peer.mjs`, the pinned versions of its `package.json`) against a
//! real `commons node run`, at the step where records cross between implementations.
//!
//! One network, founded by node A's org. Two more devices of that org are made with
//! `commons devices add` and never run a node of their own: their keys become the
//! libp2p identities of two JS peers, the *member* and the *witness*, whose delegations
//! A learns through its API before they connect. A third JS peer, the *stranger*, has a
//! key no org delegated. A second Commons node, B (a third device of the same org), is
//! never connected to A: it makes records whose bytes A has never seen.
//!
//! 1. The JS peers dial A over TCP/Noise/Yamux; the member pings it.
//! 2. A publishes a public case study and a members-only campaign: the member and the
//!    witness receive both by gossip, byte for byte as A stores them; the stranger
//!    receives nothing (nothing is gossiped to a device that is not a member's).
//! 3. The member gossips B's delegation, then a case study of B's: A stores both, with
//!    the ids B gave them. The stranger gossips another record of B's: A ignores it.
//! 4. The member gossips garbage: random bytes, a truncated record and a record with a
//!    flipped signature bit. A rejects each (its metrics count them), stores nothing,
//!    and the member's score with A falls below the publish threshold; A stays healthy
//!    and keeps delivering: its next record reaches the witness.
//!
//! Figures (ping round trips, delivery latencies both ways) are printed, not asserted:
//! run with `--nocapture` to see them (docs/interop.md).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use commons_node::api::contract::requests::{CampaignRequest, PracticeRequest};
use commons_node::api::json::from_hex;
use commons_protocol::DeviceKeypair;
use commons_protocol::text::parse_hex32;
use commons_tests::js_peer::{self, JsPeer, PeerEvent};
use commons_tests::{
    Api, CommonsBinary, Published, TestNode, XorShift, poll_for, report_figures, wait_for,
};
use serde_json::{Value, json};

/// How long any one step may take: a connection, a subscription, a delivery.
const STEP_DEADLINE: Duration = Duration::from_secs(30);
/// Pings of the node by the member peer.
const PINGS: u64 = 10;
/// Gossipsub's default publish threshold: a peer scored below it is sent nothing.
const PUBLISH_THRESHOLD: f64 = -50.0;
/// The seed of the stranger's key, which no org delegated.
const STRANGER_SEED: [u8; 32] = [0x5a; 32];
/// The seed of the random bytes gossiped as garbage.
const GARBAGE_SEED: u64 = 6;

/// Runs the `commons` binary on `data_dir` with `args`; its standard output.
fn commons(data_dir: &Path, args: &[&str]) -> String {
    let output = Command::new(CommonsBinary::path())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("commons runs");
    assert!(
        output.status.success(),
        "commons {args:?} failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Bytes from hex text.
fn unhex(text: &str) -> Vec<u8> {
    from_hex(text).unwrap_or_else(|| panic!("not hex: {text}"))
}

/// The device key seed in a data dir's `device.key`.
fn device_seed(data_dir: &Path) -> [u8; 32] {
    let text = std::fs::read_to_string(data_dir.join("device.key")).expect("device.key reads");
    parse_hex32(text.trim()).expect("device.key holds 64 hex digits")
}

/// The record `id` as `api`'s node stores it: its signed bytes, or `None` if it does
/// not hold it.
fn stored_bytes(api: &Api, id: &str) -> Option<Vec<u8>> {
    let reply = api
        .get(&format!("/v1/records/{id}"))
        .expect("GET /v1/records/{id}");
    match reply.status {
        200 => Some(unhex(
            reply.body["signed"].as_str().expect("a signed field"),
        )),
        404 => None,
        other => panic!("GET /v1/records/{id} answered {other} {}", reply.body),
    }
}

/// The sum of every sample of metric `name` (all its labels), or of the one sample
/// with `label` if given.
fn metric(api: &Api, name: &str, label: Option<&str>) -> f64 {
    let (status, text) = api.get_text("/metrics").expect("GET /metrics");
    assert_eq!(status, 200, "GET /metrics: {text}");
    text.lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.rsplit_once(' '))
        .filter(|(series, _)| {
            let (metric, labels) = series.split_once('{').unwrap_or((series, ""));
            metric == name && label.is_none_or(|label| labels.contains(label))
        })
        .map(|(_, value)| value.parse::<f64>().expect("a sample value"))
        .sum()
}

/// `peer_id`'s entry in the node's `GET /v1/peers`, if connected.
fn peer_entry(api: &Api, peer_id: &str) -> Option<Value> {
    let peers = api
        .get("/v1/peers")
        .expect("GET /v1/peers")
        .expect_status(200, "GET /v1/peers");
    peers
        .as_array()?
        .iter()
        .find(|peer| peer["peer_id"] == peer_id)
        .cloned()
}

/// Publishes a case study at `api`'s node.
fn publish_practice(api: &Api, title: &str, visibility: &str) -> Published {
    let reply = api
        .post(
            "/v1/publish/practice",
            &PracticeRequest {
                title: title.to_owned(),
                summary: "Written for the js-libp2p interoperability test.".to_owned(),
                body: "## What we did\n\nA community radio read the weekly housing bulletin aloud in three languages.".to_owned(),
                themes: vec!["housing".to_owned()],
                regions: vec!["West Africa".to_owned()],
                visibility: Some(visibility.to_owned()),
                ..PracticeRequest::default()
            },
        )
        .expect("POST /v1/publish/practice");
    Published::from_reply(&reply).unwrap_or_else(|| panic!("publish refused: {}", reply.body))
}

/// Publishes a (members-only) campaign at `api`'s node.
fn publish_campaign(api: &Api, title: &str) -> Published {
    let reply = api
        .post(
            "/v1/publish/campaign",
            &CampaignRequest {
                title: title.to_owned(),
                goals: vec!["No evictions in the rainy season".to_owned()],
                status: Some("active".to_owned()),
                ..CampaignRequest::default()
            },
        )
        .expect("POST /v1/publish/campaign");
    Published::from_reply(&reply).unwrap_or_else(|| panic!("publish refused: {}", reply.body))
}

/// Waits until `peer` reports a gossip message whose bytes are `bytes`.
fn wait_for_message(peer: &mut JsPeer, bytes: &[u8], what: &str) -> PeerEvent {
    let data = commons_protocol::text::hex(bytes);
    peer.wait_event(STEP_DEADLINE, what, |event| {
        event.kind() == "message" && event.text("data") == data
    })
    .unwrap_or_else(|error| panic!("{error:#}"))
}

/// Has `peer` gossip `bytes`, and waits for its answer: how many peers it sent them to.
fn gossip(peer: &mut JsPeer, bytes: &[u8], what: &str) -> (Instant, u64) {
    let sent = peer.publish(bytes).expect("the command is written");
    let answer = peer
        .wait_event(STEP_DEADLINE, what, |event| event.kind() == "published")
        .unwrap_or_else(|error| panic!("{error:#}"));
    let recipients = answer.value["recipients"]
        .as_u64()
        .expect("a recipient count");
    (sent, recipients)
}

/// Milliseconds, for the figures printed.
fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[test]
fn a_js_libp2p_peer_pings_receives_and_publishes_and_its_garbage_is_rejected() {
    js_peer::ensure_installed().expect("the JS peer's packages install (npm ci)");
    let temp = tempfile::Builder::new()
        .prefix("commons-interop-js-")
        .tempdir()
        .expect("a temporary directory");
    let root = temp.path();

    // Node A founds the network; three more devices of its org: B's node, and the
    // member and the witness, which are JS peers.
    let mut a = TestNode::init_in(root.join("a"), root.join("a.log"));
    for (label, dir) in [
        ("second office", "b"),
        ("interop member", "member"),
        ("interop witness", "witness"),
    ] {
        let out = root.join(dir);
        commons(
            a.data_dir(),
            &[
                "devices",
                "add",
                "--label",
                label,
                "--out",
                out.to_str().expect("a UTF-8 path"),
            ],
        );
    }
    a.run();
    let mut b = TestNode::existing(root.join("b"), root.join("b.log"));
    b.run();
    let a_api = a.api().clone();
    let b_api = b.api().clone();
    let status = a_api.status();
    let topic = format!("commons/{}/records", status.network);
    let a_peer_id = status.peer_id.expect("a peer id");
    let a_address = a
        .network_addresses()
        .into_iter()
        .find(|addr| addr.contains("/tcp/"))
        .expect("A listens on TCP");

    // A learns the JS devices' delegations before they connect, so it admits them.
    for dir in ["member", "witness"] {
        let delegation =
            std::fs::read(root.join(dir).join("delegation.record")).expect("the delegation reads");
        let reply = a_api.submit(&delegation).expect("POST /v1/records");
        assert_eq!(
            reply.status, 201,
            "A stores the {dir}'s delegation: {}",
            reply.body
        );
    }

    // Records A has never seen, made by `commons` on B.
    let b_delegation =
        std::fs::read(root.join("b").join("delegation.record")).expect("B's delegation reads");
    let b_device = b_api.status().device;
    let b_delegation_id = b_api
        .get("/v1/records?kind=delegation&limit=1000")
        .expect("GET /v1/records")
        .expect_status(200, "B's delegations")["records"]
        .as_array()
        .expect("a list of records")
        .iter()
        .find(|record| record["author"] == b_device.as_str())
        .and_then(|record| record["id"].as_str())
        .expect("B holds its own delegation")
        .to_owned();
    let b_practice = publish_practice(&b_api, "Radio bulletins for tenants", "public");
    let b_campaign = publish_campaign(&b_api, "Rainy-season moratorium");
    let b_practice_bytes = stored_bytes(&b_api, &b_practice.id).expect("B holds its case study");
    let b_campaign_bytes = stored_bytes(&b_api, &b_campaign.id).expect("B holds its campaign");
    b.terminate();

    // 1. The JS peers dial A.
    let spawn = |name: &str, seed: &[u8; 32]| {
        JsPeer::spawn(
            name,
            seed,
            &a_address,
            &topic,
            &root.join(format!("{name}.stderr")),
            STEP_DEADLINE,
        )
        .unwrap_or_else(|error| panic!("{error:#}"))
    };
    let mut member = spawn("member", &device_seed(&root.join("member")));
    let mut witness = spawn("witness", &device_seed(&root.join("witness")));
    let mut stranger = spawn("stranger", &STRANGER_SEED);
    for peer in [&mut member, &mut witness, &mut stranger] {
        let connected = peer
            .wait_event(STEP_DEADLINE, "its connection to A", |event| {
                event.kind() == "connected"
            })
            .unwrap_or_else(|error| panic!("{error:#}"));
        assert_eq!(
            connected.text("peer_id"),
            a_peer_id,
            "the peer reached A's identity"
        );
        peer.wait_event(
            STEP_DEADLINE,
            "A's subscription to the records topic",
            |event| event.kind() == "subscribed" && event.text("peer_id") == a_peer_id,
        )
        .unwrap_or_else(|error| panic!("{error:#}"));
        let id = peer.peer_id().to_owned();
        wait_for(STEP_DEADLINE, "A to see the JS peer subscribed", || {
            peer_entry(&a_api, &id).is_some_and(|entry| entry["gossip"] == true)
        });
    }
    let entry = |peer: &JsPeer| peer_entry(&a_api, peer.peer_id()).expect("the peer is connected");
    assert_eq!(entry(&member)["member"], true, "A admits the member device");
    assert_eq!(
        entry(&witness)["member"],
        true,
        "A admits the witness device"
    );
    assert_eq!(
        entry(&stranger)["member"],
        false,
        "A does not admit the stranger"
    );
    assert_eq!(
        entry(&stranger)["device"],
        DeviceKeypair::from_seed(STRANGER_SEED).public().to_string(),
        "A reads the device key from the JS peer id"
    );

    member
        .send(&json!({"command": "ping", "count": PINGS}))
        .expect("the command is written");
    let pings = member
        .wait_event(STEP_DEADLINE, "its pings", |event| event.kind() == "ping")
        .unwrap_or_else(|error| panic!("{error:#}"));
    let rtts = |field: &str| -> Vec<f64> {
        let mut values: Vec<f64> = pings.value[field]
            .as_array()
            .expect("a list of round trips")
            .iter()
            .map(|rtt| rtt.as_f64().expect("a round trip in ms"))
            .collect();
        values.sort_by(f64::total_cmp);
        values
    };
    let (libp2p_rtts, timed_rtts) = (rtts("rtt_ms"), rtts("elapsed_ms"));
    assert_eq!(libp2p_rtts.len() as u64, PINGS, "every ping was answered");
    assert_eq!(timed_rtts.len() as u64, PINGS);

    // 2. A publishes; the members receive its exact stored bytes.
    let (mut call_ms, mut delivery_ms) = (Vec::new(), Vec::new());
    let public_sent = Instant::now();
    let public = publish_practice(&a_api, "Tenant assemblies on Sundays", "public");
    call_ms.push(ms(public_sent.elapsed()));
    let members_only_sent = Instant::now();
    let members_only = publish_campaign(&a_api, "Keep the market open");
    call_ms.push(ms(members_only_sent.elapsed()));
    for (what, sent, published) in [
        ("a public case study", public_sent, &public),
        ("a members-only campaign", members_only_sent, &members_only),
    ] {
        let bytes = stored_bytes(&a_api, &published.id).expect("A holds what it published");
        for peer in [&mut member, &mut witness] {
            let received = wait_for_message(peer, &bytes, what);
            assert_eq!(unhex(received.text("data")), bytes, "byte for byte");
            assert_eq!(received.text("from"), a_peer_id);
            assert_eq!(
                received.text("id"),
                commons_protocol::text::hex(&commons_protocol::gossip_message_id(&bytes)),
                "both sides name the message by the SHA-256 of its bytes"
            );
            delivery_ms.push(ms(received.at.duration_since(sent)));
        }
    }

    // 3. The member gossips B's records, which A has never seen: A stores them.
    for id in [&b_delegation_id, &b_practice.id, &b_campaign.id] {
        assert_eq!(
            stored_bytes(&a_api, id),
            None,
            "A has never seen B's records"
        );
    }
    let records_before = a_api.status().records;
    let mut uplink_ms = Vec::new();
    for (what, id, bytes) in [
        ("B's delegation", &b_delegation_id, &b_delegation),
        ("B's case study", &b_practice.id, &b_practice_bytes),
    ] {
        let (sent, recipients) = gossip(&mut member, bytes, what);
        assert!(recipients >= 1, "the member sent {what} to A");
        let stored = poll_for(STEP_DEADLINE, || stored_bytes(&a_api, id)).unwrap_or_else(|| {
            panic!(
                "A did not store {what} ({id}) gossiped by the JS peer; log:\n{}",
                a.log_tail()
            )
        });
        uplink_ms.push(ms(sent.elapsed()));
        assert_eq!(&stored, bytes, "A stores {what} byte for byte");
    }
    let accepted = metric(&a_api, "commons_gossip_accepted_total", None);
    assert!(accepted >= 2.0, "A counts the accepted gossip ({accepted})");

    // The stranger's gossip is ignored unread, however valid.
    let ignored_before = metric(&a_api, "commons_gossip_ignored_total", None);
    gossip(
        &mut stranger,
        &b_campaign_bytes,
        "B's campaign, from the stranger",
    );
    wait_for(STEP_DEADLINE, "A to ignore the stranger's gossip", || {
        metric(&a_api, "commons_gossip_ignored_total", None) > ignored_before
    });
    assert_eq!(
        stored_bytes(&a_api, &b_campaign.id),
        None,
        "nothing from a stranger is stored"
    );

    // 4. Garbage from the member.
    let held = a_api.status().records;
    assert_eq!(
        held,
        records_before + 2,
        "A holds B's two records and nothing else new"
    );
    let rejected_before = metric(&a_api, "commons_gossip_rejected_total", None);
    let score_before = entry(&member)["score"].as_f64().expect("a score");
    let mut random = XorShift::new(GARBAGE_SEED);
    let random_bytes: Vec<u8> = (0..300).map(|_| random.next_u64() as u8).collect();
    let truncated = b_campaign_bytes[..b_campaign_bytes.len() / 2].to_vec();
    let mut flipped = b_campaign_bytes.clone();
    let signature_start = flipped.len() - 64;
    flipped[signature_start] ^= 0x01;
    for (what, bytes) in [
        ("random bytes", &random_bytes),
        ("a truncated record", &truncated),
        ("a flipped signature bit", &flipped),
    ] {
        gossip(&mut member, bytes, what);
    }
    wait_for(
        STEP_DEADLINE,
        "A to reject the three pieces of garbage",
        || metric(&a_api, "commons_gossip_rejected_total", None) >= rejected_before + 3.0,
    );
    assert_eq!(
        metric(&a_api, "commons_gossip_rejected_total", None),
        rejected_before + 3.0
    );
    assert!(
        metric(
            &a_api,
            "commons_records_rejected_total",
            Some("reason=\"bad_signature\"")
        ) >= 1.0,
        "the flipped bit is refused as a bad signature"
    );
    // Each invalid delivery counts −10 × count², and the count decays by 0.9 a second
    // (node/src/network/behaviour.rs): three at once put the member near −90, and it
    // stays below the publish threshold for about 2.7 s, many probes' worth.
    let lowest = poll_for(STEP_DEADLINE, || {
        let score = entry(&member)["score"].as_f64().expect("a score");
        (score < PUBLISH_THRESHOLD).then_some(score)
    })
    .unwrap_or_else(|| {
        panic!(
            "the member's score with A stayed at or above {PUBLISH_THRESHOLD}: {}",
            entry(&member)
        )
    });
    assert_eq!(
        Some(a_api.status().records),
        Some(held),
        "no garbage stored"
    );
    assert_eq!(
        stored_bytes(&a_api, &b_campaign.id),
        None,
        "no forged copy of B's campaign stored"
    );
    assert!(a.is_running(), "A survives the garbage");

    // A keeps delivering to the peers that behaved.
    let before = Instant::now();
    let after = publish_practice(&a_api, "Sunday assemblies, three months on", "public");
    call_ms.push(ms(before.elapsed()));
    let after_bytes = stored_bytes(&a_api, &after.id).expect("A holds its new case study");
    let received = wait_for_message(&mut witness, &after_bytes, "A's record after the garbage");
    delivery_ms.push(ms(received.at.duration_since(before)));

    // The stranger was sent none of A's records, members-only or public.
    stranger
        .send(&json!({"command": "stats"}))
        .expect("the command is written");
    let stats = stranger
        .wait_event(STEP_DEADLINE, "its count of messages", |event| {
            event.kind() == "stats"
        })
        .unwrap_or_else(|error| panic!("{error:#}"));
    assert_eq!(
        stats.value["messages"], 0,
        "nothing is gossiped to a stranger"
    );
    assert_eq!(
        entry(&stranger)["score"].as_f64(),
        Some(-60.0),
        "the stranger's score is the non-member's"
    );

    for peer in [member, witness, stranger] {
        peer.close(STEP_DEADLINE)
            .unwrap_or_else(|error| panic!("{error:#}"));
    }
    assert_eq!(
        Some(a_api.status().records),
        Some(held + 1),
        "A holds its own new record and nothing else new"
    );
    assert!(a.is_running(), "A is still running after its JS peers left");

    let median = |values: &[f64]| {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    };
    report_figures(&format!(
        "interop-js figures: ping ms (stream open + echo) min {:.2} median {:.2} max {:.2} \
         over {PINGS} pings (js-libp2p's own whole-ms figure: median {}); \
         A publish call (sign, durable commit, HTTP) ms {call_ms:.1?}; \
         from that call to the JS peer's receipt ms {delivery_ms:.1?} (median {:.1}); \
         JS gossip -> stored at A ms (polled) {uplink_ms:.1?}; \
         member's score with A {score_before:.1} before the garbage, {lowest:.1} after",
        timed_rtts[0],
        median(&timed_rtts),
        timed_rtts[timed_rtts.len() - 1],
        median(&libp2p_rtts),
        median(&delivery_ms),
    ));
}
