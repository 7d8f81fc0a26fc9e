//! What new users hit when trying the provider, each reproduced on real
//! Terraform against the emulator: configuration mistakes that used to pass
//! validate and fail only at apply (or never), and plans that did not say
//! what they would do.

mod common;

use common::json::diagnostics_text;
use common::provider_config::{emulator_providers, provider_block, required_providers};
use common::{each_terraform, Emulator, TfWorkdir, INITIATOR, PEER};
use serde_json::Value;

fn emulator() -> Emulator {
    Emulator::start_with(&["--timing", "all=200ms", "--quiet"])
}

/// A same-account Postpaid peering `baidu_peerconn.pc` with `extra` lines.
fn peering(extra: &str) -> String {
    format!(
        r#"resource "baidu_peerconn" "pc" {{
  bandwidth_in_mbps = 10
  local_vpc_id      = "{local}"
  peer_vpc_id       = "{peer}"
  peer_region       = "bj"
{extra}
  billing {{
    payment_timing = "Postpaid"
  }}
}}
"#,
        local = INITIATOR.vpc("bj", 0),
        peer = INITIATOR.vpc("bj", 1),
    )
}

/// `terraform validate -json` must fail with an error of `summary` whose
/// detail contains every one of `details`.
#[track_caller]
fn assert_validate_error(wd: &TfWorkdir, summary: &str, details: &[&str]) {
    let result = wd.validate_json();
    let found = result
        .get("diagnostics")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|d| {
            d.get("severity").and_then(Value::as_str) == Some("error")
                && d.get("summary").and_then(Value::as_str) == Some(summary)
                && details.iter().all(|needle| {
                    d.get("detail")
                        .and_then(Value::as_str)
                        .is_some_and(|t| t.contains(needle))
                })
        });
    assert!(
        found,
        "{}: validate lacks the error {summary:?} mentioning {details:?}:\n{}",
        wd.terraform(),
        diagnostics_text(&result)
    );
}

/// Mistakes that must fail `terraform validate`, naming what to write instead.
#[test]
fn configuration_mistakes_fail_validate_with_what_to_do() {
    each_terraform(|tf| {
        let wd = TfWorkdir::new(tf);
        let endpoint = "http://127.0.0.1:9";
        let provider = |extra: &str| {
            format!(
                "{}provider \"baidu\" {{\n  endpoint   = \"{endpoint}\"\n  access_key = \"AK\"\n  secret_key = \"SK\"\n{extra}}}\n",
                required_providers()
            )
        };

        // A region's name instead of its code.
        wd.write(
            "main.tf",
            &format!("{}{}", provider("  region = \"beijing\"\n"), peering("")),
        );
        assert_validate_error(&wd, "Unknown region", &["\"bj\"", "skip_region_validation"]);
        // ... accepted for a region newer than the provider when asked.
        wd.write(
            "main.tf",
            &format!(
                "{}{}",
                provider("  region = \"eu-new-1\"\n  skip_region_validation = true\n"),
                peering("")
            ),
        );
        common::assert_valid(&wd.validate_json());

        // An endpoint with the API's path in it (requests went to /v1/v1/peerconn).
        wd.write(
            "main.tf",
            &format!(
                "{}provider \"baidu\" {{\n  endpoint   = \"{endpoint}/v1\"\n  access_key = \"AK\"\n  secret_key = \"SK\"\n}}\n{}",
                required_providers(),
                peering("")
            ),
        );
        assert_validate_error(&wd, "Invalid attribute value", &["/v1/peerconn"]);

        // A reservation on a Postpaid peering was accepted and ignored.
        let postpaid_with_term = peering("").replace(
            "    payment_timing = \"Postpaid\"\n",
            "    payment_timing = \"Postpaid\"\n    reservation {\n      reservation_length = 12\n    }\n",
        );
        wd.write("main.tf", &format!("{}{postpaid_with_term}", provider("")));
        assert_validate_error(
            &wd,
            "A reservation is only for Prepaid peerings",
            &["Remove it", "Prepaid"],
        );

        // An acceptor with `action = null` would never answer the request.
        let acceptor = "resource \"baidu_peerconn_acceptor\" \"acc\" {\n  peer_conn_id = \"peerconn-abcdef123456\"\n  action       = null\n}\n";
        wd.write("main.tf", &format!("{}{acceptor}", provider("")));
        assert_validate_error(
            &wd,
            "Missing answer to the peering request",
            &["\"accept\"", "\"reject\""],
        );
    });
}

