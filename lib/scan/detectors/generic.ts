/**
 * The vendor-neutral rule: a high-entropy literal given to a name whose last word says it is a
 * credential (token, secret, password, api key, …), in the shapes assignments take across file
 * types: `name = "v"`, `name: v`, `name := "v"`, `name ?= v`, `"name" => "v"`,
 * `setProperty("NAME", "v")`, `<nameToken>v</nameToken>`. Cases follow the assignment shapes of
 * gitleaks' utils.GenerateSampleSecrets and its rules/generic.go, with our own values.
 */
import { credentialKind, plausibleSecret } from "../noise";
import { isPublicWebKey } from "./aws-google";
import { NAME_VALUE_DETECTORS } from "./pairs";
import { CODE_FILE, ROTATE, type Detector, type MatchContext, type ScanRule } from "./kit";

/**
 * The longest value read: long enough for an STS session token (hundreds to over a thousand base64
 * characters), so a long token is read whole rather than cut and then taken for part of a blob.
 */
const MAX = 2048;

const WORD = "(?:token|secret|passw(?:or)?d|pwd|pass|passphrase|credentials?|key|pat|pw)";

/** The credential kind of the name ending at the match (read backwards from the word). */
function kindAt(ctx: MatchContext) {
  let head = ctx.matchStart;
  while (head > 0 && /[A-Za-z0-9_.-]/.test(ctx.content[head - 1])) head--;
  const name = ctx.content.slice(head, ctx.matchStart) + (ctx.groups.tail ?? "");
  // A name written in words: "license key = …", "API key: …" (the word before qualifies it).
  const before = /(?:^|[^A-Za-z])([A-Za-z]+)[ \t]$/.exec(
    ctx.content.slice(Math.max(0, head - 30), head),
  );
  if (before && /^key$/i.test(name)) return credentialKind(`${before[1]} ${name}`);
  return credentialKind(name);
}

const ASSIGN = "=|:{1,3}=|\\?=|\\.=|:(?!:)|=>";
/** A hard-coded comparison (`if (api_key == "…")`) holds the credential as surely as `=`. */
const COMPARE = "={2,3}|!={1,2}";

/**
 * `name = value` and its kin (`:`, `:=`, `?=`, `.=`, `=>`, and `ops` besides), the value shaped by
 * `value`. The name may index an array (C's `secret[] = "…"`).
 */
function assignment(value: string, ops = ASSIGN): Detector {
  return {
    pattern: new RegExp(
      `(?<tail>${WORD}[A-Za-z0-9_]{0,64})(?:\\[\\d*\\])?(?:["']\\]?|\\])?[ \\t]*(?:${ops})[ \\t]*${value}`,
      "gi",
    ),
    keywords: ["token", "secret", "pass", "pwd", "credential", "key", "pat", "pw"],
    validate: (secret, ctx) => {
      const kind = kindAt(ctx);
      if (kind === undefined) return false;
      const quoted = (ctx.groups.quote ?? "") !== "";
      // In code an unquoted right-hand side is an expression, not a literal.
      if (!quoted && CODE_FILE.test(ctx.file)) return false;
      if (isPublicWebKey(secret, ctx)) return false;
      return plausibleSecret(quoted ? secret : secret.replace(/[;,)\]}]+$/, ""), kind);
    },
  };
}

