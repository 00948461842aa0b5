//! `commons open` on the real binary: a running node serves the web app on loopback and
//! `open` hands out a one-time login link that lets one browser in, once.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::running_node::{Node, at};
use tempfile::TempDir;

/// A plain HTTP/1.1 GET, as a browser at this machine would send it: the status code,
/// the `Set-Cookie` headers and the body.
fn get(url: &str) -> (u16, Vec<String>, String) {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let cookies = head
        .lines()
        .filter_map(|line| line.strip_prefix("set-cookie: "))
        .map(str::to_owned)
        .collect();
    (status, cookies, body.to_owned())
}

#[test]
fn open_gives_a_link_that_lets_one_browser_in_once() {
    let node = Node::start();
    let answer = node.json(&["open", "--no-browser"]);
    let url = answer["url"].as_str().unwrap().to_owned();
    let web = std::fs::read_to_string(node.dir().join("web-address")).unwrap();
    assert!(
        url.starts_with(&format!("http://{}/login?ticket=", web.trim())),
        "{url}"
    );
    assert_eq!(answer["expires_in_s"], 300);

    let (status, cookies, body) = get(&url);
    assert_eq!(status, 200, "{body}");
    let session = cookies
        .iter()
        .find(|cookie| cookie.starts_with("commons_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );

    let (again, cookies, body) = get(&url);
    assert_eq!(again, 403, "a link works once: {body}");
    assert!(cookies.is_empty());
    assert!(body.contains("commons open"), "{body}");

    // The human form prints the link and where to open it; `--page` picks the page.
    let printed = node
        .run(&["open", "--no-browser", "--page", "/alerts"])
        .ok();
    assert!(printed.contains("/login?ticket="), "{printed}");
    assert!(printed.contains("&next=/alerts"), "{printed}");
    let status = node.run(&["status"]).ok();
    assert!(
        status.contains(&format!("web app   http://{}", web.trim())),
        "{status}"
    );
}

#[test]
fn a_node_without_the_web_app_says_how_to_turn_it_on() {
    let temp = TempDir::new().unwrap();
    let dir = temp.path().join("node");
    at(&dir, &["init", "--org-name", "Tenants' Voice Alliance"]).ok();
    let config = dir.join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("web = true", "web = false")).unwrap();
    let node = Node::run_on(&dir, &[]);
    assert!(!dir.join("web-address").exists());
    node.run(&["open", "--no-browser"])
        .fails_saying(&["does not serve the web app", "web = false"]);
    assert!(node.run(&["status"]).ok().contains("web app   off"));
}

#[test]
fn the_web_app_listens_on_loopback_only() {
    let temp = TempDir::new().unwrap();
    let dir = temp.path().join("node");
    at(&dir, &["init", "--org-name", "Tenants' Voice Alliance"]).ok();
    at(&dir, &["node", "run", "--web-listen", "0.0.0.0:7412"])
        .fails_saying(&["web_listen 0.0.0.0:7412 is not a loopback address"]);
}
