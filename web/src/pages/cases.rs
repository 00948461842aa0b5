//! Case studies: the network's shared library of what member organizations did, in
//! which context, and what others can reuse. The library lists the case studies this
//! node holds, newest first, found by words and narrowed by theme, region, language,
//! organization and date, a page at a time; a case study's page shows it rendered and
//! sanitized with who signed it and that the signature still verifies; staff write one
//! with a server-side preview, and retract one of their own with a reason. Everything
//! is read from the store and published through [`crate::view::publish`].

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use commons_node::calendar::CivilDate;
use commons_node::groups::GroupPublishError;
use commons_node::store::{
    MAX_TAG_BYTES, RecordQuery, SearchError, SearchText, Store, StoreError, StoredRecord, Tombstone,
};
use commons_protocol::{
    Attachment, Body, BodyKind, Charter, MAX_ATTACHMENTS, MAX_PAYLOAD_BYTES, OrgId, Practice,
    RecordId, Revised, Revision, Visibility, WorkingGroup, validate_record,
};
use serde::Deserialize;

use crate::AppState;
use crate::i18n::{ArgValue, Tr};
use crate::markdown;
use crate::page::{Layout, PageResult, Section, render};
use crate::security::{Posted, PostedMultipart, Staff};
use crate::view::{self, OrgDirectory, Versions, excerpt, now_ms, split_list};

use super::files;

/// How many case studies one page of the library lists.
pub const PAGE_SIZE: usize = 20;
/// How many candidates one store query hands over when filters the store cannot apply
/// (language, a second tag) narrow them afterwards.
pub const SCAN_BATCH: usize = 200;
/// The most candidates one library page looks through before it stops and offers to
/// go on from there: what bounds a page whose filters match almost nothing.
pub const MAX_SCANNED: usize = 5_000;
/// How many of the newest case studies the filter and form choices are read from.
pub const CHOICE_SAMPLE: usize = 500;
/// The most choices a filter list offers (the most used first).
pub const MAX_CHOICES: usize = 60;
/// The most themes or regions the form offers as checkboxes.
pub const MAX_SUGGESTED_TAGS: usize = 16;
/// How much of a summary the library shows.
pub const EXCERPT_CHARS: usize = 280;
/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// The longest summary accepted, in characters.
pub const MAX_SUMMARY_CHARS: usize = 1_500;
/// The most themes, or regions, one case study may have.
pub const MAX_TAGS: usize = 12;
/// The most links one case study may have.
pub const MAX_LINKS: usize = 20;
/// The longest link accepted, in bytes.
pub const MAX_LINK_BYTES: usize = 2_000;
/// The longest retraction reason accepted, in characters.
pub const MAX_REASON_CHARS: usize = 1_000;
/// How many form fields a posted case study may have (checkboxes repeat names).
const MAX_FORM_FIELDS: usize = 200;
/// Room kept in a record's payload for its header around the body.
const HEADER_ROOM: usize = 512;
/// The licence a new case study has unless its author picks another.
pub const DEFAULT_LICENCE: &str = "CC-BY-4.0";
/// Licences offered as suggestions.
const LICENCES: [&str; 5] = [
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC0-1.0",
];

/// Languages a case study is commonly written in, each named in itself.
const LANGUAGES: [(&str, &str); 26] = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("ar", "العربية"),
    ("pt", "Português"),
    ("sw", "Kiswahili"),
    ("hi", "हिन्दी"),
    ("bn", "বাংলা"),
    ("ur", "اردو"),
    ("ne", "नेपाली"),
    ("id", "Bahasa Indonesia"),
    ("tl", "Tagalog"),
    ("th", "ไทย"),
    ("km", "ខ្មែរ"),
    ("my", "မြန်မာ"),
    ("vi", "Tiếng Việt"),
    ("zh", "中文"),
    ("ru", "Русский"),
    ("tr", "Türkçe"),
    ("fa", "فارسی"),
    ("am", "አማርኛ"),
    ("ha", "Hausa"),
    ("yo", "Yorùbá"),
    ("qu", "Runa Simi"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
];

/// The case studies' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cases", get(library))
        // The form's uploads are bounded as they are read (files::read_upload), not by
        // the default limit on a whole body.
        .route(
            "/cases/new",
            get(new_form)
                .post(new_posted)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/cases/{id}", get(show))
        .route(
            "/cases/{id}/edit",
            get(edit_form)
                .post(edit_posted)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/cases/{id}/history", get(super::history::case_history))
        .route(
            "/cases/{id}/retract",
            get(retract_form).post(retract_posted),
        )
}

// ---- shared pieces ----

/// One choice of a select list or a group of checkboxes.
#[derive(Debug, Clone)]
pub struct Choice {
    /// Its value.
    pub value: String,
    /// What people read.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// A theme or region shown on a case study, leading to the library filtered by it.
#[derive(Debug, Clone)]
pub struct TagLink {
    /// As the record wrote it.
    pub text: String,
    /// The library filtered by it.
    pub href: String,
}

/// The themes, regions, languages and orgs the newest case studies use, each with how
/// often, for the filters and the form.
#[derive(Debug, Clone, Default)]
struct Vocabulary {
    themes: Vec<Tag>,
    regions: Vec<Tag>,
    languages: Vec<String>,
    orgs: Vec<OrgId>,
}

impl Vocabulary {
    fn read(store: &dyn Store) -> Result<Vocabulary, StoreError> {
        let sample = store.query(&RecordQuery {
            kind: Some(BodyKind::Practice),
            limit: CHOICE_SAMPLE,
            ..RecordQuery::default()
        })?;
        let mut themes: HashMap<String, usize> = HashMap::new();
        let mut regions: HashMap<String, usize> = HashMap::new();
        // How each tag is written, as the newest case study using it wrote it.
        let mut written: HashMap<String, String> = HashMap::new();
        let mut languages: HashMap<String, usize> = HashMap::new();
        let mut orgs: HashMap<OrgId, usize> = HashMap::new();
        for stored in &sample {
            let Body::Practice(practice) = &stored.record.record().body else {
                continue;
            };
            for (tags, counts) in [
                (&practice.themes, &mut themes),
                (&practice.regions, &mut regions),
            ] {
                for text in tags {
                    if let Some(tag) = tag_of(text) {
                        written
                            .entry(tag.clone())
                            .or_insert_with(|| text.trim().to_owned());
                        *counts.entry(tag).or_default() += 1;
                    }
                }
            }
            if let Some(language) = language_of(&practice.language) {
                *languages.entry(language).or_default() += 1;
            }
            *orgs.entry(stored.org).or_default() += 1;
        }
        let shown = |tags: Vec<String>| -> Vec<Tag> {
            tags.into_iter()
                .map(|key| Tag {
                    shown: written.get(&key).cloned().unwrap_or_else(|| key.clone()),
                    key,
                })
                .collect()
        };
        Ok(Vocabulary {
            themes: shown(most_used(themes)),
            regions: shown(most_used(regions)),
            languages: most_used(languages),
            orgs: most_used(orgs),
        })
    }
}

/// A theme or region the network uses.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tag {
    /// As the store indexes it and filters compare it: lowercase.
    key: String,
    /// As people wrote it.
    shown: String,
}

/// The keys of `counts`, the most used first (ties in order), at most [`MAX_CHOICES`].
fn most_used<K: Ord + Clone>(counts: HashMap<K, usize>) -> Vec<K> {
    let mut counted: Vec<(K, usize)> = counts.into_iter().collect();
    counted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counted.truncate(MAX_CHOICES);
    counted.into_iter().map(|(key, _)| key).collect()
}

/// A theme or region as the store indexes it: trimmed, lowercase, not too long.
fn tag_of(text: &str) -> Option<String> {
    let tag = text.trim().to_lowercase();
    (!tag.is_empty() && tag.len() <= MAX_TAG_BYTES).then_some(tag)
}

/// A language code as filters compare it: trimmed, lowercase, short.
fn language_of(text: &str) -> Option<String> {
    let code = text.trim().to_lowercase();
    (!code.is_empty() && code.len() <= 16).then_some(code)
}

/// A language's name in itself with its code, such as "Español (es)", or the code
/// alone when the app does not know it.
fn language_label(code: &str) -> String {
    let primary = code.split(['-', '_']).next().unwrap_or(code);
    LANGUAGES
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(primary))
        .map_or_else(|| code.to_owned(), |(_, name)| format!("{name} ({code})"))
}

