//! Arbitrary bytes as a (possibly partly) signed charter file. Nothing may panic, and
//! an accepted charter must be canonical: it re-encodes to exactly the input, and
//! decoding that again gives the same charter and network id.
#![no_main]

use commons_protocol::SignedCharter;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(charter) = SignedCharter::decode(data) {
        let encoded = charter.encode();
        assert_eq!(
            encoded, data,
            "an accepted charter must be its canonical encoding"
        );
        let again = SignedCharter::decode(&encoded).expect("a charter's own encoding decodes");
        assert_eq!(again.charter().network_id(), charter.charter().network_id());
        assert_eq!(again, charter);
        // Whether complete or not, asking must not panic.
        let _ = charter.complete();
        let _ = charter.missing_signatures();
    }
});
