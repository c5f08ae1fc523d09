/**
 * Vendor tokens that carry their own marker: a documented prefix (or suffix) and a fixed body, so
 * the shape alone says what they are, in any context. One row per format — prefix, body alphabet
 * and length from the vendor's docs or issued tokens — and a case of our own values for each.
 * Formats without a marker distinctive on its own (Notion's legacy secret_, the NAMED table) need
 * the vendor named nearby. The long tail of standalone formats is in marked-more.ts.
 */
import { ALPHA, type Fake } from "./fake";
import { MARKED_MORE } from "./marked-more";
import {
  B62,
  B64URL,
  nearVendor,
  randomLooking,
  standalone,
  type Case,
  type Detector,
} from "./kit";

export interface Marked {
  /** The vendor and credential, for the docs and the reader. */
  readonly what: string;
  /** The whole token as a regex source, body lengths and alphabet from the vendor's format. */
  readonly body: string;
  /** Lower-case literals one of which every match contains (the keyword pre-filter). */
  readonly keywords: readonly string[];
  /** Characters that may not touch the token on either side (default base64url). */
  readonly alphabet?: string;
  /** Marker characters skipped before judging the body random. */
  readonly skip: number;
  /** The vendor named nearby, when the marker alone is too common. */
  readonly near?: RegExp;
  /** A value of our own in the format. */
  readonly tp: (f: Fake) => string;
  /** Look-alikes of the format that must stay silent (placeholders, wrong lengths, no vendor). */
  readonly fp?: readonly Case[];
}

const lowerDigits = (f: Fake, n: number) => f.pick(ALPHA.lower + ALPHA.digits, n);
const upperDigits = (f: Fake, n: number) => f.pick(ALPHA.upper + ALPHA.digits, n);
const B64 = "A-Za-z0-9+/";

const FIRST: readonly Marked[] = [
  {
    what: "Stripe / Svix webhook signing secret (whsec_)",
    body: `whsec_[${B64}]{32,88}={0,2}`,
    keywords: ["whsec_"],
    alphabet: `${B64}=`,
    skip: 6,
    tp: (f) => `whsec_${f.mixed(32)}`,
  },
  {
    what: "Google OAuth client secret (GOCSPX-)",
    body: `GOCSPX-[${B64URL}]{28}`,
    keywords: ["gocspx-"],
    skip: 7,
    tp: (f) => `GOCSPX-${f.b64url(28)}`,
  },
  {
    what: "Google OAuth access token (ya29.)",
    body: `ya29\\.[${B64URL}]{50,2048}`,
    keywords: ["ya29."],
    skip: 5,
    tp: (f) => `ya29.a0${f.b64url(160)}`,
  },
  {
    what: "NuGet API key (oy2 + 43)",
    body: "oy2[a-z0-9]{43}",
    keywords: ["oy2"],
    alphabet: B62,
    skip: 3,
    tp: (f) => `oy2${lowerDigits(f, 43)}`,
  },
  {
    what: "Square access token and OAuth secret (EAAA + 60, sq0atp-, sq0csp-)",
    body: `EAAA[${B64URL}]{60}|sq0atp-[${B64URL}]{22}|sq0csp-[${B64URL}]{43}`,
    keywords: ["eaaa", "sq0atp-", "sq0csp-"],
    skip: 7,
    tp: (f) => `sq0csp-${f.b64url(43)}`,
  },
  {
    what: "Supabase access token (sbp_ + 40 hex)",
    body: "sbp_[a-f0-9]{40}",
    keywords: ["sbp_"],
    skip: 4,
    tp: (f) => `sbp_${f.hex(40)}`,
  },
  {
    what: "OpenRouter API key (sk-or-v1- + 64 hex)",
    body: "sk-or-v1-[a-f0-9]{64}",
    keywords: ["sk-or-v1-"],
    skip: 9,
    tp: (f) => `sk-or-v1-${f.hex(64)}`,
  },
  {
    what: "Mailchimp API key (32 hex + -us<datacenter>)",
    body: "[a-f0-9]{32}-us\\d{1,2}",
    keywords: ["-us"],
    skip: 0,
    tp: (f) => `${f.hex(32)}-us${1 + f.int(20)}`,
  },
  {
    what: "Telegram bot token (bot id:AA + 33)",
    body: `\\d{8,10}:AA[${B64URL}]{33}`,
    keywords: [":aa"],
    skip: 0,
    tp: (f) => `${1 + f.int(8)}${f.digits(9)}:AA${f.b64url(33)}`,
  },
  {
    what: "RubyGems API key (rubygems_ + 48 hex)",
    body: "rubygems_[a-f0-9]{48}",
    keywords: ["rubygems_"],
    skip: 9,
    tp: (f) => `rubygems_${f.hex(48)}`,
  },
  {
    what: "Clojars deploy token (CLOJARS_ + 60 hex)",
    body: "CLOJARS_[a-f0-9]{60}",
    keywords: ["clojars_"],
    skip: 8,
    tp: (f) => `CLOJARS_${f.hex(60)}`,
  },
  {
    what: "age secret key (AGE-SECRET-KEY-1 + 58 bech32)",
    body: "AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
    keywords: ["age-secret-key-1"],
    skip: 16,
    tp: (f) => `AGE-SECRET-KEY-1${f.pick("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)}`,
  },
  {
    what: "Postman API key (PMAK- + 24 hex - 34 hex)",
    body: "PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
    keywords: ["pmak-"],
    skip: 5,
    tp: (f) => `PMAK-${f.hex(24)}-${f.hex(34)}`,
  },
  {
    what: "Dynatrace API token (dt0c01. + 24 + . + 64)",
    body: "dt0c01\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}",
    keywords: ["dt0c01."],
    skip: 7,
    tp: (f) => `dt0c01.${upperDigits(f, 24)}.${upperDigits(f, 64)}`,
  },
  {
    what: "Brevo (Sendinblue) API and SMTP keys (xkeysib-, xsmtpsib-)",
    body: "x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}",
    keywords: ["sib-"],
    skip: 8,
    tp: (f) => `xkeysib-${f.hex(64)}-${f.mixed(16)}`,
  },
  {
    what: "Doppler tokens (dp.pt. personal, dp.st. service, dp.ct. CLI, dp.sa. service account, dp.scim., dp.audit.)",
    body: "dp\\.(?:pt|ct|sa|scim|audit|st(?:\\.[a-z0-9_-]{2,35})?)\\.[A-Za-z0-9]{40,44}",
    keywords: ["dp."],
    alphabet: B62,
    skip: 6,
    tp: (f) => `dp.st.prd.${f.mixed(43)}`,
  },
  {
    what: "Tailscale key in the older form (tskey-<id>-<secret>, tskey-<secret>)",
    body: "tskey-(?:[A-Za-z0-9]{6,20}-)?[A-Za-z0-9]{16,64}",
    keywords: ["tskey-"],
    skip: 6,
    tp: (f) => `tskey-k${f.mixed(11)}-${f.mixed(30)}`,
  },
  {
    what: "Notion legacy integration secret (secret_ + 43, Notion named nearby)",
    body: "secret_[A-Za-z0-9]{43}",
    keywords: ["secret_"],
    alphabet: B62,
    skip: 7,
    near: /notion/i,
    tp: (f) => `notion_api_key: secret_${f.mixed(43)}`,
  },
];

