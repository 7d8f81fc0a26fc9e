//! `resource "baidu_peerconn"` declared once: its typed model, from which
//! come the attribute names (stable: they are users' configuration), each
//! attribute's plan behaviour, validators and user-facing description (the
//! documentation is generated from them), and what a change to each
//! argument does.

use std::collections::BTreeMap;
use std::time::Duration;

use tfplugin5_framework::behaviour::{timeouts_behaviours, Behaviour, Drift, Effect, Lifecycle};
use tfplugin5_framework::model::{Model, Slot};
use tfplugin5_framework::schema::Schema;
use tfplugin5_framework::timeouts::Timeouts;
use tfplugin5_framework::validators::{self, Validator};
use tfvalue::{AttributePath, Value};

pub const TIMEOUTS: &str = "timeouts";
/// `on_rejection`: a rejected request is replaced by a new one (the default).
pub const REQUEST_AGAIN: &str = "request_again";
/// `on_rejection`: a rejected request makes the apply fail.
pub const FAIL: &str = "fail";

pub const PREPAID: &str = "Prepaid";
pub const POSTPAID: &str = "Postpaid";
pub const MONTH: &str = "month";

/// Bandwidth Baidu accepts, in Mbps (the documented range of the emulator;
/// Baidu's own limits are not published).
pub const MIN_BANDWIDTH: i64 = 1;
pub const MAX_BANDWIDTH: i64 = 10_000;
/// Prepaid terms Baidu sells, in months.
pub const RESERVATION_LENGTHS: [i64; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36];
pub use crate::regions::REGIONS;
pub const MAX_DESCRIPTION_LEN: usize = 200;
pub const MAX_IF_NAME_LEN: usize = 65;

pub const DEFAULT_CREATE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
pub const DEFAULT_UPDATE_TIMEOUT: Duration = Duration::from_secs(10 * 60);
pub const DEFAULT_DELETE_TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// `attr` at the top level.
pub fn path(attr: &str) -> AttributePath {
    AttributePath::root().attr(attr)
}

/// `billing[0].<attr>`.
pub fn billing_path(attr: &str) -> AttributePath {
    path(BILLING).index(0).attr(attr)
}

/// `billing[0].reservation[0].<attr>`.
pub fn reservation_path(attr: &str) -> AttributePath {
    billing_path(RESERVATION).index(0).attr(attr)
}

