/**
 * What is NOT a leaked credential: placeholders, references to a secret store or the environment,
 * documented example keys, hashes, UUIDs and base64 blobs (data URIs, lockfile integrity). Every
 * detector's candidate passes through here, so "low noise" is decided in one place.
 */
import { createHash } from "node:crypto";
import { SECRET_SIG_KEY, SECRET_SIG_VALUE } from "./state";

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** How many of lower case, upper case, digits and other characters the text uses. */
export function charClasses(text: string): number {
  return (
    Number(/[a-z]/.test(text)) +
    Number(/[A-Z]/.test(text)) +
    Number(/[0-9]/.test(text)) +
    Number(/[^A-Za-z0-9]/.test(text))
  );
}

/**
 * Documented example credentials from vendors' docs, held as SHA-256 digests so this repository
 * holds no credential-shaped literal (which would trip other scanners). AWS's documented pair
 * ends in "EXAMPLE"/"EXAMPLEKEY" and is caught by {@link isPlaceholder}.
 */
const EXAMPLE_DIGESTS = new Set([
  // Stripe API reference: the shared test-mode secret key shown in every code sample.
  "2cafc0970149a84f3b9e62eaf169f36f59907a3b3e31f7b82e68c69cd27f7326",
  // Slack API docs: the bot token shown in code samples ("not a real token").
  "0e3fd41c01a697720785471d7455850841950378123a3448f925c8687a8a4fa1",
  // Azurite / Storage Emulator docs: the well-known devstoreaccount1 account key, the same on
  // every machine (it opens only the local emulator).
  "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
]);

/** Public constants that look random: Pulumi's secret-signature key and value. */
const PUBLIC_CONSTANTS = new Set([SECRET_SIG_KEY, SECRET_SIG_VALUE]);

export function isDocumentedExample(value: string): boolean {
  return (
    PUBLIC_CONSTANTS.has(value) ||
    EXAMPLE_DIGESTS.has(createHash("sha256").update(value).digest("hex"))
  );
}

const PLACEHOLDER_WORDS =
  /example|sample|dummy|placeholder|changeme|change[_-]me|replace[_-]?(?:me|with|this)|redacted|your[_-]|your(?:api|access|auth|secret|token|key|password|pass)|<[^>]*>|fake|not[_-]?a[_-]?real|lorem|foobar|insert[_-]|todo|fixme|xxxx|\*\*\*|\.\.\.|0123456|123456789|abcdefgh/i;

/** Literally a placeholder: "<your-token>", "xxxx", "changeme", "AKIA…EXAMPLE", "********". */
export function isPlaceholder(value: string): boolean {
  if (/^(.)\1+$/.test(value)) return true; // "xxxxxxxx", "********", "00000000"
  // A long run of one character; not of "/", "+" or "=", which real base64 bodies repeat (an AWS
  // STS session token carries a run of ten "/").
  if (/([^/+=])\1{5,}/.test(value)) return true;
  if (/EXAMPLE/.test(value)) return true; // AWS's documented keys and their imitators
  if (PLACEHOLDER_WORDS.test(value)) return true;
  return /^(?:secret|password|passwd|token|apikey|api[_-]key|none|null|nil|undefined|empty|true|false|test|testing|admin|root|default|string|value|pass|user|username)$/i.test(
    value,
  );
}

/** A pointer to a secret, not a secret: env/config interpolation, secret stores, template tags. */
export function isReference(value: string): boolean {
  return (
    /\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\}|%\([^)]*\)s|#\{[^}]*\}/.test(value) || // ${X} $(x) {{x}} %(x)s #{x}
    /^\$\$?[A-Za-z_][A-Za-z0-9_]*$/.test(value) || // $VAR, and $$VAR (compose's escaped form)
    /^\$[A-Za-z_][A-Za-z0-9_]*[/:]/.test(value) || // $VAR/path, $HOST:port
    /^\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(value) || // {NAME}, a single-brace template
    // "prefix_{}", "{0}", "{}/path": a str.format / String.Format slot, between separators (a
    // password holding "{}" among random characters stays judged).
    /(?:^|[_/.:=-])\{\d*\}(?:$|[_/.:?&=-])/.test(value) ||
    /^%[A-Za-z_][A-Za-z0-9_]*%$/.test(value) || // %VAR%
    /^(?:process\.env|os\.environ|os\.getenv|env\.|ENV\[|secrets\.|vars\.|System\.getenv|!Ref|!Sub|!GetAtt|ENC\[|vault:|arn:aws|sm:\/\/|op:\/\/|ref\+|secretref:)/i.test(
      value,
    )
  );
}

