import { strict as assert } from "node:assert";
import { judgeToken, lifetimeOf } from "../../lib/rules/token-rules";
import { TOKEN_RULES } from "../../lib/rules/catalog";
import { DEFAULT_POLICY, parsePolicyText, resolvePolicy } from "../../lib/schema/policy-file";
import { parseTokenSpec, type TokenDeclaration } from "../../lib/schema/token";
import { goodToken } from "../helpers/fixtures";

const good = goodToken;

function judge(decl: TokenDeclaration, policy = DEFAULT_POLICY) {
  return judgeToken(parseTokenSpec(decl), policy);
}

function rulesOf(decl: TokenDeclaration, policy = DEFAULT_POLICY) {
  return judge(decl, policy).map((f) => `${f.rule} ${f.field}`);
}

describe("rules/token-rules", () => {
  it("accepts the good fixture on every backend", () => {
    assert.deepEqual(judge(good()), []);
    assert.deepEqual(judge(good({ backend: "random", scopes: ["orders:read"] })), []);
    assert.deepEqual(
      judge(
        good({
          backend: "aws-iam",
          scopes: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/p/*"] }],
        }),
      ),
      [],
    );
  });

  describe("token-expiry-required", () => {
    it("flags a missing ttl", () =>
      assert.deepEqual(rulesOf(good({ ttl: undefined })), ["token-expiry-required ttl"]));
    for (const ttl of ["forever", "0s", "never", "-1h"]) {
      it(`flags ttl ${JSON.stringify(ttl)}`, () =>
        assert.deepEqual(rulesOf(good({ ttl })), ["token-expiry-required ttl"]));
    }
  });

  describe("token-max-ttl", () => {
    it("accepts ttl exactly at the vault ceiling (768h)", () => {
      assert.deepEqual(
        rulesOf(good({ ttl: "768h", rotation: { every: "30d", overlap: "1d" } })),
        [],
      );
    });
    it("flags one second over the ceiling, naming the limit and the fix", () => {
      const [f] = judge(good({ ttl: "768h1s" }));
      assert.equal(f.rule, "token-max-ttl");
      assert.match(
        f.message,
        /exceeds the ceiling of 32d for the vault backend \(built-in defaults\); declare ttl <= 32d/,
      );
    });
    it("uses a per-token ceiling from the policy file", () => {
      const policy = resolvePolicy({ tokens: { ci: { maxTtl: "40d" } } }, "p.yaml");
      assert.deepEqual(rulesOf(good({ ttl: "35d" }), policy), []);
      assert.deepEqual(rulesOf(good({ ttl: "41d" }), policy), ["token-max-ttl ttl"]);
    });
    it("uses the policy file's backend ceiling", () => {
      const policy = resolvePolicy(
        { backends: { random: { maxTtl: "7d", maxRotation: "6d" } } },
        "p.yaml",
      );
      const decl = good({
        backend: "random",
        scopes: ["orders:read"],
        ttl: "8d",
        rotation: { every: "6d", overlap: "1d" },
      });
      assert.deepEqual(rulesOf(decl, policy), ["token-max-ttl ttl"]);
    });
  });

  describe("token-rotation-required", () => {
    it("flags missing rotation when the backend requires it", () => {
      assert.deepEqual(rulesOf(good({ rotation: undefined })), [
        "token-rotation-required rotation",
      ]);
    });
    it("lets ttl alone bound life when the policy file says so", () => {
      const policy = resolvePolicy({ defaults: { requireRotation: false } }, "p.yaml");
      assert.deepEqual(rulesOf(good({ rotation: undefined, ttl: "1h" }), policy), []);
      assert.deepEqual(lifetimeOf(parseTokenSpec(good({ rotation: undefined, ttl: "1h" }))), {
        ttl: 3600,
        every: 3600,
        overlap: 0,
      });
    });
    it("accepts every exactly at the ceiling and flags one second more", () => {
      assert.deepEqual(
        rulesOf(good({ ttl: "31d", rotation: { every: "30d", overlap: "1d" } })),
        [],
      );
      assert.deepEqual(rulesOf(good({ ttl: "32d", rotation: { every: "30d1s", overlap: "1d" } })), [
        "token-rotation-required rotation.every",
      ]);
    });
    it("flags overlap above every/2 (and accepts exactly half)", () => {
      assert.deepEqual(
        rulesOf(good({ ttl: "30d", rotation: { every: "20d", overlap: "10d" } })),
        [],
      );
      assert.deepEqual(
        rulesOf(good({ ttl: "31d", rotation: { every: "20d", overlap: "10d1s" } })),
        ["token-rotation-required rotation.overlap"],
      );
    });
    it("flags ttl shorter than every + overlap and says by how much", () => {
      const [f] = judge(good({ ttl: "30d" }));
      assert.equal(f.rule, "token-rotation-required");
      assert.equal(f.field, "ttl");
      assert.match(
        f.message,
        /ttl 30d is 1d shorter than rotation.every \+ rotation.overlap \(31d\)/,
      );
    });
    it("flags unparseable rotation durations and anchors", () => {
      assert.deepEqual(rulesOf(good({ rotation: { every: "monthly", overlap: "1d" } })), [
        "token-rotation-required rotation.every",
      ]);
      assert.deepEqual(rulesOf(good({ rotation: { every: "30d", overlap: "0s" } })), [
        "token-rotation-required rotation.overlap",
      ]);
      assert.deepEqual(
        rulesOf(good({ rotation: { every: "30d", overlap: "1d", anchor: "monday" } })),
        ["token-rotation-required rotation.anchor"],
      );
    });
  });

  describe("token-least-privilege", () => {
    const vault: [string, RegExp][] = [
      ["*:read", /grants everything; name the paths/],
      ["+/data/x:read", /grants everything/],
      ["secret/data/ci/*:*", /name the capabilities/],
      ["secret/data/ci/*:read,sudo", /sudo/],
      ["secret/data/ci/*:root", /root/],
      ["secret/data/ci/*:deny", /leave the path out/],
      ["sys/policies/acl/x:read", /reaches "sys\/\*"/],
      ["sy*:read", /reaches "sys\/\*"/],
    ];
    for (const [scope, why] of vault) {
      it(`flags vault scope ${scope}`, () => {
        const findings = judge(good({ scopes: ["secret/data/ok:read", scope] }));
        assert.deepEqual(
          findings.map((f) => `${f.rule} ${f.field}`),
          findings.map(() => "token-least-privilege scopes[1]"),
        );
        assert.ok(findings.length >= 1);
        assert.ok(
          findings.some((f) => why.test(f.message)),
          findings.map((f) => f.message).join("\n"),
        );
      });
    }
    it("flags random label wildcards", () => {
      assert.deepEqual(rulesOf(good({ backend: "random", scopes: ["orders:*"] })), [
        "token-least-privilege scopes[0]",
      ]);
      assert.deepEqual(rulesOf(good({ backend: "random", scopes: ["*:read"] })), [
        "token-least-privilege scopes[0]",
      ]);
    });
    const aws: [object, RegExp][] = [
      [{ actions: ["*"], resources: ["arn:aws:s3:::b"] }, /grants everything/],
      [{ actions: ["s3:*"], resources: ["arn:aws:s3:::b"] }, /wildcard/],
      [{ actions: ["s3:Get*"], resources: ["arn:aws:s3:::b"] }, /wildcard/],
      [{ actions: ["s3:PutObject"], resources: ["*"] }, /writes, and resources include "\*"/],
      [{ actions: ["iam:PassRole"], resources: ["*"] }, /reaches every role/],
      [{ actions: ["sts:AssumeRole"], resources: ["*"] }, /reaches every role/],
      [
        { actions: ["iam:AttachUserPolicy"], resources: ["arn:aws:iam::123456789012:user/x"] },
        /grant itself more/,
      ],
    ];
    for (const [scope, why] of aws) {
      it(`flags aws scope ${JSON.stringify(scope)}`, () => {
        const findings = judge(good({ backend: "aws-iam", scopes: [scope] }));
        assert.equal(findings.length, 1, JSON.stringify(findings));
        assert.equal(findings[0].rule, "token-least-privilege");
        assert.match(findings[0].message, why);
      });
    }
    it("refuses even read actions on *, unless the policy file allows the action", () => {
      const decl = good({
        backend: "aws-iam",
        scopes: [{ actions: ["ec2:DescribeInstances"], resources: ["*"] }],
      });
      assert.deepEqual(rulesOf(decl), ["token-least-privilege scopes[0]"]);
      assert.match(judge(decl)[0].message, /reads everything; name the ARNs/);
      const policy = resolvePolicy(
        { backends: { "aws-iam": { allowActions: ["ec2:DescribeInstances"] } } },
        "p.yaml",
      );
      assert.deepEqual(rulesOf(decl, policy), []);
    });
    it("allows PassRole on a named role", () => {
      assert.deepEqual(
        rulesOf(
          good({
            backend: "aws-iam",
            scopes: [
              { actions: ["iam:PassRole"], resources: ["arn:aws:iam::123456789012:role/app"] },
            ],
          }),
        ),
        [],
      );
    });
    it("refuses allowActions that name an escalation or a wildcard, naming the field", () => {
      for (const action of ["iam:PassRole", "iam:*", "*", "iam:CreateAccessKey"]) {
        assert.throws(
          () => resolvePolicy({ backends: { "aws-iam": { allowActions: [action] } } }, "p.yaml"),
          /backends\.aws-iam\.allowActions\[0\]: /,
        );
      }
    });
    it("lets the policy file lift the sys/* default and forbid more capabilities", () => {
      const policy = resolvePolicy(
        { backends: { vault: { forbiddenPaths: [], forbiddenCapabilities: ["delete"] } } },
        "p.yaml",
      );
      assert.deepEqual(rulesOf(good({ scopes: ["sys/leases/renew:update"] }), policy), []);
      assert.deepEqual(rulesOf(good({ scopes: ["secret/data/x:delete"] }), policy), [
        "token-least-privilege scopes[0]",
      ]);
    });
    it("keeps the auth-mount tune alias refused when sys/* is lifted (Vault's sys/mounts/auth/<m>/tune needs no sudo)", () => {
      // Vault 1.21.1: sys/auth/token/tune is sudo-only, sys/mounts/auth/token/tune is not, and
      // raising max_lease_ttl there outlives any ttl the token's policy sets.
      const policy = resolvePolicy({ backends: { vault: { forbiddenPaths: [] } } }, "p.yaml");
      for (const scope of [
        "sys/mounts/auth/token/tune:update",
        "sys/mounts/auth/ci/approle/tune:patch",
        "sys/mounts/*:create,read,update",
        "sys/mounts/auth/+/tune:create",
      ]) {
        const [f] = judge(good({ scopes: [scope] }), policy);
        assert.match(f?.message ?? "", /privilege escalation: vault auth-tune/, scope);
      }
      assert.deepEqual(rulesOf(good({ scopes: ["sys/mounts/auth/token/tune:read"] }), policy), []);
      assert.deepEqual(rulesOf(good({ scopes: ["sys/mounts/secret/tune:update"] }), policy), []);
    });
    it("keeps each token inside its allowlist", () => {
      const policy = parsePolicyText(
        `tokens:\n  ci:\n    allowedScopes: ["secret/data/ci/*:read,list", "orders:*"]\n`,
        "tokenguard.policy.yaml",
      );
      assert.deepEqual(rulesOf(good({ scopes: ["secret/data/ci/app:read"] }), policy), []);
      assert.deepEqual(rulesOf(good({ scopes: ["secret/data/ci/app/*:list"] }), policy), []);
      assert.deepEqual(rulesOf(good({ scopes: ["secret/data/ci/app:update"] }), policy), [
        "token-least-privilege scopes[0]",
      ]);
      assert.deepEqual(rulesOf(good({ scopes: ["secret/data/prod/app:read"] }), policy), [
        "token-least-privilege scopes[0]",
      ]);
      assert.deepEqual(rulesOf(good({ backend: "random", scopes: ["orders:read"] }), policy), []);
      assert.deepEqual(rulesOf(good({ backend: "random", scopes: ["users:read"] }), policy), [
        "token-least-privilege scopes[0]",
      ]);
      const [f] = judge(good({ scopes: ["secret/data/prod/app:read"] }), policy);
      assert.match(
        f.message,
        /outside the scopes allowed for token "ci" \(tokenguard.policy.yaml\)/,
      );
    });
  });

  describe("token-ownership", () => {
    it("flags missing owner and purpose, as advisory", () => {
      assert.deepEqual(rulesOf(good({ owner: undefined, purpose: undefined })), [
        "token-ownership owner",
        "token-ownership purpose",
      ]);
      assert.equal(TOKEN_RULES["token-ownership"].level, "advisory");
    });
    it("can be switched off by the policy file", () => {
      const policy = resolvePolicy(
        { defaults: { requireOwner: false, requirePurpose: false } },
        "p.yaml",
      );
      assert.deepEqual(rulesOf(good({ owner: undefined, purpose: undefined }), policy), []);
    });
  });
});
