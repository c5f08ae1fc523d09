/**
 * A Pulumi project as `pulumi preview` sees it: Pulumi.yaml (name, runtime options, `main`, config
 * declarations) and the stack's Pulumi.<stack>.yaml, resolved into what the Node language host
 * hands the program: a working directory, an entry point, and config as flat "ns:key" strings.
 *
 * Secure config values are never decrypted: they become the preview "unknown" sentinel, which the
 * program sees as an opaque string and the policy pack reads as a value unknown at preview.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { issueLines } from "../schema/errors";
import { UNKNOWN } from "./analyzer-client";

/** The stack `check` uses when none is named: the name `pulumi stack init` suggests first. */
export const DEFAULT_STACK = "dev";

/** A project or stack file that cannot be used; the message names the file and the field. */
export class ProjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProjectError";
  }
}

const runtimeOptions = z
  .object({
    typescript: z.boolean().optional(),
    tsconfig: z.string().optional(),
    nodeargs: z.string().optional(),
  })
  .loose();

const projectSchema = z
  .object({
    name: z.string().min(1, "name is required"),
    runtime: z.union([
      z.string(),
      z.object({ name: z.string(), options: runtimeOptions.optional() }).loose(),
    ]),
    main: z.string().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

const stackSchema = z
  .object({ config: z.record(z.string(), z.unknown()).nullish() })
  .loose()
  .nullish();

export interface Project {
  /** The project's root: the directory holding Pulumi.yaml. */
  readonly root: string;
  /** Pulumi.yaml `name`. */
  readonly name: string;
  readonly stack: string;
  /** The stack file read, or undefined when the stack has none. */
  readonly stackFile?: string;
  /** Where the program runs (the language host's pwd): `main`'s directory, or the root. */
  readonly programDir: string;
  /** The entry point, relative to programDir ("." = package.json main, else index). */
  readonly entry: string;
  readonly typescript: boolean;
  readonly tsconfig?: string;
  /** Node options from runtime.options.nodeargs, split on white space. */
  readonly nodeargs: readonly string[];
  /** Every config value as the engine passes it: "ns:key" -> string (objects as JSON). */
  readonly config: Readonly<Record<string, string>>;
  /** Keys whose values are secret (secure: in the stack file, or secret: true declarations). */
  readonly secretKeys: readonly string[];
}

function readYaml(file: string): unknown {
  try {
    return parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ProjectError(`${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ProjectError(`${file}: ${issueLines(result.error).join("; ")}`);
  }
  return result.data;
}

/** "key" -> "<project>:key"; "ns:key" stays; "ns:config:key" (the old form) -> "ns:key". */
function fullKey(key: string, project: string): string {
  const parts = key.split(":");
  if (parts.length === 1) return `${project}:${key}`;
  if (parts.length === 3 && parts[1] === "config") return `${parts[0]}:${parts[2]}`;
  return key;
}

function asConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** A stack-file value: plain, structured (JSON), or `{ secure: ... }` (unknown, secret). */
function stackValue(value: unknown): { value: string; secret: boolean } {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "secure") return { value: UNKNOWN, secret: true };
    if (JSON.stringify(value).includes('"secure"')) {
      // Structured config holding secure leaves: the whole value is secret and unknown here.
      return { value: UNKNOWN, secret: true };
    }
  }
  return { value: asConfigString(value), secret: false };
}

/** Pulumi.yaml `config:` entries: a bare value is a default; an object may carry `default`/`value`. */
function projectDefaults(
  declared: Record<string, unknown>,
  project: string,
): { defaults: Map<string, string>; required: string[]; secret: Set<string> } {
  const defaults = new Map<string, string>();
  const required: string[] = [];
  const secret = new Set<string>();
  for (const [key, decl] of Object.entries(declared)) {
    const full = fullKey(key, project);
    if (decl !== null && typeof decl === "object" && !Array.isArray(decl)) {
      const d = decl as Record<string, unknown>;
      if (d.secret === true) secret.add(full);
      if ("value" in d) defaults.set(full, asConfigString(d.value));
      else if ("default" in d) defaults.set(full, asConfigString(d.default));
      else if ("type" in d || "description" in d || "secret" in d) required.push(full);
      else defaults.set(full, asConfigString(decl));
    } else {
      defaults.set(full, asConfigString(decl));
    }
  }
  return { defaults, required, secret };
}

/** Where the program runs and what it loads, from Pulumi.yaml `main` (a file or a directory). */
function entryOf(
  root: string,
  file: string,
  main: string | undefined,
): { programDir: string; entry: string } {
  if (main === undefined || main === "") return { programDir: root, entry: "." };
  const resolved = path.resolve(root, main);
  if (!existsSync(resolved)) {
    throw new ProjectError(`${file}: main "${main}" does not exist (resolved to ${resolved})`);
  }
  return statSync(resolved).isDirectory()
    ? { programDir: resolved, entry: "." }
    : { programDir: path.dirname(resolved), entry: path.basename(resolved) };
}

/** The stack's config: the project's defaults, then Pulumi.<stack>.yaml; every required key set. */
function stackConfig(
  root: string,
  file: string,
  proj: { name: string; config?: Record<string, unknown> },
  stack: string,
) {
  const { defaults, required, secret } = projectDefaults(proj.config ?? {}, proj.name);
  const config = new Map(defaults);
  const secretKeys = new Set(secret);
  const stackFile = ["yaml", "yml"]
    .map((ext) => path.join(root, `Pulumi.${stack}.${ext}`))
    .find(existsSync);
  if (stackFile) {
    const stackDoc = parseWith(stackSchema, readYaml(stackFile), stackFile);
    for (const [key, raw] of Object.entries(stackDoc?.config ?? {})) {
      const full = fullKey(key, proj.name);
      const { value, secret: isSecret } = stackValue(raw);
      config.set(full, value);
      if (isSecret) secretKeys.add(full);
    }
  }
  const missing = required.filter((k) => !config.has(k));
  if (missing.length) {
    const them = missing.length > 1 ? "them" : "it";
    throw new ProjectError(
      `stack "${stack}" is missing configuration value${missing.length > 1 ? "s" : ""} ${missing
        .map((k) => `"${k}"`)
        .join(
          ", ",
        )} (declared in ${path.basename(file)} without a default): set ${them} in Pulumi.${stack}.yaml, or pass --stack for a stack that has ${them}`,
    );
  }
  return {
    ...(stackFile ? { stackFile } : {}),
    config: Object.fromEntries([...config].sort(([a], [b]) => a.localeCompare(b))),
    secretKeys: [...secretKeys].sort(),
  };
}

/** Reads the project in `dir` (which must hold Pulumi.yaml) and the stack's config. */
export function loadProject(dir: string, stack: string = DEFAULT_STACK): Project {
  const root = path.resolve(dir);
  const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(root, f)).find(existsSync);
  if (!file) {
    throw new ProjectError(
      `${root} has no Pulumi.yaml: pass the directory of a Pulumi project (tokenguard check <dir>)`,
    );
  }
  const proj = parseWith(projectSchema, readYaml(file), file);
  const runtimeName = typeof proj.runtime === "string" ? proj.runtime : proj.runtime.name;
  if (runtimeName !== "nodejs") {
    throw new ProjectError(
      `${file}: runtime is "${runtimeName}"; tokenguard check runs nodejs programs (TypeScript or JavaScript) only`,
    );
  }
  const options = typeof proj.runtime === "string" ? {} : (proj.runtime.options ?? {});
  return {
    root,
    name: proj.name,
    stack,
    ...entryOf(root, file, proj.main),
    typescript: options.typescript ?? true,
    ...(options.tsconfig ? { tsconfig: options.tsconfig } : {}),
    nodeargs: options.nodeargs ? options.nodeargs.split(/\s+/).filter(Boolean) : [],
    ...stackConfig(root, file, proj, stack),
  };
}
