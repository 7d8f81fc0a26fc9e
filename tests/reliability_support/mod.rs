//! Shared by the reliability tests (`tests/reliability_*.rs`): an emulator
//! with many VPC pairs and raised quotas, HCL for N peerings, the
//! "emulator objects == state ids" invariant, a Terraform run that can be
//! interrupted, and a tiny seeded random generator.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{terraform_clients, Emulator, Terraform, TfWorkdir};

/// Reads a `usize` knob from the environment (larger runs are opt-in).
pub fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// Seeds from a comma-separated knob, e.g. `TFBAIDU_SOAK_SEEDS=1,2,3`.
pub fn seeds(name: &str, default: &[u64]) -> Vec<u64> {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.split(',')
                .filter_map(|s| s.trim().parse().ok())
                .collect::<Vec<u64>>()
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_vec())
}

/// The newest installed Terraform: reliability runs are about the provider
/// and the emulator, and the e2e suites already cover every client.
pub fn newest_terraform() -> Terraform {
    terraform_clients()
        .into_iter()
        .last()
        .expect("at least one Terraform client is installed")
}

/// SplitMix64: small, seeded, good enough to pick interruption points.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
}

pub const ACCOUNT_ID: &str = "a0000000000000000000000000000001";
pub const ACCESS_KEY: &str = "DEMOAK00000000000000000000000001";
pub const SECRET_KEY: &str = "DEMOSK00000000000000000000000001";

/// VPC `i` of the soak account (`vpc-rel` + 9 digits, all in `bj`).
pub fn vpc(i: usize) -> String {
    format!("vpc-rel{i:09}")
}

/// The `i`-th distinct VPC pair: (vpc(2i), vpc(2i+1)).
pub fn pair(i: usize) -> (String, String) {
    (vpc(2 * i), vpc(2 * i + 1))
}

/// An emulator configuration (TOML, format in docs/guides/emulator.md) with one
/// account owning `vpcs` VPCs in `bj` and the given quotas.
pub fn emulator_config(vpcs: usize, per_vpc: usize, per_account: usize) -> String {
    let mut s = format!(
        "[quotas]\nper_vpc = {per_vpc}\nper_account = {per_account}\n\n\
         [[accounts]]\nname = \"initiator\"\nid = \"{ACCOUNT_ID}\"\n\
         access_key = \"{ACCESS_KEY}\"\nsecret_key = \"{SECRET_KEY}\"\nvpcs = [\n"
    );
    for i in 0..vpcs {
        s.push_str(&format!("  {{ id = \"{}\", region = \"bj\" }},\n", vpc(i)));
    }
    s.push_str("]\n");
    s
}

/// An emulator started with `config` and extra flags; keeps its config file alive.
pub struct TestEmulator {
    pub emulator: Emulator,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for TestEmulator {
    type Target = Emulator;
    fn deref(&self) -> &Emulator {
        &self.emulator
    }
}

pub fn start_emulator(config: &str, flags: &[&str]) -> TestEmulator {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("emulator.toml");
    std::fs::write(&path, config).expect("write the emulator config");
    let mut args = vec!["--config", path.to_str().expect("utf-8 path"), "--quiet"];
    args.extend_from_slice(flags);
    TestEmulator {
        emulator: Emulator::start_with(&args),
        _dir: dir,
    }
}

/// Provider block + `count` peerings `baidu_peerconn.p[i]` on pairs 0..count.
pub fn peerings_hcl(endpoint: &str, pairs: &[(String, String)]) -> String {
    let list: Vec<String> = pairs
        .iter()
        .map(|(a, b)| format!("[\"{a}\", \"{b}\"]"))
        .collect();
    format!(
        r#"{}
provider "baidu" {{
  region     = "bj"
  endpoint   = "{endpoint}"
  access_key = "{ACCESS_KEY}"
  secret_key = "{SECRET_KEY}"
}}

locals {{
  pairs = [
    {}
  ]
}}

resource "baidu_peerconn" "p" {{
  count             = length(local.pairs)
  bandwidth_in_mbps = 10
  local_vpc_id      = local.pairs[count.index][0]
  peer_vpc_id       = local.pairs[count.index][1]
  peer_region       = "bj"
  description       = "reliability ${{count.index}}"
  billing {{
    payment_timing = "Postpaid"
  }}
}}
"#,
        crate::common::provider_config::required_providers(),
        list.join(",\n    ")
    )
}

/// A live peering in the emulator.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LiveObject {
    pub id: String,
    pub status: String,
    pub local_vpc: String,
    pub peer_vpc: String,
}

