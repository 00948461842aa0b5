//! `commons alerts list|show`: the read step of the System of Solidarity, who has seen
//! an alert. Asks the running node for its newest alerts with how many member orgs
//! have answered each (`GET /v1/alerts`), or for one alert with every member org asked
//! and its latest answer, or "not yet" (`GET /v1/alerts/{id}`), and prints them as a
//! table or as JSON. Answering an alert is `commons publish respond`.
//!
//! The API calls an answer `acknowledged`; people read it as "seen", as in the web app.
//! Names and notes come from other organizations, so they are cleaned of terminal
//! controls before they are printed.

use commons_node::api::contract::alerts::{AlertAnswer, AlertSummary, AlertsPage};
use commons_protocol::RecordId;

use crate::GlobalArgs;
use crate::calendar::format_time;
use crate::client::{Client, print_json};
use crate::records::parse_record_id;
use crate::terminal_text::{clean, one_line, truncate};

/// The largest page `alerts list` asks for (the API's own limit).
const MAX_LIMIT: u64 = commons_node::store::MAX_QUERY_LIMIT as u64;
/// Characters of the title column in the listing.
const TITLE_CHARS: usize = 40;
/// Characters of an org's name in the listing of who answered.
const NAME_CHARS: usize = 32;

/// `commons alerts …`.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum AlertsCommand {
    /// List the newest alerts, with how many member orgs have responded to each
    List(ListArgs),
    /// Show one alert: which member orgs have responded (seen, acting, shared, when,
    /// their note) and which have not yet
    Show(ShowArgs),
}

/// Arguments of `commons alerts list`.
#[derive(Debug, clap::Args)]
pub(crate) struct ListArgs {
    /// At most this many alerts [default: 20]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=MAX_LIMIT))]
    limit: Option<u64>,
    /// The next page: the cursor the previous page printed
    #[arg(long, value_name = "CURSOR")]
    before: Option<String>,
}

/// Arguments of `commons alerts show`.
#[derive(Debug, clap::Args)]
pub(crate) struct ShowArgs {
    /// The alert's record id, rec_… (from `commons alerts list`)
    #[arg(value_name = "ID", value_parser = parse_record_id)]
    id: RecordId,
}

pub(crate) fn run(global: &GlobalArgs, command: &AlertsCommand) -> anyhow::Result<()> {
    match command {
        AlertsCommand::List(args) => list(global, args),
        AlertsCommand::Show(args) => show(global, args),
    }
}

fn list(global: &GlobalArgs, args: &ListArgs) -> anyhow::Result<()> {
    let mut query: Vec<(&str, String)> = Vec::new();
    if let Some(limit) = args.limit {
        query.push(("limit", limit.to_string()));
    }
    if let Some(before) = &args.before {
        query.push(("before", before.clone()));
    }
    let client = Client::connect(global)?;
    let answer = client.get("/v1/alerts", &query)?;
    if global.json {
        return print_json(&answer);
    }
    let page: AlertsPage = client.read_as("/v1/alerts", &answer)?;
    if page.alerts.is_empty() {
        println!("This node holds no alerts.");
    } else {
        print!("{}", table(&page.alerts));
    }
    if let Some(next) = &page.next {
        println!("More alerts: add --before {next}");
    }
    Ok(())
}

fn show(global: &GlobalArgs, args: &ShowArgs) -> anyhow::Result<()> {
    let client = Client::connect(global)?;
    let path = format!("/v1/alerts/{}", args.id);
    let answer = client.get(&path, &[])?;
    if global.json {
        return print_json(&answer);
    }
    let alert: AlertAnswer = client.read_as(&path, &answer)?;
    print!("{}", human_status(&alert));
    Ok(())
}

/// An answer's state as people say it.
fn state_words(state: &str) -> &'static str {
    match state {
        "acknowledged" => "seen",
        "acting" => "acting",
        "shared" => "shared",
        "not_yet" => "not yet",
        _ => "?",
    }
}

/// "2 of 3 member orgs have responded".
fn responded_words(alert: &AlertSummary) -> String {
    format!(
        "{} of {} member orgs have responded",
        alert.counts.responded, alert.counts.asked
    )
}

