/**
 * Fuzzing ScopedToken's arguments: whatever a program passes, the component either accepts it or
 * refuses it with findings that name a field — never a raw TypeError/RangeError, and never with
 * anything registered.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { ScopedToken, TokenRefusedError } from "../../lib/scoped-token";
import type { ScopedTokenArgs } from "../../lib/scoped-token-args";
import { promiseOf, registrations, reset } from "../helpers/mocks";

const junk = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string(), { maxKeys: 3 }),
);
const duration = fc.oneof(
  fc.constantFrom(
    "31d",
    "30d",
    "1d",
    "1h",
    "0s",
    "P30D",
    "PT1H",
    "99999999999w",
    "1y",
    "",
    "forever",
    "1h1h",
  ),
  junk,
);
const vaultScope = fc.oneof(
  fc.constantFrom(
    "secret/data/ci/*:read,list",
    "*:read",
    "sys/mounts:read",
    "a:sudo",
    "x",
    "a:b:c:read",
  ),
  junk,
);
const labelScope = fc.oneof(fc.constantFrom("orders:read", "orders:*", "Orders:Read", ":"), junk);
const awsScope = fc.oneof(
  fc.record(
    {
      actions: fc.oneof(fc.constant(["s3:GetObject"]), fc.constant(["*"]), junk),
      resources: fc.oneof(
        fc.constant(["arn:aws:s3:::b/*"]),
        fc.constant(["*"]),
        fc.constant(["self"]),
        junk,
      ),
      conditions: junk,
      effect: junk,
    },
    { requiredKeys: [] },
  ),
  junk,
);
const scopes = fc.oneof(
  fc.array(fc.oneof(vaultScope, labelScope, awsScope), { maxLength: 3 }),
  junk,
);
const rotation = fc.oneof(
  fc.record(
    {
      every: duration,
      overlap: duration,
      anchor: fc.oneof(
        fc.constantFrom(
          "2026-01-01T00:00:00Z",
          "2099-01-01T00:00:00Z",
          "1970-01-01T00:00:00Z",
          "soon",
        ),
        junk,
      ),
      extra: junk,
    },
    { requiredKeys: [] },
  ),
  junk,
);
const block = fc.oneof(
  fc.record(
    {
      policyName: junk,
      namespace: junk,
      orphan: junk,
      bytes: fc.oneof(fc.integer({ min: -5, max: 600 }), junk),
      prefix: junk,
      userName: junk,
      secretName: junk,
      recoveryWindowInDays: junk,
      exposeValue: junk,
    },
    { requiredKeys: [] },
  ),
  junk,
);
/** `verify`: false, any backend's options (valid, out of range, of another backend), or junk. */
const verify = fc.oneof(
  fc.constant(false),
  fc.record(
    {
      url: fc.oneof(
        fc.constantFrom(
          "https://svc.example.com/healthz",
          "ftp://x",
          "https://u:p@h/",
          "not a url",
        ),
        junk,
      ),
      header: fc.oneof(fc.constantFrom("X-Api-Key", "Authorization", "bad header"), junk),
      expectStatus: fc.oneof(fc.constantFrom(200, 204, 99, 600, [200, 401], []), junk),
      path: fc.oneof(fc.constantFrom("secret/data/ci/app", "secret/data/*", "other/x"), junk),
      capability: fc.oneof(fc.constantFrom("read", "list", "update", "sudo"), junk),
      address: fc.oneof(fc.constantFrom("https://vault.example.com:8200", "vault"), junk),
      attempts: fc.oneof(fc.integer({ min: -2, max: 25 }), junk),
      backoff: duration,
      timeout: duration,
      extra: junk,
    },
    { requiredKeys: [] },
  ),
  junk,
);
/** `alert`: a before that fits or not (ttl 31d - every 30d = 1d), topics and roles, or junk. */
const alert = fc.oneof(
  fc.record(
    {
      before: fc.oneof(fc.constantFrom("12h", "1d", "7d", "0s", "soon"), duration),
      topicArn: fc.oneof(
        fc.constantFrom("arn:aws:sns:us-east-1:123456789012:alarms", "arn:aws:sqs:us-east-1:1:q"),
        junk,
      ),
      roleArn: fc.oneof(fc.constantFrom("arn:aws:iam::123456789012:role/r", "role"), junk),
      runbook: fc.oneof(fc.constantFrom("https://wiki.example.com/rb", "wiki"), junk),
      extra: junk,
    },
    { requiredKeys: ["before"] },
  ),
  junk,
);
const common = {
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-a",
  purpose: "fuzzing",
};
/** A valid declaration per backend, to mutate: most runs then change one to three fields. */
const VALID = [
  { ...common, backend: "vault", scopes: ["secret/data/ci/*:read,list"], vault: { orphan: false } },
  { ...common, backend: "random", scopes: ["orders:read"], random: { bytes: 48 } },
  {
    ...common,
    backend: "aws-iam",
    scopes: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }],
  },
  {
    ...common,
    backend: "aws-secret",
    scopes: [{ actions: ["secretsmanager:GetSecretValue"], resources: ["self"] }],
  },
];
const mutation = fc.oneof(
  fc.tuple(
    fc.constant("backend"),
    fc.oneof(fc.constantFrom("vault", "random", "aws-iam", "aws-secret", "ldap"), junk),
  ),
  fc.tuple(fc.constant("scopes"), scopes),
  fc.tuple(fc.constant("ttl"), duration),
  fc.tuple(fc.constant("rotation"), rotation),
  fc.tuple(fc.constantFrom("owner", "purpose"), fc.oneof(fc.constantFrom("team-a", ""), junk)),
  fc.tuple(fc.constantFrom("policyFile", "rotaton", "alert", "verify"), junk),
  fc.tuple(fc.constant("verify"), verify),
  fc.tuple(fc.constant("alert"), alert),
  fc.tuple(fc.constantFrom("vault", "random", "aws"), block),
);
const args = fc
  .tuple(fc.constantFrom(...VALID), fc.array(mutation, { maxLength: 3 }))
  .map(([valid, changes]) => {
    const out: Record<string, unknown> = { ...valid };
    for (const [key, value] of changes) out[key] = value;
    return out;
  });

describe("fuzz: ScopedToken arguments are accepted, or refused naming a field — never a crash", function () {
  this.timeout(120_000);

  it("holds for arbitrary argument objects", async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(args, async (given) => {
        reset({ now: "2026-06-01T00:00:00Z" });
        let token: ScopedToken;
        try {
          token = new ScopedToken("fuzz", given as unknown as ScopedTokenArgs);
        } catch (e) {
          assert.ok(
            e instanceof TokenRefusedError,
            `not a refusal: ${(e as Error)?.stack ?? String(e)}`,
          );
          assert.ok(e.findings.length > 0);
          for (const f of e.findings) {
            assert.ok(f.field !== "" || /arguments must be an object/.test(f.message), f.message);
          }
          assert.deepEqual(registrations, [], "a refused token registers nothing");
          refused++;
          return;
        }
        await promiseOf(pulumi.all([token.tokenId, token.generation]));
        accepted++;
      }),
      { numRuns: 400, seed: 20261129 },
    );
    assert.ok(
      accepted > 0 && refused > 0,
      `both outcomes reached (${accepted} accepted, ${refused} refused)`,
    );
  });

  it("never crashes on whole non-objects", () => {
    for (const given of [undefined, null, 7, "vault", [], () => 1]) {
      reset();
      assert.throws(
        () => new ScopedToken("fuzz", given as unknown as ScopedTokenArgs),
        (e: unknown) => e instanceof TokenRefusedError,
        String(given),
      );
    }
  });
});
