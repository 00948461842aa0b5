//! The NAT lab: two member nodes each behind a router of its own (a namespace with
//! nftables masquerade out and nothing forwarded in), and two public member nodes on
//! the "internet" bridge. Nothing on the bridge can dial the nodes behind NAT; they
//! dial out. The test waits for each of them to find out (AutoNAT v2) and to hold a
//! slot on a public member's relay, for the two to connect to each other (through a
//! relay, then directly where hole punching works: the test says which it saw), for a
//! record published behind one NAT to reach the other, and, once the relay one of them
//! holds stops, for it to move to the other public member's relay.
//!
//! Prints one `NAT ...` line with the figures: the time to each step, whether the two
//! connected directly, and the share of their connection still relayed. Needs root,
//! `ip` and `nft`: under CI (`CI=true`) a missing one fails the test; elsewhere the test
//! says why and skips.
//!
//! Run: `cargo test -p commons-tests --test nat -- --nocapture`.

use std::time::{Duration, Instant};

use commons_tests::netns::{Lab, LabOptions, Ledger, lab_available};
use commons_tests::poll_for;
use serde_json::Value;

/// How long a node behind NAT may take to hold a relay slot after the lab starts.
const RELAY_DEADLINE: Duration = Duration::from_secs(90);
/// How long the two nodes behind NAT may take to connect to each other.
const CONNECT_DEADLINE: Duration = Duration::from_secs(90);
/// How long a record may take from one node behind NAT to the other.
const RECORD_DEADLINE: Duration = Duration::from_secs(60);
/// How long a node may take to move to another relay after its relay stops.
const REPLACE_DEADLINE: Duration = Duration::from_secs(90);

/// The public members: 0 and 1. Behind NAT: 2 and 3.
const PUBLIC: [usize; 2] = [0, 1];
const BEHIND: [usize; 2] = [2, 3];

fn status(lab: &Lab, index: usize) -> Option<Value> {
    lab.cli(index, &["status"]).ok()
}

/// Node `index`'s relays (their peer ids), when it says it is reachable through one.
fn relays(lab: &Lab, index: usize) -> Option<Vec<String>> {
    let status = status(lab, index)?;
    if status["reach"]["reachability"] != "relayed" {
        return None;
    }
    Some(
        status["reach"]["relays"]
            .as_array()?
            .iter()
            .filter_map(|relay| relay["peer_id"].as_str().map(str::to_owned))
            .collect(),
    )
}

/// Node `index`'s entry for the peer with device `device`, if connected.
fn peer_entry(lab: &Lab, index: usize, device: &str) -> Option<Value> {
    let peers = lab.cli(index, &["peers"]).ok()?;
    peers
        .as_array()?
        .iter()
        .find(|peer| peer["device"].as_str() == Some(device))
        .cloned()
}

