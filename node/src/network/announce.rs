//! Announcing feed heads: the step right after a record is stored, where this node
//! decides which of its member peers to tell that a feed has moved, so that a peer
//! gossip missed pulls the records within a fraction of a second rather than at its
//! next periodic sync round.
//!
//! Gossip misses a node in three ways: a publish no peer's queue could take
//! (`AllQueuesFull`, the records then never leave this node by gossip), a message a
//! slow peer's queue dropped while forwarding, and a message lost on the way. The
//! announcer covers each:
//!
//! - a feed this node has just moved by its own publish or an import is announced to
//!   every member peer once the burst has had [`ANNOUNCE_DELAY`] to settle (gossip has
//!   usually delivered by then, and the peers pull nothing): a burst of records costs
//!   one announcement per peer, and its tail is announced at most that long after its
//!   last record. A record this node could not gossip, and one it pulled by sync, are
//!   announced after only [`ONWARD_DELAY`]: there is no gossip to wait for. So a peer
//!   that pulls the records announces them onwards in turn, and a repair crosses the
//!   whole network, not only this node's neighbours;
//! - when gossipsub reports a slow peer (messages it could not queue or had to drop),
//!   the feeds stored in the last [`RECENT_WINDOW`] are announced to that peer alone.
//!
//! Records that came by gossip are not announced to everyone: gossip already carries
//! them onwards. This module only decides; it holds no swarm and reads no clock (the
//! time is a parameter). The event loop reads the heads and sends the announcements.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use commons_protocol::DeviceKey;
use commons_protocol::sync::MAX_ANNOUNCED_FEEDS;
use libp2p::PeerId;
use tokio::time::Instant;

use crate::ingest::Source;

/// How long after the first record of a burst its feeds are announced. Long enough
/// that gossip, which usually delivers in a few milliseconds on a LAN, has had its
/// chance (so peers rarely pull what is already on its way); short against the
/// seconds an alert may take.
pub const ANNOUNCE_DELAY: Duration = Duration::from_millis(250);
/// How long after a record gossip did not carry its feed is announced: one that came
/// by sync (gossip missed this node, so it likely missed the next one too) or one this
/// node could not gossip at all. Short, so a repair crosses several hops in a second,
/// and still long enough to gather a page's records into one announcement.
pub const ONWARD_DELAY: Duration = Duration::from_millis(50);
/// How far back "the feeds stored lately" reaches, for a slow peer: a few gossip
/// heartbeats, the time in which gossipsub reports the messages it could not send.
pub const RECENT_WINDOW: Duration = Duration::from_secs(10);
/// The most feeds remembered as stored lately; past it, the oldest are forgotten
/// (the periodic sync round still covers them).
pub const MAX_RECENT_FEEDS: usize = 1024;
/// The most feeds waiting to be announced to one audience; past it, new ones are left
/// to the periodic sync round.
pub const MAX_WAITING_FEEDS: usize = 4096;
/// The most announcements one round sends to one audience. The rest wait for the next
/// round, [`ANNOUNCE_DELAY`] later.
pub const MAX_ANNOUNCEMENTS_PER_ROUND: usize = 4;

/// Who an announcement is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Every connected member's device.
    Members,
    /// One peer.
    Peer(PeerId),
}

/// Which feeds to announce to whom, and when.
#[derive(Debug, Default)]
pub struct Announcer {
    waiting: HashMap<Audience, BTreeSet<DeviceKey>>,
    due: Option<Instant>,
    recent: HashMap<DeviceKey, Instant>,
}

impl Announcer {
    /// A record of `author`'s feed was stored at `now`, from `source`.
    pub fn stored(&mut self, author: DeviceKey, source: Source, now: Instant) {
        self.remember(author, now);
        match source {
            Source::Gossip => {}
            Source::Sync => self.wait(Audience::Members, [author], now + ONWARD_DELAY),
            Source::Local | Source::Import => {
                self.wait(Audience::Members, [author], now + ANNOUNCE_DELAY);
            }
        }
    }

