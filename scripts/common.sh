# Shared helpers for install-provider.sh, package-release.sh, demo.sh and the
# pinned-tool installers (install-terraform.sh, install-null-provider.sh).
# Sourced, not run. Callers set `set -euo pipefail` themselves.

# The repository root, whatever the caller's working directory.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

provider_type="baidu"
provider_namespace="baidu"
provider_binary="terraform-provider-$provider_type"

die() { echo "${0##*/}: ERROR: $*" >&2; exit 1; }
note() { echo "${0##*/}: $*" >&2; }

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# Fails the whole script: a wrong hash means a tampered or different artefact.
require_sha() {
  local file="$1" want="$2" got
  got="$(sha_of "$file")"
  [ "$got" = "$want" ] || die "sha256 mismatch for $file: expected $want, got $got"
}

# The version from Cargo.toml's [workspace.package] table (the provider package
# inherits it): the provider version
# Terraform sees (mirror directory, zip names, lock file).
crate_version() {
  local v
  v="$(awk '
    /^\[/ { in_pkg = ($0 == "[workspace.package]") }
    in_pkg && /^version[[:space:]]*=/ { gsub(/.*=[[:space:]]*"|".*/, ""); print; exit }
  ' "$repo_root/Cargo.toml")"
  [ -n "$v" ] || die "no version in $repo_root/Cargo.toml [workspace.package]"
  printf '%s\n' "$v"
}

# Terraform's platform name (OS_ARCH, e.g. linux_amd64) for this machine.
# OS_ARCH in the environment wins (e.g. when packaging a cross-compiled binary).
host_os_arch() {
  if [ -n "${OS_ARCH:-}" ]; then printf '%s\n' "$OS_ARCH"; return; fi
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    FreeBSD) os=freebsd ;;
    MINGW*|MSYS*|CYGWIN*) os=windows ;;
    *) die "unknown OS $(uname -s); set OS_ARCH (e.g. linux_amd64)" ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) arch=amd64 ;;
    aarch64|arm64) arch=arm64 ;;
    i386|i686) arch=386 ;;
    armv6l|armv7l) arch=arm ;;
    *) die "unknown architecture $(uname -m); set OS_ARCH (e.g. linux_amd64)" ;;
  esac
  printf '%s_%s\n' "$os" "$arch"
}

# Builds terraform-provider-baidu with cargo and prints the binary's path.
# $1: profile, `release` (cargo build --release --locked) or `dev` (the
# target/debug build the tests share).
build_provider() {
  local profile="$1" dir
  case "$profile" in
    release)
      # Remapped paths keep the checkout and cargo home out of the binary (panic
      # locations), so two clones of one commit build the same bytes. install and
      # release use the same flags, so they share one release build.
      local cargo_home="${CARGO_HOME:-$HOME/.cargo}" rustflags="${RUSTFLAGS:-}"
      case "$repo_root$cargo_home" in
        *' '*) note "a path contains a space: building without --remap-path-prefix" ;;
        *) rustflags="$rustflags --remap-path-prefix=$repo_root=. --remap-path-prefix=$cargo_home=/cargo" ;;
      esac
      (cd "$repo_root" && RUSTFLAGS="$rustflags" cargo build --release --locked --bin "$provider_binary" >&2)
      dir=release ;;
    dev) (cd "$repo_root" && cargo build --bin "$provider_binary" >&2); dir=debug ;;
    *) die "unknown profile '$profile' (release or dev)" ;;
  esac
  printf '%s\n' "$repo_root/target/$dir/$provider_binary"
}

# The binary's `--version` must name the version it is installed or packaged
# as, so a stale binary can't be published under a new version.
check_binary_version() {
  local bin="$1" version="$2" said
  [ -x "$bin" ] || die "$bin is not an executable file"
  said="$("$bin" --version 2>/dev/null | head -n1)" || die "$bin --version failed"
  [ "$said" = "$provider_binary $version" ] \
    || die "$bin --version says '$said', expected '$provider_binary $version'"
}
