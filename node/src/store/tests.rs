//! The same behaviour asked of both stores: the redb store on a real file, and the
//! in-memory store.
#![allow(clippy::unwrap_used)]

use commons_protocol::fixtures::{
    BASE_TIME_MS, SampleOrg, delegated_feeds, sample_charter, sample_practice,
};
use commons_protocol::{
    Body, BodyKind, FeedWriter, ForkProof, NetworkId, OrgId, Retraction, VerifiedRecord, Visibility,
};

use super::*;

struct Fixture {
    network: NetworkId,
    orgs: Vec<SampleOrg>,
    writers: Vec<FeedWriter>,
    delegations: Vec<VerifiedRecord>,
}

fn fixture() -> Fixture {
    let (charter, orgs) = sample_charter(2);
    let network = charter.charter().network_id();
    let (writers, delegations) = delegated_feeds(&orgs, network);
    Fixture {
        network,
        orgs,
        writers,
        delegations,
    }
}

fn new(record: &VerifiedRecord, org: OrgId) -> NewRecord {
    NewRecord {
        record: record.clone(),
        org,
    }
}

fn stores(network: NetworkId) -> Vec<(Box<dyn CommitStore>, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let redb = RedbStore::open(dir.path().join("store.redb"), network).unwrap();
    vec![
        (Box::new(MemoryStore::new()), None),
        (Box::new(redb), Some(dir)),
    ]
}

