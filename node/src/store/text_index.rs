//! The search index: the reading end of a record's path, beside the store. Every batch
//! the store commits is also written here, as one tantivy document per record that has
//! text ([`super::search::searchable_fields`]), so `GET /v1/records?q=…` and the web
//! app's search look words up instead of reading every record.
//!
//! **What a search finds.** Each word of the search must either begin a word of the
//! record (the word rule of [`super::search`], unchanged) or have the same stem as one
//! of the record's words in English, Spanish, French or Portuguese (Snowball stemmers):
//! `evictions` finds "eviction", `desalojos` finds "desalojo", `expulsées` finds
//! "expulsée". A case study's words are stemmed in its own language when that is one
//! of the four, other records' in all four. The index finds everything the word rule
//! finds (`the_index_finds_what_the_word_rule_finds`), and more.
//!
//! **The store stays the truth.** Each batch the store commits is handed to a thread
//! that writes it into the index ([`INDEX_QUEUE_BATCHES`] may wait), so the index never
//! holds up a commit; the index is committed to disk on its own clock
//! ([`COMMIT_INTERVAL`]). A search first waits until that thread has written every
//! batch committed before it, then commits the index if anything is waiting, so a
//! search sees every record committed before it. Each index commit carries the
//! store's [`Store::commit_count`] it reflects; when the node
//! opens and the two differ (a crash between the store's commit and the index's, an
//! index deleted or damaged, a store restored from a backup), the index is rebuilt
//! from the store in the background, and searches meanwhile use the store's scan. A
//! record the index still names but the store no longer holds (retracted since) is
//! dropped when the page is read, and every other filter is checked again on the
//! stored record. Nothing in the index is ever shown without the store's copy.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::{Bound, ControlFlow};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Weak};
use std::time::Duration;

use commons_protocol::{Body, DeviceKey, FeedEntry, ForkProof, RecordId, VerifiedRecord};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    BooleanQuery, EnableScoring, Occur, PhrasePrefixQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{
    DocId, DocSet, Index, IndexReader, IndexWriter, ReloadPolicy, TERMINATED, TantivyDocument, Term,
};
use thiserror::Error;

use super::search::{SearchText, searchable_fields, words};
use super::{
    ArchiveItem, CommitBatch, CommitStore, FeedHead, MAX_QUERY_LIMIT, PendingRetraction,
    RecordQuery, SearchIndexState, Store, StoreError, StoreStats, StoredRecord, Tombstone,
    kind_index_code, tags,
};

/// How often words written since the last index commit are committed to disk (a
/// search commits first anyway). Each commit writes a segment of several files and
/// sets up a new in-memory table: committing once a second, 50 nodes on one machine
/// spent more of its CPU on that than on ingest (docs/benchmarks.md, "A hundred
/// nodes"). What a crash loses is only the index's copy, rebuilt from the store at the
/// next start.
pub const COMMIT_INTERVAL: Duration = Duration::from_secs(15);
/// Memory the index writer may fill before it writes a segment: tantivy's floor (15 MB
/// per indexing thread). It is allocated anew for every segment, on every node; 48 MB
/// made that allocation lead the profile of 50 nodes on one machine.
const WRITER_MEMORY_BYTES: usize = 15_000_000;
/// tantivy's indexing threads: one is enough beside ingest (two made no difference to
/// catch-up on two cores, for twice the memory).
const INDEXING_THREADS: usize = 1;
/// Records asked of the index beyond the page, for records it names that the store
/// retracted since.
const PAGE_SLACK: usize = 16;
/// The index layout this build writes; another layout is rebuilt.
const LAYOUT: &str = "commons-text-index-1";
/// What an index commit says in place of the store's count while the index is not
/// whole.
const INCOMPLETE: &str = "incomplete";

/// The languages words are stemmed in, with the tags a case study names them by.
const LANGUAGES: [(Language, &str); 4] = [
    (Language::English, "en"),
    (Language::Spanish, "es"),
    (Language::French, "fr"),
    (Language::Portuguese, "pt"),
];

/// Why the index failed. The store is not affected: searches fall back to its scan.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TextIndexError {
    /// tantivy failed to read or write the index.
    #[error("the search index failed ({0}); it is rebuilt from the store when the node restarts")]
    Index(#[from] tantivy::TantivyError),
    /// The index's folder could not be made or cleared.
    #[error("cannot prepare the search index folder {path}: {source}")]
    Folder {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// A thread of the index (its writer, its rebuild, its commits) could not start.
    #[error("cannot start the search index's {what} thread: {source}")]
    Thread {
        /// Which thread.
        what: &'static str,
        /// What the system said.
        source: std::io::Error,
    },
    /// The store failed while the index was being rebuilt.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The index's thread had not written what was committed before a search in time.
    #[error(
        "the search index is more than {}s behind the store; this search reads every record",
        SEARCH_WAITS_FOR_INDEX.as_secs()
    )]
    Behind,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    /// The record id's 32 bytes: what a retraction deletes by.
    id: Field,
    /// The id as four big-endian u64: the page order's tie-break and how a hit's id
    /// is read back without a document store.
    id_parts: [Field; 4],
    timestamp: Field,
    kind: Field,
    org: Field,
    tag: Field,
    word: Field,
    stems: [Field; 4],
}

impl Fields {
    fn schema() -> (Schema, Fields) {
        let mut builder = Schema::builder();
        let terms = |tokenizer: &str| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::Basic),
            )
        };
        let fields = Fields {
            id: builder.add_bytes_field("id", INDEXED),
            id_parts: [
                builder.add_u64_field("id0", FAST),
                builder.add_u64_field("id1", FAST),
                builder.add_u64_field("id2", FAST),
                builder.add_u64_field("id3", FAST),
            ],
            timestamp: builder.add_u64_field("timestamp", FAST | INDEXED),
            kind: builder.add_u64_field("kind", INDEXED),
            org: builder.add_bytes_field("org", INDEXED),
            tag: builder.add_text_field("tag", terms("raw")),
            word: builder.add_text_field("word", terms(WORDS)),
            stems: LANGUAGES.map(|(_, tag)| {
                builder.add_text_field(&format!("stem_{tag}"), terms(&format!("{WORDS}_{tag}")))
            }),
        };
        (builder.build(), fields)
    }
}

