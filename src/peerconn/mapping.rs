//! HCL ↔ API: the create request built from a plan, and the state built from
//! the API's views of a peering (what Baidu does not report back is kept
//! from the prior state or plan, the "base").

use time::format_description::well_known::Rfc3339;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime};

use super::schema::*;
use super::schema::{BillingModel, PeerConnModel, ReservationModel};
use super::term;
use crate::peering_view::{role_of, string_or_null, tags_of, SideView};
use crate::status::dns_sync_enabled;
use baidu_vpc::model::{Billing, CreatePeerConnRequest, PaymentTiming, Reservation, Tag};
use baidu_vpc::PeerConn;
use tfplugin5_framework::{Model, Slot};
use tfvalue::Value;

/// Why a plan cannot be turned into a request (a value still unknown at
/// apply, which Terraform does not allow; reported as a provider bug).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not known")]
pub struct NotKnown(pub &'static str);

fn known<T: Clone>(slot: &Slot<T>, name: &'static str) -> Result<T, NotKnown> {
    slot.known().cloned().ok_or(NotKnown(name))
}

fn optional<T: Clone>(slot: &Slot<T>) -> Option<T> {
    slot.known().cloned()
}

/// The API's tag list: one `{tagKey, tagValue}` per map entry, sorted by key.
pub fn tag_list(tags: &std::collections::BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag {
            tag_key: k.clone(),
            tag_value: v.clone(),
        })
        .collect()
}

fn reservation(r: &ReservationModel) -> Result<Reservation, NotKnown> {
    Ok(Reservation {
        reservation_length: known(&r.reservation_length, RESERVATION_LENGTH)?,
        reservation_time_unit: r
            .reservation_time_unit
            .as_deref()
            .unwrap_or(MONTH)
            .to_owned(),
    })
}

/// `POST /v1/peerconn` body for a planned resource. Optional arguments that
/// are null are left out; a reservation block is sent as written (Baidu
/// ignores it for `Postpaid`, as for the Python SDK, which always sends one).
pub fn create_request(spec: &PeerConnModel) -> Result<CreatePeerConnRequest, NotKnown> {
    let billing = known(&spec.billing, BILLING)?;
    let payment_timing = PaymentTiming::from(known(&billing.payment_timing, PAYMENT_TIMING)?);
    let reservation = match &billing.reservation {
        Slot::Known(r) => Some(reservation(r)?),
        Slot::Null => None,
        Slot::Unknown => return Err(NotKnown(RESERVATION)),
    };
    let tags = match &spec.tags {
        Slot::Known(t) if !t.is_empty() => Some(tag_list(t)),
        Slot::Known(_) | Slot::Null => None,
        Slot::Unknown => return Err(NotKnown(TAGS)),
    };
    Ok(CreatePeerConnRequest {
        bandwidth_in_mbps: known(&spec.bandwidth_in_mbps, BANDWIDTH)?,
        description: optional(&spec.description),
        local_if_name: optional(&spec.local_if_name),
        local_vpc_id: known(&spec.local_vpc_id, LOCAL_VPC_ID)?,
        peer_account_id: optional(&spec.peer_account_id),
        peer_vpc_id: known(&spec.peer_vpc_id, PEER_VPC_ID)?,
        peer_region: known(&spec.peer_region, PEER_REGION)?,
        peer_if_name: optional(&spec.peer_if_name),
        billing: Billing {
            payment_timing: Some(payment_timing),
            reservation,
        },
        tags,
        resource_group_id: optional(&spec.resource_group_id),
        // Only sent when protecting: the API's default is off.
        delete_protect: spec.delete_protect.known().copied().filter(|p| *p),
    })
}

/// `base` with its `id` set: what a state records as soon as the peering
/// exists.
pub fn with_id(base: &Value, id: &str) -> Value {
    let mut model = PeerConnModel::decode(base);
    model.id = Slot::Known(id.to_owned());
    model.encode_over(base)
}

/// Whether the two views show one account on both sides. The acceptor view
/// names the initiator's account as its peer, the initiator view the
/// acceptor's: they agree only when both are the same account.
pub fn is_same_account(initiator: &PeerConn, acceptor: &PeerConn) -> bool {
    initiator.peer_account_id == acceptor.peer_account_id
}

