/**
 * Policy metadata from the one rule catalog, and where the pack reads the policy file from.
 *
 * The policy file follows the one precedence of lib/schema/policy-source: pack config `policy`
 * (inline), pack config `policyFile`, stack config `tokenguard:policyFile`, `tokenguard.policy.yaml`
 * in the project, the built-in defaults. The engine starts the pack in the pack's own directory, so
 * relative paths and the project file resolve against env PWD: the directory `pulumi` was started
 * from, which the engine passes through. Run pulumi from the project directory, or give an
 * absolute path.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { packageRoot } from "../package-root";
import type { Policy as PackPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { RULES, type RuleName } from "../rules/catalog";
import type { Policy } from "../schema/policy-file";
import { loadPolicy } from "../schema/policy-source";
import { engineSetting } from "../settings";

/** Name, description, level, severity and remediation of a rule, straight from the catalog. */
export function metadata(name: RuleName): Omit<PackPolicy, "configSchema"> {
  const rule = RULES[name];
  return {
    name,
    description: rule.description,
    enforcementLevel: rule.level,
    severity: rule.severity,
    remediationSteps: rule.remediation,
    url: ruleDocsUrl(name),
  };
}

/**
 * The rule's section of docs/rules.md in the installed package, as a file URL: the package ships its
 * docs, and there is no public site to point at that would be as sure to match this version.
 */
export function ruleDocsUrl(name: RuleName): string {
  return `${pathToFileURL(path.join(packageRoot(), "docs", "rules.md")).href}#${name}`;
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

/** The policy a rule judges against. Invalid files throw, naming each field. */
export function policyFor(config: PolicySourceConfig): Policy {
  const base = process.env.PWD;
  const configured = engineSetting("policyFile");
  const relative = [config.policyFile, configured].find(
    (f) => f !== undefined && !path.isAbsolute(f),
  );
  if (!base && config.policy === undefined && relative !== undefined) {
    throw new Error(
      `policy file "${relative}" is relative, and env PWD (the directory pulumi runs in) is not set; give an absolute path`,
    );
  }
  return loadPolicy({
    inline: config.policy,
    ...(config.policyFile ? { file: config.policyFile } : {}),
    ...(configured ? { configured } : {}),
    ...(base ? { searchFrom: base } : {}),
    baseDir: base ?? "/",
  });
}
