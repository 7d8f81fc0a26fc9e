//! `resource "baidu_peerconn_acceptor"`: the peer account's answer to a
//! peering request (used through a second provider configuration).
//!
//! - [`decision`]: what to do for an action and a status (pure, unit-tested);
//! - [`schema`]: arguments, computed mirror, documentation;
//! - [`state`]: state from the acceptor's view;
//! - [`ops`]: the API calls and waits.
//!
//! Destroy only forgets: the peering and the answer stay (Baidu lets only
//! the initiator delete a peering), and a warning says so at plan and apply.

pub mod decision;
pub mod ops;
pub mod schema;
pub mod state;

use async_trait::async_trait;

use crate::diagnostics::{push_client_error, ErrorScope};
use crate::limits::call_options;
use crate::peering_view::{import_peer_conn_id, DNS_STATUS, STATUS};
use crate::refusal;
use crate::status::dns_sync_enabled;
use crate::ProviderData;
use baidu_vpc::client::new_client_token;
use baidu_vpc::PeerConnStatus;
use tfplugin5_framework::{
    Context, CreateRequest, DeleteRequest, ImportRequest, Model, PlanChange, ReadRequest, Resource,
    Slot, UpdateRequest,
};
use tfvalue::{AttributePath, Diagnostics, Value};

use decision::{check_action_change, check_dns_change, Action, Step};
use schema::{AcceptorMirror, AcceptorModel, ACTION, DNS_SYNC, PEER_CONN_ID, TYPE_NAME};

/// `resource "baidu_peerconn_acceptor"`.
#[derive(Debug, Default, Clone, Copy)]
pub struct PeerConnAcceptorResource;

fn path(name: &str) -> AttributePath {
    AttributePath::root().attr(name)
}

/// After a failed answer: nothing to record unless the API took the answer
/// before failing, in which case the peering as it now is (Terraform taints
/// it, and the object is not lost from state).
async fn after_failed_answer(
    ctx: &Context<ProviderData>,
    id: &str,
    failure: ops::Failure,
    planned: &Value,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let changed = failure.changed;
    failure.report(diags);
    if !changed {
        return None;
    }
    ops::acceptor_view(ctx, &ctx.provider().client, id)
        .await
        .ok()
        .map(|pc| state::with_view(planned, &pc))
}

/// The mirrored values an update of this resource cannot change: all but
/// `status` when the answer changes and `dns_status` when `dns_sync` does.
/// The plan shows them as they are instead of "known after apply", and the
/// apply records them as planned (a change the initiator makes meanwhile is
/// read by the next refresh), so the two agree.
fn unaffected_mirror(prior: &AcceptorModel, planned: &AcceptorModel) -> Vec<String> {
    let action_changes = planned.answer() != prior.answer();
    let dns_changes = planned.dns_sync.known() != prior.dns_sync.known();
    AcceptorMirror::block()
        .attributes
        .into_iter()
        .map(|a| a.name)
        .filter(|name| !(action_changes && name == STATUS))
        .filter(|name| !(dns_changes && name == DNS_STATUS))
        .collect()
}

/// Plans `unaffected` (see [`unaffected_mirror`]) as they are in `prior`
/// where the plan left them unknown.
fn keep_what_the_update_cannot_change(
    plan: &mut PlanChange<'_>,
    prior: &Value,
    unaffected: &[String],
) {
    let Some(planned) = plan.planned().cloned() else {
        return;
    };
    for name in unaffected {
        if planned.get_attr(name).is_some_and(Value::is_unknown) {
            let value = prior.get_attr(name).cloned().unwrap_or(Value::Null);
            plan.set_planned(&path(name), value);
        }
    }
}

fn forget_warning(diags: &mut Diagnostics, id: &str) {
    diags.warning(
        "The peering connection is not deleted",
        format!(
            "Destroying baidu_peerconn_acceptor only removes it from the Terraform state: \
             peering connection {id} keeps existing, and its acceptance (or rejection) stands, \
             unless the initiator account deletes it (by destroying its baidu_peerconn, which \
             may be part of this same run): only the initiator can delete a peering."
        ),
    );
}

