//! `commons node run`: the daemon in the foreground. Opens and checks the data
//! directory, builds the runtime configuration (flags beat environment variables,
//! which beat `config.toml`), sets up logging, and runs the node until SIGINT or
//! SIGTERM asks it to shut down.

use std::future::Future;

use anyhow::Context;
use commons_node::config::{LogFormat, Overrides};
use commons_node::data_dir::DataDir;
use tokio::signal::unix::{SignalKind, signal};

use crate::GlobalArgs;

/// `commons node …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum NodeCommand {
    /// Run the node in the foreground until interrupted (SIGINT or SIGTERM)
    Run(RunArgs),
}

/// Arguments of `commons node run`.
#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// Where the local control API listens: a loopback address and port
    /// [default: api_listen in config.toml, else 127.0.0.1:7390]
    #[arg(long, value_name = "ADDR", env = "COMMONS_API_LISTEN")]
    api_listen: Option<String>,
    /// Where the staff's web app listens: a loopback address and port
    /// [default: web_listen in config.toml, else 127.0.0.1:7412]; `commons open` gives
    /// a login link
    #[arg(long, value_name = "ADDR", env = "COMMONS_WEB_LISTEN")]
    web_listen: Option<String>,
    /// Do not serve the web app (as `web = false` in config.toml)
    #[arg(long)]
    no_web: bool,
    /// How logs are written to standard error [default: log_format in config.toml, else
    /// text]; RUST_LOG filters them (default: info)
    #[arg(long, value_name = "FORMAT", env = "COMMONS_LOG_FORMAT")]
    log_format: Option<LogFormatArg>,
    /// Where to listen for peers, a libp2p multiaddr; repeat for several. Replaces
    /// `listen` in config.toml [default: TCP and QUIC on port 7411]
    #[arg(long, value_name = "MULTIADDR")]
    listen: Vec<String>,
    /// A peer to dial at start, a multiaddr ending in /p2p/<peer id>; repeat for
    /// several. Added to `bootstrap` in config.toml
    #[arg(long, value_name = "MULTIADDR")]
    bootstrap: Vec<String>,
    /// Do not look for peers on the local network with mDNS
    #[arg(long)]
    no_mdns: bool,
}

/// `--log-format`: clap's side of [`LogFormat`].
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormatArg {
    /// One human-readable line per event
    Text,
    /// One JSON object per line, for log collectors
    Json,
}

impl From<LogFormatArg> for LogFormat {
    fn from(format: LogFormatArg) -> Self {
        match format {
            LogFormatArg::Text => LogFormat::Text,
            LogFormatArg::Json => LogFormat::Json,
        }
    }
}

pub(crate) fn run(global: &GlobalArgs, args: &RunArgs) -> anyhow::Result<()> {
    let data_dir = DataDir::resolve(global.data_dir.clone())?;
    let opened = data_dir.open()?;
    let overrides = Overrides {
        api_listen: args.api_listen.clone(),
        web_listen: args.web_listen.clone(),
        no_web: args.no_web,
        log_format: args.log_format.map(LogFormat::from),
        listen: args.listen.clone(),
        bootstrap: args.bootstrap.clone(),
        no_mdns: args.no_mdns,
    };
    let config = opened.config().clone().build(&overrides).with_context(|| {
        format!(
            "the configuration ({}, flags and environment) is not usable",
            opened.dir().config_path().display()
        )
    })?;
    crate::logging::init(config.log_format())?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    runtime.block_on(async move {
        // Listen for signals before the node starts, so an early one is not missed.
        let shutdown = shutdown_signal().context("could not listen for SIGINT and SIGTERM")?;
        tracing::info!(
            network = %opened.network(),
            org = %opened.org(),
            device = %opened.device().public(),
            api = %config.api_listen(),
            web = ?config.web_listen(),
            data_dir = %opened.dir().path().display(),
            "node starting"
        );
        commons_node::run_node(opened, config, Some(commons_web::router), shutdown)
            .await
            .context("the node stopped with an error")
    })
}

/// A future that resolves on the first SIGINT (Ctrl-C) or SIGTERM (systemd's stop). The
/// handlers are installed when this is called, so call it before starting the node.
pub(crate) fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        let name = tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        };
        tracing::info!(signal = name, "shutting down");
    })
}

#[cfg(test)]
mod tests {
    use std::process::Command;
    use std::time::Duration;

    use super::*;

    /// How long the test waits for a signal it sent to itself.
    const SIGNAL_DEADLINE: Duration = Duration::from_secs(10);

    #[tokio::test]
    async fn sigterm_resolves_the_shutdown_future() {
        let shutdown = shutdown_signal().unwrap();
        // The handler is installed, so SIGTERM no longer ends this test process.
        let status = Command::new("kill")
            .args(["-TERM", &std::process::id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        tokio::time::timeout(SIGNAL_DEADLINE, shutdown)
            .await
            .expect("SIGTERM resolves the shutdown future");
    }
}
