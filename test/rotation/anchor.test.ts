/**
 * Anchors after now. The rule (docs/rotation.md): generation 0 starts at the anchor and nothing
 * exists before it, so a declared anchor after now is refused, naming the field and a past anchor
 * with the same rotation times; generations are never negative.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { ScopedToken, type ScopedTokenArgs } from "../../lib";
import { anchorProblem } from "../../lib/rotation/anchor";
import { formatInstant, parseInstant } from "../../lib/rotation/clock";
import {
  SCHEDULE_EPOCH,
  ScheduleError,
  jitteredAnchor,
  liveSet,
  type ScheduleSpec,
} from "../../lib/rotation/schedule";
import { judgeToken } from "../../lib/rules/token-rules";
import { DEFAULT_POLICY } from "../../lib/schema/policy-file";
import { parseTokenSpec } from "../../lib/schema/token";
import { goodToken } from "../helpers/fixtures";
import { children, promiseOf, reset } from "../helpers/mocks";

const DAY = 86_400;
const t = (iso: string) => parseInstant(iso);
const NOW = t("2026-11-29T18:00:00Z");

/** Specs rotation accepts: every > 0, overlap <= every/2, ttl >= every + overlap. */
const specs = fc
  .record({
    every: fc.integer({ min: 1, max: 20 * 365 * DAY }),
    overlapShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
    extra: fc.integer({ min: 0, max: 365 * DAY }),
    anchor: fc.integer({ min: 0, max: 4_000_000_000 }),
  })
  .map(({ every, overlapShare, extra, anchor }) => {
    const overlap = Math.floor(every * overlapShare);
    return { every, overlap, ttl: every + overlap + extra, anchor } satisfies ScheduleSpec;
  });

describe("rotation: anchors after now", () => {
  describe("lib/rotation (pure)", () => {
    it("liveSet refuses a schedule that starts after now, naming rotation.anchor", () => {
      const s = { every: 30 * DAY, overlap: DAY, ttl: 31 * DAY, anchor: NOW + 17 * 30 * DAY };
      assert.throws(
        () => liveSet(s, NOW),
        (e: Error) =>
          e instanceof ScheduleError && /rotation\.anchor .* is after now/.test(e.message),
      );
    });

    it("has no previous generation in generation 0's first overlap (no generation -1)", () => {
      const s = { every: 30 * DAY, overlap: DAY, ttl: 31 * DAY, anchor: NOW - 3600 };
      const live = liveSet(s, NOW);
      assert.equal(live.current.n, 0);
      assert.equal(live.previous, undefined);
    });

    it("property: every generation liveSet returns is >= 0, or it refuses with a ScheduleError", () => {
      fc.assert(
        fc.property(specs, fc.integer({ min: 0, max: 4_000_000_000 }), (s, now) => {
          let live;
          try {
            live = liveSet(s, now);
          } catch (e) {
            assert.ok(e instanceof ScheduleError, String(e));
            assert.ok(s.anchor > now, "refused only when the anchor is after now");
            return;
          }
          assert.ok(live.current.n >= 0, `current ${live.current.n}`);
          assert.ok(
            live.previous === undefined || live.previous.n >= 0,
            `previous ${live.previous?.n}`,
          );
        }),
        { numRuns: 2000 },
      );
    });

    it("property: an implicit (jittered) anchor is never after 2026-01-01, whatever every is", () => {
      fc.assert(
        fc.property(fc.string(), fc.integer({ min: 1, max: 50 * 365 * DAY }), (key, every) => {
          const anchor = jitteredAnchor(key, every);
          assert.ok(
            anchor <= t("2026-01-01T00:00:00Z"),
            `${formatInstant(anchor)} for every ${every}s`,
          );
          assert.ok(anchor > SCHEDULE_EPOCH - every, "within one period of the epoch");
        }),
        { numRuns: 2000 },
      );
    });

    it("keeps every jittered anchor of a period up to two years where it was", () => {
      fc.assert(
        fc.property(fc.string(), fc.integer({ min: 1, max: 730 * DAY }), (key, every) => {
          const anchor = jitteredAnchor(key, every);
          assert.ok(anchor >= SCHEDULE_EPOCH && anchor < SCHEDULE_EPOCH + every);
        }),
      );
    });

    it("anchorProblem: none for a past anchor; for a future one, the field and a past equivalent", () => {
      assert.equal(anchorProblem("2026-01-01T00:00:00Z", 30 * DAY, NOW), undefined);
      assert.equal(
        anchorProblem(formatInstant(NOW), 30 * DAY, NOW),
        undefined,
        "now itself is fine",
      );
      const future = formatInstant(NOW + 17 * 30 * DAY + 5);
      const problem = anchorProblem(future, 30 * DAY, NOW) ?? "";
      assert.match(problem, /^rotation\.anchor .* is after now \(2026-11-29T18:00:00Z\)/);
      const suggested = /(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) rotates at the same times/.exec(problem);
      assert.ok(suggested, problem);
      const past = t(suggested[1]);
      assert.ok(past <= NOW && NOW - past < 30 * DAY, suggested[1]);
      assert.equal((t(future) - past) % (30 * DAY), 0);
      assert.match(
        anchorProblem("monday", 30 * DAY, NOW) ?? "",
        /^rotation\.anchor "monday" is not an RFC 3339/,
      );
    });
  });

  describe("rules", () => {
    const decl = (anchor: string) =>
      parseTokenSpec(goodToken({ rotation: { every: "30d", overlap: "1d", anchor } }));

    it("judgeToken flags an anchor after now on rotation.anchor (mandatory rule)", () => {
      const findings = judgeToken(decl("2028-05-01T00:00:00Z"), DEFAULT_POLICY, NOW);
      assert.deepEqual(
        findings.map((f) => `${f.rule} ${f.field}`),
        ["token-rotation-required rotation.anchor"],
      );
      assert.match(findings[0].message, /is after now/);
      assert.deepEqual(judgeToken(decl("2026-01-01T00:00:00Z"), DEFAULT_POLICY, NOW), []);
    });
  });

  describe("ScopedToken", () => {
    beforeEach(() => reset({ now: "2026-11-29T18:00:00Z" }));
    const args = (anchor: string): ScopedTokenArgs => ({
      backend: "random",
      scopes: ["orders:read"],
      ttl: "31d",
      rotation: { every: "30d", overlap: "1d", anchor },
      owner: "team-orders",
      purpose: "storefront",
    });

    it("refuses an anchor 17 periods ahead, naming the field; registers no -g-17 child", () => {
      assert.throws(
        () => new ScopedToken("future", args(formatInstant(NOW + 17 * 30 * DAY))),
        /rotation\.anchor .* is after now/,
      );
      assert.deepEqual(children(), []);
    });

    it("issues generation 0 alone right after its anchor (no g-1 in the first overlap)", async () => {
      const token = new ScopedToken("fresh", args(formatInstant(NOW - 3600)));
      await promiseOf(pulumi.all([token.tokenId, token.previous, token.value]));
      const names = children().map((r) => r.name);
      assert.ok(names.includes("fresh-g0"), names.join(","));
      assert.ok(!names.some((n) => /-g-\d/.test(n)), names.join(","));
    });
  });
});
