//! [`GrpcProvider`]: the generated `tfplugin5.Provider` gRPC service for any
//! [`Provider`] implementation. Each RPC decodes its `DynamicValue`s against
//! the registered schema, runs the operation in `fwserver`, encodes the answer
//! as msgpack and logs at debug level with `tf_rpc`, `tf_req_id` and the
//! resource / data source type. Failures of any kind become diagnostics; a
//! panic inside provider code is caught and reported as an error diagnostic.
//!
//! RPCs the framework does not support (ephemeral resources, list resources,
//! actions, functions, identity, moves, config generation) answer with an
//! "unsupported" error diagnostic rather than UNIMPLEMENTED, so a client
//! that calls them anyway gets a readable message. Terraform only calls them
//! for types or capabilities the schema advertises, and we advertise none.
//! The two server-streaming RPCs (`ListResource`, `InvokeAction`) keep the
//! generated UNIMPLEMENTED answer: a stream has no diagnostics field.

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Instant;

use futures::FutureExt;
use tonic::{Request, Response, Status};
use tracing::Instrument;

use super::convert::{decode_dynamic, diagnostics_to_proto, encode_or, schema_to_proto};
use super::fwserver::{Core, FrameworkError};
use super::provider::Provider;
use tfplugin5::proto::tfplugin5 as pb;
use tfplugin5::proto::tfplugin5::provider_server::Provider as ProviderService;
use tfvalue::{Diagnostic, Diagnostics};

/// The gRPC face of a [`Provider`]; hand it to `tfplugin::serve`.
pub struct GrpcProvider<P: Provider> {
    core: Arc<Core<P>>,
}

impl<P: Provider> Clone for GrpcProvider<P> {
    fn clone(&self) -> Self {
        Self {
            core: Arc::clone(&self.core),
        }
    }
}

impl<P: Provider> std::fmt::Debug for GrpcProvider<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcProvider")
            .field(
                "resources",
                &self.core.resources().keys().collect::<Vec<_>>(),
            )
            .field(
                "data_sources",
                &self.core.data_sources().keys().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl<P: Provider> GrpcProvider<P> {
    /// Registers the provider's resources and data sources and checks every
    /// schema ([`super::Schema::check`]); type names must be unique.
    pub fn new(provider: P) -> Result<Self, FrameworkError> {
        Ok(Self {
            core: Arc::new(Core::new(provider)?),
        })
    }
}

/// Response messages that carry a `diagnostics` list.
trait WithDiagnostics: Default + Send + 'static {
    fn diagnostics_mut(&mut self) -> &mut Vec<pb::Diagnostic>;
}

macro_rules! with_diagnostics {
    ($($t:ty),* $(,)?) => {
        $(impl WithDiagnostics for $t {
            fn diagnostics_mut(&mut self) -> &mut Vec<pb::Diagnostic> {
                &mut self.diagnostics
            }
        })*
    };
}

with_diagnostics!(
    pb::get_metadata::Response,
    pb::get_provider_schema::Response,
    pb::prepare_provider_config::Response,
    pb::upgrade_resource_state::Response,
    pb::get_resource_identity_schemas::Response,
    pb::upgrade_resource_identity::Response,
    pb::validate_resource_type_config::Response,
    pb::validate_data_source_config::Response,
    pb::validate_ephemeral_resource_config::Response,
    pb::configure::Response,
    pb::read_resource::Response,
    pb::plan_resource_change::Response,
    pb::apply_resource_change::Response,
    pb::import_resource_state::Response,
    pb::generate_resource_config::Response,
    pb::move_resource_state::Response,
    pb::read_data_source::Response,
    pb::open_ephemeral_resource::Response,
    pb::renew_ephemeral_resource::Response,
    pb::close_ephemeral_resource::Response,
    pb::validate_list_resource_config::Response,
    pb::get_functions::Response,
    pb::plan_action::Response,
    pb::validate_action_config::Response,
);

fn response_with<R: WithDiagnostics>(diags: Diagnostics) -> R {
    let mut r = R::default();
    r.diagnostics_mut().extend(diagnostics_to_proto(diags));
    r
}

