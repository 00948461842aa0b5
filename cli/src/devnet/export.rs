//! Step 8 of a devnet, with `--export`: write the network's archive bundle, verified,
//! while every node still runs ([`export_network`]).

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::progress;
use crate::archive::{Exported, Format, export_archive};
use crate::client::Client;

/// Writes the archive bundle to `export`, if given, from `client`'s node. Every node
/// holds every record and still runs, so an archive of any one node's store is the
/// whole network's.
pub(super) fn export_network(
    export: Option<&Path>,
    client: &Client,
) -> anyhow::Result<Option<(PathBuf, Exported)>> {
    let Some(path) = export else {
        return Ok(None);
    };
    progress(&format!(
        "exporting the network's archive to {}",
        path.display()
    ));
    let exported = export_archive(client, path, Format::Bundle, false, false, None)
        .context("the devnet converged, but its archive could not be exported")?;
    Ok(Some((path.to_owned(), exported)))
}
