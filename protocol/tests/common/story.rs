//! A network told as a story, for the fold tests (roster, working groups, redaction):
//! founders from the fixtures, sample orgs each with a feed opened by its delegation,
//! and records published one minute apart. Each test file adds what it needs.

use commons_protocol::fixtures::{BASE_TIME_MS, SampleOrg, delegated_feeds, sample_charter};
use commons_protocol::{Body, Charter, FeedWriter, NetworkId, Roster, VerifiedRecord};

/// `founders` founders and `orgs` sample orgs in all (those past the founders are not
/// members), each with one device.
pub struct Story {
    pub charter: Charter,
    pub network: NetworkId,
    pub orgs: Vec<SampleOrg>,
    pub writers: Vec<FeedWriter>,
    pub records: Vec<VerifiedRecord>,
    pub minute: u64,
}

impl Story {
    pub fn new(founders: u8, orgs: u8) -> Self {
        let (signed, _) = sample_charter(founders);
        let network = signed.charter().network_id();
        let orgs: Vec<SampleOrg> = (0..orgs).map(SampleOrg::new).collect();
        let (writers, records) = delegated_feeds(&orgs, network);
        Story {
            charter: signed.charter().clone(),
            network,
            orgs,
            writers,
            records,
            minute: 1,
        }
    }

    /// Signs `body` as org `org`'s next record, a minute after the last one.
    pub fn publish(&mut self, org: usize, body: Body) -> VerifiedRecord {
        self.minute += 1;
        let record = self.writers[org]
            .append(body, BASE_TIME_MS + self.minute * 60_000)
            .unwrap();
        self.records.push(record.clone());
        record
    }

    /// The roster every record so far folds to.
    pub fn roster(&self) -> Roster {
        Roster::fold(&self.charter, &self.records, [])
    }
}
