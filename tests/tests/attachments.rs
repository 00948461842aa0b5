//! Attachments between real nodes (issue 11): the real `commons node run` processes on
//! loopback, founders of one charter (or an applicant of an open-read one), with files
//! uploaded through the control API and fetched by the nodes themselves over
//! `/commons/blob/1`.
//!
//! - a 20 MiB PDF-like file published at A reaches C through B on a line A–B–C (C is
//!   never connected to A);
//! - an insider's node serving every chunk with a byte flipped (a hostile rust-libp2p
//!   swarm, `commons_tests::hostile`) beside an honest node: the fetcher catches the
//!   first bad chunk, penalises the liar, and takes the right bytes from the honest one;
//! - a fetch cut by SIGKILL of the fetching node resumes after the restart and
//!   completes without fetching again the chunks it had (from its metrics);
//! - on an open-read network, a non-member's node (an applicant, not admitted) fetches
//!   the file of a public case study and never the members-only one, which the members'
//!   node refuses to a non-member's device on the wire.
//!
//! Files are checked byte for byte where the node keeps them (`<data dir>/blobs/<id
//! hex>`, written only once whole). Every wait is for a condition, with a deadline.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use commons_node::api::contract::attachments::UploadAnswer;
use commons_node::clock::now_ms;
use commons_node::config::ConfigFile;
use commons_node::data_dir::DataDir;
use commons_node::founding::{FounderDir, init_network};
use commons_protocol::{
    BlobId, BlobRequest, BlobResponse, CHUNK_BYTES, DeviceKeypair, FeedSummary, validate_record,
};
use commons_tests::attachments;
use commons_tests::hostile::{BlobResponder, GossipMode, HostilePeer, Responder, Tamper};
use commons_tests::{Api, CommonsBinary, TestNode, poll_for, wait_for};
use libp2p::PeerId;
use serde_json::Value;

/// How long a file may take to cross the network here (a debug build on a shared
/// 2-core machine; 20 MiB takes a few seconds on loopback), with room for the fetcher's
/// retries while the middle node fetches it first.
const TRANSFER_DEADLINE: Duration = Duration::from_secs(120);
/// How long setup steps (connections, a record crossing) may take.
const STEP_DEADLINE: Duration = Duration::from_secs(60);
const MIB: usize = 1024 * 1024;

/// A file that looks like a PDF: its header, then `len` bytes in all of pseudo-random
/// content from `seed` (so it does not compress and differs from file to file), then
/// its end marker.
fn pdf_like(len: usize, seed: u64) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n".to_vec();
    let mut state = seed.max(1);
    while bytes.len() < len - 6 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    bytes.truncate(len - 6);
    bytes.extend_from_slice(b"%%EOF\n");
    bytes
}

/// Founders' data dirs of one network under `root`, named A, B, C…, each configured
/// by `tune` (Kademlia off, so each node connects only to whom it is told).
fn found(root: &Path, names: &[&str], tune: impl Fn(&mut ConfigFile)) -> Vec<PathBuf> {
    let founders: Vec<FounderDir> = names
        .iter()
        .map(|name| {
            let org_name = format!("{name} housing rights collective");
            let mut config = ConfigFile::new(&org_name, "office server");
            config.kademlia = false;
            config.sync_interval_secs = 2;
            tune(&mut config);
            FounderDir {
                dir: DataDir::new(root.join(name)),
                config,
                org_name,
                device_label: "office server".to_owned(),
            }
        })
        .collect();
    init_network(&founders, "Attachments test network", now_ms()).unwrap();
    names.iter().map(|name| root.join(name)).collect()
}

fn node(root: &Path, dir: &Path) -> TestNode {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    TestNode::existing(dir.to_path_buf(), root.join(format!("{name}.log")))
}

fn tcp_address(node: &TestNode) -> String {
    node.network_addresses()
        .into_iter()
        .find(|addr| addr.contains("/tcp/"))
        .expect("the node listens on TCP")
}

fn peer_id(node: &TestNode) -> String {
    node.api().status().peer_id.unwrap()
}

fn peers(api: &Api) -> Vec<Value> {
    match api
        .get("/v1/peers")
        .unwrap()
        .expect_status(200, "GET /v1/peers")
    {
        Value::Array(peers) => peers,
        other => panic!("/v1/peers answered {other}"),
    }
}

/// Waits until `node` lists `peer` as a connected member's device.
fn wait_member(node: &TestNode, peer: &str, what: &str) {
    wait_for(STEP_DEADLINE, what, || {
        peers(node.api())
            .iter()
            .any(|entry| entry["peer_id"] == peer && entry["member"] == true)
    });
}

