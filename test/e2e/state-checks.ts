/**
 * What every end-to-end stack must satisfy after each step: no issued token in plaintext in its
 * `pulumi stack export` or its `pulumi stack output` (without --show-secrets), judged both by a
 * literal search for every issued value and by `tokenguard scan --stack-export`'s own scanner.
 */
import { strict as assert } from "node:assert";
import { buildInventory, type Inventory } from "../../lib/report/inventory";
import { nowSeconds } from "../../lib/rotation/clock";
import { scanStackExport } from "../../lib/scan/stack-scan";
import { parseStackExport } from "../../lib/scan/state";
import { DEFAULT_POLICY } from "../../lib/schema/policy-file";
import { fingerprint, type Stack } from "./harness";

/** Fails naming the place and the value's fingerprint, never the value. */
function assertAbsent(text: string, values: readonly string[], where: string): void {
  for (const v of values) {
    assert.ok(v.length >= 8, "a token value to look for is at least 8 characters");
    assert.ok(!text.includes(v), `${where} holds an issued token in plaintext (${fingerprint(v)})`);
  }
}

/**
 * Asserts that neither the state nor the outputs hold any of `values` in plaintext, and that the
 * stack-export scanner finds no plaintext credential either. Returns the parsed export's text.
 */
export async function assertNoPlaintextTokens(
  stack: Stack,
  values: readonly string[],
): Promise<string> {
  const exported = await stack.pulumi(["stack", "export"]);
  assertAbsent(exported.stdout, values, "pulumi stack export");
  const outputs = await stack.pulumi(["stack", "output", "--json"]);
  assertAbsent(outputs.stdout, values, "pulumi stack output --json");
  const parsed = parseStackExport(exported.stdout, "export.json");
  const findings = await scanStackExport(parsed, { file: "export.json", text: exported.stdout });
  // Name the property at each finding (the key on that line), never its value.
  const lines = exported.stdout.split("\n");
  assert.deepEqual(
    findings.map(
      (f) => `${f.rule} line ${f.line}: ${(lines[f.line - 1] ?? "").split(":")[0].trim()}`,
    ),
    [],
    "tokenguard scan --stack-export finds plaintext credentials in the state",
  );
  return exported.stdout;
}

/** `tokenguard report`'s inventory of the stack's current state, at `now` (RFC 3339). */
export async function inventoryOf(stack: Stack, now: string): Promise<Inventory> {
  const exported = await stack.pulumi(["stack", "export"]);
  return buildInventory(parseStackExport(exported.stdout, "export.json"), {
    policy: DEFAULT_POLICY,
    now: nowSeconds(now),
  });
}
