//! The publishing gate: the step just before this device signs a record, where the
//! publisher asks whether it may. It is open, except after a restore from a backup
//! ([`crate::restore`]): then it is held until the node has learnt its own feed's head
//! from its member peers and pulled its own records, so that no seq is signed twice.
//! The network reports how catching up stands ([`Hold`]); the gate releases itself
//! once caught up, removing the restore mark.

use std::fs;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use tokio::sync::watch;
use tracing::{info, warn};

use crate::files::sync_dir;

/// Whether this device may publish now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publishing {
    /// It may.
    Open,
    /// It may not: the node was restored from a backup and has not caught up with its
    /// own feed yet.
    Held(Hold),
}

/// Where a held node stands in catching up with its own feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hold {
    /// The highest seq of this device's feed in the store.
    pub own_seq: u64,
    /// Member peers that have reported this device's feed head since the node started.
    pub peers_reported: usize,
    /// Connected member peers that have not reported it yet.
    pub peers_waiting: usize,
    /// The highest seq of this device's feed a peer reported.
    pub highest_reported: u64,
}

impl Hold {
    /// Whether the hold may end: at least one member peer reported, every connected one
    /// did, and the store holds this device's feed up to the highest seq reported.
    pub fn caught_up(&self) -> bool {
        self.peers_reported > 0 && self.peers_waiting == 0 && self.own_seq >= self.highest_reported
    }

    /// What the operator is told when a publish is refused.
    pub fn message(&self) -> String {
        let progress = if self.peers_reported == 0 {
            format!(
                "no member peer has reported it yet ({} connected and not answered; this node \
                 holds up to seq {})",
                self.peers_waiting, self.own_seq
            )
        } else {
            format!(
                "{} member peers reported up to seq {}, {} more have not answered, and this \
                 node holds up to seq {}",
                self.peers_reported, self.highest_reported, self.peers_waiting, self.own_seq
            )
        };
        format!(
            "publishing is held: this node was restored from a backup, and may have published \
             after it, so it first learns its own feed's head from its member peers ({progress}). \
             It resumes by itself once it is connected to its peers and has pulled its own \
             records; check `commons peers` and `commons sync`, and see the restore section of \
             docs/operations.md. Publishing before that could reuse a seq and freeze this \
             device's feed"
        )
    }
}

/// The switch the publisher looks at before it signs; cheap to clone.
#[derive(Debug, Clone)]
pub struct PublishGate {
    state: Arc<watch::Sender<Publishing>>,
    mark: Arc<Mutex<Option<PathBuf>>>,
}

impl Default for PublishGate {
    fn default() -> Self {
        PublishGate {
            state: Arc::new(watch::Sender::new(Publishing::Open)),
            mark: Arc::new(Mutex::new(None)),
        }
    }
}

impl PublishGate {
    /// Publishing now.
    pub fn current(&self) -> Publishing {
        self.state.borrow().clone()
    }

    /// Whether publishing is held.
    pub fn is_held(&self) -> bool {
        matches!(*self.state.borrow(), Publishing::Held(_))
    }

    /// A receiver that sees every change.
    pub fn subscribe(&self) -> watch::Receiver<Publishing> {
        self.state.subscribe()
    }

    /// Holds publishing until [`PublishGate::release`]; `mark` is the restore mark
    /// removed then.
    pub fn hold(&self, mark: PathBuf, own_seq: u64) {
        if let Ok(mut held) = self.mark.lock() {
            *held = Some(mark);
        }
        warn!(
            own_seq,
            "this data dir was restored from a backup: publishing is held until the node has caught up with its own feed"
        );
        self.state.send_replace(Publishing::Held(Hold {
            own_seq,
            ..Hold::default()
        }));
    }

    /// Records how catching up stands while held; releases the hold once caught up.
    pub fn update(&self, hold: Hold) {
        if !self.is_held() {
            return;
        }
        if hold.caught_up() {
            self.release(&hold);
        } else {
            self.state.send_if_modified(|state| {
                let changed = *state != Publishing::Held(hold);
                *state = Publishing::Held(hold);
                changed
            });
        }
    }

    /// Ends the hold: removes the restore mark (a failure to remove it only means the
    /// next start holds again, which is safe), then opens publishing.
    fn release(&self, hold: &Hold) {
        let mark = self.mark.lock().ok().and_then(|mut mark| mark.take());
        if let Some(mark) = mark {
            match fs::remove_file(&mark) {
                Ok(()) => {
                    if let Some(dir) = mark.parent()
                        && let Err(error) = sync_dir(dir)
                    {
                        warn!(%error, "cannot sync the data dir after removing the restore mark");
                    }
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => {}
                Err(error) => {
                    warn!(mark = %mark.display(), %error, "cannot remove the restore mark; the next start will hold publishing again until caught up");
                }
            }
        }
        info!(
            own_seq = hold.own_seq,
            peers_reported = hold.peers_reported,
            highest_reported = hold.highest_reported,
            "caught up with this device's own feed after a restore: publishing resumes"
        );
        self.state.send_replace(Publishing::Open);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::restore::RESTORE_MARK_FILE;

    #[test]
    fn the_hold_ends_only_when_every_connected_member_peer_reported_and_the_store_caught_up() {
        let waiting = Hold {
            own_seq: 6,
            peers_reported: 0,
            peers_waiting: 0,
            highest_reported: 0,
        };
        assert!(!waiting.caught_up(), "no peer at all");
        let behind = Hold {
            peers_reported: 1,
            highest_reported: 11,
            ..waiting
        };
        assert!(!behind.caught_up());
        assert!(
            behind.message().contains("reported up to seq 11"),
            "{}",
            behind.message()
        );
        let another_to_hear = Hold {
            own_seq: 11,
            peers_waiting: 1,
            ..behind
        };
        assert!(!another_to_hear.caught_up());
        assert!(
            Hold {
                peers_waiting: 0,
                ..another_to_hear
            }
            .caught_up()
        );
    }

    #[test]
    fn releasing_removes_the_mark_and_opens() {
        let temp = tempfile::TempDir::new().unwrap();
        let mark = temp.path().join(RESTORE_MARK_FILE);
        fs::write(&mark, "x").unwrap();
        let gate = PublishGate::default();
        assert_eq!(gate.current(), Publishing::Open);
        gate.hold(mark.clone(), 6);
        assert!(gate.is_held());
        let progress = Hold {
            own_seq: 6,
            peers_reported: 1,
            peers_waiting: 0,
            highest_reported: 11,
        };
        gate.update(progress);
        assert_eq!(gate.current(), Publishing::Held(progress));
        assert!(mark.exists());
        gate.update(Hold {
            own_seq: 11,
            ..progress
        });
        assert_eq!(gate.current(), Publishing::Open);
        assert!(!mark.exists());
        // Once open, it stays open.
        gate.update(progress);
        assert_eq!(gate.current(), Publishing::Open);
    }
}
