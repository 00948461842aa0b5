//! Each page's server time for a node holding 100,000 records, beside the same data read
//! as JSON from the control API in the same run (issue 10, item 7).
//!
//! The fixture: a network of 8 founders (the sample orgs of
//! `commons_protocol::fixtures`, fixed seeds) and 2 applicants, one admitted by votes and
//! one still waiting for ours; 100,000 records over the year before now, written by their
//! orgs' devices and taken in through the node's one ingest path
//! (`IngestHandle::submit_many`) into a real redb store in a temporary directory (built
//! afresh each run, in about ten seconds here: signing and ingest are cheap next to the
//! measurements, and "new since" pages need timestamps relative to today). The mix is
//! mostly case studies of about 1 KiB with themes, regions and languages, then alert
//! responses, campaign updates, alerts, campaigns and profiles, and a few applications
//! and votes.
//!
//! The measured thing: the web app's router (`commons_web::app`) called in process with
//! real HTTP requests built by hand (the session cookie from a real one-time login, the
//! app's own `Host`), and beside it the control API's router
//! (`commons_node::api::router`, bearer token) answering the closest JSON read of the
//! same data. Page and API requests alternate, so machine noise falls on both; each is
//! timed from the call to the last byte of its body. p50 and p95 per page, the ratio of
//! the p95s, and whether the page meets the goal of 50 ms at p95 (search is reported,
//! not held to it).
//!
//! Run with `cargo bench -p commons-web --bench pages`; an argument keeps only the pages
//! whose label contains it (`cargo bench -p commons-web --bench pages -- /alerts`; `/`
//! alone is home), and
//! `PAGES_SAMPLES` sets the requests per page (default 200).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body as HttpBody;
use axum::http::{Request, StatusCode, header};
use commons_node::ingest::{IngestSettings, Ingested, Source};
use commons_node::login::LoginTickets;
use commons_node::store::RedbStore;
use commons_node::{Node, NodeHandle};
use commons_protocol::fixtures::{SampleOrg, sample_charter};
use commons_protocol::{
    Alert, AlertResponse, Application, Body, CampaignStatus, CampaignUpdate, FeedWriter, OrgId,
    Practice, Profile, RecordId, ResponseKind, Severity, VerifiedRecord, Visibility, Vote,
    VoteChoice,
};
use commons_web::AppState;
use tower::ServiceExt;

/// Records the node holds, every kind together (delegations included).
const RECORDS: usize = 100_000;
/// The founders of the sample network; our node is founder 0's.
const FOUNDERS: u8 = 8;
/// Records per `submit_many` call (the ingest's own bound per request).
const SUBMIT_BATCH: usize = commons_node::ingest::MAX_RECORDS_PER_REQUEST;
/// Requests per page (and as many to its API read), after the warm-up.
const DEFAULT_SAMPLES: usize = 200;
/// Requests before timing, to fill the store's cache and the allocator's pools.
const WARMUP: usize = 10;
/// The most time spent timing one page and its API read: the search that matches
/// nothing reads every record, so it gets fewer samples.
const BUDGET_PER_PAGE: Duration = Duration::from_secs(40);
/// At least this many samples, whatever the budget.
const MIN_SAMPLES: usize = 10;
/// The goal of issue 10 for every page but search.
const GOAL_P95: Duration = Duration::from_millis(50);
/// The address the app believes it serves on (its `Host` check); nothing listens.
const APP_ADDRESS: &str = "127.0.0.1:7412";
/// The control API's token in this run.
const API_TOKEN: &str = "bench-token";

const DAY_MS: u64 = 24 * 60 * 60 * 1000;
const YEAR_MS: u64 = 365 * DAY_MS;

