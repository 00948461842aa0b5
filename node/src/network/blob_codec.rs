//! The attachment protocol's framing on a libp2p stream (`/commons/blob/1`): the step
//! where a request for a file's chunk list or one of its chunks, and the answer, cross
//! the wire. Each message is one frame, as on `/commons/sync/1`: a 4-byte big-endian
//! length, then that many bytes of the message as `commons_protocol::blob` encodes it.
//! The length is checked against the message's cap ([`MAX_BLOB_REQUEST_BYTES`],
//! [`MAX_BLOB_RESPONSE_BYTES`]: a chunk and its framing) before anything is allocated,
//! and the bytes are then decoded canonically. A chunk's bytes are not checked here:
//! the fetcher checks each one against the file's chunk list before it is kept
//! ([`super::blob_fetch`]).

use std::io;

use commons_protocol::blob::{MAX_BLOB_REQUEST_BYTES, MAX_BLOB_RESPONSE_BYTES};
use commons_protocol::{BlobRequest, BlobResponse};
use futures::{AsyncRead, AsyncWrite};
use libp2p::StreamProtocol;
use libp2p::request_response;

use std::sync::Arc;

use super::sync_codec::{FrameBytes, read_frame, write_frame};

/// The protocol's name, as libp2p negotiates it.
pub const BLOB_PROTOCOL: &str = "/commons/blob/1";

/// The protocol name as a libp2p stream protocol.
pub const BLOB_STREAM_PROTOCOL: StreamProtocol = StreamProtocol::new(BLOB_PROTOCOL);

/// The codec of `/commons/blob/1` for libp2p's request-response behaviour; it counts
/// the bytes of the frames it reads and writes.
#[derive(Debug, Clone, Default)]
pub struct BlobCodec {
    bytes: Arc<FrameBytes>,
}

impl BlobCodec {
    /// A codec counting into `bytes`.
    pub fn counting(bytes: Arc<FrameBytes>) -> BlobCodec {
        BlobCodec { bytes }
    }
}

fn invalid(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error.to_string())
}

impl request_response::Codec for BlobCodec {
    type Protocol = StreamProtocol;
    type Request = BlobRequest;
    type Response = BlobResponse;

    async fn read_request<T>(
        &mut self,
        _protocol: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<BlobRequest>
    where
        T: AsyncRead + Unpin + Send,
    {
        let bytes = read_frame(io, MAX_BLOB_REQUEST_BYTES).await?;
        self.bytes.add_received(bytes.len());
        BlobRequest::decode(&bytes).map_err(invalid)
    }

    async fn read_response<T>(
        &mut self,
        _protocol: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<BlobResponse>
    where
        T: AsyncRead + Unpin + Send,
    {
        let bytes = read_frame(io, MAX_BLOB_RESPONSE_BYTES).await?;
        self.bytes.add_received(bytes.len());
        BlobResponse::decode(&bytes).map_err(invalid)
    }

    async fn write_request<T>(
        &mut self,
        _protocol: &StreamProtocol,
        io: &mut T,
        request: BlobRequest,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        let bytes = request.encode();
        write_frame(io, &bytes, MAX_BLOB_REQUEST_BYTES).await?;
        self.bytes.add_sent(bytes.len());
        Ok(())
    }

    async fn write_response<T>(
        &mut self,
        _protocol: &StreamProtocol,
        io: &mut T,
        response: BlobResponse,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        let bytes = response.encode();
        write_frame(io, &bytes, MAX_BLOB_RESPONSE_BYTES).await?;
        self.bytes.add_sent(bytes.len());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use commons_protocol::CHUNK_BYTES;
    use commons_protocol::blob::chunk_list_of;
    use futures::io::Cursor;
    use libp2p::request_response::Codec;

    use super::*;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        futures::executor::block_on(future)
    }

    fn file(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 13 % 251) as u8).collect()
    }

    #[test]
    fn requests_and_a_full_chunk_round_trip_through_frames() {
        let bytes = file(CHUNK_BYTES * 2);
        let list = chunk_list_of(&bytes).unwrap();
        let blob = list.root();
        for request in [
            BlobRequest::ChunkList { blob },
            BlobRequest::Chunk { blob, index: 1 },
        ] {
            let mut wire = Cursor::new(Vec::new());
            block_on(BlobCodec::default().write_request(&BLOB_STREAM_PROTOCOL, &mut wire, request))
                .unwrap();
            let mut wire = Cursor::new(wire.into_inner());
            let read =
                block_on(BlobCodec::default().read_request(&BLOB_STREAM_PROTOCOL, &mut wire))
                    .unwrap();
            assert_eq!(read, request);
        }
        for response in [
            BlobResponse::ChunkList(list),
            BlobResponse::Chunk(bytes[CHUNK_BYTES..].to_vec()),
            BlobResponse::NotHeld,
            BlobResponse::Refused,
        ] {
            let mut wire = Cursor::new(Vec::new());
            block_on(BlobCodec::default().write_response(
                &BLOB_STREAM_PROTOCOL,
                &mut wire,
                response.clone(),
            ))
            .unwrap();
            let written = wire.into_inner();
            assert!(written.len() <= MAX_BLOB_RESPONSE_BYTES + 4);
            let mut wire = Cursor::new(written);
            let read =
                block_on(BlobCodec::default().read_response(&BLOB_STREAM_PROTOCOL, &mut wire))
                    .unwrap();
            assert_eq!(read, response);
        }
    }

    #[test]
    fn a_length_over_the_cap_is_refused_before_reading_the_body() {
        // Claims 4 GiB and sends nothing more: refused on the length alone.
        let mut wire = Cursor::new(u32::MAX.to_be_bytes().to_vec());
        let error = block_on(BlobCodec::default().read_response(&BLOB_STREAM_PROTOCOL, &mut wire))
            .err()
            .unwrap();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        let over = (MAX_BLOB_REQUEST_BYTES + 1) as u32;
        let mut wire = Cursor::new(over.to_be_bytes().to_vec());
        let error = block_on(BlobCodec::default().read_request(&BLOB_STREAM_PROTOCOL, &mut wire))
            .err()
            .unwrap();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn a_chunk_one_byte_over_a_chunk_is_refused() {
        let mut framed = Vec::new();
        let body = BlobResponse::Chunk(file(CHUNK_BYTES + 1)).encode();
        framed.extend_from_slice(&(body.len() as u32).to_be_bytes());
        framed.extend_from_slice(&body);
        let mut wire = Cursor::new(framed);
        assert!(
            block_on(BlobCodec::default().read_response(&BLOB_STREAM_PROTOCOL, &mut wire)).is_err()
        );
        let mut junk = 3u32.to_be_bytes().to_vec();
        junk.extend_from_slice(&[0xff; 3]);
        let mut wire = Cursor::new(junk);
        let error = block_on(BlobCodec::default().read_request(&BLOB_STREAM_PROTOCOL, &mut wire))
            .err()
            .unwrap();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }
}
