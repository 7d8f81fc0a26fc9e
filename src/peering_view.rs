//! A peering as Terraform values: one side's view under the attribute names
//! the resources and data sources share, and peering ids (import ids too).

use std::collections::BTreeMap;

use crate::status::dns_sync_enabled;
use baidu_vpc::PeerConn;
use tfvalue::{Diagnostics, Value};

/// A string from the API as an attribute value; the API writes "nothing"
/// as `""`, which Terraform users expect as null.
pub fn string_or_null(s: &str) -> Value {
    if s.is_empty() {
        Value::Null
    } else {
        Value::string(s)
    }
}

/// Every field of one side's view under the attribute name the provider
/// uses for it (`bandwidth_in_mbps`, `local_if_id`, `status`, ...). Empty
/// strings are null; `tags` is a map (possibly empty). Each resource or
/// data source takes the attributes it declares.
pub fn view_attributes(pc: &PeerConn) -> BTreeMap<&'static str, Value> {
    let opt = |s: Option<&str>| s.map_or(Value::Null, string_or_null);
    BTreeMap::from([
        ("peer_conn_id", string_or_null(&pc.peer_conn_id)),
        ("role", opt(pc.role.as_ref().map(|r| r.as_str()))),
        ("status", opt(pc.status.as_ref().map(|s| s.as_str()))),
        ("bandwidth_in_mbps", Value::from(pc.bandwidth_in_mbps)),
        ("description", string_or_null(&pc.description)),
        ("local_if_id", string_or_null(&pc.local_if_id)),
        ("local_if_name", string_or_null(&pc.local_if_name)),
        ("local_vpc_id", string_or_null(&pc.local_vpc_id)),
        ("local_region", string_or_null(&pc.local_region)),
        ("peer_vpc_id", string_or_null(&pc.peer_vpc_id)),
        ("peer_region", string_or_null(&pc.peer_region)),
        ("peer_account_id", string_or_null(&pc.peer_account_id)),
        (
            "payment_timing",
            opt(pc.payment_timing.as_ref().map(|p| p.as_str())),
        ),
        (
            "dns_status",
            opt(pc.dns_status.as_ref().map(|d| d.as_str())),
        ),
        ("created_time", string_or_null(&pc.created_time)),
        ("expired_time", string_or_null(&pc.expired_time)),
        ("delete_protect", Value::bool(pc.delete_protect)),
        (
            "dns_sync",
            Value::bool(dns_sync_enabled(pc.dns_status.as_ref())),
        ),
        ("tags", tags_value(pc)),
    ])
}

/// The API's `[{tagKey, tagValue}]` as a `map(string)` (always a map).
pub fn tags_value(pc: &PeerConn) -> Value {
    Value::map(
        pc.tags
            .iter()
            .map(|t| (t.tag_key.clone(), Value::string(t.tag_value.clone()))),
    )
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
    use baidu_vpc::Role;
    use baidu_vpc::{DnsStatus, PeerConnStatus};

    #[test]
    fn view_attributes_map_every_field() {
        let pc = PeerConn {
            peer_conn_id: "peerconn-abc123def456".into(),
            role: Some(Role::Initiator),
            status: Some(PeerConnStatus::Active),
            bandwidth_in_mbps: 20,
            description: String::new(),
            local_if_id: "qpif-1".into(),
            local_if_name: "if1".into(),
            local_vpc_id: "vpc-a".into(),
            local_region: "bj".into(),
            peer_vpc_id: "vpc-b".into(),
            peer_region: "gz".into(),
            peer_account_id: "acct".into(),
            payment_timing: Some(PaymentTiming::Postpaid),
            dns_status: Some(DnsStatus::Open),
            created_time: "2025-01-01T00:00:00Z".into(),
            expired_time: String::new(),
            tags: vec![Tag {
                tag_key: "env".into(),
                tag_value: "dev".into(),
            }],
            delete_protect: true,
        };
        let v = view_attributes(&pc);
        assert_eq!(v["bandwidth_in_mbps"], Value::from(20i64));
        assert_eq!(v["description"], Value::Null);
        assert_eq!(v["expired_time"], Value::Null);
        assert_eq!(v["status"], Value::string("active"));
        assert_eq!(v["role"], Value::string("initiator"));
        assert_eq!(v["payment_timing"], Value::string("Postpaid"));
        assert_eq!(v["dns_sync"], Value::bool(true));
        assert_eq!(v["delete_protect"], Value::bool(true));
        assert_eq!(v["tags"], Value::map([("env", Value::string("dev"))]));
        let empty = view_attributes(&PeerConn::default());
        assert_eq!(empty["tags"], Value::map(Vec::<(String, Value)>::new()));
        assert_eq!(empty["status"], Value::Null);
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
