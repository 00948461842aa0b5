//! The NAT lab: member nodes each behind a router of its own (a namespace with
//! nftables masquerade out and nothing forwarded in), and public member nodes on the
//! "internet" bridge. Nothing on the bridge can dial the nodes behind NAT; they dial
//! out. Three tests, one lab at a time:
//!
//! - **Routers that keep the node's port** (Linux masquerade, most home routers): three
//!   public members and two behind NAT. The test waits for each of the two to find out
//!   (AutoNAT v2) and to hold slots on two public members' relays, for the two to
//!   connect to each other (through a relay, then directly where hole punching works:
//!   the test says which it saw), for a record published behind one NAT to reach the
//!   other, and, once one of the relays it holds stops, for it to take a slot on the
//!   third public member's instead. Last, a stranger on the internet
//!   (`commons-relay-probe`, a bare libp2p relay client with a key no member delegated)
//!   asks a member's relay for a slot and for a circuit to a member behind NAT: both
//!   are denied, and the same probe with a member's device key gets both, so the denial
//!   is the stranger's and not the probe's.
//! - **Routers that give each connection a random port** (carrier-grade NAT): three
//!   public members and two behind NAT. Hole punching cannot work there; the two stay
//!   connected through a relay, and a record still crosses. Then the relays their
//!   connections go through stop (one or two of the three): the two connect again
//!   through the public member left, and a second record crosses. Nothing they knew of
//!   each other's circuit addresses works any more; they are dialed again as lost
//!   members, through the relays still standing (`network::redial`).
//!
//! - **A public member every peer dialed first**: three public members, one of which
//!   lists no peer to dial and starts last. AutoNAT in rust-libp2p asks only peers
//!   this node dialed, so it dials one of those that dialed it, and finds out it is
//!   reachable.
//!
//! The first two print one `NAT ...` line with their figures: the time to each step, whether the
//! two connected directly, and whether their connection is still relayed. Needs root,
//! `ip` and `nft`: under CI (`CI=true`) a missing one fails the test; elsewhere the test
//! says why and skips.
//!
//! Run: `cargo test -p commons-tests --test nat -- --nocapture`.

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use commons_node::data_dir::DataDir;
use commons_tests::netns::{Lab, LabOptions, Ledger, NODE_PORT, lab_available, node_address};
use commons_tests::{poll_for, report_figures};
use serde_json::Value;

/// How long a lab may take to start and exchange its first records.
const CONVERGE_DEADLINE: Duration = Duration::from_secs(120);
/// How long a node behind NAT may take to hold its relay slots after the lab starts.
const RELAY_DEADLINE: Duration = Duration::from_secs(90);
/// How long, once those behind NAT hold their slots, every public member may take to
/// say it is reachable.
const PUBLIC_DEADLINE: Duration = Duration::from_secs(60);
/// How long the two nodes behind NAT may take to connect to each other.
const CONNECT_DEADLINE: Duration = Duration::from_secs(90);
/// How long hole punching gets before the test looks at which connection stands.
const PUNCH_DEADLINE: Duration = Duration::from_secs(20);
/// How long a record may take from one node behind NAT to the other.
const RECORD_DEADLINE: Duration = Duration::from_secs(60);
/// How long the two behind NAT may take to connect again, through another relay, after
/// the relay their connection went through stops.
const RECONNECT_DEADLINE: Duration = Duration::from_secs(60);
/// How long a node may take to move to another relay after its relay stops.
const REPLACE_DEADLINE: Duration = Duration::from_secs(90);
/// Relay slots a node behind NAT holds when it can (the node's `WANTED_RELAYS`).
const WANTED_RELAYS: usize = 2;

/// Two labs at once on two cores make each other's deadlines: one at a time.
static ONE_LAB_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A lab of `public` members on the bridge (nodes `0..public`) and two behind NAT
/// (the next two), started, converged, and with both behind NAT holding their relay
/// slots on public members' relays.
struct NatLab {
    lab: Lab,
    public: Vec<usize>,
    behind: [usize; 2],
    /// The public members' peer ids, by index.
    public_ids: Vec<String>,
    /// From the lab's start until both behind NAT held their slots.
    relay_slots_after: Duration,
    /// From then until every public member said it is reachable.
    public_after: Duration,
}

