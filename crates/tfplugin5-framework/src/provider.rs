//! The `Provider` trait: the provider block, its configuration, and the
//! resource and data source types it serves.

use std::sync::Arc;

use async_trait::async_trait;

use super::data_source::DataSource;
use super::resource::Resource;
use super::schema::Schema;
use tfvalue::Diagnostics;
use tfvalue::Value;

/// Input of [`Provider::configure`].
#[derive(Debug, Clone, Copy)]
pub struct ConfigureRequest<'a> {
    /// The provider block (attributes may be unknown while planning when they
    /// depend on resources not yet created).
    pub config: &'a Value,
    /// The client's version (OpenTofu ≥ 1.12 always sends "1.13.0").
    pub terraform_version: &'a str,
}

/// The resource types a provider serves.
pub type ResourceList<D> = Vec<Arc<dyn Resource<D>>>;
/// The data source types a provider serves.
pub type DataSourceList<D> = Vec<Arc<dyn DataSource<D>>>;

/// A provider: its configuration block and the types it serves, behind [`crate::GrpcProvider`].
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// What `configure` produces and every resource operation receives
    /// through its [`super::Context`] (API client, region, ...).
    type Data: Send + Sync + 'static;

    /// The provider block's schema.
    fn schema(&self) -> Schema;

    /// Cross-attribute checks on the provider block (values may be unknown).
    /// Runs after the schema's validators.
    async fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Resolves the configuration (environment fallbacks, defaults) into the
    /// provider data. `None` must come with an error.
    async fn configure(
        &self,
        req: ConfigureRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Self::Data>;

    /// The resource types, one per type name.
    fn resources(&self) -> ResourceList<Self::Data>;

    /// The data source types, one per type name (none by default).
    fn data_sources(&self) -> DataSourceList<Self::Data> {
        Vec::new()
    }
}
