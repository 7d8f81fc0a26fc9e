//! Named profiles in a shared credentials file, so a configuration can hold
//! several accounts' keys without putting any secret in HCL, variables, plan
//! files or state. The file has the AWS shared-credentials shape:
//!
//! ```ini
//! # ~/.baidubce/credentials
//! [default]
//! access_key = AK...
//! secret_key = SK...
//!
//! [peer]
//! access_key    = AK...
//! secret_key    = SK...
//! session_token = ...   # optional, for STS credentials
//! ```
//!
//! Lines starting with `#` or `;` are comments; keys are case-insensitive.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// One profile's credentials; every value optional (the configuration and
/// environment may supply the rest).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Profile")
            .field("access_key", &self.access_key)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("session_token", &self.session_token.as_ref().map(|_| "***"))
            .finish()
    }
}

/// Why a profile could not be read. Never quotes a value from the file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProfileError {
    #[error("cannot read the shared credentials file {path}: {reason}")]
    Unreadable { path: PathBuf, reason: String },
    #[error("line {line} of {path} is neither [profile], key = value nor a comment")]
    Malformed { path: PathBuf, line: usize },
    #[error("{path} has no profile [{name}]; it has {available}")]
    NoSuchProfile {
        path: PathBuf,
        name: String,
        available: String,
    },
}

/// The profiles of a credentials file's text.
pub fn parse(path: &Path, text: &str) -> Result<BTreeMap<String, Profile>, ProfileError> {
    let mut profiles: BTreeMap<String, Profile> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let malformed = || ProfileError::Malformed {
            path: path.to_owned(),
            line: n + 1,
        };
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim().to_owned();
            if name.is_empty() {
                return Err(malformed());
            }
            profiles.entry(name.clone()).or_default();
            current = Some(name);
            continue;
        }
        let (Some(name), Some((key, value))) = (&current, line.split_once('=')) else {
            return Err(malformed());
        };
        let value = value.trim().to_owned();
        let profile = profiles.entry(name.clone()).or_default();
        let slot = match key.trim().to_ascii_lowercase().as_str() {
            "access_key" | "ak" => &mut profile.access_key,
            "secret_key" | "sk" => &mut profile.secret_key,
            "session_token" => &mut profile.session_token,
            // Other keys (a region, say) belong to other tools: ignored.
            _ => continue,
        };
        *slot = Some(value).filter(|v| !v.is_empty());
    }
    Ok(profiles)
}

/// Profile `name` of the file at `path`.
pub fn load(path: &Path, name: &str) -> Result<Profile, ProfileError> {
    let text = std::fs::read_to_string(path).map_err(|e| ProfileError::Unreadable {
        path: path.to_owned(),
        reason: e.kind().to_string(),
    })?;
    let mut profiles = parse(path, &text)?;
    profiles
        .remove(name)
        .ok_or_else(|| ProfileError::NoSuchProfile {
            path: path.to_owned(),
            name: name.to_owned(),
            available: if profiles.is_empty() {
                "none".to_owned()
            } else {
                profiles
                    .keys()
                    .map(|k| format!("[{k}]"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# written by hand
[default]
access_key = AK-default
secret_key = SK-default

; the peer account, with STS credentials
[ peer ]
AK = AK-peer
SK=SK-peer
session_token = TOKEN-peer
region = gz
";

    #[test]
    fn profiles_keys_and_comments() {
        let all = parse(Path::new("creds"), FILE).expect("parses");
        assert_eq!(all.len(), 2);
        assert_eq!(all["default"].access_key.as_deref(), Some("AK-default"));
        let peer = &all["peer"];
        assert_eq!(peer.secret_key.as_deref(), Some("SK-peer"));
        assert_eq!(peer.session_token.as_deref(), Some("TOKEN-peer"));
    }

    #[test]
    fn mistakes_name_the_line_or_the_profiles_and_never_a_value() {
        let err = parse(Path::new("creds"), "access_key = AK-orphan\n").expect_err("no section");
        assert_eq!(
            err.to_string(),
            "line 1 of creds is neither [profile], key = value nor a comment"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("credentials");
        std::fs::write(&path, FILE).expect("write");
        let err = load(&path, "prod").expect_err("no such profile");
        let text = err.to_string();
        assert!(
            text.ends_with("has no profile [prod]; it has [default], [peer]"),
            "{text}"
        );
        assert!(!text.contains("SK-"), "{text}");
        let missing = load(&dir.path().join("nope"), "default").expect_err("missing file");
        assert!(missing.to_string().contains("cannot read"), "{missing}");
        assert!(!format!("{:?}", load(&path, "peer").expect("peer")).contains("SK-peer"));
    }
}
