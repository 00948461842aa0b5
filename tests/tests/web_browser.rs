//! The staff's web app in a real browser (issue 10, items 5 and 6): Debian's Chromium,
//! driven over WebDriver, clicks through the pages of real `commons` nodes the way a
//! member organization's staff would. Each test owns its nodes (a `commons devnet`, and
//! for membership a new org's node), its chromedriver and Chromium, and stops them when
//! it ends; every wait has a deadline and says what it waited for.
//!
//! | flow | test |
//! |---|---|
//! | log in with the one-time link; a second use is refused | [`login_link_lets_in_once`] |
//!
//! Without a browser these tests skip, saying so; under `CI=true` they fail instead.
//! Screenshots go to `target/web-screenshots/<flow>/` (printed by the tests).

use commons_tests::TestNode;
use commons_tests::browser::{Browser, BrowserOptions, BrowserTools, login_url};

/// Words of the English catalog (web/i18n/en) that the flows look for.
mod words {
    pub const LOG_OUT: &str = "Log out";
    pub const LINK_USED: &str = "This link has already been used or has expired.";
    pub const HOW_TO_OPEN: &str = "To open the app, run this command";
}

/// Following `commons open`'s link lets a person in (a session cookie the page's
/// scripts cannot read); the same link a second time, in another browser, is refused
/// with the page that says to run `commons open` again; and that browser has no way in.
#[test]
fn login_link_lets_in_once() {
    let Some(tools) = BrowserTools::for_test("login_link_lets_in_once") else {
        return;
    };
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
    staff.goto(&format!("{}/", staff.origin()));
    staff.wait_for_text(words::LOG_OUT);

    let stranger = Browser::start("stranger", &tools, &BrowserOptions::default());
    stranger.goto(&url);
    stranger.wait_for_text(words::LINK_USED);
    assert!(
        !stranger.text().contains(words::LOG_OUT),
        "a used link must not let a second browser in"
    );
    let origin = stranger.origin();
    stranger.goto(&format!("{origin}/cases"));
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
    staff.goto(&format!("{origin}/"));
    staff.wait_until("a logged-out browser to be sent to /welcome", |browser| {
        (browser.path() == "/welcome").then_some(())
    });
}