export const GENERIC_RULE: ScanRule = {
  id: "generic-secret",
  title: "Credential assigned to a credential-like name",
  description:
    "A high-entropy literal assigned to a name whose last word is token, secret, password, api key, …: the shape of a hard-coded credential whatever the vendor.",
  severity: "medium",
  remediation: `Read the value from the environment or a secret store (Pulumi: a secret config value or a ScopedToken output). ${ROTATE}`,
  detectors: [
    // Starts at the credential word (a literal scan is fast); the rest of the name is read
    // backwards from there by the validator.
    // Quoted, also compared (`==`, `!==`) and as Objective-C / C# `@"…"` literals.
    assignment(
      `@?(?<quote>["'\`])(?<secret>[^\\s"'\`\\\\]{8,${MAX}})\\k<quote>`,
      `${COMPARE}|${ASSIGN}`,
    ),
    // Unquoted, the value ends where a connection string's next field starts (`;Name=`).
    assignment(`(?!["'\`])(?<secret>(?:[^\\s"'\`\\\\;]|;(?![A-Za-z][A-Za-z0-9 ]*=)){8,${MAX}})`),
    {
      // The comparison written the other way round: if ("…" !== password).
      pattern: new RegExp(
        `(?<quote>["'])(?<secret>[^\\s"'\\\\]{8,${MAX}})\\k<quote>[ \\t]*(?:${COMPARE})[ \\t]*(?<name>[A-Za-z_][A-Za-z0-9_.]*)`,
        "g",
      ),
      keywords: ["token", "secret", "pass", "pwd", "credential", "key", "pw"],
      validate: (secret, ctx) => {
        const kind = credentialKind(ctx.groups.name ?? "");
        return kind !== undefined && plausibleSecret(secret, kind);
      },
    },
    {
      // A name and a value as two quoted arguments: setProperty("API_TOKEN", "…"), env("X", "…").
      pattern: new RegExp(
        `(?<tail>${WORD}[A-Za-z0-9_]{0,64})(?<q1>["'])[ \\t]*,[ \\t]*(?<quote>["'])(?<secret>[^\\s"'\\\\]{8,${MAX}})\\k<quote>`,
        "gi",
      ),
      keywords: ["token", "secret", "pass", "pwd", "credential", "key"],
      validate: (secret, ctx) => {
        const kind = kindAt(ctx);
        return kind !== undefined && plausibleSecret(secret, kind);
      },
    },
    {
      // An XML element: <apiToken>…</apiToken>, the value on the same line or the next.
      pattern: new RegExp(
        `<(?<name>[A-Za-z0-9_.:-]*${WORD})>\\s*(?<secret>[^\\s<>]{8,${MAX}})\\s*</\\k<name>>`,
        "gi",
      ),
      keywords: ["token>", "secret>", "password>", "key>", "pwd>", "passphrase>"],
      validate: (secret, ctx) => {
        const kind = credentialKind(ctx.groups.name ?? "");
        return kind !== undefined && plausibleSecret(secret, kind);
      },
    },
    ...NAME_VALUE_DETECTORS,
  ],
  cases: {
    tp: [
      (f) => `partnerClientSecret: "${f.mixed(40)}"`,
      (f) => `API_TOKEN=${f.mixed(32)}`,
      (f) => `System.setProperty("PARTNER_API_TOKEN", "${f.mixed(32)}")`,
      (f) => `<serviceToken>\n    ${f.mixed(32)}\n</serviceToken>`,
      (f) => `DEPLOY_TOKEN ?= "${f.mixed(32)}"`,
      (f) => `$apiToken .= "${f.mixed(32)}";`,
      (f) => `{"config.ini": "PARTNER_TOKEN=${f.mixed(32)}\\nBACKUP_ENABLED=true"}`,
      { file: "src/db.py", text: (f) => `db_password = "${f.mixed(10)}#${f.digits(2)}"` },
      (f) => `ORDERS_DB=Server=db.internal;Password=${f.mixed(16)};Database=orders`,
      (f) => `export ORDERS_API_TOKEN_BACKUP=${f.mixed(32)}`,
      // An STS session token: its base64 body carries a run of "/" (not a placeholder's run).
      {
        file: ".aws/credentials",
        text: (f) => `aws_session_token = IQoJb3JpZ2luX2Vj${f.b64(40)}//////////${f.b64(300)}`,
      },
      { file: "notebook.py", text: (f) => `os.environ["AZURE_OPENAI_KEY"] = '${f.hex(32)}'` },
      (f) => `ACRPWD=${f.mixed(30)}+${f.mixed(21)}`,
      (f) => `partner portal license key = '${f.mixed(36)}'`,
      // Hard-coded comparisons, either way round, and C / Objective-C literals.
      { file: "src/auth.py", text: (f) => `if (api_key == "${f.mixed(22)}"):` },
      { file: "src/auth.js", text: (f) => `if ("${f.mixed(20)}!" !== password) {` },
      { file: "src/auth.js", text: (f) => `if ("${f.mixed(16)}" === db_pw) {` },
      // A password that holds "{}" among random characters is no format template.
      (f) => `DB_PASSWORD="${f.mixed(6)}{}${f.mixed(8)}"`,
      { file: "src/Auth.m", text: (f) => `NSString *password = @"${f.mixed(18)}";` },
      { file: "src/auth.c", text: (f) => `static const char secret[] = "${f.mixed(24)}";` },
      (f) => `aws_key: ${f.mixed(30)}/${f.mixed(9)}`,
      { file: "db.py", text: (f) => `warehouse_pw = "${f.mixed(14)}"` },
      (f) => `smtp_password_prod: "${f.mixed(12)}%${f.digits(2)}"`,
      // Split name/value pairs: the value's block names it.
      {
        file: "deploy.yaml",
        text: (f) =>
          `env:\n  - name: LOG_LEVEL\n    value: info\n  - name: ORDERS_API_TOKEN\n    value: "${f.mixed(32)}"`,
      },
      {
        file: "main.tf",
        text: (f) =>
          `env {\n  value = "${f.mixed(12)}#${f.digits(3)}"\n  # rotated by the platform team\n  name  = "DB_PASSWORD"\n}`,
      },
      {
        file: "task-definition.json",
        text: (f) => `"environment": [{"name": "PAYMENTS_SECRET", "value": "${f.mixed(40)}"}]`,
      },
      {
        file: "stack.yaml",
        text: (f) => `Environment:\n  - Name: PARTNER_TOKEN_2\n    Value: ${f.mixed(32)}`,
      },
    ],
    fp: [
      { file: "src/app.ts", text: "apiToken = process.env.API_TOKEN" },
      "API_TOKEN=${API_TOKEN}",
      "password: changeme",
      { file: "src/auth.js", text: 'if (token_type === "refresh_token") {' },
      {
        file: "src/auth.js",
        text: 'if ("Passwort123" === label && password !== confirmPassword) {',
      },
      { file: "src/app.py", text: 'format_password = "orders_{}".format(suffix)' },
      "DB_PASSWORD: $$DB_PASSWORD",
      "token_ttl = 3600",
      "password_policy: min-length-12-with-symbols",
      "aws_region = eu-west-1",
      "secretName: orders-db-credentials",
      "max_tokens = 4096",
      "password_hash = $2b$12$abcdefghijklmnopqrstuv",
      (f) =>
        `tokenUrn: urn:pulumi:prod::api-token::tokenguard:index:ScopedToken::ci-${f.digits(4)}`,
      `System.setProperty("TOKEN_ENDPOINT", "https://auth.internal/token")`,
      (f) => `primary key = "${f.mixed(24)}"`,
      // Maven's encrypted form: ciphertext mvn decrypts with the master password.
      (f) => `<server>\n  <password>{${f.base64Bytes(24)}}</password>\n</server>`,
      // A translation file: one word is a UI label, not a password.
      '{"one_time_password": "Einmalkennwort:", "password": "Passwort"}',
      // A connection string: the account key's value ends at ";EndpointSuffix=".
      `docs = "AccountName=orders;AccountKey=sharedkeybase64value;EndpointSuffix=core.windows.net"`,
      // Pairs whose value is a reference, or is in another block, or is named by a tag key.
      {
        file: "deploy.yaml",
        text: (f) =>
          `env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef: {name: db, key: password}\n  - name: BUILD_ID\n    value: "${f.mixed(32)}"`,
      },
      {
        file: "main.tf",
        text: 'env {\n  name  = "DB_PASSWORD"\n  value = var.db_password\n}\nenv {\n  name  = "API_TOKEN"\n  value = "${var.api_token}"\n}',
      },
      {
        file: "stack.yaml",
        text: (f) => `Tags:\n  - Key: DB_PASSWORD\n    Value: "${f.mixed(32)}"`,
      },
      {
        file: "login.html",
        text: (f) =>
          `<input type="password"\n       name="password"\n       value="${f.mixed(12)}!">`,
      },
    ],
  },
};
