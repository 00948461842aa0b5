//! Crash and restart: the real `commons` binary is killed with SIGKILL at random
//! moments while four clients publish case studies through the control API as fast as
//! it answers, and restarted each time. A 201 is the node's promise that the record is
//! durable, so after the last restart every acknowledged record must be there, intact,
//! and the node's own feed must be whole: no gap, no fork, no seq used twice.
//!
//! The kill moments come from a seeded xorshift; the seed is printed, and
//! `COMMONS_CRASH_SEED=<seed>` replays a run.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use commons_tests::{Api, Published, TestNode, XorShift, report_figures};

/// Kills while the publishers are busy.
const KILLS_WHILE_PUBLISHING: usize = 32;
/// Further kills while the node is starting: opening the store, before it answers.
const KILLS_WHILE_STARTING: usize = 8;
/// Clients publishing at once.
const PUBLISHERS: usize = 4;
/// How long a node publishes before it is killed: a random number of ms in this range.
const PUBLISHING_MS: (u64, u64) = (20, 300);
/// How long after spawning a starting node is killed: ms.
const STARTING_MS: (u64, u64) = (0, 60);
/// The environment variable that replays a seed.
const SEED_ENV: &str = "COMMONS_CRASH_SEED";
/// Padding of each case study's body, so records are about 1 KiB.
const BODY_PADDING: usize = 800;

/// A record the node acknowledged, with what was sent.
#[derive(Debug, Clone)]
struct Acked {
    published: Published,
    title: String,
}

/// The body sent with `title`, so that the stored record can be compared.
fn body_for(title: &str) -> String {
    format!(
        "{title}\n\n{}",
        "Residents surveyed their own settlement. ".repeat(BODY_PADDING / 41)
    )
}

/// Publishes until `stop` is set or the node stops answering; returns what was
/// acknowledged. Answers other than 201 are put in `unexpected`.
fn publish_until_stopped(
    api: &Api,
    life: usize,
    publisher: usize,
    stop: &AtomicBool,
    unexpected: &Mutex<Vec<String>>,
) -> Vec<Acked> {
    let mut acked = Vec::new();
    for n in 0.. {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let title = format!("life {life} publisher {publisher} number {n}");
        match api.publish_practice(&title, &body_for(&title)) {
            Ok(reply) => match Published::from_reply(&reply) {
                Some(published) => acked.push(Acked { published, title }),
                None => unexpected
                    .lock()
                    .unwrap()
                    .push(format!("{title}: {} {}", reply.status, reply.body)),
            },
            // The node was killed: the connection is refused or reset.
            Err(_) => break,
        }
    }
    acked
}

