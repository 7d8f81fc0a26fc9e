//! The protocol-independent core of the dispatch: registered types, the
//! configured provider data, the stop token, and each operation expressed on
//! decoded values. `grpc` adds the wire (decoding, encoding, logging).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use tokio_util::sync::CancellationToken;

use super::config_walk::validate_block;
use super::context::{Context, Deadline};
use super::data_source::DataSource;
use super::plan::{check_plan_valid, merge_paths, plan_change};
use super::private::{imported_marker, take_import_marker};
use super::provider::{ConfigureRequest, Provider};
use super::resource::{
    CreateRequest, DeleteRequest, ImportRequest, PlanChange, ReadRequest, Resource, UpdateRequest,
    UpgradeRequest,
};
use super::schema::{Block, Schema, SchemaError};
use super::timeouts::{Operation, TIMEOUTS_BLOCK};
use super::values::{unknown_paths, unknowns_to_null, values_equal};
use tfvalue::Diagnostics;
use tfvalue::{AttributePath, Type, Value};

/// A provider that cannot be served as written (found at start-up).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameworkError {
    /// A schema breaks Terraform's or the framework's rules.
    #[error("invalid schema for {owner}: {}", .errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidSchema {
        /// The resource, data source or provider whose schema it is.
        owner: String,
        /// Every mistake found in it.
        errors: Vec<SchemaError>,
    },
    /// Two resources (or two data sources) with one type name.
    #[error("{kind} type {name:?} is registered twice")]
    DuplicateTypeName {
        /// `resource` or `data source`.
        kind: &'static str,
        /// The type name.
        name: String,
    },
}

pub(crate) struct ResourceEntry<D: Send + Sync + 'static> {
    pub type_name: String,
    pub resource: Arc<dyn Resource<D>>,
    pub schema: Schema,
    pub ty: Type,
}

pub(crate) struct DataSourceEntry<D: Send + Sync + 'static> {
    pub type_name: String,
    pub data_source: Arc<dyn DataSource<D>>,
    pub schema: Schema,
    pub ty: Type,
}

/// Result of planning: what goes back in `PlanResourceChange.Response`.
#[derive(Debug)]
pub(crate) struct PlanOutcome {
    pub planned: Value,
    pub requires_replace: Vec<AttributePath>,
    pub planned_private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

/// A new state (null = none / removed) with its private bytes.
#[derive(Debug)]
pub(crate) struct StateOutcome {
    pub state: Value,
    pub private: Vec<u8>,
    pub diagnostics: Diagnostics,
}

pub(crate) struct Core<P: Provider> {
    provider: P,
    provider_schema: Schema,
    provider_type: Type,
    resources: BTreeMap<String, ResourceEntry<P::Data>>,
    data_sources: BTreeMap<String, DataSourceEntry<P::Data>>,
    data: RwLock<Option<Arc<P::Data>>>,
    stop: Mutex<CancellationToken>,
}

fn checked(owner: String, schema: &Schema) -> Result<(), FrameworkError> {
    let errors = schema.check();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(FrameworkError::InvalidSchema { owner, errors })
    }
}

/// Checks each implementation's schema and indexes the entries by type
/// name; a name given twice is an error. `kind` names them in errors.
fn register<T: ?Sized, E>(
    kind: &'static str,
    implementations: Vec<Arc<T>>,
    describe: impl Fn(&T) -> (String, Schema),
    entry: impl Fn(String, Arc<T>, Schema, Type) -> E,
) -> Result<BTreeMap<String, E>, FrameworkError> {
    let mut entries = BTreeMap::new();
    for implementation in implementations {
        let (name, schema) = describe(&implementation);
        checked(format!("{kind} {name}"), &schema)?;
        let ty = schema.value_type();
        let made = entry(name.clone(), implementation, schema, ty);
        if entries.insert(name.clone(), made).is_some() {
            return Err(FrameworkError::DuplicateTypeName { kind, name });
        }
    }
    Ok(entries)
}

