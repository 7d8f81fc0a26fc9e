//! The plugin server: one entry point that does what a go-plugin server does
//! for Terraform (or, in debug mode, for a user attaching Terraform by hand).

use std::future::Future;
use std::io::{self, Write};
use std::time::Duration;

use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;

use super::handshake::{self, HandshakeError, HandshakeLine, PluginEnv, PROTOCOL_VERSION};
use super::listener::{ListenConfig, ListenError, Network, PluginListener, PortRange};
use super::proto::tfplugin5::provider_server::{Provider, ProviderServer};
use super::reattach::{self, ReattachConfig};
use super::services::{self, Controller, Stdio};
use super::tls::{self, ServerIdentity, TlsError};
use super::{incoming, signals};

/// Largest gRPC message accepted or sent (terraform-plugin-go's limit;
/// schemas and states can exceed tonic's 4 MiB default).
pub const MAX_MESSAGE_SIZE: usize = 256 << 20;

/// Default time connections get to close after a shutdown request before
/// the server returns anyway (go-plugin's client kills us after 2 s).
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_millis(300);

/// How the process was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServeMode {
    /// Launched by Terraform/OpenTofu through go-plugin: magic cookie,
    /// version negotiation, AutoMTLS when offered, handshake line on stdout,
    /// SIGINT ignored.
    Managed,
    /// `--debug`: plaintext, no cookie, prints `TF_REATTACH_PROVIDERS`
    /// instructions on stdout and runs until Ctrl-C.
    Debug,
}

/// Everything [`serve`] needs besides the provider.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Managed or debug.
    pub mode: ServeMode,
    /// Provider source address used as the key of `TF_REATTACH_PROVIDERS`
    /// (e.g. `registry.terraform.io/baidu/baidu`).
    pub provider_address: String,
    /// The go-plugin environment (read from the process by the constructors).
    pub env: PluginEnv,
    /// Unix socket (with TCP fallback) or TCP only.
    pub network: Network,
    /// How long open connections get after a shutdown request.
    pub shutdown_grace: Duration,
    /// Cancelling this stops the server, like `GRPCController.Shutdown`.
    pub cancel: CancellationToken,
}

impl ServeOptions {
    /// Options for a Terraform-launched plugin, reading the process environment.
    pub fn managed(provider_address: impl Into<String>) -> Self {
        Self::new(ServeMode::Managed, provider_address.into())
    }

    /// Options for `--debug`, reading the process environment.
    pub fn debug(provider_address: impl Into<String>) -> Self {
        Self::new(ServeMode::Debug, provider_address.into())
    }

    fn new(mode: ServeMode, provider_address: String) -> Self {
        ServeOptions {
            mode,
            provider_address,
            env: PluginEnv::from_process(),
            network: Network::default(),
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            cancel: CancellationToken::new(),
        }
    }
}

