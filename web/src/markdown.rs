//! Markdown from peers, made safe to show: the last step of a record's path, into a
//! reader's browser. A member's case study is rendered by pulldown-cmark and the HTML
//! is then cleaned by the ammonia sanitizer with a short allow-list: no script, no
//! event handlers, no styles, no images or other tags that load anything, and links
//! only to `http`, `https` and `mailto`, opened without a referrer. The page's
//! Content-Security-Policy would stop a script that got through; the sanitizer makes
//! sure none does.

use std::collections::HashSet;

use pulldown_cmark::{Options, Parser, html};

/// Tags a case study may use: text structure, emphasis, lists, quotes, code, tables
/// and links. Nothing that loads a resource.
const ALLOWED_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
];

/// `markdown` as sanitized HTML, safe to put into a page as it is.
pub fn render(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    sanitize(&unsafe_html)
}

/// `html` with everything outside the allow-list removed.
pub fn sanitize(html: &str) -> String {
    let tags: HashSet<&str> = ALLOWED_TAGS.iter().copied().collect();
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    ammonia::Builder::new()
        .tags(tags)
        .clean_content_tags(["script", "style"].into_iter().collect())
        .generic_attributes(HashSet::new())
        .tag_attributes(
            [("a", ["href", "title"].into_iter().collect())]
                .into_iter()
                .collect(),
        )
        .url_schemes(schemes)
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn markdown_keeps_its_structure() {
        let html = render(
            "# Lessons\n\nWe *met* the **council**.\n\n- one\n- two\n\n[report](https://example.org/r)",
        );
        assert!(html.contains("<h1>Lessons</h1>"), "{html}");
        assert!(html.contains("<em>met</em>"), "{html}");
        assert!(html.contains("<li>one</li>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://example.org/r" rel="noopener noreferrer nofollow">report</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn hostile_markdown_is_made_inert() {
        let hostile = concat!(
            "<script>alert(1)</script>\n\n",
            "[click](javascript:alert(2))\n\n",
            "<img src=x onerror=alert(3)>\n\n",
            "![tracker](https://tracker.example/pixel.png)\n\n",
            "<a href=\"https://ok.example\" onclick=\"alert(4)\" style=\"x\">ok</a>\n\n",
            "<iframe src=\"https://evil.example\"></iframe>\n\n",
            "<form action=\"https://evil.example\"><input name=a></form>\n\n",
            "[rel](/relative/path) <svg onload=alert(5)></svg> <style>body{}</style>\n\n",
            "<a href=\"data:text/html,<script>alert(6)</script>\">data</a>",
        );
        let html = render(hostile);
        for forbidden in [
            "<script",
            "javascript:",
            "onerror",
            "onclick",
            "onload",
            "<img",
            "tracker.example",
            "<iframe",
            "<form",
            "<input",
            "style",
            "<svg",
            "data:",
            "/relative/path",
            "alert(",
        ] {
            assert!(!html.contains(forbidden), "{forbidden} in {html}");
        }
        assert!(html.contains("https://ok.example"), "{html}");
    }

    proptest! {
        #[test]
        fn nothing_rendered_carries_script(text in ".{0,400}") {
            let html = render(&text);
            let lower = html.to_lowercase();
            prop_assert!(!lower.contains("<script"));
            prop_assert!(!lower.contains("javascript:"));
            prop_assert!(!lower.contains("<img"));
        }
    }
}
