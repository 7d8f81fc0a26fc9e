//! `modify_plan` of `baidu_peerconn`: what the framework's schema-driven
//! planning cannot know (the provider's region, what Baidu reports back, the
//! remote status), applied to the plan under construction.

use super::mapping;
use super::rules::{self, PlanContext};
use super::schema::PeerConnModel;
use super::schema::*;
use super::term::{renewal_change, RenewalChange};
use crate::refusal;
use crate::status::{classify_status, StatusClass};
use baidu_vpc::PeerConnStatus;
use tfplugin5_framework::Model;
use tfplugin5_framework::PlanChange;
use tfvalue::{Diagnostic, Diagnostics, Value};
use time::OffsetDateTime;

pub fn modify_plan(plan: &mut PlanChange<'_>, provider_region: &str, diags: &mut Diagnostics) {
    let prior = plan.prior().map(PeerConnModel::decode);
    if plan.is_destroy() {
        if let Some(prior) = &prior {
            rules::check_destroy(prior, diags);
            if let Some(expiry) = rules::unexpired_prepaid(prior) {
                if !rules::refunds_on_destroy(prior) {
                    diags.push(rules::unexpired_prepaid_refused(&expiry));
                }
            }
        }
        return;
    }
    let Some(config) = plan.config().cloned() else {
        return;
    };

    // No tags and `{}` are one thing; state always holds a map, so a
    // configuration without tags plans `{}`: a peering without tags plans no
    // change, and removing every tag from a tagged one is the replacement
    // any other tag change is.
    if config.get_attr(TAGS).is_some_and(Value::is_null) {
        let empty = Value::map(Vec::<(String, Value)>::new());
        let prior_tags = plan.prior().and_then(|p| p.get_attr(TAGS)).cloned();
        plan.set_planned(&path(TAGS), empty.clone());
        // The framework decided replacement on the configured null; the
        // planned `{}` it stands for replaces a tagged peering.
        if prior_tags.is_some_and(|t| !t.is_null() && t != empty) {
            plan.force_replace(path(TAGS));
        }
    }
    if plan.is_create() {
        // Known at plan time: without peer_account_id the peering is
        // same-account and reads back null; Baidu never reports a resource
        // group, so an unset one stays null.
        for name in [PEER_ACCOUNT_ID, RESOURCE_GROUP_ID] {
            if config.get_attr(name).is_some_and(Value::is_null) {
                plan.set_planned(&path(name), Value::Null);
            }
        }
        // Baidu's endpoints are regional: the local VPC is in the provider's
        // region, so the plan can show it instead of "known after apply".
        plan.set_planned(&path(LOCAL_REGION), Value::string(provider_region));
    }

    let prior_status = prior
        .as_ref()
        .and_then(|p| p.status.as_deref())
        .map(PeerConnStatus::from);
    let planned_model = plan.planned().map(PeerConnModel::decode);
    if let (Some(status), Some(id)) = (
        &prior_status,
        prior.as_ref().and_then(|p| p.id.known()).cloned(),
    ) {
        let fail_on_rejection = *status == PeerConnStatus::ConsultFailed
            && planned_model
                .as_ref()
                .and_then(|p| p.on_rejection.as_deref())
                == Some(FAIL);
        if classify_status(status) == StatusClass::NeedsReplacement && fail_on_rejection {
            // Planned as a change (the status unknown), so the apply runs
            // and fails: an error here would block `terraform destroy`.
            plan.mark_unknown(&path(STATUS));
            diags.push(
                Diagnostic::warning(
                    "Peering request rejected",
                    format!(
                        "{} The apply will fail (on_rejection = \"{FAIL}\").",
                        rejection_advice(&id)
                    ),
                )
                .at(path(STATUS)),
            );
        } else if *status == PeerConnStatus::Expired
            && planned_model.as_ref().and_then(PeerConnModel::prepaid) == Some(true)
        {
            // A renewal brings an expired Prepaid peering back in place;
            // replacing it would be a new purchase with a new id.
            diags.push(
                Diagnostic::warning(
                    "Prepaid peering expired",
                    format!(
                        "The term of peering connection {id} ended, so it carries no \
                         traffic. Append a term to billing[0].{RENEWALS} to renew it in place \
                         (a purchase, which the plan will name), or run terraform apply \
                         -replace to buy a new peering with a new id."
                    ),
                )
                .at(billing_path(RENEWALS)),
            );
        } else if classify_status(status) == StatusClass::NeedsReplacement
            && plan.force_replace(path(STATUS))
        {
            diags.push(
                Diagnostic::warning(
                    "Peering connection will be replaced",
                    format!(
                        "The peering connection {id} is {status}, a status it does not leave by \
                         itself, so Terraform will replace it (delete it, then create a new \
                         one). {}",
                        status_advice(status)
                    ),
                )
                .at(path(STATUS)),
            );
        }
    }

    if let (Some(before), Some(prior_value), Some(planned_value)) =
        (&prior, plan.prior(), plan.planned())
    {
        let after = PeerConnModel::decode(planned_value);
        warn_if_tags_replace(before, prior_value, planned_value, diags);
        warn_if_resource_group_added(before, &after, diags);
        say_what_the_term_change_buys(before, &after, diags);
    }

    if plan.is_update() && !plan.replaces() {
        keep_unaffected_computed_values(plan);
    }

    let Some(planned) = plan.planned().map(PeerConnModel::decode) else {
        return;
    };
    let cx = PlanContext {
        provider_region,
        prior: prior.as_ref(),
        prior_status: prior_status.as_ref(),
    };
    rules::check_new(&planned, cx, diags);
    // A replacement creates a new peering, to which the rules on changing
    // this one do not apply.
    if let (Some(prior), false) = (&prior, plan.replaces()) {
        let mut refusals = Diagnostics::new();
        rules::check_change(&planned, prior, prior_status.as_ref(), &mut refusals);
        refusal::warn_at_plan(refusals, diags);
    }
}

