//! Interrupts: `terraform apply` of N peerings is cut at a
//! seeded random point, either by SIGINT to its process group (Ctrl-C in a
//! terminal: Terraform stops the provider gracefully) or by SIGKILL of the
//! provider process (a crash). Afterwards every object in the emulator must be
//! in state, or be reported by the next apply as already existing, with its id
//! and the `terraform import` command. After the scripted import, a final
//! apply converges: exactly N peerings, state == emulator, no duplicate.
//!
//! The cut point: after the k-th create request reached the emulator (k seeded
//! in 1..=N), plus a seeded 0–600 ms, so it lands in creates, waits and reads.
//!
//! CI: a few rounds with small N. Larger: `TFBAIDU_INTERRUPT_N=20
//! TFBAIDU_INTERRUPT_SEEDS=1,2,3,4,5,6 cargo test --test reliability_interrupt -- --nocapture`.

mod common;
mod reliability_support;

use std::time::Duration;

use reliability_support::{
    address_of_pair, apply, assert_exact, compare, count_requests, emulator_config, knob,
    live_objects, pair, seeds, spawn_terraform, start_emulator, state_objects, wait_until,
    workdir_with_peerings, Rng,
};

const PARALLELISM: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cut {
    /// SIGINT to Terraform's process group.
    Interrupt,
    /// SIGKILL to the provider process only.
    KillProvider,
}

#[derive(Debug, Default)]
struct Round {
    creates_before_cut: usize,
    delay_ms: u64,
    exit_code: Option<i32>,
    in_state_after_cut: usize,
    tainted_after_cut: usize,
    orphans_after_cut: usize,
    imports: usize,
    applies_to_converge: usize,
}

