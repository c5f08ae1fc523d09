#!/usr/bin/env bash
# Source this file: Node >= 22 first on PATH, the project's npm packages installed (npm ci when
# node_modules is missing or older than package-lock.json), and the package built (dist/).
# Progress goes to stderr. Used by `npm test` and `npm run quickstart` on a fresh clone.
source "$(dirname "${BASH_SOURCE[0]}")/ensure-node.sh"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "tokenguard: installing the project's npm packages (npm ci; about a minute the first time)" >&2
  npm ci --no-audit --no-fund >&2
fi
npm run build --silent >&2
