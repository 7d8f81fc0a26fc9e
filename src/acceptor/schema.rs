//! `resource "baidu_peerconn_acceptor"` declared once: its typed model (the
//! arguments, the computed mirror of the acceptor's view, the documentation
//! the generated docs come from) and what a change to each argument does.

use std::time::Duration;

use super::decision::Action;
use crate::peering_view::{peer_conn_id_validator, role_of, SideView, ROLE_DOC};
use tfplugin5_framework::behaviour::{timeouts_behaviours, Behaviour, Drift, Effect, Lifecycle};
use tfplugin5_framework::schema::Schema;
use tfplugin5_framework::{validators, Model, Timeouts};
use tfvalue::Value;

pub const TYPE_NAME: &str = "baidu_peerconn_acceptor";

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

tfplugin5_framework::model! {
    /// A `baidu_peerconn_acceptor` object: the answer, and the acceptor's
    /// view of the peering. Each argument's declared behaviour is the
    /// `=> Lifecycle` after its schema.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct AcceptorModel {
        attributes {
            pub ID => id: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description("The peering id (the same as `peer_conn_id`)."),
            // Changed, the old request is only forgotten (destroying an
            // acceptor never deletes a peering); the new one is answered.
            pub PEER_CONN_ID => peer_conn_id: String = |a| a
                .required()
                .requires_replace()
                .markdown_description(
                    "Id of the peering request to answer (`peerconn-…`), usually \
                     `baidu_peerconn.<name>.id` from the initiator's configuration. Changing \
                     it answers another request (the old one is only forgotten).",
                )
                .validate(peer_conn_id_validator())
                => Lifecycle::new(Effect::Replace, MISSING).emptied(INVALID),
            // Both answers are final in Baidu's API. Absent, Terraform itself
            // refuses it; `action = null` is refused by the provider's
            // validation ("Missing answer to the peering request").
            pub ACTION => action: String = |a| a
                .required()
                .markdown_description(
                    "The answer: `\"accept\"` or `\"reject\"`. Required, with no default, so \
                     a request is never rejected by omission. An accepted peering cannot be \
                     switched to `\"reject\"`, nor a rejected one to `\"accept\"` (the plan \
                     warns, the apply refuses).",
                )
                .validate(validators::one_of_strings(&Action::ALL))
                => Lifecycle::new(Effect::RefusedAtApply("Impossible change of action"), MISSING)
                    .emptied(INVALID),
            // Drift: turned off outside Terraform while configured on.
            pub DNS_SYNC => dns_sync: bool = |a| a
                .default(Value::Bool(false))
                .markdown_description(
                    "Synchronise DNS for the acceptor's side (`role = acceptor`): private DNS \
                     names of the initiator's VPC resolve from the acceptor's VPC. Baidu \
                     allows this only on an active peering, so it needs `action = \
                     \"accept\"`; it is turned on after the acceptance, and the apply waits \
                     until the DNS status settles (`open` / `close`). Default `false`, which \
                     also turns off a synchronisation enabled outside Terraform.",
                )
                => Lifecycle::new(
                    Effect::InPlace(&["OpenPeerConnSyncDNS"]),
                    Effect::InPlace(&["ClosePeerConnSyncDNS"]),
                )
                .drift(Drift::Reverted(Effect::InPlace(&["OpenPeerConnSyncDNS"]))),
        }
        flatten {
            mirror: AcceptorMirror,
        }
    }
}

tfplugin5_framework::model! {
    /// The acceptor's view of the peering, mirrored as computed attributes.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct AcceptorMirror {
        attributes {
            pub ROLE => role: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description(ROLE_DOC),
        }
        flatten {
            view: SideView,
        }
    }
}

const MISSING: Effect = Effect::Refused("Missing required argument");
const INVALID: Effect = Effect::Refused("Invalid attribute value");

impl AcceptorMirror {
    /// The acceptor's view as the API returned it.
    pub fn of(pc: &baidu_vpc::PeerConn) -> Self {
        Self {
            role: role_of(pc),
            view: SideView::of(pc),
        }
    }
}

impl AcceptorModel {
    /// The peering id a state refers to (`id`, else `peer_conn_id`).
    pub fn peering_id(&self) -> Option<&str> {
        self.id.as_deref().or(self.peer_conn_id.as_deref())
    }

    /// The recorded action, if valid.
    pub fn answer(&self) -> Option<Action> {
        self.action.as_deref().and_then(Action::parse)
    }
}

fn timeouts() -> Timeouts {
    Timeouts::new()
        .create(CREATE_TIMEOUT)
        .update(UPDATE_TIMEOUT)
}

pub fn schema() -> Schema {
    Schema::of::<AcceptorModel>()
        .markdown_description(RESOURCE_DOC)
        .timeouts(timeouts())
}

/// What a change to each argument does, `timeouts` included.
pub fn behaviours() -> Vec<Behaviour> {
    let mut rows = AcceptorModel::behaviours();
    rows.extend(timeouts_behaviours(&timeouts()));
    rows
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
        assert_eq!(
            s.block.attributes.len(),
            4 + AcceptorMirror::block().attributes.len()
        );
        assert!(s.block.get_block("timeouts").is_some());
        // No view field outside the acceptor's view sneaks in.
        assert!(s.block.get_attribute("tags").is_none());
        assert!(s.block.get_attribute("delete_protect").is_none());
        let (missing, extra) = tfplugin5_framework::behaviour::undeclared(&s.block, &behaviours());
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{missing:?} {extra:?}"
        );
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
