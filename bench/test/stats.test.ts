import { strict as assert } from "node:assert";
import { growthExponent, marginalCosts, predictAt, summarize } from "../lib/stats";

describe("bench stats", () => {
  it("summarizes samples as median and spread", () => {
    assert.deepEqual(summarize([3, 1, 2]), { median: 2, min: 1, max: 3, n: 3 });
    assert.deepEqual(summarize([4, 1, 2, 10]), { median: 3, min: 1, max: 10, n: 4 });
    assert.deepEqual(summarize([7]), { median: 7, min: 7, max: 7, n: 1 });
  });

  it("refuses no samples and non-numbers", () => {
    assert.throws(() => summarize([]), /no samples/);
    assert.throws(() => summarize([1, Number.NaN]), /finite/);
  });

  it("fits the growth exponent: 1 for linear, 2 for quadratic", () => {
    const ns = [10, 100, 1000, 10000];
    assert.ok(Math.abs(growthExponent(ns.map((n) => ({ n, value: 0.004 * n }))) - 1) < 1e-9);
    assert.ok(Math.abs(growthExponent(ns.map((n) => ({ n, value: 3e-6 * n * n }))) - 2) < 1e-9);
    // A fixed cost flattens the small end: below 1 over all sizes, near 1 over the large ones.
    const withFixed = ns.map((n) => ({ n, value: 1.5 + 0.01 * n }));
    assert.ok(growthExponent(withFixed) < 0.8);
    assert.ok(Math.abs(growthExponent(withFixed.slice(2)) - 1) < 0.1);
  });

  it("needs two distinct sizes to fit", () => {
    assert.throws(() => growthExponent([{ n: 10, value: 1 }]), /two or more/);
    assert.throws(
      () =>
        growthExponent([
          { n: 10, value: 1 },
          { n: 10, value: 2 },
        ]),
      /two or more/,
    );
  });

  it("gives the marginal cost per item between sizes, fixed cost removed", () => {
    assert.deepEqual(
      marginalCosts([
        { n: 100, value: 3 },
        { n: 10, value: 2.1 },
        { n: 1000, value: 12 },
      ]),
      [
        { from: 10, to: 100, perItem: (3 - 2.1) / 90 },
        { from: 100, to: 1000, perItem: 9 / 900 },
      ],
    );
  });

  it("predicts a larger size from the last step's marginal cost", () => {
    const pts = [
      { n: 100, value: 20 },
      { n: 1000, value: 110 },
    ];
    assert.equal(predictAt(pts, 10000), 110 + 0.1 * 9000);
    assert.equal(predictAt([{ n: 1000, value: 60 }], 10000), 600);
    assert.equal(predictAt(pts, 500), 110);
  });
});
