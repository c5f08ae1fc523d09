/**
 * The escalation catalogue through the ScopedToken component (Pulumi's mock runtime): each AWS
 * method and each Vault escalation endpoint is refused at construction, naming the escalation and
 * how to allow it for one token, and creating nothing; the exact allowance in a policy file lets
 * that one token through, and no other.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ScopedToken, type ScopedTokenArgs } from "../../lib";
import { AWS_CASES, VAULT_CASES, VAULT_GLOB_CASES } from "../helpers/escalation-catalogue";
import { registrations, reset } from "../helpers/mocks";

const common = {
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d", anchor: "2026-01-01T00:00:00Z" },
  owner: "team-platform",
  purpose: "escalation catalogue",
};

function refusal(name: string, args: Record<string, unknown>): string {
  try {
    new ScopedToken(name, { ...common, ...args } as ScopedTokenArgs);
  } catch (e) {
    assert.ok(e instanceof pulumi.ResourceError, String(e));
    return e.message;
  }
  return assert.fail(`ScopedToken "${name}" was not refused`);
}

function policyFile(yaml: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tg-escalation-"));
  const file = path.join(dir, "tokenguard.policy.yaml");
  writeFileSync(file, yaml);
  return file;
}

describe("escalation catalogue: the ScopedToken component refuses each method", () => {
  beforeEach(() => reset({ now: "2026-01-10T00:00:00Z" }));

  for (const c of AWS_CASES) {
    it(`aws: ${c.method} (${c.source})`, () => {
      const message = refusal("svc", { backend: "aws-iam", scopes: c.scopes });
      assert.match(message, c.refusal);
      assert.match(message, /\[token-least-privilege\]/);
      assert.deepEqual(registrations, [], "a refused token creates nothing");
    });
  }

  for (const c of [
    ...VAULT_CASES,
    ...VAULT_GLOB_CASES.map((g) => ({ ...g, endpoint: "glob", source: "glob" })),
  ]) {
    it(`vault: ${c.scope} (${c.endpoint}, ${c.source})`, () => {
      const message = refusal("ci", { backend: "vault", scopes: [c.scope] });
      assert.match(message, c.refusal);
      assert.deepEqual(registrations, []);
    });
  }

  it("says how to allow an escalation for this one token, and the policy file's allowance lets exactly that through", () => {
    const message = refusal("ci", {
      backend: "vault",
      scopes: ["auth/token/create-orphan:update"],
    });
    assert.match(
      message,
      /if "ci" must hold it, allow it for this token only in the policy file: tokens\.ci\.allowEscalation: \[\{ scope: "auth\/token\/create-orphan:update", reason: "<why>" \}\]/,
    );
    const file = policyFile(
      [
        "tokens:",
        "  ci:",
        "    allowEscalation:",
        '      - scope: "auth/token/create-orphan:update"',
        "        reason: CI mints short-lived orphan tokens for its test jobs",
      ].join("\n"),
    );
    const allowed = {
      backend: "vault",
      scopes: ["auth/token/create-orphan:update"],
      policyFile: file,
    };
    assert.doesNotThrow(() => new ScopedToken("ci", { ...common, ...allowed } as ScopedTokenArgs));
    // The allowance names one token and one escalation: another token, or more, stays refused.
    reset({ now: "2026-01-10T00:00:00Z" });
    assert.match(refusal("other", allowed), /token-create-orphan/);
    assert.match(
      refusal("ci", {
        ...allowed,
        scopes: ["auth/token/create-orphan:update", "auth/token/create:update"],
      }),
      /privilege escalation: vault token-create\)/,
    );
  });

  it("lets an AWS allowance name the exact actions and resources, and no wildcard", () => {
    const scopes = [
      {
        actions: ["iam:CreateAccessKey"],
        resources: ["arn:aws:iam::111122223333:user/backup-bot"],
      },
    ];
    const file = policyFile(
      [
        "tokens:",
        "  keymaker:",
        "    allowEscalation:",
        '      - actions: ["iam:CreateAccessKey"]',
        '        resources: ["arn:aws:iam::111122223333:user/backup-bot"]',
        "        reason: rotates the backup bot's key for the vendor portal",
      ].join("\n"),
    );
    const args = { ...common, backend: "aws-iam", scopes, policyFile: file } as ScopedTokenArgs;
    assert.doesNotThrow(() => new ScopedToken("keymaker", args));
    reset({ now: "2026-01-10T00:00:00Z" });
    const other = [
      { actions: ["iam:CreateAccessKey"], resources: ["arn:aws:iam::111122223333:user/admin"] },
    ];
    assert.match(
      refusal("keymaker", { backend: "aws-iam", scopes: other, policyFile: file }),
      /mints a credential for another principal/,
    );
    const wildcard = policyFile(
      [
        "tokens:",
        "  keymaker:",
        "    allowEscalation:",
        '      - actions: ["iam:CreateAccessKey"]',
        '        resources: ["arn:aws:iam::111122223333:user/*"]',
        "        reason: every user, which is never allowed",
      ].join("\n"),
    );
    assert.throws(
      () => new ScopedToken("keymaker", { ...args, policyFile: wildcard }),
      /tokens\.keymaker\.allowEscalation\[0\]: resources\[0\] "arn:aws:iam::111122223333:user\/\*" is not one exact ARN/,
    );
  });
});
