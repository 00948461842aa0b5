//! Fault scenarios on a real (namespaced) network: the step between nodes, broken the
//! ways its users' networks break. Each scenario runs real `commons node run`
//! processes in a [`Lab`] (one Linux network namespace per node), publishes through the
//! real CLI while a fault is on, ends the fault, and asserts that the network converges
//! within a deadline with ZERO acknowledged records lost: every publish the API
//! answered 201 for is, at the end, held by every node. Publishes that failed because
//! their node was down are counted and printed, not required.
//!
//! Each prints one `FAULTS <scenario> ...` line with its measured convergence time, the
//! figures in `docs/faults.md`. They need root, `ip`, `nft`, `tc` and libfaketime: under
//! CI (`CI=true`) a missing one fails the test; elsewhere the test says why and skips.
//!
//! Run: `cargo test -p commons-tests --test faults -- --nocapture`.

use std::time::{Duration, Instant};

use commons_node::clock::now_ms;
use commons_tests::netns::{Lab, LabOptions, Ledger, lab_available};
use commons_tests::{XorShift, poll_for};

/// How long a fresh lab may take until every node holds every founder's delegation.
const FIRST_CONVERGENCE: Duration = Duration::from_secs(90);
/// How long the network may take to converge once a fault has ended.
const CONVERGENCE_DEADLINE: Duration = Duration::from_secs(180);
/// The pause between two publishes while a long fault is on: a steady trickle of
/// records, as members publish, not a flood.
const PUBLISH_PACE: Duration = Duration::from_millis(500);

/// A lab whose nodes have started and know each other.
fn started_lab(options: LabOptions, what: &str) -> Lab {
    let mut lab = Lab::new(options);
    lab.start_all();
    lab.wait_converged(&Ledger::default(), FIRST_CONVERGENCE, what);
    lab
}

/// Publishes one record from each up node in turn, `rounds` times.
fn publish_rounds(lab: &Lab, ledger: &mut Ledger, label: &str, rounds: usize) {
    for round in 0..rounds {
        for index in 0..lab.len() {
            if lab.is_up(index) {
                let outcome = lab.publish(index, &format!("{label} {round} from node {index}"));
                ledger.note(index, outcome);
            }
        }
    }
}

/// Publishes from the up nodes in `nodes`, one at a time in turn, every
/// [`PUBLISH_PACE`], for `length`.
fn publish_for(lab: &Lab, ledger: &mut Ledger, label: &str, nodes: &[usize], length: Duration) {
    let end = Instant::now() + length;
    let mut turn = 0usize;
    while Instant::now() < end {
        let index = nodes[turn % nodes.len()];
        let outcome = lab.publish(index, &format!("{label} {turn} from node {index}"));
        ledger.note(index, outcome);
        turn += 1;
        std::thread::sleep(PUBLISH_PACE);
    }
}

/// Waits for convergence and checks nothing acknowledged is lost; prints the time from
/// `fault_ended` until every node held everything.
fn converge_and_check(
    lab: &Lab,
    ledger: &Ledger,
    fault_ended: Instant,
    scenario: &str,
    detail: &str,
) -> Duration {
    lab.wait_converged(ledger, CONVERGENCE_DEADLINE, scenario);
    let took = fault_ended.elapsed();
    let held = lab.assert_nothing_lost(ledger, scenario);
    assert!(
        !ledger.acked.is_empty(),
        "{scenario}: nothing was acknowledged"
    );
    eprintln!(
        "FAULTS {scenario}: converged {:.1} s after the fault ended; {} acknowledged, {} failed (node down), {held} records on each of {} nodes; {detail}",
        took.as_secs_f64(),
        ledger.acked.len(),
        ledger.failed,
        lab.len(),
    );
    took
}

/// (a) Eight nodes, each losing 20 % of the packets it receives, publishing; the
/// network converges while the loss is still on.
#[test]
fn eight_nodes_with_20_percent_packet_loss_converge() {
    if !lab_available("packet_loss") {
        return;
    }
    let mut lab = started_lab(LabOptions::new(8), "packet_loss: start");
    for index in 0..lab.len() {
        lab.packet_loss(index, 20);
    }
    let mut ledger = Ledger::default();
    publish_rounds(&lab, &mut ledger, "Under 20 % loss", 5);
    assert_eq!(
        ledger.failed, 0,
        "every node is up: every publish is answered"
    );
    converge_and_check(
        &lab,
        &ledger,
        Instant::now(),
        "packet_loss",
        "measured from the last publish, loss still on",
    );
}

