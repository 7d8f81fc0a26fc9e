#!/usr/bin/env bash
# Whole-process and micro benchmarks; see benches/e2e.py --help and BENCHMARKS.md.
#   benches/e2e.sh            full run (release build; ~15 min on 2 cores once built), results in benches/results/
#   benches/e2e.sh --quick    CI smoke (dev build, N=10, 2 reps): keeps the script working
# Installs what it needs first (pinned Terraform, the Go null provider); both are idempotent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-terraform.sh" >/dev/null
"$root/scripts/install-null-provider.sh" >/dev/null
exec python3 "$root/benches/e2e.py" "$@"