/// A tags change says in words that the peering is recreated; adding a
/// resource group to an existing peering says that nothing is sent.
#[test]
fn plans_that_cut_traffic_or_send_nothing_say_so() {
    let emu = emulator();
    each_terraform(|tf| {
        emu.reset();
        emu.set_timing(&serde_json::json!({ "all": "200ms" }));
        let wd = TfWorkdir::new(tf);
        let config = |extra: &str| {
            format!(
                "{}{}{}",
                required_providers(),
                provider_block(&INITIATOR, "bj", emu.endpoint(), None),
                peering(extra)
            )
        };
        wd.write("main.tf", &config("  tags = { tier = \"data\" }\n"));
        wd.apply();

        wd.write("main.tf", &config("  tags = { tier = \"data-v2\" }\n"));
        let plan = wd.run_ok(&["plan", "-input=false", "-no-color"]);
        plan.assert_says("# forces replacement");
        plan.assert_says("Changing tags recreates the peering connection");
        plan.assert_says("traffic between the two VPCs stops");
        wd.apply();
        wd.assert_plan_empty();

        wd.write(
            "main.tf",
            &config("  tags = { tier = \"data-v2\" }\n  resource_group_id = \"rg-later\"\n"),
        );
        let plan = wd.run_ok(&["plan", "-input=false", "-no-color"]);
        plan.assert_says("resource_group_id is only recorded");
        wd.destroy();
    });
}

/// `-generate-config-out` for a request still consulting writes `action =
/// null`; that configuration now fails with what to choose instead of
/// adopting the request without ever answering it (Terraform >= 1.5).
#[test]
fn generated_config_for_a_pending_request_is_not_a_silent_no_op() {
    let emu = emulator();
    each_terraform(|tf| {
        if !tf.at_least(1, 5, 0) {
            eprintln!("{tf}: no import blocks before 1.5, skipped");
            return;
        }
        emu.reset();
        emu.set_timing(&serde_json::json!({ "all": "200ms" }));
        let wd = TfWorkdir::new(tf);
        let request = format!(
            r#"resource "baidu_peerconn" "pc" {{
  bandwidth_in_mbps = 10
  local_vpc_id      = "{}"
  peer_vpc_id       = "{}"
  peer_region       = "bj"
  peer_account_id   = "{}"
  billing {{
    payment_timing = "Postpaid"
  }}
}}
"#,
            INITIATOR.vpc("bj", 0),
            PEER.vpc("bj", 0),
            PEER.account_id
        );
        wd.write(
            "main.tf",
            &format!("{}{request}", emulator_providers(emu.endpoint())),
        );
        wd.apply();
        let id = wd
            .state_of("baidu_peerconn.pc")
            .attr("id")
            .as_str()
            .expect("id")
            .to_owned();
        let import = format!(
            "import {{\n  provider = baidu.peer\n  to       = baidu_peerconn_acceptor.acc\n  id       = \"{id}\"\n}}\n"
        );
        wd.write(
            "main.tf",
            &format!("{}{request}{import}", emulator_providers(emu.endpoint())),
        );
        let out = wd.run(&[
            "plan",
            "-input=false",
            "-no-color",
            "-generate-config-out=generated.tf",
        ]);
        let generated = std::fs::read_to_string(wd.path().join("generated.tf"))
            .unwrap_or_else(|e| panic!("no generated.tf: {e}\n{out}"));
        assert!(generated.contains("action"), "{generated}");
        let plan = wd.run(&["plan", "-input=false", "-no-color"]);
        plan.assert_failure();
        plan.assert_says("Missing answer to the peering request");
        plan.assert_says("\"accept\" or \"reject\"");
        wd.remove("generated.tf");
        wd.write(
            "main.tf",
            &format!("{}{request}", emulator_providers(emu.endpoint())),
        );
        wd.destroy();
    });
}