impl NatLab {
    fn start(public: usize, random_ports: bool) -> NatLab {
        let behind = [public, public + 1];
        let mut options = LabOptions::new(public + 2);
        options.behind_nat = behind.to_vec();
        options.nat_random_ports = random_ports;
        // Each dials the next three, leaving out those behind NAT (nobody can dial
        // them); Kademlia spreads the other public members and the relayed addresses,
        // so the two behind NAT find each other.
        options.dial = 3;
        options.tune = |_, config| config.kademlia = true;
        let mut lab = Lab::new(options);
        let started = Instant::now();
        lab.start_all();
        if poll_for(CONVERGE_DEADLINE, || {
            lab.converged(&Ledger::default()).then_some(())
        })
        .is_none()
        {
            for index in 0..lab.len() {
                eprintln!("node {index}'s log:\n{}", lab.log_tail(index));
            }
            panic!("the NAT lab did not converge within {CONVERGE_DEADLINE:?}");
        }
        let public: Vec<usize> = (0..public).collect();
        let public_ids: Vec<String> = public
            .iter()
            .map(|index| peer_id_of(&lab, *index))
            .collect();
        let wanted = WANTED_RELAYS.min(public.len());
        for index in behind {
            let held = poll_for(RELAY_DEADLINE, || {
                relays(&lab, index).filter(|relays| relays.len() == wanted)
            })
            .unwrap_or_else(|| {
                panic!(
                    "node {index} behind NAT holds no {wanted} relay slots after {RELAY_DEADLINE:?}: {:?}\n{}",
                    status(&lab, index).map(|status| status["reach"].clone()),
                    lab.log_tail(index)
                )
            });
            assert!(
                held.iter().all(|relay| public_ids.contains(relay)),
                "node {index}'s relays are public members': {held:?}"
            );
        }
        let relay_slots_after = started.elapsed();
        // A public node may say "behind NAT" for a while: an address of it tested
        // first can fail (a port nobody listens on), and a dial-back can wait for its
        // turn; it says "public" once a peer dials it back.
        let public_after = Instant::now();
        for index in &public {
            poll_for(PUBLIC_DEADLINE, || {
                status(&lab, *index)
                    .filter(|status| status["reach"]["reachability"] == "public")
            })
            .unwrap_or_else(|| {
                panic!(
                    "node {index} on the bridge is not found reachable within {PUBLIC_DEADLINE:?}: {:?}\n{}",
                    status(&lab, *index).map(|status| status["reach"].clone()),
                    lab.log_tail(*index)
                )
            });
        }
        let public_after = public_after.elapsed();
        NatLab {
            lab,
            public,
            behind,
            public_ids,
            relay_slots_after,
            public_after,
        }
    }

    /// Waits for the two behind NAT to connect, then gives hole punching its time.
    fn connect_behind(&self) -> Crossing {
        let [a, b] = self.behind;
        let lab = &self.lab;
        let b_device = lab.device(b).to_owned();
        let connecting = Instant::now();
        poll_for(CONNECT_DEADLINE, || peer_entry(lab, a, &b_device)).unwrap_or_else(|| {
            panic!(
                "the two nodes behind NAT did not connect within {CONNECT_DEADLINE:?}\n{}",
                whole_logs(lab, [a, b])
            )
        });
        let connect_time = connecting.elapsed();
        // The relayed connection is closed once a direct one stands, so what the two
        // exchange after that goes direct.
        let direct = poll_for(PUNCH_DEADLINE, || {
            peer_entry(lab, a, &b_device).and_then(|peer| (peer["relayed"] == false).then_some(()))
        })
        .is_some();
        Crossing {
            connect_time,
            direct,
            punched: logged(lab, a, "hole punched") + logged(lab, b, "hole punched"),
            punch_failed: logged(lab, a, "hole punching failed")
                + logged(lab, b, "hole punching failed"),
        }
    }

    /// Publishes a record behind one NAT and waits for it behind the other.
    fn record_across(&self) -> Duration {
        let [a, b] = self.behind;
        let published = self
            .lab
            .publish(
                a,
                "Evictions in the river district: what the tenants' committee saw",
            )
            .unwrap_or_else(|error| panic!("node {a} publishes: {error}"));
        let sent = Instant::now();
        poll_for(RECORD_DEADLINE, || {
            self.lab
                .records(b)
                .ok()
                .filter(|records| records.contains_key(&published.id))
        })
        .unwrap_or_else(|| panic!("the record did not reach node {b}"));
        sent.elapsed()
    }

