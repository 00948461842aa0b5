//! Working groups in the node: the step before a group record is signed (which devices
//! it is sealed to, which epoch, a new epoch when the members or their devices
//! changed) and the step after a sealed record is stored (opening it, in memory, for
//! this device). Everything here reads the store; publishing goes through the one
//! publish path, and plaintext is never written anywhere (docs/groups.md §4).

use std::collections::{BTreeMap, BTreeSet};

use commons_protocol::{
    Body, BodyKind, ContentContext, DeviceKey, EpochKey, GroupHistory, GroupKeys, GroupRecord,
    HistoricKey, NetworkId, OrgId, RecordId, RngError, Roster, SealError, SealedKey, SealingKey,
    SealingKeypair, VerifiedRecord, WorkingGroup, decrypt_content, encrypt_content, fresh_bytes,
    open_epoch_key, seal_epoch_key,
};
use thiserror::Error;

use crate::store::{MAX_QUERY_LIMIT, RecordQuery, Store, StoreError};

/// Why a group record could not be prepared.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SealingError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The operating system gave no randomness.
    #[error(transparent)]
    Rng(#[from] RngError),
    /// Sealing failed (a member device's sealing key is unusable).
    #[error(transparent)]
    Seal(#[from] SealError),
}

/// Every record of `kind` the store holds, page by page (newest first).
pub fn all_of_kind(store: &dyn Store, kind: BodyKind) -> Result<Vec<VerifiedRecord>, StoreError> {
    let mut records = Vec::new();
    let mut before = None;
    loop {
        let page = store.query(&RecordQuery {
            kind: Some(kind),
            before,
            limit: MAX_QUERY_LIMIT,
            ..RecordQuery::default()
        })?;
        let full = page.len() == MAX_QUERY_LIMIT;
        before = page
            .last()
            .map(|stored| (stored.record.record().timestamp_ms, stored.record.id()));
        records.extend(page.into_iter().map(|stored| stored.record));
        if !full {
            return Ok(records);
        }
    }
}

/// Every group the store holds a founding of, folded against `roster`, by name. A
/// founding that founds nothing (its device did not act for an org) is left out.
pub fn held_groups(store: &dyn Store, roster: &Roster) -> Result<Vec<WorkingGroup>, StoreError> {
    let foundings = all_of_kind(store, BodyKind::GroupFounding)?;
    let votes = all_of_kind(store, BodyKind::GroupVote)?;
    let forks = store.fork_proofs()?;
    let mut groups: Vec<WorkingGroup> = foundings
        .iter()
        .filter_map(|founding| WorkingGroup::fold(founding, &votes, roster, &forks).ok())
        .collect();
    groups.sort_by(|a, b| (a.name(), a.id()).cmp(&(b.name(), b.id())));
    Ok(groups)
}

/// Each device's current sealing key: the latest of its `sealing-key` records by
/// `(timestamp_ms, id)`.
pub fn sealing_keys(store: &dyn Store) -> Result<BTreeMap<DeviceKey, SealingKey>, StoreError> {
    let mut latest: BTreeMap<DeviceKey, ((u64, RecordId), SealingKey)> = BTreeMap::new();
    for record in all_of_kind(store, BodyKind::SealingKey)? {
        let header = record.record();
        if let Body::SealingKey(announcement) = &header.body {
            let at = (header.timestamp_ms, record.id());
            let entry = latest
                .entry(header.author)
                .or_insert((at, announcement.key));
            if at > entry.0 {
                *entry = (at, announcement.key);
            }
        }
    }
    Ok(latest
        .into_iter()
        .map(|(device, (_, key))| (device, key))
        .collect())
}

/// The devices a group's records are sealed to now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipients {
    /// Every device of every member org, not revoked, with its sealing key.
    pub sealed_to: BTreeMap<DeviceKey, SealingKey>,
    /// Member orgs' devices left out because they have published no sealing key yet;
    /// the first record after they do is sealed under a new epoch that includes them.
    pub without_key: Vec<DeviceKey>,
}

