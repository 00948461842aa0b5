//! Text search: the reading end of a record's path, finding a stored record by the words
//! in it. A search is a [`SearchText`]: the words of the operator's text, each of which
//! must begin a word of the record (`evict` finds "eviction", `land` does not find
//! "Thailand"), without regard to case (Unicode lowercase). Words are the runs of
//! letters and digits; everything else separates them, so `participatory-documentation`
//! is two words.
//!
//! Which text of a record is searched is [`searchable_fields`]: titles, summaries,
//! bodies, themes and regions, and the like for each kind that has text. A retracted
//! record has no content left, so it never matches.
//!
//! This is a linear scan: [`super::RecordQuery::matches`] runs it on every candidate the
//! query's index yields, newest first, until a page is full. Its cost grows with the
//! records held (docs/node.md, "Search"); an inverted index table in the store, word →
//! (timestamp, id), built by the same [`words`] function, is what would replace it.

use commons_protocol::Body;
use thiserror::Error;

/// The longest search text accepted, in bytes.
pub const MAX_SEARCH_BYTES: usize = 256;
/// The most words a search may have.
pub const MAX_SEARCH_WORDS: usize = 16;

/// Why a search text is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SearchError {
    /// Longer than [`MAX_SEARCH_BYTES`].
    #[error(
        "the search text is {bytes} bytes long; at most {MAX_SEARCH_BYTES} are accepted: search \
         for fewer words"
    )]
    TooLong {
        /// Its length.
        bytes: usize,
    },
    /// No letters or digits at all.
    #[error("the search text has no words (letters or digits) to search for")]
    NoWords,
    /// More than [`MAX_SEARCH_WORDS`] words.
    #[error(
        "the search text has {words} words; at most {MAX_SEARCH_WORDS} are accepted: search for \
         fewer words"
    )]
    TooManyWords {
        /// How many it has.
        words: usize,
    },
}

/// The words of a search, lowercase, each once, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    words: Vec<String>,
}

impl SearchText {
    /// The search for `text`: its words, checked against the limits.
    pub fn parse(text: &str) -> Result<SearchText, SearchError> {
        if text.len() > MAX_SEARCH_BYTES {
            return Err(SearchError::TooLong { bytes: text.len() });
        }
        let mut found: Vec<String> = Vec::new();
        for word in words(text) {
            if !found.contains(&word) {
                found.push(word);
            }
        }
        if found.is_empty() {
            return Err(SearchError::NoWords);
        }
        if found.len() > MAX_SEARCH_WORDS {
            return Err(SearchError::TooManyWords { words: found.len() });
        }
        Ok(SearchText { words: found })
    }

    /// The words searched for, lowercase.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether every word of the search begins some word of `body`'s searchable text.
    pub fn matches(&self, body: &Body) -> bool {
        let mut unmatched: Vec<&str> = self.words.iter().map(String::as_str).collect();
        for field in searchable_fields(body) {
            for word in words(field) {
                unmatched.retain(|wanted| !word.starts_with(wanted));
                if unmatched.is_empty() {
                    return true;
                }
            }
        }
        false
    }
}

/// The words of `text`: its runs of letters and digits, in Unicode lowercase.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

