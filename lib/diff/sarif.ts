/**
 * `tokenguard diff --format sarif`: each widening a result at the token's `new` call (as `check`
 * places its violations), through the one SARIF writer (lib/sarif). An approved widening carries
 * its approval as a suppression with the reviewer's reason.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type * as Sarif from "sarif";
import type { ReviewedChange, ReviewedWidening } from "../rules/approvals";
import type { WideningKind } from "../rules/token-diff";
import { artifactUri, ruleDescriptor, sarifLog, type RuleMeta } from "../sarif";
import type { DiffResult } from "./diff";
import { approvalText, fieldText } from "./format";

const HELP =
  "Narrow it, or approve it in tokenguard.policy.yaml (tokens.<name>.approvedWidening, with a reason).";

/** One rule per kind of widening. */
export const DIFF_RULES: Readonly<Record<WideningKind, RuleMeta>> = {
  access: {
    id: "token-access-gained",
    title: "A token gains access it did not have.",
    description:
      "A scope, path, capability, action or resource the deployed token does not reach, judged by what the globs match rather than their text.",
    help: HELP,
    level: "error",
    severity: "high",
    tags: ["security", "tokenguard-diff"],
  },
  ttl: {
    id: "token-ttl-longer",
    title: "A token's credentials live longer.",
    description: "The ttl is longer than deployed, or no longer bounded.",
    help: HELP,
    level: "error",
    severity: "medium",
    tags: ["security", "tokenguard-diff"],
  },
  rotation: {
    id: "token-rotation-slower",
    title: "A token rotates less often.",
    description: "rotation.every is longer than deployed, or rotation was removed.",
    help: HELP,
    level: "error",
    severity: "medium",
    tags: ["security", "tokenguard-diff"],
  },
  owner: {
    id: "token-owner-removed",
    title: "A token no longer names its owner.",
    description: "Nobody is named as answering for the token any more.",
    help: HELP,
    level: "error",
    severity: "low",
    tags: ["security", "tokenguard-diff"],
  },
};

const KINDS = Object.keys(DIFF_RULES) as WideningKind[];
const FINGERPRINT = "tokenguard/diff/v1";

function location(result: DiffResult, c: ReviewedChange, cwd: string): Sarif.Location {
  const at = result.locations.get(c.urn);
  // Code-scanning UIs need a file: the `new` call when known (a removed token has none), else Pulumi.yaml.
  const physicalLocation: Sarif.PhysicalLocation = at
    ? {
        artifactLocation: artifactUri(at.file, cwd),
        region: { startLine: at.line, startColumn: at.column },
      }
    : {
        artifactLocation: artifactUri(path.join(result.projectDir, "Pulumi.yaml"), cwd),
        region: { startLine: 1 },
      };
  return {
    physicalLocation,
    logicalLocations: [{ fullyQualifiedName: c.urn, name: c.name, kind: "resource" }],
  };
}

function what(w: ReviewedWidening): string {
  if (w.gain) return w.gain.deny ? `no longer denied: ${w.gain.scope}` : `gains ${w.gain.scope}`;
  return w.change ? fieldText(w.change) : w.kind;
}

function resultOf(
  result: DiffResult,
  c: ReviewedChange,
  w: ReviewedWidening,
  cwd: string,
): Sarif.Result {
  const detail = what(w);
  return {
    ruleId: DIFF_RULES[w.kind].id,
    ruleIndex: KINDS.indexOf(w.kind),
    level: w.approval ? "note" : "error",
    message: {
      text: `${c.name} (${c.managed ? "ScopedToken" : c.type}): ${detail}; ${approvalText(w, c.name)}`,
    },
    locations: [location(result, c, cwd)],
    partialFingerprints: {
      [FINGERPRINT]: createHash("sha256")
        .update(`${w.kind}\n${c.key}\n${detail}`)
        .digest("hex")
        .slice(0, 32),
    },
    ...(w.approval
      ? {
          suppressions: [
            { kind: "external", status: "accepted", justification: w.approval.reason },
          ],
        }
      : {}),
  };
}

/** SARIF 2.1.0: one result per widening. */
export function toSarif(result: DiffResult, version: string, cwd = process.cwd()): Sarif.Log {
  const rules = KINDS.map((k) => ruleDescriptor(DIFF_RULES[k]));
  const results = result.changes.flatMap((c) =>
    c.widenings.map((w) => resultOf(result, c, w, cwd)),
  );
  return sarifLog(version, rules, results);
}
