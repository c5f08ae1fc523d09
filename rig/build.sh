#!/usr/bin/env bash
# Builds the Pulumi engine binaries that tokenguard's end-to-end tests run, from the
# Go module registry only, and caches them by version.
#
#   BIN=$(bash rig/build.sh)      # progress on stderr, the bin dir on stdout
#
# Cache: ${TOKENGUARD_ENGINE_CACHE:-$HOME/.cache/tokenguard-engine}/<key>/bin, where <key>
# hashes the versions below, the Go version, this script and the wrapper modules in
# rig/go/, so any edit builds a fresh set. Binaries already built are skipped.
# Go's own module and build caches (go env GOMODCACHE / GOCACHE) are used as usual;
# keeping them warm makes a rebuild much faster. See rig/README.md.
set -euo pipefail

PULUMI_VERSION=v3.274.1     # github.com/pulumi/pulumi/pkg/v3 (the CLI and engine)
NODEJS_HOST_VERSION=0.1.0   # our own minimal pulumi-language-nodejs (go/pulumi-language-nodejs)
VAULT_VERSION=v1.21.1       # github.com/hashicorp/vault, server and CLI (go/vault pins its api and sdk; see README)
VAULT_BUILD_DATE=2025-11-18T21:04:32Z  # that tag's time, as the module proxy reports it
MIN_GO=1.21                 # oldest go that can switch to the toolchain the wrappers name

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${TOKENGUARD_ENGINE_CACHE:-$HOME/.cache/tokenguard-engine}"
JOBS="${TOKENGUARD_ENGINE_BUILD_JOBS:-2}"

log() { printf '[engine] %s\n' "$*" >&2; }
die() { printf '[engine] error: %s\n' "$*" >&2; exit 1; }

# version_ge A B: true when version A >= version B (dotted numbers).
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }

# ---- preflight: go ------------------------------------------------------------------------
command -v go >/dev/null 2>&1 ||
	die "'go' is not on PATH. Install Go >= $MIN_GO (Debian: apt-get install golang-go, or the Go toolchain) and retry."
GO_VERSION_LINE="$(go version)"
GO_LOCAL="$(go env GOVERSION)"; GO_LOCAL="${GO_LOCAL#go}"
version_ge "$GO_LOCAL" "$MIN_GO" ||
	die "go $GO_LOCAL is too old: need >= $MIN_GO (to build with the toolchain the wrapper modules require)."
