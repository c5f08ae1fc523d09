/**
 * The pack through its real analyzer: started as the engine starts it (run-policy-pack, cwd = the
 * pack directory) and driven over gRPC with GetAnalyzerInfo, Configure, Analyze and AnalyzeStack.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { AnalyzerClient, UNKNOWN, type Violation } from "../../lib/check/analyzer-client";
import { captureStack } from "../../lib/check/check";
import type { EngineResource } from "../../lib/check/engine-view";
import { loadProject } from "../../lib/check/project";
import { RAW_RULES, RULES, TOKEN_RULES } from "../../lib/rules/catalog";
import { SCOPED_TOKEN_TYPE } from "../../lib/rules/ownership";
import { PROJECT, STACK } from "../helpers/mocks";
import { PACK_DIR } from "./harness";
import { goodSummary } from "../helpers/fixtures";

const ROOT = path.resolve(__dirname, "../..");
const STACK_POLICIES = [
  "vault-policy-name-unique",
  "aws-access-key-rotation",
  "aws-iam-least-privilege",
  "aws-secret-rotation",
];

const summary = goodSummary;

/**
 * Runs a project's program in a fresh process under the mocks (lib/check, the one capture
 * implementation) with extra `tokenguard:` config, and returns what the engine would analyze.
 */
async function captureProgram(dir: string, config: Record<string, string>) {
  const project = loadProject(path.join(ROOT, dir));
  const extra = Object.fromEntries(Object.entries(config).map(([k, v]) => [`tokenguard:${k}`, v]));
  const view = await captureStack({ ...project, config: { ...project.config, ...extra } });
  return view.resources;
}

/** `policy: message` lines, without the policy description the SDK puts first. */
const lines = (vs: readonly Violation[]) =>
  vs.map((v) => `${v.policy} [${v.level}]: ${v.message.split("\n").slice(1).join(" ")}`);

