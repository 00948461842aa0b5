//! A full disk: the node's data dir on a small tmpfs, filled by a filler file until a
//! publish answers 507. The node must keep running and answering reads, say that space
//! must be freed, store nothing of the refused record, and publish again once space is
//! freed, with everything acknowledged before still there.
//!
//! Mounting a tmpfs needs root (CI runs as root); where `mount` is refused the test
//! says it is skipped and passes.
#![allow(clippy::unwrap_used)]

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use commons_tests::{Api, Published, Reply, TestNode, report_figures, wait_for};
use tempfile::TempDir;

/// The size of the tmpfs holding the data dir.
const TMPFS_SIZE: &str = "8m";
/// What the filler file leaves free once the disk is full: room for a few records.
const SLACK_BYTES: u64 = 192 * 1024;
/// The most publishes tried before the disk must have filled.
const MAX_FILL_PUBLISHES: usize = 20_000;
/// Records published before the filler is written.
const BEFORE_FILLING: usize = 20;
/// Padding of each case study's body, so records are about 1 KiB.
const BODY_PADDING: usize = 800;
/// How long the node has to publish again after space is freed.
const RECOVERY_DEADLINE: Duration = Duration::from_secs(30);

/// A tmpfs mounted on a fresh temporary directory; unmounted on drop.
struct Tmpfs {
    dir: Option<TempDir>,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size`; the error is `mount`'s message.
    fn mount(size: &str) -> Result<Tmpfs, String> {
        let dir = tempfile::Builder::new()
            .prefix("commons-tmpfs-")
            .tempdir()
            .map_err(|error| error.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700")])
            .arg("tmpfs")
            .arg(dir.path())
            .output()
            .map_err(|error| format!("mount could not run: {error}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
        }
        Ok(Tmpfs { dir: Some(dir) })
    }

    fn path(&self) -> &Path {
        self.dir.as_ref().unwrap().path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let Some(dir) = self.dir.take() else { return };
        let unmounted = Command::new("umount")
            .arg(dir.path())
            .status()
            .is_ok_and(|status| status.success());
        if !unmounted {
            // Busy (a process still has a file open): detach it now, freed when closed.
            let _ = Command::new("umount").arg("-l").arg(dir.path()).status();
        }
        drop(dir);
    }
}

/// Fills the file system holding `path` by writing it until the disk is full, then
/// gives back `slack` bytes. Returns the filler's size.
fn fill(path: &Path, slack: u64) -> u64 {
    let mut file = File::create(path).unwrap();
    let chunk = vec![0xa5_u8; 64 * 1024];
    let mut written = 0_u64;
    loop {
        match file.write(&chunk) {
            Ok(0) => break,
            Ok(n) => written += n as u64,
            Err(error) if error.raw_os_error() == Some(28) => break,
            Err(error) => panic!("writing the filler failed: {error}"),
        }
    }
    let size = written.saturating_sub(slack);
    file.set_len(size).unwrap();
    file.sync_all().unwrap();
    size
}

fn body_for(title: &str) -> String {
    format!(
        "{title}\n\n{}",
        "Residents surveyed their own settlement. ".repeat(BODY_PADDING / 41)
    )
}

fn publish(api: &Api, title: &str) -> Reply {
    api.publish_practice(title, &body_for(title)).unwrap()
}

/// Every case study the node holds, by title, paging through `GET /v1/records`.
fn practice_titles(api: &Api) -> Vec<String> {
    let mut titles = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let path = match &before {
            Some(cursor) => format!("/v1/records?kind=practice&limit=1000&before={cursor}"),
            None => "/v1/records?kind=practice&limit=1000".to_owned(),
        };
        let page = api
            .get(&path)
            .unwrap()
            .expect_status(200, "GET /v1/records");
        for record in page["records"].as_array().unwrap() {
            titles.push(record["body"]["title"].as_str().unwrap().to_owned());
        }
        match page["next"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => return titles,
        }
    }
}

fn assert_acknowledged_intact(api: &Api, acked: &[(Published, String)], device: &str) {
    for (published, title) in acked {
        let record = api
            .get(&format!("/v1/records/{}", published.id))
            .unwrap()
            .expect_status(200, &format!("acknowledged record {title}"));
        assert_eq!(record["seq"].as_u64(), Some(published.seq), "{record}");
        assert_eq!(record["author"].as_str(), Some(device));
        assert_eq!(record["body"]["title"].as_str(), Some(title.as_str()));
        assert_eq!(
            record["body"]["body"].as_str(),
            Some(body_for(title).as_str())
        );
    }
}

fn feed_head(api: &Api, device: &str) -> (u64, u64, bool) {
    let feed = api.feed_of(device).unwrap();
    (feed.contiguous, feed.max_seq, feed.frozen)
}

#[test]
fn a_full_disk_refuses_with_507_keeps_serving_and_recovers_once_space_is_freed() {
    let tmpfs = match Tmpfs::mount(TMPFS_SIZE) {
        Ok(tmpfs) => tmpfs,
        Err(error) => {
            println!("skipped: cannot mount tmpfs here ({error})");
            return;
        }
    };
    let began = Instant::now();
    // The log lives off the small disk, so it is not what fills it.
    let logs = TempDir::new().unwrap();
    let data_dir: PathBuf = tmpfs.path().join("node");
    let mut node = TestNode::init_in(data_dir, logs.path().join("node.log"));
    node.run();
    let api = node.api().clone();
    let device = api.status().device;

    let mut acked: Vec<(Published, String)> = Vec::new();
    for n in 0..BEFORE_FILLING {
        let title = format!("before filling {n}");
        let reply = publish(&api, &title);
        let published = Published::from_reply(&reply).unwrap_or_else(|| panic!("{reply:?}"));
        acked.push((published, title));
    }

    let filler = tmpfs.path().join("filler");
    let filler_bytes = fill(&filler, SLACK_BYTES);

    // Publish until the disk is full.
    let mut refused = None;
    for n in 0..MAX_FILL_PUBLISHES {
        let title = format!("while filling {n}");
        let reply = publish(&api, &title);
        match reply.status {
            201 => acked.push((Published::from_reply(&reply).unwrap(), title)),
            507 => {
                refused = Some((title, reply));
                break;
            }
            other => panic!(
                "publish on an almost full disk answered {other} {}; log:\n{}",
                reply.body,
                node.log_tail()
            ),
        }
    }
    let (refused_title, reply) = refused.unwrap_or_else(|| {
        panic!("no publish answered 507 after {MAX_FILL_PUBLISHES} on a full {TMPFS_SIZE} disk")
    });
    let last_acked = acked.last().unwrap().0.seq;
    println!(
        "disk full after {} acknowledged records (filler {filler_bytes} bytes)",
        acked.len()
    );

    // The answer says what happened and what to do.
    assert_eq!(reply.reason(), Some("disk_full"), "{:?}", reply.body);
    let message = reply.error().unwrap().to_lowercase();
    assert!(
        message.contains("full") && message.contains("free"),
        "the 507 message says to free space: {message}"
    );

    // The node runs on and answers reads.
    assert!(
        node.is_running(),
        "the node exited on a full disk; log:\n{}",
        node.log_tail()
    );
    let status = api.status();
    let records = api
        .get("/v1/records?limit=5")
        .unwrap()
        .expect_status(200, "GET /v1/records on a full disk");
    assert_eq!(records["records"].as_array().unwrap().len(), 5);
    assert_acknowledged_intact(&api, &acked, &device);

    // Nothing of the refused record was stored.
    assert_eq!(
        feed_head(&api, &device),
        (last_acked, last_acked, false),
        "the refused record moved the feed's head"
    );
    assert_eq!(Some(status.records), Some(last_acked), "{status:?}");
    let titles = practice_titles(&api);
    assert!(
        !titles.contains(&refused_title),
        "the record refused with 507 was stored"
    );
    assert_eq!(titles.len(), acked.len());

    // While the disk stays full, publishing is refused the same way, not with a 500.
    let again = publish(&api, "still full");
    assert_eq!(again.status, 507, "{:?}", again.body);
    assert_eq!(again.reason(), Some("disk_full"));

    // Space freed: publishing resumes by itself, from the feed's head.
    fs::remove_file(&filler).unwrap();
    let mut resumed = None;
    wait_for(
        RECOVERY_DEADLINE,
        "a publish to succeed after freeing space",
        || {
            let reply = publish(&api, "after freeing space");
            resumed = Published::from_reply(&reply);
            assert!(
                reply.status == 201 || reply.status == 507,
                "publish after freeing space answered {} {}",
                reply.status,
                reply.body
            );
            resumed.is_some()
        },
    );
    let resumed = resumed.unwrap();
    assert_eq!(
        resumed.seq,
        last_acked + 1,
        "the feed goes on from its head"
    );
    acked.push((resumed, "after freeing space".to_owned()));
    assert_acknowledged_intact(&api, &acked, &device);
    let head = acked.last().unwrap().0.seq;
    assert_eq!(feed_head(&api, &device), (head, head, false));
    assert_eq!(Some(api.status().records), Some(head));
    assert_eq!(api.forks(), Vec::new());

    // And it still stops cleanly, with the store whole for the next start.
    let exit = node.terminate();
    assert!(exit.success(), "SIGTERM ended the node with {exit}");
    node.run();
    assert_acknowledged_intact(node.api(), &acked, &device);
    let exit = node.terminate();
    assert!(exit.success(), "SIGTERM ended the node with {exit}");
    let log = node.log();
    assert!(!log.contains("panicked"), "the node panicked:\n{log}");
    report_figures(&format!(
        "disk full test: {} records acknowledged, {:.1} s",
        acked.len(),
        began.elapsed().as_secs_f64()
    ));
}
