//! Reading, after a retraction or a redaction: the page of a campaign or an alert whose
//! content is gone. It answers 410 with the reason, and lists the updates or responses
//! to it that are still held: each is another org's record, which the first record's
//! going did not take down, so members must be able to read it and ask for its
//! redaction in turn.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use commons_node::redactions::Proposal;
use commons_node::store::StoredRecord;
use commons_protocol::{OrgId, Roster};

use crate::i18n::Tr;
use crate::page::{Layout, render};
use crate::pages::alerts::Badge;
use crate::pages::redactions::{self, Redacted, RedactionPanel};
use crate::view::OrgDirectory;

/// One update or response still held, as the gone page lists it.
#[derive(Debug, Clone)]
pub struct GoneReply {
    /// Its place on the page, the anchor the redaction pages link back to.
    pub anchor: String,
    /// Its org's name.
    pub org: String,
    /// Its org's page.
    pub href: String,
    /// Whether it is our org's.
    pub ours: bool,
    /// When, in words.
    pub when: String,
    /// A response's answer ("Acting", …).
    pub badge: Option<Badge>,
    /// An update's text, rendered and sanitized.
    pub html: Option<String>,
    /// A response's note, as plain text.
    pub note: Option<String>,
    /// Whether a member asked to redact it, and our staff's way to ask or vote.
    pub redaction: RedactionPanel,
}

impl GoneReply {
    /// `reply`, an update or a response (`target`), as listed with its redaction panel
    /// (`asked`: the request on it, if any); the caller adds its content.
    pub fn of(
        t: &Tr,
        reply: &StoredRecord,
        target: Redacted,
        asked: Option<&Proposal>,
        roster: &Roster,
        ours: OrgId,
        names: &OrgDirectory,
    ) -> GoneReply {
        // The anchors of the live page, which the vote pages link back to.
        let anchor = match target {
            Redacted::CampaignUpdate { update, .. } => format!("update-{update}"),
            Redacted::AlertResponse { response, .. } => format!("response-{response}"),
            _ => reply.record.id().to_string(),
        };
        GoneReply {
            anchor,
            org: names.name(&reply.org),
            href: format!("/members/{}", reply.org),
            ours: reply.org == ours,
            when: t.datetime(reply.record.record().timestamp_ms),
            badge: None,
            html: None,
            note: None,
            redaction: redactions::panel(t, target, asked, roster, ours, reply.org, names),
        }
    }
}

/// What the gone page says, in the reader's language.
#[derive(Debug)]
pub struct GoneWords {
    /// Why the content is gone.
    pub message: String,
    /// The heading over the replies still held.
    pub heading: String,
    /// The id of their list, which the redaction pages link back to.
    pub list_id: &'static str,
    /// Why they are still here and what members can do.
    pub explain: String,
    /// "(us)", after our org's name.
    pub us: String,
    /// Said under the list when older replies were not read.
    pub cut: String,
    /// The section's list: its address and its name.
    pub section: (String, String),
    /// What the breadcrumb is, for a screen reader.
    pub breadcrumb: String,
}

#[derive(Template)]
#[template(path = "thread_gone.html")]
struct GonePage {
    page: Layout,
    words: GoneWords,
    replies: Vec<GoneReply>,
    cut: bool,
}

/// The 410 page: `words`, and `replies` (newest first; `cut` when older ones were left
/// unread).
pub fn page(layout: Layout, words: GoneWords, replies: Vec<GoneReply>, cut: bool) -> Response {
    let mut response = render(&GonePage {
        page: layout,
        words,
        replies,
        cut,
    });
    *response.status_mut() = StatusCode::GONE;
    response
}