/// What an RPC is about, for its log fields.
#[derive(Clone, Copy)]
enum Subject<'a> {
    Provider,
    Resource(&'a str),
    DataSource(&'a str),
}

/// Runs one RPC body: logs start and end at debug level inside a span with
/// the standard fields, converts an `Err(diagnostics)` into a response, and
/// turns a panic into an error diagnostic instead of a dropped connection.
async fn rpc<R, F>(
    name: &'static str,
    subject: Subject<'_>,
    req_id: String,
    body: F,
) -> Result<Response<R>, Status>
where
    R: WithDiagnostics,
    F: Future<Output = Result<R, Diagnostics>>,
{
    let span = match subject {
        Subject::Provider => tracing::info_span!("rpc", tf_rpc = name, tf_req_id = %req_id),
        Subject::Resource(t) => {
            tracing::info_span!("rpc", tf_rpc = name, tf_req_id = %req_id, tf_resource_type = t)
        }
        Subject::DataSource(t) => {
            tracing::info_span!("rpc", tf_rpc = name, tf_req_id = %req_id, tf_data_source_type = t)
        }
    };
    async move {
        tracing::debug!("Received request");
        let started = Instant::now();
        let outcome = AssertUnwindSafe(body).catch_unwind().await;
        let mut response = match outcome {
            Ok(Ok(r)) => r,
            Ok(Err(diags)) => response_with(diags),
            Err(panic) => {
                let message = panic_message(panic.as_ref());
                tracing::error!(error = %message, "provider code panicked while serving the request");
                response_with(Diagnostics::from(Diagnostic::error(
                    "Provider panicked",
                    format!(
                        "The provider crashed while handling {name}: {message}. This is a bug in the provider; please report it."
                    ),
                )))
            }
        };
        log_diagnostics(response.diagnostics_mut());
        tracing::debug!(
            tf_req_duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "Served request"
        );
        Ok(Response::new(response))
    }
    .instrument(span)
    .await
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_owned()
    }
}

fn log_diagnostics(diags: &[pb::Diagnostic]) {
    let errors = diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .count();
    for d in diags {
        let severity = if d.severity == pb::diagnostic::Severity::Error as i32 {
            "ERROR"
        } else {
            "WARNING"
        };
        tracing::debug!(
            diagnostic_severity = severity,
            diagnostic_summary = %d.summary,
            diagnostic_detail = %d.detail,
            "Response contains diagnostic"
        );
    }
    if !diags.is_empty() {
        tracing::debug!(
            diagnostic_error_count = errors,
            diagnostic_warning_count = diags.len() - errors,
            "Response diagnostics"
        );
    }
}

fn new_req_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

fn unsupported(what: &str) -> Diagnostics {
    Diagnostics::from(Diagnostic::error(
        "Unsupported provider feature",
        format!("This provider does not support {what}."),
    ))
}

/// Answers an RPC for a feature this provider does not have (ephemeral and
/// list resources, actions, state moves): an error diagnostic, logged like
/// every other answer.
async fn refuse<R: WithDiagnostics>(
    name: &'static str,
    type_name: &str,
    what: &str,
) -> Result<Response<R>, Status> {
    rpc(name, Subject::Resource(type_name), new_req_id(), async {
        Err(unsupported(what))
    })
    .await
}

fn server_capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        // We plan destroys ourselves so resources can refuse them at plan
        // time (e.g. deletion protection) on Terraform >= 1.3.
        plan_destroy: true,
        // Every RPC is served from schemas built at start-up, never from
        // state a GetProviderSchema call left behind, so Terraform >= 1.6 may
        // reuse the schema it already has instead of asking each of the
        // several provider processes it starts per command (BENCHMARKS.md).
        get_provider_schema_optional: true,
        move_resource_state: false,
        generate_resource_config: false,
    }
}

