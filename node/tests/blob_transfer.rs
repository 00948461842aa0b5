//! Attachments' bytes between real nodes inside one process: real swarms over TCP on
//! 127.0.0.1 speaking `/commons/blob/1`, each node with a memory store and a real blob
//! store in a temporary directory, keys from the fixtures' fixed seeds. A file published
//! at one node is fetched by its peers as soon as the record arrives, chunk by checked
//! chunk, from every peer that holds it; who may ask for what follows the charter and
//! the roster. Every wait is for a condition, with a deadline.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use common::{Net, Peer, net, net_with};

use std::future::Future;
use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use commons_node::blobs::ImportLimits;
use commons_node::ingest::Source;
use commons_node::network::behaviour::{BehaviourEvent, build_swarm};
use commons_node::network::{FetchLimits, NetworkError, NetworkSettings, SwarmOptions};
use commons_node::store::MemoryStore;
use commons_protocol::fixtures::{sample_charter_with, sample_practice};
use commons_protocol::{
    Attachment, BlobId, BlobRequest, BlobResponse, Body, CHUNK_BYTES, DeviceKeypair, RecordId,
    SyncRequest, SyncResponse, Visibility,
};
use futures::StreamExt;
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, request_response};

/// How long any condition may take to come true.
const DEADLINE: Duration = Duration::from_secs(60);

const LIMITS: ImportLimits = ImportLimits {
    max_bytes: 64 * 1024 * 1024,
};

async fn wait_for<F, Fut>(what: &str, condition: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    common::wait_within(DEADLINE, what, condition).await;
}

async fn start(net: &Net, index: usize) -> Peer {
    start_limited(net, index, FetchLimits::default()).await
}

async fn start_limited(net: &Net, index: usize, attachments: FetchLimits) -> Peer {
    let settings = NetworkSettings {
        listen: vec!["/ip4/127.0.0.1/tcp/0".parse().unwrap()],
        sync_interval: Duration::from_secs(1),
        attachments,
        ..NetworkSettings::loopback()
    };
    Peer::start_with(net, index, Arc::new(MemoryStore::new()), settings).await
}

/// A file of `len` bytes that differs with `seed`, like a scanned report would.
fn file(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

/// Stores `bytes` at `peer` and publishes a case study carrying them; its id and the
/// file's id.
async fn publish_with_file(
    peer: &Peer,
    bytes: &[u8],
    name: &str,
    visibility: Visibility,
) -> (RecordId, BlobId) {
    let blobs = peer.handle.blobs.clone();
    let owned = bytes.to_vec();
    let imported = tokio::task::spawn_blocking(move || blobs.import(&owned[..], LIMITS))
        .await
        .unwrap()
        .unwrap();
    let mut practice = sample_practice(visibility);
    practice.title = format!("Case study with {name}");
    practice.attachments.push(Attachment {
        name: name.to_owned(),
        media_type: "application/pdf".to_owned(),
        size: imported.size,
        blob: imported.blob,
    });
    let published = peer
        .handle
        .publisher
        .publish(Body::Practice(practice))
        .await
        .unwrap();
    (published.id, imported.blob)
}

fn held_bytes(peer: &Peer, blob: &BlobId) -> Option<Vec<u8>> {
    let mut file = peer.handle.blobs.open_read(blob).unwrap()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).unwrap();
    Some(bytes)
}

