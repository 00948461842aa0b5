//! Arbitrary bytes as a working group record's decrypted content: what a hostile group
//! member could encrypt. Nothing may panic; whatever is accepted is a content kind, and
//! canonical: encoding it again gives back the input.
#![no_main]

use commons_protocol::{decode_sealed_content, is_sealable, sealed_content_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(body) = decode_sealed_content(data) {
        assert!(is_sealable(&body), "only content kinds may come out of a group record");
        assert_eq!(
            sealed_content_bytes(&body),
            data,
            "accepted sealed content must be canonical"
        );
    }
});