#[tonic::async_trait]
impl<P: Provider> ProviderService for GrpcProvider<P> {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        let core = &self.core;
        rpc("GetMetadata", Subject::Provider, new_req_id(), async {
            Ok(pb::get_metadata::Response {
                server_capabilities: Some(server_capabilities()),
                resources: core
                    .resources()
                    .keys()
                    .map(|t| pb::get_metadata::ResourceMetadata {
                        type_name: t.clone(),
                    })
                    .collect(),
                data_sources: core
                    .data_sources()
                    .keys()
                    .map(|t| pb::get_metadata::DataSourceMetadata {
                        type_name: t.clone(),
                    })
                    .collect(),
                ..Default::default()
            })
        })
        .await
    }

    async fn get_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        let core = &self.core;
        rpc("GetSchema", Subject::Provider, new_req_id(), async {
            Ok(pb::get_provider_schema::Response {
                provider: Some(schema_to_proto(core.provider_schema())),
                resource_schemas: core
                    .resources()
                    .iter()
                    .map(|(name, e)| (name.clone(), schema_to_proto(&e.schema)))
                    .collect(),
                data_source_schemas: core
                    .data_sources()
                    .iter()
                    .map(|(name, e)| (name.clone(), schema_to_proto(&e.schema)))
                    .collect(),
                // Terraform dereferences nested blocks without nil checks;
                // an empty schema is the safe "no provider_meta".
                provider_meta: Some(pb::Schema {
                    version: 0,
                    block: Some(pb::schema::Block::default()),
                }),
                server_capabilities: Some(server_capabilities()),
                ..Default::default()
            })
        })
        .await
    }

    async fn prepare_provider_config(
        &self,
        request: Request<pb::prepare_provider_config::Request>,
    ) -> Result<Response<pb::prepare_provider_config::Response>, Status> {
        let req = request.into_inner();
        let core = &self.core;
        rpc(
            "PrepareProviderConfig",
            Subject::Provider,
            new_req_id(),
            async {
                let ty = core.provider_type();
                let config = decode_dynamic(req.config.as_ref(), ty, "the provider configuration")?;
                let diags = core.validate_provider_config(&config).await;
                // prepared_config stays unset: Terraform ignores it (a non-null
                // value different from the input only logs a warning), and
                // echoing a large configuration back would only cost bandwidth.
                Ok(response_with(diags))
            },
        )
        .await
    }

    async fn validate_resource_type_config(
        &self,
        request: Request<pb::validate_resource_type_config::Request>,
    ) -> Result<Response<pb::validate_resource_type_config::Response>, Status> {
        let req = request.into_inner();
        let core = &self.core;
        let subject = Subject::Resource(&req.type_name);
        rpc("ValidateResourceTypeConfig", subject, new_req_id(), async {
            let entry = core.resource(&req.type_name)?;
            let config =
                decode_dynamic(req.config.as_ref(), &entry.ty, "the resource configuration")?;
            Ok(response_with(
                core.validate_resource_config(entry, &config).await,
            ))
        })
        .await
    }

    async fn validate_data_source_config(
        &self,
        request: Request<pb::validate_data_source_config::Request>,
    ) -> Result<Response<pb::validate_data_source_config::Response>, Status> {
        let req = request.into_inner();
        let core = &self.core;
        let subject = Subject::DataSource(&req.type_name);
        rpc("ValidateDataSourceConfig", subject, new_req_id(), async {
            let entry = core.data_source(&req.type_name)?;
            let config = decode_dynamic(
                req.config.as_ref(),
                &entry.ty,
                "the data source configuration",
            )?;
            Ok(response_with(
                core.validate_data_source_config(entry, &config).await,
            ))
        })
        .await
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = request.into_inner();
        let core = &self.core;
        let subject = Subject::Resource(&req.type_name);
        rpc("UpgradeResourceState", subject, new_req_id(), async {
            let entry = core.resource(&req.type_name)?;
            let raw = req.raw_state.unwrap_or_default();
            let raw_json = if !raw.json.is_empty() {
                Some(raw.json.as_slice())
            } else if !raw.flatmap.is_empty() {
                None
            } else {
                // No stored attributes at all: an empty object decodes to
                // every attribute null.
                Some(&b"{}"[..])
            };
            let (state, mut diags) = core.upgrade_resource_state(entry, req.version, raw_json);
            let mut resp = pb::upgrade_resource_state::Response::default();
            if !diags.has_errors() {
                resp.upgraded_state =
                    encode_or(&state, &entry.ty, "the upgraded state", None, &mut diags);
            }
            resp.diagnostics = diagnostics_to_proto(diags);
            Ok(resp)
        })
        .await
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        rpc(
            "GetResourceIdentitySchemas",
            Subject::Provider,
            new_req_id(),
            async {
                Ok(pb::get_resource_identity_schemas::Response {
                    identity_schemas: HashMap::new(),
                    diagnostics: Vec::new(),
                })
            },
        )
        .await
    }

    async fn upgrade_resource_identity(
        &self,
        request: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = request.into_inner();
        refuse(
            "UpgradeResourceIdentity",
            &req.type_name,
            "resource identities",
        )
        .await
    }

    async fn configure(
        &self,
        request: Request<pb::configure::Request>,
    ) -> Result<Response<pb::configure::Response>, Status> {
        let req = request.into_inner();
        let core = &self.core;
        rpc("Configure", Subject::Provider, new_req_id(), async {
            let config = decode_dynamic(
                req.config.as_ref(),
                core.provider_type(),
                "the provider configuration",
            )?;
            tracing::debug!(terraform_version = %req.terraform_version, "Configuring the provider");
            Ok(response_with(
                core.configure(&req.terraform_version, &config).await,
            ))
        })
        .await
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = request.into_inner();
        let core = &self.core;
        let req_id = new_req_id();
        let subject = Subject::Resource(&req.type_name);
        rpc("ReadResource", subject, req_id.clone(), async {
            let entry = core.resource(&req.type_name)?;
            let current =
                decode_dynamic(req.current_state.as_ref(), &entry.ty, "the current state")?;
            let outcome = core
                .read_resource(entry, &req_id, current, &req.private)
                .await;
            let mut diags = outcome.diagnostics;
            // On a bug, what Terraform gave us goes back rather than nothing.
            let new_state = encode_or(
                &outcome.state,
                &entry.ty,
                "the refreshed state",
                req.current_state.clone(),
                &mut diags,
            );
            Ok(pb::read_resource::Response {
                new_state,
                private: outcome.private,
                diagnostics: diagnostics_to_proto(diags),
                ..Default::default()
            })
        })
        .await
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = request.into_inner();
        let core = &self.core;
        let req_id = new_req_id();
        let subject = Subject::Resource(&req.type_name);
        rpc("PlanResourceChange", subject, req_id.clone(), async {
            let entry = core.resource(&req.type_name)?;
            let prior = decode_dynamic(req.prior_state.as_ref(), &entry.ty, "the prior state")?;
            let proposed = decode_dynamic(
                req.proposed_new_state.as_ref(),
                &entry.ty,
                "the proposed new state",
            )?;
            let config = decode_dynamic(req.config.as_ref(), &entry.ty, "the configuration")?;
            let outcome = core
                .plan_resource_change(entry, &req_id, prior, proposed, config, req.prior_private)
                .await;
            let mut diags = outcome.diagnostics;
            let planned_state = encode_or(
                &outcome.planned,
                &entry.ty,
                "the planned state",
                None,
                &mut diags,
            );
            Ok(pb::plan_resource_change::Response {
                planned_state,
                requires_replace: outcome
                    .requires_replace
                    .iter()
                    .map(super::convert::path_to_proto)
                    .collect(),
                planned_private: outcome.planned_private,
                diagnostics: diagnostics_to_proto(diags),
                ..Default::default()
            })
        })
        .await
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = request.into_inner();
        let core = &self.core;
        let req_id = new_req_id();
        let subject = Subject::Resource(&req.type_name);
        rpc("ApplyResourceChange", subject, req_id.clone(), async {
            let entry = core.resource(&req.type_name)?;
            let prior = decode_dynamic(req.prior_state.as_ref(), &entry.ty, "the prior state")?;
            let planned =
                decode_dynamic(req.planned_state.as_ref(), &entry.ty, "the planned state")?;
            let config = decode_dynamic(req.config.as_ref(), &entry.ty, "the configuration")?;
            let outcome = core
                .apply_resource_change(entry, &req_id, prior, planned, config, req.planned_private)
                .await;
            let mut diags = outcome.diagnostics;
            let new_state = encode_or(
                &outcome.state,
                &entry.ty,
                "the new state",
                req.prior_state.clone(),
                &mut diags,
            );
            Ok(pb::apply_resource_change::Response {
                new_state,
                private: outcome.private,
                diagnostics: diagnostics_to_proto(diags),
                ..Default::default()
            })
        })
        .await
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = request.into_inner();
        let core = &self.core;
        let req_id = new_req_id();
        let subject = Subject::Resource(&req.type_name);
        rpc("ImportResourceState", subject, req_id.clone(), async {
            let entry = core.resource(&req.type_name)?;
            if req.id.is_empty() && req.identity.is_some() {
                return Err(unsupported(
                    "import by resource identity; import by id instead",
                ));
            }
            let outcome = core.import_resource_state(entry, &req_id, &req.id).await;
            let mut diags = outcome.diagnostics;
            let mut imported_resources = Vec::new();
            if !outcome.state.is_null() {
                let state = encode_or(
                    &outcome.state,
                    &entry.ty,
                    "the imported state",
                    None,
                    &mut diags,
                );
                if state.is_some() {
                    imported_resources.push(pb::import_resource_state::ImportedResource {
                        type_name: req.type_name.clone(),
                        state,
                        private: outcome.private,
                        identity: None,
                    });
                }
            }
            Ok(pb::import_resource_state::Response {
                imported_resources,
                diagnostics: diagnostics_to_proto(diags),
                deferred: None,
            })
        })
        .await
    }

    async fn move_resource_state(
        &self,
        request: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let req = request.into_inner();
        let what = format!(
            "moving state from {} ({}) into {}; use terraform import instead",
            req.source_type_name, req.source_provider_address, req.target_type_name
        );
        refuse("MoveResourceState", &req.target_type_name, &what).await
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = request.into_inner();
        let core = &self.core;
        let req_id = new_req_id();
        let subject = Subject::DataSource(&req.type_name);
        rpc("ReadDataSource", subject, req_id.clone(), async {
            let entry = core.data_source(&req.type_name)?;
            let config = decode_dynamic(
                req.config.as_ref(),
                &entry.ty,
                "the data source configuration",
            )?;
            let (state, mut diags) = core.read_data_source(entry, &req_id, config).await;
            let mut resp = pb::read_data_source::Response::default();
            if !state.is_null() {
                resp.state = encode_or(
                    &state,
                    &entry.ty,
                    "the data source result",
                    None,
                    &mut diags,
                );
            }
            resp.diagnostics = diagnostics_to_proto(diags);
            Ok(resp)
        })
        .await
    }

    async fn generate_resource_config(
        &self,
        request: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        let req = request.into_inner();
        refuse(
            "GenerateResourceConfig",
            &req.type_name,
            "provider-side configuration generation",
        )
        .await
    }

    async fn validate_ephemeral_resource_config(
        &self,
        request: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        let req = request.into_inner();
        let what = format!("ephemeral resources (no type {:?})", req.type_name);
        refuse("ValidateEphemeralResourceConfig", &req.type_name, &what).await
    }

    async fn open_ephemeral_resource(
        &self,
        request: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        let req = request.into_inner();
        let what = format!("ephemeral resources (no type {:?})", req.type_name);
        refuse("OpenEphemeralResource", &req.type_name, &what).await
    }

    async fn renew_ephemeral_resource(
        &self,
        request: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        let req = request.into_inner();
        refuse(
            "RenewEphemeralResource",
            &req.type_name,
            "ephemeral resources",
        )
        .await
    }

    async fn close_ephemeral_resource(
        &self,
        request: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        let req = request.into_inner();
        refuse(
            "CloseEphemeralResource",
            &req.type_name,
            "ephemeral resources",
        )
        .await
    }

    async fn validate_list_resource_config(
        &self,
        request: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let req = request.into_inner();
        let what = format!("list resources (no type {:?})", req.type_name);
        refuse("ValidateListResourceConfig", &req.type_name, &what).await
    }

    async fn get_functions(
        &self,
        _request: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        rpc("GetFunctions", Subject::Provider, new_req_id(), async {
            Ok(pb::get_functions::Response::default())
        })
        .await
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        // CallFunction reports errors in FunctionError, not diagnostics.
        let req = request.into_inner();
        tracing::debug!(tf_rpc = "CallFunction", tf_function_name = %req.name, "Received request for an unknown function");
        Ok(Response::new(pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text: format!("This provider has no function named {:?}.", req.name),
                function_argument: None,
            }),
        }))
    }

    async fn plan_action(
        &self,
        request: Request<pb::plan_action::Request>,
    ) -> Result<Response<pb::plan_action::Response>, Status> {
        let req = request.into_inner();
        let what = format!("actions (no action {:?})", req.action_type);
        refuse("PlanAction", &req.action_type, &what).await
    }

    async fn validate_action_config(
        &self,
        request: Request<pb::validate_action_config::Request>,
    ) -> Result<Response<pb::validate_action_config::Response>, Status> {
        let req = request.into_inner();
        let what = format!("actions (no action {:?})", req.type_name);
        refuse("ValidateActionConfig", &req.type_name, &what).await
    }

    async fn stop(
        &self,
        _request: Request<pb::stop::Request>,
    ) -> Result<Response<pb::stop::Response>, Status> {
        let req_id = new_req_id();
        tracing::debug!(tf_rpc = "Stop", tf_req_id = %req_id, "Received request: cancelling in-flight operations");
        self.core.stop();
        Ok(Response::new(pb::stop::Response {
            error: String::new(),
        }))
    }
}
