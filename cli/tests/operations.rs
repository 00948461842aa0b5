//! What docs/operations.md hands operators, checked: the systemd unit in
//! `docs/systemd/commons.service` passes `systemd-analyze verify` with no warning (with
//! its `ExecStart` pointed at the `commons` binary under test, since verify checks that
//! the command exists). On a machine without systemd the test says it skipped, except
//! under CI, which installs it.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

const UNIT: &str = "commons.service";
const INSTALLED_BINARY: &str = "ExecStart=/usr/local/bin/commons node run";

#[test]
fn the_systemd_unit_verifies_without_a_warning() {
    let unit = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/systemd")
        .join(UNIT);
    let text = std::fs::read_to_string(&unit).unwrap();
    assert_eq!(
        text.lines()
            .filter(|line| *line == INSTALLED_BINARY)
            .count(),
        1,
        "the unit runs the installed binary, once: {text}"
    );
    for setting in [
        "User=commons",
        "Environment=COMMONS_DATA_DIR=/var/lib/commons",
        "StateDirectoryMode=0700",
        "KillSignal=SIGTERM",
    ] {
        assert!(text.lines().any(|line| line == setting), "{setting}");
    }
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        // CI installs it (.ci/run), so there a missing command is a failure, not a skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "systemd-analyze is not installed: apt-get install systemd"
        );
        eprintln!("skipped: systemd-analyze is not installed here (apt-get install systemd)");
        return;
    }
    let temp = TempDir::new().unwrap();
    let under_test = text.replace(
        INSTALLED_BINARY,
        &format!("ExecStart={} node run", env!("CARGO_BIN_EXE_commons")),
    );
    let copy = temp.path().join(UNIT);
    std::fs::write(&copy, under_test).unwrap();
    let output = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&copy)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{said}");
    // verify exits 0 on unknown keys and bad values too, warning about them.
    let about_the_unit: Vec<&str> = said.lines().filter(|line| line.contains(UNIT)).collect();
    assert!(about_the_unit.is_empty(), "{said}");

    // And the check does catch a mistake.
    std::fs::write(
        &copy,
        text.replace("UMask=0077", "UMask=0077\nProtectSystm=strict"),
    )
    .unwrap();
    let output = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&copy)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("ProtectSystm"), "{said}");
}