#[test]
fn committed_records_are_found_by_feed_id_and_query() {
    let mut f = fixture();
    for (store, _dir) in stores(f.network) {
        let org = f.orgs[0].id();
        let study = f.writers[0]
            .clone()
            .append(
                Body::Practice(sample_practice(Visibility::Public)),
                BASE_TIME_MS + 5,
            )
            .unwrap();
        let batch = CommitBatch {
            records: vec![new(&f.delegations[0], org), new(&study, org)],
            ..CommitBatch::default()
        };
        store.commit(&batch).unwrap();
        let author = f.orgs[0].device.public();
        assert_eq!(store.entry(&author, 2).unwrap().unwrap().id, study.id());
        assert_eq!(
            store.head(&author).unwrap().unwrap(),
            FeedHead {
                author,
                contiguous: 2,
                max_seq: 2,
                frozen: false
            }
        );
        assert_eq!(store.author_of(&study.id()).unwrap(), Some(author));
        assert_eq!(store.record(&study.id()).unwrap().unwrap().record, study);
        assert_eq!(
            store.record_at(&author, 1).unwrap().unwrap().record,
            f.delegations[0]
        );
        assert_eq!(store.governance().unwrap(), vec![f.delegations[0].clone()]);
        let all = store
            .query(&RecordQuery {
                limit: 10,
                ..RecordQuery::default()
            })
            .unwrap();
        assert_eq!(
            all.iter().map(|s| s.record.id()).collect::<Vec<_>>(),
            vec![study.id(), f.delegations[0].id()]
        );
        let practices = store
            .query(&RecordQuery {
                kind: Some(BodyKind::Practice),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(practices.len(), 1);
        let housing = store
            .query(&RecordQuery {
                tag: Some("Housing".into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(housing.len(), 1, "tags match case-insensitively");
        let by_other = store
            .query(&RecordQuery {
                org: Some(f.orgs[1].id()),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert!(by_other.is_empty());
        assert_eq!(store.stats().unwrap().records, 2);
    }
    let _ = &mut f;
}

#[test]
fn pages_follow_the_cursor_newest_first() {
    let mut f = fixture();
    let org = f.orgs[0].id();
    let mut records = vec![f.delegations[0].clone()];
    for minute in 1..=7 {
        records.push(
            f.writers[0]
                .append(
                    Body::Practice(sample_practice(Visibility::Members)),
                    BASE_TIME_MS + minute * 60_000,
                )
                .unwrap(),
        );
    }
    for (store, _dir) in stores(f.network) {
        let batch = CommitBatch {
            records: records.iter().map(|r| new(r, org)).collect(),
            ..Default::default()
        };
        store.commit(&batch).unwrap();
        let mut seen = Vec::new();
        let mut before = None;
        loop {
            let page = store
                .query(&RecordQuery {
                    kind: Some(BodyKind::Practice),
                    before,
                    limit: 3,
                    ..Default::default()
                })
                .unwrap();
            let Some(last) = page.last() else { break };
            before = Some((last.record.record().timestamp_ms, last.record.id()));
            seen.extend(page.iter().map(|s| s.record.record().seq));
        }
        assert_eq!(seen, vec![8, 7, 6, 5, 4, 3, 2]);
        let since = store
            .query(&RecordQuery {
                since_ms: Some(BASE_TIME_MS + 6 * 60_000),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(since.len(), 2);
    }
}

#[test]
fn a_tombstone_drops_content_and_keeps_the_feed_entry() {
    let mut f = fixture();
    let org = f.orgs[0].id();
    let study = f.writers[0]
        .append(
            Body::Practice(sample_practice(Visibility::Public)),
            BASE_TIME_MS + 5,
        )
        .unwrap();
    let retraction = f.writers[0]
        .append(
            Body::Retraction(Retraction {
                target: study.id(),
                reason: String::new(),
            }),
            BASE_TIME_MS + 6,
        )
        .unwrap();
    let author = f.orgs[0].device.public();
    for (store, _dir) in stores(f.network) {
        store
            .commit(&CommitBatch {
                records: vec![new(&f.delegations[0], org), new(&study, org)],
                ..Default::default()
            })
            .unwrap();
        let tombstone = Tombstone {
            target: study.id(),
            author,
            seq: 2,
            retraction: retraction.id(),
        };
        store
            .commit(&CommitBatch {
                records: vec![new(&retraction, org)],
                tombstones: vec![tombstone],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            store.record(&study.id()).unwrap(),
            None,
            "the content is gone"
        );
        assert_eq!(store.tombstone(&study.id()).unwrap(), Some(tombstone));
        assert_eq!(
            store.entry(&author, 2).unwrap().unwrap().id,
            study.id(),
            "the feed entry stays"
        );
        let tagged = store
            .query(&RecordQuery {
                tag: Some("housing".into()),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        assert!(tagged.is_empty(), "indexes forget it");
        assert_eq!(store.stats().unwrap().tombstones, 1);
    }
}

#[test]
fn pending_retractions_and_fork_proofs_are_kept() {
    let mut f = fixture();
    let org = f.orgs[0].id();
    let mut twin = f.writers[0].clone();
    let a = f.writers[0]
        .append(
            Body::Practice(sample_practice(Visibility::Public)),
            BASE_TIME_MS + 5,
        )
        .unwrap();
    let b = twin
        .append(
            Body::Practice(sample_practice(Visibility::Members)),
            BASE_TIME_MS + 5,
        )
        .unwrap();
    let proof = ForkProof::new(a.clone(), b).unwrap();
    let author = f.orgs[0].device.public();
    for (store, _dir) in stores(f.network) {
        let waiting = PendingRetraction {
            target: a.id(),
            retraction: f.delegations[1].id(),
            org,
        };
        store
            .commit(&CommitBatch {
                records: vec![new(&f.delegations[0], org), new(&a, org)],
                pending: vec![waiting],
                fork_proofs: vec![proof.clone()],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(store.pending_retraction(&a.id()).unwrap(), Some(waiting));
        assert!(store.head(&author).unwrap().unwrap().frozen);
        assert_eq!(store.fork_proofs().unwrap(), vec![proof.clone()]);
        assert_eq!(store.stats().unwrap().fork_proofs, 1);
    }
}

#[test]
fn a_redb_store_keeps_its_records_across_reopen_and_refuses_another_network() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.redb");
    {
        let store = RedbStore::open(&path, f.network).unwrap();
        store
            .commit(&CommitBatch {
                records: vec![new(&f.delegations[0], f.orgs[0].id())],
                ..Default::default()
            })
            .unwrap();
    }
    let store = RedbStore::open(&path, f.network).unwrap();
    assert_eq!(store.stats().unwrap().records, 1);
    drop(store);
    let other = NetworkId::of(b"another network");
    assert!(matches!(
        RedbStore::open(&path, other),
        Err(StoreError::WrongNetwork { .. })
    ));
}

#[test]
fn tags_are_trimmed_lowercase_and_unique() {
    let mut practice = sample_practice(Visibility::Public);
    practice.themes = vec![
        " Housing ".into(),
        "housing".into(),
        "".into(),
        "Land".into(),
    ];
    practice.regions = vec!["Southeast Asia".into()];
    assert_eq!(
        tags(&Body::Practice(practice)),
        vec!["housing", "land", "southeast asia"]
    );
}

#[test]
fn a_store_from_another_layout_version_is_refused_with_a_clear_error() {
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.redb");
    drop(RedbStore::open(&path, f.network).unwrap());
    {
        // A newer build's store: only the layout version differs.
        let db = redb::Database::create(&path).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut meta = txn
                .open_table(redb::TableDefinition::<&str, &[u8]>::new("meta"))
                .unwrap();
            meta.insert("schema_version", 99u64.to_le_bytes().as_slice())
                .unwrap();
        }
        txn.commit().unwrap();
    }
    let error = RedbStore::open(&path, f.network).unwrap_err();
    assert!(
        matches!(error, StoreError::UnknownSchema { found: 99 }),
        "{error:?}"
    );
    assert!(error.to_string().contains("layout version 99"), "{error}");
}

#[test]
fn text_search_finds_every_word_newest_first_and_never_a_retracted_record() {
    use commons_protocol::{Campaign, CampaignStatus, Practice};

    let mut f = fixture();
    let org = f.orgs[0].id();
    let practice = |title: &str, themes: &[&str]| {
        Body::Practice(Practice {
            title: title.to_owned(),
            themes: themes.iter().map(|theme| (*theme).to_owned()).collect(),
            ..sample_practice(Visibility::Public)
        })
    };
    let older = f.writers[0]
        .append(
            practice("Paralegals at the district court", &["legal-aid"]),
            BASE_TIME_MS + 60_000,
        )
        .unwrap();
    let newer = f.writers[0]
        .append(
            practice("Paralegals in rural districts", &["land"]),
            BASE_TIME_MS + 120_000,
        )
        .unwrap();
    let campaign = f.writers[0]
        .append(
            Body::Campaign(Campaign {
                title: "Legal aid in every district court".to_owned(),
                goals: vec!["A paralegal desk in each court".to_owned()],
                partners: Vec::new(),
                status: CampaignStatus::Active,
            }),
            BASE_TIME_MS + 180_000,
        )
        .unwrap();
    let retraction = f.writers[0]
        .append(
            Body::Retraction(Retraction {
                target: older.id(),
                reason: "It names a client".to_owned(),
            }),
            BASE_TIME_MS + 240_000,
        )
        .unwrap();
    for (store, _dir) in stores(f.network) {
        store
            .commit(&CommitBatch {
                records: [&f.delegations[0], &older, &newer, &campaign]
                    .into_iter()
                    .map(|record| new(record, org))
                    .collect(),
                ..Default::default()
            })
            .unwrap();
        let search = |text: &str, kind: Option<BodyKind>| {
            store
                .query(&RecordQuery {
                    text: Some(SearchText::parse(text).unwrap()),
                    kind,
                    limit: 10,
                    ..Default::default()
                })
                .unwrap()
                .iter()
                .map(|stored| stored.record.id())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            search("PARALEGAL", None),
            vec![campaign.id(), newer.id(), older.id()],
            "newest first, the campaign by its goal"
        );
        assert_eq!(
            search("paralegals district", None),
            vec![newer.id(), older.id()]
        );
        assert_eq!(
            search("legal aid court", Some(BodyKind::Practice)),
            vec![older.id()]
        );
        assert_eq!(search("rural legal", None), Vec::<RecordId>::new());
        store
            .commit(&CommitBatch {
                records: vec![new(&retraction, org)],
                tombstones: vec![Tombstone {
                    target: older.id(),
                    author: f.orgs[0].device.public(),
                    seq: 2,
                    retraction: retraction.id(),
                }],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            search("paralegals", Some(BodyKind::Practice)),
            vec![newer.id()],
            "a retracted record is never found"
        );
        assert_eq!(search("client", None), vec![retraction.id()]);
    }
}

/// A case study with the sample attachment (wire kind 14).
fn practice_with_file(title: &str) -> Body {
    let mut practice = sample_practice(Visibility::Members);
    practice.title = title.to_owned();
    practice
        .attachments
        .push(commons_protocol::fixtures::sample_attachment());
    Body::Practice(practice)
}

fn revision_of(original: &VerifiedRecord, title: &str) -> Body {
    let mut practice = sample_practice(Visibility::Public);
    practice.title = title.to_owned();
    Body::Revision(commons_protocol::Revision {
        original: original.id(),
        content: commons_protocol::Revised::Practice(practice),
    })
}

/// Records that reference others, for the reference and blob index tests: a case study
/// with a file (seq 2), two revisions of it (3, 5; the second carrying the same file),
/// and a case study without files (4).
struct Referring {
    records: Vec<VerifiedRecord>,
    original: VerifiedRecord,
    first: VerifiedRecord,
    other: VerifiedRecord,
    second: VerifiedRecord,
}

fn referring_records(f: &mut Fixture) -> Referring {
    let original = f.writers[0]
        .append(practice_with_file("Survey forms"), BASE_TIME_MS + 60_000)
        .unwrap();
    let first = f.writers[0]
        .append(
            revision_of(&original, "Survey forms, corrected"),
            BASE_TIME_MS + 120_000,
        )
        .unwrap();
    let other = f.writers[0]
        .append(
            Body::Practice(sample_practice(Visibility::Public)),
            BASE_TIME_MS + 150_000,
        )
        .unwrap();
    let mut with_file = sample_practice(Visibility::Members);
    with_file.title = "Survey forms, with the form".to_owned();
    with_file
        .attachments
        .push(commons_protocol::fixtures::sample_attachment());
    let second = f.writers[0]
        .append(
            Body::Revision(commons_protocol::Revision {
                original: original.id(),
                content: commons_protocol::Revised::Practice(with_file),
            }),
            BASE_TIME_MS + 180_000,
        )
        .unwrap();
    Referring {
        records: vec![
            f.delegations[0].clone(),
            original.clone(),
            first.clone(),
            other.clone(),
            second.clone(),
        ],
        original,
        first,
        other,
        second,
    }
}

fn ids(stored: &[StoredRecord]) -> Vec<RecordId> {
    stored.iter().map(|s| s.record.id()).collect()
}

#[test]
fn records_are_found_by_the_record_they_reference_newest_first() {
    let mut f = fixture();
    let org = f.orgs[0].id();
    let r = referring_records(&mut f);
    let retraction = f.writers[0]
        .append(
            Body::Retraction(Retraction {
                target: r.second.id(),
                reason: String::new(),
            }),
            BASE_TIME_MS + 240_000,
        )
        .unwrap();
    for (store, _dir) in stores(f.network) {
        store
            .commit(&CommitBatch {
                records: r.records.iter().map(|record| new(record, org)).collect(),
                ..Default::default()
            })
            .unwrap();
        let original = r.original.id();
        assert_eq!(
            ids(&store.referring(&original, None, 10).unwrap()),
            vec![r.second.id(), r.first.id()]
        );
        assert_eq!(
            ids(&store
                .referring(&original, Some(BodyKind::Revision), 1)
                .unwrap()),
            vec![r.second.id()],
            "the limit keeps the newest"
        );
        assert!(
            store
                .referring(&original, Some(BodyKind::Retraction), 10)
                .unwrap()
                .is_empty()
        );
        assert!(store.referring(&r.other.id(), None, 10).unwrap().is_empty());
        store
            .commit(&CommitBatch {
                records: vec![new(&retraction, org)],
                tombstones: vec![Tombstone {
                    target: r.second.id(),
                    author: f.orgs[0].device.public(),
                    seq: 5,
                    retraction: retraction.id(),
                }],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            ids(&store.referring(&original, None, 10).unwrap()),
            vec![r.first.id()],
            "a retracted record is not found"
        );
        assert_eq!(
            ids(&store.referring(&r.second.id(), None, 10).unwrap()),
            vec![retraction.id()],
            "a retraction references its target"
        );
    }
}

#[test]
fn a_blob_is_referenced_until_its_last_live_record_is_retracted() {
    let mut f = fixture();
    let org = f.orgs[0].id();
    let r = referring_records(&mut f);
    let blob = commons_protocol::fixtures::sample_attachment().blob;
    let mut retract = |target: &VerifiedRecord, at: u64| {
        f.writers[0]
            .append(
                Body::Retraction(Retraction {
                    target: target.id(),
                    reason: String::new(),
                }),
                at,
            )
            .unwrap()
    };
    let first_retraction = retract(&r.original, BASE_TIME_MS + 240_000);
    let second_retraction = retract(&r.second, BASE_TIME_MS + 300_000);
    let author = f.orgs[0].device.public();
    for (store, _dir) in stores(f.network) {
        store
            .commit(&CommitBatch {
                records: r.records.iter().map(|record| new(record, org)).collect(),
                ..Default::default()
            })
            .unwrap();
        let mut both = vec![r.original.id(), r.second.id()];
        both.sort();
        assert_eq!(store.blob_references(&blob).unwrap(), both);
        let unknown = commons_protocol::BlobId::from_bytes([7; 32]);
        assert!(store.blob_references(&unknown).unwrap().is_empty());
        store
            .commit(&CommitBatch {
                records: vec![new(&first_retraction, org)],
                tombstones: vec![Tombstone {
                    target: r.original.id(),
                    author,
                    seq: 2,
                    retraction: first_retraction.id(),
                }],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(store.blob_references(&blob).unwrap(), vec![r.second.id()]);
        store
            .commit(&CommitBatch {
                records: vec![new(&second_retraction, org)],
                tombstones: vec![Tombstone {
                    target: r.second.id(),
                    author,
                    seq: 5,
                    retraction: second_retraction.id(),
                }],
                ..Default::default()
            })
            .unwrap();
        assert!(
            store.blob_references(&blob).unwrap().is_empty(),
            "no live record needs the bytes"
        );
    }
}

#[test]
fn a_case_study_with_attachments_is_found_and_dropped_by_kind() {
    let mut f = fixture();
    let org = f.orgs[0].id();
    let r = referring_records(&mut f);
    let retraction = f.writers[0]
        .append(
            Body::Retraction(Retraction {
                target: r.original.id(),
                reason: String::new(),
            }),
            BASE_TIME_MS + 240_000,
        )
        .unwrap();
    for (store, _dir) in stores(f.network) {
        store
            .commit(&CommitBatch {
                records: r.records.iter().map(|record| new(record, org)).collect(),
                ..Default::default()
            })
            .unwrap();
        let practices = |store: &dyn Store| {
            ids(&store
                .query(&RecordQuery {
                    kind: Some(BodyKind::Practice),
                    limit: 10,
                    ..Default::default()
                })
                .unwrap())
        };
        assert_eq!(
            practices(store.as_ref()),
            vec![r.other.id(), r.original.id()],
            "wire kind 14 is listed with the case studies"
        );
        store
            .commit(&CommitBatch {
                records: vec![new(&retraction, org)],
                tombstones: vec![Tombstone {
                    target: r.original.id(),
                    author: f.orgs[0].device.public(),
                    seq: 2,
                    retraction: retraction.id(),
                }],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(practices(store.as_ref()), vec![r.other.id()]);
    }
}

#[test]
fn a_layout_1_store_is_upgraded_at_open_with_its_indexes_built() {
    let mut f = fixture();
    let org = f.orgs[0].id();
    let r = referring_records(&mut f);
    let blob = commons_protocol::fixtures::sample_attachment().blob;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store.redb");
    {
        let store = RedbStore::open(&path, f.network).unwrap();
        store
            .commit(&CommitBatch {
                records: r.records.iter().map(|record| new(record, org)).collect(),
                ..Default::default()
            })
            .unwrap();
    }
    {
        // Make it what a layout-1 build wrote: no reference or blob index, the case
        // study with a file under its wire kind (14), and version 1.
        let db = redb::Database::create(&path).unwrap();
        let txn = db.begin_write().unwrap();
        assert!(
            txn.delete_table(
                redb::TableDefinition::<(&[u8; 32], u64, &[u8; 32]), ()>::new("by_ref")
            )
            .unwrap()
        );
        assert!(
            txn.delete_table(redb::TableDefinition::<(&[u8; 32], &[u8; 32]), ()>::new(
                "by_blob"
            ))
            .unwrap()
        );
        {
            let mut by_kind = txn
                .open_table(redb::TableDefinition::<(u32, u64, &[u8; 32]), ()>::new(
                    "by_kind",
                ))
                .unwrap();
            let ts = r.original.record().timestamp_ms;
            assert!(
                by_kind
                    .remove((5, ts, r.original.id().as_bytes()))
                    .unwrap()
                    .is_some()
            );
            by_kind
                .insert((14, ts, r.original.id().as_bytes()), ())
                .unwrap();
            let mut meta = txn
                .open_table(redb::TableDefinition::<&str, &[u8]>::new("meta"))
                .unwrap();
            meta.insert("schema_version", 1u64.to_le_bytes().as_slice())
                .unwrap();
        }
        txn.commit().unwrap();
    }
    let store = RedbStore::open(&path, f.network).unwrap();
    assert_eq!(
        ids(&store.referring(&r.original.id(), None, 10).unwrap()),
        vec![r.second.id(), r.first.id()]
    );
    let mut both = vec![r.original.id(), r.second.id()];
    both.sort();
    assert_eq!(store.blob_references(&blob).unwrap(), both);
    let practices = store
        .query(&RecordQuery {
            kind: Some(BodyKind::Practice),
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(ids(&practices), vec![r.other.id(), r.original.id()]);
    drop(store);
    let db = redb::Database::create(&path).unwrap();
    let txn = redb::ReadableDatabase::begin_read(&db).unwrap();
    let meta = txn
        .open_table(redb::TableDefinition::<&str, &[u8]>::new("meta"))
        .unwrap();
    assert_eq!(
        meta.get("schema_version").unwrap().unwrap().value(),
        SCHEMA_VERSION.to_le_bytes().as_slice(),
        "the new version is written"
    );
}
