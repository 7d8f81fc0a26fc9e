//! The `baidu-vpc-emulator` command line: flags, help text, the startup banner.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::config::{AuthMode, EmulatorConfig};
use super::error::EmulatorError;

pub const HELP: &str = "\
baidu-vpc-emulator - a local emulator of Baidu AI Cloud's VPC peering connection API

USAGE:
    baidu-vpc-emulator [OPTIONS]

The first line on stdout is exactly `listening on http://HOST:PORT`; the next
lines print the accounts (and, for the built-in demo accounts, their keys).
Logs, one line per request, go to stderr. Point clients at the printed URL
(provider \"baidu\" { endpoint = \"http://127.0.0.1:PORT\" }). The admin API lives
under /__emulator/ (see docs/guides/emulator.md).

OPTIONS:
    --listen ADDR            Address to bind [default: 127.0.0.1:0, a free port].
                             Only loopback addresses unless --allow-non-loopback.
    --allow-non-loopback     Permit --listen on a non-loopback address (the
                             emulator has an unauthenticated admin API).
    --config FILE            TOML (.toml) or JSON (.json) configuration: accounts,
                             VPCs, relay VPCs, quotas, timing, auth, seed. Without
                             it the demo accounts are used.
    --state-file FILE        Persist state to FILE (atomic rewrite after each
                             change, loaded at start). Default: in memory only.
    --seed N                 Seed for generated ids and probabilistic faults.
    --auth MODE              verify (default): check every bce-auth-v1 signature;
                             off: trust the access key without checking the
                             signature (quick curl experiments).
    --timing NAME=DURATION   Duration of a transition; repeatable. NAME is one of
                             creating, updating, deleting, dns_wait, dns_syncing,
                             dns_closing, consult_timeout, all. DURATION like
                             500ms, 1s, 2m, 7d, 0, or stuck (never completes).
                             Defaults: creating/updating/deleting 1s, dns_wait
                             500ms, dns_syncing 500ms, dns_closing 1s,
                             consult_timeout 7d.
    --quota-per-vpc N        Peer connections per VPC [default: 10].
    --quota-per-account N    Peer connections an account may initiate [default: 10].
    --relay-vpc VPC_ID       Mark a configured VPC as a relay (transit) VPC; repeatable.
    --region CODE            Act as the endpoint of one region, as Baidu's are: VPCs
                             and peerings of other regions are not found. Default:
                             every region on one listener.
    --request-log-size N     Requests kept for GET /__emulator/requests [default: 10000].
    --quiet                  Do not log one line per request on stderr.
    -h, --help               Print this help.
    -V, --version            Print the version.
";

/// Parsed command-line options.
#[derive(Debug, Clone, PartialEq)]
pub struct CliOptions {
    pub listen: SocketAddr,
    pub allow_non_loopback: bool,
    pub config: Option<PathBuf>,
    pub state_file: Option<PathBuf>,
    pub seed: Option<u64>,
    pub auth: Option<AuthMode>,
    pub timing: Vec<String>,
    pub quota_per_vpc: Option<usize>,
    pub quota_per_account: Option<usize>,
    pub relay_vpcs: Vec<String>,
    pub region: Option<String>,
    pub request_log_size: Option<usize>,
    pub quiet: bool,
}

impl Default for CliOptions {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            allow_non_loopback: false,
            config: None,
            state_file: None,
            seed: None,
            auth: None,
            timing: Vec::new(),
            quota_per_vpc: None,
            quota_per_account: None,
            relay_vpcs: Vec::new(),
            region: None,
            request_log_size: None,
            quiet: false,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum CliCommand {
    Run(Box<CliOptions>),
    Help,
    Version,
}

fn number<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
    v.parse()
        .map_err(|_| format!("{flag}: expected a number, got {v:?}"))
}

/// Parses the arguments (without the program name). Accepts `--flag value`
/// and `--flag=value`.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<CliCommand, String> {
    let mut o = CliOptions::default();
    let mut it = args.into_iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it.next().ok_or_else(|| format!("{name} needs a value")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(CliCommand::Help),
            "-V" | "--version" => return Ok(CliCommand::Version),
            "--listen" => {
                let v = value("--listen")?;
                o.listen = v
                    .parse()
                    .map_err(|_| format!("--listen: expected HOST:PORT, got {v:?}"))?;
            }
            "--allow-non-loopback" => o.allow_non_loopback = true,
            "--config" => o.config = Some(PathBuf::from(value("--config")?)),
            "--state-file" => o.state_file = Some(PathBuf::from(value("--state-file")?)),
            "--seed" => o.seed = Some(number("--seed", &value("--seed")?)?),
            "--auth" => {
                o.auth = Some(match value("--auth")?.as_str() {
                    "verify" => AuthMode::Verify,
                    "off" => AuthMode::Off,
                    other => return Err(format!("--auth: expected verify or off, got {other:?}")),
                })
            }
            "--timing" => o.timing.push(value("--timing")?),
            "--quota-per-vpc" => {
                o.quota_per_vpc = Some(number("--quota-per-vpc", &value("--quota-per-vpc")?)?)
            }
            "--quota-per-account" => {
                o.quota_per_account = Some(number(
                    "--quota-per-account",
                    &value("--quota-per-account")?,
                )?)
            }
            "--relay-vpc" => o.relay_vpcs.push(value("--relay-vpc")?),
            "--region" => o.region = Some(value("--region")?),
            "--request-log-size" => {
                o.request_log_size =
                    Some(number("--request-log-size", &value("--request-log-size")?)?)
            }
            "--quiet" => o.quiet = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if !o.listen.ip().is_loopback() && !o.allow_non_loopback {
        return Err(format!(
            "--listen {} is not a loopback address; add --allow-non-loopback if you mean it",
            o.listen
        ));
    }
    Ok(CliCommand::Run(Box::new(o)))
}

/// The configuration: file (or demo), then flags on top.
pub fn build_config(o: &CliOptions) -> Result<EmulatorConfig, EmulatorError> {
    let mut c = match &o.config {
        Some(p) => EmulatorConfig::from_file(p)?,
        None => EmulatorConfig::demo(),
    };
    if let Some(p) = &o.state_file {
        c.state_file = Some(p.clone());
    }
    if let Some(s) = o.seed {
        c.seed = Some(s);
    }
    if let Some(a) = o.auth {
        c.auth = a;
    }
    for t in &o.timing {
        c.timing
            .apply_assignment(t)
            .map_err(|e| EmulatorError::ConfigInvalid(format!("--timing: {e}")))?;
    }
    if let Some(n) = o.quota_per_vpc {
        c.quotas.per_vpc = n;
    }
    if let Some(n) = o.quota_per_account {
        c.quotas.per_account = n;
    }
    for v in &o.relay_vpcs {
        c.set_relay(v)?;
    }
    if let Some(n) = o.request_log_size {
        c.request_log_size = n;
    }
    if let Some(r) = &o.region {
        c.region = Some(r.clone());
    }
    c.validate()?;
    Ok(c)
}

/// Stdout lines at start: the address first (scripts parse it), then accounts.
/// Secret keys are printed only for the built-in demo accounts, whose keys are public.
pub fn banner(addr: SocketAddr, c: &EmulatorConfig) -> Vec<String> {
    let mut lines = vec![format!("listening on http://{addr}")];
    let demo = c.is_demo_accounts();
    for a in &c.accounts {
        let vpcs: Vec<String> = a
            .vpcs
            .iter()
            .map(|v| {
                format!(
                    "{}({}{})",
                    v.id,
                    v.region,
                    if v.relay { ",relay" } else { "" }
                )
            })
            .collect();
        let secret = if demo {
            a.secret_key.as_str()
        } else {
            "(from config)"
        };
        lines.push(format!(
            "account {} id={} access_key={} secret_key={} vpcs={}",
            a.name,
            a.id,
            a.access_key,
            secret,
            vpcs.join(",")
        ));
    }
    lines.push(format!(
        "auth={} state_file={}",
        match c.auth {
            AuthMode::Verify => "verify",
            AuthMode::Off => "off",
        },
        c.state_file
            .as_ref()
            .map_or("(memory)".to_string(), |p| p.display().to_string())
    ));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Result<CliCommand, String> {
        parse_args(s.split_whitespace().map(String::from))
    }

    #[test]
    fn parses_flags() {
        let CliCommand::Run(o) = args(
            "--listen 127.0.0.1:8080 --seed=3 --auth off --timing creating=stuck \
             --timing all=0 --relay-vpc vpc-demobj000001 --quota-per-vpc 2 --quiet",
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(o.listen.port(), 8080);
        assert_eq!(o.seed, Some(3));
        let c = build_config(&o).unwrap();
        assert_eq!(c.auth, AuthMode::Off);
        assert_eq!(c.timing.creating, crate::Delay::After(0));
        assert!(c.accounts[0].vpcs[0].relay);
        assert_eq!(c.quotas.per_vpc, 2);
        assert_eq!(args("--help").unwrap(), CliCommand::Help);
        assert_eq!(args("-V").unwrap(), CliCommand::Version);
        assert!(args("--listen 0.0.0.0:1").is_err());
        assert!(args("--listen 0.0.0.0:1 --allow-non-loopback").is_ok());
        assert!(args("--bogus").is_err());
        assert!(args("--seed").is_err());
        let CliCommand::Run(o) = args("--timing nope=1s").unwrap() else {
            panic!()
        };
        assert!(build_config(&o).is_err());
    }

    #[test]
    fn banner_starts_with_the_address_and_shows_demo_keys() {
        let c = EmulatorConfig::demo();
        let lines = banner("127.0.0.1:4567".parse().unwrap(), &c);
        assert_eq!(lines[0], "listening on http://127.0.0.1:4567");
        assert!(lines[1].contains("access_key=DEMOAK00000000000000000000000001"));
        assert!(lines[1].contains("secret_key=DEMOSK00000000000000000000000001"));
        let mut custom = c.clone();
        custom.accounts[0].secret_key = "private".into();
        let lines = banner("127.0.0.1:1".parse().unwrap(), &custom);
        assert!(lines.iter().all(|l| !l.contains("private")));
    }

    #[test]
    fn help_mentions_every_flag() {
        for flag in [
            "--listen",
            "--allow-non-loopback",
            "--config",
            "--state-file",
            "--seed",
            "--auth",
            "--timing",
            "--quota-per-vpc",
            "--quota-per-account",
            "--relay-vpc",
            "--request-log-size",
            "--quiet",
            "--help",
            "--version",
        ] {
            assert!(HELP.contains(flag), "{flag}");
        }
    }
}
