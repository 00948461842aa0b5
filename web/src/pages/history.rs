//! The history of a case study or a campaign: every version its org published (the
//! original and each revision, [`commons_node::revisions`]), newest first, with when,
//! from which device of which org, and what changed from the version before it: the
//! fields named, short ones shown before and after, lists as what was added and
//! removed, and long text (a case study's body) as a line-by-line diff made with the
//! `similar` crate. Changes are marked with `<ins>`/`<del>` and words, never by colour
//! alone. Read-only: the pages only read the store.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use commons_node::store::StoredRecord;
use commons_protocol::{
    Attachment, Body, BodyKind, Campaign, CampaignStatus, OrgId, Practice, RecordId, Visibility,
};
use similar::{ChangeTag, TextDiff};

use crate::AppState;
use crate::i18n::Tr;
use crate::page::{Layout, PageResult, Section, render};
use crate::security::Staff;
use crate::view::{self, OrgDirectory, Versions, content_of, short_id};

/// How many unchanged lines a body diff keeps around each change.
pub const DIFF_CONTEXT_LINES: usize = 2;
/// The most lines one body diff shows; past it the page says how many it left out.
pub const MAX_DIFF_LINES: usize = 400;
/// The longest text a body diff compares, in bytes, per side: a record's payload is
/// bounded by the protocol, so this only guards the diff's time against a pathological
/// pair.
pub const MAX_DIFF_INPUT_BYTES: usize = 512 * 1024;

/// One line of a body diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffLine {
    /// Unchanged, shown for context.
    Same(String),
    /// Only in the newer version.
    Added(String),
    /// Only in the older version.
    Removed(String),
    /// A stretch of unchanged lines left out: how many.
    Skipped(usize),
}

impl DiffLine {
    /// The line's text ("" for a skipped stretch).
    pub fn text(&self) -> &str {
        match self {
            DiffLine::Same(text) | DiffLine::Added(text) | DiffLine::Removed(text) => text,
            DiffLine::Skipped(_) => "",
        }
    }

    /// Whether it is only in the newer version.
    pub fn is_added(&self) -> bool {
        matches!(self, DiffLine::Added(_))
    }

    /// Whether it is only in the older version.
    pub fn is_removed(&self) -> bool {
        matches!(self, DiffLine::Removed(_))
    }

    /// How many unchanged lines a skipped stretch stands for (0 otherwise).
    pub fn skipped(&self) -> usize {
        match self {
            DiffLine::Skipped(count) => *count,
            _ => 0,
        }
    }
}

/// A line-by-line diff of `old` and `new`: the changed lines with
/// [`DIFF_CONTEXT_LINES`] of context around each change, the unchanged stretches
/// between them counted, at most [`MAX_DIFF_LINES`] lines (the flag says whether it
/// stopped there). Empty when the texts are equal.
pub fn line_diff(old: &str, new: &str) -> (Vec<DiffLine>, bool) {
    // A line ended by CR LF (as browsers send a text area) is the same line as one
    // ended by LF.
    let old = clip(old).replace("\r\n", "\n");
    let new = clip(new).replace("\r\n", "\n");
    if old == new {
        return (Vec::new(), false);
    }
    let diff = TextDiff::from_lines(&old, &new);
    let total_old = diff.old_slices().len();
    let mut lines = Vec::new();
    let mut cut = false;
    let mut shown_until = 0;
    'groups: for group in diff.grouped_ops(DIFF_CONTEXT_LINES) {
        let Some(first) = group.first() else {
            continue;
        };
        let start = first.old_range().start;
        if start > shown_until {
            lines.push(DiffLine::Skipped(start - shown_until));
        }
        for op in &group {
            for change in diff.iter_changes(op) {
                if lines.len() >= MAX_DIFF_LINES {
                    cut = true;
                    break 'groups;
                }
                let text = change.value().trim_end_matches(['\n', '\r']).to_owned();
                lines.push(match change.tag() {
                    ChangeTag::Equal => DiffLine::Same(text),
                    ChangeTag::Insert => DiffLine::Added(text),
                    ChangeTag::Delete => DiffLine::Removed(text),
                });
            }
            shown_until = op.old_range().end;
        }
    }
    if !cut && shown_until < total_old {
        lines.push(DiffLine::Skipped(total_old - shown_until));
    }
    (lines, cut)
}

