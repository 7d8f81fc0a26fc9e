//! A peering as Terraform values: one side's view as typed models whose
//! attributes (names, types, descriptions) the resources and data sources
//! that mirror it share, peering ids (import ids too) and their validators.

use std::collections::BTreeMap;

use crate::peerconn::schema::is_vpc_id;
use baidu_vpc::PeerConn;
use tfplugin5_framework::validators::{self, Validator};
use tfplugin5_framework::Slot;
use tfvalue::Diagnostics;

/// A string from the API as an attribute; the API writes "nothing" as
/// `""`, which Terraform users expect as null.
pub fn string_or_null(s: &str) -> Slot<String> {
    if s.is_empty() {
        Slot::Null
    } else {
        Slot::Known(s.to_owned())
    }
}

fn named(s: Option<&str>) -> Slot<String> {
    s.map_or(Slot::Null, string_or_null)
}

/// The API's `[{tagKey, tagValue}]` as a map (always known, maybe empty).
pub fn tags_of(pc: &PeerConn) -> Slot<BTreeMap<String, String>> {
    Slot::Known(
        pc.tags
            .iter()
            .map(|t| (t.tag_key.clone(), t.tag_value.clone()))
            .collect(),
    )
}

/// The side a view shows (`initiator` or `acceptor`), null when the API
/// left it out.
pub fn role_of(pc: &PeerConn) -> Slot<String> {
    named(pc.role.as_ref().map(|r| r.as_str()))
}

/// The description of `role` in a view.
pub const ROLE_DOC: &str = "Which side this view shows: `initiator` (the account that \
                            requested the peering) or `acceptor` (the account that accepts \
                            it). `local_*` fields describe this side, `peer_*` fields the \
                            other.";

tfplugin5_framework::model! {
    /// What either side's view of a peering says, as computed attributes.
    /// Those that never change after the peering was created use their
    /// prior state for unknown (`use_state_for_unknown`): a resource
    /// mirroring them plans them as they are instead of "known after apply".
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct SideView {
        attributes {
            pub STATUS => status: String = |a| a.computed().markdown_description(
                "Status of the peering: `creating`, `consulting` (waiting for the peer \
                 account to accept), `consult_failed` (rejected, or not accepted within 7 \
                 days), `active`, `down`, `starting`, `stopping`, `updating`, `deleting`, \
                 `deleted`, `expired` or `error`.",
            ),
            pub BANDWIDTH => bandwidth_in_mbps: i64 = |a| a
                .computed()
                .markdown_description("Bandwidth of the peering in Mbps."),
            pub DESCRIPTION => description: String = |a| a.computed().markdown_description(
                "This side's description of the peering (each side has its own); null when \
                 empty.",
            ),
            pub LOCAL_IF_ID => local_if_id: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description(
                    "Id of this side's peering interface (`qpif-…`): the next hop to use in \
                     this side's route tables.",
                ),
            pub LOCAL_IF_NAME => local_if_name: String = |a| a
                .computed()
                .markdown_description("Name of this side's peering interface; null when empty."),
            pub LOCAL_VPC_ID => local_vpc_id: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description("This side's VPC."),
            pub LOCAL_REGION => local_region: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description("Region of this side's VPC."),
            pub PEER_VPC_ID => peer_vpc_id: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description("The other side's VPC."),
            pub PEER_REGION => peer_region: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description("Region of the other side's VPC."),
            pub PEER_ACCOUNT_ID => peer_account_id: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description("Account id of the other side."),
            pub PAYMENT_TIMING => payment_timing: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description("Billing of the peering: `Prepaid` or `Postpaid`."),
            pub DNS_STATUS => dns_status: String = |a| a.computed().markdown_description(
                "This side's DNS synchronisation status: `close`, `wait`, `syncing`, `open` \
                 or `closing`.",
            ),
            pub CREATED_TIME => created_time: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description("When the peering was created (ISO 8601, UTC)."),
            pub EXPIRED_TIME => expired_time: String = |a| a.computed().markdown_description(
                "When a Prepaid peering expires (ISO 8601, UTC); null for Postpaid.",
            ),
        }
    }
}

