#!/usr/bin/env bash
# Installs terraform-provider-baidu into a local filesystem mirror, in the
# unpacked layout Terraform and OpenTofu search without any configuration:
#
#   PLUGIN_DIR/HOST/baidu/baidu/VERSION/OS_ARCH/terraform-provider-baidu_vVERSION
#
# With the default PLUGIN_DIR (~/.terraform.d/plugins, an "implied local
# mirror") a plain `required_providers { baidu = { source = "baidu/baidu" } }`
# and `terraform init` work with no network and no CLI configuration.
# HOST defaults to both registry.terraform.io (what Terraform expands
# `baidu/baidu` to) and registry.opentofu.org (what OpenTofu expands it to).
#
# Usage: scripts/install-provider.sh [--binary PATH] [--profile release|dev]
#                                    [--plugin-dir DIR] [--host HOST]...
#   --binary PATH     install this prebuilt binary instead of building one
#   --profile P       cargo profile to build with: release (default, `cargo
#                     build --release --locked`) or dev (target/debug, the
#                     build the tests share; quicker)
#   --plugin-dir DIR  mirror root [default: ~/.terraform.d/plugins]
#   --host HOST       registry host directory; repeatable [default: both above]
# The same settings come from the environment: BINARY, PROFILE, PLUGIN_DIR,
# HOSTS (space separated) and OS_ARCH (e.g. linux_amd64; default: this machine).
#
# Reinstalling the same version with a rebuilt binary changes its hash: in a
# project that already ran `terraform init`, delete `.terraform.lock.hcl` (or
# its baidu/baidu entry) and `.terraform/providers`, then init again.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

binary="${BINARY:-}"
profile="${PROFILE:-release}"
plugin_dir="${PLUGIN_DIR:-$HOME/.terraform.d/plugins}"
read -r -a hosts <<<"${HOSTS:-registry.terraform.io registry.opentofu.org}"
hosts_from_flags=()

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --profile) profile="${2:?--profile needs release or dev}"; shift 2 ;;
    --plugin-dir) plugin_dir="${2:?--plugin-dir needs a directory}"; shift 2 ;;
    --host) hosts_from_flags+=("${2:?--host needs a hostname}"); shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
if [ ${#hosts_from_flags[@]} -gt 0 ]; then hosts=("${hosts_from_flags[@]}"); fi
[ ${#hosts[@]} -gt 0 ] || die "no registry host to install under"

version="$(crate_version)"
os_arch="$(host_os_arch)"
if [ -z "$binary" ]; then binary="$(build_provider "$profile")"; fi
check_binary_version "$binary" "$version"

exe="${provider_binary}_v$version"
case "$os_arch" in windows_*) exe="$exe.exe" ;; esac

for host in "${hosts[@]}"; do
  dir="$plugin_dir/$host/$provider_namespace/$provider_type/$version/$os_arch"
  # A fresh directory: leftovers (say a zip) would be taken for the executable.
  rm -rf "$dir"
  mkdir -p "$dir"
  # Copy to a temporary name, then rename: a running Terraform never sees half a file.
  cp "$binary" "$dir/.$exe.tmp"
  chmod 0755 "$dir/.$exe.tmp"
  mv -f "$dir/.$exe.tmp" "$dir/$exe"
  echo "installed $dir/$exe"
done

cat <<EOF

Use it with:
  terraform {
    required_providers {
      baidu = { source = "$provider_namespace/$provider_type", version = "$version" }
    }
  }
then \`terraform init\` (no network needed).
EOF
if [ "$plugin_dir" != "$HOME/.terraform.d/plugins" ]; then
  cat <<EOF
$plugin_dir is not an implied mirror: use \`terraform init -plugin-dir=$plugin_dir\`,
or a CLI config with provider_installation { filesystem_mirror { path = "$plugin_dir" } }.
EOF
fi
