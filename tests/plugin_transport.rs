//! The real `terraform-provider-baidu` binary, launched and spoken to the
//! way Terraform's go-plugin client does.

mod transport_support;

use std::time::Duration;

use tfplugin5::proto::plugin::grpc_controller_client::GrpcControllerClient;
use tfplugin5::proto::plugin::grpc_stdio_client::GrpcStdioClient;
use tfplugin5::proto::plugin::Empty;
use tfplugin5::proto::tfplugin5::provider_client::ProviderClient;
use tfplugin5::proto::tfplugin5::{get_provider_schema, prepare_provider_config, DynamicValue};
use tonic::transport::Channel;
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;
use transport_support::{
    connect_plain, connect_tls, socket_path, ClientAuth, ClientCert, Handshake, Launch, BINARY,
};

/// go-plugin force-kills a plugin 2 s after Shutdown; we promise well under that.
const SHUTDOWN_EXIT_LIMIT: Duration = Duration::from_secs(1);

async fn get_schema(channel: Channel) -> Result<get_provider_schema::Response, tonic::Status> {
    ProviderClient::new(channel)
        .get_schema(get_provider_schema::Request {})
        .await
        .map(tonic::Response::into_inner)
}

/// The real provider answers GetSchema with the `baidu` provider block.
fn assert_schema_answer(answer: &Result<get_provider_schema::Response, tonic::Status>) {
    let response = match answer {
        Ok(response) => response,
        Err(status) => panic!("GetSchema did not answer OK: {status:?}"),
    };
    let attributes: Vec<&str> = response
        .provider
        .as_ref()
        .and_then(|schema| schema.block.as_ref())
        .map(|block| block.attributes.iter().map(|a| a.name.as_str()).collect())
        .unwrap_or_default();
    for name in [
        "access_key",
        "secret_key",
        "session_token",
        "region",
        "endpoint",
    ] {
        assert!(
            attributes.contains(&name),
            "provider schema lacks {name}: {attributes:?}"
        );
    }
}

async fn health_of_plugin(channel: Channel) -> ServingStatus {
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: "plugin".to_owned(),
        })
        .await
        .unwrap()
        .into_inner();
    ServingStatus::try_from(response.status).unwrap()
}

/// True when the connection or the first RPC on it failed at the transport
/// level, i.e. the server never answered as gRPC.
async fn refused(channel: Result<Channel, tonic::transport::Error>) -> bool {
    let Ok(channel) = channel else {
        return true;
    };
    match get_schema(channel).await {
        Ok(_) => false,
        Err(status) => !matches!(status.code(), Code::Unimplemented | Code::Ok),
    }
}

fn assert_hclog_lines(lines: &[String]) {
    assert!(!lines.is_empty(), "expected some log lines on stderr");
    for line in lines {
        let value: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("stderr line is not JSON ({e}): {line}"));
        for key in ["@level", "@message", "@module", "@timestamp"] {
            assert!(
                value[key].is_string(),
                "{key} missing or not a string: {line}"
            );
        }
        let ts = value["@timestamp"].as_str().unwrap();
        assert_eq!(ts.len(), 27, "timestamp layout: {ts}");
        assert!(
            ts.ends_with('Z') && ts.as_bytes()[19] == b'.',
            "timestamp layout: {ts}"
        );
    }
}

#[tokio::test]
async fn terraform_style_launch_serves_mtls_and_exits_promptly_on_shutdown() {
    let client_cert = ClientCert::generate();
    let mut plugin = Launch::terraform(Some(&client_cert)).spawn();
    let handshake = plugin.handshake().await;

    assert_eq!(handshake.core_version, "1");
    assert_eq!(handshake.protocol_version, "5", "negotiated from 6,5");
    assert_eq!(handshake.network, "unix");
    assert_eq!(handshake.protocol, "grpc");
    assert!(
        !handshake.raw.ends_with('='),
        "no base64 padding: {}",
        handshake.raw
    );
    assert!(handshake.server_cert.as_ref().is_some_and(|c| c.len() > 50));
    let socket = socket_path(&handshake).unwrap();
    assert!(socket.starts_with(plugin.socket_dir.path()));

    let channel = connect_tls(&handshake, ClientAuth::Cert(&client_cert))
        .await
        .expect("mTLS connection with the pinned client certificate");
    assert_eq!(
        health_of_plugin(channel.clone()).await,
        ServingStatus::Serving
    );
    assert_schema_answer(&get_schema(channel.clone()).await);

    // Terraform opens the stdio stream right away; it must stay silent and
    // end when the server shuts down.
    let mut stdio = GrpcStdioClient::new(channel.clone())
        .stream_stdio(())
        .await
        .expect("GRPCStdio is served")
        .into_inner();

    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .expect("GRPCController.Shutdown answers");
    let status = plugin.wait_exit(SHUTDOWN_EXIT_LIMIT).await;
    assert!(
        status.is_some_and(|s| s.success()),
        "plugin must exit cleanly within {SHUTDOWN_EXIT_LIMIT:?} of Shutdown, got {status:?}"
    );
    match stdio.message().await {
        Ok(None) | Err(_) => {}
        Ok(Some(data)) => panic!("stdio stream must send nothing, got {data:?}"),
    }
    assert!(!socket.exists(), "socket file must be removed on exit");

    let stderr = plugin.stderr_after_exit().await;
    assert_hclog_lines(&stderr);
    assert!(
        stderr
            .iter()
            .any(|l| l.contains("serving plugin protocol 5") && l.contains("\"tls\":true")),
        "{stderr:#?}"
    );
}

