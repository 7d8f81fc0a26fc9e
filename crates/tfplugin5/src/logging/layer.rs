//! A `tracing` layer writing go-hclog JSON lines, the format go-plugin's
//! client parses from a plugin's stderr (hashicorp/go-plugin `client.go`
//! `logStderr`):
//! `@level`, `@message`, `@module`, `@timestamp` as strings, then every span
//! field (outermost first) and every event field.

use std::fmt::{self, Write as _};
use std::io::{self, Write as _};
use std::sync::Arc;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

use super::redact::{is_sensitive_key, mask_secrets, MASK};

/// Root module name, as terraform-plugin-log names the provider's logger.
pub const ROOT_MODULE: &str = "provider";

/// Where finished lines go. Each call gets one complete line (with its
/// newline) and must write it in one piece so lines never interleave.
pub trait LogSink: Send + Sync + 'static {
    /// Writes one line.
    fn write_line(&self, line: &[u8]);
}

/// The process's real stderr (fd 2), which Terraform reads line by line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stderr;

impl LogSink for Stderr {
    fn write_line(&self, line: &[u8]) {
        // Nowhere left to report a failed write to stderr.
        let _ = io::stderr().lock().write_all(line);
    }
}

/// The hclog JSON layer.
pub struct HclogLayer {
    /// Most verbose level for this crate's events.
    events: LevelFilter,
    /// Most verbose level for this crate's spans: at least INFO, so an RPC's
    /// context (`tf_rpc`, `tf_req_id`, …) still decorates warnings and errors
    /// when only those are emitted.
    spans: LevelFilter,
    /// Most verbose level for other crates (h2, hyper, tonic): at most INFO,
    /// their debug/trace output is frame-level noise to a Terraform user.
    foreign: LevelFilter,
    own_crates: Vec<String>,
    sink: Arc<dyn LogSink>,
}

impl fmt::Debug for HclogLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HclogLayer")
            .field("events", &self.events)
            .field("spans", &self.spans)
            .field("foreign", &self.foreign)
            .field("own_crates", &self.own_crates)
            .finish_non_exhaustive()
    }
}

impl HclogLayer {
    /// A layer emitting events up to `level` from `own_crates` (crate names
    /// as they appear first in `tracing` targets) to `sink`.
    pub fn new(level: LevelFilter, own_crates: Vec<String>, sink: Arc<dyn LogSink>) -> Self {
        HclogLayer {
            events: level,
            spans: level.max(LevelFilter::INFO),
            foreign: level.min(LevelFilter::INFO),
            own_crates,
            sink,
        }
    }

    fn is_own(&self, target: &str) -> bool {
        target == ROOT_MODULE
            || target.starts_with("provider.")
            || self.own_crates.iter().any(|c| crate_of(target) == c)
    }

    fn wants(&self, meta: &Metadata<'_>) -> bool {
        let limit = if !self.is_own(meta.target()) {
            self.foreign
        } else if meta.is_span() {
            self.spans
        } else {
            self.events
        };
        *meta.level() <= limit
    }

    /// `@module`: `provider` for the crate root, `provider.<first module>`
    /// below it (`tfbaidu::framework::dispatch` → `provider.framework`), a
    /// target already spelled `provider.x` as is, and `provider.<crate>` for
    /// other crates.
    fn module_for(&self, target: &str) -> String {
        if target == ROOT_MODULE || target.starts_with("provider.") {
            return target.to_owned();
        }
        let mut parts = target.split("::");
        let krate = parts.next().unwrap_or_default();
        if self.own_crates.iter().any(|c| c == krate) {
            match parts.next() {
                None | Some(ROOT_MODULE) => ROOT_MODULE.to_owned(),
                Some(sub) => format!("{ROOT_MODULE}.{sub}"),
            }
        } else {
            format!("{ROOT_MODULE}.{krate}")
        }
    }

    fn render<S>(&self, event: &Event<'_>, ctx: &Context<'_, S>) -> Vec<u8>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        let meta = event.metadata();
        let mut fields = Fields::default();
        event.record(&mut FieldVisitor {
            fields: &mut fields,
            message: true,
        });

