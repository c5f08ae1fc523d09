#!/usr/bin/env bash
# Builds the Pulumi engine binaries that tokenguard's end-to-end tests run, from the
# Go module registry only, and caches each one by its own key.
#
#   BIN=$(bash rig/build.sh)                                  # every part
#   BIN=$(bash rig/build.sh --only pulumi,nodejs,stand-ins)   # just what a job needs
#
# Progress goes to stderr; stdout is the bin dir only. Parts (see rig/README.md):
#   pulumi     the Pulumi CLI and engine                     (Go, rig/go/pulumi)
#   nodejs     our Node.js language host + the dynamic-provider launcher (Go, rig/go/pulumi-language-nodejs)
#   stand-ins  stand-in providers random, vault, aws          (TypeScript, rig/providers)
#   vault      a HashiCorp Vault server for `vault server -dev` (Go, rig/go/vault)
#
# Cache: ${TOKENGUARD_ENGINE_CACHE:-$HOME/.cache/tokenguard-engine}/parts/<part>-<key>/, where a
# part's <key> hashes only what that part is built from: its pinned version, its sources (its
# wrapper module in rig/go/, or rig/providers/*.ts), its build recipe and the toolchain (go
# version, or the TypeScript version). Editing a stand-in provider rebuilds the stand-ins only;
# bumping Vault rebuilds vault only. The bin dir, .../bin-<key>/, holds hard links to the parts
# selected and the launcher scripts; it is assembled once per combination, in well under a second.
# Go's own module and build caches (go env GOMODCACHE / GOCACHE) are used as usual; keeping them
# warm makes a rebuild much faster. See rig/README.md.
set -euo pipefail

PULUMI_VERSION=v3.274.1     # github.com/pulumi/pulumi/pkg/v3 (the CLI and engine)
NODEJS_HOST_VERSION=0.1.0   # our own minimal pulumi-language-nodejs (go/pulumi-language-nodejs)
VAULT_VERSION=v1.21.1       # github.com/hashicorp/vault, server and CLI (go/vault pins its api and sdk; see README)
VAULT_BUILD_DATE=2025-11-18T21:04:32Z  # that tag's time, as the module proxy reports it
MIN_GO=1.21                 # oldest go that can switch to the toolchain the wrappers name
ALL_PARTS="pulumi,nodejs,stand-ins,vault"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE_ROOT="${TOKENGUARD_ENGINE_CACHE:-$HOME/.cache/tokenguard-engine}"
JOBS="${TOKENGUARD_ENGINE_BUILD_JOBS:-2}"
# The fixed part of every Go build's command line; part of each Go part's key.
GO_BUILD_FLAGS="CGO_ENABLED=0 go build -mod=readonly -trimpath"

log() { printf '[engine] %s\n' "$*" >&2; }
die() { printf '[engine] error: %s\n' "$*" >&2; exit 1; }
usage() {
	cat >&2 <<EOF
usage: bash rig/build.sh [--only PART[,PART...]]
Builds (or finds cached) the parts named, default all: ${ALL_PARTS//,/, }.
Prints the bin dir holding them on stdout; progress goes to stderr.
EOF
}

# ---- arguments ------------------------------------------------------------------------------
SELECTED="$ALL_PARTS"
while [ $# -gt 0 ]; do
	case "$1" in
	--only) [ $# -ge 2 ] || { usage; die "--only needs a comma-separated list of parts"; }; SELECTED="$2"; shift 2 ;;
	--only=*) SELECTED="${1#--only=}"; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage; die "unknown argument '$1'" ;;
	esac
done
want() { case ",$PARTS," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
PARTS=""
IFS=',' read -r -a requested <<<"$SELECTED"
for p in "${requested[@]}"; do
	case ",$ALL_PARTS," in
	*",$p,"*) ;;
	*) die "--only: unknown part '$p'; the parts are ${ALL_PARTS//,/, }" ;;
	esac
done
for p in ${ALL_PARTS//,/ }; do # canonical order, duplicates dropped
	case ",$SELECTED," in *",$p,"*) PARTS="${PARTS:+$PARTS,}$p" ;; esac
done
[ -n "$PARTS" ] || die "--only: name at least one part (${ALL_PARTS//,/, })"