/// A counter or gauge from the node's `/metrics` (0 if absent).
fn metric(api: &Api, name: &str) -> u64 {
    let (status, text) = api.get_text("/metrics").unwrap();
    assert_eq!(status, 200, "GET /metrics");
    text.lines()
        .find_map(|line| {
            let (key, value) = line.split_once(' ')?;
            (key == name).then(|| value.trim().parse::<f64>().ok())?
        })
        .map_or(0, |value| value as u64)
}

fn upload(node: &TestNode, bytes: &[u8], name: &str) -> UploadAnswer {
    attachments::upload(node.api(), bytes, name).unwrap()
}

fn publish_with(node: &TestNode, title: &str, visibility: &str, files: &[UploadAnswer]) -> String {
    attachments::publish_with(node.api(), title, visibility, files).unwrap()
}

fn blob_of(attachment: &UploadAnswer) -> BlobId {
    attachments::blob_of(attachment).unwrap()
}

/// Where a node keeps a file it holds whole.
fn held_path(node: &TestNode, blob: &BlobId) -> PathBuf {
    DataDir::new(node.data_dir())
        .blobs_path()
        .join(commons_node::blobs::file_name(blob))
}

fn holds_file(node: &TestNode, blob: &BlobId) -> bool {
    held_path(node, blob).is_file()
}

fn holds_record(api: &Api, id: &str) -> bool {
    api.get(&format!("/v1/records/{id}"))
        .is_ok_and(|reply| reply.status == 200)
}

fn signal(pid: u32, signal: &str) {
    let sent = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill {signal} {pid}");
}

#[test]
fn a_file_published_at_a_reaches_c_through_b() {
    let temp = tempfile::tempdir().unwrap();
    // 20 MiB is over the default automatic limit (8 MiB): these nodes fetch up to 32.
    let dirs = found(temp.path(), &["A", "B", "C"], |config| {
        config.auto_fetch_max_mb = 32;
    });
    let mut a = node(temp.path(), &dirs[0]);
    a.run();
    let mut b = node(temp.path(), &dirs[1]);
    b.bootstrap(tcp_address(&a));
    b.run();
    let mut c = node(temp.path(), &dirs[2]);
    c.bootstrap(tcp_address(&b));
    c.run();
    let (a_peer, b_peer, c_peer) = (peer_id(&a), peer_id(&b), peer_id(&c));
    wait_member(&b, &a_peer, "B to see A as a member");
    wait_member(&c, &b_peer, "C to see B as a member");

    let bytes = pdf_like(20 * MIB, 11);
    let attachment = upload(&a, &bytes, "land-tribunal-ruling.pdf");
    let blob = blob_of(&attachment);
    let id = publish_with(
        &a,
        "The tribunal ruling on the river settlement",
        "members",
        &[attachment],
    );
    wait_for(STEP_DEADLINE, "C to hold the case study", || {
        holds_record(c.api(), &id)
    });
    let published = std::time::Instant::now();
    wait_for(TRANSFER_DEADLINE, "C to hold the 20 MiB file", || {
        holds_file(&c, &blob)
    });
    eprintln!(
        "attachments-figures: the 20 MiB file reached C through B {:.1} s after C held its record",
        published.elapsed().as_secs_f64()
    );
    assert!(
        holds_file(&b, &blob),
        "B holds it: C could only have it from B"
    );
    assert_eq!(std::fs::read(held_path(&c, &blob)).unwrap(), bytes);
    let chunks = (20 * MIB).div_ceil(CHUNK_BYTES) as u64;
    assert_eq!(metric(c.api(), "commons_blob_chunks_fetched_total"), chunks);
    assert_eq!(metric(c.api(), "commons_blob_bad_answers_total"), 0);
    assert!(metric(b.api(), "commons_blob_served_total") > chunks);
    // The line held: C never connected to A.
    assert!(
        !peers(c.api())
            .iter()
            .any(|entry| entry["peer_id"] == a_peer.as_str()),
        "C is connected to A"
    );
    assert!(
        !peers(a.api())
            .iter()
            .any(|entry| entry["peer_id"] == c_peer.as_str()),
        "A is connected to C"
    );
}

