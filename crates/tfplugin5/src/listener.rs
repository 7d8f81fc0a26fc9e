//! The server's listening socket: a unix socket like go-plugin on unix
//! systems, else loopback TCP within `PLUGIN_MIN_PORT..=PLUGIN_MAX_PORT`.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use tokio::net::TcpListener;
#[cfg(unix)]
use tokio::net::UnixListener;

use super::conn::RawConn;
use super::handshake::ListenAddr;

/// Which transports to try, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Network {
    /// A unix socket where the platform has them, falling back to TCP when
    /// the socket cannot be created (go-plugin's choice on non-Windows).
    #[default]
    UnixThenTcp,
    /// Loopback TCP only.
    Tcp,
}

/// Where and how to listen.
#[derive(Debug, Clone, Default)]
pub struct ListenConfig {
    /// Transport preference.
    pub network: Network,
    /// Directory for the unix socket; the OS temp dir when `None`.
    pub unix_socket_dir: Option<PathBuf>,
    /// TCP ports to try.
    pub ports: PortRange,
}

/// Inclusive TCP port range; `0..=0` lets the OS pick (go-plugin's behaviour
/// when the client sets no range).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PortRange {
    /// First port tried.
    pub min: u16,
    /// Last port tried.
    pub max: u16,
}

/// Why the server could not listen.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    /// `PLUGIN_MIN_PORT` / `PLUGIN_MAX_PORT` is not a port number.
    #[error("{var} must be a TCP port number, got {value:?}")]
    BadPort {
        /// The variable name.
        var: &'static str,
        /// What it held.
        value: String,
    },
    /// `PLUGIN_MIN_PORT` is above `PLUGIN_MAX_PORT`.
    #[error("PLUGIN_MIN_PORT ({min}) is greater than PLUGIN_MAX_PORT ({max})")]
    EmptyPortRange {
        /// Lower bound given.
        min: u16,
        /// Upper bound given.
        max: u16,
    },
    /// Every port in the range was taken (or binding failed otherwise).
    #[error("cannot bind a TCP listener on 127.0.0.1 in ports {min}..={max}: {source}")]
    NoFreePort {
        /// Lower bound tried.
        min: u16,
        /// Upper bound tried.
        max: u16,
        /// The last bind error.
        #[source]
        source: io::Error,
    },
}

impl PortRange {
    /// Parses go-plugin's `PLUGIN_MIN_PORT` / `PLUGIN_MAX_PORT` values
    /// (absent means 0, as in go-plugin).
    pub fn from_env_values(min: Option<&str>, max: Option<&str>) -> Result<Self, ListenError> {
        let parse = |var: &'static str, value: Option<&str>| -> Result<u16, ListenError> {
            match value.map(str::trim) {
                None | Some("") => Ok(0),
                Some(v) => v.parse().map_err(|_| ListenError::BadPort {
                    var,
                    value: v.to_owned(),
                }),
            }
        };
        let min = parse("PLUGIN_MIN_PORT", min)?;
        let max = parse("PLUGIN_MAX_PORT", max)?;
        if min > max {
            return Err(ListenError::EmptyPortRange { min, max });
        }
        Ok(PortRange { min, max })
    }
}

/// A bound listener. A unix socket file is removed again when this is dropped.
#[derive(Debug)]
pub struct PluginListener {
    inner: Inner,
    addr: ListenAddr,
}

#[derive(Debug)]
enum Inner {
    #[cfg(unix)]
    Unix(UnixListener),
    Tcp(TcpListener),
}

impl PluginListener {
    /// Binds according to `config`.
    pub async fn bind(config: &ListenConfig) -> Result<Self, ListenError> {
        #[cfg(unix)]
        if config.network == Network::UnixThenTcp {
            let dir = config
                .unix_socket_dir
                .clone()
                .unwrap_or_else(std::env::temp_dir);
            match bind_unix(&dir) {
                Ok(listener) => return Ok(listener),
                Err(error) => tracing::debug!(
                    dir = %dir.display(),
                    %error,
                    "cannot create a unix socket; falling back to loopback TCP"
                ),
            }
        }
        bind_tcp(config.ports).await
    }

    /// The address to advertise.
    pub fn local_addr(&self) -> &ListenAddr {
        &self.addr
    }