/// Alerts as a table: when raised, severity, responded, our answer, title, id.
fn table(alerts: &[AlertSummary]) -> String {
    let mut out = format!(
        "{:<16}  {:<8}  {:<9}  {:<7}  {:<title$}  ID\n",
        "RAISED (UTC)",
        "SEVERITY",
        "RESPONDED",
        "OURS",
        "TITLE",
        title = TITLE_CHARS
    );
    for alert in alerts {
        let time = format_time(alert.timestamp_ms, false);
        let ours = if alert.ours {
            "raised"
        } else {
            alert.our_state.as_deref().map_or("-", state_words)
        };
        let text = alert.text.as_ref();
        let mut title = one_line(text.map_or("?", |text| text.alert.title.as_str()));
        if text.is_some_and(|text| text.expired) {
            title = format!("(expired) {title}");
        }
        out.push_str(&format!(
            "{:<16}  {:<8}  {:<9}  {:<7}  {:<title$}  {}\n",
            time,
            one_line(text.map_or("?", |text| text.alert.severity.as_str())),
            format!("{}/{}", alert.counts.responded, alert.counts.asked),
            ours,
            truncate(&title, TITLE_CHARS, true),
            one_line(&alert.id),
            title = TITLE_CHARS
        ));
    }
    out
}

/// An org as people read it: its name and id, or its id alone.
fn org_words(name: Option<&str>, org: &str) -> String {
    let org = one_line(org);
    match name {
        Some(name) => format!("{} ({org})", one_line(name)),
        None => org,
    }
}