/// A `lang=` value that is safe to put in an attribute and plausible as BCP 47.
fn lang_attribute(code: &str) -> Option<String> {
    let code = code.trim();
    (!code.is_empty()
        && code.len() <= 35
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    .then(|| code.to_owned())
}

/// `fields`, urlencoded, the empty ones left out.
fn query_string(fields: &[(&str, &str)]) -> String {
    let kept: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .copied()
        .collect();
    serde_urlencoded::to_string(kept).unwrap_or_default()
}

/// The library filtered by one theme or region.
fn tag_links(tags: &[String], field: &str) -> Vec<TagLink> {
    tags.iter()
        .filter_map(|text| {
            let tag = tag_of(text)?;
            Some(TagLink {
                text: text.trim().to_owned(),
                href: format!("/cases?{}", query_string(&[(field, &tag)])),
            })
        })
        .collect()
}

/// The first millisecond (UTC) of a `YYYY-MM-DD` date, as a date input sends it.
fn date_start_ms(text: &str) -> Option<u64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    CivilDate::new(year, month, day)?.start_ms()
}

/// A paging cursor as the library's links carry it: `TIMESTAMP.rec_…`.
fn cursor_text(timestamp_ms: u64, id: &RecordId) -> String {
    format!("{timestamp_ms}.{id}")
}

fn parse_cursor(text: &str) -> Option<(u64, RecordId)> {
    let (timestamp, id) = text.trim().split_once('.')?;
    Some((timestamp.parse().ok()?, id.parse().ok()?))
}

/// The practice a stored record holds, if it is one.
fn practice_of(stored: &StoredRecord) -> Option<&Practice> {
    match &stored.record.record().body {
        Body::Practice(practice) => Some(practice),
        _ => None,
    }
}

fn parse_id(text: &str) -> Option<RecordId> {
    text.trim().parse().ok()
}

// ---- the library ----

/// The library's address fields, as links and the filter form send them.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LibraryParams {
    q: String,
    theme: String,
    region: String,
    lang: String,
    org: String,
    since: String,
    before: String,
}

/// One case study in the library's list.
#[derive(Debug, Clone)]
struct Listed {
    href: String,
    title: String,
    lang: Option<String>,
    org: String,
    org_href: String,
    date: String,
    summary: String,
    themes: Vec<TagLink>,
    regions: Vec<TagLink>,
    members_only: bool,
    /// When the version shown was published, if it is a revision.
    edited: Option<String>,
}

/// The version of a case study a list shows.
#[derive(Debug, Clone)]
struct Shown {
    practice: Practice,
    /// When it was published, if it is a revision.
    edited_ms: Option<u64>,
}

impl Shown {
    /// The version shown of the case study `original`.
    fn read(store: &dyn Store, original: &StoredRecord) -> Result<Option<Shown>, StoreError> {
        let Some(versions) = view::read_versions(store, &original.record.id())? else {
            return Ok(None);
        };
        Ok(match versions.latest_body() {
            Body::Practice(practice) => Some(Shown {
                practice,
                edited_ms: versions.edited_ms(),
            }),
            _ => None,
        })
    }
}

#[derive(Debug, Template)]
#[template(path = "cases_library.html")]
struct Library {
    page: Layout,
    q: String,
    since: String,
    themes: Vec<Choice>,
    regions: Vec<Choice>,
    languages: Vec<Choice>,
    orgs: Vec<Choice>,
    /// Why the search or a filter could not be used.
    search_error: Option<String>,
    since_error: Option<String>,
    filtered: bool,
    cases: Vec<Listed>,
    /// Whether this page is not the first.
    paged: bool,
    /// The older page's address, when there is one.
    older: Option<String>,
    /// The first page's address with the same filters.
    newest: String,
    /// The page looked through its bound without filling up.
    stopped_early: bool,
    /// How many candidates a page looks through at most.
    scan_bound: usize,
}

/// What one library page found.
struct Found {
    names: OrgDirectory,
    vocabulary: Vocabulary,
    /// The case studies found: each original with the version shown.
    cases: Vec<(StoredRecord, Shown)>,
    /// Where the next page starts, when there may be one.
    next: Option<(u64, RecordId)>,
    stopped_early: bool,
}

/// The filters of one library page, checked.
#[derive(Debug, Clone, Default)]
struct Filters {
    text: Option<SearchText>,
    theme: Option<String>,
    region: Option<String>,
    language: Option<String>,
    org: Option<OrgId>,
    since_ms: Option<u64>,
    before: Option<(u64, RecordId)>,
}

impl Filters {
    fn keeps(&self, practice: &Practice) -> bool {
        let has = |tags: &[String], wanted: &Option<String>| {
            wanted.as_ref().is_none_or(|wanted| {
                tags.iter()
                    .any(|tag| tag_of(tag).is_some_and(|tag| tag == *wanted))
            })
        };
        has(&practice.themes, &self.theme)
            && has(&practice.regions, &self.region)
            && self.language.as_ref().is_none_or(|wanted| {
                language_of(&practice.language).is_some_and(|code| code == *wanted)
            })
    }
}

