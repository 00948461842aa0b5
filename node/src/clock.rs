//! The wall clock, read in one place (below every step of a record's path). Records are
//! dated by the publisher, charters and delegations by founding, hooks and reports
//! by the time they run: all of them ask here, so a clock set before 1970 or absurdly
//! far ahead is handled the same way everywhere. `protocol` never reads the clock;
//! time is a parameter there.

use std::time::{SystemTime, UNIX_EPOCH};

use thiserror::Error;

/// Why the wall clock cannot date something that will be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ClockError {
    /// The clock reads a time before 1970.
    #[error("the system clock is set before 1970: set the clock, then try again")]
    BeforeEpoch,
    /// The clock reads a time too far ahead to count in milliseconds.
    #[error("the system clock is set too far ahead: set the clock, then try again")]
    TooFarAhead,
}

/// Milliseconds since the Unix epoch, for what must be dated correctly or not at all
/// (a charter, a delegation, a backup).
pub fn checked_now_ms() -> Result<u64, ClockError> {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| ClockError::BeforeEpoch)?;
    u64::try_from(since_epoch.as_millis()).map_err(|_| ClockError::TooFarAhead)
}

/// Milliseconds since the Unix epoch: 0 if the clock is before 1970, the largest value
/// if it is too far ahead. For timestamps whose checks live elsewhere (a record's
/// timestamp must still increase along its feed) and for reports.
pub fn now_ms() -> u64 {
    match checked_now_ms() {
        Ok(ms) => ms,
        Err(ClockError::BeforeEpoch) => 0,
        Err(ClockError::TooFarAhead) => u64::MAX,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_reads_after_the_projects_start() {
        // 2026-01-01T00:00:00Z: a machine running these tests has a clock past it.
        assert!(now_ms() > 1_767_225_600_000);
        assert_eq!(checked_now_ms().map(|ms| ms > 1_767_225_600_000), Ok(true));
    }
}