/// `vpc-` followed by lowercase letters and digits.
pub fn is_vpc_id(s: &str) -> bool {
    s.strip_prefix("vpc-").is_some_and(|rest| {
        !rest.is_empty()
            && rest.len() <= 32
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// Baidu account ids are 32 lowercase hexadecimal characters.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn vpc_id() -> Validator {
    validators::string_matches("a VPC id like \"vpc-a1b2c3d4e5f6\"", is_vpc_id)
}

fn interface_name() -> Validator {
    validators::string_length_between(1, MAX_IF_NAME_LEN)
}

fn no_null_values() -> Validator {
    Validator::new("no null values", |v| match v.as_map() {
        Some(m) => match m.iter().find(|(_, e)| e.is_null()) {
            Some((k, _)) => Err(format!(
                "must not have null values; the value of key {k:?} is null"
            )),
            None => Ok(()),
        },
        None => Ok(()),
    })
}

const RESOURCE_DOC: &str =
    "A VPC peering connection of Baidu AI Cloud, managed from the **initiator** side: \
             it connects `local_vpc_id` (in the provider's account and region) with \
             `peer_vpc_id` in `peer_region`, in the same account or, with `peer_account_id`, \
             in another account.\n\n\
             A same-account peering is accepted by Baidu automatically and this resource waits \
             until it is `active`. A cross-account peering waits in `consulting` until the peer \
             account accepts it, for example with `baidu_peerconn_acceptor` through a second \
             provider configuration; the request fails (`consult_failed`) when the peer rejects \
             it or does not answer within 7 days.\n\n\
             If the peering later ends up `consult_failed`, `expired`, `error` or `down`, it stays \
             in the state and the next plan replaces it, so a second peering is never created \
             beside one that still exists. If it was deleted outside Terraform, the next refresh \
             removes it from the state with a warning and the next apply creates it again.\n\n\
             Import an existing peering by its id: `terraform import baidu_peerconn.example \
             peerconn-xxxxxxxxxxxx`, or with an `import {}` block on Terraform 1.5 and later.";

const MISSING: Effect = Effect::Refused("Missing required argument");
const INVALID: Effect = Effect::Refused("Invalid attribute value");

tfplugin5_framework::model! {
    /// A `baidu_peerconn` object (configuration, plan or state): every
    /// attribute as null, unknown or known, so the plan rules, the request
    /// mapping and the state read fields instead of walking values. Each
    /// argument's declared behaviour (what a change does, drift) is the
    /// `=> Lifecycle` after its schema; the docs' table and the
    /// lifecycle-matrix test are generated from them.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct PeerConnModel {
        attributes {
            pub ID => id: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description(
                    "The peering connection id (`peerconn-…`) Baidu assigned at creation; the \
                     id `terraform import` takes.",
                ),
            pub BANDWIDTH => bandwidth_in_mbps: i64 = |a| a
                .required()
                .validate(validators::int_between(MIN_BANDWIDTH, MAX_BANDWIDTH))
                .markdown_description(format!(
                    "Bandwidth of the peering in Mbps, a whole number from {MIN_BANDWIDTH} to \
                     {MAX_BANDWIDTH}. Changed in place (resize). A `Prepaid` peering can only \
                     grow: a decrease makes the plan warn and the apply refuse it (a warning, \
                     not a plan error, so that `terraform destroy` is never blocked by it)."
                ))
                => Lifecycle::new(Effect::InPlace(&["ResizePeerConn"]), MISSING)
                    .drift(Drift::Reverted(Effect::InPlace(&["ResizePeerConn"]))),
            pub LOCAL_VPC_ID => local_vpc_id: String = |a| a
                .required()
                .requires_replace()
                .validate(vpc_id())
                .markdown_description(
                    "Id of the local VPC (`vpc-…`), in the provider's account. Changing it \
                     replaces the peering.",
                )
                => Lifecycle::new(Effect::Replace, MISSING).emptied(INVALID),
            pub PEER_VPC_ID => peer_vpc_id: String = |a| a
                .required()
                .requires_replace()
                .validate(vpc_id())
                .markdown_description(
                    "Id of the peer VPC (`vpc-…`); it must differ from `local_vpc_id`. Only one \
                     peering may exist between two VPCs. Changing it replaces the peering.",
                )
                => Lifecycle::new(Effect::Replace, MISSING).emptied(INVALID),
            pub PEER_REGION => peer_region: String = |a| a
                .required()
                .requires_replace()
                .validate(validators::one_of_strings(&REGIONS))
                .markdown_description(format!(
                    "Region code of the peer VPC, one of {}. Changing it replaces the peering.",
                    REGIONS.map(|r| format!("`{r}`")).join(", ")
                ))
                => Lifecycle::new(Effect::Replace, MISSING).emptied(INVALID),
            // Optional + computed: removed, the peering stays with the
            // account it has.
            pub PEER_ACCOUNT_ID => peer_account_id: String = |a| a
                .optional()
                .computed()
                .use_state_for_unknown()
                .requires_replace_if_configured()
                .validate(validators::string_matches(
                    "a Baidu account id (32 lowercase hexadecimal characters)",
                    is_account_id,
                ))
                .markdown_description(
                    "Account id of the peer VPC's owner. **Setting it makes the peering \
                     cross-account**: leave it out when both VPCs belong to the provider's \
                     account (the provider cannot look up its own account id, so it treats any \
                     value here as another account). A cross-account peering stays `consulting` \
                     until the peer accepts it. Imported same-account peerings read back as \
                     null. Changing it replaces the peering.",
                )
                => Lifecycle::new(Effect::Replace, Effect::NoChange).emptied(INVALID),
            pub DESCRIPTION => description: String = |a| a
                .optional()
                .validate(validators::string_length_between(0, MAX_DESCRIPTION_LEN))
                .markdown_description(format!(
                    "Description of the peering (at most {MAX_DESCRIPTION_LEN} characters). \
                     Changed in place."
                ))
                => Lifecycle::new(UPDATE, UPDATE).emptied(UPDATE).drift(Drift::Reverted(UPDATE)),
            // Optional + computed: removed, the name Baidu has is kept.
            pub LOCAL_IF_NAME => local_if_name: String = |a| a
                .optional()
                .computed()
                .use_state_for_unknown()
                .validate(interface_name())
                .markdown_description(format!(
                    "Name of the local side's peering interface (1 to {MAX_IF_NAME_LEN} \
                     characters). Changed in place; when left out, the name Baidu has is kept."
                ))
                => Lifecycle::new(UPDATE, Effect::NoChange)
                    .emptied(INVALID)
                    .drift(Drift::Reverted(UPDATE)),
            pub PEER_IF_NAME => peer_if_name: String = |a| a
                .optional()
                .validate(interface_name())
                .markdown_description(format!(
                    "Name of the peer side's peering interface (1 to {MAX_IF_NAME_LEN} \
                     characters). Only for same-account peerings (the peer account names its own \
                     interface): setting it together with `peer_account_id` is an error at plan \
                     time. Changed in place."
                ))
                => Lifecycle::new(UPDATE, UPDATE).emptied(INVALID).drift(Drift::Reverted(UPDATE)),
            pub TAGS => tags: BTreeMap<String, String> = |a| a
                .optional()
                .computed()
                .requires_replace()
                .validate(validators::each_map_key(validators::string_not_empty()))
                .validate(no_null_values())
                .markdown_description(
                    "Tags of the peering as a map of strings, sent to Baidu as its \
                     `[{tagKey, tagValue}]` list at creation. Baidu's peering API cannot change \
                     the tags of an existing peering, so **changing tags replaces the peering**: \
                     the plan shows `# forces replacement` and a warning that the connection is \
                     recreated (traffic stops until the new one is active; its id and interface \
                     ids change). Add `tags` to `lifecycle { ignore_changes }` to relabel without \
                     that. No tags and `{}` mean the same.",
                )
                => Lifecycle::new(Effect::Replace, Effect::Replace)
                    .emptied(Effect::Replace)
                    .drift(Drift::Reverted(Effect::Replace)),
            pub RESOURCE_GROUP_ID => resource_group_id: String = |a| a
                .optional()
                .computed()
                .use_state_for_unknown()
                .requires_replace_if_prior_set()
                .validate(validators::string_not_empty())
                .markdown_description(
                    "Resource group to create the peering in. Baidu does not report it back, so \
                     the configured value is kept; after an import the configured value is \
                     adopted without replacement. Changing a value set at creation replaces the \
                     peering.",
                )
                => Lifecycle::new(Effect::Replace, Effect::NoChange)
                    .emptied(INVALID)
                    .drift(Drift::NotReported),
            pub DELETE_PROTECT => delete_protect: bool = |a| a
                .default(Value::Bool(false))
                .markdown_description(
                    "Deletion protection. While `true`, Baidu refuses to delete the peering and \
                     so does this provider: a destroy plan fails (on Terraform 1.3 and later; on \
                     older versions the destroy itself fails) until you set it to `false` and \
                     apply. Changed in place. Default `false`.",
                )
                => Lifecycle::new(PROTECT, PROTECT).drift(Drift::Reverted(PROTECT)),
            // Drift: turned off outside Terraform while configured on.
            pub DNS_SYNC => dns_sync: bool = |a| a
                .default(Value::Bool(false))
                .markdown_description(
                    "Synchronise DNS resolution to the peer VPC (the local side's DNS sync). \
                     Needs an `active` peering: for a cross-account peering enable it only after \
                     the peer accepted (setting it at creation is an error at plan time). Changed \
                     in place; applying waits until DNS sync is fully open or closed. Default \
                     `false`.",
                )
                => Lifecycle::new(
                    Effect::InPlace(&["OpenPeerConnSyncDNS"]),
                    Effect::InPlace(&["ClosePeerConnSyncDNS"]),
                )
                .drift(Drift::Reverted(Effect::InPlace(&["OpenPeerConnSyncDNS"]))),
            pub ON_REJECTION => on_rejection: String = |a| a
                .default(Value::string(REQUEST_AGAIN))
                .validate(validators::one_of_strings(&[REQUEST_AGAIN, FAIL]))
                .markdown_description(format!(
                    "What a cross-account request the peer account rejected (status \
                     `consult_failed`, also reached when it was not answered within 7 days) \
                     means for the next plan. `\"{REQUEST_AGAIN}\"` (the default) replaces it \
                     with a new request, with a warning. `\"{FAIL}\"` keeps it and makes the \
                     apply fail with what to do, so that two automated pipelines, one \
                     requesting and one rejecting, do not loop. Stored only: changing it makes \
                     no API call."
                ))
                => Lifecycle::new(Effect::StoredOnly, Effect::StoredOnly).emptied(INVALID),
            pub ROLE => role: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description(
                    "Side of the peering this resource shows: always `initiator`.",
                ),
            pub STATUS => status: String = |a| a.computed().markdown_description(
                "Status of the peering: `active`, `consulting` (waiting for the peer account), \
                 transitional ones such as `creating` or `updating`, or `consult_failed`, \
                 `expired`, `error`, `down`, which make the next plan replace the peering.",
            ),
            pub DNS_STATUS => dns_status: String = |a| a.computed().markdown_description(
                "DNS sync status of the local side: `close`, `wait`, `syncing`, `open` or \
                 `closing`.",
            ),
            pub LOCAL_IF_ID => local_if_id: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description(
                    "Id of the local peering interface (`qpif-…`), the next hop for routes to \
                     the peer VPC.",
                ),
            pub LOCAL_REGION => local_region: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description("Region of the local VPC."),
            pub CREATED_TIME => created_time: String = |a| a
                .computed()
                .use_state_for_unknown()
                .markdown_description("When the peering was created (UTC, ISO 8601)."),
            pub EXPIRED_TIME => expired_time: String = |a| a.computed().markdown_description(
                "When a `Prepaid` peering's paid period ends (UTC, ISO 8601); null for \
                 `Postpaid`.",
            ),
        }
        blocks {
            pub BILLING => billing: BillingModel = |b| b
                .min_items(1)
                .markdown_description("How the peering is billed. Exactly one `billing` block."),
        }
    }
}

tfplugin5_framework::model! {
    /// The `billing` block.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct BillingModel {
        attributes {
            pub PAYMENT_TIMING => payment_timing: String = |a| a
                .required()
                .requires_replace()
                .validate(validators::one_of_strings(&[PREPAID, POSTPAID]))
                .markdown_description(
                    "`Postpaid` (pay as you go) or `Prepaid` (a paid term, see `reservation`). \
                     Peerings within one region support only `Postpaid`. Changing it replaces \
                     the peering.",
                )
                => Lifecycle::new(Effect::Replace, MISSING).emptied(INVALID),
            // Terms bought after creation, oldest first. Appending a term
            // buys it; any other change buys nothing (stored only).
            pub RENEWALS => renewals: Vec<i64> = |a| a
                .optional()
                .validate(validators::each_element(validators::int_one_of(
                    &RESERVATION_LENGTHS,
                )))
                .markdown_description(
                    "Renewals of a `Prepaid` peering's term, in months, oldest first: **each \
                     term appended is a purchase**, made by the next apply (Baidu's renew call, \
                     also on an `expired` peering, which is renewed in place), and the plan says \
                     so in words with the months bought and the new expiry. Nothing else here \
                     ever buys: removing or editing terms already bought records the change \
                     and refunds nothing, and after an import (or on state written before this \
                     argument existed) the configured list is adopted without a purchase. Each \
                     term is 1 to 9, 12, 24 or 36.",
                )
                => Lifecycle::new(Effect::InPlace(&["RenewPeerConn"]), Effect::StoredOnly)
                    .emptied(Effect::StoredOnly)
                    .drift(Drift::NotReported),
            pub REFUND_ON_DESTROY => refund_on_destroy: bool = |a| a
                .default(Value::Bool(false))
                .markdown_description(
                    "Destroying (or replacing) a `Prepaid` peering before its term ends: \
                     `false` (the default) refuses it at plan time with the expiry date, since \
                     Baidu does not release an unexpired `Prepaid` peering; `true` refunds it \
                     (Baidu's refund call: the unused part is returned, where Baidu offers \
                     refunds) instead of deleting it. Stored only: changing it makes no API \
                     call.",
                )
                => Lifecycle::new(Effect::StoredOnly, Effect::StoredOnly),
        }
        blocks {
            /// `Null` when the configuration has no `reservation` block.
            pub RESERVATION => reservation: ReservationModel = |b| b.markdown_description(
                "The **initial** paid term of a `Prepaid` peering (required for `Prepaid`, \
                 refused for `Postpaid`), bought when it is created. Baidu does not report it \
                 back, so the configured block is kept. Changing it later buys nothing (the plan \
                 says so): to extend the term, append to `renewals`. An imported `Prepaid` \
                 peering gets its whole months between creation and expiry, split into allowed \
                 terms (e.g. 10 months: a term of 9 and `renewals = [1]`), so the generated \
                 configuration is valid and plans no purchase.",
            ),
        }
    }
}

