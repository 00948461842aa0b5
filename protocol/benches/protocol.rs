//! Throughput of a record's path through commons-protocol, next to the raw ed25519
//! operations it is bounded by, measured in one run so that ratios are meaningful on a
//! shared, noisy machine.
//!
//! Every record is a ~1 KiB case study (a `Practice` body padded so that the signed
//! record is 1024 bytes) by one of 64 devices with fixed seeds. Each benchmark processes
//! a whole set of records per iteration and reports throughput in records (or
//! signatures) per second.
//!
//! `raw/ed25519_verify_batch_*` is a reference only: the protocol verifies every
//! signature with `verify_strict` and has no batch path (see `keys.rs`).
//!
//! Run with `cargo bench -p commons-protocol --bench protocol`.

use std::hint::black_box;
use std::time::Duration;

use commons_protocol::fixtures::{BASE_TIME_MS, sample_charter, sample_practice};
use commons_protocol::{
    AuthorKeyCache, Body, DecodedRecord, DeviceKeypair, Domain, FeedPosition, FeedWriter,
    NetworkId, Record, RecordId, VerifiedRecord, Visibility, decode_record, validate_record,
};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};

/// Devices, one feed each.
const AUTHORS: usize = 64;
/// Records per author, so that the largest raw batch has 256 signatures.
const ROUNDS: usize = 4;
/// The size of each signed record.
const TARGET_SIGNED_BYTES: usize = 1024;

/// Everything the benchmarks use, built once.
struct Bench {
    network: NetworkId,
    devices: Vec<DeviceKeypair>,
    /// Writers positioned after each device's delegation (seq 1), one per device.
    writers: Vec<FeedWriter>,
    /// The practice body, padded to make 1 KiB records.
    body: Body,
    /// One unsigned record per device (seq 2).
    unsigned: Vec<Record>,
    /// `ROUNDS * AUTHORS` signed records: index `round * AUTHORS + author`, so the
    /// first 64 are by 64 different devices.
    signed: Vec<VerifiedRecord>,
    /// The same records, decoded but not yet verified.
    decoded: Vec<DecodedRecord>,
    /// For the raw ed25519 benchmarks: keys, the exact signed messages
    /// (`commons/record/v1 || 0x00 || payload`) and signatures, same order as `signed`.
    raw_keys: Vec<VerifyingKey>,
    raw_signing: Vec<SigningKey>,
    raw_messages: Vec<Vec<u8>>,
    raw_signatures: Vec<ed25519_dalek::Signature>,
}

fn device_seed(author: usize) -> [u8; 32] {
    let mut seed = [0xd0; 32];
    seed[..8].copy_from_slice(&(author as u64).to_le_bytes());
    seed
}

/// A writer for `device` as if its delegation (seq 1) had already been written: the
/// records measured here are ordinary content records.
fn writer_after_delegation(device: &DeviceKeypair, network: NetworkId) -> FeedWriter {
    let position = FeedPosition {
        seq: 1,
        id: Some(RecordId::of(&device.public().as_bytes()[..])),
        timestamp_ms: BASE_TIME_MS,
    };
    FeedWriter::new(device.clone(), network, position)
}

fn practice_with_body_len(len: usize) -> Body {
    let mut practice = sample_practice(Visibility::Members);
    let filler = "Residents trained as surveyors mapped every household. ";
    let mut text = practice.body.clone();
    while text.len() < len {
        text.push_str(filler);
    }
    text.truncate(len);
    practice.body = text;
    Body::Practice(practice)
}

/// A practice body for which a seq-2 record is exactly `TARGET_SIGNED_BYTES` signed.
fn padded_body(device: &DeviceKeypair, network: NetworkId) -> Body {
    let signed_len = |len: usize| {
        writer_after_delegation(device, network)
            .append(practice_with_body_len(len), BASE_TIME_MS + 60_000)
            .expect("the padded practice is a valid record")
            .signed_bytes()
            .len()
    };
    let mut len = 0;
    for _ in 0..8 {
        let got = signed_len(len);
        if got == TARGET_SIGNED_BYTES {
            break;
        }
        len = (len + TARGET_SIGNED_BYTES).saturating_sub(got);
    }
    practice_with_body_len(len)
}

