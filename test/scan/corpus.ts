/**
 * The planted-credential corpus: realistic files with credentials of every class tokenguard
 * must catch, and a look-alike set that must stay silent. Credentials are assembled at run time
 * from prefixes and a seeded PRNG, so this repository holds no credential-shaped literal (other
 * scanners and push protection stay quiet) and every run plants the same values.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";

import { fake, type Fake } from "../../lib/scan/detectors/fake";

export interface Planted {
  /** The credential class (what the issue lists). */
  readonly cls: string;
  /** The rule expected to report it. */
  readonly rule: string;
  readonly file: string;
  /** 1-based line the finding starts on. */
  readonly line: number;
  /** The planted value: used only to prove no output contains it. */
  readonly value: string;
}

export interface Corpus {
  readonly files: Record<string, string>;
  readonly planted: Planted[];
}

/** Seeded PRNG: same corpus every run (the detectors' own fake-value source). */
export const rng = (seed: number): Fake => fake(seed);

export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const B64URL = `${ALNUM}-_`;
export const B64 = `${ALNUM}+/`;
export const HEX = "0123456789abcdef";
export const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/** Generators for one credential of each class; prefixes are split so no literal looks real. */
export function credentialMakers(r: ReturnType<typeof rng>) {
  const p = (...parts: string[]) => parts.join("");
  /** Alphanumerics with at least one upper, lower and digit (like every real token). */
  const mixed = (n: number): string => {
    for (;;) {
      const s = r.pick(ALNUM, n);
      if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s)) return s;
    }
  };
  return {
    awsKeyId: () => p("AK", "IA") + r.pick(B32, 16),
    awsSecret: () => r.pick(B64, 40),
    githubClassic: () => p("gh", "p_") + r.pick(ALNUM, 36),
    githubFineGrained: () => p("github", "_pat_") + r.pick(ALNUM, 22) + "_" + r.pick(ALNUM, 59),
    githubOauth: () => p("gh", "o_") + r.pick(ALNUM, 36),
    githubApp: () => p("gh", "s_") + r.pick(ALNUM, 36),
    gitlab: () => p("gl", "pat-") + r.pick(B64URL, 20),
    gitlabRunner: () => p("gl", "rt-") + r.pick(B64URL, 20),
    slack: () =>
      p("xo", "xb-") +
      r.pick("0123456789", 12) +
      "-" +
      r.pick("0123456789", 13) +
      "-" +
      r.pick(ALNUM, 24),
    stripe: () => p("sk", "_live_") + r.pick(ALNUM, 24),
    vaultService: () => p("hv", "s.") + r.pick(ALNUM, 24),
    vaultServiceLong: () => p("hv", "s.") + "CAESI" + r.pick(B64URL, 86),
    vaultBatch: () => p("hv", "b.") + "AAAAAQ" + r.pick(B64URL, 140),
    vaultLegacy: () => p("s", ".") + mixed(24),
    pulumi: () => p("pu", "l-") + r.pick(HEX, 40),
    npm: () => p("np", "m_") + r.pick(ALNUM, 36),
    google: () => p("AI", "za") + r.pick(B64URL, 35),
    sendgrid: () => p("S", "G.") + r.pick(B64URL, 22) + "." + r.pick(B64URL, 43),
    twilioKey: () => p("S", "K") + r.pick(HEX, 32),
    twilioAuth: () => r.pick(HEX, 32),
    openai: () => p("sk-", "proj-") + r.pick(B64URL, 74) + p("T3Blbk", "FJ") + r.pick(B64URL, 74),
    anthropic: () => p("sk-", "ant-", "api03-") + r.pick(B64URL, 93) + "AA",
    tokenguard: () => p("t", "g_") + r.pick(B64URL, 43),
    password: () => r.pick(ALNUM, 6) + "-" + r.pick(ALNUM, 6) + "!" + r.pick("0123456789", 2),
    generic: () => r.pick(ALNUM, 40),
    django: () => r.pick(`${ALNUM}!@#%^&*(-_=+)`, 50),
    hex64: () => r.pick(HEX, 64),
    uuid: () =>
      `${r.pick(HEX, 8)}-${r.pick(HEX, 4)}-4${r.pick(HEX, 3)}-a${r.pick(HEX, 3)}-${r.pick(HEX, 12)}`,
    b64: (n: number) => r.pick(B64, n),
    upperDigits: (n: number) => r.pick(UPPER_DIGITS, n),
  };
}

