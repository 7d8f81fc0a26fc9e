//! Runs `baidu-vpc-emulator` for a test: on a free loopback port, killed on drop, with a
//! client for its admin API under `/__emulator/` (documented in
//! `docs/guides/emulator.md`).

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::http::{self, HttpResponse};

const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
const LISTENING_PREFIX: &str = "listening on http://";

pub struct Emulator {
    child: Child,
    addr: SocketAddr,
    endpoint: String,
    /// stdout after the first line (the demo credentials).
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<String>>,
}

impl Emulator {
    /// The emulator with its default configuration (the demo accounts).
    #[track_caller]
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    /// With extra command-line arguments, e.g. `["--config", path]`.
    #[track_caller]
    pub fn start_with(args: &[&str]) -> Self {
        Self::spawn_program(super::binaries::emulator(), args)
    }

    /// Runs `program --listen 127.0.0.1:0 <args>` and waits for its first stdout line,
    /// `listening on http://127.0.0.1:PORT`.
    #[track_caller]
    pub fn spawn_program(program: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(program)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));

        let stderr = Arc::new(Mutex::new(String::new()));
        if let Some(mut pipe) = child.stderr.take() {
            let sink = Arc::clone(&stderr);
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if let Ok(mut s) = sink.lock() {
                        s.push_str(&String::from_utf8_lossy(&buf[..n]));
                    }
                }
            });
        }
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let (first_tx, first_rx) = mpsc::channel();
        if let Some(pipe) = child.stdout.take() {
            let sink = Arc::clone(&stdout);
            // Keeps reading after the first line so the emulator never blocks on a full pipe.
            thread::spawn(move || {
                let mut lines = BufReader::new(pipe).lines();
                if let Some(Ok(first)) = lines.next() {
                    let _ = first_tx.send(first);
                }
                for line in lines.map_while(Result::ok) {
                    if let Ok(mut s) = sink.lock() {
                        s.push(line);
                    }
                }
            });
        }

        let first = first_rx.recv_timeout(STARTUP_TIMEOUT);
        let parsed = match &first {
            Ok(line) => parse_listening_line(line),
            Err(_) => Err(format!(
                "no stdout line within {}s (or it exited)",
                STARTUP_TIMEOUT.as_secs()
            )),
        };
        match parsed {
            Ok(addr) => Emulator {
                child,
                addr,
                endpoint: format!("http://{addr}"),
                stdout,
                stderr,
            },
            Err(why) => {
                let _ = child.kill();
                let status = child.wait().ok();
                // Give the stderr reader a moment to see the end of the pipe.
                let until = Instant::now() + Duration::from_secs(2);
                while Instant::now() < until && Arc::strong_count(&stderr) > 1 {
                    thread::sleep(Duration::from_millis(20));
                }
                let log = stderr.lock().map(|s| s.clone()).unwrap_or_default();
                panic!(
                    "emulator {} did not start: {why} (status {status:?})\n--- stderr ---\n{log}",
                    program.display()
                );
            }
        }
    }

    /// `http://127.0.0.1:PORT`: the provider's `endpoint`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// What the emulator logged so far (stderr).
    pub fn stderr_text(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// stdout lines after the `listening on` line.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Any request to the emulator (admin or Baidu API path), unauthenticated.
    #[track_caller]
    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> HttpResponse {
        http::request(self.addr, method, path, body).unwrap_or_else(|e| {
            panic!(
                "{method} {path} to the emulator failed: {e}\n--- emulator stderr ---\n{}",
                self.stderr_text()
            )
        })
    }

    /// An admin call that must answer 2xx; returns its JSON body (`null` when empty).
    #[track_caller]
    pub fn admin(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let response = self.request(method, path, body);
        assert!(
            (200..300).contains(&response.status),
            "{method} {path} answered {}: {}\n--- emulator stderr ---\n{}",
            response.status,
            response.text(),
            self.stderr_text()
        );
        if response.body.iter().all(u8::is_ascii_whitespace) {
            Value::Null
        } else {
            response.json()
        }
    }

    #[track_caller]
    pub fn health(&self) -> Value {
        self.admin("GET", "/__emulator/health", None)
    }

    /// Every object, including the create request each peering was made from.
    #[track_caller]
    pub fn state(&self) -> Value {
        self.admin("GET", "/__emulator/state", None)
    }

    #[track_caller]
    pub fn reset(&self) {
        self.admin("POST", "/__emulator/reset", None);
    }

    #[track_caller]
    pub fn advance_clock(&self, seconds: u64) {
        self.admin(
            "POST",
            "/__emulator/clock/advance",
            Some(&json!({ "seconds": seconds })),
        );
    }

    #[track_caller]
    pub fn set_faults(&self, faults: &Value) {
        self.admin("PUT", "/__emulator/faults", Some(faults));
    }

    #[track_caller]
    pub fn set_timing(&self, timing: &Value) {
        self.admin("PUT", "/__emulator/timing", Some(timing));
    }

    /// Forces a peering's status, e.g. `error`.
    #[track_caller]
    pub fn force_status(&self, peerconn_id: &str, status: &str) {
        self.admin(
            "POST",
            &format!("/__emulator/peerconns/{peerconn_id}/status"),
            Some(&json!({ "status": status })),
        );
    }

    /// Deletes a peering behind Terraform's back (drift).
    #[track_caller]
    pub fn delete_out_of_band(&self, peerconn_id: &str) {
        self.admin(
            "DELETE",
            &format!("/__emulator/peerconns/{peerconn_id}"),
            None,
        );
    }

    /// Changes a peering's attributes behind Terraform's back (drift), e.g.
    /// `{"description": "changed"}`; see `POST /__emulator/peerconns/{id}/attributes`.
    #[track_caller]
    pub fn change_out_of_band(&self, peerconn_id: &str, attributes: &Value) {
        self.admin(
            "POST",
            &format!("/__emulator/peerconns/{peerconn_id}/attributes"),
            Some(attributes),
        );
    }

    /// The request log.
    #[track_caller]
    pub fn requests(&self) -> Value {
        self.admin("GET", "/__emulator/requests", None)
    }

    /// Stops with SIGTERM (so a `--state-file` gets written), SIGKILL after 10 s.
    pub fn stop(mut self) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill")
            .args(["-s", "TERM", &self.child.id().to_string()])
            .status();
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        self.child.wait().ok()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // After stop() the process is already reaped; kill() then just errors.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `listening on http://127.0.0.1:PORT` → the address; anything else, or a
/// non-loopback address, is an error.
pub fn parse_listening_line(line: &str) -> Result<SocketAddr, String> {
    let rest = line
        .trim_end()
        .strip_prefix(LISTENING_PREFIX)
        .ok_or_else(|| {
            format!("first stdout line is not `{LISTENING_PREFIX}HOST:PORT`: {line:?}")
        })?;
    let addr: SocketAddr = rest
        .trim_end_matches('/')
        .parse()
        .map_err(|e| format!("bad address in {line:?}: {e}"))?;
    if !addr.ip().is_loopback() || addr.port() == 0 {
        return Err(format!(
            "emulator must listen on a loopback port, got {addr}"
        ));
    }
    Ok(addr)
}
