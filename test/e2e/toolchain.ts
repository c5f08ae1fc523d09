/**
 * Which engine the e2e suite runs: each part is the real one when it is on PATH, and the rig's
 * (rig/build.sh) only when it is not. The rig builds just the parts PATH lacks (`--only`).
 *
 *   pulumi           `pulumi`                  rig part `pulumi`
 *   language host    `pulumi-language-nodejs`  rig part `nodejs` (also the dynamic-provider launcher)
 *   random provider  `pulumi-resource-random`  rig part `stand-ins`
 *   vault provider   `pulumi-resource-vault`   rig part `stand-ins`
 *   aws provider     `pulumi-resource-aws`     rig part `stand-ins`
 *   vault server     `vault`                   rig part `vault`
 *
 * PATH directories that are rig bin dirs (they hold `.tokenguard-rig`, or lie in the engine cache)
 * never count as real. TOKENGUARD_E2E_ENGINE=rig takes every part from the rig; TOKENGUARD_ENGINE_BIN
 * names an already built rig bin dir instead of running rig/build.sh.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "../..");

export type RigPart = "pulumi" | "nodejs" | "stand-ins" | "vault";

export const PARTS = [
  { label: "pulumi", exe: "pulumi", rig: "pulumi" },
  { label: "language host", exe: "pulumi-language-nodejs", rig: "nodejs" },
  { label: "random provider", exe: "pulumi-resource-random", rig: "stand-ins" },
  { label: "vault provider", exe: "pulumi-resource-vault", rig: "stand-ins" },
  { label: "aws provider", exe: "pulumi-resource-aws", rig: "stand-ins" },
  { label: "vault server", exe: "vault", rig: "vault" },
] as const satisfies readonly { label: string; exe: string; rig: RigPart }[];

export type PartLabel = (typeof PARTS)[number]["label"];

export interface Toolchain {
  /** The `pulumi` executable to run. */
  readonly pulumi: string;
  /** The `vault` executable (`vault server -dev`). */
  readonly vault: string;
  /** PATH for pulumi and its plugins: Node first, then PATH without rig dirs, then the rig's bin dir. */
  readonly path: string;
  /** Where each part comes from. */
  readonly parts: Readonly<Record<PartLabel, { readonly exe: string; readonly real: boolean }>>;
  /** One line naming the source of every part. */
  describe(): string;
}

const built = new Map<string, string>();

/**
 * The rig's bin dir holding `parts` (default: all), built when needed (progress on stderr), or
 * TOKENGUARD_ENGINE_BIN when set.
 */
export function engineBin(parts: readonly RigPart[] = ["pulumi", "nodejs", "stand-ins", "vault"]) {
  if (process.env.TOKENGUARD_ENGINE_BIN) return process.env.TOKENGUARD_ENGINE_BIN;
  const key = [...new Set(parts)].sort().join(",");
  const cached = built.get(key);
  if (cached) return cached;
  const r = spawnSync("bash", [path.join(REPO, "rig/build.sh"), "--only", key], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"], // the build's progress lines stay visible
    timeout: 45 * 60_000,
  });
  if (r.status !== 0)
    throw new Error(`rig/build.sh --only ${key} failed (exit ${r.status}): see above`);
  const bin = r.stdout.trim().split("\n").pop() as string;
  built.set(key, bin);
  return bin;
}

function cacheRoot(): string {
  return path.resolve(
    process.env.TOKENGUARD_ENGINE_CACHE ?? path.join(os.homedir(), ".cache/tokenguard-engine"),
  );
}

/** A rig bin dir (current layout or an older one) rather than a real installation. */
function isRigDir(dir: string): boolean {
  if (fs.existsSync(path.join(dir, ".tokenguard-rig"))) return true;
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return false;
  }
  const root = cacheRoot();
  return real === root || real.startsWith(root + path.sep);
}

function findOn(dirs: readonly string[], exe: string): string | undefined {
  for (const dir of dirs) {
    const file = path.join(dir, exe);
    try {
      if (fs.statSync(file).isFile()) {
        fs.accessSync(file, fs.constants.X_OK);
        return file;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

let resolved: Toolchain | undefined;

/** The e2e toolchain (resolved once per process). */
export function toolchain(): Toolchain {
  if (resolved) return resolved;
  const rigOnly = process.env.TOKENGUARD_E2E_ENGINE === "rig";
  const nodeDir = path.dirname(process.execPath);
  const userDirs = (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter((d) => d !== "" && !isRigDir(d));
  const search = rigOnly ? [] : [nodeDir, ...userDirs];
  const real = new Map(PARTS.map((p) => [p.label, findOn(search, p.exe)]));
  const missing = PARTS.filter((p) => !real.get(p.label)).map((p) => p.rig);
  const bin = missing.length > 0 ? engineBin(missing) : undefined;
  const parts = Object.fromEntries(
    PARTS.map((p) => {
      const found = real.get(p.label);
      return [p.label, { exe: found ?? path.join(bin as string, p.exe), real: !!found }];
    }),
  ) as Toolchain["parts"];
  for (const [label, part] of Object.entries(parts)) {
    if (!fs.existsSync(part.exe)) {
      throw new Error(`the e2e ${label} is missing: ${part.exe} (rig/build.sh builds it)`);
    }
  }
  // The rig's bin dir last, so it fills only the gaps; first when it must win over PATH.
  const dirs = rigOnly
    ? [bin as string, nodeDir, ...userDirs]
    : [nodeDir, ...userDirs, ...(bin ? [bin] : [])];
  resolved = {
    pulumi: parts.pulumi.exe,
    vault: parts["vault server"].exe,
    path: [...new Set(dirs)].join(path.delimiter),
    parts,
    describe: () =>
      `e2e engine: ${PARTS.map((p) => `${p.label}: ${parts[p.label].real ? `PATH (${parts[p.label].exe})` : "rig"}`).join(", ")}${bin ? `; rig bin dir ${bin}` : ""}`,
  };
  return resolved;
}