impl PeerConnAcceptorResource {
    /// Plan-time checks of an update: action and DNS changes the peering's
    /// recorded status makes impossible.
    fn check_update(prior: &AcceptorModel, planned: &AcceptorModel, diags: &mut Diagnostics) {
        let Some(id) = prior.peering_id() else { return };
        let Some(status) = prior
            .mirror
            .view
            .status
            .as_deref()
            .map(PeerConnStatus::from)
        else {
            return;
        };
        let prior_action = prior.answer();
        let planned_action = planned.answer();
        if let Some(planned_action) = planned_action {
            if let Err(why) = check_action_change(id, prior_action, planned_action, &status) {
                diags.attribute_error(path(ACTION), "Impossible change of action", why);
            }
        }
        let (prior_dns, planned_dns) = (prior.dns_sync.known(), planned.dns_sync.known());
        if planned_dns.is_some() && planned_dns != prior_dns {
            let will_accept =
                planned_action == Some(Action::Accept) && prior_action != Some(Action::Accept);
            if let Err(why) = check_dns_change(id, &status, will_accept) {
                diags.attribute_error(path(DNS_SYNC), "DNS synchronisation cannot change now", why);
            }
        }
    }

    /// Plan-time check of a create whose peering id is already known: refuse
    /// now what the apply would refuse (a rejected request to accept, an
    /// accepted one to reject, an id this account cannot see). Read errors
    /// are left for the apply to report. Returns the request as read, so
    /// the plan can show what is being answered.
    async fn check_create(
        ctx: &Context<ProviderData>,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<baidu_vpc::PeerConn> {
        let planned = AcceptorModel::decode(planned);
        let (Some(id), Some(action)) = (planned.peer_conn_id.as_deref(), planned.answer()) else {
            return None;
        };
        let client = &ctx.provider().client;
        let found = client
            .find_peerconn(id, baidu_vpc::Role::Acceptor, &call_options(ctx))
            .await;
        match found {
            Ok(Some(pc)) => {
                let status = pc
                    .status
                    .clone()
                    .unwrap_or(PeerConnStatus::Other(String::new()));
                if let Step::Refuse(why) = decision::next_step(id, action, &status) {
                    diags.attribute_error(
                        path(ACTION),
                        format!("Peering connection {id} cannot be {}", action.done()),
                        why,
                    );
                }
                Some(pc)
            }
            Ok(None) => {
                diags.attribute_error(
                    path(PEER_CONN_ID),
                    "Peering connection not found",
                    ops::not_visible(id),
                );
                None
            }
            Err(e) => {
                tracing::debug!(peer_conn_id = id, error = %e, "plan-time status check skipped");
                None
            }
        }
    }
}

#[async_trait]
impl Resource<ProviderData> for PeerConnAcceptorResource {
    fn type_name(&self) -> &str {
        TYPE_NAME
    }

    fn schema(&self) -> tfplugin5_framework::Schema {
        schema::schema()
    }

    async fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        // `action = null` satisfies Terraform's "required" check (the
        // argument is present), and an unanswered request would then be
        // adopted and never answered: refuse it while validating.
        let config = AcceptorModel::decode(config);
        if config.action.is_null() {
            diags.attribute_error(
                path(ACTION),
                "Missing answer to the peering request",
                "action is null: set it to \"accept\" or \"reject\". A request that is still \
                 consulting (for example one imported, or written by -generate-config-out) is \
                 answered by the next apply; leaving action null would never answer it.",
            );
        }
        let rejecting = config.answer() == Some(Action::Reject);
        if rejecting && config.dns_sync.known() == Some(&true) {
            diags.attribute_error(
                path(DNS_SYNC),
                "DNS synchronisation needs an accepted peering",
                "dns_sync = true needs action = \"accept\": Baidu synchronises DNS only on an \
                 active peering, and a rejected request never becomes active.",
            );
        }
    }

