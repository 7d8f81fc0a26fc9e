#!/usr/bin/env bash
# Runs every fuzz target one after the other, single worker, for SECONDS each
# (default 600), on the binaries `cargo +nightly fuzz build -O -a` made.
# Logs and final stats: logs/<target>.log; crashers: artifacts/<target>/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
seconds="${1:-600}"
bin=target/x86_64-unknown-linux-gnu/release
mkdir -p logs
for target in ${TARGETS:-msgpack_value json_state peerconn_response emulator_request}; do
  mkdir -p "corpus/$target" "artifacts/$target"
  echo "== $target: ${seconds}s"
  "$bin/$target" "corpus/$target" \
    -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=30 \
    -artifact_prefix="artifacts/$target/" -print_final_stats=1 \
    >"logs/$target.log" 2>&1 || echo "$target: exit $? (see logs/$target.log)"
  grep -E "^stat::|Done [0-9]+ runs" "logs/$target.log" || true
done
