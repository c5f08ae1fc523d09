/**
 * Policy pack config as `pulumi preview --policy-pack-config FILE` builds it before Configure:
 * each policy starts from its schema's defaults and its own level, then the pack's initial config,
 * then the file ("all" sets every level first, then each policy's entry), and the result is
 * validated against each policy's configSchema. Pure apart from reading the file.
 */
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import type { EnforcementLevel, PolicyInfo } from "./analyzer-client";

export const LEVEL_NAMES: readonly EnforcementLevel[] = [
  "advisory",
  "mandatory",
  "remediate",
  "disabled",
];

/** Per policy: an enforcement level, or `{ enforcementLevel?, ...properties }`. */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

/** One policy's config as sent in Configure. */
export interface PolicyConfigEntry {
  readonly level: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

/** Config that cannot be used; the message names the policy and the property. */
export class PackConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PackConfigError";
  }
}

interface Normalized {
  readonly level?: EnforcementLevel;
  readonly properties: Record<string, unknown>;
}

function isLevel(v: unknown): v is EnforcementLevel {
  return typeof v === "string" && (LEVEL_NAMES as readonly string[]).includes(v);
}

/** Checks the shape of a config document (as the CLI parses --policy-pack-config). */
export function normalizePackConfig(config: unknown, source: string): Record<string, Normalized> {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new PackConfigError(
      `${source}: must be a JSON object of policy name -> level or { enforcementLevel, ...properties }`,
    );
  }
  const out: Record<string, Normalized> = {};
  for (const [policy, value] of Object.entries(config as Record<string, unknown>)) {
    if (policy === "environments") continue; // ESC environments: nothing to do offline
    const levels = LEVEL_NAMES.join(", ");
    if (typeof value === "string") {
      if (!isLevel(value)) {
        throw new PackConfigError(
          `${source}: ${policy}: "${value}" is not an enforcement level; use one of ${levels}`,
        );
      }
      out[policy] = { level: value, properties: {} };
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
        throw new PackConfigError(
          `${source}: ${policy}.enforcementLevel: ${JSON.stringify(enforcementLevel)} is not an enforcement level; use one of ${levels}`,
        );
      }
      out[policy] = { ...(enforcementLevel ? { level: enforcementLevel } : {}), properties };
    } else {
      throw new PackConfigError(
        `${source}: ${policy}: must be an enforcement level or an object, not ${JSON.stringify(value)}`,
      );
    }
  }
  return out;
}

/** Reads a --config file (JSON, as for `pulumi preview --policy-pack-config`). */
export function readPackConfigFile(file: string): Record<string, Normalized> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new PackConfigError(
      `--config ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  if (text.trim() === "") return {};
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new PackConfigError(`--config ${file}: not valid JSON: ${(e as Error).message}`);
  }
  return normalizePackConfig(doc, `--config ${file}`);
}

function apply(
  result: Map<string, { level: EnforcementLevel; properties: Record<string, unknown> }>,
  given: Record<string, Normalized>,
): void {
  const all = given.all?.level;
  if (all) for (const entry of result.values()) entry.level = all;
  for (const [policy, config] of Object.entries(given)) {
    if (policy === "all") continue;
    const entry = result.get(policy);
    if (!entry) continue; // reported by reconcile
    if (config.level) entry.level = config.level;
    Object.assign(entry.properties, structuredClone(config.properties));
  }
}

const ajv = new Ajv({ allErrors: true, strict: false });

/**
 * Reconciles and validates: schema defaults and each policy's level, then `initial` (the pack's
 * initial config), then `given`. Unknown policy names and schema violations throw, naming them.
 */
export function reconcilePackConfig(
  policies: readonly PolicyInfo[],
  initial: Record<string, Normalized> = {},
  given: Record<string, Normalized> = {},
  source = "policy pack config",
): Record<string, PolicyConfigEntry> {
  const known = new Set(policies.map((p) => p.name));
  const unknown = Object.keys(given).filter((name) => name !== "all" && !known.has(name));
  if (unknown.length) {
    throw new PackConfigError(
      `${source}: ${unknown.map((n) => `"${n}"`).join(", ")} ${unknown.length > 1 ? "are not policies" : "is not a policy"} of this pack; known policies: ${[...known].join(", ")}`,
    );
  }
  const result = new Map(
    policies.map((p) => {
      const properties: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        if (schema.default !== undefined) properties[key] = structuredClone(schema.default);
      }
      return [p.name, { level: p.level, properties }];
    }),
  );
  apply(result, initial);
  apply(result, given);

  const problems: string[] = [];
  for (const p of policies) {
    const schema = {
      type: "object",
      properties: p.configSchema?.properties ?? {},
      ...(p.configSchema?.required.length ? { required: p.configSchema.required } : {}),
    };
    const validate = ajv.compile(schema);
    if (validate(result.get(p.name)!.properties)) continue;
    for (const err of validate.errors ?? []) {
      if (err.keyword === "required") {
        const missing = (err.params as { missingProperty: string }).missingProperty;
        problems.push(`${p.name}: ${missing}: is required`);
        continue;
      }
      const where = err.instancePath.slice(1).replace(/\//g, ".");
      problems.push(`${p.name}: ${where ? `${where}: ` : ""}${err.message ?? "is invalid"}`);
    }
  }
  if (problems.length) {
    throw new PackConfigError(
      `${source} does not match the pack's config schema:\n  ${problems.join("\n  ")}`,
    );
  }
  return Object.fromEntries(result);
}
