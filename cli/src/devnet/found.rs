//! Step 2 of a devnet: found the network, one org per node, in a temporary directory
//! ([`found_network`]): the orgs' names ([`org_name`]) and their nodes' configs
//! ([`devnet_config`]).

use anyhow::Context;
use commons_node::config::ConfigFile;
use commons_node::data_dir::DataDir;
use commons_node::founding::{FounderDir, init_network};
use commons_protocol::OrgId;
use tempfile::TempDir;

use super::plan::Plan;
use super::progress;

/// Member organizations of a regional human-rights network, to name the devnet's
/// founders (a number is added when there are more nodes than names).
const ORG_NAMES: [&str; 24] = [
    "Housing Rights Coalition",
    "Tenants' Voice Alliance",
    "Land and Livelihoods Network",
    "Community Legal Aid Centre",
    "Rural Defenders Collective",
    "Women's Land Rights Forum",
    "Urban Poor Federation",
    "Small Food Producers' Alliance",
    "Indigenous Territories Council",
    "Migrant Workers' Solidarity Centre",
    "Right to Water Campaign",
    "Street Vendors' Association",
    "Domestic Workers' Union",
    "Fisherfolk Rights Network",
    "Health for All Coalition",
    "Education Rights Project",
    "Corporate Accountability Watch",
    "Strategic Litigation Unit",
    "Youth for Nonviolent Change",
    "Faith and Peacebuilding Circle",
    "Displaced Communities Network",
    "Decent Work Collective",
    "Environmental Defenders Trust",
    "Transport Workers' Health Initiative",
];

/// The network, founded: its data directories, not yet running.
#[derive(Debug)]
pub(super) struct Founded {
    /// The temporary directory that holds every node's data directory; removed when
    /// dropped.
    pub(super) temp: TempDir,
    /// Each node's data directory and org, in node order.
    pub(super) founders: Vec<FounderDir>,
    /// Each node's org, in node order.
    pub(super) orgs: Vec<OrgId>,
    /// The network's id.
    pub(super) network: String,
}

/// Creates the temporary directory and founds a network of the plan's orgs in it, one
/// data directory each.
pub(super) fn found_network(plan: &Plan) -> anyhow::Result<Founded> {
    let temp = tempfile::Builder::new()
        .prefix("commons-devnet-")
        .tempdir()
        .context("could not create a temporary directory for the devnet")?;
    progress(&format!(
        "founding a network of {} orgs in {}",
        plan.nodes,
        temp.path().display()
    ));
    let founders: Vec<FounderDir> = (0..plan.nodes)
        .map(|index| {
            let dir = DataDir::new(temp.path().join(format!("node-{index:02}")));
            let mut founder = FounderDir::new(dir, &org_name(index));
            founder.device_label = "devnet".to_owned();
            founder.config = devnet_config(&founder.org_name, plan.dial);
            founder
        })
        .collect();
    let network = init_network(
        &founders,
        &format!("Commons devnet ({} orgs)", plan.nodes),
        commons_node::clock::checked_now_ms()?,
    )
    .context("could not create the devnet's data directories")?;
    Ok(Founded {
        temp,
        founders,
        orgs: network.nodes.iter().map(|node| node.org).collect(),
        network: network.network.to_string(),
    })
}

/// The name of the devnet's `index`-th org.
fn org_name(index: usize) -> String {
    let name = ORG_NAMES[index % ORG_NAMES.len()];
    match index / ORG_NAMES.len() {
        0 => name.to_owned(),
        round => format!("{name} ({})", round + 1),
    }
}

/// A devnet node's config: loopback only, no mDNS and no Kademlia (the devnet's
/// topology is the one it chooses, not whatever else runs on this machine, and not
/// the full mesh that Kademlia's lookups make of a small network), and
/// `target_peers = dial`.
/// The flags `start_node` passes say the same; the file says it too so that a kept
/// devnet restarts the same way.
fn devnet_config(org_name: &str, dial: usize) -> ConfigFile {
    let mut config = ConfigFile::new(org_name, "devnet");
    config.api_listen = "127.0.0.1:0".to_owned();
    config.web_listen = "127.0.0.1:0".to_owned();
    config.listen = vec!["/ip4/127.0.0.1/tcp/0".to_owned()];
    config.mdns = false;
    config.kademlia = false;
    config.target_peers = dial;
    config
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::super::MAX_NODES;
    use super::*;

    #[test]
    fn org_names_are_unique_beyond_the_list() {
        let names: HashSet<String> = (0..(MAX_NODES as usize)).map(org_name).collect();
        assert_eq!(names.len(), MAX_NODES as usize);
        assert_eq!(org_name(0), "Housing Rights Coalition");
        assert_eq!(org_name(ORG_NAMES.len()), "Housing Rights Coalition (2)");
    }
}
