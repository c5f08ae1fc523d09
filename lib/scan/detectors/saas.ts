/**
 * API vendors: Stripe, SendGrid, Twilio, OpenAI, Anthropic, Hugging Face, Mailgun. Formats: each
 * vendor's key docs (sk_live_/rk_live_; SG.22.43; SK + 32 hex; sk-…T3BlbkFJ…, sk-proj-;
 * sk-ant-api03-; hf_ + 34 letters for users, api_org_ + 34 letters for organisations; Mailgun's
 * key- + 32 hex and 32-8-8 hex API keys, named Mailgun nearby). Cases follow gitleaks'
 * rules/{stripe,sendgrid,twilio,openai,anthropic,huggingface}.go and secretlint's snapshots,
 * with our own values.
 */
import {
  B62,
  B64URL,
  ROTATE,
  SL,
  nearVendor,
  randomLooking,
  standalone,
  type ScanRule,
} from "./kit";

export const SAAS_RULES: readonly ScanRule[] = [
  {
    id: "stripe-key",
    title: "Stripe secret key",
    description: "A Stripe secret or restricted key (sk_live_, sk_test_, rk_live_, rk_test_).",
    severity: "critical",
    remediation: `Roll the key in the Stripe dashboard. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("[sr]k_(?:live|test)_[A-Za-z0-9]{20,247}", B62),
        keywords: ["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
        validate: (s) => randomLooking(3.5, 8)(s),
      },
    ],
    cases: {
      tp: [
        (f) => `stripe.api_key = "sk_live_${f.mixed(24)}"`,
        (f) => `curl https://api.stripe.com/v1/charges -u rk_test_${f.mixed(99)}:`,
      ],
      fp: ["STRIPE_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "publishable: pk_live_ is not secret"],
    },
    secretlint: [
      `${SL}stripe#STRIPE_SECRET_KEY_LIVE`,
      `${SL}stripe#STRIPE_SECRET_KEY_TEST`,
      `${SL}stripe#STRIPE_RESTRICTED_KEY_LIVE`,
      `${SL}stripe#STRIPE_RESTRICTED_KEY_TEST`,
    ],
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
        pattern: standalone(`SG\\.[${B64URL}]{22}\\.[${B64URL}]{43}`, B64URL),
        keywords: ["sg."],
        validate: randomLooking(3.5),
      },
    ],
    cases: {
      tp: [
        (f) => `sg = SendGridAPIClient("SG.${f.b64url(22)}.${f.b64url(43)}")`,
        (f) => `SENDGRID_API_KEY=SG.${f.mixed(22)}.${f.mixed(20)}-${f.mixed(22)}`,
      ],
      fp: [
        "SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "msg.SG.header and SG.body are fields, not keys",
      ],
    },
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
        pattern: standalone("SK[0-9a-f]{32}", B62),
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
    cases: {
      tp: [(f) => `TWILIO_API_KEY=SK${f.hex(32)}`, (f) => `twilio_auth_token: "${f.hex(32)}"`],
      fp: [
        "TWILIO_API_KEY=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        (f) => `twilio_account_sid: AC${f.hex(32)}`,
      ],
    },
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
        pattern: standalone(
          `sk-(?:(?:proj|svcacct|admin)-)?[${B64URL}]{20,160}T3BlbkFJ[${B64URL}]{20,160}`,
          B64URL,
        ),
        keywords: ["t3blbkfj"],
        validate: randomLooking(3.5),
      },
    ],
    cases: {
      tp: [
        (f) => `client = OpenAI(api_key="sk-proj-${f.b64url(74)}T3BlbkFJ${f.b64url(74)}")`,
        (f) => `OPENAI_API_KEY=sk-${f.mixed(20)}T3BlbkFJ${f.mixed(20)}`,
      ],
      fp: [
        "OPENAI_API_KEY=sk-...",
        "OPENAI_API_KEY=sk-proj-xxxxxxxxxxxxxxxxxxxxT3BlbkFJxxxxxxxxxxxxxxxxxxxx",
      ],
    },
    secretlint: [`${SL}openai#OPENAI_TOKEN`],
  },
  {
    id: "anthropic-api-key",
    title: "Anthropic API key",
    description:
      "An Anthropic API or admin key (sk-ant-api03-…, sk-ant-admin01-…, the earlier sk-ant- + ~100).",
    severity: "critical",
    remediation: `Revoke the key in the Anthropic console. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone(`sk-ant-(?:api|admin)\\d{2}-[${B64URL}]{80,120}`, B64URL),
        keywords: ["sk-ant-"],
        validate: randomLooking(4.0, 14),
      },
      {
        // The earlier form, before the api03-/admin01- version marker: sk-ant- + ~100.
        pattern: standalone(`sk-ant-(?!(?:api|admin)\\d{2}-)[${B64URL}]{90,120}`, B64URL),
        keywords: ["sk-ant-"],
        validate: randomLooking(4.0, 7),
      },
    ],
    cases: {
      tp: [
        (f) => `anthropic.Anthropic(api_key="sk-ant-api03-${f.b64url(93)}AA")`,
        (f) => `ANTHROPIC_ADMIN_KEY=sk-ant-admin01-${f.b64url(93)}AA`,
        (f) => `{"value": "sk-ant-${f.b64url(104)}"}`,
      ],
      fp: ["ANTHROPIC_API_KEY=sk-ant-api03-...", "ANTHROPIC_API_KEY=sk-ant-xxxxxxxx"],
    },
    secretlint: [`${SL}anthropic#ANTHROPIC_API_KEY`],
  },
  {
    id: "huggingface-token",
    title: "Hugging Face token",
    description:
      "A Hugging Face user access token (hf_ + 34 letters) or organisation API token (api_org_ + 34 letters).",
    severity: "high",
    remediation: `Revoke the token at huggingface.co/settings/tokens. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("(?:hf_|api_org_)[A-Za-z]{34}", B64URL),
        keywords: ["hf_", "api_org_"],
        validate: (s) => {
          const body = s.slice(s.lastIndexOf("_") + 1);
          return /[a-z]/.test(body) && /[A-Z]/.test(body) && randomLooking(3.6)(body);
        },
      },
    ],
    cases: {
      tp: [
        (f) =>
          `huggingface-cli login --token hf_${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34)}`,
        (f) =>
          `model = AutoModel.from_pretrained(name, use_auth_token='api_org_${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 34)}')`,
      ],
      fp: [
        "- (id)hf_requiredCharacteristicTypesForDisplayMetadata;",
        "HUGGINGFACE_TOKEN=hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        'public static final String API_ORG_EXISTS = "ApiOrganizationExists";',
        "old tokens look like api_org_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
      ],
    },
  },
  {
    id: "mailgun-key",
    title: "Mailgun API key",
    description:
      "A Mailgun private API key (key- + 32 hex, or 32-8-8 hex) next to a Mailgun name; the public pubkey- validation key is not reported.",
    severity: "high",
    remediation: `Delete the key in Mailgun (API Security) and create a new one. ${ROTATE}`,
    detectors: [
      nearVendor(
        ["mailgun"],
        /mailgun/i,
        "key-[a-f0-9]{32}|[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}",
        (s) => randomLooking(3.2)(s.replace(/^key-|-/g, "")),
        B64URL,
      ),
    ],
    cases: {
      tp: [
        (f) => `MAILGUN_API_KEY=key-${f.hex(32)}`,
        (f) => `mailgun:\n  api_key: "${f.hex(32)}-${f.hex(8)}-${f.hex(8)}"`,
        (f) =>
          `requests.post("https://api.mailgun.net/v3/mg.internal/messages", auth=("api", "key-${f.hex(32)}"))`,
      ],
      fp: [
        (f) => `MAILGUN_PUBLIC_KEY=pubkey-${f.hex(32)}`,
        "MAILGUN_API_KEY=key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        (f) => `cache-key-${f.hex(32)} # build cache`,
      ],
    },
  },
];