fn peer_id_of(lab: &Lab, index: usize) -> String {
    status(lab, index)
        .and_then(|status| status["peer_id"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("node {index} names its peer id"))
}

/// How many lines of node `index`'s log say `what`.
fn logged(lab: &Lab, index: usize, what: &str) -> usize {
    lab.log(index)
        .lines()
        .filter(|line| line.contains(what))
        .count()
}

#[test]
fn members_behind_nat_reach_each_other_through_a_members_relay() {
    if !lab_available("nat") {
        return;
    }
    let mut options = LabOptions::new(4);
    options.behind_nat = BEHIND.to_vec();
    // Each dials the next two: 2 dials 3 (fails: behind NAT) and 0, 3 dials 0 and 1;
    // Kademlia spreads the relayed addresses, so the two behind NAT find each other.
    options.dial = 2;
    options.tune = |_, config| config.kademlia = true;
    let mut lab = Lab::new(options);
    let started = Instant::now();
    lab.start_all();
    if poll_for(Duration::from_secs(120), || {
        lab.converged(&Ledger::default()).then_some(())
    })
    .is_none()
    {
        for index in 0..lab.len() {
            eprintln!("node {index}'s log:\n{}", lab.log_tail(index));
        }
        panic!("the NAT lab did not converge within 120 s");
    }

    // Each node behind NAT learns it and holds a slot on a public member's relay.
    let public_ids: Vec<String> = PUBLIC
        .iter()
        .map(|index| peer_id_of(&lab, *index))
        .collect();
    for index in BEHIND {
        let held = poll_for(RELAY_DEADLINE, || {
            relays(&lab, index).filter(|r| !r.is_empty())
        })
        .unwrap_or_else(|| {
            panic!(
                "node {index} behind NAT holds no relay slot after {RELAY_DEADLINE:?}: {:?}\n{}",
                status(&lab, index).map(|status| status["reach"].clone()),
                lab.log_tail(index)
            )
        });
        assert!(
            held.iter().all(|relay| public_ids.contains(relay)),
            "node {index}'s relays are public members': {held:?}"
        );
    }
    for index in PUBLIC {
        let reach = status(&lab, index).map(|status| status["reach"].clone());
        assert_eq!(
            reach.as_ref().map(|reach| reach["reachability"].clone()),
            Some(Value::from("public")),
            "node {index} on the bridge is reachable: {reach:?}\n{}",
            lab.log(index)
                .lines()
                .filter(|line| line.contains("dial this node") || line.contains("relay"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    let relayed_after = started.elapsed();

    // The two behind NAT connect to each other: through a relay, and directly if the
    // hole punch works.
    let (a, b) = (BEHIND[0], BEHIND[1]);
    let b_device = lab.device(b).to_owned();
    let connected = Instant::now();
    let entry =
        poll_for(CONNECT_DEADLINE, || peer_entry(&lab, a, &b_device)).unwrap_or_else(|| {
            panic!(
                "the two nodes behind NAT did not connect within {CONNECT_DEADLINE:?}\n{}\n{}",
                lab.log_tail(a),
                lab.log_tail(b)
            )
        });
    let connect_time = connected.elapsed();
    // Give hole punching its few seconds, then see which connection stands.
    // (The relayed connection is closed once a direct one stands, so what the two
    // exchange after it goes direct.)
    let direct = poll_for(Duration::from_secs(20), || {
        peer_entry(&lab, a, &b_device).and_then(|peer| (peer["relayed"] == false).then_some(()))
    })
    .is_some();
    let punched = logged(&lab, a, "hole punched") + logged(&lab, b, "hole punched");
    let punch_failed =
        logged(&lab, a, "hole punching failed") + logged(&lab, b, "hole punching failed");

    // A record published behind one NAT reaches the other.
    let published = lab
        .publish(
            a,
            "Evictions in the river district: what the tenants' committee saw",
        )
        .unwrap_or_else(|error| panic!("node {a} publishes: {error}"));
    let sent = Instant::now();
    poll_for(RECORD_DEADLINE, || {
        lab.records(b)
            .ok()
            .filter(|records| records.contains_key(&published.id))
    })
    .unwrap_or_else(|| panic!("the record did not reach node {b}"));
    let record_time = sent.elapsed();

    // The relay one of them holds stops: it keeps or takes a slot on the other public
    // member's (it holds two when it can, so the second may be there already).
    let first = relays(&lab, a).unwrap_or_default();
    let stopped = PUBLIC
        .into_iter()
        .find(|index| first.contains(&public_ids[*index]))
        .unwrap_or_else(|| panic!("node {a} holds a public member's relay: {first:?}"));
    let other = public_ids[PUBLIC
        .into_iter()
        .find(|index| *index != stopped)
        .unwrap_or(0)]
    .clone();
    lab.kill(stopped);
    let replaced = Instant::now();
    poll_for(REPLACE_DEADLINE, || {
        relays(&lab, a).filter(|relays| relays.contains(&other) && !relays.contains(&public_ids[stopped]))
    })
    .unwrap_or_else(|| {
        panic!(
            "node {a} did not move to the other public member's relay within {REPLACE_DEADLINE:?}: {:?}",
            status(&lab, a).map(|status| status["reach"].clone())
        )
    });
    let replace_time = replaced.elapsed();

    println!(
        "NAT relay_slots_after_s={:.1} connect_s={:.1} direct={direct} holepunch_ok={punched} \
         holepunch_failed={punch_failed} first_record_s={:.2} relay_replaced_s={:.1} \
         peer_entry={entry}",
        relayed_after.as_secs_f64(),
        connect_time.as_secs_f64(),
        record_time.as_secs_f64(),
        replace_time.as_secs_f64(),
    );
}