/// The orgs' names as their profiles give them (invented).
const ORG_NAMES: [&str; 10] = [
    "Tenants' Voice Alliance",
    "Rural Defenders Network",
    "Workers' Health Forum",
    "Coastal Fisherfolk Coalition",
    "Women and Land Collective",
    "Community Paralegals Circle",
    "River Basin Watch",
    "Street Vendors' Union",
    "Highland Seed Keepers",
    "Migrant Care Workers Network",
];
const THEMES: [&str; 12] = [
    "Housing",
    "Land rights",
    "Labour",
    "Health",
    "Water",
    "Environment",
    "Participatory documentation",
    "Legal aid",
    "Gender",
    "Digital security",
    "Fisheries",
    "Indigenous rights",
];
const REGIONS: [&str; 8] = [
    "Southeast Asia",
    "South Asia",
    "East Africa",
    "West Africa",
    "Central America",
    "Andes",
    "Middle East",
    "Southern Europe",
];
const TITLES: [(&str, &str); 8] = [
    ("en", "Mapping eviction risk with tenant-led surveys"),
    ("es", "Defensa legal comunitaria ante desalojos"),
    ("en", "A hotline for workers injured on night shifts"),
    ("fr", "Cartographie participative des terres communales"),
    (
        "en",
        "Keeping records of water cuts in informal settlements",
    ),
    ("es", "Protocolos de seguridad digital para defensoras"),
    ("en", "Negotiating fishing grounds with the port authority"),
    (
        "fr",
        "Accompagnement juridique des travailleuses domestiques",
    ),
];
const PARAGRAPHS: [&str; 8] = [
    "Residents trained as surveyors visited every household, noted who had papers and who \
     did not, and drew the map the city had never made.",
    "The eviction notices came two weeks before the rains; the association asked for a \
     hearing and brought the survey to it.",
    "Paralegals from the community took statements in the evenings, when people were back \
     from work, and kept them in a locked cabinet at the parish hall.",
    "We wrote a one-page consent form in the two local languages and read it aloud before \
     every interview, so nobody signed something they could not read.",
    "The ministry's inspectors came only after the union sent the photographs to three \
     newspapers and to the regional labour office.",
    "Women farmers met monthly to compare what the buyers paid and agreed on a floor price \
     below which nobody would sell.",
    "What others can reuse: the survey form, the consent protocol, and the checklist we \
     used before meeting officials.",
    "The main lesson was to keep copies of everything outside the settlement, because the \
     first office was searched and the files were taken.",
];

