//! Release files and installation: `scripts/package-release.sh` builds the same
//! bytes from the same binary, its zip has the layout the Registry and Terraform expect,
//! and every real Terraform client installs it offline (packed `-plugin-dir` mirror and a
//! `filesystem_mirror` CLI config), recording in the lock file the `h1:` hash computed
//! here independently. `scripts/install-provider.sh` (what `make install` runs) produces
//! an implied local mirror a plain `source = "baidu/baidu"` + `terraform init` finds.
//!
//! To keep the run short the scripts package the dev build cargo made for the tests
//! (`--binary`); `make release` does the same with `cargo build --release --locked`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use common::terraform::repo_root;
use common::{each_terraform, TfWorkdir};
use sha2::{Digest, Sha256};

const VERSION: &str = env!("CARGO_PKG_VERSION");
const EXE: &str = concat!("terraform-provider-baidu_v", env!("CARGO_PKG_VERSION"));
const OS_ARCH: &str = "linux_amd64";
/// 2023-11-14T22:13:20Z, as a DOS date and time below.
const EPOCH: &str = "1700000000";
const DOS_DATE: u16 = ((2023 - 1980) << 9) | (11 << 5) | 14;
const DOS_TIME: u16 = (22 << 11) | (13 << 5) | (20 / 2);
/// Keeps any network access by Terraform from succeeding: proves "offline".
const NO_NETWORK_PROXY: &str = "http://127.0.0.1:9";

fn provider_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_terraform-provider-baidu"))
}

fn zip_name() -> String {
    format!("terraform-provider-baidu_{VERSION}_{OS_ARCH}.zip")
}

/// Runs one of our scripts with a clean packaging environment (a developer's `DIST`,
/// `OS_ARCH`... must not change what the test checks); fails the test unless it exits 0.
#[track_caller]
fn run_script(script: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let path = repo_root().join("scripts").join(script);
    let mut cmd = Command::new(&path);
    cmd.args(args);
    for var in [
        "BINARY",
        "DIST",
        "OS_ARCH",
        "PLUGIN_DIR",
        "HOSTS",
        "PROFILE",
        "SOURCE_DATE_EPOCH",
        "RUSTFLAGS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("OS_ARCH", OS_ARCH).envs(env.iter().copied());
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", path.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} {args:?} failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// `package-release.sh --binary BIN --dist DIST` with a fixed `SOURCE_DATE_EPOCH`.
#[track_caller]
fn package(binary: &Path, dist: &Path, epoch: &str) {
    run_script(
        "package-release.sh",
        &[
            "--binary",
            &binary.to_string_lossy(),
            "--dist",
            &dist.to_string_lossy(),
        ],
        &[("SOURCE_DATE_EPOCH", epoch)],
    );
}

#[track_caller]
fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Terraform's `h1:` package hash (Go's dirhash.Hash1) of a package holding one file:
/// base64 of the SHA-256 of the line `"<sha256 hex of the file>  <name>\n"`.
fn h1_hash(name: &str, contents: &[u8]) -> String {
    let summary = format!("{}  {name}\n", sha256_hex(contents));
    let digest = Sha256::digest(summary.as_bytes());
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// What the test checks of a zip's central directory entry.
#[derive(Debug, PartialEq, Eq)]
struct ZipEntry {
    name: String,
    /// High byte of "version made by": 3 = Unix (so `external_attr` carries the mode).
    made_by_os: u8,
    method: u16,
    dos_time: u16,
    dos_date: u16,
    unix_mode: u32,
    extra_len: u16,
    comment_len: u16,
    uncompressed_size: u32,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// The central directory of a zip without an archive comment (what the script writes).
#[track_caller]
fn zip_entries(zip: &[u8]) -> Vec<ZipEntry> {
    assert!(zip.len() >= 22, "zip too short: {} bytes", zip.len());
    let eocd = zip.len() - 22;
    assert_eq!(
        u32_at(zip, eocd),
        0x0605_4b50,
        "no end-of-central-directory record where a zip without comment has it"
    );
    let count = u16_at(zip, eocd + 10) as usize;
    let mut at = u32_at(zip, eocd + 16) as usize;
    let mut entries = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(zip, at), 0x0201_4b50, "bad central header at {at}");
        let name_len = u16_at(zip, at + 28) as usize;
        let extra_len = u16_at(zip, at + 30);
        let comment_len = u16_at(zip, at + 32);
        entries.push(ZipEntry {
            name: String::from_utf8_lossy(&zip[at + 46..at + 46 + name_len]).into_owned(),
            made_by_os: zip[at + 5],
            method: u16_at(zip, at + 10),
            dos_time: u16_at(zip, at + 12),
            dos_date: u16_at(zip, at + 14),
            unix_mode: u32_at(zip, at + 38) >> 16,
            extra_len,
            comment_len,
            uncompressed_size: u32_at(zip, at + 24),
        });
        at += 46 + name_len + extra_len as usize + comment_len as usize;
    }
    entries
}

/// The hashes recorded for our provider in `.terraform.lock.hcl`.
#[track_caller]
fn locked_hashes(workdir: &Path) -> Vec<String> {
    let path = workdir.join(".terraform.lock.hcl");
    let text = String::from_utf8_lossy(&read(&path)).into_owned();
    let block = text
        .split("provider \"")
        .find(|b| b.starts_with("registry.terraform.io/baidu/baidu\""))
        .unwrap_or_else(|| panic!("lock file has no baidu/baidu entry:\n{text}"));
    // `terraform init` aligns the `=` signs, so compare words rather than the line.
    let pinned = block.lines().any(|l| {
        let words: Vec<&str> = l.split_whitespace().collect();
        words == ["version", "=", &format!("\"{VERSION}\"")]
    });
    assert!(pinned, "lock file entry does not pin {VERSION}:\n{text}");
    block
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix('"'))
        .filter_map(|l| l.split('"').next())
        .filter(|h| h.contains(':'))
        .map(str::to_string)
        .collect()
}

