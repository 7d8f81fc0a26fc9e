#!/usr/bin/env bash
# Installs Baidu's official Python SDK (pinned) into a private virtualenv at
# .tools/bce-venv. It is an independent client used to check our signer
# (generated vectors) and the emulator (conformance test). Idempotent.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.tools/bce-venv"
pin="bce-python-sdk==0.9.79"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import baidubce.services.vpc.peerconn_client' 2>/dev/null; then
  exit 0
fi
mkdir -p "$root/.tools"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "$pin"
"$venv/bin/python" -c 'import baidubce.services.vpc.peerconn_client' 
echo "installed $pin into $venv"
