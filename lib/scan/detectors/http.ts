/**
 * Credentials of HTTP itself: passwords in URLs (any scheme: https, ftp, postgres, mongodb…),
 * Authorization headers (Bearer, Token, Basic, or a bare credential), API-key headers
 * (X-Api-Key, PRIVATE-TOKEN, apikey…), `curl -u user:password`, and JWTs. Formats: RFC 3986
 * userinfo, RFC 7617 (Basic), RFC 6750 (Bearer), RFC 7519 (JWT), curl's manual (-u/--user,
 * -H/--header). Cases follow gitleaks' rules/{curl,jwt}.go and secretlint's basicauth and
 * database-connection-string snapshots, with our own values.
 */
import { isIdentifierLike, isNoise, isPlaceholder, isUuid } from "../noise";
import { ROTATE, randomLooking, type ScanRule } from "./kit";
import { JWT_RULE } from "./jwt";

/** Passwords that only stand in for one ("password", "pass1234", "mypassword", "secret"). */
const WEAK_PLACEHOLDER =
  /^(?:my)?(?:pass(?:word|wd)?|pwd|secret|admin|root|test|guest|demo|user)\d{0,4}$/i;

/** A URL password worth reporting: not the user name again, not a word, not a placeholder. */
function plausibleUrlPassword(user: string, password: string): boolean {
  if (password === user || password.length < 4) return false;
  // curl's and secretlint's manuals write "user:pass": short, but a password all the same.
  if (password.toLowerCase() === "pass") return true;
  if (isNoise(password)) return false;
  if (/^\{[^}]*\}$|^\[[^\]]*\]$|^%[^%]+%$|^\$/.test(password)) return false; // {PASS} [pw] %PW% $PW
  if (WEAK_PLACEHOLDER.test(password)) return false;
  return !isIdentifierLike(password) || password.length >= 12;
}

/** A value in an auth header: random-looking, a UUID (many vendors' key format) or a JWT. */
function headerCredential(value: string): boolean {
  if (isPlaceholder(value) || /^(?:bearer|basic|token|digest|negotiate)$/i.test(value))
    return false;
  return isUuid(value) || randomLooking(2.8)(value);
}

/** "Basic <base64 of user:password>" with a printable, non-placeholder pair. */
function basicCredential(value: string): boolean {
  const decoded = Buffer.from(value, "base64").toString("utf8");
  if (!/^[\x20-\x7e]+$/.test(decoded) || !decoded.includes(":")) return false;
  const [user, ...rest] = decoded.split(":");
  const password = rest.join(":");
  return password === ""
    ? user.length >= 3 && !isPlaceholder(user)
    : plausibleUrlPassword(user, password);
}

/** One shell word without its quotes: `kevin:'pw'` → kevin:pw. */
const unquote = (word: string) => word.replace(/"([^"]*)"|'([^']*)'/g, "$1$2");

