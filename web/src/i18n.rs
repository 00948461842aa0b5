//! People's languages: every word the web app shows (never a record's content, which
//! is shown as written) comes from a Project Fluent catalog in `web/i18n/<lang>/`,
//! compiled into the binary. Each person picks a language (a cookie); until they do,
//! the browser's `Accept-Language` decides. Numbers and dates are written the way that
//! language writes them. A message missing from a catalog falls back to English, so a
//! half-done translation still gives a usable page; `catalogs_are_complete` keeps the
//! shipped ones whole.

use std::collections::HashMap;
use std::sync::Arc;

use commons_node::calendar::CivilDate;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English: the fallback for every message.
    En,
    /// Spanish.
    Es,
    /// French.
    Fr,
    /// Arabic, written right to left.
    Ar,
}

impl Lang {
    /// Every language, in the order the language menu lists them.
    pub const ALL: [Lang; 4] = [Lang::En, Lang::Es, Lang::Fr, Lang::Ar];

    /// The language's BCP 47 code, as in `lang=` and the cookie.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Fr => "fr",
            Lang::Ar => "ar",
        }
    }

    /// The language's name in itself, for the language menu.
    pub const fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
            Lang::Fr => "Français",
            Lang::Ar => "العربية",
        }
    }

    /// `rtl` or `ltr`, for the page's `dir=`.
    pub const fn dir(self) -> &'static str {
        match self {
            Lang::Ar => "rtl",
            _ => "ltr",
        }
    }

    /// The language of a code such as `es`, `es-MX` or `FR`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|lang| lang.code() == primary)
    }

    /// The first language of an `Accept-Language` header the app speaks, by the
    /// header's weights; English when none.
    pub fn negotiate(accept_language: &str) -> Lang {
        let mut offered: Vec<(u16, usize, Lang)> = accept_language
            .split(',')
            .take(32)
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let lang = Lang::from_code(parts.next()?)?;
                let weight = parts
                    .find_map(|part| part.trim().strip_prefix("q="))
                    .map_or(Some(1000), |q| {
                        q.trim().parse::<f32>().ok().map(|q| (q * 1000.0) as u16)
                    })?;
                (weight > 0).then_some((weight, position, lang))
            })
            .collect();
        offered.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        offered.first().map_or(Lang::En, |(_, _, lang)| *lang)
    }

    fn group_separator(self) -> &'static str {
        match self {
            Lang::En => ",",
            Lang::Es => ".",
            // French groups with a narrow no-break space.
            Lang::Fr => "\u{202f}",
            // Arabic-script pages here write Latin digits (as in the Maghreb), so Latin
            // separators go with them.
            Lang::Ar => ",",
        }
    }

    fn decimal_separator(self) -> &'static str {
        match self {
            Lang::En => ".",
            Lang::Es | Lang::Fr => ",",
            Lang::Ar => ".",
        }
    }

    /// `number` written with this language's digit grouping. Spanish, following the
    /// RAE and CLDR, groups only numbers of five digits or more.
    pub fn format_integer(self, number: u64) -> String {
        let digits = number.to_string();
        if digits.len() <= 3 || (self == Lang::Es && digits.len() == 4) {
            return digits;
        }
        let mut out = String::new();
        for (index, digit) in digits.chars().enumerate() {
            if index > 0 && (digits.len() - index).is_multiple_of(3) {
                out.push_str(self.group_separator());
            }
            out.push(digit);
        }
        out
    }

    fn format_number(self, value: f64) -> String {
        if value.fract() == 0.0 && value >= 0.0 && value < u64::MAX as f64 {
            return self.format_integer(value as u64);
        }
        let text = format!("{value:.1}");
        text.replace('.', self.decimal_separator())
    }
}

