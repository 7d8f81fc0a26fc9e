//! The workspace's two binaries, for black-box tests. The provider belongs to
//! this package, so cargo builds it for these tests. The emulator belongs to
//! the `baidu-vpc-emulator` package: `cargo test --workspace` builds it (for
//! that package's own tests) before any test runs; when a test finds it
//! missing or older than its sources (a `cargo test` of this package alone
//! after an emulator change), it builds it first, so a stale emulator never runs.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::SystemTime;

pub const EMULATOR_PACKAGE: &str = "baidu-vpc-emulator";
pub const EMULATOR_BINARY: &str = "baidu-vpc-emulator";

/// `terraform-provider-baidu`, as built for this test run.
pub fn provider() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-baidu"))
}

/// The emulator's sources, relative to the workspace root: a binary older
/// than any of them is stale.
const EMULATOR_SOURCES: &[&str] = &[
    "Cargo.toml",
    "Cargo.lock",
    "crates/baidu-vpc-emulator",
    "crates/bce-auth",
];

fn newest_mtime(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name() != "tests" && e.file_name() != "target")
        .filter_map(|e| newest_mtime(&e.path()))
        .max()
}

fn is_fresh(binary: &Path) -> bool {
    let Some(built) = std::fs::metadata(binary).and_then(|m| m.modified()).ok() else {
        return false;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    EMULATOR_SOURCES
        .iter()
        .filter_map(|p| newest_mtime(&root.join(p)))
        .all(|source| source <= built)
}

/// `baidu-vpc-emulator` beside the provider, built first when it is missing
/// or stale (once per test process).
pub fn emulator() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let profile_dir = provider()
            .parent()
            .expect("the provider binary lives in a profile directory");
        let binary = profile_dir.join(EMULATOR_BINARY);
        if is_fresh(&binary) {
            return binary;
        }
        let target_dir = profile_dir
            .parent()
            .expect("the profile directory lives in the target directory");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut build = Command::new(cargo);
        build
            .args(["build", "--quiet", "--package", EMULATOR_PACKAGE])
            .args(["--bin", EMULATOR_BINARY])
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        if profile_dir.file_name().is_some_and(|n| n == "release") {
            build.arg("--release");
        }
        let status = build
            .status()
            .unwrap_or_else(|e| panic!("cannot run cargo to build {EMULATOR_BINARY}: {e}"));
        assert!(status.success(), "building {EMULATOR_BINARY} failed");
        assert!(binary.is_file(), "{} was not built", binary.display());
        binary
    })
}