impl<P: Provider> Core<P> {
    pub fn new(provider: P) -> Result<Self, FrameworkError> {
        let provider_schema = provider.schema();
        checked("the provider".to_owned(), &provider_schema)?;
        let resources = register(
            "resource",
            provider.resources(),
            |r| (r.type_name().to_owned(), r.schema()),
            |type_name, resource, schema, ty| ResourceEntry {
                type_name,
                resource,
                schema,
                ty,
            },
        )?;
        let data_sources = register(
            "data source",
            provider.data_sources(),
            |d| (d.type_name().to_owned(), d.schema()),
            |type_name, data_source, schema, ty| DataSourceEntry {
                type_name,
                data_source,
                schema,
                ty,
            },
        )?;
        Ok(Self {
            provider_type: provider_schema.value_type(),
            provider,
            provider_schema,
            resources,
            data_sources,
            data: RwLock::new(None),
            stop: Mutex::new(CancellationToken::new()),
        })
    }

    pub fn provider_schema(&self) -> &Schema {
        &self.provider_schema
    }

    pub fn provider_type(&self) -> &Type {
        &self.provider_type
    }

    pub fn resources(&self) -> &BTreeMap<String, ResourceEntry<P::Data>> {
        &self.resources
    }

    pub fn data_sources(&self) -> &BTreeMap<String, DataSourceEntry<P::Data>> {
        &self.data_sources
    }

    pub fn resource(&self, type_name: &str) -> Result<&ResourceEntry<P::Data>, Diagnostics> {
        self.resources
            .get(type_name)
            .ok_or_else(|| unknown_type("resource", type_name, self.resources.keys()))
    }

    pub fn data_source(&self, type_name: &str) -> Result<&DataSourceEntry<P::Data>, Diagnostics> {
        self.data_sources
            .get(type_name)
            .ok_or_else(|| unknown_type("data source", type_name, self.data_sources.keys()))
    }

    /// Cancels everything in flight and arms a fresh token, so calls made
    /// after a `Stop` (Terraform does not normally make any) run normally.
    /// terraform-plugin-sdk v2 resets its stop channel the same way.
    pub fn stop(&self) {
        let mut token = self.stop.lock().unwrap_or_else(PoisonError::into_inner);
        token.cancel();
        *token = CancellationToken::new();
    }

    fn stop_token(&self) -> CancellationToken {
        self.stop
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn context(
        &self,
        type_name: &str,
        request_id: &str,
        deadline: Option<Deadline>,
    ) -> Result<Context<P::Data>, Diagnostics> {
        let data = self
            .data
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match data {
            Some(data) => Ok(Context::new(
                data,
                self.stop_token(),
                deadline,
                type_name,
                request_id,
            )),
            None => {
                let mut d = Diagnostics::new();
                d.error(
                    "Provider not configured",
                    format!(
                        "{type_name} needs a configured provider, but Configure has not succeeded in this provider process."
                    ),
                );
                Err(d)
            }
        }
    }

    pub async fn validate_provider_config(&self, config: &Value) -> Diagnostics {
        let mut diags = schema_checks(&self.provider_schema.block, config);
        self.provider.validate(config, &mut diags).await;
        diags
    }

    pub async fn configure(&self, terraform_version: &str, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let req = ConfigureRequest {
            config,
            terraform_version,
        };
        let data = self.provider.configure(req, &mut diags).await;
        match data {
            Some(data) => {
                *self.data.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(data));
            }
            None if !diags.has_errors() => diags.error(
                "Provider configuration failed",
                "The provider produced no configuration and no error. This is a bug in the provider.",
            ),
            None => {}
        }
        diags
    }

    pub async fn validate_resource_config(
        &self,
        entry: &ResourceEntry<P::Data>,
        config: &Value,
    ) -> Diagnostics {
        let mut diags = schema_checks(&entry.schema.block, config);
        entry.resource.validate(config, &mut diags).await;
        diags
    }

