//! A test provider shared by the framework tests: one resource shaped like
//! `baidu_peerconn` (a billing list block with a nested reservation block, a
//! tags map, a computed id, a timeouts block) backed by an in-memory
//! "cloud", and one data source. Type names use the provider name `fwtest`
//! so the same provider can also be driven by a real Terraform.
#![allow(dead_code)] // each test binary uses a different part

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;

use tfplugin5_framework::schema::{Attribute, Block, NestedBlock, Schema};
use tfplugin5_framework::{
    validators, ConfigureRequest, Context, CreateRequest, DataSource, DataSourceList,
    DeleteRequest, PlanChange, Provider, ReadRequest, Resource, ResourceList, Timeouts,
    UpdateRequest,
};
use tfvalue::{AttributePath, Diagnostics, Type, Value};

// ---------------------------------------------------------------------------
// The test provider
// ---------------------------------------------------------------------------

pub type Cloud = Arc<Mutex<BTreeMap<String, Value>>>;

pub struct TestData {
    pub region: String,
    pub cloud: Cloud,
    pub next_id: Arc<AtomicU64>,
    pub started: Arc<Notify>,
}

#[derive(Clone, Default)]
pub struct Shared {
    pub cloud: Cloud,
    pub next_id: Arc<AtomicU64>,
    pub started: Arc<Notify>,
}

pub struct TestProvider {
    pub shared: Shared,
}

#[async_trait]
impl Provider for TestProvider {
    type Data = TestData;

    fn schema(&self) -> Schema {
        Schema::new().attribute(
            Attribute::string("region")
                .optional()
                .validate(validators::string_not_empty()),
        )
    }

    async fn configure(
        &self,
        req: ConfigureRequest<'_>,
        _diags: &mut Diagnostics,
    ) -> Option<TestData> {
        let region = req
            .config
            .get_attr("region")
            .and_then(Value::as_str)
            .unwrap_or("bj")
            .to_owned();
        Some(TestData {
            region,
            cloud: Arc::clone(&self.shared.cloud),
            next_id: Arc::clone(&self.shared.next_id),
            started: Arc::clone(&self.shared.started),
        })
    }

    fn resources(&self) -> ResourceList<TestData> {
        vec![Arc::new(TestPeering)]
    }

    fn data_sources(&self) -> DataSourceList<TestData> {
        vec![Arc::new(TestLookup)]
    }
}

pub const TYPE: &str = "fwtest_peering";
pub const LOOKUP: &str = "fwtest_lookup";

pub fn resource_schema() -> Schema {
    Schema::new()
        .version(1)
        .description("A peering-like test object.")
        .attribute(Attribute::string("id").computed().use_state_for_unknown())
        .attribute(Attribute::string("name").required().requires_replace())
        .attribute(
            Attribute::number("bandwidth")
                .required()
                .validate(validators::int_between(1, 10_000)),
        )
        .attribute(Attribute::string("description").optional())
        .attribute(Attribute::string("status").computed())
        .attribute(
            Attribute::bool("delete_protect")
                .optional()
                .default(Value::bool(false)),
        )
        .attribute(
            Attribute::map("tags", Type::String)
                .optional()
                .requires_replace(),
        )
        .block(
            NestedBlock::list(
                "billing",
                Block::new()
                    .attribute(
                        Attribute::string("payment_timing")
                            .required()
                            .requires_replace()
                            .validate(validators::one_of_strings(&["Prepaid", "Postpaid"])),
                    )
                    .block(
                        NestedBlock::list(
                            "reservation",
                            Block::new()
                                .attribute(
                                    Attribute::number("reservation_length").required().validate(
                                        validators::int_one_of(&[1, 2, 3, 6, 12, 24, 36]),
                                    ),
                                )
                                .attribute(
                                    Attribute::string("reservation_time_unit")
                                        .optional()
                                        .default(Value::string("month")),
                                ),
                        )
                        .max_items(1),
                    ),
            )
            .min_items(1)
            .max_items(1),
        )
        .timeouts(
            Timeouts::new()
                .create(Duration::from_secs(600))
                .update(Duration::from_secs(600))
                .delete(Duration::from_secs(1200)),
        )
}

pub fn str_at<'a>(v: &'a Value, path: &AttributePath) -> Option<&'a str> {
    path.apply_to(v).and_then(Value::as_str)
}

fn payment_path() -> AttributePath {
    AttributePath::root()
        .attr("billing")
        .index(0)
        .attr("payment_timing")
}

pub struct TestPeering;

#[async_trait]
impl Resource<TestData> for TestPeering {
    fn type_name(&self) -> &str {
        TYPE
    }

    fn schema(&self) -> Schema {
        resource_schema()
    }

