import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ScopedToken, SCOPED_TOKEN_TYPE, type ScopedTokenArgs } from "../lib";
import { tokenHash } from "../lib/token-hash";
import { fingerprintOf } from "../lib/audit/fingerprint";
import { LEDGER_ENTRY_TYPE } from "../lib/audit/ledger-entry";
import { VERIFICATION_TYPE } from "../lib/verify/verification";
import {
  children,
  fakePasswordFor,
  fakeSecretFor,
  promiseOf,
  registrations,
  reset,
} from "./helpers/mocks";

const ANCHOR = "2026-01-01T00:00:00Z";
const vaultArgs = (over: Partial<ScopedTokenArgs> = {}): ScopedTokenArgs =>
  ({
    backend: "vault",
    scopes: ["secret/data/ci/*:read,list", "secret/data/shared/config:read"],
    ttl: "31d",
    rotation: { every: "30d", overlap: "1d", anchor: ANCHOR },
    owner: "team-platform",
    purpose: "CI deploy pipeline",
    ...over,
  }) as ScopedTokenArgs;
const randomArgs = (over: Partial<ScopedTokenArgs> = {}): ScopedTokenArgs =>
  vaultArgs({
    backend: "random",
    scopes: ["orders:read", "orders:list"],
    ...over,
  } as Partial<ScopedTokenArgs>);

/** Builds a token and waits until its outputs (hence its children) have resolved. */
async function build(name: string, args: ScopedTokenArgs) {
  const token = new ScopedToken(name, args);
  await promiseOf(pulumi.all([token.tokenId, token.previous, token.value]));
  return token;
}

