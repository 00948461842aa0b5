//! What step 5 of a devnet publishes: the story every devnet tells, whatever its size
//! ([`Story`]: a coalition campaign and its partners' updates, an urgent alert and the
//! other orgs' answers), and the sample records around it ([`sample`]: case studies,
//! more campaigns and their updates), each as a publish [`Request`].

use commons_node::api::contract::requests::{
    AlertRequest, CampaignRequest, PracticeRequest, RespondRequest, UpdateRequest,
};
use commons_protocol::OrgId;

use crate::publish::RequestBody;

/// One publish request.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Request {
    pub(super) endpoint: &'static str,
    /// The record's kind, as the API names it.
    pub(super) kind: &'static str,
    pub(super) what: &'static str,
    pub(super) body: RequestBody,
}

/// The update of `campaign` with `text`, and its new status if it changed.
fn update(campaign: &str, text: &str, status: Option<&str>) -> RequestBody {
    RequestBody::Update(UpdateRequest {
        campaign: campaign.to_owned(),
        status: status.map(str::to_owned),
        body: text.to_owned(),
    })
}

/// A campaign of this node's own org, under way.
fn campaign_under_way(title: &str, goals: &[&str], partners: Vec<String>) -> RequestBody {
    RequestBody::Campaign(CampaignRequest {
        title: title.to_owned(),
        goals: goals.iter().map(|goal| (*goal).to_owned()).collect(),
        partners,
        status: Some("active".to_owned()),
        revises: None,
    })
}

const PRACTICE_ENDPOINT: &str = "/v1/publish/practice";
pub(super) const CAMPAIGN_ENDPOINT: &str = "/v1/publish/campaign";
const UPDATE_ENDPOINT: &str = "/v1/publish/update";
const ALERT_ENDPOINT: &str = "/v1/publish/alert";
const RESPOND_ENDPOINT: &str = "/v1/publish/respond";

/// How many records open the story: the coalition's campaign, then the alert.
pub(super) const STORY_OPENING: usize = 2;
/// The node whose org raises the alert (the campaign's lead is node 0).
const ALERT_NODE: usize = 1;

/// What every devnet tells, whatever its size, so that each kind of record and each way
/// they refer to one another is on the network: node 0's org leads a campaign with the
/// orgs of nodes 1 and 2 as partners (node 1's alone in a devnet of two), and the lead
/// and each partner post an update to it; node 1's org raises an urgent alert, and
/// every other org answers it.
#[derive(Debug, Clone)]
pub(super) struct Story {
    partners: Vec<OrgId>,
    campaign: Option<String>,
    alert: Option<String>,
}

impl Story {
    pub(super) fn new(orgs: &[OrgId]) -> Story {
        Story {
            partners: orgs.iter().skip(1).take(2).copied().collect(),
            campaign: None,
            alert: None,
        }
    }

    /// The story's `global`-th opening record: the campaign (0), then the alert (1).
    pub(super) fn opening(&self, global: usize) -> Request {
        if global == 0 {
            let partners: Vec<String> = self.partners.iter().map(ToString::to_string).collect();
            Request {
                endpoint: CAMPAIGN_ENDPOINT,
                kind: "campaign",
                what: "coalition campaign",
                body: campaign_under_way(
                    "No evictions in the rainy season",
                    &[
                        "A moratorium on evictions from June to October",
                        "Alternative housing agreed with residents before any demolition",
                    ],
                    partners,
                ),
            }
        } else {
            Request {
                endpoint: ALERT_ENDPOINT,
                kind: "alert",
                what: "solidarity alert",
                body: RequestBody::Alert(AlertRequest {
                    severity: "urgent".to_owned(),
                    region: "Central America".to_owned(),
                    title: "Housing defender detained after an eviction protest".to_owned(),
                    body: "A member of our housing committee was detained after a community \
                           assembly against the eviction of 40 families. She has had no access \
                           to a lawyer since yesterday evening."
                        .to_owned(),
                    action_requested: "Write to the regional prosecutor asking for access to \
                                       counsel and her release; share this alert with your \
                                       networks."
                        .to_owned(),
                    expires_in_hours: Some(72),
                    expires_at_ms: None,
                }),
            }
        }
    }

