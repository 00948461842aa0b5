//! What the CLI's integration tests share.

use std::process::{Command, Stdio};

/// The real `commons` binary, with none of the caller's Commons settings in its
/// environment and nothing on its standard input.
pub fn commons() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_commons"));
    for name in [
        "COMMONS_DATA_DIR",
        "COMMONS_API_LISTEN",
        "COMMONS_WEB_LISTEN",
        "COMMONS_LOG_FORMAT",
        "RUST_LOG",
    ] {
        command.env_remove(name);
    }
    command.stdin(Stdio::null());
    command
}

pub mod running_node;