/// The name the word rule's tokenizer is registered by.
const WORDS: &str = "commons_words";

/// Splits text into words exactly as [`super::search::words`] does: runs of letters and
/// digits, in Unicode lowercase.
#[derive(Debug, Clone, Default)]
struct WordTokenizer {
    token: Token,
}

struct WordStream<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    token: &'a mut Token,
}

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            chars: text.char_indices(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        let start = loop {
            match self.chars.next() {
                Some((at, c)) if c.is_alphanumeric() => break at,
                Some(_) => continue,
                None => return false,
            }
        };
        let mut end = self.text.len();
        for (at, c) in self.chars.by_ref() {
            if !c.is_alphanumeric() {
                end = at;
                break;
            }
        }
        let word = &self.text[start..end];
        self.token.text.clear();
        if word.is_ascii() {
            self.token.text.push_str(word);
            self.token.text.make_ascii_lowercase();
        } else {
            self.token.text.push_str(&word.to_lowercase());
        }
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
        true
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Registers the word tokenizer and, for each language, the word tokenizer followed by
/// that language's stemmer.
fn register_tokenizers(index: &Index) {
    let manager = index.tokenizers();
    manager.register(WORDS, TextAnalyzer::from(WordTokenizer::default()));
    for (language, tag) in LANGUAGES {
        manager.register(
            &format!("{WORDS}_{tag}"),
            TextAnalyzer::builder(WordTokenizer::default())
                .filter(Stemmer::new(language))
                .build(),
        );
    }
}

/// The index writer and what it has seen.
struct Writer {
    writer: IndexWriter,
    /// The store's commit count the documents added so far reflect.
    indexed_through: u64,
    /// Whether documents were added or deleted since the last commit.
    dirty: bool,
}

/// A tantivy index of the records' words, in a folder of its own.
pub struct TextIndex {
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<Writer>,
    /// Whether the index holds every record the store held when it was opened (false
    /// while it is rebuilt, or after it failed).
    ready: AtomicBool,
    /// Set when the store is closed: a rebuild under way stops at the next record.
    stopping: AtomicBool,
    /// Whether a rebuild is under way.
    rebuilding: AtomicBool,
}

impl std::fmt::Debug for TextIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextIndex")
            .field("ready", &self.ready.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// What [`TextIndex::open`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexState {
    /// The index reflects this many store commits.
    Commits(u64),
    /// The index is new, of another layout, or unreadable: it holds nothing.
    Empty,
}

impl TextIndex {
    /// Opens the index in `folder`, making it if needed. An index of another layout
    /// or one that cannot be opened is deleted and made anew (it is rebuilt from the
    /// store; nothing is lost).
    pub fn open(folder: &Path) -> Result<(TextIndex, IndexState), TextIndexError> {
        match Self::open_existing(folder) {
            Ok(Some(opened)) => return Ok(opened),
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(%error, folder = %folder.display(), "the search index cannot be opened; it is made anew");
            }
        }
        if folder.exists() {
            std::fs::remove_dir_all(folder).map_err(|source| TextIndexError::Folder {
                path: folder.to_owned(),
                source,
            })?;
        }
        std::fs::create_dir_all(folder).map_err(|source| TextIndexError::Folder {
            path: folder.to_owned(),
            source,
        })?;
        let (schema, _) = Fields::schema();
        let index = Index::create_in_dir(folder, schema)?;
        Ok((Self::from_index(index)?, IndexState::Empty))
    }

    fn open_existing(folder: &Path) -> Result<Option<(TextIndex, IndexState)>, TextIndexError> {
        if !folder.join("meta.json").exists() {
            return Ok(None);
        }
        let directory = MmapDirectory::open(folder).map_err(tantivy::TantivyError::from)?;
        let index = Index::open(directory)?;
        let (schema, _) = Fields::schema();
        if index.schema() != schema {
            return Ok(None);
        }
        let state = match index
            .load_metas()?
            .payload
            .as_deref()
            .and_then(parse_payload)
        {
            Some(commits) => IndexState::Commits(commits),
            None => return Ok(None),
        };
        Ok(Some((Self::from_index(index)?, state)))
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_memory() -> Result<TextIndex, TextIndexError> {
        let (schema, _) = Fields::schema();
        Self::from_index(Index::create_in_ram(schema))
    }

    fn from_index(index: Index) -> Result<TextIndex, TextIndexError> {
        let (_, fields) = Fields::schema();
        register_tokenizers(&index);
        let writer = index
            .writer_with_num_threads(INDEXING_THREADS, INDEXING_THREADS * WRITER_MEMORY_BYTES)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(TextIndex {
            fields,
            reader,
            writer: Mutex::new(Writer {
                writer,
                indexed_through: 0,
                dirty: false,
            }),
            ready: AtomicBool::new(true),
            stopping: AtomicBool::new(false),
            rebuilding: AtomicBool::new(false),
        })
    }

    fn writer(&self) -> Result<MutexGuard<'_, Writer>, TextIndexError> {
        self.writer.lock().map_err(|_| {
            TextIndexError::Index(tantivy::TantivyError::InternalError(
                "the index writer's lock was poisoned".into(),
            ))
        })
    }

    /// Whether searches may use the index.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }

    /// The document of a stored record, or none when it has no words.
    fn document(&self, stored: &StoredRecord) -> Option<TantivyDocument> {
        let header = stored.record.record();
        let body = &header.body;
        let texts = searchable_fields(body);
        if !texts.iter().any(|text| words(text).next().is_some()) {
            return None;
        }
        let fields = &self.fields;
        let id = stored.record.id();
        let mut document = TantivyDocument::default();
        document.add_bytes(fields.id, id.as_bytes());
        for (field, part) in fields.id_parts.iter().zip(id_parts(&id)) {
            document.add_u64(*field, part);
        }
        document.add_u64(fields.timestamp, header.timestamp_ms);
        document.add_u64(fields.kind, u64::from(kind_index_code(body)));
        document.add_bytes(fields.org, stored.org.as_bytes());
        for tag in tags(body) {
            document.add_text(fields.tag, tag);
        }
        let own_language = match body {
            Body::Practice(practice) => {
                let language = practice.language.trim().to_lowercase();
                LANGUAGES.iter().position(|(_, tag)| {
                    language == *tag || language.starts_with(&format!("{tag}-"))
                })
            }
            _ => None,
        };
        for text in texts {
            document.add_text(fields.word, text);
            for (index, field) in fields.stems.iter().enumerate() {
                if own_language.is_none_or(|own| own == index) {
                    document.add_text(*field, text);
                }
            }
        }
        Some(document)
    }

    /// Writes what a committed batch changed: its records' words, its retractions'
    /// removals. `commits` is the store's commit count after the batch.
    pub fn apply(&self, batch: &CommitBatch, commits: u64) -> Result<(), TextIndexError> {
        let documents: Vec<(RecordId, Option<TantivyDocument>)> = batch
            .records
            .iter()
            .map(|new| {
                let stored = StoredRecord {
                    record: new.record.clone(),
                    org: new.org,
                };
                (new.record.id(), self.document(&stored))
            })
            .collect();
        let mut writer = self.writer()?;
        for (id, document) in documents {
            if let Some(document) = document {
                writer
                    .writer
                    .delete_term(Term::from_field_bytes(self.fields.id, id.as_bytes()));
                writer.writer.add_document(document)?;
                writer.dirty = true;
            }
        }
        for tombstone in &batch.tombstones {
            writer.writer.delete_term(Term::from_field_bytes(
                self.fields.id,
                tombstone.target.as_bytes(),
            ));
            writer.dirty = true;
        }
        if commits > writer.indexed_through {
            // Even a batch with no words moves the count the next commit records.
            writer.indexed_through = commits;
            writer.dirty = true;
        }
        Ok(())
    }

    /// Commits what was written since the last commit, if anything was, and makes it
    /// visible to searches.
    pub fn flush(&self) -> Result<(), TextIndexError> {
        let mut writer = self.writer()?;
        if !writer.dirty {
            return Ok(());
        }
        // An index that is not whole (rebuilt, or missed a commit) says so, and the next
        // start rebuilds it, whatever count it reached.
        let payload = if self.is_ready() {
            format!("{LAYOUT} {}", writer.indexed_through)
        } else {
            format!("{LAYOUT} {INCOMPLETE}")
        };
        let mut prepared = writer.writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        // Reloaded before the lock is let go: a search that finds nothing waiting must
        // also find the reader up to date.
        self.reader.reload()?;
        writer.dirty = false;
        Ok(())
    }

    /// Empties the index and writes every record `store` holds, then commits and
    /// marks the index ready. Commits of the store meanwhile are written by
    /// [`TextIndex::apply`] as usual (a record written twice replaces itself). Answers
    /// how many records were written, or `None` when the store was closed first (the
    /// index stays incomplete, and the next start rebuilds it).
    pub fn rebuild(&self, store: &dyn Store) -> Result<Option<u64>, TextIndexError> {
        self.rebuilding.store(true, Ordering::Release);
        let rebuilt = self.rebuild_from(store);
        self.rebuilding.store(false, Ordering::Release);
        rebuilt
    }

    fn rebuild_from(&self, store: &dyn Store) -> Result<Option<u64>, TextIndexError> {
        self.ready.store(false, Ordering::Release);
        {
            let mut writer = self.writer()?;
            writer.writer.delete_all_documents()?;
            writer.indexed_through = store.commit_count()?;
            writer.dirty = true;
        }
        let mut written = 0u64;
        let mut failure: Option<TextIndexError> = None;
        let mut stopped = false;
        store.scan_archive(&mut |item| {
            if self.stopping.load(Ordering::Relaxed) {
                stopped = true;
                return ControlFlow::Break(());
            }
            let ArchiveItem::Record(stored) = item else {
                return ControlFlow::Continue(());
            };
            let Some(document) = self.document(&stored) else {
                return ControlFlow::Continue(());
            };
            let added = self.writer().and_then(|writer| {
                writer.writer.delete_term(Term::from_field_bytes(
                    self.fields.id,
                    stored.record.id().as_bytes(),
                ));
                writer.writer.add_document(document)?;
                Ok(())
            });
            match added {
                Ok(()) => {
                    written += 1;
                    ControlFlow::Continue(())
                }
                Err(error) => {
                    failure = Some(error);
                    ControlFlow::Break(())
                }
            }
        })?;
        if let Some(error) = failure {
            return Err(error);
        }
        if stopped {
            return Ok(None);
        }
        self.ready.store(true, Ordering::Release);
        self.flush()?;
        Ok(Some(written))
    }

    /// The ids of the records matching `query` (whose `text` is `text`), newest first
    /// by `(timestamp, id)`, at most `limit`. The filters other than the text are in
    /// the index too, so a page is full when the store has that many.
    pub fn search(
        &self,
        query: &RecordQuery,
        text: &SearchText,
        limit: usize,
    ) -> Result<Vec<RecordId>, TextIndexError> {
        let fields = self.fields;
        let searcher = self.reader.searcher();
        // The search's words are stemmed by the very analyzers the index's stems were
        // written with (a single lowercase word goes through the word tokenizer whole).
        let mut stemmers: Vec<Option<TextAnalyzer>> = LANGUAGES
            .iter()
            .map(|(_, tag)| searcher.index().tokenizers().get(&format!("{WORDS}_{tag}")))
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for word in text.words() {
            let mut either: Vec<(Occur, Box<dyn Query>)> = vec![(
                Occur::Should,
                Box::new(PhrasePrefixQuery::new(vec![Term::from_field_text(
                    fields.word,
                    word,
                )])),
            )];
            for (field, stemmer) in fields.stems.iter().zip(&mut stemmers) {
                let Some(stemmer) = stemmer else { continue };
                let mut stream = stemmer.token_stream(word);
                let stem = if stream.advance() {
                    stream.token().text.clone()
                } else {
                    word.clone()
                };
                either.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(*field, &stem),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(either))));
        }
        if let Some(kind) = query.kind {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(fields.kind, u64::from(kind.code())),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(org) = &query.org {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_bytes(fields.org, org.as_bytes()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(tag) = &query.tag {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(fields.tag, &tag.trim().to_lowercase()),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let before = query
            .before
            .map(|(timestamp, id)| (timestamp, id_parts(&id)));
        if query.since_ms.is_some() || before.is_some() {
            let lower = query.since_ms.map_or(Bound::Unbounded, |since| {
                Bound::Included(Term::from_field_u64(fields.timestamp, since))
            });
            let upper = before.map_or(Bound::Unbounded, |(timestamp, _)| {
                Bound::Included(Term::from_field_u64(fields.timestamp, timestamp))
            });
            clauses.push((Occur::Must, Box::new(RangeQuery::new(lower, upper))));
        }
        let query = BooleanQuery::new(clauses);

        // Newest first by (timestamp, first 8 bytes of the id), keeping the best
        // `limit` in a heap. Segments are visited newest first by the greatest
        // timestamp they hold (a column's maximum is known without reading it), and
        // one whose newest record is older than the page's oldest is not read at all:
        // records mostly arrive in time order, so a common word reads a page's worth
        // of the newest segments instead of every record that has it.
        let limit = limit.max(1);
        let weight = query.weight(EnableScoring::disabled_from_searcher(&searcher))?;
        let readers = searcher.segment_readers();
        let mut segments = Vec::with_capacity(readers.len());
        for (ordinal, reader) in readers.iter().enumerate() {
            let newest = reader.fast_fields().u64("timestamp")?.max_value();
            segments.push((newest, ordinal));
        }
        segments.sort_unstable_by(|a, b| b.cmp(a));
        // A min-heap of the best keys so far, with where each document is.
        let mut best: BinaryHeap<Reverse<Hit>> = BinaryHeap::with_capacity(limit + 1);
        for (newest, ordinal) in segments {
            if best.len() == limit
                && best
                    .peek()
                    .is_some_and(|Reverse((worst, _, _))| (newest, u64::MAX) < *worst)
            {
                break;
            }
            let reader = &readers[ordinal];
            let fast = reader.fast_fields();
            let timestamps = fast.u64("timestamp")?.first_or_default_col(0);
            let id_columns = [
                fast.u64("id0")?.first_or_default_col(0),
                fast.u64("id1")?.first_or_default_col(0),
                fast.u64("id2")?.first_or_default_col(0),
                fast.u64("id3")?.first_or_default_col(0),
            ];
            let alive = reader.alive_bitset();
            let mut scorer = weight.scorer(reader, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                let timestamp = timestamps.get_val(doc);
                let worst = best.peek().map(|Reverse((worst, _, _))| *worst);
                let may_enter =
                    best.len() < limit || worst.is_some_and(|worst| timestamp >= worst.0);
                if may_enter && alive.is_none_or(|alive| alive.is_alive(doc)) {
                    let key = (timestamp, id_columns[0].get_val(doc));
                    let before_cursor = before.is_none_or(|(before_timestamp, before_id)| {
                        let cursor = (before_timestamp, before_id[0]);
                        key < cursor
                            || (key == cursor
                                && [
                                    id_columns[1].get_val(doc),
                                    id_columns[2].get_val(doc),
                                    id_columns[3].get_val(doc),
                                ] < [before_id[1], before_id[2], before_id[3]])
                    });
                    if before_cursor
                        && (best.len() < limit || worst.is_some_and(|worst| key > worst))
                    {
                        best.push(Reverse((key, ordinal as u32, doc)));
                        if best.len() > limit {
                            best.pop();
                        }
                    }
                }
                doc = scorer.advance();
            }
        }
        let mut ids = Vec::with_capacity(best.len());
        for Reverse((_, ordinal, doc)) in best.into_sorted_vec() {
            let fast = readers[ordinal as usize].fast_fields();
            let mut bytes = [0u8; 32];
            for (index, chunk) in bytes.chunks_exact_mut(8).enumerate() {
                let part = fast
                    .u64(&format!("id{index}"))?
                    .first_or_default_col(0)
                    .get_val(doc);
                chunk.copy_from_slice(&part.to_be_bytes());
            }
            ids.push(RecordId::from_bytes(bytes));
        }
        Ok(ids)
    }
}

impl Drop for TextIndex {
    fn drop(&mut self) {
        if let Err(error) = self.flush() {
            tracing::warn!(%error, "the search index could not be committed at shutdown; it is rebuilt at the next start");
        }
    }
}

/// A document found: its order key (timestamp, first 8 bytes of the id), its
/// segment's ordinal and its number in the segment.
type Hit = ((u64, u64), u32, DocId);

fn id_parts(id: &RecordId) -> [u64; 4] {
    let mut parts = [0u64; 4];
    for (part, chunk) in parts.iter_mut().zip(id.as_bytes().chunks_exact(8)) {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        *part = u64::from_be_bytes(bytes);
    }
    parts
}

fn parse_payload(payload: &str) -> Option<u64> {
    let (layout, commits) = payload.split_once(' ')?;
    (layout == LAYOUT).then_some(())?;
    commits.parse().ok()
}

/// A store with a search index beside it: every method is the store's, but `commit`
/// also writes the index and `query` with a search text asks the index which records
/// to read. What the node holds is still only what the store holds.
#[derive(Debug)]
pub struct IndexedStore {
    store: Arc<dyn CommitStore>,
    index: Arc<TextIndex>,
    /// Keeps the store's commits and their order on the indexer's queue the same.
    commit_order: Mutex<()>,
    /// Committed batches on their way to the indexer thread, with the store's commit
    /// count after each. `None` once the store is closed.
    queue: Option<SyncSender<(CommitBatch, u64)>>,
    /// The indexer thread, joined when the store closes (so the index is committed and
    /// its folder free before the store can be opened again).
    indexer: Option<std::thread::JoinHandle<()>>,
    /// How far the indexer thread has come: the commit counts sent and written.
    progress: Arc<Progress>,
}

/// The commit counts handed to the indexer thread and written by it.
#[derive(Debug, Default)]
struct Progress {
    counts: Mutex<(u64, u64)>,
    written: Condvar,
}

impl Progress {
    fn sent(&self, commits: u64) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.0 = counts.0.max(commits);
        }
    }

    fn wrote(&self, commits: u64) {
        if let Ok(mut counts) = self.counts.lock() {
            counts.1 = counts.1.max(commits);
        }
        self.written.notify_all();
    }

    /// Waits until every batch sent before this call is written, at most `patience`.
    fn caught_up(&self, patience: Duration) -> bool {
        let Ok(counts) = self.counts.lock() else {
            return false;
        };
        let wanted = counts.0;
        self.written
            .wait_timeout_while(counts, patience, |counts| counts.1 < wanted)
            .is_ok_and(|(_, waited)| !waited.timed_out())
    }
}