/**
 * Markers too short or too common to stand alone (Octopus Deploy's API-, Yandex's YC, GoCardless's
 * and Lob's live_, Okta's 00, Cohere's bare 40 characters): the vendor must be named nearby.
 */
const NAMED: readonly Marked[] = [
  {
    what: "Octopus Deploy API key (API- + 26–32, Octopus named nearby)",
    body: "API-[A-Z0-9]{26,32}",
    keywords: ["octopus"],
    alphabet: B62,
    skip: 4,
    near: /octopus/i,
    tp: (f) => `OCTOPUS_API_KEY: API-${upperDigits(f, 28)}`,
    fp: [(f) => `route_name: API-${upperDigits(f, 28)}`],
  },
  {
    what: "Yandex Cloud static access key id (YC + 38, Yandex named nearby)",
    body: `YC[${B64URL}]{38}`,
    keywords: ["yandex"],
    skip: 2,
    near: /yandex/i,
    tp: (f) => `YANDEX_ACCESS_KEY = "YC${f.b64url(38)}"`,
    fp: [(f) => `build_tag = "YC${f.b64url(38)}"`],
  },
  {
    what: "GoCardless live access token (live_ + 40, GoCardless named nearby)",
    body: `live_[${B64URL}]{40}`,
    keywords: ["gocardless"],
    skip: 5,
    near: /gocardless/i,
    tp: (f) => `GOCARDLESS_ACCESS_TOKEN=live_${f.b64url(40)}`,
    fp: [(f) => `channel_slug: live_${f.b64url(40)}`],
  },
  {
    what: "Lob API key (live_, test_ + 35 hex, Lob named nearby)",
    body: "(?:live|test)_[a-f0-9]{35}",
    keywords: ["lob"],
    skip: 5,
    near: /(?:^|[^a-z])lob(?:[^a-z]|$)/i,
    tp: (f) => `const lob = new Lob("live_${f.hex(35)}");`,
    fp: [(f) => `global_cache = "live_${f.hex(35)}"`],
  },
  {
    what: "Okta API token (00 + 40, Okta named nearby)",
    body: `00[${B64URL}]{40}`,
    keywords: ["okta"],
    skip: 2,
    near: /okta/i,
    tp: (f) => `OKTA_API_TOKEN=00${f.b64url(40)}`,
    fp: [(f) => `okta_client_id: 00${f.digits(40)}`],
  },
  {
    what: "Cohere API key (40, Cohere named nearby)",
    body: "[A-Za-z0-9]{40}",
    keywords: ["cohere", "co_api_key"],
    alphabet: B62,
    skip: 0,
    near: /cohere|co_api_key/i,
    tp: (f) => `co = cohere.ClientV2("${f.mixed(40)}")`,
    fp: [(f) => `cohere_commit: ${f.hex(40)}`],
  },
];

export const MARKED: readonly Marked[] = [...FIRST, ...MARKED_MORE, ...NAMED];

export const MARKED_DETECTORS: readonly Detector[] = MARKED.map((m): Detector => {
  const check = randomLooking(3.0, m.skip);
  if (m.near) return nearVendor(m.keywords, m.near, m.body, check, m.alphabet ?? B64URL);
  return {
    pattern: standalone(m.body, m.alphabet ?? B64URL),
    keywords: m.keywords,
    validate: check,
  };
});

/** Every format in a neutral context: only the marker can tell. */
export const MARKED_TP: readonly Case[] = MARKED.map(
  (m): Case =>
    (f) =>
      m.near ? m.tp(f) : `{"value": "${m.tp(f)}"}`,
);

/** The look-alikes each format keeps beside it. */
export const MARKED_FP: readonly Case[] = MARKED.flatMap((m) => m.fp ?? []);
