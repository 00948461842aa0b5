//! The sync protocol's framing on a libp2p stream (`/commons/sync/1`): the step where a
//! sync request or a page of records crosses the wire. Each message is one frame: a
//! 4-byte big-endian length, then that many bytes of the message as
//! `commons_protocol::sync` encodes it. The length is read and checked against the
//! message's cap ([`MAX_SYNC_REQUEST_BYTES`], [`MAX_SYNC_RESPONSE_BYTES`]) before
//! anything is allocated, and exactly that many bytes are read; the bytes are then
//! decoded canonically. The records inside a page are not checked here: each one still
//! takes the node's ingest path.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use commons_protocol::sync::{
    MAX_SYNC_REQUEST_BYTES, MAX_SYNC_RESPONSE_BYTES, SYNC_PROTOCOL, frame_len,
};
use commons_protocol::{SyncRequest, SyncResponse};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use libp2p::request_response;

/// The protocol name, as libp2p negotiates it.
pub const SYNC_STREAM_PROTOCOL: StreamProtocol = StreamProtocol::new(SYNC_PROTOCOL);

/// Bytes of the length prefix of a frame.
pub use commons_protocol::sync::FRAME_PREFIX_BYTES;

/// Bytes a protocol's frames carried on this node's streams, length prefixes included:
/// what `/metrics` reports per protocol (`commons_sync_bytes_*`, `commons_blob_bytes_*`).
#[derive(Debug, Default)]
pub struct FrameBytes {
    /// Bytes written to peers.
    pub sent: AtomicU64,
    /// Bytes read from peers.
    pub received: AtomicU64,
}

impl FrameBytes {
    pub(crate) fn add_sent(&self, payload: usize) {
        self.sent
            .fetch_add((payload + FRAME_PREFIX_BYTES) as u64, Ordering::Relaxed);
    }

    pub(crate) fn add_received(&self, payload: usize) {
        self.received
            .fetch_add((payload + FRAME_PREFIX_BYTES) as u64, Ordering::Relaxed);
    }
}

/// The codec of `/commons/sync/1` for libp2p's request-response behaviour; it counts
/// the bytes of the frames it reads and writes.
#[derive(Debug, Clone, Default)]
pub struct SyncCodec {
    bytes: Arc<FrameBytes>,
}

impl SyncCodec {
    /// A codec counting into `bytes`.
    pub fn counting(bytes: Arc<FrameBytes>) -> SyncCodec {
        SyncCodec { bytes }
    }
}

/// Reads one frame of at most `max` bytes: the length first, refused before any
/// allocation if it is over `max`, then exactly that many bytes.
pub async fn read_frame<T>(io: &mut T, max: usize) -> io::Result<Vec<u8>>
where
    T: AsyncRead + Unpin + Send,
{
    let mut prefix = [0u8; FRAME_PREFIX_BYTES];
    io.read_exact(&mut prefix).await?;
    // The one length check of the protocol crate (fuzzed there with the framing).
    let len = frame_len(prefix, max).map_err(invalid)?;
    let mut bytes = vec![0u8; len];
    io.read_exact(&mut bytes).await?;
    Ok(bytes)
}

/// Writes `bytes` as one frame, refusing to send more than `max` bytes (the peer would
/// refuse them anyway).
pub async fn write_frame<T>(io: &mut T, bytes: &[u8], max: usize) -> io::Result<()>
where
    T: AsyncWrite + Unpin + Send,
{
    let len = u32::try_from(bytes.len())
        .ok()
        .filter(|_| bytes.len() <= max)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a message of {} bytes is over the {max}-byte limit",
                    bytes.len()
                ),
            )
        })?;
    io.write_all(&len.to_be_bytes()).await?;
    io.write_all(bytes).await?;
    io.flush().await
}

fn invalid(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error.to_string())
}

impl request_response::Codec for SyncCodec {
    type Protocol = StreamProtocol;
    type Request = SyncRequest;
    type Response = SyncResponse;