impl Bench {
    fn new() -> Self {
        let (charter, _) = sample_charter(3);
        let network = charter.charter().network_id();
        let devices: Vec<DeviceKeypair> = (0..AUTHORS)
            .map(|author| DeviceKeypair::from_seed(device_seed(author)))
            .collect();
        let writers: Vec<FeedWriter> = devices
            .iter()
            .map(|device| writer_after_delegation(device, network))
            .collect();
        let body = padded_body(&devices[0], network);
        let now = BASE_TIME_MS + 60_000;
        let unsigned = writers
            .iter()
            .map(|writer| writer.next_record(body.clone(), now))
            .collect();

        let mut feeds = writers.clone();
        let mut signed = Vec::with_capacity(ROUNDS * AUTHORS);
        for round in 0..ROUNDS {
            for writer in &mut feeds {
                let record = writer
                    .append(body.clone(), now + round as u64 * 60_000)
                    .expect("a valid practice record");
                signed.push(record);
            }
        }
        let decoded = signed
            .iter()
            .map(|record| decode_record(record.signed_bytes(), &network).expect("decodes"))
            .collect();
        let raw_keys = signed
            .iter()
            .map(|record| record.record().author.verifying_key().expect("a valid key"))
            .collect();
        let raw_signing = (0..ROUNDS)
            .flat_map(|_| devices.iter())
            .map(|device| SigningKey::from_bytes(&device.seed()))
            .collect();
        let raw_messages = signed
            .iter()
            .map(|record| Domain::Record.message(record.payload_bytes()))
            .collect();
        let raw_signatures = signed
            .iter()
            .map(|record| ed25519_dalek::Signature::from_bytes(record.signature().as_bytes()))
            .collect();
        let bench = Bench {
            network,
            devices,
            writers,
            body,
            unsigned,
            signed,
            decoded,
            raw_keys,
            raw_signing,
            raw_messages,
            raw_signatures,
        };
        bench.self_check();
        bench
    }

    /// The raw inputs really are what the protocol signs and checks.
    fn self_check(&self) {
        for i in 0..self.signed.len() {
            assert_eq!(self.signed[i].signed_bytes().len(), TARGET_SIGNED_BYTES);
            self.raw_keys[i]
                .verify_strict(&self.raw_messages[i], &self.raw_signatures[i])
                .expect("the raw signature verifies");
            assert_eq!(
                self.raw_signing[i].verifying_key(),
                self.raw_keys[i],
                "raw signing key {i} is the record's author"
            );
        }
        let distinct: std::collections::BTreeSet<_> = self.signed[..AUTHORS]
            .iter()
            .map(|record| record.record().author)
            .collect();
        assert_eq!(distinct.len(), AUTHORS);
        eprintln!(
            "records: {} signed bytes, {} payload bytes, {}-byte signed message; {} authors",
            self.signed[0].signed_bytes().len(),
            self.signed[0].payload_bytes().len(),
            self.raw_messages[0].len(),
            AUTHORS,
        );
    }

    fn signed_bytes(&self, count: usize) -> Vec<&[u8]> {
        self.signed[..count]
            .iter()
            .map(VerifiedRecord::signed_bytes)
            .collect()
    }

    fn raw_message_refs(&self, count: usize) -> Vec<&[u8]> {
        self.raw_messages[..count]
            .iter()
            .map(Vec::as_slice)
            .collect()
    }
}

fn elements(count: usize) -> Throughput {
    Throughput::Elements(count as u64)
}