fn find_page(
    store: &dyn Store,
    charter: &Charter,
    filters: &Filters,
    run: bool,
) -> Result<Found, StoreError> {
    let names = OrgDirectory::read(store, charter)?;
    let vocabulary = Vocabulary::read(store)?;
    let mut cases: Vec<(StoredRecord, Shown)> = Vec::new();
    let mut next = None;
    let mut stopped_early = false;
    if run {
        // The store filters by one tag; the other, and the language, are checked here.
        let narrowed_here =
            filters.language.is_some() || (filters.theme.is_some() && filters.region.is_some());
        let batch = if narrowed_here {
            SCAN_BATCH
        } else {
            PAGE_SIZE + 1
        };
        let mut query = RecordQuery {
            kind: Some(BodyKind::Practice),
            org: filters.org,
            tag: filters.theme.clone().or_else(|| filters.region.clone()),
            since_ms: filters.since_ms,
            text: filters.text.clone(),
            before: filters.before,
            limit: batch,
        };
        let mut scanned = 0;
        loop {
            let candidates = store.query(&query)?;
            let exhausted = candidates.len() < batch;
            scanned += candidates.len();
            let last = candidates
                .last()
                .map(|stored| (stored.record.record().timestamp_ms, stored.record.id()));
            for stored in candidates {
                if cases.len() > PAGE_SIZE {
                    break;
                }
                // The store finds originals by their own words and tags; the version
                // shown must match the filters too.
                if practice_of(&stored).is_some_and(|practice| filters.keeps(practice))
                    && let Some(shown) = Shown::read(store, &stored)?
                    && filters.keeps(&shown.practice)
                {
                    cases.push((stored, shown));
                }
            }
            if cases.len() > PAGE_SIZE {
                cases.truncate(PAGE_SIZE);
                next = cases
                    .last()
                    .map(|(stored, _)| (stored.record.record().timestamp_ms, stored.record.id()));
                break;
            }
            if exhausted || last.is_none() {
                break;
            }
            if scanned >= MAX_SCANNED {
                stopped_early = true;
                next = last;
                break;
            }
            query.before = last;
        }
    }
    Ok(Found {
        names,
        vocabulary,
        cases,
        next,
        stopped_early,
    })
}

/// `values` as choices, `current` selected and offered even when no held record uses it.
fn choices(values: impl IntoIterator<Item = (String, String)>, current: &str) -> Vec<Choice> {
    let mut list: Vec<Choice> = values
        .into_iter()
        .map(|(value, label)| Choice {
            selected: !current.is_empty() && value == current,
            value,
            label,
        })
        .collect();
    if !current.is_empty() && !list.iter().any(|choice| choice.selected) {
        list.insert(
            0,
            Choice {
                value: current.to_owned(),
                label: current.to_owned(),
                selected: true,
            },
        );
    }
    list
}

async fn library(
    State(state): State<AppState>,
    staff: Staff,
    Query(params): Query<LibraryParams>,
) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Cases, t.msg("cases-title"));
    let q = params.q.trim().to_owned();
    let theme = tag_of(&params.theme).unwrap_or_default();
    let region = tag_of(&params.region).unwrap_or_default();
    let lang = language_of(&params.lang).unwrap_or_default();
    let org_text = params.org.trim().to_owned();
    let since = params.since.trim().to_owned();

    let mut search_error = None;
    let text = if q.is_empty() {
        None
    } else {
        match SearchText::parse(&q) {
            Ok(text) => Some(text),
            Err(error) => {
                search_error = Some(search_refusal(t, &error));
                None
            }
        }
    };
    let org: Option<OrgId> = if org_text.is_empty() {
        None
    } else {
        match org_text.parse() {
            Ok(org) => Some(org),
            Err(_) => {
                search_error = Some(t.msg("cases-filter-org-unknown"));
                None
            }
        }
    };
    let mut since_error = None;
    let since_ms = if since.is_empty() {
        None
    } else {
        let parsed = date_start_ms(&since);
        if parsed.is_none() {
            since_error = Some(t.msg("cases-filter-since-bad"));
        }
        parsed
    };
    let filters = Filters {
        text,
        theme: (!theme.is_empty()).then(|| theme.clone()),
        region: (!region.is_empty()).then(|| region.clone()),
        language: (!lang.is_empty()).then(|| lang.clone()),
        org,
        since_ms,
        before: parse_cursor(&params.before),
    };
    let run = search_error.is_none() && since_error.is_none();
    let charter = state.node().charter.clone();
    let query_filters = filters.clone();
    let found = match state
        .read(move |store| find_page(store, &charter, &query_filters, run))
        .await
    {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let names = &found.names;
    let filter_fields = [
        ("q", q.as_str()),
        ("theme", theme.as_str()),
        ("region", region.as_str()),
        ("lang", lang.as_str()),
        ("org", org_text.as_str()),
        ("since", since.as_str()),
    ];
    let newest = match query_string(&filter_fields) {
        fields if fields.is_empty() => "/cases".to_owned(),
        fields => format!("/cases?{fields}"),
    };
    let older = found.next.map(|(timestamp, id)| {
        let cursor = cursor_text(timestamp, &id);
        let mut fields = filter_fields.to_vec();
        fields.push(("before", cursor.as_str()));
        format!("/cases?{}", query_string(&fields))
    });
    let cases = found
        .cases
        .iter()
        .map(|(stored, shown)| {
            let practice = &shown.practice;
            let summary = if practice.summary.trim().is_empty() {
                &practice.body
            } else {
                &practice.summary
            };
            Listed {
                href: format!("/cases/{}", stored.record.id()),
                title: practice.title.clone(),
                lang: lang_attribute(&practice.language),
                org: names.name(&stored.org),
                org_href: format!("/members/{}", stored.org),
                date: t.date(stored.record.record().timestamp_ms),
                summary: excerpt(summary, EXCERPT_CHARS),
                themes: tag_links(&practice.themes, "theme"),
                regions: tag_links(&practice.regions, "region"),
                members_only: practice.visibility == Visibility::Members,
                edited: shown.edited_ms.map(|ms| t.date(ms)),
            }
        })
        .collect();
    let vocabulary = &found.vocabulary;
    let page = Library {
        themes: choices(
            vocabulary
                .themes
                .iter()
                .map(|tag| (tag.key.clone(), tag.shown.clone())),
            &theme,
        ),
        regions: choices(
            vocabulary
                .regions
                .iter()
                .map(|tag| (tag.key.clone(), tag.shown.clone())),
            &region,
        ),
        languages: choices(
            vocabulary
                .languages
                .iter()
                .map(|code| (code.clone(), language_label(code))),
            &lang,
        ),
        orgs: choices(
            vocabulary
                .orgs
                .iter()
                .map(|org| (org.to_string(), names.name(org))),
            &org_text,
        ),
        filtered: filter_fields.iter().any(|(_, value)| !value.is_empty()),
        q,
        since,
        search_error,
        since_error,
        cases,
        paged: filters.before.is_some(),
        older,
        newest,
        stopped_early: found.stopped_early,
        scan_bound: MAX_SCANNED,
        page: layout,
    };
    Ok(render(&page))
}

fn search_refusal(t: &Tr, error: &SearchError) -> String {
    match error {
        SearchError::NoWords => t.msg("cases-search-no-words"),
        SearchError::TooLong { .. } | SearchError::TooManyWords { .. } => {
            t.msg("cases-search-too-long")
        }
        _ => t.msg("cases-search-no-words"),
    }
}

// ---- one case study ----

/// What the store holds of one id.
enum Held {
    /// A case study: its original and the version shown.
    Case(Box<Versions>),
    /// Held, but not a case study: it has its own page elsewhere, or none.
    Other(Option<String>),
    Retracted {
        tombstone: Tombstone,
        timestamp_ms: Option<u64>,
        retraction: Option<Box<StoredRecord>>,
    },
    Nothing,
}

