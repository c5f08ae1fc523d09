/**
 * `npm run bench:scan`: throughput (MB/s), recall and false positives of `tokenguard scan` against
 * secretlint, gitleaks and detect-secrets, all scanning one directory: a generated corpus of
 * >= 100 MB with credentials planted at known positions, plus one file per case of the
 * peer-derived, held-out and own case corpora (bench/scan/cases.ts), scored per family. Peers are
 * installed from their registries into ~/.cache/tokenguard-bench (never committed). Results:
 * bench/out/scan-bench.{json,md}. Not part of `npm test`.
 *
 * Options (environment): BENCH_SCAN_MB (default 100), BENCH_SCAN_COPIES (planted/look-alike
 * corpus copies, default 40), BENCH_SCAN_TOOLS (comma list, default all), BENCH_SCAN_REPEAT
 * (rounds; tools take turns each round and the fastest round counts — the machine is shared).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { compiledLib, OUT, ROOT } from "../lib/build";
import {
  CASES_DIR,
  casesMarkdown,
  scoreCases,
  totals,
  writeCases,
  type CaseFile,
  type CaseScores,
} from "./cases";
import { generateBenchCorpus, type BenchCorpus } from "./generate";

const CACHE = path.join(os.homedir(), ".cache", "tokenguard-bench");
const GITLEAKS_MODULE = "github.com/zricethezav/gitleaks/v8";
const GITLEAKS_VERSION = "v8.30.1";
const DETECT_SECRETS_VERSION = "1.5.0";

interface Hit {
  readonly file: string;
  readonly line: number;
}

interface Tool {
  readonly name: string;
  /** Installs the tool if needed; returns its version, or throws saying why it cannot be had. */
  readonly prepare: () => string;
  /** Runs over the corpus directory; returns the findings' places. */
  readonly run: (dir: string, report: string) => Hit[];
}

/** The longest any one command may run (installs and scans alike); set by measureScan. */
let limitMs = 30 * 60_000;

function sh(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 1024 * 1024 * 1024,
    timeout: limitMs,
    killSignal: "SIGKILL",
  });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT") {
    throw new Error(`${path.basename(cmd)}: stopped at the ${limitMs / 60_000}-minute limit`);
  }
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return r;
}

function must(r: ReturnType<typeof sh>, what: string, ok: readonly number[] = [0]) {
  if (!ok.includes(r.status ?? -1)) {
    throw new Error(
      `${what} exited ${r.status}: ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" / ")}`,
    );
  }
  return r;
}

const rel = (dir: string, file: string) =>
  path.relative(dir, path.resolve(dir, file)).split(path.sep).join("/");

const tokenguard: Tool = {
  name: "tokenguard",
  prepare: () => {
    // Build before any timed run: compiling lib/ takes longer than scanning the corpus.
    compiledLib();
    return JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
  },
  run: (dir, report) => {
    // The compiled CLI, as users run it (built fresh from the working tree: bench/lib/build).
    const r = sh(
      process.execPath,
      [
        path.join(compiledLib(), "cli", "main.js"),
        "scan",
        "--format",
        "json",
        "--no-progress",
        ".",
      ],
      { cwd: dir },
    );
    must(r, "tokenguard scan", [0, 1]);
    writeFileSync(report, r.stdout);
    return (JSON.parse(r.stdout).findings as Hit[]).map((f) => ({
      file: rel(dir, f.file),
      line: f.line,
    }));
  },
};

const secretlint: Tool = {
  name: "secretlint",
  prepare: () => {
    const prefix = path.join(CACHE, "secretlint");
    const bin = path.join(prefix, "node_modules", ".bin", "secretlint");
    if (!existsSync(bin)) {
      mkdirSync(prefix, { recursive: true });
      must(
        sh("npm", [
          "install",
          "--no-audit",
          "--no-fund",
          "--prefix",
          prefix,
          "secretlint@^13",
          "@secretlint/secretlint-rule-preset-recommend@^13",
        ]),
        "npm install secretlint",
      );
    }
    writeFileSync(
      path.join(prefix, ".secretlintrc.json"),
      JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }),
    );
    return must(sh(process.execPath, [bin, "--version"]), "secretlint --version").stdout.trim();
  },
  run: (dir, report) => {
    const prefix = path.join(CACHE, "secretlint");
    const r = sh(
      process.execPath,
      [
        path.join(prefix, "node_modules", ".bin", "secretlint"),
        "**/*",
        "--format",
        "json",
        "--maskSecrets",
        "--secretlintrc",
        path.join(prefix, ".secretlintrc.json"),
        "--output",
        report,
      ],
      { cwd: dir, env: { ...process.env, NODE_PATH: path.join(prefix, "node_modules") } },
    );
    must(r, "secretlint", [0, 1]);
    const results = JSON.parse(readFileSync(report, "utf8")) as {
      filePath: string;
      messages: { loc: { start: { line: number } } }[];
    }[];
    return results.flatMap((res) =>
      res.messages.map((msg) => ({ file: rel(dir, res.filePath), line: msg.loc.start.line })),
    );
  },
};