    /// Waits for the next connection.
    pub async fn accept(&self) -> io::Result<RawConn> {
        match &self.inner {
            #[cfg(unix)]
            Inner::Unix(listener) => listener.accept().await.map(|(s, _)| RawConn::Unix(s)),
            Inner::Tcp(listener) => {
                let (stream, _) = listener.accept().await?;
                // gRPC is latency-bound request/response traffic; Nagle only adds delay.
                stream.set_nodelay(true)?;
                Ok(RawConn::Tcp(stream))
            }
        }
    }
}

impl Drop for PluginListener {
    fn drop(&mut self) {
        if let ListenAddr::Unix(path) = &self.addr {
            // Best effort, like go-plugin's listener Close; nothing useful to do on failure.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Creates `dir/plugin<random>` the way go-plugin's `os.CreateTemp(dir, "plugin")`
/// names it, retrying a few names if one is taken.
#[cfg(unix)]
fn bind_unix(dir: &std::path::Path) -> io::Result<PluginListener> {
    let mut last_error = io::Error::other("no socket name tried");
    for _ in 0..8 {
        let path = dir.join(format!("plugin{}", rand::random::<u32>()));
        match UnixListener::bind(&path) {
            Ok(listener) => {
                return Ok(PluginListener {
                    inner: Inner::Unix(listener),
                    addr: ListenAddr::Unix(path),
                })
            }
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => last_error = e,
            Err(e) => return Err(e),
        }
    }
    Err(last_error)
}

async fn bind_tcp(ports: PortRange) -> Result<PluginListener, ListenError> {
    let mut last_error = io::Error::other("empty port range");
    for port in ports.min..=ports.max {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        match TcpListener::bind(addr).await {
            Ok(listener) => {
                let local = listener.local_addr().unwrap_or(addr);
                return Ok(PluginListener {
                    inner: Inner::Tcp(listener),
                    addr: ListenAddr::Tcp(local),
                });
            }
            Err(e) => last_error = e,
        }
    }
    Err(ListenError::NoFreePort {
        min: ports.min,
        max: ports.max,
        source: last_error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_range_parsing() {
        assert_eq!(
            PortRange::from_env_values(None, None).unwrap(),
            PortRange { min: 0, max: 0 }
        );
        assert_eq!(
            PortRange::from_env_values(Some("10000"), Some("25000")).unwrap(),
            PortRange {
                min: 10000,
                max: 25000
            }
        );
        assert!(matches!(
            PortRange::from_env_values(Some("x"), None),
            Err(ListenError::BadPort { .. })
        ));
        assert!(matches!(
            PortRange::from_env_values(Some("3"), Some("2")),
            Err(ListenError::EmptyPortRange { .. })
        ));
    }

    #[tokio::test]
    async fn tcp_stays_inside_the_port_range_and_on_loopback() {
        let taken = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = taken.local_addr().unwrap().port();
        let Some(next) = port.checked_add(1) else {
            return; // cannot build a two-port range at the very top; nothing to test
        };
        let config = ListenConfig {
            network: Network::Tcp,
            unix_socket_dir: None,
            ports: PortRange {
                min: port,
                max: next,
            },
        };
        match PluginListener::bind(&config).await {
            Ok(listener) => {
                let ListenAddr::Tcp(addr) = listener.local_addr() else {
                    panic!("expected tcp, got {:?}", listener.local_addr());
                };
                assert!(addr.ip().is_loopback());
                assert_eq!(addr.port(), next, "the taken port must be skipped");
            }
            // `next` happened to be busy too: then the error must name the range.
            Err(ListenError::NoFreePort { min, max, .. }) => assert_eq!((min, max), (port, next)),
            Err(other) => panic!("unexpected error {other}"),
        }
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn unix_socket_lives_in_the_given_dir_and_is_removed_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let config = ListenConfig {
            unix_socket_dir: Some(dir.path().to_owned()),
            ..ListenConfig::default()
        };
        let listener = PluginListener::bind(&config).await.unwrap();
        let ListenAddr::Unix(path) = listener.local_addr().clone() else {
            panic!("expected a unix socket");
        };
        assert_eq!(path.parent(), Some(dir.path()));
        assert!(path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("plugin"));
        assert!(path.exists());
        drop(listener);
        assert!(!path.exists());
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn unusable_socket_dir_falls_back_to_tcp() {
        let dir = tempfile::tempdir().unwrap();
        let config = ListenConfig {
            unix_socket_dir: Some(dir.path().join("does-not-exist")),
            ..ListenConfig::default()
        };
        let listener = PluginListener::bind(&config).await.unwrap();
        assert_eq!(listener.local_addr().network(), "tcp");
    }
}
