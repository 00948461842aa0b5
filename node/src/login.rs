//! One-time login tickets for the staff's web app: the step where a person at this
//! machine is let in. The operator asks the control API for a login link (`commons
//! open`, which holds the API token); the link carries a ticket minted here, and the
//! web app redeems it once, within [`LOGIN_TICKET_LIFETIME`], for a session of its own.
//! The tickets live in memory only: a restart of the node voids every link not yet
//! followed. Only their SHA-256 is kept, so not even a memory dump of the node gives a
//! usable link back.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use commons_protocol::text::hex;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// How long a login link may wait before it is followed.
pub const LOGIN_TICKET_LIFETIME: Duration = Duration::from_secs(5 * 60);
/// The most links waiting at once; minting more forgets the oldest.
pub const MAX_WAITING_TICKETS: usize = 64;
/// Random bytes in a ticket (written as twice as many hex digits).
pub const TICKET_BYTES: usize = 32;

/// Why no ticket could be minted.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TicketError {
    /// The system's random source failed.
    #[error("the system's random number source failed; no login link was made")]
    Random,
}

/// The tickets minted and not yet redeemed; cheap to clone, shared by the control API
/// (which mints) and the web app (which redeems).
#[derive(Debug, Clone, Default)]
pub struct LoginTickets {
    waiting: Arc<Mutex<HashMap<[u8; 32], Instant>>>,
}

impl LoginTickets {
    /// A new, empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Mints a ticket valid for [`LOGIN_TICKET_LIFETIME`] from `now`, as hex text.
    pub fn mint(&self, now: Instant) -> Result<String, TicketError> {
        let mut ticket = [0u8; TICKET_BYTES];
        getrandom::fill(&mut ticket).map_err(|_| TicketError::Random)?;
        let text = hex(&ticket);
        let mut waiting = self.lock();
        waiting.retain(|_, minted| now.saturating_duration_since(*minted) < LOGIN_TICKET_LIFETIME);
        if waiting.len() >= MAX_WAITING_TICKETS
            && let Some(oldest) = waiting
                .iter()
                .min_by_key(|(_, minted)| **minted)
                .map(|(hash, _)| *hash)
        {
            waiting.remove(&oldest);
        }
        waiting.insert(digest(&text), now);
        Ok(text)
    }

    /// Whether `ticket` was minted here, is still fresh at `now`, and was not redeemed
    /// before. A ticket is redeemed at most once, whatever the answer.
    pub fn redeem(&self, ticket: &str, now: Instant) -> bool {
        let Some(minted) = self.lock().remove(&digest(ticket)) else {
            return false;
        };
        now.saturating_duration_since(minted) < LOGIN_TICKET_LIFETIME
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Instant>> {
        // A panic while holding the lock leaves only a map of hashes behind: still usable.
        self.waiting
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn digest(ticket: &str) -> [u8; 32] {
    Sha256::digest(ticket.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_lets_in_once() {
        let tickets = LoginTickets::new();
        let now = Instant::now();
        let ticket = tickets.mint(now).unwrap();
        assert_eq!(ticket.len(), TICKET_BYTES * 2);
        assert!(tickets.redeem(&ticket, now));
        assert!(!tickets.redeem(&ticket, now), "a second use is refused");
    }

    #[test]
    fn an_old_or_unknown_ticket_is_refused() {
        let tickets = LoginTickets::new();
        let now = Instant::now();
        let ticket = tickets.mint(now).unwrap();
        assert!(!tickets.redeem(&ticket, now + LOGIN_TICKET_LIFETIME));
        assert!(!tickets.redeem(&"0".repeat(64), now));
        assert!(!tickets.redeem("", now));
    }

    #[test]
    fn minting_many_forgets_the_oldest() {
        let tickets = LoginTickets::new();
        let start = Instant::now();
        let first = tickets.mint(start).unwrap();
        for step in 1..=MAX_WAITING_TICKETS as u64 {
            tickets.mint(start + Duration::from_millis(step)).unwrap();
        }
        assert!(!tickets.redeem(&first, start + Duration::from_secs(1)));
        assert_eq!(tickets.lock().len(), MAX_WAITING_TICKETS);
    }
}