# version_ge A B: true when version A >= version B (dotted numbers).
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
sha() { sha256sum | cut -c1-16; }
# files_digest DIR FIND-ARGS...: "<path> <sha256>" for each matching file under DIR, sorted.
files_digest() {
	local dir="$1"
	shift
	(cd "$dir" && find . -type f "$@" | LC_ALL=C sort |
		while read -r f; do printf '%s %s\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)"; done)
}

# ---- preflight: go (only when a Go part is wanted) --------------------------------------------
GO_VERSION_LINE=""
preflight_go() {
	command -v go >/dev/null 2>&1 ||
		die "'go' is not on PATH. Install Go >= $MIN_GO (Debian: apt-get install golang-go, or the Go toolchain) and retry."
	GO_VERSION_LINE="$(go version)"
	local local_v need v mod
	local_v="$(go env GOVERSION)"; local_v="${local_v#go}"
	version_ge "$local_v" "$MIN_GO" ||
		die "go $local_v is too old: need >= $MIN_GO (to build with the toolchain the wrapper modules require)."
	need="$MIN_GO"
	for mod in "$HERE"/go/*/go.mod; do
		v="$(awk '$1 == "go" { print $2; exit }' "$mod")"
		version_ge "$need" "$v" || need="$v"
	done
	if ! version_ge "$local_v" "$need"; then
		case "$(go env GOTOOLCHAIN)" in
		local | *+local | "")
			die "go $local_v is too old: the wrapper modules need go >= $need and GOTOOLCHAIN=local forbids switching. Install a newer Go or unset GOTOOLCHAIN." ;;
		*) log "go $local_v < $need: go will fetch toolchain go$need from the module proxy" ;;
		esac
	fi
}

# check_pin WRAPPER MODULE VERSION: the versions above must be the ones the wrapper modules build.
check_pin() {
	awk -v m="$2" -v v="$3" '($1 == m && $2 == v) || ($1 == "require" && $2 == m && $3 == v) { found = 1 } END { exit !found }' "$HERE/go/$1/go.mod" ||
		die "go/$1/go.mod does not require $2 $3 (the version named in build.sh): update one of them."
}

if want pulumi || want nodejs || want vault; then preflight_go; fi
if want pulumi; then check_pin pulumi github.com/pulumi/pulumi/pkg/v3 "$PULUMI_VERSION"; fi
if want nodejs; then check_pin pulumi-language-nodejs github.com/pulumi/pulumi/sdk/v3 "$PULUMI_VERSION"; fi
if want vault; then check_pin vault github.com/hashicorp/vault "$VAULT_VERSION"; fi

mkdir -p "$CACHE_ROOT/parts"
WORK=""
cleanup() { if [ -n "$WORK" ]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT

# with_lock NAME CMD...: one build of a part (or one assembly of a bin dir) at a time, across
# parallel CI jobs and shells.
with_lock() {
	local name="$1"
	shift
	if command -v flock >/dev/null 2>&1; then
		(
			trap cleanup EXIT # a subshell does not inherit the trap: remove its own work dir
			flock 8
			"$@"
		) 8>"$CACHE_ROOT/parts/.$name.lock"
	else
		(
			trap cleanup EXIT
			"$@"
		)
	fi
}

# The proxy is only needed when something is missing from the module cache; check it once,
# lazily, so a warm run works offline.
check_proxy() {
	local probe="github.com/pulumi/pulumi/sdk/v3@$PULUMI_VERSION" out
	if ! out="$(cd "$1" && GOFLAGS=-mod=mod timeout 120 go mod download -json "$probe" 2>&1)"; then
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

# go_key NAME WRAPPER PACKAGE TAGS LDFLAGS VERSION: the key of one Go binary.
go_key() {
	{
		printf 'part=%s version=%s\n' "$1" "$6"
		printf 'recipe: %s -p <jobs> -tags "%s" -ldflags "%s" %s\n' "$GO_BUILD_FLAGS" "$4" "$5" "$3"
		echo "$GO_VERSION_LINE"
		files_digest "$HERE/go/$2" \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \)
	} | sha
}

# build_go NAME WRAPPER PACKAGE TAGS LDFLAGS VERSION: builds into parts/NAME-<key>/NAME once.
# Prints the part's directory.
build_go() {
	local name="$1" key dir
	key="$(go_key "$@")"
	dir="$CACHE_ROOT/parts/$name-$key"
	with_lock "$name-$key" build_go_locked "$dir" "$@" >&2
	printf '%s\n' "$dir"
}
build_go_locked() {
	local dir="$1" name="$2" wrapper="$HERE/go/$3" pkg="$4" tags="$5" ldflags="$6" start=$SECONDS
	if [ -x "$dir/$name" ]; then
		log "$name: cached ($(basename "$dir"))"
		return 0
	fi
	WORK="$(mktemp -d "$CACHE_ROOT/parts/.work.XXXXXX")"
	cp "$wrapper"/go.mod "$wrapper"/go.sum "$WORK"/
	cp "$wrapper"/*.go "$WORK"/ 2>/dev/null || true
	check_proxy "$WORK"
	log "$name: building (go/$3: $pkg); minutes on a cold machine"
	if ! (cd "$WORK" && CGO_ENABLED=0 go build -mod=readonly -trimpath -p "$JOBS" \
		${tags:+-tags "$tags"} -ldflags "$ldflags" -o "$WORK/$name.tmp" "$pkg") >"$WORK/build.log" 2>&1; then
		tail -n 40 "$WORK/build.log" >&2
		explain_failure "$WORK/build.log"
		die "$name: go build failed (log above)"
	fi
	mkdir -p "$WORK/out"
	mv "$WORK/$name.tmp" "$WORK/out/$name"
	rm -rf "$dir"
	mv "$WORK/out" "$dir" # same filesystem: an atomic rename
	rm -rf "$WORK"
	WORK=""
	log "$name: built in $((SECONDS - start))s ($(basename "$dir"))"
}

# Stand-in providers for random, vault and aws (rig/providers, TypeScript): the proxy refuses
# the real provider modules (README). Compiled with the project's own tsc; the launchers run
# them with the node on PATH. They load gRPC from the program's @pulumi/pulumi.
ROOT="$(cd "$HERE/.." && pwd)"
TSC="$ROOT/node_modules/typescript/bin/tsc"
standins_key() {
	{
		echo "part=stand-ins"
		printf 'typescript %s\n' "$(node -p 'require(process.argv[1]).version' "$ROOT/node_modules/typescript/package.json")"
		# the stand-in providers' sources (not their tests) and their compiler options
		files_digest "$HERE/providers" \( \( -name '*.ts' ! -name '*.test.ts' \) -o -name 'tsconfig.build.json' \)
	} | sha
}
build_standins() {
	local key dir
	command -v node >/dev/null 2>&1 || die "'node' is not on PATH: the stand-in providers need Node.js (source .ci/ensure-node.sh)."
	[ -f "$TSC" ] || die "no TypeScript compiler at $TSC: install the project's npm packages first (npm ci, or npm run setup)."
	key="$(standins_key)"
	dir="$CACHE_ROOT/parts/stand-ins-$key"
	with_lock "stand-ins-$key" build_standins_locked "$dir" >&2
	printf '%s\n' "$dir"
}
build_standins_locked() {
	local dir="$1" start=$SECONDS
	if [ -f "$dir/.built" ]; then
		log "stand-in providers: cached ($(basename "$dir"))"
		return 0
	fi
	WORK="$(mktemp -d "$CACHE_ROOT/parts/.work.XXXXXX")"
	if ! node "$TSC" -p "$HERE/providers/tsconfig.build.json" --outDir "$WORK/out" >"$WORK/build.log" 2>&1; then
		tail -n 40 "$WORK/build.log" >&2
		die "stand-in providers: tsc failed (log above)"
	fi
	touch "$WORK/out/.built"
	rm -rf "$dir"
	mv "$WORK/out" "$dir"
	rm -rf "$WORK"
	WORK=""
	log "stand-in providers: compiled in $((SECONDS - start))s ($(basename "$dir"))"
}

# ---- build (or find) the parts ----------------------------------------------------------------
TOTAL_START=$SECONDS
log "cache: $CACHE_ROOT; parts: ${PARTS//,/, }"
declare -A DIRS=()
VERSIONS=""
if want pulumi; then
	DIRS[pulumi]="$(build_go pulumi pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi osusergo,grpcnotrace \
		"-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" "$PULUMI_VERSION")"
	VERSIONS+="pulumi $PULUMI_VERSION (github.com/pulumi/pulumi/pkg/v3)"$'\n'
fi
if want nodejs; then
	DIRS[nodejs]="$(build_go pulumi-language-nodejs pulumi-language-nodejs . "" \
		"-s -w -X main.version=$NODEJS_HOST_VERSION" "$NODEJS_HOST_VERSION")"
	VERSIONS+="pulumi-language-nodejs $NODEJS_HOST_VERSION (tokenguard rig/go/pulumi-language-nodejs, sdk/v3 $PULUMI_VERSION)"$'\n'
	VERSIONS+="pulumi-resource-pulumi-nodejs (launcher script for dynamic providers)"$'\n'
fi
if want stand-ins; then
	DIRS[stand-ins]="$(build_standins)"
	VERSIONS+="pulumi-resource-random 4.21.2, pulumi-resource-vault 7.8.0, pulumi-resource-aws 7.48.0 (stand-ins: tokenguard rig/providers, compiled to stand-ins/)"$'\n'
fi
if want vault; then
	# A real Vault server for the tests (vault server -dev). The version string comes from the
	# VERSION file embedded in the module; the build date is set as upstream's build does (left
	# empty, Vault makes up one a year before the current time).
	DIRS[vault]="$(build_go vault vault github.com/hashicorp/vault "" \
		"-s -w -X github.com/hashicorp/vault/version.BuildDate=$VAULT_BUILD_DATE" "$VAULT_VERSION")"
	VERSIONS+="vault $VAULT_VERSION (github.com/hashicorp/vault; api, sdk and api/auth/* pinned in tokenguard rig/go/vault)"$'\n'
fi
[ -z "$GO_VERSION_LINE" ] || VERSIONS+="built with: $GO_VERSION_LINE"$'\n'

# ---- the bin dir: hard links to the parts, plus launchers --------------------------------------
# Dynamic providers (pulumi.dynamic.Resource) run through pulumi-resource-pulumi-nodejs; it starts
# the provider script shipped in the program's own @pulumi/pulumi, resolved from the plugin's
# working directory (the program's) upward, so programs in subfolders (examples/<x>/, whose
# node_modules are at the repository root) work too. argv is passed through unchanged.
DYNAMIC_LAUNCHER='#!/bin/sh
exec node -e '"'"'const m = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [process.cwd()] }); process.argv.splice(1, 0, m); require(m);'"'"' -- "$@"'
standin_launcher() { printf '#!/bin/sh\nexec node "$(dirname "$0")/stand-ins/%s.js" "$@"\n' "$1"; }

BIN_KEY="$(
	{
		for p in ${PARTS//,/ }; do printf '%s %s\n' "$p" "$(basename "${DIRS[$p]}")"; done
		printf '%s\n' "$DYNAMIC_LAUNCHER"
		standin_launcher NAME
	} | sha
)"
BIN="$CACHE_ROOT/bin-$BIN_KEY"

# link SRC DEST: a hard link (same file system, so pulumi finds its bundled language host beside
# itself, as os.Executable reports the link), or a copy where links are impossible.
link() { ln -f "$1" "$2" 2>/dev/null || cp -p "$1" "$2"; }
write_script() { printf '%s\n' "$2" >"$1"; chmod +x "$1"; }
assemble_bin() {
	[ -f "$BIN/.tokenguard-rig" ] && return 0
	local tmp
	tmp="$(mktemp -d "$CACHE_ROOT/.bin.XXXXXX")"
	WORK="$tmp"
	if want pulumi; then link "${DIRS[pulumi]}/pulumi" "$tmp/pulumi"; fi
	if want nodejs; then
		link "${DIRS[nodejs]}/pulumi-language-nodejs" "$tmp/pulumi-language-nodejs"
		write_script "$tmp/pulumi-resource-pulumi-nodejs" "$DYNAMIC_LAUNCHER"
	fi
	if want stand-ins; then
		cp -al "${DIRS[stand-ins]}" "$tmp/stand-ins" 2>/dev/null || cp -pR "${DIRS[stand-ins]}" "$tmp/stand-ins"
		for provider in random vault aws; do
			write_script "$tmp/pulumi-resource-$provider" "$(standin_launcher "$provider")"
		done
	fi
	if want vault; then link "${DIRS[vault]}/vault" "$tmp/vault"; fi
	printf '%s' "$VERSIONS" >"$tmp/VERSIONS"
	# Marks a rig bin dir (the e2e harness never mistakes one for a real install on PATH).
	printf 'parts: %s\n' "$PARTS" >"$tmp/.tokenguard-rig"
	rm -rf "$BIN"
	mv "$tmp" "$BIN"
	WORK=""
}
with_lock "bin-$BIN_KEY" assemble_bin

log "done in $((SECONDS - TOTAL_START))s: ${PARTS//,/, }"
printf '%s\n' "$BIN"
