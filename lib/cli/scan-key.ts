/** `tokenguard scan`'s fingerprint key and baseline: resolved once, explained on stderr. */
import { applyBaseline, BaselineError, loadBaseline, type Baseline } from "../scan/baseline";
import type { ScanFinding } from "../scan/findings";
import { fingerprinter, type Fingerprinter } from "../scan/fingerprint";
import {
  FingerprintKeyError,
  KEY_ENV,
  KEY_FILE,
  resolveFingerprintKey,
  type ResolvedKey,
} from "../scan/fingerprint-key";
import { CliError } from "./common";

const note = (text: string) => process.stderr.write(`tokenguard: ${text}\n`);

/** The key this scan fingerprints with; says so when it made a key file or has only a one-off key. */
export function scanFingerprinter(cwd: string): { fp: Fingerprinter; key: ResolvedKey } {
  let key: ResolvedKey;
  try {
    key = resolveFingerprintKey(cwd);
  } catch (e) {
    if (e instanceof FingerprintKeyError) throw new CliError(e.message);
    throw e;
  }
  if (key.source === "created") {
    note(
      `created ${KEY_FILE} (git-ignored): the secret key of this repository's scan fingerprints. Baselines depend on it; give CI the same key as the secret ${KEY_ENV}`,
    );
  } else if (key.source === "one-off") {
    note(
      `warning: ${KEY_ENV} is not set and CI has no key file, so fingerprints use a one-off key: they match no baseline and no earlier upload. Set ${KEY_ENV} from a CI secret`,
    );
  }
  return { fp: fingerprinter(key.key), key };
}

/** Reads `--baseline` and checks it was made with this scan's key. */
function checkedBaseline(file: string, fp: Fingerprinter, key: ResolvedKey): Baseline {
  let baseline: Baseline;
  try {
    baseline = loadBaseline(file);
  } catch (e) {
    if (e instanceof BaselineError) throw new CliError(e.message);
    throw e;
  }
  if (baseline.keyId !== undefined && baseline.keyId !== fp.keyId && baseline.current.size > 0) {
    const ours =
      key.source === "env"
        ? `${KEY_ENV}'s`
        : key.source === "one-off"
          ? "a one-off"
          : "the key file's";
    throw new CliError(
      `--baseline ${file} was made with fingerprint key ${baseline.keyId}, but this scan uses ${ours} key ${fp.keyId}: set ${KEY_ENV} to the key the baseline was made with (${KEY_FILE} where it was made)`,
    );
  }
  if (baseline.legacy.size > 0) {
    note(
      `warning: --baseline ${file} holds ${baseline.legacy.size} fingerprints of the old public scheme (tokenguard/v1), which anyone can test guesses against; they still suppress, but regenerate it: tokenguard scan --format json > ${file}`,
    );
  }
  return baseline;
}

/** Findings not in `--baseline` (all of them without one), and how many it suppressed. */
export function suppressKnown(
  findings: ScanFinding[],
  file: string | undefined,
  scan: { fp: Fingerprinter; key: ResolvedKey },
): { findings: ScanFinding[]; suppressed: number } {
  if (file === undefined) return { findings, suppressed: 0 };
  return applyBaseline(findings, checkedBaseline(file, scan.fp, scan.key));
}
