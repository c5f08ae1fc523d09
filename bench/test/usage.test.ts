/** The usage benchmark's generated log: valid audit entries, and usage counts the watched ones. */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseStackExport } from "../../lib/scan/state";
import { runUsage } from "../../lib/usage/run";
import { parseAuditLine } from "../../lib/usage/vault-audit";
import { tempDir } from "../../test/helpers/cli";
import { stackExport, vaultScopedToken } from "../../test/usage/fixtures";
import { generateAuditLog, watchedAccessors } from "../usage/generate";

describe("bench: the usage benchmark's audit log", () => {
  it("is Vault audit entries, and usage matches exactly the watched tokens' responses", async () => {
    const { dir, cleanup } = tempDir("bench-usage");
    try {
      const file = path.join(dir, "audit.log");
      const generated = await generateAuditLog(file, 2, { tokens: 3, share: 0.05 });
      const lines = readFileSync(file, "utf8").trim().split("\n");
      assert.equal(lines.length, generated.lines);
      assert.ok(lines.every((l) => parseAuditLine(l).kind !== "unreadable"));
      const exp = stackExport(
        watchedAccessors(3).flatMap((a, i) =>
          vaultScopedToken({
            name: `bench-${i}`,
            scopes: ["secret/data/*:read,list"],
            accessors: [a],
            policy: `bench-policy-${i}`,
          }),
        ),
      );
      const report = await runUsage({
        exp: parseStackExport(exp, "bench"),
        now: Date.parse("2027-01-01T00:00:00Z") / 1000,
        since: "2025-01-01T00:00:00Z",
        vaultAudit: [file],
      });
      const matched = report.tokens.reduce((n, t) => n + (t.matched?.accessor ?? 0), 0);
      assert.ok(generated.watchedResponses > 0);
      assert.equal(matched, generated.watchedResponses);
    } finally {
      cleanup();
    }
  });
});
