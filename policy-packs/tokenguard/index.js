// Entry point of the tokenguard policy pack (package.json "main"); the pack itself is index.ts.
//
// The engine starts a Node policy pack with @pulumi/pulumi's run-policy-pack, which registers
// ts-node with full type-checking: seconds at every `pulumi preview --policy-pack` and every
// `tokenguard check`, spent re-checking code that `npm run lint` (tsc) checks already. This entry
// compiles the pack's TypeScript, and the lib/ sources it shares, transpile-only instead (as
// `tokenguard check` runs programs), then loads index.ts. Other .ts files keep the runner's hook.
//
// Even transpile-only, loading TypeScript and emitting ~15 files costs about a second per start,
// so the output is cached by content (source, file name, compiler version and tsconfig) under
// node_modules/.cache/tokenguard-pack: an edited file can never be served stale, and the
// compiler is loaded only when something changed. The cache is best-effort: a read-only
// node_modules just means compiling each time. On a cache hit, stack traces inside the pack show
// the emitted JavaScript's lines; delete the cache folder when debugging the pack itself.
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: run-policy-pack require()s it */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const repository = path.resolve(__dirname, "..", "..") + path.sep;
const tsconfig = path.join(__dirname, "tsconfig.json");
const cacheDir = path.join(__dirname, "node_modules", ".cache", "tokenguard-pack");
const compilerKey = [
  require("typescript/package.json").version,
  require("ts-node/package.json").version,
  fs.readFileSync(tsconfig, "utf8"),
].join("\0");
const runnerHook = require.extensions[".ts"];
let transpiler;

function compile(source, filename) {
  const key = crypto.createHash("sha256").update(`${compilerKey}\0${filename}\0${source}`);
  const cached = path.join(cacheDir, `${key.digest("hex")}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  transpiler ??= require("ts-node").create({ transpileOnly: true, project: tsconfig });
  const output = transpiler.compile(source, filename);
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}`;
    fs.writeFileSync(partial, output);
    fs.renameSync(partial, cached); // atomic: concurrent starts never read half a file
  } catch {
    // best-effort
  }
  return output;
}

require.extensions[".ts"] = function (module, filename) {
  const ours =
    filename.startsWith(repository) && !filename.split(path.sep).includes("node_modules");
  if (!ours && runnerHook) return runnerHook(module, filename);
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};

require("./index.ts");