fn find_one(store: &dyn Store, id: &RecordId) -> Result<Held, StoreError> {
    if let Some(stored) = store.record(id)? {
        if practice_of(&stored).is_some() {
            return Ok(match view::read_versions(store, id)? {
                Some(versions) => Held::Case(Box::new(versions)),
                None => Held::Nothing,
            });
        }
        // A revision's id leads to the page of the record it revises.
        let body = &stored.record.record().body;
        return Ok(Held::Other(view::record_link(body, id)));
    }
    let Some(tombstone) = store.tombstone(id)? else {
        return Ok(Held::Nothing);
    };
    let timestamp_ms = store
        .entry(&tombstone.author, tombstone.seq)?
        .map(|entry| entry.timestamp_ms);
    let retraction = store.record(&tombstone.retraction)?.map(Box::new);
    Ok(Held::Retracted {
        tombstone,
        timestamp_ms,
        retraction,
    })
}

#[derive(Debug, Template)]
#[template(path = "cases_show.html")]
struct CasePage {
    page: Layout,
    id: String,
    short_id: String,
    title: String,
    lang: Option<String>,
    summary: String,
    body_html: String,
    org: String,
    org_href: String,
    org_member: bool,
    ours: bool,
    published: String,
    /// When the version shown was published, if it is a revision.
    edited: Option<String>,
    /// How many revisions there are.
    edits: usize,
    /// The files it carries.
    files: Vec<files::FileView>,
    language: String,
    licence: String,
    members_only: bool,
    themes: Vec<TagLink>,
    regions: Vec<TagLink>,
    links: Vec<String>,
    links_hidden: usize,
    device_key: String,
    device_label: Option<String>,
    /// The device's org revoked it from this record's place in its feed or earlier.
    device_revoked: bool,
    signature_ok: bool,
    checked_at: String,
    /// Whether a member asked to redact it, and our staff's way to ask or vote.
    redaction: super::redactions::RedactionPanel,
}

#[derive(Debug, Template)]
#[template(path = "cases_retracted.html")]
struct RetractedPage {
    page: Layout,
    /// Redacted by the members' vote, not retracted by its org.
    redacted: bool,
    org: Option<String>,
    org_href: Option<String>,
    when: Option<String>,
    reason: Option<String>,
    retracted_on: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ShowParams {
    done: String,
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Path(id_text): Path<String>,
    Query(params): Query<ShowParams>,
) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(&state, &staff, Section::Cases, t.msg("cases-title"));
    let Some(id) = parse_id(&id_text) else {
        return Err(layout.not_found());
    };
    let charter = state.node().charter.clone();
    let folded = state.node().roster();
    let read = state
        .read(move |store| {
            Ok((
                find_one(store, &id)?,
                OrgDirectory::read(store, &charter)?,
                super::redactions::proposal_on(store, &folded, id)?,
            ))
        })
        .await;
    let (held, names, proposal) = match read {
        Ok(found) => found,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let notice = match params.done.as_str() {
        "published" => Some(t.msg("cases-done-published")),
        "retracted" => Some(t.msg("cases-done-retracted")),
        "redaction-voted" => Some(t.msg("redaction-done-voted")),
        "redacted" => Some(t.msg("redaction-done-redacted")),
        "edited" => Some(t.msg("cases-done-edited")),
        "fetching" => Some(t.msg("cases-done-fetching")),
        _ => None,
    };
    let layout = layout.with_notice(notice);
    let roster = state.node().roster();
    match held {
        Held::Nothing => Err(layout.not_found()),
        Held::Other(Some(path)) => Ok(Redirect::to(&path).into_response()),
        Held::Other(None) => Err(layout.not_found()),
        Held::Retracted {
            tombstone,
            timestamp_ms,
            retraction,
        } => {
            let org = roster.device(&tombstone.author).map(|device| device.org);
            let reason =
                retraction
                    .as_ref()
                    .and_then(|stored| match &stored.record.record().body {
                        Body::Retraction(retraction) if !retraction.reason.trim().is_empty() => {
                            Some(retraction.reason.clone())
                        }
                        Body::RedactionVote(vote) => Some(vote.reason.clone()),
                        _ => None,
                    });
            let redacted = retraction.as_ref().is_some_and(|stored| {
                matches!(stored.record.record().body, Body::RedactionVote(_))
            });
            let mut layout = layout;
            layout.title = t.msg(if redacted {
                "redaction-redacted-title"
            } else {
                "cases-retracted-title"
            });
            let page = RetractedPage {
                redacted,
                org: org.map(|org| names.name(&org)),
                org_href: org.map(|org| format!("/members/{org}")),
                when: timestamp_ms.map(|ms| t.date(ms)),
                retracted_on: retraction
                    .as_ref()
                    .map(|stored| t.date(stored.record.record().timestamp_ms)),
                reason,
                page: layout,
            };
            Ok(render(&page))
        }
        Held::Case(versions) => {
            let Body::Practice(practice) = versions.latest_body() else {
                return Err(layout.not_found());
            };
            let practice = &practice;
            let stored = &versions.latest;
            let original = &versions.original;
            let header = stored.record.record();
            let network = state.node().network;
            // The version shown is the one whose signature is checked and named.
            let signature_ok = validate_record(stored.record.signed_bytes(), &network)
                .is_ok_and(|verified| verified.id() == stored.record.id());
            if !signature_ok {
                tracing::error!(record = %stored.record.id(), "a stored case study no longer verifies");
            }
            let device = roster.device(&header.author);
            let (links, links_hidden) = shown_links(&practice.links);
            let files = files::file_views(&state, t, &id, &practice.attachments).await;
            let mut layout = layout;
            layout.title = practice.title.clone();
            let page = CasePage {
                id: id.to_string(),
                short_id: view::short_id(&id),
                title: practice.title.clone(),
                lang: lang_attribute(&practice.language),
                summary: practice.summary.trim().to_owned(),
                body_html: markdown::render(&practice.body),
                org: names.name(&original.org),
                org_href: format!("/members/{}", original.org),
                org_member: roster.is_member(&original.org),
                ours: original.org == state.node().org,
                published: t.datetime(original.record.record().timestamp_ms),
                edited: versions.edited_ms().map(|ms| t.datetime(ms)),
                edits: versions.revisions.len(),
                files,
                language: language_label(practice.language.trim()),
                licence: practice.licence.trim().to_owned(),
                members_only: practice.visibility == Visibility::Members,
                themes: tag_links(&practice.themes, "theme"),
                regions: tag_links(&practice.regions, "region"),
                links,
                links_hidden,
                device_key: header.author.to_string(),
                device_label: device
                    .as_ref()
                    .map(|device| device.label.trim().to_owned())
                    .filter(|label| !label.is_empty()),
                device_revoked: device
                    .as_ref()
                    .and_then(|device| device.revoked_from)
                    .is_some_and(|from| header.seq >= from),
                signature_ok,
                checked_at: t.datetime(now_ms()),
                redaction: super::redactions::panel(
                    t,
                    super::redactions::Redacted::CaseStudy(id),
                    proposal.as_ref(),
                    &roster,
                    state.node().org,
                    original.org,
                    &names,
                ),
                page: layout,
            };
            Ok(render(&page))
        }
    }
}

/// Whether `link` is a web address a page may link to.
fn is_web_link(link: &str) -> bool {
    let lower = link.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && link.len() <= MAX_LINK_BYTES
        && !link.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The links a page shows (web addresses only), and how many others it leaves out.
fn shown_links(links: &[String]) -> (Vec<String>, usize) {
    let shown: Vec<String> = links
        .iter()
        .map(|link| link.trim())
        .filter(|link| is_web_link(link))
        .take(MAX_LINKS)
        .map(str::to_owned)
        .collect();
    let hidden = links.len() - shown.len();
    (shown, hidden)
}

// ---- writing a case study ----

/// A case study being written, as the form holds it.
#[derive(Debug, Clone, Default)]
struct Draft {
    title: String,
    summary: String,
    body: String,
    themes: Vec<String>,
    regions: Vec<String>,
    language: String,
    licence: String,
    links: String,
    public: bool,
    /// The working group it is written to: only its member orgs' devices can read it
    /// (a new case study only; `public` is then false).
    group: Option<RecordId>,
    /// The files the case study carries.
    attachments: Vec<Attachment>,
    /// Whether the form said which files it carries (a form of this app always does;
    /// a post without it keeps the files of the version edited).
    files_listed: bool,
}

/// What the person asked for with the form's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Intent {
    Preview,
    Publish,
    /// Take in the chosen files and show the form again.
    Attach,
}

impl Draft {
    /// The form's fields: checkboxes repeat their names, so they come as pairs.
    fn from_fields(fields: Vec<(String, String)>) -> (Draft, Intent) {
        let mut draft = Draft::default();
        let mut intent = Intent::Preview;
        let mut themes = Vec::new();
        let mut regions = Vec::new();
        let mut removed: Vec<String> = Vec::new();
        for (name, value) in fields.into_iter().take(MAX_FORM_FIELDS) {
            match name.as_str() {
                "title" => draft.title = value,
                // Browsers send a text area's lines ended by CR LF; records keep LF, so
                // an edit that changed nothing compares equal and diffs line by line.
                "summary" => draft.summary = value.replace("\r\n", "\n"),
                "body" => draft.body = value.replace("\r\n", "\n"),
                "theme" | "themes_other" => themes.push(value),
                "region" | "regions_other" => regions.push(value),
                "language" => draft.language = value,
                "licence" => draft.licence = value,
                "links" => draft.links = value.replace("\r\n", "\n"),
                "visibility" => {
                    draft.group = value
                        .strip_prefix("group:")
                        .and_then(|group| group.parse().ok());
                    draft.public = value == "public";
                }
                "action" if value == "publish" => intent = Intent::Publish,
                "action" if value == "attach" => intent = Intent::Attach,
                "file" => {
                    if let Some(file) = files::parse_form_value(&value)
                        && !draft.attachments.iter().any(|held| held.blob == file.blob)
                    {
                        draft.attachments.push(file);
                    }
                }
                "files_listed" => draft.files_listed = true,
                "remove" => removed.push(value),
                _ => {}
            }
        }
        draft.themes = split_list(&themes.join(","));
        draft.regions = split_list(&regions.join(","));
        draft
            .attachments
            .retain(|file| !removed.contains(&file.blob.to_string()));
        (draft, intent)
    }

