//! Conformance with Baidu's official Python SDK (bce-python-sdk 0.9.79, pinned
//! by scripts/install-bce-sdk.sh): the emulator binary is spawned on
//! 127.0.0.1:0 and tests/python/peerconn_conformance.py (beside this file)
//! drives all 13 operations through `PeerConnClient`, unchanged, with both
//! demo accounts.

mod process;

use std::path::Path;
use std::process::Command;

use process::EmulatorProcess;

#[test]
fn baidu_python_sdk_drives_all_13_operations() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = crate_dir
        .ancestors()
        .nth(2)
        .expect("the crate lives in crates/ of the workspace");
    let install = Command::new("bash")
        .arg(root.join("scripts/install-bce-sdk.sh"))
        .status()
        .expect("run scripts/install-bce-sdk.sh");
    assert!(install.success(), "installing bce-python-sdk failed");
    let python = root.join(".tools/bce-venv/bin/python");

    // Transitions take 60 s of emulated time; the script advances the clock.
    let emu = EmulatorProcess::spawn(&["--timing", "all=60s", "--seed", "11"]);
    let out = Command::new(&python)
        .arg(crate_dir.join("tests/python/peerconn_conformance.py"))
        .arg(emu.host())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_PROXY", "127.0.0.1")
        .output()
        .expect("run the conformance script");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "conformance script failed ({}):\n{stdout}\n{stderr}\n--- emulator log ---\n{}",
        out.status,
        emu.log()
    );
    assert!(stdout.starts_with("ok: "), "{stdout}");
    assert!(stdout.contains("13 operations"), "{stdout}");
}
