//! Step 5 of a devnet: publish the plan's records round-robin through the nodes'
//! control APIs ([`publish`]), what `story.rs` says in the order it says, timing each
//! publish call ([`Published`]).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use commons_node::api::contract::PublishAnswer;
use commons_protocol::OrgId;

use super::nodes::Node;
use super::plan::Plan;
use super::progress;
use super::story::{CAMPAIGN_ENDPOINT, Request, STORY_OPENING, Story, sample};
use crate::client::Client;
use crate::traffic::NodeTraffic;

/// One record published, and when its publish call started.
#[derive(Debug, Clone)]
pub(super) struct Published {
    pub(super) id: String,
    /// Its kind's name (`practice`, `alert-response`…).
    pub(super) kind: &'static str,
    pub(super) node: usize,
    pub(super) started: Instant,
    /// How long the publish call took (the node signs, stores durably and gossips).
    pub(super) call: Duration,
}

/// Every record published, and what the nodes had received before.
#[derive(Debug)]
pub(super) struct Publishing {
    pub(super) published: Vec<Published>,
    /// When the first publish call started.
    pub(super) start: Instant,
    /// What each node had received before the first publish call.
    pub(super) traffic_before: Vec<NodeTraffic>,
}

/// Publishes the plan's records, noting each node's traffic counters first.
pub(super) fn publish(
    plan: &Plan,
    nodes: &[Node],
    clients: &[Client],
    orgs: &[OrgId],
    interrupted: &AtomicBool,
) -> anyhow::Result<Publishing> {
    progress(&format!(
        "publishing {} records round-robin through the {} nodes",
        plan.records, plan.nodes
    ));
    let traffic_before = crate::traffic::snapshot(clients)?;
    let start = Instant::now();
    let published = publish_records(plan, nodes, orgs, interrupted)?;
    progress(&format!(
        "published {} records in {:.2} s; waiting until every node holds them",
        published.len(),
        start.elapsed().as_secs_f64()
    ));
    Ok(Publishing {
        published,
        start,
        traffic_before,
    })
}

/// Publishes the plan's records: record `i` through node `i mod N`. The story's two
/// opening records go first, one after the other (later records answer them); then each
/// node publishes the rest of its share in order from its own thread, all nodes at once.
fn publish_records(
    plan: &Plan,
    nodes: &[Node],
    orgs: &[OrgId],
    interrupted: &AtomicBool,
) -> anyhow::Result<Vec<Published>> {
    let mut story = Story::new(orgs);
    let mut published = Vec::with_capacity(plan.records);
    for global in 0..STORY_OPENING.min(plan.records) {
        let index = global % plan.nodes;
        let client = nodes[index].client()?;
        let request = story.opening(global);
        let record = publish_one(&client, index, &nodes[index], &request)?;
        story.opened(global, &record.id);
        published.push(record);
    }
    let story = &story;
    let results: Vec<anyhow::Result<Vec<Published>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = nodes
            .iter()
            .enumerate()
            .map(|(index, node)| {
                scope.spawn(move || publish_from(plan, index, node, story, interrupted))
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(anyhow!("a publishing thread panicked")))
            })
            .collect()
    });
    for result in results {
        published.extend(result?);
    }
    Ok(published)
}

/// Node `index`'s share of the records after the story's opening, published in order
/// (an update needs its campaign's id).
fn publish_from(
    plan: &Plan,
    index: usize,
    node: &Node,
    story: &Story,
    interrupted: &AtomicBool,
) -> anyhow::Result<Vec<Published>> {
    let client = node.client()?;
    let mut campaign: Option<String> = None;
    let mut published = Vec::new();
    let share = (index..plan.records)
        .step_by(plan.nodes)
        .filter(|global| *global >= STORY_OPENING);
    for (local, global) in share.enumerate() {
        if interrupted.load(Ordering::SeqCst) {
            bail!("interrupted while publishing");
        }
        let request = story
            .follow_up(index, local)
            .unwrap_or_else(|| sample(global, local, campaign.as_deref()));
        let record = publish_one(&client, index, node, &request)?;
        if request.endpoint == CAMPAIGN_ENDPOINT {
            campaign = Some(record.id.clone());
        }
        published.push(record);
    }
    Ok(published)
}

/// Publishes one record through node `index`, timing the call.
fn publish_one(
    client: &Client,
    index: usize,
    node: &Node,
    request: &Request,
) -> anyhow::Result<Published> {
    let started = Instant::now();
    let answer: PublishAnswer = client
        .post_as(request.endpoint, &request.body)
        .with_context(|| {
            format!(
                "node {index} ({}) did not publish the {}",
                node.name, request.what
            )
        })?;
    Ok(Published {
        id: answer.record.id,
        kind: request.kind,
        node: index,
        started,
        call: started.elapsed(),
    })
}
