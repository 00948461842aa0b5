//! Sealing a working group's epoch key to devices, and its records' content under it:
//! what opens, what does not, and that a failure says nothing about why.

#![allow(clippy::unwrap_used)] // Tests unwrap what the fixtures build to be valid.

use commons_protocol::fixtures::{sample_epoch_key, sample_records};
use commons_protocol::{
    Body, BodyKind, ContentContext, DeviceKeypair, EpochKey, NetworkId, RecordId, RootKeypair,
    SealError, SealingKey, SealingKeypair, Vote, VoteChoice, decrypt_content, encrypt_content,
    open_epoch_key, seal_epoch_key,
};
use proptest::prelude::*;

fn network() -> NetworkId {
    NetworkId::from_bytes([0x0a; 32])
}

fn group() -> RecordId {
    RecordId::from_bytes([0x0b; 32])
}

fn context(author: &DeviceKeypair) -> ContentContext {
    ContentContext {
        network: network(),
        group: group(),
        epoch: RecordId::from_bytes([0x0c; 32]),
        author: author.public(),
    }
}

fn campaign_update() -> Body {
    Body::CampaignUpdate(commons_protocol::CampaignUpdate {
        campaign: RecordId::from_bytes([0x0d; 32]),
        status: None,
        body: "The hearing moved to 3 June; the witnesses are informed.".to_owned(),
    })
}

#[test]
fn an_epoch_key_opens_only_for_its_device_group_and_network() {
    let device = DeviceKeypair::from_seed([1; 32]);
    let other_device = DeviceKeypair::from_seed([2; 32]);
    let sealing = SealingKeypair::from_seed([3; 32]);
    let stranger = SealingKeypair::from_seed([4; 32]);
    let key = EpochKey::from_bytes([5; 32]);
    let sealed = seal_epoch_key(
        &key,
        device.public(),
        &sealing.public(),
        &network(),
        &group(),
        [6; 32],
    )
    .unwrap();
    assert_eq!(
        open_epoch_key(&sealed, &sealing, &network(), &group()).unwrap(),
        key
    );
    assert_eq!(
        open_epoch_key(&sealed, &stranger, &network(), &group()),
        Err(SealError::KeyDoesNotOpen),
        "another device's sealing key"
    );
    let elsewhere = RecordId::from_bytes([7; 32]);
    assert_eq!(
        open_epoch_key(&sealed, &sealing, &network(), &elsewhere),
        Err(SealError::KeyDoesNotOpen),
        "the same sealed bytes lifted into another group"
    );
    let mut relabelled = sealed.clone();
    relabelled.device = other_device.public();
    assert_eq!(
        open_epoch_key(&relabelled, &sealing, &network(), &group()),
        Err(SealError::KeyDoesNotOpen),
        "the sealed key relabelled for another device"
    );
    let mut tampered = sealed.clone();
    tampered.sealed[0] ^= 1;
    assert_eq!(
        open_epoch_key(&tampered, &sealing, &network(), &group()),
        Err(SealError::KeyDoesNotOpen)
    );
    // Each seal draws its own ephemeral key: two seals of one key differ.
    let again = seal_epoch_key(
        &key,
        device.public(),
        &sealing.public(),
        &network(),
        &group(),
        [8; 32],
    )
    .unwrap();
    assert_ne!(again.enc, sealed.enc);
    assert_ne!(again.sealed, sealed.sealed);
}

#[test]
fn a_small_order_sealing_key_is_refused_when_sealing() {
    let device = DeviceKeypair::from_seed([1; 32]);
    assert_eq!(
        seal_epoch_key(
            &EpochKey::from_bytes([5; 32]),
            device.public(),
            &SealingKey([0; 32]),
            &network(),
            &group(),
            [6; 32],
        ),
        Err(SealError::UnusableSealingKey)
    );
}

