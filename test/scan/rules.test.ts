import { strict as assert } from "node:assert";
import { rules as presetRules } from "@secretlint/secretlint-rule-preset-recommend";
import { detect, resolveOverlaps, type Detection } from "../../lib/scan/detect";
import { allowedInline, fingerprint, LineIndex } from "../../lib/scan/findings";
import {
  credentialKind,
  entropy,
  insideBase64Blob,
  isHashNotation,
  isPlaceholder,
  isReference,
  plausibleSecret,
} from "../../lib/scan/noise";
import { SCAN_RULES, SECRETLINT_MAP, SECRETLINT_REPLACED, scanRule } from "../../lib/scan/rules";
import { scanContent } from "../../lib/scan/scanner";
import { credentialMakers, rng } from "./corpus";

describe("scan: the rule table", () => {
  it("has unique ids, a description, a remediation and a severity for every rule", () => {
    const ids = SCAN_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of SCAN_RULES) {
      assert.match(r.id, /^[a-z0-9-]+$/);
      assert.ok(r.description.length > 20 && r.remediation.length > 10, r.id);
      assert.ok(["critical", "high", "medium", "low"].includes(r.severity), r.id);
    }
  });

  it("maps every message of every secretlint preset rule it runs onto a rule of the table", () => {
    const unmapped: string[] = [];
    for (const rule of presetRules) {
      if (rule.meta.id in SECRETLINT_REPLACED) continue;
      if (rule.meta.id.endsWith("filter-comments")) continue; // a filter, it reports nothing
      for (const messageId of Object.keys(rule.messages ?? {})) {
        if (!SECRETLINT_MAP.has(`${rule.meta.id}#${messageId}`))
          unmapped.push(`${rule.meta.id}#${messageId}`);
      }
    }
    assert.deepEqual(unmapped, []);
  });

  it("has a detector (own or secretlint) for every class except the structural ones", () => {
    for (const r of SCAN_RULES) {
      if (r.structural || r.id === "secretlint-other") continue;
      assert.ok((r.detectors?.length ?? 0) + (r.secretlint?.length ?? 0) > 0, r.id);
    }
  });
});

