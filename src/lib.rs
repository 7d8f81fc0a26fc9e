//! The `baidu` Terraform provider: its configuration and the resource and
//! data source types it serves, joined to the framework.
//!
//! To add a resource, implement [`tfplugin5_framework::Resource`]`<ProviderData>`
//! and add one line to [`BaiduProvider::resources`] (likewise for data
//! sources in [`BaiduProvider::data_sources`]).

pub mod acceptor;
pub mod assume_role;
pub mod config;
pub mod data_sources;
pub mod diagnostics;
pub mod limits;
pub mod peerconn;
pub mod peering_view;
pub mod preflight;
pub mod profiles;
pub mod refusal;
pub mod regions;
pub mod status;
#[cfg(test)]
pub(crate) mod testing;

use std::sync::Arc;

use async_trait::async_trait;

pub use config::{Env, ProcessEnv, ProviderSettings};

use baidu_vpc::BaiduClient;
use tfplugin5_framework::{
    ConfigureRequest, DataSourceList, FrameworkError, GrpcProvider, Provider, ResourceList, Schema,
};
use tfvalue::{Diagnostics, Value};

/// Provider type name, as in `provider "baidu" {}`.
pub const TYPE_NAME: &str = "baidu";
/// The crates whose `tracing` events are the provider's own in its log
/// (at the `TF_LOG` level, `@module` `provider.<module>`): this library and
/// the framework and client it is built from.
pub const LOG_CRATES: &[&str] = &[module_path!(), "tfplugin5_framework", "baidu_vpc"];

/// Source address Terraform resolves `baidu/baidu` to.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/baidu/baidu";

/// What `Configure` produces and every resource and data source receives
/// through its context.
#[derive(Debug, Clone)]
pub struct ProviderData {
    pub settings: ProviderSettings,
    /// Signed API client for `settings` (region, endpoint, credentials).
    pub client: BaiduClient,
    /// The client plans destroys through the provider (Terraform ≥ 1.3),
    /// so a warning given while planning a destroy is not repeated at apply.
    pub plans_destroys: bool,
}

/// Whether Terraform `version` (e.g. "1.11.4") asks the provider to plan
/// destroys, which it does from 1.3 on; unknown versions count as older.
pub fn plans_destroys(version: &str) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
    matches!(
        (parts.next().flatten(), parts.next().flatten()),
        (Some(major), Some(minor)) if (major, minor) >= (1, 3)
    )
}

/// The `baidu` provider.
pub struct BaiduProvider {
    env: Arc<dyn Env>,
}

impl Default for BaiduProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl BaiduProvider {
    /// Reads environment fallbacks from the process environment.
    pub fn new() -> Self {
        Self::with_env(Arc::new(ProcessEnv))
    }

    /// Reads environment fallbacks from `env` (tests use a map).
    pub fn with_env(env: Arc<dyn Env>) -> Self {
        Self { env }
    }
}

#[async_trait]
impl Provider for BaiduProvider {
    type Data = ProviderData;

    fn schema(&self) -> Schema {
        config::schema()
    }

    async fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        config::validate(config, self.env.as_ref(), diags);
    }

    async fn configure(
        &self,
        req: ConfigureRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<ProviderData> {
        let settings = match config::resolve(req.config, self.env.as_ref()) {
            Ok(settings) => settings,
            Err(mut errors) => {
                diags.append(&mut errors);
                return None;
            }
        };
        // From here on the secrets are masked in every log line and diagnostic.
        register_secret(settings.secret_key.expose_secret());
        if let Some(token) = &settings.session_token {
            register_secret(token.expose_secret());
        }
        let mut client_config = settings.client_config();
        if let Some(role) = &settings.assume_role {
            match assume_role::start_session(
                role,
                settings.credentials(),
                &client_config,
                client_config.retry.clone(),
            )
            .await
            {
                Ok(session) => {
                    let current = session.current().await;
                    register_secret(current.credentials.secret_key.expose_secret());
                    if let Some(token) = &current.credentials.session_token {
                        register_secret(token.expose_secret());
                    }
                    tracing::info!(
                        account_id = %role.request.account_id,
                        role_name = %role.request.role_name,
                        access_key = %current.credentials.access_key,
                        expiration = %current.expiration,
                        "assumed role"
                    );
                    client_config.credentials = current.credentials;
                    client_config = client_config.with_role_session(session);
                }
                Err(e) => {
                    diags.attribute_error(
                        tfvalue::AttributePath::root()
                            .attr(assume_role::ASSUME_ROLE)
                            .index(0)
                            .attr(assume_role::ROLE_NAME),
                        "Cannot assume the role",
                        format!(
                            "STS refused or could not be reached to assume role {:?} of \
                             account {}: {e}. The role must exist in that account and trust \
                             the account of the provider's keys.",
                            role.request.role_name, role.request.account_id
                        ),
                    );
                    return None;
                }
            }
        }
        match BaiduClient::new(client_config) {
            Ok(client) => {
                if settings.validate_credentials {
                    preflight::check_credentials(&client, diags).await;
                    if diags.has_errors() {
                        return None;
                    }
                }
                tracing::info!(
                    region = %settings.region,
                    endpoint = %client.endpoint(),
                    access_key = %settings.access_key,
                    // Whether STS credentials are used; a field named after the
                    // token would be masked like the token itself.
                    sts = settings.session_token.is_some(),
                    "provider configured"
                );
                Some(ProviderData {
                    settings,
                    client,
                    plans_destroys: plans_destroys(req.terraform_version),
                })
            }
            Err(e) => {
                diags.error(
                    "Cannot create the Baidu API client",
                    format!("The provider settings ({settings}) are not usable: {e}."),
                );
                None
            }
        }
    }

    fn resources(&self) -> ResourceList<ProviderData> {
        vec![
            // One line per resource type, e.g.
            // Arc::new(peerconn::PeerConnResource),
            Arc::new(peerconn::PeerConnResource),
            Arc::new(acceptor::PeerConnAcceptorResource),
        ]
    }

    fn data_sources(&self) -> DataSourceList<ProviderData> {
        vec![
            Arc::new(data_sources::PeerConnDataSource),
            Arc::new(data_sources::PeerConnsDataSource),
        ]
    }
}

/// Shortest value registered for masking. Real secret keys are 32
/// characters and session tokens longer; masking a few-letter value such as
/// `"token"` would only garble every message that contains the word.
const MIN_MASKED_SECRET_LEN: usize = 8;

fn register_secret(secret: &str) {
    if secret.len() >= MIN_MASKED_SECRET_LEN {
        tfplugin5::logging::register_secret(secret);
    }
}

/// The gRPC service `tfplugin::serve` runs: the `baidu` provider reading
/// its environment fallbacks from the process environment.
pub fn grpc_service() -> Result<GrpcProvider<BaiduProvider>, FrameworkError> {
    GrpcProvider::new(BaiduProvider::new())
}

#[cfg(test)]
mod tests {
    use super::plans_destroys;

    #[test]
    fn destroys_are_planned_from_terraform_1_3_on() {
        for (version, planned) in [
            ("1.0.3", false),
            ("1.2.9", false),
            ("1.3.0", true),
            ("1.15.5", true),
            ("2.0.0", true),
            ("", false),
        ] {
            assert_eq!(plans_destroys(version), planned, "{version:?}");
        }
    }
}
