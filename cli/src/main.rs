//! The `commons` binary: the operator's entry point. Arguments are parsed here and
//! handed to one module per command: [`init`] creates a node's data directory, and
//! [`node`] opens it, checks the configuration, sets up [`logging`] and runs the
//! daemon until SIGINT or SIGTERM. [`status`], [`publish`], [`records`] and [`alerts`]
//! talk to the running node over its control API through [`client`].

mod alerts;
mod archive;
mod atomic_file;
mod attachments;
mod backup;
mod calendar;
mod client;
mod devices;
mod devnet;
mod groups;
mod init;
mod logging;
mod members;
mod network;
mod node;
mod open;
mod peers;
mod publish;
mod publish_batch;
mod records;
mod redactions;
mod status;
mod sync;
mod terminal_text;
mod traffic;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Commons: a peer-to-peer network for the member organizations of a human-rights
/// network to share case studies, campaign updates and solidarity alerts, and to decide
/// together who is a member.
#[derive(Debug, Parser)]
#[command(name = "commons", version)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Options every command takes.
#[derive(Debug, Clone, clap::Args)]
struct GlobalArgs {
    /// The node's data directory [default: $COMMONS_DATA_DIR, else the platform's data
    /// directory, such as ~/.local/share/commons]
    #[arg(long, global = true, value_name = "PATH")]
    data_dir: Option<PathBuf>,
    /// Print the result as one JSON object, for scripts
    #[arg(long, global = true)]
    json: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a new node: keys (mode 0600), a one-member network, config, data directory
    Init(init::InitArgs),
    /// Run and manage this node
    #[command(subcommand)]
    Node(node::NodeCommand),
    /// Show the running node's health: network, org, device, record counts
    Status,
    /// Open the web app for your organization's staff: prints a one-time login link
    /// (and opens it where there is a desktop)
    Open(open::OpenArgs),
    /// Publish a record: a case study, a campaign or an update, an alert or an answer
    #[command(subcommand)]
    Publish(publish::PublishCommand),
    /// Read the records the running node holds
    #[command(subcommand)]
    Records(records::RecordsCommand),
    /// Solidarity alerts: which member orgs have responded to each, and which not yet
    #[command(subcommand)]
    Alerts(alerts::AlertsCommand),
    /// Run a throwaway network on this machine and time how fast records reach every node
    ///
    /// Founds one network of N orgs in a temporary directory, runs each org's node as a
    /// child process, publishes sample content round-robin through them (case studies, a
    /// coalition campaign with its partners' updates, an urgent alert and the other
    /// orgs' answers), and reports, per node, the records it holds (the N devices'
    /// delegations included), its peers, and the p50/p99 time from a record's publish
    /// call until every node held it. Then it stops the nodes and removes the directory
    /// (unless --keep); with --keep-running, the network stays up until Ctrl-C.
    Devnet(devnet::DevnetArgs),
    /// Show the peers the running node is connected to and how each stands
    Peers,
    /// Show how far the running node has caught up with its peers, feed by feed; or
    /// write its heads to a file, to carry to a site that can export what it lacks
    Sync(sync::SyncArgs),
    /// Found or join a network: draw up, sign, show and adopt its charter (offline)
    #[command(subcommand)]
    Network(network::NetworkCommand),
    /// The network's members: list them and the decisions under way, apply, vote
    #[command(subcommand)]
    Members(members::MembersCommand),
    /// Working groups: member organizations that decide among themselves who belongs
    /// (list, show, create, invite, vote, leave)
    #[command(subcommand)]
    Groups(groups::GroupsCommand),
    /// Redaction by the members' vote: records that endanger someone, taken down by
    /// the network even when their author cannot or will not retract them
    #[command(subcommand)]
    Redactions(redactions::RedactionsCommand),
    /// Your organization's devices: list, add one (offline), revoke one
    #[command(subcommand)]
    Devices(devices::DevicesCommand),
    /// Export, verify and import archives of the network's records, for researchers
    #[command(subcommand)]
    Archive(archive::ArchiveCommand),
    /// Copy this stopped node's data dir (keys, charter, config, store) to a new directory
    Backup(backup::BackupArgs),
    /// Put a backup back as this node's data dir (the node must be stopped); the node
    /// then holds publishing until it has caught up with its own feed from its peers
    Restore(backup::RestoreArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            // clap uses 0 for --help and --version, 2 for bad usage.
            return ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2));
        }
    };
    let Some(command) = cli.command else {
        eprintln!(
            "commons: no command given. Run `commons --help` to see what this version can do."
        );
        return ExitCode::from(2);
    };
    match run(&cli.global, command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(global: &GlobalArgs, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Init(args) => init::run(global, &args),
        Command::Node(node::NodeCommand::Run(args)) => node::run(global, &args),
        Command::Status => status::run(global),
        Command::Open(args) => open::run(global, &args),
        Command::Publish(command) => publish::run(global, &command),
        Command::Records(command) => records::run(global, &command),
        Command::Alerts(command) => alerts::run(global, &command),
        Command::Devnet(args) => devnet::run(global, &args),
        Command::Peers => peers::run(global),
        Command::Sync(args) => sync::run(global, &args),
        Command::Network(command) => network::run(global, &command),
        Command::Members(command) => members::run(global, &command),
        Command::Groups(command) => groups::run(global, &command),
        Command::Redactions(command) => redactions::run(global, &command),
        Command::Devices(command) => devices::run(global, &command),
        Command::Archive(command) => archive::run(global, &command),
        Command::Backup(args) => backup::run_backup(global, &args),
        Command::Restore(args) => backup::run_restore(global, &args),
    }
}