/// Who `group`'s records are sealed to now, from `roster` and the sealing keys held.
pub fn recipients(
    group: &WorkingGroup,
    roster: &Roster,
    keys: &BTreeMap<DeviceKey, SealingKey>,
) -> Recipients {
    let mut sealed_to = BTreeMap::new();
    let mut without_key = Vec::new();
    for (org, _) in group.members(roster) {
        for device in roster.devices_of(&org) {
            let revoked = roster
                .device(&device)
                .is_some_and(|state| state.revoked_from.is_some());
            if revoked {
                continue;
            }
            match keys.get(&device) {
                Some(key) => {
                    sealed_to.insert(device, *key);
                }
                None => without_key.push(device),
            }
        }
    }
    Recipients {
        sealed_to,
        without_key,
    }
}

/// The epoch a writer seals to now: of the group's `group-keys` records made by a
/// device of a member org (not revoked) whose devices are exactly `devices`, the
/// greatest by `(timestamp_ms, id)`; none when the members or their devices changed
/// since the last one (a removal, a revocation, a new device), and a new epoch is due.
///
/// Only members' epochs count: an org outside the group, or one removed from it, could
/// otherwise publish an epoch key it knows, sealed to the members' devices, and read
/// whatever was sealed under it.
pub fn current_epoch(
    store: &dyn Store,
    group: &WorkingGroup,
    roster: &Roster,
    devices: &BTreeSet<DeviceKey>,
) -> Result<Option<(RecordId, GroupKeys)>, StoreError> {
    let mut best: Option<((u64, RecordId), GroupKeys)> = None;
    for record in all_of_kind(store, BodyKind::GroupKeys)? {
        let header = record.record();
        let Body::GroupKeys(keys) = &header.body else {
            continue;
        };
        let sealed: BTreeSet<DeviceKey> = keys.sealed.iter().map(|entry| entry.device).collect();
        let by_member = roster.device(&header.author).is_some_and(|state| {
            state.revoked_from.is_none() && group.is_member(&state.org, roster)
        });
        if keys.group != group.id() || sealed != *devices || !by_member {
            continue;
        }
        let at = (header.timestamp_ms, record.id());
        if best.as_ref().is_none_or(|(seen, _)| at > *seen) {
            best = Some((at, keys.clone()));
        }
    }
    Ok(best.map(|((_, id), keys)| (id, keys)))
}

/// A fresh epoch key for `group`, sealed to every device of `recipients`, each with
/// its own fresh HPKE randomness.
pub fn new_epoch(
    network: &NetworkId,
    group: &RecordId,
    follows: Option<RecordId>,
    recipients: &BTreeMap<DeviceKey, SealingKey>,
) -> Result<(EpochKey, GroupKeys), SealingError> {
    let key = EpochKey::generate()?;
    let mut sealed: Vec<SealedKey> = Vec::with_capacity(recipients.len());
    for (device, sealing_key) in recipients {
        sealed.push(seal_epoch_key(
            &key,
            *device,
            sealing_key,
            network,
            group,
            fresh_bytes()?,
        )?);
    }
    Ok((
        key,
        GroupKeys {
            group: *group,
            follows,
            sealed,
        },
    ))
}

/// Opens `keys` (an epoch of `group`) for `device`: `None` if it was not sealed to it.
pub fn open_epoch(
    keys: &GroupKeys,
    network: &NetworkId,
    device: &DeviceKey,
    sealing: &SealingKeypair,
) -> Result<Option<EpochKey>, SealError> {
    keys.sealed
        .iter()
        .find(|entry| entry.device == *device)
        .map(|entry| open_epoch_key(entry, sealing, network, &keys.group))
        .transpose()
}

/// The earlier epochs of `group` granted to `device` by `group-history` records: epoch
/// to its key sealed to the device.
pub fn history_grants(
    store: &dyn Store,
    group: &RecordId,
    device: &DeviceKey,
) -> Result<BTreeMap<RecordId, SealedKey>, StoreError> {
    let mut grants = BTreeMap::new();
    for record in all_of_kind(store, BodyKind::GroupHistory)? {
        if let Body::GroupHistory(history) = &record.record().body
            && history.group == *group
        {
            for entry in &history.keys {
                if entry.sealed.device == *device {
                    grants
                        .entry(entry.epoch)
                        .or_insert_with(|| entry.sealed.clone());
                }
            }
        }
    }
    Ok(grants)
}