describe("scan: detectors", () => {
  const m = credentialMakers(rng(3));
  const cases: [string, string, string][] = [
    ["aws-access-key-id", "key_id", m.awsKeyId()],
    ["github-token", "token", m.githubClassic()],
    ["github-token", "token", m.githubFineGrained()],
    ["gitlab-token", "token", m.gitlabRunner()],
    ["slack-token", "token", m.slack()],
    ["stripe-key", "key", m.stripe()],
    ["vault-token", "vault_token", m.vaultService()],
    ["vault-token", "vault_token", m.vaultBatch()],
    ["vault-token", "vault_token", m.vaultLegacy()],
    ["pulumi-access-token", "x", m.pulumi()],
    ["npm-token", "x", m.npm()],
    ["google-api-key", "x", m.google()],
    ["sendgrid-api-key", "x", m.sendgrid()],
    ["twilio-api-key", "x", m.twilioKey()],
    ["openai-api-key", "x", m.openai()],
    ["anthropic-api-key", "x", m.anthropic()],
    ["tokenguard-token", "x", m.tokenguard()],
  ];
  for (const [rule, name, value] of cases) {
    it(`${rule}: finds ${value.slice(0, 6)}… in quotes, exactly`, async () => {
      const text = `const ${name} = "${value}";\n`;
      const found = await detect(text, "src/app.ts");
      assert.deepEqual(
        found.map((d) => [d.rule.id, text.slice(d.start, d.end)]),
        [[rule, value]],
      );
    });
  }

  it("legacy s. Vault tokens need Vault or token context on the line", async () => {
    const legacy = m.vaultLegacy();
    assert.equal((await detect(`VAULT_TOKEN=${legacy}\n`, ".env")).length, 1);
    assert.equal((await detect(`value=${legacy}\n`, ".env")).length, 0);
  });

  it("an AWS secret key needs a secret-key name or an access key ID nearby", async () => {
    const secret = m.awsSecret();
    assert.equal((await detect(`blob=${secret}\n`, ".env")).length, 0);
    const paired = await detect(`id=${m.awsKeyId()}\nsecret_value=${secret}\n`, ".env");
    assert.deepEqual(paired.map((d) => d.rule.id).sort(), [
      "aws-access-key-id",
      "aws-secret-access-key",
    ]);
  });

  it("generic: unquoted right-hand sides are literals in env files but expressions in code", async () => {
    const value = m.generic();
    assert.equal((await detect(`API_TOKEN=${value}\n`, "deploy.env")).length, 1);
    assert.equal((await detect(`apiToken = ${value}\n`, "src/app.ts")).length, 0);
    assert.equal((await detect(`apiToken = "${value}"\n`, "src/app.ts")).length, 1);
  });

  it("generic: Pulumi URNs are not assignments (`…-token::type::name` seen in real state)", async () => {
    for (const urn of [
      "urn:pulumi:e2e-3fa9c1d2::tokenguard-vault-ci-token::tokenguard:index:ScopedToken::ci-deploy",
      "urn:pulumi:prod::api-token::tokenguard:index:ScopedToken$random:index/randomPassword:RandomPassword::api-token-g3",
    ]) {
      assert.deepEqual(await detect(`tokenUrn: ${urn}`, "state.yaml"), [], urn);
    }
  });

  it("URL passwords: reported, unless a placeholder, a reference or the user name again", async () => {
    const pw = m.password();
    assert.equal((await detect(`u=redis://:${pw}@cache:6379\n`, "x.env")).length, 1);
    for (const url of [
      "postgres://postgres:postgres@localhost/db",
      "postgres://app:${DB_PASSWORD}@db/app",
      "https://user:password@example.org/",
      "postgres://db:5432/orders",
    ]) {
      assert.deepEqual(await detect(`u=${url}\n`, "x.env"), [], url);
    }
  });

  it("a token inside a base64 blob is chance, not a leak", async () => {
    const id = m.awsKeyId();
    const blob = `${m.b64(200)}+${id}/${m.b64(200)}`;
    assert.deepEqual(await detect(`img=data:image/png;base64,${blob}\n`, "x.html"), []);
    assert.equal((await detect(`key=${id}\n`, "x.env")).length, 1);
  });

  it("the same secret in another file or place has the same fingerprint; another rule does not", () => {
    assert.equal(fingerprint("github-token", "abc"), fingerprint("github-token", "abc"));
    assert.notEqual(fingerprint("github-token", "abc"), fingerprint("generic-secret", "abc"));
    assert.notEqual(fingerprint("github-token", "abc"), fingerprint("github-token", "abd"));
    assert.match(fingerprint("x", "y"), /^[0-9a-f]{32}$/);
  });
});

describe("scan: private keys", () => {
  /** A PEM block around a body of random base64 (64-character lines), with `inside` spliced in. */
  function pemWith(inside: string): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const random = rng(11).pick(alphabet, 1600);
    const body = `${random.slice(0, 700)}${inside}${random.slice(700)}`.replace(/.{1,64}/g, "$&\n");
    return `-----BEGIN RSA PRIVATE KEY-----\n${body}-----END RSA PRIVATE KEY-----\n`;
  }

  it("reports a key whose random body happens to spell a placeholder word", async () => {
    // About 1 RSA key in 200 contains "fake", "todo" or "xxxx" by chance: once, these were missed.
    for (const word of ["fake", "ToDo", "xxxx", "Dummy", "lorem"]) {
      const findings = await scanContent(pemWith(word), "certs/server.key");
      assert.deepEqual(
        findings.map((f) => f.rule),
        ["private-key"],
        `a key containing "${word}"`,
      );
    }
  });

  it("stays silent on placeholder key blocks", async () => {
    for (const body of [
      "REDACTED-REDACTED-REDACTED-REDACTED-REDACTED-REDACTED",
      "x".repeat(64),
      "your-key-here-your-key-here-your-key-here-your-key-here",
    ]) {
      const text = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
      assert.deepEqual(await scanContent(text, "README.md"), [], body);
    }
  });
});

describe("scan: overlap resolution", () => {
  const d = (
    rule: string,
    start: number,
    end: number,
    engine: Detection["engine"] = "tokenguard",
  ): Detection => ({
    rule: scanRule(rule),
    start,
    end,
    secret: "s",
    engine,
  });
  it("keeps the rule earlier in the table, and tokenguard's own detector within a rule", () => {
    const kept = resolveOverlaps([
      d("generic-secret", 0, 40),
      d("github-token", 5, 45),
      d("github-token", 5, 45, "secretlint"),
      d("url-password", 50, 60),
    ]);
    assert.deepEqual(
      kept.map((k) => [k.rule.id, k.engine, k.start]),
      [
        ["github-token", "tokenguard", 5],
        ["url-password", "tokenguard", 50],
      ],
    );
  });
});

