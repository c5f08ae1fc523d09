/** `tokenguard scan`: hard-coded credentials in files, staged changes or a stack export. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { escapeControls } from "../escape";
import type { ScanFinding } from "../scan/findings";
import { FINGERPRINT_SCHEME, type Fingerprinter } from "../scan/fingerprint";
import { formatText, type TextSummary } from "../scan/format";
import { toSarif } from "../scan/sarif";
import {
  DEFAULT_MAX_FILE_SIZE,
  scanPaths,
  type ScanStats,
  type SkippedFile,
} from "../scan/scanner";
import { scanStackExport } from "../scan/stack-scan";
import { scanStaged, StagedError } from "../scan/staged";
import { parseStackExport, StackExportError } from "../scan/state";
import { CliError, EXIT, packageRoot, parseFormat, printJson, type Format } from "./common";
import { scanFingerprinter, suppressKnown } from "./scan-key";

interface ScanFlags {
  format: Format;
  baseline?: string;
  staged?: boolean;
  stackExport?: string;
  maxFileSize: number;
  progress: boolean;
  includeVendored?: boolean;
}

/** Reads a file, or stdin for "-". */
export function readInput(file: string): string {
  try {
    return readFileSync(file === "-" ? 0 : file, "utf8");
  } catch (e) {
    throw new CliError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
}

function version(): string {
  return JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")).version;
}

/** A one-line progress meter on stderr, only on a terminal and only once a scan takes a while. */
export function progressMeter(
  stream: Pick<NodeJS.WriteStream, "isTTY" | "columns" | "write">,
  clock: () => number = Date.now,
) {
  if (!stream.isTTY) return { update: undefined, done: () => {} };
  const started = clock();
  let last = 0;
  let shown = false;
  return {
    update: (stats: Readonly<ScanStats>, file: string) => {
      const now = clock();
      if (now - started < 1000 || now - last < 100) return;
      last = now;
      shown = true;
      const mb = (stats.bytes / 1e6).toFixed(1);
      const width = (stream.columns ?? 80) - 1;
      stream.write(
        `\r${escapeControls(`scanning ${stats.files} files, ${mb} MB  ${file}`).slice(0, width).padEnd(width)}`,
      );
    },
    done: () => {
      if (shown) stream.write(`\r${" ".repeat((stream.columns ?? 80) - 1)}\r`);
    },
  };
}

interface Collected {
  findings: ScanFinding[];
  summary: { files?: number; bytes?: number; skipped?: ScanStats["skipped"] };
  skippedFiles: SkippedFile[];
}

/** Runs the scans the flags ask for (stack export, staged, files). */
async function collect(paths: string[], flags: ScanFlags, fp: Fingerprinter): Promise<Collected> {
  const out: Collected = { findings: [], summary: {}, skippedFiles: [] };
  try {
    if (flags.stackExport !== undefined) {
      const text = readInput(flags.stackExport);
      const file = flags.stackExport === "-" ? "<stdin>" : flags.stackExport;
      const exp = parseStackExport(text, file);
      out.findings.push(...(await scanStackExport(exp, { file, text, fingerprinter: fp })));
    }
    if (flags.staged) {
      const staged = await scanStaged({ paths, fingerprinter: fp });
      out.findings.push(...staged.findings);
      Object.assign(out.summary, { files: staged.files, bytes: staged.bytes });
      out.skippedFiles = staged.skippedFiles;
    } else if (flags.stackExport === undefined || paths.length > 0) {
      const meter = progressMeter(process.stderr);
      const result = await scanPaths(paths, {
        maxFileSize: flags.maxFileSize,
        fingerprinter: fp,
        includeVendored: flags.includeVendored === true,
        onWarning: (message) =>
          process.stderr.write(`tokenguard: warning: ${escapeControls(message)}\n`),
        ...(flags.progress && meter.update ? { onProgress: meter.update } : {}),
      });
      meter.done();
      out.findings.push(...result.findings);
      Object.assign(out.summary, result.stats);
      out.skippedFiles = result.skippedFiles;
    }
  } catch (e) {
    if (e instanceof StackExportError || e instanceof StagedError) throw new CliError(e.message);
    throw e;
  }
  return out;
}

async function runScan(paths: string[], flags: ScanFlags): Promise<void> {
  const scan = scanFingerprinter(process.cwd());
  const { summary, skippedFiles, ...rest } = await collect(paths, flags, scan.fp);
  const { findings, suppressed } = suppressKnown(rest.findings, flags.baseline, scan);

  if (flags.format === "json") {
    const fingerprints = { scheme: FINGERPRINT_SCHEME, keyId: scan.fp.keyId };
    printJson({ findings, suppressed, ...summary, skippedFiles, fingerprints });
  } else if (flags.format === "sarif") {
    printJson(toSarif(findings, version(), skippedFiles, scan.fp.keyId));
  } else {
    const colors = pc.createColors(process.stdout.isTTY === true);
    const text: TextSummary = { ...summary, suppressed, skippedFiles };
    process.stdout.write(`${formatText(findings, text, colors)}\n`);
  }
  // Findings decide first; else a scan that could not read everything is not a clean one.
  const unread = skippedFiles.filter((s) => s.reason === "unreadable").length;
  if (findings.length === 0 && unread > 0) {
    process.stderr.write(
      `tokenguard: could not read ${unread} path${unread === 1 ? "" : "s"} (listed as skipped, unreadable); the scan is incomplete\n`,
    );
  }
  process.exitCode = findings.length > 0 ? EXIT.findings : unread > 0 ? EXIT.error : EXIT.ok;
}

function parseSize(value: string): number {
  const mib = Number(value);
  if (!Number.isFinite(mib) || mib <= 0) {
    throw new CliError(`--max-file-size must be a positive number of MiB (got "${value}")`);
  }
  return Math.round(mib * 1024 * 1024);
}

export function registerScan(program: Command): void {
  program
    .command("scan")
    .description(
      "find hard-coded credentials in files (git-tracked files always; untracked ones unless ignored), staged changes or a stack export; exit 0 clean, 1 findings, 2 error or incomplete",
    )
    .argument("[paths...]", "files or directories to scan (default: the working directory)")
    .option("--format <format>", "text, json or sarif", parseFormat, "text" as Format)
    .option(
      "--baseline <file>",
      "suppress findings whose fingerprints are in this earlier json/sarif output",
    )
    .option("--staged", "scan only what the next commit adds (the index, added lines)")
    .option(
      "--stack-export <file>",
      'scan a `pulumi stack export` ("-" for stdin) for plaintext credentials in state',
    )
    .option("--max-file-size <MiB>", "skip larger files", parseSize, DEFAULT_MAX_FILE_SIZE)
    .option("--no-progress", "never show the progress line (shown on a terminal for long scans)")
    .option(
      "--include-vendored",
      "also scan node_modules, .git, .hg and .svn folders (skipped by default; tracked files are always scanned)",
    )
    .action(async (paths: string[], flags: ScanFlags) => {
      if (flags.staged && flags.stackExport !== undefined) {
        throw new CliError("--staged and --stack-export scan different things; use one");
      }
      await runScan(paths, flags);
    });
}
