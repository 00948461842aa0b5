//! Text search at the scale of years of case studies: a real redb store of 1,000,000
//! records (about 1 KiB of text each, words drawn from a 5,000-word vocabulary with a
//! skewed frequency, so some words are in most records and some in a few), with the
//! tantivy search index beside it (node/src/store/text_index.rs).
//!
//! One run measures, on the same records:
//! - **the index's cost to ingest**: every batch of 1,000 is committed to a store
//!   alone and to a store with the index, each timed (the index's thread works on the
//!   other core meanwhile; its time ends when it has caught up and committed); the
//!   ratio of the two and the bytes on disk of each are printed;
//! - **query latency** through the index (`GET /v1/records?q=…` calls the same
//!   `Store::query`): p50/p95/max over 200 runs of each query, printed, and criterion's
//!   figures for three of them;
//! - **the scan it replaces**, once, for a word no record has (every record read).
//!
//! Run with `cargo bench -p commons-node --bench search`; set
//! `COMMONS_BENCH_SEARCH_RECORDS` for another size (building 1,000,000 takes minutes).

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use commons_node::store::{
    CommitBatch, CommitStore, IndexedStore, NewRecord, RecordQuery, RedbStore, SearchText, Store,
    TextIndex,
};
use commons_protocol::fixtures::{BASE_TIME_MS, delegated_feeds, sample_charter, sample_practice};
use commons_protocol::{Body, OrgId, Practice, Visibility};
use criterion::{Criterion, criterion_group, criterion_main};

/// Records in the store unless `COMMONS_BENCH_SEARCH_RECORDS` says otherwise.
const RECORDS: usize = 1_000_000;
/// Records per commit while the stores are built (ingest's group commit is of this order).
const COMMIT: usize = 1_000;
/// Records per page, as `commons records search` asks by default.
const PAGE: usize = 50;
/// Words in the vocabulary.
const VOCABULARY: usize = 5_000;
/// Runs of each query for the percentiles.
const RUNS: usize = 200;

/// A deterministic generator (xorshift64*), so every run searches the same records.
struct Words {
    state: u64,
    vocabulary: Vec<String>,
}

impl Words {
    fn new() -> Words {
        const SYLLABLES: [&str; 20] = [
            "ka", "lo", "mi", "ten", "ru", "sa", "vel", "do", "ni", "par", "cor", "ex", "vi",
            "mon", "al", "tu", "ber", "gi", "os", "fa",
        ];
        let vocabulary = (0..VOCABULARY)
            .map(|n| {
                let mut word = String::new();
                let mut rest = n + 1;
                while rest > 0 {
                    word.push_str(SYLLABLES[rest % SYLLABLES.len()]);
                    rest /= SYLLABLES.len();
                }
                word.push_str("ion");
                word
            })
            .collect();
        Words {
            state: 0x9e37_79b9_7f4a_7c15,
            vocabulary,
        }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A word whose rank is skewed towards the first of the vocabulary: rank r is
    /// drawn with probability falling like 1/r (roughly Zipf).
    fn word(&mut self) -> &str {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let rank = ((VOCABULARY as f64).powf(unit) as usize).saturating_sub(1);
        &self.vocabulary[rank.min(VOCABULARY - 1)]
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut out = String::new();
        for n in 0..words {
            if n > 0 {
                out.push(' ');
            }
            out.push_str(self.word());
        }
        out
    }
}

fn directory_bytes(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map_or(0, |meta| meta.len());
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| directory_bytes(&entry.path()))
        .sum()
}

struct Built {
    indexed: IndexedStore,
    org: OrgId,
    network: commons_protocol::NetworkId,
    vocabulary: Vec<String>,
}