    /// Stops every public member whose relay carries a connection between the two
    /// behind NAT, which closes them all; waits for the two to connect again through
    /// the public member left (whose relay they may have to take a slot on first), and
    /// for a record to cross that. Returns how many relays stopped, the time to connect
    /// again and the record's time.
    fn relays_between_stop(&mut self) -> (usize, Duration, Duration) {
        let [a, b] = self.behind;
        // Each side names the relay of the connection it dialed; an inbound circuit's
        // address is only `/p2p/<peer>`.
        let addresses = [
            peer_entry(&self.lab, a, self.lab.device(b)),
            peer_entry(&self.lab, b, self.lab.device(a)),
        ]
        .map(|entry| entry.unwrap_or_default()["address"].to_string());
        let carrying: Vec<usize> = self
            .public
            .iter()
            .copied()
            .filter(|index| {
                let through = format!("/p2p/{}/p2p-circuit", self.public_ids[*index]);
                addresses.iter().any(|address| address.contains(&through))
            })
            .collect();
        assert!(
            !carrying.is_empty() && carrying.len() < self.public.len(),
            "nodes {a} and {b} connect through some, not all, public members' relays: {addresses:?}"
        );
        let behind_ids = self.behind.map(|index| peer_id_of(&self.lab, index));
        let log_lines_before = self.behind.map(|index| self.lab.log(index).lines().count());
        for index in &carrying {
            self.lab.kill(*index);
        }
        let stopped: Vec<String> = carrying
            .iter()
            .map(|index| self.public_ids[*index].clone())
            .collect();
        let lab = &self.lab;
        let b_device = lab.device(b).to_owned();
        let lost = Instant::now();
        poll_for(RECONNECT_DEADLINE, || {
            peer_entry(lab, a, &b_device).filter(|peer| {
                let address = peer["address"].as_str().unwrap_or_default();
                !stopped.iter().any(|id| address.contains(id.as_str()))
            })
        })
        .unwrap_or_else(|| {
            panic!(
                "the two nodes behind NAT did not connect again within {RECONNECT_DEADLINE:?} after nodes {carrying:?}, their relays, stopped\n{}",
                whole_logs(lab, [a, b])
            )
        });
        let reconnect_time = lost.elapsed();
        // Each dials the other again through every public member still standing: one
        // left out (as when a member that once came in through a circuit stopped
        // counting as a relay) can be the only one the other holds a slot on.
        let standing = self.public.len() - carrying.len();
        for (side, (node, other)) in self.behind.iter().zip(behind_ids.iter().rev()).enumerate() {
            let through = redials_through(lab, *node, other, log_lines_before[side]);
            assert!(
                through.iter().all(|relays| *relays == standing),
                "node {node} dials the other behind NAT again through each of the {standing} public members standing: {through:?}\n{}",
                whole_logs(lab, [a, b])
            );
        }
        (carrying.len(), reconnect_time, self.record_across())
    }

    /// How many connections the two behind NAT closed for not answering pings.
    fn dead_connections_closed(&self) -> usize {
        self.behind
            .iter()
            .map(|node| logged(&self.lab, *node, "stopped answering pings"))
            .sum()
    }

    /// Node `a`'s entry for node `b`, the other behind NAT.
    fn entry_between_behind(&self) -> Option<Value> {
        let [a, b] = self.behind;
        peer_entry(&self.lab, a, self.lab.device(b))
    }
}

/// How the two behind NAT met.
struct Crossing {
    connect_time: Duration,
    direct: bool,
    punched: usize,
    punch_failed: usize,
}

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

