/**
 * The policy packs the engine benchmark runs beside each other on the same programs:
 *
 *   tokenguard  policy-packs/tokenguard, loading the repository's dist/ (built by the bench)
 *   awsguard    the peer: @pulumi/awsguard, Pulumi's published CrossGuard pack for AWS, every
 *               policy enabled (advisory, so a finding never stops a preview), installed from the
 *               npm registry into ~/.cache/tokenguard-bench/awsguard (never committed)
 *
 * On the random-backend programs awsguard finds no AWS resource to judge, as tokenguard finds
 * nothing to refuse: both packs pay what any pack pays — their start, and the engine's
 * Remediate/Analyze round trips for every resource — which is the overhead compared.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ROOT } from "../lib/build";

export const PEER_PACKAGE = "@pulumi/awsguard";
export const PEER_VERSION = "0.3.1";
export const TOKENGUARD_PACK = path.join(ROOT, "policy-packs", "tokenguard");

const CACHE = path.join(os.homedir(), ".cache", "tokenguard-bench", "awsguard");

/** The pack's own files: awsguard is a library; a pack is a program that constructs it. */
export const PEER_PACK_FILES: Record<string, string> = {
  "PulumiPolicy.yaml":
    "description: awsguard, every policy advisory (tokenguard's bench peer)\nruntime: nodejs\n",
  "index.js": [
    '"use strict";',
    'const { AwsGuard } = require("@pulumi/awsguard");',
    'new AwsGuard({ all: "advisory" });',
    "",
  ].join("\n"),
};

/**
 * The awsguard pack directory, installed when missing; throws saying why it cannot be had (the
 * bench then reports the peer as not measured). Returns the directory and the installed version.
 */
export function peerPack(log: (line: string) => void = () => undefined): {
  dir: string;
  version: string;
} {
  const pkgJson = path.join(CACHE, "node_modules", "@pulumi", "awsguard", "package.json");
  if (!existsSync(pkgJson)) {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(
      path.join(CACHE, "package.json"),
      `${JSON.stringify({ name: "awsguard-bench-pack", private: true, main: "index.js" }, null, 2)}\n`,
    );
    log(`installing ${PEER_PACKAGE}@${PEER_VERSION} into ${CACHE}`);
    const npm = spawnSync(
      "npm",
      ["install", "--no-audit", "--no-fund", `${PEER_PACKAGE}@${PEER_VERSION}`],
      { cwd: CACHE, encoding: "utf8", timeout: 15 * 60_000 },
    );
    if (npm.status !== 0 || !existsSync(pkgJson)) {
      throw new Error(
        `npm install ${PEER_PACKAGE}@${PEER_VERSION} failed: ${(npm.stderr || npm.error?.message || "").trim().split("\n").slice(-3).join(" ")}`,
      );
    }
  }
  for (const [file, text] of Object.entries(PEER_PACK_FILES)) {
    writeFileSync(path.join(CACHE, file), text);
  }
  const version = (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
  return { dir: CACHE, version };
}
