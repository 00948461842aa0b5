//! `commons init`: the first step of a node's life. Creates the data directory with a
//! new org's root key, this device's key, a one-member network, the device's
//! delegation record, the API token and the config, then says what to do next.

use commons_node::clock::checked_now_ms;
use commons_node::data_dir::{DEFAULT_DEVICE_LABEL, DataDir, InitReport, ORG_FILE};

use crate::GlobalArgs;

/// Arguments of `commons init`.
#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// Your organization's name, as other members will see it
    #[arg(long, value_name = "NAME")]
    org_name: String,
    /// A name for this device, such as "office server"
    #[arg(long, value_name = "LABEL", default_value = DEFAULT_DEVICE_LABEL)]
    device_label: String,
}

pub(crate) fn run(global: &GlobalArgs, args: &InitArgs) -> anyhow::Result<()> {
    let data_dir = DataDir::resolve(global.data_dir.clone())?;
    let now_ms = checked_now_ms()?;
    let report = data_dir.init(&args.org_name, &args.device_label, now_ms)?;
    if global.json {
        let output = serde_json::json!({
            "org_id": report.org.to_string(),
            "device": report.device.to_string(),
            "network": report.network.to_string(),
            "data_dir": report.data_dir.display().to_string(),
            "org_file": data_dir.path().join(ORG_FILE).display().to_string(),
        });
        println!("{output}");
    } else {
        print!("{}", human_report(&report, global.data_dir.is_some()));
    }
    Ok(())
}

fn human_report(report: &InitReport, data_dir_flag: bool) -> String {
    let dir = report.data_dir.display();
    let next = if data_dir_flag {
        format!(
            "commons --data-dir {} node run",
            shell_word(&dir.to_string())
        )
    } else {
        "commons node run".to_owned()
    };
    format!(
        "Created a Commons node in {dir}\n\
         \x20 org      {org}\n\
         \x20 device   {device}\n\
         \x20 network  {network} ({name})\n\
         \n\
         root.key holds your organization's root key: back it up somewhere safe and offline.\n\
         {org_file} is your organization's public card: to found a network with other\n\
         organizations, hand it to the founder who drafts the charter (`commons network create`).\n\
         next: {next}\n",
        org_file = report.data_dir.join(ORG_FILE).display(),
        org = report.org,
        device = report.device,
        network = report.network,
        name = report.network_name,
    )
}

/// `text` as one shell word: as it is if it needs no quoting, else in single quotes.
pub(crate) fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_quoted_for_the_shell_only_when_needed() {
        assert_eq!(shell_word("/srv/commons-1"), "/srv/commons-1");
        assert_eq!(shell_word("/home/a b/x"), "'/home/a b/x'");
        assert_eq!(shell_word("/it's"), r"'/it'\''s'");
    }
}