/// An API string for an optional argument: Baidu writes "unset" as `""`;
/// keep `""` only where the base (prior state or plan) has it, else null.
fn optional_string(api: &str, base: &Slot<String>) -> Slot<String> {
    if !api.is_empty() {
        return Slot::Known(api.to_owned());
    }
    match base.as_deref() {
        Some("") => Slot::Known(String::new()),
        _ => Slot::Null,
    }
}

/// The state of a peering read through the API.
///
/// - `base`: the prior state (refresh), the plan (after create/update) or an
///   import stub: supplies what Baidu does not report (`billing`'s
///   `reservation`, `resource_group_id`, `timeouts`) and decides between
///   `""` and null.
/// - `initiator`: the initiator view (`role=initiator`).
/// - `acceptor`: the acceptor view when it could be read; needed for
///   `peer_if_name` and to tell same-account peerings apart.
pub fn state_from_views(base: &Value, initiator: &PeerConn, acceptor: Option<&PeerConn>) -> Value {
    let mut state = PeerConnModel::decode(base);
    let seen = SideView::of(initiator);
    state.id = Slot::Known(initiator.peer_conn_id.clone());
    state.bandwidth_in_mbps = seen.bandwidth_in_mbps;
    state.local_vpc_id = seen.local_vpc_id;
    state.peer_vpc_id = seen.peer_vpc_id;
    state.peer_region = seen.peer_region;
    state.role = role_of(initiator);
    state.status = seen.status;
    state.dns_status = seen.dns_status;
    state.local_if_id = seen.local_if_id;
    state.local_region = seen.local_region;
    state.created_time = seen.created_time;
    state.expired_time = seen.expired_time;
    state.delete_protect = Slot::Known(initiator.delete_protect);
    state.dns_sync = Slot::Known(dns_sync_enabled(initiator.dns_status.as_ref()));
    state.tags = tags_of(initiator);
    // Not Baidu's: kept from the prior state, the default after an import.
    if state.on_rejection.is_null() {
        state.on_rejection = Slot::Known(REQUEST_AGAIN.to_owned());
    }
    state.description = optional_string(&initiator.description, &state.description);
    state.local_if_name = optional_string(&initiator.local_if_name, &state.local_if_name);

    let same_account = acceptor.is_some_and(|a| is_same_account(initiator, a));
    state.peer_account_id = if !same_account {
        string_or_null(&initiator.peer_account_id)
    } else if state.peer_account_id.as_deref() == Some(initiator.peer_account_id.as_str()) {
        // The user named their own account: keep it rather than fight it.
        state.peer_account_id
    } else {
        Slot::Null
    };
    match acceptor {
        Some(a) if same_account => {
            state.peer_if_name = optional_string(&a.local_if_name, &state.peer_if_name);
        }
        // The peer account owns that name: keep what we had.
        _ => {}
    }

    state.billing = Slot::Known(billing_state(
        state.billing.into_known(),
        initiator.payment_timing.as_ref(),
        &initiator.created_time,
        &initiator.expired_time,
    ));
    state.encode_over(base)
}

