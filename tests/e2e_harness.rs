//! Tests of the end-to-end harness itself (tests/common): real Terraform on a
//! provider-free configuration, the process handling (timeouts, environment), the
//! version selection, the HTTP client and the emulator launcher (against stand-ins,
//! since they must work before the real emulator exists).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::os::unix::fs::PermissionsExt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use common::emulator::parse_listening_line;
use common::http::{self, parse_response};
use common::json::{diagnostic_summaries, json_path};
use common::terraform::{installed_clients, select_clients};
use common::workdir::provider_dir;
use common::{
    assert_valid, each_terraform, terraform_clients, Emulator, Terraform, TfWorkdir, Version,
    PROVIDER_ADDR,
};
use serde_json::json;

const PROVIDER_FREE: &str = r#"
variable "greeting" {
  type    = string
  default = "hello"
}

locals {
  words   = ["a", "b"]
  message = "${var.greeting}, ${join("+", local.words)}"
}

output "message" {
  value = local.message
}

output "word_count" {
  value = length(local.words)
}
"#;

#[test]
fn every_terraform_validates_plans_and_applies_a_provider_free_config() {
    each_terraform(|tf| {
        let wd = TfWorkdir::new(tf);
        wd.write("main.tf", PROVIDER_FREE);

        let validate = wd.validate_json();
        assert_valid(&validate);
        assert_eq!(validate["error_count"], json!(0));
        // Terraform warns about dev_overrides on every command once they are configured.
        assert_eq!(
            diagnostic_summaries(&validate, "warning"),
            ["Provider development overrides are in effect"]
        );

        let schema = wd.providers_schema_json();
        assert!(schema.get("format_version").is_some(), "{schema}");

        // Machine-readable UI: the first line announces the client's own version.
        let ui = wd.run_ok(&["plan", "-json", "-input=false"]).json_lines();
        assert_eq!(ui[0]["type"], json!("version"), "{:?}", ui[0]);
        assert_eq!(ui[0]["terraform"], json!(tf.version.to_string()));

        wd.plan_detailed_exitcode(&[]).assert_changes();
        let plan = wd.plan_json(&[]);
        assert_eq!(plan.output_actions("message"), ["create"]);
        assert!(
            plan.resource_actions().is_empty(),
            "{:?}",
            plan.resource_actions()
        );
        assert_eq!(
            json_path(&plan.json, &["terraform_version"]),
            &json!(tf.version.to_string())
        );

        wd.apply_with(&["tfplan"]).assert_success();
        let outputs = wd.output_json();
        assert_eq!(
            json_path(&outputs, &["message", "value"]),
            &json!("hello, a+b")
        );
        assert_eq!(json_path(&outputs, &["word_count", "value"]), &json!(2));
        let state = wd.show_json();
        assert_eq!(
            json_path(&state, &["values", "outputs", "message", "value"]),
            &json!("hello, a+b")
        );
        wd.assert_plan_empty();

        wd.write(
            "main.tf",
            &PROVIDER_FREE.replace("\"hello\"", "\"bonjour\""),
        );
        assert_eq!(wd.plan_json(&[]).output_actions("message"), ["update"]);
        wd.apply().assert_stdout_contains("bonjour, a+b");

        wd.destroy();
        assert_eq!(wd.output_json(), json!({}));
    });
}

#[test]
fn every_terraform_reports_an_invalid_config() {
    each_terraform(|tf| {
        let wd = TfWorkdir::new(tf);
        wd.write("main.tf", "output \"x\" {\n  value = local.nope\n}\n");
        let validate = wd.validate_json();
        assert_eq!(validate["valid"], json!(false));
        assert_eq!(
            diagnostic_summaries(&validate, "error"),
            ["Reference to undeclared local value"]
        );
        wd.run(&["plan", "-input=false", "-no-color"])
            .assert_exit_code(1)
            .assert_stderr_contains("Reference to undeclared local value");
    });
}

#[test]
fn the_required_clients_are_installed() {
    let clients = terraform_clients();
    let versions: Vec<String> = clients.iter().map(|tf| tf.version.to_string()).collect();
    if std::env::var_os("TFBAIDU_TERRAFORM_VERSIONS").is_none()
        && std::env::var_os("TF_ACC_TERRAFORM_PATH").is_none()
    {
        for required in ["1.0.3", "1.15.5"] {
            assert!(
                versions.iter().any(|v| v == required),
                "{required} missing from {versions:?}"
            );
        }
    }
    let mut sorted = clients.clone();
    sorted.sort_by_key(|tf| tf.version);
    assert_eq!(clients, sorted, "clients must come oldest first");
}

