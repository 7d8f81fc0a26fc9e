//! Launching the real provider binary the way go-plugin does, and talking to
//! it the way Terraform does (unix/TCP dial, pinned mTLS, ALPN h2).

#![allow(dead_code)] // each test binary uses a different subset

use std::io;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use hyper_util::rt::TokioIo;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tonic::transport::{Channel, Endpoint, Uri};

pub const BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-baidu");
pub const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// How long the binary gets to print its handshake (go-plugin allows 1 min).
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A client certificate made like go-plugin's `generateCert`: ECDSA P-521,
/// self-signed, CA:true, CN/SAN localhost, O HashiCorp.
pub struct ClientCert {
    pub pem: String,
    pub der: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

impl ClientCert {
    pub fn generate() -> Self {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let mut name = DistinguishedName::new();
        name.push(DnType::OrganizationName, "HashiCorp");
        name.push(DnType::CommonName, "localhost");
        params.distinguished_name = name;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
            KeyUsagePurpose::KeyAgreement,
            KeyUsagePurpose::KeyCertSign,
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::seconds(30);
        params.not_after = now + time::Duration::days(365);
        let cert = params.self_signed(&key).unwrap();
        ClientCert {
            pem: cert.pem(),
            der: cert.der().clone(),
            key: PrivatePkcs8KeyDer::from(key.serialize_der()),
        }
    }
}

/// The parsed handshake line.
#[derive(Debug, Clone)]
pub struct Handshake {
    pub raw: String,
    pub core_version: String,
    pub protocol_version: String,
    pub network: String,
    pub address: String,
    pub protocol: String,
    pub server_cert: Option<Vec<u8>>,
}

impl Handshake {
    pub fn parse(line: &str) -> Self {
        let parts: Vec<&str> = line.split('|').collect();
        assert!(
            parts.len() == 5 || parts.len() == 6,
            "handshake line must have 5 or 6 fields: {line:?}"
        );
        let server_cert = parts.get(5).map(|field| {
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(field)
                .unwrap_or_else(|e| panic!("cert field is not RawStdEncoding base64: {e}"))
        });
        Handshake {
            raw: line.to_owned(),
            core_version: parts[0].to_owned(),
            protocol_version: parts[1].to_owned(),
            network: parts[2].to_owned(),
            address: parts[3].to_owned(),
            protocol: parts[4].to_owned(),
            server_cert,
        }
    }
}

/// A running provider process.
pub struct Plugin {
    pub child: Child,
    pub stdout: Lines<BufReader<ChildStdout>>,
    stderr: Arc<Mutex<Vec<String>>>,
    stderr_task: tokio::task::JoinHandle<()>,
    pub socket_dir: tempfile::TempDir,
}

/// How to launch.
pub struct Launch {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cookie: bool,
}

impl Launch {
    /// Like Terraform: cookie, `PLUGIN_PROTOCOL_VERSIONS=6,5`, go-plugin's
    /// default port range, and `client_cert` for AutoMTLS when given.
    pub fn terraform(client_cert: Option<&ClientCert>) -> Self {
        let mut env = vec![
            ("PLUGIN_PROTOCOL_VERSIONS".to_owned(), "6,5".to_owned()),
            ("PLUGIN_MIN_PORT".to_owned(), "10000".to_owned()),
            ("PLUGIN_MAX_PORT".to_owned(), "25000".to_owned()),
            ("TF_LOG_PROVIDER_BAIDU".to_owned(), "debug".to_owned()),
        ];
        if let Some(cert) = client_cert {
            env.push(("PLUGIN_CLIENT_CERT".to_owned(), cert.pem.clone()));
        }
        Launch {
            args: Vec::new(),
            env,
            cookie: true,
        }
    }

    pub fn with_env(mut self, key: &str, value: &str) -> Self {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn spawn(self) -> Plugin {
        let socket_dir = tempfile::Builder::new().prefix("tp").tempdir().unwrap();
        let mut command = Command::new(BINARY);
        command
            .args(&self.args)
            .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        for key in [
            "TF_PLUGIN_MAGIC_COOKIE",
            "PLUGIN_CLIENT_CERT",
            "PLUGIN_PROTOCOL_VERSIONS",
            "TF_LOG",
            "TF_LOG_PROVIDER",
            "TF_LOG_PROVIDER_BAIDU",
        ] {
            command.env_remove(key);
        }
        if self.cookie {
            command.env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE);
        }
        for (key, value) in &self.env {
            command.env(key, value);
        }
        let mut child = command.spawn().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let stderr_lines = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr_lines);
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let stderr_task = tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                sink.lock().unwrap().push(line);
            }
        });
        Plugin {
            child,
            stdout,
            stderr: stderr_lines,
            stderr_task,
            socket_dir,
        }
    }
}