    /// The form filled with a version of a case study, to edit it.
    fn from_practice(practice: &Practice) -> Draft {
        Draft {
            title: practice.title.clone(),
            summary: practice.summary.clone(),
            body: practice.body.clone(),
            themes: practice.themes.clone(),
            regions: practice.regions.clone(),
            language: practice.language.clone(),
            licence: practice.licence.clone(),
            links: practice.links.join("\n"),
            public: practice.visibility == Visibility::Public,
            group: None,
            attachments: practice.attachments.clone(),
            files_listed: true,
        }
    }

    fn links(&self) -> Vec<String> {
        self.links
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn practice(&self) -> Practice {
        Practice {
            title: self.title.trim().to_owned(),
            summary: self.summary.trim().to_owned(),
            body: self.body.trim_end().to_owned(),
            themes: self.themes.clone(),
            regions: self.regions.clone(),
            language: self.language.trim().to_owned(),
            licence: self.licence.trim().to_owned(),
            links: self.links(),
            visibility: if self.public {
                Visibility::Public
            } else {
                Visibility::Members
            },
            attachments: self.attachments.clone(),
        }
    }
}

/// Each field's problem, in the person's words.
#[derive(Debug, Clone, Default)]
struct Problems {
    title: Option<String>,
    summary: Option<String>,
    body: Option<String>,
    themes: Option<String>,
    regions: Option<String>,
    language: Option<String>,
    licence: Option<String>,
    links: Option<String>,
    /// Why a file was not taken in or cannot be published.
    files: Option<String>,
    /// What the node said when it refused to publish.
    publish: Option<String>,
}

impl Problems {
    fn any(&self) -> bool {
        self.title.is_some()
            || self.summary.is_some()
            || self.body.is_some()
            || self.themes.is_some()
            || self.regions.is_some()
            || self.language.is_some()
            || self.licence.is_some()
            || self.links.is_some()
            || self.files.is_some()
            || self.publish.is_some()
    }
}

fn check_tags(t: &Tr, tags: &[String]) -> Option<String> {
    if tags.len() > MAX_TAGS {
        return Some(t.with(
            "cases-error-too-many-tags",
            &[
                ("count", ArgValue::Number(tags.len() as u64)),
                ("max", ArgValue::Number(MAX_TAGS as u64)),
            ],
        ));
    }
    tags.iter()
        .find(|tag| tag.len() > MAX_TAG_BYTES)
        .map(|tag| t.text("cases-error-tag-too-long", "tag", &excerpt(tag, 40)))
}

fn check(t: &Tr, draft: &Draft) -> Problems {
    let mut problems = Problems::default();
    let title = draft.title.trim();
    if title.is_empty() {
        problems.title = Some(t.msg("cases-error-title-empty"));
    } else if title.chars().count() > MAX_TITLE_CHARS {
        problems.title = Some(t.count("cases-error-title-long", MAX_TITLE_CHARS));
    }
    if draft.summary.trim().chars().count() > MAX_SUMMARY_CHARS {
        problems.summary = Some(t.count("cases-error-summary-long", MAX_SUMMARY_CHARS));
    }
    if draft.body.trim().is_empty() {
        problems.body = Some(t.msg("cases-error-body-empty"));
    }
    problems.themes = check_tags(t, &draft.themes);
    problems.regions = check_tags(t, &draft.regions);
    let language = draft.language.trim();
    if language.is_empty() || lang_attribute(language).is_none() || language.len() > 16 {
        problems.language = Some(t.msg("cases-error-language"));
    }
    if draft.licence.trim().chars().count() > 100 {
        problems.licence = Some(t.msg("cases-error-licence"));
    }
    let links = draft.links();
    if links.len() > MAX_LINKS {
        problems.links = Some(t.count("cases-error-links-many", MAX_LINKS));
    } else if let Some(bad) = links.iter().find(|link| !is_web_link(link)) {
        problems.links = Some(t.text("cases-error-link", "link", &excerpt(bad, 80)));
    }
    if problems.body.is_none() {
        let size = Body::Practice(draft.practice()).encode().len() + HEADER_ROOM;
        if size > MAX_PAYLOAD_BYTES {
            problems.body = Some(t.with(
                "cases-error-too-big",
                &[
                    ("size", ArgValue::Number(size.div_ceil(1024) as u64)),
                    (
                        "max",
                        ArgValue::Number(((MAX_PAYLOAD_BYTES - HEADER_ROOM) / 1024) as u64),
                    ),
                ],
            ));
        }
    }
    problems
}

/// A preview of a draft, rendered as the case-study page will show it.
#[derive(Debug, Clone)]
struct Preview {
    title: String,
    lang: Option<String>,
    summary: String,
    body_html: String,
    themes: Vec<String>,
    regions: Vec<String>,
    members_only: bool,
}

#[derive(Debug, Template)]
#[template(path = "cases_new.html")]
struct NewPage {
    page: Layout,
    /// A new case study, or which one is edited.
    target: FormTarget,
    draft: Draft,
    problems: Problems,
    preview: Option<Preview>,
    theme_choices: Vec<Choice>,
    themes_other: String,
    region_choices: Vec<Choice>,
    regions_other: String,
    languages: Vec<Choice>,
    licences: [&'static str; 5],
    /// The files the draft carries.
    files: Vec<FormFile>,
    /// What the file input says about sizes.
    files_hint: String,
    /// The working groups our org is in, a new case study's other audiences.
    groups: Vec<GroupAudience>,
}

/// A working group a new case study can be written to.
#[derive(Debug, Clone)]
struct GroupAudience {
    /// The radio button's value: `group:<id>`.
    value: String,
    name: String,
    checked: bool,
}

/// The working groups our org is a member of, by name.
async fn our_groups(state: &AppState) -> Result<Vec<WorkingGroup>, StoreError> {
    let roster = state.node().roster();
    let ours = state.node().org;
    let mut groups = state
        .read(move |store| commons_node::groups::held_groups(store, &roster))
        .await?;
    let roster = state.node().roster();
    groups.retain(|group| group.is_member(&ours, &roster));
    Ok(groups)
}

/// A file the form lists, to keep or remove.
#[derive(Debug, Clone)]
struct FormFile {
    /// The hidden field that carries it to the next post.
    value: String,
    /// Its id, the Remove box's value.
    blob: String,
    name: String,
    media_type: String,
    size: String,
}

/// The network's tags as checkboxes, the draft's ticked; the draft's others as text.
fn tag_choices(suggested: &[Tag], chosen: &[String]) -> (Vec<Choice>, String) {
    let suggested = &suggested[..suggested.len().min(MAX_SUGGESTED_TAGS)];
    let choices: Vec<Choice> = suggested
        .iter()
        .map(|tag| Choice {
            value: tag.shown.clone(),
            label: tag.shown.clone(),
            selected: chosen
                .iter()
                .any(|mine| mine.trim().to_lowercase() == tag.key),
        })
        .collect();
    let others: Vec<&str> = chosen
        .iter()
        .filter(|mine| {
            let mine = mine.trim().to_lowercase();
            !suggested.iter().any(|tag| tag.key == mine)
        })
        .map(String::as_str)
        .collect();
    (choices, others.join(", "))
}

fn language_choices(current: &str) -> Vec<Choice> {
    choices(
        LANGUAGES
            .iter()
            .map(|(code, name)| ((*code).to_owned(), format!("{name} ({code})"))),
        current.trim(),
    )
}

/// What the case-study form writes: a new case study, or a new version of one of ours.
#[derive(Debug, Clone)]
struct FormTarget {
    /// Where the form posts.
    action: String,
    /// Where Cancel leads.
    cancel: String,
    /// The case study edited, if any (its original's id).
    editing: Option<String>,
}

impl FormTarget {
    fn new_case() -> FormTarget {
        FormTarget {
            action: "/cases/new".to_owned(),
            cancel: "/cases".to_owned(),
            editing: None,
        }
    }

