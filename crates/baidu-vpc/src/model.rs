//! Wire types of the peering API: request bodies exactly as the SDKs send them and
//! the objects the service returns.
//!
//! Responses are read tolerantly: unknown fields are ignored, missing fields take
//! their default and a JSON `null` counts as missing. (No `#[serde(flatten)]` or
//! untagged enums: `serde_json` is built with `arbitrary_precision`, which those
//! features mishandle.) Requests skip absent optional fields, so their JSON matches
//! bce-sdk-go's (`services/vpc`) byte for byte.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Reads `null` (or an absent field, with `#[serde(default)]`) as `T::default()`.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A string enum with an `Other(String)` fallback, so an unknown value from the
/// service is kept rather than failing the whole response. Known values are
/// matched case-insensitively (Baidu's SDKs spell them with mixed casing) and
/// written in their canonical spelling.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this client does not know, kept verbatim.
            Other(String),
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)+
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $(if s.eq_ignore_ascii_case($text) {
                    return $name::$variant;
                })+
                $name::Other(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name::from(s.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map($name::from)
            }
        }
    };
}

string_enum! {
    /// Which side of a peering a view shows.
    Role {
        Initiator => "initiator",
        Acceptor => "acceptor",
    }
}

string_enum! {
    /// `PeerConnStatus` (Go SDK constants).
    PeerConnStatus {
        Creating => "creating",
        /// Waiting for the peer account to accept.
        Consulting => "consulting",
        /// Rejected, or not accepted within 7 days.
        ConsultFailed => "consult_failed",
        Active => "active",
        Down => "down",
        Starting => "starting",
        Stopping => "stopping",
        Deleting => "deleting",
        Deleted => "deleted",
        Expired => "expired",
        Error => "error",
        Updating => "updating",
    }
}

impl PeerConnStatus {
    /// Statuses the service moves out of by itself.
    pub fn is_transitional(&self) -> bool {
        matches!(
            self,
            PeerConnStatus::Creating
                | PeerConnStatus::Starting
                | PeerConnStatus::Stopping
                | PeerConnStatus::Deleting
                | PeerConnStatus::Updating
        )
    }
}

string_enum! {
    /// `DnsStatus` of a peering's DNS synchronisation (Go SDK constants).
    DnsStatus {
        Close => "close",
        Wait => "wait",
        Syncing => "syncing",
        Open => "open",
        Closing => "closing",
    }
}

impl DnsStatus {
    pub fn is_transitional(&self) -> bool {
        matches!(
            self,
            DnsStatus::Wait | DnsStatus::Syncing | DnsStatus::Closing
        )
    }
}

string_enum! {
    PaymentTiming {
        Prepaid => "Prepaid",
        Postpaid => "Postpaid",
    }
}

/// A prepaid term. Baidu accepts `reservationLength` in `[1..9, 12, 24, 36]` and
/// only a month unit, spelled `month`/`Month`/`MONTH` by different SDKs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reservation {
    #[serde(default, deserialize_with = "null_as_default")]
    pub reservation_length: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub reservation_time_unit: String,
}

/// `billing` of create (and, with only `reservation`, of renew).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Billing {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_timing: Option<PaymentTiming>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation: Option<Reservation>,
}

impl Billing {
    pub fn postpaid() -> Self {
        Self {
            payment_timing: Some(PaymentTiming::Postpaid),
            reservation: None,
        }
    }

    pub fn prepaid(reservation_length: i64, reservation_time_unit: impl Into<String>) -> Self {
        Self {
            payment_timing: Some(PaymentTiming::Prepaid),
            reservation: Some(Reservation {
                reservation_length,
                reservation_time_unit: reservation_time_unit.into(),
            }),
        }
    }
}

/// `TagModel`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tag {
    #[serde(default, deserialize_with = "null_as_default")]
    pub tag_key: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub tag_value: String,
}

/// Body of `POST /v1/peerconn` (the clientToken travels in the query).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePeerConnRequest {
    pub bandwidth_in_mbps: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_if_name: Option<String>,
    pub local_vpc_id: String,
    /// Only for cross-account peering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_account_id: Option<String>,
    pub peer_vpc_id: String,
    pub peer_region: String,
    /// Only settable when both VPCs belong to the same account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_if_name: Option<String>,
    /// Always sent, as the Go SDK does.
    #[serde(default)]
    pub billing: Billing,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_protect: Option<bool>,
}

