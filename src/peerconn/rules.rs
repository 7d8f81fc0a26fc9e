//! Baidu's rules for a peering, checked before anything is sent: each
//! failure is an error diagnostic pointing at the attribute (and naming its
//! path in the text), so `terraform plan` fails instead of `apply`.
//! Single-attribute rules (formats, ranges, enums) are schema validators
//! (`schema.rs`); the rules here combine attributes, the provider's region or
//! the prior state. Rules whose inputs are unknown are skipped.

use super::schema::PeerConnModel;
use super::schema::*;
use baidu_vpc::PeerConnStatus;
use tfplugin5_framework::Slot;
use tfvalue::{Diagnostic, Diagnostics};

/// Rules over the configuration alone (validate time and before each plan).
pub fn check_config(spec: &PeerConnModel, diags: &mut Diagnostics) {
    if let (Some(local), Some(peer)) = (spec.local_vpc_id.as_deref(), spec.peer_vpc_id.as_deref()) {
        if local == peer {
            diags.push(
                Diagnostic::error(
                    "A VPC cannot be peered with itself",
                    format!("{PEER_VPC_ID} must differ from {LOCAL_VPC_ID}; both are {local:?}."),
                )
                .at(path(PEER_VPC_ID)),
            );
        }
    }
    if let Some(billing) = spec.billing.known() {
        if billing.is_prepaid() && billing.reservation.is_null() {
            diags.push(
                Diagnostic::error(
                    "Prepaid peering without a term",
                    format!(
                        "billing[0].{RESERVATION} is required when billing[0].{PAYMENT_TIMING} is \
                         \"{PREPAID}\": add a reservation block, e.g. \
                         reservation {{ {RESERVATION_LENGTH} = 1 }}."
                    ),
                )
                .at(billing_path(RESERVATION)),
            );
        }
        if billing.payment_timing.as_deref() == Some(POSTPAID) && !billing.reservation.is_null() {
            diags.push(
                Diagnostic::error(
                    "A reservation is only for Prepaid peerings",
                    format!(
                        "billing[0].{RESERVATION} is set but billing[0].{PAYMENT_TIMING} is \
                         \"{POSTPAID}\", which has no paid term: the block would be ignored. \
                         Remove it, or set {PAYMENT_TIMING} = \"{PREPAID}\"."
                    ),
                )
                .at(billing_path(RESERVATION)),
            );
        }
    }
    if spec.peer_if_name.is_known() && spec.peer_account_id.is_known() {
        diags.push(
            Diagnostic::error(
                "peer_if_name is for same-account peerings only",
                format!(
                    "{PEER_IF_NAME} cannot be set together with {PEER_ACCOUNT_ID}: the peer \
                     account names its own interface. Remove {PEER_IF_NAME}, or remove \
                     {PEER_ACCOUNT_ID} if both VPCs belong to this account."
                ),
            )
            .at(path(PEER_IF_NAME)),
        );
    }
}

/// What the plan rules look at besides the planned object.
#[derive(Debug, Clone, Copy)]
pub struct PlanContext<'a> {
    /// The provider's region, where `local_vpc_id` lives.
    pub provider_region: &'a str,
    /// The prior object; `None` when creating.
    pub prior: Option<&'a PeerConnModel>,
    /// The prior object's status, when known.
    pub prior_status: Option<&'a PeerConnStatus>,
}

/// Every plan rule: [`check_new`] and, for an existing peering,
/// [`check_change`].
pub fn check_plan(planned: &PeerConnModel, cx: PlanContext<'_>, diags: &mut Diagnostics) {
    check_new(planned, cx, diags);
    if let Some(prior) = cx.prior {
        check_change(planned, prior, cx.prior_status, diags);
    }
}

