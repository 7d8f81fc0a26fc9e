//! go-plugin AutoMTLS, server side.
//!
//! When `PLUGIN_CLIENT_CERT` is set, Terraform dials TLS, presents that exact
//! self-signed certificate (ECDSA P-521, CA:true) and trusts only the server
//! certificate we advertise in the handshake line. Two traps shape this file:
//! *ring* cannot verify P-521 (go-plugin's `mtls.go` generates P-521 keys), so the
//! aws-lc-rs provider is used throughout; and webpki refuses a CA certificate
//! as an end entity (`CaUsedAsEndEntity`), so the client certificate is
//! checked by pinning its exact DER instead of by chain building. The
//! handshake signature (proof that the peer holds the key) is still verified.

use std::fmt;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SerialNumber,
};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName as TlsDistinguishedName, SignatureScheme};

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// `PLUGIN_CLIENT_CERT` holds no PEM certificate.
    #[error("PLUGIN_CLIENT_CERT does not contain a PEM certificate: {0}")]
    BadClientCert(String),
    /// Generating the server certificate failed.
    #[error("cannot generate the server certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the configuration.
    #[error("cannot build the TLS server configuration: {0}")]
    Config(#[from] rustls::Error),
}

/// The crypto provider used for every TLS config in this crate (aws-lc-rs:
/// the only rustls provider that verifies P-521 signatures).
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Installs aws-lc-rs as the process-wide default rustls provider.
///
/// Other crates in the binary (reqwest) build rustls configs without naming
/// a provider; if more than one provider is compiled in, rustls panics there
/// unless a default was installed first. Call this at the top of `main`.
/// Calling it again is harmless.
pub fn install_default_crypto_provider() {
    // Err means a default is already installed, which is all we need.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// A fresh self-signed server certificate and its key.
pub struct ServerIdentity {
    cert: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

impl fmt::Debug for ServerIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerIdentity")
            .field("cert_len", &self.cert.len())
            .field("key", &"***")
            .finish()
    }
}

impl ServerIdentity {
    /// Generates a certificate shaped like go-plugin's own server certificate:
    /// CN and SAN `localhost`, CA:true with keyCertSign (the Go client puts it
    /// in its root pool and verifies it as its own root), serverAuth and
    /// clientAuth, valid from 30 s ago for 30 years. P-256 suffices: Go only
    /// verifies it against itself.
    pub fn generate() -> Result<Self, TlsError> {
        let key_pair = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
        let mut params = CertificateParams::new(vec!["localhost".to_owned()])?;
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
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::seconds(30);
        params.not_after = now + time::Duration::hours(262_980);
        // Positive 128-bit serial (top bit clear keeps the DER INTEGER positive).
        let mut serial: [u8; 16] = rand::random();
        serial[0] &= 0x7f;
        params.serial_number = Some(SerialNumber::from_slice(&serial));

        let cert = params.self_signed(&key_pair)?;
        Ok(ServerIdentity {
            cert: cert.der().clone(),
            key: PrivatePkcs8KeyDer::from(key_pair.serialize_der()),
        })
    }

    /// DER of the certificate, as advertised in the handshake line.
    pub fn cert_der(&self) -> &[u8] {
        self.cert.as_ref()
    }
}

/// Parses the first certificate from `PLUGIN_CLIENT_CERT`.
pub fn parse_client_cert(pem: &str) -> Result<CertificateDer<'static>, TlsError> {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .map_err(|e| TlsError::BadClientCert(e.to_string()))
}

/// Accepts exactly one client certificate, byte for byte, and checks the
/// handshake signature with the aws-lc-rs algorithms (which include P-521).
pub struct PinnedClientCertVerifier {
    expected: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

impl fmt::Debug for PinnedClientCertVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PinnedClientCertVerifier")
            .field("expected_len", &self.expected.len())
            .finish()
    }
}

impl PinnedClientCertVerifier {
    /// Pins `expected`.
    pub fn new(expected: CertificateDer<'static>, provider: Arc<CryptoProvider>) -> Self {
        PinnedClientCertVerifier { expected, provider }
    }
}

impl ClientCertVerifier for PinnedClientCertVerifier {
    fn root_hint_subjects(&self) -> &[TlsDistinguishedName] {
        // An empty CA list lets the Go client send its certificate without
        // matching issuers.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
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

/// The rustls server configuration for AutoMTLS: our identity, the pinned
/// client certificate, TLS 1.2+ and ALPN `h2` (grpc-go ≥ 1.67 refuses TLS
/// connections that do not negotiate it).
pub fn server_config(
    identity: &ServerIdentity,
    client_cert: CertificateDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let provider = crypto_provider();
    let verifier = Arc::new(PinnedClientCertVerifier::new(
        client_cert,
        Arc::clone(&provider),
    ));
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![identity.cert.clone()],
            PrivateKeyDer::Pkcs8(identity.key.clone_key()),
        )?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p521_ca_cert() -> rcgen::CertifiedKey<KeyPair> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
        let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        rcgen::CertifiedKey {
            cert,
            signing_key: key,
        }
    }

    #[test]
    fn client_cert_pem_parses_to_the_same_der() {
        let client = p521_ca_cert();
        let parsed = parse_client_cert(&client.cert.pem()).unwrap();
        assert_eq!(parsed.as_ref(), client.cert.der().as_ref());
        assert!(matches!(
            parse_client_cert("not a pem"),
            Err(TlsError::BadClientCert(_))
        ));
    }

    #[test]
    fn verifier_accepts_only_the_pinned_der() {
        let pinned = p521_ca_cert();
        let other = p521_ca_cert();
        let verifier = PinnedClientCertVerifier::new(pinned.cert.der().clone(), crypto_provider());
        let now = UnixTime::now();
        assert!(verifier
            .verify_client_cert(pinned.cert.der(), &[], now)
            .is_ok());
        assert!(verifier
            .verify_client_cert(other.cert.der(), &[], now)
            .is_err());
        assert!(verifier.client_auth_mandatory());
        assert!(verifier.root_hint_subjects().is_empty());
        assert!(verifier
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }

    #[test]
    fn server_config_negotiates_h2_with_a_fresh_identity() {
        let identity = ServerIdentity::generate().unwrap();
        let again = ServerIdentity::generate().unwrap();
        assert_ne!(
            identity.cert_der(),
            again.cert_der(),
            "certs must be fresh per run"
        );
        assert!(!format!("{identity:?}").contains("key: ["));
        let client = p521_ca_cert();
        let config = server_config(&identity, client.cert.der().clone()).unwrap();
        assert_eq!(config.alpn_protocols, vec![b"h2".to_vec()]);
    }
}