#[test]
fn a_tampered_chunk_is_caught_penalised_and_fetched_from_another_peer() {
    let temp = tempfile::tempdir().unwrap();
    let dirs = found(temp.path(), &["A", "C", "Insider"], |_| {});
    let mut a = node(temp.path(), &dirs[0]);
    a.run();
    let mut c = node(temp.path(), &dirs[1]);
    c.bootstrap(tcp_address(&a));
    c.run();
    wait_member(&c, &peer_id(&a), "C to see A as a member");

    // The insider's node: a member's device key, serving every chunk with a byte flipped.
    let insider = DataDir::new(&dirs[2]).open().unwrap();
    let network = insider.network();
    let delegation = validate_record(insider.delegation(), &network).unwrap();
    let head = FeedSummary {
        author: insider.device().public(),
        contiguous: 1,
        max_seq: 1,
        frozen: false,
    };
    // 4 MiB: 16 chunks, fetched as soon as the record arrives.
    let bytes = pdf_like(4 * MIB, 12);
    let liar = HostilePeer::start(
        insider.device(),
        &network,
        GossipMode::Anonymous,
        Responder::member(delegation.signed_bytes(), head, Vec::new()),
    )
    .unwrap();
    liar.serve_blobs(Some(
        BlobResponder::new(vec![bytes.clone()], Tamper::EveryChunk).unwrap(),
    ));
    liar.dial(&tcp_address(&c)).unwrap();
    let liar_peer = liar.peer_id().to_string();
    wait_member(&c, &liar_peer, "C to see the insider as a member");

    let attachment = upload(&a, &bytes, "household-survey.pdf");
    let blob = blob_of(&attachment);
    publish_with(&a, "Household survey results", "members", &[attachment]);
    wait_for(TRANSFER_DEADLINE, "C to hold the file", || {
        holds_file(&c, &blob)
    });
    assert_eq!(std::fs::read(held_path(&c, &blob)).unwrap(), bytes);

    let answered = liar.answered();
    assert!(
        answered.get("blob_chunk").copied().unwrap_or(0) >= 1,
        "the liar was asked for chunks: {answered:?}"
    );
    assert_eq!(metric(c.api(), "commons_blob_bad_answers_total"), 1);
    let score = peers(c.api())
        .iter()
        .find(|entry| entry["peer_id"] == liar_peer.as_str())
        .and_then(|entry| entry["score"].as_f64())
        .unwrap();
    eprintln!("attachments-figures: the liar's score at C {score:.1}; answered {answered:?}");
    assert!(score <= -9.0, "the liar's score at C is {score}");
    let honest = peers(c.api())
        .iter()
        .find(|entry| entry["peer_id"] == peer_id(&a).as_str())
        .and_then(|entry| entry["score"].as_f64())
        .unwrap();
    assert!(honest >= 0.0, "A's score at C is {honest}");
}

#[test]
fn a_fetch_cut_by_sigkill_resumes_without_fetching_its_chunks_again() {
    let temp = tempfile::tempdir().unwrap();
    let dirs = found(temp.path(), &["A", "C"], |config| {
        config.auto_fetch_max_mb = 64;
    });
    let mut a = node(temp.path(), &dirs[0]);
    a.run();
    let mut c = node(temp.path(), &dirs[1]);
    c.bootstrap(tcp_address(&a));
    c.run();
    wait_member(&c, &peer_id(&a), "C to see A as a member");

    let size = 40 * MIB;
    let chunks = size.div_ceil(CHUNK_BYTES) as u64;
    let bytes = pdf_like(size, 13);
    let attachment = upload(&a, &bytes, "hearing-transcript.pdf");
    let blob = blob_of(&attachment);
    publish_with(&a, "Transcript of the hearing", "members", &[attachment]);

    // Once C has a few chunks, A is frozen (SIGSTOP) so the fetch stands still partway,
    // and C is killed in the middle of it.
    let started = poll_for(TRANSFER_DEADLINE, || {
        (metric(c.api(), "commons_blob_chunks_fetched_total") >= 8).then_some(())
    });
    assert!(started.is_some(), "C did not start fetching");
    signal(a.pid(), "-STOP");
    let before_kill = metric(c.api(), "commons_blob_chunks_fetched_total");
    assert!(
        before_kill < chunks,
        "the fetch finished before it could be cut"
    );
    c.kill();
    assert!(!holds_file(&c, &blob));
    signal(a.pid(), "-CONT");

    c.run();
    wait_for(
        TRANSFER_DEADLINE,
        "C to finish the file after its restart",
        || holds_file(&c, &blob),
    );
    assert_eq!(std::fs::read(held_path(&c, &blob)).unwrap(), bytes);
    let resumed = metric(c.api(), "commons_blob_chunks_resumed_total");
    let fetched = metric(c.api(), "commons_blob_chunks_fetched_total");
    eprintln!(
        "attachments-figures: {chunks} chunks; {before_kill} fetched before the kill, \
         {resumed} kept by the restarted node, {fetched} fetched after it"
    );
    assert!(
        resumed >= before_kill,
        "every chunk written before the kill was kept: {resumed} resumed, {before_kill} fetched before"
    );
    assert_eq!(
        resumed + fetched,
        chunks,
        "only the missing chunks were fetched again ({resumed} resumed, {fetched} fetched)"
    );
}

/// Runs `commons --data-dir DIR --json ARGS`, which must succeed; its JSON.
fn commons_json(dir: &Path, args: &[&str]) -> Value {
    let output = Command::new(CommonsBinary::path())
        .arg("--data-dir")
        .arg(dir)
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "commons {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or(Value::Null)
}

