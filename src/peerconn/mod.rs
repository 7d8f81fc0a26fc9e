//! `resource "baidu_peerconn"`: a VPC peering connection managed from the
//! initiator side.
//!
//! - [`schema`]: the typed model: attribute names, plan behaviour,
//!   validators, descriptions, and what a change to each argument does.
//! - [`mapping`]: plan → create request, API views → state.
//! - [`rules`] and [`plan`]: Baidu's rules checked at plan time.
//! - `create`, `read`, `update`, `delete`, `dns`: the operations.

mod create;
mod delete;
mod dns;
pub mod mapping;
pub mod plan;
mod read;
pub mod rules;
pub mod schema;
pub mod term;
mod update;

use async_trait::async_trait;

use crate::peering_view::import_peer_conn_id;
use crate::ProviderData;
use schema::PeerConnModel;
use tfplugin5_framework::{
    upgrade, Context, CreateRequest, DeleteRequest, ImportRequest, Model, PlanChange, ReadRequest,
    Resource, Schema, UpdateRequest,
};
use tfvalue::{Diagnostics, Value};

/// The resource type name.
pub const TYPE_NAME: &str = "baidu_peerconn";

/// `resource "baidu_peerconn"`.
#[derive(Debug, Clone, Copy, Default)]
pub struct PeerConnResource;

#[async_trait]
impl Resource<ProviderData> for PeerConnResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    async fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        rules::check_config(&PeerConnModel::decode(config), diags);
    }

    async fn modify_plan(
        &self,
        ctx: &Context<ProviderData>,
        plan: &mut PlanChange<'_>,
        diags: &mut Diagnostics,
    ) {
        plan::modify_plan(plan, &ctx.provider().settings.region, diags);
    }

    async fn create(
        &self,
        ctx: &Context<ProviderData>,
        req: CreateRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        create::create(ctx, &ctx.provider().client, req, diags).await
    }

    async fn read(
        &self,
        ctx: &Context<ProviderData>,
        req: ReadRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        read::read(ctx, &ctx.provider().client, req, diags).await
    }

    async fn update(
        &self,
        ctx: &Context<ProviderData>,
        req: UpdateRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        update::update(ctx, &ctx.provider().client, req, diags).await
    }

    async fn delete(
        &self,
        ctx: &Context<ProviderData>,
        req: DeleteRequest<'_>,
        diags: &mut Diagnostics,
    ) {
        delete::delete(ctx, &ctx.provider().client, req, diags).await
    }

    /// Import by id; the read that follows fills in every argument.
    async fn import(
        &self,
        _ctx: &Context<ProviderData>,
        req: ImportRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let id = import_peer_conn_id(req.id, diags, |quoted| {
            format!(
                "{quoted} is not a peering connection id: import a baidu_peerconn by its id, e.g. `terraform import baidu_peerconn.example peerconn-a1b2c3d4e5f6`."
            )
        })?;
        upgrade::state_with_id(req.schema, id, diags)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn import_takes_a_trimmed_peering_id_and_refuses_anything_else() {
        let r = PeerConnResource;
        let schema = schema::schema();
        let ctx = crate::testing::offline_context(TYPE_NAME);
        let mut diags = Diagnostics::new();
        let req = ImportRequest {
            id: " peerconn-abcdef123456 ",
            schema: &schema,
        };
        let v = r.import(&ctx, req, &mut diags).await.expect("state");
        assert_eq!(
            v.get_attr(schema::ID),
            Some(&Value::string("peerconn-abcdef123456"))
        );
        assert!(diags.is_empty());
        let req = ImportRequest {
            id: "vpc-1",
            schema: &schema,
        };
        assert!(r.import(&ctx, req, &mut diags).await.is_none());
        let d = diags.errors().next().expect("an error");
        assert_eq!(d.summary, "Invalid import id");
        assert_eq!(
            d.detail,
            "\"vpc-1\" is not a peering connection id: import a baidu_peerconn by its id, e.g. \
             `terraform import baidu_peerconn.example peerconn-a1b2c3d4e5f6`."
        );
    }

    #[test]
    fn a_state_from_before_renewals_and_on_rejection_upgrades_to_the_adopting_shape() {
        // attributes of a 0.1.0 Prepaid peering, as Terraform stored them.
        let raw = serde_json::json!({
            "id": "peerconn-abcdef123456",
            "bandwidth_in_mbps": 20,
            "local_vpc_id": "vpc-demobj000001",
            "peer_vpc_id": "vpc-demogz000001",
            "peer_region": "gz",
            "billing": [{
                "payment_timing": "Prepaid",
                "reservation": [{ "reservation_length": 12, "reservation_time_unit": "month" }]
            }],
            "tags": {},
            "delete_protect": false,
            "dns_sync": false,
            "status": "active"
        });
        let schema = schema::schema();
        let mut diags = Diagnostics::new();
        let state = PeerConnResource
            .upgrade_state(
                tfplugin5_framework::UpgradeRequest {
                    version: 0,
                    raw: &raw,
                    schema: &schema,
                },
                &mut diags,
            )
            .expect("upgrades");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(state.conforms_to(&schema.value_type()));
        let billing = schema::billing_path(schema::RENEWALS);
        // Null renewals: the next plan adopts the configured list, buying nothing.
        assert_eq!(billing.apply_to(&state), Some(&tfvalue::Value::Null));
        let before = PeerConnModel::decode(&state);
        let mut after_value = state.clone();
        if let Some(slot) = billing.apply_to_mut(&mut after_value) {
            *slot = tfvalue::Value::list([tfvalue::Value::from(12i64)]);
        }
        let after = PeerConnModel::decode(&after_value);
        assert_eq!(
            term::renewal_change(&before, &after),
            term::RenewalChange::RecordOnly
        );
    }
}