/// Rules on what the plan asks for, with the provider's region: the same
/// whatever the peering is now.
pub fn check_new(planned: &PeerConnModel, cx: PlanContext<'_>, diags: &mut Diagnostics) {
    if planned.prepaid() == Some(true) {
        if let Some(region) = planned.peer_region.as_deref() {
            if region == cx.provider_region {
                diags.push(
                    Diagnostic::error(
                        "Prepaid is not available within one region",
                        format!(
                            "billing[0].{PAYMENT_TIMING} = \"{PREPAID}\" needs a peer in another \
                             region, but {PEER_REGION} is the provider's region {region:?}: Baidu \
                             bills peerings within one region only as \"{POSTPAID}\"."
                        ),
                    )
                    .at(billing_path(PAYMENT_TIMING)),
                );
            }
        }
    }
    if cx.prior.is_none()
        && planned.dns_sync.known() == Some(&true)
        && planned.cross_account() == Some(true)
    {
        diags.push(
            Diagnostic::error(
                "DNS sync needs an accepted peering",
                format!(
                    "{DNS_SYNC} cannot be true when creating a cross-account peering \
                     ({PEER_ACCOUNT_ID} is set): DNS sync can only be opened on an active \
                     peering, and this one stays consulting until the peer account accepts it. \
                     Create it with {DNS_SYNC} = false and enable it after the acceptance."
                ),
            )
            .at(path(DNS_SYNC)),
        );
    }
}

/// Rules on changing the existing peering `prior` (in status
/// `prior_status`) into `planned`: what Baidu refuses for the peering as it
/// is now.
pub fn check_change(
    planned: &PeerConnModel,
    prior: &PeerConnModel,
    prior_status: Option<&PeerConnStatus>,
    diags: &mut Diagnostics,
) {
    if let (Some(true), Some(true), Some(old), Some(new)) = (
        planned.prepaid(),
        prior.prepaid(),
        prior.bandwidth_in_mbps.known(),
        planned.bandwidth_in_mbps.known(),
    ) {
        if new < old {
            diags.push(
                Diagnostic::error(
                    "Prepaid bandwidth can only grow",
                    format!(
                        "{BANDWIDTH} of a \"{PREPAID}\" peering can only be increased: it is \
                         {old} Mbps and the configuration asks for {new} Mbps."
                    ),
                )
                .at(path(BANDWIDTH)),
            );
        }
    }
    let enabling_dns =
        planned.dns_sync.known() == Some(&true) && prior.dns_sync.known() != Some(&true);
    match prior_status {
        Some(status) if enabling_dns && *status != PeerConnStatus::Active => diags.push(
            Diagnostic::error(
                "DNS sync needs an active peering",
                format!(
                    "{DNS_SYNC} can only be enabled on an active peering; this one is \
                     {status}. Enable it once the peering is active (for a cross-account \
                     peering: after the peer account accepted it)."
                ),
            )
            .at(path(DNS_SYNC)),
        ),
        _ => {}
    }
}

/// Rules for destroying `prior` (Terraform ≥ 1.3 plans destroys through the
/// provider; `delete` repeats the check for older versions).
pub fn check_destroy(prior: &PeerConnModel, diags: &mut Diagnostics) {
    if prior.delete_protect == Slot::Known(true) {
        diags.push(deletion_protected());
    }
}

/// Whether `state` is a `Prepaid` peering whose paid term is still running,
/// which Baidu does not release (only refund): its expiry when so.
pub fn unexpired_prepaid(state: &PeerConnModel) -> Option<String> {
    let status = state.status.as_deref().map(PeerConnStatus::from);
    let releasable = matches!(
        status,
        Some(PeerConnStatus::Expired | PeerConnStatus::ConsultFailed | PeerConnStatus::Deleted)
    );
    let expiry = state.expired_time.as_deref()?;
    let ends =
        time::OffsetDateTime::parse(expiry, &time::format_description::well_known::Rfc3339).ok()?;
    (state.prepaid() == Some(true) && !releasable && ends > time::OffsetDateTime::now_utc())
        .then(|| expiry.to_owned())
}