/** A value that only points at one: $VAR, ${X}, $(cmd), {{ … }}, <…>, [...], {NAME}. */
const SHELL_REFERENCE = /^\$|\$\{|\$\(|\{\{|^<.*>$|^\[.*\]$|^\{[A-Za-z_][\w.-]*\}$/;

/** `curl -u user:password` (the whole argument is the secret), or the key as user (-u key:). */
function curlCredential(arg: string): boolean {
  const word = unquote(arg);
  const colon = word.indexOf(":");
  if (colon === -1) return false;
  const user = word.slice(0, colon);
  const password = word.slice(colon + 1).replace(/^\{(.*)\}$/, "$1");
  if (password === "") {
    return (
      user.length >= 8 &&
      !SHELL_REFERENCE.test(user) &&
      !isIdentifierLike(user) &&
      randomLooking(3.0)(user)
    );
  }
  if (SHELL_REFERENCE.test(password) || isPlaceholder(password) || isNoise(password)) return false;
  return password !== user && password.length >= 6 && !isIdentifierLike(password);
}

/** A literal password on a command line: not a reference, placeholder or word. */
function cliPassword(arg: string): boolean {
  if (SHELL_REFERENCE.test(arg) || isNoise(arg) || WEAK_PLACEHOLDER.test(arg)) return false;
  return arg.length >= 8 && !isIdentifierLike(arg) && randomLooking(2.5)(arg);
}

const HEADER_NAME =
  "(?:x-[a-z0-9]+-)?(?:api-?)?(?:key|token|secret)|x-auth-token|private-token|x-api-key|apikey|api-key|ocp-apim-subscription-key|x-access-token";

export const HTTP_RULES: readonly ScanRule[] = [
  JWT_RULE,
  {
    id: "url-password",
    title: "Password in a URL",
    description:
      "A URL or connection string with an embedded password (postgres://user:pass@…, https://user:pass@…, ftp://user:pass@…, redis://:pass@…).",
    severity: "high",
    remediation: `Take the password out of the URL and pass it from a secret store or the environment. ${ROTATE}`,
    // "pass" is a password in a URL (see plausibleUrlPassword); every other noise check holds.
    isNoise: (secret) => secret.toLowerCase() !== "pass" && isNoise(secret),
    detectors: [
      {
        // Starts at "://" (a literal scan is fast); a scheme must precede it.
        pattern:
          /:\/\/(?<=[a-z][a-z0-9+.-]{0,30}:\/\/)(?<user>[^\s:@/"'`<>]{0,100}):(?<secret>[^\s@/"'`<>]{1,200})@(?=[A-Za-z0-9[])/gi,
        keywords: ["://"],
        validate: (secret, ctx) => plausibleUrlPassword(ctx.groups.user ?? "", secret),
      },
    ],
    cases: {
      tp: [
        (f) => `DATABASE_URL=postgres://orders:${f.mixed(16)}@db.internal:5432/orders`,
        (f) =>
          `mongoose.connect("mongodb+srv://app:${f.mixed(12)}@cluster0.abcde.mongodb.net/app")`,
        "This FTP: ftp://deploy:pass@files.internal includes a credential.",
        (f) => `redis_url: redis://:${f.mixed(20)}@cache:6379/0`,
      ],
      fp: [
        "mongodb://mongodb:mongodb@localhost:27017",
        "https://{USER}:{PASS}@template.example.com",
        "https://${username}:${password}@api.example.com/v1",
        "https://username:password@example.com/api",
        "https://dbuser:mypassword@127.0.0.1:3000/",
        "https://user:abc@api.com/v1",
      ],
    },
  },
  {
    id: "authorization-header",
    title: "Credential in an HTTP auth header",
    description:
      'A literal credential in an Authorization header ("Bearer …", "Token …", "Basic <user:password>", or a bare token) or in an API-key header (X-Api-Key, PRIVATE-TOKEN, apikey, …).',
    severity: "high",
    remediation: `Read the token from the environment or a secret store. ${ROTATE}`,
    detectors: [
      {
        pattern:
          /authorization["']?[ \t]*[:=][ \t]*["']?(?:bearer|(?:api-)?token)[ \t]+(?<secret>[A-Za-z0-9._~+/-]{8,}=*)/gi,
        keywords: ["authorization"],
        validate: headerCredential,
      },
      {
        pattern:
          /authorization["']?[ \t]*[:=][ \t]*["']?basic[ \t]+(?<secret>[A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/gi,
        keywords: ["basic"],
        validate: basicCredential,
      },
      {
        // No scheme: "Authorization: <credential>".
        pattern:
          /authorization["']?[ \t]*:[ \t]*(?<secret>(?!bearer|basic|token|digest|negotiate)[A-Za-z0-9_~+/.=-]{16,}|[0-9a-f]{8}-[0-9a-f-]{27})(?=["'\s]|$)/gim,
        keywords: ["authorization"],
        validate: headerCredential,
      },
      {
        // A header written as one quoted string: curl -H "X-Api-Key: …", wget --header='…'.
        pattern: new RegExp(
          `(?<=["'])(?:${HEADER_NAME}):[ \\t]*(?<secret>[A-Za-z0-9_~+/.=@-]{8,})(?=["'])`,
          "gi",
        ),
        keywords: ["key:", "token:", "secret:", "apikey", "api-key"],
        validate: headerCredential,
      },
    ],
    cases: {
      tp: [
        (f) => `curl -H "Authorization: Bearer ${f.mixed(40)}" https://api.internal/v1`,
        (f) =>
          `curl -H 'Authorization: Basic ${Buffer.from(`deploy:${f.mixed(14)}`).toString("base64")}' https://ci.internal`,
        (f) => `curl --header  'Authorization:  ${f.uuid()}' https://api.internal`,
        (f) => `curl -X GET -H "apikey: ${f.uuid()}" -H "Accept: application/json"`,
        (f) =>
          `wget --header="PRIVATE-TOKEN: ${f.b64url(20)}" https://gitlab.internal/api/v4/projects`,
        (f) => `headers = {"Authorization": "Token ${f.hex(40)}"}`,
      ],
      fp: [
        'curl -H "Authorization: Bearer XXXXXXXXXXXX" https://example.com',
        'curl -H "Authorization: Bearer $API_KEY" https://api.example.com',
        'curl -H "Authorization: Bearer <Openverse API token>" https://api.example.org',
        'curl --header "Authorization: Basic ..." https://accounts.example.com',
        'curl -H "Authorization: Token **********" https://x',
        'curl -H "X-Api-Key: ${{ secrets.API_KEY }}" https://x',
        `curl -H "Authorization: Basic ${Buffer.from("username:password").toString("base64")}" https://x`,
      ],
    },
  },
  {
    id: "curl-user-password",
    title: "Password in a curl command",
    description:
      "A literal user:password after curl -u / --user (or an API key passed as the user, curl -u key:).",
    severity: "high",
    remediation: `Use curl --netrc-file or read the password from the environment (-u "user:$PASSWORD"). ${ROTATE}`,
    detectors: [
      {
        // The argument after -u/--user, quoted or not, up to six continued lines after "curl".
        pattern:
          /\bcurl\b[^\n]*?(?:\\\r?\n[^\n]*?){0,6}[ \t](?:-u|--user)(?:=|[ \t]{1,5})(?<secret>(?:"[^"\n]*"|'[^'\n]*'|[^\s"'|;&<>])+)/g,
        keywords: ["curl"],
        validate: curlCredential,
      },
    ],
    cases: {
      tp: [
        (f) => `curl -u admin:${f.mixed(14)} https://jenkins.internal/api/json`,
        (f) =>
          `curl --user "deploy:${f.mixed(10)}#${f.digits(3)}" -X POST https://nexus.internal/upload`,
        (f) =>
          `curl -X POST https://api.internal/v1/messages \\\n  --user 'api:key-${f.hex(32)}' \\\n  -F to=ops@internal`,
        (f) => `curl https://api.stripe.com/v1/charges -u ${f.mixed(24)}${f.mixed(8)}:`,
        (f) =>
          `curl --user ${f.alnum(6).toLowerCase()}:'${f.mixed(16)}' -iX PATCH https://api.internal`,
      ],
      fp: [
        'curl -u "$USER:$PASSWORD" https://x',
        "curl -u admin:changeme https://x",
        "curl -u <user>:<password> https://x",
        "curl --user ${{ secrets.USER }}:${{ secrets.PASS }} https://x",
        "curl -u user:password https://example.com",
        "curl -u admin https://x",
        "curl http://127.0.0.1:5000/file --user user:pass --digest",
        "curl -u ':' https://localhost:9200",
      ],
    },
  },
  {
    id: "docker-login-password",
    title: "Password in a docker login command",
    description:
      "A literal password after docker login -p / --password (podman, nerdctl and helm registry login alike); --password-stdin is the safe form.",
    severity: "high",
    remediation: `Pipe the password in instead: echo "$REGISTRY_PASSWORD" | docker login -u <user> --password-stdin <registry>. ${ROTATE}`,
    detectors: [
      {
        pattern:
          /\b(?:docker|podman|nerdctl|helm[ \t]+registry)[ \t]+login\b[^\n]{0,512}?[ \t](?:-p(?:=|[ \t]+|(?=[^\s=-]))|--password(?:=|[ \t]+))["']?(?<secret>[^\s"'|;&<>`]{6,256})/g,
        keywords: ["login"],
        validate: cliPassword,
      },
    ],
    cases: {
      tp: [
        (f) => `docker login orders.azurecr.io -u orders -p ${f.b64(52)}`,
        (f) => `docker login -u orders -p${f.mixed(20)} orders.azurecr.io`,
        (f) => `podman login --username ci --password '${f.mixed(14)}!${f.digits(2)}' quay.io`,
      ],
      fp: [
        'echo "$REGISTRY_PASSWORD" | docker login -u ci --password-stdin ghcr.io',
        "docker login -u ci -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
        "docker login -u ${{ secrets.USER }} -p ${{ secrets.PASS }} ghcr.io",
        "docker login -u <user> -p <password> registry.example.com",
      ],
    },
  },
];