/// Team B accepts a request made in team A's state: the plan shows what is
/// being approved (VPCs, regions, the requesting account, billing), read from
/// the request at plan time, not "known after apply".
#[test]
fn an_acceptor_plan_shows_the_request_it_answers() {
    let emu = emulator();
    each_terraform(|tf| {
        emu.reset();
        emu.set_timing(&serde_json::json!({ "all": "200ms" }));
        let team_a = TfWorkdir::new(tf);
        let request = format!(
            "resource \"baidu_peerconn\" \"pc\" {{\n  bandwidth_in_mbps = 10\n  local_vpc_id      = \"{}\"\n  peer_vpc_id       = \"{}\"\n  peer_region       = \"bj\"\n  peer_account_id   = \"{}\"\n  billing {{\n    payment_timing = \"Postpaid\"\n  }}\n}}\n",
            INITIATOR.vpc("bj", 0),
            PEER.vpc("bj", 0),
            PEER.account_id
        );
        team_a.write(
            "main.tf",
            &format!(
                "{}{}{request}",
                required_providers(),
                provider_block(&INITIATOR, "bj", emu.endpoint(), None)
            ),
        );
        team_a.apply();
        let id = team_a
            .state_of("baidu_peerconn.pc")
            .attr("id")
            .as_str()
            .expect("id")
            .to_owned();

        let team_b = TfWorkdir::new(tf);
        team_b.write(
            "main.tf",
            &format!(
                "{}{}resource \"baidu_peerconn_acceptor\" \"acc\" {{\n  peer_conn_id = \"{id}\"\n  action       = \"accept\"\n}}\n",
                required_providers(),
                provider_block(&PEER, "bj", emu.endpoint(), None)
            ),
        );
        let plan = team_b.plan_json(&[]);
        let change = plan.resource_change("baidu_peerconn_acceptor.acc");
        let after = &change["change"]["after"];
        let expected = [
            ("local_vpc_id", PEER.vpc("bj", 0)),
            ("peer_vpc_id", INITIATOR.vpc("bj", 0)),
            ("peer_account_id", INITIATOR.account_id),
            ("peer_region", "bj"),
            ("payment_timing", "Postpaid"),
        ];
        for (name, value) in expected {
            assert_eq!(
                after[name],
                Value::String(value.to_owned()),
                "{tf}: {name} is not shown in the plan: {change}"
            );
        }
        team_b.apply_with(&["tfplan"]).assert_success();
        team_b.assert_plan_empty();

        // Turning DNS on can change only the DNS status: nothing else is
        // "known after apply".
        team_b.write(
            "main.tf",
            &format!(
                "{}{}resource \"baidu_peerconn_acceptor\" \"acc\" {{\n  peer_conn_id = \"{id}\"\n  action       = \"accept\"\n  dns_sync     = true\n}}\n",
                required_providers(),
                provider_block(&PEER, "bj", emu.endpoint(), None)
            ),
        );
        let plan = team_b.plan_json(&[]);
        let change = plan.resource_change("baidu_peerconn_acceptor.acc");
        let unknown: Vec<&String> = change["change"]["after_unknown"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| **v == Value::Bool(true))
                    .map(|(k, _)| k)
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(unknown, ["dns_status"], "{tf}: {change}");
        team_b.apply_with(&["tfplan"]).assert_success();
        team_b.assert_plan_empty();
        team_b.destroy();
        team_a.destroy();
    });
}