/// (b) Six nodes cut 50/50 for two minutes while both halves publish; then healed.
#[test]
fn a_50_50_partition_heals_and_converges() {
    if !lab_available("partition") {
        return;
    }
    let mut lab = started_lab(LabOptions::new(6), "partition: start");
    let (left, right): (Vec<usize>, Vec<usize>) = ((0..3).collect(), (3..6).collect());
    lab.partition(&[&left, &right]);
    let mut ledger = Ledger::default();
    let everyone: Vec<usize> = (0..lab.len()).collect();
    publish_for(
        &lab,
        &mut ledger,
        "During the partition",
        &everyone,
        Duration::from_secs(120),
    );
    // The cut was real: no node of one half holds the other half's newest record.
    for (from, to) in [(&left, &right), (&right, &left)] {
        let newest = ledger
            .acked
            .iter()
            .rev()
            .find(|(node, _)| from.contains(node))
            .expect("each half published");
        for &index in to {
            let heads = lab.heads(index).expect("heads");
            let held = heads
                .get(lab.device(newest.0))
                .map_or(0, |(contiguous, _)| *contiguous);
            assert!(
                held < newest.1.seq,
                "partition: node {index} holds seq {} of node {}, published across the cut",
                newest.1.seq,
                newest.0
            );
        }
    }
    lab.heal();
    let healed = Instant::now();
    converge_and_check(
        &lab,
        &ledger,
        healed,
        "partition",
        "2 min 50/50 cut, then healed",
    );
}

/// (c) Every node in turn stopped (SIGTERM) and started again while the others publish.
#[test]
fn a_rolling_restart_loses_nothing() {
    if !lab_available("rolling_restart") {
        return;
    }
    let mut lab = started_lab(LabOptions::new(5), "rolling_restart: start");
    let mut ledger = Ledger::default();
    for index in 0..lab.len() {
        publish_rounds(&lab, &mut ledger, &format!("Before restart {index}"), 1);
        let status = lab.terminate(index);
        assert!(
            status.success(),
            "node {index} exits cleanly on SIGTERM: {status}"
        );
        publish_rounds(&lab, &mut ledger, &format!("While node {index} is down"), 2);
        // A publish to the stopped node is refused, and counted.
        ledger.note(index, lab.publish(index, "To a stopped node"));
        lab.start(index);
    }
    let last_started = Instant::now();
    publish_rounds(&lab, &mut ledger, "After the rolling restart", 1);
    converge_and_check(
        &lab,
        &ledger,
        last_started,
        "rolling_restart",
        "5 nodes stopped (SIGTERM) and started one after another, measured from the last start",
    );
}

/// (d) One node SIGKILLed 20 times while it publishes, some kills landing during a
/// publish: what it acknowledged before each kill survives and spreads, and it never
/// reuses a seq (no fork proof anywhere).
#[test]
fn a_node_killed_20_times_loses_nothing_it_acknowledged() {
    if !lab_available("sigkill") {
        return;
    }
    let seed = XorShift::seed_from_env("COMMONS_FAULTS_SEED");
    let mut random = XorShift::new(seed);
    let mut lab = started_lab(LabOptions::new(4), "sigkill: start");
    let victim = 0;
    let mut ledger = Ledger::default();
    let mut killed_mid_publish = 0;
    for kill in 0..20 {
        for record in 0..2 {
            let outcome = lab.publish(victim, &format!("Kill {kill} record {record}"));
            ledger.note(victim, outcome);
        }
        // The third publish is under way when the kill lands (or just done).
        let pending = lab.publish_in_background(victim, &format!("Kill {kill} in flight"));
        std::thread::sleep(Duration::from_millis(random.between(0, 60)));
        lab.kill(victim);
        let outcome = pending.finish();
        if outcome.is_err() {
            killed_mid_publish += 1;
        }
        ledger.note(victim, outcome);
        // Someone else publishes while the victim is down.
        ledger.note(
            1,
            lab.publish(1, &format!("While the victim is down {kill}")),
        );
        lab.start(victim);
    }
    converge_and_check(
        &lab,
        &ledger,
        Instant::now(),
        "sigkill",
        &format!(
            "20 SIGKILLs of one node (seed {seed}), {killed_mid_publish} with a publish unanswered"
        ),
    );
}