    pub async fn validate_data_source_config(
        &self,
        entry: &DataSourceEntry<P::Data>,
        config: &Value,
    ) -> Diagnostics {
        let mut diags = schema_checks(&entry.schema.block, config);
        entry.data_source.validate(config, &mut diags).await;
        diags
    }

    /// `raw_json` is the stored state's attributes; `None` when the state
    /// only has the pre-0.12 flatmap form.
    pub fn upgrade_resource_state(
        &self,
        entry: &ResourceEntry<P::Data>,
        version: i64,
        raw_json: Option<&[u8]>,
    ) -> (Value, Diagnostics) {
        let type_name = entry.type_name.as_str();
        let mut diags = Diagnostics::new();
        if version > entry.schema.version {
            diags.error(
                "Resource instance managed by a newer provider version",
                format!(
                    "The state of this {type_name} was written with schema version {version}, but this provider only knows versions up to {}. Upgrade the provider.",
                    entry.schema.version
                ),
            );
            return (Value::Null, diags);
        }
        let Some(raw_json) = raw_json else {
            diags.error(
                "Unsupported legacy state",
                format!(
                    "The state of this {type_name} is in the flatmap format written by Terraform before 0.12, which this provider cannot read. Re-import the object (terraform state rm, then terraform import)."
                ),
            );
            return (Value::Null, diags);
        };
        let raw: serde_json::Value = match serde_json::from_slice(raw_json) {
            Ok(v) => v,
            Err(e) => {
                diags.error(
                    "Cannot read the stored state",
                    format!("The stored state of this {type_name} is not valid JSON: {e}."),
                );
                return (Value::Null, diags);
            }
        };
        let req = UpgradeRequest {
            version,
            raw: &raw,
            schema: &entry.schema,
        };
        let upgraded = entry.resource.upgrade_state(req, &mut diags);
        let state = match upgraded {
            Some(v) => finish_state(&entry.ty, type_name, "upgrade_state", v, true, &mut diags),
            None => {
                nothing_returned(
                    &mut diags,
                    "State upgrade produced nothing",
                    "upgrade_state of ",
                    type_name,
                );
                None
            }
        };
        (state.unwrap_or(Value::Null), diags)
    }

    fn deadline(&self, schema: &Schema, op: Operation, object: &Value) -> Option<Deadline> {
        schema
            .timeouts
            .as_ref()
            .and_then(|t| t.resolve(op, object))
            .map(|timeout| Deadline::starting_now(op, timeout))
    }

    pub async fn read_resource(
        &self,
        entry: &ResourceEntry<P::Data>,
        request_id: &str,
        current: Value,
        private: &[u8],
    ) -> StateOutcome {
        let type_name = entry.type_name.as_str();
        let (imported, private) = take_import_marker(private);
        let deadline = self.deadline(&entry.schema, Operation::Read, &current);
        let ctx = match self.context(type_name, request_id, deadline) {
            Ok(ctx) => ctx,
            Err(diagnostics) => return keep(current, private, diagnostics),
        };
        let mut diags = Diagnostics::new();
        let req = ReadRequest {
            state: &current,
            imported,
        };
        let read = entry.resource.read(&ctx, req, &mut diags).await;
        let read = read.map(|v| carry_timeouts(&entry.schema, &current, v));
        let state = match read {
            Some(v) => match finish_state(&entry.ty, type_name, "read", v, true, &mut diags) {
                Some(v) => v,
                None => current,
            },
            // An error is not evidence that the object is gone: keep it.
            None if diags.has_errors() => current,
            None => Value::Null,
        };
        StateOutcome {
            state,
            private,
            diagnostics: diags,
        }
    }

