/**
 * Cloud platforms: Azure (Entra ID client secrets, storage account keys), DigitalOcean,
 * Cloudflare, Heroku, Fly.io, PlanetScale. Formats: Microsoft's client-secret format ("xxx8Q~…", 40
 * characters) and storage connection strings (AccountKey=88 base64); DigitalOcean's token
 * prefixes (dop_v1_, doo_v1_, dor_v1_ + 64 hex); Cloudflare's origin CA keys (v1.0-24hex-146hex),
 * 37-hex global API keys and 40-character API tokens; Heroku's HRKU-AA + 58 keys and legacy UUID keys;
 * Fly.io's macaroon tokens (fm1a_/fm1r_/fm2_, "FlyV1 …") and fo1_ tokens; PlanetScale's service
 * tokens, database passwords and OAuth tokens (pscale_tkn_/pscale_pw_/pscale_oauth_ + 43). Cases follow gitleaks'
 * rules/{azure,digitalocean,cloudflare,heroku,flyio}.go and secretlint's cloudflare snapshots,
 * with our own values.
 */
import { isUuid } from "../noise";
import {
  B62,
  B64URL,
  ROTATE,
  SL,
  mixedCase,
  nearVendor,
  randomLooking,
  standalone,
  type ScanRule,
} from "./kit";

const FLY_BODY = "(?:fm1[ar]_|fm2_)[A-Za-z0-9+/]{60,}={0,3}|fo1_[A-Za-z0-9_-]{43}";

