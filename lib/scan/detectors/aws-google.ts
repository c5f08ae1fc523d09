/**
 * AWS and Google Cloud. Formats: AWS IAM's access-key docs (AKIA/ASIA/ABIA/ACCA + 16 base32; a
 * 40-character secret); Google's API-key docs (AIza + 35) and Firebase's "API keys for Firebase
 * are not secret" guidance; the service-account key file format (JSON with type
 * "service_account", private_key_id, private_key). Cases follow gitleaks' rules/{aws,gcp}.go and
 * secretlint's aws/gcp snapshots, with our own values.
 *
 * Public web keys: a Google API key inside a Firebase web/app configuration (next to authDomain,
 * projectId, messagingSenderId, storageBucket or appId, or in google-services.json) is public by
 * design — it ships to every browser and app; access is governed by Firebase security rules and
 * key restrictions — so it is not reported. The same key anywhere else is.
 */
import { entropy, isPlaceholder } from "../noise";
import {
  B62,
  B64URL,
  ROTATE,
  SL,
  linesAround,
  randomLooking,
  standalone,
  type MatchContext,
  type ScanRule,
} from "./kit";

/** Long-term (AKIA), temporary (ASIA), bearer (ABIA) and context (ACCA) access key IDs: base32. */
const AWS_KEY_ID_BODY = "(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}";
const AWS_KEY_ID = new RegExp(`(?<![${B62}])${AWS_KEY_ID_BODY}(?![${B62}])`);

const SERVICE_ACCOUNT = /"type"\s*:\s*"service_account"/;

/** Firebase client configuration keys found around a public web API key. */
const FIREBASE_CONTEXT =
  /authDomain|messagingSenderId|storageBucket|firebaseapp\.com|firebaseio\.com|measurementId|"current_key"|"mobilesdk_app_id"|appId\s*[:=]\s*["']\d:/;

/**
 * A Google API key published on purpose: inside a Firebase web/app configuration (see above).
 * Shared with the generic rule, which would otherwise report `apiKey: "AIza…"` itself.
 */
export function isPublicWebKey(value: string, ctx: MatchContext): boolean {
  return (
    /^AIza[\w-]{35}$/.test(value) &&
    (/google-services\.json$/i.test(ctx.file) ||
      FIREBASE_CONTEXT.test(linesAround(ctx.content, ctx.start, 6, 6)))
  );
}

export const AWS_GOOGLE_RULES: readonly ScanRule[] = [
  {
    id: "aws-access-key-id",
    title: "AWS access key ID",
    description:
      "An AWS access key ID (AKIA… long-term, ASIA… temporary): half of a key pair; the secret key is usually nearby.",
    severity: "high",
    remediation: `Deactivate the key in IAM and create a new one. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone(AWS_KEY_ID_BODY, B62),
        keywords: ["akia", "asia", "abia", "acca"],
        validate: (secret) => !isPlaceholder(secret),
      },
    ],
    cases: {
      tp: [
        (f) => `aws_access_key_id = AKIA${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`,
        (f) =>
          `s3 = boto3.client("s3", aws_access_key_id="ASIA${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}")`,
      ],
      fp: ["aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AKIAXXXXXXXXXXXXXXXX"],
    },
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
          /(?:aws)?[_.-]?secret[_.-]?(?:access[_.-]?)?key["'\]]?[ \t]*(?:=|:=|:|=>|,)[ \t]*["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
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
    cases: {
      tp: [
        (f) => `aws_secret_access_key = ${f.mixed(40)}`,
        (f) =>
          `new AWS.Credentials("AKIA${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}", "${f.mixed(40)}")`,
      ],
      fp: [
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        (f) => `checksum = ${f.mixed(40)}`,
      ],
    },
  },
  {
    id: "google-api-key",
    title: "Google API key",
    description:
      "A Google Cloud / Maps / Gemini API key (AIza + 35 characters). Firebase web and app configuration keys are public by design and not reported.",
    severity: "high",
    remediation: `Delete or restrict the key in the Google Cloud console. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone(`AIza[${B64URL}]{35}`, B64URL),
        keywords: ["aiza"],
        validate: (secret, ctx) => randomLooking(3.5)(secret) && !isPublicWebKey(secret, ctx),
      },
    ],
    cases: {
      tp: [
        (f) => `GOOGLE_API_KEY=AIza${f.b64url(35)}`,
        (f) => `genai.configure(api_key="AIza${f.b64url(35)}")`,
        (f) => `url = f"https://maps.googleapis.com/maps/api/geocode/json?key=AIza${f.b64url(35)}"`,
      ],
      fp: [
        (f) =>
          `const firebaseConfig = {\n  apiKey: "AIza${f.b64url(35)}",\n  authDomain: "orders-app.firebaseapp.com",\n  projectId: "orders-app",\n};`,
        {
          file: "android/app/google-services.json",
          text: (f) => `{"api_key": [{"current_key": "AIza${f.b64url(35)}"}]}`,
        },
        "GOOGLE_API_KEY=AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
      ],
    },
  },
  {
    id: "gcp-service-account-key",
    title: "Google Cloud service-account key",
    description:
      "A Google Cloud service-account key file: JSON of type service_account with its private_key_id and private_key.",
    severity: "critical",
    remediation: `Delete the key in IAM → Service accounts. ${ROTATE}`,
    allowInBase64: true,
    detectors: [
      {
        pattern: /"private_key"\s*:\s*"(?<secret>-----BEGIN [A-Z ]*PRIVATE KEY-----[^"]{8,}?)"/g,
        keywords: ["service_account"],
        validate: (secret, ctx) =>
          SERVICE_ACCOUNT.test(ctx.content) &&
          !isPlaceholder(secret.replace(/-----[A-Z ]+-----/g, "")),
      },
      {
        // A key file whose private_key was cut out still names the key: report its id.
        pattern: /"private_key_id"\s*:\s*"(?<secret>[a-f0-9]{40})"/g,
        keywords: ["service_account"],
        validate: (secret, ctx) =>
          SERVICE_ACCOUNT.test(ctx.content) &&
          !/"private_key"\s*:\s*"-----BEGIN/.test(ctx.content) &&
          randomLooking(3.0)(secret),
      },
    ],
    cases: {
      tp: [
        (f) =>
          `{\n  "type": "service_account",\n  "project_id": "orders-prod",\n  "private_key_id": "${f.hex(40)}",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n${f.b64(64)}\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "ci@orders-prod.iam.gserviceaccount.com"\n}`,
        (f) =>
          `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE${f.b64(40)}\\n-----END PRIVATE KEY-----\\n", "client_email": "a@b.iam.gserviceaccount.com"}`,
        (f) =>
          `{"type": "service_account", "project_id": "orders", "private_key_id": "${f.hex(40)}", "client_id": "${f.digits(21)}"}`,
      ],
      fp: [
        `{"type": "service_account", "private_key_id": "<key-id>", "private_key": "<your private key>"}`,
        (f) => `{"type": "authorized_user", "private_key_id": "${f.hex(40)}"}`,
      ],
    },
    secretlint: [`${SL}gcp#PrivateKeyJSON`, `${SL}gcp#PrivateKeyP12`],
  },
];