/// `terraform destroy` refreshes with a normal plan of the configuration
/// first: a change the provider refuses (an answer is final) or a request
/// that no longer exists must not make the objects impossible to destroy.
#[test]
fn destroy_is_not_blocked_by_a_refused_change_or_a_vanished_request() {
    let emu = emulator();
    each_terraform(|tf| {
        emu.reset();
        emu.set_timing(&serde_json::json!({ "all": "200ms" }));
        let team_a = TfWorkdir::new(tf);
        let request = |name: &str, n: usize| {
            format!(
                "resource \"baidu_peerconn\" \"{name}\" {{\n  bandwidth_in_mbps = 10\n  local_vpc_id      = \"{}\"\n  peer_vpc_id       = \"{}\"\n  peer_region       = \"{}\"\n  peer_account_id   = \"{}\"\n  billing {{\n    payment_timing = \"Postpaid\"\n  }}\n}}\n",
                INITIATOR.vpc("bj", n),
                PEER.vpc(["bj", "gz"][n], 0),
                ["bj", "gz"][n],
                PEER.account_id
            )
        };
        team_a.write(
            "main.tf",
            &format!(
                "{}{}{}{}",
                required_providers(),
                provider_block(&INITIATOR, "bj", emu.endpoint(), None),
                request("kept", 0),
                request("vanishing", 1)
            ),
        );
        team_a.apply();
        let id = |name: &str| {
            team_a
                .state_of(&format!("baidu_peerconn.{name}"))
                .attr("id")
                .as_str()
                .expect("id")
                .to_owned()
        };
        let (kept, vanishing) = (id("kept"), id("vanishing"));

        let team_b = TfWorkdir::new(tf);
        let acceptors = |kept_action: &str| {
            format!(
                "{}{}resource \"baidu_peerconn_acceptor\" \"kept\" {{\n  peer_conn_id = \"{kept}\"\n  action       = \"{kept_action}\"\n}}\nresource \"baidu_peerconn_acceptor\" \"vanishing\" {{\n  peer_conn_id = \"{vanishing}\"\n  action       = \"accept\"\n}}\n",
                required_providers(),
                provider_block(&PEER, "bj", emu.endpoint(), None)
            )
        };
        team_b.write("main.tf", &acceptors("accept"));
        team_b.apply();

        // An accepted peering cannot be rejected: the plan warns, the apply refuses.
        team_b.write("main.tf", &acceptors("reject"));
        let plan = team_b.run_ok(&["plan", "-input=false", "-no-color"]);
        plan.assert_says("Impossible change of action");
        plan.assert_says("The apply will refuse this change");
        let apply = team_b.apply_with(&[]);
        apply.assert_failure();
        apply.assert_says("Impossible change of action");

        // The initiator deletes one request behind team B's back.
        emu.delete_out_of_band(&vanishing);
        let plan = team_b.run_ok(&["plan", "-input=false", "-no-color"]);
        plan.assert_says("Peering connection no longer exists");

        // Neither stops team B's destroy, which says once that the peering stays.
        let destroyed = team_b.destroy();
        let said = format!("{}{}", destroyed.stdout, destroyed.stderr)
            .matches(&format!("{kept} keeps existing"))
            .count();
        assert_eq!(said, 1, "{destroyed}");
        let listed = team_b.run_ok(&["state", "list", "-no-color"]);
        assert!(listed.stdout.trim().is_empty(), "{listed}");
        team_a.destroy();
    });
}

/// An emulator acting as one region's endpoint, as Baidu's are, catches a
/// provider alias pointed at the wrong region (the multi-region listener
/// would accept it and Baidu would not).
#[test]
fn a_regional_emulator_catches_a_provider_in_the_wrong_region() {
    let emu = Emulator::start_with(&["--timing", "all=200ms", "--quiet", "--region", "gz"]);
    each_terraform(|tf| {
        emu.reset();
        emu.set_timing(&serde_json::json!({ "all": "200ms" }));
        let wd = TfWorkdir::new(tf);
        let config = |local: &str, peer: &str| {
            format!(
                "{}{}resource \"baidu_peerconn\" \"pc\" {{\n  bandwidth_in_mbps = 10\n  local_vpc_id      = \"{local}\"\n  peer_vpc_id       = \"{peer}\"\n  peer_region       = \"bj\"\n  billing {{\n    payment_timing = \"Postpaid\"\n  }}\n}}\n",
                required_providers(),
                provider_block(&INITIATOR, "gz", emu.endpoint(), None)
            )
        };
        // A bj VPC through the gz endpoint: not found there, as on Baidu.
        wd.write(
            "main.tf",
            &config(INITIATOR.vpc("bj", 0), INITIATOR.vpc("bj", 1)),
        );
        let out = wd.apply_with(&[]);
        out.assert_failure();
        out.assert_says("Vpc.VpcNotFound");
        out.assert_says("in region gz");
        // The gz VPC is served, and the plan knew its region.
        wd.write(
            "main.tf",
            &config(INITIATOR.vpc("gz", 0), INITIATOR.vpc("bj", 0)),
        );
        let plan = wd.plan_json(&[]);
        let after = &plan.resource_change("baidu_peerconn.pc")["change"]["after"];
        assert_eq!(after["local_region"], Value::String("gz".into()), "{after}");
        wd.apply_with(&["tfplan"]).assert_success();
        wd.assert_plan_empty();
        wd.destroy();
    });

    // The emulator's default listener serves every region: the same mistake
    // creates the peering, and the provider says what is wrong (and keeps
    // the peering in the state) instead of an inconsistent result.
    let everywhere = emulator();
    each_terraform(|tf| {
        everywhere.reset();
        let wd = TfWorkdir::new(tf);
        wd.write(
            "main.tf",
            &format!(
                "{}{}{}",
                required_providers(),
                provider_block(&INITIATOR, "gz", everywhere.endpoint(), None),
                peering("")
            ),
        );
        let out = wd.apply_with(&[]);
        out.assert_failure();
        out.assert_says("The local VPC is in another region");
        out.assert_not_contains("inconsistent result");
        assert!(wd.state_of("baidu_peerconn.pc").attr("id").is_string());
        wd.destroy();
    });
}

