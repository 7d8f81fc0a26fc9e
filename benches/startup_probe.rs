//! Start-up probe: launches provider plugins the way Terraform does (magic
//! cookie, protocol versions, AutoMTLS with a P-521 client certificate) and
//! times process spawn → handshake line → first GetSchema answer; a floor
//! command (e.g. `/bin/true`) is timed from spawn to exit with the same
//! spawning code.
//!
//! A test-support tool, not a benchmark with its own verdict: `benches/e2e.py`
//! runs it and does the statistics. Targets are measured round-robin (the
//! order rotates each round) so load from other processes hits them alike.
//!
//! ```text
//! startup_probe [--runs N] [--warmup W] [--floor NAME=PATH]... [--plugin NAME=PATH]...
//! ```
//!
//! stdout: one JSON object per measured run:
//! `{"target":"ours","round":3,"total_ms":4.0,"handshake_ms":2.1,"connected_ms":3.5,"hwm_kb":9000}`
//! (`handshake_ms`: handshake line read; `connected_ms`: TLS and HTTP/2 set
//! up; `second_call_ms`: a second GetSchema on the warm connection, not
//! part of the total; these and `hwm_kb` only for plugins; `hwm_kb` is the plugin's
//! VmHWM right after its GetSchema answer). `--plugin NAME=PATH` with no
//! floor also works as a one-off check that PATH starts as a plugin.

#[path = "../tests/transport_support/mod.rs"]
mod transport_support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _};
use tfplugin5::proto::tfplugin5::get_provider_schema;
use tfplugin5::proto::tfplugin5::provider_client::ProviderClient;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;
use transport_support::{
    connect_plain, connect_tls, ClientAuth, ClientCert, Handshake, MAGIC_COOKIE,
};

/// go-plugin gives a plugin a minute; we give up much sooner.
const LIMIT: Duration = Duration::from_secs(20);

#[derive(Clone)]
enum Kind {
    /// Timed from spawn to exit.
    Floor,
    /// Timed from spawn to the GetSchema answer.
    Plugin,
}

#[derive(Clone)]
struct Target {
    name: String,
    path: String,
    kind: Kind,
}