/// At most [`MAX_DIFF_INPUT_BYTES`] of `text`, cut at a character boundary.
fn clip(text: &str) -> &str {
    if text.len() <= MAX_DIFF_INPUT_BYTES {
        return text;
    }
    let mut end = MAX_DIFF_INPUT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// What changed in a list (themes, goals, partners): the items added and removed,
/// compared without regard to case or surrounding spaces, each in its newer spelling.
pub fn list_change(old: &[String], new: &[String]) -> (Vec<String>, Vec<String>) {
    let key = |text: &String| text.trim().to_lowercase();
    let added = new
        .iter()
        .filter(|item| !old.iter().any(|was| key(was) == key(item)))
        .cloned()
        .collect();
    let removed = old
        .iter()
        .filter(|item| !new.iter().any(|now| key(now) == key(item)))
        .cloned()
        .collect();
    (added, removed)
}

/// A field of a case study or a campaign, for naming what changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The title.
    Title,
    /// A case study's summary.
    Summary,
    /// A case study's text.
    Body,
    /// A case study's themes.
    Themes,
    /// A case study's regions.
    Regions,
    /// A case study's language.
    Language,
    /// A case study's licence.
    Licence,
    /// A case study's links.
    Links,
    /// Who may read a case study.
    Visibility,
    /// A case study's files.
    Attachments,
    /// A campaign's goals.
    Goals,
    /// A campaign's partners.
    Partners,
    /// A campaign's status.
    Status,
}

impl Field {
    /// The message id of the field's name.
    pub fn message_id(self) -> &'static str {
        match self {
            Field::Title => "history-field-title",
            Field::Summary => "history-field-summary",
            Field::Body => "history-field-body",
            Field::Themes => "history-field-themes",
            Field::Regions => "history-field-regions",
            Field::Language => "history-field-language",
            Field::Licence => "history-field-licence",
            Field::Links => "history-field-links",
            Field::Visibility => "history-field-visibility",
            Field::Attachments => "history-field-attachments",
            Field::Goals => "history-field-goals",
            Field::Partners => "history-field-partners",
            Field::Status => "history-field-status",
        }
    }
}

/// The fields in which `new` differs from `old`, in the form's order.
pub fn practice_changes(old: &Practice, new: &Practice) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut differs = |field: Field, changed: bool| {
        if changed {
            fields.push(field);
        }
    };
    differs(Field::Title, old.title.trim() != new.title.trim());
    differs(Field::Summary, old.summary.trim() != new.summary.trim());
    differs(Field::Body, old.body != new.body);
    differs(Field::Themes, old.themes != new.themes);
    differs(Field::Regions, old.regions != new.regions);
    differs(Field::Language, old.language.trim() != new.language.trim());
    differs(Field::Licence, old.licence.trim() != new.licence.trim());
    differs(Field::Links, old.links != new.links);
    differs(Field::Visibility, old.visibility != new.visibility);
    differs(
        Field::Attachments,
        attachment_keys(&old.attachments) != attachment_keys(&new.attachments),
    );
    fields
}

fn attachment_keys(files: &[Attachment]) -> Vec<(&str, &commons_protocol::BlobId)> {
    files
        .iter()
        .map(|file| (file.name.as_str(), &file.blob))
        .collect()
}

/// The fields in which campaign `new` differs from `old`.
pub fn campaign_changes(old: &Campaign, new: &Campaign) -> Vec<Field> {
    let mut fields = Vec::new();
    if old.title.trim() != new.title.trim() {
        fields.push(Field::Title);
    }
    if old.goals != new.goals {
        fields.push(Field::Goals);
    }
    let mut old_partners: Vec<OrgId> = old.partners.clone();
    let mut new_partners: Vec<OrgId> = new.partners.clone();
    old_partners.sort();
    new_partners.sort();
    if old_partners != new_partners {
        fields.push(Field::Partners);
    }
    if old.status != new.status {
        fields.push(Field::Status);
    }
    fields
}

/// The words for a visibility, as the case-study pages say them.
pub fn visibility_message(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => "cases-visibility-public-choice",
        Visibility::Members => "cases-visibility-members-choice",
    }
}

/// The message id of a campaign status.
pub fn status_message(status: CampaignStatus) -> &'static str {
    match status {
        CampaignStatus::Planning => "campaigns-status-planning",
        CampaignStatus::Active => "campaigns-status-active",
        CampaignStatus::Paused => "campaigns-status-paused",
        CampaignStatus::Won => "campaigns-status-won",
        CampaignStatus::Closed => "campaigns-status-closed",
    }
}