describe("scan: noise", () => {
  it("names: the last word decides", () => {
    for (const name of [
      "apiToken",
      "DB_PASSWORD",
      "client_secret",
      "AWS_SECRET_ACCESS_KEY",
      "orders:partnerApiToken",
      "api-key",
      "GITHUB_PAT",
      "password_prod",
      "db_pass_secure",
      "API_TOKEN_STAGING",
      "aws_key",
      "cloudant_pw",
    ]) {
      assert.ok(credentialKind(name), name);
    }
    for (const name of [
      "tokenTtl",
      "secretName",
      "password_hash",
      "public_key",
      "tokenizer",
      "max_tokens",
      "key",
      "monkey",
      "token_id",
      "password_policy",
      "token_endpoint",
      "aws_region",
      "pw_length",
    ]) {
      assert.equal(credentialKind(name), undefined, name);
    }
  });

  it("placeholders, references and hash notations", () => {
    for (const v of [
      "changeme",
      "<your-token>",
      "xxxxxxxxxxxx",
      "AKIAIOSFODNN7EXAMPLE",
      "********",
      "your_api_key_here",
    ]) {
      assert.ok(isPlaceholder(v), v);
    }
    for (const v of [
      "${TOKEN}",
      "$TOKEN",
      "{{ secrets.X }}",
      "process.env.X",
      "%TOKEN%",
      "arn:aws:secretsmanager:x",
      "$$DB_PASSWORD",
      "$APP_BASE_URL/account/reset",
      "{NPM_TOKEN}",
      "orders_{}",
      "orders_{0}",
    ]) {
      assert.ok(isReference(v), v);
    }
    for (const v of ["sha512-abc", "sha256:abc", "$2b$12$abcdefghijk", "h1:abc="])
      assert.ok(isHashNotation(v), v);
  });

  it("plausible secrets need entropy (tokens) or mixed characters (passwords)", () => {
    assert.ok(plausibleSecret("q8Vd2LmX0pRt7ZsKw3Yb", "token"));
    assert.ok(!plausibleSecret("prod-db-credentials", "token"));
    assert.ok(!plausibleSecret("123e4567-e89b-42d3-a456-426614174000", "token"));
    assert.ok(plausibleSecret("Tr0ub4dor&3", "password"));
    assert.ok(!plausibleSecret("password", "password"));
    assert.ok(entropy("aaaa") === 0 && entropy("abcd") === 2);
  });

  it("base64 blob detection looks at the run around the match", () => {
    const text = `x ${"A".repeat(30)}TOKEN${"B".repeat(30)} y`;
    const at = text.indexOf("TOKEN");
    assert.ok(insideBase64Blob(text, at, at + 5));
    assert.ok(!insideBase64Blob("x TOKEN y", 2, 7));
  });
});

describe("scan: inline allow comments", () => {
  const lines = new LineIndex(
    [
      "a = 1 # tokenguard:allow",
      "# tokenguard:allow generic-secret",
      "b = 2",
      "c = 3 // tokenguard:allow url-password",
      "d = 4",
    ].join("\n"),
  );
  it("cover the same line, or the line below a comment, for the named rules only", () => {
    assert.ok(allowedInline(lines, 1, "github-token"));
    assert.ok(allowedInline(lines, 3, "generic-secret"));
    assert.ok(!allowedInline(lines, 3, "github-token"));
    assert.ok(allowedInline(lines, 4, "url-password"));
    assert.ok(!allowedInline(lines, 4, "generic-secret"));
    // a trailing allow on a code line does not cover the next line
    assert.ok(!allowedInline(lines, 5, "url-password"));
  });

  it("silence a credential in a scanned file, and only where they stand", async () => {
    const m = credentialMakers(rng(5));
    const [a, b, c] = [m.githubClassic(), m.githubClassic(), m.generic()];
    const text = [
      `A=${a}`,
      "# tokenguard:allow",
      `B=${b}`,
      `C_TOKEN=${c} # tokenguard:allow github-token`,
    ].join("\n");
    const findings = await scanContent(text, "x.env");
    assert.deepEqual(
      findings.map((f) => [f.line, f.rule]),
      [
        [1, "github-token"],
        [4, "generic-secret"],
      ],
    );
  });
});
