//! `commons backup` and `commons restore`: a copy of a stopped node's data dir, and
//! that copy put back. Both are offline (the node must be stopped); a node started
//! from a restored data dir holds publishing until it has caught up with its own feed
//! (`commons_node::restore`), so a restore never forks this device's feed.

use std::path::PathBuf;

use commons_node::data_dir::DataDir;
use commons_node::restore::{BackupReport, RestoreReport, backup, restore};
use serde_json::json;

use crate::GlobalArgs;
use commons_node::clock::checked_now_ms;

use crate::init::shell_word;

/// Arguments of `commons backup`.
#[derive(Debug, clap::Args)]
pub(crate) struct BackupArgs {
    /// The new directory to write the backup to (must not exist yet)
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Arguments of `commons restore`.
#[derive(Debug, clap::Args)]
pub(crate) struct RestoreArgs {
    /// The backup directory, made by `commons backup`
    #[arg(value_name = "FROM")]
    from: PathBuf,
    /// If the data dir already holds a node, move it aside (to
    /// <data dir>.before-restore-<time>) and restore in its place
    #[arg(long)]
    replace: bool,
}

pub(crate) fn run_backup(global: &GlobalArgs, args: &BackupArgs) -> anyhow::Result<()> {
    let dir = DataDir::resolve(global.data_dir.clone())?;
    let out = std::path::absolute(&args.out)?;
    let report = backup(&dir, &out, checked_now_ms()?)?;
    if global.json {
        println!(
            "{}",
            json!({
                "out": report.out.display().to_string(),
                "device": report.device.to_string(),
                "own_seq": report.own_seq,
                "files": report.files.len(),
                "has_root_key": report.has_root_key,
            })
        );
    } else {
        print!("{}", human_backup(&report));
    }
    Ok(())
}

fn human_backup(report: &BackupReport) -> String {
    let mut out = format!(
        "Backed up this node to {}\n\
         \x20 device   {}\n\
         \x20 feed     at seq {}\n\
         \x20 files    {}\n\
         \n\
         The backup holds this device's key and the API token: keep it as safe as the\n\
         machine itself (an encrypted disk, a locked drawer).\n",
        report.out.display(),
        report.device,
        report.own_seq,
        report.files.len(),
    );
    if report.has_root_key {
        out.push_str(
            "It also holds root.key, your organization's root key: store it offline, or \
             move root.key out of the data dir (see docs/membership.md).\n",
        );
    }
    out.push_str(&format!(
        "To restore it: commons restore {}\n",
        shell_word(&report.out.display().to_string())
    ));
    out
}

pub(crate) fn run_restore(global: &GlobalArgs, args: &RestoreArgs) -> anyhow::Result<()> {
    let dir = DataDir::resolve(global.data_dir.clone())?;
    let from = DataDir::new(std::path::absolute(&args.from)?);
    let report = restore(&from, &dir, args.replace, checked_now_ms()?)?;
    if global.json {
        println!(
            "{}",
            json!({
                "data_dir": report.data_dir.display().to_string(),
                "device": report.device.to_string(),
                "own_seq": report.own_seq,
                "moved_aside": report.moved_aside.as_ref().map(|path| path.display().to_string()),
            })
        );
    } else {
        print!("{}", human_restore(&report, global.data_dir.is_some()));
    }
    Ok(())
}

fn human_restore(report: &RestoreReport, data_dir_flag: bool) -> String {
    let mut out = format!(
        "Restored {} from the backup\n\
         \x20 device   {}\n\
         \x20 feed     at seq {} in the backup\n",
        report.data_dir.display(),
        report.device,
        report.own_seq,
    );
    if let Some(aside) = &report.moved_aside {
        out.push_str(&format!(
            "\x20 moved    the data dir that was there to {}\n",
            aside.display()
        ));
    }
    let run = if data_dir_flag {
        format!(
            "commons --data-dir {} node run",
            shell_word(&report.data_dir.display().to_string())
        )
    } else {
        "commons node run".to_owned()
    };
    out.push_str(&format!(
        "\n\
         This device may have published after the backup was made. When you start the node\n\
         ({run}), it holds publishing until its member peers have told it its own feed's\n\
         head and it has pulled its records up to it; `commons status` shows how that stands.\n"
    ));
    out
}