// ---- the pages ----

/// One change of one field between two versions, as the page shows it.
#[derive(Debug, Clone, Default)]
pub struct FieldChange {
    /// The field's name.
    pub name: String,
    /// A short field's value before, if it is shown as before and after.
    pub before: Option<String>,
    /// A short field's value after.
    pub after: Option<String>,
    /// A list's items added.
    pub added: Vec<String>,
    /// A list's items removed.
    pub removed: Vec<String>,
    /// A long text's lines, changed and around the changes.
    pub diff: Vec<DiffLine>,
    /// Whether the diff stopped at [`MAX_DIFF_LINES`].
    pub diff_cut: bool,
}

impl FieldChange {
    fn named(t: &Tr, field: Field) -> FieldChange {
        FieldChange {
            name: t.msg(field.message_id()),
            ..FieldChange::default()
        }
    }

    fn before_after(t: &Tr, field: Field, before: &str, after: &str) -> FieldChange {
        FieldChange {
            before: Some(before.trim().to_owned()),
            after: Some(after.trim().to_owned()),
            ..FieldChange::named(t, field)
        }
    }

    fn list(t: &Tr, field: Field, before: &[String], after: &[String]) -> FieldChange {
        let (added, removed) = list_change(before, after);
        FieldChange {
            added,
            removed,
            ..FieldChange::named(t, field)
        }
    }

    fn text(t: &Tr, field: Field, before: &str, after: &str) -> FieldChange {
        let (diff, diff_cut) = line_diff(before, after);
        FieldChange {
            diff,
            diff_cut,
            ..FieldChange::named(t, field)
        }
    }
}

/// One version in the history.
#[derive(Debug, Clone)]
pub struct VersionEntry {
    /// Its number: 1 for the original.
    pub number: usize,
    /// Its name: "First version", "Version 3".
    pub label: String,
    /// Its record id, shortened.
    pub short_id: String,
    /// Its whole record id.
    pub id: String,
    /// When it was published.
    pub when: String,
    /// Its org's name.
    pub org: String,
    /// Its org's page.
    pub org_href: String,
    /// The device that signed it: its label, or its key shortened.
    pub device: String,
    /// Whether it is the version shown.
    pub shown: bool,
    /// What changed from the version before it (empty for the original).
    pub changes: Vec<FieldChange>,
    /// The version's title, when it changed or for the original.
    pub title: String,
}

#[derive(Debug, Template)]
#[template(path = "history.html")]
struct HistoryPage {
    page: Layout,
    /// The record's page.
    back: String,
    /// Its title as the version shown gives it.
    record_title: String,
    /// Its language, for `lang=`.
    lang: Option<String>,
    versions: Vec<VersionEntry>,
}

/// Which history a page shows.
#[derive(Debug, Clone, Copy)]
enum Subject {
    Case,
    Campaign,
}

impl Subject {
    fn kind(self) -> BodyKind {
        match self {
            Subject::Case => BodyKind::Practice,
            Subject::Campaign => BodyKind::Campaign,
        }
    }

    fn section(self) -> Section {
        match self {
            Subject::Case => Section::Cases,
            Subject::Campaign => Section::Campaigns,
        }
    }

    fn path(self) -> &'static str {
        match self {
            Subject::Case => "cases",
            Subject::Campaign => "campaigns",
        }
    }
}

/// `GET /cases/{id}/history`.
pub async fn case_history(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    history(&state, &staff, &id, Subject::Case)
        .await
        .into_response()
}

/// `GET /campaigns/{id}/history`.
pub async fn campaign_history(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    history(&state, &staff, &id, Subject::Campaign)
        .await
        .into_response()
}

/// What the store holds of the id a history page was asked for.
enum Found {
    Versions(Box<Versions>, OrgDirectory),
    /// A revision: its original's history is the one to show.
    Revision(RecordId),
    Nothing,
}

