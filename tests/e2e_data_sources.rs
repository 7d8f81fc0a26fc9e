//! Data sources, end to end: `data "baidu_peerconn"` and
//! `data "baidu_peerconns"` read through real Terraform (1.0.3, 1.11.4 where
//! present, 1.15.5) from the emulator. The peerings are made directly with the
//! Rust API client, so these tests depend on nothing but the data sources.

mod common;

use std::time::Duration;

use baidu_vpc::model::{CreatePeerConnRequest, Tag};
use baidu_vpc::{BaiduClient, CallOptions, ClientConfig, Credentials};
use common::provider_config::emulator_providers;
use common::{each_terraform, Emulator, TfWorkdir, INITIATOR, PEER};
use serde_json::{json, Value};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn client(account: &common::DemoAccount, endpoint: &str) -> BaiduClient {
    let config = ClientConfig::new(
        Credentials::new(account.access_key, account.secret_key),
        "bj",
    )
    .with_endpoint(endpoint);
    BaiduClient::new(config).expect("client")
}

/// Creates a peering as `from` and returns its id.
fn create(
    rt: &tokio::runtime::Runtime,
    from: &BaiduClient,
    request: CreatePeerConnRequest,
) -> String {
    rt.block_on(from.create_peerconn(&request, &CallOptions::new()))
        .unwrap_or_else(|e| panic!("create {request:?}: {e}"))
}

/// `terraform output -json` as `{name: value}`.
fn outputs(wd: &TfWorkdir) -> Value {
    let raw = wd.output_json();
    let map = raw
        .as_object()
        .unwrap_or_else(|| panic!("outputs are not an object: {raw}"));
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), v.get("value").cloned().unwrap_or(Value::Null)))
            .collect(),
    )
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s.as_str().expect("string id").to_owned())
        .collect()
}

struct Seeded {
    /// initiator bj-1 ↔ initiator bj-2: same account, active, tagged.
    same: String,
    /// initiator bj-1 ↔ peer bj: cross-account, consulting.
    consulting: String,
    /// initiator gz ↔ peer gz: cross-account, rejected by the peer.
    rejected: String,
}

fn seed(emulator: &Emulator) -> Seeded {
    let rt = runtime();
    let initiator = client(&INITIATOR, emulator.endpoint());
    let peer = client(&PEER, emulator.endpoint());
    let same = create(
        &rt,
        &initiator,
        CreatePeerConnRequest {
            description: Some("same account".into()),
            tags: Some(vec![Tag {
                tag_key: "env".into(),
                tag_value: "e2e".into(),
            }]),
            ..CreatePeerConnRequest::new(20, INITIATOR.vpc("bj", 0), INITIATOR.vpc("bj", 1), "bj")
        },
    );
    let consulting = create(
        &rt,
        &initiator,
        CreatePeerConnRequest {
            peer_account_id: Some(PEER.account_id.into()),
            ..CreatePeerConnRequest::new(10, INITIATOR.vpc("bj", 0), PEER.vpc("bj", 0), "bj")
        },
    );
    let rejected = create(
        &rt,
        &initiator,
        CreatePeerConnRequest {
            peer_account_id: Some(PEER.account_id.into()),
            ..CreatePeerConnRequest::new(5, INITIATOR.vpc("gz", 0), PEER.vpc("gz", 0), "gz")
        },
    );
    rt.block_on(peer.reject_peerconn(&rejected, &CallOptions::new()))
        .expect("reject");
    Seeded {
        same,
        consulting,
        rejected,
    }
}

