//! Fault soak: real Terraform applies N peerings with
//! `-parallelism=10` while the emulator injects ~10 % HTTP 500 (half of them
//! after the operation ran: a lost answer), 5 % 503, 5 % 429, 2 % dropped
//! connections (half after running) and 0–150 ms latency, from a fixed seed.
//! The apply must converge within three runs (the first plus at most two
//! re-runs), `destroy` must leave nothing, and after every run the emulator's
//! live objects must be exactly the state's ids: no duplicate, no orphan, no
//! ghost.
//!
//! CI runs three seeds with small N. Larger runs: `TFBAIDU_SOAK_N=50
//! TFBAIDU_SOAK_SEEDS=11,12,13 cargo test --test reliability_soak -- --nocapture`
//! (figures in RELIABILITY.md).

mod common;
mod reliability_support;

use serde_json::{json, Value};

use reliability_support::{
    apply, assert_exact, destroy, emulator_config, knob, live_objects, pair, seeds, start_emulator,
    state_objects, workdir_with_peerings,
};

const PARALLELISM: usize = 10;
/// The first apply plus at most two re-runs.
const MAX_APPLIES: usize = 3;

fn fault_rules(seed: u64) -> Value {
    json!({
        "seed": seed,
        "rules": [
            { "error_rate": 0.05, "error": { "status": 500 } },
            { "error_rate": 0.05, "phase": "after", "error": { "status": 500 } },
            { "error_rate": 0.05, "error": { "status": 503 } },
            { "error_rate": 0.05, "error": { "status": 429 } },
            { "drop_rate": 0.01 },
            { "drop_rate": 0.01, "phase": "after" },
            { "latency_ms": [0, 150] }
        ]
    })
}

/// Figures of one run, printed for RELIABILITY.md.
#[derive(Debug, Default)]
struct Figures {
    applies: usize,
    destroys: usize,
    requests: usize,
    injected_errors: u64,
    injected_drops: u64,
    latency_matched: u64,
}

fn fault_counters(emulator: &common::Emulator) -> (u64, u64, u64) {
    let faults = emulator.admin("GET", "/__emulator/faults", None);
    let rules = faults["rules"].as_array().cloned().unwrap_or_default();
    let sum = |key: &str| {
        rules
            .iter()
            .map(|r| r[key].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    let latency = rules
        .iter()
        .filter(|r| !r["latency_ms"].is_null() || !r["latencyMs"].is_null())
        .map(|r| r["matched"].as_u64().unwrap_or(0))
        .sum();
    (sum("injected_errors"), sum("injected_drops"), latency)
}

fn soak(seed: u64, n: usize) -> Figures {
    let emulator = start_emulator(
        &emulator_config(2 * n, 10, n + 10),
        &[
            "--seed",
            &seed.to_string(),
            "--timing",
            "creating=300ms",
            "--timing",
            "deleting=300ms",
            "--request-log-size",
            "1000000",
        ],
    );
    let pairs: Vec<(String, String)> = (0..n).map(pair).collect();
    let wd = workdir_with_peerings(emulator.endpoint(), &pairs);
    emulator.set_faults(&fault_rules(seed));
    let mut figures = Figures::default();

    let mut converged = false;
    for attempt in 1..=MAX_APPLIES {
        figures.applies = attempt;
        let out = apply(&wd, PARALLELISM);
        if !out.success() {
            eprintln!(
                "seed {seed}: apply #{attempt} failed (re-running):\n{}",
                out.stderr
            );
        }
        assert_exact(
            &format!("seed {seed}: after apply #{attempt}"),
            &emulator,
            wd.path(),
        );
        if out.success() {
            converged = true;
            break;
        }
    }
    assert!(
        converged,
        "seed {seed}: apply did not converge within {MAX_APPLIES} runs"
    );
    let state = state_objects(wd.path());
    assert_eq!(state.len(), n, "seed {seed}: every peering is in state");
    assert!(
        state.iter().all(|s| !s.tainted),
        "seed {seed}: nothing tainted after convergence: {state:?}"
    );
    assert_eq!(live_objects(&emulator).len(), n);

    let mut destroyed = false;
    for attempt in 1..=MAX_APPLIES {
        figures.destroys = attempt;
        let out = destroy(&wd, PARALLELISM);
        if !out.success() {
            eprintln!(
                "seed {seed}: destroy #{attempt} failed (re-running):\n{}",
                out.stderr
            );
        }
        assert_exact(
            &format!("seed {seed}: after destroy #{attempt}"),
            &emulator,
            wd.path(),
        );
        if out.success() {
            destroyed = true;
            break;
        }
    }
    assert!(destroyed, "seed {seed}: destroy did not finish");
    assert!(
        live_objects(&emulator).is_empty(),
        "seed {seed}: destroy left objects behind"
    );
    assert!(state_objects(wd.path()).is_empty());

    let (errors, drops, latency) = fault_counters(&emulator);
    figures.injected_errors = errors;
    figures.injected_drops = drops;
    figures.latency_matched = latency;
    figures.requests = emulator.requests()["requests"]
        .as_array()
        .map_or(0, Vec::len);
    // Faults really were injected, or the run proved nothing.
    assert!(
        errors > 0,
        "seed {seed}: no error was injected: {figures:?}"
    );
    figures
}

#[test]
fn apply_and_destroy_converge_under_injected_faults() {
    let n = knob("TFBAIDU_SOAK_N", 6);
    let mut failed = Vec::new();
    for seed in seeds("TFBAIDU_SOAK_SEEDS", &[1, 2, 3]) {
        let started = std::time::Instant::now();
        match std::panic::catch_unwind(|| soak(seed, n)) {
            Ok(f) => eprintln!(
                "SOAK seed={seed} n={n} parallelism={PARALLELISM} applies={} destroys={} \
                 requests={} injected_errors={} injected_drops={} latency_matched={} \
                 duplicates=0 orphans=0 elapsed={:.1}s",
                f.applies,
                f.destroys,
                f.requests,
                f.injected_errors,
                f.injected_drops,
                f.latency_matched,
                started.elapsed().as_secs_f64()
            ),
            Err(_) => failed.push(seed),
        }
    }
    assert!(failed.is_empty(), "soak failed for seeds {failed:?}");
}