pub fn live_objects(emulator: &Emulator) -> Vec<LiveObject> {
    let state = emulator.state();
    state["peerConns"]
        .as_array()
        .expect("the state dump lists peerConns")
        .iter()
        .map(|p| LiveObject {
            id: p["peerConnId"].as_str().unwrap_or_default().to_owned(),
            status: p["status"].as_str().unwrap_or_default().to_owned(),
            local_vpc: p["initiator"]["vpcId"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            peer_vpc: p["acceptor"]["vpcId"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        })
        .collect()
}

/// A `baidu_peerconn` instance in the state file: (address, id, tainted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateObject {
    pub address: String,
    pub id: String,
    pub tainted: bool,
}

/// Reads `terraform.tfstate` directly (no Terraform run needed).
pub fn state_objects(dir: &Path) -> Vec<StateObject> {
    let Ok(text) = std::fs::read_to_string(dir.join("terraform.tfstate")) else {
        return Vec::new();
    };
    let state: Value = serde_json::from_str(&text).expect("the state file is JSON");
    let mut out = Vec::new();
    for r in state["resources"].as_array().into_iter().flatten() {
        if r["type"] != "baidu_peerconn" || r["mode"] != "managed" {
            continue;
        }
        let name = r["name"].as_str().unwrap_or_default();
        for inst in r["instances"].as_array().into_iter().flatten() {
            let address = match &inst["index_key"] {
                Value::Null => format!("baidu_peerconn.{name}"),
                Value::Number(n) => format!("baidu_peerconn.{name}[{n}]"),
                Value::String(s) => format!("baidu_peerconn.{name}[\"{s}\"]"),
                other => format!("baidu_peerconn.{name}[{other}]"),
            };
            out.push(StateObject {
                address,
                id: inst["attributes"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                tainted: inst["status"] == "tainted",
            });
        }
        // Deposed objects (create_before_destroy) would be listed here too; we don't use it.
    }
    out
}

/// Live emulator objects vs. state: (orphans = live but not in state,
/// ghosts = in state but not live, duplicate ids in state, duplicate pairs live).
#[derive(Debug, Default)]
pub struct Comparison {
    pub orphans: Vec<LiveObject>,
    pub ghosts: Vec<StateObject>,
    pub duplicate_state_ids: Vec<String>,
    pub duplicate_live_pairs: Vec<(String, String)>,
}

impl Comparison {
    pub fn is_exact(&self) -> bool {
        self.orphans.is_empty()
            && self.ghosts.is_empty()
            && self.duplicate_state_ids.is_empty()
            && self.duplicate_live_pairs.is_empty()
    }
}

pub fn compare(live: &[LiveObject], state: &[StateObject]) -> Comparison {
    let state_ids: BTreeSet<&str> = state.iter().map(|s| s.id.as_str()).collect();
    let live_ids: BTreeSet<&str> = live.iter().map(|l| l.id.as_str()).collect();
    let mut seen = BTreeSet::new();
    let duplicate_state_ids = state
        .iter()
        .filter(|s| !seen.insert(s.id.as_str()))
        .map(|s| s.id.clone())
        .collect();
    let mut pairs: BTreeMap<(String, String), usize> = BTreeMap::new();
    for l in live {
        let key = if l.local_vpc < l.peer_vpc {
            (l.local_vpc.clone(), l.peer_vpc.clone())
        } else {
            (l.peer_vpc.clone(), l.local_vpc.clone())
        };
        *pairs.entry(key).or_default() += 1;
    }
    Comparison {
        orphans: live
            .iter()
            .filter(|l| !state_ids.contains(l.id.as_str()))
            .cloned()
            .collect(),
        ghosts: state
            .iter()
            .filter(|s| !live_ids.contains(s.id.as_str()))
            .cloned()
            .collect(),
        duplicate_state_ids,
        duplicate_live_pairs: pairs
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(k, _)| k)
            .collect(),
    }
}

/// Asserts state and emulator hold exactly the same objects.
#[track_caller]
pub fn assert_exact(step: &str, emulator: &Emulator, dir: &Path) {
    let live = live_objects(emulator);
    let state = state_objects(dir);
    let c = compare(&live, &state);
    assert!(
        c.is_exact(),
        "{step}: emulator and state differ: {c:#?}\nlive: {live:#?}\nstate: {state:#?}"
    );
}

/// How many requests of `operation` the emulator logged.
pub fn count_requests(emulator: &Emulator, operation: &str) -> usize {
    emulator.requests()["requests"]
        .as_array()
        .map(|r| r.iter().filter(|x| x["operation"] == operation).count())
        .unwrap_or(0)
}

/// `terraform apply -auto-approve -parallelism=P`, whatever its result.
pub fn apply(wd: &TfWorkdir, parallelism: usize) -> crate::common::TfOutput {
    wd.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        &format!("-parallelism={parallelism}"),
    ])
}