#[test]
fn each_terraform_runs_every_client_and_names_the_failures() {
    let clients = terraform_clients();
    let newest = clients
        .last()
        .map(|tf| tf.version)
        .expect("at least one client");
    let seen = std::sync::Mutex::new(Vec::new());
    let result = catch_unwind(AssertUnwindSafe(|| {
        each_terraform(|tf| {
            seen.lock().unwrap().push(tf.version);
            assert!(
                tf.version != newest,
                "deliberate failure on the newest client"
            );
        })
    }));
    let message = panic_text(result.expect_err("each_terraform must fail when one client fails"));
    assert_eq!(message, format!("failed on Terraform {newest}"));
    assert_eq!(seen.into_inner().unwrap().len(), clients.len());
}

#[test]
fn the_cli_config_overrides_our_provider_with_cargos_binary() {
    let tf = Terraform::new(Version::new(0, 0, 0), "/bin/true");
    let wd = TfWorkdir::new(&tf);
    let config = std::fs::read_to_string(wd.cli_config_path()).unwrap();
    let dir = provider_dir();
    assert!(
        config.contains(&format!("\"{PROVIDER_ADDR}\" = \"{}\"", dir.display())),
        "{config}"
    );
    assert!(config.contains("dev_overrides"), "{config}");
    assert!(
        !config.contains("direct"),
        "nothing may come from a registry: {config}"
    );
    let bin = dir.join("terraform-provider-baidu");
    let mode = std::fs::metadata(&bin).unwrap().permissions().mode();
    assert!(mode & 0o111 != 0, "{} must be executable", bin.display());
}

#[test]
fn commands_get_the_fixed_environment_and_never_inherited_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let fake = script(dir.path(), "print-env", "#!/bin/sh\nenv\n");
    let mut wd = TfWorkdir::new(&Terraform::new(Version::new(0, 0, 0), fake));
    wd.env("BAIDUCLOUD_REGION", "gz");
    let out = wd.run_ok(&[]);
    let env: Vec<&str> = out.stdout.lines().collect();
    let cli_config = format!("TF_CLI_CONFIG_FILE={}", wd.cli_config_path().display());
    // Inherited TF_*/BAIDUCLOUD_* variables (this machine sets TF_CLI_CONFIG_FILE) are
    // replaced, never passed through.
    let mut ours: Vec<&str> = env
        .iter()
        .copied()
        .filter(|l| {
            l.starts_with("TF_") || l.starts_with("BAIDUCLOUD_") || l.starts_with("CHECKPOINT_")
        })
        .collect();
    ours.sort();
    let mut expected = vec![
        cli_config.as_str(),
        "TF_IN_AUTOMATION=1",
        "CHECKPOINT_DISABLE=1",
        "TF_INPUT=0",
        "BAIDUCLOUD_REGION=gz",
    ];
    expected.sort();
    assert_eq!(ours, expected);
    assert_eq!(out.dir, wd.path());
}

#[test]
fn a_command_over_its_timeout_is_killed_with_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let fake = script(
        dir.path(),
        "hang",
        "#!/bin/sh\nsleep 300 &\necho $! > child.pid\necho started\nwait\n",
    );
    let mut wd = TfWorkdir::new(&Terraform::new(Version::new(0, 0, 0), fake));
    wd.timeout(Duration::from_secs(2));
    let result = catch_unwind(AssertUnwindSafe(|| wd.run(&["apply"])));
    let message = panic_text(result.expect_err("a hanging command must fail the test"));
    assert!(
        message.contains("did not finish within 2s and was killed"),
        "{message}"
    );
    assert!(message.contains("KILLED: timed out"), "{message}");
    assert!(
        message.contains("started"),
        "partial output must be shown: {message}"
    );
    let pid = std::fs::read_to_string(wd.path().join("child.pid")).unwrap();
    assert!(
        wait_until_gone(pid.trim()),
        "the command's child {pid} survived the timeout"
    );
}

