/**
 * `tokenguard scan` over files: walk (./walk), read or skip by content (./read), detect, locate,
 * fingerprint. Files are read one at a time with a small read-ahead, so memory stays bounded by
 * the largest file scanned, not by the tree.
 */
import * as path from "node:path";
import { detect, resolveOverlaps, type Detection } from "./detect";
import { toFindings, type ScanFinding } from "./findings";
import type { Fingerprinter } from "./fingerprint";
import { bytePath, relativePath, shownPath, type BytePath } from "./paths";
import { isPulumiConfigFile, scanPulumiConfig } from "./pulumi-config";
import { loadFile, type Loaded, type SkippedFile } from "./read";
import { walkFiles, type WalkOptions } from "./walk";

export { classify } from "./read";
export type { SkippedFile, SkipReason } from "./read";

export interface ScanStats {
  files: number;
  bytes: number;
  skipped: Record<string, number>;
}

export interface ScanResult {
  readonly findings: ScanFinding[];
  readonly stats: ScanStats;
  /** Every file not scanned, with the reason, in walk order. */
  readonly skippedFiles: SkippedFile[];
}

export interface ScanOptions extends WalkOptions {
  /** Paths in findings are relative to this directory. @default process.cwd() */
  readonly cwd?: string;
  /** Larger files are skipped (and reported). @default 16 MiB */
  readonly maxFileSize?: number;
  /** Called after each file with running totals (for a progress line). */
  readonly onProgress?: (stats: Readonly<ScanStats>, file: string) => void;
  /** The repository's fingerprint key. @default defaultFingerprinter() */
  readonly fingerprinter?: Fingerprinter;
}

export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024;

/** Findings in one text, as if it were the file `file` (structural scanners chosen by name). */
export async function scanContent(
  content: string,
  file: string,
  fp?: Fingerprinter,
): Promise<ScanFinding[]> {
  const detections: Detection[] = await detect(content, file);
  const all = isPulumiConfigFile(file)
    ? resolveOverlaps([...scanPulumiConfig(content), ...detections])
    : detections;
  return toFindings(all, content, file, fp);
}

/** Scans files and directories (default: the working directory). */
export async function scanPaths(
  paths: readonly string[],
  options: ScanOptions = {},
): Promise<ScanResult> {
  const cwd = options.cwd ?? process.cwd();
  const base = bytePath(path.resolve(cwd));
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const stats: ScanStats = { files: 0, bytes: 0, skipped: { binary: 0, large: 0, minified: 0 } };
  const findings: ScanFinding[] = [];
  const skippedFiles: SkippedFile[] = [];
  const roots = (paths.length ? paths : ["."]).map((p) => path.resolve(cwd, p));

  const consume = async (abs: BytePath, loaded: Loaded) => {
    if (loaded.kind === "gone") return;
    const file = shownPath(relativePath(base, abs));
    if (loaded.kind === "skip") {
      skippedFiles.push({ file, reason: loaded.reason, detail: loaded.detail });
      stats.skipped[loaded.reason] = (stats.skipped[loaded.reason] ?? 0) + 1;
      return;
    }
    findings.push(
      ...(await scanContent(loaded.buffer.toString("utf8"), file, options.fingerprinter)),
    );
    stats.files++;
    stats.bytes += loaded.buffer.length;
    options.onProgress?.(stats, file);
  };

  // Read ahead a few files while the current one is scanned. loadFile never rejects, so no
  // read-ahead promise fails while nobody awaits it.
  const pending: { abs: BytePath; loaded: Promise<Loaded> }[] = [];
  const drain = async () => {
    const next = pending.shift()!;
    await consume(next.abs, await next.loaded);
  };
  for await (const entry of walkFiles(roots, options)) {
    const loaded: Promise<Loaded> = entry.unreadable
      ? Promise.resolve({ kind: "skip", reason: "unreadable", detail: entry.unreadable })
      : loadFile(entry.path, maxFileSize);
    pending.push({ abs: entry.path, loaded });
    if (pending.length >= 4) await drain();
  }
  while (pending.length) await drain();
  return { findings, stats, skippedFiles };
}
