/**
 * docs/rules.md says what the code does: every rule with its level and severity, every Vault
 * endpoint and every AWS action of the escalation model, every harmless "*"-only action.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  COMBINATIONS,
  CREDENTIAL_ACTIONS,
  GRANT_ACTIONS,
  PASS_ROLE_COMPUTE,
  TAKEOVER_ACTIONS,
} from "../../lib/rules/aws/escalation";
import { ONLY_STAR_HARMLESS } from "../../lib/rules/aws/safe-forms";
import { RULES } from "../../lib/rules/catalog";
import { VAULT_ESCALATIONS } from "../../lib/rules/vault/escalation";

const DOC = readFileSync(path.resolve(__dirname, "../../docs/rules.md"), "utf8");

describe("docs/rules.md", () => {
  it("has a row per rule, with the catalog's level and severity", () => {
    for (const [name, rule] of Object.entries(RULES)) {
      assert.match(
        DOC,
        new RegExp(`^\\| \`${name}\` \\| ${rule.level} \\| ${rule.severity} \\|`, "m"),
        name,
      );
    }
  });

  it("has a section per rule, which each policy's url points at", () => {
    for (const name of Object.keys(RULES)) {
      assert.match(DOC, new RegExp(`^### ${name}$`, "m"), name);
    }
  });

  it("names every Vault endpoint and every AWS action of the escalation model", () => {
    for (const e of VAULT_ESCALATIONS) assert.ok(DOC.includes(`\`${e.id}\``), e.id);
    const actions = [
      ...[...GRANT_ACTIONS, ...CREDENTIAL_ACTIONS, ...PASS_ROLE_COMPUTE, ...TAKEOVER_ACTIONS].map(
        (e) => e.action,
      ),
      ...COMBINATIONS.flatMap((c) => c.actions),
      ...ONLY_STAR_HARMLESS,
    ];
    // Written out, or as `service:A`, `B` in one list, or with {X,Y} alternatives.
    const text = DOC.replace(/\{([^}]+)\}/g, (_m, alts: string) => `(${alts})`);
    for (const action of actions) {
      const [service, verb] = action.split(":");
      const spelled =
        new RegExp(`${service}:${verb}(?![A-Za-z])`).test(text) ||
        new RegExp(`${service}:[^|]*\`${verb}\``).test(text) ||
        expand(text).split("\n").includes(action);
      assert.ok(spelled, action);
    }
  });
});

/** `iam:Attach(User,Group,Role)Policy` and `[Version]` forms, expanded. */
function expand(text: string): string {
  const out: string[] = [];
  for (const m of text.matchAll(/`([a-z0-9-]+:[A-Za-z()[\],]+)`/g)) {
    let forms = [m[1]];
    for (;;) {
      const next = forms.flatMap((f) => {
        const alt = /\(([^()]+)\)/.exec(f);
        if (alt) return alt[1].split(",").map((a) => f.replace(alt[0], a));
        const opt = /\[([^[\]]+)\]/.exec(f);
        if (opt) return [f.replace(opt[0], ""), f.replace(opt[0], opt[1])];
        return [f];
      });
      if (next.length === forms.length && next.every((f, i) => f === forms[i])) break;
      forms = next;
    }
    out.push(...forms);
  }
  return out.join("\n");
}
