//! The framework against a real Terraform: a provider is served in-process
//! (plaintext, like `--debug`) and attached with `TF_REATTACH_PROVIDERS`.
//!
//! - The test provider from `framework_support` is driven through create,
//!   no-op plan, in-place update, timeouts-only change, replacement from a
//!   nested block attribute, import, refused destroy (Terraform ≥ 1.3 plans
//!   destroys) and destroy.
//! - The framework's documented example provider (`examples/notes.rs` of
//!   `tfplugin5-framework`, a resource written as a typed model) is driven
//!   through the same lifecycle on its text files.
//!
//! Terraform itself checks every plan and apply result (plan validity,
//! consistent final plan, consistent result after apply), so a passing run
//! means it accepted all of them. The clients are the harness's
//! (`common::terraform_clients`): a required version that is missing fails
//! the test instead of skipping it.

mod common;
mod framework_support;
#[path = "../crates/tfplugin5-framework/examples/notes.rs"]
mod notes;

use std::path::PathBuf;
use std::process::Output;

use tokio_stream::wrappers::TcpListenerStream;
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;

use framework_support::{Shared, TestProvider, TYPE};
use tfplugin5::proto::tfplugin5::provider_server::ProviderServer;
use tfplugin5::services::{self, Controller, Stdio};
use tfplugin5_framework::GrpcProvider;
use tfvalue::Value;

const ADDRESS: &str = "registry.terraform.io/tfbaidu/fwtest";

/// Serves the test provider on 127.0.0.1 and returns the reattach JSON.
async fn serve(shared: Shared, stop: CancellationToken) -> String {
    let provider = GrpcProvider::new(TestProvider { shared }).expect("valid provider");
    serve_provider(provider, ADDRESS, stop).await
}

/// Serves `provider` on 127.0.0.1 as `address` and returns the reattach JSON.
async fn serve_provider<P: tfplugin5_framework::Provider>(
    provider: GrpcProvider<P>,
    address: &str,
    stop: CancellationToken,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("address");
    // Terraform may call GRPCController.Shutdown when a command ends; this
    // server must outlive every command, so the controller gets a token of
    // its own that nothing watches.
    let router = Server::builder()
        .add_service(services::health().await)
        .add_service(Controller::new(CancellationToken::new()))
        .add_service(Stdio::new(stop.clone()))
        .add_service(ProviderServer::new(provider));
    tokio::spawn(
        router
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), stop.cancelled_owned()),
    );
    serde_json::json!({
        address: {
            "Protocol": "grpc",
            "ProtocolVersion": 5,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": {"Network": "tcp", "String": addr.to_string()},
        }
    })
    .to_string()
}

struct Workdir {
    bin: PathBuf,
    dir: tempfile::TempDir,
    reattach: String,
    /// The `terraform` and `provider` blocks every configuration starts with.
    header: String,
}

const FWTEST_HEADER: &str = "terraform {\n  required_providers {\n    fwtest = { source = \"tfbaidu/fwtest\" }\n  }\n}\n\nprovider \"fwtest\" {\n  region = \"bj\"\n}\n";

impl Workdir {
    fn write(&self, body: &str) {
        let hcl = format!("{}\n{body}", self.header);
        std::fs::write(self.dir.path().join("main.tf"), hcl).expect("write main.tf");
    }

    async fn run(&self, args: &[&str]) -> Output {
        let cli_config = self.dir.path().join("cli.tfrc");
        if !cli_config.exists() {
            std::fs::write(&cli_config, "").expect("write cli config");
        }
        let mut cmd = tokio::process::Command::new(&self.bin);
        cmd.args(args)
            .current_dir(self.dir.path())
            .env("TF_REATTACH_PROVIDERS", &self.reattach)
            .env("TF_CLI_CONFIG_FILE", &cli_config)
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .env_remove("TF_LOG_PATH");
        cmd.output().await.expect("terraform runs")
    }

    /// Runs and asserts the exit code, returning stdout + stderr.
    async fn expect(&self, code: i32, args: &[&str]) -> String {
        let out = self.run(args).await;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(code), "terraform {args:?}:\n{text}");
        text
    }

    async fn apply(&self) -> String {
        self.expect(0, &["apply", "-auto-approve", "-input=false", "-no-color"])
            .await
    }

    /// `plan -detailed-exitcode`: 0 = no changes, 2 = changes.
    async fn plan(&self, code: i32) -> String {
        self.expect(
            code,
            &["plan", "-detailed-exitcode", "-input=false", "-no-color"],
        )
        .await
    }
}