#[test]
fn content_opens_only_under_its_key_epoch_and_author() {
    let author = DeviceKeypair::from_seed([1; 32]);
    let key = EpochKey::from_bytes([5; 32]);
    let body = campaign_update();
    let nonce = [9; 24];
    let ciphertext = encrypt_content(&key, nonce, &context(&author), &body).unwrap();
    assert!(
        !ciphertext
            .windows(12)
            .any(|window| window == b"The hearing ".as_slice()),
        "the text is not in the ciphertext"
    );
    assert_eq!(
        decrypt_content(&key, nonce, &context(&author), &ciphertext).unwrap(),
        body
    );

    let wrong_key = EpochKey::from_bytes([6; 32]);
    assert_eq!(
        decrypt_content(&wrong_key, nonce, &context(&author), &ciphertext),
        Err(SealError::ContentDoesNotOpen)
    );
    let copier = DeviceKeypair::from_seed([2; 32]);
    assert_eq!(
        decrypt_content(&key, nonce, &context(&copier), &ciphertext),
        Err(SealError::ContentDoesNotOpen),
        "a member who copies the ciphertext into a record of its own"
    );
    let mut other_epoch = context(&author);
    other_epoch.epoch = RecordId::from_bytes([0x0e; 32]);
    assert_eq!(
        decrypt_content(&key, nonce, &other_epoch, &ciphertext),
        Err(SealError::ContentDoesNotOpen)
    );
    let mut tampered = ciphertext.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x80;
    assert_eq!(
        decrypt_content(&key, nonce, &context(&author), &tampered),
        Err(SealError::ContentDoesNotOpen)
    );
}

#[test]
fn governance_is_never_sealed() {
    let author = DeviceKeypair::from_seed([1; 32]);
    let vote = Body::Vote(Vote {
        subject: RootKeypair::from_seed([3; 32]).org_id(),
        choice: VoteChoice::Admit,
    });
    assert_eq!(
        encrypt_content(
            &EpochKey::from_bytes([5; 32]),
            [9; 24],
            &context(&author),
            &vote
        ),
        Err(SealError::KindNotSealable {
            kind: Some(BodyKind::Vote)
        })
    );
}

#[test]
fn the_sample_group_record_opens_with_the_sample_keys() {
    let (charter, records) = sample_records();
    let network = charter.charter().network_id();
    let find = |kind: BodyKind| {
        records
            .iter()
            .find(|(found, _)| *found == kind)
            .unwrap()
            .1
            .clone()
    };
    let founding = find(BodyKind::GroupFounding);
    let Body::GroupKeys(keys) = find(BodyKind::GroupKeys).record().body.clone() else {
        panic!("not group keys")
    };
    let epoch = find(BodyKind::GroupKeys).id();
    let record = find(BodyKind::GroupRecord);
    let Body::GroupRecord(sealed) = record.record().body.clone() else {
        panic!("not a group record")
    };
    assert_eq!(sealed.group, founding.id());
    assert_eq!(sealed.epoch, epoch);
    let sealing = SealingKeypair::from_seed([0x50; 32]);
    let key = open_epoch_key(&keys.sealed[0], &sealing, &network, &founding.id()).unwrap();
    assert_eq!(key, sample_epoch_key());
    let context = ContentContext {
        network,
        group: founding.id(),
        epoch,
        author: record.record().author,
    };
    let Body::Practice(practice) =
        decrypt_content(&key, sealed.nonce, &context, &sealed.ciphertext).unwrap()
    else {
        panic!("the sample content is a case study")
    };
    assert_eq!(
        practice.title,
        "Preparing a community witness for a land hearing"
    );
}

proptest! {
    /// Any epoch key round-trips through any device's sealing key.
    #[test]
    fn any_epoch_key_round_trips(key in any::<[u8; 32]>(), seed in any::<[u8; 32]>(), ephemeral in any::<[u8; 32]>()) {
        let device = DeviceKeypair::from_seed([1; 32]);
        let sealing = SealingKeypair::from_seed(seed);
        let key = EpochKey::from_bytes(key);
        let sealed = seal_epoch_key(&key, device.public(), &sealing.public(), &network(), &group(), ephemeral).unwrap();
        prop_assert_eq!(open_epoch_key(&sealed, &sealing, &network(), &group()).unwrap(), key);
    }

    /// Hostile bytes as a sealed key or as content are refused with an error, never a
    /// panic, and never decrypt.
    #[test]
    fn hostile_bytes_never_open(enc in any::<[u8; 32]>(), sealed in any::<[u8; 32]>(), tag in any::<[u8; 16]>(), content in proptest::collection::vec(any::<u8>(), 0..256)) {
        let device = DeviceKeypair::from_seed([1; 32]);
        let sealing = SealingKeypair::from_seed([3; 32]);
        let forged = commons_protocol::SealedKey { device: device.public(), enc, sealed, tag };
        prop_assert_eq!(open_epoch_key(&forged, &sealing, &network(), &group()), Err(SealError::KeyDoesNotOpen));
        prop_assert_eq!(
            decrypt_content(&EpochKey::from_bytes([5; 32]), [9; 24], &context(&device), &content),
            Err(SealError::ContentDoesNotOpen)
        );
    }
}