    pub async fn plan_resource_change(
        &self,
        entry: &ResourceEntry<P::Data>,
        request_id: &str,
        prior: Value,
        proposed: Value,
        config: Value,
        prior_private: Vec<u8>,
    ) -> PlanOutcome {
        let type_name = entry.type_name.as_str();
        let ctx = match self.context(type_name, request_id, None) {
            Ok(ctx) => ctx,
            Err(diagnostics) => {
                return PlanOutcome {
                    planned: proposed,
                    requires_replace: Vec::new(),
                    planned_private: prior_private,
                    diagnostics,
                }
            }
        };
        let framework_plan = plan_change(&entry.schema, &prior, &config, &proposed);
        let mut diags = Diagnostics::new();
        let non_null = |v: &Value| !matches!(v, Value::Null);
        let planned = Some(framework_plan.planned).filter(non_null);
        let mut change = PlanChange::new(
            &entry.schema,
            Some(&prior).filter(|v| non_null(v)),
            Some(&config).filter(|v| non_null(v)),
            planned,
            framework_plan.requires_replace,
        );
        entry
            .resource
            .modify_plan(&ctx, &mut change, &mut diags)
            .await;
        let (planned, hook_paths) = change.into_parts();
        let mut planned = planned.unwrap_or(Value::Null);
        planned.canonicalize();
        let mut requires_replace = Vec::new();
        if non_null(&prior) && non_null(&planned) {
            merge_paths(&mut requires_replace, hook_paths);
        }
        if !diags.has_errors() {
            if let Err(e) = planned.check_conformance(&entry.ty) {
                diags.attribute_error(
                    e.path.clone(),
                    "Provider produced an invalid plan",
                    format!(
                        "The plan for {type_name} does not match its schema at {}: {}. This is a bug in the provider.",
                        describe_path(&e.path),
                        e.kind
                    ),
                );
            }
            for v in check_plan_valid(&entry.schema, &prior, &config, &planned) {
                diags.attribute_error(
                    v.path.clone(),
                    "Provider produced an invalid plan",
                    format!(
                        "The plan for {type_name} is invalid at {}: {}. This is a bug in the provider.",
                        describe_path(&v.path),
                        v.message
                    ),
                );
            }
        }
        PlanOutcome {
            planned,
            requires_replace,
            planned_private: prior_private,
            diagnostics: diags,
        }
    }

    pub async fn apply_resource_change(
        &self,
        entry: &ResourceEntry<P::Data>,
        request_id: &str,
        prior: Value,
        planned: Value,
        config: Value,
        planned_private: Vec<u8>,
    ) -> StateOutcome {
        let type_name = entry.type_name.as_str();
        // The import marker only concerns the read right after an import.
        let (_, private) = take_import_marker(&planned_private);
        let (op, deadline_from) = match (&prior, &planned) {
            (_, Value::Null) => (Operation::Delete, &prior),
            (Value::Null, _) => (Operation::Create, &planned),
            _ => (Operation::Update, &planned),
        };
        let deadline = self.deadline(&entry.schema, op, deadline_from);
        let ctx = match self.context(type_name, request_id, deadline) {
            Ok(ctx) => ctx,
            Err(diagnostics) => return keep(prior, private, diagnostics),
        };
        let mut diags = Diagnostics::new();
        let res = &entry.resource;
        let state = match op {
            Operation::Delete => {
                res.delete(&ctx, DeleteRequest { prior: &prior }, &mut diags)
                    .await;
                if diags.has_errors() {
                    prior
                } else {
                    Value::Null
                }
            }
            Operation::Create => {
                let req = CreateRequest {
                    config: &config,
                    planned: &planned,
                };
                let created = res.create(&ctx, req, &mut diags).await;
                let created = created.map(|v| carry_timeouts(&entry.schema, &planned, v));
                match created {
                    // Errors with a state: record what exists so Terraform
                    // taints it instead of orphaning it.
                    Some(v) => finish_state(
                        &entry.ty,
                        type_name,
                        "create",
                        v,
                        !diags.has_errors(),
                        &mut diags,
                    )
                    .unwrap_or(Value::Null),
                    None => {
                        nothing_returned(
                            &mut diags,
                            "Provider returned no object after create",
                            "create of ",
                            type_name,
                        );
                        Value::Null
                    }
                }
            }
            Operation::Update | Operation::Read => {
                if only_timeouts_changed(&entry.schema, &prior, &planned) {
                    // Nothing for the API to do: the new timeouts take effect
                    // by being stored.
                    planned
                } else {
                    let req = UpdateRequest {
                        prior: &prior,
                        config: &config,
                        planned: &planned,
                    };
                    let updated = res.update(&ctx, req, &mut diags).await;
                    let updated = updated.map(|v| carry_timeouts(&entry.schema, &planned, v));
                    match updated {
                        Some(v) => finish_state(
                            &entry.ty,
                            type_name,
                            "update",
                            v,
                            !diags.has_errors(),
                            &mut diags,
                        )
                        .unwrap_or(prior),
                        None => {
                            nothing_returned(
                                &mut diags,
                                "Provider returned no object after update",
                                "update of ",
                                type_name,
                            );
                            prior
                        }
                    }
                }
            }
        };
        StateOutcome {
            state,
            private,
            diagnostics: diags,
        }
    }