fn data_sources_config(endpoint: &str, s: &Seeded) -> String {
    format!(
        r#"{providers}
data "baidu_peerconns" "all" {{}}

data "baidu_peerconns" "bj1" {{
  vpc_id = "{bj1}"
}}

data "baidu_peerconns" "consulting" {{
  status = "consulting"
}}

data "baidu_peerconns" "gz_failed" {{
  vpc_id = "{gz}"
  status = "consult_failed"
}}

data "baidu_peerconns" "none" {{
  status = "expired"
}}

data "baidu_peerconns" "peer_all" {{
  provider = baidu.peer
}}

data "baidu_peerconn" "same" {{
  id = "{same}"
}}

data "baidu_peerconn" "consulting_as_initiator" {{
  id = "{consulting}"
}}

data "baidu_peerconn" "consulting_as_peer" {{
  provider = baidu.peer
  id       = "{consulting}"
  role     = "acceptor"
}}

output "all_ids"           {{ value = data.baidu_peerconns.all.ids }}
output "bj1_ids"           {{ value = data.baidu_peerconns.bj1.ids }}
output "bj1_roles"         {{ value = data.baidu_peerconns.bj1.peer_conns[*].role }}
output "consulting_ids"    {{ value = data.baidu_peerconns.consulting.ids }}
output "gz_failed"         {{ value = data.baidu_peerconns.gz_failed.peer_conns }}
output "none_ids"          {{ value = data.baidu_peerconns.none.ids }}
output "peer_ids"          {{ value = data.baidu_peerconns.peer_all.ids }}
output "peer_roles"        {{ value = data.baidu_peerconns.peer_all.peer_conns[*].role }}
output "same"              {{ value = data.baidu_peerconn.same }}
output "as_initiator"      {{ value = data.baidu_peerconn.consulting_as_initiator }}
output "as_peer"           {{ value = data.baidu_peerconn.consulting_as_peer }}
"#,
        providers = emulator_providers(endpoint),
        bj1 = INITIATOR.vpc("bj", 0),
        gz = INITIATOR.vpc("gz", 0),
        same = s.same,
        consulting = s.consulting,
    )
}

#[test]
fn data_sources_read_views_lists_and_filters() {
    let emulator = Emulator::start_with(&["--timing", "creating=0"]);
    let seeded = seed(&emulator);
    let config = data_sources_config(emulator.endpoint(), &seeded);
    each_terraform(|tf| {
        let mut wd = TfWorkdir::new(tf);
        wd.log("debug");
        wd.write("main.tf", &config);
        wd.apply();
        let out = outputs(&wd);

        let all = [
            seeded.same.as_str(),
            seeded.consulting.as_str(),
            seeded.rejected.as_str(),
        ];
        assert_eq!(ids(&out["all_ids"]), all, "creation order, every peering");
        assert_eq!(
            ids(&out["bj1_ids"]),
            [seeded.same.as_str(), seeded.consulting.as_str()],
            "vpc_id filter"
        );
        assert_eq!(out["bj1_roles"], json!(["initiator", "initiator"]));
        assert_eq!(ids(&out["consulting_ids"]), [seeded.consulting.as_str()]);
        assert_eq!(out["none_ids"], json!([]));

        let failed = out["gz_failed"].as_array().expect("list");
        assert_eq!(failed.len(), 1, "{failed:?}");
        let f = &failed[0];
        assert_eq!(f["id"], json!(seeded.rejected));
        assert_eq!(f["status"], json!("consult_failed"));
        assert_eq!(f["local_vpc_id"], json!(INITIATOR.vpc("gz", 0)));
        assert_eq!(f["peer_vpc_id"], json!(PEER.vpc("gz", 0)));
        assert_eq!(f["local_region"], json!("gz"));
        assert_eq!(f["peer_account_id"], json!(PEER.account_id));
        assert_eq!(f["bandwidth_in_mbps"], json!(5));

        // The peer account sees the two cross-account peerings, from its side.
        assert_eq!(
            ids(&out["peer_ids"]),
            [seeded.consulting.as_str(), seeded.rejected.as_str()]
        );
        assert_eq!(out["peer_roles"], json!(["acceptor", "acceptor"]));

        let same = &out["same"];
        assert_eq!(same["id"], json!(seeded.same));
        assert_eq!(
            same["role"],
            json!("initiator"),
            "role defaults to initiator"
        );
        assert_eq!(same["status"], json!("active"));
        assert_eq!(same["local_vpc_id"], json!(INITIATOR.vpc("bj", 0)));
        assert_eq!(same["peer_vpc_id"], json!(INITIATOR.vpc("bj", 1)));
        assert_eq!(same["peer_account_id"], json!(INITIATOR.account_id));
        assert_eq!(same["description"], json!("same account"));
        assert_eq!(same["tags"], json!({"env": "e2e"}));
        assert_eq!(same["payment_timing"], json!("Postpaid"));
        assert_eq!(same["dns_status"], json!("close"));
        assert_eq!(same["expired_time"], Value::Null, "Postpaid: no expiry");
        assert_eq!(same["delete_protect"], json!(false));
        assert!(
            same["local_if_id"]
                .as_str()
                .is_some_and(|s| s.starts_with("qpif-")),
            "{same}"
        );

        // One peering, two mirrored views.
        let (i, p) = (&out["as_initiator"], &out["as_peer"]);
        assert_eq!(p["role"], json!("acceptor"));
        assert_eq!(p["status"], json!("consulting"));
        assert_eq!(p["local_vpc_id"], i["peer_vpc_id"]);
        assert_eq!(p["peer_vpc_id"], i["local_vpc_id"]);
        assert_eq!(p["peer_account_id"], json!(INITIATOR.account_id));
        assert_eq!(i["peer_account_id"], json!(PEER.account_id));
        assert_ne!(p["local_if_id"], i["local_if_id"]);
        assert_eq!(p["tags"], json!({}), "the acceptor's view has no tags");

        // Reading changes nothing: a second plan is empty.
        wd.plan_detailed_exitcode(&[]).assert_no_changes();
    });
}