    fn edit(original: &RecordId) -> FormTarget {
        FormTarget {
            action: format!("/cases/{original}/edit"),
            cancel: format!("/cases/{original}"),
            editing: Some(original.to_string()),
        }
    }
}

async fn new_page(
    state: &AppState,
    staff: &Staff,
    target: FormTarget,
    draft: Draft,
    problems: Problems,
    preview: bool,
) -> PageResult {
    let t = &staff.tr;
    let title = if target.editing.is_some() {
        t.msg("cases-edit-title")
    } else {
        t.msg("cases-new-title")
    };
    let layout = Layout::new(state, staff, Section::Cases, title);
    let vocabulary = match state.read(Vocabulary::read).await {
        Ok(vocabulary) => vocabulary,
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let groups = if target.editing.is_none() {
        match our_groups(state).await {
            Ok(groups) => groups
                .iter()
                .map(|group| GroupAudience {
                    value: format!("group:{}", group.id()),
                    name: group.name().to_owned(),
                    checked: draft.group == Some(group.id()),
                })
                .collect(),
            Err(error) => return Err(layout.store_failure(&error)),
        }
    } else {
        Vec::new()
    };
    let (theme_choices, themes_other) = tag_choices(&vocabulary.themes, &draft.themes);
    let (region_choices, regions_other) = tag_choices(&vocabulary.regions, &draft.regions);
    let preview = (preview && !draft.body.trim().is_empty()).then(|| Preview {
        title: draft.title.trim().to_owned(),
        lang: lang_attribute(&draft.language),
        summary: draft.summary.trim().to_owned(),
        body_html: markdown::render(&draft.body),
        themes: draft.themes.clone(),
        regions: draft.regions.clone(),
        members_only: !draft.public,
    });
    let status = if problems.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let files = draft
        .attachments
        .iter()
        .map(|file| FormFile {
            value: files::form_value(file),
            blob: file.blob.to_string(),
            name: file.name.clone(),
            media_type: file.media_type.clone(),
            size: files::size_text(t, file.size),
        })
        .collect();
    let page = NewPage {
        target,
        files,
        files_hint: t.with(
            "cases-files-hint",
            &[(
                "max",
                ArgValue::Number(state.node().attachments.max_bytes / (1024 * 1024)),
            )],
        ),
        languages: language_choices(&draft.language),
        licences: LICENCES,
        theme_choices,
        themes_other,
        region_choices,
        regions_other,
        preview,
        draft,
        problems,
        groups,
        page: layout,
    };
    let mut response = render(&page);
    *response.status_mut() = status;
    Ok(response)
}

async fn new_form(State(state): State<AppState>, staff: Staff) -> PageResult {
    let draft = Draft {
        language: staff.tr.lang().code().to_owned(),
        licence: DEFAULT_LICENCE.to_owned(),
        ..Draft::default()
    };
    new_page(
        &state,
        &staff,
        FormTarget::new_case(),
        draft,
        Problems::default(),
        false,
    )
    .await
}

async fn new_posted(State(state): State<AppState>, post: CasePost) -> PageResult {
    let (staff, draft, intent, problems) = read_post(&state, post, &[]).await;
    let t = &staff.tr;
    if intent != Intent::Publish || problems.any() {
        return new_page(
            &state,
            &staff,
            FormTarget::new_case(),
            draft,
            problems,
            intent == Intent::Preview,
        )
        .await;
    }
    let published = match draft.group {
        Some(group) => publish_to_group(&state, t, group, &draft)
            .await
            .map(|()| format!("/groups/{group}?done=1")),
        None => view::publish(&state, t, Body::Practice(draft.practice()))
            .await
            .map(|published| format!("/cases/{}?done=published", published.id)),
    };
    match published {
        Ok(path) => Ok(Redirect::to(&path).into_response()),
        Err(refusal) => {
            let problems = Problems {
                publish: Some(refusal),
                ..Problems::default()
            };
            new_page(
                &state,
                &staff,
                FormTarget::new_case(),
                draft,
                problems,
                false,
            )
            .await
        }
    }
}

/// Seals the draft to `group`'s member orgs' devices and publishes it
/// ([`commons_node::groups::publish_to_group`]), or says why not. Files are refused: the
/// bytes of an attachment travel and are stored in clear (docs/groups.md).
async fn publish_to_group(
    state: &AppState,
    t: &Tr,
    group: RecordId,
    draft: &Draft,
) -> Result<(), String> {
    if !draft.attachments.is_empty() {
        return Err(t.msg("cases-group-no-files"));
    }
    let groups = our_groups(state)
        .await
        .map_err(|error| t.text("publish-failed", "detail", &error.to_string()))?;
    let Some(found) = groups.into_iter().find(|known| known.id() == group) else {
        return Err(t.msg("groups-form-not-member"));
    };
    let practice = Practice {
        visibility: Visibility::Members,
        ..draft.practice()
    };
    let roster = state.node().roster();
    commons_node::groups::publish_to_group(state.node(), &found, &roster, &Body::Practice(practice))
        .await
        .map(|_| ())
        .map_err(|error| match error {
            GroupPublishError::NotMember { .. } => t.msg("groups-form-not-member"),
            GroupPublishError::Publish(error) => view::refusal(t, &error),
            other => t.text("groups-publish-failed", "detail", &other.to_string()),
        })
}

// ---- what the form posts ----

/// The case-study form as posted: urlencoded (no file chosen, or a client without
/// files), or multipart (the form with its file input). Both check the CSRF token
/// first ([`Posted`], [`PostedMultipart`]).
#[derive(Debug)]
enum CasePost {
    Form(Posted<Vec<(String, String)>>),
    Files(PostedMultipart),
}

impl CasePost {
    fn staff(&self) -> &Staff {
        match self {
            CasePost::Form(posted) => &posted.staff,
            CasePost::Files(posted) => &posted.staff,
        }
    }
}

impl axum::extract::FromRequest<AppState> for CasePost {
    type Rejection = Response;

    async fn from_request(
        request: axum::extract::Request,
        state: &AppState,
    ) -> Result<Self, Response> {
        let multipart = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("multipart/form-data"));
        if multipart {
            PostedMultipart::from_request(request, state)
                .await
                .map(CasePost::Files)
        } else {
            Posted::from_request(request, state)
                .await
                .map(CasePost::Form)
        }
    }
}

/// The draft a post makes, what the person asked for, and each field's problem: the
/// files it brought imported into the blob store and added, the ones listed checked.
/// `kept` are the files of the version edited (none for a new case study): a file
/// the form lists must be one of them or be held here whole at its size.
async fn read_post(
    state: &AppState,
    post: CasePost,
    kept: &[Attachment],
) -> (Staff, Draft, Intent, Problems) {
    let (staff, fields, upload) = match post {
        CasePost::Form(Posted { staff, form }) => (staff, form, files::Upload::default()),
        CasePost::Files(PostedMultipart {
            staff,
            before,
            multipart,
        }) => {
            let mut upload = files::read_upload(state, &staff.tr, multipart).await;
            let mut fields = before;
            fields.append(&mut upload.fields);
            (staff, fields, upload)
        }
    };
    let t = &staff.tr;
    let (mut draft, mut intent) = Draft::from_fields(fields);
    if upload.cut {
        // The fields after the refused file, the button pressed among them, were
        // not read: show the form again, publishing nothing.
        intent = Intent::Attach;
    }
    if !draft.files_listed {
        draft.attachments = kept.to_vec();
    }
    let mut files_problem = upload.refused;
    // A file listed by the form must be one the version edited has, or one held here.
    let listed = std::mem::take(&mut draft.attachments);
    let blobs = state.node().blobs.clone();
    let kept_files = kept.to_vec();
    let checked: Vec<Attachment> = tokio::task::spawn_blocking(move || {
        listed
            .into_iter()
            .filter(|file| {
                kept_files.contains(file)
                    || blobs.size(&file.blob).ok().flatten() == Some(file.size)
            })
            .collect()
    })
    .await
    .unwrap_or_default();
    draft.attachments = checked;
    for mut file in upload.files {
        if draft.attachments.iter().any(|held| held.blob == file.blob) {
            continue;
        }
        file.name = files::unique_name(&file.name, &draft.attachments);
        draft.attachments.push(file);
    }
    if draft.attachments.len() > MAX_ATTACHMENTS {
        files_problem = Some(t.count("cases-files-too-many", MAX_ATTACHMENTS));
    }
    let mut problems = check(t, &draft);
    problems.files = files_problem;
    (staff, draft, intent, problems)
}

// ---- editing one of ours ----

/// The version shown of one of our case studies, for the edit form.
fn latest_practice(versions: &Versions) -> Option<Practice> {
    match versions.latest_body() {
        Body::Practice(practice) => Some(practice),
        _ => None,
    }
}

async fn edit_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id_text): Path<String>,
) -> Response {
    let (id, versions) = match ours_to_change(&state, &staff, &id_text, Change::Edit).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(latest) = latest_practice(&versions) else {
        return Redirect::to(&format!("/cases/{id}")).into_response();
    };
    let draft = Draft::from_practice(&latest);
    new_page(
        &state,
        &staff,
        FormTarget::edit(&id),
        draft,
        Problems::default(),
        false,
    )
    .await
    .into_response()
}

/// A new version of one of our case studies: checked like a new one, then published as
/// a revision naming the original ([`Body::Revision`]); the node's one rule then shows
/// it everywhere as the latest version.
async fn edit_posted(
    State(state): State<AppState>,
    Path(id_text): Path<String>,
    post: CasePost,
) -> Response {
    let staff = post.staff().clone();
    let (id, versions) = match ours_to_change(&state, &staff, &id_text, Change::Edit).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(latest) = latest_practice(&versions) else {
        return Redirect::to(&format!("/cases/{id}")).into_response();
    };
    let (staff, draft, intent, mut problems) = read_post(&state, post, &latest.attachments).await;
    let t = &staff.tr;
    let practice = draft.practice();
    if intent == Intent::Publish && !problems.any() && practice == latest {
        problems.publish = Some(t.msg("cases-edit-unchanged"));
    }
    if intent != Intent::Publish || problems.any() {
        return new_page(
            &state,
            &staff,
            FormTarget::edit(&id),
            draft,
            problems,
            intent == Intent::Preview,
        )
        .await
        .into_response();
    }
    let body = Body::Revision(Revision {
        original: id,
        content: Revised::Practice(practice),
    });
    match view::publish(&state, t, body).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}?done=edited")).into_response(),
        Err(refusal) => {
            let problems = Problems {
                publish: Some(refusal),
                ..Problems::default()
            };
            new_page(
                &state,
                &staff,
                FormTarget::edit(&id),
                draft,
                problems,
                false,
            )
            .await
            .into_response()
        }
    }
}