    /// Notes the id of the opening record `global`.
    pub(super) fn opened(&mut self, global: usize, id: &str) {
        if global == 0 {
            self.campaign = Some(id.to_owned());
        } else {
            self.alert = Some(id.to_owned());
        }
    }

    /// What node `index` publishes as its `local`-th record after the opening, if the
    /// story says: first an answer to the alert (every node but the one that raised
    /// it), then an update to the campaign (its lead and partners).
    pub(super) fn follow_up(&self, index: usize, local: usize) -> Option<Request> {
        match local {
            0 if index != ALERT_NODE => {
                let alert = self.alert.as_ref()?;
                let (response, note) = ALERT_RESPONSES[index % ALERT_RESPONSES.len()];
                Some(Request {
                    endpoint: RESPOND_ENDPOINT,
                    kind: "alert-response",
                    what: "response to the alert",
                    body: RequestBody::Respond(RespondRequest {
                        alert: alert.clone(),
                        response: response.to_owned(),
                        note: note.to_owned(),
                    }),
                })
            }
            1 if index <= self.partners.len() => {
                let campaign = self.campaign.as_ref()?;
                let (text, status) = COALITION_UPDATES[index];
                Some(Request {
                    endpoint: UPDATE_ENDPOINT,
                    kind: "campaign-update",
                    what: "campaign update",
                    body: update(campaign, text, status),
                })
            }
            _ => None,
        }
    }
}

/// The coalition campaign's updates: by its lead (node 0), then by each partner.
const COALITION_UPDATES: [(&str, Option<&str>); 3] = [
    (
        "Call to action: the council votes on the moratorium next month. Please send letters \
         of support from your organization before the 20th; a template is on the campaign \
         page.",
        None,
    ),
    (
        "The High Court set the hearing on the eviction order for the 14th. Residents and \
         members are welcome to observe; we will meet outside the court at 8 am.",
        None,
    ),
    (
        "Win: the city council voted to pause demolitions while the review runs. The \
         moratorium itself is still to be won, so the campaign goes on.",
        Some("active"),
    ),
];

/// Answers to the alert, by the answering node's index.
const ALERT_RESPONSES: [(&str, &str); 4] = [
    (
        "acting",
        "Our legal team wrote to the regional prosecutor this morning asking for access to \
         counsel.",
    ),
    (
        "acknowledged",
        "Seen by our board; we will raise it at the regional meeting on Friday.",
    ),
    (
        "shared",
        "Shared with the forty groups of our national coalition.",
    ),
    (
        "acting",
        "We called the national human rights commission, which has asked the police for \
         information.",
    ),
];

