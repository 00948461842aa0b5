//! The web app in a real browser: Debian's `chromium`, driven over WebDriver by
//! `chromedriver`, against real `commons` nodes. What `tests/web_browser.rs` is built on.
//!
//! | piece | what it does |
//! |---|---|
//! | [`BrowserTools`] | finds `chromium` and `chromedriver`; a test without them skips, or fails under `CI=true` |
//! | [`Browser`] | one chromedriver child on a loopback port of its own, one Chromium session with a fresh profile, and blocking steps a person would take: open a page, fill a field by its label, press a button by its words, wait for a page to show something |
//! | [`Browser::screenshot`] | a full-height PNG at a given width, desktop or phone (Chrome's device emulation) |
//! | [`Browser::axe`] | axe-core (pinned in `tests/web-axe`), injected through WebDriver and run on the page |
//! | [`Devnet`] | `commons devnet --keep-running` as a child: a founded network of real nodes with sample content |
//! | [`Applicant`] | a new org's node (`commons init`, `network join`, `node run`) that is not yet a member |
//! | [`login_url`] | the one-time login link `commons open` prints, optionally landing on a page |
//!
//! Every wait has a deadline and names what it waited for; never "network idle", since
//! every page of the app keeps an `EventSource` open. Each [`Browser`] owns its
//! chromedriver, whose whole process group (Chromium included) is killed when it is
//! dropped, and its profile directory; [`Devnet`] and [`Applicant`] stop their nodes
//! when dropped.

use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use base64::Engine;
use commons_node::api::contract::web::LoginAnswer;
use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::baseline::npm_ci;
use crate::{Api, CommonsBinary, TestNode, poll_for};

/// Overrides the path of the Chromium binary.
pub const CHROMIUM_ENV: &str = "COMMONS_CHROMIUM";
/// Overrides the path of the chromedriver binary.
pub const CHROMEDRIVER_ENV: &str = "COMMONS_CHROMEDRIVER";
/// Debian's Chromium (package `chromium`).
const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
/// Debian's chromedriver (package `chromium-driver`).
const DEFAULT_CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// How long chromedriver may take to say which port it listens on.
const DRIVER_START_DEADLINE: Duration = Duration::from_secs(20);
/// How long one WebDriver command may take (a page load included).
pub const COMMAND_DEADLINE: Duration = Duration::from_secs(60);
/// How long a page may take to show what a step waits for.
pub const PAGE_DEADLINE: Duration = Duration::from_secs(20);
/// How long a page may take to load, as WebDriver's page-load timeout.
const PAGE_LOAD_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an asynchronous script (axe) may run.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(90);
/// How long closing the browser session may take when the browser is dropped.
const CLOSE_DEADLINE: Duration = Duration::from_secs(10);
/// The pause between two looks at a page while waiting.
const PAGE_POLL_INTERVAL: Duration = Duration::from_millis(100);
/// The tallest screenshot taken, in CSS pixels: a page longer than this is cut there.
const MAX_SCREENSHOT_HEIGHT: u64 = 12_000;
/// The viewport height while a page is laid out for a screenshot, before it is
/// stretched to the page's full height.
const SCREENSHOT_VIEWPORT_HEIGHT: u64 = 900;
/// How long a devnet may take to start, publish its sample records and converge.
pub const DEVNET_DEADLINE: Duration = Duration::from_secs(180);
/// How long a devnet may take to stop after SIGTERM before its processes are killed.
const DEVNET_STOP_DEADLINE: Duration = Duration::from_secs(20);
/// How long one `commons` command of the CLI may take.
const CLI_DEADLINE: Duration = Duration::from_secs(60);

/// The width of the desktop screenshots, in CSS pixels.
pub const DESKTOP_WIDTH: u64 = 1280;
/// The width of the phone screenshots, in CSS pixels (a common phone's).
pub const PHONE_WIDTH: u64 = 390;

/// Where Chromium and chromedriver are.
#[derive(Debug, Clone)]
pub struct BrowserTools {
    /// The Chromium binary.
    pub chromium: PathBuf,
    /// The chromedriver binary, of the same version.
    pub chromedriver: PathBuf,
}

