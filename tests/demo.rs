//! The main job: `scripts/demo.sh` (what `make demo` runs) on every real
//! Terraform client. It installs the provider into a filesystem mirror, starts the
//! emulator, runs `terraform init` + `apply` on examples/quickstart and prints the
//! peerConnIds, and must leave no emulator running. The test passes the binaries cargo
//! built for it (`PROVIDER_BIN`, `EMULATOR_BIN`) so the script doesn't run cargo itself.

mod common;

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use common::terraform::repo_root;
use common::workdir::kill_group;
use common::{each_terraform, Terraform};

const DEADLINE: Duration = Duration::from_secs(600);

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the demo in its own process group, killed (with whatever it started) after
/// [`DEADLINE`].
fn run_demo(tf: &Terraform, demo_dir: &std::path::Path) -> Run {
    let mut cmd = Command::new(repo_root().join("scripts/demo.sh"));
    for (key, _) in std::env::vars_os() {
        let k = key.to_string_lossy();
        if k.starts_with("TF_") || k.starts_with("BAIDUCLOUD_") || k == "KEEP_RUNNING" {
            cmd.env_remove(&key);
        }
    }
    cmd.env("DEMO_DIR", demo_dir)
        .env("TERRAFORM", &tf.path)
        .env(
            "PROVIDER_BIN",
            env!("CARGO_BIN_EXE_terraform-provider-baidu"),
        )
        .env("EMULATOR_BIN", common::binaries::emulator())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    let mut child = cmd.spawn().expect("start scripts/demo.sh");
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let err = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait for demo.sh") {
            break status.code();
        }
        if started.elapsed() > DEADLINE {
            kill_group(child.id());
            let _ = child.wait();
            panic!("scripts/demo.sh did not finish within {DEADLINE:?} and was killed");
        }
        thread::sleep(Duration::from_millis(50));
    };
    Run {
        code,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

/// Every `peerconn-` + 12 lowercase alphanumerics in `text`, first occurrences in order.
fn peerconn_ids(text: &str) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (at, _) in text.match_indices("peerconn-") {
        let tail: String = text[at + 9..].chars().take(13).collect();
        let id_part: String = tail.chars().take(12).collect();
        let ends = tail
            .chars()
            .nth(12)
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        if id_part.len() == 12
            && id_part
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && ends
        {
            let id = format!("peerconn-{id_part}");
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}

/// The pid from the demo's `emulator at http://... (pid N; ...)` line.
fn emulator_pid(stdout: &str) -> Option<u32> {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("emulator at http://127.0.0.1:"))?;
    let rest = &line[line.find("(pid ")? + 5..];
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[test]
fn the_demo_applies_the_quickstart_and_stops_the_emulator() {
    each_terraform(|tf| {
        let tmp = tempfile::tempdir().expect("temp dir");
        let demo_dir = tmp.path().join("demo");
        let run = run_demo(tf, &demo_dir);
        assert_eq!(run.code, Some(0), "the demo failed:\n{run}");

        // The outputs: both peerConnIds, and the accepted cross-account peering is active.
        let outputs = run
            .stdout
            .split("==> terraform output")
            .nth(1)
            .unwrap_or_else(|| panic!("no terraform output section:\n{run}"));
        let ids = peerconn_ids(outputs);
        assert!(
            ids.len() >= 2,
            "expected two peerConnIds in the outputs:\n{run}"
        );
        assert!(
            outputs.contains("cross_account_status = \"active\""),
            "the cross-account peering was not accepted:\n{run}"
        );

        // The emulator's listing names the same peerings, both active.
        let listing = outputs
            .split("==> the emulator's listing")
            .nth(1)
            .unwrap_or_else(|| panic!("no emulator listing:\n{run}"));
        for id in &ids[..2] {
            let line = listing
                .lines()
                .find(|l| l.contains(id.as_str()))
                .unwrap_or_else(|| panic!("{id} is not in the emulator's listing:\n{run}"));
            assert!(line.contains("active"), "{id} is not active: {line}\n{run}");
        }
        assert!(run.stdout.contains("terraform show") || run.stdout.contains(" show "));
        assert!(run.stdout.contains("/__emulator/state"), "{run}");

        // Offline install: init installed the provider from the demo's mirror.
        assert!(
            run.stdout.contains("Installed baidu/baidu v"),
            "init did not install the provider:\n{run}"
        );

        // Nothing left running.
        let pid = emulator_pid(&run.stdout)
            .unwrap_or_else(|| panic!("no emulator pid in the output:\n{run}"));
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "the emulator (pid {pid}) is still running after the demo:\n{run}"
        );
        assert!(run.stderr.contains("stopped the emulator"), "{run}");
    });
}

#[test]
fn peerconn_ids_are_found_in_terraform_output() {
    let text =
        "a = \"peerconn-abc123def456\"\nb = peerconn-abc123def456x\nc = \"peerconn-zzzzzzzzzzz9\"";
    assert_eq!(
        peerconn_ids(text),
        vec!["peerconn-abc123def456", "peerconn-zzzzzzzzzzz9"]
    );
    assert_eq!(
        emulator_pid("x\nemulator at http://127.0.0.1:5 (pid 4242; log /x)\n"),
        Some(4242)
    );
}
