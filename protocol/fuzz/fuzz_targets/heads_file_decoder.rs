//! Arbitrary bytes as a heads file, with and without its magic in front. Nothing may
//! panic, and whatever is accepted must be canonical: re-encoding gives back the input.
#![no_main]

use commons_protocol::heads_file::HEADS_FILE_MAGIC;
use commons_protocol::{HeadsFile, NetworkId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The seeds (seeds/heads_file_decoder) are files of this network, so the fuzzer
    // starts from inputs that pass every check.
    let network = NetworkId::of(b"fuzz");
    if let Ok(file) = HeadsFile::decode(data, &network) {
        assert_eq!(file.encode(), data, "an accepted heads file must be canonical");
    }
    let mut framed = HEADS_FILE_MAGIC.to_vec();
    framed.extend_from_slice(data);
    if let Ok(file) = HeadsFile::decode(&framed, &network) {
        assert_eq!(file.encode(), framed, "an accepted heads file must be canonical");
    }
});