fn round(seed: u64, n: usize, cut: Cut) -> Round {
    let mut rng = Rng(seed ^ if cut == Cut::Interrupt { 0x1 } else { 0x2 });
    let emulator = start_emulator(
        &emulator_config(2 * n, 10, n + 10),
        &[
            "--seed",
            &seed.to_string(),
            // Long enough that a cut often lands while peerings are creating.
            "--timing",
            "creating=1500ms",
            "--timing",
            "deleting=300ms",
            "--request-log-size",
            "1000000",
        ],
    );
    let pairs: Vec<(String, String)> = (0..n).map(pair).collect();
    let wd = workdir_with_peerings(emulator.endpoint(), &pairs);
    let mut r = Round {
        creates_before_cut: usize::try_from(rng.between(1, n as u64)).unwrap_or(1),
        delay_ms: rng.between(0, 600),
        ..Round::default()
    };

    let running = spawn_terraform(
        &wd,
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            &format!("-parallelism={PARALLELISM}"),
        ],
    );
    let reached = wait_until(Duration::from_secs(120), || {
        count_requests(&emulator, "CreatePeerConn") >= r.creates_before_cut
    });
    assert!(
        reached,
        "seed {seed}: the apply never sent {} creates",
        r.creates_before_cut
    );
    std::thread::sleep(Duration::from_millis(r.delay_ms));
    match cut {
        Cut::Interrupt => running.signal_group("INT"),
        Cut::KillProvider => {
            let pids = running.provider_pids();
            assert!(!pids.is_empty(), "seed {seed}: no provider process to kill");
            for pid in pids {
                let _ = std::process::Command::new("kill")
                    .args(["-s", "KILL", &pid.to_string()])
                    .status();
            }
        }
    }
    let (code, out, err) = running.wait(Duration::from_secs(180));
    let said = format!("{out}\n{err}");
    r.exit_code = code;

    // What the cut left: objects in state (some tainted) and maybe orphans.
    let live = live_objects(&emulator);
    let state = state_objects(wd.path());
    let c = compare(&live, &state);
    assert!(
        c.ghosts.is_empty() || cut == Cut::KillProvider,
        "seed {seed}: state names objects that do not exist: {c:#?}"
    );
    assert!(
        c.duplicate_state_ids.is_empty() && c.duplicate_live_pairs.is_empty(),
        "seed {seed}: duplicates right after the cut: {c:#?}"
    );
    r.in_state_after_cut = state.len();
    r.tainted_after_cut = state.iter().filter(|s| s.tainted).count();
    r.orphans_after_cut = c.orphans.len();
    if code == Some(0) {
        // The cut came too late to matter; still a valid round.
        eprintln!("seed {seed}: apply finished before the {cut:?} took effect");
    } else if cut == Cut::Interrupt {
        assert!(
            said.contains("nterrupt") || said.contains("ancel") || said.contains("stop"),
            "seed {seed}: an interrupted apply says so:\n{said}"
        );
    }

    // The next apply: every orphan is reported with its id and an import command.
    let mut applies = 0;
    loop {
        applies += 1;
        assert!(applies <= 4, "seed {seed}: did not converge");
        let before = live_objects(&emulator);
        let out = apply(&wd, PARALLELISM);
        let orphans = compare(&before, &state_objects(wd.path())).orphans;
        if out.success() {
            break;
        }
        let text = format!("{}\n{}", out.stdout, out.stderr);
        let mut imported = 0;
        for o in &orphans {
            if !text.contains(&o.id) {
                continue;
            }
            assert!(
                text.contains(&format!("terraform import baidu_peerconn.NAME {}", o.id)),
                "seed {seed}: {} is reported without an import command:\n{text}",
                o.id
            );
            let address = address_of_pair(&pairs, &o.local_vpc, &o.peer_vpc)
                .unwrap_or_else(|| panic!("{} is not one of the configured pairs", o.id));
            wd.run_ok(&["import", "-input=false", "-no-color", &address, &o.id]);
            imported += 1;
        }
        // Orphans that were not reported: the apply adopted nothing and
        // failed for another reason; that must not leave them unmentioned.
        let unreported: Vec<_> = orphans.iter().filter(|o| !text.contains(&o.id)).collect();
        assert!(
            unreported.is_empty() || imported > 0,
            "seed {seed}: orphans not reported by the next apply: {unreported:#?}\n{text}"
        );
        r.imports += imported;
    }
    r.applies_to_converge = applies;
    assert_exact(
        &format!("seed {seed}: after converging"),
        &emulator,
        wd.path(),
    );
    let state = state_objects(wd.path());
    assert_eq!(state.len(), n, "seed {seed}: all {n} peerings in state");
    assert_eq!(
        live_objects(&emulator).len(),
        n,
        "seed {seed}: no duplicate created"
    );
    wd.run_ok(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
    assert!(live_objects(&emulator).is_empty());
    r
}

fn rounds(cut: Cut, default_seeds: &[u64]) {
    let n = knob("TFBAIDU_INTERRUPT_N", 6);
    let mut failed = Vec::new();
    for seed in seeds("TFBAIDU_INTERRUPT_SEEDS", default_seeds) {
        match std::panic::catch_unwind(|| round(seed, n, cut)) {
            Ok(r) => eprintln!(
                "INTERRUPT cut={cut:?} seed={seed} n={n} after_creates={} delay_ms={} exit={:?} \
                 in_state={} tainted={} orphans={} imported={} applies_to_converge={} duplicates=0",
                r.creates_before_cut,
                r.delay_ms,
                r.exit_code,
                r.in_state_after_cut,
                r.tainted_after_cut,
                r.orphans_after_cut,
                r.imports,
                r.applies_to_converge
            ),
            Err(_) => failed.push(seed),
        }
    }
    assert!(failed.is_empty(), "{cut:?} failed for seeds {failed:?}");
}

#[test]
fn sigint_during_a_multi_peering_create_loses_and_duplicates_nothing() {
    rounds(Cut::Interrupt, &[101, 102]);
}

#[test]
fn sigkill_of_the_provider_loses_and_duplicates_nothing() {
    rounds(Cut::KillProvider, &[201, 202]);
}