    async fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let reservation = AttributePath::root()
            .attr("billing")
            .index(0)
            .attr("reservation");
        let prepaid = str_at(config, &payment_path()) == Some("Prepaid");
        let no_reservation = reservation.apply_to(config).and_then(Value::len) == Some(0);
        if prepaid && no_reservation {
            diags.attribute_error(
                reservation,
                "Missing reservation",
                "Prepaid billing needs a reservation block.",
            );
        }
    }

    async fn modify_plan(
        &self,
        ctx: &Context<TestData>,
        plan: &mut PlanChange<'_>,
        diags: &mut Diagnostics,
    ) {
        if plan.is_destroy() {
            if plan.prior().and_then(|p| p.get_attr("delete_protect")) == Some(&Value::bool(true)) {
                diags.attribute_error(
                    AttributePath::root().attr("delete_protect"),
                    "Deletion protection is on",
                    "Set delete_protect = false and apply before destroying.",
                );
            }
            return;
        }
        let Some(planned) = plan.planned() else {
            return;
        };
        let prepaid = str_at(planned, &payment_path()) == Some("Prepaid");
        if prepaid
            && str_at(planned, &AttributePath::root().attr("name"))
                == Some(ctx.provider().region.as_str())
        {
            diags.attribute_error(
                AttributePath::root().attr("name"),
                "Invalid name",
                format!(
                    "a Prepaid object cannot be named after the provider region {:?}",
                    ctx.provider().region
                ),
            );
        }
        if let Some(prior) = plan.prior() {
            let bw = |v: &Value| v.get_attr("bandwidth").and_then(Value::as_i64);
            if prepaid && bw(planned) < bw(prior) {
                diags.attribute_error(
                    AttributePath::root().attr("bandwidth"),
                    "Bandwidth cannot decrease",
                    "Prepaid bandwidth can only grow.",
                );
            }
            if prior.get_attr("status").and_then(Value::as_str) == Some("expired") {
                let forced = plan.force_replace(AttributePath::root().attr("status"));
                assert!(forced, "status is computed, so force_replace applies");
                diags.attribute_warning(
                    AttributePath::root().attr("status"),
                    "Expired",
                    "It will be replaced.",
                );
            }
        }
    }

    async fn create(
        &self,
        ctx: &Context<TestData>,
        req: CreateRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let name = req
            .planned
            .get_attr("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if name == "panic" {
            panic!("simulated provider bug");
        }
        let id = format!(
            "tp-{}",
            ctx.provider().next_id.fetch_add(1, Ordering::SeqCst) + 1
        );
        let mut state = req.planned.clone();
        state.set_attr("id", Value::string(&id));
        if name == "wait-for-stop" || name == "slow" {
            ctx.provider().started.notify_one();
            if let Err(interrupted) = ctx.run(std::future::pending::<()>()).await {
                diags.error(
                    "Create interrupted",
                    format!("{interrupted}; object {id} exists"),
                );
                return Some(state);
            }
        }
        if name == "fail-after-create" {
            // `status` is still unknown: the framework must store it as null.
            ctx.provider()
                .cloud
                .lock()
                .expect("cloud")
                .insert(id.clone(), state.clone());
            diags.error(
                "Creation failed",
                format!("object {id} went into an error state"),
            );
            return Some(state);
        }
        state.set_attr("status", Value::string("active"));
        ctx.provider()
            .cloud
            .lock()
            .expect("cloud")
            .insert(id, state.clone());
        Some(state)
    }

    async fn read(
        &self,
        ctx: &Context<TestData>,
        req: ReadRequest<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let id = req.state.get_attr("id").and_then(Value::as_str)?.to_owned();
        let stored = ctx
            .provider()
            .cloud
            .lock()
            .expect("cloud")
            .get(&id)
            .cloned();
        match stored {
            // The remote copy holds the `timeouts` stored at create; the
            // framework keeps the state's own value regardless.
            Some(remote) => Some(remote),
            None => {
                diags.warning("Object gone", format!("{id} was deleted outside Terraform"));
                None
            }
        }
    }

    async fn update(
        &self,
        ctx: &Context<TestData>,
        req: UpdateRequest<'_>,
        _diags: &mut Diagnostics,
    ) -> Option<Value> {
        let mut state = req.planned.clone();
        state.set_attr("status", Value::string("active"));
        let id = state.get_attr("id").and_then(Value::as_str)?.to_owned();
        ctx.provider()
            .cloud
            .lock()
            .expect("cloud")
            .insert(id, state.clone());
        Some(state)
    }

    async fn delete(
        &self,
        ctx: &Context<TestData>,
        req: DeleteRequest<'_>,
        _diags: &mut Diagnostics,
    ) {
        if let Some(id) = req.prior.get_attr("id").and_then(Value::as_str) {
            ctx.provider().cloud.lock().expect("cloud").remove(id);
        }
    }
}

pub struct TestLookup;

#[async_trait]
impl DataSource<TestData> for TestLookup {
    fn type_name(&self) -> &str {
        LOOKUP
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attribute(Attribute::string("id").required())
            .attribute(Attribute::string("status").computed())
    }

    async fn read(
        &self,
        ctx: &Context<TestData>,
        config: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value> {
        let id = config.get_attr("id").and_then(Value::as_str)?.to_owned();
        let status = ctx
            .provider()
            .cloud
            .lock()
            .expect("cloud")
            .get(&id)
            .and_then(|o| o.get_attr("status").cloned());
        match status {
            Some(status) => Some(Value::object([
                ("id", Value::string(id)),
                ("status", status),
            ])),
            None => {
                diags.attribute_error(
                    AttributePath::root().attr("id"),
                    "Not found",
                    format!("no object {id}"),
                );
                None
            }
        }
    }
}
