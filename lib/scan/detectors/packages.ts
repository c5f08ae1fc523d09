/**
 * Package registries: npm, PyPI, NuGet, JFrog Artifactory. Formats: npm's access-token format (npm_ + 30 + CRC32,
 * 2021) and .npmrc auth settings; PyPI's API tokens (pypi- + a macaroon naming pypi.org); NuGet's
 * nuget.config packageSourceCredentials (ClearTextPassword, Password); JFrog's API keys (AKCp + 69
 * base62) and reference tokens (the base64 of "reftkn:01:…", 64 characters). Cases follow gitleaks'
 * rules/{npm,pypi,nuget}.go and secretlint's npm snapshots, with our own values.
 */
import { validGithubChecksum, validPypiMacaroon } from "./checksums";
import { isNoise, isReference, isUuid, plausibleSecret } from "../noise";
import { B62, ROTATE, SL, randomLooking, standalone, type ScanRule } from "./kit";

export const PACKAGE_RULES: readonly ScanRule[] = [
  {
    id: "npm-token",
    title: "npm token",
    description:
      "An npm access token (npm_ + 36, its CRC32 checksum checked), or an auth token, _auth or _password in .npmrc / package.json.",
    severity: "critical",
    remediation: `Revoke the token (npm token revoke) and reference it from the environment: _authToken=\${NPM_TOKEN}. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("npm_[A-Za-z0-9]{36}", `${B62}_`),
        keywords: ["npm_"],
        validate: (s) => validGithubChecksum(s) || randomLooking(3.5, 4)(s),
        checksum: validGithubChecksum,
      },
      {
        pattern:
          /(?:^|[\s:])_(?:auth|password|authToken)[ \t]*=[ \t]*["']?(?<secret>[^\s"'$]{8,})/gm,
        keywords: ["_auth", "_password"],
        validate: (secret) => randomLooking(2.5)(secret),
      },
    ],
    cases: {
      tp: [
        (f) => `//registry.npmjs.org/:_authToken=${f.checksummed("npm_")}`,
        (f) => `NODE_AUTH_TOKEN: npm_${f.mixed(36)}`,
        (f) => `//npm.pkg.internal/:_auth=${f.base64Bytes(24)}`,
      ],
      fp: [
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
        "NPM_TOKEN=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "_authToken=YOUR_NPM_TOKEN",
        "//registry.npmjs.org/:_authToken={NPM_TOKEN}",
        "//registry.npmjs.org/:_authToken={}",
        "//registry.npmjs.org/:_authToken=\n//npm.pkg.internal/:always-auth=true",
      ],
    },
    // secretlint's .npmrc rule reports any value, a template or an empty one too: only a value
    // that could be a token or a base64 password (legacy tokens are UUIDs) is kept.
    isNoise: (s) => isNoise(s) || !(isUuid(s) || plausibleSecret(s, "password")),
    secretlint: [
      `${SL}npm#NPM_ACCESS_TOKEN`,
      `${SL}npm#Npmrc_authToken`,
      `${SL}npm#PackageJSON_xOauthToken`,
    ],
  },
  {
    id: "pypi-token",
    title: "PyPI API token",
    description:
      "A PyPI or TestPyPI upload token (pypi- + a macaroon that names the index, checked by decoding it).",
    severity: "critical",
    remediation: `Delete the token in your PyPI account settings (API tokens). ${ROTATE}`,
    detectors: [
      {
        pattern: /(?<![A-Za-z0-9_-])(?<secret>pypi-Ag[A-Za-z0-9_-]{50,1000})(?![A-Za-z0-9_-])/g,
        keywords: ["pypi-ag"],
        validate: (s) => validPypiMacaroon(s) && randomLooking(4.0, 30)(s),
        checksum: validPypiMacaroon,
      },
    ],
    cases: {
      tp: [
        (f) =>
          `[pypi]\nusername = __token__\npassword = pypi-${pypiBody(f.base64Bytes(96), "pypi.org")}`,
        (f) => `TWINE_PASSWORD: pypi-${pypiBody(f.base64Bytes(80), "test.pypi.org")}`,
      ],
      fp: [
        "password = pypi-AgEIcHlwaS5vcmcXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "TWINE_PASSWORD=pypi-<your-token>",
        (f) => `pypi-Ag${f.b64url(80)}`,
      ],
    },
  },
  {
    id: "nuget-password",
    title: "Password in a NuGet config",
    description:
      "A package-source password in nuget.config: ClearTextPassword anywhere, Password (DPAPI-encrypted, still a credential on its machine) in nuget.config.",
    severity: "high",
    remediation: `Rotate the feed credential and supply it from the environment (%FEED_PASSWORD%) or a credential provider. ${ROTATE}`,
    detectors: [
      {
        pattern:
          /<add\s+key\s*=\s*"(?<name>ClearTextPassword|Password)"\s+value\s*=\s*"(?<secret>[^"]{4,})"\s*\/?>/gi,
        keywords: ["<add key="],
        validate: (secret, ctx) =>
          (/^ClearTextPassword$/i.test(ctx.groups.name ?? "") ||
            /nuget\.config$/i.test(ctx.file)) &&
          !isReference(secret) &&
          randomLooking(2.0)(secret),
      },
    ],
    cases: {
      tp: [
        (f) =>
          `<packageSourceCredentials>\n  <internal>\n    <add key="Username" value="builder" />\n    <add key="ClearTextPassword" value="${f.mixed(14)}!" />\n  </internal>\n</packageSourceCredentials>`,
        {
          file: "src/NuGet.Config",
          text: (f) => `<add key="Password" value="${f.base64Bytes(120)}" />`,
        },
      ],
      fp: [
        `<add key="ClearTextPassword" value="%FEED_PASSWORD%" />`,
        `<add key="ClearTextPassword" value="$(FeedPassword)" />`,
        `<add key="Password" value="not-in-a-nuget-config" />`,
      ],
    },
  },
  {
    id: "jfrog-token",
    title: "JFrog Artifactory API key or reference token",
    description:
      "A JFrog Artifactory API key (AKCp + 69 characters) or reference token (64 characters, base64 of reftkn:01:…), wherever it stands.",
    severity: "critical",
    remediation: `Revoke the key or token in the JFrog Platform (User profile → Authentication settings). ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("AKCp[A-Za-z0-9]{69}", B62),
        keywords: ["akcp"],
        validate: randomLooking(4.0, 4),
      },
      {
        // "cmVmdGtuOjAx" is base64 for "reftkn:01"; the rest encodes expiry and random bytes.
        pattern: standalone("cmVmdGtuOjAx[A-Za-z0-9]{52}", B62),
        keywords: ["cmvmdgtuojax"],
        validate: randomLooking(4.0, 12),
      },
    ],
    cases: {
      tp: [
        (f) => `ARTIFACTORY_API_KEY=AKCp${f.mixed(69)}`,
        (f) =>
          `curl -H "X-JFrog-Art-Api: AKCp${f.mixed(69)}" https://acme.jfrog.io/artifactory/api/repositories`,
        (f) => `export JFROG_ACCESS_TOKEN_PREVIOUS="cmVmdGtuOjAx${f.mixed(52)}"`,
      ],
      fp: [
        "ARTIFACTORY_API_KEY=AKCpXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "# API keys start with AKCp; reference tokens with cmVmdGtuOjAx",
      ],
    },
  },
];

/** A fake PyPI macaroon body: the real header naming the index, then random bytes. */
function pypiBody(random: string, index: string): string {
  const header = Buffer.concat([Buffer.from([2, 1, index.length]), Buffer.from(index)]);
  return Buffer.concat([header, Buffer.from(random, "base64")]).toString("base64url");
}
