#!/usr/bin/env bash
# Idempotent: a Python venv with moto's S3 server under ~/.cache/tokenguard-moto (for the S3 ledger
# sink tests). Prints the moto_server path. The version is pinned so CI and developers agree.
set -euo pipefail
MOTO_VERSION="${TOKENGUARD_MOTO_VERSION:-5.2.5}"
VENV="${TOKENGUARD_MOTO_VENV:-$HOME/.cache/tokenguard-moto}"
STAMP="$VENV/.moto-$MOTO_VERSION"
if [ ! -f "$STAMP" ] || [ ! -x "$VENV/bin/moto_server" ]; then
  PY="$(command -v python3 || true)"
  if [ -z "$PY" ]; then
    echo "moto-setup: python3 is required (apt-get install python3 python3-venv)" >&2
    exit 1
  fi
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" >&2
  touch "$STAMP"
fi
echo "$VENV/bin/moto_server"
