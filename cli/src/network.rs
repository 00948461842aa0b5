//! `commons network …`: founding and joining a network, offline (no node needed). The
//! step before any record: founders exchange their `org.toml` files, one drafts the
//! charter (`create`), every founder signs the same file in turn (`sign`), and every
//! node adopts the completely signed charter (`join`). `show` reads a charter back.

use std::path::{Path, PathBuf};

use anyhow::Context;
use commons_node::data_dir::{DataDir, OrgFile};
use commons_node::founding::{
    CharterTerms, JoinReport, draft_charter, parse_threshold, read_charter_file, sign_charter_file,
    unsigned_founders, write_charter_file,
};
use commons_protocol::{RootKeypair, SignedCharter, Threshold};
use serde_json::{Value, json};

use crate::GlobalArgs;
use crate::client::print_json;
use commons_node::clock::checked_now_ms;

use crate::init::shell_word;

/// Where `network create` writes the charter unless told otherwise.
const DEFAULT_CHARTER_OUT: &str = "charter.bin";

/// `commons network …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum NetworkCommand {
    /// Draw up a network's charter from its founders' org files, signed by this org if it
    /// is one of them
    ///
    /// Each founder's org file is the org.toml that `commons init` wrote in its data
    /// directory (include your own). The charter is then passed from founder to
    /// founder, each running `commons network sign FILE`, and once all have signed,
    /// every founder runs `commons network join FILE`.
    Create(CreateArgs),
    /// Add this organization's signature to a charter file (you must be a founder)
    Sign(SignArgs),
    /// Show a charter: name, network id, founders and who has signed, thresholds
    Show(ShowArgs),
    /// Adopt a completely signed charter: this node moves to that network
    ///
    /// Stop the node first. The node's previous network (such as the one-member network
    /// `commons init` makes) is left: its store is kept in previous-networks/ in the data
    /// directory, if it holds only this device's own records; a node holding other
    /// devices' records is refused.
    Join(JoinArgs),
}

/// Arguments of `commons network create`.
#[derive(Debug, clap::Args)]
pub(crate) struct CreateArgs {
    /// The network's name
    #[arg(long, value_name = "NAME")]
    name: String,
    /// A founding organization's org file (its org.toml); repeat for each founder,
    /// yours included
    #[arg(long = "founder", value_name = "ORGFILE", required = true)]
    founders: Vec<PathBuf>,
    /// Where to write the charter
    #[arg(long, value_name = "FILE", default_value = DEFAULT_CHARTER_OUT)]
    out: PathBuf,
    /// Votes needed to admit an org: a count (2) or a fraction of the members (2/3)
    /// [default: a majority of the founders, as a fraction]
    #[arg(long, value_name = "N|N/D", value_parser = parse_threshold)]
    admission: Option<Threshold>,
    /// Votes needed to remove a member, out of the other members [default: a majority]
    #[arg(long, value_name = "N|N/D", value_parser = parse_threshold)]
    removal: Option<Threshold>,
    /// Votes needed to replace a member's lost root key, out of the other members
    /// [default: a majority]
    #[arg(long, value_name = "N|N/D", value_parser = parse_threshold)]
    recovery: Option<Threshold>,
    /// Let non-members read Public records (members-only records stay among members)
    #[arg(long)]
    open_read: bool,
}

/// Arguments of `commons network sign`.
#[derive(Debug, clap::Args)]
pub(crate) struct SignArgs {
    /// The charter file; your signature is added to it in place
    #[arg(value_name = "CHARTER")]
    charter: PathBuf,
}

/// Arguments of `commons network show`.
#[derive(Debug, clap::Args)]
pub(crate) struct ShowArgs {
    /// A charter file [default: the charter of this node's network]
    #[arg(value_name = "CHARTER")]
    charter: Option<PathBuf>,
}

/// Arguments of `commons network join`.
#[derive(Debug, clap::Args)]
pub(crate) struct JoinArgs {
    /// The completely signed charter file
    #[arg(value_name = "CHARTER")]
    charter: PathBuf,
}