#[test]
fn client_selection_requires_the_pinned_versions_except_1_11_4() {
    let tf = |v: &str| Terraform::new(Version::parse(v).unwrap(), format!("/x/{v}/terraform"));
    let versions = |c: Vec<Terraform>| c.iter().map(|t| t.version.to_string()).collect::<Vec<_>>();

    let both = vec![tf("1.15.5"), tf("1.0.3")];
    assert_eq!(
        versions(select_clients(both.clone(), None).unwrap()),
        ["1.0.3", "1.15.5"]
    );
    let all = vec![tf("1.0.3"), tf("1.11.4"), tf("1.15.5"), tf("1.9.0")];
    assert_eq!(
        versions(select_clients(all.clone(), None).unwrap()),
        ["1.0.3", "1.9.0", "1.11.4", "1.15.5"]
    );
    assert_eq!(
        versions(select_clients(all, Some("1.15.5, 1.0.3")).unwrap()),
        ["1.0.3", "1.15.5"]
    );
    assert_eq!(
        versions(select_clients(both.clone(), Some("1.0.3,1.11.4")).unwrap()),
        ["1.0.3"]
    );

    let err = select_clients(vec![tf("1.0.3")], None).unwrap_err();
    assert!(
        err.contains("Terraform 1.15.5 not installed")
            && err.contains("scripts/install-terraform.sh"),
        "{err}"
    );
    let err = select_clients(both.clone(), Some("1.2.3")).unwrap_err();
    assert!(err.contains("1.2.3 not installed"), "{err}");
    let err = select_clients(both.clone(), Some("1.11.4")).unwrap_err();
    assert!(err.contains("no Terraform client"), "{err}");
    let err = select_clients(both, Some("latest")).unwrap_err();
    assert!(err.contains("bad version"), "{err}");

    assert_eq!(Version::parse("v1.15.5"), Some(Version::new(1, 15, 5)));
    assert_eq!(Version::parse("1.6.0-beta1"), Some(Version::new(1, 6, 0)));
    assert_eq!(Version::parse("1.6"), None);
    assert!(Version::new(1, 10, 0) > Version::new(1, 9, 9));
}

#[test]
fn installed_clients_skips_dangling_links_and_other_entries() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("1.0.3");
    std::fs::create_dir(&good).unwrap();
    script(&good, "terraform", "#!/bin/sh\n");
    let dangling = dir.path().join("1.11.4");
    std::fs::create_dir(&dangling).unwrap();
    std::os::unix::fs::symlink("/nonexistent/terraform", dangling.join("terraform")).unwrap();
    std::fs::create_dir(dir.path().join("not-a-version")).unwrap();
    std::fs::create_dir(dir.path().join("1.15.5")).unwrap();

    let found = installed_clients(dir.path()).unwrap();
    assert_eq!(
        found,
        vec![Terraform::new(
            Version::new(1, 0, 3),
            good.join("terraform")
        )]
    );
    assert_eq!(
        installed_clients(&dir.path().join("absent")).unwrap(),
        vec![]
    );
}

#[test]
fn http_client_sends_json_and_parses_both_body_framings() {
    let (addr, server) = fake_server(vec![
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}".into(),
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"\r\n4;x=y\r\n:[1]\r\n1\r\n}\r\n0\r\n\r\n".into(),
    ]);
    let first = http::request(
        addr,
        "PUT",
        "/__emulator/faults",
        Some(&json!({"rules": []})),
    )
    .unwrap();
    assert_eq!(first.status, 201);
    assert_eq!(first.header("Content-Type"), Some("application/json"));
    assert_eq!(first.json(), json!({"ok": true}));
    let second = http::request(addr, "GET", "/__emulator/state", None).unwrap();
    assert_eq!(second.json(), json!({"a": [1]}));

    let requests = server.join().unwrap();
    assert!(
        requests[0].starts_with("PUT /__emulator/faults HTTP/1.1\r\n"),
        "{}",
        requests[0]
    );
    assert!(
        requests[0].contains("Content-Type: application/json\r\n"),
        "{}",
        requests[0]
    );
    assert!(
        requests[0].ends_with("\r\n\r\n{\"rules\":[]}"),
        "{}",
        requests[0]
    );
    assert!(
        requests[1].starts_with("GET /__emulator/state HTTP/1.1\r\n"),
        "{}",
        requests[1]
    );
    assert!(
        requests[1].contains("Content-Length: 0\r\n"),
        "{}",
        requests[1]
    );

    assert!(parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab").is_err());
    assert!(parse_response(b"garbage").is_err());
    let remote: SocketAddr = "192.0.2.1:80".parse().unwrap();
    assert!(
        http::request(remote, "GET", "/", None).is_err(),
        "only loopback may be contacted"
    );
}