/** 8-4-4-4-12 UUIDs: identifiers, not credentials (the rule). */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** Hash and digest notations: "sha256:…", "sha512-…" (lockfile integrity), bcrypt/argon/crypt. */
export function isHashNotation(value: string): boolean {
  return /^(?:sha(?:1|224|256|384|512)[:-]|md5[:-]|h1:|\$2[abxy]?\$\d\d\$|\$argon2|\$[156]\$|\{S?SHA\}|pbkdf2[_:$])/i.test(
    value,
  );
}

/**
 * Words joined by separators or camel case: "secret_name", "api.token.path", "myTokenValue",
 * Pulumi type tokens ("aws:iam/accessKey:AccessKey").
 */
export function isIdentifierLike(value: string): boolean {
  return (
    /^[A-Za-z]+(?:[._:/-][A-Za-z]+)+$/.test(value) ||
    /^[a-z]+(?:[A-Z][a-z]+)+$/.test(value) ||
    /^[A-Z][a-z]+(?:[A-Z][a-z]+)+$/.test(value) ||
    /^[a-z]+$/.test(value)
  );
}

/** Paths, plain URLs and e-mail addresses are where a secret lives, not the secret. */
export function isLocator(value: string): boolean {
  return (
    /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\)/.test(value) ||
    /^[a-z][a-z0-9+.-]*:\/\/[^@]*$/i.test(value) ||
    /^[^@\s]+@[A-Za-z0-9-]+\.[A-Za-z.]+$/.test(value)
  );
}

/**
 * Ciphertext a tool decrypts at run time, not the secret: Maven's `{base64}` encrypted passwords
 * (settings.xml, settings-security.xml) and Jenkins' `{AQAAAB…}` credentials.
 */
export function isEncryptedValue(value: string): boolean {
  return /^\{[A-Za-z0-9+/]{8,}={0,2}\}$/.test(value);
}

/** One word, maybe capitalised, maybe a label ("Passwort", "Engangskode:"): UI text, not a password. */
export function isSingleWord(value: string): boolean {
  return /^[A-Z]?[a-z]+[:.]?$/.test(value);
}

/** Numbers, booleans and durations ("30d", "PT1H") say nothing secret. */
export function isPlainScalar(value: string): boolean {
  return (
    /^[-+]?\d+(?:\.\d+)?$/.test(value) ||
    /^(?:true|false|yes|no|on|off)$/i.test(value) ||
    /^(?:\d+(?:ms|s|m|h|d|w))+$/.test(value) ||
    /^P(?:\d+[YMWD])*(?:T(?:\d+[HMS])+)?$/.test(value)
  );
}

/** True when a candidate value is one of the things that must stay silent, whatever the rule. */
export function isNoise(value: string): boolean {
  return isPlaceholder(value) || isReference(value) || isDocumentedExample(value);
}

/**
 * Noise, for a long random body such as a PEM key's: placeholder words turn up by chance inside
 * random base64 ("fake", "todo", "xxxx" in about 1 RSA key in 200), so only a low-entropy body
 * ("REDACTED…", "xxxx…") is judged a placeholder.
 */
export function isNoiseBody(value: string): boolean {
  const body = keyBody(value);
  return entropy(body) < 4.5 && isNoise(body);
}

/** A PEM body without its line breaks, real or "\n"-escaped (JSON, env files). */
export function keyBody(value: string): string {
  return value.replace(/\\[rn]|\s/g, "");
}

const BASE64_CHAR = /[A-Za-z0-9+/=]/;

