//! Counters of what the node does with records, for `/metrics` (Prometheus text) and
//! `commons status`. Updated by ingest and the notifier; read by the API.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use commons_protocol::{AgainstError, RecordError};

/// The node's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Records stored.
    pub stored: AtomicU64,
    /// Records received again.
    pub duplicates: AtomicU64,
    /// Forks found.
    pub forks: AtomicU64,
    /// Group commits written.
    pub commits: AtomicU64,
    /// Group commits that failed.
    pub commit_failures: AtomicU64,
    /// Notification hooks configured ([`crate::notify`]).
    pub notify_hooks: AtomicU64,
    /// Events taken in to notify.
    pub notify_events: AtomicU64,
    /// Deliveries made to a hook.
    pub notify_delivered: AtomicU64,
    /// Delivery attempts that failed (each retry counts).
    pub notify_failures: AtomicU64,
    /// Deliveries given up after failing too long.
    pub notify_given_up: AtomicU64,
    /// Records dropped from the notification queue (found again in the store).
    pub notify_dropped: AtomicU64,
    /// Deliveries waiting (a gauge).
    pub notify_pending: AtomicU64,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
}

impl Metrics {
    /// Counts one refused record under its reason (`IngestError::reason`).
    pub fn reject(&self, reason: &'static str) {
        if let Ok(mut rejected) = self.rejected.lock() {
            *rejected.entry(reason).or_insert(0) += 1;
        }
    }

    /// Refused records by reason.
    pub fn rejected(&self) -> BTreeMap<&'static str, u64> {
        self.rejected
            .lock()
            .map(|map| map.clone())
            .unwrap_or_default()
    }

    /// Adds one to `counter`.
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// Sets the gauge `gauge`.
    pub fn set(gauge: &AtomicU64, value: u64) {
        gauge.store(value, Ordering::Relaxed);
    }

    /// Reads `counter`.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// A short, stable label for a stateless refusal.
pub fn record_reason(error: &RecordError) -> &'static str {
    match error {
        RecordError::TooLarge { .. } | RecordError::PayloadTooLarge { .. } => "too_large",
        RecordError::Envelope(_) | RecordError::Payload(_) | RecordError::Body { .. } => {
            "malformed"
        }
        RecordError::UnsupportedVersion { .. } => "unsupported_version",
        RecordError::WrongNetwork { .. } => "wrong_network",
        RecordError::BadSignature | RecordError::BadRootSignature { .. } => "bad_signature",
        RecordError::AuthorKey(_) | RecordError::BodyKey { .. } => "bad_key",
        _ => "invalid_fields",
    }
}

/// A short, stable label for a refusal against the state.
pub fn against_reason(error: &AgainstError) -> &'static str {
    match error {
        AgainstError::FeedFrozen { .. } => "feed_frozen",
        AgainstError::UnknownAuthor { .. } => "unknown_author",
        AgainstError::DeviceRevoked { .. } => "device_revoked",
        AgainstError::NotAMember { .. } => "not_a_member",
        AgainstError::PrevMismatch { .. } | AgainstError::ConflictsWithNext { .. } => {
            "feed_conflict"
        }
        AgainstError::TimestampNotIncreasing { .. } => "timestamp",
        _ => "not_allowed",
    }
}
