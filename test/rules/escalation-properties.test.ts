/**
 * Properties of the escalation model (fast-check): no Vault glob that covers an escalation path is
 * accepted, even under the loosest policy file; grants on ordinary secret paths are; the glob
 * overlap test agrees with brute force; no AWS escalation or write is accepted on a wildcard ARN.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { VAULT_ESCALATIONS } from "../../lib/rules/vault/escalation";
import { globsOverlap } from "../../lib/rules/vault/glob";
import { judgeToken } from "../../lib/rules/token-rules";
import {
  GRANT_ACTIONS,
  CREDENTIAL_ACTIONS,
  TAKEOVER_ACTIONS,
} from "../../lib/rules/aws/escalation";
import { resolvePolicy } from "../../lib/schema/policy-file";
import { parseTokenSpec, TokenSpecError } from "../../lib/schema/token";
import { goodToken } from "../helpers/fixtures";

/** The loosest policy file there is: no forbidden paths or capabilities. */
const LOOSE = resolvePolicy(
  { backends: { vault: { forbiddenPaths: [], forbiddenCapabilities: [] } } },
  "loose.yaml",
);

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,7}$/);

/** A concrete path an endpoint's glob matches: each `*` becomes one to three segments. */
const escalationPath = fc
  .constantFrom(...VAULT_ESCALATIONS.flatMap((e) => e.paths.map((p) => ({ e, p }))))
  .chain(({ e, p }) =>
    fc
      .array(fc.array(segment, { minLength: 1, maxLength: 3 }), {
        minLength: p.split("*").length - 1,
        maxLength: p.split("*").length - 1,
      })
      .map((fills) => ({
        endpoint: e,
        path: p
          .split("*")
          .reduce((out, part, i) => out + (i > 0 ? fills[i - 1].join("/") : "") + part, ""),
      })),
  );

/** A glob covering `path`: some whole segments made `+`, then maybe cut short with `*`. */
function coveringGlob(path: string) {
  const segments = path.split("/");
  return fc
    .tuple(
      fc.array(fc.boolean(), { minLength: segments.length, maxLength: segments.length }),
      fc.option(fc.nat({ max: path.length }), { nil: undefined }),
    )
    .map(([plus, cut]) => {
      const glob = segments.map((s, i) => (plus[i] ? "+" : s)).join("/");
      return cut === undefined ? glob : `${glob.slice(0, Math.min(cut, glob.length))}*`;
    })
    .filter((g) => !g.startsWith("/") && !g.includes("+*"));
}

/** Whether the loosest policy still refuses the scopes (a scope the grammar refuses counts). */
function refusedScopes(decl: Parameters<typeof goodToken>[0]): boolean {
  let spec;
  try {
    spec = parseTokenSpec(goodToken(decl));
  } catch (e) {
    if (e instanceof TokenSpecError) return true;
    throw e;
  }
  return judgeToken(spec, LOOSE).some((f) => f.rule === "token-least-privilege");
}

const refused = (path: string, caps: readonly string[]) =>
  refusedScopes({ scopes: [`${path}:${caps.join(",")}`] });

describe("escalation model: properties", () => {
  it("refuses every glob that covers an escalation path, with any escalating capability", () => {
    fc.assert(
      fc.property(
        escalationPath.chain(({ endpoint, path }) =>
          fc.tuple(
            fc.constant(path),
            coveringGlob(path),
            fc.subarray([...endpoint.capabilities], { minLength: 1 }),
            fc.subarray(["read", "list"]),
          ),
        ),
        ([path, glob, caps, extra]) => {
          assert.ok(refused(path, caps), `${path}:${caps.join(",")} was accepted`);
          assert.ok(refused(glob, [...caps, ...extra]), `${glob} covers ${path} and was accepted`);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("accepts grants on ordinary secret paths (no escalation endpoint), any non-root capabilities", () => {
    const mount = fc.constantFrom("secret", "kv", "transit", "database", "pki", "aws", "ssh");
    fc.assert(
      fc.property(
        mount,
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.subarray(["create", "read", "update", "patch", "delete", "list"], { minLength: 1 }),
        (m, segs, glob, caps) => {
          const path = `${m}/${segs.join("/")}${glob ? "/*" : ""}`;
          assert.ok(!refused(path, caps), `${path}:${caps.join(",")} was refused`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("decides glob overlap exactly (checked against every short path)", () => {
    const alphabet = ["a", "b", "/", "+", "x"];
    const paths: string[] = [""];
    for (let len = 1, frontier = [""]; len <= 6; len++) {
      frontier = frontier.flatMap((p) => alphabet.map((c) => p + c));
      paths.push(...frontier);
    }
    const toRegex = (glob: string) =>
      new RegExp(
        `^${glob
          .split("/")
          .map((s) => (s === "+" ? "[^/]*" : s.replace(/[.+]/g, "\\$&").replace(/\*/g, ".*")))
          .join("/")}$`,
      );
    const glob = fc.stringMatching(/^[ab/*+]{0,3}$/);
    fc.assert(
      fc.property(glob, glob, (a, b) => {
        const ra = toRegex(a);
        const rb = toRegex(b);
        const witness = paths.some((p) => ra.test(p) && rb.test(p));
        assert.equal(globsOverlap(a, b), witness, `${a} vs ${b}`);
      }),
      { numRuns: 3000 },
    );
  });

  it("never accepts an escalation action, or a write, on an ARN that reaches every resource", () => {
    const escalating = [...GRANT_ACTIONS, ...CREDENTIAL_ACTIONS, ...TAKEOVER_ACTIONS].map(
      (e) => e.action,
    );
    const wildcardArn = fc.oneof(
      fc.constant("*"),
      segment.map((s) => `arn:aws:iam::111122223333:user/${s.slice(0, 2)}*`),
      segment.map((s) => `arn:aws:iam::111122223333:role/*${s}`),
      fc.constantFrom("arn:aws:s3:::*", "arn:aws:s3:::*/*", "arn:aws:iam::*:user/admin"),
    );
    const action = fc.oneof(
      fc.constantFrom(...escalating, "iam:PassRole", "sts:AssumeRole"),
      fc.constantFrom("s3:PutObject", "s3:DeleteObject", "sqs:SendMessage", "dynamodb:PutItem"),
    );
    fc.assert(
      fc.property(action, wildcardArn, (a, arn) => {
        if (!a.startsWith("iam:") && !a.startsWith("sts:") && arn.startsWith("arn:aws:iam::1")) {
          return; // a prefix of IAM users is not "every resource" for a non-IAM write
        }
        assert.ok(
          refusedScopes({ backend: "aws-iam", scopes: [{ actions: [a], resources: [arn] }] }),
          `${a} on ${arn} was accepted`,
        );
      }),
      { numRuns: 1000 },
    );
  });
});
