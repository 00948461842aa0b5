//! Text search over a real redb store of 100,000 case studies: the linear scan that
//! `GET /v1/records?q=…` runs (node/src/store/search.rs). Two cases bound it: a word no
//! record has (every record is read, decoded and matched: the worst case), and a word
//! every record has (the scan stops once a page of 50 is full).
//!
//! Run with `cargo bench -p commons-node --bench search`. Building the store takes about
//! half a minute (100,000 signatures and commits); it is built once.

use std::hint::black_box;
use std::time::Duration;

use commons_node::store::{CommitBatch, NewRecord, RecordQuery, RedbStore, SearchText, Store};
use commons_protocol::fixtures::{BASE_TIME_MS, delegated_feeds, sample_charter, sample_practice};
use commons_protocol::{Body, Practice, Visibility};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Case studies in the store.
const RECORDS: usize = 100_000;
/// Records per commit while the store is built.
const COMMIT: usize = 1_000;
/// Records per page, as `commons records search` asks by default.
const PAGE: usize = 50;

fn build_store(dir: &std::path::Path) -> RedbStore {
    let (charter, orgs) = sample_charter(4);
    let network = charter.charter().network_id();
    let (mut writers, delegations) = delegated_feeds(&orgs, network);
    let store = RedbStore::open(dir.join("store.redb"), network).expect("store opens");
    let mut batch = CommitBatch::default();
    for (delegation, org) in delegations.iter().zip(&orgs) {
        batch.records.push(NewRecord {
            record: delegation.clone(),
            org: org.id(),
        });
    }
    let template = sample_practice(Visibility::Members);
    for index in 0..RECORDS {
        let author = index % writers.len();
        // Titles differ so no two records are alike; the body is the sample case
        // study's (about 300 bytes of text).
        let practice = Practice {
            title: format!("Case study {index}: tenant-led surveys of eviction risk"),
            ..template.clone()
        };
        let record = writers[author]
            .append(Body::Practice(practice), BASE_TIME_MS + 10 + index as u64)
            .expect("signs");
        batch.records.push(NewRecord {
            record,
            org: orgs[author].id(),
        });
        if batch.records.len() >= COMMIT {
            store.commit(&batch).expect("commits");
            batch = CommitBatch::default();
        }
    }
    store.commit(&batch).expect("commits");
    store
}

fn search(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = build_store(dir.path());
    let query = |text: &str| RecordQuery {
        text: Some(SearchText::parse(text).expect("a valid search")),
        limit: PAGE,
        ..RecordQuery::default()
    };

    let mut group = c.benchmark_group("search_100k");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(RECORDS as u64));
    let nowhere = query("fisheries");
    group.bench_function("no_match_full_scan", |b| {
        b.iter(|| {
            let found = store.query(black_box(&nowhere)).expect("query");
            assert!(found.is_empty());
        });
    });
    group.throughput(Throughput::Elements(PAGE as u64));
    let everywhere = query("eviction");
    group.bench_function("first_page_of_50", |b| {
        b.iter(|| {
            let found = store.query(black_box(&everywhere)).expect("query");
            assert_eq!(found.len(), PAGE);
        });
    });
    group.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
