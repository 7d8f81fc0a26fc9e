//! A Terraform working directory per test, driving the real CLI against the provider
//! cargo built for this test run.
//!
//! Layout of the temporary directory:
//! - `work/`          the root module (`.tf` files, state, plan files); the CLI's cwd
//! - `terraformrc`    the CLI config: `dev_overrides` for `registry.terraform.io/baidu/baidu`
//! - `terraform.log`  `TF_LOG` output, when enabled
//!
//! The CLI runs with a scrubbed environment: every inherited `TF_*`, `CHECKPOINT_*` and
//! `BAIDUCLOUD_*` variable is removed (a developer's `TF_CLI_ARGS` or real cloud keys must
//! not leak into tests), then `TF_CLI_CONFIG_FILE`, `TF_IN_AUTOMATION=1`,
//! `CHECKPOINT_DISABLE=1`, `TF_INPUT=0` and what the test added with [`TfWorkdir::env`].
//! `terraform init` is never needed: `dev_overrides` makes Terraform use the binary directly.
//!
//! Env knobs: `TFBAIDU_TF_TIMEOUT_SECS` (per command, default 300), `TFBAIDU_TF_LOG=debug`
//! (TF_LOG for every run, tail shown on failure), `TFBAIDU_KEEP_WORKDIR=1`.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::json::{diagnostics_text, json_path, pretty};
use super::output::TfOutput;
use super::provider_config::PROVIDER_ADDR;
use super::terraform::Terraform;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(300);
const LOG_TAIL_LINES: usize = 200;

