//! Which log level the provider emits, from the same environment variables
//! Terraform and terraform-plugin-go read.

use tracing::level_filters::LevelFilter;

/// What is emitted when no variable asks for more: warnings and errors only.
/// Terraform drops them anyway unless its own logging is on, so this costs
/// next to nothing and keeps problems visible with `TF_LOG=warn`.
pub const BASELINE: LevelFilter = LevelFilter::WARN;

/// `TF_LOG_PROVIDER_<NAME>`: terraform-plugin-go's per-provider variable
/// (`baidu` → `TF_LOG_PROVIDER_BAIDU`).
pub fn provider_env_var(provider_name: &str) -> String {
    format!(
        "TF_LOG_PROVIDER_{}",
        provider_name.to_ascii_uppercase().replace('-', "_")
    )
}

/// The level for `TF_LOG_PROVIDER_<NAME>`, then `TF_LOG_PROVIDER`, then
/// `TF_LOG`: the first one set to a non-empty value decides.
pub fn level_from_env(provider_name: &str) -> LevelFilter {
    let read = |key: &str| std::env::var(key).ok();
    let specific = read(&provider_env_var(provider_name));
    let provider = read("TF_LOG_PROVIDER");
    let global = read("TF_LOG");
    level_from_values([specific.as_deref(), provider.as_deref(), global.as_deref()])
}

/// Applies the precedence to already-read values (most specific first).
pub fn level_from_values<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> LevelFilter {
    values
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map_or(BASELINE, parse_level)
}

/// Terraform's level names, case-insensitive. `json` is Terraform's TRACE
/// with JSON output; `off` leaves the baseline; anything else is treated as
/// TRACE, as Terraform itself treats an unknown `TF_LOG` value.
pub fn parse_level(value: &str) -> LevelFilter {
    match value.trim().to_ascii_lowercase().as_str() {
        "trace" | "json" => LevelFilter::TRACE,
        "debug" => LevelFilter::DEBUG,
        "info" => LevelFilter::INFO,
        "warn" => LevelFilter::WARN,
        "error" => LevelFilter::ERROR,
        "off" => BASELINE,
        _ => LevelFilter::TRACE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_case_insensitively() {
        assert_eq!(parse_level("TRACE"), LevelFilter::TRACE);
        assert_eq!(parse_level("json"), LevelFilter::TRACE);
        assert_eq!(parse_level("Debug"), LevelFilter::DEBUG);
        assert_eq!(parse_level("info"), LevelFilter::INFO);
        assert_eq!(parse_level("WARN"), LevelFilter::WARN);
        assert_eq!(parse_level("error"), LevelFilter::ERROR);
        assert_eq!(parse_level("off"), BASELINE);
        assert_eq!(parse_level("1"), LevelFilter::TRACE);
    }

    #[test]
    fn most_specific_non_empty_variable_wins() {
        assert_eq!(level_from_values([None, None, None]), BASELINE);
        assert_eq!(
            level_from_values([None, None, Some("debug")]),
            LevelFilter::DEBUG
        );
        assert_eq!(
            level_from_values([None, Some("info"), Some("trace")]),
            LevelFilter::INFO
        );
        assert_eq!(
            level_from_values([Some("error"), Some("info"), Some("trace")]),
            LevelFilter::ERROR
        );
        assert_eq!(
            level_from_values([Some(""), Some(" "), Some("trace")]),
            LevelFilter::TRACE
        );
        assert_eq!(
            level_from_values([Some("off"), None, Some("trace")]),
            BASELINE
        );
    }

    #[test]
    fn provider_variable_name() {
        assert_eq!(provider_env_var("baidu"), "TF_LOG_PROVIDER_BAIDU");
        assert_eq!(provider_env_var("my-cloud"), "TF_LOG_PROVIDER_MY_CLOUD");
    }
}