/// The `.ftl` files of one language folder, by name.
macro_rules! catalog_files {
    ($lang:literal) => {
        [
            (
                "common.ftl",
                include_str!(concat!("../i18n/", $lang, "/common.ftl")),
            ),
            (
                "home.ftl",
                include_str!(concat!("../i18n/", $lang, "/home.ftl")),
            ),
            (
                "cases.ftl",
                include_str!(concat!("../i18n/", $lang, "/cases.ftl")),
            ),
            (
                "campaigns.ftl",
                include_str!(concat!("../i18n/", $lang, "/campaigns.ftl")),
            ),
            (
                "alerts.ftl",
                include_str!(concat!("../i18n/", $lang, "/alerts.ftl")),
            ),
            (
                "members.ftl",
                include_str!(concat!("../i18n/", $lang, "/members.ftl")),
            ),
            (
                "node.ftl",
                include_str!(concat!("../i18n/", $lang, "/node.ftl")),
            ),
            (
                "groups.ftl",
                include_str!(concat!("../i18n/", $lang, "/groups.ftl")),
            ),
            (
                "redactions.ftl",
                include_str!(concat!("../i18n/", $lang, "/redactions.ftl")),
            ),
        ]
    };
}

/// The catalog files of each language, compiled in. A new language adds its folder
/// here and in [`Lang`] (docs/web.md, "Adding a language").
const CATALOGS: [(Lang, &[(&str, &str)]); 4] = [
    (Lang::En, &catalog_files!("en")),
    (Lang::Es, &catalog_files!("es")),
    (Lang::Fr, &catalog_files!("fr")),
    (Lang::Ar, &catalog_files!("ar")),
];

/// Why the catalogs could not be loaded: a syntax error in a shipped `.ftl` file, which
/// the tests catch before a release.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// A file does not parse.
    #[error("the {lang} catalog {file} has a syntax error: {detail}")]
    Syntax {
        /// The language.
        lang: &'static str,
        /// The file.
        file: &'static str,
        /// What Fluent said.
        detail: String,
    },
}

/// Every language's messages, loaded once at start.
#[derive(Clone)]
pub struct Catalogs {
    bundles: Arc<HashMap<Lang, FluentBundle<FluentResource>>>,
}

impl std::fmt::Debug for Catalogs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalogs").finish_non_exhaustive()
    }
}

fn formatter_for(
    lang: Lang,
) -> fn(&FluentValue, &intl_memoizer::concurrent::IntlLangMemoizer) -> Option<String> {
    fn with(lang: Lang, value: &FluentValue) -> Option<String> {
        match value {
            FluentValue::Number(number) => Some(lang.format_number(number.value)),
            _ => None,
        }
    }
    match lang {
        Lang::En => |value, _| with(Lang::En, value),
        Lang::Es => |value, _| with(Lang::Es, value),
        Lang::Fr => |value, _| with(Lang::Fr, value),
        Lang::Ar => |value, _| with(Lang::Ar, value),
    }
}

impl Catalogs {
    /// Parses every shipped catalog.
    pub fn load() -> Result<Catalogs, CatalogError> {
        let mut bundles = HashMap::new();
        for (lang, files) in CATALOGS {
            let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Names and titles from records are isolated by the templates' own markup
            // (`<bdi>`), not by invisible characters inside the text.
            bundle.set_use_isolating(false);
            bundle.set_formatter(Some(formatter_for(lang)));
            for (file, text) in files {
                let resource =
                    FluentResource::try_new((*text).to_owned()).map_err(|(_, errors)| {
                        CatalogError::Syntax {
                            lang: lang.code(),
                            file,
                            detail: format!("{errors:?}"),
                        }
                    })?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| CatalogError::Syntax {
                        lang: lang.code(),
                        file,
                        detail: format!("{errors:?}"),
                    })?;
            }
            bundles.insert(lang, bundle);
        }
        Ok(Catalogs {
            bundles: Arc::new(bundles),
        })
    }

    /// No catalogs at all: every message shows as its id. Only for a build whose
    /// shipped catalogs do not parse, which the tests refuse.
    pub fn english_only() -> Catalogs {
        Catalogs {
            bundles: Arc::new(HashMap::new()),
        }
    }

    /// A translator for one person's language.
    pub fn tr(&self, lang: Lang) -> Tr {
        Tr {
            lang,
            catalogs: self.clone(),
        }
    }

    fn format(&self, lang: Lang, id: &str, args: Option<&FluentArgs>) -> Option<String> {
        let bundle = self.bundles.get(&lang)?;
        let message = bundle.get_message(id)?;
        let pattern = message.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        Some(text.into_owned())
    }

    /// The ids of every message in `lang`'s catalog.
    pub fn message_ids(lang: Lang) -> Vec<String> {
        let mut ids = Vec::new();
        for (catalog_lang, files) in CATALOGS {
            if catalog_lang != lang {
                continue;
            }
            for (_, text) in files {
                for line in text.lines() {
                    let Some((id, _)) = line.split_once('=') else {
                        continue;
                    };
                    let id = id.trim_end();
                    if !id.is_empty()
                        && id
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                        && line.starts_with(|c: char| c.is_ascii_alphabetic())
                    {
                        ids.push(id.to_owned());
                    }
                }
            }
        }
        ids
    }
}

