//! End to end: every real Terraform client (1.0.3, 1.11.4 where present,
//! 1.15.5) loads the provider cargo built, through `dev_overrides`, validates a
//! configuration using it and prints its provider schema.

mod common;

use common::json::{diagnostic_summaries, json_path};
use common::provider_config::{provider_block, required_providers};
use common::{each_terraform, TfWorkdir, INITIATOR, PROVIDER_ADDR};
use serde_json::Value;

fn provider_config() -> String {
    // Validation never configures the provider, so the endpoint needn't exist.
    format!(
        "{}\n{}",
        required_providers(),
        provider_block(&INITIATOR, "bj", "http://127.0.0.1:8080", None)
    )
}

#[test]
fn terraform_validates_a_config_using_the_provider() {
    each_terraform(|tf| {
        let mut wd = TfWorkdir::new(tf);
        // The provider's stderr reaches only Terraform's log: keep it for failures.
        wd.log("debug");
        wd.write("main.tf", &provider_config());
        let result = wd.validate_ok();
        // The only warning allowed is Terraform's own note about dev_overrides.
        let warnings = diagnostic_summaries(&result, "warning");
        assert!(
            warnings
                .iter()
                .all(|w| w == "Provider development overrides are in effect"),
            "unexpected warnings on {tf}: {warnings:?}"
        );
    });
}

#[test]
fn terraform_prints_the_provider_schema() {
    each_terraform(|tf| {
        let mut wd = TfWorkdir::new(tf);
        wd.log("debug");
        wd.write("main.tf", &provider_config());
        let schema = wd.providers_schema_json();
        assert!(
            schema.get("format_version").is_some(),
            "no format_version in {schema}"
        );
        let attrs = json_path(
            &schema,
            &[
                "provider_schemas",
                PROVIDER_ADDR,
                "provider",
                "block",
                "attributes",
            ],
        );
        for name in [
            "access_key",
            "secret_key",
            "session_token",
            "region",
            "endpoint",
        ] {
            let attr = json_path(attrs, &[name]);
            assert_eq!(
                attr.get("type"),
                Some(&Value::from("string")),
                "{name}: {attr}"
            );
            // Every setting has an environment fallback, so none is required.
            assert_eq!(
                attr.get("optional"),
                Some(&Value::Bool(true)),
                "{name} must be optional: {attr}"
            );
            assert_ne!(
                attr.get("required"),
                Some(&Value::Bool(true)),
                "{name} must not be required: {attr}"
            );
        }
        for secret in ["secret_key", "session_token"] {
            let attr = json_path(attrs, &[secret]);
            assert_eq!(
                attr.get("sensitive"),
                Some(&Value::Bool(true)),
                "{secret} must be sensitive: {attr}"
            );
        }
        for plain in ["region", "endpoint"] {
            let attr = json_path(attrs, &[plain]);
            assert_ne!(
                attr.get("sensitive"),
                Some(&Value::Bool(true)),
                "{plain} must not be sensitive: {attr}"
            );
        }
    });
}
