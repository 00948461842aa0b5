//! Text forms of the API, both ways: ids and keys as `rec_…`, `org_…`, `dev_…`,
//! `root_…`, enum values as lowercase words, the paging cursor and hex bytes, each
//! parsed with a message naming what was expected. A leaf below the API's contract
//! and the record JSON (json.rs), which both use it.

use std::fmt::Display;
use std::str::FromStr;

use commons_protocol::{
    BodyKind, CampaignStatus, DeviceKey, OrgId, RecordId, ResponseKind, RootKey, Severity,
    VerifiedRecord, Visibility,
};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

/// An enum of the protocol shown and parsed as one lowercase word.
pub trait TextEnum: Sized + Copy + 'static {
    /// What the value is, for error messages ("visibility").
    const WHAT: &'static str;
    /// Every value.
    const ALL: &'static [Self];
    /// The value's word.
    fn text(self) -> &'static str;
    /// The value named `text`.
    fn from_text(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.text() == text)
    }
    /// Why `text` names no value: what it is and which words are accepted.
    fn unknown(text: &str) -> String {
        let words: Vec<&str> = Self::ALL.iter().map(|value| value.text()).collect();
        format!(
            "unknown {} `{text}`: expected one of {}",
            Self::WHAT,
            words.join(", ")
        )
    }
}

impl TextEnum for Visibility {
    const WHAT: &'static str = "visibility";
    const ALL: &'static [Self] = &[Visibility::Public, Visibility::Members];
    fn text(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Members => "members",
        }
    }
}

impl TextEnum for CampaignStatus {
    const WHAT: &'static str = "campaign status";
    const ALL: &'static [Self] = &[
        CampaignStatus::Planning,
        CampaignStatus::Active,
        CampaignStatus::Paused,
        CampaignStatus::Won,
        CampaignStatus::Closed,
    ];
    fn text(self) -> &'static str {
        match self {
            CampaignStatus::Planning => "planning",
            CampaignStatus::Active => "active",
            CampaignStatus::Paused => "paused",
            CampaignStatus::Won => "won",
            CampaignStatus::Closed => "closed",
        }
    }
}

impl TextEnum for Severity {
    const WHAT: &'static str = "severity";
    const ALL: &'static [Self] = &[Severity::Watch, Severity::Urgent, Severity::Critical];
    fn text(self) -> &'static str {
        match self {
            Severity::Watch => "watch",
            Severity::Urgent => "urgent",
            Severity::Critical => "critical",
        }
    }
}

impl TextEnum for ResponseKind {
    const WHAT: &'static str = "response";
    const ALL: &'static [Self] = &[
        ResponseKind::Acknowledged,
        ResponseKind::Acting,
        ResponseKind::Shared,
    ];
    fn text(self) -> &'static str {
        match self {
            ResponseKind::Acknowledged => "acknowledged",
            ResponseKind::Acting => "acting",
            ResponseKind::Shared => "shared",
        }
    }
}

impl TextEnum for BodyKind {
    const WHAT: &'static str = "kind";
    const ALL: &'static [Self] = &BodyKind::ALL;
    fn text(self) -> &'static str {
        self.name()
    }
}

/// A value that a request gives as text.
pub trait FromText: Sized {
    /// Parses `text`, or says why not.
    fn parse_text(text: &str) -> Result<Self, String>;
}

fn parse_display<T>(what: &str, text: &str) -> Result<T, String>
where
    T: FromStr,
    T::Err: Display,
{
    text.parse()
        .map_err(|error| format!("`{text}` is not {what}: {error}"))
}

impl FromText for RecordId {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_display("a record id", text)
    }
}

impl FromText for OrgId {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_display("an org id", text)
    }
}

impl FromText for commons_protocol::BlobId {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_display("an attachment id (blob_ and 64 hex digits)", text)
    }
}

impl FromText for DeviceKey {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_display("a device key", text)
    }
}

impl FromText for RootKey {
    fn parse_text(text: &str) -> Result<Self, String> {
        parse_display("a root key", text)
    }
}

macro_rules! text_enum_from_text {
    ($($type:ty),*) => {$(
        impl FromText for $type {
            fn parse_text(text: &str) -> Result<Self, String> {
                <$type as TextEnum>::from_text(text).ok_or_else(|| <$type as TextEnum>::unknown(text))
            }
        }
    )*};
}
text_enum_from_text!(Visibility, CampaignStatus, Severity, ResponseKind, BodyKind);

/// The paging cursor of `GET /v1/records`: `<timestamp_ms>:<record id>`, the last
/// record of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The last record's timestamp.
    pub timestamp_ms: u64,
    /// The last record's id.
    pub id: RecordId,
}

impl Cursor {
    /// The cursor after `record`.
    pub fn after(record: &VerifiedRecord) -> Self {
        Cursor {
            timestamp_ms: record.record().timestamp_ms,
            id: record.id(),
        }
    }
}

impl Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.timestamp_ms, self.id)
    }
}

impl FromText for Cursor {
    fn parse_text(text: &str) -> Result<Self, String> {
        let bad = || {
            format!(
                "`{text}` is not a paging cursor: use the `next` value of the previous page \
                 (<timestamp_ms>:<record id>)"
            )
        };
        let (timestamp, id) = text.split_once(':').ok_or_else(bad)?;
        Ok(Cursor {
            timestamp_ms: timestamp.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// A request field given as text and parsed with [`FromText`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<T>(pub T);

impl<'de, T: FromText> Deserialize<'de> for Text<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        T::parse_text(&text).map(Text).map_err(D::Error::custom)
    }
}

/// Bytes from hex (either case); `None` if `text` is not an even number of hex digits.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    let value = |digit: u8| char::from(digit).to_digit(16).map(|v| v as u8);
    digits
        .chunks_exact(2)
        .map(|pair| Some((value(pair[0])? << 4) | value(pair[1])?))
        .collect()
}
