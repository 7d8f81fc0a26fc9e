//! Which real Terraform clients a test runs against.
//!
//! `scripts/install-terraform.sh` puts pinned builds in `.tools/terraform/<version>/terraform`.
//! By default every installed version is used and the pinned ones must be there, except
//! 1.11.4, which can't be downloaded and is used where the machine already has it.
//! `TFBAIDU_TERRAFORM_VERSIONS=1.0.3,1.15.5` restricts the run to the listed versions (each
//! of which must then be installed, 1.11.4 again excepted). `TF_ACC_TERRAFORM_PATH=/path/to/bin`
//! (terraform-plugin-testing's variable) runs one arbitrary binary instead.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// Versions `scripts/install-terraform.sh` provides.
pub const PINNED: [&str; 3] = ["1.0.3", "1.11.4", "1.15.5"];
/// Pinned versions that are used only where present.
pub const OPTIONAL: [&str; 1] = ["1.11.4"];

const INSTALL_HINT: &str =
    "run `scripts/install-terraform.sh` (or `make tools`) to install the pinned Terraform builds";

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// Parses `1.2.3` (a leading `v` and a `-suffix` are tolerated).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().trim_start_matches('v');
        let core = text.split(['-', '+']).next()?;
        let mut parts = core.split('.').map(|p| p.parse::<u32>().ok());
        let v = Version::new(parts.next()??, parts.next()??, parts.next()??);
        parts.next().is_none().then_some(v)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// One Terraform client: its version and the executable to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Terraform {
    pub version: Version,
    pub path: PathBuf,
}

impl Terraform {
    pub fn new(version: Version, path: impl Into<PathBuf>) -> Self {
        Terraform {
            version,
            path: path.into(),
        }
    }

    /// For gating tests on features (e.g. `import {}` blocks need 1.5).
    pub fn at_least(&self, major: u32, minor: u32, patch: u32) -> bool {
        self.version >= Version::new(major, minor, patch)
    }
}

impl fmt::Display for Terraform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "terraform {}", self.version)
    }
}

/// The repository root (where `.tools/` lives).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn tools_dir() -> PathBuf {
    repo_root().join(".tools").join("terraform")
}

/// Every client this run tests against, oldest first. Fails the calling test when a
/// required version is missing, telling how to install it.
pub fn terraform_clients() -> Vec<Terraform> {
    static CLIENTS: OnceLock<Result<Vec<Terraform>, String>> = OnceLock::new();
    match CLIENTS.get_or_init(discover) {
        Ok(clients) => clients.clone(),
        Err(message) => panic!("{message}"),
    }
}

/// Runs `check` once per client, every client even when one fails, then fails
/// naming the versions that failed (each failure's own message is printed above).
pub fn each_terraform(check: impl Fn(&Terraform)) {
    let mut failed = Vec::new();
    for tf in terraform_clients() {
        eprintln!("---- {tf} ({})", tf.path.display());
        if catch_unwind(AssertUnwindSafe(|| check(&tf))).is_err() {
            failed.push(tf.version.to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "failed on Terraform {}",
        failed.join(", ")
    );
}

fn discover() -> Result<Vec<Terraform>, String> {
    if let Some(path) = std::env::var_os("TF_ACC_TERRAFORM_PATH") {
        let path = PathBuf::from(path);
        let version = probe_version(&path)?;
        return Ok(vec![Terraform::new(version, path)]);
    }
    let installed = installed_clients(&tools_dir())?;
    let wanted = std::env::var("TFBAIDU_TERRAFORM_VERSIONS").ok();
    let clients = select_clients(installed, wanted.as_deref())?;
    for v in OPTIONAL {
        if !clients.iter().any(|tf| tf.version.to_string() == v)
            && wanted.as_deref().is_none_or(|w| w.contains(v))
        {
            eprintln!("note: Terraform {v} is not installed; it is used where present");
        }
    }
    Ok(clients)
}

/// Each `<dir>/<version>/terraform` that exists (dangling links don't).
pub fn installed_clients(dir: &Path) -> Result<Vec<Terraform>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot read {}: {e}", dir.display())),
    };
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(version) = name.to_str().and_then(Version::parse) else {
            continue;
        };
        let bin = entry.path().join("terraform");
        if bin.is_file() {
            found.push(Terraform::new(version, bin));
        }
    }
    found.sort_by_key(|tf| tf.version);
    Ok(found)
}

/// Picks the clients to run from what is installed. `wanted` is the value of
/// `TFBAIDU_TERRAFORM_VERSIONS` (comma or space separated) if set.
pub fn select_clients(
    installed: Vec<Terraform>,
    wanted: Option<&str>,
) -> Result<Vec<Terraform>, String> {
    let wanted: Vec<Version> = match wanted {
        Some(list) => list
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| {
                Version::parse(s)
                    .ok_or_else(|| format!("TFBAIDU_TERRAFORM_VERSIONS: bad version {s:?}"))
            })
            .collect::<Result<_, _>>()?,
        None => {
            let mut all: Vec<Version> = PINNED.iter().filter_map(|v| Version::parse(v)).collect();
            all.extend(installed.iter().map(|tf| tf.version));
            all
        }
    };
    let optional: Vec<Version> = OPTIONAL.iter().filter_map(|v| Version::parse(v)).collect();
    let mut missing = Vec::new();
    let mut chosen: Vec<Terraform> = Vec::new();
    for v in wanted {
        if chosen.iter().any(|tf| tf.version == v) {
            continue;
        }
        match installed.iter().find(|tf| tf.version == v) {
            Some(tf) => chosen.push(tf.clone()),
            None if optional.contains(&v) => {}
            None => missing.push(v.to_string()),
        }
    }
    if !missing.is_empty() {
        return Err(format!(
            "Terraform {} not installed under {}: {INSTALL_HINT}",
            missing.join(", "),
            tools_dir().display()
        ));
    }
    if chosen.is_empty() {
        return Err(format!("no Terraform client to test with: {INSTALL_HINT}"));
    }
    chosen.sort_by_key(|tf| tf.version);
    Ok(chosen)
}

/// Asks a binary its version (`terraform version -json`, which OpenTofu also answers).
fn probe_version(path: &Path) -> Result<Version, String> {
    let out = Command::new(path)
        .args(["version", "-json"])
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("TF_ACC_TERRAFORM_PATH={}: cannot run: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "TF_ACC_TERRAFORM_PATH={}: `version -json` printed no JSON: {e}",
            path.display()
        )
    })?;
    json.get("terraform_version")
        .and_then(|v| v.as_str())
        .and_then(Version::parse)
        .ok_or_else(|| {
            format!(
                "TF_ACC_TERRAFORM_PATH={}: no terraform_version in {json}",
                path.display()
            )
        })
}
