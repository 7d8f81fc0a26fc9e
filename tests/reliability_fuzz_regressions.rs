//! Replays the fuzz targets' checks (`fuzz/src/checks/`, compiled in here with
//! `#[path]`) on every input the fuzzers ever found failing
//! (`fuzz/regressions/<target>/`) and on a fixed-seed random sample, so a
//! regression of a fixed bug, or a check that no longer holds, fails CI
//! without a fuzzer. How the fuzzers run: `fuzz/README.md`, figures in
//! `RELIABILITY.md`.

#[allow(dead_code)]
#[path = "../fuzz/src/checks/mod.rs"]
mod checks;

use std::path::Path;

use checks::cursor::SplitMix64;

fn regressions(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("a regression input is readable");
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// Runs `check` on each saved input and on `samples` random inputs; reports
/// the inputs that failed, by name (regressions) or seed index (samples).
fn replay(target: &str, check: fn(&[u8]), samples: usize, max_len: usize) {
    let mut failures = Vec::new();
    let mut run = |name: String, input: &[u8]| {
        if std::panic::catch_unwind(|| check(input)).is_err() {
            failures.push(name);
        }
    };
    for (name, input) in regressions(target) {
        run(format!("fuzz/regressions/{target}/{name}"), &input);
    }
    let mut rng = SplitMix64(0x5EED_0008);
    for i in 0..samples {
        let len = usize::try_from(rng.next_u64() % (max_len as u64 + 1)).unwrap_or(0);
        let input = rng.bytes(len);
        run(format!("sample {i} ({len} bytes)"), &input);
    }
    assert!(
        failures.is_empty(),
        "{target}: failing inputs: {failures:?}"
    );
}

#[test]
fn msgpack_value_regressions_and_sample() {
    replay("msgpack_value", checks::msgpack_value::check, 20_000, 96);
}

#[test]
fn json_state_regressions_and_sample() {
    replay("json_state", checks::json_state::check, 20_000, 96);
}

#[test]
fn peerconn_response_regressions_and_sample() {
    replay(
        "peerconn_response",
        checks::peerconn_response::check,
        20_000,
        128,
    );
}

#[test]
fn emulator_request_regressions_and_sample() {
    replay(
        "emulator_request",
        checks::emulator_request::check,
        400,
        160,
    );
}

#[test]
fn every_target_has_a_check_here() {
    let names: Vec<&str> = checks::TARGETS.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "msgpack_value",
            "json_state",
            "peerconn_response",
            "emulator_request"
        ]
    );
    for (name, _) in checks::TARGETS {
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("fuzz/fuzz_targets/{name}.rs"))
                .is_file(),
            "fuzz target {name} has no file"
        );
    }
}