#[test]
fn emulator_listening_line_is_parsed_strictly() {
    assert_eq!(
        parse_listening_line("listening on http://127.0.0.1:4567\n").unwrap(),
        "127.0.0.1:4567".parse::<SocketAddr>().unwrap()
    );
    assert!(parse_listening_line("listening on http://0.0.0.0:4567").is_err());
    assert!(parse_listening_line("listening on http://127.0.0.1:0").is_err());
    assert!(parse_listening_line("Listening at 127.0.0.1:4567").is_err());
}

#[test]
fn emulator_launcher_reads_the_port_talks_admin_and_kills_on_drop() {
    let (addr, server) = fake_server(vec![
        "HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n{\"status\":\"ok\"}".into(),
        "HTTP/1.1 204 No Content\r\n\r\n".into(),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let args_file = dir.path().join("args");
    let pid_file = dir.path().join("pid");
    let fake = script(
        dir.path(),
        "fake-emulator",
        &format!(
            "#!/bin/sh\necho $$ > '{}'\necho \"$@\" > '{}'\necho 'listening on http://{addr}'\n\
             echo 'initiator: DEMOAK...'\necho 'log line' >&2\nexec sleep 300\n",
            pid_file.display(),
            args_file.display()
        ),
    );
    let emulator = Emulator::spawn_program(&fake, &["--config", "x.toml"]);
    assert_eq!(emulator.endpoint(), format!("http://{addr}"));
    assert_eq!(emulator.health(), json!({"status": "ok"}));
    emulator.reset();
    let requests = server.join().unwrap();
    assert!(
        requests[0].starts_with("GET /__emulator/health "),
        "{}",
        requests[0]
    );
    assert!(
        requests[1].starts_with("POST /__emulator/reset "),
        "{}",
        requests[1]
    );
    assert_eq!(
        std::fs::read_to_string(&args_file).unwrap().trim(),
        "--listen 127.0.0.1:0 --config x.toml"
    );
    assert!(
        wait_for(|| emulator.stdout_lines() == ["initiator: DEMOAK..."]),
        "{:?}",
        emulator.stdout_lines()
    );
    assert!(
        wait_for(|| emulator.stderr_text().contains("log line")),
        "{}",
        emulator.stderr_text()
    );

    // `exec` keeps the shell's pid, so this is the process the launcher must kill.
    let pid = std::fs::read_to_string(&pid_file)
        .unwrap()
        .trim()
        .to_string();
    drop(emulator);
    assert!(
        wait_until_gone(&pid),
        "emulator {pid} still running after drop"
    );
}

#[test]
fn emulator_launcher_fails_clearly_when_the_first_line_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let fake = script(
        dir.path(),
        "bad-emulator",
        "#!/bin/sh\necho 'bind failed' >&2\necho 'hello'\nexit 3\n",
    );
    let result = catch_unwind(AssertUnwindSafe(|| Emulator::spawn_program(&fake, &[])));
    let message = panic_text(result.err().expect("a bad first line must fail"));
    assert!(
        message.contains("did not start") && message.contains("\"hello\""),
        "{message}"
    );
    assert!(
        message.contains("bind failed"),
        "stderr must be shown: {message}"
    );
}

// ---- helpers ---------------------------------------------------------------

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn panic_text(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Polls `cond` for up to 10 s (it waits for an event; nothing is timed).
fn wait_for(cond: impl Fn() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if cond() {
            return true;
        }
        thread::sleep(Duration::from_millis(20));
    }
    cond()
}

/// True once the process is gone (or a zombie awaiting its reaper).
fn wait_until_gone(pid: &str) -> bool {
    wait_for(
        || match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => true,
            Ok(stat) => stat
                .rsplit(')')
                .next()
                .is_some_and(|rest| rest.trim_start().starts_with('Z')),
        },
    )
}

/// A loopback server answering each connection with the next canned response;
/// returns the raw requests it received.
fn fake_server(responses: Vec<String>) -> (SocketAddr, thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = thread::spawn(move || {
        let mut seen = Vec::new();
        for response in responses {
            let (stream, _) = listener.accept().unwrap();
            let mut reader = BufReader::new(stream);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    head.push_str(&line);
                    break;
                }
                head.push_str(&line);
            }
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Length: "))
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let mut body = vec![0u8; len];
            reader.read_exact(&mut body).unwrap();
            head.push_str(&String::from_utf8_lossy(&body));
            seen.push(head);
            let mut stream = reader.into_inner();
            stream.write_all(response.as_bytes()).unwrap();
        }
        seen
    });
    (addr, handle)
}
