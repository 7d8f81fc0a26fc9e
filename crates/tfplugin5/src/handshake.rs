//! go-plugin's process contract: the magic cookie, protocol-version
//! negotiation and the single handshake line printed on stdout.
//!
//! Everything here mirrors hashicorp/go-plugin `server.go` `Serve` as
//! Terraform and OpenTofu drive it (hashicorp/go-plugin `server.go`,
//! `client.go`; terraform's `internal/plugin/serve.go` handshake config).

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;

use base64::Engine as _;

/// Name of the environment variable Terraform sets to prove it launched us.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// Value Terraform (and OpenTofu) put in [`MAGIC_COOKIE_KEY`].
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// go-plugin's core protocol version, the first field of the handshake line.
pub const CORE_PROTOCOL_VERSION: u32 = 1;
/// The one application protocol this server speaks: plugin protocol 5.
pub const PROTOCOL_VERSION: u32 = 5;

/// What a go-plugin server says when run by hand (go-plugin prints it over
/// three lines; we keep it on one so it reads as a single log line too).
pub const NOT_A_PLUGIN_MESSAGE: &str = "This binary is a plugin. These are not meant to be \
executed directly. Please execute the program that consumes these plugins, which will load \
any plugins automatically";

/// Environment variables go-plugin's client sets for the plugin process.
pub mod env {
    /// Comma-separated application protocol versions the client accepts.
    pub const PROTOCOL_VERSIONS: &str = "PLUGIN_PROTOCOL_VERSIONS";
    /// PEM of the client's self-signed certificate; present when AutoMTLS is on.
    pub const CLIENT_CERT: &str = "PLUGIN_CLIENT_CERT";
    /// Directory for the unix socket (else the OS temp dir).
    pub const UNIX_SOCKET_DIR: &str = "PLUGIN_UNIX_SOCKET_DIR";
    /// Lowest TCP port to try when listening on TCP.
    pub const MIN_PORT: &str = "PLUGIN_MIN_PORT";
    /// Highest TCP port to try when listening on TCP.
    pub const MAX_PORT: &str = "PLUGIN_MAX_PORT";
}

/// Why the handshake could not be completed.
#[derive(Debug, thiserror::Error)]
pub enum HandshakeError {
    /// Started without Terraform's magic cookie, most likely by hand.
    #[error("{NOT_A_PLUGIN_MESSAGE}")]
    MissingMagicCookie,
    /// The client does not accept protocol 5.
    #[error(
        "the plugin client accepts plugin protocol versions [{offered}] \
         ({PROTOCOL_VERSIONS_VAR}), but this provider speaks only protocol {PROTOCOL_VERSION}"
    )]
    UnsupportedProtocolVersions {
        /// The raw `PLUGIN_PROTOCOL_VERSIONS` value.
        offered: String,
    },
    /// Writing the handshake line to stdout failed.
    #[error("cannot write the plugin handshake line to stdout: {0}")]
    Announce(#[source] io::Error),
}

const PROTOCOL_VERSIONS_VAR: &str = env::PROTOCOL_VERSIONS;

/// The plugin-related environment, read once at start.
#[derive(Clone, Default)]
pub struct PluginEnv {
    /// `TF_PLUGIN_MAGIC_COOKIE`.
    pub magic_cookie: Option<OsString>,
    /// `PLUGIN_PROTOCOL_VERSIONS`.
    pub protocol_versions: Option<String>,
    /// `PLUGIN_CLIENT_CERT` (PEM), if non-empty.
    pub client_cert_pem: Option<String>,
    /// `PLUGIN_UNIX_SOCKET_DIR`, if non-empty.
    pub unix_socket_dir: Option<PathBuf>,
    /// `PLUGIN_MIN_PORT`.
    pub min_port: Option<String>,
    /// `PLUGIN_MAX_PORT`.
    pub max_port: Option<String>,
}

impl PluginEnv {
    /// Reads the variables from this process's environment.
    pub fn from_process() -> Self {
        let non_empty = |key: &str| std::env::var(key).ok().filter(|v| !v.trim().is_empty());
        PluginEnv {
            magic_cookie: std::env::var_os(MAGIC_COOKIE_KEY),
            protocol_versions: non_empty(env::PROTOCOL_VERSIONS),
            client_cert_pem: non_empty(env::CLIENT_CERT),
            unix_socket_dir: std::env::var_os(env::UNIX_SOCKET_DIR)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            min_port: non_empty(env::MIN_PORT),
            max_port: non_empty(env::MAX_PORT),
        }
    }
}

impl fmt::Debug for PluginEnv {
    // The client certificate is public, but printing a PEM blob makes logs unreadable.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginEnv")
            .field("magic_cookie_set", &self.magic_cookie.is_some())
            .field("protocol_versions", &self.protocol_versions)
            .field(
                "client_cert",
                &self.client_cert_pem.as_ref().map(|_| "<pem>"),
            )
            .field("unix_socket_dir", &self.unix_socket_dir)
            .field("min_port", &self.min_port)
            .field("max_port", &self.max_port)
            .finish()
    }
}

/// Fails unless the magic cookie carries Terraform's value. This is a UX
/// guard against running the binary by hand, not a security check.
pub fn check_magic_cookie(value: Option<&OsStr>) -> Result<(), HandshakeError> {
    match value {
        Some(v) if v == MAGIC_COOKIE_VALUE => Ok(()),
        _ => Err(HandshakeError::MissingMagicCookie),
    }
}