/// The whole logs of the two behind NAT, for a failure to connect: a log's last
/// lines miss the moment their connection closed (the CI failure of 2026-12-06 could
/// not be read to its cause from them).
fn whole_logs(lab: &Lab, nodes: [usize; 2]) -> String {
    nodes
        .iter()
        .map(|index| format!("node {index}'s log:\n{}", lab.log(*index)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How many relays each of node `index`'s dials of the lost member `peer_id` went
/// through, from line `from` of its log on.
fn redials_through(lab: &Lab, index: usize, peer_id: &str, from: usize) -> Vec<usize> {
    lab.log(index)
        .lines()
        .skip(from)
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| {
            line["message"]
                .as_str()
                .is_some_and(|message| message.starts_with("dialing a member's node again"))
                && line["peer"] == peer_id
        })
        .filter_map(|line| line["relays"].as_u64())
        .filter_map(|relays| usize::try_from(relays).ok())
        .collect()
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
    let _alone = ONE_LAB_AT_A_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let nat = NatLab::start(3, false);
    let crossing = nat.connect_behind();
    let record_time = nat.record_across();
    let entry = nat.entry_between_behind();
    let (lab, public_ids, a) = (&nat.lab, &nat.public_ids, nat.behind[0]);

    // One of the relays node `a` holds stops: it takes a slot on the third public
    // member's.
    let first = relays(lab, a).unwrap_or_default();
    let stopped = nat
        .public
        .iter()
        .copied()
        .find(|index| first.contains(&public_ids[*index]))
        .unwrap_or_else(|| panic!("node {a} holds a public member's relay: {first:?}"));
    let third = nat
        .public
        .iter()
        .copied()
        .find(|index| !first.contains(&public_ids[*index]))
        .unwrap_or_else(|| panic!("node {a} holds {WANTED_RELAYS} relays, not three: {first:?}"));
    let mut nat = nat;
    nat.lab.kill(stopped);
    let (lab, public_ids) = (&nat.lab, &nat.public_ids);
    let replacing = Instant::now();
    let now_held = poll_for(REPLACE_DEADLINE, || {
        relays(lab, a).filter(|relays| {
            relays.len() == WANTED_RELAYS && !relays.contains(&public_ids[stopped])
        })
    })
    .unwrap_or_else(|| {
        panic!(
            "node {a} did not replace the relay of node {stopped} within {REPLACE_DEADLINE:?}: {:?}\n{}",
            status(lab, a).map(|status| status["reach"].clone()),
            lab.log_tail(a)
        )
    });
    assert!(
        now_held.contains(&public_ids[third]),
        "node {a} took a slot on node {third}'s relay: {now_held:?}"
    );
    let replace_time = replacing.elapsed();

    // A stranger on the internet asks that relay for a slot, and for a circuit to node
    // `a`: denied both. The same probe with the device key of the member whose node
    // was stopped (delegated, and no longer running under it) gets both.
    let relay = third;
    let relay_address = format!(
        "/ip4/{}/tcp/{NODE_PORT}/p2p/{}",
        node_address(relay),
        public_ids[relay]
    );
    let a_id = peer_id_of(lab, a);
    let probe = |key_file: Option<&Path>| {
        let key_file = key_file.map(|path| path.display().to_string());
        let mut args = vec!["--relay", relay_address.as_str(), "--target", a_id.as_str()];
        if let Some(path) = &key_file {
            args.extend(["--key-file", path.as_str()]);
        }
        lab.run_on_internet(Path::new(env!("CARGO_BIN_EXE_commons-relay-probe")), &args)
            .unwrap_or_else(|error| panic!("the relay probe ran: {error}"))
    };
    let stranger = probe(None);
    for request in ["reservation", "circuit"] {
        let answer = stranger[request].as_str().unwrap_or_default();
        assert!(
            answer.starts_with("denied:") && answer.contains("resource limit exceeded"),
            "node {relay}'s relay denies a stranger's {request}: {stranger}"
        );
    }
    assert!(
        logged(lab, relay, "a relay slot was denied") >= 1
            && logged(lab, relay, "a relay circuit was denied") >= 1,
        "node {relay} logged both denials"
    );
    let member_key = DataDir::new(lab.data_dir(stopped).to_owned()).device_key_path();
    let insider = probe(Some(&member_key));
    assert_eq!(
        (&insider["reservation"], &insider["circuit"]),
        (&Value::from("accepted"), &Value::from("connected")),
        "node {stopped}'s device gets a slot and a circuit through node {relay}'s relay"
    );

    report_figures(&format!(
        "NAT port-keeping relay_slots_after_s={:.1} public_after_s={:.1} connect_s={:.1} direct={} holepunch_ok={} \
         holepunch_failed={} first_record_s={:.2} relay_replaced_s={:.1} stranger={stranger} \
         peer_entry={}",
        nat.relay_slots_after.as_secs_f64(),
        nat.public_after.as_secs_f64(),
        crossing.connect_time.as_secs_f64(),
        crossing.direct,
        crossing.punched,
        crossing.punch_failed,
        record_time.as_secs_f64(),
        replace_time.as_secs_f64(),
        entry.unwrap_or_default(),
    ));
}

// It once failed (2026-12-05): the relay dropped the circuit under the two behind NAT,
// one side's connection stood on, dead, and it never dialed again. Connections that
// stop answering pings are now closed (docs/faults.md), and the count of such closes
// is printed. It failed again in CI (2026-12-06): a relayed connection closed a second
// after it opened and neither side dialed the other again in 88 s; a member's node
// whose last connection closed is now dialed again through the relays still standing,
// which the step stopping their relays exercises.
#[test]
fn members_behind_port_randomizing_nat_stay_connected_through_a_relay() {
    if !lab_available("nat") {
        return;
    }
    let _alone = ONE_LAB_AT_A_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let mut nat = NatLab::start(3, true);
    let crossing = nat.connect_behind();
    assert!(
        !crossing.direct,
        "no hole can be punched through routers that pick a new port per connection"
    );
    let record_time = nat.record_across();
    let entry = nat.entry_between_behind();
    assert_eq!(
        entry.as_ref().map(|entry| entry["relayed"].clone()),
        Some(Value::Bool(true)),
        "the two behind NAT are still connected, through a relay: {entry:?}"
    );
    let entry = entry.unwrap_or_default();
    let (relays_stopped, reconnect_time, second_record_time) = nat.relays_between_stop();
    report_figures(&format!(
        "NAT port-randomizing relay_slots_after_s={:.1} public_after_s={:.1} connect_s={:.1} direct={} \
         holepunch_ok={} holepunch_failed={} first_record_s={:.2} dead_connections_closed={} \
         relays_stopped={} reconnect_s={:.1} record_after_reconnect_s={:.2} peer_entry={}",
        nat.relay_slots_after.as_secs_f64(),
        nat.public_after.as_secs_f64(),
        crossing.connect_time.as_secs_f64(),
        crossing.direct,
        crossing.punched,
        crossing.punch_failed,
        record_time.as_secs_f64(),
        nat.dead_connections_closed(),
        relays_stopped,
        reconnect_time.as_secs_f64(),
        second_record_time.as_secs_f64(),
        entry,
    ));
}

/// Three public members; node 2 lists no peer to dial, starts last, and nodes 0 and 1
/// dial it, so all its connections are theirs. It must still find out that peers can dial it: in
/// CI on 2026-12-06 a public member of the lab whose peers all dialed it first was
/// never found reachable (AutoNAT had no peer to ask), and called itself behind NAT.
#[test]
fn a_public_member_every_peer_dialed_first_finds_it_is_reachable() {
    if !lab_available("nat") {
        return;
    }
    let _alone = ONE_LAB_AT_A_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let quiet = 2;
    let mut options = LabOptions::new(3);
    options.dial = 2;
    options.dial_nobody = vec![quiet];
    let mut lab = Lab::new(options);
    // Nodes 0 and 1 first, until each found through the other that it is reachable:
    // AutoNAT then asks node 2 nothing, and node 2 dials none of them back, which would
    // give it a connection of its own dialing.
    lab.start(0);
    lab.start(1);
    for index in [0, 1] {
        poll_for(PUBLIC_DEADLINE, || {
            status(&lab, index).filter(|status| status["reach"]["reachability"] == "public")
        })
        .unwrap_or_else(|| {
            panic!(
                "node {index} is not found reachable\n{}",
                lab.log_tail(index)
            )
        });
    }
    let started = Instant::now();
    lab.start(quiet);
    let public = poll_for(PUBLIC_DEADLINE, || {
        status(&lab, quiet).filter(|status| status["reach"]["reachability"] == "public")
    });
    assert!(
        public.is_some(),
        "node {quiet}, dialed by every peer, is not found reachable within {PUBLIC_DEADLINE:?}: {:?}\n{}",
        status(&lab, quiet).map(|status| status["reach"].clone()),
        lab.log_tail(quiet)
    );
    assert!(
        logged(&lab, quiet, "so that AutoNAT has a peer to ask") >= 1,
        "node {quiet} found it is reachable without dialing a peer: the lab no longer \
         makes every connection of node {quiet} a peer's dial\n{}",
        lab.log_tail(quiet)
    );
    report_figures(&format!(
        "NAT dialed-first public_after_s={:.1}",
        started.elapsed().as_secs_f64()
    ));
}
