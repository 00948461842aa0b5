//! An org's devices, where its root key is: the step before a device's first record.
//! [`OpenedDataDir::add_device`] delegates a new device key and writes a complete data
//! dir for it *without* `root.key` (the root key stays on as few machines as
//! possible); the new device's delegation is seq 1 of its own feed, ingested when its
//! node first starts. [`OpenedDataDir::revocation`] signs the body that takes a device
//! back from a given seq on; the running node publishes it (`POST
//! /v1/publish/revocation`), so the root key never enters the daemon.

use std::path::PathBuf;

use commons_protocol::{
    Body, Delegation, DeviceKey, DeviceKeypair, FeedPosition, FeedWriter, Revocation, RngError,
};

use crate::data_dir::OrgFile;
use crate::data_dir::{
    API_TOKEN_FILE, CHARTER_FILE, CONFIG_FILE, DELEGATION_FILE, DEVICE_KEY_FILE, DataDir,
    DataDirError, ORG_FILE, OpenedDataDir, ROOT_KEY_LOCATION_FILE, check_name, secret_text,
};

/// What [`OpenedDataDir::add_device`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    /// The new device's key (its node's identity).
    pub device: DeviceKey,
    /// Its label.
    pub label: String,
    /// Its data dir.
    pub data_dir: PathBuf,
    /// Every file written, in the order written.
    pub files: Vec<PathBuf>,
}

/// The machine's host name, to tell a device's operator where the root key is.
fn host_name() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty() && !name.chars().any(char::is_control))
}

impl OpenedDataDir {
    /// Delegates a new device of this org, labelled `label`, and writes its data dir at
    /// `out`: a new device key, this network's charter, the delegation (dated
    /// `now_ms`), a new API token, this node's config with the new label, the org
    /// file, and `root-key-location` naming this data dir and machine. No `root.key`.
    ///
    /// Needs the root key. `out` must not hold a node already; it is created (mode
    /// 0700) if needed.
    pub fn add_device(
        &self,
        out: &DataDir,
        label: &str,
        now_ms: u64,
    ) -> Result<NewDevice, DataDirError> {
        let root = self.root()?;
        let label = check_name("device label", "--label LABEL", label)?;
        if out.path() == self.dir().path() {
            return Err(DataDirError::AlreadyInitialised {
                path: out.path().to_owned(),
                found: self.dir().device_key_path(),
            });
        }
        out.check_free()?;
        let device = DeviceKeypair::generate()?;
        let network = self.network();
        let delegation = FeedWriter::new(device.clone(), network, FeedPosition::EMPTY)
            .append(
                Body::Delegation(Delegation::sign(
                    root,
                    network,
                    self.org(),
                    device.public(),
                    label,
                )),
                now_ms,
            )
            .map_err(DataDirError::NewDelegation)?;
        let mut token = [0u8; 32];
        getrandom::fill(&mut token).map_err(|_| RngError)?;
        let mut config = self.config().clone();
        config.device_label = label.to_owned();
        let org_file = OrgFile {
            org: self.org(),
            name: config.org_name.clone(),
        };
        let location = match host_name() {
            Some(host) => format!("{} on {host}", self.dir().path().display()),
            None => self.dir().path().display().to_string(),
        };

        out.create_dir()?;
        let contents: [(&str, Vec<u8>); 7] = [
            (DEVICE_KEY_FILE, secret_text(&device.seed())),
            (CHARTER_FILE, self.charter().encode()),
            (DELEGATION_FILE, delegation.into_signed_bytes()),
            (API_TOKEN_FILE, secret_text(&token)),
            (CONFIG_FILE, config.to_toml().into_bytes()),
            (ORG_FILE, org_file.to_toml().into_bytes()),
            (ROOT_KEY_LOCATION_FILE, format!("{location}\n").into_bytes()),
        ];
        let mut files = Vec::with_capacity(contents.len());
        for (name, bytes) in contents {
            files.push(out.write_new(name, &bytes)?);
        }
        Ok(NewDevice {
            device: device.public(),
            label: label.to_owned(),
            data_dir: out.path().to_owned(),
            files,
        })
    }

    /// The root key's revocation of `device` (one of this org's) from `from_seq` on,
    /// for the running node to publish. Needs the root key.
    pub fn revocation(&self, device: DeviceKey, from_seq: u64) -> Result<Revocation, DataDirError> {
        let root = self.root()?;
        Ok(Revocation::sign(
            root,
            self.network(),
            self.org(),
            device,
            from_seq,
        ))
    }
}