/// Whether a destroy of `spec` refunds it (`billing[0].refund_on_destroy`).
pub fn refunds_on_destroy(spec: &PeerConnModel) -> bool {
    spec.billing
        .known()
        .and_then(|b| b.refund_on_destroy.known().copied())
        == Some(true)
}

/// The refusal to delete an unexpired Prepaid peering without a refund.
pub fn unexpired_prepaid_refused(expiry: &str) -> Diagnostic {
    Diagnostic::error(
        "Prepaid term still running",
        format!(
            "This Prepaid peering's paid term ends {expiry}, and Baidu does not release a \
             Prepaid peering before then. Set billing[0].{REFUND_ON_DESTROY} = true and apply \
             to have the destroy refund it instead (Baidu returns the unused part), or keep \
             it until it has expired."
        ),
    )
    .at(billing_path(REFUND_ON_DESTROY))
}

/// The refusal to delete a protected peering.
pub fn deletion_protected() -> Diagnostic {
    Diagnostic::error(
        "Deletion protection is on",
        format!(
            "{DELETE_PROTECT} is true for this peering, so it cannot be destroyed: set \
             {DELETE_PROTECT} = false and apply, then destroy."
        ),
    )
    .at(path(DELETE_PROTECT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peerconn::schema::tests::{billing, config_with};
    use tfplugin5_framework::Model;
    use tfvalue::{AttributePath, Value};

    fn base(pairs: &[(&str, Value)]) -> PeerConnModel {
        let mut all = vec![
            (BANDWIDTH, Value::from(100i64)),
            (LOCAL_VPC_ID, Value::string("vpc-demobj000001")),
            (PEER_VPC_ID, Value::string("vpc-demogz000001")),
            (PEER_REGION, Value::string("gz")),
            (BILLING, billing(POSTPAID, None)),
            (DNS_SYNC, Value::bool(false)),
            (DELETE_PROTECT, Value::bool(false)),
        ];
        all.extend(pairs.iter().cloned());
        PeerConnModel::decode(&config_with(&all))
    }

    fn config_errors(spec: &PeerConnModel) -> Vec<(String, String)> {
        let mut d = Diagnostics::new();
        check_config(spec, &mut d);
        paths(d)
    }

    fn plan_errors(spec: &PeerConnModel, cx: PlanContext<'_>) -> Vec<(String, String)> {
        let mut d = Diagnostics::new();
        check_plan(spec, cx, &mut d);
        paths(d)
    }

    fn paths(d: Diagnostics) -> Vec<(String, String)> {
        d.iter()
            .map(|d| {
                assert!(d.is_error());
                let p = d
                    .attribute
                    .clone()
                    .unwrap_or_else(AttributePath::root)
                    .to_string();
                assert!(d.detail.contains(&p), "{p} not named in {:?}", d.detail);
                (p, d.detail.clone())
            })
            .collect()
    }

    const CREATE_IN_BJ: PlanContext<'static> = PlanContext {
        provider_region: "bj",
        prior: None,
        prior_status: None,
    };

    #[test]
    fn a_valid_configuration_passes() {
        let s = base(&[(BILLING, billing(PREPAID, Some((1, MONTH))))]);
        assert!(config_errors(&s).is_empty());
        assert!(plan_errors(&s, CREATE_IN_BJ).is_empty());
    }

    #[test]
    fn same_vpc_is_refused() {
        let s = base(&[(PEER_VPC_ID, Value::string("vpc-demobj000001"))]);
        let e = config_errors(&s);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "peer_vpc_id");
        // Unknown: nothing to say yet.
        let s = base(&[(PEER_VPC_ID, Value::unknown())]);
        assert!(config_errors(&s).is_empty());
    }

    #[test]
    fn prepaid_needs_a_reservation() {
        let e = config_errors(&base(&[(BILLING, billing(PREPAID, None))]));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "billing[0].reservation");
        assert!(config_errors(&base(&[(BILLING, billing(POSTPAID, None))])).is_empty());
    }

    #[test]
    fn peer_if_name_is_same_account_only() {
        let s = base(&[
            (PEER_IF_NAME, Value::string("x")),
            (
                PEER_ACCOUNT_ID,
                Value::string("a0000000000000000000000000000002"),
            ),
        ]);
        assert_eq!(config_errors(&s)[0].0, "peer_if_name");
        let s = base(&[
            (PEER_IF_NAME, Value::string("x")),
            (PEER_ACCOUNT_ID, Value::unknown()),
        ]);
        assert!(config_errors(&s).is_empty());
    }

    #[test]
    fn prepaid_within_the_provider_region_is_refused() {
        let s = base(&[
            (PEER_REGION, Value::string("bj")),
            (PEER_VPC_ID, Value::string("vpc-demobj000002")),
            (BILLING, billing(PREPAID, Some((1, MONTH)))),
        ]);
        let e = plan_errors(&s, CREATE_IN_BJ);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "billing[0].payment_timing");
        let gz = PlanContext {
            provider_region: "gz",
            ..CREATE_IN_BJ
        };
        assert!(plan_errors(&s, gz).is_empty());
    }

    #[test]
    fn prepaid_bandwidth_only_grows() {
        let prepaid = billing(PREPAID, Some((1, MONTH)));
        let prior = base(&[(BILLING, prepaid.clone())]);
        let active = PeerConnStatus::Active;
        let cx = PlanContext {
            provider_region: "bj",
            prior: Some(&prior),
            prior_status: Some(&active),
        };
        let smaller = base(&[(BILLING, prepaid.clone()), (BANDWIDTH, Value::from(50i64))]);
        let e = plan_errors(&smaller, cx);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "bandwidth_in_mbps");
        assert!(e[0].1.contains("100") && e[0].1.contains("50"));
        let bigger = base(&[(BILLING, prepaid), (BANDWIDTH, Value::from(200i64))]);
        assert!(plan_errors(&bigger, cx).is_empty());
        // Postpaid goes both ways.
        let prior = base(&[]);
        let cx = PlanContext {
            prior: Some(&prior),
            ..cx
        };
        assert!(plan_errors(&base(&[(BANDWIDTH, Value::from(1i64))]), cx).is_empty());
    }

    #[test]
    fn dns_sync_needs_an_active_peering() {
        let cross = base(&[
            (
                PEER_ACCOUNT_ID,
                Value::string("a0000000000000000000000000000002"),
            ),
            (DNS_SYNC, Value::bool(true)),
        ]);
        assert_eq!(plan_errors(&cross, CREATE_IN_BJ)[0].0, "dns_sync");
        let same = base(&[(DNS_SYNC, Value::bool(true))]);
        assert!(plan_errors(&same, CREATE_IN_BJ).is_empty());
        let prior = base(&[(
            PEER_ACCOUNT_ID,
            Value::string("a0000000000000000000000000000002"),
        )]);
        let consulting = PeerConnStatus::Consulting;
        let active = PeerConnStatus::Active;
        let mut cx = PlanContext {
            provider_region: "bj",
            prior: Some(&prior),
            prior_status: Some(&consulting),
        };
        assert_eq!(plan_errors(&cross, cx)[0].0, "dns_sync");
        cx.prior_status = Some(&active);
        assert!(plan_errors(&cross, cx).is_empty());
    }

    #[test]
    fn protected_peerings_cannot_be_destroyed() {
        let mut d = Diagnostics::new();
        check_destroy(&base(&[(DELETE_PROTECT, Value::bool(true))]), &mut d);
        assert_eq!(paths(d)[0].0, "delete_protect");
        let mut d = Diagnostics::new();
        check_destroy(&base(&[]), &mut d);
        assert!(d.is_empty());
    }

    #[test]
    fn a_reservation_on_postpaid_is_refused_at_the_reservation_block() {
        let spec = base(&[(BILLING, billing(POSTPAID, Some((12, MONTH))))]);
        let errors = config_errors(&spec);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, billing_path(RESERVATION).to_string());
        assert!(errors[0].1.contains("Prepaid"), "{errors:?}");
    }
}