/**
 * True when [start, end) sits inside a longer run of base64 text — a data URI, a lockfile
 * integrity string, an embedded image — where token-shaped substrings occur by chance.
 */
export function insideBase64Blob(content: string, start: number, end: number): boolean {
  let left = start;
  while (left > 0 && start - left < 4096 && BASE64_CHAR.test(content[left - 1])) left--;
  let right = end;
  while (right < content.length && right - end < 4096 && BASE64_CHAR.test(content[right])) right++;
  return right - left >= end - start + 40;
}

// ------------------------------------------------------------------ credential-like names

const SECRET_WORDS = new Set([
  "token",
  "secret",
  "password",
  "passwd",
  "pwd",
  "pass",
  "passphrase",
  "credential",
  "credentials",
  "apikey",
  "pat",
]);

const KEY_QUALIFIERS = new Set([
  "api",
  "access",
  "secret",
  "private",
  "signing",
  "encryption",
  "master",
  "auth",
  "client",
  "app",
  "service",
  "account",
  "license",
  "webhook",
  "session",
  "sas",
  "function",
  "subscription",
  "openai",
  // A cloud account's key: aws_key, iam_key, cloud_key.
  "aws",
  "iam",
  "cloud",
]);

/**
 * Words after a credential word that number, date or place it, not change what it is:
 * API_TOKEN_2, DB_PASSWORD_OLD, password_prod, admin_pass_secure.
 */
const TRAILING_MODIFIER =
  /^(?:v?\d+|backup|old|new|prev|previous|current|next|primary|secondary|prod|production|dev|development|staging|stage|live|test|qa|uat|secure)$/;

/** The words of a name: after its last `.`/`:`/`/`, split on `_`, `-` and camel case, lower-cased. */
export function nameWords(name: string): string[] {
  const tail =
    name
      .split(/[.:/[\]]/)
      .filter(Boolean)
      .pop() ?? "";
  return tail
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/**
 * Whether a name says its value is a credential: its LAST word is token/secret/password/…, or
 * "key" qualified (api key, access key). So `apiToken`, `DB_PASSWORD`, `client_secret`,
 * `AWS_SECRET_ACCESS_KEY` are; `tokenTtl`, `secretName`, `password_hash`, `public_key` are not.
 */
export function credentialKind(name: string): "token" | "password" | undefined {
  const words = nameWords(name);
  // A numbered, rotated or per-environment copy is the same credential.
  while (words.length > 1 && TRAILING_MODIFIER.test(words[words.length - 1])) words.pop();
  const last = words.at(-1);
  if (last === undefined) return undefined;
  if (/^(?:password|passwd|pwd|pass|passphrase|pw)$/.test(last)) return "password";
  if (/(?:password|passwd|pwd)$/.test(last)) return "password";
  if (SECRET_WORDS.has(last)) return "token";
  if (/(?:token|secret|apikey|secretkey|accesskey|privatekey)$/.test(last)) return "token";
  if (last === "key" && words.length > 1 && KEY_QUALIFIERS.has(words[words.length - 2]))
    return "token";
  return undefined;
}

/**
 * Whether a literal value assigned to a credential-like name looks like a real secret rather
 * than a placeholder, reference, identifier, hash or scalar. Tokens need length and entropy;
 * passwords need length and mixed characters.
 */
export function plausibleSecret(value: string, kind: "token" | "password"): boolean {
  if (isNoise(value) || isUuid(value) || isHashNotation(value) || isPlainScalar(value))
    return false;
  if (isIdentifierLike(value) || isLocator(value) || isEncryptedValue(value)) return false;
  if (/\s/.test(value)) return false;
  if (kind === "password")
    return value.length >= 8 && charClasses(value) >= 2 && !isSingleWord(value);
  // Lower-case words around one short number ("keybase64encoded", "oauth2callback") describe
  // a value; random lower-case tokens carry digits throughout.
  if (/^[a-z]+\d{1,3}[a-z]+$/.test(value)) return false;
  return value.length >= 16 && charClasses(value) >= 2 && entropy(value) >= 3.0;
}
