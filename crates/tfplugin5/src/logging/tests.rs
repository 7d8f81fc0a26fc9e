use std::sync::{Arc, Mutex};

use serde_json::Value;
use tracing::level_filters::LevelFilter;

use super::*;

/// Collects lines in memory.
#[derive(Default)]
struct Memory(Mutex<Vec<u8>>);

impl LogSink for Memory {
    fn write_line(&self, line: &[u8]) {
        self.0.lock().unwrap().extend_from_slice(line);
    }
}

impl Memory {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    fn lines(&self) -> Vec<serde_json::Map<String, Value>> {
        self.text()
            .lines()
            .map(|l| match serde_json::from_str(l) {
                Ok(Value::Object(map)) => map,
                other => panic!("not a JSON object line: {l:?} ({other:?})"),
            })
            .collect()
    }
}

/// Runs `f` with an hclog subscriber at `level` and returns what it wrote.
fn capture(level: LevelFilter, f: impl FnOnce()) -> Arc<Memory> {
    let memory = Arc::new(Memory::default());
    let config = LogConfig {
        level,
        own_crates: vec!["tfplugin5".to_owned(), "tfbaidu".to_owned()],
    };
    let sink: Arc<dyn LogSink> = memory.clone();
    tracing::subscriber::with_default(subscriber(&config, sink), f);
    memory
}

fn is_hclog_timestamp(s: &str) -> bool {
    let layout = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    s.len() == "2006-01-02T15:04:05.000000Z".len()
        && time::PrimitiveDateTime::parse(s, &layout).is_ok()
}

#[test]
fn lines_have_the_hclog_shape_with_span_and_event_fields() {
    let out = capture(LevelFilter::DEBUG, || {
        let span = tracing::info_span!("rpc", tf_rpc = "Configure", tf_req_id = "req-1");
        let _guard = span.enter();
        tracing::info!(
            tf_resource_type = "baidu_peerconn",
            attempt = 2_u64,
            ok = true,
            "provider configured"
        );
    });
    let lines = out.lines();
    assert_eq!(lines.len(), 1, "{}", out.text());
    let line = &lines[0];
    let keys: Vec<&str> = line.keys().map(String::as_str).collect();
    assert_eq!(&keys[..4], ["@level", "@message", "@module", "@timestamp"]);
    assert_eq!(line["@level"], "info");
    assert_eq!(line["@message"], "provider configured");
    assert_eq!(line["@module"], "provider.logging");
    assert!(
        is_hclog_timestamp(line["@timestamp"].as_str().unwrap()),
        "{line:?}"
    );
    assert_eq!(line["tf_rpc"], "Configure");
    assert_eq!(line["tf_req_id"], "req-1");
    assert_eq!(line["tf_resource_type"], "baidu_peerconn");
    assert_eq!(line["attempt"], 2);
    assert_eq!(line["ok"], true);
    assert!(out.text().ends_with('\n'));
}

#[test]
fn every_level_gets_its_hclog_name() {
    let out = capture(LevelFilter::TRACE, || {
        tracing::trace!("t");
        tracing::debug!("d");
        tracing::info!("i");
        tracing::warn!("w");
        tracing::error!("e");
    });
    let levels: Vec<Value> = out.lines().iter().map(|l| l["@level"].clone()).collect();
    assert_eq!(levels, ["trace", "debug", "info", "warn", "error"]);
}

#[test]
fn timestamp_layout_is_gos_with_microseconds() {
    let at = time::macros::datetime!(2006-01-02 15:04:05.123456789 UTC);
    assert_eq!(format_timestamp(at), "2006-01-02T15:04:05.123456Z");
    let offset = time::macros::datetime!(2006-01-02 23:04:05.5 +08:00);
    assert_eq!(format_timestamp(offset), "2006-01-02T15:04:05.500000Z");
}

#[test]
fn level_filter_drops_more_verbose_events() {
    let out = capture(LevelFilter::WARN, || {
        tracing::trace!("t");
        tracing::debug!("d");
        tracing::info!("i");
        tracing::warn!("w");
        tracing::error!("e");
    });
    let messages: Vec<Value> = out.lines().iter().map(|l| l["@message"].clone()).collect();
    assert_eq!(messages, ["w", "e"]);

    let out = capture(LevelFilter::DEBUG, || {
        tracing::trace!("t");
        tracing::debug!("d");
    });
    let messages: Vec<Value> = out.lines().iter().map(|l| l["@message"].clone()).collect();
    assert_eq!(messages, ["d"]);
}

#[test]
fn info_spans_decorate_warnings_even_at_the_baseline_level() {
    let out = capture(BASELINE, || {
        let rpc = tracing::info_span!("rpc", tf_rpc = "ApplyResourceChange");
        let _rpc = rpc.enter();
        let detail = tracing::debug_span!("detail", attempt = 3);
        let _detail = detail.enter();
        tracing::warn!("retrying");
    });
    let lines = out.lines();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["tf_rpc"], "ApplyResourceChange");
    assert!(
        !lines[0].contains_key("attempt"),
        "debug span is off at WARN"
    );
}