/// A case study's parts.
struct CaseStudy {
    title: &'static str,
    summary: &'static str,
    context: &'static str,
    what_we_did: &'static str,
    reusable: &'static str,
    themes: [&'static str; 2],
}

const CASE_STUDIES: [CaseStudy; 6] = [
    CaseStudy {
        title: "Tenant-led surveys of eviction risk",
        summary: "Residents mapped their own settlement and used the map to negotiate with the city.",
        context: "Three informal settlements faced demolition for a road project",
        what_we_did: "Volunteers trained by the coalition surveyed every household, recorded tenure documents and marked the homes on a shared map.",
        reusable: "The survey form, the consent script and the way the map was presented to officials.",
        themes: ["housing", "participatory-documentation"],
    },
    CaseStudy {
        title: "Paralegals at the district court",
        summary: "Community paralegals helped tenants answer eviction notices before the deadline.",
        context: "Most tenants served with eviction notices never answered them in time",
        what_we_did: "We placed two trained paralegals at the court registry on hearing days and ran a phone line for tenants outside the city.",
        reusable: "The paralegal curriculum and the checklist of documents a tenant needs.",
        themes: ["legal-aid", "housing"],
    },
    CaseStudy {
        title: "Women's names on land titles",
        summary: "A joint-titling campaign doubled the share of titles naming women.",
        context: "Land registration named only the head of household, almost always a man",
        what_we_did: "Village assemblies discussed joint titling, and the forum accompanied couples to the registry.",
        reusable: "The assembly guide and the letter template to the land registry.",
        themes: ["land", "women-escr"],
    },
    CaseStudy {
        title: "Water point monitoring by residents",
        summary: "Residents logged broken water points and took the log to the utility.",
        context: "Half of the public taps in the settlement were broken for months at a time",
        what_we_did: "Residents checked every tap weekly and shared a simple log with the utility and the local council.",
        reusable: "The weekly log, and how the meetings with the utility were prepared.",
        themes: ["water", "monitoring"],
    },
    CaseStudy {
        title: "Training police in rights-respecting evictions",
        summary: "Joint sessions with police commanders cut violence during court-ordered evictions.",
        context: "Evictions were carried out at night, with force and without notice",
        what_we_did: "We ran joint sessions for commanders and community leaders on the national eviction guidelines.",
        reusable: "The session plan and the pocket card of the guidelines.",
        themes: ["housing", "policing"],
    },
    CaseStudy {
        title: "Small producers research trade rules",
        summary: "Farmers' groups documented how an import surge hit local prices.",
        context: "Cheap imports pushed local rice prices below the cost of growing it",
        what_we_did: "Producer groups recorded market prices every week for a season and presented them at a national hearing.",
        reusable: "The price-recording method and the hearing brief.",
        themes: ["food", "economic-policy"],
    },
];

const REGIONS: [&str; 8] = [
    "East Africa",
    "Southern Africa",
    "West Africa",
    "South Asia",
    "Southeast Asia",
    "Central America",
    "Andean region",
    "Middle East and North Africa",
];

const CAMPAIGNS: [(&str, [&str; 2]); 3] = [
    (
        "Women's names on every land title",
        [
            "Joint titling as the registry's default for married couples",
            "Free registration for women farmers in the first year",
        ],
    ),
    (
        "Legal aid in every district court",
        [
            "A paralegal desk in each district court",
            "Free representation for tenants facing eviction",
        ],
    ),
    (
        "Water connections for informal settlements",
        [
            "A public tap within 200 metres of every home",
            "No disconnections for unpaid bills during the dry season",
        ],
    ),
];

const UPDATES: [(&str, Option<&str>); 3] = [
    (
        "The hearing is set for the 14th at the High Court; members are welcome to observe.",
        None,
    ),
    (
        "The city council voted to pause demolitions while the review runs.",
        Some("active"),
    ),
    (
        "Setback: the ministry left the negotiation. Please write to the minister this week.",
        Some("paused"),
    ),
];

/// The `global`-th record of the devnet, the `local`-th of its node after the story's
/// opening, when the [`Story`] has nothing for it: a campaign of the node's own every
/// eighth record, updates to that campaign, and case studies otherwise.
pub(super) fn sample(global: usize, local: usize, campaign: Option<&str>) -> Request {
    match (local % 8, campaign) {
        (3, _) => {
            let (title, goals) = CAMPAIGNS[(global / 8) % CAMPAIGNS.len()];
            Request {
                endpoint: CAMPAIGN_ENDPOINT,
                kind: "campaign",
                what: "campaign",
                body: campaign_under_way(title, &goals, Vec::new()),
            }
        }
        (5 | 7, Some(campaign)) => {
            let (text, status) = UPDATES[global % UPDATES.len()];
            Request {
                endpoint: UPDATE_ENDPOINT,
                kind: "campaign-update",
                what: "campaign update",
                body: update(campaign, text, status),
            }
        }
        _ => {
            let case = &CASE_STUDIES[global % CASE_STUDIES.len()];
            let region = REGIONS[(global / CASE_STUDIES.len()) % REGIONS.len()];
            Request {
                endpoint: PRACTICE_ENDPOINT,
                kind: "practice",
                what: "case study",
                body: RequestBody::Practice(PracticeRequest {
                    title: case.title.to_owned(),
                    summary: case.summary.to_owned(),
                    body: format!(
                        "## Context\n\n{} ({region}).\n\n## What we did\n\n{}\n\n\
                         ## What others can reuse\n\n{}",
                        case.context, case.what_we_did, case.reusable
                    ),
                    themes: case
                        .themes
                        .iter()
                        .map(|theme| (*theme).to_owned())
                        .collect(),
                    regions: vec![region.to_owned()],
                    ..PracticeRequest::default()
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// A request's body as the node receives it.
    fn sent(request: &Request) -> Value {
        serde_json::to_value(&request.body).unwrap()
    }

    #[test]
    fn the_samples_hold_campaigns_updates_and_case_studies() {
        let mut endpoints = Vec::new();
        let mut campaign = None;
        for local in 0..16 {
            let request = sample(local * 3, local, campaign.as_deref());
            if request.endpoint == CAMPAIGN_ENDPOINT {
                campaign = Some("rec_campaign".to_owned());
            }
            if request.endpoint == UPDATE_ENDPOINT {
                assert_eq!(sent(&request)["campaign"], "rec_campaign");
            }
            endpoints.push(request.endpoint);
        }
        assert!(endpoints.contains(&CAMPAIGN_ENDPOINT));
        assert!(endpoints.contains(&UPDATE_ENDPOINT));
        assert!(endpoints.contains(&PRACTICE_ENDPOINT));
        // No update before the node has a campaign of its own.
        assert_eq!(sample(5, 5, None).endpoint, PRACTICE_ENDPOINT);
        let practice = sample(0, 0, None);
        assert_eq!(practice.kind, "practice");
        assert!(!sent(&practice)["themes"].as_array().unwrap().is_empty());
        assert!(!sent(&practice)["regions"].as_array().unwrap().is_empty());
    }

    fn orgs(count: u8) -> Vec<OrgId> {
        (0..count)
            .map(|seed| commons_protocol::RootKeypair::from_seed([seed; 32]).org_id())
            .collect()
    }

    #[test]
    fn the_story_names_two_partners_whose_updates_follow_and_others_answer_the_alert() {
        let orgs = orgs(5);
        let mut story = Story::new(&orgs);
        let campaign = story.opening(0);
        assert_eq!(campaign.endpoint, CAMPAIGN_ENDPOINT);
        assert_eq!(
            sent(&campaign)["partners"],
            json!([orgs[1].to_string(), orgs[2].to_string()])
        );
        let alert = story.opening(1);
        assert_eq!(alert.endpoint, ALERT_ENDPOINT);
        assert_eq!(sent(&alert)["severity"], "urgent");
        // Nothing follows before the opening records have ids.
        assert_eq!(story.follow_up(0, 0), None);
        story.opened(0, "rec_campaign");
        story.opened(1, "rec_alert");

        for index in 0..5 {
            let answer = story.follow_up(index, 0);
            if index == ALERT_NODE {
                assert_eq!(answer, None, "the alert's own org does not answer it");
            } else {
                let answer = answer.unwrap();
                assert_eq!(answer.endpoint, RESPOND_ENDPOINT);
                assert_eq!(sent(&answer)["alert"], "rec_alert");
            }
            let update = story.follow_up(index, 1);
            if index <= 2 {
                let update = update.unwrap();
                assert_eq!(
                    update.endpoint, UPDATE_ENDPOINT,
                    "the lead and its partners"
                );
                assert_eq!(sent(&update)["campaign"], "rec_campaign");
            } else {
                assert_eq!(update, None);
            }
            assert_eq!(story.follow_up(index, 2), None);
        }

        // Two orgs: the one partner is the other org.
        let two = orgs[..2].to_vec();
        let story = Story::new(&two);
        assert_eq!(
            sent(&story.opening(0))["partners"],
            json!([two[1].to_string()])
        );
    }
}
