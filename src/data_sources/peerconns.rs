//! `data "baidu_peerconns"`: every peering connection the account can see,
//! optionally of one VPC and/or in one status, following the list API's
//! pagination to the end.

use async_trait::async_trait;

use super::view::{self, STATUSES};
use crate::diagnostics::{push_client_error, ErrorScope};
use crate::limits::call_options;
use crate::ProviderData;
use baidu_vpc::{PeerConn, PeerConnStatus};
use tfplugin5_framework::schema::{Attribute, Schema};
use tfplugin5_framework::{validators, Context, DataSource};
use tfvalue::{AttributePath, Diagnostics, Type, Value};

pub const TYPE_NAME: &str = "baidu_peerconns";
const VPC_ID: &str = "vpc_id";
const STATUS: &str = "status";
const IDS: &str = "ids";
const PEER_CONNS: &str = "peer_conns";

/// `data "baidu_peerconns"`.
#[derive(Debug, Default, Clone, Copy)]
pub struct PeerConnsDataSource;

pub fn schema() -> Schema {
    let fields = view::FIELDS
        .iter()
        .map(|f| format!("`{}`", f.name))
        .collect::<Vec<_>>()
        .join(", ");
    Schema::new()
        .markdown_description(
            "Lists the VPC peering connections this account can see (as initiator or \
             acceptor), optionally only those of one VPC and/or in one status. Every page of \
             the list API is read.",
        )
        .attribute(
            Attribute::string(VPC_ID)
                .optional()
                .markdown_description(
                    "Only peerings of this VPC (on either side). The VPC must belong to this \
                     account. Each peering is then shown from this VPC's side.",
                )
                .validate(view::vpc_id_validator()),
        )
        .attribute(
            Attribute::string(STATUS)
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
        )
        .attribute(
            Attribute::list(IDS, Type::String)
                .computed()
                .markdown_description(
                    "Ids of the matching peerings, in the order the API lists them (oldest \
                     first).",
                ),
        )
        .attribute(
            Attribute::list(PEER_CONNS, view::view_type())
                .computed()
                .markdown_description(format!(
                    "The matching peerings, in the same order as `ids`. Each has `id` and the \
                     attributes of `data \"baidu_peerconn\"`: {fields}."
                )),
        )
}

/// The configured status filter, if any.
pub fn status_filter(config: &Value) -> Option<PeerConnStatus> {
    config
        .get_attr(STATUS)
        .and_then(Value::as_str)
        .map(PeerConnStatus::from)
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

/// The data source's result: the configuration plus `ids` and `peer_conns`.
pub fn result(config: &Value, matching: &[PeerConn]) -> Value {
    let mut out = config.clone();
    out.set_attr(
        IDS,
        Value::list(matching.iter().map(|pc| Value::string(&pc.peer_conn_id))),
    );
    out.set_attr(
        PEER_CONNS,
        Value::list(matching.iter().map(|pc| view::view_object(pc, []))),
    );
    out
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
        let vpc_id = config.get_attr(VPC_ID).and_then(Value::as_str);
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
        let matching = filter_by_status(all, status_filter(config).as_ref());
        tracing::debug!(
            vpc_id = vpc_id.unwrap_or(""),
            listed,
            matching = matching.len(),
            "listed peering connections"
        );
        Some(result(config, &matching))
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
            status_filter(&config(None, Some("consult_failed"))),
            Some(PeerConnStatus::ConsultFailed)
        );
        assert_eq!(status_filter(&config(Some("vpc-a"), None)), None);
    }

    #[test]
    fn result_lists_ids_and_objects_in_the_same_order() {
        let cfg = config(Some("vpc-demobj000001"), None);
        let v = result(
            &cfg,
            &[
                pc("peerconn-b", PeerConnStatus::Active),
                pc("peerconn-a", PeerConnStatus::Consulting),
            ],
        );
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
        let empty = result(&cfg, &[]);
        assert_eq!(empty.get_attr(IDS), Some(&Value::List(vec![])));
        assert!(empty.conforms_to(&schema().value_type()));
    }
}
