#!/usr/bin/env bash
# A Python venv with moto's S3 server (for the S3 ledger sink tests). Prints the moto_server path.
# The version is pinned so CI and developers agree.
#
# Safe to run concurrently: installs are serialised by a lock (flock, when present), each install
# builds a new venv under a unique name, and a finished venv is published by atomically renaming a
# symlink over the old one. No run ever deletes or half-writes a venv another run may be using.
set -euo pipefail
MOTO_VERSION="${TOKENGUARD_MOTO_VERSION:-5.2.5}"
HOME_DIR="${TOKENGUARD_MOTO_HOME:-$HOME/.cache/tokenguard-moto-venvs}"
LINK="$HOME_DIR/moto-$MOTO_VERSION"

published() { [ -x "$LINK/bin/moto_server" ]; }

if ! published; then
  PY="$(command -v python3 || true)"
  if [ -z "$PY" ]; then
    echo "moto-setup: python3 is required (apt-get install python3 python3-venv)" >&2
    exit 1
  fi
  mkdir -p "$HOME_DIR"
  if command -v flock >/dev/null; then
    exec 9>"$HOME_DIR/.install.lock"
    flock 9
  fi
  if ! published; then
    BUILD="$(mktemp -d "$HOME_DIR/build-$MOTO_VERSION-XXXXXX")"
    trap 'rm -rf "$BUILD"' EXIT
    "$PY" -m venv "$BUILD"
    "$BUILD/bin/python" -m pip install --quiet --disable-pip-version-check \
      "moto[server]==$MOTO_VERSION" >&2
    "$BUILD/bin/moto_server" --help >/dev/null
    ln -s "$(basename "$BUILD")" "$BUILD.link"
    # rename(2) replaces the symlink atomically (mv would move into the directory it points at).
    "$PY" -c 'import os, sys; os.replace(sys.argv[1], sys.argv[2])' "$BUILD.link" "$LINK"
    trap - EXIT
  fi
fi
# The resolved path: stays valid even if a later install publishes another venv.
"${PY:-python3}" -c 'import os, sys; print(os.path.realpath(sys.argv[1]))' "$LINK/bin/moto_server"