/// The history the group owes: for each device among `recipients` of an org the group
/// admitted with its history, every earlier epoch this device (`own`) can open that was
/// neither sealed nor yet granted to it, sealed to it now. Empty when nothing is owed.
pub fn owed_history(
    store: &dyn Store,
    group: &WorkingGroup,
    roster: &Roster,
    recipients: &BTreeMap<DeviceKey, SealingKey>,
    own: &DeviceKey,
    sealing: &SealingKeypair,
) -> Result<Vec<(RecordId, DeviceKey, EpochKey, SealingKey)>, StoreError> {
    let with_history: BTreeSet<OrgId> = group
        .members(roster)
        .filter(|(_, admission)| admission.history)
        .map(|(org, _)| org)
        .collect();
    let mut epochs = Vec::new();
    for record in all_of_kind(store, BodyKind::GroupKeys)? {
        if let Body::GroupKeys(keys) = &record.record().body
            && keys.group == group.id()
        {
            epochs.push((record.id(), keys.clone()));
        }
    }
    let network = roster.network();
    let mut owed = Vec::new();
    for (device, sealing_key) in recipients {
        let in_history_org = roster
            .device(device)
            .is_some_and(|state| with_history.contains(&state.org));
        if !in_history_org || device == own {
            continue;
        }
        let granted = history_grants(store, &group.id(), device)?;
        for (epoch, keys) in &epochs {
            let sealed_to_it = keys.sealed.iter().any(|entry| entry.device == *device);
            if sealed_to_it || granted.contains_key(epoch) {
                continue;
            }
            if let Ok(Some(key)) = open_epoch(keys, &network, own, sealing) {
                owed.push((*epoch, *device, key, *sealing_key));
            }
        }
    }
    Ok(owed)
}

/// `body` sealed as a group record of `group` under `epoch` by `author`.
pub fn seal_record(
    key: &EpochKey,
    network: NetworkId,
    group: RecordId,
    epoch: RecordId,
    author: DeviceKey,
    body: &Body,
) -> Result<Body, SealingError> {
    let fresh = fresh_bytes()?;
    let mut nonce = [0u8; 24];
    nonce.copy_from_slice(&fresh[..24]);
    let context = ContentContext {
        network,
        group,
        epoch,
        author,
    };
    Ok(Body::GroupRecord(GroupRecord {
        group,
        epoch,
        nonce,
        ciphertext: encrypt_content(key, nonce, &context, body)?,
    }))
}

/// What this device can read of a group record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// The content, decrypted in memory.
    Content(Box<Body>),
    /// Its epoch was not sealed to this device: before this org's admission (without
    /// the history), after its removal, or before this device's sealing key.
    NotForThisDevice,
    /// Its epoch's `group-keys` record is not held here yet.
    EpochNotHeld,
    /// The epoch or the content does not open: altered, or sealed wrongly.
    Unreadable(SealError),
}

/// Opens `record` (a group record) for `device`.
pub fn open_record(
    store: &dyn Store,
    record: &VerifiedRecord,
    device: &DeviceKey,
    sealing: &SealingKeypair,
) -> Result<Opened, StoreError> {
    let header = record.record();
    let Body::GroupRecord(sealed) = &header.body else {
        return Ok(Opened::EpochNotHeld);
    };
    let Some(epoch) = store.record(&sealed.epoch)? else {
        return Ok(Opened::EpochNotHeld);
    };
    let Body::GroupKeys(keys) = &epoch.record.record().body else {
        return Ok(Opened::EpochNotHeld);
    };
    if keys.group != sealed.group {
        return Ok(Opened::NotForThisDevice);
    }
    let granted = match open_epoch(keys, &header.network, device, sealing) {
        Ok(Some(key)) => Some(key),
        Ok(None) => match history_grants(store, &sealed.group, device)?.get(&sealed.epoch) {
            Some(historic) => Some(
                match open_epoch_key(historic, sealing, &header.network, &sealed.group) {
                    Ok(key) => key,
                    Err(error) => return Ok(Opened::Unreadable(error)),
                },
            ),
            None => None,
        },
        Err(error) => return Ok(Opened::Unreadable(error)),
    };
    let Some(key) = granted else {
        return Ok(Opened::NotForThisDevice);
    };
    let context = ContentContext {
        network: header.network,
        group: sealed.group,
        epoch: sealed.epoch,
        author: header.author,
    };
    Ok(
        match decrypt_content(&key, sealed.nonce, &context, &sealed.ciphertext) {
            Ok(body) => Opened::Content(Box::new(body)),
            Err(error) => Opened::Unreadable(error),
        },
    )
}

