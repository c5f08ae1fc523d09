/** Ledger locations: `s3://bucket/prefix` or a file path, parsed into a sink spec and opened. */
import { parseDuration } from "../../schema/duration";
import { fileSink } from "./file";
import { s3Sink } from "./s3";
import { ledgerError, type LedgerSink, type SinkSpec } from "./types";

export interface LocationOptions {
  /** S3 region. */
  readonly region?: string;
  /** S3-compatible endpoint URL. */
  readonly endpoint?: string;
  /** Object Lock retention per record: `"<governance|compliance>:<duration>"`, e.g. "compliance:400d". */
  readonly retention?: string;
  /** How messages name the options: config keys for a stack, flags for the CLI. */
  readonly names?: {
    readonly location: string;
    readonly endpoint: string;
    readonly retention: string;
  };
}

const CONFIG_NAMES = {
  location: "tokenguard:ledger",
  endpoint: "tokenguard:ledgerEndpoint",
  retention: "tokenguard:ledgerRetention",
};

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function parseRetention(
  text: string,
  name: string,
): NonNullable<Extract<SinkSpec, { kind: "s3" }>["retention"]> {
  const m = /^(governance|compliance):(.+)$/i.exec(text.trim());
  if (!m) {
    throw ledgerError(
      `${name} must look like "compliance:400d" or "governance:30d" (Object Lock mode, then a duration)`,
    );
  }
  let seconds: number;
  try {
    seconds = parseDuration(m[2]);
  } catch (e) {
    throw ledgerError(`${name}: ${(e as Error).message}`);
  }
  if (seconds < 86_400) throw ledgerError(`${name}: Object Lock retention must be at least 1d`);
  return { mode: m[1].toUpperCase() as "GOVERNANCE" | "COMPLIANCE", seconds };
}

/** Parses a ledger location (file path or `s3://bucket/prefix`) and its options. */
export function parseSinkSpec(location: string, opts: LocationOptions = {}): SinkSpec {
  const names = opts.names ?? CONFIG_NAMES;
  const text = location.trim();
  if (text === "")
    throw ledgerError(`${names.location} is empty; give a file path or s3://bucket/prefix`);
  const s3 = /^s3:\/\/([^/]*)\/?(.*)$/i.exec(text);
  if (s3) {
    const [, bucket, rawPrefix] = s3;
    if (!BUCKET.test(bucket)) {
      throw ledgerError(
        `${names.location}: "${bucket}" is not an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens); write s3://bucket/prefix`,
      );
    }
    const prefix = rawPrefix === "" || rawPrefix.endsWith("/") ? rawPrefix : `${rawPrefix}/`;
    return {
      kind: "s3",
      bucket,
      prefix,
      ...(opts.region ? { region: opts.region } : {}),
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.retention ? { retention: parseRetention(opts.retention, names.retention) } : {}),
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw ledgerError(
      `${names.location}: "${text.split("://")[0]}://" ledgers are not supported; give a file path or s3://bucket/prefix`,
    );
  }
  for (const [value, name] of [
    [opts.endpoint, names.endpoint],
    [opts.retention, names.retention],
  ] as const) {
    if (value)
      throw ledgerError(`${name} applies to s3:// ledgers only; remove it or use an s3:// ledger`);
  }
  return { kind: "file", path: text };
}

/** Opens the sink a spec describes. */
export function openSink(spec: SinkSpec): LedgerSink {
  return spec.kind === "s3" ? s3Sink(spec) : fileSink(spec);
}

export { ledgerError, isLedgerError } from "./types";
export type { LedgerError } from "./types";
export type { LedgerSink, SinkSpec, FileSinkSpec, S3SinkSpec, AppendResult } from "./types";
