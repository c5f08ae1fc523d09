/**
 * Every credential class `tokenguard scan` reports, in one table: id, description, severity, and
 * how it is detected — by secretlint's recommended preset (`secretlint`: "<rule>#<messageId>"
 * pairs mapped onto the class), by tokenguard's own patterns (`detectors`) where secretlint
 * misses it, or both. The same table feeds SARIF's rule metadata and the README.
 *
 * Table order is priority: when two detections overlap, the earlier rule wins (specific before
 * generic), and within a rule tokenguard's own detector (which isolates the exact value) wins
 * over secretlint's.
 */
import {
  charClasses,
  credentialKind,
  entropy,
  isIdentifierLike,
  isNoise,
  isNoiseBody,
  keyBody,
  isPlaceholder,
  plausibleSecret,
} from "./noise";

export type Severity = "critical" | "high" | "medium" | "low";

/** What a detector's validator sees of one regex match. */
export interface MatchContext {
  /** The whole file (or state value) being scanned. */
  readonly content: string;
  /** Offset where the whole match starts. */
  readonly matchStart: number;
  /** Offsets of the secret within `content`. */
  readonly start: number;
  readonly end: number;
  readonly groups: Readonly<Record<string, string | undefined>>;
  /** Path or label of what is scanned; decides e.g. whether unquoted values are literals. */
  readonly file: string;
}

export interface Detector {
  /** Global regex; the credential is the named group `secret`. */
  readonly pattern: RegExp;
  /** Lower-case substrings one of which the content must contain for the pattern to run. */
  readonly keywords?: readonly string[];
  /** Extra checks on a match (entropy, context); false drops it. */
  readonly validate?: (secret: string, ctx: MatchContext) => boolean;
}

export interface ScanRule {
  readonly id: string;
  /** Short human name ("GitHub token"). */
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly remediation: string;
  /** tokenguard's own detectors. */
  readonly detectors?: readonly Detector[];
  /** secretlint recommended-preset findings mapped onto this class: "<rule id>#<messageId>". */
  readonly secretlint?: readonly string[];
  /** For secretlint findings: the credential inside the reported text (default: all of it). */
  readonly secretOf?: (reported: string) => string | undefined;
  /** Skip the "inside a base64 blob" noise check (multi-line keys are base64 themselves). */
  readonly allowInBase64?: boolean;
  /** What counts as noise for this rule's secrets (default: isNoise). */
  readonly isNoise?: (secret: string) => boolean;
  /** Found by a structural scanner (Pulumi config or state), not by a text pattern. */
  readonly structural?: true;
}

const SL = "@secretlint/secretlint-rule-";
const ROTATE = "Revoke and rotate the credential, then remove it from the file and its history.";

// Boundaries: a credential is not preceded or followed by characters of its own alphabet.
const B62 = "A-Za-z0-9";
const B64URL = "A-Za-z0-9_\\-";

/** Random-looking: mixed characters and enough entropy for its length. */
function randomLooking(min: number) {
  return (secret: string) =>
    !isPlaceholder(secret) && charClasses(secret) >= 2 && entropy(secret) >= min;
}

/** Lines [from, to] around offset `at`, for proximity checks. */
function linesAround(content: string, at: number, before: number, after: number): string {
  let start = at;
  for (let n = 0; n <= before && start > 0; n++) start = content.lastIndexOf("\n", start - 1);
  let end = at;
  for (let n = 0; n <= after && end !== -1; n++) end = content.indexOf("\n", end + 1);
  return content.slice(Math.max(0, start), end === -1 ? content.length : end);
}

/** Long-term (AKIA), temporary (ASIA), bearer (ABIA) and context (ACCA) access key IDs: base32. */
const AWS_KEY_ID_BODY = "(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}";
const AWS_KEY_ID = new RegExp(`(?<![${B62}])${AWS_KEY_ID_BODY}(?![${B62}])`);

/** Extensions whose unquoted right-hand sides are expressions, not literals. */
const CODE_FILE =
  /\.(?:[cm]?[jt]sx?|py|go|java|kt|kts|scala|rb|php|cs|rs|swift|c|cc|cpp|h|hpp|m|dart|lua|groovy|gradle)$/i;

/** A URL password worth reporting: not the user name again, not a word, not a placeholder. */
function plausibleUrlPassword(user: string, password: string): boolean {
  return (
    password !== user && password.length >= 4 && !isIdentifierLike(password) && !isNoise(password)
  );
}