    async fn modify_plan(
        &self,
        ctx: &Context<ProviderData>,
        plan: &mut PlanChange<'_>,
        diags: &mut Diagnostics,
    ) {
        if plan.is_destroy() {
            if let Some(prior) = plan.prior().map(AcceptorModel::decode) {
                if let Some(id) = prior.peering_id() {
                    forget_warning(diags, id);
                }
            }
            return;
        }
        let Some(planned) = plan.planned() else {
            return;
        };
        // Both checks depend on the request as it is now, so they only warn
        // (see `provider::refusal`); the apply refuses the same changes.
        let mut refusals = Diagnostics::new();
        match plan.prior() {
            Some(prior_value) => {
                let prior_value = prior_value.clone();
                let prior = AcceptorModel::decode(&prior_value);
                let planned = AcceptorModel::decode(planned);
                Self::check_update(&prior, &planned, &mut refusals);
                let unaffected = unaffected_mirror(&prior, &planned);
                keep_what_the_update_cannot_change(plan, &prior_value, &unaffected);
            }
            None => {
                let planned = planned.clone();
                if let Some(request) = Self::check_create(ctx, &planned, &mut refusals).await {
                    // What the reviewer approves: the request's VPCs, regions,
                    // peer account and billing, which never change after the
                    // request was made (so apply reads back the same values).
                    // Those are the mirror's `use_state_for_unknown` attributes.
                    let seen = AcceptorMirror::of(&request).encode();
                    for attribute in AcceptorMirror::block().attributes {
                        if attribute.plan.use_state_for_unknown {
                            let value = seen.get_attr(&attribute.name).cloned();
                            plan.set_planned(&path(&attribute.name), value.unwrap_or(Value::Null));
                        }
                    }
                }
            }
        }
        refusal::warn_at_plan(refusals, diags);
    }

    async fn create(
        &self,
        ctx: &Context<ProviderData>,
        req: CreateRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let planned = AcceptorModel::decode(req.planned);
        let (Some(id), Some(action)) = (planned.peer_conn_id.as_deref(), planned.answer()) else {
            diags.error(
                "Invalid configuration",
                "peer_conn_id and action must be known to answer a peering request.",
            );
            return None;
        };
        let client = &ctx.provider().client;
        // One token for this create's answer, reused by every retry of the call.
        let token = new_client_token();
        let answered = match ops::answer(ctx, client, id, action, &token, diags).await {
            Ok(pc) => pc,
            Err(failure) => return after_failed_answer(ctx, id, failure, req.planned, diags).await,
        };
        let wants_dns = planned.dns_sync.known() == Some(&true);
        let mut view = answered;
        if wants_dns != dns_sync_enabled(view.dns_status.as_ref()) {
            if let Err(failure) = ops::set_dns_sync(ctx, client, id, wants_dns).await {
                failure.report(diags);
            }
            match ops::acceptor_view(ctx, client, id).await {
                Ok(pc) => view = pc,
                Err(failure) => failure.report(diags),
            }
        }
        Some(state::with_view(req.planned, &view))
    }

    async fn read(
        &self,
        ctx: &Context<ProviderData>,
        req: ReadRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let stored = AcceptorModel::decode(req.state);
        let Some(id) = stored.peering_id() else {
            diags.error(
                "Invalid state",
                "The stored baidu_peerconn_acceptor has no peering id.",
            );
            return None;
        };
        let client = &ctx.provider().client;
        match client
            .find_peerconn(id, baidu_vpc::Role::Acceptor, &call_options(ctx))
            .await
        {
            Ok(Some(pc)) if pc.status != Some(PeerConnStatus::Deleted) => {
                Some(state::refreshed(req.state, &pc))
            }
            Ok(_) if req.imported => {
                diags.error(
                    "Cannot import a peering connection that does not exist",
                    ops::not_visible(id),
                );
                None
            }
            Ok(_) => {
                diags.warning(
                    "Peering connection no longer exists",
                    format!(
                        "Peering connection {id} was deleted outside this configuration \
                         (only the initiator can delete it); baidu_peerconn_acceptor is \
                         removed from the state. If the configuration still has it, the next \
                         apply fails until peer_conn_id names an existing request."
                    ),
                );
                None
            }
            Err(e) => {
                push_client_error(
                    diags,
                    "Cannot read the peering connection",
                    &e,
                    &ErrorScope::peering(id),
                );
                None
            }
        }
    }

