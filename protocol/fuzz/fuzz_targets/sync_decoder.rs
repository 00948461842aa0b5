//! Arbitrary bytes as a sync request and as a sync response. Nothing may panic, and
//! whatever is accepted must be canonical: re-encoding gives back the input.
#![no_main]

use commons_protocol::{SyncRequest, SyncResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = SyncRequest::decode(data) {
        assert_eq!(request.encode(), data, "an accepted request must be canonical");
        let _ = request.page_limits();
    }
    if let Ok(response) = SyncResponse::decode(data) {
        assert_eq!(response.encode(), data, "an accepted response must be canonical");
    }
});
