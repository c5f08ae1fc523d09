/**
 * End-to-end harness: the real Pulumi engine on throw-away local backends, and a throw-away
 * Vault dev server. Each part (pulumi, the language host, provider plugins, vault) is the real one
 * when it is on PATH, else the rig's (rig/build.sh builds only what PATH lacks): see toolchain.ts.
 *
 *   const prog = await tempProgram({ "index.js": "..." });    // under test/.tmp-*
 *   const stack = await newStack(prog.dir, { env: vault.env });
 *   await stack.up();  const state = await stack.exportState();
 *   await stack.destroy();  await stack.cleanup();  await prog.remove();
 *
 *   const vault = await startDevVault();                      // 127.0.0.1, free port, random root
 *   ... vault.env (VAULT_ADDR, VAULT_TOKEN), vault.api(...) ... await vault.stop();
 *
 * Each stack gets its own file:// backend, PULUMI_HOME, passphrase and a unique stack name, all
 * in a temp dir removed by `cleanup()`; `pulumi config set` writes Pulumi.<stack>.yaml into the
 * program dir, which `cleanup()` removes too. Plugins come only from PATH (automatic plugin
 * download is off); `newStack(dir, { bin })` puts a rig bin dir first instead (the stand-in
 * providers' own tests). Secrets never belong in test output: print `fingerprint(x)`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

import { engineBin, toolchain } from "./toolchain";

export { engineBin, toolchain };

const REPO = path.resolve(__dirname, "../..");

/** A short, stable, non-reversible name for a secret, for messages. */
export function fingerprint(secret: string): string {
  return `sha256:${createHash("sha256").update(secret).digest("hex").slice(0, 12)}`;
}

/** `text` with every occurrence of the given secrets replaced by their fingerprints. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(`<${fingerprint(s)}>`);
  return out;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command; rejects on a non-zero exit unless `allowFail`, with redacted output. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    allowFail?: boolean;
    timeoutMs?: number;
    /** Written to stdin (how secrets are passed: never as arguments). */
    input?: string;
    secrets?: readonly string[];
  } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    // A child that exits without reading its stdin must not fail the run with EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 240_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr };
      if (result.code !== 0 && !opts.allowFail) {
        const out = `${path.basename(cmd)} ${args.join(" ")} exited ${result.code}:\n${stdout}\n${stderr}`;
        reject(new Error(redact(out, opts.secrets ?? []).slice(-6000)));
      } else {
        resolve(result);
      }
    });
  });
}

// ---- programs ------------------------------------------------------------------------------

export interface TempProgram {
  readonly dir: string;
  remove(): Promise<void>;
}

/**
 * Writes a Pulumi program into test/.tmp-<random>/<name> (inside the repository, so it
 * resolves @pulumi/* from the repository's node_modules). `files` holds index.js or index.ts
 * (TypeScript runs through ts-node) and anything else; Pulumi.yaml is written unless given.
 */
export async function tempProgram(
  files: Record<string, string>,
  opts: { name?: string } = {},
): Promise<TempProgram> {
  const root = path.join(REPO, "test", `.tmp-${randomBytes(4).toString("hex")}`);
  const name = opts.name ?? "prog";
  const dir = path.join(root, name);
  await fs.promises.mkdir(dir, { recursive: true });
  const main = "index.ts" in files ? "index.ts" : "index.js";
  const all: Record<string, string> = {
    "Pulumi.yaml": [
      `name: ${path.basename(name)}`,
      `main: ${main}`,
      "runtime:",
      "  name: nodejs",
      "  options:",
      `    typescript: ${main === "index.ts"}`,
      "",
    ].join("\n"),
    ...files,
  };
  for (const [f, text] of Object.entries(all)) {
    await fs.promises.mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await fs.promises.writeFile(path.join(dir, f), text);
  }
  return { dir, remove: () => fs.promises.rm(root, { recursive: true, force: true }) };
}

// ---- stacks --------------------------------------------------------------------------------

export interface Stack {
  readonly dir: string;
  readonly name: string;
  /** The environment every pulumi command of this stack runs with. */
  readonly env: NodeJS.ProcessEnv;
  /** `pulumi <args> --stack <name>` in the program dir. */
  pulumi(
    args: readonly string[],
    opts?: { allowFail?: boolean; input?: string },
  ): Promise<RunResult>;
  setConfig(key: string, value: string, opts?: { secret?: boolean }): Promise<void>;
  preview(...extra: string[]): Promise<RunResult>;
  up(...extra: string[]): Promise<RunResult>;
  refresh(...extra: string[]): Promise<RunResult>;
  destroy(...extra: string[]): Promise<RunResult>;
  /** `pulumi stack export` (deployment JSON). Never print it with showSecrets. */
  exportState(opts?: { showSecrets?: boolean }): Promise<StackState>;
  outputs(opts?: { showSecrets?: boolean }): Promise<Record<string, unknown>>;
  /** Removes the backend, PULUMI_HOME and the stack's config file (does not destroy). */
  cleanup(): Promise<void>;
}

export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  [k: string]: unknown;
}

export interface StackState {
  deployment: { resources?: StateResource[]; [k: string]: unknown };
  [k: string]: unknown;
}