        let mut obj = Map::new();
        obj.insert("@level".into(), Value::from(level_name(meta.level())));
        let message = fields.message.take().unwrap_or_default();
        obj.insert("@message".into(), Value::from(mask_secrets(&message)));
        obj.insert(
            "@module".into(),
            Value::from(self.module_for(meta.target())),
        );
        obj.insert("@timestamp".into(), Value::from(timestamp_now()));
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(span_fields) = span.extensions().get::<Fields>() {
                    for (key, value) in &span_fields.pairs {
                        insert_field(&mut obj, key, value.clone());
                    }
                }
            }
        }
        for (key, value) in fields.pairs {
            insert_field(&mut obj, key, value);
        }
        let mut line = Vec::with_capacity(256);
        if serde_json::to_writer(&mut line, &obj).is_err() {
            line.clear();
        }
        line.push(b'\n');
        line
    }
}

impl<S> Layer<S> for HclogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn register_callsite(&self, meta: &'static Metadata<'static>) -> Interest {
        // Decided once per callsite: a disabled log statement then costs one
        // cached check and never formats anything.
        if self.wants(meta) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        self.wants(meta)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.events.max(self.spans).max(self.foreign))
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut FieldVisitor {
            fields: &mut fields,
            message: false,
        });
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(fields);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let mut extensions = span.extensions_mut();
            if let Some(fields) = extensions.get_mut::<Fields>() {
                values.record(&mut FieldVisitor {
                    fields,
                    message: false,
                });
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        self.sink.write_line(&self.render(event, &ctx));
    }
}

/// Recorded field values of a span or event, in recording order.
#[derive(Debug, Default)]
struct Fields {
    message: Option<String>,
    pairs: Vec<(&'static str, Value)>,
}

impl Fields {
    fn set(&mut self, key: &'static str, value: Value) {
        match self.pairs.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.pairs.push((key, value)),
        }
    }
}

struct FieldVisitor<'a> {
    fields: &'a mut Fields,
    /// Whether a field named `message` is the event's message.
    message: bool,
}

impl FieldVisitor<'_> {
    fn put(&mut self, field: &Field, value: Value) {
        if self.message && field.name() == "message" {
            self.fields.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.fields.set(field.name(), value);
        }
    }
}

impl Visit for FieldVisitor<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        let json = serde_json::Number::from_f64(value)
            .map_or_else(|| Value::from(value.to_string()), Value::Number);
        self.put(field, json);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::from(value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::from(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        // "outer: cause: root cause", the way Go errors read.
        let mut text = value.to_string();
        let mut source = value.source();
        while let Some(cause) = source {
            let _ = write!(text, ": {cause}");
            source = cause.source();
        }
        self.put(field, Value::from(text));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Value::from(format!("{value:?}")));
    }
}

/// Adds a user field, masking it by name or by registered secret value.
/// Keys starting with `@` are hclog's own; a user field cannot replace them.
fn insert_field(obj: &mut Map<String, Value>, key: &str, value: Value) {
    let value = if is_sensitive_key(key) {
        Value::from(MASK)
    } else {
        match value {
            Value::String(s) => Value::from(mask_secrets(&s).into_owned()),
            other => other,
        }
    };
    if key.starts_with('@') {
        obj.insert(format!("_{key}"), value);
    } else {
        obj.insert(key.to_owned(), value);
    }
}

/// hclog's level names.
pub fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// Now, in go-hclog's `TimeFormatJSON` layout `2006-01-02T15:04:05.000000Z07:00`
/// (UTC, so the zone is always `Z`).
pub fn timestamp_now() -> String {
    format_timestamp(time::OffsetDateTime::now_utc())
}

/// Formats `at` (converted to UTC) in hclog's JSON layout.
pub fn format_timestamp(at: time::OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

fn crate_of(target: &str) -> &str {
    target.split("::").next().unwrap_or(target)
}
