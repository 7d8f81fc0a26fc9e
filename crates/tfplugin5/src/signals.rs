//! Signal handling like a go-plugin server: SIGINT is ignored when Terraform
//! manages us (a terminal Ctrl-C reaches the whole process group, and
//! Terraform itself stops providers through `Stop` and
//! `GRPCController.Shutdown`), but stops a debug-mode server. SIGTERM stops
//! either.

use std::io;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::serve::ServeMode;

/// Installs the handlers and returns the task acting on them; it ends once
/// `stop` is cancelled. The SIGINT disposition stays replaced afterwards, so
/// a late Ctrl-C cannot kill a managed plugin mid-exit either.
#[cfg(unix)]
pub fn watch(mode: ServeMode, stop: CancellationToken) -> io::Result<JoinHandle<()>> {
    use tokio::signal::unix::{signal, SignalKind};

    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(tokio::spawn(async move {
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                Some(()) = interrupt.recv() => match mode {
                    ServeMode::Debug => {
                        tracing::info!("interrupted; stopping the debug server");
                        stop.cancel();
                        break;
                    }
                    ServeMode::Managed => tracing::debug!(
                        "ignoring SIGINT: Terraform stops providers through the plugin protocol"
                    ),
                },
                Some(()) = terminate.recv() => {
                    tracing::info!("SIGTERM received; stopping");
                    stop.cancel();
                    break;
                }
            }
        }
    }))
}

/// Non-unix: only Ctrl-C exists; same policy.
#[cfg(not(unix))]
pub fn watch(mode: ServeMode, stop: CancellationToken) -> io::Result<JoinHandle<()>> {
    Ok(tokio::spawn(async move {
        loop {
            tokio::select! {
                () = stop.cancelled() => break,
                result = tokio::signal::ctrl_c() => {
                    if result.is_err() || mode == ServeMode::Debug {
                        stop.cancel();
                        break;
                    }
                    tracing::debug!("ignoring Ctrl-C: Terraform stops providers through the plugin protocol");
                }
            }
        }
    }))
}