#[test]
fn data_sources_reject_bad_arguments_at_plan_time_and_report_missing_peerings() {
    let emulator = Emulator::start();
    let endpoint = emulator.endpoint().to_owned();
    each_terraform(|tf| {
        let wd = TfWorkdir::new(tf);
        let bad = [
            (
                r#"data "baidu_peerconn" "x" { id = "pcx-123" }"#,
                "peerconn-9td54fmx143e",
                "id",
            ),
            (
                r#"data "baidu_peerconn" "x" {
  id   = "peerconn-abcdefabcdef"
  role = "both"
}"#,
                "\"initiator\", \"acceptor\"",
                "role",
            ),
            (
                r#"data "baidu_peerconns" "x" { status = "Active" }"#,
                "consult_failed",
                "status",
            ),
            (
                r#"data "baidu_peerconns" "x" { vpc_id = "subnet-1" }"#,
                "vpc-",
                "vpc_id",
            ),
        ];
        for (block, expected, attribute) in bad {
            wd.write(
                "main.tf",
                &format!("{}\n{block}\n", emulator_providers(&endpoint)),
            );
            let out = wd.run(&["plan", "-input=false", "-no-color"]);
            out.assert_failure();
            out.assert_contains(expected);
            // The diagnostic names the attribute (and Terraform points at its line).
            out.assert_contains(&format!("{attribute} must be"));
            out.assert_contains("Invalid attribute value");
        }

        // A well-formed id this account cannot see fails the read, naming it.
        wd.write(
            "main.tf",
            &format!(
                "{}\ndata \"baidu_peerconn\" \"x\" {{ id = \"peerconn-abcdefabcdef\" }}\n",
                emulator_providers(&endpoint)
            ),
        );
        let out = wd.run(&["plan", "-input=false", "-no-color"]);
        out.assert_failure();
        out.assert_contains("Peering connection not found");
        out.assert_contains("peerconn-abcdefabcdef");
    });
}

