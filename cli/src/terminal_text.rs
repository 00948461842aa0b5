//! Text from other organizations on the way to this terminal: record content is
//! written by other orgs, so control characters and bidirectional overrides are
//! removed before it is printed, and long fields are cut to their column.

/// `text` without characters that could change what the terminal shows: control
/// characters other than newlines and tabs, and bidirectional overrides.
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| (!c.is_control() || c == '\n' || c == '\t') && !is_bidi_control(c))
        .collect()
}

/// `text` cleaned and on one line.
pub(crate) fn one_line(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// At most `max` characters of `text`, the last one `…` if it was cut and `ellipsis`.
pub(crate) fn truncate(text: &str, max: usize, ellipsis: bool) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    if ellipsis {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        text.chars().take(max).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_are_removed() {
        assert_eq!(clean("a\u{1b}[2Jb\u{202e}c\n\td\r"), "a[2Jbc\n\td");
        assert_eq!(one_line(" a\n b\t\tc "), "a b c");
    }

    #[test]
    fn long_titles_are_cut_with_an_ellipsis() {
        assert_eq!(truncate("short", 10, true), "short");
        assert_eq!(truncate("abcdefghijk", 5, true), "abcd…");
        assert_eq!(truncate("éééééé", 3, false), "ééé");
    }
}
