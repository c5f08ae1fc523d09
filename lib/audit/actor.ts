/** Who is deploying: read from the CI's environment when there is one, else the local user. */
import * as os from "node:os";
import type { Actor } from "./record";

type Env = Readonly<Record<string, string | undefined>>;

const nonEmpty = (v: string | undefined): string | undefined =>
  v !== undefined && v.trim() !== "" ? v.trim() : undefined;

/** One CI system: how to know it is running, who triggered it, and a link to the run. */
interface CiSource {
  readonly source: string;
  readonly detect: (env: Env) => boolean;
  readonly name: (env: Env) => string | undefined;
  readonly run: (env: Env) => string | undefined;
}

const CI_SOURCES: readonly CiSource[] = [
  {
    source: "github-actions",
    detect: (e) => e.GITHUB_ACTIONS === "true",
    name: (e) => nonEmpty(e.GITHUB_TRIGGERING_ACTOR) ?? nonEmpty(e.GITHUB_ACTOR),
    run: (e) =>
      e.GITHUB_SERVER_URL && e.GITHUB_REPOSITORY && e.GITHUB_RUN_ID
        ? `${e.GITHUB_SERVER_URL}/${e.GITHUB_REPOSITORY}/actions/runs/${e.GITHUB_RUN_ID}`
        : undefined,
  },
  {
    source: "gitlab-ci",
    detect: (e) => e.GITLAB_CI === "true",
    name: (e) => nonEmpty(e.GITLAB_USER_LOGIN),
    run: (e) => nonEmpty(e.CI_JOB_URL) ?? nonEmpty(e.CI_PIPELINE_URL),
  },
  {
    source: "buildkite",
    detect: (e) => e.BUILDKITE === "true",
    name: (e) => nonEmpty(e.BUILDKITE_BUILD_CREATOR) ?? nonEmpty(e.BUILDKITE_BUILD_CREATOR_EMAIL),
    run: (e) => nonEmpty(e.BUILDKITE_BUILD_URL),
  },
  {
    source: "circleci",
    detect: (e) => e.CIRCLECI === "true",
    name: (e) => nonEmpty(e.CIRCLE_USERNAME),
    run: (e) => nonEmpty(e.CIRCLE_BUILD_URL),
  },
  {
    source: "azure-pipelines",
    detect: (e) => e.TF_BUILD === "True" || e.TF_BUILD === "true",
    name: (e) => nonEmpty(e.BUILD_REQUESTEDFOR),
    run: (e) =>
      e.SYSTEM_COLLECTIONURI && e.SYSTEM_TEAMPROJECT && e.BUILD_BUILDID
        ? `${e.SYSTEM_COLLECTIONURI}${e.SYSTEM_TEAMPROJECT}/_build/results?buildId=${e.BUILD_BUILDID}`
        : undefined,
  },
  {
    source: "jenkins",
    detect: (e) => nonEmpty(e.JENKINS_URL) !== undefined,
    name: (e) => nonEmpty(e.BUILD_USER_ID) ?? nonEmpty(e.BUILD_USER),
    run: (e) => nonEmpty(e.BUILD_URL),
  },
];

/**
 * The actor for a record. `TOKENGUARD_ACTOR` overrides everything; then the CI system's user (and
 * run link); then `user@host` of the local account.
 */
export function actorFromEnv(env: Env = process.env): Actor {
  const explicit = nonEmpty(env.TOKENGUARD_ACTOR);
  for (const ci of CI_SOURCES) {
    if (!ci.detect(env)) continue;
    const run = ci.run(env);
    const name = explicit ?? ci.name(env) ?? `${ci.source} (no user)`;
    return { name, source: explicit ? "env" : ci.source, ...(run ? { run } : {}) };
  }
  if (explicit) return { name: explicit, source: "env" };
  let user = nonEmpty(env.USER) ?? nonEmpty(env.USERNAME) ?? nonEmpty(env.LOGNAME);
  if (!user) {
    try {
      user = os.userInfo().username;
    } catch {
      user = "unknown";
    }
  }
  return { name: `${user}@${os.hostname()}`, source: "local" };
}