/// Batches waiting for the indexer thread. Past this the store's next commit waits for
/// it: the index may lag the store by this much, never more.
pub const INDEX_QUEUE_BATCHES: usize = 64;
/// How long a search waits for the indexer thread to write what was committed before
/// it; past this, that search reads the store instead.
pub const SEARCH_WAITS_FOR_INDEX: Duration = Duration::from_secs(10);

/// Starts the thread that writes committed batches into the index, so that building
/// documents and tantivy's work never hold up the store's commits (ingest, alerts).
type Indexer = (SyncSender<(CommitBatch, u64)>, std::thread::JoinHandle<()>);

fn start_indexer(
    index: &Arc<TextIndex>,
    progress: &Arc<Progress>,
) -> Result<Indexer, TextIndexError> {
    let (sender, batches) =
        std::sync::mpsc::sync_channel::<(CommitBatch, u64)>(INDEX_QUEUE_BATCHES);
    let index = Arc::clone(index);
    let progress = Arc::clone(progress);
    let thread = std::thread::Builder::new()
        .name("search-index-write".into())
        .spawn(move || {
            for (batch, commits) in batches {
                if let Err(error) = index.apply(&batch, commits) {
                    // The store has the batch; the index does not. Searches read the
                    // store from now on, and the next start rebuilds the index.
                    index.ready.store(false, Ordering::Release);
                    tracing::warn!(%error, "the search index missed a commit; searches read every record until the node restarts");
                }
                progress.wrote(commits);
            }
        })
        .map_err(|source| TextIndexError::Thread {
            what: "writer",
            source,
        })?;
    Ok((sender, thread))
}