/// The node's own feed is whole: every seq up to the highest is held, and no fork
/// proof froze it.
fn assert_feed_whole(node: &TestNode, device: &str, at_least: u64) -> u64 {
    let feed = node
        .api()
        .feed_of(device)
        .unwrap_or_else(|| panic!("GET /v1/feeds lists the node's own feed {device}"));
    assert_eq!(
        feed.contiguous, feed.max_seq,
        "the node's own feed has a gap: {feed:?}"
    );
    assert!(!feed.frozen, "the node's own feed is frozen: {feed:?}");
    assert!(
        feed.max_seq >= at_least,
        "the feed's head {} is below an acknowledged seq {at_least}: {feed:?}",
        feed.max_seq
    );
    feed.max_seq
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_record_and_forks_no_feed() {
    let seed = XorShift::seed_from_env(SEED_ENV);
    println!("crash test seed {seed}: replay with {SEED_ENV}={seed}");
    let mut rng = XorShift::new(seed);
    let began = Instant::now();

    let mut node = TestNode::start();
    let status = node.api().status();
    let device = status.device;
    let unexpected = Mutex::new(Vec::new());
    let mut acked: Vec<Acked> = Vec::new();
    let mut highest_acked = 0;
    let mut starting_kills = 0;

    for life in 0..KILLS_WHILE_PUBLISHING {
        let api = node.api().clone();
        let stop = AtomicBool::new(false);
        let publishing = Duration::from_millis(rng.between(PUBLISHING_MS.0, PUBLISHING_MS.1));
        let acked_now: Vec<Acked> = thread::scope(|scope| {
            let workers: Vec<_> = (0..PUBLISHERS)
                .map(|publisher| {
                    let (api, stop, unexpected) = (&api, &stop, &unexpected);
                    scope.spawn(move || {
                        publish_until_stopped(api, life, publisher, stop, unexpected)
                    })
                })
                .collect();
            // Not a wait for a condition: the kill moment itself is what is random.
            thread::sleep(publishing);
            assert!(
                node.is_running(),
                "the node exited by itself during life {life}; log:\n{}",
                node.log_tail()
            );
            node.kill();
            stop.store(true, Ordering::SeqCst);
            workers
                .into_iter()
                .flat_map(|worker| worker.join().unwrap())
                .collect()
        });
        highest_acked = acked_now
            .iter()
            .map(|a| a.published.seq)
            .fold(highest_acked, u64::max);
        acked.extend(acked_now);

        // Now and then, kill the next run while it opens the store and starts.
        if life % (KILLS_WHILE_PUBLISHING / KILLS_WHILE_STARTING) == 1 {
            node.spawn();
            thread::sleep(Duration::from_millis(
                rng.between(STARTING_MS.0, STARTING_MS.1),
            ));
            node.kill();
            starting_kills += 1;
        }
        node.run();
        assert_feed_whole(&node, &device, highest_acked);
    }
    let kills = KILLS_WHILE_PUBLISHING + starting_kills;
    let unexpected = unexpected.into_inner().unwrap();
    assert!(
        unexpected.is_empty(),
        "publishing answered other than 201: {unexpected:#?}"
    );
    assert!(
        acked.len() >= KILLS_WHILE_PUBLISHING,
        "too few records were acknowledged ({}) for the test to mean much",
        acked.len()
    );

    // No seq of the node's feed was acknowledged twice: no fork, even across restarts.
    let mut seqs = HashSet::new();
    let mut ids = HashSet::new();
    for a in &acked {
        assert!(
            seqs.insert(a.published.seq),
            "seq {} acknowledged twice",
            a.published.seq
        );
        assert!(ids.insert(a.published.id.clone()), "id acknowledged twice");
    }

    // Every acknowledged record is there and intact.
    let api = node.api();
    for a in &acked {
        let record = api
            .get(&format!("/v1/records/{}", a.published.id))
            .unwrap()
            .expect_status(200, &format!("acknowledged record {}", a.title));
        assert_eq!(record["id"].as_str(), Some(a.published.id.as_str()));
        assert_eq!(record["seq"].as_u64(), Some(a.published.seq), "{record}");
        assert_eq!(
            record["timestamp_ms"].as_u64(),
            Some(a.published.timestamp_ms)
        );
        assert_eq!(record["author"].as_str(), Some(device.as_str()));
        assert_eq!(record["kind"].as_str(), Some("practice"));
        assert_eq!(record["body"]["title"].as_str(), Some(a.title.as_str()));
        assert_eq!(
            record["body"]["body"].as_str(),
            Some(body_for(&a.title).as_str())
        );
    }

    // The feed is whole, holds every record the node has, and nothing forked.
    let head = assert_feed_whole(&node, &device, highest_acked);
    let status = api.status();
    assert_eq!(Some(status.records), Some(head), "{status:?}");
    assert_eq!(Some(status.fork_proofs), Some(0), "{status:?}");
    assert_eq!(Some(status.feeds), Some(1), "{status:?}");
    assert_eq!(Some(status.members), Some(1), "{status:?}");
    assert_eq!(api.forks(), Vec::new());
    let roster = api.roster();
    let members = &roster.members;
    assert_eq!(members.len(), 1, "{roster:?}");
    assert_eq!(members[0].org, status.org);
    assert!(
        members[0].devices.iter().any(|d| d.device == device),
        "{roster:?}"
    );

    // The node goes on from its head, and stops cleanly.
    let next = api
        .publish_practice("after the crashes", "still here")
        .unwrap();
    let next = Published::from_reply(&next).unwrap_or_else(|| panic!("{next:?}"));
    assert_eq!(next.seq, head + 1);
    let exit = node.terminate();
    assert!(exit.success(), "SIGTERM ended the node with {exit}");
    let log = node.log();
    assert!(!log.contains("panicked"), "the node panicked:\n{log}");

    report_figures(&format!(
        "crash test: {kills} kills ({starting_kills} while starting), {} records acknowledged, feed head {head}, {:.1} s",
        acked.len(),
        began.elapsed().as_secs_f64()
    ));
}