/// The package `terraform init` unpacked into the working directory.
fn installed_binary(workdir: &Path, host: &str) -> PathBuf {
    workdir
        .join(".terraform/providers")
        .join(host)
        .join("baidu/baidu")
        .join(VERSION)
        .join(OS_ARCH)
        .join(EXE)
}

const MAIN_TF_SHORT_SOURCE: &str = r#"terraform {
  required_providers {
    baidu = {
      source  = "baidu/baidu"
      version = "~> 0.1"
    }
  }
}
"#;

/// A working directory whose CLI config is `cli_config` instead of the harness's
/// dev_overrides, with `HOME` in a private directory (so no implied mirror of the
/// developer's is seen) and every network attempt sent to a dead proxy.
fn workdir_with(tf: &common::Terraform, cli_config: &str, home: &Path) -> TfWorkdir {
    let mut wd = TfWorkdir::new(tf);
    std::fs::write(wd.cli_config_path(), cli_config).expect("write CLI config");
    wd.env("HOME", &home.to_string_lossy())
        .env("HTTPS_PROXY", NO_NETWORK_PROXY)
        .env("HTTP_PROXY", NO_NETWORK_PROXY)
        .env("NO_PROXY", "");
    wd.write("main.tf", MAIN_TF_SHORT_SOURCE);
    wd
}

#[test]
fn packaging_twice_from_one_binary_gives_identical_bytes() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let binary = provider_binary();
    let (a, b, later) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("later"),
    );
    package(&binary, &a, EPOCH);
    package(&binary, &b, EPOCH);
    let names = [
        zip_name(),
        format!("terraform-provider-baidu_{VERSION}_manifest.json"),
        format!("terraform-provider-baidu_{VERSION}_SHA256SUMS"),
    ];
    let mut listed: Vec<String> = std::fs::read_dir(&a)
        .expect("read dist")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    listed.sort();
    let mut expected = names.to_vec();
    expected.sort();
    assert_eq!(listed, expected, "dist holds exactly the release files");
    for name in &names {
        let (x, y) = (read(&a.join(name)), read(&b.join(name)));
        assert!(
            x == y,
            "{name} differs between two packagings of one binary"
        );
        eprintln!("{name}: sha256 {}", sha256_hex(&x));
    }

    // The timestamp is the only input besides the binary: another SOURCE_DATE_EPOCH
    // changes the zip's bytes but not the package Terraform hashes.
    package(&binary, &later, "1800000000");
    let zip = read(&a.join(zip_name()));
    assert_ne!(zip, read(&later.join(zip_name())));
}

