//! `commons open`: lets a person of this org into the web app. Asks the running node
//! for a one-time login link (`POST /v1/web/login`, which needs the data dir's API
//! token), prints it, and opens it in the desktop's browser when there is a desktop.
//! The link works once, for five minutes.

use std::process::{Command, Stdio};

use anyhow::Context;
use commons_node::api::contract::web::LoginAnswer;
use serde_json::json;

use crate::GlobalArgs;
use crate::client::{Client, print_json};

/// Arguments of `commons open`.
#[derive(Debug, clap::Args)]
pub(crate) struct OpenArgs {
    /// Only print the link; do not start a browser
    #[arg(long)]
    no_browser: bool,
    /// The page of the app to open, such as /alerts [default: the home page]
    #[arg(long, value_name = "PATH")]
    page: Option<String>,
}

pub(crate) fn run(global: &GlobalArgs, args: &OpenArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let answer = client
        .post("/v1/web/login", &json!({}))
        .context("the node did not give a login link")?;
    let login: LoginAnswer = client.read_as("/v1/web/login", &answer)?;
    let mut url = login.url;
    if let Some(page) = &args.page {
        anyhow::ensure!(
            page.starts_with('/') && !page.starts_with("//"),
            "--page takes a page of the app, such as /alerts or /cases/new"
        );
        url.push_str("&next=");
        url.push_str(&percent_encode(page));
    }
    if global.json {
        let mut answer = answer;
        answer["url"] = serde_json::Value::String(url);
        return print_json(&answer);
    }
    let minutes = login.expires_in_s / 60;
    println!(
        "Open this link in a browser on this computer (it works once, for {minutes} minutes):"
    );
    println!();
    println!("  {url}");
    if !args.no_browser && has_desktop() {
        match Command::new("xdg-open")
            .arg(&url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(_) => println!("\nOpening it in your browser…"),
            Err(_) => println!("\n(No browser could be started here: copy the link instead.)"),
        }
    }
    Ok(())
}

/// Whether a graphical session is there to open a browser in.
fn has_desktop() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|value| !value.is_empty()))
}

/// `text` with every byte outside the unreserved set and `/` percent-encoded, for a
/// query parameter.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