    async fn read_request<T>(
        &mut self,
        _protocol: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<SyncRequest>
    where
        T: AsyncRead + Unpin + Send,
    {
        let bytes = read_frame(io, MAX_SYNC_REQUEST_BYTES).await?;
        self.bytes.add_received(bytes.len());
        SyncRequest::decode(&bytes).map_err(invalid)
    }

    async fn read_response<T>(
        &mut self,
        _protocol: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<SyncResponse>
    where
        T: AsyncRead + Unpin + Send,
    {
        let bytes = read_frame(io, MAX_SYNC_RESPONSE_BYTES).await?;
        self.bytes.add_received(bytes.len());
        SyncResponse::decode(&bytes).map_err(invalid)
    }

    async fn write_request<T>(
        &mut self,
        _protocol: &StreamProtocol,
        io: &mut T,
        request: SyncRequest,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        let bytes = request.encode();
        write_frame(io, &bytes, MAX_SYNC_REQUEST_BYTES).await?;
        self.bytes.add_sent(bytes.len());
        Ok(())
    }

    async fn write_response<T>(
        &mut self,
        _protocol: &StreamProtocol,
        io: &mut T,
        response: SyncResponse,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        let bytes = response.encode();
        write_frame(io, &bytes, MAX_SYNC_RESPONSE_BYTES).await?;
        self.bytes.add_sent(bytes.len());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use futures::io::Cursor;
    use libp2p::request_response::Codec;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        futures::executor::block_on(future)
    }

    proptest::proptest! {
        /// Reading frames off a stream agrees, frame by frame, with the protocol's
        /// `split_frame` over the same bytes: the same messages, and an error where it
        /// errs (a length over the cap, or the stream ending inside a frame).
        #[test]
        fn reading_a_stream_agrees_with_splitting_it(
            messages in proptest::collection::vec(proptest::collection::vec(proptest::prelude::any::<u8>(), 0..24), 0..4),
            tail in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
            max in 0usize..32,
        ) {
            let mut bytes: Vec<u8> = messages
                .iter()
                .flat_map(|message| {
                    let mut framed = (message.len() as u32).to_be_bytes().to_vec();
                    framed.extend_from_slice(message);
                    framed
                })
                .collect();
            bytes.extend_from_slice(&tail);
            let mut wire = Cursor::new(bytes.clone());
            let mut rest: &[u8] = &bytes;
            loop {
                let read = block_on(read_frame(&mut wire, max));
                match commons_protocol::sync::split_frame(rest, max) {
                    Ok((message, after)) => {
                        proptest::prop_assert_eq!(read.unwrap(), message);
                        rest = after;
                    }
                    Err(_) => {
                        proptest::prop_assert!(read.is_err());
                        break;
                    }
                }
            }
        }
    }

    #[test]
    fn a_request_round_trips_through_a_frame() {
        let request = SyncRequest::Heads { after: None };
        let counted = Arc::new(FrameBytes::default());
        let mut codec = SyncCodec::counting(Arc::clone(&counted));
        let mut wire = Cursor::new(Vec::new());
        block_on(codec.write_request(&SYNC_STREAM_PROTOCOL, &mut wire, request.clone())).unwrap();
        let bytes = wire.into_inner();
        assert_eq!(
            u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize,
            bytes.len() - 4
        );
        let on_the_wire = bytes.len() as u64;
        let mut wire = Cursor::new(bytes);
        let read = block_on(codec.read_request(&SYNC_STREAM_PROTOCOL, &mut wire)).unwrap();
        assert_eq!(read, request);
        // Every byte of the frame is counted, each way.
        assert_eq!(counted.sent.load(Ordering::Relaxed), on_the_wire);
        assert_eq!(counted.received.load(Ordering::Relaxed), on_the_wire);
    }

    #[test]
    fn a_length_over_the_cap_is_refused_before_reading_the_body() {
        // Claims 4 GiB and sends nothing more: refused on the length alone.
        let mut wire = Cursor::new(u32::MAX.to_be_bytes().to_vec());
        let error = block_on(SyncCodec::default().read_response(&SYNC_STREAM_PROTOCOL, &mut wire))
            .err()
            .unwrap();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        let mut wire = Cursor::new(((MAX_SYNC_REQUEST_BYTES + 1) as u32).to_be_bytes().to_vec());
        let error = block_on(SyncCodec::default().read_request(&SYNC_STREAM_PROTOCOL, &mut wire))
            .err()
            .unwrap();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn a_short_or_malformed_frame_is_an_error() {
        let mut short = 10u32.to_be_bytes().to_vec();
        short.extend_from_slice(&[0; 3]);
        let mut wire = Cursor::new(short);
        assert!(
            block_on(SyncCodec::default().read_request(&SYNC_STREAM_PROTOCOL, &mut wire)).is_err()
        );
        let mut junk = 3u32.to_be_bytes().to_vec();
        junk.extend_from_slice(&[0xff; 3]);
        let mut wire = Cursor::new(junk);
        let error = block_on(SyncCodec::default().read_request(&SYNC_STREAM_PROTOCOL, &mut wire))
            .err()
            .unwrap();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }
}
