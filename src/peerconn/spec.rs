//! A typed view of a `baidu_peerconn` object (configuration, plan or
//! state): each argument as null, unknown or a known value, so the plan
//! rules and the request mapping read fields instead of walking values.

use std::collections::BTreeMap;

use super::schema::*;
use tfvalue::Value;

/// One argument: not set, not known yet, or known.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Slot<T> {
    #[default]
    Null,
    Unknown,
    Known(T),
}

impl<T> Slot<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            Slot::Known(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Slot::Null)
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Slot::Known(_))
    }

    fn from_value(v: Option<&Value>, convert: impl FnOnce(&Value) -> Option<T>) -> Self {
        match v {
            None => Slot::Null,
            Some(v) if v.is_null() => Slot::Null,
            Some(v) if v.is_unknown() => Slot::Unknown,
            // A value of the wrong type cannot come from Terraform (it checks
            // the schema); reading it as unknown skips every rule about it.
            Some(v) => convert(v).map_or(Slot::Unknown, Slot::Known),
        }
    }
}

impl Slot<String> {
    pub fn as_deref(&self) -> Option<&str> {
        self.known().map(String::as_str)
    }
}

/// The `billing` block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BillingSpec {
    pub payment_timing: Slot<String>,
    /// `Null` when the configuration has no `reservation` block.
    pub reservation: Slot<ReservationSpec>,
    /// Terms bought after creation, oldest first.
    pub renewals: Slot<Vec<i64>>,
    pub refund_on_destroy: Slot<bool>,
}

impl BillingSpec {
    pub fn is_prepaid(&self) -> bool {
        self.payment_timing.as_deref() == Some(PREPAID)
    }
}

/// The `reservation` block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReservationSpec {
    /// The raw number (may be fractional when invalid; validators catch that).
    pub length: Slot<i64>,
    pub time_unit: Slot<String>,
}

/// Every argument of the resource.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spec {
    pub bandwidth_in_mbps: Slot<i64>,
    pub local_vpc_id: Slot<String>,
    pub peer_vpc_id: Slot<String>,
    pub peer_region: Slot<String>,
    pub peer_account_id: Slot<String>,
    pub description: Slot<String>,
    pub local_if_name: Slot<String>,
    pub peer_if_name: Slot<String>,
    /// `Null` when there is no `billing` block.
    pub billing: Slot<BillingSpec>,
    pub tags: Slot<BTreeMap<String, String>>,
    pub resource_group_id: Slot<String>,
    pub delete_protect: Slot<bool>,
    pub dns_sync: Slot<bool>,
}

fn string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn int(v: &Value) -> Option<i64> {
    v.as_i64()
}

fn bool_(v: &Value) -> Option<bool> {
    v.as_bool()
}

/// The first element of a list block: `Null` when empty, `Unknown` when the
/// list (or the element) is unknown.
fn first_block(v: Option<&Value>) -> Slot<&Value> {
    match v {
        None => Slot::Null,
        Some(v) if v.is_unknown() => Slot::Unknown,
        Some(v) => match v.as_list().and_then(<[Value]>::first) {
            None => Slot::Null,
            Some(e) if e.is_unknown() => Slot::Unknown,
            Some(e) => Slot::Known(e),
        },
    }
}

impl ReservationSpec {
    fn from_value(v: &Value) -> Self {
        Self {
            length: Slot::from_value(v.get_attr(RESERVATION_LENGTH), int),
            time_unit: Slot::from_value(v.get_attr(RESERVATION_TIME_UNIT), string),
        }
    }
}

impl BillingSpec {
    fn from_value(v: &Value) -> Self {
        let reservation = match first_block(v.get_attr(RESERVATION)) {
            Slot::Null => Slot::Null,
            Slot::Unknown => Slot::Unknown,
            Slot::Known(r) => Slot::Known(ReservationSpec::from_value(r)),
        };
        Self {
            payment_timing: Slot::from_value(v.get_attr(PAYMENT_TIMING), string),
            reservation,
            renewals: Slot::from_value(v.get_attr(RENEWALS), |list| {
                list.as_list()?.iter().map(Value::as_i64).collect()
            }),
            refund_on_destroy: Slot::from_value(v.get_attr(REFUND_ON_DESTROY), bool_),
        }
    }
}