describe("ScopedToken", () => {
  beforeEach(() => reset({ now: "2026-01-10T00:00:00Z" }));

  it("exposes its type token as a static", () => {
    assert.equal(ScopedToken.__pulumiType, "tokenguard:index:ScopedToken");
    assert.equal(SCOPED_TOKEN_TYPE, ScopedToken.__pulumiType);
  });

  describe("vault backend", () => {
    it("creates one least-privilege policy and one non-renewable token, exactly", async () => {
      const token = await build("ci", vaultArgs());
      const kids = children();
      assert.deepEqual(
        kids.map((r) => [r.type, r.name]),
        [
          ["vault:index/policy:Policy", "ci-policy"],
          ["vault:index/token:Token", "ci-g0"],
          [VERIFICATION_TYPE, "ci-verify-g0"],
        ],
      );
      assert.deepEqual(kids[0].inputs, {
        name: "tokenguard-tgtest-unit-ci",
        policy:
          '# tokenguard ScopedToken "ci": generated, do not edit\n' +
          'path "secret/data/ci/*" {\n  capabilities = ["read", "list"]\n}\n\n' +
          'path "secret/data/shared/config" {\n  capabilities = ["read"]\n}',
      });
      assert.deepEqual(kids[1].inputs, {
        policies: ["tokenguard-tgtest-unit-ci"],
        noDefaultPolicy: true,
        renewable: false,
        ttl: "2678400s",
        explicitMaxTtl: "2678400s",
        noParent: false,
        displayName: "tokenguard-ci-g0",
        metadata: {
          "tokenguard-token": "ci",
          "tokenguard-generation": "0",
          "tokenguard-owner": "team-platform",
          "tokenguard-purpose": "CI deploy pipeline",
        },
      });
      assert.equal(await promiseOf(token.tokenId), "accessor-ci-g0");
      assert.equal(await promiseOf(token.value), `hvs.FAKE${fakeSecretFor("ci-g0").slice(0, 24)}`);
      assert.equal(await promiseOf(token.generation), 0);
      assert.equal(await promiseOf(token.rotatesAt), "2026-01-31T00:00:00Z");
      assert.equal(await promiseOf(token.expiresAt), "2026-02-01T00:00:00Z");
      assert.deepEqual(await promiseOf(token.scopes), [
        "secret/data/ci/*:read,list",
        "secret/data/shared/config:read",
      ]);
    });

    it("renders exactly the declared capabilities, merging repeated paths", async () => {
      await build(
        "m",
        vaultArgs({
          scopes: [
            "kv/data/a:read",
            "kv/metadata/a:list",
            "kv/data/a:update,read",
            "transit/encrypt/app:update",
          ],
        }),
      );
      assert.equal(
        children()[0].inputs.policy,
        '# tokenguard ScopedToken "m": generated, do not edit\n' +
          'path "kv/data/a" {\n  capabilities = ["read", "update"]\n}\n\n' +
          'path "kv/metadata/a" {\n  capabilities = ["list"]\n}\n\n' +
          'path "transit/encrypt/app" {\n  capabilities = ["update"]\n}',
      );
      assert.doesNotMatch(String(children()[0].inputs.policy), /sudo|root|path "\*"/);
    });

    it("honours policyName, namespace and orphan", async () => {
      await build(
        "o",
        vaultArgs({
          vault: {
            policyName: "ci-reader",
            adoptExistingPolicy: true,
            namespace: "team-a",
            orphan: true,
          },
        } as Partial<ScopedTokenArgs>),
      );
      const [policy, token] = children();
      assert.equal(policy.inputs.name, "ci-reader");
      assert.equal(policy.inputs.namespace, "team-a");
      assert.equal(token.inputs.noParent, true);
      assert.equal(token.inputs.namespace, "team-a");
    });
  });

  describe("random backend", () => {
    const PASSWORD = {
      upper: true,
      lower: true,
      numeric: true,
      special: true,
      overrideSpecial: "-_",
    };

    it("creates one RandomPassword over base64url worth 32 bytes and publishes its hash", async () => {
      const token = await build("api", randomArgs());
      // RandomPassword, never RandomBytes: the real provider makes a RandomBytes' id its value.
      assert.deepEqual(
        children().map((r) => [r.type, r.name, r.inputs]),
        [["random:index/randomPassword:RandomPassword", "api-g0", { length: 43, ...PASSWORD }]],
      );
      const value = await promiseOf(token.value);
      const expected = "tg_" + fakePasswordFor("api-g0", 43);
      assert.equal(value, expected);
      assert.equal(await promiseOf(token.hash), tokenHash(expected));
      assert.equal(await promiseOf(token.tokenId), `tg_${tokenHash(expected).slice(0, 16)}`);
      assert.equal(await pulumi.isSecret(token.hash), false);
      assert.ok(43 * 6 >= 32 * 8, "43 characters of a 64-character alphabet carry 258 bits");
    });

    it("takes more entropy and another prefix when asked", async () => {
      const token = await build(
        "big",
        randomArgs({ random: { bytes: 48, prefix: "acme_" } } as Partial<ScopedTokenArgs>),
      );
      assert.deepEqual(children()[0].inputs, { length: 64, ...PASSWORD });
      assert.match(String(await promiseOf(token.value)), /^acme_[A-Za-z0-9_-]{64}$/);
    });
  });

  it("marks every output carrying a credential secret, and nothing else", async () => {
    reset({ now: "2026-01-31T06:00:00Z" }); // inside an overlap: `previous` is set
    for (const args of [vaultArgs(), randomArgs()]) {
      const token = await build(`s-${args.backend}`, args);
      assert.equal(await pulumi.isSecret(token.value), true, `${args.backend} value`);
      assert.equal(await pulumi.isSecret(token.previous), true, `${args.backend} previous`);
      assert.equal(await pulumi.isSecret(token.tokenId), false, `${args.backend} tokenId`);
      assert.equal(await pulumi.isSecret(token.expiresAt), false);
    }
  });

  it("outside an overlap, previous resolves to null (not secret), and the facts stay Outputs", async () => {
    const token = await build("solo", randomArgs());
    assert.equal(await promiseOf(token.previous), null);
    assert.equal(await pulumi.isSecret(token.previous), false);
    assert.equal(await promiseOf(token.generation), 0);
    // 2026-01-01 anchor, 30d rotation, 31d ttl (vaultArgs): due on day 30, expires on day 31.
    assert.equal(await promiseOf(token.rotatesAt), "2026-01-31T00:00:00Z");
    assert.equal(await promiseOf(token.expiresAt), "2026-02-01T00:00:00Z");
    assert.deepEqual(await promiseOf(token.scopes), ["orders:read", "orders:list"]);
    assert.equal(await promiseOf(token.alarmAt), undefined);
    assert.ok(pulumi.Output.isInstance(token.generation));
  });

  it("reports a non-secret summary of its spec to the engine", async () => {
    await build("sum", vaultArgs());
    const component = registrations.find((r) => r.type === SCOPED_TOKEN_TYPE);
    assert.ok(component);
    assert.deepEqual(component.inputs, {
      name: "sum",
      backend: "vault",
      scopes: ["secret/data/ci/*:read,list", "secret/data/shared/config:read"],
      ttl: "31d",
      rotation: { every: "30d", overlap: "1d", anchor: ANCHOR },
      owner: "team-platform",
      purpose: "CI deploy pipeline",
      generation: 0,
      rotatesAt: "2026-01-31T00:00:00Z",
      expiresAt: "2026-02-01T00:00:00Z",
    });
  });

  it("names every child after the component", async () => {
    reset({ now: "2026-01-31T06:00:00Z" });
    await build("first", vaultArgs());
    await build("second", randomArgs());
    await build(
      "third",
      vaultArgs({ vault: { policyName: "tokenguard-tgtest-unit-x" } } as Partial<ScopedTokenArgs>),
    );
    const names = children().map((r) => r.name);
    assert.ok(names.length >= 6);
    for (const name of names) assert.match(name, /^(first|second|third)-/);
  });

  describe("rotation over a pinned clock (every 30d, overlap 1d, generation 1 from 2026-01-31)", () => {
    const cases: [string, string, string[]][] = [
      ["before the boundary", "2026-01-30T23:59:59Z", ["r-g0"]],
      ["at the boundary", "2026-01-31T00:00:00Z", ["r-g0", "r-g1"]],
      ["inside the overlap", "2026-01-31T23:59:59Z", ["r-g0", "r-g1"]],
      ["after the overlap", "2026-02-01T00:00:00Z", ["r-g1"]],
      ["two rotations later", "2026-03-03T00:00:00Z", ["r-g2"]],
    ];
    for (const [label, now, live] of cases) {
      for (const backend of ["vault", "random"] as const) {
        it(`${backend}: ${label} declares ${live.join(" + ")}`, async () => {
          reset({ now });
          const token = await build("r", backend === "vault" ? vaultArgs() : randomArgs());
          const generations = children()
            .filter((r) => /^r-g\d+$/.test(r.name))
            .map((r) => r.name);
          assert.deepEqual(generations, live);
          // Each live vault generation has its canary; random has none unless verify names a URL.
          const probes = children().filter((r) => r.type === VERIFICATION_TYPE);
          assert.deepEqual(
            probes.map((r) => r.name),
            backend === "vault" ? live.map((g) => g.replace("-g", "-verify-g")) : [],
          );
          const current = Number(live[live.length - 1].split("-g")[1]);
          assert.equal(await promiseOf(token.generation), current);
          const previous = await promiseOf(token.previous);
          assert.equal(previous?.generation, live.length === 2 ? current - 1 : undefined);
        });
      }
    }
  });

  describe("refuses bad input at construction, naming the field, creating nothing", () => {
    const bad: [string, Partial<ScopedTokenArgs> | Record<string, unknown>, RegExp][] = [
      ["empty scopes", { scopes: [] }, /scopes: scopes must not be empty/],
      ["wildcard path", { scopes: ["*:read"] }, /scopes\[0\]: path "\*" grants everything/],
      [
        "wildcard capability",
        { scopes: ["secret/data/x:*"] },
        /scopes\[0\]: "\*" is not a capability/,
      ],
      [
        "sudo",
        { scopes: ["secret/data/x:read", "auth/token/create:update,sudo"] },
        /scopes\[1\]: "sudo"/,
      ],
      ["root", { scopes: ["secret/data/x:root"] }, /scopes\[0\]: "root" grants everything/],
      [
        "unknown capability",
        { scopes: ["secret/data/x:write"] },
        /scopes\[0\]: capability "write" is not a Vault capability/,
      ],
      [
        "scope without capabilities",
        { scopes: ["secret/data/x"] },
        /scopes\[0\]: .* has no capabilities/,
      ],
      ["sys path", { scopes: ["sys/mounts:read"] }, /scopes\[0\]: .*reaches "sys\/\*"/],
      ["ttl 0s", { ttl: "0s" }, /ttl "0s" is zero/],
      ["ttl forever", { ttl: "forever" }, /ttl "forever" is not a duration/],
      ["missing ttl", { ttl: undefined }, /ttl is missing/],
      [
        "ttl over the ceiling",
        { ttl: "800h", rotation: { every: "30d", overlap: "1d" } },
        /ttl 33d8h exceeds the ceiling of 32d/,
      ],
      [
        "overlap > every/2",
        { rotation: { every: "10d", overlap: "6d" } },
        /rotation.overlap 6d is more than half/,
      ],
      [
        "ttl < every + overlap",
        { ttl: "30d" },
        /ttl 30d is 1d shorter than rotation.every \+ rotation.overlap/,
      ],
      ["missing rotation", { rotation: undefined }, /rotation is missing/],
      [
        "rotation slower than the ceiling",
        { ttl: "32d", rotation: { every: "31d", overlap: "1d" } },
        /rotation.every 31d is slower than the vault ceiling of 30d/,
      ],
      [
        "rotation without overlap",
        { rotation: { every: "30d" } },
        /rotation.overlap: rotation.overlap is required/,
      ],
      [
        "unknown backend",
        { backend: "ldap" },
        /backend: backend must be one of "vault", "aws-iam", "aws-secret", "random"/,
      ],
      [
        "random label wildcard",
        { backend: "random", scopes: ["orders:*"] },
        /scopes\[0\]: verb "\*" grants every action/,
      ],
      [
        "random too little entropy",
        { backend: "random", scopes: ["orders:read"], random: { bytes: 16 } },
        /random.bytes: 16 is not between 32 and 512/,
      ],
      ["bad policy name", { vault: { policyName: "Root Policy" } }, /vault.policyName/],
      ["owner empty", { owner: "" }, /owner: owner must not be empty/],
    ];
    for (const [label, over, message] of bad) {
      it(label, () => {
        reset();
        assert.throws(
          () => new ScopedToken("bad", vaultArgs(over as Partial<ScopedTokenArgs>)),
          (e: unknown) => {
            assert.ok(e instanceof pulumi.ResourceError, String(e));
            assert.match(e.message, /^ScopedToken "bad" is refused:/);
            assert.match(e.message, message);
            // pulumi up prints the message alone, which names the `new` call instead of a stack.
            assert.equal(e.hideStack, true);
            assert.match(e.message, /\n {2}\(declared at test\/scoped-token\.test\.ts:\d+:\d+\)$/);
            return true;
          },
        );
        assert.deepEqual(registrations, [], "nothing may be registered for a refused token");
      });
    }
  });

  it("warns instead of refusing under tokenguard:enforcement=advisory, and never issues a non-expiring token", async () => {
    reset({ enforcement: "advisory", now: "2026-01-10T00:00:00Z" });
    const wide = new ScopedToken("wide", vaultArgs({ scopes: ["*:read"] }));
    await promiseOf(wide.tokenId);
    assert.deepEqual(
      children().map((r) => r.name),
      ["wide-policy", "wide-g0"],
    );
    reset({ enforcement: "advisory", now: "2026-01-10T00:00:00Z" });
    const endless = new ScopedToken("endless", vaultArgs({ ttl: undefined }));
    await promiseOf(endless.urn);
    assert.equal(registrations.filter((r) => r.type === SCOPED_TOKEN_TYPE).length, 1);
    assert.deepEqual(children(), [], "no credential without a valid lifetime");
  });

  describe("ledger", () => {
    const key = "k".repeat(40);

    it("gives each live generation a ledger entry fed only the token's HMAC fingerprint", async () => {
      reset({
        now: "2026-01-31T06:00:00Z",
        ledger: "/tmp/tokenguard-unit-ledger.jsonl",
        ledgerKey: key,
      });
      for (const args of [vaultArgs(), randomArgs()]) {
        const name = `l-${args.backend}`;
        const token = await build(name, args);
        const previous = await promiseOf(token.previous);
        const entries = registrations.filter(
          (r) => r.type === LEDGER_ENTRY_TYPE && r.name.startsWith(`${name}-`),
        );
        assert.deepEqual(entries.map((r) => r.name).sort(), [
          `${name}-ledger-g0`,
          `${name}-ledger-g1`,
        ]);
        const values = { 0: previous?.value, 1: await promiseOf(token.value) } as Record<
          number,
          string | undefined
        >;
        for (const entry of entries) {
          const g = Number(entry.inputs.generation);
          assert.equal(entry.inputs.fingerprint, fingerprintOf(key, String(values[g])));
          assert.equal(entry.inputs.token, name);
          const text = JSON.stringify(entry.inputs);
          assert.ok(
            !text.includes(String(values[g])),
            "the token never reaches the entry's inputs",
          );
          assert.ok(!text.includes(key), "nor does the ledger key");
        }
      }
    });

    it("fingerprints aws-secret tokens though their value is withheld", async () => {
      reset({
        now: "2026-01-10T00:00:00Z",
        ledger: "/tmp/tokenguard-unit-ledger.jsonl",
        ledgerKey: key,
      });
      const token = new ScopedToken(
        "hook",
        vaultArgs({
          backend: "aws-secret",
          scopes: [{ actions: ["secretsmanager:GetSecretValue"], resources: ["self"] }],
        } as unknown as Partial<ScopedTokenArgs>),
      );
      await promiseOf(pulumi.all([token.urn, token.value]));
      const entry = registrations.find((r) => r.name === "hook-ledger-g0");
      assert.match(String(entry?.inputs.fingerprint), /^[0-9a-f]{64}$/);
    });

    it("refuses to run with a ledger but no key, naming the command that sets one", () => {
      reset({ ledger: "/tmp/tokenguard-unit-ledger.jsonl" });
      assert.throws(
        () => new ScopedToken("nokey", vaultArgs()),
        /pulumi config set --secret tokenguard:ledgerKey/,
      );
    });

    it("declares no ledger entries when no ledger is configured", async () => {
      await build("plain", randomArgs());
      assert.equal(registrations.filter((r) => r.type === LEDGER_ENTRY_TYPE).length, 0);
    });
  });

  it("reads the policy file named by tokenguard:policyFile", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join((await import("node:os")).tmpdir(), "tg-"));
    const file = join(dir, "tokenguard.policy.yaml");
    writeFileSync(file, "backends:\n  vault:\n    maxTtl: 2h\n    maxRotation: 1h\n");
    reset({ policyFile: file });
    assert.throws(
      () => new ScopedToken("p", vaultArgs()),
      /exceeds the ceiling of 2h for the vault backend \(.*tokenguard.policy.yaml\)/,
    );
    reset({ policyFile: file });
    await build("p2", vaultArgs({ ttl: "2h", rotation: { every: "1h", overlap: "30m" } }));
    writeFileSync(join(dir, "broken.yaml"), "backends:\n  vault:\n    maxTtl: soon\n");
    reset({ policyFile: join(dir, "broken.yaml") });
    assert.throws(
      () => new ScopedToken("p3", vaultArgs()),
      /broken.yaml is not a valid tokenguard policy file:\n {2}backends.vault.maxTtl: "soon" is not a duration/,
    );
  });
});