impl CreatePeerConnRequest {
    /// The required fields, postpaid billing, nothing optional.
    pub fn new(
        bandwidth_in_mbps: i64,
        local_vpc_id: impl Into<String>,
        peer_vpc_id: impl Into<String>,
        peer_region: impl Into<String>,
    ) -> Self {
        Self {
            bandwidth_in_mbps,
            description: None,
            local_if_name: None,
            local_vpc_id: local_vpc_id.into(),
            peer_account_id: None,
            peer_vpc_id: peer_vpc_id.into(),
            peer_region: peer_region.into(),
            peer_if_name: None,
            billing: Billing::postpaid(),
            tags: None,
            resource_group_id: None,
            delete_protect: None,
        }
    }
}

/// Answer of create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatePeerConnResponse {
    #[serde(default, deserialize_with = "null_as_default")]
    pub peer_conn_id: String,
}

/// Body of `PUT /v1/peerconn/{id}`: `localIfId` identifies the local interface and
/// cannot be changed; the others are what is updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePeerConnRequest {
    pub local_if_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_if_name: Option<String>,
}

/// Body of `PUT /v1/peerconn/{id}?resize`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResizePeerConnRequest {
    pub new_bandwidth_in_mbps: i64,
}

/// Body of `PUT /v1/peerconn/{id}?purchaseReserved`: `{"billing":{"reservation":{…}}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewPeerConnRequest {
    pub billing: Billing,
}

impl RenewPeerConnRequest {
    pub fn new(reservation_length: i64, reservation_time_unit: impl Into<String>) -> Self {
        Self {
            billing: Billing {
                payment_timing: None,
                reservation: Some(Reservation {
                    reservation_length,
                    reservation_time_unit: reservation_time_unit.into(),
                }),
            },
        }
    }
}

/// Body of `PUT /v1/peerconn/{id}/deleteProtect`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateDeleteProtectRequest {
    pub delete_protect: bool,
}

/// One side's view of a peering connection (`GET /v1/peerconn/{id}?role=…`, list items).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PeerConn {
    #[serde(default, deserialize_with = "null_as_default")]
    pub peer_conn_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<PeerConnStatus>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub bandwidth_in_mbps: i64,
    #[serde(default, deserialize_with = "null_as_default")]
    pub description: String,
    /// The local interface (`qpif-…`), a route's next hop.
    #[serde(default, deserialize_with = "null_as_default")]
    pub local_if_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub local_if_name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub local_vpc_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub local_region: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub peer_vpc_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub peer_region: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub peer_account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_timing: Option<PaymentTiming>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_status: Option<DnsStatus>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub created_time: String,
    /// Empty for postpaid.
    #[serde(default, deserialize_with = "null_as_default")]
    pub expired_time: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub tags: Vec<Tag>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub delete_protect: bool,
}

/// Query of `GET /v1/peerconn` (one page).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListPeerConnsQuery {
    pub vpc_id: Option<String>,
    pub marker: Option<String>,
    /// 1..=1000; the service defaults to 1000.
    pub max_keys: Option<u32>,
}

