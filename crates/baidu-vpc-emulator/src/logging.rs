//! The emulator's stderr log: one `key=value` line per event, so the request
//! log (`target baidu_vpc_emulator::request`) is easy to grep and parse.
//!
//! ```text
//! 2026-11-25T22:58:01Z INFO request method=GET path=/v1/peerconn operation=ListPeerConn account=a0… status=200 code=- request_id=… latency_ms=1
//! ```

use std::fmt::Write as _;
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use super::clock::{iso8601, real_now_ms};

/// A layer printing this crate's events to stderr.
#[derive(Debug, Clone)]
pub struct StderrLog {
    /// Most verbose level printed.
    pub max_level: Level,
    /// Leave out per-request lines.
    pub quiet_requests: bool,
}

impl Default for StderrLog {
    fn default() -> Self {
        Self {
            max_level: Level::INFO,
            quiet_requests: false,
        }
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

fn push_value(out: &mut String, v: &str) {
    if v.is_empty() || v.contains(|c: char| c.is_whitespace() || c == '"' || c == '=') {
        let _ = write!(out, "{v:?}");
    } else {
        out.push_str(v);
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}=", field.name());
            push_value(&mut self.rest, value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        if field.name() == "message" {
            self.message.push_str(&text);
        } else {
            let _ = write!(self.rest, " {}=", field.name());
            push_value(&mut self.rest, &text);
        }
    }
}

impl StderrLog {
    /// Formats one event (without the trailing newline).
    pub fn format(&self, event: &Event<'_>) -> Option<String> {
        let meta = event.metadata();
        let ours =
            meta.target().starts_with("tfbaidu") || meta.target().starts_with("baidu_vpc_emulator");
        if !ours || *meta.level() > self.max_level {
            return None;
        }
        if self.quiet_requests && meta.target() == "baidu_vpc_emulator::request" {
            return None;
        }
        let mut f = Fields::default();
        event.record(&mut f);
        Some(format!(
            "{} {} {}{}",
            iso8601(real_now_ms()),
            meta.level(),
            f.message,
            f.rest
        ))
    }
}

impl<S: Subscriber> Layer<S> for StderrLog {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if let Some(line) = self.format(event) {
            // Logging must never take the server down; a closed stderr is ignored.
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
    }
}

/// Installs [`StderrLog`] as the global subscriber (once per process).
pub fn install(log: StderrLog) -> bool {
    use tracing_subscriber::layer::SubscriberExt;
    let subscriber = tracing_subscriber::registry().with(log);
    tracing::subscriber::set_global_default(subscriber).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    struct Capture(Arc<Mutex<Vec<String>>>, StderrLog);

    impl<S: Subscriber> Layer<S> for Capture {
        fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
            if let Some(l) = self.1.format(event) {
                self.0.lock().unwrap().push(l);
            }
        }
    }

    #[test]
    fn formats_key_value_lines() {
        use tracing_subscriber::layer::SubscriberExt;
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sub = tracing_subscriber::registry().with(Capture(lines.clone(), StderrLog::default()));
        tracing::subscriber::with_default(sub, || {
            tracing::info!(target: "baidu_vpc_emulator::request", method = "GET", code = "-", msg = "a b", status = 200u16, "request");
            tracing::debug!(target: "baidu_vpc_emulator::request", "too verbose");
            tracing::info!(target: "other_crate", "not ours");
        });
        let lines = lines.lock().unwrap();
        assert_eq!(lines.len(), 1);
        assert!(
            lines[0].ends_with(r#"INFO request method=GET code=- msg="a b" status=200"#),
            "{}",
            lines[0]
        );
    }
}
