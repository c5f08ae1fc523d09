/**
 * File names are bytes. The scan keeps each path as a "byte string" — one character per byte
 * (latin1) — so path functions work on it unchanged and the filesystem gets the exact bytes back,
 * whether or not the name is UTF-8. Only for showing a path is it decoded (see decodeBytes).
 */
import * as path from "node:path";
import { decodeBytes } from "../escape";

/** A path held one character per byte. Never shown as is: use {@link shownPath}. */
export type BytePath = string & { readonly __bytes: true };

/** The byte path of a path Node gave as text (UTF-8). */
export function bytePath(text: string): BytePath {
  return Buffer.from(text, "utf8").toString("latin1") as BytePath;
}

/** The byte path of raw bytes (a directory entry's name, git's -z output). */
export function bytesToPath(bytes: Buffer): BytePath {
  return bytes.toString("latin1") as BytePath;
}

/** What fs calls take: the exact bytes. */
export function fsPath(p: BytePath): Buffer {
  return Buffer.from(p, "latin1");
}

/** Joins byte paths (Node's path functions are byte-transparent on latin1 text). */
export function joinPath(dir: BytePath, ...names: string[]): BytePath {
  return path.join(dir, ...names) as BytePath;
}

/** `abs` relative to `cwd`, with forward slashes, for output; the base name when they coincide. */
export function relativePath(cwd: BytePath, abs: BytePath): BytePath {
  const rel = path.relative(cwd, abs) || path.basename(abs);
  return rel.split(path.sep).join("/") as BytePath;
}

/**
 * A path as text for output: UTF-8 decoded, `\xNN` for each byte that is not. Controls are kept
 * (JSON escapes them itself); text output passes it through escapeControls.
 */
export function shownPath(p: BytePath): string {
  return decodeBytes(fsPath(p));
}

/** The path as UTF-8 text when it is exactly that (so git and messages can take it), else undefined. */
export function utf8Path(p: BytePath): string | undefined {
  const text = shownPath(p);
  return bytePath(text) === p ? text : undefined;
}

/**
 * A relative path as a SARIF/URI reference: each byte outside the unreserved set percent-encoded,
 * so a name with a space, `#`, `?` or a newline stays one relative reference to the same bytes.
 */
export function uriOf(rel: BytePath): string {
  return rel
    .split("/")
    .map((segment) => {
      let out = "";
      for (const byte of fsPath(segment as BytePath)) {
        const ch = String.fromCharCode(byte);
        out += /[A-Za-z0-9\-._~!$&'()*+,;=:@]/.test(ch)
          ? ch
          : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      }
      return out;
    })
    .join("/");
}