const gitleaks: Tool = {
  name: "gitleaks",
  prepare: () => {
    const bin = path.join(CACHE, "bin", "gitleaks");
    if (!existsSync(bin)) {
      must(
        sh("go", ["install", `${GITLEAKS_MODULE}@${GITLEAKS_VERSION}`], {
          env: { ...process.env, GOBIN: path.join(CACHE, "bin") },
        }),
        "go install gitleaks",
      );
    }
    // A `go install` build has no version stamped in; the module version is what was built.
    return GITLEAKS_VERSION.slice(1);
  },
  run: (dir, report) => {
    const r = sh(
      path.join(CACHE, "bin", "gitleaks"),
      [
        "dir",
        ".",
        "--report-format",
        "json",
        "--report-path",
        report,
        "--redact",
        "--no-banner",
        "--exit-code",
        "0",
        "--log-level",
        "error",
      ],
      {
        cwd: dir,
      },
    );
    must(r, "gitleaks");
    const results = JSON.parse(readFileSync(report, "utf8")) as {
      File: string;
      StartLine: number;
    }[];
    return results.map((f) => ({ file: rel(dir, f.File), line: f.StartLine }));
  },
};

const detectSecrets: Tool = {
  name: "detect-secrets",
  prepare: () => {
    const venv = path.join(CACHE, "venv");
    const bin = path.join(venv, "bin", "detect-secrets");
    if (!existsSync(bin)) {
      must(sh("python3", ["-m", "venv", venv]), "python3 -m venv");
      must(
        sh(path.join(venv, "bin", "pip"), [
          "install",
          "-q",
          `detect-secrets==${DETECT_SECRETS_VERSION}`,
        ]),
        "pip install detect-secrets",
      );
    }
    return must(sh(bin, ["--version"]), "detect-secrets --version").stdout.trim();
  },
  run: (dir, report) => {
    // --no-verify: no network calls to vendors (there is no network here, and a benchmark must not make them).
    const r = sh(
      path.join(CACHE, "venv", "bin", "detect-secrets"),
      ["scan", "--all-files", "--no-verify", "."],
      { cwd: dir },
    );
    must(r, "detect-secrets scan");
    writeFileSync(report, r.stdout);
    const results = JSON.parse(r.stdout).results as Record<string, { line_number: number }[]>;
    return Object.entries(results).flatMap(([file, list]) =>
      list.map((f) => ({ file: rel(dir, file), line: f.line_number })),
    );
  },
};

export interface Row {
  tool: string;
  version?: string;
  unavailable?: string;
  seconds?: number;
  mbPerSecond?: number;
  recall?: number;
  found?: number;
  findings?: number;
  lookAlikeFindings?: number;
  otherUnplanted?: number;
  byClass?: Record<string, number>;
  /** Per case corpus (peer-derived, own) and family: positives found, negatives reported. */
  cases?: CaseScores;
}

function score(corpus: BenchCorpus, hits: readonly Hit[]) {
  const byFile = new Map<string, number[]>();
  for (const h of hits) byFile.set(h.file, [...(byFile.get(h.file) ?? []), h.line]);
  const covered = (p: BenchCorpus["planted"][number]) =>
    (byFile.get(p.file) ?? []).some((line) => line >= p.line - 1 && line <= p.endLine + 1);
  const classes = new Map<string, { n: number; found: number }>();
  let found = 0;
  for (const p of corpus.planted) {
    const c = classes.get(p.cls) ?? { n: 0, found: 0 };
    c.n++;
    if (covered(p)) {
      c.found++;
      found++;
    }
    classes.set(p.cls, c);
  }
  const plantedAt = new Map<string, [number, number][]>();
  for (const p of corpus.planted)
    plantedAt.set(p.file, [...(plantedAt.get(p.file) ?? []), [p.line - 1, p.endLine + 1]]);
  const unplanted = hits.filter(
    (h) =>
      !h.file.startsWith(`${CASES_DIR}/`) &&
      !(plantedAt.get(h.file) ?? []).some(([a, b]) => h.line >= a && h.line <= b),
  );
  const lookAlike = unplanted.filter((h) =>
    corpus.lookAlikeDirs.some((d) => h.file.startsWith(`${d}/`)),
  );
  return {
    found,
    recall: found / corpus.planted.length,
    lookAlikeFindings: lookAlike.length,
    otherUnplanted: unplanted.length - lookAlike.length,
    byClass: Object.fromEntries([...classes].map(([cls, c]) => [cls, c.found / c.n])),
  };
}