impl BrowserTools {
    /// Debian's `chromium` and `chromedriver` (or the paths in [`CHROMIUM_ENV`] and
    /// [`CHROMEDRIVER_ENV`]), or why they cannot be used.
    pub fn find() -> Result<BrowserTools, String> {
        let path = |env: &str, default: &str| {
            std::env::var_os(env).map_or_else(|| PathBuf::from(default), PathBuf::from)
        };
        let tools = BrowserTools {
            chromium: path(CHROMIUM_ENV, DEFAULT_CHROMIUM),
            chromedriver: path(CHROMEDRIVER_ENV, DEFAULT_CHROMEDRIVER),
        };
        for (binary, package) in [
            (&tools.chromium, "chromium"),
            (&tools.chromedriver, "chromium-driver"),
        ] {
            if !binary.is_file() {
                return Err(format!(
                    "no {} (install Debian's `{package}`: apt-get install chromium chromium-driver)",
                    binary.display()
                ));
            }
        }
        Ok(tools)
    }

    /// The tools, or `None` after saying why the test `test` skips. Under `CI=true` a
    /// missing browser fails the test instead: CI installs it (`.ci/run`), so missing
    /// there is a broken CI, not a reason to pass.
    pub fn for_test(test: &str) -> Option<BrowserTools> {
        match BrowserTools::find() {
            Ok(tools) => Some(tools),
            Err(why) if std::env::var("CI").is_ok_and(|ci| ci == "true") => {
                panic!("{test}: CI=true and the browser is missing: {why}")
            }
            Err(why) => {
                eprintln!("SKIPPED {test}: {why}");
                None
            }
        }
    }
}

/// How a [`Browser`] starts.
#[derive(Debug, Clone)]
pub struct BrowserOptions {
    /// Whether pages may run JavaScript (a Chrome content-setting pref).
    pub javascript: bool,
    /// The languages the browser asks for (`Accept-Language`), such as `en`.
    pub accept_language: String,
}

impl Default for BrowserOptions {
    fn default() -> BrowserOptions {
        BrowserOptions {
            javascript: true,
            accept_language: "en".to_owned(),
        }
    }
}

/// One axe-core finding on a page: a rule broken, how badly, and where.
#[derive(Debug, Clone)]
pub struct AxeViolation {
    /// The rule's id (`color-contrast`, `label`…).
    pub rule: String,
    /// `minor`, `moderate`, `serious` or `critical`.
    pub impact: String,
    /// What the rule asks for, in axe's words.
    pub help: String,
    /// Each offending element: its CSS path and its HTML, shortened.
    pub nodes: Vec<String>,
}

impl AxeViolation {
    /// Whether the finding is `serious` or `critical`.
    pub fn is_serious(&self) -> bool {
        matches!(self.impact.as_str(), "serious" | "critical")
    }
}

