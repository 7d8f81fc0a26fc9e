//! Runs the `baidu-vpc-emulator` binary for black-box tests and stops it
//! (the process this helper started, by its handle) when dropped.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};

pub struct EmulatorProcess {
    child: Child,
    /// The stdout lines printed at start (first: `listening on http://…`).
    pub banner: Vec<String>,
    _stdout: BufReader<ChildStdout>,
    log_dir: tempfile::TempDir,
}

impl EmulatorProcess {
    pub fn binary() -> PathBuf {
        PathBuf::from(env!("CARGO_BIN_EXE_baidu-vpc-emulator"))
    }

    /// Spawns with `--listen 127.0.0.1:0` plus `args`, and reads the banner.
    pub fn spawn(args: &[&str]) -> Self {
        let log_dir = tempfile::tempdir().unwrap();
        let log = std::fs::File::create(log_dir.path().join("stderr.log")).unwrap();
        let mut child = Command::new(Self::binary())
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("spawn baidu-vpc-emulator");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut banner = Vec::new();
        loop {
            let mut line = String::new();
            let n = stdout.read_line(&mut line).unwrap();
            assert!(n > 0, "emulator exited before printing its banner");
            let line = line.trim_end().to_string();
            let done = line.starts_with("auth=");
            banner.push(line);
            if done {
                break;
            }
        }
        Self {
            child,
            banner,
            _stdout: stdout,
            log_dir,
        }
    }

    /// `127.0.0.1:PORT` from the first stdout line.
    pub fn host(&self) -> String {
        self.banner[0]
            .strip_prefix("listening on http://")
            .expect("first line is `listening on http://HOST:PORT`")
            .to_string()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the emulator logged on stderr so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_dir.path().join("stderr.log")).unwrap_or_default()
    }

    /// Sends SIGTERM to this process and waits for it; returns whether it exited cleanly.
    pub fn terminate(mut self) -> bool {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        let status = self.child.wait().unwrap();
        sent && status.success()
    }
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