/// A count or size a message can be given (templates pass them by reference).
pub trait Amount {
    /// The amount.
    fn amount(&self) -> u64;
}

impl Amount for u64 {
    fn amount(&self) -> u64 {
        *self
    }
}

impl Amount for usize {
    fn amount(&self) -> u64 {
        u64::try_from(*self).unwrap_or(u64::MAX)
    }
}

impl Amount for u32 {
    fn amount(&self) -> u64 {
        u64::from(*self)
    }
}

impl<T: Amount + ?Sized> Amount for &T {
    fn amount(&self) -> u64 {
        (**self).amount()
    }
}

/// One person's translator: what templates call to write UI text.
#[derive(Debug, Clone)]
pub struct Tr {
    lang: Lang,
    catalogs: Catalogs,
}

/// One argument of a message.
pub type Arg<'a> = (&'a str, ArgValue<'a>);

/// The value of a message argument.
#[derive(Debug, Clone, Copy)]
pub enum ArgValue<'a> {
    /// Text (a name, a title): shown as given.
    Text(&'a str),
    /// A count or amount: chooses the plural form and is written in the language's way.
    Number(u64),
}

impl Tr {
    /// The person's language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message `id`, in the person's language, else English, else the id itself
    /// (so a missing message shows up on the page rather than as a blank).
    pub fn msg(&self, id: &str) -> String {
        self.with(id, &[])
    }