    /// This node could not gossip a record of `author`'s feed at `now` (no peer's
    /// queue could take it, or no peer is subscribed): there is no gossip to wait for.
    pub fn not_gossiped(&mut self, author: DeviceKey, now: Instant) {
        self.wait(Audience::Members, [author], now + ONWARD_DELAY);
    }

    /// Gossipsub reported at `now` that it could not send messages to `peer`: the feeds
    /// stored lately are announced to it.
    pub fn slow_peer(&mut self, peer: PeerId, now: Instant) {
        let recent: Vec<DeviceKey> = self
            .recent
            .iter()
            .filter(|(_, at)| now.saturating_duration_since(**at) <= RECENT_WINDOW)
            .map(|(author, _)| *author)
            .collect();
        self.wait(Audience::Peer(peer), recent, now + ONWARD_DELAY);
    }

    /// The peer is gone: nothing more is announced to it alone.
    pub fn forget_peer(&mut self, peer: PeerId) {
        self.waiting.remove(&Audience::Peer(peer));
    }

    /// When the next round is due, if anything waits.
    pub fn due(&self) -> Option<Instant> {
        self.due
    }

    /// The announcements due at `now`: for each audience, batches of at most
    /// [`MAX_ANNOUNCED_FEEDS`] feeds in ascending order of author. Whatever is left
    /// past [`MAX_ANNOUNCEMENTS_PER_ROUND`] batches waits for the next round.
    pub fn take_due(&mut self, now: Instant) -> Vec<(Audience, Vec<DeviceKey>)> {
        if self.due.is_none_or(|due| due > now) {
            return Vec::new();
        }
        self.due = None;
        let mut out = Vec::new();
        for (audience, feeds) in &mut self.waiting {
            for _ in 0..MAX_ANNOUNCEMENTS_PER_ROUND {
                let batch: Vec<DeviceKey> =
                    feeds.iter().take(MAX_ANNOUNCED_FEEDS).copied().collect();
                if batch.is_empty() {
                    break;
                }
                for author in &batch {
                    feeds.remove(author);
                }
                out.push((*audience, batch));
            }
        }
        self.waiting.retain(|_, feeds| !feeds.is_empty());
        if !self.waiting.is_empty() {
            self.due = Some(now + ONWARD_DELAY);
        }
        let oldest = now.checked_sub(RECENT_WINDOW);
        self.recent
            .retain(|_, at| oldest.is_none_or(|oldest| *at >= oldest));
        out
    }

    fn remember(&mut self, author: DeviceKey, now: Instant) {
        if self.recent.len() >= MAX_RECENT_FEEDS && !self.recent.contains_key(&author) {
            let oldest = self
                .recent
                .iter()
                .min_by_key(|(_, at)| **at)
                .map(|(author, _)| *author);
            if let Some(oldest) = oldest {
                self.recent.remove(&oldest);
            }
        }
        self.recent.insert(author, now);
    }

    /// Adds `authors` to what `audience` is told, at `at` at the latest.
    fn wait(
        &mut self,
        audience: Audience,
        authors: impl IntoIterator<Item = DeviceKey>,
        at: Instant,
    ) {
        let feeds = self.waiting.entry(audience).or_default();
        for author in authors {
            if feeds.len() >= MAX_WAITING_FEEDS {
                break;
            }
            feeds.insert(author);
        }
        if feeds.is_empty() {
            self.waiting.remove(&audience);
            return;
        }
        // The first record of a burst sets the time; later ones do not push it back,
        // so a long burst is still announced every `ANNOUNCE_DELAY`; one that must go
        // sooner brings it forward.
        self.due = Some(self.due.map_or(at, |due| due.min(at)));
    }
}

#[cfg(test)]
mod tests {
    use commons_protocol::DeviceKeypair;

    use super::*;

    fn author(seed: u8) -> DeviceKey {
        DeviceKeypair::from_seed([seed; 32]).public()
    }

