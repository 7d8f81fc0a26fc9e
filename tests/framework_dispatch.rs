//! Drives the framework's gRPC dispatch directly through the generated
//! `tfplugin5.Provider` trait methods, with msgpack-encoded DynamicValues, the
//! way Terraform does, against the test provider in `framework_support`.

mod framework_support;

use std::collections::BTreeMap;

use tonic::Request;

use framework_support::{resource_schema, str_at, Shared, TestProvider, LOOKUP, TYPE};
use tfplugin5::proto::tfplugin5 as pb;
use tfplugin5::proto::tfplugin5::provider_server::Provider as _;
use tfplugin5_framework::schema::{Block, Nesting, Schema};
use tfplugin5_framework::GrpcProvider;
use tfvalue::{decode_msgpack, encode_msgpack, AttributePath, Type, Value};

// ---------------------------------------------------------------------------
// Harness: Terraform's side of the conversation
// ---------------------------------------------------------------------------

struct Harness {
    svc: GrpcProvider<TestProvider>,
    shared: Shared,
    schema: Schema,
    ty: Type,
}

fn dv(value: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: encode_msgpack(value, ty).expect("test values encode"),
        json: Vec::new(),
    })
}

fn undv(value: Option<&pb::DynamicValue>, ty: &Type) -> Value {
    let v = value.expect("response carries a value");
    decode_msgpack(&v.msgpack, ty).expect("response decodes with the schema type")
}

fn path_string(p: &pb::AttributePath) -> String {
    use pb::attribute_path::step::Selector;
    let mut out = String::new();
    for step in &p.steps {
        match step.selector.as_ref().expect("selector") {
            Selector::AttributeName(n) if out.is_empty() => out.push_str(n),
            Selector::AttributeName(n) => out.push_str(&format!(".{n}")),
            Selector::ElementKeyString(k) => out.push_str(&format!("[{k:?}]")),
            Selector::ElementKeyInt(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn errors(diags: &[pb::Diagnostic]) -> Vec<&pb::Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .collect()
}

fn error_paths(diags: &[pb::Diagnostic]) -> Vec<String> {
    errors(diags)
        .iter()
        .map(|d| d.attribute.as_ref().map(path_string).unwrap_or_default())
        .collect()
}

/// `objchange.ProposedNew` for the shapes the test schema uses: computed
/// attributes left null in config take the prior value; list blocks merge
/// element-wise.
fn proposed_new(block: &Block, prior: &Value, config: &Value) -> Value {
    if config.is_null() || config.is_unknown() {
        return config.clone();
    }
    let mut out = BTreeMap::new();
    for a in &block.attributes {
        let c = config.get_attr(&a.name).cloned().unwrap_or(Value::Null);
        let v = if a.computed && c.is_null() {
            prior.get_attr(&a.name).cloned().unwrap_or(Value::Null)
        } else {
            c
        };
        out.insert(a.name.clone(), v);
    }
    for b in &block.blocks {
        let c = config
            .get_attr(&b.type_name)
            .cloned()
            .unwrap_or(Value::Null);
        let p = prior.get_attr(&b.type_name).cloned().unwrap_or(Value::Null);
        let v = match (b.nesting, &c) {
            (Nesting::List, Value::List(items)) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, ce)| {
                        let pe = p
                            .as_list()
                            .and_then(|l| l.get(i))
                            .cloned()
                            .unwrap_or(Value::Null);
                        proposed_new(&b.block, &pe, ce)
                    })
                    .collect(),
            ),
            (Nesting::Single | Nesting::Group, _) => proposed_new(&b.block, &p, &c),
            _ => c,
        };
        out.insert(b.type_name.clone(), v);
    }
    Value::Object(out)
}

/// A configuration of the test resource as Terraform sends it.
#[derive(Clone)]
struct Cfg {
    name: &'static str,
    bandwidth: i64,
    description: Option<&'static str>,
    delete_protect: Option<bool>,
    tags: Vec<(&'static str, &'static str)>,
    payment: &'static str,
    reservation: Option<i64>,
    create_timeout: Option<&'static str>,
}

impl Default for Cfg {
    fn default() -> Self {
        Self {
            name: "alpha",
            bandwidth: 10,
            description: None,
            delete_protect: None,
            tags: vec![("env", "dev")],
            payment: "Postpaid",
            reservation: None,
            create_timeout: None,
        }
    }
}

