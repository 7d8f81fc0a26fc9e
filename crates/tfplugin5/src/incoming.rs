//! The accept loop: turns the listener into the stream of ready connections
//! tonic serves, doing TLS handshakes concurrently so a slow or bogus peer
//! cannot hold up the real client.

use std::io;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;

use super::conn::{PluginConn, RawConn};
use super::listener::PluginListener;

/// How long a peer gets to finish the TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause after a failed accept (e.g. out of file descriptors) so the loop
/// does not spin.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(50);

/// Connections ready for HTTP/2, in the shape tonic's `serve_with_incoming*` takes.
pub type Incoming = ReceiverStream<Result<PluginConn, io::Error>>;

/// Starts accepting on `listener` until `stop` is cancelled. The returned
/// task owns the listener, so awaiting it after `stop` guarantees the unix
/// socket file is gone.
pub fn spawn(
    listener: PluginListener,
    tls: Option<TlsAcceptor>,
    stop: CancellationToken,
) -> (Incoming, JoinHandle<()>) {
    let (tx, rx) = mpsc::channel(16);
    let task = tokio::spawn(accept_loop(listener, tls, stop, tx));
    (ReceiverStream::new(rx), task)
}

async fn accept_loop(
    listener: PluginListener,
    tls: Option<TlsAcceptor>,
    stop: CancellationToken,
    tx: mpsc::Sender<Result<PluginConn, io::Error>>,
) {
    loop {
        let accepted = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            accepted = listener.accept() => accepted,
        };
        let raw = match accepted {
            Ok(raw) => raw,
            Err(error) => {
                tracing::warn!(%error, "accepting a plugin connection failed");
                tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
                continue;
            }
        };
        match &tls {
            None => {
                if tx.send(Ok(PluginConn::Plain(raw))).await.is_err() {
                    break; // the server is gone
                }
            }
            Some(acceptor) => {
                tokio::spawn(handshake(acceptor.clone(), raw, tx.clone()));
            }
        }
    }
    drop(listener);
}

async fn handshake(
    acceptor: TlsAcceptor,
    raw: RawConn,
    tx: mpsc::Sender<Result<PluginConn, io::Error>>,
) {
    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(raw)).await {
        Ok(Ok(stream)) => {
            // A send error only means the server stopped meanwhile.
            let _ = tx.send(Ok(PluginConn::Tls(Box::new(stream)))).await;
        }
        // go-plugin's client opens and drops one connection per start, so a
        // failed handshake is routine; a refused client certificate lands
        // here too and needs no louder report than this.
        Ok(Err(error)) => tracing::debug!(%error, "TLS handshake with a plugin client failed"),
        Err(_) => tracing::debug!(
            timeout_s = TLS_HANDSHAKE_TIMEOUT.as_secs(),
            "TLS handshake with a plugin client timed out"
        ),
    }
}
