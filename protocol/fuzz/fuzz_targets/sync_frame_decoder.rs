//! Arbitrary bytes as a sync stream: a run of frames (a 4-byte big-endian length, then
//! the message), read the way the node's codec reads `/commons/sync/1`. The first byte
//! says which way the stream flows (even: requests, odd: responses). Nothing may panic
//! or allocate on a length prefix's word; every frame taken is the prefix and exactly
//! the bytes it announced, never over the cap; every message accepted re-frames to
//! exactly the bytes it was read from.
#![no_main]

use commons_protocol::sync::{
    FRAME_PREFIX_BYTES, MAX_SYNC_REQUEST_BYTES, MAX_SYNC_RESPONSE_BYTES, frame, split_frame,
};
use commons_protocol::{SyncRequest, SyncResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&direction, mut stream)) = data.split_first() else {
        return;
    };
    let requests = direction % 2 == 0;
    let max = if requests {
        MAX_SYNC_REQUEST_BYTES
    } else {
        MAX_SYNC_RESPONSE_BYTES
    };
    while let Ok((message, rest)) = split_frame(stream, max) {
        let taken = stream.len() - rest.len();
        assert_eq!(taken, FRAME_PREFIX_BYTES + message.len());
        assert!(message.len() <= max);
        assert_eq!(frame(message, max).as_deref(), Some(&stream[..taken]));
        let reencoded = if requests {
            SyncRequest::decode(message)
                .ok()
                .map(|request| request.encode())
        } else {
            SyncResponse::decode(message)
                .ok()
                .map(|response| response.encode())
        };
        if let Some(reencoded) = reencoded {
            assert_eq!(reencoded, message, "an accepted message must be canonical");
        }
        stream = rest;
    }
});