/// One page of `GET /v1/peerconn`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPeerConnsResponse {
    #[serde(default, deserialize_with = "null_as_default")]
    pub peer_conns: Vec<PeerConn>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub marker: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_truncated: bool,
    /// Absent when `isTruncated` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_marker: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub max_keys: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_body_matches_go_sdk_bytes() {
        let req = CreatePeerConnRequest::new(10, "vpc-y4p102r3mz6m", "vpc-4njbqurm0uag", "bj");
        let json = serde_json::to_string(&req).unwrap();
        assert_eq!(
            json,
            r#"{"bandwidthInMbps":10,"localVpcId":"vpc-y4p102r3mz6m","peerVpcId":"vpc-4njbqurm0uag","peerRegion":"bj","billing":{"paymentTiming":"Postpaid"}}"#
        );
        assert_eq!(json.len(), 142);
    }

    #[test]
    fn create_body_with_every_field_in_doc_order() {
        let req = CreatePeerConnRequest {
            description: Some("peer_diff_account".into()),
            local_if_name: Some("sss".into()),
            peer_account_id: Some("7058ff6052254a679f5714548feda935".into()),
            peer_if_name: Some("peerIf".into()),
            billing: Billing::prepaid(1, "month"),
            tags: Some(vec![Tag {
                tag_key: "tagKey".into(),
                tag_value: "tagValue".into(),
            }]),
            resource_group_id: Some("RESG-UoMgbkuLNjj".into()),
            delete_protect: Some(true),
            ..CreatePeerConnRequest::new(500, "vpc-zuqfiksbu5cu", "vpc-mivwn2w9xicb", "gz")
        };
        let json = serde_json::to_string(&req).unwrap();
        assert_eq!(
            json,
            concat!(
                r#"{"bandwidthInMbps":500,"description":"peer_diff_account","localIfName":"sss","#,
                r#""localVpcId":"vpc-zuqfiksbu5cu","peerAccountId":"7058ff6052254a679f5714548feda935","#,
                r#""peerVpcId":"vpc-mivwn2w9xicb","peerRegion":"gz","peerIfName":"peerIf","#,
                r#""billing":{"paymentTiming":"Prepaid","reservation":{"reservationLength":1,"reservationTimeUnit":"month"}},"#,
                r#""tags":[{"tagKey":"tagKey","tagValue":"tagValue"}],"resourceGroupId":"RESG-UoMgbkuLNjj","deleteProtect":true}"#
            )
        );
        // The emulator can read what the SDKs send, including the Python SDK's
        // reservation on postpaid and its always-present deleteProtect.
        let py = r#"{"bandwidthInMbps":10,"localVpcId":"a","peerVpcId":"b","peerRegion":"bj",
            "billing":{"paymentTiming":"Postpaid","reservation":{"reservationLength":1,"reservationTimeUnit":"Month"}},
            "deleteProtect":false,"unknownExtra":[1,2]}"#;
        let parsed: CreatePeerConnRequest = serde_json::from_str(py).unwrap();
        assert_eq!(parsed.billing.payment_timing, Some(PaymentTiming::Postpaid));
        assert_eq!(
            parsed.billing.reservation.unwrap().reservation_time_unit,
            "Month"
        );
        assert_eq!(parsed.delete_protect, Some(false));
        assert_eq!(
            serde_json::from_str::<CreatePeerConnRequest>(&json).unwrap(),
            req
        );
    }

    #[test]
    fn small_bodies() {
        let update = UpdatePeerConnRequest {
            local_if_id: "qpif-ken2yc9j8x56".into(),
            description: Some("d".into()),
            local_if_name: None,
        };
        assert_eq!(
            serde_json::to_string(&update).unwrap(),
            r#"{"localIfId":"qpif-ken2yc9j8x56","description":"d"}"#
        );
        assert_eq!(
            serde_json::to_string(&ResizePeerConnRequest {
                new_bandwidth_in_mbps: 20
            })
            .unwrap(),
            r#"{"newBandwidthInMbps":20}"#
        );
        assert_eq!(
            serde_json::to_string(&RenewPeerConnRequest::new(3, "month")).unwrap(),
            r#"{"billing":{"reservation":{"reservationLength":3,"reservationTimeUnit":"month"}}}"#
        );
        assert_eq!(
            serde_json::to_string(&UpdateDeleteProtectRequest {
                delete_protect: true
            })
            .unwrap(),
            r#"{"deleteProtect":true}"#
        );
    }

    #[test]
    fn peerconn_parses_full_object_with_extra_fields() {
        let json = r#"{
            "peerConnId": "peerconn-9td54fmx143e", "role": "initiator", "status": "active",
            "bandwidthInMbps": 10, "description": "d", "localIfId": "qpif-ken2yc9j8x56",
            "localIfName": "l", "localVpcId": "vpc-a", "localRegion": "bj",
            "peerVpcId": "vpc-b", "peerRegion": "gz", "peerAccountId": "acc",
            "paymentTiming": "Postpaid", "dnsStatus": "close",
            "createdTime": "2019-04-03T09:20:11Z", "expiredTime": "",
            "tags": [{"tagKey": "k", "tagValue": "v"}], "deleteProtect": true,
            "somethingNew": {"nested": [1, 2.5, null]}, "bandwithInMbp": 7
        }"#;
        let pc: PeerConn = serde_json::from_str(json).unwrap();
        assert_eq!(pc.peer_conn_id, "peerconn-9td54fmx143e");
        assert_eq!(pc.role, Some(Role::Initiator));
        assert_eq!(pc.status, Some(PeerConnStatus::Active));
        assert_eq!(pc.bandwidth_in_mbps, 10);
        assert_eq!(pc.local_region, "bj");
        assert_eq!(pc.payment_timing, Some(PaymentTiming::Postpaid));
        assert_eq!(pc.dns_status, Some(DnsStatus::Close));
        assert_eq!(pc.tags.len(), 1);
        assert!(pc.delete_protect);
        // What we write reads back to the same value.
        let again: PeerConn = serde_json::from_str(&serde_json::to_string(&pc).unwrap()).unwrap();
        assert_eq!(again, pc);
    }

    #[test]
    fn peerconn_tolerates_missing_and_null_fields() {
        let pc: PeerConn = serde_json::from_str(
            r#"{"peerConnId":"peerconn-x","status":null,"description":null,"tags":null,"bandwidthInMbps":null}"#,
        )
        .unwrap();
        assert_eq!(pc.peer_conn_id, "peerconn-x");
        assert_eq!(pc.status, None);
        assert_eq!(pc.description, "");
        assert!(pc.tags.is_empty());
        assert_eq!(pc.bandwidth_in_mbps, 0);
        assert_eq!(pc.role, None);
        assert!(!pc.delete_protect);
        let empty: PeerConn = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, PeerConn::default());
    }

    #[test]
    fn enums_keep_unknown_values_and_ignore_case() {
        let s: PeerConnStatus = serde_json::from_str(r#""ACTIVE""#).unwrap();
        assert_eq!(s, PeerConnStatus::Active);
        let s: PeerConnStatus = serde_json::from_str(r#""consult_failed""#).unwrap();
        assert_eq!(s, PeerConnStatus::ConsultFailed);
        let s: PeerConnStatus = serde_json::from_str(r#""migrating""#).unwrap();
        assert_eq!(s, PeerConnStatus::Other("migrating".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""migrating""#);
        assert_eq!(
            serde_json::to_string(&PeerConnStatus::ConsultFailed).unwrap(),
            r#""consult_failed""#
        );
        let d: DnsStatus = serde_json::from_str(r#""syncing""#).unwrap();
        assert!(d.is_transitional());
        assert_eq!(DnsStatus::from("weird"), DnsStatus::Other("weird".into()));
        assert_eq!(Role::from("Acceptor"), Role::Acceptor);
        assert_eq!(Role::Acceptor.to_string(), "acceptor");
        assert_eq!(PaymentTiming::from("prepaid"), PaymentTiming::Prepaid);
        assert!(PeerConnStatus::Creating.is_transitional());
        assert!(!PeerConnStatus::Consulting.is_transitional());
        assert!(serde_json::from_str::<PeerConnStatus>("5").is_err());
    }

    #[test]
    fn list_response_parses_pages() {
        let page: ListPeerConnsResponse = serde_json::from_str(
            r#"{"peerConns":[{"peerConnId":"peerconn-a","status":"creating"},{"peerConnId":"peerconn-b"}],
                "marker":"peerconn-a","isTruncated":true,"nextMarker":"peerconn-c","maxKeys":2}"#,
        )
        .unwrap();
        assert_eq!(page.peer_conns.len(), 2);
        assert!(page.is_truncated);
        assert_eq!(page.next_marker.as_deref(), Some("peerconn-c"));
        assert_eq!(page.max_keys, 2);
        let last: ListPeerConnsResponse =
            serde_json::from_str(r#"{"peerConns":[],"isTruncated":false,"maxKeys":1000}"#).unwrap();
        assert!(last.peer_conns.is_empty() && !last.is_truncated && last.next_marker.is_none());
    }
}