#[tokio::test]
async fn a_different_client_certificate_is_refused() {
    let terraform_cert = ClientCert::generate();
    let impostor = ClientCert::generate();
    let mut plugin = Launch::terraform(Some(&terraform_cert)).spawn();
    let handshake = plugin.handshake().await;

    assert!(refused(connect_tls(&handshake, ClientAuth::Cert(&impostor)).await).await);
    assert!(refused(connect_tls(&handshake, ClientAuth::NoCert).await).await);

    // The server survives refused peers and still serves the real client.
    let channel = connect_tls(&handshake, ClientAuth::Cert(&terraform_cert))
        .await
        .unwrap();
    assert_schema_answer(&get_schema(channel.clone()).await);
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    assert!(plugin.wait_exit(SHUTDOWN_EXIT_LIMIT).await.is_some());
}

#[tokio::test]
async fn plaintext_is_refused_when_a_client_certificate_was_given() {
    let client_cert = ClientCert::generate();
    let mut plugin = Launch::terraform(Some(&client_cert)).spawn();
    let handshake = plugin.handshake().await;
    assert!(handshake.server_cert.is_some());

    assert!(refused(connect_plain(&handshake.network, &handshake.address).await).await);

    plugin.signal("TERM");
    let status = plugin.wait_exit(Duration::from_secs(10)).await;
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

#[tokio::test]
async fn without_a_client_certificate_it_serves_plaintext_and_prints_no_cert() {
    let mut plugin = Launch::terraform(None).spawn();
    let handshake = plugin.handshake().await;
    assert!(handshake.server_cert.is_none(), "{}", handshake.raw);
    assert!(handshake.raw.ends_with("|grpc"), "{}", handshake.raw);

    let channel = connect_plain(&handshake.network, &handshake.address)
        .await
        .unwrap();
    assert_eq!(
        health_of_plugin(channel.clone()).await,
        ServingStatus::Serving
    );
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    assert!(plugin
        .wait_exit(SHUTDOWN_EXIT_LIMIT)
        .await
        .is_some_and(|s| s.success()));
}

#[tokio::test]
async fn tcp_fallback_honours_the_port_range_and_still_does_mtls() {
    let client_cert = ClientCert::generate();
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let mut plugin = Launch::terraform(Some(&client_cert))
        // A socket directory that cannot exist makes the unix socket fail.
        .with_env(
            "PLUGIN_UNIX_SOCKET_DIR",
            "/nonexistent/terraform-provider-baidu",
        )
        .with_env("PLUGIN_MIN_PORT", &port.to_string())
        .with_env("PLUGIN_MAX_PORT", &port.to_string())
        .spawn();
    let handshake = plugin.handshake().await;
    assert_eq!(handshake.network, "tcp");
    assert_eq!(handshake.address, format!("127.0.0.1:{port}"));

    let channel = connect_tls(&handshake, ClientAuth::Cert(&client_cert))
        .await
        .unwrap();
    assert_schema_answer(&get_schema(channel.clone()).await);
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    assert!(plugin.wait_exit(SHUTDOWN_EXIT_LIMIT).await.is_some());
}

#[tokio::test]
async fn messages_above_tonics_4_mib_default_are_accepted() {
    let mut plugin = Launch::terraform(None).spawn();
    let handshake = plugin.handshake().await;
    let channel = connect_plain(&handshake.network, &handshake.address)
        .await
        .unwrap();
    let big = prepare_provider_config::Request {
        config: Some(DynamicValue {
            msgpack: vec![0xc0; 6 << 20],
            json: Vec::new(),
        }),
    };
    let status = ProviderClient::new(channel.clone())
        .max_encoding_message_size(usize::MAX)
        .prepare_provider_config(big)
        .await
        .err();
    // Decoding happens before the (stub) handler runs: a 4 MiB limit would
    // answer OUT_OF_RANGE/RESOURCE_EXHAUSTED instead.
    assert!(
        status
            .as_ref()
            .is_none_or(|s| s.code() == Code::Unimplemented),
        "{status:?}"
    );
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    assert!(plugin.wait_exit(SHUTDOWN_EXIT_LIMIT).await.is_some());
}

#[tokio::test]
async fn sigint_is_ignored_while_managed() {
    let client_cert = ClientCert::generate();
    let mut plugin = Launch::terraform(Some(&client_cert)).spawn();
    let handshake = plugin.handshake().await;
    let channel = connect_tls(&handshake, ClientAuth::Cert(&client_cert))
        .await
        .unwrap();

    plugin.signal("INT");
    assert_eq!(
        health_of_plugin(channel.clone()).await,
        ServingStatus::Serving
    );
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .unwrap();
    let status = plugin.wait_exit(SHUTDOWN_EXIT_LIMIT).await;
    // Killed by SIGINT would show as a signal, not exit code 0.
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{status:?}");
}

#[tokio::test]
async fn without_the_magic_cookie_it_explains_and_exits_1() {
    let output = std::process::Command::new(BINARY)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "nothing on stdout");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("This binary is a plugin. These are not meant to be executed directly."),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_client_without_protocol_5_gets_a_clear_error_and_no_handshake() {
    let output = std::process::Command::new(BINARY)
        .env("TF_PLUGIN_MAGIC_COOKIE", transport_support::MAGIC_COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty(), "no handshake line");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<String> = stderr.lines().map(str::to_owned).collect();
    assert_hclog_lines(&lines);
    assert!(stderr.contains("\"@level\":\"error\""), "{stderr}");
    assert!(stderr.contains("only protocol 5"), "{stderr}");
}

#[tokio::test]
async fn version_flag_prints_name_and_version() {
    let output = std::process::Command::new(BINARY)
        .arg("--version")
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        format!("terraform-provider-baidu {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn debug_mode_prints_reattach_json_serves_plaintext_and_stops_on_ctrl_c() {
    // A client cert in the environment must not switch debug mode to TLS:
    // Terraform dials reattached providers in plaintext.
    let stray_cert = ClientCert::generate();
    let mut launch = Launch::terraform(Some(&stray_cert));
    launch.cookie = false;
    launch.args = vec!["--debug".to_owned()];
    let mut plugin = launch.spawn();

    let first = plugin.stdout_line().await;
    assert_eq!(
        first,
        "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS environment variable with the following:"
    );
    let reattach_line = loop {
        let line = plugin.stdout_line().await;
        if !line.trim().is_empty() {
            break line;
        }
    };
    let json = reattach_line
        .strip_prefix("\tTF_REATTACH_PROVIDERS='")
        .and_then(|rest| rest.strip_suffix('\''))
        .unwrap_or_else(|| panic!("unexpected reattach line {reattach_line:?}"));
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    let entry = &value["registry.terraform.io/baidu/baidu"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 5);
    assert_eq!(entry["Pid"], plugin.pid());
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Addr"]["Network"], "unix");
    let address = entry["Addr"]["String"].as_str().unwrap().to_owned();
    assert!(std::path::Path::new(&address).starts_with(plugin.socket_dir.path()));

    let channel = connect_plain("unix", &address).await.unwrap();
    assert_eq!(
        health_of_plugin(channel.clone()).await,
        ServingStatus::Serving
    );
    assert_schema_answer(&get_schema(channel).await);

    plugin.signal("INT");
    let status = plugin.wait_exit(Duration::from_secs(10)).await;
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    assert!(!std::path::Path::new(&address).exists(), "socket removed");
}

#[test]
fn handshake_parser_rejects_padding() {
    // Guards the helper itself: a padded cert field must fail to parse, as in go-plugin.
    let padded = "1|5|unix|/tmp/x|grpc|+/8=";
    assert!(std::panic::catch_unwind(|| Handshake::parse(padded)).is_err());
}