impl SideView {
    /// One side's view as the API returned it.
    pub fn of(pc: &PeerConn) -> Self {
        Self {
            status: named(pc.status.as_ref().map(|s| s.as_str())),
            bandwidth_in_mbps: Slot::Known(pc.bandwidth_in_mbps),
            description: string_or_null(&pc.description),
            local_if_id: string_or_null(&pc.local_if_id),
            local_if_name: string_or_null(&pc.local_if_name),
            local_vpc_id: string_or_null(&pc.local_vpc_id),
            local_region: string_or_null(&pc.local_region),
            peer_vpc_id: string_or_null(&pc.peer_vpc_id),
            peer_region: string_or_null(&pc.peer_region),
            peer_account_id: string_or_null(&pc.peer_account_id),
            payment_timing: named(pc.payment_timing.as_ref().map(|p| p.as_str())),
            dns_status: named(pc.dns_status.as_ref().map(|d| d.as_str())),
            created_time: string_or_null(&pc.created_time),
            expired_time: string_or_null(&pc.expired_time),
        }
    }
}

tfplugin5_framework::model! {
    /// What only the initiator's view holds (the API returns no tags to the
    /// acceptor).
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct InitiatorLabels {
        attributes {
            pub DELETE_PROTECT => delete_protect: bool = |a| a
                .computed()
                .markdown_description("Whether deletion protection is on."),
            pub TAGS => tags: BTreeMap<String, String> = |a| a.computed().markdown_description(
                "Tags of the peering (returned to the initiator only; empty in the acceptor's \
                 view).",
            ),
        }
    }
}

impl InitiatorLabels {
    /// The labels of a view.
    pub fn of(pc: &PeerConn) -> Self {
        Self {
            delete_protect: Slot::Known(pc.delete_protect),
            tags: tags_of(pc),
        }
    }
}

tfplugin5_framework::model! {
    /// One peering in a list, as the listing account sees it.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct PeeringView {
        attributes {
            pub ID => id: String = |a| a
                .computed()
                .markdown_description("Id of the peering connection (`peerconn-…`)."),
            pub ROLE => role: String = |a| a.computed().markdown_description(ROLE_DOC),
        }
        flatten {
            view: SideView,
            labels: InitiatorLabels,
        }
    }
}

impl PeeringView {
    /// A view as the API returned it.
    pub fn of(pc: &PeerConn) -> Self {
        Self {
            id: Slot::Known(pc.peer_conn_id.clone()),
            role: role_of(pc),
            view: SideView::of(pc),
            labels: InitiatorLabels::of(pc),
        }
    }
}

/// Validator for attributes holding a peering id.
pub fn peer_conn_id_validator() -> Validator {
    validators::string_matches(
        "a peering connection id like \"peerconn-9td54fmx143e\"",
        is_peer_conn_id,
    )
}

/// Validator for attributes holding a VPC id.
pub fn vpc_id_validator() -> Validator {
    validators::string_matches("a VPC id like \"vpc-4njbqurm0uag\"", is_vpc_id)
}