    async fn update(
        &self,
        ctx: &Context<ProviderData>,
        req: UpdateRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let (prior, planned) = (
            AcceptorModel::decode(req.prior),
            AcceptorModel::decode(req.planned),
        );
        let id = prior.peering_id()?;
        let mut refusals = Diagnostics::new();
        Self::check_update(&prior, &planned, &mut refusals);
        if refusals.has_errors() {
            diags.append(&mut refusals);
            return Some(req.prior.clone());
        }
        let client = &ctx.provider().client;
        let mut changed = false;
        if let Some(action) = planned.answer().filter(|a| Some(*a) != prior.answer()) {
            let token = new_client_token();
            match ops::answer(ctx, client, id, action, &token, diags).await {
                Ok(_) => changed = true,
                Err(failure) => {
                    return after_failed_answer(ctx, id, failure, req.planned, diags).await
                }
            }
        }
        let (prior_dns, planned_dns) = (prior.dns_sync.known(), planned.dns_sync.known());
        if let Some(&on) = planned_dns.filter(|on| Some(*on) != prior_dns) {
            if let Err(failure) = ops::set_dns_sync(ctx, client, id, on).await {
                let dns_changed = failure.changed;
                failure.report(diags);
                if !(changed || dns_changed) {
                    // Nothing changed: keep the prior state.
                    return None;
                }
            }
        }
        match ops::acceptor_view(ctx, client, id).await {
            Ok(pc) => {
                let mut state = state::with_view(req.planned, &pc);
                for name in unaffected_mirror(&prior, &planned) {
                    if let Some(planned) = req.planned.get_attr(&name).filter(|v| v.is_known()) {
                        state.set_attr(name.as_str(), planned.clone());
                    }
                }
                Some(state)
            }
            Err(failure) => {
                failure.report(diags);
                None
            }
        }
    }

    async fn delete(
        &self,
        ctx: &Context<ProviderData>,
        req: DeleteRequest<'_>,
        diags: &mut Diagnostics,
    ) {
        let prior = AcceptorModel::decode(req.prior);
        let id = prior.peering_id().unwrap_or("(unknown)");
        tracing::info!(
            peer_conn_id = id,
            "forgetting the acceptor; the peering stays"
        );
        // Terraform >= 1.3 showed it when planning the destroy already.
        if !ctx.provider().plans_destroys {
            forget_warning(diags, id);
        }
    }

