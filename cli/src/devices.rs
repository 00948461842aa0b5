//! `commons devices …`: an org's devices, each with its own feed. `add` is offline: it
//! delegates a new device key with this data dir's root key and writes the new
//! device's data dir, without `root.key`. `revoke` signs a revocation with the root key
//! here and has the running node publish it; `list` reads the roster and feed heads.

use std::path::PathBuf;

use anyhow::{Context, bail};
use commons_node::api::contract::PublishAnswer;
use commons_node::api::contract::feeds::{Feed, RosterAnswer, RosterDevice};
use commons_node::api::contract::requests::RevocationRequest;
use commons_node::data_dir::DataDir;
use commons_protocol::DeviceKey;
use commons_protocol::text::hex;
use serde::Serialize;
use serde_json::json;

use crate::GlobalArgs;
use crate::client::{Client, print_json};
use commons_node::clock::checked_now_ms;

use crate::init::shell_word;

/// `commons devices …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum DevicesCommand {
    /// List your organization's devices: label, key, how far each feed goes, revoked or not
    List,
    /// Make a new device of your organization (offline): writes a data directory for it,
    /// without the root key
    Add(AddArgs),
    /// Revoke one of your organization's devices (a lost or seized laptop) from a seq on:
    /// its records from that seq are refused everywhere, earlier ones stay
    Revoke(RevokeArgs),
}