impl Cfg {
    fn value(&self) -> Value {
        let reservation: Vec<Value> = self
            .reservation
            .map(|len| {
                Value::object([
                    ("reservation_length", Value::number(len)),
                    ("reservation_time_unit", Value::Null),
                ])
            })
            .into_iter()
            .collect();
        Value::object([
            ("id", Value::Null),
            ("name", Value::string(self.name)),
            ("bandwidth", Value::number(self.bandwidth)),
            (
                "description",
                self.description.map_or(Value::Null, Value::string),
            ),
            ("status", Value::Null),
            (
                "delete_protect",
                self.delete_protect.map_or(Value::Null, Value::bool),
            ),
            (
                "tags",
                Value::map(self.tags.iter().map(|(k, v)| (*k, Value::string(*v)))),
            ),
            (
                "billing",
                Value::list([Value::object([
                    ("payment_timing", Value::string(self.payment)),
                    ("reservation", Value::list(reservation)),
                ])]),
            ),
            (
                "timeouts",
                match self.create_timeout {
                    Some(t) => Value::object([
                        ("create", Value::string(t)),
                        ("update", Value::Null),
                        ("delete", Value::Null),
                    ]),
                    None => Value::Null,
                },
            ),
        ])
    }
}

struct Plan {
    planned: Value,
    replace: Vec<String>,
    private: Vec<u8>,
    diags: Vec<pb::Diagnostic>,
}

struct Applied {
    state: Value,
    private: Vec<u8>,
    diags: Vec<pb::Diagnostic>,
}

impl Harness {
    fn new() -> Self {
        let shared = Shared::default();
        let svc = GrpcProvider::new(TestProvider {
            shared: shared.clone(),
        })
        .expect("valid provider");
        let schema = resource_schema();
        let ty = schema.value_type();
        Self {
            svc,
            shared,
            schema,
            ty,
        }
    }

    async fn configured() -> Self {
        let h = Self::new();
        h.configure("bj").await;
        h
    }

    async fn configure(&self, region: &str) {
        let ty = Type::object([("region", Type::String)]);
        let resp = self
            .svc
            .configure(Request::new(pb::configure::Request {
                terraform_version: "1.15.5".into(),
                config: dv(&Value::object([("region", Value::string(region))]), &ty),
                client_capabilities: None,
            }))
            .await
            .expect("rpc")
            .into_inner();
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    }

    async fn validate(&self, config: &Value) -> Vec<pb::Diagnostic> {
        self.svc
            .validate_resource_type_config(Request::new(
                pb::validate_resource_type_config::Request {
                    type_name: TYPE.into(),
                    config: dv(config, &self.ty),
                    client_capabilities: None,
                },
            ))
            .await
            .expect("rpc")
            .into_inner()
            .diagnostics
    }

    async fn plan_private(&self, prior: &Value, config: &Value, prior_private: Vec<u8>) -> Plan {
        let proposed = proposed_new(&self.schema.block, prior, config);
        let resp = self
            .svc
            .plan_resource_change(Request::new(pb::plan_resource_change::Request {
                type_name: TYPE.into(),
                prior_state: dv(prior, &self.ty),
                proposed_new_state: dv(&proposed, &self.ty),
                config: dv(config, &self.ty),
                prior_private,
                ..Default::default()
            }))
            .await
            .expect("rpc")
            .into_inner();
        let planned = match &resp.planned_state {
            Some(v) => decode_msgpack(&v.msgpack, &self.ty).expect("planned state decodes"),
            None => Value::Null,
        };
        Plan {
            planned,
            replace: resp.requires_replace.iter().map(path_string).collect(),
            private: resp.planned_private,
            diags: resp.diagnostics,
        }
    }

    async fn plan(&self, prior: &Value, config: &Value) -> Plan {
        self.plan_private(prior, config, Vec::new()).await
    }

    async fn apply(&self, prior: &Value, planned: &Value, config: &Value) -> Applied {
        apply_with(&self.svc, &self.ty, prior, planned, config).await
    }

    /// plan + apply of a create or update that must succeed.
    async fn converge(&self, prior: &Value, cfg: &Cfg) -> Value {
        let config = cfg.value();
        let plan = self.plan(prior, &config).await;
        assert!(plan.diags.is_empty(), "{:?}", plan.diags);
        let applied = self.apply(prior, &plan.planned, &config).await;
        assert!(applied.diags.is_empty(), "{:?}", applied.diags);
        applied.state
    }

    async fn read(&self, state: &Value, private: Vec<u8>) -> (Value, Vec<u8>, Vec<pb::Diagnostic>) {
        let resp = self
            .svc
            .read_resource(Request::new(pb::read_resource::Request {
                type_name: TYPE.into(),
                current_state: dv(state, &self.ty),
                private,
                ..Default::default()
            }))
            .await
            .expect("rpc")
            .into_inner();
        (
            undv(resp.new_state.as_ref(), &self.ty),
            resp.private,
            resp.diagnostics,
        )
    }
}

