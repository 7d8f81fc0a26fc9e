//! The schema of `resource "baidu_peerconn_acceptor"`: its arguments, the
//! computed mirror of the acceptor's view, and the documentation (generated
//! docs come from these descriptions).

use std::time::Duration;

use super::decision::Action;
use crate::data_sources::view;
use tfplugin5_framework::schema::{Attribute, Schema};
use tfplugin5_framework::{validators, Timeouts};
use tfvalue::Value;

pub const TYPE_NAME: &str = "baidu_peerconn_acceptor";

pub const ID: &str = "id";
pub const PEER_CONN_ID: &str = "peer_conn_id";
pub const ACTION: &str = "action";
pub const DNS_SYNC: &str = "dns_sync";
pub const STATUS: &str = "status";

/// The view fields mirrored as computed attributes.
pub const MIRROR: &[&str] = &[
    "bandwidth_in_mbps",
    "description",
    "local_if_id",
    "local_if_name",
    "local_vpc_id",
    "local_region",
    "peer_vpc_id",
    "peer_region",
    "peer_account_id",
    "payment_timing",
    "role",
    STATUS,
    "dns_status",
    "created_time",
    "expired_time",
];

/// Mirrored fields that never change after the peering was created: their
/// prior value is planned instead of "known after apply" when the acceptor
/// is updated. (Bandwidth, descriptions, statuses and expiry can change —
/// even through the initiator in the same apply — so they stay unknown.)
pub const STABLE: &[&str] = &[
    "local_if_id",
    "local_vpc_id",
    "local_region",
    "peer_vpc_id",
    "peer_region",
    "peer_account_id",
    "payment_timing",
    "role",
    "created_time",
];

pub const CREATE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
pub const UPDATE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

const RESOURCE_DOC: &str = "\
Answers a VPC peering request in the **peer (acceptor) account**: accepts or rejects it, \
optionally turns on DNS synchronisation for the acceptor's side, and mirrors the acceptor's \
view of the peering. Configure it through a provider configuration holding the peer \
account's credentials (typically a provider alias such as `provider = baidu.peer`), with \
`peer_conn_id` taken from the initiator's `baidu_peerconn`.

`action` has no default: leaving it out is a configuration error, never a rejection. Both \
answers are final in Baidu's API: an accepted peering cannot be rejected later (only the \
initiator can delete it) and a rejected request (status `consult_failed`, also reached when a \
request is not answered within 7 days) cannot be accepted later; the initiator must request \
a new peering. Changing `action` against that makes the plan warn and the apply refuse it \
before calling Baidu's API (a warning rather than a plan error, so that `terraform destroy`, \
whose refresh plans the configuration, is never blocked by it).

Creating the resource answers a request in status `consulting` and waits until the peering \
is `active` (accept) or `consult_failed` (reject). A peering already in that state (for \
example a same-account peering, which Baidu accepts by itself) is adopted as it is.

**Destroying this resource does not delete the peering and does not undo the answer**: it \
only removes the resource from Terraform's state, and the plan and apply say so in a \
warning. Only the initiator account can delete a peering (by destroying its \
`baidu_peerconn`).

Import with the peering id, e.g. \
`terraform import baidu_peerconn_acceptor.example peerconn-9td54fmx143e`. `action` is \
derived from the status (accepted ⇒ `\"accept\"`, `consult_failed` ⇒ `\"reject\"`); a \
request still in `consulting` is imported without an action, so the configuration's \
`action` is carried out by the next apply.";

pub fn schema() -> Schema {
    let mut schema = Schema::new()
        .markdown_description(RESOURCE_DOC)
        .attribute(
            Attribute::string(ID)
                .computed()
                .use_state_for_unknown()
                .markdown_description("The peering id (the same as `peer_conn_id`)."),
        )
        .attribute(
            Attribute::string(PEER_CONN_ID)
                .required()
                .requires_replace()
                .markdown_description(
                    "Id of the peering request to answer (`peerconn-…`), usually \
                     `baidu_peerconn.<name>.id` from the initiator's configuration. Changing \
                     it answers another request (the old one is only forgotten).",
                )
                .validate(view::peer_conn_id_validator()),
        )
        .attribute(
            Attribute::string(ACTION)
                .required()
                .markdown_description(
                    "The answer: `\"accept\"` or `\"reject\"`. Required, with no default, so \
                     a request is never rejected by omission. An accepted peering cannot be \
                     switched to `\"reject\"`, nor a rejected one to `\"accept\"` (the plan \
                     warns, the apply refuses).",
                )
                .validate(validators::one_of_strings(&Action::ALL)),
        )
        .attribute(
            Attribute::bool(DNS_SYNC)
                .default(Value::Bool(false))
                .markdown_description(
                    "Synchronise DNS for the acceptor's side (`role = acceptor`): private DNS \
                     names of the initiator's VPC resolve from the acceptor's VPC. Baidu \
                     allows this only on an active peering, so it needs `action = \
                     \"accept\"`; it is turned on after the acceptance, and the apply waits \
                     until the DNS status settles (`open` / `close`). Default `false`, which \
                     also turns off a synchronisation enabled outside Terraform.",
                ),
        );
    for field in view::fields(MIRROR) {
        let mut attribute = field.computed_attribute();
        if STABLE.contains(&field.name) {
            attribute = attribute.use_state_for_unknown();
        }
        schema = schema.attribute(attribute);
    }
    schema.timeouts(
        Timeouts::new()
            .create(CREATE_TIMEOUT)
            .update(UPDATE_TIMEOUT),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfplugin5_framework::schema::RequiresReplace;

    #[test]
    fn schema_is_sound_and_every_attribute_documented() {
        let s = schema();
        assert!(s.check().is_empty(), "{:?}", s.check());
        for a in &s.block.attributes {
            assert!(!a.description.text.is_empty(), "{} undocumented", a.name);
        }
        assert_eq!(s.block.attributes.len(), 4 + MIRROR.len());
        assert!(STABLE.iter().all(|n| MIRROR.contains(n)));
        assert!(s.block.get_block("timeouts").is_some());
    }

    #[test]
    fn action_is_required_without_default_and_validated() {
        let s = schema();
        let action = s.block.get_attribute(ACTION).expect("action");
        assert!(action.required && !action.computed);
        assert!(action.plan.default.is_none());
        assert!(action.validators[0].check(&Value::string("accept")).is_ok());
        let err = action.validators[0]
            .check(&Value::string("auto"))
            .expect_err("not an action");
        assert!(err.contains("\"accept\", \"reject\""), "{err}");
    }

    #[test]
    fn peer_conn_id_replaces_and_dns_sync_defaults_to_false() {
        let s = schema();
        let id = s.block.get_attribute(PEER_CONN_ID).expect("peer_conn_id");
        assert!(matches!(
            id.plan.requires_replace,
            Some(RequiresReplace::Always)
        ));
        let dns = s.block.get_attribute(DNS_SYNC).expect("dns_sync");
        assert_eq!(dns.plan.default, Some(Value::Bool(false)));
        assert!(dns.plan.requires_replace.is_none());
    }

    #[test]
    fn the_docs_say_destroy_only_forgets() {
        let doc = &schema().block.description.text;
        assert!(doc.contains("does not delete the peering"), "{doc}");
        assert!(
            doc.contains("terraform import baidu_peerconn_acceptor"),
            "{doc}"
        );
    }
}