/// Whether this device's sealing key must be published: its org is a member of a
/// group and the network does not hold this key as the device's current one.
pub fn sealing_key_due(
    store: &dyn Store,
    roster: &Roster,
    org: &OrgId,
    device: &DeviceKey,
    sealing: &SealingKey,
) -> Result<bool, StoreError> {
    let in_a_group = held_groups(store, roster)?
        .iter()
        .any(|group| group.is_member(org, roster));
    Ok(in_a_group && sealing_keys(store)?.get(device) != Some(sealing))
}

/// Publishes this device's sealing key once its org is in a working group, so the
/// group's members can seal to it without anyone being online at the same time: at
/// start (an org admitted while the node was off), and whenever a group's founding or
/// vote is stored. Ends when ingest's event stream does, or when the node aborts it
/// at shutdown.
pub async fn announce_sealing_key(
    handle: crate::node_handle::NodeHandle,
    sealing: SealingKey,
    mut events: tokio::sync::broadcast::Receiver<crate::ingest::StoredEvent>,
) {
    use tokio::sync::broadcast::error::RecvError;
    let mut due = true;
    loop {
        if due {
            let (store, roster, org, device) = (
                handle.store.clone(),
                handle.roster(),
                handle.org,
                handle.device,
            );
            let checked = tokio::task::spawn_blocking(move || {
                sealing_key_due(store.as_ref(), &roster, &org, &device, &sealing)
            })
            .await;
            match checked {
                Ok(Ok(true)) => {
                    let body =
                        Body::SealingKey(commons_protocol::SealingKeyAnnouncement { key: sealing });
                    match handle.publisher.publish(body).await {
                        Ok(published) => tracing::info!(
                            id = %published.id,
                            "this org is in a working group: published this device's sealing key"
                        ),
                        Err(error) => tracing::warn!(
                            %error,
                            "could not publish this device's sealing key; trying again at the next group record"
                        ),
                    }
                }
                Ok(Ok(false)) => {}
                Ok(Err(error)) => tracing::warn!(%error, "could not read the working groups"),
                Err(error) => tracing::warn!(%error, "the working-group check failed"),
            }
        }
        due = match events.recv().await {
            Ok(event) => matches!(
                event.record.record().body,
                Body::GroupFounding(_) | Body::GroupVote(_)
            ),
            Err(RecvError::Lagged(_)) => true,
            Err(RecvError::Closed) => return,
        };
    }
}