#[test]
fn span_fields_recorded_later_are_included() {
    let out = capture(LevelFilter::INFO, || {
        let span = tracing::info_span!(
            "rpc",
            tf_rpc = "ReadResource",
            peerconn_id = tracing::field::Empty
        );
        span.record("peerconn_id", "peerconn-abc");
        let _guard = span.enter();
        tracing::info!("read");
    });
    assert_eq!(out.lines()[0]["peerconn_id"], "peerconn-abc");
}

#[test]
fn foreign_crates_are_capped_at_info_and_named_by_crate() {
    let out = capture(LevelFilter::TRACE, || {
        tracing::debug!(target: "h2::proto::connection", "frame");
        tracing::info!(target: "hyper::server", "listening");
    });
    let lines = out.lines();
    assert_eq!(lines.len(), 1, "{}", out.text());
    assert_eq!(lines[0]["@module"], "provider.hyper");
}

#[test]
fn modules_follow_the_target() {
    let out = capture(LevelFilter::INFO, || {
        tracing::info!(target: "tfbaidu", "a");
        tracing::info!(target: "tfbaidu::framework::dispatch", "b");
        tracing::info!(target: "tfbaidu::provider::peerconn", "c");
        tracing::info!(target: "provider.sdk", "d");
    });
    let modules: Vec<Value> = out.lines().iter().map(|l| l["@module"].clone()).collect();
    assert_eq!(
        modules,
        ["provider", "provider.framework", "provider", "provider.sdk"]
    );
}

#[test]
fn secret_named_fields_print_stars() {
    let out = capture(LevelFilter::INFO, || {
        let span = tracing::info_span!("request", authorization = "bce-auth-v1/AK/sig");
        let _guard = span.enter();
        tracing::info!(
            secret_key = "sk-plain-value",
            session_token = "st-plain-value",
            "x-bce-security-token" = "hdr-token-value",
            signature = "abcdef0123",
            access_key = "DEMOAK00000000000000000000000001",
            "signed"
        );
    });
    let line = &out.lines()[0];
    for key in [
        "authorization",
        "secret_key",
        "session_token",
        "x-bce-security-token",
        "signature",
    ] {
        assert_eq!(line[key], MASK, "{key}");
    }
    assert_eq!(line["access_key"], "DEMOAK00000000000000000000000001");
    let text = out.text();
    for leaked in [
        "sk-plain-value",
        "st-plain-value",
        "hdr-token-value",
        "abcdef0123",
        "bce-auth-v1",
    ] {
        assert!(!text.contains(leaked), "{leaked} leaked: {text}");
    }
}

#[test]
fn a_registered_secret_never_appears() {
    const SECRET: &str = "logging-test-secret-9f8e7d6c";
    register_secret(SECRET);
    #[derive(Debug)]
    struct Creds {
        #[allow(dead_code)]
        inner: String,
    }
    let err = std::io::Error::other(format!("denied for {SECRET}"));
    let out = capture(LevelFilter::TRACE, || {
        let span = tracing::info_span!("rpc", detail = SECRET);
        let _guard = span.enter();
        tracing::info!("message mentions {SECRET} inline");
        tracing::info!(creds = ?Creds { inner: SECRET.to_owned() }, "debug field");
        tracing::info!(note = %format!("display {SECRET}"), "display field");
        tracing::error!(error = &err as &dyn std::error::Error, "error field");
    });
    let text = out.text();
    assert_eq!(out.lines().len(), 4);
    assert!(!text.contains(SECRET), "secret leaked: {text}");
    assert!(text.contains(MASK));
}

#[test]
fn panic_line_is_one_masked_error_line() {
    const SECRET: &str = "panic-test-secret-1a2b3c4d";
    register_secret(SECRET);
    let long_backtrace = "x".repeat(100_000);
    let line = panic_line(
        &format!("boom with {SECRET}"),
        Some("src/main.rs:3:5"),
        Some("main"),
        &long_backtrace,
    );
    let text = String::from_utf8(line).unwrap();
    assert_eq!(text.matches('\n').count(), 1);
    assert!(text.len() < 20_000, "backtrace must be capped");
    let Value::Object(obj) = serde_json::from_str::<Value>(&text).unwrap() else {
        panic!("not an object");
    };
    assert_eq!(obj["@level"], "error");
    assert_eq!(obj["@message"], "panic: boom with ***");
    assert_eq!(obj["@module"], "provider");
    assert_eq!(obj["panic.location"], "src/main.rs:3:5");
    assert!(is_hclog_timestamp(obj["@timestamp"].as_str().unwrap()));
}

#[test]
fn installed_panic_hook_writes_json() {
    let memory = Arc::new(Memory::default());
    let sink: Arc<dyn LogSink> = memory.clone();
    let previous = std::panic::take_hook();
    install_panic_hook(sink);
    let result = std::panic::catch_unwind(|| panic!("hook test {}", 42));
    std::panic::set_hook(previous);
    assert!(result.is_err());
    let lines = memory.lines();
    let ours: Vec<_> = lines
        .iter()
        .filter(|l| l["@message"] == "panic: hook test 42")
        .collect();
    assert_eq!(ours.len(), 1, "{}", memory.text());
    assert!(ours[0]["panic.location"]
        .as_str()
        .unwrap()
        .contains("tests.rs"));
}