async fn apply_with(
    svc: &GrpcProvider<TestProvider>,
    ty: &Type,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> Applied {
    let resp = svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: TYPE.into(),
            prior_state: dv(prior, ty),
            planned_state: dv(planned, ty),
            config: dv(config, ty),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    Applied {
        state: undv(resp.new_state.as_ref(), ty),
        private: resp.private,
        diags: resp.diagnostics,
    }
}

fn attr<'a>(v: &'a Value, name: &str) -> &'a Value {
    v.get_attr(name)
        .unwrap_or_else(|| panic!("no attribute {name} in {v:?}"))
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_schema_describes_everything_terraform_needs() {
    let h = Harness::new();
    let resp = h
        .svc
        .get_schema(Request::new(pb::get_provider_schema::Request {}))
        .await
        .expect("rpc")
        .into_inner();
    assert!(resp.diagnostics.is_empty());
    let caps = resp.server_capabilities.expect("capabilities");
    assert!(caps.plan_destroy && caps.get_provider_schema_optional && !caps.move_resource_state);
    assert!(resp.provider.and_then(|p| p.block).is_some());
    assert!(
        resp.provider_meta.and_then(|p| p.block).is_some(),
        "provider_meta must carry a block"
    );
    assert_eq!(
        resp.data_source_schemas.keys().collect::<Vec<_>>(),
        [LOOKUP]
    );
    let schema = &resp.resource_schemas[TYPE];
    assert_eq!(schema.version, 1);
    let block = schema.block.as_ref().expect("block");
    let tags = block
        .attributes
        .iter()
        .find(|a| a.name == "tags")
        .expect("tags");
    assert_eq!(tags.r#type, br#"["map","string"]"#);
    let dp = block
        .attributes
        .iter()
        .find(|a| a.name == "delete_protect")
        .expect("delete_protect");
    assert!(
        dp.optional && dp.computed,
        "defaults make the attribute optional+computed"
    );
    let billing = block
        .block_types
        .iter()
        .find(|b| b.type_name == "billing")
        .expect("billing");
    assert_eq!(
        billing.nesting,
        pb::schema::nested_block::NestingMode::List as i32
    );
    assert_eq!((billing.min_items, billing.max_items), (1, 1));
    let reservation = &billing.block.as_ref().expect("block").block_types[0];
    assert_eq!(reservation.type_name, "reservation");
    let timeouts = block
        .block_types
        .iter()
        .find(|b| b.type_name == "timeouts")
        .expect("timeouts");
    assert_eq!(
        timeouts.nesting,
        pb::schema::nested_block::NestingMode::Single as i32
    );
    let names: Vec<&str> = timeouts
        .block
        .as_ref()
        .expect("block")
        .attributes
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(names, ["create", "update", "delete"]);
}

#[tokio::test]
async fn newer_rpcs_answer_sensibly() {
    let h = Harness::new();
    let meta = h
        .svc
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(
        meta.resources
            .iter()
            .map(|r| r.type_name.as_str())
            .collect::<Vec<_>>(),
        [TYPE]
    );
    assert_eq!(
        meta.data_sources
            .iter()
            .map(|r| r.type_name.as_str())
            .collect::<Vec<_>>(),
        [LOOKUP]
    );
    assert!(meta.server_capabilities.is_some_and(|c| c.plan_destroy));

    let funcs = h
        .svc
        .get_functions(Request::new(pb::get_functions::Request {}))
        .await
        .expect("rpc")
        .into_inner();
    assert!(funcs.functions.is_empty() && funcs.diagnostics.is_empty());
    let ids = h
        .svc
        .get_resource_identity_schemas(Request::new(pb::get_resource_identity_schemas::Request {}))
        .await
        .expect("rpc")
        .into_inner();
    assert!(ids.identity_schemas.is_empty() && ids.diagnostics.is_empty());

    let moved = h
        .svc
        .move_resource_state(Request::new(pb::move_resource_state::Request {
            source_type_name: "other_thing".into(),
            target_type_name: TYPE.into(),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(errors(&moved.diagnostics).len(), 1);
    assert!(moved.diagnostics[0].detail.contains("does not support"));

    let eph = h
        .svc
        .validate_ephemeral_resource_config(Request::new(
            pb::validate_ephemeral_resource_config::Request {
                type_name: "x".into(),
                config: None,
            },
        ))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(errors(&eph.diagnostics).len(), 1);
    let call = h
        .svc
        .call_function(Request::new(pb::call_function::Request {
            name: "f".into(),
            arguments: vec![],
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(call.error.is_some_and(|e| e.text.contains("no function")));
}

#[tokio::test]
async fn unknown_type_names_become_diagnostics() {
    let h = Harness::configured().await;
    let resp = h
        .svc
        .plan_resource_change(Request::new(pb::plan_resource_change::Request {
            type_name: "nope".into(),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(errors(&resp.diagnostics).len(), 1);
    assert!(
        resp.diagnostics[0].detail.contains("\"nope\"")
            && resp.diagnostics[0].detail.contains(TYPE)
    );
    let resp = h
        .svc
        .read_data_source(Request::new(pb::read_data_source::Request {
            type_name: TYPE.into(),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(
        errors(&resp.diagnostics).len(),
        1,
        "a resource name is not a data source name"
    );
}

#[tokio::test]
async fn validation_reports_attribute_paths() {
    let h = Harness::new();
    let ok = h.validate(&Cfg::default().value()).await;
    assert!(ok.is_empty(), "{ok:?}");

    let bad = Cfg {
        payment: "Monthly",
        bandwidth: 0,
        create_timeout: Some("10 minutes"),
        ..Cfg::default()
    };
    let diags = h.validate(&bad.value()).await;
    assert_eq!(
        error_paths(&diags),
        ["bandwidth", "billing[0].payment_timing", "timeouts.create"]
    );
    let payment = errors(&diags)[1];
    assert_eq!(payment.summary, "Invalid attribute value");
    assert_eq!(
        payment.detail,
        "billing[0].payment_timing must be one of \"Prepaid\", \"Postpaid\"; got \"Monthly\"."
    );

    let nested = Cfg {
        payment: "Prepaid",
        reservation: Some(5),
        ..Cfg::default()
    };
    let diags = h.validate(&nested.value()).await;
    assert_eq!(
        error_paths(&diags),
        ["billing[0].reservation[0].reservation_length"]
    );

    // Cross-attribute rule from Resource::validate.
    let prepaid_without_reservation = Cfg {
        payment: "Prepaid",
        ..Cfg::default()
    };
    assert_eq!(
        error_paths(&h.validate(&prepaid_without_reservation.value()).await),
        ["billing[0].reservation"]
    );

    // Unknown values are checked later, once known.
    let mut unknown = Cfg::default().value();
    unknown.set_attr("bandwidth", Value::unknown());
    assert!(h.validate(&unknown).await.is_empty());
}

#[tokio::test]
async fn plan_before_configure_is_an_error_not_a_crash() {
    let h = Harness::new();
    let plan = h.plan(&Value::Null, &Cfg::default().value()).await;
    assert_eq!(errors(&plan.diags).len(), 1);
    assert_eq!(plan.diags[0].summary, "Provider not configured");
}

#[tokio::test]
async fn full_lifecycle_create_noop_update_replace_destroy() {
    let h = Harness::configured().await;
    let cfg = Cfg {
        payment: "Prepaid",
        reservation: Some(12),
        ..Cfg::default()
    };
    let config = cfg.value();

    // Create plan: computed unknown, defaults applied (also nested), config untouched.
    let plan = h.plan(&Value::Null, &config).await;
    assert!(plan.diags.is_empty(), "{:?}", plan.diags);
    assert!(plan.replace.is_empty());
    assert!(attr(&plan.planned, "id").is_unknown());
    assert!(attr(&plan.planned, "status").is_unknown());
    assert_eq!(attr(&plan.planned, "delete_protect"), &Value::bool(false));
    let unit = AttributePath::root()
        .attr("billing")
        .index(0)
        .attr("reservation")
        .index(0)
        .attr("reservation_time_unit");
    assert_eq!(str_at(&plan.planned, &unit), Some("month"));
    assert_eq!(attr(&plan.planned, "tags"), attr(&config, "tags"));
    assert_eq!(attr(&plan.planned, "description"), &Value::Null);

    let created = h.apply(&Value::Null, &plan.planned, &config).await;
    assert!(created.diags.is_empty(), "{:?}", created.diags);
    let state = created.state;
    assert!(state.is_wholly_known());
    assert_eq!(attr(&state, "id"), &Value::string("tp-1"));
    assert_eq!(attr(&state, "status"), &Value::string("active"));
    assert_eq!(h.shared.cloud.lock().expect("cloud").len(), 1);

    // Same config again: a plan Terraform sees as no-op.
    let noop = h.plan(&state, &config).await;
    assert!(noop.diags.is_empty());
    assert_eq!(noop.planned, state);
    assert!(noop.replace.is_empty());

    // In-place update: id kept (use_state_for_unknown), status unknown.
    let bigger = Cfg {
        bandwidth: 20,
        description: Some("wider"),
        ..cfg.clone()
    };
    let plan = h.plan(&state, &bigger.value()).await;
    assert!(plan.diags.is_empty(), "{:?}", plan.diags);
    assert!(plan.replace.is_empty());
    assert_eq!(attr(&plan.planned, "id"), &Value::string("tp-1"));
    assert!(attr(&plan.planned, "status").is_unknown());
    let updated = h.apply(&state, &plan.planned, &bigger.value()).await;
    assert!(updated.diags.is_empty(), "{:?}", updated.diags);
    let state = updated.state;
    assert_eq!(attr(&state, "bandwidth"), &Value::number(20));
    assert_eq!(attr(&state, "status"), &Value::string("active"));

    // Replacement paths: top level, nested block attribute, map.
    let renamed = Cfg {
        name: "beta",
        ..bigger.clone()
    };
    assert_eq!(h.plan(&state, &renamed.value()).await.replace, ["name"]);
    let postpaid = Cfg {
        payment: "Postpaid",
        reservation: None,
        ..bigger.clone()
    };
    assert_eq!(
        h.plan(&state, &postpaid.value()).await.replace,
        ["billing[0].payment_timing"]
    );
    let retagged = Cfg {
        tags: vec![("env", "prod")],
        ..bigger.clone()
    };
    assert_eq!(h.plan(&state, &retagged.value()).await.replace, ["tags"]);

    // Plan-time rule with the prior state: Prepaid bandwidth cannot shrink.
    let smaller = Cfg {
        bandwidth: 5,
        ..bigger.clone()
    };
    let plan = h.plan(&state, &smaller.value()).await;
    assert_eq!(error_paths(&plan.diags), ["bandwidth"]);

    // Destroy: planned null passes through; apply deletes.
    let destroy = h.plan(&state, &Value::Null).await;
    assert!(destroy.diags.is_empty());
    assert_eq!(destroy.planned, Value::Null);
    assert!(destroy.replace.is_empty());
    let gone = h.apply(&state, &Value::Null, &Value::Null).await;
    assert!(gone.diags.is_empty());
    assert_eq!(gone.state, Value::Null);
    assert!(h.shared.cloud.lock().expect("cloud").is_empty());
}

#[tokio::test]
async fn timeouts_only_change_updates_state_without_calling_the_api() {
    let h = Harness::configured().await;
    let state = h.converge(&Value::Null, &Cfg::default()).await;
    let cfg = Cfg {
        create_timeout: Some("30m"),
        ..Cfg::default()
    };
    let plan = h.plan(&state, &cfg.value()).await;
    assert_eq!(
        attr(&plan.planned, "status"),
        &Value::string("active"),
        "computed values stay known"
    );
    // Make the remote object differ: if the resource's update ran, it would
    // overwrite it; the framework must not call it for a timeouts-only change.
    h.shared
        .cloud
        .lock()
        .expect("cloud")
        .get_mut("tp-1")
        .expect("object")
        .set_attr("description", Value::string("remote"));
    let applied = h.apply(&state, &plan.planned, &cfg.value()).await;
    assert!(applied.diags.is_empty());
    assert_eq!(applied.state, plan.planned);
    let remote = h.shared.cloud.lock().expect("cloud")["tp-1"].clone();
    assert_eq!(attr(&remote, "description"), &Value::string("remote"));
}

#[tokio::test]
async fn plan_time_rules_can_use_provider_data() {
    let h = Harness::configured().await;
    let cfg = Cfg {
        name: "bj",
        payment: "Prepaid",
        reservation: Some(1),
        ..Cfg::default()
    };
    let plan = h.plan(&Value::Null, &cfg.value()).await;
    assert_eq!(error_paths(&plan.diags), ["name"]);
    assert!(plan.diags[0].detail.contains("\"bj\""));
}

#[tokio::test]
async fn destroy_plan_can_be_refused() {
    let h = Harness::configured().await;
    let state = h
        .converge(
            &Value::Null,
            &Cfg {
                delete_protect: Some(true),
                ..Cfg::default()
            },
        )
        .await;
    let plan = h.plan(&state, &Value::Null).await;
    assert_eq!(error_paths(&plan.diags), ["delete_protect"]);
}

#[tokio::test]
async fn force_replace_through_a_computed_attribute() {
    let h = Harness::configured().await;
    let mut state = h.converge(&Value::Null, &Cfg::default()).await;
    state.set_attr("status", Value::string("expired"));
    let plan = h.plan(&state, &Cfg::default().value()).await;
    assert!(errors(&plan.diags).is_empty(), "{:?}", plan.diags);
    assert_eq!(plan.replace, ["status"]);
    assert!(
        attr(&plan.planned, "status").is_unknown(),
        "Terraform only honours paths whose value changes"
    );
}

#[tokio::test]
async fn failed_create_keeps_the_object_with_its_id() {
    let h = Harness::configured().await;
    let config = Cfg {
        name: "fail-after-create",
        ..Cfg::default()
    }
    .value();
    let plan = h.plan(&Value::Null, &config).await;
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert_eq!(errors(&applied.diags).len(), 1);
    assert_eq!(applied.diags[0].summary, "Creation failed");
    // Non-null, wholly known, with the id: Terraform saves it tainted.
    assert_eq!(attr(&applied.state, "id"), &Value::string("tp-1"));
    assert!(applied.state.is_wholly_known());
    assert_eq!(attr(&applied.state, "status"), &Value::Null);
}

#[tokio::test]
async fn stop_cancels_an_in_flight_apply_and_later_calls_still_work() {
    let h = Harness::configured().await;
    let config = Cfg {
        name: "wait-for-stop",
        ..Cfg::default()
    }
    .value();
    let plan = h.plan(&Value::Null, &config).await;
    let started = h.shared.started.notified();
    let apply = tokio::spawn({
        let (svc, ty, planned, config) = (
            h.svc.clone(),
            h.ty.clone(),
            plan.planned.clone(),
            config.clone(),
        );
        async move { apply_with(&svc, &ty, &Value::Null, &planned, &config).await }
    });
    started.await;
    let stop = h
        .svc
        .stop(Request::new(pb::stop::Request {}))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(stop.error, "");
    let applied = apply.await.expect("apply task");
    assert_eq!(errors(&applied.diags).len(), 1);
    assert!(
        applied.diags[0]
            .detail
            .contains("Terraform asked the provider to stop"),
        "{:?}",
        applied.diags
    );
    assert_eq!(
        attr(&applied.state, "id"),
        &Value::string("tp-1"),
        "the partial object is recorded"
    );

    // A Stop does not poison the provider: the next operation runs normally.
    let state = h
        .converge(
            &Value::Null,
            &Cfg {
                name: "after-stop",
                ..Cfg::default()
            },
        )
        .await;
    assert_eq!(attr(&state, "status"), &Value::string("active"));
}

#[tokio::test]
async fn create_timeout_from_the_timeouts_block() {
    let h = Harness::configured().await;
    let config = Cfg {
        name: "slow",
        create_timeout: Some("50ms"),
        ..Cfg::default()
    }
    .value();
    let plan = h.plan(&Value::Null, &config).await;
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert_eq!(errors(&applied.diags).len(), 1);
    assert!(
        applied.diags[0]
            .detail
            .starts_with("timed out after 0.05s waiting for create"),
        "{:?}",
        applied.diags
    );
}

#[tokio::test]
async fn a_panicking_resource_yields_a_diagnostic() {
    let h = Harness::configured().await;
    let config = Cfg {
        name: "panic",
        ..Cfg::default()
    }
    .value();
    let plan = h.plan(&Value::Null, &config).await;
    let resp = h
        .svc
        .apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: TYPE.into(),
            prior_state: dv(&Value::Null, &h.ty),
            planned_state: dv(&plan.planned, &h.ty),
            config: dv(&config, &h.ty),
            ..Default::default()
        }))
        .await
        .expect("a panic is not a transport error")
        .into_inner();
    assert_eq!(errors(&resp.diagnostics).len(), 1);
    assert_eq!(resp.diagnostics[0].summary, "Provider panicked");
    assert!(resp.diagnostics[0]
        .detail
        .contains("simulated provider bug"));
}

#[tokio::test]
async fn import_then_read_fills_everything_and_plans_clean() {
    let h = Harness::configured().await;
    // An object created outside Terraform.
    let remote = Cfg {
        payment: "Prepaid",
        reservation: Some(3),
        ..Cfg::default()
    }
    .value();
    let mut remote = proposed_new(&h.schema.block, &Value::Null, &remote);
    remote.set_attr("id", Value::string("tp-77"));
    remote.set_attr("status", Value::string("active"));
    remote.set_attr("delete_protect", Value::bool(false));
    let unit = AttributePath::root()
        .attr("billing")
        .index(0)
        .attr("reservation")
        .index(0)
        .attr("reservation_time_unit");
    *unit.apply_to_mut(&mut remote).expect("path") = Value::string("month");
    h.shared
        .cloud
        .lock()
        .expect("cloud")
        .insert("tp-77".into(), remote.clone());

    let resp = h
        .svc
        .import_resource_state(Request::new(pb::import_resource_state::Request {
            type_name: TYPE.into(),
            id: "tp-77".into(),
            ..Default::default()
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(resp.imported_resources.len(), 1);
    let imported = &resp.imported_resources[0];
    assert_eq!(imported.type_name, TYPE);
    assert!(
        !imported.private.is_empty(),
        "import marks its state for the following read"
    );
    let state = undv(imported.state.as_ref(), &h.ty);
    assert_eq!(attr(&state, "id"), &Value::string("tp-77"));
    assert_eq!(attr(&state, "name"), &Value::Null);
    assert_eq!(attr(&state, "billing"), &Value::list([]));

    let (read, private, diags) = h.read(&state, imported.private.clone()).await;
    assert!(diags.is_empty(), "{diags:?}");
    assert!(
        private.is_empty(),
        "the import marker is consumed by the read"
    );
    assert_eq!(read, remote);

    let config = Cfg {
        payment: "Prepaid",
        reservation: Some(3),
        ..Cfg::default()
    }
    .value();
    let plan = h.plan(&read, &config).await;
    assert!(plan.diags.is_empty(), "{:?}", plan.diags);
    assert_eq!(plan.planned, read, "after import the next plan is empty");
}

#[tokio::test]
async fn private_state_flows_through_plan_and_apply() {
    let h = Harness::configured().await;
    let config = Cfg::default().value();
    let plan = h
        .plan_private(&Value::Null, &config, br#"{"resource":"data"}"#.to_vec())
        .await;
    assert_eq!(plan.private, br#"{"resource":"data"}"#);
    let applied = h.apply(&Value::Null, &plan.planned, &config).await;
    assert!(
        applied.private.is_empty(),
        "apply without planned_private stores none"
    );
}

#[tokio::test]
async fn read_of_a_deleted_object_removes_it_with_a_warning() {
    let h = Harness::configured().await;
    let state = h.converge(&Value::Null, &Cfg::default()).await;
    h.shared.cloud.lock().expect("cloud").clear();
    let (read, _, diags) = h.read(&state, Vec::new()).await;
    assert_eq!(read, Value::Null);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, pb::diagnostic::Severity::Warning as i32);
}

#[tokio::test]
async fn upgrade_resource_state_from_json() {
    let h = Harness::new();
    let upgrade = |version: i64, raw: pb::RawState| {
        h.svc
            .upgrade_resource_state(Request::new(pb::upgrade_resource_state::Request {
                type_name: TYPE.into(),
                version,
                raw_state: Some(raw),
            }))
    };
    // Written by an older version: carries a removed attribute, lacks
    // `description` and the whole `timeouts` block.
    let json =
        br#"{"id":"tp-9","name":"old","bandwidth":15,"status":"active","delete_protect":false,
        "tags":{"a":"b"},"legacy_field":"dropped",
        "billing":[{"payment_timing":"Postpaid","reservation":[],"legacy_nested":1}]}"#;
    let resp = upgrade(
        0,
        pb::RawState {
            json: json.to_vec(),
            ..Default::default()
        },
    )
    .await
    .expect("rpc")
    .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let state = undv(resp.upgraded_state.as_ref(), &h.ty);
    assert_eq!(attr(&state, "id"), &Value::string("tp-9"));
    assert_eq!(attr(&state, "bandwidth"), &Value::number(15));
    assert_eq!(attr(&state, "description"), &Value::Null);
    assert_eq!(attr(&state, "timeouts"), &Value::Null);
    assert!(state.conforms_to(&h.ty));

    let flatmap = pb::RawState {
        json: Vec::new(),
        flatmap: [("id".to_owned(), "tp-9".to_owned())].into_iter().collect(),
    };
    let resp = upgrade(0, flatmap).await.expect("rpc").into_inner();
    assert_eq!(errors(&resp.diagnostics).len(), 1);
    assert!(resp.diagnostics[0].detail.contains("before 0.12"));
    assert!(resp.upgraded_state.is_none());

    let newer = upgrade(
        2,
        pb::RawState {
            json: json.to_vec(),
            ..Default::default()
        },
    )
    .await
    .expect("rpc")
    .into_inner();
    assert_eq!(errors(&newer.diagnostics).len(), 1);

    let wrong_type = br#"{"id":"tp-9","name":"x","bandwidth":"lots","billing":[]}"#;
    let resp = upgrade(
        1,
        pb::RawState {
            json: wrong_type.to_vec(),
            ..Default::default()
        },
    )
    .await
    .expect("rpc")
    .into_inner();
    assert_eq!(errors(&resp.diagnostics).len(), 1);
    assert!(
        resp.diagnostics[0].detail.contains("bandwidth"),
        "{:?}",
        resp.diagnostics
    );
}

#[tokio::test]
async fn data_source_read_and_validate() {
    let h = Harness::configured().await;
    h.converge(&Value::Null, &Cfg::default()).await;
    let ty = Type::object([("id", Type::String), ("status", Type::String)]);
    let read = |id: &str| {
        h.svc
            .read_data_source(Request::new(pb::read_data_source::Request {
                type_name: LOOKUP.into(),
                config: dv(
                    &Value::object([("id", Value::string(id)), ("status", Value::Null)]),
                    &ty,
                ),
                ..Default::default()
            }))
    };
    let found = read("tp-1").await.expect("rpc").into_inner();
    assert!(found.diagnostics.is_empty());
    assert_eq!(
        undv(found.state.as_ref(), &ty).get_attr("status"),
        Some(&Value::string("active"))
    );
    let missing = read("tp-404").await.expect("rpc").into_inner();
    assert_eq!(error_paths(&missing.diagnostics), ["id"]);
    assert!(missing.state.is_none());
}

#[tokio::test]
async fn json_dynamic_values_are_accepted() {
    let h = Harness::new();
    let resp = h
        .svc
        .validate_resource_type_config(Request::new(pb::validate_resource_type_config::Request {
            type_name: TYPE.into(),
            config: Some(pb::DynamicValue {
                msgpack: Vec::new(),
                json: br#"{"name":"a","bandwidth":0,"tags":null,"billing":[{"payment_timing":"Postpaid","reservation":[]}]}"#.to_vec(),
            }),
            client_capabilities: None,
        }))
        .await
        .expect("rpc")
        .into_inner();
    assert_eq!(error_paths(&resp.diagnostics), ["bandwidth"]);
}

#[tokio::test]
async fn timeouts_belong_to_the_state_not_the_remote_object() {
    let h = Harness::configured().await;
    let cfg = Cfg {
        create_timeout: Some("30m"),
        ..Cfg::default()
    };
    let state = h.converge(&Value::Null, &cfg).await;
    let timeouts = attr(&state, "timeouts").clone();
    assert_eq!(timeouts.get_attr("create"), Some(&Value::string("30m")));
    // The resource's read returns the remote copy verbatim; make that copy's
    // timeouts differ to prove the framework keeps the state's own value.
    h.shared
        .cloud
        .lock()
        .expect("cloud")
        .get_mut("tp-1")
        .expect("object")
        .set_attr("timeouts", Value::Null);
    let (read, _, diags) = h.read(&state, Vec::new()).await;
    assert!(diags.is_empty());
    assert_eq!(attr(&read, "timeouts"), &timeouts);
    assert_eq!(h.plan(&read, &cfg.value()).await.planned, read);
}

/// Registering a resource or data source type name twice fails when the
/// provider is built, naming the kind and the name.
#[test]
fn a_type_name_given_twice_is_refused_when_the_provider_is_built() {
    use async_trait::async_trait;
    use std::sync::Arc;
    use tfplugin5_framework::{
        ConfigureRequest, DataSourceList, FrameworkError, Provider, ResourceList,
    };
    use tfvalue::Diagnostics;

    /// The test provider with its resource (or data source) listed twice.
    struct Twice {
        inner: TestProvider,
        resources: bool,
    }

    #[async_trait]
    impl Provider for Twice {
        type Data = <TestProvider as Provider>::Data;
        fn schema(&self) -> Schema {
            self.inner.schema()
        }
        async fn configure(
            &self,
            req: ConfigureRequest<'_>,
            diags: &mut Diagnostics,
        ) -> Option<Self::Data> {
            self.inner.configure(req, diags).await
        }
        fn resources(&self) -> ResourceList<Self::Data> {
            let once = self.inner.resources();
            if self.resources {
                once.iter().chain(once.iter()).map(Arc::clone).collect()
            } else {
                once
            }
        }
        fn data_sources(&self) -> DataSourceList<Self::Data> {
            let once = self.inner.data_sources();
            if self.resources {
                once
            } else {
                once.iter().chain(once.iter()).map(Arc::clone).collect()
            }
        }
    }

    for (resources, kind, name) in [(true, "resource", TYPE), (false, "data source", LOOKUP)] {
        let provider = Twice {
            inner: TestProvider {
                shared: Shared::default(),
            },
            resources,
        };
        match GrpcProvider::new(provider) {
            Err(FrameworkError::DuplicateTypeName { kind: k, name: n }) => {
                assert_eq!((k, n.as_str()), (kind, name));
            }
            Err(other) => panic!("expected a duplicate {kind}, got {other}"),
            Ok(_) => panic!("a duplicate {kind} was accepted"),
        }
    }
}
