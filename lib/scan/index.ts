/** Leak scanning: files, staged changes, Pulumi config and stack exports. */
export { SCAN_RULES, scanRule } from "./rules";
export type { ScanRule, Severity, Detector } from "./rules";
export { detect, detectOwn, detectSecretlint } from "./detect";
export type { Detection } from "./detect";
export { fingerprint, fingerprinter, FINGERPRINT_SCHEME } from "./fingerprint";
export type { Fingerprinter } from "./fingerprint";
export { resolveFingerprintKey, FingerprintKeyError, KEY_ENV } from "./fingerprint-key";
export type { ScanFinding } from "./findings";
export { scanPaths, scanContent, DEFAULT_MAX_FILE_SIZE } from "./scanner";
export type { ScanOptions, ScanResult, ScanStats, SkippedFile, SkipReason } from "./scanner";
export { scanStaged, StagedError } from "./staged";
export { loadBaseline, applyBaseline, baselineFingerprints, BaselineError } from "./baseline";
export { toSarif } from "./sarif";
export { scanStackExport } from "./stack-scan";
export {
  parseStackExport,
  parseUrn,
  isSecretValue,
  StackExportError,
  CREDENTIAL_RESOURCES,
} from "./state";
export type { StackExport, StateResource } from "./state";
