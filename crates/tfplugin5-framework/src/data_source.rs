//! The `DataSource` trait: one data source type.

use async_trait::async_trait;

use super::context::Context;
use super::schema::Schema;
use tfvalue::Diagnostics;
use tfvalue::Value;

/// A data source type. `D` is the provider data produced by
/// [`super::Provider::configure`].
#[async_trait]
pub trait DataSource<D: Send + Sync + 'static>: Send + Sync + 'static {
    /// The type name used in configuration, e.g. `baidu_peerconns`.
    fn type_name(&self) -> &str;

    /// The data source's schema.
    fn schema(&self) -> Schema;

    /// Cross-attribute checks on the configuration (which may contain
    /// unknown values). Runs after the schema's validators.
    async fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Reads the data. Terraform calls this only with a wholly known
    /// configuration; the result must be a complete, wholly known object
    /// (start from `config` and fill in the computed attributes). `None`
    /// must come with an error.
    async fn read(
        &self,
        ctx: &Context<D>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value>;
}