// ---- retracting ----

#[derive(Debug, Template)]
#[template(path = "cases_retract.html")]
struct RetractPage {
    page: Layout,
    id: String,
    title: String,
    lang: Option<String>,
    published: String,
    reason: String,
    reason_error: Option<String>,
    publish_error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RetractForm {
    reason: String,
}

/// What a page that changes one of our case studies (edit, retract) acts on.
#[derive(Debug, Clone, Copy)]
enum Change {
    Edit,
    Retract,
}

impl Change {
    fn title_id(self) -> &'static str {
        match self {
            Change::Edit => "cases-edit-title",
            Change::Retract => "cases-retract-title",
        }
    }

    fn refusal_id(self) -> &'static str {
        match self {
            Change::Edit => "cases-edit-not-ours",
            Change::Retract => "cases-retract-not-ours",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Change::Edit => "edit",
            Change::Retract => "retract",
        }
    }
}

/// One of our case studies, ready to edit or retract, or the page that says why not:
/// only the org that published a case study may change it (the protocol refuses
/// another org's revision or retraction anyway; the app does not offer one).
async fn ours_to_change(
    state: &AppState,
    staff: &Staff,
    id_text: &str,
    change: Change,
) -> Result<(RecordId, Box<Versions>), Response> {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Cases, t.msg(change.title_id()));
    let Some(id) = parse_id(id_text) else {
        return Err(layout.not_found().into_response());
    };
    let held = match state.read(move |store| find_one(store, &id)).await {
        Ok(held) => held,
        Err(error) => return Err(layout.store_failure(&error).into_response()),
    };
    match held {
        Held::Case(versions) if versions.original.org == state.node().org => Ok((id, versions)),
        Held::Case(_) => Err(layout
            .failure(StatusCode::FORBIDDEN, t.msg(change.refusal_id()))
            .into_response()),
        Held::Retracted { .. } => Err(Redirect::to(&format!("/cases/{id}")).into_response()),
        // A revision's id: the same change, on the case study it revises.
        Held::Other(Some(path)) if path.starts_with("/cases/") => {
            Err(Redirect::to(&format!("{path}/{}", change.path())).into_response())
        }
        Held::Other(_) | Held::Nothing => Err(layout.not_found().into_response()),
    }
}

