//! One side's view of a peering (`GET /v1/peerconn/{id}?role=…`, list items)
//! as Terraform attributes.
//!
//! A single table, [`FIELDS`], declares each field's attribute (name, type,
//! description) for the data sources and the acceptor's computed mirror, so
//! they cannot drift apart or from their docs. The values come from
//! [`crate::peering_view::view_attributes`], the conversion `baidu_peerconn` uses too: an
//! empty string from the API (e.g. `expired_time` of a Postpaid peering) is
//! null.

use std::collections::BTreeMap;

use crate::peerconn::schema::is_vpc_id;
use crate::peering_view::is_peer_conn_id;
use baidu_vpc::PeerConn;
use tfplugin5_framework::schema::Attribute;
use tfplugin5_framework::validators::{self, Validator};
use tfvalue::{Type, Value};

/// The attribute holding the peering id in every view object.
pub const ID: &str = "id";

/// The Terraform type of a view field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Number,
    Bool,
    StringMap,
}

impl Kind {
    pub fn ty(self) -> Type {
        match self {
            Kind::String => Type::String,
            Kind::Number => Type::Number,
            Kind::Bool => Type::Bool,
            Kind::StringMap => Type::Map(Box::new(Type::String)),
        }
    }
}

/// One field of a view: its attribute name (also its key in
/// [`crate::peering_view::view_attributes`]), type and markdown description.
#[derive(Debug)]
pub struct ViewField {
    pub name: &'static str,
    pub kind: Kind,
    pub description: &'static str,
}

impl ViewField {
    /// A computed attribute for this field.
    pub fn computed_attribute(&self) -> Attribute {
        Attribute::new(self.name, self.kind.ty())
            .computed()
            .markdown_description(self.description)
    }
}

/// Every field of a view, in documentation order. `tags` and
/// `delete_protect` are only meaningful in the initiator's view (the API
/// returns no tags to the acceptor).
pub const FIELDS: &[ViewField] = &[
    ViewField {
        name: "role",
        kind: Kind::String,
        description: "Which side this view shows: `initiator` (the account that requested the \
                      peering) or `acceptor` (the account that accepts it). `local_*` fields \
                      describe this side, `peer_*` fields the other.",
    },
    ViewField {
        name: "status",
        kind: Kind::String,
        description: "Status of the peering: `creating`, `consulting` (waiting for the peer \
                      account to accept), `consult_failed` (rejected, or not accepted within 7 \
                      days), `active`, `down`, `starting`, `stopping`, `updating`, `deleting`, \
                      `deleted`, `expired` or `error`.",
    },
    ViewField {
        name: "bandwidth_in_mbps",
        kind: Kind::Number,
        description: "Bandwidth of the peering in Mbps.",
    },
    ViewField {
        name: "description",
        kind: Kind::String,
        description: "This side's description of the peering (each side has its own); null \
                      when empty.",
    },
    ViewField {
        name: "local_if_id",
        kind: Kind::String,
        description: "Id of this side's peering interface (`qpif-…`): the next hop to use in \
                      this side's route tables.",
    },
    ViewField {
        name: "local_if_name",
        kind: Kind::String,
        description: "Name of this side's peering interface; null when empty.",
    },
    ViewField {
        name: "local_vpc_id",
        kind: Kind::String,
        description: "This side's VPC.",
    },
    ViewField {
        name: "local_region",
        kind: Kind::String,
        description: "Region of this side's VPC.",
    },
    ViewField {
        name: "peer_vpc_id",
        kind: Kind::String,
        description: "The other side's VPC.",
    },
    ViewField {
        name: "peer_region",
        kind: Kind::String,
        description: "Region of the other side's VPC.",
    },
    ViewField {
        name: "peer_account_id",
        kind: Kind::String,
        description: "Account id of the other side.",
    },
    ViewField {
        name: "payment_timing",
        kind: Kind::String,
        description: "Billing of the peering: `Prepaid` or `Postpaid`.",
    },
    ViewField {
        name: "dns_status",
        kind: Kind::String,
        description: "This side's DNS synchronisation status: `close`, `wait`, `syncing`, \
                      `open` or `closing`.",
    },
    ViewField {
        name: "created_time",
        kind: Kind::String,
        description: "When the peering was created (ISO 8601, UTC).",
    },
    ViewField {
        name: "expired_time",
        kind: Kind::String,
        description: "When a Prepaid peering expires (ISO 8601, UTC); null for Postpaid.",
    },
    ViewField {
        name: "delete_protect",
        kind: Kind::Bool,
        description: "Whether deletion protection is on.",
    },
    ViewField {
        name: "tags",
        kind: Kind::StringMap,
        description: "Tags of the peering (returned to the initiator only; empty in the \
                      acceptor's view).",
    },
];

/// The fields named in `names`, in [`FIELDS`] order.
pub fn fields<'a>(names: &'a [&'a str]) -> impl Iterator<Item = &'static ViewField> + 'a {
    FIELDS.iter().filter(move |f| names.contains(&f.name))
}

/// The values of `names` (a subset of [`FIELDS`]) for one view; a field
/// the API did not report is null.
pub fn field_values<'a>(
    pc: &PeerConn,
    names: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, Value> {
    let all = crate::peering_view::view_attributes(pc);
    names
        .into_iter()
        .map(|name| {
            (
                name.to_owned(),
                all.get(name).cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}

/// `id` plus every field, as attribute name → value.
pub fn view_attributes(pc: &PeerConn) -> BTreeMap<String, Value> {
    let mut attrs = field_values(pc, FIELDS.iter().map(|f| f.name));
    attrs.insert(ID.to_owned(), Value::string(&pc.peer_conn_id));
    attrs
}

/// One view as the object a data source stores: [`view_attributes`], with
/// `overrides` (attribute → value) in place of what the API echoed.
pub fn view_object<'a>(
    pc: &PeerConn,
    overrides: impl IntoIterator<Item = (&'a str, Value)>,
) -> Value {
    let mut attrs = view_attributes(pc);
    attrs.extend(overrides.into_iter().map(|(k, v)| (k.to_owned(), v)));
    Value::Object(attrs)
}

/// The object type of [`view_attributes`] and [`view_object`].
pub fn view_type() -> Type {
    let mut attrs: BTreeMap<String, Type> = FIELDS
        .iter()
        .map(|f| (f.name.to_owned(), f.kind.ty()))
        .collect();
    attrs.insert(ID.to_owned(), Type::String);
    Type::Object(attrs)
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use baidu_vpc::model::{PaymentTiming, Tag};
    use baidu_vpc::{DnsStatus, PeerConnStatus, Role};

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
        let attrs = view_attributes(&sample());
        assert_eq!(attrs.len(), FIELDS.len() + 1);
        let value = Value::Object(attrs.clone());
        assert!(value.conforms_to(&view_type()), "{value:?}");
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
        let attrs = view_attributes(&pc);
        for name in [
            "role",
            "status",
            "payment_timing",
            "dns_status",
            "description",
            "created_time",
        ] {
            assert_eq!(attrs[name], Value::Null, "{name}");
        }
        assert_eq!(attrs["tags"], Value::Map(BTreeMap::new()));
        assert!(Value::Object(attrs).conforms_to(&view_type()));
    }

    #[test]
    fn field_subsets_keep_table_order_and_every_field_is_documented() {
        let names: Vec<_> = fields(&["status", "role"]).map(|f| f.name).collect();
        assert_eq!(names, ["role", "status"]);
        for f in FIELDS {
            assert!(f.description.len() > 10, "{} lacks a description", f.name);
            let a = f.computed_attribute();
            assert!(a.is_computed_only());
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
}