pub(crate) fn run(global: &GlobalArgs, command: &NetworkCommand) -> anyhow::Result<()> {
    match command {
        NetworkCommand::Create(args) => create(global, args),
        NetworkCommand::Sign(args) => sign(global, args),
        NetworkCommand::Show(args) => show(global, args),
        NetworkCommand::Join(args) => join(global, args),
    }
}

/// This data dir's root key, if it has a readable one.
fn own_root(global: &GlobalArgs) -> anyhow::Result<Option<RootKeypair>> {
    let Ok(dir) = DataDir::resolve(global.data_dir.clone()) else {
        return Ok(None);
    };
    if !dir.path().exists() {
        return Ok(None);
    }
    Ok(dir.read_root()?)
}

fn create(global: &GlobalArgs, args: &CreateArgs) -> anyhow::Result<()> {
    let founders = args
        .founders
        .iter()
        .map(|path| OrgFile::load(path))
        .collect::<Result<Vec<_>, _>>()?;
    let terms = CharterTerms {
        name: args.name.clone(),
        admission: args.admission,
        removal: args.removal,
        recovery: args.recovery,
        open_read: args.open_read,
    };
    let mut charter = draft_charter(&terms, &founders, checked_now_ms()?)?;
    let signer = own_root(global)?.filter(|root| charter.charter().is_founder(&root.org_id()));
    if let Some(root) = &signer {
        charter.sign(root).context("could not sign the charter")?;
    }
    write_charter_file(&args.out, &charter, false)?;
    let mut report = describe(&charter, &args.out);
    report["signed_here"] = json!(signer.is_some());
    if global.json {
        return print_json(&report);
    }
    println!(
        "Wrote the charter of \"{}\" to {}",
        charter.charter().name,
        args.out.display()
    );
    if signer.is_none() {
        println!(
            "Not signed here: this data directory's organization is not one of the founders \
             (or holds no root.key)."
        );
    }
    print!("{}", human(&charter, &args.out));
    Ok(())
}

fn sign(global: &GlobalArgs, args: &SignArgs) -> anyhow::Result<()> {
    let dir = DataDir::resolve(global.data_dir.clone())?;
    let root = dir.open_root()?;
    let charter = sign_charter_file(&args.charter, &root)?;
    if global.json {
        return print_json(&describe(&charter, &args.charter));
    }
    println!(
        "Signed the charter of \"{}\" in {} as {}",
        charter.charter().name,
        args.charter.display(),
        root.org_id()
    );
    print!("{}", human(&charter, &args.charter));
    Ok(())
}

fn show(global: &GlobalArgs, args: &ShowArgs) -> anyhow::Result<()> {
    let path = match &args.charter {
        Some(path) => path.clone(),
        None => DataDir::resolve(global.data_dir.clone())?.charter_path(),
    };
    if args.charter.is_none() && !path.exists() {
        anyhow::bail!(
            "no Commons node here: there is no {}; run `commons init --org-name NAME` first, name \
             the node's data directory with --data-dir, or give a charter file",
            path.display()
        );
    }
    let charter = read_charter_file(&path)?;
    if global.json {
        return print_json(&describe(&charter, &path));
    }
    println!("Charter {}", path.display());
    let text = human(&charter, &path);
    if args.charter.is_none() {
        // This node's own charter is adopted already: what to run next does not apply.
        for line in text.lines().filter(|line| line.starts_with(' ')) {
            println!("{line}");
        }
    } else {
        print!("{text}");
    }
    Ok(())
}

fn join(global: &GlobalArgs, args: &JoinArgs) -> anyhow::Result<()> {
    let dir = DataDir::resolve(global.data_dir.clone())?;
    let report = dir.join(&args.charter, checked_now_ms()?)?;
    if global.json {
        return print_json(&json!({
            "network": report.network.to_string(),
            "network_name": report.network_name,
            "org": report.org.to_string(),
            "device": report.device.to_string(),
            "founder": report.founder,
            "already": report.already,
            "previous": report.previous.as_ref().map(|previous| json!({
                "network": previous.network.to_string(),
                "kept_in": previous.kept_in.display().to_string(),
                "own_records": previous.own_records,
            })),
        }));
    }
    print!("{}", join_human(&report, global.data_dir.as_deref()));
    Ok(())
}

