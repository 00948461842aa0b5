//! Arbitrary bytes as a fork proof of the sample network. Nothing may panic, and an
//! accepted proof must be canonical and really a fork: it re-encodes to exactly the
//! input, and its two records are different, by one device, with one seq.
#![no_main]

use std::sync::LazyLock;

use commons_protocol::fixtures::sample_charter;
use commons_protocol::{ForkProof, NetworkId};
use libfuzzer_sys::fuzz_target;

static NETWORK: LazyLock<NetworkId> = LazyLock::new(|| sample_charter(3).0.charter().network_id());

fuzz_target!(|data: &[u8]| {
    let network = &*NETWORK;
    if let Ok(proof) = ForkProof::decode(data, network) {
        assert_eq!(
            proof.encode(),
            data,
            "an accepted fork proof must be its canonical encoding"
        );
        let (first, second) = proof.records();
        assert!(first.id() < second.id());
        assert_eq!(first.record().author, second.record().author);
        assert_eq!(first.record().seq, second.record().seq);
        assert_eq!(proof.author(), first.record().author);
        let again =
            ForkProof::decode(&proof.encode(), network).expect("a proof's own encoding decodes");
        assert_eq!(again, proof);
    }
});
