/**
 * A small, dependency-free SVG line chart on log-log axes (N spans decades, and so do times).
 * Pure: returns the SVG text.
 */

export interface Series {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** Drawn dashed (e.g. a reference line). */
  readonly dashed?: boolean;
  /** Stroke colour; by default the next one of a fixed palette. */
  readonly color?: string;
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** Formats a y tick value (a power of ten). */
  readonly yTick?: (value: number) => string;
  readonly width?: number;
  readonly height?: number;
}

const COLORS = [
  "#1f77b4",
  "#d62728",
  "#2ca02c",
  "#ff7f0e",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#17becf",
  "#7f7f7f",
  "#bcbd22",
];

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] as string,
  );
}

/** Powers of ten covering [lo, hi], widened to whole decades. */
export function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

const num = (x: number) => Number(x.toFixed(1)).toString();

export function lineChart(opts: ChartOptions): string {
  const width = opts.width ?? 760;
  const height = opts.height ?? 460;
  const series = opts.series.filter((s) => s.points.length > 0);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) throw new Error("lineChart: no points to draw");
  const bad = all.find((p) => !(p.x > 0 && p.y > 0 && Number.isFinite(p.x * p.y)));
  if (bad) throw new Error(`lineChart: log axes need positive values, got (${bad.x}, ${bad.y})`);

  const xTicks = decades(Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x)));
  const yTicks = decades(Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y)));
  const legendWidth = 230;
  const m = { left: 70, right: legendWidth + 20, top: 40, bottom: 50 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const [x0, x1] = [Math.log10(xTicks[0]), Math.log10(xTicks[xTicks.length - 1])];
  const [y0, y1] = [Math.log10(yTicks[0]), Math.log10(yTicks[yTicks.length - 1])];
  const sx = (x: number) => m.left + ((Math.log10(x) - x0) / (x1 - x0 || 1)) * plotW;
  const sy = (y: number) => m.top + plotH - ((Math.log10(y) - y0) / (y1 - y0 || 1)) * plotH;
  const yTick = opts.yTick ?? ((v: number) => String(v));

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(opts.title)}</text>`,
  ];
  for (const t of xTicks) {
    const x = num(sx(t));
    parts.push(
      `<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + plotH}" stroke="#e0e0e0"/>`,
      `<text x="${x}" y="${m.top + plotH + 16}" text-anchor="middle">${escapeXml(t.toLocaleString("en-US"))}</text>`,
    );
  }
  for (const t of yTicks) {
    const y = num(sy(t));
    parts.push(
      `<line x1="${m.left}" y1="${y}" x2="${m.left + plotW}" y2="${y}" stroke="#e0e0e0"/>`,
      `<text x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(yTick(t))}</text>`,
    );
  }
  parts.push(
    `<rect x="${m.left}" y="${m.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${m.left + plotW / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(opts.xLabel)}</text>`,
    `<text transform="translate(16 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(opts.yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length];
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    const dash = s.dashed ? ` stroke-dasharray="6 4"` : "";
    parts.push(
      `<g class="series" data-name="${escapeXml(s.name)}">`,
      `<polyline fill="none" stroke="${color}" stroke-width="2"${dash} points="${pts
        .map((p) => `${num(sx(p.x))},${num(sy(p.y))}`)
        .join(" ")}"/>`,
      ...pts.map(
        (p) => `<circle cx="${num(sx(p.x))}" cy="${num(sy(p.y))}" r="3" fill="${color}"/>`,
      ),
      "</g>",
    );
    const ly = m.top + 10 + i * 20;
    const lx = width - legendWidth;
    parts.push(
      `<line x1="${lx}" y1="${ly}" x2="${lx + 24}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push("</svg>", "");
  return parts.join("\n");
}