/** Builds a file line by line, recording where credentials are planted. */
class FileBuilder {
  readonly lines: string[] = [];
  constructor(
    readonly name: string,
    private readonly planted: Planted[],
  ) {}
  add(...lines: string[]): this {
    for (const l of lines) this.lines.push(...l.split("\n"));
    return this;
  }
  /** Adds `text` (one or more lines) holding `value`, expected from `rule` on its first line. */
  plant(cls: string, rule: string, value: string, text: string): this {
    const first =
      this.lines.length + text.split("\n").findIndex((l) => l.includes(value.split("\n")[0])) + 1;
    this.planted.push({ cls, rule, file: this.name, line: first, value });
    return this.add(text);
  }
  text(): string {
    return `${this.lines.join("\n")}\n`;
  }
}

function pem(label: string, der: Buffer): string {
  const body = der.toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----`;
}

/** Private keys, generated fresh (they are real keys that guard nothing). */
export function privateKeys(r: ReturnType<typeof rng>) {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const ec = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const ed = generateKeyPairSync("ed25519");
  const openssh = Buffer.concat([
    Buffer.from("openssh-key-v1\0none\0none\0", "binary"),
    Buffer.from(r.pick(B64, 300)),
  ]);
  return {
    rsaPkcs1: rsa.privateKey.export({ type: "pkcs1", format: "pem" }).toString().trim(),
    ecSec1: ec.privateKey.export({ type: "sec1", format: "pem" }).toString().trim(),
    ed25519Pkcs8: ed.privateKey.export({ type: "pkcs8", format: "pem" }).toString().trim(),
    openssh: pem(["OPENSSH", "PRIVATE KEY"].join(" "), openssh),
    rsaPublic: rsa.publicKey.export({ type: "spki", format: "pem" }).toString().trim(),
  };
}

/** The planted corpus: every class of the issue in the files where it leaks in practice. */
export function plantedCorpus(seed = 7): Corpus {
  const r = rng(seed);
  const m = credentialMakers(r);
  const keys = privateKeys(r);
  const planted: Planted[] = [];
  const files: FileBuilder[] = [];
  const file = (name: string) => {
    const f = new FileBuilder(name, planted);
    files.push(f);
    return f;
  };

  const keyId = m.awsKeyId();
  const secret = m.awsSecret();
  const gh = m.githubClassic();
  const stripe = m.stripe();
  const pg = m.password();
  file(".env")
    .add("# local development settings", "NODE_ENV=development", "PORT=3000")
    .plant("aws", "aws-access-key-id", keyId, `AWS_ACCESS_KEY_ID=${keyId}`)
    .plant("aws", "aws-secret-access-key", secret, `AWS_SECRET_ACCESS_KEY=${secret}`)
    .add("AWS_REGION=eu-west-1")
    .plant("github-classic", "github-token", gh, `GITHUB_TOKEN=${gh}`)
    .plant("stripe", "stripe-key", stripe, `STRIPE_SECRET_KEY=${stripe}`)
    .plant(
      "url-password",
      "url-password",
      pg,
      `DATABASE_URL=postgres://orders:${pg}@db.internal:5432/orders`,
    );

  const fine = m.githubFineGrained();
  const openai = m.openai();
  const anthropic = m.anthropic();
  const generic = m.generic();
  file("src/config.ts")
    .add('import { Octokit } from "@octokit/rest";', "", "export const config = {")
    .plant("github-fine-grained", "github-token", fine, `  githubToken: "${fine}",`)
    .plant("openai", "openai-api-key", openai, `  openaiKey: "${openai}",`)
    .plant("anthropic", "anthropic-api-key", anthropic, `  anthropicApiKey: '${anthropic}',`)
    .plant("generic", "generic-secret", generic, `  partnerClientSecret: "${generic}",`)
    .add(
      "  region: process.env.REGION,",
      "};",
      "",
      "export const octokit = new Octokit({ auth: config.githubToken });",
    );

  const vault = m.vaultService();
  const pulumi = m.pulumi();
  const bearer = m.generic();
  file("scripts/deploy.sh")
    .add("#!/usr/bin/env bash", "set -euo pipefail", "")
    .plant(
      "vault",
      "vault-token",
      vault,
      `export VAULT_ADDR=https://vault.internal:8200 VAULT_TOKEN=${vault}`,
    )
    .plant("pulumi", "pulumi-access-token", pulumi, `export PULUMI_ACCESS_TOKEN=${pulumi}`)
    .add("pulumi up --yes --stack prod")
    .plant(
      "bearer",
      "authorization-header",
      bearer,
      `curl -fsS -H "Authorization: Bearer ${bearer}" https://deploy.internal/api/notify`,
    );

  const npm = m.npm();
  const slack = m.slack();
  const gitlab = m.gitlab();
  const oauth = m.githubOauth();
  file(".github/workflows/ci.yml")
    .add("name: ci", "on: [push]", "jobs:", "  build:", "    runs-on: ubuntu-latest", "    env:")
    .plant("npm", "npm-token", npm, `      NPM_TOKEN: ${npm}`)
    .plant("slack", "slack-token", slack, `      SLACK_BOT_TOKEN: "${slack}"`)
    .plant("gitlab", "gitlab-token", gitlab, `      GITLAB_TOKEN: ${gitlab}`)
    .plant("github-oauth", "github-token", oauth, `      GH_OAUTH: ${oauth}`)
    .add("    steps:", "      - uses: actions/checkout@v4", "      - run: npm ci && npm test");

  const npmrc = m.npm();
  const npmAuth = m.b64(32);
  file(".npmrc")
    .add("registry=https://registry.npmjs.org/")
    .plant("npm", "npm-token", npmrc, `//registry.npmjs.org/:_authToken=${npmrc}`)
    .plant("npm", "npm-token", npmAuth, `//npm.internal/:_auth=${npmAuth}`)
    .add("always-auth=true");

  file("keys/id_ed25519_deploy").plant("private-key", "private-key", keys.openssh, keys.openssh);
  file("certs/server.key").plant("private-key", "private-key", keys.rsaPkcs1, keys.rsaPkcs1);
  file("certs/signing-ec.pem").plant("private-key", "private-key", keys.ecSec1, keys.ecSec1);
  const sa = JSON.stringify(
    {
      type: "service_account",
      project_id: "orders-prod",
      private_key_id: r.pick(HEX, 40),
      private_key: `${keys.ed25519Pkcs8}\n`,
      client_email: "deployer@orders-prod.iam.gserviceaccount.com",
      client_id: r.pick("0123456789", 21),
    },
    null,
    2,
  );
  const saLines = sa.split("\n");
  const saKeyLine = saLines.findIndex((l) => l.includes('private_key"'));
  const saFile = file("config/service-account.json");
  saFile.add(...saLines.slice(0, saKeyLine));
  saFile.plant(
    "gcp-service-account",
    "gcp-service-account-key",
    keys.ed25519Pkcs8.split("\n")[1],
    saLines[saKeyLine],
  );
  saFile.add(...saLines.slice(saKeyLine + 1));

  const sendgrid = m.sendgrid();
  const twilioKey = m.twilioKey();
  const twilioAuth = m.twilioAuth();
  const google = m.google();
  const django = m.django();
  file("app/settings.py")
    .add("import os", "", "DEBUG = False", 'ALLOWED_HOSTS = ["orders.example.org"]')
    .plant("generic", "generic-secret", django, `SECRET_KEY = "${django}"`)
    .plant("sendgrid", "sendgrid-api-key", sendgrid, `SENDGRID_API_KEY = "${sendgrid}"`)
    .plant("twilio", "twilio-api-key", twilioKey, `TWILIO_API_KEY = "${twilioKey}"`)
    .plant("twilio", "twilio-api-key", twilioAuth, `TWILIO_AUTH_TOKEN = "${twilioAuth}"`)
    .plant("google", "google-api-key", google, `GOOGLE_MAPS_API_KEY = "${google}"`)
    .add('DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}');

  const redis = m.password();
  const mongo = m.password();
  const amqp = m.password();
  file("docker-compose.yml")
    .add("services:", "  api:", "    image: orders-api:1.4.2", "    environment:")
    .plant("url-password", "url-password", redis, `      REDIS_URL: redis://:${redis}@redis:6379/0`)
    .plant(
      "url-password",
      "url-password",
      mongo,
      `      MONGO_URL: mongodb://orders:${mongo}@mongo:27017/orders`,
    )
    .plant(
      "url-password",
      "url-password",
      amqp,
      `      AMQP_URL: amqps://worker:${amqp}@mq.internal:5671/`,
    )
    .add("    ports:", '      - "3000:3000"');

  const cfgToken = m.generic();
  const cfgPassword = m.password();
  file("Pulumi.prod.yaml")
    .add("config:", "  aws:region: eu-west-1", "  orders:replicas: 3")
    .plant(
      "pulumi-config",
      "pulumi-config-plaintext",
      cfgToken,
      `  orders:partnerApiToken: ${cfgToken}`,
    )
    .plant(
      "pulumi-config",
      "pulumi-config-plaintext",
      cfgPassword,
      `  orders:dbPassword: "${cfgPassword}"`,
    )
    .add("  orders:signingKey:", "    secure: v1:" + r.pick(B64, 24) + ":" + r.pick(B64, 60));

  const tg = m.tokenguard();
  const ghApp = m.githubApp();
  file("internal/client/client.go")
    .add("package client", "", 'import "net/http"', "")
    .plant("tokenguard", "tokenguard-token", tg, `const ordersToken = "${tg}"`)
    .plant("github-app", "github-token", ghApp, `var installationToken = "${ghApp}"`)
    .add("", "func New() *http.Client { return &http.Client{} }");

  const legacy = m.vaultLegacy();
  const vaultLong = m.vaultServiceLong();
  const batch = m.vaultBatch();
  file("ops/vault.env")
    .add("VAULT_ADDR=https://vault.internal:8200")
    .plant("vault", "vault-token", legacy, `VAULT_TOKEN=${legacy}`)
    .plant("vault", "vault-token", vaultLong, `VAULT_AGENT_TOKEN=${vaultLong}`)
    .plant("vault", "vault-token", batch, `BATCH_TOKEN=${batch}`);

  const props = m.password();
  const propsKey = m.generic();
  file("src/main/resources/application.properties")
    .add(
      "server.port=8080",
      "spring.datasource.url=jdbc:postgresql://db:5432/orders",
      "spring.datasource.username=orders",
    )
    .plant("generic", "generic-secret", props, `spring.datasource.password=${props}`)
    .plant("generic", "generic-secret", propsKey, `partner.api-key=${propsKey}`);

  const runner = m.gitlabRunner();
  const keyId2 = m.awsKeyId();
  const secret2 = m.awsSecret();
  file("infra/credentials.csv")
    .add("User name,Access key ID,Secret access key")
    .plant("aws", "aws-access-key-id", keyId2, `deployer,${keyId2},${secret2}`);
  planted.push({
    cls: "aws",
    rule: "aws-secret-access-key",
    file: "infra/credentials.csv",
    line: 2,
    value: secret2,
  });
  file(".gitlab-ci.yml")
    .add("stages: [build]", "variables:")
    .plant("gitlab", "gitlab-token", runner, `  RUNNER_TOKEN: "${runner}"`)
    .add("build:", "  script: make");

  return { files: Object.fromEntries(files.map((f) => [f.name, f.text()])), planted };
}