/// Two pipelines, one requesting and one rejecting, looped: every apply of
/// the initiator filed the request again. The warning now says what to do,
/// and `on_rejection = "fail"` stops with an error instead.
#[test]
fn a_rejected_request_is_requested_again_or_stops_with_an_error() {
    let emu = emulator();
    each_terraform(|tf| {
        emu.reset();
        emu.set_timing(&serde_json::json!({ "all": "200ms" }));
        let wd = TfWorkdir::new(tf);
        let config = |on_rejection: &str| {
            format!(
                "{}{}resource \"baidu_peerconn\" \"pc\" {{\n  bandwidth_in_mbps = 10\n  local_vpc_id      = \"{}\"\n  peer_vpc_id       = \"{}\"\n  peer_region       = \"bj\"\n  peer_account_id   = \"{}\"\n{on_rejection}  billing {{\n    payment_timing = \"Postpaid\"\n  }}\n}}\n",
                required_providers(),
                provider_block(&INITIATOR, "bj", emu.endpoint(), None),
                INITIATOR.vpc("bj", 0),
                PEER.vpc("bj", 0),
                PEER.account_id
            )
        };
        wd.write("main.tf", &config(""));
        wd.apply();
        let id = wd
            .state_of("baidu_peerconn.pc")
            .attr("id")
            .as_str()
            .expect("id")
            .to_owned();
        emu.force_status(&id, "consult_failed");

        // The default asks again, and the warning says how to stop that.
        let plan = wd.plan_json(&[]);
        assert_eq!(plan.actions("baidu_peerconn.pc"), ["delete", "create"]);
        plan.plan.assert_says("on_rejection = \"fail\"");

        // "fail": the plan warns, the apply fails with what to do, nothing is requested.
        wd.write("main.tf", &config("  on_rejection      = \"fail\"\n"));
        let plan = wd.run_ok(&["plan", "-input=false", "-no-color"]);
        plan.assert_says("Peering request rejected");
        plan.assert_not_contains("must be replaced");
        let creates = |emu: &Emulator| {
            emu.requests()["requests"].as_array().map_or(0, |all| {
                all.iter()
                    .filter(|r| r["operation"] == "CreatePeerConn")
                    .count()
            })
        };
        let before = creates(&emu);
        let apply = wd.apply_with(&[]);
        apply.assert_failure();
        apply.assert_says("Peering request rejected");
        apply.assert_says("Ask the peer account to accept a new request");
        assert_eq!(creates(&emu), before, "a rejected request was filed again");
        assert_eq!(wd.state_of("baidu_peerconn.pc").id(), id);
        wd.destroy();
    });
}