/// Arguments of `commons devices add`.
#[derive(Debug, clap::Args)]
pub(crate) struct AddArgs {
    /// A name for the device, such as "field laptop"
    #[arg(long, value_name = "LABEL")]
    label: String,
    /// Where to write the new device's data directory (copy it to the device; it holds
    /// the device's secret key)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Arguments of `commons devices revoke`.
#[derive(Debug, clap::Args)]
pub(crate) struct RevokeArgs {
    /// The device, dev_… (`commons devices list` shows your devices)
    #[arg(value_name = "DEVICE")]
    device: DeviceKey,
    /// The first seq of the device's feed to refuse. Records below it stay valid, so
    /// pick the first one you do not vouch for: for a seized laptop, the seq after the
    /// last record you know it made before it was taken (`commons devices list` shows
    /// each feed's highest seq). 1 refuses every record of the device
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    from_seq: u64,
}

pub(crate) fn run(global: &GlobalArgs, command: &DevicesCommand) -> anyhow::Result<()> {
    match command {
        DevicesCommand::List => list(global),
        DevicesCommand::Add(args) => add(global, args),
        DevicesCommand::Revoke(args) => revoke(global, args),
    }
}

/// One of this org's devices as `devices list --json` prints it: the roster's entry,
/// with its feed's highest seq held here and whether it is this node's.
#[derive(Debug, Serialize)]
struct OwnDevice {
    /// The roster's entry.
    #[serde(flatten)]
    device: RosterDevice,
    /// The highest seq of its feed held here, `None` if none.
    max_seq: Option<u64>,
    /// Whether it is this node's device.
    this_node: bool,
}

/// This org's devices from a `/v1/roster` answer, each with its feed head from
/// `/v1/feeds`.
fn own_devices(roster: &RosterAnswer, feeds: &[Feed]) -> Vec<OwnDevice> {
    roster
        .orgs()
        .filter(|entry| entry.org == roster.org)
        .flat_map(|entry| entry.devices.iter().cloned())
        .map(|device| OwnDevice {
            max_seq: feeds
                .iter()
                .find(|feed| feed.author == device.device)
                .map(|feed| feed.max_seq),
            this_node: device.device == roster.device,
            device,
        })
        .collect()
}

fn list(global: &GlobalArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let roster: RosterAnswer = client.get_as("/v1/roster", &[])?;
    let feeds: Vec<Feed> = client.get_as("/v1/feeds", &[])?;
    let devices = own_devices(&roster, &feeds);
    if global.json {
        return print_json(&json!({ "org": roster.org, "devices": devices }));
    }
    println!("{:<70} {:<20} {:>7}  STATE", "DEVICE", "LABEL", "MAX SEQ");
    for own in &devices {
        let state = match own.device.revoked_from {
            Some(from) => format!("revoked from seq {from}"),
            None => "active".to_owned(),
        };
        println!(
            "{:<70} {:<20} {:>7}  {}{}",
            own.device.device,
            own.device.label,
            own.max_seq
                .map_or_else(|| "-".to_owned(), |seq| seq.to_string()),
            state,
            if own.this_node { " (this node)" } else { "" },
        );
    }
    Ok(())
}

fn add(global: &GlobalArgs, args: &AddArgs) -> anyhow::Result<()> {
    let dir = DataDir::resolve(global.data_dir.clone())?;
    let opened = dir.open()?;
    let out = DataDir::new(
        std::path::absolute(&args.out)
            .with_context(|| format!("could not resolve {}", args.out.display()))?,
    );
    let added = opened.add_device(&out, &args.label, checked_now_ms()?)?;
    if global.json {
        return print_json(&json!({
            "device": added.device.to_string(),
            "label": added.label,
            "org": opened.org().to_string(),
            "network": opened.network().to_string(),
            "data_dir": added.data_dir.display().to_string(),
        }));
    }
    let new_dir = shell_word(&added.data_dir.display().to_string());
    println!(
        "Made the device \"{}\" of your organization\n  device    {}\n  data dir  {}  (no \
         root.key: the root key stays here)\n\
         Copy that directory to the device (it holds the device's secret key: keep it \
         private), then run there:\n  commons --data-dir {new_dir} node run --bootstrap ADDR\n\
         (ADDR: one of your network's nodes, as its `commons status` shows it; on this same \
         machine, also give it its own --api-listen and --listen.)\n\
         Its first record, the delegation, reaches the network when its node first connects.",
        added.label,
        added.device,
        added.data_dir.display()
    );
    Ok(())
}

fn revoke(global: &GlobalArgs, args: &RevokeArgs) -> anyhow::Result<()> {
    let dir = DataDir::resolve(global.data_dir.clone())?;
    let opened = dir.open()?;
    // Sign first: without the root key there is nothing to ask the node.
    let revocation = opened.revocation(args.device, args.from_seq)?;
    let client = Client::connect(global)?;
    let roster: RosterAnswer = client.get_as("/v1/roster", &[])?;
    let feeds: Vec<Feed> = client.get_as("/v1/feeds", &[])?;
    let devices = own_devices(&roster, &feeds);
    let key = args.device.to_string();
    let Some(own) = devices.iter().find(|own| own.device.device == key) else {
        let known: Vec<String> = devices
            .iter()
            .map(|own| format!("{} ({})", own.device.device, own.device.label))
            .collect();
        bail!(
            "this node knows no device {key} of your organization: your devices are {}. (A \
             device's delegation reaches this node when that device's node connects to the \
             network.)",
            known.join(", ")
        );
    };
    if own.this_node {
        bail!(
            "{key} is this node's own device: revoke it from another device of your \
             organization (a node whose data dir holds root.key, or one you make with \
             `commons devices add`), so that a node remains to publish the revocation"
        );
    }
    let published: PublishAnswer = client
        .post_as(
            "/v1/publish/revocation",
            &RevocationRequest {
                device: key.to_string(),
                from_seq: revocation.from_seq,
                root: revocation.root.to_string(),
                root_signature: hex(revocation.root_signature.as_bytes()),
            },
        )
        .context("the revocation was not published")?;
    if global.json {
        return print_json(&json!({
            "revocation": published,
            "device": key,
            "from_seq": args.from_seq,
        }));
    }
    let held = own.max_seq;
    println!(
        "Revoked {key} ({}) from seq {} (record {}, seq {})",
        own.device.label, args.from_seq, published.record.id, published.record.seq
    );
    match held {
        Some(max) if max >= args.from_seq => println!(
            "This node holds records of it up to seq {max}: those from seq {} on now stop \
             counting everywhere the revocation reaches, and any new ones are refused.",
            args.from_seq
        ),
        _ => println!(
            "Its records from seq {} on are refused by every node the revocation reaches; \
             earlier ones stay.",
            args.from_seq
        ),
    }
    Ok(())
}
