//! Ingest throughput: pre-signed 1 KiB records from 64 authors, decoded, verified,
//! checked and durably stored in a real redb file by a real node, beside raw batch
//! verification measured in the same run: the protocol's rule in batches of 64 on one
//! core and on both (the limit, docs/protocol.md §6), and ed25519-dalek's on one core
//! for the earlier figures.
//!
//! Run with `cargo bench -p commons-node --bench ingest`.

mod common;

use common::{feed, founded_network, seed, verify_in_batches};
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use commons_node::Node;
use commons_node::ingest::{IngestSettings, Source};
use commons_node::store::RedbStore;
use commons_protocol::DeviceKey;
use commons_protocol::fixtures::BASE_TIME_MS;
use commons_protocol::signature::CheckedKey;
use commons_protocol::{
    Body, Charter, Delegation, DeviceKeypair, FeedPosition, FeedWriter, NetworkId, VerifiedRecord,
};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::{Signer, SigningKey};

/// Authors, each the device of its own founding org.
const AUTHORS: usize = 64;
/// Records per author per iteration.
const PER_AUTHOR: usize = 160;
/// Records per ingest request, as sync would send them.
const REQUEST: usize = 256;

struct Fixture {
    charter: Charter,
    network: NetworkId,
    local_device: DeviceKeypair,
    local_org: commons_protocol::OrgId,
    local_delegation: Vec<u8>,
    /// Every author's feed, interleaved by seq so each request spans many authors.
    records: Vec<Vec<u8>>,
}

fn fixture() -> Fixture {
    let (roots, signed_charter) = founded_network("Ingest benchmark network", AUTHORS, false);
    let charter = signed_charter.charter().clone();
    let network = charter.network_id();
    let feeds: Vec<Vec<VerifiedRecord>> = roots
        .iter()
        .enumerate()
        .map(|(index, root)| {
            let device = DeviceKeypair::from_seed(seed(0xb0, index));
            feed(root, &device, network, PER_AUTHOR)
        })
        .collect();
    let records = (0..PER_AUTHOR)
        .flat_map(|seq| {
            feeds
                .iter()
                .map(move |feed| feed[seq].signed_bytes().to_vec())
        })
        .collect();
    let local_device = DeviceKeypair::from_seed(seed(0xc0, 0));
    let local_root = &roots[0];
    let mut local = FeedWriter::new(local_device.clone(), network, FeedPosition::EMPTY);
    let local_delegation = local
        .append(
            Body::Delegation(Delegation::sign(
                local_root,
                network,
                local_root.org_id(),
                local_device.public(),
                "node",
            )),
            BASE_TIME_MS,
        )
        .expect("delegation")
        .into_signed_bytes();
    Fixture {
        charter,
        network,
        local_device,
        local_org: local_root.org_id(),
        local_delegation,
        records,
    }
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group("node");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(20));

    let len = f.records.len();
    let average = f.records.iter().map(Vec::len).sum::<usize>() / len;
    eprintln!("{len} records of about {average} bytes from {AUTHORS} authors per iteration");
    group.throughput(Throughput::Elements(len as u64));
    for max_batch in [256, 1024, 4096] {
        group.bench_function(format!("ingest_redb_batch_{max_batch}"), |bench| {
            bench.iter_batched(
                || {
                    let dir = tempfile::tempdir().expect("temp dir");
                    let store = Arc::new(
                        RedbStore::open(dir.path().join("store.redb"), f.network).expect("store"),
                    );
                    let settings = IngestSettings {
                        max_batch,
                        ..IngestSettings::default()
                    };
                    let node = runtime
                        .block_on(Node::start(
                            store,
                            f.charter.clone(),
                            f.local_device.clone(),
                            f.local_org,
                            &f.local_delegation,
                            settings,
                        ))
                        .expect("node");
                    (dir, node)
                },
                |(dir, node)| {
                    let handle = node.handle();
                    runtime.block_on(async {
                        // The delegations first (a feed's records are refused before its
                        // delegation is known), then several requests in flight, as several
                        // peers would send them.
                        let (delegations, rest) = f.records.split_at(AUTHORS);
                        let answers = handle
                            .ingest
                            .submit_many(delegations.to_vec(), Source::Sync)
                            .await;
                        assert!(answers.iter().all(Result::is_ok), "{answers:?}");
                        let mut tasks = Vec::new();
                        for chunk in rest.chunks(REQUEST) {
                            let handle = handle.clone();
                            let chunk = chunk.to_vec();
                            tasks.push(tokio::spawn(async move {
                                handle.ingest.submit_many(chunk, Source::Sync).await
                            }));
                        }
                        for task in tasks {
                            let answers = task.await.expect("task");
                            let refused: Vec<_> =
                                answers.iter().filter(|answer| answer.is_err()).collect();
                            assert!(refused.is_empty(), "every record is stored: {refused:?}");
                        }
                    });
                    drop(handle);
                    runtime.block_on(node.shutdown());
                    black_box(dir)
                },
                BatchSize::PerIteration,
            );
        });
    }

    // The limits, in the same run: raw ed25519 on one core.
    let keys: Vec<SigningKey> = (0..256)
        .map(|i| SigningKey::from_bytes(&seed(0xd0, i)))
        .collect();
    let messages: Vec<Vec<u8>> = f.records[..256].to_vec();
    let signatures: Vec<_> = keys
        .iter()
        .zip(&messages)
        .map(|(key, message)| key.sign(message))
        .collect();
    let verifying: Vec<_> = keys.iter().map(SigningKey::verifying_key).collect();
    let message_refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    group.measurement_time(Duration::from_secs(3));
    group.sample_size(20);
    group.throughput(Throughput::Elements(256));
    let checked: Vec<CheckedKey> = verifying
        .iter()
        .map(|key| {
            DeviceKey::from_bytes(key.to_bytes())
                .and_then(|key| key.checked())
                .expect("key")
        })
        .collect();
    let protocol_signatures: Vec<commons_protocol::Signature> = signatures
        .iter()
        .map(|signature| commons_protocol::Signature::from_bytes(signature.to_bytes()))
        .collect();
    let zip215 = |from: usize, to: usize| {
        verify_in_batches(&checked, &messages, &protocol_signatures, from..to);
    };
    group.bench_function("raw_zip215_batch_64_256_1_thread", |bench| {
        bench.iter(|| zip215(0, 256));
    });
    group.bench_function("raw_zip215_batch_64_256_2_threads", |bench| {
        bench.iter(|| {
            std::thread::scope(|scope| {
                let zip215 = &zip215;
                scope.spawn(move || zip215(0, 128));
                scope.spawn(move || zip215(128, 256));
            });
        });
    });
    group.bench_function("raw_ed25519_verify_batch_256", |bench| {
        bench.iter(|| {
            ed25519_dalek::verify_batch(&message_refs, &signatures, &verifying).expect("valid")
        });
    });
    group.bench_function("raw_ed25519_verify_strict_256", |bench| {
        bench.iter(|| {
            for ((key, message), signature) in verifying.iter().zip(&message_refs).zip(&signatures)
            {
                key.verify_strict(message, signature).expect("valid");
            }
        });
    });
    group.finish();
}

criterion_group!(ingest, benches);
criterion_main!(ingest);