/**
 * A new stack for the program in `dir` on its own file:// backend, run by the e2e toolchain, or,
 * given `bin`, by that rig bin dir's binaries first on PATH.
 */
export async function newStack(
  dir: string,
  opts: {
    bin?: string;
    env?: Record<string, string>;
    secrets?: readonly string[];
    /** The stack's name (default: a random e2e-… name); each stack has a backend of its own. */
    name?: string;
  } = {},
): Promise<Stack> {
  const tools = opts.bin ? undefined : toolchain();
  const pulumiExe = tools ? tools.pulumi : path.join(opts.bin as string, "pulumi");
  const searchPath = tools
    ? tools.path
    : `${opts.bin}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}`;
  const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), "tg-e2e-"));
  await fs.promises.mkdir(path.join(tmp, "state"));
  const name = opts.name ?? `e2e-${randomBytes(4).toString("hex")}`;
  const passphrase = randomBytes(12).toString("hex");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: searchPath,
    PULUMI_HOME: path.join(tmp, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(tmp, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    ...opts.env,
  };
  const secrets = [passphrase, ...(opts.secrets ?? [])];
  const pulumi = (args: readonly string[], o: { allowFail?: boolean; input?: string } = {}) =>
    run(pulumiExe, [...args, "--stack", name, "--non-interactive"], {
      cwd: dir,
      env,
      allowFail: o.allowFail,
      input: o.input,
      secrets,
    });
  await run(pulumiExe, ["stack", "init", name, "--non-interactive"], {
    cwd: dir,
    env,
    secrets,
  });
  const stack: Stack = {
    dir,
    name,
    env,
    pulumi,
    async setConfig(key, value, o = {}) {
      // The value goes through stdin, so a secret is never a command-line argument.
      await pulumi(["config", "set", key, ...(o.secret ? ["--secret"] : [])], { input: value });
    },
    preview: (...extra) => pulumi(["preview", "--diff", ...extra]),
    up: (...extra) => pulumi(["up", "--yes", "--skip-preview", "--diff", ...extra]),
    refresh: (...extra) => pulumi(["refresh", "--yes", "--skip-preview", ...extra]),
    destroy: (...extra) => pulumi(["destroy", "--yes", "--skip-preview", ...extra]),
    async exportState(o = {}) {
      const r = await pulumi(["stack", "export", ...(o.showSecrets ? ["--show-secrets"] : [])]);
      return JSON.parse(r.stdout) as StackState;
    },
    async outputs(o = {}) {
      const r = await pulumi([
        "stack",
        "output",
        "--json",
        ...(o.showSecrets ? ["--show-secrets"] : []),
      ]);
      return JSON.parse(r.stdout) as Record<string, unknown>;
    },
    async cleanup() {
      await fs.promises.rm(tmp, { recursive: true, force: true });
      await fs.promises.rm(path.join(dir, `Pulumi.${name}.yaml`), { force: true });
    },
  };
  return stack;
}

// ---- Vault dev server ----------------------------------------------------------------------

export interface DevVault {
  /** http://127.0.0.1:<port> */
  readonly address: string;
  /** The root token (a secret: print `fingerprint(token)` if anything). */
  readonly token: string;
  /** VAULT_ADDR and VAULT_TOKEN, for the vault CLI and the vault provider. */
  readonly env: Record<string, string>;
  /** Calls the HTTP API with `token` (default: root); resolves to status and parsed body. */
  api(
    method: string,
    apiPath: string,
    opts?: { token?: string; body?: unknown },
  ): Promise<{ status: number; body: Record<string, unknown> | undefined }>;
  stop(): Promise<void>;
}

/**
 * Starts `vault server -dev` (the toolchain's, or the one in `bin`) on 127.0.0.1:<free port> with a
 * random root token (not stored in ~/.vault-token). Fails loudly when there is no vault binary.
 */
export async function startDevVault(opts: { bin?: string } = {}): Promise<DevVault> {
  const exe = opts.bin ? path.join(opts.bin, "vault") : toolchain().vault;
  if (!fs.existsSync(exe)) {
    throw new Error(`no vault binary at ${exe}; run rig/build.sh`);
  }
  const port = await freePort();
  const token = `root-${randomBytes(16).toString("hex")}`;
  const home = await fs.promises.mkdtemp(path.join(os.tmpdir(), "tg-vault-"));
  const child: ChildProcess = spawn(
    exe,
    [
      "server",
      "-dev",
      `-dev-listen-address=127.0.0.1:${port}`,
      `-dev-root-token-id=${token}`,
      "-dev-no-store-token",
    ],
    {
      env: { ...process.env, HOME: home, VAULT_ADDR: "", VAULT_TOKEN: "" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  const address = `http://127.0.0.1:${port}`;
  const api: DevVault["api"] = async (method, apiPath, o = {}) => {
    const resp = await fetch(`${address}/v1/${apiPath}`, {
      method,
      headers: { "X-Vault-Token": o.token ?? token, "Content-Type": "application/json" },
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const text = await resp.text();
    return {
      status: resp.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    };
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    await fs.promises.rm(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const h = await api("GET", "sys/health");
      if (h.status === 200) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `vault server -dev did not start on ${address}:\n${redact(log, [token]).slice(-3000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { address, token, env: { VAULT_ADDR: address, VAULT_TOKEN: token }, api, stop };
}
