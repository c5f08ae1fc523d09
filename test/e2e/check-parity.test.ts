/**
 * `tokenguard check` and the real `pulumi preview --policy-pack` (rig: Pulumi v3.274.1, our
 * Node language host, the stand-in random and vault providers) report the same violations, (policy,
 * level, urn) and message, on each example the engine can preview here.
 *
 * AWS resources go through the preview-only stand-in `pulumi-resource-aws` (rig/providers/
 * aws.ts): there is no real AWS provider plugin on these machines, but a preview needs only the
 * provider's Check, which for the policy pack's purposes passes the declared inputs through.
 * Not compared: examples/consumer and examples/aws-service-key/consumer, whose StackReferences
 * need a deployed producer stack (the consumer is proven end to end in random.test.ts).
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { runCheck } from "../../lib/check/check";
import { newStack, run, tempProgram, toolchain, type Stack } from "./harness";

const REPO = path.resolve(__dirname, "../..");
const PACK = path.join(REPO, "policy-packs/tokenguard");
const NOW = "2026-01-31T06:00:00Z";

/** Violations as `policy [level] urn: message`, from preview's streamed JSON engine events. */
async function previewViolations(stack: Stack): Promise<string[]> {
  const r = await run(
    toolchain().pulumi,
    ["preview", "--json", "--policy-pack", PACK, "--stack", stack.name, "--non-interactive"],
    {
      cwd: stack.dir,
      // As if a user ran `pulumi preview` in the project directory (the pack resolves files there).
      env: { ...stack.env, PWD: stack.dir, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" },
      allowFail: true,
      timeoutMs: 600_000,
    },
  );
  const missing = /no resource plugin '([^']+)'/.exec(r.stdout + r.stderr);
  if (missing) {
    throw new Error(
      `the real preview cannot run: ${missing[1]} is not on the e2e PATH (${toolchain().describe()})`,
    );
  }
  const out: string[] = [];
  for (const line of r.stdout.split("\n")) {
    if (!line.includes('"policyEvent"')) continue;
    const e = (JSON.parse(line) as { policyEvent: Record<string, string> }).policyEvent;
    const message = e.message.replace(/\n$/, "");
    out.push(`${e.policyName} [${e.enforcementLevel}] ${e.resourceUrn}: ${message}`);
  }
  if (out.length === 0 && r.code !== 0) {
    throw new Error(
      `pulumi preview failed without a policy verdict:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`,
    );
  }
  return out.sort();
}

/** The same, from `tokenguard check` (description and message joined as the engine shows them). */
async function checkViolations(stack: Stack): Promise<string[]> {
  const result = await runCheck({ dir: stack.dir, stack: stack.name, policyPack: PACK });
  return result.violations
    .map((v) => {
      const message =
        v.message === v.description || v.message.startsWith("can't run policy")
          ? v.message
          : `${v.description}\n${v.message}`;
      return `${v.policy} [${v.level}] ${v.urn}: ${message}`;
    })
    .sort();
}

describe("tokenguard check and pulumi preview --policy-pack agree", function () {
  this.timeout(900_000);

  async function compare(dir: string): Promise<string[]> {
    const stack = await newStack(dir);
    try {
      await stack.setConfig("tokenguard:now", NOW);
      const [preview, check] = [await previewViolations(stack), await checkViolations(stack)];
      assert.deepEqual(check, preview);
      return check;
    } finally {
      await stack.cleanup();
    }
  }

  it("a program with components only (runs without any provider plugin)", async () => {
    const prog = await tempProgram({
      "Pulumi.yaml":
        "name: parity-components\nmain: index.ts\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nconfig:\n  tokenguard:enforcement: advisory\n",
      "index.ts": [
        'import { ScopedToken, type ScopedTokenArgs } from "tokenguard";',
        'new ScopedToken("no-expiry", { backend: "random", scopes: ["orders:*"], rotation: { every: "30d", overlap: "1d" } } as unknown as ScopedTokenArgs);',
        'new ScopedToken("vault-no-expiry", { backend: "vault", scopes: ["secret/data/ci/*:read"], rotation: { every: "30d", overlap: "1d" } } as unknown as ScopedTokenArgs);',
        "",
      ].join("\n"),
    });
    try {
      const vs = await compare(prog.dir);
      assert.ok(
        vs.some((v) => v.startsWith("token-expiry-required [mandatory]")),
        vs.join("\n"),
      );
    } finally {
      await prog.remove();
    }
  });

  it("the quickstart (root Pulumi.yaml)", async () => {
    const vs = await compare(REPO);
    assert.deepEqual(vs, []);
  });

  it("examples/vault-ci-token", async () => {
    const vs = await compare(path.join(REPO, "examples/vault-ci-token"));
    assert.deepEqual(vs, []);
  });

  it("examples/bad-tokens: every mandatory rule, AWS included", async () => {
    const vs = await compare(path.join(REPO, "examples/bad-tokens"));
    for (const rule of [
      "token-expiry-required",
      "token-max-ttl",
      "token-rotation-required",
      "token-least-privilege",
      "vault-token-must-expire",
      "vault-no-root-policies",
      "aws-access-key-rotation",
      "aws-iam-least-privilege",
      "aws-secret-rotation",
      "random-token-strength",
    ]) {
      assert.ok(
        vs.some((v) => v.startsWith(`${rule} [mandatory]`)),
        `${rule}:\n${vs.join("\n")}`,
      );
    }
  });

  for (const example of ["aws-service-key", "aws-webhook-secret"]) {
    it(`examples/${example} (AWS through the preview-only stand-in)`, async () => {
      const vs = await compare(path.join(REPO, "examples", example));
      assert.deepEqual(
        vs.filter((v) => v.includes("[mandatory]")),
        [],
      );
    });
  }
});