/// Picks the application protocol version from `PLUGIN_PROTOCOL_VERSIONS`.
///
/// An absent or empty list means a client older than version negotiation,
/// which expects the server's default; entries that are not numbers are
/// skipped (go-plugin logs and skips them too).
pub fn negotiate_protocol_version(offered: Option<&str>) -> Result<u32, HandshakeError> {
    let Some(list) = offered.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok(PROTOCOL_VERSION);
    };
    let accepts_ours = list
        .split(',')
        .any(|entry| match entry.trim().parse::<u32>() {
            Ok(version) => version == PROTOCOL_VERSION,
            Err(_) => {
                tracing::warn!(
                    entry,
                    "ignoring a non-numeric entry in {PROTOCOL_VERSIONS_VAR}"
                );
                false
            }
        });
    if accepts_ours {
        Ok(PROTOCOL_VERSION)
    } else {
        Err(HandshakeError::UnsupportedProtocolVersions {
            offered: list.to_owned(),
        })
    }
}

/// Where the server listens, as advertised to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListenAddr {
    /// A unix domain socket at this path.
    Unix(PathBuf),
    /// A loopback TCP address.
    Tcp(SocketAddr),
}

impl ListenAddr {
    /// go-plugin's network name: `unix` or `tcp`.
    pub fn network(&self) -> &'static str {
        match self {
            ListenAddr::Unix(_) => "unix",
            ListenAddr::Tcp(_) => "tcp",
        }
    }

    /// The address as the client dials it (socket path or `ip:port`).
    pub fn address(&self) -> String {
        match self {
            ListenAddr::Unix(path) => path.display().to_string(),
            ListenAddr::Tcp(addr) => addr.to_string(),
        }
    }
}

impl fmt::Display for ListenAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.network(), self.address())
    }
}

/// The line go-plugin's client reads from the plugin's stdout:
/// `CORE|APP|NETWORK|ADDR|grpc[|CERT]`.
#[derive(Debug, Clone)]
pub struct HandshakeLine<'a> {
    /// Negotiated application protocol version (always 5 here).
    pub protocol_version: u32,
    /// Where we listen.
    pub addr: &'a ListenAddr,
    /// DER of the server certificate when serving AutoMTLS.
    pub server_cert_der: Option<&'a [u8]>,
}

impl fmt::Display for HandshakeLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{CORE_PROTOCOL_VERSION}|{}|{}|{}|grpc",
            self.protocol_version,
            self.addr.network(),
            self.addr.address()
        )?;
        if let Some(der) = self.server_cert_der {
            // The client decodes with base64.RawStdEncoding: padding would make it fail.
            let cert = base64::engine::general_purpose::STANDARD_NO_PAD.encode(der);
            write!(f, "|{cert}")?;
        }
        // A 7th field exists only for PLUGIN_MULTIPLEX_GRPC, which Terraform never sets,
        // and old clients split with SplitN(line, "|", 6): never append one.
        Ok(())
    }
}

/// Prints the handshake line on stdout and flushes. Must be the only thing
/// this process ever writes to stdout in managed mode.
pub fn announce(line: &HandshakeLine<'_>) -> Result<(), HandshakeError> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(HandshakeError::Announce)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_must_match_exactly() {
        assert!(check_magic_cookie(Some(OsStr::new(MAGIC_COOKIE_VALUE))).is_ok());
        assert!(matches!(
            check_magic_cookie(None),
            Err(HandshakeError::MissingMagicCookie)
        ));
        assert!(check_magic_cookie(Some(OsStr::new("d602bf8f"))).is_err());
        let msg = HandshakeError::MissingMagicCookie.to_string();
        assert!(msg.starts_with("This binary is a plugin."), "{msg}");
        assert!(!msg.contains('\n'));
    }

    #[test]
    fn negotiation_picks_five_from_any_order() {
        assert_eq!(negotiate_protocol_version(Some("6,5")).ok(), Some(5));
        assert_eq!(negotiate_protocol_version(Some("5,6")).ok(), Some(5));
        assert_eq!(negotiate_protocol_version(Some(" 5 ")).ok(), Some(5));
        assert_eq!(negotiate_protocol_version(Some("x,5")).ok(), Some(5));
        assert_eq!(negotiate_protocol_version(None).ok(), Some(5));
        assert_eq!(negotiate_protocol_version(Some("")).ok(), Some(5));
    }

    #[test]
    fn negotiation_rejects_lists_without_five() {
        let err = negotiate_protocol_version(Some("6")).err();
        let Some(HandshakeError::UnsupportedProtocolVersions { offered }) = err else {
            panic!("expected UnsupportedProtocolVersions, got {err:?}");
        };
        assert_eq!(offered, "6");
        assert!(negotiate_protocol_version(Some("4,6")).is_err());
        let text = negotiate_protocol_version(Some("6"))
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("[6]") && text.contains("protocol 5"),
            "{text}"
        );
    }

    #[test]
    fn line_formats_for_unix_and_tcp() {
        let unix = ListenAddr::Unix(PathBuf::from("/tmp/plugin123"));
        let line = HandshakeLine {
            protocol_version: 5,
            addr: &unix,
            server_cert_der: None,
        };
        assert_eq!(line.to_string(), "1|5|unix|/tmp/plugin123|grpc");

        let tcp = ListenAddr::Tcp("127.0.0.1:10001".parse().unwrap());
        let line = HandshakeLine {
            protocol_version: 5,
            addr: &tcp,
            server_cert_der: Some(&[0xfb, 0xff]),
        };
        // "+/8=" padded in StdEncoding; RawStdEncoding drops the '='.
        assert_eq!(line.to_string(), "1|5|tcp|127.0.0.1:10001|grpc|+/8");
    }
}
