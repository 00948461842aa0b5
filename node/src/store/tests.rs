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

fn stores(network: NetworkId) -> Vec<(Box<dyn Store>, Option<tempfile::TempDir>)> {
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
