//! Arbitrary bytes as a `/commons/blob/1` request and response, and a chunk list read
//! from them checked against its own root and against a chunk. Nothing may panic, what
//! is accepted must be canonical, and a chunk list that passes `check` must accept
//! exactly the chunks that hash to its entries.
#![no_main]

use commons_protocol::blob::{BlobRequest, BlobResponse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = BlobRequest::decode(data) {
        assert_eq!(request.encode(), data, "an accepted request must be canonical");
    }
    if let Ok(response) = BlobResponse::decode(data) {
        assert_eq!(response.encode(), data, "an accepted response must be canonical");
        if let BlobResponse::ChunkList(list) = &response {
            let root = list.root();
            if list.check(&root).is_ok() {
                // The last chunk's bytes are unknown here; a chunk of the right length
                // of zeroes must be refused unless it hashes to the entry.
                if let Ok(range) = list.range(0) {
                    let zeroes = vec![0u8; (range.end - range.start) as usize];
                    let accepted = list.verify_chunk(0, &zeroes).is_ok();
                    let hash = commons_protocol::blob::chunk_list_of(&zeroes)
                        .map(|own| own.hashes[0])
                        .ok();
                    assert_eq!(accepted, hash == Some(list.hashes[0]));
                }
            }
        }
    }
});