#[test]
fn release_files_have_the_registry_layout() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let binary = provider_binary();
    package(&binary, tmp.path(), EPOCH);
    let zip = read(&tmp.path().join(zip_name()));
    let entries = zip_entries(&zip);
    let size = read(&binary).len() as u32;
    assert_eq!(
        entries,
        vec![ZipEntry {
            name: EXE.to_string(),
            made_by_os: 3,
            method: 8, // deflate
            dos_time: DOS_TIME,
            dos_date: DOS_DATE,
            unix_mode: 0o100755,
            extra_len: 0,
            comment_len: 0,
            uncompressed_size: size,
        }],
        "the zip holds just the executable, at its root, with fixed metadata"
    );

    // The manifest is the repository's terraform-registry-manifest.json, protocol 5.0.
    let manifest = read(
        &tmp.path()
            .join(format!("terraform-provider-baidu_{VERSION}_manifest.json")),
    );
    assert_eq!(
        manifest,
        read(&repo_root().join("terraform-registry-manifest.json"))
    );
    let json: serde_json::Value = serde_json::from_slice(&manifest).expect("manifest is JSON");
    assert_eq!(json["version"], 1, "{json}");
    assert_eq!(
        json["metadata"]["protocol_versions"],
        serde_json::json!(["5.0"]),
        "{json}"
    );

    // SHA256SUMS: `sha256sum` format, sorted, covering the zip and the manifest.
    let sums = String::from_utf8(read(
        &tmp.path()
            .join(format!("terraform-provider-baidu_{VERSION}_SHA256SUMS")),
    ))
    .expect("SHA256SUMS is text");
    let expected: String = [
        zip_name(),
        format!("terraform-provider-baidu_{VERSION}_manifest.json"),
    ]
    .iter()
    .map(|name| format!("{}  {name}\n", sha256_hex(&read(&tmp.path().join(name)))))
    .collect();
    assert_eq!(sums, expected);
}

