//! Examples: every folder under `examples/` validates (`terraform validate`) on
//! every real Terraform client against the provider cargo built, they are `terraform fmt`
//! clean, and the layout the docs and the registry expect is complete. The scenario
//! folders also apply against the emulator, plan empty afterwards and destroy.
//!
//! Every folder declares `required_providers` (the snippet folders in a `versions.tf`
//! beside the snippet the docs show), so a folder copied as it is installs this provider
//! rather than `hashicorp/baidu`. Files with an `import {}` block need Terraform 1.5 and
//! are left out on older clients.

mod common;

use std::path::{Path, PathBuf};

use common::json::diagnostic_summaries;
use common::terraform::repo_root;
use common::workdir::{hcl_escape, provider_dir};
use common::{each_terraform, terraform_clients, Emulator, TfWorkdir, INITIATOR, PEER};

/// The files the documentation pages and the registry layout rely on.
const REQUIRED_FILES: &[&str] = &[
    "provider/provider.tf",
    "resources/baidu_peerconn/resource.tf",
    "resources/baidu_peerconn/import.sh",
    "resources/baidu_peerconn/import-block.tf",
    "resources/baidu_peerconn_acceptor/resource.tf",
    "resources/baidu_peerconn_acceptor/import.sh",
    "resources/baidu_peerconn_acceptor/import-block.tf",
    "data-sources/baidu_peerconn/data-source.tf",
    "data-sources/baidu_peerconns/data-source.tf",
    "quickstart/main.tf",
    "cross-account/main.tf",
    "prepaid-cross-region/main.tf",
];

/// The warning every command prints under dev_overrides; nothing else may warn.
const DEV_OVERRIDES_WARNING: &str = "Provider development overrides are in effect";

fn examples_dir() -> PathBuf {
    repo_root().join("examples")
}

/// Every directory below `examples/` holding `.tf` files, sorted.
fn example_folders() -> Vec<PathBuf> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        if entries
            .iter()
            .any(|p| p.extension().is_some_and(|x| x == "tf"))
        {
            found.push(dir.to_path_buf());
        }
        for path in entries.iter().filter(|p| p.is_dir()) {
            walk(path, found);
        }
    }
    let mut found = Vec::new();
    walk(&examples_dir(), &mut found);
    found
}

fn tf_files(folder: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(folder)
        .expect("read example folder")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .map(|p| {
            let name = p
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            (name, text)
        })
        .collect();
    files.sort();
    files
}

/// A top-level `import {` block: Terraform 1.5+ syntax.
fn has_import_block(hcl: &str) -> bool {
    hcl.lines()
        .any(|l| l.starts_with("import {") || l.starts_with("import{"))
}

fn relative(folder: &Path) -> String {
    folder
        .strip_prefix(repo_root())
        .unwrap_or(folder)
        .display()
        .to_string()
}

/// The harness's CLI config with the OpenTofu address added, so the short `baidu/baidu`
/// in the snippets resolves under `TF_ACC_TERRAFORM_PATH=tofu` too.
fn cli_config_both_hosts() -> String {
    let dir = hcl_escape(&provider_dir().to_string_lossy());
    format!(
        "provider_installation {{\n  dev_overrides {{\n    \"registry.terraform.io/baidu/baidu\" = \"{dir}\"\n    \"registry.opentofu.org/baidu/baidu\" = \"{dir}\"\n  }}\n}}\n"
    )
}

#[test]
fn the_documented_example_files_exist() {
    let missing: Vec<&str> = REQUIRED_FILES
        .iter()
        .copied()
        .filter(|f| !examples_dir().join(f).is_file())
        .collect();
    assert!(missing.is_empty(), "missing under examples/: {missing:?}");
}

#[test]
fn import_scripts_import_the_resource_of_their_folder() {
    for resource in ["baidu_peerconn", "baidu_peerconn_acceptor"] {
        let path = examples_dir()
            .join("resources")
            .join(resource)
            .join("import.sh");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let commands: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert!(!commands.is_empty(), "{} has no command", path.display());
        for command in commands {
            let words: Vec<&str> = command.split_whitespace().collect();
            assert_eq!(words.len(), 4, "{}: {command:?}", path.display());
            assert_eq!(&words[..2], ["terraform", "import"], "{command:?}");
            assert!(
                words[2].starts_with(&format!("{resource}.")),
                "{}: imports {} instead of a {resource}",
                path.display(),
                words[2]
            );
            assert!(
                words[3].starts_with("peerconn-"),
                "{}: {} is not a peering id",
                path.display(),
                words[3]
            );
        }
    }
}

#[test]
fn examples_are_terraform_fmt_clean() {
    // fmt needs no provider; the newest client's style is the one to follow.
    let tf = terraform_clients().pop().expect("a Terraform client");
    let wd = TfWorkdir::new(&tf);
    let dir = examples_dir();
    let out = wd.run(&[
        "fmt",
        "-check",
        "-recursive",
        "-diff",
        "-no-color",
        &dir.to_string_lossy(),
    ]);
    assert!(
        out.success(),
        "run `terraform fmt -recursive examples`:\n{out}"
    );
}

