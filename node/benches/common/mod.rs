//! What the node's benchmarks share: a network founded by many orgs from fixed seeds,
//! and feeds of about 1 KiB case studies, each opened by its device's delegation.

use commons_protocol::fixtures::{BASE_TIME_MS, sample_practice};
use commons_protocol::signature::{CheckedKey, SignatureBatch};
use commons_protocol::{
    Body, Charter, Delegation, DeviceKeypair, FeedPosition, FeedWriter, Founder, NetworkId,
    RootKeypair, SignedCharter, Threshold, VerifiedRecord, Visibility,
};

/// A fixed seed: `kind` names the family of keys, `index` the key in it.
pub fn seed(kind: u8, index: usize) -> [u8; 32] {
    let mut seed = [kind; 32];
    seed[..8].copy_from_slice(&(index as u64).to_le_bytes());
    seed
}

/// `founders` orgs (root keys from seeds `0xa0`) founding a network called `name`,
/// the charter signed by every one of them.
pub fn founded_network(
    name: &str,
    founders: usize,
    open_read: bool,
) -> (Vec<RootKeypair>, SignedCharter) {
    let roots: Vec<RootKeypair> = (0..founders)
        .map(|i| RootKeypair::from_seed(seed(0xa0, i)))
        .collect();
    let mut cards: Vec<Founder> = roots
        .iter()
        .enumerate()
        .map(|(i, root)| Founder {
            org: root.org_id(),
            name: format!("Org {i}"),
        })
        .collect();
    cards.sort_by_key(|founder| founder.org);
    let charter = Charter {
        version: 1,
        name: name.into(),
        founders: cards,
        admission: Threshold::Count(2),
        removal: Threshold::Count(2),
        recovery: Threshold::Count(2),
        open_read,
        created_ms: BASE_TIME_MS,
    };
    let mut signed = SignedCharter::new(charter).expect("valid charter");
    for root in &roots {
        signed.sign(root).expect("founder");
    }
    (roots, signed)
}

/// `device`'s feed of `records` records: its delegation by `root`, then case studies
/// padded so each signed record is about 1 KiB.
pub fn feed(
    root: &RootKeypair,
    device: &DeviceKeypair,
    network: NetworkId,
    records: usize,
) -> Vec<VerifiedRecord> {
    let mut writer = FeedWriter::new(device.clone(), network, FeedPosition::EMPTY);
    let delegation = Body::Delegation(Delegation::sign(
        root,
        network,
        root.org_id(),
        device.public(),
        "bench",
    ));
    let mut feed = vec![writer.append(delegation, BASE_TIME_MS).expect("delegation")];
    let mut practice = sample_practice(Visibility::Public);
    for i in 1..records {
        practice.body = format!("{i:06} {}", "x".repeat(643));
        feed.push(
            writer
                .append(Body::Practice(practice.clone()), BASE_TIME_MS + i as u64)
                .expect("record"),
        );
    }
    feed
}

/// Signatures per batch under the protocol's rule, as ingest and the archive verifier use.
pub const ZIP215_BATCH: usize = 64;

/// Checks signatures `range` (key, signed message, signature at the same index) under
/// the protocol's rule in batches of [`ZIP215_BATCH`], as ingest and the archive verifier
/// do: the raw limit they are compared with. Panics if a batch does not hold.
pub fn verify_in_batches(
    keys: &[CheckedKey],
    messages: &[Vec<u8>],
    signatures: &[commons_protocol::Signature],
    range: std::ops::Range<usize>,
) {
    for start in range.clone().step_by(ZIP215_BATCH) {
        let mut batch = SignatureBatch::new();
        for index in start..(start + ZIP215_BATCH).min(range.end) {
            batch
                .add(&keys[index], &messages[index], &signatures[index])
                .expect("canonical");
        }
        assert!(batch.verify(), "valid");
    }
}