const pct = (x: number | undefined) => (x === undefined ? "-" : `${(x * 100).toFixed(1)}%`);
const fixed = (x: number | undefined, d = 1) => (x === undefined ? "-" : x.toFixed(d));

function markdown(
  corpus: BenchCorpus,
  cases: readonly CaseFile[],
  rows: readonly Row[],
  repeat: number,
): string {
  const tg = rows.find((r) => r.tool === "tokenguard");
  const gl = rows.find((r) => r.tool === "gitleaks");
  const count = (c: CaseFile["corpus"], e: CaseFile["expect"]) =>
    cases.filter((k) => k.corpus === c && k.expect === e).length;
  const lines = [
    `Corpus: ${(corpus.bytes / 1e6).toFixed(1)} MB in ${corpus.files} files: the generated corpus (${corpus.planted.length} planted credentials in ${new Set(corpus.planted.map((p) => p.cls)).size} classes, ${corpus.lookAlikeDirs.length} look-alike folders) and, under ${CASES_DIR}/, one file per case of the peer-derived corpus (${count("peer", "tp")} positives, ${count("peer", "fp")} negatives), of the held-out corpus (${count("heldout", "tp")} positives, ${count("heldout", "fp")} negatives) and of tokenguard's own rule cases (${count("own", "tp")} positives, ${count("own", "fp")} negatives). Machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}; Node ${process.version}; load average at the end ${os.loadavg()[0].toFixed(1)}. Wall-clock per run over the whole corpus, process start included${repeat > 1 ? `, fastest of ${repeat} rounds` : ""}.`,
    "",
    `Throughput, tokenguard vs gitleaks on the same corpus: ${tg?.mbPerSecond && gl?.mbPerSecond ? `${(tg.mbPerSecond / gl.mbPerSecond).toFixed(2)}× gitleaks' MB/s (time ${((tg.seconds ?? 0) / (gl.seconds ?? 1)).toFixed(2)}× gitleaks')` : "-"}.`,
    "",
    "| tool | version | time (s) | MB/s | speed vs tokenguard | recall (generated) | recall vs tokenguard | findings | on look-alikes (FP) | elsewhere unplanted |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map((r) =>
      r.unavailable
        ? `| ${r.tool} | - | - | - | - | - | - | - | - | unavailable: ${r.unavailable} |`
        : `| ${r.tool} | ${r.version} | ${fixed(r.seconds)} | ${fixed(r.mbPerSecond)} | ${tg?.mbPerSecond && r.mbPerSecond ? `${(r.mbPerSecond / tg.mbPerSecond).toFixed(2)}×` : "-"} | ${pct(r.recall)} | ${tg?.recall && r.recall !== undefined ? `${(r.recall / tg.recall).toFixed(2)}×` : "-"} | ${r.findings} | ${r.lookAlikeFindings} | ${r.otherUnplanted} |`,
    ),
    "",
    "Recall by credential class:",
    "",
  ];
  const ok = rows.filter((r) => !r.unavailable);
  const classes = [...new Set(corpus.planted.map((p) => p.cls))];
  lines.push(
    `| class | planted | ${ok.map((r) => r.tool).join(" | ")} |`,
    `|---|---:|${ok.map(() => "---:").join("|")}|`,
  );
  for (const cls of classes) {
    const n = corpus.planted.filter((p) => p.cls === cls).length;
    lines.push(`| ${cls} | ${n} | ${ok.map((r) => pct(r.byClass?.[cls])).join(" | ")} |`);
  }
  lines.push(
    "",
    "Peer-derived corpus (bench/scan/peer-cases.ts: situations from gitleaks' and secretlint's published tests, our own values), by family — recall = positive files reported, FP = negative files reported:",
    "",
    casesMarkdown("peer", ok),
    "",
    "Held-out corpus (bench/scan/heldout-cases.ts: Nosey Parker's rule examples, our own values), by family:",
    "",
    casesMarkdown("heldout", ok),
    "",
    "tokenguard's own rule cases (the true/false positives beside each detector), by rule:",
    "",
    casesMarkdown("own", ok),
  );
  return lines.join("\n");
}