/// Peering ids look like `peerconn-` followed by lowercase letters and digits.
pub fn is_peer_conn_id(id: &str) -> bool {
    id.strip_prefix("peerconn-").is_some_and(|rest| {
        !rest.is_empty()
            && rest.len() <= 64
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// The id `terraform import` was given, trimmed, when it is a peering id;
/// otherwise an "Invalid import id" error whose detail `explain` writes from
/// the id exactly as given (quoted, so stray whitespace or control characters
/// show), and `None`.
pub fn import_peer_conn_id<'a>(
    raw: &'a str,
    diags: &mut Diagnostics,
    explain: impl FnOnce(&str) -> String,
) -> Option<&'a str> {
    let id = raw.trim();
    if is_peer_conn_id(id) {
        return Some(id);
    }
    diags.error("Invalid import id", explain(&format!("{raw:?}")));
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use baidu_vpc::model::{PaymentTiming, Tag};
    use baidu_vpc::{DnsStatus, PeerConnStatus, Role};
    use tfplugin5_framework::model::AttributeValue;
    use tfplugin5_framework::Model;
    use tfvalue::Value;

    fn sample() -> PeerConn {
        PeerConn {
            peer_conn_id: "peerconn-abcdef123456".into(),
            role: Some(Role::Acceptor),
            status: Some(PeerConnStatus::Consulting),
            bandwidth_in_mbps: 20,
            description: "from bj".into(),
            local_if_id: "qpif-aaaaaaaaaaaa".into(),
            local_if_name: "if-a".into(),
            local_vpc_id: "vpc-peerbj000001".into(),
            local_region: "bj".into(),
            peer_vpc_id: "vpc-demobj000001".into(),
            peer_region: "bj".into(),
            peer_account_id: "a0000000000000000000000000000001".into(),
            payment_timing: Some(PaymentTiming::Postpaid),
            dns_status: Some(DnsStatus::Close),
            created_time: "2025-01-02T03:04:05Z".into(),
            expired_time: String::new(),
            tags: vec![Tag {
                tag_key: "env".into(),
                tag_value: "test".into(),
            }],
            delete_protect: true,
        }
    }

    #[test]
    fn every_field_maps_and_conforms_to_the_view_type() {
        let value = PeeringView::of(&sample()).encode();
        let attrs = value.as_object().expect("object").clone();
        assert_eq!(attrs.len(), PeeringView::block().attributes.len());
        assert!(value.conforms_to(&PeeringView::ty()), "{value:?}");
        assert_eq!(attrs["id"], Value::string("peerconn-abcdef123456"));
        assert_eq!(attrs["role"], Value::string("acceptor"));
        assert_eq!(attrs["status"], Value::string("consulting"));
        assert_eq!(attrs["bandwidth_in_mbps"], Value::number(20));
        assert_eq!(attrs["payment_timing"], Value::string("Postpaid"));
        assert_eq!(attrs["dns_status"], Value::string("close"));
        assert_eq!(
            attrs["expired_time"],
            Value::Null,
            "empty is null, as in baidu_peerconn"
        );
        assert_eq!(attrs["delete_protect"], Value::Bool(true));
        assert_eq!(attrs["tags"], Value::map([("env", Value::string("test"))]));
        assert!(value.is_wholly_known());
    }

    #[test]
    fn missing_fields_are_null() {
        let pc = PeerConn {
            peer_conn_id: "peerconn-x".into(),
            ..PeerConn::default()
        };
        let value = PeeringView::of(&pc).encode();
        for name in [
            "role",
            "status",
            "payment_timing",
            "dns_status",
            "description",
            "created_time",
        ] {
            assert_eq!(value.get_attr(name), Some(&Value::Null), "{name}");
        }
        assert_eq!(value.get_attr("tags"), Some(&Value::Map(BTreeMap::new())));
        assert!(value.conforms_to(&PeeringView::ty()));
    }

    #[test]
    fn every_view_attribute_is_computed_and_documented() {
        for a in PeeringView::block().attributes {
            assert!(
                a.description.text.len() > 10,
                "{} lacks a description",
                a.name
            );
            assert!(a.is_computed_only(), "{}", a.name);
        }
    }

    #[test]
    fn id_validators() {
        let vpc = vpc_id_validator();
        assert!(vpc.check(&Value::string("vpc-demobj000001")).is_ok());
        assert!(vpc.check(&Value::string("subnet-1")).is_err());
        let err = peer_conn_id_validator()
            .check(&Value::string("pcx-1"))
            .expect_err("bad id");
        assert!(
            err.contains("peerconn-9td54fmx143e") && err.contains("pcx-1"),
            "{err}"
        );
    }

    #[test]
    fn peer_conn_ids() {
        assert!(is_peer_conn_id("peerconn-9td54fmx143e"));
        for bad in [
            "",
            "peerconn-",
            "vpc-123",
            "peerconn-ABC",
            "peerconn-a/b",
            "x peerconn-1",
        ] {
            assert!(!is_peer_conn_id(bad), "{bad}");
        }
    }

    #[test]
    fn import_ids_are_trimmed_or_refused_with_the_raw_id_quoted() {
        let mut diags = Diagnostics::new();
        let id = import_peer_conn_id(" peerconn-9td54fmx143e\n", &mut diags, |_| unreachable!());
        assert_eq!(id, Some("peerconn-9td54fmx143e"));
        assert!(diags.is_empty());
        let id = import_peer_conn_id("vpc-1\t", &mut diags, |quoted| format!("got {quoted}."));
        assert_eq!(id, None);
        assert_eq!(diags.len(), 1);
        let d = &diags.as_slice()[0];
        assert_eq!(d.summary, "Invalid import id");
        assert_eq!(d.detail, "got \"vpc-1\\t\".");
    }
}