#[test]
fn every_example_validates_on_every_terraform() {
    let folders = example_folders();
    assert!(
        folders.len() >= 8,
        "expected at least 8 example folders, found {folders:?}"
    );
    each_terraform(|tf| {
        let mut failures = Vec::new();
        for folder in &folders {
            let name = relative(folder);
            let mut wd = TfWorkdir::new(tf);
            // The provider's own messages reach only Terraform's log: keep it for failures.
            wd.log("debug");
            std::fs::write(wd.cli_config_path(), cli_config_both_hosts()).expect("CLI config");
            let files = tf_files(folder);
            let mut skipped = Vec::new();
            for (file, text) in &files {
                if has_import_block(text) && !tf.at_least(1, 5, 0) {
                    skipped.push(file.as_str());
                    continue;
                }
                wd.write(file, text);
            }
            if !files
                .iter()
                .any(|(_, t)| t.contains("required_providers") && t.contains("baidu/baidu"))
            {
                failures.push(format!(
                    "{name}: no required_providers block with source baidu/baidu (copied as it \
                     is, the folder would install hashicorp/baidu)"
                ));
                continue;
            }
            if !skipped.is_empty() {
                eprintln!("{name}: {skipped:?} need Terraform >= 1.5, left out on {tf}");
            }
            let out = wd.run(&["validate", "-json", "-no-color"]);
            let verdict = serde_json::from_str::<serde_json::Value>(&out.stdout).ok();
            let valid = verdict
                .as_ref()
                .and_then(|v| v.get("valid"))
                .and_then(|v| v.as_bool())
                == Some(true);
            let warnings: Vec<String> = verdict
                .as_ref()
                .map(|v| diagnostic_summaries(v, "warning"))
                .unwrap_or_default()
                .into_iter()
                .filter(|w| w != DEV_OVERRIDES_WARNING)
                .collect();
            if !valid || !out.success() {
                let diagnostics = verdict
                    .as_ref()
                    .map(common::json::diagnostics_text)
                    .unwrap_or_default();
                failures.push(format!("{name} is not valid:\n{diagnostics}\n{out}"));
            } else if !warnings.is_empty() {
                failures.push(format!(
                    "{name} validates with warnings {warnings:?}:\n{out}"
                ));
            } else {
                eprintln!("{name}: valid");
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} examples fail on {tf}:\n\n{}",
            failures.len(),
            folders.len(),
            failures.join("\n\n")
        );
    });
}

/// A scenario folder copied into a fresh working directory (all its `.tf` files).
fn scenario_workdir(tf: &common::Terraform, folder: &str) -> TfWorkdir {
    let mut wd = TfWorkdir::new(tf);
    wd.log("debug");
    for (file, text) in tf_files(&examples_dir().join(folder)) {
        wd.write(&file, &text);
    }
    wd
}

#[test]
fn scenario_examples_apply_plan_clean_and_destroy_on_the_emulator() {
    // examples/quickstart is applied by tests/demo.rs through scripts/demo.sh.
    each_terraform(|tf| {
        let emulator = Emulator::start_with(&["--timing", "all=0"]);

        // cross-account: two accounts through TF_VAR_*, the demo VPCs as defaults.
        let mut wd = scenario_workdir(tf, "cross-account");
        wd.env("TF_VAR_endpoint", emulator.endpoint())
            .env("TF_VAR_requester_access_key", INITIATOR.access_key)
            .env("TF_VAR_requester_secret_key", INITIATOR.secret_key)
            .env("TF_VAR_accepter_access_key", PEER.access_key)
            .env("TF_VAR_accepter_secret_key", PEER.secret_key);
        wd.apply();
        let outputs = wd.output_json();
        assert_eq!(outputs["status"]["value"], "active", "{outputs}");
        wd.assert_plan_empty();
        wd.destroy();

        // prepaid-cross-region: credentials from BAIDUCLOUD_*; removing it takes
        // delete_protect = false, then (Baidu keeps an unexpired Prepaid peering) expiry.
        let mut wd = scenario_workdir(tf, "prepaid-cross-region");
        wd.env("TF_VAR_endpoint", emulator.endpoint())
            .env("TF_VAR_reservation_months", "1")
            .env("BAIDUCLOUD_ACCESS_KEY", INITIATOR.access_key)
            .env("BAIDUCLOUD_SECRET_KEY", INITIATOR.secret_key);
        wd.apply();
        let id = wd.output_json()["peerconn_id"]["value"]
            .as_str()
            .expect("peerconn_id output")
            .to_string();
        wd.assert_plan_empty();
        let main_tf = std::fs::read_to_string(wd.path().join("main.tf")).expect("main.tf");
        assert!(main_tf.contains("delete_protect = true"), "{main_tf}");
        wd.write(
            "main.tf",
            &main_tf.replace("delete_protect = true", "delete_protect = false"),
        );
        wd.apply();
        emulator.advance_clock(40 * 24 * 3600);
        wd.destroy();
        let state = emulator.state();
        let left: Vec<&serde_json::Value> = state["peerConns"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|pc| pc["peerConnId"] == id.as_str())
                    .collect()
            })
            .unwrap_or_default();
        assert!(left.is_empty(), "{id} still exists after destroy: {left:?}");
    });
}
