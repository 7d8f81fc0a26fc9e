//! `data "baidu_peerconns"`: every peering connection the account can see,
//! optionally of one VPC and/or in one status, following the list API's
//! pagination to the end.

use async_trait::async_trait;

use crate::diagnostics::{push_client_error, ErrorScope};
use crate::limits::call_options;
use crate::peering_view::{vpc_id_validator, PeeringView};
use crate::ProviderData;
use baidu_vpc::{PeerConn, PeerConnStatus};
use tfplugin5_framework::schema::Schema;
use tfplugin5_framework::{validators, Context, DataSource, Model, Slot};
use tfvalue::{AttributePath, Diagnostics, Value};

pub const TYPE_NAME: &str = "baidu_peerconns";

/// Every peering status the API documents (Go SDK constants), for validating
/// filters.
pub const STATUSES: &[&str] = &[
    "creating",
    "consulting",
    "consult_failed",
    "active",
    "down",
    "starting",
    "stopping",
    "deleting",
    "deleted",
    "expired",
    "error",
    "updating",
];

/// `data "baidu_peerconns"`.
#[derive(Debug, Default, Clone, Copy)]
pub struct PeerConnsDataSource;

tfplugin5_framework::model! {
    /// `data "baidu_peerconns"`: the filters and the matching peerings.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct PeerConnList {
        attributes {
            pub VPC_ID => vpc_id: String = |a| a
                .optional()
                .markdown_description(
                    "Only peerings of this VPC (on either side). The VPC must belong to this \
                     account. Each peering is then shown from this VPC's side.",
                )
                .validate(vpc_id_validator()),
            pub STATUS => status: String = |a| a
                .optional()
                .markdown_description(format!(
                    "Only peerings in this status, one of {}.",
                    STATUSES
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .validate(validators::one_of_strings(STATUSES)),
            pub IDS => ids: Vec<String> = |a| a.computed().markdown_description(
                "Ids of the matching peerings, in the order the API lists them (oldest first).",
            ),
            pub PEER_CONNS => peer_conns: Vec<PeeringView> = |a| a
                .computed()
                .markdown_description(format!(
                    "The matching peerings, in the same order as `ids`. Each has `id` and the \
                     attributes of `data \"baidu_peerconn\"`: {}.",
                    PeeringView::block()
                        .attributes
                        .iter()
                        .filter(|a| a.name != "id")
                        .map(|a| format!("`{}`", a.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
        }
    }
}

pub fn schema() -> Schema {
    Schema::of::<PeerConnList>().markdown_description(
        "Lists the VPC peering connections this account can see (as initiator or acceptor), \
         optionally only those of one VPC and/or in one status. Every page of the list API is \
         read.",
    )
}

impl PeerConnList {
    /// The configured status filter, if any.
    pub fn status_filter(&self) -> Option<PeerConnStatus> {
        self.status.as_deref().map(PeerConnStatus::from)
    }

    /// The data source's result: the filters plus `ids` and `peer_conns`.
    pub fn with_result(mut self, matching: &[PeerConn]) -> Self {
        self.ids = Slot::Known(matching.iter().map(|pc| pc.peer_conn_id.clone()).collect());
        self.peer_conns = Slot::Known(matching.iter().map(PeeringView::of).collect());
        self
    }
}

/// Keeps the peerings in `status` (all of them without a filter).
pub fn filter_by_status(all: Vec<PeerConn>, status: Option<&PeerConnStatus>) -> Vec<PeerConn> {
    match status {
        None => all,
        Some(wanted) => all
            .into_iter()
            .filter(|pc| pc.status.as_ref() == Some(wanted))
            .collect(),
    }
}

#[async_trait]
impl DataSource<ProviderData> for PeerConnsDataSource {
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
        let list = PeerConnList::decode(config);
        let vpc_id = list.vpc_id.as_deref();
        let client = &ctx.provider().client;
        let all = match client.list_all_peerconns(vpc_id, &call_options(ctx)).await {
            Ok(all) => all,
            Err(e) => {
                let mut scope = ErrorScope::default();
                if vpc_id.is_some() {
                    scope = scope.at(AttributePath::root().attr(VPC_ID));
                }
                push_client_error(diags, "Cannot list peering connections", &e, &scope);
                return None;
            }
        };
        let listed = all.len();
        let matching = filter_by_status(all, list.status_filter().as_ref());
        tracing::debug!(
            vpc_id = vpc_id.unwrap_or(""),
            listed,
            matching = matching.len(),
            "listed peering connections"
        );
        Some(list.with_result(&matching).encode_over(config))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pc(id: &str, status: PeerConnStatus) -> PeerConn {
        PeerConn {
            peer_conn_id: id.to_owned(),
            status: Some(status),
            ..PeerConn::default()
        }
    }

    fn config(vpc: Option<&str>, status: Option<&str>) -> Value {
        Value::object([
            (VPC_ID, vpc.map_or(Value::Null, Value::string)),
            (STATUS, status.map_or(Value::Null, Value::string)),
            (IDS, Value::Null),
            (PEER_CONNS, Value::Null),
        ])
    }

    #[test]
    fn schema_is_sound_and_documented() {
        let s = schema();
        assert!(s.check().is_empty(), "{:?}", s.check());
        for a in &s.block.attributes {
            assert!(!a.description.text.is_empty(), "{} undocumented", a.name);
        }
        let status = s.block.get_attribute(STATUS).expect("status");
        assert!(status.validators[0].check(&Value::string("active")).is_ok());
        let err = status.validators[0]
            .check(&Value::string("Active"))
            .expect_err("case-sensitive");
        assert!(err.contains("consult_failed"), "{err}");
        let vpc = s.block.get_attribute(VPC_ID).expect("vpc_id");
        assert!(vpc.validators[0].check(&Value::string("vpc-1")).is_ok());
        assert!(vpc.validators[0].check(&Value::string("subnet-1")).is_err());
    }

    #[test]
    fn status_filter_keeps_order_and_drops_the_rest() {
        let all = vec![
            pc("peerconn-a", PeerConnStatus::Active),
            pc("peerconn-b", PeerConnStatus::Consulting),
            pc("peerconn-c", PeerConnStatus::Active),
            PeerConn {
                peer_conn_id: "peerconn-d".into(),
                ..PeerConn::default()
            },
        ];
        let kept = filter_by_status(all.clone(), Some(&PeerConnStatus::Active));
        let ids: Vec<_> = kept.iter().map(|p| p.peer_conn_id.as_str()).collect();
        assert_eq!(ids, ["peerconn-a", "peerconn-c"]);
        assert_eq!(filter_by_status(all.clone(), None).len(), 4);
        assert!(filter_by_status(all, Some(&PeerConnStatus::Expired)).is_empty());
    }

    #[test]
    fn status_filter_reads_the_configuration() {
        assert_eq!(
            PeerConnList::decode(&config(None, Some("consult_failed"))).status_filter(),
            Some(PeerConnStatus::ConsultFailed)
        );
        assert_eq!(
            PeerConnList::decode(&config(Some("vpc-a"), None)).status_filter(),
            None
        );
    }

    #[test]
    fn result_lists_ids_and_objects_in_the_same_order() {
        let cfg = config(Some("vpc-demobj000001"), None);
        let result = |matching: &[PeerConn]| {
            PeerConnList::decode(&cfg)
                .with_result(matching)
                .encode_over(&cfg)
        };
        let v = result(&[
            pc("peerconn-b", PeerConnStatus::Active),
            pc("peerconn-a", PeerConnStatus::Consulting),
        ]);
        assert!(v.conforms_to(&schema().value_type()), "{v:?}");
        assert!(v.is_wholly_known());
        assert_eq!(
            v.get_attr(IDS),
            Some(&Value::list([
                Value::string("peerconn-b"),
                Value::string("peerconn-a")
            ]))
        );
        let objs = v
            .get_attr(PEER_CONNS)
            .and_then(Value::as_list)
            .expect("list");
        assert_eq!(
            objs[1].get_attr("status"),
            Some(&Value::string("consulting"))
        );
        assert_eq!(v.get_attr(VPC_ID), Some(&Value::string("vpc-demobj000001")));
        let empty = result(&[]);
        assert_eq!(empty.get_attr(IDS), Some(&Value::List(vec![])));
        assert!(empty.conforms_to(&schema().value_type()));
    }
}
