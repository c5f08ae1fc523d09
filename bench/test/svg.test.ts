import { strict as assert } from "node:assert";
import { decades, escapeXml, lineChart } from "../lib/svg";

/** The x,y pairs of each series' polyline, by series name. */
function polylines(svg: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  const re = /<g class="series" data-name="([^"]*)">\s*<polyline[^>]* points="([^"]*)"/g;
  for (let m = re.exec(svg); m; m = re.exec(svg)) {
    out.set(
      m[1],
      m[2].split(" ").map((p) => p.split(",").map(Number) as [number, number]),
    );
  }
  return out;
}

describe("bench SVG chart", () => {
  const chart = lineChart({
    title: "t",
    xLabel: "N",
    yLabel: "s",
    series: [
      {
        name: "linear",
        points: [
          { x: 1000, y: 10 },
          { x: 10, y: 0.1 },
          { x: 100, y: 1 },
        ],
      },
      { name: "a < b & c", points: [{ x: 10, y: 0.5 }], dashed: true },
      { name: "empty", points: [] },
    ],
  });

  it("draws one polyline per series with points, sorted by x", () => {
    const lines = polylines(chart);
    assert.deepEqual([...lines.keys()], ["linear", "a &lt; b &amp; c"]);
    const linear = lines.get("linear")!;
    assert.equal(linear.length, 3);
    assert.ok(linear[0][0] < linear[1][0] && linear[1][0] < linear[2][0]);
  });

  it("puts equal ratios at equal distances (log-log): a straight line for y ∝ x", () => {
    const [a, b, c] = polylines(chart).get("linear")!;
    assert.ok(Math.abs(b[0] - a[0] - (c[0] - b[0])) < 0.2);
    assert.ok(Math.abs(b[1] - a[1] - (c[1] - b[1])) < 0.2);
    assert.ok(a[1] > c[1], "larger values are drawn higher (smaller y)");
  });

  it("labels whole decades and escapes text", () => {
    assert.deepEqual(decades(10, 1000), [10, 100, 1000]);
    assert.deepEqual(decades(0.05, 3), [0.01, 0.1, 1, 10]);
    assert.ok(chart.includes(">1,000</text>"));
    assert.equal(escapeXml(`<"'&>`), "&lt;&quot;&apos;&amp;&gt;");
    assert.ok(chart.includes('stroke-dasharray="6 4"'));
    assert.ok(chart.startsWith("<svg ") && chart.trimEnd().endsWith("</svg>"));
  });

  it("refuses values a log axis cannot show, and an empty chart", () => {
    const base = { title: "t", xLabel: "x", yLabel: "y" };
    assert.throws(
      () => lineChart({ ...base, series: [{ name: "z", points: [{ x: 10, y: 0 }] }] }),
      /positive values, got \(10, 0\)/,
    );
    assert.throws(() => lineChart({ ...base, series: [] }), /no points/);
  });
});
