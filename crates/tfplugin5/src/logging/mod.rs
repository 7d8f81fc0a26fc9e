//! Logging for a plugin process: go-hclog JSON lines on stderr, which
//! Terraform re-logs under `provider.terraform-provider-<name>` with every
//! field, so `TF_LOG=debug terraform plan` shows ours.
//!
//! Code elsewhere just uses the `tracing` macros with structured fields
//! (`tf_rpc`, `tf_req_id`, `tf_resource_type`, …; put per-RPC context on an
//! INFO span so it also decorates warnings and errors). Secrets: fields with
//! secret-looking names print `***`, and values passed to
//! [`register_secret`] are masked anywhere in a line.

mod layer;
mod level;
mod panic;
mod redact;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::layer::SubscriberExt as _;

pub use layer::{format_timestamp, level_name, HclogLayer, LogSink, Stderr, ROOT_MODULE};
pub use level::{level_from_env, level_from_values, parse_level, provider_env_var, BASELINE};
pub use panic::{install_panic_hook, panic_line};
pub use redact::{is_sensitive_key, mask_secrets, register_secret, MASK};

/// What to log and from where.
#[derive(Debug, Clone)]
pub struct LogConfig {
    /// Most verbose level emitted for our own crates.
    pub level: LevelFilter,
    /// Crate names (first segment of `tracing` targets) that count as ours:
    /// their events use `level` and `@module` `provider[.<module>]`.
    pub own_crates: Vec<String>,
}

impl LogConfig {
    /// Level from `TF_LOG_PROVIDER_<NAME>` / `TF_LOG_PROVIDER` / `TF_LOG`;
    /// own crates are this library plus `own_crates`: the provider's crates
    /// (pass `env!("CARGO_CRATE_NAME")` from a `main`, and the libraries it
    /// is built from), whose events get `level` and `@module` `provider.<module>`.
    pub fn from_env(provider_name: &str, own_crates: &[&str]) -> Self {
        let mut crates = vec![library_crate().to_owned()];
        crates.extend(own_crates.iter().map(|c| (*c).to_owned()));
        LogConfig {
            level: level_from_env(provider_name),
            own_crates: crates,
        }
    }
}

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    /// A global `tracing` subscriber was installed before.
    #[error("a global tracing subscriber is already installed: {0}")]
    AlreadyInstalled(#[from] tracing::subscriber::SetGlobalDefaultError),
}

/// The hclog layer for `config`, writing to `sink`.
pub fn layer(config: &LogConfig, sink: Arc<dyn LogSink>) -> HclogLayer {
    HclogLayer::new(config.level, config.own_crates.clone(), sink)
}

/// A complete subscriber (registry + hclog layer) writing to `sink`; use
/// with `tracing::subscriber::with_default` in tests.
pub fn subscriber(
    config: &LogConfig,
    sink: Arc<dyn LogSink>,
) -> impl tracing::Subscriber + Send + Sync {
    tracing_subscriber::registry().with(layer(config, sink))
}

/// Installs the hclog subscriber on stderr as the global default and the
/// JSON panic hook. Call once, first thing in `main`.
pub fn init(config: &LogConfig) -> Result<(), LoggingError> {
    tracing::subscriber::set_global_default(subscriber(config, Arc::new(Stderr)))?;
    install_panic_hook(Arc::new(Stderr));
    Ok(())
}

/// This library's crate name as it appears in `tracing` targets.
fn library_crate() -> &'static str {
    let path = module_path!();
    path.split("::").next().unwrap_or(path)
}
