/**
 * Property values exactly as the Pulumi engine sends them to a provider over gRPC
 * (google.protobuf.Struct → plain JS), and the helpers the stand-in providers use on them:
 *
 * - a secret is `{ [SIG]: SECRET_SIG, value }` (sent because the stand-ins accept secrets);
 * - an unknown (a preview value not known yet) is the string `UNKNOWN`.
 *
 * No Pulumi runtime code is needed for this: these are the wire constants of the provider
 * protocol (the same ones `@pulumi/pulumi/runtime/rpc` uses).
 */

export const SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

interface SecretValue {
  [SIG]: typeof SECRET_SIG;
  value: unknown;
}

export function isSecret(v: unknown): v is SecretValue {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG] === SECRET_SIG;
}

/** Wraps a value as a secret (once). `undefined` stays `undefined`. */
export function secret<T>(v: T): unknown {
  if (v === undefined || isSecret(v)) return v;
  return { [SIG]: SECRET_SIG, value: v };
}

/** The value with every secret wrapper removed, deeply. */
export function reveal(v: unknown): unknown {
  if (isSecret(v)) return reveal(v.value);
  if (Array.isArray(v)) return v.map(reveal);
  if (typeof v === "object" && v !== null) {
    const out: Props = {};
    for (const [k, x] of Object.entries(v)) out[k] = reveal(x);
    return out;
  }
  return v;
}

/** True when the value is, or contains, a secret. */
export function containsSecrets(v: unknown): boolean {
  if (isSecret(v)) return true;
  if (Array.isArray(v)) return v.some(containsSecrets);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsSecrets);
  return false;
}

/** True when the value is, or contains, an unknown (preview) value. */
export function containsUnknowns(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (isSecret(v)) return containsUnknowns(v.value);
  if (Array.isArray(v)) return v.some(containsUnknowns);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsUnknowns);
  return false;
}

/** `out`, made secret when `from` (the input it came from) was secret: secretness flows through. */
export function keepSecretness(from: unknown, out: unknown): unknown {
  return containsSecrets(from) ? secret(reveal(out)) : out;
}

/** Deep equality of two revealed JSON values. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(reveal(a))) === JSON.stringify(canonical(reveal(b)));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === "object" && v !== null) {
    const out: Props = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Props)[k]);
    return out;
  }
  return v;
}

/** Drops `undefined` entries (google.protobuf.Struct cannot carry them). */
export function compact(p: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = v;
  return out;
}

// ---- typed readers for revealed input values ----------------------------------------------

export function str(v: unknown): string | undefined {
  const x = reveal(v);
  return typeof x === "string" ? x : undefined;
}

export function num(v: unknown): number | undefined {
  const x = reveal(v);
  return typeof x === "number" ? x : undefined;
}

export function bool(v: unknown): boolean | undefined {
  const x = reveal(v);
  return typeof x === "boolean" ? x : undefined;
}

export function strMap(v: unknown): Record<string, string> | undefined {
  const x = reveal(v);
  if (typeof x !== "object" || x === null || Array.isArray(x)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(x)) out[k] = String(val);
  return out;
}

export function strList(v: unknown): string[] | undefined {
  const x = reveal(v);
  return Array.isArray(x) ? x.map(String) : undefined;
}
