import { strict as assert } from "node:assert";
import { parseSummary, SummaryError, toSummary } from "../../lib/schema/summary";
import type { TokenDeclaration } from "../../lib/schema/token";

const declaration: TokenDeclaration = {
  name: "ci",
  backend: "vault",
  scopes: ["secret/data/ci/*:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-platform",
};

describe("schema/summary: the one contract between the component and its readers", () => {
  it("round-trips: what the component writes is what the pack and report read", () => {
    const schedule = {
      generation: 3,
      rotatesAt: "2026-02-01T00:00:00Z",
      expiresAt: "2026-02-02T00:00:00Z",
    };
    const issues = [{ field: "vault.orphn", path: ["vault", "orphn"], message: "unknown field" }];
    const written = toSummary(declaration, schedule, issues);
    assert.deepEqual(parseSummary(JSON.parse(JSON.stringify(written))), {
      ...declaration,
      ...schedule,
      argumentProblems: [{ field: "vault.orphn", message: "unknown field" }],
    });
  });

  it("carries nothing beyond the contract, and takes the resource name when none is written", () => {
    const read = parseSummary(
      { ...declaration, name: undefined, value: "hvs.SECRET", extra: 1 },
      "fromUrn",
    );
    assert.equal(read.name, "fromUrn");
    assert.ok(!("value" in read) && !("extra" in read));
  });

  it("refuses a malformed schedule, naming it", () => {
    assert.throws(
      () => parseSummary({ ...declaration, generation: -1 }),
      (e: unknown) => e instanceof SummaryError && /generation/.test(JSON.stringify(e.issues)),
    );
    assert.throws(() => parseSummary({ backend: "vault" }), SummaryError, "no name at all");
  });
});