/// A deterministic stream of numbers (splitmix64): the same fixture every run.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// What the fixture holds that the probes point at.
struct Fixture {
    orgs: Vec<SampleOrg>,
    records: Vec<VerifiedRecord>,
    /// Case studies spread over the year, newest last.
    cases: Vec<RecordId>,
    campaigns: Vec<RecordId>,
    alerts: Vec<RecordId>,
    /// How many records of each kind, for the report.
    counts: Vec<(&'static str, usize)>,
}

fn practice(dice: &mut Dice, index: usize) -> Practice {
    let (language, title) = TITLES[dice.below(TITLES.len())];
    let region = REGIONS[dice.below(REGIONS.len())];
    let mut body = String::new();
    if index % 1000 == 7 {
        // A rare word: one case study in a thousand.
        body.push_str("Mangrove replanting was part of the agreement. ");
    }
    let first = dice.below(PARAGRAPHS.len());
    for step in 0..4 {
        body.push_str(PARAGRAPHS[(first + step * 3) % PARAGRAPHS.len()]);
        body.push_str("\n\n");
    }
    body.truncate(640);
    let theme = dice.below(THEMES.len());
    let other = (theme + 1 + dice.below(THEMES.len() - 1)) % THEMES.len();
    Practice {
        title: format!("{title} ({region}, {index})"),
        summary: format!(
            "How a member organization in {region} documented what happened and used it to \
             negotiate; the forms and the lessons are attached."
        ),
        body,
        themes: vec![THEMES[theme].to_owned(), THEMES[other].to_owned()],
        regions: vec![region.to_owned()],
        language: language.to_owned(),
        licence: "CC-BY-4.0".to_owned(),
        links: Vec::new(),
        visibility: if dice.below(5) == 0 {
            Visibility::Members
        } else {
            Visibility::Public
        },
        attachments: Vec::new(),
    }
}

fn profile(org: usize, version: usize) -> Profile {
    Profile {
        name: ORG_NAMES[org].to_owned(),
        country: "Somewhere".to_owned(),
        region: REGIONS[org % REGIONS.len()].to_owned(),
        website: format!("https://example.org/org-{org}"),
        working_groups: vec![
            THEMES[org % THEMES.len()].to_owned(),
            THEMES[(org + 5) % THEMES.len()].to_owned(),
        ],
        languages: vec!["en".to_owned(), "es".to_owned()],
        description: format!(
            "A member organization supporting communities with legal aid, documentation and \
             campaigns (profile revision {version})."
        ),
    }
}

/// Signs the fixture's 100,000 records in time order over the year before `now_ms`.
fn build_fixture(now_ms: u64) -> (commons_protocol::SignedCharter, Fixture) {
    let (charter, mut orgs) = sample_charter(FOUNDERS);
    orgs.push(SampleOrg::new(FOUNDERS));
    orgs.push(SampleOrg::new(FOUNDERS + 1));
    let network = charter.charter().network_id();
    let mut writers: Vec<FeedWriter> = orgs.iter().map(|org| org.writer(network)).collect();
    let start = now_ms - YEAR_MS;
    let mut records = Vec::with_capacity(RECORDS);
    for (index, org) in orgs.iter().enumerate() {
        records.push(
            writers[index]
                .append(org.delegation(network), start + index as u64)
                .expect("delegation"),
        );
    }
    let admitted = usize::from(FOUNDERS);
    let applicant = admitted + 1;
    let body_count = RECORDS - records.len();
    let step = (YEAR_MS - 2 * 60 * 60 * 1000) / body_count as u64;
    let mut dice = Dice(7);
    let mut members = usize::from(FOUNDERS);
    let mut fixture = Fixture {
        orgs: Vec::new(),
        records: Vec::new(),
        cases: Vec::new(),
        campaigns: Vec::new(),
        alerts: Vec::new(),
        counts: Vec::new(),
    };
    // (id, lead, partners) of campaigns, (id, raiser) of alerts: updates and responses
    // answer recent ones.
    let mut campaigns: Vec<(RecordId, usize, Vec<usize>)> = Vec::new();
    let mut alerts: Vec<(RecordId, usize)> = Vec::new();
    let mut counts = std::collections::BTreeMap::<&'static str, usize>::new();
    for index in 0..body_count {
        let timestamp = start + 1_000 + index as u64 * step;
        let author_any = dice.below(members);
        // Governance at fixed moments: the first applicant admitted early in the year by
        // four founders, the second applying near the end with two votes, ours missing.
        let (author, body, kind): (usize, Body, &'static str) = match index {
            0..10 => (index, Body::Profile(profile(index, 0)), "profile"),
            20 => (
                admitted,
                Body::Application(Application {
                    org: orgs[admitted].id(),
                    statement: "Seed keepers in three highland provinces; we would like to \
                                join the land and environment working groups."
                        .to_owned(),
                }),
                "application",
            ),
            21..=24 => (
                index - 20,
                Body::Vote(Vote {
                    subject: orgs[admitted].id(),
                    choice: VoteChoice::Admit,
                }),
                "vote",
            ),
            90_000 => (
                applicant,
                Body::Application(Application {
                    org: orgs[applicant].id(),
                    statement: "Care workers' groups in four countries; we document abuse by \
                                recruitment agencies and would like to share that work."
                        .to_owned(),
                }),
                "application",
            ),
            90_001 | 90_002 => (
                index - 90_000,
                Body::Vote(Vote {
                    subject: orgs[applicant].id(),
                    choice: VoteChoice::Admit,
                }),
                "vote",
            ),
            _ => {
                if index == 25 {
                    members += 1;
                }
                match index % 100 {
                    0..=73 => (
                        author_any,
                        Body::Practice(practice(&mut dice, index)),
                        "case study",
                    ),
                    74 => {
                        let mut partners = Vec::new();
                        while partners.len() < 2 {
                            let partner = dice.below(members);
                            if partner != author_any && !partners.contains(&partner) {
                                partners.push(partner);
                            }
                        }
                        let status = match dice.below(10) {
                            0 => CampaignStatus::Planning,
                            1 => CampaignStatus::Paused,
                            2 => CampaignStatus::Won,
                            _ => CampaignStatus::Active,
                        };
                        let body = Body::Campaign(commons_protocol::Campaign {
                            title: format!(
                                "{} for {} ({index})",
                                ["A moratorium", "Fair pay", "Clean water", "Safe passage"]
                                    [dice.below(4)],
                                REGIONS[dice.below(REGIONS.len())]
                            ),
                            goals: vec![
                                "A written commitment from the ministry before the budget vote"
                                    .to_owned(),
                                "Community monitors recognised in the agreement".to_owned(),
                            ],
                            partners: partners.iter().map(|&p| orgs[p].id()).collect(),
                            status,
                        });
                        campaigns.push((RecordId::from_bytes([0; 32]), author_any, partners));
                        (author_any, body, "campaign")
                    }
                    75..=83 if !campaigns.is_empty() => {
                        let recent = campaigns.len().saturating_sub(30);
                        let (campaign, lead, partners) =
                            &campaigns[recent + dice.below(campaigns.len() - recent)];
                        let who = if dice.below(3) == 0 {
                            *lead
                        } else {
                            partners[dice.below(partners.len())]
                        };
                        (
                            who,
                            Body::CampaignUpdate(CampaignUpdate {
                                campaign: *campaign,
                                status: None,
                                body: format!(
                                    "Update {index}: the committee hearing moved to next week. \
                                     Partners, please send your letters of support and tell us \
                                     who will attend; we will share the briefing notes."
                                ),
                            }),
                            "campaign update",
                        )
                    }
                    84..=86 => {
                        let severity = match dice.below(6) {
                            0 => Severity::Critical,
                            1 | 2 => Severity::Urgent,
                            _ => Severity::Watch,
                        };
                        alerts.push((RecordId::from_bytes([0; 32]), author_any));
                        (
                            author_any,
                            Body::Alert(Alert {
                                severity,
                                region: REGIONS[dice.below(REGIONS.len())].to_owned(),
                                title: format!(
                                    "Community organizer detained after a meeting ({index})"
                                ),
                                body: "A community organizer was held overnight after a public \
                                       meeting about the dam and has not seen a lawyer."
                                    .to_owned(),
                                action_requested: "Write to the provincial prosecutor asking for \
                                                   access to counsel."
                                    .to_owned(),
                                expires_at_ms: timestamp + 7 * DAY_MS,
                            }),
                            "alert",
                        )
                    }
                    87..=98 if !alerts.is_empty() => {
                        let recent = alerts.len().saturating_sub(10);
                        let (alert, raiser) = alerts[recent + dice.below(alerts.len() - recent)];
                        let who = if author_any == raiser {
                            (author_any + 1) % members
                        } else {
                            author_any
                        };
                        (
                            who,
                            Body::AlertResponse(AlertResponse {
                                alert,
                                response: [
                                    ResponseKind::Acknowledged,
                                    ResponseKind::Acting,
                                    ResponseKind::Shared,
                                ][dice.below(3)],
                                note: "Letter sent to the prosecutor's office.".to_owned(),
                            }),
                            "alert response",
                        )
                    }
                    99 => (
                        author_any,
                        Body::Profile(profile(author_any, index)),
                        "profile",
                    ),
                    _ => (
                        author_any,
                        Body::Practice(practice(&mut dice, index)),
                        "case study",
                    ),
                }
            }
        };
        let record = writers[author].append(body, timestamp).expect("signs");
        // The placeholders pushed above get the signed record's id.
        match kind {
            "campaign" => {
                if let Some(last) = campaigns.last_mut() {
                    last.0 = record.id();
                }
                fixture.campaigns.push(record.id());
            }
            "alert" => {
                if let Some(last) = alerts.last_mut() {
                    last.0 = record.id();
                }
                fixture.alerts.push(record.id());
            }
            "case study" => fixture.cases.push(record.id()),
            _ => {}
        }
        *counts.entry(kind).or_default() += 1;
        records.push(record);
    }
    fixture.orgs = orgs;
    fixture.records = records;
    fixture.counts = counts.into_iter().collect();
    (charter, fixture)
}

/// One page and the API read beside it; each cycles through its paths.
struct Probe {
    label: String,
    pages: Vec<String>,
    api_label: String,
    apis: Vec<String>,
    /// Held to the 50 ms goal (every page but search).
    goal: bool,
}

impl Probe {
    fn one(label: &str, page: &str, api: &str, goal: bool) -> Probe {
        Probe {
            label: label.to_owned(),
            pages: vec![page.to_owned()],
            api_label: api.to_owned(),
            apis: vec![api.to_owned()],
            goal,
        }
    }
}

/// p50 and p95 of the sorted `times`.
fn percentiles(times: &mut [Duration]) -> (Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((q * times.len() as f64).ceil() as usize).clamp(1, times.len()) - 1];
    (at(0.50), at(0.95))
}

fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

/// Sends `request` to `router` and waits for its whole body: the server's time for it.
async fn timed(router: &Router, request: Request<HttpBody>) -> (Duration, StatusCode, usize) {
    let router = router.clone();
    let started = Instant::now();
    let response = router.oneshot(request).await.expect("routers do not fail");
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a body");
    (started.elapsed(), status, body.len())
}

fn page_request(path: &str, cookie: &str) -> Request<HttpBody> {
    Request::get(path)
        .header(header::HOST, APP_ADDRESS)
        .header(header::COOKIE, cookie)
        .header(header::ACCEPT_LANGUAGE, "en")
        .body(HttpBody::empty())
        .expect("a request")
}

fn api_request(path: &str) -> Request<HttpBody> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {API_TOKEN}"))
        .body(HttpBody::empty())
        .expect("a request")
}

/// Logs in as `commons open` would: a ticket redeemed at `/login` for a session cookie.
async fn login(app: &Router, tickets: &LoginTickets) -> String {
    let ticket = tickets.mint(Instant::now()).expect("a ticket");
    let response = app
        .clone()
        .oneshot(
            Request::get(format!("/login?ticket={ticket}"))
                .header(header::HOST, APP_ADDRESS)
                .body(HttpBody::empty())
                .expect("a request"),
        )
        .await
        .expect("routers do not fail");
    assert_eq!(response.status(), StatusCode::OK, "login");
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("commons_session="))
        .and_then(|value| value.split(';').next())
        .expect("a session cookie")
        .to_owned()
}