/// The `billing` block: `payment_timing` from the API, `reservation` from
/// the base; an import (no base block) derives the reservation of a
/// `Prepaid` peering from its creation and expiry times.
fn billing_state(
    base: Option<BillingModel>,
    api_timing: Option<&PaymentTiming>,
    created: &str,
    expired: &str,
) -> BillingModel {
    let timing = match (api_timing, &base) {
        (Some(t), _) => Slot::Known(t.as_str().to_owned()),
        (None, Some(b)) => b.payment_timing.clone(),
        (None, None) => Slot::Null,
    };
    let Some(base) = base else {
        // An import: the whole term since creation, as allowed terms.
        let terms = if timing.as_deref() == Some(PREPAID) {
            whole_months(created, expired)
                .map(term::split_into_terms)
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let (reservation, renewals) = match terms.split_first() {
            Some((first, rest)) => (
                Slot::Known(ReservationModel {
                    reservation_length: Slot::Known(*first),
                    reservation_time_unit: Slot::Known(MONTH.to_owned()),
                }),
                if rest.is_empty() {
                    Slot::Null
                } else {
                    Slot::Known(rest.to_vec())
                },
            ),
            None => (Slot::Null, Slot::Null),
        };
        return BillingModel {
            payment_timing: timing,
            reservation,
            renewals,
            refund_on_destroy: Slot::Known(false),
        };
    };
    BillingModel {
        payment_timing: timing,
        refund_on_destroy: match base.refund_on_destroy {
            Slot::Null => Slot::Known(false),
            kept => kept,
        },
        ..base
    }
}

/// When a term of `months` bought now ends: counted from `expired` (RFC
/// 3339) while that is still ahead, else from `now`, as a renewal extends
/// the current term or starts a new one. An estimate for the plan's words.
pub fn expiry_after(expired: Option<&str>, months: i64, now: OffsetDateTime) -> Option<String> {
    let end = expired
        .and_then(|e| OffsetDateTime::parse(e, &Rfc3339).ok())
        .filter(|e| *e > now)
        .unwrap_or(now);
    add_months(end, months)?.format(&Rfc3339).ok()
}

/// `t` plus `months` calendar months, the day clamped to the month's length
/// (Jan 31 + 1 month = Feb 28/29), as Baidu bills.
fn add_months(t: OffsetDateTime, months: i64) -> Option<OffsetDateTime> {
    let total = i64::from(t.year()) * 12 + i64::from(u8::from(t.month())) - 1 + months;
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(total.rem_euclid(12) + 1).ok()?).ok()?;
    let day = t.day().min(month.length(year));
    let date = Date::from_calendar_date(year, month, day).ok()?;
    Some(PrimitiveDateTime::new(date, t.time()).assume_offset(t.offset()))
}

