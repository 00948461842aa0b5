//! Archive throughput on 100,000 records of about 1 KiB from 64 devices: export from a
//! real redb store to a bundle and to JSON lines in memory, and offline verification of that bundle (one
//! thread, and every core), beside raw verification of the same 100,000 signatures in
//! the same run: the protocol's own rule in batches of 64 (docs/protocol.md §6; the
//! limit the issue compares against), on one core and on every core, and, for the
//! earlier figures, ed25519-dalek's `verify_batch` of 256 and `verify_strict` on one
//! core. Each reports records (or signatures) per second; the ratios are computed from
//! these figures in docs/benchmarks.md.
//!
//! Run with `cargo bench -p commons-node --bench archive`.

mod common;

use common::{feed, founded_network, seed, verify_in_batches};
use std::hint::black_box;
use std::ops::ControlFlow;
use std::time::Duration;

use commons_node::archive::{ArchiveFormat, export};
use commons_node::store::{CommitBatch, CommitStore, NewRecord, RedbStore};
use commons_protocol::signature::CheckedKey;
use commons_protocol::{
    DeviceKeypair, Domain, SignedCharter, VerifiedRecord, VerifyOptions, verify_bundle,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const AUTHORS: usize = 64;
const RECORDS: usize = 100_000;
const BATCH: usize = 256;

/// A network of 64 founders and their 100,000 records, feed by feed.
fn fixture() -> (
    SignedCharter,
    Vec<(commons_protocol::OrgId, Vec<VerifiedRecord>)>,
) {
    let (roots, charter) = founded_network("Archive benchmark network", AUTHORS, true);
    let network = charter.charter().network_id();
    let per_author = RECORDS / AUTHORS;
    let feeds = roots
        .iter()
        .enumerate()
        .map(|(index, root)| {
            let device = DeviceKeypair::from_seed(seed(0xb0, index));
            let count = per_author + usize::from(index < RECORDS % AUTHORS);
            (root.org_id(), feed(root, &device, network, count))
        })
        .collect();
    (charter, feeds)
}

fn benches(c: &mut Criterion) {
    let (charter, feeds) = fixture();
    let total: usize = feeds.iter().map(|(_, feed)| feed.len()).sum();
    assert_eq!(total, RECORDS);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = RedbStore::open(
        dir.path().join("store.redb"),
        charter.charter().network_id(),
    )
    .expect("store");
    let all: Vec<NewRecord> = feeds
        .iter()
        .flat_map(|(org, feed)| {
            feed.iter().map(|record| NewRecord {
                record: record.clone(),
                org: *org,
            })
        })
        .collect();
    for chunk in all.chunks(1024) {
        store
            .commit(&CommitBatch {
                records: chunk.to_vec(),
                ..CommitBatch::default()
            })
            .expect("commit");
    }
    drop(all);
    let export_as = |format: ArchiveFormat| {
        let mut bytes = Vec::new();
        export(&store, &charter, format, false, &mut |chunk| {
            bytes.extend_from_slice(&chunk);
            ControlFlow::Continue(())
        })
        .expect("export");
        bytes
    };
    let bundle = export_as(ArchiveFormat::Bundle);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);

    let mut group = c.benchmark_group("archive_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(RECORDS as u64));
    group.bench_function("export_bundle_from_redb", |bench| {
        bench.iter(|| black_box(export_as(ArchiveFormat::Bundle).len()));
    });
    group.bench_function("export_jsonl_from_redb", |bench| {
        bench.iter(|| black_box(export_as(ArchiveFormat::Jsonl).len()));
    });
    group.bench_function(format!("verify_bundle_{threads}_threads"), |bench| {
        bench.iter(|| verify_bundle(black_box(&bundle), VerifyOptions { threads }).expect("valid"));
    });
    group.bench_function("verify_bundle_1_thread", |bench| {
        bench.iter(|| {
            verify_bundle(black_box(&bundle), VerifyOptions { threads: 1 }).expect("valid")
        });
    });

    // The same 100,000 device signatures, raw.
    let records: Vec<&VerifiedRecord> = feeds.iter().flat_map(|(_, feed)| feed).collect();
    let messages: Vec<Vec<u8>> = records
        .iter()
        .map(|record| Domain::Record.message(record.payload_bytes()))
        .collect();
    let signatures: Vec<ed25519_dalek::Signature> = records
        .iter()
        .map(|record| ed25519_dalek::Signature::from_bytes(record.signature().as_bytes()))
        .collect();
    let keys: Vec<ed25519_dalek::VerifyingKey> = records
        .iter()
        .map(|record| record.record().author.verifying_key().expect("key"))
        .collect();
    let message_refs: Vec<&[u8]> = messages.iter().map(Vec::as_slice).collect();
    let checked: Vec<CheckedKey> = records
        .iter()
        .map(|record| record.record().author.checked().expect("key"))
        .collect();
    let protocol_signatures: Vec<_> = records.iter().map(|record| record.signature()).collect();
    let zip215 = |from: usize, to: usize| {
        verify_in_batches(&checked, &messages, &protocol_signatures, from..to);
    };
    group.bench_function("raw_zip215_batch_64_1_thread", |bench| {
        bench.iter(|| zip215(0, RECORDS));
    });
    group.bench_function(format!("raw_zip215_batch_64_{threads}_threads"), |bench| {
        bench.iter(|| {
            let share = RECORDS.div_ceil(threads);
            std::thread::scope(|scope| {
                for thread in 0..threads {
                    let zip215 = &zip215;
                    scope.spawn(move || {
                        zip215(thread * share, ((thread + 1) * share).min(RECORDS));
                    });
                }
            });
        });
    });
    group.bench_function("raw_ed25519_verify_batch_256_1_thread", |bench| {
        bench.iter(|| {
            for start in (0..RECORDS).step_by(BATCH) {
                let end = (start + BATCH).min(RECORDS);
                ed25519_dalek::verify_batch(
                    &message_refs[start..end],
                    &signatures[start..end],
                    &keys[start..end],
                )
                .expect("valid");
            }
        });
    });
    group.bench_function("raw_ed25519_verify_strict_1_thread", |bench| {
        bench.iter(|| {
            for ((key, message), signature) in keys.iter().zip(&message_refs).zip(&signatures) {
                key.verify_strict(message, signature).expect("valid");
            }
        });
    });
    group.finish();
}

criterion_group!(archive, benches);
criterion_main!(archive);
