//! The device's persistent state: the last `seq` it accepted (so a restarted agent never
//! accepts a replay) and the permit in use, if any (so its usage is reported after a crash).
//! Written to a temporary file, synced, then renamed over the old one.

use crate::AgentError;
use aigov_types::PublicKey;
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The permit a device accepted and has not reported yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InUse {
    /// The permit.
    pub otk_id: u64,
    /// Its seq.
    pub seq: u64,
    /// Its ration.
    pub ration: u64,
    /// Units used, once the device stopped computing with it (`None` while computing: after
    /// a crash the device cannot know, and reports the whole ration).
    pub used: Option<u64>,
}

/// What a device keeps across restarts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceState {
    /// The device key this state belongs to (checked on load).
    pub device: Option<PublicKey>,
    /// The highest seq accepted (`None`: none yet).
    pub last_seq: Option<u64>,
    /// The permit in use, until its usage report is finalized.
    pub in_use: Option<InUse>,
}

/// A [DeviceState] kept in a file (or only in memory, for `path: None`).
#[derive(Debug)]
pub struct StateFile {
    path: Option<PathBuf>,
    state: DeviceState,
}

impl StateFile {
    /// Loads `path` (an absent file is a fresh state) for `device`; refuses a file written
    /// for another device key.
    pub fn open(path: Option<PathBuf>, device: &PublicKey) -> Result<Self, AgentError> {
        let mut state = match &path {
            Some(p) if p.exists() => {
                let text = std::fs::read_to_string(p).map_err(|e| io(p, e))?;
                serde_json::from_str::<DeviceState>(&text).map_err(|e| AgentError::State {
                    path: p.display().to_string(),
                    reason: format!("not an agent state file: {e}"),
                })?
            }
            _ => DeviceState::default(),
        };
        match &state.device {
            Some(d) if d != device => {
                return Err(AgentError::State {
                    path: path.map(|p| p.display().to_string()).unwrap_or_default(),
                    reason: format!(
                        "it belongs to device {d}, not {device}; pass another --state file"
                    ),
                });
            }
            _ => state.device = Some(device.clone()),
        }
        Ok(Self { path, state })
    }

    /// The state.
    pub fn get(&self) -> &DeviceState {
        &self.state
    }

    /// The file, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Changes the state and writes it durably before returning.
    pub fn update(&mut self, f: impl FnOnce(&mut DeviceState)) -> Result<(), AgentError> {
        let mut next = self.state.clone();
        f(&mut next);
        if let Some(p) = &self.path {
            write_atomic(p, &next)?;
        }
        self.state = next;
        Ok(())
    }
}

fn io(p: &Path, e: std::io::Error) -> AgentError {
    AgentError::State {
        path: p.display().to_string(),
        reason: e.to_string(),
    }
}

fn write_atomic(path: &Path, state: &DeviceState) -> Result<(), AgentError> {
    let json = serde_json::to_vec_pretty(state).map_err(|e| AgentError::State {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = std::fs::File::create(&tmp).map_err(|e| io(&tmp, e))?;
    f.write_all(&json).map_err(|e| io(&tmp, e))?;
    f.sync_all().map_err(|e| io(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| io(path, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aigov_types::PrivateKey;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("aigov-agent-state-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("device.json")
    }

    #[test]
    fn the_last_seq_survives_a_reopen_and_binds_the_device() {
        let path = temp("reopen");
        let me = PrivateKey::from_seed_bytes([1; 32]).public_key();
        let other = PrivateKey::from_seed_bytes([2; 32]).public_key();
        let mut s = StateFile::open(Some(path.clone()), &me).unwrap();
        assert_eq!(s.get().last_seq, None);
        s.update(|st| st.last_seq = Some(7)).unwrap();
        let s = StateFile::open(Some(path.clone()), &me).unwrap();
        assert_eq!(s.get().last_seq, Some(7));
        assert!(!path.with_extension("json.tmp").exists());
        let err = StateFile::open(Some(path.clone()), &other).unwrap_err();
        assert!(err.to_string().contains("belongs to device"), "{err}");
        std::fs::write(&path, "garbage").unwrap();
        assert!(StateFile::open(Some(path.clone()), &me).is_err());
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