describe("policy pack over gRPC (run-policy-pack, as the engine starts it)", function () {
  this.timeout(180_000);
  let pack: AnalyzerClient;
  let startMs: number;

  before(async () => {
    const t0 = Date.now();
    pack = await AnalyzerClient.start(PACK_DIR, {
      project: PROJECT,
      stack: STACK,
      projectDir: ROOT,
      config: { "tokenguard:enforcement": "advisory" },
    });
    startMs = Date.now() - t0;
    await pack.configure();
  });
  after(async () => {
    if (pack) await pack.stop();
  });

  it("serves every catalog rule with its level, severity, remediation and config schema", async () => {
    const info = await pack.info();
    assert.equal(info.name, "tokenguard");
    assert.equal(info.version, "0.1.0");
    assert.deepEqual(
      info.policies.map((p) => p.name),
      Object.keys(RULES),
    );
    for (const p of info.policies) {
      const rule = RULES[p.name as keyof typeof RULES];
      assert.equal(p.level, rule.level, p.name);
      assert.equal(p.severity, rule.severity, p.name);
      assert.equal(p.description, rule.description, p.name);
      assert.equal(p.remediationSteps, rule.remediation, p.name);
      assert.equal(p.type, STACK_POLICIES.includes(p.name) ? "stack" : "resource", p.name);
    }
    const schema = (name: string) => info.policies.find((p) => p.name === name)?.configSchema;
    for (const name of Object.keys(TOKEN_RULES)) {
      assert.deepEqual(Object.keys(schema(name)?.properties ?? {}).sort(), [
        "policy",
        "policyFile",
      ]);
    }
    assert.deepEqual(schema("random-token-strength")?.properties.minBytes, {
      type: "integer",
      minimum: 16,
      default: 32,
      description: "Least entropy, in bytes, of a generated token.",
    });
    assert.deepEqual(schema("aws-iam-least-privilege")?.properties.allowActions.default, []);
    assert.equal(schema("vault-token-orphan"), undefined);
    console.log(`      (pack start to first port: ${startMs} ms)`);
  });

  it("reports each token rule on a ScopedToken summary, at the boundary and past it", async () => {
    const analyze = (props: object) =>
      pack.analyze({
        type: SCOPED_TOKEN_TYPE,
        name: "ci",
        props: props as Record<string, unknown>,
      });
    assert.deepEqual(await analyze(summary({ ttl: "768h" })), []);
    assert.deepEqual(lines(await analyze(summary({ ttl: "768h1s" }))), [
      "token-max-ttl [mandatory]: ttl 32d1s exceeds the ceiling of 32d for the vault backend (built-in defaults); declare ttl <= 32d",
    ]);
    assert.deepEqual(
      lines(
        await analyze(
          summary({
            ttl: undefined,
            rotation: undefined,
            owner: undefined,
            scopes: ["sys/*:sudo"],
          }),
        ),
      ),
      [
        'token-expiry-required [mandatory]: ttl is missing: a token must expire; declare ttl, e.g. "1h"',
        'token-rotation-required [mandatory]: rotation is missing and vault tokens must rotate (built-in defaults); declare rotation: { every: "30d", overlap: "1d" }',
        'token-least-privilege [mandatory]: scopes[0]: "sudo" opens root-protected paths; tokenguard never grants it',
        'token-least-privilege [mandatory]: scopes[0]: path "sys/*" reaches "sys/*", which no token may reach; narrow the path',
        'token-ownership [advisory]: owner is missing: name who answers for this token, e.g. owner: "team-platform"',
        "token-verified [advisory]: no declared scope grants read or list, so the probe has no request to make without side effects: new credentials go unverified; add a read or list scope, or declare verify: false to say so",
      ],
    );
  });

  it("turns a value unknown at preview into an advisory notice, not a crash", async () => {
    const vs = await pack.analyze({
      type: SCOPED_TOKEN_TYPE,
      name: "ci",
      props: summary({ ttl: UNKNOWN }),
    });
    assert.ok(vs.length > 0);
    for (const v of vs) {
      assert.equal(v.level, "advisory");
      assert.match(
        v.message,
        /can't run policy '.*' from policy pack 'tokenguard@v0.1.0' during preview: string value at .ttl can't be known during preview/,
      );
    }
  });

  it("reports raw Vault and random resources", async () => {
    assert.deepEqual(
      lines(
        await pack.analyze({
          type: "vault:index/token:Token",
          name: "t",
          props: { policies: ["root"], renewable: true, noParent: true },
        }),
      ),
      [
        "vault-token-must-expire [mandatory]: neither ttl nor explicitMaxTtl is set: the token lives as long as the mount allows; set explicitMaxTtl <= 32d and renewable: false",
        'vault-no-root-policies [mandatory]: policies[0] is "root", which grants everything and never expires; attach a least-privilege policy instead',
        "vault-token-orphan [advisory]: noParent: true makes an orphan token: revoking the token that created it leaves this one valid; remove noParent or declare the token with ScopedToken",
      ],
    );
    assert.deepEqual(
      lines(
        await pack.analyze({
          type: "random:index/randomBytes:RandomBytes",
          name: "api-token",
          props: { length: 16 },
        }),
      ),
      [
        "random-token-strength [mandatory]: length 16 gives 16 bytes of entropy, below 32; set length >= 32",
      ],
    );
  });

  it("reports raw AWS resources on AnalyzeStack, on the resource at fault", async () => {
    const user = { type: "aws:iam/user:User", name: "bot", props: { name: "bot" } };
    const userUrn = pack.urnFor(user);
    const key = {
      type: "aws:iam/accessKey:AccessKey",
      name: "bot-key",
      props: { user: "bot" },
      propertyDependencies: { user: [userUrn] },
    };
    const policy = {
      type: "aws:iam/userPolicy:UserPolicy",
      name: "bot-policy",
      props: {
        user: "bot",
        policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }),
      },
    };
    const vs = await pack.analyzeStack([user, key, policy]);
    assert.deepEqual(
      vs.map((v) => [v.policy, v.level, v.urn]),
      [
        ["aws-access-key-rotation", "mandatory", pack.urnFor(key)],
        ["aws-iam-least-privilege", "mandatory", pack.urnFor(policy)],
      ],
    );
    assert.match(
      vs[1].message,
      /inline policy attached to a token principal \(user\): Statement\[0\]: action "\*" grants everything/,
    );
  });

  it("applies the policy file given through Configure, and levels from config", async () => {
    try {
      await pack.configure({
        "token-max-ttl": { policy: { backends: { vault: { maxTtl: "7d", maxRotation: "3d" } } } },
        "token-ownership": "disabled",
        "vault-token-orphan": "mandatory",
      });
      const vs = await pack.analyze({
        type: SCOPED_TOKEN_TYPE,
        name: "ci",
        props: summary({ owner: undefined }),
      });
      assert.deepEqual(lines(vs), [
        "token-max-ttl [mandatory]: ttl 31d exceeds the ceiling of 7d for the vault backend (policy pack config `policy`); declare ttl <= 7d",
      ]);
      const orphan = await pack.analyze({
        type: "vault:index/token:Token",
        name: "t",
        props: { explicitMaxTtl: "1h", noParent: true },
      });
      assert.deepEqual(
        orphan.map((v) => [v.policy, v.level]),
        [["vault-token-orphan", "mandatory"]],
      );
    } finally {
      await pack.configure();
    }
  });

  describe("stacks built with ScopedToken pass cleanly (children never trip a raw rule)", () => {
    const judgeAll = async (resources: readonly EngineResource[]) => {
      const each = await Promise.all(
        resources.filter((r) => r.analyze).map((r) => pack.analyze(r)),
      );
      const outputs = resources.map((r) => ({ ...r, props: r.outputs }));
      return [...each.flat(), ...(await pack.analyzeStack(outputs))];
    };

    it("the quickstart", async () => {
      const resources = await captureProgram(".", { now: "2026-01-31T06:00:00Z" });
      assert.ok(resources.some((r) => r.type === SCOPED_TOKEN_TYPE));
      assert.ok(resources.some((r) => r.type.startsWith("random:index/") && r.parent));
      assert.deepEqual(lines(await judgeAll(resources)), []);
    });

    it("examples/vault-ci-token, with its policy file", async () => {
      const policyFile = path.join(ROOT, "examples/vault-ci-token/tokenguard.policy.yaml");
      const resources = await captureProgram("examples/vault-ci-token", {
        now: "2026-01-31T06:00:00Z",
        policyFile,
      });
      assert.ok(resources.some((r) => r.type === "vault:index/token:Token"));
      assert.ok(resources.some((r) => r.type === "vault:index/policy:Policy"));
      try {
        const config = Object.fromEntries(
          (await pack.info()).policies
            .filter((p) => p.configSchema?.properties.policyFile)
            .map((p) => [p.name, { policyFile }]),
        );
        await pack.configure(config);
        assert.deepEqual(lines(await judgeAll(resources)), []);
      } finally {
        await pack.configure();
      }
    });
  });

  it("examples/bad-tokens breaks every mandatory rule", async () => {
    const resources = await captureProgram("examples/bad-tokens", { now: "2026-01-31T06:00:00Z" });
    const each = await Promise.all(resources.filter((r) => r.analyze).map((r) => pack.analyze(r)));
    const outputs = resources.map((r) => ({ ...r, props: r.outputs }));
    const vs = [...each.flat(), ...(await pack.analyzeStack(outputs))];
    const mandatory = Object.entries(RULES)
      .filter(([, r]) => r.level === "mandatory")
      .map(([n]) => n);
    for (const rule of mandatory) {
      assert.ok(
        vs.some((v) => v.policy === rule && v.level === "mandatory"),
        `${rule} did not fire:\n${lines(vs).join("\n")}`,
      );
    }
    for (const rule of Object.keys(RAW_RULES))
      assert.ok(
        vs.some((v) => v.policy === rule),
        rule,
      );
  });
});