/// A plan of creates alone called no API, so wrong credentials or a dead
/// endpoint surfaced only at apply: one signed read at configuration time
/// now catches them (and can be skipped).
#[test]
fn wrong_credentials_fail_the_plan_and_a_dead_endpoint_warns() {
    let emu = emulator();
    each_terraform(|tf| {
        let wd = TfWorkdir::new(tf);
        let config = |endpoint: &str, secret: &str, extra: &str| {
            format!(
                "{}provider \"baidu\" {{\n  region     = \"bj\"\n  endpoint   = \"{endpoint}\"\n  access_key = \"{}\"\n  secret_key = \"{secret}\"\n{extra}}}\n{}",
                required_providers(),
                INITIATOR.access_key,
                peering("")
            )
        };
        wd.write("main.tf", &config(emu.endpoint(), "not-the-secret-key", ""));
        let plan = wd.run(&["plan", "-input=false", "-no-color"]);
        plan.assert_failure();
        plan.assert_says("Baidu refused the provider's credentials");
        plan.assert_says("skip_credentials_validation");
        plan.assert_not_contains("not-the-secret-key");

        wd.write(
            "main.tf",
            &config(
                emu.endpoint(),
                "not-the-secret-key",
                "  skip_credentials_validation = true\n",
            ),
        );
        wd.run_ok(&["plan", "-input=false", "-no-color"]);

        // Nothing listens on port 9 of loopback.
        wd.write(
            "main.tf",
            &config("http://127.0.0.1:9", INITIATOR.secret_key, ""),
        );
        let plan = wd.run_ok(&["plan", "-input=false", "-no-color"]);
        plan.assert_says("Cannot check the provider's credentials");
    });
}

/// At trace, the provider's log has the API bodies (never a secret), and a
/// configuration without a session token does not log a masked one.
#[test]
fn trace_logs_have_the_api_bodies_and_no_secret() {
    let emu = emulator();
    let tf = common::terraform_clients()
        .into_iter()
        .max_by(|a, b| a.version.cmp(&b.version))
        .expect("a Terraform client");
    let mut wd = TfWorkdir::new(&tf);
    wd.log("trace");
    wd.write(
        "main.tf",
        &format!(
            "{}{}{}",
            required_providers(),
            provider_block(&INITIATOR, "bj", emu.endpoint(), None),
            peering("")
        ),
    );
    wd.apply();
    let log = wd.log_text();
    assert!(
        log.contains("baidu api call bodies"),
        "no trace line with bodies"
    );
    assert!(
        log.contains("peerConnId"),
        "the response bodies are not in the log"
    );
    assert!(log.contains("sts=false"), "configured line missing");
    assert!(
        !log.contains(INITIATOR.secret_key),
        "the secret key was logged"
    );
    assert!(
        !log.contains("session_token=\"***\""),
        "a token that is not set was masked"
    );
    wd.destroy();
}

/// The cross-account flow with the peer account's keys in a profile of a
/// shared credentials file: nothing secret of it reaches the configuration,
/// the saved plan, its JSON, the state or the log.
#[test]
fn a_second_account_through_a_profile_never_reaches_plans_or_state() {
    let emu = emulator();
    each_terraform(|tf| {
        emu.reset();
        emu.set_timing(&serde_json::json!({ "all": "200ms" }));
        let creds = tempfile::tempdir().expect("temp dir");
        let file = creds.path().join("credentials");
        std::fs::write(
            &file,
            format!(
                "[peer]\naccess_key = {}\nsecret_key = {}\n",
                PEER.access_key, PEER.secret_key
            ),
        )
        .expect("credentials file");
        let mut wd = TfWorkdir::new(tf);
        wd.log("trace");
        let hcl = format!(
            "{}{}provider \"baidu\" {{\n  alias                   = \"peer\"\n  region                  = \"bj\"\n  endpoint                = \"{}\"\n  profile                 = \"peer\"\n  shared_credentials_file = \"{}\"\n}}\nresource \"baidu_peerconn\" \"pc\" {{\n  bandwidth_in_mbps = 10\n  local_vpc_id      = \"{}\"\n  peer_vpc_id       = \"{}\"\n  peer_region       = \"bj\"\n  peer_account_id   = \"{}\"\n  billing {{\n    payment_timing = \"Postpaid\"\n  }}\n}}\nresource \"baidu_peerconn_acceptor\" \"acc\" {{\n  provider     = baidu.peer\n  peer_conn_id = baidu_peerconn.pc.id\n  action       = \"accept\"\n}}\n",
            required_providers(),
            provider_block(&INITIATOR, "bj", emu.endpoint(), None),
            emu.endpoint(),
            file.display(),
            INITIATOR.vpc("bj", 0),
            PEER.vpc("bj", 0),
            PEER.account_id
        );
        wd.write("main.tf", &hcl);
        let plan = wd.plan_json(&[]);
        wd.apply_with(&["tfplan"]).assert_success();
        assert_eq!(
            wd.state_of("baidu_peerconn_acceptor.acc").str("status"),
            "active"
        );
        let saved_plan = std::fs::read(wd.path().join("tfplan")).expect("plan file");
        let state = std::fs::read_to_string(wd.path().join("terraform.tfstate")).expect("state");
        let secret = PEER.secret_key;
        assert!(
            !plan.json.to_string().contains(secret),
            "secret in the plan JSON"
        );
        assert!(
            !saved_plan
                .windows(secret.len())
                .any(|w| w == secret.as_bytes()),
            "secret in the saved plan"
        );
        assert!(!state.contains(secret), "secret in the state");
        assert!(!wd.log_text().contains(secret), "secret in the log");
        wd.destroy();
    });
}