export const CLOUD_RULES: readonly ScanRule[] = [
  {
    id: "azure-ad-client-secret",
    title: "Azure AD (Entra ID) client secret",
    description:
      "An Azure AD / Entra ID application client secret (3 characters, a digit, Q~, 31–34 characters), in any file: code, XML, PowerShell, YAML.",
    severity: "critical",
    remediation: `Delete the secret in the app registration (Certificates & secrets) and add a new one. ${ROTATE}`,
    detectors: [
      {
        pattern:
          /(?<![A-Za-z0-9_~.-])(?<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/g,
        keywords: ["q~"],
        validate: (s) => mixedCase(s.slice(6)) && randomLooking(3.5, 6)(s),
      },
    ],
    cases: {
      tp: [
        (f) => `AZURE_CLIENT_SECRET=${f.alnum(3)}8Q~${f.mixed(34)}`,
        (f) =>
          `<add key="ida:ClientSecret" value="${f.alnum(3)}7Q~${f.mixed(20)}.${f.mixed(10)}-${f.alnum(2)}" />`,
        (f) =>
          `Connect-MgGraph -ClientSecretCredential (New-Object PSCredential($appId, (ConvertTo-SecureString '${f.alnum(3)}8Q~${f.mixed(33)}' -AsPlainText -Force)))`,
      ],
      fp: [
        "client_secret=abc8Q~xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~",
        ".ui.visible.right.sidebar~.ui.visible.left.sidebar~.pusher{transform:none}",
      ],
    },
  },
  {
    id: "azure-storage-key",
    title: "Azure storage or Service Bus key",
    description:
      "An Azure storage account key (AccountKey=…, 88 base64 characters) or a Service Bus / Event Hubs shared access key in a connection string.",
    severity: "critical",
    remediation: `Rotate the account key (Storage account → Access keys) or the SAS policy key. ${ROTATE}`,
    detectors: [
      {
        pattern:
          /(?:AccountKey|SharedAccessKey|AccessKey)\s*=\s*(?<secret>[A-Za-z0-9+/]{40,86}={0,2})(?![A-Za-z0-9+/=])/gi,
        keywords: ["accountkey", "sharedaccesskey", "accesskey"],
        validate: (s) => mixedCase(s) && randomLooking(4.2)(s),
      },
    ],
    cases: {
      tp: [
        (f) =>
          `"ConnectionString": "DefaultEndpointsProtocol=https;AccountName=ordersprod;AccountKey=${f.base64Bytes(64)};EndpointSuffix=core.windows.net"`,
        (f) =>
          `SERVICEBUS=Endpoint=sb://orders.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=${f.base64Bytes(32)}`,
      ],
      fp: [
        "AccountName=devstoreaccount1;AccountKey=<storage-account-key>",
        "AccountKey=${STORAGE_KEY};EndpointSuffix=core.windows.net",
        "SharedAccessKey=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      ],
    },
  },
  {
    id: "digitalocean-token",
    title: "DigitalOcean token",
    description:
      "A DigitalOcean personal access (dop_v1_), OAuth (doo_v1_) or refresh (dor_v1_) token, wherever it stands.",
    severity: "critical",
    remediation: `Revoke the token in the DigitalOcean control panel (API → Tokens). ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("do[opr]_v1_[a-f0-9]{64}", B62),
        keywords: ["dop_v1_", "doo_v1_", "dor_v1_"],
        validate: randomLooking(3.3, 7),
      },
    ],
    cases: {
      tp: [
        (f) => `DIGITALOCEAN_TOKEN=dop_v1_${f.hex(64)}`,
        (f) => `client = pydo.Client(token="doo_v1_${f.hex(64)}")`,
        (f) => `{"refresh_token": "dor_v1_${f.hex(64)}", "token_type": "bearer"}`,
      ],
      fp: ["DIGITALOCEAN_TOKEN=dop_v1_<your-token>", `token: dop_v1_${"0".repeat(64)}`],
    },
  },
  {
    id: "cloudflare-key",
    title: "Cloudflare key or token",
    description:
      "A Cloudflare origin CA key (v1.0-…), or a global API key (37 hex) or API token (40 characters) next to a Cloudflare name.",
    severity: "high",
    remediation: `Roll the key or delete the token in the Cloudflare dashboard. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}", B62),
        keywords: ["v1.0-"],
        validate: randomLooking(3.3, 5),
      },
      nearVendor(
        ["cloudflare", "cf_"],
        /cloudflare|\bcf_/i,
        "[a-f0-9]{37}",
        randomLooking(3.2),
        B62,
      ),
      nearVendor(
        ["cloudflare", "cf_"],
        /cloudflare|\bcf_/i,
        "[A-Za-z0-9_-]{40}",
        (s) => mixedCase(s) && randomLooking(3.8)(s),
      ),
    ],
    cases: {
      tp: [
        (f) => `CLOUDFLARE_ORIGIN_CA_KEY=v1.0-${f.hex(24)}-${f.hex(146)}`,
        (f) => `cloudflare_api_key = "${f.hex(37)}"`,
        (f) => `export CLOUDFLARE_API_TOKEN=${f.mixed(34)}_${f.mixed(5)}`,
      ],
      fp: [
        "CLOUDFLARE_API_TOKEN=your-cloudflare-api-token",
        (f) => `cloudflare_zone_id = "${f.hex(32)}"`,
        (f) => `cloudflare-workers commit ${f.hex(40)}`,
      ],
    },
    secretlint: [
      `${SL}cloudflare#CLOUDFLARE_GLOBAL_API_KEY`,
      `${SL}cloudflare#CLOUDFLARE_USER_API_TOKEN`,
      `${SL}cloudflare#CLOUDFLARE_ACCOUNT_API_TOKEN`,
    ],
  },
  {
    id: "heroku-api-key",
    title: "Heroku API key",
    description:
      "A Heroku API key (HRKU-AA + 58 characters), or a legacy UUID-shaped key next to a Heroku name.",
    severity: "high",
    remediation: `Revoke the authorization (heroku authorizations:revoke) or regenerate the API key. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("HRKU-AA[A-Za-z0-9_-]{58}", B64URL),
        keywords: ["hrku-"],
        validate: randomLooking(3.8, 7),
      },
      nearVendor(
        ["heroku"],
        /heroku/i,
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}",
        (s) => isUuid(s) && randomLooking(3.0)(s),
        B62,
      ),
    ],
    cases: {
      tp: [
        (f) => `HEROKU_API_KEY=HRKU-AA${f.b64url(58)}`,
        (f) => `heroku_api_key = "${f.uuid()}"`,
        (f) => `requests.get(url, headers={"Authorization": "Bearer " + "HRKU-AA${f.b64url(58)}"})`,
      ],
      fp: [
        "HEROKU_API_KEY=HRKU-your-api-key",
        (f) => `heroku_app_id = "${f.uuid()}"`,
        "heroku_api_key: 00000000-0000-0000-0000-000000000000",
        (f) => `curl https://api.heroku.com/apps/${f.uuid()}/builds`,
      ],
    },
  },
  {
    id: "flyio-token",
    title: "Fly.io token",
    description: "A Fly.io access token: macaroons (FlyV1 fm1a_/fm1r_/fm2_…) or fo1_ tokens.",
    severity: "high",
    remediation: `Revoke the token (fly tokens revoke) and issue a new one. ${ROTATE}`,
    detectors: [
      {
        pattern: new RegExp(`(?<![A-Za-z0-9_+/-])(?<secret>${FLY_BODY})(?![A-Za-z0-9_+/=-])`, "g"),
        keywords: ["fm1a_", "fm1r_", "fm2_", "fo1_"],
        validate: (s) => mixedCase(s.slice(4)) && randomLooking(4.0, 4)(s),
      },
    ],
    cases: {
      tp: [
        (f) => `FLY_API_TOKEN="FlyV1 fm2_${f.b64(220)}=="`,
        (f) => `fly_token: FlyV1 fm2_${f.b64(120)},fm2_${f.b64(200)}`,
        (f) => `Fly access token: fo1_${f.b64url(43)}`,
      ],
      fp: [
        `api_key = "fo1_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"`,
        "pub const PERF_CCTOTALDIRTYPAGES: u32 = 4u32; // fo1_ prefix documented",
        (f) =>
          `<input type="hidden" name="authenticity_token" value="${f.alnum(4)}-Fo1_${f.b64url(40)}" />`,
      ],
    },
  },
  {
    id: "planetscale-token",
    title: "PlanetScale token or password",
    description:
      "A PlanetScale service token (pscale_tkn_), database password (pscale_pw_) or OAuth token (pscale_oauth_), wherever it stands.",
    severity: "critical",
    remediation: `Delete the service token or database password in PlanetScale. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_-]{32,64}", B64URL),
        keywords: ["pscale_"],
        validate: (s) => randomLooking(3.8)(s.replace(/^pscale_[a-z]+_/, "")),
      },
    ],
    cases: {
      tp: [
        (f) => `PLANETSCALE_SERVICE_TOKEN=pscale_tkn_${f.mixed(43)}`,
        (f) =>
          `DATABASE_URL=mysql://${f.alnum(12).toLowerCase()}:pscale_pw_${f.mixed(43)}@aws.connect.psdb.cloud/orders?sslaccept=strict`,
      ],
      fp: [
        "PLANETSCALE_SERVICE_TOKEN=pscale_tkn_<your-token>",
        "PLANETSCALE_SERVICE_TOKEN=pscale_tkn_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      ],
    },
  },
];
