//! Step 10, the last of a devnet: with `--keep-running`, keep the network up until
//! Ctrl-C ([`keep_running`]); then stop every node and remove (or, with `--keep`, keep)
//! their directory ([`stop`]). The signal handlers that end the wait are installed
//! before any node starts ([`watch_signals`]).

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use tempfile::TempDir;
use tokio::signal::unix::{SignalKind, signal};

use super::children::Children;
use super::nodes::LOG_FILE;
use super::plan::Plan;
use super::{STATUS_INTERVAL, progress};

/// Sets `interrupted` on the first SIGINT or SIGTERM. The handlers are installed here,
/// before any node is started, so that Ctrl-C always reaches the code that stops the
/// nodes instead of ending this process and leaving them running.
pub(super) fn watch_signals(
    runtime: &tokio::runtime::Runtime,
    interrupted: Arc<AtomicBool>,
) -> anyhow::Result<()> {
    let (mut interrupt, mut terminate) = runtime
        .block_on(async {
            Ok::<_, std::io::Error>((
                signal(SignalKind::interrupt())?,
                signal(SignalKind::terminate())?,
            ))
        })
        .context("could not listen for SIGINT and SIGTERM")?;
    runtime.spawn(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        progress("interrupted: stopping every node");
        interrupted.store(true, Ordering::SeqCst);
    });
    Ok(())
}

/// Keeps the devnet's nodes running until SIGINT or SIGTERM. A node that exits in the
/// meantime (an operator may stop one to watch the others catch it up later) is
/// reported once; the others keep running.
pub(super) fn keep_running(children: &mut Children, interrupted: &AtomicBool) {
    progress("running; Ctrl-C (SIGINT) or SIGTERM stops every node");
    let mut reported: HashSet<usize> = HashSet::new();
    while !interrupted.load(Ordering::SeqCst) {
        for slot in children.slots() {
            if reported.contains(&slot) {
                continue;
            }
            if let Err(error) = children.check_running(slot) {
                progress(&format!("{error:#}"));
                progress("the other nodes keep running");
                reported.insert(slot);
            }
        }
        std::thread::sleep(STATUS_INTERVAL);
    }
}

/// Stops every node, then removes their directory `temp`, or keeps it with `--keep`.
pub(super) fn stop(plan: &Plan, mut children: Children, temp: TempDir) -> anyhow::Result<()> {
    progress(&format!("stopping {} nodes", plan.nodes));
    children.stop();
    if plan.keep {
        let kept = temp.keep();
        progress(&format!(
            "kept the data directories and logs ({LOG_FILE}) in {}",
            kept.display()
        ));
    } else {
        let path = temp.path().to_owned();
        temp.close().with_context(|| {
            format!("could not remove the devnet's directory {}", path.display())
        })?;
    }
    Ok(())
}
