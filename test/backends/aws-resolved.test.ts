/**
 * `pulumi up`: scopes whose resources were references (Outputs) at preview are judged again once
 * they resolve — the per-token allowlist, wildcard ARNs, escalations on other principals — and the
 * update fails naming the scope when one is refused.
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ScopedToken, type ScopedTokenArgs } from "../../lib";
import { judgeResolved, resolvedAwsScopes } from "../../lib/backends/aws-common";
import type { BackendContext } from "../../lib/backends/types";
import { loadPolicyFile } from "../../lib/schema/policy-file";
import { parseTokenSpec } from "../../lib/schema/token";
import { goodToken } from "../helpers/fixtures";
import { children, reset } from "../helpers/mocks";

const POLICY = (() => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "tg-resolved-"));
  const file = path.join(dir, "tokenguard.policy.yaml");
  writeFileSync(
    file,
    [
      "tokens:",
      "  exporter:",
      "    allowedScopes:",
      '      - actions: ["s3:GetObject"]',
      '        resources: ["arn:aws:s3:::acme-reports/exports/*"]',
    ].join("\n"),
  );
  return file;
})();

/** The Output's value, or its rejection (pulumi's own promise of it). */
const settle = <T>(o: pulumi.Output<T>) => (o as unknown as { promise(): Promise<T> }).promise();

function context(name: string, scopes: object[]): BackendContext {
  const spec = parseTokenSpec(goodToken({ name, backend: "aws-iam", scopes }));
  return {
    name,
    spec,
    policy: loadPolicyFile(POLICY),
    lifetime: { ttl: 1, every: 1, overlap: 0 },
    childOpts: {},
  };
}

describe("backends/aws: referenced resources are judged when they resolve", () => {
  beforeEach(() => reset({ now: "2026-01-10T00:00:00Z" }));

  const cases: [string, string, string, RegExp][] = [
    [
      "exporter",
      "s3:GetObject",
      "arn:aws:s3:::other-bucket/exports/x",
      /scopes\[0\]: .* is outside the scopes allowed for token "exporter"/,
    ],
    [
      "svc",
      "iam:CreateAccessKey",
      "arn:aws:iam::111122223333:user/admin",
      /scopes\[0\]: action "iam:CreateAccessKey" on arn:aws:iam::111122223333:user\/admin mints a credential/,
    ],
    [
      "svc",
      "s3:PutObject",
      "arn:aws:s3:::*/*",
      /scopes\[0\]: action "s3:PutObject" writes, and "arn:aws:s3:::\*\/\*" reaches every resource/,
    ],
  ];
  for (const [name, action, resolved, why] of cases) {
    it(`fails the update when ${action} resolves to ${resolved}`, async () => {
      const ctx = context(name, [{ actions: [action], resources: ["<resource reference>"] }]);
      const out = resolvedAwsScopes(
        name,
        [{ actions: [action], resources: [pulumi.output(resolved)] }],
        {},
        judgeResolved(ctx),
      );
      await assert.rejects(settle(out), (e: unknown) => {
        assert.ok(e instanceof pulumi.RunError);
        assert.match(
          e.message,
          new RegExp(
            `^ScopedToken "${name}" is refused now that its referenced resources are known:`,
          ),
        );
        assert.match(e.message, why);
        return true;
      });
    });
  }

  it("passes a reference that resolves inside the allowlist", async () => {
    const scopes = [{ actions: ["s3:GetObject"], resources: ["<resource reference>"] }];
    const out = resolvedAwsScopes(
      "exporter",
      [
        {
          actions: ["s3:GetObject"],
          resources: [pulumi.output("arn:aws:s3:::acme-reports/exports/2026/")],
        },
      ],
      {},
      judgeResolved(context("exporter", scopes)),
    );
    assert.deepEqual(await settle(out), [
      { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme-reports/exports/2026/"] },
    ]);
  });

  it("does not judge again the scopes preview could see (no reference): advisory mode keeps its warning", async () => {
    const scopes = [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::other-bucket/x"] }];
    const out = resolvedAwsScopes(
      "exporter",
      scopes,
      {},
      judgeResolved(context("exporter", scopes)),
    );
    assert.deepEqual(await settle(out), scopes);
  });

  it("wires the judge into the aws-iam token: a refused document is never registered", async () => {
    const declare = (name: string, bucket: string) =>
      new ScopedToken(name, {
        backend: "aws-iam",
        scopes: [
          {
            actions: ["s3:GetObject"],
            resources: [pulumi.output(`arn:aws:s3:::${bucket}/exports/x`)],
          },
        ],
        ttl: "61d",
        rotation: { every: "60d", overlap: "1d" },
        owner: "team-data",
        purpose: "exports",
        policyFile: POLICY,
      } as ScopedTokenArgs);
    declare("exporter", "other-bucket");
    const registered = async (name: string) => {
      for (let i = 0; i < 50 && !children().some((r) => r.name === name); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return children().some((r) => r.name === name);
    };
    assert.equal(await registered("exporter-user"), true);
    assert.equal(await registered("exporter-policy"), false);
    // The same token resolving inside its allowlist registers its policy.
    reset({ now: "2026-01-10T00:00:00Z" });
    declare("exporter", "acme-reports");
    assert.equal(await registered("exporter-policy"), true);
  });
});