impl Plugin {
    /// The next stdout line (panics on EOF or after [`START_TIMEOUT`]).
    pub async fn stdout_line(&mut self) -> String {
        match tokio::time::timeout(START_TIMEOUT, self.stdout.next_line()).await {
            Ok(Ok(Some(line))) => line,
            other => panic!(
                "no stdout line from the plugin ({other:?}); stderr: {:?}",
                self.stderr_now()
            ),
        }
    }

    pub async fn handshake(&mut self) -> Handshake {
        Handshake::parse(&self.stdout_line().await)
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap()
    }

    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.pid().to_string())
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn stderr_now(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits for exit, at most `limit`; `None` if it did not exit in time.
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .ok()?
            .ok()
    }

    /// All stderr lines, after the process has exited.
    pub async fn stderr_after_exit(self) -> Vec<String> {
        let Plugin {
            stderr,
            stderr_task,
            ..
        } = self;
        let _ = tokio::time::timeout(Duration::from_secs(10), stderr_task).await;
        let lines = stderr.lock().unwrap().clone();
        lines
    }
}

/// Accepts exactly the server certificate advertised in the handshake line
/// (what go-plugin's client does by making it the only root) and checks
/// the handshake signatures.
#[derive(Debug)]
struct PinnedServerCert {
    expected: Vec<u8>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedServerCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        assert_eq!(server_name.to_str(), "localhost");
        if end_entity.as_ref() == self.expected.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// How the test client authenticates.
pub enum ClientAuth<'a> {
    /// Present this certificate.
    Cert(&'a ClientCert),
    /// TLS without a client certificate.
    NoCert,
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

async fn dial(network: &str, address: &str) -> io::Result<Box<dyn Io>> {
    match network {
        "unix" => Ok(Box::new(tokio::net::UnixStream::connect(address).await?)),
        "tcp" => Ok(Box::new(tokio::net::TcpStream::connect(address).await?)),
        other => Err(io::Error::other(format!("unknown network {other}"))),
    }
}

/// A gRPC channel over TLS as Terraform dials it: SNI `localhost`, ALPN h2,
/// the server certificate pinned from the handshake line.
pub async fn connect_tls(
    handshake: &Handshake,
    auth: ClientAuth<'_>,
) -> Result<Channel, tonic::transport::Error> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedServerCert {
        expected: handshake.server_cert.clone().expect("no cert in handshake"),
        provider: Arc::clone(&provider),
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match auth {
        ClientAuth::Cert(cert) => builder
            .with_client_auth_cert(
                vec![cert.der.clone()],
                PrivateKeyDer::Pkcs8(cert.key.clone_key()),
            )
            .unwrap(),
        ClientAuth::NoCert => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let (network, address) = (handshake.network.clone(), handshake.address.clone());
    let service = tower::service_fn(move |_: Uri| {
        let connector = connector.clone();
        let (network, address) = (network.clone(), address.clone());
        async move {
            let raw = dial(&network, &address).await?;
            let name = ServerName::try_from("localhost").map_err(io::Error::other)?;
            let tls = connector.connect(name, raw).await?;
            Ok::<_, io::Error>(TokioIo::new(tls))
        }
    });
    Endpoint::from_static("http://localhost")
        .connect_with_connector(service)
        .await
}

/// A plaintext HTTP/2 gRPC channel (debug mode, or a client ignoring TLS).
pub async fn connect_plain(
    network: &str,
    address: &str,
) -> Result<Channel, tonic::transport::Error> {
    let (network, address) = (network.to_owned(), address.to_owned());
    let service = tower::service_fn(move |_: Uri| {
        let (network, address) = (network.clone(), address.clone());
        async move { Ok::<_, io::Error>(TokioIo::new(dial(&network, &address).await?)) }
    });
    Endpoint::from_static("http://localhost")
        .connect_with_connector(service)
        .await
}

/// Path of the unix socket from a handshake, if it is one.
pub fn socket_path(handshake: &Handshake) -> Option<PathBuf> {
    (handshake.network == "unix").then(|| PathBuf::from(&handshake.address))
}