    pub async fn import_resource_state(
        &self,
        entry: &ResourceEntry<P::Data>,
        request_id: &str,
        id: &str,
    ) -> StateOutcome {
        let type_name = entry.type_name.as_str();
        let ctx = match self.context(type_name, request_id, None) {
            Ok(ctx) => ctx,
            Err(diagnostics) => return keep(Value::Null, Vec::new(), diagnostics),
        };
        let mut diags = Diagnostics::new();
        let req = ImportRequest {
            id,
            schema: &entry.schema,
        };
        let imported = entry.resource.import(&ctx, req, &mut diags).await;
        let state = match imported {
            Some(v) => finish_state(&entry.ty, type_name, "import", v, false, &mut diags),
            None => {
                nothing_returned(
                    &mut diags,
                    "Import produced nothing",
                    "import of ",
                    type_name,
                );
                None
            }
        };
        StateOutcome {
            state: state.unwrap_or(Value::Null),
            private: imported_marker(),
            diagnostics: diags,
        }
    }

    pub async fn read_data_source(
        &self,
        entry: &DataSourceEntry<P::Data>,
        request_id: &str,
        config: Value,
    ) -> (Value, Diagnostics) {
        let type_name = entry.type_name.as_str();
        let ctx = match self.context(type_name, request_id, None) {
            Ok(ctx) => ctx,
            Err(diags) => return (Value::Null, diags),
        };
        let mut diags = Diagnostics::new();
        let read = entry.data_source.read(&ctx, &config, &mut diags).await;
        let state = match read {
            Some(v) => finish_state(&entry.ty, type_name, "read", v, true, &mut diags),
            None => {
                nothing_returned(
                    &mut diags,
                    "Provider returned no data",
                    "read of data source ",
                    type_name,
                );
                None
            }
        };
        (state.unwrap_or(Value::Null), diags)
    }
}

fn keep(state: Value, private: Vec<u8>, diagnostics: Diagnostics) -> StateOutcome {
    StateOutcome {
        state,
        private,
        diagnostics,
    }
}

fn unknown_type<'a>(
    kind: &str,
    name: &str,
    known: impl Iterator<Item = &'a String>,
) -> Diagnostics {
    let known: Vec<&str> = known.map(String::as_str).collect();
    let mut d = Diagnostics::new();
    d.error(
        format!("Unknown {kind} type"),
        format!(
            "This provider has no {kind} type named {name:?}. Known {kind} types: {}.",
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        ),
    );
    d
}

fn describe_path(path: &AttributePath) -> String {
    if path.0.is_empty() {
        "the top level".to_owned()
    } else {
        path.to_string()
    }
}

