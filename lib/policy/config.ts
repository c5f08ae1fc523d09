/**
 * Policy metadata from the one rule catalog, and where the pack reads the policy file from.
 *
 * Policy file precedence (first that is given wins), for every rule that judges against it:
 *   1. pack config `policy`: the policy file's content inline (an object, validated as the file is);
 *   2. pack config `policyFile`: a path;
 *   3. stack config `tokenguard:policyFile`, the setting the ScopedToken component reads too;
 *   4. `tokenguard.policy.yaml` found from PWD up to the project root (findProjectPolicyFile);
 *   5. the built-in defaults.
 * The engine starts the pack in the pack's own directory, so relative paths (2, 3) and the project
 * file (4) resolve against env PWD: the directory `pulumi` was started from, which the engine passes
 * through. Run pulumi from the project directory, or give an absolute path.
 */
import * as path from "node:path";
import type { Policy as PackPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { RULES, type RuleName } from "../rules/catalog";
import {
  DEFAULT_POLICY,
  findProjectPolicyFile,
  loadPolicyFile,
  resolvePolicy,
  type Policy,
} from "../schema/policy-file";

/** Name, description, level, severity and remediation of a rule, straight from the catalog. */
export function metadata(name: RuleName): Omit<PackPolicy, "configSchema"> {
  const rule = RULES[name];
  return {
    name,
    description: rule.description,
    enforcementLevel: rule.level,
    severity: rule.severity,
    remediationSteps: rule.remediation,
  };
}

/** Config properties selecting the policy file, offered by every rule that judges against it. */
export const POLICY_SOURCE_PROPERTIES: PolicyConfigSchema["properties"] = {
  policy: {
    type: "object",
    description:
      "The tokenguard policy file's content inline (same schema as tokenguard.policy.yaml); wins over policyFile.",
  },
  policyFile: {
    type: "string",
    description:
      "Path of a tokenguard policy file; relative paths resolve against the directory pulumi runs in. Default: stack config tokenguard:policyFile, else tokenguard.policy.yaml in the project, else built-in defaults.",
  },
};

/** The config a policy receives, with the schema's defaults filled in (the SDK applies none). */
export function configWithDefaults<T extends object>(
  schema: PolicyConfigSchema | undefined,
  given: object,
): T {
  const out: Record<string, unknown> = { ...given };
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    if (out[key] === undefined && prop.default !== undefined) out[key] = prop.default;
  }
  return out as T;
}

export interface PolicySourceConfig {
  readonly policy?: unknown;
  readonly policyFile?: string;
}

/** Stack config `tokenguard:policyFile`, from the PULUMI_CONFIG the engine gives the pack. */
function stackPolicyFile(): string | undefined {
  const raw = process.env.PULUMI_CONFIG;
  if (!raw) return undefined;
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const value = config["tokenguard:policyFile"] ?? config["tokenguard:config:policyFile"];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function resolvePath(file: string, setting: string): string {
  if (path.isAbsolute(file)) return file;
  const base = process.env.PWD;
  if (!base) {
    throw new Error(
      `${setting} "${file}" is relative, and env PWD (the directory pulumi runs in) is not set; give an absolute path`,
    );
  }
  return path.resolve(base, file);
}

const cache = new Map<string, Policy>();

/** The policy a rule judges against, by the precedence above. Invalid files throw, naming each field. */
export function policyFor(config: PolicySourceConfig): Policy {
  if (config.policy !== undefined) {
    const key = `inline:${JSON.stringify(config.policy)}`;
    let policy = cache.get(key);
    if (!policy) {
      policy = resolvePolicy(config.policy, "policy pack config `policy`");
      cache.set(key, policy);
    }
    return policy;
  }
  let file: string | undefined;
  if (config.policyFile) file = resolvePath(config.policyFile, "pack config policyFile");
  else {
    const fromStack = stackPolicyFile();
    if (fromStack) file = resolvePath(fromStack, "stack config tokenguard:policyFile");
    else if (process.env.PWD) file = findProjectPolicyFile(process.env.PWD);
  }
  if (file === undefined) return DEFAULT_POLICY;
  let policy = cache.get(file);
  if (!policy) {
    policy = loadPolicyFile(file);
    cache.set(file, policy);
  }
  return policy;
}