struct Sample {
    /// A second GetSchema on the warm connection (not part of `total`).
    second: Option<Duration>,
    answer_bytes: Option<usize>,
    handshake: Option<Duration>,
    /// TLS (mTLS with the P-521 client certificate) and HTTP/2 set up.
    connected: Option<Duration>,
    total: Duration,
    hwm_kb: Option<u64>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

async fn run_floor(target: &Target) -> anyhow::Result<Sample> {
    let started = Instant::now();
    let mut child = Command::new(&target.path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("spawning {}", target.path))?;
    let mut stdout = child.stdout.take().context("stdout")?;
    let mut sink = Vec::new();
    stdout.read_to_end(&mut sink).await?;
    let status = child.wait().await?;
    let total = started.elapsed();
    if !status.success() {
        bail!("{} exited with {status}", target.path);
    }
    Ok(Sample {
        second: None,
        answer_bytes: None,
        handshake: None,
        connected: None,
        total,
        hwm_kb: None,
    })
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn run_plugin(target: &Target, cert: &ClientCert) -> anyhow::Result<Sample> {
    let started = Instant::now();
    // What Terraform's go-plugin client sets (no TF_LOG: logging at its default).
    let mut child = Command::new(&target.path)
        .env_remove("TF_LOG")
        .env_remove("TF_LOG_PROVIDER")
        .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "5")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_CLIENT_CERT", &cert.pem)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("spawning {}", target.path))?;
    let pid = child.id().context("pid")?;
    let mut stdout = BufReader::new(child.stdout.take().context("stdout")?).lines();
    let line = tokio::time::timeout(LIMIT, stdout.next_line())
        .await
        .map_err(|_| anyhow!("{}: no handshake line within {LIMIT:?}", target.name))??
        .ok_or_else(|| anyhow!("{}: stdout closed before the handshake", target.name))?;
    let handshake_at = started.elapsed();
    let handshake = Handshake::parse(&line);
    let channel = if handshake.server_cert.is_some() {
        connect_tls(&handshake, ClientAuth::Cert(cert)).await?
    } else {
        connect_plain(&handshake.network, &handshake.address).await?
    };
    let connected_at = started.elapsed();
    let mut client = ProviderClient::new(channel);
    let answer = tokio::time::timeout(LIMIT, client.get_schema(get_provider_schema::Request {}))
        .await
        .map_err(|_| anyhow!("{}: no GetSchema answer within {LIMIT:?}", target.name))??
        .into_inner();
    let total = started.elapsed();
    // Not part of the start-up: a second call on the warm connection, to
    // tell first-call costs from the round trip itself.
    let again = Instant::now();
    client
        .get_schema(get_provider_schema::Request {})
        .await
        .map_err(|status| anyhow!("{}: second GetSchema: {status}", target.name))?;
    let second = again.elapsed();
    let answer_bytes = prost::Message::encoded_len(&answer);
    if answer.provider.is_none() {
        bail!(
            "{}: GetSchema answer without a provider schema",
            target.name
        );
    }
    let hwm_kb = vm_hwm_kb(pid);
    // Not timed: Terraform would call Shutdown; a kill frees the slot at once.
    child.kill().await?;
    Ok(Sample {
        second: Some(second),
        answer_bytes: Some(answer_bytes),
        handshake: Some(handshake_at),
        connected: Some(connected_at),
        total,
        hwm_kb,
    })
}

fn parse_target(spec: &str, kind: Kind) -> anyhow::Result<Target> {
    let (name, path) = spec
        .split_once('=')
        .ok_or_else(|| anyhow!("expected NAME=PATH, got {spec:?}"))?;
    Ok(Target {
        name: name.to_owned(),
        path: path.to_owned(),
        kind,
    })
}

fn main() -> anyhow::Result<()> {
    let mut runs = 20usize;
    let mut warmup = 2usize;
    let mut targets = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow!("{arg} needs a value"));
        match arg.as_str() {
            "--bench" => {} // what `cargo bench` passes
            "--runs" => runs = value()?.parse()?,
            "--warmup" => warmup = value()?.parse()?,
            "--floor" => targets.push(parse_target(&value()?, Kind::Floor)?),
            "--plugin" => targets.push(parse_target(&value()?, Kind::Plugin)?),
            other => {
                bail!("unknown argument {other:?} (see the header of benches/startup_probe.rs)")
            }
        }
    }
    if targets.is_empty() {
        // `cargo bench` with no arguments: our provider against /bin/true.
        targets.push(parse_target("true=/bin/true", Kind::Floor)?);
        targets.push(parse_target(
            &format!("ours={}", transport_support::BINARY),
            Kind::Plugin,
        )?);
    }
    tfplugin5::tls::install_default_crypto_provider();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        // Terraform makes one client certificate per run, before any plugin starts.
        let cert = ClientCert::generate();
        for round in 0..warmup + runs {
            for k in 0..targets.len() {
                let target = &targets[(round + k) % targets.len()];
                let sample = match target.kind {
                    Kind::Floor => run_floor(target).await?,
                    Kind::Plugin => run_plugin(target, &cert).await?,
                };
                if round < warmup {
                    continue;
                }
                let mut line = format!(
                    "{{\"target\":{},\"round\":{},\"total_ms\":{:.3}",
                    serde_json::to_string(&target.name)?,
                    round - warmup,
                    ms(sample.total)
                );
                if let Some(h) = sample.handshake {
                    line.push_str(&format!(",\"handshake_ms\":{:.3}", ms(h)));
                }
                if let Some(c) = sample.connected {
                    line.push_str(&format!(",\"connected_ms\":{:.3}", ms(c)));
                }
                if let Some(d) = sample.second {
                    line.push_str(&format!(",\"second_call_ms\":{:.3}", ms(d)));
                }
                if let Some(n) = sample.answer_bytes {
                    line.push_str(&format!(",\"answer_bytes\":{n}"));
                }
                if let Some(kb) = sample.hwm_kb {
                    line.push_str(&format!(",\"hwm_kb\":{kb}"));
                }
                line.push('}');
                println!("{line}");
            }
        }
        Ok(())
    })
}
