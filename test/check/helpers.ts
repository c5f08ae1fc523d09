/**
 * For `tokenguard check` tests: the pack's own policy objects run IN-PROCESS over the resources
 * check captured (the policy SDK's deserialization, unknownCheckingProxy and getConfig defaults, via
 * test/policy/harness), so check's gRPC verdict can be compared rule for rule with the pack's.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EnforcementLevel } from "../../lib/check/analyzer-client";
import type { StackView } from "../../lib/check/engine-view";
import { RULES, type RuleName } from "../../lib/rules/catalog";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { awsPolicies } from "../../lib/policy/aws";
import { randomPolicies } from "../../lib/policy/random";
import { tokenPolicies } from "../../lib/policy/token";
import { vaultPolicies } from "../../lib/policy/vault";
import { providerPolicies } from "../../lib/policy/vault-provider";
import { PACK_DIR, runResource, runStack } from "../policy/harness";

export const ROOT = path.resolve(__dirname, "..", "..");
export const FIXTURES = path.join(__dirname, "fixtures");
export { PACK_DIR };

const PACK_VERSION = (
  JSON.parse(readFileSync(path.join(PACK_DIR, "package.json"), "utf8")) as { version: string }
).version;

export interface Verdict {
  readonly policy: string;
  readonly level: EnforcementLevel;
  readonly urn: string;
  readonly message: string;
}

/** The policy SDK's own deserializer (internal: its .d.ts exports nothing). */
const SDK_DESERIALIZE = "@pulumi/policy/deserialize";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeProperties } = require(SDK_DESERIALIZE) as {
  deserializeProperties(struct: { toJavaScript(): object }, proxySecrets: boolean): object;
};

/** Props as the policy SDK hands them to a policy: secrets unwrapped, unknowns left as sentinels. */
function asPolicySees(props: Record<string, unknown>): Record<string, unknown> {
  return deserializeProperties({ toJavaScript: () => props }, false) as Record<string, unknown>;
}

/**
 * What the pack reports for these resources, evaluated in this process with the pack's default
 * levels. `pwd` and `config` are what the engine gives the pack process (env PWD, PULUMI_CONFIG).
 */
export async function packVerdictInProcess(
  view: StackView,
  pwd: string,
  config: Record<string, string>,
): Promise<Verdict[]> {
  const policies = [
    ...tokenPolicies,
    ...vaultPolicies,
    ...awsPolicies,
    ...randomPolicies,
    ...providerPolicies,
  ] as (ResourceValidationPolicy | StackValidationPolicy)[];
  const saved = { PWD: process.env.PWD, PULUMI_CONFIG: process.env.PULUMI_CONFIG };
  process.env.PWD = pwd;
  process.env.PULUMI_CONFIG = JSON.stringify(config);
  const out: Verdict[] = [];
  const level = (name: string) => RULES[name as RuleName].level as EnforcementLevel;
  const unknownText = (name: string, why: string) =>
    `can't run policy '${name}' from policy pack 'tokenguard@v${PACK_VERSION}' during preview: ${why}`;
  try {
    for (const policy of policies) {
      if ("validateStack" in policy) {
        const outcome = await runStack(
          policy,
          view.resources.map((r) => ({ ...r, props: asPolicySees(r.outputs) })),
        );
        for (const line of outcome.violations) {
          const cut = line.indexOf(": ");
          const urn = line.slice(0, cut);
          out.push({
            policy: policy.name,
            level: level(policy.name),
            urn: urn === "undefined" ? view.stackUrn : urn,
            message: line.slice(cut + 2),
          });
        }
        if (outcome.unknown) {
          out.push({
            policy: policy.name,
            level: "advisory",
            urn: view.stackUrn,
            message: unknownText(policy.name, outcome.unknown),
          });
        }
        continue;
      }
      for (const r of view.resources.filter((x) => x.analyze)) {
        const outcome = await runResource(policy, {
          ...r,
          props: asPolicySees(r.props),
          ...(r.provider
            ? { provider: { ...r.provider, props: asPolicySees(r.provider.props) } }
            : {}),
        });
        for (const message of outcome.violations) {
          out.push({ policy: policy.name, level: level(policy.name), urn: r.urn, message });
        }
        if (outcome.unknown) {
          out.push({
            policy: policy.name,
            level: "advisory",
            urn: r.urn,
            message: unknownText(policy.name, outcome.unknown),
          });
        }
      }
    }
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return out;
}

/** Verdicts as sortable, comparable lines. */
export function verdictLines(vs: readonly Verdict[]): string[] {
  return vs.map((v) => `${v.policy} [${v.level}] ${v.urn}: ${v.message}`).sort();
}

/**
 * A throwaway project outside the repository: the given files, with node_modules linked to the
 * repository's so the program's `@pulumi/pulumi` resolves. Remove it with the returned cleanup.
 */
export function tempProject(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tokenguard-check-"));
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(path.join(dir, name), text);
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