/// Where cargo put `terraform-provider-baidu` for this test run; Terraform finds the
/// executable by its name in that directory.
pub fn provider_dir() -> PathBuf {
    let bin = Path::new(env!("CARGO_BIN_EXE_terraform-provider-baidu"));
    bin.parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

pub struct TfWorkdir {
    tf: Terraform,
    /// Removes the directory on drop (None when kept for debugging).
    _root: Option<tempfile::TempDir>,
    root_path: PathBuf,
    work: PathBuf,
    cli_config: PathBuf,
    env: Vec<(String, String)>,
    timeout: Duration,
    log_level: Option<String>,
}

impl TfWorkdir {
    /// A fresh, empty working directory for `tf`, with its CLI config written.
    #[track_caller]
    pub fn new(tf: &Terraform) -> Self {
        Self::with_provider_dir(tf, &provider_dir())
    }

    /// As [`TfWorkdir::new`], but `dev_overrides` points at `dir`.
    #[track_caller]
    pub fn with_provider_dir(tf: &Terraform, dir: &Path) -> Self {
        let root = tempfile::Builder::new()
            .prefix(&format!("tfbaidu-e2e-{}-", tf.version))
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a temp dir: {e}"));
        let root_path = root.path().to_path_buf();
        let work = root_path.join("work");
        std::fs::create_dir(&work)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", work.display()));
        let cli_config = root_path.join("terraformrc");
        write_file(&cli_config, &cli_config_text(dir));
        let timeout = std::env::var("TFBAIDU_TF_TIMEOUT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_TIMEOUT);
        let log_level = std::env::var("TFBAIDU_TF_LOG")
            .ok()
            .filter(|s| !s.is_empty());
        let keep = std::env::var_os("TFBAIDU_KEEP_WORKDIR").is_some();
        let root = if keep {
            eprintln!("keeping Terraform workdir {}", root_path.display());
            let _ = root.keep();
            None
        } else {
            Some(root)
        };
        TfWorkdir {
            tf: tf.clone(),
            _root: root,
            root_path,
            work,
            cli_config,
            env: Vec::new(),
            timeout,
            log_level,
        }
    }

    pub fn terraform(&self) -> &Terraform {
        &self.tf
    }

    /// The root module directory (the CLI's working directory).
    pub fn path(&self) -> &Path {
        &self.work
    }

    pub fn cli_config_path(&self) -> &Path {
        &self.cli_config
    }

    /// Writes (or replaces) a file in the root module, e.g. `write("main.tf", hcl)`.
    #[track_caller]
    pub fn write(&self, name: &str, contents: &str) -> &Self {
        write_file(&self.work.join(name), contents);
        self
    }

    #[track_caller]
    pub fn remove(&self, name: &str) -> &Self {
        let path = self.work.join(name);
        std::fs::remove_file(&path)
            .unwrap_or_else(|e| panic!("cannot remove {}: {e}", path.display()));
        self
    }

    /// Adds an environment variable for every later command (and so for the provider).
    pub fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Enables `TF_LOG=<level>` into `terraform.log`; its tail is shown when a command fails.
    pub fn log(&mut self, level: &str) -> &mut Self {
        self.log_level = Some(level.to_string());
        self
    }

    /// Everything Terraform (and the provider, through it) logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    pub fn timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = timeout;
        self
    }

    fn log_path(&self) -> PathBuf {
        self.root_path.join("terraform.log")
    }

    /// Runs `terraform <args>` and returns what happened, whatever the exit code.
    /// Fails the test only if the command cannot start or exceeds the timeout (it is
    /// killed, with everything it started, first).
    #[track_caller]
    pub fn run(&self, args: &[&str]) -> TfOutput {
        let mut cmd = Command::new(&self.tf.path);
        cmd.args(args)
            .current_dir(&self.work)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if k.starts_with("TF_") || k.starts_with("CHECKPOINT_") || k.starts_with("BAIDUCLOUD_")
            {
                cmd.env_remove(&key);
            }
        }
        cmd.env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_INPUT", "0");
        if let Some(level) = &self.log_level {
            cmd.env("TF_LOG", level).env("TF_LOG_PATH", self.log_path());
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        // Own process group, so a timeout kills provider plugins along with Terraform.
        cmd.process_group(0);

        let started = Instant::now();
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!("cannot start {} ({}): {e}", self.tf, self.tf.path.display())
        });
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let (code, timed_out) = wait_with_deadline(&mut child, started + self.timeout);
        // The pipes close when every process holding them has exited; a straggler
        // (say a provider Terraform failed to stop) is killed rather than waited for.
        let grace = Duration::from_secs(10);
        let mut out = collect(&stdout, grace);
        let mut err = collect(&stderr, grace);
        if out.is_none() || err.is_none() {
            kill_group(child.id());
            out = out.or_else(|| collect(&stdout, grace));
            err = err.or_else(|| collect(&stderr, grace));
        }
        let output = TfOutput {
            client: self.tf.to_string(),
            args: args.iter().map(|s| s.to_string()).collect(),
            dir: self.work.clone(),
            code,
            stdout: out.unwrap_or_else(|| "<stdout still held open by a child process>".into()),
            stderr: err.unwrap_or_else(|| "<stderr still held open by a child process>".into()),
            elapsed: started.elapsed(),
            timed_out,
            log_tail: self
                .log_level
                .as_ref()
                .map(|_| tail(&self.log_text(), LOG_TAIL_LINES)),
        };
        if timed_out {
            panic!(
                "Terraform did not finish within {}s and was killed:\n{output}",
                self.timeout.as_secs()
            );
        }
        output
    }

    /// Runs `terraform <args>` and fails the test unless it exits 0.
    #[track_caller]
    pub fn run_ok(&self, args: &[&str]) -> TfOutput {
        let out = self.run(args);
        out.assert_success();
        out
    }

    /// `terraform validate -json`: the result document whatever its verdict (a failed
    /// validation exits 1 but still prints it). See [`super::json::assert_valid`].
    #[track_caller]
    pub fn validate_json(&self) -> Value {
        let out = self.run(&["validate", "-json", "-no-color"]);
        let json = out.json();
        // Exit code and verdict must agree, or the CLI failed before validating.
        let valid = json.get("valid") == Some(&Value::Bool(true));
        assert_eq!(
            out.success(),
            valid,
            "validate's exit code disagrees with its JSON:\n{out}"
        );
        json
    }

    /// `terraform validate -json` that must say valid; on failure shows the
    /// diagnostics and the whole run (with the `TF_LOG` tail when logging is on:
    /// that is where a provider's own stderr ends up).
    #[track_caller]
    pub fn validate_ok(&self) -> Value {
        let out = self.run(&["validate", "-json", "-no-color"]);
        let json = out.json();
        if json.get("valid") != Some(&Value::Bool(true)) || !out.success() {
            panic!(
                "configuration is not valid:\n{}\n{out}",
                diagnostics_text(&json)
            );
        }
        json
    }

    /// `terraform providers schema -json`, which must succeed.
    #[track_caller]
    pub fn providers_schema_json(&self) -> Value {
        self.run_ok(&["providers", "schema", "-json", "-no-color"])
            .json()
    }

    /// Our provider's schema from `providers schema -json`.
    #[track_caller]
    pub fn provider_schema(&self) -> Value {
        json_path(
            &self.providers_schema_json(),
            &["provider_schemas", PROVIDER_ADDR],
        )
        .clone()
    }

    /// `terraform plan -detailed-exitcode <extra>`; fails the test on an error (exit 1).
    #[track_caller]
    pub fn plan_detailed_exitcode(&self, extra: &[&str]) -> PlanResult {
        let mut args = vec!["plan", "-detailed-exitcode", "-input=false", "-no-color"];
        args.extend_from_slice(extra);
        let output = self.run(&args);
        match output.code {
            Some(0) => PlanResult {
                changes: false,
                output,
            },
            Some(2) => PlanResult {
                changes: true,
                output,
            },
            _ => panic!("plan failed:\n{output}"),
        }
    }

    /// The perpetual-diff checks of terraform-plugin-testing: after an apply, a plan
    /// without and with refresh must both be empty.
    #[track_caller]
    pub fn assert_plan_empty(&self) {
        self.plan_detailed_exitcode(&["-refresh=false"])
            .assert_no_changes();
        self.plan_detailed_exitcode(&[]).assert_no_changes();
    }

    /// `terraform plan -out=tfplan <extra>` then `terraform show -json tfplan`.
    #[track_caller]
    pub fn plan_json(&self, extra: &[&str]) -> PlanJson {
        let mut args = vec!["plan", "-out=tfplan", "-input=false", "-no-color"];
        args.extend_from_slice(extra);
        let plan = self.run_ok(&args);
        let json = self
            .run_ok(&["show", "-json", "-no-color", "tfplan"])
            .json();
        PlanJson { json, plan }
    }

    /// `terraform apply -auto-approve`; must succeed.
    #[track_caller]
    pub fn apply(&self) -> TfOutput {
        self.apply_with(&[]).assert_success().clone()
    }

    /// `terraform apply -auto-approve <extra>` (e.g. `tfplan`, `-refresh-only`), any outcome.
    #[track_caller]
    pub fn apply_with(&self, extra: &[&str]) -> TfOutput {
        let mut args = vec!["apply", "-auto-approve", "-input=false", "-no-color"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// `terraform apply` that must fail; returns the output to check the error.
    #[track_caller]
    pub fn apply_expect_error(&self) -> TfOutput {
        self.apply_with(&[]).assert_failure().clone()
    }

    /// `terraform destroy -auto-approve`; must succeed.
    #[track_caller]
    pub fn destroy(&self) -> TfOutput {
        self.run_ok(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform show -json` (the state).
    #[track_caller]
    pub fn show_json(&self) -> Value {
        self.run_ok(&["show", "-json", "-no-color"]).json()
    }

    /// Every resource instance of the root module's state, from `show -json`.
    #[track_caller]
    pub fn state_instances(&self) -> Vec<StateInstance> {
        instances_of(&self.show_json())
    }

    /// The state's resource instance at `address` (e.g. `baidu_peerconn.a`).
    #[track_caller]
    pub fn state_of(&self, address: &str) -> StateInstance {
        let state = self.show_json();
        match instances_of(&state)
            .into_iter()
            .find(|r| r.address == address)
        {
            Some(r) => r,
            None => panic!(
                "state has no resource {address}; state:\n{}",
                pretty(&state)
            ),
        }
    }

    /// The raw state file's first instance of resource type `ty`: it records
    /// taint, which `show -json` does not on every version.
    #[track_caller]
    pub fn state_file_instance(&self, ty: &str) -> Value {
        let path = self.path().join("terraform.tfstate");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let state: Value = serde_json::from_str(&text).expect("state file is JSON");
        state
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|r| r.get("type").and_then(Value::as_str) == Some(ty))
            .and_then(|r| r.pointer("/instances/0"))
            .cloned()
            .unwrap_or_else(|| panic!("no {ty} in the state file:\n{text}"))
    }

    /// `terraform output -json`: `{name: {sensitive, type, value}}`.
    #[track_caller]
    pub fn output_json(&self) -> Value {
        self.run_ok(&["output", "-json", "-no-color"]).json()
    }

    /// `terraform import ADDR ID`; must succeed.
    #[track_caller]
    pub fn import(&self, address: &str, id: &str) -> TfOutput {
        self.run_ok(&["import", "-input=false", "-no-color", address, id])
    }

    /// `terraform state rm ADDR`; must succeed.
    #[track_caller]
    pub fn state_rm(&self, address: &str) -> TfOutput {
        self.run_ok(&["state", "rm", "-no-color", address])
    }
}

/// Outcome of `plan -detailed-exitcode` that did not error.
#[derive(Debug)]
pub struct PlanResult {
    pub changes: bool,
    pub output: TfOutput,
}

impl PlanResult {
    #[track_caller]
    pub fn assert_no_changes(&self) -> &Self {
        assert!(!self.changes, "expected an empty plan:\n{}", self.output);
        self
    }

    #[track_caller]
    pub fn assert_changes(&self) -> &Self {
        assert!(
            self.changes,
            "expected a plan with changes:\n{}",
            self.output
        );
        self
    }
}

/// A saved plan as `terraform show -json tfplan` describes it.
#[derive(Debug)]
pub struct PlanJson {
    pub json: Value,
    /// The `plan -out` run itself (its human-readable output).
    pub plan: TfOutput,
}

impl PlanJson {
    /// `(address, actions)` of every `resource_changes` entry, e.g.
    /// `("baidu_peerconn.a", ["delete", "create"])`.
    pub fn resource_actions(&self) -> Vec<(String, Vec<String>)> {
        self.json
            .get("resource_changes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|rc| {
                let address = rc
                    .get("address")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
                    .to_string();
                (address, actions(rc.pointer("/change/actions")))
            })
            .collect()
    }

    /// Actions planned for one resource instance; fails if the plan doesn't mention it.
    #[track_caller]
    pub fn actions(&self, address: &str) -> Vec<String> {
        self.resource_actions()
            .into_iter()
            .find(|(a, _)| a == address)
            .map(|(_, acts)| acts)
            .unwrap_or_else(|| {
                panic!(
                    "plan has no change for {address}; it has {:?}",
                    self.resource_actions()
                )
            })
    }

    /// The `resource_changes` entry for one instance (with `change.before/after/after_unknown`).
    #[track_caller]
    pub fn resource_change(&self, address: &str) -> Value {
        let changes = self
            .json
            .get("resource_changes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        changes
            .into_iter()
            .find(|rc| rc.get("address").and_then(Value::as_str) == Some(address))
            .unwrap_or_else(|| panic!("plan has no change for {address}:\n{}", pretty(&self.json)))
    }

    /// Actions planned for a root module output.
    #[track_caller]
    pub fn output_actions(&self, name: &str) -> Vec<String> {
        actions(Some(json_path(
            &self.json,
            &["output_changes", name, "actions"],
        )))
    }

    /// True when every resource change is a no-op (output changes are ignored).
    pub fn is_resource_noop(&self) -> bool {
        self.resource_actions()
            .iter()
            .all(|(_, acts)| acts.iter().all(|a| a == "no-op"))
    }
}

fn actions(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect()
}

/// The CLI config: only our provider, from cargo's output directory; nothing is
/// installed from a registry (the machines here cannot reach one).
pub fn cli_config_text(provider_dir: &Path) -> String {
    format!(
        "# Written by the end-to-end test harness (tests/common/workdir.rs).\n\
         provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_ADDR}\" = \"{}\"\n  }}\n}}\n",
        hcl_escape(&provider_dir.to_string_lossy())
    )
}

/// Escapes text for an HCL quoted string (Terraform >= 1.9 also expands `$VAR` in
/// dev_overrides paths; cargo's target paths don't contain `$`).
pub fn hcl_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace("${", "$${")
        .replace("%{", "%%{")
}

#[track_caller]
fn write_file(path: &Path, contents: &str) {
    std::fs::write(path, contents)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    if let Some(mut pipe) = pipe {
        thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = pipe.read_to_end(&mut buf);
            let _ = tx.send(buf);
        });
    }
    rx
}

fn collect(rx: &mpsc::Receiver<Vec<u8>>, wait: Duration) -> Option<String> {
    rx.recv_timeout(wait)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Polls until the child exits or the deadline passes (then kills its process group).
/// Returns (exit code, timed out).
fn wait_with_deadline(child: &mut Child, deadline: Instant) -> (Option<i32>, bool) {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return (status.code(), false),
            Ok(None) => {}
            Err(e) => panic!("waiting for terraform failed: {e}"),
        }
        if Instant::now() >= deadline {
            kill_group(child.id());
            let _ = child.kill();
            let status = child.wait().ok();
            return (status.and_then(|s| s.code()), true);
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// SIGKILL to a whole process group (the std library only signals single processes).
pub fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pgid}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// One resource instance of a state, as `terraform show -json` has it.
#[derive(Debug, Clone)]
pub struct StateInstance {
    /// E.g. `baidu_peerconn.a`.
    pub address: String,
    /// The resource type.
    pub ty: String,
    /// Its attributes.
    pub values: Value,
}

impl StateInstance {
    /// An attribute (null when absent).
    pub fn attr(&self, name: &str) -> &Value {
        self.values.get(name).unwrap_or(&Value::Null)
    }

    /// A string attribute; anything else fails the test, naming it.
    #[track_caller]
    pub fn str(&self, name: &str) -> &str {
        match self.attr(name) {
            Value::String(s) => s,
            other => panic!(
                "{}.{name} is not a string in the state: {other}",
                self.address
            ),
        }
    }

    /// The `id`.
    #[track_caller]
    pub fn id(&self) -> &str {
        self.str("id")
    }
}

fn instances_of(state: &Value) -> Vec<StateInstance> {
    state
        .pointer("/values/root_module/resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| StateInstance {
            address: r
                .get("address")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            ty: r
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            values: r.get("values").cloned().unwrap_or(Value::Null),
        })
        .collect()
}