export interface ScanOptions {
  /** Corpus size, MiB. */
  readonly mb: number;
  /** Planted and look-alike corpus copies spread through it. */
  readonly copies: number;
  readonly tools: readonly string[];
  /** Rounds; tools take turns each round and the fastest round counts (the machine is shared). */
  readonly repeat: number;
  /** Fewer rounds for slow tools, by name (detect-secrets takes minutes per 100 MB). */
  readonly maxRounds?: Readonly<Record<string, number>>;
  /** The longest one command may run; a tool stopped there is reported unavailable. @default 30 min */
  readonly timeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface ScanResult {
  readonly corpus: { readonly bytes: number; readonly files: number; readonly planted: number };
  readonly repeat: number;
  readonly rows: readonly Row[];
  /** The markdown tables (speed and recall, recall by class). */
  readonly markdown: string;
}

export function measureScan(opts: ScanOptions): ScanResult {
  limitMs = opts.timeoutMs ?? 30 * 60_000;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  mkdirSync(OUT, { recursive: true });
  // Outside any git repository: tokenguard honours .gitignore, and this repo ignores bench/out.
  const dir = path.join(CACHE, "scan-corpus");
  log(`generating ${opts.mb} MB corpus in ${dir}`);
  const generated = generateBenchCorpus(dir, opts.mb * 1024 * 1024, opts.copies);
  const cases = writeCases(dir);
  const corpus: BenchCorpus = {
    ...generated,
    bytes: generated.bytes + cases.reduce((n, c) => n + c.bytes, 0),
    files: generated.files + cases.length,
  };
  log(
    `corpus: ${(corpus.bytes / 1e6).toFixed(1)} MB, ${corpus.files} files, ${corpus.planted.length} planted`,
  );

  const repeat = Math.max(1, opts.repeat);
  const tools = [tokenguard, secretlint, gitleaks, detectSecrets].filter((t) =>
    opts.tools.includes(t.name),
  );
  const rows = new Map<string, Row>();
  for (const tool of tools) {
    try {
      rows.set(tool.name, { tool: tool.name, version: tool.prepare() });
    } catch (e) {
      rows.set(tool.name, { tool: tool.name, unavailable: (e as Error).message });
      log(`${tool.name}: unavailable (${(e as Error).message})`);
    }
  }
  for (let round = 1; round <= repeat; round++) {
    for (const tool of tools) {
      const row = rows.get(tool.name)!;
      if (row.unavailable || round > (opts.maxRounds?.[tool.name] ?? repeat)) continue;
      log(`round ${round}: ${tool.name} ${row.version}: scanning...`);
      const started = process.hrtime.bigint();
      let hits: Hit[];
      try {
        hits = tool.run(dir, path.join(OUT, `scan-bench-${tool.name}.json`));
      } catch (e) {
        rows.set(tool.name, { ...row, unavailable: `run failed: ${(e as Error).message}` });
        continue;
      }
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (row.seconds === undefined || seconds < row.seconds) {
        const s = score(corpus, hits);
        const caseScores = scoreCases(cases, new Set(hits.map((h) => h.file)));
        rows.set(tool.name, {
          ...row,
          seconds,
          mbPerSecond: corpus.bytes / 1e6 / seconds,
          findings: hits.length,
          ...s,
          cases: caseScores,
        });
        for (const c of ["peer", "heldout"] as const) {
          const t = totals(caseScores[c]);
          log(
            `${tool.name}: ${c} recall ${t.found}/${t.tp}, false positives ${t.falsePositives}/${t.fp}`,
          );
        }
      }
      log(`${tool.name}: ${seconds.toFixed(1)}s`);
    }
  }
  return {
    corpus: { bytes: corpus.bytes, files: corpus.files, planted: corpus.planted.length },
    repeat,
    rows: [...rows.values()],
    markdown: markdown(corpus, cases, [...rows.values()], repeat),
  };
}

function main(): void {
  const result = measureScan({
    mb: Number(process.env.BENCH_SCAN_MB ?? 100),
    copies: Number(process.env.BENCH_SCAN_COPIES ?? 40),
    tools: (process.env.BENCH_SCAN_TOOLS ?? "tokenguard,secretlint,gitleaks,detect-secrets").split(
      ",",
    ),
    repeat: Number(process.env.BENCH_SCAN_REPEAT ?? 1),
  });
  const { markdown: md, ...doc } = result;
  writeFileSync(path.join(OUT, "scan-bench.json"), JSON.stringify(doc, null, 2));
  writeFileSync(path.join(OUT, "scan-bench.md"), `${md}\n`);
  process.stdout.write(`${md}\n`);
}

if (require.main === module) main();