    #[test]
    fn a_burst_is_announced_once_to_members_after_the_delay() {
        let start = Instant::now();
        let mut announcer = Announcer::default();
        for step in 0..10u32 {
            announcer.stored(
                author(1),
                Source::Local,
                start + Duration::from_millis(u64::from(step) * 10),
            );
        }
        announcer.stored(
            author(2),
            Source::Import,
            start + Duration::from_millis(120),
        );
        assert_eq!(announcer.due(), Some(start + ANNOUNCE_DELAY));
        assert!(announcer.take_due(start + ANNOUNCE_DELAY / 2).is_empty());
        let mut expected = vec![author(1), author(2)];
        expected.sort();
        assert_eq!(
            announcer.take_due(start + ANNOUNCE_DELAY),
            vec![(Audience::Members, expected)]
        );
        assert_eq!(announcer.due(), None);
        assert!(announcer.take_due(start + ANNOUNCE_DELAY * 4).is_empty());
    }

    #[test]
    fn what_gossip_did_not_carry_is_announced_sooner() {
        let start = Instant::now();
        let mut announcer = Announcer::default();
        announcer.stored(author(1), Source::Local, start);
        assert_eq!(announcer.due(), Some(start + ANNOUNCE_DELAY));
        announcer.not_gossiped(author(1), start);
        assert_eq!(announcer.due(), Some(start + ONWARD_DELAY));
        assert_eq!(
            announcer.take_due(start + ONWARD_DELAY),
            vec![(Audience::Members, vec![author(1)])]
        );
        announcer.stored(author(2), Source::Sync, start + ONWARD_DELAY);
        assert_eq!(announcer.due(), Some(start + ONWARD_DELAY * 2));
    }

    #[test]
    fn gossiped_records_are_not_announced_but_are_remembered_for_a_slow_peer() {
        let start = Instant::now();
        let mut announcer = Announcer::default();
        announcer.stored(author(3), Source::Gossip, start);
        assert_eq!(announcer.due(), None);
        let slow = PeerId::random();
        announcer.slow_peer(slow, start + Duration::from_secs(1));
        let due = announcer.due().unwrap();
        assert_eq!(
            announcer.take_due(due),
            vec![(Audience::Peer(slow), vec![author(3)])]
        );
        // Past the window, a slow peer is told nothing.
        announcer.slow_peer(slow, start + RECENT_WINDOW + Duration::from_secs(2));
        assert_eq!(announcer.due(), None);
    }

    #[test]
    fn many_feeds_go_in_capped_batches_and_the_rest_wait_for_the_next_round() {
        let start = Instant::now();
        let mut announcer = Announcer::default();
        let count = MAX_ANNOUNCED_FEEDS * MAX_ANNOUNCEMENTS_PER_ROUND + 3;
        for index in 0..count {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&(index as u64).to_le_bytes());
            announcer.stored(
                DeviceKeypair::from_seed(seed).public(),
                Source::Import,
                start,
            );
        }
        let first = announcer.take_due(start + ANNOUNCE_DELAY);
        assert_eq!(first.len(), MAX_ANNOUNCEMENTS_PER_ROUND);
        assert!(
            first
                .iter()
                .all(|(_, batch)| batch.len() == MAX_ANNOUNCED_FEEDS
                    && batch.windows(2).all(|pair| pair[0] < pair[1]))
        );
        let next = announcer.due().unwrap();
        assert_eq!(next, start + ANNOUNCE_DELAY + ONWARD_DELAY);
        let second = announcer.take_due(next);
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].1.len(), 3);
        assert_eq!(announcer.due(), None);
    }

    #[test]
    fn a_departed_peer_is_told_nothing_and_recent_feeds_stay_bounded() {
        let start = Instant::now();
        let mut announcer = Announcer::default();
        for index in 0..(MAX_RECENT_FEEDS + 10) {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&(index as u64).to_le_bytes());
            announcer.stored(
                DeviceKeypair::from_seed(seed).public(),
                Source::Gossip,
                start,
            );
        }
        assert_eq!(announcer.recent.len(), MAX_RECENT_FEEDS);
        let gone = PeerId::random();
        announcer.slow_peer(gone, start);
        announcer.forget_peer(gone);
        let due = announcer.due().unwrap();
        assert!(announcer.take_due(due).is_empty());
    }
}