struct Res<'a> {
    name: &'a str,
    bandwidth: i64,
    payment: &'a str,
    reservation: Option<i64>,
    timeouts: Option<&'a str>,
    delete_protect: Option<bool>,
}

impl Res<'_> {
    fn hcl(&self) -> String {
        let mut body = format!(
            "resource \"{TYPE}\" \"a\" {{\n  name      = \"{}\"\n  bandwidth = {}\n  tags      = {{ env = \"dev\" }}\n",
            self.name, self.bandwidth
        );
        if let Some(dp) = self.delete_protect {
            body.push_str(&format!("  delete_protect = {dp}\n"));
        }
        body.push_str(&format!(
            "  billing {{\n    payment_timing = \"{}\"\n",
            self.payment
        ));
        if let Some(len) = self.reservation {
            body.push_str(&format!(
                "    reservation {{\n      reservation_length = {len}\n    }}\n"
            ));
        }
        body.push_str("  }\n");
        if let Some(t) = self.timeouts {
            body.push_str(&format!("  timeouts {{\n    create = \"{t}\"\n  }}\n"));
        }
        body.push_str("}\n");
        body
    }
}

fn ids(shared: &Shared) -> Vec<String> {
    shared
        .cloud
        .lock()
        .expect("cloud")
        .keys()
        .cloned()
        .collect()
}

fn remote(shared: &Shared, id: &str) -> Value {
    shared.cloud.lock().expect("cloud")[id].clone()
}

async fn lifecycle(tf: &common::Terraform) {
    let bin = tf.path.clone();
    let shared = Shared::default();
    let stop = CancellationToken::new();
    let reattach = serve(shared.clone(), stop.clone()).await;
    let wd = Workdir {
        bin,
        dir: tempfile::tempdir().expect("tempdir"),
        reattach,
        header: FWTEST_HEADER.to_owned(),
    };
    let base = Res {
        name: "alpha",
        bandwidth: 10,
        payment: "Prepaid",
        reservation: Some(12),
        timeouts: Some("5m"),
        delete_protect: None,
    };

    // Create: planned unknowns and defaults are accepted; the result is
    // consistent with the plan; the next plan is empty.
    wd.write(&base.hcl());
    wd.apply().await;
    assert_eq!(ids(&shared), ["tp-1"]);
    wd.plan(0).await;

    // In-place update keeps the id; then nothing left to do.
    wd.write(
        &Res {
            bandwidth: 20,
            ..base
        }
        .hcl(),
    );
    let plan = wd.plan(2).await;
    assert!(plan.contains("updated in-place"), "{plan}");
    wd.apply().await;
    assert_eq!(ids(&shared), ["tp-1"]);
    assert_eq!(
        remote(&shared, "tp-1").get_attr("bandwidth"),
        Some(&Value::number(20))
    );
    wd.plan(0).await;

    // A timeouts-only change is an in-place update of state alone.
    let slower = Res {
        bandwidth: 20,
        timeouts: Some("15m"),
        ..base
    };
    wd.write(&slower.hcl());
    wd.plan(2).await;
    wd.apply().await;
    wd.plan(0).await;

    // A nested block attribute flagged requires_replace forces replacement.
    let postpaid = Res {
        bandwidth: 20,
        payment: "Postpaid",
        reservation: None,
        timeouts: None,
        ..base
    };
    wd.write(&postpaid.hcl());
    let plan = wd.plan(2).await;
    assert!(plan.contains("must be replaced"), "{plan}");
    assert!(plan.contains("# forces replacement"), "{plan}");
    wd.apply().await;
    assert_eq!(ids(&shared), ["tp-2"]);
    wd.plan(0).await;

    // Import into an empty state: import + read fill everything, plan empty.
    wd.expect(0, &["state", "rm", &format!("{TYPE}.a")]).await;
    wd.expect(
        0,
        &[
            "import",
            "-input=false",
            "-no-color",
            &format!("{TYPE}.a"),
            "tp-2",
        ],
    )
    .await;
    wd.plan(0).await;

    // Plan-time errors reach the user with the attribute path.
    let bad = Res {
        payment: "Monthly",
        ..postpaid
    };
    wd.write(&bad.hcl());
    let out = wd.expect(1, &["plan", "-input=false", "-no-color"]).await;
    assert!(
        out.contains("billing[0].payment_timing must be one of"),
        "{out}"
    );
    wd.write(&postpaid.hcl());

    // Terraform >= 1.3 asks the provider to plan destroys, so a resource can
    // refuse one at plan time.
    if tf.at_least(1, 3, 0) {
        let protected = Res {
            delete_protect: Some(true),
            ..postpaid
        };
        wd.write(&protected.hcl());
        wd.apply().await;
        let out = wd
            .expect(
                1,
                &["destroy", "-auto-approve", "-input=false", "-no-color"],
            )
            .await;
        assert!(out.contains("Deletion protection is on"), "{out}");
        assert_eq!(ids(&shared), ["tp-2"]);
        wd.write(&postpaid.hcl());
        wd.apply().await;
        wd.plan(0).await;
    }

    wd.expect(
        0,
        &["destroy", "-auto-approve", "-input=false", "-no-color"],
    )
    .await;
    assert!(ids(&shared).is_empty());
    stop.cancel();
}