    async fn import(
        &self,
        _ctx: &Context<ProviderData>,
        req: ImportRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let id = import_peer_conn_id(req.id, diags, |quoted| {
            format!(
                "Import baidu_peerconn_acceptor by the peering connection id, like \
                 \"peerconn-9td54fmx143e\"; got {quoted}."
            )
        })?;
        let imported = AcceptorModel {
            id: Slot::Known(id.to_owned()),
            peer_conn_id: Slot::Known(id.to_owned()),
            ..AcceptorModel::default()
        };
        Some(imported.encode_over(&req.schema.empty_value()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peering_view::STATUS;
    use schema::ID;

    fn state(status: &str, action: Option<&str>, dns: bool) -> Value {
        let mut v = schema::schema().empty_value();
        v.set_attr(ID, Value::string("peerconn-abcdef123456"));
        v.set_attr(PEER_CONN_ID, Value::string("peerconn-abcdef123456"));
        v.set_attr(STATUS, Value::string(status));
        v.set_attr(ACTION, action.map_or(Value::Null, Value::string));
        v.set_attr(DNS_SYNC, Value::Bool(dns));
        v
    }

    fn check(prior: &Value, planned: &Value, diags: &mut Diagnostics) {
        let (prior, planned) = (AcceptorModel::decode(prior), AcceptorModel::decode(planned));
        PeerConnAcceptorResource::check_update(&prior, &planned, diags);
    }

    fn paths(diags: &Diagnostics) -> Vec<AttributePath> {
        diags.iter().filter_map(|d| d.attribute.clone()).collect()
    }

    #[test]
    fn un_accepting_is_a_plan_error_on_action() {
        let mut diags = Diagnostics::new();
        check(
            &state("active", Some("accept"), false),
            &state("active", Some("reject"), false),
            &mut diags,
        );
        assert!(diags.has_errors());
        assert_eq!(paths(&diags), [path(ACTION)]);
        let detail = &diags.iter().next().expect("one").detail;
        assert!(detail.contains("peerconn-abcdef123456"), "{detail}");
    }

    #[test]
    fn unrelated_or_possible_changes_plan_cleanly() {
        let cases = [
            // Nothing about the action changes.
            (
                state("error", Some("accept"), false),
                state("error", Some("accept"), false),
            ),
            // Imported while consulting: the configuration answers, DNS follows.
            (
                state("consulting", None, false),
                state("consulting", Some("accept"), true),
            ),
            // DNS on an active peering.
            (
                state("active", Some("accept"), false),
                state("active", Some("accept"), true),
            ),
        ];
        for (prior, planned) in cases {
            let mut diags = Diagnostics::new();
            check(&prior, &planned, &mut diags);
            assert!(diags.is_empty(), "{prior:?} -> {planned:?}: {diags:?}");
        }
    }

    #[test]
    fn dns_on_a_peering_that_is_not_accepted_is_a_plan_error_on_dns_sync() {
        let mut diags = Diagnostics::new();
        check(
            &state("consult_failed", Some("reject"), false),
            &state("consult_failed", Some("reject"), true),
            &mut diags,
        );
        assert_eq!(paths(&diags), [path(DNS_SYNC)]);
        let mut diags = Diagnostics::new();
        check(
            &state("consulting", None, false),
            &state("consulting", Some("reject"), true),
            &mut diags,
        );
        assert_eq!(paths(&diags), [path(DNS_SYNC)]);
    }

    #[tokio::test]
    async fn validate_refuses_dns_sync_with_reject_only() {
        let r = PeerConnAcceptorResource;
        let mut diags = Diagnostics::new();
        r.validate(&state("consulting", Some("reject"), true), &mut diags)
            .await;
        assert_eq!(paths(&diags), [path(DNS_SYNC)]);
        for (action, dns) in [(Some("accept"), true), (Some("reject"), false)] {
            let mut diags = Diagnostics::new();
            r.validate(&state("consulting", action, dns), &mut diags)
                .await;
            assert!(diags.is_empty(), "{action:?} {dns}: {diags:?}");
        }
    }

    #[tokio::test]
    async fn validate_refuses_a_null_action_naming_both_answers() {
        let r = PeerConnAcceptorResource;
        for dns in [false, true] {
            let mut diags = Diagnostics::new();
            r.validate(&state("consulting", None, dns), &mut diags)
                .await;
            assert_eq!(paths(&diags), [path(ACTION)], "{diags:?}");
            let d = diags.errors().next().expect("an error");
            assert!(
                d.detail.contains("\"accept\"") && d.detail.contains("\"reject\""),
                "{}",
                d.detail
            );
        }
        // Unknown until apply (e.g. from a variable of another module) is fine.
        let mut config = state("consulting", None, false);
        if let Value::Object(attrs) = &mut config {
            attrs.insert(ACTION.to_owned(), Value::unknown());
        }
        let mut diags = Diagnostics::new();
        r.validate(&config, &mut diags).await;
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[tokio::test]
    async fn import_sets_both_ids_and_refuses_other_formats() {
        let r = PeerConnAcceptorResource;
        let schema = schema::schema();
        let ctx = test_context();
        let mut diags = Diagnostics::new();
        let req = ImportRequest {
            id: "peerconn-abcdef123456",
            schema: &schema,
        };
        let v = r.import(&ctx, req, &mut diags).await.expect("state");
        assert_eq!(v.get_attr(ID), v.get_attr(PEER_CONN_ID));
        assert_eq!(v.get_attr(ACTION), Some(&Value::Null));
        assert!(v.conforms_to(&schema.value_type()));
        let req = ImportRequest {
            id: "vpc-1",
            schema: &schema,
        };
        assert!(r.import(&ctx, req, &mut diags).await.is_none());
        let d = diags.errors().next().expect("an error");
        assert_eq!(d.summary, "Invalid import id");
        assert_eq!(
            d.detail,
            "Import baidu_peerconn_acceptor by the peering connection id, like \
             \"peerconn-9td54fmx143e\"; got \"vpc-1\"."
        );
    }

    #[tokio::test]
    async fn delete_only_warns() {
        let r = PeerConnAcceptorResource;
        let ctx = test_context();
        let mut diags = Diagnostics::new();
        let prior = state("active", Some("accept"), false);
        r.delete(&ctx, DeleteRequest { prior: &prior }, &mut diags)
            .await;
        assert!(!diags.has_errors());
        let d = diags.iter().next().expect("a warning");
        assert!(
            d.detail.contains("peerconn-abcdef123456 keeps existing"),
            "{}",
            d.detail
        );
    }

    fn test_context() -> Context<ProviderData> {
        crate::testing::offline_context(TYPE_NAME)
    }
}