    /// The message `id` with arguments.
    pub fn with(&self, id: &str, args: &[Arg<'_>]) -> String {
        let fluent_args = (!args.is_empty()).then(|| {
            let mut fluent_args = FluentArgs::new();
            for (name, value) in args {
                match value {
                    ArgValue::Text(text) => fluent_args.set(*name, FluentValue::from(*text)),
                    ArgValue::Number(number) => {
                        fluent_args.set(*name, FluentValue::from(*number as f64));
                    }
                }
            }
            fluent_args
        });
        self.catalogs
            .format(self.lang, id, fluent_args.as_ref())
            .or_else(|| self.catalogs.format(Lang::En, id, fluent_args.as_ref()))
            .unwrap_or_else(|| id.to_owned())
    }

    /// The message `id` with one text argument `name`.
    pub fn text(&self, id: &str, name: &str, value: &str) -> String {
        self.with(id, &[(name, ArgValue::Text(value))])
    }

    /// The message `id` with `$count` set to `count` (for plurals).
    pub fn count(&self, id: &str, count: impl Amount) -> String {
        self.with(id, &[("count", ArgValue::Number(count.amount()))])
    }

    /// A number written the person's way.
    pub fn number(&self, number: impl Amount) -> String {
        self.lang.format_integer(number.amount())
    }

    /// A date (UTC) written the person's way, such as "4 December 2026".
    pub fn date(&self, unix_ms: u64) -> String {
        let CivilDate { year, month, day } = CivilDate::of_unix_ms(unix_ms);
        let month_name = self.msg(&format!("month-{month}"));
        self.with(
            "date-format",
            &[
                ("day", ArgValue::Text(&day.to_string())),
                ("month", ArgValue::Text(&month_name)),
                ("year", ArgValue::Text(&year.to_string())),
            ],
        )
    }

    /// A date and time (UTC) written the person's way.
    pub fn datetime(&self, unix_ms: u64) -> String {
        let minutes_of_day = (unix_ms / 60_000) % (24 * 60);
        let time = format!("{:02}:{:02}", minutes_of_day / 60, minutes_of_day % 60);
        self.with(
            "datetime-format",
            &[
                ("date", ArgValue::Text(&self.date(unix_ms))),
                ("time", ArgValue::Text(&time)),
            ],
        )
    }

    /// How long ago `unix_ms` was at `now_ms`, in words ("5 minutes ago"), or the date
    /// when it is more than a week ago or in the future.
    pub fn ago(&self, unix_ms: u64, now_ms: u64) -> String {
        const MINUTE: u64 = 60_000;
        const HOUR: u64 = 60 * MINUTE;
        const DAY: u64 = 24 * HOUR;
        if unix_ms > now_ms + MINUTE {
            return self.date(unix_ms);
        }
        let elapsed = now_ms.saturating_sub(unix_ms);
        match elapsed {
            e if e < MINUTE => self.msg("time-just-now"),
            e if e < HOUR => self.count("time-minutes-ago", e / MINUTE),
            e if e < DAY => self.count("time-hours-ago", e / HOUR),
            e if e < 8 * DAY => self.count("time-days-ago", e / DAY),
            _ => self.date(unix_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn catalogs_load() {
        Catalogs::load().unwrap();
    }

    #[test]
    fn catalogs_are_complete() {
        let english: BTreeSet<String> = Catalogs::message_ids(Lang::En).into_iter().collect();
        assert!(english.len() > 50, "{} English messages", english.len());
        for lang in [Lang::Es, Lang::Fr, Lang::Ar] {
            let other: BTreeSet<String> = Catalogs::message_ids(lang).into_iter().collect();
            let missing: Vec<_> = english.difference(&other).collect();
            let extra: Vec<_> = other.difference(&english).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{}: missing {missing:?}, not in English {extra:?}",
                lang.code()
            );
        }
    }

    #[test]
    fn languages_are_negotiated_by_weight() {
        assert_eq!(Lang::negotiate("fr-CH, fr;q=0.9, en;q=0.8"), Lang::Fr);
        assert_eq!(Lang::negotiate("de, es;q=0.5, en;q=0.7"), Lang::En);
        assert_eq!(Lang::negotiate("de"), Lang::En);
        assert_eq!(Lang::negotiate("es-MX"), Lang::Es);
        assert_eq!(Lang::negotiate("en;q=0, fr;q=0.1"), Lang::Fr);
        assert_eq!(Lang::negotiate(""), Lang::En);
    }

    proptest::proptest! {
        #[test]
        fn any_accept_language_header_gives_a_language(header in ".{0,300}") {
            let lang = Lang::negotiate(&header);
            proptest::prop_assert!(Lang::ALL.contains(&lang));
        }

        #[test]
        fn grouping_keeps_every_digit(number in proptest::num::u64::ANY) {
            for lang in Lang::ALL {
                let written = lang.format_integer(number);
                let digits: String = written.chars().filter(char::is_ascii_digit).collect();
                proptest::prop_assert_eq!(digits, number.to_string());
            }
        }
    }

    #[test]
    fn numbers_are_grouped_per_language() {
        assert_eq!(Lang::En.format_integer(100_000), "100,000");
        assert_eq!(Lang::Es.format_integer(100_000), "100.000");
        assert_eq!(Lang::Es.format_integer(1_000), "1000");
        assert_eq!(
            Lang::Fr.format_integer(1_234_567),
            "1\u{202f}234\u{202f}567"
        );
        assert_eq!(Lang::En.format_integer(999), "999");
    }

    #[test]
    fn dates_are_written_per_language() {
        let catalogs = Catalogs::load().unwrap();
        // 2026-12-04T05:30:00Z
        let ms = 1_796_362_200_000;
        assert_eq!(catalogs.tr(Lang::En).date(ms), "4 December 2026");
        assert_eq!(catalogs.tr(Lang::Es).date(ms), "4 de diciembre de 2026");
        assert_eq!(catalogs.tr(Lang::Fr).date(ms), "4 décembre 2026");
        assert_eq!(
            catalogs.tr(Lang::En).date(951_782_400_000),
            "29 February 2000"
        );
        assert_eq!(catalogs.tr(Lang::En).date(0), "1 January 1970");
    }

    #[test]
    fn plurals_follow_the_language() {
        let catalogs = Catalogs::load().unwrap();
        assert_eq!(
            catalogs.tr(Lang::En).count("time-minutes-ago", 1u64),
            "1 minute ago"
        );
        assert_eq!(
            catalogs.tr(Lang::En).count("time-minutes-ago", 5u64),
            "5 minutes ago"
        );
        assert_eq!(
            catalogs.tr(Lang::Fr).count("time-minutes-ago", 5u64),
            "il y a 5 minutes"
        );
    }
}
