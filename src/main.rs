//! `terraform-provider-baidu`: the plugin binary Terraform launches.
//!
//! Serves the `baidu` provider (`tfbaidu::grpc_service`) over the
//! protocol-5 transport.

use std::process::ExitCode;

use tfplugin5::{logging, tls, ServeMode, ServeOptions};

/// Source address Terraform resolves `baidu/baidu` to; the reattach key.
const PROVIDER_ADDRESS: &str = "registry.terraform.io/baidu/baidu";
/// Provider type name (selects `TF_LOG_PROVIDER_BAIDU`).
const PROVIDER_NAME: &str = "baidu";
const BINARY: &str = "terraform-provider-baidu";

const USAGE: &str = "\
Usage: terraform-provider-baidu [--debug | --version | --help]

Terraform / OpenTofu provider for Baidu AI Cloud VPC peering connections.
Terraform starts this binary itself; running it by hand only makes sense with:

  --debug     serve in the foreground (plaintext, no TLS) and print the
              TF_REATTACH_PROVIDERS value to export for Terraform; Ctrl-C stops
  --version   print the version and exit
  --help      print this help and exit

Logs are hclog JSON lines on stderr; the level comes from
TF_LOG_PROVIDER_BAIDU, TF_LOG_PROVIDER or TF_LOG (trace, debug, info, warn, error).";

enum Command {
    Serve(ServeMode),
    Version,
    Help,
}

fn parse_args(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut command = Command::Serve(ServeMode::Managed);
    for arg in args {
        command = match arg.as_str() {
            "--debug" | "-debug" => Command::Serve(ServeMode::Debug),
            "--version" | "-version" | "-v" => return Ok(Command::Version),
            "--help" | "-help" | "-h" => return Ok(Command::Help),
            other => return Err(format!("unknown argument {other:?}")),
        };
    }
    Ok(command)
}

// One thread: the provider's work is I/O-bound, and a multi-thread runtime
// costs start-up time (a worker per core, cgroup reads to count cores) and
// cross-thread wake-ups on every RPC; Terraform starts the provider several
// times per command (BENCHMARKS.md).
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    // In managed mode stdout carries only the handshake line, so everything
    // here that prints to stdout happens only for hand-run flags.
    let mode = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Serve(mode)) => mode,
        Ok(Command::Version) => {
            println!("{BINARY} {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("{BINARY}: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let mut own_crates = tfbaidu::LOG_CRATES.to_vec();
    own_crates.push(env!("CARGO_CRATE_NAME"));
    let log_config = logging::LogConfig::from_env(PROVIDER_NAME, &own_crates);
    if let Err(error) = logging::init(&log_config) {
        eprintln!("{BINARY}: {error}");
        return ExitCode::FAILURE;
    }
    tls::install_default_crypto_provider();

    let options = match mode {
        ServeMode::Managed => ServeOptions::managed(PROVIDER_ADDRESS),
        ServeMode::Debug => ServeOptions::debug(PROVIDER_ADDRESS),
    };
    let service = match tfbaidu::grpc_service() {
        Ok(service) => service,
        Err(error) => {
            tracing::error!(error = %error, "the provider definition is invalid");
            return ExitCode::FAILURE;
        }
    };
    let result = tfplugin5::serve(service, options).await;

    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is_missing_magic_cookie() => {
            // Someone ran the binary by hand: a plain sentence, not a log line.
            eprintln!("{error}");
            ExitCode::FAILURE
        }
        Err(error) => {
            tracing::error!(
                error = &error as &dyn std::error::Error,
                "provider server failed"
            );
            ExitCode::FAILURE
        }
    }
}