/// The cross-account flow with no key of the peer account anywhere: the
/// peer side's provider assumes the peer account's role with the
/// initiator's keys. STS is called with the initiator's keys, every other
/// call of that provider is the peer account's, and the temporary
/// credentials reach neither the plan, the state nor the trace log.
#[test]
fn a_second_account_through_an_assumed_role() {
    let emu = emulator();
    each_terraform(|tf| {
        emu.reset();
        emu.set_timing(&serde_json::json!({ "all": "200ms" }));
        let mut wd = TfWorkdir::new(tf);
        wd.log("trace");
        let hcl = format!(
            "{}{}provider \"baidu\" {{\n  alias      = \"peer\"\n  region     = \"bj\"\n  endpoint   = \"{endpoint}\"\n  access_key = \"{}\"\n  secret_key = \"{}\"\n  assume_role {{\n    account_id   = \"{}\"\n    role_name    = \"PeeringOperator\"\n    sts_endpoint = \"{endpoint}\"\n  }}\n}}\nresource \"baidu_peerconn\" \"pc\" {{\n  bandwidth_in_mbps = 10\n  local_vpc_id      = \"{}\"\n  peer_vpc_id       = \"{}\"\n  peer_region       = \"bj\"\n  peer_account_id   = \"{}\"\n  billing {{\n    payment_timing = \"Postpaid\"\n  }}\n}}\nresource \"baidu_peerconn_acceptor\" \"acc\" {{\n  provider     = baidu.peer\n  peer_conn_id = baidu_peerconn.pc.id\n  action       = \"accept\"\n}}\n",
            required_providers(),
            provider_block(&INITIATOR, "bj", emu.endpoint(), None),
            INITIATOR.access_key,
            INITIATOR.secret_key,
            PEER.account_id,
            INITIATOR.vpc("bj", 0),
            PEER.vpc("bj", 0),
            PEER.account_id,
            endpoint = emu.endpoint(),
        );
        wd.write("main.tf", &hcl);
        let plan = wd.plan_json(&[]);
        wd.apply_with(&["tfplan"]).assert_success();
        assert_eq!(
            wd.state_of("baidu_peerconn_acceptor.acc").str("status"),
            "active"
        );
        let requests = emu.requests();
        let requests = requests["requests"].as_array().expect("request log");
        let field = |r: &Value, k: &str| r[k].as_str().unwrap_or_default().to_owned();
        let assumed: Vec<&Value> = requests
            .iter()
            .filter(|r| r["operation"] == "AssumeRole")
            .collect();
        assert!(!assumed.is_empty(), "the peer provider assumed no role");
        for r in &assumed {
            assert_eq!(field(r, "accountId"), INITIATOR.account_id, "STS signer");
            assert_eq!(r["status"], 200, "{r}");
        }
        let accepts: Vec<&Value> = requests
            .iter()
            .filter(|r| r["operation"] == "AcceptPeerConnApply")
            .collect();
        assert_eq!(accepts.len(), 1, "one accept");
        assert_eq!(field(accepts[0], "accountId"), PEER.account_id);
        let session_key = field(accepts[0], "accessKey");
        assert!(
            session_key != INITIATOR.access_key && session_key != PEER.access_key,
            "the accept was signed with temporary credentials, not {session_key}"
        );
        let state = std::fs::read_to_string(wd.path().join("terraform.tfstate")).expect("state");
        let log = wd.log_text();
        assert!(
            log.contains("assumed role"),
            "no log line says the role was assumed"
        );
        for (what, text) in [
            ("plan JSON", plan.json.to_string()),
            ("state", state),
            ("log", log),
        ] {
            for leaked in ["secretAccessKey", "sessionToken", session_key.as_str()] {
                assert!(
                    what == "log" && leaked == session_key || !text.contains(leaked),
                    "{leaked} in the {what}"
                );
            }
        }
        wd.destroy();
        // A role the account may not assume fails the plan, at the block.
        wd.write(
            "main.tf",
            &hcl.replace("\"PeeringOperator\"", "\"NotTrusted\""),
        );
        wd.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
            .assert_says("Cannot assume the role")
            .assert_says("NotTrusted")
            .assert_says("AccessDenied")
            .assert_contains("role_name    = \"NotTrusted\"");
    });
}