/// Checks a state a resource returned: it must conform to the schema type
/// (otherwise it cannot even be encoded) and be wholly known. With
/// `unknowns_are_bugs` false (partial states returned with errors, imports)
/// unknowns silently become null, as Terraform expects.
fn finish_state(
    ty: &Type,
    type_name: &str,
    operation: &str,
    mut value: Value,
    unknowns_are_bugs: bool,
    diags: &mut Diagnostics,
) -> Option<Value> {
    if matches!(value, Value::Null) {
        return Some(value);
    }
    if let Err(e) = value.check_conformance(ty) {
        diags.error(
            "Provider produced an invalid object",
            format!(
                "{operation} of {type_name} returned a value that does not match the schema at {}: {}. This is a bug in the provider.",
                describe_path(&e.path),
                e.kind
            ),
        );
        return None;
    }
    // Resources may build sets in any order; keep stored sets canonical.
    value.canonicalize();
    if value.is_wholly_known() {
        return Some(value);
    }
    if unknowns_are_bugs {
        let paths = unknown_paths(&value);
        let listed: Vec<String> = paths.iter().map(describe_path).collect();
        diags.error(
            "Provider returned unknown values",
            format!(
                "{operation} of {type_name} left these values unknown: {}. They were stored as null. This is a bug in the provider.",
                listed.join(", ")
            ),
        );
    }
    Some(unknowns_to_null(value))
}

/// The `timeouts` block belongs to the configuration, never to the remote
/// object: whatever a resource returns, the stored value is the one from
/// `source` (planned state after create/update, current state after read),
/// so a resource cannot drop it by building its state from scratch.
fn carry_timeouts(schema: &Schema, source: &Value, mut value: Value) -> Value {
    if schema.timeouts.is_some() && !value.is_null() {
        let timeouts = source
            .get_attr(TIMEOUTS_BLOCK)
            .cloned()
            .unwrap_or(Value::Null);
        value.set_attr(TIMEOUTS_BLOCK, timeouts);
    }
    value
}

fn only_timeouts_changed(schema: &Schema, prior: &Value, planned: &Value) -> bool {
    let (Value::Object(p), Value::Object(n)) = (prior, planned) else {
        return false;
    };
    if schema.timeouts.is_none() || !planned.is_wholly_known() {
        return false;
    }
    let strip = |m: &BTreeMap<String, Value>| {
        let mut m = m.clone();
        m.remove(TIMEOUTS_BLOCK);
        Value::Object(m)
    };
    values_equal(&strip(p), &strip(n))
}

/// The error for an implementation that returned no object and no error
/// (unless it reported an error itself): a bug in the provider, said once here.
fn nothing_returned(diags: &mut Diagnostics, summary: &str, what: &str, type_name: &str) {
    if !diags.has_errors() {
        diags.error(
            summary,
            format!(
                "{what}{type_name} returned nothing and no error. This is a bug in the provider."
            ),
        );
    }
}

/// The schema's own checks of a configuration (required and conflicting
/// attributes, nested block counts, validators), before the type's
/// cross-attribute `validate`.
fn schema_checks(block: &Block, config: &Value) -> Diagnostics {
    let mut diags = Diagnostics::new();
    validate_block(block, &AttributePath::root(), config, &mut diags);
    diags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_returned_is_a_provider_bug_unless_an_error_says_why() {
        let mut diags = Diagnostics::new();
        nothing_returned(
            &mut diags,
            "Import produced nothing",
            "import of ",
            "x_thing",
        );
        let reported: Vec<&tfvalue::Diagnostic> = diags.iter().collect();
        assert_eq!(reported.len(), 1);
        assert_eq!(reported[0].summary, "Import produced nothing");
        assert_eq!(
            reported[0].detail,
            "import of x_thing returned nothing and no error. This is a bug in the provider."
        );

        let mut diags = Diagnostics::new();
        diags.error("Not found", "the object is gone");
        nothing_returned(
            &mut diags,
            "Import produced nothing",
            "import of ",
            "x_thing",
        );
        assert_eq!(
            diags.iter().count(),
            1,
            "the implementation's own error stands alone"
        );
    }
}
