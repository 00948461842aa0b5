//! Urgent solidarity alerts: the list, one alert and its responses.

use serde::{Deserialize, Serialize};

use super::records::AlertBody;

/// `GET /v1/alerts` (docs/api.md §16, "`GET /v1/alerts?limit=N&before=CURSOR`"): the
/// newest alerts first, paged like `GET /v1/records`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertsPage {
    /// The alerts of this page, newest first.
    pub alerts: Vec<AlertSummary>,
    /// The cursor of the next page (`before=`), `None` on the last one.
    pub next: Option<String>,
}

/// One alert as both alert endpoints show it (docs/api.md §16): who raised it, its
/// text, and how many member orgs are in each state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSummary {
    /// The alert record, `rec_…`.
    pub id: String,
    /// The org that raised it, `org_…`.
    pub org: String,
    /// That org's name, `None` when the node knows none.
    pub org_name: Option<String>,
    /// Whether this node's org raised it.
    pub ours: bool,
    /// When it was raised, ms since the Unix epoch.
    pub timestamp_ms: u64,
    /// How many member orgs are in each state.
    pub counts: AlertCounts,
    /// This org's latest answer (`acknowledged`, `acting`, `shared`), `None` if none.
    pub our_state: Option<String>,
    /// The fields of the alert's body: always there from a node that read the body as
    /// an alert's, and left out all together, never one by one, if it did not.
    #[serde(flatten)]
    pub text: Option<AlertText>,
}

/// The fields of the alert record itself in an [`AlertSummary`]: its body as the
/// record JSON shows it, and whether it has expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertText {
    /// The alert's body (severity, region, title, text, what is asked, expiry).
    #[serde(flatten)]
    pub alert: AlertBody,
    /// Whether its expiry has passed.
    pub expired: bool,
}

/// [`AlertSummary::counts`]: the member orgs asked, by their latest answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertCounts {
    /// Latest answer `acknowledged` ("seen").
    pub acknowledged: u64,
    /// Latest answer `acting`.
    pub acting: u64,
    /// Latest answer `shared`.
    pub shared: u64,
    /// No answer yet.
    pub not_yet: u64,
    /// `acknowledged + acting + shared`.
    pub responded: u64,
    /// `responded + not_yet`.
    pub asked: u64,
}

/// `GET /v1/alerts/{id}` (docs/api.md §16, "`GET /v1/alerts/{id}`"): the alert as in
/// the list, with every org asked and its latest answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertAnswer {
    /// The alert as in the list.
    #[serde(flatten)]
    pub alert: AlertSummary,
    /// Whether responses were left unread (only the newest 1,000 are read).
    pub responses_cut: bool,
    /// Every org asked, in order of org id.
    pub orgs: Vec<AlertOrg>,
}

/// One org asked of [`AlertAnswer::orgs`]; the answer's fields are `None` while its
/// `state` is `not_yet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertOrg {
    /// The org, `org_…`.
    pub org: String,
    /// Its name, `None` when the node knows none.
    pub name: Option<String>,
    /// Whether it is this node's org.
    pub ours: bool,
    /// `acknowledged`, `acting`, `shared` or `not_yet`.
    pub state: String,
    /// When it answered, ms since the Unix epoch.
    pub timestamp_ms: Option<u64>,
    /// Its note, possibly empty.
    pub note: Option<String>,
    /// The response record that counts, `rec_…`.
    pub response: Option<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn summary(text: Option<AlertText>) -> AlertSummary {
        AlertSummary {
            id: "rec_1".to_owned(),
            org: "org_1".to_owned(),
            org_name: None,
            ours: true,
            timestamp_ms: 5,
            counts: AlertCounts::default(),
            our_state: None,
            text,
        }
    }

    #[test]
    fn an_alert_without_its_text_leaves_the_text_out() {
        let value = serde_json::to_value(summary(None)).expect("JSON");
        assert_eq!(
            value,
            json!({"id": "rec_1", "org": "org_1", "org_name": null, "ours": true,
                   "timestamp_ms": 5, "our_state": null,
                   "counts": {"acknowledged": 0, "acting": 0, "shared": 0, "not_yet": 0,
                              "responded": 0, "asked": 0}})
        );
        assert_eq!(
            serde_json::from_value::<AlertSummary>(value).expect("read back"),
            summary(None)
        );
    }

    #[test]
    fn one_alert_reads_back_with_its_text_and_orgs() {
        let answer = AlertAnswer {
            alert: summary(Some(AlertText {
                alert: AlertBody {
                    severity: "urgent".to_owned(),
                    region: "Highlands".to_owned(),
                    title: "Detained".to_owned(),
                    body: "…".to_owned(),
                    action_requested: "Call".to_owned(),
                    expires_at_ms: 9,
                },
                expired: false,
            })),
            responses_cut: false,
            orgs: vec![AlertOrg {
                org: "org_2".to_owned(),
                name: None,
                ours: false,
                state: "not_yet".to_owned(),
                timestamp_ms: None,
                note: None,
                response: None,
            }],
        };
        let value = serde_json::to_value(&answer).expect("JSON");
        assert_eq!(value["title"], "Detained");
        assert_eq!(value["expires_at_ms"], 9);
        assert_eq!(value["orgs"][0]["response"], serde_json::Value::Null);
        assert_eq!(
            serde_json::from_value::<AlertAnswer>(value).expect("read back"),
            answer
        );
    }
}
