/**
 * Every credential class `tokenguard scan` reports, in one table: id, description, severity, how
 * it is detected — tokenguard's own detectors (lib/scan/detectors/<family>.ts, each rule with
 * its true/false-positive cases beside it), secretlint's recommended preset (`secretlint`:
 * "<rule>#<messageId>" pairs mapped onto the class), or both. The same table feeds SARIF's rule
 * metadata and the README.
 *
 * Table order is priority: when two detections overlap, the earlier rule wins (specific before
 * generic), and within a rule tokenguard's own detector (which isolates the exact value) wins
 * over secretlint's.
 */
import { AWS_GOOGLE_RULES } from "./detectors/aws-google";
import { AZURE_URL_RULES } from "./detectors/azure";
import { CHAT_RULES } from "./detectors/chat";
import { CLOUD_RULES } from "./detectors/cloud";
import { GENERIC_RULE } from "./detectors/generic";
import { HTTP_RULES } from "./detectors/http";
import { KEY_RULES } from "./detectors/keys";
import { MARKED, MARKED_DETECTORS, MARKED_FP, MARKED_TP } from "./detectors/marked";
import { MONITORING_RULES } from "./detectors/monitoring";
import { ROTATE, SL, type ScanRule } from "./detectors/kit";
import { OPS_RULES } from "./detectors/ops";
import { PACKAGE_RULES } from "./detectors/packages";
import { SAAS_RULES } from "./detectors/saas";
import { VCS_RULES } from "./detectors/vcs";

export type { Detector, MatchContext, ScanRule, Severity } from "./detectors/kit";

const OTHER_VENDORS: ScanRule = {
  id: "other-vendor-token",
  title: "Vendor token",
  description: `A token of another vendor: one that carries its own marker (${MARKED.map((m) => m.what).join("; ")}), or one recognised by secretlint's recommended preset (Shopify, Grafana, Groq, Linear, Notion, Vercel, Databricks, Docker, Figma, Tailscale).`,
  severity: "high",
  remediation: ROTATE,
  detectors: MARKED_DETECTORS,
  secretlint: [
    `${SL}shopify#SHOPIFY_KEY`,
    `${SL}grafana#GRAFANA_CLOUD_API_TOKEN`,
    `${SL}grafana#GRAFANA_SERVICE_ACCOUNT_TOKEN`,
    `${SL}groq#GROQ_API_KEY`,
    `${SL}linear#LINEAR_API_TOKEN`,
    `${SL}notion#NOTION_INTEGRATION_TOKEN`,
    `${SL}vercel#VERCEL_PERSONAL_ACCESS_TOKEN`,
    `${SL}vercel#VERCEL_INTEGRATION_TOKEN`,
    `${SL}vercel#VERCEL_APP_ACCESS_TOKEN`,
    `${SL}vercel#VERCEL_APP_REFRESH_TOKEN`,
    `${SL}vercel#VERCEL_AI_GATEWAY_API_KEY`,
    `${SL}databricks#DATABRICKS_PERSONAL_ACCESS_TOKEN`,
    `${SL}docker#DOCKER_PERSONAL_ACCESS_TOKEN`,
    `${SL}figma#FIGMA_PERSONAL_ACCESS_TOKEN`,
    `${SL}tailscale#TAILSCALE_API_KEY`,
    `${SL}tailscale#TAILSCALE_AUTH_KEY`,
    `${SL}tailscale#TAILSCALE_CLIENT_KEY`,
    `${SL}tailscale#TAILSCALE_SCIM_KEY`,
    `${SL}tailscale#TAILSCALE_WEBHOOK_KEY`,
    `${SL}tailscale#TAILSCALE_KEY`,
  ],
  cases: {
    tp: [
      (f) => `SHOPIFY_ACCESS_TOKEN=shpat_${f.hex(32)}`,
      (f) => `client = Groq(api_key="gsk_${f.mixed(52)}")`,
      (f) => `echo dckr_pat_${f.b64url(27)} | docker login -u builder --password-stdin`,
      ...MARKED_TP,
      (f) => `SQUARE_ACCESS_TOKEN=EAAA${f.b64url(60)}`,
      (f) => `bot = telebot.TeleBot("${f.digits(8)}:AA${f.b64url(33)}")`,
      (f) => `doppler run --token dp.sa.${f.mixed(43)} -- ./deploy`,
    ],
    fp: [
      "SHOPIFY_ACCESS_TOKEN=shpat_<token>",
      "GROQ_API_KEY=gsk_...",
      "STRIPE_WEBHOOK_SECRET=whsec_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "GOOGLE_CLIENT_SECRET=GOCSPX-<your-client-secret>",
      "NUGET_API_KEY=oy2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "MAILCHIMP_KEY=00000000000000000000000000000000-us6",
      "TELEGRAM_TOKEN=123456789:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      "AGE-SECRET-KEY-1 is the prefix of an age identity",
      // Without Notion named, secret_ + 43 is any vendor's (or none).
      (f) => `session_store: secret_${f.mixed(43)}`,
      // Not Square's length: EAAA + 60 exactly.
      (f) => `build_id: EAAA${f.b64url(40)}`,
      ...MARKED_FP,
    ],
  },
};

const STRUCTURAL: readonly ScanRule[] = [
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
];

const SECRETLINT_OTHER: ScanRule = {
  id: "secretlint-other",
  title: "Credential (secretlint)",
  description:
    "A credential reported by a secretlint preset rule that tokenguard does not map to a class of its own yet.",
  severity: "high",
  remediation: ROTATE,
};

export const SCAN_RULES: readonly ScanRule[] = [
  ...AWS_GOOGLE_RULES.filter((r) => r.id === "gcp-service-account-key"),
  ...KEY_RULES.filter((r) => r.id === "private-key"),
  ...AWS_GOOGLE_RULES.filter((r) => r.id !== "gcp-service-account-key"),
  ...VCS_RULES,
  ...CHAT_RULES,
  ...SAAS_RULES,
  ...PACKAGE_RULES,
  ...OPS_RULES,
  ...CLOUD_RULES,
  ...AZURE_URL_RULES,
  ...MONITORING_RULES,
  ...KEY_RULES.filter((r) => r.id !== "private-key"),
  OTHER_VENDORS,
  ...STRUCTURAL,
  ...HTTP_RULES,
  GENERIC_RULE,
  SECRETLINT_OTHER,
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
  [`${SL}github`]: "no checksum check; tokenguard's github-token checks GitHub's CRC32",
  [`${SL}slack`]:
    "reports placeholders (xoxb-my-bot-token) and misses configuration, refresh and workflow tokens; tokenguard's slack-* rules replace it",
  [`${SL}gitlab`]: "knows only glpat-; tokenguard's gitlab-token covers every GitLab prefix",
  [`${SL}basicauth`]:
    "reports template and placeholder URLs; tokenguard's url-password replaces it",
  [`${SL}database-connection-string`]:
    "reports connection strings whose password is the user name again; tokenguard's url-password replaces it",
  [`${SL}huggingface`]: "misses organisation tokens; tokenguard's huggingface-token replaces it",
};
