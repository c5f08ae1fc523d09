import { strict as assert } from "node:assert";
import fc from "fast-check";
import { formatInstant, nowSeconds, parseInstant } from "../../lib/rotation/clock";
import {
  SCHEDULE_EPOCH,
  ScheduleError,
  generation,
  generationAt,
  jitteredAnchor,
  liveSet,
  scheduleProblems,
} from "../../lib/rotation/schedule";

const DAY = 86400;
const t = (iso: string) => parseInstant(iso);

describe("rotation/schedule", () => {
  // every 30d, overlap 1d, ttl 31d, generation 0 starts 2026-01-01.
  const s = { every: 30 * DAY, overlap: DAY, ttl: 31 * DAY, anchor: t("2026-01-01T00:00:00Z") };

  it("is one generation just before a boundary, after the previous overlap closed", () => {
    const live = liveSet(s, t("2026-01-30T23:59:59Z"));
    assert.equal(live.current.n, 0);
    assert.equal(live.previous, undefined);
  });

  it("is two generations at the boundary and inside the overlap", () => {
    for (const at of ["2026-01-31T00:00:00Z", "2026-01-31T12:00:00Z", "2026-01-31T23:59:59Z"]) {
      const live = liveSet(s, t(at));
      assert.equal(live.current.n, 1, at);
      assert.equal(live.previous?.n, 0, at);
    }
  });

  it("is one generation again once the overlap has passed", () => {
    const live = liveSet(s, t("2026-02-01T00:00:00Z"));
    assert.equal(live.current.n, 1);
    assert.equal(live.previous, undefined);
  });

  it("gives each generation its rotation, retirement and expiry instants", () => {
    const g = generation(s, 1);
    assert.equal(formatInstant(g.start), "2026-01-31T00:00:00Z");
    assert.equal(formatInstant(g.rotatesAt), "2026-03-02T00:00:00Z");
    assert.equal(formatInstant(g.retiresAt), "2026-03-03T00:00:00Z");
    assert.equal(formatInstant(g.expiresAt), "2026-03-03T00:00:00Z");
  });

  it("refuses a ttl shorter than every + overlap and says by how much", () => {
    assert.throws(
      () => liveSet({ ...s, ttl: 30 * DAY }, t("2026-01-05T00:00:00Z")),
      (e: unknown) => e instanceof ScheduleError && /86400s shorter/.test(e.message),
    );
  });

  it("refuses an overlap above half of every", () => {
    assert.match(scheduleProblems({ every: 10, overlap: 6, ttl: 100 }).join(), /exceeds half/);
    assert.deepEqual(scheduleProblems({ every: 10, overlap: 5, ttl: 15 }), []);
  });

  it("jitters the anchor per token, deterministically, within one interval", () => {
    const a = jitteredAnchor("p/s/one", 30 * DAY);
    assert.equal(a, jitteredAnchor("p/s/one", 30 * DAY));
    assert.notEqual(a, jitteredAnchor("p/s/two", 30 * DAY));
    assert.ok(a >= SCHEDULE_EPOCH && a < SCHEDULE_EPOCH + 30 * DAY);
  });

  it("reads a pinned clock, and refuses a malformed one", () => {
    assert.equal(nowSeconds("2026-01-31T00:00:00Z"), t("2026-01-31T00:00:00Z"));
    assert.throws(() => nowSeconds("yesterday"), /RFC 3339/);
    assert.ok(Math.abs(nowSeconds() - Date.now() / 1000) < 5);
  });

  describe("properties", () => {
    const spec = fc
      .record({
        every: fc.integer({ min: 2, max: 400 * DAY }),
        overlapFraction: fc.double({ min: 0, max: 0.5, noNaN: true }),
        slack: fc.integer({ min: 0, max: 10 * DAY }),
        anchor: fc.integer({ min: 0, max: 2_000_000_000 }),
      })
      .map(({ every, overlapFraction, slack, anchor }) => {
        const overlap = Math.floor(every * overlapFraction);
        return { every, overlap, ttl: every + overlap + slack, anchor };
      });
    // Instants at or after the anchor: liveSet refuses earlier ones (test/rotation/anchor.test.ts).
    const specAndNow = fc
      .tuple(spec, fc.integer({ min: 0, max: 4_000_000_000 }))
      .map(([sp, offset]) => [sp, sp.anchor + offset] as const);

    it("never has zero or more than two live generations, and current holds now", () => {
      fc.assert(
        fc.property(specAndNow, ([sp, now]) => {
          const live = liveSet(sp, now);
          const n = live.previous ? 2 : 1;
          return (
            n >= 1 &&
            n <= 2 &&
            live.current.start <= now &&
            now < live.current.rotatesAt &&
            (!live.previous || live.previous.n === live.current.n - 1)
          );
        }),
      );
    });

    it("keeps each generation live until its successor has existed for overlap", () => {
      fc.assert(
        fc.property(specAndNow, ([sp, now]) => {
          const n = generationAt(sp, now);
          const live = liveSet(sp, now);
          const successorAge = now - live.current.start;
          // The predecessor (if any: generation 0 has none) is live exactly while its successor
          // is younger than overlap.
          return (live.previous !== undefined) === (n > 0 && successorAge < sp.overlap);
        }),
      );
    });

    it("issues every live generation before it is due to expire", () => {
      fc.assert(
        fc.property(specAndNow, ([sp, now]) => {
          const live = liveSet(sp, now);
          return [live.current, live.previous].every((g) => !g || g.expiresAt >= g.retiresAt);
        }),
      );
    });
  });
});
