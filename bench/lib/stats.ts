/**
 * Summaries of repeated measurements and of how a cost grows with N. Pure functions: no I/O.
 */

/** The median and the spread (min, max) of repeated samples. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error("summarize: no samples");
  if (samples.some((x) => !Number.isFinite(x))) {
    throw new Error(`summarize: samples must be finite numbers, got ${samples.join(", ")}`);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/**
 * How cost grows with N: the exponent k of cost ≈ c·N^k, fitted by least squares on log-log
 * points. k ≈ 1 is linear, k ≈ 2 quadratic. Needs two or more distinct positive N.
 */
export function growthExponent(points: readonly { n: number; value: number }[]): number {
  const usable = points.filter((p) => p.n > 0 && p.value > 0);
  if (new Set(usable.map((p) => p.n)).size < 2) {
    throw new Error("growthExponent: need points at two or more distinct positive N");
  }
  const xs = usable.map((p) => Math.log(p.n));
  const ys = usable.map((p) => Math.log(p.value));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

/**
 * The marginal cost per item between consecutive N: (cost(N₂) − cost(N₁)) / (N₂ − N₁). Constant
 * marginal cost means linear growth; the fixed cost (process start, loading) drops out.
 */
export function marginalCosts(
  points: readonly { n: number; value: number }[],
): { from: number; to: number; perItem: number }[] {
  const sorted = [...points].sort((a, b) => a.n - b.n);
  const out: { from: number; to: number; perItem: number }[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]];
    if (b.n === a.n) continue;
    out.push({ from: a.n, to: b.n, perItem: (b.value - a.value) / (b.n - a.n) });
  }
  return out;
}

/**
 * Predicts cost at `n` from measured points by extending the last step's marginal cost linearly
 * (proportional scaling when only one point is known). Used to skip runs that could not finish
 * within a time budget; the hard timeout still guards against growth worse than linear.
 */
export function predictAt(points: readonly { n: number; value: number }[], n: number): number {
  const sorted = [...points].sort((a, b) => a.n - b.n);
  const last = sorted[sorted.length - 1];
  if (!last) throw new Error("predictAt: no points");
  if (n <= last.n) return last.value;
  const marginal = marginalCosts(sorted).at(-1)?.perItem;
  return marginal === undefined
    ? (last.value * n) / last.n
    : last.value + Math.max(marginal, 0) * (n - last.n);
}