/// What the run measured of one probe.
struct Row {
    label: String,
    api_label: String,
    samples: usize,
    page: (Duration, Duration),
    api: (Duration, Duration),
    page_bytes: usize,
    goal: bool,
}

async fn measure(app: &Router, api: &Router, cookie: &str, probe: &Probe, samples: usize) -> Row {
    let mut page_bytes = 0;
    let run = |index: usize| {
        let page = probe.pages[index % probe.pages.len()].clone();
        let read = probe.apis[index % probe.apis.len()].clone();
        async move {
            let (page_time, status, bytes) = timed(app, page_request(&page, cookie)).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let (api_time, status, _) = timed(api, api_request(&read)).await;
            assert_eq!(status, StatusCode::OK, "{read}");
            (page_time, api_time, bytes)
        }
    };
    let started = Instant::now();
    let mut warm = 0;
    while warm < WARMUP && (warm < 2 || started.elapsed() < BUDGET_PER_PAGE / 4) {
        run(warm).await;
        warm += 1;
    }
    let started = Instant::now();
    let mut pages = Vec::with_capacity(samples);
    let mut apis = Vec::with_capacity(samples);
    while pages.len() < samples
        && (pages.len() < MIN_SAMPLES || started.elapsed() < BUDGET_PER_PAGE)
    {
        let (page_time, api_time, bytes) = run(pages.len()).await;
        pages.push(page_time);
        apis.push(api_time);
        page_bytes = page_bytes.max(bytes);
    }
    Row {
        label: probe.label.clone(),
        api_label: probe.api_label.clone(),
        samples: pages.len(),
        page: percentiles(&mut pages),
        api: percentiles(&mut apis),
        page_bytes,
        goal: probe.goal,
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|name| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores, {cpu}")
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

fn org_text(org: &OrgId) -> String {
    org.to_string()
}

async fn run(filter: Option<String>, samples: usize) {
    let now = commons_node::clock::now_ms();
    let built = Instant::now();
    let (charter, fixture) = build_fixture(now);
    let signed_in = built.elapsed();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let network = charter.charter().network_id();
    let store = RedbStore::open(dir.path().join("store.redb"), network).expect("store opens");
    let ours = &fixture.orgs[0];
    let node = Node::start(
        Arc::new(store),
        charter.charter().clone(),
        ours.device.clone(),
        ours.id(),
        fixture.records[0].signed_bytes(),
        IngestSettings::default(),
    )
    .await
    .expect("the node starts");
    let handle: NodeHandle = node.handle();
    let ingest_started = Instant::now();
    let mut stored = 0;
    for chunk in fixture.records.chunks(SUBMIT_BATCH) {
        let bytes = chunk
            .iter()
            .map(|record| record.signed_bytes().to_vec())
            .collect();
        for answer in handle.ingest.submit_many(bytes, Source::Sync).await {
            match answer {
                Ok(Ingested::Stored { .. }) => stored += 1,
                // Our own delegation, which the node started with.
                Ok(Ingested::Duplicate { .. }) => {}
                other => panic!("the fixture's record was not stored: {other:?}"),
            }
        }
    }
    let ingested = ingest_started.elapsed();
    let roster = handle.roster();
    assert_eq!(
        roster.member_count(),
        usize::from(FOUNDERS) + 1,
        "one admitted"
    );
    println!(
        "fixture: {stored} records stored ({}) signed in {:.1} s, ingested in {:.1} s ({:.0}/s); \
         {} members",
        fixture
            .counts
            .iter()
            .map(|(kind, count)| format!("{count} {kind}"))
            .collect::<Vec<_>>()
            .join(", "),
        signed_in.as_secs_f64(),
        ingested.as_secs_f64(),
        stored as f64 / ingested.as_secs_f64(),
        roster.member_count(),
    );

    let tickets = LoginTickets::new();
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let app = commons_web::app(AppState::new(
        handle.clone(),
        None,
        tickets.clone(),
        APP_ADDRESS.parse().expect("an address"),
        stopping,
    ));
    let api = commons_node::api::router(handle.clone(), None, API_TOKEN.to_owned());
    let cookie = login(&app, &tickets).await;

    // What "new since your last visit" means for a first visit: the last 14 days.
    let since = now - commons_web::security::FIRST_VISIT_LOOKBACK.as_millis() as u64;
    // Ids spread over the year, so a record's page is not always the newest one's.
    let spread = |ids: &[RecordId], count: usize| -> Vec<RecordId> {
        (0..count)
            .map(|i| ids[(ids.len() - 1) - i * (ids.len() - 1) / count.max(1)])
            .collect()
    };
    let cases = spread(&fixture.cases, 50);
    let campaigns = spread(&fixture.campaigns, 20);
    let alerts = spread(&fixture.alerts, 20);
    let case_page = cases::PAGE_SIZE;
    let by_id = |section: &str, ids: &[RecordId], label: &str| Probe {
        label: label.to_owned(),
        pages: ids.iter().map(|id| format!("/{section}/{id}")).collect(),
        api_label: "/v1/records/{id}".to_owned(),
        apis: ids.iter().map(|id| format!("/v1/records/{id}")).collect(),
        goal: true,
    };
    let other_org = org_text(&fixture.orgs[3].id());
    let our_org = org_text(&fixture.orgs[0].id());
    let probes = vec![
        Probe {
            label: "/".to_owned(),
            pages: vec!["/".to_owned()],
            api_label: "/v1/records?kind=practice&since={14 days ago}&limit=1000".to_owned(),
            apis: vec![format!(
                "/v1/records?kind=practice&since={since}&limit=1000"
            )],
            goal: true,
        },
        Probe::one(
            "/cases",
            "/cases",
            &format!("/v1/records?kind=practice&limit={case_page}"),
            true,
        ),
        Probe::one(
            "/cases?theme=housing",
            "/cases?theme=housing",
            &format!("/v1/records?kind=practice&theme=housing&limit={case_page}"),
            true,
        ),
        Probe::one(
            "/cases?theme=housing&lang=fr",
            "/cases?theme=housing&lang=fr",
            "/v1/records?kind=practice&theme=housing&limit=200",
            true,
        ),
        Probe::one(
            "/cases?q=eviction (common word)",
            "/cases?q=eviction",
            &format!("/v1/records?kind=practice&q=eviction&limit={case_page}"),
            false,
        ),
        Probe::one(
            "/cases?q=mangrove (1 in 1000)",
            "/cases?q=mangrove",
            &format!("/v1/records?kind=practice&q=mangrove&limit={case_page}"),
            false,
        ),
        Probe::one(
            "/cases?q=glacier (no match)",
            "/cases?q=glacier",
            &format!("/v1/records?kind=practice&q=glacier&limit={case_page}"),
            false,
        ),
        by_id("cases", &cases, "/cases/{id}"),
        Probe::one("/cases/new", "/cases/new", "/v1/status", true),
        Probe::one(
            "/campaigns",
            "/campaigns",
            "/v1/records?kind=campaign&limit=1000",
            true,
        ),
        by_id("campaigns", &campaigns, "/campaigns/{id}"),
        Probe::one(
            "/alerts",
            "/alerts",
            "/v1/records?kind=alert&limit=1000",
            true,
        ),
        by_id("alerts", &alerts, "/alerts/{id}"),
        Probe::one("/members", "/members", "/v1/roster", true),
        Probe {
            label: "/members/{org}".to_owned(),
            pages: vec![format!("/members/{other_org}")],
            // The read that bounds the page: the org's latest application, looked for
            // through every record of the org (a founder never applied).
            api_label: "/v1/records?author={org}&kind=application&limit=1".to_owned(),
            apis: vec![format!(
                "/v1/records?author={other_org}&kind=application&limit=1"
            )],
            goal: true,
        },
        Probe {
            label: "/profile".to_owned(),
            pages: vec!["/profile".to_owned()],
            api_label: "/v1/records?author={ours}&kind=application&limit=1".to_owned(),
            apis: vec![format!(
                "/v1/records?author={our_org}&kind=application&limit=1"
            )],
            goal: true,
        },
        Probe::one("/node", "/node", "/v1/status", true),
    ];

    println!(
        "machine: {}; load average before: {}; {} requests per page after {} warm-up \
         (fewer where one page takes over {} s in all)",
        machine(),
        load(),
        samples,
        WARMUP,
        BUDGET_PER_PAGE.as_secs()
    );
    let mut rows = Vec::new();
    for probe in &probes {
        // "/" alone is home; any other argument keeps the labels containing it.
        if filter.as_deref().is_some_and(|filter| {
            probe.label != filter && (filter == "/" || !probe.label.contains(filter))
        }) {
            continue;
        }
        let row = measure(&app, &api, &cookie, probe, samples).await;
        println!(
            "  {:<34} n={:<4} page p50 {:>8} p95 {:>8} ms | api p50 {:>8} p95 {:>8} ms | {} KB",
            row.label,
            row.samples,
            ms(row.page.0),
            ms(row.page.1),
            ms(row.api.0),
            ms(row.api.1),
            row.page_bytes / 1024
        );
        rows.push(row);
    }
    println!("load average after: {}", load());
    println!();
    println!(
        "| page | n | p50 ms | p95 ms | API read | API p50 ms | API p95 ms | p95 page/API | ≤ 50 ms p95 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for row in &rows {
        let ratio = row.page.1.as_secs_f64() / row.api.1.as_secs_f64().max(1e-9);
        let met = if !row.goal {
            "search: not held".to_owned()
        } else if row.page.1 <= GOAL_P95 {
            "yes".to_owned()
        } else {
            "**no**".to_owned()
        };
        println!(
            "| `{}` | {} | {} | {} | `{}` | {} | {} | {:.1} | {} |",
            row.label,
            row.samples,
            ms(row.page.0),
            ms(row.page.1),
            row.api_label,
            ms(row.api.0),
            ms(row.api.1),
            ratio,
            met
        );
    }
    let _ = stop.send(true);
    drop(app);
    drop(api);
    drop(handle);
    node.shutdown().await;
}

mod cases {
    /// The case-study library's page size (web/src/pages/cases.rs), for the API's peer.
    pub const PAGE_SIZE: usize = commons_web::pages::cases::PAGE_SIZE;
}

fn main() {
    let filter = std::env::args().skip(1).find(|arg| !arg.starts_with("--"));
    let samples = std::env::var("PAGES_SAMPLES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_SAMPLES);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run(filter, samples));
}