/// On every client this run tests (the harness's finder: a required version
/// that is missing fails the test instead of skipping it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_terraform_accepts_the_frameworks_plans() {
    for tf in common::terraform_clients() {
        eprintln!("---- {tf}");
        lifecycle(&tf).await;
    }
}

fn note(name: &str, text: &str) -> String {
    format!("resource \"notes_note\" \"a\" {{\n  name = \"{name}\"\n  text = \"{text}\"\n}}\n")
}

/// The notes in `store`, as file name → text.
fn notes_in(store: &std::path::Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(store)
        .expect("store")
        .map(|e| {
            let path = e.expect("entry").path();
            let text = std::fs::read_to_string(&path).expect("note");
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, text)
        })
        .collect();
    out.sort();
    out
}

async fn notes_lifecycle(tf: &common::Terraform) {
    let stop = CancellationToken::new();
    let provider = GrpcProvider::new(notes::NotesProvider).expect("valid provider");
    let reattach = serve_provider(provider, notes::ADDRESS, stop.clone()).await;
    let store = tempfile::tempdir().expect("store");
    let wd = Workdir {
        bin: tf.path.clone(),
        dir: tempfile::tempdir().expect("tempdir"),
        reattach,
        header: format!(
            "terraform {{\n  required_providers {{\n    notes = {{ source = \"example/notes\" }}\n  }}\n}}\n\nprovider \"notes\" {{\n  directory = \"{}\"\n}}\n",
            store.path().display()
        ),
    };
    let file = |name: &str, text: &str| (format!("{name}.txt"), text.to_owned());

    wd.write(&note("shopping", "milk"));
    wd.apply().await;
    assert_eq!(notes_in(store.path()), [file("shopping", "milk")]);
    wd.plan(0).await;

    // The computed length is unknown while the text changes, then known.
    wd.write(&note("shopping", "milk, eggs"));
    let plan = wd.plan(2).await;
    assert!(plan.contains("updated in-place"), "{plan}");
    assert!(
        plan.contains("bytes") && plan.contains("(known after apply)"),
        "{plan}"
    );
    wd.apply().await;
    assert_eq!(notes_in(store.path()), [file("shopping", "milk, eggs")]);
    let shown = wd
        .expect(0, &["state", "show", "-no-color", "notes_note.a"])
        .await;
    assert!(shown.contains("bytes = 10"), "{shown}");
    wd.plan(0).await;

    // A changed name replaces the note.
    wd.write(&note("groceries", "milk, eggs"));
    let plan = wd.plan(2).await;
    assert!(plan.contains("# forces replacement"), "{plan}");
    wd.apply().await;
    assert_eq!(notes_in(store.path()), [file("groceries", "milk, eggs")]);

    // A validator's message carries the attribute.
    wd.write(&note("two words", "x"));
    let out = wd.expect(1, &["plan", "-input=false", "-no-color"]).await;
    assert!(
        out.contains("name must be letters, digits, - and _"),
        "{out}"
    );
    wd.write(&note("groceries", "milk, eggs"));

    // Changed outside Terraform: the refresh reads it and the plan undoes it.
    std::fs::write(store.path().join("groceries.txt"), "bread").expect("edit");
    let plan = wd.plan(2).await;
    assert!(plan.contains("\"bread\" -> \"milk, eggs\""), "{plan}");
    wd.apply().await;

    // Import reads every attribute back: the plan is empty.
    wd.expect(0, &["state", "rm", "notes_note.a"]).await;
    wd.expect(
        0,
        &[
            "import",
            "-input=false",
            "-no-color",
            "notes_note.a",
            "groceries",
        ],
    )
    .await;
    wd.plan(0).await;

    wd.expect(
        0,
        &["destroy", "-auto-approve", "-input=false", "-no-color"],
    )
    .await;
    assert!(notes_in(store.path()).is_empty());
    stop.cancel();
}

/// The framework's documented example provider, on every client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_terraform_runs_the_framework_example_provider() {
    for tf in common::terraform_clients() {
        eprintln!("---- {tf}");
        notes_lifecycle(&tf).await;
    }
}