/// After a renewal, import used to read back a term the allowed values
/// reject (6 + 4 → 10) and any allowed value planned a renewal the apply
/// really bought. Now an import never plans a purchase: the generated
/// configuration splits the term into allowed ones (9 and renewals [1]) and
/// plans nothing, and a hand-written one is adopted with no renew call.
#[test]
fn an_import_never_plans_a_purchase() {
    let emu = emulator();
    each_terraform(|tf| {
        emu.reset();
        emu.set_timing(&serde_json::json!({ "all": "200ms" }));
        let wd = TfWorkdir::new(tf);
        let resource = |renewals: &str| {
            format!(
                "resource \"baidu_peerconn\" \"pc\" {{\n  bandwidth_in_mbps = 10\n  local_vpc_id      = \"{}\"\n  peer_vpc_id       = \"{}\"\n  peer_region       = \"gz\"\n  billing {{\n    payment_timing = \"Prepaid\"\n{renewals}    reservation {{\n      reservation_length = 6\n    }}\n  }}\n}}\n",
                INITIATOR.vpc("bj", 0),
                INITIATOR.vpc("gz", 0)
            )
        };
        let providers = format!(
            "{}{}",
            required_providers(),
            provider_block(&INITIATOR, "bj", emu.endpoint(), None)
        );
        wd.write(
            "main.tf",
            &format!("{providers}{}", resource("    renewals = []\n")),
        );
        wd.apply();
        wd.write(
            "main.tf",
            &format!("{providers}{}", resource("    renewals = [4]\n")),
        );
        wd.apply();
        let id = wd
            .state_of("baidu_peerconn.pc")
            .attr("id")
            .as_str()
            .expect("id")
            .to_owned();
        let renewals = |emu: &Emulator| {
            emu.requests()["requests"].as_array().map_or(0, |all| {
                all.iter()
                    .filter(|r| r["operation"] == "RenewPeerConn")
                    .count()
            })
        };
        assert_eq!(renewals(&emu), 1);

        // A hand-written configuration: adopted, nothing bought.
        wd.state_rm("baidu_peerconn.pc");
        wd.import("baidu_peerconn.pc", &id);
        let plan = wd.run_ok(&["plan", "-input=false", "-no-color"]);
        plan.assert_says("nothing bought");
        wd.apply();
        wd.assert_plan_empty();
        assert_eq!(renewals(&emu), 1, "the import bought a renewal");

        if tf.at_least(1, 5, 0) {
            // Generated configuration: valid, and it plans no change at all.
            wd.state_rm("baidu_peerconn.pc");
            wd.write(
                "main.tf",
                &format!("{providers}import {{\n  to = baidu_peerconn.pc\n  id = \"{id}\"\n}}\n"),
            );
            wd.run_ok(&[
                "plan",
                "-input=false",
                "-no-color",
                "-generate-config-out=generated.tf",
            ]);
            let generated =
                std::fs::read_to_string(wd.path().join("generated.tf")).expect("generated.tf");
            assert!(generated.contains("reservation_length"), "{generated}");
            assert!(generated.contains("renewals"), "{generated}");
            let plan = wd.plan_json(&[]);
            assert_eq!(
                plan.actions("baidu_peerconn.pc"),
                ["no-op"],
                "{}",
                plan.plan
            );
            wd.apply_with(&["tfplan"]).assert_success();
            wd.assert_plan_empty();
            assert_eq!(
                renewals(&emu),
                1,
                "the generated configuration bought a renewal"
            );
            wd.remove("generated.tf");
            wd.write(
                "main.tf",
                &format!("{providers}{}", resource("    renewals = [4]\n")),
            );
        }
        emu.advance_clock(400 * 86_400);
        wd.destroy();
    });
}