fn retract_page(
    state: &AppState,
    staff: &Staff,
    id: &RecordId,
    versions: &Versions,
    reason: String,
    reason_error: Option<String>,
    publish_error: Option<String>,
) -> Response {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, Section::Cases, t.msg("cases-retract-title"));
    let latest = versions.latest_body();
    let practice = match &latest {
        Body::Practice(practice) => Some(practice),
        _ => None,
    };
    let failed = reason_error.is_some() || publish_error.is_some();
    let page = RetractPage {
        id: id.to_string(),
        title: practice
            .map(|practice| practice.title.clone())
            .unwrap_or_default(),
        lang: practice.and_then(|practice| lang_attribute(&practice.language)),
        published: t.date(versions.original.record.record().timestamp_ms),
        reason,
        reason_error,
        publish_error,
        page: layout,
    };
    let mut response = render(&page);
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}

async fn retract_form(
    State(state): State<AppState>,
    staff: Staff,
    Path(id_text): Path<String>,
) -> Response {
    match ours_to_change(&state, &staff, &id_text, Change::Retract).await {
        Ok((id, versions)) => {
            retract_page(&state, &staff, &id, &versions, String::new(), None, None)
        }
        Err(response) => response,
    }
}

async fn retract_posted(
    State(state): State<AppState>,
    Path(id_text): Path<String>,
    Posted { staff, form }: Posted<RetractForm>,
) -> Response {
    let t = &staff.tr;
    let (id, versions) = match ours_to_change(&state, &staff, &id_text, Change::Retract).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let reason = form.reason.trim().to_owned();
    let reason_error = if reason.is_empty() {
        Some(t.msg("cases-retract-reason-empty"))
    } else if reason.chars().count() > MAX_REASON_CHARS {
        Some(t.count("cases-retract-reason-long", MAX_REASON_CHARS))
    } else {
        None
    };
    if reason_error.is_some() {
        return retract_page(
            &state,
            &staff,
            &id,
            &versions,
            form.reason,
            reason_error,
            None,
        );
    }
    // One retraction per version, the original last, so that every tombstone names
    // a retraction of its own record ([`commons_node::revisions::retractions`]).
    let org = state.node().org;
    let bodies = match state
        .read(move |store| commons_node::revisions::retractions(store, id, org, &reason))
        .await
    {
        Ok(bodies) => bodies,
        Err(error) => {
            let layout = Layout::new(&state, &staff, Section::Cases, t.msg("cases-retract-title"));
            return layout.store_failure(&error).into_response();
        }
    };
    let mut outcome = Ok(());
    for body in bodies {
        if let Err(refusal) = view::publish(&state, t, body).await {
            outcome = Err(refusal);
            break;
        }
    }
    match outcome {
        Ok(()) => Redirect::to(&format!("/cases/{id}?done=retracted")).into_response(),
        Err(refusal) => retract_page(
            &state,
            &staff,
            &id,
            &versions,
            form.reason,
            None,
            Some(refusal),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_start_at_midnight_utc() {
        assert_eq!(date_start_ms("1970-01-01"), Some(0));
        assert_eq!(date_start_ms("2024-03-01"), Some(1_709_251_200_000));
        assert_eq!(date_start_ms("2000-02-29"), Some(951_782_400_000));
        assert_eq!(date_start_ms("2024-13-01"), None);
        assert_eq!(date_start_ms("2026-02-31"), None);
        assert_eq!(date_start_ms("1969-12-31"), None);
        assert_eq!(date_start_ms("yesterday"), None);
        assert_eq!(date_start_ms(""), None);
    }

    #[test]
    fn cursors_round_trip() {
        let id = RecordId::of(b"a case study");
        let text = cursor_text(1_700_000_000_000, &id);
        assert_eq!(parse_cursor(&text), Some((1_700_000_000_000, id)));
        assert_eq!(parse_cursor("12.rec_nothex"), None);
        assert_eq!(parse_cursor("nonsense"), None);
    }

    #[test]
    fn only_web_links_are_links() {
        assert!(is_web_link("https://example.org/report.pdf"));
        assert!(is_web_link("http://example.org"));
        assert!(!is_web_link("javascript:alert(1)"));
        assert!(!is_web_link("https://"));
        assert!(!is_web_link("https://exa mple.org"));
        let (shown, hidden) = shown_links(&[
            "https://example.org".to_owned(),
            "data:text/html,hi".to_owned(),
        ]);
        assert_eq!(shown, vec!["https://example.org"]);
        assert_eq!(hidden, 1);
    }

    #[test]
    fn the_form_keeps_checked_and_typed_tags_once() {
        let fields = [
            ("title", "T"),
            ("theme", "housing"),
            ("theme", "land"),
            ("themes_other", "Housing, water"),
            ("region", "east africa"),
            ("visibility", "public"),
            ("action", "publish"),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
        let (draft, intent) = Draft::from_fields(fields);
        assert_eq!(intent, Intent::Publish);
        assert_eq!(draft.themes, vec!["housing", "land", "water"]);
        assert_eq!(draft.regions, vec!["east africa"]);
        assert!(draft.public);
        let land = Tag {
            key: "land".to_owned(),
            shown: "Land".to_owned(),
        };
        let (choices, other) = tag_choices(&[land], &draft.themes);
        assert_eq!(choices[0].value, "Land");
        assert!(choices[0].selected);
        assert_eq!(other, "housing, water");
    }
}