/// A chromedriver child, in a process group of its own so that Chromium, which it
/// starts, goes with it.
#[derive(Debug)]
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(tools: &BrowserTools, log_path: &Path) -> Driver {
        let mut child = Command::new(&tools.chromedriver)
            // Port 0: chromedriver takes a free port and says which, so that tests run
            // in parallel never race for one.
            .args(["--port=0", "--allowed-ips=127.0.0.1"])
            .arg(format!("--log-path={}", log_path.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|error| {
                panic!("could not start {}: {error}", tools.chromedriver.display())
            });
        let stdout = child.stdout.take().expect("chromedriver's stdout is piped");
        let (sender, ports) = mpsc::channel();
        // Reads every line to the end, so that chromedriver never blocks on a full pipe.
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = started_port(&line) {
                    let _ = sender.send(port);
                }
            }
        });
        let mut driver = Driver { child, port: 0 };
        match ports.recv_timeout(DRIVER_START_DEADLINE) {
            Ok(port) => driver.port = port,
            Err(_) => {
                let log = fs::read_to_string(log_path).unwrap_or_default();
                panic!(
                    "chromedriver did not say it started within {DRIVER_START_DEADLINE:?}; its log:\n{}",
                    tail(&log, 30)
                );
            }
        }
        driver
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium processes it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port in chromedriver's "ChromeDriver was started successfully on port N." line.
fn started_port(line: &str) -> Option<u16> {
    line.split("started successfully on port ")
        .nth(1)?
        .trim_end_matches(['.', ' ', '\r'])
        .parse()
        .ok()
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A Chrome DevTools Protocol command sent through chromedriver's
/// `goog/cdp/execute` endpoint: device emulation and full-page screenshots, which plain
/// WebDriver lacks.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// A Chromium session driven over WebDriver, with blocking steps. Dropping it closes
/// the session and kills chromedriver and Chromium.
#[derive(Debug)]
pub struct Browser {
    runtime: tokio::runtime::Runtime,
    client: Option<Client>,
    driver: Driver,
    dir: TempDir,
    name: String,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session with a fresh profile; `name`
    /// names it in failure messages.
    pub fn start(name: &str, tools: &BrowserTools, options: &BrowserOptions) -> Browser {
        let dir = tempfile::Builder::new()
            .prefix("commons-browser-")
            .tempdir()
            .expect("a temporary directory for the browser");
        let profile = dir.path().join("profile");
        fs::create_dir(&profile).expect("the browser profile's directory");
        let driver = Driver::start(tools, &dir.path().join("chromedriver.log"));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the WebDriver client");
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Containers often have a small /dev/shm; Chromium then crashes tabs.
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--window-size=1280,900",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push(format!("--lang={}", options.accept_language));
        let javascript = if options.javascript { 1 } else { 2 };
        let capabilities = json!({
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {
                "pageLoad": PAGE_LOAD_TIMEOUT.as_millis() as u64,
                "script": SCRIPT_TIMEOUT.as_millis() as u64,
                "implicit": 0,
            },
            "goog:chromeOptions": {
                "binary": tools.chromium.display().to_string(),
                "args": args,
                "prefs": {
                    "intl.accept_languages": options.accept_language,
                    "profile.managed_default_content_settings.javascript": javascript,
                },
            },
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("the capabilities are an object"),
        };
        let url = format!("http://127.0.0.1:{}", driver.port);
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = runtime.block_on(async {
            tokio::time::timeout(
                COMMAND_DEADLINE,
                ClientBuilder::new(connector)
                    .capabilities(capabilities)
                    .connect(&url),
            )
            .await
        });
        let client = match client {
            Ok(Ok(client)) => client,
            Ok(Err(error)) => panic!(
                "{name}: Chromium did not start a WebDriver session: {error}; chromedriver's log:\n{}",
                tail(
                    &fs::read_to_string(dir.path().join("chromedriver.log")).unwrap_or_default(),
                    30
                )
            ),
            Err(_) => panic!("{name}: no WebDriver session within {COMMAND_DEADLINE:?}"),
        };
        Browser {
            runtime,
            client: Some(client),
            driver,
            dir,
            name: name.to_owned(),
        }
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("the browser session is open")
    }

    /// Runs one WebDriver step, with [`COMMAND_DEADLINE`]; `what` names it if it fails.
    fn step<T, F>(&self, what: &str, step: F) -> Result<T, String>
    where
        F: std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
    {
        match self
            .runtime
            .block_on(async { tokio::time::timeout(COMMAND_DEADLINE, step).await })
        {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(format!("{what}: {error}")),
            Err(_) => Err(format!("{what}: no answer within {COMMAND_DEADLINE:?}")),
        }
    }

    /// [`Browser::step`], panicking with the page's address if it fails.
    fn must<T, F>(&self, what: &str, step: F) -> T
    where
        F: std::future::Future<Output = Result<T, fantoccini::error::CmdError>>,
    {
        match self.step(what, step) {
            Ok(value) => value,
            Err(error) => panic!("{}: {error} (on {})", self.name, self.location()),
        }
    }

    /// Where the browser is, for messages; never fails.
    fn location(&self) -> String {
        self.step("reading the address", self.client().current_url())
            .map(|url| url.to_string())
            .unwrap_or_else(|error| format!("an unknown page ({error})"))
    }

    /// Opens `url` and waits for it to load.
    pub fn goto(&self, url: &str) {
        self.must(&format!("opening {url}"), self.client().goto(url));
    }

    /// The page's address.
    pub fn url(&self) -> url::Url {
        self.must("reading the address", self.client().current_url())
    }

    /// The page's path and query (`/cases?q=water`).
    pub fn path(&self) -> String {
        let url = self.url();
        match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The page's origin (`http://127.0.0.1:PORT`).
    pub fn origin(&self) -> String {
        self.url().origin().ascii_serialization()
    }

    /// The page's title.
    pub fn title(&self) -> String {
        self.must("reading the title", self.client().title())
    }

    /// The page's HTML as it is now.
    pub fn html(&self) -> String {
        self.must("reading the page", self.client().source())
    }

    /// Runs `script` (a function body; `arguments` holds `args`) in the page and returns
    /// what it returns. WebDriver runs it outside the page's Content-Security-Policy.
    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.must(
            "running a script in the page",
            self.client().execute(script, args),
        )
    }

    /// The text a person sees on the page (`innerText` of the body).
    pub fn text(&self) -> String {
        self.execute(
            "return document.body ? document.body.innerText : '';",
            vec![],
        )
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Waits until `probe` returns `Some` (at most [`PAGE_DEADLINE`]); panics naming
    /// `what` and the page otherwise.
    pub fn wait_until<T>(&self, what: &str, mut probe: impl FnMut(&Browser) -> Option<T>) -> T {
        crate::poll_with(PAGE_DEADLINE, Some(PAGE_POLL_INTERVAL), || probe(self))
            .unwrap_or_else(|| {
                panic!(
                    "{}: timed out after {PAGE_DEADLINE:?} waiting for {what} on {}; the page said:\n{}",
                    self.name,
                    self.location(),
                    excerpt(&self.text(), 1500)
                )
            })
    }

    /// Waits until the page shows `text`.
    pub fn wait_for_text(&self, text: &str) {
        self.wait_until(&format!("the page to show {text:?}"), |browser| {
            browser.text().contains(text).then_some(())
        });
    }

    /// Reloads the page until it shows `text` (for what arrives from another node,
    /// which a page shows when it is next loaded); at most `deadline`.
    pub fn reload_until_text(&self, text: &str, deadline: Duration) {
        let found = poll_for(deadline, || {
            self.must("reloading", self.client().refresh());
            self.text().contains(text).then_some(())
        });
        if found.is_none() {
            panic!(
                "{}: {} did not show {text:?} within {deadline:?}; it said:\n{}",
                self.name,
                self.location(),
                excerpt(&self.text(), 1500)
            );
        }
    }

    /// The elements matching the CSS `selector`.
    pub fn find_all(&self, selector: &str) -> Vec<Element> {
        self.must(
            &format!("finding {selector}"),
            self.client().find_all(Locator::Css(selector)),
        )
    }

    /// The one element matching `locator`; panics naming `what` if there is none.
    fn find(&self, what: &str, locator: Locator<'_>) -> Element {
        self.must(&format!("finding {what}"), self.client().find(locator))
    }

    /// The form control labelled `label`: the control its `<label for>` names, or the
    /// one inside the `<label>`. Labels are matched on their whole text first, then on
    /// their beginning (a label may hold a hint after its words).
    pub fn control(&self, label: &str) -> Element {
        let text = xpath_literal(label);
        for test in [
            format!("normalize-space(.)={text}"),
            format!("starts-with(normalize-space(.), {text})"),
        ] {
            let labels = self.must(
                &format!("finding the label {label:?}"),
                self.client()
                    .find_all(Locator::XPath(&format!("//label[{test}]"))),
            );
            for found in labels {
                let target = self.must("reading a label's for", found.attr("for"));
                let control = match target {
                    Some(id) => self
                        .step(
                            "finding a labelled control",
                            self.client().find(Locator::Id(&id)),
                        )
                        .ok(),
                    None => self
                        .step(
                            "finding a control inside a label",
                            found.find(Locator::XPath(".//input|.//select|.//textarea")),
                        )
                        .ok(),
                };
                if let Some(control) = control {
                    return control;
                }
            }
        }
        panic!(
            "{}: no form control labelled {label:?} on {}",
            self.name,
            self.location()
        )
    }

    /// Types `value` into the field labelled `label`, replacing what it held.
    pub fn fill(&self, label: &str, value: &str) {
        let field = self.control(label);
        self.must(&format!("clearing {label:?}"), field.clear());
        self.must(&format!("typing into {label:?}"), field.send_keys(value));
    }

    /// Chooses the files at `paths` in the file input labelled `label` (as a person
    /// picking them in the file dialog would).
    pub fn attach(&self, label: &str, paths: &[&Path]) {
        let input = self.control(label);
        let chosen: Vec<String> = paths
            .iter()
            .map(|path| path.display().to_string())
            .collect();
        self.must(
            &format!("choosing files in {label:?}"),
            input.send_keys(&chosen.join("\n")),
        );
    }

    /// Chooses the option `option` (its visible text) in the list labelled `label`.
    pub fn choose(&self, label: &str, option: &str) {
        let select = self.control(label);
        self.must(
            &format!("choosing {option:?} in {label:?}"),
            select.select_by_label(option),
        );
    }

    /// Ticks the checkbox or radio button labelled `label` (if not yet ticked).
    pub fn tick(&self, label: &str) {
        let control = self.control(label);
        if !self.must("reading a checkbox", control.is_selected()) {
            self.must(&format!("ticking {label:?}"), control.click());
        }
    }

    /// The button (or submit input) whose words are `words`.
    pub fn button(&self, words: &str) -> Element {
        let text = xpath_literal(words);
        self.find(
            &format!("the button {words:?}"),
            Locator::XPath(&format!(
                "(//button[normalize-space(.)={text}] | //input[(@type='submit' or @type='button') and @value={text}])[1]"
            )),
        )
    }

    /// The link whose words are `words`.
    pub fn link(&self, words: &str) -> Element {
        let text = xpath_literal(words);
        self.find(
            &format!("the link {words:?}"),
            Locator::XPath(&format!("(//a[normalize-space(.)={text}])[1]")),
        )
    }

    /// The elements of the page's main content whose own words are `words`.
    pub fn elements_with_text(&self, words: &str) -> Vec<Element> {
        let text = xpath_literal(words);
        self.must(
            &format!("finding {words:?}"),
            self.client().find_all(Locator::XPath(&format!(
                "//main//*[normalize-space(.)={text}]"
            ))),
        )
    }

    /// Clicks `element` where nothing is expected to happen but, perhaps, a script.
    pub fn click(&self, element: &Element) {
        self.must("clicking", element.click());
    }

    /// Presses the button `words` and waits for the page it leads to.
    pub fn press(&self, words: &str) {
        let button = self.button(words);
        self.click_to_navigate(&button, &format!("the button {words:?}"));
    }

    /// Follows the link `words` and waits for the page it leads to.
    pub fn follow(&self, words: &str) {
        let link = self.link(words);
        self.click_to_navigate(&link, &format!("the link {words:?}"));
    }

    /// Clicks `element` and waits until a new page has replaced this one and loaded:
    /// the old page's root element goes stale, then the new one is complete.
    pub fn click_to_navigate(&self, element: &Element, what: &str) {
        let root = self.find("the page's root", Locator::Css("html"));
        self.must(&format!("clicking {what}"), element.click());
        self.wait_until(
            &format!("the page {what} leads to"),
            |browser| match browser.runtime.block_on(root.tag_name()) {
                Err(error) if error.is_stale_element_reference() => Some(()),
                _ => None,
            },
        );
        self.wait_loaded();
    }

    /// Waits until the page has loaded (`document.readyState` is `complete`).
    pub fn wait_loaded(&self) {
        self.wait_until("the page to finish loading", |browser| {
            let state = browser
                .step(
                    "reading readyState",
                    browser
                        .client()
                        .execute("return document.readyState;", vec![]),
                )
                .ok()?;
            (state.as_str() == Some("complete")).then_some(())
        });
    }

    /// Sends a CDP command through chromedriver.
    fn cdp(&self, cmd: &'static str, params: Value) -> Value {
        self.must(
            &format!("the DevTools command {cmd}"),
            self.client().issue_cmd(Cdp { cmd, params }),
        )
    }

    /// A PNG of the whole page laid out `width` CSS pixels wide (as a phone, with touch
    /// and the viewport meta tag honoured, when `phone`), written to `path`. Returns
    /// how wide the page's content was laid out: more than `width` means the page
    /// scrolls sideways (the screenshot then shows all of it).
    pub fn screenshot(&self, path: &Path, width: u64, phone: bool) -> u64 {
        let metrics = |height: u64| {
            json!({
                "width": width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": phone,
            })
        };
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            metrics(SCREENSHOT_VIEWPORT_HEIGHT),
        );
        let size = self.execute(
            "const root = document.documentElement;
             return [root.scrollWidth, Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0)];",
            vec![],
        );
        let laid_out_width = size.get(0).and_then(Value::as_u64).unwrap_or(width);
        let height = size
            .get(1)
            .and_then(Value::as_u64)
            .unwrap_or(SCREENSHOT_VIEWPORT_HEIGHT)
            .clamp(1, MAX_SCREENSHOT_HEIGHT);
        self.cdp("Emulation.setDeviceMetricsOverride", metrics(height));
        // The viewport is already the page's full height, so the capture stays inside
        // it: capturing beyond the viewport shifts right-to-left pages sideways in
        // Chromium, and the Arabic screenshot showed a layout the browser never drew.
        let shot = self.cdp(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": false }),
        );
        self.cdp("Emulation.clearDeviceMetricsOverride", json!({}));
        let data = shot
            .get("data")
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("{}: a screenshot without data: {shot}", self.name));
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("a screenshot is base64");
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("the screenshot folder");
        }
        fs::write(path, png).unwrap_or_else(|error| panic!("writing {}: {error}", path.display()));
        laid_out_width
    }

    /// Runs axe-core on the page as it is and returns every violation it finds. axe is
    /// injected through WebDriver (the page's Content-Security-Policy forbids inline
    /// script, and rightly: WebDriver's scripts run outside it).
    pub fn axe(&self) -> Vec<AxeViolation> {
        let source = axe_source();
        self.execute(&format!("{source}\n;return typeof axe;"), vec![]);
        let result = self.must(
            "running axe",
            self.client().execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(JSON.stringify(r.violations)))
                    .catch(e => done(JSON.stringify({ error: String(e) })));",
                vec![],
            ),
        );
        let text = result.as_str().unwrap_or("[]");
        let parsed: Value = serde_json::from_str(text).unwrap_or(Value::Null);
        if let Some(error) = parsed.get("error") {
            panic!("{}: axe failed on {}: {error}", self.name, self.location());
        }
        let Value::Array(violations) = parsed else {
            panic!("{}: axe answered {text}", self.name);
        };
        violations
            .iter()
            .map(|violation| {
                let field = |name: &str| {
                    violation
                        .get(name)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                let nodes = violation
                    .get("nodes")
                    .and_then(Value::as_array)
                    .map(|nodes| {
                        nodes
                            .iter()
                            .map(|node| {
                                format!(
                                    "{} {}{}",
                                    node.get("target").unwrap_or(&Value::Null),
                                    excerpt(
                                        node.get("html").and_then(Value::as_str).unwrap_or(""),
                                        200
                                    ),
                                    node.get("failureSummary")
                                        .and_then(Value::as_str)
                                        .map(|summary| format!(" — {}", summary.replace('\n', " ")))
                                        .unwrap_or_default()
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                AxeViolation {
                    rule: field("id"),
                    impact: field("impact"),
                    help: field("help"),
                    nodes,
                }
            })
            .collect()
    }

    /// The addresses of every resource the page has fetched so far (the Resource
    /// Timing entries, the page itself excluded).
    pub fn resources(&self) -> Vec<String> {
        let names = self.execute(
            "return performance.getEntriesByType('resource').map(e => e.name);",
            vec![],
        );
        names
            .as_array()
            .map(|names| {
                names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// chromedriver's log so far (Chromium's console included), for a failure message.
    pub fn driver_log(&self) -> String {
        tail(
            &fs::read_to_string(self.dir.path().join("chromedriver.log")).unwrap_or_default(),
            40,
        )
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            // Ends the session so that chromedriver quits Chromium cleanly; the driver's
            // own drop then kills whatever is left of its process group.
            let _ = self
                .runtime
                .block_on(async { tokio::time::timeout(CLOSE_DEADLINE, client.close()).await });
        }
        let _ = &self.driver;
    }
}

/// `text` as an XPath string literal, whatever quotes it holds.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|part| format!("'{part}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// At most `max` characters of `text`.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The directory of the pinned axe-core package.
pub fn axe_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("web-axe")
}

/// axe-core's script, installed with `npm ci` first if `node_modules` is missing
/// (`.ci/run` installs it before the tests; this covers a plain `cargo test`).
fn axe_source() -> &'static str {
    static SOURCE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SOURCE.get_or_init(|| {
        let dir = axe_dir();
        let script = dir.join("node_modules/axe-core/axe.min.js");
        if !script.is_file() {
            npm_ci(&dir).unwrap_or_else(|error| panic!("npm ci in {}: {error:#}", dir.display()));
        }
        fs::read_to_string(&script)
            .unwrap_or_else(|error| panic!("reading {}: {error}", script.display()))
    })
}

/// A fresh folder `target/web-screenshots/<flow>` for a flow's screenshots (removed
/// first if an earlier run left one).
pub fn screenshot_dir(flow: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    // target/<profile>/deps/<test binary>
    let target = exe
        .ancestors()
        .nth(3)
        .map_or_else(|| PathBuf::from("target"), Path::to_path_buf);
    let dir = target.join("web-screenshots").join(flow);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("creating {}: {error}", dir.display()));
    dir
}

/// Waits until the node of `data_dir` holds the record `id` (`commons records show`
/// succeeds), within `deadline`; panics naming `what` if it does not.
pub fn wait_until_held(data_dir: &Path, id: &str, what: &str, deadline: Duration) {
    poll_for(deadline, || {
        Command::new(CommonsBinary::path())
            .arg("--data-dir")
            .arg(data_dir)
            .args(["records", "show", id])
            .stdin(Stdio::null())
            .output()
            .ok()
            .filter(|output| output.status.success())
    })
    .unwrap_or_else(|| panic!("{what} to reach {} within {deadline:?}", data_dir.display()));
}

/// Runs `commons --data-dir DIR ARGS…` and returns its standard output; panics with
/// its standard error if it fails or takes longer than [`CLI_DEADLINE`].
pub fn commons(data_dir: &Path, args: &[&str]) -> String {
    let mut child = Command::new(CommonsBinary::path())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("commons starts");
    let done = poll_for(CLI_DEADLINE, || child.try_wait().ok().flatten());
    if done.is_none() {
        let _ = child.kill();
    }
    let output = child.wait_with_output().expect("commons's output");
    assert!(
        output.status.success(),
        "commons {} failed ({}):\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A one-time login link to the app of the node in `data_dir`, from
/// `commons open --json --no-browser`, landing on `page` once in (the home page if
/// `None`).
pub fn login_url(data_dir: &Path, page: Option<&str>) -> String {
    let mut args = vec!["open", "--json", "--no-browser"];
    if let Some(page) = page {
        args.extend(["--page", page]);
    }
    let out = commons(data_dir, &args);
    let answer: LoginAnswer = serde_json::from_str(&out)
        .unwrap_or_else(|error| panic!("commons open --json printed {out:?}: {error}"));
    answer.url
}

/// One node of a [`Devnet`].
#[derive(Debug, Clone)]
pub struct DevnetNode {
    /// Its org's name.
    pub name: String,
    /// Its data directory.
    pub data_dir: PathBuf,
    /// Its control API.
    pub api: Api,
}

impl DevnetNode {
    /// A one-time login link to its app (see [`login_url`]).
    pub fn login_url(&self, page: Option<&str>) -> String {
        login_url(&self.data_dir, page)
    }

    /// The addresses peers dial it at (each ending in `/p2p/<peer id>`).
    pub fn network_addresses(&self) -> Vec<String> {
        fs::read_to_string(self.data_dir.join("network-addresses"))
            .unwrap_or_default()
            .lines()
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Its org id (`org_…`), from `GET /v1/status`.
    pub fn org_id(&self) -> String {
        self.api.status().org
    }
}

/// `commons devnet --keep-running` as a child: a network founded by `nodes` orgs, each
/// with one node, holding `records` sample records (a campaign and its updates, an
/// urgent alert and its answers, case studies). SIGTERM stops it and its nodes, and it
/// removes their directories; dropping the [`Devnet`] does that.
#[derive(Debug)]
pub struct Devnet {
    child: Child,
    /// The nodes, in the devnet's order.
    pub nodes: Vec<DevnetNode>,
    log_path: PathBuf,
    _dir: TempDir,
}

impl Devnet {
    /// Starts the devnet and waits (at most [`DEVNET_DEADLINE`]) until every node holds
    /// every sample record.
    pub fn start(nodes: u32, records: u32) -> Devnet {
        let dir = tempfile::Builder::new()
            .prefix("commons-web-devnet-")
            .tempdir()
            .expect("a temporary directory for the devnet's log");
        let log_path = dir.path().join("devnet.log");
        let log = File::create(&log_path).expect("the devnet's log file");
        let mut child = Command::new(CommonsBinary::path())
            .args(["--json", "devnet", "--keep-running"])
            .args(["--nodes", &nodes.to_string()])
            .args(["--records", &records.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            // Its own group: if it must be killed, its nodes go with it.
            .process_group(0)
            .spawn()
            .expect("commons devnet starts");
        let stdout = child.stdout.take().expect("the devnet's stdout is piped");
        let (sender, report) = mpsc::channel();
        // With --json, standard output is one JSON document (the report), written
        // once every node holds every record; the hints go to standard error.
        thread::spawn(move || {
            let mut documents = serde_json::Deserializer::from_reader(stdout).into_iter::<Value>();
            let _ = sender.send(documents.next());
            for _ in documents {}
        });
        let mut devnet = Devnet {
            child,
            nodes: Vec::new(),
            log_path,
            _dir: dir,
        };
        let report = match report.recv_timeout(DEVNET_DEADLINE) {
            Ok(Some(Ok(report))) => report,
            other => panic!(
                "the devnet did not report within {DEVNET_DEADLINE:?} ({other:?}); its log:\n{}",
                devnet.log_tail()
            ),
        };
        let listed = report
            .get("nodes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for node in listed {
            let text = |name: &str| {
                node.get(name)
                    .and_then(Value::as_str)
                    .unwrap_or_else(|| panic!("the devnet's report has no {name}: {node}"))
                    .to_owned()
            };
            let data_dir = PathBuf::from(text("data_dir"));
            let token = fs::read_to_string(data_dir.join(commons_node::data_dir::API_TOKEN_FILE))
                .expect("a devnet node's API token")
                .trim()
                .to_owned();
            let api_addr = text("api").parse().expect("the API address");
            devnet.nodes.push(DevnetNode {
                name: text("name"),
                data_dir,
                api: Api::new(api_addr, token),
            });
        }
        assert_eq!(
            devnet.nodes.len(),
            nodes as usize,
            "the devnet reported {report}"
        );
        devnet
    }

    /// The last lines of the devnet's log.
    pub fn log_tail(&self) -> String {
        tail(&fs::read_to_string(&self.log_path).unwrap_or_default(), 40)
    }

    /// The network's charter file (every node holds the same).
    pub fn charter(&self) -> PathBuf {
        self.nodes[0].data_dir.join("charter.bin")
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill")
            .args(["-TERM", &pid])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if poll_for(DEVNET_STOP_DEADLINE, || {
            self.child.try_wait().ok().flatten()
        })
        .is_none()
        {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            let _ = self.child.wait();
        }
    }
}

/// A new org's node that has joined the devnet's charter and runs, dialing a devnet
/// node, but is not yet a member: an applicant.
#[derive(Debug)]
pub struct Applicant {
    /// The node (stopped when dropped).
    pub node: TestNode,
    /// Its org's name.
    pub name: String,
    _dir: TempDir,
}

impl Applicant {
    /// `commons init --org-name NAME` in a fresh directory, `commons network join` the
    /// devnet's charter, then `commons node run --bootstrap` one of `bootstrap`'s
    /// addresses of each of `bootstrap`, waiting until its API answers.
    pub fn start(name: &str, charter: &Path, bootstrap: &[&DevnetNode]) -> Applicant {
        let dir = tempfile::Builder::new()
            .prefix("commons-web-applicant-")
            .tempdir()
            .expect("a temporary directory for the applicant");
        let data_dir = dir.path().join("node");
        let charter = charter.display().to_string();
        commons(&data_dir, &["init", "--org-name", name]);
        commons(&data_dir, &["network", "join", &charter]);
        let mut node = TestNode::existing(data_dir, dir.path().join("node.log"));
        for address in bootstrap.iter().flat_map(|node| node.network_addresses()) {
            node.bootstrap(address);
        }
        node.run();
        Applicant {
            node,
            name: name.to_owned(),
            _dir: dir,
        }
    }

    /// Its data directory.
    pub fn data_dir(&self) -> &Path {
        self.node.data_dir()
    }

    /// A one-time login link to its app (see [`login_url`]).
    pub fn login_url(&self, page: Option<&str>) -> String {
        login_url(self.data_dir(), page)
    }

    /// Its org id (`org_…`), from `GET /v1/status`.
    pub fn org_id(&self) -> String {
        self.node.api().status().org
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chromedriver_port_is_read_from_its_line() {
        assert_eq!(
            started_port("ChromeDriver was started successfully on port 43845."),
            Some(43845)
        );
        assert_eq!(started_port("Only local connections are allowed."), None);
    }

    #[test]
    fn xpath_literals_hold_any_quote() {
        assert_eq!(xpath_literal("Title"), "'Title'");
        assert_eq!(xpath_literal("Tenants' Voice"), "\"Tenants' Voice\"");
        assert_eq!(xpath_literal("a'b\"c"), "concat('a', \"'\", 'b\"c')");
    }
}
