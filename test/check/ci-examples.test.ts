/**
 * examples/ci for check, diff and rotation: the workflows and hooks parse, call only flags the CLI
 * has, the diff comment is one per pull request, and the hook fires on the files that change a
 * stack's verdict.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { parse } from "yaml";
import { registerCommands } from "../../lib/cli/commands";
import { ROOT } from "./helpers";

const CI = path.join(ROOT, "examples/ci");
const read = (name: string) => parse(readFileSync(path.join(CI, name), "utf8"));

/** Long flags each subcommand accepts, from the CLI's own definition. */
function flagsOf(command: string): Set<string> {
  const program = new Command("tokenguard");
  registerCommands(program);
  const sub = program.commands.find((c) => c.name() === command);
  assert.ok(sub, command);
  return new Set(sub.options.map((o) => o.long!));
}

/** Every `tokenguard <command> ...` invocation in a workflow's run scripts, with its flags. */
function invocations(workflow: Record<string, unknown>, command: string): string[][] {
  const out: string[][] = [];
  const jobs = workflow.jobs as Record<string, { steps: { run?: string }[] }>;
  for (const job of Object.values(jobs)) {
    for (const step of job.steps) {
      const script = (step.run ?? "").replace(/\\\n\s*/g, " ");
      for (const m of script.matchAll(new RegExp(`tokenguard ${command}([^\\n|>;]*)`, "g"))) {
        out.push(m[1].match(/--[a-z-]+/g) ?? []);
      }
    }
  }
  return out;
}

describe("examples/ci: check on pull requests, rotation and usage on a schedule", () => {
  it("the pull-request workflow runs check with real flags and uploads its SARIF", () => {
    const wf = read("check-pr.yml");
    assert.ok(wf.on.pull_request);
    const calls = invocations(wf, "check");
    assert.ok(calls.length >= 1);
    const known = flagsOf("check");
    for (const flags of calls) for (const f of flags) assert.ok(known.has(f), `check ${f}`);
    const steps = wf.jobs.check.steps as { uses?: string; with?: Record<string, string> }[];
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"));
    assert.equal(upload?.with?.sarif_file, "tokenguard-check.sarif");
  });

  it("the pull-request workflow runs diff with real flags and keeps one comment, updated in place", () => {
    const wf = read("check-pr.yml");
    const calls = invocations(wf, "diff");
    const known = flagsOf("diff");
    for (const flags of calls) for (const f of flags) assert.ok(known.has(f), `diff ${f}`);
    assert.ok(calls.some((flags) => flags.includes("--stack") && flags.includes("--format")));
    assert.equal(wf.permissions["pull-requests"], "write");
    const steps = wf.jobs.diff.steps as { run?: string; env?: Record<string, string> }[];
    const comment = steps.find((s) => /gh api/.test(s.run ?? ""))!;
    // Found by a hidden marker and edited (PATCH) when it exists: one comment, not one per push.
    assert.match(comment.run!, /marker="<!-- tokenguard-diff [^"]*-->"/);
    assert.match(comment.run!, /select\(\.body \| startswith\(\\"\$marker\\"\)\)/);
    assert.match(comment.run!, /--method PATCH "repos\/\$REPO\/issues\/comments\/\$id"/);
    assert.equal(comment.env?.GH_TOKEN, "${{ github.token }}");
  });

  it("the rotation workflow runs pulumi up on a cadence and fails on overdue tokens", () => {
    const wf = read("rotate.yml");
    const cron: string = wf.on.schedule[0].cron;
    assert.equal(cron.split(" ")[1], "*/12", "every 12 hours: half the smallest overlap (1d)");
    const text = readFileSync(path.join(CI, "rotate.yml"), "utf8");
    assert.match(text, /CADENCE RULE: run at least as often as the smallest `overlap`/);
    const runs = (wf.jobs.rotate.steps as { run?: string }[]).map((s) => s.run ?? "").join("\n");
    assert.match(runs, /pulumi up --yes/);
    assert.match(runs, /rotation-overdue/);
    assert.match(runs, /exit 1/);
    const reportFlags = flagsOf("report");
    for (const flags of invocations(wf, "report")) {
      for (const f of flags) assert.ok(reportFlags.has(f), `report ${f}`);
    }
    const checkFlags = flagsOf("check");
    for (const flags of invocations(wf, "check")) {
      for (const f of flags) assert.ok(checkFlags.has(f), `check ${f}`);
    }
  });

  it("the usage workflow runs weekly with real flags, fails on unused scopes, reports to an issue", () => {
    const wf = read("usage.yml");
    assert.equal(wf.on.schedule[0].cron.split(" ").length, 5);
    const calls = invocations(wf, "usage");
    assert.equal(calls.length, 1);
    const known = flagsOf("usage");
    for (const f of calls[0]) assert.ok(known.has(f), `usage ${f}`);
    assert.deepEqual([...calls[0]].sort(), ["--format", "--since", "--stack", "--vault-audit"]);
    const steps = wf.jobs.usage.steps as { id?: string; run?: string; if?: string }[];
    const usage = steps.find((s) => s.id === "usage");
    assert.match(usage?.run ?? "", /exit "\$code"/, "the job fails with usage's exit code");
    const issue = steps.find((s) => /gh issue create/.test(s.run ?? ""));
    assert.match(issue?.if ?? "", /steps\.usage\.outputs\.code == '1'/);
  });

  it("the pre-commit hook runs check when a program, stack config or policy file changes", () => {
    const hooks = read("pre-commit-hooks.yaml") as { id: string; entry: string; files?: string }[];
    const hook = hooks.find((h) => h.id === "tokenguard-check");
    assert.equal(hook?.entry, "tokenguard check");
    const config = read("pre-commit-config.yaml") as {
      repos: { hooks: { id: string; entry: string; files?: string }[] }[];
    };
    const local = config.repos[0].hooks.find((h) => h.id === "tokenguard-check");
    assert.match(local!.entry, /tokenguard check/);
    for (const files of [hook!.files!, local!.files!]) {
      const re = new RegExp(files);
      for (const f of [
        "index.ts",
        "infra/index.ts",
        "Pulumi.yaml",
        "infra/Pulumi.prod.yaml",
        "tokenguard.policy.yaml",
        "lib/x.js",
      ]) {
        assert.ok(re.test(f), `${f} should trigger the hook`);
      }
      for (const f of ["README.md", "package.json", "docs/Pulumi.md"]) {
        assert.ok(!re.test(f), `${f} should not trigger the hook`);
      }
    }
  });
});
