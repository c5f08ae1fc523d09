/**
 * Which policy file judges a token: one resolver for the component, the policy pack and `report`.
 *
 * First that is given wins:
 *   1. `inline`: the policy file's content as an object (the pack's config `policy`);
 *   2. `file`: a path given for this use (ScopedToken's `policyFile`, the pack's `policyFile`,
 *      `report --policy`);
 *   3. `configured`: stack config `tokenguard:policyFile`;
 *   4. `tokenguard.policy.yaml` in `searchFrom` or a directory above it, up to the project root
 *      (the directory holding Pulumi.yaml) or the repository root, whichever comes first;
 *   5. the built-in defaults.
 * Relative paths resolve against `baseDir`: the program's directory for the component, the
 * directory `pulumi` runs in for the pack, the working directory for the CLI.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import {
  DEFAULT_POLICY,
  loadPolicyFile,
  POLICY_FILE_NAME,
  resolvePolicy,
  type Policy,
} from "./policy-file";

export interface PolicySource {
  readonly inline?: unknown;
  readonly file?: string;
  readonly configured?: string;
  readonly searchFrom?: string;
  readonly baseDir: string;
}

/** `tokenguard.policy.yaml` at or above `startDir`, up to the project or repository root. */
export function findProjectPolicyFile(startDir: string): string | undefined {
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, POLICY_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    const isRoot = ["Pulumi.yaml", "Pulumi.yml", ".git"].some((f) => existsSync(path.join(dir, f)));
    if (isRoot || path.dirname(dir) === dir) return undefined;
  }
}

/** The file `source` names, by the precedence above (undefined: inline or built-in). */
export function policyFileOf(source: PolicySource): string | undefined {
  const given = source.file ?? source.configured;
  if (given !== undefined) return path.resolve(source.baseDir, given);
  return source.searchFrom === undefined ? undefined : findProjectPolicyFile(source.searchFrom);
}

const cache = new Map<string, Policy>();

/** The policy `source` selects, validated (a bad file throws PolicyFileError naming each field). */
export function loadPolicy(source: PolicySource): Policy {
  if (source.inline !== undefined) {
    const key = `inline:${JSON.stringify(source.inline)}`;
    const policy = cache.get(key) ?? resolvePolicy(source.inline, "policy pack config `policy`");
    cache.set(key, policy);
    return policy;
  }
  const file = policyFileOf(source);
  if (file === undefined) return DEFAULT_POLICY;
  // Messages name the file as the user knows it: relative to baseDir when inside it.
  const relative = path.relative(source.baseDir, file);
  const label = relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
  const policy = cache.get(file) ?? loadPolicyFile(file, label);
  cache.set(file, policy);
  return policy;
}
