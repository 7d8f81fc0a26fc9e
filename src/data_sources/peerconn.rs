//! `data "baidu_peerconn"`: one peering connection, as one side sees it.

use async_trait::async_trait;

use crate::diagnostics::{push_client_error, ErrorScope};
use crate::limits::call_options;
use crate::peering_view::{peer_conn_id_validator, InitiatorLabels, SideView};
use crate::ProviderData;
use baidu_vpc::Role;
use tfplugin5_framework::schema::Schema;
use tfplugin5_framework::{validators, Context, DataSource, Model, Slot};
use tfvalue::{AttributePath, Diagnostics, Value};

pub const TYPE_NAME: &str = "baidu_peerconn";
const ROLES: &[&str] = &["initiator", "acceptor"];
/// The side read when `role` is left out: the side `resource "baidu_peerconn"` manages.
pub const DEFAULT_ROLE: &str = "initiator";

/// `data "baidu_peerconn"`.
#[derive(Debug, Default, Clone, Copy)]
pub struct PeerConnDataSource;

tfplugin5_framework::model! {
    /// `data "baidu_peerconn"`: the peering to read and its view.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct PeerConnLookup {
        attributes {
            pub ID => id: String = |a| a
                .required()
                .markdown_description("Id of the peering connection (`peerconn-…`).")
                .validate(peer_conn_id_validator()),
            pub ROLE => role: String = |a| a
                .optional()
                .computed()
                .markdown_description(
                    "Which side's view to read: `initiator` (default) or `acceptor`. `local_*` \
                     attributes then describe that side and `peer_*` attributes the other. \
                     Always sent to the API: without it Baidu returns a random side for \
                     same-region peerings.",
                )
                .validate(validators::one_of_strings(ROLES)),
        }
        flatten {
            view: SideView,
            labels: InitiatorLabels,
        }
    }
}

pub fn schema() -> Schema {
    Schema::of::<PeerConnLookup>().markdown_description(
        "Reads one VPC peering connection by id, as one side sees it. Both accounts of a \
         cross-account peering can read it: the initiator with `role = \"initiator\"` (the \
         default), the peer account with `role = \"acceptor\"`.",
    )
}

impl PeerConnLookup {
    /// The role to read: the configured one, else [`DEFAULT_ROLE`].
    pub fn requested_role(&self) -> Role {
        Role::from(self.role.as_deref().unwrap_or(DEFAULT_ROLE))
    }

    /// The data source's result: the view, with `id` and `role` as
    /// requested (the view echoes both; the configuration is authoritative).
    pub fn result(id: &str, role: &Role, pc: &baidu_vpc::PeerConn) -> Self {
        Self {
            id: Slot::Known(id.to_owned()),
            role: Slot::Known(role.as_str().to_owned()),
            view: SideView::of(pc),
            labels: InitiatorLabels::of(pc),
        }
    }
}

#[async_trait]
impl DataSource<ProviderData> for PeerConnDataSource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(
        &self,
        ctx: &Context<ProviderData>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let lookup = PeerConnLookup::decode(config);
        let Some(id) = lookup.id.as_deref() else {
            diags.attribute_error(
                AttributePath::root().attr(ID),
                "Missing peering connection id",
                "Set `id` to the id of the peering connection to read.",
            );
            return None;
        };
        let role = lookup.requested_role();
        let client = &ctx.provider().client;
        match client
            .find_peerconn(id, role.clone(), &call_options(ctx))
            .await
        {
            Ok(Some(pc)) => Some(PeerConnLookup::result(id, &role, &pc).encode()),
            Ok(None) => {
                diags.attribute_error(
                    AttributePath::root().attr(ID),
                    "Peering connection not found",
                    format!(
                        "No peering connection {id} is visible to this account (read as \
                         {role}). Check the id, and that this provider configuration uses \
                         the credentials of an account on one side of the peering."
                    ),
                );
                None
            }
            Err(e) => {
                let scope = ErrorScope::peering(id).at(AttributePath::root().attr(ID));
                push_client_error(diags, "Cannot read the peering connection", &e, &scope);
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baidu_vpc::{PeerConn, PeerConnStatus};

    #[test]
    fn schema_is_sound_and_documented() {
        let s = schema();
        assert!(s.check().is_empty(), "{:?}", s.check());
        for a in &s.block.attributes {
            assert!(!a.description.text.is_empty(), "{} undocumented", a.name);
        }
        let role = s.block.get_attribute(ROLE).expect("role");
        assert!(role.optional && role.computed);
        assert!(s.block.get_attribute(ID).expect("id").required);
        assert!(s.block.get_attribute("tags").is_some_and(|a| a.computed));
    }

    #[test]
    fn role_defaults_to_initiator_and_is_validated() {
        let config = Value::object([(ID, Value::string("peerconn-a")), (ROLE, Value::Null)]);
        assert_eq!(
            PeerConnLookup::decode(&config).requested_role(),
            Role::Initiator
        );
        let config = Value::object([(ROLE, Value::string("acceptor"))]);
        assert_eq!(
            PeerConnLookup::decode(&config).requested_role(),
            Role::Acceptor
        );
        let role = schema();
        let v = &role.block.get_attribute(ROLE).expect("role").validators[0];
        assert!(v.check(&Value::string("peer")).is_err());
    }

    #[test]
    fn result_conforms_and_keeps_the_requested_id_and_role() {
        let pc = PeerConn {
            peer_conn_id: "peerconn-abc".into(),
            status: Some(PeerConnStatus::Active),
            role: None,
            ..PeerConn::default()
        };
        let v = PeerConnLookup::result("peerconn-abc", &Role::Acceptor, &pc).encode();
        assert!(v.conforms_to(&schema().value_type()), "{v:?}");
        assert!(v.is_wholly_known());
        assert_eq!(v.get_attr(ROLE), Some(&Value::string("acceptor")));
        assert_eq!(v.get_attr("status"), Some(&Value::string("active")));
    }
}
