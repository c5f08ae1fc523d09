/**
 * The long tail of vendor tokens that carry their own marker, in the same shape as marked.ts's
 * table: a documented prefix (or structure), a fixed body, a value of our own and look-alikes that
 * must stay silent. Markers too short or too common to stand alone are in marked.ts's NAMED table.
 */
import { ALPHA, type Fake } from "./fake";
import { B62, B64URL } from "./kit";
import type { Marked } from "./marked";

const lowerDigits = (f: Fake, n: number) => f.pick(ALPHA.lower + ALPHA.digits, n);
const UUID = "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}";

/** Formats whose marker is distinctive on its own. */
const STANDALONE: readonly Marked[] = [
  {
    what: "Perplexity API key (pplx- + 48)",
    body: "pplx-[A-Za-z0-9]{48}",
    keywords: ["pplx-"],
    skip: 5,
    tp: (f) => `pplx-${f.mixed(48)}`,
    fp: ["PERPLEXITY_API_KEY=pplx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
  },
  {
    what: "Airtable personal access token (pat + 14 . 64 hex)",
    body: "pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}",
    keywords: ["pat"],
    alphabet: `${B64URL}.`,
    skip: 3,
    tp: (f) => `pat${f.mixed(14)}.${f.hex(64)}`,
    fp: [(f) => `export_path: pat${f.mixed(14)}.${f.hex(40)}`],
  },
  {
    what: "Alibaba Cloud AccessKey ID (LTAI + 20)",
    body: "LTAI[A-Za-z0-9]{20}",
    keywords: ["ltai"],
    alphabet: B62,
    skip: 4,
    tp: (f) => `LTAI${f.mixed(20)}`,
    fp: ["ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIxxxxxxxxxxxxxxxxxxxx"],
  },
  {
    what: "Adobe client secret (p8e- + 32)",
    body: "p8e-[A-Za-z0-9]{32}",
    keywords: ["p8e-"],
    skip: 4,
    tp: (f) => `p8e-${f.mixed(32)}`,
    fp: ["ADOBE_CLIENT_SECRET=p8e-<your-client-secret>"],
  },
  {
    what: "Defined Networking API key (dnkey-)",
    body: "dnkey-[a-z0-9]{26}-[a-z0-9]{52}",
    keywords: ["dnkey-"],
    skip: 6,
    tp: (f) => `dnkey-${lowerDigits(f, 26)}-${lowerDigits(f, 52)}`,
    fp: [
      "DN_API_KEY=dnkey-xxxxxxxxxxxxxxxxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    ],
  },
  {
    what: "Duffel access token (duffel_test_, duffel_live_)",
    body: `duffel_(?:test|live)_[${B64URL}]{43}`,
    keywords: ["duffel_"],
    skip: 12,
    tp: (f) => `duffel_live_${f.b64url(43)}`,
    fp: ["DUFFEL_TOKEN=duffel_test_<token>"],
  },
  {
    what: "EasyPost API keys (EZAK, EZTK + 54)",
    body: "EZ[AT]K[A-Za-z0-9]{54}",
    keywords: ["ezak", "eztk"],
    alphabet: B62,
    skip: 4,
    tp: (f) => `EZAK${f.mixed(54)}`,
    fp: [(f) => `sku: EZAK${f.mixed(40)}`],
  },
  {
    what: "Flutterwave secret key (FLWSECK-, FLWSECK_TEST- + 32 hex + -X)",
    body: "FLWSECK(?:_TEST)?-[a-f0-9]{32}-X",
    keywords: ["flwseck"],
    skip: 8,
    tp: (f) => `FLWSECK_TEST-${f.hex(32)}-X`,
    fp: ["FLW_SECRET_KEY=FLWSECK_TEST-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-X"],
  },
  {
    what: "Frame.io developer token (fio-u- + 64)",
    body: `fio-u-[${B64URL}]{64}`,
    keywords: ["fio-u-"],
    skip: 6,
    tp: (f) => `fio-u-${f.b64url(64)}`,
    fp: ["FRAMEIO_TOKEN=fio-u-YOUR_DEVELOPER_TOKEN"],
  },
  {
    what: "Harness API and service-account tokens (pat., sat. + id . id . secret)",
    body: `[ps]at\\.[${B64URL}]{22}\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{20}`,
    keywords: ["pat.", "sat."],
    alphabet: `${B64URL}.`,
    skip: 4,
    tp: (f) => `pat.${f.b64url(22)}.${f.mixed(24)}.${f.mixed(20)}`,
    fp: ["HARNESS_API_KEY=pat.<accountId>.<tokenId>.<secret>"],
  },
  {
    what: "HCP Terraform / Terraform Enterprise API token (<id>.atlasv1.<secret>)",
    body: `[A-Za-z0-9]{14}\\.atlasv1\\.[${B64URL}]{60,70}`,
    keywords: [".atlasv1."],
    alphabet: `${B64URL}.`,
    skip: 23,
    tp: (f) => `${f.mixed(14)}.atlasv1.${f.b64url(67)}`,
    fp: [
      'token = "xxxxxxxxxxxxxx.atlasv1.zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"',
    ],
  },
  {
    what: "42 intra client secret (s-s4t2ud-, s-s4t2af- + 64 hex)",
    body: "s-s4t2(?:ud|af)-[a-f0-9]{64}",
    keywords: ["s-s4t2"],
    skip: 9,
    tp: (f) => `s-s4t2ud-${f.hex(64)}`,
    fp: ["FT_CLIENT_SECRET=s-s4t2ud-<secret>"],
  },
  {
    what: "MaxMind license key (6 _ 29 _mmk)",
    body: "[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk",
    keywords: ["_mmk"],
    skip: 0,
    tp: (f) => `${f.mixed(6)}_${f.mixed(29)}_mmk`,
    fp: ["MAXMIND_LICENSE_KEY=YOUR_LICENSE_KEY_mmk"],
  },
  {
    what: "OpenShift user token (sha256~ + 43)",
    body: `sha256~[${B64URL}]{43}`,
    keywords: ["sha256~"],
    skip: 7,
    tp: (f) => `sha256~${f.b64url(43)}`,
    fp: ["oc login --token=sha256~<token>", (f) => `digest: sha256:${f.hex(64)}`],
  },
  {
    what: "Prefect API key (pnu_ + 36)",
    body: "pnu_[A-Za-z0-9]{36}",
    keywords: ["pnu_"],
    skip: 4,
    tp: (f) => `pnu_${f.mixed(36)}`,
    fp: ["PREFECT_API_KEY=pnu_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
  },
  {
    what: "ReadMe API key (rdme_ + 70)",
    body: "rdme_[a-z0-9]{70}",
    keywords: ["rdme_"],
    skip: 5,
    tp: (f) => `rdme_${lowerDigits(f, 70)}`,
    fp: ["README_API_KEY=rdme_<your-key>"],
  },
  {
    what: "Scalingo API token (tk-us- + 48)",
    body: `tk-us-[${B64URL}]{48}`,
    keywords: ["tk-us-"],
    skip: 6,
    tp: (f) => `tk-us-${f.b64url(48)}`,
    fp: ["SCALINGO_API_TOKEN=tk-us-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"],
  },
  {
    what: "SettleMint access tokens (sm_pat_, sm_aat_, sm_sat_ + 16)",
    body: "sm_[aps]at_[A-Za-z0-9]{16}",
    keywords: ["sm_pat_", "sm_aat_", "sm_sat_"],
    skip: 7,
    tp: (f) => `sm_pat_${f.mixed(16)}`,
    fp: [(f) => `sm_pat_${f.mixed(30)}_suffix`],
  },
  {
    what: "Shippo API token (shippo_live_, shippo_test_ + 40 hex)",
    body: "shippo_(?:live|test)_[a-f0-9]{40}",
    keywords: ["shippo_"],
    skip: 12,
    tp: (f) => `shippo_live_${f.hex(40)}`,
    fp: ["SHIPPO_TOKEN=shippo_test_0000000000000000000000000000000000000000"],
  },
  {
    what: "Mapbox secret token (sk.eyJ…; public pk. tokens are not reported)",
    body: `sk\\.eyJ[${B64URL}]{20,200}\\.[${B64URL}]{20,24}`,
    keywords: ["sk.eyj"],
    alphabet: `${B64URL}.`,
    skip: 3,
    tp: (f) => `sk.${f.b64json({ u: "acme-maps", a: lowerDigits(f, 25) })}.${f.b64url(22)}`,
    fp: [
      (f) =>
        `map_public: "pk.${f.b64json({ u: "acme-maps", a: lowerDigits(f, 25) })}.${f.b64url(22)}"`,
    ],
  },
  {
    what: "Typeform personal access token (tfp_ + 59)",
    body: `tfp_[${B64URL}]{55,64}`,
    keywords: ["tfp_"],
    skip: 4,
    tp: (f) => `tfp_${f.b64url(59)}`,
    fp: ["TYPEFORM_TOKEN=tfp_<personal-access-token>"],
  },
  {
    what: "Yandex Cloud API key (AQVN + 35–38)",
    body: `AQVN[${B64URL}]{35,38}`,
    keywords: ["aqvn"],
    skip: 4,
    tp: (f) => `AQVN${f.b64url(36)}`,
    fp: ["YC_API_KEY=AQVNxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
  },
  {
    what: "Plaid access token (access-sandbox-, access-development-, access-production- + UUID)",
    body: `access-(?:sandbox|development|production)-${UUID}`,
    keywords: ["access-sandbox-", "access-development-", "access-production-"],
    skip: 0,
    tp: (f) => `access-production-${f.uuid()}`,
    fp: ["access_token: access-sandbox-<uuid>"],
  },
  {
    what: "SonarQube tokens (squ_, sqp_, sqa_ + 40 hex)",
    body: "sq[upa]_[a-f0-9]{40}",
    keywords: ["squ_", "sqp_", "sqa_"],
    skip: 4,
    tp: (f) => `squ_${f.hex(40)}`,
    fp: ["SONAR_TOKEN=squ_0000000000000000000000000000000000000000"],
  },
  {
    what: "Amazon Bedrock long-term API key (ABSK + base64 of BedrockAPIKey-…)",
    body: "ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{80,260}={0,2}",
    keywords: ["absk"],
    alphabet: "A-Za-z0-9+/=",
    skip: 22,
    tp: (f) =>
      `ABSK${Buffer.from(`BedrockAPIKey-${lowerDigits(f, 4)}-at-${f.digits(12)}:${f.base64Bytes(45)}`).toString("base64")}`,
    fp: ["AWS_BEARER_TOKEN_BEDROCK=ABSKQmVkcm9ja0FQSUtleS<rest-of-key>"],
  },
  {
    what: "Dropbox short-lived access token (sl. + 130 or more)",
    body: `sl\\.[${B64URL}]{130,1000}`,
    keywords: ["sl."],
    alphabet: `${B64URL}.`,
    skip: 3,
    tp: (f) => `sl.${f.b64url(140)}`,
    fp: ["DROPBOX_ACCESS_TOKEN=sl.xxxxxxxxxxxxxxxx", (f) => `url: ssl.${f.b64url(140)}`],
  },
];

export const MARKED_MORE: readonly Marked[] = STANDALONE;