/// A tags change replaces the peering (Baidu's peering API cannot relabel
/// one): a plan that cuts traffic must say so in words, not only with
/// `# forces replacement`.
///
/// The tags are compared as values (`prior`, `planned`): a planned map with
/// unknown elements is a change, which the model would read as unknown.
fn warn_if_tags_replace(
    before: &PeerConnModel,
    prior: &Value,
    planned: &Value,
    diags: &mut Diagnostics,
) {
    let tags = |v: &Value| v.get_attr(TAGS).cloned().unwrap_or(Value::Null);
    let (prior_tags, planned_tags) = (tags(prior), tags(planned));
    if prior_tags == planned_tags || prior_tags.is_null() {
        return;
    }
    let id = before.id.as_deref().unwrap_or("(unknown)");
    diags.push(
        Diagnostic::warning(
            "Changing tags recreates the peering connection",
            format!(
                "Baidu's peering API cannot change the tags of an existing peering, so \
                 Terraform will delete peering connection {id} and create a new one with the \
                 new tags: traffic between the two VPCs stops until the new peering is active, \
                 and its id and interface ids change (routes through {LOCAL_IF_ID} must follow). \
                 To keep this peering, restore its tags, or add {TAGS} to \
                 lifecycle {{ ignore_changes }}."
            ),
        )
        .at(path(TAGS)),
    );
}