fn build(dir: &Path, records: usize) -> Built {
    let (charter, orgs) = sample_charter(4);
    let network = charter.charter().network_id();
    let (mut writers, delegations) = delegated_feeds(&orgs, network);
    let plain = RedbStore::open(dir.join("plain.redb"), network).expect("store opens");
    let indexed_redb: Arc<dyn CommitStore> =
        Arc::new(RedbStore::open(dir.join("indexed.redb"), network).expect("store opens"));
    let (index, _) = TextIndex::open(&dir.join("search-index")).expect("index opens");
    let indexed = IndexedStore::with_index(indexed_redb, index);
    let mut words = Words::new();
    let template = sample_practice(Visibility::Members);
    let mut batch = CommitBatch::default();
    for (delegation, org) in delegations.iter().zip(&orgs) {
        batch.records.push(NewRecord {
            record: delegation.clone(),
            org: org.id(),
        });
    }
    let (mut plain_time, mut indexed_time) = (Duration::ZERO, Duration::ZERO);
    let mut commit = |batch: &CommitBatch| {
        let started = Instant::now();
        plain.commit(batch).expect("commits");
        plain_time += started.elapsed();
        let started = Instant::now();
        indexed.commit(batch).expect("commits");
        indexed_time += started.elapsed();
    };
    for index in 0..records {
        let author = index % writers.len();
        let practice = Practice {
            title: words.sentence(6),
            summary: words.sentence(20),
            body: words.sentence(110),
            themes: vec![words.word().to_owned()],
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
            commit(&batch);
            batch = CommitBatch::default();
        }
    }
    commit(&batch);
    // The index is written by a thread of its own: its cost ends when it has caught
    // up with the store and committed.
    let started = Instant::now();
    assert!(
        indexed
            .wait_for_index(Duration::from_secs(600))
            .expect("index commits"),
        "the index caught up"
    );
    indexed_time += started.elapsed();
    let plain_bytes = directory_bytes(&dir.join("plain.redb"));
    let index_bytes = directory_bytes(&dir.join("search-index"));
    println!(
        "search bench: {records} records committed in batches of {COMMIT}: store alone {:.1} s \
         ({:.0} rec/s), store + index {:.1} s ({:.0} rec/s): ratio {:.2}",
        plain_time.as_secs_f64(),
        records as f64 / plain_time.as_secs_f64(),
        indexed_time.as_secs_f64(),
        records as f64 / indexed_time.as_secs_f64(),
        plain_time.as_secs_f64() / indexed_time.as_secs_f64(),
    );
    println!(
        "search bench: on disk: store {:.0} MB, index {:.0} MB ({:.2} of the store)",
        plain_bytes as f64 / 1e6,
        index_bytes as f64 / 1e6,
        index_bytes as f64 / plain_bytes as f64,
    );
    drop(plain);
    Built {
        indexed,
        org: orgs[1].id(),
        network,
        vocabulary: words.vocabulary,
    }
}

fn percentiles(store: &dyn Store, name: &str, query: &RecordQuery) -> usize {
    let mut times = Vec::with_capacity(RUNS);
    let mut found = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        found = black_box(store.query(black_box(query)).expect("query")).len();
        times.push(started.elapsed());
    }
    times.sort();
    let at = |share: f64| times[((RUNS as f64 * share) as usize).min(RUNS - 1)];
    println!(
        "search bench: {name}: {found} found; p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        at(0.50).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3,
    );
    found
}

fn search(c: &mut Criterion) {
    let records = std::env::var("COMMONS_BENCH_SEARCH_RECORDS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(RECORDS);
    let dir = tempfile::tempdir().expect("temporary directory");
    let built = build(dir.path(), records);
    let store = &built.indexed;
    let vocabulary = &built.vocabulary;
    let query = |text: &str| RecordQuery {
        text: Some(SearchText::parse(text).expect("a valid search")),
        limit: PAGE,
        ..RecordQuery::default()
    };
    // Rank 0 is in nearly every record, rank 40 in about a tenth, rank 4,000 in a few
    // hundred of a million.
    let common = query(&vocabulary[0]);
    let middling = query(&vocabulary[40]);
    let rare = query(&vocabulary[4_000]);
    let two = query(&format!("{} {}", vocabulary[40], vocabulary[300]));
    let prefix = query(&vocabulary[40][..4]);
    let nowhere = query("fisheries");
    let by_org = RecordQuery {
        org: Some(built.org),
        ..query(&vocabulary[300])
    };
    let first_page = store.query(&common).expect("query");
    let last = first_page.last().expect("a first page");
    let second_page = RecordQuery {
        before: Some((last.record.record().timestamp_ms, last.record.id())),
        ..common.clone()
    };
    for (name, query) in [
        ("word in nearly every record, first page of 50", &common),
        ("word in about a tenth", &middling),
        ("rare word", &rare),
        ("two words", &two),
        ("the first 4 letters of a word", &prefix),
        ("word no record has", &nowhere),
        ("word and one org", &by_org),
        ("second page of the common word", &second_page),
    ] {
        percentiles(store, name, query);
    }

    let mut group = c.benchmark_group(format!("search_{records}"));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(10));
    for (name, query) in [
        ("common_word_first_page", &common),
        ("rare_word", &rare),
        ("two_words", &two),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| store.query(black_box(query)).expect("query"));
        });
    }
    group.finish();

    // The scan the index replaces, timed once: every record is read and matched.
    let plain = RedbStore::open(dir.path().join("plain.redb"), built.network).expect("store opens");
    let started = Instant::now();
    let found = plain.query(&nowhere).expect("query");
    assert!(found.is_empty());
    println!(
        "search bench: the scan without the index, a word no record has: {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
}

criterion_group!(benches, search);
criterion_main!(benches);
