/**
 * Source hosting and developer platforms: GitHub, GitLab, Atlassian, Sourcegraph, Azure DevOps.
 * Formats: GitHub's token-format post (2021) and fine-grained PAT docs; GitLab's "token
 * overview"; Atlassian's API-token docs (ATATT3 prefix; ATCTT3 for organisation admin keys); Sourcegraph's access-token docs (sgp_);
 * Microsoft's PAT docs (84-character PATs carrying "AZDO"; 52-character base32 legacy PATs).
 * Cases follow gitleaks' rules/{github,gitlab,atlassian,sourcegraph}.go and secretlint's github
 * and gitlab snapshots, with our own values.
 */
import { validGithubChecksum } from "./checksums";
import {
  B62,
  B64URL,
  ROTATE,
  mixedCase,
  nearVendor,
  randomLooking,
  standalone,
  vendorNamed,
  type ScanRule,
} from "./kit";

const GITLAB_PREFIXES = "glpat|gldt|glrt|glptt|glcbt|gloas|glimt|glsoat|glffct|glagent|glft|glcsat";
const GITLAB_PREFIX = new RegExp(`^(?:(?:${GITLAB_PREFIXES})-|GR1348941)`);

export const VCS_RULES: readonly ScanRule[] = [
  {
    id: "github-token",
    title: "GitHub token",
    description:
      "A GitHub token: classic personal access token (ghp_), fine-grained (github_pat_), OAuth (gho_), user-to-server (ghu_), app installation (ghs_) or refresh token (ghr_). The CRC32 checksum GitHub builds into the last 6 characters is checked.",
    severity: "critical",
    remediation: `Revoke the token in GitHub settings. ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("gh[pousr]_[A-Za-z0-9]{36}", B64URL),
        keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        validate: (s) => validGithubChecksum(s) || randomLooking(3.5, 4)(s),
        checksum: validGithubChecksum,
      },
      {
        pattern: standalone("github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}", B64URL),
        keywords: ["github_pat_"],
        validate: randomLooking(4.0, 11),
      },
    ],
    cases: {
      tp: [
        (f) => `GITHUB_TOKEN=${f.checksummed("ghp_")}`,
        (f) => `const octokit = new Octokit({ auth: "${f.checksummed("gho_")}" });`,
        (f) => `git clone https://x-access-token:${f.checksummed("ghs_")}@github.com/o/r.git`,
        (f) => `token: ghu_${f.mixed(36)}`,
        (f) => `gh auth login --with-token <<< github_pat_${f.mixed(22)}_${f.mixed(59)}`,
      ],
      fp: [
        "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "token = ghp_1234567890abcdefghijklmnopqrstuvwxyz",
        "the ghp_ prefix marks a classic personal access token",
        "const GH_PREFIX = 'github_pat_'",
      ],
    },
  },
  {
    id: "gitlab-token",
    title: "GitLab token",
    description:
      "A GitLab token: personal/project/group access (glpat-), deploy (gldt-), runner (glrt-, GR1348941), pipeline trigger (glptt-), CI job (glcbt-), OAuth app secret (gloas-) and others.",
    severity: "critical",
    remediation: `Revoke the token in GitLab. ${ROTATE}`,
    detectors: [
      {
        // Newer tokens are routable: "<prefix>-<random>.<version>.<base36 id>".
        pattern: standalone(
          `(?:(?:${GITLAB_PREFIXES})-[${B64URL}]{20,128}(?:\\.[0-9a-z]{2}\\.[0-9a-z]{7,12})?|GR1348941[${B64URL}]{20,64})`,
          B64URL,
        ),
        keywords: [...GITLAB_PREFIXES.split("|"), "gr1348941"],
        // The random part follows the prefix ("glpat-", "GR1348941"); it may itself hold "-".
        validate: (s) => randomLooking(3.3)(s.split(".")[0].replace(GITLAB_PREFIX, "")),
      },
    ],
    cases: {
      tp: [
        (f) => `GITLAB_TOKEN=glpat-${f.b64url(20)}`,
        (f) =>
          `private_token: "glpat-${f.mixed(27)}.01.${f.pick("0123456789abcdefghijklmnopqrstuvwxyz", 9)}"`,
        (f) => `gitlab-runner register --token glrt-${f.b64url(20)}`,
        (f) => `--registration-token "GR1348941${f.mixed(8)}-${f.mixed(11)}"`,
        (f) => `curl --request POST --form token=glptt-${f.hex(40)} https://gitlab.example/api`,
      ],
      fp: [
        "token: glpat-1234567890",
        "GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx",
        "PAT=glpat-<your-token-here>",
        "prefix: glpat-",
      ],
    },
  },
  {
    id: "atlassian-token",
    title: "Atlassian API token",
    description:
      "An Atlassian (Jira, Confluence, Bitbucket) API token: ATATT3…, an organisation admin key ATCTT3…, or a legacy 24-character token assigned to an Atlassian/Jira/Confluence name.",
    severity: "high",
    remediation: `Revoke the token at id.atlassian.com (Security → API tokens). ${ROTATE}`,
    detectors: [
      {
        pattern: /(?<![A-Za-z0-9_-])(?<secret>AT[AC]TT3[A-Za-z0-9_=-]{150,250})(?![A-Za-z0-9_=-])/g,
        keywords: ["atatt3", "atctt3"],
        validate: randomLooking(4.0, 6),
      },
      nearVendor(
        ["atlassian", "jira", "confluence"],
        /atlassian|jira|confluence/i,
        "[A-Za-z0-9]{24}",
        (s) => mixedCase(s) && randomLooking(3.5)(s),
      ),
    ],
    cases: {
      tp: [
        (f) => `JIRA_API_TOKEN=ATATT3${f.b64url(180)}=${f.hex(8).toUpperCase()}`,
        (f) => `confluence_token: "${f.mixed(20)}${f.hex(4)}"`,
        (f) => `jira = JIRA(server, basic_auth=(user, "ATATT3${f.b64url(186)}"))`,
        (f) => `ATLASSIAN_ADMIN_KEY=ATCTT3${f.b64url(178)}=${f.hex(8).toUpperCase()}`,
      ],
      fp: [
        "JIRA_PROJECT_KEY=ORDERSANDINVOICESBACKEND",
        "confluence_space: EngineeringHandbook2024",
        "jira_issue: PROJ-1234",
      ],
    },
  },
  {
    id: "sourcegraph-token",
    title: "Sourcegraph access token",
    description:
      "A Sourcegraph access token (sgp_ + instance id + 40 hex, sgp_local_…), a license-key access token (slk_ + 64 hex), or a legacy 40-hex token next to a Sourcegraph name.",
    severity: "high",
    remediation: `Delete the token in Sourcegraph (Settings → Access tokens). ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("sgp_(?:[a-fA-F0-9]{16}_|local_)?[a-fA-F0-9]{40}", B62),
        keywords: ["sgp_"],
        validate: randomLooking(3.0, 4),
      },
      {
        // A license-key access token (slk_ + 64 hex), used by Cody Gateway and enterprise instances.
        pattern: standalone("slk_[a-f0-9]{64}", B62),
        keywords: ["slk_"],
        validate: randomLooking(3.0, 4),
      },
      nearVendor(["sourcegraph"], /sourcegraph/i, "[a-fA-F0-9]{40}", randomLooking(3.3), B62),
    ],
    cases: {
      tp: [
        (f) => `SRC_ACCESS_TOKEN=sgp_${f.hex(16)}_${f.hex(40)}`,
        (f) => `src login --token sgp_local_${f.hex(40)}`,
        (f) => `CODY_GATEWAY_TOKEN: slk_${f.hex(64)}`,
        (f) => `sourcegraph_token = "${f.hex(40)}"`,
      ],
      fp: [
        "SRC_ACCESS_TOKEN=sgp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        (f) => `sourcegraph commit sha: ${f.hex(40)}`,
        "see the sgp_ prefix in the Sourcegraph docs",
        "slk_0000000000000000000000000000000000000000000000000000000000000000",
      ],
    },
  },
  {
    id: "azure-devops-pat",
    title: "Azure DevOps personal access token",
    description:
      "An Azure DevOps PAT: the 84-character format carrying the AZDO signature, or a legacy 52-character base32 PAT next to an Azure DevOps name or URL.",
    severity: "critical",
    remediation: `Revoke the PAT in Azure DevOps (User settings → Personal access tokens). ${ROTATE}`,
    detectors: [
      {
        pattern: standalone("[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9]{18}AZDO[A-Za-z0-9]{4}", B62),
        keywords: ["azdo"],
        validate: randomLooking(4.0),
      },
      {
        pattern: standalone("[a-z2-7]{52}", B62),
        keywords: ["azure", "devops", "azdo", "vsts", "visualstudio.com", "ado_"],
        validate: (s, ctx) =>
          /[2-7]/.test(s) &&
          /[a-z]/.test(s) &&
          randomLooking(3.8)(s) &&
          vendorNamed(
            /azure|devops|azdo|\bado|vsts|visualstudio\.com|system_?access_?token/i,
            200,
          )(ctx),
      },
    ],
    cases: {
      tp: [
        (f) => `AZURE_DEVOPS_PAT=${f.mixed(52)}JQQJ99${f.mixed(18)}AZDO${f.mixed(4)}`,
        (f) =>
          `az devops login --organization https://dev.azure.com/contoso # token ${f.pick("abcdefghijklmnopqrstuvwxyz234567", 52)}`,
        (f) => `$env:AZURE_DEVOPS_EXT_PAT = '${f.pick("abcdefghijklmnopqrstuvwxyz234567", 52)}'`,
      ],
      fp: [
        (f) => `checksum: ${f.pick("abcdefghijklmnopqrstuvwxyz234567", 52)}`,
        "AZURE_DEVOPS_PAT=$(System.AccessToken)",
        "azure_devops_pat: abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
      ],
    },
  },
];