pub fn destroy(wd: &TfWorkdir, parallelism: usize) -> crate::common::TfOutput {
    wd.run(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        &format!("-parallelism={parallelism}"),
    ])
}

/// A `terraform` process started in the background in `wd`, in its own
/// process group (like a foreground job in a terminal), with the same
/// environment `TfWorkdir::run` gives it.
pub struct Background {
    pub child: Child,
    out: std::sync::mpsc::Receiver<Vec<u8>>,
    err: std::sync::mpsc::Receiver<Vec<u8>>,
}

pub fn spawn_terraform(wd: &TfWorkdir, args: &[&str]) -> Background {
    use std::os::unix::process::CommandExt;
    let mut cmd = Command::new(&wd.terraform().path);
    cmd.args(args)
        .current_dir(wd.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("TF_") || k.starts_with("CHECKPOINT_") || k.starts_with("BAIDUCLOUD_") {
            cmd.env_remove(&key);
        }
    }
    cmd.env("TF_CLI_CONFIG_FILE", wd.cli_config_path())
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_INPUT", "0");
    cmd.process_group(0);
    let mut child = cmd.spawn().expect("start terraform");
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        let (tx, rx) = std::sync::mpsc::channel();
        if let Some(mut pipe) = pipe {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                let _ = pipe.read_to_end(&mut buf);
                let _ = tx.send(buf);
            });
        }
        rx
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    Background { child, out, err }
}

impl Background {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` to the whole process group (what Ctrl-C in a terminal does).
    pub fn signal_group(&self, signal: &str) {
        let _ = Command::new("kill")
            .args(["-s", signal, "--", &format!("-{}", self.pid())])
            .status();
    }

    /// Direct children of terraform whose executable is our provider.
    pub fn provider_pids(&self) -> Vec<u32> {
        let mut pids = Vec::new();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return pids;
        };
        for e in entries.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // "pid (comm) state ppid …": comm may contain spaces, so split after ')'.
            let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
                continue;
            };
            let ppid: Option<u32> = rest.split_whitespace().nth(1).and_then(|s| s.parse().ok());
            if ppid != Some(self.pid()) {
                continue;
            }
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
            if exe
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("terraform-provider-baidu"))
            {
                pids.push(pid);
            }
        }
        pids
    }

    /// Waits for exit (killing the group after `limit`); returns (exit code, stdout, stderr).
    pub fn wait(mut self, limit: Duration) -> (Option<i32>, String, String) {
        let until = Instant::now() + limit;
        let code = loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                break status.code();
            }
            if Instant::now() >= until {
                self.signal_group("KILL");
                let status = self.child.wait().ok();
                panic!("terraform did not exit within {limit:?} (killed; status {status:?})");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let text = |rx: &std::sync::mpsc::Receiver<Vec<u8>>| {
            rx.recv_timeout(Duration::from_secs(20))
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default()
        };
        let out = text(&self.out);
        let err = text(&self.err);
        (code, out, err)
    }
}

/// Waits until `ready()` or `limit` passes; returns whether it became ready.
pub fn wait_until(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if ready() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    ready()
}

/// The newest client's workdir, with the provider block and peerings written.
pub fn workdir_with_peerings(endpoint: &str, pairs: &[(String, String)]) -> TfWorkdir {
    let tf = newest_terraform();
    let wd = TfWorkdir::new(&tf);
    wd.write("main.tf", &peerings_hcl(endpoint, pairs));
    wd
}

/// The address `baidu_peerconn.p[i]` whose pair is (local, peer).
pub fn address_of_pair(pairs: &[(String, String)], local: &str, peer: &str) -> Option<String> {
    pairs
        .iter()
        .position(|(a, b)| (a == local && b == peer) || (a == peer && b == local))
        .map(|i| format!("baidu_peerconn.p[{i}]"))
}
