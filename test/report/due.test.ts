/**
 * `tokenguard report --due`: the dead-man's switch of every stack. Healthy tokens are never due; a
 * token whose rotation stopped is due once rotatesAt passed, or within its own alert.before (else
 * the --due window) of expiry; the exit code says so.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { dueReport } from "../../lib/report/due";
import { buildInventory } from "../../lib/report/inventory";
import { parseInstant } from "../../lib/rotation/clock";
import { parseStackExport } from "../../lib/scan/state";
import { DEFAULT_POLICY } from "../../lib/schema/policy-file";
import { runCli, tempDir } from "../scan/helpers";
import { VERIFICATION_TYPE } from "../../lib/verify/verification-type";
import { scopedToken, stackExport, urn, type Resource } from "./exports";

const ANCHOR = "2026-01-01T00:00:00Z";
const DAY = 86400;

/** orders-api at generation 2 (from 03-02): rotates 04-01, expires 04-02 (31d/30d). */
function orders(alert?: { before: string }): Resource[] {
  const resources = scopedToken({
    name: "orders-api",
    backend: "random",
    scopes: ["orders:read"],
    ttl: "31d",
    rotation: { every: "30d", overlap: "1d", anchor: ANCHOR },
    owner: "team-orders",
    purpose: "storefront",
    generation: 2,
    rotatesAt: "2026-04-01T00:00:00Z",
    expiresAt: "2026-04-02T00:00:00Z",
    children: [{ n: 2, created: "2026-03-02T00:05:00Z" }],
  });
  if (alert) resources[0].inputs = { ...(resources[0].inputs as object), alert };
  return resources;
}

function due(resources: Resource[], now: string, window = 7 * DAY) {
  const exp = parseStackExport(JSON.stringify(stackExport(resources)), "test");
  const at = parseInstant(now);
  return dueReport(buildInventory(exp, { policy: DEFAULT_POLICY, now: at }), exp, at, window).due;
}

describe("report --due: tokens whose rotation stopped", () => {
  it("a healthy token with alert.before is never due, up to its rotation", () => {
    // The last instant of a healthy cycle: a day before expiry, just before rotatesAt.
    assert.deepEqual(due(orders({ before: "12h" }), "2026-03-31T23:59:59Z"), []);
  });

  it("is due once rotatesAt passed (the scheduled up did not rotate it)", () => {
    const [t] = due(orders({ before: "12h" }), "2026-04-01T03:00:00Z");
    assert.equal(t.name, "orders-api");
    assert.equal(t.owner, "team-orders");
    assert.deepEqual(t.reasons, [
      "rotation overdue since 2026-04-01T00:00:00Z (3h ago): the scheduled pulumi up has not rotated it",
    ]);
    assert.equal(t.windowFrom, "alert.before");
  });

  it("adds the expiry within the token's own alert.before, and past it", () => {
    const [t] = due(orders({ before: "12h" }), "2026-04-01T13:00:00Z");
    assert.equal(t.reasons[1], "expires at 2026-04-02T00:00:00Z, in 11h: within 12h");
    const [gone] = due(orders({ before: "12h" }), "2026-04-03T00:00:00Z");
    assert.equal(gone.reasons[1], "expired at 2026-04-02T00:00:00Z");
  });

  it("without alert, --due is capped below ttl - every: a healthy token is never listed", () => {
    // 5 days before expiry, a week's --due would list it while rotation is still days away.
    assert.deepEqual(due(orders(), "2026-03-28T00:00:00Z", 7 * DAY), []);
    assert.deepEqual(due(orders(), "2026-03-31T23:59:59Z", 7 * DAY), []);
    const [t] = due(orders(), "2026-04-01T06:00:00Z", 7 * DAY);
    assert.deepEqual(t.reasons.slice(1), ["expires at 2026-04-02T00:00:00Z, in 18h: within 1d"]);
    assert.equal(t.windowFrom, "ttl - rotation.every");
    // A window already shorter than ttl - every is the one used.
    const [short] = due(orders(), "2026-04-01T18:00:00Z", 12 * 3600);
    assert.equal(short.windowFrom, "--due");
  });

  it("judges the generation in use when the summary names one that never passed its probe", () => {
    // A failed canary: the summary (written at registration) says generation 3, but only
    // generation 2's verification is in the state.
    const resources = scopedToken({
      name: "orders-api",
      backend: "random",
      scopes: ["orders:read"],
      ttl: "31d",
      rotation: { every: "30d", overlap: "1d", anchor: ANCHOR },
      owner: "team-orders",
      generation: 3,
      rotatesAt: "2026-05-01T00:00:00Z",
      expiresAt: "2026-05-02T00:00:00Z",
      children: [
        { n: 2, created: "2026-03-02T00:05:00Z" },
        { n: 3, created: "2026-04-02T00:05:00Z" },
      ],
    });
    const verification = (n: number): Resource => ({
      urn: urn(VERIFICATION_TYPE, `orders-api-verify-g${n}`, ["tokenguard:index:ScopedToken"]),
      custom: true,
      id: `v${n}`,
      type: VERIFICATION_TYPE,
      parent: resources[0].urn,
      inputs: {},
      outputs: {},
    });
    const [t] = due([...resources, verification(2)], "2026-04-02T06:00:00Z");
    assert.equal(t.generation, 2);
    assert.deepEqual(t.reasons, [
      "rotation overdue since 2026-04-01T00:00:00Z (1d6h ago): the scheduled pulumi up has not rotated it",
      "expired at 2026-04-02T00:00:00Z",
      "generation 3 was issued but never passed its probe; generation 2 is the one in use",
    ]);
    // Once generation 3 passed, the summary is the truth again.
    assert.deepEqual(
      due([...resources, verification(2), verification(3)], "2026-04-02T06:00:00Z"),
      [],
    );
  });

  it("the CLI exits 1 listing due tokens, 0 when none is, 2 on a bad --due", async () => {
    const t = tempDir("tg-due-");
    try {
      const file = path.join(t.dir, "state.json");
      writeFileSync(file, JSON.stringify(stackExport(orders({ before: "12h" }))));
      const base = ["report", "--stack-export", file, "--due", "7d"];
      const late = await runCli([...base, "--now", "2026-04-01T03:00:00Z", "--format", "json"]);
      assert.equal(late.code, 1, late.stderr);
      const report = JSON.parse(late.stdout);
      assert.deepEqual(
        report.due.map((d: { name: string }) => d.name),
        ["orders-api"],
      );
      assert.equal(report.window, "7d");
      const text = await runCli([...base, "--now", "2026-04-01T03:00:00Z", "--format", "table"]);
      assert.match(text.stdout, /1 token\(s\) in orders\/prod due at 2026-04-01T03:00:00Z/);
      assert.match(text.stdout, /orders-api {2}random {2}owner team-orders {2}g2/);
      const fine = await runCli([...base, "--now", "2026-03-10T00:00:00Z", "--format", "json"]);
      assert.equal(fine.code, 0, fine.stdout);
      assert.deepEqual(JSON.parse(fine.stdout).due, []);
      const bad = await runCli([...base.slice(0, 3), "--due", "soon"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--due "soon" is not a duration/);
    } finally {
      t.cleanup();
    }
  });
});
