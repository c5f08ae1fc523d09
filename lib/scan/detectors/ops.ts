/**
 * Operations tooling: HashiCorp Vault, Pulumi, tokenguard, Sentry, Infracost, Sumo Logic,
 * 1Password. Formats: Vault's token docs (hvs./hvb./hvr.; legacy s./b.); Pulumi's access tokens
 * (pul- + 40 hex); tokenguard's own random backend (tg_ + 43); Sentry's org auth tokens
 * (sntrys_ + base64 JSON + _ + 43) and user tokens (sntryu_ + 64 hex); Infracost (ico- + 32);
 * Sumo Logic access IDs (su + 12) and keys (64 characters); 1Password service-account tokens
 * (ops_ + base64 JSON) and account secret keys (A3-…). Cases follow gitleaks' rules/{hashicorp_
 * vault,pulumi,sentry,infracost,sumologic,1password}.go and secretlint's vault/1password
 * snapshots, with our own values.
 */
import { entropy, isPlaceholder } from "../noise";
import {
  B62,
  B64URL,
  ROTATE,
  SL,
  linesAround,
  mixedCase,
  nearVendor,
  randomLooking,
  standalone,
  type ScanRule,
} from "./kit";

/** "Sumo"/"SUMO"/"sumo", not "sumOf…" (gitleaks learnt this from Objective-C). */
const SUMO = /[Ss]umo|SUMO/;

