//! A panic hook writing the panic as one hclog `error` line, instead of
//! Rust's multi-line report that Terraform would show as loose DEBUG lines.

use std::backtrace::Backtrace;
use std::panic::PanicHookInfo;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::layer::{timestamp_now, LogSink, ROOT_MODULE};
use super::redact::mask_secrets;

/// Backtraces longer than this are cut: go-plugin reads stderr in 64 KiB
/// pieces, and a split line would no longer parse as JSON.
const MAX_BACKTRACE_BYTES: usize = 16 * 1024;

/// Replaces the process's panic hook with one writing to `sink`.
pub fn install_panic_hook(sink: Arc<dyn LogSink>) {
    std::panic::set_hook(Box::new(move |info| {
        sink.write_line(&panic_line_from_hook(info));
    }));
}

fn panic_line_from_hook(info: &PanicHookInfo<'_>) -> Vec<u8> {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("Box<dyn Any>");
    let location = info
        .location()
        .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
    let thread = std::thread::current();
    let backtrace = Backtrace::force_capture().to_string();
    panic_line(message, location.as_deref(), thread.name(), &backtrace)
}

/// The JSON line for a panic with this message, location, thread name and
/// backtrace text (masked for secrets, backtrace capped).
pub fn panic_line(
    message: &str,
    location: Option<&str>,
    thread: Option<&str>,
    backtrace: &str,
) -> Vec<u8> {
    let mut obj = Map::new();
    obj.insert("@level".into(), Value::from("error"));
    obj.insert(
        "@message".into(),
        Value::from(format!("panic: {}", mask_secrets(message))),
    );
    obj.insert("@module".into(), Value::from(ROOT_MODULE));
    obj.insert("@timestamp".into(), Value::from(timestamp_now()));
    if let Some(location) = location {
        obj.insert("panic.location".into(), Value::from(location));
    }
    if let Some(thread) = thread {
        obj.insert("thread".into(), Value::from(thread));
    }
    if !backtrace.is_empty() {
        let mut cut = backtrace.len().min(MAX_BACKTRACE_BYTES);
        while !backtrace.is_char_boundary(cut) {
            cut -= 1;
        }
        obj.insert(
            "backtrace".into(),
            Value::from(mask_secrets(&backtrace[..cut]).into_owned()),
        );
    }
    let mut line = serde_json::to_vec(&obj).unwrap_or_default();
    line.push(b'\n');
    line
}
