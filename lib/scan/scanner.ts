/**
 * `tokenguard scan` over files: walk (gitignore-aware), skip binaries, huge and minified files,
 * detect, locate, fingerprint. Files are read one at a time with a small read-ahead, so memory
 * stays bounded by the largest file scanned, not by the tree.
 */
import { readFile, stat } from "node:fs/promises";
import * as path from "node:path";
import { detect, resolveOverlaps, type Detection } from "./detect";
import { toFindings, type ScanFinding } from "./findings";
import { isPulumiConfigFile, scanPulumiConfig } from "./pulumi-config";
import { walkFiles } from "./walk";

export interface ScanStats {
  files: number;
  bytes: number;
  skipped: { binary: number; large: number; minified: number };
}

export interface ScanResult {
  readonly findings: ScanFinding[];
  readonly stats: ScanStats;
}

export interface ScanOptions {
  /** Paths in findings are relative to this directory. @default process.cwd() */
  readonly cwd?: string;
  /** Larger files are skipped (counted in stats). @default 16 MiB */
  readonly maxFileSize?: number;
  /** Called after each file with running totals (for a progress line). */
  readonly onProgress?: (stats: Readonly<ScanStats>, file: string) => void;
}

export const DEFAULT_MAX_FILE_SIZE = 16 * 1024 * 1024;

const BINARY_EXTENSIONS = new Set(
  (
    "png jpg jpeg gif bmp ico webp tif tiff psd pdf zip gz tgz bz2 xz zst 7z rar jar war ear class " +
    "so dylib dll exe bin o a lib obj wasm pyc pyo whl woff woff2 ttf otf eot mp3 mp4 m4a mov avi " +
    "mkv webm ogg wav flac sqlite db iso dmg deb rpm"
  ).split(" "),
);

/** Text to scan, or why not: NUL bytes in the first 8000 (as git decides), or minified. */
export function classify(buffer: Buffer): "text" | "binary" | "minified" {
  const head = buffer.subarray(0, 8000);
  if (head.includes(0)) return "binary";
  if (buffer.length > 256 * 1024) {
    // Minified bundles and source maps: a few enormous lines. Secrets in them come from sources
    // the scan sees anyway; scanning megabytes of one line is where regexes go pathological.
    const sample = buffer.subarray(0, 64 * 1024);
    let newlines = 0;
    for (const byte of sample) if (byte === 10) newlines++;
    if (sample.length / (newlines + 1) > 2000) return "minified";
  }
  return "text";
}

/** Findings in one text, as if it were the file `file` (structural scanners chosen by name). */
export async function scanContent(content: string, file: string): Promise<ScanFinding[]> {
  const detections: Detection[] = await detect(content, file);
  const all = isPulumiConfigFile(file)
    ? resolveOverlaps([...scanPulumiConfig(content), ...detections])
    : detections;
  return toFindings(all, content, file);
}

const toPosix = (p: string) => p.split(path.sep).join("/");

/** Scans files and directories (default: the working directory). */
export async function scanPaths(
  paths: readonly string[],
  options: ScanOptions = {},
): Promise<ScanResult> {
  const cwd = options.cwd ?? process.cwd();
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const stats: ScanStats = { files: 0, bytes: 0, skipped: { binary: 0, large: 0, minified: 0 } };
  const findings: ScanFinding[] = [];
  const roots = (paths.length ? paths : ["."]).map((p) => path.resolve(cwd, p));

  type Loaded = { abs: string; buffer?: Buffer; error?: string };
  // Never rejects: a read-ahead promise must not fail while nobody awaits it.
  const load = async (abs: string): Promise<Loaded> => {
    const ext = path.extname(abs).slice(1).toLowerCase();
    if (BINARY_EXTENSIONS.has(ext)) {
      stats.skipped.binary++;
      return { abs };
    }
    try {
      const info = await stat(abs);
      if (info.size > maxFileSize) {
        stats.skipped.large++;
        return { abs };
      }
      return { abs, buffer: await readFile(abs) };
    } catch (e) {
      return { abs, error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
    }
  };

  // Read ahead a few files while the current one is scanned.
  const pending: Promise<Loaded>[] = [];
  const drain = async () => {
    const { abs, buffer, error } = await pending.shift()!;
    if (error) throw new Error(`${toPosix(path.relative(cwd, abs))}: cannot be read (${error})`);
    if (!buffer) return;
    const kind = classify(buffer);
    if (kind !== "text") {
      stats.skipped[kind]++;
      return;
    }
    const rel = toPosix(path.relative(cwd, abs)) || path.basename(abs);
    findings.push(...(await scanContent(buffer.toString("utf8"), rel)));
    stats.files++;
    stats.bytes += buffer.length;
    options.onProgress?.(stats, rel);
  };
  for await (const abs of walkFiles(roots)) {
    pending.push(load(abs));
    if (pending.length >= 4) await drain();
  }
  while (pending.length) await drain();
  return { findings, stats };
}
