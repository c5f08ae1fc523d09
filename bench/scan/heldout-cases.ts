/**
 * A held-out corpus: situations from Nosey Parker's rule examples
 * (praetorian-inc/noseyparker, crates/noseyparker/data/default/builtin/rules/<family>.yml,
 * `examples` and `negative_examples`), for the families of issue 16 and for vendor tokens standing
 * alone — rewritten with our own random values, like peer-cases.ts. Written after tokenguard's
 * detectors and measured once before any change to them: BENCHMARKS.md reports that first run.
 * Negatives are only the examples that are not credentials at all (Nosey Parker's negatives that
 * are another rule's positives are left out).
 */
import type { BenchCase } from "./peer-cases";

const NP = (rule: string) =>
  `noseyparker crates/noseyparker/data/default/builtin/rules/${rule}.yml`;
const B32L = "abcdefghijklmnopqrstuvwxyz234567";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

const tp = (family: string, rule: string, text: BenchCase["text"], file?: string): BenchCase => ({
  family,
  expect: "tp",
  source: NP(rule),
  text,
  file,
});
const fp = (family: string, rule: string, text: BenchCase["text"], file?: string): BenchCase => ({
  family,
  expect: "fp",
  source: NP(rule),
  text,
  file,
});

export const HELDOUT_CASES: readonly BenchCase[] = [
  tp(
    "atlassian",
    "atlassian",
    (f) =>
      `# put your Jira email and API token here\nemail = 'ops@corp.internal'\napi_token = 'ATATT3${f.b64url(183)}=${f.hex(8).toUpperCase()}'`,
  ),
  tp(
    "atlassian",
    "atlassian",
    (f) =>
      `JIRA_USER="ops@corp.internal"\nJIRA_API_TOKEN="ATATT3${f.b64url(183)}=${f.hex(8).toUpperCase()}"`,
  ),
  tp(
    "atlassian",
    "atlassian",
    (f) =>
      `'jira' => [\n    'host' => env('JIRA_HOST', 'https://jira.internal'),\n    'token' => env('JIRA_TOKEN', 'ATATT3${f.b64url(183)}=${f.hex(8).toUpperCase()}'),\n],`,
  ),
  tp(
    "azure-storage",
    "azure",
    (f) =>
      `# Azure Storage Connection String\nAzureWebJobsStorage=DefaultEndpointsProtocol=https;AccountName=orders${f.digits(4)};AccountKey=${f.base64Bytes(64)};EndpointSuffix=core.windows.net`,
  ),
  tp(
    "azure-storage",
    "azure",
    (f) =>
      `DefaultEndpointsProtocol=http;AccountName=testacc1;\nAccountKey=${f.base64Bytes(64)};\nBlobEndpoint=http://127.0.0.1:10000/testacc1;`,
  ),
  tp(
    "azure-storage",
    "azure",
    (f) =>
      `"IOTHUB_CONNECTION_STRING": {\n  "value": "HostName=hub${f.digits(3)}.azure-devices.net;SharedAccessKeyName=registryReadWrite;SharedAccessKey=${f.base64Bytes(32)}"\n}`,
  ),
  fp(
    "azure-storage",
    "azure",
    "InstrumentationKey=00000000-0000-0000-0000-000000000000;EndpointSuffix=ai.contoso.com;",
  ),
  fp(
    "azure-storage",
    "azure",
    'let accountName = "";\nlet accountKey = Buffer.from("accountKey", "base64");\n',
  ),
  fp("azure-storage", "azure", "let accountName = $accountName;\nlet accountKey = $accountKey;\n"),
  tp(
    "azure-devops",
    "azure",
    (f) => `var personalAccessToken = "${f.pick(B32L, 52)}";  // or read it from configuration`,
  ),
  tp("azure-devops", "azure", (f) => `$token = "${f.pick(B32L, 52)}"`),
  tp(
    "azure-devops",
    "azure",
    (f) => `if __name__ == "__main__":\n    ado_pat =  "${f.pick(B32L, 52)}"`,
  ),
  tp("azure-devops", "azure", (f) => `${f.mixed(52)}JQQJ99${f.alnum(18)}AZDO${f.alnum(4)}`),
  tp(
    "azure-devops",
    "azure",
    (f) => `team = 'Platform Team'\ntoken = '${f.mixed(52)}JQQJ98${f.alnum(18)}AZDO${f.alnum(4)}'`,
  ),
  tp(
    "azure-devops",
    "azure",
    (f) =>
      `azure_devops_url = "https://dev.azure.com/Corp-Team/"\nazure_devops_pat = "${f.mixed(52)}JQQJ99${f.alnum(18)}AZDO${f.alnum(4)}"`,
  ),
  tp(
    "digitalocean",
    "digitalocean",
    (f) =>
      `curl -X GET -H "Content-Type: application/json" -H "Authorization: Bearer doo_v1_${f.hex(64)}" "https://api.digitalocean.com/v2/account"`,
  ),
  tp("digitalocean", "digitalocean", (f) => `token         = "dop_v1_${f.hex(64)}"`),
  tp("digitalocean", "digitalocean", (f) => `  "refresh_token": "dor_v1_${f.hex(64)}",`),
  tp("facebook", "facebook", (f) => `   # config.facebook.key = "${f.hex(32)}"`),
  tp("facebook", "facebook", (f) => `    var fbApiKey = '${f.hex(32)}';`),
  tp(
    "facebook",
    "facebook",
    (f) =>
      `url = 'https://graph.facebook.com/me/friends?access_token=EAACEdEose0cBA${f.mixed(150)}'`,
  ),
  tp("github", "github", (f) => `GITHUB_KEY=${f.checksummed("ghp_")}`),
  tp("github", "github", (f) => `let g:gh_token='ghp_${f.mixed(36)}'`),
  tp("github", "github", (f) => `## git developer settings\n${f.checksummed("ghp_")}\n`),
  tp(
    "github",
    "github",
    (f) => `    "url": "git+https://someone:${f.checksummed("gho_")}@github.com/org/site.git"`,
  ),
  tp(
    "github",
    "github",
    (f) =>
      `Example usage:\ngit clone http://${f.checksummed("ghs_")}@github.com/username/repo.git\n`,
  ),
  tp("github", "github", (f) => `github_pat_11${f.mixed(20)}_${f.mixed(59)}`),
  tp(
    "gitlab",
    "gitlab",
    (f) =>
      `sudo gitlab-runner register \\\n--non-interactive \\\n--url "https://gitlab.com/" \\\n--registration-token "GR1348941${f.b64url(20)}" \\\n--executor "docker"`,
  ),
  tp(
    "gitlab",
    "gitlab",
    (f) =>
      `docker build -t app \\\n-f Dockerfile \\\n--build-arg 'GO_REPO_TOKEN=glpat-${f.b64url(20)}' \\\n`,
  ),
  tp(
    "gitlab",
    "gitlab",
    (f) => `curl \\\n-X POST \\\n--fail \\\n-F token=glptt-${f.hex(40)} \\\n-F ref=main\n`,
  ),
  tp("google-api-key", "google", (f) => `  var DEVELOPER_KEY = 'AIzaSy${f.b64url(33)}';`),
  tp("google-api-key", "google", (f) => `value="AIzaSy${f.b64url(33)}"`),
  tp("heroku", "heroku", (f) => `  HEROKU_API_KEY: ${f.uuid()}`),
  fp(
    "heroku",
    "heroku",
    (f) => `curl https://dashboard.heroku.com/apps/${f.uuid()}/github/push \\`,
  ),
  tp(
    "auth-header",
    "http",
    (f) =>
      `Authorization: Basic ${Buffer.from(`alice:${f.alnum(4).toLowerCase()} ${f.alnum(6).toLowerCase()}`).toString("base64")}`,
  ),
  tp(
    "auth-header",
    "http",
    (f) =>
      `GET /resource HTTP/1.1\nHost: server.internal\nAuthorization: Bearer ${f.mixed(4)}.${f.mixed(5)}-${f.digits(1)}.${f.mixed(4)}\n`,
  ),
  tp("huggingface", "huggingface", (f) => `HF_TOKEN:"hf_${f.pick(LETTERS, 34)}"`),
  tp(
    "jwt",
    "jwt",
    (f) =>
      `${f.b64json({ alg: "HS256", typ: "JWT" })}.${f.b64json({ loggedInAs: "admin", iat: 1422779638 })}.${f.b64url(43)}`,
  ),
  fp("jwt", "jwt", 'it "sets the relation to nil" do\n  eye.eyeable.should be_nil\nend\n'),
  tp("npm", "npm", (f) => `npm_${f.mixed(36)}`),
  fp("npm", "npm", (f) => `-export NPM_TOKEN="${f.uuid()}"`),
  tp("pypi", "pypi", (f) => `# password = pypi-AgEIcHlwaS5vcmc${f.b64url(150)}`),
  tp("pypi", "pypi", (f) => `password: pypi-AgEIcHlwaS5vcmc${f.b64url(180)}`),
  tp(
    "slack",
    "slack",
    (f) => `SLACK_API_TOKEN=xoxb-${f.digits(12)}-${f.digits(12)}-${f.mixed(24)}`,
  ),
  tp(
    "slack",
    "slack",
    (f) => `REM SET SLACK_TOKEN=xoxb-${f.digits(11)}-${f.digits(12)}-${f.mixed(24)}`,
  ),
  tp(
    "slack",
    "slack",
    (f) =>
      `data = {'token':'xoxb-${f.digits(12)}-${f.digits(13)}-${f.mixed(24)}','channel':'C017XD909UJ','pretty':'1'}\n`,
  ),
  tp(
    "slack",
    "slack",
    (f) =>
      `python log_announce.py xoxp-${f.digits(12)}-${f.digits(12)}-${f.digits(12)}-${f.hex(32)} "This is a test run"`,
  ),
  tp(
    "slack",
    "slack",
    (f) =>
      `\turl := "https://slack.com/api/channels.history?token=xoxp-${f.digits(12)}-${f.digits(12)}-${f.digits(12)}-${f.hex(32)}&channel=C4D8D3XMX"`,
  ),
  tp(
    "slack",
    "slack",
    (f) =>
      `this is the api token to connect to the bot user\n\nxoxb-${f.digits(12)}-${f.mixed(24)}\n`,
  ),
  tp(
    "slack",
    "slack",
    (f) => `def notify(message):\n    token = "xoxb-${f.digits(11)}-${f.mixed(24)}"\n`,
  ),
  tp(
    "slack",
    "slack",
    (f) =>
      `#notifications: https://hooks.slack.com/services/T${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8)}/B${f.pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8)}/${f.mixed(24)}`,
  ),
  tp(
    "sourcegraph",
    "sourcegraph",
    (f) => `  sourcegraph access token sgp_${f.hex(16)}_${f.hex(40)}<br/>`,
  ),
  tp("sourcegraph", "sourcegraph", (f) => `  access token sgp_${f.hex(40)}`),
  tp(
    "sourcegraph",
    "sourcegraph",
    (f) =>
      `var applicationId = 'x-sourcegraph-token';\nvar accessToken = 'sgp_${f.hex(16)}_${f.hex(40)}';\n`,
  ),
  tp(
    "standalone-vendor",
    "stripe",
    (f) => `var stripe = require("stripe")("sk_live_${f.mixed(24)}");`,
  ),
  tp(
    "standalone-vendor",
    "openai",
    (f) =>
      `curl https://api.openai.com/v1/images/generations -H "Authorization: Bearer sk-${f.mixed(20)}T3BlbkFJ${f.mixed(20)}"`,
  ),
  tp("standalone-vendor", "anthropic", (f) => `sk-ant-api03-${f.b64url(93)}AA`),
  tp(
    "standalone-vendor",
    "sendgrid",
    (f) => `var sendgrid = require('sendgrid')('SG.${f.b64url(22)}.${f.b64url(43)}');`,
  ),
  tp("standalone-vendor", "hashicorp", (f) => `apikey: hvs.${f.mixed(36)}`),
  tp("url-password", "postgres", (f) => `postgresql://app:${f.mixed(12)}@localhost:5433/database`),
  tp(
    "url-password",
    "mongo",
    (f) =>
      `spring:\n  data:\n    mongodb:\n      uri: "mongodb+srv://servicelogin:${f.mixed(16)}@prince.mongodb.net/?retryWrites=true&w=majority"`,
  ),
  tp("url-password", "mongo", (f) => `mongodb://dbuser:${f.mixed(6)}P%40ssw0rd@localhost/records`),
  tp("url-password", "postgres", "postgresql://user:secret@localhost/database"),
];
