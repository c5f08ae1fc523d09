/**
 * The repository's fingerprint key, for the CLI: `TOKENGUARD_FINGERPRINT_KEY` (CI sets it from a
 * secret), else `.tokenguard/fingerprint.key` at the top of the git work tree (or the working
 * directory outside git). The file is created on the first scan outside CI, next to a
 * `.gitignore` that ignores the whole folder, so it is never committed or scanned. In CI without
 * the variable, a one-off key: fingerprints are then safe but match no baseline.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";

export const KEY_ENV = "TOKENGUARD_FINGERPRINT_KEY";
export const KEY_FILE = path.join(".tokenguard", "fingerprint.key");
const MIN_LENGTH = 32;

export interface ResolvedKey {
  readonly key: string;
  /** Where it came from: the variable, the key file, a key file made now, or nowhere (one-off). */
  readonly source: "env" | "file" | "created" | "one-off";
  /** The key file, for "file" and "created". */
  readonly file?: string;
}

/** A fingerprint key that cannot be used; the message names the variable or file and the fix. */
export class FingerprintKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FingerprintKeyError";
  }
}

function checked(key: string, where: string): string {
  if (key.length < MIN_LENGTH) {
    throw new FingerprintKeyError(
      `${where} must be at least ${MIN_LENGTH} characters (got ${key.length}); make one with: openssl rand -hex 32`,
    );
  }
  return key;
}

/** The top of the git work tree holding `dir`, else `dir`. */
function repositoryRoot(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, ".git"))) return d;
    if (d === path.dirname(d)) return path.resolve(dir);
  }
}

export function isCi(env: NodeJS.ProcessEnv): boolean {
  return !!env.CI && env.CI !== "false" && env.CI !== "0";
}

/** Writes a new key file (and the folder's .gitignore); an existing one (a racing scan) wins. */
function createKeyFile(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const ignore = path.join(path.dirname(file), ".gitignore");
  if (!existsSync(ignore)) writeFileSync(ignore, "*\n");
  try {
    writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  return readFileSync(file, "utf8").trim();
}

/** This process's one-off key: every scan of one run fingerprints alike. */
let oneOff: string | undefined;

/** The key scans from `cwd` fingerprint with (see the module comment). */
export function resolveFingerprintKey(cwd: string, env = process.env): ResolvedKey {
  const fromEnv = env[KEY_ENV];
  if (fromEnv) return { key: checked(fromEnv, KEY_ENV), source: "env" };
  const file = path.join(repositoryRoot(cwd), KEY_FILE);
  if (existsSync(file)) {
    return { key: checked(readFileSync(file, "utf8").trim(), file), source: "file", file };
  }
  if (!isCi(env)) {
    try {
      return { key: createKeyFile(file), source: "created", file };
    } catch {
      // a read-only checkout: fall through to a one-off key
    }
  }
  oneOff ??= randomBytes(32).toString("hex");
  return { key: oneOff, source: "one-off" };
}