export const OPS_RULES: readonly ScanRule[] = [
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
        keywords: ["vault", "bao", "token"],
        validate: (secret, ctx) =>
          mixedCase(secret.slice(2)) &&
          entropy(secret.slice(2)) >= 3.8 &&
          !isPlaceholder(secret) &&
          /vault|bao|token/i.test(linesAround(ctx.content, ctx.start, 0, 0)),
      },
    ],
    cases: {
      tp: [
        (f) => `VAULT_TOKEN=hvs.${f.mixed(24)}`,
        (f) => `client = hvac.Client(url=addr, token="hvs.CAESI${f.b64url(86)}")`,
        (f) => `export VAULT_TOKEN=s.${f.mixed(24)}`,
      ],
      fp: ["VAULT_TOKEN=hvs.xxxxxxxxxxxxxxxxxxxxxxxx", (f) => `value=s.${f.mixed(24)}`],
    },
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
        pattern: standalone("pul-[a-f0-9]{40}", B62),
        keywords: ["pul-"],
        validate: randomLooking(3.0),
      },
    ],
    cases: {
      tp: [
        (f) => `PULUMI_ACCESS_TOKEN=pul-${f.hex(40)}`,
        (f) => `pulumi login --cloud-url https://api.pulumi.com  # token pul-${f.hex(40)}`,
      ],
      fp: [`PULUMI_ACCESS_TOKEN=pul-${"0".repeat(40)}`, "PULUMI_ACCESS_TOKEN=pul-<token>"],
    },
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
        pattern: standalone(`tg_[${B64URL}]{43}`, B64URL),
        keywords: ["tg_"],
        validate: randomLooking(3.5),
      },
    ],
    cases: {
      tp: [
        (f) => `fetch(url, { headers: { "x-api-key": "tg_${f.b64url(43)}" } })`,
        (f) => `ORDERS_API_TOKEN=tg_${f.b64url(43)}`,
      ],
      fp: [
        "token: tg_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "const prefix = 'tg_'; // tokenguard's prefix",
      ],
    },
  },
  {
    id: "sentry-token",
    title: "Sentry auth token",
    description:
      "A Sentry organisation auth token (sntrys_…), user auth token (sntryu_ + 64 hex), or a legacy 64-hex token next to a Sentry name.",
    severity: "high",
    remediation: `Revoke the token in Sentry (Settings → Auth Tokens). ${ROTATE}`,
    detectors: [
      {
        pattern:
          /(?<![A-Za-z0-9_])(?<secret>sntrys_eyJ[A-Za-z0-9+/]{30,400}={0,2}_[A-Za-z0-9+/]{43})(?![A-Za-z0-9+/])/g,
        keywords: ["sntrys_"],
        validate: randomLooking(4.0, 7),
      },
      {
        pattern: standalone("sntryu_[a-f0-9]{64}", B62),
        keywords: ["sntryu_"],
        validate: randomLooking(3.3, 7),
      },
      nearVendor(["sentry"], /sentry/i, "[a-f0-9]{64}", randomLooking(3.3), B62),
    ],
    cases: {
      tp: [
        (f) =>
          `SENTRY_AUTH_TOKEN=sntrys_${f.b64json({ iat: 1700000000 + f.int(9e6), url: "https://sentry.io", region_url: "https://us.sentry.io", org: "orders" }, false)}_${f.b64(43)}`,
        (f) => `sentry-cli --auth-token sntryu_${f.hex(64)} releases new v1`,
        (f) => `sentry_auth_token = "${f.hex(64)}"`,
      ],
      fp: [
        "SENTRY_AUTH_TOKEN=sntrys_YOUR_TOKEN_HERE",
        (f) => `sentry release sha256: ${f.hex(64)}`,
      ],
    },
  },
  {
    id: "infracost-token",
    title: "Infracost API key",
    description: "An Infracost API key (ico- + 32 characters).",
    severity: "medium",
    remediation: `Rotate the key in Infracost Cloud (Org settings → API keys). ${ROTATE}`,
    detectors: [
      {
        // Not after "." or "/": "favicon.ico-<hash>.png" is a file name.
        pattern: /(?<![A-Za-z0-9_./-])(?<secret>ico-[A-Za-z0-9]{32})(?![A-Za-z0-9_-])/g,
        keywords: ["ico-"],
        validate: (s) => mixedCase(s.slice(4)) && randomLooking(3.5, 4)(s),
      },
    ],
    cases: {
      tp: [
        (f) => `INFRACOST_API_KEY=ico-${f.mixed(32)}`,
        (f) => `infracost configure set api_key ico-${f.mixed(32)}`,
      ],
      fp: [
        "INFRACOST_API_KEY=ico-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "favicon-32x32.png and icon-192x192.png",
      ],
    },
  },
  {
    id: "sumologic-key",
    title: "Sumo Logic access key",
    description:
      "A Sumo Logic access ID (su + 12 characters) or access key (64 characters) next to a Sumo Logic name.",
    severity: "high",
    remediation: `Delete the access key in Sumo Logic (Administration → Security → Access Keys). ${ROTATE}`,
    detectors: [
      // The access ID is half of the pair, reported as gitleaks does: its name ends in "id".
      nearVendor(["sumo"], SUMO, "su[A-Za-z0-9]{12}", (s) => mixedCase(s.slice(2)), B62, true),
      nearVendor(
        ["sumo"],
        SUMO,
        "[A-Za-z0-9]{64}",
        (s) => mixedCase(s) && randomLooking(4.5)(s),
        B62,
      ),
    ],
    cases: {
      tp: [
        (f) => `SUMO_ACCESS_ID=su${f.mixed(12)}`,
        (f) => `sumologic_access_key = "${f.mixed(64)}"`,
        (f) =>
          `provider "sumologic" {\n  access_id  = "su${f.mixed(12)}"\n  access_key = "${f.mixed(64)}"\n}`,
      ],
      fp: [
        "SUMO_ACCESS_ID=suXXXXXXXXXXXX",
        "sumo_collector_name: summaryIngestion",
        (f) => `sumo_checksum: ${f.hex(64)}`,
      ],
    },
  },
  {
    id: "onepassword-token",
    title: "1Password service-account token or secret key",
    description:
      "A 1Password service-account token (ops_ + base64 JSON) or account secret key (A3-…).",
    severity: "critical",
    remediation: `Revoke the service account (or regenerate the secret key) in 1Password. ${ROTATE}`,
    detectors: [
      {
        pattern: /(?<![A-Za-z0-9_])(?<secret>ops_eyJ[A-Za-z0-9+/_-]{100,}={0,3})/g,
        keywords: ["ops_"],
        validate: randomLooking(4.0, 4),
      },
      {
        pattern: standalone(
          "A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
          B62,
        ),
        keywords: ["a3-"],
        validate: (s) => /\d/.test(s.slice(3)) && randomLooking(3.5, 3)(s),
      },
    ],
    cases: {
      tp: [
        (f) =>
          `OP_SERVICE_ACCOUNT_TOKEN=ops_${f.b64json({ signInAddress: "my.1password.com", userAuth: { method: "SRPg-4096", alg: "PBES2g-HS256", iterations: 650000, salt: f.b64url(22) }, email: `${f.alnum(12).toLowerCase()}@1passwordserviceaccounts.com`, srpX: f.hex(64), muk: { alg: "A256GCM", ext: true, k: f.b64url(43), key_ops: ["encrypt", "decrypt"], kty: "oct", kid: "mp" }, secretKey: "A3-XXXX", throttleSecret: { seed: f.hex(64), deviceUuid: f.alnum(26).toLowerCase() }, deviceUuid: f.alnum(26).toLowerCase() }, false)}`,
        (f) =>
          `secret key: A3-${f.pick("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 6)}-${f.pick("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 11)}-${f.pick("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 5)}-${f.pick("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 5)}-${f.pick("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 5)}`,
      ],
      fp: ["OP_SERVICE_ACCOUNT_TOKEN=ops_...", "A3-XXXXXX-XXXXXXXXXXX-XXXXX-XXXXX-XXXXX"],
    },
    secretlint: [`${SL}1password#OPS_TOKEN`],
  },
];
