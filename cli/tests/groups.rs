//! Working groups on the real binary, with two founders' nodes on loopback: one founds
//! a group and invites the other (`groups create`, `groups invite`); the other's node
//! folds the same group from the gossiped records and shows it a member (`groups
//! show`); a removal by vote and a leave take effect on both; who may not vote is told
//! why. Every wait is for a condition, with a deadline.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::running_node::{Node, Patience, two_founders};
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