/** The password in "scheme://user:PASSWORD@host" (user may be empty), when worth reporting. */
const URL_USERINFO = /[a-z][a-z0-9+.-]*:\/\/([^\s:@/]*):([^\s@/]+)@/i;
export function urlPassword(url: string): string | undefined {
  const m = URL_USERINFO.exec(url);
  return m && plausibleUrlPassword(m[1], m[2]) ? m[2] : undefined;
}

export const SCAN_RULES: readonly ScanRule[] = [
  {
    id: "private-key",
    title: "Private key",
    description: "A PEM-encoded private key (RSA, EC, DSA, OpenSSH, PKCS#8, PGP).",
    severity: "critical",
    remediation: "Replace the key pair, remove the key from the repository and its history.",
    allowInBase64: true,
    isNoise: isNoiseBody,
    detectors: [
      {
        // The body may be real lines or "\n"-escaped (JSON, env files).
        pattern:
          /-----BEGIN (?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?<secret>(?:\\[rn]|[\sA-Za-z0-9+/=:,-]){40,16384}?)-----END (?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g,
        keywords: ["private key"],
        validate: (body) => keyBody(body).length >= 40,
      },
    ],
    secretlint: [`${SL}privatekey#PrivateKey`],
  },
  {
    id: "aws-access-key-id",
    title: "AWS access key ID",
    description:
      "An AWS access key ID (AKIA… long-term, ASIA… temporary): half of a key pair; the secret key is usually nearby.",
    severity: "high",
    remediation: `Deactivate the key in IAM and create a new one. ${ROTATE}`,
    detectors: [
      {
        pattern: new RegExp(`(?<![${B62}])(?<secret>${AWS_KEY_ID_BODY})(?![${B62}])`, "g"),
        keywords: ["akia", "asia", "abia", "acca"],
        validate: (secret) => !isPlaceholder(secret),
      },
    ],
  },
  {
    id: "aws-secret-access-key",
    title: "AWS secret access key",
    description:
      "A 40-character AWS secret access key, assigned to a secret-key name or next to an access key ID.",
    severity: "critical",
    remediation: `Deactivate the key pair in IAM and create a new one. ${ROTATE}`,
    detectors: [
      {
        // aws_secret_access_key = …, secretAccessKey: "…", AWS_SECRET_KEY=…
        pattern:
          /(?:aws)?[_.-]?secret[_.-]?(?:access[_.-]?)?key["'\]]?[ \t]*(?:=|:=|:|=>)[ \t]*["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
        keywords: ["secret"],
        validate: randomLooking(4.0),
      },
      {
        // A key pair written side by side (credentials CSV, INI, code): an ID within two lines.
        pattern: /(?<![A-Za-z0-9/+])(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
        keywords: ["akia", "asia"],
        validate: (secret, ctx) =>
          /[a-z]/.test(secret) &&
          /[A-Z]/.test(secret) &&
          /[0-9]/.test(secret) &&
          entropy(secret) >= 4.2 &&
          !isPlaceholder(secret) &&
          AWS_KEY_ID.test(linesAround(ctx.content, ctx.start, 2, 2)),
      },
    ],
  },
  {
    id: "github-token",
    title: "GitHub token",
    description:
      "A GitHub token: classic personal access token (ghp_), fine-grained (github_pat_), OAuth (gho_), user-to-server (ghu_), app installation (ghs_) or refresh token (ghr_).",
    severity: "critical",
    remediation: `Revoke the token in GitHub settings. ${ROTATE}`,
    secretlint: [`${SL}github#GITHUB_TOKEN`],
  },
  {
    id: "gitlab-token",
    title: "GitLab token",
    description:
      "A GitLab token: personal/project/group access (glpat-), deploy (gldt-), runner (glrt-, GR1348941), pipeline trigger (glptt-), CI job (glcbt-), OAuth app secret (gloas-) and others.",
    severity: "critical",
    remediation: `Revoke the token in GitLab. ${ROTATE}`,
    detectors: [
      {
        pattern: new RegExp(
          `(?<![${B64URL}])(?<secret>(?:glpat|gldt|glrt|glptt|glcbt|gloas|glimt|glsoat|glffct|glagent|glft|glcsat)-[${B64URL}]{20,128}|GR1348941[${B64URL}]{20,64})(?![${B64URL}])`,
          "g",
        ),
        keywords: [
          "glpat",
          "gldt",
          "glrt",
          "glptt",
          "glcbt",
          "gloas",
          "glimt",
          "glsoat",
          "glffct",
          "glagent",
          "glft",
          "glcsat",
          "gr1348941",
        ],
        validate: randomLooking(3.0),
      },
    ],
    secretlint: [`${SL}gitlab#GITLAB_PERSONAL_ACCESS_TOKEN`],
  },
  {
    id: "slack-token",
    title: "Slack token",
    description: "A Slack bot, user, app or configuration token (xoxb-, xoxp-, xapp-, …).",
    severity: "high",
    remediation: `Revoke the token in the Slack app settings. ${ROTATE}`,
    secretlint: [`${SL}slack#SLACK_TOKEN`],
  },
  {
    id: "slack-webhook-url",
    title: "Slack incoming webhook",
    description: "A Slack incoming-webhook URL: anyone holding it can post to the channel.",
    severity: "medium",
    remediation: `Regenerate the webhook in Slack. ${ROTATE}`,
    secretlint: [`${SL}slack#IncomingWebhook`],
  },
  {
    id: "stripe-key",
    title: "Stripe secret key",
    description: "A Stripe secret or restricted key (sk_live_, sk_test_, rk_live_, rk_test_).",
    severity: "critical",
    remediation: `Roll the key in the Stripe dashboard. ${ROTATE}`,
    secretlint: [
      `${SL}stripe#STRIPE_SECRET_KEY_LIVE`,
      `${SL}stripe#STRIPE_SECRET_KEY_TEST`,
      `${SL}stripe#STRIPE_RESTRICTED_KEY_LIVE`,
      `${SL}stripe#STRIPE_RESTRICTED_KEY_TEST`,
    ],
  },
  {
    id: "vault-token",
    title: "Vault token",
    description:
      "A HashiCorp Vault / OpenBao token: service (hvs.), batch (hvb.), recovery (hvr.), or a legacy s./b. token next to a Vault or token name.",
    severity: "critical",
    remediation: `Revoke it (vault token revoke -accessor …). ${ROTATE}`,
    detectors: [
      {
        pattern: new RegExp(
          `(?<![${B64URL}.])(?<secret>hv[sbr]\\.[${B64URL}]{24,300})(?![${B64URL}])`,
          "g",
        ),
        keywords: ["hvs.", "hvb.", "hvr."],
        validate: randomLooking(3.5),
      },
      {
        // Legacy (pre-1.10) and OpenBao tokens: "s." + 24 characters. Too short to stand alone,
        // so the line must speak of Vault or a token.
        pattern: new RegExp(
          `(?<![${B64URL}.$])(?<secret>[sb]\\.[${B62}]{24})(?![${B64URL}.])`,
          "g",
        ),
        keywords: ["s.", "b."],
        validate: (secret, ctx) =>
          /[a-z]/.test(secret.slice(2)) &&
          /[A-Z]/.test(secret.slice(2)) &&
          /[0-9]/.test(secret.slice(2)) &&
          entropy(secret.slice(2)) >= 3.8 &&
          !isPlaceholder(secret) &&
          /vault|bao|token/i.test(linesAround(ctx.content, ctx.start, 0, 0)),
      },
    ],
    secretlint: [
      `${SL}hashicorp-vault#HASHICORP_VAULT_SERVICE_TOKEN`,
      `${SL}hashicorp-vault#HASHICORP_VAULT_BATCH_TOKEN`,
      `${SL}hashicorp-vault#HASHICORP_VAULT_RECOVERY_TOKEN`,
    ],
  },
  {
    id: "pulumi-access-token",
    title: "Pulumi access token",
    description: "A Pulumi Cloud access token (pul- followed by 40 hex digits).",
    severity: "critical",
    remediation: `Delete the token in Pulumi Cloud (Settings → Access Tokens). ${ROTATE}`,
    detectors: [
      {
        pattern: new RegExp(`(?<![${B62}])(?<secret>pul-[a-f0-9]{40})(?![${B62}])`, "g"),
        keywords: ["pul-"],
        validate: randomLooking(3.0),
      },
    ],
  },
  {
    id: "npm-token",
    title: "npm token",
    description:
      "An npm access token (npm_…), or an auth token, _auth or _password in .npmrc / package.json.",
    severity: "critical",
    remediation: `Revoke the token (npm token revoke) and reference it from the environment: _authToken=\${NPM_TOKEN}. ${ROTATE}`,
    detectors: [
      {
        pattern:
          /(?:^|[\s:])_(?:auth|password|authToken)[ \t]*=[ \t]*["']?(?<secret>[^\s"'$]{8,})/gm,
        keywords: ["_auth", "_password"],
        validate: (secret) => !isPlaceholder(secret),
      },
    ],
    secretlint: [
      `${SL}npm#NPM_ACCESS_TOKEN`,
      `${SL}npm#Npmrc_authToken`,
      `${SL}npm#PackageJSON_xOauthToken`,
    ],
  },
  {
    id: "google-api-key",
    title: "Google API key",
    description: "A Google Cloud / Firebase / Maps API key (AIza followed by 35 characters).",
    severity: "high",
    remediation: `Delete or restrict the key in the Google Cloud console. ${ROTATE}`,
    detectors: [
      {
        pattern: new RegExp(`(?<![${B64URL}])(?<secret>AIza[${B64URL}]{35})(?![${B64URL}])`, "g"),
        keywords: ["aiza"],
        validate: randomLooking(3.5),
      },
    ],
  },
  {
    id: "gcp-service-account-key",
    title: "Google Cloud service-account key",
    description: "A Google Cloud service-account key file (JSON with a private key, or PKCS#12).",
    severity: "critical",
    remediation: `Delete the key in IAM → Service accounts. ${ROTATE}`,
    secretlint: [`${SL}gcp#PrivateKeyJSON`, `${SL}gcp#PrivateKeyP12`],
  },
  {
    id: "sendgrid-api-key",
    title: "SendGrid API key",
    description: "A SendGrid API key (SG.<22>.<43>).",
    severity: "high",
    remediation: `Delete the key in SendGrid. ${ROTATE}`,
    detectors: [
      {
        // secretlint's pattern uses \w, so a key with "-" in it escapes it.
        pattern: new RegExp(
          `(?<![${B64URL}])(?<secret>SG\\.[${B64URL}]{22}\\.[${B64URL}]{43})(?![${B64URL}])`,
          "g",
        ),
        keywords: ["sg."],
        validate: randomLooking(3.5),
      },
    ],
    secretlint: [`${SL}sendgrid#SENDGRID_KEY`],
  },
  {
    id: "twilio-api-key",
    title: "Twilio API key",
    description: "A Twilio API key SID (SK + 32 hex) or an auth token assigned to a Twilio name.",
    severity: "high",
    remediation: `Delete the key or rotate the auth token in the Twilio console. ${ROTATE}`,
    detectors: [
      {
        pattern: new RegExp(`(?<![${B62}])(?<secret>SK[0-9a-f]{32})(?![${B62}])`, "g"),
        keywords: ["sk"],
        validate: randomLooking(3.0),
      },
      {
        pattern:
          /twilio[A-Za-z0-9_.-]*(?:auth|token|secret)[A-Za-z0-9_]*["']?[ \t]*(?:=|:=|:|=>)[ \t]*["']?(?<secret>[0-9a-f]{32})(?![A-Za-z0-9])/gi,
        keywords: ["twilio"],
        validate: randomLooking(3.0),
      },
    ],
  },
  {
    id: "openai-api-key",
    title: "OpenAI API key",
    description: "An OpenAI API key (sk-…T3BlbkFJ…, sk-proj-…, sk-svcacct-…, sk-admin-…).",
    severity: "critical",
    remediation: `Revoke the key in the OpenAI dashboard. ${ROTATE}`,
    detectors: [
      {
        // secretlint ends its pattern with \b, so a key ending in "-" escapes it.
        pattern: new RegExp(
          `(?<![${B64URL}])(?<secret>sk-(?:(?:proj|svcacct|admin)-)?[${B64URL}]{20,160}T3BlbkFJ[${B64URL}]{20,160})(?![${B64URL}])`,
          "g",
        ),
        keywords: ["t3blbkfj"],
        validate: randomLooking(3.5),
      },
    ],
    secretlint: [`${SL}openai#OPENAI_TOKEN`],
  },
  {
    id: "anthropic-api-key",
    title: "Anthropic API key",
    description: "An Anthropic API key (sk-ant-api03-…).",
    severity: "critical",
    remediation: `Revoke the key in the Anthropic console. ${ROTATE}`,
    secretlint: [`${SL}anthropic#ANTHROPIC_API_KEY`],
  },
  {
    id: "tokenguard-token",
    title: "tokenguard random token",
    description:
      "A token issued by tokenguard's random backend (tg_ + 43 base64url characters): it belongs in a secret output, never in a file.",
    severity: "critical",
    remediation:
      "Rotate it (bump the ScopedToken's generation by running pulumi up after its rotation, or replace the resource) and read it from a secret stack output.",
    detectors: [
      {
        pattern: new RegExp(`(?<![${B64URL}])(?<secret>tg_[${B64URL}]{43})(?![${B64URL}])`, "g"),
        keywords: ["tg_"],
        validate: randomLooking(3.5),
      },
    ],
  },
  {
    id: "other-vendor-token",
    title: "Vendor token",
    description:
      "A token of another vendor recognised by secretlint's recommended preset (Shopify, Grafana, Groq, Hugging Face, Linear, Notion, 1Password, Vercel, Databricks, Docker, Figma, Cloudflare, Tailscale).",
    severity: "high",
    remediation: ROTATE,
    secretlint: [
      `${SL}shopify#SHOPIFY_KEY`,
      `${SL}grafana#GRAFANA_CLOUD_API_TOKEN`,
      `${SL}grafana#GRAFANA_SERVICE_ACCOUNT_TOKEN`,
      `${SL}groq#GROQ_API_KEY`,
      `${SL}huggingface#HUGGINGFACE_USER_ACCESS_TOKEN`,
      `${SL}linear#LINEAR_API_TOKEN`,
      `${SL}notion#NOTION_INTEGRATION_TOKEN`,
      `${SL}1password#OPS_TOKEN`,
      `${SL}vercel#VERCEL_PERSONAL_ACCESS_TOKEN`,
      `${SL}vercel#VERCEL_INTEGRATION_TOKEN`,
      `${SL}vercel#VERCEL_APP_ACCESS_TOKEN`,
      `${SL}vercel#VERCEL_APP_REFRESH_TOKEN`,
      `${SL}vercel#VERCEL_AI_GATEWAY_API_KEY`,
      `${SL}databricks#DATABRICKS_PERSONAL_ACCESS_TOKEN`,
      `${SL}docker#DOCKER_PERSONAL_ACCESS_TOKEN`,
      `${SL}figma#FIGMA_PERSONAL_ACCESS_TOKEN`,
      `${SL}cloudflare#CLOUDFLARE_GLOBAL_API_KEY`,
      `${SL}cloudflare#CLOUDFLARE_USER_API_TOKEN`,
      `${SL}cloudflare#CLOUDFLARE_ACCOUNT_API_TOKEN`,
      `${SL}tailscale#TAILSCALE_API_KEY`,
      `${SL}tailscale#TAILSCALE_AUTH_KEY`,
      `${SL}tailscale#TAILSCALE_CLIENT_KEY`,
      `${SL}tailscale#TAILSCALE_SCIM_KEY`,
      `${SL}tailscale#TAILSCALE_WEBHOOK_KEY`,
      `${SL}tailscale#TAILSCALE_KEY`,
    ],
  },
  {
    id: "pulumi-config-plaintext",
    title: "Plaintext secret in Pulumi config",
    description:
      "A Pulumi stack config value with a credential-like name (apiToken, dbPassword, …) stored as plaintext instead of `secure:`.",
    severity: "high",
    remediation:
      "Rotate the value, then store it encrypted: pulumi config set --secret <key> (it becomes `secure: v1:…`).",
    structural: true,
  },
  {
    id: "pulumi-state-plaintext-secret",
    title: "Plaintext secret in Pulumi state",
    description:
      "A credential-bearing property (a ScopedToken value, a vault.Token clientToken, random bytes, an IAM secret key) stored in stack state without secret marking.",
    severity: "critical",
    remediation:
      "Rotate the credential, then mark it secret (pulumi.secret, additionalSecretOutputs) and run pulumi up so state holds only ciphertext.",
    structural: true,
  },
  {
    id: "url-password",
    title: "Password in a URL",
    description:
      "A URL or connection string with an embedded password (postgres://user:pass@…, https://user:pass@…, redis://:pass@…).",
    severity: "high",
    remediation: `Take the password out of the URL and pass it from a secret store or the environment. ${ROTATE}`,
    detectors: [
      {
        // Starts at "://" (a literal scan is fast); a scheme must precede it.
        pattern:
          /:\/\/(?<=[a-z][a-z0-9+.-]{0,30}:\/\/)(?<user>[^\s:@/"'`<>]{0,100}):(?<secret>[^\s@/"'`<>]{1,200})@(?=[A-Za-z0-9[])/gi,
        keywords: ["://"],
        validate: (secret, ctx) => plausibleUrlPassword(ctx.groups.user ?? "", secret),
      },
    ],
    secretlint: [
      `${SL}basicauth#BasicAuth`,
      `${SL}database-connection-string#MongoDBConnection`,
      `${SL}database-connection-string#MySQLConnection`,
      `${SL}database-connection-string#PostgreSQLConnection`,
    ],
    secretOf: urlPassword,
  },
  {
    id: "authorization-header",
    title: "Bearer token in an Authorization header",
    description: 'A literal credential in an "Authorization: Bearer …" or "token …" header.',
    severity: "high",
    remediation: `Read the token from the environment or a secret store. ${ROTATE}`,
    detectors: [
      {
        pattern:
          /authorization["']?[ \t]*[:=][ \t]*["']?(?:bearer|token)[ \t]+(?<secret>[A-Za-z0-9._~+/-]{16,}=*)/gi,
        keywords: ["authorization"],
        validate: randomLooking(3.3),
      },
    ],
  },
  {
    id: "generic-secret",
    title: "Credential assigned to a credential-like name",
    description:
      "A high-entropy literal assigned to a name whose last word is token, secret, password, api key, …: the shape of a hard-coded credential whatever the vendor.",
    severity: "medium",
    remediation: `Read the value from the environment or a secret store (Pulumi: a secret config value or a ScopedToken output). ${ROTATE}`,
    detectors: [
      {
        // Starts at the credential word (a literal scan is fast); the rest of the name is read
        // backwards from there by the validator.
        pattern:
          /(?<tail>(?:token|secret|passw(?:or)?d|pwd|pass|passphrase|credentials?|key|pat)[A-Za-z0-9_]*)["'\]]?[ \t]*(?:=|:=|:(?!:)|=>)[ \t]*(?<quote>["'`]?)(?<secret>[^\s"'`]{8,256})\k<quote>/gi,
        keywords: ["token", "secret", "pass", "pwd", "credential", "key", "pat"],
        validate: (secret, ctx) => {
          let head = ctx.matchStart;
          while (head > 0 && /[A-Za-z0-9_.-]/.test(ctx.content[head - 1])) head--;
          const kind = credentialKind(
            ctx.content.slice(head, ctx.matchStart) + (ctx.groups.tail ?? ""),
          );
          if (kind === undefined) return false;
          const quoted = (ctx.groups.quote ?? "") !== "";
          // In code an unquoted right-hand side is an expression, not a literal.
          if (!quoted && CODE_FILE.test(ctx.file)) return false;
          return plausibleSecret(quoted ? secret : secret.replace(/[;,)\]}]+$/, ""), kind);
        },
      },
    ],
  },
  {
    id: "secretlint-other",
    title: "Credential (secretlint)",
    description:
      "A credential reported by a secretlint preset rule that tokenguard does not map to a class of its own yet.",
    severity: "high",
    remediation: ROTATE,
  },
];

export type ScanRuleId = (typeof SCAN_RULES)[number]["id"];

/** The rule with this id; throws on an unknown id (a programming error). */
export function scanRule(id: string): ScanRule {
  const rule = SCAN_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`unknown scan rule "${id}"`);
  return rule;
}

/** secretlint "<rule>#<messageId>" → the class it is mapped onto. */
export const SECRETLINT_MAP: ReadonlyMap<string, ScanRule> = new Map(
  SCAN_RULES.flatMap((rule) => (rule.secretlint ?? []).map((key) => [key, rule] as const)),
);

/** secretlint rules tokenguard does not run, and why (its own detector replaces them). */
export const SECRETLINT_REPLACED: Readonly<Record<string, string>> = {
  [`${SL}aws`]:
    "reports the assignment's offset with the key's length (not the key) and skips key IDs; tokenguard's aws-* rules replace it",
};