async fn history(state: &AppState, staff: &Staff, id: &str, subject: Subject) -> PageResult {
    let t = &staff.tr;
    let layout = Layout::new(state, staff, subject.section(), t.msg("history-title"));
    let Ok(id) = id.trim().parse::<RecordId>() else {
        return Err(layout.not_found());
    };
    let charter = state.node().charter.clone();
    let kind = subject.kind();
    let found = state
        .read(move |store| {
            let Some(stored) = store.record(&id)? else {
                return Ok(Found::Nothing);
            };
            match &stored.record.record().body {
                Body::Revision(revision) if revision.content.kind() == kind => {
                    return Ok(Found::Revision(revision.original));
                }
                body if body.kind() == Some(kind) => {}
                _ => return Ok(Found::Nothing),
            }
            Ok(match view::read_versions(store, &id)? {
                Some(versions) => {
                    Found::Versions(Box::new(versions), OrgDirectory::read(store, &charter)?)
                }
                None => Found::Nothing,
            })
        })
        .await;
    let (versions, names) = match found {
        Ok(Found::Versions(versions, names)) => (versions, names),
        Ok(Found::Revision(original)) => {
            return Ok(
                Redirect::to(&format!("/{}/{original}/history", subject.path())).into_response(),
            );
        }
        Ok(Found::Nothing) => return Err(layout.not_found()),
        Err(error) => return Err(layout.store_failure(&error)),
    };
    let roster = state.node().roster();
    let shown_id = versions.latest.record.id();
    let all: Vec<&StoredRecord> = versions.all().collect();
    let mut entries = Vec::with_capacity(all.len());
    let mut previous: Option<Body> = None;
    for (index, stored) in all.iter().enumerate() {
        let header = stored.record.record();
        let content = content_of(stored);
        let changes = match &previous {
            Some(before) => changes(t, &names, before, &content),
            None => Vec::new(),
        };
        let device = roster
            .device(&header.author)
            .map(|device| device.label.trim().to_owned())
            .filter(|label| !label.is_empty())
            .unwrap_or_else(|| header.author.to_string().chars().take(16).collect());
        entries.push(VersionEntry {
            number: index + 1,
            label: if index == 0 {
                t.msg("history-original")
            } else {
                t.count("history-version", index + 1)
            },
            short_id: short_id(&stored.record.id()),
            id: stored.record.id().to_string(),
            when: t.datetime(header.timestamp_ms),
            org: names.name(&stored.org),
            org_href: format!("/members/{}", stored.org),
            device,
            shown: stored.record.id() == shown_id,
            changes,
            title: title_of(&content),
        });
        previous = Some(content);
    }
    entries.reverse();
    let latest = versions.latest_body();
    let mut layout = layout;
    layout.title = t.text("history-heading", "title", &title_of(&latest));
    let page = HistoryPage {
        page: layout,
        back: format!("/{}/{}", subject.path(), versions.original.record.id()),
        record_title: title_of(&latest),
        lang: match &latest {
            Body::Practice(practice) => view_lang(&practice.language),
            _ => None,
        },
        versions: entries,
    };
    Ok(render(&page))
}

/// A record's title.
fn title_of(body: &Body) -> String {
    match body {
        Body::Practice(practice) => practice.title.clone(),
        Body::Campaign(campaign) => campaign.title.clone(),
        _ => String::new(),
    }
}