impl IndexedStore {
    /// The store with the index in `folder` beside it. When the index is behind the
    /// store (or new), it is rebuilt on a thread of its own; until it is done searches
    /// use the store's scan. The index is committed every [`COMMIT_INTERVAL`] while it
    /// has anything new.
    pub fn open(
        store: Arc<dyn CommitStore>,
        folder: &Path,
    ) -> Result<IndexedStore, TextIndexError> {
        let (index, state) = TextIndex::open(folder)?;
        let commits = store.commit_count()?;
        let index = Arc::new(index);
        if state != IndexState::Commits(commits) {
            index.ready.store(false, Ordering::Release);
            tracing::info!(
                ?state,
                store_commits = commits,
                "rebuilding the search index from the store"
            );
            let rebuilding = Arc::clone(&index);
            let source = Arc::clone(&store);
            std::thread::Builder::new()
                .name("search-index-rebuild".into())
                .spawn(move || {
                    let started = std::time::Instant::now();
                    match rebuilding.rebuild(source.as_ref()) {
                        Ok(None) => {
                            tracing::info!("the store closed before the search index was rebuilt; the next start rebuilds it");
                        }
                        Ok(Some(records)) => {
                            tracing::info!(records, elapsed_ms = started.elapsed().as_millis() as u64, "the search index is rebuilt");
                        }
                        Err(error) => {
                            tracing::warn!(%error, "rebuilding the search index failed; searches read every record until the node restarts");
                        }
                    }
                })
                .map_err(|source| TextIndexError::Thread {
                    what: "rebuild",
                    source,
                })?;
        } else {
            index.writer()?.indexed_through = commits;
        }
        let committing: Weak<TextIndex> = Arc::downgrade(&index);
        std::thread::Builder::new()
            .name("search-index-commit".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(COMMIT_INTERVAL);
                    let Some(index) = committing.upgrade() else {
                        return;
                    };
                    if let Err(error) = index.flush() {
                        tracing::warn!(%error, "committing the search index failed");
                    }
                }
            })
            .map_err(|source| TextIndexError::Thread {
                what: "commit",
                source,
            })?;
        let progress = Arc::new(Progress::default());
        let (queue, indexer) = start_indexer(&index, &progress)?;
        Ok(IndexedStore {
            store,
            index,
            commit_order: Mutex::new(()),
            queue: Some(queue),
            indexer: Some(indexer),
            progress,
        })
    }

    /// The store and an index that is already complete (a new store and an empty
    /// index, as in tests and benchmarks).
    pub fn with_index(store: Arc<dyn CommitStore>, index: TextIndex) -> IndexedStore {
        let index = Arc::new(index);
        let progress = Arc::new(Progress::default());
        // Without a thread to write it, the index cannot follow the store: searches
        // read the store.
        let (queue, indexer) = match start_indexer(&index, &progress) {
            Ok((queue, indexer)) => (Some(queue), Some(indexer)),
            Err(error) => {
                index.ready.store(false, Ordering::Release);
                tracing::warn!(%error, "cannot start the search index's thread");
                (None, None)
            }
        };
        IndexedStore {
            store,
            index,
            commit_order: Mutex::new(()),
            queue,
            indexer,
            progress,
        }
    }

    /// The index.
    pub fn index(&self) -> &TextIndex {
        &self.index
    }

    /// Waits, at most `patience`, until the index's thread has written every batch
    /// committed so far, then commits the index: whether it did in time.
    pub fn wait_for_index(&self, patience: Duration) -> Result<bool, TextIndexError> {
        if !self.progress.caught_up(patience) {
            return Ok(false);
        }
        self.index.flush()?;
        Ok(true)
    }

    fn search(
        &self,
        query: &RecordQuery,
        text: &SearchText,
    ) -> Result<Vec<StoredRecord>, TextIndexError> {
        // Everything committed before this search is in the index first.
        if !self.wait_for_index(SEARCH_WAITS_FOR_INDEX)? {
            return Err(TextIndexError::Behind);
        }
        let limit = query.limit.clamp(1, MAX_QUERY_LIMIT);
        let ids = self.index.search(query, text, limit + PAGE_SLACK)?;
        let filters = RecordQuery {
            text: None,
            ..query.clone()
        };
        let mut found = Vec::with_capacity(limit);
        for id in ids {
            if let Some(stored) = self.store.record(&id)?
                && filters.matches(&stored)
            {
                found.push(stored);
            }
        }
        found.sort_by(|a, b| {
            let key =
                |stored: &StoredRecord| (stored.record.record().timestamp_ms, stored.record.id());
            key(b).cmp(&key(a))
        });
        found.truncate(limit);
        Ok(found)
    }
}