/// Nothing about money may happen without the plan saying so in words: a
/// renewal is announced as a purchase with its months and the new expiry,
/// and every other change of the term as buying nothing.
fn say_what_the_term_change_buys(
    before: &PeerConnModel,
    after: &PeerConnModel,
    diags: &mut Diagnostics,
) {
    let id = before.id.as_deref().unwrap_or("(unknown)");
    match renewal_change(before, after) {
        RenewalChange::Buy(terms) => {
            let months: i64 = terms.iter().sum();
            let expired = before.expired_time.as_deref();
            let until = mapping::expiry_after(expired, months, OffsetDateTime::now_utc())
                .unwrap_or_else(|| "(unknown)".to_owned());
            diags.push(
                Diagnostic::warning(
                    "This plan buys a Prepaid renewal",
                    format!(
                        "Applying it is a purchase: peering connection {id} is renewed for {months} \
                         month(s) (terms {terms:?} appended to billing[0].{RENEWALS}). Its term \
                         ends {} now and about {until} after the apply.",
                        expired.unwrap_or("(unknown)")
                    ),
                )
                .at(billing_path(RENEWALS)),
            );
        }
        RenewalChange::RecordOnly => diags.push(
            Diagnostic::warning(
                "Renewals recorded, nothing bought",
                format!(
                    "billing[0].{RENEWALS} of peering connection {id} changes, but only terms \
                     appended to a list Terraform already has are bought: this change (an \
                     import's list adopted, or terms already bought edited or removed) is \
                     recorded in the state, with no purchase and no refund."
                ),
            )
            .at(billing_path(RENEWALS)),
        ),
        RenewalChange::None => {}
    }
    let reservation = |s: &PeerConnModel| s.billing.known().map(|b| b.reservation.clone());
    if after.prepaid() == Some(true)
        && reservation(before).is_some_and(|r| !r.is_null())
        && reservation(before) != reservation(after)
    {
        diags.push(
            Diagnostic::warning(
                "The initial term changes, nothing is bought",
                format!(
                    "billing[0].{RESERVATION} is the term peering connection {id} was created \
                     with; changing it only records the new value. To extend the term, append \
                     to billing[0].{RENEWALS}."
                ),
            )
            .at(billing_path(RESERVATION)),
        );
    }
}

/// `resource_group_id` is sent only when creating, and Baidu never reports
/// it back: adding it to an existing peering (one imported, or created
/// without it) only records it, which the plan must not hide.
fn warn_if_resource_group_added(
    before: &PeerConnModel,
    after: &PeerConnModel,
    diags: &mut Diagnostics,
) {
    let (None, Some(added)) = (
        before.resource_group_id.known(),
        after.resource_group_id.known(),
    ) else {
        return;
    };
    diags.push(
        Diagnostic::warning(
            "resource_group_id is only recorded",
            format!(
                "{RESOURCE_GROUP_ID} = {added:?} is added to an existing peering: Baidu takes a \
                 resource group only when a peering is created and has no API to move one, so \
                 this apply records the value in the state without any API call. Move the \
                 peering in Baidu's console if it belongs in that group."
            ),
        )
        .at(path(RESOURCE_GROUP_ID)),
    );
}

/// An in-place update plans every changing computed value unknown; keep
/// those the update cannot change, so the plan shows only what will:
/// - `status`: an `active` peering is `active` again after each step (the
///   update waits through `updating`); `consulting` may turn `active` when
///   the peer accepts meanwhile, so it stays unknown;
/// - `expired_time`: only a renewal (a `billing` change) moves it;
/// - `dns_status`: only a `dns_sync` change moves a settled DNS status.
fn keep_unaffected_computed_values(plan: &mut PlanChange<'_>) {
    let (Some(prior), Some(planned)) = (plan.prior().cloned(), plan.planned().cloned()) else {
        return;
    };
    let attr = |v: &Value, name: &str| v.get_attr(name).cloned().unwrap_or(Value::Null);
    let mut keep = Vec::new();
    if attr(&prior, STATUS).as_str() == Some("active") {
        keep.push(STATUS);
    }
    if attr(&prior, BILLING) == attr(&planned, BILLING) {
        keep.push(EXPIRED_TIME);
    }
    if attr(&prior, DNS_SYNC) == attr(&planned, DNS_SYNC)
        && matches!(attr(&prior, DNS_STATUS).as_str(), Some("open" | "close"))
    {
        keep.push(DNS_STATUS);
    }
    for name in keep {
        if attr(&planned, name).is_unknown() {
            plan.set_planned(&path(name), attr(&prior, name));
        }
    }
}

