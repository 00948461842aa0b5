//! The real `commons` binary: help, version and exit codes.

use std::process::Command;

fn commons(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_commons"))
        .args(args)
        .output()
        .expect("the commons binary runs")
}

#[test]
fn version_names_the_binary_and_its_version() {
    let output = commons(&["--version"]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!("commons {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_succeeds_and_says_what_commons_is() {
    let output = commons(&["--help"]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Usage: commons"), "{text}");
    assert!(text.contains("peer-to-peer"), "{text}");
}

#[test]
fn bad_usage_exits_2_with_a_message() {
    let output = commons(&["--no-such-flag"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--no-such-flag"));
    let output = commons(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("commons --help"));
}
