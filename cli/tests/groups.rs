//! Working groups on the real binary, with two founders' nodes on loopback: one founds
//! a group and invites the other (`groups create`, `groups invite`); the other's node
//! folds the same group from the gossiped records and shows it a member (`groups
//! show`); a removal by vote and a leave take effect on both; who may not vote is told
//! why. Every wait is for a condition, with a deadline.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::running_node::{Node, Patience, three_founders, two_founders, written_anywhere};
use serde_json::Value;
use tempfile::TempDir;

/// How long a record may take to cross from one node to the other.
const NETWORK: Patience = Patience {
    deadline: Duration::from_secs(60),
    poll: Duration::from_millis(100),
    wait_through_failures: true,
};

fn members(group: &Value) -> Vec<String> {
    group["members"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|member| member["org"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_group_is_founded_joined_left_and_seen_the_same_on_both_nodes() {
    let temp = TempDir::new().unwrap();
    let (a_dir, b_dir) = two_founders(temp.path(), "Commons groups test network");
    let mut a = Node::run_on(&a_dir, &[]);
    let mut b = Node::run_on(&b_dir, &[a.network_address()]);
    let a_org = a.json(&["status"])["org"].as_str().unwrap().to_owned();
    let b_org = b.json(&["status"])["org"].as_str().unwrap().to_owned();

    // No group yet: the list says how to found one.
    let empty = a.run(&["groups", "list"]).ok();
    assert!(empty.contains("commons groups create"), "{empty}");

    let founded = a.json(&[
        "groups",
        "create",
        "Strategic litigation",
        "--purpose",
        "Case files and hearing strategy for cases brought by members.",
    ]);
    let group = founded["id"].as_str().unwrap().to_owned();
    let shown = a.json(&["groups", "show", "Strategic litigation"]);
    assert_eq!(shown["id"], group.as_str());
    assert_eq!(members(&shown), std::slice::from_ref(&a_org));
    assert_eq!(shown["thresholds"]["admission"], "1/2 of members");

    // b is not in the group: it may not vote, and is told why.
    b.wait_for_json(
        "the founding to reach b",
        NETWORK,
        &["groups", "list"],
        |list| {
            list["groups"]
                .as_array()
                .is_some_and(|groups| !groups.is_empty())
        },
    );
    b.run(&["groups", "vote", "remove", &group, &a_org])
        .fails_saying(&[
            "not a member of the working group",
            "ask one of them to invite",
        ]);

    // One member: half of one is one vote, so the invitation admits b at once.
    let invited = a.json(&["groups", "invite", &group, &b_org]);
    assert_eq!(invited["member"], true, "{invited}");
    let seen = b.wait_for_json(
        "b to see itself in the group",
        NETWORK,
        &["groups", "show", &group],
        |shown| shown["you_are_member"] == true,
    );
    assert_eq!(members(&seen).len(), 2);
    let b_entry = seen["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|member| member["org"] == b_org.as_str())
        .unwrap();
    assert_eq!(b_entry["history"], false, "invited without the history");
    let human = b.run(&["groups", "show", &group]).ok();
    assert!(human.contains("from its admission on"), "{human}");

    // Inviting a member again, or an org outside the network, is refused.
    a.run(&["groups", "invite", &group, &b_org])
        .fails_saying(&["already a member"]);
    let stranger = "org_".to_owned() + &"ab".repeat(32);
    let refused = a.run(&["groups", "invite", &group, &stranger]);
    assert_ne!(refused.code, Some(0), "{refused:#?}");

    // b leaves: at once, on both nodes.
    b.run(&["groups", "leave", &group]).ok();
    a.wait_for_json(
        "a to see b gone",
        NETWORK,
        &["groups", "show", &group],
        |shown| {
            members(shown) == std::slice::from_ref(&a_org)
                && shown["former"]
                    .as_array()
                    .is_some_and(|former| former.iter().any(|entry| entry["left"] == true))
        },
    );
    b.run(&["groups", "invite", &group, &a_org])
        .fails_saying(&["not a member of the working group"]);
}

fn group_records(
    node: &mut Node,
    group: &str,
    what: &str,
    condition: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let answer = node.wait_for_json(what, NETWORK, &["groups", "records", group], |answer| {
        answer["records"]
            .as_array()
            .is_some_and(|records| condition(records))
    });
    answer["records"].as_array().unwrap().clone()
}

#[test]
fn only_the_groups_members_read_its_records_and_a_removed_member_not_what_follows() {
    let temp = TempDir::new().unwrap();
    let dirs = three_founders(temp.path());
    let mut a = Node::run_on(&dirs[0], &[]);
    let mut b = Node::run_on(&dirs[1], &[a.network_address()]);
    let mut c = Node::run_on(&dirs[2], &[a.network_address()]);
    let b_org = b.json(&["status"])["org"].as_str().unwrap().to_owned();

    let founded = a.json(&["groups", "create", "Strategic litigation"]);
    let group = founded["id"].as_str().unwrap().to_owned();
    a.json(&["groups", "invite", &group, &b_org]);
    // b's node publishes its sealing key by itself once its org is in the group; a
    // seals to b's device once a holds it.
    a.wait_for_json(
        "a to hold both members' sealing keys",
        NETWORK,
        &["records", "list", "--kind", "sealing-key"],
        |page| {
            page["records"]
                .as_array()
                .is_some_and(|records| records.iter().any(|record| record["org"] == b_org.as_str()))
        },
    );

    const SECRET: &str = "The witness list for the eviction hearing is kept here only";
    let first = a.json(&[
        "groups",
        "publish",
        &group,
        "--title",
        "Hearing strategy for the riverside eviction case",
        "--body",
        SECRET,
    ]);
    assert_eq!(first["sealed_to"], 2, "{first}");
    let first_id = first["id"].as_str().unwrap().to_owned();

    // b reads it; c, a member of the network outside the group, holds it and cannot.
    let at_b = group_records(&mut b, &group, "b to read the record", |records| {
        records.iter().any(|record| record["readable"] == true)
    });
    assert_eq!(at_b[0]["body"]["body"], SECRET);
    let at_c = group_records(&mut c, &group, "the record to reach c", |records| {
        !records.is_empty()
    });
    assert_eq!(at_c[0]["id"], first_id.as_str());
    assert_eq!(at_c[0]["readable"], false);
    assert!(at_c[0]["body"].is_null());
    let held = c.json(&["records", "show", &first_id]);
    assert_eq!(held["kind"], "group-record", "{held}");
    // Plaintext is written nowhere: not at the outsider, and not at the members either
    // (they decrypt in memory when asked).
    for (name, dir) in [("a", &dirs[0]), ("b", &dirs[1]), ("c", &dirs[2])] {
        assert_eq!(
            written_anywhere(dir, SECRET.as_bytes()),
            None,
            "{name}'s data dir"
        );
    }

    // a removes b (two thirds of the one other member is one vote); the next record is
    // sealed under a new epoch, to a's device only: b holds it and cannot read it, and
    // still reads the first.
    a.json(&["groups", "vote", "remove", &group, &b_org]);
    let second = a.json(&[
        "groups",
        "publish",
        &group,
        "--title",
        "After the hearing: next steps",
        "--body",
        "Appeal filed; the new witness is not named anywhere else.",
    ]);
    assert_eq!(second["sealed_to"], 1, "{second}");
    assert_ne!(second["epoch"], first["epoch"]);
    let second_id = second["id"].as_str().unwrap().to_owned();
    let at_b = group_records(&mut b, &group, "the second record to reach b", |records| {
        records
            .iter()
            .any(|record| record["id"] == second_id.as_str())
    });
    let by_id = |id: &str| {
        at_b.iter()
            .find(|record| record["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id(&second_id)["readable"], false);
    assert!(
        by_id(&second_id)["why_not"]
            .as_str()
            .unwrap()
            .contains("not sealed to this device")
    );
    assert_eq!(by_id(&first_id)["readable"], true);
}