/// One alert, then who has responded and who has not yet.
fn human_status(answer: &AlertAnswer) -> String {
    let alert = &answer.alert;
    let text = alert.text.as_ref();
    let mut out = String::new();
    let title = one_line(text.map_or("?", |text| text.alert.title.as_str()));
    let severity = one_line(text.map_or("?", |text| text.alert.severity.as_str()));
    out.push_str(&format!("{title} [{severity}]\n"));
    out.push_str(&format!(
        "Region:     {}\n",
        one_line(text.map_or("", |text| text.alert.region.as_str()))
    ));
    let raiser = org_words(alert.org_name.as_deref(), &alert.org);
    let ours = if alert.ours {
        " (your organization)"
    } else {
        ""
    };
    out.push_str(&format!("Raised by:  {raiser}{ours}\n"));
    out.push_str(&format!(
        "Raised:     {} UTC\n",
        format_time(alert.timestamp_ms, false)
    ));
    if let Some(text) = text {
        let word = if text.expired { "Expired:" } else { "Expires:" };
        out.push_str(&format!(
            "{word:<11} {} UTC\n",
            format_time(text.alert.expires_at_ms, false)
        ));
    }
    out.push_str(&format!("Id:         {}\n", one_line(&alert.id)));
    let asked = text.map_or("", |text| text.alert.action_requested.trim());
    if !asked.is_empty() {
        out.push_str(&format!("Asked:      {}\n", one_line(asked)));
    }
    out.push('\n');
    let counts = &alert.counts;
    out.push_str(&format!(
        "{}: {} seen, {} acting, {} shared; {} not yet.\n",
        responded_words(alert),
        counts.acknowledged,
        counts.acting,
        counts.shared,
        counts.not_yet,
    ));
    if answer.responses_cut {
        out.push_str(
            "Only the newest 1,000 responses were read: an org shown \"not yet\" may have \
             answered earlier.\n",
        );
    }
    let (answered, waiting): (Vec<_>, Vec<_>) =
        answer.orgs.iter().partition(|each| each.state != "not_yet");
    if !answered.is_empty() {
        out.push_str(&format!(
            "\n{:<name$}  {:<7}  {:<16}  NOTE\n",
            "RESPONDED",
            "STATE",
            "WHEN (UTC)",
            name = NAME_CHARS
        ));
        for each in answered {
            let when = each
                .timestamp_ms
                .map_or_else(|| "?".to_owned(), |ms| format_time(ms, false));
            let note = clean(each.note.as_deref().unwrap_or(""));
            out.push_str(&format!(
                "{:<name$}  {:<7}  {:<16}  {}\n",
                truncate(
                    &org_words(each.name.as_deref(), &each.org),
                    NAME_CHARS,
                    true
                ),
                state_words(&each.state),
                when,
                one_line(&note),
                name = NAME_CHARS
            ));
        }
    }
    if !waiting.is_empty() {
        out.push_str("\nNot yet:\n");
        for each in waiting {
            let yours = if each.ours {
                " (your organization)"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {}{yours}\n",
                org_words(each.name.as_deref(), &each.org)
            ));
        }
    }
    let we_wait = answer
        .orgs
        .iter()
        .any(|each| each.ours && each.state == "not_yet");
    if we_wait {
        out.push_str(&format!(
            "\nRespond with: commons publish respond --alert {} --response seen|acting|shared [--note TEXT]\n",
            one_line(&alert.id)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).expect("an answer of the API")
    }

    fn status() -> Value {
        json!({
            "id": "rec_aa", "org": "org_01", "org_name": "Tenants' Voice Alliance",
            "ours": false, "our_state": null, "timestamp_ms": 1_795_000_000_000u64,
            "severity": "urgent", "region": "Highlands", "title": "Defenders detained",
            "body": "Three defenders were detained.",
            "action_requested": "Call the prosecutor.", "expires_at_ms": 1_795_100_000_000u64,
            "expired": false, "responses_cut": false,
            "counts": {"acknowledged": 1, "acting": 1, "shared": 0, "not_yet": 2,
                       "responded": 2, "asked": 4},
            "orgs": [
                {"org": "org_02", "name": "Land Defenders\u{202e} Network", "ours": false,
                 "state": "acting", "timestamp_ms": 1_795_000_100_000u64,
                 "note": "Letter\nsent", "response": "rec_bb"},
                {"org": "org_03", "name": null, "ours": false, "state": "acknowledged",
                 "timestamp_ms": 1_795_000_200_000u64, "note": "", "response": "rec_cc"},
                {"org": "org_04", "name": "Women and ESCR Collective", "ours": true,
                 "state": "not_yet", "timestamp_ms": null, "note": null, "response": null},
                {"org": "org_05", "name": null, "ours": false, "state": "not_yet",
                 "timestamp_ms": null, "note": null, "response": null},
            ],
        })
    }

    #[test]
    fn show_lists_who_responded_and_who_has_not_yet() {
        let text = human_status(&typed(status()));
        assert!(
            text.contains(
                "2 of 4 member orgs have responded: 1 seen, 1 acting, 0 shared; 2 not yet."
            ),
            "{text}"
        );
        let responded = text.split("Not yet:").next().unwrap();
        assert!(
            responded.contains("Land Defenders Network (org_02)"),
            "{text}"
        );
        assert!(
            responded.contains("acting") && responded.contains("Letter sent"),
            "{text}"
        );
        assert!(responded.contains("org_03  "), "{text}");
        assert!(responded.contains("seen"), "{text}");
        let waiting = text.split("Not yet:").nth(1).unwrap();
        assert!(
            waiting.contains("Women and ESCR Collective (org_04) (your organization)"),
            "{text}"
        );
        assert!(waiting.contains("org_05"), "{text}");
        assert!(!waiting.contains("org_02"), "{text}");
        assert!(
            text.contains("commons publish respond --alert rec_aa"),
            "{text}"
        );
        assert!(!text.contains('\u{202e}'), "terminal controls are removed");
    }

    #[test]
    fn the_list_shows_counts_and_our_answer() {
        let mut ours = status();
        ours["ours"] = json!(true);
        let mut answered = status();
        answered["our_state"] = json!("acknowledged");
        answered["expired"] = json!(true);
        let text = table(&[typed(ours), typed(answered)]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("RAISED (UTC)"), "{text}");
        assert!(
            lines[1].contains(" 2/4 ") && lines[1].contains(" raised "),
            "{text}"
        );
        assert!(
            lines[2].contains(" seen ") && lines[2].contains("(expired) Defenders"),
            "{text}"
        );
    }
}
