//! Working groups' cost beside plain records, in one run so the ratios hold on a shared
//! machine (docs/groups.md): publishing and reading a 1 KiB case study in clear and
//! sealed to a group, and a rekey of a group of 50 orgs with 3 devices each.
//!
//! - `plain/publish`: sign a 1 KiB case study (`FeedWriter::append`).
//! - `group/publish`: encrypt the same case study under the epoch key, then sign the
//!   group record that carries it.
//! - `plain/read`: `validate_record` of the signed bytes.
//! - `group/read`: `validate_record`, then decrypt and decode the content (the epoch
//!   key already opened, as a node keeps it).
//! - `group/open_epoch_key`: open one sealed epoch key (once per epoch per device).
//! - `group/rekey_50x3`: a fresh epoch key sealed to 150 devices, signed as one
//!   `group-keys` record.
//!
//! Run with `cargo bench -p commons-protocol --bench groups`.

use std::hint::black_box;
use std::time::Duration;

use commons_protocol::fixtures::{BASE_TIME_MS, sample_practice};
use commons_protocol::{
    Body, ContentContext, DeviceKeypair, EpochKey, FeedPosition, FeedWriter, GroupKeys,
    GroupRecord, NetworkId, RecordId, SealingKeypair, Visibility, decrypt_content, encrypt_content,
    open_epoch_key, seal_epoch_key, validate_record,
};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

/// Orgs in the rekeyed group, and devices per org.
const ORGS: usize = 50;
const DEVICES_PER_ORG: usize = 3;

fn case_study_of(len: usize) -> Body {
    let mut practice = sample_practice(Visibility::Members);
    practice.body = "w".repeat(len);
    Body::Practice(practice)
}

fn writer(device: &DeviceKeypair, network: NetworkId) -> FeedWriter {
    // Positioned as if after the delegation: the benchmark measures signing, not feed
    // rules, and a writer only needs its last seq, id and timestamp.
    FeedWriter::new(
        device.clone(),
        network,
        FeedPosition {
            seq: 1,
            id: Some(RecordId::from_bytes([1; 32])),
            timestamp_ms: BASE_TIME_MS,
        },
    )
}

fn benches(c: &mut Criterion) {
    let network = NetworkId::from_bytes([0x0a; 32]);
    let group_id = RecordId::from_bytes([0x0b; 32]);
    let epoch = RecordId::from_bytes([0x0c; 32]);
    let device = DeviceKeypair::from_seed([0x21; 32]);
    let sealing = SealingKeypair::from_seed([0x51; 32]);
    let epoch_key = EpochKey::from_bytes([0x61; 32]);
    let body = case_study_of(1024);
    let context = ContentContext {
        network,
        group: group_id,
        epoch,
        author: device.public(),
    };

    let plain = writer(&device, network)
        .append(body.clone(), BASE_TIME_MS + 1)
        .unwrap_or_else(|error| panic!("{error}"));
    let sealed_body = Body::GroupRecord(GroupRecord {
        group: group_id,
        epoch,
        nonce: [7; 24],
        ciphertext: encrypt_content(&epoch_key, [7; 24], &context, &body)
            .unwrap_or_else(|error| panic!("{error}")),
    });
    let sealed = writer(&device, network)
        .append(sealed_body, BASE_TIME_MS + 1)
        .unwrap_or_else(|error| panic!("{error}"));
    println!(
        "sizes: plain record {} bytes, group record {} bytes",
        plain.signed_bytes().len(),
        sealed.signed_bytes().len()
    );

    // 50 orgs × 3 devices, each with its sealing key.
    let recipients: Vec<_> = (0..ORGS * DEVICES_PER_ORG)
        .map(|index| {
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&(index as u64).to_le_bytes());
            seed[31] = 0xd;
            let member_device = DeviceKeypair::from_seed(seed);
            seed[31] = 0x5;
            (
                member_device.public(),
                SealingKeypair::from_seed(seed).public(),
            )
        })
        .collect::<Vec<_>>();
    let mut recipients = recipients;
    recipients.sort_by_key(|(device, _)| *device);
    let sealed_one = seal_epoch_key(
        &epoch_key,
        device.public(),
        &sealing.public(),
        &network,
        &group_id,
        [9; 32],
    )
    .unwrap_or_else(|error| panic!("{error}"));

    let mut group = c.benchmark_group("groups");

    group.bench_function("plain/publish", |bench| {
        bench.iter_batched(
            || writer(&device, network),
            |mut writer| black_box(writer.append(body.clone(), BASE_TIME_MS + 1)),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("group/publish", |bench| {
        bench.iter_batched(
            || writer(&device, network),
            |mut writer| {
                let ciphertext = encrypt_content(&epoch_key, [7; 24], &context, &body)
                    .unwrap_or_else(|error| panic!("{error}"));
                black_box(writer.append(
                    Body::GroupRecord(GroupRecord {
                        group: group_id,
                        epoch,
                        nonce: [7; 24],
                        ciphertext,
                    }),
                    BASE_TIME_MS + 1,
                ))
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("plain/read", |bench| {
        bench.iter(|| black_box(validate_record(plain.signed_bytes(), &network)));
    });
    group.bench_function("group/read", |bench| {
        bench.iter(|| {
            let record = validate_record(sealed.signed_bytes(), &network)
                .unwrap_or_else(|error| panic!("{error}"));
            let Body::GroupRecord(inner) = &record.record().body else {
                panic!("a group record");
            };
            black_box(decrypt_content(
                &epoch_key,
                inner.nonce,
                &context,
                &inner.ciphertext,
            ))
        });
    });
    group.bench_function("group/open_epoch_key", |bench| {
        bench.iter(|| black_box(open_epoch_key(&sealed_one, &sealing, &network, &group_id)));
    });
    group.bench_function("group/rekey_50x3", |bench| {
        bench.iter_batched(
            || writer(&device, network),
            |mut writer| {
                let fresh = EpochKey::from_bytes([0x62; 32]);
                let sealed = recipients
                    .iter()
                    .enumerate()
                    .map(|(index, (member, key))| {
                        let mut ephemeral = [3u8; 32];
                        ephemeral[..8].copy_from_slice(&(index as u64).to_le_bytes());
                        seal_epoch_key(&fresh, *member, key, &network, &group_id, ephemeral)
                            .unwrap_or_else(|error| panic!("{error}"))
                    })
                    .collect();
                black_box(writer.append(
                    Body::GroupKeys(GroupKeys {
                        group: group_id,
                        follows: Some(epoch),
                        sealed,
                    }),
                    BASE_TIME_MS + 1,
                ))
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();

    let rekey = writer(&device, network)
        .append(
            Body::GroupKeys(GroupKeys {
                group: group_id,
                follows: Some(epoch),
                sealed: recipients
                    .iter()
                    .map(|(member, key)| {
                        seal_epoch_key(&epoch_key, *member, key, &network, &group_id, [3; 32])
                            .unwrap_or_else(|error| panic!("{error}"))
                    })
                    .collect(),
            }),
            BASE_TIME_MS + 1,
        )
        .unwrap_or_else(|error| panic!("{error}"));
    println!(
        "sizes: a group-keys record for {} devices is {} bytes",
        ORGS * DEVICES_PER_ORG,
        rekey.signed_bytes().len()
    );
}

criterion_group! {
    name = groups;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(20);
    targets = benches
}
criterion_main!(groups);
