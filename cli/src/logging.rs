//! Logging for `commons node run`: `tracing` events to standard error, as text lines or
//! one JSON object per line, filtered by `RUST_LOG` (default `info`).

use std::io::IsTerminal;

use anyhow::Context;
use commons_node::config::LogFormat;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// The level logged when `RUST_LOG` is not set.
const DEFAULT_LEVEL: LevelFilter = LevelFilter::INFO;

/// Installs the process's log subscriber. Call once, before the node starts.
pub(crate) fn init(format: LogFormat) -> anyhow::Result<()> {
    let filter = EnvFilter::builder()
        .with_default_directive(DEFAULT_LEVEL.into())
        .from_env()
        .context(
            "RUST_LOG is not a valid log filter: use a level such as `info` or `debug`, or \
             directives such as `info,commons_node=debug`",
        )?;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    installed.map_err(|error| anyhow::anyhow!("could not set up logging: {error}"))
}
