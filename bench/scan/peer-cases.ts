/**
 * The peer-derived corpus: for every credential family of issue 16, the situations peer scanners'
 * own published tests say must (tp) or must not (fp) be reported — gitleaks'
 * cmd/generate/config/rules/<family>.go `tps`/`fps`, secretlint's
 * packages/@secretlint/secretlint-rule-<x>/test/snapshots/{ng,ok}.* — rewritten here: the same
 * shape and surroundings (the file kind, the assignment form, the placeholder), our own words and
 * our own random values (seeded; no value is copied, none was ever issued). Each case names the
 * peer test it follows. These cases were written from the peers' tests, not from tokenguard's
 * detectors, and are not tokenguard's rule cases (those are reported apart, as "own").
 */
import type { CaseText } from "../../lib/scan/detectors/kit";
import type { Fake } from "../../lib/scan/detectors/fake";

export interface BenchCase {
  readonly family: string;
  readonly expect: "tp" | "fp";
  /** The peer test the case follows. */
  readonly source: string;
  readonly file?: string;
  readonly text: CaseText;
}

const GL = (rule: string) => `gitleaks cmd/generate/config/rules/${rule}.go`;
const SLT = (rule: string, snap: string) =>
  `secretlint packages/@secretlint/secretlint-rule-${rule}/test/snapshots/${snap}`;

const UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** gitleaks' sample assignment shapes (utils.GenerateSampleSecrets), a few of them. */
function shapes(id: string, secret: (f: Fake) => string): CaseText[] {
  const I = id.toUpperCase();
  return [
    (f) => `${id}Token = "${secret(f)}"`,
    (f) => `{\n    "${id}_token": "${secret(f)}"\n}`,
    (f) => `${id}_token: '${secret(f)}'`,
    (f) => `System.setProperty("${I}_TOKEN", "${secret(f)}")`,
    (f) => `<${id}Token>\n    ${secret(f)}\n</${id}Token>`,
    (f) => `${I}_TOKEN ?= "${secret(f)}"`,
  ];
}

function tps(
  family: string,
  source: string,
  texts: readonly CaseText[],
  file?: string,
): BenchCase[] {
  return texts.map((text) => ({ family, expect: "tp", source, file, text }));
}
function fps(
  family: string,
  source: string,
  texts: readonly CaseText[],
  file?: string,
): BenchCase[] {
  return texts.map((text) => ({ family, expect: "fp", source, file, text }));
}

const jwt = (f: Fake, payload: Record<string, unknown>, alg = "HS256") =>
  `${f.b64json({ alg, typ: "JWT" })}.${f.b64json(payload)}.${f.b64url(43)}`;