tfplugin5_framework::model! {
    /// The `reservation` block.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct ReservationModel {
        attributes {
            // The initial term: changing it later buys nothing.
            pub RESERVATION_LENGTH => reservation_length: i64 = |a| a
                .required()
                .validate(validators::int_one_of(&RESERVATION_LENGTHS))
                .markdown_description(
                    "Length of the term: 1 to 9, 12, 24 or 36 (in `reservation_time_unit`s).",
                )
                => Lifecycle::new(Effect::StoredOnly, MISSING).drift(Drift::NotReported),
            pub RESERVATION_TIME_UNIT => reservation_time_unit: String = |a| a
                .default(Value::string(MONTH))
                .validate(validators::one_of_strings(&[MONTH]))
                .markdown_description("Unit of `reservation_length`: only `month` (the default).")
                => Lifecycle::new(INVALID, Effect::NoChange).emptied(INVALID),
        }
    }
}

const UPDATE: Effect = Effect::InPlace(&["UpdatePeerConn"]);
const PROTECT: Effect = Effect::InPlace(&["UpdatePeerConnDeleteProtect"]);

impl BillingModel {
    pub fn is_prepaid(&self) -> bool {
        self.payment_timing.as_deref() == Some(PREPAID)
    }
}

impl PeerConnModel {
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

fn timeouts() -> Timeouts {
    Timeouts::new()
        .create(DEFAULT_CREATE_TIMEOUT)
        .update(DEFAULT_UPDATE_TIMEOUT)
        .delete(DEFAULT_DELETE_TIMEOUT)
}

pub fn schema() -> Schema {
    Schema::of::<PeerConnModel>()
        .markdown_description(RESOURCE_DOC)
        .timeouts(timeouts())
}

/// What a change to each argument does, `timeouts` included.
pub fn behaviours() -> Vec<Behaviour> {
    let mut rows = PeerConnModel::behaviours();
    rows.extend(timeouts_behaviours(&timeouts()));
    rows
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tfplugin5_framework::behaviour::undeclared;
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
        let s = PeerConnModel::decode(&v);
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
            Some(ReservationModel {
                reservation_length: Slot::Known(3),
                reservation_time_unit: Slot::Known(MONTH.into())
            })
        );
        assert_eq!(s.tags.known().map(|t| t["env"].as_str()), Some("dev"));
    }

    #[test]
    fn blocks_missing_or_unknown() {
        let s = PeerConnModel::decode(&config_with(&[]));
        assert_eq!(s.billing, Slot::Null);
        assert_eq!(s.prepaid(), None);
        let s = PeerConnModel::decode(&config_with(&[(BILLING, Value::unknown())]));
        assert_eq!(s.billing, Slot::Unknown);
        // A fractional bandwidth is not an i64: rules skip it, validators report it.
        let half = Value::Number(Number::parse("1.5").expect("n"));
        let s = PeerConnModel::decode(&config_with(&[(BANDWIDTH, half)]));
        assert_eq!(s.bandwidth_in_mbps, Slot::Unknown);
    }

    #[test]
    fn schema_is_sound_and_documented() {
        let s = schema();
        assert!(s.check().is_empty(), "{:?}", s.check());
        let mut undocumented = Vec::new();
        for a in &s.block.attributes {
            if a.description.text.trim().is_empty() {
                undocumented.push(a.name.clone());
            }
        }
        for b in &s.block.blocks {
            if b.block.description.text.trim().is_empty() {
                undocumented.push(b.type_name.clone());
            }
            for a in &b.block.attributes {
                if a.description.text.trim().is_empty() {
                    undocumented.push(format!("{}.{}", b.type_name, a.name));
                }
            }
        }
        assert!(undocumented.is_empty(), "{undocumented:?}");
    }

    #[test]
    fn every_argument_has_exactly_one_declared_behaviour() {
        let (missing, extra) = undeclared(&schema().block, &behaviours());
        assert!(
            missing.is_empty() && extra.is_empty(),
            "arguments without a declared behaviour {missing:?}; rows for no argument {extra:?}"
        );
    }

    #[test]
    fn names_are_the_documented_attributes() {
        let s = schema();
        let mut names: Vec<&str> = s.block.attributes.iter().map(|a| a.name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                BANDWIDTH,
                CREATED_TIME,
                DELETE_PROTECT,
                DESCRIPTION,
                DNS_STATUS,
                DNS_SYNC,
                EXPIRED_TIME,
                ID,
                LOCAL_IF_ID,
                LOCAL_IF_NAME,
                LOCAL_REGION,
                LOCAL_VPC_ID,
                ON_REJECTION,
                PEER_ACCOUNT_ID,
                PEER_IF_NAME,
                PEER_REGION,
                PEER_VPC_ID,
                RESOURCE_GROUP_ID,
                ROLE,
                STATUS,
                TAGS,
            ]
        );
        let blocks: Vec<&str> = s
            .block
            .blocks
            .iter()
            .map(|b| b.type_name.as_str())
            .collect();
        assert_eq!(blocks, [BILLING, TIMEOUTS]);
        let billing = s.block.get_block(BILLING).expect("billing");
        assert_eq!((billing.min_items, billing.max_items), (1, 1));
        let reservation = billing.block.get_block(RESERVATION).expect("reservation");
        assert_eq!((reservation.min_items, reservation.max_items), (0, 1));
    }

    #[test]
    fn id_formats() {
        assert!(is_vpc_id("vpc-demobj000001"));
        for bad in ["vpc-", "vpc_abc", "VPC-abc", "vpc-ABC", "subnet-abc"] {
            assert!(!is_vpc_id(bad), "{bad}");
        }
        assert!(is_account_id("a0000000000000000000000000000001"));
        assert!(!is_account_id("123"));
        assert!(!is_account_id("A0000000000000000000000000000001"));
    }

    #[test]
    fn paths_render_as_terraform_shows_them() {
        assert_eq!(
            reservation_path(RESERVATION_LENGTH).to_string(),
            "billing[0].reservation[0].reservation_length"
        );
        assert_eq!(
            billing_path(PAYMENT_TIMING).to_string(),
            "billing[0].payment_timing"
        );
    }
}