async fn link(from: &Peer, to: &Peer) {
    from.net.dial(to.addr.clone()).await.unwrap();
    wait_for("the two nodes to see each other as members", || async {
        let report = from.net.report().await.unwrap();
        report
            .peers
            .iter()
            .any(|peer| peer.peer == to.net.peer_id() && peer.member)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_published_at_one_node_is_fetched_chunk_by_chunk_by_its_peers() {
    let net = net(3);
    let a = start(&net, 0).await;
    let b = start(&net, 1).await;
    // C accepts files of 8 MiB at most.
    let c = start_limited(
        &net,
        2,
        FetchLimits {
            auto_max_bytes: 8 * 1024 * 1024,
            max_bytes: 8 * 1024 * 1024,
            ..FetchLimits::default()
        },
    )
    .await;
    link(&b, &a).await;
    // Three chunks and a bit: the last chunk is short.
    let bytes = file(CHUNK_BYTES * 3 + 1234, 1);
    let (record, blob) =
        publish_with_file(&a, &bytes, "tenant-survey.pdf", Visibility::Members).await;
    wait_for("B to hold the case study", || async { b.holds(&record) }).await;
    wait_for("B to fetch the file", || async {
        b.handle.blobs.has(&blob)
    })
    .await;
    assert_eq!(held_bytes(&b, &blob).unwrap(), bytes);
    let metrics = b.net.metrics();
    // The fetch is counted when its task reports back, just after the file is in place.
    wait_for("B to count the fetch as completed", || async {
        metrics.blob_fetches_completed.load(Ordering::Relaxed) >= 1
    })
    .await;
    assert_eq!(metrics.blob_chunks_fetched.load(Ordering::Relaxed), 4);
    assert_eq!(
        metrics.blob_bytes_fetched.load(Ordering::Relaxed),
        bytes.len() as u64
    );
    assert_eq!(metrics.blob_fetches_completed.load(Ordering::Relaxed), 1);
    assert_eq!(metrics.blob_bad_answers.load(Ordering::Relaxed), 0);
    assert!(a.net.metrics().blob_served.load(Ordering::Relaxed) >= 5);
    assert_eq!(b.net.fetch_progress(blob).await.unwrap(), None, "done");

    // C joins later, linked to both: it fetches from whichever holds the file.
    link(&c, &a).await;
    link(&c, &b).await;
    wait_for("C to fetch the file", || async {
        c.handle.blobs.has(&blob)
    })
    .await;
    assert_eq!(held_bytes(&c, &blob).unwrap(), bytes);

    // A larger file waits to be asked for, then comes on demand.
    let big = file(9 * 1024 * 1024, 2);
    let (record, big_blob) =
        publish_with_file(&a, &big, "hearing-audio.ogg", Visibility::Members).await;
    wait_for("B to hold the second case study", || async {
        b.holds(&record)
    })
    .await;
    assert!(!b.handle.blobs.has(&big_blob), "over the automatic limit");
    assert_eq!(b.net.fetch_progress(big_blob).await.unwrap(), None);
    b.net.fetch_attachment(big_blob).await.unwrap();
    wait_for("B to fetch the large file on demand", || async {
        b.handle.blobs.has(&big_blob)
    })
    .await;
    assert_eq!(held_bytes(&b, &big_blob).unwrap(), big);
    // C's limit is lower: it refuses to fetch it, and says why.
    wait_for("C to hold the second case study", || async {
        c.holds(&record)
    })
    .await;
    match c.net.fetch_attachment(big_blob).await {
        Err(NetworkError::TooLarge { size, max, .. }) => {
            assert_eq!((size, max), (big.len() as u64, 8 * 1024 * 1024));
        }
        other => panic!("C fetched a file over its limit: {other:?}"),
    }
    assert!(!c.handle.blobs.has(&big_blob));

    for peer in [c, b, a] {
        peer.stop().await;
    }
}

/// A raw swarm with the node's protocols and `device`'s key, connected to `addr`:
/// sends one attachment request and answers the response.
async fn ask_raw(
    device: &DeviceKeypair,
    net: &Net,
    addr: &Multiaddr,
    requests: Vec<BlobRequest>,
) -> Vec<BlobResponse> {
    let options = SwarmOptions {
        mdns: false,
        kademlia: false,
        ..SwarmOptions::default()
    };
    let (mut swarm, _) =
        build_swarm(device, &net.charter.charter().network_id(), &options).unwrap();
    swarm.dial(addr.clone()).unwrap();
    let peer = loop {
        if let SwarmEvent::ConnectionEstablished { peer_id, .. } = swarm.select_next_some().await {
            break peer_id;
        }
    };
    let mut answers = Vec::new();
    for request in requests {
        let id = swarm.behaviour_mut().blob.send_request(&peer, request);
        let answer = tokio::time::timeout(DEADLINE, async {
            loop {
                match swarm.select_next_some().await {
                    SwarmEvent::Behaviour(BehaviourEvent::Blob(
                        request_response::Event::Message {
                            message:
                                request_response::Message::Response {
                                    request_id,
                                    response,
                                },
                            ..
                        },
                    )) if request_id == id => break response,
                    SwarmEvent::Behaviour(BehaviourEvent::Blob(
                        request_response::Event::OutboundFailure {
                            request_id, error, ..
                        },
                    )) if request_id == id => panic!("the request failed: {error}"),
                    _ => {}
                }
            }
        })
        .await
        .unwrap();
        answers.push(answer);
    }
    answers
}

fn is_chunk_list(answer: &BlobResponse) -> bool {
    matches!(answer, BlobResponse::ChunkList(_))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_non_member_gets_public_files_of_an_open_network_and_never_members_only_ones() {
    // Two founders; sample org 7 is not a member.
    let net = net_with(sample_charter_with(2, true).0, [0, 1, 7]);
    let a = start(&net, 0).await;
    let public = file(CHUNK_BYTES + 10, 3);
    let kept = file(CHUNK_BYTES + 20, 4);
    let (public_record, public_blob) =
        publish_with_file(&a, &public, "leaflet.pdf", Visibility::Public).await;
    let (kept_record, kept_blob) =
        publish_with_file(&a, &kept, "testimonies.pdf", Visibility::Members).await;

    // The non-member's own node: it reads public records, and fetches their files.
    let observer = start(&net, 2).await;
    assert!(!observer.handle.roster().is_member(&observer.org));
    observer.net.dial(a.addr.clone()).await.unwrap();
    wait_for("the observer to hold the public case study", || async {
        observer.holds(&public_record)
    })
    .await;
    wait_for("the observer to fetch its file", || async {
        observer.handle.blobs.has(&public_blob)
    })
    .await;
    assert_eq!(held_bytes(&observer, &public_blob).unwrap(), public);
    assert!(!observer.holds(&kept_record));
    // Asked for by id all the same, the members-only file is not fetched: no record here
    // names it.
    assert!(matches!(
        observer.net.fetch_attachment(kept_blob).await,
        Err(NetworkError::NotNamed { .. })
    ));

    // Asked on the wire by a device no roster lists: the public file is served, the
    // members-only one refused.
    let stranger = DeviceKeypair::from_seed([0x77; 32]);
    let answers = ask_raw(
        &stranger,
        &net,
        &a.addr,
        vec![
            BlobRequest::ChunkList { blob: public_blob },
            BlobRequest::Chunk {
                blob: public_blob,
                index: 1,
            },
            BlobRequest::ChunkList { blob: kept_blob },
            BlobRequest::Chunk {
                blob: kept_blob,
                index: 0,
            },
        ],
    )
    .await;
    assert!(is_chunk_list(&answers[0]), "{:?}", answers[0]);
    assert_eq!(
        answers[1],
        BlobResponse::Chunk(public[CHUNK_BYTES..].to_vec())
    );
    assert_eq!(answers[2], BlobResponse::Refused);
    assert_eq!(answers[3], BlobResponse::Refused);
    // A member's device gets both.
    a.handle
        .ingest
        .submit(net.delegations[1].signed_bytes().to_vec(), Source::Sync)
        .await
        .unwrap();
    let member = ask_raw(
        &net.orgs[1].device,
        &net,
        &a.addr,
        vec![BlobRequest::ChunkList { blob: kept_blob }],
    )
    .await;
    assert!(is_chunk_list(&member[0]), "{:?}", member[0]);
    assert!(a.net.metrics().blob_refused.load(Ordering::Relaxed) >= 2);
    assert!(
        !observer.handle.blobs.has(&kept_blob),
        "the observer never holds the members-only file"
    );
    assert_eq!(observer.net.fetch_progress(kept_blob).await.unwrap(), None);

    observer.stop().await;
    a.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_network_serves_no_file_to_a_non_member() {
    let net = net_with(sample_charter_with(2, false).0, [0, 1, 7]);
    let a = start(&net, 0).await;
    let public = file(1000, 5);
    let (_, public_blob) = publish_with_file(&a, &public, "leaflet.pdf", Visibility::Public).await;
    let stranger = DeviceKeypair::from_seed([0x78; 32]);
    let answers = ask_raw(
        &stranger,
        &net,
        &a.addr,
        vec![
            BlobRequest::ChunkList { blob: public_blob },
            BlobRequest::Chunk {
                blob: public_blob,
                index: 0,
            },
        ],
    )
    .await;
    assert_eq!(answers, vec![BlobResponse::Refused, BlobResponse::Refused]);
    a.stop().await;
}

/// What a lying peer changes in what it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lie {
    /// One byte of every chunk.
    Chunk,
    /// One hash of the chunk list.
    ChunkList,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_serving_wrong_chunks_is_penalised_and_the_file_comes_from_another() {
    caught_lying(Lie::Chunk).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_serving_a_wrong_chunk_list_is_penalised_and_the_file_comes_from_another() {
    caught_lying(Lie::ChunkList).await;
}

async fn caught_lying(lie: Lie) {
    let net = net(3);
    let a = start(&net, 0).await;
    let b = start(&net, 1).await;
    link(&b, &a).await;
    let bytes = file(CHUNK_BYTES * 6, 6);
    let list = commons_protocol::blob::chunk_list_of(&bytes).unwrap();

    // A founder's device gone bad: it introduces itself as the member it is, holds the
    // file, and serves every chunk with one byte flipped.
    let options = SwarmOptions {
        mdns: false,
        kademlia: false,
        ..SwarmOptions::default()
    };
    let (mut liar, _) = build_swarm(
        &net.orgs[2].device,
        &net.charter.charter().network_id(),
        &options,
    )
    .unwrap();
    let liar_peer = *liar.local_peer_id();
    let delegation = net.delegations[2].signed_bytes().to_vec();
    let served = bytes.clone();
    let served_list = list.clone();
    liar.dial(b.addr.clone()).unwrap();
    let liar_task = tokio::spawn(async move {
        let mut chunks_served = 0u32;
        loop {
            match liar.select_next_some().await {
                SwarmEvent::Behaviour(BehaviourEvent::Sync(request_response::Event::Message {
                    message:
                        request_response::Message::Request {
                            request, channel, ..
                        },
                    ..
                })) => {
                    let response = match request {
                        SyncRequest::Hello { .. } => SyncResponse::Hello {
                            delegation: delegation.clone(),
                            admitted: true,
                        },
                        _ => SyncResponse::Heads {
                            feeds: Vec::new(),
                            more: false,
                        },
                    };
                    let _ = liar.behaviour_mut().sync.send_response(channel, response);
                }
                SwarmEvent::Behaviour(BehaviourEvent::Blob(request_response::Event::Message {
                    message:
                        request_response::Message::Request {
                            request, channel, ..
                        },
                    ..
                })) => {
                    let response = match request {
                        BlobRequest::ChunkList { .. } => {
                            let mut list = served_list.clone();
                            if lie == Lie::ChunkList {
                                list.hashes[3][0] ^= 0x01;
                            }
                            BlobResponse::ChunkList(list)
                        }
                        BlobRequest::Chunk { index, .. } => {
                            let range = served_list.range(index).unwrap();
                            let mut chunk =
                                served[range.start as usize..range.end as usize].to_vec();
                            chunk[7] ^= 0x20;
                            chunks_served += 1;
                            BlobResponse::Chunk(chunk)
                        }
                    };
                    let _ = liar.behaviour_mut().blob.send_response(channel, response);
                }
                _ => {}
            }
            if chunks_served > 64 {
                return chunks_served;
            }
        }
    });
    wait_for("B to see the liar as a member", || async {
        let report = b.net.report().await.unwrap();
        report
            .peers
            .iter()
            .any(|peer| peer.peer == liar_peer && peer.member)
    })
    .await;

    let (_, blob) =
        publish_with_file(&a, &bytes, "budget-analysis.xlsx", Visibility::Members).await;
    wait_for("B to fetch the file", || async {
        b.handle.blobs.has(&blob)
    })
    .await;
    assert_eq!(
        held_bytes(&b, &blob).unwrap(),
        bytes,
        "the right bytes, from A"
    );
    let metrics = b.net.metrics();
    assert_eq!(
        metrics.blob_bad_answers.load(Ordering::Relaxed),
        1,
        "penalised once"
    );
    assert_eq!(metrics.blob_chunks_fetched.load(Ordering::Relaxed), 6);
    let score = b.net.peer_score(liar_peer).await.unwrap().unwrap();
    assert!(score <= -9.0, "the liar's score at B is {score}");
    let honest = b.net.peer_score(a.net.peer_id()).await.unwrap().unwrap();
    assert!(honest >= 0.0, "A's score at B is {honest}");
    assert!(
        !liar_task.is_finished(),
        "the liar was not asked for every chunk again and again"
    );
    liar_task.abort();
    if lie == Lie::ChunkList {
        // Its list was refused: it was never asked for a chunk.
        assert_eq!(
            a.net.metrics().blob_served.load(Ordering::Relaxed),
            7,
            "A served the list and all 6 chunks"
        );
    }
    b.stop().await;
    a.stop().await;
}