impl Spec {
    /// Reads a resource object; absent attributes count as null.
    pub fn from_value(v: &Value) -> Self {
        let billing = match first_block(v.get_attr(BILLING)) {
            Slot::Null => Slot::Null,
            Slot::Unknown => Slot::Unknown,
            Slot::Known(b) => Slot::Known(BillingSpec::from_value(b)),
        };
        let tags = Slot::from_value(v.get_attr(TAGS), |t| {
            let map = t.as_map()?;
            // Unknown or null elements make the whole map unusable for rules.
            map.iter()
                .map(|(k, e)| e.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect::<Option<BTreeMap<_, _>>>()
        });
        Self {
            bandwidth_in_mbps: Slot::from_value(v.get_attr(BANDWIDTH), int),
            local_vpc_id: Slot::from_value(v.get_attr(LOCAL_VPC_ID), string),
            peer_vpc_id: Slot::from_value(v.get_attr(PEER_VPC_ID), string),
            peer_region: Slot::from_value(v.get_attr(PEER_REGION), string),
            peer_account_id: Slot::from_value(v.get_attr(PEER_ACCOUNT_ID), string),
            description: Slot::from_value(v.get_attr(DESCRIPTION), string),
            local_if_name: Slot::from_value(v.get_attr(LOCAL_IF_NAME), string),
            peer_if_name: Slot::from_value(v.get_attr(PEER_IF_NAME), string),
            billing,
            tags,
            resource_group_id: Slot::from_value(v.get_attr(RESOURCE_GROUP_ID), string),
            delete_protect: Slot::from_value(v.get_attr(DELETE_PROTECT), bool_),
            dns_sync: Slot::from_value(v.get_attr(DNS_SYNC), bool_),
        }
    }

    /// `Some(true)` for a known `Prepaid` billing block, `Some(false)` for a
    /// known other one, `None` while not known.
    pub fn prepaid(&self) -> Option<bool> {
        let billing = self.billing.known()?;
        billing.payment_timing.known()?;
        Some(billing.is_prepaid())
    }

    /// Cross-account as far as the configuration tells: `peer_account_id`
    /// is set (see the attribute's description). `None` while unknown.
    pub fn cross_account(&self) -> Option<bool> {
        match &self.peer_account_id {
            Slot::Null => Some(false),
            Slot::Unknown => None,
            Slot::Known(_) => Some(true),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tfvalue::Number;

    /// A configuration object as Terraform sends it: every attribute
    /// present, the given ones set.
    pub(crate) fn config_with(pairs: &[(&str, Value)]) -> Value {
        let mut v = schema().empty_value();
        for (k, val) in pairs {
            v.set_attr(*k, val.clone());
        }
        v
    }

    pub(crate) fn billing(timing: &str, reservation: Option<(i64, &str)>) -> Value {
        let reservation = match reservation {
            Some((len, unit)) => Value::list([Value::object([
                (RESERVATION_LENGTH, Value::from(len)),
                (RESERVATION_TIME_UNIT, Value::string(unit)),
            ])]),
            None => Value::list([]),
        };
        Value::list([Value::object([
            (PAYMENT_TIMING, Value::string(timing)),
            (RESERVATION, reservation),
            (RENEWALS, Value::Null),
            (REFUND_ON_DESTROY, Value::Bool(false)),
        ])])
    }

    #[test]
    fn reads_known_null_and_unknown_arguments() {
        let v = config_with(&[
            (BANDWIDTH, Value::from(100i64)),
            (LOCAL_VPC_ID, Value::string("vpc-a")),
            (PEER_VPC_ID, Value::unknown()),
            (BILLING, billing(PREPAID, Some((3, MONTH)))),
            (TAGS, Value::map([("env", Value::string("dev"))])),
        ]);
        let s = Spec::from_value(&v);
        assert_eq!(s.bandwidth_in_mbps, Slot::Known(100));
        assert_eq!(s.local_vpc_id.as_deref(), Some("vpc-a"));
        assert_eq!(s.peer_vpc_id, Slot::Unknown);
        assert_eq!(s.peer_region, Slot::Null);
        assert_eq!(s.prepaid(), Some(true));
        assert_eq!(s.cross_account(), Some(false));
        let r = s
            .billing
            .known()
            .and_then(|b| b.reservation.known())
            .cloned();
        assert_eq!(
            r,
            Some(ReservationSpec {
                length: Slot::Known(3),
                time_unit: Slot::Known(MONTH.into())
            })
        );
        assert_eq!(s.tags.known().map(|t| t["env"].as_str()), Some("dev"));
    }

    #[test]
    fn blocks_missing_or_unknown() {
        let s = Spec::from_value(&config_with(&[]));
        assert_eq!(s.billing, Slot::Null);
        assert_eq!(s.prepaid(), None);
        let s = Spec::from_value(&config_with(&[(BILLING, Value::unknown())]));
        assert_eq!(s.billing, Slot::Unknown);
        // A fractional bandwidth is not an i64: rules skip it, validators report it.
        let half = Value::Number(Number::parse("1.5").expect("n"));
        let s = Spec::from_value(&config_with(&[(BANDWIDTH, half)]));
        assert_eq!(s.bandwidth_in_mbps, Slot::Unknown);
    }
}