/// What a rejected request means and what to do, for the plan and the apply.
pub(super) fn rejection_advice(id: &str) -> String {
    format!(
        "The peer account rejected peering request {id} (or did not answer within 7 days). \
         Ask the peer account to accept a new request, then set on_rejection = \
         \"{REQUEST_AGAIN}\" (or run terraform apply -replace) to request again; or remove \
         this resource if the peering is not wanted."
    )
}

fn status_advice(status: &PeerConnStatus) -> &'static str {
    match status {
        PeerConnStatus::ConsultFailed => {
            "The peer account rejected the request or did not accept it within 7 days. If it \
             rejects on purpose (another team's pipeline, say), each apply requests again: \
             remove this resource or agree with the peer account, or set on_rejection = \
             \"fail\" to stop with an error instead."
        }
        PeerConnStatus::Expired => "Its prepaid term ended; renewing would have kept it.",
        PeerConnStatus::Down => "Baidu reports it down.",
        PeerConnStatus::Error => "Baidu reports it failed.",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peerconn::schema::tests::{billing, config_with};
    use tfvalue::AttributePath;

    fn config() -> Value {
        config_with(&[
            (BANDWIDTH, Value::from(100i64)),
            (LOCAL_VPC_ID, Value::string("vpc-demobj000001")),
            (PEER_VPC_ID, Value::string("vpc-demobj000002")),
            (PEER_REGION, Value::string("bj")),
            (BILLING, billing(POSTPAID, None)),
        ])
    }

    /// What the framework plans for a create: config, defaults, unknown computed values.
    fn framework_create_plan(config: &Value) -> Value {
        let mut p = config.clone();
        for name in [
            ID,
            ROLE,
            STATUS,
            DNS_STATUS,
            LOCAL_IF_ID,
            LOCAL_REGION,
            CREATED_TIME,
            EXPIRED_TIME,
            LOCAL_IF_NAME,
            PEER_ACCOUNT_ID,
            RESOURCE_GROUP_ID,
            TAGS,
        ] {
            if config.get_attr(name).is_some_and(Value::is_null) {
                p.set_attr(name, Value::unknown());
            }
        }
        p.set_attr(DNS_SYNC, Value::bool(false));
        p.set_attr(DELETE_PROTECT, Value::bool(false));
        p
    }

    fn state(status: &str) -> Value {
        let mut s = framework_create_plan(&config());
        for (k, v) in [
            (ID, "peerconn-abc123def456"),
            (ROLE, "initiator"),
            (STATUS, status),
            (DNS_STATUS, "close"),
            (LOCAL_IF_ID, "qpif-1"),
            (LOCAL_REGION, "bj"),
            (CREATED_TIME, "2025-01-01T00:00:00Z"),
        ] {
            s.set_attr(k, Value::string(v));
        }
        for k in [
            EXPIRED_TIME,
            LOCAL_IF_NAME,
            PEER_ACCOUNT_ID,
            RESOURCE_GROUP_ID,
        ] {
            s.set_attr(k, Value::Null);
        }
        s.set_attr(TAGS, Value::map(Vec::<(String, Value)>::new()));
        s
    }

    #[test]
    fn create_plans_known_values_where_baidu_reports_nothing() {
        let schema = schema();
        let config = config();
        let mut plan = PlanChange::new(
            &schema,
            None,
            Some(&config),
            Some(framework_create_plan(&config)),
            vec![],
        );
        let mut d = Diagnostics::new();
        modify_plan(&mut plan, "bj", &mut d);
        assert!(d.is_empty(), "{d:?}");
        let p = plan.planned().expect("planned");
        assert_eq!(
            p.get_attr(TAGS),
            Some(&Value::map(Vec::<(String, Value)>::new()))
        );
        assert_eq!(p.get_attr(PEER_ACCOUNT_ID), Some(&Value::Null));
        assert_eq!(p.get_attr(RESOURCE_GROUP_ID), Some(&Value::Null));
        assert!(p.get_attr(LOCAL_IF_NAME).is_some_and(Value::is_unknown));
    }

    #[test]
    fn a_dead_peering_is_replaced_with_a_warning() {
        let schema = schema();
        let config = config();
        for status in ["error", "consult_failed", "expired", "down"] {
            let prior = state(status);
            let mut plan = PlanChange::new(
                &schema,
                Some(&prior),
                Some(&config),
                Some(prior.clone()),
                vec![],
            );
            let mut d = Diagnostics::new();
            modify_plan(&mut plan, "bj", &mut d);
            assert_eq!(d.len(), 1, "{status}: {d:?}");
            let w = &d.as_slice()[0];
            assert!(!w.is_error());
            assert!(w.detail.contains(status) && w.detail.contains("peerconn-abc123def456"));
            assert_eq!(
                plan.requires_replace(),
                [AttributePath::root().attr(STATUS)]
            );
            assert!(plan
                .planned()
                .and_then(|p| p.get_attr(STATUS))
                .is_some_and(Value::is_unknown));
        }
        for status in ["active", "consulting", "updating"] {
            let prior = state(status);
            let mut plan = PlanChange::new(
                &schema,
                Some(&prior),
                Some(&config),
                Some(prior.clone()),
                vec![],
            );
            let mut d = Diagnostics::new();
            modify_plan(&mut plan, "bj", &mut d);
            assert!(
                d.is_empty() && plan.requires_replace().is_empty(),
                "{status}"
            );
        }
    }

    #[test]
    fn an_update_keeps_computed_values_it_cannot_change() {
        let schema = schema();
        let config = config();
        let prior = state("active");
        // The framework's update plan: a changed bandwidth, computed values unknown.
        let mut planned = prior.clone();
        planned.set_attr(BANDWIDTH, Value::from(200i64));
        for name in [STATUS, DNS_STATUS, EXPIRED_TIME] {
            planned.set_attr(name, Value::unknown());
        }
        let mut plan = PlanChange::new(&schema, Some(&prior), Some(&config), Some(planned), vec![]);
        let mut d = Diagnostics::new();
        modify_plan(&mut plan, "bj", &mut d);
        let p = plan.planned().expect("planned").clone();
        assert_eq!(p.get_attr(STATUS), Some(&Value::string("active")));
        assert_eq!(p.get_attr(DNS_STATUS), Some(&Value::string("close")));
        assert_eq!(p.get_attr(EXPIRED_TIME), Some(&Value::Null));

        // A consulting peering may turn active meanwhile; a DNS change moves dns_status.
        let prior = state("consulting");
        let mut planned = prior.clone();
        planned.set_attr(DNS_SYNC, Value::bool(true));
        for name in [STATUS, DNS_STATUS, EXPIRED_TIME] {
            planned.set_attr(name, Value::unknown());
        }
        let mut plan = PlanChange::new(&schema, Some(&prior), Some(&config), Some(planned), vec![]);
        modify_plan(&mut plan, "bj", &mut Diagnostics::new());
        let p = plan.planned().expect("planned");
        assert!(p.get_attr(STATUS).is_some_and(Value::is_unknown));
        assert!(p.get_attr(DNS_STATUS).is_some_and(Value::is_unknown));
    }

    #[test]
    fn destroying_a_protected_peering_fails_at_plan_time() {
        let schema = schema();
        let mut prior = state("active");
        prior.set_attr(DELETE_PROTECT, Value::bool(true));
        let mut plan = PlanChange::new(&schema, Some(&prior), None, None, vec![]);
        let mut d = Diagnostics::new();
        modify_plan(&mut plan, "bj", &mut d);
        assert!(d.has_errors());
        assert_eq!(
            d.as_slice()[0].attribute,
            Some(AttributePath::root().attr(DELETE_PROTECT))
        );
    }
}