/// The text of a record that search looks at, field by field: for a case study its
/// title, summary, body, themes and regions; a campaign's title and goals; an update's
/// body; an alert's title, body, region and the action it asks for; a response's note;
/// a profile's name, country, region, working groups and description; an application's
/// statement; a retraction's reason. Other kinds have no text to search.
pub fn searchable_fields(body: &Body) -> Vec<&str> {
    fn strings(items: &[String]) -> impl Iterator<Item = &str> {
        items.iter().map(String::as_str)
    }
    match body {
        Body::Practice(practice) => {
            let mut fields = vec![
                practice.title.as_str(),
                practice.summary.as_str(),
                practice.body.as_str(),
            ];
            fields.extend(strings(&practice.themes));
            fields.extend(strings(&practice.regions));
            fields
        }
        Body::Campaign(campaign) => {
            let mut fields = vec![campaign.title.as_str()];
            fields.extend(strings(&campaign.goals));
            fields
        }
        Body::CampaignUpdate(update) => vec![update.body.as_str()],
        Body::Alert(alert) => vec![
            alert.title.as_str(),
            alert.body.as_str(),
            alert.region.as_str(),
            alert.action_requested.as_str(),
        ],
        Body::AlertResponse(response) => vec![response.note.as_str()],
        Body::Profile(profile) => {
            let mut fields = vec![
                profile.name.as_str(),
                profile.country.as_str(),
                profile.region.as_str(),
                profile.description.as_str(),
            ];
            fields.extend(strings(&profile.working_groups));
            fields
        }
        Body::Application(application) => vec![application.statement.as_str()],
        Body::Retraction(retraction) => vec![retraction.reason.as_str()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use commons_protocol::fixtures::sample_practice;
    use commons_protocol::{
        Alert, AlertResponse, Campaign, CampaignStatus, Practice, ResponseKind, Severity,
        Visibility,
    };
    use proptest::prelude::*;

    use super::*;

    fn practice(title: &str, body: &str, themes: &[&str]) -> Body {
        Body::Practice(Practice {
            title: title.to_owned(),
            summary: String::new(),
            body: body.to_owned(),
            themes: themes.iter().map(|t| (*t).to_owned()).collect(),
            regions: vec!["Southeast Asia".to_owned()],
            ..sample_practice(Visibility::Public)
        })
    }

    fn search(text: &str) -> SearchText {
        SearchText::parse(text).unwrap()
    }

    #[test]
    fn every_word_must_begin_a_word_of_the_record() {
        let body = practice(
            "Tenant-led surveys of eviction risk",
            "Residents mapped their settlement.",
            &["housing", "participatory-documentation"],
        );
        assert!(search("eviction").matches(&body));
        assert!(search("EVICT").matches(&body), "a prefix, in any case");
        assert!(search("tenant surveys").matches(&body));
        assert!(search("residents housing asia").matches(&body));
        assert!(search("participatory-documentation").matches(&body));
        assert!(!search("eviction land").matches(&body), "every word");
        assert!(!search("ction").matches(&body), "not inside a word");
        assert!(
            !search("  settlements ").matches(&body),
            "longer than the word"
        );
    }

    #[test]
    fn case_is_ignored_beyond_ascii() {
        let body = practice("ÉCOLES communautaires à Dakar", "", &[]);
        assert!(search("écoles").matches(&body));
        assert!(search("Écoles À").matches(&body));
        let body = practice("Право на жилище", "", &[]);
        assert!(search("ПРАВО жил").matches(&body));
    }

    #[test]
    fn land_does_not_find_thailand() {
        let body = practice("Solidarity visit to Thailand", "", &[]);
        assert!(!search("land").matches(&body));
        assert!(search("thai").matches(&body));
    }

    #[test]
    fn campaigns_alerts_and_responses_are_searched_by_their_text() {
        let campaign = Body::Campaign(Campaign {
            title: "No evictions in the rainy season".to_owned(),
            goals: vec!["A moratorium from June to October".to_owned()],
            partners: Vec::new(),
            status: CampaignStatus::Active,
        });
        assert!(search("rainy moratorium").matches(&campaign));
        let alert = Body::Alert(Alert {
            severity: Severity::Urgent,
            region: "Central America".to_owned(),
            title: "Land defender detained".to_owned(),
            body: "No access to a lawyer.".to_owned(),
            action_requested: "Write to the prosecutor.".to_owned(),
            expires_at_ms: 2,
        });
        assert!(search("defender lawyer prosecutor central").matches(&alert));
        let response = Body::AlertResponse(AlertResponse {
            alert: commons_protocol::RecordId::of(b"alert"),
            response: ResponseKind::Acting,
            note: "Letter sent to the prosecutor".to_owned(),
        });
        assert!(search("letter").matches(&response));
        assert!(
            !search("acting").matches(&response),
            "the answer is no text"
        );
    }

    #[test]
    fn bad_search_texts_are_refused() {
        assert_eq!(SearchText::parse(" -- "), Err(SearchError::NoWords));
        assert_eq!(SearchText::parse(""), Err(SearchError::NoWords));
        let long = "a".repeat(MAX_SEARCH_BYTES + 1);
        assert_eq!(
            SearchText::parse(&long),
            Err(SearchError::TooLong {
                bytes: MAX_SEARCH_BYTES + 1
            })
        );
        let many: Vec<String> = (0..=MAX_SEARCH_WORDS).map(|n| format!("w{n}")).collect();
        assert_eq!(
            SearchText::parse(&many.join(" ")),
            Err(SearchError::TooManyWords {
                words: MAX_SEARCH_WORDS + 1
            })
        );
        // Repeated words count once.
        let same = vec!["housing"; MAX_SEARCH_WORDS + 5].join(" ");
        assert_eq!(SearchText::parse(&same).unwrap().words(), ["housing"]);
    }

    proptest! {
        /// Any word of a case study's title, in any case and cut anywhere after its first
        /// character, finds the case study.
        #[test]
        fn any_prefix_of_a_title_word_finds_it(
            title in "[a-zA-Zéß ]{1,40}",
            pick in any::<prop::sample::Index>(),
            cut in any::<prop::sample::Index>(),
        ) {
            let title_words: Vec<String> = words(&title).collect();
            prop_assume!(!title_words.is_empty());
            let word = pick.get(&title_words);
            let chars: Vec<char> = word.chars().collect();
            let prefix: String = chars[..=cut.index(chars.len())].iter().collect();
            let body = practice(&title, "", &[]);
            prop_assert!(search(&prefix).matches(&body));
            let upper = prefix.to_uppercase();
            if upper.to_lowercase() == prefix {
                prop_assert!(search(&upper).matches(&body));
            }
        }

        /// Search never panics on any text, and a text it accepts has 1 to 16 words.
        #[test]
        fn any_text_parses_or_is_refused(text in "\\PC{0,300}") {
            if let Ok(search) = SearchText::parse(&text) {
                prop_assert!((1..=MAX_SEARCH_WORDS).contains(&search.words().len()));
                let _ = search.matches(&practice(&text, &text, &[]));
            }
        }
    }
}
