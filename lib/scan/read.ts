/**
 * Reading one file for the scan, or saying why not. Binary and minified are decided by content
 * (never by a name or an extension), over the whole file; every file not scanned comes back as
 * skipped with a reason a reader can act on.
 */
import { constants } from "node:fs";
import { lstat, open } from "node:fs/promises";
import { fsPath, type BytePath } from "./paths";

export type SkipReason = "binary" | "large" | "minified" | "symlink" | "special" | "unreadable";

/** A file the scan did not read, as reported in every output format. */
export interface SkippedFile {
  /** As findings name files: relative to the working directory, escapes for non-UTF-8 bytes. */
  readonly file: string;
  readonly reason: SkipReason;
  /** Why, in words (sizes, the system's error). */
  readonly detail: string;
}

export type Loaded =
  | { readonly kind: "text"; readonly buffer: Buffer }
  | { readonly kind: "skip"; readonly reason: SkipReason; readonly detail: string }
  /** Listed but gone (deleted from the work tree, or meanwhile): nothing to scan. */
  | { readonly kind: "gone" };

/** git's rule: a NUL byte in the first 8000 bytes makes a file binary. */
const BINARY_PROBE = 8000;
/** Minified: over 256 KiB with at least 90% of its bytes on lines longer than 2000 bytes. */
const MINIFIED = { minSize: 256 * 1024, longLine: 2000, share: 0.9 };

const n = (x: number) => x.toLocaleString("en");

/** Bytes of `buffer` on lines longer than {@link MINIFIED}.longLine. */
function bytesOnLongLines(buffer: Buffer): number {
  let total = 0;
  for (let start = 0; start < buffer.length;) {
    const nl = buffer.indexOf(10, start);
    const end = nl === -1 ? buffer.length : nl;
    if (end - start > MINIFIED.longLine) total += end - start;
    start = end + 1;
  }
  return total;
}

/** Why a file's content is not scanned as text (binary, minified), or undefined to scan it. */
export function contentSkip(buffer: Buffer): { reason: SkipReason; detail: string } | undefined {
  if (buffer.subarray(0, BINARY_PROBE).includes(0)) {
    return {
      reason: "binary",
      detail: `NUL bytes in the first ${n(BINARY_PROBE)} bytes (git's rule)`,
    };
  }
  if (buffer.length <= MINIFIED.minSize) return undefined;
  const long = bytesOnLongLines(buffer);
  if (long < buffer.length * MINIFIED.share) return undefined;
  const pct = Math.floor((long / buffer.length) * 100);
  return {
    reason: "minified",
    detail: `${pct}% of its ${n(buffer.length)} bytes are on lines over ${n(MINIFIED.longLine)} bytes (a bundle or source map)`,
  };
}

/** Text to scan, or why not (for content already in memory, e.g. a staged blob). */
export function classify(buffer: Buffer): "text" | "binary" | "minified" {
  const skip = contentSkip(buffer);
  return skip ? (skip.reason as "binary" | "minified") : "text";
}

/** A system error as words: "path is too long for the system to open (4,203 bytes)". */
export function unreadableDetail(code: string | undefined, message: string, p: BytePath): string {
  if (code === "ENAMETOOLONG" || /too long/i.test(message)) {
    return `path is too long for the system to open (${n(p.length)} bytes)`;
  }
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return code ? `${code}: ${message.replace(/^[A-Z]+: /, "").split(",")[0]}` : message;
}

const skip = (reason: SkipReason, detail: string): Loaded => ({ kind: "skip", reason, detail });

/** Reads `p` whole if it is a regular text file of at most `maxFileSize` bytes. */
export async function loadFile(p: BytePath, maxFileSize: number): Promise<Loaded> {
  try {
    const info = await lstat(fsPath(p));
    if (info.isSymbolicLink()) return skip("symlink", "a symbolic link (links are not followed)");
    if (!info.isFile()) return skip("special", "not a regular file");
    if (info.size > maxFileSize) {
      return skip(
        "large",
        `${n(info.size)} bytes, over the ${n(maxFileSize)}-byte limit (--max-file-size)`,
      );
    }
    const handle = await open(fsPath(p), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const head = Buffer.alloc(Math.min(BINARY_PROBE, info.size));
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const why = contentSkip(head.subarray(0, bytesRead));
      if (why?.reason === "binary") return skip(why.reason, why.detail);
      const buffer = await handle.readFile();
      if (buffer.length > maxFileSize) {
        return skip(
          "large",
          `${n(buffer.length)} bytes, over the ${n(maxFileSize)}-byte limit (--max-file-size)`,
        );
      }
      const content = contentSkip(buffer);
      return content ? skip(content.reason, content.detail) : { kind: "text", buffer };
    } finally {
      await handle.close();
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === "ENOENT") return { kind: "gone" };
    if (err.code === "ELOOP") return skip("symlink", "a symbolic link (links are not followed)");
    return skip("unreadable", unreadableDetail(err.code, err.message, p));
  }
}
