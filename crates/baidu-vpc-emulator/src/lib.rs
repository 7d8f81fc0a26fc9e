//! `baidu-vpc-emulator`: a local emulator of Baidu AI Cloud's VPC peering
//! connection API, faithful enough for Baidu's own SDKs, our provider, demos
//! and CI. User documentation: `docs/guides/emulator.md`.
//!
//! Library first: [`Emulator::new`] builds it from an [`EmulatorConfig`],
//! [`Emulator::router`] gives the axum router and [`Emulator::start`] serves
//! it on a loopback address (`127.0.0.1:0` in tests) and returns a
//! [`RunningEmulator`] with its address. The binary
//! (`src/bin/baidu-vpc-emulator.rs`) is a thin wrapper around [`cli`].
//!
//! Module map:
//! - [`config`]: accounts, VPCs, quotas, auth mode; the demo configuration.
//! - [`timing`], [`clock`]: transition durations and the injectable clock.
//! - [`model`], [`store`]: the stored peering and its two views; state.
//! - [`request`], [`ops`]: routing of the 13 operations and Baidu's rules.
//! - [`auth`]: `bce-auth-v1` verification with the client's signer.
//! - [`sts`]: STS `AssumeRole` and the temporary credentials it issues.
//! - [`faults`], [`reqlog`], [`persist`]: fault injection, request log, state file.
//! - `server`, `admin`: the HTTP layer and the `/__emulator/` admin API.
//! - [`logging`], [`cli`]: stderr log format and the command line.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod error;
pub mod faults;
pub mod logging;
pub mod model;
pub mod ops;
pub mod persist;
pub mod reqlog;
pub mod request;
pub mod store;
pub mod sts;
pub mod timing;

mod admin;
mod server;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::routing::{delete, get, post};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{AccountConfig, AuthMode, EmulatorConfig, Quotas, SessionCredential, VpcConfig};
pub use error::{ApiError, EmulatorError};
pub use faults::{FaultConfig, FaultRule};
pub use server::{ConnHandle, DroppableListener};
pub use timing::{Delay, Timing};

use auth::AuthPolicy;
use clock::Clock;
use config::Directory;
use faults::FaultState;
use persist::StateFile;
use reqlog::RequestLog;
use server::{lock, Shared};
use store::Store;

/// An emulator instance (state + configuration), not yet serving.
#[derive(Clone)]
pub struct Emulator {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("accounts", &self.shared.dir.accounts().len())
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Validates the configuration and loads the state file, if one is set.
    pub fn new(config: EmulatorConfig) -> Result<Self, EmulatorError> {
        config.validate()?;
        let state_file = config.state_file.clone().map(StateFile::new);
        let data = match &state_file {
            Some(f) => f.load()?,
            None => store::StoreData::default(),
        };
        let clock = Clock::new(data.clock_offset_ms);
        let shared = Shared {
            dir: Directory::new(&config.accounts),
            policy: AuthPolicy {
                mode: config.auth,
                max_clock_skew_secs: config.max_clock_skew_secs,
            },
            quotas: config.quotas,
            clock,
            store: Mutex::new(Store::new(data, config.seed)),
            timing: Mutex::new(config.timing.clone()),
            faults: Mutex::new(FaultState::new(FaultConfig::default(), config.seed)),
            reqlog: Mutex::new(RequestLog::new(config.request_log_size)),
            sessions: Mutex::new(sts::IssuedSessions::default()),
            state_file,
            startup: config,
        };
        Ok(Self {
            shared: Arc::new(shared),
        })
    }

    /// The configuration it was built from.
    pub fn config(&self) -> &EmulatorConfig {
        &self.shared.startup
    }

    /// The router: `/__emulator/…` admin routes, everything else is the Baidu API.
    pub fn router(&self) -> Router {
        Router::new()
            .route("/__emulator/health", get(admin::health))
            .route("/__emulator/state", get(admin::state))
            .route("/__emulator/reset", post(admin::reset))
            .route("/__emulator/clock", get(admin::clock))
            .route("/__emulator/clock/advance", post(admin::clock_advance))
            .route(
                "/__emulator/faults",
                get(admin::faults_get)
                    .put(admin::faults_put)
                    .delete(admin::faults_delete),
            )
            .route(
                "/__emulator/timing",
                get(admin::timing_get).put(admin::timing_put),
            )
            .route(
                "/__emulator/peerconns/{id}/status",
                post(admin::force_status),
            )
            .route(
                "/__emulator/peerconns/{id}/attributes",
                post(admin::set_attributes),
            )
            .route("/__emulator/peerconns/{id}", delete(admin::delete_peerconn))
            .route(
                "/__emulator/requests",
                get(admin::requests_get).delete(admin::requests_delete),
            )
            .fallback(server::api_entry)
            .with_state(self.shared.clone())
    }

    /// Binds `addr` and serves in a background task.
    pub async fn start(&self, addr: SocketAddr) -> Result<RunningEmulator, EmulatorError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| EmulatorError::Bind {
                addr: addr.to_string(),
                source,
            })?;
        self.start_on(listener)
    }

    /// Serves on an already bound listener in a background task.
    pub fn start_on(&self, listener: TcpListener) -> Result<RunningEmulator, EmulatorError> {
        let addr = listener.local_addr().map_err(EmulatorError::Serve)?;
        let (tx, rx) = oneshot::channel::<()>();
        let app = self
            .router()
            .into_make_service_with_connect_info::<ConnHandle>();
        let task = tokio::spawn(async move {
            axum::serve(DroppableListener::new(listener), app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
        });
        Ok(RunningEmulator {
            addr,
            emulator: self.clone(),
            shutdown: Some(tx),
            task,
        })
    }

    /// Emulated now, as Baidu formats times.
    pub fn now(&self) -> String {
        clock::iso8601(self.shared.clock.now_ms())
    }

    /// Moves the emulated clock forward (same as `POST /__emulator/clock/advance`).
    pub fn advance_clock(&self, seconds: u64) {
        let ms = i64::try_from(seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
        self.shared.clock.advance_ms(ms);
        let mut store = lock(&self.shared.store);
        store.settle_all(self.shared.clock.now_ms());
        self.shared.persist(&mut store);
    }

    /// Ids of live peerings, in creation order.
    pub fn peer_conn_ids(&self) -> Vec<String> {
        let mut store = lock(&self.shared.store);
        store.settle_all(self.shared.clock.now_ms());
        let mut v: Vec<_> = store.data.peer_conns.values().collect();
        v.sort_by_key(|r| r.seq);
        v.into_iter().map(|r| r.peer_conn_id.clone()).collect()
    }
}

/// A serving emulator.
#[derive(Debug)]
pub struct RunningEmulator {
    addr: SocketAddr,
    emulator: Emulator,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningEmulator {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, the provider's `endpoint`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn emulator(&self) -> &Emulator {
        &self.emulator
    }

    /// Stops accepting, lets in-flight requests finish, and waits.
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.wait().await
    }

    /// Waits until the server stops (after [`RunningEmulator::shutdown`] or an error).
    pub async fn wait(&mut self) -> Result<(), EmulatorError> {
        match (&mut self.task).await {
            Ok(r) => r.map_err(EmulatorError::Serve),
            Err(e) => Err(EmulatorError::Serve(std::io::Error::other(e))),
        }
    }

    /// Asks the server to stop without waiting.
    pub fn trigger_shutdown(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
