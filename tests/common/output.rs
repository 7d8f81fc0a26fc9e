//! One captured Terraform CLI run, and assertions that show the whole run when they fail.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

#[derive(Clone, Debug)]
pub struct TfOutput {
    /// e.g. `terraform 1.0.3`
    pub client: String,
    pub args: Vec<String>,
    pub dir: PathBuf,
    /// None when the process was ended by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    /// Set when the harness had to kill the command.
    pub timed_out: bool,
    /// Tail of the `TF_LOG` file when logging was enabled for the run.
    pub log_tail: Option<String>,
}

impl TfOutput {
    pub fn success(&self) -> bool {
        self.code == Some(0) && !self.timed_out
    }

    /// The command line as a user would type it.
    pub fn command_line(&self) -> String {
        std::iter::once("terraform")
            .chain(self.args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert!(self.success(), "expected success:\n{self}");
        self
    }

    #[track_caller]
    pub fn assert_failure(&self) -> &Self {
        assert!(
            !self.success() && !self.timed_out,
            "expected the command to fail:\n{self}"
        );
        self
    }

    #[track_caller]
    pub fn assert_exit_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "unexpected exit code:\n{self}");
        self
    }

    #[track_caller]
    pub fn assert_stdout_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}:\n{self}"
        );
        self
    }

    #[track_caller]
    pub fn assert_stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{self}"
        );
        self
    }

    /// Terraform prints diagnostics on stderr and the UI on stdout; this checks either.
    #[track_caller]
    pub fn assert_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "output lacks {needle:?}:\n{self}"
        );
        self
    }

    /// Like [`TfOutput::assert_contains`], ignoring how Terraform wrapped the lines.
    #[track_caller]
    pub fn assert_says(&self, needle: &str) -> &Self {
        let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let text = flat(&format!("{}\n{}", self.stdout, self.stderr));
        assert!(
            text.contains(&flat(needle)),
            "output lacks {needle:?}:\n{self}"
        );
        self
    }

    #[track_caller]
    pub fn assert_not_contains(&self, needle: &str) -> &Self {
        assert!(
            !self.stdout.contains(needle) && !self.stderr.contains(needle),
            "output unexpectedly contains {needle:?}:\n{self}"
        );
        self
    }

    /// stdout parsed as one JSON document.
    #[track_caller]
    pub fn json(&self) -> Value {
        match serde_json::from_str(&self.stdout) {
            Ok(v) => v,
            Err(e) => panic!("stdout is not JSON ({e}):\n{self}"),
        }
    }

    /// stdout parsed as JSON lines (`plan -json`, `apply -json`: the machine-readable UI).
    #[track_caller]
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| match serde_json::from_str(l) {
                Ok(v) => v,
                Err(e) => panic!("stdout line is not JSON ({e}): {l}\n{self}"),
            })
            .collect()
    }
}

impl fmt::Display for TfOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "$ {}   # {} in {}",
            self.command_line(),
            self.client,
            self.dir.display()
        )?;
        let ended = match (self.timed_out, self.code) {
            (true, _) => "KILLED: timed out".to_string(),
            (false, Some(code)) => format!("exit code {code}"),
            (false, None) => "ended by a signal".to_string(),
        };
        writeln!(f, "{ended} after {:.2}s", self.elapsed.as_secs_f64())?;
        writeln!(f, "--- stdout ---\n{}", self.stdout.trim_end())?;
        writeln!(f, "--- stderr ---\n{}", self.stderr.trim_end())?;
        if let Some(log) = &self.log_tail {
            writeln!(f, "--- TF_LOG (tail) ---\n{}", log.trim_end())?;
        }
        write!(f, "--- end (set TFBAIDU_KEEP_WORKDIR=1 to keep the directory, TFBAIDU_TF_LOG=debug for logs) ---")
    }
}
