//! Arbitrary bytes as an archive bundle. Nothing may panic or allocate on the input's
//! word; a bundle that parses re-encodes to exactly the input (the framing is
//! canonical), and a bundle that verifies reports the root hash it ends with.
#![no_main]

use commons_protocol::{VerifyOptions, parse_bundle, verify_bundle};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(parts) = parse_bundle(data) {
        let again = parts.encode();
        // The root hash is recomputed on encoding, so only the rest must match.
        assert_eq!(
            again[..again.len() - 32],
            data[..data.len() - 32],
            "a parsed bundle must be its canonical encoding"
        );
    }
    if let Ok(report) = verify_bundle(data, VerifyOptions { threads: 1 }) {
        assert_eq!(report.root.as_slice(), &data[data.len() - 32..]);
    }
});
