//! The `baidu-vpc-emulator` binary as users and scripts see it: the first
//! stdout line, the demo credentials, --help/--version, flag errors, SIGTERM,
//! the stderr request log and a state file that survives a restart.

mod process;

use std::process::Command;

use process::EmulatorProcess;

#[test]
fn first_line_is_the_address_then_the_demo_credentials() {
    let emu = EmulatorProcess::spawn(&[]);
    let first = &emu.banner[0];
    let port: u16 = first
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .parse()
        .unwrap();
    assert_ne!(port, 0);
    let rest = emu.banner[1..].join("\n");
    for needle in [
        "account initiator id=a0000000000000000000000000000001",
        "access_key=DEMOAK00000000000000000000000001 secret_key=DEMOSK00000000000000000000000001",
        "vpc-demobj000001(bj),vpc-demobj000002(bj),vpc-demogz000001(gz)",
        "account peer id=a0000000000000000000000000000002",
        "access_key=DEMOAK00000000000000000000000002 secret_key=DEMOSK00000000000000000000000002",
        "vpc-peerbj000001(bj),vpc-peergz000001(gz)",
    ] {
        assert!(rest.contains(needle), "missing {needle:?} in:\n{rest}");
    }
    assert!(emu.terminate(), "SIGTERM must stop the emulator cleanly");
}

#[test]
fn help_version_and_bad_flags() {
    let bin = EmulatorProcess::binary();
    let help = Command::new(&bin).arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for flag in [
        "--listen",
        "--config",
        "--state-file",
        "--timing",
        "--seed",
        "--auth",
        "--relay-vpc",
    ] {
        assert!(text.contains(flag), "--help must explain {flag}");
    }
    let v = Command::new(&bin).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8(v.stdout).unwrap().trim(),
        format!("baidu-vpc-emulator {}", env!("CARGO_PKG_VERSION"))
    );
    for bad in [
        &["--frobnicate"][..],
        &["--listen", "0.0.0.0:0"],
        &["--timing", "creating=forever"],
        &["--relay-vpc", "vpc-unknown"],
    ] {
        let out = Command::new(&bin).args(bad).output().unwrap();
        assert!(!out.status.success(), "{bad:?} must fail");
        assert!(out.stdout.is_empty(), "no banner on error");
        assert!(String::from_utf8_lossy(&out.stderr).contains("baidu-vpc-emulator:"));
    }
}

#[test]
fn a_config_file_takes_timing_all_and_refuses_malformed_vpc_ids() {
    let dir = tempfile::tempdir().unwrap();
    let config = |vpc: &str| {
        format!(
            "[timing]\nall = \"0\"\n\n[[accounts]]\nname = \"a\"\nid = \"a0000000000000000000000000000009\"\naccess_key = \"AK9\"\nsecret_key = \"SK9\"\n\n  [[accounts.vpcs]]\n  id = \"{vpc}\"\n  region = \"bj\"\n"
        )
    };
    let good = dir.path().join("good.toml");
    std::fs::write(&good, config("vpc-abc123")).unwrap();
    let emu = EmulatorProcess::spawn(&["--config", good.to_str().unwrap()]);
    assert!(emu.terminate());

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, config("VPC_Abc")).unwrap();
    let out = Command::new(EmulatorProcess::binary())
        .args(["--config", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("\"VPC_Abc\" is not a VPC id"), "{stderr}");
}

#[test]
fn a_port_in_use_is_reported_once() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = Command::new(EmulatorProcess::binary())
        .args(["--listen", &addr])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
    let reason = stderr
        .rsplit(": ")
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    assert_eq!(
        stderr.matches(reason.as_str()).count(),
        1,
        "the cause is repeated: {stderr}"
    );
}

fn get(host: &str, path: &str) -> (u16, String) {
    // A tiny blocking HTTP/1.0 client: enough for unauthenticated calls.
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let status = buf[9..12].parse().unwrap();
    let body = buf.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

#[test]
fn request_log_on_stderr_and_admin_health() {
    let emu = EmulatorProcess::spawn(&["--seed", "5"]);
    let (status, body) = get(&emu.host(), "/__emulator/health");
    assert_eq!(status, 200);
    assert!(body.contains("\"status\":\"ok\""), "{body}");
    // Unsigned API call: answered with Baidu's error JSON and logged.
    let (status, body) = get(&emu.host(), "/v1/peerconn");
    assert_eq!(status, 400);
    assert!(
        body.contains("\"code\":\"InvalidHTTPAuthHeader\""),
        "{body}"
    );
    let host = emu.host();
    // The handler writes its log line before the response leaves, so it is there now.
    let log = emu.log();
    let line = log
        .lines()
        .find(|l| l.contains("path=/v1/peerconn"))
        .unwrap_or_else(|| panic!("no request line in:\n{log}"));
    for field in [
        "method=GET",
        "status=400",
        "code=InvalidHTTPAuthHeader",
        "request_id=",
        "latency_ms=",
        "account=-",
    ] {
        assert!(line.contains(field), "{field} missing in {line:?}");
    }
    assert!(log.contains(&format!("endpoint=http://{host}")), "{log}");
}

#[test]
fn quiet_suppresses_request_lines() {
    let emu = EmulatorProcess::spawn(&["--quiet"]);
    get(&emu.host(), "/v1/peerconn");
    get(&emu.host(), "/__emulator/health");
    assert!(!emu.log().contains("path=/v1/peerconn"));
}

#[test]
fn state_file_survives_a_binary_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let emu = EmulatorProcess::spawn(&[
        "--state-file",
        state_arg,
        "--auth",
        "off",
        "--timing",
        "all=0",
    ]);
    assert!(emu.banner.iter().any(|l| l.contains(state_arg)));
    // With auth off an unsigned create is enough (account: the first one).
    let create = {
        use std::io::{Read, Write};
        let body = r#"{"bandwidthInMbps":1,"localVpcId":"vpc-demobj000001","peerVpcId":"vpc-demobj000002","peerRegion":"bj"}"#;
        let mut s = std::net::TcpStream::connect(emu.host()).unwrap();
        write!(
            s,
            "POST /v1/peerconn?clientToken=restart HTTP/1.0\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            emu.host(),
            body.len()
        )
        .unwrap();
        let mut buf = String::new();
        s.read_to_string(&mut buf).unwrap();
        buf
    };
    assert!(
        create.starts_with("HTTP/1.0 200") || create.starts_with("HTTP/1.1 200"),
        "{create}"
    );
    let id_start = create.find("peerconn-").unwrap();
    let id = create[id_start..id_start + 21].to_string();
    assert!(emu.terminate());
    assert!(std::fs::read_to_string(&state).unwrap().contains(&id));

    let emu = EmulatorProcess::spawn(&["--state-file", state_arg, "--auth", "off"]);
    let (status, body) = get(&emu.host(), "/__emulator/state");
    assert_eq!(status, 200);
    assert!(body.contains(&id), "{body}");
}