/// Why serving failed.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Cookie, version negotiation or writing the handshake line.
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    /// Binding the socket.
    #[error(transparent)]
    Listen(#[from] ListenError),
    /// Setting up AutoMTLS.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// Installing signal handlers.
    #[error("cannot install signal handlers: {0}")]
    Signals(#[source] io::Error),
    /// The gRPC server itself failed.
    #[error("the gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
}

impl ServeError {
    /// True when the binary was run without Terraform's magic cookie, i.e.
    /// by hand: the caller should print the message plainly and exit 1.
    pub fn is_missing_magic_cookie(&self) -> bool {
        matches!(
            self,
            ServeError::Handshake(HandshakeError::MissingMagicCookie)
        )
    }
}

/// Serves `provider` as plugin protocol 5 together with grpc health
/// (`plugin` = SERVING), `plugin.GRPCController` and `plugin.GRPCStdio`, and
/// returns once the client asked for shutdown (or SIGTERM, or
/// `opts.cancel`; in debug mode also Ctrl-C).
pub async fn serve<P: Provider>(provider: P, opts: ServeOptions) -> Result<(), ServeError> {
    let managed = opts.mode == ServeMode::Managed;
    if managed {
        handshake::check_magic_cookie(opts.env.magic_cookie.as_deref())?;
    }
    let protocol_version = if managed {
        handshake::negotiate_protocol_version(opts.env.protocol_versions.as_deref())?
    } else {
        PROTOCOL_VERSION
    };

    let stop = opts.cancel.child_token();
    let signal_task = signals::watch(opts.mode, stop.clone()).map_err(ServeError::Signals)?;

    let identity = match (&opts.env.client_cert_pem, managed) {
        (Some(pem), true) => {
            let client_cert = tls::parse_client_cert(pem)?;
            let identity = ServerIdentity::generate()?;
            let config = tls::server_config(&identity, client_cert)?;
            Some((identity, TlsAcceptor::from(config)))
        }
        (Some(_), false) => {
            tracing::debug!("debug mode serves plaintext; ignoring PLUGIN_CLIENT_CERT");
            None
        }
        (None, _) => None,
    };

    let listen = ListenConfig {
        network: opts.network,
        unix_socket_dir: opts.env.unix_socket_dir.clone(),
        ports: PortRange::from_env_values(
            opts.env.min_port.as_deref(),
            opts.env.max_port.as_deref(),
        )?,
    };
    let listener = PluginListener::bind(&listen).await?;
    let addr = listener.local_addr().clone();
    let acceptor = identity.as_ref().map(|(_, acceptor)| acceptor.clone());
    let (incoming, accept_task) = incoming::spawn(listener, acceptor, stop.clone());

    let router = Server::builder()
        .add_service(services::health().await)
        .add_service(Controller::new(stop.clone()))
        .add_service(Stdio::new(stop.clone()))
        .add_service(
            ProviderServer::new(provider)
                .max_decoding_message_size(MAX_MESSAGE_SIZE)
                .max_encoding_message_size(MAX_MESSAGE_SIZE),
        );

    let announced = if managed {
        handshake::announce(&HandshakeLine {
            protocol_version,
            addr: &addr,
            server_cert_der: identity.as_ref().map(|(id, _)| id.cert_der()),
        })
    } else {
        announce_reattach(&opts.provider_address, &addr)
    };
    if let Err(error) = announced {
        stop.cancel();
        let _ = accept_task.await;
        return Err(error.into());
    }
    tracing::info!(
        address = %addr,
        tls = identity.is_some(),
        mode = ?opts.mode,
        "serving plugin protocol {protocol_version}"
    );

    let server = router.serve_with_incoming_shutdown(incoming, stop.clone().cancelled_owned());
    let result = run_until_stopped(server, &stop, opts.shutdown_grace).await;

    stop.cancel();
    // The accept task owns the listener; once it ends the socket file is gone.
    let _ = accept_task.await;
    let _ = signal_task.await;
    tracing::debug!("plugin server stopped");
    result
}

/// Drives the server; after `stop` fires, gives open connections
/// `grace` to finish (the Shutdown reply itself must still reach the
/// client), then returns regardless so the process exits well before
/// go-plugin's 2-second kill.
async fn run_until_stopped(
    server: impl Future<Output = Result<(), tonic::transport::Error>>,
    stop: &CancellationToken,
    grace: Duration,
) -> Result<(), ServeError> {
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => return result.map_err(ServeError::from),
        () = stop.cancelled() => {}
    }
    match tokio::time::timeout(grace, &mut server).await {
        Ok(result) => result.map_err(ServeError::from),
        Err(_) => {
            tracing::debug!(
                grace_ms = grace.as_millis() as u64,
                "connections still open after the shutdown grace period; closing them"
            );
            Ok(())
        }
    }
}

fn announce_reattach(
    provider_address: &str,
    addr: &handshake::ListenAddr,
) -> Result<(), HandshakeError> {
    let config = ReattachConfig::for_this_process(addr);
    let json = reattach::reattach_json(provider_address, &config);
    let mut out = io::stdout().lock();
    out.write_all(reattach::instructions(&json).as_bytes())
        .and_then(|()| out.flush())
        .map_err(HandshakeError::Announce)
}