fn benches(c: &mut Criterion) {
    let b = Bench::new();
    let network = b.network;
    let mut group = c.benchmark_group("protocol");

    // --- Signing -------------------------------------------------------------------
    group.throughput(elements(AUTHORS));
    group.bench_function("sign/record_sign", |bench| {
        bench.iter_batched(
            || b.unsigned.clone(),
            |records| {
                records
                    .into_iter()
                    .zip(&b.devices)
                    .map(|(record, device)| record.sign(device).expect("signs"))
                    .collect::<Vec<_>>()
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("sign/feed_writer_append", |bench| {
        bench.iter_batched(
            || (b.writers.clone(), vec![b.body.clone(); AUTHORS]),
            |(mut writers, bodies)| {
                writers
                    .iter_mut()
                    .zip(bodies)
                    .map(|(writer, body)| {
                        writer.append(body, BASE_TIME_MS + 60_000).expect("signs")
                    })
                    .collect::<Vec<_>>()
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("raw/ed25519_sign", |bench| {
        bench.iter(|| {
            for (key, message) in b.raw_signing[..AUTHORS].iter().zip(&b.raw_messages) {
                black_box(key.sign(black_box(message)));
            }
        });
    });

    // --- Raw verification, the hardware's limit ------------------------------------
    group.bench_function("raw/ed25519_verify_strict", |bench| {
        bench.iter(|| {
            for i in 0..AUTHORS {
                let ok = b.raw_keys[i]
                    .verify_strict(black_box(&b.raw_messages[i]), &b.raw_signatures[i]);
                assert!(ok.is_ok());
            }
        });
    });
    group.bench_function("raw/ed25519_from_bytes_verify_strict", |bench| {
        bench.iter(|| {
            for i in 0..AUTHORS {
                let key =
                    VerifyingKey::from_bytes(black_box(b.raw_keys[i].as_bytes())).expect("a point");
                let ok = key.verify_strict(black_box(&b.raw_messages[i]), &b.raw_signatures[i]);
                assert!(ok.is_ok());
            }
        });
    });
    for count in [AUTHORS, ROUNDS * AUTHORS] {
        group.throughput(elements(count));
        let messages = b.raw_message_refs(count);
        group.bench_function(format!("raw/ed25519_verify_batch_{count}"), |bench| {
            bench.iter(|| {
                let ok = ed25519_dalek::verify_batch(
                    black_box(&messages),
                    &b.raw_signatures[..count],
                    &b.raw_keys[..count],
                );
                assert!(ok.is_ok());
            });
        });
    }

    // --- Codec -----------------------------------------------------------------------
    group.throughput(elements(AUTHORS));
    group.bench_function("codec/encode_payload", |bench| {
        bench.iter(|| {
            for record in &b.unsigned {
                black_box(black_box(record).encode_payload());
            }
        });
    });
    let bytes = b.signed_bytes(AUTHORS);
    group.bench_function("codec/decode_record", |bench| {
        bench.iter(|| {
            for record in &bytes {
                black_box(decode_record(black_box(record), &network).expect("decodes"));
            }
        });
    });

    // --- Full stateless validation ---------------------------------------------------
    group.bench_function("validate/validate_record", |bench| {
        bench.iter(|| {
            for record in &bytes {
                black_box(validate_record(black_box(record), &network).expect("valid"));
            }
        });
    });
    // The node's path: authors' keys prepared once and kept (AuthorKeyCache).
    let mut keys = AuthorKeyCache::new();
    group.bench_function("validate/validate_record_cached_keys", |bench| {
        bench.iter(|| {
            for record in &bytes {
                black_box(
                    keys.validate_record(black_box(record), &network)
                        .expect("valid"),
                );
            }
        });
    });
    group.bench_function("validate/decoded_verify", |bench| {
        bench.iter_batched(
            || b.decoded[..AUTHORS].to_vec(),
            |decoded| {
                decoded
                    .into_iter()
                    .map(|record| record.verify().expect("valid"))
                    .collect::<Vec<_>>()
            },
            BatchSize::SmallInput,
        );
    });

    group.finish();
}

criterion_group! {
    name = protocol;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    targets = benches
}
criterion_main!(protocol);
