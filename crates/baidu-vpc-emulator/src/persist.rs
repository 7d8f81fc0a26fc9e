//! The optional state file: written atomically (temporary file in the same
//! directory, then rename) after each mutation, read at start.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::error::EmulatorError;
use super::store::StoreData;

#[derive(Debug, Clone)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the state; a missing file is an empty state.
    pub fn load(&self) -> Result<StoreData, EmulatorError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|source| EmulatorError::StateParse {
                    path: self.path.clone(),
                    source,
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(StoreData::default()),
            Err(source) => Err(EmulatorError::StateRead {
                path: self.path.clone(),
                source,
            }),
        }
    }

    /// Writes `data` so that a reader (or a crash) sees either the old or the new file.
    pub fn save(&self, data: &StoreData) -> Result<(), EmulatorError> {
        let err = |source| EmulatorError::StateWrite {
            path: self.path.clone(),
            source,
        };
        let json = serde_json::to_vec_pretty(data).map_err(|e| err(std::io::Error::other(e)))?;
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "state".into());
        let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let mut f = std::fs::File::create(&tmp).map_err(err)?;
        f.write_all(&json).map_err(err)?;
        f.write_all(b"\n").map_err(err)?;
        f.sync_all().map_err(err)?;
        drop(f);
        std::fs::rename(&tmp, &self.path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            err(e)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tolerates_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let f = StateFile::new(dir.path().join("state.json"));
        assert!(f.load().unwrap().peer_conns.is_empty());
        let data = StoreData {
            next_seq: 5,
            clock_offset_ms: 60_000,
            ..StoreData::default()
        };
        f.save(&data).unwrap();
        let back = f.load().unwrap();
        assert_eq!((back.next_seq, back.clock_offset_ms), (5, 60_000));
        // No temporary file is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        std::fs::write(f.path(), "{not json").unwrap();
        assert!(matches!(f.load(), Err(EmulatorError::StateParse { .. })));
    }
}