/// (e) A peer frozen with SIGSTOP for 60 s while the others publish; it wakes, catches
/// up, and what it publishes then spreads.
#[test]
fn a_frozen_peer_wakes_and_catches_up() {
    if !lab_available("frozen_peer") {
        return;
    }
    let mut lab = started_lab(LabOptions::new(4), "frozen_peer: start");
    let frozen = 3;
    lab.freeze(frozen);
    let mut ledger = Ledger::default();
    publish_for(
        &lab,
        &mut ledger,
        "While a peer is frozen",
        &[0, 1, 2],
        Duration::from_secs(60),
    );
    // Its connections stood, answering nothing: the others closed them when their pings
    // went unanswered (a dead connection must not stand in the way of a new dial).
    let closed: usize = [0, 1, 2]
        .iter()
        .map(|node| {
            lab.log(*node)
                .lines()
                .filter(|line| line.contains("stopped answering pings"))
                .count()
        })
        .sum();
    assert!(
        closed >= 1,
        "the nodes closed their connections to the frozen one when pings went unanswered"
    );
    lab.thaw(frozen);
    let thawed = Instant::now();
    ledger.note(frozen, lab.publish(frozen, "Just woke up"));
    converge_and_check(
        &lab,
        &ledger,
        thawed,
        "frozen_peer",
        "60 s SIGSTOP, measured from SIGCONT",
    );
}

/// (f) A node whose wall clock is 10 minutes ahead: its records carry its time, and
/// every node converges on them.
#[test]
fn a_node_ten_minutes_ahead_converges() {
    if !lab_available("clock_skew") {
        return;
    }
    const AHEAD_SECS: i64 = 600;
    let mut lab = Lab::new(LabOptions::new(4));
    let skewed = 1;
    lab.set_clock_offset(skewed, Some(AHEAD_SECS));
    lab.start_all();
    lab.wait_converged(&Ledger::default(), FIRST_CONVERGENCE, "clock_skew: start");
    let mut ledger = Ledger::default();
    let before = now_ms();
    publish_rounds(&lab, &mut ledger, "Clock skew", 3);
    let after = now_ms();
    converge_and_check(
        &lab,
        &ledger,
        Instant::now(),
        "clock_skew",
        "node 1 ten minutes ahead, measured from the last publish",
    );
    let ahead_ms = AHEAD_SECS as u64 * 1000;
    for (node, published) in &ledger.acked {
        let offset = if *node == skewed { ahead_ms } else { 0 };
        // A second either side for the clocks' own granularity.
        assert!(
            (before + offset - 1000..=after + offset + 1000).contains(&published.timestamp_ms),
            "node {node}'s record {} is dated {} ms, expected {}..{} (+{offset} ms)",
            published.id,
            published.timestamp_ms,
            before,
            after
        );
    }
    // Every node holds the skewed records with the skewed time.
    for index in 0..lab.len() {
        let records = lab.records(index).expect("records");
        for (node, published) in ledger.acked.iter().filter(|(node, _)| *node == skewed) {
            assert_eq!(
                records.get(&published.id),
                Some(&published.timestamp_ms),
                "node {index} holds node {node}'s record with its own timestamp"
            );
        }
    }
}

/// (g) Every link 150 ms each way (through the delay relay) and each node's sending
/// limited to 2 Mbit/s (a token bucket), as over a slow long-distance link.
#[test]
fn added_latency_and_a_bandwidth_limit_converge() {
    if !lab_available("latency") {
        return;
    }
    let mut options = LabOptions::new(4);
    options.latency = Some(Duration::from_millis(150));
    options.relay_binary = Some(env!("CARGO_BIN_EXE_commons-delay-relay").into());
    let mut lab = Lab::new(options);
    for index in 0..lab.len() {
        lab.bandwidth(index, Some(2_000));
    }
    lab.start_all();
    lab.wait_converged(&Ledger::default(), FIRST_CONVERGENCE, "latency: start");
    // The relay really delays: no record reaches another node sooner than 150 ms
    // after its publish began.
    let mut ledger = Ledger::default();
    let publish_began = Instant::now();
    let probe = lab
        .publish(3, "Timed over a slow link")
        .expect("node 3 publishes");
    ledger.note(3, Ok(probe.clone()));
    let reached = poll_for(Duration::from_secs(60), || {
        let heads = lab.heads(2).ok()?;
        let (contiguous, _) = heads.get(lab.device(3))?;
        (*contiguous >= probe.seq).then(Instant::now)
    })
    .expect("node 3's record reaches node 2");
    let one_way = reached - publish_began;
    assert!(
        one_way >= Duration::from_millis(150),
        "a record crossed a 150 ms link in {one_way:?}"
    );
    publish_rounds(&lab, &mut ledger, "Over a slow link", 5);
    converge_and_check(
        &lab,
        &ledger,
        Instant::now(),
        "latency",
        &format!(
            "150 ms each way on every link, 2 Mbit/s per node, first record across in {} ms, measured from the last publish",
            one_way.as_millis()
        ),
    );
}
