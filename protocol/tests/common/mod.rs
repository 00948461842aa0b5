//! Helpers shared by the protocol's integration tests: hex, an independent writer of
//! the payload layout from docs/protocol.md, used to make hostile inputs that the
//! crate itself would refuse to produce, and the story the fold tests tell
//! ([`story::Story`]).
#![allow(dead_code)]

pub mod story;

use commons_protocol::{DeviceKeypair, Domain, NetworkId, RecordId};

pub fn hex(bytes: &[u8]) -> String {
    commons_protocol::text::hex(bytes)
}

pub fn unhex(text: &str) -> Vec<u8> {
    let text = text.trim();
    assert!(text.len().is_multiple_of(2), "odd number of hex digits");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
        .collect()
}

/// postcard's unsigned varint.
pub fn varint(mut value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// A length-prefixed byte string.
pub fn bytes(content: &[u8]) -> Vec<u8> {
    let mut out = varint(content.len() as u64);
    out.extend_from_slice(content);
    out
}

/// The fields of a payload, laid out by hand.
#[derive(Clone)]
pub struct RawPayload {
    pub version: u8,
    pub network: NetworkId,
    pub author: [u8; 32],
    pub seq: Vec<u8>,
    pub prev: Vec<u8>,
    pub timestamp_ms: u64,
    pub kind: u32,
    pub body: Vec<u8>,
}

impl RawPayload {
    pub fn new(
        network: NetworkId,
        author: [u8; 32],
        seq: u64,
        prev: Option<RecordId>,
        kind: u32,
        body: Vec<u8>,
    ) -> Self {
        let prev = match prev {
            None => vec![0],
            Some(id) => {
                let mut out = vec![1];
                out.extend_from_slice(id.as_bytes());
                out
            }
        };
        RawPayload {
            version: 1,
            network,
            author,
            seq: varint(seq),
            prev,
            timestamp_ms: commons_protocol::fixtures::BASE_TIME_MS + 3_600_000,
            kind,
            body,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![self.version];
        out.extend_from_slice(self.network.as_bytes());
        out.extend_from_slice(&self.author);
        out.extend_from_slice(&self.seq);
        out.extend_from_slice(&self.prev);
        out.extend_from_slice(&varint(self.timestamp_ms));
        out.extend_from_slice(&varint(u64::from(self.kind)));
        out.extend_from_slice(&bytes(&self.body));
        out
    }
}

/// Wraps a payload in an envelope with a real signature by `device`.
pub fn sign_raw(device: &DeviceKeypair, payload: &[u8]) -> Vec<u8> {
    let signature = device.sign(Domain::Record, payload);
    let mut out = bytes(payload);
    out.extend_from_slice(signature.as_bytes());
    out
}