/// Why a body could not be published to a group.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum GroupPublishError {
    /// The node was started without a sealing key (only a node over a data dir has one).
    #[error(
        "this node runs without a sealing key, so it cannot seal to a group: run it with `commons node run` over its data dir"
    )]
    NoSealingKey,
    /// This org is not a member of the group.
    #[error(
        "your organization is not a member of the working group \"{group}\": only its members publish to it"
    )]
    NotMember {
        /// The group's name.
        group: String,
    },
    /// Preparing the sealed record failed.
    #[error(transparent)]
    Sealing(#[from] SealingError),
    /// Publishing one of the records failed.
    #[error(transparent)]
    Publish(#[from] crate::publish::PublishError),
}

/// What [`publish_to_group`] published.
#[derive(Debug, Clone)]
pub struct PublishedToGroup {
    /// The sealed record.
    pub record: crate::publish::Published,
    /// The epoch (`group-keys` record) it was sealed under.
    pub epoch: RecordId,
    /// Whether that epoch was made for this record (the members or their devices
    /// changed since the last one).
    pub new_epoch: bool,
    /// How many devices can open it.
    pub sealed_to: usize,
    /// Member orgs' devices that cannot, for want of a sealing key.
    pub without_key: Vec<DeviceKey>,
}

/// Seals `body` to `group` and publishes it through the one publish path: this
/// device's sealing key first if the network does not hold it yet, then a new epoch if
/// the group's members or their devices changed since the last one, then the sealed
/// record. The plaintext stays in memory.
pub async fn publish_to_group(
    node: &crate::node_handle::NodeHandle,
    group: &WorkingGroup,
    roster: &Roster,
    body: &Body,
) -> Result<PublishedToGroup, GroupPublishError> {
    let sealing = node
        .sealing
        .clone()
        .ok_or(GroupPublishError::NoSealingKey)?;
    let (device, network) = (node.device, node.network);
    if !group.is_member(&node.org, roster) {
        return Err(GroupPublishError::NotMember {
            group: group.name().to_owned(),
        });
    }
    let store = node.store.clone();
    let mut keys = blocking(move || sealing_keys(store.as_ref())).await?;
    if keys.get(&device) != Some(&sealing.public()) {
        node.publisher
            .publish(Body::SealingKey(commons_protocol::SealingKeyAnnouncement {
                key: sealing.public(),
            }))
            .await?;
        keys.insert(device, sealing.public());
    }
    let recipients = recipients(group, roster, &keys);
    let devices: BTreeSet<DeviceKey> = recipients.sealed_to.keys().copied().collect();
    let (store, folding, reading) = (node.store.clone(), group.clone(), roster.clone());
    let current =
        blocking(move || current_epoch(store.as_ref(), &folding, &reading, &devices)).await?;
    let opened = match &current {
        Some((_, keys)) => {
            open_epoch(keys, &network, &device, &sealing).map_err(SealingError::from)?
        }
        None => None,
    };
    let (epoch, key, new) = match (current, opened) {
        (Some((epoch, _)), Some(key)) => (epoch, key, false),
        _ => {
            let (key, keys_body) = new_epoch(&network, &group.id(), None, &recipients.sealed_to)?;
            let published = node.publisher.publish(Body::GroupKeys(keys_body)).await?;
            (published.id, key, true)
        }
    };
    let sealed = seal_record(&key, network, group.id(), epoch, device, body)?;
    let record = node.publisher.publish(sealed).await?;
    // The history the group gave an admitted org, sealed to its devices by whichever
    // member publishes next: nobody has to be online with the new member.
    let (store, folding, reading, to) = (
        node.store.clone(),
        group.clone(),
        roster.clone(),
        recipients.sealed_to.clone(),
    );
    let opener = sealing.clone();
    let owed =
        blocking(move || owed_history(store.as_ref(), &folding, &reading, &to, &device, &opener))
            .await?;
    if !owed.is_empty() {
        let mut keys = Vec::with_capacity(owed.len());
        for (epoch, to_device, epoch_key, sealing_key) in owed {
            keys.push(HistoricKey {
                epoch,
                sealed: seal_epoch_key(
                    &epoch_key,
                    to_device,
                    &sealing_key,
                    &network,
                    &group.id(),
                    fresh_bytes().map_err(SealingError::from)?,
                )
                .map_err(SealingError::from)?,
            });
        }
        keys.sort_by_key(|entry| (entry.epoch, entry.sealed.device));
        node.publisher
            .publish(Body::GroupHistory(GroupHistory {
                group: group.id(),
                keys,
            }))
            .await?;
    }
    Ok(PublishedToGroup {
        record,
        epoch,
        new_epoch: new,
        sealed_to: recipients.sealed_to.len(),
        without_key: recipients.without_key,
    })
}

/// Runs a store read off the async threads.
async fn blocking<T: Send + 'static>(
    read: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, SealingError> {
    tokio::task::spawn_blocking(read)
        .await
        .map_err(|source| StoreError::TaskFailed {
            what: "a store read",
            source,
        })?
        .map_err(SealingError::from)
}
