import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  DurationError,
  formatDuration,
  parseDuration,
  parseGoDuration,
} from "../../lib/schema/duration";

describe("schema/duration", () => {
  const cases: [string, number][] = [
    ["90s", 90],
    ["15m", 900],
    ["1h", 3600],
    ["7d", 604800],
    ["2w", 1209600],
    ["1h30m", 5400],
    ["1w2d", 777600],
    ["768h", 2764800],
    ["PT1H", 3600],
    ["P30D", 2592000],
    ["P1DT12H", 129600],
    ["P2W", 1209600],
    ["PT90S", 90],
    ["PT1H30M", 5400],
  ];
  for (const [text, seconds] of cases) {
    it(`parses ${text} as ${seconds}s`, () => assert.equal(parseDuration(text), seconds));
  }

  const bad: [string, RegExp][] = [
    ["0s", /is zero/],
    ["PT0S", /is zero/],
    ["forever", /is not a duration/],
    ["", /is not a duration/],
    ["1", /is not a duration/],
    ["-1h", /is not a duration/],
    ["1.5h", /is not a duration/],
    ["1y", /is not a duration/],
    ["P1Y", /years or months/],
    ["P1M", /years or months/],
    ["P", /is not a duration/],
    ["PT", /is not a duration/],
    ["1h1h", /repeats the unit/],
    ["P1H", /not an ISO-8601 duration/],
  ];
  for (const [text, reason] of bad) {
    it(`refuses ${JSON.stringify(text)} and says why`, () => {
      assert.throws(
        () => parseDuration(text),
        (e: unknown) =>
          e instanceof DurationError &&
          reason.test(e.message) &&
          /"1h"|P30D|positive/.test(e.message),
      );
    });
  }

  it("formats in the largest exact units", () => {
    assert.equal(formatDuration(2592000), "30d");
    assert.equal(formatDuration(90000), "1d1h");
    assert.equal(formatDuration(90), "1m30s");
    assert.equal(formatDuration(0), "0s");
  });

  it("round-trips any positive whole number of seconds (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 * 365 * 86400 }),
        (s) => parseDuration(formatDuration(s)) === s,
      ),
    );
  });

  it("gives compound unit strings the sum of their parts (property)", () => {
    fc.assert(
      fc.property(
        fc
          .record({ d: fc.nat(400), h: fc.nat(23), m: fc.nat(59), s: fc.nat(59) })
          .filter((r) => r.d + r.h + r.m + r.s > 0),
        ({ d, h, m, s }) => {
          const text = `${d}d${h}h${m}m${s}s`;
          const iso = `P${d}DT${h}H${m}M${s}S`;
          const want = d * 86400 + h * 3600 + m * 60 + s;
          return parseDuration(text) === want && parseDuration(iso) === want;
        },
      ),
    );
  });
});

describe("schema/duration: Go durations (time.ParseDuration)", () => {
  it("reads what Go reads: units in sequence, fractions, a sign, a bare 0", () => {
    assert.equal(parseGoDuration("1h30m"), 5400);
    assert.equal(parseGoDuration("250ms"), 0.25);
    assert.equal(parseGoDuration("1.5h"), 5400);
    assert.equal(parseGoDuration(".5m"), 30);
    assert.equal(parseGoDuration("-5m"), -300);
    assert.equal(parseGoDuration("+2s"), 2);
    assert.equal(parseGoDuration("0"), 0);
  });

  it("refuses what Go refuses: no unit, unknown units, trailing text, empty", () => {
    for (const bad of ["", "5", "3d", "1h 30m", "soon", "1h30", "-", "."]) {
      assert.equal(parseGoDuration(bad), undefined, bad);
    }
  });
});
