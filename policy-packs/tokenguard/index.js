// Entry point of the tokenguard policy pack (package.json "main"); the pack itself is index.ts.
//
// The engine starts a Node policy pack with @pulumi/pulumi's run-policy-pack, which registers
// ts-node with full type-checking: seconds at every `pulumi preview --policy-pack` and every
// `tokenguard check`, spent re-checking code that `npm run lint` (tsc) checks already. This entry
// compiles the pack's TypeScript, and the lib/ sources it shares, transpile-only instead (as
// `tokenguard check` runs programs), then loads index.ts. Other .ts files keep the runner's hook.
/* global require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: run-policy-pack require()s it */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { create } = require("ts-node");

const repository = path.resolve(__dirname, "..", "..") + path.sep;
const transpiler = create({ transpileOnly: true, project: path.join(__dirname, "tsconfig.json") });
const runnerHook = require.extensions[".ts"];

require.extensions[".ts"] = function (module, filename) {
  const ours =
    filename.startsWith(repository) && !filename.split(path.sep).includes("node_modules");
  if (!ours && runnerHook) return runnerHook(module, filename);
  module._compile(transpiler.compile(fs.readFileSync(filename, "utf8"), filename), filename);
};

require("./index.ts");