/// An emulator configuration with the demo accounts plus `spokes` extra VPCs
/// in the initiator account, and quotas large enough to peer one hub VPC with
/// all of them.
fn many_vpcs_config(spokes: usize) -> Value {
    let mut initiator_vpcs: Vec<Value> = INITIATOR
        .vpcs
        .iter()
        .map(|(id, region)| json!({"id": id, "region": region}))
        .collect();
    initiator_vpcs.extend((0..spokes).map(|i| json!({"id": spoke(i), "region": "bj"})));
    json!({
        "quotas": {"per_vpc": spokes + 10, "per_account": spokes + 10},
        "timing": {"creating": "0"},
        "accounts": [
            {"name": INITIATOR.name, "id": INITIATOR.account_id,
             "access_key": INITIATOR.access_key, "secret_key": INITIATOR.secret_key,
             "vpcs": initiator_vpcs},
            {"name": PEER.name, "id": PEER.account_id,
             "access_key": PEER.access_key, "secret_key": PEER.secret_key,
             "vpcs": PEER.vpcs.iter().map(|(id, region)| json!({"id": id, "region": region})).collect::<Vec<_>>()},
        ]
    })
}

fn spoke(i: usize) -> String {
    format!("vpc-spoke{i:07}")
}

/// The list API serves at most 1000 peerings a page; 1001 make the data source
/// follow `nextMarker` to a second page.
#[test]
fn peerconns_follows_pagination_to_the_end() {
    const SPOKES: usize = 1001;
    let dir = tempfile::tempdir().expect("temp dir");
    let config_path = dir.path().join("emulator.json");
    std::fs::write(&config_path, many_vpcs_config(SPOKES).to_string()).expect("write config");
    let emulator = Emulator::start_with(&[
        "--config",
        config_path.to_str().expect("utf-8 path"),
        "--quiet",
    ]);
    let hub = INITIATOR.vpc("bj", 0);
    let rt = runtime();
    let initiator = client(&INITIATOR, emulator.endpoint());
    let created: Vec<String> = (0..SPOKES)
        .map(|i| {
            create(
                &rt,
                &initiator,
                CreatePeerConnRequest::new(1, hub, spoke(i), "bj"),
            )
        })
        .collect();
    // One more peering that the vpc_id filter must leave out.
    create(
        &rt,
        &initiator,
        CreatePeerConnRequest::new(1, INITIATOR.vpc("bj", 1), spoke(0), "bj"),
    );
    let hcl = format!(
        r#"{providers}
data "baidu_peerconns" "hub" {{
  vpc_id = "{hub}"
}}

data "baidu_peerconns" "active" {{
  vpc_id = "{hub}"
  status = "active"
}}

output "ids"    {{ value = data.baidu_peerconns.hub.ids }}
output "last"   {{ value = data.baidu_peerconns.hub.peer_conns[{last}] }}
output "active" {{ value = length(data.baidu_peerconns.active.ids) }}
"#,
        providers = emulator_providers(emulator.endpoint()),
        last = SPOKES - 1,
    );
    each_terraform(|tf| {
        let mut wd = TfWorkdir::new(tf);
        wd.timeout(Duration::from_secs(600));
        wd.write("main.tf", &hcl);
        let since = last_request_seq(&emulator);
        wd.apply();
        let out = outputs(&wd);
        assert_eq!(ids(&out["ids"]), created, "every page, in order");
        assert_eq!(out["active"], json!(SPOKES));
        let last = &out["last"];
        assert_eq!(last["id"], json!(created[SPOKES - 1]));
        assert_eq!(last["peer_vpc_id"], json!(spoke(SPOKES - 1)));

        // The provider asked for a second page with the first page's nextMarker.
        let lists: Vec<Value> =
            emulator.admin("GET", &format!("/__emulator/requests?since={since}"), None)["requests"]
                .as_array()
                .expect("requests")
                .iter()
                .filter(|r| r["method"] == json!("GET") && r["path"] == json!("/v1/peerconn"))
                .cloned()
                .collect();
        let with_marker = format!("marker={}", created[1000]);
        assert!(
            lists.iter().any(|r| r["query"]
                .as_str()
                .is_some_and(|q| q.contains(&with_marker))),
            "no second-page request with {with_marker}: {lists:#?}"
        );
    });
}

fn last_request_seq(emulator: &Emulator) -> u64 {
    emulator.requests()["requests"]
        .as_array()
        .and_then(|r| r.last())
        .and_then(|r| r["seq"].as_u64())
        .unwrap_or(0)
}