/** Files that look credential-ish but hold none: every one must scan clean. */
export function lookAlikeCorpus(seed = 11): Record<string, string> {
  const r = rng(seed);
  const m = credentialMakers(r);
  const keys = privateKeys(r);
  const p = (...parts: string[]) => parts.join("");
  const awsExampleId = p("AKIA", "IOSFODNN7", "EXAMPLE");
  const awsExampleSecret = p("wJalrXUtnFEMI", "/K7MDENG/", "bPxRfiCY", "EXAMPLEKEY");
  const stripeDocs = p("sk_", "test_", "4eC39HqLyjWDarjtT1zdp7dc");
  const slackDocs = p("xoxb-", "not-a-real-token-", "this-will-not-work");
  const dataUri = `data:image/png;base64,${m.b64(300)}+${p("AK", "IA")}${r.pick(B32, 16)}/${m.b64(200)}==`;
  return {
    "docs/aws-setup.md": [
      "# Configure the AWS CLI",
      "```",
      `aws_access_key_id = ${awsExampleId}`,
      `aws_secret_access_key = ${awsExampleSecret}`,
      "```",
      `Stripe's docs use \`${stripeDocs}\`; Slack's use \`${slackDocs}\`.`,
    ].join("\n"),
    ".env.example": [
      `GITHUB_TOKEN=${p("gh", "p_")}${"x".repeat(36)}`,
      "API_KEY=<your-api-key>",
      `STRIPE_SECRET_KEY=${p("sk", "_live_")}${"X".repeat(24)}`,
      "DATABASE_URL=postgres://user:password@localhost:5432/app",
      "VAULT_TOKEN=changeme",
      "SECRET=********",
      "PASSWORD=",
      "token=your_token_here",
    ].join("\n"),
    ".github/workflows/release.yml": [
      "env:",
      "  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}",
      "  GITHUB_TOKEN: ${{ github.token }}",
      "  VAULT_TOKEN: ${VAULT_TOKEN}",
      "steps:",
      `  - uses: actions/checkout@${r.pick(HEX, 40)}`,
      "  - run: echo //registry.npmjs.org/:_authToken=${NPM_TOKEN} > .npmrc",
    ].join("\n"),
    ".npmrc": ["//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "save-exact=true"].join("\n"),
    "src/client.ts": [
      'import * as pulumi from "@pulumi/pulumi";',
      "const config = new pulumi.Config();",
      'const apiKey = config.requireSecret("apiKey");',
      "const githubToken = process.env.GITHUB_TOKEN;",
      'const tokenTtl = "30d";',
      'const secretName = "prod-db-credentials";',
      'const passwordField = "password";',
      "let password: string;",
      "const max_tokens = 4096;",
      "const token = await fetchToken(scope);",
      "export const ordersToken = orders.value;",
      `const tokenHash = "${m.hex64()}";`,
      `const requestToken = "${m.uuid()}";`,
      `const clientSecretRef = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders-${r.pick(ALNUM, 6)}";`,
      `const mockVault = "${p("hv", "s.")}FAKE${r.pick(HEX, 24)}";`,
      "const auth = { headers: { Authorization: `Bearer ${token}` } };",
      "const secret = pulumi.secret(value);",
      'const TYPES = { accessKey: "aws:iam/accessKey:AccessKey", password: "random:index/randomPassword:RandomPassword" };',
      'export const SIG_SECRET = "1b47061264138c4ac30d75fd1eb44270"; // Pulumi\'s public secret signature',
    ].join("\n"),
    "app/settings.py": [
      'SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]',
      'API_TOKEN = os.getenv("API_TOKEN")',
      `password_hash = "$2b$12$${r.pick(B64.replace("+", "."), 53)}"`,
      `TWILIO_ACCOUNT_SID = "AC${r.pick(HEX, 32)}"`,
      `STRIPE_PUBLISHABLE_KEY = "${p("pk", "_live_")}${r.pick(ALNUM, 24)}"`,
      'GOOGLE_CLIENT_ID = "1234567890-abc123def456.apps.googleusercontent.com"',
    ].join("\n"),
    "package-lock.json": JSON.stringify(
      {
        name: "orders",
        lockfileVersion: 3,
        packages: {
          "node_modules/left-pad": {
            version: "1.3.0",
            resolved: "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
            integrity: `sha512-${m.b64(86)}==`,
          },
        },
      },
      null,
      2,
    ),
    "go.sum": `golang.org/x/crypto v0.31.0 h1:${m.b64(43)}=\ngolang.org/x/crypto v0.31.0/go.mod h1:${m.b64(43)}=`,
    Dockerfile: `FROM node:22-alpine@sha256:${m.hex64()}\nARG NPM_TOKEN\nRUN echo "token=$NPM_TOKEN"`,
    "checksums.txt": `${m.hex64()}  tokenguard-linux-amd64.tar.gz\nchecksum: sha256:${m.hex64()}`,
    "web/index.html": `<img alt="logo" src="${dataUri}">\n<a href="https://github.com/acme/orders">repo</a>`,
    "certs/server.pub": keys.rsaPublic,
    "docker-compose.yml": [
      "services:",
      "  db:",
      "    environment:",
      "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}",
      "      DATABASE_URL: postgres://postgres:postgres@localhost:5432/test",
      "      CACHE_URL: redis://cache:6379/0",
      "      REPO: https://deploy@github.com/acme/orders.git",
    ].join("\n"),
    "Pulumi.dev.yaml": [
      "config:",
      "  aws:region: eu-west-1",
      "  orders:apiToken:",
      `    secure: v1:${r.pick(B64, 24)}:${r.pick(B64, 60)}`,
      "  orders:tokenTtl: 1h",
      "  orders:tokenOwner: team-orders",
      "  orders:dbPassword: ${DB_PASSWORD}",
      "  tokenguard:policyFile: tokenguard.policy.yaml",
    ].join("\n"),
    "k8s/deployment.yaml": [
      "env:",
      "  - name: API_TOKEN",
      "    valueFrom:",
      "      secretKeyRef:",
      "        name: orders-api",
      "        key: token",
      `  - name: REQUEST_ID`,
      `    value: "${m.uuid()}"`,
    ].join("\n"),
    "test/fixtures/allowed.env": [
      `# a revoked token kept for a regression test  tokenguard:allow`,
      `OLD_TOKEN=${m.githubClassic()}`,
      `LEGACY_TOKEN=${m.generic()} # tokenguard:allow generic-secret`,
    ].join("\n"),
    "README.md": [
      "Set `GITHUB_TOKEN` in the environment; never write `ghp_…` tokens into files.",
      "Connection strings look like `postgres://<user>:<password>@<host>/<db>`.",
      "A Vault token starts with `hvs.`; tokenguard tokens start with `tg_`.",
    ].join("\n"),
  };
}

/** Writes a corpus's files under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}