#[test]
fn a_non_member_of_an_open_network_gets_public_files_and_never_members_only_ones() {
    let temp = tempfile::tempdir().unwrap();
    // One founder, A, of an open-read network (made with the real commands); D is an
    // org that joins the network and applies, and is not admitted.
    let a_dir = temp.path().join("A");
    let d_dir = temp.path().join("D");
    let charter = temp.path().join("charter.bin");
    let charter_text = charter.to_str().unwrap();
    commons_json(&a_dir, &["init", "--org-name", "Tenants' Voice Alliance"]);
    let org_file = a_dir.join("org.toml");
    commons_json(
        &a_dir,
        &[
            "network",
            "create",
            "--name",
            "Open housing network",
            "--founder",
            org_file.to_str().unwrap(),
            "--open-read",
            "--out",
            charter_text,
        ],
    );
    commons_json(&a_dir, &["network", "join", charter_text]);
    commons_json(&d_dir, &["init", "--org-name", "Rural Defenders Forum"]);
    commons_json(&d_dir, &["network", "join", charter_text]);
    for dir in [&a_dir, &d_dir] {
        use std::io::Write;
        let mut config = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.join("config.toml"))
            .unwrap();
        writeln!(config, "\nsync_interval_secs = 2\nkademlia = false").unwrap();
    }

    let mut a = node(temp.path(), &a_dir);
    a.run();
    let public_bytes = pdf_like(3 * MIB, 14);
    let kept_bytes = pdf_like(3 * MIB, 15);
    let public = upload(&a, &public_bytes, "know-your-rights-leaflet.pdf");
    let kept = upload(&a, &kept_bytes, "witness-statements.pdf");
    let (public_blob, kept_blob) = (blob_of(&public), blob_of(&kept));
    let public_id = publish_with(&a, "A leaflet on tenants' rights", "public", &[public]);
    let kept_id = publish_with(&a, "Statements of the evicted families", "members", &[kept]);

    let mut d = node(temp.path(), &d_dir);
    d.bootstrap(tcp_address(&a));
    d.run();
    commons_json(
        &d_dir,
        &[
            "members",
            "apply",
            "--statement",
            "We document land grabs with rural communities and want to share our methods.",
            "--region",
            "West Africa",
        ],
    );
    wait_for(STEP_DEADLINE, "D to hold the public case study", || {
        holds_record(d.api(), &public_id)
    });
    wait_for(TRANSFER_DEADLINE, "D to fetch the public file", || {
        holds_file(&d, &public_blob)
    });
    assert_eq!(
        std::fs::read(held_path(&d, &public_blob)).unwrap(),
        public_bytes
    );

    // A device no roster lists asks A for both files on the wire.
    let stranger = HostilePeer::start(
        &DeviceKeypair::from_seed([0x42; 32]),
        &a_network(&a_dir),
        GossipMode::Anonymous,
        Responder::default(),
    )
    .unwrap();
    stranger.dial(&tcp_address(&a)).unwrap();
    let a_peer: PeerId = peer_id(&a).parse().unwrap();
    wait_for(STEP_DEADLINE, "the stranger to connect to A", || {
        stranger.connected().contains(&a_peer)
    });
    let ask = |blob| {
        stranger
            .ask_blob(a_peer, BlobRequest::ChunkList { blob })
            .unwrap()
    };
    assert!(matches!(ask(public_blob), BlobResponse::ChunkList(_)));
    assert_eq!(ask(kept_blob), BlobResponse::Refused);
    assert_eq!(
        stranger
            .ask_blob(
                a_peer,
                BlobRequest::Chunk {
                    blob: kept_blob,
                    index: 0
                }
            )
            .unwrap(),
        BlobResponse::Refused
    );

    // D syncs with A a few more times: it never gets the members-only case study or its
    // file, and A counts the refusals.
    let rounds = metric(d.api(), "commons_sync_requests_total");
    wait_for(STEP_DEADLINE, "D to sync with A a few more times", || {
        metric(d.api(), "commons_sync_requests_total") >= rounds + 4
    });
    assert!(!holds_record(d.api(), &kept_id));
    assert!(!holds_file(&d, &kept_blob));
    assert!(metric(a.api(), "commons_blob_refused_total") >= 2);
    let roster = commons_json(&d_dir, &["members", "list"]);
    let d_org = d.api().status().org;
    assert!(
        !roster["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|member| member["org"] == d_org),
        "D is not a member: {roster}"
    );
}

/// The network id of the charter in `dir`.
fn a_network(dir: &Path) -> commons_protocol::NetworkId {
    DataDir::new(dir).open().unwrap().network()
}