fn join_human(report: &JoinReport, data_dir_flag: Option<&Path>) -> String {
    let mut out = String::new();
    if report.already {
        out.push_str(&format!(
            "This node is already in \"{}\" ({}); nothing changed.\n",
            report.network_name, report.network
        ));
    } else {
        out.push_str(&format!(
            "This node joined \"{}\"\n  network  {}\n  org      {}\n  device   {}\n",
            report.network_name, report.network, report.org, report.device
        ));
    }
    if let Some(previous) = &report.previous {
        out.push_str(&format!(
            "It left network {}: that network's store ({} record(s) of this device) is kept, \
             untouched, in {}\n",
            previous.network,
            previous.own_records,
            previous.kept_in.display()
        ));
    }
    let prefix = match data_dir_flag {
        Some(dir) => format!(
            "commons --data-dir {}",
            shell_word(&dir.display().to_string())
        ),
        None => "commons".to_owned(),
    };
    out.push_str(&format!(
        "next: {prefix} node run --bootstrap ADDR   (ADDR: a member's address, as its \
         `commons status` shows it)\n"
    ));
    if report.founder {
        out.push_str("Your organization is a founder, so it is a member from the start.\n");
    } else {
        out.push_str(&format!(
            "Your organization is not a member yet: once the node runs, ask to join with\n  \
             {prefix} members apply --statement \"who you are and why you join\"\n"
        ));
    }
    out
}

/// A charter as JSON: name, id, founders and their signatures, thresholds.
fn describe(charter: &SignedCharter, path: &Path) -> Value {
    let terms = charter.charter();
    let missing = charter.missing_signatures();
    let founders: Vec<Value> = terms
        .founders
        .iter()
        .map(|founder| {
            json!({
                "org": founder.org.to_string(),
                "name": founder.name,
                "signed": !missing.contains(&founder.org),
            })
        })
        .collect();
    let count = terms.founders.len();
    let threshold = |threshold: Threshold, electorate: usize| json!({ "rule": threshold.to_string(), "needed_now": threshold.needed(electorate) });
    json!({
        "file": path.display().to_string(),
        "name": terms.name,
        "network": terms.network_id().to_string(),
        "created_ms": terms.created_ms,
        "founders": founders,
        "complete": missing.is_empty(),
        "missing": missing.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "admission": threshold(terms.admission, count),
        "removal": threshold(terms.removal, count.saturating_sub(1)),
        "recovery": threshold(terms.recovery, count.saturating_sub(1)),
        "open_read": terms.open_read,
    })
}

/// A charter for people: who has signed, who has yet to and what they run.
fn human(charter: &SignedCharter, path: &Path) -> String {
    let terms = charter.charter();
    let missing = unsigned_founders(charter);
    let count = terms.founders.len();
    let file = shell_word(&path.display().to_string());
    let mut out = format!(
        "  name       {}\n  network    {}\n  reading    {}\n  admission  {} (with the {count} \
         founders: {} vote(s))\n  removal    {} (now: {} of the others)\n  recovery   {} (now: \
         {} of the others)\n  founders   {count}\n",
        terms.name,
        terms.network_id(),
        if terms.open_read {
            "non-members may read Public records"
        } else {
            "members only"
        },
        terms.admission,
        terms.admission.needed(count),
        terms.removal,
        terms.removal.needed(count.saturating_sub(1)),
        terms.recovery,
        terms.recovery.needed(count.saturating_sub(1)),
    );
    for founder in &terms.founders {
        let signed = !missing.iter().any(|other| other.org == founder.org);
        out.push_str(&format!(
            "    {}  {}  {}\n",
            if signed { "signed    " } else { "NOT SIGNED" },
            founder.org,
            founder.name
        ));
    }
    if missing.is_empty() {
        out.push_str(&format!(
            "Every founder has signed. Each founder now runs: commons network join {file}\n"
        ));
    } else {
        out.push_str(&format!(
            "Partly signed: {} of {count} founder(s) have yet to sign: {}.\n\
             Pass this file to each of them in turn; each runs: commons network sign {file}\n\
             When every founder has signed, each runs: commons network join {file}\n",
            missing.len(),
            missing
                .iter()
                .map(|founder| format!("{} ({})", founder.name, founder.org))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    out
}