export const PEER_CASES: readonly BenchCase[] = [
  // ---------------------------------------------------------------- JWT
  ...tps("jwt", GL("jwt"), [
    (f) =>
      `"access_token": "${jwt(f, { sub: f.uuid(), email: "ops@corp.internal", exp: 1999999999 })}"`,
    (f) =>
      `https://media.internal/playlist/master.m3u8?access_token=${jwt(f, { mid: f.digits(8) })}`,
    (f) => `"Authorization": "Bearer ${jwt(f, { sub: "username:bob" })}"`,
    (f) =>
      `const TestServiceAccountJWT = "${jwt(f, { iss: "kubernetes/serviceaccount", "kubernetes.io/serviceaccount/namespace": "kube-system" }, "RS256")}"`,
    (f) =>
      `String tokenWithNoneAlg = "${f.b64json({ alg: "none" })}.${f.b64json({ sub: "test-user" })}.";`,
    (f) => `"Cookie": "auth-token=${jwt(f, { id: f.int(99999), isAdmin: false })}"`,
    (f) =>
      `python examples/cli.py ${jwt(f, { Issuer: "Issuer", Username: "svc", exp: 1593133483 })}`,
    (f) =>
      `- SUPABASE_SERVICE_ROLE_KEY=${jwt(f, { iss: "supabase-demo", role: "anon", exp: 1983812996 })}`,
  ]),
  ...fps("jwt", GL("jwt"), [
    "token: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ...",
    "JWTs start with eyJ because base64 of '{\"' is eyJ",
  ]),
  // ---------------------------------------------------------------- curl -u / --user
  ...tps("curl-user", GL("curl (CurlBasicAuth)"), [
    (f) => `curl --cacert ca.crt -u elastic:${f.mixed(8)}$1 https://localhost:9200`,
    (f) =>
      `curl -k -X POST https://cache:11222/rest/v2/caches/default/k \\\n  -H 'Content-type: text/plain' \\\n  -d 'v' \\\n  -u developer:${f.mixed(16)}`,
    (f) => `curl -u ":${f.mixed(10)}!t" https://localhost:9200`,
    (f) => `curl -u "${f.mixed(10)}!t:" https://localhost:9200`,
    (f) =>
      `curl -sw '%{http_code}' -X POST --user  'jdoe:${f.mixed(8)}~${f.digits(2)}s' $API_URL/$COMMIT --data`,
    (f) =>
      `curl --user dev${f.digits(2)}@mail.internal:${f.mixed(10)} https://files.internal/cli_link -v`,
    (f) =>
      `curl -s -v --user "j.smith:${f.mixed(6)}@${f.mixed(6)}#${f.digits(1)}J" "https://api.corp.internal/user/me"`,
    (f) =>
      `curl --user kevin:'${f.mixed(16)}' -iX PATCH -H "Content-Type: application/json" -d @body.json`,
    (f) =>
      `$ curl https://api.files.internal/oauth2/token \\\n  --user ${f.alnum(15).toLowerCase()}:${f.alnum(15).toLowerCase()} --data grant_type=authorization_code`,
  ]),
  ...fps("curl-user", GL("curl (CurlBasicAuth)"), [
    "curl -i -u 'test:test'",
    '   curl -sL --user "$1:$2" "$3" > "$4"',
    "curl -u <user:password> https://svc.internal/endpoint",
    "curl --user neo4j:[PASSWORD] http://[IP]:7474/db/data/",
    'curl -u "${_username}:${_password}"',
    'curl -XGET -i -u "${{ env.ELK_ID }}:${{ env.ELK_PASS }}"',
    'curl -X POST --user "$(cat ./login.txt):$(cat ./password.txt)"',
    "curl http://127.0.0.1:5000/file --user user:pass --digest        # digest auth",
    'curl --user "xxx:yyy"',
  ]),
  // ---------------------------------------------------------------- Authorization / API-key headers
  ...tps("auth-header", GL("curl (CurlHeaderAuth)"), [
    (f) => `curl --header  'Authorization:  ${f.uuid()}'`,
    (f) =>
      `curl -H 'Authorization: Basic ${Buffer.from(`svc:${f.mixed(12)}`).toString("base64")}' \\`,
    (f) =>
      `curl -X POST -H "Content-Type: application/json" \\\n -H "Authorization: Basic ${Buffer.from(`${f.hex(32)}:${f.hex(32)}`).toString("base64")}" \\\n  'http://localhost:8080/v1.0/users'`,
    (f) =>
      `# curl -X GET "http://localhost:3000/api/cron/status" -H "Authorization: Bearer ${f.hex(32)}"`,
    (f) => `curl -H "Authorization: Bearer sha256~${f.b64url(43)}"`,
    (f) =>
      `curl -H "Authorization: Api-Token ${f.hex(40)}" --request PUT https://report.internal/api/use/635`,
    (f) =>
      `curl -X GET \\\n     -H "apikey: ${f.uuid()}" \\\n     -H "Accept: application/json" \\`,
    (f) =>
      `curl -XPOST http://localhost:8080/api/tasks -H "Token: ${f.hex(16)}" -d "content=hello"`,
    (f) => `curl -X GET https://deploy.corp.internal/\n     -H "X-Octopus-ApiKey: ${f.uuid()}" \\`,
  ]),
  ...fps("auth-header", GL("curl (CurlHeaderAuth)"), [
    'curl https://svc.internal/micropub -d h=entry -H "Authorization: Bearer XXXXXXXXXXXX"',
    'curl -X POST https://accounts.internal/api/token -d grant_type=client_credentials --header "Authorization: Basic ..."',
    'curl \\\n  -H "Authorization: Bearer <Openverse API token>" \\\n  "https://api.openverse.internal/v1/audio/?q=test"',
    'curl -v -X POST https://domain/api/v1/login/ -H "Authorization: Token **********"',
    'curl -XPOST http://localhost:8080/api/token -H "Authorization: basic {base64(email:password[\\n])}"',
    'curl -X GET \\\n     -H "apikey: $API_KEY" \\\n     -H "Accept: $FORMAT"',
    'curl -H "Authorization: Bearer $(gcloud auth print-access-token)" https://workflows.internal/v1/run',
  ]),
  // ---------------------------------------------------------------- Slack
  ...tps("slack", GL("slack"), [
    (f) => `"bot_token": "xoxb-${f.digits(12)}-${f.digits(13)}-${f.mixed(24)}"`,
    (f) => `"user_token": "xoxp-${f.digits(11)}-${f.digits(10)}-${f.digits(11)}-${f.hex(32)}"`,
    (f) =>
      `"url_private": "https:\\/\\/files.slack.com\\/files-pri\\/T04-F04\\/image.png?t=xoxe-${f.digits(13)}-${f.digits(13)}-${f.digits(13)}-${f.hex(32)}"`,
    (f) => `"token": "xapp-1-A${f.pick(UPPER_DIGITS, 10)}-${f.digits(13)}-${f.hex(64)}"`,
    (f) => `"access_token": "xoxe.xoxp-1-${f.mixed(163)}"`,
    (f) => `"access_token": "xoxe.xoxb-1-${f.mixed(165)}"`,
    (f) => `"refresh_token": "xoxe-1-${f.mixed(146)}"`,
    (f) => `"legacy_token": "xoxs-${f.digits(10)}-${f.digits(11)}-${f.digits(12)}-${f.hex(64)}"`,
    (f) =>
      `SLACK_WORKFLOW=https://hooks.slack.com/workflows/T${f.pick(UPPER_DIGITS, 9)}/A${f.pick(UPPER_DIGITS, 10)}/${f.digits(18)}/${f.mixed(24)}`,
    (f) =>
      `"webhook": "https://hooks.slack.com/services/T${f.pick(UPPER_DIGITS, 8)}/B${f.pick(UPPER_DIGITS, 10)}/${f.mixed(24)}"`,
  ]),
  ...tps("slack", SLT("slack", "ng.found-slack-token"), [
    (f) => `token=xoxb-${f.digits(11)}-${f.digits(13)}`,
    (f) => `token:xoxo-${f.digits(11)}-${f.digits(13)}`,
  ]),
  ...fps("slack", GL("slack"), [
    "xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx",
    "xoxb-xxx",
    "xoxb-12345-abcd234",
    "xoxb-xoxb-my-bot-token",
    `"token1": "xoxp-1234567890"`,
    `"token2": "xoxp-XXXXXXXXXX-XXXXXXXXXX-XXXXXXXXXXX-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"`,
    (f) => `"token3": "xoxp-1234-1234-1234-${f.hex(32)}"`,
    (f) => `"token4": "xoxp-${f.digits(12)}-${f.digits(12)}-${f.digits(12)}-####################"`,
    "xoxe.xoxp-1-SlackAppConfigurationAccessTokenHere",
    "xoxe.xoxp-1-initial",
    "xoxe-1-xxx",
  ]),
  ...fps("slack", SLT("slack", "ok.valid"), ["See https://api.slack.com/web for the Web API."]),
  // ---------------------------------------------------------------- Cloudflare
  ...tps("cloudflare", GL("cloudflare"), [
    (f) => `cloudflare_global_api_key = "${f.hex(37)}"`,
    (f) => `CLOUDFLARE_GLOBAL_API_KEY: ${f.hex(37)}`,
    (f) => `cloudflare: "${f.hex(37)}"`,
    (f) => `cloudflare_api_key = "${f.mixed(20)}-${f.mixed(19)}"`,
    (f) => `CLOUDFLARE_API_KEY: ${f.mixed(40)}`,
    (f) => `CLOUDFLARE_ORIGIN_CA: v1.0-${f.hex(24)}-${f.hex(146)}`,
    ...shapes("cloudflare", (f) => f.hex(37)).slice(0, 3),
  ]),
  ...fps("cloudflare", GL("cloudflare"), [
    "CLOUDFLARE_API_KEY: your-cloudflare-api-key-goes-here",
    "cloudflare_zone: example.org",
  ]),
  // ---------------------------------------------------------------- Fly.io
  ...tps("flyio", GL("flyio"), [
    ...shapes("fly", (f) => `fo1_${f.b64url(43)}`).slice(0, 3),
    (f) => `Fly access token: fo1_${f.b64url(43)}\n`,
    (f) => `ENV FLY_API_TOKEN="FlyV1 fm1r_${f.b64(300)}=,fm1a_${f.b64(200)}="`,
    (f) => `#           FLY_API_TOKEN: FlyV1 fm2_${f.b64(280)}==,fm2_${f.b64(300)}`,
    (f) => `"BindToParentToken": "FlyV1 fm2_${f.b64(150)}",`,
  ]),
  ...fps("flyio", GL("flyio"), [
    'resource "doppler_integration_flyio" "prod" {\n  name    = "TF Fly.io"\n  api_key = "fo1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"\n}',
    "pub const MINIDUMP_SYSMEMINFO1_PERF_CCTOTALDIRTYPAGES_CCDIRTYPAGETHRESHOLD: u32 = 4u32;",
    (f) =>
      `<input type="hidden" name="authenticity_token" value="${f.alnum(4)}-Fo1_${f.b64url(80)}" autocomplete="off" />`,
  ]),
  // ---------------------------------------------------------------- Hugging Face
  ...tps("huggingface", GL("huggingface"), [
    (f) => `huggingface-cli login --token hf_${f.pick(LETTERS, 34)}`,
    (f) => `-H "Authorization: Bearer hf_${f.pick(LETTERS, 34)}"`,
    (f) => `DEV=1 HF_TOKEN=hf_${f.pick(LETTERS, 34)} poetry run python app.py`,
    (f) => `use_auth_token='hf_${f.pick(LETTERS, 34)}')`,
    (f) => `api_org_${f.pick(LETTERS, 34)}`,
    (f) => `\`api_org_${f.pick(LETTERS, 34)}\``,
    (f) => `    hf_token = "api_org_${f.pick(LETTERS, 34)}"  # revealed on purpose for tests`,
    (f) => `os.environ['HUGGINGFACEHUB_API_TOKEN'] = 'api_org_${f.pick(LETTERS, 34)}'`,
  ]),
  ...fps("huggingface", GL("huggingface"), [
    "- (id)hf_requiredCharacteristicTypesForDisplayMetadata;",
    "                            _kHMSymptomhf_generatedByHomeAppForDebuggingPurposesKey,",
    '        os.environ.get("HF_AUTH_TOKEN",\n        "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),',
    'public static final String API_ORG_EXIST = "APIOrganizationExist";',
    "const api_org_controller = require('../../controllers/api/index').organizations;",
    "<p>You should see a token <code>hf_xxxxx</code> (old tokens are <code>api_XXXXXXXX</code> or <code>api_org_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX</code>).</p>",
  ]),
  // ---------------------------------------------------------------- Kubernetes Secret
  ...tps(
    "kubernetes",
    GL("kubernetes"),
    [
      (f) => `apiVersion: v1\nkind: Secret\ndata:\n\tpassword: ${f.base64Bytes(70)}`,
      (f) =>
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: heketi-secret\ndata:\n  # base64 encoded password\n  key: ${f.base64Bytes(10)}`,
      (f) =>
        `apiVersion: v1\n data:\n \textra: ${f.base64Bytes(14)}\n kind: secret\n metadata:\n\t name: secret-sa-sample`,
      (f) =>
        `apiVersion: 'v1'\ndata:\n\textra: '${f.base64Bytes(14)}'\nkind: 'Secret'\nmetadata:\n\tname: 'sa-sample'`,
      (f) =>
        `apiVersion: v1\ndata:\n  .dockercfg: |\n    ${f.base64Bytes(54)}\nmetadata:\n  name: secret-dockercfg\ntype: kubernetes.io/dockercfg\nkind: Secret\n`,
      (f) =>
        `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ca-secret\ntype: Opaque\ndata:\n  ca.pem: ${f.base64Bytes(90)}\n`,
    ],
    "deploy/secret.yaml",
  ),
  ...fps(
    "kubernetes",
    GL("kubernetes"),
    [
      'apiVersion: v1\nkind: Secret\ndata:\n  password: {{ .Values.password }}\n  token: ""\n',
      "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nspec:\n  data:\n    - secretKey: password\n      remoteRef:\n        key: prod/db\n",
      (f) =>
        `kind: ConfigMap\ndata:\n  settings: ${f.base64Bytes(30)}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: empty\n`,
    ],
    "deploy/manifests.yaml",
  ),
  // ---------------------------------------------------------------- Sumo Logic
  ...tps("sumologic", GL("sumologic"), [
    (f) => `sumologic.accessId = "su${f.mixed(12)}"`,
    (f) => `export SUMOLOGIC_ACCESSID="su${f.mixed(12)}"`,
    (f) => `SUMO_ACCESS_ID = "su${f.mixed(12)}"`,
    (f) => `export SUMOLOGIC_ACCESSKEY="${f.mixed(64)}"`,
    (f) => `SUMO_ACCESS_KEY: ${f.mixed(64)}`,
    (f) => `sumo_access_key = "${f.mixed(64)}"`,
  ]),
  ...fps("sumologic", GL("sumologic"), [
    "- (NSNumber *)sumOfProperty:(NSString *)property;",
    'sumologic_access_id         = ""',
    "SUMOLOGIC_ACCESSID: ${SUMOLOGIC_ACCESSID}",
    "export SUMOLOGIC_ACCESSID=XXXXXXXXXXXXXX",
    (f) => `sumObj = su${f.mixed(12)}`,
    "#   SUMO_ACCESS_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    'sumo_access_key   = "<SUMOLOGIC ACCESS KEY>"',
    (f) => `sumOfExposures = ${f.mixed(64)};`,
  ]),
  // ---------------------------------------------------------------- NuGet
  ...tps(
    "nuget",
    GL("nuget"),
    [(f) => `<add key="Password" value="${f.mixed(12)}1" />`],
    "nuget.config",
  ),
  ...tps(
    "nuget",
    GL("nuget"),
    [(f) => `<add key="ClearTextPassword" value="${f.mixed(10)}-Password" />`],
    "src/NuGet.Config",
  ),
  ...tps(
    "nuget",
    GL("nuget"),
    [(f) => `<add key="ClearTextPassword" value="${f.mixed(10)}%Password" />`],
    "Nuget.CONfig",
  ),
  ...fps(
    "nuget",
    GL("nuget"),
    ['<add key="Password" value="NotTheNugetFile1" />'],
    "config/some.xml",
  ),
  ...fps(
    "nuget",
    GL("nuget"),
    ['<add key="ClearTextPassword" value="XXXXXXXXXXX" />'],
    "nuget.config",
  ),
  ...fps(
    "nuget",
    GL("nuget"),
    ['<add key="ClearTextPassword" value="abc" />'],
    "build/nuget.config",
  ),
  ...fps(
    "nuget",
    GL("nuget"),
    ['<add key="ClearTextPassword" value="%FeedPassword%" />'],
    "ci/NuGet.Config",
  ),
  // ---------------------------------------------------------------- Discord
  ...tps("discord", GL("discord"), [
    ...shapes("discord", (f) => f.hex(64)).slice(0, 3),
    ...shapes("discord", (f) => f.mixed(32)).slice(3, 5),
    (f) => `DISCORD_WEBHOOK_URL=https://discord.com/api/webhooks/${f.digits(19)}/${f.b64url(68)}`,
    (f) => `bot.run("M${f.b64url(25)}.${f.b64url(6)}.${f.mixed(38)}")`,
  ]),
  ...fps("discord", GL("discord"), [
    "discord=000000000000000000",
    "discord=00000000000000000000000000000000",
  ]),
  // ---------------------------------------------------------------- Azure AD client secret
  ...tps("azure-ad", GL("azure (AzureActiveDirectoryClientSecret)"), [
    (f) => `client_secret=${f.alnum(3)}8Q~${f.mixed(34)}`,
    (f) => `client_secret: .${f.alnum(2)}8Q~${f.mixed(34)}`,
    (f) => `<value xsi:type="xsd:string">~${f.alnum(2)}8Q~${f.mixed(34)}</value>`,
    (f) => `"CLIENT_SECRET": "${f.alnum(3)}7Q~${f.mixed(20)}~${f.mixed(6)}.${f.alnum(1)}"`,
    (f) =>
      `Set-PSUAuthenticationMethod -Type 'OpenIDConnect' -CallbackPath '/auth/oidc' -ClientId 'app' -ClientSecret '${f.alnum(3)}7Q~${f.mixed(10)}.${f.mixed(23)}'`,
    (f) => `"line": "client_srt = \\"${f.alnum(3)}8Q~${f.mixed(34)}\\";",`,
    (f) => `(use the client secret: ${f.alnum(3)}8Q~${f.mixed(10)}-_${f.mixed(22)})`,
  ]),
  ...fps("azure-ad", GL("azure (AzureActiveDirectoryClientSecret)"), [
    "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
    ".ui.visible.right.sidebar~.ui.visible.left.sidebar~.pusher{transform:translate3d(0,0,0)}",
    "'url': 'http://www.tv.internal/speel~VARA_101375237~mh17-het-verdriet~.html',",
    "client_secret=bP88Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
  ]),
  // ---------------------------------------------------------------- Azure storage / Service Bus key
  ...tps("azure-storage", "detect-secrets detect_secrets/plugins/azure_storage_key.py (tests)", [
    (f) =>
      `DefaultEndpointsProtocol=https;AccountName=store${f.digits(3)};AccountKey=${f.base64Bytes(64)};EndpointSuffix=core.windows.net`,
    (f) =>
      `"AzureWebJobsStorage": "DefaultEndpointsProtocol=https;AccountName=fn;AccountKey=${f.base64Bytes(64)}"`,
    (f) =>
      `Endpoint=sb://bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${f.base64Bytes(32)}`,
  ]),
  ...fps("azure-storage", "detect-secrets detect_secrets/plugins/azure_storage_key.py (tests)", [
    "AccountKey=<your-account-key>",
    "DefaultEndpointsProtocol=https;AccountName=devstoreaccount1;AccountKey=${AZURE_STORAGE_KEY}",
  ]),
  // ---------------------------------------------------------------- Azure DevOps PAT
  ...tps(
    "azure-devops",
    "Microsoft docs: use personal access tokens (84-character format, AZDO signature)",
    [
      (f) => `AZURE_DEVOPS_EXT_PAT=${f.mixed(52)}JQQJ99${f.mixed(18)}AZDO${f.mixed(4)}`,
      (f) =>
        `git clone https://pat:${f.mixed(52)}JQQJ9D${f.mixed(18)}AZDO${f.mixed(4)}@dev.azure.com/org/proj/_git/repo`,
      (f) => `azure_devops_token: ${f.pick("abcdefghijklmnopqrstuvwxyz234567", 52)}`,
    ],
  ),
  ...fps("azure-devops", "Microsoft docs: use personal access tokens", [
    "AZURE_DEVOPS_EXT_PAT=$(System.AccessToken)",
    "azure_devops_token: <personal-access-token>",
  ]),
  // ---------------------------------------------------------------- Facebook
  ...tps("facebook", GL("facebook"), [
    ...shapes("facebook", (f) => f.hex(32)).slice(0, 3),
    (f) => `facebook_client_access_token: ${f.hex(32)}`,
    (f) => `{"facebook access_token":"${f.digits(15)}|${f.b64url(27)}","token_type":"bearer"}`,
    (f) => `facebook ${f.digits(16)}|${f.b64url(27)}`,
    (f) => `EAAM${f.mixed(220)}`,
    (f) => `- name: FACEBOOK_TOKEN\n  value: "EAACEd${f.mixed(110)}"`,
  ]),
  ...fps("facebook", GL("facebook"), [
    (f) => `eaaa${f.hex(36)}`,
    (f) =>
      `"strict-uri-encode@npm:^2.0.0":\n  version: 2.0.0\n  checksum: eaac${f.hex(124)}\n  languageName: node`,
  ]),
  // ---------------------------------------------------------------- Heroku
  ...tps("heroku", GL("heroku"), [
    ...shapes("heroku", (f) => f.uuid()).slice(0, 3),
    (f) => `heroku_api_key = "${f.uuid()}"`,
    ...shapes("heroku", (f) => `HRKU-AA${f.b64url(58)}`).slice(0, 2),
    (f) => `const KEY = "HRKU-AA${f.b64url(58)}"`,
    (f) => `API_Key = "HRKU-AA${f.b64url(58)}"`,
  ]),
  ...fps("heroku", GL("heroku"), [
    "HEROKU_API_KEY=<your heroku api key>",
    "heroku_app: orders-staging",
  ]),
  // ---------------------------------------------------------------- Sourcegraph
  ...tps("sourcegraph", GL("sourcegraph"), [
    (f) => `sgp_${f.pick("0123456789abcdefABCDEF", 16)}_${f.pick("0123456789abcdefABCDEF", 40)}`,
    (f) => `sourcegraph: ${f.pick("0123456789abcdefABCDEF", 40)}`,
    (f) => `sgp_${f.pick("0123456789abcdefABCDEF", 40)}`,
    (f) => `sgp_local_${f.pick("0123456789abcdefABCDEF", 40)}`,
  ]),
  ...fps("sourcegraph", GL("sourcegraph"), [
    "sgp_5555555dAAAAA7777777CcccCFaaaaaaaaaaaaaa",
    (f) => `sgp_local_${f.hex(6)}G${f.hex(33)}`,
    (f) => `sgp_${f.hex(20)}!${f.hex(19)}`,
    (f) => `${f.pick("0123456789abcdefABCDEF", 40)}`,
  ]),
  // ---------------------------------------------------------------- 1Password
  ...tps("1password", GL("1password"), [
    (f) =>
      `1password_api_token = "ops_${f.b64json({ signInAddress: "my.1password.com", userAuth: { method: "SRPg-4096", alg: "PBES2g-HS256", iterations: 650000, salt: f.b64url(22) }, email: `${f.alnum(12).toLowerCase()}@1passwordserviceaccounts.com`, srpX: f.hex(64), muk: { alg: "A256GCM", k: f.b64url(43) } }, false)}"`,
    (f) =>
      `### 1Password System Vault Name\nexport OP_SERVICE_ACCOUNT_TOKEN=ops_${f.b64json({ signInAddress: "team.1password.com", userAuth: { method: "SRPg-4096", salt: f.b64url(22) }, srpX: f.hex(64), throttleSecret: { seed: f.hex(64) } }, false)}\n`,
    (f) =>
      `    "sourceContent": "ops_${f.b64json({ email: `${f.alnum(12).toLowerCase()}@1passwordserviceaccounts.lcl`, muk: { alg: "A256GCM", ext: true, k: f.b64url(43) }, secretKey: `A3-${f.pick(UPPER_DIGITS, 6)}`, srpX: f.hex(64) }, false)}"`,
    (f) =>
      `A3-${f.pick(UPPER_DIGITS, 6)}-${f.pick(UPPER_DIGITS, 11)}-${f.pick(UPPER_DIGITS, 5)}-${f.pick(UPPER_DIGITS, 5)}-${f.pick(UPPER_DIGITS, 5)}`,
    (f) =>
      `onepassword_secret_key: A3-${f.pick(UPPER_DIGITS, 6)}-${f.pick(UPPER_DIGITS, 6)}-${f.pick(UPPER_DIGITS, 5)}-${f.pick(UPPER_DIGITS, 5)}-${f.pick(UPPER_DIGITS, 5)}-${f.pick(UPPER_DIGITS, 5)}`,
  ]),
  ...fps("1password", GL("1password"), [
    "        login:\n          serviceAccountToken:\n            fn::secret: ops_eyJzaWduSW5B..[Redacted]",
    ": export OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNzIjoiaHR0cHM6...",
    `ops_eyJ${"x".repeat(260)}`,
    "A3-XXXXXX-XXXXXXXXXXX-XXXXX-XXXXX-XXXXX",
  ]),
  ...fps("1password", SLT("1password", "ok.ops_prefix_but_is_not_jwt"), [
    (f) => `ops_DUMMY${f.b64(150)}`,
  ]),
  // ---------------------------------------------------------------- Sentry
  ...tps("sentry", GL("sentry"), [
    ...shapes("sentry", (f) => f.hex(64)).slice(0, 2),
    (f) =>
      `sentry_api_token = "sntrys_${f.b64json({ iat: 1687336543.69859, url: null, region_url: "http://localhost:8000", org: "sentry" }, false)}_${f.b64(43)}"`,
    (f) =>
      ` sntrys_${f.b64json({ iat: 1729278581.081153, url: "https://sentry.io", region_url: "https://us.sentry.io", org: "glama" }, false)}=_${f.b64(43)}`,
    (f) =>
      `<token>sntrys_${f.b64json({ iat: 313, url: `https://${f.alnum(12)}`, region_url: `https://${f.alnum(22)}`, org: f.alnum(6) }, false)}_${f.b64(43)}</token>`,
    (f) =>
      `https://ci.internal?token=sntrys_${f.b64json({ iat: 1700, url: `https://${f.alnum(12)}`, region_url: `https://${f.alnum(22)}`, org: f.alnum(6) }, false)}_${f.b64(43)}&other=stuff`,
    ...shapes("sentry", (f) => `sntryu_${f.hex(64)}`).slice(0, 2),
  ]),
  ...fps("sentry", GL("sentry"), [
    (f) => `sntrys_${f.alnum(90)}_${f.alnum(43)}`,
    (f) => `sntryu_${f.hex(63)}`,
    (f) => `sntryu_${f.hex(65)}`,
    `sntryu_${"a".repeat(64)}`,
  ]),
  // ---------------------------------------------------------------- Infracost
  ...tps("infracost", GL("infracost"), [
    ...shapes("ico", (f) => `ico-${f.mixed(32)}`).slice(0, 3),
    (f) =>
      `  variable {\n    name = "INFRACOST_API_KEY"\n    secret_value = "ico-${f.mixed(32)}"\n    is_secret = true\n  }`,
  ]),
  ...fps("infracost", GL("infracost"), [
    "ico-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    (f) => `http://assets.cdn.internal/media/video_box.ico-${f.hex(32)}.png`,
    (f) => `https://wiki.internal/Planning-Public-${f.hex(32)}?pvs=74`,
  ]),
  // ---------------------------------------------------------------- Atlassian
  ...tps("atlassian", GL("atlassian"), [
    ...shapes("atlassian", (f) => `${f.mixed(20)}${f.hex(4)}`).slice(0, 2),
    ...shapes("confluence", (f) => `${f.mixed(20)}${f.hex(4)}`).slice(0, 2),
    ...shapes("jira", (f) => `${f.mixed(20)}${f.hex(4)}`).slice(0, 2),
    (f) => `jira_api_token = "ATATT3${f.b64url(183)}=${f.hex(8).toUpperCase()}"`,
  ]),
  ...fps("atlassian", GL("atlassian"), [
    "JIRA_URL=https://jira.internal/browse/ORD-1234",
    "confluence_space: ENGINEERING",
  ]),
  // ---------------------------------------------------------------- DigitalOcean
  ...tps("digitalocean", GL("digitalocean"), [
    ...shapes("do", (f) => `dop_v1_${f.hex(64)}`).slice(0, 2),
    ...shapes("do", (f) => `doo_v1_${f.hex(64)}`).slice(2, 4),
    ...shapes("do", (f) => `dor_v1_${f.hex(64)}`).slice(4, 6),
    (f) => `client = Client(token="dor_v1_${f.hex(64)}")`,
  ]),
  ...fps("digitalocean", GL("digitalocean"), [
    "DIGITALOCEAN_TOKEN=dop_v1_<token>",
    "the dor_v1_ prefix marks refresh tokens",
  ]),
  // ---------------------------------------------------------------- URL passwords (ftp, http, databases)
  ...tps("url-password", SLT("basicauth", "ng.basic-auth-ftp-url"), [
    "This FTP: ftp://user:pass@files.internal includes credential.",
  ]),
  ...tps("url-password", SLT("basicauth", "ng.real-credentials"), [
    (f) => `const PROD_API = "https://apiuser:${f.mixed(11)}@api.production.internal/v2";`,
    (f) => `const SECURE_FTP = "ftps://deployment:${f.mixed(13)}@files.company.internal/uploads";`,
    (f) =>
      `const MONITORING = "https://monitor:${f.mixed(4)}!${f.alnum(3)}@metrics.company.internal/api";`,
  ]),
  ...tps("url-password", SLT("database-connection-string", "ng.mongodb"), [
    (f) => `const MONGO_URI = "mongodb://realuser:${f.mixed(10)}@db1.internal:27017/production";`,
    (f) =>
      `mongodb+srv://testuser:${f.alnum(9).toLowerCase()}@gg-cluster.mongodb.net/test?retryWrites=true&w=majority`,
    (f) => `postgres://orders:${f.mixed(14)}@db.internal:5432/orders`,
  ]),
  ...fps("url-password", SLT("basicauth", "ok.false-positives-prevented"), [
    'const API_URL = "https://${username}:${password}@api.internal/v1";',
    'const CONFIG_URL = "https://{{user}}:{{pass}}@config.internal";',
    'const TEMPLATE_URL = "https://{USER}:{PASS}@template.internal";',
    'const TEMPLATE_URL2 = "https://username:password@docs.internal/api";',
    'const DOC_URL = "https://YOUR_USERNAME:YOUR_PASSWORD@api.service.internal";',
    'const SHORT_URL = "https://user:abc@api.internal/v1";',
    'const REPETITIVE_URL = "https://user:1111@service.internal/api";',
    'const SIMPLE_URL = "https://testuser:xxxx@demo.internal";',
  ]),
  ...fps("url-password", SLT("database-connection-string", "ok.valid"), [
    'const MONGO_IDENTICAL = "mongodb://mongodb:mongodb@localhost:27017/database";',
    'const PG_IDENTICAL = "postgres://postgres:postgres@localhost:5432/database";',
    'const PG_TEMPLATE = "postgresql://{username}:{password}@{{host}}:5432/{database}";',
    'const DOC_EXAMPLE = "mysql://admin:REPLACE_WITH_PASSWORD@mysql.server.internal:3306/database";',
  ]),
  // ---------------------------------------------------------------- secp256k1
  ...tps("secp256k1", SLT("secp256k1-privatekey", "ng.privkey"), [
    (f) => `Oops, left this here 0x${f.hex(20)}5A5f${f.hex(40)}!\nDon't send money to this wallet.`,
  ]),
  ...tps("secp256k1", "Ethereum tooling docs (hardhat/foundry PRIVATE_KEY)", [
    (f) => `PRIVATE_KEY=0x${f.hex(64)}`,
    (f) => `const signer = new Wallet("${f.hex(64)}"); // deployer private key`,
  ]),
  ...fps("secp256k1", SLT("secp256k1-privatekey", "ok.dotenvx_public_key"), [
    (f) => `DOTENV_PUBLIC_KEY="03${f.hex(64)}"`,
  ]),
  ...fps("secp256k1", SLT("secp256k1-privatekey", "ok.packagemanager_sha512"), [
    (f) => `{ "packageManager": "pnpm@10.4.1+sha512.${f.hex(128)}" }`,
  ]),
  ...fps("secp256k1", SLT("secp256k1-privatekey", "ok.valid"), [
    (f) => `x${f.hex(63)}`,
    (f) => `${f.hex(63)}`,
    "0".repeat(64),
  ]),
  // ---------------------------------------------------------------- GCP service account
  ...tps(
    "gcp-service-account",
    SLT("gcp", "ng.privatekey-json"),
    [
      (f) =>
        `{\n  "type": "service_account",\n  "project_id": "demo-${f.digits(6)}",\n  "private_key_id": "${f.hex(40)}",\n  "private_key": "-----BEGIN PRIVATE KEY-----\\n${f.b64(64)}\\n${f.b64(64)}\\n${f.b64(30)}=\\n-----END PRIVATE KEY-----\\n",\n  "client_email": "svc@demo.iam.gserviceaccount.com",\n  "client_id": "${f.digits(21)}"\n}`,
    ],
    "keys/service-account.json",
  ),
  ...tps(
    "gcp-service-account",
    GL("gcp (GCPServiceAccount)"),
    [
      (f) =>
        `{"type": "service_account", "project_id": "p", "private_key_id": "${f.hex(40)}", "client_email": "a@p.iam.gserviceaccount.com"}`,
    ],
    "creds.json",
  ),
  ...fps(
    "gcp-service-account",
    SLT("gcp", "ok.valid-json"),
    [
      `{"type": "service_account", "project_id": "demo", "client_email": "svc@demo.iam.gserviceaccount.com"}`,
    ],
    "sa-template.json",
  ),
  // ---------------------------------------------------------------- Google API keys (public web keys are negatives)
  ...tps("google-api-key", GL("gcp (GCPAPIKey)"), [
    ...shapes("gcp", (f) => `AIza${f.b64url(35)}`).slice(0, 3),
    (f) => `AIzaSy${f.b64url(32)}-`,
  ]),
  ...fps("google-api-key", GL("gcp (GCPAPIKey)"), [
    (f) => `${f.alnum(40)}AIza${f.alnum(60)}`,
    (f) => `AIza${f.alnum(35)}abcd123`,
    'apiKey: "AIzaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"',
    (f) => `AIZASY${f.pick(UPPER_DIGITS, 33)}`,
  ]),
  ...fps("google-api-key", "Firebase docs: API keys for Firebase (public web config)", [
    (f) =>
      `const firebaseConfig = {\n  apiKey: "AIzaSy${f.b64url(33)}",\n  authDomain: "shop-${f.digits(4)}.firebaseapp.com",\n  projectId: "shop-${f.digits(4)}",\n  storageBucket: "shop.appspot.com",\n  messagingSenderId: "${f.digits(12)}",\n  appId: "1:${f.digits(12)}:web:${f.hex(22)}"\n};`,
  ]),
  // ---------------------------------------------------------------- vendor tokens standing alone
  ...tps("standalone-vendor", GL("github / gitlab / npm / pypi / stripe / openai"), [
    (f) => `octokit = Github("${f.checksummed("ghp_")}")`,
    (f) => `gl = gitlab.Gitlab(url, private_token="glpat-${f.b64url(20)}")`,
    (f) => `npm config set //registry.npmjs.org/:_authToken ${f.checksummed("npm_")}`,
    (f) => `twine upload -u __token__ -p pypi-AgEIcHlwaS5vcmc${f.b64url(80)} dist/*`,
    (f) => `stripe.setApiKey("sk_live_${f.mixed(24)}");`,
    (f) => `headers:\n  X-Api-Key: glpat-${f.b64url(20)}`,
  ]),
];