impl Drop for IndexedStore {
    fn drop(&mut self) {
        // A rebuild under way holds the store open: let it go. The indexer thread
        // writes what it was sent, then ends with the queue.
        self.index.stopping.store(true, Ordering::Relaxed);
        self.queue = None;
        if let Some(indexer) = self.indexer.take()
            && indexer.join().is_err()
        {
            tracing::warn!("the search index's thread panicked; the next start rebuilds the index");
        }
    }
}

impl CommitStore for IndexedStore {
    fn commit(&self, batch: &CommitBatch) -> Result<(), StoreError> {
        let _order = self.commit_order.lock().map_err(|_| {
            StoreError::Storage("the search index's commit lock was poisoned".into())
        })?;
        self.store.commit(batch)?;
        if batch.is_empty() {
            return Ok(());
        }
        let sent = match (&self.queue, self.store.commit_count()) {
            (Some(queue), Ok(commits)) => {
                self.progress.sent(commits);
                queue.send((batch.clone(), commits)).is_ok()
            }
            _ => false,
        };
        if !sent {
            // The store has the batch; the index will not. Searches read the store
            // from now on, and the next start rebuilds the index (it is marked
            // incomplete at its next commit).
            self.index.ready.store(false, Ordering::Release);
            tracing::warn!(
                "the search index missed a commit; searches read every record until the node restarts"
            );
        }
        Ok(())
    }
}