#[test]
fn terraform_installs_the_zip_offline_and_locks_its_h1_hash() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let binary = provider_binary();
    let dist = tmp.path().join("dist");
    package(&binary, &dist, EPOCH);
    // A packed mirror: HOST/NAMESPACE/TYPE/<the release zip>.
    let mirror = tmp.path().join("mirror");
    let packed = mirror.join("registry.terraform.io/baidu/baidu");
    std::fs::create_dir_all(&packed).expect("mkdir mirror");
    std::fs::copy(dist.join(zip_name()), packed.join(zip_name())).expect("copy zip");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).expect("mkdir home");
    let expected_h1 = h1_hash(EXE, &read(&binary));
    eprintln!("h1 computed from the binary: {expected_h1}");

    // The same zip with a changed executable: another hash, which the lock must refuse.
    let mut changed = read(&binary);
    changed.extend_from_slice(b"\0release_packaging test: a different build\0");
    let changed_bin = tmp.path().join("changed").join("terraform-provider-baidu");
    std::fs::create_dir_all(changed_bin.parent().expect("parent")).expect("mkdir");
    std::fs::write(&changed_bin, &changed).expect("write changed binary");
    std::fs::set_permissions(
        &changed_bin,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .expect("chmod");
    let changed_dist = tmp.path().join("changed-dist");
    package(&changed_bin, &changed_dist, EPOCH);
    let changed_mirror = tmp.path().join("changed-mirror");
    let changed_packed = changed_mirror.join("registry.terraform.io/baidu/baidu");
    std::fs::create_dir_all(&changed_packed).expect("mkdir");
    std::fs::copy(
        changed_dist.join(zip_name()),
        changed_packed.join(zip_name()),
    )
    .expect("copy zip");
    let changed_h1 = h1_hash(EXE, &changed);
    assert_ne!(expected_h1, changed_h1);

    let mirror_config = format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/baidu/baidu\"]\n  }}\n}}\n",
        mirror.display()
    );
    each_terraform(|tf| {
        // 1. `terraform init -plugin-dir=MIRROR` (disables every other installation method).
        let wd = workdir_with(tf, "# no provider_installation block\n", &home);
        let plugin_dir = format!("-plugin-dir={}", mirror.display());
        wd.run_ok(&["init", "-input=false", "-no-color", &plugin_dir])
            .assert_contains(&format!(
                "Installed baidu/baidu v{VERSION} (unauthenticated)"
            ));
        assert_eq!(locked_hashes(wd.path()), vec![expected_h1.clone()]);
        let unpacked = installed_binary(wd.path(), "registry.terraform.io");
        assert!(
            read(&unpacked) == read(&binary),
            "{} is not the packaged binary",
            unpacked.display()
        );
        let mode = std::os::unix::fs::PermissionsExt::mode(
            &std::fs::metadata(&unpacked).expect("stat").permissions(),
        );
        assert_eq!(mode & 0o111, 0o111, "unpacked binary is not executable");

        // The lock file now guards the package: a different zip of the same version fails.
        let changed_dir = format!("-plugin-dir={}", changed_mirror.display());
        std::fs::remove_dir_all(wd.path().join(".terraform")).expect("rm .terraform");
        wd.run(&["init", "-input=false", "-no-color", &changed_dir])
            .assert_failure()
            .assert_contains("checksums");
        // ... and after deleting the lock file it installs, locking the new hash.
        wd.remove(".terraform.lock.hcl");
        wd.run_ok(&["init", "-input=false", "-no-color", &changed_dir]);
        assert_eq!(locked_hashes(wd.path()), vec![changed_h1.clone()]);

        // 2. The same mirror through a `filesystem_mirror` CLI config, with no `direct {}`.
        let wd = workdir_with(tf, &mirror_config, &home);
        wd.run_ok(&["init", "-input=false", "-no-color"])
            .assert_contains(&format!(
                "Installed baidu/baidu v{VERSION} (unauthenticated)"
            ));
        assert_eq!(locked_hashes(wd.path()), vec![expected_h1.clone()]);
    });
}

#[test]
fn make_install_layout_is_found_by_a_plain_terraform_init() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let binary = provider_binary();
    let home = tmp.path().join("home");
    let plugins = home.join(".terraform.d/plugins");
    let printed = run_script(
        "install-provider.sh",
        &[
            "--binary",
            &binary.to_string_lossy(),
            "--plugin-dir",
            &plugins.to_string_lossy(),
        ],
        &[],
    );
    for host in ["registry.terraform.io", "registry.opentofu.org"] {
        let path = plugins
            .join(host)
            .join("baidu/baidu")
            .join(VERSION)
            .join(OS_ARCH)
            .join(EXE);
        assert!(
            read(&path) == read(&binary),
            "{} is not the binary; the script said:\n{printed}",
            path.display()
        );
    }
    let expected_h1 = h1_hash(EXE, &read(&binary));

    each_terraform(|tf| {
        // No provider_installation block: Terraform's implied local mirrors, among them
        // ~/.terraform.d/plugins, then the registry for anything not found (none here).
        let wd = workdir_with(tf, "# no provider_installation block\n", &home);
        wd.run_ok(&["init", "-input=false", "-no-color"])
            .assert_contains(&format!(
                "Installed baidu/baidu v{VERSION} (unauthenticated)"
            ));
        assert_eq!(locked_hashes(wd.path()), vec![expected_h1.clone()]);
        let unpacked = installed_binary(wd.path(), "registry.terraform.io");
        assert!(read(&unpacked) == read(&binary));
    });
}
