//! Types to decode against: the schemas Terraform really sends values for, and
//! arbitrary (bounded) cty types chosen by the input.

use std::time::Duration;

use tfplugin5_framework::schema::{Attribute, Block, NestedBlock, Schema};
use tfplugin5_framework::Timeouts;
use tfvalue::Type;

use super::cursor::Cursor;

/// `baidu_peerconn` as the provider declares it (names, nesting, timeouts block).
pub fn peerconn_schema() -> Schema {
    let reservation = Block::new()
        .attribute(Attribute::number("reservation_length").required())
        .attribute(Attribute::string("reservation_time_unit").optional());
    let billing = Block::new()
        .attribute(Attribute::string("payment_timing").required())
        .block(NestedBlock::list("reservation", reservation).max_items(1));
    let mut schema = Schema::new()
        .attribute(Attribute::string("id").computed())
        .attribute(Attribute::number("bandwidth_in_mbps").required())
        .attribute(Attribute::string("local_vpc_id").required())
        .attribute(Attribute::string("peer_vpc_id").required())
        .attribute(Attribute::string("peer_region").required())
        .attribute(Attribute::string("peer_account_id").optional().computed())
        .attribute(Attribute::string("description").optional())
        .attribute(Attribute::string("local_if_name").optional().computed())
        .attribute(Attribute::string("peer_if_name").optional())
        .attribute(Attribute::map("tags", Type::String).optional())
        .attribute(Attribute::string("resource_group_id").optional().computed())
        .attribute(Attribute::bool("delete_protect").optional())
        .attribute(Attribute::bool("dns_sync").optional())
        .block(
            NestedBlock::list("billing", billing)
                .min_items(1)
                .max_items(1),
        );
    for computed in [
        "role",
        "status",
        "dns_status",
        "local_if_id",
        "local_region",
        "created_time",
        "expired_time",
    ] {
        schema = schema.attribute(Attribute::string(computed).computed());
    }
    schema.timeouts(
        Timeouts::new()
            .create(Duration::from_secs(600))
            .update(Duration::from_secs(600))
            .delete(Duration::from_secs(1200)),
    )
}

/// The `provider "baidu"` block's object type.
pub fn provider_config_type() -> Type {
    Type::object(
        [
            "access_key",
            "secret_key",
            "session_token",
            "region",
            "endpoint",
        ]
        .into_iter()
        .map(|n| (n, Type::String)),
    )
}

const ATTR_NAMES: [&str; 8] = ["a", "b", "id", "tags", "", "billing", "é", "value"];

/// An arbitrary type, at most `depth` levels of nesting, few attributes.
pub fn arbitrary_type(c: &mut Cursor<'_>, depth: u32) -> Type {
    let kinds = if depth == 0 { 4 } else { 9 };
    match c.below(kinds) {
        0 => Type::Bool,
        1 => Type::Number,
        2 => Type::String,
        3 => Type::Dynamic,
        4 => Type::list(arbitrary_type(c, depth - 1)),
        5 => Type::set(arbitrary_type(c, depth - 1)),
        6 => Type::map(arbitrary_type(c, depth - 1)),
        7 => {
            let n = c.below(4);
            Type::object(
                (0..n)
                    .map(|_| (c.pick(&ATTR_NAMES), arbitrary_type(c, depth - 1)))
                    .collect::<Vec<_>>(),
            )
        }
        _ => {
            let n = c.below(4);
            Type::tuple(
                (0..n)
                    .map(|_| arbitrary_type(c, depth - 1))
                    .collect::<Vec<_>>(),
            )
        }
    }
}

/// The first byte chooses: a real schema type (most inputs), or an arbitrary one.
pub fn choose_type(c: &mut Cursor<'_>) -> Type {
    match c.byte() % 8 {
        0 | 1 => peerconn_schema().value_type(),
        2 => provider_config_type(),
        3 => Type::Dynamic,
        _ => arbitrary_type(c, 4),
    }
}