/// Whole months from `created` to `expired` (RFC 3339 times): the largest
/// `n` with `created + n months <= expired`.
pub fn whole_months(created: &str, expired: &str) -> Option<i64> {
    let start = OffsetDateTime::parse(created, &Rfc3339).ok()?;
    let end = OffsetDateTime::parse(expired, &Rfc3339).ok()?;
    if end < start {
        return None;
    }
    let calendar = (i64::from(end.year()) - i64::from(start.year())) * 12
        + i64::from(u8::from(end.month()))
        - i64::from(u8::from(start.month()));
    (0..=calendar.max(0))
        .rev()
        .find(|n| add_months(start, *n).is_some_and(|t| t <= end))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peerconn::schema::tests::{billing, config_with};
    use baidu_vpc::{DnsStatus, PeerConnStatus, Role};
    use tfplugin5_framework::Model;

    fn full_spec(timing: &str, reservation: Option<(i64, &str)>) -> PeerConnModel {
        PeerConnModel::decode(&config_with(&[
            (BANDWIDTH, Value::from(100i64)),
            (LOCAL_VPC_ID, Value::string("vpc-demobj000001")),
            (PEER_VPC_ID, Value::string("vpc-demogz000001")),
            (PEER_REGION, Value::string("gz")),
            (DESCRIPTION, Value::string("to gz")),
            (LOCAL_IF_NAME, Value::string("if-local")),
            (PEER_IF_NAME, Value::string("if-peer")),
            (BILLING, billing(timing, reservation)),
            (
                TAGS,
                Value::map([
                    ("team", Value::string("net")),
                    ("env", Value::string("dev")),
                ]),
            ),
            (RESOURCE_GROUP_ID, Value::string("RESG-abc")),
            (DELETE_PROTECT, Value::bool(true)),
            (DNS_SYNC, Value::bool(false)),
        ]))
    }

    #[test]
    fn create_body_maps_billing_reservation_and_sorted_tags() {
        let req = create_request(&full_spec(PREPAID, Some((12, MONTH)))).expect("request");
        let json = serde_json::to_value(&req).expect("json");
        assert_eq!(
            json,
            serde_json::json!({
                "bandwidthInMbps": 100,
                "description": "to gz",
                "localIfName": "if-local",
                "localVpcId": "vpc-demobj000001",
                "peerVpcId": "vpc-demogz000001",
                "peerRegion": "gz",
                "peerIfName": "if-peer",
                "billing": {
                    "paymentTiming": "Prepaid",
                    "reservation": {"reservationLength": 12, "reservationTimeUnit": "month"}
                },
                "tags": [
                    {"tagKey": "env", "tagValue": "dev"},
                    {"tagKey": "team", "tagValue": "net"}
                ],
                "resourceGroupId": "RESG-abc",
                "deleteProtect": true
            })
        );
    }

    #[test]
    fn create_body_leaves_out_what_is_not_set() {
        let spec = PeerConnModel::decode(&config_with(&[
            (BANDWIDTH, Value::from(10i64)),
            (LOCAL_VPC_ID, Value::string("vpc-a")),
            (PEER_VPC_ID, Value::string("vpc-b")),
            (PEER_REGION, Value::string("bj")),
            (
                PEER_ACCOUNT_ID,
                Value::string("a0000000000000000000000000000002"),
            ),
            (BILLING, billing(POSTPAID, None)),
            (TAGS, Value::map(Vec::<(String, Value)>::new())),
            (DELETE_PROTECT, Value::bool(false)),
        ]));
        let json = serde_json::to_string(&create_request(&spec).expect("request")).expect("json");
        assert_eq!(
            json,
            r#"{"bandwidthInMbps":10,"localVpcId":"vpc-a","peerAccountId":"a0000000000000000000000000000002","peerVpcId":"vpc-b","peerRegion":"bj","billing":{"paymentTiming":"Postpaid"}}"#
        );
        // Postpaid with a reservation: sent as written.
        let req = create_request(&full_spec(POSTPAID, Some((1, MONTH)))).expect("request");
        assert_eq!(req.billing, {
            let mut b = Billing::postpaid();
            b.reservation = Some(Reservation {
                reservation_length: 1,
                reservation_time_unit: MONTH.into(),
            });
            b
        });
    }

    #[test]
    fn create_body_needs_known_values() {
        let mut spec = full_spec(POSTPAID, None);
        spec.peer_vpc_id = Slot::Unknown;
        assert_eq!(create_request(&spec), Err(NotKnown(PEER_VPC_ID)));
    }

    pub(crate) fn initiator_view() -> PeerConn {
        PeerConn {
            peer_conn_id: "peerconn-abc123def456".into(),
            role: Some(Role::Initiator),
            status: Some(PeerConnStatus::Active),
            bandwidth_in_mbps: 100,
            description: String::new(),
            local_if_id: "qpif-local".into(),
            local_if_name: "if-local".into(),
            local_vpc_id: "vpc-demobj000001".into(),
            local_region: "bj".into(),
            peer_vpc_id: "vpc-demogz000001".into(),
            peer_region: "gz".into(),
            peer_account_id: "a0000000000000000000000000000001".into(),
            payment_timing: Some(PaymentTiming::Prepaid),
            dns_status: Some(DnsStatus::Syncing),
            created_time: "2025-01-31T10:00:00Z".into(),
            expired_time: "2026-01-31T10:00:00Z".into(),
            tags: vec![Tag {
                tag_key: "env".into(),
                tag_value: "dev".into(),
            }],
            delete_protect: true,
        }
    }

    fn acceptor_of(initiator: &PeerConn, own_account: &str) -> PeerConn {
        PeerConn {
            role: Some(Role::Acceptor),
            local_if_id: "qpif-peer".into(),
            local_if_name: "if-peer".into(),
            local_vpc_id: initiator.peer_vpc_id.clone(),
            peer_vpc_id: initiator.local_vpc_id.clone(),
            peer_account_id: own_account.into(),
            tags: vec![],
            ..initiator.clone()
        }
    }

    #[test]
    fn import_reads_every_argument_back() {
        let schema = schema();
        let mut stub = schema.empty_value();
        stub.set_attr(ID, Value::string("peerconn-abc123def456"));
        let init = initiator_view();
        let acc = acceptor_of(&init, "a0000000000000000000000000000001");
        let s = state_from_views(&stub, &init, Some(&acc));
        let get = |n: &str| s.get_attr(n).cloned().unwrap_or(Value::Null);
        assert_eq!(get(BANDWIDTH), Value::from(100i64));
        assert_eq!(get(DESCRIPTION), Value::Null);
        assert_eq!(get(LOCAL_IF_NAME), Value::string("if-local"));
        assert_eq!(get(PEER_IF_NAME), Value::string("if-peer"));
        // Same account: no peer account id in state.
        assert_eq!(get(PEER_ACCOUNT_ID), Value::Null);
        assert_eq!(get(DNS_SYNC), Value::bool(true));
        assert_eq!(get(DELETE_PROTECT), Value::bool(true));
        assert_eq!(get(TAGS), Value::map([("env", Value::string("dev"))]));
        assert_eq!(get(STATUS), Value::string("active"));
        assert_eq!(get(RESOURCE_GROUP_ID), Value::Null);
        // Prepaid: the term is derived from creation and expiry (12 months).
        assert_eq!(get(BILLING), billing(PREPAID, Some((12, MONTH))));
        assert!(s.conforms_to(&schema.value_type()));
    }

    #[test]
    fn refresh_keeps_what_the_api_does_not_report() {
        let schema = schema();
        let mut prior = schema.empty_value();
        prior.set_attr(BILLING, billing(PREPAID, Some((3, MONTH))));
        prior.set_attr(RESOURCE_GROUP_ID, Value::string("RESG-abc"));
        prior.set_attr(DESCRIPTION, Value::string(""));
        prior.set_attr(PEER_IF_NAME, Value::string("kept"));
        prior.set_attr(
            PEER_ACCOUNT_ID,
            Value::string("a0000000000000000000000000000002"),
        );
        let mut init = initiator_view();
        init.peer_account_id = "a0000000000000000000000000000002".into();
        // Cross-account: the acceptor view names us, not the peer.
        let acc = acceptor_of(&init, "a0000000000000000000000000000001");
        let s = state_from_views(&prior, &init, Some(&acc));
        let get = |n: &str| s.get_attr(n).cloned().unwrap_or(Value::Null);
        assert_eq!(get(BILLING), billing(PREPAID, Some((3, MONTH))));
        assert_eq!(get(RESOURCE_GROUP_ID), Value::string("RESG-abc"));
        assert_eq!(get(DESCRIPTION), Value::string(""));
        assert_eq!(get(PEER_IF_NAME), Value::string("kept"));
        assert_eq!(
            get(PEER_ACCOUNT_ID),
            Value::string("a0000000000000000000000000000002")
        );
        // Without an acceptor view: treated as cross-account too.
        let s = state_from_views(&prior, &init, None);
        assert_eq!(s.get_attr(PEER_IF_NAME), Some(&Value::string("kept")));
    }

    #[test]
    fn postpaid_import_has_no_reservation_and_own_account_is_kept_when_configured() {
        let schema = schema();
        let mut init = initiator_view();
        init.payment_timing = Some(PaymentTiming::Postpaid);
        init.expired_time = String::new();
        init.tags.clear();
        let acc = acceptor_of(&init, &init.peer_account_id.clone());
        let stub = schema.empty_value();
        let s = state_from_views(&stub, &init, Some(&acc));
        assert_eq!(s.get_attr(BILLING), Some(&billing(POSTPAID, None)));
        assert_eq!(s.get_attr(EXPIRED_TIME), Some(&Value::Null));
        assert_eq!(
            s.get_attr(TAGS),
            Some(&Value::map(Vec::<(String, Value)>::new()))
        );
        let mut configured = stub.clone();
        configured.set_attr(
            PEER_ACCOUNT_ID,
            Value::string("a0000000000000000000000000000001"),
        );
        let s = state_from_views(&configured, &init, Some(&acc));
        assert_eq!(
            s.get_attr(PEER_ACCOUNT_ID),
            Some(&Value::string("a0000000000000000000000000000001"))
        );
    }

    #[test]
    fn whole_months_between_times() {
        assert_eq!(
            whole_months("2025-01-31T10:00:00Z", "2025-02-28T10:00:00Z"),
            Some(1)
        );
        assert_eq!(
            whole_months("2025-01-15T10:00:00Z", "2025-04-15T09:59:59Z"),
            Some(2)
        );
        assert_eq!(
            whole_months("2025-01-15T10:00:00Z", "2028-01-15T10:00:00Z"),
            Some(36)
        );
        assert_eq!(whole_months("2025-01-15T10:00:00Z", ""), None);
        assert_eq!(
            whole_months("2025-02-15T10:00:00Z", "2025-01-15T10:00:00Z"),
            None
        );
    }
}
