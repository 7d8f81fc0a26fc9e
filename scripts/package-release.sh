#!/usr/bin/env bash
# Builds the release files the Terraform Registry (and any provider mirror)
# expects, reproducibly:
#
#   DIST/terraform-provider-baidu_VERSION_OS_ARCH.zip
#        the binary `terraform-provider-baidu_vVERSION` at the zip root
#   DIST/terraform-provider-baidu_VERSION_manifest.json
#        a copy of terraform-registry-manifest.json (protocol_versions ["5.0"])
#   DIST/terraform-provider-baidu_VERSION_SHA256SUMS
#        `sha256sum` lines for every zip of VERSION in DIST and the manifest
#
# Same inputs, same bytes: the zip has one entry with a fixed timestamp
# (SOURCE_DATE_EPOCH, default: the last commit's time), fixed permissions
# (0755, Unix), no extra fields, deflate level 6 (Python's zipfile, so no
# dependence on an installed `zip`). The binary comes from
# `cargo build --release --locked` with source paths remapped, so the same
# commit, toolchain and target give the same binary; the toolchain
# (rustc -V) and zlib are inputs too. The .sig (GPG signature of SHA256SUMS)
# for the Registry is made by whoever holds the key, outside this script.
#
# Usage: scripts/package-release.sh [--binary PATH] [--dist DIR]
#   --binary PATH   package this prebuilt binary instead of building (the
#                   tests package a dev build this way; its --version must
#                   still say the crate version)
#   --dist DIR      output directory [default: dist]
# Env: BINARY, DIST, OS_ARCH (default: this machine, e.g. linux_amd64),
#      SOURCE_DATE_EPOCH, PYTHON (default python3).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

binary="${BINARY:-}"
dist="${DIST:-$repo_root/dist}"
python="${PYTHON:-python3}"

while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --dist) dist="${2:?--dist needs a directory}"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

command -v "$python" >/dev/null 2>&1 || die "$python not found (needed to write the zip)"
version="$(crate_version)"
os_arch="$(host_os_arch)"
manifest_src="$repo_root/terraform-registry-manifest.json"
[ -f "$manifest_src" ] || die "$manifest_src is missing"

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git -C "$repo_root" log -1 --format=%ct 2>/dev/null || echo 315532800)"
fi
export SOURCE_DATE_EPOCH

if [ -z "$binary" ]; then binary="$(build_provider release)"; fi
check_binary_version "$binary" "$version"

exe="${provider_binary}_v$version"
case "$os_arch" in windows_*) exe="$exe.exe" ;; esac
prefix="${provider_binary}_$version"
mkdir -p "$dist"

"$python" - "$binary" "$dist" "$exe" "$prefix" "$os_arch" "$manifest_src" <<'PY'
import hashlib, json, os, sys, time, zipfile

binary, dist, exe, prefix, os_arch, manifest_src = sys.argv[1:]
epoch = int(os.environ["SOURCE_DATE_EPOCH"])
# DOS timestamps start in 1980 and have no time zone: use UTC, clamp to 1980.
stamp = time.gmtime(max(epoch, 315532800))[:6]

def write_atomically(path, data, mode=0o644):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)

with open(manifest_src, "rb") as f:
    manifest = f.read()
protocols = json.loads(manifest).get("metadata", {}).get("protocol_versions")
if protocols != ["5.0"]:
    sys.exit(f"{manifest_src}: protocol_versions must be [\"5.0\"], found {protocols!r}")

with open(binary, "rb") as f:
    payload = f.read()
info = zipfile.ZipInfo(exe, date_time=stamp)
info.create_system = 3  # Unix, so the mode below is honoured by unzip and Terraform
info.external_attr = (0o100755 & 0xFFFF) << 16
info.compress_type = zipfile.ZIP_DEFLATED
zip_path = os.path.join(dist, f"{prefix}_{os_arch}.zip")
tmp = zip_path + ".tmp"
with zipfile.ZipFile(tmp, "w") as z:
    z.writestr(info, payload, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
os.chmod(tmp, 0o644)
os.replace(tmp, zip_path)

manifest_name = f"{prefix}_manifest.json"
write_atomically(os.path.join(dist, manifest_name), manifest)

# Every platform's zip of this version in DIST, so packaging several targets
# into one DIST yields one SHA256SUMS covering all of them.
names = sorted(
    n for n in os.listdir(dist)
    if (n.startswith(prefix + "_") and n.endswith(".zip")) or n == manifest_name
)
lines = []
for name in names:
    with open(os.path.join(dist, name), "rb") as f:
        lines.append(f"{hashlib.sha256(f.read()).hexdigest()}  {name}\n")
write_atomically(os.path.join(dist, f"{prefix}_SHA256SUMS"), "".join(lines).encode())

for name in names + [f"{prefix}_SHA256SUMS"]:
    print(os.path.join(dist, name))
PY