impl Store for IndexedStore {
    fn entry(&self, author: &DeviceKey, seq: u64) -> Result<Option<FeedEntry>, StoreError> {
        self.store.entry(author, seq)
    }
    fn head(&self, author: &DeviceKey) -> Result<Option<FeedHead>, StoreError> {
        self.store.head(author)
    }
    fn author_of(&self, id: &RecordId) -> Result<Option<DeviceKey>, StoreError> {
        self.store.author_of(id)
    }
    fn record(&self, id: &RecordId) -> Result<Option<StoredRecord>, StoreError> {
        self.store.record(id)
    }
    fn record_at(&self, author: &DeviceKey, seq: u64) -> Result<Option<StoredRecord>, StoreError> {
        self.store.record_at(author, seq)
    }
    fn tombstone(&self, id: &RecordId) -> Result<Option<Tombstone>, StoreError> {
        self.store.tombstone(id)
    }
    fn pending_retraction(
        &self,
        target: &RecordId,
    ) -> Result<Option<PendingRetraction>, StoreError> {
        self.store.pending_retraction(target)
    }
    fn pending_retractions(&self) -> Result<Vec<PendingRetraction>, StoreError> {
        self.store.pending_retractions()
    }
    fn heads(&self) -> Result<Vec<FeedHead>, StoreError> {
        self.store.heads()
    }
    fn query(&self, query: &RecordQuery) -> Result<Vec<StoredRecord>, StoreError> {
        if let Some(text) = &query.text
            && self.index.is_ready()
        {
            match self.search(query, text) {
                Ok(found) => return Ok(found),
                Err(TextIndexError::Store(error)) => return Err(error),
                Err(TextIndexError::Behind) => {
                    tracing::warn!(error = %TextIndexError::Behind, "a search reads the store");
                }
                Err(error) => {
                    self.index.ready.store(false, Ordering::Release);
                    tracing::warn!(%error, "the search index failed; searches read every record until the node restarts");
                }
            }
        }
        self.store.query(query)
    }
    fn referring(
        &self,
        target: &RecordId,
        kind: Option<commons_protocol::BodyKind>,
        limit: usize,
    ) -> Result<Vec<StoredRecord>, StoreError> {
        self.store.referring(target, kind, limit)
    }
    fn blob_references(
        &self,
        blob: &commons_protocol::BlobId,
    ) -> Result<Vec<RecordId>, StoreError> {
        self.store.blob_references(blob)
    }
    fn governance(&self) -> Result<Vec<VerifiedRecord>, StoreError> {
        self.store.governance()
    }
    fn fork_proofs(&self) -> Result<Vec<ForkProof>, StoreError> {
        self.store.fork_proofs()
    }
    fn stats(&self) -> Result<StoreStats, StoreError> {
        self.store.stats()
    }
    fn commit_count(&self) -> Result<u64, StoreError> {
        self.store.commit_count()
    }
    fn search_index(&self) -> SearchIndexState {
        if self.index.is_ready() {
            SearchIndexState::Ready
        } else if self.index.rebuilding.load(Ordering::Acquire) {
            SearchIndexState::Rebuilding
        } else {
            SearchIndexState::Unavailable
        }
    }
    fn scan_archive(
        &self,
        visit: &mut dyn FnMut(ArchiveItem) -> ControlFlow<()>,
    ) -> Result<(), StoreError> {
        self.store.scan_archive(visit)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::time::Instant;

    use commons_protocol::fixtures::{
        BASE_TIME_MS, delegated_feeds, sample_charter, sample_practice,
    };
    use commons_protocol::{FeedWriter, Practice, Visibility};
    use proptest::prelude::*;

    use super::super::{NewRecord, RedbStore};
    use super::*;

    struct Feeds {
        network: commons_protocol::NetworkId,
        writers: Vec<FeedWriter>,
        orgs: Vec<commons_protocol::OrgId>,
        delegations: Vec<VerifiedRecord>,
        clock: u64,
    }

    impl Feeds {
        fn new() -> Feeds {
            let (charter, orgs) = sample_charter(2);
            let network = charter.charter().network_id();
            let (writers, delegations) = delegated_feeds(&orgs, network);
            Feeds {
                network,
                writers,
                orgs: orgs.iter().map(|org| org.id()).collect(),
                delegations,
                clock: BASE_TIME_MS,
            }
        }

        /// A case study titled `title` by org `org`, in a batch with the delegations
        /// the first time.
        fn practice(&mut self, org: usize, title: &str, language: &str) -> NewRecord {
            self.clock += 1;
            self.practice_at(org, title, language, self.clock)
        }

        fn practice_at(&mut self, org: usize, title: &str, language: &str, at: u64) -> NewRecord {
            let body = Body::Practice(Practice {
                title: title.to_owned(),
                summary: String::new(),
                body: String::new(),
                themes: Vec::new(),
                regions: Vec::new(),
                language: language.to_owned(),
                ..sample_practice(Visibility::Members)
            });
            NewRecord {
                record: self.writers[org].append(body, at).unwrap(),
                org: self.orgs[org],
            }
        }

        fn delegations(&self) -> CommitBatch {
            CommitBatch {
                records: self
                    .delegations
                    .iter()
                    .zip(&self.orgs)
                    .map(|(record, org)| NewRecord {
                        record: record.clone(),
                        org: *org,
                    })
                    .collect(),
                ..CommitBatch::default()
            }
        }
    }

    fn text(words: &str) -> SearchText {
        SearchText::parse(words).unwrap()
    }

    fn all(text: &SearchText) -> RecordQuery {
        RecordQuery {
            text: Some(text.clone()),
            limit: MAX_QUERY_LIMIT,
            ..RecordQuery::default()
        }
    }

    /// Waits, with a deadline, until a rebuild started by [`IndexedStore::open`] ends.
    fn wait_until_ready(store: &IndexedStore) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !store.index().is_ready() {
            assert!(
                Instant::now() < deadline,
                "the index was not rebuilt in 30 s"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn other_forms_of_a_word_are_found_in_each_language() {
        let mut feeds = Feeds::new();
        let index = TextIndex::in_memory().unwrap();
        let english = feeds.practice(0, "Communities resisting evictions", "en");
        let spanish = feeds.practice(0, "Comunidades contra los desalojos", "es");
        let french = feeds.practice(1, "Familles expulsées", "fr");
        let unknown = feeds.practice(1, "Evictions en zone rurale", "wo");
        let ids = [&english, &spanish, &french, &unknown].map(|new| new.record.id());
        index
            .apply(
                &CommitBatch {
                    records: vec![english, spanish, french, unknown],
                    ..CommitBatch::default()
                },
                1,
            )
            .unwrap();
        index.flush().unwrap();
        let found = |words: &str| {
            let text = text(words);
            let mut found = index.search(&all(&text), &text, 10).unwrap();
            found.sort();
            found
        };
        let mut evictions = vec![ids[0], ids[3]];
        evictions.sort();
        assert_eq!(found("eviction"), evictions, "English stems, and a prefix");
        assert_eq!(found("resisted"), vec![ids[0]]);
        assert_eq!(found("desalojo"), vec![ids[1]]);
        assert_eq!(found("expulsée"), vec![ids[2]]);
        assert_eq!(
            found("rurales"),
            vec![ids[3]],
            "an unknown language: all four"
        );
        assert!(found("viction").is_empty(), "not inside a word");
    }

    #[test]
    fn a_rebuild_stopped_by_closing_the_store_is_done_again_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("search-index");
        let mut feeds = Feeds::new();
        let redb: Arc<dyn CommitStore> =
            Arc::new(RedbStore::open(dir.path().join("store.redb"), feeds.network).unwrap());
        redb.commit(&feeds.delegations()).unwrap();
        let record = feeds.practice(0, "Radio programme on land titles", "en");
        redb.commit(&CommitBatch {
            records: vec![record],
            ..CommitBatch::default()
        })
        .unwrap();
        {
            let (index, state) = TextIndex::open(&folder).unwrap();
            assert_eq!(state, IndexState::Empty);
            index.stopping.store(true, Ordering::Relaxed);
            assert_eq!(index.rebuild(redb.as_ref()).unwrap(), None);
            assert!(!index.is_ready());
            // Dropped here: what it has is committed, marked incomplete.
        }
        let (index, state) = TextIndex::open(&folder).unwrap();
        assert_eq!(state, IndexState::Empty, "an incomplete index is made anew");
        assert_eq!(index.rebuild(redb.as_ref()).unwrap(), Some(1));
        drop(index);
        let (_, state) = TextIndex::open(&folder).unwrap();
        assert_eq!(state, IndexState::Commits(2));
    }

    #[test]
    fn a_store_commit_the_index_missed_is_found_after_the_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("search-index");
        let mut feeds = Feeds::new();
        let redb: Arc<dyn CommitStore> =
            Arc::new(RedbStore::open(dir.path().join("store.redb"), feeds.network).unwrap());
        let first = feeds.practice(0, "Paralegal training in the district", "en");
        let first_id = first.record.id();
        {
            let store = IndexedStore::open(Arc::clone(&redb), &folder).unwrap();
            wait_until_ready(&store);
            store.commit(&feeds.delegations()).unwrap();
            store
                .commit(&CommitBatch {
                    records: vec![first],
                    ..CommitBatch::default()
                })
                .unwrap();
            let found = store.query(&all(&text("paralegal"))).unwrap();
            assert_eq!(found.len(), 1);
        }
        // As if the node stopped between the store's commit and the index's.
        let missed = feeds.practice(1, "Paralegals at the land tribunal", "en");
        let missed_id = missed.record.id();
        redb.commit(&CommitBatch {
            records: vec![missed],
            ..CommitBatch::default()
        })
        .unwrap();
        let (_, state) = TextIndex::open(&folder).unwrap();
        assert_eq!(state, IndexState::Commits(2), "the index saw two commits");
        assert_eq!(redb.commit_count().unwrap(), 3);

        let store = IndexedStore::open(Arc::clone(&redb), &folder).unwrap();
        wait_until_ready(&store);
        assert_eq!(store.search_index(), SearchIndexState::Ready);
        let found: Vec<RecordId> = store
            .query(&all(&text("paralegal")))
            .unwrap()
            .iter()
            .map(|stored| stored.record.id())
            .collect();
        assert_eq!(found, vec![missed_id, first_id]);
        drop(store);

        // An index folder that was deleted is rebuilt too.
        std::fs::remove_dir_all(&folder).unwrap();
        let store = IndexedStore::open(redb, &folder).unwrap();
        wait_until_ready(&store);
        assert_eq!(store.query(&all(&text("tribunal"))).unwrap().len(), 1);
    }

    #[test]
    fn the_index_answers_every_filter_and_pages_like_the_store() {
        let mut feeds = Feeds::new();
        let memory: Arc<dyn CommitStore> = Arc::new(super::super::MemoryStore::new());
        let store = IndexedStore::with_index(Arc::clone(&memory), TextIndex::in_memory().unwrap());
        store.commit(&feeds.delegations()).unwrap();
        // Four segments (the index commits between batches), the later ones holding
        // older records than the first as sync can bring them, and some records
        // retracted after they were indexed.
        let mut retracted = Vec::new();
        // The first segment alone fills a page of 7 (and the slack of 16); the last
        // one's records fall among the first's newest, so it must be read although
        // the page looked full (a skip by the segments' newest record, done wrong,
        // fails here).
        for (round, start, step, count) in [
            (0u64, 1_000u64, 3u64, 40u64),
            (1, 200, 3, 15),
            (2, 600, 3, 15),
            (3, 1_100, 1, 15),
        ] {
            let mut batch = CommitBatch::default();
            for n in 0..count {
                // A feed's timestamps never go back: the first round is one org's,
                // the older rounds after it the other's.
                let org = usize::from(round != 0);
                let at = BASE_TIME_MS + start + n * step;
                let new =
                    feeds.practice_at(org, &format!("Monitoring report {round}-{n}"), "en", at);
                if n % 7 == 3 {
                    let header = new.record.record();
                    retracted.push(Tombstone {
                        target: new.record.id(),
                        author: header.author,
                        seq: header.seq,
                        retraction: RecordId::of(&[round as u8, n as u8]),
                    });
                }
                batch.records.push(new);
            }
            store.commit(&batch).unwrap();
            store.index().flush().unwrap();
        }
        store
            .commit(&CommitBatch {
                tombstones: retracted,
                ..CommitBatch::default()
            })
            .unwrap();
        let org = feeds.orgs[1];
        for query in [
            RecordQuery {
                org: Some(org),
                ..all(&text("monitoring"))
            },
            RecordQuery {
                since_ms: Some(BASE_TIME_MS + 210),
                kind: Some(commons_protocol::BodyKind::Practice),
                ..all(&text("report"))
            },
            all(&text("monitoring")),
        ] {
            // Page by 7 through the index and through the scan: the same records, in
            // the same order.
            let mut pages = [Vec::new(), Vec::new()];
            for (pages, source) in pages
                .iter_mut()
                .zip([&store as &dyn Store, memory.as_ref()])
            {
                let mut before = None;
                loop {
                    let page = source
                        .query(&RecordQuery {
                            before,
                            limit: 7,
                            ..query.clone()
                        })
                        .unwrap();
                    let Some(last) = page.last() else { break };
                    before = Some((last.record.record().timestamp_ms, last.record.id()));
                    pages.extend(page.iter().map(|stored| stored.record.id()));
                }
            }
            assert!(pages[0].len() > 10, "{}", pages[0].len());
            assert_eq!(pages[0], pages[1]);
        }
    }

    proptest! {
        /// What an index commit says of itself reads back as written; anything else,
        /// whatever the bytes, reads as "not known whole" (the index is rebuilt).
        #[test]
        fn an_index_commit_payload_reads_back_or_means_rebuild(
            commits in any::<u64>(),
            other in "\\PC{0,64}",
        ) {
            prop_assert_eq!(parse_payload(&format!("{LAYOUT} {commits}")), Some(commits));
            prop_assert_eq!(parse_payload(&format!("{LAYOUT} {INCOMPLETE}")), None);
            if parse_payload(&other).is_some() {
                let layout = format!("{LAYOUT} ");
                prop_assert!(other.starts_with(&layout));
            }
        }

        /// The index splits and lowercases text exactly as the word rule does.
        #[test]
        fn the_tokenizer_gives_the_word_rules_words(text in "\\PC{0,200}") {
            let mut tokenizer = WordTokenizer::default();
            let mut stream = tokenizer.token_stream(&text);
            let mut tokens = Vec::new();
            while stream.advance() {
                tokens.push(stream.token().text.clone());
            }
            prop_assert_eq!(tokens, words(&text).collect::<Vec<_>>());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Whatever the word rule of `search.rs` finds among some records, the index
        /// finds too.
        #[test]
        fn the_index_finds_what_the_word_rule_finds(
            titles in prop::collection::vec("[a-zé]{1,7}( [a-zé]{1,7}){0,3}", 1..12),
            searched in "[a-zé]{1,4}( [a-zé]{1,3})?",
        ) {
            let mut feeds = Feeds::new();
            let index = TextIndex::in_memory().unwrap();
            let records: Vec<NewRecord> = titles
                .iter()
                .enumerate()
                .map(|(n, title)| feeds.practice(n % 2, title, ["en", "es", "fr", "pt", ""][n % 5]))
                .collect();
            let text = text(&searched);
            let expected: Vec<RecordId> = records
                .iter()
                .filter(|new| text.matches(&new.record.record().body))
                .map(|new| new.record.id())
                .collect();
            index.apply(&CommitBatch { records, ..CommitBatch::default() }, 1).unwrap();
            index.flush().unwrap();
            let found = index.search(&all(&text), &text, MAX_QUERY_LIMIT).unwrap();
            for id in expected {
                prop_assert!(found.contains(&id), "{searched:?} in {titles:?}");
            }
        }
    }
}