/// A `lang=` value that is safe in an attribute.
fn view_lang(code: &str) -> Option<String> {
    let code = code.trim();
    (!code.is_empty()
        && code.len() <= 35
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    .then(|| code.to_owned())
}

/// What changed from `before` to `after`, field by field, as the page shows it.
fn changes(t: &Tr, names: &OrgDirectory, before: &Body, after: &Body) -> Vec<FieldChange> {
    match (before, after) {
        (Body::Practice(old), Body::Practice(new)) => practice_changes(old, new)
            .into_iter()
            .map(|field| match field {
                Field::Title => FieldChange::before_after(t, field, &old.title, &new.title),
                Field::Summary => FieldChange::text(t, field, &old.summary, &new.summary),
                Field::Body => FieldChange::text(t, field, &old.body, &new.body),
                Field::Themes => FieldChange::list(t, field, &old.themes, &new.themes),
                Field::Regions => FieldChange::list(t, field, &old.regions, &new.regions),
                Field::Language => {
                    FieldChange::before_after(t, field, &old.language, &new.language)
                }
                Field::Licence => FieldChange::before_after(t, field, &old.licence, &new.licence),
                Field::Links => FieldChange::list(t, field, &old.links, &new.links),
                Field::Visibility => FieldChange::before_after(
                    t,
                    field,
                    &t.msg(visibility_message(old.visibility)),
                    &t.msg(visibility_message(new.visibility)),
                ),
                Field::Attachments => {
                    let files = |files: &[Attachment]| -> Vec<String> {
                        files.iter().map(|file| file.name.clone()).collect()
                    };
                    FieldChange::list(t, field, &files(&old.attachments), &files(&new.attachments))
                }
                _ => FieldChange::named(t, field),
            })
            .collect(),
        (Body::Campaign(old), Body::Campaign(new)) => campaign_changes(old, new)
            .into_iter()
            .map(|field| match field {
                Field::Title => FieldChange::before_after(t, field, &old.title, &new.title),
                Field::Goals => FieldChange::list(t, field, &old.goals, &new.goals),
                Field::Partners => {
                    let named = |orgs: &[OrgId]| -> Vec<String> {
                        orgs.iter().map(|org| names.name(org)).collect()
                    };
                    let mut change = FieldChange::named(t, field);
                    change.added = new
                        .partners
                        .iter()
                        .filter(|org| !old.partners.contains(org))
                        .map(|org| names.name(org))
                        .collect();
                    change.removed = old
                        .partners
                        .iter()
                        .filter(|org| !new.partners.contains(org))
                        .map(|org| names.name(org))
                        .collect();
                    if change.added.is_empty() && change.removed.is_empty() {
                        // Only the order changed.
                        change.after = Some(named(&new.partners).join(", "));
                    }
                    change
                }
                Field::Status => FieldChange::before_after(
                    t,
                    field,
                    &t.msg(status_message(old.status)),
                    &t.msg(status_message(new.status)),
                ),
                _ => FieldChange::named(t, field),
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(line_diff("a\nb\n", "a\nb\n"), (Vec::new(), false));
    }

    #[test]
    fn a_changed_line_is_removed_then_added_with_context() {
        let old = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n";
        let new = "one\ntwo\nthree\nfour\nFIVE\nsix\nseven\neight\n";
        let (lines, cut) = line_diff(old, new);
        assert!(!cut);
        assert_eq!(
            lines,
            vec![
                DiffLine::Skipped(2),
                DiffLine::Same("three".into()),
                DiffLine::Same("four".into()),
                DiffLine::Removed("five".into()),
                DiffLine::Added("FIVE".into()),
                DiffLine::Same("six".into()),
                DiffLine::Same("seven".into()),
                DiffLine::Skipped(1),
            ]
        );
    }

    #[test]
    fn a_line_added_at_the_end_is_added() {
        let (lines, _) = line_diff("first\n", "first\nsecond");
        assert!(lines.contains(&DiffLine::Added("second".into())));
        assert!(
            lines
                .iter()
                .all(|line| !matches!(line, DiffLine::Removed(text) if text == "second"))
        );
    }

    #[test]
    fn a_long_diff_stops_at_its_bound() {
        let old: String = (0..MAX_DIFF_LINES * 2).map(|n| format!("a{n}\n")).collect();
        let new: String = (0..MAX_DIFF_LINES * 2).map(|n| format!("b{n}\n")).collect();
        let (lines, cut) = line_diff(&old, &new);
        assert!(cut);
        assert_eq!(lines.len(), MAX_DIFF_LINES);
    }

    #[test]
    fn lists_compare_without_case() {
        let old = vec!["Housing".to_owned(), "land".to_owned()];
        let new = vec!["housing".to_owned(), "water".to_owned()];
        assert_eq!(
            list_change(&old, &new),
            (vec!["water".to_owned()], vec!["land".to_owned()])
        );
    }

    #[test]
    fn changed_fields_are_named_in_the_form_order() {
        let old = Practice {
            title: "A".into(),
            summary: "s".into(),
            body: "b".into(),
            themes: vec!["x".into()],
            regions: Vec::new(),
            language: "en".into(),
            licence: "CC-BY-4.0".into(),
            links: Vec::new(),
            visibility: Visibility::Members,
            attachments: Vec::new(),
        };
        let new = Practice {
            title: "B".into(),
            body: "b\nmore".into(),
            visibility: Visibility::Public,
            ..old.clone()
        };
        assert_eq!(
            practice_changes(&old, &new),
            vec![Field::Title, Field::Body, Field::Visibility]
        );
        assert!(practice_changes(&old, &old).is_empty());
    }
}
