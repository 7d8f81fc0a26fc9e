//! go-plugin's supporting services, served next to `tfplugin5.Provider`:
//! grpc health, `plugin.GRPCController` and `plugin.GRPCStdio`.

use futures::StreamExt as _;
use tokio_util::sync::CancellationToken;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status};

use super::proto::plugin::grpc_controller_server::{GrpcController, GrpcControllerServer};
use super::proto::plugin::grpc_stdio_server::{GrpcStdio, GrpcStdioServer};
use super::proto::plugin::{Empty, StdioData};

/// The health service name go-plugin clients check.
pub const HEALTH_SERVICE_NAME: &str = "plugin";

/// `GRPCController.Shutdown`: the client is done with us. go-plugin kills the
/// process 2 s after asking, so this only triggers the server's stop.
#[derive(Debug, Clone)]
pub struct Controller {
    shutdown: CancellationToken,
}

impl Controller {
    /// A controller that cancels `shutdown` when asked to shut down.
    pub fn new(shutdown: CancellationToken) -> GrpcControllerServer<Self> {
        GrpcControllerServer::new(Controller { shutdown })
    }
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("plugin client requested shutdown");
        self.shutdown.cancel();
        Ok(Response::new(Empty {}))
    }
}

/// `GRPCStdio.StreamStdio`: we never write to stdout/stderr behind the
/// client's back (logs are hclog lines on the real stderr), and Terraform
/// logs anything arriving here as "unexpected data". So the stream stays
/// open and silent, which tells the client stdio syncing works, and ends at
/// shutdown so it cannot hold up the server's graceful stop.
#[derive(Debug, Clone)]
pub struct Stdio {
    shutdown: CancellationToken,
}

impl Stdio {
    /// A stdio service whose streams end when `shutdown` is cancelled.
    pub fn new(shutdown: CancellationToken) -> GrpcStdioServer<Self> {
        GrpcStdioServer::new(Stdio { shutdown })
    }
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<BoxStream<StdioData>>, Status> {
        let until_shutdown = self.shutdown.clone().cancelled_owned();
        let silent = futures::stream::once(until_shutdown)
            .filter_map(|()| futures::future::ready(None::<Result<StdioData, Status>>));
        Ok(Response::new(Box::pin(silent)))
    }
}

/// grpc health with `plugin` reported SERVING.
pub async fn health(
) -> tonic_health::pb::health_server::HealthServer<impl tonic_health::pb::health_server::Health> {
    let (reporter, service) = tonic_health::server::health_reporter();
    reporter
        .set_service_status(HEALTH_SERVICE_NAME, tonic_health::ServingStatus::Serving)
        .await;
    service
}
