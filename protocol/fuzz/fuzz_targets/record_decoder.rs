//! Arbitrary bytes as a signed record of the sample network. Nothing may panic, and
//! whatever is accepted must be canonical: its signed bytes are exactly the input, its
//! payload re-encodes to the same bytes and id, and validating it again gives the
//! same record. The store's decoder (no signature checks, for bytes this node verified
//! before storing them) accepts everything the full one does, and the same record.
#![no_main]

use std::sync::LazyLock;

use commons_protocol::fixtures::sample_charter;
use commons_protocol::{NetworkId, RecordId, decode_record, decode_stored_record, validate_record};
use libfuzzer_sys::fuzz_target;

static NETWORK: LazyLock<NetworkId> = LazyLock::new(|| sample_charter(3).0.charter().network_id());

fuzz_target!(|data: &[u8]| {
    let network = &*NETWORK;
    // The decoder without signatures: random mutations almost never carry a valid
    // signature, so this is where most of the canonical checks are reached.
    let decoded = decode_record(data, network);
    if let Ok(decoded) = &decoded {
        let payload = decoded.record().encode_payload();
        assert_eq!(
            RecordId::of(&payload),
            decoded.id(),
            "a decoded record's payload must re-encode to the bytes it was read from"
        );
    }
    let stored = decode_stored_record(data, network);
    if let Ok(decoded) = &decoded {
        let stored = stored
            .as_ref()
            .expect("the store's decoder refused a decodable record");
        assert_eq!(stored.id(), decoded.id());
        assert_eq!(stored.record(), decoded.record());
    }
    match validate_record(data, network) {
        Ok(record) => {
            assert!(decoded.is_ok(), "validate accepted what decode refused");
            assert_eq!(
                record.signed_bytes(),
                data,
                "accepted bytes must be kept as received"
            );
            assert_eq!(record.record().encode_payload(), record.payload_bytes());
            assert_eq!(RecordId::of(record.payload_bytes()), record.id());
            let again = validate_record(record.signed_bytes(), network)
                .expect("a valid record's own bytes validate again");
            assert_eq!(again.id(), record.id());
            assert_eq!(again, record);
        }
        Err(_) => {}
    }
});
