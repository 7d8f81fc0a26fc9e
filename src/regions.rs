//! Baidu AI Cloud's region codes, shared by the provider's `region` and the
//! peering's `peer_region`.

/// Region codes with a Baidu VPC endpoint (plus `cd`, `yq`, `nj`, `wh`,
/// which Baidu's provider lists as region codes).
pub const REGIONS: [&str; 12] = [
    "bj", "bd", "gz", "su", "fsh", "fwh", "hkg", "sin", "cd", "yq", "nj", "wh",
];

/// Whether `region` is one of [`REGIONS`].
pub fn is_known_region(region: &str) -> bool {
    REGIONS.contains(&region)
}

/// The region codes as prose: "`bj`, `bd`, …".
pub fn listed() -> String {
    REGIONS.map(|r| format!("\"{r}\"")).join(", ")
}
