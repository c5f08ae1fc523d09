/**
 * Runs the shell steps of a GitHub Actions workflow from examples/ci in a user's project, as the
 * runner would: `bash -eo pipefail`, the workflow's and job's env, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, `${{ ... }}` expressions from a table (an expression the table does
 * not know fails the run, so a new one cannot slip by untested). `uses:` steps are the runner's
 * (checkout, setup-node, the Pulumi CLI install, uploads): the project stands in for their effect.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { run, type RunResult } from "../e2e/harness";

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
}

interface Job {
  readonly env?: Record<string, string>;
  readonly steps: readonly Step[];
}

export interface StepRun extends RunResult {
  readonly step: string;
}

export interface JobRun {
  readonly steps: readonly StepRun[];
  /** The first failing step's result, if any (the job stops there, as on GitHub). */
  readonly failed?: StepRun;
  /** Outputs each step wrote to GITHUB_OUTPUT, by step id. */
  readonly outputs: Readonly<Record<string, Record<string, string>>>;
  readonly summary: string;
}

export function readWorkflow(file: string): {
  env?: Record<string, string>;
  jobs: Record<string, Job>;
} {
  return parse(fs.readFileSync(file, "utf8"));
}

/**
 * Runs `job` of `workflowFile` in `cwd`. `expressions` maps the inside of `${{ }}` (trimmed) to its
 * value; `env` overrides the workflow's env (e.g. a stack name a file backend can hold).
 */
export async function runJob(
  workflowFile: string,
  job: string,
  opts: {
    cwd: string;
    expressions: Record<string, string>;
    env: NodeJS.ProcessEnv;
    skip?: (step: Step) => boolean;
  },
): Promise<JobRun> {
  const workflow = readWorkflow(workflowFile);
  const spec = workflow.jobs[job];
  if (!spec) throw new Error(`${path.basename(workflowFile)} has no job ${job}`);
  const outputs: Record<string, Record<string, string>> = {};
  const scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), "tg-gh-"));
  const summaryFile = path.join(scratch, "summary.md");
  await fs.promises.writeFile(summaryFile, "");
  const expand = (text: string) =>
    text.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_m, expr: string) => {
      const step = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expr);
      if (step) return outputs[step[1]]?.[step[2]] ?? "";
      if (!(expr in opts.expressions))
        throw new Error(`no value for \${{ ${expr} }} in ${path.basename(workflowFile)}`);
      return opts.expressions[expr];
    });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries({ ...workflow.env, ...spec.env })) env[k] = expand(String(v));
  const steps: StepRun[] = [];
  let failed: StepRun | undefined;
  try {
    for (const [i, step] of spec.steps.entries()) {
      if (!step.run || opts.skip?.(step)) continue;
      const always = step.if !== undefined && /always\(\)/.test(step.if);
      if (failed && !always) continue;
      const outputFile = path.join(scratch, `output-${i}`);
      await fs.promises.writeFile(outputFile, "");
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v))]),
      );
      const result = await run(
        "bash",
        ["--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step.run)],
        {
          cwd: opts.cwd,
          env: {
            ...process.env,
            ...env,
            ...stepEnv,
            ...opts.env,
            GITHUB_OUTPUT: outputFile,
            GITHUB_STEP_SUMMARY: summaryFile,
          },
          allowFail: true,
          timeoutMs: 600_000,
        },
      );
      const record = { ...result, step: step.name ?? step.run.split("\n")[0] };
      steps.push(record);
      if (step.id) {
        outputs[step.id] = Object.fromEntries(
          fs
            .readFileSync(outputFile, "utf8")
            .split("\n")
            .filter((l) => l.includes("="))
            .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
        );
      }
      if (result.code !== 0) failed ??= record;
    }
    return {
      steps,
      ...(failed ? { failed } : {}),
      outputs,
      summary: fs.readFileSync(summaryFile, "utf8"),
    };
  } finally {
    await fs.promises.rm(scratch, { recursive: true, force: true });
  }
}