GO_NEED="$MIN_GO"
for mod in "$HERE"/go/*/go.mod; do
	v="$(awk '$1 == "go" { print $2; exit }' "$mod")"
	version_ge "$GO_NEED" "$v" || GO_NEED="$v"
done
if ! version_ge "$GO_LOCAL" "$GO_NEED"; then
	case "$(go env GOTOOLCHAIN)" in
	local | *+local | "")
		die "go $GO_LOCAL is too old: the wrapper modules need go >= $GO_NEED and GOTOOLCHAIN=local forbids switching. Install a newer Go or unset GOTOOLCHAIN." ;;
	*) log "go $GO_LOCAL < $GO_NEED: go will fetch toolchain go$GO_NEED from the module proxy" ;;
	esac
fi

# ---- the versions above must be the ones the wrapper modules build --------------------
# check_pin WRAPPER MODULE VERSION
check_pin() {
	awk -v m="$2" -v v="$3" '($1 == m && $2 == v) || ($1 == "require" && $2 == m && $3 == v) { found = 1 } END { exit !found }' "$HERE/go/$1/go.mod" ||
		die "go/$1/go.mod does not require $2 $3 (the version named in build.sh): update one of them."
}
check_pin pulumi github.com/pulumi/pulumi/pkg/v3 "$PULUMI_VERSION"
check_pin pulumi-language-nodejs github.com/pulumi/pulumi/sdk/v3 "$PULUMI_VERSION"
check_pin vault github.com/hashicorp/vault "$VAULT_VERSION"

# ---- cache key --------------------------------------------------------------------------
KEY="$(
	{
		echo "pulumi=$PULUMI_VERSION nodejs-host=$NODEJS_HOST_VERSION vault=$VAULT_VERSION"
		echo "$GO_VERSION_LINE"
		sha256sum "$HERE/build.sh" | cut -d' ' -f1
		(cd "$HERE/go" && find . -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) | LC_ALL=C sort |
			while read -r f; do printf '%s %s\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)"; done)
		# the stand-in providers' sources (not their tests)
		(cd "$HERE/providers" && find . -type f \( \( -name '*.ts' ! -name '*.test.ts' \) -o -name 'tsconfig.build.json' \) |
			LC_ALL=C sort | while read -r f; do printf '%s %s\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)"; done)
	} | sha256sum | cut -c1-16
)"
OUT="$CACHE_ROOT/$KEY"
BIN="$OUT/bin"
mkdir -p "$BIN"

# One build per cache key at a time (parallel CI jobs, two shells).
if command -v flock >/dev/null 2>&1; then
	exec 9>"$OUT/.lock"
	flock 9
fi

WORK=""
cleanup() { if [ -n "$WORK" ]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT

# The proxy is only needed when something is missing from the module cache; check it once,
# lazily, so a warm run works offline.
PROXY_CHECKED=""
check_proxy() {
	[ -n "$PROXY_CHECKED" ] && return 0
	PROXY_CHECKED=1
	local probe="github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION" out
	if ! out="$(cd "$WORK" && GOFLAGS=-mod=mod timeout 120 go mod download -json "$probe" 2>&1)"; then
		printf '%s\n' "$out" | tail -n 5 >&2
		die "cannot reach the Go module proxy ($(go env GOPROXY)) to download $probe. Check the network, or set GOPROXY to a reachable Go module proxy (and GONOSUMDB/GOSUMDB if it is private)."
	fi
}

explain_failure() { # $1 = build log
	if grep -Eq 'dial tcp|no such host|connection refused|i/o timeout|TLS handshake|network is unreachable|proxyconnect' "$1"; then
		log "cannot reach the Go module proxy ($(go env GOPROXY)); set GOPROXY to a reachable Go module proxy."
	elif grep -Eq '403 Forbidden|404 Not Found|410 Gone|not available' "$1"; then
		log "the Go module proxy ($(go env GOPROXY)) refused a module version named in the wrapper's go.mod/go.sum."
	fi
}

# build_go NAME WRAPPER_DIR PACKAGE TAGS LDFLAGS
build_go() {
	local name="$1" wrapper="$HERE/go/$2" pkg="$3" tags="$4" ldflags="$5"
	if [ -x "$BIN/$name" ]; then
		log "$name: cached"
		return 0
	fi
	WORK="$(mktemp -d "$OUT/work.XXXXXX")"
	cp "$wrapper"/go.mod "$wrapper"/go.sum "$WORK"/
	cp "$wrapper"/*.go "$WORK"/ 2>/dev/null || true
	check_proxy
	log "$name: building (${2}: $pkg); minutes on a cold machine"
	local start=$SECONDS
	if ! (cd "$WORK" && CGO_ENABLED=0 go build -mod=readonly -trimpath -p "$JOBS" \
		${tags:+-tags "$tags"} -ldflags "$ldflags" -o "$WORK/$name.tmp" "$pkg") >"$WORK/build.log" 2>&1; then
		tail -n 40 "$WORK/build.log" >&2
		explain_failure "$WORK/build.log"
		die "$name: go build failed (log above)"
	fi
	mv -f "$WORK/$name.tmp" "$BIN/$name" # same filesystem: an atomic rename
	rm -rf "$WORK"
	WORK=""
	log "$name: built in $((SECONDS - start))s"
}

# write_script NAME CONTENT: small launchers that the engine expects beside the binaries.
write_script() {
	local name="$1" content="$2"
	if [ -x "$BIN/$name" ] && [ "$(cat "$BIN/$name")" = "$content" ]; then
		return 0
	fi
	printf '%s\n' "$content" >"$BIN/$name.tmp.$$"
	chmod +x "$BIN/$name.tmp.$$"
	mv -f "$BIN/$name.tmp.$$" "$BIN/$name"
}

TOTAL_START=$SECONDS
log "cache: $OUT"

build_go pulumi pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi osusergo,grpcnotrace \
	"-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION"

build_go pulumi-language-nodejs pulumi-language-nodejs . "" \
	"-s -w -X main.version=$NODEJS_HOST_VERSION"

# A real Vault server for the tests (vault server -dev). The version string comes from the
# VERSION file embedded in the module; the build date is set as upstream's build does (left
# empty, Vault makes up one a year before the current time).
build_go vault vault github.com/hashicorp/vault "" \
	"-s -w -X github.com/hashicorp/vault/version.BuildDate=$VAULT_BUILD_DATE"

# Dynamic providers (pulumi.dynamic.Resource) run through this plugin name; it starts the
# provider script shipped in the program's own @pulumi/pulumi, resolved from the plugin's
# working directory (the program's) upward, so programs in subfolders (examples/<x>/, whose
# node_modules are at the repository root) work too. argv is passed through unchanged.
write_script pulumi-resource-pulumi-nodejs '#!/bin/sh
exec node -e '"'"'const m = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] }); process.argv.splice(1, 0, m); require(m);'"'"' -- "$@"'

# Stand-in providers for random and vault (rig/providers, TypeScript): the proxy refuses
# the real provider modules (README). Compiled once per cache key with the project's own tsc;
# the launchers run them with the node on PATH. They load gRPC from the program's @pulumi/pulumi.
build_standins() {
	local out="$BIN/stand-ins" root tsc start
	if [ -f "$out/.built" ]; then
		log "stand-in providers: cached"
		return 0
	fi
	root="$(cd "$HERE/.." && pwd)"
	tsc="$root/node_modules/typescript/bin/tsc"
	command -v node >/dev/null 2>&1 || die "'node' is not on PATH: the stand-in providers need Node.js (source .ci/ensure-node.sh)."
	[ -f "$tsc" ] || die "no TypeScript compiler at $tsc: install the project's npm packages first (npm ci, or npm run setup)."
	WORK="$(mktemp -d "$OUT/work.XXXXXX")"
	start=$SECONDS
	if ! node "$tsc" -p "$HERE/providers/tsconfig.build.json" --outDir "$WORK/stand-ins" >"$WORK/build.log" 2>&1; then
		tail -n 40 "$WORK/build.log" >&2
		die "stand-in providers: tsc failed (log above)"
	fi
	touch "$WORK/stand-ins/.built"
	rm -rf "$out"
	mv "$WORK/stand-ins" "$out"
	rm -rf "$WORK"
	WORK=""
	log "stand-in providers: compiled in $((SECONDS - start))s"
}
build_standins
write_script pulumi-resource-random '#!/bin/sh
exec node "$(dirname "$0")/stand-ins/random.js" "$@"'
write_script pulumi-resource-vault '#!/bin/sh
exec node "$(dirname "$0")/stand-ins/vault.js" "$@"'
write_script pulumi-resource-aws '#!/bin/sh
exec node "$(dirname "$0")/stand-ins/aws.js" "$@"'

cat >"$OUT/VERSIONS" <<EOF
pulumi $PULUMI_VERSION (github.com/pulumi/pulumi/pkg/v3)
pulumi-language-nodejs $NODEJS_HOST_VERSION (tokenguard rig/go/pulumi-language-nodejs, sdk/v3 $PULUMI_VERSION)
pulumi-resource-pulumi-nodejs (launcher script for dynamic providers)
pulumi-resource-random 4.21.2, pulumi-resource-vault 7.8.0 (stand-ins: tokenguard rig/providers, compiled to stand-ins/)
vault $VAULT_VERSION (github.com/hashicorp/vault; api, sdk and api/auth/* pinned in tokenguard rig/go/vault)
built with: $GO_VERSION_LINE
EOF

log "done in $((SECONDS - TOTAL_START))s"
printf '%s\n' "$BIN"
