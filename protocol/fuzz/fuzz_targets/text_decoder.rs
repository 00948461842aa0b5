//! Arbitrary text as the ids and keys operators type, paste and keep in files
//! (`rec_…`, `net_…`, `dev_…`, `org_…`, `root_…`, and the 64 hex digits of a key or
//! token file). Nothing may panic; what is accepted is canonical: it prints back as
//! exactly the input, and parses again to the same value.
#![no_main]

use std::fmt::Display;
use std::str::FromStr;

use commons_protocol::text::{hex, parse_hex32};
use commons_protocol::{DeviceKey, NetworkId, OrgId, RecordId, RootKey};
use libfuzzer_sys::fuzz_target;

fn round_trip<T: FromStr + Display + PartialEq + std::fmt::Debug>(text: &str) {
    if let Ok(value) = text.parse::<T>() {
        let printed = value.to_string();
        assert_eq!(printed, text, "an accepted text must be its canonical form");
        let again = printed.parse::<T>().ok();
        assert_eq!(again.as_ref(), Some(&value));
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    round_trip::<RecordId>(text);
    round_trip::<NetworkId>(text);
    round_trip::<DeviceKey>(text);
    round_trip::<OrgId>(text);
    round_trip::<RootKey>(text);
    if let Some(bytes) = parse_hex32(text) {
        assert_eq!(hex(&bytes), text);
    }
});
