//! The `commons` binary: the operator's entry point. This first version carries the
//! command-line frame (help, version, exit codes); node, publishing and archive
//! commands are added as the node and network land.

use std::process::ExitCode;

use clap::Parser;

/// Commons: a peer-to-peer network for the member organizations of a human-rights
/// network to share case studies, campaign updates and solidarity alerts, and to decide
/// together who is a member.
#[derive(Debug, Parser)]
#[command(name = "commons", version)]
struct Cli {}

fn main() -> ExitCode {
    match Cli::try_parse() {
        Ok(Cli {}) => {
            eprintln!(
                "commons: no command given. Run `commons --help` to see what this version can do."
            );
            ExitCode::from(2)
        }
        Err(error) => {
            let _ = error.print();
            // clap uses 0 for --help and --version, 2 for bad usage.
            ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(2))
        }
    }
}
